#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// stats show | check | rebuild: the campaign statistics behind the dashboard (docs/dashboard.md).
int runStats(const QStringList &arguments);

} // namespace PromoDesk::Cli
