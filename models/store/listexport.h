#pragma once

#include "common/result.h"

#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <atomic>
#include <functional>
#include <memory>

class QIODevice;

// The one CSV exporter behind every list PromoDesk can export (redemptions,
// customers, segment members, codes, campaigns): a list is a set of named columns
// over one SQL query, and the exporter streams the rows straight from SQLite's
// UTF-8 into a Csv::Writer, so memory stays flat whatever the row count.
namespace PromoDesk::Store {

class Connection;

struct CsvExportOptions
{
    bool byteOrderMark = false; // for Excel
    bool formulaGuard = true;   // text starting with = + - @ TAB CR gets a leading '
};

struct ExportProgress
{
    std::function<void(qint64 rows, qint64 total)> progress; // every 1024 rows and at the end
    const std::atomic_bool *cancelled = nullptr;            // stops with the error "cancelled"
};

// How a column's SQL value is written.
enum class CellKind {
    Text,      // as is (formula guard applies)
    Integer,   // a whole number; NULL -> empty
    Money,     // cents -> 12.50; NULL -> empty
    Timestamp, // UTC epoch ms -> ISO-8601 with offset; NULL -> empty
    Boolean,   // 0/1 -> false/true
    Id,        // an integer key written with the list's id prefix (cust_42); NULL -> empty
    Currency,  // the workspace's currency code (the SQL expression is ignored)
};

struct ExportColumn
{
    QString name;        // the header, in Voucherify's field names where there is one
    QString sql;         // an expression over the list's FROM clause
    CellKind kind = CellKind::Text;
    QString description; // one line for the column chooser and --list-columns
    bool byDefault = true;
    const char *idPrefix = nullptr; // CellKind::Id
};

// One list: its columns and the query that reads it, already filtered and sorted
// the way the screen shows it. Every value is a bound parameter.
struct ExportList
{
    QString name; // "redemptions", for messages
    QList<ExportColumn> columns;
    QString from;    // "redemptions r LEFT JOIN …"
    // The FROM of the progress count when the WHERE needs none of the joins (empty:
    // `from`). SQLite 3.40 runs a LEFT JOIN even when nothing uses it.
    QString countFrom;
    QString where;   // empty: every row
    QVariantList bindings;
    QString orderBy; // empty: unordered

    QStringList defaultColumns() const;
    const ExportColumn *column(const QString &name) const;
};

// Checks a chosen column list (names separated by commas, or a list) against the
// list's columns; empty means the default columns. Unknown names are an error that
// lists the known ones.
Result<QStringList> chooseColumns(const ExportList &list, const QStringList &names);

// Writes the header and every row of the list to `device`. The count behind the
// progress total and the rows come from one read snapshot. Returns the rows written.
Result<qint64> exportList(Connection &connection, const ExportList &list, const QStringList &columns, QIODevice *device,
                          const CsvExportOptions &options, const ExportProgress &report = {});

// The same into `file` through a QSaveFile: the file appears whole under its name or
// not at all (on an error, a cancel or a crash the old file, if any, is untouched).
// "-" writes to standard output.
Result<qint64> exportListToFile(Connection &connection, const ExportList &list, const QStringList &columns,
                                const QString &file, const CsvExportOptions &options, const ExportProgress &report = {});

// Background export for the UI, on its own read-only connection: `makeList` builds the
// list there (it may need the database, e.g. to resolve a filter); `rows` and `total`
// are updated as it goes, for a progress bar polled by the UI; `cancelled` stops it.
namespace ListTasks {
using ListMaker = std::function<Result<ExportList>(Connection &)>;
QFuture<Result<qint64>> exportToFile(const QString &path, ListMaker makeList, const QStringList &columns,
                                     const QString &file, const CsvExportOptions &options,
                                     std::shared_ptr<std::atomic_bool> cancelled,
                                     std::shared_ptr<std::atomic<qint64>> rows,
                                     std::shared_ptr<std::atomic<qint64>> total = {});
} // namespace ListTasks

// The workspace's currency (ISO 4217), written beside every money column.
QString workspaceCurrency(Connection &connection);

// The lists other than redemptions (see redemptionlist.h for that one).
namespace Lists {
// The columns of a customer over `customers c` (customers and segment members).
QList<ExportColumn> customerColumns();
// Every customer, or those matching a search (name/email substring or exact id), in the
// customer list's order. `sortColumn` is a Store::CustomerSort value.
ExportList customers(const QString &search = {}, int sortColumn = 0, bool descending = false);
// The codes of one campaign (all campaigns when empty), with status and holder.
ExportList codes(const QString &campaignId = {}, const QString &status = {});
// One row per campaign: type, status, schedule, redemption counts and money.
ExportList campaigns();
} // namespace Lists

} // namespace PromoDesk::Store
