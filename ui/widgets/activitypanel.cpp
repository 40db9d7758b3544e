#include "activitypanel.h"

#include "common/csv.h"
#include "common/money.h"
#include "items/statsloader.h"
#include "widgets/kpitile.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QFileDialog>
#include <QMenu>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateEdit>
#include <QDateTimeAxis>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QTimer>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace PromoDesk::Ui {

using Store::StatsBucket;
using Store::StatsStore;

namespace {

constexpr qint64 HourMs = 3'600'000;
constexpr int TopBars = 8;

QChartView *chartView(const QString &title, QWidget *parent)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(240);
    return view;
}

// Sets a chart's bars: one set over the given labels and values, horizontal (most
// first, drawn top down) or vertical (in the given order). A live update over the
// same labels changes the values in place; only new labels rebuild the series.
void setBars(QChartView *view, const QString &setName, const QStringList &labels, const QList<qreal> &values,
             bool horizontal = true)
{
    QStringList categories;
    QList<qreal> ordered;
    for (qsizetype n = 0; n < labels.size(); ++n) {
        // Horizontal bars grow upwards: add the smallest first so the largest is on top.
        const qsizetype i = horizontal ? labels.size() - 1 - n : n;
        categories << labels[i];
        ordered << values[i];
    }
    const qreal top = std::max<qreal>(1, values.isEmpty() ? 1 : *std::max_element(values.begin(), values.end()));
    QChart *chart = view->chart();
    auto *existing = qobject_cast<QAbstractBarSeries *>(chart->series().value(0));
    const auto axes = chart->axes();
    auto *categoryAxis = existing ? qobject_cast<QBarCategoryAxis *>(existing->attachedAxes().value(0)) : nullptr;
    auto *valueAxis = existing ? qobject_cast<QValueAxis *>(existing->attachedAxes().value(1)) : nullptr;
    if (categoryAxis && valueAxis && categoryAxis->categories() == categories && existing->barSets().size() == 1) {
        QBarSet *set = existing->barSets().constFirst();
        for (int i = 0; i < ordered.size(); ++i)
            set->replace(i, ordered[i]);
        valueAxis->setRange(0, top);
        valueAxis->applyNiceNumbers();
        return;
    }
    chart->removeAllSeries();
    for (QAbstractAxis *axis : axes) {
        chart->removeAxis(axis);
        delete axis;
    }
    auto *set = new QBarSet(setName);
    set->append(ordered);
    QAbstractBarSeries *series = horizontal ? static_cast<QAbstractBarSeries *>(new QHorizontalBarSeries) : new QBarSeries;
    series->append(set);
    series->setLabelsVisible(horizontal);
    series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    chart->addSeries(series);
    auto *y = new QBarCategoryAxis;
    y->append(categories);
    y->setTruncateLabels(false);
    chart->addAxis(y, horizontal ? Qt::AlignLeft : Qt::AlignBottom);
    series->attachAxis(y);
    auto *x = new QValueAxis;
    x->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(x, horizontal ? Qt::AlignBottom : Qt::AlignLeft);
    series->attachAxis(x);
    x->setRange(0, top);
    x->applyNiceNumbers();
    chart->legend()->setVisible(false);
}

} // namespace

ActivityPanel::ActivityPanel(QWidget *parent)
    : QWidget(parent), m_period(new QComboBox(this)), m_campaign(new QComboBox(this)), m_tier(new QComboBox(this)),
      m_from(new QDateEdit(this)), m_to(new QDateEdit(this)), m_status(new QLabel(this)),
      m_alerts(new QLabel(this)),
      m_redemptions(new KpiTile(tr("Redemptions"), this)), m_successRate(new KpiTile(tr("Success rate"), this)),
      m_discount(new KpiTile(tr("Discount given"), this)), m_revenue(new KpiTile(tr("Revenue influenced"), this)),
      m_rollbacks(new KpiTile(tr("Rollbacks"), this)), m_codes(new KpiTile(tr("Codes published"), this)),
      m_validations(new KpiTile(tr("Validations"), this)),
      m_pollTimer(new QTimer(this)), m_generation(std::make_shared<std::atomic<quint64>>(0))
{
    setObjectName(QStringLiteral("activityPanel"));
    m_period->setObjectName(QStringLiteral("activityPeriod"));
    m_period->addItem(tr("Today (UTC)"), int(Period::Today));
    m_period->addItem(tr("Last 7 days"), int(Period::Last7Days));
    m_period->addItem(tr("Last 30 days"), int(Period::Last30Days));
    m_period->addItem(tr("Last 90 days"), int(Period::Last90Days));
    m_period->addItem(tr("Last 365 days"), int(Period::Last365Days));
    m_period->addItem(tr("Custom…"), int(Period::Custom));
    m_period->setCurrentIndex(2);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setVisible(false);
    }
    m_from->setObjectName(QStringLiteral("activityFrom"));
    m_to->setObjectName(QStringLiteral("activityTo"));
    m_from->setToolTip(tr("First day (UTC), included"));
    m_to->setToolTip(tr("Last day (UTC), included"));
    m_from->setDate(today.addDays(-29));
    m_to->setDate(today);
    m_tier->setObjectName(QStringLiteral("activityTier"));
    m_tier->setVisible(false);
    m_tier->setToolTip(tr("Only this promotion tier"));
    m_campaign->setObjectName(QStringLiteral("activityCampaign"));
    m_campaign->addItem(tr("All campaigns"), QString());
    m_campaign->setMinimumContentsLength(24);
    m_campaign->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_status->setObjectName(QStringLiteral("activityStatus"));
    m_status->setWordWrap(true); // long messages wrap instead of widening the panel

    auto *heading = new QLabel(tr("Campaign activity"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.2);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    auto *controls = new QHBoxLayout;
    controls->addWidget(heading);
    controls->addSpacing(16);
    controls->addWidget(m_period);
    controls->addWidget(m_from);
    controls->addWidget(m_to);
    controls->addWidget(m_campaign);
    controls->addWidget(m_tier);
    controls->addSpacing(12);
    controls->addWidget(m_status, 1);

    m_alerts->setObjectName(QStringLiteral("activityAlerts"));
    m_alerts->setWordWrap(true);
    m_alerts->setTextFormat(Qt::RichText);
    m_alerts->setVisible(false);
    m_alerts->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; border: 1px solid #f0c27b; border-radius: 4px; padding: 6px 10px; }"));

    m_tiles = new QGridLayout;
    m_tiles->setSpacing(12);
    layoutTiles();

    m_timeChart = chartView(tr("Redemptions over time (UTC)"), this);
    m_succeeded = new QLineSeries;
    m_succeeded->setName(tr("Succeeded"));
    m_succeeded->setColor(QColor(0x1b, 0x7f, 0x3b));
    m_failed = new QLineSeries;
    m_failed->setName(tr("Failed"));
    m_failed->setColor(QColor(0xb3, 0x26, 0x1e));
    QChart *chart = m_timeChart->chart();
    chart->addSeries(m_succeeded);
    chart->addSeries(m_failed);
    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setFormat(QStringLiteral("MMM d"));
    m_countAxis = new QValueAxis;
    m_countAxis->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_countAxis, Qt::AlignLeft);
    for (QLineSeries *series : {m_succeeded, m_failed}) {
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_countAxis);
    }
    m_failureChart = chartView(tr("Failure reasons"), this);
    m_campaignChart = chartView(tr("Top campaigns by discount"), this);
    m_hourChart = chartView(tr("Redemptions by hour of day (UTC)"), this);
    m_weekdayChart = chartView(tr("Redemptions by day of week (UTC)"), this);
    m_budgetChart = chartView(tr("Budget burn-down"), this);
    m_budgetChart->setObjectName(QStringLiteral("budgetChart"));
    m_budgetChart->setVisible(false);
    m_tierChart = chartView(tr("Promotion tiers: redemptions"), this);
    m_tierChart->setObjectName(QStringLiteral("tierChart"));
    m_tierChart->setVisible(false);
    for (Chart c : {Chart::OverTime, Chart::FailureReasons, Chart::TopCampaigns, Chart::HourOfDay, Chart::DayOfWeek,
                    Chart::BudgetBurnDown, Chart::Tiers})
        addExportMenu(view(c), c);

    auto *charts = new QGridLayout;
    charts->addWidget(m_budgetChart, 3, 0, 1, 2);
    // One campaign: its tiers where the top campaigns would be.
    charts->addWidget(m_tierChart, 1, 1);
    charts->addWidget(m_timeChart, 0, 0, 1, 2);
    charts->addWidget(m_failureChart, 1, 0);
    charts->addWidget(m_campaignChart, 1, 1);
    charts->addWidget(m_hourChart, 2, 0);
    charts->addWidget(m_weekdayChart, 2, 1);
    charts->setRowStretch(0, 3);
    charts->setRowStretch(1, 2);
    charts->setRowStretch(2, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_alerts);
    layout->addLayout(m_tiles);
    layout->addLayout(charts, 1);

    connect(m_period, &QComboBox::currentIndexChanged, this, [this] {
        updatePeriodControls();
        reload();
    });
    connect(m_campaign, &QComboBox::currentIndexChanged, this, [this] {
        // Another campaign: its own tiers, all of them.
        const QSignalBlocker blocker(m_tier);
        m_tier->clear();
        reload();
    });
    connect(m_tier, &QComboBox::currentIndexChanged, this, &ActivityPanel::reload);
    for (QDateEdit *edit : {m_from, m_to})
        connect(edit, &QDateEdit::dateChanged, this, &ActivityPanel::reload);
    m_pollTimer->setInterval(PollMs);
    connect(m_pollTimer, &QTimer::timeout, this, &ActivityPanel::poll);
}

ActivityPanel::~ActivityPanel()
{
    stopThread();
}

// The tiles in as many columns as fit: one row on a wide dashboard, two in the editor.
void ActivityPanel::layoutTiles()
{
    const QList<KpiTile *> tiles{m_redemptions, m_successRate, m_discount, m_revenue, m_rollbacks, m_codes, m_validations};
    constexpr int TileWidth = 150;
    const int fit = std::max(1, (width() + m_tiles->spacing()) / (TileWidth + m_tiles->spacing()));
    const int columns = fit >= int(tiles.size()) ? int(tiles.size()) : std::min(fit, int(tiles.size() + 1) / 2);
    if (columns == m_tileColumns)
        return;
    m_tileColumns = columns;
    for (KpiTile *tile : tiles)
        m_tiles->removeWidget(tile);
    for (int i = 0; i < tiles.size(); ++i) {
        tiles[i]->setMinimumWidth(130);
        m_tiles->addWidget(tiles[i], i / columns, i % columns);
    }
}

void ActivityPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    layoutTiles();
}

void ActivityPanel::stopThread()
{
    m_pollTimer->stop();
    // Queued requests see the new generation and return at once; the loader closes its
    // connection in its own thread as that thread ends.
    m_loaderThread.stop();
    m_loader = nullptr;
}

void ActivityPanel::setWorkspace(const QString &path, const QString &currency)
{
    stopThread();
    m_path = path;
    m_currency = currency;
    m_loaded = false;
    if (path.isEmpty())
        return;
    m_loader = m_loaderThread.start(path);
    reload();
    m_pollTimer->start();
}

void ActivityPanel::setPeriod(Period period)
{
    m_period->setCurrentIndex(std::max(0, m_period->findData(int(period))));
}

void ActivityPanel::setCustomPeriod(QDate from, QDate to)
{
    {
        const QSignalBlocker blockFrom(m_from), blockTo(m_to), blockPeriod(m_period);
        m_from->setDate(from);
        m_to->setDate(to);
        m_period->setCurrentIndex(m_period->findData(int(Period::Custom)));
    }
    updatePeriodControls();
    reload();
}

bool ActivityPanel::customPeriod() const
{
    return Period(m_period->currentData().toInt()) == Period::Custom;
}

void ActivityPanel::updatePeriodControls()
{
    const bool custom = Period(m_period->currentData().toInt()) == Period::Custom;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
}

void ActivityPanel::setFixedCampaign(const QString &campaignId)
{
    m_fixedCampaign = campaignId;
    m_campaign->setVisible(campaignId.isEmpty());
    {
        const QSignalBlocker blocker(m_tier);
        m_tier->clear();
    }
    reload();
}

void ActivityPanel::setTier(const QString &tierId)
{
    m_tier->setCurrentIndex(std::max(0, m_tier->findData(tierId)));
}

void ActivityPanel::setCampaign(const QString &campaignId)
{
    m_campaign->setCurrentIndex(std::max(0, m_campaign->findData(campaignId)));
}

qint64 ActivityPanel::bucketMs() const
{
    return m_query.toHour - m_query.fromHour <= 7 * 24 ? HourMs : 24 * HourMs;
}

qint64 ActivityPanel::bucketStart(qint64 hour) const
{
    const qint64 ms = hour * HourMs;
    return ms - ms % bucketMs();
}

void ActivityPanel::reload()
{
    if (!m_loader)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 nowHour = StatsStore::hourOf(now);
    const qint64 today = nowHour - nowHour % 24;
    int days = 30;
    m_status->setStyleSheet(QString());
    switch (Period(m_period->currentData().toInt())) {
    case Period::Today: days = 1; break;
    case Period::Last7Days: days = 7; break;
    case Period::Last30Days: days = 30; break;
    case Period::Last90Days: days = 90; break;
    case Period::Last365Days: days = 365; break;
    case Period::Custom: {
        const QDate from = m_from->date(), to = m_to->date();
        if (to < from) {
            m_generation->fetch_add(1); // whatever was loading is no longer wanted
            m_loaded = false;
            m_status->setStyleSheet(QStringLiteral("color: #b3261e;"));
            m_status->setText(tr("The period ends before it starts: choose a last day on or after %1.").arg(from.toString(Qt::ISODate)));
            return;
        }
        days = int(from.daysTo(to)) + 1;
        const qint64 lastDay = QDateTime(to, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() / HourMs;
        m_query.fromHour = lastDay - qint64(days - 1) * 24;
        m_query.toHour = lastDay + 24;
        break;
    }
    }
    if (!customPeriod()) {
        m_query.fromHour = today - qint64(days - 1) * 24;
        m_query.toHour = nowHour + 1;
    }
    const QString campaign = m_fixedCampaign.isEmpty() ? m_campaign->currentData().toString() : m_fixedCampaign;
    m_query.campaignIds = campaign.isEmpty() ? QStringList() : QStringList{campaign};
    m_query.tierId = campaign.isEmpty() ? QString() : m_tier->currentData().toString();
    m_status->setText(tr("Loading…"));
    m_loaded = false;
    const quint64 generation = m_generation->fetch_add(1) + 1;
    const Store::StatsQuery query = m_query;
    Items::runInLoader(
        m_loader, this, [generation, query](Items::StatsLoader *loader) { return loader->load(generation, query); },
        [this, generation](const Result<Store::ActivitySnapshot> &result) { apply(generation, result); });
}

void ActivityPanel::apply(quint64 generation, const Result<Store::ActivitySnapshot> &result)
{
    if (generation != m_generation->load())
        return;
    if (!result) {
        m_status->setText(tr("Could not read the statistics: %1").arg(result.error().toString()));
        return;
    }
    const Store::ActivitySnapshot &s = result.value();
    m_version = s.dataVersion;
    if (m_currency.isEmpty())
        m_currency = s.currency;
    m_budget = s.budgetDiscount;
    m_budgetSpent = s.budgetUsed;
    m_hourly.clear();
    for (const StatsBucket &b : s.hourly)
        m_hourly.insert(b.hour, b);
    m_perCampaign = s.perCampaign;
    m_perTier = s.perTier;
    m_failures = s.failures;
    // One campaign's tiers, keeping the choice.
    m_tiers = s.tiers;
    {
        const QSignalBlocker blocker(m_tier);
        m_tier->clear();
        m_tier->addItem(tr("All tiers"), QString());
        for (const auto &[id, name] : m_tiers)
            m_tier->addItem(name.isEmpty() ? id : name, id);
        m_tier->setCurrentIndex(std::max(0, m_tier->findData(m_query.tierId)));
        m_tier->setVisible(!m_tiers.isEmpty());
    }
    // The campaign list, keeping the choice.
    m_names.clear();
    const QString chosen = m_campaign->currentData().toString();
    {
        const QSignalBlocker blocker(m_campaign);
        m_campaign->clear();
        m_campaign->addItem(tr("All campaigns"), QString());
        for (const auto &[id, name] : s.campaigns) {
            m_names.insert(id, name);
            m_campaign->addItem(name, id);
        }
        m_campaign->setCurrentIndex(std::max(0, m_campaign->findData(chosen)));
    }
    // The series: one point per bucket of the period, zeros included.
    QList<QPointF> succeeded, failed;
    const qint64 step = bucketMs();
    QMap<qint64, std::pair<qint64, qint64>> perBucket;
    for (const StatsBucket &b : s.hourly) {
        auto &[ok, ko] = perBucket[bucketStart(b.hour)];
        ok += b.redemptionsSucceeded;
        ko += b.redemptionsFailed;
    }
    for (qint64 at = bucketStart(m_query.fromHour); at < m_query.toHour * HourMs; at += step) {
        const auto counts = perBucket.value(at);
        succeeded << QPointF(qreal(at), qreal(counts.first));
        failed << QPointF(qreal(at), qreal(counts.second));
    }
    m_succeeded->replace(succeeded);
    m_failed->replace(failed);
    m_timeAxis->setFormat(step == HourMs ? QStringLiteral("MMM d HH:mm") : QStringLiteral("MMM d"));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(bucketStart(m_query.fromHour), QTimeZone::utc()),
                         QDateTime::fromMSecsSinceEpoch(std::max(bucketStart(m_query.toHour - 1), bucketStart(m_query.fromHour) + step),
                                                        QTimeZone::utc()));
    qreal top = 1;
    for (const QPointF &p : succeeded + failed)
        top = std::max(top, p.y());
    m_countAxis->setRange(0, top * 1.1);
    m_countAxis->applyNiceNumbers();
    // Alerts: budgets and codes running out, campaigns ending, failures spiking.
    QStringList alerts;
    for (const Store::CampaignAlert &a : s.alerts) {
        if (!m_query.campaignIds.isEmpty() && !m_query.campaignIds.contains(a.campaignId))
            continue;
        alerts << QStringLiteral("⚠ <b>%1</b>: %2").arg(a.campaignName.toHtmlEscaped(), a.message.toHtmlEscaped());
    }
    m_alerts->setText(alerts.join(QStringLiteral("<br>")));
    m_alerts->setVisible(!alerts.isEmpty());
    m_updates = 0;
    m_polledHour = m_query.toHour - 1;
    m_loaded = true;
    updateTiles();
    updateBars();
    updateTiers();
    updateTimeOfWeek();
    updateBurnDown();
    m_status->setText(tr("Live: updates as redemptions happen, from any process. Right-click a chart to save it."));
    emit loaded();
}

void ActivityPanel::poll()
{
    if (!m_loader || !m_loaded || m_polling)
        return;
    m_polling = true;
    // The period follows the clock. Read again: the newest hour with activity and after,
    // and the hour that was current at the last poll (writes in its last moments).
    if (!customPeriod())
        m_query.toHour = StatsStore::hourOf(QDateTime::currentMSecsSinceEpoch()) + 1;
    const qint64 tail = std::min(m_hourly.isEmpty() ? m_query.fromHour : m_hourly.lastKey(), m_polledHour);
    m_polledHour = m_query.toHour - 1;
    const quint64 generation = m_generation->load();
    const Store::StatsQuery query = m_query;
    const qint64 seen = m_version;
    Items::runInLoader(
        m_loader, this,
        [generation, query, tail, seen](Items::StatsLoader *loader) { return loader->poll(generation, query, tail, seen); },
        [this, generation](const Result<std::optional<Store::ActivitySnapshot>> &result) {
            m_polling = false;
            applyTail(generation, result);
        });
}

void ActivityPanel::applyTail(quint64 generation, const Result<std::optional<Store::ActivitySnapshot>> &result)
{
    if (generation != m_generation->load() || !result || !result.value())
        return;
    const Store::ActivitySnapshot &s = *result.value();
    m_version = s.dataVersion;
    m_budget = s.budgetDiscount;
    m_budgetSpent = s.budgetUsed;
    QSet<qint64> buckets;
    for (const StatsBucket &b : s.hourly) {
        m_hourly.insert(b.hour, b);
        buckets.insert(bucketStart(b.hour));
    }
    m_perCampaign = s.perCampaign;
    m_perTier = s.perTier;
    m_failures = s.failures;
    QList<qint64> sorted(buckets.begin(), buckets.end());
    std::sort(sorted.begin(), sorted.end());
    for (qint64 at : sorted)
        setPoint(at);
    ++m_updates;
    updateTiles();
    updateBars();
    updateTiers();
    updateTimeOfWeek();
    updateBurnDown();
    emit updated();
}

// Sets the point of one bucket (the last one, or a new one appended) from the hours in memory.
void ActivityPanel::setPoint(qint64 at)
{
    qint64 ok = 0, ko = 0;
    for (auto it = m_hourly.lowerBound(at / HourMs); it != m_hourly.end() && it.key() * HourMs < at + bucketMs(); ++it) {
        ok += it->redemptionsSucceeded;
        ko += it->redemptionsFailed;
    }
    for (auto [series, value] : {std::pair{m_succeeded, ok}, std::pair{m_failed, ko}}) {
        const int count = series->count();
        int index = count - 1;
        while (index >= 0 && series->at(index).x() > qreal(at))
            --index;
        if (index >= 0 && series->at(index).x() == qreal(at))
            series->replace(index, QPointF(qreal(at), qreal(value)));
        else
            series->append(QPointF(qreal(at), qreal(value)));
        if (qreal(value) > m_countAxis->max())
            m_countAxis->setMax(qreal(value) * 1.1);
    }
    if (QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc()) > m_timeAxis->max())
        m_timeAxis->setMax(QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc()));
}

void ActivityPanel::updateTiles()
{
    m_totals = {};
    for (const StatsBucket &b : std::as_const(m_hourly))
        m_totals += b;
    const QLocale locale;
    const StatsBucket &t = m_totals;
    m_redemptions->setValue(locale.toString(t.redemptionsSucceeded), tr("%1 failed").arg(locale.toString(t.redemptionsFailed)));
    const qint64 attempts = t.redemptionsSucceeded + t.redemptionsFailed;
    m_successRate->setValue(attempts ? locale.toString(100.0 * double(t.redemptionsSucceeded) / double(attempts), 'f', 1) + QLatin1Char('%')
                                     : QStringLiteral("—"),
                            tr("of %1 attempts").arg(locale.toString(attempts)));
    m_discount->setValue(formatMoney(t.netDiscount(), m_currency),
                         t.rolledBackDiscount ? tr("%1 rolled back").arg(formatMoney(t.rolledBackDiscount, m_currency)) : QString());
    m_revenue->setValue(formatMoney(t.orderAmount, m_currency), tr("orders that redeemed"));
    m_rollbacks->setValue(locale.toString(t.rollbacks), tr("redemptions undone"));
    m_codes->setValue(locale.toString(t.codesPublished), tr("%1 created").arg(locale.toString(t.codesCreated)));
    m_validations->setValue(locale.toString(t.validations()), tr("%1 invalid").arg(locale.toString(t.validationsInvalid)));
}

// One campaign with promotion tiers: each tier's succeeded and failed redemptions.
void ActivityPanel::updateTiers()
{
    m_tierChart->setVisible(!m_tiers.isEmpty());
    m_campaignChart->setVisible(m_query.campaignIds.size() != 1);
    if (m_tiers.isEmpty())
        return;
    QHash<QString, StatsBucket> byId;
    for (const StatsBucket &b : std::as_const(m_perTier))
        byId.insert(b.tierId, b);
    QStringList names;
    QList<qreal> succeeded, failed;
    for (const auto &[id, name] : std::as_const(m_tiers)) {
        names << (name.isEmpty() ? id : name);
        succeeded << qreal(byId.value(id).redemptionsSucceeded);
        failed << qreal(byId.value(id).redemptionsFailed);
    }
    QChart *chart = m_tierChart->chart();
    auto *series = qobject_cast<QHorizontalBarSeries *>(chart->series().value(0));
    auto *axis = series ? qobject_cast<QBarCategoryAxis *>(series->attachedAxes().value(0)) : nullptr;
    auto *values = series ? qobject_cast<QValueAxis *>(series->attachedAxes().value(1)) : nullptr;
    // Top down in the campaign's order.
    std::reverse(names.begin(), names.end());
    std::reverse(succeeded.begin(), succeeded.end());
    std::reverse(failed.begin(), failed.end());
    qreal top = 1;
    for (qreal v : succeeded + failed)
        top = std::max(top, v);
    if (!series || !axis || !values || axis->categories() != names) {
        chart->removeAllSeries();
        for (QAbstractAxis *old : chart->axes()) {
            chart->removeAxis(old);
            delete old;
        }
        series = new QHorizontalBarSeries;
        for (const auto &[label, colour] : {std::pair{tr("Succeeded"), QColor(0x1b, 0x7f, 0x3b)}, std::pair{tr("Failed"), QColor(0xb3, 0x26, 0x1e)}}) {
            auto *set = new QBarSet(label);
            set->setColor(colour);
            set->append(QList<qreal>(names.size(), 0));
            series->append(set);
        }
        series->setLabelsVisible(true);
        series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
        chart->addSeries(series);
        axis = new QBarCategoryAxis;
        axis->append(names);
        axis->setTruncateLabels(false);
        chart->addAxis(axis, Qt::AlignLeft);
        series->attachAxis(axis);
        values = new QValueAxis;
        values->setLabelFormat(QStringLiteral("%.0f"));
        chart->addAxis(values, Qt::AlignBottom);
        series->attachAxis(values);
        chart->legend()->setVisible(true);
    }
    for (int i = 0; i < names.size(); ++i) {
        series->barSets()[0]->replace(i, succeeded[i]);
        series->barSets()[1]->replace(i, failed[i]);
    }
    values->setRange(0, top);
    values->applyNiceNumbers();
}

void ActivityPanel::updateBars()
{
    QStringList labels;
    QList<qreal> values;
    for (const Store::FailureCount &f : m_failures.mid(0, TopBars)) {
        labels << (f.failureCode.isEmpty() ? tr("(no key)") : f.failureCode);
        values << qreal(f.attempts);
    }
    setBars(m_failureChart, tr("Failed attempts"), labels, values);
    QList<StatsBucket> campaigns = m_perCampaign;
    std::sort(campaigns.begin(), campaigns.end(),
              [](const StatsBucket &a, const StatsBucket &b) { return a.netDiscount() > b.netDiscount(); });
    labels.clear();
    values.clear();
    for (const StatsBucket &b : campaigns.mid(0, TopBars)) {
        if (b.netDiscount() <= 0)
            continue;
        QString name = m_names.value(b.campaignId, b.campaignId);
        if (name.size() > 28)
            name = name.left(27) + QChar(0x2026);
        labels << name;
        values << qreal(b.netDiscount()) / 100.0;
    }
    setBars(m_campaignChart, tr("Discount (%1)").arg(m_currency), labels, values);
}

// Succeeded redemptions by UTC hour of day and day of week, from the hours in memory.
void ActivityPanel::updateTimeOfWeek()
{
    QList<qreal> byHour(24, 0), byDay(7, 0);
    for (const StatsBucket &b : std::as_const(m_hourly)) {
        byHour[int(((b.hour % 24) + 24) % 24)] += qreal(b.redemptionsSucceeded);
        // Day 0 of the epoch (1970-01-01) was a Thursday: Monday first.
        byDay[int((((b.hour / 24) + 3) % 7 + 7) % 7)] += qreal(b.redemptionsSucceeded);
    }
    QStringList hours, days;
    for (int h = 0; h < 24; ++h)
        hours << QString::number(h);
    const QLocale locale;
    for (int d = 1; d <= 7; ++d)
        days << locale.dayName(d, QLocale::ShortFormat);
    setBars(m_hourChart, tr("Succeeded"), hours, byHour, false);
    setBars(m_weekdayChart, tr("Succeeded"), days, byDay, false);
}

QChartView *ActivityPanel::view(Chart chart) const
{
    switch (chart) {
    case Chart::OverTime: return m_timeChart;
    case Chart::FailureReasons: return m_failureChart;
    case Chart::TopCampaigns: return m_campaignChart;
    case Chart::HourOfDay: return m_hourChart;
    case Chart::DayOfWeek: return m_weekdayChart;
    case Chart::BudgetBurnDown: return m_budgetChart;
    case Chart::Tiers: return m_tierChart;
    }
    return m_timeChart;
}

void ActivityPanel::addExportMenu(QChartView *view, Chart chart)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this, [this, view, chart](const QPoint &at) {
        QMenu menu(this);
        const QString base = view->chart()->title().section(QLatin1Char('('), 0, 0).trimmed().toLower().replace(QLatin1Char(' '), QLatin1Char('-'));
        for (const auto &[text, suffix, filter] :
             {std::tuple{tr("Save chart as PNG…"), QStringLiteral("png"), tr("PNG images (*.png)")},
              std::tuple{tr("Save chart as SVG…"), QStringLiteral("svg"), tr("SVG images (*.svg)")},
              std::tuple{tr("Export chart data as CSV…"), QStringLiteral("csv"), tr("CSV files (*.csv)")}}) {
            menu.addAction(text, this, [this, chart, base, suffix, filter] {
                const QString file = QFileDialog::getSaveFileName(this, tr("Save chart"), base + QLatin1Char('.') + suffix, filter);
                if (file.isEmpty())
                    return;
                if (Status s = saveChart(chart, file); !s)
                    m_status->setText(tr("Not saved: %1").arg(s.error().toString()));
                else
                    m_status->setText(tr("Saved %1").arg(file));
            });
        }
        menu.exec(view->mapToGlobal(at));
    });
}

Status ActivityPanel::saveChart(Chart chart, const QString &file) const
{
    QChartView *chartView = view(chart);
    const QString suffix = QFileInfo(file).suffix().toLower();
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error{out.errorString(), file};
    if (suffix == QLatin1String("png")) {
        if (!chartView->grab().save(&out, "PNG")) {
            out.cancelWriting();
            return Error{tr("cannot write the image"), file};
        }
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&out);
        svg.setSize(chartView->size());
        svg.setViewBox(QRect(QPoint(0, 0), chartView->size()));
        svg.setTitle(chartView->chart()->title());
        QPainter painter(&svg);
        chartView->render(&painter);
        painter.end();
    } else if (suffix == QLatin1String("csv")) {
        if (Status s = writeCsv(chart, &out); !s) {
            out.cancelWriting();
            return s;
        }
    } else {
        out.cancelWriting();
        return Error{tr("choose a file ending in .png, .svg or .csv"), file};
    }
    if (!out.commit())
        return Error{out.errorString(), file};
    return {};
}

// The numbers behind a chart, as on screen.
Status ActivityPanel::writeCsv(Chart chart, QIODevice *device) const
{
    Csv::Writer csv(device);
    switch (chart) {
    case Chart::OverTime:
        csv.header({QStringLiteral("bucket_start"), QStringLiteral("redemptions_succeeded"), QStringLiteral("redemptions_failed")});
        for (int i = 0; i < m_succeeded->count(); ++i)
            csv.timestamp(qint64(m_succeeded->at(i).x()))
                .number(qint64(m_succeeded->at(i).y()))
                .number(qint64(i < m_failed->count() ? m_failed->at(i).y() : 0))
                .endRow();
        break;
    case Chart::FailureReasons:
        csv.header({QStringLiteral("failure_code"), QStringLiteral("attempts")});
        for (const Store::FailureCount &f : m_failures)
            csv.text(f.failureCode).number(f.attempts).endRow();
        break;
    case Chart::TopCampaigns:
        csv.header({QStringLiteral("campaign_id"), QStringLiteral("campaign_name"), QStringLiteral("redemptions_succeeded"),
                    QStringLiteral("discount_amount"), QStringLiteral("rolled_back_discount_amount"), QStringLiteral("currency")});
        for (const StatsBucket &b : m_perCampaign)
            csv.text(b.campaignId).text(m_names.value(b.campaignId)).number(b.redemptionsSucceeded).money(b.discount)
                .money(b.rolledBackDiscount).text(m_currency).endRow();
        break;
    case Chart::Tiers: {
        csv.header({QStringLiteral("promotion_tier_id"), QStringLiteral("promotion_tier_name"), QStringLiteral("redemptions_succeeded"),
                    QStringLiteral("redemptions_failed"), QStringLiteral("rollbacks"), QStringLiteral("validations_valid"),
                    QStringLiteral("validations_invalid"), QStringLiteral("discount_amount"), QStringLiteral("order_amount"),
                    QStringLiteral("currency")});
        QHash<QString, StatsBucket> byId;
        for (const StatsBucket &b : m_perTier)
            byId.insert(b.tierId, b);
        for (const auto &[id, name] : m_tiers) {
            const StatsBucket b = byId.value(id);
            csv.text(id).text(name).number(b.redemptionsSucceeded).number(b.redemptionsFailed).number(b.rollbacks)
                .number(b.validationsValid).number(b.validationsInvalid).money(b.discount).money(b.orderAmount).text(m_currency).endRow();
        }
        break;
    }
    case Chart::BudgetBurnDown:
        csv.header({QStringLiteral("day_end"), QStringLiteral("budget_used"), QStringLiteral("budget"), QStringLiteral("currency")});
        if (m_budgetUsed) {
            for (const QPointF &p : m_budgetUsed->points())
                csv.timestamp(qint64(p.x())).money(qRound64(p.y() * 100)).money(m_budget.value_or(0)).text(m_currency).endRow();
        }
        break;
    case Chart::HourOfDay:
    case Chart::DayOfWeek: {
        const bool hours = chart == Chart::HourOfDay;
        csv.header({hours ? QStringLiteral("hour_of_day_utc") : QStringLiteral("day_of_week_utc"),
                    QStringLiteral("redemptions_succeeded")});
        const auto *series = static_cast<QAbstractBarSeries *>(view(chart)->chart()->series().value(0));
        const auto *axis = series ? qobject_cast<QBarCategoryAxis *>(view(chart)->chart()->axes(Qt::Horizontal).value(0)) : nullptr;
        if (series && axis && !series->barSets().isEmpty()) {
            const QBarSet *set = series->barSets().constFirst();
            for (int i = 0; i < set->count(); ++i)
                csv.text(axis->at(i)).number(qint64(set->at(i))).endRow();
        }
        break;
    }
    }
    return csv.finish();
}

// One campaign with a discount budget: how much of it was used at the end of each day of
// the period (the engine's counter now, less what the counters say came later), the
// budget, and where the last 7 days' pace meets it.
void ActivityPanel::updateBurnDown()
{
    m_exhaustion.reset();
    m_budgetChart->setVisible(bool(m_budget));
    QChart *chart = m_budgetChart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    m_budgetUsed = nullptr;
    if (!m_budget)
        return;
    const qint64 day = 24 * HourMs;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 nowHour = StatsStore::hourOf(nowMs);
    auto *used = new QLineSeries;
    used->setName(tr("Used"));
    // Walking back from now: used at the end of a day = used now - net discount after it.
    QList<QPointF> points;
    qint64 after = 0;
    auto it = m_hourly.constEnd();
    const qint64 firstDay = (m_query.fromHour * HourMs) / day * day;
    for (qint64 end = (nowMs / day + 1) * day; end > firstDay; end -= day) {
        while (it != m_hourly.constBegin() && std::prev(it).key() * HourMs >= end) {
            --it;
            after += it->netDiscount();
        }
        points.prepend(QPointF(qreal(std::min(end, nowMs)), qreal(m_budgetSpent - after) / 100.0));
    }
    used->replace(points);
    m_budgetUsed = used;
    qint64 lastWeek = 0;
    for (auto h = m_hourly.lowerBound(nowHour - 7 * 24); h != m_hourly.constEnd(); ++h)
        lastWeek += h->netDiscount();
    qint64 axisEnd = nowMs;
    auto *projected = new QLineSeries;
    projected->setName(tr("At the last 7 days' pace"));
    QPen dashed = projected->pen();
    dashed.setStyle(Qt::DashLine);
    projected->setPen(dashed);
    const qint64 left = *m_budget - m_budgetSpent;
    if (left > 0 && lastWeek > 0) {
        m_exhaustion = nowMs + left * 7 * day / lastWeek;
        const qint64 shown = std::min(*m_exhaustion, nowMs + 365 * day);
        projected->append(qreal(nowMs), qreal(m_budgetSpent) / 100.0);
        projected->append(qreal(shown), qreal(m_budgetSpent + (shown - nowMs) * lastWeek / (7 * day)) / 100.0);
        axisEnd = shown;
    }
    auto *budget = new QLineSeries;
    budget->setName(tr("Budget"));
    budget->append(points.isEmpty() ? qreal(firstDay) : points.constFirst().x(), qreal(*m_budget) / 100.0);
    budget->append(qreal(axisEnd), qreal(*m_budget) / 100.0);
    budget->setColor(QColor(0xb3, 0x26, 0x1e));
    for (QLineSeries *series : {used, projected, budget})
        chart->addSeries(series);
    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("MMM d yyyy"));
    x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(points.isEmpty() ? qreal(firstDay) : points.constFirst().x()), QTimeZone::utc()),
                QDateTime::fromMSecsSinceEpoch(axisEnd, QTimeZone::utc()));
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.0f"));
    y->setRange(0, qreal(std::max(*m_budget, m_budgetSpent)) / 100.0 * 1.1);
    y->applyNiceNumbers();
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries *series : {used, projected, budget}) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    chart->setTitle(m_exhaustion ? tr("Budget burn-down (%1): %2 of %3 used; at the last 7 days' pace it runs out on %4")
                                       .arg(m_currency, formatMoney(m_budgetSpent, m_currency), formatMoney(*m_budget, m_currency),
                                            QDateTime::fromMSecsSinceEpoch(*m_exhaustion, QTimeZone::utc()).date().toString(Qt::ISODate))
                                 : tr("Budget burn-down (%1): %2 of %3 used")
                                       .arg(m_currency, formatMoney(m_budgetSpent, m_currency), formatMoney(*m_budget, m_currency)));
}

} // namespace PromoDesk::Ui
