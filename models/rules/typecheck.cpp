#include "typecheck.h"

#include "attributes.h"
#include "syntax.h"

#include <algorithm>
#include <cmath>

namespace PromoDesk::Rules {

QList<Operator> operatorsFor(Type type)
{
    using O = Operator;
    switch (type) {
    case Type::String:
        return {O::Is, O::IsNot, O::In, O::NotIn, O::Contains, O::StartsWith, O::EndsWith, O::HasValue, O::IsUnknown};
    case Type::Number:
    case Type::Money:
        return {O::Is, O::IsNot, O::Less, O::LessOrEqual, O::Greater, O::GreaterOrEqual, O::Between, O::In, O::NotIn,
                O::HasValue, O::IsUnknown};
    case Type::DateTime:
        return {O::Before, O::After, O::Between, O::WithinLastDays, O::MoreThanDaysAgo, O::SameDayOfYear, O::Is,
                O::HasValue, O::IsUnknown};
    case Type::Bool:
        return {O::Is, O::IsNot, O::HasValue, O::IsUnknown};
    case Type::List:
        return {O::Contains, O::HasValue, O::IsUnknown};
    }
    return {};
}

namespace {

QString literalKind(const Value &v)
{
    if (!v.type())
        return QStringLiteral("unknown");
    switch (*v.type()) {
    case Type::String: return QStringLiteral("a string");
    case Type::Number: return QStringLiteral("a number");
    case Type::Money: return QStringLiteral("an amount of money");
    case Type::DateTime: return QStringLiteral("a date");
    case Type::Bool: return QStringLiteral("true/false");
    case Type::List: return QStringLiteral("a list");
    }
    return {};
}

QString example(Type type)
{
    switch (type) {
    case Type::String: return QStringLiteral("a \"string\" in quotes");
    case Type::Number: return QStringLiteral("a number such as 3");
    case Type::Money: return QStringLiteral("an amount such as 25.00");
    case Type::DateTime: return QStringLiteral("a date such as 2026-12-24");
    case Type::Bool: return QStringLiteral("true or false");
    case Type::List: return QStringLiteral("a list");
    }
    return {};
}

class Checker
{
public:
    Result<Node> run(const Node &node, bool inItem)
    {
        Node out = node;
        switch (node.kind) {
        case Node::Kind::And:
        case Node::Kind::Or:
        case Node::Kind::Not:
            out.children.clear();
            for (const Node &child : node.children) {
                auto checked = run(child, inItem);
                if (!checked)
                    return checked;
                out.children.push_back(std::move(checked).value());
            }
            return out;
        case Node::Kind::AnyItem:
        case Node::Kind::EveryItem:
        case Node::Kind::NoItem: {
            if (inItem)
                return error(node, QStringLiteral("item quantifiers cannot be nested: there is one cart to look at"));
            auto checked = run(node.children.front(), true);
            if (!checked)
                return checked;
            out.children = {std::move(checked).value()};
            return out;
        }
        case Node::Kind::Condition: {
            auto condition = checkCondition(node, inItem);
            if (!condition)
                return condition.error();
            out.condition = std::move(condition).value();
            return out;
        }
        }
        return out;
    }

private:
    static Error error(const Node &node, const QString &message)
    {
        return Error{message, {}, node.position.line, node.position.column};
    }

    // A literal as a value of `type`, or why not.
    static Result<Value> convert(const Value &literal, Type type, const QString &what)
    {
        const std::optional<Type> given = literal.type();
        if (given == type)
            return literal;
        if (type == Type::Money && given == Type::Number) {
            const double cents = literal.asNumber() * 100.0;
            const double rounded = std::round(cents);
            if (std::fabs(cents - rounded) > 1e-6)
                return Error{QStringLiteral("%1 is money: %2 has more than two decimals").arg(what, printValue(literal)), {}};
            if (std::fabs(rounded) > 9.0e15)
                return Error{QStringLiteral("%1: %2 is too large an amount").arg(what, printValue(literal)), {}};
            return Value::money(qint64(rounded));
        }
        return Error{QStringLiteral("%1 is %2, but %3 is %4; write %5")
                         .arg(what, typeName(type), printValue(literal), literalKind(literal), example(type)),
                     {}};
    }

    Result<Condition> checkCondition(const Node &node, bool inItem)
    {
        const AttributeRegistry &registry = AttributeRegistry::instance();
        Condition c = node.condition;
        const Attribute *attribute = registry.find(c.attribute);
        if (!attribute) {
            const QString suggestion = registry.suggest(c.attribute);
            return error(node, suggestion.isEmpty()
                                   ? QStringLiteral("unknown attribute \"%1\"").arg(c.attribute)
                                   : QStringLiteral("unknown attribute \"%1\" — did you mean %2?").arg(c.attribute, suggestion));
        }
        if (attribute->perItem && !inItem)
            return error(node, QStringLiteral("%1 describes one cart line: use it inside any item (…), every item (…) "
                                              "or none item (…)")
                                   .arg(c.attribute));

        // Arguments: known names, each once, of the declared type.
        if (!c.arguments.isEmpty() && attribute->parameters.isEmpty())
            return error(node, QStringLiteral("%1 takes no arguments").arg(c.attribute));
        QStringList seen;
        for (Argument &argument : c.arguments) {
            auto parameter = std::find_if(attribute->parameters.begin(), attribute->parameters.end(),
                                          [&](const Parameter &p) { return p.name == argument.name; });
            if (parameter == attribute->parameters.end()) {
                QStringList names;
                for (const Parameter &p : attribute->parameters)
                    names << p.name;
                return error(node, QStringLiteral("%1 has no argument \"%2\" (it takes %3)")
                                       .arg(c.attribute, argument.name, names.join(QStringLiteral(", "))));
            }
            if (seen.contains(argument.name))
                return error(node, QStringLiteral("argument \"%1\" is given twice").arg(argument.name));
            seen << argument.name;
            auto converted = convert(argument.value, parameter->type, QStringLiteral("argument %1").arg(argument.name));
            if (!converted)
                return error(node, converted.error().message);
            if (parameter->type == Type::Number && (converted.value().asNumber() < 0
                                                    || std::floor(converted.value().asNumber()) != converted.value().asNumber()))
                return error(node, QStringLiteral("argument %1 must be a whole number of days").arg(argument.name));
            if (parameter->type == Type::Number && converted.value().asNumber() > 100'000)
                return error(node, QStringLiteral("argument %1: at most 100000 days").arg(argument.name));
            argument.value = converted.value();
        }
        // Arguments in declared order: one normal form however they were written.
        std::stable_sort(c.arguments.begin(), c.arguments.end(), [&](const Argument &x, const Argument &y) {
            auto index = [&](const QString &name) {
                return std::find_if(attribute->parameters.begin(), attribute->parameters.end(),
                                    [&](const Parameter &p) { return p.name == name; })
                       - attribute->parameters.begin();
            };
            return index(x.name) < index(y.name);
        });
        if ((c.attribute == QLatin1String("customer.events.last_at") || c.attribute == QLatin1String("customer.events.count"))
            && !seen.contains(QStringLiteral("type")))
            return error(node, QStringLiteral("%1 needs the event type, e.g. %1(type: \"cart_abandoned\")").arg(c.attribute));

        const Type type = attribute->type;
        if (!operatorsFor(type).contains(c.op)) {
            QString hint;
            if (type == Type::DateTime && (c.op == Operator::Less || c.op == Operator::LessOrEqual))
                hint = QStringLiteral(" — use before");
            else if (type == Type::DateTime && (c.op == Operator::Greater || c.op == Operator::GreaterOrEqual))
                hint = QStringLiteral(" — use after");
            else if (type == Type::List && (c.op == Operator::Is || c.op == Operator::In))
                hint = QStringLiteral(" — use contains");
            QStringList valid;
            for (Operator op : operatorsFor(type))
                valid << operatorText(op);
            return error(node, QStringLiteral("\"%1\" does not apply to %2 (a %3)%4; use one of: %5")
                                   .arg(operatorText(c.op), c.attribute, typeName(type), hint,
                                        valid.join(QStringLiteral(", "))));
        }

        // Operands.
        const QString what = c.attribute;
        switch (c.op) {
        case Operator::HasValue:
        case Operator::IsUnknown:
        case Operator::SameDayOfYear:
            break;
        case Operator::WithinLastDays:
        case Operator::MoreThanDaysAgo:
            break; // the parser reads a whole number of days
        case Operator::In:
        case Operator::NotIn:
            if (c.operands.isEmpty())
                return error(node, QStringLiteral("the list after \"%1\" is empty").arg(operatorText(c.op)));
            for (Value &v : c.operands) {
                auto converted = convert(v, type, what + QStringLiteral(" (a list element)"));
                if (!converted)
                    return error(node, converted.error().message);
                v = converted.value();
            }
            break;
        case Operator::Contains:
            if (type == Type::List) {
                auto converted = convert(c.operands.value(0), Type::String, what + QStringLiteral("'s element"));
                if (!converted)
                    return error(node, converted.error().message);
                c.operands = {converted.value()};
                break;
            }
            [[fallthrough]];
        default:
            for (Value &v : c.operands) {
                auto converted = convert(v, type, what);
                if (!converted)
                    return error(node, converted.error().message);
                v = converted.value();
            }
            if (c.op == Operator::Between && lessThan(c.operands[1], c.operands[0]))
                return error(node, QStringLiteral("between %1 and %2: the low end is above the high end")
                                       .arg(printValue(c.operands[0]), printValue(c.operands[1])));
            break;
        }
        return c;
    }

    static bool lessThan(const Value &a, const Value &b)
    {
        if (a.type() == Type::Number)
            return a.asNumber() < b.asNumber();
        if (a.type() == Type::Money || a.type() == Type::DateTime)
            return a.asInteger() < b.asInteger();
        if (a.type() == Type::String)
            return a.asString() < b.asString();
        return false;
    }
};

} // namespace

Result<Node> check(const Node &rule)
{
    return Checker().run(rule, false);
}

} // namespace PromoDesk::Rules
