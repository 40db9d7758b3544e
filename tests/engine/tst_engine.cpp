// The campaign engine over a real workspace: Voucherify's failure keys, every attempt on
// record, rollbacks that restore limits and budgets, stacking, gift cards, referrals,
// join_once, results that do not depend on the order of lines or campaigns, explain.

#include "testsupport.h"

#include "common/ids.h"
#include "engine/campaignjson.h"
#include "engine/democampaigns.h"
#include "engine/engine.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDateTime>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest/QtTest>

#include <memory>

using namespace PromoDesk;
using namespace PromoDesk::Engine;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

// Every request happens at a fixed moment: Tuesday 10 March 2026, 12:00 UTC.
const qint64 T0 = QDateTime(QDate(2026, 3, 10), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
constexpr qint64 DayMs = 24LL * 3600 * 1000;

// The catalogue of every workspace here: sku_N of product prod_sku_N in Categories[N % 5].
const QStringList Categories = {u"Dog Food"_s, u"Cat Food"_s, u"Toys"_s, u"Beds"_s, u"Treats"_s};
constexpr int CatalogueSkus = 15;

Eligibility rule(const QString &text, const QString &message)
{
    auto eligibility = eligibilityFromText(text, message);
    if (!eligibility)
        qFatal("test rule %s: %s", qPrintable(text), qPrintable(eligibility.error().toString()));
    return eligibility.value();
}

Campaign coupon(const QString &id, const QString &code, const Discount &discount)
{
    Campaign c;
    c.id = id;
    c.name = u"Campaign "_s + id;
    c.type = CampaignType::DiscountCoupons;
    c.status = CampaignStatus::Active;
    c.discount = discount;
    c.standaloneCode = code;
    if (code.isEmpty())
        c.codeConfig.pattern = id.toUpper().remove(u'_') + u"-######"_s;
    return c;
}

Tier tier(const QString &id, const QString &name, const Eligibility &eligibility, const Discount &discount)
{
    Tier t;
    t.id = id;
    t.name = name;
    t.eligibility = eligibility;
    t.discount = discount;
    return t;
}

Campaign promotion(const QString &id, const QList<Tier> &tiers)
{
    Campaign c;
    c.id = id;
    c.name = u"Promotion "_s + id;
    c.type = CampaignType::Promotion;
    c.status = CampaignStatus::Active;
    c.tiers = tiers;
    return c;
}

Campaign giftCards(const QString &id, qint64 balance)
{
    Campaign c;
    c.id = id;
    c.name = u"Gift cards "_s + id;
    c.type = CampaignType::GiftVouchers;
    c.status = CampaignStatus::Active;
    c.giftAmount = balance;
    c.codeConfig.pattern = u"GIFT-########"_s;
    return c;
}

OrderItem line(const QString &sku, qint64 quantity, qint64 price, const QString &category = {})
{
    OrderItem item;
    item.sku = sku;
    item.product = u"prod_"_s + sku;
    item.category = category;
    item.quantity = quantity;
    item.price = price;
    return item;
}

Redeemable voucher(const QString &code)
{
    return {Redeemable::Object::Voucher, code, std::nullopt};
}

Redeemable promotionTier(const QString &id)
{
    return {Redeemable::Object::PromotionTier, id, std::nullopt};
}

Request makeRequest(const QString &customer, const QList<OrderItem> &items, const QList<Redeemable> &redeemables,
                    qint64 now = T0)
{
    Request r;
    r.customer = customer;
    r.order.sourceId = u"order-%1"_s.arg(now);
    r.order.channel = u"web"_s;
    r.order.items = items;
    r.redeemables = redeemables;
    r.now = now;
    return r;
}

QString describe(const RedeemableResult &r)
{
    return u"%1 [%2%3]: %4 %5"_s.arg(r.requested.id, r.campaignId, r.tierId.isEmpty() ? QString() : u"/"_s + r.tierId,
                                     r.failureKey, r.message);
}

QString describe(const Validation &v)
{
    QStringList out;
    out << u"valid=%1"_s.arg(v.valid);
    for (const RedeemableResult &r : v.applicable)
        out << u"applicable %1 (%2 off)"_s.arg(describe(r)).arg(r.applied.total);
    for (const RedeemableResult &r : v.skipped)
        out << u"skipped "_s + describe(r);
    for (const RedeemableResult &r : v.inapplicable)
        out << u"inapplicable "_s + describe(r);
    return out.join(u"; "_s);
}

QStringList ids(const QList<RedeemableResult> &results)
{
    QStringList out;
    for (const RedeemableResult &r : results)
        out << r.requested.id;
    return out;
}

} // namespace

// Runs an engine call once and fails the test with its error if it has one.
#define ENGINE_OK(var, call)                                                                                   \
    auto var##Result_ = (call);                                                                                \
    PD_VERIFY_OK(var##Result_);                                                                                \
    auto var = std::move(var##Result_).value()

// Redeems, requiring that everything requested was redeemed.
#define REDEEM_VALID(var, request)                                                                             \
    ENGINE_OK(var, m_engine->redeem(request));                                                                 \
    QVERIFY2(var.valid, qPrintable(describe(var)))

class TestEngine : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void failureKeys_data();
    void failureKeys();
    void redeemRecordsEveryAttempt();
    void redeemIsAllOrNothing();
    void stackingRefusalIsRecorded_data();
    void stackingRefusalIsRecorded();
    void oneRequestCannotExceedALimit_data();
    void oneRequestCannotExceedALimit();
    void dailyLimitFollowsTheCampaignZone();
    void rollbackRestores_data();
    void rollbackRestores();
    void rollbackRefusals();
    void tiersNeverCombine_data();
    void tiersNeverCombine();
    void applicableRedeemablesLimit();
    void exclusiveAndJointCategories();
    void priorityOrder();
    void secondPercentWorksOnWhatIsLeft();
    void giftCardAcrossOrders();
    void referral();
    void joinOnce();
    void orderIndependence();
    void explainTrace();
    void tryCampaignBeforeSaving();
    void linesNotInTheCatalogue();
    void lifecycleIsAudited();
    void storeRefusesWhatCannotBeReadBack();
    void demoCampaignsAreValid();
    void unlimitedCampaignsKeepNoCounter();

private:
    qint64 addCustomer(const QString &sourceId, const QString &country = u"IE"_s);
    QString addCatalogue(Store::Connection *connection = nullptr);
    QString customer(qint64 id) const { return Ids::make(Ids::Customer, id); }
    qint64 number(const QString &sql, const QVariantList &values = {});
    // Saves campaigns, returning an error text ("" when all were saved).
    QString save(const QList<Campaign> &campaigns);
    // Redeems and requires success; "" or what went wrong.
    QString redeemOk(const Request &request, Validation *out = nullptr);
    // Builds the scenario of a failureKeys row and returns the request that must fail.
    QString setUpScenario(const QString &scenario, Request &request);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Connection> m_connection;
    std::unique_ptr<CampaignEngine> m_engine;
    qint64 m_alice = 0; // IE
    qint64 m_bob = 0;   // IE
    qint64 m_carol = 0; // FR
};

void TestEngine::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QString path = m_dir->filePath(u"engine.promodesk"_s);
    auto created = Store::Workspace::create(path, Store::WorkspaceKind::Production);
    PD_VERIFY_OK(created);
    auto opened = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    PD_VERIFY_OK(opened);
    m_connection = std::move(opened).value();
    const Status configured = Store::Workspace::configureForWriting(*m_connection);
    PD_VERIFY_OK(configured);
    const QString catalogue = addCatalogue();
    QVERIFY2(catalogue.isEmpty(), qPrintable(catalogue));
    m_engine = std::make_unique<CampaignEngine>(*m_connection);
    m_alice = addCustomer(u"alice"_s);
    m_bob = addCustomer(u"bob"_s);
    m_carol = addCustomer(u"carol"_s, u"FR"_s);
    QVERIFY(m_alice > 0 && m_bob > 0 && m_carol > 0);
}

void TestEngine::cleanup()
{
    m_engine.reset();
    m_connection.reset();
    m_dir.reset();
}

qint64 TestEngine::addCustomer(const QString &sourceId, const QString &country)
{
    QSqlQuery q(m_connection->database());
    q.prepare(u"INSERT INTO customers(source_id, name, email, address_country, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(sourceId);
    q.addBindValue(sourceId.toUpper());
    q.addBindValue(sourceId + u"@example.com"_s);
    q.addBindValue(country);
    q.addBindValue(T0 - 400 * DayMs);
    q.addBindValue(T0 - 400 * DayMs);
    if (!q.exec()) {
        qWarning("inserting customer %s: %s", qPrintable(sourceId), qPrintable(q.lastError().text()));
        return 0;
    }
    return q.lastInsertId().toLongLong();
}

QString TestEngine::addCatalogue(Store::Connection *connection)
{
    const QSqlDatabase database = (connection ? connection : m_connection.get())->database();
    QSqlQuery category(database);
    category.prepare(u"INSERT INTO categories(id, name) VALUES (?, ?)"_s);
    for (int i = 0; i < Categories.size(); ++i) {
        category.addBindValue(u"cat_%1"_s.arg(i));
        category.addBindValue(Categories[i]);
        if (!category.exec())
            return category.lastError().text();
    }
    QSqlQuery product(database);
    product.prepare(u"INSERT INTO products(id, name, category_id, price, created_at) VALUES (?, ?, ?, ?, ?)"_s);
    QSqlQuery sku(database);
    sku.prepare(u"INSERT INTO skus(id, product_id, sku, price, created_at) VALUES (?, ?, ?, ?, ?)"_s);
    for (int i = 0; i < CatalogueSkus; ++i) {
        product.addBindValue(u"prod_sku_%1"_s.arg(i));
        product.addBindValue(u"Product %1"_s.arg(i));
        product.addBindValue(u"cat_%1"_s.arg(i % Categories.size()));
        product.addBindValue(1000 + 100 * i);
        product.addBindValue(T0 - 400 * DayMs);
        if (!product.exec())
            return product.lastError().text();
        sku.addBindValue(u"sku_%1"_s.arg(i));
        sku.addBindValue(u"prod_sku_%1"_s.arg(i));
        sku.addBindValue(u"SKU-%1"_s.arg(i));
        sku.addBindValue(1000 + 100 * i);
        sku.addBindValue(T0 - 400 * DayMs);
        if (!sku.exec())
            return sku.lastError().text();
    }
    return {};
}

qint64 TestEngine::number(const QString &sql, const QVariantList &values)
{
    auto value = scalar(*m_connection, sql, values);
    if (!value) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(value.error().toString()));
        return -1;
    }
    return value.value().toLongLong();
}

QString TestEngine::save(const QList<Campaign> &campaigns)
{
    for (const Campaign &campaign : campaigns) {
        auto saved = m_engine->store().saveCampaign(campaign, u"test"_s);
        if (!saved)
            return u"saving %1: %2"_s.arg(campaign.id, saved.error().toString());
    }
    return {};
}

QString TestEngine::redeemOk(const Request &request, Validation *out)
{
    auto result = m_engine->redeem(request);
    if (!result)
        return u"redeem failed with an error: "_s + result.error().toString();
    if (!result.value().valid)
        return u"redeem refused: "_s + describe(result.value());
    if (out)
        *out = result.value();
    return {};
}

// --- 1. failure keys ------------------------------------------------------------------

void TestEngine::failureKeys_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("message"); // a part of the message, "" = any

    QTest::newRow("unknown code") << u"unknown"_s << u"resource_not_found"_s << u"NOSUCHCODE"_s;
    QTest::newRow("paused campaign") << u"paused"_s << u"voucher_disabled"_s << u"paused"_s;
    QTest::newRow("tier of a paused promotion") << u"paused tier"_s << u"promotion_inactive"_s << u"paused"_s;
    QTest::newRow("before start") << u"before start"_s << u"voucher_not_active"_s << QString();
    QTest::newRow("after expiration") << u"expired"_s << u"voucher_expired"_s << QString();
    QTest::newRow("outside daily hours") << u"hours"_s << u"voucher_not_active_now"_s << QString();
    QTest::newRow("customer rule") << u"customer rule"_s << u"customer_rules_violated"_s
                                   << u"Only for members in France"_s;
    QTest::newRow("order rule") << u"order rule"_s << u"order_rules_violated"_s << u"Spend 500.00 or more"_s;
    QTest::newRow("per-code limit") << u"per code"_s << u"quantity_exceeded"_s << QString();
    QTest::newRow("per-customer limit") << u"per customer"_s << u"redemption_rules_violated"_s << QString();
    QTest::newRow("per-customer limit per month") << u"per customer month"_s << u"redemption_rules_violated"_s
                                                  << u"a month"_s;
    QTest::newRow("per-campaign daily limit") << u"per campaign day"_s << u"redemption_rules_violated"_s << u"a day"_s;
    QTest::newRow("redemption budget") << u"redemption budget"_s << u"redemption_rules_violated"_s << u"budget"_s;
    QTest::newRow("discount budget spent") << u"discount budget spent"_s << u"redemption_rules_violated"_s
                                           << u"budget"_s;
    QTest::newRow("discount budget too small") << u"discount budget short"_s << u"redemption_rules_violated"_s
                                               << u"budget"_s;
    QTest::newRow("guest on a per-customer limit") << u"guest"_s << u"missing_customer"_s << QString();
    QTest::newRow("empty gift card") << u"gift empty"_s << u"gift_amount_exceeded"_s << QString();
}

QString TestEngine::setUpScenario(const QString &scenario, Request &request)
{
    const QList<OrderItem> cart = {line(u"sku_1"_s, 2, 2500), line(u"sku_2"_s, 1, 5000)}; // 100.00
    const QString alice = customer(m_alice);
    request = makeRequest(alice, cart, {voucher(u"CODE"_s)});
    Store::CampaignStore &store = m_engine->store();

    if (scenario == u"unknown") {
        request.redeemables = {voucher(u"NOSUCHCODE"_s)};
        return save({coupon(u"camp_other"_s, u"OTHER"_s, amountOff(500))});
    }
    if (scenario == u"paused") {
        if (QString e = save({coupon(u"camp_paused"_s, u"CODE"_s, amountOff(500))}); !e.isEmpty())
            return e;
        auto paused = store.setStatus(u"camp_paused"_s, CampaignStatus::Paused, u"test"_s);
        return paused ? QString() : paused.error().toString();
    }
    if (scenario == u"paused tier") {
        request.redeemables = {promotionTier(u"tier_paused"_s)};
        if (QString e = save({promotion(u"camp_promo"_s, {tier(u"tier_paused"_s, u"5.00 off"_s, {}, amountOff(500))})});
            !e.isEmpty())
            return e;
        auto paused = store.setStatus(u"camp_promo"_s, CampaignStatus::Paused, u"test"_s);
        return paused ? QString() : paused.error().toString();
    }
    if (scenario == u"before start" || scenario == u"expired" || scenario == u"hours") {
        Campaign c = coupon(u"camp_scheduled"_s, u"CODE"_s, amountOff(500));
        if (scenario == u"before start")
            c.schedule.startDate = T0 + DayMs;
        else if (scenario == u"expired")
            c.schedule.expirationDate = T0 - DayMs;
        else
            c.schedule.dailyHours << DailyWindow{QTime(8, 0), QTime(9, 0)}; // T0 is 12:00 UTC
        return save({c});
    }
    if (scenario == u"customer rule") {
        Campaign c = coupon(u"camp_france"_s, u"CODE"_s, amountOff(500));
        c.eligibility = rule(u"customer.country is \"FR\""_s, u"Only for members in France"_s);
        return save({c});
    }
    if (scenario == u"order rule") {
        Campaign c = coupon(u"camp_big"_s, u"CODE"_s, amountOff(500));
        c.eligibility = rule(u"order.amount >= 500.00"_s, u"Spend 500.00 or more"_s);
        return save({c});
    }
    if (scenario == u"per code") {
        Campaign c = coupon(u"camp_once"_s, u"CODE"_s, amountOff(500));
        c.limits.perCode = 1;
        if (QString e = save({c}); !e.isEmpty())
            return e;
        return redeemOk(makeRequest(customer(m_bob), cart, {voucher(u"CODE"_s)}));
    }
    if (scenario == u"per customer") {
        Campaign c = coupon(u"camp_per_customer"_s, u"CODE"_s, amountOff(500));
        c.limits.perCustomer = 1;
        if (QString e = save({c}); !e.isEmpty())
            return e;
        // Another customer's redemption does not count against Alice.
        if (QString e = redeemOk(makeRequest(customer(m_bob), cart, {voucher(u"CODE"_s)})); !e.isEmpty())
            return e;
        return redeemOk(makeRequest(alice, cart, {voucher(u"CODE"_s)}, T0 - 300 * DayMs));
    }
    if (scenario == u"per customer month") {
        Campaign c = coupon(u"camp_monthly"_s, u"CODE"_s, amountOff(500));
        c.limits.perCustomer = 1;
        c.limits.perCustomerPeriod = Period::Month;
        if (QString e = save({c}); !e.isEmpty())
            return e;
        // February's redemption does not count in March; 9 March's does.
        if (QString e = redeemOk(makeRequest(alice, cart, {voucher(u"CODE"_s)}, T0 - 20 * DayMs)); !e.isEmpty())
            return e;
        return redeemOk(makeRequest(alice, cart, {voucher(u"CODE"_s)}, T0 - DayMs));
    }
    if (scenario == u"per campaign day") {
        Campaign c = coupon(u"camp_daily"_s, u"CODE"_s, amountOff(500));
        c.limits.perCampaign = 2;
        c.limits.perCampaignPeriod = Period::Day;
        if (QString e = save({c}); !e.isEmpty())
            return e;
        // Two yesterday, two today by different customers; the fifth is one too many today.
        const qint64 who[] = {m_alice, m_bob, m_bob, m_carol};
        const qint64 when[] = {T0 - DayMs, T0 - DayMs, T0 - 3600 * 1000, T0 - 1800 * 1000};
        for (int i = 0; i < 4; ++i) {
            if (QString e = redeemOk(makeRequest(customer(who[i]), cart, {voucher(u"CODE"_s)}, when[i])); !e.isEmpty())
                return u"redemption %1: %2"_s.arg(i + 1).arg(e);
        }
        return {};
    }
    if (scenario == u"redemption budget") {
        Campaign c = coupon(u"camp_budget_n"_s, u"CODE"_s, amountOff(500));
        c.limits.budgetRedemptions = 2;
        if (QString e = save({c}); !e.isEmpty())
            return e;
        for (qint64 who : {m_bob, m_carol}) {
            if (QString e = redeemOk(makeRequest(customer(who), cart, {voucher(u"CODE"_s)})); !e.isEmpty())
                return e;
        }
        return {};
    }
    if (scenario == u"discount budget spent" || scenario == u"discount budget short") {
        Campaign c = coupon(u"camp_budget_money"_s, u"CODE"_s, amountOff(1000));
        // 20.00: two redemptions spend it exactly; 15.00: the second would break it.
        c.limits.budgetDiscount = scenario == u"discount budget spent" ? 2000 : 1500;
        if (QString e = save({c}); !e.isEmpty())
            return e;
        if (QString e = redeemOk(makeRequest(customer(m_bob), cart, {voucher(u"CODE"_s)})); !e.isEmpty())
            return e;
        if (scenario == u"discount budget spent")
            return redeemOk(makeRequest(customer(m_carol), cart, {voucher(u"CODE"_s)}));
        return {};
    }
    if (scenario == u"guest") {
        Campaign c = coupon(u"camp_members"_s, u"CODE"_s, amountOff(500));
        c.limits.perCustomer = 1;
        request.customer.clear();
        return save({c});
    }
    if (scenario == u"gift empty") {
        const Campaign c = giftCards(u"camp_gift"_s, 2000);
        if (QString e = save({c}); !e.isEmpty())
            return e;
        auto card = store.publishCode(c, m_alice, T0 - DayMs);
        if (!card)
            return card.error().toString();
        request.redeemables = {voucher(card.value().code)};
        return redeemOk(makeRequest(alice, cart, {voucher(card.value().code)}, T0 - 3600 * 1000));
    }
    return u"unknown scenario "_s + scenario;
}

void TestEngine::failureKeys()
{
    QFETCH(QString, scenario);
    QFETCH(QString, key);
    QFETCH(QString, message);

    Request request;
    const QString setUp = setUpScenario(scenario, request);
    QVERIFY2(setUp.isEmpty(), qPrintable(setUp));
    const qint64 before = number(u"SELECT count(*) FROM redemptions"_s);

    // validate writes nothing and gives the same answer as redeem.
    ENGINE_OK(validated, m_engine->validate(request));
    QVERIFY2(!validated.valid, qPrintable(describe(validated)));
    QCOMPARE(validated.inapplicable.size(), 1);
    QCOMPARE(validated.inapplicable.constFirst().failureKey, key);
    QCOMPARE(number(u"SELECT count(*) FROM redemptions"_s), before);

    ENGINE_OK(redeemed, m_engine->redeem(request));
    QVERIFY2(!redeemed.valid, qPrintable(describe(redeemed)));
    QVERIFY(redeemed.applicable.isEmpty());
    QCOMPARE(redeemed.inapplicable.size(), 1);
    const RedeemableResult &failure = redeemed.inapplicable.constFirst();
    QCOMPARE(failure.outcome, Outcome::Inapplicable);
    QCOMPARE(failure.failureKey, key);
    QVERIFY2(!failure.message.isEmpty(), qPrintable(describe(failure)));
    if (!message.isEmpty())
        QVERIFY2(failure.message.contains(message), qPrintable(failure.message));

    // The refused attempt is on record with its key and message.
    QVERIFY(failure.redemptionId > 0);
    auto row = select(*m_connection,
                      u"SELECT result, failure_code, failure_message, discount_amount FROM redemptions WHERE id = ?"_s,
                      {failure.redemptionId});
    PD_VERIFY_OK(row);
    QCOMPARE(row.value().size(), 1);
    QCOMPARE(row.value()[0][0].toString(), u"FAILURE"_s);
    QCOMPARE(row.value()[0][1].toString(), key);
    QCOMPARE(row.value()[0][2].toString(), failure.message);
    QCOMPARE(row.value()[0][3].toLongLong(), 0);
    QCOMPARE(number(u"SELECT count(*) FROM redemptions"_s), before + 1);
}

// --- 2. every attempt is recorded --------------------------------------------------

void TestEngine::redeemRecordsEveryAttempt()
{
    Campaign c = coupon(u"camp_ten"_s, u"TENOFF"_s, amountOff(1000));
    c.limits.perCode = 2;
    const QString saved = save({c});
    QVERIFY2(saved.isEmpty(), qPrintable(saved));
    const QList<OrderItem> cart = {line(u"sku_1"_s, 1, 4000)};

    Validation first;
    const QString ok = redeemOk(makeRequest(customer(m_alice), cart, {voucher(u"tenoff"_s)}), &first); // any case
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    QCOMPARE(first.applicable.size(), 1);
    QCOMPARE(first.applicable[0].applied.total, 1000);
    QCOMPARE(first.totalAmount(), 3000);
    const qint64 successId = first.applicable[0].redemptionId;
    QVERIFY(successId > 0);

    const QString second = redeemOk(makeRequest(customer(m_bob), cart, {voucher(u"TENOFF"_s)}));
    QVERIFY2(second.isEmpty(), qPrintable(second));
    ENGINE_OK(third, m_engine->redeem(makeRequest(customer(m_carol), cart, {voucher(u"TENOFF"_s)})));
    QVERIFY(!third.valid);
    ENGINE_OK(unknown, m_engine->redeem(makeRequest(customer(m_carol), cart, {voucher(u"NOPE"_s)})));
    QVERIFY(!unknown.valid);

    auto rows = select(*m_connection,
                       u"SELECT id, result, discount_amount, failure_code, failure_message, customer_id, campaign_id, "
                       "order_amount, object FROM redemptions ORDER BY id"_s);
    PD_VERIFY_OK(rows);
    QCOMPARE(rows.value().size(), 4);
    const QVariantList &success = rows.value()[0];
    QCOMPARE(success[0].toLongLong(), successId);
    QCOMPARE(success[1].toString(), u"SUCCESS"_s);
    QCOMPARE(success[2].toLongLong(), 1000);
    QVERIFY(success[3].isNull());
    QCOMPARE(success[5].toLongLong(), m_alice);
    QCOMPARE(success[6].toString(), u"camp_ten"_s);
    QCOMPARE(success[7].toLongLong(), 4000);
    QCOMPARE(success[8].toString(), u"redemption"_s);
    QCOMPARE(rows.value()[1][1].toString(), u"SUCCESS"_s);

    const QVariantList &limited = rows.value()[2];
    QCOMPARE(limited[1].toString(), u"FAILURE"_s);
    QCOMPARE(limited[2].toLongLong(), 0);
    QCOMPARE(limited[3].toString(), u"quantity_exceeded"_s);
    QVERIFY(!limited[4].toString().isEmpty());
    QCOMPARE(limited[5].toLongLong(), m_carol);
    QCOMPARE(limited[6].toString(), u"camp_ten"_s);

    const QVariantList &missing = rows.value()[3];
    QCOMPARE(missing[1].toString(), u"FAILURE"_s);
    QCOMPARE(missing[3].toString(), u"resource_not_found"_s);
    QVERIFY(missing[6].isNull());

    QCOMPARE(number(u"SELECT redeemed_quantity FROM codes WHERE code = 'TENOFF'"_s), 2);
}

void TestEngine::redeemIsAllOrNothing()
{
    Campaign good = coupon(u"camp_good"_s, u"GOOD"_s, amountOff(500));
    good.limits.perCode = 5;
    Campaign expired = coupon(u"camp_expired"_s, u"EXPIRED"_s, amountOff(700));
    expired.schedule.expirationDate = T0 - DayMs;
    const Campaign gift = giftCards(u"camp_gift"_s, 5000);
    const QString saved = save({good, expired, gift});
    QVERIFY2(saved.isEmpty(), qPrintable(saved));
    auto card = m_engine->store().publishCode(gift, m_alice, T0 - DayMs);
    PD_VERIFY_OK(card);
    const QString cardCode = card.value().code;

    const QList<OrderItem> cart = {line(u"sku_1"_s, 2, 3000)};
    for (const QList<Redeemable> &pair : {QList<Redeemable>{voucher(u"GOOD"_s), voucher(u"EXPIRED"_s)},
                                          QList<Redeemable>{voucher(u"EXPIRED"_s), voucher(u"GOOD"_s)},
                                          QList<Redeemable>{voucher(cardCode), voucher(u"EXPIRED"_s)}}) {
        ENGINE_OK(result, m_engine->redeem(makeRequest(customer(m_alice), cart, pair)));
        QVERIFY2(!result.valid, qPrintable(describe(result)));
        QCOMPARE(ids(result.inapplicable), QStringList{u"EXPIRED"_s});
        QCOMPARE(result.inapplicable[0].failureKey, u"voucher_expired"_s);
        for (const RedeemableResult &r : result.applicable)
            QCOMPARE(r.redemptionId, 0);
    }
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE result = 'SUCCESS'"_s), 0);
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE result = 'FAILURE' AND failure_code = 'voucher_expired'"_s), 3);
    QCOMPARE(number(u"SELECT sum(redeemed_quantity) FROM codes"_s), 0);
    QCOMPARE(number(u"SELECT gift_balance FROM codes WHERE code = ?"_s, {cardCode}), 5000);
}

// A redeem refused by the stacking rules is an attempt too: it must leave a FAILURE row.
void TestEngine::stackingRefusalIsRecorded_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("two tiers of one promotion") << u"tiers"_s;
    QTest::newRow("over applicable_redeemables_limit") << u"limit"_s;
}

void TestEngine::stackingRefusalIsRecorded()
{
    QFETCH(QString, kind);
    QList<Redeemable> requested;
    if (kind == u"tiers") {
        const QString saved = save({promotion(u"camp_spend"_s, {tier(u"tier_5"_s, u"5.00 off"_s, {}, amountOff(500)),
                                                               tier(u"tier_10"_s, u"10.00 off"_s, {}, amountOff(1000))})});
        QVERIFY2(saved.isEmpty(), qPrintable(saved));
        requested = {promotionTier(u"tier_5"_s), promotionTier(u"tier_10"_s)};
    } else {
        const QString saved = save({coupon(u"camp_a"_s, u"AAA"_s, amountOff(100)), coupon(u"camp_b"_s, u"BBB"_s, amountOff(100))});
        QVERIFY2(saved.isEmpty(), qPrintable(saved));
        Store::StackingRules rules;
        rules.applicableLimit = 1;
        const Status set = m_engine->store().setStackingRules(rules);
        PD_VERIFY_OK(set);
        requested = {voucher(u"AAA"_s), voucher(u"BBB"_s)};
    }
    ENGINE_OK(result, m_engine->redeem(makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 9000)}, requested)));
    QVERIFY2(!result.valid, qPrintable(describe(result)));
    // One refused by stacking, and the one that would have applied, not redeemed.
    QCOMPARE(result.skipped.size(), 2);
    QVERIFY(result.applicable.isEmpty());
    QCOMPARE(result.totalDiscount(), 0);
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE result = 'SUCCESS'"_s), 0);
    // DESIGN.md: "Every attempt is recorded". A refused request must leave its failure.
    QVERIFY2(number(u"SELECT count(*) FROM redemptions WHERE result = 'FAILURE'"_s) >= 1,
             qPrintable(u"redeem refused (%1) but no attempt was recorded"_s.arg(describe(result))));
}

// Limits and budgets hold even when one request names the same campaign twice.
void TestEngine::oneRequestCannotExceedALimit_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("same code twice, different case") << u"same code"_s;
    QTest::newRow("same gift card twice") << u"same gift"_s;
    QTest::newRow("per-customer limit, two codes") << u"per customer"_s;
    QTest::newRow("discount budget, two codes") << u"budget"_s;
}

void TestEngine::oneRequestCannotExceedALimit()
{
    QFETCH(QString, kind);
    Store::CampaignStore &store = m_engine->store();
    QList<Redeemable> requested;
    if (kind == u"same code") {
        Campaign c = coupon(u"camp_once"_s, u"ONCE"_s, amountOff(500));
        c.limits.perCode = 1;
        QCOMPARE(save({c}), QString());
        requested = {voucher(u"ONCE"_s), voucher(u"once"_s)};
    } else if (kind == u"same gift") {
        const Campaign c = giftCards(u"camp_gift"_s, 5000);
        QCOMPARE(save({c}), QString());
        auto card = store.publishCode(c, m_alice, T0 - DayMs);
        PD_VERIFY_OK(card);
        requested = {voucher(card.value().code), voucher(card.value().code.toLower())};
    } else {
        Campaign c = coupon(u"camp_two"_s, QString(), amountOff(700));
        if (kind == u"per customer")
            c.limits.perCustomer = 1;
        else
            c.limits.budgetDiscount = 1000;
        QCOMPARE(save({c}), QString());
        for (int i = 0; i < 2; ++i) {
            auto code = store.publishCode(c, m_alice, T0 - DayMs);
            PD_VERIFY_OK(code);
            requested << voucher(code.value().code);
        }
    }
    auto result = m_engine->redeem(makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 20000)}, requested));
    PD_VERIFY_OK(result);
    const qint64 successes = number(u"SELECT count(*) FROM redemptions WHERE result = 'SUCCESS'"_s);
    const qint64 discount = number(u"SELECT ifnull(sum(discount_amount), 0) FROM redemptions WHERE result = 'SUCCESS'"_s);
    const QString what = describe(result.value());
    if (kind == u"same code") {
        QVERIFY2(number(u"SELECT redeemed_quantity FROM codes WHERE code = 'ONCE'"_s) <= 1, qPrintable(what));
        QVERIFY2(successes <= 1, qPrintable(what));
    } else if (kind == u"same gift") {
        QVERIFY2(number(u"SELECT min(gift_balance) FROM codes"_s) >= 0, qPrintable(what));
        QVERIFY2(result.value().giftCredits <= 5000, qPrintable(what));
    } else if (kind == u"per customer") {
        QVERIFY2(successes <= 1, qPrintable(what));
    } else {
        QVERIFY2(discount <= 1000, qPrintable(u"%1 off a budget of 1000: %2"_s.arg(discount).arg(what)));
    }
}

// A day is a day of the campaign's zone: 23:30 UTC on 1 July is already 2 July in Dublin.
void TestEngine::dailyLimitFollowsTheCampaignZone()
{
    Campaign c = coupon(u"camp_dublin"_s, u"DAILY"_s, amountOff(500));
    c.timezone = u"Europe/Dublin"_s;
    c.limits.perCampaign = 1;
    c.limits.perCampaignPeriod = Period::Day;
    QCOMPARE(save({c}), QString());
    const QList<OrderItem> cart = {line(u"sku_1"_s, 1, 3000)};
    auto at = [](int hour, int minute) {
        return QDateTime(QDate(2026, 7, 1), QTime(hour, minute), QTimeZone::utc()).toMSecsSinceEpoch();
    };
    QString ok = redeemOk(makeRequest(customer(m_alice), cart, {voucher(u"DAILY"_s)}, at(22, 30))); // 23:30 Dublin
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    ok = redeemOk(makeRequest(customer(m_bob), cart, {voucher(u"DAILY"_s)}, at(23, 30))); // 00:30 on 2 July
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    ENGINE_OK(third, m_engine->redeem(makeRequest(customer(m_carol), cart, {voucher(u"DAILY"_s)}, at(23, 45))));
    QVERIFY(!third.valid);
    QCOMPARE(third.inapplicable.value(0).failureKey, u"redemption_rules_violated"_s);
    auto days = select(*m_connection, u"SELECT day, redemptions FROM campaign_usage WHERE campaign_id = 'camp_dublin' "
                                      "AND day <> '' ORDER BY day"_s);
    PD_VERIFY_OK(days);
    QCOMPARE(days.value(), (Rows{{u"2026-07-01"_s, 1}, {u"2026-07-02"_s, 1}}));
}

// --- 3. rollback -----------------------------------------------------------------

void TestEngine::rollbackRestores_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("per-code limit") << u"per code"_s;
    QTest::newRow("per-customer limit") << u"per customer"_s;
    QTest::newRow("campaign budget") << u"budget"_s;
    QTest::newRow("gift balance") << u"gift"_s;
}

void TestEngine::rollbackRestores()
{
    QFETCH(QString, kind);
    const QString alice = customer(m_alice);
    const QList<OrderItem> cart = {line(u"sku_1"_s, 1, 3000)};
    QString code = u"LIMITED"_s;
    QString campaignId = u"camp_limited"_s;
    if (kind == u"gift") {
        const Campaign c = giftCards(u"camp_gift"_s, 5000);
        campaignId = c.id;
        QCOMPARE(save({c}), QString());
        auto card = m_engine->store().publishCode(c, m_alice, T0 - DayMs);
        PD_VERIFY_OK(card);
        code = card.value().code;
    } else {
        Campaign c = coupon(campaignId, code, amountOff(1000));
        if (kind == u"per code")
            c.limits.perCode = 1;
        else if (kind == u"per customer")
            c.limits.perCustomer = 1;
        else
            c.limits.budgetDiscount = 1000;
        QCOMPARE(save({c}), QString());
    }
    const Request request = makeRequest(alice, cart, {voucher(code)});

    Validation first;
    const QString ok = redeemOk(request, &first);
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    const qint64 redemptionId = first.applicable.value(0).redemptionId;
    QVERIFY(redemptionId > 0);
    if (kind == u"gift") {
        QCOMPARE(first.giftCredits, 3000);
        QCOMPARE(number(u"SELECT gift_balance FROM codes WHERE code = ?"_s, {code}), 2000);
    } else {
        // Used up: the same request is refused now.
        ENGINE_OK(again, m_engine->validate(request));
        QVERIFY2(!again.valid, qPrintable(describe(again)));
    }
    if (kind == u"budget") {
        QCOMPARE(number(u"SELECT discount FROM campaign_usage WHERE campaign_id = ? AND day = ''"_s, {campaignId}), 1000);
        QCOMPARE(number(u"SELECT redemptions FROM campaign_usage WHERE campaign_id = ? AND day = '2026-03-10'"_s,
                        {campaignId}),
                 1);
    }

    ENGINE_OK(undone, m_engine->rollback(redemptionId, u"order cancelled"_s, T0 + 3600 * 1000));
    QCOMPARE(undone.redemptionId, redemptionId);
    QVERIFY(undone.rollbackId > redemptionId);
    auto rows = select(*m_connection, u"SELECT result, object, rollback_of, reason FROM redemptions WHERE id IN (?, ?) ORDER BY id"_s,
                       {redemptionId, undone.rollbackId});
    PD_VERIFY_OK(rows);
    QCOMPARE(rows.value().size(), 2);
    QCOMPARE(rows.value()[0][0].toString(), u"ROLLED_BACK"_s);
    QCOMPARE(rows.value()[1][1].toString(), u"redemption_rollback"_s);
    QCOMPARE(rows.value()[1][2].toLongLong(), redemptionId);
    QCOMPARE(rows.value()[1][3].toString(), u"order cancelled"_s);

    QCOMPARE(number(u"SELECT redeemed_quantity FROM codes WHERE code = ?"_s, {code}), 0);
    if (kind == u"gift") {
        QCOMPARE(undone.giftAmount, 3000);
        QCOMPARE(number(u"SELECT gift_balance FROM codes WHERE code = ?"_s, {code}), 5000);
    }
    if (kind == u"budget") {
        QCOMPARE(undone.discountAmount, 1000);
        QCOMPARE(number(u"SELECT discount FROM campaign_usage WHERE campaign_id = ? AND day = ''"_s, {campaignId}), 0);
        QCOMPARE(number(u"SELECT redemptions FROM campaign_usage WHERE campaign_id = ? AND day = ''"_s, {campaignId}), 0);
        QCOMPARE(number(u"SELECT redemptions FROM campaign_usage WHERE campaign_id = ? AND day = '2026-03-10'"_s,
                        {campaignId}),
                 0);
    }

    // Restored: the same request succeeds again, with the same discount or credits.
    Validation second;
    const QString again = redeemOk(makeRequest(alice, cart, {voucher(code)}, T0 + 2 * 3600 * 1000), &second);
    QVERIFY2(again.isEmpty(), qPrintable(again));
    QCOMPARE(second.totalDiscount() + second.giftCredits, first.totalDiscount() + first.giftCredits);
    QCOMPARE(number(u"SELECT redeemed_quantity FROM codes WHERE code = ?"_s, {code}), 1);
}

void TestEngine::rollbackRefusals()
{
    QCOMPARE(save({coupon(u"camp_c"_s, u"CODE"_s, amountOff(500))}), QString());
    const QList<OrderItem> cart = {line(u"sku_1"_s, 1, 3000)};
    Validation done;
    const QString ok = redeemOk(makeRequest(customer(m_alice), cart, {voucher(u"CODE"_s)}), &done);
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    const qint64 id = done.applicable[0].redemptionId;

    ENGINE_OK(first, m_engine->rollback(id, u"cancelled"_s, T0 + 1000));
    const qint64 rowsAfterFirst = number(u"SELECT count(*) FROM redemptions"_s);

    auto twice = m_engine->rollback(id, u"again"_s, T0 + 2000);
    QVERIFY(!twice.ok());
    QVERIFY2(twice.error().message.contains(u"already rolled back"_s), qPrintable(twice.error().toString()));
    QVERIFY2(twice.error().message.contains(Ids::make(Ids::Redemption, id)), qPrintable(twice.error().toString()));

    auto ofRollback = m_engine->rollback(first.rollbackId, u"undo the undo"_s, T0 + 2000);
    QVERIFY(!ofRollback.ok());
    QVERIFY2(ofRollback.error().message.contains(u"rollback"_s), qPrintable(ofRollback.error().toString()));

    ENGINE_OK(refused, m_engine->redeem(makeRequest(customer(m_alice), cart, {voucher(u"NOPE"_s)})));
    QVERIFY(!refused.valid);
    const qint64 failureId = refused.inapplicable.value(0).redemptionId;
    QVERIFY(failureId > 0);
    const qint64 rowsBefore = number(u"SELECT count(*) FROM redemptions"_s);
    auto ofFailure = m_engine->rollback(failureId, u"nothing"_s, T0 + 3000);
    QVERIFY(!ofFailure.ok());
    QVERIFY2(ofFailure.error().message.contains(u"failed"_s), qPrintable(ofFailure.error().toString()));

    auto ofNothing = m_engine->rollback(999999, u"nothing"_s, T0 + 3000);
    QVERIFY(!ofNothing.ok());
    QVERIFY2(ofNothing.error().message.contains(u"no redemption"_s), qPrintable(ofNothing.error().toString()));

    // Refusals write nothing.
    QCOMPARE(number(u"SELECT count(*) FROM redemptions"_s), rowsBefore);
    QCOMPARE(rowsBefore, rowsAfterFirst + 1);
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE object = 'redemption_rollback'"_s), 1);
    QCOMPARE(number(u"SELECT redeemed_quantity FROM codes WHERE code = 'CODE'"_s), 0);
}

// --- 4. stacking ------------------------------------------------------------------

void TestEngine::tiersNeverCombine_data()
{
    QTest::addColumn<bool>("betterFirst");
    QTest::newRow("better tier listed first") << true;
    QTest::newRow("better tier listed last") << false;
}

void TestEngine::tiersNeverCombine()
{
    QFETCH(bool, betterFirst);
    const Tier five = tier(u"tier_5pct"_s, u"5% at 50.00+"_s, rule(u"order.amount >= 50.00"_s, u"Spend 50.00"_s), percentOff(5));
    const Tier ten = tier(u"tier_10pct"_s, u"10% at 100.00+"_s, rule(u"order.amount >= 100.00"_s, u"Spend 100.00"_s),
                          percentOff(10));
    QCOMPARE(save({promotion(u"camp_tiers"_s, betterFirst ? QList<Tier>{ten, five} : QList<Tier>{five, ten})}), QString());

    Request big = makeRequest(customer(m_alice), {line(u"sku_1"_s, 2, 10000)}, {});
    ENGINE_OK(both, m_engine->qualify(big));
    QCOMPARE(ids(both.applicable), QStringList{u"tier_10pct"_s});
    QCOMPARE(both.applicable[0].applied.total, 2000);
    QCOMPARE(ids(both.skipped), QStringList{u"tier_5pct"_s});
    QCOMPARE(both.skipped[0].failureKey, u"promotion_tier_not_best"_s);
    QCOMPARE(both.totalDiscount(), 2000);

    Request medium = makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 6000)}, {});
    ENGINE_OK(one, m_engine->qualify(medium));
    QCOMPARE(ids(one.applicable), QStringList{u"tier_5pct"_s});
    QCOMPARE(one.totalDiscount(), 300);
    QCOMPARE(ids(one.inapplicable), QStringList{u"tier_10pct"_s});
    QCOMPARE(one.inapplicable[0].failureKey, u"order_rules_violated"_s);

    // Redeeming both tiers never gives both discounts.
    big.redeemables = {promotionTier(u"tier_5pct"_s), promotionTier(u"tier_10pct"_s)};
    ENGINE_OK(redeemed, m_engine->redeem(big));
    QVERIFY(redeemed.applicable.size() <= 1);
    QVERIFY(number(u"SELECT count(*) FROM redemptions WHERE result = 'SUCCESS'"_s) <= 1);
}

void TestEngine::applicableRedeemablesLimit()
{
    QCOMPARE(save({promotion(u"camp_p1"_s, {tier(u"tier_p1"_s, u"1.00 off"_s, {}, amountOff(100))}),
                   promotion(u"camp_p2"_s, {tier(u"tier_p2"_s, u"2.00 off"_s, {}, amountOff(200))}),
                   promotion(u"camp_p3"_s, {tier(u"tier_p3"_s, u"3.00 off"_s, {}, amountOff(300))})}),
             QString());
    const Request request = makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 10000)}, {});
    ENGINE_OK(unlimited, m_engine->qualify(request));
    QCOMPARE(ids(unlimited.applicable), (QStringList{u"tier_p3"_s, u"tier_p2"_s, u"tier_p1"_s}));

    Store::StackingRules rules;
    rules.applicableLimit = 2;
    const Status set = m_engine->store().setStackingRules(rules);
    PD_VERIFY_OK(set);
    ENGINE_OK(limited, m_engine->qualify(request));
    QCOMPARE(ids(limited.applicable), (QStringList{u"tier_p3"_s, u"tier_p2"_s}));
    QCOMPARE(ids(limited.skipped), QStringList{u"tier_p1"_s});
    QCOMPARE(limited.skipped[0].failureKey, u"applicable_redeemables_limit_exceeded"_s);
    QCOMPARE(limited.totalDiscount(), 500);
}

void TestEngine::exclusiveAndJointCategories()
{
    Campaign exclusive = promotion(u"camp_excl"_s, {tier(u"tier_excl"_s, u"20% off"_s, {}, percentOff(20))});
    exclusive.category = u"clearance"_s;
    exclusive.priority = 10;
    Campaign joint = promotion(u"camp_joint"_s, {tier(u"tier_joint"_s, u"5.00 off"_s, {}, amountOff(500))});
    joint.category = u"shipping"_s;
    Campaign other = promotion(u"camp_other"_s, {tier(u"tier_other"_s, u"10% off"_s, {}, percentOff(10))});
    other.category = u"cart"_s;
    Campaign uncategorised = promotion(u"camp_plain"_s, {tier(u"tier_plain"_s, u"1.00 off"_s, {}, amountOff(100))});
    QCOMPARE(save({exclusive, joint, other, uncategorised}), QString());

    const Request request = makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 10000)}, {});
    ENGINE_OK(free, m_engine->qualify(request));
    QCOMPARE(free.applicable.size(), 4); // without stacking rules everything combines

    Store::StackingRules rules;
    rules.exclusiveCategories = {u"clearance"_s};
    rules.jointCategories = {u"shipping"_s};
    const Status set = m_engine->store().setStackingRules(rules);
    PD_VERIFY_OK(set);
    ENGINE_OK(stacked, m_engine->qualify(request));
    QCOMPARE(ids(stacked.applicable), (QStringList{u"tier_excl"_s, u"tier_joint"_s}));
    QCOMPARE(stacked.applicable[0].applied.total, 2000);
    QCOMPARE(stacked.applicable[1].applied.total, 500);
    QStringList skipped = ids(stacked.skipped);
    skipped.sort();
    QCOMPARE(skipped, (QStringList{u"tier_other"_s, u"tier_plain"_s}));
    for (const RedeemableResult &r : stacked.skipped)
        QCOMPARE(r.failureKey, u"exclusion_rules_not_met"_s);
    QCOMPARE(stacked.totalDiscount(), 2500);

    // Without the exclusive one, the others combine again.
    const auto paused = m_engine->store().setStatus(u"camp_excl"_s, CampaignStatus::Paused, u"test"_s);
    PD_VERIFY_OK(paused);
    ENGINE_OK(rest, m_engine->qualify(request));
    QCOMPARE(rest.applicable.size(), 3);
    QVERIFY(rest.skipped.isEmpty());
}

void TestEngine::priorityOrder()
{
    Campaign big = promotion(u"camp_big"_s, {tier(u"tier_big"_s, u"20.00 off"_s, {}, amountOff(2000))});
    big.priority = 1;
    Campaign small = promotion(u"camp_small"_s, {tier(u"tier_small"_s, u"10% off"_s, {}, percentOff(10))});
    small.priority = 5;
    Campaign middle = promotion(u"camp_middle"_s, {tier(u"tier_middle"_s, u"1.00 off"_s, {}, amountOff(100))});
    middle.priority = 3;
    QCOMPARE(save({big, small, middle}), QString());

    ENGINE_OK(v, m_engine->qualify(makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 10000)}, {})));
    QCOMPARE(ids(v.applicable), (QStringList{u"tier_small"_s, u"tier_middle"_s, u"tier_big"_s}));
    QCOMPARE(v.applicable[0].applied.total, 1000); // 10% of 100.00, before the amounts
    QCOMPARE(v.applicable[1].applied.total, 100);
    QCOMPARE(v.applicable[2].applied.total, 2000);
    QCOMPARE(v.totalDiscount(), 3100);
    QCOMPARE(v.totalAmount(), 6900);

    // Requested redeemables apply by priority too, then in the order asked.
    Request request = makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 10000)},
                                  {promotionTier(u"tier_big"_s), promotionTier(u"tier_small"_s)});
    ENGINE_OK(validated, m_engine->validate(request));
    QCOMPARE(ids(validated.applicable), (QStringList{u"tier_small"_s, u"tier_big"_s}));
}

void TestEngine::secondPercentWorksOnWhatIsLeft()
{
    Campaign first = promotion(u"camp_first"_s, {tier(u"tier_first"_s, u"10% off"_s, {}, percentOff(10))});
    first.priority = 2;
    Campaign second = promotion(u"camp_second"_s, {tier(u"tier_second"_s, u"10% off again"_s, {}, percentOff(10))});
    second.priority = 1;
    QCOMPARE(save({first, second}), QString());
    ENGINE_OK(v, m_engine->qualify(
                     makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 7000), line(u"sku_2"_s, 3, 1000)}, {})));
    QCOMPARE(ids(v.applicable), (QStringList{u"tier_first"_s, u"tier_second"_s}));
    QCOMPARE(v.applicable[0].applied.total, 1000);
    QCOMPARE(v.applicable[1].applied.total, 900); // 10% of the 90.00 left, not of 100.00
    QCOMPARE(v.lineDiscounts, (QList<qint64>{700 + 630, 300 + 270}));
    QCOMPARE(v.totalDiscount(), 1900);
    QCOMPARE(v.totalAmount(), 8100);
}

// --- 5. gift cards and referrals --------------------------------------------------

void TestEngine::giftCardAcrossOrders()
{
    const Campaign gift = giftCards(u"camp_gift"_s, 5000);
    QCOMPARE(save({gift}), QString());
    auto card = m_engine->store().publishCode(gift, m_alice, T0 - DayMs);
    PD_VERIFY_OK(card);
    const QString code = card.value().code;
    QCOMPARE(card.value().giftBalance.value_or(-1), 5000);
    const QString alice = customer(m_alice);

    Validation first;
    QString ok = redeemOk(makeRequest(alice, {line(u"sku_1"_s, 1, 3000)}, {voucher(code)}), &first);
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    QCOMPARE(first.giftCredits, 3000);
    QCOMPARE(first.applicable[0].giftBalance, 2000);
    QCOMPARE(first.totalAmount(), 0);
    QCOMPARE(number(u"SELECT gift_balance FROM codes WHERE code = ?"_s, {code}), 2000);

    Validation second;
    ok = redeemOk(makeRequest(alice, {line(u"sku_2"_s, 2, 2000)}, {voucher(code)}, T0 + 1000), &second);
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    QCOMPARE(second.giftCredits, 2000);
    QCOMPARE(second.applicable[0].giftBalance, 0);
    QCOMPARE(second.totalAmount(), 2000);
    QCOMPARE(number(u"SELECT gift_balance FROM codes WHERE code = ?"_s, {code}), 0);
    QCOMPARE(number(u"SELECT sum(gift_amount) FROM redemptions WHERE result = 'SUCCESS'"_s), 5000);

    ENGINE_OK(empty, m_engine->redeem(makeRequest(alice, {line(u"sku_3"_s, 1, 1000)}, {voucher(code)}, T0 + 2000)));
    QVERIFY(!empty.valid);
    QCOMPARE(empty.inapplicable.value(0).failureKey, u"gift_amount_exceeded"_s);
    QCOMPARE(empty.giftCredits, 0);
    QCOMPARE(number(u"SELECT gift_balance FROM codes WHERE code = ?"_s, {code}), 0);
}

void TestEngine::referral()
{
    Campaign reward = coupon(u"camp_reward"_s, QString(), percentOff(10));
    reward.codeConfig.pattern = u"THANKS-######"_s;
    reward.limits.perCode = 1;
    Campaign program = coupon(u"camp_referral"_s, QString(), amountOff(1500));
    program.type = CampaignType::Referral;
    program.codeConfig.pattern = u"REF-######"_s;
    program.limits.perCustomer = 1;
    program.referral.rewardCampaignId = reward.id;
    Campaign loyal = coupon(u"camp_loyal"_s, u"LOYAL"_s, percentOff(15));
    loyal.eligibility = rule(u"customer.referrals_count >= 1"_s, u"For members who referred a friend"_s);
    QCOMPARE(save({reward, program, loyal}), QString());

    auto referralCode = m_engine->store().publishCode(program, m_alice, T0 - DayMs);
    PD_VERIFY_OK(referralCode);
    const QString code = referralCode.value().code;
    const QString alice = customer(m_alice);
    const QList<OrderItem> cart = {line(u"sku_1"_s, 1, 6000)};

    // Before any referral Alice does not qualify for the loyalty code, and holds no reward.
    ENGINE_OK(before, m_engine->validate(makeRequest(alice, cart, {voucher(u"LOYAL"_s)})));
    QVERIFY(!before.valid);
    QCOMPARE(before.inapplicable.value(0).failureKey, u"customer_rules_violated"_s);
    QCOMPARE(before.inapplicable.value(0).message, u"For members who referred a friend"_s);

    // The referrer cannot use her own code.
    ENGINE_OK(own, m_engine->redeem(makeRequest(alice, cart, {voucher(code)})));
    QVERIFY(!own.valid);
    QCOMPARE(own.inapplicable.value(0).failureKey, u"customer_rules_violated"_s);
    QVERIFY2(own.inapplicable.value(0).message.contains(u"own"_s), qPrintable(own.inapplicable.value(0).message));
    QCOMPARE(number(u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_reward'"_s), 0);

    // Bob, the referee, gets 15.00 off; Alice gets a reward code.
    Validation referred;
    const QString ok = redeemOk(makeRequest(customer(m_bob), cart, {voucher(code)}, T0 + 1000), &referred);
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    QCOMPARE(referred.totalDiscount(), 1500);
    QCOMPARE(number(u"SELECT referrer_id FROM redemptions WHERE id = ?"_s, {referred.applicable[0].redemptionId}), m_alice);
    QCOMPARE(number(u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_reward' AND customer_id = ?"_s, {m_alice}), 1);
    QCOMPARE(number(u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_reward' AND customer_id <> ?"_s, {m_alice}), 0);

    // Now the rule sees the referral, and Alice's reward code qualifies for her.
    ENGINE_OK(after, m_engine->validate(makeRequest(alice, cart, {voucher(u"LOYAL"_s)}, T0 + 2000)));
    QVERIFY2(after.valid, qPrintable(describe(after)));
    ENGINE_OK(qualified, m_engine->qualify(makeRequest(alice, cart, {}, T0 + 2000)));
    QStringList campaigns;
    for (const RedeemableResult &r : qualified.applicable + qualified.skipped)
        campaigns << r.campaignId;
    QVERIFY2(campaigns.contains(u"camp_reward"_s), qPrintable(describe(qualified)));
    QVERIFY2(campaigns.contains(u"camp_loyal"_s), qPrintable(describe(qualified)));
    QVERIFY2(!campaigns.contains(u"camp_referral"_s), qPrintable(describe(qualified)));

    // Bob cannot be referred twice (per-customer limit 1).
    ENGINE_OK(twice, m_engine->redeem(makeRequest(customer(m_bob), cart, {voucher(code)}, T0 + 3000)));
    QVERIFY(!twice.valid);
    QCOMPARE(twice.inapplicable.value(0).failureKey, u"redemption_rules_violated"_s);
    QCOMPARE(number(u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_reward'"_s), 1);
}

// --- 6. join_once --------------------------------------------------------------------

void TestEngine::joinOnce()
{
    Campaign shared = coupon(u"camp_join"_s, u"JOINME"_s, amountOff(500));
    shared.limits.joinOnce = true;
    Campaign unique = coupon(u"camp_unique"_s, QString(), amountOff(500));
    unique.limits.joinOnce = true;
    QCOMPARE(save({shared, unique}), QString());
    const QList<OrderItem> cart = {line(u"sku_1"_s, 1, 3000)};

    QString ok = redeemOk(makeRequest(customer(m_alice), cart, {voucher(u"JOINME"_s)}));
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    ENGINE_OK(second, m_engine->redeem(makeRequest(customer(m_alice), cart, {voucher(u"JOINME"_s)}, T0 + 1000)));
    QVERIFY(!second.valid);
    QCOMPARE(second.inapplicable.value(0).failureKey, u"redemption_rules_violated"_s);
    ok = redeemOk(makeRequest(customer(m_bob), cart, {voucher(u"JOINME"_s)}, T0 + 2000));
    QVERIFY2(ok.isEmpty(), qPrintable(ok));
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE result = 'SUCCESS'"_s), 2);

    auto first = m_engine->store().publishCode(unique, m_alice, T0);
    PD_VERIFY_OK(first);
    auto again = m_engine->store().publishCode(unique, m_alice, T0 + 1000);
    QVERIFY(!again.ok());
    QVERIFY2(again.error().message.contains(first.value().code), qPrintable(again.error().toString()));
    QCOMPARE(again.error().where, u"join_once"_s);
    auto bobs = m_engine->store().publishCode(unique, m_bob, T0 + 1000);
    PD_VERIFY_OK(bobs);
    QCOMPARE(number(u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_unique' AND customer_id = ?"_s, {m_alice}), 1);
}

// --- 7. order independence -------------------------------------------------------------

namespace {

QString money(qint64 cents)
{
    return QString::number(double(cents) / 100.0, 'f', 2);
}

Discount randomDiscount(QRandomGenerator &random)
{
    Discount d;
    switch (random.bounded(4)) {
    case 0:
        d = percentOff(double(5 + random.bounded(46)), random.bounded(3) == 0 ? 500 + random.bounded(3000) : 0);
        break;
    case 1:
        d = amountOff(100 + random.bounded(3000));
        break;
    default: {
        d = random.bounded(2) ? percentOff(double(10 + random.bounded(91))) : amountOff(50 + random.bounded(1500));
        d.effect = DiscountEffect::ApplyToItems;
        ItemTarget target;
        target.object = ItemTarget::Object::Category;
        target.id = Categories[int(random.bounded(qint64(Categories.size())))];
        const ItemEffect effects[] = {ItemEffect::Every, ItemEffect::Cheapest, ItemEffect::MostExpensive};
        target.effect = effects[random.bounded(3)];
        if (random.bounded(3) == 0)
            target.quantityLimit = 1 + random.bounded(2);
        if (random.bounded(3) == 0)
            target.aggregatedQuantityLimit = 1 + random.bounded(3);
        d.applicableTo << target;
        break;
    }
    }
    return d;
}

Eligibility randomRule(QRandomGenerator &random)
{
    switch (random.bounded(4)) {
    case 0:
        return {};
    case 1:
        return rule(u"order.amount >= %1"_s.arg(money(random.bounded(30000))), u"Spend more"_s);
    case 2:
        return rule(u"any item (item.category is \"%1\")"_s.arg(Categories[int(random.bounded(qint64(Categories.size())))]),
                    u"Needs a category"_s);
    default:
        return rule(u"order.items_count >= %1"_s.arg(1 + random.bounded(8)), u"Buy more"_s);
    }
}

QList<Campaign> randomCampaigns(QRandomGenerator &random, int count)
{
    const QStringList stackingCategories = {QString(), u"cart"_s, u"clearance"_s, u"shipping"_s, u"seasonal"_s};
    QList<Campaign> out;
    for (int i = 0; i < count; ++i) {
        const QString id = u"camp_r%1"_s.arg(i, 2, 10, QLatin1Char('0'));
        Campaign c;
        if (random.bounded(2)) {
            QList<Tier> tiers;
            const int n = 1 + int(random.bounded(3));
            for (int t = 0; t < n; ++t)
                tiers << tier(u"%1_t%2"_s.arg(id).arg(t), u"tier %1"_s.arg(t), randomRule(random), randomDiscount(random));
            c = promotion(id, tiers);
        } else {
            c = coupon(id, u"R%1CODE"_s.arg(i), randomDiscount(random));
            c.eligibility = randomRule(random);
        }
        c.name = u"Random %1"_s.arg(i);
        c.category = stackingCategories[int(random.bounded(qint64(stackingCategories.size())))];
        c.priority = int(random.bounded(4));
        out << c;
    }
    return out;
}

QList<OrderItem> randomCart(QRandomGenerator &random)
{
    QList<OrderItem> items;
    const int lines = 1 + int(random.bounded(10));
    for (int i = 0; i < lines; ++i) {
        const int sku = int(random.bounded(15));
        // A few prices repeat, so that ties between lines are common.
        const qint64 price = random.bounded(4) == 0 ? 999 : 100 + random.bounded(9900);
        items << line(u"sku_%1"_s.arg(sku), 1 + random.bounded(5), price, Categories[sku % Categories.size()]);
    }
    return items;
}

QString lineKey(const OrderItem &item)
{
    return u"%1/%2/%3x%4"_s.arg(item.sku, item.category).arg(item.quantity).arg(item.price);
}

// What a qualification says, with lines named by their content so that a permuted cart
// gives the same text.
QStringList signature(const Validation &v)
{
    auto perLine = [&v](const QList<qint64> &discounts) {
        QStringList out;
        for (int i = 0; i < v.order.items.size(); ++i)
            out << u"%1:%2"_s.arg(lineKey(v.order.items[i])).arg(discounts.value(i));
        out.sort();
        return out.join(u' ');
    };
    QStringList out;
    for (const RedeemableResult &r : v.applicable)
        out << u"applicable %1 %2 %3 total=%4 lines=[%5]"_s.arg(r.campaignId, r.tierId, r.requested.id)
                   .arg(r.applied.total)
                   .arg(perLine(r.applied.lineDiscounts));
    for (const RedeemableResult &r : v.skipped)
        out << u"skipped %1 %2 %3 %4"_s.arg(r.campaignId, r.tierId, r.requested.id, r.failureKey);
    QStringList inapplicable;
    for (const RedeemableResult &r : v.inapplicable)
        inapplicable << u"inapplicable %1 %2 %3 %4"_s.arg(r.campaignId, r.tierId, r.requested.id, r.failureKey);
    inapplicable.sort();
    out += inapplicable;
    out << u"lines [%1]"_s.arg(perLine(v.lineDiscounts));
    out << u"amount=%1 items=%2 shipping=%3 total=%4"_s.arg(v.amount())
               .arg(v.itemsDiscount)
               .arg(v.shippingDiscount)
               .arg(v.totalAmount());
    return out;
}

} // namespace

void TestEngine::orderIndependence()
{
    QRandomGenerator random(20260310);
    const QList<Campaign> campaigns = randomCampaigns(random, 20);
    Store::StackingRules rules;
    rules.applicableLimit = 4;
    rules.exclusiveCategories = {u"clearance"_s};
    rules.jointCategories = {u"shipping"_s};

    // Workspace A: campaigns saved in order; workspace B: in a shuffled order.
    QCOMPARE(save(campaigns), QString());
    Status set = m_engine->store().setStackingRules(rules);
    PD_VERIFY_OK(set);

    const QString otherPath = m_dir->filePath(u"shuffled.promodesk"_s);
    auto created = Store::Workspace::create(otherPath, Store::WorkspaceKind::Production);
    PD_VERIFY_OK(created);
    auto opened = Store::Connection::open(otherPath, Store::Connection::Access::ReadWrite);
    PD_VERIFY_OK(opened);
    std::unique_ptr<Store::Connection> otherConnection = std::move(opened).value();
    const QString catalogue = addCatalogue(otherConnection.get());
    QVERIFY2(catalogue.isEmpty(), qPrintable(catalogue));
    CampaignEngine other(*otherConnection);
    QList<Campaign> shuffled = campaigns;
    for (qsizetype i = shuffled.size() - 1; i > 0; --i)
        shuffled.swapItemsAt(i, qsizetype(random.bounded(qint64(i + 1))));
    QVERIFY(shuffled != campaigns);
    for (const Campaign &c : shuffled) {
        auto saved = other.store().saveCampaign(c, u"test"_s);
        PD_VERIFY_OK(saved);
    }
    set = other.store().setStackingRules(rules);
    PD_VERIFY_OK(set);

    int applied = 0;
    int permutedOrders = 0;
    for (int cart = 0; cart < 300; ++cart) {
        const Request request = makeRequest(QString(), randomCart(random), {});
        Request permuted = request;
        for (qsizetype i = permuted.order.items.size() - 1; i > 0; --i)
            permuted.order.items.swapItemsAt(i, qsizetype(random.bounded(qint64(i + 1))));
        permutedOrders += permuted.order.items != request.order.items;

        ENGINE_OK(original, m_engine->qualify(request));
        ENGINE_OK(reordered, m_engine->qualify(permuted));
        ENGINE_OK(elsewhere, other.qualify(permuted));
        const QStringList expected = signature(original);
        QVERIFY2(signature(reordered) == expected,
                 qPrintable(u"cart %1, lines permuted:\n  %2\nvs\n  %3"_s.arg(cart).arg(
                     expected.join(u"\n  "_s), signature(reordered).join(u"\n  "_s))));
        QVERIFY2(signature(elsewhere) == expected,
                 qPrintable(u"cart %1, campaigns saved in another order:\n  %2\nvs\n  %3"_s.arg(cart).arg(
                     expected.join(u"\n  "_s), signature(elsewhere).join(u"\n  "_s))));
        applied += int(original.applicable.size());
    }
    // The test means something only if carts were permuted and discounts applied.
    QVERIFY2(permutedOrders > 200, qPrintable(QString::number(permutedOrders)));
    QVERIFY2(applied > 300, qPrintable(QString::number(applied)));
    qInfo("300 carts, %d applicable incentives, %d permuted carts", applied, permutedOrders);
}

// --- 8. explain ---------------------------------------------------------------------

void TestEngine::explainTrace()
{
    Campaign c = coupon(u"camp_explain"_s, u"EXPLAIN"_s, amountOff(500));
    c.eligibility = rule(u"customer.country is \"IE\" and order.amount >= 100.00"_s, u"Irish members, 100.00+"_s);
    QCOMPARE(save({c}), QString());
    Request request = makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 8760)}, {voucher(u"EXPLAIN"_s)});

    ENGINE_OK(plain, m_engine->validate(request));
    QCOMPARE(plain.inapplicable.size(), 1);
    QVERIFY(plain.inapplicable[0].trace.isEmpty()); // only on request

    request.explain = true;
    ENGINE_OK(explained, m_engine->validate(request));
    QCOMPARE(explained.inapplicable.size(), 1);
    const RedeemableResult &r = explained.inapplicable[0];
    QCOMPARE(r.failureKey, u"order_rules_violated"_s);
    QCOMPARE(r.message, u"Irish members, 100.00+"_s);
    QVERIFY(!r.trace.isEmpty());
    bool failedAmount = false;
    bool passedCountry = false;
    for (const Rules::TraceLine &t : r.trace) {
        if (t.text.contains(u"order.amount"_s) && !t.passed) {
            failedAmount = true;
            QVERIFY2(t.actual.contains(u"87.60"_s), qPrintable(t.actual));
        }
        if (t.text.contains(u"customer.country"_s) && t.passed)
            passedCountry = true;
    }
    QVERIFY2(failedAmount, "the trace names the failed order.amount condition");
    QVERIFY2(passedCountry, "the trace shows the condition that held");

    // Carol (FR) fails on the customer part.
    request.customer = customer(m_carol);
    request.order.items = {line(u"sku_1"_s, 2, 8000)};
    ENGINE_OK(customerFailure, m_engine->validate(request));
    QCOMPARE(customerFailure.inapplicable.value(0).failureKey, u"customer_rules_violated"_s);
    QVERIFY(!customerFailure.inapplicable.value(0).trace.isEmpty());
}

// --- the editor's "Try it" ------------------------------------------------------------

void TestEngine::tryCampaignBeforeSaving()
{
    // An unsaved draft promotion: the tier the cart reaches applies, with the trace.
    Campaign draft = promotion(u"camp_trial"_s,
                               {tier(u"t_small"_s, u"5% at 50+"_s, rule(u"order.amount >= 50.00"_s, u"50.00+"_s), percentOff(5)),
                                tier(u"t_big"_s, u"10% at 200+"_s, rule(u"order.amount >= 200.00"_s, u"200.00+"_s), percentOff(10))});
    draft.status = CampaignStatus::Draft;
    Request request = makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 8000)}, {});
    ENGINE_OK(tried, m_engine->tryCampaign(draft, request));
    QCOMPARE(ids(tried.applicable), QStringList{u"t_small"_s});
    QCOMPARE(tried.totalDiscount(), 400);
    QCOMPARE(tried.lineDiscounts, QList<qint64>{400});
    QCOMPARE(tried.inapplicable.size(), 1);
    QCOMPARE(tried.inapplicable[0].failureKey, u"order_rules_violated"_s);
    QVERIFY2(!tried.inapplicable[0].trace.isEmpty(), "Try it always explains");

    // Nothing was stored: qualify does not know the draft.
    ENGINE_OK(stored, m_engine->qualify(request));
    QCOMPARE(stored.applicable.size(), 0);

    // A coupon draft with unique codes: tried as if the customer held a fresh code.
    Campaign coupons = coupon(u"camp_trialcodes"_s, {}, amountOff(700));
    coupons.eligibility = rule(u"customer.country is \"IE\""_s, u"Irish members only"_s);
    ENGINE_OK(irish, m_engine->tryCampaign(coupons, request));
    QCOMPARE(irish.applicable.size(), 1);
    QCOMPARE(irish.totalDiscount(), 700);
    request.customer = customer(m_carol);
    ENGINE_OK(french, m_engine->tryCampaign(coupons, request));
    QCOMPARE(french.applicable.size(), 0);
    QCOMPARE(french.inapplicable.value(0).failureKey, u"customer_rules_violated"_s);
    QCOMPARE(french.inapplicable.value(0).message, u"Irish members only"_s);

    // Limits count the stored campaign's usage: a saved coupon whose budget is spent.
    Campaign spent = coupon(u"camp_spent"_s, u"SPENT"_s, amountOff(500));
    spent.limits.budgetRedemptions = 1;
    QCOMPARE(save({spent}), QString());
    request.customer = customer(m_alice);
    REDEEM_VALID(first, makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 8000)}, {voucher(u"SPENT"_s)}));
    Q_UNUSED(first);
    spent.discount = amountOff(900); // an unsaved edit of it
    ENGINE_OK(again, m_engine->tryCampaign(spent, request));
    QCOMPARE(again.applicable.size(), 0);
    QCOMPARE(again.inapplicable.value(0).failureKey, u"redemption_rules_violated"_s); // the budget is spent

    // A zone the draft cannot have.
    Campaign badZone = draft;
    badZone.timezone = u"Mars/Olympus"_s;
    QVERIFY(!m_engine->tryCampaign(badZone, request));
}

// --- lines the catalogue does not know ---------------------------------------------------

// A shop may send SKUs and products it never imported; the engine takes the line as given.
// This once crashed the engine (completeOrder dereferenced the catalogue's end()), so the
// checks run in a child process: a crash fails this test alone.
void TestEngine::linesNotInTheCatalogue()
{
    const QString child = u"linesNotInTheCatalogue"_s;
    if (qEnvironmentVariable("TST_ENGINE_CHILD") != child) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"TST_ENGINE_CHILD"_s, child);
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QCoreApplication::applicationFilePath(), {child});
        QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
        process.waitForFinished(-1);
        QString output; // the child's failure, or its crash and stack
        for (const QByteArray &childLine : process.readAll().left(1500).split('\n'))
            output += u"\n  child| "_s + QString::fromUtf8(childLine);
        QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                 qPrintable(u"the engine crashed or failed on lines outside the catalogue:"_s + output));
        return;
    }

    QCOMPARE(save({coupon(u"camp_ten"_s, u"TEN"_s, percentOff(10))}), QString());
    const QList<OrderItem> lines = {line(u"sku_unknown"_s, 2, 1500), line(QString(), 1, 1000), line(u"sku_3"_s, 1, 0)};

    // An empty catalogue (a workspace without products).
    for (const char *table : {"skus", "products", "categories"}) {
        const Status emptied = execute(*m_connection, u"DELETE FROM "_s + QLatin1String(table));
        PD_VERIFY_OK(emptied);
    }
    {
        CampaignEngine engine(*m_connection);
        ENGINE_OK(v, engine.validate(makeRequest(customer(m_alice), lines.mid(0, 2), {voucher(u"TEN"_s)})));
        QVERIFY2(v.valid, qPrintable(describe(v)));
        QCOMPARE(v.amount(), 4000);
        QCOMPARE(v.totalDiscount(), 400);
    }
    // A catalogue that knows some lines: the known one is completed, the others kept.
    const QString catalogue = addCatalogue();
    QVERIFY2(catalogue.isEmpty(), qPrintable(catalogue));
    CampaignEngine engine(*m_connection);
    ENGINE_OK(v, engine.validate(makeRequest(customer(m_alice), lines, {voucher(u"TEN"_s)})));
    QVERIFY2(v.valid, qPrintable(describe(v)));
    QCOMPARE(v.order.items[0].price, 1500);
    QCOMPARE(v.order.items[2].price, 1300); // sku_3 from the catalogue
    QCOMPARE(v.order.items[2].category, Categories[3]);
    QCOMPARE(v.amount(), 5300);
    QCOMPARE(v.totalDiscount(), 530);
}

// --- lifecycle, audit, the demo --------------------------------------------------

// draft → active ⇄ paused → ended → archived; activation validates; every change is
// in the audit log with the campaign before and after.
void TestEngine::lifecycleIsAudited()
{
    Store::CampaignStore &store = m_engine->store();
    Campaign draft = coupon(u"camp_life"_s, u"LIFE"_s, percentOff(0));
    draft.status = CampaignStatus::Draft;
    QCOMPARE(save({draft}), QString()); // a draft may be incomplete
    auto refused = store.setStatus(u"camp_life"_s, CampaignStatus::Active, u"tester"_s);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.startsWith(u"cannot activate"_s), qPrintable(refused.error().toString()));
    QVERIFY2(refused.error().where.contains(u"percent_off"_s), qPrintable(refused.error().toString()));

    draft.discount = percentOff(20);
    QCOMPARE(save({draft}), QString());
    for (CampaignStatus step : {CampaignStatus::Active, CampaignStatus::Paused, CampaignStatus::Active,
                                CampaignStatus::Ended, CampaignStatus::Archived}) {
        auto moved = store.setStatus(u"camp_life"_s, step, u"tester"_s);
        PD_VERIFY_OK(moved);
        QCOMPARE(moved.value().status, step);
    }
    auto back = store.setStatus(u"camp_life"_s, CampaignStatus::Active, u"tester"_s);
    QVERIFY(!back.ok());
    QVERIFY2(back.error().message.contains(u"archived"_s), qPrintable(back.error().toString()));

    auto audit = select(*m_connection, u"SELECT action, actor, before, after FROM audit_log WHERE entity_type = 'campaign' "
                                       "AND entity_id = 'camp_life' ORDER BY id"_s);
    PD_VERIFY_OK(audit);
    // created by save(), updated by the second save, then five status steps
    QCOMPARE(audit.value().size(), 7);
    QCOMPARE(audit.value().constFirst().value(0).toString(), u"create"_s);
    QVERIFY(audit.value().constFirst().value(2).isNull());
    const QStringList statuses = {u"draft"_s, u"active"_s, u"paused"_s, u"active"_s, u"ended"_s, u"archived"_s};
    for (int i = 2; i < 7; ++i) {
        const Rows &rows = audit.value();
        const QJsonObject before = QJsonDocument::fromJson(rows[i].value(2).toByteArray()).object();
        const QJsonObject after = QJsonDocument::fromJson(rows[i].value(3).toByteArray()).object();
        QCOMPARE(rows[i].value(0).toString(), u"update"_s);
        QCOMPARE(rows[i].value(1).toString(), u"tester"_s);
        QCOMPARE(before.value(u"status").toString(), statuses[i - 2]);
        QCOMPARE(after.value(u"status").toString(), statuses[i - 1]);
    }
    // A paused or archived campaign's code is refused as disabled.
    Request request = makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 3000)}, {voucher(u"LIFE"_s)});
    ENGINE_OK(result, m_engine->validate(request));
    QCOMPARE(result.inapplicable.value(0).failureKey, u"voucher_disabled"_s);
}

// A campaign that would not read back (a bad zone) is refused, not stored: one such
// row would stop every engine from loading campaigns.
void TestEngine::storeRefusesWhatCannotBeReadBack()
{
    Campaign broken = coupon(u"camp_broken"_s, u"BROKEN"_s, amountOff(500));
    broken.timezone = u"Mars/Olympus_Mons"_s;
    auto saved = m_engine->store().saveCampaign(broken, u"tester"_s);
    QVERIFY(!saved.ok());
    QVERIFY2(saved.error().toString().contains(u"timezone"_s), qPrintable(saved.error().toString()));
    QCOMPARE(number(u"SELECT count(*) FROM campaigns"_s), 0);
    QCOMPARE(save({coupon(u"camp_fine"_s, u"FINE"_s, amountOff(500))}), QString());
}

// The demo's campaigns are valid, and every rule with a message has a rule behind it
// (the demo builds them from fixed text, so a typo must fail here, not pass silently).
void TestEngine::demoCampaignsAreValid()
{
    const QList<Campaign> campaigns = demoCampaigns(QDate(2026, 11, 1));
    QVERIFY(campaigns.size() >= 15);
    for (const Campaign &c : campaigns) {
        const Status valid = validateCampaign(c);
        QVERIFY2(valid.ok(), qPrintable(c.id + u": "_s + (valid.ok() ? QString() : valid.error().toString())));
        QVERIFY2(c.eligibility.errorMessage.isEmpty() || c.eligibility.rule, qPrintable(c.id));
        for (const Tier &t : c.tiers)
            QVERIFY2(t.eligibility.errorMessage.isEmpty() || t.eligibility.rule, qPrintable(t.id));
    }
    QCOMPARE(save(campaigns), QString());
}

// A campaign without a per-campaign limit or budget never writes a shared counter
// row (concurrent redeemers of it contend on nothing but the insert); a limited one does.
void TestEngine::unlimitedCampaignsKeepNoCounter()
{
    Campaign open = coupon(u"camp_open"_s, u"OPEN"_s, amountOff(300));
    Campaign budgeted = coupon(u"camp_budgeted"_s, u"BUDGETED"_s, amountOff(300));
    budgeted.limits.budgetDiscount = 100000;
    QCOMPARE(save({open, budgeted}), QString());
    for (const QString &code : {u"OPEN"_s, u"BUDGETED"_s}) {
        const QString ok = redeemOk(makeRequest(customer(m_alice), {line(u"sku_1"_s, 1, 3000)}, {voucher(code)}));
        QVERIFY2(ok.isEmpty(), qPrintable(ok));
    }
    QCOMPARE(number(u"SELECT count(*) FROM campaign_usage WHERE campaign_id = 'camp_open'"_s), 0);
    QCOMPARE(number(u"SELECT discount FROM campaign_usage WHERE campaign_id = 'camp_budgeted' AND day = ''"_s), 300);
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
