#include "campaignhistory.h"

#include "connection.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentRun>

namespace PromoDesk::Store {

Result<QList<CampaignVersion>> campaignHistory(Connection &connection, const QString &campaignId)
{
    // audit_log_by_entity (entity_type, entity_id, at) answers this; id breaks ties
    // between steps saved within the same millisecond.
    QSqlQuery q(connection.database());
    q.setForwardOnly(true);
    const auto fail = [&q] {
        return Error{QStringLiteral("reading the audit log: %1").arg(q.lastError().text()), QStringLiteral("audit_log")};
    };
    if (!q.prepare(QStringLiteral("SELECT id, at, actor, action, before, after FROM audit_log "
                                  "WHERE entity_type = ? AND entity_id = ? ORDER BY at DESC, id DESC")))
        return fail();
    q.addBindValue(QStringLiteral("campaign"));
    q.addBindValue(campaignId);
    if (!q.exec())
        return fail();
    QList<CampaignVersion> out;
    while (q.next()) {
        CampaignVersion v;
        v.auditId = q.value(0).toLongLong();
        v.at = q.value(1).toLongLong();
        v.actor = q.value(2).toString();
        v.action = q.value(3).toString();
        v.before = q.value(4).isNull() ? QByteArray() : q.value(4).toString().toUtf8();
        v.after = q.value(5).isNull() ? QByteArray() : q.value(5).toString().toUtf8();
        out.append(std::move(v));
    }
    if (q.lastError().isValid())
        return fail();
    return out;
}

namespace CampaignHistoryTasks {

QFuture<Result<QList<CampaignVersion>>> load(const QString &path, const QString &campaignId)
{
    return QtConcurrent::run([path, campaignId]() -> Result<QList<CampaignVersion>> {
        auto connection = Connection::open(path, Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        return campaignHistory(*connection.value(), campaignId);
    });
}

} // namespace CampaignHistoryTasks
} // namespace PromoDesk::Store
