// Campaign JSON files (models/engine/campaignjson.h): golden files under
// tests/engine/data/campaigns/ read and write back byte for byte; programmatic
// campaigns survive a round trip; bad files are refused with the field's path;
// validateCampaign names the field; the status lifecycle and the Voucherify keys.

#include "engine/campaign.h"
#include "engine/campaignjson.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#include <array>

using namespace PromoDesk;
using namespace PromoDesk::Engine;

Q_DECLARE_METATYPE(PromoDesk::Engine::Campaign)
Q_DECLARE_METATYPE(PromoDesk::Engine::CampaignStatus)

class TestCampaignJson : public QObject
{
    Q_OBJECT

private slots:
    void goldenFilesArePresent();
    void goldenFileReadsAndWritesBack_data();
    void goldenFileReadsAndWritesBack();
    void goldenFilesHoldWhatTheySay();
    void readsKeysInAnyOrder();

    void roundTrip_data();
    void roundTrip();
    void roundTripsCoverEveryField();
    void leavesOutDefaults();
    void daysOfWeekAreVoucherifyNumbers();
    void durationsAreIso8601_data();
    void durationsAreIso8601();

    void refusesBadFiles_data();
    void refusesBadFiles();
    void jsonSyntaxErrorsHaveLineAndColumn();
    void fileNameLeadsTheWhere();

    void validate_data();
    void validate();

    void canChangeStatus_data();
    void canChangeStatus();
    void keysAreVoucherifySpellings();
    void itemTargetsAndOrderAmount();
};

namespace {

QString goldenDir()
{
    return QFileInfo(QString::fromUtf8(__FILE__)).absoluteDir().filePath(QStringLiteral("data/campaigns"));
}

QByteArray readGolden(const QString &name)
{
    QFile f(goldenDir() + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(f.fileName()));
    return f.readAll();
}

template <typename T>
QByteArray why(const Result<T> &result)
{
    return (result.ok() ? QStringLiteral("(no error)") : result.error().toString()).toUtf8();
}

Rules::Node rule(const char *text)
{
    auto parsed = Rules::parse(QString::fromUtf8(text));
    if (!parsed)
        qFatal("bad rule in test: %s", qPrintable(parsed.error().toString()));
    auto checked = Rules::check(parsed.value());
    if (!checked)
        qFatal("bad rule in test: %s", qPrintable(checked.error().toString()));
    return checked.value();
}

qint64 utc(const char *text)
{
    const std::optional<qint64> when = Rules::parseDateTime(QString::fromLatin1(text));
    if (!when)
        qFatal("bad date in test: %s", text);
    return *when;
}

QJsonObject json(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (!doc.isObject())
        qFatal("bad JSON in test: %s: %s", qPrintable(error.errorString()), text);
    return doc.object();
}

constexpr qint64 MinuteMs = 60 * 1000;
constexpr qint64 HourMs = 60 * MinuteMs;
constexpr qint64 DayMs = 24 * HourMs;

Discount unit(qint64 units, const QString &sku, DiscountEffect effect = DiscountEffect::AddMissingItems)
{
    Discount d;
    d.type = DiscountType::Unit;
    d.unitOff = units;
    d.unitSku = sku;
    d.effect = effect;
    return d;
}

Tier tier(const QString &id, const QString &name, const char *ruleText, Discount discount)
{
    Tier t;
    t.id = id;
    t.name = name;
    if (ruleText)
        t.eligibility.rule = rule(ruleText);
    t.discount = std::move(discount);
    return t;
}

// A coupon campaign with every field a coupon can have set to something other than its default.
Campaign everythingCoupon()
{
    Campaign c;
    c.id = u"camp_everything"_qs;
    c.name = u"Everything \"quoted\"\nover two lines, 10 % off — ☘"_qs;
    c.description = u"Tests every field"_qs;
    c.type = CampaignType::DiscountCoupons;
    c.status = CampaignStatus::Active;
    c.category = u"exclusive"_qs;
    c.priority = -3;
    c.timezone = u"America/New_York"_qs;
    c.schedule.startDate = utc("2027-03-01T05:00:00.250Z");
    c.schedule.expirationDate = utc("2027-04-01T04:00:00Z");
    c.schedule.daysOfWeek = {1, 7, 5};
    c.schedule.dailyHours = {{QTime(9, 0), QTime(12, 0)}, {QTime(22, 0), QTime(2, 0)}, {QTime(10, 15, 30), QTime(11, 0, 0, 500)}};
    c.schedule.timeframeIntervalMs = 36 * HourMs;
    c.schedule.timeframeDurationMs = 90 * MinuteMs;
    c.schedule.activityAfterPublishingMs = 21 * DayMs;
    c.eligibility.rule = rule("customer.city is \"Dún Laoghaire\" and (order.amount > 25.50 or customer.tags contains \"vip\")");
    c.eligibility.errorMessage = u"Only for VIPs in \"Dún Laoghaire\""_qs;
    c.discount = percentOff(12.5, 2500);
    c.discount.effect = DiscountEffect::ApplyToItems;
    c.discount.freeShipping = true;
    c.discount.applicableTo = {
        {ItemTarget::Object::Sku, u"sku_00012_1"_qs, ItemEffect::Cheapest, 1, 0},
        {ItemTarget::Object::Product, u"prod_00012"_qs, ItemEffect::MostExpensive, 0, 2},
        {ItemTarget::Object::Category, u"Dog Food"_qs, ItemEffect::Every, 3, 6},
    };
    c.limits.perCode = 2;
    c.limits.perCustomer = 3;
    c.limits.perCustomerPeriod = Period::Month;
    c.limits.perCampaign = 1000;
    c.limits.perCampaignPeriod = Period::Week;
    c.limits.budgetDiscount = 500000;
    c.limits.budgetRedemptions = 10000;
    c.limits.joinOnce = true;
    c.codeConfig.pattern = u"PET-####-##"_qs;
    c.codeConfig.length = 10;
    c.codeConfig.charset = u"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"_qs;
    c.codeConfig.prefix = u"SPRING-"_qs;
    c.codeConfig.postfix = u"-27"_qs;
    c.metadata = json(R"({"owner": "marketing", "budget_code": 4711, "ratio": 0.25, "flags": [true, null, "x"],
                          "nested": {"a": {"b": [1, 2, {"c": "d"}]}, "empty": {}, "none": []}})");
    c.createdAt = utc("2027-02-10T09:30:00Z");
    c.updatedAt = utc("2027-02-12T16:05:00.007Z");
    return c;
}

Campaign standaloneCoupon()
{
    Campaign c;
    c.name = u"Shared code"_qs;
    c.discount = amountOff(1000);
    c.standaloneCode = u"SPRING10"_qs;
    return c;
}

Campaign fixedPriceCoupon()
{
    Campaign c;
    c.id = u"camp_fixed"_qs;
    c.name = u"Everything in the box for 0.00"_qs;
    c.status = CampaignStatus::Paused;
    c.discount.type = DiscountType::Fixed;
    c.discount.fixedAmount = 0;
    c.discount.effect = DiscountEffect::ApplyToItems;
    c.discount.applicableTo = {{ItemTarget::Object::Product, u"prod_box"_qs, ItemEffect::Every, 0, 0}};
    return c;
}

Campaign tieredPromotion()
{
    Campaign c;
    c.id = u"camp_tiers"_qs;
    c.name = u"Tiers"_qs;
    c.type = CampaignType::Promotion;
    c.status = CampaignStatus::Active;
    c.timezone = u"Europe/Dublin"_qs;
    c.discount = amountOff(100); // a promotion may keep a campaign-level discount; it is written too
    Tier first = tier(u"promo_tier_1"_qs, u"10% off at 100.00"_qs, "order.amount >= 100.00", percentOff(10));
    first.eligibility.errorMessage = u"Spend 100.00"_qs;
    Tier units = tier(u"promo_tier_2"_qs, u"A free bowl"_qs, "any item (item.category is \"Bowls\")",
                      unit(2, u"sku_bowl"_qs, DiscountEffect::AddNewItems));
    Tier shipping = tier(u"promo_tier_3"_qs, u"Free shipping"_qs, nullptr, Discount{});
    shipping.discount.type = DiscountType::Shipping;
    shipping.discount.freeShipping = true;
    Tier bare = tier({}, {}, nullptr, Discount{}); // a draft tier: no id, no name, no rule, AMOUNT 0
    Tier messageOnly = tier(u"promo_tier_5"_qs, u"Message only"_qs, nullptr, percentOff(33.33));
    messageOnly.eligibility.errorMessage = u"Everyone qualifies, but the message is kept"_qs;
    c.tiers = {first, units, shipping, bare, messageOnly};
    c.limits.perCampaignPeriod = Period::Month; // a period without its limit
    return c;
}

Campaign giftCards()
{
    Campaign c;
    c.id = u"camp_gift"_qs;
    c.name = u"Gift cards"_qs;
    c.type = CampaignType::GiftVouchers;
    c.status = CampaignStatus::Ended;
    c.giftAmount = 2500;
    c.codeConfig.length = 16;
    c.codeConfig.charset = u"numbers"_qs;
    c.schedule.activityAfterPublishingMs = 365 * DayMs;
    return c;
}

Campaign referralProgram()
{
    Campaign c;
    c.id = u"camp_referral"_qs;
    c.name = u"Referrals"_qs;
    c.type = CampaignType::Referral;
    c.status = CampaignStatus::Archived;
    c.discount = unit(1, u"sku_treat"_qs);
    c.discount.freeShipping = true;
    c.referral.rewardCampaignId = u"camp_reward"_qs;
    c.codeConfig.pattern = u"REF-######"_qs;
    c.limits.perCustomer = 1; // per_customer_period written with its default
    return c;
}

Campaign oddSchedule()
{
    Campaign c;
    c.name = u"Odd schedule"_qs;
    c.schedule.startDate = 0;            // the epoch is a date, not "none"
    c.schedule.timeframeDurationMs = 5 * MinuteMs; // a timeframe without an interval (refused by validate, but readable)
    c.schedule.activityAfterPublishingMs = 1500;
    c.eligibility.errorMessage = u"A message without a rule"_qs;
    return c;
}

// Every key path a campaign file can hold ("tiers[].discount.type"), metadata's inside left out.
void collectPaths(const QJsonValue &value, const QString &path, QSet<QString> &out)
{
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString p = path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key();
            out.insert(p);
            if (p != QLatin1String("metadata"))
                collectPaths(it.value(), p, out);
        }
    } else if (value.isArray()) {
        for (const QJsonValue &element : value.toArray())
            collectPaths(element, path + u"[]"_qs, out);
    }
}

} // namespace

// ---------------------------------------------------------------- golden files

void TestCampaignJson::goldenFilesArePresent()
{
    const QStringList files = QDir(goldenDir()).entryList({u"*.json"_qs}, QDir::Files, QDir::Name);
    for (const char *name : {"coupon.json", "promotion-tiers.json", "gift-card.json", "referral.json", "st-patricks.json"})
        QVERIFY2(files.contains(QString::fromLatin1(name)), name);
}

void TestCampaignJson::goldenFileReadsAndWritesBack_data()
{
    QTest::addColumn<QString>("file");
    for (const QString &file : QDir(goldenDir()).entryList({u"*.json"_qs}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(file)) << file;
}

void TestCampaignJson::goldenFileReadsAndWritesBack()
{
    QFETCH(QString, file);
    const QByteArray text = readGolden(file);
    auto campaign = campaignFromJsonText(text, file);
    QVERIFY2(campaign.ok(), why(campaign));
    QCOMPARE(QString::fromUtf8(campaignToJsonText(campaign.value())), QString::fromUtf8(text));
    const Status valid = validateCampaign(campaign.value());
    QVERIFY2(valid.ok(), qPrintable(valid.ok() ? QString() : valid.error().toString()));
    // The QJsonObject face agrees with the text face.
    QCOMPARE(campaignToJson(campaign.value()), QJsonDocument::fromJson(text).object());
}

void TestCampaignJson::goldenFilesHoldWhatTheySay()
{
    auto patricks = campaignFromJsonText(readGolden(u"st-patricks.json"_qs));
    QVERIFY2(patricks.ok(), why(patricks));
    const Campaign &p = patricks.value();
    QCOMPARE(p.type, CampaignType::DiscountCoupons);
    QCOMPARE(p.status, CampaignStatus::Draft);
    QCOMPARE(p.timezone, u"Europe/Dublin"_qs);
    QCOMPARE(p.priority, 5);
    QCOMPARE(p.schedule.startDate, std::optional<qint64>(QDateTime(QDate(2027, 3, 17), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch()));
    QCOMPARE(p.schedule.expirationDate, std::optional<qint64>(*p.schedule.startDate + DayMs));
    QCOMPARE(p.schedule.daysOfWeek, QList<int>{Qt::Wednesday});
    QCOMPARE(p.schedule.dailyHours, (QList<DailyWindow>{{QTime(9, 0), QTime(17, 0)}}));
    QCOMPARE(p.schedule.timeframeIntervalMs, 2 * HourMs);
    QCOMPARE(p.schedule.timeframeDurationMs, HourMs);
    QCOMPARE(p.schedule.activityAfterPublishingMs, 2 * DayMs + 12 * HourMs);
    QCOMPARE(p.discount, unit(1, u"sku_green_treat"_qs, DiscountEffect::AddMissingItems));
    QCOMPARE(p.limits.perCustomerPeriod, Period::Day);
    QCOMPARE(p.limits.perCampaignPeriod, Period::Total);
    QCOMPARE(p.standaloneCode, u"PADDY17"_qs);
    QVERIFY(p.eligibility.rule == rule("customer.country is \"IE\" and order.channel is \"store\""));
    QCOMPARE(p.metadata.value(QLatin1String("channels")).toArray(), QJsonArray{u"store"_qs});

    auto promotion = campaignFromJsonText(readGolden(u"promotion-tiers.json"_qs));
    QVERIFY2(promotion.ok(), why(promotion));
    const Campaign &t = promotion.value();
    QCOMPARE(t.type, CampaignType::Promotion);
    QCOMPARE(t.schedule.daysOfWeek, (QList<int>{Qt::Sunday, Qt::Saturday}));
    QCOMPARE(t.tiers.size(), 4);
    QCOMPARE(t.tiers[0].discount, amountOff(500));
    QCOMPARE(t.tiers[0].eligibility.errorMessage, u"Spend 50.00 or more"_qs);
    QCOMPARE(t.tiers[1].discount, percentOff(15, 3000));
    QCOMPARE(t.tiers[2].discount.type, DiscountType::Shipping);
    QCOMPARE(t.tiers[3].discount.applicableTo,
             (QList<ItemTarget>{{ItemTarget::Object::Product, u"prod_chews"_qs, ItemEffect::Cheapest, 1, 0}}));
    QCOMPARE(t.discount, Discount());

    auto coupon = campaignFromJsonText(readGolden(u"coupon.json"_qs));
    QVERIFY2(coupon.ok(), why(coupon));
    QCOMPARE(coupon.value().discount.percentOff, 10.0);
    QCOMPARE(coupon.value().limits.budgetDiscount, 500000);
    QCOMPARE(coupon.value().codeConfig.pattern, u"PET-####-##"_qs);
    QCOMPARE(coupon.value().codeConfig.length, 8);
    QCOMPARE(coupon.value().createdAt, utc("2027-02-10T09:30:00Z"));

    auto gift = campaignFromJsonText(readGolden(u"gift-card.json"_qs));
    QVERIFY2(gift.ok(), why(gift));
    QCOMPARE(gift.value().giftAmount, 5000);
    QCOMPARE(gift.value().codeConfig.prefix, u"GIFT-"_qs);
    QCOMPARE(gift.value().schedule.activityAfterPublishingMs, 365 * DayMs);

    auto referral = campaignFromJsonText(readGolden(u"referral.json"_qs));
    QVERIFY2(referral.ok(), why(referral));
    QCOMPARE(referral.value().referral.rewardCampaignId, u"camp_referrer_reward"_qs);
    QVERIFY(referral.value().discount.freeShipping);
    QVERIFY(referral.value().limits.joinOnce);
}

void TestCampaignJson::readsKeysInAnyOrder()
{
    const QByteArray golden = readGolden(u"promotion-tiers.json"_qs);
    // QJsonDocument writes keys alphabetically: "campaign_type" before "id", "discount" before "id" in tiers.
    const QByteArray alphabetical = QJsonDocument::fromJson(golden).toJson(QJsonDocument::Indented);
    QVERIFY(alphabetical != golden);
    auto a = campaignFromJsonText(alphabetical);
    auto b = campaignFromJsonText(golden);
    QVERIFY2(a.ok(), why(a));
    QVERIFY2(b.ok(), why(b));
    QVERIFY(a.value() == b.value());
    QCOMPARE(campaignToJsonText(a.value()), golden);
}

// ---------------------------------------------------------------- round trips

void TestCampaignJson::roundTrip_data()
{
    QTest::addColumn<Campaign>("campaign");
    QTest::newRow("coupon, every field") << everythingCoupon();
    QTest::newRow("coupon, standalone code") << standaloneCoupon();
    QTest::newRow("coupon, fixed price") << fixedPriceCoupon();
    QTest::newRow("promotion, tiers") << tieredPromotion();
    QTest::newRow("gift cards") << giftCards();
    QTest::newRow("referral") << referralProgram();
    QTest::newRow("odd schedule") << oddSchedule();
    QTest::newRow("default campaign") << Campaign();
}

void TestCampaignJson::roundTrip()
{
    QFETCH(Campaign, campaign);
    const QByteArray text = campaignToJsonText(campaign);
    QVERIFY(text.endsWith("}\n"));
    QVERIFY(!text.contains('\t'));
    auto back = campaignFromJsonText(text);
    QVERIFY2(back.ok(), why(back) + "\n" + text);
    if (!(back.value() == campaign))
        QFAIL("the campaign read back differs:\n" + text + "\nwrites back as\n" + campaignToJsonText(back.value()));
    QCOMPARE(campaignToJsonText(back.value()), text);

    auto fromObject = campaignFromJson(campaignToJson(campaign));
    QVERIFY2(fromObject.ok(), why(fromObject));
    QVERIFY(fromObject.value() == campaign);
    // The text is what the object says, key order aside.
    QCOMPARE(QJsonDocument::fromJson(text).object(), campaignToJson(campaign));
}

void TestCampaignJson::roundTripsCoverEveryField()
{
    QSet<QString> written;
    for (const Campaign &c : {everythingCoupon(), standaloneCoupon(), fixedPriceCoupon(), tieredPromotion(), giftCards(),
                              referralProgram(), oddSchedule()})
        collectPaths(campaignToJson(c), {}, written);
    const QStringList targetKeys = {u"object"_qs, u"id"_qs, u"effect"_qs, u"quantity_limit"_qs, u"aggregated_quantity_limit"_qs};
    const QStringList discountKeys = {u"type"_qs,    u"percent_off"_qs, u"amount_limit"_qs, u"amount_off"_qs,
                                      u"fixed_amount"_qs, u"unit_off"_qs, u"unit_type"_qs,  u"effect"_qs,
                                      u"free_shipping"_qs, u"applicable_to"_qs};
    QStringList expected = {
        u"id"_qs, u"name"_qs, u"description"_qs, u"campaign_type"_qs, u"status"_qs, u"category"_qs, u"priority"_qs,
        u"timezone"_qs, u"start_date"_qs, u"expiration_date"_qs, u"validity_day_of_week"_qs,
        u"validity_hours.daily[].start_time"_qs, u"validity_hours.daily[].expiration_time"_qs,
        u"validity_timeframe.interval"_qs, u"validity_timeframe.duration"_qs, u"activity_duration_after_publishing"_qs,
        u"rules.expression"_qs, u"rules.error.message"_qs, u"tiers[].id"_qs, u"tiers[].name"_qs,
        u"tiers[].rules.expression"_qs, u"tiers[].rules.error.message"_qs, u"limits.redemptions_per_code"_qs,
        u"limits.redemptions_per_customer"_qs, u"limits.per_customer_period"_qs, u"limits.redemptions_per_campaign"_qs,
        u"limits.per_campaign_period"_qs, u"limits.budget.discount_amount"_qs, u"limits.budget.redemptions"_qs,
        u"limits.join_once"_qs, u"code_config.pattern"_qs, u"code_config.length"_qs, u"code_config.charset"_qs,
        u"code_config.prefix"_qs, u"code_config.postfix"_qs, u"standalone_code"_qs, u"gift.amount"_qs,
        u"referral_program.referrer_reward.campaign_id"_qs, u"metadata"_qs, u"created_at"_qs, u"updated_at"_qs};
    for (const QString &key : discountKeys)
        expected << u"discount."_qs + key;
    for (const QString &key : targetKeys)
        expected << u"discount.applicable_to[]."_qs + key;
    for (const QString &key : {u"type"_qs, u"percent_off"_qs, u"amount_off"_qs, u"unit_off"_qs, u"unit_type"_qs, u"effect"_qs,
                               u"free_shipping"_qs})
        expected << u"tiers[].discount."_qs + key;
    for (const QString &path : expected)
        QVERIFY2(written.contains(path), qPrintable(path));
}

void TestCampaignJson::leavesOutDefaults()
{
    QCOMPARE(campaignToJsonText(Campaign()), QByteArray("{\n  \"campaign_type\": \"DISCOUNT_COUPONS\",\n  \"status\": \"draft\"\n}\n"));

    // The top-level keys come in the documented order.
    const QString text = QString::fromUtf8(campaignToJsonText(everythingCoupon()));
    qsizetype last = -1;
    for (const char *key : {"\"id\"", "\"name\"", "\"description\"", "\"campaign_type\"", "\"status\"", "\"category\"",
                            "\"priority\"", "\"timezone\"", "\"start_date\"", "\"expiration_date\"", "\"validity_day_of_week\"",
                            "\"validity_hours\"", "\"validity_timeframe\"", "\"activity_duration_after_publishing\"",
                            "\"rules\"", "\"discount\"", "\"limits\"", "\"code_config\"", "\"metadata\"", "\"created_at\"",
                            "\"updated_at\""}) {
        const qsizetype at = text.indexOf(u"\n  "_qs + QString::fromLatin1(key) + u": "_qs);
        QVERIFY2(at > last, key);
        last = at;
    }

    // Only the value of the discount's type: a PERCENT discount has no amount_off line.
    const QJsonObject discount = campaignToJson(everythingCoupon()).value(QLatin1String("discount")).toObject();
    QCOMPARE(discount.keys(), (QStringList{u"amount_limit"_qs, u"applicable_to"_qs, u"effect"_qs, u"free_shipping"_qs,
                                           u"percent_off"_qs, u"type"_qs}));
    // A promotion writes no code_config, even a non-default one; a gift card no discount when it has none.
    Campaign promotion = tieredPromotion();
    promotion.codeConfig.pattern = u"NEVER-##"_qs;
    QVERIFY(!campaignToJson(promotion).contains(QLatin1String("code_config")));
    QVERIFY(!campaignToJson(giftCards()).contains(QLatin1String("discount")));
}

void TestCampaignJson::daysOfWeekAreVoucherifyNumbers()
{
    Campaign c;
    c.schedule.daysOfWeek = {Qt::Sunday, Qt::Monday, Qt::Saturday};
    QCOMPARE(campaignToJson(c).value(QLatin1String("validity_day_of_week")).toArray(), (QJsonArray{0, 1, 6}));
    auto read = campaignFromJson(json(R"({"campaign_type": "PROMOTION", "validity_day_of_week": [6, 0, 3]})"));
    QVERIFY2(read.ok(), why(read));
    QCOMPARE(read.value().schedule.daysOfWeek, (QList<int>{Qt::Saturday, Qt::Sunday, Qt::Wednesday}));
}

void TestCampaignJson::durationsAreIso8601_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("normal"); // how it is written back
    QTest::newRow("days") << u"P1D"_qs << DayMs << u"P1D"_qs;
    QTest::newRow("hours") << u"PT2H"_qs << 2 * HourMs << u"PT2H"_qs;
    QTest::newRow("minutes") << u"PT45M"_qs << 45 * MinuteMs << u"PT45M"_qs;
    QTest::newRow("weeks") << u"P2W"_qs << 14 * DayMs << u"P2W"_qs;
    QTest::newRow("days and hours") << u"P1DT12H"_qs << 36 * HourMs << u"P1DT12H"_qs;
    QTest::newRow("seven days are a week") << u"P7D"_qs << 7 * DayMs << u"P1W"_qs;
    QTest::newRow("90 minutes") << u"PT90M"_qs << 90 * MinuteMs << u"PT1H30M"_qs;
    QTest::newRow("weeks and days") << u"P1W1D"_qs << 8 * DayMs << u"P8D"_qs;
    QTest::newRow("everything") << u"P1DT1H1M1.5S"_qs << DayMs + HourMs + MinuteMs + 1500 << u"P1DT1H1M1.5S"_qs;
    QTest::newRow("zero") << u"PT0S"_qs << qint64(0) << QString(); // zero is "none" and is left out
}

void TestCampaignJson::durationsAreIso8601()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QFETCH(QString, normal);
    QJsonObject o{{u"campaign_type"_qs, u"GIFT_VOUCHERS"_qs}, {u"activity_duration_after_publishing"_qs, text}};
    auto read = campaignFromJson(o);
    QVERIFY2(read.ok(), why(read));
    QCOMPARE(read.value().schedule.activityAfterPublishingMs, ms);
    QCOMPARE(campaignToJson(read.value()).value(QLatin1String("activity_duration_after_publishing")).toString(), normal);
}

// ---------------------------------------------------------------- refused files

void TestCampaignJson::refusesBadFiles_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QStringList>("fragments");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    auto row = [](const char *name, const char *text, const char *where, QStringList fragments, int line = 0, int column = 0) {
        QTest::newRow(name) << QByteArray(text) << QString::fromUtf8(where) << fragments << line << column;
    };
    // Unknown keys, with a suggestion when one is close.
    row("unknown key, suggestion", R"({"campaign_type": "PROMOTION", "nmae": "Spring"})", "nmae",
        {u"unknown key \"nmae\" — did you mean \"name\"?"_qs});
    row("unknown nested key", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "PERCENT", "percent_of": 10}})",
        "discount.percent_of", {u"did you mean \"percent_off\"?"_qs});
    row("unknown key in a tier", R"({"campaign_type": "PROMOTION", "tiers": [{"name": "a", "discount": {"type": "SHIPPING"}},
        {"name": "b", "rule": {}, "discount": {"type": "SHIPPING"}}]})",
        "tiers[1].rule", {u"did you mean \"rules\"?"_qs});
    row("unknown key, no suggestion", R"({"campaign_type": "PROMOTION", "colour": "green"})", "colour",
        {u"unknown key \"colour\"; expected id, name, description"_qs});
    row("unknown key in limits", R"({"campaign_type": "PROMOTION", "limits": {"redemption_per_customer": 1}})",
        "limits.redemption_per_customer", {u"did you mean \"redemptions_per_customer\"?"_qs});
    row("unknown keyword", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "PERCENTAGE", "percent_off": 10}})",
        "discount.type", {u"unknown discount type \"PERCENTAGE\""_qs, u"AMOUNT, PERCENT, FIXED, UNIT, SHIPPING"_qs,
                          u"did you mean \"PERCENT\"?"_qs});
    row("keywords are case-sensitive", R"({"campaign_type": "PROMOTION", "status": "Active"})", "status",
        {u"unknown status \"Active\""_qs, u"did you mean \"active\"?"_qs});
    row("unknown period", R"({"campaign_type": "PROMOTION", "limits": {"per_campaign_period": "year"}})",
        "limits.per_campaign_period", {u"unknown period \"year\"; expected one of total, day, week, month"_qs});
    row("missing campaign type", R"({"name": "x"})", "campaign_type", {u"a campaign needs a campaign_type"_qs});

    // Percent and money.
    row("percent above 100", R"({"campaign_type": "PROMOTION", "tiers": [{"name": "a", "discount": {"type": "PERCENT", "percent_off": 10}},
        {"name": "b", "discount": {"type": "PERCENT", "percent_off": 120}}]})",
        "tiers[1].discount.percent_off", {u"120 is above 100"_qs});
    row("percent below 0", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "PERCENT", "percent_off": -5}})",
        "discount.percent_off", {u"-5 is below 0"_qs});
    row("percent with three decimals", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "PERCENT", "percent_off": 12.345}})",
        "discount.percent_off", {u"12.345 has more than two decimals"_qs});
    row("percent as text", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "PERCENT", "percent_off": "10%"}})",
        "discount.percent_off", {u"expected a number of percent"_qs, u"\"10%\""_qs});
    row("fractional cents", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "AMOUNT", "amount_off": 45.99}})",
        "discount.amount_off", {u"expected whole cents, e.g. 4599, not 45.99"_qs});
    row("cents as text", R"({"campaign_type": "PROMOTION", "limits": {"budget": {"discount_amount": "5000"}}})",
        "limits.budget.discount_amount", {u"expected whole cents, e.g. 4599, not \"5000\""_qs});
    row("negative money", R"({"campaign_type": "GIFT_VOUCHERS", "gift": {"amount": -100}})", "gift.amount",
        {u"expected 0 or more cents, not -100"_qs});
    row("value of another discount type", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "PERCENT", "percent_off": 10, "amount_off": 500}})",
        "discount.amount_off", {u"amount_off does not apply to a PERCENT discount (it takes percent_off, amount_limit)"_qs});
    row("discount without a type", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"amount_off": 500}})",
        "discount.type", {u"a discount needs a type"_qs});

    // Zones, dates, durations, times, days.
    row("bad zone", R"({"campaign_type": "PROMOTION", "timezone": "Europe/Dublinn"})", "timezone",
        {u"\"Europe/Dublinn\" is not a known IANA time zone"_qs, u"did you mean \"Europe/Dublin\"?"_qs});
    row("zone abbreviation", R"({"campaign_type": "PROMOTION", "timezone": "Irish Time"})", "timezone",
        {u"is not a known IANA time zone"_qs});
    row("bad date", R"({"campaign_type": "PROMOTION", "start_date": "17/03/2027"})", "start_date",
        {u"expected an ISO-8601 date-time"_qs, u"\"17/03/2027\""_qs});
    row("bad duration", R"({"campaign_type": "PROMOTION", "validity_timeframe": {"interval": "1 day", "duration": "PT1H"}})",
        "validity_timeframe.interval", {u"expected an ISO-8601 duration such as P1D"_qs, u"not \"1 day\""_qs});
    row("duration in months", R"({"campaign_type": "GIFT_VOUCHERS", "activity_duration_after_publishing": "P1M"})",
        "activity_duration_after_publishing", {u"months and years have no fixed length"_qs});
    row("duration in years", R"({"campaign_type": "GIFT_VOUCHERS", "activity_duration_after_publishing": "P1Y2D"})",
        "activity_duration_after_publishing", {u"months and years have no fixed length"_qs});
    row("duration with an empty time part", R"({"campaign_type": "PROMOTION", "validity_timeframe": {"interval": "P1DT", "duration": "PT1H"}})",
        "validity_timeframe.interval", {u"expected an ISO-8601 duration"_qs});
    row("duration as a number", R"({"campaign_type": "PROMOTION", "validity_timeframe": {"interval": 86400, "duration": "PT1H"}})",
        "validity_timeframe.interval", {u"expected an ISO-8601 duration"_qs, u"not 86400"_qs});
    row("timeframe without duration", R"({"campaign_type": "PROMOTION", "validity_timeframe": {"interval": "P1D"}})",
        "validity_timeframe.duration", {u"needs both interval and duration"_qs});
    row("bad time of day", R"({"campaign_type": "PROMOTION", "validity_hours": {"daily": [{"start_time": "09:00", "expiration_time": "17:00"},
        {"start_time": "9am", "expiration_time": "17:00"}]}})",
        "validity_hours.daily[1].start_time", {u"expected a time of day as HH:MM"_qs, u"\"9am\""_qs});
    row("hour 24", R"({"campaign_type": "PROMOTION", "validity_hours": {"daily": [{"start_time": "09:00", "expiration_time": "24:00"}]}})",
        "validity_hours.daily[0].expiration_time", {u"ends at 00:00), not \"24:00\""_qs});
    row("missing end of window", R"({"campaign_type": "PROMOTION", "validity_hours": {"daily": [{"start_time": "09:00"}]}})",
        "validity_hours.daily[0].expiration_time", {u"needs expiration_time"_qs});
    row("day 7", R"({"campaign_type": "PROMOTION", "validity_day_of_week": [1, 7]})", "validity_day_of_week[1]",
        {u"expected a day from 0 (Sunday) to 6 (Saturday), not 7"_qs});
    row("day twice", R"({"campaign_type": "PROMOTION", "validity_day_of_week": [1, 2, 1]})", "validity_day_of_week[2]",
        {u"1 (Monday) is listed twice"_qs});

    // Rules keep their own line and column.
    row("rule syntax", R"({"campaign_type": "PROMOTION", "rules": {"expression": "order.amount >="}})", "rules.expression",
        {u"expected"_qs}, 1, 16);
    row("rule type on line 2", R"({"campaign_type": "PROMOTION", "rules": {"expression": "customer.country is \"IE\"\nand order.amount >= \"lots\""}})",
        "rules.expression", {u"order.amount is money"_qs}, 2, 5);
    row("tier rule unknown attribute", R"({"campaign_type": "PROMOTION", "tiers": [{"name": "a", "rules": {"expression": "customer.contry is \"IE\""}, "discount": {"type": "SHIPPING"}}]})",
        "tiers[0].rules.expression", {u"unknown attribute \"customer.contry\""_qs, u"did you mean customer.country?"_qs}, 1, 1);
    row("rule message not text", R"({"campaign_type": "PROMOTION", "rules": {"error": {"message": 5}}})", "rules.error.message",
        {u"expected a string, not 5"_qs});

    // Values of the wrong kind.
    row("name is a number", R"({"campaign_type": "PROMOTION", "name": 5})", "name", {u"expected a string, not 5"_qs});
    row("priority is text", R"({"campaign_type": "PROMOTION", "priority": "high"})", "priority",
        {u"expected a whole number, not \"high\""_qs});
    row("limit is fractional", R"({"campaign_type": "PROMOTION", "limits": {"redemptions_per_customer": 1.5}})",
        "limits.redemptions_per_customer", {u"expected a whole number, not 1.5"_qs});
    row("negative limit", R"({"campaign_type": "PROMOTION", "limits": {"redemptions_per_campaign": -1}})",
        "limits.redemptions_per_campaign", {u"expected 0 or more, not -1"_qs});
    row("flag is text", R"({"campaign_type": "PROMOTION", "limits": {"join_once": "yes"}})", "limits.join_once",
        {u"expected true or false, not \"yes\""_qs});
    row("discount is text", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": "10%"})", "discount",
        {u"expected an object {…}, not \"10%\""_qs});
    row("tiers is an object", R"({"campaign_type": "PROMOTION", "tiers": {"name": "a"}})", "tiers",
        {u"expected a list […]"_qs});
    row("tier is a string", R"({"campaign_type": "PROMOTION", "tiers": ["gold"]})", "tiers[0]", {u"expected an object"_qs});
    row("metadata is a list", R"({"campaign_type": "PROMOTION", "metadata": [1]})", "metadata", {u"expected an object"_qs});
    row("code length too long", R"({"campaign_type": "DISCOUNT_COUPONS", "code_config": {"length": 65}})", "code_config.length",
        {u"65 is too large; at most 64"_qs});

    // Fields that the campaign's type does not have.
    row("tiers on a coupon", R"({"campaign_type": "DISCOUNT_COUPONS", "tiers": []})", "tiers",
        {u"only PROMOTION campaigns have tiers"_qs});
    row("gift on a coupon", R"({"campaign_type": "DISCOUNT_COUPONS", "gift": {"amount": 500}})", "gift",
        {u"only GIFT_VOUCHERS campaigns have a gift balance"_qs});
    row("referral on a coupon", R"({"campaign_type": "DISCOUNT_COUPONS", "referral_program": {}})", "referral_program",
        {u"only REFERRAL_PROGRAM campaigns"_qs});
    row("codes on a promotion", R"({"campaign_type": "PROMOTION", "code_config": {"pattern": "A-##"}})", "code_config",
        {u"a PROMOTION campaign applies without codes"_qs});
    row("standalone code on a promotion", R"({"campaign_type": "PROMOTION", "standalone_code": "X"})", "standalone_code",
        {u"applies without codes"_qs});

    // Tiers and targets.
    row("tier without discount", R"({"campaign_type": "PROMOTION", "tiers": [{"name": "a"}]})", "tiers[0].discount",
        {u"a tier needs a discount"_qs});
    row("tier id twice", R"({"campaign_type": "PROMOTION", "tiers": [{"id": "t1", "discount": {"type": "SHIPPING"}},
        {"id": "t1", "discount": {"type": "SHIPPING"}}]})", "tiers[1].id", {u"\"t1\" is the id of an earlier tier"_qs});
    row("target without object", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "AMOUNT", "amount_off": 1,
        "applicable_to": [{"id": "prod_1"}]}})", "discount.applicable_to[0].object", {u"\"sku\", \"product\" or \"category\""_qs});
    row("target without id", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "AMOUNT", "amount_off": 1,
        "applicable_to": [{"object": "sku", "id": "sku_1"}, {"object": "sku"}]}})", "discount.applicable_to[1].id",
        {u"the sku id is missing"_qs});
    row("target effect", R"({"campaign_type": "DISCOUNT_COUPONS", "discount": {"type": "AMOUNT", "amount_off": 1,
        "applicable_to": [{"object": "sku", "id": "sku_1", "effect": "APPLY_TO_CHEAPPEST"}]}})", "discount.applicable_to[0].effect",
        {u"unknown item effect"_qs, u"did you mean \"APPLY_TO_CHEAPEST\"?"_qs});
}

void TestCampaignJson::refusesBadFiles()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, where);
    QFETCH(QStringList, fragments);
    QFETCH(int, line);
    QFETCH(int, column);
    auto result = campaignFromJsonText(text);
    QVERIFY2(!result.ok(), "accepted: " + text);
    const Error &error = result.error();
    QCOMPARE(error.where, where);
    for (const QString &fragment : fragments)
        QVERIFY2(error.message.contains(fragment), qPrintable(u"\"%1\" not in \"%2\""_qs.arg(fragment, error.message)));
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
}

void TestCampaignJson::jsonSyntaxErrorsHaveLineAndColumn()
{
    auto result = campaignFromJsonText("{\n  \"campaign_type\": \"PROMOTION\",\n  \"name\": \"ü\" \"x\"\n}\n", u"broken.json"_qs);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().where, u"broken.json"_qs);
    QCOMPARE(result.error().line, 3);
    QVERIFY2(result.error().column >= 14 && result.error().column <= 17, qPrintable(result.error().toString()));
    QVERIFY(result.error().message.startsWith(u"not valid JSON"_qs));

    auto list = campaignFromJsonText("[1, 2]\n");
    QVERIFY(!list.ok());
    QVERIFY(list.error().message.contains(u"one JSON object"_qs));
}

void TestCampaignJson::fileNameLeadsTheWhere()
{
    auto result = campaignFromJsonText(R"({"campaign_type": "PROMOTION", "rules": {"expression": "order.amount >="}})",
                                       u"spring.json"_qs);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().where, u"spring.json: rules.expression"_qs);
    QCOMPARE(result.error().line, 1);
    QVERIFY(result.error().toString().startsWith(u"spring.json: rules.expression, line 1, column 16: "_qs));
}

// ---------------------------------------------------------------- validateCampaign

void TestCampaignJson::validate_data()
{
    QTest::addColumn<Campaign>("campaign");
    QTest::addColumn<QString>("where"); // empty: valid
    QTest::addColumn<QString>("fragment");

    Campaign coupon;
    coupon.name = u"Coupon"_qs;
    coupon.discount = percentOff(10);
    Campaign promotion = tieredPromotion();
    promotion.tiers.removeAt(3); // the draft tier without a name
    Campaign gift = giftCards();
    Campaign referral = referralProgram();

    QTest::newRow("coupon") << coupon << QString() << QString();
    QTest::newRow("promotion") << promotion << QString() << QString();
    QTest::newRow("gift") << gift << QString() << QString();
    QTest::newRow("referral") << referral << QString() << QString();
    QTest::newRow("everything") << everythingCoupon() << QString() << QString();

    auto with = [](Campaign c, auto change) {
        change(c);
        return c;
    };
    QTest::newRow("no name") << with(coupon, [](Campaign &c) { c.name = u"  "_qs; }) << u"name"_qs << u"needs a name"_qs;
    QTest::newRow("unknown zone") << with(coupon, [](Campaign &c) { c.timezone = u"Mars/Olympus"_qs; }) << u"timezone"_qs
                                  << u"\"Mars/Olympus\" is not a known IANA time zone"_qs;
    QTest::newRow("expires before it starts") << with(coupon, [](Campaign &c) {
        c.schedule.startDate = utc("2027-03-18T00:00:00Z");
        c.schedule.expirationDate = utc("2027-03-17T00:00:00Z");
    }) << u"expiration_date"_qs << u"expires (2027-03-17T00:00:00Z) before it starts (2027-03-18T00:00:00Z)"_qs;
    QTest::newRow("expires as it starts") << with(coupon, [](Campaign &c) {
        c.schedule.startDate = utc("2027-03-17T00:00:00Z");
        c.schedule.expirationDate = c.schedule.startDate;
    }) << u"expiration_date"_qs << u"before it starts"_qs;
    QTest::newRow("only a start") << with(coupon, [](Campaign &c) { c.schedule.startDate = utc("2027-03-17"); })
                                  << QString() << QString();

    QTest::newRow("percent 0") << with(coupon, [](Campaign &c) { c.discount.percentOff = 0; }) << u"discount.percent_off"_qs
                               << u"more than 0 and at most 100"_qs;
    QTest::newRow("percent 100.5") << with(coupon, [](Campaign &c) { c.discount.percentOff = 100.5; })
                                   << u"discount.percent_off"_qs << u"not 100.5"_qs;
    QTest::newRow("percent 100") << with(coupon, [](Campaign &c) { c.discount.percentOff = 100; }) << QString() << QString();
    QTest::newRow("amount 0") << with(coupon, [](Campaign &c) { c.discount = amountOff(0); c.discount.freeShipping = true; })
                              << u"discount.amount_off"_qs << u"more than 0 cents"_qs;
    QTest::newRow("fixed -1") << with(coupon, [](Campaign &c) { c.discount = Discount{}; c.discount.type = DiscountType::Fixed; c.discount.fixedAmount = -1; })
                              << u"discount.fixed_amount"_qs << u"cannot be negative"_qs;
    QTest::newRow("fixed 0") << with(coupon, [](Campaign &c) { c.discount = Discount{}; c.discount.type = DiscountType::Fixed; })
                             << QString() << QString();
    QTest::newRow("unit 0") << with(coupon, [](Campaign &c) { c.discount = unit(0, u"sku_1"_qs); }) << u"discount.unit_off"_qs
                            << u"at least one unit"_qs;
    QTest::newRow("unit without sku") << with(coupon, [](Campaign &c) { c.discount = unit(1, {}); }) << u"discount.unit_type"_qs
                                      << u"needs the SKU"_qs;
    QTest::newRow("shipping") << with(coupon, [](Campaign &c) { c.discount = Discount{}; c.discount.type = DiscountType::Shipping; })
                              << QString() << QString();
    QTest::newRow("items effect on a unit") << with(coupon, [](Campaign &c) { c.discount = unit(1, u"sku_1"_qs, DiscountEffect::ApplyToItems); })
                                            << u"discount.effect"_qs << u"APPLY_TO_ITEMS is for AMOUNT, PERCENT and FIXED discounts, not UNIT"_qs;
    QTest::newRow("add items on a percent") << with(coupon, [](Campaign &c) { c.discount.effect = DiscountEffect::AddNewItems; })
                                            << u"discount.effect"_qs << u"ADD_NEW_ITEMS is for UNIT discounts, not PERCENT"_qs;
    QTest::newRow("items effect on a shipping") << with(coupon, [](Campaign &c) {
        c.discount = Discount{};
        c.discount.type = DiscountType::Shipping;
        c.discount.effect = DiscountEffect::ApplyToItems;
    }) << u"discount.effect"_qs << u"not SHIPPING"_qs;
    QTest::newRow("target without id") << with(coupon, [](Campaign &c) {
        c.discount.effect = DiscountEffect::ApplyToItems;
        c.discount.applicableTo = {{ItemTarget::Object::Sku, u"sku_1"_qs, ItemEffect::Every, 0, 0}, {}};
    }) << u"discount.applicable_to[1].id"_qs << u"the product id is missing"_qs;

    QTest::newRow("coupon without discount") << with(coupon, [](Campaign &c) { c.discount = Discount{}; }) << u"discount"_qs
                                             << u"a DISCOUNT_COUPONS campaign needs a discount"_qs;
    QTest::newRow("referral without discount") << with(referral, [](Campaign &c) { c.discount = Discount{}; }) << u"discount"_qs
                                               << u"a REFERRAL_PROGRAM campaign needs a discount"_qs;
    QTest::newRow("promotion without tiers") << with(promotion, [](Campaign &c) { c.tiers.clear(); }) << u"tiers"_qs
                                             << u"at least one tier"_qs;
    QTest::newRow("promotion without a campaign discount") << with(promotion, [](Campaign &c) { c.discount = Discount{}; })
                                                           << QString() << QString();
    QTest::newRow("tier without a name") << with(promotion, [](Campaign &c) { c.tiers[1].name.clear(); }) << u"tiers[1].name"_qs
                                         << u"a tier needs a name"_qs;
    QTest::newRow("tier with a bad discount") << with(promotion, [](Campaign &c) { c.tiers[3].discount.percentOff = 0; })
                                              << u"tiers[3].discount.percent_off"_qs << u"more than 0"_qs;
    QTest::newRow("promotion with a standalone code") << with(promotion, [](Campaign &c) { c.standaloneCode = u"X"_qs; })
                                                      << u"standalone_code"_qs << u"without codes"_qs;
    QTest::newRow("promotion ignores code config") << with(promotion, [](Campaign &c) { c.codeConfig.pattern = u"NONE"_qs; })
                                                   << QString() << QString();
    QTest::newRow("gift card of 0") << with(gift, [](Campaign &c) { c.giftAmount = 0; }) << u"gift.amount"_qs
                                    << u"more than 0 cents"_qs;

    QTest::newRow("negative per-code limit") << with(coupon, [](Campaign &c) { c.limits.perCode = -1; })
                                             << u"limits.redemptions_per_code"_qs << u"cannot be negative"_qs;
    QTest::newRow("negative budget") << with(coupon, [](Campaign &c) { c.limits.budgetDiscount = -500; })
                                     << u"limits.budget.discount_amount"_qs << u"not -500"_qs;
    QTest::newRow("empty daily window") << with(coupon, [](Campaign &c) {
        c.schedule.dailyHours = {{QTime(9, 0), QTime(17, 0)}, {QTime(20, 0), QTime(20, 0)}};
    }) << u"validity_hours.daily[1].expiration_time"_qs << u"starts and ends at 20:00"_qs;
    QTest::newRow("window over midnight") << with(coupon, [](Campaign &c) { c.schedule.dailyHours = {{QTime(22, 0), QTime(2, 0)}}; })
                                          << QString() << QString();
    QTest::newRow("bad day") << with(coupon, [](Campaign &c) { c.schedule.daysOfWeek = {0}; }) << u"validity_day_of_week[0]"_qs
                             << u"not a day of the week"_qs;
    QTest::newRow("timeframe longer than interval") << with(coupon, [](Campaign &c) {
        c.schedule.timeframeIntervalMs = HourMs;
        c.schedule.timeframeDurationMs = 2 * HourMs;
    }) << u"validity_timeframe.duration"_qs << u"the duration (PT2H) is longer than the interval (PT1H)"_qs;
    QTest::newRow("timeframe without duration") << with(coupon, [](Campaign &c) { c.schedule.timeframeIntervalMs = DayMs; })
                                                << u"validity_timeframe.duration"_qs << u"longer than 0"_qs;
    QTest::newRow("timeframe as long as interval") << with(coupon, [](Campaign &c) {
        c.schedule.timeframeIntervalMs = DayMs;
        c.schedule.timeframeDurationMs = DayMs;
    }) << QString() << QString();

    QTest::newRow("pattern without placeholder") << with(coupon, [](Campaign &c) { c.codeConfig.pattern = u"SPRING"_qs; })
                                                 << u"code_config.pattern"_qs << u"no '#' placeholder"_qs;
    QTest::newRow("empty charset") << with(coupon, [](Campaign &c) { c.codeConfig.charset.clear(); }) << u"code_config.charset"_qs
                                   << u"charset is empty"_qs;
    QTest::newRow("length 0") << with(gift, [](Campaign &c) { c.codeConfig.length = 0; }) << u"code_config.length"_qs
                              << u"between 1 and 64"_qs;
    QTest::newRow("standalone code needs no config") << with(coupon, [](Campaign &c) {
        c.codeConfig.pattern = u"SPRING"_qs;
        c.standaloneCode = u"SPRING"_qs;
    }) << QString() << QString();
}

void TestCampaignJson::validate()
{
    QFETCH(Campaign, campaign);
    QFETCH(QString, where);
    QFETCH(QString, fragment);
    const Status status = validateCampaign(campaign);
    if (where.isEmpty()) {
        QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error().toString()));
        return;
    }
    QVERIFY2(!status.ok(), "accepted");
    QCOMPARE(status.error().where, where);
    QVERIFY2(status.error().message.contains(fragment), qPrintable(status.error().message));
}

// ---------------------------------------------------------------- lifecycle and keys

void TestCampaignJson::canChangeStatus_data()
{
    QTest::addColumn<CampaignStatus>("from");
    QTest::addColumn<CampaignStatus>("to");
    QTest::addColumn<bool>("allowed");
    using S = CampaignStatus;
    const S all[] = {S::Draft, S::Active, S::Paused, S::Ended, S::Archived};
    // Rows: from; columns: to (draft, active, paused, ended, archived).
    const bool table[5][5] = {
        {true, true, false, false, true},    // draft
        {false, true, true, true, false},    // active
        {false, true, true, true, true},     // paused
        {false, false, false, true, true},   // ended
        {false, false, false, false, true},  // archived
    };
    for (int f = 0; f < 5; ++f)
        for (int t = 0; t < 5; ++t)
            QTest::addRow("%s -> %s", qPrintable(campaignStatusKey(all[f])), qPrintable(campaignStatusKey(all[t])))
                << all[f] << all[t] << table[f][t];
}

void TestCampaignJson::canChangeStatus()
{
    QFETCH(CampaignStatus, from);
    QFETCH(CampaignStatus, to);
    QFETCH(bool, allowed);
    QCOMPARE(PromoDesk::Engine::canChangeStatus(from, to), allowed);
}

void TestCampaignJson::keysAreVoucherifySpellings()
{
    auto check = [](auto toKey, auto fromKey, auto values, QStringList expected) {
        QStringList keys;
        for (auto v : values) {
            keys << toKey(v);
            QVERIFY(fromKey(toKey(v)) == v);
            QVERIFY(!fromKey(toKey(v).toLower() == toKey(v) ? toKey(v).toUpper() : toKey(v).toLower()));
        }
        QCOMPARE(keys, expected);
        QVERIFY(!fromKey(QString()));
        QVERIFY(!fromKey(u"nonsense"_qs));
    };
    using CT = CampaignType;
    check(campaignTypeKey, campaignTypeFromKey, std::array{CT::DiscountCoupons, CT::Promotion, CT::GiftVouchers, CT::Referral},
          {u"DISCOUNT_COUPONS"_qs, u"PROMOTION"_qs, u"GIFT_VOUCHERS"_qs, u"REFERRAL_PROGRAM"_qs});
    using CS = CampaignStatus;
    check(campaignStatusKey, campaignStatusFromKey, std::array{CS::Draft, CS::Active, CS::Paused, CS::Ended, CS::Archived},
          {u"draft"_qs, u"active"_qs, u"paused"_qs, u"ended"_qs, u"archived"_qs});
    using DT = DiscountType;
    check(discountTypeKey, discountTypeFromKey, std::array{DT::Amount, DT::Percent, DT::Fixed, DT::Unit, DT::Shipping},
          {u"AMOUNT"_qs, u"PERCENT"_qs, u"FIXED"_qs, u"UNIT"_qs, u"SHIPPING"_qs});
    using DE = DiscountEffect;
    check(discountEffectKey, discountEffectFromKey,
          std::array{DE::ApplyToOrder, DE::ApplyToItems, DE::AddMissingItems, DE::AddNewItems},
          {u"APPLY_TO_ORDER"_qs, u"APPLY_TO_ITEMS"_qs, u"ADD_MISSING_ITEMS"_qs, u"ADD_NEW_ITEMS"_qs});
    using IE = ItemEffect;
    check(itemEffectKey, itemEffectFromKey, std::array{IE::Every, IE::Cheapest, IE::MostExpensive},
          {u"APPLY_TO_EVERY"_qs, u"APPLY_TO_CHEAPEST"_qs, u"APPLY_TO_MOST_EXPENSIVE"_qs});
    using O = ItemTarget::Object;
    check(itemObjectKey, itemObjectFromKey, std::array{O::Sku, O::Product, O::Category},
          {u"sku"_qs, u"product"_qs, u"category"_qs});
    check(periodKey, periodFromKey, std::array{Period::Total, Period::Day, Period::Week, Period::Month},
          {u"total"_qs, u"day"_qs, u"week"_qs, u"month"_qs});
}

void TestCampaignJson::itemTargetsAndOrderAmount()
{
    const OrderItem food{u"sku_00012_1"_qs, u"prod_00012"_qs, u"Dog Food"_qs, 3, 1299};
    const OrderItem bowl{QString(), u"prod_bowl"_qs, u"Bowls"_qs, 1, 850};
    QVERIFY((ItemTarget{ItemTarget::Object::Sku, u"sku_00012_1"_qs, {}, 0, 0}).matches(food));
    QVERIFY(!(ItemTarget{ItemTarget::Object::Sku, u"sku_00012_1"_qs, {}, 0, 0}).matches(bowl));
    QVERIFY(!(ItemTarget{ItemTarget::Object::Sku, QString(), {}, 0, 0}).matches(food));
    QVERIFY((ItemTarget{ItemTarget::Object::Product, u"prod_00012"_qs, {}, 0, 0}).matches(food));
    QVERIFY(!(ItemTarget{ItemTarget::Object::Product, u"sku_00012_1"_qs, {}, 0, 0}).matches(food));
    QVERIFY((ItemTarget{ItemTarget::Object::Category, u"Dog Food"_qs, {}, 0, 0}).matches(food));
    QVERIFY(!(ItemTarget{ItemTarget::Object::Category, u"dog food"_qs, {}, 0, 0}).matches(food));
    QVERIFY(!(ItemTarget{ItemTarget::Object::Category, u"Dog Food"_qs, {}, 0, 0}).matches(bowl));

    Order order;
    QCOMPARE(order.itemsAmount(), 0);
    order.items = {food, bowl};
    order.shipping = 499;
    QCOMPARE(order.itemsAmount(), 3 * 1299 + 850);
}

QTEST_GUILESS_MAIN(TestCampaignJson)
#include "tst_campaignjson.moc"
