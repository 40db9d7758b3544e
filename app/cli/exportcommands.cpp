#include "exportcommands.h"

#include <cstdio>

namespace PromoDesk::Cli {

int runExport(const QStringList &)
{
    std::fputs("promodesk-cli export: not built yet\n", stderr);
    return 2;
}

} // namespace PromoDesk::Cli
