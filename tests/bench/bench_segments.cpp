// bench_segments WORKSPACE
//
// On a copy of WORKSPACE (the original is never written):
// 1. Live count, as the segment builder runs it (SegmentTasks::liveCount: compile, count
//    and the first 25 members in one read snapshot), for a 3-condition rule: 1 cold and
//    5 warm runs.
// 2. Full refresh of an auto-update segment that every customer matches: the first
//    evaluation (every member enters), a second one with nothing changed, and one after
//    1% of the customers changed.
// 3. An incremental refresh for 10 000 customers (what an import of their orders runs).
//
// Prints figures only; it never fails on time.

#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/connection.h"
#include "store/segmentstore.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>

using namespace PromoDesk;
using namespace PromoDesk::Store;

namespace {

const char *const LiveRule =
    R"(customer.country is "IE" and customer.total_spent >= 200.00 and customer.last_order_at within last 90 days)";

Rules::Node checked(const char *text)
{
    return Rules::check(Rules::parse(QString::fromUtf8(text)).value()).value();
}

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_segments WORKSPACE\n");
        return 2;
    }
    const QString original = QString::fromLocal8Bit(argv[1]);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.promodesk"));
    QElapsedTimer copy;
    copy.start();
    if (!QFile::copy(original, path)) {
        std::fprintf(stderr, "cannot copy %s\n", argv[1]);
        return 1;
    }
    std::printf("machine: %d cores; workspace %s (%.0f MB), copied in %.1f s\n", QThread::idealThreadCount(),
                qPrintable(QFileInfo(original).fileName()), double(QFileInfo(original).size()) / 1e6, ms(copy) / 1000);
    auto opened = Workspace::open(path); // migrates an older workspace (segments need schema 5)
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().toString()));
        return 1;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();

    // 1. Live count.
    std::printf("\nlive count: %s\n", LiveRule);
    QList<double> warm;
    for (int run = 0; run < 6; ++run) {
        QElapsedTimer t;
        t.start();
        auto future = SegmentTasks::liveCount(path, checked(LiveRule), now, QStringLiteral("UTC"), 25);
        const auto result = future.result();
        if (!result) {
            std::fprintf(stderr, "%s\n", qPrintable(result.error().toString()));
            return 1;
        }
        const double elapsed = ms(t);
        std::printf("  run %d: %lld customers, %.1f ms (%s)\n", run + 1, result.value().count, elapsed,
                    run == 0 ? "cold" : "warm");
        if (run > 0)
            warm << elapsed;
    }
    std::sort(warm.begin(), warm.end());
    std::printf("  warm median %.1f ms, worst %.1f ms\n", warm[warm.size() / 2], warm.last());

    // 2. Full refresh of a segment every customer is in.
    auto db = Workspace::openForWriting(path);
    if (!db) {
        std::fprintf(stderr, "%s\n", qPrintable(db.error().toString()));
        return 1;
    }
    Connection &c = *db.value();
    SegmentStore store(c);
    Segment everyone;
    everyone.name = QStringLiteral("Everyone who ever signed up");
    everyone.type = SegmentType::AutoUpdate;
    everyone.rule = checked("customer.orders_count >= 0");
    QElapsedTimer t;
    t.start();
    auto saved = store.save(everyone, QStringLiteral("bench"), now);
    if (!saved) {
        std::fprintf(stderr, "%s\n", qPrintable(saved.error().toString()));
        return 1;
    }
    std::printf("\nfull refresh, every customer matches (%lld members):\n", saved.value().size);
    std::printf("  first evaluation (all enter):   %8.0f ms\n", ms(t));
    t.restart();
    auto again = store.refresh(saved.value().id, now + 1000);
    std::printf("  again, nothing changed:         %8.0f ms (%lld entered, %lld left)\n", ms(t), again.value().entered,
                again.value().left);
    // 1% of the customers stop matching.
    Segment spenders = everyone;
    spenders.name = QStringLiteral("Spent 50.00 or more");
    spenders.rule = checked("customer.total_spent >= 50.00");
    t.restart();
    auto spent = store.save(spenders, QStringLiteral("bench"), now);
    std::printf("  'total_spent >= 50.00' first:   %8.0f ms (%lld members)\n", ms(t), spent.value().size);
    QSqlQuery q(c.database());
    q.exec(QStringLiteral("UPDATE customers SET total_spent = total_spent + 100000 WHERE id % 100 = 7"));
    t.restart();
    auto after = store.refresh(spent.value().id, now + 2000);
    std::printf("  after 1%% of customers changed:  %8.0f ms (%lld entered, %lld left)\n", ms(t), after.value().entered,
                after.value().left);

    // 3. Incremental: 10 000 customers, as an import of their orders refreshes them.
    QList<qint64> ids;
    for (qint64 id = 1; ids.size() < 10000; id += 97)
        ids << id;
    q.exec(QStringLiteral("UPDATE customers SET total_spent = 0 WHERE id % 97 = 1"));
    t.restart();
    c.begin();
    Status s = refreshSegmentsForCustomers(c, ids, now + 3000);
    c.commit();
    std::printf("\nincremental refresh of 10 000 customers over every auto-update segment (2): %.0f ms%s\n", ms(t),
                s ? "" : qPrintable(QStringLiteral(" — ") + s.error().toString()));
    return 0;
}
