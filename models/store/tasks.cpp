#include "tasks.h"

#include "connection.h"

#include <QSqlError>

#include <algorithm>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentRun>

namespace PromoDesk::Store {

Result<WorkspaceOverview> overview(Connection &connection)
{
    WorkspaceOverview out;
    QSqlQuery q(connection.database());
    // Members' orders and spend come from the maintained summaries (narrow index
    // scans); guest orders (no customer) are added from the orders table through the
    // customer_id index. A scan of millions of orders would take seconds cold.
    const QString sql = QStringLiteral(
        "SELECT (SELECT count(*) FROM customers), "
        "       (SELECT total(orders_count) FROM customers) + (SELECT count(*) FROM orders WHERE customer_id IS NULL), "
        "       (SELECT total(total_spent) FROM customers) + (SELECT total(amount) FROM orders WHERE customer_id IS NULL), "
        "       (SELECT count(*) FROM products), "
        "       (SELECT count(*) FROM campaigns), "
        "       (SELECT count(*) FROM campaigns WHERE status = 'active'), "
        "       (SELECT count(*) FROM redemptions), "
        "       (SELECT max(last_order_at) FROM customers), "
        "       (SELECT max(created_at) FROM orders WHERE customer_id IS NULL)");
    if (!q.exec(sql) || !q.next())
        return Error{q.lastError().text(), connection.path()};
    out.customers = q.value(0).toLongLong();
    out.orders = qint64(q.value(1).toDouble());
    // total() is a float in SQLite; cents stay exact far beyond any shop's revenue (2^53).
    out.revenue = qint64(q.value(2).toDouble());
    out.products = q.value(3).toLongLong();
    out.campaigns = q.value(4).toLongLong();
    out.activeCampaigns = q.value(5).toLongLong();
    out.redemptions = q.value(6).toLongLong();
    for (int column : {7, 8}) {
        if (!q.value(column).isNull())
            out.lastOrderAt = std::max(out.lastOrderAt.value_or(0), q.value(column).toLongLong());
    }
    return out;
}

namespace Tasks {

namespace {

template <typename T, typename Fn>
QFuture<Result<T>> withReader(const QString &path, Fn fn)
{
    return QtConcurrent::run([path, fn]() -> Result<T> {
        auto connection = Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        return fn(*connection.value());
    });
}

} // namespace

QFuture<Result<WorkspaceInfo>> open(const QString &path)
{
    return QtConcurrent::run([path] { return Workspace::open(path); });
}

QFuture<Result<QList<TableCount>>> counts(const QString &path)
{
    return withReader<QList<TableCount>>(path, [](Connection &c) { return Workspace::counts(c); });
}

QFuture<Result<WorkspaceOverview>> overview(const QString &path)
{
    return withReader<WorkspaceOverview>(path, [](Connection &c) { return Store::overview(c); });
}

QFuture<Result<CustomerProfile>> customerProfile(const QString &path, const QString &customerId)
{
    return withReader<CustomerProfile>(path, [customerId](Connection &c) {
        return CustomerRepository(c).profile(customerId);
    });
}

} // namespace Tasks
} // namespace PromoDesk::Store
