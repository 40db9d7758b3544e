// A/B tests on the command line: analyse an experiment from its sufficient statistics
// (JSON in, JSON out) and plan one (units for an effect, or the effect for the units).
// The statistics live in models/stats/abstats; this file only reads, checks and prints.

#include "abtestcommands.h"

#include "cliutil.h"

#include "stats/abstats.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTextStream>

#include <cmath>
#include <cstdio>
#include <optional>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Stats;

const QString Usage = QStringLiteral(
    "Usage: promodesk-cli abtest <subcommand> (no workspace needed; docs/abtest-json.md)\n"
    "  analyze [--input FILE]                         read an experiment's sufficient statistics as JSON (stdin by\n"
    "                                                 default); print each variant against control, the corrected\n"
    "                                                 p-values and the sample-ratio-mismatch check (JSON)\n"
    "  plan --metric proportion|mean --baseline X [--sd X] [--mde 0.1 | --units N] [--alpha 0.05] [--power 0.8]\n"
    "       [--arms 2] [--weights .5,.5] [--daily-units N] [--one-sided]\n"
    "                                                 units per arm to detect a relative lift, or the lift that N\n"
    "                                                 units per arm can detect, and the days it takes (JSON)\n");

constexpr double LargestWholeNumber = 9007199254740992.0; // 2^53: every whole number below is exact in JSON

QString path(const QString &where, const QString &key)
{
    return where.isEmpty() ? key : where + QLatin1Char('.') + key;
}

QString indexed(const QString &where, qsizetype index)
{
    return QStringLiteral("%1[%2]").arg(where).arg(index);
}

// Reads the analysis request, keeping the first problem as "field: what is wrong".
class Input
{
public:
    QString error;

    bool ok() const { return error.isEmpty(); }

    bool problem(const QString &where, const QString &message)
    {
        if (error.isEmpty())
            error = where + QStringLiteral(": ") + message;
        return false;
    }

    // problem() for the functions that return an optional.
    std::nullopt_t refuse(const QString &where, const QString &message)
    {
        problem(where, message);
        return std::nullopt;
    }

    bool knownKeys(const QJsonObject &object, const QString &where, const QStringList &keys)
    {
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!keys.contains(it.key()))
                return problem(path(where, it.key()),
                               QStringLiteral("is not a known field (known: %1)").arg(keys.join(QStringLiteral(", "))));
        }
        return true;
    }

    // A finite number; `fallback` when absent, and a problem when absent without one.
    std::optional<double> number(const QJsonObject &object, const QString &where, const QString &key,
                                 std::optional<double> fallback, const QString &whyRequired = {})
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined()) {
            if (!fallback)
                problem(path(where, key), whyRequired.isEmpty() ? QStringLiteral("is required") : whyRequired);
            return fallback;
        }
        if (!value.isDouble() || !std::isfinite(value.toDouble())) {
            problem(path(where, key), QStringLiteral("must be a number"));
            return std::nullopt;
        }
        return value.toDouble();
    }

    std::optional<double> numberAtLeast(const QJsonObject &object, const QString &where, const QString &key,
                                        std::optional<double> fallback, double minimum, const QString &whyRequired = {})
    {
        const std::optional<double> value = number(object, where, key, fallback, whyRequired);
        if (value && *value < minimum) {
            problem(path(where, key), QStringLiteral("must be a number >= %1").arg(minimum));
            return std::nullopt;
        }
        return value;
    }

    // A number strictly between 0 and 1.
    std::optional<double> fraction(const QJsonObject &object, const QString &where, const QString &key, double fallback)
    {
        const std::optional<double> value = number(object, where, key, fallback);
        if (value && !(*value > 0 && *value < 1)) {
            problem(path(where, key), QStringLiteral("must be a number between 0 and 1 (exclusive)"));
            return std::nullopt;
        }
        return value;
    }

    std::optional<qint64> wholeNumber(const QJsonObject &object, const QString &where, const QString &key,
                                      std::optional<qint64> fallback)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined()) {
            if (!fallback)
                problem(path(where, key), QStringLiteral("is required (a whole number >= 0)"));
            return fallback;
        }
        const double x = value.toDouble(-1);
        if (!value.isDouble() || !(x >= 0) || x > LargestWholeNumber || std::floor(x) != x) {
            problem(path(where, key), QStringLiteral("must be a whole number >= 0"));
            return std::nullopt;
        }
        return qint64(x);
    }

    bool flag(const QJsonObject &object, const QString &key, bool fallback)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined())
            return fallback;
        if (!value.isBool())
            return problem(key, QStringLiteral("must be true or false"));
        return value.toBool();
    }

    // One of `choices` (the first is the default when absent and `required` is false).
    QString choice(const QJsonObject &object, const QString &where, const QString &key, const QStringList &choices,
                   bool required = false)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined()) {
            if (required)
                problem(path(where, key), QStringLiteral("is required (\"%1\")").arg(choices.join(QStringLiteral("\", \""))));
            return required ? QString() : choices.constFirst();
        }
        if (!value.isString() || !choices.contains(value.toString())) {
            problem(path(where, key), QStringLiteral("must be \"%1\"").arg(choices.join(QStringLiteral("\", \""))));
            return {};
        }
        return value.toString();
    }

    // The array at `key`, its entries all objects.
    std::optional<QList<QJsonObject>> objects(const QJsonObject &object, const QString &where, const QString &key,
                                              qsizetype minimum, const QString &what)
    {
        const QJsonValue value = object.value(key);
        if (!value.isArray() || value.toArray().size() < minimum) {
            problem(path(where, key), QStringLiteral("must be an array of at least %1 %2").arg(minimum).arg(what));
            return std::nullopt;
        }
        QList<QJsonObject> out;
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isObject()) {
                problem(indexed(path(where, key), i), QStringLiteral("must be an object"));
                return std::nullopt;
            }
            out.append(array.at(i).toObject());
        }
        return out;
    }
};

const QStringList MetricNames{QStringLiteral("proportion"), QStringLiteral("mean"), QStringLiteral("ratio")};

MetricType metricType(const QString &name)
{
    return name == QLatin1String("proportion") ? MetricType::Proportion
        : name == QLatin1String("ratio")       ? MetricType::Ratio
                                               : MetricType::Mean;
}

// An arm: its name and units (the top-level "variants").
struct Arm
{
    QString name;
    qint64 units = 0;
};

struct Metric
{
    QString name;
    QString type;
    QList<VariantStats> arms; // control first, in the order of the top-level variants
};

struct Request
{
    TestOptions options;
    QString correction;
    double srmThreshold = 0.001;
    QList<double> weights;
    QList<Arm> arms;
    QList<Metric> metrics;
    bool severalMetrics = false;
};

const QStringList StatsKeys{QStringLiteral("sum"), QStringLiteral("sum_squares"), QStringLiteral("denominator_sum"),
                            QStringLiteral("denominator_sum_squares"), QStringLiteral("sum_product")};

// One arm's sufficient statistics for a metric of `type`.
std::optional<VariantStats> readStats(Input &in, const QJsonObject &object, const QString &where, const QString &type,
                                      std::optional<qint64> units)
{
    VariantStats s;
    const std::optional<qint64> n = in.wholeNumber(object, where, QStringLiteral("n"), units);
    if (!n)
        return std::nullopt;
    s.n = *n;
    const QString forType = QStringLiteral("is required for a %1 metric").arg(type);
    const std::optional<double> sum = in.number(object, where, QStringLiteral("sum"), std::nullopt, forType);
    if (!sum)
        return std::nullopt;
    s.sum = *sum;
    if (type == QLatin1String("proportion")) {
        if (s.sum < 0 || s.sum > double(s.n) || std::floor(s.sum) != s.sum) {
            in.problem(path(where, QStringLiteral("sum")),
                       QStringLiteral("must be a whole number of successes from 0 to n (%1)").arg(s.n));
            return std::nullopt;
        }
        s.sumSquares = s.sum; // 0/1 values: Σx² = Σx
        return s;
    }
    const std::optional<double> squares = in.numberAtLeast(object, where, QStringLiteral("sum_squares"), std::nullopt, 0, forType);
    if (!squares)
        return std::nullopt;
    s.sumSquares = *squares;
    if (type == QLatin1String("ratio")) {
        const auto denominator = in.number(object, where, QStringLiteral("denominator_sum"), std::nullopt, forType);
        const auto denominatorSquares = denominator ? in.numberAtLeast(object, where, QStringLiteral("denominator_sum_squares"),
                                                                       std::nullopt, 0, forType)
                                                    : std::nullopt;
        const auto product = denominatorSquares
            ? in.number(object, where, QStringLiteral("sum_product"), std::nullopt, forType)
            : std::nullopt;
        if (!product)
            return std::nullopt;
        s.denominatorSum = *denominator;
        s.denominatorSumSquares = *denominatorSquares;
        s.sumProduct = *product;
    }
    return s;
}

std::optional<Request> readRequest(Input &in, const QJsonObject &root)
{
    Request r;
    if (!in.knownKeys(root, {},
                      {QStringLiteral("metric"), QStringLiteral("engine"), QStringLiteral("alpha"),
                       QStringLiteral("difference"), QStringLiteral("one_sided"), QStringLiteral("sequential"),
                       QStringLiteral("sequential_tuning"), QStringLiteral("correction"), QStringLiteral("srm_threshold"),
                       QStringLiteral("weights"), QStringLiteral("variants"), QStringLiteral("metrics")}))
        return std::nullopt;
    const QString engine = in.choice(root, {}, QStringLiteral("engine"), {QStringLiteral("frequentist"), QStringLiteral("bayesian")});
    r.options.engine = engine == QLatin1String("bayesian") ? Engine::Bayesian : Engine::Frequentist;
    r.options.difference = in.choice(root, {}, QStringLiteral("difference"),
                                     {QStringLiteral("relative"), QStringLiteral("absolute")})
            == QLatin1String("absolute")
        ? Difference::Absolute
        : Difference::Relative;
    r.options.alpha = in.fraction(root, {}, QStringLiteral("alpha"), 0.05).value_or(0.05);
    r.options.oneSided = in.flag(root, QStringLiteral("one_sided"), false);
    r.options.sequential = in.flag(root, QStringLiteral("sequential"), false);
    const auto tuning = in.number(root, {}, QStringLiteral("sequential_tuning"), 5000.0);
    if (tuning && !(*tuning > 0))
        in.problem(QStringLiteral("sequential_tuning"), QStringLiteral("must be a number > 0"));
    r.options.sequentialTuning = tuning.value_or(5000);
    r.correction = in.choice(root, {}, QStringLiteral("correction"),
                             {QStringLiteral("none"), QStringLiteral("holm"), QStringLiteral("benjamini_hochberg")});
    r.srmThreshold = in.fraction(root, {}, QStringLiteral("srm_threshold"), 0.001).value_or(0.001);
    if (!in.ok())
        return std::nullopt;
    if (r.options.engine == Engine::Bayesian && r.options.sequential)
        return in.refuse(QStringLiteral("sequential"), QStringLiteral("applies to the frequentist engine only"));
    if (r.options.engine == Engine::Bayesian && r.correction != QLatin1String("none"))
        return in.refuse(QStringLiteral("correction"),
                          QStringLiteral("adjusts frequentist p-values; the bayesian engine has none"));

    r.severalMetrics = root.contains(QLatin1String("metrics"));
    const auto variants = in.objects(root, {}, QStringLiteral("variants"), 2, QStringLiteral("variants (control first)"));
    if (!variants)
        return std::nullopt;
    const QString defaultType = root.contains(QLatin1String("metric"))
        ? in.choice(root, {}, QStringLiteral("metric"), MetricNames, true)
        : QString();
    if (!in.ok())
        return std::nullopt;
    if (!r.severalMetrics && defaultType.isEmpty())
        return in.refuse(QStringLiteral("metric"), QStringLiteral("is required (\"proportion\", \"mean\", \"ratio\")"));

    QSet<QString> names;
    Metric single{QString(), defaultType, {}};
    for (qsizetype i = 0; i < variants->size(); ++i) {
        const QJsonObject &v = variants->at(i);
        const QString where = indexed(QStringLiteral("variants"), i);
        if (!in.knownKeys(v, where,
                          r.severalMetrics ? QStringList{QStringLiteral("name"), QStringLiteral("n")}
                                           : QStringList{QStringLiteral("name"), QStringLiteral("n")} + StatsKeys))
            return std::nullopt;
        Arm arm;
        const QJsonValue name = v.value(QLatin1String("name"));
        if (!name.isUndefined() && (!name.isString() || name.toString().isEmpty()))
            return in.refuse(path(where, QStringLiteral("name")), QStringLiteral("must be a non-empty string"));
        arm.name = name.isString() ? name.toString()
            : i == 0               ? QStringLiteral("control")
                                   : QStringLiteral("variant_%1").arg(i);
        if (names.contains(arm.name))
            return in.refuse(path(where, QStringLiteral("name")), QStringLiteral("\"%1\" is used twice").arg(arm.name));
        names.insert(arm.name);
        const std::optional<qint64> units = in.wholeNumber(v, where, QStringLiteral("n"), std::nullopt);
        if (!units)
            return std::nullopt;
        arm.units = *units;
        r.arms.append(arm);
        if (!r.severalMetrics) {
            const std::optional<VariantStats> stats = readStats(in, v, where, defaultType, std::nullopt);
            if (!stats)
                return std::nullopt;
            single.arms.append(*stats);
        }
    }
    if (!r.severalMetrics) {
        r.metrics.append(single);
    } else {
        const auto metrics = in.objects(root, {}, QStringLiteral("metrics"), 1, QStringLiteral("metrics"));
        if (!metrics)
            return std::nullopt;
        for (qsizetype m = 0; m < metrics->size(); ++m) {
            const QJsonObject &object = metrics->at(m);
            const QString where = indexed(QStringLiteral("metrics"), m);
            if (!in.knownKeys(object, where, {QStringLiteral("name"), QStringLiteral("metric"), QStringLiteral("variants")}))
                return std::nullopt;
            Metric metric;
            const QJsonValue name = object.value(QLatin1String("name"));
            if (!name.isUndefined() && !name.isString())
                return in.refuse(path(where, QStringLiteral("name")), QStringLiteral("must be a string"));
            metric.name = name.isString() ? name.toString() : QStringLiteral("metric_%1").arg(m + 1);
            metric.type = object.contains(QLatin1String("metric"))
                ? in.choice(object, where, QStringLiteral("metric"), MetricNames, true)
                : defaultType;
            if (!in.ok())
                return std::nullopt;
            if (metric.type.isEmpty())
                return in.refuse(path(where, QStringLiteral("metric")),
                                  QStringLiteral("is required (\"proportion\", \"mean\", \"ratio\")"));
            const auto arms = in.objects(object, where, QStringLiteral("variants"), 2, QStringLiteral("variants"));
            if (!arms)
                return std::nullopt;
            if (arms->size() != r.arms.size())
                return in.refuse(path(where, QStringLiteral("variants")),
                                  QStringLiteral("has %1 entries for the %2 top-level variants").arg(arms->size()).arg(r.arms.size()));
            for (qsizetype i = 0; i < arms->size(); ++i) {
                const QJsonObject &v = arms->at(i);
                const QString at = indexed(path(where, QStringLiteral("variants")), i);
                if (!in.knownKeys(v, at, QStringList{QStringLiteral("name"), QStringLiteral("n")} + StatsKeys))
                    return std::nullopt;
                const QJsonValue armName = v.value(QLatin1String("name"));
                if (!armName.isUndefined() && armName.toString() != r.arms[i].name)
                    return in.refuse(path(at, QStringLiteral("name")),
                                      QStringLiteral("must be \"%1\" (the metric's variants follow the top-level ones)")
                                          .arg(r.arms[i].name));
                const std::optional<VariantStats> stats = readStats(in, v, at, metric.type, r.arms[i].units);
                if (!stats)
                    return std::nullopt;
                metric.arms.append(*stats);
            }
            r.metrics.append(metric);
        }
    }

    if (root.contains(QLatin1String("weights"))) {
        const QJsonValue value = root.value(QLatin1String("weights"));
        if (!value.isArray() || value.toArray().size() != r.arms.size())
            return in.refuse(QStringLiteral("weights"),
                              QStringLiteral("must be an array of %1 numbers, one per variant").arg(r.arms.size()));
        double total = 0;
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const double w = array.at(i).toDouble(-1);
            if (!array.at(i).isDouble() || !(w >= 0) || !std::isfinite(w))
                return in.refuse(indexed(QStringLiteral("weights"), i), QStringLiteral("must be a number >= 0"));
            total += w;
            r.weights.append(w);
        }
        if (!(total > 0))
            return in.refuse(QStringLiteral("weights"), QStringLiteral("must have at least one weight > 0"));
    }
    return r;
}

QJsonValue numberOrNull(double x)
{
    return std::isfinite(x) ? QJsonValue(x) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalNumber(const std::optional<double> &x)
{
    return x ? numberOrNull(*x) : QJsonValue(QJsonValue::Null);
}

int runAnalyze(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption input(QStringLiteral("input"), QStringLiteral("Read the experiment from FILE instead of stdin."),
                                   QStringLiteral("FILE"));
    parser.addOption(input);
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Read an experiment's sufficient statistics as JSON (stdin by default; docs/abtest-json.md) "
                              "and print each variant against control: the effect, its standard error and interval, "
                              "the p-value (frequentist, corrected across variants and metrics) or the chance to win "
                              "(bayesian), and the sample-ratio-mismatch check."),
               exitCode))
        return exitCode;

    const QString file = parser.value(input);
    const QString source = file.isEmpty() || file == QLatin1String("-") ? QStringLiteral("stdin") : file;
    QByteArray data;
    if (source == QLatin1String("stdin")) {
        data = QTextStream(stdin).readAll().toUtf8();
    } else {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("abtest analyze: %1: cannot read: %2").arg(file, f.errorString()));
        data = f.readAll();
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("abtest analyze: %1: not valid JSON: %2 at offset %3")
                        .arg(source, parseError.errorString())
                        .arg(parseError.offset),
                    2);
    if (!document.isObject())
        return fail(QStringLiteral("abtest analyze: %1: expected a JSON object").arg(source), 2);

    Input in;
    const std::optional<Request> request = readRequest(in, document.object());
    if (!request)
        return fail(QStringLiteral("abtest analyze: ") + in.error, 2);
    const Request &r = *request;
    const bool frequentist = r.options.engine == Engine::Frequentist;

    // Every metric × non-control variant; the correction runs over all the p-values at once.
    QList<QList<Comparison>> results;
    QList<double> pValues;
    for (const Metric &metric : r.metrics) {
        QList<Comparison> row;
        for (qsizetype i = 1; i < metric.arms.size(); ++i) {
            row.append(compare(metricType(metric.type), metric.arms.constFirst(), metric.arms[i], r.options));
            if (row.constLast().pValue)
                pValues.append(*row.constLast().pValue);
        }
        results.append(row);
    }
    const QList<double> adjusted = r.correction == QLatin1String("holm") ? holmAdjust(pValues)
        : r.correction == QLatin1String("benjamini_hochberg")            ? benjaminiHochbergAdjust(pValues)
                                                                          : pValues;

    qsizetype next = 0;
    QJsonArray metricsJson;
    for (qsizetype m = 0; m < r.metrics.size(); ++m) {
        QJsonArray variants;
        for (qsizetype i = 0; i < results[m].size(); ++i) {
            const Comparison &c = results[m][i];
            const Arm &arm = r.arms[i + 1];
            QJsonObject v{{QStringLiteral("name"), arm.name},
                          {QStringLiteral("n"), r.metrics[m].arms[i + 1].n},
                          {QStringLiteral("baseline"), numberOrNull(c.baseline)},
                          {QStringLiteral("value"), numberOrNull(c.value)}};
            if (!c.error.isEmpty()) {
                v.insert(QStringLiteral("error"), c.error);
                v.insert(QStringLiteral("significant"), false);
                variants.append(v);
                continue;
            }
            v.insert(QStringLiteral("effect"), c.effect);
            v.insert(QStringLiteral("standard_error"), c.standardError);
            v.insert(QStringLiteral("ci"), QJsonArray{numberOrNull(c.ciLow), numberOrNull(c.ciHigh)});
            bool significant = c.significant;
            if (frequentist) {
                const double adjustedP = adjusted.value(next++, 1.0);
                significant = adjustedP < r.options.alpha;
                v.insert(QStringLiteral("p_value"), optionalNumber(c.pValue));
                v.insert(QStringLiteral("adjusted_p_value"), numberOrNull(adjustedP));
                v.insert(QStringLiteral("degrees_of_freedom"), numberOrNull(c.degreesOfFreedom));
            } else {
                v.insert(QStringLiteral("chance_to_win"), optionalNumber(c.chanceToWin));
                if (c.exactChanceToWin)
                    v.insert(QStringLiteral("exact_chance_to_win"), numberOrNull(*c.exactChanceToWin));
            }
            v.insert(QStringLiteral("significant"), significant);
            variants.append(v);
        }
        QJsonObject metricJson{{QStringLiteral("metric"), r.metrics[m].type}, {QStringLiteral("variants"), variants}};
        if (r.severalMetrics)
            metricJson.insert(QStringLiteral("name"), r.metrics[m].name);
        metricsJson.append(metricJson);
    }

    QList<qint64> units;
    for (const Arm &arm : r.arms)
        units.append(arm.units);
    const SrmCheck srm = srmCheck(units, r.weights, r.srmThreshold);
    QJsonObject out{
        {QStringLiteral("engine"), frequentist ? QStringLiteral("frequentist") : QStringLiteral("bayesian")},
        {QStringLiteral("difference"),
         r.options.difference == Difference::Absolute ? QStringLiteral("absolute") : QStringLiteral("relative")},
        {QStringLiteral("alpha"), r.options.alpha},
        {QStringLiteral("one_sided"), r.options.oneSided},
        {QStringLiteral("sequential"), r.options.sequential},
        {QStringLiteral("correction"), r.correction},
        {QStringLiteral("control"), r.arms.constFirst().name},
        {QStringLiteral("srm"),
         QJsonObject{{QStringLiteral("p_value"), srm.pValue},
                     {QStringLiteral("degrees_of_freedom"), srm.degreesOfFreedom},
                     {QStringLiteral("threshold"), r.srmThreshold},
                     {QStringLiteral("enough_units"), srm.enoughUnits},
                     {QStringLiteral("mismatch"), srm.mismatch}}}};
    if (r.options.sequential)
        out.insert(QStringLiteral("sequential_tuning"), r.options.sequentialTuning);
    if (r.severalMetrics) {
        out.insert(QStringLiteral("metrics"), metricsJson);
    } else {
        const QJsonObject only = metricsJson.at(0).toObject();
        out.insert(QStringLiteral("metric"), only.value(QLatin1String("metric")));
        out.insert(QStringLiteral("variants"), only.value(QLatin1String("variants")));
    }
    printJson(out);
    return 0;
}

// A number option; `fallback` when not given, none with `error` set when not a number.
std::optional<double> doubleOption(const QCommandLineParser &parser, const QCommandLineOption &option,
                                   std::optional<double> fallback, QString &error)
{
    if (!parser.isSet(option)) {
        if (!fallback)
            error = QStringLiteral("abtest plan: --%1 is required").arg(option.names().constLast());
        return fallback;
    }
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || !std::isfinite(value)) {
        error = QStringLiteral("abtest plan: --%1 \"%2\" is not a number").arg(option.names().constLast(), parser.value(option));
        return std::nullopt;
    }
    return value;
}

int runPlan(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption metric(QStringLiteral("metric"), QStringLiteral("proportion (a rate) or mean."),
                                    QStringLiteral("TYPE"));
    const QCommandLineOption baseline(QStringLiteral("baseline"),
                                      QStringLiteral("Control's expected rate (0–1) or mean."), QStringLiteral("X"));
    const QCommandLineOption sd(QStringLiteral("sd"), QStringLiteral("Per-unit standard deviation (mean metrics)."),
                                QStringLiteral("X"));
    const QCommandLineOption mde(QStringLiteral("mde"),
                                 QStringLiteral("Relative lift to detect (default 0.1 = +10 %); prints the units needed."),
                                 QStringLiteral("LIFT"));
    const QCommandLineOption units(QStringLiteral("units"),
                                   QStringLiteral("Units in the smallest arm; prints the lift they can detect."),
                                   QStringLiteral("N"));
    const QCommandLineOption alpha(QStringLiteral("alpha"), QStringLiteral("Significance level (default 0.05), split "
                                                                           "over the comparisons with control."),
                                   QStringLiteral("A"));
    const QCommandLineOption power(QStringLiteral("power"), QStringLiteral("Power (default 0.8)."), QStringLiteral("P"));
    const QCommandLineOption arms(QStringLiteral("arms"),
                                  QStringLiteral("Arms including control (default 2, or the number of --weights)."),
                                  QStringLiteral("N"));
    const QCommandLineOption weights(QStringLiteral("weights"), QStringLiteral("Traffic split per arm, control first "
                                                                               "(default equal), e.g. .5,.25,.25."),
                                     QStringLiteral("W,W"));
    const QCommandLineOption dailyUnits(QStringLiteral("daily-units"),
                                        QStringLiteral("Units entering the experiment per day, all arms (for days)."),
                                        QStringLiteral("N"));
    const QCommandLineOption oneSided(QStringLiteral("one-sided"), QStringLiteral("Test only for an increase."));
    parser.addOptions({metric, baseline, sd, mde, units, alpha, power, arms, weights, dailyUnits, oneSided});
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Plan an A/B test: the units per arm to detect a relative lift (--mde), or the lift that "
                              "--units per arm can detect; two-sample z approximation, Bonferroni over the comparisons "
                              "with control (docs/abtest-json.md)."),
               exitCode))
        return exitCode;

    PlanInput in;
    const QString type = parser.value(metric);
    if (type != QLatin1String("proportion") && type != QLatin1String("mean"))
        return fail(type.isEmpty() ? QStringLiteral("abtest plan: --metric proportion|mean is required")
                                   : QStringLiteral("abtest plan: --metric \"%1\" is not proportion or mean").arg(type),
                    2);
    in.type = metricType(type);
    if (parser.isSet(mde) && parser.isSet(units))
        return fail(QStringLiteral("abtest plan: give --mde or --units, not both"), 2);
    QString error;
    const auto base = doubleOption(parser, baseline, std::nullopt, error);
    const auto deviation = error.isEmpty() ? doubleOption(parser, sd, 0.0, error) : std::nullopt;
    const auto lift = error.isEmpty() ? doubleOption(parser, mde, 0.1, error) : std::nullopt;
    const auto level = error.isEmpty() ? doubleOption(parser, alpha, 0.05, error) : std::nullopt;
    const auto wanted = error.isEmpty() ? doubleOption(parser, power, 0.8, error) : std::nullopt;
    const auto perDay = error.isEmpty() ? doubleOption(parser, dailyUnits, 0.0, error) : std::nullopt;
    if (!error.isEmpty())
        return fail(error, 2);
    if (in.type == MetricType::Mean && !parser.isSet(sd))
        return fail(QStringLiteral("abtest plan: --sd is required for a mean metric"), 2);
    in.baseline = *base;
    in.standardDeviation = *deviation;
    in.mde = *lift;
    in.alpha = *level;
    in.power = *wanted;
    in.dailyUnits = *perDay;
    in.oneSided = parser.isSet(oneSided);
    if (parser.isSet(weights)) {
        for (const QString &part : parser.value(weights).split(QLatin1Char(','))) {
            bool ok = false;
            const double w = part.trimmed().toDouble(&ok);
            if (!ok)
                return fail(QStringLiteral("abtest plan: --weights \"%1\": \"%2\" is not a number").arg(parser.value(weights), part),
                            2);
            in.weights.append(w);
        }
    }
    const std::optional<qint64> armCount =
        integerOption(parser, arms, in.weights.isEmpty() ? 2 : in.weights.size(), 2, 1000, QStringLiteral("abtest plan"), error);
    if (!armCount)
        return fail(error, 2);
    in.arms = int(*armCount);
    if (parser.isSet(units)) {
        const std::optional<qint64> perArm =
            integerOption(parser, units, 0, 2, qint64(LargestWholeNumber), QStringLiteral("abtest plan"), error);
        if (!perArm)
            return fail(error, 2);
        in.unitsPerArm = *perArm;
    }

    const Plan plan = parser.isSet(units) ? minimumDetectableEffect(in) : sampleSize(in);
    if (!plan.error.isEmpty())
        return fail(QStringLiteral("abtest plan: ") + plan.error, 2);
    QJsonArray weightsJson;
    for (double w : std::as_const(in.weights))
        weightsJson.append(w);
    printJson({{QStringLiteral("metric"), type},
               {QStringLiteral("units_per_arm"), plan.unitsPerArm},
               {QStringLiteral("total_units"), plan.totalUnits},
               {QStringLiteral("mde"), plan.mde},
               {QStringLiteral("days"), plan.days ? QJsonValue(*plan.days) : QJsonValue(QJsonValue::Null)},
               {QStringLiteral("arms"), in.arms},
               {QStringLiteral("weights"), in.weights.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(weightsJson)},
               {QStringLiteral("alpha"), in.alpha},
               {QStringLiteral("alpha_per_comparison"), in.alpha / (in.arms - 1)},
               {QStringLiteral("power"), in.power},
               {QStringLiteral("one_sided"), in.oneSided}});
    return 0;
}

} // namespace

int runAbtest(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    if (sub == QLatin1String("analyze"))
        return runAnalyze(arguments.mid(1));
    if (sub == QLatin1String("plan"))
        return runPlan(arguments.mid(1));
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        std::fputs(qPrintable(Usage), sub.isEmpty() ? stderr : stdout);
        return sub.isEmpty() ? 2 : 0;
    }
    return fail(QStringLiteral("abtest: unknown subcommand \"%1\" (analyze, plan)").arg(sub), 2);
}

} // namespace PromoDesk::Cli
