// The dashboard's campaign activity (issue 8): its tiles and series equal the stats
// store's sums for the period; redemptions written by another process (promodesk-cli
// redeem) appear within seconds as an update in place — no reload; a campaign filter
// narrows the figures.

#include "store/statsstore.h"
#include "engine/democampaigns.h"
#include "widgets/activitypanel.h"
#include "widgets/kpitile.h"

#include <QChart>
#include <QChartView>
#include "common/csv.h"
#include "testsupport.h"

#include <QComboBox>
#include <QDateEdit>
#include <QTimeZone>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 20000;

qreal sumY(const QLineSeries *series)
{
    qreal sum = 0;
    for (const QPointF &p : series->points())
        sum += p.y();
    return sum;
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void figuresEqualTheStatsStore();
    void anotherProcessShowsUpLive();
    void campaignFilterNarrows();
    void chartsSaveAsPngSvgAndCsv();
    void alertsShowWhatNeedsAttention();
    void budgetBurnDownProjectsTheRunOutDay();
    void customPeriodIsWholeUtcDays();
    void tiersAndValidationsOfOneCampaign();

private:
    Store::StatsBucket storeTotal(const Store::StatsQuery &query);
    bool redeemElsewhere(const QString &code);
    // Opens the workspace in the panel and shows the last 365 days.
    bool openForAYear(Ui::ActivityPanel &panel);

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store::Connection> m_db;
};

void TestDashboard::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"dashboard.promodesk"_s);
    PD_VERIFY_OK(Tests::generateSmallCampaignDemo(m_path, 5));
    m_db = Tests::openConnection(m_path);
    QVERIFY(m_db);
}

Store::StatsBucket TestDashboard::storeTotal(const Store::StatsQuery &query)
{
    auto total = Store::StatsStore(*m_db).total(query);
    return total ? total.value() : Store::StatsBucket{};
}

bool TestDashboard::redeemElsewhere(const QString &code)
{
    QProcess cli;
    cli.start(QStringLiteral(PROMODESK_CLI_PATH), {u"redeem"_s, u"--workspace"_s, m_path});
    if (!cli.waitForStarted())
        return false;
    cli.write(uR"({"customer": {"id": "cust_1"}, "order": {"source_id": "elsewhere-%1", "items": []},
                   "redeemables": [{"object": "voucher", "id": "%2"}]})"_s.arg(QDateTime::currentMSecsSinceEpoch()).arg(code).toUtf8());
    cli.closeWriteChannel();
    // Exit 1 means "not redeemed": the failed attempt is recorded all the same.
    return cli.waitForFinished(Timeout) && cli.exitStatus() == QProcess::NormalExit && cli.exitCode() <= 1;
}

bool TestDashboard::openForAYear(Ui::ActivityPanel &panel)
{
    panel.setWorkspace(m_path, u"EUR"_s);
    panel.setPeriod(Ui::ActivityPanel::Period::Last365Days);
    return QTest::qWaitFor([&] { return panel.isLoaded() && panel.query().toHour - panel.query().fromHour > 364 * 24; }, Timeout);
}

void TestDashboard::figuresEqualTheStatsStore()
{
    Ui::ActivityPanel panel;
    QSignalSpy loaded(&panel, &Ui::ActivityPanel::loaded);
    QVERIFY(openForAYear(panel));
    const Store::StatsBucket expected = storeTotal(panel.query());
    QVERIFY(expected.redemptionsSucceeded > 0);
    QCOMPARE(panel.totals(), expected);
    QCOMPARE(qint64(sumY(panel.succeededSeries())), expected.redemptionsSucceeded);
    QCOMPARE(qint64(sumY(panel.failedSeries())), expected.redemptionsFailed);
    QCOMPARE(panel.redemptionsTile()->value(), QLocale().toString(expected.redemptionsSucceeded));
    // A year in days: one point per day.
    QCOMPARE(panel.succeededSeries()->count(), 365);
}

void TestDashboard::anotherProcessShowsUpLive()
{
    Ui::ActivityPanel panel;
    QSignalSpy loaded(&panel, &Ui::ActivityPanel::loaded);
    QSignalSpy updated(&panel, &Ui::ActivityPanel::updated);
    panel.setWorkspace(m_path, u"EUR"_s);
    panel.setPeriod(Ui::ActivityPanel::Period::Today);
    QVERIFY(QTest::qWaitFor([&] { return panel.isLoaded() && panel.query().toHour - panel.query().fromHour <= 24; }, Timeout));
    const int loads = int(loaded.count());
    const Store::StatsBucket before = panel.totals();
    const qreal lastPointBefore = panel.failedSeries()->points().constLast().y();

    for (int i = 0; i < 3; ++i)
        QVERIFY(redeemElsewhere(u"NO-SUCH-CODE-%1"_s.arg(i)));
    QVERIFY(QTest::qWaitFor([&] { return panel.totals().redemptionsFailed == before.redemptionsFailed + 3; }, Timeout));
    QVERIFY(updated.count() >= 1);
    QCOMPARE(loaded.count(), loads); // updated in place, not reloaded
    QCOMPARE(panel.failedSeries()->points().constLast().y(), lastPointBefore + 3);
    QCOMPARE(panel.totals(), storeTotal(panel.query()));
}

void TestDashboard::campaignFilterNarrows()
{
    Ui::ActivityPanel panel;
    QSignalSpy loaded(&panel, &Ui::ActivityPanel::loaded);
    QVERIFY(openForAYear(panel));
    const Store::StatsBucket all = panel.totals();
    auto busiest = Tests::scalar(*m_db, u"SELECT campaign_id FROM campaign_stats GROUP BY campaign_id "
                                        "ORDER BY sum(redemptions_succeeded) DESC LIMIT 1"_s);
    PD_VERIFY_OK(busiest);
    QVERIFY(panel.campaignBox()->findData(busiest.value().toString()) > 0);
    panel.setCampaign(busiest.value().toString());
    QVERIFY(loaded.wait(Timeout));
    QCOMPARE(panel.query().campaignIds, QStringList{busiest.value().toString()});
    const Store::StatsBucket one = panel.totals();
    QCOMPARE(one, storeTotal(panel.query()));
    QVERIFY(one.redemptionsSucceeded > 0 && one.redemptionsSucceeded < all.redemptionsSucceeded);

    // The campaign editor's Analytics: one campaign, fixed, no campaign list.
    Ui::ActivityPanel fixed;
    fixed.setFixedCampaign(busiest.value().toString());
    QVERIFY(openForAYear(fixed));
    QVERIFY(fixed.campaignBox()->isHidden());
    QCOMPARE(fixed.query().campaignIds, QStringList{busiest.value().toString()});
    QCOMPARE(fixed.totals(), one);
}

void TestDashboard::chartsSaveAsPngSvgAndCsv()
{
    Ui::ActivityPanel panel;
    panel.resize(1200, 900);
    panel.show();
    QVERIFY(openForAYear(panel));
    using Chart = Ui::ActivityPanel::Chart;
    for (Chart chart : {Chart::OverTime, Chart::FailureReasons, Chart::TopCampaigns, Chart::HourOfDay, Chart::DayOfWeek}) {
        const QString base = m_dir.filePath(u"chart-%1"_s.arg(int(chart)));
        PD_VERIFY_OK(panel.saveChart(chart, base + u".png"_s));
        QImage image(base + u".png"_s);
        QVERIFY(!image.isNull() && image.width() > 100);
        PD_VERIFY_OK(panel.saveChart(chart, base + u".svg"_s));
        QFile svg(base + u".svg"_s);
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        PD_VERIFY_OK(panel.saveChart(chart, base + u".csv"_s));
    }
    // The data files hold the figures on screen.
    auto rows = [this](int chart) {
        QFile in(m_dir.filePath(u"chart-%1.csv"_s.arg(chart)));
        QList<QStringList> out;
        if (!in.open(QIODevice::ReadOnly))
            return out;
        Csv::Reader reader(&in);
        while (reader.next())
            out << reader.record();
        return out;
    };
    const QList<QStringList> overTime = rows(int(Chart::OverTime));
    QCOMPARE(overTime.size(), panel.succeededSeries()->count() + 1);
    qint64 succeeded = 0;
    for (const QStringList &row : overTime.mid(1))
        succeeded += row.value(1).toLongLong();
    QCOMPARE(succeeded, panel.totals().redemptionsSucceeded);
    const QList<QStringList> hours = rows(int(Chart::HourOfDay));
    QCOMPARE(hours.size(), 25);
    qint64 byHour = 0;
    for (const QStringList &row : hours.mid(1))
        byHour += row.value(1).toLongLong();
    QCOMPARE(byHour, panel.totals().redemptionsSucceeded);
    const QList<QStringList> failures = rows(int(Chart::FailureReasons));
    qint64 failed = 0;
    for (const QStringList &row : failures.mid(1))
        failed += row.value(1).toLongLong();
    QCOMPARE(failed, panel.totals().redemptionsFailed);
    // Another suffix is refused in words, and nothing is written.
    const Status refused = panel.saveChart(Chart::OverTime, m_dir.filePath(u"chart.gif"_s));
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().message.contains(u".png"_s));
    QVERIFY(!QFile::exists(m_dir.filePath(u"chart.gif"_s)));
}

void TestDashboard::alertsShowWhatNeedsAttention()
{
    {
        auto writer = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
        QVERIFY(writer);
        PD_VERIFY_OK(Tests::execute(*writer, u"UPDATE campaigns SET expiration_date = ? WHERE id = 'camp_free_shipping'"_s,
                                    {QDateTime::currentMSecsSinceEpoch() + 2 * 24 * 3'600'000LL}));
    }
    Ui::ActivityPanel panel;
    QVERIFY(openForAYear(panel));
    QVERIFY(!panel.alertsLabel()->isHidden());
    QVERIFY2(panel.alertsLabel()->text().contains(u"Free shipping"_s) && panel.alertsLabel()->text().contains(u"ends on"_s),
             qPrintable(panel.alertsLabel()->text()));
    // Another campaign chosen: its alerts only.
    QSignalSpy loaded(&panel, &Ui::ActivityPanel::loaded);
    panel.setCampaign(u"camp_referral"_s);
    QVERIFY(loaded.wait(Timeout));
    QVERIFY(!panel.alertsLabel()->text().contains(u"Free shipping"_s));
}

void TestDashboard::budgetBurnDownProjectsTheRunOutDay()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        auto writer = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
        QVERIFY(writer);
        // 60.00 of a 100.00 budget used, 5.00 of it given an hour ago.
        PD_VERIFY_OK(Tests::execute(*writer, u"UPDATE campaigns SET definition = json_set(definition, '$.limits.budget.discount_amount', 10000) "
                                             "WHERE id = 'camp_welcome_week'"_s));
        PD_VERIFY_OK(Tests::execute(*writer, u"INSERT OR REPLACE INTO campaign_usage(campaign_id, day, redemptions, discount) "
                                             "VALUES ('camp_welcome_week', '', 12, 6000)"_s));
        PD_VERIFY_OK(Tests::execute(*writer, u"INSERT INTO redemptions (created_at, campaign_id, result, discount_amount, order_amount) "
                                             "VALUES (?, 'camp_welcome_week', 'SUCCESS', 500, 5000)"_s,
                                    {now - 3'600'000LL}));
    }
    Ui::ActivityPanel panel;
    panel.setFixedCampaign(u"camp_welcome_week"_s);
    QVERIFY(openForAYear(panel));
    QVERIFY(!panel.budgetChart()->isHidden());
    QVERIFY(panel.budgetUsedSeries());
    QCOMPARE(panel.budgetUsedSeries()->points().constLast().y(), 60.0);
    // The week's net discount, recounted: 40.00 left at that pace.
    auto week = Tests::scalar(*m_db, u"SELECT sum(discount - rolled_back_discount) FROM campaign_stats "
                                     "WHERE campaign_id = 'camp_welcome_week' AND hour >= ?"_s,
                              {Store::StatsStore::hourOf(now) - 7 * 24});
    PD_VERIFY_OK(week);
    QVERIFY(week.value().toLongLong() >= 500);
    const qint64 expected = now + 4000LL * 7 * 24 * 3'600'000 / week.value().toLongLong();
    QVERIFY(panel.projectedExhaustion());
    QVERIFY(std::abs(*panel.projectedExhaustion() - expected) < 60'000);
    QVERIFY(panel.budgetChart()->chart()->title().contains(u"runs out on"_s));
    // Every campaign: no burn-down.
    Ui::ActivityPanel all;
    QVERIFY(openForAYear(all));
    QVERIFY(all.budgetChart()->isHidden());
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"

void TestDashboard::customPeriodIsWholeUtcDays()
{
    Ui::ActivityPanel panel;
    QSignalSpy loaded(&panel, &Ui::ActivityPanel::loaded);
    panel.setWorkspace(m_path, u"EUR"_s);
    QVERIFY(loaded.wait(Timeout));
    auto last = Tests::scalar(*m_db, u"SELECT max(created_at) FROM redemptions"_s);
    PD_VERIFY_OK(last);
    const QDate to = QDateTime::fromMSecsSinceEpoch(last.value().toLongLong(), QTimeZone::utc()).date();
    const QDate from = to.addDays(-9);
    panel.setCustomPeriod(from, to);
    QVERIFY(loaded.wait(Timeout));
    QVERIFY(panel.fromEdit()->isVisible() == panel.isVisible() && !panel.fromEdit()->isHidden());
    QCOMPARE(panel.query().fromHour * 3'600'000, QDateTime(from, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch());
    QCOMPARE(panel.query().toHour * 3'600'000, QDateTime(to.addDays(1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch());
    QCOMPARE(panel.succeededSeries()->count(), 10); // over 7 days: one point per day
    const Store::StatsBucket expected = storeTotal(panel.query());
    QVERIFY(expected.redemptionsSucceeded > 0);
    QCOMPARE(panel.totals(), expected);

    // A period that ends before it starts is refused in words, and nothing loads.
    panel.setCustomPeriod(to, from);
    QVERIFY(!panel.isLoaded());
    QVERIFY2(panel.statusLabel()->text().contains(u"ends before it starts"_s), qPrintable(panel.statusLabel()->text()));
    QVERIFY(!loaded.wait(1000));
    // A period picked from the list again hides the dates.
    panel.setPeriod(Ui::ActivityPanel::Period::Last7Days);
    QVERIFY(loaded.wait(Timeout));
    QVERIFY(panel.fromEdit()->isHidden());
}

void TestDashboard::tiersAndValidationsOfOneCampaign()
{
    const QString campaign = u"camp_spend_tiers"_s;
    auto tiers = Tests::select(*m_db, u"SELECT json_extract(t.value, '$.id') FROM campaigns c, json_each(c.definition, '$.tiers') t "
                                      "WHERE c.id = ? ORDER BY t.key"_s, {campaign});
    PD_VERIFY_OK(tiers);
    QCOMPARE(tiers.value().size(), 2);
    Ui::ActivityPanel panel;
    panel.resize(1100, 900);
    panel.show();
    QSignalSpy loaded(&panel, &Ui::ActivityPanel::loaded);
    QSignalSpy updated(&panel, &Ui::ActivityPanel::updated);
    panel.setFixedCampaign(campaign);
    QVERIFY(openForAYear(panel));
    QVERIFY(panel.tierBox()->isVisible());
    QCOMPARE(panel.tierBox()->count(), 3); // all tiers, then each
    QVERIFY(panel.tierChart()->isVisible());
    const Store::StatsBucket all = panel.totals();

    // The tier chart's figures are the store's, per tier.
    auto byTier = Store::StatsStore(*m_db).byTier(panel.query());
    PD_VERIFY_OK(byTier);
    QCOMPARE(panel.perTier(), byTier.value());

    // One tier: the figures narrow to it.
    const QString tier = tiers.value()[1][0].toString();
    panel.setTier(tier);
    QVERIFY(loaded.wait(Timeout));
    QCOMPARE(panel.query().tierId, tier);
    QCOMPARE(panel.tierBox()->currentData().toString(), tier);
    const Store::StatsBucket one = panel.totals();
    QCOMPARE(one, storeTotal(panel.query()));
    QVERIFY(one.redemptionsSucceeded > 0 && one.redemptionsSucceeded < all.redemptionsSucceeded);

    // A validation asked for by another process is counted, and shows up live.
    const qint64 before = panel.totals().validations();
    QProcess cli;
    cli.start(QStringLiteral(PROMODESK_CLI_PATH), {u"validate"_s, u"--workspace"_s, m_path});
    QVERIFY(cli.waitForStarted());
    cli.write(uR"({"customer": {"id": "cust_1"}, "order": {"items": []},
                   "redeemables": [{"object": "promotion_tier", "id": "%1"}]})"_s.arg(tier).toUtf8());
    cli.closeWriteChannel();
    QVERIFY(cli.waitForFinished(Timeout));
    QVERIFY2(cli.exitCode() <= 1, cli.readAllStandardError().constData());
    QVERIFY(QTest::qWaitFor([&] { return panel.totals().validations() == before + 1; }, Timeout));
    QCOMPARE(panel.validationsTile()->value(), QLocale().toString(before + 1));
    QCOMPARE(panel.totals(), storeTotal(panel.query()));
    auto logged = Tests::scalar(*m_db, u"SELECT count(*) FROM validations WHERE tier_id = ?"_s, {tier});
    PD_VERIFY_OK(logged);
    QCOMPARE(logged.value().toLongLong(), before + 1);

    // The tier chart's data: one row per tier, in the campaign's order, as on screen.
    const QString file = m_dir.filePath(u"tiers.csv"_s);
    PD_VERIFY_OK(panel.saveChart(Ui::ActivityPanel::Chart::Tiers, file));
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    Csv::Reader reader(&in);
    QList<QStringList> rows;
    while (reader.next())
        rows << reader.record();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].value(0), u"promotion_tier_id"_s);
    for (int i = 1; i < rows.size(); ++i) {
        QCOMPARE(rows[i].value(0), tiers.value()[i - 1][0].toString());
        Store::StatsQuery query = panel.query();
        query.tierId = rows[i].value(0);
        QCOMPARE(rows[i].value(2).toLongLong(), storeTotal(query).redemptionsSucceeded);
    }
}
