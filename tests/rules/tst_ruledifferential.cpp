// Differential test: thousands of random, well-typed segment rules over random small
// datasets. The in-memory evaluator and the SQL compiler must pick exactly the same
// customers, every time.

#include "randomrules.h"
#include "rules/evaluator.h"
#include "rules/sqlcompiler.h"
#include "rules/syntax.h"
#include "store/connection.h"
#include "store/customerrepository.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace PromoDesk::Rules;

namespace {

constexpr qint64 DayMs = 86'400'000;

struct Person
{
    qint64 id = 0;
    Facts facts;
    QStringList activeSegments;
};

// An empty string that binds as '' (Qt binds a null QString as NULL).
QString emptyText()
{
    QString s(1, QLatin1Char('x'));
    s.chop(1);
    return s;
}

// The same pool of strings the rule generator draws from, so that rules hit.
QString pick(QRandomGenerator &random, Testing::RandomRules &rules)
{
    const QString s = random.bounded(4) == 0 ? QString() : rules.randomString();
    return s.isEmpty() ? emptyText() : s;
}

} // namespace

class TestRuleDifferential : public QObject
{
    Q_OBJECT

private slots:
    void evaluatorAndSqlAgree_data();
    void evaluatorAndSqlAgree();

private:
    QList<Person> makeDataset(quint32 seed, qint64 now, const QTimeZone &zone, Store::Connection &db);
};

QList<Person> TestRuleDifferential::makeDataset(quint32 seed, qint64 now, const QTimeZone &zone, Store::Connection &db)
{
    QRandomGenerator random(seed);
    Testing::RandomRules pool(seed + 1);
    QList<Person> people;
    auto exec = [&](const QString &sql, const QVariantList &values) {
        QSqlQuery q(db.database());
        q.prepare(sql);
        for (const QVariant &v : values)
            q.addBindValue(v);
        if (!q.exec())
            qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
    };
    // Campaign, segment and event names come from the generator's string pool.
    const QStringList names{QStringLiteral("IE"), QStringLiteral("staff"), QStringLiteral("Dog Food"), QStringLiteral("🐶")};
    db.begin();
    for (const QString &name : names) {
        exec(QStringLiteral("INSERT INTO campaigns(id, name, campaign_type, created_at, updated_at) VALUES (?, ?, 'PROMOTION', 0, 0)"),
             {name, name});
        exec(QStringLiteral("INSERT INTO segments(id, name, type, created_at, updated_at) VALUES (?, ?, 'static', 0, 0)"),
             {name, name});
    }
    for (qint64 id = 1; id <= 60; ++id) {
        Person p;
        p.id = id;
        p.facts.now = now;
        p.facts.zone = zone;
        QHash<QString, Value> &a = p.facts.attributes;
        auto text = [&](const char *attribute) -> QVariant {
            const QString s = pick(random, pool);
            if (random.bounded(5) == 0)
                return {}; // unknown
            a.insert(QString::fromLatin1(attribute), Value::string(s));
            return s;
        };
        a.insert(QStringLiteral("customer.id"), Value::string(QStringLiteral("cust_%1").arg(id)));
        // source_id is unique: the shop's own ids, or none.
        QVariant source;
        if (random.bounded(3)) {
            source = QStringLiteral("S%1").arg(id);
            a.insert(QStringLiteral("customer.source_id"), Value::string(source.toString()));
        }
        const QVariant name = text("customer.name");
        const QString nameText = name.isNull() ? emptyText() : name.toString();
        if (name.isNull())
            a.insert(QStringLiteral("customer.name"), Value::string(emptyText())); // NOT NULL DEFAULT ''
        const QVariant email = text("customer.email");
        const QVariant phone = text("customer.phone");
        const QVariant country = text("customer.country");
        const QVariant city = text("customer.city");
        const QVariant postal = text("customer.postal_code");
        const QVariant tier = text("customer.loyalty_tier");
        QVariant birthdate;
        if (random.bounded(4)) {
            const QDate d = random.bounded(6) == 0 ? QDate(2000 + 4 * int(random.bounded(5)), 2, 29)
                                                  : QDateTime::fromMSecsSinceEpoch(now, zone).date().addDays(-int(random.bounded(30000)));
            birthdate = d.toString(Qt::ISODate);
            a.insert(QStringLiteral("customer.birthdate"),
                     Value::dateTime(QDateTime(d, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch()));
        }
        const qint64 created = now - qint64(random.bounded(800)) * DayMs + qint64(random.bounded(86400000));
        a.insert(QStringLiteral("customer.created_at"), Value::dateTime(created));
        QStringList tags;
        for (int t = 0, n = int(random.bounded(3)); t < n; ++t)
            tags << pool.randomString();
        a.insert(QStringLiteral("customer.tags"), Value::list(tags));
        QJsonArray tagsJson = QJsonArray::fromStringList(tags);
        QJsonObject metadata;
        if (random.bounded(2)) {
            const QString pet = pool.randomString();
            metadata.insert(QStringLiteral("pet_type"), pet);
            a.insert(QStringLiteral("customer.metadata.pet_type"), Value::string(pet));
        }
        const bool email_ok = random.bounded(2), sms = random.bounded(2), push = random.bounded(2);
        a.insert(QStringLiteral("customer.consents.email"), Value::boolean(email_ok));
        a.insert(QStringLiteral("customer.consents.sms"), Value::boolean(sms));
        a.insert(QStringLiteral("customer.consents.push"), Value::boolean(push));
        const qint64 orders = random.bounded(4) == 0 ? 0 : random.bounded(1, 25);
        const qint64 spent = orders ? qint64(random.bounded(60000)) : 0;
        a.insert(QStringLiteral("customer.orders_count"), Value::number(double(orders)));
        a.insert(QStringLiteral("customer.total_spent"), Value::money(spent));
        QVariant lastOrder;
        if (orders) {
            const qint64 last = now - qint64(random.bounded(400)) * DayMs - qint64(random.bounded(86400000));
            lastOrder = last;
            a.insert(QStringLiteral("customer.last_order_at"), Value::dateTime(last));
        }
        exec(QStringLiteral("INSERT INTO customers(id, source_id, name, email, phone, birthdate, address_city, address_country, "
                            "address_postal_code, loyalty_tier, tags, metadata, consent_email, consent_sms, consent_push, "
                            "created_at, updated_at, orders_count, total_spent, last_order_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {id, source, nameText, email, phone, birthdate, city, country, postal, tier,
              QString::fromUtf8(QJsonDocument(tagsJson).toJson(QJsonDocument::Compact)),
              QString::fromUtf8(QJsonDocument(metadata).toJson(QJsonDocument::Compact)), int(email_ok), int(sms), int(push),
              created, created, orders, spent, lastOrder});

        for (int e = 0, n = int(random.bounded(5)); e < n; ++e) {
            const QString type = names[random.bounded(int(names.size()))];
            const qint64 at = now - (qint64(random.bounded(500)) - 20) * DayMs - qint64(random.bounded(86400000));
            p.facts.events.append({type, at});
            exec(QStringLiteral("INSERT INTO customer_events(customer_id, type, created_at) VALUES (?, ?, ?)"), {id, type, at});
        }
        for (int r = 0, n = int(random.bounded(5)); r < n; ++r) {
            const QString campaign = names[random.bounded(int(names.size()))];
            const qint64 at = now - (qint64(random.bounded(120)) - 5) * DayMs - qint64(random.bounded(86400000));
            const bool success = random.bounded(4) != 0;
            if (success)
                p.facts.redemptions.append({campaign, at});
            exec(QStringLiteral("INSERT INTO redemptions(created_at, campaign_id, customer_id, result) VALUES (?, ?, ?, ?)"),
                 {at, campaign, id, success ? QStringLiteral("SUCCESS") : QStringLiteral("FAILURE")});
        }
        for (const QString &segment : names) {
            const int state = int(random.bounded(3)); // 0 never, 1 in, 2 left
            if (state == 0)
                continue;
            if (state == 1)
                p.activeSegments << segment;
            exec(QStringLiteral("INSERT INTO segment_members(segment_id, customer_id, entered_at, left_at) VALUES (?, ?, ?, ?)"),
                 {segment, id, now - 10 * DayMs, state == 2 ? QVariant(now - DayMs) : QVariant()});
        }
        std::sort(p.activeSegments.begin(), p.activeSegments.end());
        a.insert(QStringLiteral("customer.segments"), Value::list(p.activeSegments));
        people.append(p);
    }
    if (Status s = db.commit(); !s)
        qFatal("%s", qPrintable(s.error().toString()));
    return people;
}

void TestRuleDifferential::evaluatorAndSqlAgree_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("now");
    QTest::newRow("utc") << 1u << QStringLiteral("UTC") << QStringLiteral("2026-11-01T10:00:00Z");
    QTest::newRow("dublin, DST day") << 2u << QStringLiteral("Europe/Dublin") << QStringLiteral("2026-03-29T01:30:00Z");
    QTest::newRow("tokyo, 28 Feb") << 3u << QStringLiteral("Asia/Tokyo") << QStringLiteral("2027-02-27T16:00:00Z");
    QTest::newRow("new york, month end") << 4u << QStringLiteral("America/New_York") << QStringLiteral("2026-12-01T03:00:00Z");
}

void TestRuleDifferential::evaluatorAndSqlAgree()
{
    QFETCH(quint32, seed);
    QFETCH(QString, zone);
    QFETCH(QString, now);
    const QTimeZone tz(zone.toUtf8());
    QVERIFY(tz.isValid());
    const qint64 at = QDateTime::fromString(now, Qt::ISODate).toMSecsSinceEpoch();

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("diff.promodesk"));
    QVERIFY(Store::Workspace::create(path, Store::WorkspaceKind::Sandbox).ok());
    auto connection = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    QVERIFY(connection.ok());
    const QList<Person> people = makeDataset(seed, at, tz, *connection.value());
    Store::CustomerRepository repository(*connection.value());

    Testing::RandomRules random(seed * 7919);
    random.setSegmentMode(at);
    int nonTrivial = 0;
    for (int i = 0; i < 1500; ++i) {
        const Node rule = random.rule(1 + i % 3);
        QStringList expected;
        for (const Person &p : people) {
            const bool passed = evaluate(rule, p.facts).passed;
            if (passed != matches(rule, p.facts))
                QFAIL(qPrintable(QStringLiteral("matches() and evaluate() disagree on %1 for cust_%2").arg(print(rule)).arg(p.id)));
            if (passed)
                expected << QStringLiteral("cust_%1").arg(p.id);
        }
        std::sort(expected.begin(), expected.end(), [](const QString &a, const QString &b) {
            return a.mid(5).toLongLong() < b.mid(5).toLongLong();
        });
        auto compiled = compileCustomerRule(rule, at, tz);
        QVERIFY2(compiled.ok(), qPrintable(print(rule)));
        auto ids = repository.idsWhere(compiled.value().where, compiled.value().bindings);
        QVERIFY2(ids.ok(), qPrintable(print(rule) + QStringLiteral("\n") + compiled.value().where
                                      + (ids.ok() ? QString() : QStringLiteral("\n") + ids.error().toString())));
        if (ids.value() != expected) {
            QFAIL(qPrintable(QStringLiteral("evaluator and SQL disagree on\n  %1\nSQL: %2\nevaluator: %3\nsql:       %4")
                                 .arg(print(rule), compiled.value().where, expected.join(QLatin1Char(' ')),
                                      ids.value().join(QLatin1Char(' ')))));
        }
        if (!expected.isEmpty() && expected.size() < people.size())
            ++nonTrivial;
    }
    // Enough rules split the customers for the comparison to mean something.
    QVERIFY2(nonTrivial > 300, qPrintable(QString::number(nonTrivial)));
}

QTEST_GUILESS_MAIN(TestRuleDifferential)
#include "tst_ruledifferential.moc"
