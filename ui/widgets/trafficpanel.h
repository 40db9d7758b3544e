#pragma once

#include "engine/campaign.h"
#include "sandbox/simulator.h"
#include "widgets/runpanel.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QCheckBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
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
class TrafficPanel : public RunPanel
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

    // Also from RunPanel: cancel(), isRunning(), campaignsLoaded(), status(), and the
    // signals finished(), progressed() and campaignsReady().
    void run() override;
    std::optional<Sandbox::TrafficSummary> summary() const;

    // For tests and the page: the banner saying why the panel is disabled (empty when it
    // is not).
    QString message() const;

signals:
    void showDashboardRequested();   // "Show on the dashboard"

private:
    void buildUi();
    void showCampaigns(const Result<WorkspaceCampaigns> &loaded) override;
    void updateEnabled() override;
    QString progressText(qint64 done, qint64 total) const override;
    void applyResult(const Result<Sandbox::TrafficSummary> &result);
    void clearResult();
    QString campaignName(const QString &id) const;

    // --- form ---
    QSpinBox *m_sessions;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QSpinBox *m_memberShare;
    QSpinBox *m_codePropensity;
    QSpinBox *m_seed;
    QCheckBox *m_recordOrders;
    QSpinBox *m_checkoutRate;
    QDoubleSpinBox *m_elasticity;
    QListWidget *m_campaigns;
    QLabel *m_campaignsHint;
    // --- result ---
    KpiTile *m_sessionsTile;
    KpiTile *m_ordersTile;
    KpiTile *m_redemptionsTile;
    KpiTile *m_discountTile;
    KpiTile *m_orderValueTile;
    QTableWidget *m_perCampaign;
    QTableWidget *m_failures;
    QPushButton *m_dashboard;

    QString m_path;
    bool m_sandbox = false;
    QList<Engine::Campaign> m_campaignList;
    QStringList m_pendingCampaigns; // chosen before the list was loaded
    int m_batch = 500;
    Sandbox::TrafficOptions m_runOptions;
    std::optional<Sandbox::TrafficSummary> m_summary;
};

} // namespace PromoDesk::Ui
