#include "simulator.h"

#include "common/ids.h"
#include "engine/engine.h"
#include "store/connection.h"
#include "store/simulationdata.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTimeZone>

#include <algorithm>
#include <map>
#include <vector>

namespace PromoDesk::Sandbox {

namespace {

using Engine::CampaignEngine;
using Engine::Redeemable;
using Engine::Request;
using Engine::Validation;

// Baskets are copied from this many of the newest orders: enough variety, bounded memory.
constexpr int BasketPool = 20000;
// Unpublished codes of a campaign handed to sessions, in id order.
constexpr int UnpublishedPool = 5000;
// Web orders under this amount pay this shipping, as the demo history does, so that
// free-shipping incentives have something to take off.
constexpr qint64 FreeShippingFrom = 5000;
constexpr qint64 WebShipping = 495;

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

// The codes a session may type for one campaign.
struct CodeSource
{
    QString campaignId;
    bool referral = false;
    QHash<qint64, QStringList> held;          // customer → codes published to them
    QList<std::pair<qint64, QString>> shared; // referral codes: (holder, code), typed by friends
    QStringList unpublished;
    int nextUnpublished = 0;
    QString standalone;
};

bool hasBudget(const Engine::Campaign &campaign)
{
    return campaign.limits.budgetDiscount > 0 || campaign.limits.budgetRedemptions > 0;
}

} // namespace

QJsonObject TrafficSummary::toJson() const
{
    QJsonObject failureCounts;
    for (auto it = failures.cbegin(); it != failures.cend(); ++it)
        failureCounts.insert(it.key(), it.value());
    QJsonObject perCampaign;
    for (auto it = campaigns.cbegin(); it != campaigns.cend(); ++it) {
        const PerCampaign &c = it.value();
        perCampaign.insert(it.key(),
                           QJsonObject{{QStringLiteral("redemptions_succeeded"), c.redemptions},
                                       {QStringLiteral("redemptions_failed"), c.failed},
                                       {QStringLiteral("discount_amount"), c.discount},
                                       {QStringLiteral("budget_exhausted_at"),
                                        c.budgetExhaustedAt ? QJsonValue(isoUtc(*c.budgetExhaustedAt)) : QJsonValue()}});
    }
    return {{QStringLiteral("sessions"), sessions},
            {QStringLiteral("orders_with_discount"), ordersWithDiscount},
            {QStringLiteral("redemptions_succeeded"), redemptionsSucceeded},
            {QStringLiteral("redemptions_failed"), redemptionsFailed},
            {QStringLiteral("discount_amount"), discount},
            {QStringLiteral("order_amount"), orderAmount},
            {QStringLiteral("orders"), orders},
            {QStringLiteral("failures"), failureCounts},
            {QStringLiteral("campaigns"), perCampaign},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("sessions_per_second"), seconds > 0 ? double(sessions) / seconds : 0.0},
            {QStringLiteral("cancelled"), cancelled}};
}

Result<TrafficSummary> simulateTraffic(Store::Connection &sandbox, const TrafficOptions &options,
                                       const std::function<bool(qint64 done, qint64 total)> &progress)
{
    const QString where = sandbox.path();
    if (options.sessions < 0)
        return Error{QStringLiteral("the number of sessions cannot be negative (%1)").arg(options.sessions),
                     QStringLiteral("sessions")};
    if (options.to <= options.from)
        return Error{QStringLiteral("the simulated period is empty: it must end (%1) after it starts (%2)")
                         .arg(isoUtc(options.to), isoUtc(options.from)),
                     QStringLiteral("to")};
    if (!(options.memberShare >= 0 && options.memberShare <= 1))
        return Error{QStringLiteral("the share of members must be between 0 and 1 (%1)").arg(options.memberShare),
                     QStringLiteral("members")};
    if (!(options.codePropensity >= 0 && options.codePropensity <= 1))
        return Error{QStringLiteral("the propensity to use codes must be between 0 and 1 (%1)").arg(options.codePropensity),
                     QStringLiteral("code_propensity")};
    if (options.batch < 1)
        return Error{QStringLiteral("a batch holds at least one session (%1)").arg(options.batch), QStringLiteral("batch")};
    if (!(options.checkoutRate >= 0 && options.checkoutRate <= 1))
        return Error{QStringLiteral("the checkout rate must be between 0 and 1 (%1)").arg(options.checkoutRate),
                     QStringLiteral("checkout_rate")};
    if (!(options.discountElasticity >= 0 && options.discountElasticity <= 100))
        return Error{QStringLiteral("the discount elasticity must be between 0 and 100 (%1)").arg(options.discountElasticity),
                     QStringLiteral("discount_elasticity")};
    if (sandbox.access() != Store::Connection::Access::ReadWrite)
        return Error{QStringLiteral("traffic simulation writes redemptions, so it needs a read-write connection"), where};
    if (sandbox.inTransaction())
        return Error{QStringLiteral("traffic simulation commits its own batches; a transaction is already open"), where};

    auto info = Store::Workspace::readInfo(sandbox);
    if (!info)
        return info.error();
    if (info.value().kind != Store::WorkspaceKind::Sandbox)
        return Error{QStringLiteral("this is a production workspace: traffic simulation runs only in a sandbox "
                                    "(create one with \"sandbox create\" or New sandbox)"),
                     where};

    QElapsedTimer timer;
    timer.start();
    CampaignEngine engine(sandbox);
    Store::SimulationData data(sandbox);

    // The campaigns the traffic is about.
    auto stored = engine.store().loadCampaigns();
    if (!stored)
        return stored.error();
    std::map<QString, Engine::Campaign> chosen;
    if (options.campaignIds.isEmpty()) {
        for (const Engine::Campaign &campaign : stored.value()) {
            if (campaign.status == Engine::CampaignStatus::Active)
                chosen.emplace(campaign.id, campaign);
        }
        if (chosen.empty())
            return Error{QStringLiteral("the sandbox has no active campaign to send traffic to"), where};
    } else {
        for (const QString &id : options.campaignIds) {
            const auto found = std::find_if(stored.value().cbegin(), stored.value().cend(),
                                            [&id](const Engine::Campaign &c) { return c.id == id; });
            if (found == stored.value().cend())
                return Error{QStringLiteral("no campaign %1 in this sandbox").arg(id), QStringLiteral("campaigns")};
            if (found->status != Engine::CampaignStatus::Active)
                return Error{QStringLiteral("%1 is %2: only active campaigns take traffic (activate it in the sandbox first)")
                                 .arg(id, Engine::campaignStatusKey(found->status)),
                             QStringLiteral("campaigns")};
            chosen.emplace(id, *found);
        }
    }
    bool anyTiers = false;
    std::vector<CodeSource> codeSources; // by campaign id
    for (const auto &[id, campaign] : chosen) {
        anyTiers = anyTiers || !campaign.tiers.isEmpty();
        if (!campaign.hasCodes())
            continue;
        CodeSource source;
        source.campaignId = id;
        source.referral = campaign.type == Engine::CampaignType::Referral;
        source.standalone = campaign.standaloneCode;
        auto unpublished = data.unpublishedCodes(id, UnpublishedPool);
        if (!unpublished)
            return unpublished.error();
        source.unpublished = std::move(unpublished).value();
        auto published = data.publishedCodes(id);
        if (!published)
            return published.error();
        for (const auto &[holder, code] : published.value()) {
            if (source.referral)
                source.shared.append({holder, code});
            else
                source.held[holder].append(code);
        }
        codeSources.push_back(std::move(source));
    }

    auto customers = data.customerIds();
    if (!customers)
        return customers.error();
    auto baskets = data.recentBaskets(BasketPool);
    if (!baskets)
        return baskets.error();
    if (baskets.value().isEmpty())
        return Error{QStringLiteral("the sandbox has no orders to copy baskets from"), where};

    TrafficSummary summary;
    for (const auto &[id, campaign] : chosen)
        summary.campaigns.insert(id, {});

    QRandomGenerator random(options.seed);
    // Arrivals: uniform over the period, then processed in time order (a Poisson process
    // conditioned on its count).
    std::vector<qint64> times(size_t(options.sessions));
    for (qint64 &at : times)
        at = options.from + random.bounded(options.to - options.from);
    std::sort(times.begin(), times.end());

    // The engine's budget refusals are redemption_rules_violated naming the budget; the
    // first one of a campaign is when its budget ran out.
    auto noteBudget = [&](const Engine::RedeemableResult &r, qint64 at) {
        if (r.failureKey != QLatin1String("redemption_rules_violated") || !r.message.contains(QLatin1String("budget")))
            return;
        const auto campaign = chosen.find(r.campaignId);
        if (campaign == chosen.end() || !hasBudget(campaign->second))
            return;
        TrafficSummary::PerCampaign &c = summary.campaigns[r.campaignId];
        if (!c.budgetExhaustedAt)
            c.budgetExhaustedAt = at;
    };
    // What one redeem did: the attempts it recorded, counted like the redemptions table.
    auto account = [&](const Validation &v, bool &discounted) {
        if (v.valid) {
            for (const Engine::RedeemableResult &r : v.applicable) {
                ++summary.redemptionsSucceeded;
                summary.discount += r.applied.total;
                TrafficSummary::PerCampaign &c = summary.campaigns[r.campaignId];
                ++c.redemptions;
                c.discount += r.applied.total;
                discounted = discounted || r.applied.total > 0;
            }
            return;
        }
        for (const QList<Engine::RedeemableResult> *refused : {&v.inapplicable, &v.skipped}) {
            for (const Engine::RedeemableResult &r : *refused) {
                if (!r.redemptionId)
                    continue; // would have applied; not recorded (nothing is redeemed)
                ++summary.redemptionsFailed;
                ++summary.failures[r.failureKey];
                if (r.campaignId.isEmpty())
                    continue;
                TrafficSummary::PerCampaign &c = summary.campaigns[r.campaignId];
                ++c.failed;
                noteBudget(r, v.now);
            }
        }
    };

    auto codeFor = [&](qint64 customer) -> QString {
        CodeSource &source = codeSources[size_t(random.bounded(qint64(codeSources.size())))];
        if (source.referral) {
            // A friend's referral code (never the member's own).
            if (!source.shared.isEmpty()) {
                const auto &[holder, code] = source.shared[random.bounded(qint64(source.shared.size()))];
                if (holder != customer)
                    return code;
            }
        } else if (customer) {
            const auto held = source.held.constFind(customer);
            if (held != source.held.constEnd() && !held->isEmpty())
                return held->at(random.bounded(qint64(held->size())));
        }
        if (source.nextUnpublished < source.unpublished.size())
            return source.unpublished[source.nextUnpublished++];
        if (!source.standalone.isEmpty())
            return source.standalone;
        // Every unpublished code is handed out: someone retypes one (the engine says why not).
        if (!source.unpublished.isEmpty())
            return source.unpublished[random.bounded(qint64(source.unpublished.size()))];
        return {};
    };

    const qint64 total = options.sessions;
    qint64 done = 0;
    auto failBatch = [&sandbox](const Error &error) {
        sandbox.rollback();
        return error;
    };
    while (done < total) {
        if (Status s = engine.beginBatch(); !s)
            return s.error();
        const qint64 end = std::min(total, done + options.batch);
        for (qint64 i = done; i < end; ++i) {
            Request request;
            request.now = times[size_t(i)];
            qint64 customer = 0;
            if (!customers.value().isEmpty() && random.generateDouble() < options.memberShare)
                customer = customers.value()[random.bounded(qint64(customers.value().size()))];
            if (customer)
                request.customer = Ids::make(Ids::Customer, customer);
            const Store::SimulationBasket &basket = baskets.value()[random.bounded(qint64(baskets.value().size()))];
            request.order.sourceId = QStringLiteral("sim_%1_%2").arg(options.seed).arg(i + 1);
            request.order.channel = basket.channel;
            request.order.items = basket.items;
            const qint64 amount = request.order.itemsAmount();
            if (basket.channel == QLatin1String("web") && amount < FreeShippingFrom)
                request.order.shipping = WebShipping;
            ++summary.sessions;

            QString code;
            if (!codeSources.empty() && random.generateDouble() < options.codePropensity)
                code = codeFor(customer);

            // The shop applies the tiers of the chosen promotions the cart reaches.
            QList<Redeemable> tiers;
            qint64 offered = 0; // what the chosen campaigns would take off this cart
            if (anyTiers || options.recordOrders) {
                auto qualified = engine.qualify(request);
                if (!qualified)
                    return failBatch(qualified.error());
                for (const Engine::RedeemableResult &r : qualified.value().applicable) {
                    if (!chosen.count(r.campaignId))
                        continue;
                    offered += r.applied.total;
                    if (!r.tierId.isEmpty())
                        tiers.append(Redeemable{Redeemable::Object::PromotionTier, r.tierId, std::nullopt});
                }
                // A promotion whose budget is spent no longer qualifies, so the shop never
                // asks for it: qualify is where its budget is seen to run out.
                for (const Engine::RedeemableResult &r : qualified.value().inapplicable) {
                    if (!r.tierId.isEmpty())
                        noteBudget(r, *request.now);
                }
            }
            // Does the visit check out? A bigger incentive converts more.
            if (options.recordOrders && (options.checkoutRate < 1 || options.discountElasticity > 0)) {
                const double share = amount > 0 ? double(offered) / double(amount) : 0;
                const double chance = std::min(1.0, options.checkoutRate * (1 + options.discountElasticity * share));
                if (random.generateDouble() >= chance)
                    continue; // left without buying
            }
            summary.orderAmount += amount;
            ++summary.orders;

            request.redeemables = tiers;
            if (!code.isEmpty())
                request.redeemables.append(Redeemable{Redeemable::Object::Voucher, code, std::nullopt});
            qint64 discountTaken = 0;
            if (!request.redeemables.isEmpty()) {
                bool discounted = false;
                auto redeemed = engine.redeem(request);
                if (!redeemed)
                    return failBatch(redeemed.error());
                account(redeemed.value(), discounted);
                if (redeemed.value().valid)
                    discountTaken = redeemed.value().totalDiscount();
                // A refused code: the checkout drops it and takes the promotions alone.
                if (!redeemed.value().valid && !code.isEmpty() && !tiers.isEmpty()) {
                    request.redeemables = tiers;
                    auto again = engine.redeem(request);
                    if (!again)
                        return failBatch(again.error());
                    account(again.value(), discounted);
                    if (again.value().valid)
                        discountTaken = again.value().totalDiscount();
                }
                if (discounted)
                    ++summary.ordersWithDiscount;
            }
            if (options.recordOrders) {
                Store::SimulationData::CheckoutOrder order{request.order.sourceId, customer, request.order.channel,
                                                           request.order.items, discountTaken, *request.now};
                if (Status s = data.recordOrder(order); !s)
                    return failBatch(s.error());
            }
        }
        if (Status s = engine.commitBatch(); !s)
            return failBatch(s.error());
        done = end;
        if (progress && !progress(done, total)) {
            summary.cancelled = done < total;
            break;
        }
    }
    summary.seconds = double(timer.nsecsElapsed()) / 1e9;
    return summary;
}

} // namespace PromoDesk::Sandbox
