#pragma once

#include "backgroundtasks.h"
#include "page.h"
#include "store/segmentstore.h"

#include <QFutureWatcher>

#include <atomic>
#include <memory>

class QChartView;
class QLabel;
class QProgressBar;
class QTimer;
class QPushButton;
class QTableWidget;

namespace PromoDesk::Ui {

class ExportDialog;

class SegmentBuilder;

// Segments: the list (kind, members, last refresh) and the builder of the selected
// or a new segment, with its live count. Saving, refreshing and deleting run off the
// UI thread; the list reloads after each.
class SegmentsPage : public Page
{
    Q_OBJECT

public:
    // Auto-update segments older than this are brought up to date when the page opens a workspace.
    static constexpr qint64 StaleAfterMs = 6LL * 3600 * 1000;

    explicit SegmentsPage(QWidget *parent = nullptr);
    ~SegmentsPage() override;

    QString title() const override { return tr("Segments"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;

    SegmentBuilder *builder() const { return m_builder; }
    QTableWidget *table() const { return m_table; }
    const QList<Store::Segment> &segments() const { return m_segments; }
    bool isBusy() const { return m_busy; }
    QString messageText() const;

    void newSegment();
    void selectSegment(const QString &id);
    void saveSegment();
    void refreshSelected();
    void deleteSelected(bool confirm);
    // Members of the selected segment to `file` (CSV), in the background with progress
    // and Cancel; a cancelled or failed export leaves no file under that name.
    void exportSelected(const QString &file, const Store::CsvExportOptions &options = {});
    // Export CSV…: the column chooser dialog for the selected segment's members.
    ExportDialog *openExportDialog();
    void cancelExport();
    bool isExporting() const { return m_exportCancel != nullptr; }
    // The selected segment's size over time, as the chart shows it (points loaded last).
    const QList<Store::SegmentSizePoint> &sizeHistory() const { return m_history; }
    // Static segments: adds the customers listed in `file` (one id or source id per line).
    void addMembersFromFile(const QString &file);

signals:
    void listLoaded();
    void historyLoaded();
    // A save, refresh or delete finished (ok or not); its message is on the page.
    void actionFinished(bool ok);

private:
    void reload();
    void showSegments();
    void showMessage(const QString &text, bool error);
    QString selectedId() const;
    void setBusy(bool busy);

    std::optional<Store::WorkspaceInfo> m_workspace;
    QList<Store::Segment> m_segments;
    bool m_busy = false;

    QTableWidget *m_table;
    SegmentBuilder *m_builder;
    QPushButton *m_new;
    QPushButton *m_save;
    QPushButton *m_refresh;
    QPushButton *m_delete;
    QPushButton *m_export;
    QPushButton *m_addFromFile;
    QPushButton *m_cancelExport;
    QProgressBar *m_exportProgress;
    QTimer *m_exportPoll;
    std::shared_ptr<std::atomic_bool> m_exportCancel;
    std::shared_ptr<std::atomic<qint64>> m_exportRows;
    QChartView *m_chart = nullptr;
    QLabel *m_historyNote = nullptr;
    QList<Store::SegmentSizePoint> m_history;
    quint64 m_historyRequest = 0;
    void loadHistory(const QString &id);
    QLabel *m_message;
    QFutureWatcher<Result<QList<Store::Segment>>> *m_listWatcher;
    BackgroundTasks m_tasks; // last
};

} // namespace PromoDesk::Ui
