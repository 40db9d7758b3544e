#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>

namespace PromoDesk::Store {
class Connection;
}

// Promoting a campaign from a sandbox to production (issue 9). docs/sandbox.md.
namespace PromoDesk::Sandbox {

struct PromotionCheck
{
    QStringList problems; // each names what and where: "eligibility: segment seg_x is not in production"
    QStringList warnings; // allowed but worth a look: "replaces production's version 3 (status draft)"
    bool ok() const { return problems.isEmpty(); }
};

// What stops `campaignId` (in `sandbox`) from going to `production`: the campaign fails
// validateCampaign; it references segments, products, SKUs, categories or campaigns
// (a referral's reward campaign) that production does not have; production's campaign
// of the same id is active (pause it there first); `sandbox` is not a sandbox or
// `production` is not a production workspace. Reads only.
Result<PromotionCheck> checkPromotion(Store::Connection &sandbox, const QString &campaignId, Store::Connection &production);

struct PromotionResult
{
    QString campaignId;
    bool created = false;      // false: replaced production's draft / paused / ended copy
    QStringList warnings;
};

// Copies the campaign's definition to production in one transaction after
// checkPromotion: created as a draft (or replacing production's non-active copy of the
// same id, keeping its status), never its codes, usage or redemptions (a shared
// standalone_code is part of the definition: production's store makes its code row).
// Audited in both workspaces: CampaignStore's own "create"/"update" row in production,
// plus an audit_log row of entity_type "campaign_promotion" in each, action
// "promoted_to_production" (sandbox) / "promoted_from_sandbox" (production), whose
// `after` holds the other file's absolute path ("production_path" / "sandbox_path"),
// "created" and the campaign's JSON ("campaign"); production's `before` is the copy it
// replaced. The check runs again under both write locks (sandbox first, then
// production; production commits first). Refused with every problem in the error's
// message, one a line after "refused (N problems):", when the check fails.
Result<PromotionResult> promoteCampaign(Store::Connection &sandbox, const QString &campaignId, Store::Connection &production,
                                        const QString &actor);

} // namespace PromoDesk::Sandbox
