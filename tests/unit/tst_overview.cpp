// The dashboard's overview reads maintained summaries; it must equal a recount.

#include "store/connection.h"
#include "store/demogenerator.h"
#include "store/tasks.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;

class TestOverview : public QObject
{
    Q_OBJECT

private slots:
    void overviewEqualsARecountOfOrders()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("overview.promodesk"));
        Store::DemoOptions options;
        options.seed = 11;
        QVERIFY(Store::generateDemo(path, options).ok());
        auto connection = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
        QVERIFY(connection.ok());
        // A guest order (no customer) counts too.
        QSqlQuery guest(connection.value()->database());
        QVERIFY(guest.exec(QStringLiteral("INSERT INTO orders(id, amount, items_count, created_at) "
                                          "VALUES (999999999, 1234, 1, 1800000000000)")));

        auto overview = Store::overview(*connection.value());
        QVERIFY(overview.ok());
        QSqlQuery recount(connection.value()->database());
        QVERIFY(recount.exec(QStringLiteral("SELECT count(*), sum(amount), max(created_at) FROM orders")) && recount.next());
        QCOMPARE(overview.value().orders, recount.value(0).toLongLong());
        QCOMPARE(overview.value().revenue, recount.value(1).toLongLong());
        QCOMPARE(overview.value().lastOrderAt.value_or(-1), recount.value(2).toLongLong());
        QCOMPARE(overview.value().customers, 5000);
        QVERIFY(overview.value().products > 0);
    }
};

QTEST_GUILESS_MAIN(TestOverview)
#include "tst_overview.moc"
