#pragma once

#include "ast.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QTimeZone>

namespace PromoDesk::Rules {

struct CartItem
{
    QString sku;
    QString product;
    QString category;
    qint64 quantity = 0;
    qint64 price = 0; // cents per unit
};

struct EventRecord
{
    QString type;
    qint64 at = 0;
};

struct RedemptionRecord
{
    QString campaign;
    qint64 at = 0;
};

// Everything a rule can look at for one customer, one cart and one moment.
// Plain attributes ("customer.country", "customer.metadata.pet_type", "order.amount")
// live in `attributes`; a missing key is unknown. Derived ones (average order value,
// order amount and items count from the items, time.*) are computed when absent.
struct Facts
{
    QHash<QString, Value> attributes;
    QList<CartItem> items;
    QList<EventRecord> events;
    QList<RedemptionRecord> redemptions;
    qint64 now = 0;                       // UTC epoch ms
    QTimeZone zone = QTimeZone::utc();    // the campaign's zone, for time.* and anniversaries
};

// One line of the explanation: a condition, what it saw, and whether it held.
struct TraceLine
{
    int depth = 0;
    QString text;      // the condition or group in the normal form ("order.amount >= 100.00", "all of")
    QString actual;    // the value seen ("87.60", "unknown")
    bool passed = false;
    QString hint;      // the smallest change that would make it pass, where one exists ("add 12.40")
};

struct Evaluation
{
    bool passed = false;
    QList<TraceLine> trace;
};

// Evaluates a checked rule (see check()). Unknown values make a condition false,
// except "is unknown"; "not" then makes it true — the same two-valued logic as the
// SQL compiler.
Evaluation evaluate(const Node &checkedRule, const Facts &facts);

// The same answer as evaluate(rule, facts).passed, without the trace: it stops at
// the first deciding condition and formats nothing. For qualifying many customers
// or campaigns at once; evaluate() is for explaining one.
bool matches(const Node &checkedRule, const Facts &facts);

// The value of an attribute (with its arguments) for these facts.
Value attributeValue(const Condition &condition, const Facts &facts, const CartItem *item = nullptr);

} // namespace PromoDesk::Rules
