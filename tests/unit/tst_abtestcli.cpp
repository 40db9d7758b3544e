// promodesk-cli abtest analyze | plan as a script runs it: GrowthBook's vectors through
// the JSON interface, the SRM check, corrections across variants × metrics, errors that
// name their field, and the planner.

#include "clirunner.h"

#include "stats/abstats.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <functional>

using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

// GrowthBook's frequentist vector as the JSON a script sends.
QJsonObject growthBookRequest()
{
    return QJsonObject{
        {u"metric"_s, u"mean"_s},
        {u"variants"_s,
         QJsonArray{QJsonObject{{u"name"_s, u"control"_s}, {u"n"_s, 3407}, {u"sum"_s, 1396.87}, {u"sum_squares"_s, 52377.9767}},
                    QJsonObject{{u"name"_s, u"treatment"_s},
                                {u"n"_s, 3461},
                                {u"sum"_s, 2422.7},
                                {u"sum_squares"_s, 134698.29}}}}};
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

#define COMPARE_NEAR(actual, expected, tolerance)                                                                  \
    do {                                                                                                           \
        const double a_ = (actual);                                                                                \
        const double e_ = (expected);                                                                              \
        QVERIFY2(std::abs(a_ - e_) <= (tolerance),                                                                 \
                 qPrintable(u"%1 = %2, expected %3"_s.arg(QString::fromLatin1(#actual)).arg(a_, 0, 'g', 10).arg(e_))); \
    } while (false)

} // namespace

class TestAbtestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void helpMentionsTheSubcommands();
    void analyzeGrowthBookRelative();
    void analyzeGrowthBookAbsoluteFromAFile();
    void analyzeSequential();
    void analyzeSrm();
    void analyzeBayesianProportion();
    void correctionRunsOverVariantsAndMetrics();
    void degenerateArmIsReportedNotFatal();
    void badInputNamesTheField_data();
    void badInputNamesTheField();
    void planSampleSize();
    void planMinimumDetectableEffect();
    void planErrors_data();
    void planErrors();

private:
    QTemporaryDir m_dir;
};

void TestAbtestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(PROMODESK_CLI_PATH)).isExecutable(), PROMODESK_CLI_PATH);
}

void TestAbtestCli::helpMentionsTheSubcommands()
{
    RUN_CLI(top, {u"--help"_s});
    QCOMPARE(top.exitCode, 0);
    QVERIFY(top.out.contains("abtest"));
    RUN_CLI(help, {u"abtest"_s, u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("analyze") && help.out.contains("plan"));
    RUN_CLI(analyzeHelp, {u"abtest"_s, u"analyze"_s, u"--help"_s});
    QCOMPARE(analyzeHelp.exitCode, 0);
    QVERIFY(analyzeHelp.out.contains("--input"));
    RUN_CLI(planHelp, {u"abtest"_s, u"plan"_s, u"--help"_s});
    QCOMPARE(planHelp.exitCode, 0);
    QVERIFY(planHelp.out.contains("--daily-units"));
    RUN_CLI(none, {u"abtest"_s});
    QCOMPARE(none.exitCode, 2);
    RUN_CLI(unknown, {u"abtest"_s, u"frobnicate"_s});
    QCOMPARE(unknown.exitCode, 2);
    QCOMPARE(unknown.err.count('\n'), qsizetype(1));
}

void TestAbtestCli::analyzeGrowthBookRelative()
{
    RUN_CLI_JSON(out, {u"abtest"_s, u"analyze"_s}, json(growthBookRequest()));
    QCOMPARE(out.value(u"engine"_s).toString(), u"frequentist"_s);
    QCOMPARE(out.value(u"difference"_s).toString(), u"relative"_s);
    QCOMPARE(out.value(u"control"_s).toString(), u"control"_s);
    const QJsonArray variants = out.value(u"variants"_s).toArray();
    QCOMPARE(variants.size(), 1);
    const QJsonObject t = variants.at(0).toObject();
    qInfo("%s", QJsonDocument(t).toJson(QJsonDocument::Compact).constData());
    QCOMPARE(t.value(u"name"_s).toString(), u"treatment"_s);
    COMPARE_NEAR(t.value(u"baseline"_s).toDouble(), 0.41, 1e-12);
    COMPARE_NEAR(t.value(u"value"_s).toDouble(), 0.7, 1e-12);
    COMPARE_NEAR(t.value(u"effect"_s).toDouble(), 0.70732, 1e-5);
    COMPARE_NEAR(t.value(u"standard_error"_s).toDouble(), 0.37879, 1e-5);
    COMPARE_NEAR(t.value(u"ci"_s).toArray().at(0).toDouble(), -0.03526, 1e-5);
    COMPARE_NEAR(t.value(u"ci"_s).toArray().at(1).toDouble(), 1.44989, 1e-5);
    COMPARE_NEAR(t.value(u"p_value"_s).toDouble(), 0.06191, 1e-5);
    COMPARE_NEAR(t.value(u"adjusted_p_value"_s).toDouble(), t.value(u"p_value"_s).toDouble(), 0);
    QCOMPARE(t.value(u"significant"_s), QJsonValue(false));
    // 3407 against 3461 at 50/50: no mismatch.
    const QJsonObject srm = out.value(u"srm"_s).toObject();
    QCOMPARE(srm.value(u"degrees_of_freedom"_s).toInt(), 1);
    QCOMPARE(srm.value(u"mismatch"_s), QJsonValue(false));
    COMPARE_NEAR(srm.value(u"p_value"_s).toDouble(), PromoDesk::Stats::srmPValue({3407, 3461}, {}), 1e-12);
}

void TestAbtestCli::analyzeGrowthBookAbsoluteFromAFile()
{
    QJsonObject request = growthBookRequest();
    request.insert(u"difference"_s, u"absolute"_s);
    const QString file = m_dir.filePath(u"absolute.json"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json(request));
    f.close();
    RUN_CLI_JSON(out, {u"abtest"_s, u"analyze"_s, u"--input"_s, file});
    const QJsonObject t = out.value(u"variants"_s).toArray().at(0).toObject();
    qInfo("%s", QJsonDocument(t).toJson(QJsonDocument::Compact).constData());
    COMPARE_NEAR(t.value(u"effect"_s).toDouble(), 0.29, 1e-5);
    COMPARE_NEAR(t.value(u"standard_error"_s).toDouble(), 0.12478, 1e-5);
    COMPARE_NEAR(t.value(u"ci"_s).toArray().at(0).toDouble(), 0.04538, 1e-5);
    COMPARE_NEAR(t.value(u"ci"_s).toArray().at(1).toDouble(), 0.53462, 1e-5);
    COMPARE_NEAR(t.value(u"p_value"_s).toDouble(), 0.02016, 1e-5);
    QCOMPARE(t.value(u"significant"_s), QJsonValue(true));
}

void TestAbtestCli::analyzeSequential()
{
    // gbstats test_sequential_test_runs: control n = 3000, N* = 1000.
    QJsonObject request = growthBookRequest();
    QJsonArray variants = request.value(u"variants"_s).toArray();
    QJsonObject control = variants.at(0).toObject();
    control.insert(u"n"_s, 3000);
    variants.replace(0, control);
    request.insert(u"variants"_s, variants);
    request.insert(u"sequential"_s, true);
    request.insert(u"sequential_tuning"_s, 1000);
    RUN_CLI_JSON(out, {u"abtest"_s, u"analyze"_s}, json(request));
    const QJsonObject t = out.value(u"variants"_s).toArray().at(0).toObject();
    qInfo("%s", QJsonDocument(t).toJson(QJsonDocument::Compact).constData());
    COMPARE_NEAR(t.value(u"effect"_s).toDouble(), 0.50336, 1e-5);
    COMPARE_NEAR(t.value(u"ci"_s).toArray().at(0).toDouble(), -0.55844, 1e-5);
    COMPARE_NEAR(t.value(u"ci"_s).toArray().at(1).toDouble(), 1.56516, 1e-5);
    COMPARE_NEAR(t.value(u"p_value"_s).toDouble(), 1.0, 1e-12);
    QCOMPARE(out.value(u"sequential_tuning"_s).toDouble(), 1000.0);
}

void TestAbtestCli::analyzeSrm()
{
    // GrowthBook's SRM vector: 1000 against 1200 at 50/50 → p = 0.000020079, a mismatch.
    const QJsonObject request{
        {u"metric"_s, u"proportion"_s},
        {u"weights"_s, QJsonArray{0.5, 0.5}},
        {u"variants"_s, QJsonArray{QJsonObject{{u"n"_s, 1000}, {u"sum"_s, 100}}, QJsonObject{{u"n"_s, 1200}, {u"sum"_s, 130}}}}};
    RUN_CLI_JSON(out, {u"abtest"_s, u"analyze"_s}, json(request));
    const QJsonObject srm = out.value(u"srm"_s).toObject();
    qInfo("srm %s", QJsonDocument(srm).toJson(QJsonDocument::Compact).constData());
    COMPARE_NEAR(srm.value(u"p_value"_s).toDouble(), 0.000020079, 1e-9);
    QCOMPARE(srm.value(u"mismatch"_s), QJsonValue(true));
    QCOMPARE(srm.value(u"enough_units"_s), QJsonValue(true));
    COMPARE_NEAR(srm.value(u"threshold"_s).toDouble(), 0.001, 0);
    // Default names.
    QCOMPARE(out.value(u"control"_s).toString(), u"control"_s);
    QCOMPARE(out.value(u"variants"_s).toArray().at(0).toObject().value(u"name"_s).toString(), u"variant_1"_s);

    // 310 against 98 at 75/25 → 0.647434186, no mismatch.
    const QJsonObject uneven{
        {u"metric"_s, u"proportion"_s},
        {u"weights"_s, QJsonArray{0.75, 0.25}},
        {u"variants"_s, QJsonArray{QJsonObject{{u"n"_s, 310}, {u"sum"_s, 31}}, QJsonObject{{u"n"_s, 98}, {u"sum"_s, 12}}}}};
    RUN_CLI_JSON(second, {u"abtest"_s, u"analyze"_s}, json(uneven));
    COMPARE_NEAR(second.value(u"srm"_s).toObject().value(u"p_value"_s).toDouble(), 0.647434186, 1e-9);
    QCOMPARE(second.value(u"srm"_s).toObject().value(u"mismatch"_s), QJsonValue(false));
}

void TestAbtestCli::analyzeBayesianProportion()
{
    const QJsonObject request{
        {u"metric"_s, u"proportion"_s},
        {u"engine"_s, u"bayesian"_s},
        {u"difference"_s, u"absolute"_s},
        {u"variants"_s, QJsonArray{QJsonObject{{u"n"_s, 1000}, {u"sum"_s, 120}}, QJsonObject{{u"n"_s, 1000}, {u"sum"_s, 150}}}}};
    RUN_CLI_JSON(out, {u"abtest"_s, u"analyze"_s}, json(request));
    const QJsonObject t = out.value(u"variants"_s).toArray().at(0).toObject();
    qInfo("%s", QJsonDocument(t).toJson(QJsonDocument::Compact).constData());
    QVERIFY(!t.contains(u"p_value"_s));
    QVERIFY(!t.contains(u"adjusted_p_value"_s));
    COMPARE_NEAR(t.value(u"chance_to_win"_s).toDouble(), 0.97529, 1e-5);
    COMPARE_NEAR(t.value(u"exact_chance_to_win"_s).toDouble(),
                 PromoDesk::Stats::betaBinomialChanceToWin(120, 1000, 150, 1000), 1e-12);
    QCOMPARE(t.value(u"significant"_s), QJsonValue(true));
}

void TestAbtestCli::correctionRunsOverVariantsAndMetrics()
{
    // Two metrics × two variants = four p-values, corrected together (Holm).
    const QJsonObject request{
        {u"correction"_s, u"holm"_s},
        {u"variants"_s, QJsonArray{QJsonObject{{u"name"_s, u"control"_s}, {u"n"_s, 3407}},
                                   QJsonObject{{u"name"_s, u"b"_s}, {u"n"_s, 3461}},
                                   QJsonObject{{u"name"_s, u"c"_s}, {u"n"_s, 3390}}}},
        {u"metrics"_s,
         QJsonArray{QJsonObject{{u"name"_s, u"revenue"_s},
                                {u"metric"_s, u"mean"_s},
                                {u"variants"_s,
                                 QJsonArray{QJsonObject{{u"sum"_s, 1396.87}, {u"sum_squares"_s, 52377.9767}},
                                            QJsonObject{{u"sum"_s, 2422.7}, {u"sum_squares"_s, 134698.29}},
                                            QJsonObject{{u"sum"_s, 1500.2}, {u"sum_squares"_s, 60000.5}}}}},
                    QJsonObject{{u"name"_s, u"conversion"_s},
                                {u"metric"_s, u"proportion"_s},
                                {u"variants"_s,
                                 QJsonArray{QJsonObject{{u"name"_s, u"control"_s}, {u"sum"_s, 340}},
                                            QJsonObject{{u"sum"_s, 420}},
                                            QJsonObject{{u"sum"_s, 350}}}}}}}};
    RUN_CLI_JSON(out, {u"abtest"_s, u"analyze"_s}, json(request));
    const QJsonArray metrics = out.value(u"metrics"_s).toArray();
    QCOMPARE(metrics.size(), 2);
    QCOMPARE(metrics.at(0).toObject().value(u"name"_s).toString(), u"revenue"_s);
    QCOMPARE(metrics.at(1).toObject().value(u"metric"_s).toString(), u"proportion"_s);
    QList<double> pValues, adjusted;
    QList<bool> significant;
    for (const QJsonValue &metric : metrics) {
        for (const QJsonValue &variant : metric.toObject().value(u"variants"_s).toArray()) {
            pValues.append(variant.toObject().value(u"p_value"_s).toDouble());
            adjusted.append(variant.toObject().value(u"adjusted_p_value"_s).toDouble());
            significant.append(variant.toObject().value(u"significant"_s).toBool());
        }
    }
    QCOMPARE(pValues.size(), 4);
    const QList<double> expected = PromoDesk::Stats::holmAdjust(pValues);
    for (qsizetype i = 0; i < 4; ++i) {
        qInfo("p %.6g → Holm %.6g", pValues[i], adjusted[i]);
        COMPARE_NEAR(adjusted[i], expected[i], 1e-12);
        QCOMPARE(significant[i], adjusted[i] < 0.05);
    }
    // The metric's n defaults to the top-level units.
    QCOMPARE(metrics.at(1).toObject().value(u"variants"_s).toArray().at(0).toObject().value(u"n"_s).toInt(), 3461);
    // The conversion lift for "b" (340/3407 against 420/3461, p ≈ 0.0099) stays significant after
    // Holm over four comparisons (≈ 0.0396); revenue for "b" (p ≈ 0.062) was not significant alone.
    QVERIFY(pValues[2] * 4 < 0.05 && significant[2]);
    QVERIFY(!significant[0]);
}

void TestAbtestCli::degenerateArmIsReportedNotFatal()
{
    const QJsonObject request{
        {u"metric"_s, u"proportion"_s},
        {u"variants"_s, QJsonArray{QJsonObject{{u"n"_s, 1000}, {u"sum"_s, 100}}, QJsonObject{{u"n"_s, 1}, {u"sum"_s, 1}},
                                   QJsonObject{{u"n"_s, 1000}, {u"sum"_s, 130}}}}};
    RUN_CLI_JSON(out, {u"abtest"_s, u"analyze"_s}, json(request));
    const QJsonArray variants = out.value(u"variants"_s).toArray();
    const QJsonObject broken = variants.at(0).toObject();
    qInfo("%s", QJsonDocument(broken).toJson(QJsonDocument::Compact).constData());
    QVERIFY(broken.value(u"error"_s).toString().contains(u"at least 2"_s));
    QCOMPARE(broken.value(u"significant"_s), QJsonValue(false));
    QVERIFY(!broken.contains(u"p_value"_s));
    QVERIFY(variants.at(1).toObject().value(u"p_value"_s).isDouble());
}

void TestAbtestCli::badInputNamesTheField_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("message");
    const auto with = [](const std::function<void(QJsonObject &)> &change) {
        QJsonObject request = growthBookRequest();
        change(request);
        return json(request);
    };
    const auto variant = [](QJsonObject &request, int index, const QString &key, const QJsonValue &value) {
        QJsonArray variants = request.value(u"variants"_s).toArray();
        QJsonObject v = variants.at(index).toObject();
        if (value.isUndefined())
            v.remove(key);
        else
            v.insert(key, value);
        variants.replace(index, v);
        request.insert(u"variants"_s, variants);
    };
    QTest::newRow("fractional n") << with([&](QJsonObject &r) { variant(r, 1, u"n"_s, 12.5); })
                                  << u"abtest analyze: variants[1].n: must be a whole number >= 0"_s;
    QTest::newRow("negative n") << with([&](QJsonObject &r) { variant(r, 1, u"n"_s, -3); })
                                << u"abtest analyze: variants[1].n: must be a whole number >= 0"_s;
    QTest::newRow("text n") << with([&](QJsonObject &r) { variant(r, 0, u"n"_s, u"many"_s); })
                            << u"abtest analyze: variants[0].n: must be a whole number >= 0"_s;
    QTest::newRow("missing sum_squares") << with([&](QJsonObject &r) { variant(r, 1, u"sum_squares"_s, QJsonValue(QJsonValue::Undefined)); })
                                         << u"abtest analyze: variants[1].sum_squares: is required for a mean metric"_s;
    QTest::newRow("unknown field") << with([&](QJsonObject &r) { r.insert(u"alpah"_s, 0.1); })
                                   << u"abtest analyze: alpah: is not a known field"_s;
    QTest::newRow("alpha out of range") << with([&](QJsonObject &r) { r.insert(u"alpha"_s, 5); })
                                        << u"abtest analyze: alpha: must be a number between 0 and 1"_s;
    QTest::newRow("unknown metric") << with([&](QJsonObject &r) { r.insert(u"metric"_s, u"median"_s); })
                                    << u"abtest analyze: metric: must be \"proportion\", \"mean\", \"ratio\""_s;
    QTest::newRow("one variant") << with([&](QJsonObject &r) {
        r.insert(u"variants"_s, QJsonArray{r.value(u"variants"_s).toArray().at(0)});
    }) << u"abtest analyze: variants: must be an array of at least 2 variants"_s;
    QTest::newRow("weights count") << with([&](QJsonObject &r) { r.insert(u"weights"_s, QJsonArray{1, 1, 1}); })
                                   << u"abtest analyze: weights: must be an array of 2 numbers"_s;
    QTest::newRow("bayesian sequential") << with([&](QJsonObject &r) {
        r.insert(u"engine"_s, u"bayesian"_s);
        r.insert(u"sequential"_s, true);
    }) << u"abtest analyze: sequential: applies to the frequentist engine only"_s;
    QTest::newRow("successes above n") << QByteArray(R"({"metric": "proportion", "variants": [{"n": 10, "sum": 3},
                                                    {"n": 10, "sum": 12}]})")
                                       << u"abtest analyze: variants[1].sum: must be a whole number of successes from 0 to n (10)"_s;
    QTest::newRow("ratio without denominator")
        << QByteArray(R"({"metric": "ratio", "variants": [{"n": 10, "sum": 3, "sum_squares": 4, "denominator_sum": 5,
                       "denominator_sum_squares": 5, "sum_product": 3}, {"n": 10, "sum": 3, "sum_squares": 4}]})")
        << u"abtest analyze: variants[1].denominator_sum: is required for a ratio metric"_s;
    QTest::newRow("metric name mismatch")
        << QByteArray(R"({"variants": [{"name": "a", "n": 10}, {"name": "b", "n": 10}],
                       "metrics": [{"metric": "proportion", "variants": [{"sum": 1}, {"name": "c", "sum": 2}]}]})")
        << u"abtest analyze: metrics[0].variants[1].name: must be \"b\""_s;
    QTest::newRow("not JSON") << QByteArray("{\"metric\": ") << u"abtest analyze: stdin: not valid JSON"_s;
}

void TestAbtestCli::badInputNamesTheField()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, message);
    RUN_CLI(run, {u"abtest"_s, u"analyze"_s}, input);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QCOMPARE(run.err.count('\n'), qsizetype(1));
    QVERIFY2(run.err.startsWith("promodesk-cli: " + message.toUtf8()), run.err.constData());
}

void TestAbtestCli::planSampleSize()
{
    RUN_CLI_JSON(out, {u"abtest"_s, u"plan"_s, u"--metric"_s, u"proportion"_s, u"--baseline"_s, u"0.1"_s, u"--mde"_s,
                       u"0.1"_s, u"--daily-units"_s, u"1000"_s});
    qInfo("%s", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    QCOMPARE(out.value(u"units_per_arm"_s).toInteger(), qint64(14751));
    QCOMPARE(out.value(u"total_units"_s).toInteger(), qint64(29502));
    COMPARE_NEAR(out.value(u"mde"_s).toDouble(), 0.1, 0);
    COMPARE_NEAR(out.value(u"days"_s).toDouble(), 29.502, 1e-12);

    // Three arms at 50/25/25, one-sided, a mean metric.
    RUN_CLI_JSON(mean, {u"abtest"_s, u"plan"_s, u"--metric"_s, u"mean"_s, u"--baseline"_s, u"10"_s, u"--sd"_s, u"10"_s,
                        u"--mde"_s, u"0.5"_s, u"--weights"_s, u".5,.25,.25"_s, u"--one-sided"_s});
    qInfo("%s", QJsonDocument(mean).toJson(QJsonDocument::Compact).constData());
    QCOMPARE(mean.value(u"arms"_s).toInt(), 3);
    COMPARE_NEAR(mean.value(u"alpha_per_comparison"_s).toDouble(), 0.025, 1e-15);
    QVERIFY(mean.value(u"days"_s).isNull());
    PromoDesk::Stats::PlanInput input;
    input.type = PromoDesk::Stats::MetricType::Mean;
    input.baseline = 10;
    input.standardDeviation = 10;
    input.mde = 0.5;
    input.arms = 3;
    input.weights = {0.5, 0.25, 0.25};
    input.oneSided = true;
    QCOMPARE(mean.value(u"units_per_arm"_s).toInteger(), PromoDesk::Stats::sampleSize(input).unitsPerArm);
    QCOMPARE(mean.value(u"total_units"_s).toInteger(), mean.value(u"units_per_arm"_s).toInteger() * 4);
}

void TestAbtestCli::planMinimumDetectableEffect()
{
    RUN_CLI_JSON(out, {u"abtest"_s, u"plan"_s, u"--metric"_s, u"proportion"_s, u"--baseline"_s, u"0.1"_s, u"--units"_s,
                       u"14751"_s});
    qInfo("%s", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    QCOMPARE(out.value(u"units_per_arm"_s).toInteger(), qint64(14751));
    COMPARE_NEAR(out.value(u"mde"_s).toDouble(), 0.1, 1e-4);
    QVERIFY(out.value(u"mde"_s).toDouble() <= 0.1);
}

void TestAbtestCli::planErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QStringList p{u"abtest"_s, u"plan"_s};
    QTest::newRow("no metric") << p + QStringList{u"--baseline"_s, u"0.1"_s}
                               << u"abtest plan: --metric proportion|mean is required"_s;
    QTest::newRow("ratio") << p + QStringList{u"--metric"_s, u"ratio"_s, u"--baseline"_s, u"0.1"_s}
                           << u"abtest plan: --metric \"ratio\" is not proportion or mean"_s;
    QTest::newRow("no baseline") << p + QStringList{u"--metric"_s, u"proportion"_s}
                                 << u"abtest plan: --baseline is required"_s;
    QTest::newRow("bad number") << p + QStringList{u"--metric"_s, u"proportion"_s, u"--baseline"_s, u"ten"_s}
                                << u"abtest plan: --baseline \"ten\" is not a number"_s;
    QTest::newRow("both mde and units")
        << p + QStringList{u"--metric"_s, u"proportion"_s, u"--baseline"_s, u"0.1"_s, u"--mde"_s, u"0.1"_s, u"--units"_s, u"100"_s}
        << u"abtest plan: give --mde or --units, not both"_s;
    QTest::newRow("mean without sd") << p + QStringList{u"--metric"_s, u"mean"_s, u"--baseline"_s, u"10"_s}
                                     << u"abtest plan: --sd is required for a mean metric"_s;
    QTest::newRow("rate above 1") << p + QStringList{u"--metric"_s, u"proportion"_s, u"--baseline"_s, u"1.5"_s}
                                  << u"abtest plan: a proportion's baseline must be a rate between 0 and 1"_s;
    QTest::newRow("weights for arms")
        << p + QStringList{u"--metric"_s, u"proportion"_s, u"--baseline"_s, u"0.1"_s, u"--arms"_s, u"3"_s, u"--weights"_s, u".5,.5"_s}
        << u"abtest plan: there are 2 weights for 3 arms"_s;
}

void TestAbtestCli::planErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    RUN_CLI(run, arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QCOMPARE(run.err.count('\n'), qsizetype(1));
    QVERIFY2(run.err.startsWith("promodesk-cli: " + message.toUtf8()), run.err.constData());
}

QTEST_GUILESS_MAIN(TestAbtestCli)
#include "tst_abtestcli.moc"
