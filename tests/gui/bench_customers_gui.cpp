// Benchmark: the main window on a (large) workspace, offscreen. Prints how long the
// customers table takes to show rows, how long each scroll/jump/sort/search step
// takes to fill the visible rows, and the longest stall of the UI thread measured
// by a 5 ms watchdog timer. Prints figures only; asserts nothing about time.
//
//   bench_customers_gui WORKSPACE

#include "items/customertablemodel.h"
#include "mainwindow.h"
#include "pages/customerspage.h"
#include "guibench.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace PromoDesk;

namespace {

using Bench::median;
using Bench::waitUntil;
using Bench::Watchdog;

bool visibleRowsLoaded(QTableView *table)
{
    return Bench::visibleRowsLoaded(table, Items::CustomerTableModel::LoadedRole);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fputs("usage: bench_customers_gui WORKSPACE\n", stderr);
        return 2;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    Ui::MainWindow window;
    window.resize(1360, 840);
    window.show();
    Watchdog watchdog;

    bool opened = false, overview = false;
    QObject::connect(&window, &Ui::MainWindow::workspaceOpened, [&] { opened = true; });
    QObject::connect(&window, &Ui::MainWindow::overviewLoaded, [&] { overview = true; });
    QObject::connect(&window, &Ui::MainWindow::workspaceFailed, [&](const QString &message) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(message));
        std::exit(1);
    });

    std::printf("workspace: %s\ncores: %d\n\n", qPrintable(path), QThread::idealThreadCount());
    QElapsedTimer total;
    total.start();
    window.showPage(1);
    window.openWorkspace(path);
    const double openMs = waitUntil([&] { return opened; });
    auto *page = window.findChild<Ui::CustomersPage *>(QStringLiteral("customersPage"));
    QTableView *table = page->table();
    Items::CustomerTableModel *model = page->model();
    const double firstRowsMs = waitUntil([&] { return model->rowCount() > 0 && visibleRowsLoaded(table); });
    const double firstRowsTotal = double(total.nsecsElapsed()) / 1e6;
    const double overviewMs = waitUntil([&] { return overview; });
    std::printf("open (validate + migrate check):      %8.1f ms\n", openMs);
    std::printf("customers table, first rows painted:  %8.1f ms after open (%.1f ms from start)\n", firstRowsMs,
                firstRowsTotal);
    std::printf("dashboard overview figures:           %8.1f ms later (%.1f ms from start)\n", overviewMs,
                double(total.nsecsElapsed()) / 1e6);
    std::printf("rows: %d\n", model->rowCount());
    std::printf("longest UI-thread stall while opening: %6.1f ms\n\n", watchdog.worstStallMs());

    QScrollBar *bar = table->verticalScrollBar();
    // 1. Scroll top to bottom in 200 steps, as a person dragging the thumb would.
    watchdog.reset();
    std::vector<double> steps;
    const int stepCount = 200;
    for (int i = 1; i <= stepCount; ++i) {
        bar->setValue(int(qint64(bar->maximum()) * i / stepCount));
        steps.push_back(waitUntil([&] { return visibleRowsLoaded(table); }));
    }
    std::printf("drag top→bottom, %d steps: visible rows filled in median %.1f ms, worst %.1f ms; "
                "longest UI stall %.1f ms\n",
                stepCount, median(steps), *std::max_element(steps.begin(), steps.end()), watchdog.worstStallMs());

    // 2. Wheel-like scrolling: 300 steps of 3 rows from the middle (keyset paging).
    watchdog.reset();
    steps.clear();
    bar->setValue(bar->maximum() / 2);
    waitUntil([&] { return visibleRowsLoaded(table); });
    for (int i = 0; i < 300; ++i) {
        bar->setValue(bar->value() + 3);
        steps.push_back(waitUntil([&] { return visibleRowsLoaded(table); }));
    }
    std::printf("wheel scroll 900 rows from the middle: median %.2f ms, worst %.1f ms; longest UI stall %.1f ms\n",
                median(steps), *std::max_element(steps.begin(), steps.end()), watchdog.worstStallMs());

    // 3. Sorts.
    for (int column : {int(Items::CustomerTableModel::TotalSpent), int(Items::CustomerTableModel::LastOrder),
                       int(Items::CustomerTableModel::Orders), int(Items::CustomerTableModel::SignedUp)}) {
        for (Qt::SortOrder order : {Qt::DescendingOrder, Qt::AscendingOrder}) {
            watchdog.reset();
            bar->setValue(0);
            table->sortByColumn(column, order);
            const double ms = waitUntil([&] { return !model->isLoading() && visibleRowsLoaded(table); });
            bar->setValue(bar->maximum());
            const double endMs = waitUntil([&] { return !model->isLoading() && visibleRowsLoaded(table); });
            std::printf("sort %-18s %-4s: first rows %7.1f ms, jump to end %7.1f ms; longest UI stall %.1f ms\n",
                        qPrintable(model->headerData(column, Qt::Horizontal).toString()),
                        order == Qt::AscendingOrder ? "asc" : "desc", ms, endMs, watchdog.worstStallMs());
        }
    }

    // 4. Search as you type: each keystroke restarts the (debounced) query.
    table->sortByColumn(Items::CustomerTableModel::Name, Qt::AscendingOrder);
    waitUntil([&] { return !model->isLoading(); });
    for (const QString &text : {QStringLiteral("mur"), QStringLiteral("o'sullivan"), QStringLiteral("gmail"),
                                QStringLiteral("cust_700000"), QStringLiteral("zzzz")}) {
        watchdog.reset();
        QElapsedTimer typing;
        typing.start();
        for (int i = 1; i <= text.size(); ++i) {
            page->searchBox()->setText(text.left(i));
            waitUntil([] { return false; }, 60); // a quick typist: a key every 60 ms
        }
        const double ms = waitUntil([&] {
            return model->search() == text && !model->isLoading() && visibleRowsLoaded(table);
        });
        std::printf("search \"%s\": %d matches, shown %.1f ms after the last key; longest UI stall %.1f ms\n",
                    qPrintable(text), model->rowCount(), ms, watchdog.worstStallMs());
        page->searchBox()->clear();
        waitUntil([&] { return model->search().isEmpty() && !model->isLoading(); });
    }
    return 0;
}
