// A/B test statistics over sufficient statistics. The formulas follow GrowthBook's
// gbstats (frequentist t-tests, Gaussian Bayesian engine, SRM, confidence sequences)
// so that its published test vectors hold here; every distribution is Boost.Math's.

#include "stats/abstats.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <exception>
#include <limits>
#include <numeric>

namespace PromoDesk::Stats {

namespace {

constexpr double Infinity = std::numeric_limits<double>::infinity();

bool finite(double x)
{
    return std::isfinite(x);
}

double normalQuantile(double p)
{
    return boost::math::quantile(boost::math::normal_distribution<double>(0.0, 1.0), p);
}

// Upper tail 1 - F(x) without the cancellation of computing 1 - cdf.
double normalSurvival(double x)
{
    return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(0.0, 1.0), x));
}

double studentQuantile(double p, double df)
{
    return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

double studentSurvival(double x, double df)
{
    return boost::math::cdf(boost::math::complement(boost::math::students_t_distribution<double>(df), x));
}

// boost::math::lgamma is re-entrant (std::lgamma writes the global signgam).
double logBeta(double a, double b)
{
    return boost::math::lgamma(a) + boost::math::lgamma(b) - boost::math::lgamma(a + b);
}

// Sample variance from sums: (Σx² - (Σx)²/n) / (n - 1); 0 below two units.
double sampleVariance(double sum, double sumSquares, qint64 n)
{
    if (n < 2)
        return 0;
    const double dn = double(n);
    return (sumSquares - sum * sum / dn) / (dn - 1);
}

double sampleCovariance(double sumX, double sumY, double sumProduct, qint64 n)
{
    if (n < 2)
        return 0;
    const double dn = double(n);
    return (sumProduct - sumX * sumY / dn) / (dn - 1);
}

QString armName(bool control)
{
    return control ? QStringLiteral("control") : QStringLiteral("the variant");
}

// Why one arm cannot be tested, or an empty string.
QString armProblem(MetricType type, const VariantStats &s, bool control)
{
    const QString arm = armName(control);
    for (double x : {s.sum, s.sumSquares, s.denominatorSum, s.denominatorSumSquares, s.sumProduct}) {
        if (!finite(x))
            return QStringLiteral("%1 has a sum that is not a finite number").arg(arm);
    }
    if (s.n < 2)
        return QStringLiteral("%1 has %2 unit%3; a test needs at least 2 in each arm")
            .arg(arm)
            .arg(s.n)
            .arg(s.n == 1 ? QString() : QStringLiteral("s"));
    if (type == MetricType::Proportion && (s.sum < 0 || s.sum > double(s.n)))
        return QStringLiteral("%1 has %2 successes out of %3 units; successes must be from 0 to the units")
            .arg(arm)
            .arg(s.sum)
            .arg(s.n);
    if (type == MetricType::Ratio && s.denominatorSum == 0)
        return QStringLiteral("%1 has a denominator sum of 0, so its ratio is undefined").arg(arm);
    const double variance = metricVariance(type, s);
    if (!finite(variance))
        return QStringLiteral("%1's variance is not a finite number").arg(arm);
    if (variance < 0)
        return QStringLiteral("%1's variance is negative: its sums of squares are smaller than the sums allow").arg(arm);
    if (variance == 0)
        return QStringLiteral("%1 has zero variance (every unit has the same value), so no test can be made").arg(arm);
    return {};
}

// The moments shared by both engines: the effect, its variance and Welch's df.
struct Moments
{
    double baseline = 0;
    double value = 0;
    double effect = 0;
    double variance = 0; // of the effect estimate
    double degreesOfFreedom = 0;
};

QString moments(MetricType type, const VariantStats &control, const VariantStats &variant, Difference difference,
                Comparison &out, Moments &m)
{
    m.baseline = metricValue(type, control);
    m.value = metricValue(type, variant);
    out.baseline = finite(m.baseline) ? m.baseline : 0;
    out.value = finite(m.value) ? m.value : 0;
    for (bool isControl : {true, false}) {
        const QString problem = armProblem(type, isControl ? control : variant, isControl);
        if (!problem.isEmpty())
            return problem;
    }
    const double na = double(control.n);
    const double nb = double(variant.n);
    const double va = metricVariance(type, control);
    const double vb = metricVariance(type, variant);
    // Welch–Satterthwaite on the arms' per-unit variances (as gbstats, for both differences).
    m.degreesOfFreedom = std::pow(va / na + vb / nb, 2)
        / (std::pow(va, 2) / (std::pow(na, 2) * (na - 1)) + std::pow(vb, 2) / (std::pow(nb, 2) * (nb - 1)));
    if (difference == Difference::Absolute) {
        m.effect = m.value - m.baseline;
        m.variance = va / na + vb / nb;
    } else {
        if (m.baseline == 0)
            return QStringLiteral("control's value is 0, so a relative lift is undefined (use the absolute difference)");
        // Delta method for (B - A) / A: Var ≈ Var(B)/A² + B² Var(A)/A⁴.
        m.effect = (m.value - m.baseline) / m.baseline;
        m.variance = vb / (nb * std::pow(m.baseline, 2)) + va * std::pow(m.value, 2) / (na * std::pow(m.baseline, 4));
    }
    if (!finite(m.effect) || !finite(m.variance) || !finite(m.degreesOfFreedom) || m.variance <= 0)
        return QStringLiteral("the effect's variance is not a positive finite number");
    return {};
}

// Everything a Comparison reports must be a finite number (bar a one-sided +inf bound).
bool allFinite(const Comparison &c)
{
    for (double x : {c.baseline, c.value, c.effect, c.standardError, c.ciLow, c.degreesOfFreedom}) {
        if (!finite(x))
            return false;
    }
    if (std::isnan(c.ciHigh))
        return false;
    for (const std::optional<double> &x : {c.pValue, c.chanceToWin, c.exactChanceToWin}) {
        if (x && !finite(*x))
            return false;
    }
    return true;
}

Comparison failed(Comparison c, const QString &error)
{
    Comparison out;
    out.baseline = finite(c.baseline) ? c.baseline : 0;
    out.value = finite(c.value) ? c.value : 0;
    out.error = error;
    return out;
}

// Runs `body`, turning a Boost.Math domain or overflow error into Comparison::error.
template <typename Body>
Comparison guarded(Body body)
{
    Comparison c;
    try {
        c = body();
    } catch (const std::exception &e) {
        return failed(c, QStringLiteral("the statistics could not be computed (%1)").arg(QString::fromUtf8(e.what())));
    }
    if (c.error.isEmpty() && !allFinite(c))
        return failed(c, QStringLiteral("the statistics overflowed (the sums are too large or inconsistent)"));
    return c;
}

} // namespace

// ---- Assignment ------------------------------------------------------------------------

quint32 fnv1a32(const QString &text)
{
    quint32 hash = 0x811c9dc5u;
    for (const QChar unit : text) {
        hash ^= unit.unicode();
        hash *= 16777619u; // FNV prime; unsigned overflow is the intended mod 2^32
    }
    return hash;
}

double hashV2(const QString &seed, const QString &id)
{
    const quint32 inner = fnv1a32(seed + id);
    return double(fnv1a32(QString::number(inner)) % 10000u) / 10000.0;
}

QList<QPair<double, double>> bucketRanges(int variants, double coverage, QList<double> weights)
{
    if (variants <= 0)
        return {};
    coverage = std::isnan(coverage) ? 0 : std::clamp(coverage, 0.0, 1.0);
    const QList<double> equal(variants, 1.0 / variants);
    if (weights.size() != variants)
        weights = equal;
    const double total = std::accumulate(weights.cbegin(), weights.cend(), 0.0);
    if (!(total >= 0.99 && total <= 1.01))
        weights = equal;
    QList<QPair<double, double>> ranges;
    ranges.reserve(variants);
    double cumulative = 0;
    for (double w : std::as_const(weights)) {
        const double start = cumulative;
        cumulative += w;
        ranges.append({start, start + coverage * w});
    }
    return ranges;
}

int chooseVariant(double n, const QList<QPair<double, double>> &ranges)
{
    for (qsizetype i = 0; i < ranges.size(); ++i) {
        if (n >= ranges[i].first && n < ranges[i].second)
            return int(i);
    }
    return -1;
}

// ---- Sufficient statistics ---------------------------------------------------------------

double metricValue(MetricType type, const VariantStats &s)
{
    switch (type) {
    case MetricType::Proportion:
    case MetricType::Mean:
        return s.n > 0 ? s.sum / double(s.n) : 0;
    case MetricType::Ratio:
        return s.denominatorSum != 0 ? s.sum / s.denominatorSum : 0;
    }
    return 0;
}

double metricVariance(MetricType type, const VariantStats &s)
{
    if (s.n <= 0)
        return 0;
    switch (type) {
    case MetricType::Proportion: {
        // Bernoulli variance p(1 - p), as gbstats' ProportionStatistic.
        const double p = s.sum / double(s.n);
        return p * (1 - p);
    }
    case MetricType::Mean:
        return sampleVariance(s.sum, s.sumSquares, s.n);
    case MetricType::Ratio: {
        const double n = double(s.n);
        const double mx = s.sum / n;
        const double my = s.denominatorSum / n;
        if (my == 0)
            return 0;
        const double vx = sampleVariance(s.sum, s.sumSquares, s.n);
        const double vy = sampleVariance(s.denominatorSum, s.denominatorSumSquares, s.n);
        const double cov = sampleCovariance(s.sum, s.denominatorSum, s.sumProduct, s.n);
        // Delta method for X̄/Ȳ, per unit: σx²/μy² − 2 μx σxy/μy³ + μx² σy²/μy⁴.
        return vx / std::pow(my, 2) - 2 * mx * cov / std::pow(my, 3) + std::pow(mx, 2) * vy / std::pow(my, 4);
    }
    }
    return 0;
}

// ---- Tests ---------------------------------------------------------------------------------

Comparison frequentistTest(MetricType type, const VariantStats &control, const VariantStats &variant,
                           const TestOptions &options)
{
    return guarded([&]() {
        Comparison c;
        if (!(options.alpha > 0 && options.alpha < 1))
            return failed(c, QStringLiteral("alpha must be between 0 and 1"));
        if (options.sequential && !(options.sequentialTuning > 0))
            return failed(c, QStringLiteral("the sequential tuning parameter must be greater than 0"));
        Moments m;
        if (const QString problem = moments(type, control, variant, options.difference, c, m); !problem.isEmpty())
            return failed(c, problem);
        c.effect = m.effect;
        c.standardError = std::sqrt(m.variance);
        c.degreesOfFreedom = m.degreesOfFreedom;
        const double alpha = options.alpha;
        if (options.sequential) {
            // Asymptotic confidence sequence (Howard et al.; Waudby-Smith et al. 2023, eq. 9)
            // tuned by rho for N* units, and the always-valid p-value that inverts it.
            // One-sided: the two-sided sequence at 2·alpha, whose lower bound is the one-sided one.
            const double level = options.oneSided ? 2 * alpha : alpha;
            const double total = double(control.n) + double(variant.n);
            const double rho2 = (-2 * std::log(level) + std::log(-2 * std::log(level) + 1)) / options.sequentialTuning;
            const double nr2 = total * rho2;
            const double halfWidth = c.standardError * std::sqrt(2 * (nr2 + 1) / nr2 * std::log(std::sqrt(nr2 + 1) / level));
            const double twoSidedP = std::min(
                1.0, std::sqrt(nr2 + 1) * std::exp(-std::pow(c.effect, 2) * nr2 / (2 * m.variance * (nr2 + 1))));
            c.ciLow = c.effect - halfWidth;
            if (options.oneSided) {
                c.ciHigh = Infinity;
                c.pValue = c.effect > 0 ? twoSidedP / 2 : 1.0;
            } else {
                c.ciHigh = c.effect + halfWidth;
                c.pValue = twoSidedP;
            }
        } else {
            const double t = c.effect / c.standardError;
            if (options.oneSided) {
                c.ciLow = c.effect - studentQuantile(1 - alpha, m.degreesOfFreedom) * c.standardError;
                c.ciHigh = Infinity;
                c.pValue = studentSurvival(t, m.degreesOfFreedom);
            } else {
                const double width = studentQuantile(1 - alpha / 2, m.degreesOfFreedom) * c.standardError;
                c.ciLow = c.effect - width;
                c.ciHigh = c.effect + width;
                c.pValue = std::min(1.0, 2 * studentSurvival(std::abs(t), m.degreesOfFreedom));
            }
        }
        c.significant = *c.pValue < alpha;
        return c;
    });
}

Comparison bayesianTest(MetricType type, const VariantStats &control, const VariantStats &variant,
                        const TestOptions &options)
{
    return guarded([&]() {
        Comparison c;
        if (!(options.alpha > 0 && options.alpha < 1))
            return failed(c, QStringLiteral("alpha must be between 0 and 1"));
        Moments m;
        if (const QString problem = moments(type, control, variant, options.difference, c, m); !problem.isEmpty())
            return failed(c, problem);
        // Flat prior on the effect: the posterior is Normal(effect, se²).
        c.effect = m.effect;
        c.standardError = std::sqrt(m.variance);
        c.degreesOfFreedom = m.degreesOfFreedom;
        c.chanceToWin = normalSurvival(-c.effect / c.standardError);
        const double alpha = options.alpha;
        if (options.oneSided) {
            c.ciLow = c.effect + normalQuantile(alpha) * c.standardError;
            c.ciHigh = Infinity;
            c.significant = *c.chanceToWin > 1 - alpha;
        } else {
            c.ciLow = c.effect + normalQuantile(alpha / 2) * c.standardError;
            c.ciHigh = c.effect + normalQuantile(1 - alpha / 2) * c.standardError;
            c.significant = *c.chanceToWin > 1 - alpha || *c.chanceToWin < alpha;
        }
        if (type == MetricType::Proportion)
            c.exactChanceToWin = betaBinomialChanceToWin(std::llround(control.sum), control.n, std::llround(variant.sum),
                                                         variant.n);
        return c;
    });
}

Comparison compare(MetricType type, const VariantStats &control, const VariantStats &variant, const TestOptions &options)
{
    return options.engine == Engine::Bayesian ? bayesianTest(type, control, variant, options)
                                              : frequentistTest(type, control, variant, options);
}

double betaBinomialChanceToWin(qint64 successesA, qint64 trialsA, qint64 successesB, qint64 trialsB)
{
    successesA = std::clamp<qint64>(successesA, 0, std::max<qint64>(trialsA, 0));
    successesB = std::clamp<qint64>(successesB, 0, std::max<qint64>(trialsB, 0));
    const double aA = 1 + double(successesA);
    const double bA = 1 + double(std::max<qint64>(trialsA, 0) - successesA);
    const double aB = 1 + double(successesB);
    const double bB = 1 + double(std::max<qint64>(trialsB, 0) - successesB);
    // Evan Miller's closed form: P(pB > pA) = Σ_{i=0}^{αB−1} B(αA+i, βA+βB) / ((βB+i) B(1+i, βB) B(αA, βA)).
    // Consecutive terms differ by the factor (αA+i−1)(βB+i−1) / (i (αA+βA+βB+i−1)), so the log of a
    // term follows from the last one with a single log; every 1024 terms it is recomputed from the
    // log-beta functions so that rounding cannot drift. (Millions of units per arm take milliseconds.)
    const auto sum = [](double alphaA, double betaA, double alphaB, double betaB) {
        const double constant = logBeta(alphaA, betaA);
        const auto logTermAt = [&](double i) {
            return logBeta(alphaA + i, betaA + betaB) - std::log(betaB + i) - logBeta(1 + i, betaB) - constant;
        };
        double total = 0;
        double logTerm = 0;
        const qint64 terms = qint64(alphaB);
        for (qint64 i = 0; i < terms; ++i) {
            const double di = double(i);
            if (i % 1024 == 0)
                logTerm = logTermAt(di);
            else
                logTerm += std::log((alphaA + di - 1) * (betaB + di - 1) / (di * (alphaA + betaA + betaB + di - 1)));
            total += std::exp(logTerm);
        }
        return total;
    };
    // The same probability summed over whichever parameter is smallest (fewest terms):
    // swapping the arms gives 1 − P(pA > pB), and 1 − p ~ Beta(β, α) swaps the roles of α and β.
    const double smallest = std::min({aA, bA, aB, bB});
    double p = 0;
    if (smallest == aB)
        p = sum(aA, bA, aB, bB);
    else if (smallest == aA)
        p = 1 - sum(aB, bB, aA, bA);
    else if (smallest == bA)
        p = sum(bB, aB, bA, aA); // P(1 − pA > 1 − pB)
    else
        p = 1 - sum(bA, aA, bB, aB);
    return std::clamp(p, 0.0, 1.0);
}

// ---- Sample ratio mismatch -----------------------------------------------------------------

namespace {

// The weights the SRM test uses: as given when there is one per arm, all finite and >= 0
// with one > 0; otherwise equal.
QList<double> srmWeights(const QList<qint64> &units, const QList<double> &weights)
{
    const bool usable = weights.size() == units.size()
        && std::all_of(weights.cbegin(), weights.cend(), [](double w) { return std::isfinite(w) && w >= 0; })
        && std::any_of(weights.cbegin(), weights.cend(), [](double w) { return w > 0; });
    return usable ? weights : QList<double>(units.size(), 1.0);
}

// The weights' and units' totals over the arms with weight > 0, and how many there are.
std::tuple<double, double, int> srmTotals(const QList<qint64> &units, const QList<double> &w)
{
    double weightTotal = 0;
    double observedTotal = 0;
    int arms = 0;
    for (qsizetype i = 0; i < units.size(); ++i) {
        if (w[i] > 0) {
            weightTotal += w[i];
            observedTotal += double(units[i]);
            ++arms;
        }
    }
    return {weightTotal, observedTotal, arms};
}

} // namespace

double srmPValue(const QList<qint64> &units, const QList<double> &weights)
{
    const QList<double> w = srmWeights(units, weights);
    const auto [weightTotal, observedTotal, arms] = srmTotals(units, w);
    if (arms < 2 || observedTotal <= 0)
        return 1;
    double chiSquare = 0;
    for (qsizetype i = 0; i < units.size(); ++i) {
        if (w[i] <= 0)
            continue;
        const double expected = observedTotal * w[i] / weightTotal;
        chiSquare += std::pow(double(units[i]) - expected, 2) / expected;
    }
    try {
        return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(arms - 1), chiSquare));
    } catch (const std::exception &) {
        return 1;
    }
}

SrmCheck srmCheck(const QList<qint64> &units, const QList<double> &weights, double threshold)
{
    SrmCheck check;
    check.pValue = srmPValue(units, weights);
    const QList<double> w = srmWeights(units, weights);
    const auto [weightTotal, observedTotal, arms] = srmTotals(units, w);
    check.degreesOfFreedom = std::max(0, arms - 1);
    // The chi-square approximation wants about 5 expected units per arm, and below 100 units
    // in all an imbalance says little about the assignment.
    check.enoughUnits = arms >= 2 && observedTotal >= 100;
    for (qsizetype i = 0; i < units.size() && check.enoughUnits; ++i) {
        if (w[i] > 0 && observedTotal * w[i] / weightTotal < 5)
            check.enoughUnits = false;
    }
    check.mismatch = check.enoughUnits && check.pValue < threshold;
    return check;
}

// ---- Multiple comparisons --------------------------------------------------------------------

namespace {

QList<qsizetype> ascendingOrder(const QList<double> &pValues)
{
    QList<qsizetype> order(pValues.size());
    std::iota(order.begin(), order.end(), qsizetype(0));
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return pValues[a] < pValues[b]; });
    return order;
}

} // namespace

QList<double> holmAdjust(const QList<double> &pValues)
{
    const qsizetype m = pValues.size();
    const QList<qsizetype> order = ascendingOrder(pValues);
    QList<double> adjusted(m, 1.0);
    double running = 0;
    for (qsizetype rank = 0; rank < m; ++rank) {
        const qsizetype i = order[rank];
        running = std::max(running, std::min(1.0, double(m - rank) * pValues[i]));
        adjusted[i] = running;
    }
    return adjusted;
}

QList<double> benjaminiHochbergAdjust(const QList<double> &pValues)
{
    const qsizetype m = pValues.size();
    const QList<qsizetype> order = ascendingOrder(pValues);
    QList<double> adjusted(m, 1.0);
    double running = 1;
    for (qsizetype rank = m - 1; rank >= 0; --rank) {
        const qsizetype i = order[rank];
        running = std::min(running, std::min(1.0, double(m) / double(rank + 1) * pValues[i]));
        adjusted[i] = running;
    }
    return adjusted;
}

// ---- Planner ------------------------------------------------------------------------------------
//
// Two-sample z approximation, alpha split by Bonferroni over the arms − 1 comparisons
// with control. For a proportion, Fleiss' pooled-variance formula with allocation
// ratio k = n_variant / n_control:
//   n_control = [z_α √(p̄ q̄ (1 + 1/k)) + z_β √(p₁q₁ + p₂q₂/k)]² / (p₂ − p₁)²,  p̄ = (p₁ + k p₂)/(1 + k)
// (k = 1: the textbook [z_α √(2 p̄ q̄) + z_β √(p₁q₁ + p₂q₂)]² / δ²); for a mean,
//   n_control = (z_α + z_β)² σ² (1 + 1/k) / δ².
// Every comparison must reach the power, so the one with the smallest variant arm decides
// the total; unitsPerArm is the smallest arm's share of it.

namespace {

struct PlanSetup
{
    QList<double> weights; // normalised
    double smallestWeight = 0;
    double zAlpha = 0;
    double zBeta = 0;
    double alphaPerComparison = 0;
};

QString planSetup(const PlanInput &input, PlanSetup &setup)
{
    if (input.arms < 2)
        return QStringLiteral("arms must be at least 2 (control and one variant)");
    if (!(input.alpha > 0 && input.alpha < 1))
        return QStringLiteral("alpha must be between 0 and 1");
    if (!(input.power > 0 && input.power < 1))
        return QStringLiteral("power must be between 0 and 1");
    if (input.type == MetricType::Ratio)
        return QStringLiteral("the planner supports proportion and mean metrics");
    if (input.type == MetricType::Proportion && !(input.baseline > 0 && input.baseline < 1))
        return QStringLiteral("a proportion's baseline must be a rate between 0 and 1 (exclusive)");
    if (input.type == MetricType::Mean) {
        if (!finite(input.baseline) || input.baseline == 0)
            return QStringLiteral("the baseline must be a non-zero number (the effect is relative to it)");
        if (!(input.standardDeviation > 0 && finite(input.standardDeviation)))
            return QStringLiteral("a mean metric needs a standard deviation greater than 0");
    }
    if (input.dailyUnits < 0 || !finite(input.dailyUnits))
        return QStringLiteral("daily units must be 0 (unknown) or more");
    QList<double> weights = input.weights;
    if (weights.isEmpty())
        weights = QList<double>(input.arms, 1.0);
    if (weights.size() != input.arms)
        return QStringLiteral("there are %1 weights for %2 arms").arg(weights.size()).arg(input.arms);
    double total = 0;
    for (double w : std::as_const(weights)) {
        if (!(w > 0 && finite(w)))
            return QStringLiteral("every weight must be greater than 0");
        total += w;
    }
    for (double &w : weights)
        w /= total;
    setup.weights = weights;
    setup.smallestWeight = *std::min_element(weights.cbegin(), weights.cend());
    setup.alphaPerComparison = input.alpha / (input.arms - 1);
    setup.zAlpha = normalQuantile(1 - (input.oneSided ? setup.alphaPerComparison : setup.alphaPerComparison / 2));
    setup.zBeta = normalQuantile(input.power);
    return {};
}

// Control units needed for a relative lift `mde` against a variant with allocation ratio k.
double controlUnits(const PlanInput &input, const PlanSetup &setup, double mde, double k)
{
    if (input.type == MetricType::Mean) {
        const double delta = mde * std::abs(input.baseline);
        return std::pow(setup.zAlpha + setup.zBeta, 2) * std::pow(input.standardDeviation, 2) * (1 + 1 / k)
            / std::pow(delta, 2);
    }
    const double p1 = input.baseline;
    const double p2 = p1 * (1 + mde);
    const double pooled = (p1 + k * p2) / (1 + k);
    const double a = setup.zAlpha * std::sqrt(pooled * (1 - pooled) * (1 + 1 / k));
    const double b = setup.zBeta * std::sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k);
    return std::pow(a + b, 2) / std::pow(p2 - p1, 2);
}

// Units over all arms so that every comparison with control reaches the power.
double totalUnitsNeeded(const PlanInput &input, const PlanSetup &setup, double mde)
{
    double total = 0;
    const double wc = setup.weights.constFirst();
    for (qsizetype i = 1; i < setup.weights.size(); ++i)
        total = std::max(total, controlUnits(input, setup, mde, setup.weights[i] / wc) / wc);
    return total;
}

// ceil() that forgives the last bits of floating-point noise (14751 / (1/3) ≠ 44253 exactly).
qint64 ceilUnits(double x)
{
    return qint64(std::ceil(x * (1 - 1e-12)));
}

void finishPlan(const PlanInput &input, const PlanSetup &setup, Plan &plan)
{
    plan.totalUnits = ceilUnits(double(plan.unitsPerArm) / setup.smallestWeight);
    if (input.dailyUnits > 0)
        plan.days = double(plan.totalUnits) / input.dailyUnits;
}

} // namespace

namespace {

// Checks the inputs both plans share, runs `solve` (which fills the plan or sets its
// error), then the totals and days; a numeric failure of Boost becomes an error.
template <typename Solve>
Plan planWith(const PlanInput &input, Solve solve)
{
    Plan plan;
    try {
        PlanSetup setup;
        if (const QString problem = planSetup(input, setup); !problem.isEmpty()) {
            plan.error = problem;
            return plan;
        }
        solve(setup, plan);
        if (plan.error.isEmpty())
            finishPlan(input, setup, plan);
    } catch (const std::exception &e) {
        plan = Plan{};
        plan.error = QStringLiteral("the plan could not be computed (%1)").arg(QString::fromUtf8(e.what()));
    }
    return plan;
}

} // namespace

Plan sampleSize(const PlanInput &input)
{
    return planWith(input, [&](const PlanSetup &setup, Plan &plan) {
        if (!(input.mde > 0 && finite(input.mde))) {
            plan.error = QStringLiteral("the minimum detectable effect must be a relative lift greater than 0");
            return;
        }
        if (input.type == MetricType::Proportion && input.baseline * (1 + input.mde) >= 1) {
            plan.error = QStringLiteral("a lift of %1 on a rate of %2 goes past 100 %").arg(input.mde).arg(input.baseline);
            return;
        }
        const double total = totalUnitsNeeded(input, setup, input.mde);
        if (!finite(total) || total > 9e15) {
            plan.error = QStringLiteral("the effect is too small to detect with any practical number of units");
            return;
        }
        plan.mde = input.mde;
        plan.unitsPerArm = std::max<qint64>(2, ceilUnits(total * setup.smallestWeight));
    });
}

Plan minimumDetectableEffect(const PlanInput &input)
{
    return planWith(input, [&](const PlanSetup &setup, Plan &plan) {
        if (input.unitsPerArm < 2) {
            plan.error = QStringLiteral("units per arm must be at least 2");
            return;
        }
        const double available = double(input.unitsPerArm) / setup.smallestWeight;
        double mde = 0;
        if (input.type == MetricType::Mean) {
            // Closed form: δ = (z_α + z_β) σ √((1 + 1/k) / n_control), the largest over the comparisons.
            const double wc = setup.weights.constFirst();
            for (qsizetype i = 1; i < setup.weights.size(); ++i) {
                const double k = setup.weights[i] / wc;
                const double delta = (setup.zAlpha + setup.zBeta) * input.standardDeviation
                    * std::sqrt((1 + 1 / k) / (available * wc));
                mde = std::max(mde, delta / std::abs(input.baseline));
            }
        } else {
            // Units needed fall as the lift grows; solve totalUnitsNeeded(mde) = available.
            const double upper = (1 - 1e-9) / input.baseline - 1;
            const auto excess = [&](double x) { return totalUnitsNeeded(input, setup, x) - available; };
            if (excess(upper) > 0) {
                plan.error = QStringLiteral("%1 units per arm cannot detect even a lift to a rate of 100 %")
                                 .arg(input.unitsPerArm);
                return;
            }
            double lower = upper;
            while (excess(lower) <= 0 && lower > 1e-12)
                lower /= 2;
            if (excess(lower) <= 0) {
                plan.error = QStringLiteral("the units per arm are too many to plan with");
                return;
            }
            boost::uintmax_t iterations = 200;
            const auto bracket = boost::math::tools::toms748_solve(excess, lower, std::min(upper, lower * 2),
                                                                   boost::math::tools::eps_tolerance<double>(40),
                                                                   iterations);
            mde = (bracket.first + bracket.second) / 2;
        }
        if (!finite(mde)) {
            plan.error = QStringLiteral("the minimum detectable effect overflowed");
            return;
        }
        plan.mde = mde;
        plan.unitsPerArm = input.unitsPerArm;
    });
}

} // namespace PromoDesk::Stats
