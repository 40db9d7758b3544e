#include "rawstatement.h"

#include "connection.h"

#include <QSqlDriver>

#include <sqlite3.h>

namespace PromoDesk::Store {

sqlite3 *rawHandle(Connection &connection)
{
    const QVariant handle = connection.database().driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.data());
}

Result<RawStatement> RawStatement::prepare(Connection &connection, const QString &sql, const QVariantList &values)
{
    sqlite3 *db = rawHandle(connection);
    if (!db)
        return Error{QStringLiteral("the database driver is not SQLite"), connection.path()};
    sqlite3_stmt *statement = nullptr;
    const QByteArray text = sql.toUtf8();
    if (sqlite3_prepare_v2(db, text.constData(), int(text.size()), &statement, nullptr) != SQLITE_OK) {
        const QString message = QString::fromUtf8(sqlite3_errmsg(db));
        sqlite3_finalize(statement);
        return Error{message, connection.path()};
    }
    RawStatement prepared(statement, connection.path());
    int index = 1;
    for (const QVariant &value : values) {
        int rc = SQLITE_OK;
        switch (value.typeId()) {
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
        case QMetaType::Bool:
            rc = sqlite3_bind_int64(statement, index, value.toLongLong());
            break;
        case QMetaType::Double:
            rc = sqlite3_bind_double(statement, index, value.toDouble());
            break;
        default:
            if (value.isNull()) {
                rc = sqlite3_bind_null(statement, index);
            } else {
                const QByteArray bytes = value.toString().toUtf8();
                rc = sqlite3_bind_text(statement, index, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
            }
        }
        if (rc != SQLITE_OK)
            return Error{QString::fromUtf8(sqlite3_errmsg(db)), connection.path()};
        ++index;
    }
    return prepared;
}

RawStatement::RawStatement(RawStatement &&other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr)), m_where(std::move(other.m_where)),
      m_error(std::move(other.m_error))
{
}

RawStatement &RawStatement::operator=(RawStatement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_statement);
        m_statement = std::exchange(other.m_statement, nullptr);
        m_where = std::move(other.m_where);
        m_error = std::move(other.m_error);
    }
    return *this;
}

RawStatement::~RawStatement()
{
    sqlite3_finalize(m_statement);
}

bool RawStatement::next()
{
    if (!m_statement || !m_error.isEmpty())
        return false;
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        m_error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_statement)));
    return false;
}

bool RawStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

qint64 RawStatement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QByteArrayView RawStatement::utf8(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QByteArrayView(text, sqlite3_column_bytes(m_statement, column));
}

} // namespace PromoDesk::Store
