#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>

// What every command shares: one-line errors, JSON output, option parsing.
namespace PromoDesk::Cli {

int fail(const QString &message, int code = 1);
void printJson(const QJsonObject &object);
QString isoUtc(qint64 ms);
// Parses a command's options; on --help prints it and returns 0 through `exitCode`.
bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &description, int &exitCode);
QCommandLineOption workspaceOption();

} // namespace PromoDesk::Cli
