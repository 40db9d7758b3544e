// CustomerRepository over a small demo: keyset paging agrees with one full ORDER BY
// for every sort, search matches what it says, and profiles match the tables.

#include "testsupport.h"

#include "common/ids.h"
#include "store/connection.h"
#include "store/customerrepository.h"

#include <QFile>
#include <QSet>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(PromoDesk::Store::CustomerSort)

namespace {

// The test's own statement of each order: the sort column, NULLs first (as 0 would be),
// then the id; descending flips both.
QString orderByClause(CustomerSort sort, bool descending)
{
    const QString column = [sort] {
        switch (sort) {
        case CustomerSort::Name: return u"name"_s; // the column's own NOCASE collation
        case CustomerSort::CreatedAt: return u"created_at"_s;
        case CustomerSort::OrdersCount: return u"orders_count"_s;
        case CustomerSort::TotalSpent: return u"total_spent"_s;
        case CustomerSort::LastOrderAt: return u"last_order_at"_s;
        }
        return QString();
    }();
    const QString direction = descending ? u" DESC"_s : u" ASC"_s;
    return column + direction + u", id"_s + direction;
}

QList<qint64> rowids(const QList<CustomerRow> &rows)
{
    QList<qint64> out;
    out.reserve(rows.size());
    for (const CustomerRow &row : rows)
        out.append(row.rowid);
    return out;
}

} // namespace

class TestCustomerRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void pageAfterWalksTheFullOrder_data() { addSortRows(); }
    void pageAfterWalksTheFullOrder();
    void pageBeforeReturnsThePrecedingRows_data() { addSortRows(); }
    void pageBeforeReturnsThePrecedingRows();
    void keyAtMatchesTheFullOrder_data() { addSortRows(); }
    void keyAtMatchesTheFullOrder();

    void searchMatchesSubstringsOfNameOrEmail_data();
    void searchMatchesSubstringsOfNameOrEmail();
    void searchPagesThroughTheMatches();
    void searchByPublicIdFindsExactlyThatCustomer();
    void searchBySourceIdFindsExactlyThatCustomer();
    void searchTakesLikeMetacharactersLiterally_data();
    void searchTakesLikeMetacharactersLiterally();

    void profileMatchesTheTables_data();
    void profileMatchesTheTables();
    void profileOfABadIdFails_data();
    void profileOfABadIdFails();

private:
    static void addSortRows();
    QList<qint64> fullOrder(CustomerSort sort, bool descending);
    QList<qint64> walk(CustomerRepository &repository, const CustomerQuery &query, int pageSize);
    // Customers whose name or email contains `needle`, case-insensitively, counted in C++.
    qint64 independentMatchCount(Connection &connection, const QString &needle);

    QTemporaryDir m_dir;
    std::unique_ptr<Connection> m_db;       // the demo, untouched
    std::unique_ptr<Connection> m_specials; // a copy with customers named after LIKE's metacharacters
    qint64 m_total = 0;
};

void TestCustomerRepository::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString demo = m_dir.filePath(u"demo.promodesk"_s);
    PD_VERIFY_OK(generateSmallDemo(demo, 5));
    const QString copy = m_dir.filePath(u"specials.promodesk"_s);
    QVERIFY(QFile::copy(demo, copy));

    QString error;
    m_db = openConnection(demo, Connection::Access::ReadOnly, &error);
    QVERIFY2(m_db, qPrintable(error));
    const auto total = scalar(*m_db, u"SELECT count(*) FROM customers"_s);
    PD_VERIFY_OK(total);
    m_total = total.value().toLongLong();
    QCOMPARE(m_total, qint64(5000));

    m_specials = openConnection(copy, Connection::Access::ReadWrite, &error);
    QVERIFY2(m_specials, qPrintable(error));
    const QStringList names = {u"100%_sure"_s, u"100 percent sure"_s, u"10000 sure"_s, u"back\\slash"_s,
                               u"under_score"_s, u"Smithers Ó Sé"_s};
    qint64 id = 900'001;
    for (const QString &name : names) {
        PD_VERIFY_OK(execute(*m_specials,
                             u"INSERT INTO customers(id, source_id, name, email, created_at, updated_at) "
                             u"VALUES (?, ?, ?, ?, ?, ?)"_s,
                             {id, u"SPECIAL-%1"_s.arg(id), name, u"special%1@example.com"_s.arg(id),
                              qint64(1700000000000), qint64(1700000000000)}));
        ++id;
    }
}

void TestCustomerRepository::cleanupTestCase()
{
    m_db.reset();
    m_specials.reset();
    QVERIFY2(QSqlDatabase::connectionNames().isEmpty(), qPrintable(QSqlDatabase::connectionNames().join(u", ")));
}

void TestCustomerRepository::addSortRows()
{
    QTest::addColumn<CustomerSort>("sort");
    QTest::addColumn<bool>("descending");
    const QList<std::pair<const char *, CustomerSort>> sorts = {{"name", CustomerSort::Name},
                                                                {"created_at", CustomerSort::CreatedAt},
                                                                {"orders_count", CustomerSort::OrdersCount},
                                                                {"total_spent", CustomerSort::TotalSpent},
                                                                {"last_order_at", CustomerSort::LastOrderAt}};
    for (const auto &[name, sort] : sorts) {
        QTest::addRow("%s ascending", name) << sort << false;
        QTest::addRow("%s descending", name) << sort << true;
    }
}

QList<qint64> TestCustomerRepository::fullOrder(CustomerSort sort, bool descending)
{
    QList<qint64> ids;
    const auto rows = select(*m_db, u"SELECT id FROM customers ORDER BY "_s + orderByClause(sort, descending));
    if (!rows) {
        qWarning("%s", qPrintable(rows.error().toString()));
        return ids;
    }
    for (const QVariantList &row : rows.value())
        ids.append(row.at(0).toLongLong());
    return ids;
}

QList<qint64> TestCustomerRepository::walk(CustomerRepository &repository, const CustomerQuery &query, int pageSize)
{
    QList<qint64> ids;
    std::optional<CustomerKey> after;
    for (;;) {
        const auto page = repository.pageAfter(query, after, pageSize);
        if (!page) {
            qWarning("%s", qPrintable(page.error().toString()));
            return {};
        }
        if (page.value().size() > pageSize) {
            qWarning("a page of %lld rows, asked for %d", qint64(page.value().size()), pageSize);
            return {};
        }
        ids += rowids(page.value());
        if (page.value().size() < pageSize)
            return ids;
        after = page.value().constLast().key();
    }
}

void TestCustomerRepository::pageAfterWalksTheFullOrder()
{
    QFETCH(CustomerSort, sort);
    QFETCH(bool, descending);
    const QList<qint64> expected = fullOrder(sort, descending);
    QCOMPARE(expected.size(), m_total);

    CustomerRepository repository(*m_db);
    const QList<qint64> walked = walk(repository, customerQuery(sort, descending), 137);
    QCOMPARE(walked.size(), expected.size());
    QCOMPARE(QSet<qint64>(walked.cbegin(), walked.cend()).size(), walked.size()); // no duplicates
    QCOMPARE(walked, expected);
}

void TestCustomerRepository::pageBeforeReturnsThePrecedingRows()
{
    QFETCH(CustomerSort, sort);
    QFETCH(bool, descending);
    const QList<qint64> expected = fullOrder(sort, descending);
    const CustomerQuery query = customerQuery(sort, descending);
    CustomerRepository repository(*m_db);
    constexpr int Limit = 50;

    for (const qint64 position : {qint64(1), qint64(49), qint64(50), qint64(137), qint64(2500), m_total - 1}) {
        const auto key = repository.keyAt(query, position);
        PD_VERIFY_OK(key);
        QVERIFY(key.value().has_value());
        const auto page = repository.pageBefore(query, *key.value(), Limit);
        PD_VERIFY_OK(page);
        const qint64 first = std::max<qint64>(0, position - Limit);
        QCOMPARE(rowids(page.value()), expected.mid(first, position - first));
    }

    const auto firstKey = repository.keyAt(query, 0);
    PD_VERIFY_OK(firstKey);
    QVERIFY(firstKey.value().has_value());
    const auto beforeFirst = repository.pageBefore(query, *firstKey.value(), Limit);
    PD_VERIFY_OK(beforeFirst);
    QVERIFY(beforeFirst.value().isEmpty());
}

void TestCustomerRepository::keyAtMatchesTheFullOrder()
{
    QFETCH(CustomerSort, sort);
    QFETCH(bool, descending);
    const QList<qint64> expected = fullOrder(sort, descending);
    const CustomerQuery query = customerQuery(sort, descending);
    CustomerRepository repository(*m_db);

    for (const qint64 position : {qint64(0), qint64(1), qint64(136), qint64(2500), m_total - 1}) {
        const auto key = repository.keyAt(query, position);
        PD_VERIFY_OK(key);
        QVERIFY(key.value().has_value());
        QCOMPARE(key.value()->rowid, expected.at(position));
        // The key seeks to the row after it: the model's jump into the middle of the list.
        const auto page = repository.pageAfter(query, key.value(), 3);
        PD_VERIFY_OK(page);
        QCOMPARE(rowids(page.value()), expected.mid(position + 1, 3));
    }
    const auto pastTheEnd = repository.keyAt(query, m_total);
    PD_VERIFY_OK(pastTheEnd);
    QVERIFY(!pastTheEnd.value().has_value());
}

qint64 TestCustomerRepository::independentMatchCount(Connection &connection, const QString &needle)
{
    const auto rows = select(connection, u"SELECT name, email FROM customers"_s);
    if (!rows) {
        qWarning("%s", qPrintable(rows.error().toString()));
        return -1;
    }
    const QString trimmed = needle.trimmed();
    return std::count_if(rows.value().cbegin(), rows.value().cend(), [&trimmed](const QVariantList &row) {
        return row.at(0).toString().contains(trimmed, Qt::CaseInsensitive)
               || row.at(1).toString().contains(trimmed, Qt::CaseInsensitive);
    });
}

void TestCustomerRepository::searchMatchesSubstringsOfNameOrEmail_data()
{
    QTest::addColumn<QString>("search");
    QTest::newRow("smi") << u"smi"_s;
    QTest::newRow("SMI") << u"SMI"_s;
    QTest::newRow("padded") << u"  smi "_s;
    QTest::newRow("email domain") << u"@gmail"_s;
    QTest::newRow("apostrophe") << u"o'"_s;
    QTest::newRow("nothing") << u"zzqqxx"_s;
}

void TestCustomerRepository::searchMatchesSubstringsOfNameOrEmail()
{
    QFETCH(QString, search);
    const qint64 expected = independentMatchCount(*m_db, search);
    QVERIFY(expected >= 0);
    CustomerRepository repository(*m_db);
    const auto count = repository.count(customerQuery(CustomerSort::Name, false, search));
    PD_VERIFY_OK(count);
    QCOMPARE(count.value(), expected);
    if (search.trimmed() == u"smi")
        QVERIFY2(expected > 10, "the demo should hold a fair number of Smiths");
}

void TestCustomerRepository::searchPagesThroughTheMatches()
{
    const QString search = u"smi"_s;
    QList<qint64> expected;
    const auto rows = select(*m_db, u"SELECT id, name, email FROM customers ORDER BY total_spent DESC, id DESC"_s);
    PD_VERIFY_OK(rows);
    for (const QVariantList &row : rows.value()) {
        if (row.at(1).toString().contains(search, Qt::CaseInsensitive)
            || row.at(2).toString().contains(search, Qt::CaseInsensitive))
            expected.append(row.at(0).toLongLong());
    }
    CustomerRepository repository(*m_db);
    QCOMPARE(walk(repository, customerQuery(CustomerSort::TotalSpent, true, search), 7), expected);
}

void TestCustomerRepository::searchByPublicIdFindsExactlyThatCustomer()
{
    CustomerRepository repository(*m_db);
    const CustomerQuery query = customerQuery(CustomerSort::Name, false, u"cust_42"_s);
    const auto count = repository.count(query);
    PD_VERIFY_OK(count);
    QCOMPARE(count.value(), qint64(1));
    const auto page = repository.pageAfter(query, std::nullopt, 10);
    PD_VERIFY_OK(page);
    QCOMPARE(page.value().size(), 1);
    QCOMPARE(page.value().constFirst().id, u"cust_42"_s);
    QCOMPARE(page.value().constFirst().rowid, qint64(42));
}

void TestCustomerRepository::searchBySourceIdFindsExactlyThatCustomer()
{
    const auto source = scalar(*m_db, u"SELECT source_id FROM customers WHERE id = ?"_s, {1234});
    PD_VERIFY_OK(source);
    CustomerRepository repository(*m_db);
    const CustomerQuery query = customerQuery(CustomerSort::CreatedAt, true, source.value().toString());
    const auto page = repository.pageAfter(query, std::nullopt, 10);
    PD_VERIFY_OK(page);
    QCOMPARE(rowids(page.value()), QList<qint64>{1234});
}

void TestCustomerRepository::searchTakesLikeMetacharactersLiterally_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<qint64>("expected"); // -1: whatever the independent count says
    QTest::newRow("percent and underscore") << u"%_"_s << qint64(1);
    QTest::newRow("100%") << u"100%"_s << qint64(1);
    QTest::newRow("percent") << u"%"_s << qint64(-1);
    QTest::newRow("underscore") << u"_"_s << qint64(-1);
    QTest::newRow("many percents") << u"%%%%"_s << qint64(0);
    QTest::newRow("backslash") << u"\\"_s << qint64(1);
    QTest::newRow("backslash and percent") << u"\\%"_s << qint64(0);
    QTest::newRow("smi") << u"smi"_s << qint64(-1);
}

void TestCustomerRepository::searchTakesLikeMetacharactersLiterally()
{
    QFETCH(QString, search);
    QFETCH(qint64, expected);
    const qint64 independent = independentMatchCount(*m_specials, search);
    if (expected >= 0)
        QCOMPARE(independent, expected); // the fixture holds what the row says
    CustomerRepository repository(*m_specials);
    const auto count = repository.count(customerQuery(CustomerSort::Name, false, search));
    PD_VERIFY_OK(count);
    QCOMPARE(count.value(), independent);
}

void TestCustomerRepository::profileMatchesTheTables_data()
{
    QTest::addColumn<qint64>("customer");
    QTest::newRow("cust_1") << qint64(1);
    const auto busiest = scalar(*m_db, u"SELECT id FROM customers ORDER BY orders_count DESC, id LIMIT 1"_s);
    const auto idle = scalar(*m_db, u"SELECT id FROM customers WHERE orders_count = ? ORDER BY id LIMIT 1"_s, {0});
    if (busiest)
        QTest::newRow("most orders") << busiest.value().toLongLong();
    if (idle)
        QTest::newRow("no orders") << idle.value().toLongLong();
}

void TestCustomerRepository::profileMatchesTheTables()
{
    QFETCH(qint64, customer);
    CustomerRepository repository(*m_db);
    const auto profile = repository.profile(Ids::make(Ids::Customer, customer));
    PD_VERIFY_OK(profile);
    const CustomerProfile &p = profile.value();

    const auto row = select(*m_db,
                            u"SELECT name, email, address_country, orders_count, total_spent, consent_email, "
                            u"consent_sms, consent_push, phone, loyalty_tier, tags, metadata FROM customers WHERE id = ?"_s,
                            {customer});
    PD_VERIFY_OK(row);
    QCOMPARE(row.value().size(), 1);
    const QVariantList c = row.value().constFirst();
    QCOMPARE(p.row.rowid, customer);
    QCOMPARE(p.row.id, u"cust_%1"_s.arg(customer));
    QCOMPARE(p.row.name, c.at(0).toString());
    QCOMPARE(p.row.email, c.at(1).toString());
    QCOMPARE(p.row.country, c.at(2).toString());
    QCOMPARE(p.row.ordersCount, c.at(3).toLongLong());
    QCOMPARE(p.row.totalSpent, c.at(4).toLongLong());
    QCOMPARE(p.consentEmail, c.at(5).toInt() == 1);
    QCOMPARE(p.consentSms, c.at(6).toInt() == 1);
    QCOMPARE(p.consentPush, c.at(7).toInt() == 1);
    QCOMPARE(p.phone, c.at(8).toString());
    QCOMPARE(p.loyaltyTier, c.at(9).toString());
    QCOMPARE(p.tags, c.at(10).toString());
    QCOMPARE(p.metadata, c.at(11).toString());

    // Orders newest first, each with its lines in order.
    const auto orders = select(*m_db,
                               u"SELECT id, source_id, created_at, amount FROM orders WHERE customer_id = ? "
                               u"ORDER BY created_at DESC, id DESC LIMIT ?"_s,
                               {customer, CustomerRepository::ProfileOrderLimit});
    PD_VERIFY_OK(orders);
    QCOMPARE(p.orders.size(), orders.value().size());
    for (qsizetype i = 0; i < p.orders.size(); ++i) {
        const OrderSummary &order = p.orders.at(i);
        const QVariantList expected = orders.value().at(i);
        QCOMPARE(order.id, u"ord_%1"_s.arg(expected.at(0).toLongLong()));
        QCOMPARE(order.sourceId, expected.at(1).toString());
        QCOMPARE(order.createdAt, expected.at(2).toLongLong());
        QCOMPARE(order.amount, expected.at(3).toLongLong());
        if (i > 0)
            QVERIFY(order.createdAt <= p.orders.at(i - 1).createdAt);

        const auto items = select(*m_db,
                                  u"SELECT i.line_no, i.sku_id, p.name, i.quantity, i.price, i.amount FROM order_items i "
                                  u"JOIN products p ON p.id = i.product_id WHERE i.order_id = ? ORDER BY i.line_no"_s,
                                  {expected.at(0)});
        PD_VERIFY_OK(items);
        QVERIFY(!order.items.isEmpty());
        QCOMPARE(order.items.size(), items.value().size());
        qint64 sum = 0;
        for (qsizetype l = 0; l < order.items.size(); ++l) {
            const OrderItemLine &line = order.items.at(l);
            const QVariantList item = items.value().at(l);
            QCOMPARE(line.lineNo, item.at(0).toInt());
            QCOMPARE(line.skuId, item.at(1).toString());
            QCOMPARE(line.productName, item.at(2).toString());
            QCOMPARE(line.quantity, item.at(3).toLongLong());
            QCOMPARE(line.price, item.at(4).toLongLong());
            QCOMPARE(line.amount, item.at(5).toLongLong());
            sum += line.amount;
        }
        QCOMPARE(sum, order.amount);
    }

    const auto events = select(*m_db,
                               u"SELECT type, created_at, metadata FROM customer_events WHERE customer_id = ? "
                               u"ORDER BY created_at DESC, id DESC"_s,
                               {customer});
    PD_VERIFY_OK(events);
    QCOMPARE(p.eventsCount, qint64(events.value().size()));
    QCOMPARE(p.events.size(), std::min<qsizetype>(events.value().size(), CustomerRepository::ProfileEventLimit));
    for (qsizetype i = 0; i < p.events.size(); ++i) {
        QCOMPARE(p.events.at(i).type, events.value().at(i).at(0).toString());
        QCOMPARE(p.events.at(i).createdAt, events.value().at(i).at(1).toLongLong());
        QCOMPARE(p.events.at(i).metadata, events.value().at(i).at(2).toString());
    }
    QVERIFY(std::any_of(p.events.cbegin(), p.events.cend(),
                        [](const CustomerEvent &e) { return e.type == u"sign_up"; }));
}

void TestCustomerRepository::profileOfABadIdFails_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("empty") << QString();
    QTest::newRow("no prefix") << u"42"_s;
    QTest::newRow("other prefix") << u"ord_42"_s;
    QTest::newRow("prefix only") << u"cust_"_s;
    QTest::newRow("zero") << u"cust_0"_s;
    QTest::newRow("negative") << u"cust_-3"_s;
    QTest::newRow("not a number") << u"cust_abc"_s;
    QTest::newRow("unknown customer") << u"cust_987654"_s;
}

void TestCustomerRepository::profileOfABadIdFails()
{
    QFETCH(QString, id);
    CustomerRepository repository(*m_db);
    const auto profile = repository.profile(id);
    QVERIFY(!profile);
    QVERIFY(!profile.error().message.isEmpty());
    if (!id.isEmpty())
        QVERIFY2(profile.error().message.contains(id), qPrintable(profile.error().toString()));
}

QTEST_GUILESS_MAIN(TestCustomerRepository)
#include "tst_customerrepository.moc"
