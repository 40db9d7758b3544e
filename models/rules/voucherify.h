#pragma once

#include "ast.h"
#include "common/result.h"

#include <QJsonObject>

namespace PromoDesk::Rules {

// Reads a Voucherify validation rule into a checked AST (Rules::check() has passed).
//
// Accepted shapes:
//   {"name": "…", "rules": {"1": {…}, "2": {…}, "logic": "1 and (2 or 3)"}}   (Voucherify's own: logic inside rules)
//   {"name": "…", "rules": {"1": {…}, …}, "logic": "1 and 2"}                 (logic beside rules)
//   {"rules": {…}, "logic": "…"}  or the bare rules map {"1": {…}, "logic": "…"}
// Each numbered rule is {"name": "order.amount", "property": …, "conditions": {"$more_than": [10000]},
// "rules": {…nested…}}. Without "logic", all rules are AND'ed in numeric order. Amounts are integer cents.
//
// Errors are values and name the place and the Voucherify rule:
//   rules.3: Voucherify rule "publication.redeemable_by_linked_customer" has no PromoDesk attribute
//   rules.logic: character 9 of "1 and (2": expected ")" to close the "(" at character 7
//   rules.2.conditions.$timeframe: Voucherify operator "$timeframe" is not supported …
// Nothing is half-read: either the whole rule maps or the result is an error.
Result<Node> fromVoucherify(const QJsonObject &validationRule);

} // namespace PromoDesk::Rules
