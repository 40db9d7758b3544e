#pragma once

#include "common/result.h"
#include "engine/engine.h"
#include "store/campaignstore.h"
#include "store/customerrepository.h"
#include "store/segmentstore.h"

#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace PromoDesk::Store {

class Connection;

// --- Contact channels -------------------------------------------------------

// The channels a customer consents to separately (customers.consent_*).
enum class Channel { Email, Sms, Push };
QString channelKey(Channel channel); // "email", "sms", "push"
std::optional<Channel> channelFromKey(const QString &key);

// Whether a message may be sent to the customer on this channel: only with their
// consent. Codes are not messages: publishing a code never asks this (docs/customers.md).
bool mayContact(const CustomerProfile &profile, Channel channel);
bool mayContact(const CustomerFacts &customer, Channel channel);

// --- The parts of the 360° view the profile does not hold ---------------------

// A list cut to its newest rows, and how many there are in all.
template <typename T>
struct Capped
{
    QList<T> rows;
    qint64 total = 0;

    bool isComplete() const { return rows.size() >= total; }
};

// A code (voucher) published to the customer.
struct PublishedCode
{
    qint64 id = 0;                   // codes.id ("v_N")
    QString code;
    QString campaignId;
    QString campaignName;
    QString campaignType;            // DISCOUNT_COUPONS, GIFT_VOUCHERS, REFERRAL_PROGRAM, …
    QString status;                  // active, disabled
    qint64 redemptionQuantity = 0;   // the code's own limit, 0 = the campaign's
    qint64 redeemedQuantity = 0;
    std::optional<qint64> giftBalance; // gift cards, cents
    qint64 createdAt = 0;
    std::optional<qint64> publishedAt;
};

// One row of the redemptions table about the customer: an attempt (SUCCESS, FAILURE
// with its key and message, ROLLED_BACK once undone) or a rollback of one.
struct CustomerRedemption
{
    qint64 id = 0;                   // "red_N"
    QString object;                  // "redemption" or "redemption_rollback"
    qint64 createdAt = 0;
    QString campaignId;
    QString campaignName;
    QString code;                    // the code used, "" for a promotion tier
    QString tierId;
    qint64 orderId = 0;              // the stored order, 0 = none
    QString orderSourceId;
    qint64 orderAmount = 0;
    qint64 discountAmount = 0;
    qint64 giftAmount = 0;
    QString result;                  // SUCCESS, FAILURE, ROLLED_BACK
    QString failureCode;             // Voucherify's key, failures only
    QString failureMessage;
    QString channel;
    qint64 rollbackOf = 0;           // a rollback: the redemption it undid
    QString reason;                  // a rollback's reason
};

// An audit_log entry about the customer (entity_type "customer").
struct CustomerAuditEntry
{
    qint64 id = 0;
    qint64 at = 0;
    QString actor;
    QString action;                  // "update", "erase"
    QString before;                  // JSON of the changed fields, or empty
    QString after;
};

// Everything the profile panel shows, read in one snapshot.
struct Customer360
{
    CustomerProfile profile;              // attributes, consents, summary, newest orders (with items) and events
    QList<Membership> memberships;        // current stays first
    Capped<PublishedCode> codes;          // newest published first
    Capped<CustomerRedemption> redemptions; // newest first
    QList<CustomerAuditEntry> audit;      // newest first, at most CustomerStore::ListLimit
    std::optional<qint64> erasedAt;       // when the customer was erased (the audit's "erase")
};

// --- Editing ------------------------------------------------------------------

// A change to a customer's profile: only the fields set change. An empty string
// clears a field (the name becomes ""). Field names in errors and in the audit log
// are the customer JSON's: name, email, phone, birthdate, address.city,
// address.country, address.postal_code, loyalty_tier, tags, metadata, consents.email,
// consents.sms, consents.push.
struct CustomerChanges
{
    std::optional<QString> name;
    std::optional<QString> email;
    std::optional<QString> phone;
    std::optional<QString> birthdate;   // YYYY-MM-DD
    std::optional<QString> city;
    std::optional<QString> country;     // ISO 3166 alpha-2, any case
    std::optional<QString> postalCode;
    std::optional<QString> loyaltyTier;
    std::optional<QStringList> tags;
    std::optional<QJsonObject> metadata;
    std::optional<bool> consentEmail;
    std::optional<bool> consentSms;
    std::optional<bool> consentPush;

    bool isEmpty() const;
    std::optional<bool> consent(Channel channel) const;
    void setConsent(Channel channel, bool granted);
};

// Every field of `changes` that is not acceptable, each error naming its field in
// `where`. Reads no database (the UI checks as the user types).
QList<Error> checkCustomerChanges(const CustomerChanges &changes);

struct CustomerUpdate
{
    QString customerId;
    QStringList changed;  // the fields that changed, in the order above; empty = nothing to do
};

// --- Privacy --------------------------------------------------------------------

// What an erasure did (docs/customers.md, "Erasure").
struct Erasure
{
    QString customerId;
    bool alreadyErased = false;   // erased before; this run found nothing left to erase
    qint64 erasedAt = 0;          // this run, or the first erasure when nothing was left
    qint64 eventsDeleted = 0;
    qint64 staysClosed = 0;       // segment stays closed
    qint64 codesDisabled = 0;
    qint64 ordersKept = 0;        // orders kept for accounting (their metadata cleared)
    qint64 ordersMetadataCleared = 0;
    qint64 redemptionsKept = 0;   // redemption rows kept, amounts untouched
    qint64 redemptionTextsScrubbed = 0; // reasons / messages that named the customer
    qint64 auditEntriesRedacted = 0;    // earlier audit entries whose values were replaced
};

inline constexpr auto ErasedName = "Erased customer";
inline constexpr auto ErasedText = "[erased]";

// SQL for one customer's 360° view, its edits and its privacy requests. Every value
// is bound; every write is one transaction (BEGIN IMMEDIATE) with its audit entry.
class CustomerStore
{
public:
    static constexpr int ListLimit = 200;

    explicit CustomerStore(Connection &connection);

    // "cust_N" or the shop's source id → N; the error names the unknown one.
    Result<qint64> customerKey(const QString &idOrSourceId);

    Result<Capped<OrderSummary>> orders(qint64 key, int limit = ListLimit); // newest first, with their items
    Result<Capped<CustomerEvent>> events(qint64 key, int limit = ListLimit); // newest first
    Result<QList<Membership>> memberships(qint64 key);                       // SegmentStore::membershipsOf
    Result<Capped<PublishedCode>> codes(qint64 key, int limit = ListLimit);
    Result<Capped<CustomerRedemption>> redemptions(qint64 key, int limit = ListLimit);
    Result<QList<CustomerAuditEntry>> auditEntries(qint64 key, int limit = ListLimit);
    Result<std::optional<qint64>> erasedAt(qint64 key);

    // The profile and every part above (capped at ListLimit), in one read snapshot.
    Result<Customer360> load(qint64 key);

    // Checks (checkCustomerChanges: the first error), then in one transaction writes
    // the fields that differ, sets updated_at (and consents_updated_at when a consent
    // changes), audits the changed fields before and after, and re-evaluates the
    // auto-update segments for this customer. An erased customer is refused.
    Result<CustomerUpdate> updateCustomer(qint64 key, const CustomerChanges &changes, const QString &actor, qint64 now);

    // Everything stored about the customer, uncapped (docs/customers.md, "Export"):
    // profile, consents, summary, orders with items, events, segment stays, codes,
    // redemptions, audit entries. Audited (action "export", no data in the entry).
    Result<QJsonObject> exportCustomer(qint64 key, const QString &actor, qint64 now);

    // Erases the customer's personal data in one transaction (docs/customers.md,
    // "Erasure"): the profile anonymised, events deleted, segment stays closed, codes
    // disabled, orders and redemptions kept without personal data, earlier audit
    // values redacted; audited with who, when and why (the reason scrubbed of the
    // customer's own values). Idempotent: a second run finds nothing left and writes
    // nothing. Refuses an unknown key. Afterwards the WAL is checkpointed, so the old
    // values leave the file (best effort while others read).
    Result<Erasure> eraseCustomer(qint64 key, const QString &actor, const QString &reason, qint64 now);

private:
    Connection &m_connection;
};

// --- Campaigns the customer qualifies for now --------------------------------------

// One active campaign (or tier, or held code) for this customer with an empty cart.
struct CampaignNow
{
    Engine::RedeemableResult result;  // outcome, failure key, message, explain trace
    bool held = true;                 // false: a campaign of codes none of which is published to them
    QStringList cartNeeds;            // order_rules_violated: failed conditions on the cart ("order.amount >= 100.00")
    QStringList failsForCustomer;     // …and those on the customer that would still fail with a cart
};

struct QualificationNow
{
    qint64 now = 0;
    qint64 activeCampaigns = 0;
    QList<CampaignNow> rows;          // applicable first (best first), then skipped, then the rest
};

// CampaignEngine::qualify for the customer with an empty cart at `now`, explained; and
// every other active campaign of codes, said to need a code the customer does not hold.
Result<QualificationNow> qualifyNow(Connection &connection, qint64 key, qint64 now);

// --- JSON ----------------------------------------------------------------------------

// The customer as JSON in Voucherify's shape (id, source_id, name, email, phone,
// birthdate, address{city, country, postal_code}, metadata, summary, consents…).
QJsonObject customerToJson(const CustomerProfile &profile, std::optional<qint64> erasedAt);
QJsonObject orderToJson(const OrderSummary &order);
QJsonObject eventToJson(const CustomerEvent &event);
QJsonObject membershipToJson(const Membership &membership);
QJsonObject codeToJson(const PublishedCode &code);
QJsonObject redemptionToJson(const CustomerRedemption &redemption);
QJsonObject auditToJson(const CustomerAuditEntry &entry);
QJsonObject customer360ToJson(const Customer360 &view);
QJsonObject qualificationToJson(const QualificationNow &qualification);
QJsonObject erasureToJson(const Erasure &erasure);

// --- Background versions for the UI, each with its own connection -------------------

namespace CustomerTasks {
QFuture<Result<Customer360>> load(const QString &path, const QString &customerId);
QFuture<Result<QualificationNow>> qualify(const QString &path, const QString &customerId, qint64 now);
QFuture<Result<CustomerUpdate>> update(const QString &path, const QString &customerId, const CustomerChanges &changes,
                                       const QString &actor);
// Writes the export to `file` through a QSaveFile (whole or not at all); returns its bytes.
QFuture<Result<qint64>> exportToFile(const QString &path, const QString &customerId, const QString &file,
                                     const QString &actor);
QFuture<Result<Erasure>> erase(const QString &path, const QString &customerId, const QString &actor,
                               const QString &reason);
} // namespace CustomerTasks

} // namespace PromoDesk::Store
