#include "experimentscreenshots.h"

#include "dialogs/experimentdialog.h"
#include "dialogs/experimentwinnerdialog.h"
#include "mainwindow.h"
#include "pages/experimentspage.h"
#include "widgets/experimentplanner.h"
#include "widgets/experimentresultspanel.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTabWidget>

#include <cstdio>

namespace PromoDesk::Ui {

namespace {

void save(QWidget *widget, const QString &file)
{
    QApplication::processEvents();
    if (widget->grab().save(file))
        std::printf("%s\n", qPrintable(file));
    else
        std::fprintf(stderr, "promodesk: cannot write %s\n", qPrintable(file));
}

} // namespace

void waitUntil(const std::function<bool()> &done, int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    QApplication::processEvents();
}

void screenshotExperiments(MainWindow &window, const QString &dir)
{
    auto *page = window.findChild<ExperimentsPage *>();
    if (!page)
        return;
    window.showPage(int(window.pages().indexOf(page)));
    ExperimentResultsPanel *results = page->results();
    waitUntil([page, results] { return page->isLoaded() && !results->isLoading(); }, 20000);
    // A started experiment shows results; the newest one if none has.
    for (const Experiments::Experiment &e : page->experiments()) {
        if (e.status != Experiments::ExperimentStatus::Draft) {
            page->selectExperiment(e.id);
            break;
        }
    }
    waitUntil([results] { return !results->isLoading(); }, 20000);
    save(&window, QDir(dir).filePath(QStringLiteral("experiments-list.png")));
    // The whole panel, below the fold too.
    save(results->parentWidget() ? results->parentWidget() : results, QDir(dir).filePath(QStringLiteral("experiments-results.png")));
    // Declare winner…: what it will do, before it does (cancelled here).
    if (ExperimentWinnerDialog *declare = results->openDeclareDialog()) {
        save(declare, QDir(dir).filePath(QStringLiteral("experiment-declare.png")));
        declare->reject();
    }

    // The editor on a draft, where everything can change (else on the selected one).
    QString id = page->selectedId();
    for (const Experiments::Experiment &e : page->experiments())
        if (e.status == Experiments::ExperimentStatus::Draft)
            id = e.id;
    ExperimentDialog *dialog = id.isEmpty() ? page->newExperiment() : page->editExperiment(id);
    if (!dialog)
        return;
    waitUntil([dialog] { return dialog->isLoaded() && !dialog->planner()->isLoading(); }, 20000);
    dialog->tabs()->setCurrentIndex(ExperimentDialog::SetupTab);
    save(dialog, QDir(dir).filePath(QStringLiteral("experiment-editor-setup.png")));
    dialog->tabs()->setCurrentIndex(ExperimentDialog::MetricsTab);
    save(dialog, QDir(dir).filePath(QStringLiteral("experiment-editor-metrics.png")));
    dialog->tabs()->setCurrentIndex(ExperimentDialog::VariantsTab);
    save(dialog, QDir(dir).filePath(QStringLiteral("experiment-editor.png")));
    dialog->tabs()->setCurrentIndex(ExperimentDialog::PlannerTab);
    waitUntil([dialog] { return !dialog->planner()->isLoading(); }, 20000);
    save(dialog, QDir(dir).filePath(QStringLiteral("experiment-planner.png")));
    dialog->reject();
}

} // namespace PromoDesk::Ui
