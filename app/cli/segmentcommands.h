#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// segment list | create | refresh | export | add (all but `count`, which commands.cpp runs).
int runSegmentCommand(const QStringList &arguments);

} // namespace PromoDesk::Cli
