#include "sandboxpage.h"

#include "dialogs/newsandboxdialog.h"
#include "engine/requestjson.h"
#include "sandbox/promotion.h"
#include "sandbox/sandbox.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "widgets/backtestpanel.h"
#include "widgets/emptystate.h"
#include "widgets/simulatorcasespanel.h"
#include "widgets/trafficpanel.h"
#include "widgets/tryitpanel.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <utility>

namespace PromoDesk::Ui {

namespace {

enum CampaignColumn { CampaignName, CampaignId, CampaignType, CampaignStatus, CampaignColumns };

const QString Actor = QStringLiteral("sandbox");

QString typeLabel(Engine::CampaignType type)
{
    switch (type) {
    case Engine::CampaignType::DiscountCoupons: return QObject::tr("Coupons");
    case Engine::CampaignType::Promotion: return QObject::tr("Promotion");
    case Engine::CampaignType::GiftVouchers: return QObject::tr("Gift cards");
    case Engine::CampaignType::Referral: return QObject::tr("Referral");
    }
    return {};
}

} // namespace

SandboxPage::SandboxPage(QWidget *parent)
    : Page(parent), m_stack(new QStackedWidget(this)), m_productionState(new EmptyState(this)), m_sandboxView(new QWidget(this)),
      m_header(new QLabel(this)), m_tabs(new QTabWidget(this)), m_simulator(new TryItPanel(this)),
      m_cases(new SimulatorCasesPanel(this)), m_traffic(new TrafficPanel(this)), m_backtest(new BacktestPanel(this)),
      m_campaigns(new QTableWidget(0, CampaignColumns, this)), m_activate(new QPushButton(tr("&Activate"), this)),
      m_pause(new QPushButton(tr("&Pause"), this)), m_promote(new QPushButton(tr("Pro&mote to Production…"), this)),
      m_promotion(new QLabel(this))
{
    setObjectName(QStringLiteral("sandboxPage"));
    auto *title = new QLabel(tr("Sandbox"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    title->setFont(titleFont);

    // --- production (or nothing open): make a sandbox ---
    auto *create = new QPushButton(tr("&New Sandbox…"), m_productionState);
    create->setObjectName(QStringLiteral("newSandbox"));
    m_productionState->addWidget(create);
    connect(create, &QPushButton::clicked, this, &SandboxPage::newSandbox);

    // --- sandbox ---
    m_header->setObjectName(QStringLiteral("sandboxHeader"));
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::RichText);
    m_header->setStyleSheet(QStringLiteral("QLabel { background: #fef3c7; border: 1px solid #f59e0b; border-radius: 4px; padding: 6px 10px; }"));
    connect(m_header, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("production") && !m_production.isEmpty())
            emit openWorkspaceRequested(m_production);
    });

    m_simulator->setMode(TryItPanel::Mode::Workspace);
    auto *simulatorSplit = new QSplitter(Qt::Vertical, this);
    simulatorSplit->setChildrenCollapsible(false);
    simulatorSplit->addWidget(m_simulator);
    simulatorSplit->addWidget(m_cases);
    simulatorSplit->setStretchFactor(0, 4);
    simulatorSplit->setStretchFactor(1, 1);
    connect(m_simulator, &TryItPanel::saveCaseRequested, this, &SandboxPage::saveCase);
    connect(m_cases, &SimulatorCasesPanel::openCase, this, &SandboxPage::openCase);

    auto *campaignsTab = new QWidget(this);
    m_campaigns->setObjectName(QStringLiteral("sandboxCampaigns"));
    m_campaigns->setHorizontalHeaderLabels({tr("Campaign"), tr("Id"), tr("Type"), tr("Status")});
    m_campaigns->verticalHeader()->hide();
    m_campaigns->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_campaigns->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_campaigns->setSelectionMode(QAbstractItemView::SingleSelection);
    m_campaigns->setAlternatingRowColors(true);
    m_campaigns->setSortingEnabled(false);
    m_campaigns->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_campaigns->horizontalHeader()->setSectionResizeMode(CampaignName, QHeaderView::Stretch);
    m_activate->setObjectName(QStringLiteral("activateCampaign"));
    m_pause->setObjectName(QStringLiteral("pauseCampaign"));
    m_promote->setObjectName(QStringLiteral("promoteCampaign"));
    m_activate->setToolTip(tr("Activate at once, in the sandbox only"));
    m_pause->setToolTip(tr("Pause at once, in the sandbox only"));
    m_promote->setToolTip(tr("Copy the campaign to production as a draft, after checking that production has everything it refers to"));
    m_promotion->setObjectName(QStringLiteral("promotionResult"));
    m_promotion->setWordWrap(true);
    m_promotion->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *campaignButtons = new QHBoxLayout;
    campaignButtons->addWidget(m_activate);
    campaignButtons->addWidget(m_pause);
    campaignButtons->addStretch(1);
    campaignButtons->addWidget(m_promote);
    auto *campaignsLayout = new QVBoxLayout(campaignsTab);
    campaignsLayout->addWidget(new QLabel(tr("The sandbox's own campaigns. Activating or pausing one here changes nothing in production."),
                                          campaignsTab));
    campaignsLayout->addWidget(m_campaigns, 1);
    campaignsLayout->addLayout(campaignButtons);
    campaignsLayout->addWidget(m_promotion);
    connect(m_activate, &QPushButton::clicked, this, [this] { setCampaignActive(selectedCampaign(), true); });
    connect(m_pause, &QPushButton::clicked, this, [this] { setCampaignActive(selectedCampaign(), false); });
    connect(m_promote, &QPushButton::clicked, this, [this] {
        const QString id = selectedCampaign();
        if (id.isEmpty())
            return;
        if (QMessageBox::question(this, tr("Promote to Production"),
                                  tr("Copy campaign %1 to production (%2)?\n\nIt is checked against production first, arrives "
                                     "there as a draft, and is recorded in both audit logs.")
                                      .arg(id, QDir::toNativeSeparators(m_production)))
            == QMessageBox::Yes)
            promote(id);
    });
    connect(m_campaigns, &QTableWidget::itemSelectionChanged, this, &SandboxPage::showCampaigns);
    connect(m_traffic, &TrafficPanel::showDashboardRequested, this, &SandboxPage::showDashboardRequested);
    connect(m_traffic, &TrafficPanel::finished, this, &SandboxPage::dataChanged);
    connect(m_simulator, &TryItPanel::finished, this, [this] {
        if (m_simulator->lastOperation() == QLatin1String("redeem"))
            emit dataChanged();
    });

    m_tabs->setObjectName(QStringLiteral("sandboxTabs"));
    m_tabs->addTab(simulatorSplit, tr("Simulator"));
    m_tabs->addTab(m_traffic, tr("Traffic"));
    m_tabs->addTab(m_backtest, tr("Backtest"));
    m_tabs->addTab(campaignsTab, tr("Campaigns && Promotion"));
    auto *sandboxLayout = new QVBoxLayout(m_sandboxView);
    sandboxLayout->setContentsMargins(0, 0, 0, 0);
    sandboxLayout->addWidget(m_header);
    sandboxLayout->addWidget(m_tabs, 1);

    m_stack->addWidget(m_productionState);
    m_stack->addWidget(m_sandboxView);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_stack, 1);
}

SandboxPage::~SandboxPage() = default;

void SandboxPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    m_workspace = workspace;
    ++m_generation;
    m_production.clear();
    m_campaignList.clear();
    m_promotion->clear();
    const bool sandbox = workspace && workspace->kind == Store::WorkspaceKind::Sandbox;
    if (!sandbox) {
        m_productionState->setHeading(workspace ? tr("Try campaigns safely in a sandbox") : tr("No workspace is open"));
        m_productionState->setText(
            workspace ? tr("A sandbox is a workspace beside this one, seeded with an anonymised sample of its customers and orders "
                           "(or demo data). There you can try campaigns on hand-made carts, simulate a week of traffic, backtest "
                           "on this workspace's orders, and promote a campaign here when it is ready. Nothing done in a sandbox "
                           "touches this workspace.")
                      : tr("Open a workspace first, or create a sandbox with demo data."));
        m_stack->setCurrentWidget(m_productionState);
        m_simulator->setWorkspace(QString());
        m_cases->setWorkspace(QString());
        m_traffic->setWorkspace(workspace ? workspace->path : QString(), false);
        m_backtest->setWorkspaces(QString(), QString());
        return;
    }
    m_stack->setCurrentWidget(m_sandboxView);
    const QString path = workspace->path;
    m_header->setText(tr("<b>SANDBOX</b> — nothing done here touches production."));
    m_simulator->setWorkspace(path);
    m_cases->setWorkspace(path);
    m_traffic->setWorkspace(path, true);
    m_fresh = !isVisible(); // its first showing needs no reload
    const quint64 generation = m_generation;
    runInBackground(
        this, m_tasks,
        [path]() -> Result<QString> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            return Sandbox::productionOf(*connection.value());
        },
        [this, generation, path](const Result<QString> &production) {
            if (generation != m_generation)
                return;
            m_production = production ? production.value() : QString();
            if (!m_production.isEmpty() && !QFileInfo::exists(m_production)) {
                m_header->setText(tr("<b>SANDBOX</b> — nothing done here touches production. Its production, %1, is not there any "
                                     "more: backtests replay the sandbox's own orders and promotion is off.")
                                      .arg(QDir::toNativeSeparators(m_production).toHtmlEscaped()));
                m_production.clear();
            } else if (!m_production.isEmpty()) {
                m_header->setText(tr("<b>SANDBOX</b> of %1 — nothing done here touches production. <a href=\"production\">Open "
                                     "production</a>")
                                      .arg(QDir::toNativeSeparators(m_production).toHtmlEscaped()));
            } else {
                m_header->setText(tr("<b>SANDBOX</b> — nothing done here touches production. It was made without one: backtests "
                                     "replay its own orders and promotion is off."));
            }
            m_backtest->setWorkspaces(path, m_production.isEmpty() ? path : m_production);
            showCampaigns();
        });
    reloadCampaigns();
}

void SandboxPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    // Campaigns may have been edited on the Campaigns page meanwhile.
    if (!m_workspace || m_workspace->kind != Store::WorkspaceKind::Sandbox || std::exchange(m_fresh, false))
        return;
    reloadCampaigns();
    if (!m_traffic->isRunning())
        m_traffic->setWorkspace(m_workspace->path, true);
    if (!m_backtest->isRunning())
        m_backtest->setWorkspaces(m_workspace->path, m_production.isEmpty() ? m_workspace->path : m_production);
}

void SandboxPage::newSandbox()
{
    QString production;
    if (m_workspace)
        production = m_workspace->kind == Store::WorkspaceKind::Production ? m_workspace->path : m_production;
    NewSandboxDialog dialog(production, this);
    if (dialog.exec() != QDialog::Accepted || dialog.createdPath().isEmpty())
        return;
    if (QMessageBox::question(this, tr("Sandbox Created"), tr("Open the new sandbox now?\n\n%1").arg(QDir::toNativeSeparators(dialog.createdPath())))
        == QMessageBox::Yes)
        emit openWorkspaceRequested(dialog.createdPath());
}

void SandboxPage::reloadCampaigns()
{
    if (!m_workspace)
        return;
    const quint64 generation = m_generation;
    runInBackground(
        this, m_tasks,
        [path = m_workspace->path]() -> Result<QList<Engine::Campaign>> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            return Store::CampaignStore(*connection.value()).loadCampaigns();
        },
        [this, generation](const Result<QList<Engine::Campaign>> &result) {
            if (generation != m_generation)
                return;
            if (!result) {
                m_promotion->setStyleSheet(QStringLiteral("color: #b3261e;"));
                m_promotion->setText(tr("Cannot read the campaigns: %1").arg(result.error().toString()));
                return;
            }
            const QString selected = selectedCampaign();
            m_campaignList = result.value();
            std::sort(m_campaignList.begin(), m_campaignList.end(),
                      [](const Engine::Campaign &a, const Engine::Campaign &b) { return a.name.localeAwareCompare(b.name) < 0; });
            {
                const QSignalBlocker blocker(m_campaigns);
                m_campaigns->setRowCount(int(m_campaignList.size()));
                for (int row = 0; row < m_campaignList.size(); ++row) {
                    const Engine::Campaign &c = m_campaignList[row];
                    m_campaigns->setItem(row, CampaignName, new QTableWidgetItem(c.name));
                    m_campaigns->setItem(row, CampaignId, new QTableWidgetItem(c.id));
                    m_campaigns->setItem(row, CampaignType, new QTableWidgetItem(typeLabel(c.type)));
                    auto *status = new QTableWidgetItem(Engine::campaignStatusKey(c.status));
                    if (c.status == Engine::CampaignStatus::Active)
                        status->setForeground(QColor(0x1b, 0x7f, 0x3b));
                    m_campaigns->setItem(row, CampaignStatus, status);
                    if (c.id == selected)
                        m_campaigns->selectRow(row);
                }
            }
            showCampaigns();
            emit campaignsChanged();
        });
}

QString SandboxPage::selectedCampaign() const
{
    const int row = m_campaigns->currentRow();
    const auto *item = row >= 0 && m_campaigns->selectionModel()->isRowSelected(row, {}) ? m_campaigns->item(row, CampaignId) : nullptr;
    return item ? item->text() : QString();
}

void SandboxPage::showCampaigns()
{
    const QString id = selectedCampaign();
    const Engine::Campaign *c = nullptr;
    for (const Engine::Campaign &campaign : std::as_const(m_campaignList)) {
        if (campaign.id == id)
            c = &campaign;
    }
    m_activate->setEnabled(c && c->status != Engine::CampaignStatus::Active && c->status != Engine::CampaignStatus::Archived);
    m_pause->setEnabled(c && c->status == Engine::CampaignStatus::Active);
    m_promote->setEnabled(c && !m_production.isEmpty());
    if (m_production.isEmpty())
        m_promote->setToolTip(tr("This sandbox records no production workspace to promote to"));
    if (c)
        m_backtest->setCampaign(c->id);
}

void SandboxPage::setCampaignActive(const QString &campaignId, bool active)
{
    if (!m_workspace || campaignId.isEmpty())
        return;
    m_promotion->setStyleSheet(QString());
    m_promotion->setText(active ? tr("Activating %1…").arg(campaignId) : tr("Pausing %1…").arg(campaignId));
    runInBackground(
        this, m_tasks,
        [path = m_workspace->path, campaignId, active]() -> Result<Engine::Campaign> {
            auto connection = Store::Workspace::openForWriting(path);
            if (!connection)
                return connection.error();
            return Store::CampaignStore(*connection.value())
                .setStatus(campaignId, active ? Engine::CampaignStatus::Active : Engine::CampaignStatus::Paused, Actor);
        },
        [this, campaignId, active](const Result<Engine::Campaign> &result) {
            if (!result) {
                m_promotion->setStyleSheet(QStringLiteral("color: #b3261e;"));
                m_promotion->setText(tr("%1 not changed: %2").arg(campaignId, result.error().toString()));
            } else {
                m_promotion->setText(active ? tr("%1 is active in the sandbox.").arg(result.value().name)
                                            : tr("%1 is paused in the sandbox.").arg(result.value().name));
            }
            reloadCampaigns();
        });
}

void SandboxPage::promote(const QString &campaignId)
{
    if (!m_workspace || campaignId.isEmpty() || m_production.isEmpty())
        return;
    struct Outcome
    {
        Sandbox::PromotionCheck check;
        std::optional<Sandbox::PromotionResult> result;
    };
    m_promotion->setStyleSheet(QString());
    m_promotion->setText(tr("Checking %1 against production…").arg(campaignId));
    m_promote->setEnabled(false);
    runInBackground(
        this, m_tasks,
        [sandboxPath = m_workspace->path, production = m_production, campaignId]() -> Result<Outcome> {
            auto sandbox = Store::Workspace::openForWriting(sandboxPath); // the promotion is audited there too
            if (!sandbox)
                return sandbox.error();
            if (auto opened = Store::Workspace::open(production); !opened) // upgrades an older production first
                return opened.error();
            auto target = Store::Workspace::openForWriting(production);
            if (!target)
                return target.error();
            auto check = Sandbox::checkPromotion(*sandbox.value(), campaignId, *target.value());
            if (!check)
                return check.error();
            Outcome out{check.value(), std::nullopt};
            if (!out.check.ok())
                return out;
            auto promoted = Sandbox::promoteCampaign(*sandbox.value(), campaignId, *target.value(), Actor);
            if (!promoted)
                return promoted.error();
            out.result = promoted.value();
            return out;
        },
        [this, campaignId](const Result<Outcome> &result) {
            showCampaigns();
            if (!result) {
                m_promotion->setStyleSheet(QStringLiteral("color: #b3261e;"));
                m_promotion->setText(tr("Not promoted: %1").arg(result.error().toString()));
                emit promotionRefused({result.error().toString()});
                return;
            }
            if (!result.value().result) {
                const QStringList problems = result.value().check.problems;
                m_promotion->setStyleSheet(QStringLiteral("color: #b3261e;"));
                QString text = tr("<b>%1 was not promoted</b>; production is unchanged:").arg(campaignId.toHtmlEscaped());
                for (const QString &p : problems)
                    text += QStringLiteral("<br>• ") + p.toHtmlEscaped();
                m_promotion->setText(text);
                emit promotionRefused(problems);
                return;
            }
            const Sandbox::PromotionResult &r = *result.value().result;
            QString text = r.created ? tr("<b>%1 is in production</b> as a draft: activate it there when you are ready.").arg(r.campaignId.toHtmlEscaped())
                                     : tr("<b>%1 replaced production's copy</b>, keeping its status.").arg(r.campaignId.toHtmlEscaped());
            for (const QString &w : r.warnings + result.value().check.warnings)
                text += QStringLiteral("<br>⚠ ") + w.toHtmlEscaped();
            m_promotion->setStyleSheet(QStringLiteral("color: #1b7f3b;"));
            m_promotion->setText(text);
            emit promoted(r.campaignId);
        });
}

void SandboxPage::saveCase()
{
    if (m_simulator->lastRequest().isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save as Case"), tr("Name of the case:"), QLineEdit::Normal,
                                               tr("Case %1").arg(m_cases->cases().size() + 1), &ok);
    if (ok && !name.trimmed().isEmpty())
        m_cases->saveCase(name, m_simulator->lastOperation(), m_simulator->lastRequest());
}

void SandboxPage::openCase(const QString &operation, const QJsonObject &request)
{
    auto parsed = Engine::requestFromJson(request);
    if (!parsed)
        return;
    const Engine::Request &r = parsed.value();
    m_simulator->setCustomer(r.customer);
    m_simulator->setCart(r.order.items);
    m_simulator->setNow(r.now);
    m_simulator->setOperation(operation == QLatin1String("redeem")     ? TryItPanel::Operation::Redeem
                              : operation == QLatin1String("validate") ? TryItPanel::Operation::Validate
                                                                       : TryItPanel::Operation::Qualify);
    QStringList ids;
    for (const Engine::Redeemable &redeemable : r.redeemables)
        ids << redeemable.id;
    m_simulator->setRedeemables(ids.join(QLatin1Char(' ')));
    m_tabs->setCurrentIndex(0);
}

} // namespace PromoDesk::Ui
