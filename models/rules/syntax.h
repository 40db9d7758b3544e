#pragma once

#include "ast.h"
#include "common/result.h"

#include <optional>

namespace PromoDesk::Rules {

// The text syntax, e.g.
//   customer.country in ["IE", "GB"] and order.amount >= 100.00
//   and not customer.tags contains "staff"
//   and any item (item.category is "Dog Food" and item.quantity >= 2)
// The grammar is in docs/rules.md. parse() keeps literals as written (a number is a
// number, even where money is meant); check() (typecheck.h) gives them their types.
// Errors carry the line and column and say what was expected.
Result<Node> parse(const QString &text);

// The normal form: canonical keywords, minimal parentheses, one space between tokens.
// print(parse(text)) is the normal form of text, and parse(print(ast)) == ast.
QString print(const Node &node);
QString printValue(const Value &value);
// "YYYY-MM-DD" (midnight UTC) or an ISO-8601 date-time with Z or an offset, as UTC
// epoch milliseconds; nothing if it is not one.
std::optional<qint64> parseDateTime(const QString &text);
// ISO-8601 in UTC with a Z ("2026-01-01T10:30:00Z"; milliseconds only when there are some).
QString formatDateTime(qint64 ms);

} // namespace PromoDesk::Rules
