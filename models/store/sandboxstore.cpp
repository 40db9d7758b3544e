#include "sandboxstore.h"

#include "connection.h"
#include "sqlutil.h"
#include "workspace.h"

#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QVariant>

#include <sqlite3.h>

namespace PromoDesk::Store {

namespace {

Error sqlError(const QSqlQuery &query, const QString &what, const QString &where)
{
    return Error{QStringLiteral("%1: %2").arg(what, query.lastError().text()), where};
}

sqlite3 *handleOf(const Connection &connection)
{
    const QVariant handle = connection.database().driver()->handle();
    return handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0 ? *static_cast<sqlite3 *const *>(handle.data())
                                                                           : nullptr;
}

} // namespace

Result<QString> metaValue(Connection &connection, const QString &key)
{
    auto q = runQuery(connection, QStringLiteral("SELECT value FROM workspace_meta WHERE key = ?"), {key});
    if (!q)
        return q.error();
    return q.value().next() ? q.value().value(0).toString() : QString();
}

Status setMetaValue(Connection &connection, const QString &key, const QString &value)
{
    auto q = runQuery(connection,
                      QStringLiteral("INSERT INTO workspace_meta(key, value) VALUES (?, ?) "
                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                      {key, value});
    if (!q)
        return q.error();
    return {};
}

Result<QStringList> missingReferences(Connection &connection, ReferenceKind kind, const QStringList &ids)
{
    QString sql;
    switch (kind) {
    case ReferenceKind::Segment:
        sql = QStringLiteral("SELECT count(*) FROM segments WHERE id = ?");
        break;
    case ReferenceKind::Sku:
        sql = QStringLiteral("SELECT count(*) FROM skus WHERE id = ?");
        break;
    case ReferenceKind::Product:
        sql = QStringLiteral("SELECT count(*) FROM products WHERE id = ?");
        break;
    case ReferenceKind::Category:
        sql = QStringLiteral("SELECT count(*) FROM categories WHERE name = ?1 OR id = ?1");
        break;
    case ReferenceKind::Campaign:
        sql = QStringLiteral("SELECT count(*) FROM campaigns WHERE id = ?");
        break;
    }
    QSqlQuery q(connection.database());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return sqlError(q, QStringLiteral("looking up references"), connection.path());
    QStringList missing;
    for (const QString &id : ids) {
        q.bindValue(0, id);
        if (!q.exec() || !q.next())
            return sqlError(q, QStringLiteral("looking up %1").arg(id), connection.path());
        if (q.value(0).toLongLong() == 0)
            missing << id;
        q.finish();
    }
    return missing;
}

Result<QString> campaignIdByName(Connection &connection, const QString &name)
{
    auto q = runQuery(connection, QStringLiteral("SELECT id FROM campaigns WHERE name = ?"), {name});
    if (!q)
        return q.error();
    return q.value().next() ? q.value().value(0).toString() : QString();
}

Status auditPromotion(Connection &connection, const QString &campaignId, const QString &action, const QString &actor,
                      const QByteArray &before, const QByteArray &after)
{
    const auto text = [](const QByteArray &json) {
        return json.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(QString::fromUtf8(json));
    };
    auto q = runQuery(connection,
                      QStringLiteral("INSERT INTO audit_log(at, actor, entity_type, entity_id, action, before, after) "
                                     "VALUES (?, ?, 'campaign_promotion', ?, ?, ?, ?)"),
                      {QVariant(nowMs()), actor, campaignId, action, text(before), text(after)});
    if (!q)
        return Error{QStringLiteral("writing the audit log: %1").arg(q.error().message), connection.path()};
    return {};
}

// --- SandboxCopy -------------------------------------------------------------------

SandboxCopy::SandboxCopy(Connection &sandbox) : m_sandbox(sandbox) {}

SandboxCopy::~SandboxCopy()
{
    close();
}

void SandboxCopy::close()
{
    // Statements on the attached schema must be gone before it can be detached.
    m_statements.clear();
    if (m_inTransaction) {
        m_sandbox.rollback();
        m_inTransaction = false;
    }
    if (m_attached) {
        m_sandbox.exec(QStringLiteral("DETACH DATABASE production"));
        m_attached = false;
    }
}

QSqlQuery &SandboxCopy::prepared(const char *sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        auto query = std::make_shared<QSqlQuery>(m_sandbox.database());
        query->setForwardOnly(true);
        query->prepare(QString::fromUtf8(sql));
        it = m_statements.insert(sql, query);
    }
    it.value()->finish();
    return *it.value();
}

Status SandboxCopy::run(const char *sql, const QVariantList &values, const QString &what)
{
    QSqlQuery &q = prepared(sql);
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values[i]);
    if (!q.exec())
        return sqlError(q, what, m_sandbox.path());
    q.finish();
    return {};
}

Status SandboxCopy::attachProduction(const QString &productionPath)
{
    m_productionPath = QFileInfo(productionPath).absoluteFilePath();
    // A "file:" name is read as a URI (and mode=ro honoured) only when this SQLite
    // interprets URIs everywhere; otherwise ATTACH would create a file of that name.
    {
        auto q = runQuery(m_sandbox, QStringLiteral("SELECT sqlite_compileoption_used('USE_URI')"));
        if (!q || !q.value().next() || q.value().value(0).toInt() != 1)
            return Error{QStringLiteral("this build's SQLite cannot open production read-only (no URI file names)"),
                         m_productionPath};
    }
    const QString uri = QUrl::fromLocalFile(m_productionPath).toString(QUrl::FullyEncoded) + QStringLiteral("?mode=ro");
    {
        QSqlQuery q(m_sandbox.database());
        if (!q.prepare(QStringLiteral("ATTACH DATABASE ? AS production")))
            return sqlError(q, QStringLiteral("cannot open production"), m_productionPath);
        q.addBindValue(uri);
        if (!q.exec())
            return sqlError(q, QStringLiteral("cannot open production"), m_productionPath);
    }
    m_attached = true;
    sqlite3 *db = handleOf(m_sandbox);
    if (!db || sqlite3_db_readonly(db, "production") != 1) {
        close();
        return Error{QStringLiteral("production could not be opened read-only; nothing was copied"), m_productionPath};
    }
    return {};
}

Status SandboxCopy::begin()
{
    // Deferred: the sandbox file is private until renamed, and production (read-only)
    // takes only a read snapshot, at the first read, held until the commit.
    if (Status s = m_sandbox.exec(QStringLiteral("BEGIN")); !s)
        return s;
    m_inTransaction = true;
    // The catalogue's categories point at their parents: checked at the commit.
    return m_sandbox.exec(QStringLiteral("PRAGMA defer_foreign_keys = ON"));
}

Result<std::vector<qint64>> SandboxCopy::productionCustomerIds()
{
    QSqlQuery &q = prepared("SELECT id FROM production.customers ORDER BY id");
    if (!q.exec())
        return sqlError(q, QStringLiteral("reading production's customers"), m_productionPath);
    std::vector<qint64> ids;
    while (q.next())
        ids.push_back(q.value(0).toLongLong());
    if (q.lastError().isValid())
        return sqlError(q, QStringLiteral("reading production's customers"), m_productionPath);
    q.finish();
    return ids;
}

Status SandboxCopy::setSample(const std::vector<qint64> &ids)
{
    if (Status s = m_sandbox.exec(QStringLiteral("CREATE TEMP TABLE sandbox_sample(id INTEGER PRIMARY KEY)")); !s)
        return s;
    QSqlQuery &q = prepared("INSERT INTO temp.sandbox_sample(id) VALUES (?)");
    for (qint64 id : ids) {
        q.bindValue(0, id);
        if (!q.exec())
            return sqlError(q, QStringLiteral("recording the sample"), m_sandbox.path());
    }
    q.finish();
    return {};
}

Status SandboxCopy::copySettings()
{
    return run("INSERT INTO main.workspace_meta(key, value) SELECT key, value FROM production.workspace_meta "
               "WHERE key IN ('code_case', 'stacking_rules') "
               "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               {}, QStringLiteral("copying the workspace settings"));
}

Status SandboxCopy::copyDefinitions()
{
    if (Status s = run("INSERT INTO main.categories(id, name, parent_id) "
                       "SELECT id, name, parent_id FROM production.categories",
                       {}, QStringLiteral("copying the categories"));
        !s)
        return s;
    if (Status s = run("INSERT INTO main.products(id, source_id, name, category_id, price, metadata, created_at) "
                       "SELECT id, source_id, name, category_id, price, metadata, created_at FROM production.products",
                       {}, QStringLiteral("copying the products"));
        !s)
        return s;
    if (Status s = run("INSERT INTO main.skus(id, source_id, product_id, sku, price, metadata, created_at) "
                       "SELECT id, source_id, product_id, sku, price, metadata, created_at FROM production.skus",
                       {}, QStringLiteral("copying the SKUs"));
        !s)
        return s;
    // Definitions only: sizes are recounted over the sample, the size history starts anew.
    if (Status s = run("INSERT INTO main.segments(id, name, type, rule, created_at, updated_at, description, timezone, "
                       "size, refreshed_at) "
                       "SELECT id, name, type, rule, created_at, updated_at, description, timezone, 0, refreshed_at "
                       "FROM production.segments",
                       {}, QStringLiteral("copying the segments"));
        !s)
        return s;
    return run("INSERT INTO main.campaigns(id, name, campaign_type, status, category, timezone, start_date, "
               "expiration_date, definition, created_at, updated_at, priority) "
               "SELECT id, name, campaign_type, status, category, timezone, start_date, expiration_date, definition, "
               "created_at, updated_at, priority FROM production.campaigns",
               {}, QStringLiteral("copying the campaigns"));
}

// A code as it was before any redemption: nothing redeemed, a gift card's whole balance.
#define UNREDEEMED_CODE_COLUMNS                                                                                  \
    "k.id, k.code, k.campaign_id, k.customer_id, k.status, k.redemption_quantity, 0, "                           \
    "CASE WHEN k.gift_balance IS NULL THEN NULL "                                                                \
    "ELSE ifnull(json_extract(c.definition, '$.gift.amount'), k.gift_balance) END, k.created_at, k.published_at "

Status SandboxCopy::copyCustomers(qint64 fromId, qint64 toId)
{
    const QVariantList range{fromId, toId};
    // Anonymised (sandbox/sandbox.h): the id stays (cust_N keeps meaning the same
    // person inside the sandbox); what names or reaches the person goes. A postal code
    // keeps its district, the part before the space (or its first three characters).
    if (Status s = run(
            "INSERT INTO main.customers(id, source_id, name, email, phone, birthdate, address_city, address_country, "
            "address_postal_code, loyalty_tier, tags, metadata, consent_email, consent_sms, consent_push, "
            "consents_updated_at, created_at, updated_at, orders_count, total_spent, last_order_at) "
            "SELECT c.id, 'sbx-' || c.id, 'Customer ' || c.id, "
            "CASE WHEN ifnull(c.email, '') = '' THEN NULL ELSE 'customer-' || c.id || '@example.invalid' END, "
            "NULL, c.birthdate, c.address_city, c.address_country, "
            "CASE WHEN c.address_postal_code IS NULL THEN NULL "
            "WHEN instr(trim(c.address_postal_code), ' ') > 0 "
            "THEN substr(trim(c.address_postal_code), 1, instr(trim(c.address_postal_code), ' ') - 1) "
            "ELSE substr(trim(c.address_postal_code), 1, 3) END, "
            "c.loyalty_tier, c.tags, c.metadata, c.consent_email, c.consent_sms, c.consent_push, "
            "c.consents_updated_at, c.created_at, c.updated_at, c.orders_count, c.total_spent, c.last_order_at "
            "FROM temp.sandbox_sample s JOIN production.customers c ON c.id = s.id WHERE s.id BETWEEN ?1 AND ?2",
            range, QStringLiteral("copying customers"));
        !s)
        return s;
    if (Status s = run("INSERT INTO main.orders(id, source_id, customer_id, status, amount, discount_amount, "
                       "items_count, channel, metadata, created_at) "
                       "SELECT o.id, o.source_id, o.customer_id, o.status, o.amount, o.discount_amount, o.items_count, "
                       "o.channel, o.metadata, o.created_at "
                       "FROM temp.sandbox_sample s JOIN production.orders o ON o.customer_id = s.id "
                       "WHERE s.id BETWEEN ?1 AND ?2",
                       range, QStringLiteral("copying orders"));
        !s)
        return s;
    if (Status s = run("INSERT INTO main.order_items(order_id, line_no, sku_id, product_id, quantity, price, amount) "
                       "SELECT i.order_id, i.line_no, i.sku_id, i.product_id, i.quantity, i.price, i.amount "
                       "FROM temp.sandbox_sample s JOIN production.orders o ON o.customer_id = s.id "
                       "JOIN production.order_items i ON i.order_id = o.id WHERE s.id BETWEEN ?1 AND ?2",
                       range, QStringLiteral("copying order items"));
        !s)
        return s;
    if (Status s = run("INSERT INTO main.customer_events(id, customer_id, type, created_at, metadata) "
                       "SELECT e.id, e.customer_id, e.type, e.created_at, e.metadata "
                       "FROM temp.sandbox_sample s JOIN production.customer_events e ON e.customer_id = s.id "
                       "WHERE s.id BETWEEN ?1 AND ?2",
                       range, QStringLiteral("copying customer events"));
        !s)
        return s;
    if (Status s = run("INSERT INTO main.segment_members(segment_id, customer_id, entered_at, left_at) "
                       "SELECT m.segment_id, m.customer_id, m.entered_at, m.left_at "
                       "FROM temp.sandbox_sample s JOIN production.segment_members m ON m.customer_id = s.id "
                       "WHERE s.id BETWEEN ?1 AND ?2",
                       range, QStringLiteral("copying segment members"));
        !s)
        return s;
    return run("INSERT INTO main.codes(id, code, campaign_id, customer_id, status, redemption_quantity, "
               "redeemed_quantity, gift_balance, created_at, published_at) "
               "SELECT " UNREDEEMED_CODE_COLUMNS
               "FROM temp.sandbox_sample s JOIN production.codes k ON k.customer_id = s.id "
               "JOIN production.campaigns c ON c.id = k.campaign_id WHERE s.id BETWEEN ?1 AND ?2",
               range, QStringLiteral("copying the customers' codes"));
}

Status SandboxCopy::copyUnpublishedCodes(qint64 perCampaign)
{
    QStringList campaigns;
    {
        QSqlQuery &q = prepared("SELECT id FROM main.campaigns ORDER BY id");
        if (!q.exec())
            return sqlError(q, QStringLiteral("listing campaigns"), m_sandbox.path());
        while (q.next())
            campaigns << q.value(0).toString();
        q.finish();
    }
    for (const QString &campaign : std::as_const(campaigns)) {
        // codes_unpublished (campaign_id, id) WHERE customer_id IS NULL serves the limit.
        if (Status s = run("INSERT INTO main.codes(id, code, campaign_id, customer_id, status, redemption_quantity, "
                           "redeemed_quantity, gift_balance, created_at, published_at) "
                           "SELECT " UNREDEEMED_CODE_COLUMNS
                           "FROM production.codes k JOIN production.campaigns c ON c.id = k.campaign_id "
                           "WHERE k.campaign_id = ?1 AND k.customer_id IS NULL ORDER BY k.id LIMIT ?2",
                           {campaign, perCampaign}, QStringLiteral("copying unpublished codes of %1").arg(campaign));
            !s)
            return s;
    }
    return {};
}

#undef UNREDEEMED_CODE_COLUMNS

Status SandboxCopy::recountSegments()
{
    return run("UPDATE main.segments SET size = (SELECT count(*) FROM main.segment_members m "
               "WHERE m.segment_id = segments.id AND m.left_at IS NULL)",
               {}, QStringLiteral("counting segment members"));
}

Status SandboxCopy::commit()
{
    m_statements.clear();
    if (Status s = m_sandbox.exec(QStringLiteral("DROP TABLE IF EXISTS temp.sandbox_sample")); !s)
        return s;
    if (Status s = m_sandbox.commit(); !s)
        return s;
    m_inTransaction = false;
    close();
    return {};
}

Status checkpoint(Connection &connection)
{
    QSqlQuery q(connection.database());
    // Busy (a reader still in the log) comes back as the first column, not as an error.
    if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) || !q.next())
        return Error{QStringLiteral("folding the write-ahead log into the file: %1").arg(q.lastError().text()), connection.path()};
    if (q.value(0).toInt() != 0)
        return Error{QStringLiteral("folding the write-ahead log into the file: the file is busy"), connection.path()};
    return {};
}

} // namespace PromoDesk::Store
