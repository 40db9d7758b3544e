#pragma once

#include "common/result.h"

#include <QStringList>

namespace PromoDesk::Store {

class Connection;

// The workspace schema as forward-only migrations. Migration N takes a file from
// user_version N-1 to N inside one transaction, so a crash leaves the old version.
namespace Schema {

// 'PRMD': stored in PRAGMA application_id so a workspace is recognisable as one.
constexpr int ApplicationId = 0x50524D44;

int currentVersion();
QString migrationDescription(int version);
QStringList migrationStatements(int version);

// Applies migrations from the file's user_version up to `targetVersion` (default: current).
Status migrate(Connection &connection, int targetVersion = -1);

// Names of the tables a workspace holds (for counts and checks).
QStringList tables();

} // namespace Schema
} // namespace PromoDesk::Store
