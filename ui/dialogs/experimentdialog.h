#pragma once

#include "backgroundtasks.h"
#include "engine/campaign.h"
#include "experiments/experiment.h"
#include "store/segmentstore.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace PromoDesk::Ui {

class ExperimentPlanner;
class RulesEditor;

// Sets up an A/B test of promotions: name and hypothesis; the audience (a segment of the
// workspace and/or a rule, and the share of it that enters); the variants (each a
// campaign or one of its promotion tiers, or the holdout that gets nothing) with their
// weights; when it runs (UTC); the goal metrics and the statistics; and the planner.
// Segments and campaigns are read on a worker. OK checks the experiment
// (Experiments::check), then saves it on a worker (ExperimentStore::save); an error is
// shown in red naming the field and the dialog stays open. A started experiment's
// audience, coverage, variants, weights and hash seed are read-only.
class ExperimentDialog : public QDialog
{
    Q_OBJECT

public:
    enum Tab { SetupTab, VariantsTab, MetricsTab, PlannerTab };
    enum VariantColumn { KeyColumn, NameColumn, CampaignColumn, TierColumn, WeightColumn, HoldoutColumn, VariantColumns };

    ExperimentDialog(const QString &workspacePath, const QString &currency, QWidget *parent = nullptr);
    ~ExperimentDialog() override;

    // A stored experiment to edit (or a copy to save as new: clear its id first). Without
    // a call, the dialog holds a new experiment: control, B and a holdout, equal weights.
    void setExperiment(const Experiments::Experiment &experiment);
    // What the fields say now (the experiment OK would save).
    Experiments::Experiment experiment() const;
    // After a successful save.
    const std::optional<Experiments::Experiment> &savedExperiment() const { return m_saved; }
    bool isFrozen() const { return m_frozen; }
    bool isLoaded() const { return m_segmentsLoaded && m_campaignsLoaded; }
    bool isSaving() const { return m_saving; }
    QString errorText() const;

    // The variants table.
    int addVariant();
    void removeVariant(int row);
    void equalWeights();
    void setVariant(int row, const Experiments::Variant &variant);
    Experiments::Variant variant(int row) const;
    int variantCount() const;
    QComboBox *campaignBox(int row) const;
    QComboBox *tierBox(int row) const;

    // For tests and the screenshot pass.
    QTabWidget *tabs() const { return m_tabs; }
    QLineEdit *nameEdit() const { return m_name; }
    QPlainTextEdit *hypothesisEdit() const { return m_hypothesis; }
    QComboBox *segmentBox() const { return m_segment; }
    RulesEditor *rulesEditor() const { return m_rules; }
    QDoubleSpinBox *coverageBox() const { return m_coverage; }
    QCheckBox *plannedStartBox() const { return m_plannedStart; }
    QDateTimeEdit *startEdit() const { return m_start; }
    QCheckBox *endBox() const { return m_hasEnd; }
    QDateTimeEdit *endEdit() const { return m_end; }
    QTableWidget *variantsTable() const { return m_variants; }
    QLabel *splitLabel() const { return m_split; }
    QComboBox *primaryBox() const { return m_primary; }
    QListWidget *secondaryList() const { return m_secondary; }
    QListWidget *guardrailList() const { return m_guardrail; }
    QComboBox *engineBox() const { return m_engine; }
    QDoubleSpinBox *alphaBox() const { return m_alpha; }
    QCheckBox *sequentialBox() const { return m_sequential; }
    QComboBox *correctionBox() const { return m_correction; }
    ExperimentPlanner *planner() const { return m_planner; }
    QList<Engine::Campaign> campaigns() const { return m_campaigns; }
    QList<Store::Segment> segments() const { return m_segments; }

public slots:
    // Checks and saves; closes only once the experiment is stored.
    void accept() override;

signals:
    void loaded();  // segments and campaigns are in the combos
    void saved(const Experiments::Experiment &experiment);

private:
    QWidget *createSetupTab();
    QWidget *createVariantsTab();
    QWidget *createMetricsTab();
    void loadLists();
    void fillSegments();
    void fillCampaigns(int row);
    void fillTiers(int row);
    void insertVariantRow(int row, const Experiments::Variant &variant);
    void updateHoldout(int row);
    void updateWeightTotal();
    void updateSplit();
    void updateMetricLists();
    void applyFrozen();
    void showError(const Error &error);
    void changed();
    void setMetricChecks(QListWidget *list, const QList<Experiments::Metric> &metrics);
    QList<Experiments::Metric> checkedMetrics(const QListWidget *list) const;

    QString m_path;
    QString m_currency;
    Experiments::Experiment m_original;
    std::optional<Experiments::Experiment> m_saved;
    QList<Store::Segment> m_segments;
    QList<Engine::Campaign> m_campaigns;
    bool m_segmentsLoaded = false;
    bool m_campaignsLoaded = false;
    bool m_frozen = false;
    bool m_saving = false;
    bool m_filling = false;

    QTabWidget *m_tabs;
    QLineEdit *m_name;
    QPlainTextEdit *m_hypothesis;
    QComboBox *m_segment;
    RulesEditor *m_rules;
    QDoubleSpinBox *m_coverage;
    QLineEdit *m_seed;
    QCheckBox *m_plannedStart;
    QDateTimeEdit *m_start;
    QCheckBox *m_hasEnd;
    QDateTimeEdit *m_end;
    QTableWidget *m_variants;
    QPushButton *m_addVariant;
    QPushButton *m_removeVariant;
    QPushButton *m_equalWeights;
    QLabel *m_weightTotal;
    QLabel *m_split;
    QComboBox *m_primary;
    QListWidget *m_secondary;
    QListWidget *m_guardrail;
    QComboBox *m_engine;
    QDoubleSpinBox *m_alpha;
    QCheckBox *m_sequential;
    QComboBox *m_correction;
    ExperimentPlanner *m_planner;
    QLabel *m_frozenNote;
    QLabel *m_loading;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
