#pragma once

#include "backgroundtasks.h"
#include "store/importer.h"

#include <QDialog>
#include <QFutureWatcher>

#include <atomic>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace PromoDesk::Ui {

// Imports a CSV file into the workspace: choose what it holds and the file, see how
// its columns are read on its first rows, then import on a worker (its own
// connection) with a progress bar and Cancel. All or nothing: a refused file lists
// its errors (up to 100, copyable) and nothing is written; Cancel leaves nothing.
class ImportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ImportDialog(const QString &workspacePath, QWidget *parent = nullptr);
    ~ImportDialog() override;

    void setKind(Store::ImportKind kind);
    Store::ImportKind kind() const;
    void setFile(const QString &file);
    QString file() const;

    bool isImporting() const { return m_running; }
    bool isPreviewLoading() const { return m_previewLoading; }
    QString statusText() const;
    QStringList errorTexts() const; // the error list as shown
    const std::optional<Store::ImportReport> &lastReport() const { return m_report; }

    QPushButton *importButton() const { return m_importButton; }
    QPushButton *cancelButton() const { return m_cancelButton; }
    QTableWidget *previewTable() const { return m_preview; }
    QProgressBar *progressBar() const { return m_progress; }

signals:
    void previewLoaded();
    // The import ended (committed, refused or cancelled); imported() follows a commit.
    void importFinished(bool ok);
    void imported(const PromoDesk::Store::ImportReport &report);

public slots:
    void startImport();
    void cancelImport();
    void reject() override; // while importing: cancels instead of closing

private:
    void browse();
    void reloadPreview();
    void showPreview(const Store::ImportPreview &preview);
    void finishImport();
    void showErrors(const QList<Store::ImportError> &errors, bool more);
    void updateButtons();
    void updateHelp();
    void copyErrors();
    char delimiter() const;

    QString m_workspace;
    QComboBox *m_kind;
    QLineEdit *m_file;
    QComboBox *m_delimiter;
    QCheckBox *m_ignoreUnknown;
    QLabel *m_help;
    QLabel *m_mapping;
    QTableWidget *m_preview;
    QProgressBar *m_progress;
    QLabel *m_status;
    QListWidget *m_errors;
    QPushButton *m_copyErrors;
    QPushButton *m_importButton;
    QPushButton *m_cancelButton;
    QPushButton *m_closeButton;
    QTimer *m_progressPoll;

    bool m_running = false;
    bool m_previewLoading = false;
    bool m_previewUsable = false; // a file with every required column
    quint64 m_previewGeneration = 0;
    std::optional<Store::ImportReport> m_report;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<std::atomic_int> m_percent;
    QFutureWatcher<Store::ImportReport> *m_watcher;
    BackgroundTasks m_tasks; // last member: waited for before the rest is torn down
};

} // namespace PromoDesk::Ui
