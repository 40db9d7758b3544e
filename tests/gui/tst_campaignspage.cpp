// The Campaigns page through its widgets: filters, search, pause / activate with the
// stored status checked in the workspace, an activation refused with its message,
// Del to archive (confirmed), export / import, and the empty state.

#include "engine/campaignjson.h"
#include "engine/democampaigns.h"
#include "engine/engine.h"
#include "items/campaignfiltermodel.h"
#include "items/campaignlistmodel.h"
#include "pages/campaignspage.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QTimer>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Items::CampaignListModel;

namespace {

QString addCampaigns(const QString &path)
{
    auto connection = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    if (!connection)
        return connection.error().toString();
    Store::CampaignStore store(*connection.value());
    for (const Engine::Campaign &c : Engine::demoCampaigns(QDate(2026, 11, 1))) {
        if (auto saved = store.saveCampaign(c, u"test"_s); !saved)
            return saved.error().toString();
    }
    // A draft promotion without tiers: it cannot be activated.
    Engine::Campaign empty;
    empty.id = u"camp_empty_promo"_s;
    empty.name = u"Empty promo draft"_s;
    empty.type = Engine::CampaignType::Promotion;
    empty.status = Engine::CampaignStatus::Draft;
    if (auto saved = store.saveCampaign(empty, u"test"_s); !saved)
        return saved.error().toString();
    // One redemption, so the list shows a count.
    Engine::CampaignEngine engine(*connection.value());
    Engine::Request request;
    Engine::OrderItem item;
    item.sku = u"sku_00001_1"_s;
    item.product = u"prod_00001"_s;
    item.quantity = 1;
    item.price = 12000;
    request.order.items << item;
    request.redeemables << Engine::Redeemable{Engine::Redeemable::Object::PromotionTier, u"promo_spend_100"_s, std::nullopt};
    request.now = QDateTime(QDate(2026, 10, 15), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
    auto redeemed = engine.redeem(request);
    if (!redeemed || !redeemed.value().valid)
        return u"the tier was not redeemed"_s;
    return {};
}

} // namespace

class TestCampaignsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void filtersSearchesPausesAndReactivates();
    void activationOfAnInvalidDraftShowsTheError();
    void ctrlFFocusesSearchAndDelArchives();
    void exportsAndImportsJson();
    void duplicateMakesADraft();
    void showsTheEmptyState();

private:
    QString storedStatus(const QString &id);
    bool open(Ui::CampaignsPage &page, const QString &path);
    void selectOnly(Ui::CampaignsPage &page, const QString &search);
    QPushButton *button(Ui::CampaignsPage &page, const char *name);

    QTemporaryDir m_dir;
    QString m_path;
};

void TestCampaignsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"page.promodesk"_s);
    auto demo = Tests::generateSmallDemo(m_path, 11);
    QVERIFY2(demo, qPrintable(demo ? QString() : demo.error().toString()));
    const QString error = addCampaigns(m_path);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QString TestCampaignsPage::storedStatus(const QString &id)
{
    auto db = Tests::openConnection(m_path);
    auto status = Tests::scalar(*db, u"SELECT status FROM campaigns WHERE id = ?"_s, {id});
    return status ? status.value().toString() : status.error().toString();
}

bool TestCampaignsPage::open(Ui::CampaignsPage &page, const QString &path)
{
    auto info = Store::Workspace::inspect(path);
    if (!info)
        return false;
    page.setWorkspace(info.value());
    return QTest::qWaitFor([&page] { return page.model()->hasLoaded() && !page.model()->isLoading(); }, 20000);
}

QPushButton *TestCampaignsPage::button(Ui::CampaignsPage &page, const char *name)
{
    return page.findChild<QPushButton *>(QString::fromLatin1(name));
}

// Types a search and clicks the only row left.
void TestCampaignsPage::selectOnly(Ui::CampaignsPage &page, const QString &search)
{
    page.searchBox()->clear();
    QTest::keyClicks(page.searchBox(), search);
    QCOMPARE(page.table()->model()->rowCount(), 1);
    const QRect cell = page.table()->visualRect(page.table()->model()->index(0, CampaignListModel::Name));
    QTest::mouseClick(page.table()->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(page.selectedIds().size(), 1);
}

void TestCampaignsPage::filtersSearchesPausesAndReactivates()
{
    Ui::CampaignsPage page;
    page.resize(1200, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(open(page, m_path));
    QAbstractItemModelTester tester(page.table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int all = page.model()->rowCount();
    QVERIFY(all >= 19);
    QCOMPARE(page.table()->model()->rowCount(), all);
    QVERIFY(button(page, "newCampaign")->isEnabled()); // the editor (tst_campaigneditor)
    QVERIFY(!button(page, "editCampaign")->isEnabled()); // nothing selected yet

    // Status: All → Draft → Active → Paused, by keyboard on the combo.
    page.statusFilter()->setFocus();
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(page.statusFilter(), Qt::Key_Down);
    QCOMPARE(page.statusFilter()->currentText(), u"Paused"_s);
    QCOMPARE(page.table()->model()->rowCount(), 1);
    QCOMPARE(page.table()->model()->index(0, 0).data(CampaignListModel::CampaignIdRole).toString(), u"camp_black_friday"_s);
    QTest::keyClick(page.statusFilter(), Qt::Key_Home);
    QCOMPARE(page.table()->model()->rowCount(), all);

    // Type: Promotion.
    QTest::keyClick(page.typeFilter(), Qt::Key_Down);
    QTest::keyClick(page.typeFilter(), Qt::Key_Down);
    QCOMPARE(page.typeFilter()->currentText(), u"Promotion"_s);
    const int promotions = page.table()->model()->rowCount();
    QVERIFY(promotions > 1 && promotions < all);
    for (int row = 0; row < promotions; ++row)
        QCOMPARE(page.table()->model()->index(row, CampaignListModel::Type).data().toString(), u"Promotion"_s);

    // Search within promotions, then select and pause it.
    selectOnly(page, u"SPEND MORE"_s);
    QCOMPARE(page.selectedIds(), QStringList{u"camp_spend_tiers"_s});
    QCOMPARE(page.table()->model()->index(0, CampaignListModel::Redemptions).data().toString(), u"1"_s);
    QVERIFY(button(page, "pauseCampaign")->isEnabled());
    QVERIFY(!button(page, "activateCampaign")->isEnabled());
    QVERIFY(!button(page, "archiveCampaign")->isEnabled()); // active campaigns are paused first
    QVERIFY(button(page, "duplicateCampaign")->isEnabled());

    QTest::mouseClick(button(page, "pauseCampaign"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(storedStatus(u"camp_spend_tiers"_s), u"paused"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(page.table()->model()->index(0, CampaignListModel::Status).data().toString(), u"Paused"_s,
                              10000);
    QVERIFY2(page.messageText().contains(u"paused"_s), qPrintable(page.messageText()));
    // The selection survives the reload, and the buttons follow the new status.
    QCOMPARE(page.selectedIds(), QStringList{u"camp_spend_tiers"_s});
    QTRY_VERIFY(button(page, "activateCampaign")->isEnabled());
    QVERIFY(!button(page, "pauseCampaign")->isEnabled());
    QVERIFY(button(page, "archiveCampaign")->isEnabled());

    QTest::mouseClick(button(page, "activateCampaign"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(storedStatus(u"camp_spend_tiers"_s), u"active"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(page.table()->model()->index(0, CampaignListModel::Status).data().toString(), u"Active"_s,
                              10000);

    // Both changes are in the audit log.
    auto db = Tests::openConnection(m_path);
    QCOMPARE(Tests::scalar(*db, u"SELECT count(*) FROM audit_log WHERE entity_id = 'camp_spend_tiers' AND actor = 'promodesk'"_s)
                 .value()
                 .toInt(),
             2);
}

void TestCampaignsPage::activationOfAnInvalidDraftShowsTheError()
{
    Ui::CampaignsPage page;
    page.resize(1200, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(open(page, m_path));
    selectOnly(page, u"empty promo"_s);
    QVERIFY(button(page, "activateCampaign")->isEnabled());
    QSignalSpy finished(&page, &Ui::CampaignsPage::actionFinished);
    QTest::mouseClick(button(page, "activateCampaign"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QCOMPARE(finished.first().first().toBool(), false);
    const QString message = page.messageText();
    QVERIFY2(message.contains(u"cannot activate"_s) && message.contains(u"Empty promo draft"_s)
                 && message.contains(u"tiers"_s),
             qPrintable(message));
    QCOMPARE(storedStatus(u"camp_empty_promo"_s), u"draft"_s);
}

void TestCampaignsPage::ctrlFFocusesSearchAndDelArchives()
{
    Ui::CampaignsPage page;
    page.resize(1200, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&page));
    QVERIFY(open(page, m_path));
    page.table()->setFocus();
    QVERIFY(page.table()->hasFocus());
    QTest::keyClick(&page, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(page.searchBox()->hasFocus());

    selectOnly(page, u"empty promo"_s);
    page.table()->setFocus();
    QVERIFY(page.table()->hasFocus());
    // Cancel first: nothing happens.
    bool asked = false;
    QTimer::singleShot(0, this, [&asked] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            asked = box->text().contains(u"Empty promo draft"_s);
            box->button(QMessageBox::Cancel)->click();
        }
    });
    QTest::keyClick(page.table(), Qt::Key_Delete);
    QTest::qWait(100);
    QVERIFY(asked);
    QCOMPARE(storedStatus(u"camp_empty_promo"_s), u"draft"_s);
    page.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&page));
    page.table()->setFocus();
    QTRY_VERIFY(page.table()->hasFocus());
    QTimer::singleShot(0, this, [] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
            box->button(QMessageBox::Yes)->click();
    });
    QTest::keyClick(page.table(), Qt::Key_Delete);
    QTRY_COMPARE_WITH_TIMEOUT(storedStatus(u"camp_empty_promo"_s), u"archived"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(page.table()->model()->index(0, CampaignListModel::Status).data().toString(),
                              u"Archived"_s, 10000);
    QVERIFY(!button(page, "archiveCampaign")->isEnabled());
}

void TestCampaignsPage::exportsAndImportsJson()
{
    Ui::CampaignsPage page;
    page.show();
    QVERIFY(open(page, m_path));
    selectOnly(page, u"gift cards"_s);
    QTemporaryDir out;
    QSignalSpy finished(&page, &Ui::CampaignsPage::actionFinished);
    page.exportSelected(out.path());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY2(finished.first().first().toBool(), qPrintable(page.messageText()));
    QCOMPARE(Tests::entriesIn(out.path()), QStringList{u"camp_gift_cards.json"_s});

    // Re-import it as a new campaign; a broken file names itself and the field.
    QFile exported(out.filePath(u"camp_gift_cards.json"_s));
    QVERIFY(exported.open(QIODevice::ReadOnly));
    QByteArray text = exported.readAll();
    text.replace("camp_gift_cards", "camp_gift_cards_2").replace("Gift cards 50.00", "Gift cards 25.00");
    QFile copy(out.filePath(u"copy.json"_s));
    QVERIFY(copy.open(QIODevice::WriteOnly));
    copy.write(text);
    copy.close();
    QFile broken(out.filePath(u"broken.json"_s));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(QByteArray(text).replace("\"name\"", "\"nmae\"").replace("camp_gift_cards_2", "camp_gift_cards_3"));
    broken.close();

    page.importFiles({copy.fileName(), broken.fileName()});
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
    QVERIFY(!finished.last().first().toBool());
    QVERIFY2(page.messageText().contains(u"broken.json"_s) && page.messageText().contains(u"nmae"_s),
             qPrintable(page.messageText()));
    auto db = Tests::openConnection(m_path);
    QCOMPARE(Tests::scalar(*db, u"SELECT count(*) FROM campaigns WHERE id LIKE 'camp_gift_cards_%'"_s).value().toInt(), 0);

    page.importFiles({copy.fileName()});
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 10000);
    QVERIFY2(finished.last().first().toBool(), qPrintable(page.messageText()));
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowOf(u"camp_gift_cards_2"_s) >= 0, 10000);
    // The imported campaign is selected (the search is cleared of nothing: it matches "gift cards").
    QTRY_COMPARE(page.selectedIds(), QStringList{u"camp_gift_cards_2"_s});
}

void TestCampaignsPage::duplicateMakesADraft()
{
    Ui::CampaignsPage page;
    page.show();
    QVERIFY(open(page, m_path));
    QTest::keyClicks(page.searchBox(), u"free shipping"_s);
    QAbstractItemModel *shown = page.table()->model();
    int row = 0;
    while (row < shown->rowCount() && shown->index(row, 0).data(CampaignListModel::CampaignIdRole) != u"camp_free_shipping"_s)
        ++row;
    QVERIFY(row < shown->rowCount());
    const int before = shown->rowCount();
    QTest::mouseClick(page.table()->viewport(), Qt::LeftButton, {}, page.table()->visualRect(shown->index(row, 0)).center());
    QCOMPARE(page.selectedIds(), QStringList{u"camp_free_shipping"_s});
    QTest::mouseClick(button(page, "duplicateCampaign"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shown->rowCount(), before + 1, 10000);
    // The copy is selected, ready for the editor.
    QTRY_COMPARE(page.selectedIds().size(), 1);
    QVERIFY(page.selectedIds().first() != u"camp_free_shipping"_s);
    auto db = Tests::openConnection(m_path);
    QCOMPARE(Tests::scalar(*db, u"SELECT status FROM campaigns WHERE name = 'Free shipping (copy)'"_s).value().toString(),
             u"draft"_s);
}

void TestCampaignsPage::showsTheEmptyState()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"empty.promodesk"_s);
    QVERIFY(Store::Workspace::create(path, Store::WorkspaceKind::Production));
    Ui::CampaignsPage page;
    page.show();
    QVERIFY(open(page, path));
    auto *empty = page.findChild<QWidget *>(u"noCampaigns"_s);
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY(!page.table()->isVisible());
    QVERIFY(page.findChild<QPushButton *>(u"importCampaignsEmpty"_s)->isVisible());
}

QTEST_MAIN(TestCampaignsPage)
#include "tst_campaignspage.moc"
