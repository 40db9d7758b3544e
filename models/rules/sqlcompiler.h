#pragma once

#include "ast.h"
#include "common/result.h"

#include <QString>
#include <QTimeZone>
#include <QVariantList>

namespace PromoDesk::Rules {

// A WHERE condition over `customers AS c`, every value a bound parameter ("?").
struct CompiledRule
{
    QString where;
    QVariantList bindings;
};

// Compiles a checked rule over the whole customer table, for counting and listing
// segment members. The history attributes become correlated subqueries on indexed
// columns (customer_events(customer_id, created_at), redemptions(customer_id, …)),
// the summary attributes read the maintained columns. Cart attributes (order.*,
// item.*, quantifiers) have no meaning for a segment and are refused. `now` and
// `zone` fix time.* and the "days ago" arithmetic, as the evaluator's Facts do.
// The result agrees with evaluate() on every customer (tests/rules differential test).
Result<CompiledRule> compileCustomerRule(const Node &checkedRule, qint64 now, const QTimeZone &zone = QTimeZone::utc());

} // namespace PromoDesk::Rules
