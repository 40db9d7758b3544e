#include "sqlcompiler.h"

#include "evaluator.h"

#include <QDateTime>
#include <QHash>

namespace PromoDesk::Rules {

namespace {

constexpr qint64 DayMs = 86'400'000;

// customer.* attributes stored as a column (or a fixed expression over columns).
const QHash<QString, QString> &columns()
{
    static const QHash<QString, QString> map{
        {QStringLiteral("customer.id"), QStringLiteral("('cust_' || c.id)")},
        {QStringLiteral("customer.source_id"), QStringLiteral("c.source_id")},
        {QStringLiteral("customer.name"), QStringLiteral("c.name")},
        {QStringLiteral("customer.email"), QStringLiteral("c.email")},
        {QStringLiteral("customer.phone"), QStringLiteral("c.phone")},
        {QStringLiteral("customer.country"), QStringLiteral("c.address_country")},
        {QStringLiteral("customer.city"), QStringLiteral("c.address_city")},
        {QStringLiteral("customer.postal_code"), QStringLiteral("c.address_postal_code")},
        {QStringLiteral("customer.birthdate"), QStringLiteral("(unixepoch(c.birthdate) * 1000)")},
        {QStringLiteral("customer.created_at"), QStringLiteral("c.created_at")},
        {QStringLiteral("customer.loyalty_tier"), QStringLiteral("c.loyalty_tier")},
        {QStringLiteral("customer.consents.email"), QStringLiteral("c.consent_email")},
        {QStringLiteral("customer.consents.sms"), QStringLiteral("c.consent_sms")},
        {QStringLiteral("customer.consents.push"), QStringLiteral("c.consent_push")},
        {QStringLiteral("customer.orders_count"), QStringLiteral("c.orders_count")},
        {QStringLiteral("customer.total_spent"), QStringLiteral("c.total_spent")},
        // Half-up to the cent, as the evaluator; unknown without orders.
        {QStringLiteral("customer.average_order_value"),
         QStringLiteral("(CASE WHEN c.orders_count > 0 THEN (c.total_spent + c.orders_count / 2) / c.orders_count END)")},
        {QStringLiteral("customer.last_order_at"), QStringLiteral("c.last_order_at")},
    };
    return map;
}

QVariant bindable(const Value &v)
{
    switch (*v.type()) {
    case Type::String: return v.asString();
    case Type::Number: return v.asNumber();
    case Type::Money:
    case Type::DateTime: return v.asInteger();
    case Type::Bool: return v.asBool() ? 1 : 0;
    case Type::List: return {};
    }
    return {};
}

class Compiler
{
public:
    Compiler(qint64 now, const QTimeZone &zone) : m_now(now), m_zone(zone) {}

    Result<QString> node(const Node &n)
    {
        switch (n.kind) {
        case Node::Kind::And:
        case Node::Kind::Or: {
            QStringList parts;
            for (const Node &child : n.children) {
                auto part = node(child);
                if (!part)
                    return part;
                parts << part.value();
            }
            return QLatin1Char('(') + parts.join(n.kind == Node::Kind::And ? QStringLiteral(" AND ") : QStringLiteral(" OR "))
                   + QLatin1Char(')');
        }
        case Node::Kind::Not: {
            auto inner = node(n.children.front());
            if (!inner)
                return inner;
            return QStringLiteral("(NOT ") + inner.value() + QLatin1Char(')');
        }
        case Node::Kind::AnyItem:
        case Node::Kind::EveryItem:
        case Node::Kind::NoItem:
            return Error{QStringLiteral("item quantifiers look at a cart; a segment has none"), {}, n.position.line,
                         n.position.column};
        case Node::Kind::Condition:
            return condition(n);
        }
        return QString();
    }

    QVariantList bindings() const { return m_bindings; }

private:
    QString bind(const QVariant &v)
    {
        m_bindings << v;
        return QStringLiteral("?");
    }

    // The SQL expression of an attribute, or an error for one a segment cannot use.
    Result<QString> expression(const Node &n)
    {
        const Condition &c = n.condition;
        const QString &name = c.attribute;
        if (auto it = columns().constFind(name); it != columns().cend())
            return *it;
        if (name.startsWith(QLatin1String("customer.metadata."))) {
            const QString key = name.mid(int(qstrlen("customer.metadata.")));
            return QStringLiteral("json_extract(c.metadata, %1)").arg(bind(QStringLiteral("$.\"%1\"").arg(key)));
        }
        if (name == QLatin1String("customer.events.last_at") || name == QLatin1String("customer.events.count")) {
            QString sql = name.endsWith(QLatin1String("count")) ? QStringLiteral("(SELECT count(*)") : QStringLiteral("(SELECT max(e.created_at)");
            // Parameters are bound in the order they appear: one bind() per statement,
            // never two in one call (argument evaluation order is unspecified).
            const QString type = bind(c.argument(QLatin1String("type"))->asString());
            const QString upTo = bind(m_now);
            sql += QStringLiteral(" FROM customer_events e WHERE e.customer_id = c.id AND e.type = %1 AND e.created_at <= %2")
                       .arg(type, upTo);
            if (const Value *days = c.argument(QLatin1String("days")))
                sql += QStringLiteral(" AND e.created_at >= %1").arg(bind(m_now - qint64(days->asNumber()) * DayMs));
            return sql + QLatin1Char(')');
        }
        if (name == QLatin1String("customer.redemptions.count")) {
            QString sql = QStringLiteral("(SELECT count(*) FROM redemptions r WHERE r.customer_id = c.id "
                                         "AND r.result = 'SUCCESS' AND r.created_at <= %1")
                              .arg(bind(m_now));
            if (const Value *campaign = c.argument(QLatin1String("campaign")))
                sql += QStringLiteral(" AND r.campaign_id = %1").arg(bind(campaign->asString()));
            if (const Value *days = c.argument(QLatin1String("days")))
                sql += QStringLiteral(" AND r.created_at >= %1").arg(bind(m_now - qint64(days->asNumber()) * DayMs));
            if (const Value *month = c.argument(QLatin1String("this_month")); month && month->asBool()) {
                const QDate today = QDateTime::fromMSecsSinceEpoch(m_now, m_zone).date();
                const QDate first(today.year(), today.month(), 1);
                const qint64 start = QDateTime(first, QTime(0, 0), m_zone).toMSecsSinceEpoch();
                const qint64 end = QDateTime(first.addMonths(1), QTime(0, 0), m_zone).toMSecsSinceEpoch();
                const QString from = bind(start);
                sql += QStringLiteral(" AND r.created_at >= %1 AND r.created_at < %2").arg(from, bind(end));
            }
            return sql + QLatin1Char(')');
        }
        if (name.startsWith(QLatin1String("time."))) {
            // A constant for the whole table: the evaluator's value at `now`.
            Facts facts;
            facts.now = m_now;
            facts.zone = m_zone;
            return bind(bindable(attributeValue(c, facts)));
        }
        if (name == QLatin1String("customer.tags") || name == QLatin1String("customer.segments"))
            return QString(); // handled per operator
        return Error{name.startsWith(QLatin1String("order.")) || name.startsWith(QLatin1String("item."))
                         ? QStringLiteral("%1 describes a cart; a segment rule can only use customer attributes").arg(name)
                         : QStringLiteral("%1 cannot be used in a segment yet").arg(name),
                     {}, n.position.line, n.position.column};
    }

    Result<QString> listCondition(const Condition &c)
    {
        const bool tags = c.attribute == QLatin1String("customer.tags");
        const QString members = tags ? QStringLiteral("SELECT value FROM json_each(c.tags)")
                                     : QStringLiteral("SELECT m.segment_id FROM segment_members m "
                                                      "WHERE m.customer_id = c.id AND m.left_at IS NULL");
        switch (c.op) {
        case Operator::Contains:
            return QStringLiteral("(%1 IN (%2))").arg(bind(c.operands[0].asString()), members);
        case Operator::HasValue:
            return QStringLiteral("EXISTS (%1)").arg(members);
        case Operator::IsUnknown:
            return QStringLiteral("NOT EXISTS (%1)").arg(members);
        default:
            return QString();
        }
    }

    Result<QString> condition(const Node &n)
    {
        const Condition &c = n.condition;
        if (c.attribute == QLatin1String("customer.tags") || c.attribute == QLatin1String("customer.segments"))
            return listCondition(c);
        auto expr = expression(n);
        if (!expr)
            return expr;
        const QString x = expr.value();
        // Strings compare exactly, whatever collation the column declares (names are NOCASE).
        const bool text = !c.operands.isEmpty() && c.operands[0].type() == Type::String;
        const QString cx = text ? x + QStringLiteral(" COLLATE BINARY") : x;
        // Ranges over a plain column read it as +c.col: without statistics SQLite
        // over-trusts a range's index and fetches rows at random (3 s instead of a
        // 0.2 s scan of the covering index on 1.4 M customers).
        const QString r = x.startsWith(QLatin1String("c.")) ? QLatin1Char('+') + x : x;
        // Two-valued logic: an unknown value fails every test but "is unknown", so
        // NOT (...) of it holds, as in the evaluator. A plain column may be repeated;
        // an expression with its own parameters must appear once: coalesce(…, 0).
        auto known = [&](const QString &test) {
            return x.contains(QLatin1Char('?')) ? QStringLiteral("coalesce(%1, 0)").arg(test)
                                                : QStringLiteral("(%1 IS NOT NULL AND %2)").arg(r, test);
        };
        const QList<Value> &ops = c.operands;
        switch (c.op) {
        case Operator::Is: return known(QStringLiteral("%1 = %2").arg(cx, bind(bindable(ops[0]))));
        case Operator::IsNot: return known(QStringLiteral("%1 <> %2").arg(cx, bind(bindable(ops[0]))));
        case Operator::In:
        case Operator::NotIn: {
            QStringList marks;
            for (const Value &v : ops)
                marks << bind(bindable(v));
            return known(QStringLiteral("%1 %2 (%3)").arg(cx, c.op == Operator::In ? QStringLiteral("IN") : QStringLiteral("NOT IN"),
                                                          marks.join(QStringLiteral(", "))));
        }
        case Operator::Less: return known(QStringLiteral("%1 < %2").arg(r, bind(bindable(ops[0]))));
        case Operator::LessOrEqual: return known(QStringLiteral("%1 <= %2").arg(r, bind(bindable(ops[0]))));
        case Operator::Greater: return known(QStringLiteral("%1 > %2").arg(r, bind(bindable(ops[0]))));
        case Operator::GreaterOrEqual: return known(QStringLiteral("%1 >= %2").arg(r, bind(bindable(ops[0]))));
        case Operator::Between: {
            const QString low = bind(bindable(ops[0]));
            return known(QStringLiteral("%1 BETWEEN %2 AND %3").arg(r, low, bind(bindable(ops[1]))));
        }
        case Operator::Contains: return known(QStringLiteral("instr(%1, %2) > 0").arg(x, bind(ops[0].asString())));
        case Operator::StartsWith: return known(QStringLiteral("instr(%1, %2) = 1").arg(x, bind(ops[0].asString())));
        case Operator::EndsWith: {
            const QString p = ops[0].asString();
            if (p.isEmpty()) // every known string ends with "" (x must still appear once: its parameters)
                return known(QStringLiteral("length(%1) >= 0").arg(x));
            const QString a = bind(p);
            return known(QStringLiteral("substr(%1, -length(%2)) = %3 COLLATE BINARY").arg(x, a, bind(p)));
        }
        case Operator::HasValue: return QStringLiteral("(%1 IS NOT NULL)").arg(x);
        case Operator::IsUnknown: return QStringLiteral("(%1 IS NULL)").arg(x);
        case Operator::Before: return known(QStringLiteral("%1 < %2").arg(r, bind(ops[0].asInteger())));
        case Operator::After: return known(QStringLiteral("%1 > %2").arg(r, bind(ops[0].asInteger())));
        case Operator::WithinLastDays: {
            const QString from = bind(m_now - qint64(ops[0].asNumber()) * DayMs);
            return known(QStringLiteral("%1 BETWEEN %2 AND %3").arg(r, from, bind(m_now)));
        }
        case Operator::MoreThanDaysAgo:
            return known(QStringLiteral("%1 < %2").arg(r, bind(m_now - qint64(ops[0].asNumber()) * DayMs)));
        case Operator::SameDayOfYear: {
            // Month-day of the date (UTC) against today's in the zone; 29 Feb on 28 Feb of other years.
            const QDate today = QDateTime::fromMSecsSinceEpoch(m_now, m_zone).date();
            const QString md = QStringLiteral("strftime('%m-%d', %1 / 1000, 'unixepoch')").arg(x);
            QStringList days{today.toString(QStringLiteral("MM-dd"))};
            if (today.month() == 2 && today.day() == 28 && !QDate::isLeapYear(today.year()))
                days << QStringLiteral("02-29");
            QStringList marks;
            for (const QString &d : days)
                marks << bind(d);
            return known(QStringLiteral("%1 IN (%2)").arg(md, marks.join(QStringLiteral(", "))));
        }
        }
        return QString();
    }

    qint64 m_now;
    QTimeZone m_zone;
    QVariantList m_bindings;
};

} // namespace

Result<CompiledRule> compileCustomerRule(const Node &rule, qint64 now, const QTimeZone &zone)
{
    Compiler compiler(now, zone);
    auto where = compiler.node(rule);
    if (!where)
        return where.error();
    return CompiledRule{where.value(), compiler.bindings()};
}

} // namespace PromoDesk::Rules
