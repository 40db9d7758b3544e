// sandbox create, promote.
#include "sandboxcommands.h"

#include "cliutil.h"

namespace PromoDesk::Cli {

int runSandbox(const QStringList &)
{
    return fail(QStringLiteral("sandbox: not built yet"), 2);
}

int runPromote(const QStringList &)
{
    return fail(QStringLiteral("promote: not built yet"), 2);
}

} // namespace PromoDesk::Cli
