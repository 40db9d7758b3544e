// Benchmark: the Redemptions page on a (large) workspace, offscreen. Prints the time to
// the first rows painted when the page opens, after each filter and sort change, while
// scrolling, and the longest stall of the UI thread (a 5 ms watchdog timer). Prints
// figures only; asserts nothing about time.
//
//   bench_redemptions_gui WORKSPACE

#include "guibench.h"
#include "items/redemptiontablemodel.h"
#include "pages/redemptionspage.h"
#include "store/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QThread>

#include <cstdio>

using namespace PromoDesk;
using Items::RedemptionTableModel;

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fputs("usage: bench_redemptions_gui WORKSPACE\n", stderr);
        return 2;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    auto info = Store::Workspace::inspect(path);
    if (!info) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(info.error().toString()));
        return 1;
    }
    Ui::RedemptionsPage page;
    page.resize(1360, 840);
    page.show();
    Bench::Watchdog watchdog;
    RedemptionTableModel *model = page.model();
    QTableView *table = page.table();
    int resets = 0;
    QObject::connect(model, &QAbstractItemModel::modelReset, [&] { ++resets; });
    auto rowsPainted = [&] { return model->rowCount() > 0 && Bench::visibleRowsLoaded(table, RedemptionTableModel::LoadedRole); };

    std::printf("workspace: %s\ncores: %d\n\n", qPrintable(path), QThread::idealThreadCount());
    page.setWorkspace(info.value());
    const double firstRows = Bench::waitUntil(rowsPainted);
    const double totals = firstRows + Bench::waitUntil([&] { return model->totalsKnown(); });
    std::printf("open the page: first rows painted %8.1f ms, totals %8.1f ms, %lld rows\n", firstRows, totals,
                static_cast<long long>(model->total()));

    struct Step
    {
        const char *what;
        std::function<void()> apply;
    };
    const Step steps[] = {
        {"filter: result failed", [&] { page.resultBox()->setCurrentIndex(page.resultBox()->findText(QStringLiteral("Failed"))); }},
        {"filter: + failure key customer_rules_violated",
         [&] { page.failureBox()->setCurrentIndex(page.failureBox()->findText(QStringLiteral("customer_rules_violated"))); }},
        {"filter: campaign (second in the list), any result",
         [&] {
             page.resultBox()->setCurrentIndex(0);
             page.failureBox()->setCurrentIndex(0);
             page.campaignBox()->setCurrentIndex(2);
         }},
        {"filter: last 30 days, all campaigns",
         [&] {
             page.campaignBox()->setCurrentIndex(0);
             page.periodBox()->setCurrentIndex(page.periodBox()->findText(QStringLiteral("Last 30 days")));
         }},
        {"clear filters", [&] { page.clearFilters(); }},
        {"sort: discount, largest first",
         [&] { table->horizontalHeader()->setSortIndicator(RedemptionTableModel::Discount, Qt::DescendingOrder); }},
        {"sort: campaign name", [&] { table->horizontalHeader()->setSortIndicator(RedemptionTableModel::Campaign, Qt::AscendingOrder); }},
        {"sort: newest first", [&] { table->horizontalHeader()->setSortIndicator(RedemptionTableModel::Date, Qt::DescendingOrder); }},
    };
    watchdog.reset();
    for (const Step &step : steps) {
        const int before = resets;
        step.apply();
        page.applyFilter(); // no 400 ms typing pause in the figures
        // The new snapshot is in (a model reset) and the visible rows of it are painted.
        const double rows = Bench::waitUntil([&] { return resets > before && (model->rowCount() == 0 || rowsPainted()); });
        const double all = rows + Bench::waitUntil([&] { return !model->isLoading(); });
        std::printf("%-52s first rows %8.1f ms, totals %8.1f ms, %9lld rows\n", step.what, rows, all,
                    static_cast<long long>(model->total()));
    }
    std::printf("longest UI-thread stall over the filters and sorts: %.1f ms\n", watchdog.worstStallMs());

    // Scroll top to bottom in 100 steps, then jump to the middle.
    QScrollBar *bar = table->verticalScrollBar();
    watchdog.reset();
    std::vector<double> scroll;
    for (int i = 0; i <= 100; ++i) {
        bar->setValue(int(qint64(bar->maximum()) * i / 100));
        scroll.push_back(Bench::waitUntil(rowsPainted));
    }
    std::printf("scroll in 100 steps: median %.1f ms, worst %.1f ms to fill the visible rows; longest stall %.1f ms\n",
                Bench::median(scroll), *std::max_element(scroll.begin(), scroll.end()), watchdog.worstStallMs());
    return 0;
}
