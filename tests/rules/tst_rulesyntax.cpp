// The rule language's three faces: text (parse / print), the checked AST, and JSON.

#include "randomrules.h"
#include "rules/json.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <QJsonDocument>
#include <QTest>

using namespace PromoDesk;
using namespace PromoDesk::Rules;

class TestRuleSyntax : public QObject
{
    Q_OBJECT

private slots:
    void normalForm_data();
    void normalForm();
    void precedenceAndParentheses();
    void checkedLiteralsHaveTheirTypes();
    void errorsSayWhereAndWhat_data();
    void errorsSayWhereAndWhat();
    void randomRulesRoundTripThroughText();
    void randomRulesRoundTripThroughJson();
    void jsonErrorsNameThePath();
    void randomInputNeverCrashes();
    void deepNestingIsRefusedNotOverflowed();
};

namespace {

Node checkedText(const QString &text)
{
    auto parsed = parse(text);
    if (!parsed)
        qFatal("parse failed: %s", qPrintable(parsed.error().toString()));
    auto checked = check(parsed.value());
    if (!checked)
        qFatal("check failed: %s", qPrintable(checked.error().toString()));
    return checked.value();
}

// A failure message that is only built when there is a failure to describe.
template <typename T>
QByteArray why(const Result<T> &result, const QString &context)
{
    return (context + QStringLiteral(" — ") + (result.ok() ? QString() : result.error().toString())).toUtf8();
}

Node checkedText(const char *text)
{
    return checkedText(QString::fromUtf8(text));
}

} // namespace

void TestRuleSyntax::normalForm_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("normal");
    auto row = [](const char *name, const char *text, const char *normal) {
        QTest::newRow(name) << QString::fromUtf8(text) << QString::fromUtf8(normal);
    };
    row("spacing", "customer.country   is\n \"IE\"", R"(customer.country is "IE")");
    row("symbols", R"(customer.country = "IE" and customer.city != "Cork")", R"(customer.country is "IE" and customer.city is not "Cork")");
    row("money", "order.amount >= 100", "order.amount >= 100.00");
    row("money decimals", "order.amount < 87.6", "order.amount < 87.60");
    row("list", R"(customer.country in ["IE","GB"])", R"(customer.country in ["IE", "GB"])");
    row("redundant parens", R"(((customer.country is "IE")))", R"(customer.country is "IE")");
    row("date", "customer.created_at after 2026-01-01", "customer.created_at after 2026-01-01");
    row("date-time", "customer.created_at before 2026-01-01T10:30:00Z", "customer.created_at before 2026-01-01T10:30:00Z");
    row("offset normalised to UTC", "customer.created_at before 2026-01-01T10:30:00+01:00",
        "customer.created_at before 2026-01-01T09:30:00Z");
    row("days", "customer.last_order_at within last 90 days", "customer.last_order_at within last 90 days");
    row("ago", "customer.last_order_at more than 30 days ago", "customer.last_order_at more than 30 days ago");
    row("birthday", "customer.birthdate same day of year", "customer.birthdate same day of year");
    row("between", "customer.total_spent between 10 and 20.5", "customer.total_spent between 10.00 and 20.50");
    row("quantifier", R"(any item (item.category is "Dog Food" and item.quantity >= 2))",
        R"(any item (item.category is "Dog Food" and item.quantity >= 2))");
    row("arguments reordered", R"(customer.events.count(days: 30, type: "cart_abandoned") >= 1)",
        R"(customer.events.count(type: "cart_abandoned", days: 30) >= 1)");
    row("metadata", R"(customer.metadata.pet_type is "dog")", R"(customer.metadata.pet_type is "dog")");
    row("escapes", R"(customer.name is "O\"Brien \\ x")", R"(customer.name is "O\"Brien \\ x")");
    row("comment", "customer.country is \"IE\" # Irish members\nand customer.consents.email is true",
        R"(customer.country is "IE" and customer.consents.email is true)");
    row("unknown", "customer.birthdate is unknown or customer.phone has value",
        "customer.birthdate is unknown or customer.phone has value");
    // Found by the fuzzer: huge and tiny numbers print without exponents.
    row("huge number", "customer.orders_count > 066666666666666666666666666666666666",
        "customer.orders_count > 66666666666666664575577405278650368");
    row("tiny number", "customer.orders_count > 0.000001", "customer.orders_count > 0.000001");
}

void TestRuleSyntax::normalForm()
{
    QFETCH(QString, text);
    QFETCH(QString, normal);
    const Node rule = checkedText(text);
    QCOMPARE(print(rule), normal);
    // The normal form is a fixed point.
    QCOMPARE(print(checkedText(normal)), normal);
}

void TestRuleSyntax::precedenceAndParentheses()
{
    // and binds tighter than or; not binds tightest.
    const Node rule = checkedText(R"(customer.country is "IE" or customer.country is "GB" and not customer.tags contains "staff")");
    QCOMPARE(rule.kind, Node::Kind::Or);
    QCOMPARE(rule.children.size(), size_t(2));
    QCOMPARE(rule.children[1].kind, Node::Kind::And);
    QCOMPARE(rule.children[1].children[1].kind, Node::Kind::Not);
    // Parentheses that change the meaning are kept.
    const QString grouped = QStringLiteral(R"((customer.country is "IE" or customer.country is "GB") and order.amount > 10.00)");
    QCOMPARE(print(checkedText(grouped)), grouped);
    QCOMPARE(print(checkedText(R"(not (customer.country is "IE" or customer.country is "GB"))")),
             QStringLiteral(R"(not (customer.country is "IE" or customer.country is "GB"))"));
}

void TestRuleSyntax::checkedLiteralsHaveTheirTypes()
{
    const Node rule = checkedText("order.amount >= 100.10 and customer.orders_count > 2");
    QCOMPARE(rule.children[0].condition.operands[0], Value::money(10010));
    QCOMPARE(rule.children[1].condition.operands[0], Value::number(2));
    const Node date = checkedText("customer.created_at after 2024-02-29");
    QCOMPARE(date.condition.operands[0], Value::dateTime(1709164800000LL));
}

void TestRuleSyntax::errorsSayWhereAndWhat_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    auto row = [](const char *name, const char *text, int line, int column, const char *message) {
        QTest::newRow(name) << QString::fromUtf8(text) << line << column << QString::fromUtf8(message);
    };
    row("unknown attribute", R"(customer.contry is "IE")", 1, 1, "did you mean customer.country?");
    row("bare name", R"(country is "IE")", 1, 1, "did you mean customer.country?");
    row("money vs string", "order.amount >= \"lots\"", 1, 1, "order.amount is money, but \"lots\" is a string");
    row("date vs number", "customer.created_at after 5", 1, 1, "customer.created_at is date-time, but 5 is a number");
    row("list element type", R"(customer.country in ["IE", 3])", 1, 1, "a list element");
    row("too many decimals", "order.amount > 1.005", 1, 1, "more than two decimals");
    row("operator for type", "customer.created_at < 2026-01-01", 1, 1, "use before");
    row("list is", R"(customer.tags is "staff")", 1, 1, "use contains");
    row("item outside quantifier", "item.price > 5", 1, 1, "inside any item");
    row("nested quantifier", "any item (every item (item.quantity > 1))", 1, 11, "cannot be nested");
    row("missing operator", R"(customer.country "IE")", 1, 18, "expected an operator after customer.country");
    row("missing value", "customer.country is", 1, 20, "expected a value");
    row("unclosed paren", R"((customer.country is "IE")", 1, 26, "expected \")\"");
    row("unclosed string", "customer.country is \"IE", 1, 21, "a string is not closed");
    row("second line", "customer.country is \"IE\" and\n   order.amount >= \"x\"", 2, 4, "order.amount is money");
    row("stray symbol", "customer.country is \"IE\" & x", 1, 26, "unexpected character \"&\"");
    row("dangling and", "customer.country is \"IE\" and", 1, 29, "expected a condition");
    row("unknown argument", "order.items.quantity(colour: \"red\") > 1", 1, 1, "has no argument \"colour\"");
    row("missing event type", "customer.events.count >= 1", 1, 1, "needs the event type");
    row("reversed between", "customer.total_spent between 100 and 50", 1, 1, "the low end is above the high end");
    row("empty list", "customer.country in []", 1, 1, "is empty");
    row("bad date", "customer.created_at after 2026-02-30", 1, 27, "not a valid date");
    row("days not whole", "customer.last_order_at within last 2.5 days", 1, 36, "a whole number of days");
    row("too many days", "customer.last_order_at more than 9999999999 days ago", 1, 34, "at most 100000 days");
}

void TestRuleSyntax::errorsSayWhereAndWhat()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    auto parsed = parse(text);
    Error error;
    if (!parsed) {
        error = parsed.error();
    } else {
        auto checked = check(parsed.value());
        QVERIFY2(!checked.ok(), "the rule was accepted");
        error = checked.error();
    }
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
}

void TestRuleSyntax::randomRulesRoundTripThroughText()
{
    Testing::RandomRules random(20261125);
    for (int i = 0; i < 3000; ++i) {
        const Node original = random.rule(1 + i % 4);
        auto checked = check(original);
        QVERIFY2(checked.ok(), why(checked, print(original)).constData());
        QCOMPARE(checked.value(), original); // the generator makes checked rules
        const QString text = print(original);
        auto reparsed = parse(text);
        QVERIFY2(reparsed.ok(), why(reparsed, text).constData());
        auto rechecked = check(reparsed.value());
        QVERIFY2(rechecked.ok(), why(rechecked, text).constData());
        if (!(rechecked.value() == original))
            QFAIL(qPrintable(QStringLiteral("round trip changed the rule:\n%1\n%2").arg(text, print(rechecked.value()))));
        QCOMPARE(print(rechecked.value()), text);
    }
}

void TestRuleSyntax::randomRulesRoundTripThroughJson()
{
    Testing::RandomRules random(7);
    for (int i = 0; i < 3000; ++i) {
        const Node original = random.rule(1 + i % 4);
        const QJsonObject json = toJson(original);
        // Through bytes too, as stored.
        const QJsonObject stored = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
        auto back = fromJson(stored);
        QVERIFY2(back.ok(), why(back, QString::fromUtf8(QJsonDocument(json).toJson())).constData());
        if (!(back.value() == original))
            QFAIL(qPrintable(QStringLiteral("JSON round trip changed the rule:\n%1\n%2").arg(print(original), print(back.value()))));
    }
}

void TestRuleSyntax::jsonErrorsNameThePath()
{
    const QJsonObject bad = QJsonDocument::fromJson(R"({"and": [
        {"attribute": "customer.country", "operator": "is", "values": ["IE"]},
        {"attribute": "order.amount", "operator": "more_than", "values": [10.5]}]})").object();
    auto result = fromJson(bad);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().where, QStringLiteral("and[1].values[0]"));
    QVERIFY(result.error().message.contains(QStringLiteral("cents")));

    const QJsonObject unknown = QJsonDocument::fromJson(R"({"attribute": "customer.country", "operator": "resembles", "values": ["IE"]})").object();
    QVERIFY(!fromJson(unknown).ok());
    QVERIFY(fromJson(unknown).error().message.contains(QStringLiteral("resembles")));
}

// A bounded fuzz run that always runs in CTest: token soup and mutated valid rules.
void TestRuleSyntax::randomInputNeverCrashes()
{
    Testing::RandomRules random(99);
    QRandomGenerator bytes(1234);
    const QStringList soup{QStringLiteral("customer.country"), QStringLiteral("is"), QStringLiteral("not"),
                           QStringLiteral("and"), QStringLiteral("or"), QStringLiteral("("), QStringLiteral(")"),
                           QStringLiteral("["), QStringLiteral("]"), QStringLiteral(","), QStringLiteral("\""),
                           QStringLiteral("\\"), QStringLiteral("12"), QStringLiteral("-3.5"), QStringLiteral("2026-01-01"),
                           QStringLiteral("any"), QStringLiteral("item"), QStringLiteral("between"), QStringLiteral("in"),
                           QStringLiteral(">="), QStringLiteral("within"), QStringLiteral("last"), QStringLiteral("days"),
                           QStringLiteral("#"), QStringLiteral("\n"), QStringLiteral("é"), QStringLiteral("(sku:"),
                           QStringLiteral("item.price"), QStringLiteral("true")};
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        QString input;
        if (i % 2) {
            for (int t = 0, n = 1 + bytes.bounded(30); t < n; ++t)
                input += soup[bytes.bounded(int(soup.size()))] + (bytes.bounded(3) ? QStringLiteral(" ") : QString());
        } else {
            input = print(random.rule(2));
            for (int m = 0, n = 1 + bytes.bounded(4); m < n && !input.isEmpty(); ++m) {
                const int at = bytes.bounded(int(input.size()));
                if (bytes.bounded(2))
                    input.remove(at, 1 + bytes.bounded(3));
                else
                    input.insert(at, QChar(char16_t(bytes.bounded(0x20, 0x7f))));
            }
        }
        auto parsed = parse(input);
        if (!parsed) {
            QVERIFY(parsed.error().line >= 1 && parsed.error().column >= 1);
            QVERIFY(!parsed.error().message.isEmpty());
            continue;
        }
        ++accepted;
        // Whatever parses prints to text that parses to the same tree.
        auto again = parse(print(parsed.value()));
        QVERIFY2(again.ok(), qPrintable(input));
        QVERIFY2(again.value() == parsed.value(), qPrintable(input));
        (void)check(parsed.value()); // must not crash either
    }
    QVERIFY(accepted > 100); // the mutations leave enough valid rules to exercise the printer
}

void TestRuleSyntax::deepNestingIsRefusedNotOverflowed()
{
    const QString deep = QString(5000, QLatin1Char('(')) + QStringLiteral("customer.country is \"IE\"") + QString(5000, QLatin1Char(')'));
    auto parsed = parse(deep);
    QVERIFY(!parsed.ok());
    QVERIFY(parsed.error().message.contains(QStringLiteral("nested too deeply")));
    const QString nots = QStringLiteral("not ").repeated(5000) + QStringLiteral("customer.country is \"IE\"");
    QVERIFY(!parse(nots).ok());
}

QTEST_GUILESS_MAIN(TestRuleSyntax)
#include "tst_rulesyntax.moc"
