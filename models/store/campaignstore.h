#pragma once

#include "common/result.h"
#include "engine/campaign.h"
#include "rules/evaluator.h"

#include <QHash>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <memory>
#include <optional>

namespace PromoDesk::Store {

class Connection;

// A code (voucher) as the engine sees it.
struct CodeRow
{
    qint64 id = 0;
    QString code;
    QString campaignId;
    qint64 customerId = 0;        // the holder (published to), 0 = none
    QString status;               // "active", "disabled"
    qint64 redemptionQuantity = 0; // this code's own limit, 0 = the campaign's
    qint64 redeemedQuantity = 0;
    std::optional<qint64> giftBalance;
    qint64 publishedAt = 0;
};

// A customer with everything the rules can look at.
struct CustomerFacts
{
    qint64 id = 0;                // 0 = a guest (not in the workspace)
    Rules::Facts facts;           // attributes, events, redemptions; now/zone are the caller's
};

struct Usage
{
    qint64 redemptions = 0;
    qint64 discount = 0;
};

// One stored redemption attempt or rollback.
struct RedemptionRecord
{
    qint64 id = 0;
    QString object = QStringLiteral("redemption"); // or "redemption_rollback"
    qint64 createdAt = 0;
    QString campaignId;
    qint64 codeId = 0;
    QString tierId;
    qint64 customerId = 0;
    QString orderSourceId;
    qint64 orderAmount = 0;
    qint64 discountAmount = 0;
    qint64 giftAmount = 0;
    QString result;               // SUCCESS, FAILURE, ROLLED_BACK
    QString failureCode;
    QString failureMessage;
    QString channel;
    qint64 rollbackOf = 0;
    qint64 referrerId = 0;
    QString reason;
};

// One requested redeemable's validation (the validations log, schema 8).
struct ValidationRecord
{
    qint64 createdAt = 0;
    QString campaignId;
    QString tierId;
    qint64 codeId = 0;
    qint64 customerId = 0;
    qint64 orderAmount = 0;
    qint64 discountAmount = 0;
    bool valid = false;
    QString failureCode;
    QString channel;
};

// Workspace-wide stacking rules (Voucherify's stacking_rules), in workspace_meta.
struct StackingRules
{
    int applicableLimit = 5;          // applicable_redeemables_limit
    int exclusiveLimit = 1;           // applicable_exclusive_redeemables_limit
    QStringList exclusiveCategories;  // a redeemable of these applies only with joint ones
    QStringList jointCategories;      // combine with anything, even exclusive ones
};

// The SQL of the campaign engine: campaigns, codes, usage counters, redemptions.
// Statements are prepared once per store and reused; every value is bound.
class CampaignStore
{
public:
    explicit CampaignStore(Connection &connection);
    ~CampaignStore();

    Connection &connection() { return m_connection; }
    // A statement without values (savepoints), prepared once per store.
    Status execPrepared(const char *sql);

    // --- campaigns ---
    // Bumped by every campaign change, so engines can cache parsed campaigns.
    Result<qint64> campaignsVersion();
    Result<QList<Engine::Campaign>> loadCampaigns();
    Result<std::optional<Engine::Campaign>> loadCampaign(const QString &id);
    // Inserts (assigning an id "camp_…" when empty) or updates, with an audit entry
    // holding the JSON before and after. Runs in the caller's transaction if one is open.
    Result<Engine::Campaign> saveCampaign(Engine::Campaign campaign, const QString &actor);
    // A lifecycle step (canChangeStatus), audited.
    Result<Engine::Campaign> setStatus(const QString &campaignId, Engine::CampaignStatus status, const QString &actor);
    Result<StackingRules> stackingRules();
    Status setStackingRules(const StackingRules &rules);
    Result<Engine::CodeCase> codeCase();

    // --- codes ---
    Result<std::optional<CodeRow>> findCode(const QString &normalisedCode);
    Result<QList<CodeRow>> codesOfCustomer(qint64 customerId);
    Result<qint64> insertCode(const QString &campaignId, const QString &code, qint64 customerId,
                              std::optional<qint64> giftBalance, qint64 at);
    // Publishes an unpublished code of the campaign to the customer (or a new one from the
    // campaign's code config when none is left). join_once: refuses a second code.
    Result<CodeRow> publishCode(const Engine::Campaign &campaign, qint64 customerId, qint64 at);
    Status addRedeemed(qint64 codeId, qint64 delta, qint64 giftDelta);

    // --- customers ---
    // By "cust_N" or the shop's source_id; nothing when unknown.
    Result<std::optional<qint64>> findCustomer(const QString &idOrSourceId);
    Result<CustomerFacts> customerFacts(qint64 customerId);

    // The catalogue, for lines that name only a SKU or product: by SKU id and by product id
    // (product, category name and price filled in).
    struct Catalogue
    {
        QHash<QString, Engine::OrderItem> skus;
        QHash<QString, Engine::OrderItem> products;
    };
    Result<Catalogue> loadCatalogue();

    // --- limits ---
    // Successful redemptions of a campaign by a customer in [from, to).
    Result<qint64> customerRedemptions(qint64 customerId, const QString &campaignId, qint64 from, qint64 to);
    // Usage summed over local days [fromDay, toDay] ("YYYY-MM-DD"); day "" = all time.
    Result<Usage> usage(const QString &campaignId, const QString &fromDay, const QString &toDay);
    Result<Usage> totalUsage(const QString &campaignId);
    Status addUsage(const QString &campaignId, const QString &day, qint64 redemptions, qint64 discount);

    // --- redemptions ---
    Result<qint64> insertRedemption(const RedemptionRecord &record);
    Status insertValidation(const ValidationRecord &record);
    Result<std::optional<RedemptionRecord>> redemption(qint64 id);
    Status markRolledBack(qint64 id);

    // Engines reload their cached campaigns (and experiments) when this changes.
    Status bumpCampaignsVersion();
    Status audit(const QString &entityType, const QString &entityId, const QString &action, const QString &actor,
                 const QByteArray &before, const QByteArray &after);

private:
    QSqlQuery &prepared(const char *sql);

    Connection &m_connection;
    QHash<const char *, std::shared_ptr<QSqlQuery>> m_statements;
};

// One SKU of the catalogue as a picker shows it (the campaign editor's Try it).
struct CatalogueSku
{
    QString sku;          // skus.id, what order lines name
    QString label;        // the shop's own SKU code (skus.sku)
    QString product;      // product id
    QString productName;
    QString category;     // category name, "" = none
    qint64 price = 0;     // cents per unit
};

// The catalogue's SKUs in id order, at most `limit` of them (a picker needs no more).
Result<QList<CatalogueSku>> catalogueSkus(Connection &connection, int limit);

} // namespace PromoDesk::Store
