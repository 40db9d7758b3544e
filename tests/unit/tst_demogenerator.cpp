// The demo generator: deterministic for a seed, internally consistent (summaries,
// amounts, foreign keys), plausibly shaped, and all-or-nothing on disk.

#include "testsupport.h"

#include "store/connection.h"
#include "store/demogenerator.h"
#include "store/schema.h"
#include "store/workspace.h"

#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QSet>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

class TestDemoGenerator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void sameSeedGivesIdenticalTables_data();
    void sameSeedGivesIdenticalTables();
    void sameSeedGivesIdenticalMetaButCreationTime();
    void differentSeedGivesDifferentData();
    void reportMatchesTheTables();
    void integrityAndForeignKeysAreClean();
    void customerSummariesMatchTheirOrders();
    void ordersAreConsistentWithTheirItems();
    void shapeIsPlausible();
    void historyFallsWithinEachMembersLife();
    void refusesAnExistingTarget();
    void cancellingLeavesNothingBehind();

private:
    QMap<QString, QString> meta(Connection &connection);
    static qint64 asOfMs(); // the end of the demo history
    // The number of rows a query returns: most checks here count offending rows.
    qint64 countRows(Connection &connection, const QString &sql, const QVariantList &values = {});

    static constexpr quint64 Seed = 7;
    QTemporaryDir m_dir;
    QString m_first, m_second, m_otherSeed;
    DemoReport m_report;
    std::unique_ptr<Connection> m_db;      // m_first, read-write (foreign keys on)
    std::unique_ptr<Connection> m_twin;    // m_second: same seed
    std::unique_ptr<Connection> m_other;   // m_otherSeed
};

void TestDemoGenerator::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_first = m_dir.filePath(u"first.promodesk"_s);
    m_second = m_dir.filePath(u"second.promodesk"_s);
    m_otherSeed = m_dir.filePath(u"other-seed.promodesk"_s);

    auto report = generateSmallDemo(m_first, Seed);
    PD_VERIFY_OK(report);
    m_report = report.value();
    PD_VERIFY_OK(generateSmallDemo(m_second, Seed));
    PD_VERIFY_OK(generateSmallDemo(m_otherSeed, Seed + 1));

    QString error;
    m_db = openConnection(m_first, Connection::Access::ReadWrite, &error);
    QVERIFY2(m_db, qPrintable(error));
    m_twin = openConnection(m_second, Connection::Access::ReadOnly, &error);
    QVERIFY2(m_twin, qPrintable(error));
    m_other = openConnection(m_otherSeed, Connection::Access::ReadOnly, &error);
    QVERIFY2(m_other, qPrintable(error));
}

void TestDemoGenerator::cleanupTestCase()
{
    m_db.reset();
    m_twin.reset();
    m_other.reset();
    QVERIFY2(QSqlDatabase::connectionNames().isEmpty(), qPrintable(QSqlDatabase::connectionNames().join(u", ")));
}

QMap<QString, QString> TestDemoGenerator::meta(Connection &connection)
{
    QMap<QString, QString> out;
    const auto rows = select(connection, u"SELECT key, value FROM workspace_meta"_s);
    if (rows) {
        for (const QVariantList &row : rows.value())
            out.insert(row.at(0).toString(), row.at(1).toString());
    }
    return out;
}

qint64 TestDemoGenerator::countRows(Connection &connection, const QString &sql, const QVariantList &values)
{
    const auto rows = select(connection, sql, values);
    if (!rows) {
        qWarning("%s", qPrintable(rows.error().toString()));
        return -1;
    }
    return rows.value().size();
}

void TestDemoGenerator::sameSeedGivesIdenticalTables_data()
{
    QTest::addColumn<QString>("table");
    for (const QString &table : Schema::tables())
        QTest::newRow(qPrintable(table)) << table;
}

void TestDemoGenerator::sameSeedGivesIdenticalTables()
{
    QFETCH(QString, table);
    const auto first = tableHash(*m_db, table);
    PD_VERIFY_OK(first);
    const auto second = tableHash(*m_twin, table);
    PD_VERIFY_OK(second);
    QCOMPARE(first.value(), second.value());
}

void TestDemoGenerator::sameSeedGivesIdenticalMetaButCreationTime()
{
    QMap<QString, QString> first = meta(*m_db);
    QMap<QString, QString> second = meta(*m_twin);
    QVERIFY(first.contains(u"created_at"_s));
    QVERIFY(second.contains(u"created_at"_s));
    first.remove(u"created_at"_s);
    second.remove(u"created_at"_s);
    QCOMPARE(first, second);
    QCOMPARE(first.value(u"kind"_s), u"production"_s);
    QCOMPARE(first.value(u"demo_seed"_s), QString::number(Seed));
    QVERIFY(!first.value(u"name"_s).isEmpty());
    QVERIFY(!first.value(u"currency"_s).isEmpty());
}

void TestDemoGenerator::differentSeedGivesDifferentData()
{
    for (const QString &table : {u"customers"_s, u"orders"_s, u"order_items"_s, u"customer_events"_s}) {
        const auto mine = tableHash(*m_db, table);
        PD_VERIFY_OK(mine);
        const auto other = tableHash(*m_other, table);
        PD_VERIFY_OK(other);
        QVERIFY2(mine.value() != other.value(), qPrintable(u"%1 is the same for seeds %2 and %3"_s.arg(table).arg(Seed).arg(Seed + 1)));
    }
    QCOMPARE(meta(*m_other).value(u"demo_seed"_s), QString::number(Seed + 1));
}

void TestDemoGenerator::reportMatchesTheTables()
{
    const auto counts = Workspace::counts(*m_db);
    PD_VERIFY_OK(counts);
    QMap<QString, qint64> rows;
    for (const TableCount &count : counts.value())
        rows.insert(count.table, count.rows);
    QCOMPARE(rows.value(u"customers"_s), m_report.customers);
    QCOMPARE(rows.value(u"orders"_s), m_report.orders);
    QCOMPARE(rows.value(u"order_items"_s), m_report.orderItems);
    QCOMPARE(rows.value(u"customer_events"_s), m_report.events);
    QCOMPARE(rows.value(u"products"_s), m_report.products);
    QCOMPARE(rows.value(u"skus"_s), m_report.skus);
    QCOMPARE(m_report.rows(), m_report.customers + m_report.orders + m_report.orderItems + m_report.events
                                  + m_report.products + m_report.skus);
    QVERIFY(m_report.totalMs >= m_report.loadMs);
}

void TestDemoGenerator::integrityAndForeignKeysAreClean()
{
    const auto foreignKeys = scalar(*m_db, u"PRAGMA foreign_keys"_s);
    PD_VERIFY_OK(foreignKeys);
    QCOMPARE(foreignKeys.value().toInt(), 1);

    const auto integrity = select(*m_db, u"PRAGMA integrity_check"_s);
    PD_VERIFY_OK(integrity);
    QStringList problems;
    for (const QVariantList &row : integrity.value())
        problems << row.at(0).toString();
    QCOMPARE(problems, QStringList{u"ok"_s});

    const auto violations = select(*m_db, u"PRAGMA foreign_key_check"_s);
    PD_VERIFY_OK(violations);
    QVERIFY2(violations.value().isEmpty(),
             qPrintable(u"%1 foreign key violations, first in table %2"_s.arg(violations.value().size())
                            .arg(violations.value().value(0).value(0).toString())));

    const auto info = Workspace::inspect(m_first);
    PD_VERIFY_OK(info);
    QCOMPARE(info.value().schemaVersion, Schema::currentVersion());
}

void TestDemoGenerator::customerSummariesMatchTheirOrders()
{
    // Recount every customer's summary from the orders table and list those that differ.
    const auto mismatches = select(*m_db, uR"(
        SELECT c.id, c.orders_count, ifnull(o.n, 0), c.total_spent, ifnull(o.spent, 0), c.last_order_at, o.last_at
        FROM customers c
        LEFT JOIN (SELECT customer_id, count(*) AS n, sum(amount) AS spent, max(created_at) AS last_at
                   FROM orders GROUP BY customer_id) o ON o.customer_id = c.id
        WHERE c.orders_count != ifnull(o.n, 0)
           OR c.total_spent != ifnull(o.spent, 0)
           OR c.last_order_at IS NOT o.last_at
        ORDER BY c.id)"_s);
    PD_VERIFY_OK(mismatches);
    QVERIFY2(mismatches.value().isEmpty(),
             qPrintable(u"%1 customers' summaries disagree with their orders, the first is cust_%2"_s
                            .arg(mismatches.value().size())
                            .arg(mismatches.value().value(0).value(0).toLongLong())));
    // The summary is not trivially empty.
    QVERIFY(countRows(*m_db, u"SELECT id FROM customers WHERE orders_count > ?"_s, {1}) > 100);
}

void TestDemoGenerator::ordersAreConsistentWithTheirItems()
{
    QCOMPARE(countRows(*m_db, u"SELECT id FROM orders WHERE NOT EXISTS "
                              u"(SELECT 1 FROM order_items i WHERE i.order_id = orders.id)"_s),
             qint64(0));
    QCOMPARE(countRows(*m_db, uR"(
        SELECT o.id FROM orders o JOIN order_items i ON i.order_id = o.id
        GROUP BY o.id
        HAVING o.amount != sum(i.amount) OR o.items_count != count(*))"_s),
             qint64(0));
    QCOMPARE(countRows(*m_db, u"SELECT order_id FROM order_items WHERE amount != price * quantity"_s), qint64(0));
}

void TestDemoGenerator::shapeIsPlausible()
{
    const auto customers = scalar(*m_db, u"SELECT count(*) FROM customers"_s);
    PD_VERIFY_OK(customers);
    QCOMPARE(customers.value().toLongLong(), demoMemberCount(DemoSize::Small));
    QCOMPARE(customers.value().toLongLong(), qint64(5000));

    const auto orders = scalar(*m_db, u"SELECT count(*) FROM orders"_s);
    PD_VERIFY_OK(orders);
    QVERIFY2(orders.value().toLongLong() > customers.value().toLongLong(), qPrintable(orders.value().toString()));

    const auto countries = select(*m_db, u"SELECT DISTINCT address_country FROM customers"_s);
    PD_VERIFY_OK(countries);
    QSet<QString> countrySet;
    for (const QVariantList &row : countries.value())
        countrySet.insert(row.at(0).toString());
    QVERIFY(countrySet.contains(u"IE"_s));
    QVERIFY(countrySet.contains(u"GB"_s));
    QVERIFY2(countrySet.size() >= 5, qPrintable(QStringList(countrySet.begin(), countrySet.end()).join(u' ')));

    for (const QString &consent : {u"consent_email"_s, u"consent_sms"_s, u"consent_push"_s}) {
        // Column names cannot be bound; these are fixed.
        const auto values = select(*m_db, u"SELECT DISTINCT %1 FROM customers ORDER BY 1"_s.arg(consent));
        PD_VERIFY_OK(values);
        QCOMPARE(values.value(), (Rows{{0}, {1}}));
    }

    QCOMPARE(countRows(*m_db, u"SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_events e "
                              u"WHERE e.customer_id = c.id AND e.type = ?)"_s,
                       {u"sign_up"_s}),
             qint64(0));
    const auto abandoned = scalar(*m_db, u"SELECT count(*) FROM customer_events WHERE type = ?"_s, {u"cart_abandoned"_s});
    PD_VERIFY_OK(abandoned);
    QVERIFY(abandoned.value().toLongLong() > 0);

    QCOMPARE(countRows(*m_db, u"SELECT id FROM customers WHERE created_at >= ?"_s, {asOfMs()}), qint64(0));
}

qint64 TestDemoGenerator::asOfMs()
{
    return QDateTime(DemoOptions().asOf, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

void TestDemoGenerator::historyFallsWithinEachMembersLife()
{
    QCOMPARE(countRows(*m_db, u"SELECT id FROM orders WHERE created_at >= ?"_s, {asOfMs()}), qint64(0));
    QCOMPARE(countRows(*m_db, u"SELECT e.id FROM customer_events e JOIN customers c ON c.id = e.customer_id "
                              u"WHERE e.created_at < c.created_at OR e.created_at >= ?"_s,
                       {asOfMs()}),
             qint64(0));
    // No order before its customer signed up, not even earlier on the sign-up day.
    QCOMPARE(countRows(*m_db, u"SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id "
                              u"WHERE o.created_at < c.created_at"_s),
             qint64(0));
}

void TestDemoGenerator::refusesAnExistingTarget()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"taken.promodesk"_s);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not yours to overwrite\n");
    }
    const QByteArray checksum = fileChecksum(path);
    const auto report = generateSmallDemo(path, Seed);
    QVERIFY(!report);
    QVERIFY2(report.error().toString().contains(path), qPrintable(report.error().toString()));
    QCOMPARE(fileChecksum(path), checksum);
    QCOMPARE(entriesIn(dir.path()), QStringList{u"taken.promodesk"_s});
}

void TestDemoGenerator::cancellingLeavesNothingBehind()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"cancelled.promodesk"_s);
    DemoOptions options;
    options.seed = Seed;
    QList<int> seen;
    const auto report = generateDemo(path, options, [&seen](int percent) {
        seen.append(percent);
        return percent < 30;
    });
    QVERIFY(!report);
    QVERIFY2(report.error().toString().contains(path), qPrintable(report.error().toString()));
    QVERIFY(!seen.isEmpty());
    QCOMPARE(seen.constLast(), 30);
    QVERIFY(std::is_sorted(seen.cbegin(), seen.cend()));
    QVERIFY(!QFileInfo::exists(path));
    QCOMPARE(entriesIn(dir.path()), QStringList());
}

QTEST_GUILESS_MAIN(TestDemoGenerator)
#include "tst_demogenerator.moc"
