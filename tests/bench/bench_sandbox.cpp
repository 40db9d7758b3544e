// Traffic simulation and backtest speed (issue 9, benchmarks). Prints figures only.
//
//   bench_sandbox WORKSPACE [--sessions N] [--days D] [--threads N] [--no-simulation] [--no-reference]
//
// 1. Copies WORKSPACE to a temporary sandbox (kind "sandbox"), makes sure 50 campaigns
//    are active (clones of the active ones under new ids when there are fewer), and
//    simulates N sessions over the week before the newest order: sessions per second and
//    the median time per session (per batch of 200, divided by the batch).
// 2. Backtests a draft (a copy of camp_spend_tiers under a new id) over the last D days of
//    the ORIGINAL workspace, read-only: orders replayed, seconds, orders per second, on
//    N threads and, as the reference, on one.

#include "engine/engine.h"
#include "sandbox/backtest.h"
#include "sandbox/simulator.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/sandboxstore.h"
#include "store/schema.h"
#include "store/simulationdata.h"
#include "store/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace PromoDesk;

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000;
constexpr int ActiveCampaigns = 50;

int fail(const QString &message)
{
    std::fprintf(stderr, "bench_sandbox: %s\n", qPrintable(message));
    return 1;
}

bool copyWorkspace(const QString &from, const QString &to)
{
    if (!QFile::copy(from, to))
        return false;
    // A WAL not yet checkpointed holds the newest commits: SQLite replays it on open.
    if (QFile::exists(from + QStringLiteral("-wal")) && !QFile::copy(from + QStringLiteral("-wal"), to + QStringLiteral("-wal")))
        return false;
    QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner);
    return true;
}

// Clones of the active campaigns under new ids (tiers and shared codes renamed too) until
// `target` are active.
Result<int> ensureActive(Store::CampaignStore &store, int target)
{
    auto campaigns = store.loadCampaigns();
    if (!campaigns)
        return campaigns.error();
    QList<Engine::Campaign> active;
    for (const Engine::Campaign &c : campaigns.value()) {
        if (c.status == Engine::CampaignStatus::Active)
            active.append(c);
    }
    if (active.isEmpty())
        return Error{QStringLiteral("the workspace has no active campaign to clone"), QStringLiteral("campaigns")};
    int count = int(active.size());
    for (int n = 1; count < target; ++n) {
        Engine::Campaign clone = active[(n - 1) % active.size()];
        const QString suffix = QStringLiteral("_bench%1").arg(n);
        clone.id += suffix;
        clone.name += QStringLiteral(" (bench %1)").arg(n);
        clone.status = Engine::CampaignStatus::Draft;
        for (Engine::Tier &tier : clone.tiers)
            tier.id += suffix;
        if (!clone.standaloneCode.isEmpty())
            clone.standaloneCode += QStringLiteral("B%1").arg(n);
        if (clone.type == Engine::CampaignType::Referral)
            clone.referral.rewardCampaignId.clear();
        auto saved = store.saveCampaign(clone, QStringLiteral("bench"));
        if (!saved)
            return saved.error();
        auto activated = store.setStatus(saved.value().id, Engine::CampaignStatus::Active, QStringLiteral("bench"));
        if (!activated)
            return activated.error();
        ++count;
    }
    return count;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("workspace"), QStringLiteral("The workspace to measure on."));
    const QCommandLineOption sessionsOption(QStringLiteral("sessions"), QStringLiteral("Sessions (default 20000)."),
                                            QStringLiteral("N"), QStringLiteral("20000"));
    const QCommandLineOption daysOption(QStringLiteral("days"), QStringLiteral("Backtest days (default 90)."), QStringLiteral("D"),
                                        QStringLiteral("90"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), QStringLiteral("Backtest threads (default: cores)."),
                                           QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption noSimulation(QStringLiteral("no-simulation"), QStringLiteral("Only the backtest."));
    const QCommandLineOption noReference(QStringLiteral("no-reference"), QStringLiteral("No single-thread backtest."));
    parser.addOptions({sessionsOption, daysOption, threadsOption, noSimulation, noReference});
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("usage: bench_sandbox WORKSPACE [--sessions N] [--days D] [--threads N]"));
    const QString original = parser.positionalArguments().constFirst();
    const qint64 sessions = parser.value(sessionsOption).toLongLong();
    const int cores = QThread::idealThreadCount();

    auto info = Store::Workspace::inspect(original);
    if (!info)
        return fail(info.error().toString());
    std::printf("workspace %s (schema %d), %d cores\n", qPrintable(original), info.value().schemaVersion, cores);

    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(QStringLiteral("no temporary folder"));
    // The backtest reads the original, unless it needs an upgrade (which the backtest
    // refuses to do to a file): then an upgraded copy, before any simulated traffic.
    QString backtestPath = original;
    const bool upgrade = info.value().schemaVersion < Store::Schema::currentVersion();
    if (upgrade || !parser.isSet(noSimulation)) {
        const QString copy = dir.filePath(QStringLiteral("sandbox.promodesk"));
        QElapsedTimer copying;
        copying.start();
        if (!copyWorkspace(original, copy))
            return fail(QStringLiteral("cannot copy %1 to %2").arg(original, copy));
        auto opened = Store::Workspace::open(copy);
        if (!opened)
            return fail(opened.error().toString());
        std::printf("copied to a temporary sandbox in %.1f s\n", double(copying.elapsed()) / 1000);
        if (upgrade) {
            const QString upgraded = dir.filePath(QStringLiteral("upgraded.promodesk"));
            if (!QFile::copy(copy, upgraded))
                return fail(QStringLiteral("cannot copy %1").arg(copy));
            backtestPath = upgraded;
            std::printf("schema %d is older than %d: the backtest reads an upgraded copy\n", info.value().schemaVersion,
                        Store::Schema::currentVersion());
        }
    }

    if (!parser.isSet(noSimulation)) {
        const QString copy = dir.filePath(QStringLiteral("sandbox.promodesk"));
        auto connection = Store::Workspace::openForWriting(copy);
        if (!connection)
            return fail(connection.error().toString());
        Store::Connection &db = *connection.value();
        if (Status s = Store::setMetaValue(db, QStringLiteral("kind"), QStringLiteral("sandbox")); !s)
            return fail(s.error().toString());
        Store::CampaignStore store(db);
        auto active = ensureActive(store, ActiveCampaigns);
        if (!active)
            return fail(active.error().toString());
        Store::SimulationData data(db);
        auto newest = data.newestOrderTime();
        if (!newest || !newest.value())
            return fail(QStringLiteral("the workspace has no orders"));

        Sandbox::TrafficOptions options;
        options.sessions = sessions;
        options.to = *newest.value();
        options.from = options.to - 7 * DayMs;
        options.batch = 200;
        options.seed = 1;
        std::vector<double> perSession;
        QElapsedTimer batchTimer;
        batchTimer.start();
        qint64 last = 0;
        auto summary = Sandbox::simulateTraffic(db, options, [&](qint64 done, qint64) {
            perSession.push_back(double(batchTimer.nsecsElapsed()) / 1e3 / double(done - last));
            last = done;
            batchTimer.restart();
            return true;
        });
        if (!summary)
            return fail(summary.error().toString());
        const Sandbox::TrafficSummary &s = summary.value();
        std::sort(perSession.begin(), perSession.end());
        const double median = perSession.empty() ? 0 : perSession[perSession.size() / 2];
        std::printf("simulate: %lld sessions, %d active campaigns, %.2f s (setup included), %.0f sessions/s, "
                    "median %.0f us per session (batches of %d)\n",
                    static_cast<long long>(s.sessions), active.value(), s.seconds, double(s.sessions) / s.seconds, median,
                    options.batch);
        std::printf("          %lld redemptions, %lld failed attempts, %lld orders with a discount\n",
                    static_cast<long long>(s.redemptionsSucceeded), static_cast<long long>(s.redemptionsFailed),
                    static_cast<long long>(s.ordersWithDiscount));
    }

    // The draft: a copy of camp_spend_tiers (or the first promotion) under a new id.
    Engine::Campaign draft;
    {
        auto connection = Store::Connection::open(backtestPath, Store::Connection::Access::ReadOnly);
        if (!connection)
            return fail(connection.error().toString());
        Store::CampaignStore store(*connection.value());
        auto campaigns = store.loadCampaigns();
        if (!campaigns)
            return fail(campaigns.error().toString());
        for (const Engine::Campaign &c : campaigns.value()) {
            if (c.id == QLatin1String("camp_spend_tiers") || (draft.id.isEmpty() && c.type == Engine::CampaignType::Promotion))
                draft = c;
        }
        if (draft.id.isEmpty())
            return fail(QStringLiteral("the workspace has no promotion to copy as the draft"));
    }
    std::printf("backtest draft: a copy of %s\n", qPrintable(draft.id));
    draft.id = QStringLiteral("camp_bench_draft");
    draft.status = Engine::CampaignStatus::Draft;

    Sandbox::BacktestOptions options;
    options.days = parser.value(daysOption).toInt();
    options.threads = parser.value(threadsOption).toInt() > 0 ? parser.value(threadsOption).toInt() : cores;
    QList<int> runs = {options.threads};
    if (!parser.isSet(noReference) && options.threads != 1)
        runs.append(1);
    double parallelSeconds = 0;
    for (int threads : runs) {
        options.threads = threads;
        auto result = Sandbox::backtest(backtestPath, draft, options);
        if (!result)
            return fail(result.error().toString());
        const Sandbox::BacktestResult &r = result.value();
        std::printf("backtest: %d days, %lld orders replayed on %d thread%s in %.2f s: %.0f orders/s; "
                    "%lld would redeem, %.2f discount%s\n",
                    options.days, static_cast<long long>(r.orders), threads, threads == 1 ? "" : "s", r.seconds,
                    double(r.orders) / r.seconds, static_cast<long long>(r.redemptions), double(r.discount) / 100,
                    threads == 1 && parallelSeconds > 0
                        ? qPrintable(QStringLiteral(" (the %1-thread run is %2x faster)")
                                         .arg(runs.constFirst())
                                         .arg(r.seconds / parallelSeconds, 0, 'f', 2))
                        : "");
        if (threads == runs.constFirst())
            parallelSeconds = r.seconds;
    }
    return 0;
}
