#include "widgets/backtestpanel.h"

#include "common/csv.h"
#include "common/money.h"
#include "widgets/kpitile.h"

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
#include <QSaveFile>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace PromoDesk::Ui {

namespace {

constexpr int MinTableRows = 1;
constexpr int MaxTableRows = 10;

enum FailureColumn { FailureMeaning = 1 };
enum OverlapColumn { OverlapCampaign, OverlapOrders, OverlapShare, OverlapColumns };

// QDateTimeAxis (Qt 6.4) labels its values in local time and has no zone of its own:
// a UTC day is placed at local midnight of the same date, so the label names that UTC
// day whatever the machine's zone.
qreal axisX(const QDate &utcDay)
{
    return qreal(QDateTime(utcDay, QTime(0, 0)).toMSecsSinceEpoch());
}

} // namespace

BacktestPanel::BacktestPanel(QWidget *parent)
    : RunPanel(parent)
    , m_campaign(new QComboBox(this))
    , m_days(new QSpinBox(this))
    , m_ordersSource(new QLabel(this))
{
    createRunWidgets({tr("&Run backtest"), tr("Replay the orders through the campaign (Ctrl+Return)"),
                      tr("Stop the backtest (Esc)"), tr("Cancelling…")});
    buildUi();
    clearResult();
    setWorkspaces(QString(), QString());
}

BacktestPanel::~BacktestPanel()
{
    stopWork();
}

void BacktestPanel::buildUi()
{
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

    auto *formBox = new QGroupBox(tr("Backtest"), form());
    auto *formLayout = new QFormLayout(formBox);
    formLayout->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    formLayout->addRow(tr("C&ampaign:"), m_campaign);
    formLayout->addRow(tr("&Last:"), m_days);
    formLayout->addRow(tr("Orders:"), m_ordersSource);
    auto *formRow = new QVBoxLayout(form());
    formRow->setContentsMargins(0, 0, 0, 0);
    formRow->addWidget(formBox);

    // --- the result ---
    m_ordersTile = addTile(tr("Orders replayed"), QStringLiteral("ordersTile"));
    m_redeemTile = addTile(tr("Would redeem"), QStringLiteral("redeemTile"));
    m_customersTile = addTile(tr("Customers"), QStringLiteral("customersTile"));
    m_discountTile = addTile(tr("Discount cost"), QStringLiteral("discountTile"));
    m_orderValueTile = addTile(tr("Order value"), QStringLiteral("orderValueTile"));
    m_budgetTile = addTile(tr("Budget"), QStringLiteral("budgetTile"));
    // Six tiles: 6, 3, 2 or 1 to a row, so no row is left with a lone tile.
    setTileFlow(TileFlow::EvenRows);

    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart = new QChartView(chart, resultBox());
    m_chart->setObjectName(QStringLiteral("dailyChart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(320);

    m_failures = resultTable(QStringLiteral("failures"), {tr("Failure"), tr("What it means"), tr("Orders")}, resultBox());
    m_failures->horizontalHeader()->setSectionResizeMode(FailureMeaning, QHeaderView::Stretch);
    m_overlap = resultTable(QStringLiteral("overlap"), {tr("Campaign"), tr("Orders"), tr("Of those it would discount")},
                            resultBox());
    m_overlap->horizontalHeader()->setSectionResizeMode(OverlapCampaign, QHeaderView::Stretch);

    m_export = new QPushButton(tr("&Export daily series to CSV…"), resultBox());
    m_export->setObjectName(QStringLiteral("exportCsv"));
    connect(m_export, &QPushButton::clicked, this, &BacktestPanel::exportCsv);

    auto *failuresLabel = boldLabel(tr("Why the other orders did not qualify"), resultBox());
    auto *overlapLabel = boldLabel(tr("Overlap: other campaigns those orders redeemed"), resultBox());
    auto *tables = new QGridLayout;
    tables->addWidget(failuresLabel, 0, 0);
    tables->addWidget(m_failures, 1, 0, Qt::AlignTop);
    tables->addWidget(overlapLabel, 0, 1);
    tables->addWidget(m_overlap, 1, 1, Qt::AlignTop);
    tables->setColumnStretch(0, 3);
    tables->setColumnStretch(1, 2);
    tables->setAlignment(Qt::AlignTop);

    QVBoxLayout *results = layOutResult();
    results->addWidget(m_chart);
    results->addLayout(tables);
    addButtonRow(results, m_export);
    finishPage();
}

void BacktestPanel::setWorkspaces(const QString &campaignsFrom, const QString &ordersFrom)
{
    restart(); // a run under way goes on to its end, unheard
    m_campaignsFrom = campaignsFrom;
    m_ordersFrom = ordersFrom.isEmpty() ? campaignsFrom : ordersFrom;
    m_campaignList.clear();
    m_campaign->clear();
    m_result.reset();
    m_tried.reset();
    clearResult();
    showOrdersSource();
    if (campaignsFrom.isEmpty()) {
        m_message->setText(tr("Open a sandbox workspace to backtest its campaigns: File ▸ New Sandbox…"));
    } else {
        m_message->clear();
        m_campaign->setPlaceholderText(tr("Loading campaigns…"));
        loadCampaignsFrom(m_campaignsFrom);
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

void BacktestPanel::showCampaigns(const Result<WorkspaceCampaigns> &loaded)
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
        m_campaign->addItem(campaignLabel(c.id, c.name, c.status), c.id);
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

void BacktestPanel::updateEnabled()
{
    const bool usable = !m_campaignsFrom.isEmpty();
    showState(usable, m_campaignsLoaded && m_campaign->currentIndex() >= 0, false, m_result.has_value());
}

void BacktestPanel::run()
{
    if (isRunning() || !m_campaignsLoaded || m_ordersFrom.isEmpty())
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
    ProgressReport report = beginRun();
    m_progress->setRange(0, 0); // busy until the first report says how many orders
    setStatus(tr("Replaying the last %1 days of orders through “%2”…").arg(m_runDays).arg(campaignName(id)));
    updateEnabled();

    Sandbox::BacktestOptions options;
    options.days = m_runDays;
    // Sandbox::backtest opens its own read-only connections on its workers.
    auto job = [path = m_ordersFrom, draft = *m_tried, options, report]() -> Result<Sandbox::BacktestResult> {
        return Sandbox::backtest(path, draft, options, report);
    };
    runWorker(job, [this](const Result<Sandbox::BacktestResult> &result) { applyResult(result); });
}

QString BacktestPanel::progressText(qint64 done, qint64 total) const
{
    return tr("Replaying… %1 of %2 orders").arg(QLocale().toString(done), QLocale().toString(total));
}

std::optional<Sandbox::BacktestResult> BacktestPanel::result() const
{
    return m_result;
}

QString BacktestPanel::campaignName(const QString &id) const
{
    return campaignNameIn(m_campaignList, id);
}

void BacktestPanel::clearResult()
{
    clearHeadingAndTiles();
    for (QTableWidget *table : {m_failures, m_overlap})
        clearTable(table, MinTableRows, MaxTableRows);
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
    setHeading(r.cancelled ? tr("Cancelled: “%1” over the %2 orders replayed before the cancel, %3.")
                                 .arg(name, locale.toString(r.orders), period)
                           : tr("“%1” on %2 real orders, %3.").arg(name, locale.toString(r.orders), period),
               r.cancelled);
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

    if (!fillFailures(m_failures, r.failures))
        noneRow(m_failures, r.orders > 0 ? tr("Every order qualified.") : tr("No orders in the period."));
    fitRows(m_failures, MinTableRows, MaxTableRows);

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
    fitRows(m_overlap, MinTableRows, MaxTableRows);
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
