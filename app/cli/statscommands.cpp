// Campaign statistics on the command line: show the counters, check them against a
// recount from history, rebuild them.

#include "statscommands.h"

#include "cliutil.h"

#include "store/connection.h"
#include "store/statsstore.h"

#include <QJsonArray>

#include <cstdio>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Store;

const QString Usage = QStringLiteral(
    "Usage: promodesk-cli stats <subcommand> --workspace FILE\n"
    "  show [--campaign ID] [--tier ID] [--from ISO] [--to ISO]\n"
    "                                                 the counters summed, per campaign, per tier (one campaign)\n"
    "                                                 and failures by key (JSON)\n"
    "  check                                          compare the counters with a recount from history\n"
    "                                                 (exit 1 and the differences when they disagree)\n"
    "  rebuild                                        recount the counters from history (one transaction)\n");

QJsonObject bucketJson(const StatsBucket &b)
{
    return {{QStringLiteral("redemptions_succeeded"), b.redemptionsSucceeded},
            {QStringLiteral("redemptions_failed"), b.redemptionsFailed},
            {QStringLiteral("rollbacks"), b.rollbacks},
            {QStringLiteral("validations_valid"), b.validationsValid},
            {QStringLiteral("validations_invalid"), b.validationsInvalid},
            {QStringLiteral("discount_amount"), b.discount},
            {QStringLiteral("rolled_back_discount_amount"), b.rolledBackDiscount},
            {QStringLiteral("order_amount"), b.orderAmount},
            {QStringLiteral("gift_amount"), b.giftAmount},
            {QStringLiteral("codes_created"), b.codesCreated},
            {QStringLiteral("codes_published"), b.codesPublished}};
}

} // namespace

int runStats(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    const QString command = QStringLiteral("stats ") + sub;
    if (!QStringList{QStringLiteral("show"), QStringLiteral("check"), QStringLiteral("rebuild")}.contains(sub)) {
        if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
            std::fputs(qPrintable(Usage), sub.isEmpty() ? stderr : stdout);
            return sub.isEmpty() ? 2 : 0;
        }
        return fail(QStringLiteral("stats: unknown subcommand \"%1\" (show, check, rebuild)").arg(sub), 2);
    }
    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption campaign(QStringLiteral("campaign"), QStringLiteral("show: only this campaign (repeatable)."),
                                      QStringLiteral("ID"));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("show: from this time (ISO-8601, included)."),
                                  QStringLiteral("ISO"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("show: up to this time (ISO-8601, not included)."),
                                QStringLiteral("ISO"));
    const QCommandLineOption tier(QStringLiteral("tier"), QStringLiteral("show: only this promotion tier (with one --campaign)."),
                                  QStringLiteral("ID"));
    parser.addOptions({workspace, campaign, tier, from, to});
    int exitCode = 0;
    if (!parse(parser, arguments.mid(1), Usage, exitCode))
        return exitCode;
    StatsQuery query;
    query.toHour = std::numeric_limits<qint64>::max() / 2;
    query.fromHour = std::numeric_limits<qint64>::min() / 2;
    for (const auto &[option, target] : {std::pair{&from, &query.fromHour}, std::pair{&to, &query.toHour}}) {
        if (!parser.isSet(*option))
            continue;
        const std::optional<qint64> at = isoTime(parser.value(*option));
        if (!at)
            return fail(QStringLiteral("%1: --%2 \"%3\" is not an ISO-8601 time (2026-03-01T09:00:00Z)")
                            .arg(command, option->names().constFirst(), parser.value(*option)),
                        2);
        // Whole hours: the counters' resolution.
        *target = StatsStore::hourOf(*at);
    }
    query.campaignIds = parser.values(campaign);
    query.tierId = parser.value(tier);
    if (!query.tierId.isEmpty() && query.campaignIds.size() != 1)
        return fail(command + QStringLiteral(": --tier needs exactly one --campaign"), 2);

    auto connection = openWorkspace(parser.value(workspace), sub == QLatin1String("rebuild"));
    if (!connection)
        return fail(command + QStringLiteral(": ") + connection.error().toString(), parser.value(workspace).isEmpty() ? 2 : 1);
    StatsStore stats(*connection.value());

    if (sub == QLatin1String("rebuild")) {
        auto buckets = stats.rebuild();
        if (!buckets)
            return fail(command + QStringLiteral(": ") + buckets.error().toString());
        printJson({{QStringLiteral("buckets"), buckets.value()}});
        return 0;
    }
    if (sub == QLatin1String("check")) {
        auto differences = stats.check();
        if (!differences)
            return fail(command + QStringLiteral(": ") + differences.error().toString());
        printJson({{QStringLiteral("ok"), differences.value().isEmpty()},
                   {QStringLiteral("differences"), QJsonArray::fromStringList(differences.value())}});
        return differences.value().isEmpty() ? 0 : 1;
    }
    auto total = stats.total(query);
    auto perCampaign = stats.byCampaign(query);
    auto failures = stats.failures(query);
    auto perTier = stats.byTier(query);
    for (const Error *e : {total ? nullptr : &total.error(), perCampaign ? nullptr : &perCampaign.error(),
                           failures ? nullptr : &failures.error(), perTier ? nullptr : &perTier.error()}) {
        if (e)
            return fail(command + QStringLiteral(": ") + e->toString());
    }
    QJsonObject campaigns;
    for (const StatsBucket &b : perCampaign.value())
        campaigns.insert(b.campaignId.isEmpty() ? QStringLiteral("(none)") : b.campaignId, bucketJson(b));
    QJsonObject failureCounts;
    for (const FailureCount &f : failures.value())
        failureCounts.insert(f.failureCode, f.attempts);
    QJsonObject out{{QStringLiteral("total"), bucketJson(total.value())},
                    {QStringLiteral("campaigns"), campaigns},
                    {QStringLiteral("failures"), failureCounts}};
    if (query.campaignIds.size() == 1) {
        QJsonObject tiers;
        for (const StatsBucket &b : perTier.value())
            tiers.insert(b.tierId.isEmpty() ? QStringLiteral("(none)") : b.tierId, bucketJson(b));
        out.insert(QStringLiteral("tiers"), tiers);
    }
    printJson(out);
    return 0;
}

} // namespace PromoDesk::Cli
