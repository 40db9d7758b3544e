#include "requestjson.h"

#include "common/ids.h"
#include "rules/facts.h"
#include "rules/json.h"
#include "rules/syntax.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace PromoDesk::Engine {

namespace {

Status onlyKeys(const QJsonObject &object, std::initializer_list<const char *> keys, const QString &where)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool known = false;
        for (const char *key : keys)
            known = known || it.key() == QLatin1String(key);
        if (!known) {
            QStringList names;
            for (const char *key : keys)
                names << QString::fromLatin1(key);
            return Error{QStringLiteral("unknown field \"%1\" (expected one of %2)").arg(it.key(), names.join(QStringLiteral(", "))),
                         where.isEmpty() ? it.key() : where + QLatin1Char('.') + it.key()};
        }
    }
    return {};
}

Result<qint64> wholeNumber(const QJsonValue &value, const QString &where, const QString &what, qint64 fallback)
{
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isDouble() || std::floor(value.toDouble()) != value.toDouble() || value.toDouble() < 0)
        return Error{QStringLiteral("expected %1, got %2").arg(what, Rules::jsonText(value)), where};
    return value.toInteger();
}

QString iso(qint64 ms)
{
    return Rules::formatDateTime(ms);
}

// A cart line as a request names it: what it is, how many, at what price.
QJsonObject itemJson(const OrderItem &item)
{
    QJsonObject line;
    if (!item.sku.isEmpty())
        line.insert(QStringLiteral("sku_id"), item.sku);
    if (!item.product.isEmpty())
        line.insert(QStringLiteral("product_id"), item.product);
    if (!item.category.isEmpty())
        line.insert(QStringLiteral("category"), item.category);
    line.insert(QStringLiteral("quantity"), item.quantity);
    line.insert(QStringLiteral("price"), item.price);
    return line;
}

} // namespace

Result<Request> requestFromJson(const QJsonObject &object)
{
    Request request;
    if (Status s = onlyKeys(object, {"customer", "order", "redeemables", "options", "now"}, {}); !s)
        return s.error();
    if (object.contains(QLatin1String("now"))) {
        const auto now = Rules::parseDateTime(object.value(QLatin1String("now")).toString());
        if (!now)
            return Error{QStringLiteral("expected an ISO-8601 date-time, e.g. \"2026-11-24T12:00:00Z\""), QStringLiteral("now")};
        request.now = *now;
    }
    const QJsonObject options = object.value(QLatin1String("options")).toObject();
    if (Status s = onlyKeys(options, {"explain"}, QStringLiteral("options")); !s)
        return s.error();
    request.explain = options.value(QLatin1String("explain")).toBool();

    // The customer: a workspace customer by id or source_id; the other fields describe
    // a guest (used only when the workspace does not know the customer).
    QJsonObject customer = object.value(QLatin1String("customer")).toObject();
    request.customer = customer.value(QLatin1String("id")).toString();
    if (request.customer.isEmpty())
        request.customer = customer.value(QLatin1String("source_id")).toString();
    customer.remove(QStringLiteral("id"));
    if (!customer.isEmpty()) {
        QJsonObject guest = customer;
        guest.remove(QStringLiteral("source_id"));
        auto facts = Rules::factsFromJson({{QStringLiteral("customer"), guest}, {QStringLiteral("now"), QStringLiteral("1970-01-01T00:00:00Z")}});
        if (!facts)
            return facts.error();
        request.guestFacts = facts.value();
        if (customer.contains(QLatin1String("source_id")))
            request.guestFacts.attributes.insert(QStringLiteral("customer.source_id"),
                                                 Rules::Value::string(customer.value(QLatin1String("source_id")).toString()));
    }

    const QJsonObject order = object.value(QLatin1String("order")).toObject();
    if (Status s = onlyKeys(order, {"id", "source_id", "amount", "channel", "metadata", "items", "shipping_amount"},
                            QStringLiteral("order"));
        !s)
        return s.error();
    request.order.sourceId = order.value(QLatin1String("source_id")).toString(order.value(QLatin1String("id")).toString());
    request.order.channel = order.value(QLatin1String("channel")).toString();
    request.order.metadata = order.value(QLatin1String("metadata")).toObject();
    auto shipping = wholeNumber(order.value(QLatin1String("shipping_amount")), QStringLiteral("order.shipping_amount"),
                                QStringLiteral("whole cents"), 0);
    if (!shipping)
        return shipping.error();
    request.order.shipping = shipping.value();
    const QJsonArray items = order.value(QLatin1String("items")).toArray();
    for (int i = 0; i < items.size(); ++i) {
        const QString where = QStringLiteral("order.items[%1]").arg(i);
        const QJsonObject line = items[i].toObject();
        if (Status s = onlyKeys(line, {"sku_id", "product_id", "sku", "product", "category", "quantity", "price", "amount"}, where);
            !s)
            return s.error();
        OrderItem item;
        item.sku = line.value(QLatin1String("sku_id")).toString(line.value(QLatin1String("sku")).toString());
        item.product = line.value(QLatin1String("product_id")).toString(line.value(QLatin1String("product")).toString());
        item.category = line.value(QLatin1String("category")).toString();
        auto quantity = wholeNumber(line.value(QLatin1String("quantity")), where + QStringLiteral(".quantity"),
                                    QStringLiteral("a whole number of units"), 1);
        if (!quantity)
            return quantity.error();
        auto price = wholeNumber(line.value(QLatin1String("price")), where + QStringLiteral(".price"),
                                 QStringLiteral("whole cents, e.g. 4599"), 0);
        if (!price)
            return price.error();
        item.quantity = quantity.value();
        item.price = price.value();
        if (item.sku.isEmpty() && item.product.isEmpty() && item.price == 0)
            return Error{QStringLiteral("a line needs a sku_id, a product_id or a price"), where};
        request.order.items.append(item);
    }
    if (items.isEmpty() && order.contains(QLatin1String("amount"))) {
        // An order given by its amount alone is one anonymous line.
        auto amount = wholeNumber(order.value(QLatin1String("amount")), QStringLiteral("order.amount"),
                                  QStringLiteral("whole cents"), 0);
        if (!amount)
            return amount.error();
        request.order.items.append({QString(), QString(), QString(), 1, amount.value()});
    }

    const QJsonArray redeemables = object.value(QLatin1String("redeemables")).toArray();
    QSet<QString> seen;
    for (int i = 0; i < redeemables.size(); ++i) {
        const QString where = QStringLiteral("redeemables[%1]").arg(i);
        const QJsonObject r = redeemables[i].toObject();
        if (Status s = onlyKeys(r, {"object", "id", "gift"}, where); !s)
            return s.error();
        Redeemable redeemable;
        const QString kind = r.value(QLatin1String("object")).toString(QStringLiteral("voucher"));
        if (kind == QLatin1String("voucher"))
            redeemable.object = Redeemable::Object::Voucher;
        else if (kind == QLatin1String("promotion_tier"))
            redeemable.object = Redeemable::Object::PromotionTier;
        else
            return Error{QStringLiteral("expected \"voucher\" or \"promotion_tier\", got \"%1\"").arg(kind), where + QStringLiteral(".object")};
        redeemable.id = r.value(QLatin1String("id")).toString().trimmed();
        if (redeemable.id.isEmpty())
            return Error{QStringLiteral("the code or tier id is missing"), where + QStringLiteral(".id")};
        if (seen.contains(kind + redeemable.id))
            return Error{QStringLiteral("%1 is requested twice").arg(redeemable.id), where + QStringLiteral(".id")};
        seen.insert(kind + redeemable.id);
        if (r.contains(QLatin1String("gift"))) {
            auto credits = wholeNumber(r.value(QLatin1String("gift")).toObject().value(QLatin1String("credits")),
                                       where + QStringLiteral(".gift.credits"), QStringLiteral("whole cents"), 0);
            if (!credits)
                return credits.error();
            redeemable.giftCredits = credits.value();
        }
        request.redeemables.append(redeemable);
    }
    return request;
}

QJsonObject redeemableToJson(const RedeemableResult &r, bool redeemed)
{
    QJsonObject o;
    const QString status = r.outcome == Outcome::Applicable ? QStringLiteral("APPLICABLE")
                           : r.outcome == Outcome::Skipped  ? QStringLiteral("SKIPPED")
                                                            : QStringLiteral("INAPPLICABLE");
    o.insert(QStringLiteral("status"), status);
    o.insert(QStringLiteral("object"), r.requested.object == Redeemable::Object::PromotionTier ? QStringLiteral("promotion_tier")
                                                                                               : QStringLiteral("voucher"));
    o.insert(QStringLiteral("id"), r.requested.id);
    if (!r.campaignId.isEmpty()) {
        o.insert(QStringLiteral("campaign_id"), r.campaignId);
        o.insert(QStringLiteral("campaign"), r.campaignName);
        o.insert(QStringLiteral("campaign_type"), campaignTypeKey(r.campaignType));
    }
    if (!r.tierId.isEmpty())
        o.insert(QStringLiteral("tier_name"), r.tierName);
    if (!r.category.isEmpty())
        o.insert(QStringLiteral("category"), r.category);
    QJsonObject result;
    if (r.outcome == Outcome::Applicable) {
        if (r.campaignType == CampaignType::GiftVouchers) {
            result.insert(QStringLiteral("gift"), QJsonObject{{QStringLiteral("credits"), r.giftCredits},
                                                              {QStringLiteral("balance"), r.giftBalance}});
        } else {
            result.insert(QStringLiteral("discount"), QJsonObject{{QStringLiteral("type"), discountTypeKey(r.discount.type)},
                                                                  {QStringLiteral("effect"), discountEffectKey(r.discount.effect)},
                                                                  {QStringLiteral("description"), describeDiscount(r.discount)}});
            result.insert(QStringLiteral("discount_amount"), r.applied.total);
            if (r.applied.shippingDiscount)
                result.insert(QStringLiteral("shipping_discount_amount"), r.applied.shippingDiscount);
        }
        if (redeemed && r.redemptionId)
            o.insert(QStringLiteral("redemption_id"), Ids::make(Ids::Redemption, r.redemptionId));
    } else {
        QJsonObject error{{QStringLiteral("key"), r.failureKey}, {QStringLiteral("message"), r.message}};
        if (!r.trace.isEmpty())
            error.insert(QStringLiteral("explain"), Rules::traceToJson(r.trace));
        result.insert(r.outcome == Outcome::Skipped ? QStringLiteral("details") : QStringLiteral("error"), error);
        if (r.redemptionId)
            o.insert(QStringLiteral("redemption_id"), Ids::make(Ids::Redemption, r.redemptionId));
    }
    o.insert(QStringLiteral("result"), result);
    return o;
}

QJsonObject requestToJson(const Request &request)
{
    QJsonObject out;
    if (!request.customer.isEmpty())
        out.insert(QStringLiteral("customer"), QJsonObject{{QStringLiteral("id"), request.customer}});
    QJsonObject order;
    if (!request.order.sourceId.isEmpty())
        order.insert(QStringLiteral("source_id"), request.order.sourceId);
    if (!request.order.channel.isEmpty())
        order.insert(QStringLiteral("channel"), request.order.channel);
    if (!request.order.metadata.isEmpty())
        order.insert(QStringLiteral("metadata"), request.order.metadata);
    if (request.order.shipping)
        order.insert(QStringLiteral("shipping_amount"), request.order.shipping);
    QJsonArray items;
    for (const OrderItem &item : request.order.items)
        items.append(itemJson(item));
    order.insert(QStringLiteral("items"), items);
    out.insert(QStringLiteral("order"), order);
    QJsonArray redeemables;
    for (const Redeemable &r : request.redeemables) {
        QJsonObject o{{QStringLiteral("object"), r.object == Redeemable::Object::PromotionTier ? QStringLiteral("promotion_tier")
                                                                                               : QStringLiteral("voucher")},
                      {QStringLiteral("id"), r.id}};
        if (r.giftCredits)
            o.insert(QStringLiteral("gift"), QJsonObject{{QStringLiteral("credits"), *r.giftCredits}});
        redeemables.append(o);
    }
    if (!redeemables.isEmpty())
        out.insert(QStringLiteral("redeemables"), redeemables);
    if (request.explain)
        out.insert(QStringLiteral("options"), QJsonObject{{QStringLiteral("explain"), true}});
    if (request.now)
        out.insert(QStringLiteral("now"), iso(*request.now));
    return out;
}

QJsonObject validationToJson(const Validation &v, bool redeemed)
{
    auto list = [redeemed](const QList<RedeemableResult> &results) {
        QJsonArray array;
        for (const RedeemableResult &r : results)
            array.append(redeemableToJson(r, redeemed));
        return array;
    };
    QJsonArray items;
    for (int i = 0; i < v.order.items.size(); ++i) {
        const OrderItem &item = v.order.items[i];
        QJsonObject line = itemJson(item);
        line.insert(QStringLiteral("amount"), item.amount());
        const qint64 discount = v.lineDiscounts.value(i);
        line.insert(QStringLiteral("discount_amount"), discount);
        line.insert(QStringLiteral("subtotal_amount"), item.amount() - discount);
        if (i >= v.order.items.size() - v.addedItems.size())
            line.insert(QStringLiteral("added_by_discount"), true);
        items.append(line);
    }
    QJsonObject order{{QStringLiteral("amount"), v.amount()},
                      {QStringLiteral("items_discount_amount"), v.itemsDiscount},
                      {QStringLiteral("shipping_amount"), v.order.shipping},
                      {QStringLiteral("shipping_discount_amount"), v.shippingDiscount},
                      {QStringLiteral("total_discount_amount"), v.totalDiscount()},
                      {QStringLiteral("gift_credits_amount"), v.giftCredits},
                      {QStringLiteral("total_amount"), v.totalAmount()},
                      {QStringLiteral("items"), items}};
    if (!v.order.sourceId.isEmpty())
        order.insert(QStringLiteral("source_id"), v.order.sourceId);
    QJsonObject out{{QStringLiteral("valid"), v.valid},
                    {QStringLiteral("redeemables"), list(v.applicable)},
                    {QStringLiteral("skipped_redeemables"), list(v.skipped)},
                    {QStringLiteral("inapplicable_redeemables"), list(v.inapplicable)},
                    {QStringLiteral("order"), order},
                    {QStringLiteral("now"), iso(v.now)}};
    if (redeemed)
        out.insert(QStringLiteral("result"), v.valid ? QStringLiteral("SUCCESS") : QStringLiteral("FAILURE"));
    if (!v.experiments.isEmpty()) {
        // The customer's variant in each running experiment (GrowthBook's experiment / variation).
        QJsonArray experiments;
        for (const ExperimentAssignment &a : v.experiments)
            experiments.append(QJsonObject{{QStringLiteral("id"), a.experimentId},
                                           {QStringLiteral("name"), a.experimentName},
                                           {QStringLiteral("variant"), a.variantKey},
                                           {QStringLiteral("variant_name"), a.variantName},
                                           {QStringLiteral("holdout"), a.holdout}});
        out.insert(QStringLiteral("experiments"), experiments);
    }
    return out;
}

QJsonObject rollbackToJson(const Rollback &rollback, qint64 now)
{
    return {{QStringLiteral("id"), Ids::make(Ids::Redemption, rollback.rollbackId)},
            {QStringLiteral("object"), QStringLiteral("redemption_rollback")},
            {QStringLiteral("redemption"), Ids::make(Ids::Redemption, rollback.redemptionId)},
            {QStringLiteral("result"), QStringLiteral("SUCCESS")},
            {QStringLiteral("discount_amount"), rollback.discountAmount},
            {QStringLiteral("gift_amount"), rollback.giftAmount},
            {QStringLiteral("date"), iso(now)}};
}

} // namespace PromoDesk::Engine
