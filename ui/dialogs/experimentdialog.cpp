#include "experimentdialog.h"

#include "editors/ruleseditor.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/experimentstore.h"
#include "store/workspace.h"
#include "widgets/experimentformat.h"
#include "widgets/experimentplanner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace PromoDesk::Ui {

using Experiments::Experiment;
using Experiments::Metric;
using Experiments::Variant;

namespace {

// Who the audit log names for changes made from the window.
const QString Actor = QStringLiteral("promodesk");
const QString ErrorStyle = QStringLiteral("color: #b3261e;");

QString keyForIndex(int index)
{
    // b, c, … z, then v27, v28, …
    return index < 25 ? QString(QChar(u'b' + index)) : QStringLiteral("v%1").arg(index + 2);
}

QDateTime utcDateTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    QPalette muted = label->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    label->setPalette(muted);
    return label;
}

// Which tab holds the field an error names.
ExperimentDialog::Tab tabOf(const QString &where)
{
    const QString w = where.toLower();
    if (w.contains(QLatin1String("variant")) || w.contains(QLatin1String("weight")) || w.contains(QLatin1String("holdout"))
        || w.contains(QLatin1String("campaign")) || w.contains(QLatin1String("tier")))
        return ExperimentDialog::VariantsTab;
    if (w.contains(QLatin1String("metric")) || w.contains(QLatin1String("alpha")) || w.contains(QLatin1String("engine"))
        || w.contains(QLatin1String("correction")) || w.contains(QLatin1String("sequential")))
        return ExperimentDialog::MetricsTab;
    return ExperimentDialog::SetupTab;
}

} // namespace

ExperimentDialog::ExperimentDialog(const QString &workspacePath, const QString &currency, QWidget *parent)
    : QDialog(parent), m_path(workspacePath), m_currency(currency), m_tabs(new QTabWidget(this)), m_name(new QLineEdit(this)),
      m_hypothesis(new QPlainTextEdit(this)), m_segment(new QComboBox(this)), m_rules(new RulesEditor(this)),
      m_coverage(new QDoubleSpinBox(this)), m_seed(new QLineEdit(this)), m_plannedStart(new QCheckBox(tr("Planned start:"), this)),
      m_start(new QDateTimeEdit(this)), m_hasEnd(new QCheckBox(tr("Ends:"), this)), m_end(new QDateTimeEdit(this)),
      m_variants(new QTableWidget(0, VariantColumns, this)), m_addVariant(new QPushButton(tr("&Add Variant"), this)),
      m_removeVariant(new QPushButton(tr("&Remove Variant"), this)), m_equalWeights(new QPushButton(tr("&Equal Weights"), this)),
      m_weightTotal(new QLabel(this)), m_split(new QLabel(this)), m_primary(new QComboBox(this)), m_secondary(new QListWidget(this)),
      m_guardrail(new QListWidget(this)), m_engine(new QComboBox(this)), m_alpha(new QDoubleSpinBox(this)),
      m_sequential(new QCheckBox(tr("&Sequential testing: results may be read every day without inflating false positives"), this)),
      m_correction(new QComboBox(this)), m_planner(new ExperimentPlanner(this)), m_frozenNote(new QLabel(this)),
      m_loading(new QLabel(tr("Reading segments and campaigns…"), this)), m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("experimentDialog"));
    setWindowTitle(tr("New Experiment"));
    resize(980, 680);

    m_frozenNote->setObjectName(QStringLiteral("frozenNote"));
    m_frozenNote->setWordWrap(true);
    m_frozenNote->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; border: 1px solid #f0c27b; border-radius: 4px; padding: 6px 10px; }"));
    m_frozenNote->setVisible(false);

    m_tabs->setObjectName(QStringLiteral("experimentTabs"));
    m_tabs->addTab(createSetupTab(), tr("Setup"));
    m_tabs->addTab(createVariantsTab(), tr("Variants"));
    m_tabs->addTab(createMetricsTab(), tr("Metrics && Statistics"));
    m_tabs->addTab(m_planner, tr("Planner"));

    m_loading->setObjectName(QStringLiteral("experimentLoading"));
    m_error->setObjectName(QStringLiteral("experimentError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(ErrorStyle);
    m_error->setVisible(false);
    m_buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("saveExperiment"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExperimentDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExperimentDialog::reject);

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_loading);
    bottom->addWidget(m_error, 1);
    bottom->addWidget(m_buttons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_frozenNote);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(bottom);

    m_planner->setWorkspace(m_path, m_currency);

    // A new experiment until told otherwise.
    Experiment fresh;
    fresh.secondaryMetrics = {Metric::RedemptionRate, Metric::RevenuePerCustomer, Metric::DiscountPerCustomer};
    fresh.guardrailMetrics = {Metric::Conversion};
    const qint64 today = QDateTime::currentDateTimeUtc().date().startOfDay(QTimeZone::utc()).toMSecsSinceEpoch();
    fresh.variants = {Variant{QStringLiteral("control"), tr("Control"), {}, {}, 1.0 / 3, false},
                      Variant{QStringLiteral("b"), tr("Variant B"), {}, {}, 1.0 / 3, false},
                      Variant{QStringLiteral("holdout"), tr("Holdout"), {}, {}, 1.0 / 3, true}};
    fresh.endAt = today + 29 * 86'400'000LL; // four weeks from tomorrow
    setExperiment(fresh);
    m_start->setDateTime(utcDateTime(today + 86'400'000));
    equalWeights();
    loadLists();
}

ExperimentDialog::~ExperimentDialog() = default;

QWidget *ExperimentDialog::createSetupTab()
{
    auto *tab = new QWidget(this);
    m_name->setObjectName(QStringLiteral("experimentName"));
    m_name->setPlaceholderText(tr("e.g. $5 off vs 10% off vs no promo"));
    m_hypothesis->setObjectName(QStringLiteral("experimentHypothesis"));
    m_hypothesis->setPlaceholderText(tr("What you expect and why, e.g. “A percentage off lifts net revenue more than a fixed amount for "
                                        "baskets over $50.”"));
    m_hypothesis->setFixedHeight(m_hypothesis->fontMetrics().lineSpacing() * 3 + 14);
    m_hypothesis->setTabChangesFocus(true);

    m_segment->setObjectName(QStringLiteral("experimentSegment"));
    m_segment->addItem(tr("Loading segments…"), QString());
    m_segment->setMinimumContentsLength(30);
    m_segment->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_rules->setObjectName(QStringLiteral("experimentRule"));
    m_rules->setMinimumHeight(220);
    m_coverage->setObjectName(QStringLiteral("experimentCoverage"));
    m_coverage->setRange(0.1, 100);
    m_coverage->setDecimals(1);
    m_coverage->setSuffix(QStringLiteral("%"));
    m_coverage->setValue(100);
    m_coverage->setToolTip(tr("The share of the audience that enters the experiment; the rest keeps today's campaigns"));
    m_seed->setObjectName(QStringLiteral("experimentSeed"));
    m_seed->setPlaceholderText(tr("the experiment's id"));
    m_seed->setToolTip(tr("The hash seed of GrowthBook's hashing v2: a shop's GrowthBook SDK with the same experiment key puts "
                          "each customer in the same variant"));

    for (QDateTimeEdit *edit : {m_start, m_end}) {
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
    }
    m_start->setObjectName(QStringLiteral("experimentStart"));
    m_end->setObjectName(QStringLiteral("experimentEnd"));
    m_plannedStart->setObjectName(QStringLiteral("experimentPlannedStart"));
    m_hasEnd->setObjectName(QStringLiteral("experimentHasEnd"));
    m_plannedStart->setToolTip(tr("Unchecked: it starts when you press Start"));
    m_hasEnd->setToolTip(tr("Unchecked: it runs until you stop it"));
    m_hasEnd->setChecked(true);
    connect(m_plannedStart, &QCheckBox::toggled, m_start, &QWidget::setEnabled);
    connect(m_hasEnd, &QCheckBox::toggled, m_end, &QWidget::setEnabled);
    m_start->setEnabled(false);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Hypothesis:"), m_hypothesis);
    auto *when = new QHBoxLayout;
    when->addWidget(m_plannedStart);
    when->addWidget(m_start);
    when->addSpacing(16);
    when->addWidget(m_hasEnd);
    when->addWidget(m_end);
    when->addWidget(new QLabel(tr("(times in UTC)"), tab));
    when->addStretch(1);
    form->addRow(tr("When:"), when);

    auto *audience = new QGroupBox(tr("Audience"), tab);
    auto *audienceForm = new QFormLayout(audience);
    audienceForm->addRow(tr("&Segment:"), m_segment);
    audienceForm->addRow(tr("and matching:"), m_rules);
    auto *coverageRow = new QHBoxLayout;
    coverageRow->addWidget(m_coverage);
    coverageRow->addSpacing(16);
    auto *seedLabel = new QLabel(tr("Hash see&d:"), audience);
    seedLabel->setBuddy(m_seed);
    coverageRow->addWidget(seedLabel);
    coverageRow->addWidget(m_seed, 1);
    auto *coverageLabel = new QLabel(tr("&Coverage:"), audience);
    coverageLabel->setBuddy(m_coverage);
    audienceForm->addRow(coverageLabel, coverageRow);
    audienceForm->addRow(mutedLabel(tr("Customers in the segment (if any) who also match the rule (an empty rule: everyone) are "
                                       "split between the variants by GrowthBook's sticky hashing. Guests are never in an experiment."),
                                    audience));

    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(form);
    layout->addWidget(audience, 1);

    connect(m_name, &QLineEdit::textChanged, this, &ExperimentDialog::changed);
    connect(m_segment, &QComboBox::currentIndexChanged, this, &ExperimentDialog::changed);
    connect(m_rules, &RulesEditor::ruleChanged, this, &ExperimentDialog::changed);
    connect(m_coverage, &QDoubleSpinBox::valueChanged, this, &ExperimentDialog::changed);
    return tab;
}

QWidget *ExperimentDialog::createVariantsTab()
{
    auto *tab = new QWidget(this);
    m_variants->setObjectName(QStringLiteral("experimentVariants"));
    m_variants->setHorizontalHeaderLabels({tr("Key"), tr("Name"), tr("Campaign"), tr("Promotion tier"), tr("Weight"), tr("Holdout")});
    m_variants->verticalHeader()->setVisible(false);
    m_variants->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_variants->setSelectionMode(QAbstractItemView::SingleSelection);
    m_variants->verticalHeader()->setDefaultSectionSize(m_variants->fontMetrics().height() + 16);
    QHeaderView *header = m_variants->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(CampaignColumn, QHeaderView::Stretch);
    m_variants->setColumnWidth(KeyColumn, 90);
    m_variants->setColumnWidth(NameColumn, 160);
    m_variants->setColumnWidth(TierColumn, 190);
    m_variants->setColumnWidth(WeightColumn, 100);
    m_variants->setColumnWidth(HoldoutColumn, 70);
    m_addVariant->setObjectName(QStringLiteral("addVariant"));
    m_removeVariant->setObjectName(QStringLiteral("removeVariant"));
    m_equalWeights->setObjectName(QStringLiteral("equalWeights"));
    m_addVariant->setToolTip(tr("Add a variant (weights become equal)"));
    m_removeVariant->setToolTip(tr("Remove the selected variant (weights become equal)"));
    m_equalWeights->setToolTip(tr("Give every variant the same share"));
    m_weightTotal->setObjectName(QStringLiteral("weightTotal"));
    connect(m_addVariant, &QPushButton::clicked, this, [this] { addVariant(); });
    connect(m_removeVariant, &QPushButton::clicked, this, [this] { removeVariant(m_variants->currentRow()); });
    connect(m_equalWeights, &QPushButton::clicked, this, &ExperimentDialog::equalWeights);
    connect(m_variants, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (m_filling)
            return;
        if (item->column() == HoldoutColumn)
            updateHoldout(item->row());
        changed();
    });

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_addVariant);
    buttons->addWidget(m_removeVariant);
    buttons->addWidget(m_equalWeights);
    buttons->addStretch(1);
    buttons->addWidget(m_weightTotal);
    // Room for the ten variants an experiment may have, no more.
    m_variants->setMaximumHeight(m_variants->horizontalHeader()->sizeHint().height()
                                 + 10 * m_variants->verticalHeader()->defaultSectionSize() + 2 * m_variants->frameWidth() + 2);
    m_split->setObjectName(QStringLiteral("variantSplit"));
    m_split->setWordWrap(true);
    m_split->setTextFormat(Qt::RichText);
    m_split->setStyleSheet(QStringLiteral("QLabel { background: palette(base); border: 1px solid palette(mid); border-radius: 4px; padding: 8px 10px; }"));
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(mutedLabel(tr("Each variant gives its customers one campaign, or one promotion tier of it; the holdout gets "
                                    "none of them. The first variant is the baseline every other one is compared with: put the "
                                    "holdout first to measure each incentive against no promotion. Weights are shares of the "
                                    "customers who enter."),
                                 tab));
    layout->addWidget(m_variants, 1);
    layout->addLayout(buttons);
    layout->addSpacing(8);
    layout->addWidget(m_split);
    layout->addStretch(0);
    return tab;
}

QWidget *ExperimentDialog::createMetricsTab()
{
    auto *tab = new QWidget(this);
    m_primary->setObjectName(QStringLiteral("experimentPrimary"));
    m_secondary->setObjectName(QStringLiteral("experimentSecondary"));
    m_guardrail->setObjectName(QStringLiteral("experimentGuardrails"));
    for (Metric m : Experiments::allMetrics()) {
        m_primary->addItem(Experiments::metricLabel(m), int(m));
        for (QListWidget *list : {m_secondary, m_guardrail}) {
            auto *item = new QListWidgetItem(Experiments::metricLabel(m), list);
            item->setData(Qt::UserRole, int(m));
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
        }
    }
    for (QListWidget *list : {m_secondary, m_guardrail}) {
        list->setMaximumHeight(list->sizeHintForRow(0) * 6 + 2 * list->frameWidth() + 4);
        connect(list, &QListWidget::itemChanged, this, [this, list](QListWidgetItem *item) {
            if (m_filling)
                return;
            // A metric is secondary or a guardrail, not both.
            QListWidget *other = list == m_secondary ? m_guardrail : m_secondary;
            if (item->checkState() == Qt::Checked) {
                const QSignalBlocker blocker(other);
                other->item(list->row(item))->setCheckState(Qt::Unchecked);
            }
            changed();
        });
    }
    connect(m_primary, &QComboBox::currentIndexChanged, this, [this] {
        updateMetricLists();
        changed();
    });
    m_engine->setObjectName(QStringLiteral("experimentEngine"));
    m_engine->addItem(ExperimentFormat::engineLabel(Stats::Engine::Frequentist), int(Stats::Engine::Frequentist));
    m_engine->addItem(ExperimentFormat::engineLabel(Stats::Engine::Bayesian), int(Stats::Engine::Bayesian));
    m_engine->setToolTip(tr("Frequentist: p-values and confidence intervals. Bayesian: the chance to beat the control and "
                            "credible intervals."));
    m_alpha->setObjectName(QStringLiteral("experimentAlpha"));
    m_alpha->setRange(0.001, 0.499);
    m_alpha->setDecimals(3);
    m_alpha->setSingleStep(0.01);
    m_alpha->setValue(0.05);
    m_alpha->setToolTip(tr("0.05: 95% confidence intervals, and a 5% chance of calling a difference that is not there"));
    m_sequential->setObjectName(QStringLiteral("experimentSequential"));
    m_sequential->setChecked(true);
    m_correction->setObjectName(QStringLiteral("experimentCorrection"));
    for (const QString &key : {QStringLiteral("holm"), QStringLiteral("benjamini_hochberg"), QStringLiteral("none")})
        m_correction->addItem(ExperimentFormat::correctionLabel(key), key);
    m_correction->setToolTip(tr("Multiple-comparison correction over every variant and goal metric"));
    connect(m_alpha, &QDoubleSpinBox::valueChanged, this, &ExperimentDialog::changed);
    connect(m_engine, &QComboBox::currentIndexChanged, this, [this] {
        const bool frequentist = m_engine->currentData().toInt() == int(Stats::Engine::Frequentist);
        m_correction->setEnabled(frequentist);
        m_sequential->setEnabled(frequentist);
        changed();
    });

    auto *goals = new QGroupBox(tr("Goals"), tab);
    auto *goalsForm = new QFormLayout(goals);
    auto *primaryRow = new QHBoxLayout;
    primaryRow->addWidget(m_primary);
    primaryRow->addStretch(1);
    auto *primaryLabel = new QLabel(tr("&Primary metric:"), goals);
    primaryLabel->setBuddy(m_primary);
    goalsForm->addRow(primaryLabel, primaryRow);
    auto *lists = new QHBoxLayout;
    auto *secondaryColumn = new QVBoxLayout;
    secondaryColumn->addWidget(new QLabel(tr("Secondary metrics:"), goals));
    secondaryColumn->addWidget(m_secondary);
    auto *guardrailColumn = new QVBoxLayout;
    guardrailColumn->addWidget(new QLabel(tr("Guardrail metrics (must not get worse):"), goals));
    guardrailColumn->addWidget(m_guardrail);
    lists->addLayout(secondaryColumn);
    lists->addLayout(guardrailColumn);
    goalsForm->addRow(lists);
    goalsForm->addRow(mutedLabel(tr("Every metric counts from a customer's first exposure to the end of the experiment. The discount "
                                    "per customer is better when lower; net revenue is order value minus discount."),
                                 goals));

    auto *statistics = new QGroupBox(tr("Statistics"), tab);
    auto *statsForm = new QFormLayout(statistics);
    statsForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    statsForm->addRow(tr("E&ngine:"), m_engine);
    statsForm->addRow(tr("Significance &level (alpha):"), m_alpha);
    statsForm->addRow(QString(), m_sequential);
    statsForm->addRow(tr("&Correction:"), m_correction);

    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(goals);
    layout->addWidget(statistics);
    layout->addStretch(1);
    return tab;
}

void ExperimentDialog::loadLists()
{
    if (m_path.isEmpty())
        return;
    m_loading->setVisible(true);
    m_tasks.track(Store::SegmentTasks::list(m_path)).then(this, [this](const Result<QList<Store::Segment>> &result) {
        m_segmentsLoaded = true;
        if (!result)
            showError(Error{tr("cannot read the segments: %1").arg(result.error().toString()), tr("Segment")});
        else
            m_segments = result.value();
        std::sort(m_segments.begin(), m_segments.end(),
                  [](const Store::Segment &a, const Store::Segment &b) { return a.name.localeAwareCompare(b.name) < 0; });
        fillSegments();
        m_loading->setVisible(!isLoaded());
        if (isLoaded())
            emit loaded();
    });
    runInBackground(
        this, m_tasks,
        [path = m_path]() -> Result<QList<Engine::Campaign>> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            return Store::CampaignStore(*connection.value()).loadCampaigns();
        },
        [this](const Result<QList<Engine::Campaign>> &result) {
            m_campaignsLoaded = true;
            if (!result)
                showError(Error{tr("cannot read the campaigns: %1").arg(result.error().toString()), tr("Campaign")});
            else
                m_campaigns = result.value();
            std::sort(m_campaigns.begin(), m_campaigns.end(),
                      [](const Engine::Campaign &a, const Engine::Campaign &b) { return a.name.localeAwareCompare(b.name) < 0; });
            for (int row = 0; row < m_variants->rowCount(); ++row)
                fillCampaigns(row);
            m_loading->setVisible(!isLoaded());
            changed();
            if (isLoaded())
                emit loaded();
        });
}

void ExperimentDialog::fillSegments()
{
    const QString wanted = m_segment->property("wanted").toString();
    const QSignalBlocker blocker(m_segment);
    m_segment->clear();
    m_segment->addItem(tr("Every customer (no segment)"), QString());
    const QLocale locale = QLocale::system();
    bool found = wanted.isEmpty();
    for (const Store::Segment &s : std::as_const(m_segments)) {
        m_segment->addItem(tr("%1 (%2 customers)").arg(s.name, locale.toString(s.size)), s.id);
        found = found || s.id == wanted;
    }
    if (!found) // a segment removed since: kept, so that nothing changes silently
        m_segment->addItem(tr("%1 (not in the workspace)").arg(wanted), wanted);
    m_segment->setCurrentIndex(std::max(0, m_segment->findData(wanted)));
    changed();
}

QComboBox *ExperimentDialog::campaignBox(int row) const
{
    return qobject_cast<QComboBox *>(m_variants->cellWidget(row, CampaignColumn));
}

QComboBox *ExperimentDialog::tierBox(int row) const
{
    return qobject_cast<QComboBox *>(m_variants->cellWidget(row, TierColumn));
}

void ExperimentDialog::fillCampaigns(int row)
{
    QComboBox *box = campaignBox(row);
    if (!box)
        return;
    const QString wanted = box->property("wanted").toString();
    {
        const QSignalBlocker blocker(box);
        box->clear();
        if (!m_campaignsLoaded) {
            box->addItem(tr("Loading campaigns…"), QString());
        } else {
            box->addItem(tr("Choose a campaign…"), QString());
            bool found = wanted.isEmpty();
            for (const Engine::Campaign &c : std::as_const(m_campaigns)) {
                // Archived campaigns redeem nothing: only offered when already chosen.
                if (c.status == Engine::CampaignStatus::Archived && c.id != wanted)
                    continue;
                box->addItem(QStringLiteral("%1 — %2").arg(c.name, Engine::campaignStatusKey(c.status)), c.id);
                found = found || c.id == wanted;
            }
            if (!found)
                box->addItem(tr("%1 (not in the workspace)").arg(wanted), wanted);
        }
        box->setCurrentIndex(std::max(0, box->findData(wanted)));
    }
    fillTiers(row);
}

void ExperimentDialog::fillTiers(int row)
{
    QComboBox *campaign = campaignBox(row);
    QComboBox *box = tierBox(row);
    if (!campaign || !box)
        return;
    const QString campaignId = campaign->currentData().toString();
    const QString wanted = box->property("wanted").toString();
    const Engine::Campaign *c = nullptr;
    for (const Engine::Campaign &candidate : std::as_const(m_campaigns))
        if (candidate.id == campaignId)
            c = &candidate;
    const QSignalBlocker blocker(box);
    box->clear();
    box->addItem(c && !c->tiers.isEmpty() ? tr("All its tiers") : tr("—"), QString());
    bool found = wanted.isEmpty();
    if (c) {
        for (const Engine::Tier &t : c->tiers) {
            box->addItem(t.name.isEmpty() ? t.id : t.name, t.id);
            found = found || t.id == wanted;
        }
    }
    if (!found && m_campaignsLoaded)
        box->addItem(tr("%1 (not in the campaign)").arg(wanted), wanted);
    box->setCurrentIndex(std::max(0, box->findData(wanted)));
    box->setEnabled(!m_frozen && box->count() > 1 && !variant(row).holdout);
}

void ExperimentDialog::insertVariantRow(int row, const Variant &v)
{
    m_filling = true;
    m_variants->insertRow(row);
    m_variants->setItem(row, KeyColumn, new QTableWidgetItem(v.key));
    m_variants->setItem(row, NameColumn, new QTableWidgetItem(v.name));
    auto *holdout = new QTableWidgetItem;
    holdout->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    holdout->setCheckState(v.holdout ? Qt::Checked : Qt::Unchecked);
    holdout->setToolTip(tr("The holdout gets none of the experiment's incentives"));
    m_variants->setItem(row, HoldoutColumn, holdout);

    auto *campaign = new QComboBox(m_variants);
    campaign->setObjectName(QStringLiteral("variantCampaign"));
    campaign->setProperty("wanted", v.campaignId);
    auto *tier = new QComboBox(m_variants);
    tier->setObjectName(QStringLiteral("variantTier"));
    tier->setProperty("wanted", v.tierId);
    auto *weight = new QDoubleSpinBox(m_variants);
    weight->setObjectName(QStringLiteral("variantWeight"));
    weight->setRange(0, 100);
    weight->setDecimals(2);
    weight->setSuffix(QStringLiteral("%"));
    weight->setValue(v.weight * 100);
    weight->setFrame(false);
    m_variants->setCellWidget(row, CampaignColumn, campaign);
    m_variants->setCellWidget(row, TierColumn, tier);
    m_variants->setCellWidget(row, WeightColumn, weight);
    // Rows move when others are removed: find the widget's row when it changes.
    auto rowOf = [this](QWidget *w) {
        for (int r = 0; r < m_variants->rowCount(); ++r)
            for (int c = 0; c < VariantColumns; ++c)
                if (m_variants->cellWidget(r, c) == w)
                    return r;
        return -1;
    };
    connect(campaign, &QComboBox::currentIndexChanged, this, [this, campaign, rowOf] {
        const int r = rowOf(campaign);
        if (r < 0 || m_filling)
            return;
        campaign->setProperty("wanted", campaign->currentData());
        tierBox(r)->setProperty("wanted", QString());
        fillTiers(r);
        // A variant named after its campaign until someone names it.
        QTableWidgetItem *name = m_variants->item(r, NameColumn);
        if (name && (name->text().isEmpty() || name->text().startsWith(tr("Variant ")) || name->text() == tr("Control"))) {
            for (const Engine::Campaign &c : std::as_const(m_campaigns))
                if (c.id == campaign->currentData().toString())
                    name->setText(c.name);
        }
        changed();
    });
    connect(tier, &QComboBox::currentIndexChanged, this, [this, tier] {
        if (m_filling)
            return;
        tier->setProperty("wanted", tier->currentData());
        changed();
    });
    connect(weight, &QDoubleSpinBox::valueChanged, this, &ExperimentDialog::changed);
    m_filling = false;
    fillCampaigns(row);
    updateHoldout(row);
}

void ExperimentDialog::updateHoldout(int row)
{
    const bool holdout = variant(row).holdout;
    if (QComboBox *c = campaignBox(row))
        c->setEnabled(!m_frozen && !holdout);
    if (QComboBox *t = tierBox(row))
        t->setEnabled(!m_frozen && !holdout && t->count() > 1);
    if (holdout) {
        if (QComboBox *c = campaignBox(row); c && !c->currentData().toString().isEmpty()) {
            c->setProperty("wanted", QString());
            c->setCurrentIndex(0);
        }
    }
}

int ExperimentDialog::addVariant()
{
    if (m_frozen)
        return -1;
    QStringList keys;
    int holdoutRow = -1;
    for (int r = 0; r < m_variants->rowCount(); ++r) {
        keys << variant(r).key;
        if (variant(r).holdout && holdoutRow < 0)
            holdoutRow = r;
    }
    int n = 0;
    while (keys.contains(keyForIndex(n)))
        ++n;
    Variant v;
    v.key = keyForIndex(n);
    v.name = tr("Variant %1").arg(v.key.toUpper());
    const int row = holdoutRow >= 0 ? holdoutRow : m_variants->rowCount();
    insertVariantRow(row, v);
    equalWeights();
    m_variants->selectRow(row);
    return row;
}

void ExperimentDialog::removeVariant(int row)
{
    if (m_frozen || row < 0 || row >= m_variants->rowCount())
        return;
    m_variants->removeRow(row);
    equalWeights();
}

void ExperimentDialog::equalWeights()
{
    const int n = m_variants->rowCount();
    if (n == 0)
        return;
    // Hundredths of a percent, the remainder on the last, so that they sum to exactly 100 %.
    const int each = 10000 / n;
    for (int r = 0; r < n; ++r) {
        if (auto *w = qobject_cast<QDoubleSpinBox *>(m_variants->cellWidget(r, WeightColumn))) {
            const QSignalBlocker blocker(w);
            w->setValue((r == n - 1 ? 10000 - each * (n - 1) : each) / 100.0);
        }
    }
    changed();
}

void ExperimentDialog::setVariant(int row, const Variant &v)
{
    if (row < 0 || row >= m_variants->rowCount())
        return;
    m_filling = true;
    m_variants->item(row, KeyColumn)->setText(v.key);
    m_variants->item(row, NameColumn)->setText(v.name);
    m_variants->item(row, HoldoutColumn)->setCheckState(v.holdout ? Qt::Checked : Qt::Unchecked);
    if (auto *w = qobject_cast<QDoubleSpinBox *>(m_variants->cellWidget(row, WeightColumn))) {
        const QSignalBlocker blocker(w);
        w->setValue(v.weight * 100);
    }
    campaignBox(row)->setProperty("wanted", v.campaignId);
    tierBox(row)->setProperty("wanted", v.tierId);
    m_filling = false;
    fillCampaigns(row);
    updateHoldout(row);
    changed();
}

Variant ExperimentDialog::variant(int row) const
{
    Variant v;
    if (row < 0 || row >= m_variants->rowCount())
        return v;
    if (const QTableWidgetItem *key = m_variants->item(row, KeyColumn))
        v.key = key->text().trimmed();
    if (const QTableWidgetItem *name = m_variants->item(row, NameColumn))
        v.name = name->text().trimmed();
    if (const QTableWidgetItem *holdout = m_variants->item(row, HoldoutColumn))
        v.holdout = holdout->checkState() == Qt::Checked;
    if (!v.holdout) {
        // Until the campaigns are in, the one asked for.
        if (const QComboBox *c = campaignBox(row))
            v.campaignId = m_campaignsLoaded ? c->currentData().toString() : c->property("wanted").toString();
        if (const QComboBox *t = tierBox(row))
            v.tierId = m_campaignsLoaded ? t->currentData().toString() : t->property("wanted").toString();
    }
    if (const auto *w = qobject_cast<const QDoubleSpinBox *>(m_variants->cellWidget(row, WeightColumn)))
        v.weight = w->value() / 100;
    return v;
}

int ExperimentDialog::variantCount() const
{
    return m_variants->rowCount();
}

void ExperimentDialog::updateWeightTotal()
{
    double total = 0;
    for (int r = 0; r < m_variants->rowCount(); ++r)
        total += variant(r).weight;
    const bool ok = std::abs(total - 1) <= 0.001;
    m_weightTotal->setText(tr("Weights in all: %1").arg(ExperimentFormat::percent(total, 2)));
    m_weightTotal->setStyleSheet(ok ? QString() : ErrorStyle);
}

// In words: who gets what, of every 100 customers of the audience.
void ExperimentDialog::updateSplit()
{
    const Experiment e = experiment();
    const QLocale locale = QLocale::system();
    QStringList parts;
    for (int i = 0; i < e.variants.size(); ++i) {
        const Variant &v = e.variants[i];
        const QString share = locale.toString(v.weight * e.coverage * 100, 'g', 3);
        QString what;
        if (v.holdout) {
            what = i == e.controlIndex() ? tr("no promotion (the holdout, the baseline)") : tr("no promotion (the holdout)");
        } else {
            QString campaign = tr("no campaign chosen yet");
            for (const Engine::Campaign &c : std::as_const(m_campaigns)) {
                if (c.id != v.campaignId)
                    continue;
                campaign = tr("“%1”").arg(c.name.toHtmlEscaped());
                for (const Engine::Tier &t : c.tiers)
                    if (t.id == v.tierId)
                        campaign = tr("the tier “%1” of “%2”").arg(t.name.toHtmlEscaped(), c.name.toHtmlEscaped());
            }
            what = campaign + (i == e.controlIndex() ? tr(" — the control") : QString());
        }
        parts << tr("<b>%1</b> get %2").arg(share, what);
    }
    QString text = tr("Of every 100 customers of the audience: %1").arg(parts.join(QStringLiteral("; ")));
    if (e.coverage < 1)
        text += tr("; <b>%1</b> stay out of the experiment and keep today's campaigns").arg(locale.toString((1 - e.coverage) * 100, 'g', 3));
    m_split->setText(text + QLatin1Char('.'));
}

void ExperimentDialog::setMetricChecks(QListWidget *list, const QList<Metric> &metrics)
{
    for (int i = 0; i < list->count(); ++i) {
        QListWidgetItem *item = list->item(i);
        item->setCheckState(metrics.contains(Metric(item->data(Qt::UserRole).toInt())) ? Qt::Checked : Qt::Unchecked);
    }
}

QList<Metric> ExperimentDialog::checkedMetrics(const QListWidget *list) const
{
    const Metric primary = Metric(m_primary->currentData().toInt());
    QList<Metric> metrics;
    for (int i = 0; i < list->count(); ++i) {
        const QListWidgetItem *item = list->item(i);
        const Metric m = Metric(item->data(Qt::UserRole).toInt());
        if (item->checkState() == Qt::Checked && m != primary)
            metrics << m;
    }
    return metrics;
}

void ExperimentDialog::updateMetricLists()
{
    const int primary = m_primary->currentData().toInt();
    for (QListWidget *list : {m_secondary, m_guardrail}) {
        for (int i = 0; i < list->count(); ++i) {
            QListWidgetItem *item = list->item(i);
            const bool isPrimary = item->data(Qt::UserRole).toInt() == primary;
            item->setFlags(isPrimary ? Qt::ItemIsUserCheckable : Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setToolTip(isPrimary ? tr("The primary metric") : QString());
        }
    }
}

void ExperimentDialog::setExperiment(const Experiment &e)
{
    m_original = e;
    m_saved.reset();
    m_frozen = e.status != Experiments::ExperimentStatus::Draft;
    setWindowTitle(e.id.isEmpty() ? tr("New Experiment") : tr("Experiment “%1”").arg(e.name));
    m_filling = true;
    m_name->setText(e.name);
    m_hypothesis->setPlainText(e.hypothesis);
    m_segment->setProperty("wanted", e.segmentId);
    m_rules->setRule(e.rule);
    m_coverage->setValue(e.coverage * 100);
    m_seed->setText(e.seed);
    m_plannedStart->setChecked(e.startAt.has_value());
    if (e.startAt)
        m_start->setDateTime(utcDateTime(*e.startAt));
    m_hasEnd->setChecked(e.endAt.has_value());
    if (e.endAt)
        m_end->setDateTime(utcDateTime(*e.endAt));
    m_primary->setCurrentIndex(std::max(0, m_primary->findData(int(e.primaryMetric))));
    setMetricChecks(m_secondary, e.secondaryMetrics);
    setMetricChecks(m_guardrail, e.guardrailMetrics);
    m_engine->setCurrentIndex(std::max(0, m_engine->findData(int(e.engine))));
    m_alpha->setValue(e.alpha);
    m_sequential->setChecked(e.sequential);
    m_correction->setCurrentIndex(std::max(0, m_correction->findData(e.correction)));
    m_variants->setRowCount(0);
    m_filling = false;
    for (const Variant &v : e.variants)
        insertVariantRow(m_variants->rowCount(), v);
    if (m_segmentsLoaded)
        fillSegments();
    updateMetricLists();
    applyFrozen();
    m_error->setVisible(false);
    changed();
}

void ExperimentDialog::applyFrozen()
{
    const bool editable = !m_frozen;
    m_segment->setEnabled(editable);
    m_rules->setEnabled(editable);
    m_coverage->setEnabled(editable);
    m_seed->setReadOnly(!editable);
    m_plannedStart->setEnabled(editable);
    m_start->setEnabled(editable && m_plannedStart->isChecked());
    m_addVariant->setEnabled(editable);
    m_removeVariant->setEnabled(editable);
    m_equalWeights->setEnabled(editable);
    m_variants->setEditTriggers(editable ? QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                                               | QAbstractItemView::AnyKeyPressed
                                         : QAbstractItemView::NoEditTriggers);
    for (int r = 0; r < m_variants->rowCount(); ++r) {
        for (int c : {CampaignColumn, TierColumn, WeightColumn})
            if (QWidget *w = m_variants->cellWidget(r, c))
                w->setEnabled(editable);
        if (QTableWidgetItem *holdout = m_variants->item(r, HoldoutColumn))
            holdout->setFlags(editable ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable : Qt::ItemIsSelectable);
        if (editable)
            updateHoldout(r);
    }
    m_frozenNote->setVisible(m_frozen);
    m_frozenNote->setText(tr("This experiment is %1: its audience, coverage, start, variants, weights and hash seed are fixed, "
                             "because changing them would move customers between variants and spoil the comparison. Its name, "
                             "hypothesis, end, metrics and statistics can still change. To test something else, duplicate it.")
                              .arg(ExperimentFormat::statusLabel(m_original.status).toLower()));
}

Experiment ExperimentDialog::experiment() const
{
    Experiment e = m_original;
    e.name = m_name->text().trimmed();
    e.hypothesis = m_hypothesis->toPlainText().trimmed();
    e.primaryMetric = Metric(m_primary->currentData().toInt());
    e.secondaryMetrics = checkedMetrics(m_secondary);
    e.guardrailMetrics = checkedMetrics(m_guardrail);
    e.engine = Stats::Engine(m_engine->currentData().toInt());
    e.alpha = m_alpha->value();
    e.sequential = m_sequential->isChecked();
    e.correction = m_correction->currentData().toString();
    e.endAt = m_hasEnd->isChecked() ? std::optional<qint64>(m_end->dateTime().toMSecsSinceEpoch()) : std::nullopt;
    if (m_frozen)
        return e; // what is fixed stays as stored
    e.segmentId = m_segmentsLoaded ? m_segment->currentData().toString() : m_segment->property("wanted").toString();
    e.rule = m_rules->rule();
    e.coverage = m_coverage->value() / 100;
    e.seed = m_seed->text().trimmed();
    e.startAt = m_plannedStart->isChecked() ? std::optional<qint64>(m_start->dateTime().toMSecsSinceEpoch()) : std::nullopt;
    e.variants.clear();
    for (int r = 0; r < m_variants->rowCount(); ++r)
        e.variants << variant(r);
    return e;
}

void ExperimentDialog::changed()
{
    if (m_filling)
        return;
    updateWeightTotal();
    updateSplit();
    m_planner->setExperiment(experiment());
}

QString ExperimentDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void ExperimentDialog::showError(const Error &error)
{
    // The model names fields as in the JSON ("variants[1].campaign_id"); say it as the form does.
    static const QRegularExpression variantField(QStringLiteral("^variants\\[(\\d+)\\](?:\\.(\\w+))?$"));
    static const QHash<QString, const char *> labels{
        {QStringLiteral("name"), QT_TR_NOOP("Name")},
        {QStringLiteral("hypothesis"), QT_TR_NOOP("Hypothesis")},
        {QStringLiteral("segment_id"), QT_TR_NOOP("Segment")},
        {QStringLiteral("rule"), QT_TR_NOOP("Audience rule")},
        {QStringLiteral("coverage"), QT_TR_NOOP("Coverage")},
        {QStringLiteral("seed"), QT_TR_NOOP("Hash seed")},
        {QStringLiteral("start_at"), QT_TR_NOOP("Start")},
        {QStringLiteral("end_at"), QT_TR_NOOP("End")},
        {QStringLiteral("variants"), QT_TR_NOOP("Variants")},
        {QStringLiteral("key"), QT_TR_NOOP("key")},
        {QStringLiteral("name_"), QT_TR_NOOP("name")},
        {QStringLiteral("campaign_id"), QT_TR_NOOP("campaign")},
        {QStringLiteral("tier_id"), QT_TR_NOOP("promotion tier")},
        {QStringLiteral("weight"), QT_TR_NOOP("weight")},
        {QStringLiteral("holdout"), QT_TR_NOOP("holdout")},
        {QStringLiteral("primary_metric"), QT_TR_NOOP("Primary metric")},
        {QStringLiteral("secondary_metrics"), QT_TR_NOOP("Secondary metrics")},
        {QStringLiteral("guardrail_metrics"), QT_TR_NOOP("Guardrail metrics")},
        {QStringLiteral("engine"), QT_TR_NOOP("Engine")},
        {QStringLiteral("alpha"), QT_TR_NOOP("Significance level (alpha)")},
        {QStringLiteral("correction"), QT_TR_NOOP("Correction")},
    };
    QString where = error.where;
    if (const QRegularExpressionMatch m = variantField.match(error.where); m.hasMatch()) {
        const int row = m.captured(1).toInt();
        const QString part = m.captured(2) == QLatin1String("name") ? QStringLiteral("name_") : m.captured(2);
        const QString key = variant(row).key;
        where = tr("Variant %1%2").arg(row + 1).arg(key.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(key));
        if (!part.isEmpty())
            where += QStringLiteral(", ") + (labels.contains(part) ? tr(labels.value(part)) : part);
        if (row >= 0 && row < m_variants->rowCount())
            m_variants->selectRow(row);
    } else if (labels.contains(error.where)) {
        where = tr(labels.value(error.where));
    }
    const QString at = error.line > 0 ? tr(" (line %1, column %2)").arg(error.line).arg(error.column) : QString();
    m_error->setText(where.isEmpty() ? tr("Not saved: %1%2").arg(error.message, at)
                                     : tr("Not saved — %1%2: %3").arg(where, at, error.message));
    m_error->setToolTip(error.toString());
    m_error->setVisible(true);
    m_tabs->setCurrentIndex(tabOf(error.where + QLatin1Char(' ') + error.message));
}

void ExperimentDialog::accept()
{
    if (m_saving)
        return;
    if (!isLoaded()) {
        showError(Error{tr("wait until the segments and campaigns are read"), QString()});
        return;
    }
    if (!m_frozen && !m_rules->isValid()) {
        showError(Error{m_rules->errorText(), QStringLiteral("rule")});
        return;
    }
    const Experiment e = experiment();
    if (Status checked = Experiments::check(e); !checked) {
        showError(checked.error());
        return;
    }
    m_saving = true;
    m_error->setVisible(false);
    m_loading->setText(tr("Saving…"));
    m_loading->setVisible(true);
    m_buttons->setEnabled(false);
    runInBackground(
        this, m_tasks,
        [path = m_path, e]() -> Result<Experiment> {
            auto connection = Store::Workspace::openForWriting(path);
            if (!connection)
                return connection.error();
            return Store::ExperimentStore(*connection.value()).save(e, Actor);
        },
        [this](const Result<Experiment> &result) {
            m_saving = false;
            m_loading->setVisible(false);
            m_buttons->setEnabled(true);
            if (!result) {
                showError(result.error());
                return;
            }
            m_saved = result.value();
            emit saved(*m_saved);
            QDialog::accept();
        });
}

} // namespace PromoDesk::Ui
