#pragma once

#include "common/result.h"
#include "experiments/experiment.h"
#include "stats/abstats.h"
#include "store/experimentstore.h"

#include <QIODevice>
#include <QList>
#include <QString>

#include <optional>

namespace PromoDesk::Store {
class Connection;
}

// An experiment's results: per goal metric and variant, the comparison against the
// control with the experiment's engine, corrected across variants × goal metrics;
// the SRM check; whether the primary metric has its planned sample; daily series.
namespace PromoDesk::Experiments {

struct MetricResult
{
    Metric metric = Metric::NetRevenuePerCustomer;
    MetricRole role = MetricRole::Primary;
    QList<Stats::VariantStats> stats;        // per variant
    QList<double> values;                    // per variant: the metric's value (cents for money)
    QList<std::optional<Stats::Comparison>> comparisons; // per variant; none for the control
    QList<std::optional<double>> adjustedPValues;        // frequentist, after the correction
    // Per variant: significant after the correction, and in the good direction (+1),
    // the bad one (-1), or not significant (0).
    QList<int> verdicts;
};

struct SeriesPoint
{
    qint64 day = 0;                 // UTC midnight, ms
    QList<qint64> exposedTotal;     // cumulative exposures per variant
    QList<std::optional<Stats::Comparison>> primary; // cumulative primary comparison per variant
};

struct Analysis
{
    QList<qint64> exposed;          // per variant
    Stats::SrmCheck srm;
    QList<MetricResult> metrics;    // goals(), primary first
    // The primary metric's plan at the observed baseline and the experiment's alpha,
    // power 0.8, relative MDE `plannedMde`: units needed per arm vs the smallest arm.
    Stats::Plan plan;
    double plannedMde = 0.05;
    qint64 smallestArm = 0;
    bool enoughUnits = false;
    QList<SeriesPoint> series;
    qint64 asOf = 0;
    // The variant that wins the primary metric (significant, good direction, guardrails
    // not significantly worse), if exactly one does; else empty.
    QString suggestedWinner;
};

// Pure: from the store's data.
Analysis analyze(const Experiment &experiment, const Store::ExperimentData &data, double plannedMde = 0.05);
// Reads the data (one snapshot) and analyses it. asOf 0: everything recorded, up to the
// experiment's end or decision (a sandbox's simulated traffic runs ahead of the clock).
Result<Analysis> analyze(Store::Connection &connection, const Experiment &experiment, qint64 asOf,
                         double plannedMde = 0.05);

// The results as CSV rows (header first): metric, role, variant, units, numerator,
// denominator, value, baseline, effect, ci_low, ci_high, p_value, adjusted_p_value,
// chance_to_win, significant.
QList<QStringList> resultRows(const Experiment &experiment, const Analysis &analysis);
// Writes resultRows as CSV (UTF-8 with a byte order mark; numbers unquoted, text guarded
// against formulas). Export files go through a QSaveFile: all or nothing.
Status writeResultsCsv(const Experiment &experiment, const Analysis &analysis, QIODevice *device);
Status writeResultsCsv(const Experiment &experiment, const Analysis &analysis, const QString &file);

} // namespace PromoDesk::Experiments
