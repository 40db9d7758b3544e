#include "tasks.h"

#include "connection.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentRun>

namespace PromoDesk::Store {

Result<WorkspaceOverview> overview(Connection &connection)
{
    WorkspaceOverview out;
    QSqlQuery q(connection.database());
    const QString sql = QStringLiteral(
        "SELECT (SELECT count(*) FROM customers), "
        "       (SELECT count(*) FROM orders), "
        "       (SELECT total(amount) FROM orders), "
        "       (SELECT count(*) FROM products), "
        "       (SELECT count(*) FROM campaigns), "
        "       (SELECT count(*) FROM campaigns WHERE status = 'active'), "
        "       (SELECT count(*) FROM redemptions), "
        "       (SELECT min(created_at) FROM orders), "
        "       (SELECT max(created_at) FROM orders)");
    if (!q.exec(sql) || !q.next())
        return Error{q.lastError().text(), connection.path()};
    out.customers = q.value(0).toLongLong();
    out.orders = q.value(1).toLongLong();
    // total() is a float in SQLite; cents stay exact far beyond any shop's revenue (2^53).
    out.revenue = qint64(q.value(2).toDouble());
    out.products = q.value(3).toLongLong();
    out.campaigns = q.value(4).toLongLong();
    out.activeCampaigns = q.value(5).toLongLong();
    out.redemptions = q.value(6).toLongLong();
    if (!q.value(7).isNull())
        out.firstOrderAt = q.value(7).toLongLong();
    if (!q.value(8).isNull())
        out.lastOrderAt = q.value(8).toLongLong();
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
