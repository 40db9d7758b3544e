#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// experiment list | save | start | stop | results | decide: the A/B tests of a
// workspace (docs/experiments.md).
int runExperiment(const QStringList &arguments);

} // namespace PromoDesk::Cli
