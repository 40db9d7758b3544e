#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <memory>
#include <vector>

class QSqlQuery;

// The SQL of sandbox workspaces (issue 9, models/sandbox): copying a sample of
// production into a new sandbox file, the sandbox's workspace_meta, and the look-ups
// and audit rows of promotion. Every value is a bound parameter.
namespace PromoDesk::Store {

class Connection;

// One workspace_meta value ("" when the key is not set).
Result<QString> metaValue(Connection &connection, const QString &key);
Status setMetaValue(Connection &connection, const QString &key, const QString &value);
// Folds the write-ahead log back into the main file (before a finished file is moved).
Status checkpoint(Connection &connection);

// What promotion looks up in production.
enum class ReferenceKind { Segment, Sku, Product, Category, Campaign };
// The ids of `ids` that `connection` does not have. Categories match by name or id
// (discount targets and item rules name categories by name).
Result<QStringList> missingReferences(Connection &connection, ReferenceKind kind, const QStringList &ids);
// The id of the campaign called `name`, "" when none is.
Result<QString> campaignIdByName(Connection &connection, const QString &name);

// One audit_log row of a promotion (entity_type "campaign_promotion", entity_id the
// campaign): action "promoted_to_production" in the sandbox, "promoted_from_sandbox" in
// production; `after` names the other file. In the caller's transaction if one is open.
Status auditPromotion(Connection &connection, const QString &campaignId, const QString &action, const QString &actor,
                      const QByteArray &before, const QByteArray &after);

// Copies production into a new sandbox workspace over the sandbox's own connection:
// production is attached under the schema name "production" through a read-only URI
// (mode=ro), so nothing this class runs can write to it, and it is only read inside one
// transaction: what is copied is one snapshot of production. Ids are kept, so every
// reference between the copied rows stays valid.
//
// Use: attachProduction, begin, productionCustomerIds, setSample, the copy steps,
// commit. The destructor rolls back and detaches whatever is still open.
class SandboxCopy
{
public:
    explicit SandboxCopy(Connection &sandbox);
    ~SandboxCopy();
    SandboxCopy(const SandboxCopy &) = delete;
    SandboxCopy &operator=(const SandboxCopy &) = delete;

    Status attachProduction(const QString &productionPath);
    Status begin();
    // Every customer id of production, ascending.
    Result<std::vector<qint64>> productionCustomerIds();
    // The customers to copy (a temporary table of ids).
    Status setSample(const std::vector<qint64> &ids);

    // code_case and stacking_rules, so codes and stacking behave as in production.
    Status copySettings();
    // Categories, products, SKUs; segment definitions; campaigns as they are.
    Status copyDefinitions();
    // The sampled customers with ids in [fromId, toId], anonymised (docs in
    // sandbox/sandbox.h), with all their orders, order items, events, segment stays and
    // the codes published to them (unredeemed: redeemed_quantity 0, gift cards full).
    Status copyCustomers(qint64 fromId, qint64 toId);
    // Up to `perCampaign` unpublished codes of each campaign, lowest ids first, unredeemed.
    Status copyUnpublishedCodes(qint64 perCampaign);
    // Segment sizes recounted over the sampled members.
    Status recountSegments();

    Status commit();

private:
    QSqlQuery &prepared(const char *sql);
    Status run(const char *sql, const QVariantList &values, const QString &what);
    void close();

    Connection &m_sandbox;
    QString m_productionPath;
    bool m_attached = false;
    bool m_inTransaction = false;
    QHash<const char *, std::shared_ptr<QSqlQuery>> m_statements;
};

} // namespace PromoDesk::Store
