// Discount arithmetic: what one discount takes off one order.
//
// Money is integer cents throughout; intermediate products use 128-bit integers.
//
// What is left. Line i is worth price × quantity (0 when either is negative);
// alreadyDiscounted[i] (clamped to [0, worth]) is what earlier stacked discounts
// took, and the discount works on left_i = worth_i − already_i. An earlier discount
// is taken as spread evenly over the line's units: the left of u of its q units is
// left_i × u / q, rounded half-up (exactly price × u when nothing was taken before).
// Lines with nothing left are not candidates for anything.
//
// Percent. percent_off is read to two decimals as basis points (12.5 % = 1250 bp,
// clamped to 0..10000); a percent of an amount is amount × bp / 10000 rounded
// half-up to the cent (10 % of 10.05 = 1.01, 15 % of 3.33 = 0.50), per line, then
// summed. amount_limit (PERCENT only, 0 = none) caps the sum.
//
// Spreading. An amount that belongs to the order (an order-level amount off or
// fixed price, a percent cap) is spread over the lines in proportion to what is
// left of each (for a cap: of the units the percent was taken from), by the
// largest remainder method. Equal remainders go to the line that sorts first by
// content: sku, product, price, quantity, then category and what is left — never
// by position. Only lines identical in all of these can trade places.
//
// APPLY_TO_ORDER (applicable_to is ignored):
//  - AMOUNT: min(amount_off, left of the order), spread.
//  - PERCENT: percent of each line's left; a cap is spread.
//  - FIXED: the lines' total becomes fixed_amount: max(0, left − fixed_amount), spread.
//
// APPLY_TO_ITEMS: each line belongs to the first entry of applicable_to that matches
// it (sku / product id / category name, exact); an empty applicable_to is every line,
// every unit. Each entry picks units among its lines with something left:
//  - APPLY_TO_EVERY: every unit, at most quantity_limit per line; with an
//    aggregated_quantity_limit the units are taken line by line in content order.
//  - CHEAPEST / MOST_EXPENSIVE: N units, N = aggregated_quantity_limit, else
//    quantity_limit, else 1, taken from the lines by unit price (ascending /
//    descending; ties by content), at most quantity_limit from one line.
// Then, for the u units taken from a line whose left for them is L:
//  - AMOUNT: min(amount_off × u, L).
//  - PERCENT: percent of left_i × u / q, rounded half-up once (not after rounding L);
//    amount_limit caps the sum, spread over the lines in proportion to L.
//  - FIXED: max(0, L − fixed_amount × u): each unit's price becomes fixed_amount if lower.
// No line matching applicable_to: not applicable, naming the targets.
//
// UNIT (unit_off free units of unit_type; APPLY_TO_ORDER / _ITEMS read as
// Voucherify's default, ADD_MISSING_ITEMS):
//  - ADD_MISSING_ITEMS: up to unit_off units of that SKU in the cart become free,
//    cheapest lines first; the missing ones are added as one new line, fully discounted.
//  - ADD_NEW_ITEMS: unit_off units are always added as one new line, fully discounted.
// An added line takes its price, product and category from a cart line of the SKU
// (the cheapest), else from the catalogue `lookup`; with neither, not applicable.
// Added lines follow order.items in lineDiscounts.
//
// SHIPPING takes order.shipping off (not applicable without one); free_shipping on
// any other type also takes it off. Shipping has no "already discounted": stacking two
// free-shipping discounts is the caller's to prevent.
//
// A discount that takes nothing (total 0) is not applicable: "nothing left to
// discount". When not applicable, the result carries zeros for every cart line and
// adds nothing.
//
// Invariants: 0 <= lineDiscounts[i] <= left_i (the added line's amount for added
// lines); total = sum(lineDiscounts) + shippingDiscount; permuting order.items
// permutes lineDiscounts the same way and changes nothing else.

#include "discount.h"

#include "common/money.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace PromoDesk::Engine {

namespace {

using Wide = __int128;

struct Line
{
    qsizetype index = 0;
    const OrderItem *item = nullptr;
    qint64 left = 0;
};

// What one discount computed before it becomes an AppliedDiscount.
struct Outcome
{
    QString error;           // not applicable whatever the total (no matching item, no price)
    QString zeroReason;      // said after "nothing left to discount" when nothing is taken
    QList<qint64> discounts; // per cart line, then per added line
    QList<OrderItem> added;
};

// A stand-in for ItemTarget::matches, which campaign.cpp owns; same rule: exact id.
bool targetMatches(const ItemTarget &target, const OrderItem &item)
{
    switch (target.object) {
    case ItemTarget::Object::Sku: return item.sku == target.id;
    case ItemTarget::Object::Product: return item.product == target.id;
    case ItemTarget::Object::Category: return item.category == target.id;
    }
    return false;
}

int compareContent(const Line &a, const Line &b)
{
    if (const int c = a.item->sku.compare(b.item->sku))
        return c;
    if (const int c = a.item->product.compare(b.item->product))
        return c;
    if (a.item->price != b.item->price)
        return a.item->price < b.item->price ? -1 : 1;
    if (a.item->quantity != b.item->quantity)
        return a.item->quantity < b.item->quantity ? -1 : 1;
    if (const int c = a.item->category.compare(b.item->category))
        return c;
    if (a.left != b.left)
        return a.left < b.left ? -1 : 1;
    return 0;
}

// Content order; position only separates lines that are identical anyway.
bool contentLess(const Line &a, const Line &b)
{
    const int c = compareContent(a, b);
    return c != 0 ? c < 0 : a.index < b.index;
}

qint64 roundHalfUp(Wide numerator, Wide denominator)
{
    return qint64((2 * numerator + denominator) / (2 * denominator));
}

qint64 clampToMoney(Wide value)
{
    return value <= 0 ? 0 : qint64(std::min<Wide>(value, std::numeric_limits<qint64>::max()));
}

qint64 basisPoints(double percent)
{
    if (!std::isfinite(percent) || percent <= 0)
        return 0;
    return std::min<qint64>(qRound64(percent * 100), 10000);
}

qint64 percentOf(qint64 cents, qint64 bp)
{
    return roundHalfUp(Wide(cents) * bp, 10000);
}

// The left of `units` of the line's units.
qint64 leftOfUnits(const Line &line, qint64 units)
{
    if (units >= line.item->quantity)
        return line.left;
    return roundHalfUp(Wide(line.left) * units, line.item->quantity);
}

QList<Line> makeLines(const Order &order, const QList<qint64> &alreadyDiscounted)
{
    QList<Line> lines;
    lines.reserve(order.items.size());
    for (qsizetype i = 0; i < order.items.size(); ++i) {
        const OrderItem &item = order.items.at(i);
        const qint64 worth = item.quantity > 0 && item.price > 0 ? clampToMoney(Wide(item.quantity) * item.price) : 0;
        const qint64 already = std::clamp<qint64>(alreadyDiscounted.value(i), 0, worth);
        lines.append(Line{i, &item, worth - already});
    }
    return lines;
}

// Spreads `amount` (<= the sum of weights) over the lines in proportion to `weights`,
// largest remainder first, equal remainders in content order.
QList<qint64> spread(qint64 amount, const QList<qint64> &weights, const QList<Line> &lines)
{
    QList<qint64> shares(weights.size(), 0);
    Wide total = 0;
    for (const qint64 weight : weights)
        total += weight;
    if (amount <= 0 || total == 0)
        return shares;
    if (amount >= total)
        return weights;
    QList<Wide> remainders(weights.size(), 0);
    qint64 handedOut = 0;
    for (qsizetype i = 0; i < weights.size(); ++i) {
        const Wide scaled = Wide(amount) * weights.at(i);
        shares[i] = qint64(scaled / total);
        remainders[i] = scaled % total;
        handedOut += shares.at(i);
    }
    QList<qsizetype> order;
    for (qsizetype i = 0; i < weights.size(); ++i) {
        if (remainders.at(i) > 0)
            order.append(i);
    }
    std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
        if (remainders.at(a) != remainders.at(b))
            return remainders.at(a) > remainders.at(b);
        return contentLess(lines.at(a), lines.at(b));
    });
    // The leftover cents are fewer than the lines with a remainder.
    for (qsizetype k = 0; k < amount - handedOut; ++k)
        ++shares[order.at(k)];
    return shares;
}

QString targetText(const ItemTarget &target)
{
    switch (target.object) {
    case ItemTarget::Object::Sku: return u"of SKU "_s + target.id;
    case ItemTarget::Object::Product: return u"of product "_s + target.id;
    case ItemTarget::Object::Category: return u"in category "_s + target.id;
    }
    return {};
}

QString noMatchMessage(const QList<ItemTarget> &targets)
{
    QStringList texts;
    for (const ItemTarget &target : targets)
        texts.append(targetText(target));
    return u"the cart holds no item "_s + texts.join(u" or "_s);
}

// Units taken per line by APPLY_TO_ITEMS; none when no line matches applicable_to.
std::optional<QList<qint64>> pickUnits(const QList<ItemTarget> &targets, const QList<Line> &lines)
{
    QList<qint64> units(lines.size(), 0);
    if (targets.isEmpty()) {
        for (const Line &line : lines)
            units[line.index] = line.left > 0 ? line.item->quantity : 0;
        return units;
    }
    QList<QList<Line>> candidates(targets.size());
    bool anyMatch = false;
    for (const Line &line : lines) {
        for (qsizetype t = 0; t < targets.size(); ++t) {
            if (targetMatches(targets.at(t), *line.item)) {
                anyMatch = true;
                if (line.left > 0)
                    candidates[t].append(line);
                break;
            }
        }
    }
    if (!anyMatch)
        return std::nullopt;
    for (qsizetype t = 0; t < targets.size(); ++t) {
        const ItemTarget &target = targets.at(t);
        QList<Line> &mine = candidates[t];
        const auto perLine = [&](const Line &line) {
            return target.quantityLimit > 0 ? std::min(line.item->quantity, target.quantityLimit) : line.item->quantity;
        };
        qint64 budget = std::numeric_limits<qint64>::max();
        switch (target.effect) {
        case ItemEffect::Every:
            std::sort(mine.begin(), mine.end(), contentLess);
            if (target.aggregatedQuantityLimit > 0)
                budget = target.aggregatedQuantityLimit;
            break;
        case ItemEffect::Cheapest:
        case ItemEffect::MostExpensive: {
            const bool cheapest = target.effect == ItemEffect::Cheapest;
            std::sort(mine.begin(), mine.end(), [cheapest](const Line &a, const Line &b) {
                if (a.item->price != b.item->price)
                    return cheapest ? a.item->price < b.item->price : a.item->price > b.item->price;
                return contentLess(a, b);
            });
            budget = target.aggregatedQuantityLimit > 0 ? target.aggregatedQuantityLimit
                     : target.quantityLimit > 0         ? target.quantityLimit
                                                        : 1;
            break;
        }
        }
        for (const Line &line : mine) {
            const qint64 take = std::min(perLine(line), budget);
            units[line.index] = take;
            budget -= take;
            if (budget == 0)
                break;
        }
    }
    return units;
}

Outcome applyToOrder(const Discount &discount, const QList<Line> &lines)
{
    Outcome outcome;
    QList<qint64> left;
    qint64 orderLeft = 0;
    for (const Line &line : lines) {
        left.append(line.left);
        orderLeft += line.left;
    }
    switch (discount.type) {
    case DiscountType::Amount:
        outcome.discounts = spread(std::min(std::max<qint64>(discount.amountOff, 0), orderLeft), left, lines);
        break;
    case DiscountType::Fixed: {
        const qint64 fixed = std::max<qint64>(discount.fixedAmount, 0);
        outcome.discounts = spread(std::max<qint64>(orderLeft - fixed, 0), left, lines);
        if (orderLeft > 0)
            outcome.zeroReason = u"the order already costs "_s + formatMoney(fixed) + u" or less"_s;
        break;
    }
    default:
        break;
    }
    return outcome;
}

Outcome applyToItems(const Discount &discount, const QList<Line> &lines)
{
    Outcome outcome;
    const std::optional<QList<qint64>> units = pickUnits(discount.applicableTo, lines);
    if (!units) {
        outcome.error = noMatchMessage(discount.applicableTo);
        return outcome;
    }
    outcome.discounts = QList<qint64>(lines.size(), 0);
    bool anyTaken = false;
    for (const Line &line : lines) {
        const qint64 taken = units->at(line.index);
        if (taken <= 0)
            continue;
        anyTaken = true;
        const qint64 base = leftOfUnits(line, taken);
        switch (discount.type) {
        case DiscountType::Amount:
            outcome.discounts[line.index] = clampToMoney(std::min<Wide>(Wide(std::max<qint64>(discount.amountOff, 0)) * taken, base));
            break;
        case DiscountType::Fixed:
            outcome.discounts[line.index] = clampToMoney(Wide(base) - Wide(std::max<qint64>(discount.fixedAmount, 0)) * taken);
            break;
        default:
            break;
        }
    }
    if (discount.type == DiscountType::Fixed && anyTaken)
        outcome.zeroReason = u"the matching items already cost "_s + formatMoney(std::max<qint64>(discount.fixedAmount, 0)) + u" or less each"_s;
    return outcome;
}

// PERCENT for both effects: APPLY_TO_ORDER is every unit of every line.
Outcome applyPercent(const Discount &discount, const QList<Line> &lines)
{
    Outcome outcome;
    QList<qint64> units(lines.size(), 0);
    if (discount.effect == DiscountEffect::ApplyToItems) {
        const std::optional<QList<qint64>> picked = pickUnits(discount.applicableTo, lines);
        if (!picked) {
            outcome.error = noMatchMessage(discount.applicableTo);
            return outcome;
        }
        units = *picked;
    } else {
        for (const Line &line : lines)
            units[line.index] = line.item->quantity;
    }
    const qint64 bp = basisPoints(discount.percentOff);
    QList<qint64> bases(lines.size(), 0);
    outcome.discounts = QList<qint64>(lines.size(), 0);
    qint64 sum = 0;
    for (const Line &line : lines) {
        const qint64 taken = units.at(line.index);
        if (taken <= 0 || line.left <= 0)
            continue;
        bases[line.index] = leftOfUnits(line, taken);
        // Straight from the exact left of the units, so a part of a line rounds once.
        outcome.discounts[line.index] = taken >= line.item->quantity
            ? percentOf(line.left, bp)
            : roundHalfUp(Wide(line.left) * taken * bp, Wide(line.item->quantity) * 10000);
        sum += outcome.discounts.at(line.index);
    }
    if (discount.amountLimit > 0 && sum > discount.amountLimit)
        outcome.discounts = spread(discount.amountLimit, bases, lines);
    return outcome;
}

Outcome applyUnit(const Discount &discount, const QList<Line> &lines, const SkuLookup &lookup)
{
    Outcome outcome;
    if (discount.unitOff <= 0 || discount.unitSku.isEmpty()) {
        outcome.error = u"the discount names no free units (unit_off and unit_type)"_s;
        return outcome;
    }
    outcome.discounts = QList<qint64>(lines.size(), 0);
    QList<Line> ofSku;
    for (const Line &line : lines) {
        if (line.item->sku == discount.unitSku && line.item->quantity > 0)
            ofSku.append(line);
    }
    std::sort(ofSku.begin(), ofSku.end(), [](const Line &a, const Line &b) {
        if (a.item->price != b.item->price)
            return a.item->price < b.item->price;
        return contentLess(a, b);
    });
    qint64 missing = discount.unitOff;
    if (discount.effect != DiscountEffect::AddNewItems) {
        for (const Line &line : ofSku) {
            if (missing == 0)
                break;
            if (line.left <= 0)
                continue;
            const qint64 take = std::min(line.item->quantity, missing);
            outcome.discounts[line.index] = leftOfUnits(line, take);
            missing -= take;
        }
    }
    if (missing == 0)
        return outcome;
    std::optional<OrderItem> source;
    if (!ofSku.isEmpty())
        source = *ofSku.constFirst().item;
    else if (lookup)
        source = lookup(discount.unitSku);
    if (!source) {
        outcome.error = u"SKU "_s + discount.unitSku + u" is not in the cart and has no price in the catalogue"_s;
        return outcome;
    }
    OrderItem added = *source;
    added.sku = discount.unitSku;
    added.quantity = missing;
    added.price = std::max<qint64>(added.price, 0);
    outcome.added.append(added);
    outcome.discounts.append(clampToMoney(Wide(added.price) * missing));
    outcome.zeroReason = u"SKU "_s + discount.unitSku + u" costs "_s + formatMoney(added.price);
    return outcome;
}

AppliedDiscount notApplicable(qsizetype lineCount, const QString &message)
{
    AppliedDiscount result;
    result.message = message;
    result.lineDiscounts = QList<qint64>(lineCount, 0);
    return result;
}

QString percentText(double percent)
{
    const qint64 bp = basisPoints(percent);
    QString text = QString::number(bp / 100);
    if (const qint64 fraction = bp % 100) {
        text += QLatin1Char('.') + u"%1"_s.arg(fraction, 2, 10, QLatin1Char('0'));
        if (text.endsWith(QLatin1Char('0')))
            text.chop(1);
    }
    return text + QLatin1Char('%');
}

QString targetName(const ItemTarget &target)
{
    return target.id;
}

// "each Dog Food item", "the 2 cheapest sku_1 items (at most 1 per line)".
QString itemsText(const QList<ItemTarget> &targets)
{
    if (targets.isEmpty())
        return u"each item"_s;
    QStringList parts;
    for (const ItemTarget &target : targets) {
        QString text;
        const QString name = targetName(target);
        qint64 count = 1;
        switch (target.effect) {
        case ItemEffect::Every:
            text = u"each "_s + name + u" item"_s;
            break;
        case ItemEffect::Cheapest:
        case ItemEffect::MostExpensive: {
            count = target.aggregatedQuantityLimit > 0 ? target.aggregatedQuantityLimit
                    : target.quantityLimit > 0         ? target.quantityLimit
                                                       : 1;
            const QString which = target.effect == ItemEffect::Cheapest ? u"cheapest"_s : u"most expensive"_s;
            text = count == 1 ? u"the "_s + which + u" "_s + name + u" item"_s
                              : u"the %1 %2 %3 items"_s.arg(count).arg(which, name);
            break;
        }
        }
        QStringList caps;
        if (target.quantityLimit > 0 && (target.effect == ItemEffect::Every || target.quantityLimit < count))
            caps.append(u"at most %1 per line"_s.arg(target.quantityLimit));
        if (target.aggregatedQuantityLimit > 0 && target.effect == ItemEffect::Every)
            caps.append(u"at most %1 in all"_s.arg(target.aggregatedQuantityLimit));
        if (!caps.isEmpty())
            text += u" ("_s + caps.join(u", "_s) + QLatin1Char(')');
        parts.append(text);
    }
    return parts.join(u", "_s);
}

} // namespace

AppliedDiscount applyDiscount(const Discount &discount, const Order &order, const QList<qint64> &alreadyDiscounted,
                              const SkuLookup &lookup)
{
    const QList<Line> lines = makeLines(order, alreadyDiscounted);
    const qint64 shipping = std::max<qint64>(order.shipping, 0);
    Outcome outcome;
    switch (discount.type) {
    case DiscountType::Shipping:
        if (shipping == 0)
            return notApplicable(lines.size(), u"the order has no shipping cost"_s);
        outcome.discounts = QList<qint64>(lines.size(), 0);
        break;
    case DiscountType::Unit:
        outcome = applyUnit(discount, lines, lookup);
        break;
    case DiscountType::Amount:
    case DiscountType::Percent:
    case DiscountType::Fixed:
        if (discount.effect == DiscountEffect::AddMissingItems || discount.effect == DiscountEffect::AddNewItems) {
            const QString effect = discount.effect == DiscountEffect::AddMissingItems ? u"ADD_MISSING_ITEMS"_s : u"ADD_NEW_ITEMS"_s;
            return notApplicable(lines.size(), effect + u" applies only to UNIT discounts"_s);
        }
        if (discount.type == DiscountType::Percent)
            outcome = applyPercent(discount, lines);
        else if (discount.effect == DiscountEffect::ApplyToItems)
            outcome = applyToItems(discount, lines);
        else
            outcome = applyToOrder(discount, lines);
        break;
    }
    if (!outcome.error.isEmpty())
        return notApplicable(lines.size(), outcome.error);

    AppliedDiscount result;
    result.lineDiscounts = outcome.discounts;
    result.addedItems = outcome.added;
    if (discount.type == DiscountType::Shipping || discount.freeShipping)
        result.shippingDiscount = shipping;
    result.total = result.shippingDiscount;
    for (const qint64 cents : std::as_const(result.lineDiscounts))
        result.total += cents;
    if (result.total == 0) {
        return notApplicable(lines.size(), outcome.zeroReason.isEmpty() ? u"nothing left to discount"_s
                                                                         : u"nothing left to discount: "_s + outcome.zeroReason);
    }
    result.applicable = true;
    return result;
}

QString describeDiscount(const Discount &discount)
{
    const bool items = discount.effect == DiscountEffect::ApplyToItems;
    QString text;
    switch (discount.type) {
    case DiscountType::Amount:
        text = formatMoney(discount.amountOff) + u" off"_s;
        if (items)
            text += QLatin1Char(' ') + itemsText(discount.applicableTo);
        break;
    case DiscountType::Percent:
        text = percentText(discount.percentOff) + u" off"_s;
        if (items)
            text += QLatin1Char(' ') + itemsText(discount.applicableTo);
        if (discount.amountLimit > 0)
            text += u" (at most "_s + formatMoney(discount.amountLimit) + QLatin1Char(')');
        break;
    case DiscountType::Fixed:
        text = (items ? itemsText(discount.applicableTo) : u"the order"_s) + u" for "_s + formatMoney(discount.fixedAmount);
        break;
    case DiscountType::Unit:
        text = u"%1 free unit%2 of %3"_s.arg(discount.unitOff).arg(discount.unitOff == 1 ? QString() : u"s"_s, discount.unitSku);
        if (discount.effect == DiscountEffect::AddNewItems)
            text += u" added to the cart"_s;
        break;
    case DiscountType::Shipping:
        return u"free shipping"_s;
    }
    if (discount.freeShipping)
        text += u" plus free shipping"_s;
    return text;
}

} // namespace PromoDesk::Engine
