#pragma once

#include "common/result.h"
#include "engine/campaign.h"

#include <QByteArray>
#include <QJsonObject>

namespace PromoDesk::Engine {

// Campaigns as JSON files (docs/campaigns.md): Voucherify's field names, money in
// cents, times ISO-8601 UTC, rules in the text syntax (docs/rules.md) so that a file
// reads and diffs like the rule a marketer typed.
//
// toJson writes every field in a stable order and leaves out defaults (empty lists,
// zero limits), so two versions of a campaign diff line by line.
QJsonObject campaignToJson(const Campaign &campaign);
// Pretty-printed (2-space indent), keys in the documented order, trailing newline.
QByteArray campaignToJsonText(const Campaign &campaign);

// Reads and validates a campaign. Every error names the field by its JSON path
// ("tiers[1].discount.percent_off: 120 is above 100"); rule errors also carry the
// rule's line and column. Unknown keys are errors (a typo must not pass silently).
// `id` may be missing (a new campaign); the store assigns one.
Result<Campaign> campaignFromJson(const QJsonObject &object);
Result<Campaign> campaignFromJsonText(const QByteArray &text, const QString &fileName = {});
// Reads what it can and skips what it cannot, for the editor's unsaved drafts: a draft
// may hold what cannot be saved yet (a tier without a discount, a discount key that
// does not fit its type). Values refused by the strict reader keep their defaults.
Campaign campaignFromDraftJson(const QJsonObject &object);

// Checks that a campaign can be activated: a discount that takes something off, percent
// in (0, 100], start before expiration, a promotion with at least one tier, a known IANA
// zone, a code config whose space holds the codes, … Errors name the field.
Status validateCampaign(const Campaign &campaign);

} // namespace PromoDesk::Engine
