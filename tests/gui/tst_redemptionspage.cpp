// The Redemptions page through its widgets (issue 7): the lazily loaded model under
// QAbstractItemModelTester, counts, totals and orders against SQL written by hand,
// every filter of the bar, an unknown customer refused in words, an export of exactly
// what the table shows, a rollback from the page, and redemptions written by someone
// else announced and shown.

#include "dialogs/exportdialog.h"
#include "items/redemptiontablemodel.h"
#include "pages/redemptionspage.h"
#include "pages/campaignspage.h"
#include "pages/customerspage.h"
#include "pages/segmentspage.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/segmentstore.h"
#include "items/customertablemodel.h"
#include "common/csv.h"
#include "engine/democampaigns.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Items::RedemptionTableModel;

namespace {

constexpr int Timeout = 20000;

bool settled(const RedemptionTableModel &model)
{
    return !model.isLoading();
}

// Reads every row of the model in order (asking for each page and waiting for it).
QStringList modelIds(RedemptionTableModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row, RedemptionTableModel::Id);
        if (!index.data(RedemptionTableModel::LoadedRole).toBool()) {
            index.data(); // asks for the page
            if (!QTest::qWaitFor([&] { return index.data(RedemptionTableModel::LoadedRole).toBool(); }, Timeout))
                return {};
        }
        ids << index.data(RedemptionTableModel::RedemptionIdRole).toString();
    }
    return ids;
}

} // namespace

class TestRedemptionsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void modelMatchesSql();
    void sortsMatchSql();
    void filtersFromTheBar();
    void unknownCustomerIsRefused();
    void exportsWhatTheTableShows();
    void rollBackFromThePage();
    void newerRedemptionsAreAnnounced();
    void otherListsExportFromTheirPages();
    void cancelledExportLeavesNoFile();

private:
    bool open(Ui::RedemptionsPage &page);
    // Chooses a result in the filter bar and waits for the list to follow.
    bool showOnly(Ui::RedemptionsPage &page, const QString &result);
    QStringList sqlIds(const QString &where, const QString &order, const QVariantList &values = {});
    qint64 sqlCount(const QString &where, const QVariantList &values = {});

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store::Connection> m_db;
};

void TestRedemptionsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Settings of this test only (the export dialog remembers its columns).
    QCoreApplication::setOrganizationName(u"PromoDeskTests"_s);
    QCoreApplication::setApplicationName(u"tst_redemptionspage"_s);
    QSettings().clear();
    m_path = m_dir.filePath(u"redemptions.promodesk"_s);
    PD_VERIFY_OK(Tests::generateSmallCampaignDemo(m_path, 7));
    m_db = Tests::openConnection(m_path);
    QVERIFY(m_db);
    QVERIFY(sqlCount(u"1"_s) > 1000); // several pages
}

QStringList TestRedemptionsPage::sqlIds(const QString &where, const QString &order, const QVariantList &values)
{
    auto rows = Tests::select(*m_db,
                              u"SELECT r.id FROM redemptions r LEFT JOIN campaigns c ON c.id = r.campaign_id "
                              "LEFT JOIN customers cu ON cu.id = r.customer_id LEFT JOIN codes k ON k.id = r.code_id WHERE "_s
                                  + where + u" ORDER BY "_s + order,
                              values);
    QStringList ids;
    if (rows) {
        for (const QVariantList &row : rows.value())
            ids << u"red_"_s + row.value(0).toString();
    }
    return ids;
}

qint64 TestRedemptionsPage::sqlCount(const QString &where, const QVariantList &values)
{
    auto count = Tests::scalar(*m_db, u"SELECT count(*) FROM redemptions r WHERE "_s + where, values);
    return count ? count.value().toLongLong() : -1;
}

bool TestRedemptionsPage::open(Ui::RedemptionsPage &page)
{
    auto info = Store::Workspace::inspect(m_path);
    if (!info)
        return false;
    page.setWorkspace(info.value());
    return QTest::qWaitFor([&] { return settled(*page.model()) && page.model()->rowCount() > 0; }, Timeout);
}

bool TestRedemptionsPage::showOnly(Ui::RedemptionsPage &page, const QString &result)
{
    page.resultBox()->setCurrentIndex(page.resultBox()->findText(result));
    page.applyFilter();
    const auto wanted = Store::RedemptionOutcome(page.resultBox()->currentData().toInt());
    return QTest::qWaitFor([&] { return settled(*page.model()) && page.model()->filter().outcome == wanted; }, Timeout);
}

void TestRedemptionsPage::modelMatchesSql()
{
    Ui::RedemptionsPage page;
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(open(page));
    RedemptionTableModel &model = *page.model();
    QCOMPARE(model.total(), sqlCount(u"1"_s));
    const Store::RedemptionTotals t = model.totals();
    QCOMPARE(t.succeeded, sqlCount(u"result = 'SUCCESS' AND object = 'redemption'"_s));
    QCOMPARE(t.failed, sqlCount(u"result = 'FAILURE'"_s));
    QCOMPARE(t.rolledBack, sqlCount(u"result = 'ROLLED_BACK'"_s));
    QCOMPARE(t.rollbacks, sqlCount(u"object = 'redemption_rollback'"_s));
    auto discount = Tests::scalar(*m_db, u"SELECT sum(discount_amount) FROM redemptions WHERE result = 'SUCCESS' AND object = 'redemption'"_s);
    QVERIFY(discount);
    QCOMPARE(t.discountGiven, discount.value().toLongLong());
    auto orders = Tests::scalar(*m_db, u"SELECT sum(order_amount) FROM redemptions WHERE object = 'redemption'"_s);
    QVERIFY(orders);
    QCOMPARE(t.orderAmount, orders.value().toLongLong());
    QVERIFY(page.totalsLabel()->text().contains(QLocale().toString(t.rows)));

    // Newest first, every row, as SQL orders them; cells as the database holds them.
    QCOMPARE(modelIds(model), sqlIds(u"1"_s, u"r.created_at DESC, r.id DESC"_s));
    auto first = Tests::select(*m_db, u"SELECT r.order_source_id, c.name, r.failure_code FROM redemptions r "
                                      "LEFT JOIN campaigns c ON c.id = r.campaign_id ORDER BY r.created_at DESC, r.id DESC LIMIT 1"_s);
    QVERIFY(first);
    QCOMPARE(model.index(0, RedemptionTableModel::Order).data().toString(), first.value()[0][0].toString());
    QCOMPARE(model.index(0, RedemptionTableModel::Campaign).data().toString(), first.value()[0][1].toString());
    QCOMPARE(model.index(0, RedemptionTableModel::FailureCode).data().toString(), first.value()[0][2].toString());
}

void TestRedemptionsPage::sortsMatchSql()
{
    Ui::RedemptionsPage page;
    QVERIFY(open(page));
    RedemptionTableModel &model = *page.model();
    const struct
    {
        int column;
        Qt::SortOrder order;
        QString sql;
    } cases[] = {
        {RedemptionTableModel::Discount, Qt::DescendingOrder, u"r.discount_amount DESC, r.id DESC"_s},
        {RedemptionTableModel::Campaign, Qt::AscendingOrder, u"c.name, r.id"_s},
        {RedemptionTableModel::Customer, Qt::AscendingOrder, u"cu.name, r.id"_s},
        {RedemptionTableModel::OrderAmount, Qt::AscendingOrder, u"r.order_amount, r.id"_s},
        {RedemptionTableModel::Code, Qt::DescendingOrder, u"coalesce(k.code, r.tier_id) DESC, r.id DESC"_s},
        {RedemptionTableModel::Date, Qt::AscendingOrder, u"r.created_at, r.id"_s},
    };
    for (const auto &c : cases) {
        // Through the header, as a person sorts.
        page.table()->horizontalHeader()->setSortIndicator(c.column, c.order);
        QVERIFY(QTest::qWaitFor([&] { return settled(model); }, Timeout));
        const QStringList expected = sqlIds(u"1"_s, c.sql);
        const QStringList got = modelIds(model);
        QCOMPARE(got.size(), expected.size());
        QVERIFY2(got == expected, qPrintable(u"column %1"_s.arg(c.column)));
    }
    // The message column has no order: clicking it changes nothing.
    const QStringList before = modelIds(model);
    model.sort(RedemptionTableModel::Message, Qt::AscendingOrder);
    QCOMPARE(modelIds(model), before);
}

void TestRedemptionsPage::filtersFromTheBar()
{
    Ui::RedemptionsPage page;
    QVERIFY(open(page));
    RedemptionTableModel &model = *page.model();
    QVERIFY(QTest::qWaitFor([&] { return page.campaignBox()->count() > 1 && page.failureBox()->count() > 1; }, Timeout));
    auto expectRows = [&](const QString &where, const QVariantList &values) -> bool {
        page.applyFilter();
        if (!QTest::qWaitFor([&] { return settled(model) && model.filter() == page.filterFromBar(); }, Timeout))
            return false;
        QTest::qWait(50);
        if (!QTest::qWaitFor([&] { return settled(model); }, Timeout))
            return false;
        const QStringList expected = sqlIds(where, u"r.created_at DESC, r.id DESC"_s, values);
        const QStringList got = modelIds(model);
        if (got != expected)
            qWarning() << "filter" << where << "got" << got.size() << "expected" << expected.size();
        return got == expected;
    };

    // Campaign (the third in the list), then result, failure key and channel on top.
    page.campaignBox()->setCurrentIndex(3);
    const QString campaign = page.campaignBox()->currentData().toString();
    QVERIFY(expectRows(u"r.campaign_id = ?"_s, {campaign}));
    page.resultBox()->setCurrentIndex(page.resultBox()->findText(u"Failed"_s));
    QVERIFY(expectRows(u"r.campaign_id = ? AND r.result = 'FAILURE'"_s, {campaign}));
    page.campaignBox()->setCurrentIndex(0);
    const int failure = page.failureBox()->findText(u"customer_rules_violated"_s);
    QVERIFY(failure > 0);
    page.failureBox()->setCurrentIndex(failure);
    QVERIFY(expectRows(u"r.result = 'FAILURE' AND r.failure_code = 'customer_rules_violated'"_s, {}));
    page.channelBox()->setCurrentIndex(1);
    const QString channel = page.channelBox()->currentText();
    QVERIFY(expectRows(u"r.result = 'FAILURE' AND r.failure_code = 'customer_rules_violated' AND r.channel = ?"_s, {channel}));
    page.clearFilters();
    QVERIFY(QTest::qWaitFor([&] { return settled(model) && model.filter().isEmpty(); }, Timeout));
    QCOMPARE(model.total(), sqlCount(u"1"_s));

    // Rolled back, and the rollbacks themselves.
    page.resultBox()->setCurrentIndex(page.resultBox()->findText(u"Rolled back"_s));
    QVERIFY(expectRows(u"r.result = 'ROLLED_BACK'"_s, {}));
    page.resultBox()->setCurrentIndex(page.resultBox()->findText(u"Rollbacks"_s));
    QVERIFY(expectRows(u"r.object = 'redemption_rollback'"_s, {}));
    page.resultBox()->setCurrentIndex(0);

    // A customer typed as a public id, as the shop's id, and a code typed in lower case.
    auto busy = Tests::select(*m_db, u"SELECT customer_id, (SELECT source_id FROM customers WHERE id = customer_id) FROM "
                                     "redemptions WHERE customer_id IS NOT NULL GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1"_s);
    QVERIFY(busy && !busy.value().isEmpty());
    const qint64 customer = busy.value()[0][0].toLongLong();
    page.customerEdit()->setText(u"cust_"_s + QString::number(customer));
    QVERIFY(expectRows(u"r.customer_id = ?"_s, {customer}));
    page.customerEdit()->setText(busy.value()[0][1].toString());
    QVERIFY(expectRows(u"r.customer_id = ?"_s, {customer}));
    page.customerEdit()->clear();
    auto code = Tests::select(*m_db, u"SELECT k.id, k.code FROM redemptions r JOIN codes k ON k.id = r.code_id "
                                     "GROUP BY k.id ORDER BY count(*) DESC LIMIT 1"_s);
    QVERIFY(code && !code.value().isEmpty());
    page.codeEdit()->setText(code.value()[0][1].toString().toLower());
    QVERIFY(expectRows(u"r.code_id = ?"_s, {code.value()[0][0]}));
    page.codeEdit()->clear();

    // A custom period in UTC: [from, to).
    page.zoneBox()->setCurrentIndex(page.zoneBox()->findData(u"UTC"_s));
    auto span = Tests::select(*m_db, u"SELECT min(created_at), max(created_at) FROM redemptions"_s);
    QVERIFY(span);
    const qint64 middle = (span.value()[0][0].toLongLong() + span.value()[0][1].toLongLong()) / 2;
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(middle, QTimeZone::utc());
    const QDateTime fromMinute(from.date(), QTime(from.time().hour(), from.time().minute()), QTimeZone::utc());
    const QDateTime toMinute = fromMinute.addDays(3);
    page.periodBox()->setCurrentIndex(page.periodBox()->findText(u"Custom range"_s));
    QVERIFY(page.fromEdit()->isEnabled());
    page.fromEdit()->setDateTime(QDateTime(fromMinute.date(), fromMinute.time()));
    page.toEdit()->setDateTime(QDateTime(toMinute.date(), toMinute.time()));
    QVERIFY(expectRows(u"r.created_at >= ? AND r.created_at < ?"_s,
                       {fromMinute.toMSecsSinceEpoch(), toMinute.toMSecsSinceEpoch()}));
    QVERIFY(model.headerData(RedemptionTableModel::Date, Qt::Horizontal).toString().contains(u"UTC"_s));
    // A period that ends before it starts is refused in words, and the table keeps its rows.
    page.toEdit()->setDateTime(QDateTime(fromMinute.date().addDays(-1), fromMinute.time()));
    page.applyFilter();
    QVERIFY(!page.filterErrorLabel()->isHidden());
    QVERIFY(page.filterErrorLabel()->text().contains(u"ends before it starts"_s));
}

void TestRedemptionsPage::unknownCustomerIsRefused()
{
    Ui::RedemptionsPage page;
    QVERIFY(open(page));
    page.customerEdit()->setText(u"nobody@example.invalid"_s);
    page.applyFilter();
    QVERIFY(QTest::qWaitFor([&] { return !page.filterErrorLabel()->isHidden(); }, Timeout));
    QVERIFY2(page.filterErrorLabel()->text().contains(u"nobody@example.invalid"_s), qPrintable(page.filterErrorLabel()->text()));
    QCOMPARE(page.model()->rowCount(), 0);
    page.customerEdit()->clear();
    page.applyFilter();
    QVERIFY(QTest::qWaitFor([&] { return settled(*page.model()) && page.model()->rowCount() > 0; }, Timeout));
    QVERIFY(page.filterErrorLabel()->isHidden());
}

void TestRedemptionsPage::exportsWhatTheTableShows()
{
    Ui::RedemptionsPage page;
    QVERIFY(open(page));
    RedemptionTableModel &model = *page.model();
    QVERIFY(showOnly(page, u"Succeeded"_s));
    page.table()->horizontalHeader()->setSortIndicator(RedemptionTableModel::Discount, Qt::DescendingOrder);
    QVERIFY(QTest::qWaitFor([&] { return settled(model) && model.order().column == Store::RedemptionSort::Discount; }, Timeout));
    const QStringList shown = modelIds(model);
    QVERIFY(!shown.isEmpty());

    Ui::ExportDialog *dialog = page.exportCsv();
    QVERIFY(dialog);
    dialog->setChosenColumns({u"id"_s, u"discount_amount"_s, u"customer_name"_s, u"status"_s});
    QCOMPARE(dialog->chosenColumns(), (QStringList{u"id"_s, u"discount_amount"_s, u"customer_name"_s, u"status"_s}));
    const QString file = m_dir.filePath(u"shown.csv"_s);
    dialog->setFile(file);
    QSignalSpy exported(dialog, &Ui::ExportDialog::exported);
    QVERIFY(dialog->exportButton()->isEnabled());
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    QVERIFY(exported.wait(Timeout));
    QCOMPARE(exported.first().at(1).toLongLong(), qint64(shown.size()));
    QVERIFY(dialog->statusLabel()->text().contains(u"Exported"_s));

    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    Csv::Reader reader(&in);
    QVERIFY(reader.next());
    QCOMPARE(reader.record(), (QStringList{u"id"_s, u"discount_amount"_s, u"customer_name"_s, u"status"_s}));
    QStringList ids;
    while (reader.next()) {
        ids << reader.text(0);
        QCOMPARE(reader.text(3), u"Succeeded"_s);
    }
    QVERIFY(!reader.hasError());
    QCOMPARE(ids, shown);
    dialog->close();

    // The next export of this list starts from the same columns, in the same order.
    Ui::ExportDialog *again = page.exportCsv();
    QVERIFY(again);
    QCOMPARE(again->chosenColumns(), (QStringList{u"id"_s, u"discount_amount"_s, u"customer_name"_s, u"status"_s}));
    again->close();
}

void TestRedemptionsPage::rollBackFromThePage()
{
    Ui::RedemptionsPage page;
    QVERIFY(open(page));
    RedemptionTableModel &model = *page.model();
    QVERIFY(showOnly(page, u"Succeeded"_s));
    const qint64 before = model.total();
    QVERIFY(QTest::qWaitFor([&] { return model.index(0, 0).data(RedemptionTableModel::LoadedRole).toBool(); }, Timeout));
    QVERIFY(model.index(0, 0).data(RedemptionTableModel::CanRollBackRole).toBool());
    const QString id = model.index(0, 0).data(RedemptionTableModel::RedemptionIdRole).toString();
    page.table()->setCurrentIndex(model.index(0, 0));
    QVERIFY(page.rollBackButton()->isEnabled());

    QSignalSpy done(&page, &Ui::RedemptionsPage::rolledBack);
    page.rollBack(0, u"order cancelled in the test"_s);
    QVERIFY(done.wait(Timeout));
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
    QCOMPARE(done.first().at(0).toString(), id);
    const qint64 key = id.mid(4).toLongLong();
    auto state = Tests::scalar(*m_db, u"SELECT result FROM redemptions WHERE id = ?"_s, {key});
    QVERIFY(state);
    QCOMPARE(state.value().toString(), u"ROLLED_BACK"_s);
    auto reason = Tests::scalar(*m_db, u"SELECT reason FROM redemptions WHERE rollback_of = ?"_s, {key});
    QVERIFY(reason);
    QCOMPARE(reason.value().toString(), u"order cancelled in the test"_s);
    // The list follows: one fewer succeeded redemption.
    QVERIFY(QTest::qWaitFor([&] { return settled(model) && model.total() == before - 1; }, Timeout));
}

void TestRedemptionsPage::newerRedemptionsAreAnnounced()
{
    Ui::RedemptionsPage page;
    QVERIFY(open(page));
    RedemptionTableModel &model = *page.model();
    const qint64 before = model.total();
    // Another writer (here the test's own connection) records two failed attempts.
    auto writer = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(writer);
    for (int i = 0; i < 2; ++i) {
        PD_VERIFY_OK(Tests::execute(*writer,
                                    u"INSERT INTO redemptions (created_at, campaign_id, result, failure_code, failure_message, channel) "
                                    "SELECT ?, id, 'FAILURE', 'resource_not_found', 'written elsewhere', 'web' FROM campaigns LIMIT 1"_s,
                                    {Store::nowMs()}));
    }
    QSignalSpy newer(page.model(), &RedemptionTableModel::newerAvailable);
    QVERIFY(QTest::qWaitFor([&] { return !page.newerButton()->isHidden(); }, Timeout));
    QVERIFY2(page.newerButton()->text().contains(u"2 new"_s), qPrintable(page.newerButton()->text()));
    QTest::mouseClick(page.newerButton(), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return settled(model) && model.total() == before + 2; }, Timeout));
    QVERIFY(page.newerButton()->isHidden());
    QVERIFY(QTest::qWaitFor([&] { return model.index(0, 0).data(RedemptionTableModel::LoadedRole).toBool(); }, Timeout));
    QCOMPARE(model.index(0, RedemptionTableModel::Message).data().toString(), u"written elsewhere"_s);
}

namespace {
// Runs an open export dialog to `file` with its remembered/default columns; the rows read back.
QList<QStringList> runExport(Ui::ExportDialog *dialog, const QString &file)
{
    dialog->setFile(file);
    QSignalSpy exported(dialog, &Ui::ExportDialog::exported);
    dialog->start();
    if (!exported.wait(Timeout))
        return {};
    dialog->close();
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return {};
    Csv::Reader reader(&in);
    QList<QStringList> rows;
    while (reader.next())
        rows << reader.record();
    return rows;
}
} // namespace

void TestRedemptionsPage::otherListsExportFromTheirPages()
{
    auto info = Store::Workspace::inspect(m_path);
    QVERIFY(info);
    // Customers: the search and order on screen.
    Ui::CustomersPage customers;
    customers.setWorkspace(info.value());
    customers.searchBox()->setText(u"an"_s);
    customers.table()->sortByColumn(Items::CustomerTableModel::TotalSpent, Qt::DescendingOrder);
    Items::CustomerTableModel &model = *customers.model();
    QVERIFY(QTest::qWaitFor([&] { return !model.isLoading() && model.search() == u"an"_s && model.total() > 0; }, Timeout));
    const QList<QStringList> rows = runExport(customers.exportCsv(), m_dir.filePath(u"customers.csv"_s));
    QCOMPARE(rows.size(), int(model.total()) + 1);
    QCOMPARE(rows.first().first(), u"id"_s);
    for (int row = 0; row < 50 && row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row, 0);
        index.data();
        QVERIFY(QTest::qWaitFor([&] { return index.data(Items::CustomerTableModel::LoadedRole).toBool(); }, Timeout));
        QCOMPARE(rows[row + 1].first(), index.data(Items::CustomerTableModel::CustomerIdRole).toString());
    }

    // Campaigns: one summary row per campaign, successes equal to a recount.
    Ui::CampaignsPage campaigns;
    campaigns.setWorkspace(info.value());
    auto summary = Tests::select(*m_db, u"SELECT c.name, (SELECT count(*) FROM redemptions r WHERE r.campaign_id = c.id "
                                        "AND r.result = 'SUCCESS' AND r.object = 'redemption') FROM campaigns c ORDER BY c.name"_s);
    QVERIFY(summary);
    const QList<QStringList> campaignRows = runExport(campaigns.openCsvExport(Store::Lists::campaigns(), u"campaigns.csv"_s),
                                                      m_dir.filePath(u"campaigns.csv"_s));
    QCOMPARE(campaignRows.size(), summary.value().size() + 1);
    const int name = int(campaignRows.first().indexOf(u"name"_s));
    const int succeeded = int(campaignRows.first().indexOf(u"redemptions_succeeded"_s));
    QVERIFY(name >= 0 && succeeded >= 0);
    for (int i = 0; i < summary.value().size(); ++i) {
        QCOMPARE(campaignRows[i + 1][name], summary.value()[i][0].toString());
        QCOMPARE(campaignRows[i + 1][succeeded], summary.value()[i][1].toString());
    }

    // Segment members: an auto-update segment, from the Segments page's dialog.
    Store::Segment regulars;
    regulars.name = u"Regulars"_s;
    regulars.type = Store::SegmentType::AutoUpdate;
    regulars.rule = Rules::check(Rules::parse(u"customer.orders_count >= 3"_s).value()).value();
    {
        auto db = Store::Workspace::openForWriting(m_path);
        PD_VERIFY_OK(db);
        auto saved = Store::SegmentStore(*db.value()).save(regulars, u"test"_s, Store::nowMs());
        PD_VERIFY_OK(saved);
        regulars.id = saved.value().id;
    }
    Ui::SegmentsPage segments;
    QSignalSpy listed(&segments, &Ui::SegmentsPage::listLoaded);
    segments.setWorkspace(info.value());
    QVERIFY(listed.wait(Timeout));
    segments.selectSegment(regulars.id);
    const QList<QStringList> memberRows = runExport(segments.openExportDialog(), m_dir.filePath(u"regulars.csv"_s));
    auto members = Tests::scalar(*m_db, u"SELECT count(*) FROM customers WHERE orders_count >= 3"_s);
    QVERIFY(members);
    QCOMPARE(memberRows.size(), int(members.value().toLongLong()) + 1);
    QCOMPARE(memberRows.first().first(), u"id"_s);
    QVERIFY(memberRows.first().contains(u"entered_at"_s));
}

void TestRedemptionsPage::cancelledExportLeavesNoFile()
{
    // Enough rows that the export is still running when Cancel is pressed.
    {
        auto writer = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
        QVERIFY(writer);
        PD_VERIFY_OK(Tests::execute(*writer, u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                                             "INSERT INTO redemptions (created_at, campaign_id, result, failure_code, failure_message, channel) "
                                             "SELECT 1700000000000 + i, (SELECT id FROM campaigns LIMIT 1), 'FAILURE', 'resource_not_found', "
                                             "'bulk row ' || i, 'web' FROM n"_s));
    }
    Ui::RedemptionsPage page;
    QVERIFY(open(page));
    QVERIFY(page.model()->total() > 300000);
    const QString file = m_dir.filePath(u"cancelled.csv"_s);
    Ui::ExportDialog *dialog = page.exportCsv();
    QVERIFY(dialog);
    dialog->setFile(file);
    QSignalSpy failed(dialog, &Ui::ExportDialog::failed);
    QSignalSpy exported(dialog, &Ui::ExportDialog::exported);
    dialog->start();
    QVERIFY(dialog->isRunning());
    // The dialog's Cancel button while it runs cancels the export, not the dialog.
    auto *buttons = dialog->findChild<QDialogButtonBox *>();
    QVERIFY(buttons && buttons->button(QDialogButtonBox::Cancel));
    QTest::mouseClick(buttons->button(QDialogButtonBox::Cancel), Qt::LeftButton);
    QVERIFY(failed.wait(Timeout));
    QCOMPARE(exported.count(), 0);
    QVERIFY(dialog->statusLabel()->text().contains(u"cancelled"_s));
    QVERIFY(!QFile::exists(file));
    QVERIFY(Tests::entriesIn(m_dir.path()).filter(u"cancelled"_s).isEmpty()); // no temporary file either
    QVERIFY(dialog->isVisible());
    dialog->close();
}

QTEST_MAIN(TestRedemptionsPage)
#include "tst_redemptionspage.moc"
