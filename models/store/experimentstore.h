#pragma once

#include "common/result.h"
#include "experiments/experiment.h"
#include "stats/abstats.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

// The SQL of experiments (schema 10): experiments, their variants, exposures and the
// per-customer outcomes the analysis reads. Every value is bound.
namespace PromoDesk::Store {

class Connection;

struct Exposure
{
    QString experimentId;
    qint64 customerId = 0;
    int variant = 0;        // index into the experiment's variants
    qint64 exposedAt = 0;   // UTC ms, the first time only
};

// Per variant of an experiment, what the analysis needs: exposed units and per metric
// the sufficient statistics, plus a daily series for the charts.
struct ExperimentData
{
    QList<qint64> exposed;                                   // per variant
    QHash<int, QList<Stats::VariantStats>> metrics;          // int(Experiments::Metric) -> per variant
    struct Day
    {
        qint64 day = 0;                                      // UTC midnight, ms
        QList<qint64> exposed;                               // new exposures that day, per variant
        QList<Stats::VariantStats> primary;                  // cumulative primary metric up to that day's end
    };
    QList<Day> days;
    qint64 asOf = 0;
};

class ExperimentStore
{
public:
    explicit ExperimentStore(Connection &connection);

    // All experiments, newest first.
    Result<QList<Experiments::Experiment>> list();
    Result<std::optional<Experiments::Experiment>> find(const QString &id);
    // Running experiments, for the engine.
    Result<QList<Experiments::Experiment>> running();
    // Inserts (assigning "exp_…" when the id is empty) or updates a draft, checked, audited.
    // A running, stopped or concluded experiment's variants, weights, audience and seed
    // are frozen: changing them is refused in words (its assignments would move).
    // Names are unique (case-insensitive). Bumps campaigns_version so engines reload.
    Result<Experiments::Experiment> save(Experiments::Experiment experiment, const QString &actor);
    // Drafts only; a started experiment keeps its record.
    Status remove(const QString &id, const QString &actor);
    // draft -> running (startAt = now unless set in the future); running -> stopped;
    // stopped -> running. Every variant's campaign must exist; on start, draft variant
    // campaigns are activated (the experiment decides who gets them). Audited.
    Result<Experiments::Experiment> start(const QString &id, qint64 now, const QString &actor);
    Result<Experiments::Experiment> stop(const QString &id, qint64 now, const QString &actor);
    // In one transaction: the winner's campaign is active for everyone (the experiment
    // is concluded, so the engine no longer restricts it), the other variants' campaigns
    // are paused, the decision (winner, note, time) is recorded and audited. A holdout
    // winner pauses every variant's campaign.
    Result<Experiments::Experiment> declareWinner(const QString &id, const QString &variantKey, const QString &note,
                                                  qint64 now, const QString &actor);

    // INSERT OR IGNORE: the first exposure of a customer stays. In the caller's transaction.
    Status recordExposures(const QList<Exposure> &exposures);
    // Whether the customer is already exposed (its variant), for the engine's cache.
    Result<std::optional<int>> exposure(const QString &experimentId, qint64 customerId);

    // asOf 0 = everything recorded (in a sandbox, simulated traffic runs ahead of the clock).
    // Outcomes from exposure to min(endAt, asOf): orders of the customer (orders table)
    // and redemptions of the variant's campaign (and tier). One read snapshot.
    Result<ExperimentData> data(const Experiments::Experiment &experiment, qint64 asOf);

    // The planner's inputs: audience size (customers in the segment matching the rule,
    // or every customer) and the audience's historical traffic: distinct ordering
    // customers per day over the last `days` days before `now`, and the baseline of each
    // metric over that period as if everyone had been exposed on its first day.
    struct Baseline
    {
        qint64 audience = 0;
        double dailyCustomers = 0;     // distinct customers ordering per day (average)
        qint64 periodCustomers = 0;    // distinct customers ordering in the whole period
        QHash<int, Stats::VariantStats> metrics; // int(Metric) -> the audience's statistics
    };
    Result<Baseline> baseline(const Experiments::Experiment &experiment, qint64 now, int days = 28);

private:
    // find(), with "there is no experiment …" when there is none.
    Result<Experiments::Experiment> existing(const QString &id);

    Connection &m_connection;
};

} // namespace PromoDesk::Store
