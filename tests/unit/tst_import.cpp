// CSV imports (models/store/importer.h and `promodesk-cli import`): every kind, upserts
// by source id, the error messages word for word and their cap at 100, all or nothing
// (every table's hash unchanged after a refused, cancelled or dry-run import), customer
// summaries equal to a recount after orders, the files people have (BOM, semicolons,
// quoted line breaks), and a real SIGKILL in the middle of a big import.

#include "clirunner.h"
#include "testsupport.h"

#include "store/connection.h"
#include "store/importer.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/schema.h"
#include "store/segmentstore.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest/QtTest>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(PromoDesk::Store::ImportKind)

namespace {

const qint64 Now = QDateTime(QDate(2026, 11, 2), QTime(10, 0), QTimeZone::utc()).toMSecsSinceEpoch();

qint64 utc(int y, int m, int d, int h = 0, int min = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min), QTimeZone::utc()).toMSecsSinceEpoch();
}

// The errors without the file name in front ("line 3, column "x": …").
QStringList errorTexts(const ImportReport &report)
{
    QStringList out;
    for (const ImportError &e : report.errors) {
        QString text = e.toString();
        if (text.startsWith(e.file + u", "_s) || text.startsWith(e.file + u": "_s))
            text = text.mid(e.file.size() + 2);
        out << text;
    }
    return out;
}

const QByteArray Catalogue = "product_source_id,product_name,category,sku_source_id,sku,price\n"
                             "P-1,Kibble,Dog Food,S-1,Kibble 2 kg,12.50\n"
                             "P-1,Kibble,Dog Food,S-2,Kibble 10 kg,39.99\n"
                             "P-2,Ball,Toys,S-3,Ball,3.00\n";

const QByteArray Customers = "source_id,first_name,last_name,email,country,birthdate,tags,metadata.pet,consent_email,created_at\n"
                             "C-1,Aoife,Murphy,aoife@example.ie,ie,1990-02-28,dog-owner;vip,Rex,yes,2025-01-05T10:00:00Z\n"
                             "C-2,Liam,,liam@example.ie,GB,,,,no,2025-02-01\n"
                             "C-3,,Ó Brien,sean@example.ie,FR,,cat-owner,Tom,1,\n";

} // namespace

class TestImport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void importsCustomers();
    void reimportUpdatesWithoutDuplicates();
    void repeatedSourceIdIsRefused();
    void bigImportsRebuildTheirIndexes();
    void importsProductsAndSkus();
    void productRowsMustAgree();
    void importsOrdersWithLines();
    void summariesEqualARecountAfterOrders();
    void orderLinesMustBeConsecutive();
    void importsEvents();
    void readsQuotedSemicolonAndBomFiles();
    void headerMapping();
    void errorMessagesAreExact_data();
    void errorMessagesAreExact();
    void errorsStopAtOneHundred();
    void refusedImportChangesNothing_data();
    void refusedImportChangesNothing();
    void cancelAndDryRunChangeNothing();
    void importIsAudited();
    void autoUpdateSegmentsFollowImports();
    void previewShowsTheMapping();
    void cliPrintsASummary();
    void cliRefusesBadFilesAndBadUsage();
    void killedImportLeavesTheWorkspaceAsItWas();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString writeFile(const QString &name, const QByteArray &content);
    QString freshWorkspace(const QString &name);
    QString demoWorkspace(const QString &name);
    ImportReport import(const QString &workspace, ImportKind kind, const QByteArray &csv, ImportOptions options = {});
    QMap<QString, QByteArray> hashes(const QString &workspace);
    QStringList schema(const QString &workspace);

    QTemporaryDir m_dir;
    QString m_empty; // an empty workspace to copy
    QString m_demo;  // the small demo workspace to copy
    int m_files = 0;
};

void TestImport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_empty = path(u"empty.promodesk"_s);
    PD_VERIFY_OK(Workspace::create(m_empty, WorkspaceKind::Production, u"Import tests"_s));
    m_demo = path(u"demo.promodesk"_s);
    PD_VERIFY_OK(generateSmallDemo(m_demo, 7));
}

QString TestImport::writeFile(const QString &name, const QByteArray &content)
{
    const QString file = path(u"%1-%2"_s.arg(++m_files).arg(name));
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return {};
    return file;
}

QString TestImport::freshWorkspace(const QString &name)
{
    const QString target = path(name + u".promodesk"_s);
    QFile::remove(target);
    return QFile::copy(m_empty, target) ? target : QString();
}

QString TestImport::demoWorkspace(const QString &name)
{
    const QString target = path(name + u".promodesk"_s);
    QFile::remove(target);
    return QFile::copy(m_demo, target) ? target : QString();
}

ImportReport TestImport::import(const QString &workspace, ImportKind kind, const QByteArray &csv, ImportOptions options)
{
    options.kind = kind;
    if (options.now == 0)
        options.now = Now;
    const QString file = writeFile(importKindName(kind) + u".csv"_s, csv);
    auto connection = Workspace::openForWriting(workspace);
    if (!connection) {
        ImportReport failed;
        failed.errors << ImportError{file, 0, {}, connection.error().toString()};
        return failed;
    }
    return Importer(*connection.value()).run(file, options);
}

QMap<QString, QByteArray> TestImport::hashes(const QString &workspace)
{
    QMap<QString, QByteArray> out;
    auto connection = openConnection(workspace, Connection::Access::ReadWrite);
    if (!connection)
        return out;
    for (const QString &table : Schema::tables()) {
        auto hash = tableHash(*connection, table);
        out.insert(table, hash ? hash.value() : QByteArray("error: ") + hash.error().toString().toUtf8());
    }
    return out;
}

// Every table, index and trigger as SQLite keeps it.
QStringList TestImport::schema(const QString &workspace)
{
    auto connection = openConnection(workspace);
    QStringList out;
    if (!connection)
        return out;
    const auto rows = select(*connection, u"SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_schema "
                                          u"ORDER BY type, name"_s);
    for (const QVariantList &row : rows ? rows.value() : Rows())
        out << row.value(0).toString();
    return out;
}

#define VERIFY_IMPORTED(report)                                                                                \
    QVERIFY2((report).ok(), qPrintable(errorTexts(report).join(u'\n') + ((report).cancelled ? u"cancelled"_s : QString())))

void TestImport::importsCustomers()
{
    const QString ws = freshWorkspace(u"customers"_s);
    const ImportReport report = import(ws, ImportKind::Customers, Customers);
    VERIFY_IMPORTED(report);
    QCOMPARE(report.rows, 3);
    QCOMPARE(report.inserted, 3);
    QCOMPARE(report.updated, 0);

    auto db = openConnection(ws);
    QVERIFY(db);
    const auto rows = select(*db, u"SELECT source_id, name, email, address_country, birthdate, tags, metadata, "
                                  u"consent_email, created_at, updated_at, consents_updated_at, orders_count, total_spent, "
                                  u"last_order_at FROM customers ORDER BY source_id"_s);
    PD_VERIFY_OK(rows);
    QCOMPARE(rows.value().size(), 3);
    const QVariantList aoife = rows.value()[0];
    QCOMPARE(aoife[1].toString(), u"Aoife Murphy"_s);
    QCOMPARE(aoife[2].toString(), u"aoife@example.ie"_s);
    QCOMPARE(aoife[3].toString(), u"IE"_s); // upper-cased
    QCOMPARE(aoife[4].toString(), u"1990-02-28"_s);
    QCOMPARE(aoife[5].toString(), u"[\"dog-owner\",\"vip\"]"_s);
    QCOMPARE(aoife[6].toString(), u"{\"pet\":\"Rex\"}"_s);
    QCOMPARE(aoife[7].toInt(), 1);
    QCOMPARE(aoife[8].toLongLong(), utc(2025, 1, 5, 10));
    QCOMPARE(aoife[9].toLongLong(), Now);
    QCOMPARE(aoife[10].toLongLong(), Now);
    QCOMPARE(aoife[11].toLongLong(), 0);
    QCOMPARE(aoife[12].toLongLong(), 0);
    QVERIFY(aoife[13].isNull());
    const QVariantList liam = rows.value()[1];
    QCOMPARE(liam[1].toString(), u"Liam"_s);
    QVERIFY(liam[4].isNull());
    QCOMPARE(liam[5].toString(), u"[]"_s);
    QCOMPARE(liam[6].toString(), u"{}"_s); // an empty metadata cell sets nothing
    QCOMPARE(liam[7].toInt(), 0);
    QCOMPARE(liam[8].toLongLong(), utc(2025, 2, 1));
    const QVariantList sean = rows.value()[2];
    QCOMPARE(sean[1].toString(), u"Ó Brien"_s);
    QCOMPARE(sean[8].toLongLong(), Now); // no created_at: the time of the import
}

void TestImport::reimportUpdatesWithoutDuplicates()
{
    const QString ws = freshWorkspace(u"upsert"_s);
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, Customers));
    auto db = openConnection(ws);
    QVERIFY(db);
    const auto before = select(*db, u"SELECT id, source_id FROM customers ORDER BY id"_s);
    PD_VERIFY_OK(before);

    // Another file: one customer changed, one new; columns it lacks are kept,
    // metadata keys merge, an empty metadata cell removes its key.
    ImportOptions later;
    later.now = Now + 1000;
    const ImportReport report = import(ws, ImportKind::Customers,
                                       "Source_ID,Email,Metadata.Level,metadata.pet,tags\n"
                                       "C-1,aoife@new.ie,gold,,\n"
                                       "C-4,new@example.ie,silver,Kit,x\n",
                                       later);
    VERIFY_IMPORTED(report);
    QCOMPARE(report.inserted, 1);
    QCOMPARE(report.updated, 1);
    const auto after = select(*db, u"SELECT id, source_id, name, email, metadata, tags, address_country, created_at, "
                                   u"updated_at FROM customers ORDER BY id"_s);
    PD_VERIFY_OK(after);
    QCOMPARE(after.value().size(), 4);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(after.value()[i][0], before.value()[i][0]); // same keys, no duplicates
    const QVariantList aoife = after.value()[0];
    QCOMPARE(aoife[2].toString(), u"Aoife Murphy"_s);          // kept
    QCOMPARE(aoife[3].toString(), u"aoife@new.ie"_s);          // updated
    QCOMPARE(aoife[4].toString(), u"{\"Level\":\"gold\"}"_s);  // pet removed, Level added
    QCOMPARE(aoife[5].toString(), u"[]"_s);                    // an empty tags cell clears them
    QCOMPARE(aoife[6].toString(), u"IE"_s);                    // kept
    QCOMPARE(aoife[7].toLongLong(), utc(2025, 1, 5, 10));      // kept
    QCOMPARE(aoife[8].toLongLong(), Now + 1000);
    QCOMPARE(after.value()[3][1].toString(), u"C-4"_s);

    // The same file twice: everything updated, nothing new.
    const ImportReport again = import(ws, ImportKind::Customers, Customers);
    VERIFY_IMPORTED(again);
    QCOMPARE(again.inserted, 0);
    QCOMPARE(again.updated, 3);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toInt(), 4);
}

void TestImport::repeatedSourceIdIsRefused()
{
    const QString ws = freshWorkspace(u"repeated"_s);
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, "source_id,name\nC-9,Old\n"));
    // A new customer twice, and an existing one twice.
    const ImportReport report = import(ws, ImportKind::Customers,
                                       "source_id,name\nC-1,A\nC-9,B\nC-2,C\nC-1,D\nC-9,E\n");
    QVERIFY(!report.ok());
    QCOMPARE(errorTexts(report),
             (QStringList{u"line 5, column \"source_id\": \"C-1\" is also on line 2 (one row per customer)"_s}));
    // Writing stops at the first error, so the second repeat is found on the next run.
    auto db = openConnection(ws);
    QCOMPARE(scalar(*db, u"SELECT group_concat(source_id || '=' || name) FROM customers"_s).value().toString(),
             u"C-9=Old"_s);
    const ImportReport second = import(ws, ImportKind::Customers, "source_id,name\nC-9,B\nC-2,C\nC-9,E\n");
    QCOMPARE(errorTexts(second),
             (QStringList{u"line 4, column \"source_id\": \"C-9\" is also on line 2 (one row per customer)"_s}));

    // New rows go in 64 at a time: a repeat inside a later batch still names both lines,
    // and is listed in line order before a bad value further on in the same batch.
    QByteArray many = "source_id,name,email\n";
    for (int i = 0; i < 300; ++i)
        many += "M-" + QByteArray::number(i) + ",Many," + (i == 170 ? "broken" : "m@b.ie") + '\n';
    many.replace("M-150,", "M-10,");
    const ImportReport batched = import(ws, ImportKind::Customers, many);
    QCOMPARE(errorTexts(batched),
             (QStringList{u"line 152, column \"source_id\": \"M-10\" is also on line 12 (one row per customer)"_s,
                          u"line 172, column \"email\": \"broken\" is not an email address"_s}));
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toInt(), 1);
}

// Big loads drop the customer indexes on the columns they set and build them again
// before the commit; re-imports look rows up first. The schema is the same afterwards,
// the indexes agree with the table, and a repeat is still caught in either mode.
void TestImport::bigImportsRebuildTheirIndexes()
{
    const QString ws = freshWorkspace(u"big"_s);
    const QStringList emptySchema = schema(ws);
    const auto file = [](const QByteArray &name, int rows) {
        QByteArray csv = "source_id,name,country,created_at\n";
        for (int i = 0; i < rows; ++i)
            csv += "B-" + QByteArray::number(i) + ',' + name + ' ' + QByteArray::number((i * 7919) % 30000) + ",IE,2025-0"
                   + QByteArray::number(1 + i % 9) + "-01\n";
        return csv;
    };
    const ImportReport first = import(ws, ImportKind::Customers, file("First", 30000));
    VERIFY_IMPORTED(first);
    QCOMPARE(first.inserted, 30000);
    const ImportReport second = import(ws, ImportKind::Customers, file("Second", 30000));
    VERIFY_IMPORTED(second);
    QCOMPARE(second.updated, 30000);
    QCOMPARE(schema(ws), emptySchema);
    auto db = openConnection(ws);
    QCOMPARE(scalar(*db, u"PRAGMA integrity_check"_s).value().toString(), u"ok"_s);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers INDEXED BY customers_by_name WHERE name >= 'Second'"_s)
                 .value()
                 .toInt(),
             30000);
    // A repeat after many updates (looking up first) and after many inserts.
    const ImportReport repeatedUpdate = import(ws, ImportKind::Customers, file("Third", 30000) + "B-5,Again,IE,\n");
    QCOMPARE(errorTexts(repeatedUpdate),
             (QStringList{u"line 30002, column \"source_id\": \"B-5\" is also on line 7 (one row per customer)"_s}));
    QByteArray fresh = file("New", 30000).replace("B-", "N-");
    const ImportReport repeatedInsert = import(ws, ImportKind::Customers, fresh + "N-29999,Again,IE,\n");
    QCOMPARE(errorTexts(repeatedInsert),
             (QStringList{u"line 30002, column \"source_id\": \"N-29999\" is also on line 30001 (one row per customer)"_s}));
    QCOMPARE(schema(ws), emptySchema);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toInt(), 30000);
}

void TestImport::importsProductsAndSkus()
{
    const QString ws = freshWorkspace(u"products"_s);
    const ImportReport report = import(ws, ImportKind::Products, Catalogue);
    VERIFY_IMPORTED(report);
    QCOMPARE(report.inserted, 3);
    QCOMPARE(report.productsInserted, 2);
    QCOMPARE(report.categoriesInserted, 2);
    auto db = openConnection(ws);
    QVERIFY(db);
    const auto skus = select(*db, u"SELECT s.id, s.source_id, s.sku, s.price, p.id, p.source_id, p.name, c.name "
                                  u"FROM skus s JOIN products p ON p.id = s.product_id "
                                  u"LEFT JOIN categories c ON c.id = p.category_id ORDER BY s.source_id"_s);
    PD_VERIFY_OK(skus);
    QCOMPARE(skus.value().size(), 3);
    QCOMPARE(skus.value()[0], (QVariantList{u"sku_00001_1"_s, u"S-1"_s, u"Kibble 2 kg"_s, 1250, u"prod_00001"_s, u"P-1"_s,
                                            u"Kibble"_s, u"Dog Food"_s}));
    QCOMPARE(skus.value()[1][3].toLongLong(), 3999);
    QCOMPARE(skus.value()[1][4].toString(), u"prod_00001"_s);
    QCOMPARE(skus.value()[2][4].toString(), u"prod_00002"_s);
    QCOMPARE(scalar(*db, u"SELECT group_concat(id || ':' || name, ' ') FROM (SELECT * FROM categories ORDER BY id)"_s)
                 .value()
                 .toString(),
             u"cat_dog_food:Dog Food cat_toys:Toys"_s);

    // Again with a changed price, a new SKU of P-2 and a category named by id.
    const ImportReport again = import(ws, ImportKind::Products,
                                      "product_id,category,sku_id,price\n"
                                      "P-1,cat_toys,S-1,13\n"
                                      "P-2,,S-4,4.5\n");
    VERIFY_IMPORTED(again);
    QCOMPARE(again.inserted, 1);
    QCOMPARE(again.updated, 1);
    QCOMPARE(again.productsUpdated, 2);
    QCOMPARE(again.categoriesInserted, 0);
    QCOMPARE(scalar(*db, u"SELECT price FROM skus WHERE source_id = 'S-1'"_s).value().toLongLong(), 1300);
    QCOMPARE(scalar(*db, u"SELECT sku || ' ' || price || ' ' || product_id FROM skus WHERE source_id = 'S-4'"_s)
                 .value()
                 .toString(),
             u"S-4 450 prod_00002"_s);
    QCOMPARE(scalar(*db, u"SELECT category_id FROM products WHERE source_id = 'P-1'"_s).value().toString(), u"cat_toys"_s);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM skus"_s).value().toInt(), 4);

    // Into the demo catalogue: new ids continue after the demo's.
    const QString demo = demoWorkspace(u"products-demo"_s);
    VERIFY_IMPORTED(import(demo, ImportKind::Products, Catalogue));
    auto demoDb = openConnection(demo);
    QCOMPARE(scalar(*demoDb, u"SELECT product_id FROM skus WHERE source_id = 'S-1'"_s).value().toString(),
             u"prod_00165"_s);
}

void TestImport::productRowsMustAgree()
{
    const QString ws = freshWorkspace(u"products-agree"_s);
    const ImportReport report = import(ws, ImportKind::Products,
                                       "product_source_id,product_name,sku_source_id,price\n"
                                       "P-1,Kibble,S-1,1.00\n"
                                       "P-1,Biscuits,S-2,2.00\n"
                                       "P-2,,S-3,3.00\n"
                                       "P-3,Bone,S-4,\n"
                                       "P-3,Bone,S-1,1.00\n");
    QCOMPARE(errorTexts(report),
             (QStringList{u"line 3, column \"product_name\": \"Biscuits\" differs from this product's first row (line 2: "
                          u"\"Kibble\")"_s,
                          u"line 4, column \"product_name\": a new product needs a name"_s,
                          u"line 5, column \"price\": a new SKU needs a price"_s,
                          u"line 6, column \"sku_source_id\": \"S-1\" is also on line 2 (one row per SKU)"_s}));
}

void TestImport::importsOrdersWithLines()
{
    const QString ws = freshWorkspace(u"orders"_s);
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, Customers));
    VERIFY_IMPORTED(import(ws, ImportKind::Products, Catalogue));
    const ImportReport report = import(ws, ImportKind::Orders,
                                       "order_source_id,customer_source_id,created_at,status,channel,sku_source_id,"
                                       "quantity,price,metadata.coupon\n"
                                       "O-1,C-1,2026-01-10T12:00:00Z,paid,web,S-1,2,,SPRING\n"
                                       "O-1,,,,,S-3,1,2.50,\n"
                                       "O-2,C-1,2026-02-01T08:30:00+01:00,CANCELLED,store,S-2,,,\n"
                                       "O-3,,2026-03-01,,,S-1,1,,\n");
    VERIFY_IMPORTED(report);
    QCOMPARE(report.inserted, 3);
    QCOMPARE(report.orderItems, 4);
    QCOMPARE(report.customersRecounted, 1);
    auto db = openConnection(ws);
    QVERIFY(db);
    const auto orders = select(*db, u"SELECT source_id, customer_id, status, amount, items_count, channel, metadata, "
                                    u"created_at FROM orders ORDER BY source_id"_s);
    PD_VERIFY_OK(orders);
    const qint64 aoife = scalar(*db, u"SELECT id FROM customers WHERE source_id = 'C-1'"_s).value().toLongLong();
    QCOMPARE(orders.value()[0], (QVariantList{u"O-1"_s, aoife, u"PAID"_s, 2 * 1250 + 250, 2, u"web"_s,
                                              u"{\"coupon\":\"SPRING\"}"_s, utc(2026, 1, 10, 12)}));
    QCOMPARE(orders.value()[1][2].toString(), u"CANCELED"_s);
    QCOMPARE(orders.value()[1][3].toLongLong(), 3999);
    QCOMPARE(orders.value()[1][7].toLongLong(), utc(2026, 2, 1, 7, 30));
    QVERIFY(orders.value()[2][1].isNull()); // a guest order
    const auto lines = select(*db, u"SELECT line_no, sku_id, product_id, quantity, price, i.amount FROM order_items i "
                                   u"JOIN orders o ON o.id = i.order_id WHERE o.source_id = 'O-1' ORDER BY line_no"_s);
    PD_VERIFY_OK(lines);
    QCOMPARE(lines.value(), (Rows{{1, u"sku_00001_1"_s, u"prod_00001"_s, 2, 1250, 2500},
                                  {2, u"sku_00002_1"_s, u"prod_00002"_s, 1, 250, 250}}));
    // Every order counts in the summary, whatever its status.
    QCOMPARE(select(*db, u"SELECT orders_count, total_spent, last_order_at FROM customers WHERE id = ?"_s, {aoife}).value(),
             (Rows{{2, 2750 + 3999, utc(2026, 2, 1, 7, 30)}}));

    // Re-importing O-1 replaces its lines; moving O-2 to C-2 recounts both customers.
    const ImportReport again = import(ws, ImportKind::Orders,
                                      "order_id,customer,date,sku,qty\n"
                                      "O-1,C-1,2026-01-10T12:00:00Z,Ball,3\n"
                                      "O-2,C-2,2026-02-01T07:30:00Z,Kibble 10 kg,1\n");
    VERIFY_IMPORTED(again);
    QCOMPARE(again.updated, 2);
    QCOMPARE(again.customersRecounted, 2);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM order_items"_s).value().toInt(), 3);
    QCOMPARE(select(*db, u"SELECT status, channel, metadata, amount FROM orders WHERE source_id = 'O-1'"_s).value(),
             (Rows{{u"PAID"_s, u"web"_s, u"{\"coupon\":\"SPRING\"}"_s, 900}})); // columns it lacks are kept
    QCOMPARE(select(*db, u"SELECT orders_count, total_spent FROM customers WHERE source_id IN ('C-1', 'C-2') "
                         u"ORDER BY source_id"_s)
                 .value(),
             (Rows{{1, 900}, {1, 3999}}));
}

void TestImport::summariesEqualARecountAfterOrders()
{
    const QString ws = demoWorkspace(u"recount"_s);
    auto db = openConnection(ws);
    QVERIFY(db);
    // New orders for demo members, and demo orders moved to another member.
    const auto members = select(*db, u"SELECT source_id FROM customers ORDER BY id LIMIT 40"_s);
    const auto skus = select(*db, u"SELECT source_id FROM skus ORDER BY id LIMIT 5"_s);
    const auto demoOrders = select(*db, u"SELECT source_id FROM orders ORDER BY id LIMIT 10"_s);
    PD_VERIFY_OK(members);
    PD_VERIFY_OK(skus);
    PD_VERIFY_OK(demoOrders);
    QByteArray csv = "order_source_id,customer_source_id,created_at,status,sku_source_id,quantity\n";
    for (int i = 0; i < 60; ++i) {
        const QByteArray order = i < 10 ? demoOrders.value()[i][0].toString().toUtf8() : "N-" + QByteArray::number(i);
        const QByteArray member = members.value()[(i * 7) % 40][0].toString().toUtf8();
        for (int line = 0; line < 1 + i % 3; ++line)
            csv += order + ',' + member + ",2026-0" + QByteArray::number(1 + i % 9) + "-15T10:00:00Z,"
                   + (i % 5 == 0 ? "CANCELED" : "PAID") + ',' + skus.value()[(i + line) % 5][0].toString().toUtf8() + ','
                   + QByteArray::number(1 + line) + '\n';
    }
    const ImportReport report = import(ws, ImportKind::Orders, csv);
    VERIFY_IMPORTED(report);
    QCOMPARE(report.inserted, 50);
    QCOMPARE(report.updated, 10);
    const auto mismatches = select(*db, uR"(
        SELECT c.id FROM customers c
        LEFT JOIN (SELECT customer_id, count(*) AS n, sum(amount) AS spent, max(created_at) AS last_at
                   FROM orders GROUP BY customer_id) o ON o.customer_id = c.id
        WHERE c.orders_count != ifnull(o.n, 0) OR c.total_spent != ifnull(o.spent, 0)
           OR c.last_order_at IS NOT o.last_at)"_s);
    PD_VERIFY_OK(mismatches);
    QCOMPARE(mismatches.value().size(), 0);
    // Every order's amount and items_count agree with its lines.
    QCOMPARE(scalar(*db, uR"(SELECT count(*) FROM orders o WHERE amount != (SELECT sum(amount) FROM order_items
                            WHERE order_id = o.id) OR items_count != (SELECT count(*) FROM order_items
                            WHERE order_id = o.id))"_s)
                 .value()
                 .toInt(),
             0);
}

void TestImport::orderLinesMustBeConsecutive()
{
    const QString ws = freshWorkspace(u"orders-consecutive"_s);
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, Customers));
    VERIFY_IMPORTED(import(ws, ImportKind::Products, Catalogue));
    const ImportReport split = import(ws, ImportKind::Orders,
                                      "order_source_id,created_at,sku_source_id\n"
                                      "O-1,2026-01-01,S-1\n"
                                      "O-2,2026-01-01,S-1\n"
                                      "O-1,2026-01-01,S-2\n");
    QCOMPARE(errorTexts(split), (QStringList{u"line 4, column \"order_source_id\": \"O-1\" is also on line 2 (the lines "
                                             u"of an order must be consecutive rows)"_s}));
    const ImportReport disagree = import(ws, ImportKind::Orders,
                                         "order_source_id,customer_source_id,created_at,sku_source_id\n"
                                         "O-1,C-1,2026-01-01,S-1\n"
                                         "O-1,C-2,2026-01-02,S-2\n");
    QCOMPARE(errorTexts(disagree),
             (QStringList{u"line 3, column \"customer_source_id\": \"C-2\" differs from this order's first line (line 2: "
                          u"\"C-1\")"_s,
                          u"line 3, column \"created_at\": \"2026-01-02\" differs from this order's first line (line 2: "
                          u"\"2026-01-01\")"_s}));
}

void TestImport::importsEvents()
{
    const QString ws = freshWorkspace(u"events"_s);
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, Customers));
    const QByteArray events = "customer_source_id,type,created_at,metadata.channel\n"
                              "C-1,sign_up,2025-01-05T10:00:00Z,web\n"
                              "C-1,cart_abandoned,2026-10-01T18:00:00Z,app\n"
                              "C-2,sign_up,2025-02-01,store\n";
    const ImportReport report = import(ws, ImportKind::Events, events);
    VERIFY_IMPORTED(report);
    QCOMPARE(report.inserted, 3);
    // Matched by (customer, type, created_at): the same file again updates.
    QByteArray changed = events;
    changed.replace("app", "web");
    const ImportReport again = import(ws, ImportKind::Events, changed);
    VERIFY_IMPORTED(again);
    QCOMPARE(again.inserted, 0);
    QCOMPARE(again.updated, 3);
    auto db = openConnection(ws);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customer_events"_s).value().toInt(), 3);
    QCOMPARE(scalar(*db, u"SELECT metadata FROM customer_events WHERE type = 'cart_abandoned'"_s).value().toString(),
             u"{\"channel\":\"web\"}"_s);
    const ImportReport twice = import(ws, ImportKind::Events,
                                      "customer_source_id,type,created_at\nC-3,login,2026-01-01\nC-3,login,2026-01-01\n");
    QCOMPARE(errorTexts(twice),
             (QStringList{u"line 3: the same event (customer, type and created_at) is also on line 2"_s}));
}

void TestImport::readsQuotedSemicolonAndBomFiles()
{
    const QString ws = freshWorkspace(u"formats"_s);
    // Excel's "CSV UTF-8" in a comma-decimal locale: BOM, semicolons, CRLF, quoted
    // fields with the delimiter, quotes and line breaks inside.
    const QByteArray csv = "\xEF\xBB\xBF" "Source ID;Name;Tags;metadata.note;Email\r\n"
                           "C-1;\"Murphy; Aoife\";\"dog-owner;vip\";\"said \"\"hi\"\"\r\nthen left\";a@b.ie\r\n"
                           "C-2;Séan 🐶;;\"one, two\";s@b.ie\r\n";
    const ImportReport report = import(ws, ImportKind::Customers, csv);
    VERIFY_IMPORTED(report);
    QCOMPARE(report.inserted, 2);
    auto db = openConnection(ws);
    const auto rows = select(*db, u"SELECT name, tags, metadata FROM customers ORDER BY source_id"_s);
    PD_VERIFY_OK(rows);
    QCOMPARE(rows.value(), (Rows{{u"Murphy; Aoife"_s, u"[\"dog-owner\",\"vip\"]"_s,
                                  u"{\"note\":\"said \\\"hi\\\"\\r\\nthen left\"}"_s},
                                 {u"Séan 🐶"_s, u"[]"_s, u"{\"note\":\"one, two\"}"_s}}));
    // Errors after an embedded line break name the physical line.
    const ImportReport bad = import(ws, ImportKind::Customers,
                                    "source_id,name,email\nC-1,\"two\nlines\",ok@b.ie\nC-2,x,not-an-email\n");
    QCOMPARE(errorTexts(bad), (QStringList{u"line 4, column \"email\": \"not-an-email\" is not an email address"_s}));
    // A delimiter given on the command line wins over detection.
    ImportOptions semicolon;
    semicolon.delimiter = ';';
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, "source_id;name\nC-5;Five, Fifth\n", semicolon));
    QCOMPARE(scalar(*db, u"SELECT name FROM customers WHERE source_id = 'C-5'"_s).value().toString(), u"Five, Fifth"_s);
}

void TestImport::headerMapping()
{
    const QString ws = freshWorkspace(u"header"_s);
    // Aliases and any case; first_name + last_name; country.
    const ImportReport aliases = import(ws, ImportKind::Customers,
                                        "ID,First Name,SURNAME,E-mail,Country,Postcode,City,DOB,Tier\n"
                                        "C-1,Aoife,Murphy,a@b.ie,IE,T12 AB34,Cork,1990-01-01,gold\n");
    VERIFY_IMPORTED(aliases);
    auto db = openConnection(ws);
    QCOMPARE(select(*db, u"SELECT name, email, address_country, address_postal_code, address_city, birthdate, "
                         u"loyalty_tier FROM customers"_s)
                 .value(),
             (Rows{{u"Aoife Murphy"_s, u"a@b.ie"_s, u"IE"_s, u"T12 AB34"_s, u"Cork"_s, u"1990-01-01"_s, u"gold"_s}}));

    const ImportReport unknown = import(ws, ImportKind::Customers, "source_id,emial,total_spent,sku_source_id,,name,Name\n");
    QCOMPARE(errorTexts(unknown),
             (QStringList{u"line 1, column \"emial\": unknown column (did you mean \"email\"?)"_s,
                          u"line 1, column \"total_spent\": is computed from the customer's orders; import the orders "
                          u"instead"_s,
                          u"line 1, column \"sku_source_id\": unknown column (a column of products and orders files: "
                          u"is this a products file?)"_s,
                          u"line 1: column 5 has no name"_s,
                          u"line 1, column \"Name\": fills name, like column \"name\""_s}));
    const ImportReport missing = import(ws, ImportKind::Orders, "customer_source_id,quantity\n");
    QCOMPARE(errorTexts(missing),
             (QStringList{u"line 1: the required column \"order_source_id\" is missing"_s,
                          u"line 1: the required column \"created_at\" is missing"_s,
                          u"line 1: the required column \"sku_source_id (or sku)\" is missing"_s}));

    // Ignoring unknown columns: a warning each, the rest imported.
    ImportOptions ignore;
    ignore.ignoreUnknownColumns = true;
    const ImportReport ignored = import(ws, ImportKind::Customers, "source_id,favourite_colour,name\nC-2,blue,Liam\n", ignore);
    VERIFY_IMPORTED(ignored);
    QCOMPARE(ignored.warnings.size(), 1);
    QVERIFY(ignored.warnings[0].endsWith(u"line 1, column \"favourite_colour\": unknown column — ignored"_s));
    QCOMPARE(scalar(*db, u"SELECT name FROM customers WHERE source_id = 'C-2'"_s).value().toString(), u"Liam"_s);

    const ImportReport empty = import(ws, ImportKind::Customers, "");
    QCOMPARE(errorTexts(empty), (QStringList{u"the file is empty (a header line names the columns)"_s}));
}

void TestImport::errorMessagesAreExact_data()
{
    QTest::addColumn<ImportKind>("kind");
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QStringList>("errors");

    QTest::newRow("customers") << ImportKind::Customers
                               << QByteArray("source_id,name,email,birthdate,country,consent_email,created_at,tags\n"
                                             "C-1,A,aoife@,,,,,\n"
                                             "C-2,B,,31/02/1990,,,,\n"
                                             "C-3,C,,,Ireland,,,\n"
                                             "C-4,D,,,,maybe,,\n"
                                             "C-5,E,,,,,yesterday,\n"
                                             "C-6,F,,,,,,\"[1,2]\"\n"
                                             ",G,,,,,,\n"
                                             "C-8,H,x@y.ie\n"
                                             "C-9,I,,1990-02-29,XX,,2026-13-01,\n"
                                             ",,,,,,,\n"
                                             "C-10,\"broken,,,,,,\n")
                               << QStringList{
                                      u"line 2, column \"email\": \"aoife@\" is not an email address"_s,
                                      u"line 3, column \"birthdate\": \"31/02/1990\" is not a date"_s,
                                      u"line 4, column \"country\": \"Ireland\" is not a two-letter country code (like IE or GB)"_s,
                                      u"line 5, column \"consent_email\": \"maybe\" is not true or false (true/false, yes/no, 1/0)"_s,
                                      u"line 6, column \"created_at\": \"yesterday\" is not a date-time"_s,
                                      u"line 7, column \"tags\": \"[1,2]\" is not a JSON array of texts"_s,
                                      u"line 8, column \"source_id\": a value is required"_s,
                                      u"line 9: 3 values where the header has 8 columns"_s,
                                      u"line 10, column \"birthdate\": \"1990-02-29\" is not a date"_s,
                                      u"line 10, column \"country\": \"XX\" is not a two-letter country code (like IE or GB)"_s,
                                      u"line 10, column \"created_at\": \"2026-13-01\" is not a date-time"_s,
                                      u"line 12, column \"name\": the quote that opens this field is never closed"_s};
    QTest::newRow("orders") << ImportKind::Orders
                            << QByteArray("order_source_id,customer_source_id,created_at,status,sku_source_id,quantity,price\n"
                                          "O-1,NOPE,2026-01-01,,S-1,1,\n"
                                          "O-2,,2026-01-01,,S-X,1,\n"
                                          "O-3,,2026-01-01,SHIPPED,S-1,1,\n"
                                          "O-4,,2026-01-01,,S-1,0,\n"
                                          "O-5,,2026-01-01,,S-1,1,\"12,50\"\n"
                                          "O-6,,2026-01-01,,S-1,1,-1.00\n"
                                          "O-7,,,,S-1,1.5,€3\n"
                                          "O-8,,2026-01-01,,,,\n")
                            << QStringList{
                                   u"line 2, column \"customer_source_id\": no customer has the source_id \"NOPE\""_s,
                                   u"line 3, column \"sku_source_id\": no SKU has the source_id \"S-X\""_s,
                                   u"line 4, column \"status\": \"SHIPPED\" is not an order status (CREATED, PAID, CANCELED, FULFILLED)"_s,
                                   u"line 5, column \"quantity\": \"0\" is not a quantity from 1 to 1000000"_s,
                                   u"line 6, column \"price\": \"12,50\" is not an amount (use a dot for the cents: 12.50)"_s,
                                   u"line 7, column \"price\": \"-1.00\" is negative"_s,
                                   u"line 8, column \"created_at\": a value is required"_s,
                                   u"line 8, column \"quantity\": \"1.5\" is not a whole number"_s,
                                   u"line 8, column \"price\": \"€3\" is not an amount (like 12.50)"_s,
                                   u"line 9, column \"sku_source_id\": a value is required"_s};
    QTest::newRow("events") << ImportKind::Events
                            << QByteArray("customer_source_id,type,created_at,metadata\n"
                                          "C-1,cart abandoned,2026-01-01,\n"
                                          "C-404,sign_up,2026-01-01,\n"
                                          "C-1,sign_up,,\n"
                                          "C-1,sign_up,2026-01-01,[]\n")
                            << QStringList{
                                   u"line 2, column \"type\": \"cart abandoned\" is not an event type (letters, digits, _ . : -)"_s,
                                   u"line 3, column \"customer_source_id\": no customer has the source_id \"C-404\""_s,
                                   u"line 4, column \"created_at\": a value is required"_s,
                                   u"line 5, column \"metadata\": \"[]\" is not a JSON object"_s};
    QTest::newRow("Latin-1 file") << ImportKind::Customers << QByteArray("source_id,name\nC-1,S\xE9" "an\n")
                                  << QStringList{u"line 2, column \"name\": not UTF-8 (byte 0xE9); save the file as UTF-8"_s};
}

void TestImport::errorMessagesAreExact()
{
    QFETCH(ImportKind, kind);
    QFETCH(QByteArray, csv);
    QFETCH(QStringList, errors);
    const QString ws = freshWorkspace(u"messages"_s);
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, Customers));
    VERIFY_IMPORTED(import(ws, ImportKind::Products, Catalogue));
    const ImportReport report = import(ws, kind, csv);
    QVERIFY(!report.ok());
    QCOMPARE(errorTexts(report), errors);
    QVERIFY(!report.moreErrors);
    // The full form names the file first.
    QCOMPARE(report.errors.constFirst().toString(), report.errors.constFirst().file + u", "_s + errors.constFirst());
}

void TestImport::errorsStopAtOneHundred()
{
    const QString ws = freshWorkspace(u"hundred"_s);
    QByteArray csv = "source_id,name,birthdate\n";
    for (int i = 2; i <= 1041; ++i)
        csv += "C-" + QByteArray::number(i) + ",Member,1980-05-17\n";
    for (int i = 1042; i <= 1500; ++i)
        csv += "C-" + QByteArray::number(i) + ",Member,31/02/1990\n";
    const ImportReport report = import(ws, ImportKind::Customers, csv);
    QCOMPARE(report.errors.size(), 100);
    QVERIFY(report.moreErrors);
    QCOMPARE(report.errors[0].toString(), report.file + u", line 1042, column \"birthdate\": \"31/02/1990\" is not a date"_s);
    QCOMPARE(report.errors[99].line, 1141);
    QVERIFY(report.rows < 1500); // it stopped reading
    auto db = openConnection(ws);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toInt(), 0);

    ImportOptions five;
    five.maxErrors = 5;
    QCOMPARE(import(ws, ImportKind::Customers, csv, five).errors.size(), 5);
}

void TestImport::refusedImportChangesNothing_data()
{
    QTest::addColumn<ImportKind>("kind");
    QTest::addColumn<QByteArray>("csv");
    // Every file is good up to its last row, so that rows were written before the error.
    QByteArray customers = "source_id,name,email,metadata.x\n";
    for (int i = 0; i < 3000; ++i)
        customers += "R-" + QByteArray::number(i) + ",Refused " + QByteArray::number(i) + ",r" + QByteArray::number(i)
                     + "@example.com,1\n";
    QTest::newRow("customers") << ImportKind::Customers << QByteArray(customers + "R-x,Bad,not an email,\n");
    QTest::newRow("customers updating demo members")
        << ImportKind::Customers << QByteArray("source_id,name\nPS00001007,Changed\nPS00001014,Changed\n,Bad\n");
    QTest::newRow("products") << ImportKind::Products << QByteArray(Catalogue + "P-9,X,Toys,S-9,S-9,abc\n");
    QTest::newRow("orders") << ImportKind::Orders
                            << QByteArray("order_source_id,customer_source_id,created_at,sku_source_id\n"
                                          "N-1,PS00001007,2026-10-01,S-00001_1\n"
                                          "N-1,,,S-00002_1\n"
                                          "N-2,PS00001014,2026-10-02,S-00001_1\n"
                                          "N-3,PS00001014,2026-10-03,NOPE\n");
    QTest::newRow("events") << ImportKind::Events
                            << QByteArray("customer_source_id,type,created_at\nPS00001007,login,2026-10-01\n"
                                          "PS00001007,login,2026-10-02\nPS00001007,login,bad\n");
    QTest::newRow("unterminated quote at the end")
        << ImportKind::Customers << QByteArray(customers + "R-y,\"never closed\n");
}

void TestImport::refusedImportChangesNothing()
{
    QFETCH(ImportKind, kind);
    QFETCH(QByteArray, csv);
    const QString ws = demoWorkspace(u"refused"_s);
    const QMap<QString, QByteArray> before = hashes(ws);
    QVERIFY(!before.isEmpty());
    const ImportReport report = import(ws, kind, csv);
    QVERIFY(!report.ok());
    QCOMPARE(report.errors.size(), 1);
    QCOMPARE(hashes(ws), before);
}

void TestImport::cancelAndDryRunChangeNothing()
{
    const QString ws = demoWorkspace(u"cancel"_s);
    const QMap<QString, QByteArray> before = hashes(ws);
    QByteArray csv = "source_id,name\n";
    for (int i = 0; i < 20000; ++i)
        csv += "X-" + QByteArray::number(i) + ",Someone\n";

    // Cancelled at the first progress report: rolled back.
    std::atomic_bool cancel = false;
    ImportOptions cancelling;
    cancelling.cancel = &cancel;
    int reports = 0;
    cancelling.progress = [&](const ImportProgress &p) {
        ++reports;
        QVERIFY(p.bytesTotal > 0 && p.bytesRead <= p.bytesTotal);
        cancel = true;
    };
    const ImportReport cancelled = import(ws, ImportKind::Customers, csv, cancelling);
    QVERIFY(cancelled.cancelled);
    QVERIFY(!cancelled.ok());
    QCOMPARE(reports, 1);
    QCOMPARE(hashes(ws), before);

    // Cancelled half way through a big import, after the customer indexes were dropped
    // for the load: they are back, and nothing else changed.
    const QStringList indexes = schema(ws);
    QByteArray big = csv;
    for (int i = 20000; i < 60000; ++i)
        big += "X-" + QByteArray::number(i) + ",Someone\n";
    cancel = false;
    cancelling.progress = [&](const ImportProgress &p) {
        if (p.percent >= 50)
            cancel = true;
    };
    QVERIFY(import(ws, ImportKind::Customers, big, cancelling).cancelled);
    QCOMPARE(schema(ws), indexes);
    QCOMPARE(hashes(ws), before);

    // A dry run counts what would change and rolls back.
    ImportOptions dry;
    dry.dryRun = true;
    const ImportReport dryRun = import(ws, ImportKind::Customers, csv + "PS00001007,Changed\n", dry);
    VERIFY_IMPORTED(dryRun);
    QVERIFY(dryRun.dryRun);
    QCOMPARE(dryRun.inserted, 20000);
    QCOMPARE(dryRun.updated, 1);
    QCOMPARE(hashes(ws), before);
}

void TestImport::importIsAudited()
{
    const QString ws = freshWorkspace(u"audit"_s);
    ImportOptions options;
    options.actor = u"tester"_s;
    const ImportReport report = import(ws, ImportKind::Customers, Customers, options);
    VERIFY_IMPORTED(report);
    auto db = openConnection(ws);
    const auto audit = select(*db, u"SELECT at, actor, entity_type, entity_id, action, before, after FROM audit_log"_s);
    PD_VERIFY_OK(audit);
    QCOMPARE(audit.value().size(), 1);
    const QVariantList entry = audit.value()[0];
    QCOMPARE(entry[0].toLongLong(), Now);
    QCOMPARE(entry[1].toString(), u"tester"_s);
    QCOMPARE(entry[2].toString(), u"import"_s);
    QCOMPARE(entry[3].toString(), u"customers"_s);
    QCOMPARE(entry[4].toString(), u"import"_s);
    QVERIFY(entry[5].isNull());
    const QJsonObject after = QJsonDocument::fromJson(entry[6].toString().toUtf8()).object();
    QCOMPARE(after.value(u"file").toString(), QFileInfo(report.file).fileName());
    QCOMPARE(after.value(u"rows").toInt(), 3);
    QCOMPARE(after.value(u"inserted").toInt(), 3);
    QCOMPARE(after.value(u"updated").toInt(), 0);
    // A refused import leaves no audit entry either.
    QVERIFY(!import(ws, ImportKind::Customers, "source_id\n\"\n").ok());
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM audit_log"_s).value().toInt(), 1);
}

// The customers an import touches are re-evaluated for every auto-update segment, in
// the import's transaction.
void TestImport::autoUpdateSegmentsFollowImports()
{
    const QString ws = freshWorkspace(u"segments"_s);
    QString segmentId;
    {
        auto db = openConnection(ws, Connection::Access::ReadWrite);
        QVERIFY(db);
        Segment segment;
        segment.name = u"Irish spenders"_s;
        segment.type = SegmentType::AutoUpdate;
        auto rule = Rules::parse(u"customer.country is \"IE\" and customer.total_spent >= 20.00"_s);
        PD_VERIFY_OK(rule);
        auto checked = Rules::check(rule.value());
        PD_VERIFY_OK(checked);
        segment.rule = checked.value();
        auto saved = SegmentStore(*db).save(segment, u"test"_s, Now);
        PD_VERIFY_OK(saved);
        segmentId = saved.value().id;
    }
    const auto members = [&] {
        auto db = openConnection(ws);
        auto keys = SegmentStore(*db).memberKeys(segmentId, 0, 100);
        QStringList sources;
        for (qint64 key : keys ? keys.value() : QList<qint64>())
            sources << scalar(*db, u"SELECT source_id FROM customers WHERE id = ?"_s, {key}).value().toString();
        return sources;
    };
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, Customers));
    VERIFY_IMPORTED(import(ws, ImportKind::Products, Catalogue));
    QCOMPARE(members(), QStringList());
    // Orders raise Aoife's total_spent: she enters.
    VERIFY_IMPORTED(import(ws, ImportKind::Orders, "order_source_id,customer_source_id,created_at,sku_source_id,quantity\n"
                                                   "O-1,C-1,2026-10-01,S-2,1\nO-2,C-2,2026-10-01,S-2,1\n"));
    QCOMPARE(members(), QStringList{u"C-1"_s});
    // Liam moves to Ireland: he enters too.
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, "source_id,country\nC-2,IE\n"));
    QCOMPARE(members(), (QStringList{u"C-1"_s, u"C-2"_s}));
    // A dry run refreshes nothing.
    ImportOptions dry;
    dry.dryRun = true;
    VERIFY_IMPORTED(import(ws, ImportKind::Customers, "source_id,country\nC-1,FR\n", dry));
    QCOMPARE(members(), (QStringList{u"C-1"_s, u"C-2"_s}));
}

void TestImport::previewShowsTheMapping()
{
    const QString file = writeFile(u"preview.csv"_s, "\xEF\xBB\xBF" "Source_Id;Mail;metadata.pet;E-Mail\n"
                                                     "C-1;x;Rex;a@b.ie\nC-2;y;;c@d.ie\nC-3;z;Tom;e@f.ie\n");
    const ImportPreview preview = Importer::preview(file, ImportKind::Customers, 0, 2);
    QCOMPARE(preview.delimiter, ';');
    QCOMPARE(preview.columns.size(), 4);
    QCOMPARE(preview.columns[0].field, u"source_id"_s);
    QCOMPARE(preview.columns[1].field, QString());
    QCOMPARE(preview.columns[1].suggestion, u"email"_s);
    QCOMPARE(preview.columns[2].field, u"metadata.pet"_s);
    QCOMPARE(preview.columns[3].field, u"email"_s);
    QCOMPARE(preview.rows, (QList<QStringList>{{u"C-1"_s, u"x"_s, u"Rex"_s, u"a@b.ie"_s}, {u"C-2"_s, u"y"_s, u""_s, u"c@d.ie"_s}}));
    QCOMPARE(preview.lines, (QList<qint64>{2, 3}));
    QCOMPARE(preview.errors.size(), 1);
    QCOMPARE(preview.errors[0].column, u"Mail"_s);
    const ImportPreview orders = Importer::preview(file, ImportKind::Orders);
    // "Source_Id" reads as order_source_id in an orders file.
    QCOMPARE(orders.missing, (QStringList{u"created_at"_s, u"sku_source_id (or sku)"_s}));
}

void TestImport::cliPrintsASummary()
{
    const QString ws = freshWorkspace(u"cli"_s);
    const QString customers = writeFile(u"customers.csv"_s, Customers);
    RUN_CLI_JSON(summary, {u"import"_s, u"customers"_s, customers, u"--workspace"_s, ws});
    QCOMPARE(summary.value(u"kind").toString(), u"customers"_s);
    QCOMPARE(summary.value(u"file").toString(), customers);
    QCOMPARE(summary.value(u"rows").toInt(), 3);
    QCOMPARE(summary.value(u"inserted").toInt(), 3);
    QCOMPARE(summary.value(u"updated").toInt(), 0);
    QVERIFY(summary.contains(u"milliseconds"));

    const QString catalogue = writeFile(u"catalogue.csv"_s, Catalogue);
    RUN_CLI_JSON(products, {u"import"_s, u"products"_s, catalogue, u"-w"_s, ws});
    QCOMPARE(products.value(u"products_inserted").toInt(), 2);
    const QString orders = writeFile(u"orders.csv"_s, "order_source_id;customer_source_id;created_at;sku\n"
                                                      "O-1;C-1;2026-01-01;Ball\n");
    RUN_CLI_JSON(dry, {u"import"_s, u"orders"_s, orders, u"-w"_s, ws, u"--dry-run"_s, u"--delimiter"_s, u";"_s});
    QCOMPARE(dry.value(u"dry_run").toBool(), true);
    QCOMPARE(dry.value(u"inserted").toInt(), 1);
    RUN_CLI_JSON(real, {u"import"_s, u"orders"_s, orders, u"-w"_s, ws});
    QCOMPARE(real.value(u"order_items").toInt(), 1);
    QCOMPARE(real.value(u"customers_recounted").toInt(), 1);
    const QString events = writeFile(u"events.csv"_s, "customer_source_id,type,created_at\nC-1,login,2026-01-01\n");
    RUN_CLI_JSON(event, {u"import"_s, u"events"_s, events, u"-w"_s, ws});
    QCOMPARE(event.value(u"inserted").toInt(), 1);
    RUN_CLI_JSON(check, {u"check"_s, u"-w"_s, ws});
    QCOMPARE(check.value(u"ok").toBool(), true);
}

void TestImport::cliRefusesBadFilesAndBadUsage()
{
    const QString ws = freshWorkspace(u"cli-bad"_s);
    QByteArray csv = "source_id,name,birthdate\n";
    for (int i = 0; i < 150; ++i)
        csv += "C-" + QByteArray::number(i) + ",X,31/02/1990\n";
    const QString bad = writeFile(u"bad.csv"_s, csv);
    const QByteArray before = fileChecksum(ws);
    RUN_CLI(refused, {u"import"_s, u"customers"_s, bad, u"-w"_s, ws});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.out.isEmpty());
    const QStringList lines = QString::fromUtf8(refused.err).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 101);
    QCOMPARE(lines[0], bad + u", line 2, column \"birthdate\": \"31/02/1990\" is not a date"_s);
    QCOMPARE(lines[99], bad + u", line 101, column \"birthdate\": \"31/02/1990\" is not a date"_s);
    QCOMPARE(lines[100], u"promodesk-cli: import: %1 refused: 100 errors (the first ones; the rest was not checked), "
                         u"nothing imported"_s.arg(bad));
    RUN_CLI_JSON(info, {u"info"_s, u"-w"_s, ws});
    QCOMPARE(info.value(u"tables").toObject().value(u"customers").toInt(), 0);

    const QString good = writeFile(u"good.csv"_s, Customers);
    const QList<QStringList> usage = {
        {u"import"_s},
        {u"import"_s, u"customers"_s, good},
        {u"import"_s, u"coupons"_s, good, u"-w"_s, ws},
        {u"import"_s, u"customers"_s, path(u"missing.csv"_s), u"-w"_s, ws},
        {u"import"_s, u"customers"_s, good, u"-w"_s, ws, u"--delimiter"_s, u"|"_s},
        {u"import"_s, u"customers"_s, good, u"-w"_s, path(u"nope.promodesk"_s)},
        {u"import"_s, u"customers"_s, good, u"-w"_s, ws, u"--bogus"_s},
    };
    for (const QStringList &arguments : usage) {
        RUN_CLI(run, arguments);
        QVERIFY2(run.exitCode == 2, qPrintable(arguments.join(u' ') + u" -> "_s + QString::number(run.exitCode)));
        QVERIFY(run.err.startsWith("promodesk-cli: import: "));
        QCOMPARE(run.err.count('\n'), 1);
    }
    RUN_CLI(help, {u"import"_s, u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("source_id*"));
    QVERIFY(!QFileInfo::exists(path(u"nope.promodesk"_s)));
}

// A big import killed for real (SIGKILL) once it is writing: the workspace is as it was.
void TestImport::killedImportLeavesTheWorkspaceAsItWas()
{
    const QString ws = demoWorkspace(u"killed"_s);
    const QString file = path(u"big-customers.csv"_s);
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray chunk = "source_id,name,email,country,birthdate,tags,metadata.pet,consent_email,created_at\n";
        for (int i = 0; i < 300'000; ++i) {
            chunk += "K-" + QByteArray::number(i) + ",Kim Number " + QByteArray::number(i) + ",kim" + QByteArray::number(i)
                     + "@example.com,IE,1985-06-" + QByteArray::number(10 + i % 19)
                     + ",dog-owner;newsletter,Rex,yes,2025-03-04T05:06:07Z\n";
            if (chunk.size() > (1 << 20)) {
                QCOMPARE(f.write(chunk), chunk.size());
                chunk.clear();
            }
        }
        QCOMPARE(f.write(chunk), chunk.size());
    }
    const QMap<QString, QByteArray> before = hashes(ws);
    const QStringList schemaBefore = schema(ws);

    QProcess process;
    process.setProgram(QStringLiteral(PROMODESK_CLI_PATH));
    process.setArguments({u"import"_s, u"customers"_s, file, u"-w"_s, ws, u"--progress"_s});
    process.start();
    QVERIFY(process.waitForStarted(30'000));
    // Progress goes to stderr as "importing…  NN% (R rows)"; kill once rows are being written.
    QByteArray progress;
    const QRegularExpression percent(u"(\\d+)% \\((\\d+) rows\\)"_s);
    qint64 rows = 0;
    while (rows < 30'000 && process.state() == QProcess::Running) {
        process.waitForReadyRead(20);
        progress += process.readAllStandardError();
        const QString text = QString::fromUtf8(progress);
        auto matches = percent.globalMatch(text);
        while (matches.hasNext())
            rows = matches.next().captured(2).toLongLong();
    }
    QCOMPARE(process.state(), QProcess::Running); // still importing when killed
    QVERIFY(QFileInfo(ws + u"-wal"_s).exists());
    process.kill();
    QVERIFY(process.waitForFinished(30'000));
    QCOMPARE(process.exitStatus(), QProcess::CrashExit);

    RUN_CLI_JSON(check, {u"check"_s, u"-w"_s, ws});
    QCOMPARE(check.value(u"ok").toBool(), true);
    QCOMPARE(hashes(ws), before);
    QCOMPARE(schema(ws), schemaBefore);
    // And the same file imports completely afterwards (its indexes dropped and rebuilt).
    RUN_CLI_JSON(imported, {u"import"_s, u"customers"_s, file, u"-w"_s, ws});
    QCOMPARE(imported.value(u"inserted").toInt(), 300'000);
    QCOMPARE(schema(ws), schemaBefore);
    RUN_CLI_JSON(checkAfter, {u"check"_s, u"-w"_s, ws});
    QCOMPARE(checkAfter.value(u"ok").toBool(), true);
}

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
