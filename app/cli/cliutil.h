#pragma once

#include "common/result.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>

// What every command shares: one-line errors, JSON output, option parsing.
namespace PromoDesk::Store {
class Connection;
}

namespace PromoDesk::Cli {

int fail(const QString &message, int code = 1);
void printJson(const QJsonObject &object);
QString isoUtc(qint64 ms);
// Parses a command's options; on --help prints it and returns 0 through `exitCode`.
bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &description, int &exitCode);
QCommandLineOption workspaceOption();

// Opens a workspace for a command: checked (and migrated) and read-write when `write`,
// else inspected and read-only. An empty path is the error "--workspace FILE is required".
Result<std::unique_ptr<Store::Connection>> openWorkspace(const QString &path, bool write);

} // namespace PromoDesk::Cli
