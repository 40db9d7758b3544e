// The A/B statistics library (models/stats/abstats.h) against GrowthBook's published
// vectors (hashing, bucket ranges, t-tests, confidence sequences, Gaussian Bayesian
// engine, SRM), R's p.adjust, textbook sample sizes and independent computations made
// here (numerical integration, raw-data moments).

#include "stats/abstats.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

Q_DECLARE_METATYPE(PromoDesk::Stats::VariantStats)
Q_DECLARE_METATYPE(PromoDesk::Stats::PlanInput)

using namespace PromoDesk::Stats;
using namespace Qt::StringLiterals;

namespace {

// GrowthBook's frequentist test vector (gbstats tests/frequentist/test_tests.py).
const VariantStats GbControl{3407, 1396.87, 52377.9767, 0, 0, 0};
const VariantStats GbTreatment{3461, 2422.7, 134698.29, 0, 0, 0};

VariantStats proportion(qint64 successes, qint64 n)
{
    return VariantStats{n, double(successes), double(successes), 0, 0, 0};
}

// Standard normal CDF from the C library, independent of Boost.
double phi(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

#define COMPARE_NEAR(actual, expected, tolerance)                                                                  \
    do {                                                                                                           \
        const double a_ = (actual);                                                                                \
        const double e_ = (expected);                                                                              \
        QVERIFY2(std::abs(a_ - e_) <= (tolerance),                                                                 \
                 qPrintable(u"%1 = %2, expected %3 (±%4)"_s.arg(QString::fromLatin1(#actual))                     \
                                .arg(a_, 0, 'g', 10)                                                               \
                                .arg(e_, 0, 'g', 10)                                                               \
                                .arg(double(tolerance))));                                                         \
    } while (false)

void printComparison(const char *label, const Comparison &c)
{
    qInfo("%s: baseline %.6f value %.6f effect %.6f se %.6f ci [%.6f, %.6f] df %.2f p %s ctw %s exact %s "
          "significant %d%s%s",
          label, c.baseline, c.value, c.effect, c.standardError, c.ciLow, c.ciHigh, c.degreesOfFreedom,
          c.pValue ? qPrintable(QString::number(*c.pValue, 'g', 8)) : "-",
          c.chanceToWin ? qPrintable(QString::number(*c.chanceToWin, 'g', 8)) : "-",
          c.exactChanceToWin ? qPrintable(QString::number(*c.exactChanceToWin, 'g', 8)) : "-", int(c.significant),
          c.error.isEmpty() ? "" : " error: ", qPrintable(c.error));
}

// P(pB > pA) for Beta(1 + s, 1 + n - s) posteriors by quadrature: ∫ f_B(x) F_A(x) dx with
// composite Simpson, F_A exact for integer parameters as a binomial tail,
// I_x(a, b) = P(Binomial(a + b - 1, x) >= a). Independent of Boost.
double integratedChanceToWin(qint64 sA, qint64 nA, qint64 sB, qint64 nB)
{
    const double aA = 1 + double(sA), bA = 1 + double(nA - sA), aB = 1 + double(sB), bB = 1 + double(nB - sB);
    const auto densityB = [&](double x) {
        if (x <= 0 || x >= 1)
            return 0.0;
        return std::exp((aB - 1) * std::log(x) + (bB - 1) * std::log1p(-x)
                        - (std::lgamma(aB) + std::lgamma(bB) - std::lgamma(aB + bB)));
    };
    const auto cdfA = [&](double x) {
        if (x <= 0)
            return 0.0;
        if (x >= 1)
            return 1.0;
        const int n = int(aA + bA - 1);
        double total = 0;
        for (int j = int(aA); j <= n; ++j)
            total += std::exp(std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0)
                              + j * std::log(x) + (n - j) * std::log1p(-x));
        return total;
    };
    const int intervals = 20000; // even
    const double h = 1.0 / intervals;
    double total = 0;
    for (int i = 0; i <= intervals; ++i) {
        const double x = i * h;
        const double weight = (i == 0 || i == intervals) ? 1 : (i % 2 ? 4 : 2);
        total += weight * densityB(x) * cdfA(x);
    }
    return total * h / 3;
}

bool finiteComparison(const Comparison &c)
{
    for (double x : {c.baseline, c.value, c.effect, c.standardError, c.ciLow, c.ciHigh, c.degreesOfFreedom}) {
        if (!std::isfinite(x))
            return false;
    }
    for (const std::optional<double> &x : {c.pValue, c.chanceToWin, c.exactChanceToWin}) {
        if (x && !std::isfinite(*x))
            return false;
    }
    return true;
}

} // namespace

class TestAbStats : public QObject
{
    Q_OBJECT

private slots:
    // Assignment
    void fnvMatchesTheReference();
    void hashV2MatchesGrowthBook_data();
    void hashV2MatchesGrowthBook();
    void hashIsUniform();
    void bucketRangesMatchGrowthBook_data();
    void bucketRangesMatchGrowthBook();
    void chooseVariantMatchesGrowthBook_data();
    void chooseVariantMatchesGrowthBook();

    // Frequentist
    void growthBookRelativeVector();
    void growthBookAbsoluteVector();
    void growthBookProportionVector();
    void oneSidedHalvesThePValue();
    void growthBookSequentialVectors();
    void sequentialTuningBehavesAsGrowthBookSays();
    void sequentialIsWiderAndConsistent();
    void ratioMomentsMatchRawData();
    void ratioWithUnitDenominatorIsAMean();

    // Bayesian
    void growthBookBayesianVector();
    void bayesianMatchesTheNormalPosterior();
    void exactChanceToWinMatchesIntegration_data();
    void exactChanceToWinMatchesIntegration();
    void exactChanceToWinSymmetry();
    void exactChanceToWinAgreesWithTheNormalForLargeSamples();

    // Degenerate input
    void degenerateInputGivesAnError_data();
    void degenerateInputGivesAnError();

    // SRM
    void srmMatchesGrowthBook_data();
    void srmMatchesGrowthBook();
    void srmCheckFlagsOnlyWithEnoughUnits();

    // Multiple comparisons
    void holmMatchesPAdjust_data();
    void holmMatchesPAdjust();
    void benjaminiHochbergMatchesPAdjust_data();
    void benjaminiHochbergMatchesPAdjust();

    // Planner
    void sampleSizeForAProportionMatchesTheTextbook();
    void sampleSizeForAMeanMatchesTheTextbook();
    void bonferroniAndOneSided();
    void unequalWeightsLetTheSmallestArmDecide();
    void mdeInvertsSampleSize_data();
    void mdeInvertsSampleSize();
    void planErrors_data();
    void planErrors();
};

// ---- Assignment -------------------------------------------------------------------------------

void TestAbStats::fnvMatchesTheReference()
{
    // FNV-1a 32-bit reference values (Fowler/Noll/Vo test suite).
    QCOMPARE(fnv1a32(QString()), 0x811c9dc5u);
    QCOMPARE(fnv1a32(u"a"_s), 0xe40c292cu);
    QCOMPARE(fnv1a32(u"foobar"_s), 0xbf9cf968u);
}

void TestAbStats::hashV2MatchesGrowthBook_data()
{
    QTest::addColumn<QString>("seed");
    QTest::addColumn<QString>("id");
    QTest::addColumn<double>("expected");
    QTest::newRow("seed a") << u"seed"_s << u"a"_s << 0.0505;
    QTest::newRow("seed b") << u"seed"_s << u"b"_s << 0.2696;
    QTest::newRow("foo ab") << u"foo"_s << u"ab"_s << 0.2575;
}

void TestAbStats::hashV2MatchesGrowthBook()
{
    QFETCH(QString, seed);
    QFETCH(QString, id);
    QFETCH(double, expected);
    const double n = hashV2(seed, id);
    qInfo("hashV2(\"%s\", \"%s\") = %.4f", qPrintable(seed), qPrintable(id), n);
    COMPARE_NEAR(n, expected, 1e-12);
}

void TestAbStats::hashIsUniform()
{
    // 20 000 ids into 10 buckets: each within 5 standard deviations of 2 000.
    QList<int> buckets(10, 0);
    for (int i = 0; i < 20000; ++i) {
        const double n = hashV2(u"experiment-1"_s, u"cust_%1"_s.arg(i));
        QVERIFY(n >= 0 && n < 1);
        ++buckets[int(n * 10)];
    }
    for (int count : std::as_const(buckets))
        QVERIFY2(std::abs(count - 2000) < 5 * std::sqrt(2000 * 0.9), qPrintable(QString::number(count)));
}

using Ranges = QList<QPair<double, double>>;

void TestAbStats::bucketRangesMatchGrowthBook_data()
{
    // GrowthBook's SDK cases.json, "getBucketRange".
    QTest::addColumn<int>("variants");
    QTest::addColumn<double>("coverage");
    QTest::addColumn<QList<double>>("weights");
    QTest::addColumn<Ranges>("expected");
    QTest::newRow("normal 50/50") << 2 << 1.0 << QList<double>{} << Ranges{{0, 0.5}, {0.5, 1}};
    QTest::newRow("reduced coverage") << 2 << 0.5 << QList<double>{} << Ranges{{0, 0.25}, {0.5, 0.75}};
    QTest::newRow("zero coverage") << 2 << 0.0 << QList<double>{} << Ranges{{0, 0}, {0.5, 0.5}};
    QTest::newRow("4 variations") << 4 << 1.0 << QList<double>{}
                                  << Ranges{{0, 0.25}, {0.25, 0.5}, {0.5, 0.75}, {0.75, 1}};
    QTest::newRow("uneven weights") << 2 << 1.0 << QList<double>{0.4, 0.6} << Ranges{{0, 0.4}, {0.4, 1}};
    QTest::newRow("uneven weights, 3 variations")
        << 3 << 1.0 << QList<double>{0.2, 0.3, 0.5} << Ranges{{0, 0.2}, {0.2, 0.5}, {0.5, 1}};
    QTest::newRow("uneven weights, reduced coverage, 3 variations")
        << 3 << 0.2 << QList<double>{0.2, 0.3, 0.5} << Ranges{{0, 0.04}, {0.2, 0.26}, {0.5, 0.6}};
    QTest::newRow("negative coverage") << 2 << -0.2 << QList<double>{} << Ranges{{0, 0}, {0.5, 0.5}};
    QTest::newRow("coverage above 1") << 2 << 1.5 << QList<double>{} << Ranges{{0, 0.5}, {0.5, 1}};
    QTest::newRow("weights sum below 1") << 2 << 1.0 << QList<double>{0.4, 0.1} << Ranges{{0, 0.5}, {0.5, 1}};
    QTest::newRow("weights sum above 1") << 2 << 1.0 << QList<double>{0.7, 0.6} << Ranges{{0, 0.5}, {0.5, 1}};
    QTest::newRow("weights.length not equal to num variations")
        << 4 << 1.0 << QList<double>{0.4, 0.4, 0.2} << Ranges{{0, 0.25}, {0.25, 0.5}, {0.5, 0.75}, {0.75, 1}};
    QTest::newRow("weights sum almost equals 1") << 2 << 1.0 << QList<double>{0.4, 0.5999}
                                                 << Ranges{{0, 0.4}, {0.4, 0.9999}};
}

void TestAbStats::bucketRangesMatchGrowthBook()
{
    QFETCH(int, variants);
    QFETCH(double, coverage);
    QFETCH(QList<double>, weights);
    QFETCH(Ranges, expected);
    const Ranges ranges = bucketRanges(variants, coverage, weights);
    QCOMPARE(ranges.size(), expected.size());
    for (qsizetype i = 0; i < ranges.size(); ++i) {
        COMPARE_NEAR(ranges[i].first, expected[i].first, 1e-12);
        COMPARE_NEAR(ranges[i].second, expected[i].second, 1e-12);
    }
}

void TestAbStats::chooseVariantMatchesGrowthBook_data()
{
    // GrowthBook's SDK cases.json, "chooseVariation".
    QTest::addColumn<double>("n");
    QTest::addColumn<Ranges>("ranges");
    QTest::addColumn<int>("expected");
    const Ranges normal{{0, 0.5}, {0.5, 1}};
    const Ranges reduced{{0, 0.25}, {0.5, 0.75}};
    const Ranges zero{{0, 0}, {0.5, 0.5}};
    const Ranges four{{0, 0.25}, {0.25, 0.5}, {0.5, 0.75}, {0.75, 1}};
    QTest::newRow("normal 0.2") << 0.2 << normal << 0;
    QTest::newRow("normal 0.6") << 0.6 << normal << 1;
    QTest::newRow("normal 0.5 (lower bound included)") << 0.5 << normal << 1;
    QTest::newRow("reduced coverage 0.2") << 0.2 << reduced << 0;
    QTest::newRow("reduced coverage 0.5") << 0.5 << reduced << 1;
    QTest::newRow("reduced coverage 0.4 (outside)") << 0.4 << reduced << -1;
    QTest::newRow("reduced coverage 0.8 (outside)") << 0.8 << reduced << -1;
    QTest::newRow("zero coverage 0.5") << 0.5 << zero << -1;
    QTest::newRow("4 variations 0.4") << 0.4 << four << 1;
    QTest::newRow("4 variations 0.7") << 0.7 << four << 2;
    QTest::newRow("4 variations 0.9") << 0.9 << four << 3;
    QTest::newRow("4 variations 0.1") << 0.1 << four << 0;
    // End to end: GrowthBook's hash places ("seed", "a") at 0.0505, in the first 50/50 bucket.
    QTest::newRow("hashed") << hashV2(u"seed"_s, u"a"_s) << bucketRanges(2, 1, {}) << 0;
    QTest::newRow("hashed, 20% coverage 3 arms") << hashV2(u"seed"_s, u"b"_s)
                                                << bucketRanges(3, 0.2, {0.2, 0.3, 0.5}) << -1;
}

void TestAbStats::chooseVariantMatchesGrowthBook()
{
    QFETCH(double, n);
    QFETCH(Ranges, ranges);
    QFETCH(int, expected);
    QCOMPARE(chooseVariant(n, ranges), expected);
}

// ---- Frequentist ------------------------------------------------------------------------------

void TestAbStats::growthBookRelativeVector()
{
    const Comparison c = frequentistTest(MetricType::Mean, GbControl, GbTreatment, TestOptions{});
    printComparison("GrowthBook relative", c);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    COMPARE_NEAR(c.baseline, 0.41, 1e-12);
    COMPARE_NEAR(c.value, 0.7, 1e-12);
    COMPARE_NEAR(c.effect, 0.70732, 1e-5);
    COMPARE_NEAR(c.standardError, 0.37879, 1e-5);
    COMPARE_NEAR(c.ciLow, -0.03526, 1e-5);
    COMPARE_NEAR(c.ciHigh, 1.44989, 1e-5);
    QVERIFY(c.pValue);
    COMPARE_NEAR(*c.pValue, 0.06191, 1e-5);
    QVERIFY(!c.significant);
    QVERIFY(!c.chanceToWin);
    // Welch–Satterthwaite with sd 3.9 and 6.2: (3.9²/3407 + 6.2²/3461)² / (…) ≈ 5821.
    const double va = 3.9 * 3.9, vb = 6.2 * 6.2;
    const double df = std::pow(va / 3407 + vb / 3461, 2)
        / (va * va / (3407.0 * 3407.0 * 3406) + vb * vb / (3461.0 * 3461.0 * 3460));
    COMPARE_NEAR(c.degreesOfFreedom, df, 1e-6 * df);
}

void TestAbStats::growthBookAbsoluteVector()
{
    TestOptions options;
    options.difference = Difference::Absolute;
    const Comparison c = frequentistTest(MetricType::Mean, GbControl, GbTreatment, options);
    printComparison("GrowthBook absolute", c);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    COMPARE_NEAR(c.effect, 0.29, 1e-5);
    COMPARE_NEAR(c.standardError, 0.12478, 1e-5);
    COMPARE_NEAR(c.ciLow, 0.04538, 1e-5);
    COMPARE_NEAR(c.ciHigh, 0.53462, 1e-5);
    COMPARE_NEAR(*c.pValue, 0.02016, 1e-5);
    QVERIFY(c.significant);
}

void TestAbStats::growthBookProportionVector()
{
    // gbstats test_two_sided_ttest_binom: 14/28 against 16/30.
    const Comparison c = frequentistTest(MetricType::Proportion, proportion(14, 28), proportion(16, 30), TestOptions{});
    printComparison("GrowthBook proportion", c);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    COMPARE_NEAR(c.effect, 0.06667, 1e-5);
    COMPARE_NEAR(c.standardError, 0.2717, 1e-5);
    COMPARE_NEAR(c.ciLow, -0.47767, 1e-5);
    COMPARE_NEAR(c.ciHigh, 0.61101, 1e-5);
    COMPARE_NEAR(*c.pValue, 0.80707, 1e-5);
}

void TestAbStats::oneSidedHalvesThePValue()
{
    TestOptions twoSided;
    TestOptions oneSided;
    oneSided.oneSided = true;
    const Comparison two = frequentistTest(MetricType::Mean, GbControl, GbTreatment, twoSided);
    const Comparison one = frequentistTest(MetricType::Mean, GbControl, GbTreatment, oneSided);
    printComparison("one-sided", one);
    COMPARE_NEAR(*one.pValue, *two.pValue / 2, 1e-12);
    QVERIFY(one.significant); // 0.031 < 0.05
    QVERIFY(std::isinf(one.ciHigh) && one.ciHigh > 0);
    QVERIFY(one.ciLow > two.ciLow && one.ciLow > 0);
    // The variant worse than control: the one-sided p-value is above one half.
    const Comparison worse = frequentistTest(MetricType::Mean, GbTreatment, GbControl, oneSided);
    QVERIFY(*worse.pValue > 0.5);
    QVERIFY(!worse.significant);
}

void TestAbStats::growthBookSequentialVectors()
{
    // gbstats TestSequentialTTest.test_sequential_test_runs (N* = 1000).
    TestOptions options;
    options.sequential = true;
    options.sequentialTuning = 1000;
    VariantStats control = GbControl;
    control.n = 3000;
    const Comparison c = frequentistTest(MetricType::Mean, control, GbTreatment, options);
    printComparison("GrowthBook sequential mean", c);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    COMPARE_NEAR(c.effect, 0.50336, 1e-5);
    COMPARE_NEAR(c.standardError, 0.33341, 1e-5);
    COMPARE_NEAR(c.ciLow, -0.55844, 1e-5);
    COMPARE_NEAR(c.ciHigh, 1.56516, 1e-5);
    COMPARE_NEAR(*c.pValue, 1.0, 1e-12);

    // test_sequential_test_runs_prop (default N* = 5000).
    options.sequentialTuning = 5000;
    const Comparison p = frequentistTest(MetricType::Proportion, proportion(1396, 3000), proportion(2422, 3461), options);
    printComparison("GrowthBook sequential proportion", p);
    COMPARE_NEAR(p.effect, 0.50386, 1e-5);
    COMPARE_NEAR(p.standardError, 0.03386, 1e-5);
    COMPARE_NEAR(p.ciLow, 0.40098, 1e-5);
    COMPARE_NEAR(p.ciHigh, 0.60675, 1e-5);
    COMPARE_NEAR(*p.pValue, 0.0, 5e-6);
    QVERIFY(p.significant);
}

void TestAbStats::sequentialTuningBehavesAsGrowthBookSays()
{
    // test_sequential_test_tuning_as_expected: tuning near the real N gives the narrowest sequence.
    VariantStats control = GbControl;
    control.n = 3000;
    const auto run = [&](double tuning) {
        TestOptions options;
        options.sequential = true;
        options.sequentialTuning = tuning;
        return frequentistTest(MetricType::Mean, control, GbTreatment, options);
    };
    const Comparison below = run(10), near = run(6461), above = run(10000);
    QVERIFY(below.ciLow < above.ciLow && below.ciHigh > above.ciHigh);
    QVERIFY(below.ciLow < near.ciLow && below.ciHigh > near.ciHigh);
    QVERIFY(above.ciLow < near.ciLow && above.ciHigh > near.ciHigh);
}

void TestAbStats::sequentialIsWiderAndConsistent()
{
    TestOptions fixed;
    fixed.difference = Difference::Absolute;
    TestOptions sequential = fixed;
    sequential.sequential = true;
    const Comparison f = frequentistTest(MetricType::Mean, GbControl, GbTreatment, fixed);
    const Comparison s = frequentistTest(MetricType::Mean, GbControl, GbTreatment, sequential);
    printComparison("sequential absolute", s);
    QVERIFY(s.ciLow < f.ciLow && s.ciHigh > f.ciHigh);
    QVERIFY(*s.pValue >= *f.pValue);
    // The always-valid p-value inverts the sequence: below alpha exactly when the interval excludes 0.
    for (const auto &[control, variant] : {std::pair{proportion(1396, 3000), proportion(1490, 3000)},
                                          std::pair{proportion(1396, 3000), proportion(1520, 3000)},
                                          std::pair{proportion(1396, 3000), proportion(1560, 3000)}}) {
        for (bool oneSided : {false, true}) {
            sequential.oneSided = oneSided;
            const Comparison c = frequentistTest(MetricType::Proportion, control, variant, sequential);
            QCOMPARE(*c.pValue < sequential.alpha, c.ciLow > 0);
            QCOMPARE(c.significant, c.ciLow > 0);
        }
    }
}

void TestAbStats::ratioMomentsMatchRawData()
{
    // Revenue per session: numerator x and denominator y per unit (user).
    const QList<QPair<double, double>> units{{12.5, 3}, {0, 1}, {40, 5}, {7.25, 2}, {19.9, 4}, {3, 1}, {55, 6}};
    VariantStats s;
    s.n = units.size();
    for (const auto &[x, y] : units) {
        s.sum += x;
        s.sumSquares += x * x;
        s.denominatorSum += y;
        s.denominatorSumSquares += y * y;
        s.sumProduct += x * y;
    }
    // Moments straight from the data.
    double mx = 0, my = 0;
    for (const auto &[x, y] : units) {
        mx += x / units.size();
        my += y / units.size();
    }
    double vx = 0, vy = 0, cxy = 0;
    for (const auto &[x, y] : units) {
        vx += (x - mx) * (x - mx) / (units.size() - 1);
        vy += (y - my) * (y - my) / (units.size() - 1);
        cxy += (x - mx) * (y - my) / (units.size() - 1);
    }
    const double expected = vx / (my * my) - 2 * mx * cxy / (my * my * my) + mx * mx * vy / (my * my * my * my);
    COMPARE_NEAR(metricValue(MetricType::Ratio, s), mx / my, 1e-12);
    COMPARE_NEAR(metricVariance(MetricType::Ratio, s), expected, 1e-9 * expected);
    qInfo("ratio %.6f, per-unit delta-method variance %.6f", metricValue(MetricType::Ratio, s),
          metricVariance(MetricType::Ratio, s));

    // A ratio test: the variance of the ratio estimate is metricVariance / n per arm.
    VariantStats other = s;
    other.sum *= 1.2;
    other.sumSquares *= 1.44;
    other.sumProduct *= 1.2;
    TestOptions options;
    options.difference = Difference::Absolute;
    const Comparison c = frequentistTest(MetricType::Ratio, s, other, options);
    printComparison("ratio absolute", c);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    COMPARE_NEAR(c.effect, 0.2 * mx / my, 1e-12);
    COMPARE_NEAR(c.standardError, std::sqrt(expected / 7 + expected * 1.44 / 7), 1e-9);
}

void TestAbStats::ratioWithUnitDenominatorIsAMean()
{
    // Every unit's denominator is 1: the ratio is the mean and the tests agree.
    const auto asRatio = [](const VariantStats &m) {
        VariantStats r = m;
        r.denominatorSum = double(m.n);
        r.denominatorSumSquares = double(m.n);
        r.sumProduct = m.sum;
        return r;
    };
    const Comparison mean = frequentistTest(MetricType::Mean, GbControl, GbTreatment, TestOptions{});
    const Comparison ratio = frequentistTest(MetricType::Ratio, asRatio(GbControl), asRatio(GbTreatment), TestOptions{});
    COMPARE_NEAR(ratio.effect, mean.effect, 1e-12);
    COMPARE_NEAR(ratio.standardError, mean.standardError, 1e-9);
    COMPARE_NEAR(*ratio.pValue, *mean.pValue, 1e-9);
}

// ---- Bayesian -------------------------------------------------------------------------------

void TestAbStats::growthBookBayesianVector()
{
    // gbstats' Gaussian engine with a flat prior: sum 100, Σx² 1002.25, n 10 against 105, 1111.5, 10.
    TestOptions options;
    options.engine = Engine::Bayesian;
    const Comparison c = compare(MetricType::Mean, VariantStats{10, 100, 1002.25, 0, 0, 0},
                                 VariantStats{10, 105, 1111.5, 0, 0, 0}, options);
    printComparison("GrowthBook Bayesian", c);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    COMPARE_NEAR(c.effect, 0.05, 1e-12);
    COMPARE_NEAR(c.standardError, 0.03572, 1e-5);
    COMPARE_NEAR(c.ciLow, -0.02, 1e-5);
    COMPARE_NEAR(c.ciHigh, 0.12, 1e-5);
    QVERIFY(c.chanceToWin);
    COMPARE_NEAR(*c.chanceToWin, 0.91923, 1e-5);
    QVERIFY(!c.pValue);
    QVERIFY(!c.exactChanceToWin); // a mean has no Beta posterior
    QVERIFY(!c.significant);
}

void TestAbStats::bayesianMatchesTheNormalPosterior()
{
    TestOptions options;
    options.engine = Engine::Bayesian;
    const Comparison c = bayesianTest(MetricType::Mean, GbControl, GbTreatment, options);
    printComparison("Bayesian relative", c);
    COMPARE_NEAR(c.effect, 0.70732, 1e-5);
    COMPARE_NEAR(c.standardError, 0.37879, 1e-5);
    COMPARE_NEAR(*c.chanceToWin, phi(c.effect / c.standardError), 1e-9);
    const double z = 1.959963984540054;
    COMPARE_NEAR(c.ciLow, c.effect - z * c.standardError, 1e-9);
    COMPARE_NEAR(c.ciHigh, c.effect + z * c.standardError, 1e-9);
    QCOMPARE(c.significant, *c.chanceToWin > 0.95);

    // Proportions: on the absolute difference the Gaussian chance to win is close to the exact
    // Beta-Binomial one for these sizes; on the relative lift (delta method) it is a little lower.
    options.difference = Difference::Absolute;
    const Comparison p = bayesianTest(MetricType::Proportion, proportion(120, 1000), proportion(150, 1000), options);
    printComparison("Bayesian proportion, absolute", p);
    QVERIFY(p.exactChanceToWin);
    COMPARE_NEAR(*p.exactChanceToWin, *p.chanceToWin, 0.002);
    QVERIFY(*p.chanceToWin > 0.97);
    QVERIFY(p.significant);
    options.difference = Difference::Relative;
    const Comparison relative = bayesianTest(MetricType::Proportion, proportion(120, 1000), proportion(150, 1000), options);
    printComparison("Bayesian proportion, relative", relative);
    QCOMPARE(*relative.exactChanceToWin, *p.exactChanceToWin); // the exact one does not depend on the scale
    QVERIFY(*relative.chanceToWin < *p.chanceToWin);
}

void TestAbStats::exactChanceToWinMatchesIntegration_data()
{
    QTest::addColumn<qint64>("sA");
    QTest::addColumn<qint64>("nA");
    QTest::addColumn<qint64>("sB");
    QTest::addColumn<qint64>("nB");
    // One case for each of the four sums (the smallest of αA, βA, αB, βB).
    QTest::newRow("alpha B smallest") << qint64(10) << qint64(40) << qint64(3) << qint64(45);
    QTest::newRow("alpha A smallest") << qint64(3) << qint64(40) << qint64(5) << qint64(45);
    QTest::newRow("beta A smallest") << qint64(37) << qint64(40) << qint64(40) << qint64(45);
    QTest::newRow("beta B smallest") << qint64(35) << qint64(40) << qint64(43) << qint64(45);
    QTest::newRow("close") << qint64(12) << qint64(40) << qint64(15) << qint64(45);
}

void TestAbStats::exactChanceToWinMatchesIntegration()
{
    QFETCH(qint64, sA);
    QFETCH(qint64, nA);
    QFETCH(qint64, sB);
    QFETCH(qint64, nB);
    const double exact = betaBinomialChanceToWin(sA, nA, sB, nB);
    const double integrated = integratedChanceToWin(sA, nA, sB, nB);
    qInfo("P(pB > pA) for %lld/%lld vs %lld/%lld: exact %.10f, quadrature %.10f", sA, nA, sB, nB, exact, integrated);
    COMPARE_NEAR(exact, integrated, 1e-6);
}

void TestAbStats::exactChanceToWinSymmetry()
{
    // Equal arms: exactly one half; swapping the arms gives the complement.
    COMPARE_NEAR(betaBinomialChanceToWin(0, 0, 0, 0), 0.5, 1e-12);
    COMPARE_NEAR(betaBinomialChanceToWin(17, 50, 17, 50), 0.5, 1e-12);
    COMPARE_NEAR(betaBinomialChanceToWin(400, 1000, 400, 1000), 0.5, 1e-9);
    const double p = betaBinomialChanceToWin(12, 40, 15, 45);
    COMPARE_NEAR(betaBinomialChanceToWin(15, 45, 12, 40), 1 - p, 1e-12);
    // Beta(1, 1) against Beta(2, 1): P(pB > pA) = ∫ 2x · x dx = 2/3.
    COMPARE_NEAR(betaBinomialChanceToWin(0, 0, 1, 1), 2.0 / 3.0, 1e-12);
}

void TestAbStats::exactChanceToWinAgreesWithTheNormalForLargeSamples()
{
    // 5 000 units per arm: the normal approximation on the difference of rates is close.
    const double pA = 0.10, pB = 0.11;
    const double se = std::sqrt(pA * (1 - pA) / 5000 + pB * (1 - pB) / 5000);
    const double exact = betaBinomialChanceToWin(500, 5000, 550, 5000);
    qInfo("P(pB > pA), 500/5000 vs 550/5000: exact %.6f, normal %.6f", exact, phi((pB - pA) / se));
    COMPARE_NEAR(exact, phi((pB - pA) / se), 0.005);
    // A million units per arm at 50 %: half a million terms, still exact and quick.
    const double big = betaBinomialChanceToWin(500000, 1000000, 501000, 1000000);
    const double bigNormal = phi(0.001 / std::sqrt(2 * 0.25 / 1e6));
    qInfo("P(pB > pA), 500000/1e6 vs 501000/1e6: exact %.6f, normal %.6f", big, bigNormal);
    COMPARE_NEAR(big, bigNormal, 1e-3);
}

// ---- Degenerate input ---------------------------------------------------------------------------

void TestAbStats::degenerateInputGivesAnError_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("difference");
    QTest::addColumn<int>("engine");
    QTest::addColumn<VariantStats>("control");
    QTest::addColumn<VariantStats>("variant");
    QTest::addColumn<QString>("mentions");
    const int mean = int(MetricType::Mean), prop = int(MetricType::Proportion), ratio = int(MetricType::Ratio);
    const int rel = int(Difference::Relative), absolute = int(Difference::Absolute);
    const int freq = int(Engine::Frequentist), bayes = int(Engine::Bayesian);
    QTest::newRow("no units") << mean << rel << freq << VariantStats{} << GbTreatment << u"at least 2"_s;
    QTest::newRow("one unit") << mean << absolute << bayes << GbControl << VariantStats{1, 3, 9, 0, 0, 0} << u"at least 2"_s;
    QTest::newRow("zero baseline, relative") << prop << rel << freq << proportion(0, 100) << proportion(5, 100)
                                             << u"variance"_s;
    QTest::newRow("zero mean baseline, relative")
        << mean << rel << freq << VariantStats{4, 0, 8, 0, 0, 0} << GbTreatment << u"relative lift is undefined"_s;
    QTest::newRow("zero variance") << mean << absolute << freq << VariantStats{50, 100, 200, 0, 0, 0} << GbTreatment
                                   << u"zero variance"_s;
    QTest::newRow("every unit converted") << prop << absolute << bayes << proportion(100, 100) << proportion(90, 100)
                                          << u"zero variance"_s;
    QTest::newRow("more successes than units") << prop << absolute << freq << proportion(120, 100) << proportion(90, 100)
                                               << u"successes"_s;
    QTest::newRow("negative variance") << mean << absolute << freq << VariantStats{10, 100, 50, 0, 0, 0} << GbTreatment
                                       << u"negative"_s;
    QTest::newRow("infinite sum") << mean << absolute << freq
                                  << VariantStats{10, std::numeric_limits<double>::infinity(), 50, 0, 0, 0}
                                  << GbTreatment << u"finite"_s;
    QTest::newRow("NaN sum") << mean << absolute << bayes << GbControl
                             << VariantStats{10, std::numeric_limits<double>::quiet_NaN(), 50, 0, 0, 0} << u"finite"_s;
    QTest::newRow("ratio with zero denominator")
        << ratio << rel << freq << VariantStats{10, 5, 5, 0, 0, 0} << VariantStats{10, 5, 5, 10, 10, 5}
        << u"denominator"_s;
}

void TestAbStats::degenerateInputGivesAnError()
{
    QFETCH(int, type);
    QFETCH(int, difference);
    QFETCH(int, engine);
    QFETCH(VariantStats, control);
    QFETCH(VariantStats, variant);
    QFETCH(QString, mentions);
    TestOptions options;
    options.engine = Engine(engine);
    options.difference = Difference(difference);
    for (bool sequential : {false, true}) {
        options.sequential = sequential;
        const Comparison c = compare(MetricType(type), control, variant, options);
        QVERIFY2(!c.error.isEmpty(), "expected an error");
        QVERIFY2(c.error.contains(mentions), qPrintable(c.error));
        QVERIFY(finiteComparison(c));
        QVERIFY(!c.significant);
        QVERIFY(!c.pValue && !c.chanceToWin && !c.exactChanceToWin);
    }
    qInfo("%s", qPrintable(compare(MetricType(type), control, variant, options).error));
}

// ---- SRM ----------------------------------------------------------------------------------------

void TestAbStats::srmMatchesGrowthBook_data()
{
    QTest::addColumn<QList<qint64>>("units");
    QTest::addColumn<QList<double>>("weights");
    QTest::addColumn<double>("expected");
    QTest::addColumn<int>("df");
    QTest::newRow("1000 vs 1200") << QList<qint64>{1000, 1200} << QList<double>{0.5, 0.5} << 0.000020079 << 1;
    QTest::newRow("310 vs 98 at 75/25") << QList<qint64>{310, 98} << QList<double>{0.75, 0.25} << 0.647434186 << 1;
    QTest::newRow("0, 10, 10") << QList<qint64>{0, 10, 10} << QList<double>{0.34, 0.33, 0.33} << 0.005790624 << 2;
    // A zero-weight arm leaves the test (and the degrees of freedom).
    QTest::newRow("zero weight arm") << QList<qint64>{1000, 1200, 7} << QList<double>{0.5, 0.5, 0} << 0.000020079
                                     << 1;
    // Weights are normalised.
    QTest::newRow("unnormalised weights") << QList<qint64>{310, 98} << QList<double>{3, 1} << 0.647434186 << 1;
}

void TestAbStats::srmMatchesGrowthBook()
{
    QFETCH(QList<qint64>, units);
    QFETCH(QList<double>, weights);
    QFETCH(double, expected);
    QFETCH(int, df);
    const double p = srmPValue(units, weights);
    qInfo("SRM p-value %.9f (expected %.9f)", p, expected);
    COMPARE_NEAR(p, expected, 1e-9);
    const SrmCheck check = srmCheck(units, weights);
    QCOMPARE(check.degreesOfFreedom, df);
    COMPARE_NEAR(check.pValue, p, 0);
}

void TestAbStats::srmCheckFlagsOnlyWithEnoughUnits()
{
    const SrmCheck big = srmCheck({1000, 1200}, {0.5, 0.5}, 0.001);
    QVERIFY(big.enoughUnits);
    QVERIFY(big.mismatch);
    const SrmCheck fine = srmCheck({310, 98}, {0.75, 0.25}, 0.001);
    QVERIFY(fine.enoughUnits);
    QVERIFY(!fine.mismatch);
    // 20 units in all: p < 0.001 is not enough to cry mismatch.
    const SrmCheck few = srmCheck({0, 10, 10}, {0.34, 0.33, 0.33}, 0.01);
    QVERIFY(few.pValue < 0.01);
    QVERIFY(!few.enoughUnits);
    QVERIFY(!few.mismatch);
    // Nothing observed.
    QCOMPARE(srmPValue({0, 0}, {0.5, 0.5}), 1.0);
}

// ---- Multiple comparisons --------------------------------------------------------------------------

void TestAbStats::holmMatchesPAdjust_data()
{
    // R: p.adjust(p, method = "holm").
    QTest::addColumn<QList<double>>("p");
    QTest::addColumn<QList<double>>("expected");
    QTest::newRow("five") << QList<double>{0.01, 0.04, 0.03, 0.005, 0.2}
                          << QList<double>{0.04, 0.09, 0.09, 0.025, 0.2};
    QTest::newRow("capped") << QList<double>{0.3, 0.6, 0.9} << QList<double>{0.9, 1, 1};
    QTest::newRow("ties") << QList<double>{0.02, 0.02} << QList<double>{0.04, 0.04};
    QTest::newRow("one") << QList<double>{0.03} << QList<double>{0.03};
    QTest::newRow("none") << QList<double>{} << QList<double>{};
}

void TestAbStats::holmMatchesPAdjust()
{
    QFETCH(QList<double>, p);
    QFETCH(QList<double>, expected);
    const QList<double> adjusted = holmAdjust(p);
    QCOMPARE(adjusted.size(), expected.size());
    for (qsizetype i = 0; i < adjusted.size(); ++i)
        COMPARE_NEAR(adjusted[i], expected[i], 1e-12);
}

void TestAbStats::benjaminiHochbergMatchesPAdjust_data()
{
    // R: p.adjust(p, method = "BH").
    QTest::addColumn<QList<double>>("p");
    QTest::addColumn<QList<double>>("expected");
    QTest::newRow("five") << QList<double>{0.01, 0.04, 0.03, 0.005, 0.2}
                          << QList<double>{0.025, 0.05, 0.05, 0.025, 0.2};
    QTest::newRow("step-up") << QList<double>{0.01, 0.02, 0.03, 0.04, 0.05}
                             << QList<double>{0.05, 0.05, 0.05, 0.05, 0.05};
    QTest::newRow("capped") << QList<double>{0.3, 0.6, 0.9} << QList<double>{0.9, 0.9, 0.9};
    QTest::newRow("ties") << QList<double>{0.02, 0.02} << QList<double>{0.02, 0.02};
    QTest::newRow("spread") << QList<double>{0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205}
                            << QList<double>{0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.08457142857142857, 0.205};
}

void TestAbStats::benjaminiHochbergMatchesPAdjust()
{
    QFETCH(QList<double>, p);
    QFETCH(QList<double>, expected);
    const QList<double> adjusted = benjaminiHochbergAdjust(p);
    QCOMPARE(adjusted.size(), expected.size());
    for (qsizetype i = 0; i < adjusted.size(); ++i)
        COMPARE_NEAR(adjusted[i], expected[i], 1e-12);
}

// ---- Planner --------------------------------------------------------------------------------------

void TestAbStats::sampleSizeForAProportionMatchesTheTextbook()
{
    // 10 % baseline, +10 % relative (to 11 %), alpha 0.05 two-sided, power 0.8, pooled variance:
    // [1.95996 √(2 · 0.105 · 0.895) + 0.84162 √(0.09 + 0.0979)]² / 0.01² = 14 750.6 → 14 751.
    PlanInput input;
    input.baseline = 0.10;
    input.mde = 0.10;
    input.dailyUnits = 1000;
    const Plan plan = sampleSize(input);
    qInfo("proportion 10%% +10%%: %lld per arm, %lld in all, %.2f days", plan.unitsPerArm, plan.totalUnits, *plan.days);
    QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
    QCOMPARE(plan.unitsPerArm, qint64(14751));
    QCOMPARE(plan.totalUnits, qint64(29502));
    COMPARE_NEAR(plan.mde, 0.10, 0);
    QVERIFY(plan.days);
    COMPARE_NEAR(*plan.days, 29.502, 1e-12);
}

void TestAbStats::sampleSizeForAMeanMatchesTheTextbook()
{
    // Effect size d = 0.5: 2 (1.95996 + 0.84162)² / 0.25 = 62.79 → 63 per group.
    PlanInput input;
    input.type = MetricType::Mean;
    input.baseline = 10;
    input.standardDeviation = 10;
    input.mde = 0.5; // δ = 5 = σ/2
    const Plan plan = sampleSize(input);
    qInfo("mean d = 0.5: %lld per arm", plan.unitsPerArm);
    QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
    QCOMPARE(plan.unitsPerArm, qint64(63));
    QCOMPARE(plan.totalUnits, qint64(126));
    QVERIFY(!plan.days);
}

void TestAbStats::bonferroniAndOneSided()
{
    PlanInput input;
    input.type = MetricType::Mean;
    input.baseline = 1;
    input.standardDeviation = 1;
    input.mde = 0.5;
    input.arms = 3; // two comparisons: alpha 0.025 each
    const Plan three = sampleSize(input);
    // 2 (z_{0.9875} + z_{0.8})² / 0.25 = 2 (2.24140 + 0.84162)² · 4 = 76.03 → 77 per arm, 231 in all.
    QCOMPARE(three.unitsPerArm, qint64(77));
    QCOMPARE(three.totalUnits, qint64(231));
    input.arms = 2;
    input.oneSided = true;
    // 2 (1.64485 + 0.84162)² · 4 = 49.46 → 50.
    QCOMPARE(sampleSize(input).unitsPerArm, qint64(50));
}

void TestAbStats::unequalWeightsLetTheSmallestArmDecide()
{
    PlanInput input;
    input.type = MetricType::Mean;
    input.baseline = 1;
    input.standardDeviation = 1;
    input.mde = 0.5;
    input.arms = 2;
    input.weights = {0.75, 0.25};
    // n_c = (z_α + z_β)² σ² (1 + 1/k) / δ² with k = 1/3: 7.8489 · 4 · 4 = 125.58 control units,
    // 167.44 in all; the variant (the smallest arm) gets 41.86 → 42, and 168 in all.
    const Plan plan = sampleSize(input);
    qInfo("75/25: %lld in the smallest arm, %lld in all", plan.unitsPerArm, plan.totalUnits);
    QCOMPARE(plan.unitsPerArm, qint64(42));
    QCOMPARE(plan.totalUnits, qint64(168));
    // More units in all than a 50/50 split needs (126), fewer in the small arm.
    input.weights = {0.5, 0.5};
    QVERIFY(sampleSize(input).totalUnits < plan.totalUnits);
    // Three arms, one small variant: its comparison decides.
    input.arms = 3;
    input.weights = {0.4, 0.4, 0.2};
    const Plan three = sampleSize(input);
    const double z = 2.241402727604945 + 0.8416212335729143; // Bonferroni: alpha 0.025 per comparison
    const double controlUnits = z * z * (1 + 2) / 0.25;        // k = 0.5 for the small arm
    QCOMPARE(three.unitsPerArm, qint64(std::ceil(controlUnits / 0.4 * 0.2)));
}

void TestAbStats::mdeInvertsSampleSize_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<double>("baseline");
    QTest::addColumn<double>("sd");
    QTest::addColumn<double>("mde");
    QTest::addColumn<int>("arms");
    QTest::addColumn<QList<double>>("weights");
    QTest::addColumn<bool>("oneSided");
    const int p = int(MetricType::Proportion), m = int(MetricType::Mean);
    QTest::newRow("proportion 10%") << p << 0.10 << 0.0 << 0.10 << 2 << QList<double>{} << false;
    QTest::newRow("proportion 2%, 5% lift") << p << 0.02 << 0.0 << 0.05 << 2 << QList<double>{} << false;
    QTest::newRow("proportion 60%, 3 arms") << p << 0.60 << 0.0 << 0.04 << 3 << QList<double>{} << true;
    QTest::newRow("proportion uneven") << p << 0.30 << 0.0 << 0.08 << 3 << QList<double>{0.5, 0.3, 0.2} << false;
    QTest::newRow("mean") << m << 45.0 << 30.0 << 0.03 << 2 << QList<double>{} << false;
    QTest::newRow("mean uneven") << m << 45.0 << 30.0 << 0.03 << 2 << QList<double>{0.9, 0.1} << true;
}

void TestAbStats::mdeInvertsSampleSize()
{
    QFETCH(int, type);
    QFETCH(double, baseline);
    QFETCH(double, sd);
    QFETCH(double, mde);
    QFETCH(int, arms);
    QFETCH(QList<double>, weights);
    QFETCH(bool, oneSided);
    PlanInput input;
    input.type = MetricType(type);
    input.baseline = baseline;
    input.standardDeviation = sd;
    input.mde = mde;
    input.arms = arms;
    input.weights = weights;
    input.oneSided = oneSided;
    const Plan size = sampleSize(input);
    QVERIFY2(size.error.isEmpty(), qPrintable(size.error));
    input.unitsPerArm = size.unitsPerArm;
    const Plan back = minimumDetectableEffect(input);
    QVERIFY2(back.error.isEmpty(), qPrintable(back.error));
    qInfo("mde %.6f → %lld per arm → mde %.6f", mde, size.unitsPerArm, back.mde);
    QCOMPARE(back.unitsPerArm, size.unitsPerArm);
    QCOMPARE(back.totalUnits, size.totalUnits);
    // Rounding units up makes the detectable effect a little smaller, never larger.
    QVERIFY(back.mde <= mde * (1 + 1e-9));
    COMPARE_NEAR(back.mde, mde, 2e-3 * mde);
    // A lift 2 % larger needs fewer units.
    input.mde = mde * 1.02;
    QVERIFY(sampleSize(input).unitsPerArm < size.unitsPerArm);
}

void TestAbStats::planErrors_data()
{
    QTest::addColumn<PlanInput>("input");
    QTest::addColumn<bool>("mdeMode");
    QTest::addColumn<QString>("mentions");
    PlanInput base;
    base.baseline = 0.1;
    PlanInput p = base;
    p.baseline = 0;
    QTest::newRow("zero rate") << p << false << u"baseline"_s;
    p = base;
    p.baseline = 1.2;
    QTest::newRow("rate above 1") << p << false << u"baseline"_s;
    p = base;
    p.mde = 0;
    QTest::newRow("zero mde") << p << false << u"minimum detectable effect"_s;
    p = base;
    p.mde = 10;
    QTest::newRow("lift past 100%") << p << false << u"100 %"_s;
    p = base;
    p.arms = 1;
    QTest::newRow("one arm") << p << false << u"arms"_s;
    p = base;
    p.power = 1;
    QTest::newRow("power 1") << p << false << u"power"_s;
    p = base;
    p.alpha = 0;
    QTest::newRow("alpha 0") << p << false << u"alpha"_s;
    p = base;
    p.weights = {0.5, 0.3, 0.2};
    QTest::newRow("weights count") << p << false << u"3 weights for 2 arms"_s;
    p = base;
    p.weights = {1, 0};
    QTest::newRow("zero weight") << p << false << u"weight"_s;
    p = base;
    p.type = MetricType::Mean;
    p.baseline = 10;
    QTest::newRow("mean without sd") << p << false << u"standard deviation"_s;
    p = base;
    p.unitsPerArm = 1;
    QTest::newRow("one unit per arm") << p << true << u"at least 2"_s;
    p = base;
    p.unitsPerArm = 3;
    QTest::newRow("too few units for any lift") << p << true << u"100 %"_s;
}

void TestAbStats::planErrors()
{
    QFETCH(PlanInput, input);
    QFETCH(bool, mdeMode);
    QFETCH(QString, mentions);
    const Plan plan = mdeMode ? minimumDetectableEffect(input) : sampleSize(input);
    QVERIFY2(plan.error.contains(mentions), qPrintable(plan.error));
    QCOMPARE(plan.unitsPerArm, qint64(0));
    QVERIFY(std::isfinite(plan.mde));
}

QTEST_APPLESS_MAIN(TestAbStats)
#include "tst_abstats.moc"
