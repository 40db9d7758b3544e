#pragma once

#include "items/readloader.h"
#include "items/statsloader.h"
#include "store/statsstore.h"

#include <QDate>
#include <QHash>
#include <QWidget>

class QIODevice;

#include <atomic>
#include <memory>

class QBarSet;
class QChartView;
class QComboBox;
class QGridLayout;

class QDateEdit;
class QDateTimeAxis;
class QHorizontalBarSeries;
class QLabel;
class QLineSeries;
class QTimer;
class QValueAxis;
class QBarCategoryAxis;

namespace PromoDesk::Ui {

class KpiTile;

// The dashboard's campaign activity: a period and a campaign filter, KPI tiles and
// charts over the campaign statistics (counters per campaign and hour, never a scan of
// the redemptions). Live: twice a second it asks whether any process committed to the
// workspace (one PRAGMA); if so it reads only the newest hours and updates the tiles and
// the last points of the series in place.
class ActivityPanel : public QWidget
{
    Q_OBJECT

public:
    enum class Period { Today, Last7Days, Last30Days, Last90Days, Last365Days, Custom };
    enum class Chart { OverTime, FailureReasons, TopCampaigns, HourOfDay, DayOfWeek, BudgetBurnDown, Tiers };
    static constexpr int PollMs = 500;

    explicit ActivityPanel(QWidget *parent = nullptr);
    ~ActivityPanel() override;

    void setWorkspace(const QString &path, const QString &currency);
    void setPeriod(Period period);
    // A custom period: whole UTC days from `from` to `to`, both included.
    void setCustomPeriod(QDate from, QDate to);
    void setCampaign(const QString &campaignId); // empty: all campaigns
    // One campaign's promotion tier (the tier list shows for a campaign with tiers); empty: all.
    void setTier(const QString &tierId);
    // One campaign only (the campaign editor's Analytics): the campaign list is hidden.
    void setFixedCampaign(const QString &campaignId);

    // Saves a chart as PNG or SVG, or its data as CSV, by the file's suffix (.png, .svg,
    // .csv); whole or not at all (QSaveFile). Also on each chart's context menu.
    Status saveChart(Chart chart, const QString &file) const;

    // What is on screen, for tests.
    Store::StatsBucket totals() const { return m_totals; }
    Store::StatsQuery query() const { return m_query; }
    bool isLoaded() const { return m_loaded; }
    qint64 updates() const { return m_updates; } // live updates applied since the last load
    QComboBox *periodBox() const { return m_period; }
    QComboBox *campaignBox() const { return m_campaign; }
    QComboBox *tierBox() const { return m_tier; }
    QDateEdit *fromEdit() const { return m_from; }
    QDateEdit *toEdit() const { return m_to; }
    QLabel *statusLabel() const { return m_status; }
    QChartView *tierChart() const { return m_tierChart; }
    QList<Store::StatsBucket> perTier() const { return m_perTier; }
    KpiTile *validationsTile() const { return m_validations; }
    QLabel *alertsLabel() const { return m_alerts; }
    KpiTile *redemptionsTile() const { return m_redemptions; }
    KpiTile *discountTile() const { return m_discount; }
    QLineSeries *succeededSeries() const { return m_succeeded; }
    QLineSeries *failedSeries() const { return m_failed; }
    // The budget burn-down (shown for one campaign with a discount budget).
    QChartView *budgetChart() const { return m_budgetChart; }
    QLineSeries *budgetUsedSeries() const { return m_budgetUsed; }
    std::optional<qint64> projectedExhaustion() const { return m_exhaustion; }

protected:
    void resizeEvent(QResizeEvent *event) override;

signals:
    void loaded();
    void updated();

private:
    void reload();
    void poll();
    void apply(quint64 generation, const Result<Store::ActivitySnapshot> &result);
    void applyTail(quint64 generation, const Result<std::optional<Store::ActivitySnapshot>> &result);
    void updateTiles();
    void updateBars();
    void updateTiers();
    void layoutTiles();
    void updatePeriodControls();
    void updateTimeOfWeek();
    void updateBurnDown();
    void addExportMenu(QChartView *view, Chart chart);
    QChartView *view(Chart chart) const;
    Status writeCsv(Chart chart, QIODevice *device) const;
    void setPoint(qint64 bucketStartMs);
    qint64 bucketMs() const;
    bool customPeriod() const;
    qint64 bucketStart(qint64 hour) const;
    void stopThread();

    QString m_path;
    QString m_currency;
    Store::StatsQuery m_query;
    QMap<qint64, Store::StatsBucket> m_hourly; // hour -> bucket
    QList<Store::StatsBucket> m_perCampaign;
    QList<Store::StatsBucket> m_perTier;
    QList<std::pair<QString, QString>> m_tiers; // one campaign's tiers: id, name
    QList<Store::FailureCount> m_failures;
    QHash<QString, QString> m_names;
    Store::StatsBucket m_totals;
    qint64 m_version = 0;
    qint64 m_polledHour = 0; // the current hour at the last poll
    bool m_loaded = false;
    bool m_polling = false;
    QString m_fixedCampaign;
    qint64 m_updates = 0;

    QComboBox *m_period;
    QComboBox *m_campaign;
    QComboBox *m_tier;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QLabel *m_status;
    QLabel *m_alerts;
    KpiTile *m_redemptions;
    KpiTile *m_successRate;
    KpiTile *m_discount;
    KpiTile *m_revenue;
    KpiTile *m_rollbacks;
    KpiTile *m_codes;
    KpiTile *m_validations;
    QGridLayout *m_tiles;
    int m_tileColumns = 0;
    QChartView *m_timeChart;
    QLineSeries *m_succeeded;
    QLineSeries *m_failed;
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_countAxis;
    QChartView *m_failureChart;
    QChartView *m_campaignChart;
    QChartView *m_hourChart;
    QChartView *m_weekdayChart;
    QChartView *m_budgetChart;
    QChartView *m_tierChart;
    QLineSeries *m_budgetUsed = nullptr;
    std::optional<qint64> m_budget;
    qint64 m_budgetSpent = 0;
    std::optional<qint64> m_exhaustion;
    QTimer *m_pollTimer;

    std::shared_ptr<std::atomic<quint64>> m_generation;
    Items::LoaderThread<Items::StatsLoader> m_loaderThread{QStringLiteral("stats-loader"), m_generation};
    Items::StatsLoader *m_loader = nullptr;
};

} // namespace PromoDesk::Ui
