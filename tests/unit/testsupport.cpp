#include "testsupport.h"

#include "engine/democampaigns.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace PromoDesk::Tests {

using namespace Qt::StringLiterals;

namespace {

Result<QSqlQuery> run(Store::Connection &connection, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Error{query.lastError().text(), sql};
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return Error{query.lastError().text(), sql};
    return query;
}

QString quoted(const QString &identifier)
{
    return u'"' + QString(identifier).replace(u'"', u"\"\""_s) + u'"';
}

} // namespace

Result<Rows> select(Store::Connection &connection, const QString &sql, const QVariantList &values)
{
    auto query = run(connection, sql, values);
    if (!query)
        return query.error();
    QSqlQuery &q = query.value();
    Rows rows;
    const int columns = q.record().count();
    while (q.next()) {
        QVariantList row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c)
            row.append(q.value(c));
        rows.append(row);
    }
    if (q.lastError().isValid())
        return Error{q.lastError().text(), sql};
    return rows;
}

Result<QVariant> scalar(Store::Connection &connection, const QString &sql, const QVariantList &values)
{
    auto query = run(connection, sql, values);
    if (!query)
        return query.error();
    if (!query.value().next())
        return Error{u"the query returned no row"_s, sql};
    return query.value().value(0);
}

Status execute(Store::Connection &connection, const QString &sql, const QVariantList &values)
{
    auto query = run(connection, sql, values);
    if (!query)
        return query.error();
    return {};
}

Result<QByteArray> tableHash(Store::Connection &connection, const QString &table)
{
    auto keys = select(connection, u"SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk"_s, {table});
    if (!keys)
        return keys.error();
    QStringList order;
    for (const QVariantList &key : keys.value())
        order << quoted(key.at(0).toString());
    if (order.isEmpty())
        order << u"rowid"_s;
    // Identifiers cannot be bound; they come from Schema::tables() and the table's own schema.
    auto query = run(connection, u"SELECT * FROM %1 ORDER BY %2"_s.arg(quoted(table), order.join(u", ")), {});
    if (!query)
        return query.error();
    QSqlQuery &q = query.value();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QSqlRecord record = q.record();
    for (int c = 0; c < record.count(); ++c)
        hash.addData((record.fieldName(c) + u'\x1f').toUtf8());
    qint64 rows = 0;
    while (q.next()) {
        ++rows;
        hash.addData(QByteArrayView("\x1e"));
        for (int c = 0; c < record.count(); ++c) {
            const QVariant value = q.value(c);
            if (value.isNull()) {
                hash.addData(QByteArrayView("N\x1f"));
                continue;
            }
            hash.addData(QByteArray::number(value.typeId()) + ':');
            hash.addData(value.typeId() == QMetaType::QByteArray ? value.toByteArray() : value.toString().toUtf8());
            hash.addData(QByteArrayView("\x1f"));
        }
    }
    if (q.lastError().isValid())
        return Error{q.lastError().text(), table};
    hash.addData(QByteArray::number(rows));
    return hash.result().toHex();
}

QByteArray fileChecksum(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

QStringList entriesIn(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

std::unique_ptr<Store::Connection> openConnection(const QString &path, Store::Connection::Access access, QString *error)
{
    auto opened = Store::Connection::open(path, access);
    if (!opened) {
        if (error)
            *error = opened.error().toString();
        return nullptr;
    }
    return std::move(opened).value();
}

Store::CustomerQuery customerQuery(Store::CustomerSort sort, bool descending, const QString &search)
{
    Store::CustomerQuery query;
    query.sort = sort;
    query.descending = descending;
    query.search = search;
    return query;
}

Result<Store::DemoReport> generateSmallDemo(const QString &path, quint64 seed, Store::WorkspaceKind kind)
{
    Store::DemoOptions options;
    options.size = Store::DemoSize::Small;
    options.seed = seed;
    options.kind = kind;
    return Store::generateDemo(path, options);
}

Result<Store::DemoReport> generateSmallCampaignDemo(const QString &path, quint64 seed)
{
    Store::DemoOptions options;
    options.size = Store::DemoSize::Small;
    options.seed = seed;
    return Engine::generateDemoWorkspace(path, options);
}

} // namespace PromoDesk::Tests
