#pragma once

#include "common/result.h"
#include "engine/campaign.h"
#include "sandbox/backtest.h"
#include "widgets/runpanel.h"

#include <QList>
#include <QString>

#include <optional>

class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace PromoDesk::Ui {

class KpiTile;

// The Sandbox page's "Backtest": pick a campaign of the sandbox (any status, tried as a
// draft) and replay the last N days of the production workspace's real orders through
// it (Sandbox::backtest: read-only, on worker threads), with progress and Cancel; then
// the forecast: redemptions, customers, discount cost, the day the budget would run
// out, why other orders did not qualify, overlap with other campaigns, and a chart of
// the discount per day with its running total against the budget.
class BacktestPanel : public RunPanel
{
    Q_OBJECT

public:
    explicit BacktestPanel(QWidget *parent = nullptr);
    ~BacktestPanel() override;

    // `campaignsFrom`: the workspace whose campaigns are offered (the sandbox);
    // `ordersFrom`: the workspace whose orders are replayed (its production; the sandbox
    // itself when it records none).
    void setWorkspaces(const QString &campaignsFrom, const QString &ordersFrom);
    void setCampaign(const QString &campaignId);
    void setDays(int days);

    // Also from RunPanel: cancel(), isRunning(), campaignsLoaded(), status(), and the
    // signals finished(), progressed() and campaignsReady().
    void run() override;
    std::optional<Sandbox::BacktestResult> result() const;

    // For tests and the page.
    QString campaign() const;          // the chosen campaign's id
    int days() const;
    // The campaign as it was tried in the last run (a copy taken when it started).
    std::optional<Engine::Campaign> triedCampaign() const { return m_tried; }
    // Writes the daily series of the result on screen (day, orders, redemptions,
    // discount, running total) as CSV, whole or not at all.
    Status exportDailyCsv(const QString &file) const;

private:
    void buildUi();
    void showCampaigns(const Result<WorkspaceCampaigns> &loaded) override;
    void showOrdersSource();
    void updateEnabled() override;
    QString progressText(qint64 done, qint64 total) const override;
    void applyResult(const Result<Sandbox::BacktestResult> &result);
    void clearResult();
    void updateChart();
    void exportCsv();
    QString campaignName(const QString &id) const;

    QComboBox *m_campaign;
    QSpinBox *m_days;
    QLabel *m_ordersSource;

    KpiTile *m_ordersTile;
    KpiTile *m_redeemTile;
    KpiTile *m_customersTile;
    KpiTile *m_discountTile;
    KpiTile *m_orderValueTile;
    KpiTile *m_budgetTile;
    QChartView *m_chart;
    QTableWidget *m_failures;
    QTableWidget *m_overlap;
    QPushButton *m_export;

    QString m_campaignsFrom;
    QString m_ordersFrom;
    QList<Engine::Campaign> m_campaignList;
    QString m_pendingCampaign;
    std::optional<Engine::Campaign> m_tried;
    std::optional<Sandbox::BacktestResult> m_result;
    int m_runDays = 0;
};

} // namespace PromoDesk::Ui
