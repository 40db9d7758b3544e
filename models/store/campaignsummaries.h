#pragma once

#include "common/result.h"
#include "engine/campaign.h"

#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace PromoDesk::Store {

class Connection;

// A campaign with what it has given so far, for the campaign list.
struct CampaignSummary
{
    Engine::Campaign campaign;
    qint64 redemptions = 0; // successful redemptions, not rolled back
    qint64 discount = 0;    // their discount, cents
    qint64 giftCredits = 0; // gift card credits they spent, cents
};

// Every campaign of the workspace with its successful redemptions and discount, in
// one query: one pass over `redemptions` grouped by campaign (measurements in the .cpp).
Result<QList<CampaignSummary>> campaignSummaries(Connection &connection);

// Lifecycle steps for several campaigns, all or none, in one transaction
// (CampaignStore::setStatus: canChangeStatus, validation before activation, audit).
// An error names the campaign and the field.
Result<QList<Engine::Campaign>> setCampaignStatuses(Connection &connection, const QStringList &campaignIds,
                                                    Engine::CampaignStatus status, const QString &actor);

// A draft copy of a campaign under a free name ("Name (copy)", "Name (copy 2)", …),
// without the original's shared code and tier ids (both must be unique).
Result<Engine::Campaign> duplicateCampaign(Connection &connection, const QString &campaignId, const QString &actor);

// Saves campaigns read from files, all or none, in one transaction (like
// `promodesk-cli campaigns import`). `files[i]` names campaigns[i] in errors.
Result<QList<Engine::Campaign>> importCampaigns(Connection &connection, const QList<Engine::Campaign> &campaigns,
                                                const QStringList &files, const QString &actor);

// What the campaign editor needs: the campaign (none when `campaignId` is empty or
// unknown), the others by name (the referral reward picker), the workspace's code
// case and stacking categories.
struct EditorData
{
    std::optional<Engine::Campaign> campaign;
    QList<Engine::Campaign> campaigns;
    Engine::CodeCase codeCase = Engine::CodeCase::Upper;
    QStringList categories; // used by campaigns or named by the stacking rules, sorted
};
Result<EditorData> editorData(Connection &connection, const QString &campaignId);

// Saves a campaign from the editor, in one transaction. Refused when the stored campaign
// changed since the editor loaded it (`expectedUpdatedAt`; 0 = it must be new), so two
// editors never overwrite each other. An active campaign (or one being activated with
// `activate`) is validated first; the error names the field.
Result<Engine::Campaign> saveEditedCampaign(Connection &connection, const Engine::Campaign &campaign,
                                            qint64 expectedUpdatedAt, bool activate, const QString &actor);

// Background versions for the UI: each opens its own connection (read-only for
// reads, read-write for changes) on the global thread pool.
namespace CampaignTasks {

QFuture<Result<QList<CampaignSummary>>> summaries(const QString &path);
QFuture<Result<QList<Engine::Campaign>>> setStatuses(const QString &path, const QStringList &campaignIds,
                                                     Engine::CampaignStatus status, const QString &actor);
QFuture<Result<EditorData>> editorData(const QString &path, const QString &campaignId);
QFuture<Result<Engine::Campaign>> saveEdited(const QString &path, const Engine::Campaign &campaign,
                                             qint64 expectedUpdatedAt, bool activate, const QString &actor);
QFuture<Result<Engine::Campaign>> duplicate(const QString &path, const QString &campaignId, const QString &actor);
// Reads and checks every file first (an error names the file and the field), then
// imports all of them or none.
QFuture<Result<QList<Engine::Campaign>>> importFiles(const QString &path, const QStringList &files,
                                                     const QString &actor);
// Writes one <id>.json per campaign into `folder` (the campaign file of docs/campaigns.md),
// each through a QSaveFile. Returns the files written.
QFuture<Result<QStringList>> exportFiles(const QString &path, const QStringList &campaignIds, const QString &folder);

} // namespace CampaignTasks
} // namespace PromoDesk::Store
