// The redemptions CSV export and the redemption list on a big workspace: rows per
// second and peak memory of the export (default columns, newest first; and in id
// order), against the sqlite3 shell running the very same query (built from the
// ExportList: its columns' SQL, FROM, WHERE and ORDER BY) in the same run, and the
// ratio; then RedemptionList::snapshot under a few filters and sorts, and the time to
// the first rows (snapshot + rows() of the first 200 ids). Prints figures; asserts
// nothing about time.
//
//   bench_export WORKSPACE [--rows N] [--list-only]   N: export only the first N rows of each order;
//                                                       --list-only: only the redemption list's figures
//   bench_export /tmp/dl3.promodesk     the large demo (1.09 M redemption rows)

#include "store/connection.h"
#include "store/listexport.h"
#include "store/redemptionlist.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>

#include <malloc.h>

using namespace PromoDesk;
using namespace PromoDesk::Store;

namespace {

// "VmHWM:  123456 kB" from /proc/self/status, in KiB (0 if unknown).
qint64 statusKiB(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

// Starts a new peak-RSS measurement (Linux 4.0+: "5" resets VmHWM to the current RSS),
// after handing freed heap back so that reusing it cannot hide what the export takes.
bool resetPeak()
{
    malloc_trim(0);
    QFile refs(QStringLiteral("/proc/self/clear_refs"));
    return refs.open(QIODevice::WriteOnly) && refs.write("5") == 1;
}

double ms(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// A bound value as an SQL literal, for the sqlite3 shell's copy of the query.
QString literal(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::Bool: return QString::number(value.toLongLong());
    default:
        if (value.isNull())
            return QStringLiteral("NULL");
        return QLatin1Char('\'') + value.toString().replace(QLatin1Char('\''), QStringLiteral("''")) + QLatin1Char('\'');
    }
}

// The same SELECT exportList() runs, for the sqlite3 shell.
QString shellQuery(const ExportList &list, const QStringList &columns)
{
    QStringList expressions;
    for (const QString &name : columns) {
        const ExportColumn *c = list.column(name);
        expressions << (c->kind == CellKind::Currency ? QStringLiteral("NULL") : c->sql);
    }
    QString where = list.where;
    for (const QVariant &value : list.bindings)
        where.replace(where.indexOf(QLatin1Char('?')), 1, literal(value));
    QString sql = QStringLiteral("SELECT %1 FROM %2").arg(expressions.join(QStringLiteral(", ")), list.from);
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where;
    if (!list.orderBy.isEmpty())
        sql += QStringLiteral(" ORDER BY ") + list.orderBy;
    return sql;
}

struct Figures
{
    qint64 rows = 0;
    double milliseconds = 0;
    qint64 bytes = 0;
    qint64 peakKiB = 0;
    qint64 baseKiB = 0;
};

bool exportRun(Connection &connection, const ExportList &list, const QString &file, Figures &figures)
{
    const bool peak = resetPeak();
    figures.baseKiB = statusKiB("VmRSS:");
    QElapsedTimer timer;
    timer.start();
    auto written = exportListToFile(connection, list, {}, file, CsvExportOptions{});
    figures.milliseconds = ms(timer);
    if (!written) {
        std::fprintf(stderr, "export failed: %s\n", qPrintable(written.error().toString()));
        return false;
    }
    figures.rows = written.value();
    figures.bytes = QFileInfo(file).size();
    figures.peakKiB = statusKiB("VmHWM:");
    if (!peak)
        figures.baseKiB = 0; // the peak is the process's, not the export's
    return true;
}

double shellRun(const QString &sqlite3, const QString &workspace, const QString &sql, const QString &file)
{
    QProcess shell;
    shell.setStandardOutputFile(file);
    QElapsedTimer timer;
    timer.start();
    shell.start(sqlite3, {QStringLiteral("-readonly"), QStringLiteral("-csv"), QStringLiteral("-header"), workspace, sql});
    if (!shell.waitForFinished(-1) || shell.exitStatus() != QProcess::NormalExit || shell.exitCode() != 0) {
        std::fprintf(stderr, "sqlite3 failed: %s\n", shell.readAllStandardError().constData());
        return -1;
    }
    return ms(timer);
}

void printExport(const char *what, const Figures &f)
{
    std::printf("%-44s %9lld rows %9.0f ms %10.0f rows/s %7.1f MB out   peak RSS %6.1f MiB (+%.1f MiB during the export)\n",
                what, static_cast<long long>(f.rows), f.milliseconds, f.rows / (f.milliseconds / 1000.0), f.bytes / 1e6,
                f.peakKiB / 1024.0, (f.peakKiB - f.baseKiB) / 1024.0);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2 || args.contains(QStringLiteral("--help"))) {
        std::fputs("usage: bench_export WORKSPACE [--rows N] [--list-only]\n", stderr);
        return 2;
    }
    const QString workspace = args.at(1);
    qint64 limit = 0;
    if (const qsizetype i = args.indexOf(QStringLiteral("--rows")); i > 0)
        limit = args.value(i + 1).toLongLong();

    auto info = Workspace::inspect(workspace);
    if (!info) {
        std::fprintf(stderr, "%s\n", qPrintable(info.error().toString()));
        return 1;
    }
    auto opened = Connection::open(workspace, Connection::Access::ReadOnly);
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().toString()));
        return 1;
    }
    Connection &db = *opened.value();
    QTemporaryDir dir;
    const QString sqlite3 = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));

    qint64 total = 0;
    {
        QSqlQuery q(db.database());
        if (q.exec(QStringLiteral("SELECT count(*) FROM redemptions")) && q.next())
            total = q.value(0).toLongLong();
    }
    QString sqliteVersion;
    {
        QSqlQuery q(db.database());
        if (q.exec(QStringLiteral("SELECT sqlite_version()")) && q.next())
            sqliteVersion = q.value(0).toString();
    }
    std::printf("bench_export: %s, %lld redemption rows, %d cores (nproc), SQLite %s, sqlite3 shell: %s\n",
                qPrintable(QFileInfo(workspace).fileName()), static_cast<long long>(total), QThread::idealThreadCount(),
                qPrintable(sqliteVersion), sqlite3.isEmpty() ? "not found" : qPrintable(sqlite3));

    // Both sides read from the OS cache: read the file once first.
    {
        QElapsedTimer timer;
        timer.start();
        QFile file(workspace);
        qint64 bytes = 0;
        if (file.open(QIODevice::ReadOnly)) {
            QByteArray chunk(1 << 20, Qt::Uninitialized);
            for (qint64 n; (n = file.read(chunk.data(), chunk.size())) > 0;)
                bytes += n;
        }
        std::printf("warm-up: read the workspace file (%.0f MB) in %.0f ms\n", bytes / 1e6, ms(timer));
    }

    const QString limitText = limit > 0 ? QStringLiteral(" LIMIT %1").arg(limit) : QString();
    struct Variant
    {
        const char *what;
        RedemptionOrder order;
    };
    const Variant variants[] = {
        {"export, default columns, newest first", RedemptionOrder{}},
        {"export, default columns, in id order", RedemptionOrder{RedemptionSort::Id, false}},
    };
    const bool listOnly = args.contains(QStringLiteral("--list-only"));
    for (const Variant &v : variants) {
        if (listOnly)
            break;
        auto list = RedemptionList(db).exportList(RedemptionFilter{}, v.order);
        if (!list) {
            std::fprintf(stderr, "%s\n", qPrintable(list.error().toString()));
            return 1;
        }
        ExportList l = list.value();
        l.orderBy += limitText;
        Figures f;
        if (!exportRun(db, l, dir.filePath(QStringLiteral("export.csv")), f))
            return 1;
        printExport(v.what, f);
        if (sqlite3.isEmpty())
            continue;
        const QString sql = shellQuery(l, l.defaultColumns());
        const double shell = shellRun(sqlite3, workspace, sql, dir.filePath(QStringLiteral("shell.csv")));
        if (shell < 0)
            return 1;
        std::printf("%-44s %9s      %9.0f ms %10.0f rows/s %7.1f MB out   ratio export/shell %.2f\n", "  sqlite3 -csv, the same query", "",
                    shell, f.rows / (shell / 1000.0), QFileInfo(dir.filePath(QStringLiteral("shell.csv"))).size() / 1e6,
                    f.milliseconds / shell);
        QFile::remove(dir.filePath(QStringLiteral("export.csv")));
        QFile::remove(dir.filePath(QStringLiteral("shell.csv")));
    }

    // The redemption list: snapshot (ordered ids), the first page, then the totals.
    qint64 busiest = 0;
    {
        QSqlQuery q(db.database());
        if (q.exec(QStringLiteral("SELECT customer_id FROM redemptions WHERE customer_id IS NOT NULL "
                                  "GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1"))
            && q.next())
            busiest = q.value(0).toLongLong();
    }
    struct Case
    {
        QString what;
        RedemptionFilter filter;
        RedemptionOrder order;
    };
    RedemptionFilter campaign;
    campaign.campaignId = QStringLiteral("camp_spend_tiers");
    RedemptionFilter failed;
    failed.outcome = RedemptionOutcome::Failed;
    RedemptionFilter customer;
    customer.customer = QStringLiteral("cust_%1").arg(busiest);
    const QList<Case> cases = {
        {QStringLiteral("(a) no filter, newest first"), {}, {}},
        {QStringLiteral("(b) campaign camp_spend_tiers"), campaign, {}},
        {QStringLiteral("(c) result failed"), failed, {}},
        {QStringLiteral("(d) sorted by campaign name"), {}, RedemptionOrder{RedemptionSort::Campaign, false}},
        {QStringLiteral("(e) customer cust_%1 (the busiest)").arg(busiest), customer, {}},
    };
    std::printf("\nredemption list: snapshot = ordered ids; first rows = snapshot + rows() of the first 200 ids; "
                "totals = the aggregate pass that follows (the page shows rows before it ends)\n");
    for (const Case &c : cases) {
        RedemptionList list(db);
        QElapsedTimer timer;
        timer.start();
        auto snapshot = list.snapshot(c.filter, c.order);
        const double snapshotMs = ms(timer);
        if (!snapshot) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(c.what), qPrintable(snapshot.error().toString()));
            return 1;
        }
        const std::vector<qint64> &ids = snapshot.value().ids;
        QList<qint64> first(ids.begin(), ids.begin() + qMin<qsizetype>(200, qsizetype(ids.size())));
        auto rows = list.rows(first);
        const double firstRowsMs = ms(timer);
        if (!rows) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(c.what), qPrintable(rows.error().toString()));
            return 1;
        }
        QElapsedTimer totalsTimer;
        totalsTimer.start();
        auto totals = list.totals(c.filter);
        const double totalsMs = ms(totalsTimer);
        if (!totals || totals.value().rows != qint64(ids.size())) {
            std::fprintf(stderr, "%s: totals %s\n", qPrintable(c.what),
                         totals ? "disagree with the snapshot" : qPrintable(totals.error().toString()));
            return 1;
        }
        std::printf("%-44s %9lld rows   snapshot %7.1f ms   first rows %7.1f ms   totals %7.1f ms\n", qPrintable(c.what),
                    static_cast<long long>(ids.size()), snapshotMs, firstRowsMs, totalsMs);
    }
    return 0;
}
