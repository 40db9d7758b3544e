// Segments on the command line: list, create (or update by name), refresh, export
// members to CSV, add members to a static segment from a file of ids.

#include "segmentcommands.h"

#include "cliutil.h"

#include "common/ids.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/connection.h"
#include "store/segmentstore.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Store;

const QString Usage = QStringLiteral(
    "Usage: promodesk-cli segment <subcommand> --workspace FILE …\n"
    "  count   --rule TEXT [--now ISO] [--zone ZONE]       count a rule's matches\n"
    "  list                                                every segment with its kind and size\n"
    "  create  --name NAME --type auto-update|static|passive [--rule TEXT] [--zone ZONE] [--description TEXT]\n"
    "                                                      create, or update the segment of that name\n"
    "  refresh --segment ID|NAME | --all                   re-evaluate (static: freeze the rule's matches);\n"
    "                                                      --all: every auto-update segment (for a scheduler)\n"
    "  export  --segment ID|NAME [--output FILE] [--bom] [--no-formula-guard]\n"
    "                                                      members to CSV (stdout without --output)\n"
    "  add     --segment ID|NAME --ids FILE                add customers (one id or source id per line) to a static segment\n");

QJsonObject segmentJson(const Segment &s)
{
    QJsonObject o{{QStringLiteral("id"), s.id},
                  {QStringLiteral("name"), s.name},
                  {QStringLiteral("type"), segmentTypeKey(s.type)},
                  {QStringLiteral("size"), s.size},
                  {QStringLiteral("timezone"), s.timezone}};
    if (s.rule)
        o.insert(QStringLiteral("rule"), Rules::print(*s.rule));
    if (s.refreshedAt)
        o.insert(QStringLiteral("refreshed_at"), isoUtc(*s.refreshedAt));
    return o;
}

Result<Segment> findSegment(Connection &connection, const QString &idOrName)
{
    auto all = SegmentStore(connection).list();
    if (!all)
        return all.error();
    for (const Segment &s : all.value())
        if (s.id == idOrName || s.name.compare(idOrName, Qt::CaseInsensitive) == 0)
            return s;
    return Error{QStringLiteral("no segment %1 (by id or name)").arg(idOrName), QStringLiteral("--segment")};
}

} // namespace

int runSegmentCommand(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    const QString command = QStringLiteral("segment ") + sub;
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption segment(QStringLiteral("segment"), QStringLiteral("The segment's id or name."), QStringLiteral("ID|NAME"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("The segment's name."), QStringLiteral("NAME"));
    const QCommandLineOption type(QStringLiteral("type"), QStringLiteral("auto-update, static or passive."), QStringLiteral("TYPE"),
                                  QStringLiteral("auto-update"));
    const QCommandLineOption rule(QStringLiteral("rule"), QStringLiteral("The rule, in the text syntax."), QStringLiteral("TEXT"));
    const QCommandLineOption zone(QStringLiteral("zone"), QStringLiteral("IANA time zone for the rule (default UTC)."),
                                  QStringLiteral("ZONE"), QStringLiteral("UTC"));
    const QCommandLineOption description(QStringLiteral("description"), QStringLiteral("What it is for."), QStringLiteral("TEXT"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("Write to FILE (through a temporary file)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption bom(QStringLiteral("bom"), QStringLiteral("Start with a UTF-8 byte order mark (for Excel)."));
    const QCommandLineOption noGuard(QStringLiteral("no-formula-guard"),
                                     QStringLiteral("Write text cells starting with = + - @ as they are (for machines)."));
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("refresh: every auto-update segment."));
    const QCommandLineOption ids(QStringLiteral("ids"), QStringLiteral("A file with one customer id or source id per line."),
                                 QStringLiteral("FILE"));
    parser.addOptions({workspace, segment, name, type, rule, zone, description, output, bom, noGuard, ids, all});
    int exitCode = 0;
    if (!QStringList{QStringLiteral("list"), QStringLiteral("create"), QStringLiteral("refresh"), QStringLiteral("export"),
                     QStringLiteral("add")}
             .contains(sub)) {
        if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
            std::fputs(qPrintable(Usage), sub.isEmpty() ? stderr : stdout);
            return sub.isEmpty() ? 2 : 0;
        }
        return fail(QStringLiteral("segment: unknown subcommand \"%1\" (count, list, create, refresh, export, add)").arg(sub), 2);
    }
    if (!parse(parser, arguments.mid(1), Usage, exitCode))
        return exitCode;
    const bool writes = sub != QLatin1String("list") && sub != QLatin1String("export");
    auto connection = openWorkspace(parser.value(workspace), writes);
    if (!connection)
        return fail(command + QStringLiteral(": ") + connection.error().toString(), parser.value(workspace).isEmpty() ? 2 : 1);
    Connection &db = *connection.value();
    SegmentStore store(db);
    const qint64 now = nowMs();

    if (sub == QLatin1String("list")) {
        auto all = store.list();
        if (!all)
            return fail(command + QStringLiteral(": ") + all.error().toString());
        QJsonArray out;
        for (const Segment &s : all.value())
            out.append(segmentJson(s));
        printJson({{QStringLiteral("segments"), out}});
        return 0;
    }
    if (sub == QLatin1String("create")) {
        if (!parser.isSet(name))
            return fail(command + QStringLiteral(": --name is required"), 2);
        Segment s;
        if (auto existing = findSegment(db, parser.value(name)))
            s = existing.value();
        s.name = parser.value(name);
        const auto kind = segmentTypeFromKey(parser.value(type));
        if (!kind)
            return fail(command + QStringLiteral(": --type must be auto-update, static or passive, not \"%1\"").arg(parser.value(type)), 2);
        s.type = *kind;
        s.timezone = parser.value(zone);
        if (parser.isSet(description))
            s.description = parser.value(description);
        if (parser.isSet(rule)) {
            auto parsed = Rules::parse(parser.value(rule));
            if (!parsed)
                return fail(command + QStringLiteral(": rule: ") + parsed.error().toString(), 2);
            auto checked = Rules::check(parsed.value());
            if (!checked)
                return fail(command + QStringLiteral(": rule: ") + checked.error().toString(), 2);
            s.rule = checked.value();
        }
        auto saved = store.save(s, QStringLiteral("promodesk-cli"), now);
        if (!saved)
            return fail(command + QStringLiteral(": ") + saved.error().toString());
        printJson(segmentJson(saved.value()));
        return 0;
    }
    if (sub == QLatin1String("refresh") && parser.isSet(all)) {
        auto refreshed = refreshStaleSegments(db, now, now);
        if (!refreshed)
            return fail(command + QStringLiteral(": ") + refreshed.error().toString());
        printJson({{QStringLiteral("refreshed"), refreshed.value()}});
        return 0;
    }
    if (!parser.isSet(segment))
        return fail(command + QStringLiteral(": --segment ID|NAME is required"), 2);
    auto found = findSegment(db, parser.value(segment));
    if (!found)
        return fail(command + QStringLiteral(": ") + found.error().toString());
    const Segment &s = found.value();

    if (sub == QLatin1String("refresh")) {
        auto change = store.refresh(s.id, now);
        if (!change)
            return fail(command + QStringLiteral(": ") + change.error().toString());
        printJson({{QStringLiteral("id"), s.id},
                   {QStringLiteral("size"), change.value().size},
                   {QStringLiteral("entered"), change.value().entered},
                   {QStringLiteral("left"), change.value().left}});
        return 0;
    }
    if (sub == QLatin1String("add")) {
        if (!parser.isSet(ids))
            return fail(command + QStringLiteral(": --ids FILE is required"), 2);
        QFile file(parser.value(ids));
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            return fail(command + QStringLiteral(": %1: %2").arg(file.fileName(), file.errorString()));
        QList<qint64> keys;
        QTextStream in(&file);
        int lineNo = 0;
        while (!in.atEnd()) {
            const QString line = in.readLine().trimmed();
            ++lineNo;
            if (line.isEmpty() || (lineNo == 1 && (line == QLatin1String("id") || line == QLatin1String("source_id"))))
                continue;
            auto key = store.customerKey(line);
            if (!key)
                return fail(command + QStringLiteral(": %1, line %2: %3").arg(file.fileName()).arg(lineNo).arg(key.error().message));
            keys << key.value();
        }
        auto change = store.addMembers(s.id, keys, now);
        if (!change)
            return fail(command + QStringLiteral(": ") + change.error().toString());
        printJson({{QStringLiteral("id"), s.id},
                   {QStringLiteral("size"), change.value().size},
                   {QStringLiteral("entered"), change.value().entered}});
        return 0;
    }
    // export
    const CsvExportOptions options{parser.isSet(bom), !parser.isSet(noGuard)};
    if (!parser.isSet(output)) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly))
            return fail(command + QStringLiteral(": cannot write to stdout"));
        auto written = exportSegmentMembers(db, s, &out, options, now);
        if (!written)
            return fail(command + QStringLiteral(": ") + written.error().toString());
        return 0;
    }
    QSaveFile out(parser.value(output));
    if (!out.open(QIODevice::WriteOnly))
        return fail(command + QStringLiteral(": %1: %2").arg(out.fileName(), out.errorString()));
    auto written = exportSegmentMembers(db, s, &out, options, now);
    if (!written) {
        out.cancelWriting();
        return fail(command + QStringLiteral(": ") + written.error().toString());
    }
    if (!out.commit())
        return fail(command + QStringLiteral(": %1: %2").arg(out.fileName(), out.errorString()));
    std::fprintf(stderr, "%lld members written to %s\n", written.value(), qPrintable(out.fileName()));
    return 0;
}

} // namespace PromoDesk::Cli
