#pragma once

#include <QStringList>

namespace PromoDesk::Cli {

// Each command parses its own arguments (the command name first) and returns the
// process exit code. Errors are one line on stderr.
int runInit(const QStringList &arguments);
int runInfo(const QStringList &arguments);
int runCheck(const QStringList &arguments);
int runRules(const QStringList &arguments);
int runSegment(const QStringList &arguments);
int runQualify(const QStringList &arguments);
int runValidate(const QStringList &arguments);
int runRedeem(const QStringList &arguments);
int runRollback(const QStringList &arguments);
int runCampaigns(const QStringList &arguments);
int runCodes(const QStringList &arguments);
int runImport(const QStringList &arguments);

} // namespace PromoDesk::Cli
