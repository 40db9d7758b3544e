// The ten demo scenarios of the issue ("Done means: all ten scenarios pass end to end
// through promodesk-cli"), run as a shop runs them: request JSON on stdin of
// `promodesk-cli qualify | validate | redeem | rollback`, response JSON on stdout, against
// the campaigns of `init --demo small` (models/engine/democampaigns.cpp).
//
// The test's own members (cust_900001 …) are inserted with plain SQL so that the demo's
// redemption history cannot touch them, and every request carries its own "now".
// Each scenario's main request is docs/examples/scenarios/NN-name.json: the test sends
// those exact bytes, so the examples in the docs cannot drift from what is tested.
//
// Expected cents follow the documented arithmetic (docs/campaigns.md, "Discount
// arithmetic"): percent per line, rounded half-up to the cent, then summed; a cap bounds
// the sum. Catalogue prices (seed 1) used below: sku_00001_1 5.29, prod_00001 5.29,
// sku_00001_2 9.49, prod_00037 4.59, sku_00053_1 10.09, sku_00053_2 18.09,
// sku_00069_1 32.99, sku_00069_2 59.29, sku_00069_3 105.39.

#include "clirunner.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest/QtTest>

#include <numeric>

using namespace PromoDesk;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 Day = 86'400'000;

// One "now" per scenario (UTC; Dublin is UTC+1 from 29 March to 25 October 2026).
const QString NowAbandoned = u"2026-05-12T09:00:00Z"_s;
const QString NowTiers = u"2026-05-13T09:00:00Z"_s;
const QString NowBogo = u"2026-05-14T09:00:00Z"_s;
const QString NowLoyal = u"2026-05-20T09:00:00Z"_s;
const QString NowBed = u"2026-05-21T09:00:00Z"_s;
const QString NowWelcome = u"2026-05-22T09:00:00Z"_s;
const QString NowMissYou = u"2026-05-25T09:00:00Z"_s;
const QString NowPremium = u"2026-05-26T09:00:00Z"_s;
const QString NowAnniversary = u"2026-07-15T09:00:00Z"_s; // 10:00 in Dublin
const QString NowPatricks = u"2026-03-17T10:00:00Z"_s;    // 10:00 in Dublin (GMT in March)

qint64 at(const QString &iso)
{
    const QDateTime time = QDateTime::fromString(iso, Qt::ISODate);
    Q_ASSERT_X(time.isValid(), "at", qPrintable(iso));
    return time.toMSecsSinceEpoch();
}

QString customer(qint64 id)
{
    return u"cust_%1"_s.arg(id);
}

// A cart line: a SKU or a product from the catalogue (price filled in by the engine),
// or with the price given.
QJsonObject line(const QString &id, qint64 quantity = 1)
{
    return {{id.startsWith(u"prod_") ? u"product_id"_s : u"sku_id"_s, id}, {u"quantity"_s, quantity}};
}

QJsonObject priced(const QString &id, qint64 quantity, qint64 price)
{
    QJsonObject o = line(id, quantity);
    o.insert(u"price"_s, price);
    return o;
}

QJsonObject tier(const QString &id)
{
    return {{u"object"_s, u"promotion_tier"_s}, {u"id"_s, id}};
}

// A request derived from an example: the same, but for another customer, time, cart or
// redeemables.
QByteArray changed(const QByteArray &request, const QString &key, const QJsonValue &value)
{
    QJsonObject object = QJsonDocument::fromJson(request).object();
    if (key == u"items") {
        QJsonObject order = object.value(u"order").toObject();
        order.insert(key, value);
        object.insert(u"order"_s, order);
    } else {
        object.insert(key, value);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray forCustomer(const QByteArray &request, qint64 id)
{
    return changed(request, u"customer"_s, QJsonObject{{u"id"_s, customer(id)}});
}

QByteArray atTime(const QByteArray &request, const QString &now)
{
    return changed(request, u"now"_s, now);
}

QByteArray withItems(const QByteArray &request, const QJsonArray &items)
{
    return changed(request, u"items"_s, items);
}

QByteArray withRedeemables(const QByteArray &request, const QJsonArray &redeemables)
{
    return changed(request, u"redeemables"_s, redeemables);
}

QByteArray dump(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The entry for `id` in one of the response's lists, or an empty object.
QJsonObject entry(const QJsonObject &response, const QString &list, const QString &id)
{
    for (const QJsonValue &v : response.value(list).toArray()) {
        if (v.toObject().value(u"id").toString() == id)
            return v.toObject();
    }
    return {};
}

// A refusal's key and message: "error" for inapplicable entries, "details" for skipped.
QJsonObject why(const QJsonObject &redeemable)
{
    const QJsonObject result = redeemable.value(u"result").toObject();
    return result.contains(u"error") ? result.value(u"error").toObject() : result.value(u"details").toObject();
}

QList<qint64> lineDiscounts(const QJsonObject &response)
{
    QList<qint64> discounts;
    for (const QJsonValue &v : response.value(u"order").toObject().value(u"items").toArray())
        discounts << v.toObject().value(u"discount_amount").toInteger(-1);
    return discounts;
}

// A member of the test, inserted with plain SQL; times are ISO-8601 (empty = NULL).
struct Member
{
    qint64 id;
    QString country;
    QString loyaltyTier;
    QString createdAt;
    QString birthdate;    // YYYY-MM-DD
    QString lastOrderAt;
    QString abandonedAt;  // a cart_abandoned event
};

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QVariant nullableTime(const QString &iso)
{
    return iso.isEmpty() ? QVariant() : QVariant(at(iso));
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODate);
}

const QString LongAgo = u"2024-01-10T12:00:00Z"_s;

QList<Member> members()
{
    return {
        // 1. COMEBACK10: a cart abandoned 1 day before now, and one 5 days before.
        {900001, u"IE"_s, u"silver"_s, LongAgo, {}, {}, iso(at(NowAbandoned) - 1 * Day)},
        {900002, u"IE"_s, u"silver"_s, LongAgo, {}, {}, iso(at(NowAbandoned) - 5 * Day)},
        // 2. Tiers.
        {900003, u"GB"_s, u"silver"_s, LongAgo, {}, {}, {}},
        // 3. BOGO.
        {900004, u"GB"_s, {}, LongAgo, {}, {}, {}},
        // 4. LOYAL15: redeemed this month; nothing; 23:30 on 30 April in Dublin; 00:30 on 1 May in Dublin.
        {900005, u"IE"_s, u"silver"_s, LongAgo, {}, {}, {}},
        {900006, u"IE"_s, u"silver"_s, LongAgo, {}, {}, {}},
        {900007, u"IE"_s, u"silver"_s, LongAgo, {}, {}, {}},
        {900008, u"IE"_s, u"silver"_s, LongAgo, {}, {}, {}},
        // 5. Bed bundle.
        {900009, u"GB"_s, {}, LongAgo, {}, {}, {}},
        // 6. WELCOMEWEEK: joined 3 and 10 days before now.
        {900010, u"IE"_s, {}, iso(at(NowWelcome) - 3 * Day), {}, {}, {}},
        {900011, u"IE"_s, {}, iso(at(NowWelcome) - 10 * Day), {}, {}, {}},
        // 7. MISSYOU20: last order 100 and 30 days before now.
        {900012, u"GB"_s, u"silver"_s, LongAgo, {}, iso(at(NowMissYou) - 100 * Day), {}},
        {900013, u"GB"_s, u"silver"_s, LongAgo, {}, iso(at(NowMissYou) - 30 * Day), {}},
        // 8. Premium: gold and silver.
        {900014, u"GB"_s, u"gold"_s, LongAgo, {}, {}, {}},
        {900015, u"GB"_s, u"silver"_s, LongAgo, {}, {}, {}},
        // 9. ANNIVERSARY50: joined on 15 July a year ago, on 14 July a year ago, and this morning.
        {900016, u"IE"_s, u"silver"_s, u"2025-07-15T12:00:00Z"_s, {}, {}, {}},
        {900017, u"IE"_s, u"silver"_s, u"2025-07-14T12:00:00Z"_s, {}, {}, {}},
        {900022, u"IE"_s, u"silver"_s, u"2026-07-15T06:00:00Z"_s, {}, {}, {}},
        //    BIRTHDAY20: born on 15 July (two of them: one redeems, one is asked after midnight), on 16 July.
        {900018, u"IE"_s, u"silver"_s, LongAgo, u"1990-07-15"_s, {}, {}},
        {900019, u"IE"_s, u"silver"_s, LongAgo, u"1990-07-16"_s, {}, {}},
        {900023, u"IE"_s, u"silver"_s, LongAgo, u"1985-07-15"_s, {}, {}},
        // 10. St. Patrick's Day: in Ireland and in Great Britain.
        {900020, u"IE"_s, u"silver"_s, LongAgo, {}, {}, {}},
        {900021, u"GB"_s, u"silver"_s, LongAgo, {}, {}, {}},
    };
}

// The example requests and the "now" each one carries (the members' times are set from it).
const QList<std::pair<QString, QString>> Examples = {
    {u"01-abandoned-cart.json"_s, NowAbandoned}, {u"02-spend-tiers.json"_s, NowTiers},
    {u"03-bogo-dental.json"_s, NowBogo},         {u"04-loyal-15.json"_s, NowLoyal},
    {u"05-bed-bundle.json"_s, NowBed},           {u"06-welcome-week.json"_s, NowWelcome},
    {u"07-we-miss-you.json"_s, NowMissYou},      {u"08-premium.json"_s, NowPremium},
    {u"09-anniversary.json"_s, NowAnniversary},  {u"09-birthday.json"_s, NowAnniversary},
    {u"10-st-patricks.json"_s, NowPatricks},
};

QString examplesDir()
{
    return QDir::cleanPath(QFileInfo(QString::fromUtf8(__FILE__)).dir().filePath(u"../../docs/examples/scenarios"_s));
}

// What promodesk-cli answered to one request.
struct Sent
{
    int exitCode = -1;
    QJsonObject response;
    QByteArray err;
};

} // namespace

// Sends `request` to `promodesk-cli <operation>` on the test workspace; `sent` receives
// the exit code and the response (which must be JSON whatever the outcome).
#define SEND(sent, operation, request)                                                                         \
    Sent sent;                                                                                                 \
    {                                                                                                          \
        RUN_CLI(run_, {operation, u"-w"_s, m_workspace}, request);                                             \
        QVERIFY2(run_.exitCode == 0 || run_.exitCode == 1,                                                    \
                 qPrintable(u"exit %1: %2"_s.arg(run_.exitCode).arg(QString::fromUtf8(run_.err))));           \
        QString error_;                                                                                        \
        sent.response = parseObject(run_.out, &error_);                                                        \
        QVERIFY2(error_.isEmpty(), qPrintable(error_));                                                        \
        sent.exitCode = run_.exitCode;                                                                         \
        sent.err = run_.err;                                                                                   \
    }

class TestScenarios : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void abandonedCartComeback10();
    void spendTiersQualifyTheBetterTier();
    void spendTiersNeverBothApply_data();
    void spendTiersNeverBothApply();
    void bogoDentalSticks_data();
    void bogoDentalSticks();
    void loyal15_data();
    void loyal15();
    void bedBundle_data();
    void bedBundle();
    void welcomeWeek_data();
    void welcomeWeek();
    void weMissYou_data();
    void weMissYou();
    void premiumGold_data();
    void premiumGold();
    void anniversary_data();
    void anniversary();
    void birthday_data();
    void birthday();
    void stPatricksQualifyAndRedeem();
    void stPatricksRefusals_data();
    void stPatricksRefusals();
    void countersEqualTheRedemptions();

    void rollbackMakesComebackRedeemableAgain();
    void workspacePassesCheck();
    void everyExampleIsSent();

private:
    QByteArray example(const QString &name)
    {
        m_sent.insert(name);
        return m_examples.value(name);
    }
    // The data-driven validate / redeem rows: the operation, the request, the redeemable,
    // and either its discount and the line discounts or its failure key and message.
    void addOutcomeColumns();
    void verifyOutcome();
    void verifyApplies(const QString &operation, const Sent &sent, const QString &id, qint64 discount,
                       const QList<qint64> &lines, qint64 shippingDiscount = 0);
    void verifyRefused(const QString &operation, const Sent &sent, const QString &id, const QString &key,
                       const QString &message);

    QTemporaryDir m_dir;
    QString m_workspace;
    QHash<QString, QByteArray> m_examples;
    QSet<QString> m_sent;
    QString m_comebackRedemption; // scenario 1's, rolled back at the end
};

void TestScenarios::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(PROMODESK_CLI_PATH)).isExecutable(), PROMODESK_CLI_PATH);
    for (const auto &[name, now] : Examples) {
        QFile file(examplesDir() + u'/' + name);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName() + u": "_s + file.errorString()));
        const QByteArray bytes = file.readAll();
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(),
                 qPrintable(file.fileName() + u": "_s + error.errorString()));
        QCOMPARE(document.object().value(u"now").toString(), now);
        m_examples.insert(name, bytes);
    }

    m_workspace = m_dir.filePath(u"demo.promodesk"_s);
    RUN_CLI(init, {u"init"_s, u"--demo"_s, u"small"_s, u"--seed"_s, u"1"_s, u"--quiet"_s, u"-w"_s, m_workspace});
    QVERIFY2(init.exitCode == 0, init.err.constData());

    QString error;
    auto connection = openConnection(m_workspace, Store::Connection::Access::ReadWrite, &error);
    QVERIFY2(connection, qPrintable(error));
    // The catalogue prices the expectations are worked out from.
    const QList<std::pair<QString, qint64>> prices = {
        {u"sku_00001_1"_s, 529},  {u"sku_00001_2"_s, 949},  {u"sku_00037_1"_s, 459},   {u"sku_00053_1"_s, 1009},
        {u"sku_00053_2"_s, 1809}, {u"sku_00069_1"_s, 3299}, {u"sku_00069_2"_s, 5929}, {u"sku_00069_3"_s, 10539},
    };
    for (const auto &[sku, price] : prices) {
        const auto stored = scalar(*connection, u"SELECT price FROM skus WHERE id = ?"_s, {sku});
        PD_VERIFY_OK(stored);
        QCOMPARE(stored.value().toLongLong(), price);
    }
    for (const auto &[product, price] : {std::pair{u"prod_00001"_s, 529}, std::pair{u"prod_00037"_s, 459}}) {
        const auto stored = scalar(*connection, u"SELECT price FROM products WHERE id = ?"_s, {product});
        PD_VERIFY_OK(stored);
        QCOMPARE(stored.value().toLongLong(), qint64(price));
    }
    const auto taken = scalar(*connection, u"SELECT count(*) FROM customers WHERE id >= 900000"_s);
    PD_VERIFY_OK(taken);
    QCOMPARE(taken.value().toLongLong(), qint64(0));

    for (const Member &m : members()) {
        const qint64 created = at(m.createdAt);
        const Status inserted = execute(
            *connection,
            u"INSERT INTO customers(id, source_id, name, created_at, updated_at, address_country, loyalty_tier, "
            "birthdate, last_order_at, orders_count, total_spent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
            {m.id, u"scenario-%1"_s.arg(m.id), u"Scenario member %1"_s.arg(m.id), created, created, m.country,
             nullable(m.loyaltyTier), nullable(m.birthdate), nullableTime(m.lastOrderAt),
             m.lastOrderAt.isEmpty() ? 0 : 4, m.lastOrderAt.isEmpty() ? 0 : 18'000});
        PD_VERIFY_OK(inserted);
        if (!m.abandonedAt.isEmpty()) {
            const Status event =
                execute(*connection, u"INSERT INTO customer_events(customer_id, type, created_at) VALUES (?, ?, ?)"_s,
                        {m.id, u"cart_abandoned"_s, at(m.abandonedAt)});
            PD_VERIFY_OK(event);
        }
    }
    connection.reset(); // the CLI opens the file on its own
}

void TestScenarios::verifyApplies(const QString &operation, const Sent &sent, const QString &id, qint64 discount,
                                  const QList<qint64> &lines, qint64 shippingDiscount)
{
    const QJsonObject &r = sent.response;
    QVERIFY2(sent.exitCode == 0, sent.err.constData());
    QVERIFY2(r.value(u"valid").toBool(), dump(r).constData());
    QVERIFY2(r.value(u"inapplicable_redeemables").toArray().isEmpty(), dump(r).constData());
    QVERIFY2(r.value(u"skipped_redeemables").toArray().isEmpty(), dump(r).constData());
    const QJsonArray redeemables = r.value(u"redeemables").toArray();
    QCOMPARE(redeemables.size(), 1);
    const QJsonObject applied = redeemables.at(0).toObject();
    QCOMPARE(applied.value(u"id").toString(), id);
    QCOMPARE(applied.value(u"status").toString(), u"APPLICABLE"_s);
    const QJsonObject result = applied.value(u"result").toObject();
    QCOMPARE(result.value(u"discount_amount").toInteger(), discount);
    QCOMPARE(result.value(u"shipping_discount_amount").toInteger(), shippingDiscount);

    const QJsonObject order = r.value(u"order").toObject();
    QCOMPARE(lineDiscounts(r), lines);
    const qint64 itemsDiscount = std::accumulate(lines.begin(), lines.end(), qint64(0));
    QCOMPARE(order.value(u"items_discount_amount").toInteger(), itemsDiscount);
    QCOMPARE(order.value(u"shipping_discount_amount").toInteger(), shippingDiscount);
    QCOMPARE(order.value(u"total_discount_amount").toInteger(), discount);
    QCOMPARE(itemsDiscount + shippingDiscount, discount);
    QCOMPARE(order.value(u"total_amount").toInteger(),
             order.value(u"amount").toInteger() + order.value(u"shipping_amount").toInteger() - discount);
    if (operation == u"redeem") {
        QCOMPARE(r.value(u"result").toString(), u"SUCCESS"_s);
        QVERIFY2(applied.value(u"redemption_id").toString().startsWith(u"red_"), dump(applied).constData());
    }
}

void TestScenarios::verifyRefused(const QString &operation, const Sent &sent, const QString &id, const QString &key,
                                  const QString &message)
{
    const QJsonObject &r = sent.response;
    QVERIFY2(sent.exitCode == 1, dump(r).constData());
    QVERIFY2(!r.value(u"valid").toBool(true), dump(r).constData());
    QVERIFY2(r.value(u"redeemables").toArray().isEmpty(), dump(r).constData());
    QVERIFY2(r.value(u"skipped_redeemables").toArray().isEmpty(), dump(r).constData());
    const QJsonArray refused = r.value(u"inapplicable_redeemables").toArray();
    QCOMPARE(refused.size(), 1);
    const QJsonObject entry = refused.at(0).toObject();
    QCOMPARE(entry.value(u"id").toString(), id);
    QCOMPARE(entry.value(u"status").toString(), u"INAPPLICABLE"_s);
    QCOMPARE(why(entry).value(u"key").toString(), key);
    if (!message.isEmpty())
        QCOMPARE(why(entry).value(u"message").toString(), message);
    QCOMPARE(r.value(u"order").toObject().value(u"total_discount_amount").toInteger(-1), qint64(0));
    for (const qint64 d : lineDiscounts(r))
        QCOMPARE(d, qint64(0));
    // The one-line error names the redeemable and the key.
    QVERIFY2(sent.err.contains(u"%1: %2"_s.arg(id, key).toUtf8()), sent.err.constData());
    if (operation == u"redeem") {
        QCOMPARE(r.value(u"result").toString(), u"FAILURE"_s);
        QVERIFY2(entry.value(u"redemption_id").toString().startsWith(u"red_"), "a failed attempt is recorded");
    }
}

void TestScenarios::addOutcomeColumns()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("id");
    QTest::addColumn<qint64>("discount");
    QTest::addColumn<QList<qint64>>("lines");
    QTest::addColumn<QString>("key");     // empty: it applies
    QTest::addColumn<QString>("message"); // the campaign's message for the refusal
}

namespace {

// A row in which the redeemable applies: its discount and each line's.
void applies(const char *row, const QString &operation, const QByteArray &request, const QString &id, qint64 discount,
             const QList<qint64> &lines)
{
    QTest::newRow(row) << operation << request << id << discount << lines << QString() << QString();
}

// A row in which it is refused with `key` (and the campaign's `message`, when given).
void refused(const char *row, const QString &operation, const QByteArray &request, const QString &id,
             const QString &key, const QString &message = {})
{
    QTest::newRow(row) << operation << request << id << qint64(0) << QList<qint64>() << key << message;
}

} // namespace

void TestScenarios::verifyOutcome()
{
    QFETCH(QString, operation);
    QFETCH(QByteArray, request);
    QFETCH(QString, id);
    QFETCH(qint64, discount);
    QFETCH(QList<qint64>, lines);
    QFETCH(QString, key);
    QFETCH(QString, message);
    SEND(sent, operation, request);
    if (key.isEmpty())
        verifyApplies(operation, sent, id, discount, lines);
    else
        verifyRefused(operation, sent, id, key, message);
}

// 1. 10.00 off, once per member, within 2 days of abandoning a cart.
void TestScenarios::abandonedCartComeback10()
{
    const QByteArray request = example(u"01-abandoned-cart.json"_s);
    {
        SEND(first, u"redeem"_s, request);
        verifyApplies(u"redeem"_s, first, u"COMEBACK10"_s, 1000, {1000}); // 2 x 18.09 = 36.18, 10.00 off
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(first.response.value(u"order").toObject().value(u"total_amount").toInteger(), qint64(2618));
        const QJsonObject redeemed = first.response.value(u"redeemables").toArray().at(0).toObject();
        m_comebackRedemption = redeemed.value(u"redemption_id").toString();
    }
    {
        SEND(again, u"redeem"_s, request);
        verifyRefused(u"redeem"_s, again, u"COMEBACK10"_s, u"redemption_rules_violated"_s, {});
    }
    {
        // Validate says the same without writing.
        SEND(again, u"validate"_s, request);
        verifyRefused(u"validate"_s, again, u"COMEBACK10"_s, u"redemption_rules_violated"_s, {});
    }
    {
        SEND(late, u"redeem"_s, forCustomer(request, 900002));
        verifyRefused(u"redeem"_s, late, u"COMEBACK10"_s, u"customer_rules_violated"_s,
                      u"Only for members who left a cart in the last 2 days"_s);
    }
    {
        // An abandonment after "now" is not one the customer has made yet.
        SEND(early, u"validate"_s, atTime(forCustomer(request, 900001), iso(at(NowAbandoned) - 2 * Day)));
        verifyRefused(u"validate"_s, early, u"COMEBACK10"_s, u"customer_rules_violated"_s,
                      u"Only for members who left a cart in the last 2 days"_s);
    }
}

// 2. 5 % at 50.00+, 10 % at 100.00+: qualify lists the better tier, the other is not best.
void TestScenarios::spendTiersQualifyTheBetterTier()
{
    const QByteArray big = example(u"02-spend-tiers.json"_s);
    {
        // 3 x 18.09 + 9.49 = 63.76: 5 % per line is 271.35 -> 271 and 47.45 -> 47, so 318
        // (not 318.80 -> 319 on the whole cart).
        SEND(sent, u"qualify"_s,
             withItems(big, QJsonArray{line(u"sku_00053_2"_s, 3), line(u"sku_00001_2"_s)}));
        QCOMPARE(sent.exitCode, 0);
        const QJsonObject &r = sent.response;
        const QJsonObject fifty = entry(r, u"redeemables"_s, u"promo_spend_50"_s);
        QVERIFY2(!fifty.isEmpty(), dump(r).constData());
        QCOMPARE(fifty.value(u"status").toString(), u"APPLICABLE"_s);
        QCOMPARE(fifty.value(u"campaign_id").toString(), u"camp_spend_tiers"_s);
        QCOMPARE(fifty.value(u"result").toObject().value(u"discount_amount").toInteger(), qint64(318));
        const QJsonObject hundred = entry(r, u"inapplicable_redeemables"_s, u"promo_spend_100"_s);
        QVERIFY2(!hundred.isEmpty(), dump(r).constData());
        QCOMPARE(why(hundred).value(u"key").toString(), u"order_rules_violated"_s);
        QCOMPARE(why(hundred).value(u"message").toString(), u"Spend 100.00 or more"_s);
        QVERIFY(entry(r, u"redeemables"_s, u"promo_spend_100"_s).isEmpty());
        QCOMPARE(r.value(u"order").toObject().value(u"amount").toInteger(), qint64(6376));
        QCOMPARE(r.value(u"order").toObject().value(u"total_discount_amount").toInteger(), qint64(318));
        QCOMPARE(lineDiscounts(r), (QList<qint64>{271, 47}));
    }
    {
        // 105.39 + 10.09 = 115.48: 10 % is 1053.9 -> 1054 and 100.9 -> 101.
        SEND(sent, u"qualify"_s, big);
        QCOMPARE(sent.exitCode, 0);
        const QJsonObject &r = sent.response;
        const QJsonObject hundred = entry(r, u"redeemables"_s, u"promo_spend_100"_s);
        QVERIFY2(!hundred.isEmpty(), dump(r).constData());
        QCOMPARE(hundred.value(u"result").toObject().value(u"discount_amount").toInteger(), qint64(1155));
        QVERIFY2(entry(r, u"redeemables"_s, u"promo_spend_50"_s).isEmpty(), dump(r).constData());
        const QJsonObject fifty = entry(r, u"skipped_redeemables"_s, u"promo_spend_50"_s);
        QVERIFY2(!fifty.isEmpty(), dump(r).constData());
        QCOMPARE(fifty.value(u"status").toString(), u"SKIPPED"_s);
        QCOMPARE(why(fifty).value(u"key").toString(), u"promotion_tier_not_best"_s);
        QCOMPARE(r.value(u"order").toObject().value(u"total_discount_amount").toInteger(), qint64(1155));
        QCOMPARE(lineDiscounts(r), (QList<qint64>{1054, 101}));
    }
}

void TestScenarios::spendTiersNeverBothApply_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QByteArray>("request");
    const QByteArray big = example(u"02-spend-tiers.json"_s);
    const QJsonArray fiftyFirst = {tier(u"promo_spend_50"_s), tier(u"promo_spend_100"_s)};
    const QJsonArray hundredFirst = {tier(u"promo_spend_100"_s), tier(u"promo_spend_50"_s)};
    QTest::newRow("validate 100 then 50") << u"validate"_s << withRedeemables(big, hundredFirst);
    QTest::newRow("validate 50 then 100") << u"validate"_s << withRedeemables(big, fiftyFirst);
    QTest::newRow("redeem 100 then 50") << u"redeem"_s << withRedeemables(big, hundredFirst);
    QTest::newRow("redeem 50 then 100") << u"redeem"_s << withRedeemables(big, fiftyFirst);
}

// Both tiers asked for explicitly: not valid, never both, and the one left out is the worse.
void TestScenarios::spendTiersNeverBothApply()
{
    QFETCH(QString, operation);
    QFETCH(QByteArray, request);
    SEND(sent, operation, request);
    const QJsonObject &r = sent.response;
    QCOMPARE(sent.exitCode, 1);
    QVERIFY(!r.value(u"valid").toBool(true));
    QVERIFY2(sent.err.contains("promotion_tier_not_best"), sent.err.constData());
    QVERIFY2(r.value(u"inapplicable_redeemables").toArray().isEmpty(), dump(r).constData());
    // The skipped one is told "a better tier applies": that must be true.
    auto skippedWith = [&r](const QString &key) {
        for (const QJsonValue &v : r.value(u"skipped_redeemables").toArray()) {
            if (why(v.toObject()).value(u"key").toString() == key)
                return v.toObject();
        }
        return QJsonObject();
    };
    QCOMPARE(skippedWith(u"promotion_tier_not_best"_s).value(u"id").toString(), u"promo_spend_50"_s);
    if (operation == u"redeem") {
        // Nothing redeemed: the better tier is skipped too, and nothing is taken off.
        QCOMPARE(r.value(u"result").toString(), u"FAILURE"_s);
        QVERIFY2(r.value(u"redeemables").toArray().isEmpty(), dump(r).constData());
        const QJsonObject notRedeemed = skippedWith(u"not_redeemed"_s);
        QCOMPARE(notRedeemed.value(u"id").toString(), u"promo_spend_100"_s);
        QVERIFY(!notRedeemed.contains(u"redemption_id"));
        QCOMPARE(r.value(u"order").toObject().value(u"total_discount_amount").toInteger(), qint64(0));
    } else {
        // Never both: the order shows the better tier's discount, not the sum (1155 + 577).
        QCOMPARE(r.value(u"redeemables").toArray().size(), 1);
        QCOMPARE(r.value(u"skipped_redeemables").toArray().size(), 1);
        QCOMPARE(r.value(u"redeemables").toArray().at(0).toObject().value(u"id").toString(), u"promo_spend_100"_s);
        QCOMPARE(r.value(u"order").toObject().value(u"total_discount_amount").toInteger(), qint64(1155));
    }
}

void TestScenarios::bogoDentalSticks_data()
{
    addOutcomeColumns();
    const QByteArray both = example(u"03-bogo-dental.json"_s);
    const QString id = u"promo_bogo_dental"_s;
    const QString message = u"Put both the dog food and the dental sticks in the cart"_s;
    const QString food = u"prod_00001"_s, sticks = u"prod_00037"_s;
    // 5.29 + 2 x 4.59: one pack of sticks free, the food and the second pack at full price.
    applies("food + 2 sticks", u"redeem"_s, both, id, 459, {0, 459});
    applies("2 sticks + food", u"validate"_s, withItems(both, {line(sticks, 2), line(food)}), id, 459, {459, 0});
    applies("food + 1 stick by SKU", u"validate"_s, withItems(both, {line(food), line(u"sku_00037_1"_s)}), id, 459,
            {0, 459});
    refused("sticks alone", u"validate"_s, withItems(both, {line(sticks, 2)}), id, u"order_rules_violated"_s, message);
    refused("food alone", u"redeem"_s, withItems(both, {line(food, 3)}), id, u"order_rules_violated"_s, message);
}

// 3. With the dog food in the cart, one pack of dental sticks is free.
void TestScenarios::bogoDentalSticks()
{
    verifyOutcome();
}

void TestScenarios::loyal15_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("redeemedBefore"); // when the member redeemed promo_spend_50; empty: never
    QTest::addColumn<QString>("key");
    const QByteArray request = example(u"04-loyal-15.json"_s);
    // 59.29 x 15 % = 889.35 -> 889.
    QTest::newRow("redeemed on 4 May") << request << u"2026-05-04T09:00:00Z"_s << QString();
    QTest::newRow("nothing redeemed") << forCustomer(request, 900006) << QString() << u"customer_rules_violated"_s;
    // Dublin is UTC+1: 22:30 UTC on 30 April is still April there, 23:30 UTC is 1 May.
    QTest::newRow("redeemed 23:30 30 April Dublin")
        << forCustomer(request, 900007) << u"2026-04-30T22:30:00Z"_s << u"customer_rules_violated"_s;
    QTest::newRow("redeemed 00:30 1 May Dublin") << forCustomer(request, 900008) << u"2026-04-30T23:30:00Z"_s
                                                 << QString();
}

// 4. 15 % off for members who redeemed something this calendar month (Dublin).
void TestScenarios::loyal15()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, redeemedBefore);
    QFETCH(QString, key);
    const QString who = QJsonDocument::fromJson(request).object().value(u"customer").toObject().value(u"id").toString();
    if (!redeemedBefore.isEmpty()) {
        // 59.29 at 5 %: 296.45 -> 296.
        const QJsonObject earlier{{u"now"_s, redeemedBefore},
                                  {u"customer"_s, QJsonObject{{u"id"_s, who}}},
                                  {u"order"_s, QJsonObject{{u"items"_s, QJsonArray{line(u"sku_00069_2"_s)}}}},
                                  {u"redeemables"_s, QJsonArray{tier(u"promo_spend_50"_s)}}};
        SEND(first, u"redeem"_s, dump(earlier));
        verifyApplies(u"redeem"_s, first, u"promo_spend_50"_s, 296, {296});
        if (QTest::currentTestFailed())
            return;
    }
    const QString message = u"For members who redeemed a code this month or referred a friend"_s;
    if (key.isEmpty()) {
        SEND(sent, u"redeem"_s, request);
        verifyApplies(u"redeem"_s, sent, u"LOYAL15"_s, 889, {889});
        if (QTest::currentTestFailed())
            return;
        // Once a month per member.
        SEND(again, u"validate"_s, request);
        verifyRefused(u"validate"_s, again, u"LOYAL15"_s, u"redemption_rules_violated"_s, {});
    } else {
        SEND(sent, u"redeem"_s, request);
        verifyRefused(u"redeem"_s, sent, u"LOYAL15"_s, key, message);
    }
}

void TestScenarios::bedBundle_data()
{
    addOutcomeColumns();
    const QByteArray bedAndTug = example(u"05-bed-bundle.json"_s);
    const QString id = u"promo_bed_bundle"_s;
    const QString message = u"Add the bed, and spend 60.00 or add the rope tug"_s;
    const QString bed = u"sku_00069_1"_s, mediumBed = u"sku_00069_2"_s;
    const QString tug = u"sku_00053_1"_s, largeTug = u"sku_00053_2"_s;
    // 32.99 + 10.09 = 43.08 (< 60.00): the tug qualifies it; 30 % of the bed line only, 989.7 -> 990.
    applies("bed + rope tug", u"redeem"_s, bedAndTug, id, 990, {990, 0});
    // 2 x 32.99 = 65.98 (>= 60.00): 1979.4 -> 1979.
    applies("two beds", u"redeem"_s, withItems(bedAndTug, {line(bed, 2)}), id, 1979, {1979});
    // 59.29 (the medium bed, not on offer) + 32.99: only the small bed is discounted.
    applies("medium bed + bed", u"validate"_s, withItems(bedAndTug, {line(mediumBed), line(bed)}), id, 990, {0, 990});
    refused("bed alone", u"validate"_s, withItems(bedAndTug, {line(bed)}), id, u"order_rules_violated"_s, message);
    refused("bed + large rope tug", u"validate"_s, withItems(bedAndTug, {line(bed), line(largeTug)}), id,
            u"order_rules_violated"_s, message);
    refused("rope tug and 60.00 without the bed", u"redeem"_s, withItems(bedAndTug, {line(tug), line(mediumBed)}), id,
            u"order_rules_violated"_s, message);
}

// 5. The small orthopaedic bed 30 % off with a 60.00+ cart or the rope tug.
void TestScenarios::bedBundle()
{
    verifyOutcome();
}

void TestScenarios::welcomeWeek_data()
{
    addOutcomeColumns();
    const QByteArray request = example(u"06-welcome-week.json"_s);
    const QString code = u"WELCOMEWEEK"_s;
    const QString message = u"For members who joined this week"_s;
    // 18.09 x 10 % = 180.9 -> 181.
    applies("joined 3 days ago", u"redeem"_s, request, code, 181, {181});
    refused("joined 10 days ago", u"redeem"_s, forCustomer(request, 900011), code, u"customer_rules_violated"_s,
            message);
    refused("joined 3 days ago, asked 5 days later", u"validate"_s,
            atTime(forCustomer(request, 900010), iso(at(NowWelcome) + 5 * Day)), code, u"customer_rules_violated"_s,
            message);
}

// 6. 10 % off for members who joined in the last 7 days.
void TestScenarios::welcomeWeek()
{
    verifyOutcome();
}

void TestScenarios::weMissYou_data()
{
    addOutcomeColumns();
    const QByteArray request = example(u"07-we-miss-you.json"_s);
    const QString code = u"MISSYOU20"_s;
    const QString message = u"For members back after 3 months, on orders above 100.00"_s;
    // 105.39 x 20 % = 2107.8 -> 2108.
    applies("away 100 days, 105.39", u"redeem"_s, request, code, 2108, {2108});
    refused("away 100 days, 59.29", u"validate"_s, withItems(request, {line(u"sku_00069_2"_s)}), code,
            u"order_rules_violated"_s, message);
    refused("away 100 days, exactly 100.00", u"validate"_s, withItems(request, {priced(u"sku_00069_3"_s, 1, 10000)}),
            code, u"order_rules_violated"_s, message);
    refused("away 30 days, 105.39", u"redeem"_s, forCustomer(request, 900013), code, u"customer_rules_violated"_s,
            message);
}

// 7. 20 % off orders above 100.00 for members inactive for more than 90 days.
void TestScenarios::weMissYou()
{
    verifyOutcome();
}

void TestScenarios::premiumGold_data()
{
    addOutcomeColumns();
    const QByteArray request = example(u"08-premium.json"_s);
    const QString id = u"promo_premium_250"_s;
    const QString message = u"Gold members, on orders above 250.00"_s;
    // 3 x 105.39 = 316.17: 25.00 off.
    applies("gold, 316.17", u"redeem"_s, request, id, 2500, {2500});
    refused("silver, 316.17", u"redeem"_s, forCustomer(request, 900015), id, u"customer_rules_violated"_s, message);
    refused("gold, 200.00", u"validate"_s, withItems(request, {priced(u"sku_00069_3"_s, 2, 10000)}), id,
            u"order_rules_violated"_s, message);
    refused("gold, exactly 250.00", u"validate"_s, withItems(request, {priced(u"sku_00069_3"_s, 1, 25000)}), id,
            u"order_rules_violated"_s, message);
}

// 8. 25.00 off orders above 250.00 for gold members.
void TestScenarios::premiumGold()
{
    verifyOutcome();
}

void TestScenarios::anniversary_data()
{
    addOutcomeColumns();
    const QByteArray request = example(u"09-anniversary.json"_s);
    const QString code = u"ANNIVERSARY50"_s;
    const QString message = u"Only on your membership anniversary"_s;
    // 12 x 105.39 = 1264.68: half is 632.34, capped at 500.00.
    applies("joined 15 July 2025", u"redeem"_s, request, code, 50000, {50000});
    refused("joined 14 July 2025", u"redeem"_s, forCustomer(request, 900017), code, u"customer_rules_violated"_s,
            message);
    refused("joined this morning", u"validate"_s, forCustomer(request, 900022), code, u"customer_rules_violated"_s,
            message);
}

// 9a. 50 % off (at most 500.00) on the day a member joined, a year or more ago.
void TestScenarios::anniversary()
{
    verifyOutcome();
}

void TestScenarios::birthday_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("key");
    const QByteArray request = example(u"09-birthday.json"_s);
    QTest::newRow("born 15 July") << u"redeem"_s << request << QString();
    QTest::newRow("born 16 July") << u"redeem"_s << forCustomer(request, 900019) << u"customer_rules_violated"_s;
    // 23:30 UTC on 15 July is 00:30 on 16 July in Dublin: the birthday is over.
    QTest::newRow("born 15 July, 00:30 on the 16th in Dublin")
        << u"validate"_s << atTime(forCustomer(request, 900023), u"2026-07-15T23:30:00Z"_s)
        << u"customer_rules_violated"_s;
}

// 9b. 20.00 off plus free shipping on the member's birthday.
void TestScenarios::birthday()
{
    QFETCH(QString, operation);
    QFETCH(QByteArray, request);
    QFETCH(QString, key);
    SEND(sent, operation, request);
    if (!key.isEmpty()) {
        verifyRefused(operation, sent, u"BIRTHDAY20"_s, key, u"Only on your birthday"_s);
        return;
    }
    // 59.29 + 4.95 shipping: 20.00 off the items and the 4.95 shipping.
    verifyApplies(operation, sent, u"BIRTHDAY20"_s, 2495, {2000}, 495);
    if (QTest::currentTestFailed())
        return;
    const QJsonObject order = sent.response.value(u"order").toObject();
    QCOMPARE(order.value(u"shipping_amount").toInteger(), qint64(495));
    QCOMPARE(order.value(u"total_amount").toInteger(), qint64(5929 + 495 - 2000 - 495));
}

// 10. 17 % off for members in Ireland on 17 March in Dublin.
void TestScenarios::stPatricksQualifyAndRedeem()
{
    const QByteArray request = example(u"10-st-patricks.json"_s);
    // 10.09 and 5.29 at 17 %: 171.53 -> 172 and 89.93 -> 90, so 262 (not 261.46 -> 261).
    {
        SEND(sent, u"qualify"_s, request);
        QCOMPARE(sent.exitCode, 0);
        const QJsonObject patricks = entry(sent.response, u"redeemables"_s, u"promo_st_patricks"_s);
        QVERIFY2(!patricks.isEmpty(), dump(sent.response).constData());
        QCOMPARE(patricks.value(u"campaign_id").toString(), u"camp_st_patricks"_s);
        QCOMPARE(patricks.value(u"result").toObject().value(u"discount_amount").toInteger(), qint64(262));
    }
    {
        SEND(sent, u"redeem"_s, request);
        verifyApplies(u"redeem"_s, sent, u"promo_st_patricks"_s, 262, {172, 90});
    }
    {
        // The next day, qualify no longer offers it.
        SEND(sent, u"qualify"_s, atTime(request, u"2026-03-18T00:30:00Z"_s));
        QCOMPARE(sent.exitCode, 0);
        QVERIFY2(entry(sent.response, u"redeemables"_s, u"promo_st_patricks"_s).isEmpty(),
                 dump(sent.response).constData());
        const QJsonObject patricks = entry(sent.response, u"inapplicable_redeemables"_s, u"promo_st_patricks"_s);
        QCOMPARE(why(patricks).value(u"key").toString(), u"promotion_inactive"_s);
    }
}

void TestScenarios::stPatricksRefusals_data()
{
    addOutcomeColumns();
    const QByteArray request = example(u"10-st-patricks.json"_s);
    const QString id = u"promo_st_patricks"_s;
    refused("IE, 18 March 00:30 Dublin", u"validate"_s, atTime(request, u"2026-03-18T00:30:00Z"_s), id,
            u"promotion_inactive"_s);
    refused("IE, 16 March 23:30 Dublin", u"validate"_s, atTime(request, u"2026-03-16T23:30:00Z"_s), id,
            u"promotion_inactive"_s);
    applies("IE, 17 March 23:59 Dublin", u"validate"_s, atTime(request, u"2026-03-17T23:59:00Z"_s), id, 262, {172, 90});
    refused("GB, 17 March 10:00 Dublin", u"redeem"_s, forCustomer(request, 900021), id, u"customer_rules_violated"_s,
            u"For members in Ireland"_s);
}

void TestScenarios::stPatricksRefusals()
{
    verifyOutcome();
}

// Rolling back scenario 1's redemption gives the member their COMEBACK10 back.
void TestScenarios::rollbackMakesComebackRedeemableAgain()
{
    QVERIFY2(m_comebackRedemption.startsWith(u"red_"), "needs abandonedCartComeback10");
    const QJsonObject request{{u"redemption_id"_s, m_comebackRedemption},
                              {u"reason"_s, u"order cancelled"_s},
                              {u"now"_s, iso(at(NowAbandoned) + 3'600'000)}};
    RUN_CLI_JSON(rollback, {u"rollback"_s, u"-w"_s, m_workspace}, dump(request));
    QCOMPARE(rollback.value(u"result").toString(), u"SUCCESS"_s);
    QCOMPARE(rollback.value(u"redemption").toString(), m_comebackRedemption);
    QCOMPARE(rollback.value(u"discount_amount").toInteger(), qint64(1000));
    {
        // Twice is an error, not a second refund.
        RUN_CLI(twice, {u"rollback"_s, u"-w"_s, m_workspace}, dump(request));
        QCOMPARE(twice.exitCode, 1);
        QVERIFY2(twice.err.contains("already rolled back"), twice.err.constData());
    }
    const QByteArray again = atTime(example(u"01-abandoned-cart.json"_s), iso(at(NowAbandoned) + 2 * 3'600'000));
    SEND(sent, u"redeem"_s, again);
    verifyApplies(u"redeem"_s, sent, u"COMEBACK10"_s, 1000, {1000});
    if (QTest::currentTestFailed())
        return;
    SEND(third, u"redeem"_s, again);
    verifyRefused(u"redeem"_s, third, u"COMEBACK10"_s, u"redemption_rules_violated"_s, {});
}

void TestScenarios::workspacePassesCheck()
{
    RUN_CLI_JSON(check, {u"check"_s, u"-w"_s, m_workspace});
    QVERIFY2(check.value(u"ok").toBool(), dump(check).constData());
}

// Each example in the docs is a request the test sends, and each is in the docs folder.
void TestScenarios::everyExampleIsSent()
{
    QStringList names;
    for (const auto &example : Examples)
        names << example.first;
    QCOMPARE(m_sent, QSet<QString>(names.begin(), names.end()));
    QCOMPARE(QDir(examplesDir()).entryList({u"*.json"_s}, QDir::Files, QDir::Name), names);
}

// Whatever the history (the demo's year of attempts, then the scenarios above): every
// counter the engine keeps equals a recount of the redemption rows.
void TestScenarios::countersEqualTheRedemptions()
{
    auto connection = openConnection(m_workspace);
    QVERIFY(connection);
    struct Check
    {
        const char *what;
        const char *sql; // rows that disagree
    };
    const Check checks[] = {
        {"codes.redeemed_quantity",
         "SELECT c.code, c.redeemed_quantity, (SELECT count(*) FROM redemptions AS r WHERE r.code_id = c.id "
         "AND r.object = 'redemption' AND r.result = 'SUCCESS') AS n FROM codes AS c WHERE c.redeemed_quantity <> n"},
        {"gift balances",
         "SELECT c.code, c.gift_balance, 5000 - (SELECT ifnull(sum(r.gift_amount), 0) FROM redemptions AS r "
         "WHERE r.code_id = c.id AND r.object = 'redemption' AND r.result = 'SUCCESS') AS left FROM codes AS c "
         "WHERE c.campaign_id = 'camp_gift_cards' AND c.gift_balance <> left"},
        {"campaign_usage all-time rows",
         "SELECT u.campaign_id, u.redemptions, u.discount FROM campaign_usage AS u WHERE u.day = '' AND "
         "(u.redemptions, u.discount) <> (SELECT count(*), ifnull(sum(r.discount_amount + r.gift_amount), 0) "
         "FROM redemptions AS r WHERE r.campaign_id = u.campaign_id AND r.object = 'redemption' "
         "AND r.result = 'SUCCESS')"},
        {"campaign_usage days add up",
         "SELECT u.campaign_id FROM campaign_usage AS u WHERE u.day = '' AND (u.redemptions, u.discount) <> "
         "(SELECT sum(d.redemptions), sum(d.discount) FROM campaign_usage AS d WHERE d.campaign_id = u.campaign_id "
         "AND d.day <> '')"},
        {"a rollback row for every rolled-back redemption",
         "SELECT r.id FROM redemptions AS r WHERE r.result = 'ROLLED_BACK' AND (SELECT count(*) FROM redemptions AS b "
         "WHERE b.rollback_of = r.id AND b.object = 'redemption_rollback') <> 1"},
        {"failures carry a key",
         "SELECT id FROM redemptions WHERE result = 'FAILURE' AND (failure_code IS NULL OR failure_message IS NULL)"},
    };
    for (const Check &check : checks) {
        auto rows = select(*connection, QString::fromUtf8(check.sql));
        PD_VERIFY_OK(rows);
        QVERIFY2(rows.value().isEmpty(), qPrintable(u"%1: %2 rows disagree, first: %3"_s.arg(QString::fromUtf8(check.what))
                                                        .arg(rows.value().size())
                                                        .arg(rows.value().isEmpty() ? QString() : rows.value()[0].value(0).toString())));
    }
    // The history is there to be checked: successes, failures and rollbacks.
    auto kinds = scalar(*connection, u"SELECT count(DISTINCT result) FROM redemptions"_s);
    PD_VERIFY_OK(kinds);
    QCOMPARE(kinds.value().toInt(), 3);
}

QTEST_GUILESS_MAIN(TestScenarios)
#include "tst_scenarios.moc"
