#include "simulatorcases.h"

#include "common/money.h"
#include "engine/engine.h"
#include "engine/requestjson.h"
#include "store/connection.h"
#include "store/simulatorcasestore.h"
#include "store/workspace.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace PromoDesk::Sandbox {

namespace {

const QStringList Operations{QStringLiteral("qualify"), QStringLiteral("validate"), QStringLiteral("redeem")};

QString keyOf(const QJsonObject &r)
{
    return r.value(QLatin1String("campaign_id")).toString() + QLatin1Char('/') + r.value(QLatin1String("object")).toString()
        + QLatin1Char('/') + r.value(QLatin1String("id")).toString();
}

QString describe(const QJsonObject &r)
{
    QString text = r.value(QLatin1String("status")).toString().toLower();
    if (const QString failure = r.value(QLatin1String("failure")).toString(); !failure.isEmpty())
        text += QStringLiteral(" (%1)").arg(failure);
    else if (r.contains(QLatin1String("discount_amount")))
        text += QStringLiteral(" %1 off").arg(formatMoney(r.value(QLatin1String("discount_amount")).toInteger()));
    return text;
}

// What differs between two outcomes, for people; empty when they agree.
QString difference(const QJsonObject &expected, const QJsonObject &actual)
{
    QStringList lines;
    QMap<QString, QJsonObject> was, now;
    for (const QJsonValue &v : expected.value(QLatin1String("redeemables")).toArray())
        was.insert(keyOf(v.toObject()), v.toObject());
    for (const QJsonValue &v : actual.value(QLatin1String("redeemables")).toArray())
        now.insert(keyOf(v.toObject()), v.toObject());
    QStringList keys = was.keys() + now.keys();
    keys.removeDuplicates();
    std::sort(keys.begin(), keys.end());
    for (const QString &key : keys) {
        const QJsonObject a = was.value(key), b = now.value(key);
        if (a == b)
            continue;
        const QString name = (a.isEmpty() ? b : a).value(QLatin1String("id")).toString();
        const QString campaign = (a.isEmpty() ? b : a).value(QLatin1String("campaign_id")).toString();
        const QString who = campaign.isEmpty() || campaign == name ? name : QStringLiteral("%1 %2").arg(campaign, name);
        lines << QStringLiteral("%1: %2 -> %3").arg(who, a.isEmpty() ? QStringLiteral("not listed") : describe(a),
                                                   b.isEmpty() ? QStringLiteral("not listed") : describe(b));
    }
    if (lines.isEmpty() && expected != actual) {
        lines << QStringLiteral("total discount %1 -> %2")
                     .arg(formatMoney(expected.value(QLatin1String("total_discount_amount")).toInteger()),
                          formatMoney(actual.value(QLatin1String("total_discount_amount")).toInteger()));
    }
    return lines.join(QStringLiteral("; "));
}

Result<SimulatorCase> fromRow(const Store::SimulatorCaseRow &row)
{
    SimulatorCase c;
    c.id = row.id;
    c.name = row.name;
    c.operation = row.operation;
    c.savedAt = row.savedAt;
    QJsonParseError error;
    const QJsonDocument request = QJsonDocument::fromJson(row.request, &error);
    const QJsonDocument expected = QJsonDocument::fromJson(row.expected);
    if (!request.isObject() || !expected.isObject())
        return Error{QStringLiteral("case \"%1\" is not readable JSON").arg(row.name), QStringLiteral("simulator_cases")};
    c.request = request.object();
    c.expected = expected.object();
    return c;
}

} // namespace

QJsonObject outcomeOf(const QJsonObject &response)
{
    QJsonArray redeemables;
    for (const char *list : {"redeemables", "skipped_redeemables", "inapplicable_redeemables"}) {
        for (const QJsonValue &v : response.value(QLatin1String(list)).toArray()) {
            const QJsonObject r = v.toObject();
            const QJsonObject result = r.value(QLatin1String("result")).toObject();
            QJsonObject o{{QStringLiteral("object"), r.value(QLatin1String("object"))},
                          {QStringLiteral("id"), r.value(QLatin1String("id"))},
                          {QStringLiteral("campaign_id"), r.value(QLatin1String("campaign_id"))},
                          {QStringLiteral("status"), r.value(QLatin1String("status"))}};
            const QJsonObject why = result.contains(QLatin1String("error")) ? result.value(QLatin1String("error")).toObject()
                                                                            : result.value(QLatin1String("details")).toObject();
            if (!why.isEmpty())
                o.insert(QStringLiteral("failure"), why.value(QLatin1String("key")));
            else
                o.insert(QStringLiteral("discount_amount"), result.value(QLatin1String("discount_amount")).toInteger());
            redeemables.append(o);
        }
    }
    // In a stable order, whatever order the engine listed them in.
    QList<QJsonValue> sorted(redeemables.begin(), redeemables.end());
    std::sort(sorted.begin(), sorted.end(), [](const QJsonValue &a, const QJsonValue &b) { return keyOf(a.toObject()) < keyOf(b.toObject()); });
    QJsonArray ordered;
    for (const QJsonValue &v : sorted)
        ordered.append(v);
    return {{QStringLiteral("valid"), response.value(QLatin1String("valid"))},
            {QStringLiteral("total_discount_amount"),
             response.value(QLatin1String("order")).toObject().value(QLatin1String("total_discount_amount")).toInteger()},
            {QStringLiteral("redeemables"), ordered}};
}

SimulatorCases::SimulatorCases(Store::Connection &connection) : m_connection(connection) {}

Result<QList<SimulatorCase>> SimulatorCases::list()
{
    auto rows = Store::simulatorCases(m_connection);
    if (!rows)
        return rows.error();
    QList<SimulatorCase> cases;
    for (const Store::SimulatorCaseRow &row : rows.value()) {
        auto c = fromRow(row);
        if (!c)
            return c.error();
        cases.append(c.value());
    }
    return cases;
}

namespace {

// The case's request through the engine, writing nothing: qualify, or validate (a
// redeem case is checked as a validation, unlogged).
Result<QJsonObject> evaluate(Store::Connection &connection, const SimulatorCase &c)
{
    auto request = Engine::requestFromJson(c.request);
    if (!request)
        return Error{QStringLiteral("case \"%1\": %2").arg(c.name, request.error().message), request.error().where};
    Engine::Request r = request.value();
    r.logValidation = false;
    r.recordExposure = false;
    Engine::CampaignEngine engine(connection);
    auto result = c.operation == QLatin1String("qualify") ? engine.qualify(r) : engine.validate(r);
    if (!result)
        return Error{QStringLiteral("case \"%1\": %2").arg(c.name, result.error().message), result.error().where};
    return outcomeOf(Engine::validationToJson(result.value(), false));
}

} // namespace

Result<SimulatorCase> SimulatorCases::save(SimulatorCase c)
{
    if (!Operations.contains(c.operation))
        return Error{QStringLiteral("unknown operation \"%1\" (qualify, validate or redeem)").arg(c.operation), QStringLiteral("operation")};
    if (!c.request.contains(QLatin1String("now")))
        return Error{QStringLiteral("a case needs its clock (\"now\"), so that it means the same tomorrow"), QStringLiteral("now")};
    // What the request gives now is what the case expects from here on.
    auto outcome = evaluate(m_connection, c);
    if (!outcome)
        return outcome.error();
    c.expected = outcome.value();
    c.savedAt = Store::nowMs();
    Store::SimulatorCaseRow row{c.id, c.name, c.operation, QJsonDocument(c.request).toJson(QJsonDocument::Compact),
                                QJsonDocument(c.expected).toJson(QJsonDocument::Compact), c.savedAt};
    auto id = Store::saveSimulatorCase(m_connection, row);
    if (!id)
        return id.error();
    c.id = id.value();
    c.name = c.name.trimmed();
    return c;
}

Status SimulatorCases::remove(qint64 id)
{
    return Store::removeSimulatorCase(m_connection, id);
}

Result<QList<CaseRun>> SimulatorCases::run(const QList<qint64> &ids)
{
    auto cases = list();
    if (!cases)
        return cases.error();
    QList<CaseRun> runs;
    for (const SimulatorCase &c : cases.value()) {
        if (!ids.isEmpty() && !ids.contains(c.id))
            continue;
        CaseRun run;
        run.simulatorCase = c;
        auto outcome = evaluate(m_connection, c);
        if (!outcome) {
            run.difference = outcome.error().message;
        } else {
            run.actual = outcome.value();
            run.difference = difference(c.expected, run.actual);
            run.passed = run.difference.isEmpty();
        }
        runs.append(run);
    }
    return runs;
}

} // namespace PromoDesk::Sandbox
