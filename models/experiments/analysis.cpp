#include "experiments/analysis.h"

#include "common/csv.h"
#include "store/connection.h"

#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace PromoDesk::Experiments {

namespace {

constexpr qint64 kDayMs = 86400000;

Stats::TestOptions optionsOf(const Experiment &e)
{
    Stats::TestOptions options;
    options.engine = e.engine;
    options.alpha = e.alpha;
    options.sequential = e.sequential;
    options.difference = Stats::Difference::Relative;
    return options;
}

QList<std::optional<Stats::Comparison>> compareAll(const Experiment &e, Metric metric,
                                                   const QList<Stats::VariantStats> &stats)
{
    QList<std::optional<Stats::Comparison>> out(stats.size());
    const int control = e.controlIndex();
    if (control < 0 || control >= stats.size())
        return out;
    const Stats::TestOptions options = optionsOf(e);
    for (int i = 0; i < stats.size(); ++i) {
        if (i != control)
            out[i] = Stats::compare(metricType(metric), stats[control], stats[i], options);
    }
    return out;
}

// +1 significantly better, -1 significantly worse, 0 neither.
int verdictOf(const Experiment &e, Metric metric, const Stats::Comparison &c, std::optional<double> adjusted)
{
    if (!c.error.isEmpty())
        return 0;
    bool significant = c.significant;
    if (e.engine == Stats::Engine::Frequentist && adjusted)
        significant = *adjusted < e.alpha;
    if (!significant)
        return 0;
    const bool up = c.effect > 0;
    return up == higherIsBetter(metric) ? 1 : -1;
}

} // namespace

Analysis analyze(const Experiment &e, const Store::ExperimentData &data, double plannedMde)
{
    Analysis a;
    a.asOf = data.asOf;
    a.plannedMde = plannedMde;
    const int variants = int(e.variants.size());
    a.exposed = data.exposed;
    a.exposed.resize(variants, 0);
    a.srm = Stats::srmCheck(a.exposed, e.weights());
    const int control = e.controlIndex();

    // Comparisons for every goal.
    for (const auto &[metric, role] : e.goals()) {
        MetricResult r;
        r.metric = metric;
        r.role = role;
        r.stats = data.metrics.value(int(metric));
        r.stats.resize(variants);
        for (const Stats::VariantStats &s : std::as_const(r.stats))
            r.values << (s.n > 0 ? Stats::metricValue(metricType(metric), s) : 0.0);
        r.comparisons = compareAll(e, metric, r.stats);
        r.adjustedPValues = QList<std::optional<double>>(variants);
        r.verdicts = QList<int>(variants, 0);
        a.metrics << r;
    }

    // The correction across variants x goal metrics (primary and secondary; guardrails
    // are read one by one, as a guard should be).
    if (e.engine == Stats::Engine::Frequentist) {
        QList<double> pValues;
        QList<QPair<int, int>> where;
        for (int m = 0; m < a.metrics.size(); ++m) {
            if (a.metrics[m].role == MetricRole::Guardrail)
                continue;
            for (int v = 0; v < variants; ++v) {
                const auto &c = a.metrics[m].comparisons[v];
                if (c && c->error.isEmpty() && c->pValue) {
                    pValues << *c->pValue;
                    where.append({m, v});
                }
            }
        }
        QList<double> adjusted = pValues;
        if (e.correction == QLatin1String("holm"))
            adjusted = Stats::holmAdjust(pValues);
        else if (e.correction == QLatin1String("benjamini_hochberg"))
            adjusted = Stats::benjaminiHochbergAdjust(pValues);
        for (int i = 0; i < where.size(); ++i)
            a.metrics[where[i].first].adjustedPValues[where[i].second] = adjusted.value(i, pValues[i]);
        for (MetricResult &r : a.metrics) {
            if (r.role != MetricRole::Guardrail)
                continue;
            for (int v = 0; v < variants; ++v) {
                if (r.comparisons[v] && r.comparisons[v]->pValue)
                    r.adjustedPValues[v] = *r.comparisons[v]->pValue;
            }
        }
    }
    for (MetricResult &r : a.metrics) {
        for (int v = 0; v < variants; ++v) {
            if (r.comparisons[v])
                r.verdicts[v] = verdictOf(e, r.metric, *r.comparisons[v], r.adjustedPValues[v]);
        }
    }

    // The primary metric's plan at the observed baseline.
    if (control >= 0 && !a.metrics.isEmpty()) {
        const MetricResult &primary = a.metrics.constFirst();
        const Stats::VariantStats &base = primary.stats[control];
        Stats::PlanInput input;
        input.type = metricType(primary.metric) == Stats::MetricType::Proportion ? Stats::MetricType::Proportion
                                                                                  : Stats::MetricType::Mean;
        input.baseline = base.n > 0 ? Stats::metricValue(metricType(primary.metric), base) : 0;
        input.standardDeviation = base.n > 1 ? std::sqrt(std::max(0.0, Stats::metricVariance(metricType(primary.metric), base))) : 0;
        input.alpha = e.alpha;
        input.power = 0.8;
        input.arms = variants;
        input.weights = e.weights();
        input.mde = plannedMde;
        qint64 total = 0;
        for (qint64 n : std::as_const(a.exposed))
            total += n;
        if (e.startAt && data.asOf > *e.startAt)
            input.dailyUnits = double(total) / std::max(1.0, double(data.asOf - *e.startAt) / double(kDayMs));
        a.plan = Stats::sampleSize(input);
        a.smallestArm = a.exposed.isEmpty() ? 0 : *std::min_element(a.exposed.begin(), a.exposed.end());
        a.enoughUnits = a.plan.error.isEmpty() && a.plan.unitsPerArm > 0 && a.smallestArm >= a.plan.unitsPerArm;
    }

    // Daily series of the primary metric.
    QList<qint64> running(variants, 0);
    for (const Store::ExperimentData::Day &day : data.days) {
        SeriesPoint p;
        p.day = day.day;
        for (int v = 0; v < variants; ++v)
            running[v] += day.exposed.value(v);
        p.exposedTotal = running;
        QList<Stats::VariantStats> stats = day.primary;
        stats.resize(variants);
        p.primary = compareAll(e, e.primaryMetric, stats);
        a.series << p;
    }

    // A winner: the one variant that wins the primary metric with no guardrail worse.
    if (!a.metrics.isEmpty() && control >= 0) {
        const MetricResult &primary = a.metrics.constFirst();
        auto guarded = [&](int v) {
            for (const MetricResult &r : std::as_const(a.metrics)) {
                if (r.role == MetricRole::Guardrail && r.verdicts.value(v) < 0)
                    return false;
            }
            return true;
        };
        int best = -1;
        bool allWorse = variants > 1;
        for (int v = 0; v < variants; ++v) {
            if (v == control)
                continue;
            if (primary.verdicts[v] >= 0)
                allWorse = false;
            if (primary.verdicts[v] > 0 && guarded(v)) {
                const double effect = primary.comparisons[v]->effect * (higherIsBetter(primary.metric) ? 1 : -1);
                if (best < 0 || effect > primary.comparisons[best]->effect * (higherIsBetter(primary.metric) ? 1 : -1))
                    best = v;
            }
        }
        if (best >= 0)
            a.suggestedWinner = e.variants[best].key;
        else if (allWorse)
            a.suggestedWinner = e.variants[control].key;
    }
    return a;
}

Result<Analysis> analyze(Store::Connection &connection, const Experiment &experiment, qint64 asOf, double plannedMde)
{
    auto data = Store::ExperimentStore(connection).data(experiment, asOf);
    if (!data)
        return data.error();
    return analyze(experiment, data.value(), plannedMde);
}

namespace {

QString number(double value, int decimals = 6)
{
    if (!std::isfinite(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(value, 'f', decimals);
}

QString optionalNumber(const std::optional<double> &value)
{
    return value ? number(*value) : QString();
}

QString roleKey(MetricRole role)
{
    switch (role) {
    case MetricRole::Primary: return QStringLiteral("primary");
    case MetricRole::Secondary: return QStringLiteral("secondary");
    case MetricRole::Guardrail: return QStringLiteral("guardrail");
    }
    return {};
}

} // namespace

QList<QStringList> resultRows(const Experiment &e, const Analysis &a)
{
    QList<QStringList> rows;
    rows << QStringList{QStringLiteral("metric"),        QStringLiteral("role"),        QStringLiteral("variant"),
                        QStringLiteral("variant_name"),  QStringLiteral("units"),       QStringLiteral("numerator"),
                        QStringLiteral("denominator"),   QStringLiteral("value"),       QStringLiteral("baseline"),
                        QStringLiteral("effect"),        QStringLiteral("ci_low"),      QStringLiteral("ci_high"),
                        QStringLiteral("p_value"),       QStringLiteral("adjusted_p_value"),
                        QStringLiteral("chance_to_win"), QStringLiteral("significant")};
    for (const MetricResult &r : a.metrics) {
        const bool ratio = metricType(r.metric) == Stats::MetricType::Ratio;
        for (int v = 0; v < e.variants.size() && v < r.stats.size(); ++v) {
            const Stats::VariantStats &s = r.stats[v];
            const std::optional<Stats::Comparison> &c = r.comparisons.value(v);
            QStringList row{metricKey(r.metric),
                            roleKey(r.role),
                            e.variants[v].key,
                            e.variants[v].name,
                            QString::number(s.n),
                            number(s.sum, 2),
                            ratio ? number(s.denominatorSum, 2) : QString::number(s.n),
                            number(r.values.value(v))};
            if (c && c->error.isEmpty()) {
                row << number(c->baseline) << number(c->effect) << number(c->ciLow) << number(c->ciHigh)
                    << optionalNumber(c->pValue) << optionalNumber(r.adjustedPValues.value(v))
                    << optionalNumber(c->chanceToWin)
                    << (r.verdicts.value(v) != 0 ? QStringLiteral("true") : QStringLiteral("false"));
            } else {
                row << number(r.values.value(e.controlIndex())) << QString() << QString() << QString() << QString()
                    << QString() << QString() << QString();
            }
            rows << row;
        }
    }
    return rows;
}

Status writeResultsCsv(const Experiment &experiment, const Analysis &analysis, QIODevice *device)
{
    const QList<QStringList> rows = resultRows(experiment, analysis);
    Csv::Writer csv(device, {.byteOrderMark = true});
    csv.header(rows.value(0));
    for (int r = 1; r < rows.size(); ++r) {
        const QStringList &row = rows[r];
        for (int c = 0; c < row.size(); ++c) {
            if (c < 4 || row[c].isEmpty() || c == row.size() - 1)
                csv.text(row[c]);
            else
                csv.numeric(row[c].toUtf8());
        }
        csv.endRow();
    }
    return csv.finish();
}

Status writeResultsCsv(const Experiment &experiment, const Analysis &analysis, const QString &file)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error{out.errorString(), file};
    if (Status s = writeResultsCsv(experiment, analysis, &out); !s) {
        out.cancelWriting();
        return Error{s.error().message, file};
    }
    if (!out.commit())
        return Error{out.errorString(), file};
    return {};
}

} // namespace PromoDesk::Experiments
