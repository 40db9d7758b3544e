#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QString>
#include <QVariantList>

struct sqlite3;
struct sqlite3_stmt;

// SQLite's C API for the few hot loops that read a million rows (exports, the
// redemption list's ordered ids): no QVariant per cell, text as the UTF-8 bytes
// SQLite holds. models/store only; everything else goes through QSqlQuery.
namespace PromoDesk::Store {

class Connection;

// The sqlite3 handle behind a Connection (the Qt driver links the same SQLite).
sqlite3 *rawHandle(Connection &connection);

class RawStatement
{
public:
    // Prepares `sql` and binds `values` in order (integers, doubles, text, null).
    static Result<RawStatement> prepare(Connection &connection, const QString &sql, const QVariantList &values = {});

    RawStatement(RawStatement &&other) noexcept;
    RawStatement &operator=(RawStatement &&other) noexcept;
    RawStatement(const RawStatement &) = delete;
    RawStatement &operator=(const RawStatement &) = delete;
    ~RawStatement();

    // The next row: true while there is one; false at the end or on an error (see error()).
    bool next();
    bool hasError() const { return !m_error.isEmpty(); }
    Error error() const { return Error{m_error, m_where}; }

    bool isNull(int column) const;
    qint64 integer(int column) const;
    QByteArrayView utf8(int column) const; // valid until the next call to next()
    QString text(int column) const { return QString::fromUtf8(utf8(column)); }

private:
    RawStatement(sqlite3_stmt *statement, QString where) : m_statement(statement), m_where(std::move(where)) {}

    sqlite3_stmt *m_statement = nullptr;
    QString m_where;
    QString m_error;
};

} // namespace PromoDesk::Store
