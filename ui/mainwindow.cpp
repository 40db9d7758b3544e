#include "mainwindow.h"

#include "dialogs/newworkspacedialog.h"
#include "pages/campaignspage.h"
#include "pages/segmentspage.h"
#include "pages/customerspage.h"
#include "pages/dashboardpage.h"
#include "pages/experimentspage.h"
#include "items/campaignlistmodel.h"
#include "pages/redemptionspage.h"
#include "pages/sandboxpage.h"
#include "preference.h"
#include "engine/democampaigns.h"
#include "store/demogenerator.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>

namespace PromoDesk::Ui {

namespace {

const Preference<QStringList> recentWorkspaces(QStringLiteral("workspaces/recent"));
const Preference<QByteArray> windowGeometry(QStringLiteral("window/geometry"));
constexpr int MaxRecent = 8;

QString badgeStyle(Store::WorkspaceKind kind)
{
    return kind == Store::WorkspaceKind::Sandbox
               ? QStringLiteral("background: #f59e0b; color: #1f1300; border-radius: 4px; padding: 4px 10px; font-weight: bold;")
               : QStringLiteral("background: #1e3a5f; color: white; border-radius: 4px; padding: 4px 10px; font-weight: bold;");
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("PromoDesk"));
    resize(1280, 800);
    if (const QByteArray geometry = windowGeometry.get(); !geometry.isEmpty())
        restoreGeometry(geometry);

    m_stack = new QStackedWidget(this);
    m_dashboard = new DashboardPage(this);
    m_pages = {m_dashboard,
               new CustomersPage(this),
               new SegmentsPage(this),
               new CampaignsPage(this),
               new ExperimentsPage(this),
               new RedemptionsPage(this),
               new SandboxPage(this)};
    for (Page *page : m_pages)
        m_stack->addWidget(page);

    buildSidebar();
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sidebar->parentWidget());
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_statusCounts = new QLabel(this);
    m_statusBadge = new QLabel(this);
    statusBar()->addWidget(m_statusCounts, 1);
    statusBar()->addPermanentWidget(m_statusBadge);

    buildMenus();
    for (Page *page : m_pages)
        page->setWorkspace(std::nullopt);
    updateBadge();
    showPage(0);
}

MainWindow::~MainWindow()
{
    // A demo being generated is cancelled (its side file removed); then wait for
    // whatever the window still has running.
    if (m_cancelGeneration)
        m_cancelGeneration->store(true);
    m_tasks.waitForAll();
}

void MainWindow::buildSidebar()
{
    auto *host = new QWidget(this);
    host->setObjectName(QStringLiteral("sidebar"));
    host->setFixedWidth(200);
    host->setAutoFillBackground(true);
    auto *layout = new QVBoxLayout(host);
    layout->setContentsMargins(10, 12, 10, 12);

    auto *brand = new QLabel(QStringLiteral("PromoDesk"), host);
    QFont brandFont = brand->font();
    brandFont.setPointSizeF(brandFont.pointSizeF() * 1.3);
    brandFont.setBold(true);
    brand->setFont(brandFont);

    m_badge = new QLabel(host);
    m_badge->setObjectName(QStringLiteral("workspaceBadge"));
    m_badge->setAlignment(Qt::AlignCenter);
    m_workspaceName = new QLabel(host);
    m_workspaceName->setWordWrap(true);

    m_sidebar = new QListWidget(host);
    m_sidebar->setObjectName(QStringLiteral("navigation"));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setSpacing(2);
    m_sidebar->setStyleSheet(QStringLiteral(
        "QListWidget { background: transparent; outline: 0; } "
        "QListWidget::item { padding: 6px 8px; border-radius: 4px; color: palette(window-text); } "
        "QListWidget::item:hover { background: rgba(0, 0, 0, 0.06); } "
        "QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }"));
    for (int i = 0; i < m_pages.size(); ++i) {
        auto *item = new QListWidgetItem(m_pages[i]->title(), m_sidebar);
        item->setToolTip(tr("%1 (Ctrl+%2)").arg(m_pages[i]->title()).arg(i + 1));
    }
    connect(m_sidebar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    layout->addWidget(brand);
    layout->addSpacing(6);
    layout->addWidget(m_badge);
    layout->addWidget(m_workspaceName);
    layout->addSpacing(10);
    layout->addWidget(m_sidebar, 1);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newAction = file->addAction(tr("&New Workspace…"), this, &MainWindow::newWorkspace);
    newAction->setShortcut(QKeySequence::New);
    QAction *openAction = file->addAction(tr("&Open Workspace…"), this, &MainWindow::chooseWorkspace);
    openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    for (Page *page : m_pages) {
        auto *sandbox = qobject_cast<SandboxPage *>(page);
        if (!sandbox)
            continue;
        QAction *newSandbox = file->addAction(tr("New &Sandbox…"), this, [this, sandbox] {
            showPage(int(m_pages.indexOf(sandbox)));
            sandbox->newSandbox();
        });
        newSandbox->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
        connect(sandbox, &SandboxPage::openWorkspaceRequested, this, &MainWindow::openWorkspace);
        connect(sandbox, &SandboxPage::showDashboardRequested, this, [this] {
            showPage(0);
            refreshOverview();
        });
        connect(sandbox, &SandboxPage::dataChanged, this, &MainWindow::refreshOverview);
        connect(sandbox, &SandboxPage::promoted, this, [this](const QString &id) {
            statusBar()->showMessage(tr("%1 promoted to production as a draft").arg(id), 8000);
        });
        file->addSeparator();
    }
    // Imports live on the Customers page; the menu opens its dialog there.
    for (Page *page : m_pages) {
        if (auto *customers = qobject_cast<CustomersPage *>(page)) {
            file->addAction(tr("&Import CSV…"), this, [this, customers] {
                showPage(int(m_pages.indexOf(customers)));
                customers->importCsv();
            });
            connect(customers, &CustomersPage::dataImported, this, &MainWindow::refreshOverview);
        }
    }
    // Pages that open each other's records.
    CustomersPage *customersPage = nullptr;
    CampaignsPage *campaignsPage = nullptr;
    for (Page *page : m_pages) {
        if (auto *p = qobject_cast<CustomersPage *>(page))
            customersPage = p;
        if (auto *p = qobject_cast<CampaignsPage *>(page))
            campaignsPage = p;
    }
    for (Page *page : m_pages) {
        auto *redemptions = qobject_cast<RedemptionsPage *>(page);
        if (!redemptions)
            continue;
        connect(redemptions, &RedemptionsPage::openCustomerRequested, this, [this, customersPage](const QString &id) {
            showPage(int(m_pages.indexOf(customersPage)));
            customersPage->openCustomer(id);
        });
        connect(redemptions, &RedemptionsPage::openCampaignRequested, this, [this, campaignsPage](const QString &id) {
            showPage(int(m_pages.indexOf(campaignsPage)));
            campaignsPage->selectCampaigns({id});
            campaignsPage->editCampaign(id);
        });
        connect(redemptions, &RedemptionsPage::rolledBack, this, [this](const QString &, bool ok, const QString &message) {
            statusBar()->showMessage(message, 8000);
            if (ok)
                refreshOverview();
        });
        QAction *exportAction = file->addAction(tr("&Export Redemptions…"), this, [this, redemptions] {
            showPage(int(m_pages.indexOf(redemptions)));
            redemptions->exportCsv();
        });
        exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    }
    // Experiments start campaigns and roll winners out: the campaign list and the counts follow.
    for (Page *page : m_pages) {
        auto *experiments = qobject_cast<ExperimentsPage *>(page);
        if (!experiments)
            continue;
        connect(experiments, &ExperimentsPage::campaignsChanged, this, [this, campaignsPage] {
            if (campaignsPage)
                campaignsPage->model()->reload();
            refreshOverview();
        });
        connect(experiments, &ExperimentsPage::winnerDeclared, this, [this](const Experiments::Experiment &e) {
            statusBar()->showMessage(tr("“%1” concluded: the winner is rolled out").arg(e.name), 8000);
        });
    }
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pages.size(); ++i) {
        QAction *go = view->addAction(m_pages[i]->title(), this, [this, i] { showPage(i); });
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    QAction *refresh = view->addAction(tr("&Refresh"), this, [this] {
        if (m_workspace)
            applyWorkspace(*m_workspace);
    });
    refresh->setShortcut(QKeySequence::Refresh);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About PromoDesk"), this, [this] {
        QMessageBox::about(this, tr("About PromoDesk"),
                           tr("<b>PromoDesk %1</b><p>A local promotion engine and marketing dashboard.</p>")
                               .arg(QStringLiteral(PROMODESK_VERSION)));
    });
}

void MainWindow::showPage(int index)
{
    if (index < 0 || index >= m_pages.size())
        return;
    m_sidebar->setCurrentRow(index);
    m_stack->setCurrentIndex(index);
}

int MainWindow::currentPage() const
{
    return m_stack->currentIndex();
}

QString MainWindow::badgeText() const
{
    return m_badge->text();
}

QString MainWindow::statusText() const
{
    return m_statusCounts->text();
}

void MainWindow::openWorkspace(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_opening = true;
    m_statusCounts->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(absolute)));
    auto *watcher = new QFutureWatcher<Result<Store::WorkspaceInfo>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, absolute] {
        watcher->deleteLater();
        m_opening = false;
        const Result<Store::WorkspaceInfo> result = watcher->result();
        if (!result) {
            const QString message = result.error().toString();
            m_statusCounts->setText(m_workspace ? QString() : tr("No workspace open"));
            if (m_workspace)
                refreshOverview();
            emit workspaceFailed(message);
            if (isVisible())
                showError(tr("Cannot open workspace"), message);
            return;
        }
        applyWorkspace(result.value());
        rememberRecent(absolute);
        emit workspaceOpened(absolute);
    });
    watcher->setFuture(m_tasks.track(Store::Tasks::open(absolute)));
}

void MainWindow::applyWorkspace(const Store::WorkspaceInfo &info)
{
    m_workspace = info;
    for (Page *page : m_pages)
        page->setWorkspace(m_workspace);
    updateBadge();
    refreshOverview();
}

void MainWindow::updateBadge()
{
    if (!m_workspace) {
        m_badge->setText(tr("NO WORKSPACE"));
        m_badge->setStyleSheet(QStringLiteral("border: 1px solid palette(mid); border-radius: 4px; padding: 4px 10px;"));
        m_statusBadge->setText(QString());
        m_workspaceName->setText(QString());
        setWindowTitle(QStringLiteral("PromoDesk"));
        return;
    }
    const bool sandbox = m_workspace->kind == Store::WorkspaceKind::Sandbox;
    const QString kind = sandbox ? tr("SANDBOX") : tr("PRODUCTION");
    m_badge->setText(kind);
    m_badge->setStyleSheet(badgeStyle(m_workspace->kind));
    m_statusBadge->setText(kind);
    m_statusBadge->setStyleSheet(badgeStyle(m_workspace->kind));
    m_workspaceName->setText(m_workspace->name);
    m_workspaceName->setToolTip(QDir::toNativeSeparators(m_workspace->path));
    // The sandbox tints the whole sidebar so it cannot be mistaken for production.
    QWidget *sidebar = m_sidebar->parentWidget();
    QPalette palette = QApplication::palette(sidebar);
    if (sandbox)
        palette.setColor(QPalette::Window, QColor(0xfd, 0xf0, 0xd5));
    sidebar->setPalette(palette);
    setWindowTitle(QStringLiteral("%1 — %2 — PromoDesk").arg(m_workspace->name, kind));
}

void MainWindow::refreshOverview()
{
    if (!m_workspace)
        return;
    const quint64 request = ++m_overviewRequest;
    m_statusCounts->setText(tr("Counting…"));
    auto *watcher = new QFutureWatcher<Result<Store::WorkspaceOverview>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, request] {
        watcher->deleteLater();
        if (request != m_overviewRequest)
            return;
        const Result<Store::WorkspaceOverview> result = watcher->result();
        m_dashboard->setOverview(result);
        if (!result) {
            m_statusCounts->setText(result.error().toString());
        } else {
            const QLocale locale = QLocale::system();
            const Store::WorkspaceOverview &o = result.value();
            m_statusCounts->setText(tr("%1 customers · %2 orders · %3 products · %4 campaigns · %5 redemptions")
                                        .arg(locale.toString(o.customers), locale.toString(o.orders),
                                             locale.toString(o.products), locale.toString(o.campaigns),
                                             locale.toString(o.redemptions)));
        }
        emit overviewLoaded();
    });
    watcher->setFuture(m_tasks.track(Store::Tasks::overview(m_workspace->path)));
}

void MainWindow::chooseWorkspace()
{
    const QString folder = m_workspace ? QFileInfo(m_workspace->path).absolutePath() : QDir::homePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Workspace"), folder,
                                                      tr("PromoDesk workspaces (*.promodesk);;All files (*)"));
    if (!path.isEmpty())
        openWorkspace(path);
}

void MainWindow::newWorkspace()
{
    const QString folder = m_workspace ? QFileInfo(m_workspace->path).absolutePath()
                                       : QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    NewWorkspaceDialog dialog(folder, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString path = dialog.path();
    const Store::WorkspaceKind kind = dialog.kind();
    const auto demo = dialog.demoSize();

    auto progress = std::make_shared<std::atomic<int>>(0);
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    m_cancelGeneration = cancelled;
    auto *progressDialog = new QProgressDialog(demo ? tr("Generating demo data…") : tr("Creating workspace…"),
                                               tr("Cancel"), 0, 100, this);
    progressDialog->setWindowModality(Qt::WindowModal);
    progressDialog->setMinimumDuration(300);
    progressDialog->setAutoClose(false);
    progressDialog->setAutoReset(false);
    auto *poll = new QTimer(progressDialog);
    connect(poll, &QTimer::timeout, progressDialog, [progressDialog, progress] { progressDialog->setValue(progress->load()); });
    poll->start(100);
    connect(progressDialog, &QProgressDialog::canceled, this, [cancelled] { cancelled->store(true); });

    auto *watcher = new QFutureWatcher<Status>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, progressDialog, path, cancelled] {
        watcher->deleteLater();
        progressDialog->deleteLater();
        const Status status = watcher->result();
        if (!status) {
            if (!cancelled->load())
                showError(tr("Cannot create workspace"), status.error().toString());
            return;
        }
        openWorkspace(path);
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run([path, kind, demo, progress, cancelled]() -> Status {
        if (!demo) {
            auto created = Store::Workspace::create(path, kind);
            return created ? Status() : Status(created.error());
        }
        Store::DemoOptions options;
        options.size = *demo;
        options.kind = kind;
        auto report = Engine::generateDemoWorkspace(path, options, [progress, cancelled](int percent) {
            progress->store(percent);
            return !cancelled->load();
        });
        return report ? Status() : Status(report.error());
    })));
}

void MainWindow::rememberRecent(const QString &path)
{
    QStringList recent = recentWorkspaces.get();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > MaxRecent)
        recent.removeLast();
    recentWorkspaces.set(recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentWorkspaces.get();
    for (const QString &path : recent) {
        QAction *action = m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openWorkspace(path); });
        action->setEnabled(QFileInfo::exists(path));
    }
    if (recent.isEmpty()) {
        m_recentMenu->addAction(tr("No recent workspaces"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this, [this] {
        recentWorkspaces.set({});
        rebuildRecentMenu();
    });
}

// Window-modal and non-blocking: the event loop (and any background work) goes on.
void MainWindow::showError(const QString &title, const QString &message)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    windowGeometry.set(saveGeometry());
    event->accept();
}

} // namespace PromoDesk::Ui
