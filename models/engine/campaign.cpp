#include "campaign.h"

#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <utility>

namespace PromoDesk::Engine {

qint64 Order::itemsAmount() const
{
    qint64 sum = 0;
    for (const OrderItem &item : items)
        sum += item.amount();
    return sum;
}

bool ItemTarget::matches(const OrderItem &item) const
{
    switch (object) {
    case Object::Sku: return item.sku == id;
    case Object::Product: return item.product == id;
    case Object::Category: return item.category == id;
    }
    return false;
}

namespace {

// One table per enum: the value and its Voucherify spelling, in declaration order.
const std::pair<CampaignType, const char *> campaignTypes[] = {
    {CampaignType::DiscountCoupons, "DISCOUNT_COUPONS"},
    {CampaignType::Promotion, "PROMOTION"},
    {CampaignType::GiftVouchers, "GIFT_VOUCHERS"},
    {CampaignType::Referral, "REFERRAL_PROGRAM"},
};

const std::pair<CampaignStatus, const char *> campaignStatuses[] = {
    {CampaignStatus::Draft, "draft"},
    {CampaignStatus::Active, "active"},
    {CampaignStatus::Paused, "paused"},
    {CampaignStatus::Ended, "ended"},
    {CampaignStatus::Archived, "archived"},
};

const std::pair<DiscountType, const char *> discountTypes[] = {
    {DiscountType::Amount, "AMOUNT"},
    {DiscountType::Percent, "PERCENT"},
    {DiscountType::Fixed, "FIXED"},
    {DiscountType::Unit, "UNIT"},
    {DiscountType::Shipping, "SHIPPING"},
};

const std::pair<DiscountEffect, const char *> discountEffects[] = {
    {DiscountEffect::ApplyToOrder, "APPLY_TO_ORDER"},
    {DiscountEffect::ApplyToItems, "APPLY_TO_ITEMS"},
    {DiscountEffect::AddMissingItems, "ADD_MISSING_ITEMS"},
    {DiscountEffect::AddNewItems, "ADD_NEW_ITEMS"},
};

const std::pair<ItemEffect, const char *> itemEffects[] = {
    {ItemEffect::Every, "APPLY_TO_EVERY"},
    {ItemEffect::Cheapest, "APPLY_TO_CHEAPEST"},
    {ItemEffect::MostExpensive, "APPLY_TO_MOST_EXPENSIVE"},
};

const std::pair<ItemTarget::Object, const char *> itemObjects[] = {
    {ItemTarget::Object::Sku, "sku"},
    {ItemTarget::Object::Product, "product"},
    {ItemTarget::Object::Category, "category"},
};

const std::pair<Period, const char *> periods[] = {
    {Period::Total, "total"},
    {Period::Day, "day"},
    {Period::Week, "week"},
    {Period::Month, "month"},
};

template <typename E, size_t N>
QString keyOf(const std::pair<E, const char *> (&table)[N], E value)
{
    for (const auto &[v, key] : table)
        if (v == value)
            return QString::fromLatin1(key);
    return {};
}

// Exact and case-sensitive: a file spelling "Active" is a typo, not a synonym.
template <typename E, size_t N>
std::optional<E> valueOf(const std::pair<E, const char *> (&table)[N], const QString &key)
{
    for (const auto &[v, spelling] : table)
        if (key == QLatin1String(spelling))
            return v;
    return std::nullopt;
}

} // namespace

QString campaignTypeKey(CampaignType type) { return keyOf(campaignTypes, type); }
QString campaignStatusKey(CampaignStatus status) { return keyOf(campaignStatuses, status); }
QString discountTypeKey(DiscountType type) { return keyOf(discountTypes, type); }
QString discountEffectKey(DiscountEffect effect) { return keyOf(discountEffects, effect); }
QString itemEffectKey(ItemEffect effect) { return keyOf(itemEffects, effect); }
QString itemObjectKey(ItemTarget::Object object) { return keyOf(itemObjects, object); }
QString periodKey(Period period) { return keyOf(periods, period); }

std::optional<CampaignType> campaignTypeFromKey(const QString &key) { return valueOf(campaignTypes, key); }
std::optional<CampaignStatus> campaignStatusFromKey(const QString &key) { return valueOf(campaignStatuses, key); }
std::optional<DiscountType> discountTypeFromKey(const QString &key) { return valueOf(discountTypes, key); }
std::optional<DiscountEffect> discountEffectFromKey(const QString &key) { return valueOf(discountEffects, key); }
std::optional<ItemEffect> itemEffectFromKey(const QString &key) { return valueOf(itemEffects, key); }
std::optional<ItemTarget::Object> itemObjectFromKey(const QString &key) { return valueOf(itemObjects, key); }
std::optional<Period> periodFromKey(const QString &key) { return valueOf(periods, key); }

bool canChangeStatus(CampaignStatus from, CampaignStatus to)
{
    if (from == to)
        return true;
    using S = CampaignStatus;
    switch (from) {
    case S::Draft: return to == S::Active || to == S::Archived;
    case S::Active: return to == S::Paused || to == S::Ended;
    case S::Paused: return to == S::Active || to == S::Ended || to == S::Archived;
    case S::Ended: return to == S::Archived;
    case S::Archived: return false;
    }
    return false;
}

Discount amountOff(qint64 cents)
{
    Discount d;
    d.type = DiscountType::Amount;
    d.amountOff = cents;
    return d;
}

Discount percentOff(double percent, qint64 amountLimit)
{
    Discount d;
    d.type = DiscountType::Percent;
    d.percentOff = percent;
    d.amountLimit = amountLimit;
    return d;
}

Result<Eligibility> eligibilityFromText(const QString &rule, const QString &message)
{
    auto parsed = Rules::parse(rule);
    if (!parsed)
        return parsed.error();
    auto checked = Rules::check(parsed.value());
    if (!checked)
        return checked.error();
    Eligibility eligibility;
    eligibility.rule = std::move(checked).value();
    eligibility.errorMessage = message;
    return eligibility;
}

} // namespace PromoDesk::Engine
