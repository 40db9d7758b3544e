#include "promotion.h"

#include "engine/campaignjson.h"
#include "engine/codegenerator.h"
#include "rules/ast.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/sandboxstore.h"
#include "store/sqlutil.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace PromoDesk::Sandbox {

namespace {

using namespace PromoDesk::Store;

// Something the campaign names that production must have, and where the campaign names it.
struct Reference
{
    ReferenceKind kind;
    QString id;
    QString where; // the campaign file's JSON path: "tiers[1].rules", "discount.applicable_to[0]"
};

QString kindWord(ReferenceKind kind)
{
    switch (kind) {
    case ReferenceKind::Segment: return QStringLiteral("segment");
    case ReferenceKind::Sku: return QStringLiteral("SKU");
    case ReferenceKind::Product: return QStringLiteral("product");
    case ReferenceKind::Category: return QStringLiteral("category");
    case ReferenceKind::Campaign: return QStringLiteral("campaign");
    }
    return {};
}

QStringList stringOperands(const Rules::Condition &condition)
{
    QStringList out;
    for (const Rules::Value &v : condition.operands) {
        if (v.isUnknown())
            continue;
        if (v.type() == Rules::Type::String)
            out << v.asString();
        else if (v.type() == Rules::Type::List)
            out << v.asList();
    }
    return out;
}

QString argumentString(const Rules::Condition &condition, const char *name)
{
    const Rules::Value *v = condition.argument(QLatin1String(name));
    return v && !v->isUnknown() && v->type() == Rules::Type::String ? v->asString() : QString();
}

// The ids a rule compares with: segment membership, the cart's SKUs, products and
// categories (per item or as filters of order.items.*), and the campaign whose
// redemptions it counts. Prefix and suffix matches name no id and are left alone.
void collectRule(const Rules::Node &node, const QString &where, QList<Reference> &out)
{
    for (const Rules::Node &child : node.children)
        collectRule(child, where, out);
    if (node.kind != Rules::Node::Kind::Condition)
        return;
    const Rules::Condition &c = node.condition;
    const QString at = QStringLiteral("%1 (line %2, column %3)").arg(where).arg(node.position.line).arg(node.position.column);
    const bool namesIds = c.op == Rules::Operator::Is || c.op == Rules::Operator::IsNot || c.op == Rules::Operator::In
                          || c.op == Rules::Operator::NotIn;
    const auto add = [&](ReferenceKind kind, const QStringList &ids) {
        for (const QString &id : ids) {
            if (!id.isEmpty())
                out.append({kind, id, at});
        }
    };
    if (c.attribute == QLatin1String("customer.segments")) {
        if (namesIds || c.op == Rules::Operator::Contains)
            add(ReferenceKind::Segment, stringOperands(c));
    } else if (c.attribute == QLatin1String("item.sku")) {
        if (namesIds)
            add(ReferenceKind::Sku, stringOperands(c));
    } else if (c.attribute == QLatin1String("item.product")) {
        if (namesIds)
            add(ReferenceKind::Product, stringOperands(c));
    } else if (c.attribute == QLatin1String("item.category")) {
        if (namesIds)
            add(ReferenceKind::Category, stringOperands(c));
    } else if (c.attribute == QLatin1String("order.items.quantity") || c.attribute == QLatin1String("order.items.amount")) {
        add(ReferenceKind::Sku, {argumentString(c, "sku")});
        add(ReferenceKind::Product, {argumentString(c, "product")});
        add(ReferenceKind::Category, {argumentString(c, "category")});
    } else if (c.attribute == QLatin1String("customer.redemptions.count")) {
        add(ReferenceKind::Campaign, {argumentString(c, "campaign")});
    }
}

void collectDiscount(const Engine::Discount &discount, const QString &where, QList<Reference> &out)
{
    for (int i = 0; i < discount.applicableTo.size(); ++i) {
        const Engine::ItemTarget &target = discount.applicableTo[i];
        const QString at = QStringLiteral("%1.applicable_to[%2]").arg(where).arg(i);
        switch (target.object) {
        case Engine::ItemTarget::Object::Sku: out.append({ReferenceKind::Sku, target.id, at}); break;
        case Engine::ItemTarget::Object::Product: out.append({ReferenceKind::Product, target.id, at}); break;
        case Engine::ItemTarget::Object::Category: out.append({ReferenceKind::Category, target.id, at}); break;
        }
    }
    if (discount.type == Engine::DiscountType::Unit && !discount.unitSku.isEmpty())
        out.append({ReferenceKind::Sku, discount.unitSku, where + QStringLiteral(".unit_type")});
}

QList<Reference> referencesOf(const Engine::Campaign &campaign)
{
    QList<Reference> out;
    if (campaign.eligibility.rule)
        collectRule(*campaign.eligibility.rule, QStringLiteral("rules"), out);
    if (campaign.type != Engine::CampaignType::Promotion && campaign.type != Engine::CampaignType::GiftVouchers)
        collectDiscount(campaign.discount, QStringLiteral("discount"), out);
    for (int i = 0; i < campaign.tiers.size(); ++i) {
        const Engine::Tier &tier = campaign.tiers[i];
        if (tier.eligibility.rule)
            collectRule(*tier.eligibility.rule, QStringLiteral("tiers[%1].rules").arg(i), out);
        collectDiscount(tier.discount, QStringLiteral("tiers[%1].discount").arg(i), out);
    }
    if (!campaign.referral.rewardCampaignId.isEmpty())
        out.append({ReferenceKind::Campaign, campaign.referral.rewardCampaignId,
                    QStringLiteral("referral_program.referrer_reward.campaign_id")});
    // A campaign that counts its own redemptions names itself: it arrives with itself.
    out.removeIf([&](const Reference &r) { return r.kind == ReferenceKind::Campaign && r.id == campaign.id; });
    return out;
}

bool sameFile(const QString &a, const QString &b)
{
    const QString ca = QFileInfo(a).canonicalFilePath();
    return !ca.isEmpty() && ca == QFileInfo(b).canonicalFilePath();
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

// Whether two campaigns differ only in what promotion does not copy (status, times).
bool sameDefinition(Engine::Campaign a, Engine::Campaign b)
{
    for (Engine::Campaign *c : {&a, &b}) {
        c->status = Engine::CampaignStatus::Draft;
        c->createdAt = 0;
        c->updatedAt = 0;
    }
    return Engine::campaignToJson(a) == Engine::campaignToJson(b);
}

// The check itself, on connections whose reads are each one snapshot. `campaign`
// receives the sandbox's campaign and `existing` production's copy, when there are.
Result<PromotionCheck> check(Connection &sandbox, const QString &campaignId, Connection &production,
                             std::optional<Engine::Campaign> &campaign, std::optional<Engine::Campaign> &existing)
{
    PromotionCheck out;
    auto sandboxInfo = Workspace::readInfo(sandbox);
    if (!sandboxInfo)
        return sandboxInfo.error();
    auto productionInfo = Workspace::readInfo(production);
    if (!productionInfo)
        return productionInfo.error();
    if (sandboxInfo.value().kind != WorkspaceKind::Sandbox)
        out.problems << QStringLiteral("workspace: %1 is a production workspace, not a sandbox").arg(sandbox.path());
    if (productionInfo.value().kind != WorkspaceKind::Production)
        out.problems << QStringLiteral("production: %1 is a sandbox, not a production workspace").arg(production.path());
    if (sameFile(sandbox.path(), production.path()))
        out.problems << QStringLiteral("production: %1 is the sandbox itself").arg(production.path());
    if (!out.problems.isEmpty())
        return out;

    CampaignStore sandboxStore(sandbox);
    auto loaded = sandboxStore.loadCampaign(campaignId);
    if (!loaded)
        return Error{loaded.error().message, sandbox.path()};
    if (!loaded.value()) {
        out.problems << QStringLiteral("campaign: there is no campaign %1 in the sandbox %2").arg(campaignId, sandbox.path());
        return out;
    }
    campaign = *loaded.value();
    const Engine::Campaign &c = *campaign;

    if (Status s = Engine::validateCampaign(c); !s)
        out.problems << (s.error().where.isEmpty() ? s.error().toString()
                                                   : s.error().where + QStringLiteral(": ") + s.error().message);

    // Every reference, looked up once per kind and id; each missing one reported where it is named.
    const QList<Reference> references = referencesOf(c);
    for (ReferenceKind kind : {ReferenceKind::Segment, ReferenceKind::Sku, ReferenceKind::Product, ReferenceKind::Category,
                               ReferenceKind::Campaign}) {
        QStringList ids;
        for (const Reference &r : references) {
            if (r.kind == kind && !ids.contains(r.id))
                ids << r.id;
        }
        if (ids.isEmpty())
            continue;
        auto missing = missingReferences(production, kind, ids);
        if (!missing)
            return missing.error();
        for (const Reference &r : references) {
            if (r.kind != kind || !missing.value().contains(r.id))
                continue;
            const QString problem = QStringLiteral("%1: %2 %3 is not in production").arg(r.where, kindWord(kind), r.id);
            if (!out.problems.contains(problem))
                out.problems << problem;
        }
    }

    CampaignStore productionStore(production);
    auto current = productionStore.loadCampaign(campaignId);
    if (!current)
        return Error{current.error().message, production.path()};
    existing = current.value();
    if (existing) {
        const QString status = Engine::campaignStatusKey(existing->status);
        if (existing->status == Engine::CampaignStatus::Active)
            out.problems << QStringLiteral("status: production's %1 is active; pause it in production first").arg(campaignId);
        else
            out.warnings << QStringLiteral("replaces production's %1 (status %2, last saved %3); its status stays %2")
                                .arg(campaignId, status, isoUtc(existing->updatedAt));
        if (sameDefinition(c, *existing))
            out.warnings << QStringLiteral("production's %1 already has this definition").arg(campaignId);
    } else if (c.status != Engine::CampaignStatus::Draft) {
        out.warnings << QStringLiteral("arrives in production as a draft (it is %1 in the sandbox)")
                            .arg(Engine::campaignStatusKey(c.status));
    }
    auto sameName = campaignIdByName(production, c.name);
    if (!sameName)
        return sameName.error();
    if (!sameName.value().isEmpty() && sameName.value() != campaignId)
        out.problems << QStringLiteral("name: production's campaign %1 is already called \"%2\"").arg(sameName.value(), c.name);
    if (!c.standaloneCode.isEmpty()) {
        auto codeCase = productionStore.codeCase();
        if (!codeCase)
            return codeCase.error();
        auto code = productionStore.findCode(Engine::normaliseCode(c.standaloneCode, codeCase.value()));
        if (!code)
            return code.error();
        if (code.value() && code.value()->campaignId != campaignId)
            out.problems << QStringLiteral("standalone_code: the code %1 belongs to production's campaign %2")
                                .arg(code.value()->code, code.value()->campaignId);
    } else if (c.hasCodes()) {
        out.warnings << QStringLiteral("codes are not copied: generate or import %1's codes in production").arg(campaignId);
    }
    return out;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

Result<PromotionCheck> checkPromotion(Connection &sandbox, const QString &campaignId, Connection &production)
{
    return reading<PromotionCheck>(sandbox, [&]() {
        return reading<PromotionCheck>(production, [&]() {
            std::optional<Engine::Campaign> campaign;
            std::optional<Engine::Campaign> existing;
            return check(sandbox, campaignId, production, campaign, existing);
        });
    });
}

Result<PromotionResult> promoteCampaign(Connection &sandbox, const QString &campaignId, Connection &production,
                                        const QString &actor)
{
    const QString sandboxPath = QFileInfo(sandbox.path()).absoluteFilePath();
    const QString productionPath = QFileInfo(production.path()).absoluteFilePath();
    // The sandbox's write lock first, then production's: the check runs under both, so
    // nothing it looked at can change before the copy is written; production commits
    // first, and the sandbox's audit row commits only after it.
    return writing<PromotionResult>(sandbox, [&]() -> Result<PromotionResult> {
        Engine::Campaign promoted;
        auto inProduction = writing<PromotionResult>(production, [&]() -> Result<PromotionResult> {
            std::optional<Engine::Campaign> campaign;
            std::optional<Engine::Campaign> existing;
            auto checked = check(sandbox, campaignId, production, campaign, existing);
            if (!checked)
                return checked.error();
            if (!checked.value().ok())
                return Error{QStringLiteral("refused (%1):\n%2")
                                 .arg(checked.value().problems.size() == 1
                                          ? QStringLiteral("1 problem")
                                          : QStringLiteral("%1 problems").arg(checked.value().problems.size()),
                                      checked.value().problems.join(QLatin1Char('\n'))),
                             campaignId};
            PromotionResult result;
            result.campaignId = campaignId;
            result.created = !existing;
            result.warnings = checked.value().warnings;

            Engine::Campaign copy = *campaign;
            copy.status = existing ? existing->status : Engine::CampaignStatus::Draft;
            copy.createdAt = 0; // production's own: kept from its copy, or now
            CampaignStore store(production);
            auto saved = store.saveCampaign(copy, actor);
            if (!saved)
                return Error{saved.error().message, production.path()};
            promoted = saved.value();
            QJsonObject after{{QStringLiteral("sandbox_path"), sandboxPath},
                              {QStringLiteral("created"), result.created},
                              {QStringLiteral("campaign"), Engine::campaignToJson(promoted)}};
            if (Status s = auditPromotion(production, campaignId, QStringLiteral("promoted_from_sandbox"), actor,
                                          existing ? compact(Engine::campaignToJson(*existing)) : QByteArray(),
                                          compact(after));
                !s)
                return s.error();
            return result;
        });
        if (!inProduction)
            return inProduction;
        QJsonObject after{{QStringLiteral("production_path"), productionPath},
                          {QStringLiteral("created"), inProduction.value().created},
                          {QStringLiteral("production_status"), Engine::campaignStatusKey(promoted.status)},
                          {QStringLiteral("campaign"), Engine::campaignToJson(promoted)}};
        if (Status s = auditPromotion(sandbox, campaignId, QStringLiteral("promoted_to_production"), actor, {},
                                      compact(after));
            !s) {
            // Production has the campaign already: say so rather than pretend nothing happened.
            inProduction.value().warnings << QStringLiteral("promoted, but the sandbox's audit row could not be written: %1")
                                                 .arg(s.error().message);
        }
        return inProduction;
    });
}

} // namespace PromoDesk::Sandbox
