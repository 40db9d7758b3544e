// Traffic simulation and backtest (issue 9, items 3, 4 and 6): a seeded simulation is
// byte-for-byte repeatable; its summary equals SQL over the redemptions it wrote and the
// statistics follow; production is refused; a cancel keeps exactly the committed batches.
// A backtest reads only, equals a plain single-threaded loop over the same orders, stops
// at the draft's budget, and gives the same answer on one thread or two. The CLI prints both.

#include "engine/campaignjson.h"
#include "engine/engine.h"
#include "sandbox/backtest.h"
#include "sandbox/simulator.h"
#include "store/campaignstore.h"
#include "store/statsstore.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace PromoDesk;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000;

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

// The successful and failed attempts written after `afterId`, as comparable rows.
Tests::Rows attemptsAfter(Store::Connection &db, qint64 afterId)
{
    auto rows = Tests::select(db,
                              u"SELECT created_at, campaign_id, code_id, tier_id, customer_id, order_source_id, order_amount, "
                              "discount_amount, gift_amount, result, failure_code FROM redemptions WHERE id > ? ORDER BY id"_s,
                              {afterId});
    return rows ? rows.value() : Tests::Rows();
}

// A promotion that takes exactly 5.00 off every order of 20.00 or more.
Engine::Campaign fiveOffDraft(qint64 budget)
{
    Engine::Campaign draft;
    draft.id = u"camp_bt_five"_s;
    draft.name = u"Backtest five off"_s;
    draft.type = Engine::CampaignType::Promotion;
    Engine::Tier tier;
    tier.id = u"promo_bt_five"_s;
    tier.name = u"5.00 off at 20.00"_s;
    tier.eligibility = Engine::eligibilityFromText(u"order.amount >= 20.00"_s, u"Orders of 20.00 or more"_s).value();
    tier.discount = Engine::amountOff(500);
    draft.tiers = {tier};
    draft.limits.budgetDiscount = budget;
    return draft;
}

QJsonObject withoutTime(QJsonObject json)
{
    json.remove(u"seconds"_s);
    json.remove(u"sessions_per_second"_s);
    return json;
}

} // namespace

class TestSimulate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameSeedSameRedemptions();
    void summaryEqualsSqlAndStats();
    void budgetExhaustionIsTheFirstBudgetFailure();
    void productionIsRefused();
    void cancelKeepsTheCommittedBatches();
    void backtestReadsOnlyAndEqualsAPlainLoop();
    void backtestStopsAtTheBudget();
    void backtestThreadsAgree();
    void cliSimulateAndBacktest();

private:
    QString copyOf(const QString &source, const QString &name);
    Sandbox::TrafficOptions traffic(quint32 seed, qint64 sessions) const;
    Engine::Campaign storedCampaign(const QString &path, const QString &id);

    QTemporaryDir m_dir;
    QString m_production;
    QString m_sandbox;
};

void TestSimulate::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_production = m_dir.filePath(u"production.promodesk"_s);
    PD_VERIFY_OK(Tests::generateSmallCampaignDemo(m_production, 5));
    m_sandbox = copyOf(m_production, u"sandbox.promodesk"_s);
    auto db = Tests::openConnection(m_sandbox, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    PD_VERIFY_OK(Tests::execute(*db, u"UPDATE workspace_meta SET value = 'sandbox' WHERE key = 'kind'"_s));
}

QString TestSimulate::copyOf(const QString &source, const QString &name)
{
    const QString target = m_dir.filePath(name);
    QFile::remove(target);
    if (!QFile::copy(source, target))
        return {};
    QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    return target;
}

Sandbox::TrafficOptions TestSimulate::traffic(quint32 seed, qint64 sessions) const
{
    Sandbox::TrafficOptions options;
    options.sessions = sessions;
    options.from = utc("2026-10-25T00:00:00Z");
    options.to = utc("2026-11-01T00:00:00Z");
    options.seed = seed;
    options.batch = 200;
    return options;
}

Engine::Campaign TestSimulate::storedCampaign(const QString &path, const QString &id)
{
    auto db = Tests::openConnection(path);
    if (!db)
        return {};
    Store::CampaignStore store(*db);
    auto loaded = store.loadCampaign(id);
    return loaded && loaded.value() ? *loaded.value() : Engine::Campaign();
}

void TestSimulate::sameSeedSameRedemptions()
{
    QByteArray hashes[3];
    QByteArray codeHashes[3];
    const quint32 seeds[3] = {7, 7, 8};
    for (int i = 0; i < 3; ++i) {
        const QString path = copyOf(m_sandbox, u"seed-%1.promodesk"_s.arg(i));
        auto db = Tests::openConnection(path, Store::Connection::Access::ReadWrite);
        QVERIFY(db);
        auto summary = Sandbox::simulateTraffic(*db, traffic(seeds[i], 1200));
        PD_VERIFY_OK(summary);
        QCOMPARE(summary.value().sessions, qint64(1200));
        QVERIFY(summary.value().redemptionsSucceeded > 100);
        auto hash = Tests::tableHash(*db, u"redemptions"_s);
        PD_VERIFY_OK(hash);
        hashes[i] = hash.value();
        // Codes published on the way (referral rewards) are the same codes, but their text
        // comes from the system's generator, as codes must be unguessable.
        auto codes = Tests::select(*db, u"SELECT id, campaign_id, customer_id, status, redeemed_quantity, gift_balance, "
                                        "published_at FROM codes ORDER BY id"_s);
        PD_VERIFY_OK(codes);
        QByteArray text;
        for (const QVariantList &row : codes.value()) {
            for (const QVariant &value : row)
                text += value.toString().toUtf8() + '|';
            text += '\n';
        }
        codeHashes[i] = text;
    }
    QCOMPARE(hashes[0], hashes[1]);
    QCOMPARE(codeHashes[0], codeHashes[1]);
    QVERIFY(hashes[0] != hashes[2]);
}

void TestSimulate::summaryEqualsSqlAndStats()
{
    const QString path = copyOf(m_sandbox, u"summary.promodesk"_s);
    auto db = Tests::openConnection(path, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    const qint64 before = Tests::scalar(*db, u"SELECT ifnull(max(id), 0) FROM redemptions"_s).value().toLongLong();
    Store::StatsStore stats(*db);
    Store::StatsQuery all;
    all.fromHour = 0;
    all.toHour = std::numeric_limits<qint64>::max() / 2;
    auto totalBefore = stats.total(all);
    PD_VERIFY_OK(totalBefore);

    Sandbox::TrafficOptions options = traffic(11, 1500);
    options.codePropensity = 0.5;
    qint64 calls = 0;
    qint64 lastDone = 0;
    auto summary = Sandbox::simulateTraffic(*db, options, [&](qint64 done, qint64 total) {
        ++calls;
        lastDone = done;
        return total == 1500;
    });
    PD_VERIFY_OK(summary);
    const Sandbox::TrafficSummary &s = summary.value();
    QCOMPARE(calls, qint64(8)); // 1500 sessions in batches of 200
    QCOMPARE(lastDone, qint64(1500));
    QVERIFY(!s.cancelled);
    QCOMPARE(s.sessions, qint64(1500));

    auto count = [&](const QString &sql) { return Tests::scalar(*db, sql, {before}).value().toLongLong(); };
    QCOMPARE(s.redemptionsSucceeded, count(u"SELECT count(*) FROM redemptions WHERE id > ? AND result = 'SUCCESS'"_s));
    QCOMPARE(s.redemptionsFailed, count(u"SELECT count(*) FROM redemptions WHERE id > ? AND result = 'FAILURE'"_s));
    QCOMPARE(s.discount, count(u"SELECT ifnull(sum(discount_amount), 0) FROM redemptions WHERE id > ?"_s));
    QCOMPARE(s.ordersWithDiscount,
             count(u"SELECT count(DISTINCT order_source_id) FROM redemptions WHERE id > ? AND result = 'SUCCESS' "
                   "AND discount_amount > 0"_s));
    QVERIFY(s.redemptionsFailed > 0);
    QVERIFY(s.ordersWithDiscount > 0);
    // Every attempt is the simulation's, inside the period.
    QCOMPARE(Tests::scalar(*db,
                           u"SELECT count(*) FROM redemptions WHERE id > ? AND (order_source_id NOT LIKE 'sim_11_%' "
                           "OR created_at < ? OR created_at >= ?)"_s,
                           {before, options.from, options.to})
                 .value()
                 .toLongLong(),
             qint64(0));

    auto failures = Tests::select(*db,
                                  u"SELECT failure_code, count(*) FROM redemptions WHERE id > ? AND result = 'FAILURE' "
                                  "GROUP BY failure_code ORDER BY failure_code"_s,
                                  {before});
    PD_VERIFY_OK(failures);
    QMap<QString, qint64> sqlFailures;
    for (const QVariantList &row : failures.value())
        sqlFailures.insert(row[0].toString(), row[1].toLongLong());
    QCOMPARE(s.failures, sqlFailures);

    auto perCampaign = Tests::select(*db,
                                     u"SELECT campaign_id, sum(result = 'SUCCESS'), sum(result = 'FAILURE'), sum(discount_amount) "
                                     "FROM redemptions WHERE id > ? AND campaign_id IS NOT NULL GROUP BY campaign_id"_s,
                                     {before});
    PD_VERIFY_OK(perCampaign);
    QVERIFY(!perCampaign.value().isEmpty());
    for (const QVariantList &row : perCampaign.value()) {
        const QString id = row[0].toString();
        QVERIFY2(s.campaigns.contains(id), qPrintable(id));
        QCOMPARE(s.campaigns[id].redemptions, row[1].toLongLong());
        QCOMPARE(s.campaigns[id].failed, row[2].toLongLong());
        QCOMPARE(s.campaigns[id].discount, row[3].toLongLong());
    }
    // Members and guests both shopped.
    QVERIFY(count(u"SELECT count(*) FROM redemptions WHERE id > ? AND customer_id IS NULL"_s) > 0);
    QVERIFY(count(u"SELECT count(*) FROM redemptions WHERE id > ? AND customer_id IS NOT NULL"_s) > 0);

    // The statistics follow in the same transactions.
    auto differences = stats.check();
    PD_VERIFY_OK(differences);
    QVERIFY2(differences.value().isEmpty(), qPrintable(differences.value().join(u'\n')));
    auto totalAfter = stats.total(all);
    PD_VERIFY_OK(totalAfter);
    QCOMPARE(totalAfter.value().redemptionsSucceeded - totalBefore.value().redemptionsSucceeded, s.redemptionsSucceeded);
    QCOMPARE(totalAfter.value().redemptionsFailed - totalBefore.value().redemptionsFailed, s.redemptionsFailed);
    QCOMPARE(totalAfter.value().discount - totalBefore.value().discount, s.discount);

    const QJsonObject json = s.toJson();
    QCOMPARE(json.value(u"sessions"_s).toInteger(), qint64(1500));
    QCOMPARE(json.value(u"discount_amount"_s).toInteger(), s.discount);
    QCOMPARE(json.value(u"failures"_s).toObject().size(), s.failures.size());
    QCOMPARE(json.value(u"campaigns"_s).toObject().value(u"camp_spend_tiers"_s).toObject().value(u"redemptions_succeeded"_s)
                 .toInteger(),
             s.campaigns.constFind(u"camp_spend_tiers"_s)->redemptions);
}

void TestSimulate::budgetExhaustionIsTheFirstBudgetFailure()
{
    const QString path = copyOf(m_sandbox, u"budget.promodesk"_s);
    auto db = Tests::openConnection(path, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    Store::CampaignStore store(*db);
    auto loaded = store.loadCampaign(u"camp_spend_tiers"_s);
    PD_VERIFY_OK(loaded);
    QVERIFY(loaded.value());
    Engine::Campaign tiers = *loaded.value();
    tiers.limits.budgetDiscount = 20000; // 200.00: a few dozen orders
    PD_VERIFY_OK(store.saveCampaign(tiers, u"test"_s));
    const qint64 before = Tests::scalar(*db, u"SELECT ifnull(max(id), 0) FROM redemptions"_s).value().toLongLong();

    Sandbox::TrafficOptions options = traffic(3, 800);
    options.campaignIds = {u"camp_spend_tiers"_s};
    auto summary = Sandbox::simulateTraffic(*db, options);
    PD_VERIFY_OK(summary);
    const auto found = summary.value().campaigns.constFind(u"camp_spend_tiers"_s);
    QVERIFY(found != summary.value().campaigns.constEnd());
    const Sandbox::TrafficSummary::PerCampaign &c = *found;
    QVERIFY(c.budgetExhaustedAt.has_value());
    QVERIFY(c.discount <= 20000);
    QVERIFY(c.redemptions > 0);
    // Tiers whose budget is spent no longer qualify, so no failure is recorded: the budget
    // ran out when what was left could not pay for a session's order.
    QCOMPARE(Tests::scalar(*db, u"SELECT ifnull(sum(discount_amount), 0) FROM redemptions WHERE id > ? AND result = 'SUCCESS'"_s,
                           {before})
                 .value()
                 .toLongLong(),
             c.discount);
    QVERIFY(*c.budgetExhaustedAt >= options.from && *c.budgetExhaustedAt < options.to);
    const qint64 spentBefore = Tests::scalar(*db,
                                             u"SELECT ifnull(sum(discount_amount), 0) FROM redemptions WHERE id > ? "
                                             "AND result = 'SUCCESS' AND created_at < ?"_s,
                                             {before, *c.budgetExhaustedAt})
                                   .value()
                                   .toLongLong();
    QVERIFY(spentBefore > 0 && spentBefore <= 20000);
    QCOMPARE(Tests::scalar(*db, u"SELECT used FROM (SELECT sum(discount) AS used FROM campaign_usage "
                                "WHERE campaign_id = 'camp_spend_tiers' AND day = '')"_s)
                 .value()
                 .toLongLong(),
             c.discount);
    // Only the chosen campaign took traffic.
    QCOMPARE(Tests::scalar(*db, u"SELECT count(*) FROM redemptions WHERE id > ? AND campaign_id <> 'camp_spend_tiers'"_s,
                           {before})
                 .value()
                 .toLongLong(),
             0);
}

void TestSimulate::productionIsRefused()
{
    const QString path = copyOf(m_production, u"refused.promodesk"_s);
    const QByteArray checksum = Tests::fileChecksum(path);
    {
        auto db = Tests::openConnection(path, Store::Connection::Access::ReadWrite);
        QVERIFY(db);
        auto summary = Sandbox::simulateTraffic(*db, traffic(1, 100));
        QVERIFY(!summary);
        QVERIFY2(summary.error().message.contains(u"production"_s), qPrintable(summary.error().toString()));
        // A campaign that is not active is refused by name.
        auto sandboxDb = Tests::openConnection(copyOf(m_sandbox, u"inactive.promodesk"_s), Store::Connection::Access::ReadWrite);
        QVERIFY(sandboxDb);
        Sandbox::TrafficOptions options = traffic(1, 10);
        options.campaignIds = {u"camp_nonesuch"_s};
        auto unknown = Sandbox::simulateTraffic(*sandboxDb, options);
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.contains(u"camp_nonesuch"_s));
    }
    QCOMPARE(Tests::fileChecksum(path), checksum);
}

void TestSimulate::cancelKeepsTheCommittedBatches()
{
    const QString cancelledPath = copyOf(m_sandbox, u"cancel.promodesk"_s);
    const QString fullPath = copyOf(m_sandbox, u"cancel-full.promodesk"_s);
    auto cancelledDb = Tests::openConnection(cancelledPath, Store::Connection::Access::ReadWrite);
    auto fullDb = Tests::openConnection(fullPath, Store::Connection::Access::ReadWrite);
    QVERIFY(cancelledDb && fullDb);
    const qint64 before = Tests::scalar(*fullDb, u"SELECT ifnull(max(id), 0) FROM redemptions"_s).value().toLongLong();

    auto cancelled = Sandbox::simulateTraffic(*cancelledDb, traffic(21, 1000), [](qint64, qint64) { return false; });
    PD_VERIFY_OK(cancelled);
    QVERIFY(cancelled.value().cancelled);
    QCOMPARE(cancelled.value().sessions, qint64(200));
    auto full = Sandbox::simulateTraffic(*fullDb, traffic(21, 1000));
    PD_VERIFY_OK(full);
    QVERIFY(!full.value().cancelled);

    // The cancelled run holds exactly the full run's first 200 sessions.
    const Tests::Rows kept = attemptsAfter(*cancelledDb, before);
    Tests::Rows expected;
    for (const QVariantList &row : attemptsAfter(*fullDb, before)) {
        if (row[5].toString().section(u'_', 2).toLongLong() <= 200)
            expected.append(row);
    }
    QVERIFY(!kept.isEmpty());
    QCOMPARE(kept, expected);
    QCOMPARE(qint64(kept.size()), cancelled.value().redemptionsSucceeded + cancelled.value().redemptionsFailed);
    auto differences = Store::StatsStore(*cancelledDb).check();
    PD_VERIFY_OK(differences);
    QVERIFY(differences.value().isEmpty());
}

void TestSimulate::backtestReadsOnlyAndEqualsAPlainLoop()
{
    const QByteArray checksum = Tests::fileChecksum(m_production);
    Engine::Campaign draft = storedCampaign(m_production, u"camp_spend_tiers"_s);
    QVERIFY(!draft.tiers.isEmpty());
    draft.id = u"camp_bt_tiers"_s;
    draft.status = Engine::CampaignStatus::Draft;
    draft.limits = Engine::Limits();

    Sandbox::BacktestOptions options;
    options.days = 12;
    options.threads = 2;
    auto result = Sandbox::backtest(m_production, draft, options);
    PD_VERIFY_OK(result);
    const Sandbox::BacktestResult &r = result.value();
    QVERIFY(r.orders > 20);
    QVERIFY(r.redemptions > 0);
    QCOMPARE(r.until - r.from, 12 * DayMs);

    // The reference: every order of the period through tryCampaign, one at a time.
    auto db = Tests::openConnection(m_production);
    QVERIFY(db);
    QCOMPARE(r.until - 1, Tests::scalar(*db, u"SELECT max(created_at) FROM orders"_s).value().toLongLong());
    Engine::CampaignEngine engine(*db);
    auto orders = Tests::select(*db,
                                u"SELECT id, customer_id, created_at, channel, source_id FROM orders "
                                "WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id"_s,
                                {r.from, r.until});
    PD_VERIFY_OK(orders);
    qint64 redemptions = 0, discount = 0, amount = 0;
    QSet<qint64> customers;
    QMap<QString, qint64> failures, overlap;
    for (const QVariantList &row : orders.value()) {
        Engine::Request request;
        if (!row[1].isNull())
            request.customer = u"cust_%1"_s.arg(row[1].toLongLong());
        request.now = row[2].toLongLong();
        request.order.channel = row[3].toString();
        auto items = Tests::select(*db, u"SELECT sku_id, product_id, quantity, price FROM order_items WHERE order_id = ? "
                                         "ORDER BY line_no"_s,
                                   {row[0]});
        PD_VERIFY_OK(items);
        for (const QVariantList &line : items.value())
            request.order.items.append({line[0].toString(), line[1].toString(), {}, line[2].toLongLong(), line[3].toLongLong()});
        auto tried = engine.tryCampaign(draft, request);
        PD_VERIFY_OK(tried);
        if (tried.value().applicable.isEmpty()) {
            ++failures[tried.value().inapplicable.constFirst().failureKey];
            continue;
        }
        ++redemptions;
        discount += tried.value().totalDiscount();
        amount += tried.value().amount();
        if (!row[1].isNull())
            customers.insert(row[1].toLongLong());
        auto other = Tests::select(*db, u"SELECT DISTINCT campaign_id FROM redemptions WHERE order_source_id = ? "
                                         "AND result = 'SUCCESS' AND object = 'redemption'"_s,
                                   {row[4]});
        PD_VERIFY_OK(other);
        for (const QVariantList &c : other.value())
            ++overlap[c[0].toString()];
    }
    QCOMPARE(r.orders, qint64(orders.value().size()));
    QCOMPARE(r.redemptions, redemptions);
    QCOMPARE(r.discount, discount);
    QCOMPARE(r.orderAmount, amount);
    QCOMPARE(r.customers, qint64(customers.size()));
    QCOMPARE(r.failures, failures);
    QCOMPARE(r.overlap, overlap);
    QVERIFY(!r.budgetExhaustedAt);

    // Every day of the period, zeros included, summing to the totals.
    QCOMPARE(r.daily.size(), qsizetype(13)); // 12 days that do not start at midnight touch 13 dates
    qint64 dayOrders = 0, dayRedemptions = 0, dayDiscount = 0;
    for (int i = 0; i < r.daily.size(); ++i) {
        QCOMPARE(r.daily[i].dayStart % DayMs, qint64(0));
        if (i > 0)
            QCOMPARE(r.daily[i].dayStart - r.daily[i - 1].dayStart, DayMs);
        dayOrders += r.daily[i].orders;
        dayRedemptions += r.daily[i].redemptions;
        dayDiscount += r.daily[i].discount;
    }
    QCOMPARE(dayOrders, r.orders);
    QCOMPARE(dayRedemptions, r.redemptions);
    QCOMPARE(dayDiscount, r.discount);
    db.reset();
    QCOMPARE(Tests::fileChecksum(m_production), checksum);
}

void TestSimulate::backtestStopsAtTheBudget()
{
    const QByteArray checksum = Tests::fileChecksum(m_production);
    Sandbox::BacktestOptions options;
    options.days = 60;
    options.threads = 2;

    // Exactly 5.00 per order: the budget of 100.00 pays for 20 orders, then nothing.
    auto five = Sandbox::backtest(m_production, fiveOffDraft(10000), options);
    PD_VERIFY_OK(five);
    const Sandbox::BacktestResult &r = five.value();
    QCOMPARE(r.redemptions, qint64(20));
    QCOMPARE(r.discount, qint64(10000));
    QVERIFY(r.budgetExhaustedAt.has_value());
    QVERIFY(r.failures.value(u"redemption_rules_violated"_s) > 0);
    qint64 seen = 0;
    for (const Sandbox::BacktestDay &day : r.daily) {
        seen += day.redemptions;
        if (day.dayStart > *r.budgetExhaustedAt)
            QCOMPARE(day.redemptions, qint64(0));
    }
    QCOMPARE(seen, qint64(20));
    // Without the budget the same draft would have given more.
    auto unlimited = Sandbox::backtest(m_production, fiveOffDraft(0), options);
    PD_VERIFY_OK(unlimited);
    QVERIFY(unlimited.value().redemptions > 20);
    QVERIFY(!unlimited.value().budgetExhaustedAt);
    QCOMPARE(unlimited.value().discount, unlimited.value().redemptions * 500);

    // A percent discount with a budget: never over it.
    Engine::Campaign tiers = storedCampaign(m_production, u"camp_spend_tiers"_s);
    tiers.id = u"camp_bt_budget"_s;
    tiers.limits = Engine::Limits();
    tiers.limits.budgetDiscount = 30000;
    auto percent = Sandbox::backtest(m_production, tiers, options);
    PD_VERIFY_OK(percent);
    QVERIFY(percent.value().discount <= 30000);
    QVERIFY(percent.value().discount > 20000);
    QVERIFY(percent.value().budgetExhaustedAt.has_value());
    QCOMPARE(Tests::fileChecksum(m_production), checksum);
}

void TestSimulate::backtestThreadsAgree()
{
    Engine::Campaign tiers = storedCampaign(m_production, u"camp_spend_tiers"_s);
    tiers.id = u"camp_bt_threads"_s;
    tiers.limits = Engine::Limits();
    tiers.limits.perCustomer = 1;
    tiers.limits.perCustomerPeriod = Engine::Period::Month;
    tiers.limits.budgetRedemptions = 400;
    Sandbox::BacktestOptions options;
    options.days = 90;
    options.threads = 1;
    auto one = Sandbox::backtest(m_production, tiers, options);
    PD_VERIFY_OK(one);
    options.threads = 2;
    qint64 calls = 0;
    auto two = Sandbox::backtest(m_production, tiers, options, [&calls](qint64 done, qint64 total) {
        ++calls;
        return done <= total;
    });
    PD_VERIFY_OK(two);
    QVERIFY(calls >= 1);
    QCOMPARE(withoutTime(one.value().toJson()), withoutTime(two.value().toJson()));
    QVERIFY(one.value().failures.value(u"missing_customer"_s) + one.value().failures.value(u"redemption_rules_violated"_s) > 0);
    QVERIFY(one.value().redemptions <= 400);

    // A cancel reports what it tried before, in time order.
    auto cancelled = Sandbox::backtest(m_production, tiers, options, [](qint64, qint64) { return false; });
    PD_VERIFY_OK(cancelled);
    QVERIFY(cancelled.value().cancelled);
    QVERIFY(cancelled.value().orders <= one.value().orders);
}

void TestSimulate::cliSimulateAndBacktest()
{
    const QString path = copyOf(m_sandbox, u"cli.promodesk"_s);
    auto run = [](const QStringList &arguments, int &exitCode) {
        QProcess cli;
        cli.start(QStringLiteral(PROMODESK_CLI_PATH), arguments);
        cli.waitForFinished(120000);
        exitCode = cli.exitCode();
        return QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    };
    int exitCode = -1;
    const QJsonObject summary = run({u"simulate"_s, u"--workspace"_s, path, u"--sessions"_s, u"300"_s, u"--from"_s,
                                     u"2026-10-25T00:00:00Z"_s, u"--to"_s, u"2026-11-01T00:00:00Z"_s, u"--seed"_s, u"4"_s,
                                     u"--members"_s, u"0.5"_s, u"--code-propensity"_s, u"0.4"_s},
                                    exitCode);
    QCOMPARE(exitCode, 0);
    QCOMPARE(summary.value(u"sessions"_s).toInteger(), qint64(300));
    QCOMPARE(summary.value(u"seed"_s).toInteger(), qint64(4));
    {
        auto db = Tests::openConnection(path);
        QVERIFY(db);
        QCOMPARE(summary.value(u"redemptions_succeeded"_s).toInteger(),
                 Tests::scalar(*db, u"SELECT count(*) FROM redemptions WHERE order_source_id LIKE 'sim_4_%' AND result = 'SUCCESS'"_s)
                     .value()
                     .toLongLong());
    }
    // Production: refused with exit 1; a bad option: exit 2.
    run({u"simulate"_s, u"--workspace"_s, m_production, u"--sessions"_s, u"10"_s}, exitCode);
    QCOMPARE(exitCode, 1);
    run({u"simulate"_s, u"--workspace"_s, path, u"--members"_s, u"1.5"_s}, exitCode);
    QCOMPARE(exitCode, 2);
    run({u"simulate"_s, u"--workspace"_s, path, u"--days"_s, u"3"_s, u"--from"_s, u"2026-10-25T00:00:00Z"_s}, exitCode);
    QCOMPARE(exitCode, 2);

    // Backtest by id and from a file: the same forecast as the library.
    const QByteArray checksum = Tests::fileChecksum(m_production);
    const QJsonObject byId = run({u"backtest"_s, u"--workspace"_s, m_production, u"--campaign"_s, u"camp_spend_tiers"_s,
                                  u"--days"_s, u"20"_s, u"--threads"_s, u"2"_s},
                                 exitCode);
    QCOMPARE(exitCode, 0);
    Sandbox::BacktestOptions options;
    options.days = 20;
    auto library = Sandbox::backtest(m_production, storedCampaign(m_production, u"camp_spend_tiers"_s), options);
    PD_VERIFY_OK(library);
    QJsonObject expected = withoutTime(library.value().toJson());
    expected.insert(u"campaign"_s, u"camp_spend_tiers"_s);
    QCOMPARE(withoutTime(byId), expected);
    QCOMPARE(byId.value(u"daily"_s).toArray().size(), qsizetype(21));

    const QString file = m_dir.filePath(u"draft.json"_s);
    {
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(Engine::campaignToJsonText(fiveOffDraft(10000)));
    }
    const QJsonObject fromFile = run({u"backtest"_s, u"--workspace"_s, m_production, u"--campaign-file"_s, file,
                                      u"--days"_s, u"60"_s, u"--until"_s, byId.value(u"until"_s).toString()},
                                     exitCode);
    QCOMPARE(exitCode, 0);
    QCOMPARE(fromFile.value(u"redemptions"_s).toInteger(), qint64(20));
    QCOMPARE(fromFile.value(u"campaign"_s).toString(), u"camp_bt_five"_s);
    QVERIFY(fromFile.value(u"budget_exhausted_at"_s).isString());
    run({u"backtest"_s, u"--workspace"_s, m_production, u"--campaign"_s, u"camp_spend_tiers"_s, u"--campaign-file"_s, file},
        exitCode);
    QCOMPARE(exitCode, 2);
    run({u"backtest"_s, u"--workspace"_s, m_production, u"--campaign"_s, u"camp_nonesuch"_s}, exitCode);
    QCOMPARE(exitCode, 1);
    QCOMPARE(Tests::fileChecksum(m_production), checksum);
}

QTEST_GUILESS_MAIN(TestSimulate)
#include "tst_simulate.moc"
