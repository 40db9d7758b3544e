#pragma once

#include "backgroundtasks.h"
#include "engine/campaign.h"
#include "page.h"

#include <QHash>
#include <QPointer>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedLayout;
class QTableView;

namespace PromoDesk::Items {
class CampaignFilterModel;
class CampaignListModel;
}

namespace PromoDesk::Store {
struct ExportList;
}

namespace PromoDesk::Ui {

class ExportDialog;

class CampaignEditor;

class EmptyState;

// The workspace's campaigns: a sortable table with status / type filters and a
// name search, and the lifecycle actions (duplicate, activate, pause, archive) and
// JSON export / import. Every change runs on a worker with its own connection; the
// store's error (e.g. an activation refused, with the field) is shown on the page.
class CampaignsPage : public Page
{
    Q_OBJECT

public:
    explicit CampaignsPage(QWidget *parent = nullptr);
    ~CampaignsPage() override;

    QString title() const override { return tr("Campaigns"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;

    Items::CampaignListModel *model() const { return m_model; }
    Items::CampaignFilterModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchBox() const { return m_search; }
    QComboBox *statusFilter() const { return m_statusFilter; }
    QComboBox *typeFilter() const { return m_typeFilter; }
    QString messageText() const;
    bool isBusy() const { return m_actionRunning; }

    // The ids of the selected campaigns, in the table's order.
    QStringList selectedIds() const;
    void selectCampaigns(const QStringList &ids);

    // What the buttons run (the dialogs ask for files or a folder first).
    void changeStatus(Engine::CampaignStatus status);
    void duplicateSelected();
    void archiveSelected(bool confirm);
    void exportSelected(const QString &folder);
    void importFiles(const QStringList &files);

    // The campaign editor: one window per campaign (asking again raises it).
    CampaignEditor *editCampaign(const QString &campaignId);
    // Opens the CSV export dialog for a list (the campaign summary, a campaign's codes).
    ExportDialog *openCsvExport(const Store::ExportList &list, const QString &suggestedFile);
    CampaignEditor *newCampaign(Engine::CampaignType type);
    // Opens every unsaved draft an earlier session left (after a crash).
    QList<CampaignEditor *> openDrafts();
    QList<CampaignEditor *> openEditors() const;
    // "2 unsaved drafts …" above the list, or empty.
    QString draftsText() const;
    void checkDrafts();

signals:
    // A change or export finished (ok or not) and its message is on the page.
    void actionFinished(bool ok);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void fitColumns();
    void updateActions();
    void updateSummary();
    void updateStack();
    void showMessage(const QString &text, bool error);
    void startAction();
    void finishAction(bool ok, const QString &message, const QStringList &reselect);
    CampaignEditor *track(CampaignEditor *editor);

    Items::CampaignListModel *m_model;
    Items::CampaignFilterModel *m_filter;
    QPushButton *m_new;
    QPushButton *m_edit = nullptr;
    QLabel *m_drafts = nullptr;
    QHash<QString, QPointer<CampaignEditor>> m_editors;
    QPushButton *m_duplicate;
    QPushButton *m_activate;
    QPushButton *m_pause;
    QPushButton *m_archive;
    QPushButton *m_export;
    QPushButton *m_import;
    QPushButton *m_history = nullptr;
    QLineEdit *m_search;
    QComboBox *m_statusFilter;
    QComboBox *m_typeFilter;
    QLabel *m_summary;
    QProgressBar *m_busy;
    QLabel *m_message;
    QTableView *m_table;
    EmptyState *m_noWorkspace;
    EmptyState *m_noCampaigns;
    QWidget *m_content;
    QStackedLayout *m_stack = nullptr;
    std::optional<Store::WorkspaceInfo> m_workspace;
    QStringList m_reselect;
    bool m_actionRunning = false;
    bool m_sizedColumns = false;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
