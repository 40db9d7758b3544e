#pragma once

#include "backgroundtasks.h"
#include "experiments/experiment.h"
#include "page.h"
#include "store/segmentstore.h"

#include <QPointer>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableWidget;

namespace PromoDesk::Ui {

class EmptyState;
class ExperimentDialog;
class ExperimentResultsPanel;

// A/B tests of promotions (issue 10): the workspace's experiments — name, status,
// variants, audience, when, primary metric, winner — with New / Edit / Duplicate /
// Delete (drafts) / Start / Stop, and the selected experiment's results below. Every
// read and write runs on a worker with its own connection; F5 (the window's refresh)
// reads the list and the results again.
class ExperimentsPage : public Page
{
    Q_OBJECT

public:
    enum Column { NameColumn, StatusColumn, VariantsColumn, AudienceColumn, StartColumn, EndColumn, PrimaryColumn,
                  WinnerColumn, Columns };

    explicit ExperimentsPage(QWidget *parent = nullptr);
    ~ExperimentsPage() override;

    QString title() const override { return tr("Experiments"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;

    // Reads the list again (the selection stays).
    void reload();
    bool isLoaded() const { return m_loaded; }
    bool isBusy() const { return m_actionRunning; }
    QList<Experiments::Experiment> experiments() const { return m_experiments; }
    std::optional<Experiments::Experiment> selectedExperiment() const;
    QString selectedId() const;
    void selectExperiment(const QString &id);
    QString messageText() const;

    // The editor (window-modal, not blocking): a new experiment, a stored one, or a copy
    // of one to save as new.
    ExperimentDialog *newExperiment();
    ExperimentDialog *editExperiment(const QString &id);
    ExperimentDialog *duplicateExperiment(const QString &id);
    ExperimentDialog *openDialog() const;
    // Lifecycle of the selected experiment; `confirm` asks first.
    void startSelected(bool confirm);
    void stopSelected(bool confirm);
    void removeSelected(bool confirm);

    QTableWidget *table() const { return m_table; }
    ExperimentResultsPanel *results() const { return m_results; }

signals:
    void listLoaded();
    // A change finished (ok or not); its message is on the page.
    void actionFinished(bool ok);
    // Campaigns changed status (a start activates its variants', a stop pauses them, a
    // winner is rolled out).
    void campaignsChanged();
    void winnerDeclared(const Experiments::Experiment &experiment);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showList();
    void fitColumns();
    void updateActions();
    void updateStack();
    void showMessage(const QString &text, bool error);
    void showSelected();
    ExperimentDialog *openEditor(const Experiments::Experiment &experiment);
    QString audienceText(const Experiments::Experiment &experiment) const;
    void runLifecycle(bool start);

    std::optional<Store::WorkspaceInfo> m_workspace;
    QList<Experiments::Experiment> m_experiments;
    QList<Store::Segment> m_segments;
    QString m_reselect;
    bool m_loaded = false;
    bool m_actionRunning = false;
    bool m_fresh = false; // loaded by setWorkspace and not shown since
    quint64 m_generation = 0;

    QPushButton *m_new;
    QPushButton *m_edit;
    QPushButton *m_duplicate;
    QPushButton *m_delete;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_summary;
    QProgressBar *m_busy;
    QLabel *m_message;
    QTableWidget *m_table;
    ExperimentResultsPanel *m_results;
    QSplitter *m_split;
    EmptyState *m_noWorkspace;
    EmptyState *m_noExperiments;
    QStackedWidget *m_stack;
    QPointer<ExperimentDialog> m_dialog;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
