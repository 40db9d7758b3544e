#include "experimentformat.h"

#include "common/money.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace PromoDesk::Ui::ExperimentFormat {

using Experiments::Metric;
using Experiments::MetricRole;
using Experiments::ExperimentStatus;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ExperimentFormat", text);
}

const QChar Minus(0x2212);

} // namespace

QString statusLabel(ExperimentStatus status)
{
    switch (status) {
    case ExperimentStatus::Draft: return tr("Draft");
    case ExperimentStatus::Running: return tr("Running");
    case ExperimentStatus::Stopped: return tr("Stopped");
    case ExperimentStatus::Concluded: return tr("Concluded");
    }
    return {};
}

QString roleLabel(MetricRole role)
{
    switch (role) {
    case MetricRole::Primary: return tr("Primary");
    case MetricRole::Secondary: return tr("Secondary");
    case MetricRole::Guardrail: return tr("Guardrail");
    }
    return {};
}

QString engineLabel(Stats::Engine engine)
{
    return engine == Stats::Engine::Bayesian ? tr("Bayesian") : tr("Frequentist");
}

QString correctionLabel(const QString &key)
{
    if (key == QLatin1String("holm"))
        return tr("Holm");
    if (key == QLatin1String("benjamini_hochberg"))
        return tr("Benjamini–Hochberg");
    return tr("None");
}

QString variantLabel(const Experiments::Experiment &experiment, int index)
{
    if (index < 0 || index >= experiment.variants.size())
        return {};
    const Experiments::Variant &v = experiment.variants[index];
    QString label = v.name.isEmpty() ? v.key : v.name;
    if (v.holdout && v.name.isEmpty())
        label = tr("Holdout");
    if (index == experiment.controlIndex())
        label += v.holdout ? tr(" (baseline)") : tr(" (control)");
    return label;
}

QString value(Metric metric, double v, const QString &currency)
{
    if (!std::isfinite(v))
        return QStringLiteral("—");
    if (Experiments::metricType(metric) == Stats::MetricType::Proportion)
        return percent(v, 2);
    if (Experiments::isMoney(metric))
        return formatMoney(qint64(std::llround(v)), currency);
    return QLocale::system().toString(v, 'f', 2);
}

QString count(double v)
{
    if (!std::isfinite(v))
        return QStringLiteral("—");
    if (v == std::floor(v) && std::abs(v) < 1e15)
        return QLocale::system().toString(qint64(v));
    return QLocale::system().toString(v, 'f', 2);
}

QString lift(double relative)
{
    if (std::isinf(relative))
        return relative > 0 ? QStringLiteral("+∞") : QString(Minus) + QStringLiteral("∞");
    if (!std::isfinite(relative))
        return QStringLiteral("—");
    const double pct = relative * 100;
    const int decimals = std::abs(pct) < 10 ? 2 : 1;
    QString text = QLocale::c().toString(std::abs(pct), 'f', decimals) + QStringLiteral("%");
    if (std::abs(pct) < 0.5 * std::pow(10.0, -decimals))
        return text;
    return (pct < 0 ? QString(Minus) : QStringLiteral("+")) + text;
}

QString interval(double low, double high)
{
    return QStringLiteral("(%1 … %2)").arg(lift(low), lift(high));
}

QString pValue(double p)
{
    if (!std::isfinite(p))
        return QStringLiteral("—");
    if (p < 0.001)
        return QStringLiteral("< 0.001");
    return QLocale::c().toString(p, 'f', 3);
}

QString percent(double share, int decimals)
{
    if (!std::isfinite(share))
        return QStringLiteral("—");
    return QLocale::c().toString(share * 100, 'f', decimals) + QStringLiteral("%");
}

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral(" UTC");
}

QString days(double days, const QString &pattern)
{
    const qint64 whole = qint64(std::ceil(std::max(0.0, days)));
    return pattern.arg(whole == 1 ? tr("1 day") : tr("%1 days").arg(QLocale::system().toString(whole)));
}

} // namespace PromoDesk::Ui::ExperimentFormat
