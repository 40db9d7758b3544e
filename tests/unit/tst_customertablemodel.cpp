// CustomerTableModel: lazy pages from a background loader, checked against the
// repository's order, with QAbstractItemModelTester watching every signal.

#include "testsupport.h"

#include "common/money.h"
#include "items/customertablemodel.h"
#include "store/connection.h"
#include "store/customerrepository.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest/QtTest>

#include <memory>

using namespace PromoDesk;
using namespace PromoDesk::Items;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

constexpr int LoadTimeoutMs = 20'000; // generous: a loaded CI machine, not a performance bar
constexpr int Customers = 5000;

// A model with a tester attached for its whole life.
struct Harness
{
    Harness() : tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest) {}

    CustomerTableModel model;
    QAbstractItemModelTester tester;
};

QString utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate);
}

bool isLoaded(const CustomerTableModel &model, int row)
{
    return model.data(model.index(row, CustomerTableModel::Name), CustomerTableModel::LoadedRole).toBool();
}

QString idAt(const CustomerTableModel &model, int row)
{
    return model.data(model.index(row, 0), CustomerTableModel::CustomerIdRole).toString();
}

} // namespace

class TestCustomerTableModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void countsEveryCustomer();
    void rowsAreLoadedOnDemand();
    void rowsMatchTheRepository_data();
    void rowsMatchTheRepository();
    void sortingFollowsTheRepository_data();
    void sortingFollowsTheRepository();
    void sortingAfterScrollingShowsTheNewOrder();
    void searchAfterScrollingShowsTheMatches();
    void sortRightAfterSearchKeepsTheSearch();
    void nonSortableColumnsAreIgnored_data();
    void nonSortableColumnsAreIgnored();
    void searchShowsTheRepositoryCount();
    void searchThatMatchesNothingGivesNoRows();
    void rapidSearchesEndWithTheLastOne();
    void aMissingWorkspaceReportsAnError();
    void clearingTheWorkspaceEmptiesTheModel();
    void destroyingWhileLoadingIsSafe_data();
    void destroyingWhileLoadingIsSafe();

private:
    // Points the model at a workspace and waits for its count and first row.
    void attach(CustomerTableModel &model) { attachTo(model, m_path, Customers); }
    void attachTo(CustomerTableModel &model, const QString &path, int rows);
    // Waits until the model has no request in flight.
    void settle(CustomerTableModel &model);
    // An exclusive transaction on the rollback-journal copy makes the loader's next read
    // wait, so that a test can order what the model asks against what it hears back.
    void holdTheLoaderBack(std::unique_ptr<Store::Connection> &blocker);
    // Lets go after the model has sent its requests; `answers` must not have fired yet.
    void letTheLoaderGo(std::unique_ptr<Store::Connection> &blocker, const QSignalSpy &answers);
    // Waits until `row` is loaded (asking for it through data(), as a view would).
    void waitForRow(CustomerTableModel &model, int row);
    // Applies a sort and waits for the reset it causes and the first page.
    void sortAndWait(CustomerTableModel &model, int column, Qt::SortOrder order);
    // Rows [first, first + count) of the query, from the repository.
    QList<CustomerRow> expectedRows(const CustomerQuery &query, qint64 first, int count);
    // Compares the model's row with the repository's row at the same position.
    void compareRow(const CustomerTableModel &model, int row, const CustomerRow &expected);

    QTemporaryDir m_dir;
    QString m_path;
    QString m_rollbackPath; // the same demo in rollback-journal mode
    std::unique_ptr<Connection> m_db;
};

void TestCustomerTableModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"demo.promodesk"_s);
    PD_VERIFY_OK(generateSmallDemo(m_path, 11));
    QString error;
    m_db = openConnection(m_path, Connection::Access::ReadOnly, &error);
    QVERIFY2(m_db, qPrintable(error));

    // WAL readers never wait for a writer; in rollback-journal mode they do.
    m_rollbackPath = m_dir.filePath(u"rollback-journal.promodesk"_s);
    QVERIFY(QFile::copy(m_path, m_rollbackPath));
    auto connection = openConnection(m_rollbackPath, Connection::Access::ReadWrite, &error);
    QVERIFY2(connection, qPrintable(error));
    const auto mode = scalar(*connection, u"PRAGMA journal_mode = DELETE"_s);
    PD_VERIFY_OK(mode);
    QCOMPARE(mode.value().toString(), u"delete"_s);
}

void TestCustomerTableModel::cleanupTestCase()
{
    m_db.reset();
    QVERIFY2(QSqlDatabase::connectionNames().isEmpty(), qPrintable(QSqlDatabase::connectionNames().join(u", ")));
}

void TestCustomerTableModel::cleanup()
{
    // Each test's model (and its loader thread's connection) is gone; only ours remains.
    QTRY_COMPARE(QSqlDatabase::connectionNames().size(), 1);
}

void TestCustomerTableModel::attachTo(CustomerTableModel &model, const QString &path, int rows)
{
    model.setWorkspace(path, u"EUR"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), rows, LoadTimeoutMs);
    waitForRow(model, 0);
}

void TestCustomerTableModel::settle(CustomerTableModel &model)
{
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), LoadTimeoutMs);
}

void TestCustomerTableModel::waitForRow(CustomerTableModel &model, int row)
{
    QTRY_VERIFY2_WITH_TIMEOUT(isLoaded(model, row), qPrintable(u"row %1 never loaded"_s.arg(row)), LoadTimeoutMs);
}

void TestCustomerTableModel::sortAndWait(CustomerTableModel &model, int column, Qt::SortOrder order)
{
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const bool changes = model.sortColumn() != column || model.sortOrder() != order;
    model.sort(column, order);
    QTRY_COMPARE_WITH_TIMEOUT(reset.count(), changes ? 1 : 0, LoadTimeoutMs);
    QCOMPARE(model.rowCount(), Customers);
    waitForRow(model, 0);
}

QList<CustomerRow> TestCustomerTableModel::expectedRows(const CustomerQuery &query, qint64 first, int count)
{
    CustomerRepository repository(*m_db);
    std::optional<CustomerKey> after;
    if (first > 0) {
        const auto key = repository.keyAt(query, first - 1);
        if (!key || !key.value())
            return {};
        after = key.value();
    }
    const auto rows = repository.pageAfter(query, after, count);
    return rows ? rows.value() : QList<CustomerRow>();
}

void TestCustomerTableModel::compareRow(const CustomerTableModel &model, int row, const CustomerRow &expected)
{
    const auto text = [&model, row](int column) { return model.data(model.index(row, column)).toString(); };
    QCOMPARE(idAt(model, row), expected.id);
    QCOMPARE(text(CustomerTableModel::Id), expected.id);
    QCOMPARE(text(CustomerTableModel::Name), expected.name);
    QCOMPARE(text(CustomerTableModel::Email), expected.email);
    QCOMPARE(text(CustomerTableModel::Country), expected.country);
    QCOMPARE(text(CustomerTableModel::City), expected.city);
    QCOMPARE(text(CustomerTableModel::SignedUp), utcDate(expected.createdAt));
    QCOMPARE(text(CustomerTableModel::Orders), QString::number(expected.ordersCount));
    QCOMPARE(text(CustomerTableModel::TotalSpent), formatMoney(expected.totalSpent, u"EUR"_s));
    QCOMPARE(text(CustomerTableModel::LastOrder), expected.lastOrderAt ? utcDate(*expected.lastOrderAt) : QString());
}

void TestCustomerTableModel::countsEveryCustomer()
{
    Harness h;
    QSignalSpy totals(&h.model, &CustomerTableModel::totalChanged);
    attach(h.model);
    QCOMPARE(h.model.total(), qint64(Customers));
    QCOMPARE(h.model.columnCount(), int(CustomerTableModel::ColumnCount));
    QCOMPARE(totals.count(), 1);
    QCOMPARE(totals.constFirst().constFirst().toLongLong(), qint64(Customers));
    for (int column = 0; column < CustomerTableModel::ColumnCount; ++column)
        QVERIFY(!h.model.headerData(column, Qt::Horizontal).toString().isEmpty());
    settle(h.model);
}

void TestCustomerTableModel::rowsAreLoadedOnDemand()
{
    Harness h;
    attach(h.model);
    settle(h.model);

    // A row of a page nobody asked for yet is a placeholder, and asking loads it.
    const int row = 3 * CustomerTableModel::PageSize + 17;
    QVERIFY(!isLoaded(h.model, row));
    QCOMPARE(h.model.data(h.model.index(row, CustomerTableModel::Name)).toString(), u"…"_s);
    QVERIFY(!h.model.data(h.model.index(row, CustomerTableModel::Id)).isValid());
    QSignalSpy changed(&h.model, &QAbstractItemModel::dataChanged);
    waitForRow(h.model, row);
    QVERIFY(!changed.isEmpty());
    const QModelIndex topLeft = changed.constLast().at(0).toModelIndex();
    const QModelIndex bottomRight = changed.constLast().at(1).toModelIndex();
    QVERIFY(topLeft.row() <= row && bottomRight.row() >= row);
    QCOMPARE(topLeft.column(), 0);
    QCOMPARE(bottomRight.column(), CustomerTableModel::ColumnCount - 1);
    QVERIFY(h.model.data(h.model.index(row, CustomerTableModel::Name)).toString() != u"…"_s);
}

void TestCustomerTableModel::rowsMatchTheRepository_data()
{
    QTest::addColumn<int>("row");
    for (const int row : {0, 1, 199, 200, 201, 2500, 2699, 4800, 4999})
        QTest::addRow("row %d", row) << row;
}

void TestCustomerTableModel::rowsMatchTheRepository()
{
    QFETCH(int, row);
    Harness h;
    attach(h.model);
    waitForRow(h.model, row);
    const QList<CustomerRow> expected = expectedRows(customerQuery(), row, 1);
    QCOMPARE(expected.size(), 1);
    compareRow(h.model, row, expected.constFirst());

    // The whole page around it, in order.
    const int first = row / CustomerTableModel::PageSize * CustomerTableModel::PageSize;
    const QList<CustomerRow> page = expectedRows(customerQuery(), first, CustomerTableModel::PageSize);
    QCOMPARE(page.size(), CustomerTableModel::PageSize);
    for (int i = 0; i < page.size(); ++i)
        QCOMPARE(idAt(h.model, first + i), page.at(i).id);
}

void TestCustomerTableModel::sortingFollowsTheRepository_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<CustomerSort>("sort");
    const QList<std::tuple<const char *, int, CustomerSort>> columns = {
        {"name", CustomerTableModel::Name, CustomerSort::Name},
        {"signed up", CustomerTableModel::SignedUp, CustomerSort::CreatedAt},
        {"orders", CustomerTableModel::Orders, CustomerSort::OrdersCount},
        {"total spent", CustomerTableModel::TotalSpent, CustomerSort::TotalSpent},
        {"last order", CustomerTableModel::LastOrder, CustomerSort::LastOrderAt}};
    for (const auto &[name, column, sort] : columns) {
        QTest::addRow("%s ascending", name) << column << Qt::AscendingOrder << sort;
        QTest::addRow("%s descending", name) << column << Qt::DescendingOrder << sort;
    }
}

void TestCustomerTableModel::sortingFollowsTheRepository()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(CustomerSort, sort);
    Harness h;
    attach(h.model);
    // First the other direction, so that the sort under test always changes something.
    const Qt::SortOrder other = order == Qt::AscendingOrder ? Qt::DescendingOrder : Qt::AscendingOrder;
    sortAndWait(h.model, column, other);
    if (QTest::currentTestFailed())
        return;
    sortAndWait(h.model, column, order);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(h.model.sortColumn(), column);
    QCOMPARE(h.model.sortOrder(), order);

    const CustomerQuery query = customerQuery(sort, order == Qt::DescendingOrder);
    const QList<CustomerRow> head = expectedRows(query, 0, 50);
    QCOMPARE(head.size(), 50);
    for (int i = 0; i < head.size(); ++i)
        QCOMPARE(idAt(h.model, i), head.at(i).id);
    compareRow(h.model, 0, head.constFirst());

    for (const int row : {2345, Customers - 1}) {
        waitForRow(h.model, row);
        const QList<CustomerRow> expected = expectedRows(query, row, 1);
        QCOMPARE(expected.size(), 1);
        compareRow(h.model, row, expected.constFirst());
    }
}

void TestCustomerTableModel::holdTheLoaderBack(std::unique_ptr<Connection> &blocker)
{
    QString error;
    blocker = openConnection(m_rollbackPath, Connection::Access::ReadWrite, &error);
    QVERIFY2(blocker, qPrintable(error));
    PD_VERIFY_OK(blocker->exec(u"BEGIN EXCLUSIVE"_s));
}

void TestCustomerTableModel::letTheLoaderGo(std::unique_ptr<Connection> &blocker, const QSignalSpy &answers)
{
    // Long enough for the model's zero-timer to send its page requests; the loader waits
    // for the lock meanwhile, so no answer can overtake them.
    QTest::qWait(50);
    QCOMPARE(answers.count(), 0);
    blocker->rollback();
    blocker.reset();
}

void TestCustomerTableModel::sortingAfterScrollingShowsTheNewOrder()
{
    Harness h;
    attachTo(h.model, m_rollbackPath, Customers);
    waitForRow(h.model, CustomerTableModel::PageSize); // pages 0 and 1 of the name order are cached
    settle(h.model);

    std::unique_ptr<Connection> blocker;
    holdTheLoaderBack(blocker);
    if (QTest::currentTestFailed())
        return;
    // Re-sort, and straight away ask for the page after the cached ones, as a view would.
    const int row = 2 * CustomerTableModel::PageSize;
    QSignalSpy changed(&h.model, &QAbstractItemModel::dataChanged);
    h.model.sort(CustomerTableModel::TotalSpent, Qt::DescendingOrder);
    QVERIFY(!isLoaded(h.model, row));
    letTheLoaderGo(blocker, changed);

    waitForRow(h.model, row);
    settle(h.model);
    QCOMPARE(h.model.rowCount(), Customers);
    const QList<CustomerRow> expected = expectedRows(customerQuery(CustomerSort::TotalSpent, true), row, 1);
    QCOMPARE(expected.size(), 1);
    QCOMPARE(idAt(h.model, row), expected.constFirst().id);
}

void TestCustomerTableModel::searchAfterScrollingShowsTheMatches()
{
    // Matches sparse enough that the first pages of all customers hold many non-matches.
    const QString search = u"ar"_s;
    const CustomerQuery query = customerQuery(CustomerSort::Name, false, search);
    CustomerRepository repository(*m_db);
    const auto count = repository.count(query);
    PD_VERIFY_OK(count);
    QVERIFY(count.value() > 3 * CustomerTableModel::PageSize && count.value() < Customers / 2);

    Harness h;
    attachTo(h.model, m_rollbackPath, Customers);
    waitForRow(h.model, CustomerTableModel::PageSize); // pages 0 and 1 of all customers are cached
    settle(h.model);

    std::unique_ptr<Connection> blocker;
    holdTheLoaderBack(blocker);
    if (QTest::currentTestFailed())
        return;
    // Search, and before the new count is in, ask for the page after the cached ones.
    const int row = 2 * CustomerTableModel::PageSize;
    QSignalSpy totals(&h.model, &CustomerTableModel::totalChanged);
    h.model.setSearch(search);
    QVERIFY(!isLoaded(h.model, row));
    letTheLoaderGo(blocker, totals);

    QTRY_COMPARE_WITH_TIMEOUT(h.model.rowCount(), int(count.value()), LoadTimeoutMs);
    waitForRow(h.model, row);
    settle(h.model);
    const QList<CustomerRow> expected = expectedRows(query, row, 1);
    QCOMPARE(expected.size(), 1);
    QEXPECT_FAIL("", "Known bug: a page requested between setSearch() and the new count is read after a key "
                     "from the previous query's cached neighbour page, and kept",
                 Continue);
    QCOMPARE(idAt(h.model, row), expected.constFirst().id);
}

void TestCustomerTableModel::sortRightAfterSearchKeepsTheSearch()
{
    CustomerRepository repository(*m_db);
    const CustomerQuery query = customerQuery(CustomerSort::TotalSpent, true, u"smi"_s);
    const auto count = repository.count(query);
    PD_VERIFY_OK(count);

    Harness h;
    attach(h.model);
    settle(h.model);

    // A user types a search and clicks a column header before the count is back.
    h.model.setSearch(u"smi"_s);
    h.model.sort(CustomerTableModel::TotalSpent, Qt::DescendingOrder);
    settle(h.model);
    QEXPECT_FAIL("", "Known bug: sort() keeps the old count when a search's count is still on its way, "
                     "and drops that count as stale",
                 Abort);
    QCOMPARE(h.model.rowCount(), int(count.value()));
    waitForRow(h.model, 0);
    QCOMPARE(idAt(h.model, 0), expectedRows(query, 0, 1).value(0).id);
}

void TestCustomerTableModel::nonSortableColumnsAreIgnored_data()
{
    QTest::addColumn<int>("column");
    QTest::newRow("email") << int(CustomerTableModel::Email);
    QTest::newRow("country") << int(CustomerTableModel::Country);
    QTest::newRow("city") << int(CustomerTableModel::City);
    QTest::newRow("id") << int(CustomerTableModel::Id);
    QTest::newRow("negative") << -1;
    QTest::newRow("past the end") << int(CustomerTableModel::ColumnCount);
}

void TestCustomerTableModel::nonSortableColumnsAreIgnored()
{
    QFETCH(int, column);
    QVERIFY(!CustomerTableModel::isSortable(column));
    Harness h;
    attach(h.model);
    const QString first = idAt(h.model, 0);
    QSignalSpy aboutToReset(&h.model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy loading(&h.model, &CustomerTableModel::loadingChanged);

    h.model.sort(column, Qt::DescendingOrder);
    QCOMPARE(h.model.sortColumn(), int(CustomerTableModel::Name));
    QCOMPARE(h.model.sortOrder(), Qt::AscendingOrder);
    QCOMPARE(loading.count(), 0); // no query was started
    QCoreApplication::processEvents();
    QCOMPARE(aboutToReset.count(), 0);
    QCOMPARE(idAt(h.model, 0), first);
}

void TestCustomerTableModel::searchShowsTheRepositoryCount()
{
    Harness h;
    attach(h.model);
    CustomerRepository repository(*m_db);
    const CustomerQuery query = customerQuery(CustomerSort::Name, false, u"smi"_s);
    const auto count = repository.count(query);
    PD_VERIFY_OK(count);
    QVERIFY(count.value() > 0 && count.value() < Customers);

    h.model.setSearch(u"smi"_s);
    QCOMPARE(h.model.search(), u"smi"_s);
    QTRY_COMPARE_WITH_TIMEOUT(h.model.rowCount(), int(count.value()), LoadTimeoutMs);
    waitForRow(h.model, 0);
    const QList<CustomerRow> expected = expectedRows(query, 0, int(count.value()));
    for (int row = 0; row < expected.size(); ++row)
        QCOMPARE(idAt(h.model, row), expected.at(row).id);

    h.model.setSearch(QString());
    QTRY_COMPARE_WITH_TIMEOUT(h.model.rowCount(), Customers, LoadTimeoutMs);
}

void TestCustomerTableModel::searchThatMatchesNothingGivesNoRows()
{
    Harness h;
    attach(h.model);
    h.model.setSearch(u"no such customer zzqq"_s);
    QTRY_COMPARE_WITH_TIMEOUT(h.model.rowCount(), 0, LoadTimeoutMs);
    QCOMPARE(h.model.total(), qint64(0));
    settle(h.model);
}

void TestCustomerTableModel::rapidSearchesEndWithTheLastOne()
{
    Harness h;
    attach(h.model);
    settle(h.model);
    CustomerRepository repository(*m_db);
    const auto expected = repository.count(customerQuery(CustomerSort::Name, false, u"smi"_s));
    PD_VERIFY_OK(expected);

    QSignalSpy totals(&h.model, &CustomerTableModel::totalChanged);
    QSignalSpy resets(&h.model, &QAbstractItemModel::modelReset);
    for (const QString &search : {u"a"_s, u"e"_s, u"sm"_s, u"o"_s, u"smi"_s})
        h.model.setSearch(search);
    settle(h.model);
    QCOMPARE(h.model.rowCount(), int(expected.value()));
    // The answers for the superseded searches were dropped, not shown one after another.
    QCOMPARE(totals.count(), 1);
    QCOMPARE(totals.constFirst().constFirst().toLongLong(), expected.value());
    QCOMPARE(resets.count(), 1);
}

void TestCustomerTableModel::aMissingWorkspaceReportsAnError()
{
    Harness h;
    QSignalSpy errors(&h.model, &CustomerTableModel::errorOccurred);
    const QString missing = m_dir.filePath(u"missing.promodesk"_s);
    h.model.setWorkspace(missing, u"EUR"_s);
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, LoadTimeoutMs);
    QVERIFY2(errors.constFirst().constFirst().toString().contains(missing),
             qPrintable(errors.constFirst().constFirst().toString()));
    QCOMPARE(h.model.rowCount(), 0);
    QVERIFY(!h.model.isLoading());
    QVERIFY(!QFileInfo::exists(missing));
}

void TestCustomerTableModel::clearingTheWorkspaceEmptiesTheModel()
{
    Harness h;
    attach(h.model);
    h.model.setWorkspace(QString(), u"EUR"_s);
    QCOMPARE(h.model.rowCount(), 0);
    QVERIFY(!h.model.isLoading());
}

void TestCustomerTableModel::destroyingWhileLoadingIsSafe_data()
{
    QTest::addColumn<QString>("stage");
    QTest::newRow("count in flight") << u"count"_s;
    QTest::newRow("pages in flight") << u"pages"_s;
    QTest::newRow("after many restarts") << u"restarts"_s;
}

void TestCustomerTableModel::destroyingWhileLoadingIsSafe()
{
    QFETCH(QString, stage);
    auto h = std::make_unique<Harness>();
    QSignalSpy errors(&h->model, &CustomerTableModel::errorOccurred);
    h->model.setWorkspace(m_path, u"EUR"_s);
    if (stage == u"pages" || stage == u"restarts") {
        QTRY_COMPARE_WITH_TIMEOUT(h->model.rowCount(), Customers, LoadTimeoutMs);
        for (int row = 0; row < Customers; row += CustomerTableModel::PageSize)
            isLoaded(h->model, row); // asks for every page
        QCoreApplication::processEvents(); // sends the first requests to the loader
    }
    if (stage == u"restarts") {
        for (int i = 0; i < 20; ++i) {
            h->model.setSearch(QString::number(i));
            h->model.sort(i % 2 ? CustomerTableModel::TotalSpent : CustomerTableModel::SignedUp,
                          i % 3 ? Qt::AscendingOrder : Qt::DescendingOrder);
        }
    }
    QVERIFY(h->model.isLoading());
    h.reset();
    QCOMPARE(errors.count(), 0);
    // The loader is deleted on its own thread, closing its connection there.
    QTRY_COMPARE_WITH_TIMEOUT(QSqlDatabase::connectionNames().size(), 1, LoadTimeoutMs);
}

QTEST_GUILESS_MAIN(TestCustomerTableModel)
#include "tst_customertablemodel.moc"
