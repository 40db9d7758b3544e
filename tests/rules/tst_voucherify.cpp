// Voucherify validation rules read into PromoDesk's checked AST (models/rules/voucherify.h).
// Fixtures: tests/rules/data/voucherify/ok_*.json ({"voucherify": …, "expected": "<normal form>"})
// and err_*.json ({"voucherify": …, "where": "rules.3", "error": ["fragment", …]}).

#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "rules/voucherify.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace PromoDesk;
using namespace PromoDesk::Rules;

class TestVoucherify : public QObject
{
    Q_OBJECT

private slots:
    void fixturesArePresent();
    void mapsToNormalForm_data();
    void mapsToNormalForm();
    void errorsNameTheRuleAndThePlace_data();
    void errorsNameTheRuleAndThePlace();
    void logicInsideOrBesideRulesAndBareMap();
    void missingLogicAndsRulesInNumericOrder();
    void logicKeywordsAreCaseInsensitive();
    void amountsAreCentsAsMoney();
    void segmentMembershipIsOneContainsPerId();
};

namespace {

QString fixtureDir()
{
    return QString::fromUtf8(PROMODESK_VOUCHERIFY_FIXTURES);
}

QStringList fixtures(const char *pattern)
{
    return QDir(fixtureDir()).entryList({QString::fromLatin1(pattern)}, QDir::Files, QDir::Name);
}

QJsonObject readFixture(const QString &file)
{
    QFile f(fixtureDir() + QLatin1Char('/') + file);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(file));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (!doc.isObject())
        qFatal("fixture %s is not a JSON object: %s", qPrintable(file), qPrintable(error.errorString()));
    return doc.object();
}

QJsonObject json(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (!doc.isObject())
        qFatal("bad JSON in test: %s", qPrintable(error.errorString()));
    return doc.object();
}

template <typename T>
QByteArray why(const Result<T> &result)
{
    return (result.ok() ? QStringLiteral("(no error)") : result.error().toString()).toUtf8();
}

} // namespace

void TestVoucherify::fixturesArePresent()
{
    QVERIFY2(fixtures("ok_*.json").size() >= 8, qPrintable(fixtureDir()));
    QVERIFY(fixtures("err_*.json").size() >= 6);
}

void TestVoucherify::mapsToNormalForm_data()
{
    QTest::addColumn<QJsonObject>("rule");
    QTest::addColumn<QString>("expected");
    for (const QString &file : fixtures("ok_*.json")) {
        const QJsonObject fixture = readFixture(file);
        QTest::newRow(qPrintable(file)) << fixture.value(QLatin1String("voucherify")).toObject()
                                         << fixture.value(QLatin1String("expected")).toString();
    }
}

void TestVoucherify::mapsToNormalForm()
{
    QFETCH(QJsonObject, rule);
    QFETCH(QString, expected);
    QVERIFY(!expected.isEmpty());
    auto result = fromVoucherify(rule);
    QVERIFY2(result.ok(), why(result));
    QCOMPARE(print(result.value()), expected);

    // The result is a checked rule: the expected text parses and checks to the same tree.
    auto parsed = parse(expected);
    QVERIFY2(parsed.ok(), why(parsed));
    auto checked = check(parsed.value());
    QVERIFY2(checked.ok(), why(checked));
    QVERIFY(checked.value() == result.value());
}

void TestVoucherify::errorsNameTheRuleAndThePlace_data()
{
    QTest::addColumn<QJsonObject>("rule");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QStringList>("fragments");
    for (const QString &file : fixtures("err_*.json")) {
        const QJsonObject fixture = readFixture(file);
        QStringList fragments;
        for (const QJsonValue &v : fixture.value(QLatin1String("error")).toArray())
            fragments << v.toString();
        QTest::newRow(qPrintable(file)) << fixture.value(QLatin1String("voucherify")).toObject()
                                         << fixture.value(QLatin1String("where")).toString() << fragments;
    }
}

void TestVoucherify::errorsNameTheRuleAndThePlace()
{
    QFETCH(QJsonObject, rule);
    QFETCH(QString, where);
    QFETCH(QStringList, fragments);
    QVERIFY(!fragments.isEmpty());
    auto result = fromVoucherify(rule);
    QVERIFY2(!result.ok(), result.ok() ? qPrintable(print(result.value())) : "");
    QCOMPARE(result.error().where, where);
    for (const QString &fragment : fragments)
        QVERIFY2(result.error().message.contains(fragment),
                 qPrintable(QStringLiteral("%1 not in: %2").arg(fragment, result.error().toString())));
}

void TestVoucherify::logicInsideOrBesideRulesAndBareMap()
{
    const char *expected = "order.amount > 100.00 or customer.metadata.pet_type is \"dog\"";
    const QJsonObject inside = json(R"({"name": "x", "rules": {
        "1": {"name": "order.amount", "conditions": {"$more_than": [10000]}},
        "2": {"name": "customer.metadata", "property": "pet_type", "conditions": {"$is": ["dog"]}},
        "logic": "1 or 2"}})");
    const QJsonObject beside = json(R"({"name": "x", "rules": {
        "1": {"name": "order.amount", "conditions": {"$more_than": [10000]}},
        "2": {"name": "customer.metadata", "property": "pet_type", "conditions": {"$is": ["dog"]}}},
        "logic": "1 or 2"})");
    const QJsonObject bare = json(R"({
        "1": {"name": "order.amount", "conditions": {"$more_than": [10000]}},
        "2": {"name": "customer.metadata", "property": "pet_type", "conditions": {"$is": ["dog"]}},
        "logic": "1 or 2"})");
    for (const QJsonObject &shape : {inside, beside, bare}) {
        auto result = fromVoucherify(shape);
        QVERIFY2(result.ok(), why(result));
        QCOMPARE(print(result.value()), QString::fromUtf8(expected));
    }
}

void TestVoucherify::missingLogicAndsRulesInNumericOrder()
{
    // Keys 10 and 2: numeric order puts 2 first (text order would put "10" first).
    auto result = fromVoucherify(json(R"({"rules": {
        "10": {"name": "order.items.count", "conditions": {"$more_than_or_equal": [3]}},
        "2": {"name": "order.metadata", "property": "channel", "conditions": {"$is": ["web"]}}}})"));
    QVERIFY2(result.ok(), why(result));
    QCOMPARE(print(result.value()), QStringLiteral("order.metadata.channel is \"web\" and order.items_count >= 3"));
}

void TestVoucherify::logicKeywordsAreCaseInsensitive()
{
    auto result = fromVoucherify(json(R"({"rules": {
        "1": {"name": "order.amount", "conditions": {"$more_than": [100]}},
        "2": {"name": "order.amount", "conditions": {"$less_than": [900]}},
        "3": {"name": "order.items.count", "conditions": {"$is": [1]}},
        "logic": "(1 AND 2) Or 3"}})"));
    QVERIFY2(result.ok(), why(result));
    QCOMPARE(print(result.value()), QStringLiteral("order.amount > 1.00 and order.amount < 9.00 or order.items_count is 1"));
    QCOMPARE(result.value().kind, Node::Kind::Or);
}

void TestVoucherify::amountsAreCentsAsMoney()
{
    auto result = fromVoucherify(json(R"({"rules": {"1": {"name": "order.amount", "conditions": {"$more_than_or_equal": [2599]}}}})"));
    QVERIFY2(result.ok(), why(result));
    const Node &node = result.value();
    QCOMPARE(node.kind, Node::Kind::Condition);
    QCOMPARE(node.condition.attribute, QStringLiteral("order.amount"));
    QCOMPARE(node.condition.op, Operator::GreaterOrEqual);
    QCOMPARE(node.condition.operands.size(), 1);
    QVERIFY(node.condition.operands[0] == Value::money(2599));
}

void TestVoucherify::segmentMembershipIsOneContainsPerId()
{
    auto result = fromVoucherify(json(R"({"rules": {"1": {"name": "customer.segment", "conditions": {"$in": ["seg_a", "seg_b", "seg_c"]}}}})"));
    QVERIFY2(result.ok(), why(result));
    const Node &node = result.value();
    QCOMPARE(node.kind, Node::Kind::Or);
    QCOMPARE(node.children.size(), size_t(3));
    for (const Node &child : node.children) {
        QCOMPARE(child.condition.attribute, QStringLiteral("customer.segments"));
        QCOMPARE(child.condition.op, Operator::Contains);
    }
    QVERIFY(node.children[2].condition.operands[0] == Value::string(QStringLiteral("seg_c")));
}

QTEST_GUILESS_MAIN(TestVoucherify)
#include "tst_voucherify.moc"
