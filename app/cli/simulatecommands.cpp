// simulate, backtest: synthetic traffic in a sandbox, and a draft replayed over history.

#include "sandboxcommands.h"

#include "cliutil.h"

#include "engine/campaignjson.h"
#include "sandbox/backtest.h"
#include "sandbox/simulator.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QFile>

#include <cstdio>
#include <optional>

namespace PromoDesk::Cli {

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000;

std::optional<double> shareOption(const QCommandLineParser &parser, const QCommandLineOption &option, double fallback,
                                  const QString &command, QString &error)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || !(value >= 0 && value <= 1)) {
        error = QStringLiteral("%1: --%2 \"%3\" is not a share from 0 to 1")
                    .arg(command, option.names().constLast(), parser.value(option));
        return std::nullopt;
    }
    return value;
}

} // namespace

int runSimulate(const QStringList &arguments)
{
    const QString command = QStringLiteral("simulate");
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption sessions(QStringLiteral("sessions"), QStringLiteral("Shopping sessions to simulate (default 1000)."),
                                      QStringLiteral("N"));
    const QCommandLineOption days(QStringLiteral("days"),
                                  QStringLiteral("The simulated period: the D days ending now (default 7)."), QStringLiteral("D"));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("The simulated period's start (ISO-8601, with --to)."),
                                  QStringLiteral("ISO"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("The simulated period's end (ISO-8601, not included)."),
                                QStringLiteral("ISO"));
    const QCommandLineOption members(QStringLiteral("members"),
                                     QStringLiteral("Share of sessions by a workspace customer, 0 to 1 (default 0.8)."),
                                     QStringLiteral("SHARE"));
    const QCommandLineOption propensity(QStringLiteral("code-propensity"),
                                        QStringLiteral("Chance that a session types a code, 0 to 1 (default 0.3)."),
                                        QStringLiteral("P"));
    const QCommandLineOption campaign(QStringLiteral("campaign"),
                                      QStringLiteral("A campaign the traffic is about (repeatable; default: every active one)."),
                                      QStringLiteral("ID"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed: the same seed on the same file gives "
                                                                         "the same sessions (default 1)."),
                                  QStringLiteral("S"));
    const QCommandLineOption batch(QStringLiteral("batch"), QStringLiteral("Sessions per transaction (default 500)."),
                                   QStringLiteral("N"));
    const QCommandLineOption showProgress(QStringLiteral("progress"), QStringLiteral("Print progress to stderr."));
    const QCommandLineOption orders(QStringLiteral("orders"),
                                    QStringLiteral("Store each checkout as a PAID order; every session is a visit the "
                                                   "engine sees, so members are exposed to running experiments."));
    const QCommandLineOption checkout(QStringLiteral("checkout-rate"),
                                      QStringLiteral("With --orders: the chance a visit without a discount checks out "
                                                     "(0 to 1, default 1)."),
                                      QStringLiteral("SHARE"));
    const QCommandLineOption elasticity(QStringLiteral("elasticity"),
                                        QStringLiteral("With --orders: how much a discount raises that chance: "
                                                       "rate x (1 + E x discount / cart). Default 0."),
                                        QStringLiteral("E"));
    parser.addOptions({workspace, sessions, days, from, to, members, propensity, campaign, seed, batch, showProgress, orders,
                       checkout, elasticity});
    int exitCode = 0;
    if (!parse(parser,
               arguments,
               QStringLiteral("Runs synthetic shopping sessions through the engine against a sandbox's campaigns; the "
                              "redemptions land in the sandbox like real traffic. Prints the summary as JSON."),
               exitCode))
        return exitCode;

    Sandbox::TrafficOptions options;
    QString error;
    const auto count = integerOption(parser, sessions, options.sessions, 0, 100'000'000, command, error);
    const auto dayCount = integerOption(parser, days, 7, 1, 3660, command, error);
    const auto seedValue = integerOption(parser, seed, 1, 0, 4294967295LL, command, error);
    const auto batchSize = integerOption(parser, batch, options.batch, 1, 1'000'000, command, error);
    const auto memberShare = shareOption(parser, members, options.memberShare, command, error);
    const auto codePropensity = shareOption(parser, propensity, options.codePropensity, command, error);
    const auto checkoutRate = shareOption(parser, checkout, options.checkoutRate, command, error);
    if (error.isEmpty() && parser.isSet(elasticity)) {
        bool ok = false;
        options.discountElasticity = parser.value(elasticity).toDouble(&ok);
        if (!ok || !(options.discountElasticity >= 0 && options.discountElasticity <= 100))
            error = QStringLiteral("%1: --elasticity \"%2\" is not a number from 0 to 100").arg(command, parser.value(elasticity));
    }
    if (error.isEmpty() && !parser.isSet(orders) && (parser.isSet(checkout) || parser.isSet(elasticity)))
        error = QStringLiteral("%1: --checkout-rate and --elasticity need --orders").arg(command);
    if (!error.isEmpty())
        return fail(error, 2);
    options.sessions = *count;
    options.seed = quint32(*seedValue);
    options.batch = int(*batchSize);
    options.memberShare = *memberShare;
    options.codePropensity = *codePropensity;
    options.recordOrders = parser.isSet(orders);
    options.checkoutRate = *checkoutRate;
    options.campaignIds = parser.values(campaign);
    if (parser.isSet(from) || parser.isSet(to)) {
        if (parser.isSet(days))
            return fail(command + QStringLiteral(": give either --days or --from and --to, not both"), 2);
        if (!parser.isSet(from) || !parser.isSet(to))
            return fail(command + QStringLiteral(": --from and --to go together"), 2);
        for (const auto &[option, target] : {std::pair{&from, &options.from}, std::pair{&to, &options.to}}) {
            const auto at = isoTime(parser.value(*option));
            if (!at)
                return fail(QStringLiteral("%1: --%2 \"%3\" is not an ISO-8601 time (2026-03-01T09:00:00Z)")
                                .arg(command, option->names().constFirst(), parser.value(*option)),
                            2);
            *target = *at;
        }
        if (options.to <= options.from)
            return fail(command + QStringLiteral(": --to must be after --from"), 2);
    } else {
        options.to = Store::nowMs();
        options.from = options.to - *dayCount * DayMs;
    }

    const QString path = parser.value(workspace);
    auto connection = openWorkspace(path, true);
    if (!connection)
        return fail(command + QStringLiteral(": ") + connection.error().toString(), path.isEmpty() ? 2 : 1);
    const bool printProgress = parser.isSet(showProgress);
    auto summary = Sandbox::simulateTraffic(*connection.value(), options, [printProgress](qint64 done, qint64 total) {
        if (printProgress)
            std::fprintf(stderr, "%lld / %lld sessions\n", static_cast<long long>(done), static_cast<long long>(total));
        return true;
    });
    if (!summary)
        return fail(command + QStringLiteral(": ") + summary.error().toString());
    QJsonObject out = summary.value().toJson();
    out.insert(QStringLiteral("from"), isoUtc(options.from));
    out.insert(QStringLiteral("to"), isoUtc(options.to));
    out.insert(QStringLiteral("seed"), qint64(options.seed));
    printJson(out);
    return 0;
}

int runBacktest(const QStringList &arguments)
{
    const QString command = QStringLiteral("backtest");
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption campaign(QStringLiteral("campaign"),
                                      QStringLiteral("A campaign of the workspace, tried as a draft whatever its status."),
                                      QStringLiteral("ID"));
    const QCommandLineOption campaignFile(QStringLiteral("campaign-file"),
                                          QStringLiteral("A campaign JSON file (docs/campaigns.md) to try."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption days(QStringLiteral("days"), QStringLiteral("Days of orders to replay (default 90)."),
                                  QStringLiteral("N"));
    const QCommandLineOption until(QStringLiteral("until"),
                                   QStringLiteral("End of the period, not included (ISO-8601; default: just after the "
                                                  "newest order)."),
                                   QStringLiteral("ISO"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Worker threads (default: one per core)."),
                                     QStringLiteral("N"));
    parser.addOptions({workspace, campaign, campaignFile, days, until, threads});
    int exitCode = 0;
    if (!parse(parser,
               arguments,
               QStringLiteral("Replays the last days of a workspace's orders through a draft campaign, reading only, and "
                              "prints the forecast as JSON: redemptions, discount, when the budget runs out, overlap."),
               exitCode))
        return exitCode;

    Sandbox::BacktestOptions options;
    QString error;
    const auto dayCount = integerOption(parser, days, options.days, 1, 3660, command, error);
    const auto threadCount = integerOption(parser, threads, 0, 0, 256, command, error);
    if (!error.isEmpty())
        return fail(error, 2);
    options.days = int(*dayCount);
    options.threads = int(*threadCount);
    if (parser.isSet(until)) {
        const auto at = isoTime(parser.value(until));
        if (!at)
            return fail(QStringLiteral("%1: --until \"%2\" is not an ISO-8601 time (2026-03-01T09:00:00Z)")
                            .arg(command, parser.value(until)),
                        2);
        options.until = *at;
    }
    if (parser.isSet(campaign) == parser.isSet(campaignFile))
        return fail(command + QStringLiteral(": give exactly one of --campaign ID or --campaign-file FILE.json"), 2);

    const QString path = parser.value(workspace);
    Engine::Campaign draft;
    {
        // Checked (and an older schema upgraded, as every reading command does), read-only.
        auto connection = openWorkspace(path, false);
        if (!connection)
            return fail(command + QStringLiteral(": ") + connection.error().toString(), path.isEmpty() ? 2 : 1);
        if (parser.isSet(campaign)) {
            Store::CampaignStore store(*connection.value());
            auto loaded = store.loadCampaign(parser.value(campaign));
            if (!loaded)
                return fail(command + QStringLiteral(": ") + loaded.error().toString());
            if (!loaded.value())
                return fail(QStringLiteral("%1: no campaign %2 in %3").arg(command, parser.value(campaign), path));
            draft = *loaded.value();
        } else {
            QFile file(parser.value(campaignFile));
            if (!file.open(QIODevice::ReadOnly))
                return fail(QStringLiteral("%1: %2: %3").arg(command, file.fileName(), file.errorString()));
            auto parsed = Engine::campaignFromJsonText(file.readAll(), file.fileName());
            if (!parsed)
                return fail(command + QStringLiteral(": ") + parsed.error().toString());
            draft = std::move(parsed).value();
        }
    }
    auto result = Sandbox::backtest(path, draft, options);
    if (!result)
        return fail(command + QStringLiteral(": ") + result.error().toString());
    QJsonObject out = result.value().toJson();
    out.insert(QStringLiteral("campaign"), draft.id.isEmpty() ? QStringLiteral("camp_draft") : draft.id);
    printJson(out);
    return 0;
}

} // namespace PromoDesk::Cli
