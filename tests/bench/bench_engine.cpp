// bench_engine WORKSPACE [--campaigns N] [--qualify N] [--redeem N]
//
// The campaign engine on a copy of WORKSPACE (e.g. the large demo): adds N active
// campaigns (default 200: promotions with tiers, coupons with shared codes, rules on
// the customer, the cart and its items, every discount type, stacking categories,
// some limits and budgets), then
//   qualify — random members with random 10-line carts from the catalogue, in-process:
//             p50 / p90 / p99 / max latency, a cold pass then the same requests warm;
//   redeem  — one code or tier per request, each its own IMMEDIATE transaction as in
//             production: redemptions per second, p50 / p99 latency.
// Prints figures only; the copy is deleted afterwards.

#include "engine/engine.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace PromoDesk;
using namespace PromoDesk::Engine;

namespace {

Eligibility rule(const QString &text)
{
    auto eligibility = eligibilityFromText(text, QStringLiteral("not for this cart"));
    if (!eligibility) {
        std::fprintf(stderr, "bench_engine: bad rule %s: %s\n", qPrintable(text), qPrintable(eligibility.error().toString()));
        std::exit(1);
    }
    return eligibility.value();
}

Discount randomDiscount(QRandomGenerator &random, const QStringList &categories)
{
    Discount d;
    switch (random.bounded(5)) {
    case 0:
        d.type = DiscountType::Amount;
        d.amountOff = 100 * (1 + random.bounded(20));
        break;
    case 1:
        d.type = DiscountType::Percent;
        d.percentOff = 5 + random.bounded(30);
        d.amountLimit = random.bounded(2) ? 5000 : 0;
        break;
    case 2: {
        d.type = DiscountType::Percent;
        d.percentOff = 10 + random.bounded(40);
        d.effect = DiscountEffect::ApplyToItems;
        ItemTarget target;
        target.object = ItemTarget::Object::Category;
        target.id = categories[int(random.bounded(qint64(categories.size())))];
        target.effect = ItemEffect(random.bounded(3));
        target.quantityLimit = random.bounded(3);
        d.applicableTo << target;
        break;
    }
    case 3:
        d.type = DiscountType::Amount;
        d.amountOff = 200;
        d.effect = DiscountEffect::ApplyToItems;
        d.applicableTo << ItemTarget{ItemTarget::Object::Category, categories[int(random.bounded(qint64(categories.size())))],
                                     ItemEffect::Every, 0, 2};
        break;
    default:
        d.type = DiscountType::Shipping;
        break;
    }
    return d;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fputs("usage: bench_engine WORKSPACE [--campaigns N] [--qualify N] [--redeem N]\n", stderr);
        return 2;
    }
    auto option = [&args](const char *name, qint64 fallback) {
        const int at = int(args.indexOf(QString::fromLatin1(name)));
        return at > 0 && at + 1 < args.size() ? args[at + 1].toLongLong() : fallback;
    };
    const int campaignCount = int(option("--campaigns", 200));
    const int qualifyCount = int(option("--qualify", 5000));
    const int redeemCount = int(option("--redeem", 20000));

    QTemporaryDir dir(QFileInfo(args[1]).absolutePath() + QStringLiteral("/bench-engine-XXXXXX"));
    const QString path = dir.filePath(QStringLiteral("copy.promodesk"));
    QElapsedTimer timer;
    timer.start();
    if (!QFile::copy(args[1], path)) {
        std::fprintf(stderr, "bench_engine: cannot copy %s\n", qPrintable(args[1]));
        return 1;
    }
    std::printf("workspace  %s (copied in %.1f s), %d cores\n", qPrintable(args[1]), double(timer.elapsed()) / 1000.0,
                QThread::idealThreadCount());
    auto opened = Store::Workspace::open(path);
    auto connection = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    if (!opened || !connection || !Store::Workspace::configureForWriting(*connection.value())) {
        std::fputs("bench_engine: cannot open the copy\n", stderr);
        return 1;
    }
    Store::Connection &db = *connection.value();

    QList<qint64> customers;
    QList<OrderItem> catalogue;
    QStringList categories;
    {
        QSqlQuery q(db.database());
        q.exec(QStringLiteral("SELECT id FROM customers WHERE id % 97 = 0"));
        while (q.next())
            customers << q.value(0).toLongLong();
        q.exec(QStringLiteral("SELECT s.id, s.product_id, s.price FROM skus AS s ORDER BY s.id"));
        while (q.next())
            catalogue << OrderItem{q.value(0).toString(), q.value(1).toString(), {}, 1, q.value(2).toLongLong()};
        q.exec(QStringLiteral("SELECT name FROM categories ORDER BY id"));
        while (q.next())
            categories << q.value(0).toString();
    }
    if (customers.isEmpty() || catalogue.isEmpty()) {
        std::fputs("bench_engine: the workspace has no customers or catalogue (use a demo workspace)\n", stderr);
        return 1;
    }

    // The campaigns: a realistic mix where a cart qualifies for some and not others.
    QRandomGenerator random(20261126);
    const QStringList customerRules = {
        QStringLiteral("customer.country in [\"IE\", \"GB\"]"),
        QStringLiteral("customer.total_spent >= 200.00"),
        QStringLiteral("customer.orders_count >= 3"),
        QStringLiteral("customer.loyalty_tier in [\"silver\", \"gold\"]"),
        QStringLiteral("customer.created_at more than 30 days ago"),
        QStringLiteral("customer.metadata.pet_type is \"dog\""),
        QStringLiteral("customer.events.count(type: \"cart_abandoned\", days: 30) >= 1"),
        QStringLiteral("customer.redemptions.count(days: 90) < 5"),
    };
    QStringList codes;
    QStringList tierIds;
    Store::CampaignStore store(db);
    db.exec(QStringLiteral("BEGIN IMMEDIATE"));
    for (int i = 0; i < campaignCount; ++i) {
        Campaign c;
        c.id = QStringLiteral("camp_bench_%1").arg(i, 3, 10, QLatin1Char('0'));
        c.name = QStringLiteral("Bench campaign %1").arg(i);
        c.status = CampaignStatus::Active;
        c.timezone = QStringLiteral("Europe/Dublin");
        c.category = QStringLiteral("cat_%1").arg(random.bounded(6));
        c.priority = int(random.bounded(3));
        if (random.bounded(3) == 0)
            c.eligibility = rule(customerRules[int(random.bounded(qint64(customerRules.size())))]);
        if (i % 2 == 0) {
            c.type = CampaignType::Promotion;
            for (int t = 0; t < 1 + int(random.bounded(3)); ++t) {
                Tier tier;
                tier.id = c.id + QStringLiteral("_t%1").arg(t);
                tier.name = QStringLiteral("Tier %1").arg(t);
                tier.eligibility = rule(
                    random.bounded(2) ? QStringLiteral("order.amount >= %1.00").arg(20 + 30 * t + int(random.bounded(50)))
                                      : QStringLiteral("order.items.quantity(category: \"%1\") >= %2")
                                            .arg(categories[int(random.bounded(qint64(categories.size())))])
                                            .arg(1 + t));
                tier.discount = randomDiscount(random, categories);
                c.tiers << tier;
                tierIds << tier.id;
            }
        } else {
            c.type = CampaignType::DiscountCoupons;
            c.standaloneCode = QStringLiteral("BENCH%1").arg(i, 3, 10, QLatin1Char('0'));
            c.discount = randomDiscount(random, categories);
            if (i % 7 == 1)
                c.limits.perCustomer = 3;
            if (i % 11 == 3)
                c.limits.budgetDiscount = 500'000'000;
            codes << c.standaloneCode;
        }
        if (auto saved = store.saveCampaign(c, QStringLiteral("bench")); !saved) {
            std::fprintf(stderr, "bench_engine: %s\n", qPrintable(saved.error().toString()));
            return 1;
        }
    }
    db.exec(QStringLiteral("COMMIT"));
    std::printf("campaigns  %d active added (%lld tiers, %lld shared codes)\n", campaignCount, qint64(tierIds.size()),
                qint64(codes.size()));

    auto randomCart = [&]() {
        Order order;
        order.channel = QStringLiteral("web");
        order.shipping = 495;
        for (int l = 0; l < 10; ++l) {
            OrderItem item = catalogue[int(random.bounded(qint64(catalogue.size())))];
            item.quantity = 1 + random.bounded(3);
            order.items << item;
        }
        return order;
    };
    auto randomCustomer = [&]() {
        return QStringLiteral("cust_%1").arg(customers[int(random.bounded(qint64(customers.size())))]);
    };

    // qualify
    CampaignEngine engine(db);
    {
        Request warm;
        warm.customer = randomCustomer();
        warm.order = randomCart();
        if (auto r = engine.qualify(warm); !r) {
            std::fprintf(stderr, "bench_engine: %s\n", qPrintable(r.error().toString()));
            return 1;
        }
    }
    // Two passes over the same members and carts: the first reads their pages from
    // disk (a cold cache after the copy), the second is the engine's own cost.
    std::vector<double> latencies;
    qint64 applicable = 0;
    const quint32 passSeed = random.generate();
    for (const char *pass : {"cold", "warm"}) {
        QRandomGenerator passRandom(passSeed);
        std::swap(random, passRandom);
        latencies.clear();
        applicable = 0;
        for (int i = 0; i < qualifyCount; ++i) {
            Request request;
            request.customer = randomCustomer();
            request.order = randomCart();
            QElapsedTimer t;
            t.start();
            auto result = engine.qualify(request);
            latencies.push_back(double(t.nsecsElapsed()) / 1e6);
            if (!result) {
                std::fprintf(stderr, "bench_engine: %s\n", qPrintable(result.error().toString()));
                return 1;
            }
            applicable += result.value().applicable.size();
        }
        std::swap(random, passRandom);
        std::printf("qualify    %s: %d carts of 10 lines, %d active campaigns: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
                    "max %.3f ms (%.1f applicable per cart)\n",
                    pass, qualifyCount, campaignCount, percentile(latencies, 0.50), percentile(latencies, 0.90),
                    percentile(latencies, 0.99), percentile(latencies, 1.0), double(applicable) / qualifyCount);
    }

    // redeem, each its own transaction
    latencies.clear();
    qint64 succeeded = 0;
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < redeemCount; ++i) {
        Request request;
        request.customer = randomCustomer();
        request.order = randomCart();
        request.order.sourceId = QStringLiteral("bench-%1").arg(i);
        Redeemable r;
        if (random.bounded(2)) {
            r.id = codes[int(random.bounded(qint64(codes.size())))];
        } else {
            r.object = Redeemable::Object::PromotionTier;
            r.id = tierIds[int(random.bounded(qint64(tierIds.size())))];
        }
        request.redeemables = {r};
        QElapsedTimer t;
        t.start();
        auto result = engine.redeem(request);
        latencies.push_back(double(t.nsecsElapsed()) / 1e6);
        if (!result) {
            std::fprintf(stderr, "bench_engine: %s\n", qPrintable(result.error().toString()));
            return 1;
        }
        succeeded += result.value().valid ? 1 : 0;
    }
    const double seconds = double(wall.elapsed()) / 1000.0;
    std::printf("redeem     %d requests in %.2f s: %.0f redemptions/s (%lld succeeded, the rest recorded failures); "
                "p50 %.3f ms, p99 %.3f ms\n",
                redeemCount, seconds, redeemCount / seconds, succeeded, percentile(latencies, 0.50),
                percentile(latencies, 0.99));
    return 0;
}
