#include "commands.h"
#include "segmentcommands.h"
#include "cliutil.h"

#include "rules/evaluator.h"
#include "rules/facts.h"
#include "rules/json.h"
#include "rules/sqlcompiler.h"
#include "store/customerrepository.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/connection.h"
#include "engine/democampaigns.h"
#include "store/demogenerator.h"
#include "store/schema.h"
#include "store/workspace.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTimeZone>

#include <QTextStream>

#include <cstdio>
#include <cstdlib>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Store;

} // namespace

int runInit(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Fill with the demo loyalty programme: small (5 000 members), "
                                                 "medium (100 000) or large (1 400 000)."),
                                  QStringLiteral("SIZE"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed of the demo data (default 1)."),
                                  QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption asOf(QStringLiteral("as-of"),
                                  QStringLiteral("Last day of the demo history, YYYY-MM-DD (default 2026-11-01)."),
                                  QStringLiteral("DATE"), QStringLiteral("2026-11-01"));
    const QCommandLineOption sandbox(QStringLiteral("sandbox"), QStringLiteral("Mark the workspace as a sandbox."));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("Display name of the workspace."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption force(QStringLiteral("force"), QStringLiteral("Replace an existing file."));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress on stderr."));
    const QCommandLineOption noCampaigns(QStringLiteral("no-campaigns"),
                                         QStringLiteral("Demo data without the campaigns and their redemption history."));
    parser.addOptions({workspace, demo, seed, asOf, sandbox, name, force, quiet, noCampaigns});
    int exitCode = 0;
    if (!parse(parser, arguments, QStringLiteral("Create a new workspace, empty or with demo data."), exitCode))
        return exitCode;

    const QString path = parser.value(workspace);
    if (path.isEmpty())
        return fail(QStringLiteral("init: --workspace FILE is required"), 2);
    const WorkspaceKind kind = parser.isSet(sandbox) ? WorkspaceKind::Sandbox : WorkspaceKind::Production;

    // With --force the new workspace is built beside the old one and renamed over it
    // only when complete: a failed or killed init leaves the old workspace as it was.
    QString target = path;
    if (QFile::exists(path)) {
        if (!parser.isSet(force))
            return fail(QStringLiteral("init: %1 already exists (use --force to replace it)").arg(path));
        // Only a workspace is ever replaced, never some unrelated file.
        if (auto existing = Workspace::inspect(path); !existing)
            return fail(QStringLiteral("init: refusing to replace %1: %2").arg(path, existing.error().message));
        target = path + QStringLiteral(".replacement");
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(target + suffix);
    }
    const auto replaceOld = [&]() -> bool {
        if (target == path)
            return true;
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        // rename(2) replaces the old file atomically.
        return std::rename(QFile::encodeName(target).constData(), QFile::encodeName(path).constData()) == 0;
    };

    QJsonObject out;
    if (parser.isSet(demo)) {
        const auto size = demoSizeFromName(parser.value(demo));
        if (!size)
            return fail(QStringLiteral("init: --demo must be small, medium or large, not \"%1\"").arg(parser.value(demo)), 2);
        bool seedOk = false;
        DemoOptions options;
        options.size = *size;
        options.seed = parser.value(seed).toULongLong(&seedOk);
        if (!seedOk)
            return fail(QStringLiteral("init: --seed must be a non-negative integer, not \"%1\"").arg(parser.value(seed)), 2);
        options.asOf = QDate::fromString(parser.value(asOf), Qt::ISODate);
        if (!options.asOf.isValid())
            return fail(QStringLiteral("init: --as-of must be a date YYYY-MM-DD, not \"%1\"").arg(parser.value(asOf)), 2);
        options.kind = kind;
        options.name = parser.value(name);
        const bool showProgress = !parser.isSet(quiet);
        const auto showPercent = [showProgress](int percent) {
            if (showProgress) {
                std::fprintf(stderr, "\rgenerating demo data… %3d%%", percent);
                std::fflush(stderr);
            }
            return true;
        };
        auto report = parser.isSet(noCampaigns) ? generateDemo(target, options, showPercent)
                                                : Engine::generateDemoWorkspace(target, options, showPercent);
        if (showProgress)
            std::fputs("\n", stderr);
        if (!report)
            return fail(QStringLiteral("init: ") + report.error().message + QStringLiteral(" (") + path + QLatin1Char(')'));
        if (!replaceOld())
            return fail(QStringLiteral("init: cannot replace %1 with the new workspace").arg(path));
        const DemoReport &r = report.value();
        out.insert(QStringLiteral("workspace"), path);
        out.insert(QStringLiteral("kind"), kindName(kind));
        out.insert(QStringLiteral("demo"), parser.value(demo));
        out.insert(QStringLiteral("seed"), QString::number(options.seed));
        out.insert(QStringLiteral("rows"), QJsonObject{{QStringLiteral("customers"), r.customers},
                                                       {QStringLiteral("orders"), r.orders},
                                                       {QStringLiteral("order_items"), r.orderItems},
                                                       {QStringLiteral("customer_events"), r.events},
                                                       {QStringLiteral("products"), r.products},
                                                       {QStringLiteral("skus"), r.skus},
                                                       {QStringLiteral("campaigns"), r.campaigns},
                                                       {QStringLiteral("codes"), r.codes},
                                                       {QStringLiteral("redemptions"), r.redemptionAttempts}});
        const double seconds = double(r.totalMs) / 1000.0;
        out.insert(QStringLiteral("seconds"), seconds);
        out.insert(QStringLiteral("load_seconds"), double(r.loadMs) / 1000.0);
        out.insert(QStringLiteral("index_seconds"), double(r.indexMs) / 1000.0);
        if (!parser.isSet(noCampaigns))
            out.insert(QStringLiteral("history_seconds"), double(r.historyMs) / 1000.0);
        out.insert(QStringLiteral("rows_per_second"), seconds > 0 ? qint64(double(r.rows()) / seconds) : 0);
    } else {
        const QString displayName = parser.isSet(name) ? parser.value(name) : QFileInfo(path).completeBaseName();
        auto created = Workspace::create(target, kind, displayName);
        if (!created)
            return fail(QStringLiteral("init: ") + created.error().message + QStringLiteral(" (") + path + QLatin1Char(')'));
        if (!replaceOld())
            return fail(QStringLiteral("init: cannot replace %1 with the new workspace").arg(path));
        out.insert(QStringLiteral("workspace"), path);
        out.insert(QStringLiteral("kind"), kindName(kind));
        out.insert(QStringLiteral("schema_version"), created.value().schemaVersion);
    }
    printJson(out);
    return 0;
}

int runInfo(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    parser.addOption(workspace);
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Print a workspace's kind, schema version and rows per table as JSON. "
                              "Opening upgrades an older schema."),
               exitCode))
        return exitCode;
    const QString path = parser.value(workspace);
    if (path.isEmpty())
        return fail(QStringLiteral("info: --workspace FILE is required"), 2);

    auto info = Workspace::open(path);
    if (!info)
        return fail(QStringLiteral("info: ") + info.error().toString());
    // Read-write so that closing the last connection folds the WAL back into the file.
    auto connection = Connection::open(path, Connection::Access::ReadWrite);
    if (!connection)
        return fail(QStringLiteral("info: ") + connection.error().toString());
    auto counts = Workspace::counts(*connection.value());
    if (!counts)
        return fail(QStringLiteral("info: ") + counts.error().toString());

    QJsonObject tables;
    for (const TableCount &count : counts.value())
        tables.insert(count.table, count.rows);
    printJson({{QStringLiteral("workspace"), path},
               {QStringLiteral("name"), info.value().name},
               {QStringLiteral("kind"), kindName(info.value().kind)},
               {QStringLiteral("schema_version"), info.value().schemaVersion},
               {QStringLiteral("currency"), info.value().currency},
               {QStringLiteral("created_at"), isoUtc(info.value().createdAt)},
               {QStringLiteral("tables"), tables}});
    return 0;
}

int runCheck(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    parser.addOption(workspace);
    int exitCode = 0;
    if (!parse(parser, arguments, QStringLiteral("Run PRAGMA integrity_check and foreign_key_check."), exitCode))
        return exitCode;
    const QString path = parser.value(workspace);
    if (path.isEmpty())
        return fail(QStringLiteral("check: --workspace FILE is required"), 2);
    auto info = Workspace::inspect(path);
    if (!info)
        return fail(QStringLiteral("check: ") + info.error().toString());
    // Read-write (but writing nothing) so that the check sees a WAL left by a crash
    // and closing folds it back: no -wal / -shm file is left behind.
    auto connection = Connection::open(path, Connection::Access::ReadWrite);
    if (!connection)
        return fail(QStringLiteral("check: ") + connection.error().toString());
    QJsonArray problems;
    QSqlQuery integrity(connection.value()->database());
    if (!integrity.exec(QStringLiteral("PRAGMA integrity_check")))
        return fail(QStringLiteral("check: %1 is damaged").arg(path));
    while (integrity.next()) {
        if (integrity.value(0).toString() != QLatin1String("ok"))
            problems.append(integrity.value(0).toString());
    }
    QSqlQuery foreignKeys(connection.value()->database());
    if (foreignKeys.exec(QStringLiteral("PRAGMA foreign_key_check"))) {
        while (foreignKeys.next())
            problems.append(QStringLiteral("foreign key: %1 row %2 -> %3")
                                .arg(foreignKeys.value(0).toString(), foreignKeys.value(1).toString(),
                                     foreignKeys.value(2).toString()));
    }
    printJson({{QStringLiteral("workspace"), path}, {QStringLiteral("ok"), problems.isEmpty()},
               {QStringLiteral("problems"), problems}});
    return problems.isEmpty() ? 0 : 1;
}

namespace {

int runRulesExplain(const QStringList &arguments)
{
    QCommandLineParser parser;
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Read {\"rule\": TEXT or JSON, \"customer\": {…}, \"order\": {…}, \"now\": ISO, "
                              "\"timezone\": ZONE} on stdin (see docs/cli.md); print whether the rule holds and the "
                              "explain trace: every condition's actual value, outcome and the smallest change that "
                              "would make a failed one pass."),
               exitCode))
        return exitCode;
    QJsonParseError parseError;
    const QJsonDocument input = QJsonDocument::fromJson(QTextStream(stdin).readAll().toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !input.isObject())
        return fail(QStringLiteral("rules explain: stdin is not a JSON object (%1 at offset %2)")
                        .arg(parseError.errorString())
                        .arg(parseError.offset),
                    2);
    const QJsonObject request = input.object();
    Result<Rules::Node> rule = Error{QStringLiteral("\"rule\" is missing"), QStringLiteral("rule")};
    if (request.value(QLatin1String("rule")).isObject()) {
        rule = Rules::fromJson(request.value(QLatin1String("rule")).toObject());
    } else if (request.value(QLatin1String("rule")).isString()) {
        auto parsed = Rules::parse(request.value(QLatin1String("rule")).toString());
        rule = parsed ? Rules::check(parsed.value()) : parsed;
    }
    if (!rule)
        return fail(QStringLiteral("rules explain: rule: ") + rule.error().toString(), 2);
    auto facts = Rules::factsFromJson(request);
    if (!facts)
        return fail(QStringLiteral("rules explain: ") + facts.error().toString(), 2);
    const Rules::Evaluation evaluation = Rules::evaluate(rule.value(), facts.value());
    printJson({{QStringLiteral("rule"), Rules::print(rule.value())},
               {QStringLiteral("result"), evaluation.passed},
               {QStringLiteral("trace"), Rules::traceToJson(evaluation.trace)}});
    return 0;
}

} // namespace

int runRules(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    if (sub == QLatin1String("explain"))
        return runRulesExplain(arguments.mid(1));
    if (sub != QLatin1String("check")) {
        QCommandLineParser parser;
        int exitCode = 0;
        if (!parse(parser, arguments.mid(0, 1) + arguments.mid(1).filter(QStringLiteral("-")),
                   QStringLiteral("Rules of the rule language. Subcommands:\n"
                                  "  rules check     read a rule on stdin; print its normal form and JSON, or the error "
                                  "with line:column (exit status 2)\n"
                                  "  rules explain   read a rule, a customer, a cart and a time as JSON on stdin; print "
                                  "the outcome with its trace"),
                   exitCode))
            return exitCode;
        return fail(sub.isEmpty() ? QStringLiteral("rules: say which subcommand (rules check, rules explain)")
                                  : QStringLiteral("rules: unknown subcommand \"%1\" (try rules --help)").arg(sub),
                    2);
    }
    QCommandLineParser parser;
    int exitCode = 0;
    if (!parse(parser, arguments.mid(1),
               QStringLiteral("Read a rule in the text syntax on stdin. Print its normal form and its stored JSON, "
                              "or the first error with its line and column (exit status 2)."),
               exitCode))
        return exitCode;
    QTextStream in(stdin);
    const QString text = in.readAll();
    auto parsed = Rules::parse(text);
    if (!parsed)
        return fail(QStringLiteral("rules check: ") + parsed.error().toString(), 2);
    auto checked = Rules::check(parsed.value());
    if (!checked)
        return fail(QStringLiteral("rules check: ") + checked.error().toString(), 2);
    printJson({{QStringLiteral("normal_form"), Rules::print(checked.value())},
               {QStringLiteral("rule"), Rules::toJson(checked.value())}});
    return 0;
}

int runSegment(const QStringList &arguments)
{
    if (arguments.value(1) != QLatin1String("count"))
        return runSegmentCommand(arguments); // list, create, refresh, export, add
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption rule(QStringLiteral("rule"), QStringLiteral("The rule, in the text syntax."), QStringLiteral("TEXT"));
    const QCommandLineOption now(QStringLiteral("now"), QStringLiteral("Evaluate at this time (ISO-8601; default: now)."),
                                 QStringLiteral("ISO"));
    const QCommandLineOption zone(QStringLiteral("zone"), QStringLiteral("IANA time zone for time.* (default UTC)."),
                                  QStringLiteral("ZONE"), QStringLiteral("UTC"));
    parser.addOptions({workspace, rule, now, zone});
    int exitCode = 0;
    if (!parse(parser, arguments.mid(1),
               QStringLiteral("Count the customers a rule matches, through the rule SQL compiler."), exitCode))
        return exitCode;
    const QString path = parser.value(workspace);
    if (path.isEmpty() || !parser.isSet(rule))
        return fail(QStringLiteral("segment count: --workspace FILE and --rule TEXT are required"), 2);
    qint64 when = QDateTime::currentMSecsSinceEpoch();
    if (parser.isSet(now)) {
        const QDateTime parsed = QDateTime::fromString(parser.value(now), Qt::ISODateWithMs);
        if (!parsed.isValid())
            return fail(QStringLiteral("segment count: --now must be an ISO-8601 date-time, not \"%1\"").arg(parser.value(now)), 2);
        when = parsed.toMSecsSinceEpoch();
    }
    const QTimeZone tz(parser.value(zone).toUtf8());
    if (!tz.isValid())
        return fail(QStringLiteral("segment count: unknown time zone \"%1\"").arg(parser.value(zone)), 2);

    auto parsedRule = Rules::parse(parser.value(rule));
    if (!parsedRule)
        return fail(QStringLiteral("segment count: rule: ") + parsedRule.error().toString(), 2);
    auto checked = Rules::check(parsedRule.value());
    if (!checked)
        return fail(QStringLiteral("segment count: rule: ") + checked.error().toString(), 2);
    auto compiled = Rules::compileCustomerRule(checked.value(), when, tz);
    if (!compiled)
        return fail(QStringLiteral("segment count: rule: ") + compiled.error().toString(), 2);

    auto info = Workspace::inspect(path);
    if (!info)
        return fail(QStringLiteral("segment count: ") + info.error().toString());
    auto connection = Connection::open(path, Connection::Access::ReadOnly);
    if (!connection)
        return fail(QStringLiteral("segment count: ") + connection.error().toString());
    QElapsedTimer timer;
    timer.start();
    auto count = CustomerRepository(*connection.value()).countWhere(compiled.value().where, compiled.value().bindings);
    if (!count)
        return fail(QStringLiteral("segment count: ") + count.error().toString());
    printJson({{QStringLiteral("rule"), Rules::print(checked.value())},
               {QStringLiteral("count"), count.value()},
               {QStringLiteral("milliseconds"), double(timer.nsecsElapsed()) / 1e6}});
    return 0;
}

} // namespace PromoDesk::Cli
