#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "engine/campaign.h"
#include "sandbox/backtest.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

class QChartView;
class QComboBox;
class QGridLayout;
class QLabel;
class QProgressBar;
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
class BacktestPanel : public QWidget
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

    void run();
    void cancel();
    bool isRunning() const;
    std::optional<Sandbox::BacktestResult> result() const;

    // For tests and the page.
    bool campaignsLoaded() const { return m_campaignsLoaded; }
    QString campaign() const;          // the chosen campaign's id
    int days() const;
    QString status() const;
    // The campaign as it was tried in the last run (a copy taken when it started).
    std::optional<Engine::Campaign> triedCampaign() const { return m_tried; }
    // Writes the daily series of the result on screen (day, orders, redemptions,
    // discount, running total) as CSV, whole or not at all.
    Status exportDailyCsv(const QString &file) const;

signals:
    void finished();
    // On the UI thread while a run is under way (at most one pending at a time).
    void progressed(qint64 done, qint64 total);
    // The campaign list is loaded (or failed to load).
    void campaignsReady();

private:
    struct Loaded
    {
        QList<Engine::Campaign> campaigns;
        QString currency;
    };
    struct Progress
    {
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
        std::atomic_bool posted{false};
        std::atomic_bool cancelled{false};
    };

    void buildUi();
    void loadCampaigns();
    void showCampaigns(const Result<Loaded> &loaded);
    void showOrdersSource();
    void updateEnabled();
    void showProgress();
    void applyResult(const Result<Sandbox::BacktestResult> &result);
    void clearResult();
    void updateChart();
    void setStatus(const QString &text, bool error = false);
    void reflowTiles();
    void exportCsv();
    QString campaignName(const QString &id) const;

    void resizeEvent(QResizeEvent *event) override;

    QLabel *m_message;
    QComboBox *m_campaign;
    QSpinBox *m_days;
    QLabel *m_ordersSource;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    QWidget *m_form;

    QWidget *m_resultBox;
    QLabel *m_heading;
    QGridLayout *m_tilesLayout;
    QList<KpiTile *> m_tiles;
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
    int m_tileColumns = 0;

    QString m_campaignsFrom;
    QString m_ordersFrom;
    QString m_currency;
    QList<Engine::Campaign> m_campaignList;
    bool m_campaignsLoaded = false;
    QString m_pendingCampaign;
    quint64 m_loadGeneration = 0;
    bool m_running = false;
    std::shared_ptr<Progress> m_runProgress;
    std::optional<Engine::Campaign> m_tried;
    std::optional<Sandbox::BacktestResult> m_result;
    int m_runDays = 0;

    BackgroundTasks m_tasks; // last member: waited for before the rest is torn down
};

} // namespace PromoDesk::Ui
