#include "abtestcommands.h"
#include "commands.h"
#include "customercommands.h"
#include "experimentcommands.h"
#include "exportcommands.h"
#include "sandboxcommands.h"
#include "statscommands.h"

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
    "  segment    count | list | create | refresh | export | add (docs/segments.md)\n"
    "  customer   show | export | erase | consent: one customer's data and privacy (docs/customers.md)\n"
    "  campaigns  import FILE… | export --output DIR | list | status --campaign ID --status S\n"
    "  codes      generate --campaign ID --count N | publish --campaign ID --customer C\n"
    "  export     redemptions|customers|segment-members|codes|campaigns to CSV (docs/export.md)\n"
    "  stats      show | check | rebuild: the campaign counters behind the dashboard\n"
    "  sandbox    create: a sandbox workspace beside production (docs/sandbox.md)\n"
    "  promote    Copy a campaign from a sandbox to production, checked and audited\n"
    "  simulate   Synthetic shopping sessions against a sandbox's campaigns (JSON summary)\n"
    "  backtest   Replay the last N days of orders through a draft campaign (JSON forecast)\n"
    "  import     customers|products|orders|events FILE: CSV, all or nothing (docs/import.md)\n"
    "  qualify    What a cart qualifies for (request JSON on stdin, response on stdout)\n"
    "  validate   Check codes / promotion tiers against a cart, writing nothing\n"
    "  redeem     Validate and redeem atomically; every attempt is recorded\n"
    "  rollback   Undo a redemption: {\"redemption_id\": \"red_N\", \"reason\": …} on stdin\n"
    "  experiment list | save | start | stop | results | decide: a workspace's A/B tests (docs/experiments.md)\n"
    "  abtest     analyze | plan: A/B test statistics and sample sizes, no workspace (docs/abtest-json.md)\n"
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
    if (command == QLatin1String("customer"))
        return PromoDesk::Cli::runCustomer(rest);
    if (command == QLatin1String("campaigns"))
        return PromoDesk::Cli::runCampaigns(rest);
    if (command == QLatin1String("codes"))
        return PromoDesk::Cli::runCodes(rest);
    if (command == QLatin1String("export"))
        return PromoDesk::Cli::runExport(rest);
    if (command == QLatin1String("stats"))
        return PromoDesk::Cli::runStats(rest);
    if (command == QLatin1String("sandbox"))
        return PromoDesk::Cli::runSandbox(rest);
    if (command == QLatin1String("promote"))
        return PromoDesk::Cli::runPromote(rest);
    if (command == QLatin1String("simulate"))
        return PromoDesk::Cli::runSimulate(rest);
    if (command == QLatin1String("backtest"))
        return PromoDesk::Cli::runBacktest(rest);
    if (command == QLatin1String("import"))
        return PromoDesk::Cli::runImport(rest);
    if (command == QLatin1String("qualify"))
        return PromoDesk::Cli::runQualify(rest);
    if (command == QLatin1String("validate"))
        return PromoDesk::Cli::runValidate(rest);
    if (command == QLatin1String("redeem"))
        return PromoDesk::Cli::runRedeem(rest);
    if (command == QLatin1String("rollback"))
        return PromoDesk::Cli::runRollback(rest);
    if (command == QLatin1String("experiment"))
        return PromoDesk::Cli::runExperiment(rest);
    if (command == QLatin1String("abtest"))
        return PromoDesk::Cli::runAbtest(rest);
    std::fprintf(stderr, "promodesk-cli: unknown command \"%s\" (try promodesk-cli --help)\n",
                 command.toLocal8Bit().constData());
    return 2;
}
