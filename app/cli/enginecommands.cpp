// The campaign engine on the command line: qualify / validate / redeem / rollback
// (JSON on stdin, JSON on stdout), campaigns import / export / list / status, codes.

#include "cliutil.h"
#include "commands.h"

#include "common/ids.h"
#include "engine/campaignjson.h"
#include "engine/engine.h"
#include "engine/requestjson.h"
#include "rules/syntax.h"
#include "store/campaignsummaries.h"
#include "store/coderepository.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Store;

// Opens a workspace for writing (upgrading an older schema) or says why not.
Result<std::unique_ptr<Connection>> openWorkspace(const QString &path)
{
    if (path.isEmpty())
        return Error{QStringLiteral("--workspace FILE is required"), {}};
    auto info = Workspace::open(path);
    if (!info)
        return info.error();
    return Workspace::openForWriting(path);
}

Result<QJsonObject> readJsonObject(const QString &file)
{
    QByteArray data;
    if (file.isEmpty() || file == QLatin1String("-")) {
        data = QTextStream(stdin).readAll().toUtf8();
    } else {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return Error{QStringLiteral("cannot read: %1").arg(f.errorString()), file};
        data = f.readAll();
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError)
        return Error{QStringLiteral("not valid JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset),
                     file.isEmpty() ? QStringLiteral("stdin") : file};
    if (!document.isObject())
        return Error{QStringLiteral("expected a JSON object"), file.isEmpty() ? QStringLiteral("stdin") : file};
    return document.object();
}

enum class Operation { Qualify, Validate, Redeem };

int runOperation(const QStringList &arguments, Operation operation)
{
    const QString name = arguments.value(0);
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption requestFile(QStringLiteral("request"), QStringLiteral("Read the request from FILE instead of stdin."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption explain(QStringLiteral("explain"), QStringLiteral("Attach the rule trace to rule failures."));
    const QCommandLineOption now(QStringLiteral("now"), QStringLiteral("Evaluate at this ISO-8601 time instead of now."),
                                 QStringLiteral("TIME"));
    parser.addOptions({workspace, requestFile, explain, now});
    const QString description =
        operation == Operation::Qualify
            ? QStringLiteral("Read {\"customer\", \"order\"} as JSON on stdin; print every campaign, tier and held code the "
                             "cart qualifies for, best first with the stacking rules applied, and why the others do not.")
        : operation == Operation::Validate
            ? QStringLiteral("Read {\"customer\", \"order\", \"redeemables\"} as JSON on stdin; print whether each applies "
                             "and the order with the discounts. Writes nothing. Exit 1 when not valid.")
            : QStringLiteral("Like validate, and redeem atomically: all requested redeemables or none; every attempt is "
                             "recorded. Exit 1 when nothing was redeemed (the JSON says why).");
    int exitCode = 0;
    if (!parse(parser, arguments, description, exitCode))
        return exitCode;
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(name + QStringLiteral(": ") + connection.error().toString(), 2);
    auto json = readJsonObject(parser.value(requestFile));
    if (!json)
        return fail(name + QStringLiteral(": ") + json.error().toString(), 2);
    auto request = Engine::requestFromJson(json.value());
    if (!request)
        return fail(name + QStringLiteral(": request: ") + request.error().toString(), 2);
    if (parser.isSet(explain))
        request.value().explain = true;
    if (parser.isSet(now)) {
        const auto at = Rules::parseDateTime(parser.value(now));
        if (!at)
            return fail(name + QStringLiteral(": --now: expected an ISO-8601 date-time"), 2);
        request.value().now = *at;
    }
    Engine::CampaignEngine engine(*connection.value());
    const Result<Engine::Validation> result = operation == Operation::Qualify    ? engine.qualify(request.value())
                                              : operation == Operation::Validate ? engine.validate(request.value())
                                                                                 : engine.redeem(request.value());
    if (!result)
        return fail(name + QStringLiteral(": ") + result.error().toString());
    printJson(Engine::validationToJson(result.value(), operation == Operation::Redeem));
    if (operation == Operation::Qualify || result.value().valid)
        return 0;
    QStringList why;
    for (const Engine::RedeemableResult &r : result.value().inapplicable + result.value().skipped)
        why << QStringLiteral("%1: %2").arg(r.requested.id, r.failureKey);
    return fail(QStringLiteral("%1: %2 (%3)")
                    .arg(name, operation == Operation::Redeem ? QStringLiteral("nothing redeemed") : QStringLiteral("not valid"),
                         why.join(QStringLiteral("; "))));
}

int runCampaignsImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    parser.addOption(workspace);
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Campaign JSON files (docs/campaigns.md)."));
    parser.setApplicationDescription(QStringLiteral("Import campaigns from JSON files, all or none: a campaign with the "
                                                    "same id is updated (audited). Prints the imported ids."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return fail(parser.errorText(), 2);
    if (parser.isSet(help)) {
        std::fputs(parser.helpText().toLocal8Bit().constData(), stdout);
        return 0;
    }
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return fail(QStringLiteral("campaigns import: name at least one JSON file"), 2);
    QList<Engine::Campaign> campaigns;
    for (const QString &file : files) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("campaigns import: %1: %2").arg(file, f.errorString()), 2);
        auto campaign = Engine::campaignFromJsonText(f.readAll(), file);
        if (!campaign)
            return fail(QStringLiteral("campaigns import: ") + campaign.error().toString(), 2);
        if (campaign.value().status == Engine::CampaignStatus::Active) {
            if (Status s = Engine::validateCampaign(campaign.value()); !s)
                return fail(QStringLiteral("campaigns import: %1: cannot be active: %2").arg(file, s.error().toString()), 2);
        }
        campaigns.append(campaign.value());
    }
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(QStringLiteral("campaigns import: ") + connection.error().toString(), 2);
    auto saved = importCampaigns(*connection.value(), campaigns, files, QStringLiteral("cli"));
    if (!saved)
        return fail(QStringLiteral("campaigns import: %1 (nothing imported)").arg(saved.error().toString()));
    QJsonArray imported;
    for (int i = 0; i < saved.value().size(); ++i) {
        imported.append(QJsonObject{{QStringLiteral("id"), saved.value()[i].id},
                                    {QStringLiteral("name"), saved.value()[i].name},
                                    {QStringLiteral("file"), files[i]}});
    }
    printJson({{QStringLiteral("imported"), imported}});
    return 0;
}

int runCampaignsExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The directory for the files (one <id>.json per campaign)."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption only(QStringLiteral("campaign"), QStringLiteral("Export only this campaign."), QStringLiteral("ID"));
    parser.addOptions({workspace, output, only});
    int exitCode = 0;
    if (!parse(parser, arguments, QStringLiteral("Export campaigns as JSON files, one per campaign, keys in a stable order."),
               exitCode))
        return exitCode;
    if (!parser.isSet(output))
        return fail(QStringLiteral("campaigns export: --output DIR is required"), 2);
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(QStringLiteral("campaigns export: ") + connection.error().toString(), 2);
    CampaignStore store(*connection.value());
    auto campaigns = store.loadCampaigns();
    if (!campaigns)
        return fail(QStringLiteral("campaigns export: ") + campaigns.error().toString());
    QDir dir(parser.value(output));
    if (!dir.mkpath(QStringLiteral(".")))
        return fail(QStringLiteral("campaigns export: cannot create %1").arg(dir.path()));
    QJsonArray written;
    for (const Engine::Campaign &campaign : campaigns.value()) {
        if (parser.isSet(only) && campaign.id != parser.value(only))
            continue;
        QSaveFile file(dir.filePath(campaign.id + QStringLiteral(".json")));
        if (!file.open(QIODevice::WriteOnly) || file.write(Engine::campaignToJsonText(campaign)) < 0 || !file.commit())
            return fail(QStringLiteral("campaigns export: %1: %2").arg(file.fileName(), file.errorString()));
        written.append(file.fileName());
    }
    if (parser.isSet(only) && written.isEmpty())
        return fail(QStringLiteral("campaigns export: no campaign %1").arg(parser.value(only)));
    printJson({{QStringLiteral("exported"), written}});
    return 0;
}

int runCampaignsList(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    parser.addOption(workspace);
    int exitCode = 0;
    if (!parse(parser, arguments, QStringLiteral("List the campaigns as JSON: id, name, type, status, category, budget use."),
               exitCode))
        return exitCode;
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(QStringLiteral("campaigns list: ") + connection.error().toString(), 2);
    CampaignStore store(*connection.value());
    auto campaigns = store.loadCampaigns();
    if (!campaigns)
        return fail(QStringLiteral("campaigns list: ") + campaigns.error().toString());
    QJsonArray list;
    for (const Engine::Campaign &c : campaigns.value()) {
        QJsonObject entry{{QStringLiteral("id"), c.id},
                          {QStringLiteral("name"), c.name},
                          {QStringLiteral("campaign_type"), Engine::campaignTypeKey(c.type)},
                          {QStringLiteral("status"), Engine::campaignStatusKey(c.status)}};
        if (!c.category.isEmpty())
            entry.insert(QStringLiteral("category"), c.category);
        QJsonArray tiers;
        for (const Engine::Tier &tier : c.tiers)
            tiers.append(QJsonObject{{QStringLiteral("id"), tier.id}, {QStringLiteral("name"), tier.name}});
        if (!tiers.isEmpty())
            entry.insert(QStringLiteral("tiers"), tiers);
        if (!c.standaloneCode.isEmpty())
            entry.insert(QStringLiteral("standalone_code"), c.standaloneCode);
        if (c.limits.needsCampaignCounters()) {
            auto used = store.totalUsage(c.id);
            if (used)
                entry.insert(QStringLiteral("usage"), QJsonObject{{QStringLiteral("redemptions"), used.value().redemptions},
                                                                  {QStringLiteral("discount_amount"), used.value().discount}});
        }
        list.append(entry);
    }
    printJson({{QStringLiteral("campaigns"), list}});
    return 0;
}

int runCampaignsStatus(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption campaign(QStringLiteral("campaign"), QStringLiteral("The campaign id."), QStringLiteral("ID"));
    const QCommandLineOption status(QStringLiteral("status"),
                                    QStringLiteral("active, paused, ended or archived."), QStringLiteral("STATUS"));
    parser.addOptions({workspace, campaign, status});
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Move a campaign along its lifecycle (draft → active ⇄ paused → ended → archived); "
                              "activation validates the campaign first. Audited."),
               exitCode))
        return exitCode;
    const auto target = Engine::campaignStatusFromKey(parser.value(status));
    if (!target)
        return fail(QStringLiteral("campaigns status: --status must be active, paused, ended or archived"), 2);
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(QStringLiteral("campaigns status: ") + connection.error().toString(), 2);
    CampaignStore store(*connection.value());
    auto changed = store.setStatus(parser.value(campaign), *target, QStringLiteral("cli"));
    if (!changed)
        return fail(QStringLiteral("campaigns status: ") + changed.error().toString());
    printJson({{QStringLiteral("id"), changed.value().id}, {QStringLiteral("status"), Engine::campaignStatusKey(changed.value().status)}});
    return 0;
}

int runCodesGenerate(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption campaign(QStringLiteral("campaign"), QStringLiteral("The campaign id."), QStringLiteral("ID"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("How many codes."), QStringLiteral("N"));
    parser.addOptions({workspace, campaign, count});
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Generate N unique codes for a campaign from its code_config, all or none."), exitCode))
        return exitCode;
    bool ok = false;
    const qint64 n = parser.value(count).toLongLong(&ok);
    if (!ok || n <= 0)
        return fail(QStringLiteral("codes generate: --count must be a positive whole number"), 2);
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(QStringLiteral("codes generate: ") + connection.error().toString(), 2);
    CampaignStore store(*connection.value());
    auto found = store.loadCampaign(parser.value(campaign));
    if (!found || !found.value())
        return fail(QStringLiteral("codes generate: no campaign \"%1\"").arg(parser.value(campaign)), 2);
    auto codeCase = store.codeCase();
    if (!codeCase)
        return fail(QStringLiteral("codes generate: ") + codeCase.error().toString());
    auto plan = Engine::planCodes(found.value()->codeConfig, n, codeCase.value());
    if (!plan)
        return fail(QStringLiteral("codes generate: ") + plan.error().toString(), 2);
    if (plan.value().warning)
        std::fprintf(stderr, "promodesk-cli: codes generate: warning: %s\n", plan.value().message.toLocal8Bit().constData());
    Engine::CodeGenerator generator(found.value()->codeConfig, plan.value(), codeCase.value());
    auto generated = CodeRepository(*connection.value()).generate(found.value()->id, generator, n);
    if (!generated)
        return fail(QStringLiteral("codes generate: ") + generated.error().toString());
    printJson({{QStringLiteral("campaign_id"), found.value()->id}, {QStringLiteral("generated"), generated.value().inserted}});
    return 0;
}

int runCodesPublish(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption campaign(QStringLiteral("campaign"), QStringLiteral("The campaign id."), QStringLiteral("ID"));
    const QCommandLineOption customer(QStringLiteral("customer"), QStringLiteral("cust_N or the shop's source id."),
                                      QStringLiteral("CUSTOMER"));
    parser.addOptions({workspace, campaign, customer});
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Publish a code of the campaign to a customer (a free one, or a new one from its "
                              "code_config); join_once campaigns refuse a second code."),
               exitCode))
        return exitCode;
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(QStringLiteral("codes publish: ") + connection.error().toString(), 2);
    CampaignStore store(*connection.value());
    auto found = store.loadCampaign(parser.value(campaign));
    if (!found || !found.value())
        return fail(QStringLiteral("codes publish: no campaign \"%1\"").arg(parser.value(campaign)), 2);
    auto who = store.findCustomer(parser.value(customer));
    if (!who || !who.value())
        return fail(QStringLiteral("codes publish: no customer \"%1\"").arg(parser.value(customer)), 2);
    if (Status s = connection.value()->exec(QStringLiteral("BEGIN IMMEDIATE")); !s)
        return fail(QStringLiteral("codes publish: ") + s.error().toString());
    auto published = store.publishCode(*found.value(), *who.value(), Store::nowMs());
    if (!published) {
        connection.value()->rollback();
        return fail(QStringLiteral("codes publish: ") + published.error().toString());
    }
    if (Status s = connection.value()->commit(); !s)
        return fail(QStringLiteral("codes publish: ") + s.error().toString());
    QJsonObject out{{QStringLiteral("code"), published.value().code},
                    {QStringLiteral("campaign_id"), published.value().campaignId},
                    {QStringLiteral("customer_id"), Ids::make(Ids::Customer, published.value().customerId)},
                    {QStringLiteral("published_at"), isoUtc(published.value().publishedAt)}};
    if (published.value().giftBalance)
        out.insert(QStringLiteral("gift_balance"), *published.value().giftBalance);
    printJson(out);
    return 0;
}

} // namespace

int runQualify(const QStringList &arguments)
{
    return runOperation(arguments, Operation::Qualify);
}

int runValidate(const QStringList &arguments)
{
    return runOperation(arguments, Operation::Validate);
}

int runRedeem(const QStringList &arguments)
{
    return runOperation(arguments, Operation::Redeem);
}

int runRollback(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption requestFile(QStringLiteral("request"), QStringLiteral("Read the request from FILE instead of stdin."),
                                         QStringLiteral("FILE"));
    parser.addOptions({workspace, requestFile});
    int exitCode = 0;
    if (!parse(parser, arguments,
               QStringLiteral("Read {\"redemption_id\": \"red_N\", \"reason\": TEXT} on stdin; roll the redemption back "
                              "(limits, budgets and gift balance restored) and print the rollback."),
               exitCode))
        return exitCode;
    auto connection = openWorkspace(parser.value(workspace));
    if (!connection)
        return fail(QStringLiteral("rollback: ") + connection.error().toString(), 2);
    auto json = readJsonObject(parser.value(requestFile));
    if (!json)
        return fail(QStringLiteral("rollback: ") + json.error().toString(), 2);
    const QString id = json.value().value(QLatin1String("redemption_id")).toString();
    const auto key = Ids::parse(Ids::Redemption, id);
    if (!key)
        return fail(QStringLiteral("rollback: redemption_id: expected \"red_N\", got \"%1\"").arg(id), 2);
    std::optional<qint64> now;
    if (json.value().contains(QLatin1String("now"))) {
        now = Rules::parseDateTime(json.value().value(QLatin1String("now")).toString());
        if (!now)
            return fail(QStringLiteral("rollback: now: expected an ISO-8601 date-time"), 2);
    }
    Engine::CampaignEngine engine(*connection.value());
    auto done = engine.rollback(*key, json.value().value(QLatin1String("reason")).toString(), now);
    if (!done)
        return fail(QStringLiteral("rollback: ") + done.error().toString());
    printJson(Engine::rollbackToJson(done.value(), now.value_or(Store::nowMs())));
    return 0;
}

int runCampaigns(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    if (sub == QLatin1String("import"))
        return runCampaignsImport(arguments.mid(1));
    if (sub == QLatin1String("export"))
        return runCampaignsExport(arguments.mid(1));
    if (sub == QLatin1String("list"))
        return runCampaignsList(arguments.mid(1));
    if (sub == QLatin1String("status"))
        return runCampaignsStatus(arguments.mid(1));
    std::fputs("Usage: promodesk-cli campaigns import|export|list|status [options] (--help on each)\n",
               sub == QLatin1String("--help") ? stdout : stderr);
    return sub == QLatin1String("--help") ? 0 : 2;
}

int runCodes(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    if (sub == QLatin1String("generate"))
        return runCodesGenerate(arguments.mid(1));
    if (sub == QLatin1String("publish"))
        return runCodesPublish(arguments.mid(1));
    std::fputs("Usage: promodesk-cli codes generate|publish [options] (--help on each)\n",
               sub == QLatin1String("--help") ? stdout : stderr);
    return sub == QLatin1String("--help") ? 0 : 2;
}

} // namespace PromoDesk::Cli
