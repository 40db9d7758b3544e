#include "store/segmentstore.h"

#include "common/csv.h"
#include "common/ids.h"
#include "rules/json.h"
#include "rules/sqlcompiler.h"
#include "rules/syntax.h"
#include "store/connection.h"
#include "store/sqlutil.h"
#include "store/workspace.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>


namespace PromoDesk::Store {

namespace {

const QString Columns = QStringLiteral("id, name, description, type, rule, timezone, size, created_at, updated_at, refreshed_at");

Result<Segment> readSegment(const QSqlQuery &q)
{
    Segment s;
    s.id = q.value(0).toString();
    s.name = q.value(1).toString();
    s.description = q.value(2).toString();
    s.type = segmentTypeFromKey(q.value(3).toString()).value_or(SegmentType::Passive);
    if (!q.value(4).isNull()) {
        auto rule = Rules::fromJson(QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object());
        if (!rule)
            return Error{QStringLiteral("the stored rule of %1 cannot be read: %2").arg(s.id, rule.error().toString()),
                         QStringLiteral("segments")};
        s.rule = rule.value();
    }
    s.timezone = q.value(5).toString();
    s.size = q.value(6).toLongLong();
    s.createdAt = q.value(7).toLongLong();
    s.updatedAt = q.value(8).toLongLong();
    if (!q.value(9).isNull())
        s.refreshedAt = q.value(9).toLongLong();
    return s;
}

QJsonObject segmentJson(const Segment &s)
{
    QJsonObject o{{QStringLiteral("id"), s.id},
                  {QStringLiteral("name"), s.name},
                  {QStringLiteral("type"), segmentTypeKey(s.type)},
                  {QStringLiteral("timezone"), s.timezone}};
    if (!s.description.isEmpty())
        o.insert(QStringLiteral("description"), s.description);
    if (s.rule)
        o.insert(QStringLiteral("rule"), Rules::print(*s.rule));
    return o;
}

Result<Rules::CompiledRule> compile(const Segment &segment, qint64 now)
{
    if (!segment.rule)
        return Error{QStringLiteral("a %1 segment needs a rule").arg(segmentTypeKey(segment.type)), QStringLiteral("rule")};
    const QTimeZone zone = segment.zone();
    if (!zone.isValid())
        return Error{QStringLiteral("%1 is not a known IANA time zone").arg(segment.timezone), QStringLiteral("timezone")};
    auto compiled = Rules::compileCustomerRule(*segment.rule, now, zone);
    if (!compiled) {
        Error error = compiled.error();
        error.where = QStringLiteral("rule");
        return error;
    }
    return compiled;
}

Status fillTemp(Connection &connection, const QString &table, const QList<qint64> &ids)
{
    if (Status s = connection.exec(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS %1(id INTEGER PRIMARY KEY)").arg(table)); !s)
        return s;
    if (Status s = connection.exec(QStringLiteral("DELETE FROM %1").arg(table)); !s)
        return s;
    QSqlQuery insert(connection.database());
    if (!insert.prepare(QStringLiteral("INSERT OR IGNORE INTO %1(id) VALUES (?)").arg(table)))
        return Error{insert.lastError().text(), table};
    for (qint64 id : ids) {
        insert.bindValue(0, id);
        if (!insert.exec())
            return Error{insert.lastError().text(), table};
    }
    return {};
}

} // namespace

QString segmentTypeKey(SegmentType type)
{
    switch (type) {
    case SegmentType::Static: return QStringLiteral("static");
    case SegmentType::AutoUpdate: return QStringLiteral("auto-update");
    case SegmentType::Passive: return QStringLiteral("passive");
    }
    return {};
}

std::optional<SegmentType> segmentTypeFromKey(const QString &key)
{
    for (SegmentType t : {SegmentType::Static, SegmentType::AutoUpdate, SegmentType::Passive})
        if (segmentTypeKey(t) == key)
            return t;
    return std::nullopt;
}

SegmentStore::SegmentStore(Connection &connection) : m_connection(connection) {}

Result<QList<Segment>> SegmentStore::list()
{
    auto q = runQuery(m_connection, QStringLiteral("SELECT %1 FROM segments ORDER BY name COLLATE NOCASE, id").arg(Columns));
    if (!q)
        return q.error();
    QList<Segment> out;
    while (q.value().next()) {
        auto s = readSegment(q.value());
        if (!s)
            return s.error();
        out.append(s.value());
    }
    return out;
}

Result<std::optional<Segment>> SegmentStore::load(const QString &id)
{
    auto q = runQuery(m_connection, QStringLiteral("SELECT %1 FROM segments WHERE id = ?").arg(Columns), {id});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<Segment>();
    auto s = readSegment(q.value());
    if (!s)
        return s.error();
    return std::optional<Segment>(s.value());
}

Result<Segment> SegmentStore::save(Segment segment, const QString &actor, qint64 now)
{
    segment.name = segment.name.trimmed();
    if (segment.name.isEmpty())
        return Error{QStringLiteral("a segment needs a name"), QStringLiteral("name")};
    if (segment.type != SegmentType::Static || segment.rule) {
        // Compiled once here so that a rule a segment cannot use is refused before anything is written.
        if (auto compiled = compile(segment, now); !compiled)
            return compiled.error();
    }
    return writing<Segment>(m_connection, [&]() -> Result<Segment> {
        auto clash = runQuery(m_connection, QStringLiteral("SELECT id FROM segments WHERE name = ? COLLATE NOCASE AND id != ?"),
                          {segment.name, segment.id.isNull() ? QStringLiteral("") : segment.id});
        if (!clash)
            return clash.error();
        if (clash.value().next())
            return Error{QStringLiteral("another segment is already called “%1”").arg(segment.name), QStringLiteral("name")};

        std::optional<Segment> before;
        if (!segment.id.isEmpty()) {
            auto existing = load(segment.id);
            if (!existing)
                return existing.error();
            before = existing.value();
        } else {
            segment.id = QStringLiteral("seg_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
        }
        segment.createdAt = before ? before->createdAt : now;
        segment.updatedAt = now;
        segment.size = before ? before->size : 0;
        segment.refreshedAt = before ? before->refreshedAt : std::nullopt;
        const QVariant rule = segment.rule
                                  ? QVariant(QString::fromUtf8(QJsonDocument(Rules::toJson(*segment.rule)).toJson(QJsonDocument::Compact)))
                                  : QVariant(QMetaType::fromType<QString>());
        auto written = runQuery(m_connection,
                            QStringLiteral("INSERT INTO segments(id, name, description, type, rule, timezone, size, created_at, "
                                           "updated_at, refreshed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                           "ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description, "
                                           "type = excluded.type, rule = excluded.rule, timezone = excluded.timezone, "
                                           "updated_at = excluded.updated_at"),
                            {segment.id, segment.name, segment.description.isNull() ? QStringLiteral("") : segment.description,
                             segmentTypeKey(segment.type), rule,
                             segment.timezone, segment.size, segment.createdAt, segment.updatedAt,
                             segment.refreshedAt ? QVariant(*segment.refreshedAt) : QVariant(QMetaType::fromType<qint64>())});
        if (!written)
            return written.error();
        auto audited = runQuery(m_connection,
                            QStringLiteral("INSERT INTO audit_log(at, actor, entity_type, entity_id, action, before, after) "
                                           "VALUES (?, ?, 'segment', ?, ?, ?, ?)"),
                            {now, actor, segment.id, before ? QStringLiteral("update") : QStringLiteral("create"),
                             before ? QVariant(QString::fromUtf8(QJsonDocument(segmentJson(*before)).toJson(QJsonDocument::Compact)))
                                    : QVariant(QMetaType::fromType<QString>()),
                             QString::fromUtf8(QJsonDocument(segmentJson(segment)).toJson(QJsonDocument::Compact))});
        if (!audited)
            return audited.error();

        // A passive segment keeps no members: whoever was in it leaves now.
        if (segment.type == SegmentType::Passive && before && before->type != SegmentType::Passive) {
            auto left = runQuery(m_connection, QStringLiteral("UPDATE segment_members SET left_at = ? WHERE segment_id = ? AND left_at IS NULL"),
                             {now, segment.id});
            if (!left)
                return left.error();
        }
        const bool ruleChanged = !before || before->rule != segment.rule || before->type != segment.type
                                 || before->timezone != segment.timezone;
        if (segment.type != SegmentType::Static && ruleChanged) {
            auto change = evaluate(segment, nullptr, now);
            if (!change)
                return change.error();
            segment.size = change.value().size;
            segment.refreshedAt = now;
        }
        return segment;
    });
}

Status SegmentStore::remove(const QString &id, const QString &actor)
{
    auto done = writing<bool>(m_connection, [&]() -> Result<bool> {
        auto existing = load(id);
        if (!existing)
            return existing.error();
        if (!existing.value())
            return Error{QStringLiteral("no segment %1").arg(id), QStringLiteral("id")};
        auto audited = runQuery(m_connection,
                            QStringLiteral("INSERT INTO audit_log(at, actor, entity_type, entity_id, action, before) "
                                           "VALUES (?, ?, 'segment', ?, 'delete', ?)"),
                            {nowMs(), actor, id,
                             QString::fromUtf8(QJsonDocument(segmentJson(*existing.value())).toJson(QJsonDocument::Compact))});
        if (!audited)
            return audited.error();
        auto removed = runQuery(m_connection, QStringLiteral("DELETE FROM segments WHERE id = ?"), {id});
        if (!removed)
            return removed.error();
        return true;
    });
    if (!done)
        return done.error();
    return {};
}

Result<SegmentChange> SegmentStore::evaluate(const Segment &segment, const QList<qint64> *onlyCustomers, qint64 now)
{
    SegmentChange change;
    if (segment.type == SegmentType::Passive) {
        auto compiled = compile(segment, now);
        if (!compiled)
            return compiled.error();
        auto counted = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM customers c WHERE ") + compiled.value().where,
                            compiled.value().bindings);
        if (!counted || !counted.value().next())
            return counted ? Error{QStringLiteral("no count"), QStringLiteral("segments")} : counted.error();
        change.size = counted.value().value(0).toLongLong();
    } else if (segment.rule) {
        auto compiled = compile(segment, now);
        if (!compiled)
            return compiled.error();
        if (Status s = fillTemp(m_connection, QStringLiteral("temp.segment_match"), {}); !s)
            return s.error();
        QString scope;
        if (onlyCustomers) {
            if (Status s = fillTemp(m_connection, QStringLiteral("temp.segment_scope"), *onlyCustomers); !s)
                return s.error();
            scope = QStringLiteral(" AND customer_id IN (SELECT id FROM temp.segment_scope)");
        }
        auto matched = runQuery(m_connection,
                            QStringLiteral("INSERT INTO temp.segment_match(id) SELECT c.id FROM customers c WHERE ")
                                + (onlyCustomers ? QStringLiteral("c.id IN (SELECT id FROM temp.segment_scope) AND ") : QString())
                                + QStringLiteral("(") + compiled.value().where + QStringLiteral(")"),
                            compiled.value().bindings);
        if (!matched)
            return matched.error();
        // Whoever matches and is not in enters; a stay that began at this very moment
        // (left and back within one instant) is reopened instead of duplicated.
        auto entered = runQuery(m_connection,
                            QStringLiteral("INSERT INTO segment_members(segment_id, customer_id, entered_at) "
                                           "SELECT ?, m.id, ? FROM temp.segment_match m WHERE NOT EXISTS ("
                                           "SELECT 1 FROM segment_members s WHERE s.segment_id = ? AND s.customer_id = m.id "
                                           "AND s.left_at IS NULL) "
                                           "ON CONFLICT(segment_id, customer_id, entered_at) DO UPDATE SET left_at = NULL"),
                            {segment.id, now, segment.id});
        if (!entered)
            return entered.error();
        change.entered = entered.value().numRowsAffected();
        auto left = runQuery(m_connection,
                         QStringLiteral("UPDATE segment_members SET left_at = ? WHERE segment_id = ? AND left_at IS NULL")
                             + scope + QStringLiteral(" AND customer_id NOT IN (SELECT id FROM temp.segment_match)"),
                         {now, segment.id});
        if (!left)
            return left.error();
        change.left = left.value().numRowsAffected();
    }
    if (segment.type != SegmentType::Passive) {
        auto size = runQuery(m_connection,
                         QStringLiteral("SELECT count(*) FROM segment_members WHERE segment_id = ? AND left_at IS NULL"),
                         {segment.id});
        if (!size || !size.value().next())
            return size ? Error{QStringLiteral("no count"), QStringLiteral("segments")} : size.error();
        change.size = size.value().value(0).toLongLong();
    }
    const bool full = onlyCustomers == nullptr;
    auto updated = full ? runQuery(m_connection, QStringLiteral("UPDATE segments SET size = ?, refreshed_at = ? WHERE id = ?"),
                               {change.size, now, segment.id})
                        : runQuery(m_connection, QStringLiteral("UPDATE segments SET size = ? WHERE id = ?"), {change.size, segment.id});
    if (!updated)
        return updated.error();
    if (full || change.entered || change.left) {
        if (Status s = recordSize(segment.id, change, now); !s)
            return s.error();
    }
    return change;
}

Status SegmentStore::recordSize(const QString &id, const SegmentChange &change, qint64 now)
{
    auto q = runQuery(m_connection,
                  QStringLiteral("INSERT INTO segment_sizes(segment_id, at, size, entered, left) VALUES (?, ?, ?, ?, ?) "
                                 "ON CONFLICT(segment_id, at) DO UPDATE SET size = excluded.size, "
                                 "entered = entered + excluded.entered, left = left + excluded.left"),
                  {id, now, change.size, change.entered, change.left});
    if (!q)
        return q.error();
    return {};
}

Result<SegmentChange> SegmentStore::refresh(const QString &id, qint64 now)
{
    return writing<SegmentChange>(m_connection, [&]() -> Result<SegmentChange> {
        auto segment = load(id);
        if (!segment)
            return segment.error();
        if (!segment.value())
            return Error{QStringLiteral("no segment %1").arg(id), QStringLiteral("id")};
        return evaluate(*segment.value(), nullptr, now);
    });
}

Result<SegmentChange> SegmentStore::changeMembers(const QString &id, const QList<qint64> &customerIds, bool add, qint64 now)
{
    return writing<SegmentChange>(m_connection, [&]() -> Result<SegmentChange> {
        auto segment = load(id);
        if (!segment)
            return segment.error();
        if (!segment.value())
            return Error{QStringLiteral("no segment %1").arg(id), QStringLiteral("id")};
        if (segment.value()->type != SegmentType::Static)
            return Error{QStringLiteral("only a static segment's members are chosen by hand; “%1” is %2")
                             .arg(segment.value()->name, segmentTypeKey(segment.value()->type)),
                         QStringLiteral("type")};
        if (Status s = fillTemp(m_connection, QStringLiteral("temp.segment_scope"), customerIds); !s)
            return s.error();
        auto unknown = runQuery(m_connection, QStringLiteral("SELECT min(id), count(*) FROM temp.segment_scope WHERE id NOT IN "
                                                         "(SELECT id FROM customers)"));
        if (!unknown || !unknown.value().next())
            return unknown ? Error{QStringLiteral("no count"), QStringLiteral("segments")} : unknown.error();
        if (unknown.value().value(1).toLongLong() > 0)
            return Error{QStringLiteral("%1 is not a customer of this workspace%2")
                             .arg(Ids::make(Ids::Customer, unknown.value().value(0).toLongLong()))
                             .arg(unknown.value().value(1).toLongLong() > 1
                                      ? QStringLiteral(" (nor are %1 more)").arg(unknown.value().value(1).toLongLong() - 1)
                                      : QString()),
                         QStringLiteral("customer_id")};
        SegmentChange change;
        if (add) {
            auto entered = runQuery(m_connection,
                                QStringLiteral("INSERT INTO segment_members(segment_id, customer_id, entered_at) "
                                               "SELECT ?, m.id, ? FROM temp.segment_scope m WHERE NOT EXISTS ("
                                               "SELECT 1 FROM segment_members s WHERE s.segment_id = ? AND s.customer_id = m.id "
                                               "AND s.left_at IS NULL) "
                                               "ON CONFLICT(segment_id, customer_id, entered_at) DO UPDATE SET left_at = NULL"),
                                {id, now, id});
            if (!entered)
                return entered.error();
            change.entered = entered.value().numRowsAffected();
        } else {
            auto left = runQuery(m_connection,
                             QStringLiteral("UPDATE segment_members SET left_at = ? WHERE segment_id = ? AND left_at IS NULL "
                                            "AND customer_id IN (SELECT id FROM temp.segment_scope)"),
                             {now, id});
            if (!left)
                return left.error();
            change.left = left.value().numRowsAffected();
        }
        auto size = runQuery(m_connection,
                         QStringLiteral("SELECT count(*) FROM segment_members WHERE segment_id = ? AND left_at IS NULL"), {id});
        if (!size || !size.value().next())
            return size ? Error{QStringLiteral("no count"), QStringLiteral("segments")} : size.error();
        change.size = size.value().value(0).toLongLong();
        auto updated = runQuery(m_connection, QStringLiteral("UPDATE segments SET size = ?, updated_at = ? WHERE id = ?"),
                            {change.size, now, id});
        if (!updated)
            return updated.error();
        if (Status s = recordSize(id, change, now); !s)
            return s.error();
        return change;
    });
}

Result<SegmentChange> SegmentStore::addMembers(const QString &id, const QList<qint64> &customerIds, qint64 now)
{
    return changeMembers(id, customerIds, true, now);
}

Result<SegmentChange> SegmentStore::removeMembers(const QString &id, const QList<qint64> &customerIds, qint64 now)
{
    return changeMembers(id, customerIds, false, now);
}

Result<QList<qint64>> SegmentStore::memberKeys(const QString &id, qint64 afterId, int limit)
{
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT customer_id FROM segment_members WHERE segment_id = ? AND left_at IS NULL "
                                 "AND customer_id > ? ORDER BY customer_id LIMIT ?"),
                  {id, afterId, limit});
    if (!q)
        return q.error();
    QList<qint64> keys;
    while (q.value().next())
        keys.append(q.value().value(0).toLongLong());
    return keys;
}

Result<QList<Membership>> SegmentStore::membershipsOf(qint64 customerKey)
{
    auto q = runQuery(m_connection,
                  QStringLiteral("SELECT m.segment_id, s.name, s.type, m.entered_at, m.left_at FROM segment_members m "
                                 "JOIN segments s ON s.id = m.segment_id WHERE m.customer_id = ? "
                                 "ORDER BY m.left_at IS NOT NULL, m.entered_at DESC"),
                  {customerKey});
    if (!q)
        return q.error();
    QList<Membership> out;
    while (q.value().next()) {
        Membership m;
        m.segmentId = q.value().value(0).toString();
        m.segmentName = q.value().value(1).toString();
        m.type = segmentTypeFromKey(q.value().value(2).toString()).value_or(SegmentType::Static);
        m.enteredAt = q.value().value(3).toLongLong();
        if (!q.value().value(4).isNull())
            m.leftAt = q.value().value(4).toLongLong();
        out.append(m);
    }
    return out;
}

Result<QList<SegmentSizePoint>> SegmentStore::sizeHistory(const QString &id)
{
    auto q = runQuery(m_connection, QStringLiteral("SELECT at, size, entered, left FROM segment_sizes WHERE segment_id = ? ORDER BY at"),
                  {id});
    if (!q)
        return q.error();
    QList<SegmentSizePoint> out;
    while (q.value().next())
        out.append({q.value().value(0).toLongLong(), q.value().value(1).toLongLong(), q.value().value(2).toLongLong(),
                    q.value().value(3).toLongLong()});
    return out;
}

Result<qint64> SegmentStore::customerKey(const QString &idOrSourceId)
{
    const qint64 key = Ids::parse(Ids::Customer, idOrSourceId).value_or(-1);
    auto q = runQuery(m_connection, QStringLiteral("SELECT id FROM customers WHERE id = ? OR source_id = ? LIMIT 1"),
                  {key, idOrSourceId});
    if (!q)
        return q.error();
    if (!q.value().next())
        return Error{QStringLiteral("%1 is not a customer of this workspace (by id or source id)").arg(idOrSourceId),
                     QStringLiteral("customer")};
    return q.value().value(0).toLongLong();
}

Status refreshSegmentsForCustomers(Connection &connection, const QList<qint64> &customerKeys, qint64 now)
{
    if (customerKeys.isEmpty())
        return {};
    SegmentStore store(connection);
    auto segments = store.list();
    if (!segments)
        return segments.error();
    auto done = writing<bool>(connection, [&]() -> Result<bool> {
        for (const Segment &segment : segments.value()) {
            if (segment.type != SegmentType::AutoUpdate || !segment.rule)
                continue;
            auto change = store.refreshCustomers(segment, customerKeys, now);
            if (!change)
                return change.error();
        }
        return true;
    });
    if (!done)
        return done.error();
    return {};
}

Result<int> refreshStaleSegments(Connection &connection, qint64 now, qint64 staleBefore)
{
    SegmentStore store(connection);
    auto segments = store.list();
    if (!segments)
        return segments.error();
    int refreshed = 0;
    for (const Segment &segment : segments.value()) {
        if (segment.type != SegmentType::AutoUpdate || segment.refreshedAt.value_or(0) >= staleBefore)
            continue;
        auto change = store.refresh(segment.id, now);
        if (!change) {
            Error error = change.error();
            error.where = QStringLiteral("segment “%1”").arg(segment.name);
            return error;
        }
        ++refreshed;
    }
    return refreshed;
}

Result<qint64> countMatching(Connection &connection, const Rules::Node &checkedRule, qint64 now, const QTimeZone &zone)
{
    auto compiled = Rules::compileCustomerRule(checkedRule, now, zone);
    if (!compiled)
        return compiled.error();
    auto q = runQuery(connection, QStringLiteral("SELECT count(*) FROM customers c WHERE ") + compiled.value().where,
                  compiled.value().bindings);
    if (!q)
        return q.error();
    if (!q.value().next())
        return Error{QStringLiteral("no count"), QStringLiteral("customers")};
    return q.value().value(0).toLongLong();
}

Result<QList<CustomerRow>> firstMatching(Connection &connection, const Rules::Node &checkedRule, qint64 now,
                                         const QTimeZone &zone, int limit)
{
    auto compiled = Rules::compileCustomerRule(checkedRule, now, zone);
    if (!compiled)
        return compiled.error();
    auto q = runQuery(connection,
                  QStringLiteral("SELECT c.id, c.source_id, c.name, c.email, c.address_country, c.address_city, c.created_at, "
                                 "c.orders_count, c.total_spent, c.last_order_at, c.id FROM customers c WHERE ")
                      + compiled.value().where + QStringLiteral(" ORDER BY c.id LIMIT ?"),
                  compiled.value().bindings + QVariantList{limit});
    if (!q)
        return q.error();
    QList<CustomerRow> rows;
    while (q.value().next())
        rows.append(customerRowFrom(q.value()));
    return rows;
}

Result<ExportList> segmentMemberList(const Segment &segment, qint64 now)
{
    ExportList list;
    list.name = QStringLiteral("segment members");
    list.columns = Lists::customerColumns();
    if (segment.type != SegmentType::Passive) {
        list.columns << ExportColumn{QStringLiteral("entered_at"), QStringLiteral("m.entered_at"), CellKind::Timestamp,
                                     QStringLiteral("joined the segment"), true, nullptr};
        list.from = QStringLiteral("segment_members m JOIN customers c ON c.id = m.customer_id");
        list.where = QStringLiteral("m.segment_id = ? AND m.left_at IS NULL");
        list.bindings << segment.id;
    } else {
        auto compiled = compile(segment, now);
        if (!compiled)
            return compiled.error();
        list.from = QStringLiteral("customers c");
        list.where = compiled.value().where;
        list.bindings = compiled.value().bindings;
    }
    list.orderBy = QStringLiteral("c.id");
    return list;
}

Result<ExportList> segmentMemberList(Connection &connection, const QString &id, qint64 now)
{
    auto segment = SegmentStore(connection).load(id);
    if (!segment)
        return segment.error();
    if (!segment.value())
        return Error{QStringLiteral("no segment %1").arg(id), QStringLiteral("id")};
    return segmentMemberList(*segment.value(), now);
}

Result<qint64> exportSegmentMembers(Connection &connection, const Segment &segment, QIODevice *device,
                                    const CsvExportOptions &options, qint64 now, const ExportProgress &report)
{
    auto list = segmentMemberList(segment, now);
    if (!list)
        return list.error();
    return exportList(connection, list.value(), {}, device, options, report);
}

namespace SegmentTasks {

QFuture<Result<LiveCount>> liveCount(const QString &path, const Rules::Node &checkedRule, qint64 now,
                                     const QString &timezone, int previewLimit)
{
    return QtConcurrent::run([=]() -> Result<LiveCount> {
        const QTimeZone zone(timezone.toUtf8());
        if (!zone.isValid())
            return Error{QStringLiteral("%1 is not a known IANA time zone").arg(timezone), QStringLiteral("timezone")};
        auto compiled = Rules::compileCustomerRule(checkedRule, now, zone);
        if (!compiled)
            return compiled.error();
        auto connection = Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        QElapsedTimer timer;
        timer.start();
        LiveCount live;
        live.sql = compiled.value().where;
        // One snapshot for the count and the preview.
        if (Status s = connection.value()->exec(QStringLiteral("BEGIN")); !s)
            return s.error();
        auto count = countMatching(*connection.value(), checkedRule, now, zone);
        auto preview = count ? firstMatching(*connection.value(), checkedRule, now, zone, previewLimit)
                             : Result<QList<CustomerRow>>(count.error());
        connection.value()->rollback();
        if (!count)
            return count.error();
        if (!preview)
            return preview.error();
        live.count = count.value();
        live.preview = preview.value();
        live.milliseconds = double(timer.nsecsElapsed()) / 1e6;
        return live;
    });
}

QFuture<Result<QList<Segment>>> list(const QString &path)
{
    return QtConcurrent::run([=]() -> Result<QList<Segment>> {
        auto connection = Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        return SegmentStore(*connection.value()).list();
    });
}

QFuture<Result<Segment>> save(const QString &path, const Segment &segment, const QString &actor)
{
    return QtConcurrent::run([=]() -> Result<Segment> {
        auto connection = Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        return SegmentStore(*connection.value()).save(segment, actor, nowMs());
    });
}

QFuture<Result<SegmentChange>> refresh(const QString &path, const QString &id)
{
    return QtConcurrent::run([=]() -> Result<SegmentChange> {
        auto connection = Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        return SegmentStore(*connection.value()).refresh(id, nowMs());
    });
}

QFuture<Status> remove(const QString &path, const QString &id, const QString &actor)
{
    return QtConcurrent::run([=]() -> Status {
        auto connection = Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        return SegmentStore(*connection.value()).remove(id, actor);
    });
}

QFuture<Result<QList<SegmentSizePoint>>> sizeHistory(const QString &path, const QString &id)
{
    return QtConcurrent::run([=]() -> Result<QList<SegmentSizePoint>> {
        auto connection = Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        return SegmentStore(*connection.value()).sizeHistory(id);
    });
}

QFuture<Result<int>> refreshStale(const QString &path, qint64 maxAgeMs)
{
    return QtConcurrent::run([=]() -> Result<int> {
        // Read first: most opens find nothing stale and need no write lock.
        {
            auto reader = Connection::open(path, Connection::Access::ReadOnly);
            if (!reader)
                return reader.error();
            auto segments = SegmentStore(*reader.value()).list();
            if (!segments)
                return segments.error();
            const qint64 staleBefore = nowMs() - maxAgeMs;
            if (std::none_of(segments.value().begin(), segments.value().end(), [staleBefore](const Segment &s) {
                    return s.type == SegmentType::AutoUpdate && s.refreshedAt.value_or(0) < staleBefore;
                }))
                return 0;
        }
        auto connection = Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        const qint64 now = nowMs();
        return refreshStaleSegments(*connection.value(), now, now - maxAgeMs);
    });
}

QFuture<Result<SegmentChange>> addMembersFromFile(const QString &path, const QString &id, const QString &file)
{
    return QtConcurrent::run([=]() -> Result<SegmentChange> {
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly | QIODevice::Text))
            return Error{in.errorString(), file};
        auto connection = Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        SegmentStore store(*connection.value());
        QList<qint64> keys;
        const QString name = QFileInfo(file).fileName();
        for (int lineNo = 1; !in.atEnd(); ++lineNo) {
            const QString line = QString::fromUtf8(in.readLine()).trimmed().remove(QChar(0xFEFF));
            if (line.isEmpty() || (lineNo == 1 && (line == QLatin1String("id") || line == QLatin1String("source_id"))))
                continue;
            auto key = store.customerKey(line);
            if (!key)
                return Error{key.error().message, QStringLiteral("%1, line %2").arg(name).arg(lineNo)};
            keys << key.value();
        }
        return store.addMembers(id, keys, nowMs());
    });
}

QFuture<Result<qint64>> exportMembers(const QString &path, const QString &id, const QString &file,
                                      const CsvExportOptions &options, std::shared_ptr<std::atomic_bool> cancelled,
                                      std::shared_ptr<std::atomic<qint64>> rows)
{
    const qint64 now = nowMs();
    auto members = [id, now](Connection &connection) { return segmentMemberList(connection, id, now); };
    return ListTasks::exportToFile(path, members, {}, file, options, cancelled, rows);
}

} // namespace SegmentTasks

} // namespace PromoDesk::Store
