#include "simulationdata.h"

#include "store/connection.h"
#include "store/sqlutil.h"

#include <QSqlError>

namespace PromoDesk::Store {

namespace {

Error sqlError(const QSqlQuery &q, const QString &what, const QString &path)
{
    return Error{QStringLiteral("%1: %2").arg(what, q.lastError().text()), path};
}

} // namespace

SimulationData::SimulationData(Connection &connection) : m_connection(connection) {}

SimulationData::~SimulationData() = default;

Result<QList<qint64>> SimulationData::customerIds()
{
    auto q = runQuery(m_connection, QStringLiteral("SELECT id FROM customers ORDER BY id"));
    if (!q)
        return q.error();
    QList<qint64> ids;
    while (q.value().next())
        ids.append(q.value().value(0).toLongLong());
    return ids;
}

Result<QList<SimulationBasket>> SimulationData::recentBaskets(int limit)
{
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT o.id, o.channel, i.sku_id, i.product_id, i.quantity, i.price "
                                     "FROM (SELECT id, channel FROM orders ORDER BY created_at DESC, id DESC LIMIT ?) AS o "
                                     "JOIN order_items AS i ON i.order_id = o.id ORDER BY o.id, i.line_no"),
                      {limit});
    if (!q)
        return q.error();
    QList<SimulationBasket> baskets;
    qint64 current = 0;
    QSqlQuery &rows = q.value();
    while (rows.next()) {
        const qint64 id = rows.value(0).toLongLong();
        if (baskets.isEmpty() || id != current) {
            current = id;
            baskets.append(SimulationBasket{rows.value(1).toString(), {}});
        }
        Engine::OrderItem item;
        item.sku = rows.value(2).toString();
        item.product = rows.value(3).toString();
        item.quantity = rows.value(4).toLongLong();
        item.price = rows.value(5).toLongLong();
        baskets.last().items.append(item);
    }
    if (rows.lastError().isValid())
        return sqlError(rows, QStringLiteral("reading recent orders"), m_connection.path());
    return baskets;
}

Result<QStringList> SimulationData::unpublishedCodes(const QString &campaignId, int limit)
{
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT code FROM codes WHERE campaign_id = ? AND customer_id IS NULL "
                                     "AND status = 'active' ORDER BY id LIMIT ?"),
                      {campaignId, limit});
    if (!q)
        return q.error();
    QStringList codes;
    while (q.value().next())
        codes.append(q.value().value(0).toString());
    return codes;
}

Result<QList<std::pair<qint64, QString>>> SimulationData::publishedCodes(const QString &campaignId)
{
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT customer_id, code FROM codes WHERE campaign_id = ? AND customer_id IS NOT NULL "
                                     "AND status = 'active' ORDER BY id"),
                      {campaignId});
    if (!q)
        return q.error();
    QList<std::pair<qint64, QString>> codes;
    while (q.value().next())
        codes.append({q.value().value(0).toLongLong(), q.value().value(1).toString()});
    return codes;
}

Result<std::optional<qint64>> SimulationData::newestOrderTime()
{
    auto q = runQuery(m_connection, QStringLiteral("SELECT max(created_at) FROM orders"));
    if (!q)
        return q.error();
    if (!q.value().next() || q.value().isNull(0))
        return std::optional<qint64>();
    return std::optional<qint64>(q.value().value(0).toLongLong());
}

Result<QList<ReplayOrder>> SimulationData::ordersBetween(qint64 from, qint64 to)
{
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT id, created_at, customer_id, channel FROM orders "
                                     "WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id"),
                      {from, to});
    if (!q)
        return q.error();
    QList<ReplayOrder> orders;
    QSqlQuery &rows = q.value();
    while (rows.next())
        orders.append(ReplayOrder{rows.value(0).toLongLong(), rows.value(1).toLongLong(),
                                  rows.isNull(2) ? 0 : rows.value(2).toLongLong(), rows.value(3).toString()});
    if (rows.lastError().isValid())
        return sqlError(rows, QStringLiteral("reading orders"), m_connection.path());
    return orders;
}

Result<QList<Engine::OrderItem>> SimulationData::orderItems(qint64 orderId)
{
    if (!m_items) {
        m_items = std::make_unique<QSqlQuery>(m_connection.database());
        m_items->setForwardOnly(true);
        if (!m_items->prepare(QStringLiteral("SELECT sku_id, product_id, quantity, price FROM order_items "
                                             "WHERE order_id = ? ORDER BY line_no"))) {
            const Error error = sqlError(*m_items, QStringLiteral("preparing order lines"), m_connection.path());
            m_items.reset();
            return error;
        }
    }
    QSqlQuery &q = *m_items;
    q.addBindValue(orderId);
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading the lines of order %1").arg(orderId), m_connection.path());
    QList<Engine::OrderItem> items;
    while (q.next()) {
        Engine::OrderItem item;
        item.sku = q.value(0).toString();
        item.product = q.value(1).toString();
        item.quantity = q.value(2).toLongLong();
        item.price = q.value(3).toLongLong();
        items.append(item);
    }
    q.finish();
    return items;
}

Result<QList<std::pair<qint64, QString>>> SimulationData::redeemedCampaigns(qint64 from, qint64 to)
{
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT DISTINCT o.id, r.campaign_id FROM redemptions AS r "
                                     "JOIN orders AS o ON o.source_id = r.order_source_id "
                                     "WHERE r.result = 'SUCCESS' AND r.object = 'redemption' "
                                     "AND r.created_at >= ? AND r.created_at < ? AND r.campaign_id IS NOT NULL "
                                     "ORDER BY o.id, r.campaign_id"),
                      {from, to});
    if (!q)
        return q.error();
    QList<std::pair<qint64, QString>> pairs;
    while (q.value().next())
        pairs.append({q.value().value(0).toLongLong(), q.value().value(1).toString()});
    return pairs;
}

Status SimulationData::recordOrder(const CheckoutOrder &order)
{
    qint64 amount = 0;
    qint64 count = 0;
    for (const Engine::OrderItem &item : order.items) {
        amount += item.amount();
        count += item.quantity;
    }
    const QVariant customer = order.customerId ? QVariant(order.customerId) : QVariant(QMetaType::fromType<qint64>());
    auto inserted = runQuery(m_connection,
                             QStringLiteral("INSERT INTO orders(source_id, customer_id, status, amount, discount_amount, "
                                            "items_count, channel, created_at) VALUES (?, ?, 'PAID', ?, ?, ?, ?, ?)"),
                             {order.sourceId, customer, amount, std::min(order.discount, amount), count,
                              order.channel.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(order.channel),
                              order.at});
    if (!inserted)
        return inserted.error();
    const qint64 orderId = inserted.value().lastInsertId().toLongLong();
    for (int line = 0; line < order.items.size(); ++line) {
        const Engine::OrderItem &item = order.items[line];
        auto q = runQuery(m_connection,
                          QStringLiteral("INSERT INTO order_items(order_id, line_no, sku_id, product_id, quantity, price, amount) "
                                         "VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?)"),
                          {orderId, line + 1, item.sku, item.product, item.quantity, item.price, item.amount()});
        if (!q)
            return q.error();
    }
    if (order.customerId) {
        auto q = runQuery(m_connection,
                          QStringLiteral("UPDATE customers SET orders_count = orders_count + 1, total_spent = total_spent + ?, "
                                         "last_order_at = max(COALESCE(last_order_at, 0), ?) WHERE id = ?"),
                          {amount, order.at, order.customerId});
        if (!q)
            return q.error();
    }
    return {};
}

} // namespace PromoDesk::Store
