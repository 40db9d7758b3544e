#include "redemptionlist.h"

#include "connection.h"
#include "rawstatement.h"
#include "sqlutil.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QtConcurrent/QtConcurrentRun>

namespace PromoDesk::Store {

QString RedemptionRow::publicId() const
{
    return Ids::make(Ids::Redemption, id);
}

RedemptionOutcome RedemptionRow::outcome() const
{
    if (isRollback)
        return RedemptionOutcome::Rollbacks;
    if (result == QLatin1String("SUCCESS"))
        return RedemptionOutcome::Succeeded;
    if (result == QLatin1String("FAILURE"))
        return RedemptionOutcome::Failed;
    return RedemptionOutcome::RolledBack;
}

QString RedemptionRow::outcomeLabel() const
{
    switch (outcome()) {
    case RedemptionOutcome::Rollbacks: return QCoreApplication::translate("RedemptionList", "Rollback");
    case RedemptionOutcome::Succeeded: return QCoreApplication::translate("RedemptionList", "Succeeded");
    case RedemptionOutcome::Failed: return QCoreApplication::translate("RedemptionList", "Failed");
    case RedemptionOutcome::RolledBack:
    case RedemptionOutcome::Any: break;
    }
    return QCoreApplication::translate("RedemptionList", "Rolled back");
}

namespace {

// Filters only use columns of `redemptions r`; SQLite (3.40) still runs a LEFT JOIN it
// does not need, so counts and totals read the table alone (4.4 s -> 0.3 s on a million).
const QString Table = QStringLiteral("redemptions r");
// Sorts by campaign, customer or code, and the rows themselves, need the joins.
const QString From = QStringLiteral(
    "redemptions r LEFT JOIN campaigns c ON c.id = r.campaign_id LEFT JOIN codes k ON k.id = r.code_id "
    "LEFT JOIN customers cu ON cu.id = r.customer_id");

// The promotion tier's name, from the campaign's definition (only for rows with a tier).
const QString TierName = QStringLiteral(
    "CASE WHEN r.tier_id IS NULL THEN NULL ELSE (SELECT json_extract(t.value, '$.name') FROM "
    "json_each(c.definition, '$.tiers') t WHERE json_extract(t.value, '$.id') = r.tier_id) END");

const QString OutcomeLabel = QStringLiteral(
    "CASE WHEN r.object = 'redemption_rollback' THEN 'Rollback' WHEN r.result = 'SUCCESS' THEN 'Succeeded' "
    "WHEN r.result = 'FAILURE' THEN 'Failed' ELSE 'Rolled back' END");

// Sort expressions come from this fixed table, never from input.
QString sortExpression(RedemptionSort sort)
{
    switch (sort) {
    case RedemptionSort::Date: return QStringLiteral("r.created_at");
    case RedemptionSort::Code: return QStringLiteral("coalesce(k.code, r.tier_id)");
    case RedemptionSort::Campaign: return QStringLiteral("c.name");
    case RedemptionSort::Customer: return QStringLiteral("cu.name");
    case RedemptionSort::Order: return QStringLiteral("r.order_source_id");
    case RedemptionSort::OrderAmount: return QStringLiteral("r.order_amount");
    case RedemptionSort::Discount: return QStringLiteral("r.discount_amount");
    case RedemptionSort::Result: return OutcomeLabel;
    case RedemptionSort::FailureCode: return QStringLiteral("r.failure_code");
    case RedemptionSort::Channel: return QStringLiteral("r.channel");
    case RedemptionSort::Id: return QStringLiteral("r.id");
    }
    return QStringLiteral("r.created_at");
}

bool needsJoins(const RedemptionOrder &order)
{
    return order.column == RedemptionSort::Code || order.column == RedemptionSort::Campaign
           || order.column == RedemptionSort::Customer;
}

QString orderBy(const RedemptionOrder &order)
{
    const QString direction = order.descending ? QStringLiteral(" DESC") : QString();
    if (order.column == RedemptionSort::Id)
        return QStringLiteral("r.id") + direction;
    return sortExpression(order.column) + direction + QStringLiteral(", r.id") + direction;
}

std::optional<qint64> firstInteger(Connection &connection, const QString &sql, const QVariantList &values, Error *error)
{
    auto q = runQuery(connection, sql, values);
    if (!q) {
        *error = q.error();
        return std::nullopt;
    }
    if (!q.value().next())
        return std::nullopt;
    return q.value().value(0).toLongLong();
}

} // namespace

struct RedemptionList::Sql
{
    QString where;
    QVariantList values;
    QString orderBy;
};

RedemptionList::RedemptionList(Connection &connection) : m_connection(connection) {}

Result<RedemptionList::Sql> RedemptionList::compile(const RedemptionFilter &filter, const RedemptionOrder *order)
{
    Sql sql;
    QStringList where;
    auto add = [&](const QString &condition, const QVariant &value) {
        where << condition;
        sql.values << value;
    };
    if (filter.from)
        add(QStringLiteral("r.created_at >= ?"), *filter.from);
    if (filter.to)
        add(QStringLiteral("r.created_at < ?"), *filter.to);
    if (filter.from && filter.to && *filter.to <= *filter.from)
        return Error{QStringLiteral("the date range ends before it starts"), QStringLiteral("to")};
    Error error;
    if (const QString campaign = filter.campaignId.trimmed(); !campaign.isEmpty()) {
        auto q = runQuery(m_connection, QStringLiteral("SELECT id FROM campaigns WHERE id = ? OR name = ? ORDER BY id = ? DESC"),
                          {campaign, campaign, campaign});
        if (!q)
            return q.error();
        if (!q.value().next())
            return Error{QStringLiteral("no campaign \"%1\"").arg(campaign), QStringLiteral("campaign")};
        add(QStringLiteral("r.campaign_id = ?"), q.value().value(0).toString());
    }
    switch (filter.outcome) {
    case RedemptionOutcome::Any: break;
    case RedemptionOutcome::Succeeded: where << QStringLiteral("r.result = 'SUCCESS' AND r.object = 'redemption'"); break;
    case RedemptionOutcome::Failed: where << QStringLiteral("r.result = 'FAILURE'"); break;
    case RedemptionOutcome::RolledBack: where << QStringLiteral("r.result = 'ROLLED_BACK'"); break;
    case RedemptionOutcome::Rollbacks: where << QStringLiteral("r.object = 'redemption_rollback'"); break;
    }
    if (const QString code = filter.failureCode.trimmed(); !code.isEmpty())
        add(QStringLiteral("r.failure_code = ?"), code);
    if (const QString channel = filter.channel.trimmed(); !channel.isEmpty())
        add(QStringLiteral("r.channel = ?"), channel);
    if (const QString customer = filter.customer.trimmed(); !customer.isEmpty()) {
        std::optional<qint64> key = Ids::parse(Ids::Customer, customer);
        if (key && !firstInteger(m_connection, QStringLiteral("SELECT id FROM customers WHERE id = ?"), {*key}, &error))
            key.reset();
        if (!key)
            key = firstInteger(m_connection, QStringLiteral("SELECT id FROM customers WHERE source_id = ?"), {customer}, &error);
        if (!key)
            key = firstInteger(m_connection, QStringLiteral("SELECT id FROM customers WHERE email = ? ORDER BY id LIMIT 1"),
                               {customer}, &error);
        if (!error.message.isEmpty())
            return error;
        if (!key)
            return Error{QStringLiteral("no customer with the id, source id or email \"%1\"").arg(customer),
                         QStringLiteral("customer")};
        add(QStringLiteral("r.customer_id = ?"), *key);
    }
    if (const QString code = filter.code.trimmed(); !code.isEmpty()) {
        auto key = firstInteger(m_connection, QStringLiteral("SELECT id FROM codes WHERE code = ?"), {code}, &error);
        if (!key && error.message.isEmpty())
            key = firstInteger(m_connection, QStringLiteral("SELECT id FROM codes WHERE code = ?"), {code.toUpper()}, &error);
        if (!error.message.isEmpty())
            return error;
        if (!key)
            return Error{QStringLiteral("no code \"%1\"").arg(code), QStringLiteral("code")};
        add(QStringLiteral("r.code_id = ?"), *key);
    }
    sql.where = where.join(QStringLiteral(" AND "));
    if (order)
        sql.orderBy = orderBy(*order);
    return sql;
}

Result<RedemptionSnapshot> RedemptionList::snapshot(const RedemptionFilter &filter, const RedemptionOrder &order,
                                                    const std::atomic_bool *cancelled)
{
    auto sql = compile(filter, &order);
    if (!sql)
        return sql.error();
    // The ids and the newest id from one read snapshot.
    return reading<RedemptionSnapshot>(m_connection, [&]() -> Result<RedemptionSnapshot> {
        RedemptionSnapshot snapshot;
        {
            auto newest = RawStatement::prepare(m_connection, QStringLiteral("SELECT ifnull(max(id), 0) FROM redemptions"));
            if (!newest)
                return newest.error();
            if (newest.value().next())
                snapshot.maxId = newest.value().integer(0);
        }
        const QString where = sql.value().where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + sql.value().where;
        auto q = RawStatement::prepare(
            m_connection,
            QStringLiteral("SELECT r.id FROM %1%2 ORDER BY %3").arg(needsJoins(order) ? From : Table, where, sql.value().orderBy),
            sql.value().values);
        if (!q)
            return q.error();
        RawStatement &s = q.value();
        while (s.next()) {
            snapshot.ids.push_back(s.integer(0));
            if ((snapshot.ids.size() & 4095) == 0 && cancelled && cancelled->load())
                return Error{QStringLiteral("cancelled"), QStringLiteral("redemptions")};
        }
        if (s.hasError())
            return s.error();
        return snapshot;
    });
}

Result<RedemptionTotals> RedemptionList::totals(const RedemptionFilter &filter)
{
    auto sql = compile(filter, nullptr);
    if (!sql)
        return sql.error();
    const QString where = sql.value().where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + sql.value().where;
    auto q = RawStatement::prepare(
        m_connection,
        QStringLiteral("SELECT count(*), "
                       "ifnull(sum(r.object = 'redemption' AND r.result = 'SUCCESS'), 0), "
                       "ifnull(sum(r.object = 'redemption' AND r.result = 'FAILURE'), 0), "
                       "ifnull(sum(r.object = 'redemption' AND r.result = 'ROLLED_BACK'), 0), "
                       "ifnull(sum(r.object = 'redemption_rollback'), 0), "
                       "ifnull(sum(CASE WHEN r.object = 'redemption' AND r.result = 'SUCCESS' THEN r.discount_amount END), 0), "
                       "ifnull(sum(CASE WHEN r.object = 'redemption' THEN r.order_amount END), 0) FROM %1%2")
            .arg(Table, where),
        sql.value().values);
    if (!q)
        return q.error();
    if (!q.value().next())
        return q.value().hasError() ? q.value().error() : Error{QStringLiteral("no totals"), QStringLiteral("redemptions")};
    RedemptionTotals t;
    t.rows = q.value().integer(0);
    t.succeeded = q.value().integer(1);
    t.failed = q.value().integer(2);
    t.rolledBack = q.value().integer(3);
    t.rollbacks = q.value().integer(4);
    t.discountGiven = q.value().integer(5);
    t.orderAmount = q.value().integer(6);
    return t;
}

Result<QList<RedemptionRow>> RedemptionList::rows(const QList<qint64> &ids)
{
    QList<RedemptionRow> rows;
    if (ids.isEmpty())
        return rows;
    QVariantList values;
    values.reserve(ids.size());
    for (qint64 id : ids)
        values << id;
    QString marks = QStringLiteral("?");
    marks += QStringLiteral(",?").repeated(ids.size() - 1);
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT r.id, r.created_at, r.object = 'redemption_rollback', r.result, r.campaign_id, c.name, "
                                     "k.code, r.tier_id, %1, r.customer_id, cu.source_id, cu.name, r.order_source_id, "
                                     "r.order_amount, r.discount_amount, r.gift_amount, r.failure_code, r.failure_message, "
                                     "r.channel, r.rollback_of, r.reason FROM %2 WHERE r.id IN (%3)")
                          .arg(TierName, From, marks),
                      values);
    if (!q)
        return q.error();
    QHash<qint64, RedemptionRow> byId;
    QSqlQuery &s = q.value();
    auto optional = [&](int column) -> std::optional<qint64> {
        if (s.value(column).isNull())
            return std::nullopt;
        return s.value(column).toLongLong();
    };
    while (s.next()) {
        RedemptionRow row;
        row.id = s.value(0).toLongLong();
        row.createdAt = s.value(1).toLongLong();
        row.isRollback = s.value(2).toBool();
        row.result = s.value(3).toString();
        row.campaignId = s.value(4).toString();
        row.campaignName = s.value(5).toString();
        row.code = s.value(6).toString();
        row.tierId = s.value(7).toString();
        row.tierName = s.value(8).toString();
        row.customerKey = optional(9);
        row.customerSourceId = s.value(10).toString();
        row.customerName = s.value(11).toString();
        row.orderSourceId = s.value(12).toString();
        row.orderAmount = optional(13);
        row.discountAmount = s.value(14).toLongLong();
        row.giftAmount = s.value(15).toLongLong();
        row.failureCode = s.value(16).toString();
        row.failureMessage = s.value(17).toString();
        row.channel = s.value(18).toString();
        row.rollbackOf = optional(19);
        row.reason = s.value(20).toString();
        byId.insert(row.id, row);
    }
    rows.reserve(ids.size());
    for (qint64 id : ids) {
        if (auto it = byId.constFind(id); it != byId.constEnd())
            rows.append(*it);
    }
    return rows;
}

Result<qint64> RedemptionList::countNewer(const RedemptionFilter &filter, qint64 afterId)
{
    auto sql = compile(filter, nullptr);
    if (!sql)
        return sql.error();
    QString where = QStringLiteral("r.id > ?");
    if (!sql.value().where.isEmpty())
        where += QStringLiteral(" AND ") + sql.value().where;
    auto q = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM %1 WHERE %2").arg(Table, where),
                      QVariantList{afterId} + sql.value().values);
    if (!q)
        return q.error();
    return q.value().next() ? q.value().value(0).toLongLong() : 0;
}

Result<RedemptionFilterChoices> RedemptionList::choices()
{
    RedemptionFilterChoices choices;
    // DISTINCT over a column without an index is one pass over the table (~0.2 s on a
    // million rows); the loader runs it once per workspace, off the UI thread.
    auto failures = runQuery(m_connection, QStringLiteral("SELECT DISTINCT failure_code FROM redemptions "
                                                          "WHERE failure_code IS NOT NULL ORDER BY 1"));
    if (!failures)
        return failures.error();
    while (failures.value().next())
        choices.failureCodes << failures.value().value(0).toString();
    auto channels = runQuery(m_connection,
                             QStringLiteral("SELECT DISTINCT channel FROM redemptions WHERE channel IS NOT NULL ORDER BY 1"));
    if (!channels)
        return channels.error();
    while (channels.value().next())
        choices.channels << channels.value().value(0).toString();
    auto campaigns = runQuery(m_connection, QStringLiteral("SELECT id, name FROM campaigns ORDER BY name"));
    if (!campaigns)
        return campaigns.error();
    while (campaigns.value().next())
        choices.campaigns.append({campaigns.value().value(0).toString(), campaigns.value().value(1).toString()});
    return choices;
}

ExportList redemptionColumns()
{
    auto col = [](const char *name, QString sql, CellKind kind, const char *description, bool byDefault = true,
                  const char *prefix = nullptr) {
        return ExportColumn{QString::fromLatin1(name), std::move(sql), kind, QString::fromUtf8(description), byDefault, prefix};
    };
    auto s = [](const char *sql) { return QString::fromLatin1(sql); };
    ExportList list;
    list.name = QStringLiteral("redemptions");
    list.columns = {
        col("id", s("r.id"), CellKind::Id, "PromoDesk's id (red_…)", true, Ids::Redemption),
        col("object", s("r.object"), CellKind::Text, "redemption or redemption_rollback"),
        col("date", s("r.created_at"), CellKind::Timestamp, "when it happened (ISO-8601, UTC)"),
        col("campaign_id", s("r.campaign_id"), CellKind::Text, "campaign id", false),
        col("campaign_name", s("c.name"), CellKind::Text, "campaign name"),
        col("voucher_code", s("k.code"), CellKind::Text, "the code redeemed"),
        col("promotion_tier_id", s("r.tier_id"), CellKind::Text, "the promotion tier applied", false),
        col("promotion_tier_name", TierName, CellKind::Text, "the promotion tier's name"),
        col("customer_id", s("r.customer_id"), CellKind::Id, "PromoDesk's customer id (cust_…)", true, Ids::Customer),
        col("customer_source_id", s("cu.source_id"), CellKind::Text, "the customer's id in the shop"),
        col("customer_name", s("cu.name"), CellKind::Text, "the customer's name"),
        col("customer_email", s("cu.email"), CellKind::Text, "the customer's email", false),
        col("order_source_id", s("r.order_source_id"), CellKind::Text, "the order's id in the shop"),
        col("order_amount", s("r.order_amount"), CellKind::Money, "order value before discount"),
        col("discount_amount", s("r.discount_amount"), CellKind::Money,
            "discount given (for a rollback: the discount returned)"),
        col("gift_amount", s("r.gift_amount"), CellKind::Money, "gift card credit used", false),
        col("currency", QString(), CellKind::Currency, "currency of the money columns"),
        col("result", s("r.result"), CellKind::Text, "SUCCESS, FAILURE or ROLLED_BACK"),
        col("status", OutcomeLabel, CellKind::Text, "Succeeded, Failed, Rolled back or Rollback, as on screen"),
        col("failure_code", s("r.failure_code"), CellKind::Text, "why it failed (a key)"),
        col("failure_message", s("r.failure_message"), CellKind::Text, "why it failed (for people)"),
        col("channel", s("r.channel"), CellKind::Text, "web, store, app…"),
        col("redemption", s("r.rollback_of"), CellKind::Id, "for a rollback: the redemption it undid", true,
            Ids::Redemption),
        col("reason", s("r.reason"), CellKind::Text, "for a rollback: why"),
    };
    list.from = From;
    list.countFrom = Table; // filters use redemptions' own columns only
    return list;
}

Result<ExportList> RedemptionList::exportList(const RedemptionFilter &filter, const RedemptionOrder &order)
{
    auto sql = compile(filter, &order);
    if (!sql)
        return sql.error();
    ExportList list = redemptionColumns();
    list.where = sql.value().where;
    list.bindings = sql.value().values;
    list.orderBy = sql.value().orderBy;
    return list;
}

namespace RedemptionTasks {

QFuture<Result<qint64>> rollback(const QString &path, qint64 redemptionId, const QString &reason)
{
    return QtConcurrent::run([=]() -> Result<qint64> {
        auto connection = Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        auto done = Engine::CampaignEngine(*connection.value()).rollback(redemptionId, reason);
        if (!done)
            return done.error();
        return done.value().rollbackId;
    });
}

QFuture<Result<RedemptionFilterChoices>> choices(const QString &path)
{
    return QtConcurrent::run([path]() -> Result<RedemptionFilterChoices> {
        auto connection = Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        return RedemptionList(*connection.value()).choices();
    });
}

} // namespace RedemptionTasks

} // namespace PromoDesk::Store
