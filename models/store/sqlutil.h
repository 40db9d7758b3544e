#pragma once

#include "common/result.h"
#include "store/connection.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>

// Small shared pieces of the store's SQL code (models/store only).
namespace PromoDesk::Store {

// Prepares `sql`, binds `values` in order and runs it (forward-only); errors name the file.
inline Result<QSqlQuery> runQuery(Connection &connection, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery q(connection.database());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return Error{q.lastError().text(), connection.path()};
    for (const QVariant &value : values)
        q.addBindValue(value);
    if (!q.exec())
        return Error{q.lastError().text(), connection.path()};
    return q;
}

// Runs `fn` in the caller's transaction (as a savepoint) or in its own BEGIN IMMEDIATE:
// all or nothing either way.
template <typename T, typename Fn>
Result<T> writing(Connection &connection, Fn fn)
{
    const bool nested = connection.inTransaction();
    if (Status s = connection.exec(nested ? QStringLiteral("SAVEPOINT store_write") : QStringLiteral("BEGIN IMMEDIATE")); !s)
        return s.error();
    Result<T> result = fn();
    if (!result) {
        if (nested) {
            connection.exec(QStringLiteral("ROLLBACK TO store_write"));
            connection.exec(QStringLiteral("RELEASE store_write"));
        } else {
            connection.rollback();
        }
        return result;
    }
    if (Status s = connection.exec(nested ? QStringLiteral("RELEASE store_write") : QStringLiteral("COMMIT")); !s) {
        if (!nested)
            connection.rollback();
        return s.error();
    }
    return result;
}

// Runs `fn` in one read transaction, so that all it reads is one snapshot of the file,
// unless the caller already has a transaction open. Writes nothing: the transaction it
// opened is rolled back.
template <typename T, typename Fn>
Result<T> reading(Connection &connection, Fn fn)
{
    const bool own = !connection.inTransaction();
    if (own) {
        if (Status s = connection.exec(QStringLiteral("BEGIN")); !s)
            return s.error();
    }
    Result<T> result = fn();
    if (own)
        connection.rollback();
    return result;
}

} // namespace PromoDesk::Store
