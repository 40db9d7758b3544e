#pragma once

#include "backgroundtasks.h"
#include "engine/campaign.h"
#include "sandbox/simulator.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

class QDateEdit;
class QGridLayout;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTableWidget;

namespace PromoDesk::Ui {

class KpiTile;

// What a failure key means, in words ("quantity_exceeded" -> "the code's redemption
// limit is used up"); empty for a key it does not know. Shared by the Sandbox panels.
QString describeFailureKey(const QString &key);

// The Sandbox page's "Traffic": simulate N shopping sessions over a period against
// chosen campaigns (Sandbox::simulateTraffic) on a worker thread with its own
// connection, with a progress bar and Cancel; the summary (sessions, redemptions,
// discount, per campaign, failure reasons, budget run-out times) is shown when done,
// and the results feed the sandbox's statistics, so the dashboard shows them.
class TrafficPanel : public QWidget
{
    Q_OBJECT

public:
    explicit TrafficPanel(QWidget *parent = nullptr);
    ~TrafficPanel() override;

    // A sandbox workspace file; empty or a production workspace: disabled, saying why.
    void setWorkspace(const QString &path, bool sandbox);
    // The form, for tests and for what the page pre-fills.
    void setOptions(const Sandbox::TrafficOptions &options);
    Sandbox::TrafficOptions options() const;

    void run();
    void cancel();
    bool isRunning() const;
    std::optional<Sandbox::TrafficSummary> summary() const;

    // For tests and the page: whether the campaign list is loaded, the banner saying why
    // the panel is disabled (empty when it is not), and the line under the progress bar.
    bool campaignsLoaded() const { return m_campaignsLoaded; }
    QString message() const;
    QString status() const;

signals:
    void finished();                 // a run ended (done, cancelled or failed)
    void showDashboardRequested();   // "Show on the dashboard"
    // On the UI thread while a run is under way (at most one pending at a time).
    void progressed(qint64 done, qint64 total);
    // The campaign list is loaded (or failed to load).
    void campaignsReady();

private:
    struct CampaignEntry
    {
        QString id;
        QString name;
        Engine::CampaignStatus status = Engine::CampaignStatus::Draft;
    };
    struct Loaded
    {
        QList<CampaignEntry> campaigns;
        QString currency;
        bool sandbox = false;
    };
    // Progress shared with the worker: the latest figures and whether an update is
    // already on its way to the UI thread (so the queue never holds more than one).
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
    void updateEnabled();
    void showProgress();
    void applyResult(const Result<Sandbox::TrafficSummary> &result);
    void clearResult();
    void setStatus(const QString &text, bool error = false);
    void reflowTiles();
    QString campaignName(const QString &id) const;

    void resizeEvent(QResizeEvent *event) override;

    // --- form ---
    QLabel *m_message;
    QSpinBox *m_sessions;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QSpinBox *m_memberShare;
    QSpinBox *m_codePropensity;
    QSpinBox *m_seed;
    QListWidget *m_campaigns;
    QLabel *m_campaignsHint;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    QWidget *m_form;
    // --- result ---
    QWidget *m_result;
    QLabel *m_heading;
    QGridLayout *m_tilesLayout;
    QList<KpiTile *> m_tiles;
    KpiTile *m_sessionsTile;
    KpiTile *m_ordersTile;
    KpiTile *m_redemptionsTile;
    KpiTile *m_discountTile;
    KpiTile *m_orderValueTile;
    QTableWidget *m_perCampaign;
    QTableWidget *m_failures;
    QPushButton *m_dashboard;
    int m_tileColumns = 0;

    QString m_path;
    bool m_sandbox = false;
    QString m_currency;
    QList<CampaignEntry> m_campaignList;
    bool m_campaignsLoaded = false;
    QStringList m_pendingCampaigns; // chosen before the list was loaded
    int m_batch = 500;
    quint64 m_loadGeneration = 0;
    bool m_running = false;
    std::shared_ptr<Progress> m_runProgress;
    Sandbox::TrafficOptions m_runOptions;
    std::optional<Sandbox::TrafficSummary> m_summary;

    BackgroundTasks m_tasks; // last member: waited for before the rest is torn down
};

} // namespace PromoDesk::Ui
