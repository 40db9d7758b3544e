#pragma once

#include "backgroundtasks.h"
#include "sandbox/simulatorcases.h"

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace PromoDesk::Ui {

// The simulator's saved cases: a request (customer, cart, clock, codes) with the outcome
// it had when saved, re-run all at once as a regression suite after campaigns change —
// pass or fail per case, and what changed. Reads and writes run on workers with their
// own connections.
class SimulatorCasesPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SimulatorCasesPanel(QWidget *parent = nullptr);
    ~SimulatorCasesPanel() override;

    void setWorkspace(const QString &path);
    // Saves (or, with a name already used, replaces) a case from the simulator's last run.
    void saveCase(const QString &name, const QString &operation, const QJsonObject &request);
    // Runs every case again; results appear in the table.
    void runAll();
    void removeSelected();

    QList<Sandbox::SimulatorCase> cases() const { return m_cases; }
    QList<Sandbox::CaseRun> lastRuns() const { return m_runs; }
    QTableWidget *table() const { return m_table; }
    QLabel *summaryLabel() const { return m_summary; }
    bool isBusy() const { return m_busy; }

signals:
    void changed();                 // the list was reloaded (after a save, a removal, a load)
    void ran();                     // a run of the suite is on screen
    void failed(const QString &message);
    // A case was opened (double-click): put its request back into the simulator.
    void openCase(const QString &operation, const QJsonObject &request);

private:
    void reload();
    void show(const QList<Sandbox::SimulatorCase> &cases);
    void setBusy(bool busy, const QString &status = {});

    QString m_path;
    QTableWidget *m_table;
    QLabel *m_summary;
    QPushButton *m_runAll;
    QPushButton *m_remove;
    QList<Sandbox::SimulatorCase> m_cases;
    QList<Sandbox::CaseRun> m_runs;
    bool m_busy = false;
    quint64 m_generation = 0;
    BackgroundTasks m_tasks; // last: waited for before the rest is torn down
};

} // namespace PromoDesk::Ui
