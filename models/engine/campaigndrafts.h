#pragma once

#include "common/result.h"
#include "engine/campaign.h"

#include <QList>
#include <QString>

#include <optional>

namespace PromoDesk::Engine {

// An unsaved state of a campaign in the editor, as last written to disk.
struct CampaignDraft
{
    QString key;               // the file's name: the campaign id, or "new_…" for one never saved
    Campaign campaign;         // as edited, possibly not valid yet
    qint64 savedAt = 0;        // when the draft was written (UTC ms)
    qint64 baseUpdatedAt = 0;  // updated_at of the stored campaign the edit started from; 0 = new
};

// The editor's crash-safe drafts of one workspace: one JSON file per campaign being
// edited, written through QSaveFile (a crash mid-write keeps the previous draft) and
// removed when the campaign is saved or the changes are discarded. They live outside
// the workspace, under `root`/<hash of the workspace's path>, so that a read-only or
// busy workspace never stops a draft from being kept.
class CampaignDrafts
{
public:
    // `root` empty: QStandardPaths' AppLocalDataLocation + "/drafts".
    explicit CampaignDrafts(const QString &workspacePath, const QString &root = {});

    QString directory() const { return m_directory; }

    Status save(const CampaignDraft &draft) const;
    // Newest first; files that cannot be read are left alone and skipped.
    QList<CampaignDraft> list() const;
    std::optional<CampaignDraft> find(const QString &key) const;
    void remove(const QString &key) const;

    // A key for a campaign never saved.
    static QString newKey();

private:
    QString fileOf(const QString &key) const;

    QString m_workspace;
    QString m_directory;
};

} // namespace PromoDesk::Engine
