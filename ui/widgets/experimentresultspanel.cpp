#include "experimentresultspanel.h"

#include "common/money.h"
#include "dialogs/experimentwinnerdialog.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/experimentstore.h"
#include "store/workspace.h"
#include "widgets/experimentformat.h"
#include "widgets/liftbardelegate.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace PromoDesk::Ui {

using Experiments::Analysis;
using Experiments::Experiment;
using Experiments::Metric;
using Experiments::MetricResult;
namespace Format = ExperimentFormat;

namespace {

const QString Actor = QStringLiteral("promodesk");
constexpr qint64 DayMs = 86'400'000;
// 9999-12-31: an "as of" past it means "everything recorded", not a time to show.
constexpr qint64 MaxShownMs = 253'402'300'799'000;

QColor variantColour(int index)
{
    static const QColor colours[] = {QColor(0x5f, 0x63, 0x68), QColor(0x1e, 0x6f, 0xd9), QColor(0xe8, 0x71, 0x0a),
                                     QColor(0x12, 0x8a, 0x9a), QColor(0x93, 0x34, 0xe6), QColor(0xd0, 0x18, 0x84),
                                     QColor(0x18, 0x80, 0x38)};
    return colours[index % int(std::size(colours))];
}

QString bannerStyle(const char *background, const char *border)
{
    return QStringLiteral("QLabel { background: %1; border: 1px solid %2; border-radius: 4px; padding: 6px 10px; }")
        .arg(QLatin1String(background), QLatin1String(border));
}

QLabel *banner(const QString &objectName, const QString &style, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(style);
    label->setVisible(false);
    return label;
}

QChartView *chartView(const QString &objectName, QWidget *parent)
{
    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *view = new QChartView(chart, parent);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(280);
    return view;
}

void clearChart(QChart *chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

// What the numerator and denominator of a metric count, for the column headers.
QPair<QString, QString> rawHeaders(Metric metric)
{
    switch (metric) {
    case Metric::RedemptionRate: return {QObject::tr("Redeemed"), QObject::tr("Customers")};
    case Metric::Conversion: return {QObject::tr("Ordered"), QObject::tr("Customers")};
    case Metric::RevenuePerCustomer: return {QObject::tr("Order value"), QObject::tr("Customers")};
    case Metric::AverageOrderValue: return {QObject::tr("Order value"), QObject::tr("Orders")};
    case Metric::DiscountPerCustomer: return {QObject::tr("Discount"), QObject::tr("Customers")};
    case Metric::NetRevenuePerCustomer: return {QObject::tr("Net revenue"), QObject::tr("Customers")};
    }
    return {QObject::tr("Numerator"), QObject::tr("Denominator")};
}

QTableWidgetItem *cell(const QString &text, Qt::Alignment alignment = Qt::AlignRight | Qt::AlignVCenter)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(alignment);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

// The test's figure for a variant: the corrected p-value (frequentist) or the chance to win.
QString testText(const Experiment &e, const MetricResult &r, int i)
{
    const auto &c = r.comparisons.value(i);
    if (!c || !c->error.isEmpty())
        return {};
    if (e.engine == Stats::Engine::Bayesian)
        return c->chanceToWin ? Format::percent(*c->chanceToWin) : QString();
    if (const std::optional<double> adjusted = r.adjustedPValues.value(i))
        return Format::pValue(*adjusted);
    return c->pValue ? Format::pValue(*c->pValue) : QString();
}

} // namespace

ExperimentResultsPanel::ExperimentResultsPanel(QWidget *parent)
    : QWidget(parent), m_title(new QLabel(this)), m_status(new QLabel(this)), m_details(new QLabel(this)), m_asOf(new QLabel(this)),
      m_busy(new QProgressBar(this)), m_refresh(new QPushButton(tr("Re&fresh"), this)),
      m_export(new QPushButton(tr("E&xport CSV…"), this)), m_declare(new QPushButton(tr("&Declare Winner…"), this)),
      m_message(new QLabel(this)),
      m_srm(banner(QStringLiteral("srmBanner"), bannerStyle("#fdecea", "#e0a49e"), this)),
      m_sample(banner(QStringLiteral("sampleBanner"), bannerStyle("#fff4e5", "#f0c27b"), this)),
      m_winner(banner(QStringLiteral("winnerBanner"), bannerStyle("#e6f4ea", "#8fcf9f"), this)),
      m_decision(banner(QStringLiteral("decisionBanner"), bannerStyle("#e8f0fe", "#a8c7fa"), this)),
      m_exposed(new QLabel(this)), m_tablesHost(new QWidget(this)), m_tablesLayout(new QVBoxLayout(m_tablesHost)),
      m_liftChart(chartView(QStringLiteral("liftChart"), this)), m_exposureChart(chartView(QStringLiteral("exposureChart"), this)),
      m_charts(new QWidget(this))
{
    setObjectName(QStringLiteral("experimentResults"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("resultsTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("resultsStatus"));
    m_details->setObjectName(QStringLiteral("resultsDetails"));
    m_details->setWordWrap(true);
    QPalette muted = m_details->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_details->setPalette(muted);
    m_asOf->setObjectName(QStringLiteral("resultsAsOf"));
    m_asOf->setPalette(muted);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumSize(120, 12);
    m_busy->setVisible(false);
    m_refresh->setObjectName(QStringLiteral("refreshResults"));
    m_refresh->setToolTip(tr("Read the experiment's data again (F5 refreshes the whole window)"));
    m_export->setObjectName(QStringLiteral("exportResults"));
    m_export->setToolTip(tr("Every metric, variant and figure of the results as CSV"));
    m_declare->setObjectName(QStringLiteral("declareWinner"));
    m_declare->setToolTip(tr("Roll out a variant to everyone and conclude the experiment"));
    m_message->setObjectName(QStringLiteral("resultsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);
    m_exposed->setObjectName(QStringLiteral("resultsExposed"));
    m_exposed->setWordWrap(true);
    m_exposed->setTextFormat(Qt::RichText);
    m_tablesLayout->setContentsMargins(0, 0, 0, 0);
    m_tablesLayout->setSpacing(4);

    connect(m_refresh, &QPushButton::clicked, this, &ExperimentResultsPanel::refresh);
    connect(m_export, &QPushButton::clicked, this, &ExperimentResultsPanel::chooseCsvFile);
    connect(m_declare, &QPushButton::clicked, this, [this] { openDeclareDialog(); });

    auto *header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addWidget(m_status);
    header->addStretch(1);
    header->addWidget(m_busy);
    header->addWidget(m_asOf);
    header->addSpacing(8);
    header->addWidget(m_refresh);
    header->addWidget(m_export);
    header->addWidget(m_declare);

    auto *charts = new QHBoxLayout(m_charts);
    charts->setContentsMargins(0, 0, 0, 0);
    charts->addWidget(m_liftChart, 1);
    charts->addWidget(m_exposureChart, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_details);
    layout->addWidget(m_message);
    layout->addWidget(m_srm);
    layout->addWidget(m_sample);
    layout->addWidget(m_winner);
    layout->addWidget(m_decision);
    layout->addWidget(m_exposed);
    layout->addWidget(m_tablesHost);
    layout->addWidget(m_charts);
    layout->addStretch(1);
    setExperiment(std::nullopt);
}

ExperimentResultsPanel::~ExperimentResultsPanel() = default;

void ExperimentResultsPanel::setWorkspace(const QString &path, const QString &currency, bool sandbox)
{
    m_path = path;
    m_currency = currency;
    m_sandbox = sandbox;
    setExperiment(std::nullopt);
}

void ExperimentResultsPanel::setExperiment(const std::optional<Experiment> &experiment)
{
    const bool same = experiment && m_experiment && experiment->id == m_experiment->id;
    m_experiment = experiment;
    if (!same) {
        m_analysis.reset();
        m_campaigns.clear();
        m_loadError.clear();
        m_message->setVisible(false);
    }
    ++m_generation;
    m_loading = false;
    showResults();
    refresh();
}

void ExperimentResultsPanel::refresh()
{
    if (m_path.isEmpty() || !m_experiment || m_experiment->id.isEmpty()) {
        updateButtons();
        return;
    }
    struct Loaded
    {
        Experiment experiment;
        std::optional<Analysis> analysis;
        QList<Engine::Campaign> campaigns;
    };
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_busy->setVisible(true);
    m_asOf->setText(tr("Analysing…"));
    updateButtons();
    runInBackground(
        this, m_tasks,
        [path = m_path, id = m_experiment->id, sandbox = m_sandbox]() -> Result<Loaded> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            auto found = Store::ExperimentStore(*connection.value()).find(id);
            if (!found)
                return found.error();
            if (!found.value())
                return Error{tr("the experiment is not in the workspace any more"), id};
            Loaded out;
            out.experiment = *found.value();
            auto campaigns = Store::CampaignStore(*connection.value()).loadCampaigns();
            if (!campaigns)
                return campaigns.error();
            out.campaigns = campaigns.value();
            if (out.experiment.status != Experiments::ExperimentStatus::Draft) {
                auto analysis = Experiments::analyze(*connection.value(), out.experiment, sandbox ? 0 : Store::nowMs());
                if (!analysis)
                    return analysis.error();
                out.analysis = analysis.value();
            }
            return out;
        },
        [this, generation](const Result<Loaded> &result) {
            if (generation != m_generation)
                return;
            m_loading = false;
            m_busy->setVisible(false);
            if (!result) {
                m_loadError = result.error().toString();
                m_analysis.reset();
            } else {
                m_loadError.clear();
                m_experiment = result.value().experiment;
                m_analysis = result.value().analysis;
                m_campaigns = result.value().campaigns;
            }
            showResults();
            emit loaded();
        });
}

QString ExperimentResultsPanel::errorText() const
{
    return m_loadError;
}

void ExperimentResultsPanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QStringLiteral("color: #1b5e20;"));
    m_message->setVisible(!text.isEmpty());
}

void ExperimentResultsPanel::updateButtons()
{
    const bool decidable = m_experiment && !m_experiment->id.isEmpty()
                           && (m_experiment->status == Experiments::ExperimentStatus::Running || m_experiment->status == Experiments::ExperimentStatus::Stopped);
    m_declare->setEnabled(decidable && m_analysis && !m_loading && !m_declaring);
    m_declare->setToolTip(decidable ? tr("Roll out a variant to everyone and conclude the experiment")
                                    : tr("Only a running or stopped experiment can be decided"));
    m_export->setEnabled(m_analysis.has_value() && !m_loading);
    m_refresh->setEnabled(m_experiment.has_value() && !m_experiment->id.isEmpty() && !m_path.isEmpty());
}

void ExperimentResultsPanel::showResults()
{
    updateButtons();
    if (!m_experiment) {
        m_title->setText(tr("No experiment selected"));
        m_status->clear();
        m_details->clear();
        m_asOf->clear();
        for (QLabel *b : {m_srm, m_sample, m_winner, m_decision})
            b->setVisible(false);
        m_exposed->clear();
        clearTables();
        m_charts->setVisible(false);
        return;
    }
    const Experiment &e = *m_experiment;
    m_title->setText(e.name);
    m_status->setText(Format::statusLabel(e.status));
    const char *chip = e.status == Experiments::ExperimentStatus::Running     ? "#1b7f3b"
                       : e.status == Experiments::ExperimentStatus::Concluded ? "#1e3a5f"
                       : e.status == Experiments::ExperimentStatus::Stopped   ? "#9a5b00"
                                                                    : "#5f6368";
    m_status->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; border-radius: 3px; padding: 1px 7px; }").arg(QLatin1String(chip)));
    QStringList details;
    details << Format::engineLabel(e.engine) + QStringLiteral(", α = ") + QLocale::c().toString(e.alpha, 'g', 3);
    if (e.engine == Stats::Engine::Frequentist) {
        if (e.sequential)
            details << tr("sequential");
        details << tr("correction: %1").arg(Format::correctionLabel(e.correction));
    }
    if (e.startAt)
        details << tr("from %1").arg(Format::utc(*e.startAt));
    details << (e.endAt ? tr("until %1").arg(Format::utc(*e.endAt)) : tr("until stopped"));
    if (!e.hypothesis.isEmpty())
        details.prepend(tr("Hypothesis: %1").arg(e.hypothesis));
    m_details->setText(details.join(QStringLiteral(" · ")));

    if (!m_loadError.isEmpty())
        showMessage(tr("Cannot show the results: %1").arg(m_loadError), true);
    if (m_loading)
        m_asOf->setText(tr("Analysing…"));
    else if (m_analysis && m_analysis->asOf > 0 && m_analysis->asOf < MaxShownMs)
        m_asOf->setText(m_sandbox ? tr("as of %1 (the sandbox's simulated time)").arg(Format::utc(m_analysis->asOf))
                                  : tr("as of %1").arg(Format::utc(m_analysis->asOf)));
    else if (m_analysis)
        m_asOf->setText(tr("no customer exposed yet"));
    else
        m_asOf->clear();

    showBanners();
    showTables();
    showCharts();
}

void ExperimentResultsPanel::showBanners()
{
    const QLocale locale = QLocale::system();
    const Experiment &e = *m_experiment;
    for (QLabel *b : {m_srm, m_sample, m_winner, m_decision})
        b->setVisible(false);
    if (e.status == Experiments::ExperimentStatus::Concluded && !e.winner.isEmpty()) {
        const int w = e.indexOf(e.winner);
        QString text = tr("<b>Concluded</b>%1: the winner is <b>%2</b>.")
                           .arg(e.decidedAt ? tr(" on %1").arg(Format::utc(*e.decidedAt)) : QString(),
                                (w >= 0 ? Format::variantLabel(e, w) : e.winner).toHtmlEscaped());
        if (!e.decisionNote.isEmpty())
            text += tr(" Note: %1").arg(e.decisionNote.toHtmlEscaped());
        m_decision->setText(text);
        m_decision->setVisible(true);
    }
    if (e.status == Experiments::ExperimentStatus::Draft) {
        m_exposed->setText(tr("This experiment has not started: results appear here once it runs and customers are exposed."));
        return;
    }
    if (!m_analysis) {
        m_exposed->clear();
        return;
    }
    const Analysis &a = *m_analysis;
    QStringList exposed;
    qint64 total = 0;
    for (int i = 0; i < e.variants.size(); ++i) {
        const qint64 n = a.exposed.value(i);
        total += n;
        exposed << QStringLiteral("<span style='color: %1'>■</span> %2: <b>%3</b>")
                       .arg(variantColour(i).name(), Format::variantLabel(e, i).toHtmlEscaped(), locale.toString(n));
    }
    m_exposed->setText(tr("Customers exposed (%1 in all): %2").arg(locale.toString(total), exposed.join(QStringLiteral(" &nbsp; "))));

    if (a.srm.mismatch) {
        QStringList observed, expected;
        const QList<double> weights = e.weights();
        double weightSum = 0;
        for (double w : weights)
            weightSum += w;
        for (int i = 0; i < e.variants.size(); ++i) {
            observed << Format::percent(total > 0 ? double(a.exposed.value(i)) / double(total) : 0);
            expected << Format::percent(weightSum > 0 ? weights.value(i) / weightSum : 0);
        }
        m_srm->setText(tr("<b>Sample ratio mismatch</b> (p = %1): the variants got %2 of the customers where the weights say %3. "
                          "Assignment or exposure is not working as configured, so these results cannot be trusted until the "
                          "cause is found.")
                           .arg(QLocale::c().toString(a.srm.pValue, 'g', 3), observed.join(QStringLiteral(" / ")),
                                expected.join(QStringLiteral(" / "))));
        m_srm->setVisible(true);
    }
    if (!a.enoughUnits && e.status != Experiments::ExperimentStatus::Concluded) {
        QString text = tr("<b>Not enough customers yet</b>: %1 of %2 customers per arm (the smallest arm; the plan for a %3 lift of "
                          "the primary metric at %4 power).")
                           .arg(locale.toString(a.smallestArm), a.plan.unitsPerArm > 0 ? locale.toString(a.plan.unitsPerArm) : tr("?"),
                                Format::percent(a.plannedMde, 0), Format::percent(0.8, 0));
        // The smallest arm's pace over the last week of the series.
        int smallest = -1;
        const QList<double> weights = e.weights();
        for (int i = 0; i < e.variants.size(); ++i)
            if (weights.value(i) > 0 && (smallest < 0 || a.exposed.value(i) < a.exposed.value(smallest)))
                smallest = i;
        std::optional<double> perDay;
        if (smallest >= 0 && a.series.size() >= 2) {
            const int last = int(a.series.size()) - 1;
            const int first = std::max(0, last - 7);
            const double days = double(a.series[last].day - a.series[first].day) / DayMs;
            if (days > 0)
                perDay = double(a.series[last].exposedTotal.value(smallest) - a.series[first].exposedTotal.value(smallest)) / days;
        } else if (smallest >= 0 && a.series.size() == 1 && e.startAt) {
            const double days = std::max(1.0, double(a.asOf - *e.startAt) / DayMs);
            perDay = double(a.exposed.value(smallest)) / days;
        }
        const qint64 missing = std::max<qint64>(0, a.plan.unitsPerArm - a.smallestArm);
        if (a.plan.unitsPerArm > 0 && perDay && *perDay > 0)
            text += Format::days(double(missing) / *perDay, tr(" Keep running about %1 more."));
        else if (e.status == Experiments::ExperimentStatus::Running)
            text += tr(" Keep it running.");
        if (e.endAt && perDay && *perDay > 0 && a.asOf + qint64(double(missing) / *perDay * DayMs) > *e.endAt)
            text += tr(" At the current pace it ends before it has them.");
        m_sample->setText(text);
        m_sample->setVisible(true);
    }
    if (!a.suggestedWinner.isEmpty() && e.status != Experiments::ExperimentStatus::Concluded) {
        const int w = e.indexOf(a.suggestedWinner);
        QString why;
        if (!a.metrics.isEmpty() && w >= 0) {
            const MetricResult &primary = a.metrics.constFirst();
            if (const auto &c = primary.comparisons.value(w); c && c->error.isEmpty())
                why = tr(": %1 %2 against the control (%3)")
                          .arg(Experiments::metricLabel(primary.metric).toLower(), Format::lift(c->effect),
                               e.engine == Stats::Engine::Bayesian ? tr("chance to win %1").arg(testText(e, primary, w))
                                                                   : tr("p = %1").arg(testText(e, primary, w)));
        }
        m_winner->setText(tr("<b>Suggested winner: %1</b>%2, and no guardrail metric got worse. Declare it the winner to roll "
                             "it out.")
                              .arg((w >= 0 ? Format::variantLabel(e, w) : a.suggestedWinner).toHtmlEscaped(), why.toHtmlEscaped()));
        m_winner->setVisible(true);
    }
}

void ExperimentResultsPanel::clearTables()
{
    for (QWidget *w : std::as_const(m_tableWidgets))
        delete w;
    m_tableWidgets.clear();
    m_tables.clear();
}

void ExperimentResultsPanel::showTables()
{
    clearTables();
    if (!m_analysis || !m_experiment)
        return;
    for (const MetricResult &r : m_analysis->metrics) {
        auto *heading = new QLabel(m_tablesHost);
        heading->setTextFormat(Qt::RichText);
        heading->setText(QStringLiteral("<b>%1</b> &nbsp;<span style='color: #5f6368'>%2%3</span>")
                             .arg(Experiments::metricLabel(r.metric).toHtmlEscaped(), Format::roleLabel(r.role),
                                  Experiments::higherIsBetter(r.metric) ? QString() : tr(" · lower is better")));
        heading->setContentsMargins(0, 8, 0, 0);
        QTableWidget *table = metricTable(r);
        m_tablesLayout->addWidget(heading);
        m_tablesLayout->addWidget(table);
        m_tableWidgets << heading << table;
        m_tables << table;
    }
}

QTableWidget *ExperimentResultsPanel::metricTable(const MetricResult &r)
{
    const Experiment &e = *m_experiment;
    const QLocale locale = QLocale::system();
    const Stats::MetricType type = Experiments::metricType(r.metric);
    const bool money = Experiments::isMoney(r.metric);
    const bool bayesian = e.engine == Stats::Engine::Bayesian;
    const int rows = int(e.variants.size());
    auto *table = new QTableWidget(rows, ResultColumns, m_tablesHost);
    table->setObjectName(QStringLiteral("results_%1").arg(Experiments::metricKey(r.metric)));
    const auto [numeratorHeader, denominatorHeader] = rawHeaders(r.metric);
    const QString interval = bayesian ? tr("%1% credible interval").arg(QLocale::c().toString((1 - e.alpha) * 100, 'g', 3))
                                      : tr("%1% confidence interval").arg(QLocale::c().toString((1 - e.alpha) * 100, 'g', 3));
    table->setHorizontalHeaderLabels({tr("Variant"), numeratorHeader, denominatorHeader, Experiments::metricLabel(r.metric),
                                      tr("Lift"), interval,
                                      bayesian ? tr("Chance to win")
                                               : (e.correction == QLatin1String("none") ? tr("p-value")
                                                                                         : tr("p-value (%1)").arg(Format::correctionLabel(e.correction)))});
    table->verticalHeader()->setVisible(false);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setFocusPolicy(Qt::NoFocus);
    table->setWordWrap(false);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *delegate = new LiftBarDelegate(table);
    table->setItemDelegateForColumn(IntervalColumn, delegate);

    QList<double> ends;
    for (int i = 0; i < rows; ++i) {
        const Stats::VariantStats stats = r.stats.value(i);
        auto *name = cell(Format::variantLabel(e, i), Qt::AlignLeft | Qt::AlignVCenter);
        name->setForeground(variantColour(i));
        table->setItem(i, VariantColumn, name);
        const QString numerator = money ? formatMoney(qint64(std::llround(stats.sum)), m_currency) : Format::count(stats.sum);
        const QString denominator = type == Stats::MetricType::Ratio ? Format::count(stats.denominatorSum) : locale.toString(stats.n);
        table->setItem(i, NumeratorColumn, cell(numerator));
        auto *denominatorItem = cell(denominator);
        if (type == Stats::MetricType::Ratio)
            denominatorItem->setToolTip(tr("%1 customers").arg(locale.toString(stats.n)));
        table->setItem(i, DenominatorColumn, denominatorItem);
        table->setItem(i, ValueColumn, cell(Format::value(r.metric, r.values.value(i, std::numeric_limits<double>::quiet_NaN()), m_currency)));

        const std::optional<Stats::Comparison> &c = r.comparisons.value(i);
        const int verdict = r.verdicts.value(i);
        auto *lift = cell(QString());
        auto *bar = cell(QString());
        auto *test = cell(testText(e, r, i));
        if (!c) {
            lift->setText(tr("baseline"));
            lift->setForeground(palette().color(QPalette::PlaceholderText));
        } else if (!c->error.isEmpty()) {
            lift->setText(QStringLiteral("—"));
            lift->setToolTip(c->error);
            bar->setToolTip(c->error);
            test->setToolTip(c->error);
        } else {
            lift->setText(Format::lift(c->effect));
            if (verdict != 0) {
                lift->setForeground(LiftBarDelegate::colour(verdict));
                QFont bold = lift->font();
                bold.setBold(true);
                lift->setFont(bold);
            }
            bar->setData(LiftBarDelegate::EffectRole, c->effect);
            bar->setData(LiftBarDelegate::LowRole, c->ciLow);
            bar->setData(LiftBarDelegate::HighRole, c->ciHigh);
            bar->setData(LiftBarDelegate::VerdictRole, verdict);
            ends << c->ciLow << c->ciHigh << c->effect;
            const QString verdictText = verdict > 0   ? tr("significant, better")
                                        : verdict < 0 ? tr("significant, worse")
                                                      : tr("not significant");
            const QString tip = tr("Lift %1, %2 %3 — %4\nControl %5, this variant %6")
                                    .arg(Format::lift(c->effect), interval, Format::interval(c->ciLow, c->ciHigh), verdictText,
                                         Format::value(r.metric, c->baseline, m_currency), Format::value(r.metric, c->value, m_currency));
            lift->setToolTip(tip);
            bar->setToolTip(tip);
            if (bayesian) {
                QString t = tr("Chance to beat the control: %1").arg(c->chanceToWin ? Format::percent(*c->chanceToWin) : tr("—"));
                if (c->exactChanceToWin)
                    t += tr("\nExact (Beta-Binomial): %1").arg(Format::percent(*c->exactChanceToWin, 2));
                test->setToolTip(t);
            } else {
                test->setToolTip(tr("p = %1 before the correction; %2 after it")
                                     .arg(c->pValue ? Format::pValue(*c->pValue) : tr("—"),
                                          r.adjustedPValues.value(i) ? Format::pValue(*r.adjustedPValues.value(i)) : tr("—")));
            }
            if (verdict != 0)
                test->setForeground(LiftBarDelegate::colour(verdict));
        }
        table->setItem(i, LiftColumn, lift);
        table->setItem(i, IntervalColumn, bar);
        table->setItem(i, TestColumn, test);
    }
    delegate->setRange(LiftBarDelegate::niceRange(ends));
    table->horizontalHeaderItem(IntervalColumn)->setToolTip(
        tr("The bar spans the interval of the lift on a scale of ±%1; the line across it is the estimate and the upright line is "
           "zero (no difference). Green: significantly better; red: significantly worse; grey: not significant.")
            .arg(Format::percent(delegate->range(), 0)));
    QHeaderView *header = table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(IntervalColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(80);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 12);
    table->setMinimumWidth(760);
    const int height = header->sizeHint().height() + rows * table->verticalHeader()->defaultSectionSize() + 2 * table->frameWidth() + 2;
    table->setFixedHeight(height);
    return table;
}

void ExperimentResultsPanel::showCharts()
{
    QChart *lift = m_liftChart->chart();
    QChart *exposure = m_exposureChart->chart();
    clearChart(lift);
    clearChart(exposure);
    m_charts->setVisible(m_analysis.has_value() && m_experiment.has_value());
    if (!m_analysis || !m_experiment)
        return;
    const Experiment &e = *m_experiment;
    const Analysis &a = *m_analysis;
    const QString primary = Experiments::metricLabel(e.primaryMetric);
    lift->setTitle(tr("Cumulative lift of %1 (UTC days)").arg(primary.toLower()));
    exposure->setTitle(tr("Customers exposed, cumulative (UTC days)"));

    qint64 first = std::numeric_limits<qint64>::max();
    qint64 last = std::numeric_limits<qint64>::min();
    double low = 0, high = 0;
    qint64 top = 1;
    const int control = e.controlIndex();
    QList<QAbstractSeries *> liftSeries, exposureSeries;
    for (int i = 0; i < e.variants.size(); ++i) {
        const QColor colour = variantColour(i);
        // Exposures.
        auto *exposed = new QLineSeries;
        exposed->setName(Format::variantLabel(e, i));
        exposed->setColor(colour);
        for (const Experiments::SeriesPoint &p : a.series) {
            exposed->append(qreal(p.day), qreal(p.exposedTotal.value(i)));
            top = std::max(top, p.exposedTotal.value(i));
            first = std::min(first, p.day);
            last = std::max(last, p.day);
        }
        exposed->setPointsVisible(a.series.size() < 3);
        exposureSeries << exposed;
        if (i == control)
            continue;
        // The lift and its interval, where there is a comparison.
        auto *estimate = new QLineSeries;
        estimate->setName(Format::variantLabel(e, i));
        QPen pen(colour);
        pen.setWidthF(2);
        estimate->setPen(pen);
        auto *upper = new QLineSeries;
        auto *lower = new QLineSeries;
        std::optional<Stats::Comparison> latest;
        for (const Experiments::SeriesPoint &p : a.series) {
            const std::optional<Stats::Comparison> &c = p.primary.value(i);
            if (!c || !c->error.isEmpty() || !std::isfinite(c->effect))
                continue;
            estimate->append(qreal(p.day), c->effect * 100);
            low = std::min(low, c->effect);
            high = std::max(high, c->effect);
            if (std::isfinite(c->ciLow) && std::isfinite(c->ciHigh)) {
                upper->append(qreal(p.day), c->ciHigh * 100);
                lower->append(qreal(p.day), c->ciLow * 100);
                latest = c;
            }
        }
        // The scale follows the estimates and today's interval: the first days' intervals
        // are wide and would flatten everything else (they run off the plot instead).
        if (latest) {
            low = std::min(low, latest->ciLow);
            high = std::max(high, latest->ciHigh);
        }
        estimate->setPointsVisible(estimate->count() < 3);
        if (upper->count() > 0) {
            auto *band = new QAreaSeries(upper, lower);
            band->setName(tr("%1 interval").arg(Format::variantLabel(e, i)));
            QColor fill = colour;
            fill.setAlpha(32);
            band->setBrush(fill);
            QColor edge = colour;
            edge.setAlpha(90);
            band->setPen(QPen(edge, 1));
            liftSeries << band;
        } else {
            delete upper;
            delete lower;
        }
        liftSeries << estimate;
    }
    if (first > last) {
        // No day yet: an empty frame around today.
        first = last = QDateTime::currentDateTimeUtc().date().startOfDay(QTimeZone::utc()).toMSecsSinceEpoch();
    }
    const qint64 from = first == last ? first - DayMs : first;
    const qint64 to = first == last ? last + DayMs : last;
    // Zero: no difference.
    auto *zero = new QLineSeries;
    zero->setName(tr("No difference"));
    QPen dashed(palette().color(QPalette::Text));
    dashed.setStyle(Qt::DashLine);
    dashed.setWidthF(1);
    zero->setPen(dashed);
    zero->append(qreal(from), 0);
    zero->append(qreal(to), 0);
    liftSeries.prepend(zero);

    auto setUp = [from, to](QChart *chart, const QList<QAbstractSeries *> &series, double yLow, double yHigh, const QString &format) {
        for (QAbstractSeries *s : series)
            chart->addSeries(s);
        auto *x = new QDateTimeAxis;
        x->setFormat(QStringLiteral("MMM d"));
        x->setRange(QDateTime::fromMSecsSinceEpoch(from, QTimeZone::utc()), QDateTime::fromMSecsSinceEpoch(to, QTimeZone::utc()));
        x->setTickCount(int(std::clamp<qint64>((to - from) / DayMs + 1, 2, 8)));
        auto *y = new QValueAxis;
        y->setLabelFormat(format);
        y->setRange(yLow, yHigh);
        y->applyNiceNumbers();
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        for (QAbstractSeries *s : series) {
            s->attachAxis(x);
            s->attachAxis(y);
        }
    };
    const double pad = std::max(0.01, (high - low) * 0.1);
    setUp(lift, liftSeries, (low - pad) * 100, (high + pad) * 100, QStringLiteral("%.0f%%"));
    setUp(exposure, exposureSeries, 0, double(top) * 1.05, QStringLiteral("%.0f"));
    // The bands explain themselves by colour: only the lines in the legend.
    for (QLegendMarker *marker : lift->legend()->markers())
        if (qobject_cast<QAreaSeries *>(marker->series()))
            marker->setVisible(false);
}

Status ExperimentResultsPanel::exportCsv(const QString &file) const
{
    if (!m_experiment || !m_analysis)
        return Error{tr("there are no results to export"), file};
    // The same file as `promodesk-cli experiment results --csv`.
    return Experiments::writeResultsCsv(*m_experiment, *m_analysis, file);
}

void ExperimentResultsPanel::chooseCsvFile()
{
    if (!m_experiment || !m_analysis)
        return;
    QString base = m_experiment->name.toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    base = base.mid(0, 60).remove(QRegularExpression(QStringLiteral("^-+|-+$")));
    const QString file = QFileDialog::getSaveFileName(this, tr("Export Results"),
                                                      (base.isEmpty() ? m_experiment->id : base) + QStringLiteral("-results.csv"),
                                                      tr("CSV files (*.csv)"));
    if (file.isEmpty())
        return;
    if (Status s = exportCsv(file); !s) {
        showMessage(tr("Not exported: %1").arg(s.error().toString()), true);
        return;
    }
    showMessage(tr("Exported the results to %1.").arg(file), false);
    emit exported(file);
}

ExperimentWinnerDialog *ExperimentResultsPanel::openDeclareDialog()
{
    if (!m_experiment || !m_declare->isEnabled())
        return nullptr;
    auto *dialog = new ExperimentWinnerDialog(*m_experiment, m_campaigns, m_analysis ? m_analysis->suggestedWinner : QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { declareWinner(dialog->variantKey(), dialog->note()); });
    dialog->open();
    return dialog;
}

void ExperimentResultsPanel::declareWinner(const QString &variantKey, const QString &note)
{
    if (!m_experiment || m_experiment->id.isEmpty() || m_path.isEmpty() || m_declaring)
        return;
    m_declaring = true;
    m_busy->setVisible(true);
    showMessage(tr("Declaring the winner…"), false);
    updateButtons();
    runInBackground(
        this, m_tasks,
        [path = m_path, id = m_experiment->id, variantKey, note]() -> Result<Experiment> {
            auto connection = Store::Workspace::openForWriting(path);
            if (!connection)
                return connection.error();
            return Store::ExperimentStore(*connection.value()).declareWinner(id, variantKey, note, Store::nowMs(), Actor);
        },
        [this](const Result<Experiment> &result) {
            m_declaring = false;
            m_busy->setVisible(m_loading);
            if (!result) {
                showMessage(tr("No winner declared: %1").arg(result.error().toString()), true);
                updateButtons();
                emit declareFailed(result.error().toString());
                return;
            }
            const Experiment &e = result.value();
            const int w = e.indexOf(e.winner);
            showMessage(tr("“%1” is concluded: %2 won.").arg(e.name, w >= 0 ? Format::variantLabel(e, w) : e.winner), false);
            m_experiment = e;
            emit declared(e);
            refresh();
        });
}

} // namespace PromoDesk::Ui
