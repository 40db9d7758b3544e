#include "campaignjson.h"

#include "rules/json.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <vector>

// Layout: keys in the order of campaignOrdered() below; empty strings, zero numbers, false,
// default periods without their limit, and a default code_config are left out; campaign_type
// and status are always written. The writer writes only what matters for the campaign's type
// (no tiers on a coupon, no amount_off on a PERCENT discount, no code_config on a promotion);
// the reader refuses what does not, so that a misplaced field cannot pass silently and
// whatever the reader accepts writes back the same.

namespace PromoDesk::Engine {

namespace {

using Rules::jsonText;

constexpr qint64 Second = 1000;
constexpr qint64 Minute = 60 * Second;
constexpr qint64 Hour = 60 * Minute;
constexpr qint64 Day = 24 * Hour;
constexpr qint64 Week = 7 * Day;

QString at(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QString at(const QString &path, qsizetype index)
{
    return QStringLiteral("%1[%2]").arg(path).arg(index);
}

QString quoted(const QString &text)
{
    return jsonText(QJsonValue(text));
}

// ---------------------------------------------------------------- did you mean

int editDistance(const QString &a, const QString &b)
{
    std::vector<int> row(size_t(b.size()) + 1);
    for (size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[size_t(j)];
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[size_t(j)] = std::min({row[size_t(j)] + 1, row[size_t(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row.back();
}

// The candidate a typo most likely meant, or "" when none is close.
QString closest(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestDistance = std::max(2, int(word.size()) / 3) + 1;
    for (const QString &candidate : candidates) {
        const int d = candidate.compare(word, Qt::CaseInsensitive) == 0 ? 0 : editDistance(word, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

QString didYouMean(const QString &word, const QStringList &candidates)
{
    const QString suggestion = closest(word, candidates);
    return suggestion.isEmpty() ? QString() : QStringLiteral(" — did you mean %1?").arg(quoted(suggestion));
}

// ---------------------------------------------------------------- ISO-8601 durations and times

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return QLatin1Char('-') + formatDuration(-ms);
    if (ms == 0)
        return QStringLiteral("PT0S");
    if (ms % Week == 0)
        return QStringLiteral("P%1W").arg(ms / Week);
    QString out = QStringLiteral("P");
    if (ms >= Day)
        out += QStringLiteral("%1D").arg(ms / Day);
    ms %= Day;
    if (ms == 0)
        return out;
    out += QLatin1Char('T');
    if (ms >= Hour)
        out += QStringLiteral("%1H").arg(ms / Hour);
    ms %= Hour;
    if (ms >= Minute)
        out += QStringLiteral("%1M").arg(ms / Minute);
    ms %= Minute;
    if (ms > 0) {
        out += QString::number(ms / Second);
        if (ms % Second) {
            QString fraction = QStringLiteral("%1").arg(ms % Second, 3, 10, QLatin1Char('0'));
            while (fraction.endsWith(QLatin1Char('0')))
                fraction.chop(1);
            out += QLatin1Char('.') + fraction;
        }
        out += QLatin1Char('S');
    }
    return out;
}

// PnW, PnD, PTnH, PTnM, PTnS and their combinations (P1DT12H), as milliseconds.
Result<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^P(?:(\\d{1,9})W)?(?:(\\d{1,9})D)?(?:T(?:(\\d{1,9})H)?(?:(\\d{1,9})M)?(?:(\\d{1,9})(?:[.,](\\d{1,3}))?S)?)?$"));
    const QRegularExpressionMatch m = pattern.match(text);
    const bool hasDate = m.hasMatch() && (m.hasCaptured(1) || m.hasCaptured(2));
    const bool hasTime = m.hasMatch() && (m.hasCaptured(3) || m.hasCaptured(4) || m.hasCaptured(5));
    const bool emptyTime = text.endsWith(QLatin1Char('T'));
    if (!m.hasMatch() || (!hasDate && !hasTime) || emptyTime) {
        static const QRegularExpression calendar(QStringLiteral("^P(?:\\d+Y)?(?:\\d+M)?(?:\\d+[WD])*(?:T.*)?$"));
        if (text.startsWith(QLatin1Char('P')) && calendar.match(text).hasMatch()
            && (text.contains(QLatin1Char('Y')) || text.section(QLatin1Char('T'), 0, 0).contains(QLatin1Char('M'))))
            return Error{QStringLiteral("%1: months and years have no fixed length; write weeks or days, e.g. P30D")
                             .arg(quoted(text)),
                         {}};
        return Error{QStringLiteral("expected an ISO-8601 duration such as P1D, PT2H, PT30M, P1W or P1DT12H, not %1")
                         .arg(quoted(text)),
                     {}};
    }
    auto part = [&m](int group) { return m.hasCaptured(group) ? m.captured(group).toLongLong() : 0; };
    qint64 ms = part(1) * Week + part(2) * Day + part(3) * Hour + part(4) * Minute + part(5) * Second;
    if (m.hasCaptured(6))
        ms += m.captured(6).leftJustified(3, QLatin1Char('0')).toLongLong();
    return ms;
}

QString formatTime(const QTime &time)
{
    if (time.msec())
        return time.toString(QStringLiteral("HH:mm:ss.zzz"));
    if (time.second())
        return time.toString(QStringLiteral("HH:mm:ss"));
    return time.toString(QStringLiteral("HH:mm"));
}

std::optional<QTime> parseTime(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^([01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{3})?)?$"));
    // Qt reads "24:00" as midnight; refuse it, so that a window reads as written.
    if (!pattern.match(text).hasMatch())
        return std::nullopt;
    const QTime time = QTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return time;
}

// Voucherify counts days from Sunday = 0; Qt from Monday = 1 to Sunday = 7.
int voucherifyDay(int qtDay) { return qtDay % 7; }
int qtDay(int voucherifyDay) { return voucherifyDay == 0 ? 7 : voucherifyDay; }

QString dayName(int qtDay)
{
    static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    return qtDay >= 1 && qtDay <= 7 ? QString::fromLatin1(names[qtDay - 1]) : QString();
}

// ---------------------------------------------------------------- an ordered JSON tree (writer)

// A JSON value whose object members keep the order they were added in (QJsonObject sorts them).
struct Ordered
{
    enum class Kind { Scalar, Object, Array };
    Kind kind = Kind::Scalar;
    QJsonValue scalar;
    std::vector<QString> keys;     // Object
    std::vector<Ordered> children; // Object: the values of `keys`; Array: the elements

    static Ordered object() { return Ordered{Kind::Object, {}, {}, {}}; }
    static Ordered array() { return Ordered{Kind::Array, {}, {}, {}}; }
    static Ordered value(const QJsonValue &v)
    {
        if (v.isObject()) {
            Ordered o = object();
            const QJsonObject object = v.toObject();
            for (auto it = object.begin(); it != object.end(); ++it)
                o.add(it.key(), value(it.value()));
            return o;
        }
        if (v.isArray()) {
            Ordered a = array();
            for (const QJsonValue &element : v.toArray())
                a.append(value(element));
            return a;
        }
        return Ordered{Kind::Scalar, v, {}, {}};
    }

    void add(const QString &key, Ordered v)
    {
        keys.push_back(key);
        children.push_back(std::move(v));
    }
    void add(const QString &key, const QJsonValue &v) { add(key, value(v)); }
    void append(Ordered v) { children.push_back(std::move(v)); }
    bool isEmpty() const { return children.empty(); }

    QJsonValue toJson() const
    {
        switch (kind) {
        case Kind::Scalar: return scalar;
        case Kind::Object: {
            QJsonObject o;
            for (size_t i = 0; i < keys.size(); ++i)
                o.insert(keys[i], children[i].toJson());
            return o;
        }
        case Kind::Array: {
            QJsonArray a;
            for (const Ordered &child : children)
                a.append(child.toJson());
            return a;
        }
        }
        return {};
    }

    bool holdsOnlyScalars() const
    {
        return std::all_of(children.begin(), children.end(), [](const Ordered &c) { return c.kind == Kind::Scalar; });
    }

    // Everything on one line: {"a": 1, "b": [2, 3]}.
    QString inlineText() const
    {
        if (kind == Kind::Scalar)
            return jsonText(scalar);
        QStringList parts;
        for (size_t i = 0; i < children.size(); ++i)
            parts << (kind == Kind::Object ? quoted(keys[i]) + QStringLiteral(": ") : QString()) + children[i].inlineText();
        const QString joined = parts.join(QStringLiteral(", "));
        return kind == Kind::Object ? QLatin1Char('{') + joined + QLatin1Char('}') : QLatin1Char('[') + joined + QLatin1Char(']');
    }

    // Pretty text: one member per line, 2-space indent. Lists of scalars stay on one line,
    // and so do small flat records inside lists ({"start_time": "09:00", …}).
    void write(QString &out, int indent, bool inList) const
    {
        constexpr int Width = 120;
        if (kind == Kind::Scalar || isEmpty() || (holdsOnlyScalars() && kind == Kind::Array)) {
            out += inlineText();
            return;
        }
        if (inList && holdsOnlyScalars()) {
            const QString line = inlineText();
            if (indent + line.size() <= Width) {
                out += line;
                return;
            }
        }
        const QString pad(indent + 2, QLatin1Char(' '));
        out += kind == Kind::Object ? QLatin1Char('{') : QLatin1Char('[');
        for (size_t i = 0; i < children.size(); ++i) {
            out += (i ? QStringLiteral(",\n") : QStringLiteral("\n")) + pad;
            if (kind == Kind::Object)
                out += quoted(keys[i]) + QStringLiteral(": ");
            children[i].write(out, indent + 2, kind == Kind::Array);
        }
        out += QLatin1Char('\n') + QString(indent, QLatin1Char(' ')) + (kind == Kind::Object ? QLatin1Char('}') : QLatin1Char(']'));
    }
};

// ---------------------------------------------------------------- campaign -> JSON

Ordered rulesJson(const Eligibility &eligibility)
{
    Ordered o = Ordered::object();
    if (eligibility.rule)
        o.add(QStringLiteral("expression"), Rules::print(*eligibility.rule));
    if (!eligibility.errorMessage.isEmpty()) {
        Ordered error = Ordered::object();
        error.add(QStringLiteral("message"), eligibility.errorMessage);
        o.add(QStringLiteral("error"), std::move(error));
    }
    return o;
}

Ordered discountJson(const Discount &d)
{
    Ordered o = Ordered::object();
    o.add(QStringLiteral("type"), discountTypeKey(d.type));
    switch (d.type) {
    case DiscountType::Percent:
        o.add(QStringLiteral("percent_off"), d.percentOff);
        if (d.amountLimit)
            o.add(QStringLiteral("amount_limit"), d.amountLimit);
        break;
    case DiscountType::Amount: o.add(QStringLiteral("amount_off"), d.amountOff); break;
    case DiscountType::Fixed: o.add(QStringLiteral("fixed_amount"), d.fixedAmount); break;
    case DiscountType::Unit:
        o.add(QStringLiteral("unit_off"), d.unitOff);
        if (!d.unitSku.isEmpty())
            o.add(QStringLiteral("unit_type"), d.unitSku);
        break;
    case DiscountType::Shipping: break;
    }
    if (d.effect != DiscountEffect::ApplyToOrder)
        o.add(QStringLiteral("effect"), discountEffectKey(d.effect));
    if (d.freeShipping)
        o.add(QStringLiteral("free_shipping"), true);
    if (!d.applicableTo.isEmpty()) {
        Ordered targets = Ordered::array();
        for (const ItemTarget &t : d.applicableTo) {
            Ordered target = Ordered::object();
            target.add(QStringLiteral("object"), itemObjectKey(t.object));
            target.add(QStringLiteral("id"), t.id);
            if (t.effect != ItemEffect::Every)
                target.add(QStringLiteral("effect"), itemEffectKey(t.effect));
            if (t.quantityLimit)
                target.add(QStringLiteral("quantity_limit"), t.quantityLimit);
            if (t.aggregatedQuantityLimit)
                target.add(QStringLiteral("aggregated_quantity_limit"), t.aggregatedQuantityLimit);
            targets.append(std::move(target));
        }
        o.add(QStringLiteral("applicable_to"), std::move(targets));
    }
    return o;
}

Ordered limitsJson(const Limits &l)
{
    const Limits defaults;
    Ordered o = Ordered::object();
    if (l.perCode)
        o.add(QStringLiteral("redemptions_per_code"), l.perCode);
    if (l.perCustomer)
        o.add(QStringLiteral("redemptions_per_customer"), l.perCustomer);
    // The period goes with its limit even when it is the default, so that "1000" never reads as "1000 in total".
    if (l.perCustomer || l.perCustomerPeriod != defaults.perCustomerPeriod)
        o.add(QStringLiteral("per_customer_period"), periodKey(l.perCustomerPeriod));
    if (l.perCampaign)
        o.add(QStringLiteral("redemptions_per_campaign"), l.perCampaign);
    if (l.perCampaign || l.perCampaignPeriod != defaults.perCampaignPeriod)
        o.add(QStringLiteral("per_campaign_period"), periodKey(l.perCampaignPeriod));
    if (l.budgetDiscount || l.budgetRedemptions) {
        Ordered budget = Ordered::object();
        if (l.budgetDiscount)
            budget.add(QStringLiteral("discount_amount"), l.budgetDiscount);
        if (l.budgetRedemptions)
            budget.add(QStringLiteral("redemptions"), l.budgetRedemptions);
        o.add(QStringLiteral("budget"), std::move(budget));
    }
    if (l.joinOnce)
        o.add(QStringLiteral("join_once"), true);
    return o;
}

Ordered codeConfigJson(const CodeConfig &config)
{
    const CodeConfig defaults;
    Ordered o = Ordered::object();
    if (!config.pattern.isEmpty())
        o.add(QStringLiteral("pattern"), config.pattern);
    if (config.length != defaults.length)
        o.add(QStringLiteral("length"), config.length);
    if (config.charset != defaults.charset)
        o.add(QStringLiteral("charset"), config.charset);
    if (!config.prefix.isEmpty())
        o.add(QStringLiteral("prefix"), config.prefix);
    if (!config.postfix.isEmpty())
        o.add(QStringLiteral("postfix"), config.postfix);
    return o;
}

Ordered campaignOrdered(const Campaign &c)
{
    Ordered o = Ordered::object();
    auto addText = [&o](const char *key, const QString &value) {
        if (!value.isEmpty())
            o.add(QString::fromLatin1(key), value);
    };
    addText("id", c.id);
    addText("name", c.name);
    addText("description", c.description);
    o.add(QStringLiteral("campaign_type"), campaignTypeKey(c.type));
    o.add(QStringLiteral("status"), campaignStatusKey(c.status));
    addText("category", c.category);
    if (c.priority)
        o.add(QStringLiteral("priority"), c.priority);
    if (c.timezone != Campaign().timezone)
        o.add(QStringLiteral("timezone"), c.timezone);

    const Schedule &s = c.schedule;
    if (s.startDate)
        o.add(QStringLiteral("start_date"), Rules::formatDateTime(*s.startDate));
    if (s.expirationDate)
        o.add(QStringLiteral("expiration_date"), Rules::formatDateTime(*s.expirationDate));
    if (!s.daysOfWeek.isEmpty()) {
        Ordered days = Ordered::array();
        for (int day : s.daysOfWeek)
            days.append(Ordered::value(voucherifyDay(day)));
        o.add(QStringLiteral("validity_day_of_week"), std::move(days));
    }
    if (!s.dailyHours.isEmpty()) {
        Ordered daily = Ordered::array();
        for (const DailyWindow &w : s.dailyHours) {
            Ordered window = Ordered::object();
            window.add(QStringLiteral("start_time"), formatTime(w.start));
            window.add(QStringLiteral("expiration_time"), formatTime(w.end));
            daily.append(std::move(window));
        }
        Ordered hours = Ordered::object();
        hours.add(QStringLiteral("daily"), std::move(daily));
        o.add(QStringLiteral("validity_hours"), std::move(hours));
    }
    if (s.timeframeIntervalMs || s.timeframeDurationMs) {
        Ordered timeframe = Ordered::object();
        timeframe.add(QStringLiteral("interval"), formatDuration(s.timeframeIntervalMs));
        timeframe.add(QStringLiteral("duration"), formatDuration(s.timeframeDurationMs));
        o.add(QStringLiteral("validity_timeframe"), std::move(timeframe));
    }
    if (s.activityAfterPublishingMs)
        o.add(QStringLiteral("activity_duration_after_publishing"), formatDuration(s.activityAfterPublishingMs));

    if (Ordered rules = rulesJson(c.eligibility); !rules.isEmpty())
        o.add(QStringLiteral("rules"), std::move(rules));
    if (c.discount != Discount())
        o.add(QStringLiteral("discount"), discountJson(c.discount));
    if (c.type == CampaignType::Promotion && !c.tiers.isEmpty()) {
        Ordered tiers = Ordered::array();
        for (const Tier &t : c.tiers) {
            Ordered tier = Ordered::object();
            if (!t.id.isEmpty())
                tier.add(QStringLiteral("id"), t.id);
            if (!t.name.isEmpty())
                tier.add(QStringLiteral("name"), t.name);
            if (Ordered rules = rulesJson(t.eligibility); !rules.isEmpty())
                tier.add(QStringLiteral("rules"), std::move(rules));
            tier.add(QStringLiteral("discount"), discountJson(t.discount));
            tiers.append(std::move(tier));
        }
        o.add(QStringLiteral("tiers"), std::move(tiers));
    }
    if (c.limits != Limits())
        o.add(QStringLiteral("limits"), limitsJson(c.limits));
    if (c.hasCodes()) {
        if (Ordered config = codeConfigJson(c.codeConfig); !config.isEmpty())
            o.add(QStringLiteral("code_config"), std::move(config));
        addText("standalone_code", c.standaloneCode);
    }
    if (c.type == CampaignType::GiftVouchers && c.giftAmount) {
        Ordered gift = Ordered::object();
        gift.add(QStringLiteral("amount"), c.giftAmount);
        o.add(QStringLiteral("gift"), std::move(gift));
    }
    if (c.type == CampaignType::Referral && !c.referral.rewardCampaignId.isEmpty()) {
        Ordered reward = Ordered::object();
        reward.add(QStringLiteral("campaign_id"), c.referral.rewardCampaignId);
        Ordered referral = Ordered::object();
        referral.add(QStringLiteral("referrer_reward"), std::move(reward));
        o.add(QStringLiteral("referral_program"), std::move(referral));
    }
    if (!c.metadata.isEmpty())
        o.add(QStringLiteral("metadata"), c.metadata);
    if (c.createdAt)
        o.add(QStringLiteral("created_at"), Rules::formatDateTime(c.createdAt));
    if (c.updatedAt)
        o.add(QStringLiteral("updated_at"), Rules::formatDateTime(c.updatedAt));
    return o;
}

// ---------------------------------------------------------------- JSON -> campaign

QStringList keyList(std::initializer_list<const char *> keys)
{
    QStringList out;
    for (const char *key : keys)
        out << QString::fromLatin1(key);
    return out;
}

// Reads values out of JSON objects and keeps the first error, with the path of the field.
// A missing key is the field's default; a key of the wrong kind is an error.
class Reader
{
public:
    bool failed() const { return m_error.has_value(); }
    const Error &error() const { return *m_error; }

    void fail(const QString &where, const QString &message, int line = 0, int column = 0)
    {
        if (!m_error)
            m_error = Error{message, where, line, column};
    }

    // Refuses keys other than `known`, so that a typo does not pass silently.
    void keys(const QJsonObject &o, const QString &path, const QStringList &known)
    {
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (known.contains(it.key()))
                continue;
            const QString suggestion = didYouMean(it.key(), known);
            fail(at(path, it.key()), suggestion.isEmpty()
                                         ? QStringLiteral("unknown key %1; expected %2")
                                               .arg(quoted(it.key()), known.join(QStringLiteral(", ")))
                                         : QStringLiteral("unknown key %1%2").arg(quoted(it.key()), suggestion));
            return;
        }
    }

    QString string(const QJsonObject &o, const QString &key, const QString &path, const QString &fallback = {})
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isString()) {
            fail(at(path, key), QStringLiteral("expected a string, not %1").arg(jsonText(v)));
            return fallback;
        }
        return v.toString();
    }

    bool boolean(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return false;
        if (!v.isBool())
            fail(at(path, key), QStringLiteral("expected true or false, not %1").arg(jsonText(v)));
        return v.toBool();
    }

    // Money: whole non-negative cents.
    qint64 money(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return 0;
        const std::optional<qint64> cents = whole(v);
        if (!cents) {
            fail(at(path, key), QStringLiteral("expected whole cents, e.g. 4599, not %1").arg(jsonText(v)));
            return 0;
        }
        if (*cents < 0)
            fail(at(path, key), QStringLiteral("expected 0 or more cents, not %1").arg(*cents));
        return *cents;
    }

    // A count or limit: a whole number, not negative unless `negative` allows it.
    qint64 number(const QJsonObject &o, const QString &key, const QString &path, bool negative = false,
                  qint64 maximum = qint64(9.0e15))
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return 0;
        const std::optional<qint64> n = whole(v);
        if (!n) {
            fail(at(path, key), QStringLiteral("expected a whole number, not %1").arg(jsonText(v)));
            return 0;
        }
        if (*n < 0 && !negative)
            fail(at(path, key), QStringLiteral("expected 0 or more, not %1").arg(*n));
        else if (*n > maximum || *n < -maximum)
            fail(at(path, key), QStringLiteral("%1 is too large; at most %2").arg(*n).arg(maximum));
        return *n;
    }

    std::optional<qint64> dateTime(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return std::nullopt;
        const std::optional<qint64> when = v.isString() ? Rules::parseDateTime(v.toString()) : std::nullopt;
        if (!when)
            fail(at(path, key),
                 QStringLiteral("expected an ISO-8601 date-time such as \"2027-03-17T00:00:00Z\", not %1").arg(jsonText(v)));
        return when;
    }

    qint64 duration(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return 0;
        if (!v.isString()) {
            fail(at(path, key), QStringLiteral("expected an ISO-8601 duration such as \"P1D\", not %1").arg(jsonText(v)));
            return 0;
        }
        const Result<qint64> ms = parseDuration(v.toString());
        if (!ms) {
            fail(at(path, key), ms.error().message);
            return 0;
        }
        return ms.value();
    }

    QTime time(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        const std::optional<QTime> t = v.isString() ? parseTime(v.toString()) : std::nullopt;
        if (!t) {
            fail(at(path, key), v.isUndefined() ? QStringLiteral("a daily window needs %1 as HH:MM").arg(key)
                                                : QStringLiteral("expected a time of day as HH:MM, 00:00 to 23:59 (a window ending at midnight ends at 00:00), not %1")
                                                      .arg(jsonText(v)));
            return {};
        }
        return *t;
    }

    // An object-valued key; `present` says whether it was there at all.
    QJsonObject object(const QJsonObject &o, const QString &key, const QString &path, bool *present = nullptr)
    {
        const QJsonValue v = o.value(key);
        if (present)
            *present = !v.isUndefined();
        if (v.isUndefined())
            return {};
        if (!v.isObject())
            fail(at(path, key), QStringLiteral("expected an object {…}, not %1").arg(jsonText(v)));
        return v.toObject();
    }

    QJsonArray array(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return {};
        if (!v.isArray())
            fail(at(path, key), QStringLiteral("expected a list […], not %1").arg(jsonText(v)));
        return v.toArray();
    }

    QJsonObject element(const QJsonValue &v, const QString &path)
    {
        if (!v.isObject())
            fail(path, QStringLiteral("expected an object {…}, not %1").arg(jsonText(v)));
        return v.toObject();
    }

    // A Voucherify keyword ("PERCENT", "day"): exact spelling, with a suggestion for a near miss.
    template <typename E>
    std::optional<E> keyword(const QJsonObject &o, const QString &key, const QString &path,
                             std::optional<E> (*fromKey)(const QString &), QString (*toKey)(E), int count,
                             const QString &what)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isString()) {
            fail(at(path, key), QStringLiteral("expected a string, not %1").arg(jsonText(v)));
            return std::nullopt;
        }
        if (std::optional<E> value = fromKey(v.toString()))
            return value;
        QStringList choices;
        for (int i = 0; i < count; ++i)
            choices << toKey(E(i));
        fail(at(path, key), QStringLiteral("unknown %1 %2; expected one of %3%4")
                                .arg(what, quoted(v.toString()), choices.join(QStringLiteral(", ")),
                                     didYouMean(v.toString(), choices)));
        return std::nullopt;
    }

private:
    static std::optional<qint64> whole(const QJsonValue &v)
    {
        if (!v.isDouble())
            return std::nullopt;
        const double d = v.toDouble();
        if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9.0e15)
            return std::nullopt;
        return qint64(d);
    }

    std::optional<Error> m_error;
};

Eligibility readRules(Reader &r, const QJsonObject &o, const QString &path)
{
    Eligibility e;
    r.keys(o, path, keyList({"expression", "error"}));
    const QString expression = r.string(o, QStringLiteral("expression"), path);
    if (!r.failed() && !expression.trimmed().isEmpty()) {
        const QString where = at(path, QStringLiteral("expression"));
        auto parsed = Rules::parse(expression);
        if (!parsed) {
            r.fail(where, parsed.error().message, parsed.error().line, parsed.error().column);
        } else if (auto checked = Rules::check(parsed.value()); !checked) {
            r.fail(where, checked.error().message, checked.error().line, checked.error().column);
        } else {
            e.rule = std::move(checked).value();
        }
    }
    const QString errorPath = at(path, QStringLiteral("error"));
    const QJsonObject error = r.object(o, QStringLiteral("error"), path);
    r.keys(error, errorPath, keyList({"message"}));
    e.errorMessage = r.string(error, QStringLiteral("message"), errorPath);
    return e;
}

Discount readDiscount(Reader &r, const QJsonObject &o, const QString &path)
{
    Discount d;
    r.keys(o, path, keyList({"type", "percent_off", "amount_limit", "amount_off", "fixed_amount", "unit_off", "unit_type",
                             "effect", "free_shipping", "applicable_to"}));
    const std::optional<DiscountType> type = r.keyword<DiscountType>(
        o, QStringLiteral("type"), path, discountTypeFromKey, discountTypeKey, int(DiscountType::Shipping) + 1,
        QStringLiteral("discount type"));
    if (!type) {
        if (!o.contains(QLatin1String("type")))
            r.fail(at(path, QStringLiteral("type")),
                   QStringLiteral("a discount needs a type: AMOUNT, PERCENT, FIXED, UNIT or SHIPPING"));
        return d;
    }
    d.type = *type;

    // The values that belong to each type; the others are refused rather than dropped.
    QStringList own;
    switch (d.type) {
    case DiscountType::Amount: own = keyList({"amount_off"}); break;
    case DiscountType::Percent: own = keyList({"percent_off", "amount_limit"}); break;
    case DiscountType::Fixed: own = keyList({"fixed_amount"}); break;
    case DiscountType::Unit: own = keyList({"unit_off", "unit_type"}); break;
    case DiscountType::Shipping: break;
    }
    for (const QString &key : keyList({"percent_off", "amount_limit", "amount_off", "fixed_amount", "unit_off", "unit_type"})) {
        if (o.contains(key) && !own.contains(key))
            r.fail(at(path, key), QStringLiteral("%1 does not apply to a %2 discount%3")
                                      .arg(key, discountTypeKey(d.type),
                                           own.isEmpty() ? QString()
                                                         : QStringLiteral(" (it takes %1)").arg(own.join(QStringLiteral(", ")))));
    }

    if (o.contains(QLatin1String("percent_off"))) {
        const QString where = at(path, QStringLiteral("percent_off"));
        const QJsonValue v = o.value(QLatin1String("percent_off"));
        const double p = v.toDouble();
        if (!v.isDouble() || !std::isfinite(p))
            r.fail(where, QStringLiteral("expected a number of percent such as 10 or 12.5, not %1").arg(jsonText(v)));
        else if (p < 0)
            r.fail(where, QStringLiteral("%1 is below 0").arg(jsonText(v)));
        else if (p > 100)
            r.fail(where, QStringLiteral("%1 is above 100").arg(jsonText(v)));
        else if (std::fabs(p * 100 - std::round(p * 100)) > 1e-6)
            r.fail(where, QStringLiteral("%1 has more than two decimals").arg(jsonText(v)));
        else
            d.percentOff = p;
    }
    d.amountLimit = r.money(o, QStringLiteral("amount_limit"), path);
    d.amountOff = r.money(o, QStringLiteral("amount_off"), path);
    d.fixedAmount = r.money(o, QStringLiteral("fixed_amount"), path);
    d.unitOff = r.number(o, QStringLiteral("unit_off"), path);
    d.unitSku = r.string(o, QStringLiteral("unit_type"), path);
    d.effect = r.keyword<DiscountEffect>(o, QStringLiteral("effect"), path, discountEffectFromKey, discountEffectKey,
                                         int(DiscountEffect::AddNewItems) + 1, QStringLiteral("effect"))
                   .value_or(DiscountEffect::ApplyToOrder);
    d.freeShipping = r.boolean(o, QStringLiteral("free_shipping"), path);

    const QString targetsPath = at(path, QStringLiteral("applicable_to"));
    const QJsonArray targets = r.array(o, QStringLiteral("applicable_to"), path);
    for (qsizetype i = 0; i < targets.size() && !r.failed(); ++i) {
        const QString tp = at(targetsPath, i);
        const QJsonObject to = r.element(targets[i], tp);
        r.keys(to, tp, keyList({"object", "id", "effect", "quantity_limit", "aggregated_quantity_limit"}));
        ItemTarget t;
        const std::optional<ItemTarget::Object> object = r.keyword<ItemTarget::Object>(
            to, QStringLiteral("object"), tp, itemObjectFromKey, itemObjectKey, int(ItemTarget::Object::Category) + 1,
            QStringLiteral("object"));
        if (!to.contains(QLatin1String("object")))
            r.fail(at(tp, QStringLiteral("object")), QStringLiteral("say what id names: \"sku\", \"product\" or \"category\""));
        t.object = object.value_or(ItemTarget::Object::Product);
        t.id = r.string(to, QStringLiteral("id"), tp);
        if (t.id.isEmpty())
            r.fail(at(tp, QStringLiteral("id")), QStringLiteral("the %1 id is missing").arg(itemObjectKey(t.object)));
        t.effect = r.keyword<ItemEffect>(to, QStringLiteral("effect"), tp, itemEffectFromKey, itemEffectKey,
                                         int(ItemEffect::MostExpensive) + 1, QStringLiteral("item effect"))
                       .value_or(ItemEffect::Every);
        t.quantityLimit = r.number(to, QStringLiteral("quantity_limit"), tp);
        t.aggregatedQuantityLimit = r.number(to, QStringLiteral("aggregated_quantity_limit"), tp);
        d.applicableTo.append(t);
    }
    return d;
}

Limits readLimits(Reader &r, const QJsonObject &o, const QString &path)
{
    Limits l;
    r.keys(o, path, keyList({"redemptions_per_code", "redemptions_per_customer", "per_customer_period",
                             "redemptions_per_campaign", "per_campaign_period", "budget", "join_once"}));
    l.perCode = r.number(o, QStringLiteral("redemptions_per_code"), path);
    l.perCustomer = r.number(o, QStringLiteral("redemptions_per_customer"), path);
    const int periods = int(Period::Month) + 1;
    l.perCustomerPeriod = r.keyword<Period>(o, QStringLiteral("per_customer_period"), path, periodFromKey, periodKey,
                                            periods, QStringLiteral("period"))
                              .value_or(l.perCustomerPeriod);
    l.perCampaign = r.number(o, QStringLiteral("redemptions_per_campaign"), path);
    l.perCampaignPeriod = r.keyword<Period>(o, QStringLiteral("per_campaign_period"), path, periodFromKey, periodKey,
                                            periods, QStringLiteral("period"))
                              .value_or(l.perCampaignPeriod);
    const QString budgetPath = at(path, QStringLiteral("budget"));
    const QJsonObject budget = r.object(o, QStringLiteral("budget"), path);
    r.keys(budget, budgetPath, keyList({"discount_amount", "redemptions"}));
    l.budgetDiscount = r.money(budget, QStringLiteral("discount_amount"), budgetPath);
    l.budgetRedemptions = r.number(budget, QStringLiteral("redemptions"), budgetPath);
    l.joinOnce = r.boolean(o, QStringLiteral("join_once"), path);
    return l;
}

void readSchedule(Reader &r, const QJsonObject &o, Schedule &s)
{
    s.startDate = r.dateTime(o, QStringLiteral("start_date"), {});
    s.expirationDate = r.dateTime(o, QStringLiteral("expiration_date"), {});

    const QString daysPath = QStringLiteral("validity_day_of_week");
    const QJsonArray days = r.array(o, daysPath, {});
    for (qsizetype i = 0; i < days.size() && !r.failed(); ++i) {
        const QJsonValue v = days[i];
        const double n = v.toDouble(-1);
        if (!v.isDouble() || n < 0 || n > 6 || std::floor(n) != n) {
            r.fail(at(daysPath, i), QStringLiteral("expected a day from 0 (Sunday) to 6 (Saturday), not %1").arg(jsonText(v)));
            break;
        }
        const int day = qtDay(int(n));
        if (s.daysOfWeek.contains(day))
            r.fail(at(daysPath, i), QStringLiteral("%1 (%2) is listed twice").arg(int(n)).arg(dayName(day)));
        s.daysOfWeek.append(day);
    }

    const QString hoursPath = QStringLiteral("validity_hours");
    const QJsonObject hours = r.object(o, hoursPath, {});
    r.keys(hours, hoursPath, keyList({"daily"}));
    const QString dailyPath = at(hoursPath, QStringLiteral("daily"));
    const QJsonArray daily = r.array(hours, QStringLiteral("daily"), hoursPath);
    for (qsizetype i = 0; i < daily.size() && !r.failed(); ++i) {
        const QString wp = at(dailyPath, i);
        const QJsonObject wo = r.element(daily[i], wp);
        r.keys(wo, wp, keyList({"start_time", "expiration_time"}));
        DailyWindow w;
        w.start = r.time(wo, QStringLiteral("start_time"), wp);
        w.end = r.time(wo, QStringLiteral("expiration_time"), wp);
        s.dailyHours.append(w);
    }

    const QString timeframePath = QStringLiteral("validity_timeframe");
    bool hasTimeframe = false;
    const QJsonObject timeframe = r.object(o, timeframePath, {}, &hasTimeframe);
    r.keys(timeframe, timeframePath, keyList({"interval", "duration"}));
    if (hasTimeframe) {
        for (const QString &key : keyList({"interval", "duration"}))
            if (!timeframe.contains(key))
                r.fail(at(timeframePath, key), QStringLiteral("a timeframe needs both interval and duration, e.g. "
                                                              "{\"interval\": \"P1D\", \"duration\": \"PT2H\"}"));
    }
    s.timeframeIntervalMs = r.duration(timeframe, QStringLiteral("interval"), timeframePath);
    s.timeframeDurationMs = r.duration(timeframe, QStringLiteral("duration"), timeframePath);
    s.activityAfterPublishingMs = r.duration(o, QStringLiteral("activity_duration_after_publishing"), {});
}

const QStringList &campaignKeys()
{
    static const QStringList keys = keyList(
        {"id", "name", "description", "campaign_type", "status", "category", "priority", "timezone", "start_date",
         "expiration_date", "validity_day_of_week", "validity_hours", "validity_timeframe",
         "activity_duration_after_publishing", "rules", "discount", "tiers", "limits", "code_config", "standalone_code",
         "gift", "referral_program", "metadata", "created_at", "updated_at"});
    return keys;
}

Result<Campaign> readCampaign(const QJsonObject &o, bool lenient = false)
{
    Reader r;
    Campaign c;
    r.keys(o, {}, campaignKeys());
    c.id = r.string(o, QStringLiteral("id"), {});
    c.name = r.string(o, QStringLiteral("name"), {});
    c.description = r.string(o, QStringLiteral("description"), {});

    const std::optional<CampaignType> type = r.keyword<CampaignType>(
        o, QStringLiteral("campaign_type"), {}, campaignTypeFromKey, campaignTypeKey, int(CampaignType::Referral) + 1,
        QStringLiteral("campaign_type"));
    if (!o.contains(QLatin1String("campaign_type")))
        r.fail(QStringLiteral("campaign_type"),
               QStringLiteral("a campaign needs a campaign_type: DISCOUNT_COUPONS, PROMOTION, GIFT_VOUCHERS or REFERRAL_PROGRAM"));
    c.type = type.value_or(c.type);
    c.status = r.keyword<CampaignStatus>(o, QStringLiteral("status"), {}, campaignStatusFromKey, campaignStatusKey,
                                         int(CampaignStatus::Archived) + 1, QStringLiteral("status"))
                   .value_or(CampaignStatus::Draft);
    c.category = r.string(o, QStringLiteral("category"), {});
    c.priority = int(r.number(o, QStringLiteral("priority"), {}, true, 1'000'000'000));

    if (o.contains(QLatin1String("timezone"))) {
        c.timezone = r.string(o, QStringLiteral("timezone"), {});
        if (!r.failed() && !QTimeZone::isTimeZoneIdAvailable(c.timezone.toUtf8())) {
            QStringList zones;
            for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
                zones << QString::fromUtf8(id);
            r.fail(QStringLiteral("timezone"), QStringLiteral("%1 is not a known IANA time zone such as \"Europe/Dublin\"%2")
                                                   .arg(quoted(c.timezone), didYouMean(c.timezone, zones)));
        }
    }

    readSchedule(r, o, c.schedule);

    bool present = false;
    const QJsonObject rules = r.object(o, QStringLiteral("rules"), {}, &present);
    if (present)
        c.eligibility = readRules(r, rules, QStringLiteral("rules"));
    const QJsonObject discount = r.object(o, QStringLiteral("discount"), {}, &present);
    if (present)
        c.discount = readDiscount(r, discount, QStringLiteral("discount"));

    const QString typeKey = campaignTypeKey(c.type);
    if (o.contains(QLatin1String("tiers")) && c.type != CampaignType::Promotion)
        r.fail(QStringLiteral("tiers"), QStringLiteral("only PROMOTION campaigns have tiers; a %1 campaign has one discount").arg(typeKey));
    const QJsonArray tiers = r.array(o, QStringLiteral("tiers"), {});
    QSet<QString> tierIds;
    for (qsizetype i = 0; i < tiers.size() && !r.failed(); ++i) {
        const QString tp = at(QStringLiteral("tiers"), i);
        const QJsonObject to = r.element(tiers[i], tp);
        r.keys(to, tp, keyList({"id", "name", "rules", "discount"}));
        Tier t;
        t.id = r.string(to, QStringLiteral("id"), tp);
        if (!t.id.isEmpty() && tierIds.contains(t.id))
            r.fail(at(tp, QStringLiteral("id")), QStringLiteral("%1 is the id of an earlier tier").arg(quoted(t.id)));
        tierIds.insert(t.id);
        t.name = r.string(to, QStringLiteral("name"), tp);
        const QJsonObject tierRules = r.object(to, QStringLiteral("rules"), tp, &present);
        if (present)
            t.eligibility = readRules(r, tierRules, at(tp, QStringLiteral("rules")));
        const QJsonObject tierDiscount = r.object(to, QStringLiteral("discount"), tp, &present);
        if (!present)
            r.fail(at(tp, QStringLiteral("discount")), QStringLiteral("a tier needs a discount"));
        else
            t.discount = readDiscount(r, tierDiscount, at(tp, QStringLiteral("discount")));
        c.tiers.append(t);
    }

    const QJsonObject limits = r.object(o, QStringLiteral("limits"), {}, &present);
    if (present)
        c.limits = readLimits(r, limits, QStringLiteral("limits"));

    for (const QString &key : keyList({"code_config", "standalone_code"}))
        if (o.contains(key) && !c.hasCodes())
            r.fail(key, QStringLiteral("a %1 campaign applies without codes").arg(typeKey));
    const QString configPath = QStringLiteral("code_config");
    const QJsonObject config = r.object(o, configPath, {});
    r.keys(config, configPath, keyList({"pattern", "length", "charset", "prefix", "postfix"}));
    c.codeConfig.pattern = r.string(config, QStringLiteral("pattern"), configPath);
    if (config.contains(QLatin1String("length")))
        c.codeConfig.length = int(r.number(config, QStringLiteral("length"), configPath, false, 64));
    c.codeConfig.charset = r.string(config, QStringLiteral("charset"), configPath, c.codeConfig.charset);
    c.codeConfig.prefix = r.string(config, QStringLiteral("prefix"), configPath);
    c.codeConfig.postfix = r.string(config, QStringLiteral("postfix"), configPath);
    c.standaloneCode = r.string(o, QStringLiteral("standalone_code"), {});

    if (o.contains(QLatin1String("gift")) && c.type != CampaignType::GiftVouchers)
        r.fail(QStringLiteral("gift"), QStringLiteral("only GIFT_VOUCHERS campaigns have a gift balance"));
    const QJsonObject gift = r.object(o, QStringLiteral("gift"), {});
    r.keys(gift, QStringLiteral("gift"), keyList({"amount"}));
    c.giftAmount = r.money(gift, QStringLiteral("amount"), QStringLiteral("gift"));

    if (o.contains(QLatin1String("referral_program")) && c.type != CampaignType::Referral)
        r.fail(QStringLiteral("referral_program"), QStringLiteral("only REFERRAL_PROGRAM campaigns have a referral_program"));
    const QString referralPath = QStringLiteral("referral_program");
    const QJsonObject referral = r.object(o, referralPath, {});
    r.keys(referral, referralPath, keyList({"referrer_reward"}));
    const QString rewardPath = at(referralPath, QStringLiteral("referrer_reward"));
    const QJsonObject reward = r.object(referral, QStringLiteral("referrer_reward"), referralPath);
    r.keys(reward, rewardPath, keyList({"campaign_id"}));
    c.referral.rewardCampaignId = r.string(reward, QStringLiteral("campaign_id"), rewardPath);

    c.metadata = r.object(o, QStringLiteral("metadata"), {});
    c.createdAt = r.dateTime(o, QStringLiteral("created_at"), {}).value_or(0);
    c.updatedAt = r.dateTime(o, QStringLiteral("updated_at"), {}).value_or(0);

    if (r.failed() && !lenient)
        return r.error();
    return c;
}

// ---------------------------------------------------------------- validation

Status validateDiscount(const Discount &d, const QString &path)
{
    auto fail = [&path](const char *key, const QString &message) { return Error{message, at(path, QString::fromLatin1(key))}; };
    switch (d.type) {
    case DiscountType::Percent:
        if (!(d.percentOff > 0 && d.percentOff <= 100))
            return fail("percent_off", QStringLiteral("a percent discount takes more than 0 and at most 100 percent off, not %1")
                                           .arg(d.percentOff));
        if (d.amountLimit < 0)
            return fail("amount_limit", QStringLiteral("the cap cannot be negative"));
        break;
    case DiscountType::Amount:
        if (d.amountOff <= 0)
            return fail("amount_off", QStringLiteral("an amount discount takes more than 0 cents off"));
        break;
    case DiscountType::Fixed:
        if (d.fixedAmount < 0)
            return fail("fixed_amount", QStringLiteral("the fixed price cannot be negative"));
        break;
    case DiscountType::Unit:
        if (d.unitOff <= 0)
            return fail("unit_off", QStringLiteral("a unit discount gives at least one unit"));
        if (d.unitSku.isEmpty())
            return fail("unit_type", QStringLiteral("a unit discount needs the SKU it gives (unit_type)"));
        break;
    case DiscountType::Shipping: break;
    }
    const bool unit = d.type == DiscountType::Unit;
    const bool toItems = d.type == DiscountType::Amount || d.type == DiscountType::Percent || d.type == DiscountType::Fixed;
    if (d.effect == DiscountEffect::ApplyToItems && !toItems)
        return fail("effect", QStringLiteral("APPLY_TO_ITEMS is for AMOUNT, PERCENT and FIXED discounts, not %1")
                                  .arg(discountTypeKey(d.type)));
    if ((d.effect == DiscountEffect::AddMissingItems || d.effect == DiscountEffect::AddNewItems) && !unit)
        return fail("effect", QStringLiteral("%1 is for UNIT discounts, not %2")
                                  .arg(discountEffectKey(d.effect), discountTypeKey(d.type)));
    for (qsizetype i = 0; i < d.applicableTo.size(); ++i) {
        const ItemTarget &t = d.applicableTo[i];
        const QString tp = at(at(path, QStringLiteral("applicable_to")), i);
        if (t.id.isEmpty())
            return Error{QStringLiteral("the %1 id is missing").arg(itemObjectKey(t.object)), at(tp, QStringLiteral("id"))};
        if (t.quantityLimit < 0)
            return Error{QStringLiteral("cannot be negative"), at(tp, QStringLiteral("quantity_limit"))};
        if (t.aggregatedQuantityLimit < 0)
            return Error{QStringLiteral("cannot be negative"), at(tp, QStringLiteral("aggregated_quantity_limit"))};
    }
    return {};
}

Status validateSchedule(const Schedule &s)
{
    if (s.startDate && s.expirationDate && *s.startDate >= *s.expirationDate)
        return Error{QStringLiteral("the campaign expires (%1) before it starts (%2)")
                         .arg(Rules::formatDateTime(*s.expirationDate), Rules::formatDateTime(*s.startDate)),
                     QStringLiteral("expiration_date")};
    for (qsizetype i = 0; i < s.daysOfWeek.size(); ++i)
        if (s.daysOfWeek[i] < 1 || s.daysOfWeek[i] > 7)
            return Error{QStringLiteral("%1 is not a day of the week").arg(s.daysOfWeek[i]),
                         at(QStringLiteral("validity_day_of_week"), i)};
    for (qsizetype i = 0; i < s.dailyHours.size(); ++i) {
        const DailyWindow &w = s.dailyHours[i];
        const QString wp = at(QStringLiteral("validity_hours.daily"), i);
        if (!w.start.isValid())
            return Error{QStringLiteral("the window needs a start time"), at(wp, QStringLiteral("start_time"))};
        if (!w.end.isValid())
            return Error{QStringLiteral("the window needs an end time"), at(wp, QStringLiteral("expiration_time"))};
        if (w.start == w.end)
            return Error{QStringLiteral("the window starts and ends at %1, so it is empty").arg(formatTime(w.start)),
                         at(wp, QStringLiteral("expiration_time"))};
    }
    if (s.timeframeIntervalMs || s.timeframeDurationMs) {
        if (s.timeframeDurationMs <= 0)
            return Error{QStringLiteral("the campaign is active for some time in every interval; the duration must be "
                                        "longer than 0"),
                         QStringLiteral("validity_timeframe.duration")};
        if (s.timeframeDurationMs > s.timeframeIntervalMs)
            return Error{QStringLiteral("the duration (%1) is longer than the interval (%2)")
                             .arg(formatDuration(s.timeframeDurationMs), formatDuration(s.timeframeIntervalMs)),
                         QStringLiteral("validity_timeframe.duration")};
    }
    if (s.activityAfterPublishingMs < 0)
        return Error{QStringLiteral("cannot be negative"), QStringLiteral("activity_duration_after_publishing")};
    return {};
}

Status validateLimits(const Limits &l)
{
    const std::pair<qint64, const char *> values[] = {
        {l.perCode, "limits.redemptions_per_code"},
        {l.perCustomer, "limits.redemptions_per_customer"},
        {l.perCampaign, "limits.redemptions_per_campaign"},
        {l.budgetDiscount, "limits.budget.discount_amount"},
        {l.budgetRedemptions, "limits.budget.redemptions"},
    };
    for (const auto &[value, where] : values)
        if (value < 0)
            return Error{QStringLiteral("a limit cannot be negative (0 means no limit), not %1").arg(value),
                         QString::fromLatin1(where)};
    return {};
}

} // namespace

QJsonObject campaignToJson(const Campaign &campaign)
{
    return campaignOrdered(campaign).toJson().toObject();
}

QByteArray campaignToJsonText(const Campaign &campaign)
{
    QString out;
    campaignOrdered(campaign).write(out, 0, false);
    out += QLatin1Char('\n');
    return out.toUtf8();
}

Result<Campaign> campaignFromJson(const QJsonObject &object)
{
    return readCampaign(object);
}

Campaign campaignFromDraftJson(const QJsonObject &object)
{
    return readCampaign(object, true).value();
}

Result<Campaign> campaignFromJsonText(const QByteArray &text, const QString &fileName)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const QByteArray before = text.left(parseError.offset);
        const qsizetype lineStart = before.lastIndexOf('\n') + 1;
        const int line = int(before.count('\n')) + 1;
        const int column = int(QString::fromUtf8(before.mid(lineStart)).size()) + 1;
        return Error{QStringLiteral("not valid JSON: %1").arg(parseError.errorString()), fileName, line, column};
    }
    if (!document.isObject())
        return Error{QStringLiteral("a campaign file holds one JSON object {…}"), fileName};
    auto campaign = campaignFromJson(document.object());
    if (!campaign && !fileName.isEmpty()) {
        Error error = campaign.error();
        error.where = error.where.isEmpty() ? fileName : fileName + QStringLiteral(": ") + error.where;
        return error;
    }
    return campaign;
}

Status validateCampaign(const Campaign &c)
{
    if (c.name.trimmed().isEmpty())
        return Error{QStringLiteral("a campaign needs a name"), QStringLiteral("name")};
    if (!QTimeZone::isTimeZoneIdAvailable(c.timezone.toUtf8()))
        return Error{QStringLiteral("%1 is not a known IANA time zone").arg(quoted(c.timezone)), QStringLiteral("timezone")};
    if (Status s = validateSchedule(c.schedule); !s)
        return s;

    switch (c.type) {
    case CampaignType::Promotion:
        if (c.tiers.isEmpty())
            return Error{QStringLiteral("a promotion needs at least one tier"), QStringLiteral("tiers")};
        for (qsizetype i = 0; i < c.tiers.size(); ++i) {
            const QString tp = at(QStringLiteral("tiers"), i);
            if (c.tiers[i].name.trimmed().isEmpty())
                return Error{QStringLiteral("a tier needs a name"), at(tp, QStringLiteral("name"))};
            if (Status s = validateDiscount(c.tiers[i].discount, at(tp, QStringLiteral("discount"))); !s)
                return s;
        }
        if (!c.standaloneCode.isEmpty())
            return Error{QStringLiteral("a promotion applies without codes"), QStringLiteral("standalone_code")};
        break;
    case CampaignType::DiscountCoupons:
    case CampaignType::Referral:
        if (c.discount == Discount())
            return Error{QStringLiteral("a %1 campaign needs a discount").arg(campaignTypeKey(c.type)), QStringLiteral("discount")};
        if (Status s = validateDiscount(c.discount, QStringLiteral("discount")); !s)
            return s;
        break;
    case CampaignType::GiftVouchers:
        if (c.giftAmount <= 0)
            return Error{QStringLiteral("a gift card starts with a balance of more than 0 cents"), QStringLiteral("gift.amount")};
        break;
    }

    if (Status s = validateLimits(c.limits); !s)
        return s;
    if (c.hasCodes() && c.standaloneCode.isEmpty()) {
        auto plan = planCodes(c.codeConfig, 1);
        if (!plan)
            return plan.error();
    }
    return {};
}

} // namespace PromoDesk::Engine
