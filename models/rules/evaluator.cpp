#include "evaluator.h"

#include "syntax.h"

#include <QDateTime>

#include <cmath>

namespace PromoDesk::Rules {

namespace {

constexpr qint64 DayMs = 86'400'000;

QString moneyText(qint64 cents)
{
    return printValue(Value::money(cents));
}

QDateTime local(qint64 ms, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(ms, zone);
}

bool itemMatches(const CartItem &item, const Condition &c)
{
    if (const Value *sku = c.argument(QLatin1String("sku")); sku && item.sku != sku->asString())
        return false;
    if (const Value *product = c.argument(QLatin1String("product")); product && item.product != product->asString())
        return false;
    if (const Value *category = c.argument(QLatin1String("category")); category && item.category != category->asString())
        return false;
    return true;
}

int compare(const Value &a, const Value &b)
{
    switch (*a.type()) {
    case Type::Number: return a.asNumber() < b.asNumber() ? -1 : a.asNumber() > b.asNumber() ? 1 : 0;
    case Type::Money:
    case Type::DateTime: return a.asInteger() < b.asInteger() ? -1 : a.asInteger() > b.asInteger() ? 1 : 0;
    case Type::String: return QString::compare(a.asString(), b.asString());
    case Type::Bool: return int(a.asBool()) - int(b.asBool());
    case Type::List: return a.asList() == b.asList() ? 0 : 1;
    }
    return 0;
}

bool sameDayOfYear(qint64 date, qint64 now, const QTimeZone &zone)
{
    // Birthdates are dates (midnight UTC); today is the day in the campaign's zone.
    const QDate d = QDateTime::fromMSecsSinceEpoch(date, QTimeZone::utc()).date();
    const QDate today = local(now, zone).date();
    if (d.month() == 2 && d.day() == 29 && !QDate::isLeapYear(today.year()))
        return today.month() == 2 && today.day() == 28;
    return d.month() == today.month() && d.day() == today.day();
}

// Hints are whole cents or units; numbers too large for that get no hint.
bool hintable(const Value &actual, const Value &limit)
{
    if (actual.type() != Type::Number)
        return true;
    return std::fabs(actual.asNumber()) < 1e15 && std::fabs(limit.asNumber()) < 1e15;
}

struct Outcome
{
    bool passed = false;
    QString hint;
};

// The condition against a known value, with the smallest change that would pass
// (only worked out when `withHint`: formatting costs more than the test).
Outcome test(const Condition &c, const Value &actual, const Facts &facts, bool withHint = true)
{
    const QList<Value> &ops = c.operands;
    const bool money = actual.type() == Type::Money;
    auto gap = [&](qint64 need) { return money ? moneyText(need) : QString::number(need); };
    auto integer = [&](const Value &v) -> qint64 { return money ? v.asInteger() : qint64(std::ceil(v.asNumber())); };
    switch (c.op) {
    case Operator::Is: return {compare(actual, ops[0]) == 0, {}};
    case Operator::IsNot: return {compare(actual, ops[0]) != 0, {}};
    case Operator::In:
    case Operator::NotIn: {
        bool found = false;
        for (const Value &v : ops)
            found = found || compare(actual, v) == 0;
        return {c.op == Operator::In ? found : !found, {}};
    }
    case Operator::Less:
    case Operator::LessOrEqual:
    case Operator::Greater:
    case Operator::GreaterOrEqual: {
        const int order = compare(actual, ops[0]);
        const bool passed = c.op == Operator::Less           ? order < 0
                            : c.op == Operator::LessOrEqual  ? order <= 0
                            : c.op == Operator::Greater      ? order > 0
                                                             : order >= 0;
        if (passed || !withHint || !(money || actual.type() == Type::Number) || !hintable(actual, ops[0]))
            return {passed, {}};
        const qint64 have = money ? actual.asInteger() : qint64(std::floor(actual.asNumber()));
        const qint64 limit = integer(ops[0]);
        const qint64 strict = c.op == Operator::Greater || c.op == Operator::Less ? 1 : 0;
        if (c.op == Operator::Greater || c.op == Operator::GreaterOrEqual)
            return {false, QStringLiteral("add %1").arg(gap(limit + strict - have))};
        return {false, QStringLiteral("reduce by %1").arg(gap(have - limit + strict))};
    }
    case Operator::Between: {
        const bool passed = compare(actual, ops[0]) >= 0 && compare(actual, ops[1]) <= 0;
        if (passed || !withHint || !(money || actual.type() == Type::Number) || !hintable(actual, ops[0])
            || !hintable(actual, ops[1]))
            return {passed, {}};
        if (compare(actual, ops[0]) < 0)
            return {false, QStringLiteral("add %1").arg(gap(integer(ops[0]) - (money ? actual.asInteger() : qint64(actual.asNumber()))))};
        return {false, QStringLiteral("reduce by %1").arg(gap((money ? actual.asInteger() : qint64(std::ceil(actual.asNumber()))) - integer(ops[1])))};
    }
    case Operator::Contains:
        if (actual.type() == Type::List)
            return {actual.asList().contains(ops[0].asString()), {}};
        return {actual.asString().contains(ops[0].asString()), {}};
    case Operator::StartsWith: return {actual.asString().startsWith(ops[0].asString()), {}};
    case Operator::EndsWith: return {actual.asString().endsWith(ops[0].asString()), {}};
    case Operator::HasValue: return {actual.type() != Type::List || !actual.asList().isEmpty(), {}};
    case Operator::IsUnknown: return {actual.type() == Type::List && actual.asList().isEmpty(), {}};
    case Operator::Before: return {actual.asInteger() < ops[0].asInteger(), {}};
    case Operator::After: return {actual.asInteger() > ops[0].asInteger(), {}};
    case Operator::WithinLastDays: {
        const qint64 days = qint64(ops[0].asNumber());
        const bool passed = actual.asInteger() >= facts.now - days * DayMs && actual.asInteger() <= facts.now;
        const qint64 ago = (facts.now - actual.asInteger()) / DayMs;
        return {passed, passed || !withHint ? QString() : QStringLiteral("it was %1 days ago").arg(ago)};
    }
    case Operator::MoreThanDaysAgo: {
        const qint64 days = qint64(ops[0].asNumber());
        const bool passed = actual.asInteger() < facts.now - days * DayMs;
        const qint64 wait = (actual.asInteger() + days * DayMs - facts.now) / DayMs + 1;
        return {passed, passed || !withHint ? QString() : QStringLiteral("passes in %1 days").arg(wait)};
    }
    case Operator::SameDayOfYear: return {sameDayOfYear(actual.asInteger(), facts.now, facts.zone), {}};
    }
    return {};
}

QString display(const Value &v)
{
    if (v.isUnknown())
        return QStringLiteral("unknown");
    return printValue(v);
}

class Evaluator
{
public:
    explicit Evaluator(const Facts &facts) : m_facts(facts) {}

    bool run(const Node &node, int depth, const CartItem *item)
    {
        switch (node.kind) {
        case Node::Kind::Condition: {
            const Value actual = attributeValue(node.condition, m_facts, item);
            Outcome outcome;
            if (actual.isUnknown())
                outcome.passed = node.condition.op == Operator::IsUnknown;
            else
                outcome = test(node.condition, actual, m_facts);
            m_trace.append({depth, print(node), display(actual), outcome.passed, outcome.hint});
            return outcome.passed;
        }
        case Node::Kind::Not: {
            const int at = begin(depth, QStringLiteral("not"));
            const bool passed = !run(node.children.front(), depth + 1, item);
            return finish(at, passed);
        }
        case Node::Kind::And:
        case Node::Kind::Or: {
            const bool all = node.kind == Node::Kind::And;
            const int at = begin(depth, all ? QStringLiteral("all of") : QStringLiteral("any of"));
            // Every child is evaluated (no short cut) so the trace explains each one.
            bool passed = all;
            for (const Node &child : node.children) {
                const bool childPassed = run(child, depth + 1, item);
                passed = all ? passed && childPassed : passed || childPassed;
            }
            return finish(at, passed);
        }
        case Node::Kind::AnyItem:
        case Node::Kind::EveryItem:
        case Node::Kind::NoItem: {
            const QString word = node.kind == Node::Kind::AnyItem ? QStringLiteral("any item")
                                 : node.kind == Node::Kind::EveryItem ? QStringLiteral("every item")
                                                                       : QStringLiteral("no item");
            const int at = begin(depth, word);
            int matches = 0;
            for (qsizetype i = 0; i < m_facts.items.size(); ++i) {
                const CartItem &line = m_facts.items[i];
                m_trace.append({depth + 1, QStringLiteral("line %1: %2 × %3").arg(i + 1).arg(line.quantity).arg(line.sku),
                                QString(), true, {}});
                const int lineAt = int(m_trace.size()) - 1;
                const bool ok = run(node.children.front(), depth + 2, &line);
                m_trace[lineAt].passed = ok;
                matches += ok ? 1 : 0;
            }
            const qsizetype lines = m_facts.items.size();
            // "every item" of an empty cart holds (vacuous truth), as in SQL's NOT EXISTS.
            const bool passed = node.kind == Node::Kind::AnyItem   ? matches > 0
                                : node.kind == Node::Kind::EveryItem ? matches == lines
                                                                     : matches == 0;
            m_trace[at].actual = QStringLiteral("%1 of %2 lines match").arg(matches).arg(lines);
            return finish(at, passed);
        }
        }
        return false;
    }

    QList<TraceLine> trace() const { return m_trace; }

private:
    int begin(int depth, const QString &text)
    {
        m_trace.append({depth, text, QString(), false, {}});
        return int(m_trace.size()) - 1;
    }
    bool finish(int at, bool passed)
    {
        m_trace[at].passed = passed;
        return passed;
    }

    const Facts &m_facts;
    QList<TraceLine> m_trace;
};

} // namespace

Value attributeValue(const Condition &c, const Facts &facts, const CartItem *item)
{
    const QString &name = c.attribute;
    if (name.startsWith(QLatin1String("item."))) {
        if (!item)
            return {};
        if (name == QLatin1String("item.sku")) return Value::string(item->sku);
        if (name == QLatin1String("item.product")) return Value::string(item->product);
        if (name == QLatin1String("item.category")) return Value::string(item->category);
        if (name == QLatin1String("item.quantity")) return Value::number(double(item->quantity));
        if (name == QLatin1String("item.price")) return Value::money(item->price);
        if (name == QLatin1String("item.amount")) return Value::money(item->price * item->quantity);
        return {};
    }
    // Stored attributes first: most conditions read one of them.
    if (auto it = facts.attributes.constFind(name); it != facts.attributes.cend())
        return *it;
    if (name == QLatin1String("order.items.quantity") || name == QLatin1String("order.items.amount")) {
        qint64 quantity = 0, amount = 0;
        for (const CartItem &line : facts.items) {
            if (itemMatches(line, c)) {
                quantity += line.quantity;
                amount += line.quantity * line.price;
            }
        }
        return name == QLatin1String("order.items.quantity") ? Value::number(double(quantity)) : Value::money(amount);
    }
    if (name == QLatin1String("customer.events.last_at") || name == QLatin1String("customer.events.count")) {
        const QString type = c.argument(QLatin1String("type"))->asString();
        const Value *days = c.argument(QLatin1String("days"));
        std::optional<qint64> last;
        qint64 count = 0;
        for (const EventRecord &e : facts.events) {
            if (e.type != type || e.at > facts.now)
                continue;
            if (days && e.at < facts.now - qint64(days->asNumber()) * DayMs)
                continue;
            ++count;
            last = std::max(last.value_or(e.at), e.at);
        }
        if (name == QLatin1String("customer.events.count"))
            return Value::number(double(count));
        return last ? Value::dateTime(*last) : Value();
    }
    if (name == QLatin1String("customer.redemptions.count")) {
        const Value *campaign = c.argument(QLatin1String("campaign"));
        const Value *days = c.argument(QLatin1String("days"));
        const Value *thisMonth = c.argument(QLatin1String("this_month"));
        const QDate today = local(facts.now, facts.zone).date();
        qint64 count = 0;
        for (const RedemptionRecord &r : facts.redemptions) {
            if (r.at > facts.now || (campaign && r.campaign != campaign->asString()))
                continue;
            if (days && r.at < facts.now - qint64(days->asNumber()) * DayMs)
                continue;
            if (thisMonth && thisMonth->asBool()) {
                const QDate when = local(r.at, facts.zone).date();
                if (when.year() != today.year() || when.month() != today.month())
                    continue;
            }
            ++count;
        }
        return Value::number(double(count));
    }
    if (name == QLatin1String("time.now"))
        return Value::dateTime(facts.now);
    if (name == QLatin1String("time.hour"))
        return Value::number(local(facts.now, facts.zone).time().hour());
    if (name == QLatin1String("time.day_of_week")) {
        static const char *days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
        return Value::string(QString::fromLatin1(days[local(facts.now, facts.zone).date().dayOfWeek() - 1]));
    }
    // Derived when not given.
    if (name == QLatin1String("customer.average_order_value")) {
        const Value spent = facts.attributes.value(QStringLiteral("customer.total_spent"));
        const Value orders = facts.attributes.value(QStringLiteral("customer.orders_count"));
        if (spent.isUnknown() || orders.isUnknown() || orders.asNumber() <= 0)
            return {};
        const qint64 n = qint64(orders.asNumber());
        return Value::money((spent.asInteger() + n / 2) / n); // half-up to the cent
    }
    if (name == QLatin1String("order.amount") || name == QLatin1String("order.items_count")) {
        qint64 quantity = 0, amount = 0;
        for (const CartItem &line : facts.items) {
            quantity += line.quantity;
            amount += line.quantity * line.price;
        }
        return name == QLatin1String("order.amount") ? Value::money(amount) : Value::number(double(quantity));
    }
    if (name == QLatin1String("customer.tags") || name == QLatin1String("customer.segments"))
        return Value::list({});
    return {};
}

namespace {

bool quickMatch(const Node &node, const Facts &facts, const CartItem *item)
{
    switch (node.kind) {
    case Node::Kind::Condition: {
        const Value actual = attributeValue(node.condition, facts, item);
        if (actual.isUnknown())
            return node.condition.op == Operator::IsUnknown;
        return test(node.condition, actual, facts, false).passed;
    }
    case Node::Kind::Not:
        return !quickMatch(node.children.front(), facts, item);
    case Node::Kind::And:
        for (const Node &child : node.children)
            if (!quickMatch(child, facts, item))
                return false;
        return true;
    case Node::Kind::Or:
        for (const Node &child : node.children)
            if (quickMatch(child, facts, item))
                return true;
        return false;
    case Node::Kind::AnyItem:
    case Node::Kind::EveryItem:
    case Node::Kind::NoItem: {
        const bool wantMatch = node.kind == Node::Kind::AnyItem;
        for (const CartItem &line : facts.items) {
            const bool ok = quickMatch(node.children.front(), facts, &line);
            if (node.kind == Node::Kind::EveryItem && !ok)
                return false;
            if (ok && node.kind != Node::Kind::EveryItem)
                return wantMatch; // any: found one; none: found one, so false
        }
        return node.kind != Node::Kind::AnyItem;
    }
    }
    return false;
}

} // namespace

bool matches(const Node &rule, const Facts &facts)
{
    return quickMatch(rule, facts, nullptr);
}

Evaluation evaluate(const Node &rule, const Facts &facts)
{
    Evaluator evaluator(facts);
    Evaluation result;
    result.passed = evaluator.run(rule, 0, nullptr);
    result.trace = evaluator.trace();
    return result;
}

} // namespace PromoDesk::Rules
