#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// export redemptions | customers | segment-members | codes | campaigns (docs/export.md).
int runExport(const QStringList &arguments);

} // namespace PromoDesk::Cli
