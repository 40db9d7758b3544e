// A campaign's history: the audit rows of a save, a pause and a re-activation read
// back newest first, the line diff and "what changed" between versions, and the
// History dialog (loading off the UI thread, one step's diff, two versions' diff),
// rendered to PNG.

#include "dialogs/campaignhistorydialog.h"
#include "items/campaignlistmodel.h"
#include "pages/campaignspage.h"
#include "engine/campaign.h"
#include "engine/campaigndiff.h"
#include "store/campaignhistory.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QApplication>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Engine::DiffLine;

namespace {

const QString CampaignId = u"camp_hist"_s;

QStringList diffText(const QList<DiffLine> &lines, DiffLine::Kind kind)
{
    QStringList out;
    for (const DiffLine &line : lines) {
        if (line.kind == kind)
            out << line.text;
    }
    return out;
}

} // namespace

class TestCampaignHistory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void historyIsNewestFirst();
    void diffShowsTheStatusChange();
    void diffOfACreateAddsEverything();
    void changedFieldsOfHandMadeJson();
    void dialogShowsStepsAndDiffs();
    void dialogShowsTheEmptyState();
    void pageButtonOpensTheDialog();

private:
    QTemporaryDir m_dir;
    QString m_path;
};

void TestCampaignHistory::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"history.promodesk"_s);
    auto created = Store::Workspace::create(m_path, Store::WorkspaceKind::Production);
    PD_VERIFY_OK(created);
    auto connection = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(connection);
    const Status configured = Store::Workspace::configureForWriting(*connection);
    PD_VERIFY_OK(configured);
    Store::CampaignStore store(*connection);

    Engine::Campaign c;
    c.id = CampaignId;
    c.name = u"Winter 20%"_s;
    c.type = Engine::CampaignType::DiscountCoupons;
    c.status = Engine::CampaignStatus::Active;
    c.discount = Engine::percentOff(20);
    c.standaloneCode = u"WINTER20"_s;
    auto saved = store.saveCampaign(c, u"alice"_s);
    PD_VERIFY_OK(saved);
    auto paused = store.setStatus(CampaignId, Engine::CampaignStatus::Paused, u"bob"_s);
    PD_VERIFY_OK(paused);
    auto active = store.setStatus(CampaignId, Engine::CampaignStatus::Active, u"carol"_s);
    PD_VERIFY_OK(active);
    // A second campaign, so that the page can select two.
    c.id = u"camp_other"_s;
    c.name = u"Other"_s;
    c.standaloneCode = u"OTHER"_s;
    auto other = store.saveCampaign(c, u"alice"_s);
    PD_VERIFY_OK(other);
}

void TestCampaignHistory::historyIsNewestFirst()
{
    auto connection = Tests::openConnection(m_path);
    QVERIFY(connection);
    auto history = Store::campaignHistory(*connection, CampaignId);
    PD_VERIFY_OK(history);
    const QList<Store::CampaignVersion> &v = history.value();
    QCOMPARE(v.size(), 3);
    QCOMPARE(v[0].actor, u"carol"_s);
    QCOMPARE(v[1].actor, u"bob"_s);
    QCOMPARE(v[2].actor, u"alice"_s);
    QCOMPARE(v[2].action, u"create"_s);
    QVERIFY(v[2].before.isEmpty());
    QCOMPARE(v[1].action, u"update"_s);
    QVERIFY(v[0].auditId > v[1].auditId && v[1].auditId > v[2].auditId);
    QVERIFY(v[0].at >= v[1].at && v[1].at >= v[2].at);
    // each update's before is the previous version's after
    QCOMPARE(v[1].before, v[2].after);
    QCOMPARE(v[0].before, v[1].after);

    auto other = Store::campaignHistory(*connection, u"camp_nothing"_s);
    PD_VERIFY_OK(other);
    QVERIFY(other.value().isEmpty());

    // The background version gives the same rows.
    auto future = Store::CampaignHistoryTasks::load(m_path, CampaignId);
    future.waitForFinished();
    PD_VERIFY_OK(future.result());
    QCOMPARE(future.result().value().size(), 3);
    QCOMPARE(future.result().value().first().auditId, v[0].auditId);
}

void TestCampaignHistory::diffShowsTheStatusChange()
{
    auto connection = Tests::openConnection(m_path);
    QVERIFY(connection);
    auto history = Store::campaignHistory(*connection, CampaignId);
    PD_VERIFY_OK(history);
    const Store::CampaignVersion pause = history.value()[1];
    const QList<DiffLine> diff = Engine::diffCampaignJson(pause.before, pause.after);
    const QStringList removed = diffText(diff, DiffLine::Kind::Removed);
    const QStringList added = diffText(diff, DiffLine::Kind::Added);
    QVERIFY2(removed.contains(u"  \"status\": \"active\","_s), qPrintable(removed.join(u'\n')));
    QVERIFY2(added.contains(u"  \"status\": \"paused\","_s), qPrintable(added.join(u'\n')));
    // The rest of the campaign is unchanged context.
    QVERIFY(diffText(diff, DiffLine::Kind::Same).contains(u"  \"name\": \"Winter 20%\","_s));
    // Removed and added lines are the same count (status and updated_at only).
    QCOMPARE(removed.size(), added.size());
    QCOMPARE(Engine::changedFields(pause.before, pause.after), QStringList{u"status"_s});

    // Paused → active again: the first and the last version differ by updated_at only.
    const QList<DiffLine> span = Engine::diffCampaignJson(history.value()[2].after, history.value()[0].after);
    for (const QString &line : diffText(span, DiffLine::Kind::Added) + diffText(span, DiffLine::Kind::Removed))
        QVERIFY2(line.contains(u"updated_at"_s), qPrintable(line));
    QVERIFY(Engine::changedFields(history.value()[2].after, history.value()[0].after).isEmpty());
}

void TestCampaignHistory::diffOfACreateAddsEverything()
{
    const QByteArray after = R"({"name":"X","campaign_type":"DISCOUNT_COUPONS"})";
    const QList<DiffLine> diff = Engine::diffCampaignJson({}, after);
    QVERIFY(!diff.isEmpty());
    QVERIFY(diffText(diff, DiffLine::Kind::Removed).isEmpty());
    QVERIFY(diffText(diff, DiffLine::Kind::Same).isEmpty());
    QVERIFY(Engine::diffCampaignJson(after, after).size() > 0);
    QVERIFY(diffText(Engine::diffCampaignJson(after, after), DiffLine::Kind::Added).isEmpty());
}

void TestCampaignHistory::changedFieldsOfHandMadeJson()
{
    // Not campaigns (unknown keys): the diff falls back to indented JSON.
    const QByteArray a = R"({"a":1,"discount":{"type":"PERCENT","percent_off":10},"limits":{"x":1},"updated_at":"1"})";
    const QByteArray b = R"({"a":1,"discount":{"type":"PERCENT","percent_off":15},"status":"paused","updated_at":"2"})";
    QCOMPARE(Engine::changedFields(a, b), (QStringList{u"discount"_s, u"limits"_s, u"status"_s}));
    const QList<DiffLine> diff = Engine::diffCampaignJson(a, b);
    QVERIFY(diffText(diff, DiffLine::Kind::Removed).contains(u"        \"percent_off\": 10,"_s));
    QVERIFY(diffText(diff, DiffLine::Kind::Added).contains(u"        \"percent_off\": 15,"_s));
    QVERIFY(diffText(diff, DiffLine::Kind::Same).contains(u"    \"a\": 1,"_s));
}

void TestCampaignHistory::dialogShowsStepsAndDiffs()
{
    Ui::CampaignHistoryDialog dialog(m_path, CampaignId);
    QCOMPARE(dialog.stateText(), u"Loading…"_s);
    dialog.show();
    QTRY_COMPARE_WITH_TIMEOUT(dialog.table()->rowCount(), 3, 10000);
    QTableWidget *table = dialog.table();
    QVERIFY(table->horizontalHeaderItem(0)->text().contains(u"(UTC)"_s));
    QCOMPARE(table->item(0, 1)->text(), u"carol"_s);
    QCOMPARE(table->item(1, 1)->text(), u"bob"_s);
    QCOMPARE(table->item(1, 3)->text(), u"status"_s);
    QCOMPARE(table->item(2, 3)->text(), u"created"_s);

    // The pause step: its before → after.
    table->selectRow(1);
    const QString pause = dialog.diffView()->toPlainText();
    QVERIFY2(pause.contains(u"\n-  \"status\": \"active\","_s), qPrintable(pause));
    QVERIFY2(pause.contains(u"\n+  \"status\": \"paused\","_s), qPrintable(pause));
    QVERIFY(pause.contains(u"\n   \"name\": \"Winter 20%\","_s));

    // The creation and the pause: the created version's after → the paused one's after.
    table->clearSelection();
    table->selectionModel()->select(table->model()->index(2, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    table->selectionModel()->select(table->model()->index(1, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const QString two = dialog.diffView()->toPlainText();
    QVERIFY2(two.contains(u"\n-  \"status\": \"active\","_s), qPrintable(two));
    QVERIFY2(two.contains(u"\n+  \"status\": \"paused\","_s), qPrintable(two));

    // Created → re-activated: the two ends have the same status, so no status line changes.
    table->clearSelection();
    table->selectionModel()->select(table->model()->index(2, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    table->selectionModel()->select(table->model()->index(0, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const QString span = dialog.diffView()->toPlainText();
    QVERIFY2(!span.contains(u"+  \"status\""_s) && !span.contains(u"-  \"status\""_s), qPrintable(span));
    QVERIFY(span.contains(u"   \"status\": \"active\","_s));

    // What a person sees: the pause step selected.
    table->selectRow(1);
    dialog.resize(820, 640);
    QApplication::processEvents();
    const QImage image = dialog.grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY(image.save(u"/tmp/history.png"_s));
}

void TestCampaignHistory::dialogShowsTheEmptyState()
{
    Ui::CampaignHistoryDialog dialog(m_path, u"camp_nothing"_s);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.hasLoaded(), 10000);
    QCOMPARE(dialog.stateText(), u"No changes recorded"_s);
    QCOMPARE(dialog.table()->rowCount(), 0);
}

void TestCampaignHistory::pageButtonOpensTheDialog()
{
    Ui::CampaignsPage page;
    auto info = Store::Workspace::inspect(m_path);
    PD_VERIFY_OK(info);
    page.setWorkspace(info.value());
    page.show();
    QVERIFY(QTest::qWaitFor([&page] { return page.model()->hasLoaded() && !page.model()->isLoading(); }, 20000));
    auto *history = page.findChild<QPushButton *>(u"campaignHistoryButton"_s);
    QVERIFY(history);
    QVERIFY(!history->isEnabled());
    page.selectCampaigns({CampaignId, u"camp_other"_s});
    QCOMPARE(page.selectedIds().size(), 2);
    QVERIFY(!history->isEnabled());
    page.selectCampaigns({CampaignId});
    QVERIFY(history->isEnabled());
    QTest::mouseClick(history, Qt::LeftButton);
    auto *dialog = page.findChild<Ui::CampaignHistoryDialog *>();
    QVERIFY(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->table()->rowCount(), 3, 10000);
    dialog->close();
}

QTEST_MAIN(TestCampaignHistory)
#include "tst_campaignhistory.moc"
