#pragma once

#include "common/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// Campaign statistics (Voucherify's campaign summary fields) per campaign and UTC hour,
// kept by triggers in the writer's own transaction (schemas 7 and 8), so a dashboard reads
// O(buckets) and never scans the redemptions table. docs/dashboard.md.
namespace PromoDesk::Store {

class Connection;

// One campaign's (or, summed, several campaigns') activity in one UTC hour.
struct StatsBucket
{
    QString campaignId; // empty when summed over campaigns
    QString tierId;     // byTier(): the promotion tier, empty for codes and attempts without one
    qint64 hour = 0;    // UTC epoch hours (epoch ms / 3 600 000)
    qint64 redemptionsSucceeded = 0;
    qint64 redemptionsFailed = 0;
    qint64 rollbacks = 0;
    qint64 validationsValid = 0;   // validations asked for (CampaignEngine::validate), per redeemable
    qint64 validationsInvalid = 0;
    qint64 discount = 0;           // discount of the redemptions that succeeded in that hour
    qint64 rolledBackDiscount = 0; // discount returned by the rollbacks of that hour
    qint64 orderAmount = 0;        // order value of the redemptions that succeeded
    qint64 giftAmount = 0;
    qint64 codesCreated = 0;
    qint64 codesPublished = 0;

    qint64 netDiscount() const { return discount - rolledBackDiscount; }
    qint64 validations() const { return validationsValid + validationsInvalid; }
    StatsBucket &operator+=(const StatsBucket &other);
    bool operator==(const StatsBucket &) const = default;
};

struct FailureCount
{
    QString failureCode;
    qint64 attempts = 0;
};

// What to read: hours [fromHour, toHour), the campaigns (all when empty), and of one
// campaign one promotion tier (all when empty).
struct StatsQuery
{
    qint64 fromHour = 0;
    qint64 toHour = 0;
    QStringList campaignIds;
    QString tierId;
    bool operator==(const StatsQuery &) const = default;
};

// Something about an active campaign a marketer should look at now.
struct CampaignAlert
{
    enum class Kind { BudgetExhausted, BudgetLow, CodesLow, ExpiringSoon, FailureSpike };
    Kind kind = Kind::BudgetLow;
    QString campaignId;
    QString campaignName;
    QString message;                     // for people, with the figures
    std::optional<qint64> exhaustionAt;  // budget alerts: when it runs out at the last 7 days' pace (UTC ms)
    bool operator==(const CampaignAlert &) const = default;
};

// What the dashboard's campaign activity shows for a query, from one read snapshot.
struct ActivitySnapshot
{
    QList<StatsBucket> hourly;      // summed over the query's campaigns, oldest first
    QList<StatsBucket> perCampaign; // summed over the hours
    QList<StatsBucket> perTier;     // one campaign: its tiers, summed over the hours
    QList<FailureCount> failures;
    QList<std::pair<QString, QString>> campaigns; // id, name of every campaign, by name (full loads only)
    QList<std::pair<QString, QString>> tiers;     // one campaign: id, name of its tiers in order (full loads only)
    QList<CampaignAlert> alerts;                  // at the time of the load (full loads only)
    QString currency;                             // the workspace's (full loads only)
    // One campaign with a discount budget: the budget and how much of it is used now
    // (the engine's own counter).
    std::optional<qint64> budgetDiscount;
    qint64 budgetUsed = 0;
    qint64 dataVersion = 0;         // SQLite's data_version on the reading connection
};

class StatsStore
{
public:
    explicit StatsStore(Connection &connection);

    static qint64 hourOf(qint64 epochMs) { return epochMs / 3'600'000; }

    // The hours that had activity, summed over the query's campaigns, oldest first.
    Result<QList<StatsBucket>> hourly(const StatsQuery &query);
    // One bucket per campaign, summed over the hours.
    Result<QList<StatsBucket>> byCampaign(const StatsQuery &query);
    // One bucket per promotion tier of the query's campaigns, summed over the hours and
    // campaigns (tierId empty: codes and attempts without a tier).
    Result<QList<StatsBucket>> byTier(const StatsQuery &query);
    // Everything in the query, summed.
    Result<StatsBucket> total(const StatsQuery &query);
    // Failed attempts by failure key, most first.
    Result<QList<FailureCount>> failures(const StatsQuery &query);

    // hourly() (from `tailFromHour` on, when given), byCampaign() and failures() together;
    // a full load (no tail) adds the campaigns and the alerts at `now`.
    Result<ActivitySnapshot> activity(const StatsQuery &query, std::optional<qint64> tailFromHour = {}, qint64 now = 0);
    // SQLite's PRAGMA data_version: changes when another connection (of any process)
    // commits to the file. Cheap; no table is read.
    Result<qint64> dataVersion();

    // The alerts for the running campaigns (active, started, not expired) at `now`:
    // - BudgetExhausted / BudgetLow: a discount or redemption budget used up, or 80 %
    //   used, with the date it runs out at the last 7 days' pace;
    // - CodesLow: some, but under a tenth (and under 1 000), of a campaign's codes left
    //   to publish;
    // - ExpiringSoon: ends within 7 days;
    // - FailureSpike: the last 24 hours' failure rate is twice the last 30 days' (and at
    //   least 20 attempts and 50 %).
    Result<QList<CampaignAlert>> alerts(qint64 now);

    // Throws the counters away and recounts them from the redemptions and codes, in one
    // transaction (or the caller's). Returns the buckets written.
    Result<qint64> rebuild();
    // Compares the counters with a recount from history: one line per bucket that
    // differs ("camp_x hour 491234: counters … recount …"); empty when they agree.
    Result<QStringList> check();

private:
    Connection &m_connection;
};

} // namespace PromoDesk::Store
