#include "widgets/trafficpanel.h"

#include "common/money.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "widgets/kpitile.h"

#include <QDateEdit>
#include <QDateTime>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace PromoDesk::Ui {

namespace {

constexpr int IdRole = Qt::UserRole + 1;
constexpr int TileWidth = 200;
constexpr int MaxTableRows = 12;

enum CampaignColumn { CampaignName, CampaignRedemptions, CampaignFailed, CampaignDiscount, CampaignBudgetOut, CampaignColumns };
enum FailureColumn { FailureKey, FailureMeaning, FailureAttempts, FailureColumns };

QString badStyle()
{
    return QStringLiteral("color: #b00020;");
}

QString mutedStyle()
{
    return QStringLiteral("color: #707070;");
}

qint64 utcMidnight(const QDate &date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QDate utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date();
}

QTableWidgetItem *numberItem(qint64 n)
{
    auto *item = new QTableWidgetItem(QLocale().toString(n));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidgetItem *moneyItem(qint64 cents, const QString &currency)
{
    auto *item = new QTableWidgetItem(formatMoney(cents, currency));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget *resultTable(const QString &name, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    return table;
}

// A table inside a scrolling page: tall enough for its rows (up to a dozen), so the
// page scrolls rather than the table shrinking to two rows.
void fitRows(QTableWidget *table)
{
    const int rows = std::clamp(table->rowCount(), 2, MaxTableRows);
    const int height = table->horizontalHeader()->sizeHint().height() + rows * table->verticalHeader()->defaultSectionSize()
                       + 2 * table->frameWidth() + 2;
    table->setMinimumHeight(height);
    table->setMaximumHeight(height);
}

} // namespace

QString describeFailureKey(const QString &key)
{
    static const QHash<QString, QString> meanings = {
        {QStringLiteral("quantity_exceeded"), QObject::tr("the code's redemption limit is used up")},
        {QStringLiteral("redemption_rules_violated"), QObject::tr("a limit or budget of the campaign is used up")},
        {QStringLiteral("customer_rules_violated"), QObject::tr("the customer does not meet the campaign's rules")},
        {QStringLiteral("order_rules_violated"), QObject::tr("the cart does not meet the campaign's rules")},
        {QStringLiteral("voucher_expired"), QObject::tr("the code or campaign has expired")},
        {QStringLiteral("voucher_not_active"), QObject::tr("the code or campaign has not started yet")},
        {QStringLiteral("voucher_not_active_now"), QObject::tr("outside the campaign's days or hours")},
        {QStringLiteral("voucher_disabled"), QObject::tr("the campaign is not active")},
        {QStringLiteral("promotion_inactive"), QObject::tr("the promotion is not active")},
        {QStringLiteral("promotion_tier_not_best"), QObject::tr("a better tier of the same promotion applied")},
        {QStringLiteral("resource_not_found"), QObject::tr("no such code or campaign")},
        {QStringLiteral("missing_customer"), QObject::tr("a guest cannot use it: it needs a customer")},
        {QStringLiteral("exclusion_rules_not_met"), QObject::tr("stacking rules exclude it with another discount")},
        {QStringLiteral("applicable_redeemables_limit_exceeded"), QObject::tr("too many discounts on one order")},
        {QStringLiteral("duplicate_redeemable"), QObject::tr("the same code twice in one order")},
        {QStringLiteral("nothing_left_to_discount"), QObject::tr("other discounts already took the whole order")},
        {QStringLiteral("order_amount_covered"), QObject::tr("other discounts already cover the order amount")},
        {QStringLiteral("gift_amount_exceeded"), QObject::tr("the gift card's balance is used up")},
        {QStringLiteral("not_redeemed"), QObject::tr("not redeemed: another redeemable of the order failed")},
    };
    return meanings.value(key);
}

TrafficPanel::TrafficPanel(QWidget *parent)
    : QWidget(parent)
    , m_message(new QLabel(this))
    , m_sessions(new QSpinBox(this))
    , m_from(new QDateEdit(this))
    , m_to(new QDateEdit(this))
    , m_memberShare(new QSpinBox(this))
    , m_codePropensity(new QSpinBox(this))
    , m_seed(new QSpinBox(this))
    , m_campaigns(new QListWidget(this))
    , m_campaignsHint(new QLabel(this))
    , m_run(new QPushButton(tr("&Run simulation"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_form(new QWidget(this))
    , m_result(new QWidget(this))
    , m_heading(new QLabel(this))
    , m_tilesLayout(new QGridLayout)
{
    buildUi();
    setOptions(Sandbox::TrafficOptions{});
    m_sessions->setValue(5000);
    clearResult();
    setWorkspace(QString(), false);
}

TrafficPanel::~TrafficPanel()
{
    if (m_runProgress)
        m_runProgress->cancelled.store(true);
    m_tasks.waitForAll();
}

void TrafficPanel::buildUi()
{
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; color: #6b3d00; border: 1px solid #f0c27a;"
                                            " border-radius: 3px; padding: 6px; }"));

    // --- the form ---
    m_sessions->setObjectName(QStringLiteral("sessions"));
    m_sessions->setRange(1, 1'000'000);
    m_sessions->setSingleStep(1000);
    m_sessions->setGroupSeparatorShown(true);
    m_sessions->setToolTip(tr("How many shopping sessions to simulate"));
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setCalendarPopup(true);
    }
    m_from->setObjectName(QStringLiteral("from"));
    m_to->setObjectName(QStringLiteral("to"));
    m_from->setToolTip(tr("The first simulated day (UTC)"));
    m_to->setToolTip(tr("The last simulated day (UTC), included"));
    m_memberShare->setObjectName(QStringLiteral("memberShare"));
    m_memberShare->setRange(0, 100);
    m_memberShare->setSuffix(QStringLiteral(" %"));
    m_memberShare->setToolTip(tr("The share of sessions by a customer of the workspace; the rest are guests"));
    m_codePropensity->setObjectName(QStringLiteral("codePropensity"));
    m_codePropensity->setRange(0, 100);
    m_codePropensity->setSuffix(QStringLiteral(" %"));
    m_codePropensity->setToolTip(tr("The chance that a session types a code of a chosen campaign that has codes"));
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("The same seed on the same sandbox gives the same sessions and results"));

    auto *period = new QHBoxLayout;
    period->addWidget(m_from);
    auto *toLabel = new QLabel(tr("to"), this);
    toLabel->setBuddy(m_to);
    period->addWidget(toLabel);
    period->addWidget(m_to);
    period->addWidget(new QLabel(tr("UTC, both days included"), this));
    period->addStretch(1);

    auto *formBox = new QGroupBox(tr("Traffic"), m_form);
    auto *formLayout = new QFormLayout(formBox);
    formLayout->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    formLayout->addRow(tr("&Sessions:"), m_sessions);
    auto *periodLabel = new QLabel(tr("&Period:"), formBox);
    periodLabel->setBuddy(m_from);
    formLayout->addRow(periodLabel, period);
    formLayout->addRow(tr("&Members:"), m_memberShare);
    formLayout->addRow(tr("Code &propensity:"), m_codePropensity);
    formLayout->addRow(tr("S&eed:"), m_seed);

    m_campaigns->setObjectName(QStringLiteral("campaigns"));
    m_campaigns->setUniformItemSizes(true);
    m_campaigns->setMinimumHeight(m_campaigns->fontMetrics().height() * 6);
    m_campaigns->setMinimumWidth(m_campaigns->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 34);
    m_campaignsHint->setObjectName(QStringLiteral("campaignsHint"));
    m_campaignsHint->setWordWrap(true);
    m_campaignsHint->setStyleSheet(mutedStyle());
    auto *campaignsBox = new QGroupBox(tr("&Campaigns"), m_form);
    auto *campaignsLayout = new QVBoxLayout(campaignsBox);
    campaignsLayout->addWidget(m_campaigns, 1);
    campaignsLayout->addWidget(m_campaignsHint);

    auto *formRow = new QHBoxLayout(m_form);
    formRow->setContentsMargins(0, 0, 0, 0);
    formRow->addWidget(formBox);
    formRow->addWidget(campaignsBox, 1);

    m_run->setObjectName(QStringLiteral("run"));
    m_run->setToolTip(tr("Simulate the traffic in this sandbox (Ctrl+Return)"));
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(tr("Stop the simulation; the sessions that ran are kept (Esc)"));
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setTextVisible(false);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_run->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    m_cancel->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_progress, 1);
    runRow->addStretch(0);

    // --- the result ---
    m_heading->setObjectName(QStringLiteral("heading"));
    m_heading->setWordWrap(true);
    QFont headline = m_heading->font();
    headline.setBold(true);
    headline.setPointSizeF(headline.pointSizeF() * 1.2);
    m_heading->setFont(headline);

    m_sessionsTile = new KpiTile(tr("Sessions"), m_result);
    m_ordersTile = new KpiTile(tr("Orders discounted"), m_result);
    m_redemptionsTile = new KpiTile(tr("Redemptions"), m_result);
    m_discountTile = new KpiTile(tr("Discount given"), m_result);
    m_orderValueTile = new KpiTile(tr("Order value"), m_result);
    m_sessionsTile->setObjectName(QStringLiteral("sessionsTile"));
    m_ordersTile->setObjectName(QStringLiteral("ordersTile"));
    m_redemptionsTile->setObjectName(QStringLiteral("redemptionsTile"));
    m_discountTile->setObjectName(QStringLiteral("discountTile"));
    m_orderValueTile->setObjectName(QStringLiteral("orderValueTile"));
    m_tiles = {m_sessionsTile, m_ordersTile, m_redemptionsTile, m_discountTile, m_orderValueTile};
    m_tilesLayout->setSpacing(8);

    m_perCampaign = resultTable(QStringLiteral("perCampaign"),
                                {tr("Campaign"), tr("Redemptions"), tr("Failed"), tr("Discount"), tr("Budget ran out at (UTC)")},
                                m_result);
    m_failures = resultTable(QStringLiteral("failures"), {tr("Failure"), tr("What it means"), tr("Attempts")}, m_result);
    m_failures->horizontalHeader()->setSectionResizeMode(FailureKey, QHeaderView::ResizeToContents);
    m_failures->horizontalHeader()->setSectionResizeMode(FailureMeaning, QHeaderView::Stretch);

    m_dashboard = new QPushButton(tr("Show on the &dashboard"), m_result);
    m_dashboard->setObjectName(QStringLiteral("showDashboard"));
    m_dashboard->setToolTip(tr("The simulated redemptions are in the sandbox's statistics: see them on its dashboard"));
    connect(m_dashboard, &QPushButton::clicked, this, &TrafficPanel::showDashboardRequested);

    auto *perCampaignLabel = new QLabel(tr("Per campaign"), m_result);
    auto *failuresLabel = new QLabel(tr("Why redemptions failed"), m_result);
    for (QLabel *label : {perCampaignLabel, failuresLabel}) {
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
    }
    auto *resultLayout = new QVBoxLayout(m_result);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    resultLayout->addWidget(m_heading);
    resultLayout->addLayout(m_tilesLayout);
    resultLayout->addSpacing(6);
    resultLayout->addWidget(perCampaignLabel);
    resultLayout->addWidget(m_perCampaign);
    resultLayout->addWidget(failuresLabel);
    resultLayout->addWidget(m_failures);
    auto *dashboardRow = new QHBoxLayout;
    dashboardRow->addStretch(1);
    dashboardRow->addWidget(m_dashboard);
    resultLayout->addLayout(dashboardRow);

    // --- the page: everything scrolls together ---
    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(m_message);
    contentLayout->addWidget(m_form);
    contentLayout->addLayout(runRow);
    contentLayout->addWidget(m_status);
    contentLayout->addWidget(m_result);
    contentLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    reflowTiles();

    // --- behaviour ---
    connect(m_run, &QPushButton::clicked, this, &TrafficPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &TrafficPanel::cancel);
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &TrafficPanel::run);
    }
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &TrafficPanel::cancel);
    // The last day cannot come before the first.
    connect(m_from, &QDateEdit::dateChanged, this, [this](const QDate &from) {
        if (m_to->date() < from)
            m_to->setDate(from);
    });
    connect(m_to, &QDateEdit::dateChanged, this, [this](const QDate &to) {
        if (m_from->date() > to)
            m_from->setDate(to);
    });
}

void TrafficPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    reflowTiles();
}

// The tiles flow into as many columns as fit.
void TrafficPanel::reflowTiles()
{
    const int columns = std::clamp(width() / TileWidth, 1, int(m_tiles.size()));
    if (columns == m_tileColumns)
        return;
    m_tileColumns = columns;
    for (KpiTile *tile : std::as_const(m_tiles))
        m_tilesLayout->removeWidget(tile);
    for (int i = 0; i < m_tiles.size(); ++i)
        m_tilesLayout->addWidget(m_tiles[i], i / columns, i % columns);
}

void TrafficPanel::setWorkspace(const QString &path, bool sandbox)
{
    if (m_running) {
        // The run goes on to its end on the other workspace; its answer is dropped.
        cancel();
        m_runProgress.reset();
        m_running = false;
    }
    m_path = path;
    m_sandbox = sandbox && !path.isEmpty();
    m_campaignsLoaded = false;
    m_campaignList.clear();
    m_campaigns->clear();
    m_currency.clear();
    ++m_loadGeneration;
    m_summary.reset();
    clearResult();
    setStatus(QString());
    if (path.isEmpty()) {
        m_message->setText(tr("Open a sandbox workspace to simulate traffic: File ▸ New Sandbox…"));
    } else if (!sandbox) {
        m_message->setText(tr("Traffic simulation runs only in a sandbox: File ▸ New Sandbox…"));
    } else {
        m_message->clear();
        loadCampaigns();
    }
    updateEnabled();
}

void TrafficPanel::loadCampaigns()
{
    const quint64 generation = m_loadGeneration;
    m_campaignsHint->setText(tr("Loading the sandbox's campaigns…"));
    auto job = [path = m_path]() -> Result<Loaded> {
        auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        auto info = Store::Workspace::readInfo(*connection.value());
        if (!info)
            return info.error();
        Loaded loaded;
        loaded.currency = info.value().currency;
        loaded.sandbox = info.value().kind == Store::WorkspaceKind::Sandbox;
        auto campaigns = Store::CampaignStore(*connection.value()).loadCampaigns();
        if (!campaigns)
            return campaigns.error();
        for (const Engine::Campaign &c : campaigns.value())
            loaded.campaigns.append({c.id, c.name, c.status});
        return loaded;
    };
    auto *watcher = new QFutureWatcher<Result<Loaded>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return; // another workspace since
        showCampaigns(watcher->result());
        emit campaignsReady();
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
}

void TrafficPanel::showCampaigns(const Result<Loaded> &loaded)
{
    m_campaigns->clear();
    m_campaignList.clear();
    if (!loaded) {
        m_campaignsHint->setText(tr("Could not read the campaigns: %1").arg(loaded.error().toString()));
        m_campaignsHint->setStyleSheet(badStyle());
        updateEnabled();
        return;
    }
    if (!loaded.value().sandbox) {
        // The file says production, whatever the caller thought.
        m_sandbox = false;
        m_message->setText(tr("Traffic simulation runs only in a sandbox: File ▸ New Sandbox…"));
        updateEnabled();
        return;
    }
    m_campaignsLoaded = true;
    m_currency = loaded.value().currency;
    m_campaignList = loaded.value().campaigns;
    int active = 0;
    for (const CampaignEntry &c : std::as_const(m_campaignList)) {
        auto *item = new QListWidgetItem(
            QStringLiteral("%1 — %2").arg(c.name.isEmpty() ? c.id : c.name, Engine::campaignStatusKey(c.status)), m_campaigns);
        item->setData(IdRole, c.id);
        item->setToolTip(c.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(m_pendingCampaigns.contains(c.id) ? Qt::Checked : Qt::Unchecked);
        if (c.status == Engine::CampaignStatus::Active)
            ++active;
    }
    m_pendingCampaigns.clear();
    m_campaignsHint->setStyleSheet(mutedStyle());
    m_campaignsHint->setText(m_campaignList.isEmpty()
                                 ? tr("The sandbox has no campaigns yet.")
                                 : tr("None checked: every active campaign (%1 of %2).").arg(active).arg(m_campaignList.size()));
    updateEnabled();
}

void TrafficPanel::updateEnabled()
{
    const bool usable = m_sandbox && !m_path.isEmpty();
    m_message->setVisible(!m_message->text().isEmpty());
    m_form->setEnabled(usable && !m_running);
    m_run->setEnabled(usable && !m_running);
    m_cancel->setEnabled(m_running);
    m_progress->setVisible(m_running || (m_summary.has_value() && usable));
    m_result->setVisible(usable && m_summary.has_value());
}

void TrafficPanel::setOptions(const Sandbox::TrafficOptions &options)
{
    m_sessions->setValue(int(std::clamp<qint64>(options.sessions, m_sessions->minimum(), m_sessions->maximum())));
    QDate from = options.from > 0 ? utcDate(options.from) : QDateTime::currentDateTimeUtc().date();
    QDate to = options.to > options.from ? utcDate(options.to - 1) : from.addDays(6);
    m_to->setDate(std::max(from, to));
    m_from->setDate(from);
    m_memberShare->setValue(int(std::lround(std::clamp(options.memberShare, 0.0, 1.0) * 100)));
    m_codePropensity->setValue(int(std::lround(std::clamp(options.codePropensity, 0.0, 1.0) * 100)));
    m_seed->setValue(int(std::min<quint32>(options.seed, quint32(std::numeric_limits<int>::max()))));
    m_batch = options.batch;
    if (m_campaignsLoaded) {
        for (int i = 0; i < m_campaigns->count(); ++i) {
            QListWidgetItem *item = m_campaigns->item(i);
            item->setCheckState(options.campaignIds.contains(item->data(IdRole).toString()) ? Qt::Checked : Qt::Unchecked);
        }
    } else {
        m_pendingCampaigns = options.campaignIds;
    }
}

Sandbox::TrafficOptions TrafficPanel::options() const
{
    Sandbox::TrafficOptions options;
    options.sessions = m_sessions->value();
    options.from = utcMidnight(m_from->date());
    options.to = utcMidnight(m_to->date().addDays(1));
    options.memberShare = m_memberShare->value() / 100.0;
    options.codePropensity = m_codePropensity->value() / 100.0;
    options.seed = quint32(m_seed->value());
    options.batch = m_batch;
    if (m_campaignsLoaded) {
        for (int i = 0; i < m_campaigns->count(); ++i) {
            if (m_campaigns->item(i)->checkState() == Qt::Checked)
                options.campaignIds << m_campaigns->item(i)->data(IdRole).toString();
        }
    } else {
        options.campaignIds = m_pendingCampaigns;
    }
    return options;
}

void TrafficPanel::run()
{
    if (m_running || !m_sandbox || m_path.isEmpty())
        return;
    m_runOptions = options();
    m_summary.reset();
    clearResult();
    m_running = true;
    auto progress = std::make_shared<Progress>();
    progress->total.store(m_runOptions.sessions);
    m_runProgress = progress;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    setStatus(tr("Simulating… 0 of %1 sessions").arg(QLocale().toString(m_runOptions.sessions)));
    updateEnabled();

    // Progress reaches the UI thread as one queued call at a time; the figures are read
    // from the shared state when it runs, so none is lost and the queue never floods.
    // The panel waits for this worker before it is destroyed, so `panel` outlives the
    // worker, and a call still queued when the panel goes is dropped with it.
    auto report = [progress, panel = this](qint64 done, qint64 total) -> bool {
        progress->done.store(done);
        progress->total.store(total);
        if (!progress->posted.exchange(true)) {
            QMetaObject::invokeMethod(panel, [panel, progress] {
                progress->posted.store(false);
                if (panel->m_runProgress == progress)
                    panel->showProgress();
            }, Qt::QueuedConnection);
        }
        return !progress->cancelled.load();
    };
    // Its own read-write connection: a SQLite connection belongs to the thread that uses it.
    auto job = [path = m_path, options = m_runOptions, report]() -> Result<Sandbox::TrafficSummary> {
        auto connection = Store::Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        return Sandbox::simulateTraffic(*connection.value(), options, report);
    };
    auto *watcher = new QFutureWatcher<Result<Sandbox::TrafficSummary>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, progress] {
        watcher->deleteLater();
        if (m_runProgress != progress)
            return;
        m_running = false;
        applyResult(watcher->result());
        m_runProgress.reset();
        updateEnabled();
        emit finished();
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
}

void TrafficPanel::showProgress()
{
    if (!m_runProgress || !m_running)
        return;
    const qint64 done = m_runProgress->done.load();
    const qint64 total = std::max<qint64>(1, m_runProgress->total.load());
    m_progress->setValue(int(std::min<qint64>(1000, done * 1000 / total)));
    if (!m_runProgress->cancelled.load())
        setStatus(tr("Simulating… %1 of %2 sessions").arg(QLocale().toString(done), QLocale().toString(total)));
    emit progressed(done, total);
}

void TrafficPanel::cancel()
{
    if (!m_running || !m_runProgress)
        return;
    m_runProgress->cancelled.store(true);
    m_cancel->setEnabled(false);
    setStatus(tr("Cancelling… the sessions that ran are kept."));
}

bool TrafficPanel::isRunning() const
{
    return m_running;
}

std::optional<Sandbox::TrafficSummary> TrafficPanel::summary() const
{
    return m_summary;
}

QString TrafficPanel::message() const
{
    return m_message->text();
}

QString TrafficPanel::status() const
{
    return m_status->text();
}

void TrafficPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? badStyle() : QString());
    m_status->setVisible(!text.isEmpty());
}

void TrafficPanel::clearResult()
{
    m_heading->clear();
    for (KpiTile *tile : std::as_const(m_tiles))
        tile->setValue(QStringLiteral("—"));
    m_perCampaign->setRowCount(0);
    m_failures->clearSpans();
    m_failures->setRowCount(0);
    fitRows(m_perCampaign);
    fitRows(m_failures);
}

QString TrafficPanel::campaignName(const QString &id) const
{
    for (const CampaignEntry &c : m_campaignList) {
        if (c.id == id)
            return c.name.isEmpty() ? id : c.name;
    }
    return id;
}

void TrafficPanel::applyResult(const Result<Sandbox::TrafficSummary> &result)
{
    clearResult();
    if (!result) {
        m_progress->setVisible(false);
        setStatus(tr("Could not simulate traffic: %1").arg(result.error().toString()), true);
        return;
    }
    const Sandbox::TrafficSummary &s = result.value();
    m_summary = s;
    const QLocale locale;
    const qint64 asked = m_runOptions.sessions;
    // The bar shows the sessions that ran, so a cancelled run stops where it stopped.
    m_progress->setValue(int(std::min<qint64>(1000, s.sessions * 1000 / std::max<qint64>(1, asked))));
    const QString period = tr("%1 to %2 (UTC)")
                               .arg(utcDate(m_runOptions.from).toString(Qt::ISODate),
                                    utcDate(m_runOptions.to - 1).toString(Qt::ISODate));
    if (s.cancelled) {
        m_heading->setText(tr("Cancelled after %1 of %2 sessions, %3. The sessions that ran are kept in the sandbox.")
                               .arg(locale.toString(s.sessions), locale.toString(asked), period));
        setStatus(tr("Cancelled: %1 of %2 sessions ran in %3 s.")
                      .arg(locale.toString(s.sessions), locale.toString(asked), locale.toString(s.seconds, 'f', 1)));
    } else {
        m_heading->setText(tr("%1 sessions simulated, %2.").arg(locale.toString(s.sessions), period));
        setStatus(tr("Done: %1 of %2 sessions in %3 s.")
                      .arg(locale.toString(s.sessions), locale.toString(asked), locale.toString(s.seconds, 'f', 1)));
    }
    m_heading->setStyleSheet(s.cancelled ? QStringLiteral("color: #6b3d00;") : QString());

    const qint64 attempts = s.redemptionsSucceeded + s.redemptionsFailed;
    m_sessionsTile->setValue(locale.toString(s.sessions), s.cancelled ? tr("cancelled; %1 asked").arg(locale.toString(asked))
                                                                       : tr("of %1 asked").arg(locale.toString(asked)));
    m_ordersTile->setValue(locale.toString(s.ordersWithDiscount),
                           s.sessions > 0 ? tr("%1 % of sessions")
                                                .arg(locale.toString(100.0 * double(s.ordersWithDiscount) / double(s.sessions), 'f', 1))
                                          : QString());
    m_redemptionsTile->setValue(locale.toString(s.redemptionsSucceeded),
                                tr("%1 failed of %2 attempts").arg(locale.toString(s.redemptionsFailed), locale.toString(attempts)));
    m_discountTile->setValue(formatMoney(s.discount, m_currency),
                             s.orderAmount > 0 ? tr("%1 % of order value")
                                                     .arg(locale.toString(100.0 * double(s.discount) / double(s.orderAmount), 'f', 1))
                                               : QString());
    m_orderValueTile->setValue(formatMoney(s.orderAmount, m_currency), tr("all sessions, before discounts"));

    // Per campaign, most discount first (ties by name, so the order is stable).
    using Row = std::pair<QString, Sandbox::TrafficSummary::PerCampaign>;
    QList<Row> rows;
    for (auto it = s.campaigns.cbegin(); it != s.campaigns.cend(); ++it)
        rows.append({it.key(), it.value()});
    std::stable_sort(rows.begin(), rows.end(), [this](const Row &x, const Row &y) {
        if (x.second.discount != y.second.discount)
            return x.second.discount > y.second.discount;
        if (x.second.redemptions != y.second.redemptions)
            return x.second.redemptions > y.second.redemptions;
        return campaignName(x.first) < campaignName(y.first);
    });
    m_perCampaign->setRowCount(int(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
        const QString &id = rows[row].first;
        const Sandbox::TrafficSummary::PerCampaign &c = rows[row].second;
        auto *name = new QTableWidgetItem(campaignName(id));
        name->setToolTip(id);
        name->setData(IdRole, id);
        m_perCampaign->setItem(row, CampaignName, name);
        m_perCampaign->setItem(row, CampaignRedemptions, numberItem(c.redemptions));
        m_perCampaign->setItem(row, CampaignFailed, numberItem(c.failed));
        m_perCampaign->setItem(row, CampaignDiscount, moneyItem(c.discount, m_currency));
        auto *out = new QTableWidgetItem(
            c.budgetExhaustedAt ? QDateTime::fromMSecsSinceEpoch(*c.budgetExhaustedAt, QTimeZone::utc())
                                      .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                                : tr("did not run out"));
        out->setForeground(c.budgetExhaustedAt ? QColor(0xb0, 0x00, 0x20) : QColor(0x70, 0x70, 0x70));
        m_perCampaign->setItem(row, CampaignBudgetOut, out);
    }
    fitRows(m_perCampaign);

    QList<QString> keys = s.failures.keys();
    std::stable_sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
        return s.failures[a] != s.failures[b] ? s.failures[a] > s.failures[b] : a < b;
    });
    m_failures->setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        m_failures->setItem(row, FailureKey, new QTableWidgetItem(keys[row]));
        m_failures->setItem(row, FailureMeaning, new QTableWidgetItem(describeFailureKey(keys[row])));
        m_failures->setItem(row, FailureAttempts, numberItem(s.failures[keys[row]]));
    }
    if (keys.isEmpty()) {
        m_failures->setRowCount(1);
        auto *none = new QTableWidgetItem(tr("No redemption failed."));
        none->setForeground(QColor(0x70, 0x70, 0x70));
        m_failures->setItem(0, FailureKey, none);
        m_failures->setSpan(0, 0, 1, FailureColumns);
    }
    fitRows(m_failures);
}

} // namespace PromoDesk::Ui
