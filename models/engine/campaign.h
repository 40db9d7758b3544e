#pragma once

#include "common/result.h"
#include "engine/codegenerator.h"
#include "rules/ast.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QTime>
#include <QTimeZone>

#include <optional>

// The campaign model: what a marketer designs. Field names follow Voucherify's
// public API (docs/campaigns.md); money is integer cents, times UTC epoch ms.
namespace PromoDesk::Engine {

enum class CampaignType { DiscountCoupons, Promotion, GiftVouchers, Referral };
enum class CampaignStatus { Draft, Active, Paused, Ended, Archived };

// --- Orders ----------------------------------------------------------------

// One cart line (Voucherify's order.items[]).
struct OrderItem
{
    QString sku;       // sku id ("sku_00012_1"); may be empty when only the product is known
    QString product;   // product id
    QString category;  // category name ("Dog Food")
    qint64 quantity = 0;
    qint64 price = 0;  // cents per unit

    qint64 amount() const { return quantity * price; }
    bool operator==(const OrderItem &) const = default;
};

struct Order
{
    QString sourceId;      // the shop's order id
    QString channel;       // "web", "store", "app"
    QJsonObject metadata;
    QList<OrderItem> items;
    qint64 shipping = 0;   // shipping cost in cents, which free shipping takes off

    // The sum of the lines (the order amount before discounts, without shipping).
    qint64 itemsAmount() const;
};

// --- Discounts -------------------------------------------------------------

enum class DiscountType {
    Amount,   // AMOUNT: amount_off cents
    Percent,  // PERCENT: percent_off, capped by amount_limit
    Fixed,    // FIXED: fixed_amount is the new price (of the order, or of each matching unit)
    Unit,     // UNIT: unit_off free units of unit_type (a SKU id)
    Shipping, // SHIPPING: the order's shipping cost
};

enum class DiscountEffect {
    ApplyToOrder,    // APPLY_TO_ORDER: the order amount (spread over the lines for the per-line view)
    ApplyToItems,    // APPLY_TO_ITEMS: the lines matched by applicable_to
    AddMissingItems, // ADD_MISSING_ITEMS (UNIT): discount units already in the cart, add the missing ones
    AddNewItems,     // ADD_NEW_ITEMS (UNIT): always add the free units as a new line
};

// Which units of the matching lines an APPLY_TO_ITEMS discount takes.
enum class ItemEffect { Every, Cheapest, MostExpensive }; // APPLY_TO_EVERY / _CHEAPEST / _MOST_EXPENSIVE

// One entry of applicable_to: the lines a discount applies to.
struct ItemTarget
{
    enum class Object { Sku, Product, Category }; // "sku", "product", "category"
    Object object = Object::Product;
    QString id;                          // SKU id, product id, or category name
    ItemEffect effect = ItemEffect::Every;
    qint64 quantityLimit = 0;            // quantity_limit: units discounted per line, 0 = all
    qint64 aggregatedQuantityLimit = 0;  // aggregated_quantity_limit: units across lines, 0 = all

    bool matches(const OrderItem &item) const;
    bool operator==(const ItemTarget &) const = default;
};

struct Discount
{
    DiscountType type = DiscountType::Amount;
    DiscountEffect effect = DiscountEffect::ApplyToOrder;
    qint64 amountOff = 0;       // AMOUNT
    double percentOff = 0;      // PERCENT, 0 < p <= 100
    qint64 amountLimit = 0;     // PERCENT: at most this many cents off in total, 0 = no cap
    qint64 fixedAmount = 0;     // FIXED
    qint64 unitOff = 0;         // UNIT: how many free units
    QString unitSku;            // UNIT: unit_type, the SKU given free
    bool freeShipping = false;  // also take the shipping cost off (e.g. "$20 off plus free shipping")
    QList<ItemTarget> applicableTo; // APPLY_TO_ITEMS targets; empty = every line

    bool operator==(const Discount &) const = default;
};

// --- Eligibility -----------------------------------------------------------

// A rule from the rule engine with the message shown when it fails.
struct Eligibility
{
    std::optional<Rules::Node> rule; // checked; none = everyone
    QString errorMessage;            // "Only for members whose cart was abandoned in the last 2 days"

    bool operator==(const Eligibility &) const = default;
};

struct Tier
{
    QString id;        // "promo_tier_…", stable across edits
    QString name;      // "10% off at $100+"
    Eligibility eligibility;
    Discount discount;

    bool operator==(const Tier &) const = default;
};

// --- Limits and budgets -----------------------------------------------------

enum class Period { Total, Day, Week, Month }; // calendar periods in the campaign's zone; weeks start on Monday

struct Limits
{
    qint64 perCode = 0;                  // redemptions per code (redemption.quantity); 0 = unlimited
    qint64 perCustomer = 0;              // successful redemptions per customer; 0 = unlimited
    Period perCustomerPeriod = Period::Total;
    qint64 perCampaign = 0;              // successful redemptions of the campaign per period; 0 = unlimited
    Period perCampaignPeriod = Period::Day;
    qint64 budgetDiscount = 0;           // total discount given, cents; 0 = no budget
    qint64 budgetRedemptions = 0;        // total successful redemptions; 0 = no budget
    bool joinOnce = false;               // join_once: one code (or one redemption, without codes) per customer

    // Whether redeeming needs the campaign's shared counters (a limit or budget other than per code).
    bool needsCampaignCounters() const { return perCampaign > 0 || budgetDiscount > 0 || budgetRedemptions > 0; }
    bool operator==(const Limits &) const = default;
};

// --- Schedule ---------------------------------------------------------------

// A daily window [start, end) in the campaign's zone; end <= start crosses midnight.
struct DailyWindow
{
    QTime start;
    QTime end;

    bool operator==(const DailyWindow &) const = default;
};

struct Schedule
{
    std::optional<qint64> startDate;       // start_date (UTC ms); none = from the start
    std::optional<qint64> expirationDate;  // expiration_date (UTC ms, exclusive); none = forever
    QList<int> daysOfWeek;                 // validity_day_of_week as Qt days, 1 = Monday … 7 = Sunday; empty = every day
    QList<DailyWindow> dailyHours;         // validity_hours.daily; empty = all day
    // validity_timeframe: active for `duration` every `interval`, counted from start_date
    // (or from the epoch, in the zone, without one); both 0 = no timeframe.
    qint64 timeframeIntervalMs = 0;
    qint64 timeframeDurationMs = 0;
    // activity_duration_after_publishing: a code is valid this long after it was published; 0 = no limit.
    qint64 activityAfterPublishingMs = 0;

    bool operator==(const Schedule &) const = default;
};

// --- Codes, gift cards and referrals ------------------------------------------

struct ReferralRewards
{
    // The referrer's reward for each successful referral: a code of this (coupon)
    // campaign, published to the referrer. Empty = no reward code.
    QString rewardCampaignId;

    bool operator==(const ReferralRewards &) const = default;
};

// --- The campaign -------------------------------------------------------------

struct Campaign
{
    QString id;                // "camp_…"
    QString name;
    QString description;
    CampaignType type = CampaignType::DiscountCoupons;
    CampaignStatus status = CampaignStatus::Draft;
    QString category;          // stacking category (workspace stacking rules name exclusive / joint ones)
    int priority = 0;          // higher applies first when stacking
    QString timezone = QStringLiteral("UTC"); // IANA
    Schedule schedule;
    Eligibility eligibility;   // the campaign's own rule
    Discount discount;         // coupons and referrals (the referee's reward); promotions use tiers
    QList<Tier> tiers;         // PROMOTION: in order; the best applicable one applies, never two
    Limits limits;
    CodeConfig codeConfig;     // code_config for generated codes
    QString standaloneCode;    // one shared code instead of unique ones (DISCOUNT_COUPONS), "" = none
    qint64 giftAmount = 0;     // GIFT_VOUCHERS: the initial balance of each card, cents
    ReferralRewards referral;  // REFERRAL_PROGRAM
    QJsonObject metadata;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QTimeZone zone() const { return QTimeZone(timezone.toUtf8()); }
    bool hasCodes() const { return type != CampaignType::Promotion; }
    bool operator==(const Campaign &) const = default;
};

// Voucherify's spellings: "DISCOUNT_COUPONS", "active", "AMOUNT", "APPLY_TO_ITEMS", "day"…
QString campaignTypeKey(CampaignType type);
QString campaignStatusKey(CampaignStatus status);
QString discountTypeKey(DiscountType type);
QString discountEffectKey(DiscountEffect effect);
QString itemEffectKey(ItemEffect effect);
QString itemObjectKey(ItemTarget::Object object);
QString periodKey(Period period);
std::optional<CampaignType> campaignTypeFromKey(const QString &key);
std::optional<CampaignStatus> campaignStatusFromKey(const QString &key);
std::optional<DiscountType> discountTypeFromKey(const QString &key);
std::optional<DiscountEffect> discountEffectFromKey(const QString &key);
std::optional<ItemEffect> itemEffectFromKey(const QString &key);
std::optional<ItemTarget::Object> itemObjectFromKey(const QString &key);
std::optional<Period> periodFromKey(const QString &key);

// Shorthands for code that builds campaigns (the demo, tests, benchmarks).
Discount amountOff(qint64 cents);
Discount percentOff(double percent, qint64 amountLimit = 0);
// A rule in the text syntax (docs/rules.md), parsed and type-checked, with the
// message shown when it fails.
Result<Eligibility> eligibilityFromText(const QString &rule, const QString &message);

// Which status changes the lifecycle allows: draft → active ⇄ paused → ended → archived
// (and archived from any state but active). Unchanged is allowed.
bool canChangeStatus(CampaignStatus from, CampaignStatus to);

} // namespace PromoDesk::Engine
