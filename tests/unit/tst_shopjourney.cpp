// The "done means" for customers and segments, end to end through the command
// line a shop's scripts would use: a fresh workspace, the shop's CSVs imported
// (customers, products, orders, events), the seed segments created, their counts
// checked against plain SQL written here, then a burst of 10 000 orders imported and
// every auto-update segment compared with a full recount, and the segments exported
// and read back by Python's csv module.

#include "clirunner.h"
#include "testsupport.h"

#include "store/connection.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace PromoDesk;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

constexpr int Customers = 3000;
constexpr qint64 DayMs = 86'400'000;

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODate);
}

bool write(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestShopJourney : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void importTheShop();
    void seedSegmentsMatchSql();
    void burstOfOrdersKeepsSegmentsExact();
    void exportReadsBack();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    Run cli(QStringList arguments)
    {
        arguments << u"--workspace"_s << m_workspace;
        return runCli(arguments);
    }
    QSet<qint64> sqlSet(const QString &sql, const QVariantList &values = {});
    QSet<qint64> members(const QString &segment);
    QByteArray ordersCsv(int orders, int firstNumber, qint64 at);

    QTemporaryDir m_dir;
    QString m_workspace;
    qint64 m_now = 0;
    QRandomGenerator m_random{2026};
};

void TestShopJourney::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_workspace = file(u"shop.promodesk"_s);
    m_now = QDateTime::currentMSecsSinceEpoch();
    const Run init = runCli({u"init"_s, u"--workspace"_s, m_workspace, u"--quiet"_s});
    QVERIFY2(init.exitCode == 0, init.err.constData());
}

QByteArray TestShopJourney::ordersCsv(int orders, int firstNumber, qint64 at)
{
    QByteArray csv = "order_id;customer_id;created_at;sku_id;qty;price\r\n";
    for (int i = 0; i < orders; ++i) {
        const int customer = 1 + int(m_random.bounded(quint32(Customers)));
        const int lines = 1 + int(m_random.bounded(2u));
        const qint64 when = at - qint64(m_random.bounded(200u)) * DayMs;
        for (int l = 0; l < lines; ++l)
            csv += u"O-%1;C-%2;%3;S-%4;%5;%6\r\n"_s.arg(firstNumber + i)
                       .arg(customer)
                       .arg(iso(when))
                       .arg(1 + m_random.bounded(20u))
                       .arg(1 + m_random.bounded(3u))
                       .arg(u"%1.%2"_s.arg(5 + m_random.bounded(60u)).arg(m_random.bounded(100u), 2, 10, QLatin1Char('0')))
                       .toUtf8();
    }
    return csv;
}

void TestShopJourney::importTheShop()
{
    // Customers: a BOM, names with commas and quotes, several countries and tiers.
    QByteArray customers = "\xEF\xBB\xBF" "id,first_name,last_name,email,country,loyalty_tier,created_at\r\n";
    const QStringList countries = {u"IE"_s, u"GB"_s, u"FR"_s, u"IE"_s};
    const QStringList tiers = {u"bronze"_s, u"silver"_s, u"gold"_s};
    for (int i = 1; i <= Customers; ++i) {
        const qint64 created = m_now - qint64(m_random.bounded(400u)) * DayMs - 3600000;
        customers += u"C-%1,\"O'Neill, %1\",\"Murphy \"\"Jr\"\"\",c%1@example.ie,%2,%3,%4\r\n"_s.arg(i)
                         .arg(countries[i % countries.size()], tiers[i % tiers.size()], iso(created))
                         .toUtf8();
    }
    QVERIFY(write(file(u"customers.csv"_s), customers));
    QByteArray products = "product_id,product_name,category,sku_id,price\n";
    for (int s = 1; s <= 20; ++s)
        products += u"P-%1,Product %1,Category %2,S-%3,%4.99\n"_s.arg((s + 1) / 2).arg(((s + 1) / 2) % 4).arg(s).arg(s).toUtf8();
    QVERIFY(write(file(u"products.csv"_s), products));
    QVERIFY(write(file(u"orders.csv"_s), ordersCsv(4000, 1, m_now)));
    QByteArray events = "customer_id,type,created_at\n";
    for (int i = 1; i <= Customers; i += 7)
        events += u"C-%1,cart_abandoned,%2\n"_s.arg(i).arg(iso(m_now - qint64(m_random.bounded(5u)) * DayMs - 60000)).toUtf8();
    QVERIFY(write(file(u"events.csv"_s), events));

    for (const QString &kind : {u"customers"_s, u"products"_s, u"orders"_s, u"events"_s}) {
        const Run run = cli({u"import"_s, kind, file(kind + u".csv"_s)});
        QVERIFY2(run.exitCode == 0, qPrintable(kind + u": "_s + QString::fromUtf8(run.err)));
    }
    auto db = openConnection(m_workspace);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toInt(), Customers);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM orders"_s).value().toInt(), 4000);
    QCOMPARE(scalar(*db, u"SELECT name FROM customers WHERE source_id = 'C-7'"_s).value().toString(),
             u"O'Neill, 7 Murphy \"Jr\""_s);
    // The summaries follow the orders.
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers c WHERE total_spent != "
                         "(SELECT ifnull(sum(amount), 0) FROM orders o WHERE o.customer_id = c.id)"_s)
                 .value()
                 .toInt(),
             0);
}

QSet<qint64> TestShopJourney::sqlSet(const QString &sql, const QVariantList &values)
{
    auto db = openConnection(m_workspace);
    QSet<qint64> out;
    auto rows = select(*db, sql, values);
    for (const QVariantList &row : rows.value())
        out.insert(row.value(0).toLongLong());
    return out;
}

QSet<qint64> TestShopJourney::members(const QString &segment)
{
    return sqlSet(u"SELECT m.customer_id FROM segment_members m JOIN segments s ON s.id = m.segment_id "
                  "WHERE s.name = ? AND m.left_at IS NULL"_s,
                  {segment});
}

void TestShopJourney::seedSegmentsMatchSql()
{
    struct Seed
    {
        QString name;
        QString rule;
        QString sql; // the same question in plain SQL, written here
        QVariantList values;
    };
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<Seed> seeds = {
        {u"Abandoned cart, last 2 days"_s, u"customer.events.last_at(type: \"cart_abandoned\") within last 2 days"_s,
         u"SELECT DISTINCT customer_id FROM customer_events WHERE type = 'cart_abandoned' AND created_at >= ?"_s,
         {now - 2 * DayMs}},
        {u"Signed up this week"_s, u"customer.created_at within last 7 days"_s,
         u"SELECT id FROM customers WHERE created_at >= ?"_s, {now - 7 * DayMs}},
        {u"Inactive 3+ months"_s, u"customer.last_order_at more than 90 days ago"_s,
         u"SELECT id FROM customers WHERE last_order_at < ?"_s, {now - 90 * DayMs}},
        {u"Premium tier"_s, u"customer.loyalty_tier is \"gold\""_s, u"SELECT id FROM customers WHERE loyalty_tier = 'gold'"_s, {}},
        {u"Ireland"_s, u"customer.country is \"IE\""_s, u"SELECT id FROM customers WHERE address_country = 'IE'"_s, {}},
        {u"5+ orders"_s, u"customer.orders_count >= 5"_s, u"SELECT id FROM customers WHERE orders_count >= 5"_s, {}},
    };
    for (const Seed &seed : seeds) {
        const Run run = cli({u"segment"_s, u"create"_s, u"--name"_s, seed.name, u"--rule"_s, seed.rule});
        QVERIFY2(run.exitCode == 0, qPrintable(seed.name + u": "_s + QString::fromUtf8(run.err)));
        const QSet<qint64> expected = sqlSet(seed.sql, seed.values);
        // Around a day boundary of "within", a second can separate the two clocks; the
        // sets must still agree for these data (times are whole days plus a margin).
        QVERIFY2(members(seed.name) == expected,
                 qPrintable(u"%1: %2 members, SQL says %3"_s.arg(seed.name).arg(members(seed.name).size()).arg(expected.size())));
        QVERIFY2(!expected.isEmpty() || seed.name.startsWith(u"Signed"_s), qPrintable(seed.name));
    }
}

void TestShopJourney::burstOfOrdersKeepsSegmentsExact()
{
    // 10 000 more orders in one file: the import refreshes every auto-update segment for
    // the customers it touched; the result must equal a recount of every rule.
    QVERIFY(write(file(u"burst.csv"_s), ordersCsv(10000, 100000, m_now)));
    const Run run = cli({u"import"_s, u"orders"_s, file(u"burst.csv"_s)});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    auto db = openConnection(m_workspace);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM orders"_s).value().toInt(), 14000);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(members(u"5+ orders"_s), sqlSet(u"SELECT id FROM customers WHERE orders_count >= 5"_s));
    QCOMPARE(members(u"Inactive 3+ months"_s), sqlSet(u"SELECT id FROM customers WHERE last_order_at < ?"_s, {now - 90 * DayMs}));
    // And the segments whose rules orders do not touch are as they were.
    QCOMPARE(members(u"Ireland"_s), sqlSet(u"SELECT id FROM customers WHERE address_country = 'IE'"_s));
}

void TestShopJourney::exportReadsBack()
{
    const QString out = file(u"ireland.csv"_s);
    const Run run = cli({u"segment"_s, u"export"_s, u"--segment"_s, u"Ireland"_s, u"--output"_s, out, u"--bom"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QProcess python;
    python.start(u"python3"_s, {u"-c"_s, u"import csv,sys\n"
                                          "rows=list(csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8-sig')))\n"
                                          "print(len(rows))\n"
                                          "print(sorted(rows, key=lambda r: int(r['id'][5:]))[6]['name'])\n"_s,
                                 out});
    QVERIFY(python.waitForFinished(30000));
    const QStringList lines = QString::fromUtf8(python.readAllStandardOutput()).split(u'\n');
    QVERIFY2(lines.size() >= 2, python.readAllStandardError().constData());
    QCOMPARE(lines[0].toInt(), members(u"Ireland"_s).size());
    // Names with a comma and doubled quotes come back whole.
    QVERIFY2(lines[1].startsWith(u"O'Neill, "_s) && lines[1].endsWith(u"Murphy \"Jr\""_s), qPrintable(lines[1]));
}

QTEST_GUILESS_MAIN(TestShopJourney)
#include "tst_shopjourney.moc"
