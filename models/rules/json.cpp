#include "json.h"

#include "attributes.h"
#include "syntax.h"
#include "typecheck.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <cmath>

namespace PromoDesk::Rules {

namespace {

QString groupKey(Node::Kind kind)
{
    switch (kind) {
    case Node::Kind::And: return QStringLiteral("and");
    case Node::Kind::Or: return QStringLiteral("or");
    case Node::Kind::Not: return QStringLiteral("not");
    case Node::Kind::AnyItem: return QStringLiteral("any_item");
    case Node::Kind::EveryItem: return QStringLiteral("every_item");
    case Node::Kind::NoItem: return QStringLiteral("none_item");
    case Node::Kind::Condition: break;
    }
    return {};
}

QJsonValue valueToJson(const Value &v)
{
    if (!v.type() || v.isUnknown())
        return QJsonValue::Null;
    switch (*v.type()) {
    case Type::String: return v.asString();
    case Type::Number: return v.asNumber();
    case Type::Money: return v.asInteger();
    case Type::DateTime:
        return formatDateTime(v.asInteger());
    case Type::Bool: return v.asBool();
    case Type::List: return QJsonArray::fromStringList(v.asList());
    }
    return QJsonValue::Null;
}

// A JSON value as the literal the text syntax would have produced for `type`.
Result<Value> valueFromJson(const QJsonValue &json, std::optional<Type> type, const QString &path)
{
    auto literal = literalFromJson(json, type);
    if (!literal)
        return Error{literal.error().message, path};
    return literal;
}

Result<Node> nodeFromJson(const QJsonObject &o, const QString &path, int depth)
{
    if (depth > 200)
        return Error{QStringLiteral("the rule is nested too deeply"), path};
    for (Node::Kind kind : {Node::Kind::And, Node::Kind::Or}) {
        const QString key = groupKey(kind);
        if (!o.contains(key))
            continue;
        const QJsonArray items = o.value(key).toArray();
        if (items.size() < 2)
            return Error{QStringLiteral("\"%1\" needs at least two rules").arg(key), path};
        std::vector<Node> children;
        for (int i = 0; i < items.size(); ++i) {
            auto child = nodeFromJson(items[i].toObject(), QStringLiteral("%1%2[%3].").arg(path, key).arg(i), depth + 1);
            if (!child)
                return child;
            children.push_back(std::move(child).value());
        }
        return Node::makeGroup(kind, std::move(children));
    }
    for (Node::Kind kind : {Node::Kind::Not, Node::Kind::AnyItem, Node::Kind::EveryItem, Node::Kind::NoItem}) {
        const QString key = groupKey(kind);
        if (!o.contains(key))
            continue;
        if (!o.value(key).isObject())
            return Error{QStringLiteral("\"%1\" holds one rule object").arg(key), path};
        auto child = nodeFromJson(o.value(key).toObject(), path + key + QLatin1Char('.'), depth + 1);
        if (!child)
            return child;
        return Node::makeGroup(kind, {std::move(child).value()});
    }
    if (!o.contains(QLatin1String("attribute")))
        return Error{QStringLiteral("expected \"and\", \"or\", \"not\", an item quantifier or a condition with \"attribute\""),
                     path.isEmpty() ? QStringLiteral("(rule)") : path};

    Condition c;
    c.attribute = o.value(QLatin1String("attribute")).toString();
    const Attribute *attribute = AttributeRegistry::instance().find(c.attribute);
    const QString opKey = o.value(QLatin1String("operator")).toString();
    bool known = false;
    for (int i = 0; i <= int(Operator::SameDayOfYear); ++i) {
        if (operatorKey(Operator(i)) == opKey) {
            c.op = Operator(i);
            known = true;
        }
    }
    if (!known)
        return Error{QStringLiteral("unknown operator \"%1\"").arg(opKey), path + QStringLiteral("operator")};
    const QJsonObject arguments = o.value(QLatin1String("arguments")).toObject();
    for (auto it = arguments.begin(); it != arguments.end(); ++it) {
        std::optional<Type> type;
        if (attribute) {
            for (const Parameter &p : attribute->parameters)
                if (p.name == it.key())
                    type = p.type;
        }
        auto v = valueFromJson(it.value(), type, path + QStringLiteral("arguments.") + it.key());
        if (!v)
            return v.error();
        c.arguments.append({it.key(), v.value()});
    }
    const bool days = c.op == Operator::WithinLastDays || c.op == Operator::MoreThanDaysAgo;
    std::optional<Type> operandType = attribute ? std::optional<Type>(attribute->type) : std::nullopt;
    if (days || (operandType == Type::List && c.op == Operator::Contains))
        operandType = days ? Type::Number : Type::String;
    const QJsonArray values = o.value(QLatin1String("values")).toArray();
    for (int i = 0; i < values.size(); ++i) {
        auto v = valueFromJson(values[i], operandType, QStringLiteral("%1values[%2]").arg(path).arg(i));
        if (!v)
            return v.error();
        c.operands.append(v.value());
    }
    const int expected = operandCount(c.op);
    if (expected >= 0 && c.operands.size() != expected)
        return Error{QStringLiteral("\"%1\" takes %2 value(s), not %3").arg(opKey).arg(expected).arg(c.operands.size()),
                     path + QStringLiteral("values")};
    return Node::makeCondition(std::move(c));
}

} // namespace

QString jsonText(const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("nothing");
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

Result<Value> literalFromJson(const QJsonValue &json, std::optional<Type> type)
{
    if (type == Type::Money) {
        if (!json.isDouble() || std::floor(json.toDouble()) != json.toDouble() || std::fabs(json.toDouble()) > 9.0e15)
            return Error{QStringLiteral("amounts are whole numbers of cents (10000 is 100.00), not %1").arg(jsonText(json)), {}};
        return Value::money(qint64(json.toDouble()));
    }
    if (type == Type::DateTime && json.isString()) {
        const std::optional<qint64> when = parseDateTime(json.toString());
        if (!when)
            return Error{QStringLiteral("%1 is not an ISO-8601 date-time").arg(jsonText(json)), {}};
        return Value::dateTime(*when);
    }
    if (json.isString())
        return Value::string(json.toString());
    if (json.isDouble())
        return Value::number(json.toDouble());
    if (json.isBool())
        return Value::boolean(json.toBool());
    return Error{QStringLiteral("expected a string, a number or true/false, not %1").arg(jsonText(json)), {}};
}

QJsonObject toJson(const Node &node)
{
    if (node.kind == Node::Kind::And || node.kind == Node::Kind::Or) {
        QJsonArray children;
        for (const Node &child : node.children)
            children.append(toJson(child));
        return {{groupKey(node.kind), children}};
    }
    if (node.kind != Node::Kind::Condition)
        return {{groupKey(node.kind), toJson(node.children.front())}};
    const Condition &c = node.condition;
    QJsonObject o{{QStringLiteral("attribute"), c.attribute}, {QStringLiteral("operator"), operatorKey(c.op)}};
    if (!c.arguments.isEmpty()) {
        QJsonObject arguments;
        for (const Argument &a : c.arguments)
            arguments.insert(a.name, valueToJson(a.value));
        o.insert(QStringLiteral("arguments"), arguments);
    }
    QJsonArray values;
    for (const Value &v : c.operands)
        values.append(valueToJson(v));
    o.insert(QStringLiteral("values"), values);
    return o;
}

Result<Node> fromJson(const QJsonObject &object)
{
    auto raw = nodeFromJson(object, {}, 0);
    if (!raw)
        return raw;
    auto checked = check(raw.value());
    if (!checked)
        return Error{checked.error().message, QStringLiteral("rule")};
    return checked;
}

QJsonArray traceToJson(const QList<TraceLine> &trace)
{
    QJsonArray out;
    for (const TraceLine &line : trace) {
        QJsonObject entry{{QStringLiteral("depth"), line.depth},
                          {QStringLiteral("condition"), line.text},
                          {QStringLiteral("passed"), line.passed}};
        if (!line.actual.isEmpty())
            entry.insert(QStringLiteral("actual"), line.actual);
        if (!line.hint.isEmpty())
            entry.insert(QStringLiteral("hint"), line.hint);
        out.append(entry);
    }
    return out;
}

} // namespace PromoDesk::Rules
