#pragma once

#include "page.h"

#include "common/result.h"
#include "store/tasks.h"

class QLabel;

namespace PromoDesk::Ui {

class ActivityPanel;
class EmptyState;
class KpiTile;

// The workspace at a glance: its totals, then the campaign activity (KPI tiles and
// live charts over the campaign statistics, ActivityPanel). Until campaigns run, the
// page says plainly that there is nothing to chart yet.
class DashboardPage : public Page
{
    Q_OBJECT

public:
    explicit DashboardPage(QWidget *parent = nullptr);

    QString title() const override { return tr("Dashboard"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;
    void setOverview(const Result<Store::WorkspaceOverview> &overview);
    ActivityPanel *activity() const { return m_activity; }

private:
    std::optional<Store::WorkspaceInfo> m_workspace;
    QLabel *m_heading;
    QLabel *m_period;
    KpiTile *m_members;
    KpiTile *m_orders;
    KpiTile *m_revenue;
    KpiTile *m_averageOrder;
    KpiTile *m_products;
    KpiTile *m_campaigns;
    KpiTile *m_redemptions;
    EmptyState *m_charts;
    ActivityPanel *m_activity;
};

} // namespace PromoDesk::Ui
