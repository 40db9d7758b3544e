// The customer 360° view over a demo workspace with campaigns and a year of
// redemptions: every part matches direct SQL; edits are checked field by field,
// audited with the changed fields only, and move the customer through auto-update
// segments; the privacy export holds everything; erasure leaves no personal value in
// any text column (nor in the file's bytes), keeps redemptions and their amounts, is
// audited and idempotent; and the CLI commands with their refusals.

#include "clirunner.h"
#include "common/ids.h"
#include "engine/democampaigns.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/customerstore.h"
#include "store/segmentstore.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

// Personal values no demo customer has, so that finding one anywhere means a leak.
const QString VictimName = u"Zebedee Quartermain-Erasetest"_s;
const QString VictimEmail = u"zebedee.erasetest@example.org"_s;
const QString VictimPhone = u"+353 87 999 1234 55"_s;

qint64 count(Connection &db, const QString &sql, const QVariantList &values = {})
{
    auto v = scalar(db, sql, values);
    return v ? v.value().toLongLong() : -1;
}

// The workspace file and its WAL, as bytes.
QByteArray fileBytes(const QString &path)
{
    QByteArray bytes;
    for (const QString &file : {path, path + u"-wal"_s}) {
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            bytes += f.readAll();
    }
    return bytes;
}

} // namespace

class TestCustomer360 : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void partsMatchSql();
    void listsAreCapped();
    void editIsCheckedField();
    void editIsAuditedWithChangedFieldsOnly();
    void editMovesThroughAutoUpdateSegment();
    void mayContactFollowsConsent();
    void qualificationNowExplains();
    void exportHoldsEverything();
    void eraseLeavesNoPersonalData();
    void cliShowExportConsent();
    void cliRefusals();
    void cliErase();

private:
    QString copyOfDemo(const QString &name);
    // A customer with orders, events, codes and redemptions (failures and rollbacks too).
    qint64 richCustomer(Connection &db);

    QTemporaryDir m_dir;
    QString m_demo;
};

void TestCustomer360::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_demo = m_dir.filePath(u"demo.promodesk"_s);
    DemoOptions options;
    options.size = DemoSize::Small;
    options.seed = 7;
    auto demo = Engine::generateDemoWorkspace(m_demo, options);
    PD_VERIFY_OK(demo);
    QVERIFY(demo.value().redemptionAttempts > 0);
}

QString TestCustomer360::copyOfDemo(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    if (!QFile::copy(m_demo, path))
        return {};
    return path;
}

qint64 TestCustomer360::richCustomer(Connection &db)
{
    // Most redemption rows, among those who also hold codes and have events and orders.
    return count(db, u"SELECT r.customer_id FROM redemptions r "
                     "WHERE r.customer_id IN (SELECT customer_id FROM codes WHERE customer_id IS NOT NULL) "
                     "AND r.customer_id IN (SELECT customer_id FROM customer_events) "
                     "AND r.customer_id IN (SELECT customer_id FROM redemptions WHERE result = 'FAILURE') "
                     "GROUP BY r.customer_id ORDER BY count(*) DESC, r.customer_id LIMIT 1"_s);
}

void TestCustomer360::partsMatchSql()
{
    auto db = openConnection(m_demo);
    QVERIFY(db);
    const qint64 key = richCustomer(*db);
    QVERIFY(key > 0);
    CustomerStore store(*db);
    auto view = store.load(key);
    PD_VERIFY_OK(view);
    const Customer360 &v = view.value();
    QCOMPARE(v.profile.row.id, Ids::make(Ids::Customer, key));
    QVERIFY(!v.erasedAt);

    // Orders and their items.
    const qint64 orders = count(*db, u"SELECT count(*) FROM orders WHERE customer_id = ?"_s, {key});
    QVERIFY(orders > 0);
    auto capped = store.orders(key);
    PD_VERIFY_OK(capped);
    QCOMPARE(capped.value().total, orders);
    QCOMPARE(qint64(capped.value().rows.size()), std::min<qint64>(orders, CustomerStore::ListLimit));
    for (const OrderSummary &o : capped.value().rows) {
        const qint64 orderKey = Ids::parse(Ids::Order, o.id).value_or(-1);
        QCOMPARE(qint64(o.items.size()), count(*db, u"SELECT count(*) FROM order_items WHERE order_id = ?"_s, {orderKey}));
        QCOMPARE(o.amount, count(*db, u"SELECT amount FROM orders WHERE id = ?"_s, {orderKey}));
        for (const OrderItemLine &line : o.items)
            QVERIFY2(!line.productName.isEmpty(), qPrintable(o.id));
    }
    for (int i = 1; i < capped.value().rows.size(); ++i)
        QVERIFY(capped.value().rows[i - 1].createdAt >= capped.value().rows[i].createdAt);

    // Events.
    auto events = store.events(key);
    PD_VERIFY_OK(events);
    QCOMPARE(events.value().total, count(*db, u"SELECT count(*) FROM customer_events WHERE customer_id = ?"_s, {key}));
    QVERIFY(events.value().total > 0);

    // Codes: every published one, with its campaign.
    QCOMPARE(v.codes.total, count(*db, u"SELECT count(*) FROM codes WHERE customer_id = ?"_s, {key}));
    QVERIFY(v.codes.total > 0);
    QCOMPARE(qint64(v.codes.rows.size()), std::min<qint64>(v.codes.total, CustomerStore::ListLimit));
    for (const PublishedCode &c : v.codes.rows) {
        QVERIFY(!c.campaignName.isEmpty());
        QCOMPARE(c.redeemedQuantity, count(*db, u"SELECT redeemed_quantity FROM codes WHERE id = ?"_s, {c.id}));
    }

    // Redemptions: successes, failures with key and message, rollbacks with their reason.
    QCOMPARE(v.redemptions.total, count(*db, u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key}));
    const auto failures = std::count_if(v.redemptions.rows.cbegin(), v.redemptions.rows.cend(),
                                        [](const CustomerRedemption &r) { return r.result == u"FAILURE"_s; });
    if (v.redemptions.isComplete()) {
        QCOMPARE(qint64(failures),
                 count(*db, u"SELECT count(*) FROM redemptions WHERE customer_id = ? AND result = 'FAILURE'"_s, {key}));
        qint64 discount = 0;
        for (const CustomerRedemption &r : v.redemptions.rows)
            discount += r.object == u"redemption"_s ? r.discountAmount : 0;
        QCOMPARE(discount, count(*db, u"SELECT total(discount_amount) FROM redemptions WHERE customer_id = ? "
                                      "AND object = 'redemption'"_s, {key}));
    }
    QVERIFY(failures > 0);
    for (const CustomerRedemption &r : v.redemptions.rows) {
        if (r.result == u"FAILURE"_s) {
            QVERIFY2(!r.failureCode.isEmpty(), qPrintable(Ids::make(Ids::Redemption, r.id)));
            QVERIFY(!r.failureMessage.isEmpty());
        }
        if (r.object == u"redemption_rollback"_s)
            QVERIFY(r.rollbackOf > 0);
        QVERIFY(!r.campaignName.isEmpty());
        QVERIFY(!r.code.isEmpty() || !r.tierId.isEmpty());
    }

    // Segment stays: those of segment_members.
    QCOMPARE(qint64(v.memberships.size()), count(*db, u"SELECT count(*) FROM segment_members WHERE customer_id = ?"_s, {key}));
    QCOMPARE(v.profile.row.ordersCount, count(*db, u"SELECT orders_count FROM customers WHERE id = ?"_s, {key}));
}

void TestCustomer360::listsAreCapped()
{
    auto db = openConnection(m_demo);
    QVERIFY(db);
    const qint64 key = richCustomer(*db);
    CustomerStore store(*db);
    auto few = store.redemptions(key, 2);
    PD_VERIFY_OK(few);
    QCOMPARE(few.value().rows.size(), 2);
    QCOMPARE(few.value().total, count(*db, u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key}));
    QVERIFY(!few.value().isComplete());
    QVERIFY(few.value().rows[0].createdAt >= few.value().rows[1].createdAt);
    auto one = store.orders(key, 1);
    PD_VERIFY_OK(one);
    QCOMPARE(one.value().rows.size(), 1);
    QVERIFY(one.value().total >= 1);
    // An unknown customer is named.
    auto unknown = store.customerKey(u"cust_999999999"_s);
    QVERIFY(!unknown);
    QVERIFY(unknown.error().message.contains(u"cust_999999999"_s));
}

void TestCustomer360::editIsCheckedField()
{
    const QString path = copyOfDemo(u"edit-check.promodesk"_s);
    QVERIFY(!path.isEmpty());
    auto db = Workspace::openForWriting(path);
    PD_VERIFY_OK(db);
    Connection &c = *db.value();
    const qint64 audits = count(c, u"SELECT count(*) FROM audit_log"_s);
    const qint64 updatedAt = count(c, u"SELECT updated_at FROM customers WHERE id = 1"_s);

    struct Case
    {
        CustomerChanges changes;
        QString field;
        QString words;
    };
    QList<Case> cases;
    Case badEmail;
    badEmail.changes.email = u"jane.at.example.org"_s;
    badEmail.field = u"email"_s;
    badEmail.words = u"jane.at.example.org"_s;
    cases << badEmail;
    Case badDate;
    badDate.changes.birthdate = u"1990-02-30"_s;
    badDate.field = u"birthdate"_s;
    badDate.words = u"YYYY-MM-DD"_s;
    cases << badDate;
    Case future;
    future.changes.birthdate = u"2999-01-01"_s;
    future.field = u"birthdate"_s;
    future.words = u"plausible"_s;
    cases << future;
    Case badCountry;
    badCountry.changes.country = u"Ireland"_s;
    badCountry.field = u"address.country"_s;
    badCountry.words = u"two-letter"_s;
    cases << badCountry;
    Case badPhone;
    badPhone.changes.phone = u"call me maybe"_s;
    badPhone.field = u"phone"_s;
    badPhone.words = u"phone number"_s;
    cases << badPhone;

    for (const Case &k : cases) {
        const QList<Error> errors = checkCustomerChanges(k.changes);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors[0].where, k.field);
        auto refused = CustomerStore(c).updateCustomer(1, k.changes, u"test"_s, nowMs());
        QVERIFY(!refused);
        QCOMPARE(refused.error().where, k.field);
        QVERIFY2(refused.error().message.contains(k.words), qPrintable(refused.error().message));
    }
    // Several bad fields: each is named.
    CustomerChanges many;
    many.email = u"nope"_s;
    many.country = u"XX"_s;
    many.birthdate = u"yesterday"_s;
    QCOMPARE(checkCustomerChanges(many).size(), 3);
    // Nothing was written.
    QCOMPARE(count(c, u"SELECT count(*) FROM audit_log"_s), audits);
    QCOMPARE(count(c, u"SELECT updated_at FROM customers WHERE id = 1"_s), updatedAt);
    // A country in lower case is fine (stored upper case); an unknown customer is refused.
    CustomerChanges lower;
    lower.country = u"fr"_s;
    PD_VERIFY_OK(CustomerStore(c).updateCustomer(1, lower, u"test"_s, nowMs()));
    QCOMPARE(scalar(c, u"SELECT address_country FROM customers WHERE id = 1"_s).value().toString(), u"FR"_s);
    auto unknown = CustomerStore(c).updateCustomer(99999999, lower, u"test"_s, nowMs());
    QVERIFY(!unknown);
    QVERIFY(unknown.error().message.contains(u"cust_99999999"_s));
}

void TestCustomer360::editIsAuditedWithChangedFieldsOnly()
{
    const QString path = copyOfDemo(u"edit-audit.promodesk"_s);
    auto db = Workspace::openForWriting(path);
    PD_VERIFY_OK(db);
    Connection &c = *db.value();
    const qint64 key = 2;
    const QString id = Ids::make(Ids::Customer, key);
    const bool emailWas = count(c, u"SELECT consent_email FROM customers WHERE id = ?"_s, {key}) != 0;
    const QString phoneWas = scalar(c, u"SELECT phone FROM customers WHERE id = ?"_s, {key}).value().toString();

    CustomerChanges changes;
    changes.name = u"  Róisín O'Brien  "_s;
    changes.phone = phoneWas; // the same value: not a change
    changes.consentEmail = !emailWas;
    changes.tags = QStringList{u"vip"_s, u" staff "_s, u"vip"_s, u""_s};
    changes.metadata = QJsonObject{{u"favourite_pet"_s, u"cat"_s}};
    const qint64 now = nowMs();
    auto updated = CustomerStore(c).updateCustomer(key, changes, u"tester"_s, now);
    PD_VERIFY_OK(updated);
    QCOMPARE(updated.value().changed, (QStringList{u"name"_s, u"tags"_s, u"metadata"_s, u"consents.email"_s}));

    auto rows = select(c, u"SELECT name, tags, metadata, consent_email, consents_updated_at, updated_at FROM customers WHERE id = ?"_s, {key});
    PD_VERIFY_OK(rows);
    const QVariantList row = rows.value().value(0);
    QCOMPARE(row[0].toString(), u"Róisín O'Brien"_s);
    QCOMPARE(row[1].toString(), u"[\"vip\",\"staff\"]"_s);
    QCOMPARE(QJsonDocument::fromJson(row[2].toByteArray()).object().value(u"favourite_pet"_s).toString(), u"cat"_s);
    QCOMPARE(row[3].toInt() != 0, !emailWas);
    QCOMPARE(row[4].toLongLong(), now);
    QCOMPARE(row[5].toLongLong(), now);

    auto audit = select(c, u"SELECT actor, action, before, after, at FROM audit_log WHERE entity_type = 'customer' "
                           "AND entity_id = ? ORDER BY id"_s, {id});
    PD_VERIFY_OK(audit);
    QCOMPARE(audit.value().size(), 1);
    const QVariantList entry = audit.value()[0];
    QCOMPARE(entry[0].toString(), u"tester"_s);
    QCOMPARE(entry[1].toString(), u"update"_s);
    QCOMPARE(entry[4].toLongLong(), now);
    const QJsonObject before = QJsonDocument::fromJson(entry[2].toByteArray()).object();
    const QJsonObject after = QJsonDocument::fromJson(entry[3].toByteArray()).object();
    const QStringList keys = after.keys();
    QCOMPARE(QSet<QString>(keys.cbegin(), keys.cend()),
             (QSet<QString>{u"name"_s, u"tags"_s, u"metadata"_s, u"consents.email"_s}));
    QCOMPARE(before.keys(), after.keys());
    QCOMPARE(after.value(u"consents.email"_s).toBool(), !emailWas);
    QCOMPARE(before.value(u"consents.email"_s).toBool(), emailWas);
    QCOMPARE(after.value(u"name"_s).toString(), u"Róisín O'Brien"_s);
    QVERIFY(!after.contains(u"phone"_s));

    // The same change again changes nothing and writes nothing.
    auto again = CustomerStore(c).updateCustomer(key, changes, u"tester"_s, now + 1000);
    PD_VERIFY_OK(again);
    QVERIFY(again.value().changed.isEmpty());
    QCOMPARE(count(c, u"SELECT count(*) FROM audit_log WHERE entity_type = 'customer' AND entity_id = ?"_s, {id}), 1);
    QCOMPARE(count(c, u"SELECT updated_at FROM customers WHERE id = ?"_s, {key}), now);

    // The 360 view lists the entry.
    auto view = CustomerStore(c).load(key);
    PD_VERIFY_OK(view);
    QCOMPARE(view.value().audit.size(), 1);
    QCOMPARE(view.value().audit[0].action, u"update"_s);
}

void TestCustomer360::editMovesThroughAutoUpdateSegment()
{
    const QString path = copyOfDemo(u"edit-segment.promodesk"_s);
    auto db = Workspace::openForWriting(path);
    PD_VERIFY_OK(db);
    Connection &c = *db.value();
    Segment platinum;
    platinum.name = u"Platinum members"_s;
    platinum.type = SegmentType::AutoUpdate;
    platinum.rule = Rules::check(Rules::parse(u"customer.loyalty_tier is \"platinum\""_s).value()).value();
    auto saved = SegmentStore(c).save(platinum, u"test"_s, nowMs());
    PD_VERIFY_OK(saved);
    QCOMPARE(saved.value().size, 0);
    const QString segmentId = saved.value().id;
    const qint64 key = 3;
    auto stays = [&] {
        auto m = CustomerStore(c).memberships(key);
        QList<Membership> out;
        if (m)
            for (const Membership &x : m.value())
                if (x.segmentId == segmentId)
                    out << x;
        return out;
    };
    QVERIFY(stays().isEmpty());

    CustomerChanges up;
    up.loyaltyTier = u"platinum"_s;
    const qint64 t1 = nowMs();
    PD_VERIFY_OK(CustomerStore(c).updateCustomer(key, up, u"test"_s, t1));
    QCOMPARE(stays().size(), 1);
    QCOMPARE(stays()[0].enteredAt, t1);
    QVERIFY(!stays()[0].leftAt);
    QCOMPARE(count(c, u"SELECT size FROM segments WHERE id = ?"_s, {segmentId}), 1);

    CustomerChanges down;
    down.loyaltyTier = u"gold"_s;
    const qint64 t2 = t1 + 5000;
    PD_VERIFY_OK(CustomerStore(c).updateCustomer(key, down, u"test"_s, t2));
    QCOMPARE(stays().size(), 1);
    QCOMPARE(stays()[0].leftAt.value_or(0), t2);
    QCOMPARE(count(c, u"SELECT size FROM segments WHERE id = ?"_s, {segmentId}), 0);
}

void TestCustomer360::mayContactFollowsConsent()
{
    CustomerProfile p;
    p.row.email = u"a@b.ie"_s;
    p.phone = u"+353 1 234 5678"_s;
    p.consentEmail = true;
    QVERIFY(mayContact(p, Channel::Email));
    QVERIFY(!mayContact(p, Channel::Sms));
    QVERIFY(!mayContact(p, Channel::Push));
    p.row.email.clear(); // consent but no address
    QVERIFY(!mayContact(p, Channel::Email));
    p.consentSms = true;
    QVERIFY(mayContact(p, Channel::Sms));

    // The engine's view of a stored customer says the same.
    auto db = openConnection(m_demo);
    QVERIFY(db);
    auto rows = select(*db, u"SELECT id, consent_email, consent_sms, consent_push, email IS NOT NULL, phone IS NOT NULL "
                            "FROM customers ORDER BY id LIMIT 40"_s);
    PD_VERIFY_OK(rows);
    CampaignStore campaigns(*db);
    for (const QVariantList &row : rows.value()) {
        auto facts = campaigns.customerFacts(row[0].toLongLong());
        PD_VERIFY_OK(facts);
        QCOMPARE(mayContact(facts.value(), Channel::Email), row[1].toBool() && row[4].toBool());
        QCOMPARE(mayContact(facts.value(), Channel::Sms), row[2].toBool() && row[5].toBool());
        QCOMPARE(mayContact(facts.value(), Channel::Push), row[3].toBool());
    }
    QVERIFY(!mayContact(CustomerFacts{}, Channel::Email)); // a guest
    QCOMPARE(channelFromKey(u"sms"_s), std::optional<Channel>(Channel::Sms));
    QVERIFY(!channelFromKey(u"fax"_s));
}

void TestCustomer360::qualificationNowExplains()
{
    auto db = openConnection(m_demo);
    QVERIFY(db);
    const qint64 key = richCustomer(*db);
    auto q = qualifyNow(*db, key, nowMs());
    PD_VERIFY_OK(q);
    const qint64 active = count(*db, u"SELECT count(*) FROM campaigns WHERE status = 'active'"_s);
    QVERIFY(active > 0);
    QCOMPARE(q.value().activeCampaigns, active);
    // Every active campaign is answered for, at least once.
    QSet<QString> answered;
    bool needsCart = false;
    for (const CampaignNow &row : q.value().rows) {
        answered.insert(row.result.campaignId);
        if (row.result.outcome == Engine::Outcome::Inapplicable)
            QVERIFY2(!row.result.message.isEmpty(), qPrintable(row.result.campaignId));
        if (row.result.failureKey == u"order_rules_violated"_s) {
            QVERIFY(!row.cartNeeds.isEmpty());
            needsCart = true;
            for (const QString &fails : row.failsForCustomer)
                QVERIFY2(!fails.startsWith(u"order."_s), qPrintable(fails));
        }
        // A spend tier says exactly what the cart needs.
        if (row.result.requested.id == u"promo_spend_50"_s)
            QCOMPARE(row.cartNeeds, QStringList{u"order.amount >= 50.00"_s});
        if (row.result.failureKey == u"customer_rules_violated"_s && !row.result.trace.isEmpty())
            QVERIFY(std::any_of(row.result.trace.cbegin(), row.result.trace.cend(),
                                [](const Rules::TraceLine &l) { return !l.passed; }));
    }
    auto ids = select(*db, u"SELECT id FROM campaigns WHERE status = 'active'"_s);
    PD_VERIFY_OK(ids);
    for (const QVariantList &row : ids.value())
        QVERIFY2(answered.contains(row[0].toString()), qPrintable(row[0].toString()));
    QVERIFY2(needsCart, "some demo campaign depends on the cart");
    // The JSON says the cart is empty and lists them all.
    const QJsonObject json = qualificationToJson(q.value());
    QCOMPARE(json.value(u"redeemables"_s).toArray().size(), q.value().rows.size());
    QCOMPARE(json.value(u"active_campaigns"_s).toInteger(), active);
}

void TestCustomer360::exportHoldsEverything()
{
    const QString path = copyOfDemo(u"export.promodesk"_s);
    auto db = Workspace::openForWriting(path);
    PD_VERIFY_OK(db);
    Connection &c = *db.value();
    const qint64 key = richCustomer(c);
    const QString id = Ids::make(Ids::Customer, key);
    Segment all;
    all.name = u"Everyone who ordered"_s;
    all.type = SegmentType::AutoUpdate;
    all.rule = Rules::check(Rules::parse(u"customer.orders_count >= 1"_s).value()).value();
    PD_VERIFY_OK(SegmentStore(c).save(all, u"test"_s, nowMs()));

    auto exported = CustomerStore(c).exportCustomer(key, u"dpo"_s, nowMs());
    PD_VERIFY_OK(exported);
    const QJsonObject e = exported.value();
    QCOMPARE(e.value(u"customer"_s).toObject().value(u"id"_s).toString(), id);
    QCOMPARE(e.value(u"customer"_s).toObject().value(u"email"_s).toString(),
             scalar(c, u"SELECT email FROM customers WHERE id = ?"_s, {key}).value().toString());
    QVERIFY(e.value(u"customer"_s).toObject().value(u"consents"_s).toObject().contains(u"sms"_s));
    const QJsonArray orders = e.value(u"orders"_s).toArray();
    QCOMPARE(qint64(orders.size()), count(c, u"SELECT count(*) FROM orders WHERE customer_id = ?"_s, {key}));
    qint64 items = 0;
    for (const QJsonValue &o : orders)
        items += o.toObject().value(u"items"_s).toArray().size();
    QCOMPARE(items, count(c, u"SELECT count(*) FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE customer_id = ?)"_s, {key}));
    QCOMPARE(qint64(e.value(u"redemptions"_s).toArray().size()),
             count(c, u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key}));
    QCOMPARE(qint64(e.value(u"events"_s).toArray().size()),
             count(c, u"SELECT count(*) FROM customer_events WHERE customer_id = ?"_s, {key}));
    QCOMPARE(qint64(e.value(u"codes"_s).toArray().size()), count(c, u"SELECT count(*) FROM codes WHERE customer_id = ?"_s, {key}));
    const QJsonArray segments = e.value(u"segments"_s).toArray();
    QVERIFY(!segments.isEmpty());
    QVERIFY(std::any_of(segments.begin(), segments.end(),
                        [](const QJsonValue &s) { return s.toObject().value(u"name"_s).toString() == u"Everyone who ordered"_s; }));
    // Audited, with no data in the entry.
    auto audit = select(c, u"SELECT actor, action, after FROM audit_log WHERE entity_type = 'customer' AND entity_id = ?"_s, {id});
    PD_VERIFY_OK(audit);
    QCOMPARE(audit.value().size(), 1);
    QCOMPARE(audit.value()[0][0].toString(), u"dpo"_s);
    QCOMPARE(audit.value()[0][1].toString(), u"export"_s);
    QVERIFY(!audit.value()[0][2].toString().contains(u'@'));
}

void TestCustomer360::eraseLeavesNoPersonalData()
{
    const QString path = copyOfDemo(u"erase.promodesk"_s);
    qint64 key = 0;
    qint64 redemptions = 0, discount = 0, gift = 0, orderAmount = 0, allRedemptions = 0, orders = 0, codes = 0;
    QString segmentId;
    {
        auto db = Workspace::openForWriting(path);
        PD_VERIFY_OK(db);
        Connection &c = *db.value();
        key = richCustomer(c);
        QVERIFY(key > 0);
        // Personal values no one else has, put everywhere a person might leave them:
        // the profile (through an audited edit), an order's and an event's metadata, a
        // rollback's free-text reason.
        CustomerChanges mine;
        mine.name = VictimName;
        mine.email = VictimEmail;
        mine.phone = VictimPhone;
        mine.country = u"IE"_s;
        mine.consentEmail = true;
        mine.consentSms = true;
        mine.tags = QStringList{u"vip"_s};
        mine.metadata = QJsonObject{{u"nickname"_s, VictimName}};
        PD_VERIFY_OK(CustomerStore(c).updateCustomer(key, mine, u"tester"_s, nowMs()));
        PD_VERIFY_OK(execute(c, u"UPDATE orders SET metadata = json_object('ship_to', ?) WHERE id = "
                                "(SELECT min(id) FROM orders WHERE customer_id = ?)"_s, {VictimName, key}));
        PD_VERIFY_OK(execute(c, u"UPDATE customer_events SET metadata = json_object('email', ?) WHERE id = "
                                "(SELECT min(id) FROM customer_events WHERE customer_id = ?)"_s, {VictimEmail, key}));
        PD_VERIFY_OK(execute(c, u"UPDATE redemptions SET reason = ? WHERE id = (SELECT min(id) FROM redemptions WHERE customer_id = ?)"_s,
                             {u"refund asked by "_s + VictimName + u" on the phone"_s, key}));
        Segment segment;
        segment.name = u"In Ireland"_s;
        segment.type = SegmentType::AutoUpdate;
        segment.rule = Rules::check(Rules::parse(u"customer.country is \"IE\""_s).value()).value();
        auto saved = SegmentStore(c).save(segment, u"test"_s, nowMs());
        PD_VERIFY_OK(saved);
        segmentId = saved.value().id;

        redemptions = count(c, u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key});
        discount = count(c, u"SELECT total(discount_amount) FROM redemptions WHERE customer_id = ?"_s, {key});
        gift = count(c, u"SELECT total(gift_amount) FROM redemptions WHERE customer_id = ?"_s, {key});
        orderAmount = count(c, u"SELECT total(amount) FROM orders WHERE customer_id = ?"_s, {key});
        orders = count(c, u"SELECT count(*) FROM orders WHERE customer_id = ?"_s, {key});
        codes = count(c, u"SELECT count(*) FROM codes WHERE customer_id = ?"_s, {key});
        allRedemptions = count(c, u"SELECT count(*) FROM redemptions"_s);
        QVERIFY(redemptions > 0 && codes > 0 && orders > 0);
        QCOMPARE(count(c, u"SELECT count(*) FROM segment_members WHERE segment_id = ? AND customer_id = ? AND left_at IS NULL"_s,
                       {segmentId, key}), 1);
        const qint64 sizeBefore = count(c, u"SELECT size FROM segments WHERE id = ?"_s, {segmentId});

        // The values are in the file's bytes now (so the check at the end means something).
        QVERIFY(fileBytes(path).contains(VictimEmail.toUtf8()));

        // Refusals first: no reason, an unknown customer.
        QVERIFY(!CustomerStore(c).eraseCustomer(key, u"dpo"_s, u"  "_s, nowMs()));
        auto unknown = CustomerStore(c).eraseCustomer(987654321, u"dpo"_s, u"request"_s, nowMs());
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.contains(u"cust_987654321"_s));

        const qint64 now = nowMs();
        auto erased = CustomerStore(c).eraseCustomer(key, u"dpo"_s, u"GDPR art. 17 request from "_s + VictimEmail, now);
        PD_VERIFY_OK(erased);
        const Erasure &e = erased.value();
        QVERIFY(!e.alreadyErased);
        QCOMPARE(e.erasedAt, now);
        QVERIFY(e.eventsDeleted > 0);
        QCOMPARE(e.codesDisabled, count(c, u"SELECT count(*) FROM codes WHERE customer_id = ? AND status = 'disabled'"_s, {key}));
        QVERIFY(e.staysClosed >= 1);
        QCOMPARE(e.redemptionsKept, redemptions);
        QCOMPARE(e.ordersKept, orders);
        QCOMPARE(e.redemptionTextsScrubbed, 1);
        QVERIFY(e.auditEntriesRedacted >= 1);
        QCOMPARE(count(c, u"SELECT size FROM segments WHERE id = ?"_s, {segmentId}), sizeBefore - 1);
        QCOMPARE(count(c, u"SELECT count(*) FROM segment_members WHERE customer_id = ? AND left_at IS NULL"_s, {key}), 0);

        // Kept for accounting: every redemption row and its amounts, the orders and theirs.
        QCOMPARE(count(c, u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key}), redemptions);
        QCOMPARE(count(c, u"SELECT count(*) FROM redemptions"_s), allRedemptions);
        QCOMPARE(count(c, u"SELECT total(discount_amount) FROM redemptions WHERE customer_id = ?"_s, {key}), discount);
        QCOMPARE(count(c, u"SELECT total(gift_amount) FROM redemptions WHERE customer_id = ?"_s, {key}), gift);
        QCOMPARE(count(c, u"SELECT total(amount) FROM orders WHERE customer_id = ?"_s, {key}), orderAmount);
        QCOMPARE(count(c, u"SELECT count(*) FROM customer_events WHERE customer_id = ?"_s, {key}), 0);
        QCOMPARE(count(c, u"SELECT count(*) FROM codes WHERE customer_id = ?"_s, {key}), codes);

        // The profile, anonymised.
        auto row = select(c, u"SELECT name, email, phone, birthdate, address_city, address_country, address_postal_code, "
                             "source_id, tags, metadata, consent_email + consent_sms + consent_push FROM customers WHERE id = ?"_s,
                          {key});
        PD_VERIFY_OK(row);
        const QVariantList p = row.value().value(0);
        QCOMPARE(p[0].toString(), QLatin1String(ErasedName));
        for (int i = 1; i <= 7; ++i)
            QVERIFY2(p[i].isNull(), qPrintable(QString::number(i)));
        QCOMPARE(p[8].toString(), u"[]"_s);
        QCOMPARE(p[9].toString(), u"{}"_s);
        QCOMPARE(p[10].toInt(), 0);

        // Audited: who, when, why — the reason without the email it quoted.
        auto audit = select(c, u"SELECT actor, at, after FROM audit_log WHERE entity_type = 'customer' AND entity_id = ? "
                               "AND action = 'erase'"_s, {Ids::make(Ids::Customer, key)});
        PD_VERIFY_OK(audit);
        QCOMPARE(audit.value().size(), 1);
        QCOMPARE(audit.value()[0][0].toString(), u"dpo"_s);
        QCOMPARE(audit.value()[0][1].toLongLong(), now);
        const QJsonObject after = QJsonDocument::fromJson(audit.value()[0][2].toByteArray()).object();
        QCOMPARE(after.value(u"reason"_s).toString(), u"GDPR art. 17 request from [erased]"_s);

        // No personal value anywhere: every text column of every table.
        auto tables = select(c, u"SELECT name FROM sqlite_schema WHERE type = 'table'"_s);
        PD_VERIFY_OK(tables);
        for (const QVariantList &t : tables.value()) {
            const QString table = t[0].toString();
            auto columns = select(c, u"SELECT name FROM pragma_table_info(?)"_s, {table});
            PD_VERIFY_OK(columns);
            for (const QVariantList &col : columns.value()) {
                // Identifiers come from the schema itself, quoted.
                const QString sql = u"SELECT count(*) FROM \"%1\" WHERE CAST(\"%2\" AS TEXT) LIKE ? OR CAST(\"%2\" AS TEXT) LIKE ? "
                                    "OR CAST(\"%2\" AS TEXT) LIKE ?"_s.arg(table, col[0].toString());
                const qint64 hits = count(c, sql, {u"%"_s + VictimName + u"%"_s, u"%"_s + VictimEmail + u"%"_s,
                                                   u"%"_s + VictimPhone + u"%"_s});
                QVERIFY2(hits == 0, qPrintable(u"%1.%2 still holds personal data"_s.arg(table, col[0].toString())));
            }
        }

        // An erased profile is not edited; a second erase finds nothing and writes nothing.
        CustomerChanges again;
        again.email = VictimEmail;
        auto refused = CustomerStore(c).updateCustomer(key, again, u"tester"_s, nowMs());
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(u"erased"_s));
        const qint64 audits = count(c, u"SELECT count(*) FROM audit_log"_s);
        auto twice = CustomerStore(c).eraseCustomer(key, u"dpo"_s, u"again"_s, now + 60000);
        PD_VERIFY_OK(twice);
        QVERIFY(twice.value().alreadyErased);
        QCOMPARE(twice.value().erasedAt, now);
        QCOMPARE(count(c, u"SELECT count(*) FROM audit_log"_s), audits);

        // A refresh of the segment does not bring them back (no country any more).
        PD_VERIFY_OK(SegmentStore(c).refresh(segmentId, nowMs()));
        QCOMPARE(count(c, u"SELECT count(*) FROM segment_members WHERE customer_id = ? AND left_at IS NULL"_s, {key}), 0);

        // The 360 view says erased; the export still works (it shows what is left).
        auto view = CustomerStore(c).load(key);
        PD_VERIFY_OK(view);
        QCOMPARE(view.value().erasedAt.value_or(0), now);
        QCOMPARE(view.value().profile.row.name, QLatin1String(ErasedName));

        QCOMPARE(scalar(c, u"PRAGMA integrity_check"_s).value().toString(), u"ok"_s);
        auto fk = select(c, u"PRAGMA foreign_key_check"_s);
        PD_VERIFY_OK(fk);
        QVERIFY(fk.value().isEmpty());
    }
    // And not in the file's bytes either: deleted content is zeroed, the WAL checkpointed.
    const QByteArray bytes = fileBytes(path);
    QVERIFY(!bytes.isEmpty());
    QVERIFY(!bytes.contains(VictimEmail.toUtf8()));
    QVERIFY(!bytes.contains(VictimName.toUtf8()));
    QVERIFY(!bytes.contains(VictimPhone.toUtf8()));
}

void TestCustomer360::cliShowExportConsent()
{
    const QString path = copyOfDemo(u"cli.promodesk"_s);
    qint64 key = 0;
    {
        auto db = openConnection(path);
        QVERIFY(db);
        key = richCustomer(*db);
    }
    const QString id = Ids::make(Ids::Customer, key);
    RUN_CLI_JSON(shown, {u"customer"_s, u"show"_s, u"-w"_s, path, u"--customer"_s, id});
    QCOMPARE(shown.value(u"id"_s).toString(), id);
    auto db = openConnection(path);
    QVERIFY(db);
    QCOMPARE(shown.value(u"orders"_s).toObject().value(u"total"_s).toInteger(),
             count(*db, u"SELECT count(*) FROM orders WHERE customer_id = ?"_s, {key}));
    QCOMPARE(shown.value(u"redemptions"_s).toObject().value(u"total"_s).toInteger(),
             count(*db, u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key}));
    QCOMPARE(shown.value(u"codes"_s).toObject().value(u"total"_s).toInteger(),
             count(*db, u"SELECT count(*) FROM codes WHERE customer_id = ?"_s, {key}));
    QVERIFY(shown.value(u"segments"_s).isArray());
    const QJsonObject campaigns = shown.value(u"campaigns"_s).toObject();
    QCOMPARE(campaigns.value(u"active_campaigns"_s).toInteger(), count(*db, u"SELECT count(*) FROM campaigns WHERE status = 'active'"_s));
    QVERIFY(!campaigns.value(u"redeemables"_s).toArray().isEmpty());

    // By source id too, and without the campaigns.
    const QString source = scalar(*db, u"SELECT source_id FROM customers WHERE id = ?"_s, {key}).value().toString();
    RUN_CLI_JSON(bySource, {u"customer"_s, u"show"_s, u"-w"_s, path, u"--customer"_s, source, u"--no-campaigns"_s});
    QCOMPARE(bySource.value(u"id"_s).toString(), id);
    QVERIFY(!bySource.contains(u"campaigns"_s));

    // Export to a file.
    const QString file = m_dir.filePath(u"export.json"_s);
    RUN_CLI(exported, {u"customer"_s, u"export"_s, u"-w"_s, path, u"--customer"_s, id, u"--output"_s, file});
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject data = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(data.value(u"customer"_s).toObject().value(u"id"_s).toString(), id);
    QCOMPARE(qint64(data.value(u"orders"_s).toArray().size()), count(*db, u"SELECT count(*) FROM orders WHERE customer_id = ?"_s, {key}));
    QCOMPARE(count(*db, u"SELECT count(*) FROM audit_log WHERE entity_id = ? AND action = 'export'"_s, {id}), 1);
    // To stdout.
    RUN_CLI_JSON(toStdout, {u"customer"_s, u"export"_s, u"-w"_s, path, u"--customer"_s, id});
    QCOMPARE(toStdout.value(u"object"_s).toString(), u"customer_export"_s);

    // Consents.
    RUN_CLI_JSON(consent, {u"customer"_s, u"consent"_s, u"-w"_s, path, u"--customer"_s, id, u"--email"_s, u"off"_s,
                           u"--sms"_s, u"on"_s, u"--push"_s, u"off"_s});
    QCOMPARE(consent.value(u"consents"_s).toObject().value(u"email"_s).toBool(), false);
    QCOMPARE(consent.value(u"consents"_s).toObject().value(u"sms"_s).toBool(), true);
    QCOMPARE(count(*db, u"SELECT consent_email * 10 + consent_sms FROM customers WHERE id = ?"_s, {key}), 1);
    QCOMPARE(count(*db, u"SELECT count(*) FROM audit_log WHERE entity_id = ? AND action = 'update'"_s, {id}),
             consent.value(u"changed"_s).toArray().isEmpty() ? 0 : 1);
    RUN_CLI_JSON(unchanged, {u"customer"_s, u"consent"_s, u"-w"_s, path, u"--customer"_s, id, u"--sms"_s, u"on"_s});
    QVERIFY(unchanged.value(u"changed"_s).toArray().isEmpty());
}

void TestCustomer360::cliRefusals()
{
    const QString path = copyOfDemo(u"cli-refusals.promodesk"_s);
    struct Case
    {
        QStringList arguments;
        int exitCode;
        QString words;
    };
    const QList<Case> cases = {
        {{u"customer"_s}, 2, u"Usage"_s},
        {{u"customer"_s, u"frobnicate"_s, u"-w"_s, path}, 2, u"unknown subcommand"_s},
        {{u"customer"_s, u"show"_s, u"-w"_s, path}, 2, u"--customer"_s},
        {{u"customer"_s, u"show"_s, u"--customer"_s, u"cust_1"_s}, 2, u"--workspace"_s},
        {{u"customer"_s, u"show"_s, u"-w"_s, path, u"--customer"_s, u"cust_99999999"_s}, 1, u"cust_99999999"_s},
        {{u"customer"_s, u"show"_s, u"-w"_s, path, u"--customer"_s, u"cust_1"_s, u"--now"_s, u"tomorrow"_s}, 2, u"ISO-8601"_s},
        {{u"customer"_s, u"erase"_s, u"-w"_s, path, u"--customer"_s, u"cust_1"_s, u"--reason"_s, u"asked"_s}, 2, u"--yes"_s},
        {{u"customer"_s, u"erase"_s, u"-w"_s, path, u"--customer"_s, u"cust_1"_s, u"--yes"_s}, 2, u"--reason"_s},
        {{u"customer"_s, u"erase"_s, u"-w"_s, path, u"--customer"_s, u"cust_99999999"_s, u"--reason"_s, u"x"_s, u"--yes"_s}, 1,
         u"cust_99999999"_s},
        {{u"customer"_s, u"consent"_s, u"-w"_s, path, u"--customer"_s, u"cust_1"_s}, 2, u"--email"_s},
        {{u"customer"_s, u"consent"_s, u"-w"_s, path, u"--customer"_s, u"cust_1"_s, u"--sms"_s, u"maybe"_s}, 2, u"on or off"_s},
        {{u"customer"_s, u"show"_s, u"-w"_s, m_dir.filePath(u"missing.promodesk"_s), u"--customer"_s, u"cust_1"_s}, 1,
         u"no such file"_s},
    };
    const QByteArray before = fileChecksum(path);
    for (const Case &k : cases) {
        RUN_CLI(run, k.arguments);
        QVERIFY2(run.exitCode == k.exitCode, qPrintable(k.arguments.join(u' ') + u" → "_s + QString::number(run.exitCode)));
        QVERIFY2(QString::fromUtf8(run.err).contains(k.words), run.err.constData());
        if (k.exitCode != 2 || k.arguments.size() > 1)
            QVERIFY2(run.err.count('\n') == 1, run.err.constData()); // one line
        QVERIFY(run.out.isEmpty());
    }
    QCOMPARE(fileChecksum(path), before); // nothing was written
    RUN_CLI(help, {u"customer"_s, u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("erase"));
}

void TestCustomer360::cliErase()
{
    const QString path = copyOfDemo(u"cli-erase.promodesk"_s);
    QString email;
    {
        auto db = openConnection(path);
        QVERIFY(db);
        email = scalar(*db, u"SELECT email FROM customers WHERE id = 5"_s).value().toString();
    }
    RUN_CLI_JSON(erased, {u"customer"_s, u"erase"_s, u"-w"_s, path, u"--customer"_s, u"cust_5"_s, u"--reason"_s,
                          u"ticket 4411"_s, u"--yes"_s});
    QCOMPARE(erased.value(u"customer_id"_s).toString(), u"cust_5"_s);
    QCOMPARE(erased.value(u"already_erased"_s).toBool(), false);
    RUN_CLI_JSON(again, {u"customer"_s, u"erase"_s, u"-w"_s, path, u"--customer"_s, u"cust_5"_s, u"--reason"_s,
                         u"ticket 4411"_s, u"--yes"_s});
    QCOMPARE(again.value(u"already_erased"_s).toBool(), true);
    RUN_CLI_JSON(shown, {u"customer"_s, u"show"_s, u"-w"_s, path, u"--customer"_s, u"cust_5"_s, u"--no-campaigns"_s});
    QCOMPARE(shown.value(u"name"_s).toString(), QLatin1String(ErasedName));
    QVERIFY(shown.value(u"email"_s).isNull());
    QVERIFY(shown.contains(u"erased_at"_s));
    auto db = openConnection(path);
    QVERIFY(db);
    if (!email.isEmpty())
        QCOMPARE(count(*db, u"SELECT count(*) FROM customers WHERE email = ? AND id = 5"_s, {email}), 0);
    QCOMPARE(count(*db, u"SELECT count(*) FROM audit_log WHERE entity_id = 'cust_5' AND action = 'erase'"_s), 1);
    RUN_CLI(check, {u"check"_s, u"-w"_s, path});
    QVERIFY2(check.exitCode == 0, check.err.constData());
}

QTEST_GUILESS_MAIN(TestCustomer360)
#include "tst_customer360.moc"
