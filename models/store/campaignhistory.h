#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QString>

namespace PromoDesk::Store {

class Connection;

// One row of a campaign's audit log: who changed it, when, and the campaign as JSON
// before and after (Engine::campaignToJson's compact form; `before` is empty for a create).
struct CampaignVersion
{
    qint64 auditId = 0;
    qint64 at = 0; // UTC epoch ms
    QString actor;
    QString action; // "create" or "update"
    QByteArray before;
    QByteArray after;
};

// Every audit row of one campaign, newest first.
Result<QList<CampaignVersion>> campaignHistory(Connection &connection, const QString &campaignId);

namespace CampaignHistoryTasks {

// campaignHistory on the global thread pool, with its own read-only connection.
QFuture<Result<QList<CampaignVersion>>> load(const QString &path, const QString &campaignId);

} // namespace CampaignHistoryTasks
} // namespace PromoDesk::Store
