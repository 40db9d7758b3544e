#include "editors/campaigndocument.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>
#include <QUndoCommand>
#include <QUndoStack>

namespace PromoDesk::Ui {

// One edit: the whole campaign before and after. Campaigns are small, and a snapshot
// makes every edit — a field, a tier moved, a rule rewritten — undoable the same way.
class CampaignEditCommand : public QUndoCommand
{
public:
    CampaignEditCommand(CampaignDocument *document, const QString &text, const QString &field,
                        Engine::Campaign before, Engine::Campaign after)
        : QUndoCommand(text), m_document(document), m_field(field), m_before(std::move(before)),
          m_after(std::move(after))
    {
        m_age.start();
    }

    int id() const override { return 1; }
    void undo() override { m_document->apply(m_before); }
    void redo() override { m_document->apply(m_after); }

    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *next = static_cast<const CampaignEditCommand *>(other);
        if (m_field.isEmpty() || next->m_field != m_field || m_age.elapsed() > CampaignDocument::MergeWindowMs)
            return false;
        m_after = next->m_after;
        m_age.restart();
        // Back where it started (typed and erased): the step is no step.
        if (m_after == m_before)
            setObsolete(true);
        return true;
    }

private:
    CampaignDocument *m_document;
    QString m_field;
    Engine::Campaign m_before;
    Engine::Campaign m_after;
    QElapsedTimer m_age;
};

CampaignDocument::CampaignDocument(QObject *parent)
    : QObject(parent), m_undo(new QUndoStack(this)), m_draftTimer(new QTimer(this))
{
    m_draftTimer->setSingleShot(true);
    m_draftTimer->setInterval(DraftDelayMs);
    connect(m_draftTimer, &QTimer::timeout, this, &CampaignDocument::flushDraft);
    connect(m_undo, &QUndoStack::cleanChanged, this, [this] { emit modifiedChanged(isModified()); });
}

CampaignDocument::~CampaignDocument()
{
    // Closing without saving or discarding (the app quits): keep what is unsaved.
    if (m_draftTimer->isActive())
        flushDraft();
}

void CampaignDocument::load(const Engine::Campaign &campaign, const std::shared_ptr<Engine::CampaignDrafts> &drafts)
{
    m_drafts = drafts;
    m_campaign = campaign;
    m_baseUpdatedAt = campaign.id.isEmpty() ? 0 : campaign.updatedAt;
    m_draftKey = campaign.id.isEmpty() ? Engine::CampaignDrafts::newKey() : campaign.id;
    m_recovered = false;
    m_undo->clear();
    emit changed();
    emit modifiedChanged(isModified());
}

void CampaignDocument::recover(const Engine::CampaignDraft &draft, const std::shared_ptr<Engine::CampaignDrafts> &drafts)
{
    m_drafts = drafts;
    m_campaign = draft.campaign;
    m_baseUpdatedAt = draft.baseUpdatedAt;
    m_draftKey = draft.key;
    m_recovered = true;
    m_undo->clear();
    emit changed();
    emit modifiedChanged(isModified());
}

bool CampaignDocument::isModified() const
{
    return m_recovered || !m_undo->isClean();
}

void CampaignDocument::edit(const QString &text, const QString &field,
                            const std::function<void(Engine::Campaign &)> &change)
{
    Engine::Campaign after = m_campaign;
    change(after);
    if (after == m_campaign)
        return;
    m_undo->push(new CampaignEditCommand(this, text, field, m_campaign, std::move(after)));
}

void CampaignDocument::apply(const Engine::Campaign &campaign)
{
    // Identity and lifecycle are the store's: undoing past a save must not turn the
    // stored campaign back into a new one, nor its status back.
    const Engine::Campaign current = m_campaign;
    m_campaign = campaign;
    m_campaign.id = current.id;
    m_campaign.status = current.status;
    m_campaign.createdAt = current.createdAt;
    m_campaign.updatedAt = current.updatedAt;
    scheduleDraft();
    emit changed();
}

void CampaignDocument::scheduleDraft()
{
    if (m_drafts)
        m_draftTimer->start();
}

void CampaignDocument::flushDraft()
{
    m_draftTimer->stop();
    if (!m_drafts)
        return;
    if (!isModified()) {
        m_drafts->remove(m_draftKey); // undone back to the stored campaign
        return;
    }
    Engine::CampaignDraft draft;
    draft.key = m_draftKey;
    draft.campaign = m_campaign;
    draft.savedAt = QDateTime::currentMSecsSinceEpoch();
    draft.baseUpdatedAt = m_baseUpdatedAt;
    if (Status s = m_drafts->save(draft); !s)
        qWarning("campaign draft not written: %s", qPrintable(s.error().toString()));
}

void CampaignDocument::markSaved(const Engine::Campaign &saved)
{
    m_draftTimer->stop();
    if (m_drafts)
        m_drafts->remove(m_draftKey);
    m_baseUpdatedAt = saved.updatedAt;
    m_draftKey = saved.id;
    m_recovered = false;
    // The saved campaign is what is stored now (ids assigned, code normalised); it
    // replaces the edited one without a step, and undoing past it is still possible.
    m_campaign = saved;
    m_undo->setClean();
    emit changed();
    emit modifiedChanged(false);
}

void CampaignDocument::discardDraft()
{
    m_draftTimer->stop();
    if (m_drafts)
        m_drafts->remove(m_draftKey);
    m_recovered = false;
    m_undo->setClean();
}

} // namespace PromoDesk::Ui
