// simulate, backtest.
#include "sandboxcommands.h"

#include "cliutil.h"

namespace PromoDesk::Cli {

int runSimulate(const QStringList &)
{
    return fail(QStringLiteral("simulate: not built yet"), 2);
}

int runBacktest(const QStringList &)
{
    return fail(QStringLiteral("backtest: not built yet"), 2);
}

} // namespace PromoDesk::Cli
