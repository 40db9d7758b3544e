#include "experiments/experiment.h"

#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace PromoDesk::Experiments {

namespace {

struct MetricInfo
{
    Metric metric;
    const char *key;
    const char *label;
    Stats::MetricType type;
    bool higherIsBetter;
    bool money;
};

constexpr MetricInfo kMetrics[] = {
    {Metric::RedemptionRate, "redemption_rate", "Redemption rate", Stats::MetricType::Proportion, true, false},
    {Metric::Conversion, "conversion", "Conversion", Stats::MetricType::Proportion, true, false},
    {Metric::RevenuePerCustomer, "revenue_per_customer", "Revenue per customer", Stats::MetricType::Mean, true, true},
    {Metric::AverageOrderValue, "average_order_value", "Average order value", Stats::MetricType::Ratio, true, true},
    {Metric::DiscountPerCustomer, "discount_per_customer", "Discount cost per customer", Stats::MetricType::Mean,
     false, true},
    {Metric::NetRevenuePerCustomer, "net_revenue_per_customer", "Net revenue per customer", Stats::MetricType::Mean,
     true, true},
};

const MetricInfo &info(Metric metric)
{
    for (const MetricInfo &i : kMetrics) {
        if (i.metric == metric)
            return i;
    }
    return kMetrics[0];
}

constexpr const char *kStatusKeys[] = {"draft", "running", "stopped", "concluded"};

QString field(const QString &path, const QString &name)
{
    return path.isEmpty() ? name : path + QLatin1Char('.') + name;
}

} // namespace

QString statusKey(ExperimentStatus status)
{
    return QString::fromLatin1(kStatusKeys[int(status)]);
}

std::optional<ExperimentStatus> statusFromKey(const QString &key)
{
    for (int i = 0; i < 4; ++i) {
        if (key == QLatin1String(kStatusKeys[i]))
            return ExperimentStatus(i);
    }
    return std::nullopt;
}

QList<Metric> allMetrics()
{
    QList<Metric> out;
    for (const MetricInfo &i : kMetrics)
        out << i.metric;
    return out;
}

QString metricKey(Metric metric) { return QString::fromLatin1(info(metric).key); }
QString metricLabel(Metric metric) { return QString::fromLatin1(info(metric).label); }
Stats::MetricType metricType(Metric metric) { return info(metric).type; }
bool higherIsBetter(Metric metric) { return info(metric).higherIsBetter; }
bool isMoney(Metric metric) { return info(metric).money; }

std::optional<Metric> metricFromKey(const QString &key)
{
    for (const MetricInfo &i : kMetrics) {
        if (key == QLatin1String(i.key))
            return i.metric;
    }
    return std::nullopt;
}

int Experiment::controlIndex() const
{
    return variants.isEmpty() ? -1 : 0;
}

int Experiment::indexOf(const QString &variantKey) const
{
    for (int i = 0; i < variants.size(); ++i) {
        if (variants[i].key == variantKey)
            return i;
    }
    return -1;
}

QList<double> Experiment::weights() const
{
    QList<double> out;
    for (const Variant &v : variants)
        out << v.weight;
    return out;
}

bool Experiment::isLive(qint64 now) const
{
    return status == ExperimentStatus::Running && (!startAt || now >= *startAt) && (!endAt || now < *endAt);
}

QList<QPair<Metric, MetricRole>> Experiment::goals() const
{
    QList<QPair<Metric, MetricRole>> out{{primaryMetric, MetricRole::Primary}};
    QSet<Metric> seen{primaryMetric};
    for (const auto &[list, role] : {std::pair{&secondaryMetrics, MetricRole::Secondary},
                                     std::pair{&guardrailMetrics, MetricRole::Guardrail}}) {
        for (Metric m : *list) {
            if (!seen.contains(m)) {
                seen.insert(m);
                out.append({m, role});
            }
        }
    }
    return out;
}

Status check(const Experiment &e)
{
    if (e.name.trimmed().isEmpty())
        return Error{QStringLiteral("an experiment needs a name"), QStringLiteral("name")};
    if (e.variants.size() < 2)
        return Error{QStringLiteral("an experiment needs two or more variants (a holdout counts)"),
                     QStringLiteral("variants")};
    if (e.variants.size() > 10)
        return Error{QStringLiteral("an experiment has at most 10 variants"), QStringLiteral("variants")};
    QSet<QString> keys;
    int holdouts = 0;
    double total = 0;
    for (int i = 0; i < e.variants.size(); ++i) {
        const Variant &v = e.variants[i];
        const QString path = QStringLiteral("variants[%1]").arg(i);
        if (v.key.trimmed().isEmpty())
            return Error{QStringLiteral("each variant needs a key"), field(path, QStringLiteral("key"))};
        if (keys.contains(v.key))
            return Error{QStringLiteral("the key \"%1\" is used by two variants").arg(v.key),
                         field(path, QStringLiteral("key"))};
        keys.insert(v.key);
        if (v.holdout) {
            ++holdouts;
            if (!v.campaignId.isEmpty())
                return Error{QStringLiteral("the holdout gets no promotion, so it names no campaign"),
                             field(path, QStringLiteral("campaign_id"))};
        } else if (v.campaignId.isEmpty()) {
            return Error{QStringLiteral("variant \"%1\" names no campaign").arg(v.name.isEmpty() ? v.key : v.name),
                         field(path, QStringLiteral("campaign_id"))};
        }
        if (!(v.weight > 0) || v.weight > 1)
            return Error{QStringLiteral("a weight is a share above 0 and at most 1 (100%)"),
                         field(path, QStringLiteral("weight"))};
        total += v.weight;
    }
    if (holdouts > 1)
        return Error{QStringLiteral("an experiment has at most one holdout"), QStringLiteral("variants")};
    if (holdouts == e.variants.size())
        return Error{QStringLiteral("an experiment needs a variant that is not the holdout"), QStringLiteral("variants")};
    for (int i = 0; i < e.variants.size(); ++i) {
        for (int j = i + 1; j < e.variants.size(); ++j) {
            const Variant &a = e.variants[i];
            const Variant &b = e.variants[j];
            if (!a.holdout && a.campaignId == b.campaignId
                && (a.tierId == b.tierId || a.tierId.isEmpty() || b.tierId.isEmpty()))
                return Error{QStringLiteral("variants \"%1\" and \"%2\" give the same incentive (a whole campaign "
                                            "includes its tiers)").arg(a.key, b.key),
                             QStringLiteral("variants[%1].campaign_id").arg(j)};
        }
    }
    if (std::fabs(total - 1) > 0.001)
        return Error{QStringLiteral("the weights add up to %1%, not 100%").arg(total * 100, 0, 'f', 1),
                     QStringLiteral("variants")};
    if (!(e.coverage > 0) || e.coverage > 1)
        return Error{QStringLiteral("coverage is a share above 0% and at most 100%"), QStringLiteral("coverage")};
    if (!(e.alpha > 0) || e.alpha >= 0.5)
        return Error{QStringLiteral("alpha is above 0 and below 0.5 (e.g. 0.05)"), QStringLiteral("alpha")};
    if (e.startAt && e.endAt && *e.endAt <= *e.startAt)
        return Error{QStringLiteral("the end is not after the start"), QStringLiteral("end_at")};
    static const QStringList corrections{QStringLiteral("none"), QStringLiteral("holm"),
                                         QStringLiteral("benjamini_hochberg")};
    if (!corrections.contains(e.correction))
        return Error{QStringLiteral("correction is none, holm or benjamini_hochberg"), QStringLiteral("correction")};
    if (!e.winner.isEmpty() && e.indexOf(e.winner) < 0)
        return Error{QStringLiteral("the winner \"%1\" is not a variant").arg(e.winner), QStringLiteral("winner")};
    return {};
}

int assign(const Experiment &experiment, const QString &hashId)
{
    if (hashId.isEmpty())
        return -1;
    const double n = Stats::hashV2(experiment.hashSeed(), hashId);
    return Stats::chooseVariant(n, Stats::bucketRanges(int(experiment.variants.size()), experiment.coverage,
                                                       experiment.weights()));
}

namespace {

QJsonArray metricsJson(const QList<Metric> &metrics)
{
    QJsonArray out;
    for (Metric m : metrics)
        out.append(metricKey(m));
    return out;
}

QJsonValue timeJson(const std::optional<qint64> &at)
{
    return at ? QJsonValue(double(*at)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject toJson(const Experiment &e)
{
    QJsonArray variants;
    for (const Variant &v : e.variants) {
        QJsonObject o{{QStringLiteral("key"), v.key},
                      {QStringLiteral("name"), v.name},
                      {QStringLiteral("weight"), v.weight}};
        if (v.holdout)
            o.insert(QStringLiteral("holdout"), true);
        else
            o.insert(QStringLiteral("campaign_id"), v.campaignId);
        if (!v.tierId.isEmpty())
            o.insert(QStringLiteral("tier_id"), v.tierId);
        variants.append(o);
    }
    QJsonObject audience;
    if (!e.segmentId.isEmpty())
        audience.insert(QStringLiteral("segment_id"), e.segmentId);
    if (e.rule)
        audience.insert(QStringLiteral("expression"), Rules::print(*e.rule));
    return QJsonObject{
        {QStringLiteral("id"), e.id},
        {QStringLiteral("name"), e.name},
        {QStringLiteral("hypothesis"), e.hypothesis},
        {QStringLiteral("status"), statusKey(e.status)},
        {QStringLiteral("seed"), e.seed},
        {QStringLiteral("audience"), audience},
        {QStringLiteral("coverage"), e.coverage},
        {QStringLiteral("start_at"), timeJson(e.startAt)},
        {QStringLiteral("end_at"), timeJson(e.endAt)},
        {QStringLiteral("primary_metric"), metricKey(e.primaryMetric)},
        {QStringLiteral("secondary_metrics"), metricsJson(e.secondaryMetrics)},
        {QStringLiteral("guardrail_metrics"), metricsJson(e.guardrailMetrics)},
        {QStringLiteral("engine"), e.engine == Stats::Engine::Bayesian ? QStringLiteral("bayesian")
                                                                       : QStringLiteral("frequentist")},
        {QStringLiteral("alpha"), e.alpha},
        {QStringLiteral("sequential"), e.sequential},
        {QStringLiteral("correction"), e.correction},
        {QStringLiteral("variants"), variants},
        {QStringLiteral("winner"), e.winner},
        {QStringLiteral("decision_note"), e.decisionNote},
        {QStringLiteral("decided_at"), timeJson(e.decidedAt)},
        {QStringLiteral("created_at"), double(e.createdAt)},
        {QStringLiteral("updated_at"), double(e.updatedAt)},
    };
}

namespace {

Result<QList<Metric>> metricsFromJson(const QJsonValue &value, const QString &path)
{
    QList<Metric> out;
    if (value.isUndefined() || value.isNull())
        return out;
    if (!value.isArray())
        return Error{QStringLiteral("a list of metric keys"), path};
    const QJsonArray array = value.toArray();
    for (int i = 0; i < array.size(); ++i) {
        const auto m = metricFromKey(array[i].toString());
        if (!m)
            return Error{QStringLiteral("unknown metric \"%1\"").arg(array[i].toString()),
                         QStringLiteral("%1[%2]").arg(path).arg(i)};
        out << *m;
    }
    return out;
}

Result<std::optional<qint64>> timeFromJson(const QJsonValue &value, const QString &path)
{
    if (value.isUndefined() || value.isNull())
        return std::optional<qint64>();
    if (!value.isDouble() || value.toDouble() != std::floor(value.toDouble()))
        return Error{QStringLiteral("a time in UTC milliseconds"), path};
    return std::optional<qint64>(qint64(value.toDouble()));
}

} // namespace

// A present value of the wrong JSON type is an error naming the field, never a default.
std::optional<Error> wrongType(const QJsonObject &o, const QString &path,
                               std::initializer_list<std::pair<const char *, QJsonValue::Type>> fields)
{
    for (const auto &[name, type] : fields) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull() || v.type() == type)
            continue;
        const char *what = type == QJsonValue::String   ? "text"
                           : type == QJsonValue::Double ? "a number"
                           : type == QJsonValue::Bool   ? "true or false"
                           : type == QJsonValue::Object ? "an object"
                                                        : "a list";
        return Error{QStringLiteral("must be %1").arg(QLatin1String(what)), field(path, QLatin1String(name))};
    }
    return std::nullopt;
}

Result<Experiment> fromJson(const QJsonObject &o)
{
    using T = QJsonValue::Type;
    if (auto error = wrongType(o, {}, {{"id", T::String}, {"name", T::String}, {"hypothesis", T::String},
                                       {"status", T::String}, {"seed", T::String}, {"audience", T::Object},
                                       {"coverage", T::Double}, {"primary_metric", T::String}, {"engine", T::String},
                                       {"alpha", T::Double}, {"sequential", T::Bool}, {"correction", T::String},
                                       {"variants", T::Array}, {"winner", T::String}, {"decision_note", T::String},
                                       {"created_at", T::Double}, {"updated_at", T::Double}}))
        return *error;
    if (auto error = wrongType(o.value(QStringLiteral("audience")).toObject(), QStringLiteral("audience"),
                               {{"segment_id", T::String}, {"expression", T::String}}))
        return *error;
    const QJsonArray variantList = o.value(QStringLiteral("variants")).toArray();
    for (int i = 0; i < variantList.size(); ++i) {
        if (!variantList[i].isObject())
            return Error{QStringLiteral("a variant is an object"), QStringLiteral("variants[%1]").arg(i)};
        if (auto error = wrongType(variantList[i].toObject(), QStringLiteral("variants[%1]").arg(i),
                                   {{"key", T::String}, {"name", T::String}, {"campaign_id", T::String},
                                    {"tier_id", T::String}, {"weight", T::Double}, {"holdout", T::Bool}}))
            return *error;
    }
    Experiment e;
    e.id = o.value(QStringLiteral("id")).toString();
    e.name = o.value(QStringLiteral("name")).toString();
    e.hypothesis = o.value(QStringLiteral("hypothesis")).toString();
    if (o.contains(QStringLiteral("status"))) {
        const auto status = statusFromKey(o.value(QStringLiteral("status")).toString());
        if (!status)
            return Error{QStringLiteral("status is draft, running, stopped or concluded"), QStringLiteral("status")};
        e.status = *status;
    }
    e.seed = o.value(QStringLiteral("seed")).toString();
    const QJsonObject audience = o.value(QStringLiteral("audience")).toObject();
    e.segmentId = audience.value(QStringLiteral("segment_id")).toString();
    const QString expression = audience.value(QStringLiteral("expression")).toString();
    if (!expression.trimmed().isEmpty()) {
        auto parsed = Rules::parse(expression);
        if (!parsed) {
            Error error = parsed.error();
            error.where = QStringLiteral("audience.expression");
            return error;
        }
        auto checked = Rules::check(parsed.value());
        if (!checked) {
            Error error = checked.error();
            error.where = QStringLiteral("audience.expression");
            return error;
        }
        e.rule = std::move(checked).value();
    }
    e.coverage = o.value(QStringLiteral("coverage")).toDouble(1);
    auto start = timeFromJson(o.value(QStringLiteral("start_at")), QStringLiteral("start_at"));
    if (!start)
        return start.error();
    e.startAt = start.value();
    auto end = timeFromJson(o.value(QStringLiteral("end_at")), QStringLiteral("end_at"));
    if (!end)
        return end.error();
    e.endAt = end.value();
    if (o.contains(QStringLiteral("primary_metric"))) {
        const auto m = metricFromKey(o.value(QStringLiteral("primary_metric")).toString());
        if (!m)
            return Error{QStringLiteral("unknown metric \"%1\"").arg(o.value(QStringLiteral("primary_metric")).toString()),
                         QStringLiteral("primary_metric")};
        e.primaryMetric = *m;
    }
    auto secondary = metricsFromJson(o.value(QStringLiteral("secondary_metrics")), QStringLiteral("secondary_metrics"));
    if (!secondary)
        return secondary.error();
    e.secondaryMetrics = secondary.value();
    auto guardrails = metricsFromJson(o.value(QStringLiteral("guardrail_metrics")), QStringLiteral("guardrail_metrics"));
    if (!guardrails)
        return guardrails.error();
    e.guardrailMetrics = guardrails.value();
    const QString engine = o.value(QStringLiteral("engine")).toString(QStringLiteral("frequentist"));
    if (engine != QLatin1String("frequentist") && engine != QLatin1String("bayesian"))
        return Error{QStringLiteral("engine is frequentist or bayesian"), QStringLiteral("engine")};
    e.engine = engine == QLatin1String("bayesian") ? Stats::Engine::Bayesian : Stats::Engine::Frequentist;
    e.alpha = o.value(QStringLiteral("alpha")).toDouble(0.05);
    e.sequential = o.value(QStringLiteral("sequential")).toBool(true);
    e.correction = o.value(QStringLiteral("correction")).toString(QStringLiteral("holm"));
    const QJsonArray variants = o.value(QStringLiteral("variants")).toArray();
    for (int i = 0; i < variants.size(); ++i) {
        if (!variants[i].isObject())
            return Error{QStringLiteral("a variant is an object"), QStringLiteral("variants[%1]").arg(i)};
        const QJsonObject vo = variants[i].toObject();
        Variant v;
        v.key = vo.value(QStringLiteral("key")).toString();
        v.name = vo.value(QStringLiteral("name")).toString(v.key);
        v.campaignId = vo.value(QStringLiteral("campaign_id")).toString();
        v.tierId = vo.value(QStringLiteral("tier_id")).toString();
        v.weight = vo.value(QStringLiteral("weight")).toDouble(0);
        v.holdout = vo.value(QStringLiteral("holdout")).toBool(false);
        e.variants << v;
    }
    e.winner = o.value(QStringLiteral("winner")).toString();
    e.decisionNote = o.value(QStringLiteral("decision_note")).toString();
    auto decided = timeFromJson(o.value(QStringLiteral("decided_at")), QStringLiteral("decided_at"));
    if (!decided)
        return decided.error();
    e.decidedAt = decided.value();
    e.createdAt = qint64(o.value(QStringLiteral("created_at")).toDouble(0));
    e.updatedAt = qint64(o.value(QStringLiteral("updated_at")).toDouble(0));
    if (Status s = check(e); !s)
        return s.error();
    return e;
}

} // namespace PromoDesk::Experiments
