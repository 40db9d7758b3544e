#include "randomrules.h"

#include "rules/attributes.h"
#include "rules/typecheck.h"

namespace PromoDesk::Rules::Testing {

QString RandomRules::randomString()
{
    static const QStringList pieces{QStringLiteral("IE"), QStringLiteral("Dog Food"), QStringLiteral("a\"quote"),
                                    QStringLiteral("back\\slash"), QStringLiteral("new\nline"), QStringLiteral("tab\there"),
                                    QStringLiteral("Siobhán"), QStringLiteral("🐶"), QStringLiteral(""),
                                    QStringLiteral("and"), QStringLiteral("or not"), QStringLiteral("# hash"),
                                    QStringLiteral("=1+2"), QStringLiteral("staff")};
    return pieces[below(int(pieces.size()))];
}

Value RandomRules::valueOf(Type type)
{
    if (m_segmentMode) {
        switch (type) {
        case Type::Number: return Value::number(double(below(25)) / (below(4) ? 1.0 : 2.0));
        case Type::Money: return Value::money(qint64(below(50001)));
        case Type::DateTime: return Value::dateTime(m_now + (qint64(below(801)) - 400) * 86400000LL
                                                    + (below(2) ? 0 : qint64(below(86400)) * 1000));
        default: break;
        }
    }
    switch (type) {
    case Type::String: return Value::string(randomString());
    case Type::Number: return Value::number(double(below(20001) - 10000) / (below(2) ? 1.0 : 4.0));
    case Type::Money: return Value::money(qint64(below(2000001)) - 1000000);
    case Type::DateTime:
        // Whole seconds between 2000 and 2040; sometimes midnight, sometimes with milliseconds.
        return Value::dateTime(946684800000LL + qint64(below(14600)) * 86400000LL
                               + (below(2) ? 0 : qint64(below(86400)) * 1000 + (below(2) ? below(1000) : 0)));
    case Type::Bool: return Value::boolean(below(2));
    case Type::List: return Value::string(randomString());
    }
    return {};
}

Node RandomRules::condition(bool inItem)
{
    const QList<Attribute> &all = AttributeRegistry::instance().all();
    const Attribute *attribute = nullptr;
    while (!attribute) {
        const Attribute &candidate = all[below(int(all.size()))];
        if (candidate.perItem && !inItem)
            continue;
        if (m_segmentMode && (candidate.name.startsWith(QLatin1String("order.")) || candidate.perItem
                              || candidate.name == QLatin1String("customer.referrals_count")))
            continue;
        attribute = &candidate;
    }
    Condition c;
    c.attribute = attribute->keyed ? attribute->name + QStringLiteral(".pet_type") : attribute->name;
    for (const Parameter &p : attribute->parameters) {
        const bool required = p.name == QLatin1String("type");
        if (required || below(2)) {
            Value v = p.type == Type::Number ? Value::number(below(365)) : valueOf(p.type);
            c.arguments.append({p.name, v});
        }
    }
    const QList<Operator> ops = operatorsFor(attribute->type);
    c.op = ops[below(int(ops.size()))];
    switch (c.op) {
    case Operator::HasValue:
    case Operator::IsUnknown:
    case Operator::SameDayOfYear:
        break;
    case Operator::WithinLastDays:
    case Operator::MoreThanDaysAgo:
        c.operands = {Value::number(below(1000))};
        break;
    case Operator::In:
    case Operator::NotIn:
        for (int i = 0, n = 1 + below(4); i < n; ++i)
            c.operands.append(valueOf(attribute->type));
        break;
    case Operator::Between: {
        Value a = valueOf(attribute->type), b = valueOf(attribute->type);
        const bool swap = attribute->type == Type::Number   ? b.asNumber() < a.asNumber()
                          : attribute->type == Type::String ? b.asString() < a.asString()
                                                            : b.asInteger() < a.asInteger();
        c.operands = swap ? QList<Value>{b, a} : QList<Value>{a, b};
        break;
    }
    default:
        c.operands = {valueOf(attribute->type)};
    }
    return Node::makeCondition(std::move(c));
}

Node RandomRules::rule(int depth)
{
    std::function<Node(int, bool)> make = [&](int d, bool inItem) -> Node {
        const int pick = d <= 0 ? 0 : below(6);
        switch (pick) {
        case 1:
        case 2: {
            std::vector<Node> children;
            for (int i = 0, n = 2 + below(3); i < n; ++i)
                children.push_back(make(d - 1, inItem));
            return Node::makeGroup(pick == 1 ? Node::Kind::And : Node::Kind::Or, std::move(children));
        }
        case 3:
            return Node::makeGroup(Node::Kind::Not, {make(d - 1, inItem)});
        case 4:
            if (!inItem && !m_segmentMode) {
                const Node::Kind kinds[] = {Node::Kind::AnyItem, Node::Kind::EveryItem, Node::Kind::NoItem};
                return Node::makeGroup(kinds[below(3)], {make(d - 1, true)});
            }
            [[fallthrough]];
        default:
            return condition(inItem);
        }
    };
    return make(depth, false);
}

} // namespace PromoDesk::Rules::Testing
