#pragma once

#include "common/result.h"

#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace PromoDesk::Store {

class Connection;

// What a CSV file holds (docs/import.md lists every column of each).
enum class ImportKind {
    Customers, // one row per customer
    Products,  // one row per SKU, with its product's columns
    Orders,    // one row per order line; consecutive rows with one order_source_id are one order
    Events,    // one row per customer event
};

QString importKindName(ImportKind kind); // "customers", "products", "orders", "events"
std::optional<ImportKind> importKindFromName(const QString &name);

// A field an import fills, for help texts and the dialog.
struct ImportField
{
    QString name;        // the canonical column name ("address_country")
    QStringList aliases; // other headers read as this field ("country", "country_code")
    bool required = false;
    QString description; // what it holds and in which format
};

// One problem with a file: where (file, line, column) and what.
struct ImportError
{
    QString file;
    qint64 line = 0;  // the physical line the record starts on; 0 = the file as a whole
    QString column;   // the column as the header names it; empty = the whole line
    QString message;  // e.g. `"31/02/1990" is not a date`

    // `file, line 1042, column "birthdate": "31/02/1990" is not a date`
    QString toString() const;
};

// How the header's columns are read.
struct ImportColumn
{
    QString header;     // as written in the file
    QString field;      // the field it fills ("email", "metadata.pet_name"); empty = unknown
    QString suggestion; // for an unknown column: the closest known name, if any
};

// The header mapping and the first rows of a file, read without the workspace.
struct ImportPreview
{
    ImportKind kind = ImportKind::Customers;
    char delimiter = ',';
    QList<ImportColumn> columns;
    QStringList missing;       // required fields no column fills
    QList<QStringList> rows;   // the first rows, as text
    QList<qint64> lines;       // the line each of them starts on
    QList<ImportError> errors; // the header's problems, and a malformed row among those shown
};

struct ImportProgress
{
    qint64 rows = 0;       // data rows read so far
    qint64 bytesRead = 0;
    qint64 bytesTotal = 0; // the file's size
    int percent = 0;       // of the whole import: reading the rows is 0-95, finishing the rest
};

struct ImportOptions
{
    ImportKind kind = ImportKind::Customers;
    char delimiter = 0;                // ',', ';' or '\t'; 0 = detect from the header line
    bool dryRun = false;               // check everything (references too), then roll back
    bool ignoreUnknownColumns = false; // unknown columns become warnings instead of errors
    int maxErrors = 100;               // stop after this many errors
    QString actor = QStringLiteral("import"); // who, in the audit log
    qint64 now = 0;                    // the time of the import (updated_at…); 0 = the clock
    // Checked every few thousand rows; when set the import rolls back.
    const std::atomic_bool *cancel = nullptr;
    // Called from the importing thread about every 1 % of the file (and at the end).
    std::function<void(const ImportProgress &)> progress;
};

struct ImportReport
{
    ImportKind kind = ImportKind::Customers;
    QString file;
    qint64 rows = 0;     // data rows read (rows with every cell empty are skipped)
    qint64 inserted = 0; // new customers / SKUs / orders / events
    qint64 updated = 0;  // existing ones matched by source id and updated
    // Products: the products and categories the SKU rows created or updated.
    qint64 productsInserted = 0;
    qint64 productsUpdated = 0;
    qint64 categoriesInserted = 0;
    // Orders: order lines written, customers whose summary was recomputed.
    qint64 orderItems = 0;
    qint64 customersRecounted = 0;
    QStringList warnings;
    QList<ImportError> errors; // at most maxErrors; any error = the file was refused, nothing written
    bool moreErrors = false;   // stopped at maxErrors: the rest of the file was not checked
    bool cancelled = false;    // rolled back on request: nothing written
    bool dryRun = false;       // checked and rolled back
    qint64 milliseconds = 0;

    bool ok() const { return errors.isEmpty() && !cancelled; }
    // "1 200 rows: 1 000 inserted, 200 updated" and the like, for people.
    QString summary() const;
};

// Imports one CSV file into a workspace, all or nothing: one BEGIN IMMEDIATE
// transaction; any bad row, a cancel or a dry run rolls it back. Rows are matched
// to existing ones by source id (upsert): columns the file has overwrite, the others
// are kept. After orders the customers' summaries (orders_count, total_spent,
// last_order_at: every order counts, whatever its status) are recomputed; after
// customers, orders or events the auto-update segments are refreshed for the
// customers touched; one audit_log entry (entity_type "import") records the import.
// Every value is a bound parameter; column names come from fixed tables.
class Importer
{
public:
    explicit Importer(Connection &connection);

    ImportReport run(const QString &file, const ImportOptions &options);

    // The header mapping and the first `rows` rows (reads only the file).
    static ImportPreview preview(const QString &file, ImportKind kind, char delimiter = 0, int rows = 20);
    static QList<ImportField> fields(ImportKind kind);

private:
    Connection &m_connection;
};

// The import on the global thread pool with its own read-write connection.
// `cancel` and `options.progress` are used from that thread.
namespace ImportTasks {

QFuture<ImportReport> run(const QString &workspacePath, const QString &file, ImportOptions options,
                          std::shared_ptr<std::atomic_bool> cancel = {});
QFuture<ImportPreview> preview(const QString &file, ImportKind kind, char delimiter = 0, int rows = 20);

} // namespace ImportTasks
} // namespace PromoDesk::Store
