#include "engine.h"

#include "common/ids.h"
#include "common/money.h"
#include "engine/schedule.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QScopeGuard>
#include <QSet>

#include <algorithm>
#include <numeric>
#include <tuple>
#include <vector>

namespace PromoDesk::Engine {

namespace {

// Whether a rule looks at the cart (then failing it is order_rules_violated) and/or
// at the customer (customer_rules_violated).
struct RuleScope
{
    bool order = false;
    bool customer = false;
};

void scan(const Rules::Node &node, RuleScope &scope)
{
    if (node.kind == Rules::Node::Kind::Condition) {
        const QString &a = node.condition.attribute;
        if (a.startsWith(QLatin1String("order.")) || a.startsWith(QLatin1String("item.")))
            scope.order = true;
        else if (!a.startsWith(QLatin1String("time.")))
            scope.customer = true;
        return;
    }
    if (node.kind == Rules::Node::Kind::AnyItem || node.kind == Rules::Node::Kind::EveryItem
        || node.kind == Rules::Node::Kind::NoItem)
        scope.order = true;
    for (const Rules::Node &child : node.children)
        scan(child, scope);
}

RuleScope scopeOf(const Eligibility &eligibility)
{
    RuleScope scope;
    if (eligibility.rule)
        scan(*eligibility.rule, scope);
    return scope;
}

QString periodText(Period period)
{
    switch (period) {
    case Period::Total: return QString();
    case Period::Day: return QStringLiteral(" a day");
    case Period::Week: return QStringLiteral(" a week");
    case Period::Month: return QStringLiteral(" a month");
    }
    return {};
}

} // namespace

QString localDay(qint64 at, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(at, zone).date().toString(Qt::ISODate);
}

struct CachedCampaign
{
    Campaign campaign;
    std::optional<Store::CodeRow> standalone; // its shared code, as of the last reload
    QTimeZone zone;
    RuleScope scope;
    QList<RuleScope> tierScopes;
};

struct CampaignEngine::Cached
{
    qint64 version = -1;
    std::vector<CachedCampaign> campaigns; // by id
    QHash<QString, int> byId;
    QHash<QString, QPair<int, int>> tiers; // tier id → (campaign, tier)
    Store::StackingRules stacking;
    CodeCase codeCase = CodeCase::Upper;
    bool catalogueLoaded = false;
    Store::CampaignStore::Catalogue catalogue;
    QList<Experiments::Experiment> experiments;   // running ones
    // campaign id -> (experiment, variant) of the running experiments' variants
    QHash<QString, QList<QPair<int, int>>> experimentVariants;
};

struct CampaignEngine::Candidate
{
    RedeemableResult result;
    const CachedCampaign *cached = nullptr;
    const Tier *tier = nullptr;
    std::optional<Store::CodeRow> code;
    int order = 0;                  // position in the request (validate) or in the campaign list (qualify)
    qint64 budgetLeft = -1;         // discount budget left, -1 = no budget
    qint64 countLeft = -1;          // redemptions the tightest count limit still allows, -1 = no limit
    QString countMessage;           // that limit, for people
    qint64 rankDiscount = 0;        // what it takes off the clean cart, for "best deal first"
    AppliedDiscount rankApplied;    // that computation, reused when it applies first

    const Campaign &campaign() const { return cached->campaign; }
    const Discount &discount() const { return tier ? tier->discount : cached->campaign.discount; }
    bool isGift() const { return cached && cached->campaign.type == CampaignType::GiftVouchers; }
    void fail(const QString &key, const QString &message)
    {
        result.outcome = Outcome::Inapplicable;
        result.failureKey = key;
        result.message = message;
    }
};

CampaignEngine::CampaignEngine(Store::Connection &connection)
    : m_connection(connection), m_store(std::make_unique<Store::CampaignStore>(connection)),
      m_cache(std::make_unique<Cached>())
{
    // Free items a UNIT discount adds take their price from the cached catalogue.
    m_skuLookup = [this](const QString &sku) -> std::optional<OrderItem> {
        const auto it = m_cache->catalogue.skus.constFind(sku);
        return it == m_cache->catalogue.skus.constEnd() ? std::nullopt : std::optional<OrderItem>(*it);
    };
}

CampaignEngine::~CampaignEngine() = default;

Status CampaignEngine::refresh()
{
    auto version = m_store->campaignsVersion();
    if (!version)
        return version.error();
    if (version.value() == m_cache->version)
        return {};
    auto campaigns = m_store->loadCampaigns();
    if (!campaigns)
        return campaigns.error();
    auto stacking = m_store->stackingRules();
    if (!stacking)
        return stacking.error();
    auto codeCase = m_store->codeCase();
    if (!codeCase)
        return codeCase.error();

    auto experiments = Store::ExperimentStore(m_connection).running();
    if (!experiments)
        return experiments.error();

    auto fresh = std::make_unique<Cached>();
    fresh->version = version.value();
    fresh->experiments = std::move(experiments).value();
    for (int e = 0; e < fresh->experiments.size(); ++e) {
        const Experiments::Experiment &experiment = fresh->experiments[e];
        for (int v = 0; v < experiment.variants.size(); ++v) {
            if (!experiment.variants[v].holdout)
                fresh->experimentVariants[experiment.variants[v].campaignId].append({e, v});
        }
    }
    m_exposed.clear();
    fresh->stacking = stacking.value();
    fresh->codeCase = codeCase.value();
    fresh->catalogueLoaded = m_cache->catalogueLoaded;
    fresh->catalogue = m_cache->catalogue; // shared, not moved: a failed reload keeps the old cache whole
    for (Campaign &campaign : campaigns.value()) {
        CachedCampaign c;
        c.zone = campaign.zone();
        c.scope = scopeOf(campaign.eligibility);
        for (const Tier &tier : campaign.tiers)
            c.tierScopes.append(scopeOf(tier.eligibility));
        c.campaign = std::move(campaign);
        fresh->campaigns.push_back(std::move(c));
    }
    for (CachedCampaign &cached : fresh->campaigns) {
        if (cached.campaign.standaloneCode.isEmpty())
            continue;
        auto code = m_store->findCode(cached.campaign.standaloneCode);
        if (!code)
            return code.error();
        cached.standalone = code.value();
    }
    for (int i = 0; i < int(fresh->campaigns.size()); ++i) {
        const Campaign &campaign = fresh->campaigns[size_t(i)].campaign;
        fresh->byId.insert(campaign.id, i);
        for (int t = 0; t < campaign.tiers.size(); ++t)
            fresh->tiers.insert(campaign.tiers[t].id, {i, t});
    }
    m_cache = std::move(fresh);
    return {};
}

void CampaignEngine::completeOrder(Order &order) const
{
    const auto &skus = m_cache->catalogue.skus;
    const auto &products = m_cache->catalogue.products;
    for (OrderItem &item : order.items) {
        // A line the catalogue does not know is taken as sent.
        const OrderItem *known = nullptr;
        if (const auto sku = skus.constFind(item.sku); !item.sku.isEmpty() && sku != skus.constEnd())
            known = &*sku;
        else if (const auto product = products.constFind(item.product);
                 !item.product.isEmpty() && product != products.constEnd())
            known = &*product;
        if (!known)
            continue;
        if (item.product.isEmpty())
            item.product = known->product;
        if (item.category.isEmpty())
            item.category = known->category;
        if (item.price == 0 && item.quantity > 0)
            item.price = known->price;
    }
}

Result<Rules::Facts> CampaignEngine::customerFacts(const Request &request, qint64 &customerId)
{
    customerId = 0;
    if (!request.customer.isEmpty()) {
        auto found = m_store->findCustomer(request.customer);
        if (!found)
            return found.error();
        if (found.value()) {
            customerId = *found.value();
            auto facts = m_store->customerFacts(customerId);
            if (!facts)
                return facts.error();
            return facts.value().facts;
        }
    }
    return request.guestFacts;
}

Status CampaignEngine::checkLimits(Candidate &c, const Rules::Facts &facts, qint64 customerId, qint64 now)
{
    const Campaign &campaign = c.campaign();
    const Limits &limits = campaign.limits;
    if (c.code) {
        const qint64 perCode = c.code->redemptionQuantity ? c.code->redemptionQuantity : limits.perCode;
        if (perCode > 0 && c.code->redeemedQuantity >= perCode) {
            c.fail(QStringLiteral("quantity_exceeded"),
                   QStringLiteral("the code %1 has been redeemed %2 of %3 times").arg(c.code->code).arg(c.code->redeemedQuantity).arg(perCode));
            return {};
        }
    }
    // join_once: unique codes enforce it when published; a shared code or a promotion here.
    const bool oncePerCustomer = limits.joinOnce && (!c.code || !campaign.standaloneCode.isEmpty());
    if ((limits.perCustomer > 0 || oncePerCustomer) && customerId == 0) {
        c.fail(QStringLiteral("missing_customer"),
               QStringLiteral("%1 limits redemptions per customer, so it needs a known customer").arg(campaign.name));
        return {};
    }
    // Each limit leaves room for some more redemptions; the tightest one also bounds
    // how many of this campaign's redeemables one request may redeem together.
    // The message is only built when it is needed (qualify checks hundreds of candidates).
    auto allow = [&c](qint64 left, const auto &message) {
        if (left <= 0) {
            c.fail(QStringLiteral("redemption_rules_violated"), message());
            return false;
        }
        if (c.countLeft < 0 || left < c.countLeft) {
            c.countLeft = left;
            c.countMessage = message();
        }
        return true;
    };
    if (limits.perCustomer > 0 || oncePerCustomer) {
        const Period period = oncePerCustomer ? Period::Total : limits.perCustomerPeriod;
        const qint64 limit = oncePerCustomer ? 1 : limits.perCustomer;
        const PeriodRange range = periodContaining(period, c.cached->zone, now);
        // The customer's successful redemptions are in the facts already (read in this
        // request's transaction), so no query per campaign.
        qint64 used = 0;
        for (const Rules::RedemptionRecord &r : facts.redemptions)
            used += r.campaign == campaign.id && r.at >= range.start && r.at < range.end ? 1 : 0;
        if (!allow(limit - used, [&] {
                return oncePerCustomer ? QStringLiteral("%1 can be joined once per customer").arg(campaign.name)
                                       : QStringLiteral("at most %1 redemption%2 per customer%3 (this customer has %4)")
                                             .arg(limit)
                                             .arg(limit == 1 ? QString() : QStringLiteral("s"), periodText(period))
                                             .arg(used);
            }))
            return {};
    }
    if (limits.perCampaign > 0) {
        const PeriodRange range = periodContaining(limits.perCampaignPeriod, c.cached->zone, now);
        auto used = limits.perCampaignPeriod == Period::Total
                        ? m_store->totalUsage(campaign.id)
                        : m_store->usage(campaign.id, localDay(range.start, c.cached->zone),
                                         localDay(range.end - 1, c.cached->zone));
        if (!used)
            return used.error();
        if (!allow(limits.perCampaign - used.value().redemptions, [&] {
                return QStringLiteral("%1 allows %2 redemptions%3 and they are used up")
                    .arg(campaign.name)
                    .arg(limits.perCampaign)
                    .arg(periodText(limits.perCampaignPeriod));
            }))
            return {};
    }
    if (limits.budgetRedemptions > 0 || limits.budgetDiscount > 0) {
        auto used = m_store->totalUsage(campaign.id);
        if (!used)
            return used.error();
        if (limits.budgetRedemptions > 0 && !allow(limits.budgetRedemptions - used.value().redemptions, [&] {
                return QStringLiteral("the budget of %1 redemptions of %2 is used up")
                    .arg(limits.budgetRedemptions)
                    .arg(campaign.name);
            }))
            return {};
        if (limits.budgetDiscount > 0) {
            c.budgetLeft = std::max<qint64>(0, limits.budgetDiscount - used.value().discount);
            if (c.budgetLeft == 0) {
                c.fail(QStringLiteral("redemption_rules_violated"),
                       QStringLiteral("the discount budget of %1 (%2) is spent").arg(campaign.name, formatMoney(limits.budgetDiscount)));
                return {};
            }
        }
    }
    return {};
}

Status CampaignEngine::assignExperiments(const Request &request, const Rules::Facts &facts, Validation &v)
{
    const QList<Experiments::Experiment> &experiments = m_cache->experiments;
    m_assignments = QList<int>(experiments.size(), -1);
    if (!v.customerKey)
        return {}; // guests are never in an experiment
    for (int e = 0; e < experiments.size(); ++e) {
        const Experiments::Experiment &experiment = experiments[e];
        const QPair<QString, qint64> key{experiment.id, v.customerKey};
        int variant = -1;
        bool fresh = false;
        if (const auto known = m_exposed.constFind(key); known != m_exposed.constEnd()) {
            variant = *known;
        } else {
            // Sticky: once exposed, a customer keeps their variant even if they leave the audience.
            auto recorded = Store::ExperimentStore(m_connection).exposure(experiment.id, v.customerKey);
            if (!recorded)
                return recorded.error();
            if (recorded.value()) {
                variant = *recorded.value();
                m_exposed.insert(key, variant);
            } else if (experiment.isLive(v.now)) {
                bool inAudience = true;
                if (!experiment.segmentId.isEmpty()) {
                    const Rules::Value segments = facts.attributes.value(QStringLiteral("customer.segments"));
                    inAudience = segments.type() == Rules::Type::List && segments.asList().contains(experiment.segmentId);
                }
                if (inAudience && experiment.rule)
                    inAudience = Rules::matches(*experiment.rule, facts);
                if (inAudience) {
                    const Rules::Value source = facts.attributes.value(QStringLiteral("customer.source_id"));
                    const QString hashId = source.type() == Rules::Type::String && !source.asString().isEmpty()
                                               ? source.asString()
                                               : Ids::make(Ids::Customer, v.customerKey);
                    variant = Experiments::assign(experiment, hashId);
                    fresh = variant >= 0;
                }
            }
        }
        if (variant < 0 || variant >= experiment.variants.size())
            continue;
        m_assignments[e] = variant;
        const Experiments::Variant &chosen = experiment.variants[variant];
        v.experiments.append({experiment.id, experiment.name, variant, chosen.key, chosen.name, chosen.holdout, fresh});
        if (fresh && request.recordExposure)
            m_pendingExposures.append({experiment.id, v.customerKey, variant, v.now});
    }
    return {};
}

void CampaignEngine::checkExperiments(Candidate &c, qint64 customerId, qint64 now)
{
    if (m_assignments.isEmpty())
        return; // no running experiment, or a draft tried in the editor
    const auto variants = m_cache->experimentVariants.constFind(c.campaign().id);
    if (variants == m_cache->experimentVariants.constEnd())
        return;
    for (const auto &[e, vi] : *variants) {
        const Experiments::Experiment &experiment = m_cache->experiments[e];
        const Experiments::Variant &variant = experiment.variants[vi];
        if (!variant.tierId.isEmpty() && (!c.tier || c.tier->id != variant.tierId))
            continue;
        const int own = m_assignments.value(e, -1);
        if (own == vi && experiment.isLive(now))
            return;
        QString message;
        if (!experiment.isLive(now)) {
            message = experiment.startAt && now < *experiment.startAt
                          ? QStringLiteral("experiment \"%1\" has not started; its variants wait for it").arg(experiment.name)
                          : QStringLiteral("experiment \"%1\" has ended; its variants wait for a decision").arg(experiment.name);
        } else if (!customerId) {
            message = QStringLiteral("experiment \"%1\" is for known customers; a guest gets none of its variants")
                          .arg(experiment.name);
        } else if (own < 0) {
            message = QStringLiteral("the customer is not in experiment \"%1\"").arg(experiment.name);
        } else if (experiment.variants[own].holdout) {
            message = QStringLiteral("the customer is in the holdout of experiment \"%1\"").arg(experiment.name);
        } else {
            message = QStringLiteral("the customer is in variant \"%1\" of experiment \"%2\", not \"%3\"")
                          .arg(experiment.variants[own].name, experiment.name, variant.name);
        }
        c.fail(QStringLiteral("customer_rules_violated"), message);
        return;
    }
}

Status CampaignEngine::recordExposures()
{
    if (m_pendingExposures.isEmpty())
        return {};
    if (Status s = Store::ExperimentStore(m_connection).recordExposures(m_pendingExposures); !s)
        return s;
    for (const Store::Exposure &e : std::as_const(m_pendingExposures))
        m_exposed.insert({e.experimentId, e.customerId}, e.variant);
    m_pendingExposures.clear();
    return {};
}

Status CampaignEngine::checkCandidate(Candidate &c, Rules::Facts &facts, qint64 customerId, qint64 now,
                                      const Request &request)
{
    const Campaign &campaign = c.campaign();
    RedeemableResult &r = c.result;
    r.campaignId = campaign.id;
    r.campaignName = campaign.name;
    r.campaignType = campaign.type;
    r.category = campaign.category;
    r.priority = campaign.priority;
    if (c.tier) {
        r.tierId = c.tier->id;
        r.tierName = c.tier->name;
    }
    if (c.code) {
        r.codeId = c.code->id;
        r.code = c.code->code;
        r.codeHolder = c.code->customerId;
    }
    r.outcome = Outcome::Applicable;

    if (campaign.status != CampaignStatus::Active) {
        c.fail(c.tier ? QStringLiteral("promotion_inactive") : QStringLiteral("voucher_disabled"),
               QStringLiteral("%1 is %2").arg(campaign.name, campaignStatusKey(campaign.status)));
        return {};
    }
    if (c.code && c.code->status != QLatin1String("active")) {
        c.fail(QStringLiteral("voucher_disabled"), QStringLiteral("the code %1 is %2").arg(c.code->code, c.code->status));
        return {};
    }
    checkExperiments(c, customerId, now);
    if (r.outcome != Outcome::Applicable)
        return {};
    // Most schedules are a start and an end: compare those before asking the zone.
    const Schedule &plan = campaign.schedule;
    const bool simple = plan.daysOfWeek.isEmpty() && plan.dailyHours.isEmpty() && !plan.timeframeIntervalMs
                        && !plan.activityAfterPublishingMs && (!plan.startDate || now >= *plan.startDate)
                        && (!plan.expirationDate || now < *plan.expirationDate);
    const ScheduleCheck schedule = simple ? ScheduleCheck()
                                          : checkSchedule(plan, c.cached->zone, now, c.code ? c.code->publishedAt : 0);
    if (!schedule.active()) {
        QString key;
        switch (schedule.state) {
        case ScheduleCheck::State::NotStarted: key = QStringLiteral("voucher_not_active"); break;
        case ScheduleCheck::State::Expired: key = QStringLiteral("voucher_expired"); break;
        default: key = QStringLiteral("voucher_not_active_now"); break;
        }
        c.fail(c.tier ? QStringLiteral("promotion_inactive") : key, schedule.message);
        return {};
    }
    if (campaign.type == CampaignType::Referral && c.code && c.code->customerId && c.code->customerId == customerId) {
        c.fail(QStringLiteral("customer_rules_violated"),
               QStringLiteral("a referrer cannot redeem their own referral code"));
        return {};
    }
    if (c.isGift() && c.code->giftBalance.value_or(0) <= 0) {
        c.fail(QStringLiteral("gift_amount_exceeded"), QStringLiteral("the gift card %1 has no balance left").arg(c.code->code));
        return {};
    }

    // The campaign's rule, then the tier's: each with its own message.
    const std::pair<const Eligibility *, RuleScope> rules[] = {
        {&campaign.eligibility, c.cached->scope},
        {c.tier ? &c.tier->eligibility : nullptr,
         c.tier ? c.cached->tierScopes.value(int(c.tier - campaign.tiers.constData())) : RuleScope{}}};
    for (const auto &[eligibility, scope] : rules) {
        if (!eligibility || !eligibility->rule)
            continue;
        // Rules read time.* and anniversaries in the campaign's zone.
        if (facts.zone != c.cached->zone)
            facts.zone = c.cached->zone;
        // A promotion's own rule is the same for each of its tiers: evaluate it once.
        const bool campaignRule = eligibility == &campaign.eligibility;
        const auto known = campaignRule ? m_campaignRules.constFind(c.cached) : m_campaignRules.constEnd();
        const bool passed = known != m_campaignRules.constEnd() ? *known : Rules::matches(*eligibility->rule, facts);
        if (campaignRule)
            m_campaignRules.insert(c.cached, passed);
        if (passed)
            continue;
        bool orderFailed = scope.order && !scope.customer;
        if (scope.order && scope.customer) {
            // Mixed rules: blame whichever part failed.
            const Rules::Evaluation evaluation = Rules::evaluate(*eligibility->rule, facts);
            for (const Rules::TraceLine &line : evaluation.trace) {
                if (!line.passed && (line.text.startsWith(QLatin1String("order.")) || line.text.startsWith(QLatin1String("item."))
                                     || line.text.contains(QLatin1String(" item"))))
                    orderFailed = true;
            }
        }
        c.fail(orderFailed ? QStringLiteral("order_rules_violated") : QStringLiteral("customer_rules_violated"),
               eligibility->errorMessage.isEmpty()
                   ? QStringLiteral("the %1 does not meet the rules of %2")
                         .arg(orderFailed ? QStringLiteral("order") : QStringLiteral("customer"),
                              c.tier ? c.tier->name : campaign.name)
                   : eligibility->errorMessage);
        if (request.explain)
            r.trace = Rules::evaluate(*eligibility->rule, facts).trace;
        return {};
    }
    if (Status s = checkLimits(c, facts, customerId, now); !s)
        return s;
    return {};
}

Result<Validation> CampaignEngine::evaluate(const Request &request, bool qualifyAll, const CachedCampaign *trial)
{
    if (Status s = refresh(); !s)
        return s.error();
    if (!m_cache->catalogueLoaded) {
        auto catalogue = m_store->loadCatalogue();
        if (!catalogue)
            return catalogue.error();
        m_cache->catalogue = std::move(catalogue).value();
        m_cache->catalogueLoaded = true;
    }
    Validation v;
    v.now = request.now.value_or(Store::nowMs());
    v.order = request.order;
    completeOrder(v.order);

    qint64 &customerId = v.customerKey;
    auto customer = customerFacts(request, customerId);
    if (!customer)
        return customer.error();
    Rules::Facts facts = std::move(customer).value();
    facts.now = v.now;
    facts.items.clear();
    for (const OrderItem &item : v.order.items)
        facts.items.append({item.sku, item.product, item.category, item.quantity, item.price});
    // Given rather than derived: the evaluator finds stored attributes first.
    qint64 itemsCount = 0;
    for (const OrderItem &item : v.order.items)
        itemsCount += item.quantity;
    facts.attributes.insert(QStringLiteral("order.amount"), Rules::Value::money(v.order.itemsAmount()));
    facts.attributes.insert(QStringLiteral("order.items_count"), Rules::Value::number(double(itemsCount)));
    if (!v.order.channel.isEmpty())
        facts.attributes.insert(QStringLiteral("order.channel"), Rules::Value::string(v.order.channel));
    for (auto it = v.order.metadata.begin(); it != v.order.metadata.end(); ++it)
        facts.attributes.insert(QStringLiteral("order.metadata.") + it.key(),
                                Rules::Value::string(it.value().isString() ? it.value().toString()
                                                                           : it.value().toVariant().toString()));

    m_assignments.clear();
    m_pendingExposures.clear();
    if (!trial) {
        if (Status s = assignExperiments(request, facts, v); !s)
            return s.error();
    }

    m_campaignRules.clear();
    // Reused between requests: qualify builds hundreds of candidates each time.
    std::vector<Candidate> &candidates = m_candidates;
    candidates.clear();
    auto campaignAt = [this](const QString &id) -> const CachedCampaign * {
        const auto it = m_cache->byId.constFind(id);
        return it == m_cache->byId.constEnd() ? nullptr : &m_cache->campaigns[size_t(*it)];
    };
    if (trial) {
        const Campaign &campaign = trial->campaign;
        for (const Tier &tier : campaign.tiers) {
            Candidate c;
            c.cached = trial;
            c.tier = &tier;
            c.result.requested = {Redeemable::Object::PromotionTier, tier.id, std::nullopt};
            candidates.push_back(std::move(c));
        }
        if (campaign.hasCodes()) {
            // The code the customer would hold: the standalone one as stored, or a fresh one.
            Store::CodeRow code = trial->standalone.value_or(Store::CodeRow());
            if (!trial->standalone) {
                code.code = campaign.standaloneCode.isEmpty() ? QStringLiteral("(a new code)") : campaign.standaloneCode;
                code.campaignId = campaign.id;
                code.status = QStringLiteral("active");
                code.publishedAt = v.now;
                if (campaign.type == CampaignType::GiftVouchers)
                    code.giftBalance = campaign.giftAmount;
            }
            Candidate c;
            c.cached = trial;
            c.code = code;
            c.result.requested = {Redeemable::Object::Voucher, code.code, std::nullopt};
            candidates.push_back(std::move(c));
        }
    } else if (qualifyAll) {
        for (const CachedCampaign &cached : m_cache->campaigns) {
            if (cached.campaign.status != CampaignStatus::Active)
                continue;
            for (const Tier &tier : cached.campaign.tiers) {
                Candidate c;
                c.cached = &cached;
                c.tier = &tier;
                c.result.requested = {Redeemable::Object::PromotionTier, tier.id, std::nullopt};
                candidates.push_back(std::move(c));
            }
            if (cached.standalone) {
                Candidate c;
                c.cached = &cached;
                c.code = cached.standalone;
                // Only a per-code limit or a gift balance needs the code's live counters.
                if (cached.campaign.limits.perCode > 0 || cached.campaign.type == CampaignType::GiftVouchers) {
                    auto code = m_store->findCode(cached.standalone->code);
                    if (!code)
                        return code.error();
                    if (!code.value())
                        continue;
                    c.code = code.value();
                }
                c.result.requested = {Redeemable::Object::Voucher, c.code->code, std::nullopt};
                candidates.push_back(std::move(c));
            }
        }
        if (customerId) {
            auto held = m_store->codesOfCustomer(customerId);
            if (!held)
                return held.error();
            for (const Store::CodeRow &code : held.value()) {
                const CachedCampaign *cached = campaignAt(code.campaignId);
                // Their own referral code is for others; standalone codes are listed above.
                if (!cached || cached->campaign.status != CampaignStatus::Active
                    || cached->campaign.type == CampaignType::Referral || cached->campaign.standaloneCode == code.code)
                    continue;
                Candidate c;
                c.cached = cached;
                c.code = code;
                c.result.requested = {Redeemable::Object::Voucher, code.code, std::nullopt};
                candidates.push_back(std::move(c));
            }
        }
    } else {
        QSet<QString> requestedOnce; // resolved codes and tiers
        for (const Redeemable &requested : request.redeemables) {
            Candidate c;
            c.result.requested = requested;
            if (requested.object == Redeemable::Object::PromotionTier) {
                const auto it = m_cache->tiers.constFind(requested.id);
                if (it != m_cache->tiers.constEnd()) {
                    c.cached = &m_cache->campaigns[size_t(it->first)];
                    c.tier = &c.cached->campaign.tiers[it->second];
                }
            } else {
                auto code = m_store->findCode(normaliseCode(requested.id, m_cache->codeCase));
                if (!code)
                    return code.error();
                if (code.value()) {
                    c.code = code.value();
                    c.cached = campaignAt(c.code->campaignId);
                }
            }
            const QString resolved = c.tier ? c.tier->id : c.code ? Ids::make(Ids::Code, c.code->id) : QString();
            if (!resolved.isEmpty() && requestedOnce.contains(resolved)) {
                c.cached = nullptr;
                c.fail(QStringLiteral("duplicate_redeemable"),
                       QStringLiteral("%1 is already in this request (codes are compared without case)").arg(requested.id));
            } else if (!c.cached) {
                c.fail(QStringLiteral("resource_not_found"),
                       requested.object == Redeemable::Object::PromotionTier
                           ? QStringLiteral("no promotion tier %1").arg(requested.id)
                           : QStringLiteral("no code %1 in this workspace").arg(requested.id));
            }
            requestedOnce.insert(resolved);
            candidates.push_back(std::move(c));
        }
    }
    for (size_t i = 0; i < candidates.size(); ++i) {
        Candidate &c = candidates[i];
        c.order = int(i);
        if (!c.cached)
            continue;
        if (Status s = checkCandidate(c, facts, customerId, v.now, request); !s)
            return s.error();
        if (c.result.outcome == Outcome::Applicable && !c.isGift()) {
            AppliedDiscount applied = applyDiscount(c.discount(), v.order, {}, m_skuLookup);
            if (!applied.applicable)
                c.fail(QStringLiteral("order_rules_violated"), applied.message);
            c.rankDiscount = applied.total;
            c.rankApplied = std::move(applied);
        }
    }
    stack(candidates, v, qualifyAll);
    v.valid = v.inapplicable.isEmpty() && !v.applicable.isEmpty() && (qualifyAll || v.skipped.isEmpty());
    return v;
}

void CampaignEngine::stack(std::vector<Candidate> &candidates, Validation &v, bool qualifyAll)
{
    QList<Candidate *> ordered;
    ordered.reserve(qsizetype(candidates.size()));
    v.inapplicable.reserve(qsizetype(candidates.size()));
    for (Candidate &c : candidates) {
        if (c.result.outcome == Outcome::Applicable)
            ordered.append(&c);
        else
            v.inapplicable.append(std::move(c.result));
    }
    // A request keeps its own order after priority, except that tiers of one promotion
    // sit together where its first tier was asked for, the better tier first.
    QHash<QString, int> promotionPlace;
    for (const Candidate *c : ordered) {
        if (c->tier && !promotionPlace.contains(c->result.campaignId))
            promotionPlace.insert(c->result.campaignId, c->order);
    }
    auto place = [&promotionPlace](const Candidate *c) {
        return c->tier ? promotionPlace.value(c->result.campaignId) : c->order;
    };
    // Best first: priority, then (qualify) the larger discount, then stable ids. Gift
    // cards pay what is left, last.
    std::stable_sort(ordered.begin(), ordered.end(), [qualifyAll, &place](const Candidate *a, const Candidate *b) {
        if (a->isGift() != b->isGift())
            return !a->isGift();
        if (a->result.priority != b->result.priority)
            return a->result.priority > b->result.priority;
        if (!qualifyAll) {
            if (place(a) != place(b))
                return place(a) < place(b);
            if (a->rankDiscount != b->rankDiscount)
                return a->rankDiscount > b->rankDiscount;
            return a->order < b->order;
        }
        if (a->rankDiscount != b->rankDiscount)
            return a->rankDiscount > b->rankDiscount;
        if (a->result.campaignId != b->result.campaignId)
            return a->result.campaignId < b->result.campaignId;
        return a->result.requested.id < b->result.requested.id;
    });

    const Store::StackingRules &rules = m_cache->stacking;
    Order working = v.order;
    QList<qint64> taken(working.items.size(), 0);
    qint64 shippingLeft = working.shipping;
    QSet<QString> promotionsApplied;
    QHash<QString, Store::Usage> inRequest; // what this request already takes from each campaign
    bool untouched = true;                  // no discount has taken anything yet
    int applied = 0;
    int exclusiveApplied = 0;
    bool otherApplied = false; // something neither exclusive nor joint
    v.skipped.reserve(ordered.size());
    v.applicable.reserve(ordered.size());
    auto skip = [&v](Candidate *c, const QString &key, const QString &message) {
        c->result.outcome = Outcome::Skipped;
        c->result.failureKey = key;
        c->result.message = message;
        v.skipped.append(std::move(c->result));
    };
    for (Candidate *c : ordered) {
        const QString &category = c->result.category;
        const bool exclusive = !category.isEmpty() && rules.exclusiveCategories.contains(category);
        const bool joint = !category.isEmpty() && rules.jointCategories.contains(category);
        if (c->tier && promotionsApplied.contains(c->result.campaignId)) {
            skip(c, QStringLiteral("promotion_tier_not_best"),
                 QStringLiteral("a better tier of %1 applies; its tiers never combine").arg(c->result.campaignName));
            continue;
        }
        if (applied >= rules.applicableLimit) {
            skip(c, QStringLiteral("applicable_redeemables_limit_exceeded"),
                 QStringLiteral("at most %1 incentives apply to one order").arg(rules.applicableLimit));
            continue;
        }
        if ((exclusive && (otherApplied || exclusiveApplied >= rules.exclusiveLimit)) || (exclusiveApplied && !joint)) {
            skip(c, QStringLiteral("exclusion_rules_not_met"),
                 exclusive ? QStringLiteral("%1 is in the exclusive category \"%2\" and another incentive already applies")
                                 .arg(c->result.campaignName, category)
                           : QStringLiteral("an exclusive incentive already applies; only joint categories combine with it"));
            continue;
        }
        const Store::Usage taking = inRequest.value(c->result.campaignId);
        if (c->countLeft >= 0 && taking.redemptions >= c->countLeft) {
            c->result.outcome = Outcome::Inapplicable;
            c->result.failureKey = QStringLiteral("redemption_rules_violated");
            c->result.message = c->countMessage + QStringLiteral(" — this request already uses what is left");
            v.inapplicable.append(std::move(c->result));
            continue;
        }
        if (c->isGift()) {
            const qint64 left = working.itemsAmount() - std::accumulate(taken.begin(), taken.end(), qint64(0))
                                + shippingLeft - v.giftCredits;
            qint64 credits = std::min(c->code->giftBalance.value_or(0), left);
            if (c->result.requested.giftCredits)
                credits = std::min(credits, *c->result.requested.giftCredits);
            if (credits <= 0) {
                skip(c, QStringLiteral("order_amount_covered"), QStringLiteral("nothing is left to pay with the gift card"));
                continue;
            }
            c->result.giftCredits = credits;
            c->result.giftBalance = c->code->giftBalance.value_or(0) - credits;
            v.giftCredits += credits;
        } else {
            // The first discount sees the clean cart: what the ranking computed.
            AppliedDiscount result;
            if (untouched) {
                result = std::move(c->rankApplied);
            } else {
                Order current = working;
                current.shipping = shippingLeft;
                result = applyDiscount(c->discount(), current, taken, m_skuLookup);
            }
            if (!result.applicable) {
                skip(c, QStringLiteral("nothing_left_to_discount"),
                     QStringLiteral("the incentives before it leave nothing for it to take off: %1").arg(result.message));
                continue;
            }
            const qint64 budgetLeft = c->budgetLeft < 0 ? -1 : c->budgetLeft - taking.discount;
            if (budgetLeft >= 0 && result.total > budgetLeft) {
                c->result.outcome = Outcome::Inapplicable;
                c->result.failureKey = QStringLiteral("redemption_rules_violated");
                c->result.message = QStringLiteral("%1 has %2 of its discount budget left; this order would take %3")
                                        .arg(c->result.campaignName, formatMoney(budgetLeft), formatMoney(result.total));
                v.inapplicable.append(std::move(c->result));
                continue;
            }
            const int base = int(taken.size());
            for (int i = 0; i < base; ++i)
                taken[i] += result.lineDiscounts.value(i);
            for (int i = 0; i < result.addedItems.size(); ++i) {
                working.items.append(result.addedItems[i]);
                taken.append(result.lineDiscounts.value(base + i));
            }
            untouched = false;
            shippingLeft -= result.shippingDiscount;
            v.shippingDiscount += result.shippingDiscount;
            c->result.discount = c->discount(); // only the applied ones show their discount
            c->result.applied = result;
            v.addedItems += result.addedItems;
        }
        ++applied;
        Store::Usage &use = inRequest[c->result.campaignId];
        use.redemptions += 1;
        use.discount += c->result.applied.total + c->result.giftCredits;
        if (exclusive)
            ++exclusiveApplied;
        else if (!joint)
            otherApplied = true;
        if (c->tier)
            promotionsApplied.insert(c->result.campaignId);
        v.applicable.append(std::move(c->result));
    }
    v.order = working;
    v.lineDiscounts = taken;
    v.itemsDiscount = std::accumulate(taken.begin(), taken.end(), qint64(0));
    // Inapplicable ones keep the candidates' order: campaigns by id (tiers in their order,
    // then the shared code), then the customer's codes by id — never the order of saving.
}

Status CampaignEngine::beginBatch()
{
    if (Status s = m_connection.exec(QStringLiteral("BEGIN IMMEDIATE")); !s)
        return s;
    m_batch = true;
    return {};
}

Status CampaignEngine::commitBatch()
{
    m_batch = false;
    return m_connection.commit();
}

// IMMEDIATE takes the write lock before reading, so the limits read after it cannot
// change until the commit: N concurrent redeemers of a limit-K code give exactly K.
Status CampaignEngine::beginWrite()
{
    return m_batch ? m_store->execPrepared("SAVEPOINT engine_write") : m_connection.exec(QStringLiteral("BEGIN IMMEDIATE"));
}

Status CampaignEngine::endWrite()
{
    if (m_batch)
        return m_store->execPrepared("RELEASE engine_write");
    if (Status s = m_connection.commit(); !s) {
        m_connection.rollback();
        return s;
    }
    return {};
}

void CampaignEngine::abandonWrite()
{
    if (m_batch) {
        m_connection.exec(QStringLiteral("ROLLBACK TO engine_write"));
        m_connection.exec(QStringLiteral("RELEASE engine_write"));
    } else {
        m_connection.rollback();
    }
}

Result<Validation> CampaignEngine::readOnly(const Request &request, bool qualifyAll, const CachedCampaign *trial)
{
    // One read transaction: one snapshot and one lock for the dozen queries of a request.
    const bool own = !m_batch;
    if (own) {
        if (Status s = m_connection.exec(QStringLiteral("BEGIN")); !s)
            return s.error();
    }
    auto result = evaluate(request, qualifyAll, trial);
    if (own)
        m_connection.rollback();
    if (!result || m_pendingExposures.isEmpty())
        return result;
    // A customer seen for the first time in a running experiment: a short write.
    if (Status s = beginWrite(); !s)
        return s.error();
    if (Status s = recordExposures(); !s) {
        abandonWrite();
        return s.error();
    }
    if (Status s = endWrite(); !s)
        return s.error();
    return result;
}

Result<Validation> CampaignEngine::qualify(const Request &request)
{
    return readOnly(request, true);
}

Result<Validation> CampaignEngine::tryCampaign(const Campaign &draft, const Request &request)
{
    if (!draft.zone().isValid())
        return Error{QStringLiteral("%1 is not a known IANA time zone").arg(draft.timezone), QStringLiteral("timezone")};
    CachedCampaign trial;
    trial.campaign = draft;
    trial.campaign.status = CampaignStatus::Active;
    if (trial.campaign.id.isEmpty())
        trial.campaign.id = QStringLiteral("camp_draft");
    trial.zone = draft.zone();
    trial.scope = scopeOf(draft.eligibility);
    for (const Tier &tier : draft.tiers)
        trial.tierScopes.append(scopeOf(tier.eligibility));
    if (!draft.standaloneCode.isEmpty()) {
        auto code = m_store->findCode(draft.standaloneCode);
        if (!code)
            return code.error();
        // Another campaign's code is not this one's to try.
        if (code.value() && code.value()->campaignId == trial.campaign.id)
            trial.standalone = code.value();
    }
    Request explained = request;
    explained.explain = true;
    return readOnly(explained, true, &trial);
}

Result<Validation> CampaignEngine::validate(const Request &request)
{
    if (request.redeemables.isEmpty())
        return Error{QStringLiteral("the request names no redeemables to validate"), QStringLiteral("redeemables")};
    auto evaluated = readOnly(request, false);
    if (!evaluated || !request.logValidation)
        return evaluated;
    // The outcome of each requested redeemable goes to the validations log, which the
    // campaign statistics count; a short write of its own after the read.
    const Validation &v = evaluated.value();
    if (Status s = beginWrite(); !s)
        return s.error();
    auto rollbackGuard = qScopeGuard([this] { abandonWrite(); });
    for (const QList<RedeemableResult> *results : {&v.applicable, &v.skipped, &v.inapplicable}) {
        for (const RedeemableResult &r : *results) {
            Store::ValidationRecord row;
            row.createdAt = v.now;
            row.campaignId = r.campaignId;
            row.tierId = r.tierId;
            row.codeId = r.codeId;
            row.customerId = v.customerKey;
            row.orderAmount = v.amount();
            row.channel = v.order.channel;
            row.valid = results == &v.applicable;
            if (row.valid)
                row.discountAmount = r.applied.total;
            else
                row.failureCode = r.failureKey.isEmpty() ? QStringLiteral("skipped") : r.failureKey;
            if (Status s = m_store->insertValidation(row); !s)
                return s.error();
        }
    }
    rollbackGuard.dismiss();
    if (Status s = endWrite(); !s)
        return s.error();
    return evaluated;
}

Result<Validation> CampaignEngine::redeem(const Request &request)
{
    if (request.redeemables.isEmpty())
        return Error{QStringLiteral("the request names no redeemables to redeem"), QStringLiteral("redeemables")};
    if (Status s = beginWrite(); !s)
        return s.error();
    auto rollbackGuard = qScopeGuard([this] { abandonWrite(); });

    auto evaluated = evaluate(request, false);
    if (!evaluated)
        return evaluated.error();
    Validation v = std::move(evaluated).value();
    if (Status s = recordExposures(); !s)
        return s.error();
    const qint64 customerId = v.customerKey;
    Store::RedemptionRecord base;
    base.createdAt = v.now;
    base.customerId = customerId;
    base.orderSourceId = v.order.sourceId;
    base.orderAmount = v.amount();
    base.channel = v.order.channel;

    auto record = [&](RedeemableResult &r, bool success) -> Status {
        Store::RedemptionRecord row = base;
        row.campaignId = r.campaignId;
        row.codeId = r.codeId;
        row.tierId = r.tierId;
        row.result = success ? QStringLiteral("SUCCESS") : QStringLiteral("FAILURE");
        if (success) {
            row.discountAmount = r.applied.total;
            row.giftAmount = r.giftCredits;
        } else {
            row.failureCode = r.failureKey;
            row.failureMessage = r.message;
        }
        const auto at = m_cache->byId.constFind(r.campaignId);
        const CachedCampaign *cached = at == m_cache->byId.constEnd() ? nullptr : &m_cache->campaigns[size_t(*at)];
        if (success && cached && cached->campaign.type == CampaignType::Referral && r.codeId) {
            if (r.codeHolder) {
                row.referrerId = r.codeHolder;
                const QString rewardId = cached->campaign.referral.rewardCampaignId;
                const auto reward = m_cache->byId.constFind(rewardId);
                if (!rewardId.isEmpty() && reward != m_cache->byId.constEnd()) {
                    auto published = m_store->publishCode(m_cache->campaigns[size_t(*reward)].campaign, row.referrerId, v.now);
                    if (!published)
                        return published.error();
                }
            }
        }
        auto id = m_store->insertRedemption(row);
        if (!id)
            return id.error();
        r.redemptionId = id.value();
        if (!success)
            return {};
        if (r.codeId) {
            if (Status s = m_store->addRedeemed(r.codeId, 1, -r.giftCredits); !s)
                return s;
        }
        if (cached && cached->campaign.limits.needsCampaignCounters()) {
            if (Status s = m_store->addUsage(r.campaignId, localDay(v.now, cached->zone), 1, r.applied.total + r.giftCredits);
                !s)
                return s;
        }
        return {};
    };
    if (v.valid) {
        for (RedeemableResult &r : v.applicable) {
            if (Status s = record(r, true); !s)
                return s.error();
        }
    } else {
        // All or nothing: nothing is redeemed; each failure is an attempt on record.
        for (QList<RedeemableResult> *refused : {&v.inapplicable, &v.skipped}) {
            for (RedeemableResult &r : *refused) {
                if (Status s = record(r, false); !s)
                    return s.error();
            }
        }
        // The response then shows what happened: nothing taken off, the ones that
        // would have applied skipped.
        for (RedeemableResult &r : v.applicable) {
            r.outcome = Outcome::Skipped;
            r.failureKey = QStringLiteral("not_redeemed");
            r.message = QStringLiteral("nothing is redeemed when another redeemable of the request is refused");
            r.applied = {};
            r.giftCredits = 0;
            v.skipped.append(std::move(r));
        }
        v.applicable.clear();
        v.order.items.resize(v.order.items.size() - v.addedItems.size());
        v.addedItems.clear();
        v.lineDiscounts = QList<qint64>(v.order.items.size(), 0);
        v.itemsDiscount = v.shippingDiscount = v.giftCredits = 0;
    }
    rollbackGuard.dismiss();
    if (Status s = endWrite(); !s)
        return s.error();
    return v;
}

Result<Rollback> CampaignEngine::rollback(qint64 redemptionId, const QString &reason, std::optional<qint64> now)
{
    if (Status s = beginWrite(); !s)
        return s.error();
    auto rollbackGuard = qScopeGuard([this] { abandonWrite(); });
    if (Status s = refresh(); !s)
        return s.error();
    auto found = m_store->redemption(redemptionId);
    if (!found)
        return found.error();
    const QString publicId = Ids::make(Ids::Redemption, redemptionId);
    if (!found.value())
        return Error{QStringLiteral("no redemption %1").arg(publicId), QStringLiteral("redemption")};
    const Store::RedemptionRecord original = *found.value();
    if (original.object != QLatin1String("redemption"))
        return Error{QStringLiteral("%1 is itself a rollback").arg(publicId), QStringLiteral("redemption")};
    if (original.result == QLatin1String("ROLLED_BACK"))
        return Error{QStringLiteral("%1 is already rolled back").arg(publicId), QStringLiteral("redemption")};
    if (original.result != QLatin1String("SUCCESS"))
        return Error{QStringLiteral("%1 failed, so there is nothing to roll back").arg(publicId), QStringLiteral("redemption")};
    if (Status s = m_store->markRolledBack(redemptionId); !s)
        return s.error();

    Store::RedemptionRecord row = original;
    row.id = 0;
    row.object = QStringLiteral("redemption_rollback");
    row.createdAt = now.value_or(Store::nowMs());
    row.result = QStringLiteral("SUCCESS");
    row.rollbackOf = redemptionId;
    row.referrerId = 0;
    row.reason = reason;
    auto id = m_store->insertRedemption(row);
    if (!id)
        return id.error();
    if (original.codeId) {
        if (Status s = m_store->addRedeemed(original.codeId, -1, original.giftAmount); !s)
            return s.error();
    }
    const auto at = m_cache->byId.constFind(original.campaignId);
    if (at != m_cache->byId.constEnd()) {
        const CachedCampaign &cached = m_cache->campaigns[size_t(*at)];
        if (cached.campaign.limits.needsCampaignCounters()) {
            // Back out of the day it counted on, so the limits of that day are restored.
            if (Status s = m_store->addUsage(original.campaignId, localDay(original.createdAt, cached.zone), -1,
                                             -(original.discountAmount + original.giftAmount));
                !s)
                return s.error();
        }
    }
    rollbackGuard.dismiss();
    if (Status s = endWrite(); !s)
        return s.error();
    return Rollback{id.value(), redemptionId, original.discountAmount, original.giftAmount};
}

} // namespace PromoDesk::Engine
