#include "cliutil.h"

#include "store/connection.h"
#include "store/schema.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTimeZone>

#include <cstdio>

namespace PromoDesk::Cli {

int fail(const QString &message, int code)
{
    std::fprintf(stderr, "promodesk-cli: %s\n", message.toLocal8Bit().constData());
    return code;
}

void printJson(const QJsonObject &object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Indented).constData(), stdout);
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &description, int &exitCode)
{
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments)) {
        exitCode = fail(parser.errorText(), 2);
        return false;
    }
    if (parser.isSet(help)) {
        std::fputs(parser.helpText().toLocal8Bit().constData(), stdout);
        exitCode = 0;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        exitCode = fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().constFirst()), 2);
        return false;
    }
    return true;
}

QCommandLineOption workspaceOption()
{
    return QCommandLineOption({QStringLiteral("w"), QStringLiteral("workspace")},
                              QStringLiteral("The workspace file (*.promodesk)."), QStringLiteral("FILE"));
}

Result<std::unique_ptr<Store::Connection>> openWorkspace(const QString &path, bool write)
{
    using namespace PromoDesk::Store;
    if (path.isEmpty())
        return Error{QStringLiteral("--workspace FILE is required"), {}};
    auto info = write ? Workspace::open(path) : Workspace::inspect(path);
    if (!info)
        return info.error();
    // A workspace of an older schema is upgraded first (as the dashboard does on open),
    // so that reading commands see the tables they expect.
    if (!write && info.value().schemaVersion < Schema::currentVersion()) {
        if (auto upgraded = Workspace::open(path); !upgraded)
            return upgraded.error();
    }
    return write ? Workspace::openForWriting(path) : Connection::open(path, Connection::Access::ReadOnly);
}

std::optional<qint64> isoTime(const QString &text)
{
    const QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid())
        return std::nullopt;
    return at.toMSecsSinceEpoch();
}

// An integer option within [minimum, maximum]; an error message otherwise.
std::optional<qint64> integerOption(const QCommandLineParser &parser, const QCommandLineOption &option, qint64 fallback,
                                    qint64 minimum, qint64 maximum, const QString &command, QString &error)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    if (!ok || value < minimum || value > maximum) {
        error = QStringLiteral("%1: --%2 \"%3\" is not a whole number from %4 to %5")
                    .arg(command, option.names().constLast(), parser.value(option))
                    .arg(minimum)
                    .arg(maximum);
        return std::nullopt;
    }
    return value;
}

} // namespace PromoDesk::Cli
