#pragma once

#include "common/result.h"
#include "engine/campaign.h"
#include "engine/discount.h"
#include "rules/evaluator.h"
#include "store/campaignstore.h"
#include "store/experimentstore.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <memory>
#include <optional>
#include <vector>

namespace PromoDesk::Store {
class Connection;
}

namespace PromoDesk::Engine {

struct CachedCampaign;

// What a shop asks for (Voucherify's validation / redemption request).
struct Redeemable
{
    enum class Object { Voucher, PromotionTier }; // "voucher" (codes: coupons, gift cards, referrals), "promotion_tier"
    Object object = Object::Voucher;
    QString id;                         // the code as typed, or the tier id
    std::optional<qint64> giftCredits;  // gift cards: spend at most this much (cents)
};

struct Request
{
    QString customer;           // "cust_42" or the shop's source_id; empty = an anonymous guest
    Rules::Facts guestFacts;    // attributes of a customer not in the workspace (from the request)
    Order order;
    QList<Redeemable> redeemables;
    std::optional<qint64> now;  // evaluate at this moment (tests, the simulator, the demo history)
    bool explain = false;       // attach the rule engine's trace to failures
    bool logValidation = true;  // validate: log the outcome (off for the simulator's regression re-runs)
    bool recordExposure = true; // a customer in a running experiment is recorded as exposed (off for
                                // looks that are not a shop's: profiles, regression re-runs)
};

// A running experiment's verdict on the request's customer (issue 10).
struct ExperimentAssignment
{
    QString experimentId;
    QString experimentName;
    int variant = -1;        // index into the experiment's variants, -1 = not in it
    QString variantKey;
    QString variantName;
    bool holdout = false;
    bool newlyExposed = false; // this request exposed them first
};

enum class Outcome { Applicable, Inapplicable, Skipped };

// One redeemable's result.
struct RedeemableResult
{
    Redeemable requested;
    Outcome outcome = Outcome::Inapplicable;
    QString failureKey;      // Voucherify's key: voucher_expired, customer_rules_violated, …
    QString message;         // for people
    QList<Rules::TraceLine> trace; // with Request::explain, when a rule failed
    QString campaignId;
    QString campaignName;
    CampaignType campaignType = CampaignType::DiscountCoupons;
    QString category;
    int priority = 0;
    QString tierId;
    QString tierName;
    qint64 codeId = 0;
    QString code;
    qint64 codeHolder = 0;    // the customer the code was published to (a referral's referrer), 0 = none
    Discount discount;
    AppliedDiscount applied;  // what it takes off, after the ones stacked before it
    qint64 giftCredits = 0;   // gift cards: credits spent
    qint64 giftBalance = 0;   // gift cards: balance after
    qint64 redemptionId = 0;  // redeem: the stored attempt
};

struct Validation
{
    bool valid = false;                   // every requested redeemable applies (redeem: all were redeemed)
    QList<RedeemableResult> applicable;   // in the order they apply
    QList<RedeemableResult> skipped;      // would apply, but stacking rules leave them out
    QList<RedeemableResult> inapplicable;
    Order order;                          // as requested, lines completed from the catalogue
    QList<qint64> lineDiscounts;          // per line of order.items, then per added item
    QList<OrderItem> addedItems;          // free items the discounts add
    qint64 itemsDiscount = 0;
    qint64 shippingDiscount = 0;
    qint64 giftCredits = 0;
    qint64 now = 0;
    qint64 customerKey = 0;               // the workspace's customer (cust_N's N), 0 = a guest
    QList<ExperimentAssignment> experiments; // running experiments the customer is in

    qint64 amount() const { return order.itemsAmount(); }
    qint64 totalDiscount() const { return itemsDiscount + shippingDiscount; }
    qint64 totalAmount() const { return amount() + order.shipping - totalDiscount() - giftCredits; }
};

struct Rollback
{
    qint64 rollbackId = 0;   // the redemption_rollback row
    qint64 redemptionId = 0; // the redemption it undid
    qint64 discountAmount = 0;
    qint64 giftAmount = 0;
};

// The campaign engine over one workspace connection (one per thread). Campaigns are
// cached and reloaded when the workspace's campaigns_version changes.
class CampaignEngine
{
public:
    explicit CampaignEngine(Store::Connection &connection);
    ~CampaignEngine();

    // Every campaign, tier and held code the cart qualifies for now, best first with the
    // stacking rules applied; the rest with their failure. Reads only.
    Result<Validation> qualify(const Request &request);
    // The requested redeemables, checked in one read snapshot; then each one's outcome is
    // logged (the validations table, counted by the campaign statistics). Usage, limits
    // and budgets are untouched.
    Result<Validation> validate(const Request &request);
    // The same checks and the write, in one IMMEDIATE transaction: all requested
    // redeemables are redeemed, or none (each failure is recorded as an attempt).
    Result<Validation> redeem(const Request &request);
    // Undoes a successful redemption: limits, budgets and gift balance are restored.
    Result<Rollback> rollback(qint64 redemptionId, const QString &reason, std::optional<qint64> now = {});
    // The editor's "Try it": whether a campaign as drafted (saved or not) applies to the
    // request's customer and cart, as if it were active and the customer held a fresh code
    // of it (or its standalone code). Stored usage of the same campaign id counts against
    // its limits. Only this campaign is considered; the trace is always attached. Reads only.
    Result<Validation> tryCampaign(const Campaign &draft, const Request &request);

    // Bulk work (the demo history, the simulator): one caller-owned transaction, each
    // redeem / rollback inside it in its own savepoint, so a failed one leaves nothing.
    Status beginBatch();
    Status commitBatch();

    Store::CampaignStore &store() { return *m_store; }

private:
    struct Cached;
    struct Candidate;

    Status refresh();
    Status beginWrite();
    Status endWrite();
    void abandonWrite();
    Result<Rules::Facts> customerFacts(const Request &request, qint64 &customerId);
    void completeOrder(Order &order) const;
    // `trial`: only that campaign's candidates (tryCampaign), else stored ones.
    Result<Validation> evaluate(const Request &request, bool qualifyAll, const CachedCampaign *trial = nullptr);
    Result<Validation> readOnly(const Request &request, bool qualifyAll, const CachedCampaign *trial = nullptr);
    Status checkCandidate(Candidate &candidate, Rules::Facts &facts, qint64 customerId, qint64 now,
                          const Request &request);
    // The customer's variant in each running experiment (sticky: a recorded exposure
    // wins); new exposures go to m_pendingExposures.
    Status assignExperiments(const Request &request, const Rules::Facts &facts, Validation &validation);
    // Whether a candidate that is an experiment's variant is the customer's own.
    void checkExperiments(Candidate &candidate, qint64 customerId, qint64 now);
    Status recordExposures();
    Status checkLimits(Candidate &candidate, const Rules::Facts &facts, qint64 customerId, qint64 now);
    void stack(std::vector<Candidate> &candidates, Validation &validation, bool qualifyAll);

    Store::Connection &m_connection;
    std::unique_ptr<Store::CampaignStore> m_store;
    std::unique_ptr<Cached> m_cache;
    bool m_batch = false;
    SkuLookup m_skuLookup;
    std::vector<Candidate> m_candidates;
    QHash<const void *, bool> m_campaignRules; // per request: whether a campaign's own rule held
    QList<int> m_assignments;                  // per request: variant per running experiment, -1 = none
    QList<Store::Exposure> m_pendingExposures; // per request: first exposures to record
    QHash<QPair<QString, qint64>, int> m_exposed; // (experiment, customer) -> variant, recorded ones
};

// The local calendar day of `at` in `zone`, "YYYY-MM-DD" — the key of campaign_usage.
QString localDay(qint64 at, const QTimeZone &zone);

} // namespace PromoDesk::Engine
