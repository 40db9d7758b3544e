#include "democampaigns.h"

#include "common/ids.h"
#include "engine/engine.h"
#include "store/campaignstore.h"
#include "store/connection.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

namespace PromoDesk::Engine {

namespace {

const QString Dublin = QStringLiteral("Europe/Dublin");

// The demo's rules are fixed text, checked by the tests that build the demo.
Eligibility rule(const char *text, const char *message)
{
    auto eligibility = eligibilityFromText(QString::fromUtf8(text), QString::fromUtf8(message));
    Q_ASSERT_X(eligibility.ok(), "demoCampaigns", text);
    return eligibility.ok() ? eligibility.value() : Eligibility();
}

qint64 dublinMidnight(const QDate &date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone(Dublin.toUtf8())).toMSecsSinceEpoch();
}

Campaign make(const char *id, const char *name, CampaignType type, const char *description)
{
    Campaign c;
    c.id = QString::fromUtf8(id);
    c.name = QString::fromUtf8(name);
    c.type = type;
    c.description = QString::fromUtf8(description);
    c.status = CampaignStatus::Active;
    c.timezone = Dublin;
    return c;
}

Tier tier(const char *id, const char *name, Eligibility eligibility, Discount discount)
{
    Tier t;
    t.id = QString::fromUtf8(id);
    t.name = QString::fromUtf8(name);
    t.eligibility = std::move(eligibility);
    t.discount = std::move(discount);
    return t;
}

} // namespace

QList<Campaign> demoCampaigns(const QDate &asOf)
{
    const QDate yearAgo = asOf.addYears(-1);
    const qint64 start = dublinMidnight(yearAgo);
    QList<Campaign> list;

    // 1. $10 off the abandoned cart, once per customer.
    Campaign abandoned = make("camp_abandoned_cart", "Come back: 10.00 off your cart", CampaignType::DiscountCoupons,
                              "Scenario 1: 10.00 off, once per member, within 2 days of abandoning a cart.");
    abandoned.standaloneCode = QStringLiteral("COMEBACK10");
    abandoned.discount = amountOff(1000);
    abandoned.eligibility = rule("customer.events.last_at(type: \"cart_abandoned\") within last 2 days",
                                 "Only for members who left a cart in the last 2 days");
    abandoned.limits.perCustomer = 1;
    abandoned.category = QStringLiteral("recovery");
    abandoned.schedule.startDate = start;
    list << abandoned;

    // 2. 5 % off at 50.00+, 10 % off at 100.00+: the better tier applies, never both.
    Campaign tiers = make("camp_spend_tiers", "Spend more, save more", CampaignType::Promotion,
                          "Scenario 2: two tiers; the better one applies.");
    tiers.tiers << tier("promo_spend_50", "5% off at 50.00+", rule("order.amount >= 50.00", "Spend 50.00 or more"), percentOff(5))
                << tier("promo_spend_100", "10% off at 100.00+", rule("order.amount >= 100.00", "Spend 100.00 or more"),
                        percentOff(10));
    tiers.category = QStringLiteral("cart");
    tiers.schedule.startDate = start;
    list << tiers;

    // 3. Buy the dog food, get the dental sticks free (only the sticks are discounted).
    Campaign bogo = make("camp_bogo_dental", "Buy dog food, get dental sticks free", CampaignType::Promotion,
                         "Scenario 3: with Wainwright's Adult Chicken & Rice in the cart, one pack of Pets Corner "
                         "Dental Sticks is free.");
    Discount free = percentOff(100);
    free.effect = DiscountEffect::ApplyToItems;
    ItemTarget sticks;
    sticks.object = ItemTarget::Object::Product;
    sticks.id = QStringLiteral("prod_00037");
    sticks.aggregatedQuantityLimit = 1;
    free.applicableTo << sticks;
    bogo.tiers << tier("promo_bogo_dental", "Dental sticks free with dog food",
                       rule("any item (item.product is \"prod_00001\") and any item (item.product is \"prod_00037\")",
                            "Put both the dog food and the dental sticks in the cart"),
                       free);
    bogo.category = QStringLiteral("product");
    bogo.schedule.startDate = start;
    list << bogo;

    // 4. 15 % off for members who redeemed a code this month or referred someone.
    Campaign loyal = make("camp_loyal_15", "Loyal members 15% off", CampaignType::DiscountCoupons,
                          "Scenario 4: for members who redeemed any code this calendar month or referred someone.");
    loyal.standaloneCode = QStringLiteral("LOYAL15");
    loyal.discount = percentOff(15, 5000);
    loyal.eligibility = rule("customer.redemptions.count(this_month: true) >= 1 or customer.referrals_count >= 1",
                             "For members who redeemed a code this month or referred a friend");
    loyal.limits.perCustomer = 1;
    loyal.limits.perCustomerPeriod = Period::Month;
    loyal.schedule.startDate = start;
    list << loyal;

    // 5. The medium orthopaedic bed 30 % off with a 60.00+ cart or the rope tug.
    Campaign bed = make("camp_bed_bundle", "Orthopaedic bed 30% off", CampaignType::Promotion,
                        "Scenario 5: the small Lily's Kitchen Orthopaedic Bed (sku_00069_1) is 30% off when the cart "
                        "is 60.00+ or holds the Harringtons Rope Tug (sku_00053_1).");
    Discount bedDiscount = percentOff(30);
    bedDiscount.effect = DiscountEffect::ApplyToItems;
    ItemTarget bedSku;
    bedSku.object = ItemTarget::Object::Sku;
    bedSku.id = QStringLiteral("sku_00069_1");
    bedDiscount.applicableTo << bedSku;
    bed.tiers << tier("promo_bed_bundle", "Bed 30% off",
                      rule("any item (item.sku is \"sku_00069_1\") and (order.amount >= 60.00 or any item (item.sku is "
                           "\"sku_00053_1\"))",
                           "Add the bed, and spend 60.00 or add the rope tug"),
                      bedDiscount);
    bed.category = QStringLiteral("product");
    bed.schedule.startDate = start;
    list << bed;

    // 6. 10 % off for members who signed up this week (a rolling 7 days).
    Campaign welcome = make("camp_welcome_week", "Welcome week 10% off", CampaignType::DiscountCoupons,
                            "Scenario 6: members who joined in the last 7 days.");
    welcome.standaloneCode = QStringLiteral("WELCOMEWEEK");
    welcome.discount = percentOff(10);
    welcome.eligibility = rule("customer.created_at within last 7 days", "For members who joined this week");
    welcome.limits.perCustomer = 1;
    welcome.schedule.startDate = start;
    list << welcome;

    // 7. Re-engagement: 20 % off orders above 100.00 after 3 months away.
    Campaign missYou = make("camp_reengage", "We miss you: 20% off", CampaignType::DiscountCoupons,
                            "Scenario 7: orders above 100.00 from members inactive for more than 3 months.");
    missYou.standaloneCode = QStringLiteral("MISSYOU20");
    missYou.discount = percentOff(20);
    missYou.eligibility = rule("order.amount > 100.00 and customer.last_order_at more than 90 days ago",
                               "For members back after 3 months, on orders above 100.00");
    missYou.limits.perCustomer = 1;
    missYou.schedule.startDate = start;
    list << missYou;

    // 8. Orders above 250.00 for gold members.
    Campaign premium = make("camp_premium", "Gold members: 25.00 off 250.00+", CampaignType::Promotion,
                            "Scenario 8: orders above 250.00 for premium (gold) members.");
    premium.tiers << tier("promo_premium_250", "25.00 off above 250.00",
                          rule("order.amount > 250.00 and customer.loyalty_tier is \"gold\"",
                               "Gold members, on orders above 250.00"),
                          amountOff(2500));
    premium.category = QStringLiteral("cart");
    premium.schedule.startDate = start;
    list << premium;

    // 9. Anniversary 50 % off (at most 500.00) and birthday 20.00 off with free shipping.
    Campaign anniversary = make("camp_anniversary", "Happy anniversary: 50% off", CampaignType::DiscountCoupons,
                                "Scenario 9: on the day a member joined, a year or more ago; at most 500.00 off.");
    anniversary.standaloneCode = QStringLiteral("ANNIVERSARY50");
    anniversary.discount = percentOff(50, 50000);
    anniversary.eligibility = rule("customer.created_at same day of year and customer.created_at more than 360 days ago",
                                   "Only on your membership anniversary");
    anniversary.limits.perCustomer = 1;
    anniversary.limits.perCustomerPeriod = Period::Month;
    anniversary.schedule.startDate = start;
    list << anniversary;

    Campaign birthday = make("camp_birthday", "Birthday treat: 20.00 off + free shipping", CampaignType::DiscountCoupons,
                             "Scenario 9: on the member's birthday (Europe/Dublin).");
    birthday.standaloneCode = QStringLiteral("BIRTHDAY20");
    birthday.discount = amountOff(2000);
    birthday.discount.freeShipping = true;
    birthday.eligibility = rule("customer.birthdate same day of year", "Only on your birthday");
    birthday.limits.perCustomer = 1;
    birthday.limits.perCustomerPeriod = Period::Month;
    birthday.schedule.startDate = start;
    list << birthday;

    // 10. St. Patrick's Day, Ireland only, 17 March in Dublin.
    QDate patricks(asOf.year(), 3, 17);
    if (patricks >= asOf)
        patricks = patricks.addYears(-1);
    Campaign stPatricks = make("camp_st_patricks", "St. Patrick's Day 17% off", CampaignType::Promotion,
                               "Scenario 10: members in Ireland, 17 March only, Europe/Dublin time.");
    stPatricks.tiers << tier("promo_st_patricks", "17% off on St. Patrick's Day",
                             rule("customer.country is \"IE\"", "For members in Ireland"), percentOff(17));
    stPatricks.schedule.startDate = dublinMidnight(patricks);
    stPatricks.schedule.expirationDate = dublinMidnight(patricks.addDays(1));
    stPatricks.category = QStringLiteral("seasonal");
    list << stPatricks;

    // Plain coupons and the other campaign types.
    Campaign summer = make("camp_summer", "Summer sale 10%", CampaignType::DiscountCoupons,
                           "Unique single-use codes, June to August, with a discount budget.");
    summer.discount = percentOff(10);
    summer.codeConfig.pattern = QStringLiteral("SUMMER-####-##");
    summer.codeConfig.charset = QStringLiteral("ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
    summer.limits.perCode = 1;
    summer.schedule.startDate = dublinMidnight(QDate(patricks.year(), 6, 1));
    summer.schedule.expirationDate = dublinMidnight(QDate(patricks.year(), 9, 1));
    summer.category = QStringLiteral("seasonal");
    list << summer;

    Campaign flash = make("camp_flash", "Lunchtime flash sale", CampaignType::DiscountCoupons,
                          "15% off with FLASH, 12:00–14:00 Dublin time, a limited number a day.");
    flash.standaloneCode = QStringLiteral("FLASH");
    flash.discount = percentOff(15, 2000);
    flash.schedule.dailyHours << DailyWindow{QTime(12, 0), QTime(14, 0)};
    flash.schedule.startDate = start;
    flash.limits.perCampaign = 20;
    flash.limits.perCampaignPeriod = Period::Day;
    list << flash;

    Campaign freeShipping = make("camp_free_shipping", "Free shipping", CampaignType::DiscountCoupons,
                                 "FREESHIP takes the shipping cost off web orders.");
    freeShipping.standaloneCode = QStringLiteral("FREESHIP");
    freeShipping.discount.type = DiscountType::Shipping;
    freeShipping.schedule.startDate = start;
    freeShipping.category = QStringLiteral("shipping");
    list << freeShipping;

    Campaign halloween = make("camp_halloween", "Halloween 20%", CampaignType::DiscountCoupons,
                              "Last year's Halloween code; expired.");
    halloween.standaloneCode = QStringLiteral("SPOOKY20");
    halloween.discount = percentOff(20);
    halloween.schedule.startDate = dublinMidnight(QDate(yearAgo.year(), 10, 24));
    halloween.schedule.expirationDate = dublinMidnight(QDate(yearAgo.year(), 11, 1));
    list << halloween;

    Campaign preview = make("camp_black_friday", "Black Friday preview", CampaignType::DiscountCoupons,
                            "Paused while the marketing team reworks it.");
    preview.standaloneCode = QStringLiteral("BFPREVIEW");
    preview.discount = percentOff(25);
    preview.status = CampaignStatus::Paused;
    list << preview;

    Campaign gift = make("camp_gift_cards", "Gift cards 50.00", CampaignType::GiftVouchers,
                         "Gift cards with a 50.00 balance, spent across orders.");
    gift.giftAmount = 5000;
    gift.codeConfig.pattern = QStringLiteral("GIFT-####-####");
    gift.codeConfig.charset = QStringLiteral("numbers");
    list << gift;

    Campaign reward = make("camp_referral_reward", "Referral reward 10%", CampaignType::DiscountCoupons,
                           "Codes given to referrers for each friend who orders with their code.");
    reward.discount = percentOff(10);
    reward.codeConfig.pattern = QStringLiteral("THANKS-######");
    reward.limits.perCode = 1;
    list << reward;

    Campaign referral = make("camp_referral", "Refer a friend", CampaignType::Referral,
                             "A friend gets 15.00 off their first order; the referrer gets a 10% code.");
    referral.discount = amountOff(1500);
    referral.codeConfig.pattern = QStringLiteral("REF-######");
    referral.limits.perCustomer = 1;
    referral.referral.rewardCampaignId = reward.id;
    list << referral;

    for (Campaign &c : list) {
        c.createdAt = start;
        if (c.type == CampaignType::DiscountCoupons && c.standaloneCode.isEmpty() && c.codeConfig.pattern.isEmpty())
            c.codeConfig.pattern = QStringLiteral("########");
    }
    return list;
}

Status populateDemoCampaigns(const QString &file, const Store::DemoOptions &options, const Store::DemoProgress &progress,
                             Store::DemoReport &report)
{
    QElapsedTimer timer;
    timer.start();
    auto opened = Store::Connection::open(file, Store::Connection::Access::ReadWrite);
    if (!opened)
        return opened.error();
    Store::Connection &connection = *opened.value();
    // The side file is private until renamed: an in-memory journal keeps savepoints working.
    for (const char *pragma : {"PRAGMA journal_mode = MEMORY", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -524288"}) {
        if (Status s = connection.exec(QString::fromLatin1(pragma)); !s)
            return s;
    }
    CampaignEngine engine(connection);
    Store::CampaignStore &store = engine.store();
    const qint64 members = Store::demoMemberCount(options.size);
    QRandomGenerator random(quint32(options.seed * 2654435761u + 17));

    if (Status s = engine.beginBatch(); !s)
        return s;
    const QList<Campaign> campaigns = demoCampaigns(options.asOf);
    QHash<QString, Campaign> byId;
    for (Campaign campaign : campaigns) {
        // Budgets and daily limits in proportion to the programme, so some run out.
        if (campaign.id == QLatin1String("camp_summer"))
            campaign.limits.budgetDiscount = members * 25;
        if (campaign.id == QLatin1String("camp_flash"))
            campaign.limits.perCampaign = std::max<qint64>(5, members / 5000);
        auto saved = store.saveCampaign(campaign, QStringLiteral("demo"));
        if (!saved)
            return saved.error();
        byId.insert(saved.value().id, saved.value());
    }
    report.campaigns = campaigns.size();

    // Codes published to members: summer codes, gift cards and referral codes.
    QHash<qint64, QStringList> held;     // customer → codes to try
    QList<QString> referralCodes;
    const qint64 start = dublinMidnight(options.asOf.addYears(-1));
    {
        QSqlQuery customers(connection.database());
        customers.setForwardOnly(true);
        if (!customers.exec(QStringLiteral("SELECT id FROM customers ORDER BY id")))
            return Error{customers.lastError().text(), file};
        QList<qint64> ids;
        while (customers.next())
            ids << customers.value(0).toLongLong();
        customers.finish();
        auto publish = [&](const char *campaignId, qint64 customer, qint64 at) -> Result<QString> {
            auto code = store.publishCode(byId.value(QString::fromLatin1(campaignId)), customer, at);
            if (!code)
                return code.error();
            ++report.codes;
            return code.value().code;
        };
        for (int i = 0; i < ids.size(); ++i) {
            const qint64 id = ids[i];
            if (i % 12 == 3) {
                auto code = publish("camp_summer", id, *byId.value(QStringLiteral("camp_summer")).schedule.startDate);
                if (!code)
                    return code.error();
                held[id] << code.value();
            }
            if (i % 45 == 7) {
                auto code = publish("camp_gift_cards", id, start);
                if (!code)
                    return code.error();
                held[id] << code.value();
            }
            if (i % 30 == 11) {
                auto code = publish("camp_referral", id, start);
                if (!code)
                    return code.error();
                referralCodes << code.value();
            }
        }
    }
    if (progress && !progress(5))
        return Error{QStringLiteral("cancelled"), file};

    // The last year of orders, in time order, replayed through redeem.
    QSqlQuery orders(connection.database());
    orders.setForwardOnly(true);
    orders.prepare(QStringLiteral(
        "SELECT o.id, o.source_id, o.customer_id, o.created_at, o.channel, i.sku_id, i.product_id, i.quantity, i.price "
        "FROM orders AS o JOIN order_items AS i ON i.order_id = o.id WHERE o.created_at >= ? "
        "ORDER BY o.created_at, o.id, i.line_no"));
    orders.addBindValue(start);
    if (!orders.exec())
        return Error{orders.lastError().text(), file};
    const qint64 end = dublinMidnight(options.asOf);
    const QStringList standalone = {QStringLiteral("COMEBACK10"), QStringLiteral("LOYAL15"), QStringLiteral("WELCOMEWEEK"),
                                    QStringLiteral("MISSYOU20"),  QStringLiteral("ANNIVERSARY50"), QStringLiteral("BIRTHDAY20"),
                                    QStringLiteral("FLASH"),      QStringLiteral("FREESHIP"),   QStringLiteral("SPOOKY20"),
                                    QStringLiteral("BFPREVIEW"),  QStringLiteral("SUMMER10"),   QStringLiteral("comeback10")};
    const QStringList tiersToTry = {QStringLiteral("promo_spend_50"),   QStringLiteral("promo_spend_100"),
                                    QStringLiteral("promo_bogo_dental"), QStringLiteral("promo_bed_bundle"),
                                    QStringLiteral("promo_premium_250"), QStringLiteral("promo_st_patricks")};
    int lastPercent = 5;
    qint64 currentOrder = 0;
    Request request;
    auto attempt = [&]() -> Status {
        // A third of the orders try an incentive: over a million attempts on large.
        if (random.bounded(100) >= 32)
            return {};
        const qint64 amount = request.order.itemsAmount();
        if (request.order.channel == QLatin1String("web") && amount < 5000)
            request.order.shipping = 495;
        const int pick = int(random.bounded(100));
        Redeemable redeemable;
        const QStringList mine = held.value(Ids::parse(Ids::Customer, request.customer).value_or(0));
        if (pick < 20 && amount >= 5000) {
            // The shop applies the spend tier the cart has reached.
            redeemable.object = Redeemable::Object::PromotionTier;
            redeemable.id = amount >= 10000 ? QStringLiteral("promo_spend_100") : QStringLiteral("promo_spend_50");
        } else if (pick < 35) {
            redeemable.object = Redeemable::Object::PromotionTier;
            redeemable.id = tiersToTry[int(random.bounded(qint64(tiersToTry.size())))];
        } else if (pick < 42 && request.order.shipping > 0) {
            redeemable.id = QStringLiteral("FREESHIP");
        } else if (pick < 50 && !mine.isEmpty()) {
            redeemable.id = mine[int(random.bounded(qint64(mine.size())))];
        } else if (pick < 58 && !referralCodes.isEmpty()) {
            redeemable.id = referralCodes[int(random.bounded(qint64(referralCodes.size())))];
        } else {
            redeemable.id = standalone[int(random.bounded(qint64(standalone.size())))];
        }
        request.redeemables = {redeemable};
        auto result = engine.redeem(request);
        if (!result)
            return result.error();
        ++report.redemptionAttempts;
        if (result.value().valid) {
            const auto &redeemed = result.value().applicable;
            // A few orders are cancelled a couple of hours later.
            if (!redeemed.isEmpty() && random.bounded(100) < 3) {
                auto undone = engine.rollback(redeemed.constFirst().redemptionId, QStringLiteral("order cancelled"),
                                              request.now.value_or(0) + 2 * 3600 * 1000);
                if (!undone)
                    return undone.error();
                ++report.redemptionAttempts;
            }
        }
        return {};
    };
    while (orders.next()) {
        const qint64 orderId = orders.value(0).toLongLong();
        if (orderId != currentOrder) {
            if (currentOrder) {
                if (Status s = attempt(); !s)
                    return s;
            }
            currentOrder = orderId;
            const qint64 at = orders.value(3).toLongLong();
            request = Request();
            request.customer = Ids::make(Ids::Customer, orders.value(2).toLongLong());
            request.order.sourceId = orders.value(1).toString();
            request.order.channel = orders.value(4).toString();
            request.now = at;
            const int percent = 5 + int((at - start) * 95 / std::max<qint64>(1, end - start));
            if (percent > lastPercent && percent < 100) {
                lastPercent = percent;
                if (progress && !progress(percent))
                    return Error{QStringLiteral("cancelled"), file};
            }
        }
        OrderItem item;
        item.sku = orders.value(5).toString();
        item.product = orders.value(6).toString();
        item.quantity = orders.value(7).toLongLong();
        item.price = orders.value(8).toLongLong();
        request.order.items << item;
    }
    if (currentOrder) {
        if (Status s = attempt(); !s)
            return s;
    }
    orders.finish();
    if (Status s = engine.commitBatch(); !s)
        return s;
    for (const char *pragma : {"PRAGMA journal_mode = WAL", "ANALYZE redemptions"}) {
        if (Status s = connection.exec(QString::fromLatin1(pragma)); !s)
            return s;
    }
    report.historyMs = timer.elapsed();
    if (progress)
        progress(100);
    return {};
}

Result<Store::DemoReport> generateDemoWorkspace(const QString &path, Store::DemoOptions options,
                                                const Store::DemoProgress &progress)
{
    const Store::DemoOptions plain = options;
    options.populate = [plain](const QString &file, const Store::DemoProgress &progress, Store::DemoReport &report) {
        return populateDemoCampaigns(file, plain, progress, report);
    };
    return Store::generateDemo(path, options, progress);
}

} // namespace PromoDesk::Engine
