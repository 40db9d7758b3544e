#pragma once

#include "common/result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace PromoDesk::Store {

// One named QSqlDatabase connection, owned by exactly one thread, removed on destruction.
// Every thread that touches a workspace opens its own Connection.
class Connection
{
public:
    // Inspect: read-only and "immutable": SQLite takes no locks and creates no -wal or
    // -shm file, so a file we refuse is left exactly as it was. It reads the main file
    // only (not a WAL left by a crash) — enough to recognise a workspace.
    enum class Access { ReadOnly, ReadWrite, Inspect };

    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Opens an existing SQLite file; does not validate that it is a workspace
    // (Workspace::open does that) and never creates the file.
    static Result<std::unique_ptr<Connection>> open(const QString &path, Access access);

    QSqlDatabase database() const;
    QString path() const { return m_path; }
    Access access() const { return m_access; }

    // Runs a statement without parameters (pragmas, DDL, transaction control).
    Status exec(const QString &sql);
    Status begin();
    // Whether a transaction is open on this connection (SQLite's autocommit is off).
    bool inTransaction() const;
    Status commit();
    void rollback();

private:
    Connection(QString name, QString path, Access access);

    QString m_name;
    QString m_path;
    Access m_access;
};

} // namespace PromoDesk::Store
