// Experiments of a workspace on the command line (issue 10): list, save, start, stop,
// results (JSON or CSV), decide. docs/experiments.md.

#include "experimentcommands.h"

#include "cliutil.h"

#include "experiments/analysis.h"
#include "store/connection.h"
#include "store/experimentstore.h"
#include "store/workspace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <cstdio>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Experiments;

const QString Usage = QStringLiteral(
    "Usage: promodesk-cli experiment <subcommand> --workspace FILE\n"
    "  list                                   every experiment (JSON)\n"
    "  save --file JSON                       create (no id) or update a draft experiment; prints it\n"
    "  start --experiment ID                  start: its campaigns become active, for its variants only\n"
    "  stop --experiment ID                   stop: its campaigns pause until a decision\n"
    "  results --experiment ID [--as-of ISO] [--csv FILE]\n"
    "                                         the analysis as JSON (and the results table as CSV)\n"
    "  decide --experiment ID --winner KEY [--note TEXT]\n"
    "                                         roll out the winner: its campaign active for everyone,\n"
    "                                         the others paused, the experiment concluded\n");

QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

QJsonValue optional(const std::optional<double> &value)
{
    return value ? number(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject analysisJson(const Experiment &e, const Analysis &a)
{
    QJsonArray metrics;
    for (const MetricResult &r : a.metrics) {
        QJsonArray variants;
        for (int v = 0; v < e.variants.size(); ++v) {
            const Stats::VariantStats &s = r.stats.value(v);
            QJsonObject o{{QStringLiteral("variant"), e.variants[v].key},
                          {QStringLiteral("units"), s.n},
                          {QStringLiteral("sum"), s.sum},
                          {QStringLiteral("value"), number(r.values.value(v))}};
            if (metricType(r.metric) == Stats::MetricType::Ratio)
                o.insert(QStringLiteral("denominator_sum"), s.denominatorSum);
            if (const auto &c = r.comparisons.value(v)) {
                if (!c->error.isEmpty()) {
                    o.insert(QStringLiteral("error"), c->error);
                } else {
                    o.insert(QStringLiteral("effect"), number(c->effect));
                    o.insert(QStringLiteral("ci"), QJsonArray{number(c->ciLow), number(c->ciHigh)});
                    o.insert(QStringLiteral("p_value"), optional(c->pValue));
                    o.insert(QStringLiteral("adjusted_p_value"), optional(r.adjustedPValues.value(v)));
                    o.insert(QStringLiteral("chance_to_win"), optional(c->chanceToWin));
                    o.insert(QStringLiteral("significant"), r.verdicts.value(v) != 0);
                    o.insert(QStringLiteral("verdict"), r.verdicts.value(v) > 0   ? QStringLiteral("better")
                                                        : r.verdicts.value(v) < 0 ? QStringLiteral("worse")
                                                                                  : QStringLiteral("inconclusive"));
                }
            }
            variants.append(o);
        }
        metrics.append(QJsonObject{{QStringLiteral("metric"), metricKey(r.metric)},
                                   {QStringLiteral("role"), r.role == MetricRole::Primary     ? QStringLiteral("primary")
                                                            : r.role == MetricRole::Secondary ? QStringLiteral("secondary")
                                                                                              : QStringLiteral("guardrail")},
                                   {QStringLiteral("variants"), variants}});
    }
    QJsonArray exposed;
    for (qint64 n : a.exposed)
        exposed.append(n);
    QJsonObject plan{{QStringLiteral("mde"), a.plannedMde},
                     {QStringLiteral("units_per_arm"), a.plan.unitsPerArm},
                     {QStringLiteral("smallest_arm"), a.smallestArm},
                     {QStringLiteral("enough_units"), a.enoughUnits}};
    if (a.plan.days)
        plan.insert(QStringLiteral("days"), number(*a.plan.days));
    return {{QStringLiteral("experiment"), e.id},
            {QStringLiteral("name"), e.name},
            {QStringLiteral("status"), statusKey(e.status)},
            {QStringLiteral("as_of"), isoUtc(a.asOf)},
            {QStringLiteral("exposed"), exposed},
            {QStringLiteral("srm"), QJsonObject{{QStringLiteral("p_value"), number(a.srm.pValue)},
                                                {QStringLiteral("mismatch"), a.srm.mismatch},
                                                {QStringLiteral("enough_units"), a.srm.enoughUnits}}},
            {QStringLiteral("plan"), plan},
            {QStringLiteral("suggested_winner"), a.suggestedWinner},
            {QStringLiteral("metrics"), metrics}};
}

} // namespace

int runExperiment(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    const QString command = QStringLiteral("experiment ") + sub;
    static const QStringList subs{QStringLiteral("list"),    QStringLiteral("save"),   QStringLiteral("start"),
                                  QStringLiteral("stop"),    QStringLiteral("results"), QStringLiteral("decide")};
    if (!subs.contains(sub)) {
        if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
            std::fputs(qPrintable(Usage), sub.isEmpty() ? stderr : stdout);
            return sub.isEmpty() ? 2 : 0;
        }
        return fail(QStringLiteral("experiment: unknown subcommand \"%1\" (%2)").arg(sub, subs.join(QStringLiteral(", "))), 2);
    }
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption file(QStringLiteral("file"), QStringLiteral("save: the experiment as JSON."), QStringLiteral("FILE"));
    const QCommandLineOption asOf(QStringLiteral("as-of"), QStringLiteral("results: as of this ISO-8601 time (default: all recorded)."),
                                  QStringLiteral("TIME"));
    const QCommandLineOption csv(QStringLiteral("csv"), QStringLiteral("results: write the results table to this CSV file."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption winner(QStringLiteral("winner"), QStringLiteral("decide: the winning variant's key."),
                                    QStringLiteral("KEY"));
    const QCommandLineOption note(QStringLiteral("note"), QStringLiteral("decide: why (recorded with the decision)."),
                                  QStringLiteral("TEXT"));
    const QCommandLineOption experiment(QStringLiteral("experiment"), QStringLiteral("The experiment (exp_…)."),
                                        QStringLiteral("ID"));
    parser.addOptions({workspace, experiment, file, asOf, csv, winner, note});
    int exitCode = 0;
    if (!parse(parser, arguments.mid(1), Usage, exitCode))
        return exitCode;
    const QString id = parser.value(experiment);
    const bool needsId = sub != QLatin1String("list") && sub != QLatin1String("save");
    if (needsId && id.isEmpty())
        return fail(QStringLiteral("%1: --experiment ID is required").arg(command), 2);
    std::optional<qint64> at = sub == QLatin1String("results") ? 0 : Store::nowMs();
    if (parser.isSet(asOf)) {
        at = isoTime(parser.value(asOf));
        if (!at)
            return fail(QStringLiteral("%1: --as-of \"%2\" is not an ISO-8601 time").arg(command, parser.value(asOf)), 2);
    }
    const bool write = sub != QLatin1String("list") && sub != QLatin1String("results");
    auto connection = openWorkspace(parser.value(workspace), write);
    if (!connection)
        return fail(command + QStringLiteral(": ") + connection.error().toString());
    Store::ExperimentStore store(*connection.value());
    const QString actor = QStringLiteral("cli");

    if (sub == QLatin1String("list")) {
        auto all = store.list();
        if (!all)
            return fail(command + QStringLiteral(": ") + all.error().toString());
        QJsonArray out;
        for (const Experiment &e : all.value())
            out.append(toJson(e));
        printJson({{QStringLiteral("experiments"), out}});
        return 0;
    }
    if (sub == QLatin1String("save")) {
        if (!parser.isSet(file))
            return fail(QStringLiteral("%1: --file JSON is required").arg(command), 2);
        QFile f(parser.value(file));
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("%1: %2: %3").arg(command, parser.value(file), f.errorString()));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
        if (!doc.isObject())
            return fail(QStringLiteral("%1: %2: not a JSON object (%3 at offset %4)")
                            .arg(command, parser.value(file), error.errorString())
                            .arg(error.offset));
        auto parsed = fromJson(doc.object());
        if (!parsed)
            return fail(QStringLiteral("%1: %2: %3").arg(command, parser.value(file), parsed.error().toString()));
        auto saved = store.save(parsed.value(), actor);
        if (!saved)
            return fail(command + QStringLiteral(": ") + saved.error().toString());
        printJson(toJson(saved.value()));
        return 0;
    }
    auto found = store.find(id);
    if (!found)
        return fail(command + QStringLiteral(": ") + found.error().toString());
    if (!found.value())
        return fail(QStringLiteral("%1: there is no experiment %2").arg(command, id));
    if (sub == QLatin1String("start") || sub == QLatin1String("stop") || sub == QLatin1String("decide")) {
        if (sub == QLatin1String("decide") && !parser.isSet(winner))
            return fail(QStringLiteral("%1: --winner KEY is required").arg(command), 2);
        auto changed = sub == QLatin1String("start")  ? store.start(id, *at, actor)
                       : sub == QLatin1String("stop") ? store.stop(id, *at, actor)
                                                      : store.declareWinner(id, parser.value(winner), parser.value(note), *at, actor);
        if (!changed)
            return fail(command + QStringLiteral(": ") + changed.error().toString());
        printJson(toJson(changed.value()));
        return 0;
    }
    // results
    auto analysis = analyze(*connection.value(), *found.value(), *at);
    if (!analysis)
        return fail(command + QStringLiteral(": ") + analysis.error().toString());
    if (parser.isSet(csv)) {
        if (Status s = writeResultsCsv(*found.value(), analysis.value(), parser.value(csv)); !s)
            return fail(command + QStringLiteral(": ") + s.error().toString());
    }
    printJson(analysisJson(*found.value(), analysis.value()));
    return 0;
}

} // namespace PromoDesk::Cli
