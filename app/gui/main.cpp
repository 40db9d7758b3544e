#include "editors/campaigneditor.h"
#include "experimentscreenshots.h"
#include "mainwindow.h"
#include "pages/campaignspage.h"
#include "pages/segmentspage.h"
#include "editors/segmentbuilder.h"
#include "editors/ruleseditor.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "widgets/tryitpanel.h"
#include "pages/customerspage.h"
#include "pages/page.h"
#include "pages/redemptionspage.h"
#include "pages/dashboardpage.h"
#include "pages/sandboxpage.h"
#include "store/connection.h"
#include "store/customerrepository.h"
#include "widgets/backtestpanel.h"
#include "widgets/trafficpanel.h"
#include "widgets/activitypanel.h"
#include "dialogs/exportdialog.h"
#include "items/redemptiontablemodel.h"
#include "widgets/customerprofilepanel.h"

#include <QApplication>

#include <memory>
#include <utility>
#include <QCommandLineParser>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QScrollArea>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <cstdio>

namespace {

// Without a display Qt aborts with a long xcb message; say in one line what to do.
bool haveDisplay()
{
    return qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || qEnvironmentVariableIsSet("DISPLAY")
           || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

void save(QWidget *widget, const QString &file)
{
    QApplication::processEvents();
    if (widget->grab().save(file))
        std::printf("%s\n", qPrintable(file));
    else
        std::fprintf(stderr, "promodesk: cannot write %s\n", qPrintable(file));
}

// The segment builder with a live count of a three-condition rule, then quits.
void screenshotSegmentBuilder(const QString &dir)
{
    auto *window = qobject_cast<PromoDesk::Ui::MainWindow *>(QApplication::activeWindow());
    if (!window)
        for (QWidget *w : QApplication::topLevelWidgets())
            if ((window = qobject_cast<PromoDesk::Ui::MainWindow *>(w)))
                break;
    auto *segments = window ? window->findChild<PromoDesk::Ui::SegmentsPage *>() : nullptr;
    if (!segments) {
        QApplication::quit();
        return;
    }
    window->showPage(int(window->pages().indexOf(segments)));
    PromoDesk::Ui::SegmentBuilder *builder = segments->builder();
    QObject::connect(builder, &PromoDesk::Ui::SegmentBuilder::counted, window, [window, dir] {
        save(window, QDir(dir).filePath(QStringLiteral("segmentBuilder.png")));
        QApplication::quit();
    });
    PromoDesk::Store::Segment irish;
    irish.name = QStringLiteral("Irish regulars, active lately");
    irish.rule = PromoDesk::Rules::check(PromoDesk::Rules::parse(QStringLiteral(
                     "customer.country is \"IE\" and customer.total_spent >= 200.00 and "
                     "customer.last_order_at within last 90 days")).value()).value();
    builder->setSegment(irish);
}

using PromoDesk::Ui::waitUntil;

// The campaign editor on the tiered promotion of the demo (scenario 02), one PNG per
// section, then quits. Without that campaign, it just quits.
void screenshotEditor(PromoDesk::Ui::MainWindow &window, const QString &dir)
{
    using PromoDesk::Ui::CampaignEditor;
    auto *campaigns = window.findChild<PromoDesk::Ui::CampaignsPage *>();
    CampaignEditor *editor = campaigns ? campaigns->editCampaign(QStringLiteral("camp_spend_tiers")) : nullptr;
    if (!editor) {
        QApplication::quit();
        return;
    }
    editor->resize(1180, 800);
    QObject::connect(editor, &CampaignEditor::loaded, editor, [editor, dir] {
        const char *const names[] = {"basics", "discount", "tiers", "eligibility", "limits",
                                     "schedule", "codes", "stacking", "tryit"};
        for (int i = 0; i < CampaignEditor::TryIt; ++i) {
            if (!editor->isSectionVisible(CampaignEditor::Section(i)))
                continue;
            editor->showSection(CampaignEditor::Section(i));
            save(editor, QDir(dir).filePath(QStringLiteral("campaignEditor-%1.png").arg(QLatin1String(names[i]))));
        }
        // Try it on scenario 2's cart (two SKUs, 126.50) for the first member.
        editor->showSection(CampaignEditor::TryIt);
        PromoDesk::Ui::TryItPanel *tryIt = editor->tryItPanel();
        QObject::connect(tryIt, &PromoDesk::Ui::TryItPanel::finished, editor, [editor, dir] {
            save(editor, QDir(dir).filePath(QStringLiteral("campaignEditor-tryit.png")));
            // The campaign's own activity over the demo's last 90 days.
            editor->showSection(CampaignEditor::Analytics);
            editor->analyticsPanel()->setPeriod(PromoDesk::Ui::ActivityPanel::Period::Last90Days);
            PromoDesk::Ui::ActivityPanel *analytics = editor->analyticsPanel();
            waitUntil([analytics] {
                return analytics->isLoaded() && analytics->query().toHour - analytics->query().fromHour > 30 * 24;
            });
            save(editor, QDir(dir).filePath(QStringLiteral("campaignEditor-analytics.png")));
            // Further down: failure reasons and the tiers side by side.
            for (QWidget *w = analytics->parentWidget(); w; w = w->parentWidget()) {
                if (auto *scroll = qobject_cast<QScrollArea *>(w)) {
                    scroll->ensureWidgetVisible(analytics->tierChart(), 0, 200);
                    break;
                }
            }
            save(editor, QDir(dir).filePath(QStringLiteral("campaignEditor-analytics-tiers.png")));
            editor->close();
            screenshotSegmentBuilder(dir);
        });
        PromoDesk::Engine::OrderItem first;
        first.sku = QStringLiteral("sku_00069_3");
        first.quantity = 1;
        PromoDesk::Engine::OrderItem second;
        second.sku = QStringLiteral("sku_00053_1");
        second.quantity = 1;
        tryIt->setCustomer(QStringLiteral("cust_1"));
        tryIt->setCart({first, second});
        tryIt->run();
    });
}


// The redemption list filtered to failures, and its export dialog.
void screenshotRedemptions(PromoDesk::Ui::MainWindow &window, const QString &dir)
{
    using PromoDesk::Items::RedemptionTableModel;
    auto *page = window.findChild<PromoDesk::Ui::RedemptionsPage *>();
    window.showPage(int(window.pages().indexOf(page)));
    auto loaded = [page] {
        return !page->model()->isLoading()
               && (page->model()->rowCount() == 0 || page->model()->index(0, 0).data(RedemptionTableModel::LoadedRole).toBool());
    };
    waitUntil(loaded);
    page->resultBox()->setCurrentIndex(page->resultBox()->findText(QStringLiteral("Failed")));
    page->applyFilter();
    waitUntil([page] { return page->model()->isLoading(); }, 500);
    waitUntil(loaded);
    const QString file = QDir(dir).filePath(QStringLiteral("redemptions-failed.png"));
    if (window.grab().save(file))
        std::printf("%s\n", qPrintable(file));
    PromoDesk::Ui::ExportDialog *dialog = page->exportCsv();
    QApplication::processEvents();
    const QString dialogFile = QDir(dir).filePath(QStringLiteral("redemptions-export.png"));
    if (dialog && dialog->grab().save(dialogFile))
        std::printf("%s\n", qPrintable(dialogFile));
    if (dialog)
        dialog->close();
    page->clearFilters();
}

// In a sandbox: the simulator on a hand-made cart, a week of traffic, a backtest of the
// tiered promotion on production's last 90 days, and the campaigns tab.
void screenshotSandbox(PromoDesk::Ui::MainWindow &window, const QString &dir)
{
    using namespace PromoDesk::Ui;
    auto *page = window.findChild<SandboxPage *>();
    if (!page || !window.workspace() || window.workspace()->kind != PromoDesk::Store::WorkspaceKind::Sandbox)
        return;
    window.showPage(int(window.pages().indexOf(page)));
    auto shot = [&window, dir](const char *name) {
        QApplication::processEvents();
        const QString file = QDir(dir).filePath(QString::fromLatin1(name));
        if (window.grab().save(file))
            std::printf("%s\n", qPrintable(file));
    };
    waitUntil([page] { return !page->productionPath().isEmpty() && !page->campaigns().isEmpty(); });
    PromoDesk::Engine::OrderItem first;
    first.sku = QStringLiteral("sku_00069_3");
    first.quantity = 2;
    PromoDesk::Engine::OrderItem second;
    second.sku = QStringLiteral("sku_00053_1");
    second.quantity = 1;
    // A member of the sandbox's sample (its first by name).
    QString member;
    if (auto connection = PromoDesk::Store::Connection::open(window.workspace()->path, PromoDesk::Store::Connection::Access::ReadOnly)) {
        auto rows = PromoDesk::Store::CustomerRepository(*connection.value()).pageAfter({}, std::nullopt, 1);
        if (rows && !rows.value().isEmpty())
            member = rows.value().constFirst().id;
    }
    page->simulator()->setCustomer(member);
    page->simulator()->setCart({first, second});
    waitUntil([] { return false; }, 800); // the catalogue and the customer
    page->simulator()->run();
    waitUntil([page] { return !page->simulator()->isRunning() && !page->simulator()->verdict().isEmpty(); });
    shot("sandbox-simulator.png");
    page->tabs()->setCurrentIndex(1);
    PromoDesk::Sandbox::TrafficOptions traffic = page->traffic()->options();
    traffic.sessions = 3000;
    page->traffic()->setOptions(traffic);
    page->traffic()->run();
    waitUntil([page] { return page->traffic()->summary().has_value() && !page->traffic()->isRunning(); }, 180'000);
    shot("sandbox-traffic.png");
    page->tabs()->setCurrentIndex(2);
    page->backtest()->setCampaign(QStringLiteral("camp_spend_tiers"));
    page->backtest()->setDays(90);
    page->backtest()->run();
    waitUntil([page] { return page->backtest()->result().has_value() && !page->backtest()->isRunning(); }, 300'000);
    shot("sandbox-backtest.png");
    page->tabs()->setCurrentIndex(3);
    shot("sandbox-campaigns.png");
    page->tabs()->setCurrentIndex(0);
}

// Renders every page to DIR/<page>.png once the workspace has loaded, then quits.
void screenshotPages(PromoDesk::Ui::MainWindow &window, const QString &dir)
{
    QDir().mkpath(dir);
    screenshotSandbox(window, dir);
    screenshotRedemptions(window, dir);
    PromoDesk::Ui::screenshotExperiments(window, dir);
    const QList<PromoDesk::Ui::Page *> pages = window.pages();
    for (int i = 0; i < pages.size(); ++i) {
        window.showPage(i);
        QApplication::processEvents();
        if (auto *dashboard = qobject_cast<PromoDesk::Ui::DashboardPage *>(pages[i])) {
            // The demo's history ends a few weeks ago: show the last 90 days.
            dashboard->activity()->setPeriod(PromoDesk::Ui::ActivityPanel::Period::Last90Days);
            waitUntil([dashboard] { return dashboard->activity()->isLoaded() && dashboard->activity()->query().toHour
                                                - dashboard->activity()->query().fromHour > 30 * 24; });
            QApplication::processEvents();
            // The whole dashboard, below the fold too.
            if (auto *scroll = dashboard->findChild<QScrollArea *>(); scroll && scroll->widget()) {
                const QString full = QDir(dir).filePath(QStringLiteral("dashboard-full.png"));
                if (scroll->widget()->grab().save(full))
                    std::printf("%s\n", qPrintable(full));
            }
        }
        if (auto *redemptions = qobject_cast<PromoDesk::Ui::RedemptionsPage *>(pages[i])) {
            waitUntil([redemptions] {
                return !redemptions->model()->isLoading()
                       && (redemptions->model()->rowCount() == 0
                           || redemptions->model()->index(0, 0).data(PromoDesk::Items::RedemptionTableModel::LoadedRole).toBool());
            });
        }
        const QString file = QDir(dir).filePath(pages[i]->objectName() + QStringLiteral(".png"));
        if (!window.grab().save(file))
            std::fprintf(stderr, "promodesk: cannot write %s\n", qPrintable(file));
        else
            std::printf("%s\n", qPrintable(file));
    }
    // And the customer profile panel, on the first customer of the list.
    auto *customers = window.findChild<PromoDesk::Ui::CustomersPage *>();
    window.showPage(pages.indexOf(customers));
    QObject::connect(customers->profilePanel(), &PromoDesk::Ui::CustomerProfilePanel::loaded, &window, [&window, dir] {
        QApplication::processEvents();
        const QString file = QDir(dir).filePath(QStringLiteral("customerProfile.png"));
        if (window.grab().save(file))
            std::printf("%s\n", qPrintable(file));
        screenshotEditor(window, dir);
    });
    customers->openProfile(0);
}

} // namespace

int main(int argc, char *argv[])
{
    if (!haveDisplay()) {
        std::fputs("promodesk: no display found — run it under a virtual one: xvfb-run -a promodesk [WORKSPACE]\n", stderr);
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PromoDesk"));
    QApplication::setApplicationName(QStringLiteral("PromoDesk"));
    QApplication::setApplicationVersion(QStringLiteral(PROMODESK_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/promodesk/icons/promodesk.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("com.promodesk.PromoDesk"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("PromoDesk — local promotion engine and marketing dashboard."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("workspace"), QStringLiteral("The workspace file to open (*.promodesk)."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render every page of the workspace to PNG files in DIR, then quit."),
                                        QStringLiteral("DIR"));
    parser.addOption(screenshot);
    parser.process(app);

    PromoDesk::Ui::MainWindow window;
    QString path = parser.positionalArguments().value(0);
    if (path.isEmpty()) {
        const QStringList recent = QSettings().value(QStringLiteral("workspaces/recent")).toStringList();
        if (!recent.isEmpty() && QFileInfo::exists(recent.constFirst()))
            path = recent.constFirst();
    }
    if (parser.isSet(screenshot)) {
        if (path.isEmpty()) {
            std::fputs("promodesk: --screenshot needs a workspace\n", stderr);
            return 2;
        }
        window.resize(1360, 840);
        const QString dir = parser.value(screenshot);
        QObject::connect(&window, &PromoDesk::Ui::MainWindow::workspaceFailed, &app, [](const QString &message) {
            std::fprintf(stderr, "promodesk: %s\n", qPrintable(message));
            QApplication::exit(1);
        });
        // Give the customer table a moment to page in after the overview arrives.
        // Once: the overview is reloaded later (after simulated traffic, for one).
        auto started = std::make_shared<bool>(false);
        QObject::connect(&window, &PromoDesk::Ui::MainWindow::overviewLoaded, &app, [&window, dir, started] {
            if (std::exchange(*started, true))
                return;
            QTimer::singleShot(1500, &window, [&window, dir] { screenshotPages(window, dir); });
        });
    }
    window.show();
    if (!path.isEmpty())
        window.openWorkspace(path);
    return app.exec();
}
