#pragma once

#include "common/result.h"
#include "engine/campaign.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace PromoDesk::Store {
class Connection;
}

// Backtest (issue 9): replays the last N days of real orders of a workspace (read-only)
// through a draft campaign and forecasts what it would have done. docs/sandbox.md.
namespace PromoDesk::Sandbox {

struct BacktestOptions
{
    int days = 90;          // orders created in [until - days, until)
    qint64 until = 0;       // UTC ms; 0: the newest order's time + 1 ms
    int threads = 0;        // 0: one per core
};

struct BacktestDay
{
    qint64 dayStart = 0;    // UTC midnight, ms
    qint64 orders = 0;
    qint64 redemptions = 0;
    qint64 discount = 0;
};

struct BacktestResult
{
    qint64 from = 0;                  // the period replayed, UTC ms [from, until)
    qint64 until = 0;
    qint64 orders = 0;                // replayed
    qint64 redemptions = 0;           // orders the draft would have discounted
    qint64 customers = 0;             // distinct customers among them
    qint64 discount = 0;              // cents
    qint64 orderAmount = 0;           // cents, of the discounted orders
    std::optional<qint64> budgetExhaustedAt; // when the draft's discount (or redemption) budget would have run out
    QMap<QString, qint64> failures;   // why the other orders did not qualify: failure key -> orders
    // campaign id -> discounted orders that also redeemed that campaign (successful, not
    // rolled back), linked by the shop's order id: redemptions.order_source_id = orders.source_id
    QMap<QString, qint64> overlap;
    QList<BacktestDay> daily;         // oldest first, every day of the period
    double seconds = 0;
    bool cancelled = false;
    QJsonObject toJson() const;
};

// Each order goes through CampaignEngine::tryCampaign(draft, request at the order's own
// time, its customer, its items) on read-only connections; the draft's limits per
// customer and its budgets are applied in order time across the replay (in memory),
// so the budget stops discounting once spent. Reads only: the workspace is not changed.
// As in the engine, an order that would overrun the discount budget is refused, not
// trimmed; budgetExhaustedAt is the first order the budget could not pay for, or the one
// that took the last of it. Customers are evaluated as they are now (their attributes and
// history today), not as they were at each order's time. A cancelled replay (progress
// returned false) reports the orders tried before it, in time order, and says cancelled.
Result<BacktestResult> backtest(const QString &workspacePath, const Engine::Campaign &draft, const BacktestOptions &options,
                                const std::function<bool(qint64 done, qint64 total)> &progress = {});

} // namespace PromoDesk::Sandbox
