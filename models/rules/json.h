#pragma once

#include "ast.h"
#include "evaluator.h"
#include "common/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace PromoDesk::Rules {

// The stored form of a checked rule:
//   {"and": [ … ]}  {"or": [ … ]}  {"not": { … }}
//   {"any_item": { … }}  {"every_item": { … }}  {"none_item": { … }}
//   {"attribute": "order.amount", "operator": "more_than_or_equal", "values": [10000]}
//   {"attribute": "order.items.quantity", "arguments": {"sku": "sku_00012_1"}, "operator": "more_than", "values": [1]}
// Money is integer cents (as in Voucherify), date-times ISO-8601 UTC text, days numbers.
// Keys are written in a stable order, so stored rules diff cleanly.
QJsonObject toJson(const Node &checkedRule);

// One JSON value as a literal of `type` (when known): money is whole cents,
// date-times ISO-8601 text; otherwise a string, a number or true/false. The error
// says what was expected and quotes the value.
Result<Value> literalFromJson(const QJsonValue &json, std::optional<Type> type);

// A JSON value as compact text, for messages ("nothing" for a missing one).
QString jsonText(const QJsonValue &value);

// The explain trace as JSON, one object per line: {"depth", "condition", "passed",
// "actual"?, "hint"?} — as `rules explain` and the engine's responses print it.
QJsonArray traceToJson(const QList<TraceLine> &trace);

// Reads the stored form and type-checks it; errors name the JSON path ("and[2].values[0]").
Result<Node> fromJson(const QJsonObject &object);

} // namespace PromoDesk::Rules
