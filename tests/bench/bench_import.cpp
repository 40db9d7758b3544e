// Customers CSV import: rows per second into a fresh workspace (validating every
// field, every index maintained, one transaction), then the same file through the
// sqlite3 shell's `.import` into a plain table of text columns, in the same run, and
// the ratio of the two. Also a re-import of the same file (every row an update).
//
//   bench_import [ROWS]        default 1 000 000
//   bench_import ROWS --keep   keeps the temporary folder and says where it is

#include "common/csv.h"
#include "store/connection.h"
#include "store/importer.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

#include <sys/resource.h>

using namespace PromoDesk;
using namespace PromoDesk::Store;

namespace {

// Customers like the demo's: every column of a real export, about 190 bytes a row.
bool writeCustomers(const QString &path, qint64 rows)
{
    static const char *first[] = {"Aoife", "Liam", "Siobhán", "Conor", "Emma", "Seán", "Niamh", "Oisín", "Saoirse", "Jack"};
    static const char *last[] = {"Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "Ó Brien", "Byrne", "Ryan"};
    static const char *cities[] = {"Dublin", "Cork", "Galway", "Limerick", "London", "Manchester", "Paris", "Berlin"};
    static const char *countries[] = {"IE", "IE", "IE", "IE", "GB", "GB", "FR", "DE"};
    static const char *tiers[] = {"bronze", "silver", "gold"};
    static const char *pets[] = {"dog", "cat", "dog", "small", "bird"};
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    QByteArray out = "source_id,name,email,phone,birthdate,address_city,address_country,address_postal_code,"
                     "loyalty_tier,tags,metadata.pet_type,metadata.pet_name,consent_email,consent_sms,created_at\n";
    quint64 x = 88172645463325252ull;
    const auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    char line[512];
    for (qint64 i = 1; i <= rows; ++i) {
        const quint64 r = next();
        const int c = int(r % 8);
        const char *pet = pets[(r >> 8) % 5];
        // A name with an apostrophe or a comma now and then, quoted as a shop would.
        const bool quoted = (r >> 12) % 10 == 0;
        const int n = std::snprintf(
            line, sizeof line,
            "PS%09lld,%s%s %s%s,%s.%lld@example.com,+353 8%07llu,%04d-%02d-%02d,%s,%s,D%02d X%03d,%s,\"%s-owner;%s\",%s,%s,"
            "%s,%s,20%02d-%02d-%02dT%02d:%02d:00Z\n",
            static_cast<long long>(i), quoted ? "\"" : "", first[(r >> 16) % 10], last[(r >> 20) % 8],
            quoted ? ", Jr\"" : "", first[(r >> 16) % 10], static_cast<long long>(i),
            static_cast<unsigned long long>((r >> 24) % 10'000'000), 1940 + int((r >> 28) % 65),
            1 + int((r >> 34) % 12), 1 + int((r >> 38) % 28), cities[c], countries[c], int((r >> 42) % 24),
            int((r >> 46) % 1000), tiers[(r >> 50) % 3], pet, (r >> 52) % 4 == 0 ? "newsletter" : "vip", pet, "Rex",
            (r >> 54) % 2 ? "true" : "false", (r >> 55) % 3 ? "no" : "yes", 23 + int((r >> 56) % 3),
            1 + int((r >> 58) % 12), 1 + int((r >> 40) % 28), int((r >> 30) % 24), int((r >> 26) % 60));
        out.append(line, n);
        if (out.size() > (1 << 22)) {
            if (file.write(out) != out.size())
                return false;
            out.clear();
        }
    }
    return file.write(out) == out.size();
}

double seconds(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e9;
}

// CPU seconds (user + system) of this process, or of its finished children: on a
// machine shared with other work, CPU time varies less than the wall clock.
double cpuSeconds(int who = RUSAGE_SELF)
{
    rusage usage{};
    getrusage(who, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
           + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    qint64 rows = 1'000'000;
    for (const QString &arg : args.mid(1)) {
        bool ok = false;
        const qint64 n = arg.toLongLong(&ok);
        if (ok && n > 0)
            rows = n;
    }
    QTemporaryDir dir;
    if (!dir.isValid())
        return 1;
    dir.setAutoRemove(!args.contains(QStringLiteral("--keep")));
    if (!dir.autoRemove())
        std::printf("files in %s\n", qPrintable(dir.path()));

    const QString csv = dir.filePath(QStringLiteral("customers.csv"));
    QElapsedTimer timer;
    timer.start();
    if (!writeCustomers(csv, rows)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(csv));
        return 1;
    }
    const qint64 bytes = QFileInfo(csv).size();
    std::printf("generated %lld customers, %.1f MB of CSV in %.2f s\n", static_cast<long long>(rows), double(bytes) / 1e6,
                seconds(timer));

    // The reader alone, to see what parsing costs.
    {
        QFile file(csv);
        file.open(QIODevice::ReadOnly);
        Csv::Reader reader(&file);
        timer.restart();
        qint64 records = 0, fields = 0;
        while (reader.next()) {
            ++records;
            fields += reader.fieldCount();
        }
        std::printf("CSV reader alone:           %8.2f s  %9.0f rows/s  %6.0f MB/s\n", seconds(timer),
                    double(records) / seconds(timer), double(bytes) / 1e6 / seconds(timer));
    }

    const QString workspace = dir.filePath(QStringLiteral("bench.promodesk"));
    if (auto created = Workspace::create(workspace, WorkspaceKind::Production); !created) {
        std::fprintf(stderr, "%s\n", qPrintable(created.error().toString()));
        return 1;
    }
    double importSeconds = 0, importCpu = 0;
    {
        auto connection = Workspace::openForWriting(workspace);
        if (!connection) {
            std::fprintf(stderr, "%s\n", qPrintable(connection.error().toString()));
            return 1;
        }
        ImportOptions options;
        options.kind = ImportKind::Customers;
        timer.restart();
        const double cpuBefore = cpuSeconds();
        const ImportReport report = Importer(*connection.value()).run(csv, options);
        importSeconds = seconds(timer);
        importCpu = cpuSeconds() - cpuBefore;
        if (!report.ok()) {
            for (const ImportError &e : report.errors)
                std::fprintf(stderr, "%s\n", qPrintable(e.toString()));
            return 1;
        }
        std::printf("PromoDesk import (new):     %8.2f s  %9.0f rows/s  (%lld inserted; validated, 7 indexes; "
                    "CPU %.2f s)\n",
                    importSeconds, double(report.rows) / importSeconds, static_cast<long long>(report.inserted), importCpu);

        timer.restart();
        const ImportReport again = Importer(*connection.value()).run(csv, options);
        const double againSeconds = seconds(timer);
        if (!again.ok())
            return 1;
        std::printf("PromoDesk re-import (upd.): %8.2f s  %9.0f rows/s  (%lld updated)\n", againSeconds,
                    double(again.rows) / againSeconds, static_cast<long long>(again.updated));

        ImportOptions dry = options;
        dry.dryRun = true;
        timer.restart();
        const ImportReport checked = Importer(*connection.value()).run(csv, dry);
        std::printf("PromoDesk dry run:          %8.2f s  %9.0f rows/s\n", seconds(timer),
                    double(checked.rows) / seconds(timer));
    }

    // The same file through the sqlite3 shell into a table of text columns, no indexes.
    const QString plain = dir.filePath(QStringLiteral("plain.db"));
    QProcess shell;
    timer.restart();
    shell.start(QStringLiteral("sqlite3"), {plain, QStringLiteral(".mode csv"), QStringLiteral(".import %1 t").arg(csv)});
    if (!shell.waitForStarted() || !shell.waitForFinished(-1) || shell.exitCode() != 0) {
        std::fprintf(stderr, "sqlite3 failed: %s %s\n", qPrintable(shell.errorString()), shell.readAllStandardError().constData());
        return 1;
    }
    const double shellSeconds = seconds(timer);
    const double shellCpu = cpuSeconds(RUSAGE_CHILDREN);
    std::printf("sqlite3 shell .import:      %8.2f s  %9.0f rows/s  (text columns, no indexes, no checks; CPU %.2f s)\n",
                shellSeconds, double(rows) / shellSeconds, shellCpu);
    std::printf("ratio PromoDesk / sqlite3:  %8.2f x wall clock, %.2f x CPU\n", importSeconds / shellSeconds,
                importCpu / shellCpu);
    return 0;
}
