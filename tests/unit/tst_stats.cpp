// The campaign statistics (issue 8, item 1): counters kept by triggers equal a recount
// from history after the demo's own history, after a randomized stream of redeem and
// rollback operations through the engine, after two threads redeeming at once, after
// rows written and deleted with plain SQL; a tampered counter is found by check();
// rebuild() restores the recount; the reads sum the right buckets.

#include "engine/democampaigns.h"
#include "engine/engine.h"
#include "store/statsstore.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QThread>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Store::StatsStore;

class TestStats : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void demoHistoryAgreesWithRecount();
    void randomStreamAgreesWithRecount();
    void racingRedeemersAgreeWithRecount();
    void plainSqlWritesAreCounted();
    void killedRedeemersLeaveAgreement();
    void checkFindsTamperingAndRebuildRepairs();
    void readsSumTheRightBuckets();
    void tiersAndValidationsAreCounted();
    void alertsSayWhatNeedsAttention();

private:
    void expectAgreement();
    Engine::Request randomRequest(QRandomGenerator &random, qint64 now);

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store::Connection> m_db;
    QStringList m_codes;
    QStringList m_customers;
    QList<Engine::OrderItem> m_items;
    qint64 m_now = 0;
};

void TestStats::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"stats.promodesk"_s);
    PD_VERIFY_OK(Tests::generateSmallCampaignDemo(m_path, 17));
    m_db = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(m_db);
    auto codes = Tests::select(*m_db, u"SELECT code FROM codes ORDER BY id LIMIT 400"_s);
    auto customers = Tests::select(*m_db, u"SELECT source_id FROM customers ORDER BY id LIMIT 500"_s);
    auto items = Tests::select(*m_db, u"SELECT s.id, p.id, c.name, s.price FROM skus s JOIN products p ON p.id = s.product_id "
                                      "JOIN categories c ON c.id = p.category_id ORDER BY s.id LIMIT 60"_s);
    auto latest = Tests::scalar(*m_db, u"SELECT max(created_at) FROM redemptions"_s);
    PD_VERIFY_OK(codes);
    PD_VERIFY_OK(customers);
    PD_VERIFY_OK(items);
    PD_VERIFY_OK(latest);
    for (const QVariantList &row : codes.value())
        m_codes << row.value(0).toString();
    for (const QVariantList &row : customers.value())
        m_customers << row.value(0).toString();
    for (const QVariantList &row : items.value())
        m_items.append({row[0].toString(), row[1].toString(), row[2].toString(), 1, row[3].toLongLong()});
    QVERIFY(m_codes.size() > 20 && m_customers.size() > 100 && !m_items.isEmpty());
    m_now = latest.value().toLongLong();
}

void TestStats::expectAgreement()
{
    auto differences = StatsStore(*m_db).check();
    PD_VERIFY_OK(differences);
    QVERIFY2(differences.value().isEmpty(), qPrintable(differences.value().mid(0, 5).join(u"\n"_s)));
}

Engine::Request TestStats::randomRequest(QRandomGenerator &random, qint64 now)
{
    Engine::Request r;
    r.customer = m_customers[random.bounded(int(m_customers.size()))];
    r.order.sourceId = u"stats-%1"_s.arg(random.generate64());
    r.order.channel = random.bounded(2) ? u"web"_s : u"store"_s;
    for (int line = 0, lines = 1 + random.bounded(4); line < lines; ++line) {
        Engine::OrderItem item = m_items[random.bounded(int(m_items.size()))];
        item.quantity = 1 + random.bounded(3);
        r.order.items.append(item);
    }
    r.redeemables = {{Engine::Redeemable::Object::Voucher, m_codes[random.bounded(int(m_codes.size()))], std::nullopt}};
    r.now = now;
    return r;
}

void TestStats::demoHistoryAgreesWithRecount()
{
    // The demo's year of history went through the engine with the triggers in place.
    auto succeeded = Tests::scalar(*m_db, u"SELECT sum(redemptions_succeeded) FROM campaign_stats"_s);
    auto recount = Tests::scalar(*m_db, u"SELECT count(*) FROM redemptions WHERE object = 'redemption' AND result <> 'FAILURE'"_s);
    PD_VERIFY_OK(succeeded);
    PD_VERIFY_OK(recount);
    QVERIFY(recount.value().toLongLong() > 100);
    QCOMPARE(succeeded.value().toLongLong(), recount.value().toLongLong());
    expectAgreement();
}

void TestStats::randomStreamAgreesWithRecount()
{
    QRandomGenerator random(20261126);
    Engine::CampaignEngine engine(*m_db);
    int redeemed = 0, failed = 0, rolledBack = 0;
    QList<qint64> succeeded;
    for (int op = 0; op < 600; ++op) {
        const qint64 now = m_now + qint64(op) * 7 * 60 * 1000; // every 7 minutes: many hours
        if (!succeeded.isEmpty() && random.bounded(4) == 0) {
            const qint64 id = succeeded.takeAt(random.bounded(int(succeeded.size())));
            auto undone = engine.rollback(id, u"random stream"_s, now);
            PD_VERIFY_OK(undone);
            ++rolledBack;
            continue;
        }
        auto result = engine.redeem(randomRequest(random, now));
        PD_VERIFY_OK(result);
        if (result.value().valid) {
            ++redeemed;
            for (const Engine::RedeemableResult &r : result.value().applicable)
                succeeded << r.redemptionId;
        } else {
            ++failed;
        }
    }
    QVERIFY2(redeemed > 10 && failed > 10 && rolledBack > 10,
             qPrintable(u"%1 redeemed, %2 failed, %3 rolled back"_s.arg(redeemed).arg(failed).arg(rolledBack)));
    expectAgreement();
}

void TestStats::racingRedeemersAgreeWithRecount()
{
    // Two threads, each with its own connection and engine, redeem at the same moments.
    auto before = Tests::scalar(*m_db, u"SELECT count(*) FROM redemptions"_s);
    PD_VERIFY_OK(before);
    std::atomic<int> errors{0};
    auto redeemer = [this, &errors](quint32 seed) {
        auto connection = Store::Workspace::openForWriting(m_path);
        if (!connection) {
            ++errors;
            return;
        }
        Engine::CampaignEngine engine(*connection.value());
        QRandomGenerator random(seed);
        for (int i = 0; i < 150; ++i) {
            if (!engine.redeem(randomRequest(random, m_now + 10'000'000'000LL + i * 60'000)))
                ++errors;
        }
    };
    std::thread a(redeemer, 1u), b(redeemer, 2u);
    a.join();
    b.join();
    QCOMPARE(errors.load(), 0);
    auto after = Tests::scalar(*m_db, u"SELECT count(*) FROM redemptions"_s);
    PD_VERIFY_OK(after);
    QVERIFY(after.value().toLongLong() >= before.value().toLongLong() + 300);
    expectAgreement();
}

void TestStats::plainSqlWritesAreCounted()
{
    // Another program's SQL: a failed attempt, a success, a code created and published, a deletion.
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT INTO redemptions (created_at, campaign_id, result, failure_code, discount_amount) "
                                       "VALUES (?, NULL, 'FAILURE', 'resource_not_found', 0)"_s,
                                {m_now + 1}));
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT INTO redemptions (created_at, campaign_id, result, discount_amount, order_amount) "
                                       "SELECT ?, id, 'SUCCESS', 500, 4000 FROM campaigns ORDER BY id LIMIT 1"_s,
                                {m_now + 2}));
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT INTO codes (code, campaign_id, created_at) SELECT 'STATS-TEST', id, ? "
                                       "FROM campaigns ORDER BY id LIMIT 1"_s,
                                {m_now + 3}));
    expectAgreement();
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE codes SET customer_id = 1, published_at = ? WHERE code = 'STATS-TEST'"_s,
                                {m_now + 7'200'000}));
    expectAgreement();
    PD_VERIFY_OK(Tests::execute(*m_db, u"DELETE FROM redemptions WHERE id = (SELECT max(id) FROM redemptions)"_s));
    PD_VERIFY_OK(Tests::execute(*m_db, u"DELETE FROM codes WHERE code = 'STATS-TEST'"_s));
    expectAgreement();
}

void TestStats::killedRedeemersLeaveAgreement()
{
    // Redeem processes killed at random moments, some of them inside their transaction.
    m_db.reset(); // no reader holds the file open meanwhile
    QRandomGenerator random(4242);
    int killed = 0;
    for (int i = 0; i < 24; ++i) {
        QProcess cli;
        cli.start(QStringLiteral(PROMODESK_CLI_PATH), {u"redeem"_s, u"--workspace"_s, m_path});
        QVERIFY(cli.waitForStarted());
        const QByteArray request = uR"({"customer": {"source_id": "%1"}, "order": {"source_id": "killed-%2", "items": [{"sku_id": "%3", "quantity": 2}]},
                                        "redeemables": [{"object": "voucher", "id": "%4"}]})"_s
                                       .arg(m_customers[random.bounded(int(m_customers.size()))])
                                       .arg(i)
                                       .arg(m_items[random.bounded(int(m_items.size()))].sku)
                                       .arg(m_codes[random.bounded(int(m_codes.size()))])
                                       .toUtf8();
        cli.write(request);
        cli.closeWriteChannel();
        QThread::usleep(quint64(random.bounded(40'000)));
        if (cli.state() == QProcess::Running) {
            cli.kill(); // SIGKILL
            ++killed;
        }
        QVERIFY(cli.waitForFinished(20000));
    }
    QVERIFY2(killed > 0, "no redeemer was still running when killed");
    m_db = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(m_db);
    auto integrity = Tests::scalar(*m_db, u"PRAGMA integrity_check"_s);
    PD_VERIFY_OK(integrity);
    QCOMPARE(integrity.value().toString(), u"ok"_s);
    expectAgreement();
}

void TestStats::checkFindsTamperingAndRebuildRepairs()
{
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE campaign_stats SET discount = discount + 1 WHERE (campaign_id, hour) = "
                                       "(SELECT campaign_id, hour FROM campaign_stats WHERE redemptions_succeeded > 0 LIMIT 1)"_s));
    PD_VERIFY_OK(Tests::execute(*m_db, u"DELETE FROM failure_stats WHERE (campaign_id, hour, failure_code) = "
                                       "(SELECT campaign_id, hour, failure_code FROM failure_stats LIMIT 1)"_s));
    auto differences = StatsStore(*m_db).check();
    PD_VERIFY_OK(differences);
    QVERIFY(differences.value().size() >= 3); // the bucket on both sides, the failure count
    QVERIFY(differences.value().join(u"\n"_s).contains(u"only in the counters"_s));
    QVERIFY(differences.value().join(u"\n"_s).contains(u"only in the failure recount"_s));

    auto rebuilt = StatsStore(*m_db).rebuild();
    PD_VERIFY_OK(rebuilt);
    QVERIFY(rebuilt.value() > 0);
    expectAgreement();
}

void TestStats::readsSumTheRightBuckets()
{
    StatsStore stats(*m_db);
    auto campaign = Tests::scalar(*m_db, u"SELECT campaign_id FROM redemptions WHERE result = 'SUCCESS' AND campaign_id IS NOT NULL "
                                         "GROUP BY campaign_id ORDER BY count(*) DESC LIMIT 1"_s);
    PD_VERIFY_OK(campaign);
    const QString id = campaign.value().toString();
    const qint64 from = m_now - 30LL * 24 * 3600 * 1000;
    const qint64 to = m_now;
    Store::StatsQuery query{StatsStore::hourOf(from), StatsStore::hourOf(to), {id}, {}};
    auto total = stats.total(query);
    PD_VERIFY_OK(total);
    // The same hours, recounted from the redemptions by hand.
    auto recount = Tests::select(*m_db, u"SELECT count(*), ifnull(sum(discount_amount), 0) FROM redemptions WHERE campaign_id = ? "
                                        "AND object = 'redemption' AND result <> 'FAILURE' AND created_at >= ? AND created_at < ?"_s,
                                 {id, StatsStore::hourOf(from) * 3'600'000, StatsStore::hourOf(to) * 3'600'000});
    PD_VERIFY_OK(recount);
    QCOMPARE(total.value().redemptionsSucceeded, recount.value()[0][0].toLongLong());
    QCOMPARE(total.value().discount, recount.value()[0][1].toLongLong());
    QVERIFY(total.value().redemptionsSucceeded > 0);

    auto hourly = stats.hourly(query);
    PD_VERIFY_OK(hourly);
    Store::StatsBucket sum;
    qint64 previous = std::numeric_limits<qint64>::min();
    for (const Store::StatsBucket &b : hourly.value()) {
        QVERIFY(b.hour > previous); // oldest first, one per hour
        QVERIFY(b.hour >= query.fromHour && b.hour < query.toHour);
        previous = b.hour;
        sum += b;
    }
    QCOMPARE(sum, total.value());

    auto failures = stats.failures(Store::StatsQuery{query.fromHour, query.toHour, {}, {}});
    PD_VERIFY_OK(failures);
    auto failed = Tests::select(*m_db, u"SELECT failure_code, count(*) FROM redemptions WHERE result = 'FAILURE' AND created_at >= ? "
                                       "AND created_at < ? GROUP BY failure_code ORDER BY count(*) DESC, failure_code"_s,
                                {query.fromHour * 3'600'000, query.toHour * 3'600'000});
    PD_VERIFY_OK(failed);
    QCOMPARE(failures.value().size(), failed.value().size());
    for (int i = 0; i < failed.value().size(); ++i) {
        QCOMPARE(failures.value()[i].failureCode, failed.value()[i][0].toString());
        QCOMPARE(failures.value()[i].attempts, failed.value()[i][1].toLongLong());
    }
}

void TestStats::tiersAndValidationsAreCounted()
{
    // Validations of codes and of a campaign's two tiers, tallied here per (campaign, tier).
    const QString campaign = u"camp_spend_tiers"_s;
    auto tiers = Tests::select(*m_db, u"SELECT DISTINCT tier_id FROM redemptions WHERE campaign_id = ? AND tier_id IS NOT NULL "
                                      "ORDER BY 1"_s, {campaign});
    PD_VERIFY_OK(tiers);
    QCOMPARE(tiers.value().size(), 2);
    QRandomGenerator random(4242);
    Engine::CampaignEngine engine(*m_db);
    QHash<QString, std::pair<qint64, qint64>> tally; // "campaign/tier" -> valid, invalid
    qint64 asked = 0;
    for (int op = 0; op < 120; ++op) {
        Engine::Request request = randomRequest(random, m_now + 30LL * 24 * 3'600'000 + op * 60'000);
        if (op % 2)
            request.redeemables = {{Engine::Redeemable::Object::PromotionTier,
                                    tiers.value()[random.bounded(2)][0].toString(), std::nullopt}};
        auto result = engine.validate(request);
        PD_VERIFY_OK(result);
        const Engine::Validation &v = result.value();
        for (const auto *list : {&v.applicable, &v.skipped, &v.inapplicable}) {
            for (const Engine::RedeemableResult &r : *list) {
                auto &t = tally[r.campaignId + u'/' + r.tierId];
                (list == &v.applicable ? t.first : t.second) += 1;
                ++asked;
            }
        }
    }
    QCOMPARE(asked, 120);
    expectAgreement(); // the recount reads the validations log

    StatsStore stats(*m_db);
    auto all = stats.total({0, std::numeric_limits<qint64>::max() / 3'600'000, {}, {}});
    PD_VERIFY_OK(all);
    QCOMPARE(all.value().validations(), asked);

    const Store::StatsQuery everHour{0, std::numeric_limits<qint64>::max() / 3'600'000, {campaign}, {}};
    auto byTier = stats.byTier(everHour);
    PD_VERIFY_OK(byTier);
    int tiersSeen = 0;
    for (const Store::StatsBucket &b : byTier.value()) {
        QVERIFY(b.campaignId.isEmpty());
        auto recount = Tests::select(*m_db, u"SELECT count(*), ifnull(sum(discount_amount), 0) FROM redemptions WHERE campaign_id = ? "
                                            "AND ifnull(tier_id, '') = ? AND object = 'redemption' AND result <> 'FAILURE'"_s,
                                     {campaign, b.tierId});
        PD_VERIFY_OK(recount);
        QCOMPARE(b.redemptionsSucceeded, recount.value()[0][0].toLongLong());
        QCOMPARE(b.discount, recount.value()[0][1].toLongLong());
        const auto t = tally.value(campaign + u'/' + b.tierId);
        QCOMPARE(b.validationsValid, t.first);
        QCOMPARE(b.validationsInvalid, t.second);
        if (!b.tierId.isEmpty())
            ++tiersSeen;
        // The tier filter reads the same bucket.
        Store::StatsQuery one = everHour;
        one.tierId = b.tierId;
        if (!b.tierId.isEmpty()) {
            auto total = stats.total(one);
            PD_VERIFY_OK(total);
            Store::StatsBucket expected = b;
            expected.tierId.clear(); // total() names no tier
            QCOMPARE(total.value(), expected);
        }
    }
    QCOMPARE(tiersSeen, 2);
    QVERIFY(tally.value(campaign + u'/' + tiers.value()[0][0].toString()).first
            + tally.value(campaign + u'/' + tiers.value()[1][0].toString()).first > 0);
}

void TestStats::alertsSayWhatNeedsAttention()
{
    const qint64 now = m_now + 1000;
    using Kind = Store::CampaignAlert::Kind;
    auto alertsFor = [&](const QString &campaign) {
        QList<Kind> kinds;
        auto all = StatsStore(*m_db).alerts(now);
        if (all) {
            for (const Store::CampaignAlert &a : all.value())
                if (a.campaignId == campaign)
                    kinds << a.kind;
        }
        return kinds;
    };
    auto before = StatsStore(*m_db).alerts(now);
    PD_VERIFY_OK(before);

    // A discount budget 90 % used, with discount given in the last 7 days: low, with a date.
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE campaigns SET definition = json_set(definition, '$.limits.budget.discount_amount', 100000) "
                                       "WHERE id = 'camp_flash'"_s));
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT OR REPLACE INTO campaign_usage(campaign_id, day, redemptions, discount) "
                                       "VALUES ('camp_flash', '', 10, 90000)"_s));
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT INTO redemptions (created_at, campaign_id, result, discount_amount, order_amount) "
                                       "VALUES (?, 'camp_flash', 'SUCCESS', 2000, 9000)"_s,
                                {now - 2 * 24 * 3'600'000LL}));
    auto all = StatsStore(*m_db).alerts(now);
    PD_VERIFY_OK(all);
    const auto budget = std::find_if(all.value().cbegin(), all.value().cend(), [](const Store::CampaignAlert &a) {
        return a.campaignId == u"camp_flash"_s && a.kind == Kind::BudgetLow;
    });
    QVERIFY(budget != all.value().cend());
    QVERIFY2(budget->message.contains(u"90%"_s) && budget->message.contains(u"900.00 of 1000.00"_s), qPrintable(budget->message));
    QVERIFY(budget->exhaustionAt && *budget->exhaustionAt > now);
    QVERIFY(budget->message.contains(u"runs out on"_s));
    // Used up.
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE campaign_usage SET discount = 100000 WHERE campaign_id = 'camp_flash' AND day = ''"_s));
    QVERIFY(alertsFor(u"camp_flash"_s).contains(Kind::BudgetExhausted));

    // Ending in three days.
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE campaigns SET expiration_date = ? WHERE id = 'camp_loyal_15'"_s,
                                {now + 3 * 24 * 3'600'000LL}));
    QVERIFY(alertsFor(u"camp_loyal_15"_s).contains(Kind::ExpiringSoon));
    // Expired: no longer running, no alerts at all.
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE campaigns SET expiration_date = ? WHERE id = 'camp_loyal_15'"_s, {now - 1}));
    QVERIFY(alertsFor(u"camp_loyal_15"_s).isEmpty());

    // Unique codes nearly all published.
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT INTO codes (code, campaign_id, created_at) "
                                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
                                       "SELECT 'ALERT-' || i, 'camp_spend_tiers', ? FROM n"_s,
                                {now}));
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE codes SET customer_id = 1, published_at = ? WHERE code LIKE 'ALERT-%' AND code <> 'ALERT-1'"_s,
                                {now}));
    QVERIFY(alertsFor(u"camp_spend_tiers"_s).contains(Kind::CodesLow));

    // Failures spiking: a campaign that usually succeeds (80 successes over the last
    // month) fails 30 times in the last hour.
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT INTO redemptions (created_at, campaign_id, result, discount_amount) "
                                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80) "
                                       "SELECT ? - i * 8 * 3600000, 'camp_bogo_dental', 'SUCCESS', 100 FROM n"_s,
                                {now - 24 * 3'600'000LL}));
    QVERIFY(!alertsFor(u"camp_bogo_dental"_s).contains(Kind::FailureSpike));
    PD_VERIFY_OK(Tests::execute(*m_db, u"INSERT INTO redemptions (created_at, campaign_id, result, failure_code) "
                                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) "
                                       "SELECT ? - i * 60000, 'camp_bogo_dental', 'FAILURE', 'order_rules_violated' FROM n"_s,
                                {now}));
    QVERIFY(alertsFor(u"camp_bogo_dental"_s).contains(Kind::FailureSpike));
    // A paused campaign is not running: never an alert.
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE campaigns SET status = 'paused' WHERE id = 'camp_flash'"_s));
    QVERIFY(alertsFor(u"camp_flash"_s).isEmpty());
    expectAgreement();
}

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"
