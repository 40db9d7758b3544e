#pragma once

#include "common/result.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

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
// An ISO-8601 time ("2026-03-01T09:00:00Z") as UTC epoch ms; none when it is not one.
std::optional<qint64> isoTime(const QString &text);
// An integer option within [minimum, maximum] (`fallback` when not given); none, with
// `error` saying what and where, otherwise.
std::optional<qint64> integerOption(const QCommandLineParser &parser, const QCommandLineOption &option, qint64 fallback,
                                    qint64 minimum, qint64 maximum, const QString &command, QString &error);

// Opens a workspace for a command: checked (and migrated) and read-write when `write`,
// else inspected and read-only. An empty path is the error "--workspace FILE is required".
Result<std::unique_ptr<Store::Connection>> openWorkspace(const QString &path, bool write);

} // namespace PromoDesk::Cli
