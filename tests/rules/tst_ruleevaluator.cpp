// The in-memory evaluator and its explain trace, on hand-written cases.

#include "randomrules.h"
#include "rules/evaluator.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTest>

using namespace PromoDesk;
using namespace PromoDesk::Rules;

namespace {

Node rule(const char *text)
{
    auto parsed = parse(QString::fromUtf8(text));
    if (!parsed)
        qFatal("%s", qPrintable(parsed.error().toString()));
    auto checked = check(parsed.value());
    if (!checked)
        qFatal("%s", qPrintable(checked.error().toString()));
    return checked.value();
}

qint64 at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

Node ruleOf(const QString &text)
{
    return rule(text.toUtf8().constData());
}

Facts member()
{
    Facts f;
    f.now = at("2026-11-24T12:00:00Z");
    f.attributes.insert(QStringLiteral("customer.country"), Value::string(QStringLiteral("IE")));
    f.attributes.insert(QStringLiteral("customer.total_spent"), Value::money(1001));
    f.attributes.insert(QStringLiteral("customer.orders_count"), Value::number(2));
    f.attributes.insert(QStringLiteral("customer.last_order_at"), Value::dateTime(at("2026-10-15T09:00:00Z")));
    f.attributes.insert(QStringLiteral("customer.tags"), Value::list({QStringLiteral("dog-owner")}));
    f.items = {{QStringLiteral("sku_1"), QStringLiteral("prod_1"), QStringLiteral("Dog Food"), 1, 4599},
               {QStringLiteral("sku_2"), QStringLiteral("prod_2"), QStringLiteral("Toys"), 3, 1387}};
    return f;
}

const TraceLine &line(const Evaluation &e, const QString &text)
{
    for (const TraceLine &l : e.trace)
        if (l.text == text)
            return l;
    qFatal("no trace line %s", qPrintable(text));
}

} // namespace

class TestRuleEvaluator : public QObject
{
    Q_OBJECT

private slots:
    void failedThresholdSaysWhatToAdd()
    {
        const Evaluation e = evaluate(rule("order.amount >= 100.00"), member()); // 45.99 + 3 × 13.87 = 87.60
        QVERIFY(!e.passed);
        QCOMPARE(e.trace.size(), 1);
        QCOMPARE(e.trace[0].actual, QStringLiteral("87.60"));
        QCOMPARE(e.trace[0].hint, QStringLiteral("add 12.40"));
        QCOMPARE(evaluate(rule("order.amount > 87.60"), member()).trace[0].hint, QStringLiteral("add 0.01"));
        QCOMPARE(evaluate(rule("order.amount < 50.00"), member()).trace[0].hint, QStringLiteral("reduce by 37.61"));
        QVERIFY(evaluate(rule("order.amount between 80 and 90"), member()).passed);
    }

    void everyConditionIsExplained()
    {
        const Evaluation e = evaluate(rule(R"(customer.country in ["IE", "GB"] and not customer.tags contains "staff" and order.items.quantity(category: "Toys") >= 4)"),
                                      member());
        QVERIFY(!e.passed);
        QCOMPARE(e.trace[0].text, QStringLiteral("all of"));
        QVERIFY(line(e, QStringLiteral(R"(customer.country in ["IE", "GB"])")).passed);
        QCOMPARE(line(e, QStringLiteral(R"(customer.country in ["IE", "GB"])")).actual, QStringLiteral("\"IE\""));
        QVERIFY(line(e, QStringLiteral("not")).passed);
        const TraceLine &toys = line(e, QStringLiteral(R"(order.items.quantity(category: "Toys") >= 4)"));
        QVERIFY(!toys.passed);
        QCOMPARE(toys.actual, QStringLiteral("3"));
        QCOMPARE(toys.hint, QStringLiteral("add 1"));
    }

    void unknownValuesAreFalseButIsUnknownHolds()
    {
        const Facts f = member();
        QVERIFY(evaluate(rule("customer.birthdate is unknown"), f).passed);
        QVERIFY(!evaluate(rule("customer.birthdate has value"), f).passed);
        QVERIFY(!evaluate(rule("customer.birthdate before 2000-01-01"), f).passed);
        QVERIFY(!evaluate(rule("customer.birthdate after 2000-01-01"), f).passed);
        QVERIFY(evaluate(rule("not customer.birthdate before 2000-01-01"), f).passed);
        QCOMPARE(evaluate(rule("customer.city is \"Cork\""), f).trace[0].actual, QStringLiteral("unknown"));
        QVERIFY(!evaluate(rule("customer.city is not \"Cork\""), f).passed);
    }

    void itemQuantifiers()
    {
        Facts f = member();
        QVERIFY(evaluate(rule(R"(any item (item.category is "Dog Food" and item.price >= 40.00))"), f).passed);
        QVERIFY(!evaluate(rule(R"(every item (item.category is "Dog Food"))"), f).passed);
        QVERIFY(evaluate(rule(R"(none item (item.category is "Cat Food"))"), f).passed);
        const Evaluation e = evaluate(rule(R"(any item (item.quantity >= 3))"), f);
        QCOMPARE(e.trace[0].actual, QStringLiteral("1 of 2 lines match"));
        // An empty cart: nothing matches, and every line of none does.
        f.items.clear();
        QVERIFY(!evaluate(rule(R"(any item (item.quantity >= 1))"), f).passed);
        QVERIFY(evaluate(rule(R"(every item (item.quantity >= 1))"), f).passed);
        QVERIFY(evaluate(rule(R"(none item (item.quantity >= 1))"), f).passed);
        QCOMPARE(evaluate(rule("order.amount >= 10.00"), f).trace[0].hint, QStringLiteral("add 10.00"));
    }

    void averageOrderValueRoundsHalfUp()
    {
        const Evaluation e = evaluate(rule("customer.average_order_value is 5.01"), member()); // 10.01 / 2 = 5.005
        QVERIFY(e.passed);
        Facts none = member();
        none.attributes.insert(QStringLiteral("customer.orders_count"), Value::number(0));
        QVERIFY(evaluate(rule("customer.average_order_value is unknown"), none).passed);
    }

    void daysAgo()
    {
        const Facts f = member(); // last order 40 days before now
        const Evaluation within = evaluate(rule("customer.last_order_at within last 30 days"), f);
        QVERIFY(!within.passed);
        QCOMPARE(within.trace[0].hint, QStringLiteral("it was 40 days ago"));
        QVERIFY(evaluate(rule("customer.last_order_at within last 41 days"), f).passed);
        QVERIFY(evaluate(rule("customer.last_order_at more than 30 days ago"), f).passed);
        QVERIFY(!evaluate(rule("customer.last_order_at more than 45 days ago"), f).passed);
    }

    void leapDayBirthdays()
    {
        Facts f = member();
        f.attributes.insert(QStringLiteral("customer.birthdate"), Value::dateTime(at("2000-02-29T00:00:00Z")));
        f.now = at("2027-02-28T10:00:00Z");
        QVERIFY(evaluate(rule("customer.birthdate same day of year"), f).passed);
        f.now = at("2028-02-28T10:00:00Z");
        QVERIFY(!evaluate(rule("customer.birthdate same day of year"), f).passed);
        f.now = at("2028-02-29T10:00:00Z");
        QVERIFY(evaluate(rule("customer.birthdate same day of year"), f).passed);
    }

    void timeInTheCampaignZoneAcrossDst()
    {
        Facts f = member();
        f.zone = QTimeZone("Europe/Dublin");
        // 29 March 2026: Irish clocks go from 01:00 GMT to 02:00 IST.
        f.now = at("2026-03-29T00:30:00Z");
        QVERIFY(evaluate(rule("time.hour is 0"), f).passed);
        f.now = at("2026-03-29T01:30:00Z");
        QVERIFY(evaluate(rule("time.hour is 2"), f).passed);
        QVERIFY(evaluate(rule(R"(time.day_of_week is "sunday")"), f).passed);
        // Late Saturday in UTC is already Sunday in Tokyo.
        f.zone = QTimeZone("Asia/Tokyo");
        f.now = at("2026-03-28T23:30:00Z");
        QVERIFY(evaluate(rule(R"(time.day_of_week is "sunday" and time.hour is 8)"), f).passed);
    }

    void historyCounts()
    {
        Facts f = member();
        f.events = {{QStringLiteral("cart_abandoned"), at("2026-11-20T10:00:00Z")},
                    {QStringLiteral("cart_abandoned"), at("2026-09-01T10:00:00Z")},
                    {QStringLiteral("sign_up"), at("2024-01-01T10:00:00Z")}};
        f.redemptions = {{QStringLiteral("camp_a"), at("2026-11-02T10:00:00Z")},
                         {QStringLiteral("camp_a"), at("2026-10-30T10:00:00Z")},
                         {QStringLiteral("camp_b"), at("2026-11-03T10:00:00Z")}};
        QVERIFY(evaluate(rule(R"(customer.events.count(type: "cart_abandoned", days: 7) is 1)"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.events.count(type: "cart_abandoned") is 2)"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.events.last_at(type: "cart_abandoned") within last 7 days)"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.events.last_at(type: "referral") is unknown)"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.redemptions.count(campaign: "camp_a", this_month: true) is 1)"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.redemptions.count(campaign: "camp_a") is 2)"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.redemptions.count(days: 30) is 3)"), f).passed);
    }

    // The trace-less, short-circuiting matches() gives evaluate()'s answer, carts included.
    void matchesAgreesWithEvaluate()
    {
        Testing::RandomRules random(4242);
        QRandomGenerator carts(17);
        const QStringList categories{QStringLiteral("Dog Food"), QStringLiteral("Toys"), QStringLiteral("IE")};
        int passed = 0;
        for (int i = 0; i < 4000; ++i) {
            Facts f = member();
            f.items.clear();
            for (int l = 0, n = int(carts.bounded(4)); l < n; ++l)
                f.items.append({QStringLiteral("sku_%1").arg(carts.bounded(3)), QStringLiteral("prod_1"),
                                categories[carts.bounded(int(categories.size()))], carts.bounded(1, 4), carts.bounded(100, 9000)});
            const Node r = random.rule(1 + i % 3);
            const bool slow = evaluate(r, f).passed;
            if (slow != matches(r, f))
                QFAIL(qPrintable(print(r)));
            passed += slow ? 1 : 0;
        }
        QVERIFY(passed > 200 && passed < 3800); // both outcomes are exercised
    }

    // The worked rules of docs/rules.md, one passing and one failing member each.
    void campaignScenarios_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("now");
        QTest::addColumn<QString>("passingChange");  // attribute=value applied to member() for the pass
        QTest::addColumn<bool>("baseline");           // the outcome for member() unchanged
        auto row = [](const char *name, const char *rule, const char *now, const char *change, bool baseline) {
            QTest::newRow(name) << QString::fromUtf8(rule) << QString::fromLatin1(now) << QString::fromUtf8(change) << baseline;
        };
        row("1 abandoned cart", R"(customer.events.last_at(type: "cart_abandoned") within last 2 days and customer.redemptions.count(campaign: "camp_abandoned_cart") is 0)",
            "2026-11-24T12:00:00Z", "event=cart_abandoned@2026-11-23T09:00:00Z", false);
        row("2 tier 1", "order.amount >= 50.00", "2026-11-24T12:00:00Z", "", true);
        row("2 tier 2", "order.amount >= 100.00", "2026-11-24T12:00:00Z", "item=sku_3:Dog Food:1:1500", false);
        row("3 buy A get B", R"(any item (item.product is "prod_1") and any item (item.product is "prod_3"))", "2026-11-24T12:00:00Z",
            "item=sku_3:Toys:1:999", false);
        row("4 redeemed this month", R"(customer.redemptions.count(this_month: true) >= 1 or customer.referrals_count >= 1)",
            "2026-11-24T12:00:00Z", "redemption=camp_x@2026-11-02T10:00:00Z", false);
        row("5 headphones", R"(any item (item.sku is "sku_1") and (order.amount >= 90.00 or any item (item.sku is "sku_keyboard")))",
            "2026-11-24T12:00:00Z", "item=sku_keyboard:Toys:1:100", false);
        row("6 signed up this week", "customer.created_at within last 7 days", "2026-11-24T12:00:00Z",
            "customer.created_at=2026-11-20T08:00:00Z", false);
        row("7 re-engagement", "order.amount > 80.00 and customer.last_order_at more than 90 days ago", "2026-11-24T12:00:00Z",
            "customer.last_order_at=2026-07-01T08:00:00Z", false);
        row("8 premium", R"(order.amount > 50.00 and customer.loyalty_tier is "gold")", "2026-11-24T12:00:00Z",
            "customer.loyalty_tier=gold", false);
        row("9a anniversary", "customer.created_at same day of year and customer.created_at more than 360 days ago",
            "2026-11-24T12:00:00Z", "customer.created_at=2025-11-24T18:00:00Z", false);
        row("9b birthday in Dublin", "customer.birthdate same day of year", "2027-03-16T23:30:00Z",
            "customer.birthdate=1990-03-16T00:00:00Z", false);
        row("10 St Patrick's Day", R"(customer.country is "IE" and time.now between 2027-03-17 and 2027-03-17T23:59:59Z)",
            "2027-03-16T23:59:00Z", "now=2027-03-17T10:00:00Z", false);
    }

    void campaignScenarios()
    {
        QFETCH(QString, rule);
        QFETCH(QString, now);
        QFETCH(QString, passingChange);
        QFETCH(bool, baseline);
        const Node checked = ruleOf(rule);
        Facts f = member();
        f.zone = QTimeZone("Europe/Dublin");
        f.now = at(now.toLatin1().constData());
        QCOMPARE(evaluate(checked, f).passed, baseline);
        if (passingChange.isEmpty())
            return;
        const QString key = passingChange.section(QLatin1Char('='), 0, 0);
        const QString value = passingChange.section(QLatin1Char('='), 1);
        if (key == QLatin1String("event")) {
            f.events.append({value.section(QLatin1Char('@'), 0, 0), at(value.section(QLatin1Char('@'), 1).toLatin1().constData())});
        } else if (key == QLatin1String("redemption")) {
            f.redemptions.append({value.section(QLatin1Char('@'), 0, 0), at(value.section(QLatin1Char('@'), 1).toLatin1().constData())});
        } else if (key == QLatin1String("item")) {
            const QStringList parts = value.split(QLatin1Char(':'));
            f.items.append({parts[0], QStringLiteral("prod_") + parts[0].section(QLatin1Char('_'), 1), parts[1],
                            parts[2].toLongLong(), parts[3].toLongLong()});
        } else if (key == QLatin1String("now")) {
            f.now = at(value.toLatin1().constData());
        } else if (key.endsWith(QLatin1String("_at")) || key.endsWith(QLatin1String("birthdate"))) {
            f.attributes.insert(key, Value::dateTime(at(value.toLatin1().constData())));
        } else {
            f.attributes.insert(key, Value::string(value));
        }
        const Evaluation changed = evaluate(checked, f);
        QVERIFY2(changed.passed != baseline, qPrintable(print(checked)));
    }

    void metadataAndLists()
    {
        Facts f = member();
        f.attributes.insert(QStringLiteral("customer.metadata.pet_type"), Value::string(QStringLiteral("dog")));
        QVERIFY(evaluate(rule(R"(customer.metadata.pet_type is "dog")"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.metadata.pet_name is unknown)"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.tags contains "dog-owner")"), f).passed);
        QVERIFY(evaluate(rule(R"(customer.segments is unknown)"), f).passed); // no segments: empty
    }
};

QTEST_GUILESS_MAIN(TestRuleEvaluator)
#include "tst_ruleevaluator.moc"
