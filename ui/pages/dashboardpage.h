#pragma once

#include "page.h"

#include "common/result.h"
#include "store/tasks.h"

class QLabel;

namespace PromoDesk::Ui {

class EmptyState;
class KpiTile;

// The workspace at a glance. Campaign statistics and live charts come with the
// stats store; until campaigns run, the page shows the workspace's real totals and
// says plainly that there is nothing to chart yet.
class DashboardPage : public Page
{
    Q_OBJECT

public:
    explicit DashboardPage(QWidget *parent = nullptr);

    QString title() const override { return tr("Dashboard"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;
    void setOverview(const Result<Store::WorkspaceOverview> &overview);

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
};

} // namespace PromoDesk::Ui
