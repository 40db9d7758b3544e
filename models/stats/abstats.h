#pragma once

#include <QList>
#include <QPair>
#include <QString>

#include <optional>

// A/B test statistics (issue 10): assignment hashing, frequentist and Bayesian tests,
// the sample-ratio-mismatch check, multiple-comparison corrections, sequential testing
// and the planner. Pure functions over sufficient statistics; no database, no widgets.
// Distributions come from Boost.Math. docs/experiments.md, docs/abtest-json.md.
namespace PromoDesk::Stats {

// ---- Assignment: GrowthBook's hashing v2 -------------------------------------------

// FNV-1a 32-bit over the UTF-16 code units of `text` (as GrowthBook's JavaScript SDK).
quint32 fnv1a32(const QString &text);
// GrowthBook's hash version 2: (fnv(str(fnv(seed + id))) % 10000) / 10000, in [0, 1).
double hashV2(const QString &seed, const QString &id);
// GrowthBook's getBucketRanges: cumulative [c_i, c_i + coverage * w_i) per variant.
// Coverage is clamped to [0, 1]; weights that do not sum to 1 (±0.01) or whose count
// differs from `variants` become equal weights, as the SDK does.
QList<QPair<double, double>> bucketRanges(int variants, double coverage, QList<double> weights);
// The variant whose range holds n, or -1 (outside coverage).
int chooseVariant(double n, const QList<QPair<double, double>> &ranges);

// ---- Sufficient statistics ----------------------------------------------------------

enum class MetricType { Proportion, Mean, Ratio };

// One arm's sufficient statistics. Proportion: sum = successes (sumSquares = sum).
// Mean: per-unit values. Ratio: numerator (sum, sumSquares) over denominator
// (denominatorSum, denominatorSumSquares) per unit, with sumProduct = Σ x·y.
struct VariantStats
{
    qint64 n = 0;
    double sum = 0;
    double sumSquares = 0;
    double denominatorSum = 0;
    double denominatorSumSquares = 0;
    double sumProduct = 0;
};

// The metric's value for the arm (mean, rate or ratio) and its per-unit variance
// (for a ratio, the delta-method variance of the ratio times n).
double metricValue(MetricType type, const VariantStats &stats);
double metricVariance(MetricType type, const VariantStats &stats);

// ---- Tests --------------------------------------------------------------------------

enum class Engine { Frequentist, Bayesian };
enum class Difference { Relative, Absolute };

struct TestOptions
{
    Engine engine = Engine::Frequentist;
    Difference difference = Difference::Relative;
    double alpha = 0.05;          // frequentist significance; Bayesian: 1 - credible level
    bool oneSided = false;        // H1: variant > control
    bool sequential = false;      // always-valid intervals (confidence sequences)
    double sequentialTuning = 5000; // GrowthBook's N*: the sample size the sequence is tuned for
};

struct Comparison
{
    double baseline = 0;     // control's metric value
    double value = 0;        // variant's metric value
    double effect = 0;       // lift (relative) or difference (absolute)
    double standardError = 0;
    double ciLow = 0;        // confidence (frequentist) or credible (Bayesian) interval
    double ciHigh = 0;       //   one-sided: ciHigh = +infinity
    std::optional<double> pValue;       // frequentist
    std::optional<double> chanceToWin;  // Bayesian: P(variant better than control)
    std::optional<double> exactChanceToWin; // Bayesian proportions: exact Beta-Binomial P(pB > pA)
    double degreesOfFreedom = 0;
    bool significant = false; // p < alpha, or chance to win > 1 - alpha / < alpha
    QString error;            // why no test could be made (too few units, zero baseline…); else empty
};

// Welch's t-test on the relative (delta method) or absolute difference.
Comparison frequentistTest(MetricType type, const VariantStats &control, const VariantStats &variant,
                           const TestOptions &options);
// GrowthBook's Gaussian Bayesian engine (flat prior on the effect): chance to beat
// control and the credible interval; for proportions also exactChanceToWin.
Comparison bayesianTest(MetricType type, const VariantStats &control, const VariantStats &variant,
                        const TestOptions &options);
// Dispatches on options.engine.
Comparison compare(MetricType type, const VariantStats &control, const VariantStats &variant,
                   const TestOptions &options);

// Exact P(p_B > p_A) for Beta(1 + s, 1 + n - s) posteriors (Evan Miller's sum).
double betaBinomialChanceToWin(qint64 successesA, qint64 trialsA, qint64 successesB, qint64 trialsB);

// ---- Sample ratio mismatch ----------------------------------------------------------

struct SrmCheck
{
    double pValue = 1;
    int degreesOfFreedom = 0;
    bool enoughUnits = false; // every arm with weight > 0 expects at least 5 units … and 100 in all
    bool mismatch = false;    // enoughUnits && pValue < threshold
};
// Chi-square of observed units against the weights (normalised), df = arms with weight > 0 minus 1.
double srmPValue(const QList<qint64> &units, const QList<double> &weights);
SrmCheck srmCheck(const QList<qint64> &units, const QList<double> &weights, double threshold = 0.001);

// ---- Multiple comparisons -------------------------------------------------------------

// Adjusted p-values in the input's order, capped at 1.
QList<double> holmAdjust(const QList<double> &pValues);
QList<double> benjaminiHochbergAdjust(const QList<double> &pValues);

// ---- Planner ----------------------------------------------------------------------------

struct PlanInput
{
    MetricType type = MetricType::Proportion;
    double baseline = 0;        // control's expected rate or mean
    double standardDeviation = 0; // per unit (Mean); ignored for Proportion (from the rate)
    double alpha = 0.05;
    double power = 0.8;
    bool oneSided = false;
    int arms = 2;               // variants including control (and holdout, if any)
    QList<double> weights;      // per arm; empty = equal
    double dailyUnits = 0;      // eligible units entering per day, all arms (0 = unknown)
    double mde = 0.1;           // relative minimum detectable effect, for sampleSize
    qint64 unitsPerArm = 0;     // for minimumDetectableEffect
};

struct Plan
{
    qint64 unitsPerArm = 0;   // the smallest arm's units needed (equal weights: per arm)
    qint64 totalUnits = 0;    // all arms
    double mde = 0;           // relative
    std::optional<double> days; // totalUnits / dailyUnits
    QString error;
};

// Units per arm to detect a relative lift of input.mde (two-sample z approximation,
// with Bonferroni over the comparisons against control).
Plan sampleSize(const PlanInput &input);
// The smallest relative lift detectable with input.unitsPerArm per arm.
Plan minimumDetectableEffect(const PlanInput &input);

} // namespace PromoDesk::Stats
