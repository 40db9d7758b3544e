// bench_codes [COUNT]
//
// Generates COUNT (default 1 000 000) unique codes "PET-########" (alphanumeric,
// upper case) for one campaign into a new temporary workspace, in one transaction,
// and prints how long drawing and storing took. Prints figures only.

#include "engine/codegenerator.h"
#include "store/coderepository.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>

using namespace PromoDesk;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 count = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1'000'000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("codes.promodesk"));
    if (!Store::Workspace::create(path, Store::WorkspaceKind::Sandbox).ok())
        return 1;
    auto connection = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    if (!connection || !Store::Workspace::configureForWriting(*connection.value()))
        return 1;
    QSqlQuery(connection.value()->database())
        .exec(QStringLiteral("INSERT INTO campaigns(id, name, campaign_type, created_at, updated_at) "
                             "VALUES ('camp_bench', 'Bench', 'DISCOUNT_COUPONS', 0, 0)"));

    Engine::CodeConfig config;
    config.pattern = QStringLiteral("PET-########");
    auto plan = Engine::planCodes(config, count);
    if (!plan) {
        std::fprintf(stderr, "bench_codes: %s\n", qPrintable(plan.error().toString()));
        return 1;
    }
    Engine::CodeGenerator generator(config, plan.value(), Engine::CodeCase::Upper);

    QElapsedTimer drawOnly;
    drawOnly.start();
    Engine::CodeGenerator sample(config, plan.value(), Engine::CodeCase::Upper);
    for (qint64 i = 0; i < count; ++i)
        sample.next();
    const double drawSeconds = double(drawOnly.nsecsElapsed()) / 1e9;

    QElapsedTimer timer;
    timer.start();
    auto stored = Store::CodeRepository(*connection.value()).generate(QStringLiteral("camp_bench"), generator, count);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (!stored) {
        std::fprintf(stderr, "bench_codes: %s\n", qPrintable(stored.error().toString()));
        return 1;
    }
    std::printf("bench_codes: %lld codes \"PET-########\" (36^8 = %.3g possible), cores %d\n",
                static_cast<long long>(count), plan.value().space, QThread::idealThreadCount());
    std::printf("  drawing only (system CSPRNG, uniqueness set)  %7.2f s  %10.0f codes/s\n", drawSeconds,
                double(count) / drawSeconds);
    std::printf("  drawing + storing in one transaction          %7.2f s  %10.0f codes/s  (%lld clashes redrawn)\n",
                seconds, double(count) / seconds, static_cast<long long>(stored.value().clashes));
    std::printf("  file size %.1f MB\n", double(QFileInfo(path).size()) / 1e6);
    return 0;
}
