#include "statsstore.h"

#include "connection.h"
#include "listexport.h"
#include "sqlutil.h"

#include <QDateTime>
#include <QHash>
#include <QLocale>
#include <QSqlRecord>
#include <QTimeZone>

namespace PromoDesk::Store {

namespace {

const QString Counters = QStringLiteral(
    "sum(redemptions_succeeded), sum(redemptions_failed), sum(rollbacks), sum(validations_valid), sum(validations_invalid), "
    "sum(discount), sum(rolled_back_discount), "
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
    if (!query.tierId.isEmpty()) {
        where += QStringLiteral(" AND tier_id = ?");
        values << query.tierId;
    }
    return where;
}

// A bucket from the eleven sums (Counters) starting at `first`.
StatsBucket bucketFrom(const QSqlQuery &q, int first)
{
    StatsBucket b;
    qint64 StatsBucket::*const fields[] = {&StatsBucket::redemptionsSucceeded, &StatsBucket::redemptionsFailed,
                                           &StatsBucket::rollbacks,            &StatsBucket::validationsValid,
                                           &StatsBucket::validationsInvalid,   &StatsBucket::discount,
                                           &StatsBucket::rolledBackDiscount,   &StatsBucket::orderAmount,
                                           &StatsBucket::giftAmount,           &StatsBucket::codesCreated,
                                           &StatsBucket::codesPublished};
    for (qint64 StatsBucket::*field : fields)
        b.*field = q.value(first++).toLongLong();
    return b;
}

} // namespace

StatsBucket &StatsBucket::operator+=(const StatsBucket &o)
{
    redemptionsSucceeded += o.redemptionsSucceeded;
    redemptionsFailed += o.redemptionsFailed;
    rollbacks += o.rollbacks;
    validationsValid += o.validationsValid;
    validationsInvalid += o.validationsInvalid;
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
    while (q.value().next()) {
        StatsBucket b = bucketFrom(q.value(), 1);
        if (key == QLatin1String("hour"))
            b.hour = q.value().value(0).toLongLong();
        else if (key == QLatin1String("tier_id"))
            b.tierId = q.value().value(0).toString();
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

Result<QList<StatsBucket>> StatsStore::byTier(const StatsQuery &query)
{
    return grouped(m_connection, query, QStringLiteral("tier_id"));
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

Result<ActivitySnapshot> StatsStore::activity(const StatsQuery &query, std::optional<qint64> tailFromHour, qint64 now)
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
        if (query.campaignIds.size() == 1) {
            // Its tiers side by side, whichever tier the query picks.
            StatsQuery everyTier = query;
            everyTier.tierId.clear();
            auto perTier = byTier(everyTier);
            if (!perTier)
                return perTier.error();
            snapshot.perTier = perTier.value();
            if (!tailFromHour) {
                auto tiers = runQuery(m_connection,
                                      QStringLiteral("SELECT json_extract(t.value, '$.id'), json_extract(t.value, '$.name') FROM campaigns c, "
                                                     "json_each(c.definition, '$.tiers') t WHERE c.id = ? ORDER BY t.key"),
                                      {query.campaignIds.constFirst()});
                if (!tiers)
                    return tiers.error();
                while (tiers.value().next())
                    snapshot.tiers.append({tiers.value().value(0).toString(), tiers.value().value(1).toString()});
            }
            auto budget = runQuery(m_connection,
                                   QStringLiteral("SELECT json_extract(c.definition, '$.limits.budget.discount_amount'), "
                                                  "ifnull(u.discount, 0) FROM campaigns c LEFT JOIN campaign_usage u "
                                                  "ON u.campaign_id = c.id AND u.day = '' WHERE c.id = ?"),
                                   {query.campaignIds.constFirst()});
            if (!budget)
                return budget.error();
            if (budget.value().next() && !budget.value().value(0).isNull() && budget.value().value(0).toLongLong() > 0) {
                snapshot.budgetDiscount = budget.value().value(0).toLongLong();
                snapshot.budgetUsed = budget.value().value(1).toLongLong();
            }
        }
        if (!tailFromHour) {
            auto campaigns = runQuery(m_connection, QStringLiteral("SELECT id, name FROM campaigns ORDER BY name"));
            if (!campaigns)
                return campaigns.error();
            while (campaigns.value().next())
                snapshot.campaigns.append({campaigns.value().value(0).toString(), campaigns.value().value(1).toString()});
            auto alerts = this->alerts(now);
            if (!alerts)
                return alerts.error();
            snapshot.alerts = alerts.value();
            snapshot.currency = workspaceCurrency(m_connection);
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

Result<QList<CampaignAlert>> StatsStore::alerts(qint64 now)
{
    return reading<QList<CampaignAlert>>(m_connection, [&]() -> Result<QList<CampaignAlert>> {
        QList<CampaignAlert> alerts;
        const qint64 hour = hourOf(now);
        const QLocale c = QLocale::c();
        auto day = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate); };
        auto money = [](qint64 cents) {
            return QStringLiteral("%1%2.%3").arg(cents < 0 ? QStringLiteral("-") : QString()).arg(std::abs(cents) / 100)
                .arg(std::abs(cents) % 100, 2, 10, QLatin1Char('0'));
        };
        // The last 7 days' pace and the failure rates, per campaign, from the counters.
        struct Pace
        {
            qint64 discount7 = 0, redemptions7 = 0, failed24 = 0, attempts24 = 0, failed30 = 0, attempts30 = 0;
        };
        QHash<QString, Pace> pace;
        auto recent = runQuery(m_connection,
                               QStringLiteral("SELECT campaign_id, "
                                              "sum(CASE WHEN hour >= ? THEN discount - rolled_back_discount ELSE 0 END), "
                                              "sum(CASE WHEN hour >= ? THEN redemptions_succeeded - rollbacks ELSE 0 END), "
                                              "sum(CASE WHEN hour >= ? THEN redemptions_failed ELSE 0 END), "
                                              "sum(CASE WHEN hour >= ? THEN redemptions_failed + redemptions_succeeded ELSE 0 END), "
                                              "sum(redemptions_failed), sum(redemptions_failed + redemptions_succeeded) "
                                              "FROM campaign_stats WHERE hour >= ? AND hour <= ? GROUP BY campaign_id"),
                               {hour - 7 * 24, hour - 7 * 24, hour - 24, hour - 24, hour - 30 * 24, hour});
        if (!recent)
            return recent.error();
        while (recent.value().next()) {
            const QSqlQuery &q = recent.value();
            pace.insert(q.value(0).toString(), Pace{q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong(),
                                                    q.value(4).toLongLong(), q.value(5).toLongLong(), q.value(6).toLongLong()});
        }
        // Codes left to publish, of campaigns that have codes.
        QHash<QString, std::pair<qint64, qint64>> codes; // left, all
        auto left = runQuery(m_connection, QStringLiteral("SELECT campaign_id, count(*), sum(customer_id IS NULL AND status = 'active') "
                                                          "FROM codes WHERE campaign_id IN (SELECT id FROM campaigns WHERE status = 'active') "
                                                          "GROUP BY campaign_id"));
        if (!left)
            return left.error();
        while (left.value().next())
            codes.insert(left.value().value(0).toString(), {left.value().value(2).toLongLong(), left.value().value(1).toLongLong()});

        auto running = runQuery(
            m_connection,
            QStringLiteral("SELECT c.id, c.name, c.expiration_date, json_extract(c.definition, '$.limits.budget.discount_amount'), "
                           "json_extract(c.definition, '$.limits.budget.redemptions'), ifnull(u.discount, 0), ifnull(u.redemptions, 0), "
                           "json_extract(c.definition, '$.standalone_code') IS NOT NULL "
                           "FROM campaigns c LEFT JOIN campaign_usage u ON u.campaign_id = c.id AND u.day = '' "
                           "WHERE c.status = 'active' AND (c.start_date IS NULL OR c.start_date <= ?) "
                           "AND (c.expiration_date IS NULL OR c.expiration_date > ?) ORDER BY c.name"),
            {now, now});
        if (!running)
            return running.error();
        while (running.value().next()) {
            const QSqlQuery &q = running.value();
            CampaignAlert base;
            base.campaignId = q.value(0).toString();
            base.campaignName = q.value(1).toString();
            const Pace p = pace.value(base.campaignId);
            // Budgets: discount (cents) and redemptions.
            const struct
            {
                QVariant budget;
                qint64 used;
                qint64 perWeek;
                bool money;
            } budgets[] = {{q.value(3), q.value(5).toLongLong(), p.discount7, true},
                           {q.value(4), q.value(6).toLongLong(), p.redemptions7, false}};
            for (const auto &b : budgets) {
                if (b.budget.isNull() || b.budget.toLongLong() <= 0)
                    continue;
                const qint64 budget = b.budget.toLongLong();
                const auto text = [&](qint64 v) { return b.money ? money(v) : c.toString(v); };
                const int percent = int(b.used * 100 / budget);
                CampaignAlert a = base;
                if (b.used >= budget) {
                    a.kind = CampaignAlert::Kind::BudgetExhausted;
                    a.message = QStringLiteral("%1 budget used up: %2 of %3").arg(b.money ? QStringLiteral("Discount") : QStringLiteral("Redemption"),
                                                                                   text(b.used), text(budget));
                } else if (percent >= 80) {
                    a.kind = CampaignAlert::Kind::BudgetLow;
                    a.message = QStringLiteral("%1 of its %2 budget used (%3 of %4)")
                                    .arg(QString::number(percent) + QLatin1Char('%'), b.money ? QStringLiteral("discount") : QStringLiteral("redemption"),
                                         text(b.used), text(budget));
                    if (b.perWeek > 0) {
                        a.exhaustionAt = now + (budget - b.used) * 7 * 24 * 3'600'000 / b.perWeek;
                        a.message += QStringLiteral("; at the last 7 days' pace it runs out on %1").arg(day(*a.exhaustionAt));
                    }
                } else {
                    continue;
                }
                alerts.append(a);
            }
            // Codes left to publish (campaigns of unique codes). None left is not told apart
            // from codes generated as they are published (gift cards, referral rewards).
            if (const auto it = codes.constFind(base.campaignId); it != codes.cend() && !q.value(7).toBool()) {
                const auto [remaining, all] = *it;
                if (all >= 10 && remaining > 0 && remaining * 10 < all && remaining < 1000) {
                    CampaignAlert a = base;
                    a.kind = CampaignAlert::Kind::CodesLow;
                    a.message = QStringLiteral("only %1 of %2 codes left to publish").arg(c.toString(remaining), c.toString(all));
                    alerts.append(a);
                }
            }
            // Ending soon.
            if (!q.value(2).isNull() && q.value(2).toLongLong() - now <= 7LL * 24 * 3'600'000) {
                CampaignAlert a = base;
                a.kind = CampaignAlert::Kind::ExpiringSoon;
                a.message = QStringLiteral("ends on %1").arg(QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), QTimeZone::utc())
                                                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")));
                alerts.append(a);
            }
            // A failure rate far above the usual.
            if (p.attempts24 >= 20 && p.attempts30 > 0) {
                const double today = double(p.failed24) / double(p.attempts24);
                const double usual = double(p.failed30) / double(p.attempts30);
                if (today >= 0.5 && today >= 2 * usual) {
                    CampaignAlert a = base;
                    a.kind = CampaignAlert::Kind::FailureSpike;
                    a.message = QStringLiteral("%1% of the last 24 hours' %2 attempts failed (usually %3%)")
                                    .arg(qRound(today * 100)).arg(p.attempts24).arg(qRound(usual * 100));
                    alerts.append(a);
                }
            }
        }
        return alerts;
    });
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
            "(redemptions_succeeded OR redemptions_failed OR rollbacks OR validations_valid OR validations_invalid OR "
            "discount OR rolled_back_discount OR "
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
