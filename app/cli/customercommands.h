#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// customer show | export | erase | consent
int runCustomer(const QStringList &arguments);

} // namespace PromoDesk::Cli
