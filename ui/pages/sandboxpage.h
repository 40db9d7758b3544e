#pragma once

#include "backgroundtasks.h"
#include "engine/campaign.h"
#include "pages/page.h"

class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableWidget;

namespace PromoDesk::Ui {

class BacktestPanel;
class EmptyState;
class SimulatorCasesPanel;
class TrafficPanel;
class TryItPanel;

// The Sandbox page. In a production workspace it offers to create a sandbox beside it.
// In a sandbox: the simulator (hand-made carts against every campaign, with saved cases
// re-run as a regression suite), traffic simulation, backtests on production's orders,
// and the sandbox's campaigns — activate or pause them instantly, or promote one to
// production (checked, audited in both).
class SandboxPage : public Page
{
    Q_OBJECT

public:
    explicit SandboxPage(QWidget *parent = nullptr);
    ~SandboxPage() override;

    QString title() const override { return tr("Sandbox"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;

    // Opens File ▸ New Sandbox… beside the open workspace (production) or its production.
    void newSandbox();
    // Promotes a campaign of the sandbox to its production: checks, asks, copies.
    void promote(const QString &campaignId);
    // Activates or pauses a sandbox campaign at once.
    void setCampaignActive(const QString &campaignId, bool active);

    TryItPanel *simulator() const { return m_simulator; }
    SimulatorCasesPanel *cases() const { return m_cases; }
    TrafficPanel *traffic() const { return m_traffic; }
    BacktestPanel *backtest() const { return m_backtest; }
    QTabWidget *tabs() const { return m_tabs; }
    QTableWidget *campaignTable() const { return m_campaigns; }
    QLabel *promotionLabel() const { return m_promotion; }
    QString productionPath() const { return m_production; }
    QList<Engine::Campaign> campaigns() const { return m_campaignList; }

signals:
    void openWorkspaceRequested(const QString &path);
    void showDashboardRequested();
    void campaignsChanged();          // the sandbox's campaigns were (re)read
    void promoted(const QString &campaignId);
    void promotionRefused(const QStringList &problems);
    void dataChanged();               // the sandbox got redemptions (traffic, a redeem in the simulator)

protected:
    void showEvent(QShowEvent *event) override;

private:
    void reloadCampaigns();
    void showCampaigns();
    void saveCase();
    void openCase(const QString &operation, const QJsonObject &request);
    QString selectedCampaign() const;

    std::optional<Store::WorkspaceInfo> m_workspace;
    QString m_production;
    QStackedWidget *m_stack;
    EmptyState *m_productionState;
    QWidget *m_sandboxView;
    QLabel *m_header;
    QTabWidget *m_tabs;
    TryItPanel *m_simulator;
    SimulatorCasesPanel *m_cases;
    TrafficPanel *m_traffic;
    BacktestPanel *m_backtest;
    QTableWidget *m_campaigns;
    QPushButton *m_activate;
    QPushButton *m_pause;
    QPushButton *m_promote;
    QLabel *m_promotion;
    QList<Engine::Campaign> m_campaignList;
    quint64 m_generation = 0;
    bool m_fresh = false; // loaded by setWorkspace and not shown since
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
