#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "engine/campaign.h"

#include <QList>
#include <QMap>
#include <QDate>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTableWidgetItem;
class QVBoxLayout;

namespace PromoDesk::Ui {

class KpiTile;

// What the Sandbox panels that run a long job on a worker thread have in common
// (TrafficPanel, BacktestPanel): the banner saying why the panel is disabled, the form
// box, the run row (Run, Cancel, a progress bar, the status line under it), Ctrl+Return
// and Esc, the result box with its bold heading and a grid of KPI tiles that reflows
// with the width, loading the campaign list in the background, and the progress of a
// run posted to the UI thread at most one update at a time.
//
// A panel builds itself in this order: its form widgets (children of the panel), then
// createRunWidgets(), then its form into form() and the rest of its result (tiles,
// tables…) into resultBox(), then layOutResult(), then finishPage().
class RunPanel : public QWidget
{
    Q_OBJECT

public:
    ~RunPanel() override;

    virtual void run() = 0;
    // Asks the run to stop; it ends (and finished() comes) when the worker sees it.
    void cancel();
    bool isRunning() const { return m_running; }

    // For tests and the page: whether the campaign list is loaded, and the line under
    // the progress bar.
    bool campaignsLoaded() const { return m_campaignsLoaded; }
    QString status() const;

signals:
    void finished(); // a run ended (done, cancelled or failed)
    // On the UI thread while a run is under way (at most one pending at a time).
    void progressed(qint64 done, qint64 total);
    // The campaign list is loaded (or failed to load).
    void campaignsReady();

protected:
    // How the KPI tiles fill the rows of their grid.
    enum class TileFlow {
        AsManyAsFit, // as many columns as fit
        EvenRows,    // as many as fit among the divisors of the count: no row left short
    };
    struct RunTexts
    {
        QString run;        // the Run button
        QString runTip;     // its tooltip
        QString cancelTip;  // the Cancel button's tooltip
        QString cancelling; // the status line once Cancel is pressed
    };
    using ProgressReport = std::function<bool(qint64 done, qint64 total)>;

    explicit RunPanel(QWidget *parent);

    // The run row, the status line, the form and result boxes and the heading.
    void createRunWidgets(const RunTexts &texts);
    // A KPI tile in the result box, after the others in the grid.
    KpiTile *addTile(const QString &title, const QString &objectName);
    void setTileFlow(TileFlow flow) { m_tileFlow = flow; }
    // Puts the page together (everything scrolls together) and wires Run and Cancel.
    void finishPage();
    // Waits for the background work; a panel calls it first thing in its destructor.
    void stopWork();

    QWidget *form() const { return m_form; }
    QWidget *resultBox() const { return m_resultBox; }
    // Gives the result box its layout, the heading and the tiles; the panel adds the rest.
    QVBoxLayout *layOutResult();

    void setStatus(const QString &text, bool error = false);
    // The heading over the result, in the cancelled colour when the run was cancelled.
    void setHeading(const QString &text, bool cancelled);
    // No heading, a dash in every tile.
    void clearHeadingAndTiles();
    // Enables the controls for the state of the panel: whether it is usable at all,
    // whether it has what a run needs, whether the progress bar stays after a run, and
    // whether there is a result to show.
    void showState(bool usable, bool runnable, bool keepProgress, bool hasResult);
    virtual void updateEnabled() = 0;

    // A new workspace: a run under way goes on to its end but its answer is dropped, a
    // campaign list still loading is dropped, and the status line is cleared.
    void restart();
    // Reads the campaigns of the workspace `path` on a worker thread; showCampaigns()
    // gets them (unless restart() came since), then campaignsReady() is emitted.
    void loadCampaignsFrom(const QString &path);
    // Starts a run: returns the callback the worker reports its progress through.
    ProgressReport beginRun(qint64 total = 0);
    // Runs `job` on a worker thread; when it ends `apply` gets its result (unless the run
    // was dropped), then the controls are updated and finished() is emitted.
    template <typename Job, typename Apply>
    void runWorker(Job job, Apply apply);
    // The progress so far in words ("Simulating… 10 of 500 sessions").
    virtual QString progressText(qint64 done, qint64 total) const = 0;

    // --- helpers for the panels ---
    static QString badStyle();
    static QDate utcDate(qint64 ms);
    // "name — status", for a campaign list.
    static QString campaignLabel(const QString &id, const QString &name, Engine::CampaignStatus status);
    // The name of the campaign `id` in `list` (its id when it has none or is not there).
    template <typename List>
    static QString campaignNameIn(const List &list, const QString &id)
    {
        for (const auto &c : list) {
            if (c.id == id)
                return c.name.isEmpty() ? id : c.name;
        }
        return id;
    }
    // A workspace's campaigns, its currency and whether it is a sandbox, read on a
    // read-only connection of its own (for a worker thread).
    struct WorkspaceCampaigns
    {
        QList<Engine::Campaign> campaigns;
        QString currency;
        bool sandbox = false;
    };
    static Result<WorkspaceCampaigns> readWorkspaceCampaigns(const QString &path);
    virtual void showCampaigns(const Result<WorkspaceCampaigns> &loaded) = 0;

    static QTableWidgetItem *numberItem(qint64 n);
    // A read-only table of whole rows, its columns fitting their contents.
    static QTableWidget *resultTable(const QString &name, const QStringList &headers, QWidget *parent);
    // Tall enough for its rows (between `minRows` and `maxRows`), so the page scrolls
    // rather than the table shrinking to two rows.
    static void fitRows(QTableWidget *table, int minRows, int maxRows);
    // Empties the table (its spans too).
    static void clearTable(QTableWidget *table, int minRows, int maxRows);
    // One grey row across the whole table saying there is nothing.
    static void noneRow(QTableWidget *table, const QString &text);
    // Failure key, what it means, count: the most frequent first. False when there is none.
    static bool fillFailures(QTableWidget *table, const QMap<QString, qint64> &failures);
    // A bold label, a table's title.
    static QLabel *boldLabel(const QString &text, QWidget *parent);
    // `button` at the right-hand end of a row of its own, at the end of `layout`.
    static void addButtonRow(QVBoxLayout *layout, QPushButton *button);

    QLabel *m_message;                    // the banner saying why the panel is disabled
    QProgressBar *m_progress = nullptr;
    QString m_currency;                   // of the workspace whose campaigns are loaded
    bool m_campaignsLoaded = false;       // cleared by restart(); the panel sets it

private:
    // Progress shared with the worker: the latest figures and whether an update is
    // already on its way to the UI thread (so the queue never holds more than one).
    struct Progress
    {
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
        std::atomic_bool posted{false};
        std::atomic_bool cancelled{false};
    };

    void showProgress();
    void reflowTiles();
    void resizeEvent(QResizeEvent *event) override;

    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_heading = nullptr;
    QString m_cancelling;
    QWidget *m_form = nullptr;
    QWidget *m_resultBox = nullptr;
    QGridLayout *m_tilesLayout = nullptr;
    QList<KpiTile *> m_tiles;
    TileFlow m_tileFlow = TileFlow::AsManyAsFit;
    int m_tileColumns = 0;
    quint64 m_loadGeneration = 0;
    bool m_running = false;
    std::shared_ptr<Progress> m_runProgress;

    BackgroundTasks m_tasks; // last member: waited for before the rest is torn down
};

template <typename Job, typename Apply>
void RunPanel::runWorker(Job job, Apply apply)
{
    Ui::runInBackground(this, m_tasks, std::move(job), [this, progress = m_runProgress, apply](const auto &result) {
        if (m_runProgress != progress)
            return; // dropped
        m_running = false;
        apply(result);
        m_runProgress.reset();
        updateEnabled();
        emit finished();
    });
}

} // namespace PromoDesk::Ui
