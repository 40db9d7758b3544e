#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "store/tasks.h"
#include "store/workspace.h"

#include <QMainWindow>

#include <atomic>
#include <memory>
#include <optional>

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace PromoDesk::Ui {

class DashboardPage;
class Page;

// Wires the pages together: sidebar navigation, workspace open/new/recent, the
// PRODUCTION / SANDBOX badge and the status bar. It holds no business logic.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens asynchronously; emits workspaceOpened or workspaceFailed.
    void openWorkspace(const QString &path);
    void showPage(int index);

    const std::optional<Store::WorkspaceInfo> &workspace() const { return m_workspace; }
    QList<Page *> pages() const { return m_pages; }
    int currentPage() const;
    QString badgeText() const;
    QString statusText() const;

signals:
    void workspaceOpened(const QString &path);
    void workspaceFailed(const QString &message);
    void overviewLoaded();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildSidebar();
    void newWorkspace();
    void chooseWorkspace();
    void applyWorkspace(const Store::WorkspaceInfo &info);
    void refreshOverview();
    void rememberRecent(const QString &path);
    void rebuildRecentMenu();
    void updateBadge();
    void showError(const QString &title, const QString &message);

    std::optional<Store::WorkspaceInfo> m_workspace;
    QList<Page *> m_pages;
    DashboardPage *m_dashboard = nullptr;
    QListWidget *m_sidebar = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_badge = nullptr;
    QLabel *m_workspaceName = nullptr;
    QLabel *m_statusCounts = nullptr;
    QLabel *m_statusBadge = nullptr;
    QMenu *m_recentMenu = nullptr;
    BackgroundTasks m_tasks;
    std::shared_ptr<std::atomic<bool>> m_cancelGeneration;
    quint64 m_overviewRequest = 0;
    bool m_opening = false;
};

} // namespace PromoDesk::Ui
