#include "widgets/backtestpanel.h"

#include "common/csv.h"
#include "common/money.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "widgets/kpitile.h"
#include "widgets/trafficpanel.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QSaveFile>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace PromoDesk::Ui {

namespace {

constexpr qint64 DayMs = 86'400'000;
constexpr int TileWidth = 200;
constexpr int MaxTableRows = 10;

enum FailureColumn { FailureKey, FailureMeaning, FailureOrders, FailureColumns };
enum OverlapColumn { OverlapCampaign, OverlapOrders, OverlapShare, OverlapColumns };

QString badStyle()
{
    return QStringLiteral("color: #b00020;");
}

QDate utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date();
}

// QDateTimeAxis (Qt 6.4) labels its values in local time and has no zone of its own:
// a UTC day is placed at local midnight of the same date, so the label names that UTC
// day whatever the machine's zone.
qreal axisX(const QDate &utcDay)
{
    return qreal(QDateTime(utcDay, QTime(0, 0)).toMSecsSinceEpoch());
}

QTableWidgetItem *numberItem(qint64 n)
{
    auto *item = new QTableWidgetItem(QLocale().toString(n));
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
    return table;
}

void fitRows(QTableWidget *table)
{
    const int rows = std::clamp(table->rowCount(), 1, MaxTableRows);
    const int height = table->horizontalHeader()->sizeHint().height() + rows * table->verticalHeader()->defaultSectionSize()
                       + 2 * table->frameWidth() + 2;
    table->setMinimumHeight(height);
    table->setMaximumHeight(height);
}

void noneRow(QTableWidget *table, const QString &text)
{
    table->setRowCount(1);
    auto *none = new QTableWidgetItem(text);
    none->setForeground(QColor(0x70, 0x70, 0x70));
    table->setItem(0, 0, none);
    table->setSpan(0, 0, 1, table->columnCount());
}

} // namespace

BacktestPanel::BacktestPanel(QWidget *parent)
    : QWidget(parent)
    , m_message(new QLabel(this))
    , m_campaign(new QComboBox(this))
    , m_days(new QSpinBox(this))
    , m_ordersSource(new QLabel(this))
    , m_run(new QPushButton(tr("&Run backtest"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_form(new QWidget(this))
    , m_resultBox(new QWidget(this))
    , m_heading(new QLabel(this))
    , m_tilesLayout(new QGridLayout)
{
    buildUi();
    clearResult();
    setWorkspaces(QString(), QString());
}

BacktestPanel::~BacktestPanel()
{
    if (m_runProgress)
        m_runProgress->cancelled.store(true);
    m_tasks.waitForAll();
}

void BacktestPanel::buildUi()
{
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; color: #6b3d00; border: 1px solid #f0c27a;"
                                            " border-radius: 3px; padding: 6px; }"));

    m_campaign->setObjectName(QStringLiteral("campaign"));
    m_campaign->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_campaign->setMinimumContentsLength(40);
    m_campaign->setToolTip(tr("Any campaign of the sandbox, whatever its status: it is tried as a draft"));
    m_days->setObjectName(QStringLiteral("days"));
    m_days->setRange(1, 3650);
    m_days->setValue(90);
    m_days->setSuffix(tr(" days"));
    m_days->setToolTip(tr("Replay the orders of this many days, up to the newest order"));
    m_ordersSource->setObjectName(QStringLiteral("ordersSource"));
    m_ordersSource->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *formBox = new QGroupBox(tr("Backtest"), m_form);
    auto *formLayout = new QFormLayout(formBox);
    formLayout->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    formLayout->addRow(tr("C&ampaign:"), m_campaign);
    formLayout->addRow(tr("&Last:"), m_days);
    formLayout->addRow(tr("Orders:"), m_ordersSource);
    auto *formRow = new QVBoxLayout(m_form);
    formRow->setContentsMargins(0, 0, 0, 0);
    formRow->addWidget(formBox);

    m_run->setObjectName(QStringLiteral("run"));
    m_run->setToolTip(tr("Replay the orders through the campaign (Ctrl+Return)"));
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(tr("Stop the backtest (Esc)"));
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

    m_ordersTile = new KpiTile(tr("Orders replayed"), m_resultBox);
    m_redeemTile = new KpiTile(tr("Would redeem"), m_resultBox);
    m_customersTile = new KpiTile(tr("Customers"), m_resultBox);
    m_discountTile = new KpiTile(tr("Discount cost"), m_resultBox);
    m_orderValueTile = new KpiTile(tr("Order value"), m_resultBox);
    m_budgetTile = new KpiTile(tr("Budget"), m_resultBox);
    m_ordersTile->setObjectName(QStringLiteral("ordersTile"));
    m_redeemTile->setObjectName(QStringLiteral("redeemTile"));
    m_customersTile->setObjectName(QStringLiteral("customersTile"));
    m_discountTile->setObjectName(QStringLiteral("discountTile"));
    m_orderValueTile->setObjectName(QStringLiteral("orderValueTile"));
    m_budgetTile->setObjectName(QStringLiteral("budgetTile"));
    m_tiles = {m_ordersTile, m_redeemTile, m_customersTile, m_discountTile, m_orderValueTile, m_budgetTile};
    m_tilesLayout->setSpacing(8);

    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart = new QChartView(chart, m_resultBox);
    m_chart->setObjectName(QStringLiteral("dailyChart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(320);

    m_failures = resultTable(QStringLiteral("failures"), {tr("Failure"), tr("What it means"), tr("Orders")}, m_resultBox);
    m_failures->horizontalHeader()->setSectionResizeMode(FailureMeaning, QHeaderView::Stretch);
    m_overlap = resultTable(QStringLiteral("overlap"), {tr("Campaign"), tr("Orders"), tr("Of those it would discount")},
                            m_resultBox);
    m_overlap->horizontalHeader()->setSectionResizeMode(OverlapCampaign, QHeaderView::Stretch);

    m_export = new QPushButton(tr("&Export daily series to CSV…"), m_resultBox);
    m_export->setObjectName(QStringLiteral("exportCsv"));
    connect(m_export, &QPushButton::clicked, this, &BacktestPanel::exportCsv);

    auto *failuresLabel = new QLabel(tr("Why the other orders did not qualify"), m_resultBox);
    auto *overlapLabel = new QLabel(tr("Overlap: other campaigns those orders redeemed"), m_resultBox);
    for (QLabel *label : {failuresLabel, overlapLabel}) {
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
    }
    auto *tables = new QGridLayout;
    tables->addWidget(failuresLabel, 0, 0);
    tables->addWidget(m_failures, 1, 0, Qt::AlignTop);
    tables->addWidget(overlapLabel, 0, 1);
    tables->addWidget(m_overlap, 1, 1, Qt::AlignTop);
    tables->setColumnStretch(0, 3);
    tables->setColumnStretch(1, 2);
    tables->setAlignment(Qt::AlignTop);

    auto *resultLayout = new QVBoxLayout(m_resultBox);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    resultLayout->addWidget(m_heading);
    resultLayout->addLayout(m_tilesLayout);
    resultLayout->addWidget(m_chart);
    resultLayout->addLayout(tables);
    auto *exportRow = new QHBoxLayout;
    exportRow->addStretch(1);
    exportRow->addWidget(m_export);
    resultLayout->addLayout(exportRow);

    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(m_message);
    contentLayout->addWidget(m_form);
    contentLayout->addLayout(runRow);
    contentLayout->addWidget(m_status);
    contentLayout->addWidget(m_resultBox);
    contentLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    reflowTiles();

    connect(m_run, &QPushButton::clicked, this, &BacktestPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &BacktestPanel::cancel);
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &BacktestPanel::run);
    }
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &BacktestPanel::cancel);
}

void BacktestPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    reflowTiles();
}

void BacktestPanel::reflowTiles()
{
    // Six tiles: 6, 3, 2 or 1 to a row, so no row is left with a lone tile.
    const int fit = std::max(1, width() / TileWidth);
    const int columns = fit >= 6 ? 6 : fit >= 3 ? 3 : fit >= 2 ? 2 : 1;
    if (columns == m_tileColumns)
        return;
    m_tileColumns = columns;
    for (KpiTile *tile : std::as_const(m_tiles))
        m_tilesLayout->removeWidget(tile);
    for (int i = 0; i < m_tiles.size(); ++i)
        m_tilesLayout->addWidget(m_tiles[i], i / columns, i % columns);
}

void BacktestPanel::setWorkspaces(const QString &campaignsFrom, const QString &ordersFrom)
{
    if (m_running) {
        // The run goes on to its end; its answer is dropped.
        cancel();
        m_runProgress.reset();
        m_running = false;
    }
    m_campaignsFrom = campaignsFrom;
    m_ordersFrom = ordersFrom.isEmpty() ? campaignsFrom : ordersFrom;
    m_campaignsLoaded = false;
    m_campaignList.clear();
    m_campaign->clear();
    m_currency.clear();
    ++m_loadGeneration;
    m_result.reset();
    m_tried.reset();
    clearResult();
    setStatus(QString());
    showOrdersSource();
    if (campaignsFrom.isEmpty()) {
        m_message->setText(tr("Open a sandbox workspace to backtest its campaigns: File ▸ New Sandbox…"));
    } else {
        m_message->clear();
        loadCampaigns();
    }
    updateEnabled();
}

void BacktestPanel::showOrdersSource()
{
    if (m_ordersFrom.isEmpty()) {
        m_ordersSource->clear();
        return;
    }
    const QString file = QFileInfo(m_ordersFrom).fileName();
    if (QFileInfo(m_ordersFrom) == QFileInfo(m_campaignsFrom))
        m_ordersSource->setText(tr("this sandbox's own orders, “%1” (no production workspace is recorded). "
                                   "Read only: nothing is written.")
                                    .arg(file));
    else
        m_ordersSource->setText(tr("the real orders of “%1”, read only: nothing is written to it.").arg(file));
    m_ordersSource->setToolTip(QDir::toNativeSeparators(m_ordersFrom));
}

void BacktestPanel::loadCampaigns()
{
    const quint64 generation = m_loadGeneration;
    m_campaign->setPlaceholderText(tr("Loading campaigns…"));
    auto job = [path = m_campaignsFrom]() -> Result<Loaded> {
        auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        auto info = Store::Workspace::readInfo(*connection.value());
        if (!info)
            return info.error();
        auto campaigns = Store::CampaignStore(*connection.value()).loadCampaigns();
        if (!campaigns)
            return campaigns.error();
        return Loaded{campaigns.value(), info.value().currency};
    };
    auto *watcher = new QFutureWatcher<Result<Loaded>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return;
        showCampaigns(watcher->result());
        emit campaignsReady();
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
}

void BacktestPanel::showCampaigns(const Result<Loaded> &loaded)
{
    m_campaign->clear();
    if (!loaded) {
        m_campaign->setPlaceholderText(QString());
        setStatus(tr("Could not read the campaigns: %1").arg(loaded.error().toString()), true);
        updateEnabled();
        return;
    }
    m_campaignsLoaded = true;
    m_currency = loaded.value().currency;
    m_campaignList = loaded.value().campaigns;
    m_campaign->setPlaceholderText(m_campaignList.isEmpty() ? tr("The sandbox has no campaigns") : QString());
    for (const Engine::Campaign &c : std::as_const(m_campaignList)) {
        m_campaign->addItem(QStringLiteral("%1 — %2").arg(c.name.isEmpty() ? c.id : c.name, Engine::campaignStatusKey(c.status)),
                            c.id);
        m_campaign->setItemData(m_campaign->count() - 1, c.id, Qt::ToolTipRole);
    }
    if (!m_pendingCampaign.isEmpty()) {
        const int at = m_campaign->findData(m_pendingCampaign);
        if (at >= 0)
            m_campaign->setCurrentIndex(at);
        m_pendingCampaign.clear();
    }
    updateEnabled();
}

void BacktestPanel::setCampaign(const QString &campaignId)
{
    if (!m_campaignsLoaded) {
        m_pendingCampaign = campaignId;
        return;
    }
    const int at = m_campaign->findData(campaignId);
    if (at >= 0)
        m_campaign->setCurrentIndex(at);
}

QString BacktestPanel::campaign() const
{
    return m_campaignsLoaded ? m_campaign->currentData().toString() : m_pendingCampaign;
}

void BacktestPanel::setDays(int days)
{
    m_days->setValue(days);
}

int BacktestPanel::days() const
{
    return m_days->value();
}

QString BacktestPanel::status() const
{
    return m_status->text();
}

void BacktestPanel::updateEnabled()
{
    const bool usable = !m_campaignsFrom.isEmpty();
    m_message->setVisible(!m_message->text().isEmpty());
    m_form->setEnabled(usable && !m_running);
    m_run->setEnabled(usable && !m_running && m_campaignsLoaded && m_campaign->currentIndex() >= 0);
    m_cancel->setEnabled(m_running);
    m_progress->setVisible(m_running);
    m_resultBox->setVisible(usable && m_result.has_value());
}

void BacktestPanel::run()
{
    if (m_running || !m_campaignsLoaded || m_ordersFrom.isEmpty())
        return;
    const QString id = m_campaign->currentData().toString();
    const auto found = std::find_if(m_campaignList.cbegin(), m_campaignList.cend(),
                                    [&id](const Engine::Campaign &c) { return c.id == id; });
    if (found == m_campaignList.cend())
        return;
    m_tried = *found;
    m_runDays = m_days->value();
    m_result.reset();
    clearResult();
    m_running = true;
    auto progress = std::make_shared<Progress>();
    m_runProgress = progress;
    m_progress->setRange(0, 0); // busy until the first report says how many orders
    setStatus(tr("Replaying the last %1 days of orders through “%2”…").arg(m_runDays).arg(campaignName(id)));
    updateEnabled();

    // The panel waits for this worker before it is destroyed, so `panel` outlives it.
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
    Sandbox::BacktestOptions options;
    options.days = m_runDays;
    // Sandbox::backtest opens its own read-only connections on its workers.
    auto job = [path = m_ordersFrom, draft = *m_tried, options, report]() -> Result<Sandbox::BacktestResult> {
        return Sandbox::backtest(path, draft, options, report);
    };
    auto *watcher = new QFutureWatcher<Result<Sandbox::BacktestResult>>(this);
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

void BacktestPanel::showProgress()
{
    if (!m_runProgress || !m_running)
        return;
    const qint64 done = m_runProgress->done.load();
    const qint64 total = m_runProgress->total.load();
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::min<qint64>(1000, done * 1000 / total)));
        if (!m_runProgress->cancelled.load())
            setStatus(tr("Replaying… %1 of %2 orders").arg(QLocale().toString(done), QLocale().toString(total)));
    }
    emit progressed(done, total);
}

void BacktestPanel::cancel()
{
    if (!m_running || !m_runProgress)
        return;
    m_runProgress->cancelled.store(true);
    m_cancel->setEnabled(false);
    setStatus(tr("Cancelling…"));
}

bool BacktestPanel::isRunning() const
{
    return m_running;
}

std::optional<Sandbox::BacktestResult> BacktestPanel::result() const
{
    return m_result;
}

void BacktestPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? badStyle() : QString());
    m_status->setVisible(!text.isEmpty());
}

QString BacktestPanel::campaignName(const QString &id) const
{
    for (const Engine::Campaign &c : m_campaignList) {
        if (c.id == id)
            return c.name.isEmpty() ? id : c.name;
    }
    return id;
}

void BacktestPanel::clearResult()
{
    m_heading->clear();
    for (KpiTile *tile : std::as_const(m_tiles))
        tile->setValue(QStringLiteral("—"));
    for (QTableWidget *table : {m_failures, m_overlap}) {
        table->clearSpans();
        table->setRowCount(0);
        fitRows(table);
    }
    updateChart();
}

void BacktestPanel::applyResult(const Result<Sandbox::BacktestResult> &result)
{
    clearResult();
    if (!result) {
        setStatus(tr("Could not run the backtest: %1").arg(result.error().toString()), true);
        return;
    }
    const Sandbox::BacktestResult &r = result.value();
    m_result = r;
    const QLocale locale;
    const Engine::Campaign &draft = *m_tried;
    const QString name = draft.name.isEmpty() ? draft.id : draft.name;
    QString period;
    if (!r.daily.isEmpty())
        period = tr("%1 to %2 (UTC)").arg(utcDate(r.daily.constFirst().dayStart).toString(Qt::ISODate),
                                          utcDate(r.daily.constLast().dayStart).toString(Qt::ISODate));
    else
        period = tr("the last %1 days").arg(m_runDays);
    m_heading->setText(r.cancelled ? tr("Cancelled: “%1” over the %2 orders replayed before the cancel, %3.")
                                         .arg(name, locale.toString(r.orders), period)
                                   : tr("“%1” on %2 real orders, %3.").arg(name, locale.toString(r.orders), period));
    m_heading->setStyleSheet(r.cancelled ? QStringLiteral("color: #6b3d00;") : QString());
    setStatus(r.cancelled ? tr("Cancelled after %1 s; the figures cover the orders replayed until then.")
                                .arg(locale.toString(r.seconds, 'f', 1))
                          : tr("Done in %1 s.").arg(locale.toString(r.seconds, 'f', 1)));

    m_ordersTile->setValue(locale.toString(r.orders), tr("in %1 days").arg(m_runDays));
    m_redeemTile->setValue(locale.toString(r.redemptions),
                           r.orders > 0 ? tr("%1 % of the orders")
                                              .arg(locale.toString(100.0 * double(r.redemptions) / double(r.orders), 'f', 1))
                                        : tr("no orders"));
    m_customersTile->setValue(locale.toString(r.customers), tr("distinct, among those orders"));
    m_discountTile->setValue(formatMoney(r.discount, m_currency),
                             r.redemptions > 0 ? tr("%1 per order on average").arg(formatMoney(r.discount / r.redemptions, m_currency))
                                               : tr("no order discounted"));
    m_orderValueTile->setValue(formatMoney(r.orderAmount, m_currency), tr("of the discounted orders"));
    const Engine::Limits &limits = draft.limits;
    QString budget;
    if (limits.budgetDiscount > 0 && limits.budgetRedemptions > 0)
        budget = tr("%1 or %2 redemptions").arg(formatMoney(limits.budgetDiscount, m_currency), locale.toString(limits.budgetRedemptions));
    else if (limits.budgetDiscount > 0)
        budget = tr("%1 of discount").arg(formatMoney(limits.budgetDiscount, m_currency));
    else if (limits.budgetRedemptions > 0)
        budget = tr("%1 redemptions").arg(locale.toString(limits.budgetRedemptions));
    if (r.budgetExhaustedAt)
        m_budgetTile->setValue(tr("Runs out on %1").arg(utcDate(*r.budgetExhaustedAt).toString(Qt::ISODate)),
                               tr("%1 UTC; budget %2")
                                   .arg(QDateTime::fromMSecsSinceEpoch(*r.budgetExhaustedAt, QTimeZone::utc()).toString(QStringLiteral("HH:mm")),
                                        budget));
    else if (!budget.isEmpty())
        m_budgetTile->setValue(tr("The budget lasts"), tr("budget %1").arg(budget));
    else
        m_budgetTile->setValue(tr("No budget"), tr("the campaign sets none"));

    QList<QString> keys = r.failures.keys();
    std::stable_sort(keys.begin(), keys.end(), [&r](const QString &a, const QString &b) {
        return r.failures[a] != r.failures[b] ? r.failures[a] > r.failures[b] : a < b;
    });
    m_failures->setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        m_failures->setItem(row, FailureKey, new QTableWidgetItem(keys[row]));
        m_failures->setItem(row, FailureMeaning, new QTableWidgetItem(describeFailureKey(keys[row])));
        m_failures->setItem(row, FailureOrders, numberItem(r.failures[keys[row]]));
    }
    if (keys.isEmpty())
        noneRow(m_failures, r.orders > 0 ? tr("Every order qualified.") : tr("No orders in the period."));
    fitRows(m_failures);

    QList<QString> others = r.overlap.keys();
    std::stable_sort(others.begin(), others.end(), [&r](const QString &a, const QString &b) {
        return r.overlap[a] != r.overlap[b] ? r.overlap[a] > r.overlap[b] : a < b;
    });
    m_overlap->setRowCount(int(others.size()));
    for (int row = 0; row < others.size(); ++row) {
        auto *campaign = new QTableWidgetItem(campaignName(others[row]));
        campaign->setToolTip(others[row]);
        m_overlap->setItem(row, OverlapCampaign, campaign);
        m_overlap->setItem(row, OverlapOrders, numberItem(r.overlap[others[row]]));
        auto *share = new QTableWidgetItem(
            r.redemptions > 0 ? locale.toString(100.0 * double(r.overlap[others[row]]) / double(r.redemptions), 'f', 1)
                                    + QStringLiteral(" %")
                              : QString());
        share->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_overlap->setItem(row, OverlapShare, share);
    }
    if (others.isEmpty())
        noneRow(m_overlap, tr("No other campaign was redeemed on those orders."));
    fitRows(m_overlap);
    updateChart();
}

// The discount per day as steps (one flat block per UTC day), and the running total
// against the budget on the right-hand axis; a redemption budget draws the running
// count of redemptions instead.
void BacktestPanel::updateChart()
{
    QChart *chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    if (!m_result || !m_tried || m_result->daily.isEmpty()) {
        chart->setTitle(m_result ? tr("No orders in the period") : QString());
        return;
    }
    const Sandbox::BacktestResult &r = *m_result;
    const Engine::Limits &limits = m_tried->limits;
    const bool countBudget = limits.budgetDiscount == 0 && limits.budgetRedemptions > 0;
    const qreal unit = countBudget ? 1.0 : 100.0;

    auto *upper = new QLineSeries;
    auto *running = new QLineSeries;
    running->setName(countBudget ? tr("Redemptions so far") : tr("Discount so far"));
    qint64 total = 0;
    qint64 peak = 0;
    for (const Sandbox::BacktestDay &day : r.daily) {
        const QDate date = utcDate(day.dayStart);
        const qreal x0 = axisX(date);
        const qreal x1 = axisX(date.addDays(1));
        upper->append(x0, qreal(day.discount) / 100.0);
        upper->append(x1, qreal(day.discount) / 100.0);
        total += countBudget ? day.redemptions : day.discount;
        running->append(x1, qreal(total) / unit);
        peak = std::max(peak, day.discount);
    }
    running->insert(0, QPointF(axisX(utcDate(r.daily.constFirst().dayStart)), 0));
    auto *lower = new QLineSeries;
    lower->append(upper->points().constFirst().x(), 0);
    lower->append(upper->points().constLast().x(), 0);
    auto *daily = new QAreaSeries(upper, lower);
    daily->setName(tr("Discount per day"));
    daily->setColor(QColor(0x4a, 0x90, 0xd9, 150));
    daily->setBorderColor(QColor(0x2f, 0x6d, 0xb0));
    running->setColor(QColor(0x1b, 0x7f, 0x3b));
    QPen runningPen = running->pen();
    runningPen.setWidth(2);
    running->setPen(runningPen);

    chart->addSeries(daily);
    chart->addSeries(running);
    const qint64 budget = countBudget ? limits.budgetRedemptions : limits.budgetDiscount;
    QLineSeries *budgetLine = nullptr;
    if (budget > 0) {
        budgetLine = new QLineSeries;
        budgetLine->setName(countBudget ? tr("Redemption budget") : tr("Budget"));
        budgetLine->append(running->points().constFirst().x(), qreal(budget) / unit);
        budgetLine->append(running->points().constLast().x(), qreal(budget) / unit);
        QPen pen(QColor(0xb3, 0x26, 0x1e));
        pen.setStyle(Qt::DashLine);
        pen.setWidth(2);
        budgetLine->setPen(pen);
        chart->addSeries(budgetLine);
    }

    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("MMM d"));
    x->setTitleText(tr("Day (UTC)"));
    x->setTickCount(std::min<int>(int(r.daily.size()) + 1, 10));
    x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(running->points().constFirst().x())),
                QDateTime::fromMSecsSinceEpoch(qint64(running->points().constLast().x())));
    auto *left = new QValueAxis;
    left->setTitleText(tr("Per day (%1)").arg(m_currency));
    left->setLabelFormat(QStringLiteral("%.0f"));
    left->setRange(0, std::max<qreal>(10, qreal(peak) / 100.0 * 1.1));
    left->applyNiceNumbers();
    auto *right = new QValueAxis;
    right->setTitleText(countBudget ? tr("Redemptions so far") : tr("So far (%1)").arg(m_currency));
    right->setLabelFormat(QStringLiteral("%.0f"));
    right->setRange(0, std::max<qreal>(10, qreal(std::max(total, budget)) / unit * 1.1));
    right->applyNiceNumbers();
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(left, Qt::AlignLeft);
    chart->addAxis(right, Qt::AlignRight);
    daily->attachAxis(x);
    daily->attachAxis(left);
    running->attachAxis(x);
    running->attachAxis(right);
    if (budgetLine) {
        budgetLine->attachAxis(x);
        budgetLine->attachAxis(right);
    }
    chart->setTitle(r.budgetExhaustedAt
                        ? tr("Discount per day and so far: the budget runs out on %1")
                              .arg(utcDate(*r.budgetExhaustedAt).toString(Qt::ISODate))
                        : budget > 0 ? tr("Discount per day and so far: the budget lasts")
                                     : tr("Discount per day and so far (no budget)"));
}

Status BacktestPanel::exportDailyCsv(const QString &file) const
{
    if (!m_result)
        return Error{tr("There is no backtest result to export."), file};
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error{out.errorString(), file};
    Csv::Writer csv(&out);
    csv.header({QStringLiteral("day"), QStringLiteral("orders"), QStringLiteral("redemptions"), QStringLiteral("discount"),
                QStringLiteral("discount_so_far")});
    qint64 total = 0;
    for (const Sandbox::BacktestDay &day : m_result->daily) {
        total += day.discount;
        csv.date(utcDate(day.dayStart)).number(day.orders).number(day.redemptions).money(day.discount).money(total).endRow();
    }
    if (Status written = csv.finish(); !written)
        return Error{written.error().message, file};
    if (!out.commit())
        return Error{out.errorString(), file};
    return {};
}

void BacktestPanel::exportCsv()
{
    const QString name = m_tried ? QStringLiteral("backtest-%1.csv").arg(m_tried->id) : QStringLiteral("backtest.csv");
    const QString file = QFileDialog::getSaveFileName(this, tr("Export the daily series"),
                                                      QDir(QFileInfo(m_campaignsFrom).absolutePath()).filePath(name),
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (file.isEmpty())
        return;
    if (Status written = exportDailyCsv(file); !written)
        setStatus(tr("Could not export the daily series: %1").arg(written.error().toString()), true);
    else
        setStatus(tr("Exported %1 days to %2.").arg(m_result->daily.size()).arg(QDir::toNativeSeparators(file)));
}

} // namespace PromoDesk::Ui
