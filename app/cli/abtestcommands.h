#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// abtest analyze | plan: A/B test statistics on sufficient statistics read as JSON, and
// the sample-size planner (docs/abtest-json.md). Needs no workspace.
int runAbtest(const QStringList &arguments);

} // namespace PromoDesk::Cli
