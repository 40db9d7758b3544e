#include "connection.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

#include <sqlite3.h>

namespace PromoDesk::Store {

namespace {
QAtomicInteger<quint64> s_connectionCounter;
}

Connection::Connection(QString name, QString path, Access access)
    : m_name(std::move(name)), m_path(std::move(path)), m_access(access)
{
}

Connection::~Connection()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

Result<std::unique_ptr<Connection>> Connection::open(const QString &path, Access access)
{
    if (!QFileInfo::exists(path))
        return Error{QStringLiteral("file does not exist"), path};

    const QString name = QStringLiteral("promodesk-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1));
    std::unique_ptr<Connection> connection(new Connection(name, path, access));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
        if (access == Access::Inspect) {
            db.setDatabaseName(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toString(QUrl::FullyEncoded)
                               + QStringLiteral("?immutable=1"));
            options += QStringLiteral(";QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY");
        } else {
            db.setDatabaseName(path);
        }
        if (access == Access::ReadOnly)
            options += QStringLiteral(";QSQLITE_OPEN_READONLY");
        db.setConnectOptions(options);
        if (!db.open())
            return Error{QStringLiteral("cannot open: %1").arg(db.lastError().text()), path};
    }
    if (access == Access::ReadWrite) {
        if (Status s = connection->exec(QStringLiteral("PRAGMA foreign_keys = ON")); !s)
            return s.error();
    }
    // A reader can still plan good queries; cache a little more than the default.
    connection->exec(QStringLiteral("PRAGMA cache_size = -32768"));
    return connection;
}

QSqlDatabase Connection::database() const
{
    return QSqlDatabase::database(m_name, false);
}

Status Connection::exec(const QString &sql)
{
    QSqlQuery query(database());
    if (!query.exec(sql))
        return Error{query.lastError().text(), m_path};
    return {};
}

bool Connection::inTransaction() const
{
    const QVariant handle = database().driver()->handle();
    sqlite3 *db = handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0
                      ? *static_cast<sqlite3 *const *>(handle.data())
                      : nullptr;
    return db && sqlite3_get_autocommit(db) == 0;
}

Status Connection::begin()
{
    return exec(QStringLiteral("BEGIN IMMEDIATE"));
}

Status Connection::commit()
{
    return exec(QStringLiteral("COMMIT"));
}

void Connection::rollback()
{
    exec(QStringLiteral("ROLLBACK"));
}

} // namespace PromoDesk::Store
