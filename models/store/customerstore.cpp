#include "store/customerstore.h"

#include "common/ids.h"
#include "engine/requestjson.h"
#include "rules/json.h"
#include "store/connection.h"
#include "store/sqlutil.h"
#include "store/workspace.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QtConcurrent/QtConcurrentRun>


#include <algorithm>
#include <tuple>

namespace PromoDesk::Store {

namespace {

QVariant nullText(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

QJsonValue isoOrNull(std::optional<qint64> ms)
{
    return ms ? QJsonValue(iso(*ms)) : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonValue jsonOf(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (doc.isArray())
        return doc.array();
    if (doc.isObject())
        return doc.object();
    return textOrNull(text);
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString compact(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

Status insertAudit(Connection &connection, qint64 at, const QString &actor, const QString &customerId, const QString &action,
                   const std::optional<QJsonObject> &before, const std::optional<QJsonObject> &after)
{
    auto q = runQuery(connection,
                  QStringLiteral("INSERT INTO audit_log(at, actor, entity_type, entity_id, action, before, after) "
                                 "VALUES (?, ?, 'customer', ?, ?, ?, ?)"),
                  {at, actor.isEmpty() ? QStringLiteral("promodesk") : actor, customerId, action,
                   before ? QVariant(compact(*before)) : QVariant(QMetaType::fromType<QString>()),
                   after ? QVariant(compact(*after)) : QVariant(QMetaType::fromType<QString>())});
    if (!q)
        return Error{QStringLiteral("writing the audit log: %1").arg(q.error().message), QStringLiteral("audit_log")};
    return {};
}

// --- checks -----------------------------------------------------------------------

bool looksLikeEmail(const QString &v)
{
    if (v.size() < 3 || v.size() > 254)
        return false;
    const qsizetype at = v.lastIndexOf(QLatin1Char('@'));
    if (at < 1 || at > 64 || at == v.size() - 1)
        return false;
    const QStringView domain = QStringView(v).sliced(at + 1);
    const qsizetype dot = domain.lastIndexOf(QLatin1Char('.'));
    if (dot < 1 || dot == domain.size() - 1 || domain.startsWith(QLatin1Char('.')) || domain.contains(QStringLiteral("..")))
        return false;
    for (qsizetype i = 0; i < v.size(); ++i) {
        const QChar c = v[i];
        if (c.unicode() <= ' ' || c.isSpace() || QStringLiteral(",;<>()[]\\\"").contains(c) || (c == QLatin1Char('@') && i != at))
            return false;
    }
    return true;
}

bool isCountryCode(const QString &code)
{
    if (code.size() != 2 || !code[0].isLetter() || !code[1].isLetter() || code[0].unicode() > 127 || code[1].unicode() > 127)
        return false;
    static const QStringList groupings = {QStringLiteral("EU"), QStringLiteral("EZ"), QStringLiteral("UN"), QStringLiteral("QO")};
    const QString upper = code.toUpper();
    return QLocale::codeToTerritory(upper) != QLocale::AnyTerritory && !groupings.contains(upper);
}

bool looksLikePhone(const QString &v)
{
    if (v.size() > 32)
        return false;
    int digits = 0;
    for (const QChar c : v) {
        if (c.isDigit() && c.unicode() < 128)
            ++digits;
        else if (!QStringLiteral(" +-().").contains(c))
            return false;
    }
    return digits >= 4;
}

QStringList cleanTags(const QStringList &tags)
{
    QStringList out;
    for (const QString &tag : tags) {
        const QString t = tag.trimmed();
        if (!t.isEmpty() && !out.contains(t))
            out << t;
    }
    return out;
}

QString quote(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

// The customer's personal values, used only to scrub free text that repeats them.
QStringList personalValues(const QSqlQuery &row)
{
    QStringList values;
    for (int column = 0; column < 4; ++column) {
        const QString v = row.value(column).toString().trimmed();
        // Short values (an initial) would scrub half the text; names of 3+ letters are kept apart.
        if (v.size() >= 3 && v != QLatin1String(ErasedName))
            values << v;
    }
    return values;
}

QString scrub(QString text, const QStringList &values)
{
    for (const QString &v : values)
        text.replace(v, QLatin1String(ErasedText), Qt::CaseInsensitive);
    return text;
}

// Every value of an audit entry's JSON replaced, its keys (which fields changed) kept.
QJsonObject redacted(const QJsonObject &object, bool &changed)
{
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.value() != QJsonValue(QLatin1String(ErasedText)))
            changed = true;
        out.insert(it.key(), QLatin1String(ErasedText));
    }
    return out;
}

OrderSummary readOrderHead(const QSqlQuery &r)
{
    OrderSummary order;
    order.id = Ids::make(Ids::Order, r.value(0).toLongLong());
    order.sourceId = r.value(1).toString();
    order.createdAt = r.value(2).toLongLong();
    order.status = r.value(3).toString();
    order.channel = r.value(4).toString();
    order.amount = r.value(5).toLongLong();
    order.discountAmount = r.value(6).toLongLong();
    return order;
}

struct Field
{
    const char *json;   // the name in errors, the audit log and the customer JSON
    const char *column; // customers.<column>, from this fixed table only
};

const Field Fields[] = {
    {"name", "name"},
    {"email", "email"},
    {"phone", "phone"},
    {"birthdate", "birthdate"},
    {"address.city", "address_city"},
    {"address.country", "address_country"},
    {"address.postal_code", "address_postal_code"},
    {"loyalty_tier", "loyalty_tier"},
    {"tags", "tags"},
    {"metadata", "metadata"},
    {"consents.email", "consent_email"},
    {"consents.sms", "consent_sms"},
    {"consents.push", "consent_push"},
};

} // namespace

// --- channels -----------------------------------------------------------------------

QString channelKey(Channel channel)
{
    switch (channel) {
    case Channel::Email: return QStringLiteral("email");
    case Channel::Sms: return QStringLiteral("sms");
    case Channel::Push: return QStringLiteral("push");
    }
    return {};
}

std::optional<Channel> channelFromKey(const QString &key)
{
    for (Channel c : {Channel::Email, Channel::Sms, Channel::Push})
        if (channelKey(c) == key)
            return c;
    return std::nullopt;
}

bool mayContact(const CustomerProfile &profile, Channel channel)
{
    switch (channel) {
    case Channel::Email: return profile.consentEmail && !profile.row.email.isEmpty();
    case Channel::Sms: return profile.consentSms && !profile.phone.isEmpty();
    case Channel::Push: return profile.consentPush;
    }
    return false;
}

bool mayContact(const CustomerFacts &customer, Channel channel)
{
    if (customer.id == 0)
        return false; // a guest gave no consent we know of
    const auto &a = customer.facts.attributes;
    const Rules::Value consent = a.value(QStringLiteral("customer.consents.") + channelKey(channel));
    if (consent.isUnknown() || consent.type() != Rules::Type::Bool || !consent.asBool())
        return false;
    // A consent to a channel without an address on it reaches nobody.
    if (channel == Channel::Email)
        return !a.value(QStringLiteral("customer.email")).isUnknown();
    if (channel == Channel::Sms)
        return !a.value(QStringLiteral("customer.phone")).isUnknown();
    return true;
}

// --- changes ------------------------------------------------------------------------

bool CustomerChanges::isEmpty() const
{
    return !name && !email && !phone && !birthdate && !city && !country && !postalCode && !loyaltyTier && !tags && !metadata
           && !consentEmail && !consentSms && !consentPush;
}

std::optional<bool> CustomerChanges::consent(Channel channel) const
{
    switch (channel) {
    case Channel::Email: return consentEmail;
    case Channel::Sms: return consentSms;
    case Channel::Push: return consentPush;
    }
    return std::nullopt;
}

void CustomerChanges::setConsent(Channel channel, bool granted)
{
    switch (channel) {
    case Channel::Email: consentEmail = granted; break;
    case Channel::Sms: consentSms = granted; break;
    case Channel::Push: consentPush = granted; break;
    }
}

QList<Error> checkCustomerChanges(const CustomerChanges &c)
{
    QList<Error> errors;
    auto fail = [&errors](const char *field, const QString &message) { errors.append(Error{message, QLatin1String(field)}); };
    if (c.name && c.name->trimmed().size() > 200)
        fail("name", QStringLiteral("a name of %1 characters is too long (at most 200)").arg(c.name->trimmed().size()));
    if (c.email && !c.email->trimmed().isEmpty() && !looksLikeEmail(c.email->trimmed()))
        fail("email", QStringLiteral("%1 is not an email address (name@domain.tld)").arg(quote(c.email->trimmed())));
    if (c.phone && !c.phone->trimmed().isEmpty() && !looksLikePhone(c.phone->trimmed()))
        fail("phone", QStringLiteral("%1 is not a phone number (digits, spaces, + - ( ) . — at most 32)")
                          .arg(quote(c.phone->trimmed())));
    if (c.birthdate && !c.birthdate->trimmed().isEmpty()) {
        const QString text = c.birthdate->trimmed();
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (text.size() != 10 || !date.isValid())
            fail("birthdate", QStringLiteral("%1 is not a date (YYYY-MM-DD)").arg(quote(text)));
        else if (date.year() < 1900 || date > QDate::currentDate())
            fail("birthdate", QStringLiteral("%1 is not a plausible birthdate (1900 up to today)").arg(quote(text)));
    }
    if (c.city && c.city->trimmed().size() > 100)
        fail("address.city", QStringLiteral("a city of %1 characters is too long (at most 100)").arg(c.city->trimmed().size()));
    if (c.country && !c.country->trimmed().isEmpty() && !isCountryCode(c.country->trimmed()))
        fail("address.country",
             QStringLiteral("%1 is not a two-letter country code (like IE or GB)").arg(quote(c.country->trimmed())));
    if (c.postalCode && c.postalCode->trimmed().size() > 20)
        fail("address.postal_code", QStringLiteral("%1 is too long for a postal code (at most 20)").arg(quote(c.postalCode->trimmed())));
    if (c.loyaltyTier && c.loyaltyTier->trimmed().size() > 64)
        fail("loyalty_tier", QStringLiteral("a loyalty tier of %1 characters is too long (at most 64)").arg(c.loyaltyTier->trimmed().size()));
    if (c.tags) {
        for (const QString &tag : cleanTags(*c.tags)) {
            if (tag.size() > 64) {
                fail("tags", QStringLiteral("the tag %1 is too long (at most 64 characters)").arg(quote(tag.left(20) + QStringLiteral("…"))));
                break;
            }
        }
    }
    if (c.metadata && compact(*c.metadata).size() > 64 * 1024)
        fail("metadata", QStringLiteral("metadata of more than 64 KiB"));
    return errors;
}

// --- reads --------------------------------------------------------------------------

CustomerStore::CustomerStore(Connection &connection) : m_connection(connection) {}

Result<qint64> CustomerStore::customerKey(const QString &idOrSourceId)
{
    const QString text = idOrSourceId.trimmed();
    if (text.isEmpty())
        return Error{QStringLiteral("no customer given (cust_N or the shop's source id)"), QStringLiteral("customer")};
    if (const auto key = Ids::parse(Ids::Customer, text)) {
        auto q = runQuery(m_connection, QStringLiteral("SELECT id FROM customers WHERE id = ?"), {*key});
        if (!q)
            return q.error();
        if (q.value().next())
            return q.value().value(0).toLongLong();
    }
    auto q = runQuery(m_connection, QStringLiteral("SELECT id FROM customers WHERE source_id = ?"), {text});
    if (!q)
        return q.error();
    if (q.value().next())
        return q.value().value(0).toLongLong();
    return Error{QStringLiteral("%1 is not a customer of this workspace (by id or source id)").arg(text),
                 QStringLiteral("customer")};
}

Result<Capped<OrderSummary>> CustomerStore::orders(qint64 key, int limit)
{
    Capped<OrderSummary> out;
    auto count = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM orders WHERE customer_id = ?"), {key});
    if (!count)
        return count.error();
    if (count.value().next())
        out.total = count.value().value(0).toLongLong();
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT o.id, o.source_id, o.created_at, o.status, o.channel, o.amount, o.discount_amount, "
                                 "i.line_no, i.sku_id, coalesce(p.name, sp.name, ''), i.quantity, i.price, i.amount "
                                 "FROM (SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?) o "
                                 "LEFT JOIN order_items i ON i.order_id = o.id "
                                 "LEFT JOIN products p ON p.id = i.product_id "
                                 "LEFT JOIN skus s ON s.id = i.sku_id LEFT JOIN products sp ON sp.id = s.product_id "
                                 "ORDER BY o.created_at DESC, o.id DESC, i.line_no"),
                  {key, limit});
    if (!q)
        return q.error();
    QSqlQuery &r = q.value();
    while (r.next()) {
        const QString id = Ids::make(Ids::Order, r.value(0).toLongLong());
        if (out.rows.isEmpty() || out.rows.last().id != id)
            out.rows.append(readOrderHead(r));
        if (!r.value(7).isNull())
            out.rows.last().items.append({r.value(7).toInt(), r.value(8).toString(), r.value(9).toString(),
                                          r.value(10).toLongLong(), r.value(11).toLongLong(), r.value(12).toLongLong()});
    }
    return out;
}

Result<Capped<CustomerEvent>> CustomerStore::events(qint64 key, int limit)
{
    Capped<CustomerEvent> out;
    auto count = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM customer_events WHERE customer_id = ?"), {key});
    if (!count)
        return count.error();
    if (count.value().next())
        out.total = count.value().value(0).toLongLong();
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT type, created_at, metadata FROM customer_events WHERE customer_id = ? "
                                 "ORDER BY created_at DESC, id DESC LIMIT ?"),
                  {key, limit});
    if (!q)
        return q.error();
    while (q.value().next())
        out.rows.append({q.value().value(0).toString(), q.value().value(1).toLongLong(), q.value().value(2).toString()});
    return out;
}

Result<QList<Membership>> CustomerStore::memberships(qint64 key)
{
    return SegmentStore(m_connection).membershipsOf(key);
}

Result<Capped<PublishedCode>> CustomerStore::codes(qint64 key, int limit)
{
    Capped<PublishedCode> out;
    auto count = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM codes WHERE customer_id = ?"), {key});
    if (!count)
        return count.error();
    if (count.value().next())
        out.total = count.value().value(0).toLongLong();
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT k.id, k.code, k.campaign_id, c.name, c.campaign_type, k.status, k.redemption_quantity, "
                                 "k.redeemed_quantity, k.gift_balance, k.created_at, k.published_at "
                                 "FROM codes k JOIN campaigns c ON c.id = k.campaign_id WHERE k.customer_id = ? "
                                 "ORDER BY coalesce(k.published_at, k.created_at) DESC, k.id DESC LIMIT ?"),
                  {key, limit});
    if (!q)
        return q.error();
    QSqlQuery &r = q.value();
    while (r.next()) {
        PublishedCode code;
        code.id = r.value(0).toLongLong();
        code.code = r.value(1).toString();
        code.campaignId = r.value(2).toString();
        code.campaignName = r.value(3).toString();
        code.campaignType = r.value(4).toString();
        code.status = r.value(5).toString();
        code.redemptionQuantity = r.value(6).toLongLong();
        code.redeemedQuantity = r.value(7).toLongLong();
        if (!r.value(8).isNull())
            code.giftBalance = r.value(8).toLongLong();
        code.createdAt = r.value(9).toLongLong();
        if (!r.value(10).isNull())
            code.publishedAt = r.value(10).toLongLong();
        out.rows.append(code);
    }
    return out;
}

Result<Capped<CustomerRedemption>> CustomerStore::redemptions(qint64 key, int limit)
{
    Capped<CustomerRedemption> out;
    auto count = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM redemptions WHERE customer_id = ?"), {key});
    if (!count)
        return count.error();
    if (count.value().next())
        out.total = count.value().value(0).toLongLong();
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT r.id, r.object, r.created_at, r.campaign_id, c.name, k.code, r.tier_id, r.order_id, "
                                 "r.order_source_id, r.order_amount, r.discount_amount, r.gift_amount, r.result, "
                                 "r.failure_code, r.failure_message, r.channel, r.rollback_of, r.reason "
                                 "FROM redemptions r LEFT JOIN campaigns c ON c.id = r.campaign_id "
                                 "LEFT JOIN codes k ON k.id = r.code_id WHERE r.customer_id = ? "
                                 "ORDER BY r.created_at DESC, r.id DESC LIMIT ?"),
                  {key, limit});
    if (!q)
        return q.error();
    QSqlQuery &r = q.value();
    while (r.next()) {
        CustomerRedemption row;
        row.id = r.value(0).toLongLong();
        row.object = r.value(1).toString();
        row.createdAt = r.value(2).toLongLong();
        row.campaignId = r.value(3).toString();
        row.campaignName = r.value(4).toString();
        row.code = r.value(5).toString();
        row.tierId = r.value(6).toString();
        row.orderId = r.value(7).toLongLong();
        row.orderSourceId = r.value(8).toString();
        row.orderAmount = r.value(9).toLongLong();
        row.discountAmount = r.value(10).toLongLong();
        row.giftAmount = r.value(11).toLongLong();
        row.result = r.value(12).toString();
        row.failureCode = r.value(13).toString();
        row.failureMessage = r.value(14).toString();
        row.channel = r.value(15).toString();
        row.rollbackOf = r.value(16).toLongLong();
        row.reason = r.value(17).toString();
        out.rows.append(row);
    }
    return out;
}

Result<QList<CustomerAuditEntry>> CustomerStore::auditEntries(qint64 key, int limit)
{
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT id, at, actor, action, before, after FROM audit_log "
                                 "WHERE entity_type = 'customer' AND entity_id = ? ORDER BY at DESC, id DESC LIMIT ?"),
                  {Ids::make(Ids::Customer, key), limit});
    if (!q)
        return q.error();
    QList<CustomerAuditEntry> out;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        out.append({r.value(0).toLongLong(), r.value(1).toLongLong(), r.value(2).toString(), r.value(3).toString(),
                    r.value(4).toString(), r.value(5).toString()});
    }
    return out;
}

Result<std::optional<qint64>> CustomerStore::erasedAt(qint64 key)
{
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT min(at) FROM audit_log WHERE entity_type = 'customer' AND entity_id = ? "
                                 "AND action = 'erase'"),
                  {Ids::make(Ids::Customer, key)});
    if (!q)
        return q.error();
    if (q.value().next() && !q.value().value(0).isNull())
        return std::optional<qint64>(q.value().value(0).toLongLong());
    return std::optional<qint64>();
}

Result<Customer360> CustomerStore::load(qint64 key)
{
    // One snapshot, so the parts agree with each other.
    return reading<Customer360>(m_connection, [&]() -> Result<Customer360> {
        Customer360 view;
        auto profile = CustomerRepository(m_connection).profile(Ids::make(Ids::Customer, key));
        if (!profile)
            return profile.error();
        view.profile = std::move(profile).value();
        auto memberships = this->memberships(key);
        if (!memberships)
            return memberships.error();
        view.memberships = memberships.value();
        auto codes = this->codes(key);
        if (!codes)
            return codes.error();
        view.codes = codes.value();
        auto redemptions = this->redemptions(key);
        if (!redemptions)
            return redemptions.error();
        view.redemptions = redemptions.value();
        auto audit = auditEntries(key, ListLimit);
        if (!audit)
            return audit.error();
        view.audit = audit.value();
        auto erased = erasedAt(key);
        if (!erased)
            return erased.error();
        view.erasedAt = erased.value();
        return view;
    });
}

// --- edits --------------------------------------------------------------------------

Result<CustomerUpdate> CustomerStore::updateCustomer(qint64 key, const CustomerChanges &changes, const QString &actor, qint64 now)
{
    const QList<Error> problems = checkCustomerChanges(changes);
    if (!problems.isEmpty())
        return problems.first();
    const QString id = Ids::make(Ids::Customer, key);
    return writing<CustomerUpdate>(m_connection, [&]() -> Result<CustomerUpdate> {
        auto current = runQuery(m_connection,
                            QStringLiteral("SELECT name, email, phone, birthdate, address_city, address_country, "
                                           "address_postal_code, loyalty_tier, tags, metadata, consent_email, consent_sms, "
                                           "consent_push FROM customers WHERE id = ?"),
                            {key});
        if (!current)
            return current.error();
        QSqlQuery &row = current.value();
        if (!row.next())
            return Error{QStringLiteral("no customer %1").arg(id), QStringLiteral("customer")};
        auto erased = erasedAt(key);
        if (!erased)
            return erased.error();
        if (erased.value())
            return Error{QStringLiteral("%1 was erased on %2; an erased profile is not edited").arg(id, iso(*erased.value())),
                         QStringLiteral("customer")};

        // Old and new value of each field the change sets: as stored, and as JSON.
        struct Diff
        {
            const Field *field;
            QVariant stored;
            QJsonValue before;
            QJsonValue after;
        };
        QList<Diff> diffs;
        auto text = [&](int index, const std::optional<QString> &wanted, bool upper = false) {
            if (!wanted)
                return;
            QString value = wanted->trimmed();
            if (upper)
                value = value.toUpper();
            const QString old = row.value(index).toString();
            if (value != old)
                diffs.append({&Fields[index], index == 0 ? QVariant(value) : nullText(value), textOrNull(old), textOrNull(value)});
        };
        text(0, changes.name);
        text(1, changes.email);
        text(2, changes.phone);
        text(3, changes.birthdate);
        text(4, changes.city);
        text(5, changes.country, true);
        text(6, changes.postalCode);
        text(7, changes.loyaltyTier);
        if (changes.tags) {
            const QStringList wanted = cleanTags(*changes.tags);
            const QJsonArray old = QJsonDocument::fromJson(row.value(8).toString().toUtf8()).array();
            const QJsonArray now = QJsonArray::fromStringList(wanted);
            if (old != now)
                diffs.append({&Fields[8], compact(now), old, now});
        }
        if (changes.metadata) {
            const QJsonObject old = QJsonDocument::fromJson(row.value(9).toString().toUtf8()).object();
            if (old != *changes.metadata)
                diffs.append({&Fields[9], compact(*changes.metadata), old, *changes.metadata});
        }
        bool consentChanged = false;
        for (int i = 0; i < 3; ++i) {
            const std::optional<bool> wanted = changes.consent(Channel(i));
            const bool old = row.value(10 + i).toInt() != 0;
            if (wanted && *wanted != old) {
                diffs.append({&Fields[10 + i], int(*wanted), old, *wanted});
                consentChanged = true;
            }
        }
        row.finish();

        CustomerUpdate update{id, {}};
        if (diffs.isEmpty())
            return update;
        QStringList sets;
        QVariantList values;
        QJsonObject before;
        QJsonObject after;
        for (const Diff &d : diffs) {
            sets << QLatin1String(d.field->column) + QStringLiteral(" = ?");
            values << d.stored;
            before.insert(QLatin1String(d.field->json), d.before);
            after.insert(QLatin1String(d.field->json), d.after);
            update.changed << QLatin1String(d.field->json);
        }
        sets << QStringLiteral("updated_at = ?");
        values << now;
        if (consentChanged) {
            sets << QStringLiteral("consents_updated_at = ?");
            values << now;
        }
        values << key;
        auto written = runQuery(m_connection, QStringLiteral("UPDATE customers SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", "))),
                            values);
        if (!written)
            return written.error();
        if (Status s = insertAudit(m_connection, now, actor, id, QStringLiteral("update"), before, after); !s)
            return s.error();
        // Auto-update segments follow the new values at once, in this transaction.
        if (Status s = refreshSegmentsForCustomers(m_connection, {key}, now); !s)
            return s.error();
        return update;
    });
}

// --- export -------------------------------------------------------------------------

Result<QJsonObject> CustomerStore::exportCustomer(qint64 key, const QString &actor, qint64 now)
{
    const QString id = Ids::make(Ids::Customer, key);
    return writing<QJsonObject>(m_connection, [&]() -> Result<QJsonObject> {
        auto profile = CustomerRepository(m_connection).profile(id);
        if (!profile)
            return profile.error();
        auto erased = erasedAt(key);
        if (!erased)
            return erased.error();
        QJsonObject out{{QStringLiteral("object"), QStringLiteral("customer_export")},
                        {QStringLiteral("exported_at"), iso(now)},
                        {QStringLiteral("customer"), customerToJson(profile.value(), erased.value())}};
        if (auto info = Workspace::readInfo(m_connection))
            out.insert(QStringLiteral("currency"), info.value().currency);

        // Orders as stored, every column, with every line.
        QJsonArray orders;
        {
            auto q = runQuery(m_connection,
                          QStringLiteral("SELECT o.id, o.source_id, o.status, o.amount, o.discount_amount, o.items_count, "
                                         "o.channel, o.metadata, o.created_at, i.line_no, i.sku_id, i.product_id, "
                                         "coalesce(p.name, sp.name), i.quantity, i.price, i.amount "
                                         "FROM orders o LEFT JOIN order_items i ON i.order_id = o.id "
                                         "LEFT JOIN products p ON p.id = i.product_id "
                                         "LEFT JOIN skus s ON s.id = i.sku_id LEFT JOIN products sp ON sp.id = s.product_id "
                                         "WHERE o.customer_id = ? ORDER BY o.created_at, o.id, i.line_no"),
                          {key});
            if (!q)
                return q.error();
            QSqlQuery &r = q.value();
            QJsonObject order;
            QJsonArray items;
            QString current;
            auto flush = [&] {
                if (current.isEmpty())
                    return;
                order.insert(QStringLiteral("items"), items);
                orders.append(order);
            };
            while (r.next()) {
                const QString orderId = Ids::make(Ids::Order, r.value(0).toLongLong());
                if (orderId != current) {
                    flush();
                    current = orderId;
                    items = QJsonArray();
                    order = QJsonObject{{QStringLiteral("id"), orderId},
                                        {QStringLiteral("source_id"), textOrNull(r.value(1).toString())},
                                        {QStringLiteral("status"), r.value(2).toString()},
                                        {QStringLiteral("amount"), r.value(3).toLongLong()},
                                        {QStringLiteral("discount_amount"), r.value(4).toLongLong()},
                                        {QStringLiteral("items_count"), r.value(5).toLongLong()},
                                        {QStringLiteral("channel"), textOrNull(r.value(6).toString())},
                                        {QStringLiteral("metadata"), jsonOf(r.value(7).toString())},
                                        {QStringLiteral("created_at"), iso(r.value(8).toLongLong())}};
                }
                if (!r.value(9).isNull())
                    items.append(QJsonObject{{QStringLiteral("line_no"), r.value(9).toInt()},
                                             {QStringLiteral("sku_id"), textOrNull(r.value(10).toString())},
                                             {QStringLiteral("product_id"), textOrNull(r.value(11).toString())},
                                             {QStringLiteral("product_name"), textOrNull(r.value(12).toString())},
                                             {QStringLiteral("quantity"), r.value(13).toLongLong()},
                                             {QStringLiteral("price"), r.value(14).toLongLong()},
                                             {QStringLiteral("amount"), r.value(15).toLongLong()}});
            }
            flush();
        }
        out.insert(QStringLiteral("orders"), orders);

        auto events = this->events(key, -1);
        if (!events)
            return events.error();
        QJsonArray eventArray;
        for (auto it = events.value().rows.crbegin(); it != events.value().rows.crend(); ++it)
            eventArray.append(eventToJson(*it));
        out.insert(QStringLiteral("events"), eventArray);

        auto memberships = this->memberships(key);
        if (!memberships)
            return memberships.error();
        QJsonArray segments;
        for (const Membership &m : memberships.value())
            segments.append(membershipToJson(m));
        out.insert(QStringLiteral("segments"), segments);

        auto codes = this->codes(key, -1);
        if (!codes)
            return codes.error();
        QJsonArray codeArray;
        for (const PublishedCode &c : codes.value().rows)
            codeArray.append(codeToJson(c));
        out.insert(QStringLiteral("codes"), codeArray);

        auto redemptions = this->redemptions(key, -1);
        if (!redemptions)
            return redemptions.error();
        QJsonArray redemptionArray;
        for (const CustomerRedemption &r : redemptions.value().rows)
            redemptionArray.append(redemptionToJson(r));
        out.insert(QStringLiteral("redemptions"), redemptionArray);

        // Redemptions of the customer's referral codes by others: theirs as referrer.
        auto referrals = runQuery(m_connection,
                              QStringLiteral("SELECT id, created_at, campaign_id, result FROM redemptions "
                                             "WHERE referrer_id = ? ORDER BY created_at DESC, id DESC"),
                              {key});
        if (!referrals)
            return referrals.error();
        QJsonArray referralArray;
        while (referrals.value().next()) {
            const QSqlQuery &r = referrals.value();
            referralArray.append(QJsonObject{{QStringLiteral("redemption_id"), Ids::make(Ids::Redemption, r.value(0).toLongLong())},
                                             {QStringLiteral("created_at"), iso(r.value(1).toLongLong())},
                                             {QStringLiteral("campaign_id"), r.value(2).toString()},
                                             {QStringLiteral("result"), r.value(3).toString()}});
        }
        out.insert(QStringLiteral("referrals"), referralArray);

        auto audit = auditEntries(key, -1);
        if (!audit)
            return audit.error();
        QJsonArray auditArray;
        for (const CustomerAuditEntry &e : audit.value())
            auditArray.append(auditToJson(e));
        out.insert(QStringLiteral("audit_log"), auditArray);

        // The export itself is audited: who and when, and how much left — no data.
        const QJsonObject counts{{QStringLiteral("orders"), orders.size()},
                                 {QStringLiteral("events"), eventArray.size()},
                                 {QStringLiteral("segments"), segments.size()},
                                 {QStringLiteral("codes"), codeArray.size()},
                                 {QStringLiteral("redemptions"), redemptionArray.size()}};
        if (Status s = insertAudit(m_connection, now, actor, id, QStringLiteral("export"), std::nullopt, counts); !s)
            return s.error();
        return out;
    });
}

// --- erasure ------------------------------------------------------------------------

Result<Erasure> CustomerStore::eraseCustomer(qint64 key, const QString &actor, const QString &reason, qint64 now)
{
    const QString id = Ids::make(Ids::Customer, key);
    if (reason.trimmed().isEmpty())
        return Error{QStringLiteral("say why %1 is erased (the request it answers)").arg(id), QStringLiteral("reason")};
    const bool nested = m_connection.inTransaction();
    // Deleted and overwritten content is zeroed in the file, not left in free space.
    QString secureDelete;
    if (auto q = runQuery(m_connection, QStringLiteral("PRAGMA secure_delete")); q && q.value().next())
        secureDelete = q.value().value(0).toString();
    m_connection.exec(QStringLiteral("PRAGMA secure_delete = ON"));

    Result<Erasure> result = writing<Erasure>(m_connection, [&]() -> Result<Erasure> {
        Erasure e;
        e.customerId = id;
        auto person = runQuery(m_connection, QStringLiteral("SELECT name, email, phone, source_id FROM customers WHERE id = ?"), {key});
        if (!person)
            return person.error();
        if (!person.value().next())
            return Error{QStringLiteral("no customer %1").arg(id), QStringLiteral("customer")};
        const QStringList personal = personalValues(person.value());
        person.value().finish();
        auto erased = erasedAt(key);
        if (!erased)
            return erased.error();
        e.alreadyErased = erased.value().has_value();

        auto affected = [&](const QString &sql, const QVariantList &values, qint64 &count) -> Status {
            auto q = runQuery(m_connection, sql, values);
            if (!q)
                return q.error();
            count = q.value().numRowsAffected();
            return {};
        };
        qint64 profileChanged = 0;
        if (Status s = affected(
                QStringLiteral(
                    "UPDATE customers SET source_id = NULL, name = ?, email = NULL, phone = NULL, birthdate = NULL, "
                    "address_city = NULL, address_country = NULL, address_postal_code = NULL, loyalty_tier = NULL, "
                    "tags = '[]', metadata = '{}', "
                    "consents_updated_at = CASE WHEN consent_email + consent_sms + consent_push > 0 THEN ? ELSE consents_updated_at END, "
                    "consent_email = 0, consent_sms = 0, consent_push = 0, updated_at = ? "
                    "WHERE id = ? AND NOT (name = ? AND source_id IS NULL AND email IS NULL AND phone IS NULL "
                    "AND birthdate IS NULL AND address_city IS NULL AND address_country IS NULL "
                    "AND address_postal_code IS NULL AND loyalty_tier IS NULL AND tags = '[]' AND metadata = '{}' "
                    "AND consent_email = 0 AND consent_sms = 0 AND consent_push = 0)"),
                {QLatin1String(ErasedName), now, now, key, QLatin1String(ErasedName)}, profileChanged);
            !s)
            return s.error();
        if (Status s = affected(QStringLiteral("DELETE FROM customer_events WHERE customer_id = ?"), {key}, e.eventsDeleted); !s)
            return s.error();

        // Close the open stays and keep each segment's size and history right.
        auto open = runQuery(m_connection,
                         QStringLiteral("SELECT DISTINCT segment_id FROM segment_members WHERE customer_id = ? AND left_at IS NULL"),
                         {key});
        if (!open)
            return open.error();
        QStringList segments;
        while (open.value().next())
            segments << open.value().value(0).toString();
        open.value().finish();
        if (Status s = affected(QStringLiteral("UPDATE segment_members SET left_at = ? WHERE customer_id = ? AND left_at IS NULL"),
                                {now, key}, e.staysClosed);
            !s)
            return s.error();
        for (const QString &segment : segments) {
            auto size = runQuery(m_connection,
                             QStringLiteral("SELECT count(*) FROM segment_members WHERE segment_id = ? AND left_at IS NULL"),
                             {segment});
            if (!size || !size.value().next())
                return size ? Error{QStringLiteral("no count"), QStringLiteral("segments")} : size.error();
            const qint64 members = size.value().value(0).toLongLong();
            size.value().finish();
            if (auto q = runQuery(m_connection, QStringLiteral("UPDATE segments SET size = ? WHERE id = ?"), {members, segment}); !q)
                return q.error();
            if (auto q = runQuery(m_connection,
                              QStringLiteral("INSERT INTO segment_sizes(segment_id, at, size, entered, left) VALUES (?, ?, ?, 0, 1) "
                                             "ON CONFLICT(segment_id, at) DO UPDATE SET size = excluded.size, left = left + 1"),
                              {segment, now, members});
                !q)
                return q.error();
        }

        if (Status s = affected(QStringLiteral("UPDATE codes SET status = 'disabled' WHERE customer_id = ? AND status <> 'disabled'"),
                                {key}, e.codesDisabled);
            !s)
            return s.error();
        if (Status s = affected(QStringLiteral("UPDATE orders SET metadata = '{}' WHERE customer_id = ? AND metadata <> '{}'"), {key},
                                e.ordersMetadataCleared);
            !s)
            return s.error();
        auto kept = runQuery(m_connection,
                         QStringLiteral("SELECT (SELECT count(*) FROM orders WHERE customer_id = ?), "
                                        "(SELECT count(*) FROM redemptions WHERE customer_id = ?)"),
                         {key, key});
        if (!kept || !kept.value().next())
            return kept ? Error{QStringLiteral("no count"), QStringLiteral("orders")} : kept.error();
        e.ordersKept = kept.value().value(0).toLongLong();
        e.redemptionsKept = kept.value().value(1).toLongLong();
        kept.value().finish();

        // Free text in redemptions (a rollback's reason) may repeat the customer's values.
        if (!personal.isEmpty()) {
            auto texts = runQuery(m_connection,
                              QStringLiteral("SELECT id, reason, failure_message FROM redemptions WHERE customer_id = ? "
                                             "AND (reason IS NOT NULL OR failure_message IS NOT NULL)"),
                              {key});
            if (!texts)
                return texts.error();
            QList<std::tuple<qint64, QVariant, QVariant>> scrubbed;
            while (texts.value().next()) {
                const QSqlQuery &r = texts.value();
                const QString reasonText = r.value(1).toString();
                const QString message = r.value(2).toString();
                const QString newReason = scrub(reasonText, personal);
                const QString newMessage = scrub(message, personal);
                if (newReason != reasonText || newMessage != message)
                    scrubbed.append({r.value(0).toLongLong(), r.value(1).isNull() ? r.value(1) : QVariant(newReason),
                                     r.value(2).isNull() ? r.value(2) : QVariant(newMessage)});
            }
            texts.value().finish();
            for (const auto &[rowId, newReason, newMessage] : scrubbed) {
                if (auto q = runQuery(m_connection, QStringLiteral("UPDATE redemptions SET reason = ?, failure_message = ? WHERE id = ?"),
                                  {newReason, newMessage, rowId});
                    !q)
                    return q.error();
            }
            e.redemptionTextsScrubbed = scrubbed.size();
        }

        // Earlier audit entries keep who changed which field when, not the values.
        auto entries = runQuery(m_connection,
                            QStringLiteral("SELECT id, before, after FROM audit_log WHERE entity_type = 'customer' "
                                           "AND entity_id = ? AND action NOT IN ('erase', 'export')"),
                            {id});
        if (!entries)
            return entries.error();
        QList<std::tuple<qint64, QVariant, QVariant>> redactions;
        while (entries.value().next()) {
            const QSqlQuery &r = entries.value();
            bool changed = false;
            auto redact = [&](int column) -> QVariant {
                if (r.value(column).isNull())
                    return r.value(column);
                return compact(redacted(QJsonDocument::fromJson(r.value(column).toString().toUtf8()).object(), changed));
            };
            const QVariant before = redact(1);
            const QVariant after = redact(2);
            if (changed)
                redactions.append({r.value(0).toLongLong(), before, after});
        }
        entries.value().finish();
        for (const auto &[entryId, before, after] : redactions) {
            if (auto q = runQuery(m_connection, QStringLiteral("UPDATE audit_log SET before = ?, after = ? WHERE id = ?"),
                              {before, after, entryId});
                !q)
                return q.error();
        }
        e.auditEntriesRedacted = redactions.size();

        const bool changedSomething = profileChanged || e.eventsDeleted || e.staysClosed || e.codesDisabled
                                      || e.ordersMetadataCleared || e.redemptionTextsScrubbed || e.auditEntriesRedacted;
        if (e.alreadyErased && !changedSomething) {
            e.erasedAt = *erased.value();
            return e;
        }
        e.erasedAt = now;
        QJsonObject after = erasureToJson(e);
        after.remove(QStringLiteral("customer_id"));
        after.remove(QStringLiteral("erased_at"));
        after.remove(QStringLiteral("already_erased"));
        after.insert(QStringLiteral("reason"), scrub(reason.trimmed(), personal));
        if (Status s = insertAudit(m_connection, now, actor, id, QStringLiteral("erase"), std::nullopt, after); !s)
            return s.error();
        return e;
    });
    m_connection.exec(QStringLiteral("PRAGMA secure_delete = %1").arg(secureDelete == QLatin1String("1") ? 1 : 0));
    if (result && !nested) {
        // Old page images live on in the WAL until a checkpoint; copy and truncate it now.
        // Best effort: a reader holding an older snapshot makes it partial (docs/customers.md).
        m_connection.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    return result;
}

// --- qualification --------------------------------------------------------------------

Result<QualificationNow> qualifyNow(Connection &connection, qint64 key, qint64 now)
{
    Engine::CampaignEngine engine(connection);
    Engine::Request request;
    request.customer = Ids::make(Ids::Customer, key);
    request.now = now;
    request.explain = true;
    request.recordExposure = false; // looking at a profile is not a visit to the shop
    auto validation = engine.qualify(request);
    if (!validation)
        return validation.error();
    QualificationNow out;
    out.now = validation.value().now;
    QSet<QString> seen;
    auto add = [&](const Engine::RedeemableResult &r) {
        CampaignNow row;
        row.result = r;
        if (r.outcome == Engine::Outcome::Inapplicable && r.failureKey == QLatin1String("order_rules_violated")) {
            // The failed conditions that decide (no group lines), split by what they look at.
            for (int i = 0; i < r.trace.size(); ++i) {
                const Rules::TraceLine &line = r.trace[i];
                const bool leaf = i + 1 == r.trace.size() || r.trace[i + 1].depth <= line.depth;
                if (line.passed || !leaf)
                    continue;
                if (line.text.startsWith(QLatin1String("order.")) || line.text.startsWith(QLatin1String("item.")))
                    row.cartNeeds << line.text;
                else if (line.text.endsWith(QLatin1String(" item")))
                    row.cartNeeds << QStringLiteral("%1 (…) in the cart").arg(line.text);
                else
                    row.failsForCustomer << line.text;
            }
            if (row.cartNeeds.isEmpty())
                row.cartNeeds << r.message;
        }
        seen.insert(r.campaignId);
        out.rows.append(row);
    };
    for (const auto &r : validation.value().applicable)
        add(r);
    for (const auto &r : validation.value().skipped)
        add(r);
    for (const auto &r : validation.value().inapplicable)
        add(r);

    // Active campaigns of codes the qualification had nothing to try: no code held.
    auto campaigns = engine.store().loadCampaigns();
    if (!campaigns)
        return campaigns.error();
    QList<CampaignNow> unheld;
    for (const Engine::Campaign &c : campaigns.value()) {
        if (c.status != Engine::CampaignStatus::Active)
            continue;
        ++out.activeCampaigns;
        if (seen.contains(c.id))
            continue;
        CampaignNow row;
        row.held = false;
        row.result.outcome = Engine::Outcome::Inapplicable;
        row.result.campaignId = c.id;
        row.result.campaignName = c.name;
        row.result.campaignType = c.type;
        row.result.category = c.category;
        row.result.priority = c.priority;
        row.result.requested.object = c.type == Engine::CampaignType::Promotion ? Engine::Redeemable::Object::PromotionTier
                                                                               : Engine::Redeemable::Object::Voucher;
        if (c.type == Engine::CampaignType::Referral)
            row.result.message = QStringLiteral("a referral programme: their own code is for friends to use, and no friend's code is held");
        else if (c.type == Engine::CampaignType::Promotion)
            row.result.message = QStringLiteral("a promotion without tiers");
        else
            row.result.message = QStringLiteral("no code of this campaign is published to this customer");
        unheld.append(row);
    }
    std::stable_sort(unheld.begin(), unheld.end(), [](const CampaignNow &a, const CampaignNow &b) {
        return a.result.campaignName.compare(b.result.campaignName, Qt::CaseInsensitive) < 0;
    });
    out.rows += unheld;
    return out;
}

// --- JSON ----------------------------------------------------------------------------

QJsonObject customerToJson(const CustomerProfile &p, std::optional<qint64> erasedAt)
{
    const CustomerRow &r = p.row;
    QJsonObject consents{{QStringLiteral("email"), p.consentEmail},
                         {QStringLiteral("sms"), p.consentSms},
                         {QStringLiteral("push"), p.consentPush},
                         {QStringLiteral("updated_at"), isoOrNull(p.consentsUpdatedAt)}};
    QJsonObject summary{{QStringLiteral("orders_count"), r.ordersCount},
                        {QStringLiteral("total_spent"), r.totalSpent},
                        {QStringLiteral("average_order_value"),
                         r.ordersCount ? QJsonValue((r.totalSpent + r.ordersCount / 2) / r.ordersCount) : QJsonValue(QJsonValue::Null)},
                        {QStringLiteral("last_order_at"), isoOrNull(r.lastOrderAt)}};
    QJsonObject o{{QStringLiteral("object"), QStringLiteral("customer")},
                  {QStringLiteral("id"), r.id},
                  {QStringLiteral("source_id"), textOrNull(r.sourceId)},
                  {QStringLiteral("name"), r.name},
                  {QStringLiteral("email"), textOrNull(r.email)},
                  {QStringLiteral("phone"), textOrNull(p.phone)},
                  {QStringLiteral("birthdate"), textOrNull(p.birthdate)},
                  {QStringLiteral("address"), QJsonObject{{QStringLiteral("city"), textOrNull(r.city)},
                                                          {QStringLiteral("country"), textOrNull(r.country)},
                                                          {QStringLiteral("postal_code"), textOrNull(p.postalCode)}}},
                  {QStringLiteral("loyalty_tier"), textOrNull(p.loyaltyTier)},
                  {QStringLiteral("tags"), jsonOf(p.tags).isArray() ? jsonOf(p.tags) : QJsonArray()},
                  {QStringLiteral("metadata"), jsonOf(p.metadata).isObject() ? jsonOf(p.metadata) : QJsonObject()},
                  {QStringLiteral("consents"), consents},
                  {QStringLiteral("summary"), summary},
                  {QStringLiteral("created_at"), iso(r.createdAt)}};
    if (erasedAt)
        o.insert(QStringLiteral("erased_at"), iso(*erasedAt));
    return o;
}

QJsonObject orderToJson(const OrderSummary &order)
{
    QJsonArray items;
    for (const OrderItemLine &line : order.items)
        items.append(QJsonObject{{QStringLiteral("line_no"), line.lineNo},
                                 {QStringLiteral("sku_id"), textOrNull(line.skuId)},
                                 {QStringLiteral("product_name"), textOrNull(line.productName)},
                                 {QStringLiteral("quantity"), line.quantity},
                                 {QStringLiteral("price"), line.price},
                                 {QStringLiteral("amount"), line.amount}});
    return {{QStringLiteral("id"), order.id},
            {QStringLiteral("source_id"), textOrNull(order.sourceId)},
            {QStringLiteral("status"), order.status},
            {QStringLiteral("channel"), textOrNull(order.channel)},
            {QStringLiteral("amount"), order.amount},
            {QStringLiteral("discount_amount"), order.discountAmount},
            {QStringLiteral("created_at"), iso(order.createdAt)},
            {QStringLiteral("items"), items}};
}

QJsonObject eventToJson(const CustomerEvent &event)
{
    return {{QStringLiteral("type"), event.type},
            {QStringLiteral("created_at"), iso(event.createdAt)},
            {QStringLiteral("metadata"), jsonOf(event.metadata)}};
}

QJsonObject membershipToJson(const Membership &m)
{
    return {{QStringLiteral("segment_id"), m.segmentId},
            {QStringLiteral("name"), m.segmentName},
            {QStringLiteral("type"), segmentTypeKey(m.type)},
            {QStringLiteral("entered_at"), iso(m.enteredAt)},
            {QStringLiteral("left_at"), isoOrNull(m.leftAt)}};
}

QJsonObject codeToJson(const PublishedCode &c)
{
    QJsonObject o{{QStringLiteral("id"), Ids::make(Ids::Code, c.id)},
                  {QStringLiteral("code"), c.code},
                  {QStringLiteral("campaign_id"), c.campaignId},
                  {QStringLiteral("campaign"), c.campaignName},
                  {QStringLiteral("campaign_type"), c.campaignType},
                  {QStringLiteral("status"), c.status},
                  {QStringLiteral("redemption"), QJsonObject{{QStringLiteral("quantity"), c.redemptionQuantity
                                                                                              ? QJsonValue(c.redemptionQuantity)
                                                                                              : QJsonValue(QJsonValue::Null)},
                                                             {QStringLiteral("redeemed_quantity"), c.redeemedQuantity}}},
                  {QStringLiteral("created_at"), iso(c.createdAt)},
                  {QStringLiteral("published_at"), isoOrNull(c.publishedAt)}};
    if (c.giftBalance)
        o.insert(QStringLiteral("gift"), QJsonObject{{QStringLiteral("balance"), *c.giftBalance}});
    return o;
}

QJsonObject redemptionToJson(const CustomerRedemption &r)
{
    QJsonObject o{{QStringLiteral("id"), Ids::make(Ids::Redemption, r.id)},
                  {QStringLiteral("object"), r.object},
                  {QStringLiteral("date"), iso(r.createdAt)},
                  {QStringLiteral("campaign_id"), textOrNull(r.campaignId)},
                  {QStringLiteral("campaign"), textOrNull(r.campaignName)},
                  {QStringLiteral("result"), r.result},
                  {QStringLiteral("amount"), r.discountAmount}};
    if (!r.code.isEmpty())
        o.insert(QStringLiteral("voucher"), r.code);
    if (!r.tierId.isEmpty())
        o.insert(QStringLiteral("promotion_tier"), r.tierId);
    QJsonObject order{{QStringLiteral("source_id"), textOrNull(r.orderSourceId)}, {QStringLiteral("amount"), r.orderAmount}};
    if (r.orderId)
        order.insert(QStringLiteral("id"), Ids::make(Ids::Order, r.orderId));
    o.insert(QStringLiteral("order"), order);
    if (r.giftAmount)
        o.insert(QStringLiteral("gift"), QJsonObject{{QStringLiteral("amount"), r.giftAmount}});
    if (!r.failureCode.isEmpty())
        o.insert(QStringLiteral("failure_code"), r.failureCode);
    if (!r.failureMessage.isEmpty())
        o.insert(QStringLiteral("failure_message"), r.failureMessage);
    if (!r.channel.isEmpty())
        o.insert(QStringLiteral("channel"), r.channel);
    if (r.rollbackOf)
        o.insert(QStringLiteral("redemption"), Ids::make(Ids::Redemption, r.rollbackOf));
    if (!r.reason.isEmpty())
        o.insert(QStringLiteral("reason"), r.reason);
    return o;
}

QJsonObject auditToJson(const CustomerAuditEntry &e)
{
    QJsonObject o{{QStringLiteral("id"), e.id},
                  {QStringLiteral("at"), iso(e.at)},
                  {QStringLiteral("actor"), e.actor},
                  {QStringLiteral("action"), e.action}};
    if (!e.before.isEmpty())
        o.insert(QStringLiteral("before"), jsonOf(e.before));
    if (!e.after.isEmpty())
        o.insert(QStringLiteral("after"), jsonOf(e.after));
    return o;
}

QJsonObject customer360ToJson(const Customer360 &v)
{
    QJsonObject o = customerToJson(v.profile, v.erasedAt);
    auto capped = [](const QJsonArray &rows, qint64 total) {
        return QJsonObject{{QStringLiteral("data"), rows},
                           {QStringLiteral("total"), total},
                           {QStringLiteral("has_more"), total > rows.size()}};
    };
    QJsonArray orders;
    for (const OrderSummary &order : v.profile.orders)
        orders.append(orderToJson(order));
    o.insert(QStringLiteral("orders"), capped(orders, std::max<qint64>(v.profile.row.ordersCount, orders.size())));
    QJsonArray events;
    for (const CustomerEvent &event : v.profile.events)
        events.append(eventToJson(event));
    o.insert(QStringLiteral("events"), capped(events, v.profile.eventsCount));
    QJsonArray segments;
    for (const Membership &m : v.memberships)
        segments.append(membershipToJson(m));
    o.insert(QStringLiteral("segments"), segments);
    QJsonArray codes;
    for (const PublishedCode &c : v.codes.rows)
        codes.append(codeToJson(c));
    o.insert(QStringLiteral("codes"), capped(codes, v.codes.total));
    QJsonArray redemptions;
    for (const CustomerRedemption &r : v.redemptions.rows)
        redemptions.append(redemptionToJson(r));
    o.insert(QStringLiteral("redemptions"), capped(redemptions, v.redemptions.total));
    QJsonArray audit;
    for (const CustomerAuditEntry &e : v.audit)
        audit.append(auditToJson(e));
    o.insert(QStringLiteral("audit_log"), audit);
    return o;
}

QJsonObject qualificationToJson(const QualificationNow &q)
{
    QJsonArray rows;
    for (const CampaignNow &row : q.rows) {
        QJsonObject o = Engine::redeemableToJson(row.result, false);
        if (!row.held) {
            o.remove(QStringLiteral("id"));
            o.insert(QStringLiteral("held"), false);
            o.insert(QStringLiteral("result"),
                     QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), row.result.message}}}});
        }
        if (!row.cartNeeds.isEmpty())
            o.insert(QStringLiteral("needs_cart"), QJsonArray::fromStringList(row.cartNeeds));
        if (!row.failsForCustomer.isEmpty())
            o.insert(QStringLiteral("fails_for_customer"), QJsonArray::fromStringList(row.failsForCustomer));
        rows.append(o);
    }
    return {{QStringLiteral("now"), iso(q.now)},
            {QStringLiteral("cart"), QStringLiteral("empty")},
            {QStringLiteral("active_campaigns"), q.activeCampaigns},
            {QStringLiteral("redeemables"), rows}};
}

QJsonObject erasureToJson(const Erasure &e)
{
    return {{QStringLiteral("customer_id"), e.customerId},
            {QStringLiteral("already_erased"), e.alreadyErased},
            {QStringLiteral("erased_at"), iso(e.erasedAt)},
            {QStringLiteral("events_deleted"), e.eventsDeleted},
            {QStringLiteral("segment_stays_closed"), e.staysClosed},
            {QStringLiteral("codes_disabled"), e.codesDisabled},
            {QStringLiteral("orders_kept"), e.ordersKept},
            {QStringLiteral("orders_metadata_cleared"), e.ordersMetadataCleared},
            {QStringLiteral("redemptions_kept"), e.redemptionsKept},
            {QStringLiteral("redemption_texts_scrubbed"), e.redemptionTextsScrubbed},
            {QStringLiteral("audit_entries_redacted"), e.auditEntriesRedacted}};
}

// --- tasks ---------------------------------------------------------------------------

namespace CustomerTasks {

namespace {

template <typename T, typename Fn>
QFuture<Result<T>> run(const QString &path, bool write, const QString &customerId, Fn fn)
{
    return QtConcurrent::run([=]() -> Result<T> {
        auto connection = write ? Workspace::openForWriting(path) : Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        CustomerStore store(*connection.value());
        auto key = store.customerKey(customerId);
        if (!key)
            return key.error();
        return fn(*connection.value(), store, key.value());
    });
}

} // namespace

QFuture<Result<Customer360>> load(const QString &path, const QString &customerId)
{
    return run<Customer360>(path, false, customerId, [](Connection &, CustomerStore &store, qint64 key) { return store.load(key); });
}

QFuture<Result<QualificationNow>> qualify(const QString &path, const QString &customerId, qint64 now)
{
    return run<QualificationNow>(path, false, customerId,
                                 [now](Connection &c, CustomerStore &, qint64 key) { return qualifyNow(c, key, now); });
}

QFuture<Result<CustomerUpdate>> update(const QString &path, const QString &customerId, const CustomerChanges &changes,
                                       const QString &actor)
{
    return run<CustomerUpdate>(path, true, customerId, [changes, actor](Connection &, CustomerStore &store, qint64 key) {
        return store.updateCustomer(key, changes, actor, nowMs());
    });
}

QFuture<Result<qint64>> exportToFile(const QString &path, const QString &customerId, const QString &file, const QString &actor)
{
    return run<qint64>(path, true, customerId, [file, actor](Connection &c, CustomerStore &store, qint64 key) -> Result<qint64> {
        // The audit entry commits only with a complete file: the file first, inside the transaction.
        if (Status s = c.begin(); !s)
            return s.error();
        auto data = store.exportCustomer(key, actor, nowMs());
        if (!data) {
            c.rollback();
            return data.error();
        }
        const QByteArray bytes = QJsonDocument(data.value()).toJson(QJsonDocument::Indented);
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
            c.rollback();
            return Error{out.errorString(), file};
        }
        if (Status s = c.commit(); !s)
            return s.error();
        return qint64(bytes.size());
    });
}

QFuture<Result<Erasure>> erase(const QString &path, const QString &customerId, const QString &actor, const QString &reason)
{
    return run<Erasure>(path, true, customerId, [actor, reason](Connection &, CustomerStore &store, qint64 key) {
        return store.eraseCustomer(key, actor, reason, nowMs());
    });
}

} // namespace CustomerTasks

} // namespace PromoDesk::Store
