#pragma once

#include "ast.h"
#include "common/result.h"

namespace PromoDesk::Rules {

// Checks a parsed rule against the attribute registry and gives its literals their
// types: a number compared with money becomes cents (at most two decimals), a
// number of days stays a number. Errors carry the condition's line and column and,
// where one is obvious, a suggestion ("did you mean customer.country?").
Result<Node> check(const Node &rule);

// The operators that apply to a type, in the order the editor lists them.
QList<Operator> operatorsFor(Type type);

} // namespace PromoDesk::Rules
