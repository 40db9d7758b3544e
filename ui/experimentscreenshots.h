#pragma once

#include <QString>

#include <functional>

namespace PromoDesk::Ui {

class MainWindow;

// The Experiments page for the --screenshot pass: DIR/experiments-list.png (the window on
// the page, its first started experiment selected), DIR/experiments-results.png (that
// experiment's whole results panel; its Declare winner dialog, cancelled, in
// experiment-declare.png), DIR/experiment-editor.png (the editor on the
// variants, of a draft if there is one, else of that experiment; its other tabs in
// experiment-editor-setup.png and -metrics.png) and DIR/experiment-planner.png. Waits for each background read
// by processing events, as the rest of the pass does. Prints each file written.
void screenshotExperiments(MainWindow &window, const QString &dir);

// Processes events until `done` holds or `ms` have passed (the whole --screenshot pass
// waits for background reads with it).
void waitUntil(const std::function<bool()> &done, int ms = 5000);

} // namespace PromoDesk::Ui
