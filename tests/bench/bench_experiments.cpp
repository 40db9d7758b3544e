// Experiments at scale (issue 10, benchmarks). Prints figures only.
//
//   bench_experiments WORKSPACE [--sessions N] [--exposures N]
//
// On a temporary sandbox copy of WORKSPACE with two promotion campaigns added:
// 1. simulated traffic with checkouts stored as orders, first with no experiment and
//    then with a running three-arm experiment (holdout, 5.00 off, 10% off) over every
//    customer: sessions per second each way, so the engine's cost of experiments shows;
// 2. the analysis of that experiment (read + statistics);
// 3. the analysis after recording an exposure for up to N customers (default: all of
//    them, e.g. 1.4 million on the large demo), as a loyalty programme would reach.

#include "engine/campaignjson.h"
#include "experiments/analysis.h"
#include "sandbox/simulator.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/experimentstore.h"
#include "store/sandboxstore.h"
#include "store/simulationdata.h"
#include "store/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

using namespace PromoDesk;

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000;

int fail(const QString &message)
{
    std::fprintf(stderr, "bench_experiments: %s\n", qPrintable(message));
    return 1;
}

Status addCampaign(Store::CampaignStore &store, const char *json)
{
    auto campaign = Engine::campaignFromJsonText(QByteArray(json));
    if (!campaign)
        return campaign.error();
    auto saved = store.saveCampaign(campaign.value(), QStringLiteral("bench"));
    if (!saved)
        return saved.error();
    return {};
}

Result<Sandbox::TrafficSummary> traffic(Store::Connection &connection, qint64 sessions, qint64 from, quint32 seed)
{
    Sandbox::TrafficOptions options;
    options.sessions = sessions;
    options.from = from;
    options.to = from + 7 * DayMs;
    options.recordOrders = true;
    options.checkoutRate = 0.3;
    options.discountElasticity = 3;
    options.codePropensity = 0;
    options.memberShare = 0.9;
    options.campaignIds = {QStringLiteral("camp_bench_five"), QStringLiteral("camp_bench_ten")};
    options.seed = seed;
    return Sandbox::simulateTraffic(connection, options);
}

void printAnalysis(const char *what, const Experiments::Analysis &a, double seconds)
{
    qint64 units = 0;
    for (qint64 n : a.exposed)
        units += n;
    std::printf("%s: %lld exposed customers analysed in %.3f s (%d goal metrics, %lld days of series)\n", what,
                static_cast<long long>(units), seconds, int(a.metrics.size()), static_cast<long long>(a.series.size()));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("workspace"), QStringLiteral("The workspace to measure on."));
    const QCommandLineOption sessionsOption(QStringLiteral("sessions"), QStringLiteral("Sessions per run (default 10000)."),
                                            QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption exposuresOption(QStringLiteral("exposures"),
                                             QStringLiteral("Customers exposed for the large analysis (default: all)."),
                                             QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({sessionsOption, exposuresOption});
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("usage: bench_experiments WORKSPACE [--sessions N] [--exposures N]"));
    const QString original = parser.positionalArguments().constFirst();
    const qint64 sessions = parser.value(sessionsOption).toLongLong();

    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("sandbox.promodesk"));
    QElapsedTimer timer;
    timer.start();
    if (!QFile::copy(original, copy))
        return fail(QStringLiteral("cannot copy %1").arg(original));
    if (QFile::exists(original + QStringLiteral("-wal")))
        QFile::copy(original + QStringLiteral("-wal"), copy + QStringLiteral("-wal"));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    if (auto opened = Store::Workspace::open(copy); !opened) // upgrades an older schema
        return fail(opened.error().toString());
    auto connection = Store::Workspace::openForWriting(copy);
    if (!connection)
        return fail(connection.error().toString());
    Store::Connection &db = *connection.value();
    if (Status s = Store::setMetaValue(db, QStringLiteral("kind"), QStringLiteral("sandbox")); !s)
        return fail(s.error().toString());
    std::printf("copied and upgraded in %.1f s\n", double(timer.elapsed()) / 1000);

    Store::CampaignStore campaigns(db);
    for (const char *json : {
             R"({"id":"camp_bench_five","name":"Bench: 5.00 off","campaign_type":"PROMOTION","status":"active","category":"cart",
                 "timezone":"UTC","tiers":[{"id":"promo_bench_five","name":"5.00 off at 30.00+",
                 "rules":{"expression":"order.amount >= 30.00"},"discount":{"type":"AMOUNT","amount_off":500}}]})",
             R"({"id":"camp_bench_ten","name":"Bench: 10% off","campaign_type":"PROMOTION","status":"active","category":"cart",
                 "timezone":"UTC","tiers":[{"id":"promo_bench_ten","name":"10% off at 30.00+",
                 "rules":{"expression":"order.amount >= 30.00"},"discount":{"type":"PERCENT","percent_off":10}}]})"}) {
        if (Status s = addCampaign(campaigns, json); !s)
            return fail(s.error().toString());
    }

    const qint64 start = Store::nowMs() + 60'000;
    auto plain = traffic(db, sessions, start, 1);
    if (!plain)
        return fail(plain.error().toString());
    std::printf("no experiment:      %lld sessions in %.2f s = %.0f sessions/s (%lld orders)\n",
                static_cast<long long>(plain.value().sessions), plain.value().seconds,
                double(plain.value().sessions) / plain.value().seconds, static_cast<long long>(plain.value().orders));

    Experiments::Experiment e;
    e.name = QStringLiteral("Bench: 5.00 off vs 10% off vs no promo");
    e.sequential = true;
    e.secondaryMetrics = {Experiments::Metric::Conversion, Experiments::Metric::RevenuePerCustomer,
                          Experiments::Metric::AverageOrderValue};
    e.guardrailMetrics = {Experiments::Metric::DiscountPerCustomer};
    e.variants = {{QStringLiteral("holdout"), QStringLiteral("No promo"), {}, {}, 0.34, true},
                  {QStringLiteral("five"), QStringLiteral("5.00 off"), QStringLiteral("camp_bench_five"), {}, 0.33, false},
                  {QStringLiteral("ten"), QStringLiteral("10% off"), QStringLiteral("camp_bench_ten"), {}, 0.33, false}};
    Store::ExperimentStore experiments(db);
    auto saved = experiments.save(e, QStringLiteral("bench"));
    if (!saved)
        return fail(saved.error().toString());
    auto started = experiments.start(saved.value().id, start + 7 * DayMs, QStringLiteral("bench"));
    if (!started)
        return fail(started.error().toString());
    auto tested = traffic(db, sessions, start + 7 * DayMs, 2);
    if (!tested)
        return fail(tested.error().toString());
    std::printf("running experiment: %lld sessions in %.2f s = %.0f sessions/s (%lld orders)\n",
                static_cast<long long>(tested.value().sessions), tested.value().seconds,
                double(tested.value().sessions) / tested.value().seconds, static_cast<long long>(tested.value().orders));

    timer.restart();
    auto analysis = Experiments::analyze(db, started.value(), 0);
    if (!analysis)
        return fail(analysis.error().toString());
    printAnalysis("simulated experiment", analysis.value(), double(timer.nsecsElapsed()) / 1e9);

    // Every customer (or N) exposed, spread over the week.
    auto ids = Store::SimulationData(db).customerIds();
    if (!ids)
        return fail(ids.error().toString());
    qint64 wanted = parser.value(exposuresOption).toLongLong();
    if (wanted <= 0 || wanted > ids.value().size())
        wanted = ids.value().size();
    timer.restart();
    QList<Store::Exposure> batch;
    if (Status s = db.begin(); !s)
        return fail(s.error().toString());
    for (qint64 i = 0; i < wanted; ++i) {
        const qint64 customer = ids.value()[i];
        const int variant = Experiments::assign(started.value(), QStringLiteral("cust_%1").arg(customer));
        if (variant < 0)
            continue;
        batch.append({started.value().id, customer, variant, start + 7 * DayMs + (i * 7 * DayMs) / wanted});
        if (batch.size() == 10000) {
            if (Status s = experiments.recordExposures(batch); !s)
                return fail(s.error().toString());
            batch.clear();
        }
    }
    if (Status s = experiments.recordExposures(batch); !s)
        return fail(s.error().toString());
    if (Status s = db.commit(); !s)
        return fail(s.error().toString());
    std::printf("recorded exposures for %lld customers in %.1f s\n", static_cast<long long>(wanted),
                double(timer.elapsed()) / 1000);
    timer.restart();
    auto large = Experiments::analyze(db, started.value(), 0);
    if (!large)
        return fail(large.error().toString());
    printAnalysis("whole programme", large.value(), double(timer.nsecsElapsed()) / 1e9);
    return 0;
}
