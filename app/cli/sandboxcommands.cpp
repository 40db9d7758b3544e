// sandbox create, promote.
#include "sandboxcommands.h"


#include "cliutil.h"

#include "sandbox/promotion.h"
#include "sandbox/sandbox.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QFileInfo>
#include <QJsonArray>

#include <cstdio>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Store;

const QString SandboxUsage = QStringLiteral(
    "Usage: promodesk-cli sandbox create --workspace NEW.promodesk\n"
    "           (--from PRODUCTION [--sample N] | --demo small|medium|large) [--seed S] [--name NAME] [--quiet]\n"
    "  --from PRODUCTION  sample production's customers (anonymised) with all their orders and events,\n"
    "                     its catalogue, segments and campaigns; production is only read\n"
    "  --sample N         at most N customers (default 10000)\n"
    "  --demo SIZE        seed with the demo loyalty programme instead\n"
    "  --seed S           which customers are sampled / the demo's seed (default 1)\n"
    "Prints the new sandbox as JSON.\n");

QString actor()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("promodesk-cli") : QStringLiteral("promodesk-cli (%1)").arg(user);
}

// A refused check: the first line says so, then one problem a line.
int refuse(const QString &command, const QStringList &problems)
{
    QString message = QStringLiteral("%1: refused (%2)").arg(command).arg(
        problems.size() == 1 ? QStringLiteral("1 problem") : QStringLiteral("%1 problems").arg(problems.size()));
    for (const QString &problem : problems)
        message += QStringLiteral("\n  ") + problem;
    return fail(message, 1);
}

} // namespace

int runSandbox(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    if (sub != QLatin1String("create")) {
        if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
            std::fputs(qPrintable(SandboxUsage), sub.isEmpty() ? stderr : stdout);
            return sub.isEmpty() ? 2 : 0;
        }
        return fail(QStringLiteral("sandbox: unknown subcommand \"%1\" (create)").arg(sub), 2);
    }
    const QString command = QStringLiteral("sandbox create");
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("The production workspace to sample."),
                                  QStringLiteral("PRODUCTION"));
    const QCommandLineOption sample(QStringLiteral("sample"), QStringLiteral("At most N customers (default 10000)."),
                                    QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Seed with demo data: small, medium or large."),
                                  QStringLiteral("SIZE"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Sample / demo seed (default 1)."),
                                  QStringLiteral("S"), QStringLiteral("1"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("Display name of the sandbox."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress on stderr."));
    parser.addOptions({workspace, from, sample, demo, seed, name, quiet});
    int exitCode = 0;
    if (!parse(parser, arguments.mid(1), SandboxUsage, exitCode))
        return exitCode;

    const QString path = parser.value(workspace);
    if (path.isEmpty())
        return fail(command + QStringLiteral(": --workspace NEW.promodesk is required"), 2);
    if (parser.isSet(from) == parser.isSet(demo))
        return fail(command + QStringLiteral(": give either --from PRODUCTION or --demo SIZE"), 2);
    if (parser.isSet(sample) && !parser.isSet(from))
        return fail(command + QStringLiteral(": --sample goes with --from"), 2);

    Sandbox::SandboxOptions options;
    QString error;
    const auto seedValue = integerOption(parser, seed, 1, 0, 4294967295LL, command, error);
    const auto sampleValue = integerOption(parser, sample, 10'000, 1, 100'000'000, command, error);
    if (!seedValue || !sampleValue)
        return fail(error, 2);
    options.seed = quint32(*seedValue);
    options.sampleCustomers = *sampleValue;
    if (parser.isSet(from)) {
        options.seeding = Sandbox::SandboxOptions::Seeding::SampleOfProduction;
        options.productionPath = parser.value(from);
    } else {
        options.seeding = Sandbox::SandboxOptions::Seeding::Demo;
        options.demoSize = parser.value(demo);
        if (!QStringList{QStringLiteral("small"), QStringLiteral("medium"), QStringLiteral("large")}.contains(options.demoSize))
            return fail(command + QStringLiteral(": --demo must be small, medium or large, not \"%1\"").arg(options.demoSize), 2);
    }
    options.name = parser.value(name);

    const bool showProgress = !parser.isSet(quiet);
    int shown = -1;
    const auto progress = [&](qint64 done, qint64 total) {
        const int percent = total > 0 ? int(done * 100 / total) : 0;
        if (showProgress && percent != shown) {
            shown = percent;
            std::fprintf(stderr, "\rcreating the sandbox… %3d%%", percent);
            std::fflush(stderr);
        }
        return true;
    };
    auto created = Sandbox::createSandbox(path, options, progress);
    if (showProgress && shown >= 0)
        std::fputs("\n", stderr);
    if (!created)
        return fail(command + QStringLiteral(": ") + created.error().toString());

    // Read-write (the file is ours and new) so that closing folds its WAL back in.
    auto connection = Connection::open(path, Connection::Access::ReadWrite);
    if (!connection)
        return fail(command + QStringLiteral(": ") + connection.error().toString());
    auto production = Sandbox::productionOf(*connection.value());
    auto counts = Workspace::counts(*connection.value());
    if (!production)
        return fail(command + QStringLiteral(": ") + production.error().toString());
    if (!counts)
        return fail(command + QStringLiteral(": ") + counts.error().toString());
    QJsonObject rows;
    for (const TableCount &count : counts.value())
        rows.insert(count.table, count.rows);
    const WorkspaceInfo &info = created.value();
    QJsonObject out{{QStringLiteral("workspace"), path},
                    {QStringLiteral("path"), QFileInfo(path).absoluteFilePath()},
                    {QStringLiteral("name"), info.name},
                    {QStringLiteral("kind"), kindName(info.kind)},
                    {QStringLiteral("schema_version"), info.schemaVersion},
                    {QStringLiteral("currency"), info.currency},
                    {QStringLiteral("seeding"), parser.isSet(from) ? QStringLiteral("sample") : QStringLiteral("demo")},
                    {QStringLiteral("seed"), QString::number(options.seed)},
                    {QStringLiteral("production_path"), production.value()},
                    {QStringLiteral("customers"), rows.value(QStringLiteral("customers"))},
                    {QStringLiteral("orders"), rows.value(QStringLiteral("orders"))},
                    {QStringLiteral("rows"), rows}};
    if (parser.isSet(demo))
        out.insert(QStringLiteral("demo"), options.demoSize);
    else
        out.insert(QStringLiteral("sample"), options.sampleCustomers);
    printJson(out);
    return 0;
}

int runPromote(const QStringList &arguments)
{
    const QString command = QStringLiteral("promote");
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption campaign(QStringLiteral("campaign"), QStringLiteral("The sandbox's campaign to promote."),
                                      QStringLiteral("ID"));
    const QCommandLineOption production(QStringLiteral("production"),
                                        QStringLiteral("The production workspace (default: the one the sandbox was "
                                                       "made beside)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption checkOnly(QStringLiteral("check"),
                                       QStringLiteral("Only check: print the problems and warnings, change nothing "
                                                      "(exit 1 when there are problems)."));
    parser.addOptions({workspace, campaign, production, checkOnly});
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Copy a campaign's definition from a sandbox to production (as a draft, or over "
                              "production's non-active copy), checked against production and audited in both. "
                              "Never copies codes, usage or redemptions. Prints JSON; a refused promotion exits 1 "
                              "with every problem on stderr."),
               exitCode))
        return exitCode;
    if (parser.value(workspace).isEmpty())
        return fail(command + QStringLiteral(": --workspace SANDBOX is required"), 2);
    const QString campaignId = parser.value(campaign);
    if (campaignId.isEmpty())
        return fail(command + QStringLiteral(": --campaign ID is required"), 2);
    const bool write = !parser.isSet(checkOnly);

    auto sandbox = openWorkspace(parser.value(workspace), write);
    if (!sandbox)
        return fail(command + QStringLiteral(": ") + sandbox.error().toString());
    QString productionPath = parser.value(production);
    if (productionPath.isEmpty()) {
        auto recorded = Sandbox::productionOf(*sandbox.value());
        if (!recorded)
            return fail(command + QStringLiteral(": ") + recorded.error().toString());
        productionPath = recorded.value();
        if (productionPath.isEmpty())
            return fail(command + QStringLiteral(": %1 records no production workspace; pass --production FILE")
                                      .arg(parser.value(workspace)),
                        2);
    }
    auto target = openWorkspace(productionPath, write);
    if (!target)
        return fail(command + QStringLiteral(": ") + target.error().toString());

    auto checked = Sandbox::checkPromotion(*sandbox.value(), campaignId, *target.value());
    if (!checked)
        return fail(command + QStringLiteral(": ") + checked.error().toString());
    QJsonObject out{{QStringLiteral("campaign"), campaignId},
                    {QStringLiteral("sandbox"), QFileInfo(parser.value(workspace)).absoluteFilePath()},
                    {QStringLiteral("production"), QFileInfo(productionPath).absoluteFilePath()}};
    if (!write) {
        out.insert(QStringLiteral("ok"), checked.value().ok());
        out.insert(QStringLiteral("problems"), QJsonArray::fromStringList(checked.value().problems));
        out.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(checked.value().warnings));
        printJson(out);
        return checked.value().ok() ? 0 : 1;
    }
    if (!checked.value().ok())
        return refuse(command, checked.value().problems);
    auto promoted = Sandbox::promoteCampaign(*sandbox.value(), campaignId, *target.value(), actor());
    if (!promoted) {
        // Refused by the check under the write locks (production changed in between): its
        // message holds the problems a line each.
        return fail(command + QStringLiteral(": ") + promoted.error().message);
    }
    out.insert(QStringLiteral("promoted"), true);
    out.insert(QStringLiteral("created"), promoted.value().created);
    out.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(promoted.value().warnings));
    printJson(out);
    return 0;
}

} // namespace PromoDesk::Cli
