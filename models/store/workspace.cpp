#include "workspace.h"

#include "connection.h"
#include "schema.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace PromoDesk::Store {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString kindName(WorkspaceKind kind)
{
    return kind == WorkspaceKind::Sandbox ? QStringLiteral("sandbox") : QStringLiteral("production");
}

namespace Workspace {

namespace {

Result<int> pragmaInt(Connection &connection, const QString &pragma)
{
    QSqlQuery query(connection.database());
    if (!query.exec(QStringLiteral("PRAGMA ") + pragma) || !query.next())
        return Error{QStringLiteral("cannot read the file (%1) — it is damaged or not a database")
                         .arg(query.lastError().text()),
                     connection.path()};
    return query.value(0).toInt();
}

// Checks the 16-byte SQLite header without handing the file to SQLite.
Status checkHeader(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return Error{QStringLiteral("no such file"), path};
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read the file: %1").arg(file.errorString()), path};
    if (file.size() == 0)
        return Error{QStringLiteral("the file is empty, not a PromoDesk workspace"), path};
    const QByteArray header = file.read(16);
    if (header != QByteArray("SQLite format 3\0", 16))
        return Error{QStringLiteral("not a PromoDesk workspace (it is not an SQLite database)"), path};
    return {};
}

Status writeMeta(Connection &connection, const QString &key, const QString &value)
{
    QSqlQuery query(connection.database());
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO workspace_meta(key, value) VALUES (?, ?)"));
    query.addBindValue(key);
    query.addBindValue(value);
    if (!query.exec())
        return Error{query.lastError().text(), connection.path()};
    return {};
}

} // namespace

Status configureForWriting(Connection &connection)
{
    if (Status s = connection.exec(QStringLiteral("PRAGMA journal_mode = WAL")); !s)
        return s;
    return connection.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
}

Result<std::unique_ptr<Connection>> openForWriting(const QString &path)
{
    auto connection = Connection::open(path, Connection::Access::ReadWrite);
    if (!connection)
        return connection.error();
    if (Status s = configureForWriting(*connection.value()); !s)
        return s.error();
    return connection;
}

Result<WorkspaceInfo> readInfo(Connection &connection)
{
    WorkspaceInfo info;
    info.path = connection.path();
    auto version = pragmaInt(connection, QStringLiteral("user_version"));
    if (!version)
        return version.error();
    info.schemaVersion = version.value();

    QSqlQuery query(connection.database());
    if (!query.exec(QStringLiteral("SELECT key, value FROM workspace_meta")))
        return Error{QStringLiteral("not a PromoDesk workspace (no workspace_meta table: %1)")
                         .arg(query.lastError().text()),
                     connection.path()};
    bool sawKind = false;
    while (query.next()) {
        const QString key = query.value(0).toString();
        const QString value = query.value(1).toString();
        if (key == QLatin1String("kind")) {
            sawKind = true;
            if (value == QLatin1String("sandbox"))
                info.kind = WorkspaceKind::Sandbox;
            else if (value == QLatin1String("production"))
                info.kind = WorkspaceKind::Production;
            else
                return Error{QStringLiteral("workspace kind \"%1\" is neither production nor sandbox").arg(value),
                             connection.path()};
        } else if (key == QLatin1String("name")) {
            info.name = value;
        } else if (key == QLatin1String("currency")) {
            info.currency = value;
        } else if (key == QLatin1String("created_at")) {
            info.createdAt = value.toLongLong();
        }
    }
    if (!sawKind)
        return Error{QStringLiteral("the workspace does not say whether it is production or sandbox"),
                     connection.path()};
    return info;
}

Result<WorkspaceInfo> inspect(const QString &path)
{
    if (Status s = checkHeader(path); !s)
        return s.error();
    auto opened = Connection::open(path, Connection::Access::Inspect);
    if (!opened)
        return opened.error();
    Connection &connection = *opened.value();

    auto appId = pragmaInt(connection, QStringLiteral("application_id"));
    if (!appId)
        return appId.error();
    if (appId.value() != Schema::ApplicationId)
        return Error{QStringLiteral("not a PromoDesk workspace (an SQLite database of another application)"), path};

    auto version = pragmaInt(connection, QStringLiteral("user_version"));
    if (!version)
        return version.error();
    if (version.value() > Schema::currentVersion())
        return Error{QStringLiteral("written by a newer PromoDesk (schema version %1; this build knows up to %2) "
                                    "— update PromoDesk to open it")
                         .arg(version.value())
                         .arg(Schema::currentVersion()),
                     path};
    if (version.value() < 1)
        return Error{QStringLiteral("not a PromoDesk workspace (schema version 0)"), path};

    // Reading the schema touches the first pages: a damaged file fails here.
    QSqlQuery schemaQuery(connection.database());
    if (!schemaQuery.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")) || !schemaQuery.next())
        return Error{QStringLiteral("the workspace file is damaged (%1)").arg(schemaQuery.lastError().text()), path};
    schemaQuery.finish();
    return readInfo(connection);
}

Result<WorkspaceInfo> open(const QString &path)
{
    auto inspected = inspect(path);
    if (!inspected)
        return inspected;
    auto opened = Connection::open(path, Connection::Access::ReadWrite);
    if (!opened)
        return opened.error();
    Connection &connection = *opened.value();
    if (Status s = configureForWriting(connection); !s)
        return s.error();
    if (inspected.value().schemaVersion < Schema::currentVersion()) {
        if (Status s = Schema::migrate(connection); !s)
            return s.error();
    }
    return readInfo(connection);
}

Result<WorkspaceInfo> create(const QString &path, WorkspaceKind kind, const QString &name, const QString &currency)
{
    if (QFileInfo::exists(path))
        return Error{QStringLiteral("a file already exists there; choose another name or remove it first"), path};
    const QFileInfo target(path);
    if (!target.absoluteDir().exists())
        return Error{QStringLiteral("the folder %1 does not exist").arg(target.absolutePath()), path};

    const QString partial = path + QStringLiteral(".part");
    QFile::remove(partial);
    {
        QFile touch(partial);
        if (!touch.open(QIODevice::WriteOnly))
            return Error{QStringLiteral("cannot create the file: %1").arg(touch.errorString()), path};
    }
    Status status;
    {
        auto opened = Connection::open(partial, Connection::Access::ReadWrite);
        if (!opened) {
            QFile::remove(partial);
            return opened.error();
        }
        Connection &connection = *opened.value();
        // Larger pages: shallower b-trees for tables of millions of rows.
        status = connection.exec(QStringLiteral("PRAGMA page_size = 8192"));
        if (status)
            status = Schema::migrate(connection);
        if (status) {
            const QString displayName = name.isEmpty() ? target.completeBaseName() : name;
            connection.begin();
            for (const auto &[key, value] :
                 {std::pair{QStringLiteral("kind"), kindName(kind)}, std::pair{QStringLiteral("name"), displayName},
                  std::pair{QStringLiteral("currency"), currency},
                  std::pair{QStringLiteral("created_at"), QString::number(nowMs())},
                  std::pair{QStringLiteral("code_case"), QStringLiteral("upper")}}) {
                status = writeMeta(connection, key, value);
                if (!status)
                    break;
            }
            if (status)
                status = connection.commit();
            else
                connection.rollback();
        }
        if (status)
            status = configureForWriting(connection);
        // Fold the WAL back so the renamed file is complete on its own.
        if (status)
            connection.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    if (!status) {
        QFile::remove(partial);
        return Error{status.error().message, path};
    }
    QFile::remove(partial + QStringLiteral("-wal"));
    QFile::remove(partial + QStringLiteral("-shm"));
    if (!QFile::rename(partial, path)) {
        QFile::remove(partial);
        return Error{QStringLiteral("cannot move the new workspace into place"), path};
    }
    return inspect(path);
}

Result<QList<TableCount>> counts(Connection &connection)
{
    QList<TableCount> out;
    for (const QString &table : Schema::tables()) {
        QSqlQuery query(connection.database());
        // Table names come from Schema::tables(), never from input.
        if (!query.exec(QStringLiteral("SELECT count(*) FROM ") + table) || !query.next())
            return Error{query.lastError().text(), connection.path()};
        out.append({table, query.value(0).toLongLong()});
    }
    return out;
}

} // namespace Workspace
} // namespace PromoDesk::Store
