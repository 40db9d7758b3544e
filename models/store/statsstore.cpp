#include "statsstore.h"

#include "connection.h"
#include "sqlutil.h"

#include <QSqlRecord>

namespace PromoDesk::Store {

namespace {

const QString Counters = QStringLiteral(
    "sum(redemptions_succeeded), sum(redemptions_failed), sum(rollbacks), sum(discount), sum(rolled_back_discount), "
    "sum(order_amount), sum(gift_amount), sum(codes_created), sum(codes_published)");

// The WHERE of a query over campaign_stats or failure_stats, with its bound values.
QString whereOf(const StatsQuery &query, QVariantList &values)
{
    QString where = QStringLiteral("hour >= ? AND hour < ?");
    values << query.fromHour << query.toHour;
    if (!query.campaignIds.isEmpty()) {
        where += QStringLiteral(" AND campaign_id IN (?%1)").arg(QStringLiteral(", ?").repeated(query.campaignIds.size() - 1));
        for (const QString &id : query.campaignIds)
            values << id;
    }
    return where;
}

// A bucket from the nine sums starting at `first`.
StatsBucket bucketFrom(const QSqlQuery &q, int first)
{
    StatsBucket b;
    b.redemptionsSucceeded = q.value(first).toLongLong();
    b.redemptionsFailed = q.value(first + 1).toLongLong();
    b.rollbacks = q.value(first + 2).toLongLong();
    b.discount = q.value(first + 3).toLongLong();
    b.rolledBackDiscount = q.value(first + 4).toLongLong();
    b.orderAmount = q.value(first + 5).toLongLong();
    b.giftAmount = q.value(first + 6).toLongLong();
    b.codesCreated = q.value(first + 7).toLongLong();
    b.codesPublished = q.value(first + 8).toLongLong();
    return b;
}

} // namespace

StatsBucket &StatsBucket::operator+=(const StatsBucket &o)
{
    redemptionsSucceeded += o.redemptionsSucceeded;
    redemptionsFailed += o.redemptionsFailed;
    rollbacks += o.rollbacks;
    discount += o.discount;
    rolledBackDiscount += o.rolledBackDiscount;
    orderAmount += o.orderAmount;
    giftAmount += o.giftAmount;
    codesCreated += o.codesCreated;
    codesPublished += o.codesPublished;
    return *this;
}

StatsStore::StatsStore(Connection &connection) : m_connection(connection) {}

namespace {

// The counters summed per hour or per campaign (`key`: a column of campaign_stats).
Result<QList<StatsBucket>> grouped(Connection &connection, const StatsQuery &query, const QString &key)
{
    QVariantList values;
    const QString where = whereOf(query, values);
    auto q = runQuery(connection,
                      QStringLiteral("SELECT %1, %2 FROM campaign_stats WHERE %3 GROUP BY %1 ORDER BY %1").arg(key, Counters, where),
                      values);
    if (!q)
        return q.error();
    QList<StatsBucket> buckets;
    const bool byHour = key == QLatin1String("hour");
    while (q.value().next()) {
        StatsBucket b = bucketFrom(q.value(), 1);
        if (byHour)
            b.hour = q.value().value(0).toLongLong();
        else
            b.campaignId = q.value().value(0).toString();
        buckets.append(b);
    }
    return buckets;
}

} // namespace

Result<QList<StatsBucket>> StatsStore::hourly(const StatsQuery &query)
{
    return grouped(m_connection, query, QStringLiteral("hour"));
}

Result<QList<StatsBucket>> StatsStore::byCampaign(const StatsQuery &query)
{
    return grouped(m_connection, query, QStringLiteral("campaign_id"));
}

Result<StatsBucket> StatsStore::total(const StatsQuery &query)
{
    QVariantList values;
    const QString where = whereOf(query, values);
    auto q = runQuery(m_connection, QStringLiteral("SELECT %1 FROM campaign_stats WHERE %2").arg(Counters, where), values);
    if (!q)
        return q.error();
    if (!q.value().next())
        return StatsBucket{};
    return bucketFrom(q.value(), 0);
}

Result<QList<FailureCount>> StatsStore::failures(const StatsQuery &query)
{
    QVariantList values;
    const QString where = whereOf(query, values);
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT failure_code, sum(attempts) AS n FROM failure_stats WHERE %1 GROUP BY failure_code "
                                     "HAVING n > 0 ORDER BY n DESC, failure_code")
                          .arg(where),
                      values);
    if (!q)
        return q.error();
    QList<FailureCount> counts;
    while (q.value().next())
        counts.append({q.value().value(0).toString(), q.value().value(1).toLongLong()});
    return counts;
}

Result<ActivitySnapshot> StatsStore::activity(const StatsQuery &query, std::optional<qint64> tailFromHour)
{
    return reading<ActivitySnapshot>(m_connection, [&]() -> Result<ActivitySnapshot> {
        ActivitySnapshot snapshot;
        auto version = dataVersion();
        if (!version)
            return version.error();
        snapshot.dataVersion = version.value();
        StatsQuery tail = query;
        if (tailFromHour)
            tail.fromHour = std::max(query.fromHour, *tailFromHour);
        auto hourly = this->hourly(tail);
        if (!hourly)
            return hourly.error();
        snapshot.hourly = hourly.value();
        auto perCampaign = byCampaign(query);
        if (!perCampaign)
            return perCampaign.error();
        snapshot.perCampaign = perCampaign.value();
        auto failures = this->failures(query);
        if (!failures)
            return failures.error();
        snapshot.failures = failures.value();
        if (!tailFromHour) {
            auto campaigns = runQuery(m_connection, QStringLiteral("SELECT id, name FROM campaigns ORDER BY name"));
            if (!campaigns)
                return campaigns.error();
            while (campaigns.value().next())
                snapshot.campaigns.append({campaigns.value().value(0).toString(), campaigns.value().value(1).toString()});
        }
        return snapshot;
    });
}

Result<qint64> StatsStore::dataVersion()
{
    auto q = runQuery(m_connection, QStringLiteral("PRAGMA data_version"));
    if (!q)
        return q.error();
    return q.value().next() ? q.value().value(0).toLongLong() : 0;
}

Result<qint64> StatsStore::rebuild()
{
    return writing<qint64>(m_connection, [this]() -> Result<qint64> {
        for (const char *sql : {"DELETE FROM campaign_stats", "DELETE FROM failure_stats",
                                "INSERT INTO campaign_stats SELECT * FROM campaign_stats_recount",
                                "INSERT INTO failure_stats SELECT * FROM failure_stats_recount"}) {
            if (auto q = runQuery(m_connection, QString::fromLatin1(sql)); !q)
                return q.error();
        }
        auto count = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM campaign_stats"));
        if (!count)
            return count.error();
        return count.value().next() ? count.value().value(0).toLongLong() : 0;
    });
}

Result<QStringList> StatsStore::check()
{
    return reading<QStringList>(m_connection, [this]() -> Result<QStringList> {
        QStringList differences;
        // Rows that are all zero (left by deletions) equal a missing row.
        const QString nonZero = QStringLiteral(
            "(redemptions_succeeded OR redemptions_failed OR rollbacks OR discount OR rolled_back_discount OR "
            "order_amount OR gift_amount OR codes_created OR codes_published)");
        const struct
        {
            const char *what;
            QString sql;
        } sides[] = {
            {"counters", QStringLiteral("SELECT * FROM campaign_stats WHERE %1 EXCEPT SELECT * FROM campaign_stats_recount").arg(nonZero)},
            {"recount", QStringLiteral("SELECT * FROM campaign_stats_recount WHERE %1 EXCEPT SELECT * FROM campaign_stats").arg(nonZero)},
            {"failure counters",
             QStringLiteral("SELECT * FROM failure_stats WHERE attempts <> 0 EXCEPT SELECT * FROM failure_stats_recount")},
            {"failure recount", QStringLiteral("SELECT * FROM failure_stats_recount EXCEPT SELECT * FROM failure_stats")},
        };
        for (const auto &side : sides) {
            auto q = runQuery(m_connection, side.sql + QStringLiteral(" LIMIT 100"));
            if (!q)
                return q.error();
            while (q.value().next()) {
                QStringList cells;
                for (int i = 0; i < q.value().record().count(); ++i)
                    cells << q.value().value(i).toString();
                differences << QStringLiteral("only in the %1: %2").arg(QString::fromLatin1(side.what), cells.join(QStringLiteral(" | ")));
            }
        }
        return differences;
    });
}

} // namespace PromoDesk::Store
