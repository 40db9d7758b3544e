#include "widgets/trafficpanel.h"

#include "common/money.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "widgets/kpitile.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace PromoDesk::Ui {

namespace {

constexpr int IdRole = Qt::UserRole + 1;
constexpr int MinTableRows = 2;
constexpr int MaxTableRows = 12;

enum CampaignColumn { CampaignName, CampaignRedemptions, CampaignFailed, CampaignDiscount, CampaignBudgetOut, CampaignColumns };
enum FailureColumn { FailureKey, FailureMeaning };

QString mutedStyle()
{
    return QStringLiteral("color: #707070;");
}

qint64 utcMidnight(const QDate &date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QTableWidgetItem *moneyItem(qint64 cents, const QString &currency)
{
    auto *item = new QTableWidgetItem(formatMoney(cents, currency));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
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
    : RunPanel(parent)
    , m_sessions(new QSpinBox(this))
    , m_from(new QDateEdit(this))
    , m_to(new QDateEdit(this))
    , m_memberShare(new QSpinBox(this))
    , m_codePropensity(new QSpinBox(this))
    , m_seed(new QSpinBox(this))
    , m_recordOrders(new QCheckBox(tr("Store checkouts as orders (experiments measure them)"), this))
    , m_checkoutRate(new QSpinBox(this))
    , m_elasticity(new QDoubleSpinBox(this))
    , m_campaigns(new QListWidget(this))
    , m_campaignsHint(new QLabel(this))
{
    createRunWidgets({tr("&Run simulation"), tr("Simulate the traffic in this sandbox (Ctrl+Return)"),
                      tr("Stop the simulation; the sessions that ran are kept (Esc)"),
                      tr("Cancelling… the sessions that ran are kept.")});
    buildUi();
    Sandbox::TrafficOptions defaults;
    defaults.recordOrders = true; // what an experiment in the sandbox needs; 100% checkout keeps issue 9's figures
    setOptions(defaults);
    m_sessions->setValue(5000);
    clearResult();
    setWorkspace(QString(), false);
}

TrafficPanel::~TrafficPanel()
{
    stopWork();
}

void TrafficPanel::buildUi()
{
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

    m_recordOrders->setObjectName(QStringLiteral("recordOrders"));
    m_recordOrders->setToolTip(tr("Each session is a visit the engine sees (members enter running experiments); "
                                  "a visit that checks out is stored as a paid order"));
    m_checkoutRate->setObjectName(QStringLiteral("checkoutRate"));
    m_checkoutRate->setRange(0, 100);
    m_checkoutRate->setSuffix(QStringLiteral(" %"));
    m_checkoutRate->setToolTip(tr("The chance that a visit without a discount checks out"));
    m_elasticity->setObjectName(QStringLiteral("elasticity"));
    m_elasticity->setRange(0, 100);
    m_elasticity->setDecimals(1);
    m_elasticity->setSingleStep(0.5);
    m_elasticity->setToolTip(tr("How much a discount raises the chance to check out: "
                                "rate × (1 + elasticity × discount ÷ cart). 0: discounts change nothing"));
    connect(m_recordOrders, &QCheckBox::toggled, this, [this](bool on) {
        m_checkoutRate->setEnabled(on);
        m_elasticity->setEnabled(on);
    });

    auto *period = new QHBoxLayout;
    period->addWidget(m_from);
    auto *toLabel = new QLabel(tr("to"), this);
    toLabel->setBuddy(m_to);
    period->addWidget(toLabel);
    period->addWidget(m_to);
    period->addWidget(new QLabel(tr("UTC, both days included"), this));
    period->addStretch(1);

    auto *formBox = new QGroupBox(tr("Traffic"), form());
    auto *formLayout = new QFormLayout(formBox);
    formLayout->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    formLayout->addRow(tr("&Sessions:"), m_sessions);
    auto *periodLabel = new QLabel(tr("&Period:"), formBox);
    periodLabel->setBuddy(m_from);
    formLayout->addRow(periodLabel, period);
    formLayout->addRow(tr("&Members:"), m_memberShare);
    formLayout->addRow(tr("Code &propensity:"), m_codePropensity);
    formLayout->addRow(tr("S&eed:"), m_seed);
    formLayout->addRow(QString(), m_recordOrders);
    formLayout->addRow(tr("Chec&kout rate:"), m_checkoutRate);
    formLayout->addRow(tr("Discount e&lasticity:"), m_elasticity);

    m_campaigns->setObjectName(QStringLiteral("campaigns"));
    m_campaigns->setUniformItemSizes(true);
    m_campaigns->setMinimumHeight(m_campaigns->fontMetrics().height() * 6);
    m_campaigns->setMinimumWidth(m_campaigns->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 34);
    m_campaignsHint->setObjectName(QStringLiteral("campaignsHint"));
    m_campaignsHint->setWordWrap(true);
    m_campaignsHint->setStyleSheet(mutedStyle());
    auto *campaignsBox = new QGroupBox(tr("&Campaigns"), form());
    auto *campaignsLayout = new QVBoxLayout(campaignsBox);
    campaignsLayout->addWidget(m_campaigns, 1);
    campaignsLayout->addWidget(m_campaignsHint);

    auto *formRow = new QHBoxLayout(form());
    formRow->setContentsMargins(0, 0, 0, 0);
    formRow->addWidget(formBox);
    formRow->addWidget(campaignsBox, 1);

    // --- the result ---
    m_sessionsTile = addTile(tr("Sessions"), QStringLiteral("sessionsTile"));
    m_ordersTile = addTile(tr("Orders discounted"), QStringLiteral("ordersTile"));
    m_redemptionsTile = addTile(tr("Redemptions"), QStringLiteral("redemptionsTile"));
    m_discountTile = addTile(tr("Discount given"), QStringLiteral("discountTile"));
    m_orderValueTile = addTile(tr("Order value"), QStringLiteral("orderValueTile"));
    setTileFlow(TileFlow::AsManyAsFit);

    m_perCampaign = resultTable(QStringLiteral("perCampaign"),
                                {tr("Campaign"), tr("Redemptions"), tr("Failed"), tr("Discount"), tr("Budget ran out at (UTC)")},
                                resultBox());
    m_failures = resultTable(QStringLiteral("failures"), {tr("Failure"), tr("What it means"), tr("Attempts")}, resultBox());
    for (QTableWidget *table : {m_perCampaign, m_failures}) {
        table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
        table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    }
    m_failures->horizontalHeader()->setSectionResizeMode(FailureKey, QHeaderView::ResizeToContents);
    m_failures->horizontalHeader()->setSectionResizeMode(FailureMeaning, QHeaderView::Stretch);

    m_dashboard = new QPushButton(tr("Show on the &dashboard"), resultBox());
    m_dashboard->setObjectName(QStringLiteral("showDashboard"));
    m_dashboard->setToolTip(tr("The simulated redemptions are in the sandbox's statistics: see them on its dashboard"));
    connect(m_dashboard, &QPushButton::clicked, this, &TrafficPanel::showDashboardRequested);

    auto *perCampaignLabel = boldLabel(tr("Per campaign"), resultBox());
    auto *failuresLabel = boldLabel(tr("Why redemptions failed"), resultBox());
    QVBoxLayout *results = layOutResult();
    results->addSpacing(6);
    results->addWidget(perCampaignLabel);
    results->addWidget(m_perCampaign);
    results->addWidget(failuresLabel);
    results->addWidget(m_failures);
    addButtonRow(results, m_dashboard);
    finishPage();

    // --- behaviour ---
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

void TrafficPanel::setWorkspace(const QString &path, bool sandbox)
{
    restart(); // a run under way goes on to its end on the other workspace, unheard
    m_path = path;
    m_sandbox = sandbox && !path.isEmpty();
    m_campaignList.clear();
    m_campaigns->clear();
    m_summary.reset();
    clearResult();
    if (path.isEmpty()) {
        m_message->setText(tr("Open a sandbox workspace to simulate traffic: File ▸ New Sandbox…"));
    } else if (!sandbox) {
        m_message->setText(tr("Traffic simulation runs only in a sandbox: File ▸ New Sandbox…"));
    } else {
        m_message->clear();
        m_campaignsHint->setText(tr("Loading the sandbox's campaigns…"));
        loadCampaignsFrom(m_path);
    }
    updateEnabled();
}

void TrafficPanel::showCampaigns(const Result<WorkspaceCampaigns> &loaded)
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
    for (const Engine::Campaign &c : std::as_const(m_campaignList)) {
        auto *item = new QListWidgetItem(campaignLabel(c.id, c.name, c.status), m_campaigns);
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
    // The bar stays after a run, showing where a cancelled run stopped.
    showState(usable, true, m_summary.has_value() && usable, m_summary.has_value());
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
    m_recordOrders->setChecked(options.recordOrders);
    m_checkoutRate->setValue(int(std::lround(std::clamp(options.checkoutRate, 0.0, 1.0) * 100)));
    m_elasticity->setValue(options.discountElasticity);
    m_checkoutRate->setEnabled(options.recordOrders);
    m_elasticity->setEnabled(options.recordOrders);
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
    options.recordOrders = m_recordOrders->isChecked();
    options.checkoutRate = m_checkoutRate->value() / 100.0;
    options.discountElasticity = m_elasticity->value();
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
    if (isRunning() || !m_sandbox || m_path.isEmpty())
        return;
    m_runOptions = options();
    m_summary.reset();
    clearResult();
    ProgressReport report = beginRun(m_runOptions.sessions);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    setStatus(tr("Simulating… 0 of %1 sessions").arg(QLocale().toString(m_runOptions.sessions)));
    updateEnabled();

    // Its own read-write connection: a SQLite connection belongs to the thread that uses it.
    auto job = [path = m_path, options = m_runOptions, report]() -> Result<Sandbox::TrafficSummary> {
        auto connection = Store::Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        return Sandbox::simulateTraffic(*connection.value(), options, report);
    };
    runWorker(job, [this](const Result<Sandbox::TrafficSummary> &result) { applyResult(result); });
}

QString TrafficPanel::progressText(qint64 done, qint64 total) const
{
    return tr("Simulating… %1 of %2 sessions").arg(QLocale().toString(done), QLocale().toString(total));
}

std::optional<Sandbox::TrafficSummary> TrafficPanel::summary() const
{
    return m_summary;
}

QString TrafficPanel::message() const
{
    return m_message->text();
}

void TrafficPanel::clearResult()
{
    clearHeadingAndTiles();
    for (QTableWidget *table : {m_perCampaign, m_failures})
        clearTable(table, MinTableRows, MaxTableRows);
}

QString TrafficPanel::campaignName(const QString &id) const
{
    return campaignNameIn(m_campaignList, id);
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
        setHeading(tr("Cancelled after %1 of %2 sessions, %3. The sessions that ran are kept in the sandbox.")
                       .arg(locale.toString(s.sessions), locale.toString(asked), period),
                   true);
        setStatus(tr("Cancelled: %1 of %2 sessions ran in %3 s.")
                      .arg(locale.toString(s.sessions), locale.toString(asked), locale.toString(s.seconds, 'f', 1)));
    } else {
        setHeading(tr("%1 sessions simulated, %2.").arg(locale.toString(s.sessions), period), false);
        setStatus(tr("Done: %1 of %2 sessions in %3 s.")
                      .arg(locale.toString(s.sessions), locale.toString(asked), locale.toString(s.seconds, 'f', 1)));
    }

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
    fitRows(m_perCampaign, MinTableRows, MaxTableRows);

    if (!fillFailures(m_failures, s.failures))
        noneRow(m_failures, tr("No redemption failed."));
    fitRows(m_failures, MinTableRows, MaxTableRows);
}

} // namespace PromoDesk::Ui
