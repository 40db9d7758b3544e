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
// same id, keeping its status), never its codes, usage or redemptions. Audited in both
// workspaces ("promoted_to_production" / "promoted_from_sandbox", with the other file's
// path). Refused with every problem in the error's message when the check fails.
Result<PromotionResult> promoteCampaign(Store::Connection &sandbox, const QString &campaignId, Store::Connection &production,
                                        const QString &actor);

} // namespace PromoDesk::Sandbox
