#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// sandbox create: a sandbox workspace beside production (docs/sandbox.md).
int runSandbox(const QStringList &arguments);
// promote --workspace SANDBOX --campaign ID [--production FILE]: a campaign to production.
int runPromote(const QStringList &arguments);
// simulate --workspace SANDBOX …: synthetic traffic; prints the JSON summary.
int runSimulate(const QStringList &arguments);
// backtest --workspace FILE --campaign-file JSON | --campaign ID [--days N]: prints the JSON forecast.
int runBacktest(const QStringList &arguments);

} // namespace PromoDesk::Cli
