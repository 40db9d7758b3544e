#include "dashboardpage.h"

#include "common/money.h"
#include "widgets/activitypanel.h"
#include "widgets/emptystate.h"
#include "widgets/kpitile.h"

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QTimeZone>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

namespace {

QString number(qint64 n)
{
    return QLocale::system().toString(n);
}

QString dateText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate);
}

} // namespace

DashboardPage::DashboardPage(QWidget *parent)
    : Page(parent), m_heading(new QLabel(this)), m_period(new QLabel(this)),
      m_members(new KpiTile(tr("Members"), this)), m_orders(new KpiTile(tr("Orders"), this)),
      m_revenue(new KpiTile(tr("Revenue (all orders)"), this)), m_averageOrder(new KpiTile(tr("Average order value"), this)),
      m_products(new KpiTile(tr("Products"), this)), m_campaigns(new KpiTile(tr("Campaigns (active / all)"), this)),
      m_redemptions(new KpiTile(tr("Redemptions"), this)), m_charts(new EmptyState(this)), m_activity(new ActivityPanel(this))
{
    setObjectName(QStringLiteral("dashboardPage"));
    QFont headingFont = m_heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.5);
    headingFont.setBold(true);
    m_heading->setFont(headingFont);

    auto *tiles = new QGridLayout;
    tiles->setSpacing(12);
    const QList<KpiTile *> all{m_members, m_orders, m_revenue, m_averageOrder, m_products, m_campaigns, m_redemptions};
    for (int i = 0; i < all.size(); ++i)
        tiles->addWidget(all[i], i / 4, i % 4);

    m_charts->setHeading(tr("No campaign activity to chart yet"));
    m_charts->setText(tr("Redemption charts, budgets and alerts appear here once campaigns are running. "
                         "This workspace has no redemptions yet."));

    // Everything scrolls together when the window is small; nothing is clipped.
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->addWidget(m_heading);
    layout->addWidget(m_period);
    layout->addSpacing(8);
    layout->addLayout(tiles);
    layout->addSpacing(16);
    layout->addWidget(m_activity, 1);
    layout->addWidget(m_charts, 1);
    content->setMinimumHeight(1260);
    // Activity from another process on a workspace that had none: the charts appear.
    connect(m_activity, &ActivityPanel::updated, this, [this] {
        if (m_workspace && m_activity->isHidden() && m_activity->totals() != Store::StatsBucket{}) {
            m_charts->setVisible(false);
            m_activity->setVisible(true);
        }
    });
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    setWorkspace(std::nullopt);
}

void DashboardPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    m_workspace = workspace;
    m_heading->setText(workspace ? workspace->name : tr("No workspace open"));
    m_period->setText(workspace ? tr("Loading figures…") : QString());
    for (KpiTile *tile : {m_members, m_orders, m_revenue, m_averageOrder, m_products, m_campaigns, m_redemptions})
        tile->setValue(QStringLiteral("—"));
    m_activity->setWorkspace(workspace ? workspace->path : QString(), workspace ? workspace->currency : QString());
    m_activity->setVisible(false);
    m_charts->setVisible(false);
}

void DashboardPage::setOverview(const Result<Store::WorkspaceOverview> &result)
{
    if (!m_workspace)
        return;
    if (!result) {
        m_period->setText(tr("Could not read the workspace: %1").arg(result.error().toString()));
        return;
    }
    const Store::WorkspaceOverview &o = result.value();
    const QString currency = m_workspace->currency;
    m_members->setValue(number(o.customers));
    m_orders->setValue(number(o.orders));
    m_revenue->setValue(formatMoney(o.revenue, currency));
    m_averageOrder->setValue(o.orders ? formatMoney((o.revenue + o.orders / 2) / o.orders, currency) : QStringLiteral("—"));
    m_products->setValue(number(o.products));
    m_campaigns->setValue(QStringLiteral("%1 / %2").arg(number(o.activeCampaigns), number(o.campaigns)));
    m_redemptions->setValue(number(o.redemptions));
    m_period->setText(o.lastOrderAt ? tr("Last order on %1 (UTC)").arg(dateText(*o.lastOrderAt)) : tr("No orders yet"));
    m_charts->setVisible(o.redemptions == 0);
    m_activity->setVisible(o.redemptions > 0);
}

} // namespace PromoDesk::Ui
