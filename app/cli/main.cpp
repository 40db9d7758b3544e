#include "commands.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace {

const char *const Usage =
    "Usage: promodesk-cli <command> [options]\n"
    "\n"
    "PromoDesk's headless command line. Every command takes --workspace FILE and --help.\n"
    "\n"
    "Commands:\n"
    "  init    Create a workspace, optionally filled with demo data\n"
    "  info    Show a workspace's kind, schema version and row counts (JSON)\n"
    "  check   Run SQLite's integrity check over a workspace\n"
    "  rules   Check a rule: rules check < RULE (prints the normal form and JSON)\n"
    "  segment Count the customers a rule matches: segment count --rule TEXT\n"
    "\n"
    "Exit status is 0 on success; otherwise one line on stderr says what went wrong.\n";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("promodesk-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROMODESK_VERSION));

    const QStringList arguments = QCoreApplication::arguments();
    const QString command = arguments.value(1);
    const QStringList rest = arguments.mid(1);
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        std::fputs(Usage, command.isEmpty() ? stderr : stdout);
        return command.isEmpty() ? 2 : 0;
    }
    if (command == QLatin1String("--version")) {
        std::printf("promodesk-cli %s\n", PROMODESK_VERSION);
        return 0;
    }
    if (command == QLatin1String("init"))
        return PromoDesk::Cli::runInit(rest);
    if (command == QLatin1String("info"))
        return PromoDesk::Cli::runInfo(rest);
    if (command == QLatin1String("check"))
        return PromoDesk::Cli::runCheck(rest);
    if (command == QLatin1String("rules"))
        return PromoDesk::Cli::runRules(rest);
    if (command == QLatin1String("segment"))
        return PromoDesk::Cli::runSegment(rest);
    std::fprintf(stderr, "promodesk-cli: unknown command \"%s\" (try promodesk-cli --help)\n",
                 command.toLocal8Bit().constData());
    return 2;
}
