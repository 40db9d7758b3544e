#pragma once

#include "engine/campaign.h"
#include "engine/campaigndrafts.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QTimer;
class QUndoStack;

namespace PromoDesk::Ui {

// The campaign open in an editor window: the value being edited, its undo stack and
// its crash-safe draft. Every edit goes through edit(), as one undoable step that
// holds the campaign before and after (edits of one field in quick succession merge
// into one step, as typing a word does). After any change — an edit, an undo, a redo —
// changed() is emitted and the widgets reload from campaign().
//
// The draft is written a moment after the last change (and at once by flushDraft()),
// so a crash loses at most that moment; it is removed when the campaign is saved or
// the changes are discarded.
class CampaignDocument : public QObject
{
    Q_OBJECT

public:
    static constexpr int DraftDelayMs = 400;
    static constexpr int MergeWindowMs = 1500;

    explicit CampaignDocument(QObject *parent = nullptr);
    ~CampaignDocument() override;

    // Starts editing `campaign` as stored (`storedUpdatedAt`, 0 = new): a clean stack.
    // `drafts` empty = no drafts kept (tests of the widgets alone).
    void load(const Engine::Campaign &campaign, const std::shared_ptr<Engine::CampaignDrafts> &drafts);
    // Continues an unsaved draft found after a crash: modified until saved.
    void recover(const Engine::CampaignDraft &draft, const std::shared_ptr<Engine::CampaignDrafts> &drafts);

    const Engine::Campaign &campaign() const { return m_campaign; }
    // The stored campaign's updated_at when the edit began (0 = never saved).
    qint64 baseUpdatedAt() const { return m_baseUpdatedAt; }
    QString draftKey() const { return m_draftKey; }
    bool isNew() const { return m_baseUpdatedAt == 0; }
    bool isModified() const;
    QUndoStack *undoStack() const { return m_undo; }

    // One undoable edit. `text` is the undo menu's label ("Change name"); `field` names
    // what changes, for merging ("name", "tiers[0].discount").
    void edit(const QString &text, const QString &field, const std::function<void(Engine::Campaign &)> &change);

    // The campaign was saved as `saved`: the stack is clean and the draft is gone.
    void markSaved(const Engine::Campaign &saved);
    // The edits are thrown away: the draft is removed.
    void discardDraft();
    // Writes the draft now if there is anything unsaved.
    void flushDraft();

signals:
    void changed();
    void modifiedChanged(bool modified);

private:
    friend class CampaignEditCommand;
    void apply(const Engine::Campaign &campaign);
    void scheduleDraft();

    Engine::Campaign m_campaign;
    qint64 m_baseUpdatedAt = 0;
    QString m_draftKey;
    bool m_recovered = false;
    std::shared_ptr<Engine::CampaignDrafts> m_drafts;
    QUndoStack *m_undo;
    QTimer *m_draftTimer;
};

} // namespace PromoDesk::Ui
