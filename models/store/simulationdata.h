#pragma once

#include "common/result.h"
#include "engine/campaign.h"

#include <QHash>
#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <utility>

// The reads of traffic simulation and backtest (issue 9, models/sandbox): customers and
// baskets to draw sessions from, codes to type, the orders of a period to replay, and
// which campaigns those orders really redeemed. Every value is a bound parameter.
namespace PromoDesk::Store {

class Connection;

// A basket copied from a stored order: its channel and lines (categories are left to the
// engine, which completes lines from the catalogue).
struct SimulationBasket
{
    QString channel;
    QList<Engine::OrderItem> items;
};

// One order of a replayed period, without its lines (loaded one order at a time, so a
// quarter of a large workspace does not sit in memory twice).
struct ReplayOrder
{
    qint64 id = 0;
    qint64 createdAt = 0;
    qint64 customerId = 0; // 0 = a guest order
    QString channel;
};

class SimulationData
{
public:
    explicit SimulationData(Connection &connection);
    ~SimulationData();

    // Every customer id, ascending.
    Result<QList<qint64>> customerIds();
    // The lines of the newest `limit` orders (by created_at, then id), one basket per
    // order, in order id order.
    Result<QList<SimulationBasket>> recentBaskets(int limit);
    // Active codes of a campaign published to nobody, in id order, at most `limit`.
    Result<QStringList> unpublishedCodes(const QString &campaignId, int limit);
    // Active codes of a campaign published to a customer: (customer id, code) in code id order.
    Result<QList<std::pair<qint64, QString>>> publishedCodes(const QString &campaignId);

    // The newest order's created_at, nothing without orders.
    Result<std::optional<qint64>> newestOrderTime();
    // Orders created in [from, to), oldest first (ties by id).
    Result<QList<ReplayOrder>> ordersBetween(qint64 from, qint64 to);
    // One order's lines in line order (a prepared statement reused across calls).
    Result<QList<Engine::OrderItem>> orderItems(qint64 orderId);
    // Successful redemptions (not rolled back) created in [from, to) of orders stored in
    // the workspace, linked by the shop's order id (redemptions.order_source_id =
    // orders.source_id): (order id, campaign id), once per pair.
    Result<QList<std::pair<qint64, QString>>> redeemedCampaigns(qint64 from, qint64 to);

    // A simulated checkout (issue 10): the order with its lines, PAID at `at`, and the
    // customer's summary (orders_count, total_spent, last_order_at) moved on. In the
    // caller's transaction.
    struct CheckoutOrder
    {
        QString sourceId;
        qint64 customerId = 0; // 0 = a guest
        QString channel;
        QList<Engine::OrderItem> items;
        qint64 discount = 0;
        qint64 at = 0;
    };
    Status recordOrder(const CheckoutOrder &order);

private:
    Connection &m_connection;
    std::unique_ptr<QSqlQuery> m_items;
};

} // namespace PromoDesk::Store
