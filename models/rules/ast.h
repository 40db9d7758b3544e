#pragma once

#include "value.h"

#include <QList>
#include <QString>

#include <vector>

namespace PromoDesk::Rules {

// Where a node starts in the rule text (1-based), for errors and highlighting.
struct Position
{
    int line = 1;
    int column = 1;

    bool operator==(const Position &) const = default;
};

enum class Operator {
    Is, IsNot, In, NotIn,
    Less, LessOrEqual, Greater, GreaterOrEqual, Between,
    Contains, StartsWith, EndsWith,
    HasValue, IsUnknown,
    Before, After, WithinLastDays, MoreThanDaysAgo, SameDayOfYear,
};

// The operator's spelling in the text syntax ("is not", "within last") and in JSON ("is_not").
QString operatorText(Operator op);
QString operatorKey(Operator op);
// How many operands the operator takes: 0, 1 (a value or a list) or 2 (between).
int operandCount(Operator op);

// A named argument of a parameterised attribute: order.items.quantity(sku: "SKU-1").
struct Argument
{
    QString name;
    Value value;

    bool operator==(const Argument &) const = default;
};

struct Condition
{
    QString attribute;             // "customer.country", "item.price", "customer.metadata.pet_type"
    QList<Argument> arguments;     // for parameterised attributes, in source order
    Operator op = Operator::Is;
    QList<Value> operands;         // in / not in: the list's elements; between: low and high;
                                   // has value / is unknown / same day of year: none

    bool operator==(const Condition &) const = default;

    // The value of a named argument, or nullptr when it was not given.
    const Value *argument(QLatin1String name) const
    {
        for (const Argument &a : arguments)
            if (a.name == name)
                return &a.value;
        return nullptr;
    }
};

// and / or / not / item quantifiers / a condition, nested to any depth.
struct Node
{
    enum class Kind { And, Or, Not, AnyItem, EveryItem, NoItem, Condition };

    Kind kind = Kind::Condition;
    std::vector<Node> children; // And/Or: two or more; Not and quantifiers: exactly one
    Condition condition;        // Kind::Condition only
    Position position;          // not part of equality: the same rule parsed from other text

    bool operator==(const Node &other) const
    {
        return kind == other.kind && children == other.children && condition == other.condition;
    }

    static Node makeCondition(Condition c, Position p = {});
    static Node makeGroup(Kind kind, std::vector<Node> children, Position p = {});
};

} // namespace PromoDesk::Rules
