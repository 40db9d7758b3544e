#include "customerrepository.h"

#include "connection.h"
#include "sqlutil.h"
#include "common/ids.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace PromoDesk::Store {

namespace {

// Sort expressions are chosen from this fixed table, never built from input; each
// has an index (see schema.cpp).
QString sortExpression(CustomerSort sort)
{
    switch (sort) {
    case CustomerSort::Name: return QStringLiteral("name");
    case CustomerSort::CreatedAt: return QStringLiteral("created_at");
    case CustomerSort::OrdersCount: return QStringLiteral("orders_count");
    case CustomerSort::TotalSpent: return QStringLiteral("total_spent");
    case CustomerSort::LastOrderAt: return QStringLiteral("ifnull(last_order_at, 0)");
    }
    return QStringLiteral("name");
}

// A full scan with the matches sorted afterwards; without the hint SQLite may walk
// some index and fetch every row from it at random (seconds on 1.4M rows).
QString customersTable(bool fullScan)
{
    return fullScan ? QStringLiteral("customers NOT INDEXED") : QStringLiteral("customers");
}

const QString RowColumns = QStringLiteral(
    "id, source_id, name, email, address_country, address_city, created_at, orders_count, total_spent, "
    "last_order_at");

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

struct Where
{
    QString clause;
    QVariantList values;

    void add(const QString &condition, const QVariantList &bound)
    {
        clause += (clause.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + condition;
        values += bound;
    }
};

Where searchFilter(const CustomerQuery &query)
{
    Where where;
    const QString text = query.search.trimmed();
    if (!text.isEmpty()) {
        // A public id ("cust_42") matches exactly; anything else by substring.
        const qint64 key = Ids::parse(Ids::Customer, text).value_or(-1);
        where.add(QStringLiteral("(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR id = ? OR source_id = ?)"),
                  {likePattern(text), likePattern(text), key, text});
    }
    return where;
}

} // namespace

CustomerListSql customerListSql(const CustomerQuery &query)
{
    CustomerListSql sql;
    const Where where = searchFilter(query);
    sql.where = where.clause.mid(QStringLiteral(" WHERE ").size());
    sql.values = where.values;
    const QString direction = query.descending ? QStringLiteral(" DESC") : QString();
    sql.orderBy = sortExpression(query.sort) + direction + QStringLiteral(", id") + direction;
    return sql;
}

CustomerRow customerRowFrom(const QSqlQuery &q)
{
    CustomerRow row;
    row.rowid = q.value(0).toLongLong();
    row.id = Ids::make(Ids::Customer, row.rowid);
    row.sourceId = q.value(1).toString();
    row.name = q.value(2).toString();
    row.email = q.value(3).toString();
    row.country = q.value(4).toString();
    row.city = q.value(5).toString();
    row.createdAt = q.value(6).toLongLong();
    row.ordersCount = q.value(7).toLongLong();
    row.totalSpent = q.value(8).toLongLong();
    if (!q.value(9).isNull())
        row.lastOrderAt = q.value(9).toLongLong();
    row.sortKey = q.value(10);
    return row;
}

namespace {

} // namespace

CustomerRepository::CustomerRepository(Connection &connection) : m_connection(connection) {}

Result<qint64> CustomerRepository::count(const CustomerQuery &query)
{
    const Where where = searchFilter(query);
    auto q = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM customers") + where.clause, where.values);
    if (!q)
        return q.error();
    if (!q.value().next())
        return Error{QStringLiteral("count returned no row"), m_connection.path()};
    return q.value().value(0).toLongLong();
}

Result<QList<CustomerRow>> CustomerRepository::pageAfter(const CustomerQuery &query,
                                                         const std::optional<CustomerKey> &after, int limit)
{
    const QString key = sortExpression(query.sort);
    const QString table = customersTable(query.fullScan && !query.search.trimmed().isEmpty());
    const QString direction = query.descending ? QStringLiteral(" DESC") : QString();
    const QString beyond = query.descending ? QStringLiteral("<") : QStringLiteral(">");
    QList<CustomerRow> rows;
    rows.reserve(limit);

    // Reads up to `wanted` rows matching the search plus `condition`, in the list's order.
    // Within one key only the id orders the rows (ordering by the key too makes SQLite
    // sort the whole group for an expression key).
    auto read = [&](const QString &condition, const QVariantList &values, int wanted, bool sameKey) -> Status {
        Where where = searchFilter(query);
        if (!condition.isEmpty())
            where.add(condition, values);
        const QString order = sameKey ? QStringLiteral("id%1").arg(direction) : QStringLiteral("%1%2, id%2").arg(key, direction);
        const QString sql = QStringLiteral("SELECT %1, %2 FROM %3%4 ORDER BY %5 LIMIT ?")
                                .arg(RowColumns, key, table, where.clause, order);
        auto q = runQuery(m_connection, sql, where.values + QVariantList{wanted});
        if (!q)
            return q.error();
        while (q.value().next())
            rows.append(customerRowFrom(q.value()));
        return {};
    };

    if (!after) {
        if (Status s = read({}, {}, limit, false); !s)
            return s.error();
        return rows;
    }
    // By key, in two seeks: the rest of the rows that share the last key (the index
    // holds the id after the key, so "key = ? AND id > ?" is one seek even in a group
    // of 500 000 members with no orders), then the rows with the following keys.
    if (Status s = read(QStringLiteral("%1 = ? AND id %2 ?").arg(key, beyond), {after->sortKey, after->rowid}, limit, true); !s)
        return s.error();
    if (rows.size() < limit) {
        if (Status s = read(QStringLiteral("%1 %2 ?").arg(key, beyond), {after->sortKey}, limit - int(rows.size()), false); !s)
            return s.error();
    }
    return rows;
}

Result<QList<CustomerRow>> CustomerRepository::pageBefore(const CustomerQuery &query, const CustomerKey &before,
                                                          int limit)
{
    CustomerQuery reversed = query;
    reversed.descending = !query.descending;
    auto rows = pageAfter(reversed, before, limit);
    if (!rows)
        return rows;
    std::reverse(rows.value().begin(), rows.value().end());
    return rows;
}

Result<std::optional<CustomerKey>> CustomerRepository::keyAt(const CustomerQuery &query, qint64 position)
{
    // Deep into a search, one scan and sort beats testing every row along the index.
    const QString key = sortExpression(query.sort);
    const QString table = customersTable(!query.search.trimmed().isEmpty());
    const Where where = searchFilter(query);
    const QString direction = query.descending ? QStringLiteral(" DESC") : QString();
    // Only the (key, id) pair is read, so SQLite walks the covering index.
    const QString sql = QStringLiteral("SELECT %1, id FROM %2%3 ORDER BY %1%4, id%4 LIMIT 1 OFFSET ?")
                            .arg(key, table, where.clause, direction);
    auto q = runQuery(m_connection, sql, where.values + QVariantList{position});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<CustomerKey>();
    return std::optional<CustomerKey>(CustomerKey{q.value().value(0), q.value().value(1).toLongLong()});
}

Result<CustomerProfile> CustomerRepository::profile(const QString &customerId)
{
    const auto key = Ids::parse(Ids::Customer, customerId);
    if (!key)
        return Error{QStringLiteral("\"%1\" is not a customer id (cust_…)").arg(customerId), m_connection.path()};
    CustomerProfile profile;
    {
        auto q = runQuery(m_connection,
                     QStringLiteral("SELECT %1, name, phone, birthdate, address_postal_code, loyalty_tier, tags, metadata, "
                                    "consent_email, consent_sms, consent_push, consents_updated_at "
                                    "FROM customers WHERE id = ?")
                         .arg(RowColumns),
                     {*key});
        if (!q)
            return q.error();
        QSqlQuery &r = q.value();
        if (!r.next())
            return Error{QStringLiteral("no customer with id %1").arg(customerId), m_connection.path()};
        profile.row = customerRowFrom(r);
        profile.phone = r.value(11).toString();
        profile.birthdate = r.value(12).toString();
        profile.postalCode = r.value(13).toString();
        profile.loyaltyTier = r.value(14).toString();
        profile.tags = r.value(15).toString();
        profile.metadata = r.value(16).toString();
        profile.consentEmail = r.value(17).toBool();
        profile.consentSms = r.value(18).toBool();
        profile.consentPush = r.value(19).toBool();
        if (!r.value(20).isNull())
            profile.consentsUpdatedAt = r.value(20).toLongLong();
    }
    {
        auto q = runQuery(m_connection,
                     QStringLiteral("SELECT o.id, o.source_id, o.created_at, o.status, o.channel, o.amount, o.discount_amount, "
                                    "i.line_no, i.sku_id, p.name, i.quantity, i.price, i.amount "
                                    "FROM (SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?) o "
                                    "LEFT JOIN order_items i ON i.order_id = o.id "
                                    "LEFT JOIN products p ON p.id = i.product_id "
                                    "ORDER BY o.created_at DESC, o.id DESC, i.line_no"),
                     {*key, ProfileOrderLimit});
        if (!q)
            return q.error();
        QSqlQuery &r = q.value();
        while (r.next()) {
            const QString orderId = Ids::make(Ids::Order, r.value(0).toLongLong());
            if (profile.orders.isEmpty() || profile.orders.last().id != orderId) {
                OrderSummary order;
                order.id = orderId;
                order.sourceId = r.value(1).toString();
                order.createdAt = r.value(2).toLongLong();
                order.status = r.value(3).toString();
                order.channel = r.value(4).toString();
                order.amount = r.value(5).toLongLong();
                order.discountAmount = r.value(6).toLongLong();
                profile.orders.append(order);
            }
            if (!r.value(7).isNull()) {
                profile.orders.last().items.append({r.value(7).toInt(), r.value(8).toString(), r.value(9).toString(),
                                                    r.value(10).toLongLong(), r.value(11).toLongLong(),
                                                    r.value(12).toLongLong()});
            }
        }
    }
    {
        auto q = runQuery(m_connection,
                     QStringLiteral("SELECT type, created_at, metadata, count(*) OVER () FROM customer_events "
                                    "WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?"),
                     {*key, ProfileEventLimit});
        if (!q)
            return q.error();
        while (q.value().next()) {
            profile.events.append({q.value().value(0).toString(), q.value().value(1).toLongLong(),
                                   q.value().value(2).toString()});
            profile.eventsCount = q.value().value(3).toLongLong();
        }
    }
    return profile;
}

Result<qint64> CustomerRepository::countWhere(const QString &where, const QVariantList &bindings)
{
    auto q = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM customers c WHERE ") + where, bindings);
    if (!q)
        return q.error();
    if (!q.value().next())
        return Error{QStringLiteral("count returned no row"), m_connection.path()};
    return q.value().value(0).toLongLong();
}

Result<QStringList> CustomerRepository::idsWhere(const QString &where, const QVariantList &bindings)
{
    auto q = runQuery(m_connection, QStringLiteral("SELECT c.id FROM customers c WHERE ") + where + QStringLiteral(" ORDER BY c.id"),
                 bindings);
    if (!q)
        return q.error();
    QStringList ids;
    while (q.value().next())
        ids << Ids::make(Ids::Customer, q.value().value(0).toLongLong());
    return ids;
}

} // namespace PromoDesk::Store
