// Discount arithmetic: every type × effect against hand-computed cents, rounding,
// caps, cheapest / most expensive, quantity limits, free units, stacking, and a
// property test over random carts (invariants, permuting the cart).

#include "engine/discount.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <numeric>
#include <tuple>

using namespace PromoDesk::Engine;
using namespace Qt::StringLiterals;

namespace {

OrderItem line(const QString &sku, qint64 quantity, qint64 price, const QString &product = {}, const QString &category = {})
{
    OrderItem item;
    item.sku = sku;
    item.product = product;
    item.category = category;
    item.quantity = quantity;
    item.price = price;
    return item;
}

// Cart A: 2 × 10.00 Dog Food, 1 × 30.00 Cat Food, 3 × 5.00 Dog Food = 65.00.
QList<OrderItem> cartA()
{
    return {line(u"sku_a"_s, 2, 1000, u"prod_1"_s, u"Dog Food"_s), line(u"sku_b"_s, 1, 3000, u"prod_2"_s, u"Cat Food"_s),
            line(u"sku_c"_s, 3, 500, u"prod_3"_s, u"Dog Food"_s)};
}

ItemTarget target(ItemTarget::Object object, const QString &id, ItemEffect effect = ItemEffect::Every, qint64 quantityLimit = 0,
                  qint64 aggregatedLimit = 0)
{
    ItemTarget t;
    t.object = object;
    t.id = id;
    t.effect = effect;
    t.quantityLimit = quantityLimit;
    t.aggregatedQuantityLimit = aggregatedLimit;
    return t;
}

ItemTarget dogFood(ItemEffect effect = ItemEffect::Every, qint64 quantityLimit = 0, qint64 aggregatedLimit = 0)
{
    return target(ItemTarget::Object::Category, u"Dog Food"_s, effect, quantityLimit, aggregatedLimit);
}

Discount amountDiscount(qint64 cents, const QList<ItemTarget> &targets = {}, bool items = false)
{
    Discount d;
    d.type = DiscountType::Amount;
    d.amountOff = cents;
    d.effect = items || !targets.isEmpty() ? DiscountEffect::ApplyToItems : DiscountEffect::ApplyToOrder;
    d.applicableTo = targets;
    return d;
}

Discount percentDiscount(double percent, qint64 limit = 0, const QList<ItemTarget> &targets = {})
{
    Discount d;
    d.type = DiscountType::Percent;
    d.percentOff = percent;
    d.amountLimit = limit;
    d.effect = targets.isEmpty() ? DiscountEffect::ApplyToOrder : DiscountEffect::ApplyToItems;
    d.applicableTo = targets;
    return d;
}

Discount fixedAt(qint64 cents, const QList<ItemTarget> &targets = {})
{
    Discount d;
    d.type = DiscountType::Fixed;
    d.fixedAmount = cents;
    d.effect = targets.isEmpty() ? DiscountEffect::ApplyToOrder : DiscountEffect::ApplyToItems;
    d.applicableTo = targets;
    return d;
}

Discount unitDiscount(qint64 count, const QString &sku, DiscountEffect effect = DiscountEffect::AddMissingItems)
{
    Discount d;
    d.type = DiscountType::Unit;
    d.unitOff = count;
    d.unitSku = sku;
    d.effect = effect;
    return d;
}

Discount withFreeShipping(Discount d)
{
    d.freeShipping = true;
    return d;
}

Discount shippingOff()
{
    Discount d;
    d.type = DiscountType::Shipping;
    return d;
}

Order orderOf(const QList<OrderItem> &items, qint64 shipping = 0)
{
    Order order;
    order.items = items;
    order.shipping = shipping;
    return order;
}

qint64 sum(const QList<qint64> &values)
{
    qint64 total = 0;
    for (const qint64 v : values)
        total += v;
    return total;
}

qint64 leftOf(const OrderItem &item, qint64 already)
{
    const qint64 worth = item.quantity > 0 && item.price > 0 ? item.quantity * item.price : 0;
    return worth - std::clamp<qint64>(already, 0, worth);
}

SkuLookup catalogue(const QList<OrderItem> &entries)
{
    return [entries](const QString &sku) -> std::optional<OrderItem> {
        for (const OrderItem &entry : entries) {
            if (entry.sku == sku)
                return entry;
        }
        return std::nullopt;
    };
}

QString dump(const QList<qint64> &values)
{
    QStringList parts;
    for (const qint64 v : values)
        parts.append(QString::number(v));
    return u"["_s + parts.join(u", "_s) + u"]"_s;
}

// The order-level sum a reference computation expects, for the property test.
qint64 percentCents(qint64 cents, double percent)
{
    const qint64 bp = qRound64(percent * 100);
    return (2 * cents * bp + 10000) / 20000;
}

} // namespace

class TestDiscount : public QObject
{
    Q_OBJECT

private slots:
    void apply_data();
    void apply();
    void rounding_data();
    void rounding();
    void notApplicable_data();
    void notApplicable();
    void freeUnits_data();
    void freeUnits();
    void stackedNeverExceedsWhatIsLeft();
    void tiesGoByContentNotPosition();
    void describe_data();
    void describe();
    void randomCartsKeepTheInvariants();
};

void TestDiscount::apply_data()
{
    QTest::addColumn<Discount>("discount");
    QTest::addColumn<QList<OrderItem>>("items");
    QTest::addColumn<QList<qint64>>("already");
    QTest::addColumn<qint64>("shipping");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::addColumn<qint64>("expectedShipping");

    const QList<qint64> none;
    const auto product = ItemTarget::Object::Product;
    const auto sku = ItemTarget::Object::Sku;

    // Weights 2000/3000/1500 of 6500: 307.69, 461.54, 230.77; the 2 leftover cents go to the
    // largest remainders (c 5000, a 4500).
    QTest::newRow("amount order spread") << amountDiscount(1000) << cartA() << none << 0LL << QList<qint64>{308, 461, 231} << 0LL;
    QTest::newRow("amount order above the order") << amountDiscount(10000) << cartA() << none << 0LL << QList<qint64>{2000, 3000, 1500} << 0LL;
    QTest::newRow("amount items every unit") << amountDiscount(300, {dogFood()}) << cartA() << none << 0LL << QList<qint64>{600, 0, 900} << 0LL;
    QTest::newRow("amount items cheapest") << amountDiscount(300, {dogFood(ItemEffect::Cheapest)}) << cartA() << none << 0LL
                                           << QList<qint64>{0, 0, 300} << 0LL;
    QTest::newRow("amount items most expensive") << amountDiscount(300, {dogFood(ItemEffect::MostExpensive)}) << cartA() << none << 0LL
                                                 << QList<qint64>{300, 0, 0} << 0LL;
    QTest::newRow("amount items above the unit price") << amountDiscount(700, {target(sku, u"sku_c"_s)}) << cartA() << none << 0LL
                                                       << QList<qint64>{0, 0, 1500} << 0LL;
    QTest::newRow("amount items, empty applicable_to = every unit") << amountDiscount(100, {}, true) << cartA() << none << 0LL
                                                                     << QList<qint64>{200, 100, 300} << 0LL;
    QTest::newRow("amount items two targets") << amountDiscount(100, {target(sku, u"sku_b"_s), dogFood(ItemEffect::Cheapest)}) << cartA()
                                              << none << 0LL << QList<qint64>{0, 100, 100} << 0LL;
    // sku_a is Dog Food and prod_1: the first matching entry (cheapest Dog Food) owns it.
    QTest::newRow("amount items first target wins") << amountDiscount(100, {dogFood(ItemEffect::Cheapest), target(product, u"prod_1"_s)})
                                                    << cartA() << none << 0LL << QList<qint64>{0, 0, 100} << 0LL;

    QTest::newRow("percent order") << percentDiscount(10) << cartA() << none << 0LL << QList<qint64>{200, 300, 150} << 0LL;
    // 650 capped at 500, spread 153.85 / 230.77 / 115.38: leftovers to a (5500) and b (5000).
    QTest::newRow("percent order capped") << percentDiscount(10, 500) << cartA() << none << 0LL << QList<qint64>{154, 231, 115} << 0LL;
    QTest::newRow("percent order cap not reached") << percentDiscount(10, 651) << cartA() << none << 0LL << QList<qint64>{200, 300, 150} << 0LL;
    QTest::newRow("percent items every") << percentDiscount(10, 0, {dogFood()}) << cartA() << none << 0LL << QList<qint64>{200, 0, 150} << 0LL;
    QTest::newRow("percent items cheapest") << percentDiscount(50, 0, {dogFood(ItemEffect::Cheapest)}) << cartA() << none << 0LL
                                            << QList<qint64>{0, 0, 250} << 0LL;
    QTest::newRow("percent items most expensive") << percentDiscount(25, 0, {dogFood(ItemEffect::MostExpensive)}) << cartA() << none << 0LL
                                                  << QList<qint64>{250, 0, 0} << 0LL;
    // 1000 + 750 capped at 600 over bases 2000 / 1500: 342.86 / 257.14, the cent to a (3000 > 500).
    QTest::newRow("percent items capped") << percentDiscount(50, 600, {dogFood()}) << cartA() << none << 0LL << QList<qint64>{343, 0, 257} << 0LL;

    // 65.00 → 50.00: 15.00 spread 461.54 / 692.31 / 346.15, the cent to a.
    QTest::newRow("fixed order") << fixedAt(5000) << cartA() << none << 0LL << QList<qint64>{462, 692, 346} << 0LL;
    QTest::newRow("fixed items every, only if lower") << fixedAt(600, {dogFood()}) << cartA() << none << 0LL << QList<qint64>{800, 0, 0} << 0LL;
    QTest::newRow("fixed items cheapest") << fixedAt(100, {dogFood(ItemEffect::Cheapest)}) << cartA() << none << 0LL
                                          << QList<qint64>{0, 0, 400} << 0LL;
    QTest::newRow("fixed items most expensive") << fixedAt(100, {dogFood(ItemEffect::MostExpensive)}) << cartA() << none << 0LL
                                                << QList<qint64>{900, 0, 0} << 0LL;

    QTest::newRow("shipping") << shippingOff() << cartA() << none << 499LL << QList<qint64>{0, 0, 0} << 499LL;
    QTest::newRow("shipping with an empty cart") << shippingOff() << QList<OrderItem>{} << none << 499LL << QList<qint64>{} << 499LL;
    QTest::newRow("amount plus free shipping") << withFreeShipping(amountDiscount(1000)) << cartA() << none << 499LL
                                               << QList<qint64>{308, 461, 231} << 499LL;
    QTest::newRow("free shipping without shipping") << withFreeShipping(amountDiscount(1000)) << cartA() << none << 0LL
                                                    << QList<qint64>{308, 461, 231} << 0LL;
    // The fixed price takes nothing off a 65.00 order, the shipping still goes.
    QTest::newRow("free shipping alone applies") << withFreeShipping(fixedAt(10000)) << cartA() << none << 499LL
                                                 << QList<qint64>{0, 0, 0} << 499LL;

    // Quantity limits.
    QTest::newRow("every, 1 per line") << amountDiscount(100, {dogFood(ItemEffect::Every, 1)}) << cartA() << none << 0LL
                                       << QList<qint64>{100, 0, 100} << 0LL;
    // Aggregated: lines in content order, sku_a (2 units) before sku_c.
    QTest::newRow("every, 3 in all") << amountDiscount(100, {dogFood(ItemEffect::Every, 0, 3)}) << cartA() << none << 0LL
                                     << QList<qint64>{200, 0, 100} << 0LL;
    QTest::newRow("every, 1 per line, 1 in all") << amountDiscount(100, {dogFood(ItemEffect::Every, 1, 1)}) << cartA() << none << 0LL
                                                 << QList<qint64>{100, 0, 0} << 0LL;
    QTest::newRow("cheapest 4, 2 per line") << amountDiscount(100, {dogFood(ItemEffect::Cheapest, 2, 4)}) << cartA() << none << 0LL
                                            << QList<qint64>{200, 0, 200} << 0LL;
    QTest::newRow("cheapest, quantity_limit 2 alone") << amountDiscount(100, {dogFood(ItemEffect::Cheapest, 2)}) << cartA() << none << 0LL
                                                      << QList<qint64>{0, 0, 200} << 0LL;
    QTest::newRow("cheapest 5 of 5") << amountDiscount(100, {dogFood(ItemEffect::Cheapest, 0, 9)}) << cartA() << none << 0LL
                                     << QList<qint64>{200, 0, 300} << 0LL;
    QTest::newRow("most expensive 3") << amountDiscount(100, {dogFood(ItemEffect::MostExpensive, 0, 3)}) << cartA() << none << 0LL
                                      << QList<qint64>{200, 0, 100} << 0LL;
    QTest::newRow("percent, 1 per line") << percentDiscount(10, 0, {dogFood(ItemEffect::Every, 1)}) << cartA() << none << 0LL
                                         << QList<qint64>{100, 0, 50} << 0LL;
    QTest::newRow("fixed, most expensive 2 at 7.00") << fixedAt(700, {dogFood(ItemEffect::MostExpensive, 0, 2)}) << cartA() << none << 0LL
                                                     << QList<qint64>{600, 0, 0} << 0LL;

    // Stacked: left 15.00 / 30.00 / 0.00; 10.00 over 1500 / 3000 = 333.33 / 666.67, the cent to b.
    const QList<qint64> stacked{500, 0, 1500};
    QTest::newRow("stacked amount order") << amountDiscount(1000) << cartA() << stacked << 0LL << QList<qint64>{333, 667, 0} << 0LL;
    QTest::newRow("stacked percent order") << percentDiscount(10) << cartA() << stacked << 0LL << QList<qint64>{150, 300, 0} << 0LL;
    QTest::newRow("stacked fixed order") << fixedAt(3000) << cartA() << stacked << 0LL << QList<qint64>{500, 1000, 0} << 0LL;
    // sku_a has 15.00 left over 2 units: both at 6.00 takes 3.00.
    QTest::newRow("stacked fixed items") << fixedAt(600, {dogFood()}) << cartA() << stacked << 0LL << QList<qint64>{300, 0, 0} << 0LL;
    // sku_c is used up, so the cheapest Dog Food unit with something left is sku_a's.
    QTest::newRow("stacked cheapest skips used-up lines") << amountDiscount(300, {dogFood(ItemEffect::Cheapest)}) << cartA() << stacked << 0LL
                                                          << QList<qint64>{300, 0, 0} << 0LL;
    QTest::newRow("stacked amount items above what is left") << amountDiscount(300, {target(sku, u"sku_a"_s)}) << cartA()
                                                             << QList<qint64>{1900, 0, 0} << 0LL << QList<qint64>{100, 0, 0} << 0LL;
    // One unit of sku_a: half of its 15.00 left is 7.50, 10 % is 0.75.
    QTest::newRow("stacked percent, part of a line") << percentDiscount(10, 0, {dogFood(ItemEffect::MostExpensive)}) << cartA() << stacked << 0LL
                                                     << QList<qint64>{75, 0, 0} << 0LL;
    // 10.01 left over 2 units: one unit's share is 5.005, and 50 % of it 2.5025 rounds once to 2.50
    // (rounding the share first would give 2.51).
    QTest::newRow("stacked percent rounds once") << percentDiscount(50, 0, {dogFood(ItemEffect::MostExpensive)})
                                                 << QList<OrderItem>{line(u"sku_p"_s, 2, 600, u"prod_p"_s, u"Dog Food"_s)}
                                                 << QList<qint64>{199} << 0LL << QList<qint64>{250} << 0LL;
    QTest::newRow("already above the line is clamped") << amountDiscount(10000) << cartA() << QList<qint64>{99999, -5, 0} << 0LL
                                                       << QList<qint64>{0, 3000, 1500} << 0LL;
}

void TestDiscount::apply()
{
    QFETCH(Discount, discount);
    QFETCH(QList<OrderItem>, items);
    QFETCH(QList<qint64>, already);
    QFETCH(qint64, shipping);
    QFETCH(QList<qint64>, expected);
    QFETCH(qint64, expectedShipping);

    const AppliedDiscount result = applyDiscount(discount, orderOf(items, shipping), already);
    QVERIFY2(result.applicable, qPrintable(result.message));
    QVERIFY2(result.lineDiscounts == expected, qPrintable(dump(result.lineDiscounts) + u" != "_s + dump(expected)));
    QCOMPARE(result.shippingDiscount, expectedShipping);
    QCOMPARE(result.total, sum(expected) + expectedShipping);
    QVERIFY(result.addedItems.isEmpty());
}

void TestDiscount::rounding_data()
{
    QTest::addColumn<QList<OrderItem>>("items");
    QTest::addColumn<double>("percent");
    QTest::addColumn<QList<qint64>>("expected");

    QTest::newRow("10% of 10.05 = 1.01 (1.005 up)") << QList<OrderItem>{line(u"x"_s, 1, 1005)} << 10.0 << QList<qint64>{101};
    QTest::newRow("10% of 10.04 = 1.00") << QList<OrderItem>{line(u"x"_s, 1, 1004)} << 10.0 << QList<qint64>{100};
    QTest::newRow("15% of 3.33 = 0.50 (0.4995 up)") << QList<OrderItem>{line(u"x"_s, 1, 333)} << 15.0 << QList<qint64>{50};
    QTest::newRow("12.5% of 0.04 = 0.01 (half up)") << QList<OrderItem>{line(u"x"_s, 1, 4)} << 12.5 << QList<qint64>{1};
    QTest::newRow("12.5% of 0.03 = 0.00") << QList<OrderItem>{line(u"x"_s, 1, 3)} << 12.5 << QList<qint64>{0};
    QTest::newRow("33.33% of 3.00 = 1.00") << QList<OrderItem>{line(u"x"_s, 1, 300)} << 33.33 << QList<qint64>{100};
    QTest::newRow("0.01% of 50.00 = 0.01 (half up)") << QList<OrderItem>{line(u"x"_s, 1, 5000)} << 0.01 << QList<qint64>{1};
    QTest::newRow("100% is the line") << QList<OrderItem>{line(u"x"_s, 3, 259)} << 100.0 << QList<qint64>{777};
    // Per line, then summed: 0.5 + 0.5 rounds to 2 cents, not 10 % of 0.10 = 1 cent.
    QTest::newRow("per line then summed") << QList<OrderItem>{line(u"x"_s, 1, 5), line(u"y"_s, 1, 5)} << 10.0 << QList<qint64>{1, 1};
    QTest::newRow("7% of 3 × 0.99") << QList<OrderItem>{line(u"x"_s, 3, 99)} << 7.0 << QList<qint64>{21}; // 20.79
}

void TestDiscount::rounding()
{
    QFETCH(QList<OrderItem>, items);
    QFETCH(double, percent);
    QFETCH(QList<qint64>, expected);

    const AppliedDiscount result = applyDiscount(percentDiscount(percent), orderOf(items));
    QVERIFY2(result.lineDiscounts == expected, qPrintable(dump(result.lineDiscounts) + u" != "_s + dump(expected)));
    QCOMPARE(result.total, sum(expected));
    QCOMPARE(result.applicable, sum(expected) > 0);

    // The same line as an APPLY_TO_ITEMS discount on one unit rounds the same way.
    if (items.size() == 1 && items.constFirst().quantity == 1) {
        QList<OrderItem> three = items;
        three.first().quantity = 3;
        const AppliedDiscount one = applyDiscount(percentDiscount(percent, 0, {target(ItemTarget::Object::Sku, u"x"_s, ItemEffect::Cheapest)}),
                                                  orderOf(three));
        QCOMPARE(one.total, expected.constFirst());
    }
}

void TestDiscount::notApplicable_data()
{
    QTest::addColumn<Discount>("discount");
    QTest::addColumn<QList<OrderItem>>("items");
    QTest::addColumn<QList<qint64>>("already");
    QTest::addColumn<qint64>("shipping");
    QTest::addColumn<QString>("message");

    const QList<qint64> none;
    QTest::newRow("no item of the product") << amountDiscount(100, {target(ItemTarget::Object::Product, u"prod_12"_s)}) << cartA() << none
                                            << 0LL << u"the cart holds no item of product prod_12"_s;
    QTest::newRow("no item in the category") << percentDiscount(10, 0, {target(ItemTarget::Object::Category, u"Bird Seed"_s)}) << cartA()
                                             << none << 0LL << u"the cart holds no item in category Bird Seed"_s;
    QTest::newRow("no item of either target") << fixedAt(100, {target(ItemTarget::Object::Sku, u"sku_z"_s),
                                                               target(ItemTarget::Object::Category, u"Toys"_s)})
                                              << cartA() << none << 0LL << u"the cart holds no item of SKU sku_z or in category Toys"_s;
    QTest::newRow("free shipping does not rescue a missing target")
        << withFreeShipping(amountDiscount(100, {target(ItemTarget::Object::Product, u"prod_12"_s)})) << cartA() << none << 499LL
        << u"the cart holds no item of product prod_12"_s;
    QTest::newRow("no shipping cost") << shippingOff() << cartA() << none << 0LL << u"the order has no shipping cost"_s;
    QTest::newRow("everything already discounted") << amountDiscount(100) << cartA() << QList<qint64>{2000, 3000, 1500} << 0LL
                                                   << u"nothing left to discount"_s;
    QTest::newRow("matching items already discounted") << amountDiscount(100, {dogFood()}) << cartA() << QList<qint64>{2000, 0, 1500} << 0LL
                                                       << u"nothing left to discount"_s;
    QTest::newRow("empty cart") << percentDiscount(10) << QList<OrderItem>{} << none << 0LL << u"nothing left to discount"_s;
    QTest::newRow("fixed above the order") << fixedAt(6500) << cartA() << none << 0LL
                                           << u"nothing left to discount: the order already costs 65.00 or less"_s;
    QTest::newRow("fixed above every unit") << fixedAt(1000, {dogFood()}) << cartA() << none << 0LL
                                            << u"nothing left to discount: the matching items already cost 10.00 or less each"_s;
    QTest::newRow("zero amount") << amountDiscount(0) << cartA() << none << 0LL << u"nothing left to discount"_s;
    QTest::newRow("percent rounding to nothing") << percentDiscount(1) << QList<OrderItem>{line(u"x"_s, 1, 49)} << none << 0LL
                                                 << u"nothing left to discount"_s;
    Discount missingOnAmount = amountDiscount(100);
    missingOnAmount.effect = DiscountEffect::AddMissingItems;
    QTest::newRow("adding items is for UNIT") << missingOnAmount << cartA() << none << 0LL << u"ADD_MISSING_ITEMS applies only to UNIT discounts"_s;
    QTest::newRow("unit without a price") << unitDiscount(1, u"sku_f"_s) << cartA() << none << 0LL
                                          << u"SKU sku_f is not in the cart and has no price in the catalogue"_s;
    QTest::newRow("unit without a SKU") << unitDiscount(1, QString()) << cartA() << none << 0LL
                                        << u"the discount names no free units (unit_off and unit_type)"_s;
}

void TestDiscount::notApplicable()
{
    QFETCH(Discount, discount);
    QFETCH(QList<OrderItem>, items);
    QFETCH(QList<qint64>, already);
    QFETCH(qint64, shipping);
    QFETCH(QString, message);

    const AppliedDiscount result = applyDiscount(discount, orderOf(items, shipping), already, catalogue({}));
    QVERIFY(!result.applicable);
    QCOMPARE(result.message, message);
    QCOMPARE(result.total, qint64(0));
    QCOMPARE(result.shippingDiscount, qint64(0));
    QVERIFY(result.addedItems.isEmpty());
    QCOMPARE(result.lineDiscounts, QList<qint64>(items.size(), 0));
}

void TestDiscount::freeUnits_data()
{
    QTest::addColumn<Discount>("discount");
    QTest::addColumn<QList<OrderItem>>("items");
    QTest::addColumn<QList<qint64>>("already");
    QTest::addColumn<QList<OrderItem>>("catalogueEntries");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::addColumn<QList<OrderItem>>("added");

    const OrderItem other = line(u"sku_a"_s, 2, 1000, u"prod_1"_s, u"Dog Food"_s);
    const OrderItem treat = line(u"sku_f"_s, 1, 250, u"prod_f"_s, u"Treats"_s);
    const auto treats = [&](qint64 quantity, qint64 price = 250) {
        OrderItem t = treat;
        t.quantity = quantity;
        t.price = price;
        return t;
    };
    const QList<qint64> none;
    const QList<OrderItem> catalogueTreat{treats(1)};

    QTest::newRow("missing: none in the cart, price from the catalogue")
        << unitDiscount(2, u"sku_f"_s) << QList<OrderItem>{other} << none << catalogueTreat << QList<qint64>{0, 500}
        << QList<OrderItem>{treats(2)};
    QTest::newRow("missing: some in the cart") << unitDiscount(2, u"sku_f"_s) << QList<OrderItem>{other, treats(1)} << none << catalogueTreat
                                               << QList<qint64>{0, 250, 250} << QList<OrderItem>{treats(1)};
    QTest::newRow("missing: exactly enough") << unitDiscount(2, u"sku_f"_s) << QList<OrderItem>{treats(2), other} << none << catalogueTreat
                                             << QList<qint64>{500, 0} << QList<OrderItem>{};
    QTest::newRow("missing: more than enough") << unitDiscount(2, u"sku_f"_s) << QList<OrderItem>{treats(5)} << none << catalogueTreat
                                               << QList<qint64>{500} << QList<OrderItem>{};
    // The cart's price wins over the catalogue's, and no catalogue is needed.
    QTest::newRow("missing: price from the cart line") << unitDiscount(3, u"sku_f"_s) << QList<OrderItem>{treats(1, 300)} << none
                                                       << QList<OrderItem>{} << QList<qint64>{300, 600} << QList<OrderItem>{treats(2, 300)};
    QTest::newRow("missing: cart price over catalogue price") << unitDiscount(2, u"sku_f"_s) << QList<OrderItem>{treats(1, 300)} << none
                                                              << QList<OrderItem>{treats(1, 999)} << QList<qint64>{300, 300}
                                                              << QList<OrderItem>{treats(1, 300)};
    // Two lines of the SKU: the cheaper one is free first.
    QTest::newRow("missing: cheapest line first") << unitDiscount(1, u"sku_f"_s) << QList<OrderItem>{treats(1, 300), treats(1, 200)} << none
                                                  << QList<OrderItem>{} << QList<qint64>{0, 200} << QList<OrderItem>{};
    // 1.00 already off the one unit: 1.50 of it is left to give, the other unit is added.
    QTest::newRow("missing: stacked") << unitDiscount(2, u"sku_f"_s) << QList<OrderItem>{treats(1)} << QList<qint64>{100}
                                      << QList<OrderItem>{} << QList<qint64>{150, 250} << QList<OrderItem>{treats(1)};
    // A used-up line of the SKU gives nothing, so both units are added (at its price).
    QTest::newRow("missing: used-up line") << unitDiscount(2, u"sku_f"_s) << QList<OrderItem>{treats(1)} << QList<qint64>{250}
                                           << QList<OrderItem>{} << QList<qint64>{0, 500} << QList<OrderItem>{treats(2)};
    QTest::newRow("new: always added") << unitDiscount(2, u"sku_f"_s, DiscountEffect::AddNewItems) << QList<OrderItem>{treats(3), other}
                                       << none << catalogueTreat << QList<qint64>{0, 0, 500} << QList<OrderItem>{treats(2)};
    QTest::newRow("new: from the catalogue") << unitDiscount(1, u"sku_f"_s, DiscountEffect::AddNewItems) << QList<OrderItem>{other} << none
                                             << catalogueTreat << QList<qint64>{0, 250} << QList<OrderItem>{treats(1)};
    // UNIT with APPLY_TO_ORDER reads as Voucherify's default, ADD_MISSING_ITEMS.
    QTest::newRow("default effect is add missing") << unitDiscount(2, u"sku_f"_s, DiscountEffect::ApplyToOrder) << QList<OrderItem>{treats(1)}
                                                   << none << QList<OrderItem>{} << QList<qint64>{250, 250} << QList<OrderItem>{treats(1)};
}

void TestDiscount::freeUnits()
{
    QFETCH(Discount, discount);
    QFETCH(QList<OrderItem>, items);
    QFETCH(QList<qint64>, already);
    QFETCH(QList<OrderItem>, catalogueEntries);
    QFETCH(QList<qint64>, expected);
    QFETCH(QList<OrderItem>, added);

    const AppliedDiscount result = applyDiscount(discount, orderOf(items), already,
                                                 catalogueEntries.isEmpty() ? SkuLookup() : catalogue(catalogueEntries));
    QVERIFY2(result.applicable, qPrintable(result.message));
    QVERIFY2(result.lineDiscounts == expected, qPrintable(dump(result.lineDiscounts) + u" != "_s + dump(expected)));
    QCOMPARE(result.addedItems, added);
    QCOMPARE(result.total, sum(expected));
    QCOMPARE(result.shippingDiscount, qint64(0));
}

void TestDiscount::stackedNeverExceedsWhatIsLeft()
{
    // Apply the same discounts one after another, each on what the previous ones left.
    const QList<Discount> discounts{percentDiscount(30),
                                    amountDiscount(400, {dogFood()}),
                                    fixedAt(2000),
                                    percentDiscount(90, 0, {dogFood(ItemEffect::MostExpensive)}),
                                    amountDiscount(100000),
                                    amountDiscount(1)};
    const Order order = orderOf(cartA());
    QList<qint64> already(order.items.size(), 0);
    // Left after each: 30 % takes 600 / 900 / 450 → 1400 / 2100 / 1050.
    // 4.00 per Dog Food unit: a 800, c only its 1050 left → 600 / 2100 / 0.
    // The order at 20.00: 700 over 600 / 2100 → 155.56 / 544.44, the cent to a → 444 / 1556 / 0.
    // 90 % of the dearest Dog Food unit with something left: half of a's 4.44 → 1.998 → 2.00.
    // 1000.00 off takes the rest (244 + 1556); then nothing is left for 0.01.
    const QList<qint64> expectedTotals{1950, 1850, 700, 200, 1800, 0};
    qint64 taken = 0;
    for (qsizetype k = 0; k < discounts.size(); ++k) {
        const AppliedDiscount result = applyDiscount(discounts.at(k), order, already);
        QCOMPARE(result.total, expectedTotals.at(k));
        QCOMPARE(result.applicable, expectedTotals.at(k) > 0);
        QCOMPARE(result.lineDiscounts.size(), order.items.size());
        for (qsizetype i = 0; i < order.items.size(); ++i) {
            QVERIFY(result.lineDiscounts.at(i) >= 0);
            QVERIFY2(result.lineDiscounts.at(i) <= leftOf(order.items.at(i), already.at(i)),
                     qPrintable(u"discount %1, line %2"_s.arg(k).arg(i)));
            already[i] += result.lineDiscounts.at(i);
        }
        taken += result.total;
    }
    QCOMPARE(already, (QList<qint64>{2000, 3000, 1500}));
    QCOMPARE(taken, qint64(6500));
}

void TestDiscount::tiesGoByContentNotPosition()
{
    // Equal remainders: 1.00 over three 1.00 lines gives the extra cent to the first by sku.
    const QList<OrderItem> abc{line(u"a"_s, 1, 100), line(u"b"_s, 1, 100), line(u"c"_s, 1, 100)};
    QCOMPARE(applyDiscount(amountDiscount(100), orderOf(abc)).lineDiscounts, (QList<qint64>{34, 33, 33}));
    const QList<OrderItem> cab{abc.at(2), abc.at(0), abc.at(1)};
    QCOMPARE(applyDiscount(amountDiscount(100), orderOf(cab)).lineDiscounts, (QList<qint64>{33, 34, 33}));
    // Unequal remainders: the larger one wins whatever the sku (33.33 / 66.67).
    const QList<OrderItem> unequal{line(u"z"_s, 1, 200), line(u"a"_s, 1, 100)};
    QCOMPARE(applyDiscount(amountDiscount(100), orderOf(unequal)).lineDiscounts, (QList<qint64>{67, 33}));

    // Same sku, different product: the product decides.
    const QList<OrderItem> sameSku{line(u"s"_s, 1, 100, u"prod_b"_s), line(u"s"_s, 1, 100, u"prod_a"_s)};
    QCOMPARE(applyDiscount(amountDiscount(1), orderOf(sameSku)).lineDiscounts, (QList<qint64>{0, 1}));

    // Cheapest and most expensive among equal prices: the first by content, in either cart order.
    const OrderItem x = line(u"sku_x"_s, 2, 500, u"p"_s, u"Toys"_s);
    const OrderItem y = line(u"sku_y"_s, 1, 500, u"p"_s, u"Toys"_s);
    const OrderItem z = line(u"sku_z"_s, 1, 400, u"p"_s, u"Toys"_s);
    const ItemTarget toysCheapest = target(ItemTarget::Object::Category, u"Toys"_s, ItemEffect::Cheapest);
    const ItemTarget toysDearest = target(ItemTarget::Object::Category, u"Toys"_s, ItemEffect::MostExpensive);
    QCOMPARE(applyDiscount(amountDiscount(100, {toysDearest}), orderOf({y, x, z})).lineDiscounts, (QList<qint64>{0, 100, 0}));
    QCOMPARE(applyDiscount(amountDiscount(100, {toysDearest}), orderOf({x, y, z})).lineDiscounts, (QList<qint64>{100, 0, 0}));
    // Three cheapest: z, then the 5.00 tie goes to sku_x (2 units).
    ItemTarget threeCheapest = toysCheapest;
    threeCheapest.aggregatedQuantityLimit = 3;
    QCOMPARE(applyDiscount(amountDiscount(100, {threeCheapest}), orderOf({y, x, z})).lineDiscounts, (QList<qint64>{0, 200, 100}));
    // 1 per line: z, x, then y.
    threeCheapest.quantityLimit = 1;
    QCOMPARE(applyDiscount(amountDiscount(100, {threeCheapest}), orderOf({y, x, z})).lineDiscounts, (QList<qint64>{100, 100, 100}));
    threeCheapest.aggregatedQuantityLimit = 2;
    QCOMPARE(applyDiscount(amountDiscount(100, {threeCheapest}), orderOf({y, z, x})).lineDiscounts, (QList<qint64>{0, 100, 100}));
}

void TestDiscount::describe_data()
{
    QTest::addColumn<Discount>("discount");
    QTest::addColumn<QString>("text");

    QTest::newRow("percent with cap") << percentDiscount(10, 5000) << u"10% off (at most 50.00)"_s;
    QTest::newRow("fractional percent") << percentDiscount(12.5) << u"12.5% off"_s;
    QTest::newRow("two-decimal percent") << percentDiscount(33.33) << u"33.33% off"_s;
    QTest::newRow("percent on items") << percentDiscount(20, 0, {dogFood()}) << u"20% off each Dog Food item"_s;
    QTest::newRow("amount") << amountDiscount(123456) << u"1,234.56 off"_s;
    QTest::newRow("amount on items") << amountDiscount(500, {dogFood()}) << u"5.00 off each Dog Food item"_s;
    QTest::newRow("amount on every item") << amountDiscount(500, {}, true) << u"5.00 off each item"_s;
    QTest::newRow("cheapest") << amountDiscount(500, {dogFood(ItemEffect::Cheapest)}) << u"5.00 off the cheapest Dog Food item"_s;
    QTest::newRow("3 cheapest") << amountDiscount(500, {dogFood(ItemEffect::Cheapest, 0, 3)}) << u"5.00 off the 3 cheapest Dog Food items"_s;
    QTest::newRow("capped every") << amountDiscount(500, {dogFood(ItemEffect::Every, 2, 4)})
                                  << u"5.00 off each Dog Food item (at most 2 per line, at most 4 in all)"_s;
    QTest::newRow("fixed order") << fixedAt(2000) << u"the order for 20.00"_s;
    QTest::newRow("fixed most expensive") << fixedAt(600, {target(ItemTarget::Object::Sku, u"sku_1"_s, ItemEffect::MostExpensive)})
                                          << u"the most expensive sku_1 item for 6.00"_s;
    QTest::newRow("one free unit") << unitDiscount(1, u"sku_1"_s) << u"1 free unit of sku_1"_s;
    QTest::newRow("free units added") << unitDiscount(3, u"sku_1"_s, DiscountEffect::AddNewItems) << u"3 free units of sku_1 added to the cart"_s;
    QTest::newRow("shipping") << shippingOff() << u"free shipping"_s;
    QTest::newRow("amount plus shipping") << withFreeShipping(amountDiscount(2000)) << u"20.00 off plus free shipping"_s;
}

void TestDiscount::describe()
{
    QFETCH(Discount, discount);
    QFETCH(QString, text);
    QCOMPARE(describeDiscount(discount), text);
}

void TestDiscount::randomCartsKeepTheInvariants()
{
    QRandomGenerator rng(20261126);
    const QStringList skus{u"sku_1"_s, u"sku_2"_s, u"sku_3"_s, u"sku_4"_s};
    const QStringList products{u"prod_1"_s, u"prod_2"_s, u"prod_3"_s};
    const QStringList categories{u"Dog Food"_s, u"Cat Food"_s, u"Toys"_s};
    const QList<qint64> prices{100, 250, 333, 500, 999, 1005};
    const auto pick = [&rng](const auto &list) { return list.at(rng.bounded(int(list.size()))); };
    const SkuLookup lookup = catalogue({line(u"sku_1"_s, 1, 250, u"prod_1"_s, u"Toys"_s), line(u"sku_3"_s, 1, 0, u"prod_3"_s)});

    int applicable = 0;
    int withTwins = 0;
    int capped = 0;
    for (int round = 0; round < 2000; ++round) {
        Order order;
        const int lineCount = rng.bounded(7);
        QList<qint64> already;
        const bool stacked = rng.bounded(3) == 0;
        for (int i = 0; i < lineCount; ++i) {
            OrderItem item;
            const int kind = rng.bounded(6);
            if (i > 0 && kind == 0) {
                item = order.items.at(rng.bounded(i)); // an identical twin
            } else if (i > 0 && kind == 1) {
                item = order.items.at(rng.bounded(i)); // same worth, other content: ties to break
                item.sku = pick(skus);
                item.product = pick(products);
            } else {
                item.sku = pick(skus);
                item.product = pick(products);
                item.category = pick(categories);
                item.quantity = rng.bounded(6);
                item.price = rng.bounded(2) ? pick(prices) : qint64(rng.bounded(3000));
            }
            order.items.append(item);
            if (stacked)
                already.append(rng.bounded(5) == 0 ? 0 : qint64(rng.bounded(int(item.amount()) + 2)));
        }
        order.shipping = rng.bounded(2) ? 0 : rng.bounded(1000);

        Discount d;
        d.type = DiscountType(rng.bounded(5));
        d.effect = rng.bounded(2) ? DiscountEffect::ApplyToOrder : DiscountEffect::ApplyToItems;
        d.amountOff = rng.bounded(5000);
        d.percentOff = rng.bounded(1, 10001) / 100.0;
        d.amountLimit = rng.bounded(2) ? 0 : rng.bounded(1500);
        d.fixedAmount = rng.bounded(6000);
        d.freeShipping = rng.bounded(4) == 0;
        if (d.type == DiscountType::Unit) {
            d.effect = rng.bounded(2) ? DiscountEffect::AddMissingItems : DiscountEffect::AddNewItems;
            d.unitOff = rng.bounded(1, 4);
            d.unitSku = pick(skus);
        }
        for (int t = rng.bounded(3); t > 0; --t) {
            const auto object = ItemTarget::Object(rng.bounded(3));
            const QString id = object == ItemTarget::Object::Sku ? pick(skus) : object == ItemTarget::Object::Product ? pick(products)
                                                                                                                       : pick(categories);
            const auto effect = ItemEffect(rng.bounded(3));
            const qint64 perLine = rng.bounded(2) ? 0 : rng.bounded(1, 4);
            const qint64 inAll = rng.bounded(2) ? 0 : rng.bounded(1, 6);
            d.applicableTo.append(target(object, id, effect, perLine, inAll));
        }

        const AppliedDiscount result = applyDiscount(d, order, already, lookup);
        const QString where = u"round %1 (%2)"_s.arg(round).arg(describeDiscount(d));
        const qsizetype n = order.items.size();
        QVERIFY2(result.lineDiscounts.size() == n + result.addedItems.size(), qPrintable(where));
        if (!result.applicable) {
            QVERIFY2(!result.message.isEmpty(), qPrintable(where));
            QCOMPARE(result.total, qint64(0));
            QCOMPARE(result.shippingDiscount, qint64(0));
            QVERIFY(result.addedItems.isEmpty());
        } else {
            ++applicable;
            QVERIFY2(result.total > 0, qPrintable(where));
        }
        qint64 orderLeft = 0;
        qint64 lines = 0;
        QList<qint64> left;
        for (qsizetype i = 0; i < n; ++i) {
            left.append(leftOf(order.items.at(i), already.value(i)));
            orderLeft += left.at(i);
            QVERIFY2(result.lineDiscounts.at(i) >= 0 && result.lineDiscounts.at(i) <= left.at(i),
                     qPrintable(where + u" line %1: %2 of %3 left"_s.arg(i).arg(result.lineDiscounts.at(i)).arg(left.at(i))));
            lines += result.lineDiscounts.at(i);
        }
        qint64 addedAmount = 0;
        for (qsizetype k = 0; k < result.addedItems.size(); ++k) {
            const OrderItem &added = result.addedItems.at(k);
            QCOMPARE(added.sku, d.unitSku);
            QVERIFY(added.quantity > 0 && added.quantity <= d.unitOff);
            QCOMPARE(result.lineDiscounts.at(n + k), added.amount()); // fully discounted
            addedAmount += added.amount();
            lines += added.amount();
        }
        QVERIFY(result.shippingDiscount == 0 || result.shippingDiscount == order.shipping);
        QCOMPARE(result.total, lines + result.shippingDiscount);
        QVERIFY2(result.total <= orderLeft + addedAmount + order.shipping, qPrintable(where));

        // A reference for the order-level sums.
        if (result.applicable && d.effect == DiscountEffect::ApplyToOrder) {
            qint64 expected = 0;
            switch (d.type) {
            case DiscountType::Amount: expected = std::min(d.amountOff, orderLeft); break;
            case DiscountType::Fixed: expected = std::max<qint64>(orderLeft - d.fixedAmount, 0); break;
            case DiscountType::Percent:
                for (const qint64 cents : std::as_const(left))
                    expected += percentCents(cents, d.percentOff);
                if (d.amountLimit > 0 && expected > d.amountLimit) {
                    expected = d.amountLimit;
                    ++capped;
                }
                break;
            case DiscountType::Shipping: expected = 0; break;
            case DiscountType::Unit: break;
            }
            QCOMPARE(lines, expected);
        }

        // Permute the cart: the same discounts follow the lines, nothing else changes.
        QList<qsizetype> permutation(n);
        std::iota(permutation.begin(), permutation.end(), 0);
        std::shuffle(permutation.begin(), permutation.end(), rng);
        Order permuted = order;
        QList<qint64> permutedAlready;
        for (qsizetype k = 0; k < n; ++k) {
            permuted.items[k] = order.items.at(permutation.at(k));
            if (stacked)
                permutedAlready.append(already.at(permutation.at(k)));
        }
        const AppliedDiscount other = applyDiscount(d, permuted, permutedAlready, lookup);
        QCOMPARE(other.applicable, result.applicable);
        QCOMPARE(other.message, result.message);
        QCOMPARE(other.total, result.total);
        QCOMPARE(other.shippingDiscount, result.shippingDiscount);
        QCOMPARE(other.addedItems, result.addedItems);
        QCOMPARE(other.lineDiscounts.mid(n), result.lineDiscounts.mid(n));
        // Lines identical in content and in what is left can trade their cents; any other line keeps its own.
        using Key = std::tuple<QString, QString, QString, qint64, qint64, qint64, qint64>;
        QList<Key> mine;
        QList<Key> theirs;
        bool twins = false;
        for (qsizetype k = 0; k < n; ++k) {
            const qsizetype from = permutation.at(k);
            const OrderItem &item = order.items.at(from);
            const auto isTwin = [&](qsizetype j) {
                return j != from && order.items.at(j) == item && left.at(j) == left.at(from);
            };
            bool hasTwin = false;
            for (qsizetype j = 0; j < n; ++j)
                hasTwin = hasTwin || isTwin(j);
            twins = twins || hasTwin;
            if (!hasTwin)
                QVERIFY2(other.lineDiscounts.at(k) == result.lineDiscounts.at(from), qPrintable(where + u" line %1"_s.arg(from)));
            mine.append(Key{item.sku, item.product, item.category, item.price, item.quantity, left.at(from), result.lineDiscounts.at(from)});
            theirs.append(Key{item.sku, item.product, item.category, item.price, item.quantity, left.at(from), other.lineDiscounts.at(k)});
        }
        std::sort(mine.begin(), mine.end());
        std::sort(theirs.begin(), theirs.end());
        QVERIFY2(mine == theirs, qPrintable(where));
        withTwins += twins ? 1 : 0;
    }
    // The generator must reach the interesting cases, or the checks above prove little.
    QVERIFY2(applicable > 800, qPrintable(QString::number(applicable)));
    QVERIFY2(withTwins > 100, qPrintable(QString::number(withTwins)));
    QVERIFY2(capped > 20, qPrintable(QString::number(capped)));
}

QTEST_GUILESS_MAIN(TestDiscount)
#include "tst_discount.moc"
