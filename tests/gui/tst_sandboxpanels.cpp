// The Sandbox page's Traffic and Backtest panels over the small campaign demo: a
// production workspace and a sandbox copied from it. A traffic run whose summary
// matches the redemptions it wrote, a cancelled run that keeps what ran and gives the
// form back, the panel refusing production, and a backtest equal to calling
// Sandbox::backtest directly that leaves production's file byte for byte as it was.
// Both panels are rendered to PNG (/tmp/panels).

#include "engine/campaign.h"
#include "sandbox/backtest.h"
#include "sandbox/simulator.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "testsupport.h"
#include "widgets/backtestpanel.h"
#include "widgets/kpitile.h"
#include "widgets/trafficpanel.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Ui::BacktestPanel;
using Ui::TrafficPanel;

namespace {

constexpr int WaitMs = 60000;

template <typename T>
T *child(const QWidget &parent, const char *name)
{
    T *found = parent.findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no child %s", name);
    return found;
}

// Renders the whole scrolling content of a panel, not only what its viewport shows.
void savePicture(QWidget &panel, const QString &name)
{
    QDir().mkpath(u"/tmp/panels"_s);
    QWidget *content = panel.findChild<QScrollArea *>()->widget();
    QVERIFY(content->grab().save(u"/tmp/panels/"_s + name));
}

struct Counts
{
    qint64 succeeded = 0;
    qint64 failed = 0;
    qint64 discount = 0;
};

Counts redemptionCounts(const QString &path)
{
    auto connection = Tests::openConnection(path);
    if (!connection)
        qFatal("cannot open %s", qPrintable(path));
    auto rows = Tests::select(*connection,
                              u"SELECT COALESCE(SUM(result = 'SUCCESS'), 0), COALESCE(SUM(result = 'FAILURE'), 0), "
                              u"COALESCE(SUM(CASE WHEN result = 'SUCCESS' THEN discount_amount ELSE 0 END), 0) FROM redemptions"_s);
    if (!rows || rows.value().isEmpty())
        qFatal("cannot count redemptions");
    const QVariantList &row = rows.value().constFirst();
    return {row[0].toLongLong(), row[1].toLongLong(), row[2].toLongLong()};
}

} // namespace

class TestSandboxPanels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void trafficRun();
    void trafficCancelKeepsWhatRan();
    void trafficRefusesProduction();
    void backtestMatchesTheModel();

private:
    QTemporaryDir m_dir;
    QString m_production;
    QString m_sandbox;
    QString m_budgeted; // the sandbox's campaign with a small discount budget
};

void TestSandboxPanels::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_production = m_dir.filePath(u"shop.promodesk"_s);
    m_sandbox = m_dir.filePath(u"shop-sandbox.promodesk"_s);
    PD_VERIFY_OK(Tests::generateSmallCampaignDemo(m_production, 7));
    // The sandbox: a copy of production (every connection to it is closed), marked a sandbox.
    QVERIFY(!QFile::exists(m_production + u"-wal"_s));
    QVERIFY(QFile::copy(m_production, m_sandbox));
    QFile(m_sandbox).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    auto connection = Tests::openConnection(m_sandbox, Store::Connection::Access::ReadWrite);
    QVERIFY(connection);
    PD_VERIFY_OK(Tests::execute(*connection, u"UPDATE workspace_meta SET value = 'sandbox' WHERE key = 'kind'"_s));
    // A small discount budget on the promotion most sessions qualify for, so that the
    // traffic run uses it up.
    Store::CampaignStore store(*connection);
    auto campaigns = store.loadCampaigns();
    PD_VERIFY_OK(campaigns);
    for (Engine::Campaign c : campaigns.value()) {
        if (c.name == u"Spend more, save more"_s) {
            c.limits.budgetDiscount = 50000;
            auto saved = store.saveCampaign(c, u"test"_s);
            PD_VERIFY_OK(saved);
            m_budgeted = saved.value().id;
        }
    }
    QVERIFY(!m_budgeted.isEmpty());
}

void TestSandboxPanels::trafficRun()
{
    TrafficPanel panel;
    panel.resize(1100, 800);
    panel.show();
    QSignalSpy ready(&panel, &TrafficPanel::campaignsReady);
    panel.setWorkspace(m_sandbox, true);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, WaitMs);
    QVERIFY(panel.campaignsLoaded());
    QVERIFY(panel.message().isEmpty());
    QVERIFY(child<QPushButton>(panel, "run")->isEnabled());
    QVERIFY(!child<QPushButton>(panel, "cancel")->isEnabled());

    // The form's defaults: 5 000 sessions over the next 7 days.
    const Sandbox::TrafficOptions defaults = panel.options();
    QCOMPARE(defaults.sessions, qint64(5000));
    QCOMPARE(defaults.to - defaults.from, 7 * 86'400'000LL);
    QVERIFY(defaults.campaignIds.isEmpty());

    Sandbox::TrafficOptions options = defaults;
    options.sessions = 300;
    options.seed = 11;
    options.memberShare = 0.7;
    options.codePropensity = 0.5;
    panel.setOptions(options);
    const Sandbox::TrafficOptions read = panel.options();
    QCOMPARE(read.sessions, qint64(300));
    QCOMPARE(read.seed, 11u);
    QCOMPARE(read.from, options.from);
    QCOMPARE(read.to, options.to);
    QCOMPARE(read.memberShare, 0.7);
    QCOMPARE(read.codePropensity, 0.5);

    const Counts before = redemptionCounts(m_sandbox);
    QSignalSpy finished(&panel, &TrafficPanel::finished);
    QTest::mouseClick(child<QPushButton>(panel, "run"), Qt::LeftButton);
    QVERIFY(panel.isRunning() || finished.count() == 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, WaitMs);
    QVERIFY(!panel.isRunning());
    QVERIFY2(panel.summary().has_value(), qPrintable(panel.status()));
    const Sandbox::TrafficSummary summary = *panel.summary();
    QVERIFY(!summary.cancelled);
    QCOMPARE(summary.sessions, qint64(300));

    // The summary is what the run wrote to the sandbox.
    const Counts after = redemptionCounts(m_sandbox);
    QCOMPARE(after.succeeded - before.succeeded, summary.redemptionsSucceeded);
    QCOMPARE(after.failed - before.failed, summary.redemptionsFailed);
    QCOMPARE(after.discount - before.discount, summary.discount);
    QVERIFY(summary.redemptionsSucceeded > 0);

    // …and what the panel shows.
    const QLocale locale;
    QCOMPARE(child<Ui::KpiTile>(panel, "sessionsTile")->value(), locale.toString(300));
    QCOMPARE(child<Ui::KpiTile>(panel, "redemptionsTile")->value(), locale.toString(summary.redemptionsSucceeded));
    QCOMPARE(child<Ui::KpiTile>(panel, "ordersTile")->value(), locale.toString(summary.ordersWithDiscount));
    auto *progress = child<QProgressBar>(panel, "progress");
    QCOMPARE(progress->value(), progress->maximum());
    QVERIFY(panel.status().contains(u"300 of 300"_s));
    auto *perCampaign = child<QTableWidget>(panel, "perCampaign");
    QCOMPARE(perCampaign->rowCount(), int(summary.campaigns.size()));
    qint64 shown = 0;
    for (int row = 0; row < perCampaign->rowCount(); ++row)
        shown += perCampaign->item(row, 1)->text().remove(locale.groupSeparator()).toLongLong();
    QCOMPARE(shown, summary.redemptionsSucceeded);
    // The budgeted promotion ran out, and the table says when, in UTC.
    QVERIFY(summary.campaigns.contains(m_budgeted));
    const auto budgeted = summary.campaigns.value(m_budgeted);
    QVERIFY(budgeted.budgetExhaustedAt.has_value());
    QVERIFY(budgeted.discount <= 50000);
    QVERIFY(*budgeted.budgetExhaustedAt >= options.from && *budgeted.budgetExhaustedAt < options.to);
    bool found = false;
    for (int row = 0; row < perCampaign->rowCount(); ++row) {
        if (perCampaign->item(row, 0)->toolTip() == m_budgeted) {
            found = true;
            QCOMPARE(perCampaign->item(row, 4)->text(),
                     QDateTime::fromMSecsSinceEpoch(*budgeted.budgetExhaustedAt, QTimeZone::utc())
                             .toString(u"yyyy-MM-dd HH:mm"_s) + u" UTC"_s);
        }
    }
    QVERIFY(found);
    auto *failures = child<QTableWidget>(panel, "failures");
    if (!summary.failures.isEmpty())
        QCOMPARE(failures->rowCount(), int(summary.failures.size()));

    QVERIFY(child<QPushButton>(panel, "run")->isEnabled());
    QSignalSpy dashboard(&panel, &TrafficPanel::showDashboardRequested);
    QTest::mouseClick(child<QPushButton>(panel, "showDashboard"), Qt::LeftButton);
    QCOMPARE(dashboard.count(), 1);
    savePicture(panel, u"traffic.png"_s);
}

void TestSandboxPanels::trafficCancelKeepsWhatRan()
{
    TrafficPanel panel;
    panel.resize(1100, 800);
    panel.show();
    QSignalSpy ready(&panel, &TrafficPanel::campaignsReady);
    panel.setWorkspace(m_sandbox, true);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, WaitMs);
    Sandbox::TrafficOptions options = panel.options();
    options.sessions = 1'000'000;
    options.batch = 200;
    options.seed = 5;
    panel.setOptions(options);

    // Cancel (by the button) as soon as the first progress arrives.
    auto *cancel = child<QPushButton>(panel, "cancel");
    int reports = 0;
    connect(&panel, &TrafficPanel::progressed, &panel, [&](qint64, qint64) {
        if (reports++ == 0)
            QTest::mouseClick(cancel, Qt::LeftButton);
    });
    const Counts before = redemptionCounts(m_sandbox);
    QSignalSpy finished(&panel, &TrafficPanel::finished);
    panel.run();
    QVERIFY(panel.isRunning());
    QVERIFY(cancel->isEnabled());
    QVERIFY(!child<QPushButton>(panel, "run")->isEnabled());
    QVERIFY(!child<QSpinBox>(panel, "sessions")->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, WaitMs);
    QVERIFY(reports >= 1);

    QVERIFY2(panel.summary().has_value(), qPrintable(panel.status()));
    const Sandbox::TrafficSummary summary = *panel.summary();
    QVERIFY(summary.cancelled);
    QVERIFY(summary.sessions < options.sessions);
    QVERIFY(panel.status().startsWith(u"Cancelled"_s));
    QVERIFY(child<QLabel>(panel, "heading")->text().contains(u"kept"_s));
    // What ran is kept: the redemptions it wrote are the ones it reports.
    const Counts after = redemptionCounts(m_sandbox);
    QCOMPARE(after.succeeded - before.succeeded, summary.redemptionsSucceeded);
    // The form is back.
    QVERIFY(!panel.isRunning());
    QVERIFY(child<QPushButton>(panel, "run")->isEnabled());
    QVERIFY(child<QSpinBox>(panel, "sessions")->isEnabled());
    QVERIFY(!cancel->isEnabled());
    auto *progress = child<QProgressBar>(panel, "progress");
    QVERIFY(progress->value() < progress->maximum());
    savePicture(panel, u"traffic-cancelled.png"_s);
}

void TestSandboxPanels::trafficRefusesProduction()
{
    const QString expected = u"Traffic simulation runs only in a sandbox: File ▸ New Sandbox…"_s;
    {
        TrafficPanel panel;
        panel.setWorkspace(m_production, false);
        QCOMPARE(panel.message(), expected);
        QVERIFY(!child<QLabel>(panel, "message")->isHidden());
        QVERIFY(!child<QPushButton>(panel, "run")->isEnabled());
        QVERIFY(!child<QSpinBox>(panel, "sessions")->isEnabled());
        panel.run();
        QVERIFY(!panel.isRunning());
        QVERIFY(!panel.summary());
        panel.resize(900, 500);
        panel.show();
        savePicture(panel, u"traffic-production.png"_s);
    }
    {
        // Called a sandbox, but the file says production: the panel believes the file.
        TrafficPanel panel;
        QSignalSpy ready(&panel, &TrafficPanel::campaignsReady);
        panel.setWorkspace(m_production, true);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, WaitMs);
        QCOMPARE(panel.message(), expected);
        QVERIFY(!child<QPushButton>(panel, "run")->isEnabled());
    }
}

void TestSandboxPanels::backtestMatchesTheModel()
{
    const QByteArray checksum = Tests::fileChecksum(m_production);
    QVERIFY(!checksum.isEmpty());

    // The draft: the demo's summer campaign, from the sandbox, made to run over the whole
    // period and given a discount budget of half what it would give, so that it runs out.
    Engine::Campaign draft;
    {
        auto connection = Tests::openConnection(m_sandbox, Store::Connection::Access::ReadWrite);
        QVERIFY(connection);
        Store::CampaignStore store(*connection);
        auto summer = store.loadCampaign(u"camp_summer"_s);
        PD_VERIFY_OK(summer);
        QVERIFY(summer.value().has_value());
        draft = *summer.value();
        draft.schedule.startDate.reset();
        draft.schedule.expirationDate.reset();
        draft.limits.budgetDiscount = 0;
        Sandbox::BacktestOptions unlimited;
        unlimited.days = 30;
        const auto unbounded = Sandbox::backtest(m_production, draft, unlimited);
        PD_VERIFY_OK(unbounded);
        QVERIFY2(unbounded.value().discount > 0, "the draft discounts nothing over the period");
        draft.limits.budgetDiscount = unbounded.value().discount / 2;
        auto saved = store.saveCampaign(draft, u"test"_s);
        PD_VERIFY_OK(saved);
        draft = saved.value();
    }

    BacktestPanel panel;
    panel.resize(1100, 900);
    panel.show();
    QSignalSpy ready(&panel, &BacktestPanel::campaignsReady);
    panel.setCampaign(draft.id);
    panel.setWorkspaces(m_sandbox, m_production);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, WaitMs);
    QVERIFY(panel.campaignsLoaded());
    QCOMPARE(panel.days(), 90);
    panel.setCampaign(draft.id);
    QCOMPARE(panel.campaign(), draft.id);
    QVERIFY(child<QLabel>(panel, "ordersSource")->text().contains(u"shop.promodesk"_s));
    panel.setDays(30);

    QSignalSpy finished(&panel, &BacktestPanel::finished);
    QTest::mouseClick(child<QPushButton>(panel, "run"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, WaitMs);
    QVERIFY(!panel.isRunning());
    QVERIFY2(panel.result().has_value(), qPrintable(panel.status()));
    const Sandbox::BacktestResult shown = *panel.result();
    QVERIFY(!shown.cancelled);
    QVERIFY(panel.triedCampaign().has_value());
    QCOMPARE(*panel.triedCampaign(), draft);

    Sandbox::BacktestOptions options;
    options.days = 30;
    const auto direct = Sandbox::backtest(m_production, draft, options);
    PD_VERIFY_OK(direct);
    const Sandbox::BacktestResult &expected = direct.value();
    QCOMPARE(shown.orders, expected.orders);
    QCOMPARE(shown.redemptions, expected.redemptions);
    QCOMPARE(shown.customers, expected.customers);
    QCOMPARE(shown.discount, expected.discount);
    QCOMPARE(shown.orderAmount, expected.orderAmount);
    QCOMPARE(shown.budgetExhaustedAt, expected.budgetExhaustedAt);
    QCOMPARE(shown.failures, expected.failures);
    QCOMPARE(shown.overlap, expected.overlap);
    QCOMPARE(shown.daily.size(), expected.daily.size());
    for (qsizetype i = 0; i < shown.daily.size(); ++i) {
        QCOMPARE(shown.daily[i].dayStart, expected.daily[i].dayStart);
        QCOMPARE(shown.daily[i].orders, expected.daily[i].orders);
        QCOMPARE(shown.daily[i].redemptions, expected.daily[i].redemptions);
        QCOMPARE(shown.daily[i].discount, expected.daily[i].discount);
    }
    QVERIFY(expected.orders > 0);
    QVERIFY(expected.budgetExhaustedAt.has_value()); // half the budget it needed

    const QLocale locale;
    QCOMPARE(child<Ui::KpiTile>(panel, "ordersTile")->value(), locale.toString(expected.orders));
    QCOMPARE(child<Ui::KpiTile>(panel, "redeemTile")->value(), locale.toString(expected.redemptions));
    QCOMPARE(child<Ui::KpiTile>(panel, "customersTile")->value(), locale.toString(expected.customers));
    const QString budget = child<Ui::KpiTile>(panel, "budgetTile")->value();
    QVERIFY(expected.budgetExhaustedAt ? budget.startsWith(u"Runs out on"_s) : !budget.startsWith(u"Runs out"_s));
    if (!expected.failures.isEmpty())
        QCOMPARE(child<QTableWidget>(panel, "failures")->rowCount(), int(expected.failures.size()));
    if (!expected.overlap.isEmpty())
        QCOMPARE(child<QTableWidget>(panel, "overlap")->rowCount(), int(expected.overlap.size()));

    // The daily series as CSV: a header and one row per day.
    const QString csv = m_dir.filePath(u"daily.csv"_s);
    PD_VERIFY_OK(panel.exportDailyCsv(csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), expected.daily.size() + 2); // header + days + the empty text after the last CRLF
    QVERIFY(lines.constFirst().startsWith("day,orders,redemptions,discount,discount_so_far"));

    savePicture(panel, u"backtest.png"_s);
    // Production is read only: not a byte changed.
    QCOMPARE(Tests::fileChecksum(m_production), checksum);
}

QTEST_MAIN(TestSandboxPanels)
#include "tst_sandboxpanels.moc"
