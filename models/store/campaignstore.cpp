#include "campaignstore.h"

#include "common/ids.h"
#include "connection.h"
#include "engine/campaignjson.h"
#include "rules/syntax.h"
#include "workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QUuid>
#include <QVariant>

// The columns codeFrom() reads, in its order (a literal, so statements stay literals).
#define SELECT_CODES                                                                                          \
    "SELECT id, code, campaign_id, customer_id, status, redemption_quantity, redeemed_quantity, gift_balance, " \
    "published_at FROM codes "

namespace PromoDesk::Store {

namespace {

Error sqlError(const QSqlQuery &query, const QString &what)
{
    return Error{QStringLiteral("%1: %2").arg(what, query.lastError().text()), QStringLiteral("workspace")};
}

QVariant nullable(qint64 value)
{
    return value ? QVariant(value) : QVariant(QMetaType::fromType<qint64>());
}

QVariant nullable(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

CodeRow codeFrom(const QSqlQuery &q)
{
    CodeRow row;
    row.id = q.value(0).toLongLong();
    row.code = q.value(1).toString();
    row.campaignId = q.value(2).toString();
    row.customerId = q.value(3).toLongLong();
    row.status = q.value(4).toString();
    row.redemptionQuantity = q.value(5).toLongLong();
    row.redeemedQuantity = q.value(6).toLongLong();
    if (!q.value(7).isNull())
        row.giftBalance = q.value(7).toLongLong();
    row.publishedAt = q.value(8).toLongLong();
    return row;
}

} // namespace

CampaignStore::CampaignStore(Connection &connection) : m_connection(connection) {}

CampaignStore::~CampaignStore() = default;

QSqlQuery &CampaignStore::prepared(const char *sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        auto query = std::make_shared<QSqlQuery>(m_connection.database());
        query->setForwardOnly(true);
        query->prepare(QString::fromUtf8(sql));
        it = m_statements.insert(sql, query);
    }
    it.value()->finish();
    return *it.value();
}

Status CampaignStore::execPrepared(const char *sql)
{
    QSqlQuery &q = prepared(sql);
    if (!q.exec())
        return sqlError(q, QString::fromUtf8(sql));
    q.finish();
    return {};
}

// --- campaigns ---------------------------------------------------------------

Result<qint64> CampaignStore::campaignsVersion()
{
    QSqlQuery &q = prepared("SELECT value FROM workspace_meta WHERE key = 'campaigns_version'");
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading the campaigns version"));
    const qint64 version = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return version;
}

Status CampaignStore::bumpCampaignsVersion()
{
    QSqlQuery &q = prepared("INSERT INTO workspace_meta(key, value) VALUES ('campaigns_version', '1') "
                            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
    if (!q.exec())
        return sqlError(q, QStringLiteral("bumping the campaigns version"));
    return {};
}

Result<QList<Engine::Campaign>> CampaignStore::loadCampaigns()
{
    QSqlQuery &q = prepared("SELECT id, definition FROM campaigns ORDER BY id");
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading campaigns"));
    QList<Engine::Campaign> out;
    while (q.next()) {
        auto campaign = Engine::campaignFromJsonText(q.value(1).toByteArray(), q.value(0).toString());
        if (!campaign)
            return Error{QStringLiteral("stored campaign %1 is damaged: %2")
                             .arg(q.value(0).toString(), campaign.error().toString()),
                         QStringLiteral("campaigns")};
        out.append(std::move(campaign).value());
    }
    q.finish();
    return out;
}

Result<std::optional<Engine::Campaign>> CampaignStore::loadCampaign(const QString &id)
{
    QSqlQuery &q = prepared("SELECT definition FROM campaigns WHERE id = ?");
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading campaign %1").arg(id));
    if (!q.next())
        return std::optional<Engine::Campaign>();
    auto campaign = Engine::campaignFromJsonText(q.value(0).toByteArray(), id);
    q.finish();
    if (!campaign)
        return campaign.error();
    return std::optional<Engine::Campaign>(std::move(campaign).value());
}

Status CampaignStore::audit(const QString &entityType, const QString &entityId, const QString &action,
                            const QString &actor, const QByteArray &before, const QByteArray &after)
{
    QSqlQuery &q = prepared("INSERT INTO audit_log(at, actor, entity_type, entity_id, action, before, after) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.addBindValue(Store::nowMs());
    q.addBindValue(actor);
    q.addBindValue(entityType);
    q.addBindValue(entityId);
    q.addBindValue(action);
    q.addBindValue(before.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(QString::fromUtf8(before)));
    q.addBindValue(after.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(QString::fromUtf8(after)));
    if (!q.exec())
        return sqlError(q, QStringLiteral("writing the audit log"));
    return {};
}

Result<Engine::Campaign> CampaignStore::saveCampaign(Engine::Campaign campaign, const QString &actor)
{
    const qint64 now = Store::nowMs();
    QByteArray before;
    if (!campaign.id.isEmpty()) {
        auto existing = loadCampaign(campaign.id);
        if (!existing)
            return existing.error();
        if (existing.value()) {
            before = QJsonDocument(Engine::campaignToJson(*existing.value())).toJson(QJsonDocument::Compact);
            campaign.createdAt = existing.value()->createdAt;
        }
    } else {
        campaign.id = QStringLiteral("camp_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    }
    QSet<QString> tierIds;
    for (const Engine::Tier &tier : std::as_const(campaign.tiers))
        tierIds.insert(tier.id);
    int nextTier = 1;
    for (Engine::Tier &tier : campaign.tiers) {
        // Numbered past the ids already taken: a tier added above saved ones gets a new id.
        while (tier.id.isEmpty()) {
            const QString id = QStringLiteral("%1_tier_%2").arg(campaign.id).arg(nextTier++);
            if (!tierIds.contains(id)) {
                tier.id = id;
                tierIds.insert(id);
            }
        }
    }
    if (!campaign.standaloneCode.isEmpty()) {
        auto codeCaseSetting = codeCase();
        if (!codeCaseSetting)
            return codeCaseSetting.error();
        campaign.standaloneCode = Engine::normaliseCode(campaign.standaloneCode, codeCaseSetting.value());
    }
    if (!campaign.createdAt)
        campaign.createdAt = now;
    campaign.updatedAt = now;
    const QByteArray definition = Engine::campaignToJsonText(campaign);
    // Store only what reads back: one unreadable row would stop every engine load.
    if (auto readBack = Engine::campaignFromJsonText(definition); !readBack)
        return readBack.error();

    QSqlQuery &q = prepared(
        "INSERT INTO campaigns(id, name, campaign_type, status, category, timezone, start_date, expiration_date, "
        "definition, created_at, updated_at, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, campaign_type = excluded.campaign_type, "
        "status = excluded.status, category = excluded.category, timezone = excluded.timezone, "
        "start_date = excluded.start_date, expiration_date = excluded.expiration_date, "
        "definition = excluded.definition, updated_at = excluded.updated_at, priority = excluded.priority");
    q.addBindValue(campaign.id);
    q.addBindValue(campaign.name);
    q.addBindValue(Engine::campaignTypeKey(campaign.type));
    q.addBindValue(Engine::campaignStatusKey(campaign.status));
    q.addBindValue(nullable(campaign.category));
    q.addBindValue(campaign.timezone);
    q.addBindValue(campaign.schedule.startDate ? QVariant(*campaign.schedule.startDate)
                                               : QVariant(QMetaType::fromType<qint64>()));
    q.addBindValue(campaign.schedule.expirationDate ? QVariant(*campaign.schedule.expirationDate)
                                                    : QVariant(QMetaType::fromType<qint64>()));
    q.addBindValue(QString::fromUtf8(definition));
    q.addBindValue(campaign.createdAt);
    q.addBindValue(campaign.updatedAt);
    q.addBindValue(campaign.priority);
    if (!q.exec()) {
        const QString text = q.lastError().text();
        if (text.contains(QLatin1String("UNIQUE")) && text.contains(QLatin1String("name")))
            return Error{QStringLiteral("another campaign is already called \"%1\"").arg(campaign.name),
                         QStringLiteral("name")};
        return sqlError(q, QStringLiteral("saving campaign %1").arg(campaign.id));
    }
    if (!campaign.standaloneCode.isEmpty()) {
        auto existing = findCode(campaign.standaloneCode);
        if (!existing)
            return existing.error();
        if (existing.value() && existing.value()->campaignId != campaign.id)
            return Error{QStringLiteral("the code %1 already belongs to another campaign").arg(campaign.standaloneCode),
                         QStringLiteral("standalone_code")};
        if (!existing.value()) {
            const std::optional<qint64> balance = campaign.type == Engine::CampaignType::GiftVouchers
                                                      ? std::optional<qint64>(campaign.giftAmount)
                                                      : std::nullopt;
            if (auto inserted = insertCode(campaign.id, campaign.standaloneCode, 0, balance, now); !inserted)
                return inserted.error();
        }
    }
    const QByteArray after = QJsonDocument(Engine::campaignToJson(campaign)).toJson(QJsonDocument::Compact);
    if (Status s = audit(QStringLiteral("campaign"), campaign.id,
                         before.isEmpty() ? QStringLiteral("create") : QStringLiteral("update"), actor, before, after);
        !s)
        return s.error();
    if (Status s = bumpCampaignsVersion(); !s)
        return s.error();
    return campaign;
}

Result<Engine::Campaign> CampaignStore::setStatus(const QString &campaignId, Engine::CampaignStatus status,
                                                  const QString &actor)
{
    auto existing = loadCampaign(campaignId);
    if (!existing)
        return existing.error();
    if (!existing.value())
        return Error{QStringLiteral("no campaign %1").arg(campaignId), QStringLiteral("campaign_id")};
    Engine::Campaign campaign = *existing.value();
    if (!Engine::canChangeStatus(campaign.status, status))
        return Error{QStringLiteral("a campaign that is %1 cannot become %2")
                         .arg(Engine::campaignStatusKey(campaign.status), Engine::campaignStatusKey(status)),
                     QStringLiteral("status")};
    if (status == Engine::CampaignStatus::Active) {
        if (Status s = Engine::validateCampaign(campaign); !s)
            return Error{QStringLiteral("cannot activate: %1").arg(s.error().message), s.error().where};
    }
    campaign.status = status;
    return saveCampaign(campaign, actor);
}

Result<StackingRules> CampaignStore::stackingRules()
{
    QSqlQuery &q = prepared("SELECT value FROM workspace_meta WHERE key = 'stacking_rules'");
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading the stacking rules"));
    StackingRules rules;
    if (q.next()) {
        const QJsonObject o = QJsonDocument::fromJson(q.value(0).toByteArray()).object();
        rules.applicableLimit = o.value(QLatin1String("applicable_redeemables_limit")).toInt(rules.applicableLimit);
        rules.exclusiveLimit =
            o.value(QLatin1String("applicable_exclusive_redeemables_limit")).toInt(rules.exclusiveLimit);
        for (const QJsonValue &v : o.value(QLatin1String("exclusive_categories")).toArray())
            rules.exclusiveCategories << v.toString();
        for (const QJsonValue &v : o.value(QLatin1String("joint_categories")).toArray())
            rules.jointCategories << v.toString();
    }
    q.finish();
    return rules;
}

Status CampaignStore::setStackingRules(const StackingRules &rules)
{
    QJsonObject o{{QStringLiteral("applicable_redeemables_limit"), rules.applicableLimit},
                  {QStringLiteral("applicable_exclusive_redeemables_limit"), rules.exclusiveLimit},
                  {QStringLiteral("exclusive_categories"), QJsonArray::fromStringList(rules.exclusiveCategories)},
                  {QStringLiteral("joint_categories"), QJsonArray::fromStringList(rules.jointCategories)}};
    QSqlQuery &q = prepared("INSERT INTO workspace_meta(key, value) VALUES ('stacking_rules', ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q.addBindValue(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    if (!q.exec())
        return sqlError(q, QStringLiteral("saving the stacking rules"));
    return bumpCampaignsVersion();
}

Result<Engine::CodeCase> CampaignStore::codeCase()
{
    QSqlQuery &q = prepared("SELECT value FROM workspace_meta WHERE key = 'code_case'");
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading the code case setting"));
    const QString value = q.next() ? q.value(0).toString() : QStringLiteral("upper");
    q.finish();
    if (value == QLatin1String("lower"))
        return Engine::CodeCase::Lower;
    if (value == QLatin1String("as_is"))
        return Engine::CodeCase::AsIs;
    return Engine::CodeCase::Upper;
}

// --- codes -----------------------------------------------------------------------

Result<std::optional<CodeRow>> CampaignStore::findCode(const QString &normalisedCode)
{
    QSqlQuery &q = prepared(SELECT_CODES "WHERE code = ?");
    q.addBindValue(normalisedCode);
    if (!q.exec())
        return sqlError(q, QStringLiteral("looking up a code"));
    std::optional<CodeRow> row;
    if (q.next())
        row = codeFrom(q);
    q.finish();
    return row;
}

Result<QList<CodeRow>> CampaignStore::codesOfCustomer(qint64 customerId)
{
    QSqlQuery &q = prepared(SELECT_CODES "WHERE customer_id = ? "
                            "ORDER BY id");
    q.addBindValue(customerId);
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading the customer's codes"));
    QList<CodeRow> rows;
    while (q.next())
        rows.append(codeFrom(q));
    q.finish();
    return rows;
}

Result<qint64> CampaignStore::insertCode(const QString &campaignId, const QString &code, qint64 customerId,
                                         std::optional<qint64> giftBalance, qint64 at)
{
    QSqlQuery &q = prepared("INSERT INTO codes(code, campaign_id, customer_id, gift_balance, created_at, published_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
    q.addBindValue(code);
    q.addBindValue(campaignId);
    q.addBindValue(nullable(customerId));
    q.addBindValue(giftBalance ? QVariant(*giftBalance) : QVariant(QMetaType::fromType<qint64>()));
    q.addBindValue(at);
    q.addBindValue(customerId ? QVariant(at) : QVariant(QMetaType::fromType<qint64>()));
    if (!q.exec()) {
        if (q.lastError().text().contains(QLatin1String("UNIQUE")))
            return Error{QStringLiteral("the code %1 already exists").arg(code), QStringLiteral("code")};
        return sqlError(q, QStringLiteral("storing code %1").arg(code));
    }
    return q.lastInsertId().toLongLong();
}

Result<CodeRow> CampaignStore::publishCode(const Engine::Campaign &campaign, qint64 customerId, qint64 at)
{
    if (campaign.limits.joinOnce) {
        QSqlQuery &held = prepared("SELECT code FROM codes WHERE campaign_id = ? AND customer_id = ? LIMIT 1");
        held.addBindValue(campaign.id);
        held.addBindValue(customerId);
        if (!held.exec())
            return sqlError(held, QStringLiteral("checking join_once"));
        if (held.next())
            return Error{QStringLiteral("%1 already holds %2 and the campaign can be joined once")
                             .arg(Ids::make(Ids::Customer, customerId), held.value(0).toString()),
                         QStringLiteral("join_once")};
    }
    QSqlQuery &free = prepared("SELECT id FROM codes WHERE campaign_id = ? AND customer_id IS NULL ORDER BY id LIMIT 1");
    free.addBindValue(campaign.id);
    if (!free.exec())
        return sqlError(free, QStringLiteral("finding a code to publish"));
    qint64 codeId = free.next() ? free.value(0).toLongLong() : 0;
    free.finish();
    if (codeId) {
        QSqlQuery &publish = prepared("UPDATE codes SET customer_id = ?, published_at = ? WHERE id = ?");
        publish.addBindValue(customerId);
        publish.addBindValue(at);
        publish.addBindValue(codeId);
        if (!publish.exec())
            return sqlError(publish, QStringLiteral("publishing a code"));
    } else {
        auto codeCaseSetting = codeCase();
        if (!codeCaseSetting)
            return codeCaseSetting.error();
        auto plan = Engine::planCodes(campaign.codeConfig, 1, codeCaseSetting.value());
        if (!plan)
            return plan.error();
        Engine::CodeGenerator generator(campaign.codeConfig, plan.value(), codeCaseSetting.value());
        const std::optional<qint64> balance =
            campaign.type == Engine::CampaignType::GiftVouchers ? std::optional<qint64>(campaign.giftAmount) : std::nullopt;
        // A drawn code may clash with one already stored; a few redraws settle it.
        for (int attempt = 0; attempt < 16 && !codeId; ++attempt) {
            auto inserted = insertCode(campaign.id, generator.next(), customerId, balance, at);
            if (inserted)
                codeId = inserted.value();
            else if (inserted.error().where != QLatin1String("code"))
                return inserted.error();
        }
        if (!codeId)
            return Error{QStringLiteral("could not draw a free code for %1: its code space is nearly full").arg(campaign.name),
                         QStringLiteral("code_config")};
    }
    QSqlQuery &q = prepared(SELECT_CODES "WHERE id = ?");
    q.addBindValue(codeId);
    if (!q.exec() || !q.next())
        return sqlError(q, QStringLiteral("reading the published code"));
    CodeRow row = codeFrom(q);
    q.finish();
    return row;
}

Status CampaignStore::addRedeemed(qint64 codeId, qint64 delta, qint64 giftDelta)
{
    QSqlQuery &q = prepared("UPDATE codes SET redeemed_quantity = redeemed_quantity + ?, "
                            "gift_balance = CASE WHEN gift_balance IS NULL THEN NULL ELSE gift_balance + ? END "
                            "WHERE id = ?");
    q.addBindValue(delta);
    q.addBindValue(giftDelta);
    q.addBindValue(codeId);
    if (!q.exec())
        return sqlError(q, QStringLiteral("updating code usage"));
    return {};
}

// --- customers ---------------------------------------------------------------------

Result<std::optional<qint64>> CampaignStore::findCustomer(const QString &idOrSourceId)
{
    // "cust_N" first (if there is such a customer), then the shop's source_id.
    auto lookup = [this](const char *sql, const QVariant &key) -> Result<std::optional<qint64>> {
        QSqlQuery &q = prepared(sql);
        q.addBindValue(key);
        if (!q.exec())
            return sqlError(q, QStringLiteral("looking up a customer"));
        std::optional<qint64> found;
        if (q.next())
            found = q.value(0).toLongLong();
        q.finish();
        return found;
    };
    if (const auto key = Ids::parse(Ids::Customer, idOrSourceId)) {
        auto byId = lookup("SELECT id FROM customers WHERE id = ?", *key);
        if (!byId || byId.value())
            return byId;
    }
    return lookup("SELECT id FROM customers WHERE source_id = ?", idOrSourceId);
}

Result<CustomerFacts> CampaignStore::customerFacts(qint64 customerId)
{
    using Rules::Value;
    CustomerFacts out;
    out.id = customerId;
    QHash<QString, Value> &a = out.facts.attributes;
    {
        QSqlQuery &q = prepared(
            "SELECT source_id, name, email, phone, birthdate, address_city, address_country, address_postal_code, "
            "loyalty_tier, tags, metadata, consent_email, consent_sms, consent_push, created_at, orders_count, "
            "total_spent, last_order_at FROM customers WHERE id = ?");
        q.addBindValue(customerId);
        if (!q.exec())
            return sqlError(q, QStringLiteral("reading customer %1").arg(customerId));
        if (!q.next())
            return Error{QStringLiteral("no customer %1").arg(Ids::make(Ids::Customer, customerId)),
                         QStringLiteral("customer")};
        auto text = [&](const char *name, int column) {
            if (!q.value(column).isNull())
                a.insert(QLatin1String(name), Value::string(q.value(column).toString()));
        };
        a.insert(QStringLiteral("customer.id"), Value::string(Ids::make(Ids::Customer, customerId)));
        text("customer.source_id", 0);
        text("customer.name", 1);
        text("customer.email", 2);
        text("customer.phone", 3);
        if (!q.value(4).isNull()) {
            if (const auto born = Rules::parseDateTime(q.value(4).toString()))
                a.insert(QStringLiteral("customer.birthdate"), Value::dateTime(*born));
        }
        text("customer.city", 5);
        text("customer.country", 6);
        text("customer.postal_code", 7);
        text("customer.loyalty_tier", 8);
        QStringList tags;
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(9).toByteArray()).array())
            tags << v.toString();
        a.insert(QStringLiteral("customer.tags"), Value::list(tags));
        const QJsonObject metadata = QJsonDocument::fromJson(q.value(10).toByteArray()).object();
        for (auto it = metadata.begin(); it != metadata.end(); ++it) {
            const QJsonValue v = it.value();
            const QString value = v.isString() ? v.toString()
                                  : v.isBool() ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                               : v.toVariant().toString();
            a.insert(QStringLiteral("customer.metadata.") + it.key(), Value::string(value));
        }
        a.insert(QStringLiteral("customer.consents.email"), Value::boolean(q.value(11).toInt() != 0));
        a.insert(QStringLiteral("customer.consents.sms"), Value::boolean(q.value(12).toInt() != 0));
        a.insert(QStringLiteral("customer.consents.push"), Value::boolean(q.value(13).toInt() != 0));
        a.insert(QStringLiteral("customer.created_at"), Value::dateTime(q.value(14).toLongLong()));
        a.insert(QStringLiteral("customer.orders_count"), Value::number(q.value(15).toDouble()));
        a.insert(QStringLiteral("customer.total_spent"), Value::money(q.value(16).toLongLong()));
        if (!q.value(17).isNull())
            a.insert(QStringLiteral("customer.last_order_at"), Value::dateTime(q.value(17).toLongLong()));
        q.finish();
    }
    {
        QSqlQuery &q = prepared("SELECT type, created_at FROM customer_events WHERE customer_id = ? ORDER BY created_at");
        q.addBindValue(customerId);
        if (!q.exec())
            return sqlError(q, QStringLiteral("reading events"));
        while (q.next())
            out.facts.events.append({q.value(0).toString(), q.value(1).toLongLong()});
        q.finish();
    }
    {
        QSqlQuery &q = prepared("SELECT campaign_id, created_at FROM redemptions WHERE customer_id = ? "
                                "AND object = 'redemption' AND result = 'SUCCESS' ORDER BY created_at");
        q.addBindValue(customerId);
        if (!q.exec())
            return sqlError(q, QStringLiteral("reading redemptions"));
        while (q.next())
            out.facts.redemptions.append({q.value(0).toString(), q.value(1).toLongLong()});
        q.finish();
    }
    {
        QSqlQuery &q = prepared("SELECT segment_id FROM segment_members WHERE customer_id = ? AND left_at IS NULL "
                                "ORDER BY segment_id");
        q.addBindValue(customerId);
        if (!q.exec())
            return sqlError(q, QStringLiteral("reading segment memberships"));
        QStringList segments;
        while (q.next())
            segments << q.value(0).toString();
        q.finish();
        a.insert(QStringLiteral("customer.segments"), Value::list(segments));
    }
    {
        QSqlQuery &q = prepared("SELECT count(*) FROM redemptions WHERE referrer_id = ? AND object = 'redemption' "
                                "AND result = 'SUCCESS'");
        q.addBindValue(customerId);
        if (!q.exec() || !q.next())
            return sqlError(q, QStringLiteral("counting referrals"));
        a.insert(QStringLiteral("customer.referrals_count"), Value::number(q.value(0).toDouble()));
        q.finish();
    }
    return out;
}

Result<CampaignStore::Catalogue> CampaignStore::loadCatalogue()
{
    Catalogue catalogue;
    QSqlQuery &q = prepared("SELECT s.id, p.id, c.name, s.price, p.price FROM products AS p "
                            "LEFT JOIN categories AS c ON c.id = p.category_id "
                            "LEFT JOIN skus AS s ON s.product_id = p.id ORDER BY p.id, s.id");
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading the catalogue"));
    while (q.next()) {
        Engine::OrderItem item;
        item.product = q.value(1).toString();
        item.category = q.value(2).toString();
        if (!q.value(0).isNull()) {
            item.sku = q.value(0).toString();
            item.price = q.value(3).toLongLong();
            catalogue.skus.insert(item.sku, item);
        }
        if (!catalogue.products.contains(item.product)) {
            Engine::OrderItem product = item;
            product.sku.clear();
            product.price = q.value(4).isNull() ? item.price : q.value(4).toLongLong();
            catalogue.products.insert(product.product, product);
        }
    }
    q.finish();
    return catalogue;
}

// --- limits --------------------------------------------------------------------------

Result<qint64> CampaignStore::customerRedemptions(qint64 customerId, const QString &campaignId, qint64 from, qint64 to)
{
    QSqlQuery &q = prepared("SELECT count(*) FROM redemptions WHERE customer_id = ? AND created_at >= ? "
                            "AND created_at < ? AND campaign_id = ? AND object = 'redemption' AND result = 'SUCCESS'");
    q.addBindValue(customerId);
    q.addBindValue(from);
    q.addBindValue(to);
    q.addBindValue(campaignId);
    if (!q.exec() || !q.next())
        return sqlError(q, QStringLiteral("counting the customer's redemptions"));
    const qint64 n = q.value(0).toLongLong();
    q.finish();
    return n;
}

Result<Usage> CampaignStore::usage(const QString &campaignId, const QString &fromDay, const QString &toDay)
{
    QSqlQuery &q = prepared("SELECT ifnull(sum(redemptions), 0), ifnull(sum(discount), 0) FROM campaign_usage "
                            "WHERE campaign_id = ? AND day >= ? AND day <= ? AND day <> ''");
    q.addBindValue(campaignId);
    q.addBindValue(fromDay);
    q.addBindValue(toDay);
    if (!q.exec() || !q.next())
        return sqlError(q, QStringLiteral("reading campaign usage"));
    Usage u{q.value(0).toLongLong(), q.value(1).toLongLong()};
    q.finish();
    return u;
}

Result<Usage> CampaignStore::totalUsage(const QString &campaignId)
{
    QSqlQuery &q = prepared("SELECT redemptions, discount FROM campaign_usage WHERE campaign_id = ? AND day = ''");
    q.addBindValue(campaignId);
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading campaign usage"));
    Usage u;
    if (q.next())
        u = {q.value(0).toLongLong(), q.value(1).toLongLong()};
    q.finish();
    return u;
}

Status CampaignStore::addUsage(const QString &campaignId, const QString &day, qint64 redemptions, qint64 discount)
{
    QSqlQuery &q = prepared("INSERT INTO campaign_usage(campaign_id, day, redemptions, discount) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT(campaign_id, day) DO UPDATE SET redemptions = redemptions + excluded.redemptions, "
                            "discount = discount + excluded.discount");
    for (const QString &key : {day, QString(u""_qs)}) {
        q.addBindValue(campaignId);
        q.addBindValue(key);
        q.addBindValue(redemptions);
        q.addBindValue(discount);
        if (!q.exec())
            return sqlError(q, QStringLiteral("updating campaign usage"));
    }
    return {};
}

// --- redemptions -----------------------------------------------------------------------

Result<qint64> CampaignStore::insertRedemption(const RedemptionRecord &r)
{
    QSqlQuery &q = prepared(
        "INSERT INTO redemptions(object, created_at, campaign_id, code_id, tier_id, customer_id, order_source_id, "
        "order_amount, discount_amount, gift_amount, result, failure_code, failure_message, channel, rollback_of, "
        "referrer_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.addBindValue(r.object);
    q.addBindValue(r.createdAt);
    q.addBindValue(nullable(r.campaignId));
    q.addBindValue(nullable(r.codeId));
    q.addBindValue(nullable(r.tierId));
    q.addBindValue(nullable(r.customerId));
    q.addBindValue(nullable(r.orderSourceId));
    q.addBindValue(r.orderAmount);
    q.addBindValue(r.discountAmount);
    q.addBindValue(r.giftAmount);
    q.addBindValue(r.result);
    q.addBindValue(nullable(r.failureCode));
    q.addBindValue(nullable(r.failureMessage));
    q.addBindValue(nullable(r.channel));
    q.addBindValue(nullable(r.rollbackOf));
    q.addBindValue(nullable(r.referrerId));
    q.addBindValue(nullable(r.reason));
    if (!q.exec())
        return sqlError(q, QStringLiteral("recording a redemption"));
    return q.lastInsertId().toLongLong();
}

Status CampaignStore::insertValidation(const ValidationRecord &r)
{
    QSqlQuery &q = prepared("INSERT INTO validations(created_at, campaign_id, tier_id, code_id, customer_id, order_amount, "
                            "discount_amount, result, failure_code, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.addBindValue(r.createdAt);
    q.addBindValue(nullable(r.campaignId));
    q.addBindValue(nullable(r.tierId));
    q.addBindValue(nullable(r.codeId));
    q.addBindValue(nullable(r.customerId));
    q.addBindValue(r.orderAmount);
    q.addBindValue(r.discountAmount);
    q.addBindValue(r.valid ? QStringLiteral("VALID") : QStringLiteral("INVALID"));
    q.addBindValue(nullable(r.failureCode));
    q.addBindValue(nullable(r.channel));
    if (!q.exec())
        return sqlError(q, QStringLiteral("recording a validation"));
    return {};
}

Result<std::optional<RedemptionRecord>> CampaignStore::redemption(qint64 id)
{
    QSqlQuery &q = prepared(
        "SELECT id, object, created_at, campaign_id, code_id, tier_id, customer_id, order_source_id, order_amount, "
        "discount_amount, gift_amount, result, failure_code, failure_message, channel, rollback_of, referrer_id, reason "
        "FROM redemptions WHERE id = ?");
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading redemption %1").arg(id));
    std::optional<RedemptionRecord> out;
    if (q.next()) {
        RedemptionRecord r;
        r.id = q.value(0).toLongLong();
        r.object = q.value(1).toString();
        r.createdAt = q.value(2).toLongLong();
        r.campaignId = q.value(3).toString();
        r.codeId = q.value(4).toLongLong();
        r.tierId = q.value(5).toString();
        r.customerId = q.value(6).toLongLong();
        r.orderSourceId = q.value(7).toString();
        r.orderAmount = q.value(8).toLongLong();
        r.discountAmount = q.value(9).toLongLong();
        r.giftAmount = q.value(10).toLongLong();
        r.result = q.value(11).toString();
        r.failureCode = q.value(12).toString();
        r.failureMessage = q.value(13).toString();
        r.channel = q.value(14).toString();
        r.rollbackOf = q.value(15).toLongLong();
        r.referrerId = q.value(16).toLongLong();
        r.reason = q.value(17).toString();
        out = r;
    }
    q.finish();
    return out;
}

Status CampaignStore::markRolledBack(qint64 id)
{
    QSqlQuery &q = prepared("UPDATE redemptions SET result = 'ROLLED_BACK' WHERE id = ? AND result = 'SUCCESS'");
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(q, QStringLiteral("marking redemption %1 rolled back").arg(id));
    if (q.numRowsAffected() != 1)
        return Error{QStringLiteral("%1 is not a successful redemption").arg(Ids::make(Ids::Redemption, id)),
                     QStringLiteral("redemption")};
    return {};
}

// --- the catalogue for pickers ---------------------------------------------------------

Result<QList<CatalogueSku>> catalogueSkus(Connection &connection, int limit)
{
    QSqlQuery q(connection.database());
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT s.id, s.sku, p.id, p.name, c.name, s.price FROM skus AS s "
                                  "JOIN products AS p ON p.id = s.product_id "
                                  "LEFT JOIN categories AS c ON c.id = p.category_id ORDER BY s.id LIMIT ?")))
        return sqlError(q, QStringLiteral("reading the catalogue"));
    q.addBindValue(limit);
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading the catalogue"));
    QList<CatalogueSku> out;
    while (q.next()) {
        CatalogueSku sku;
        sku.sku = q.value(0).toString();
        sku.label = q.value(1).toString();
        sku.product = q.value(2).toString();
        sku.productName = q.value(3).toString();
        sku.category = q.value(4).toString();
        sku.price = q.value(5).toLongLong();
        out.append(sku);
    }
    return out;
}

} // namespace PromoDesk::Store
