#include "experimentplanner.h"

#include "rules/syntax.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "widgets/experimentformat.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QRadioButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace PromoDesk::Ui {

using Experiments::Metric;

namespace {

QLabel *valueLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(QStringLiteral("—"), parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

QString audienceKey(const Experiments::Experiment &e)
{
    return e.segmentId + QLatin1Char('\n') + (e.rule ? Rules::print(*e.rule) : QString());
}

} // namespace

ExperimentPlanner::ExperimentPlanner(QWidget *parent)
    : QWidget(parent), m_audience(valueLabel(QStringLiteral("plannerAudience"), this)),
      m_daily(valueLabel(QStringLiteral("plannerDaily"), this)), m_baselineValue(valueLabel(QStringLiteral("plannerBaseline"), this)),
      m_busy(new QProgressBar(this)), m_power(new QDoubleSpinBox(this)), m_mde(new QDoubleSpinBox(this)), m_units(new QSpinBox(this)),
      m_solveSize(new QRadioButton(tr("Customers needed to detect a lift of"), this)),
      m_solveMde(new QRadioButton(tr("Smallest lift detectable with"), this)),
      m_perArm(valueLabel(QStringLiteral("plannerPerArm"), this)), m_total(valueLabel(QStringLiteral("plannerTotal"), this)),
      m_duration(valueLabel(QStringLiteral("plannerDuration"), this)), m_message(new QLabel(this)), m_debounce(new QTimer(this))
{
    setObjectName(QStringLiteral("experimentPlanner"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumSize(120, 12);
    m_busy->setVisible(false);

    auto *history = new QGroupBox(tr("The audience (last %1 days, UTC)").arg(HistoryDays), this);
    auto *historyForm = new QFormLayout(history);
    historyForm->addRow(tr("Customers in the audience:"), m_audience);
    historyForm->addRow(tr("New ordering customers a day:"), m_daily);
    historyForm->addRow(tr("Primary metric's baseline:"), m_baselineValue);
    historyForm->addRow(QString(), m_busy);
    m_daily->setToolTip(tr("Distinct customers of the audience who ordered in the last %1 days, per day: the pace at which "
                           "customers enter the experiment (each is counted once, at their first visit)")
                            .arg(HistoryDays));

    m_power->setObjectName(QStringLiteral("plannerPower"));
    m_power->setRange(50, 99);
    m_power->setDecimals(0);
    m_power->setSuffix(QStringLiteral("%"));
    m_power->setValue(80);
    m_power->setToolTip(tr("The chance of detecting the lift when it is really there"));
    m_mde->setObjectName(QStringLiteral("plannerMde"));
    m_mde->setRange(0.1, 500);
    m_mde->setDecimals(1);
    m_mde->setSingleStep(0.5);
    m_mde->setSuffix(QStringLiteral("%"));
    m_mde->setValue(5);
    m_mde->setToolTip(tr("Relative lift of the primary metric over the control"));
    m_units->setObjectName(QStringLiteral("plannerUnits"));
    m_units->setRange(2, std::numeric_limits<int>::max());
    m_units->setGroupSeparatorShown(true);
    m_units->setValue(10000);
    m_units->setSuffix(tr(" per arm"));
    m_solveSize->setObjectName(QStringLiteral("plannerSolveSize"));
    m_solveMde->setObjectName(QStringLiteral("plannerSolveMde"));
    m_solveSize->setChecked(true);

    auto *inputs = new QGroupBox(tr("Plan"), this);
    auto *grid = new QGridLayout(inputs);
    grid->addWidget(new QLabel(tr("Power:"), inputs), 0, 0);
    grid->addWidget(m_power, 0, 1);
    grid->addWidget(m_solveSize, 1, 0);
    grid->addWidget(m_mde, 1, 1);
    grid->addWidget(m_solveMde, 2, 0);
    grid->addWidget(m_units, 2, 1);
    grid->setColumnStretch(2, 1);

    auto *results = new QGroupBox(tr("Result"), this);
    auto *resultForm = new QFormLayout(results);
    resultForm->addRow(tr("Customers per arm:"), m_perArm);
    resultForm->addRow(tr("Customers in all:"), m_total);
    resultForm->addRow(tr("Expected duration:"), m_duration);
    m_message->setObjectName(QStringLiteral("plannerMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    resultForm->addRow(m_message);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(history);
    layout->addWidget(inputs);
    layout->addWidget(results);
    auto *note = new QLabel(tr("Two-sided test at the experiment's significance, each variant against the control (Bonferroni "
                               "over the comparisons), z approximation. Sequential testing needs somewhat more customers."),
                            this);
    note->setWordWrap(true);
    QPalette muted = note->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    note->setPalette(muted);
    layout->addWidget(note);
    layout->addStretch(1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(400);
    connect(m_debounce, &QTimer::timeout, this, &ExperimentPlanner::reloadBaseline);
    connect(m_power, &QDoubleSpinBox::valueChanged, this, &ExperimentPlanner::recompute);
    connect(m_mde, &QDoubleSpinBox::valueChanged, this, [this] {
        if (m_updating)
            return;
        m_solve = Solve::SampleSize;
        m_solveSize->setChecked(true);
        recompute();
    });
    connect(m_units, &QSpinBox::valueChanged, this, [this] {
        if (m_updating)
            return;
        m_solve = Solve::MinimumEffect;
        m_solveMde->setChecked(true);
        recompute();
    });
    connect(m_solveSize, &QRadioButton::toggled, this, [this](bool on) {
        if (m_updating)
            return;
        m_solve = on ? Solve::SampleSize : Solve::MinimumEffect;
        recompute();
    });
    recompute();
}

ExperimentPlanner::~ExperimentPlanner() = default;

void ExperimentPlanner::setWorkspace(const QString &path, const QString &currency)
{
    m_path = path;
    m_currency = currency;
    m_audienceKey.clear();
    m_baseline.reset();
    ++m_generation;
    m_loading = false;
    m_busy->setVisible(false);
    showBaseline();
    recompute();
    if (!path.isEmpty())
        m_debounce->start();
}

void ExperimentPlanner::setExperiment(const Experiments::Experiment &experiment)
{
    m_experiment = experiment;
    if (!m_path.isEmpty() && audienceKey(experiment) != m_audienceKey)
        m_debounce->start();
    showBaseline();
    recompute();
}

bool ExperimentPlanner::isLoading() const
{
    return m_loading || m_debounce->isActive();
}

void ExperimentPlanner::setPower(double power)
{
    m_power->setValue(power * 100);
}

void ExperimentPlanner::setMinimumEffect(double mde)
{
    m_mde->setValue(mde * 100);
    m_solve = Solve::SampleSize;
    m_solveSize->setChecked(true);
    recompute();
}

void ExperimentPlanner::setUnitsPerArm(qint64 units)
{
    m_units->setValue(int(std::min<qint64>(units, std::numeric_limits<int>::max())));
    m_solve = Solve::MinimumEffect;
    m_solveMde->setChecked(true);
    recompute();
}

void ExperimentPlanner::reloadBaseline()
{
    if (m_path.isEmpty())
        return;
    const quint64 generation = ++m_generation;
    m_audienceKey = audienceKey(m_experiment);
    m_loading = true;
    m_error.clear();
    m_busy->setVisible(true);
    runInBackground(
        this, m_tasks,
        [path = m_path, experiment = m_experiment]() -> Result<Store::ExperimentStore::Baseline> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            return Store::ExperimentStore(*connection.value()).baseline(experiment, Store::nowMs(), HistoryDays);
        },
        [this, generation](const Result<Store::ExperimentStore::Baseline> &result) {
            if (generation != m_generation)
                return;
            m_loading = false;
            m_busy->setVisible(false);
            if (!result) {
                m_baseline.reset();
                m_error = result.error().toString();
            } else {
                m_baseline = result.value();
                m_error.clear();
            }
            showBaseline();
            recompute();
            emit baselineLoaded();
        });
}

void ExperimentPlanner::showBaseline()
{
    const QLocale locale = QLocale::system();
    if (!m_baseline) {
        for (QLabel *l : {m_audience, m_daily, m_baselineValue})
            l->setText(m_loading ? tr("reading…") : QStringLiteral("—"));
        return;
    }
    const Store::ExperimentStore::Baseline &b = *m_baseline;
    m_audience->setText(m_experiment.coverage < 1
                            ? tr("%1 (%2 of them enter at %3 coverage)")
                                  .arg(locale.toString(b.audience), locale.toString(qint64(std::llround(double(b.audience) * m_experiment.coverage))),
                                       ExperimentFormat::percent(m_experiment.coverage, 0))
                            : locale.toString(b.audience));
    const double newPerDay = double(b.periodCustomers) / HistoryDays;
    m_daily->setText(tr("%1 (of %2 ordering customers on an average day)")
                         .arg(locale.toString(newPerDay, 'f', newPerDay < 10 ? 1 : 0), locale.toString(b.dailyCustomers, 'f', b.dailyCustomers < 10 ? 1 : 0)));
    const Metric metric = m_experiment.primaryMetric;
    const auto it = b.metrics.constFind(int(metric));
    if (it == b.metrics.constEnd() || it->n == 0) {
        m_baselineValue->setText(tr("%1: no history").arg(Experiments::metricLabel(metric)));
        return;
    }
    const Stats::MetricType type = Experiments::metricType(metric);
    const double value = Stats::metricValue(type, *it);
    QString text = QStringLiteral("%1: %2").arg(Experiments::metricLabel(metric), ExperimentFormat::value(metric, value, m_currency));
    if (type != Stats::MetricType::Proportion) {
        const double sd = std::sqrt(std::max(0.0, Stats::metricVariance(type, *it)));
        text += tr(" (standard deviation %1)").arg(ExperimentFormat::value(metric, sd, m_currency));
    }
    m_baselineValue->setText(text);
}

Stats::PlanInput ExperimentPlanner::planInput() const
{
    Stats::PlanInput input;
    const Metric metric = m_experiment.primaryMetric;
    input.type = Experiments::metricType(metric);
    if (m_baseline) {
        const Stats::VariantStats stats = m_baseline->metrics.value(int(metric));
        if (stats.n > 0) {
            input.baseline = Stats::metricValue(input.type, stats);
            input.standardDeviation = std::sqrt(std::max(0.0, Stats::metricVariance(input.type, stats)));
        }
        input.dailyUnits = double(m_baseline->periodCustomers) / HistoryDays * m_experiment.coverage;
    }
    input.alpha = m_experiment.alpha;
    input.power = m_power->value() / 100;
    input.arms = std::max(2, int(m_experiment.variants.size()));
    if (m_experiment.variants.size() >= 2)
        input.weights = m_experiment.weights();
    input.mde = m_mde->value() / 100;
    input.unitsPerArm = m_units->value();
    return input;
}

void ExperimentPlanner::recompute()
{
    const QLocale locale = QLocale::system();
    auto fail = [this](const QString &message, bool error = true) {
        m_plan = Stats::Plan{};
        m_plan.error = message;
        for (QLabel *l : {m_perArm, m_total, m_duration})
            l->setText(QStringLiteral("—"));
        m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QString());
        m_message->setText(message);
        emit planChanged();
    };
    if (!m_error.isEmpty())
        return fail(tr("Cannot read the audience's history: %1").arg(m_error));
    if (!m_baseline)
        return fail(m_path.isEmpty() ? tr("No workspace is open.") : tr("Reading the audience's history…"), false);
    const Stats::PlanInput input = planInput();
    if (input.baseline <= 0)
        return fail(tr("The audience has no %1 in the last %2 days: there is no baseline to plan from.")
                        .arg(Experiments::metricLabel(m_experiment.primaryMetric).toLower())
                        .arg(HistoryDays));
    const Stats::Plan plan = m_solve == Solve::SampleSize ? Stats::sampleSize(input) : Stats::minimumDetectableEffect(input);
    if (!plan.error.isEmpty())
        return fail(plan.error);
    m_plan = plan;
    {
        // Show the other side of the computation in its box, without solving again.
        m_updating = true;
        if (m_solve == Solve::SampleSize)
            m_units->setValue(int(std::min<qint64>(plan.unitsPerArm, std::numeric_limits<int>::max())));
        else
            m_mde->setValue(plan.mde * 100);
        m_updating = false;
    }
    m_perArm->setText(locale.toString(plan.unitsPerArm));
    m_total->setText(locale.toString(plan.totalUnits));
    if (plan.days)
        m_duration->setText(*plan.days < 1 ? tr("under a day") : ExperimentFormat::days(*plan.days, tr("about %1")));
    else
        m_duration->setText(tr("unknown (no recent orders)"));
    const qint64 reachable = qint64(std::floor(double(m_baseline->audience) * m_experiment.coverage));
    QStringList notes;
    if (plan.totalUnits > reachable)
        notes << tr("The audience is too small: the plan needs %1 customers, the experiment can reach %2.")
                     .arg(locale.toString(plan.totalUnits), locale.toString(reachable));
    notes << (m_solve == Solve::SampleSize
                  ? tr("To detect a %1 lift of %2 with %3 power.")
                        .arg(ExperimentFormat::percent(plan.mde, 1),
                             Experiments::metricLabel(m_experiment.primaryMetric).toLower(), ExperimentFormat::percent(input.power, 0))
                  : tr("With %1 customers per arm, a lift of %2 or more is detected with %3 power.")
                        .arg(locale.toString(input.unitsPerArm), ExperimentFormat::percent(plan.mde, 1),
                             ExperimentFormat::percent(input.power, 0)));
    m_message->setStyleSheet(plan.totalUnits > reachable ? QStringLiteral("color: #9a5b00;") : QString());
    m_message->setText(notes.join(QLatin1Char(' ')));
    emit planChanged();
}

QString ExperimentPlanner::resultText() const
{
    return QStringList{m_perArm->text(), m_total->text(), m_duration->text(), m_message->text()}.join(QLatin1Char('\n'));
}

} // namespace PromoDesk::Ui
