#pragma once

#include "backgroundtasks.h"
#include "experiments/experiment.h"
#include "stats/abstats.h"
#include "store/experimentstore.h"

#include <QWidget>

#include <optional>

class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QRadioButton;
class QSpinBox;
class QTimer;

namespace PromoDesk::Ui {

// The planner of an experiment before launch: from the audience's size and its last
// 28 days of orders (ExperimentStore::baseline, read on a worker with its own
// connection) and the primary metric's baseline, the sample size per arm, in all and
// the expected duration for a lift to detect — or, the other way, the smallest lift
// detectable with a number of customers per arm — at a chosen power and the
// experiment's significance (Stats::sampleSize / minimumDetectableEffect).
class ExperimentPlanner : public QWidget
{
    Q_OBJECT

public:
    enum class Solve { SampleSize, MinimumEffect };
    static constexpr int HistoryDays = 28;

    explicit ExperimentPlanner(QWidget *parent = nullptr);
    ~ExperimentPlanner() override;

    void setWorkspace(const QString &path, const QString &currency = {});
    // What to plan for: the audience (segment, rule: the baseline is read again when it
    // changes), coverage, variants and weights, the primary metric and alpha.
    void setExperiment(const Experiments::Experiment &experiment);

    void setPower(double power);        // 0.8 = 80 %
    void setMinimumEffect(double mde);  // relative, 0.05 = 5 %: solves the sample size
    void setUnitsPerArm(qint64 units);  // solves the minimum detectable effect
    Solve solving() const { return m_solve; }

    // Reading the baseline, or about to (an audience edit waits a moment for the next).
    bool isLoading() const;
    const std::optional<Store::ExperimentStore::Baseline> &baseline() const { return m_baseline; }
    QString errorText() const { return m_error; }
    // The last plan on screen (unitsPerArm, totalUnits, mde, days).
    const Stats::Plan &plan() const { return m_plan; }
    // The inputs the plan was made from.
    Stats::PlanInput planInput() const;
    // What the result lines say, for tests.
    QString resultText() const;

signals:
    void baselineLoaded();
    void planChanged();

private:
    void reloadBaseline();
    void recompute();
    void showBaseline();

    QString m_path;
    QString m_currency;
    Experiments::Experiment m_experiment;
    QString m_audienceKey; // segment + rule of the baseline read last (or being read)
    std::optional<Store::ExperimentStore::Baseline> m_baseline;
    Stats::Plan m_plan;
    QString m_error;
    Solve m_solve = Solve::SampleSize;
    bool m_loading = false;
    bool m_updating = false;
    quint64 m_generation = 0;

    QLabel *m_audience;
    QLabel *m_daily;
    QLabel *m_baselineValue;
    QProgressBar *m_busy;
    QDoubleSpinBox *m_power;
    QDoubleSpinBox *m_mde;
    QSpinBox *m_units;
    QRadioButton *m_solveSize;
    QRadioButton *m_solveMde;
    QLabel *m_perArm;
    QLabel *m_total;
    QLabel *m_duration;
    QLabel *m_message;
    QTimer *m_debounce;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
