// Benchmark: the dashboard on a (large) workspace, offscreen. Prints the time to the
// campaign activity's first paint, then starts a second process that redeems at a
// fixed rate for a while and prints how many updates reached the screen, how far the
// tiles lagged behind the database, and the longest stall of the UI thread (a 5 ms
// watchdog timer). Prints figures only; asserts nothing about time.
//
//   bench_dashboard_gui WORKSPACE [--rate N] [--seconds S]       (defaults 500/s, 30 s)
//   bench_dashboard_gui --redeem WORKSPACE RATE SECONDS           (the second process)

#include "engine/engine.h"
#include "guibench.h"
#include "pages/dashboardpage.h"
#include "store/connection.h"
#include "store/statsstore.h"
#include "store/workspace.h"
#include "widgets/activitypanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QThread>

#include <cstdio>

using namespace PromoDesk;

namespace {

// The second process: failed and successful attempts at `rate` per second, now.
int redeemLoop(const QString &path, int rate, int seconds)
{
    auto connection = Store::Workspace::openForWriting(path);
    if (!connection) {
        std::fprintf(stderr, "redeemer: %s\n", qPrintable(connection.error().toString()));
        return 1;
    }
    Engine::CampaignEngine engine(*connection.value());
    QElapsedTimer clock;
    clock.start();
    qint64 done = 0;
    const qint64 total = qint64(rate) * seconds;
    while (done < total) {
        // Pace: request i is due at i / rate seconds.
        const qint64 due = done * 1000 / rate;
        if (clock.elapsed() < due) {
            QThread::msleep(quint32(due - clock.elapsed()));
            continue;
        }
        Engine::Request r;
        r.customer = QStringLiteral("cust_%1").arg(1 + done % 1000);
        r.order.sourceId = QStringLiteral("bench-dashboard-%1-%2").arg(QCoreApplication::applicationPid()).arg(done);
        r.redeemables = {{Engine::Redeemable::Object::Voucher, QStringLiteral("BENCH-NO-SUCH-CODE"), std::nullopt}};
        if (!engine.redeem(r)) {
            std::fprintf(stderr, "redeemer: a redeem failed to run\n");
            return 1;
        }
        ++done;
    }
    std::printf("redeemer: %lld attempts in %.1f s (%.0f/s)\n", static_cast<long long>(done), clock.elapsed() / 1000.0,
                done * 1000.0 / double(std::max<qint64>(1, clock.elapsed())));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--redeem"))
        return redeemLoop(args.value(2), args.value(3).toInt(), args.value(4).toInt());
    if (args.size() < 2) {
        std::fputs("usage: bench_dashboard_gui WORKSPACE [--rate N] [--seconds S]\n", stderr);
        return 2;
    }
    const QString path = args.at(1);
    const int rate = args.contains(QStringLiteral("--rate")) ? args.value(args.indexOf(QStringLiteral("--rate")) + 1).toInt() : 500;
    const int seconds =
        args.contains(QStringLiteral("--seconds")) ? args.value(args.indexOf(QStringLiteral("--seconds")) + 1).toInt() : 30;
    auto info = Store::Workspace::open(path); // migrated first, so the figures are of the dashboard alone
    if (!info) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(info.error().toString()));
        return 1;
    }
    std::printf("workspace: %s\ncores: %d\n\n", qPrintable(path), QThread::idealThreadCount());

    Ui::DashboardPage page;
    page.resize(1360, 900);
    page.show();
    Bench::Watchdog watchdog;
    Ui::ActivityPanel *panel = page.activity();
    QElapsedTimer clock;
    clock.start();
    page.setWorkspace(info.value());
    const double firstPaint = Bench::waitUntil([&] { return panel->isLoaded(); });
    QApplication::processEvents();
    std::printf("campaign activity (last 30 days), first paint: %.1f ms; longest UI stall meanwhile %.1f ms\n", firstPaint,
                watchdog.worstStallMs());
    panel->setPeriod(Ui::ActivityPanel::Period::Last365Days);
    clock.restart();
    Bench::waitUntil([&] { return !panel->isLoaded(); }, 1000);
    const double yearPaint = Bench::waitUntil([&] { return panel->isLoaded(); });
    std::printf("switch to the last 365 days: %.1f ms\n", yearPaint);
    panel->setPeriod(Ui::ActivityPanel::Period::Today);
    Bench::waitUntil([&] { return !panel->isLoaded(); }, 1000);
    Bench::waitUntil([&] { return panel->isLoaded(); });

    // The second process.
    const qint64 failedBefore = panel->totals().redemptionsFailed;
    watchdog.reset();
    QProcess redeemer;
    redeemer.setProcessChannelMode(QProcess::ForwardedChannels);
    redeemer.start(QCoreApplication::applicationFilePath(),
                   {QStringLiteral("--redeem"), path, QString::number(rate), QString::number(seconds)});
    if (!redeemer.waitForStarted()) {
        std::fprintf(stderr, "bench: cannot start the redeemer\n");
        return 1;
    }
    auto store = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
    std::vector<double> lags; // how many attempts the screen was behind the database, sampled each second
    QElapsedTimer sample;
    sample.start();
    const qint64 updatesBefore = panel->updates();
    while (redeemer.state() != QProcess::NotRunning) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        if (sample.elapsed() >= 1000 && store) {
            sample.restart();
            Store::StatsQuery q = panel->query();
            q.toHour = Store::StatsStore::hourOf(QDateTime::currentMSecsSinceEpoch()) + 1;
            auto db = Store::StatsStore(*store.value()).total(q);
            if (db)
                lags.push_back(double(db.value().redemptionsFailed - panel->totals().redemptionsFailed));
        }
    }
    const double settle = Bench::waitUntil([&] {
        Store::StatsQuery q = panel->query();
        auto db = Store::StatsStore(*store.value()).total(q);
        return db && db.value().redemptionsFailed == panel->totals().redemptionsFailed;
    }, 10000);
    std::printf("second process: %d redemptions/s for %d s; the dashboard applied %lld live updates, +%lld failed attempts\n",
                rate, seconds, static_cast<long long>(panel->updates() - updatesBefore),
                static_cast<long long>(panel->totals().redemptionsFailed - failedBefore));
    std::printf("screen behind the database, sampled each second: median %.0f attempts, worst %.0f (at %d/s: %.2f s, %.2f s)\n",
                Bench::median(lags), lags.empty() ? 0.0 : *std::max_element(lags.begin(), lags.end()), rate,
                Bench::median(lags) / rate, (lags.empty() ? 0.0 : *std::max_element(lags.begin(), lags.end())) / rate);
    std::printf("caught up %.0f ms after the last redemption\n", settle);
    std::printf("longest UI-thread stall while the second process redeemed: %.1f ms\n", watchdog.worstStallMs());
    return 0;
}
