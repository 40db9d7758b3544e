#include "voucherify.h"

#include "json.h"
#include "syntax.h"
#include "typecheck.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTime>
#include <QTimeZone>

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <vector>

// How Voucherify's validation rules map onto PromoDesk's registry
// ----------------------------------------------------------------
//   customer.segment  $is/$in ids           -> customer.segments contains "id" (one per id, OR'ed)
//                     $is_not/$not_in ids   -> not (customer.segments contains … or …)
//   customer.metadata + property            -> customer.metadata.<property>
//   order.metadata + property               -> order.metadata.<property>
//   order.amount (integer cents)            -> order.amount (money)
//   order.items.count, order.items.quantity -> order.items_count (units in the cart)
//   order.items.price_any / price_each      -> any item (item.price …) / every item (item.price …)
//   order.items.any / every / none, and the older product.id / sku.id, with $is/$in
//   [{"id": "prod_…" | "sku_…", "object": "product" | "sku"}, …]:
//     any   -> any item (item.product is "p")             the cart holds at least one of the items
//     every -> any item (… "p") and any item (… "q")      the cart holds each of the items
//     none  -> none item (item.product in ["p", "q"])     the cart holds none of the items
//   (Voucherify's "every" means "every listed product is in the cart", not "every cart line is one of
//   them", so it becomes one "any item" per listed product.)
//
// Nested rules inside an items rule describe the matching lines. Our choice:
//   - per-line rules (product.quantity / sku.quantity / order.items.quantity -> item.quantity,
//     product.price / sku.price / order.items.price -> item.price, order.items.amount /
//     order.items.subtotal_amount -> item.amount) go inside the quantifier, with the product/SKU match,
//     so they talk about the same line: any item (item.product is "p" and item.quantity >= 2);
//   - aggregated rules (order.items.aggregated_quantity -> order.items.quantity(product: "p"),
//     order.items.aggregated_amount -> order.items.amount(product: "p")) sum over all matching lines,
//     so they sit outside the quantifier, next to the presence test:
//       any item (item.product is "p") and order.items.quantity(product: "p") >= 4
//     They need exactly one product or SKU (the aggregate takes one), and are refused under "none".
//
// Not mapped (a clear error naming the rule): campaign.*, redemption.*, publication.*, custom_event.*,
// order.initial_amount, order.items.metadata_any/each, order.items.cheapest/most_expensive,
// product.metadata*, product.discount_applicable, product collections, bundle_rules; operators other
// than $is $is_not $in $not_in $less_than(_or_equal) $more_than(_or_equal) $starts_with $ends_with
// $contains $after $before $has_value $is_unknown (e.g. $timeframe, $dow, $count…, $…_ago).

namespace PromoDesk::Rules {

namespace {

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

// A JSON value as compact text, for messages.
// ---------------------------------------------------------------- AST helpers

Node group(Node::Kind kind, std::vector<Node> parts)
{
    std::vector<Node> flat;
    for (Node &part : parts) {
        if (part.kind == kind) {
            for (Node &child : part.children)
                flat.push_back(std::move(child));
        } else {
            flat.push_back(std::move(part));
        }
    }
    if (flat.size() == 1)
        return std::move(flat.front());
    return Node::makeGroup(kind, std::move(flat));
}

Node wrap(Node::Kind kind, Node child)
{
    return Node::makeGroup(kind, {std::move(child)});
}

Node condition(const QString &attribute, Operator op, QList<Value> operands, QList<Argument> arguments = {})
{
    Condition c;
    c.attribute = attribute;
    c.op = op;
    c.operands = std::move(operands);
    c.arguments = std::move(arguments);
    return Node::makeCondition(std::move(c));
}

// ---------------------------------------------------------------- logic: "1 and (2 or 3)"

struct Logic
{
    enum class Kind { Ref, And, Or };
    Kind kind = Kind::Ref;
    int ref = 0;
    int position = 0; // 1-based character in the logic text
    std::vector<Logic> children;
};

class LogicParser
{
public:
    LogicParser(const QString &text, const QString &where) : m_text(text), m_where(where) {}

    Result<Logic> run()
    {
        if (m_text.trimmed().isEmpty())
            return Error{QStringLiteral("the logic is empty; write rule numbers joined by and / or, e.g. \"1 and (2 or 3)\""),
                         m_where};
        if (Status lexed = tokenize(); !lexed)
            return lexed.error();
        auto logic = parseOr(0);
        if (!logic)
            return logic;
        if (current().kind != Token::End)
            return fail(current(), QStringLiteral("expected \"and\", \"or\" or the end, found %1").arg(describe(current())));
        return logic;
    }

private:
    struct Token
    {
        enum Kind { Number, And, Or, Open, Close, End };
        Kind kind = End;
        int number = 0;
        int position = 0;
        QString text;
    };

    Error fail(int position, const QString &message) const
    {
        return Error{QStringLiteral("character %1 of %2: %3").arg(position).arg(quoted(m_text), message), m_where};
    }
    Error fail(const Token &token, const QString &message) const { return fail(token.position, message); }

    static QString describe(const Token &token)
    {
        return token.kind == Token::End ? QStringLiteral("the end") : quoted(token.text);
    }

    Status tokenize()
    {
        int at = 0;
        while (at < m_text.size()) {
            const QChar c = m_text[at];
            Token t;
            t.position = at + 1;
            if (c.isSpace()) {
                ++at;
                continue;
            }
            if (c.isDigit()) {
                int end = at;
                while (end < m_text.size() && m_text[end].isDigit())
                    ++end;
                t.text = m_text.mid(at, end - at);
                bool ok = false;
                t.number = t.text.toInt(&ok);
                if (!ok)
                    return fail(t.position, QStringLiteral("%1 is too large a rule number").arg(t.text));
                t.kind = Token::Number;
                at = end;
            } else if (c.isLetter()) {
                int end = at;
                while (end < m_text.size() && (m_text[end].isLetterOrNumber() || m_text[end] == QLatin1Char('_')))
                    ++end;
                t.text = m_text.mid(at, end - at);
                const QString word = t.text.toLower();
                if (word == QLatin1String("and"))
                    t.kind = Token::And;
                else if (word == QLatin1String("or"))
                    t.kind = Token::Or;
                else
                    return fail(t.position, QStringLiteral("unknown word %1; the logic has rule numbers, and, or and "
                                                           "parentheses")
                                                .arg(quoted(t.text)));
                at = end;
            } else if (c == QLatin1Char('(') || c == QLatin1Char(')')) {
                t.kind = c == QLatin1Char('(') ? Token::Open : Token::Close;
                t.text = QString(c);
                ++at;
            } else {
                return fail(t.position, QStringLiteral("unexpected character %1").arg(quoted(QString(c))));
            }
            m_tokens.push_back(t);
        }
        Token end;
        end.position = int(m_text.size()) + 1;
        m_tokens.push_back(end);
        return {};
    }

    const Token &current() const { return m_tokens[m_at]; }

    Result<Logic> parseOr(int depth)
    {
        return parseChain(depth, Token::Or, Logic::Kind::Or,
                          [this](int d) { return parseChain(d, Token::And, Logic::Kind::And, [this](int dd) { return parsePrimary(dd); }); });
    }

    template <typename Next>
    Result<Logic> parseChain(int depth, Token::Kind separator, Logic::Kind kind, const Next &next)
    {
        const int start = current().position;
        auto first = next(depth);
        if (!first)
            return first;
        std::vector<Logic> parts{std::move(first).value()};
        while (current().kind == separator) {
            ++m_at;
            auto more = next(depth);
            if (!more)
                return more;
            parts.push_back(std::move(more).value());
        }
        if (parts.size() == 1)
            return std::move(parts.front());
        Logic chain;
        chain.kind = kind;
        chain.position = start;
        chain.children = std::move(parts);
        return chain;
    }

    Result<Logic> parsePrimary(int depth)
    {
        const Token &t = current();
        if (depth > 200)
            return fail(t, QStringLiteral("the logic is nested too deeply"));
        if (t.kind == Token::Number) {
            Logic ref;
            ref.ref = t.number;
            ref.position = t.position;
            ++m_at;
            return ref;
        }
        if (t.kind == Token::Open) {
            const int open = t.position;
            ++m_at;
            auto inner = parseOr(depth + 1);
            if (!inner)
                return inner;
            if (current().kind != Token::Close)
                return fail(current(), QStringLiteral("expected \")\" to close the \"(\" at character %1, found %2")
                                           .arg(open)
                                           .arg(describe(current())));
            ++m_at;
            return inner;
        }
        return fail(t, QStringLiteral("expected a rule number or \"(\", found %1").arg(describe(t)));
    }

    QString m_text;
    QString m_where;
    std::vector<Token> m_tokens;
    size_t m_at = 0;
};

void collectRefs(const Logic &logic, std::vector<const Logic *> &refs)
{
    if (logic.kind == Logic::Kind::Ref)
        refs.push_back(&logic);
    for (const Logic &child : logic.children)
        collectRefs(child, refs);
}

// ---------------------------------------------------------------- a numbered rule set with its logic

struct RuleSet
{
    QString path; // "rules", "rules.2.rules"
    std::map<int, QJsonObject> rules;
    std::optional<Logic> logic; // none: AND all rules in numeric order
};

bool hasNumberedRules(const QJsonObject &map)
{
    for (auto it = map.begin(); it != map.end(); ++it)
        if (it.key() != QLatin1String("logic"))
            return true;
    return false;
}

Result<RuleSet> readRuleSet(const QJsonObject &map, const QJsonValue &logicValue, const QString &path)
{
    RuleSet set;
    set.path = path;
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it.key() == QLatin1String("logic"))
            continue;
        bool ok = false;
        const int number = it.key().toInt(&ok);
        if (!ok || number < 1 || QString::number(number) != it.key())
            return Error{QStringLiteral("rule keys are numbers (\"1\", \"2\", …), not %1").arg(quoted(it.key())),
                         path + QLatin1Char('.') + it.key()};
        if (!it.value().isObject())
            return Error{QStringLiteral("a rule is an object with \"name\" and \"conditions\", not %1").arg(jsonText(it.value())),
                         path + QLatin1Char('.') + it.key()};
        set.rules.emplace(number, it.value().toObject());
    }
    if (set.rules.empty())
        return Error{QStringLiteral("there are no numbered rules to read"), path};

    if (logicValue.isUndefined() || logicValue.isNull())
        return set;
    const QString where = path + QStringLiteral(".logic");
    if (!logicValue.isString())
        return Error{QStringLiteral("the logic is text such as \"1 and (2 or 3)\", not %1").arg(jsonText(logicValue)), where};
    const QString text = logicValue.toString();
    auto logic = LogicParser(text, where).run();
    if (!logic)
        return logic.error();
    std::vector<const Logic *> refs;
    collectRefs(logic.value(), refs);
    std::set<int> used;
    for (const Logic *ref : refs) {
        if (!set.rules.count(ref->ref)) {
            QStringList numbers;
            for (const auto &entry : set.rules)
                numbers << QString::number(entry.first);
            return Error{QStringLiteral("character %1 of %2: there is no rule %3 (the rules are %4)")
                             .arg(ref->position)
                             .arg(quoted(text))
                             .arg(ref->ref)
                             .arg(numbers.join(QStringLiteral(", "))),
                         where};
        }
        used.insert(ref->ref);
    }
    for (const auto &entry : set.rules) {
        if (!used.count(entry.first))
            return Error{QStringLiteral("rule %1 is not used in the logic %2").arg(entry.first).arg(quoted(text)),
                         path + QLatin1Char('.') + QString::number(entry.first)};
    }
    set.logic = std::move(logic).value();
    return set;
}

// Leaf: Result<Node>(const QJsonObject &rule, const QString &path)
template <typename Leaf>
Result<Node> combineLogic(const Logic &logic, const RuleSet &set, const Leaf &leaf)
{
    if (logic.kind == Logic::Kind::Ref)
        return leaf(set.rules.at(logic.ref), set.path + QLatin1Char('.') + QString::number(logic.ref));
    std::vector<Node> parts;
    for (const Logic &child : logic.children) {
        auto part = combineLogic(child, set, leaf);
        if (!part)
            return part;
        parts.push_back(std::move(part).value());
    }
    return group(logic.kind == Logic::Kind::And ? Node::Kind::And : Node::Kind::Or, std::move(parts));
}

template <typename Leaf>
Result<Node> combine(const RuleSet &set, const Leaf &leaf)
{
    if (set.logic)
        return combineLogic(*set.logic, set, leaf);
    std::vector<Node> parts;
    for (const auto &[number, rule] : set.rules) {
        auto part = leaf(rule, set.path + QLatin1Char('.') + QString::number(number));
        if (!part)
            return part;
        parts.push_back(std::move(part).value());
    }
    return group(Node::Kind::And, std::move(parts));
}

// ---------------------------------------------------------------- conditions

QString ruleName(const QJsonObject &rule)
{
    return rule.value(QLatin1String("name")).toString();
}

// One Voucherify value as a PromoDesk literal of `type`. Money is integer cents.
Result<Value> readValue(const QJsonValue &json, Type type, const QString &name, const QString &where)
{
    auto literal = literalFromJson(json, type);
    if (!literal)
        return Error{QStringLiteral("Voucherify rule %1: %2").arg(quoted(name), literal.error().message), where};
    return literal;
}

enum class Arity {
    One,        // exactly one value
    OneOrList,  // one value: op; several: listOp (is -> in)
    List,       // listOp over all values
    OneOrAnyOf, // one value: op; several: one condition per value, OR'ed
    Zero,       // no value
};

struct OperatorInfo
{
    const char *key;
    Operator op;
    Operator listOp;
    Arity arity;
};

const OperatorInfo kOperators[] = {
    {"$is", Operator::Is, Operator::In, Arity::OneOrList},
    {"$is_not", Operator::IsNot, Operator::NotIn, Arity::OneOrList},
    {"$in", Operator::In, Operator::In, Arity::List},
    {"$not_in", Operator::NotIn, Operator::NotIn, Arity::List},
    {"$less_than", Operator::Less, Operator::Less, Arity::One},
    {"$less_than_or_equal", Operator::LessOrEqual, Operator::LessOrEqual, Arity::One},
    {"$more_than", Operator::Greater, Operator::Greater, Arity::One},
    {"$more_than_or_equal", Operator::GreaterOrEqual, Operator::GreaterOrEqual, Arity::One},
    {"$starts_with", Operator::StartsWith, Operator::StartsWith, Arity::OneOrAnyOf},
    {"$ends_with", Operator::EndsWith, Operator::EndsWith, Arity::OneOrAnyOf},
    {"$contains", Operator::Contains, Operator::Contains, Arity::OneOrAnyOf},
    {"$after", Operator::After, Operator::After, Arity::One},
    {"$before", Operator::Before, Operator::Before, Arity::One},
    {"$has_value", Operator::HasValue, Operator::HasValue, Arity::Zero},
    {"$is_unknown", Operator::IsUnknown, Operator::IsUnknown, Arity::Zero},
};

QString supportedOperators()
{
    QStringList keys;
    for (const OperatorInfo &info : kOperators)
        keys << QString::fromLatin1(info.key);
    return keys.join(QStringLiteral(", "));
}

Error unsupportedOperator(const QString &key, const QString &name, const QString &where, const QString &supported)
{
    return Error{QStringLiteral("Voucherify operator %1 (in rule %2) is not supported; PromoDesk reads %3")
                     .arg(quoted(key), quoted(name), supported),
                 where};
}

// The rule's "conditions" object, which must hold at least one operator.
Result<QJsonObject> conditionsOf(const QJsonObject &rule, const QString &path)
{
    const QJsonValue conditions = rule.value(QLatin1String("conditions"));
    if (!conditions.isObject() || conditions.toObject().isEmpty())
        return Error{QStringLiteral("Voucherify rule %1 has no conditions (expected e.g. {\"$is\": […]})").arg(quoted(ruleName(rule))),
                     path + QStringLiteral(".conditions")};
    return conditions.toObject();
}

Result<QJsonArray> valuesOf(const QJsonObject &conditions, const QString &key, const QString &name, const QString &where)
{
    const QJsonValue values = conditions.value(key);
    if (!values.isArray())
        return Error{QStringLiteral("Voucherify rule %1: %2 holds an array of values, not %3").arg(quoted(name), key, jsonText(values)),
                     where};
    if (values.toArray().isEmpty())
        return Error{QStringLiteral("Voucherify rule %1: %2 has no values").arg(quoted(name), key), where};
    return values.toArray();
}

// Every operator of the rule's conditions applied to `attribute` of `type`, AND'ed.
Result<Node> mapConditions(const QJsonObject &rule, const QString &attribute, Type type, const QString &path)
{
    const QString name = ruleName(rule);
    auto conditions = conditionsOf(rule, path);
    if (!conditions)
        return conditions.error();
    std::vector<Node> parts;
    const QJsonObject &object = conditions.value();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString where = path + QStringLiteral(".conditions.") + it.key();
        const OperatorInfo *info = nullptr;
        for (const OperatorInfo &candidate : kOperators)
            if (it.key() == QLatin1String(candidate.key))
                info = &candidate;
        if (!info)
            return unsupportedOperator(it.key(), name, where, supportedOperators());
        if (info->arity == Arity::Zero) {
            parts.push_back(condition(attribute, info->op, {}));
            continue;
        }
        auto values = valuesOf(object, it.key(), name, where);
        if (!values)
            return values.error();
        QList<Value> operands;
        for (int i = 0; i < values.value().size(); ++i) {
            auto value = readValue(values.value()[i], type, name, QStringLiteral("%1[%2]").arg(where).arg(i));
            if (!value)
                return value.error();
            operands << value.value();
        }
        switch (info->arity) {
        case Arity::One:
            if (operands.size() != 1)
                return Error{QStringLiteral("Voucherify rule %1: %2 takes one value, not %3").arg(quoted(name), it.key()).arg(operands.size()),
                             where};
            parts.push_back(condition(attribute, info->op, operands));
            break;
        case Arity::OneOrList:
            parts.push_back(condition(attribute, operands.size() == 1 ? info->op : info->listOp, operands));
            break;
        case Arity::List:
            parts.push_back(condition(attribute, info->listOp, operands));
            break;
        case Arity::OneOrAnyOf: {
            std::vector<Node> anyOf;
            for (const Value &operand : operands)
                anyOf.push_back(condition(attribute, info->op, {operand}));
            parts.push_back(group(Node::Kind::Or, std::move(anyOf)));
            break;
        }
        case Arity::Zero:
            break;
        }
    }
    return group(Node::Kind::And, std::move(parts));
}

// customer.segment: ids against the customer.segments list.
Result<Node> mapSegment(const QJsonObject &rule, const QString &path)
{
    const QString name = ruleName(rule);
    auto conditions = conditionsOf(rule, path);
    if (!conditions)
        return conditions.error();
    std::vector<Node> parts;
    const QJsonObject &object = conditions.value();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString where = path + QStringLiteral(".conditions.") + it.key();
        const bool positive = it.key() == QLatin1String("$is") || it.key() == QLatin1String("$in");
        const bool negative = it.key() == QLatin1String("$is_not") || it.key() == QLatin1String("$not_in");
        if (!positive && !negative)
            return unsupportedOperator(it.key(), name, where, QStringLiteral("$is, $in, $is_not, $not_in for segments"));
        auto values = valuesOf(object, it.key(), name, where);
        if (!values)
            return values.error();
        std::vector<Node> anyOf;
        for (int i = 0; i < values.value().size(); ++i) {
            const QJsonValue id = values.value()[i];
            if (!id.isString() || id.toString().isEmpty())
                return Error{QStringLiteral("Voucherify rule %1: a segment id is a non-empty string, not %2").arg(quoted(name), jsonText(id)),
                             QStringLiteral("%1[%2]").arg(where).arg(i)};
            anyOf.push_back(condition(QStringLiteral("customer.segments"), Operator::Contains, {Value::string(id.toString())}));
        }
        Node member = group(Node::Kind::Or, std::move(anyOf));
        parts.push_back(positive ? std::move(member) : wrap(Node::Kind::Not, std::move(member)));
    }
    return group(Node::Kind::And, std::move(parts));
}

// ---------------------------------------------------------------- order items

struct ItemRef
{
    QString attribute; // item.product or item.sku
    QString argument;  // product or sku (for order.items.quantity(…))
    QString id;
};

Result<ItemRef> readItemRef(const QJsonValue &json, const QString &name, const QString &where)
{
    QString id;
    QString object;
    if (json.isString()) {
        id = json.toString();
    } else if (json.isObject()) {
        id = json.toObject().value(QLatin1String("id")).toString();
        object = json.toObject().value(QLatin1String("object")).toString();
    } else {
        return Error{QStringLiteral("Voucherify rule %1: expected a product or SKU ({\"id\": \"prod_…\"} or \"sku_…\"), not %2")
                         .arg(quoted(name), jsonText(json)),
                     where};
    }
    if (id.isEmpty())
        return Error{QStringLiteral("Voucherify rule %1: the product or SKU has no \"id\"").arg(quoted(name)), where};
    if (object == QLatin1String("products_collection"))
        return Error{QStringLiteral("Voucherify rule %1: product collections (%2) have no PromoDesk attribute; "
                                    "list the products or SKUs instead")
                         .arg(quoted(name), quoted(id)),
                     where};
    if (object.isEmpty() || object == QLatin1String("product_or_sku")) {
        if (id.startsWith(QLatin1String("prod_")))
            object = QStringLiteral("product");
        else if (id.startsWith(QLatin1String("sku_")))
            object = QStringLiteral("sku");
    }
    if (object == QLatin1String("product"))
        return ItemRef{QStringLiteral("item.product"), QStringLiteral("product"), id};
    if (object == QLatin1String("sku"))
        return ItemRef{QStringLiteral("item.sku"), QStringLiteral("sku"), id};
    return Error{QStringLiteral("Voucherify rule %1: cannot tell whether %2 is a product or a SKU; give \"object\": "
                                "\"product\" or \"sku\"")
                     .arg(quoted(name), quoted(id)),
                 where};
}

// "Is one of these lines": item.product is/in …, item.sku is/in …, OR'ed.
Node itemMatch(const std::vector<ItemRef> &refs)
{
    std::vector<Node> parts;
    for (const char *attribute : {"item.product", "item.sku"}) {
        QList<Value> ids;
        for (const ItemRef &ref : refs)
            if (ref.attribute == QLatin1String(attribute) && !ids.contains(Value::string(ref.id)))
                ids << Value::string(ref.id);
        if (!ids.isEmpty())
            parts.push_back(condition(QString::fromLatin1(attribute), ids.size() == 1 ? Operator::Is : Operator::In, ids));
    }
    return group(Node::Kind::Or, std::move(parts));
}

bool isAggregate(const Node &node)
{
    if (node.kind == Node::Kind::Condition)
        return node.condition.attribute.startsWith(QLatin1String("order.items."));
    for (const Node &child : node.children)
        if (isAggregate(child))
            return true;
    return false;
}

// A nested item rule: a per-line condition (item.*) or an aggregate over the matching lines
// (order.items.quantity / order.items.amount, whose product/sku argument is filled in later).
Result<Node> mapItemRule(const QJsonObject &rule, const QString &path)
{
    const QString name = ruleName(rule);
    const QJsonValue nested = rule.value(QLatin1String("rules"));
    if (nested.isObject() && hasNumberedRules(nested.toObject()))
        return Error{QStringLiteral("Voucherify rule %1 has nested rules of its own, which PromoDesk cannot read").arg(quoted(name)),
                     path + QStringLiteral(".rules")};
    struct Mapping
    {
        const char *voucherify;
        const char *attribute;
        Type type;
    };
    static const Mapping mappings[] = {
        {"product.quantity", "item.quantity", Type::Number},
        {"sku.quantity", "item.quantity", Type::Number},
        {"order.items.quantity", "item.quantity", Type::Number},
        {"product.price", "item.price", Type::Money},
        {"sku.price", "item.price", Type::Money},
        {"order.items.price", "item.price", Type::Money},
        {"order.items.amount", "item.amount", Type::Money},
        {"order.items.subtotal_amount", "item.amount", Type::Money},
        {"order.items.aggregated_quantity", "order.items.quantity", Type::Number},
        {"order.items.aggregated_amount", "order.items.amount", Type::Money},
    };
    for (const Mapping &m : mappings)
        if (name == QLatin1String(m.voucherify))
            return mapConditions(rule, QString::fromLatin1(m.attribute), m.type, path);
    QStringList known;
    for (const Mapping &m : mappings)
        known << QString::fromLatin1(m.voucherify);
    return Error{QStringLiteral("Voucherify rule %1 has no PromoDesk attribute for one cart line (inside an items rule "
                                "PromoDesk reads %2)")
                     .arg(quoted(name), known.join(QStringLiteral(", "))),
                 path};
}

// The nested "rules" of an items rule as one tree, or nothing when there are none.
Result<std::optional<Node>> nestedItemRules(const QJsonObject &rule, const QString &path)
{
    const QJsonValue nested = rule.value(QLatin1String("rules"));
    if (nested.isUndefined() || nested.isNull())
        return std::optional<Node>();
    const QString where = path + QStringLiteral(".rules");
    if (!nested.isObject())
        return Error{QStringLiteral("nested rules are an object of numbered rules, not %1").arg(jsonText(nested)), where};
    const QJsonObject map = nested.toObject();
    const QJsonValue logic = map.value(QLatin1String("logic"));
    if (!hasNumberedRules(map) && (logic.isUndefined() || logic.isNull() || logic.toString().trimmed().isEmpty()))
        return std::optional<Node>();
    auto set = readRuleSet(map, logic, where);
    if (!set)
        return set.error();
    auto tree = combine(set.value(), [](const QJsonObject &r, const QString &p) { return mapItemRule(r, p); });
    if (!tree)
        return tree.error();
    return std::optional<Node>(std::move(tree).value());
}

// Per-line subtrees go into one quantifier with the match; aggregates get the line filter.
Node placeItemTree(const Node &tree, const ItemRef &ref, const Node &match)
{
    if (!isAggregate(tree))
        return wrap(Node::Kind::AnyItem, group(Node::Kind::And, {match, tree}));
    if (tree.kind == Node::Kind::Condition) {
        Node aggregate = tree;
        aggregate.condition.arguments = {{ref.argument, Value::string(ref.id)}};
        return aggregate;
    }
    std::vector<Node> parts;
    for (const Node &child : tree.children)
        parts.push_back(placeItemTree(child, ref, match));
    return group(tree.kind, std::move(parts));
}

// The cart holds one of `refs` (with the nested rules, if any).
Result<Node> cartHoldsAnyOf(const std::vector<ItemRef> &refs, const std::optional<Node> &tree, const QString &name,
                            const QString &path)
{
    const Node match = itemMatch(refs);
    if (!tree)
        return wrap(Node::Kind::AnyItem, match);
    if (!isAggregate(*tree))
        return wrap(Node::Kind::AnyItem, group(Node::Kind::And, {match, *tree}));
    if (refs.size() != 1)
        return Error{QStringLiteral("Voucherify rule %1: aggregated quantities and amounts need exactly one product or SKU, "
                                    "this rule lists %2")
                         .arg(quoted(name))
                         .arg(refs.size()),
                     path};
    return group(Node::Kind::And, {wrap(Node::Kind::AnyItem, match), placeItemTree(*tree, refs.front(), match)});
}

enum class Quantifier { Any, Every, None };

Result<Node> mapItems(const QJsonObject &rule, const QString &path, std::optional<Quantifier> quantifier)
{
    const QString name = ruleName(rule);
    auto conditions = conditionsOf(rule, path);
    if (!conditions)
        return conditions.error();
    const QJsonObject &object = conditions.value();
    if (object.size() != 1)
        return Error{QStringLiteral("Voucherify rule %1 takes one condition ($is or $in with the products or SKUs)").arg(quoted(name)),
                     path + QStringLiteral(".conditions")};
    const QString key = object.begin().key();
    const QString where = path + QStringLiteral(".conditions.") + key;
    const bool positive = key == QLatin1String("$is") || key == QLatin1String("$in");
    const bool negative = key == QLatin1String("$is_not") || key == QLatin1String("$not_in");
    if (quantifier ? !positive : !(positive || negative))
        return unsupportedOperator(key, name, where,
                                   quantifier ? QStringLiteral("$is, $in for items rules")
                                              : QStringLiteral("$is, $in, $is_not, $not_in for items rules"));
    const Quantifier q = quantifier ? *quantifier : positive ? Quantifier::Any : Quantifier::None;
    auto values = valuesOf(object, key, name, where);
    if (!values)
        return values.error();
    std::vector<ItemRef> refs;
    for (int i = 0; i < values.value().size(); ++i) {
        auto ref = readItemRef(values.value()[i], name, QStringLiteral("%1[%2]").arg(where).arg(i));
        if (!ref)
            return ref.error();
        refs.push_back(ref.value());
    }
    auto tree = nestedItemRules(rule, path);
    if (!tree)
        return tree.error();

    switch (q) {
    case Quantifier::Any:
        return cartHoldsAnyOf(refs, tree.value(), name, path);
    case Quantifier::Every: {
        std::vector<Node> each;
        for (const ItemRef &ref : refs) {
            auto holds = cartHoldsAnyOf({ref}, tree.value(), name, path);
            if (!holds)
                return holds;
            each.push_back(std::move(holds).value());
        }
        return group(Node::Kind::And, std::move(each));
    }
    case Quantifier::None: {
        const Node match = itemMatch(refs);
        if (!tree.value())
            return wrap(Node::Kind::NoItem, match);
        if (isAggregate(*tree.value()))
            return Error{QStringLiteral("Voucherify rule %1: aggregated quantities and amounts cannot be read under \"none\"")
                             .arg(quoted(name)),
                         path + QStringLiteral(".rules")};
        return wrap(Node::Kind::NoItem, group(Node::Kind::And, {match, *tree.value()}));
    }
    }
    return Error{QStringLiteral("unreachable"), path};
}

// ---------------------------------------------------------------- top-level rules

bool isMetadataKey(const QString &key)
{
    if (key.isEmpty())
        return false;
    for (QChar c : key)
        if (!c.isLetterOrNumber() && c != QLatin1Char('_'))
            return false;
    return true;
}

Result<Node> mapMetadata(const QJsonObject &rule, const QString &path, const QString &family)
{
    const QString name = ruleName(rule);
    QString key = rule.value(QLatin1String("property")).toString();
    if (key.isEmpty() && name.size() > family.size() + 1)
        key = name.mid(family.size() + 1); // "customer.metadata.pet_type"
    if (key.isEmpty())
        return Error{QStringLiteral("Voucherify rule %1 needs \"property\": the metadata key").arg(quoted(name)),
                     path + QStringLiteral(".property")};
    if (!isMetadataKey(key))
        return Error{QStringLiteral("Voucherify rule %1: metadata key %2 cannot be named in a PromoDesk rule (letters, digits "
                                    "and _ only)")
                         .arg(quoted(name), quoted(key)),
                     path + QStringLiteral(".property")};
    return mapConditions(rule, family + QLatin1Char('.') + key, Type::String, path);
}

Result<Node> mapTopRule(const QJsonObject &rule, const QString &path)
{
    const QJsonValue nameValue = rule.value(QLatin1String("name"));
    if (!nameValue.isString() || nameValue.toString().isEmpty())
        return Error{QStringLiteral("the rule has no \"name\" (e.g. \"order.amount\")"), path + QStringLiteral(".name")};
    const QString name = nameValue.toString();

    auto is = [&](const char *candidate) { return name == QLatin1String(candidate); };
    const bool itemsRule = is("order.items.any") || is("order.items.every") || is("order.items.none") || is("product.id")
                           || is("sku.id");
    const QJsonValue nested = rule.value(QLatin1String("rules"));
    if (!itemsRule && nested.isObject() && hasNumberedRules(nested.toObject()))
        return Error{QStringLiteral("Voucherify rule %1 has nested rules, which PromoDesk reads only under order.items.any, "
                                    "order.items.every, order.items.none, product.id and sku.id")
                         .arg(quoted(name)),
                     path + QStringLiteral(".rules")};

    Result<Node> mapped;
    if (is("customer.segment"))
        mapped = mapSegment(rule, path);
    else if (is("customer.metadata") || name.startsWith(QLatin1String("customer.metadata.")))
        mapped = mapMetadata(rule, path, QStringLiteral("customer.metadata"));
    else if (is("order.metadata") || name.startsWith(QLatin1String("order.metadata.")))
        mapped = mapMetadata(rule, path, QStringLiteral("order.metadata"));
    else if (is("order.amount"))
        mapped = mapConditions(rule, QStringLiteral("order.amount"), Type::Money, path);
    else if (is("order.items.count") || is("order.items.quantity"))
        mapped = mapConditions(rule, QStringLiteral("order.items_count"), Type::Number, path);
    else if (is("order.items.price_any") || is("order.items.price_each")) {
        auto price = mapConditions(rule, QStringLiteral("item.price"), Type::Money, path);
        if (!price)
            return price;
        mapped = wrap(is("order.items.price_any") ? Node::Kind::AnyItem : Node::Kind::EveryItem, std::move(price).value());
    } else if (is("order.items.any"))
        mapped = mapItems(rule, path, Quantifier::Any);
    else if (is("order.items.every"))
        mapped = mapItems(rule, path, Quantifier::Every);
    else if (is("order.items.none"))
        mapped = mapItems(rule, path, Quantifier::None);
    else if (is("product.id") || is("sku.id"))
        mapped = mapItems(rule, path, std::nullopt);
    else if (is("product.price") || is("product.quantity") || is("sku.price") || is("sku.quantity")
             || is("order.items.aggregated_quantity") || is("order.items.aggregated_amount"))
        return Error{QStringLiteral("Voucherify rule %1 describes cart lines: PromoDesk reads it only nested under "
                                    "order.items.any / every / none, product.id or sku.id")
                         .arg(quoted(name)),
                     path};
    else
        return Error{QStringLiteral("Voucherify rule %1 has no PromoDesk attribute").arg(quoted(name)), path};

    if (!mapped)
        return mapped;
    // Each rule is checked on its own, so that a type error names its rule.
    auto checked = check(mapped.value());
    if (!checked)
        return Error{QStringLiteral("Voucherify rule %1: %2").arg(quoted(name), checked.error().message), path};
    return checked;
}

} // namespace

Result<Node> fromVoucherify(const QJsonObject &validationRule)
{
    const QString path = QStringLiteral("rules");
    QJsonObject map = validationRule;
    QJsonValue logic = validationRule.value(QLatin1String("logic"));
    if (validationRule.contains(QLatin1String("rules"))) {
        const QJsonValue rules = validationRule.value(QLatin1String("rules"));
        if (!rules.isObject())
            return Error{QStringLiteral("expected an object of numbered rules, not %1").arg(jsonText(rules)), path};
        map = rules.toObject();
        if (map.contains(QLatin1String("logic")))
            logic = map.value(QLatin1String("logic")); // Voucherify keeps the logic inside "rules"
        const QJsonValue bundle = validationRule.value(QLatin1String("bundle_rules"));
        if (bundle.isObject() && hasNumberedRules(bundle.toObject()))
            return Error{QStringLiteral("Voucherify bundle rules have no PromoDesk equivalent"), QStringLiteral("bundle_rules")};
    }
    auto set = readRuleSet(map, logic, path);
    if (!set)
        return set.error();
    auto rule = combine(set.value(), [](const QJsonObject &r, const QString &p) { return mapTopRule(r, p); });
    if (!rule)
        return rule;
    auto checked = check(rule.value());
    if (!checked)
        return Error{QStringLiteral("the imported rule does not check: %1").arg(checked.error().message), path};
    return checked;
}

} // namespace PromoDesk::Rules
