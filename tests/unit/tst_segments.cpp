// Segments over a real demo workspace: auto-update segments enter and leave customers
// as their data changes (each stay recorded with its timestamps), static segments hold
// a chosen list or a frozen snapshot, passive ones count on demand; every change is all
// or nothing and audited; and an auto-update segment kept current customer by customer
// through a burst of 10 000 orders equals a full recount.

#include "common/ids.h"
#include "rules/sqlcompiler.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/connection.h"
#include "store/customerrepository.h"
#include "store/segmentstore.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace Qt::StringLiterals;

namespace {

Rules::Node rule(const QString &text)
{
    auto parsed = Rules::parse(text);
    if (!parsed)
        qFatal("test rule %s: %s", qPrintable(text), qPrintable(parsed.error().toString()));
    auto checked = Rules::check(parsed.value());
    if (!checked)
        qFatal("test rule %s: %s", qPrintable(text), qPrintable(checked.error().toString()));
    return checked.value();
}

Segment segment(const QString &name, SegmentType type, const QString &ruleText = {})
{
    Segment s;
    s.name = name;
    s.type = type;
    if (!ruleText.isEmpty())
        s.rule = rule(ruleText);
    return s;
}

} // namespace

class TestSegments : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void autoUpdateEntersAndLeaves();
    void staticMembersAndSnapshots();
    void passiveCountsOnDemand();
    void refusalsWriteNothing();
    void burstOfOrdersMatchesARecount();
    void seedSegmentsCount();
    void timeMovesStaleSegments();

private:
    QSet<qint64> members(const QString &segmentId);
    QSet<qint64> recount(const Segment &s, qint64 now);
    qint64 at(int day) const { return m_t0 + qint64(day) * 86400000; }

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Connection> m_db;
    qint64 m_t0 = 0;
};

void TestSegments::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"segments.promodesk"_s);
    auto demo = Tests::generateSmallDemo(m_path, 5);
    PD_VERIFY_OK(demo);
    auto db = Workspace::openForWriting(m_path);
    PD_VERIFY_OK(db);
    m_db = std::move(db).value();
    m_t0 = nowMs();
}

QSet<qint64> TestSegments::members(const QString &segmentId)
{
    QSet<qint64> out;
    auto keys = SegmentStore(*m_db).memberKeys(segmentId, 0, 10'000'000);
    if (keys)
        out = QSet<qint64>(keys.value().cbegin(), keys.value().cend());
    return out;
}

QSet<qint64> TestSegments::recount(const Segment &s, qint64 now)
{
    // Independently: the rule evaluated by the CustomerRepository path, not the store's.
    auto ids = CustomerRepository(*m_db).idsWhere(Rules::compileCustomerRule(*s.rule, now, s.zone()).value().where,
                                                  Rules::compileCustomerRule(*s.rule, now, s.zone()).value().bindings);
    QSet<qint64> out;
    for (const QString &id : ids.value())
        out.insert(Ids::parse(Ids::Customer, id).value_or(-1));
    return out;
}

void TestSegments::autoUpdateEntersAndLeaves()
{
    SegmentStore store(*m_db);
    auto saved = store.save(segment(u"Big spenders"_s, SegmentType::AutoUpdate, u"customer.total_spent >= 500.00"_s),
                            u"test"_s, at(0));
    PD_VERIFY_OK(saved);
    const Segment s = saved.value();
    QVERIFY(s.id.startsWith(u"seg_"_s));
    const QSet<qint64> first = members(s.id);
    QVERIFY(!first.isEmpty());
    QCOMPARE(first, recount(s, at(0)));
    QCOMPARE(s.size, qint64(first.size()));
    QCOMPARE(store.load(s.id).value()->size, qint64(first.size()));

    // One member's spending drops, one outsider's rises: a refresh for them only.
    const qint64 leaving = *first.begin();
    auto outsider = Tests::scalar(*m_db, u"SELECT min(id) FROM customers WHERE total_spent < 50000"_s);
    PD_VERIFY_OK(outsider);
    const qint64 entering = outsider.value().toLongLong();
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE customers SET total_spent = 100 WHERE id = ?"_s, {leaving}));
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE customers SET total_spent = 900000 WHERE id = ?"_s, {entering}));
    PD_VERIFY_OK(refreshSegmentsForCustomers(*m_db, {leaving, entering}, at(1)));
    QSet<qint64> expected = first;
    expected.remove(leaving);
    expected.insert(entering);
    QCOMPARE(members(s.id), expected);
    QCOMPARE(members(s.id), recount(s, at(1)));

    // The stays, with their timestamps: the leaver's is closed, the newcomer's open.
    auto left = store.membershipsOf(leaving);
    PD_VERIFY_OK(left);
    QCOMPARE(left.value().size(), 1);
    QCOMPARE(left.value()[0].enteredAt, at(0));
    QCOMPARE(left.value()[0].leftAt.value_or(-1), at(1));
    auto joined = store.membershipsOf(entering);
    QCOMPARE(joined.value().size(), 1);
    QCOMPARE(joined.value()[0].enteredAt, at(1));
    QVERIFY(!joined.value()[0].leftAt);
    QCOMPARE(joined.value()[0].segmentName, u"Big spenders"_s);

    // Back in on a later day: a second stay, the first kept as history.
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE customers SET total_spent = 800000 WHERE id = ?"_s, {leaving}));
    auto change = store.refresh(s.id, at(2));
    PD_VERIFY_OK(change);
    QCOMPARE(change.value().entered, 1);
    QCOMPARE(change.value().left, 0);
    QCOMPARE(store.membershipsOf(leaving).value().size(), 2);

    // Size over time: a point per refresh and per change.
    auto sizes = store.sizeHistory(s.id);
    PD_VERIFY_OK(sizes);
    QCOMPARE(sizes.value().size(), 3);
    QCOMPARE(sizes.value()[0].size, qint64(first.size()));
    QCOMPARE(sizes.value()[1].entered, 1);
    QCOMPARE(sizes.value()[1].left, 1);
    QCOMPARE(sizes.value()[2].size, qint64(first.size()) + 1);

    // The engine's customer.segments sees the membership.
    auto inRule = Tests::scalar(*m_db, u"SELECT count(*) FROM segment_members WHERE customer_id = ? AND left_at IS NULL"_s,
                                {entering});
    QCOMPARE(inRule.value().toLongLong(), 1);

    // Turned passive: everyone leaves (a passive segment keeps no members).
    Segment passive = store.load(s.id).value().value();
    passive.type = SegmentType::Passive;
    PD_VERIFY_OK(store.save(passive, u"test"_s, at(3)));
    QVERIFY(members(s.id).isEmpty());
    PD_VERIFY_OK(store.remove(s.id, u"test"_s));
    auto audits = Tests::scalar(*m_db, u"SELECT group_concat(action) FROM (SELECT action FROM audit_log WHERE entity_type = 'segment' AND entity_id = ? ORDER BY id)"_s,
                                {s.id});
    QCOMPARE(audits.value().toString(), u"create,update,delete"_s);
}

void TestSegments::staticMembersAndSnapshots()
{
    SegmentStore store(*m_db);
    auto saved = store.save(segment(u"VIP list"_s, SegmentType::Static), u"test"_s, at(0));
    PD_VERIFY_OK(saved);
    const QString id = saved.value().id;
    QVERIFY(members(id).isEmpty());
    auto added = store.addMembers(id, {1, 2, 3, 3}, at(0));
    PD_VERIFY_OK(added);
    QCOMPARE(added.value().entered, 3);
    QCOMPARE(added.value().size, 3);
    QCOMPARE(store.addMembers(id, {2}, at(1)).value().entered, 0); // already in
    QCOMPARE(store.removeMembers(id, {2}, at(1)).value().left, 1);
    QCOMPARE(members(id), (QSet<qint64>{1, 3}));
    // An unknown customer: refused, nothing added.
    auto unknown = store.addMembers(id, {4, 99'999'999}, at(2));
    QVERIFY(!unknown);
    QVERIFY2(unknown.error().message.contains(u"cust_99999999 is not a customer"_s), qPrintable(unknown.error().message));
    QCOMPARE(members(id), (QSet<qint64>{1, 3}));

    // A frozen snapshot of a rule: a static segment with a rule, refreshed once; later
    // data changes leave it alone.
    Segment frozen = segment(u"Irish, frozen"_s, SegmentType::Static, u"customer.country is \"IE\""_s);
    auto f = store.save(frozen, u"test"_s, at(0));
    PD_VERIFY_OK(f);
    QVERIFY(members(f.value().id).isEmpty()); // a snapshot is taken when asked
    PD_VERIFY_OK(store.refresh(f.value().id, at(0)));
    const QSet<qint64> snapshot = members(f.value().id);
    QCOMPARE(snapshot, recount(f.value(), at(0)));
    auto someone = Tests::scalar(*m_db, u"SELECT min(id) FROM customers WHERE address_country != 'IE'"_s);
    PD_VERIFY_OK(Tests::execute(*m_db, u"UPDATE customers SET address_country = 'IE' WHERE id = ?"_s, {someone.value()}));
    PD_VERIFY_OK(refreshSegmentsForCustomers(*m_db, {someone.value().toLongLong()}, at(1)));
    QCOMPARE(members(f.value().id), snapshot);
    // Hand-picking is for static segments only.
    auto autoSegment = store.save(segment(u"Irish"_s, SegmentType::AutoUpdate, u"customer.country is \"IE\""_s), u"test"_s, at(1));
    PD_VERIFY_OK(autoSegment);
    QVERIFY(members(autoSegment.value().id).contains(someone.value().toLongLong()));
    auto refused = store.addMembers(autoSegment.value().id, {1}, at(1));
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(u"only a static segment"_s));
}

void TestSegments::passiveCountsOnDemand()
{
    SegmentStore store(*m_db);
    auto saved = store.save(segment(u"Gold, passive"_s, SegmentType::Passive, u"customer.loyalty_tier is \"gold\""_s),
                            u"test"_s, at(0));
    PD_VERIFY_OK(saved);
    QVERIFY(members(saved.value().id).isEmpty());
    const qint64 gold = Tests::scalar(*m_db, u"SELECT count(*) FROM customers WHERE loyalty_tier = 'gold'"_s).value().toLongLong();
    QVERIFY(gold > 0);
    QCOMPARE(saved.value().size, gold);
    auto counted = countMatching(*m_db, *saved.value().rule, at(0), QTimeZone::utc());
    PD_VERIFY_OK(counted);
    QCOMPARE(counted.value(), gold);
    auto first = firstMatching(*m_db, *saved.value().rule, at(0), QTimeZone::utc(), 5);
    PD_VERIFY_OK(first);
    QCOMPARE(first.value().size(), std::min<qsizetype>(5, gold));
    QVERIFY(first.value()[0].rowid < first.value().last().rowid || first.value().size() == 1);
}

void TestSegments::refusalsWriteNothing()
{
    SegmentStore store(*m_db);
    const QByteArray before = Tests::tableHash(*m_db, u"segments"_s).value();
    QVERIFY(!store.save(segment(u""_s, SegmentType::AutoUpdate, u"customer.country is \"IE\""_s), u"t"_s, at(0)));
    auto cart = store.save(segment(u"Cart rule"_s, SegmentType::AutoUpdate, u"order.amount > 10.00"_s), u"t"_s, at(0));
    QVERIFY(!cart);
    QCOMPARE(cart.error().where, u"rule"_s);
    QVERIFY(!store.save(segment(u"No rule"_s, SegmentType::AutoUpdate), u"t"_s, at(0)));
    Segment zone = segment(u"Bad zone"_s, SegmentType::Passive, u"customer.country is \"IE\""_s);
    zone.timezone = u"Mars/Base"_s;
    QVERIFY(!store.save(zone, u"t"_s, at(0)));
    PD_VERIFY_OK(store.save(segment(u"Unique"_s, SegmentType::Static), u"t"_s, at(0)));
    const QByteArray middle = Tests::tableHash(*m_db, u"segments"_s).value();
    auto twin = store.save(segment(u"unique"_s, SegmentType::Static), u"t"_s, at(0));
    QVERIFY(!twin);
    QVERIFY(twin.error().message.contains(u"already called"_s));
    QCOMPARE(Tests::tableHash(*m_db, u"segments"_s).value(), middle);
    QVERIFY(before != middle);
}

void TestSegments::burstOfOrdersMatchesARecount()
{
    // Three auto-update segments over the summaries orders change, and one over events.
    SegmentStore store(*m_db);
    QList<Segment> segments;
    for (const auto &[name, text] : {std::pair{u"Spent 300+"_s, u"customer.total_spent >= 300.00"_s},
                                     std::pair{u"5+ orders"_s, u"customer.orders_count >= 5"_s},
                                     std::pair{u"Ordered this week"_s, u"customer.last_order_at within last 7 days"_s}}) {
        auto saved = store.save(segment(name, SegmentType::AutoUpdate, text), u"test"_s, at(0));
        PD_VERIFY_OK(saved);
        segments << saved.value();
    }
    const qint64 customers = Tests::scalar(*m_db, u"SELECT max(id) FROM customers"_s).value().toLongLong();
    QRandomGenerator random(42);
    const qint64 now = at(0) + 3600000;
    QSet<qint64> touched;
    // 10 000 orders in bursts of 500, each burst one transaction with the summaries and
    // the segments refreshed for its customers — as an import or a shop feed would.
    for (int burst = 0; burst < 20; ++burst) {
        PD_VERIFY_OK(m_db->begin());
        QList<qint64> ids;
        for (int i = 0; i < 500; ++i) {
            const qint64 customer = 1 + qint64(random.bounded(quint32(customers)));
            const qint64 amount = 500 + qint64(random.bounded(40000u));
            PD_VERIFY_OK(Tests::execute(*m_db,
                                        u"INSERT INTO orders(source_id, customer_id, status, amount, created_at) VALUES (?, ?, 'PAID', ?, ?)"_s,
                                        {u"burst-%1-%2"_s.arg(burst).arg(i), customer, amount, now}));
            PD_VERIFY_OK(Tests::execute(*m_db,
                                        u"UPDATE customers SET orders_count = orders_count + 1, total_spent = total_spent + ?, "
                                        "last_order_at = max(ifnull(last_order_at, 0), ?) WHERE id = ?"_s,
                                        {amount, now, customer}));
            ids << customer;
            touched.insert(customer);
        }
        PD_VERIFY_OK(refreshSegmentsForCustomers(*m_db, ids, now));
        PD_VERIFY_OK(m_db->commit());
    }
    QVERIFY(touched.size() > 1000);
    for (const Segment &s : segments) {
        const QSet<qint64> kept = members(s.id);
        const QSet<qint64> full = recount(s, now);
        QVERIFY2(kept == full, qPrintable(u"%1: %2 kept, %3 by a recount"_s.arg(s.name).arg(kept.size()).arg(full.size())));
        QCOMPARE(store.load(s.id).value()->size, qint64(full.size()));
    }
}

void TestSegments::seedSegmentsCount()
{
    // The seed segments of the issue, as rules, count the same as the evaluator's SQL path.
    const QStringList rules = {
        u"customer.events.last_at(type: \"cart_abandoned\") within last 2 days"_s,
        u"customer.created_at within last 7 days"_s,
        u"customer.last_order_at more than 90 days ago"_s,
        u"customer.loyalty_tier is \"gold\""_s,
        u"customer.country is \"IE\""_s,
    };
    for (const QString &text : rules) {
        Segment s = segment(text.left(40), SegmentType::AutoUpdate, text);
        auto saved = SegmentStore(*m_db).save(s, u"test"_s, m_t0);
        PD_VERIFY_OK(saved);
        QCOMPARE(members(saved.value().id), recount(saved.value(), m_t0));
    }
}

void TestSegments::timeMovesStaleSegments()
{
    // "Signed up in the last 7 days" empties as the clock moves on, with no data changed:
    // a refresh of stale segments moves the members along; fresh ones are left alone.
    SegmentStore store(*m_db);
    auto newest = Tests::scalar(*m_db, u"SELECT max(created_at) FROM customers"_s);
    const qint64 t = newest.value().toLongLong() + 3600000;
    auto recent = store.save(segment(u"Recent sign-ups"_s, SegmentType::AutoUpdate, u"customer.created_at within last 7 days"_s),
                             u"test"_s, t);
    PD_VERIFY_OK(recent);
    QVERIFY(recent.value().size > 0);
    auto fresh = refreshStaleSegments(*m_db, t + 60000, t); // nothing refreshed before t
    PD_VERIFY_OK(fresh);
    QCOMPARE(members(recent.value().id).size(), recent.value().size);
    const qint64 later = t + 30LL * 86400000;
    auto stale = refreshStaleSegments(*m_db, later, later);
    PD_VERIFY_OK(stale);
    QVERIFY(stale.value() >= 1);
    QVERIFY(members(recent.value().id).isEmpty());
    QCOMPARE(members(recent.value().id), recount(recent.value(), later));
    QCOMPARE(store.load(recent.value().id).value()->refreshedAt.value_or(0), later);
}

QTEST_GUILESS_MAIN(TestSegments)
#include "tst_segments.moc"
