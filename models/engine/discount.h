#pragma once

#include "engine/campaign.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace PromoDesk::Engine {

// The catalogue entry of a SKU a UNIT discount adds to the cart (its price and
// product), or nothing when the workspace has no such SKU.
using SkuLookup = std::function<std::optional<OrderItem>(const QString &skuId)>;

// What one discount takes off one order.
struct AppliedDiscount
{
    bool applicable = false;
    QString message;              // why not, when not applicable ("the cart holds no item of product prod_12")
    qint64 total = 0;             // cents off: the lines' discounts plus shipping
    QList<qint64> lineDiscounts;  // per line of order.items, then per added item; each 0 <= d <= line amount
    QList<OrderItem> addedItems;  // free lines a UNIT discount adds (ADD_MISSING_ITEMS / ADD_NEW_ITEMS)
    qint64 shippingDiscount = 0;
};

// Applies one discount to an order whose lines may already carry discounts
// (`alreadyDiscounted`, per line of order.items; empty = none): a stacked discount
// works on what is left of each line. Rules (docs/campaigns.md, "Discount arithmetic"):
//  - never more off a line than is left of it; never more than the order;
//  - percent: per line, rounded half-up to the cent, then summed; amount_limit caps the sum;
//  - amounts spread over lines (order-level amount off, a cap) go in proportion to what is
//    left of each line, largest remainder first, ties broken by the line's content
//    (sku, product, price, quantity), never by its position: permuting the cart
//    permutes lineDiscounts and changes nothing else;
//  - cheapest / most expensive pick units by unit price, ties by content as above.
AppliedDiscount applyDiscount(const Discount &discount, const Order &order, const QList<qint64> &alreadyDiscounted = {},
                              const SkuLookup &lookup = {});

// A one-line description for lists and the explain view: "10% off (at most 50.00)",
// "5.00 off the cheapest Dog Food item", "1 free SKU-1 unit", "free shipping".
QString describeDiscount(const Discount &discount);

} // namespace PromoDesk::Engine
