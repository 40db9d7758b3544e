// bench_rules [WORKSPACE]
//
// 1. Evaluator throughput: a 10-condition rule (with an item quantifier) over a realistic
//    member and a 6-line cart, evaluate() in a loop for at least a second, against the
//    same predicate written by hand in C++ over the same Facts, in the same run.
// 2. Segment count (only with WORKSPACE): a customer rule through compileCustomerRule +
//    CustomerRepository::countWhere, 5 runs, its EXPLAIN QUERY PLAN, and the same count
//    written by hand in SQL and with the planner's indexes switched off.
//
// Prints figures only; it never fails on time.

#include "rules/evaluator.h"
#include "rules/sqlcompiler.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/connection.h"
#include "store/customerrepository.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

using namespace PromoDesk;
using namespace PromoDesk::Rules;

namespace {

constexpr qint64 DayMs = 86'400'000;
constexpr qint64 MinimumNs = 1'000'000'000; // each timed loop runs at least this long
constexpr int Batch = 256;                  // calls between two looks at the clock

const char *const EvaluatorRule =
    R"(customer.country in ["IE", "GB"] and customer.consents.email is true and customer.total_spent >= 150.00 )"
    R"(and customer.orders_count > 2 and customer.last_order_at within last 90 days )"
    R"(and not customer.tags contains "staff" and order.amount >= 50.00 and order.channel is "web" )"
    R"(and order.items.quantity(category: "Dog Food") >= 2 )"
    R"(and any item (item.category is "Toys" and item.price < 20.00))";

const char *const SegmentRule =
    R"(customer.country is "IE" and customer.total_spent >= 200.00 and customer.last_order_at within last 90 days)";

qint64 isoMs(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

QByteArray local8(const QString &s)
{
    return s.toLocal8Bit();
}

Result<Node> checkedRule(const char *text)
{
    auto parsed = parse(QString::fromUtf8(text));
    if (!parsed)
        return parsed.error();
    return check(parsed.value());
}

// A realistic member with a 6-line cart. With `cheapToy` the "Toys" line costs 14.99 and
// the rule passes; without, it costs 24.99 and only the last condition (any item) fails,
// so a short-circuiting predicate still does all the work before it.
Facts member(qint64 now, bool cheapToy)
{
    Facts f;
    f.now = now;
    auto set = [&](const QString &key, Value value) { f.attributes.insert(key, std::move(value)); };
    set(QStringLiteral("customer.id"), Value::string(QStringLiteral("cust_418233")));
    set(QStringLiteral("customer.source_id"), Value::string(QStringLiteral("shopify-7781234")));
    set(QStringLiteral("customer.name"), Value::string(QStringLiteral("Aoife Byrne")));
    set(QStringLiteral("customer.email"), Value::string(QStringLiteral("aoife.byrne@example.ie")));
    set(QStringLiteral("customer.phone"), Value::string(QStringLiteral("+353861234567")));
    set(QStringLiteral("customer.country"), Value::string(cheapToy ? QStringLiteral("IE") : QStringLiteral("GB")));
    set(QStringLiteral("customer.city"), Value::string(QStringLiteral("Galway")));
    set(QStringLiteral("customer.postal_code"), Value::string(QStringLiteral("H91 X2Y3")));
    set(QStringLiteral("customer.birthdate"), Value::dateTime(isoMs("1988-03-14T00:00:00Z")));
    set(QStringLiteral("customer.created_at"), Value::dateTime(isoMs("2023-05-02T10:11:12Z")));
    set(QStringLiteral("customer.loyalty_tier"), Value::string(QStringLiteral("silver")));
    set(QStringLiteral("customer.tags"), Value::list({QStringLiteral("dog-owner"), QStringLiteral("newsletter"), QStringLiteral("vip")}));
    set(QStringLiteral("customer.metadata.pet_type"), Value::string(QStringLiteral("dog")));
    set(QStringLiteral("customer.metadata.pet_name"), Value::string(QStringLiteral("Bran")));
    set(QStringLiteral("customer.consents.email"), Value::boolean(true));
    set(QStringLiteral("customer.consents.sms"), Value::boolean(false));
    set(QStringLiteral("customer.consents.push"), Value::boolean(true));
    set(QStringLiteral("customer.orders_count"), Value::number(cheapToy ? 7 : 9));
    set(QStringLiteral("customer.total_spent"), Value::money(cheapToy ? 48215 : 61990));
    set(QStringLiteral("customer.last_order_at"), Value::dateTime(now - 12 * DayMs - 3'600'000));
    set(QStringLiteral("customer.segments"), Value::list({QStringLiteral("seg_dog_owners"), QStringLiteral("seg_ie_web")}));
    set(QStringLiteral("customer.referrals_count"), Value::number(1));
    set(QStringLiteral("order.channel"), Value::string(QStringLiteral("web")));
    set(QStringLiteral("order.metadata.coupon_source"), Value::string(QStringLiteral("email")));
    // order.amount and order.items_count are left to be derived from the lines, as a cart does.
    f.items = {
        {QStringLiteral("sku_00012_1"), QStringLiteral("prod_00012"), QStringLiteral("Dog Food"), 1, 4599},
        {QStringLiteral("sku_00013_2"), QStringLiteral("prod_00013"), QStringLiteral("Dog Food"), 2, 1299},
        {QStringLiteral("sku_00201_1"), QStringLiteral("prod_00201"), QStringLiteral("Treats"), 3, 349},
        {QStringLiteral("sku_00340_1"), QStringLiteral("prod_00340"), QStringLiteral("Accessories"), 1, 2450},
        {QStringLiteral("sku_00415_3"), QStringLiteral("prod_00415"), QStringLiteral("Toys"), 1, cheapToy ? 1499 : 2499},
        {QStringLiteral("sku_00502_1"), QStringLiteral("prod_00502"), QStringLiteral("Grooming"), 1, 899},
    };
    f.events = {{QStringLiteral("sign_up"), isoMs("2023-05-02T10:11:12Z")},
                {QStringLiteral("cart_abandoned"), now - 2 * DayMs},
                {QStringLiteral("email_opened"), now - DayMs}};
    f.redemptions = {{QStringLiteral("camp_welcome"), isoMs("2023-05-03T09:00:00Z")}};
    return f;
}

// The rule written by hand: the same attributes, the same unknown-is-false logic.
const Value *known(const Facts &f, const QString &key)
{
    const auto it = f.attributes.constFind(key);
    return it == f.attributes.cend() || it->isUnknown() ? nullptr : &*it;
}

[[gnu::noinline]] bool handWritten(const Facts &f)
{
    const Value *country = known(f, QStringLiteral("customer.country"));
    if (!country || (country->asString() != QLatin1String("IE") && country->asString() != QLatin1String("GB")))
        return false;
    const Value *email = known(f, QStringLiteral("customer.consents.email"));
    if (!email || !email->asBool())
        return false;
    const Value *spent = known(f, QStringLiteral("customer.total_spent"));
    if (!spent || spent->asInteger() < 15000)
        return false;
    const Value *orders = known(f, QStringLiteral("customer.orders_count"));
    if (!orders || !(orders->asNumber() > 2))
        return false;
    const Value *last = known(f, QStringLiteral("customer.last_order_at"));
    if (!last || last->asInteger() < f.now - 90 * DayMs || last->asInteger() > f.now)
        return false;
    const Value *tags = known(f, QStringLiteral("customer.tags"));
    if (tags && tags->asList().contains(QLatin1String("staff")))
        return false;
    qint64 amount = 0;
    if (const Value *given = known(f, QStringLiteral("order.amount")))
        amount = given->asInteger();
    else
        for (const CartItem &line : f.items)
            amount += line.quantity * line.price;
    if (amount < 5000)
        return false;
    const Value *channel = known(f, QStringLiteral("order.channel"));
    if (!channel || channel->asString() != QLatin1String("web"))
        return false;
    qint64 dogFood = 0;
    for (const CartItem &line : f.items)
        if (line.category == QLatin1String("Dog Food"))
            dogFood += line.quantity;
    if (dogFood < 2)
        return false;
    return std::any_of(f.items.cbegin(), f.items.cend(),
                       [](const CartItem &line) { return line.category == QLatin1String("Toys") && line.price < 2000; });
}


// The two Facts are read through volatile pointers, so nothing can be hoisted out of a loop.
const Facts *volatile s_facts[2] = {nullptr, nullptr};
volatile qint64 s_sink = 0;

struct Rate
{
    qint64 calls = 0;
    qint64 passed = 0;
    double ns = 0;

    double perSecond() const { return double(calls) * 1e9 / ns; }
    double nsPerCall() const { return ns / double(calls); }
};

Rate measure(const std::function<bool(const Facts &)> &fn)
{
    Rate rate;
    QElapsedTimer timer;
    timer.start();
    qint64 elapsed = 0;
    do {
        for (int i = 0; i < Batch; ++i)
            rate.passed += fn(*s_facts[i & 1]) ? 1 : 0;
        rate.calls += Batch;
        elapsed = timer.nsecsElapsed();
    } while (elapsed < MinimumNs);
    rate.ns = double(elapsed);
    s_sink = s_sink + rate.passed;
    return rate;
}

void printRate(const char *what, const Rate &rate)
{
    std::printf("  %-44s %12.0f evals/s %9.1f ns/eval  (%lld calls, %lld passed, %.2f s)\n", what, rate.perSecond(),
                rate.nsPerCall(), static_cast<long long>(rate.calls), static_cast<long long>(rate.passed), rate.ns / 1e9);
}

int evaluatorPart()
{
    const qint64 now = isoMs("2026-11-01T00:00:00Z");
    auto rule = checkedRule(EvaluatorRule);
    if (!rule) {
        std::fprintf(stderr, "bench_rules: evaluator rule: %s\n", local8(rule.error().toString()).constData());
        return 1;
    }
    const Node &node = rule.value();
    const Facts passing = member(now, true);
    const Facts failing = member(now, false);
    s_facts[0] = &passing;
    s_facts[1] = &failing;

    // The three predicates must agree before any of them is timed.
    for (const Facts *f : {&passing, &failing}) {
        const bool e = evaluate(node, *f).passed, h = handWritten(*f), q = matches(node, *f);
        if (e != h || e != q) {
            std::fprintf(stderr, "bench_rules: evaluate()=%d, hand-written=%d, matches()=%d disagree\n", e, h, q);
            return 1;
        }
    }
    const Evaluation sample = evaluate(node, passing);

    std::printf("Part 1: evaluator throughput\n");
    std::printf("  rule (normal form): %s\n", local8(print(node)).constData());
    std::printf("  facts: %lld attributes, %lld cart lines, 2 Facts alternated (one passes; the other fails only\n"
                "         on the last condition, any item), each loop >= %.1f s\n",
                static_cast<long long>(passing.attributes.size()), static_cast<long long>(passing.items.size()),
                double(MinimumNs) / 1e9);
    std::printf("  evaluate() builds the explain trace: %lld trace lines per call (print() of every condition,\n"
                "  the value seen, a hint when it fails); matches() gives the same answer without a trace.\n\n",
                static_cast<long long>(sample.trace.size()));

    const Rate evaluator = measure([&](const Facts &f) { return evaluate(node, f).passed; });
    const Rate hand = measure([](const Facts &f) { return handWritten(f); });
    const Rate walker = measure([&](const Facts &f) { return matches(node, f); });

    printRate("evaluate() (with trace, always)", evaluator);
    printRate("hand-written C++ over the same Facts", hand);
    printRate("matches() (no trace, short-circuit)", walker);
    std::printf("\n  ratio evaluate() / hand-written (time per eval):           %8.1fx\n", evaluator.nsPerCall() / hand.nsPerCall());
    std::printf("  ratio matches() / hand-written:                             %8.1fx\n", walker.nsPerCall() / hand.nsPerCall());
    std::printf("  share of evaluate() time that the trace + hints cost (est.): %5.1f%%\n",
                100.0 * (1.0 - walker.nsPerCall() / evaluator.nsPerCall()));
    std::printf("  (sink %lld)\n\n", static_cast<long long>(s_sink));
    return 0;
}

// ---- Part 2 -------------------------------------------------------------------------

struct Run
{
    QList<double> ms;
    qint64 count = -1;
    QString error;

    double median() const
    {
        QList<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted.isEmpty() ? 0 : sorted.size() % 2 ? sorted[sorted.size() / 2]
                                                       : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
    }
};

Run repeat(int times, const std::function<Result<qint64>()> &fn)
{
    Run run;
    for (int i = 0; i < times; ++i) {
        QElapsedTimer timer;
        timer.start();
        const Result<qint64> result = fn();
        run.ms << double(timer.nsecsElapsed()) / 1e6;
        if (!result) {
            run.error = result.error().toString();
            break;
        }
        run.count = result.value();
    }
    return run;
}

Result<QSqlQuery> exec(Store::Connection &connection, const QString &sql, const QVariantList &bindings)
{
    QSqlQuery q(connection.database());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return Error{q.lastError().text(), sql};
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    if (!q.exec())
        return Error{q.lastError().text(), sql};
    return q;
}

Result<qint64> countSql(Store::Connection &connection, const QString &sql, const QVariantList &bindings)
{
    auto q = exec(connection, sql, bindings);
    if (!q)
        return q.error();
    if (!q.value().next())
        return Error{QStringLiteral("no row"), sql};
    return q.value().value(0).toLongLong();
}

void printPlan(Store::Connection &connection, const QString &sql, const QVariantList &bindings)
{
    auto q = exec(connection, QStringLiteral("EXPLAIN QUERY PLAN ") + sql, bindings);
    if (!q) {
        std::printf("    plan: error: %s\n", local8(q.error().message).constData());
        return;
    }
    while (q.value().next())
        std::printf("    plan: [%d<-%d] %s\n", q.value().value(0).toInt(), q.value().value(1).toInt(),
                    local8(q.value().value(3).toString()).constData());
}

void printRun(const char *what, const Run &run)
{
    std::printf("  %-46s", what);
    for (qsizetype i = 0; i < run.ms.size(); ++i)
        std::printf(" %9.1f", run.ms[i]);
    if (!run.error.isEmpty()) {
        std::printf("  error: %s\n", local8(run.error).constData());
        return;
    }
    std::printf(" | median %9.1f ms | count %lld\n", run.median(), static_cast<long long>(run.count));
}

int segmentPart(const QString &path)
{
    const qint64 now = isoMs("2026-11-01T00:00:00Z");
    auto rule = checkedRule(SegmentRule);
    if (!rule) {
        std::fprintf(stderr, "bench_rules: segment rule: %s\n", local8(rule.error().toString()).constData());
        return 1;
    }
    auto compiled = compileCustomerRule(rule.value(), now);
    if (!compiled) {
        std::fprintf(stderr, "bench_rules: compile: %s\n", local8(compiled.error().toString()).constData());
        return 1;
    }
    const QString where = compiled.value().where;
    const QVariantList bindings = compiled.value().bindings;
    QStringList bound;
    for (const QVariant &v : bindings)
        bound << v.toString();

    auto opened = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
    if (!opened) {
        std::fprintf(stderr, "bench_rules: %s\n", local8(opened.error().toString()).constData());
        return 1;
    }
    Store::Connection &connection = *opened.value();
    Store::CustomerRepository repository(connection);

    std::printf("Part 2: segment count, %s (%.1f MB), now = 2026-11-01T00:00:00Z\n", local8(path).constData(),
                double(QFileInfo(path).size()) / (1024.0 * 1024.0));
    std::printf("  rule:     %s\n", SegmentRule);
    std::printf("  WHERE:    %s\n", local8(where).constData());
    std::printf("  bindings: %s\n", local8(bound.join(QStringLiteral(", "))).constData());
    std::printf("  times in ms, 5 runs each in this order; the very first run is the cold one (first query of the\n"
                "  process; the OS page cache may already hold the file)\n\n");

    const QString compiledSql = QStringLiteral("SELECT count(*) FROM customers c WHERE ") + where;
    const QString notIndexedSql = QStringLiteral("SELECT count(*) FROM customers AS c NOT INDEXED WHERE ") + where;
    const QString handSql = QStringLiteral("SELECT count(*) FROM customers NOT INDEXED WHERE address_country = 'IE' "
                                           "AND total_spent >= 20000 AND last_order_at >= ?");
    const QString handPlannedSql = QStringLiteral("SELECT count(*) FROM customers WHERE address_country = 'IE' "
                                                  "AND total_spent >= 20000 AND last_order_at >= ?");
    const QVariantList handBindings{now - 90 * DayMs};

    const Run viaRepository = repeat(5, [&] { return repository.countWhere(where, bindings); });
    const Run hand = repeat(5, [&] { return countSql(connection, handSql, handBindings); });
    const Run notIndexed = repeat(5, [&] { return countSql(connection, notIndexedSql, bindings); });
    const Run handPlanned = repeat(5, [&] { return countSql(connection, handPlannedSql, handBindings); });

    printRun("compiled, CustomerRepository::countWhere", viaRepository);
    printPlan(connection, compiledSql, bindings);
    printRun("hand-written SQL, customers NOT INDEXED", hand);
    printPlan(connection, handSql, handBindings);
    printRun("compiled WHERE, customers AS c NOT INDEXED", notIndexed);
    printPlan(connection, notIndexedSql, bindings);
    printRun("hand-written SQL, planner's choice (no hint)", handPlanned);
    printPlan(connection, handPlannedSql, handBindings);

    auto analysed = countSql(connection, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"), {});
    std::printf("\n  sqlite_stat1 present (ANALYZE run on the workspace): %s\n",
                analysed ? (analysed.value() > 0 ? "yes" : "no") : "unknown");
    if (viaRepository.error.isEmpty() && hand.error.isEmpty() && notIndexed.error.isEmpty()) {
        std::printf("  median compiled / hand-written NOT INDEXED: %.2fx; compiled NOT INDEXED / hand-written: %.2fx\n",
                    viaRepository.median() / hand.median(), notIndexed.median() / hand.median());
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.size() > 1 || (arguments.size() == 1 && arguments.constFirst() == QLatin1String("--help"))) {
        std::fputs("usage: bench_rules [WORKSPACE]\n", arguments.size() == 1 ? stdout : stderr);
        return arguments.size() == 1 ? 0 : 2;
    }
    std::printf("bench_rules: QThread::idealThreadCount() = %d\n\n", QThread::idealThreadCount());

    if (const int rc = evaluatorPart(); rc != 0)
        return rc;
    if (arguments.isEmpty()) {
        std::printf("Part 2: skipped (no WORKSPACE argument)\n");
        return 0;
    }
    return segmentPart(arguments.constFirst());
}
