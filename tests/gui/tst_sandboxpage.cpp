// The Sandbox page (issue 9) over a production workspace (the small campaign demo) and
// a sandbox sampled from it through the New Sandbox dialog: production is offered a
// sandbox; the simulator qualifies a hand-made cart against every campaign; a saved
// case passes, fails with the change named once a campaign is paused, and loads back
// into the simulator; a validation typed in the simulator is logged; a campaign is
// activated in the sandbox only; promotion is refused while production's copy is active
// and succeeds for a new campaign, which arrives in production as a draft, audited in
// both workspaces.

#include "dialogs/newsandboxdialog.h"
#include "engine/campaign.h"
#include "pages/sandboxpage.h"
#include "sandbox/sandbox.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "testsupport.h"
#include "widgets/simulatorcasespanel.h"
#include "widgets/tryitpanel.h"

#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 60000;

Engine::OrderItem line(const QString &sku, qint64 quantity)
{
    Engine::OrderItem item;
    item.sku = sku;
    item.quantity = quantity;
    return item;
}

} // namespace

class TestSandboxPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void productionIsOfferedASandbox();
    void newSandboxDialogMakesASample();
    void simulatorAndSavedCases();
    void activateInTheSandboxOnly();
    void promotionRefusedThenDone();

private:
    Store::WorkspaceInfo info(const QString &path);
    QString campaignStatus(const QString &path, const QString &id);
    void openSandbox(Ui::SandboxPage &page);

    QTemporaryDir m_dir;
    QString m_production;
    QString m_sandbox;
    QByteArray m_productionSum;
};

void TestSandboxPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_production = m_dir.filePath(u"production.promodesk"_s);
    m_sandbox = m_dir.filePath(u"sandbox.promodesk"_s);
    PD_VERIFY_OK(Tests::generateSmallCampaignDemo(m_production, 11));
    auto db = Tests::openConnection(m_production, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    PD_VERIFY_OK(Tests::execute(*db, u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
    db.reset();
    m_productionSum = Tests::fileChecksum(m_production);
}

Store::WorkspaceInfo TestSandboxPage::info(const QString &path)
{
    auto inspected = Store::Workspace::inspect(path);
    return inspected ? inspected.value() : Store::WorkspaceInfo{};
}

QString TestSandboxPage::campaignStatus(const QString &path, const QString &id)
{
    auto db = Tests::openConnection(path);
    auto status = db ? Tests::scalar(*db, u"SELECT status FROM campaigns WHERE id = ?"_s, {id}) : Result<QVariant>(Error{});
    return status ? status.value().toString() : QString();
}

void TestSandboxPage::productionIsOfferedASandbox()
{
    Ui::SandboxPage page;
    page.setWorkspace(info(m_production));
    auto *create = page.findChild<QPushButton *>(u"newSandbox"_s);
    QVERIFY(create);
    QVERIFY(!create->isHidden());
    QVERIFY(page.tabs()->isHidden() || !page.tabs()->isVisibleTo(&page));
}

void TestSandboxPage::newSandboxDialogMakesASample()
{
    // A file already there is refused in words, and nothing is made.
    {
        QFile taken(m_dir.filePath(u"taken.promodesk"_s));
        QVERIFY(taken.open(QIODevice::WriteOnly));
        taken.write("not mine");
    }
    {
        Ui::NewSandboxDialog dialog(m_production);
        dialog.setPath(m_dir.filePath(u"taken.promodesk"_s));
        dialog.setSample(true, 300, 5);
        dialog.accept();
        QVERIFY(QTest::qWaitFor([&] { return !dialog.errorText().isEmpty(); }, Timeout));
        QVERIFY(dialog.createdPath().isEmpty());
    }
    Ui::NewSandboxDialog dialog(m_production);
    dialog.setPath(m_sandbox);
    dialog.setSample(true, 400, 3);
    dialog.accept();
    QVERIFY(QTest::qWaitFor([&] { return !dialog.createdPath().isEmpty() || !dialog.errorText().isEmpty(); }, Timeout));
    QVERIFY2(dialog.errorText().isEmpty(), qPrintable(dialog.errorText()));
    QCOMPARE(dialog.createdPath(), m_sandbox);
    const Store::WorkspaceInfo sandbox = info(m_sandbox);
    QCOMPARE(sandbox.kind, Store::WorkspaceKind::Sandbox);
    auto db = Tests::openConnection(m_sandbox);
    QVERIFY(db);
    auto customers = Tests::scalar(*db, u"SELECT count(*) FROM customers"_s);
    PD_VERIFY_OK(customers);
    QCOMPARE(customers.value().toLongLong(), 400);
    auto production = Sandbox::productionOf(*db);
    PD_VERIFY_OK(production);
    QCOMPARE(production.value(), QFileInfo(m_production).absoluteFilePath());
    QCOMPARE(Tests::fileChecksum(m_production), m_productionSum);
}

void TestSandboxPage::openSandbox(Ui::SandboxPage &page)
{
    QSignalSpy campaigns(&page, &Ui::SandboxPage::campaignsChanged);
    page.resize(1300, 850);
    page.show();
    page.setWorkspace(info(m_sandbox));
    QVERIFY(QTest::qWaitFor([&] { return !page.campaigns().isEmpty() && !page.productionPath().isEmpty(); }, Timeout));
    QVERIFY(page.tabs()->isVisible());
}

void TestSandboxPage::simulatorAndSavedCases()
{
    if (!QFile::exists(m_sandbox))
        QSKIP("needs the sandbox of newSandboxDialogMakesASample");
    Ui::SandboxPage page;
    openSandbox(page);
    auto db = Tests::openConnection(m_sandbox);
    auto member = Tests::scalar(*db, u"SELECT 'cust_' || id FROM customers ORDER BY id LIMIT 1"_s);
    auto skus = Tests::select(*db, u"SELECT id, price FROM skus ORDER BY price DESC LIMIT 2"_s);
    PD_VERIFY_OK(member);
    PD_VERIFY_OK(skus);
    QCOMPARE(skus.value().size(), 2);

    // Qualify a hand-made cart at a fixed clock: every campaign has its say.
    Ui::TryItPanel *simulator = page.simulator();
    QCOMPARE(simulator->mode(), Ui::TryItPanel::Mode::Workspace);
    QSignalSpy finished(simulator, &Ui::TryItPanel::finished);
    simulator->setCustomer(member.value().toString());
    simulator->setCart({line(skus.value()[0][0].toString(), 2), line(skus.value()[1][0].toString(), 1)});
    const qint64 at = QDateTime(QDate(2026, 11, 20), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    simulator->setNow(at);
    simulator->setOperation(Ui::TryItPanel::Operation::Qualify);
    simulator->run();
    QVERIFY(finished.wait(Timeout));
    QVERIFY2(!simulator->verdict().isEmpty(), "no verdict");
    QCOMPARE(simulator->lastOperation(), u"qualify"_s);
    QCOMPARE(simulator->lastRequest().value(u"now"_s).toString(), u"2026-11-20T12:00:00Z"_s);
    QVERIFY(simulator->applies()); // the demo's tiered promotion takes something off a cart this size

    // Saved, it passes; with a campaign paused it fails and says which.
    Ui::SimulatorCasesPanel *cases = page.cases();
    QSignalSpy changed(cases, &Ui::SimulatorCasesPanel::changed);
    QSignalSpy ran(cases, &Ui::SimulatorCasesPanel::ran);
    cases->saveCase(u"big cart"_s, simulator->lastOperation(), simulator->lastRequest());
    QVERIFY(QTest::qWaitFor([&] { return cases->cases().size() == 1 && !cases->isBusy(); }, Timeout));
    cases->runAll();
    QVERIFY(ran.wait(Timeout));
    QCOMPARE(cases->lastRuns().size(), 1);
    QVERIFY2(cases->lastRuns()[0].passed, qPrintable(cases->lastRuns()[0].difference));
    QVERIFY(cases->summaryLabel()->text().contains(u"1 of 1"_s));

    QString applied;
    for (const QJsonValue &r : cases->cases()[0].expected.value(u"redeemables"_s).toArray()) {
        if (r.toObject().value(u"status"_s).toString() == u"APPLICABLE"_s)
            applied = r.toObject().value(u"campaign_id"_s).toString();
    }
    QVERIFY(!applied.isEmpty());
    QSignalSpy campaigns(&page, &Ui::SandboxPage::campaignsChanged);
    page.setCampaignActive(applied, false);
    QVERIFY(QTest::qWaitFor([&] { return campaignStatus(m_sandbox, applied) == u"paused"_s; }, Timeout));
    QVERIFY(campaigns.wait(Timeout));
    cases->runAll();
    QVERIFY(ran.wait(Timeout));
    QVERIFY(!cases->lastRuns()[0].passed);
    QVERIFY2(cases->lastRuns()[0].difference.contains(applied), qPrintable(cases->lastRuns()[0].difference));
    QVERIFY(cases->summaryLabel()->text().contains(u"0 of 1"_s));
    QCOMPARE(cases->table()->item(0, 3)->text(), u"✗ failed"_s);
    page.setCampaignActive(applied, true);
    QVERIFY(QTest::qWaitFor([&] { return campaignStatus(m_sandbox, applied) == u"active"_s; }, Timeout));

    // The case loads back into the simulator.
    simulator->setCustomer(QString());
    emit cases->table()->cellDoubleClicked(0, 0);
    QCOMPARE(simulator->customer(), member.value().toString());
    QCOMPARE(simulator->cart().size(), 2);

    // A validation typed in the simulator is logged (and counted on the dashboard).
    auto tier = Tests::scalar(*db, u"SELECT json_extract(t.value, '$.id') FROM campaigns c, json_each(c.definition, '$.tiers') t "
                                   "WHERE c.id = 'camp_spend_tiers' LIMIT 1"_s);
    PD_VERIFY_OK(tier);
    simulator->setOperation(Ui::TryItPanel::Operation::Validate);
    simulator->setRedeemables(tier.value().toString());
    simulator->run();
    // (A qualification the loaded case asked for may answer first.)
    QVERIFY2(QTest::qWaitFor([&] { return simulator->lastOperation() == u"validate"_s && !simulator->isRunning(); }, Timeout),
             qPrintable(simulator->verdict()));
    QCOMPARE(simulator->lastRequest().value(u"redeemables"_s).toArray().first().toObject().value(u"object"_s).toString(),
             u"promotion_tier"_s);
    auto logged = Tests::scalar(*db, u"SELECT count(*) FROM validations WHERE tier_id = ?"_s, {tier.value()});
    PD_VERIFY_OK(logged);
    QCOMPARE(logged.value().toLongLong(), 1);
    QCOMPARE(Tests::fileChecksum(m_production), m_productionSum);
}

void TestSandboxPage::activateInTheSandboxOnly()
{
    if (!QFile::exists(m_sandbox))
        QSKIP("needs the sandbox of newSandboxDialogMakesASample");
    Ui::SandboxPage page;
    openSandbox(page);
    QString paused;
    for (const Engine::Campaign &c : page.campaigns()) {
        if (c.status == Engine::CampaignStatus::Paused)
            paused = c.id;
    }
    QVERIFY2(!paused.isEmpty(), "the demo has a paused campaign");
    page.setCampaignActive(paused, true);
    QVERIFY(QTest::qWaitFor([&] { return campaignStatus(m_sandbox, paused) == u"active"_s; }, Timeout));
    QCOMPARE(campaignStatus(m_production, paused), u"paused"_s);
    QCOMPARE(Tests::fileChecksum(m_production), m_productionSum);
}

void TestSandboxPage::promotionRefusedThenDone()
{
    if (!QFile::exists(m_sandbox))
        QSKIP("needs the sandbox of newSandboxDialogMakesASample");
    Ui::SandboxPage page;
    openSandbox(page);
    QSignalSpy refused(&page, &Ui::SandboxPage::promotionRefused);
    QSignalSpy promoted(&page, &Ui::SandboxPage::promoted);

    // Production's copy of the tiered promotion is active: refused, production unchanged.
    page.promote(u"camp_spend_tiers"_s);
    QVERIFY(refused.wait(Timeout));
    const QStringList problems = refused.constFirst().constFirst().toStringList();
    QVERIFY2(problems.join(u'\n').contains(u"active"_s), qPrintable(problems.join(u'\n')));
    QVERIFY(page.promotionLabel()->text().contains(u"not promoted"_s));

    // A campaign made in the sandbox goes to production as a draft, audited in both.
    QString id;
    {
        auto db = Tests::openConnection(m_sandbox, Store::Connection::Access::ReadWrite);
        Store::CampaignStore store(*db);
        auto base = store.loadCampaign(u"camp_spend_tiers"_s);
        PD_VERIFY_OK(base);
        QVERIFY(base.value().has_value());
        Engine::Campaign draft = *base.value();
        draft.id = u"camp_spend_more_2027"_s;
        draft.name = u"Spend more, save more (2027)"_s;
        draft.status = Engine::CampaignStatus::Draft;
        for (int i = 0; i < draft.tiers.size(); ++i)
            draft.tiers[i].id = u"promo_2027_%1"_s.arg(i);
        auto saved = store.saveCampaign(draft, u"test"_s);
        PD_VERIFY_OK(saved);
        id = saved.value().id;
    }
    page.promote(id);
    QVERIFY(promoted.wait(Timeout));
    QCOMPARE(promoted.constFirst().constFirst().toString(), id);
    QCOMPARE(campaignStatus(m_production, id), u"draft"_s);
    for (const QString &path : {m_production, m_sandbox}) {
        auto db = Tests::openConnection(path);
        auto audited = Tests::scalar(*db, u"SELECT count(*) FROM audit_log WHERE entity_id = ? AND action LIKE 'promoted%'"_s, {id});
        PD_VERIFY_OK(audited);
        QVERIFY2(audited.value().toLongLong() >= 1, qPrintable(path));
    }
    QVERIFY(page.promotionLabel()->text().contains(u"is in production"_s));
}

QTEST_MAIN(TestSandboxPage)
#include "tst_sandboxpage.moc"
