#pragma once

#include "common/result.h"

#include <QList>
#include <QString>

#include <memory>

namespace PromoDesk::Store {

class Connection;

enum class WorkspaceKind { Production, Sandbox };

QString kindName(WorkspaceKind kind); // "production" / "sandbox"

struct WorkspaceInfo
{
    QString path;
    WorkspaceKind kind = WorkspaceKind::Production;
    int schemaVersion = 0;
    QString name;
    QString currency;
    qint64 createdAt = 0;
};

struct TableCount
{
    QString table;
    qint64 rows = 0;
};

// A workspace is one SQLite file. These functions refuse anything that is not a
// workspace (or is damaged, or newer than this build) without writing to it.
namespace Workspace {

constexpr auto FileSuffix = "promodesk";

// Creates a new, empty workspace. Refuses to overwrite an existing file.
// The file appears under `path` only once it is complete.
Result<WorkspaceInfo> create(const QString &path, WorkspaceKind kind, const QString &name = {},
                             const QString &currency = QStringLiteral("EUR"));

// Validates read-only; never migrates or writes.
Result<WorkspaceInfo> inspect(const QString &path);

// Validates, then migrates an older schema forward. Returns the upgraded info.
Result<WorkspaceInfo> open(const QString &path);

// Reads the workspace_meta of an open connection.
Result<WorkspaceInfo> readInfo(Connection &connection);

// Row counts per table (Schema::tables()).
Result<QList<TableCount>> counts(Connection &connection);

// Sets WAL and a synchronous level that keeps every commit durable across a crash
// of the process (WAL + NORMAL) for a read-write connection.
Status configureForWriting(Connection &connection);

// A read-write connection to a workspace that is already open (validated and
// migrated), configured for writing.
Result<std::unique_ptr<Connection>> openForWriting(const QString &path);

} // namespace Workspace

qint64 nowMs();

} // namespace PromoDesk::Store
