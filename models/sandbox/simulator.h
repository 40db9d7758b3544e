#pragma once

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace PromoDesk::Store {
class Connection;
}

// Traffic simulation (issue 9): synthetic shopping sessions against a sandbox's
// campaigns, at faster than real time, through the real engine, so the results land in
// the sandbox's redemptions and statistics like production traffic. docs/sandbox.md.
namespace PromoDesk::Sandbox {

struct TrafficOptions
{
    qint64 sessions = 1000;          // how many sessions
    qint64 from = 0;                 // simulated period, UTC ms [from, to); sessions arrive
    qint64 to = 0;                   //   uniformly at random (Poisson arrivals) over it
    double memberShare = 0.8;        // share of sessions by a workspace customer (the rest: guests)
    double codePropensity = 0.3;     // chance that a session types a code of a chosen campaign that has codes
    QStringList campaignIds;         // the campaigns the traffic is about (empty: every active one)
    quint32 seed = 1;                // same seed, same workspace -> the same sessions and results
    int batch = 500;                 // sessions per transaction
    // Checkouts (issue 10): with recordOrders, each session is a visit the engine sees
    // (qualify, which exposes members to running experiments), and a visit that checks
    // out is stored as a PAID order. A visit checks out with probability
    //   min(1, checkoutRate * (1 + discountElasticity * discount / cart amount)),
    // where discount is what the chosen campaigns' qualifying tiers and held codes take
    // off: a bigger incentive converts more. Without recordOrders every session checks
    // out and no order is stored (the issue 9 behaviour).
    bool recordOrders = false;
    double checkoutRate = 1.0;
    double discountElasticity = 0.0;
};

struct TrafficSummary
{
    qint64 sessions = 0;
    qint64 ordersWithDiscount = 0;
    qint64 redemptionsSucceeded = 0;
    qint64 redemptionsFailed = 0;
    qint64 discount = 0;            // cents
    qint64 orderAmount = 0;         // cents, all sessions (with recordOrders: the checkouts)
    qint64 orders = 0;              // checkouts (with recordOrders: stored orders)
    QMap<QString, qint64> failures; // failure key -> attempts
    struct PerCampaign
    {
        qint64 redemptions = 0;
        qint64 failed = 0;
        qint64 discount = 0;
        // Simulated time the campaign's budget ran out: its first refusal for the budget,
        // by redeem, or by qualify for a promotion tier (which the shop then never asks for).
        std::optional<qint64> budgetExhaustedAt;
    };
    QMap<QString, PerCampaign> campaigns;
    double seconds = 0;             // wall time
    bool cancelled = false;
    QJsonObject toJson() const;
};

// progress(done, total) returns false to cancel; what ran until then is kept (committed
// per batch) and the summary says cancelled. Refuses a production workspace.
// Each session: a member (uniform over customers) or a guest; a basket copied from a
// random order of the workspace (its items and quantities); the promotion tiers the cart
// qualifies for among the chosen campaigns, plus with `codePropensity` a code of a
// chosen campaign (one the member holds, else an unpublished one, else the standalone
// code); then redeem of those, at the session's simulated time. A refused code is dropped
// and the tiers redeemed alone, as a checkout does. Sessions are recorded with
// order_source_id "sim_<seed>_<n>" (n counts from 1 in time order). The same seed on
// the same file gives the same redemptions; the text of codes the engine publishes on
// the way (referral rewards) is drawn from the system's generator, as codes must be.
Result<TrafficSummary> simulateTraffic(Store::Connection &sandbox, const TrafficOptions &options,
                                       const std::function<bool(qint64 done, qint64 total)> &progress = {});

} // namespace PromoDesk::Sandbox
