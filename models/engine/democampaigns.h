#pragma once

#include "common/result.h"
#include "engine/campaign.h"
#include "store/demogenerator.h"

#include <QDate>
#include <QList>

namespace PromoDesk::Engine {

// The demo's campaigns: the ten scenarios of docs/campaigns.md plus plain coupons, a
// gift card, a referral programme, a paused, an expired and a daily-limited campaign.
// Catalogue references (products, SKUs) are the demo catalogue's; `asOf` places the
// schedules around the demo history.
QList<Campaign> demoCampaigns(const QDate &asOf);

// Adds the demo campaigns, publishes codes, and replays a redemption history over the
// last year of the demo's orders through the engine's own redeem and rollback: each
// attempt is evaluated at the order's time, so failures carry the engine's real keys.
// Attempts: about a third of the orders of that year (large: over 1 000 000).
Status populateDemoCampaigns(const QString &file, const Store::DemoOptions &options, const Store::DemoProgress &progress,
                             Store::DemoReport &report);

// Store::generateDemo with the campaign stage: what `init --demo` and the GUI create.
Result<Store::DemoReport> generateDemoWorkspace(const QString &path, Store::DemoOptions options,
                                                const Store::DemoProgress &progress = {});

} // namespace PromoDesk::Engine
