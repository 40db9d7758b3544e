#pragma once

#include "backgroundtasks.h"
#include "engine/campaign.h"
#include "experiments/analysis.h"
#include "experiments/experiment.h"

#include <QWidget>

#include <optional>

class QChartView;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QVBoxLayout;

namespace PromoDesk::Ui {

class ExperimentWinnerDialog;
class LiftBarDelegate;

// The results of one experiment (Experiments::analyze on a worker with its own
// connection, as of now): banners for a sample ratio mismatch, a sample still too small
// and the suggested winner; one table per goal metric (primary first) with each
// variant's value, raw numerator and denominator, lift with its interval drawn as a bar,
// and the p-value (frequentist, corrected) or the chance to win (Bayesian); charts of
// the primary metric's cumulative lift with its interval and of exposures over time;
// Declare winner… (ExperimentStore::declareWinner on a worker) and Export CSV….
class ExperimentResultsPanel : public QWidget
{
    Q_OBJECT

public:
    enum ResultColumn { VariantColumn, NumeratorColumn, DenominatorColumn, ValueColumn, LiftColumn, IntervalColumn,
                        TestColumn, ResultColumns };

    explicit ExperimentResultsPanel(QWidget *parent = nullptr);
    ~ExperimentResultsPanel() override;

    // In a sandbox the analysis reads everything recorded (simulated traffic runs ahead
    // of the clock); elsewhere, up to now.
    void setWorkspace(const QString &path, const QString &currency, bool sandbox = false);
    // Shows (and analyses) this experiment; none: an empty panel.
    void setExperiment(const std::optional<Experiments::Experiment> &experiment);
    // Reads the experiment and its data again.
    void refresh();

    const std::optional<Experiments::Experiment> &experiment() const { return m_experiment; }
    const std::optional<Experiments::Analysis> &analysis() const { return m_analysis; }
    QList<Engine::Campaign> campaigns() const { return m_campaigns; }
    bool isLoading() const { return m_loading; }
    bool isDeclaring() const { return m_declaring; }
    QString errorText() const;

    // Writes the results as CSV (Experiments::writeResultsCsv), whole or not at all.
    Status exportCsv(const QString &file) const;
    // Asks for a file, then exportCsv.
    void chooseCsvFile();
    // Opens the Declare winner dialog (window-modal, not blocking); on confirm, declares.
    ExperimentWinnerDialog *openDeclareDialog();
    // Declares the winner on a worker, then reloads.
    void declareWinner(const QString &variantKey, const QString &note);

    QLabel *titleLabel() const { return m_title; }
    QLabel *asOfLabel() const { return m_asOf; }
    QLabel *srmBanner() const { return m_srm; }
    QLabel *sampleBanner() const { return m_sample; }
    QLabel *winnerBanner() const { return m_winner; }
    QLabel *decisionBanner() const { return m_decision; }
    QLabel *messageLabel() const { return m_message; }
    QList<QTableWidget *> metricTables() const { return m_tables; }
    QChartView *liftChart() const { return m_liftChart; }
    QChartView *exposureChart() const { return m_exposureChart; }
    QPushButton *refreshButton() const { return m_refresh; }
    QPushButton *exportButton() const { return m_export; }
    QPushButton *declareButton() const { return m_declare; }

signals:
    void loaded();
    void declared(const Experiments::Experiment &experiment);
    void declareFailed(const QString &message);
    void exported(const QString &file);

private:
    void showResults();
    void showBanners();
    void showTables();
    void showCharts();
    void clearTables();
    void updateButtons();
    void showMessage(const QString &text, bool error);
    QTableWidget *metricTable(const Experiments::MetricResult &result);

    QString m_path;
    QString m_currency;
    bool m_sandbox = false;
    std::optional<Experiments::Experiment> m_experiment;
    std::optional<Experiments::Analysis> m_analysis;
    QList<Engine::Campaign> m_campaigns;
    QString m_loadError;
    bool m_loading = false;
    bool m_declaring = false;
    quint64 m_generation = 0;

    QLabel *m_title;
    QLabel *m_status;
    QLabel *m_details;
    QLabel *m_asOf;
    QProgressBar *m_busy;
    QPushButton *m_refresh;
    QPushButton *m_export;
    QPushButton *m_declare;
    QLabel *m_message;
    QLabel *m_srm;
    QLabel *m_sample;
    QLabel *m_winner;
    QLabel *m_decision;
    QLabel *m_exposed;
    QWidget *m_tablesHost;
    QVBoxLayout *m_tablesLayout;
    QList<QTableWidget *> m_tables;
    QList<QWidget *> m_tableWidgets; // headings and tables, removed on each showing
    QChartView *m_liftChart;
    QChartView *m_exposureChart;
    QWidget *m_charts;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
