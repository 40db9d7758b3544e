#pragma once

#include "common/result.h"
#include "rules/ast.h"
#include "stats/abstats.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// A/B tests of promotions (issue 10): an experiment splits its audience between
// variants — each a campaign or one promotion tier of a campaign — and an optional
// holdout that gets none of them, with GrowthBook's sticky hashing. docs/experiments.md.
namespace PromoDesk::Experiments {

enum class ExperimentStatus { Draft, Running, Stopped, Concluded };
QString statusKey(ExperimentStatus status); // "draft", "running", "stopped", "concluded"
std::optional<ExperimentStatus> statusFromKey(const QString &key);

// What an experiment measures, per exposed customer, from their exposure to its end.
enum class Metric {
    RedemptionRate,        // customers who redeemed their variant's incentive / exposed (proportion)
    Conversion,            // customers who ordered / exposed (proportion)
    RevenuePerCustomer,    // order value per exposed customer (mean)
    AverageOrderValue,     // order value / orders, over exposed customers (ratio)
    DiscountPerCustomer,   // discount given per exposed customer (mean; lower is better)
    NetRevenuePerCustomer, // order value minus discount per exposed customer (mean)
};
QList<Metric> allMetrics();
QString metricKey(Metric metric);    // "redemption_rate", "conversion", "revenue_per_customer",
                                     // "average_order_value", "discount_per_customer", "net_revenue_per_customer"
std::optional<Metric> metricFromKey(const QString &key);
QString metricLabel(Metric metric);  // "Redemption rate", … for people
Stats::MetricType metricType(Metric metric);
bool higherIsBetter(Metric metric);  // false for the discount cost
bool isMoney(Metric metric);         // values in cents

enum class MetricRole { Primary, Secondary, Guardrail };

struct Variant
{
    QString key;        // stable within the experiment: "control", "b", "c", "holdout"
    QString name;       // "$5 off"
    QString campaignId; // empty only for the holdout
    QString tierId;     // one promotion tier of the campaign; empty = the whole campaign
    double weight = 0;  // share of the covered audience; weights sum to 1
    bool holdout = false; // gets none of the experiment's incentives

    bool operator==(const Variant &) const = default;
};

struct Experiment
{
    QString id;          // "exp_…"
    QString name;
    QString hypothesis;
    ExperimentStatus status = ExperimentStatus::Draft;
    QString seed;        // hash seed; empty = the id (GrowthBook's default: the experiment key)
    // Audience: customers in the segment (if any) who also match the rule (if any).
    // Guests are never in an experiment.
    QString segmentId;
    std::optional<Rules::Node> rule;
    double coverage = 1; // share of the audience that enters the experiment
    std::optional<qint64> startAt; // UTC ms; set when it starts, if not planned
    std::optional<qint64> endAt;   // UTC ms; none = until stopped
    Metric primaryMetric = Metric::NetRevenuePerCustomer;
    QList<Metric> secondaryMetrics;
    QList<Metric> guardrailMetrics;
    Stats::Engine engine = Stats::Engine::Frequentist;
    double alpha = 0.05;
    bool sequential = true;      // marketers look every day
    QString correction = QStringLiteral("holm"); // "none", "holm", "benjamini_hochberg"
    // The first variant is the baseline the others are compared with: the control, or
    // the holdout to measure each incentive against no promotion.
    QList<Variant> variants;
    // The decision.
    QString winner;              // variant key
    QString decisionNote;
    std::optional<qint64> decidedAt;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QString hashSeed() const { return seed.isEmpty() ? id : seed; }
    int controlIndex() const;    // the baseline: 0, or -1 when there are no variants
    int indexOf(const QString &variantKey) const;
    QList<double> weights() const;
    // Running, and `now` inside [startAt, endAt).
    bool isLive(qint64 now) const;
    // Every (metric, role), primary first.
    QList<QPair<Metric, MetricRole>> goals() const;

    bool operator==(const Experiment &) const = default;
};

// Structure checks, each error naming the field: a name; two or more variants with
// distinct keys; each variant but the holdout names a campaign; at most one holdout;
// weights > 0 summing to 1 (±0.001); coverage in (0, 1]; alpha in (0, 0.5); end after start.
Status check(const Experiment &experiment);

// The variant a customer is in (index into variants), or -1 when outside coverage.
// `hashId` is what a shop's GrowthBook SDK hashes: the customer's source_id, or
// "cust_N" when the workspace has none. Audience membership is checked elsewhere.
int assign(const Experiment &experiment, const QString &hashId);

QJsonObject toJson(const Experiment &experiment);
// Parses and checks (rule type-checked); errors name the field.
Result<Experiment> fromJson(const QJsonObject &json);

} // namespace PromoDesk::Experiments
