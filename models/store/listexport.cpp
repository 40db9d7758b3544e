#include "listexport.h"

#include "connection.h"
#include "customerrepository.h"
#include "rawstatement.h"
#include "sqlutil.h"
#include "common/csv.h"
#include "common/ids.h"

#include <QFile>
#include <QtConcurrent/QtConcurrentRun>
#include <QSaveFile>

#include <cstdio>

namespace PromoDesk::Store {

QStringList ExportList::defaultColumns() const
{
    QStringList names;
    for (const ExportColumn &c : columns) {
        if (c.byDefault)
            names << c.name;
    }
    return names;
}

const ExportColumn *ExportList::column(const QString &name) const
{
    for (const ExportColumn &c : columns) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

Result<QStringList> chooseColumns(const ExportList &list, const QStringList &names)
{
    QStringList chosen;
    for (const QString &entry : names) {
        for (const QString &part : entry.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString name = part.trimmed();
            if (name.isEmpty())
                continue;
            if (!list.column(name)) {
                QStringList known;
                for (const ExportColumn &c : list.columns)
                    known << c.name;
                return Error{QStringLiteral("no column \"%1\" in the %2 list; the columns are: %3")
                                 .arg(name, list.name, known.join(QStringLiteral(", "))),
                             QStringLiteral("--columns")};
            }
            if (chosen.contains(name))
                return Error{QStringLiteral("column \"%1\" is chosen twice").arg(name), QStringLiteral("--columns")};
            chosen << name;
        }
    }
    return chosen.isEmpty() ? list.defaultColumns() : chosen;
}

QString workspaceCurrency(Connection &connection)
{
    auto currency = runQuery(connection, QStringLiteral("SELECT value FROM workspace_meta WHERE key = 'currency'"));
    return currency && currency.value().next() ? currency.value().value(0).toString() : QString();
}

namespace {

// The count, the header and the rows. Every statement it prepares is finalized when
// it returns, before the caller ends the read transaction.
Result<qint64> writeRows(Connection &connection, const ExportList &list, const QStringList &names, QIODevice *device,
                         const CsvExportOptions &options, const ExportProgress &report)
{
    QList<const ExportColumn *> columns;
    QStringList expressions;
    for (const QString &name : names) {
        const ExportColumn *c = list.column(name);
        columns << c;
        expressions << (c->kind == CellKind::Currency ? QStringLiteral("NULL") : c->sql);
    }
    const QString where = list.where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + list.where;
    const QString order = list.orderBy.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") + list.orderBy;
    auto cancelled = [&] { return report.cancelled && report.cancelled->load(); };

    qint64 expected = -1;
    if (report.progress) {
        const QString countFrom = list.countFrom.isEmpty() ? list.from : list.countFrom;
        auto total = RawStatement::prepare(connection, QStringLiteral("SELECT count(*) FROM %1%2").arg(countFrom, where),
                                           list.bindings);
        if (!total)
            return total.error();
        if (!total.value().next())
            return total.value().hasError() ? total.value().error() : Error{QStringLiteral("no count"), list.name};
        expected = total.value().integer(0);
    }
    auto rows = RawStatement::prepare(
        connection, QStringLiteral("SELECT %1 FROM %2%3%4").arg(expressions.join(QStringLiteral(", ")), list.from, where, order),
        list.bindings);
    if (!rows)
        return rows.error();
    const QByteArray currency = workspaceCurrency(connection).toUtf8();

    Csv::Writer csv(device, Csv::Writer::Options{options.byteOrderMark, options.formulaGuard});
    csv.header(names);
    qint64 written = 0;
    RawStatement &q = rows.value();
    const int count = int(columns.size());
    while (q.next()) {
        for (int i = 0; i < count; ++i) {
            const ExportColumn &c = *columns[i];
            if (c.kind == CellKind::Currency) {
                csv.utf8(currency);
                continue;
            }
            if (q.isNull(i)) {
                csv.empty();
                continue;
            }
            switch (c.kind) {
            case CellKind::Text: csv.utf8(q.utf8(i)); break;
            case CellKind::Integer: csv.number(q.integer(i)); break;
            case CellKind::Money: csv.money(q.integer(i)); break;
            case CellKind::Timestamp: csv.timestamp(q.integer(i)); break;
            case CellKind::Boolean: csv.boolean(q.integer(i) != 0); break;
            case CellKind::Id: csv.text(Ids::make(c.idPrefix, q.integer(i))); break;
            case CellKind::Currency: break;
            }
        }
        csv.endRow();
        ++written;
        if ((written & 1023) == 0) {
            if (cancelled())
                return Error{QStringLiteral("cancelled"), list.name};
            if (report.progress)
                report.progress(written, expected);
        }
    }
    if (q.hasError())
        return q.error();
    if (report.progress)
        report.progress(written, expected);
    // A cancel that arrives with the last rows (or before the first of a short list)
    // still throws the file away.
    if (cancelled())
        return Error{QStringLiteral("cancelled"), list.name};
    if (Status s = csv.finish(); !s)
        return s.error();
    return written;
}

} // namespace

Result<qint64> exportList(Connection &connection, const ExportList &list, const QStringList &columnNames, QIODevice *device,
                          const CsvExportOptions &options, const ExportProgress &report)
{
    auto names = chooseColumns(list, columnNames);
    if (!names)
        return names.error();
    // One read snapshot for the count and the rows.
    return reading<qint64>(connection, [&] { return writeRows(connection, list, names.value(), device, options, report); });
}

Result<qint64> exportListToFile(Connection &connection, const ExportList &list, const QStringList &columns,
                                const QString &file, const CsvExportOptions &options, const ExportProgress &report)
{
    if (file == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly))
            return Error{out.errorString(), QStringLiteral("standard output")};
        return exportList(connection, list, columns, &out, options, report);
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error{out.errorString(), file};
    auto written = exportList(connection, list, columns, &out, options, report);
    if (!written) {
        out.cancelWriting();
        return written.error();
    }
    if (!out.commit())
        return Error{out.errorString(), file};
    return written;
}

namespace ListTasks {

QFuture<Result<qint64>> exportToFile(const QString &path, ListMaker makeList, const QStringList &columns,
                                     const QString &file, const CsvExportOptions &options,
                                     std::shared_ptr<std::atomic_bool> cancelled, std::shared_ptr<std::atomic<qint64>> rows,
                                     std::shared_ptr<std::atomic<qint64>> total)
{
    return QtConcurrent::run([=]() -> Result<qint64> {
        auto connection = Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        auto list = makeList(*connection.value());
        if (!list)
            return list.error();
        ExportProgress report;
        report.cancelled = cancelled.get();
        report.progress = [rows, total](qint64 done, qint64 expected) {
            if (rows)
                rows->store(done);
            if (total)
                total->store(expected);
        };
        return exportListToFile(*connection.value(), list.value(), columns, file, options, report);
    });
}

} // namespace ListTasks

namespace Lists {

namespace {
ExportColumn col(const char *name, const char *sql, CellKind kind, const char *description, bool byDefault = true)
{
    return ExportColumn{QString::fromLatin1(name), QString::fromLatin1(sql), kind, QString::fromUtf8(description), byDefault};
}
ExportColumn idCol(const char *name, const char *sql, const char *prefix, const char *description, bool byDefault = true)
{
    ExportColumn c = col(name, sql, CellKind::Id, description, byDefault);
    c.idPrefix = prefix;
    return c;
}
} // namespace

QList<ExportColumn> customerColumns()
{
    return {
        idCol("id", "c.id", Ids::Customer, "PromoDesk's id (cust_…)"),
        col("source_id", "c.source_id", CellKind::Text, "the shop's id"),
        col("name", "c.name", CellKind::Text, "full name"),
        col("email", "c.email", CellKind::Text, "email address"),
        col("phone", "c.phone", CellKind::Text, "phone number"),
        col("birthdate", "c.birthdate", CellKind::Text, "date of birth (YYYY-MM-DD)", false),
        col("country", "c.address_country", CellKind::Text, "country code"),
        col("city", "c.address_city", CellKind::Text, "city"),
        col("postal_code", "c.address_postal_code", CellKind::Text, "postal code"),
        col("loyalty_tier", "c.loyalty_tier", CellKind::Text, "loyalty tier"),
        col("consent_email", "c.consent_email", CellKind::Boolean, "may be emailed"),
        col("consent_sms", "c.consent_sms", CellKind::Boolean, "may be texted"),
        col("consent_push", "c.consent_push", CellKind::Boolean, "may get push messages"),
        col("orders_count", "c.orders_count", CellKind::Integer, "orders placed"),
        col("total_spent", "c.total_spent", CellKind::Money, "total of all orders"),
        col("currency", "", CellKind::Currency, "currency of the money columns"),
        col("last_order_at", "c.last_order_at", CellKind::Timestamp, "time of the last order"),
        col("created_at", "c.created_at", CellKind::Timestamp, "signed up"),
    };
}

ExportList customers(const QString &search, int sortColumn, bool descending)
{
    ExportList list;
    list.name = QStringLiteral("customers");
    list.columns = customerColumns();
    CustomerQuery query;
    query.sort = CustomerSort(qBound(0, sortColumn, int(CustomerSort::LastOrderAt)));
    query.descending = descending;
    query.search = search;
    const CustomerListSql sql = customerListSql(query);
    list.from = QStringLiteral("customers c");
    list.where = sql.where;
    list.bindings = sql.values;
    list.orderBy = sql.orderBy;
    return list;
}

ExportList codes(const QString &campaignId, const QString &status)
{
    ExportList list;
    list.name = QStringLiteral("codes");
    list.columns = {
        col("code", "k.code", CellKind::Text, "the code"),
        idCol("id", "k.id", Ids::Code, "PromoDesk's id (v_…)", false),
        col("campaign_id", "k.campaign_id", CellKind::Text, "campaign id", false),
        col("campaign", "c.name", CellKind::Text, "campaign name"),
        col("status", "k.status", CellKind::Text, "active or disabled"),
        idCol("holder_id", "k.customer_id", Ids::Customer, "the customer it is published to"),
        col("holder_source_id", "h.source_id", CellKind::Text, "the holder's id in the shop"),
        col("holder_name", "h.name", CellKind::Text, "the holder's name"),
        col("holder_email", "h.email", CellKind::Text, "the holder's email"),
        col("redeemed_quantity", "k.redeemed_quantity", CellKind::Integer, "successful redemptions"),
        col("redemption_quantity", "k.redemption_quantity", CellKind::Integer, "redemption limit (empty: none)"),
        col("gift_balance", "k.gift_balance", CellKind::Money, "gift card balance left"),
        col("currency", "", CellKind::Currency, "currency of the money columns"),
        col("created_at", "k.created_at", CellKind::Timestamp, "generated"),
        col("published_at", "k.published_at", CellKind::Timestamp, "published to its holder"),
    };
    list.from = QStringLiteral("codes k JOIN campaigns c ON c.id = k.campaign_id LEFT JOIN customers h ON h.id = k.customer_id");
    QStringList where;
    if (!campaignId.isEmpty()) {
        where << QStringLiteral("k.campaign_id = ?");
        list.bindings << campaignId;
    }
    if (!status.isEmpty()) {
        where << QStringLiteral("k.status = ?");
        list.bindings << status;
    }
    list.where = where.join(QStringLiteral(" AND "));
    list.orderBy = QStringLiteral("k.id");
    return list;
}

ExportList campaigns()
{
    ExportList list;
    list.name = QStringLiteral("campaigns");
    list.columns = {
        col("id", "c.id", CellKind::Text, "campaign id"),
        col("name", "c.name", CellKind::Text, "campaign name"),
        col("campaign_type", "c.campaign_type", CellKind::Text, "DISCOUNT_COUPONS, PROMOTION, GIFT_VOUCHERS or REFERRAL_PROGRAM"),
        col("status", "c.status", CellKind::Text, "draft, active, paused, ended or archived"),
        col("category", "c.category", CellKind::Text, "category", false),
        col("timezone", "c.timezone", CellKind::Text, "the campaign's time zone"),
        col("start_date", "c.start_date", CellKind::Timestamp, "starts"),
        col("expiration_date", "c.expiration_date", CellKind::Timestamp, "ends"),
        col("codes", "(SELECT count(*) FROM codes k WHERE k.campaign_id = c.id)", CellKind::Integer, "codes generated"),
        col("codes_published",
            "(SELECT count(*) FROM codes k WHERE k.campaign_id = c.id AND k.customer_id IS NOT NULL)", CellKind::Integer,
            "codes published to a customer"),
        col("redemptions_succeeded", "ifnull(s.succeeded, 0)", CellKind::Integer, "successful redemptions (not rolled back)"),
        col("redemptions_failed", "ifnull(s.failed, 0)", CellKind::Integer, "failed redemption attempts"),
        col("redemptions_rolled_back", "ifnull(s.rolled_back, 0)", CellKind::Integer, "redemptions later rolled back"),
        col("discount_given", "ifnull(s.discount, 0)", CellKind::Money, "discount of successful redemptions"),
        col("rolled_back_discount", "ifnull(s.rolled_back_discount, 0)", CellKind::Money, "discount returned by rollbacks"),
        col("order_amount", "ifnull(s.order_amount, 0)", CellKind::Money, "order value of successful redemptions"),
        col("currency", "", CellKind::Currency, "currency of the money columns"),
        col("budget_discount", "json_extract(c.definition, '$.limits.budget.discount_amount')", CellKind::Money,
            "discount budget (empty: none)"),
        col("budget_redemptions", "json_extract(c.definition, '$.limits.budget.redemptions')", CellKind::Integer,
            "redemption budget (empty: none)"),
        col("created_at", "c.created_at", CellKind::Timestamp, "created", false),
        col("updated_at", "c.updated_at", CellKind::Timestamp, "last changed", false),
    };
    list.from = QStringLiteral(
        "campaigns c LEFT JOIN (SELECT campaign_id, "
        "sum(result = 'SUCCESS' AND object = 'redemption') AS succeeded, "
        "sum(result = 'FAILURE') AS failed, "
        "sum(result = 'ROLLED_BACK') AS rolled_back, "
        "sum(CASE WHEN result = 'SUCCESS' AND object = 'redemption' THEN discount_amount ELSE 0 END) AS discount, "
        "sum(CASE WHEN result = 'ROLLED_BACK' THEN discount_amount ELSE 0 END) AS rolled_back_discount, "
        "sum(CASE WHEN result = 'SUCCESS' AND object = 'redemption' THEN order_amount ELSE 0 END) AS order_amount "
        "FROM redemptions GROUP BY campaign_id) s ON s.campaign_id = c.id");
    list.orderBy = QStringLiteral("c.name");
    return list;
}

} // namespace Lists

} // namespace PromoDesk::Store
