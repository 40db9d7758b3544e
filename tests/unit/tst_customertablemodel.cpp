// CustomerTableModel: lazy pages from a background loader, checked against the
// repository's order, with QAbstractItemModelTester watching every signal.
//
// Waits are on what a view would see (a row count, a loaded row), never on time. Where a
// test must order the model's requests against the loader's answers, it holds the loader
// back with a lock on a rollback-journal copy of the demo, or intercepts the answer as it
// reaches the model.

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

#include <functional>
#include <memory>

using namespace PromoDesk;
using namespace PromoDesk::Items;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

constexpr int LoadTimeoutMs = 20'000; // generous: a loaded CI machine, not a performance bar
constexpr int Customers = 5000;
constexpr int PageSize = CustomerTableModel::PageSize;

// A model with a tester attached for its whole life.
struct Harness
{
    Harness() : tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest) {}

    CustomerTableModel model;
    QAbstractItemModelTester tester;
};

// Runs `before` just before each queued call (a loader's answer) reaches the model.
class BeforeEachAnswer : public QObject
{
public:
    BeforeEachAnswer(QObject *model, std::function<void()> before) : m_before(std::move(before))
    {
        model->installEventFilter(this);
    }

    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::MetaCall)
            m_before();
        return false;
    }

private:
    std::function<void()> m_before;
};

QString utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate);
}

// Asks for the row, as a view painting it would; true once it is loaded.
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
    void nonSortableColumnsAreIgnored_data();
    void nonSortableColumnsAreIgnored();
    void searchShowsTheRepositoryCount();
    void searchThatMatchesNothingGivesNoRows();
    void rapidSearchesEndWithTheLastOne();
    void aMissingWorkspaceReportsAnError();
    void clearingTheWorkspaceEmptiesTheModel();
    void destroyingWhileLoadingIsSafe_data();
    void destroyingWhileLoadingIsSafe();

    // Orderings of requests and answers that a busy view produces.
    void sortingAfterScrollingShowsTheNewOrder();
    void searchAfterScrollingShowsTheMatches();
    void sortRightAfterSearchKeepsTheSearch();
    void loadingEndsWhenAPageIsAskedForTwice();
    void destroyingWhileTheLoaderWaitsReleasesItsConnection();

private:
    // Points the model at a workspace and waits for its count and first row.
    void attach(CustomerTableModel &model, const QString &path = {});
    // Waits until `row` is loaded (asking for it through data(), as a view would).
    void waitForRow(CustomerTableModel &model, int row);
    // Waits until the rows of the current query are in and row 0 is `expectedFirstId`.
    void waitForQuery(CustomerTableModel &model, qint64 rows, const QString &expectedFirstId);
    // Applies a sort and waits for the reset it causes and the first page.
    void sortAndWait(CustomerTableModel &model, int column, Qt::SortOrder order);
    // An exclusive transaction on the rollback-journal copy: the loader's next read waits.
    void holdTheLoaderBack(std::unique_ptr<Connection> &blocker);
    // Gives the model time to send its requests, checks that `answers` saw nothing yet
    // (the loader is still held back), then releases the lock.
    void letTheLoaderGo(std::unique_ptr<Connection> &blocker, const QSignalSpy &answers);
    // Rows [first, first + count) of the query, from the repository.
    QList<CustomerRow> expectedRows(const CustomerQuery &query, qint64 first, int count);
    qint64 expectedCount(const CustomerQuery &query);
    // Compares every column of the model's row with the repository's row.
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
    QCOMPARE(QSqlDatabase::connectionNames(), QStringList());
}

void TestCustomerTableModel::cleanup()
{
    // Each test's model is gone, and with it its loader's connection: only ours is left.
    QCOMPARE(QSqlDatabase::connectionNames().size(), 1);
}

void TestCustomerTableModel::attach(CustomerTableModel &model, const QString &path)
{
    model.setWorkspace(path.isEmpty() ? m_path : path, u"EUR"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), Customers, LoadTimeoutMs);
    waitForRow(model, 0);
}

void TestCustomerTableModel::waitForRow(CustomerTableModel &model, int row)
{
    QTRY_VERIFY2_WITH_TIMEOUT(isLoaded(model, row), qPrintable(u"row %1 never loaded"_s.arg(row)), LoadTimeoutMs);
}

void TestCustomerTableModel::waitForQuery(CustomerTableModel &model, qint64 rows, const QString &expectedFirstId)
{
    QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == rows && isLoaded(model, 0) && idAt(model, 0) == expectedFirstId,
                             LoadTimeoutMs);
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

void TestCustomerTableModel::holdTheLoaderBack(std::unique_ptr<Connection> &blocker)
{
    QString error;
    blocker = openConnection(m_rollbackPath, Connection::Access::ReadWrite, &error);
    QVERIFY2(blocker, qPrintable(error));
    PD_VERIFY_OK(blocker->exec(u"BEGIN EXCLUSIVE"_s));
}

void TestCustomerTableModel::letTheLoaderGo(std::unique_ptr<Connection> &blocker, const QSignalSpy &answers)
{
    // The model sends requests from a zero-timer; the loader cannot answer meanwhile.
    QTest::qWait(50);
    QCOMPARE(answers.count(), 0);
    blocker->rollback();
    blocker.reset();
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

qint64 TestCustomerTableModel::expectedCount(const CustomerQuery &query)
{
    CustomerRepository repository(*m_db);
    const auto count = repository.count(query);
    return count ? count.value() : -1;
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
}

void TestCustomerTableModel::rowsAreLoadedOnDemand()
{
    Harness h;
    attach(h.model);

    // A row of a page nobody asked for yet is a placeholder, and asking loads it.
    const int row = 3 * PageSize + 17;
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
    const int first = row / PageSize * PageSize;
    const QList<CustomerRow> page = expectedRows(customerQuery(), first, PageSize);
    QCOMPARE(page.size(), PageSize);
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
    sortAndWait(h.model, column, order == Qt::AscendingOrder ? Qt::DescendingOrder : Qt::AscendingOrder);
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
    const CustomerQuery query = customerQuery(CustomerSort::Name, false, u"smi"_s);
    const qint64 count = expectedCount(query);
    QVERIFY(count > 0 && count < Customers);
    const QList<CustomerRow> expected = expectedRows(query, 0, int(count));
    QCOMPARE(expected.size(), count);

    h.model.setSearch(u"smi"_s);
    QCOMPARE(h.model.search(), u"smi"_s);
    waitForQuery(h.model, count, expected.constFirst().id);
    QCOMPARE(h.model.total(), count);
    for (int row = 0; row < expected.size(); ++row) {
        waitForRow(h.model, row);
        QCOMPARE(idAt(h.model, row), expected.at(row).id);
    }

    h.model.setSearch(QString());
    waitForQuery(h.model, Customers, expectedRows(customerQuery(), 0, 1).value(0).id);
}

void TestCustomerTableModel::searchThatMatchesNothingGivesNoRows()
{
    Harness h;
    attach(h.model);
    QSignalSpy totals(&h.model, &CustomerTableModel::totalChanged);
    h.model.setSearch(u"no such customer zzqq"_s);
    QVERIFY(h.model.isLoading());
    QTRY_COMPARE_WITH_TIMEOUT(h.model.rowCount(), 0, LoadTimeoutMs);
    QCOMPARE(h.model.total(), qint64(0));
    QCOMPARE(totals.count(), 1);
    QVERIFY(!h.model.isLoading()); // nothing left to load
}

void TestCustomerTableModel::rapidSearchesEndWithTheLastOne()
{
    Harness h;
    attach(h.model);
    const CustomerQuery last = customerQuery(CustomerSort::Name, false, u"smi"_s);
    const qint64 expected = expectedCount(last);
    QVERIFY(expected > 0);

    QSignalSpy totals(&h.model, &CustomerTableModel::totalChanged);
    QSignalSpy resets(&h.model, &QAbstractItemModel::modelReset);
    for (const QString &search : {u"a"_s, u"e"_s, u"sm"_s, u"o"_s, u"smi"_s})
        h.model.setSearch(search);
    waitForQuery(h.model, expected, expectedRows(last, 0, 1).value(0).id);
    // The loader answers in order, so every superseded answer came before the last one:
    // they were dropped, not shown one after another.
    QCOMPARE(totals.count(), 1);
    QCOMPARE(totals.constFirst().constFirst().toLongLong(), expected);
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
        for (int row = 0; row < Customers; row += PageSize)
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
}

void TestCustomerTableModel::sortingAfterScrollingShowsTheNewOrder()
{
    Harness h;
    attach(h.model, m_rollbackPath);
    waitForRow(h.model, PageSize); // pages 0 and 1 of the name order are cached

    std::unique_ptr<Connection> blocker;
    holdTheLoaderBack(blocker);
    if (QTest::currentTestFailed())
        return;
    // Re-sort, and straight away ask for the page after the cached ones, as a view would.
    const int row = 2 * PageSize;
    QSignalSpy changed(&h.model, &QAbstractItemModel::dataChanged);
    h.model.sort(CustomerTableModel::TotalSpent, Qt::DescendingOrder);
    QVERIFY(!isLoaded(h.model, row));
    letTheLoaderGo(blocker, changed);

    const QList<CustomerRow> expected = expectedRows(customerQuery(CustomerSort::TotalSpent, true), row, 1);
    QCOMPARE(expected.size(), 1);
    waitForQuery(h.model, Customers, expectedRows(customerQuery(CustomerSort::TotalSpent, true), 0, 1).value(0).id);
    waitForRow(h.model, row);
    QCOMPARE(idAt(h.model, row), expected.constFirst().id);
}

void TestCustomerTableModel::searchAfterScrollingShowsTheMatches()
{
    // Matches sparse enough that the first pages of all customers hold many non-matches.
    const CustomerQuery query = customerQuery(CustomerSort::Name, false, u"ar"_s);
    const qint64 count = expectedCount(query);
    QVERIFY(count > 3 * PageSize && count < Customers / 2);

    Harness h;
    attach(h.model, m_rollbackPath);
    waitForRow(h.model, PageSize); // pages 0 and 1 of all customers are cached

    std::unique_ptr<Connection> blocker;
    holdTheLoaderBack(blocker);
    if (QTest::currentTestFailed())
        return;
    // Search, and before the new count is in, ask for the page after the cached ones.
    const int row = 2 * PageSize;
    QSignalSpy totals(&h.model, &CustomerTableModel::totalChanged);
    h.model.setSearch(query.search);
    QVERIFY(!isLoaded(h.model, row));
    letTheLoaderGo(blocker, totals);

    waitForQuery(h.model, count, expectedRows(query, 0, 1).value(0).id);
    waitForRow(h.model, row);
    const QList<CustomerRow> expected = expectedRows(query, row, 1);
    QCOMPARE(expected.size(), 1);
    QCOMPARE(idAt(h.model, row), expected.constFirst().id);
}

void TestCustomerTableModel::sortRightAfterSearchKeepsTheSearch()
{
    const CustomerQuery query = customerQuery(CustomerSort::TotalSpent, true, u"smi"_s);
    const qint64 count = expectedCount(query);
    const QString firstId = expectedRows(query, 0, 1).value(0).id;
    QVERIFY(count > 0);

    Harness h;
    attach(h.model);
    // A user types a search and clicks a column header before the count is back.
    h.model.setSearch(u"smi"_s);
    h.model.sort(CustomerTableModel::TotalSpent, Qt::DescendingOrder);
    // Wait for the search's first row in the new order, then look at the row count.
    QTRY_VERIFY_WITH_TIMEOUT(isLoaded(h.model, 0) && idAt(h.model, 0) == firstId, LoadTimeoutMs);
    QCOMPARE(h.model.rowCount(), int(count));
}

void TestCustomerTableModel::loadingEndsWhenAPageIsAskedForTwice()
{
    Harness h;
    attach(h.model);
    const int row = 3 * PageSize + 5;
    // A view repaints the row while its page is on the way: it asks again just before
    // the answer reaches the model.
    BeforeEachAnswer askAgain(&h.model, [&h, row] { isLoaded(h.model, row); });
    QVERIFY(!isLoaded(h.model, row));
    waitForRow(h.model, row);
    QTRY_VERIFY_WITH_TIMEOUT(!h.model.isLoading(), LoadTimeoutMs);
}

void TestCustomerTableModel::destroyingWhileTheLoaderWaitsReleasesItsConnection()
{
    auto h = std::make_unique<Harness>();
    attach(h->model, m_rollbackPath);

    std::unique_ptr<Connection> blocker;
    holdTheLoaderBack(blocker);
    if (QTest::currentTestFailed())
        return;
    isLoaded(h->model, 3 * PageSize); // a page request the loader starts and then waits on
    QTest::qWait(200);                 // the loader picks it up and blocks on the lock
    // The destructor waits for the loader (up to SQLite's busy timeout: the lock is ours).
    h.reset();
    blocker.reset();
    // The loader was deleted in its thread, closing its connection: cleanup() checks.
}

QTEST_GUILESS_MAIN(TestCustomerTableModel)
#include "tst_customertablemodel.moc"
