// bench_demo [small|medium|large] [FOLDER]
//
// Generates the demo loyalty programme (seed 1) into FOLDER/bench-demo-SIZE.promodesk
// and prints how long it took. Without FOLDER the file goes to a temporary folder and
// is removed afterwards. Prints figures only; it never fails on time.

#include "store/demogenerator.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <memory>

using namespace PromoDesk::Store;

namespace {

void line(const char *label, const QString &value)
{
    std::printf("  %-22s %s\n", label, value.toLocal8Bit().constData());
}

QString number(qint64 value)
{
    return QLocale(QLocale::English).toString(value);
}

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', 2) + QStringLiteral(" s");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.contains(QStringLiteral("--help")) || arguments.size() > 2) {
        std::fputs("usage: bench_demo [small|medium|large] [FOLDER]\n", arguments.size() > 2 ? stderr : stdout);
        return arguments.size() > 2 ? 2 : 0;
    }
    const QString sizeName = arguments.value(0, QStringLiteral("medium"));
    const auto size = demoSizeFromName(sizeName);
    if (!size) {
        std::fprintf(stderr, "bench_demo: the size must be small, medium or large, not \"%s\"\n",
                     sizeName.toLocal8Bit().constData());
        return 2;
    }

    std::unique_ptr<QTemporaryDir> temporary;
    QString folder = arguments.value(1);
    if (folder.isEmpty()) {
        temporary = std::make_unique<QTemporaryDir>();
        if (!temporary->isValid()) {
            std::fputs("bench_demo: cannot create a temporary folder\n", stderr);
            return 1;
        }
        folder = temporary->path();
    } else if (!QDir().mkpath(folder)) {
        std::fprintf(stderr, "bench_demo: cannot create %s\n", folder.toLocal8Bit().constData());
        return 1;
    }
    const QString path = QDir(folder).filePath(QStringLiteral("bench-demo-%1.promodesk").arg(sizeName));
    // The bench owns this one file name: a previous run's output is replaced.
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);

    DemoOptions options;
    options.size = *size;
    options.seed = 1;
    int lastShown = -1;
    QElapsedTimer wall;
    wall.start();
    const auto report = generateDemo(path, options, [&lastShown](int percent) {
        if (percent / 10 != lastShown / 10) {
            lastShown = percent;
            std::fprintf(stderr, "\r  generating… %3d%%", percent);
            std::fflush(stderr);
        }
        return true;
    });
    const qint64 wallMs = wall.elapsed();
    std::fputs("\r                        \r", stderr);
    if (!report) {
        std::fprintf(stderr, "bench_demo: %s\n", report.error().toString().toLocal8Bit().constData());
        return 1;
    }

    const DemoReport &r = report.value();
    const double fileMb = double(QFileInfo(path).size()) / (1024.0 * 1024.0);
    std::printf("bench_demo: %s demo, seed 1\n", sizeName.toLocal8Bit().constData());
    line("members", number(r.customers));
    line("orders", number(r.orders));
    line("order items", number(r.orderItems));
    line("events", number(r.events));
    line("products / skus", number(r.products) + QStringLiteral(" / ") + number(r.skus));
    line("rows in total", number(r.rows()));
    line("total", seconds(r.totalMs) + QStringLiteral(" (wall clock %1)").arg(seconds(wallMs)));
    line("load", seconds(r.loadMs));
    line("index + analyze", seconds(r.indexMs));
    line("rows/s", number(r.totalMs > 0 ? qint64(double(r.rows()) * 1000.0 / double(r.totalMs)) : 0));
    line("file size", QString::number(fileMb, 'f', 1) + QStringLiteral(" MB"));
    line("cores", QString::number(QThread::idealThreadCount()));
    line("file", temporary ? QStringLiteral("(temporary, removed)") : path);
    return 0;
}
