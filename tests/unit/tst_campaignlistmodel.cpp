// The campaign list: CampaignListModel (loaded off the UI thread), CampaignFilterModel,
// and the store functions behind the page (summaries, status changes, duplicate,
// all-or-nothing import), checked against SQL recounts.

#include "common/money.h"
#include "engine/campaignjson.h"
#include "engine/democampaigns.h"
#include "engine/engine.h"
#include "items/campaignfiltermodel.h"
#include "items/campaignlistmodel.h"
#include "store/campaignstore.h"
#include "store/campaignsummaries.h"
#include "store/connection.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Items::CampaignFilterModel;
using Items::CampaignListModel;

namespace {

const qint64 Now = QDateTime(QDate(2026, 10, 15), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();

Engine::Request request(const QString &redeemable, Engine::Redeemable::Object object, qint64 price)
{
    Engine::Request r;
    Engine::OrderItem item;
    item.sku = u"sku_00001_1"_s;
    item.product = u"prod_00001"_s;
    item.category = u"Dog Food"_s;
    item.quantity = 1;
    item.price = price;
    r.order.items << item;
    r.order.shipping = 495;
    r.order.channel = u"web"_s;
    r.redeemables << Engine::Redeemable{object, redeemable, std::nullopt};
    r.now = Now;
    return r;
}

// Saves the demo campaigns and redeems a few (successes, a failure, a rollback).
QString addCampaignsAndRedemptions(const QString &path)
{
    auto connection = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    if (!connection)
        return connection.error().toString();
    Store::CampaignStore store(*connection.value());
    for (Engine::Campaign c : Engine::demoCampaigns(QDate(2026, 11, 1))) {
        // Budgets to show: a discount budget (no redemptions) and a redemption budget.
        if (c.id == u"camp_summer"_s)
            c.limits.budgetDiscount = 500000;
        if (c.id == u"camp_spend_tiers"_s)
            c.limits.budgetRedemptions = 1000;
        if (auto saved = store.saveCampaign(c, u"test"_s); !saved)
            return saved.error().toString();
    }
    Engine::CampaignEngine engine(*connection.value());
    using Object = Engine::Redeemable::Object;
    QList<qint64> freeShipping;
    for (int i = 0; i < 3; ++i) {
        auto r = engine.redeem(request(u"FREESHIP"_s, Object::Voucher, 3000 + i));
        if (!r || !r.value().valid)
            return u"FREESHIP not redeemed"_s;
        freeShipping << r.value().applicable.first().redemptionId;
    }
    for (qint64 price : {12000, 15050}) {
        auto r = engine.redeem(request(u"promo_spend_100"_s, Object::PromotionTier, price));
        if (!r || !r.value().valid)
            return u"promo_spend_100 not redeemed"_s;
    }
    auto expired = engine.redeem(request(u"SPOOKY20"_s, Object::Voucher, 5000));
    if (!expired || expired.value().valid)
        return u"SPOOKY20 should have failed"_s;
    if (auto rolledBack = engine.rollback(freeShipping.first(), u"test"_s, Now + 1000); !rolledBack)
        return rolledBack.error().toString();
    return {};
}

bool waitLoaded(CampaignListModel &model)
{
    return QTest::qWaitFor([&] { return model.hasLoaded() && !model.isLoading(); }, 20000);
}

} // namespace

class TestCampaignListModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void loadsEveryCampaignWithItsCounts();
    void formatsTypeScheduleMoneyAndBudget();
    void followsChangesAndKeepsRows();
    void newestRequestWins();
    void filtersSearchesAndSorts();
    void setsStatusesAllOrNone();
    void duplicatesAsDraftUnderAFreeName();
    void importsAllOrNone();
    void exportsOneFilePerCampaign();

private:
    QTemporaryDir m_dir;
    QString m_path;
};

void TestCampaignListModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"list.promodesk"_s);
    auto demo = Tests::generateSmallDemo(m_path, 7);
    QVERIFY2(demo, qPrintable(demo ? QString() : demo.error().toString()));
    const QString error = addCampaignsAndRedemptions(m_path);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestCampaignListModel::loadsEveryCampaignWithItsCounts()
{
    CampaignListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWorkspace(m_path, u"EUR"_s);
    QVERIFY(waitLoaded(model));

    auto db = Tests::openConnection(m_path);
    QVERIFY(db);
    QCOMPARE(model.rowCount(), Tests::scalar(*db, u"SELECT count(*) FROM campaigns"_s).value().toInt());
    qint64 total = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString id = model.index(row, 0).data(CampaignListModel::CampaignIdRole).toString();
        const QVariantList bind{id};
        const qint64 count = Tests::scalar(*db,
                                           u"SELECT count(*) FROM redemptions WHERE campaign_id = ? "
                                           "AND object = 'redemption' AND result = 'SUCCESS'"_s,
                                           bind)
                                 .value()
                                 .toLongLong();
        const qint64 discount = Tests::scalar(*db,
                                              u"SELECT ifnull(sum(discount_amount), 0) FROM redemptions WHERE "
                                              "campaign_id = ? AND object = 'redemption' AND result = 'SUCCESS'"_s,
                                              bind)
                                    .value()
                                    .toLongLong();
        QCOMPARE(model.index(row, CampaignListModel::Redemptions).data(CampaignListModel::SortRole).toLongLong(), count);
        QCOMPARE(model.index(row, CampaignListModel::Redemptions).data().toString(), QLocale::system().toString(count));
        QCOMPARE(model.summaryAt(row)->discount, discount);
        total += count;
    }
    // 3 free-shipping redemptions, one rolled back; 2 tier redemptions; the failure counts nowhere.
    QCOMPARE(total, 4);
    const int freeShipping = model.rowOf(u"camp_free_shipping"_s);
    QVERIFY(freeShipping >= 0);
    QCOMPARE(model.summaryAt(freeShipping)->redemptions, 2);
    QCOMPARE(model.summaryAt(freeShipping)->discount, 990);
    QCOMPARE(model.summaryAt(model.rowOf(u"camp_halloween"_s))->redemptions, 0);
}

void TestCampaignListModel::formatsTypeScheduleMoneyAndBudget()
{
    CampaignListModel model;
    model.setWorkspace(m_path, u"EUR"_s);
    QVERIFY(waitLoaded(model));
    auto cell = [&model](const QString &id, int column) {
        return model.index(model.rowOf(id), column).data().toString();
    };
    QCOMPARE(cell(u"camp_spend_tiers"_s, CampaignListModel::Type), u"Promotion"_s);
    QCOMPARE(cell(u"camp_free_shipping"_s, CampaignListModel::Type), u"Coupons"_s);
    QCOMPARE(cell(u"camp_gift_cards"_s, CampaignListModel::Type), u"Gift cards"_s);
    QCOMPARE(cell(u"camp_referral"_s, CampaignListModel::Type), u"Referral"_s);
    QCOMPARE(cell(u"camp_black_friday"_s, CampaignListModel::Status), u"Paused"_s);
    QCOMPARE(cell(u"camp_free_shipping"_s, CampaignListModel::Discount), formatMoney(990, u"EUR"_s));
    QCOMPARE(cell(u"camp_free_shipping"_s, CampaignListModel::Budget), u"—"_s);
    // Halloween: 24 Oct – 1 Nov of the year before, midnight in Dublin.
    QCOMPARE(cell(u"camp_halloween"_s, CampaignListModel::Schedule), u"2025-10-24 – 2025-11-01 (Europe/Dublin)"_s);
    QCOMPARE(cell(u"camp_flash"_s, CampaignListModel::Schedule), u"from 2025-11-01, 12:00–14:00 (Europe/Dublin)"_s);

    QCOMPARE(cell(u"camp_summer"_s, CampaignListModel::Budget), u"€0.00 of €5,000.00"_s);
    QCOMPARE(cell(u"camp_spend_tiers"_s, CampaignListModel::Budget),
             u"2 of %1 redemptions"_s.arg(QLocale::system().toString(1000)));
}

void TestCampaignListModel::followsChangesAndKeepsRows()
{
    CampaignListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWorkspace(m_path, u"EUR"_s);
    QVERIFY(waitLoaded(model));
    const int row = model.rowOf(u"camp_black_friday"_s);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy loaded(&model, &CampaignListModel::loaded);

    auto change = Store::CampaignTasks::setStatuses(m_path, {u"camp_black_friday"_s}, Engine::CampaignStatus::Active,
                                                    u"test"_s);
    change.waitForFinished();
    QVERIFY2(change.result(), qPrintable(change.result() ? QString() : change.result().error().toString()));
    model.reload();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 20000);
    // The same campaigns: updated in place, so views keep selection and sort.
    QCOMPARE(resets.size(), 0);
    QVERIFY(changes.size() >= 1);
    QCOMPARE(model.rowOf(u"camp_black_friday"_s), row);
    QCOMPARE(model.index(row, CampaignListModel::Status).data().toString(), u"Active"_s);

    auto back = Store::CampaignTasks::setStatuses(m_path, {u"camp_black_friday"_s}, Engine::CampaignStatus::Paused,
                                                  u"test"_s);
    back.waitForFinished();
    QVERIFY(back.result());
}

void TestCampaignListModel::newestRequestWins()
{
    CampaignListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &CampaignListModel::loaded);
    model.setWorkspace(m_path, u"EUR"_s);
    model.reload();
    model.reload();
    model.reload();
    QVERIFY(waitLoaded(model));
    QTest::qWait(50);
    // Three reloads while one ran: one more load, not three, and one answer applied.
    QCOMPARE(loaded.size(), 1);
    QVERIFY(model.rowCount() > 0);

    // Closing the workspace while a load runs: its answer is dropped.
    model.reload();
    model.setWorkspace(QString(), QString());
    QVERIFY(QTest::qWaitFor([&] { return !model.isLoading(); }, 20000));
    QTest::qWait(50);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.hasLoaded());
}

void TestCampaignListModel::filtersSearchesAndSorts()
{
    CampaignListModel model;
    CampaignFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWorkspace(m_path, u"EUR"_s);
    QVERIFY(waitLoaded(model));
    const int all = model.rowCount();
    QCOMPARE(filter.rowCount(), all);

    auto ids = [&filter] {
        QStringList out;
        for (int row = 0; row < filter.rowCount(); ++row)
            out << filter.index(row, 0).data(CampaignListModel::CampaignIdRole).toString();
        return out;
    };
    filter.setStatusFilter(Engine::CampaignStatus::Paused);
    QCOMPARE(ids(), QStringList{u"camp_black_friday"_s});
    filter.setStatusFilter(std::nullopt);
    filter.setTypeFilter(Engine::CampaignType::GiftVouchers);
    QCOMPARE(ids(), QStringList{u"camp_gift_cards"_s});
    filter.setTypeFilter(Engine::CampaignType::Promotion);
    filter.setSearch(u"  SPEND more "_s);
    QCOMPARE(ids(), QStringList{u"camp_spend_tiers"_s});
    filter.setTypeFilter(Engine::CampaignType::DiscountCoupons);
    QCOMPARE(filter.rowCount(), 0);
    filter.setTypeFilter(std::nullopt);
    filter.setSearch(QString());
    QCOMPARE(filter.rowCount(), all);

    // By redemptions, most first: free shipping (2) and the tiers (2) tie, broken by name.
    filter.sort(CampaignListModel::Redemptions, Qt::DescendingOrder);
    QCOMPARE(ids().mid(0, 2), (QStringList{u"camp_spend_tiers"_s, u"camp_free_shipping"_s}));
    filter.sort(CampaignListModel::Name, Qt::AscendingOrder);
    QStringList names;
    for (int row = 0; row < filter.rowCount(); ++row)
        names << filter.index(row, 0).data().toString();
    QStringList sorted = names;
    std::sort(sorted.begin(), sorted.end(), [](const QString &a, const QString &b) {
        return QString::compare(a, b, Qt::CaseInsensitive) < 0;
    });
    QCOMPARE(names, sorted);
}

void TestCampaignListModel::setsStatusesAllOrNone()
{
    // One of two cannot be activated (archived can go nowhere): neither changes.
    auto db = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    Engine::Campaign draft = Engine::demoCampaigns(QDate(2026, 11, 1)).first();
    draft.id = u"camp_status_draft"_s;
    draft.name = u"Status draft"_s;
    draft.standaloneCode.clear();
    draft.status = Engine::CampaignStatus::Draft;
    Engine::Campaign archived = draft;
    archived.id = u"camp_status_archived"_s;
    archived.name = u"Status archived"_s;
    archived.status = Engine::CampaignStatus::Archived;
    Store::CampaignStore store(*db);
    QVERIFY(store.saveCampaign(draft, u"test"_s));
    QVERIFY(store.saveCampaign(archived, u"test"_s));

    auto refused = Store::setCampaignStatuses(*db, {draft.id, archived.id}, Engine::CampaignStatus::Active, u"test"_s);
    QVERIFY(!refused);
    QVERIFY2(refused.error().toString().contains(u"Status archived"_s), qPrintable(refused.error().toString()));
    QCOMPARE(Tests::scalar(*db, u"SELECT status FROM campaigns WHERE id = ?"_s, {draft.id}).value().toString(), u"draft"_s);

    auto ok = Store::setCampaignStatuses(*db, {draft.id}, Engine::CampaignStatus::Active, u"test"_s);
    QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().toString()));
    QCOMPARE(Tests::scalar(*db, u"SELECT status FROM campaigns WHERE id = ?"_s, {draft.id}).value().toString(), u"active"_s);
}

void TestCampaignListModel::duplicatesAsDraftUnderAFreeName()
{
    auto db = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    auto first = Store::duplicateCampaign(*db, u"camp_spend_tiers"_s, u"test"_s);
    QVERIFY2(first, qPrintable(first ? QString() : first.error().toString()));
    QCOMPARE(first.value().name, u"Spend more, save more (copy)"_s);
    QCOMPARE(first.value().status, Engine::CampaignStatus::Draft);
    QVERIFY(first.value().id != u"camp_spend_tiers"_s);
    QCOMPARE(first.value().tiers.size(), 2);
    QVERIFY(!first.value().tiers.first().id.startsWith(u"promo_spend"_s));
    auto second = Store::duplicateCampaign(*db, u"camp_spend_tiers"_s, u"test"_s);
    QVERIFY(second);
    QCOMPARE(second.value().name, u"Spend more, save more (copy 2)"_s);
    // A coupon's shared code stays with the original.
    auto coupon = Store::duplicateCampaign(*db, u"camp_free_shipping"_s, u"test"_s);
    QVERIFY(coupon);
    QVERIFY(coupon.value().standaloneCode.isEmpty());
}

void TestCampaignListModel::importsAllOrNone()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(u"good.json"_s);
    const QString bad = dir.filePath(u"bad.json"_s);
    Engine::Campaign campaign = Engine::demoCampaigns(QDate(2026, 11, 1)).at(1); // the tiers
    campaign.id = u"camp_imported"_s;
    campaign.name = u"Imported tiers"_s;
    for (Engine::Tier &t : campaign.tiers)
        t.id = u"imported_"_s + t.id;
    QFile goodFile(good);
    QVERIFY(goodFile.open(QIODevice::WriteOnly));
    goodFile.write(Engine::campaignToJsonText(campaign));
    goodFile.close();
    QByteArray text = Engine::campaignToJsonText(campaign);
    text.replace("\"percent_off\": 10", "\"percent_off\": 120");
    text.replace("camp_imported", "camp_imported_bad");
    text.replace("Imported tiers", "Imported bad");
    QFile badFile(bad);
    QVERIFY(badFile.open(QIODevice::WriteOnly));
    badFile.write(text);
    badFile.close();

    auto refused = Store::CampaignTasks::importFiles(m_path, {good, bad}, u"test"_s);
    refused.waitForFinished();
    QVERIFY(!refused.result());
    const QString message = refused.result().error().toString();
    QVERIFY2(message.contains(u"bad.json"_s) && message.contains(u"tiers[1].discount.percent_off"_s), qPrintable(message));
    auto db = Tests::openConnection(m_path);
    QCOMPARE(Tests::scalar(*db, u"SELECT count(*) FROM campaigns WHERE id = 'camp_imported'"_s).value().toInt(), 0);

    // A store refusal in the second file (a name already taken) rolls back the first.
    Engine::Campaign clash = campaign;
    clash.id = u"camp_imported_clash"_s;
    clash.name = u"Spend more, save more"_s;
    for (Engine::Tier &t : clash.tiers)
        t.id = u"clash_"_s + t.id;
    QFile clashFile(bad);
    QVERIFY(clashFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
    clashFile.write(Engine::campaignToJsonText(clash));
    clashFile.close();
    auto clashed = Store::CampaignTasks::importFiles(m_path, {good, bad}, u"test"_s);
    clashed.waitForFinished();
    QVERIFY(!clashed.result());
    QVERIFY2(clashed.result().error().toString().contains(u"bad.json"_s), qPrintable(clashed.result().error().toString()));
    QCOMPARE(Tests::scalar(*db, u"SELECT count(*) FROM campaigns WHERE id = 'camp_imported'"_s).value().toInt(), 0);

    auto imported = Store::CampaignTasks::importFiles(m_path, {good}, u"test"_s);
    imported.waitForFinished();
    QVERIFY2(imported.result(), qPrintable(imported.result() ? QString() : imported.result().error().toString()));
    QCOMPARE(Tests::scalar(*db, u"SELECT count(*) FROM campaigns WHERE id = 'camp_imported'"_s).value().toInt(), 1);
}

void TestCampaignListModel::exportsOneFilePerCampaign()
{
    QTemporaryDir dir;
    auto exported = Store::CampaignTasks::exportFiles(m_path, {u"camp_spend_tiers"_s, u"camp_gift_cards"_s}, dir.path());
    exported.waitForFinished();
    QVERIFY2(exported.result(), qPrintable(exported.result() ? QString() : exported.result().error().toString()));
    QCOMPARE(Tests::entriesIn(dir.path()), (QStringList{u"camp_gift_cards.json"_s, u"camp_spend_tiers.json"_s}));
    QFile file(dir.filePath(u"camp_spend_tiers.json"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    auto campaign = Engine::campaignFromJsonText(file.readAll());
    QVERIFY(campaign);
    QCOMPARE(campaign.value().name, u"Spend more, save more"_s);
}

QTEST_GUILESS_MAIN(TestCampaignListModel)
#include "tst_campaignlistmodel.moc"
