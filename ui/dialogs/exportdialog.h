#pragma once

#include "backgroundtasks.h"
#include "store/listexport.h"

#include <QDialog>

#include <atomic>
#include <memory>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTimer;

namespace PromoDesk::Ui {

// Export a list to CSV: choose and order the columns (remembered per list), the file,
// a byte order mark for Excel and the formula guard; then a progress bar and Cancel.
// The file appears whole under its name or not at all. The rows are the ones `makeList`
// builds, on a background connection: exactly what the page shows, in its order.
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    ExportDialog(const QString &workspacePath, const Store::ExportList &columns, Store::ListTasks::ListMaker makeList,
                 qint64 expectedRows, const QString &suggestedFile, QWidget *parent = nullptr);
    ~ExportDialog() override;

    QStringList chosenColumns() const;
    void setChosenColumns(const QStringList &names);
    void setFile(const QString &file);
    QString file() const;
    bool isRunning() const { return m_running; }

    // Starts the export with the dialog's choices (the Export button).
    void start();
    void cancel();

    QListWidget *columnList() const { return m_columns; }
    QCheckBox *byteOrderMarkBox() const { return m_bom; }
    QCheckBox *formulaGuardBox() const { return m_guard; }
    QLineEdit *fileEdit() const { return m_file; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *statusLabel() const { return m_status; }
    QPushButton *exportButton() const { return m_export; }

signals:
    // The export ended: written (rows) or not (cancelled or failed, with why).
    void exported(const QString &file, qint64 rows);
    void failed(const QString &message);

protected:
    void reject() override;

private:
    void browse();
    void setRunning(bool running);
    void pollProgress();
    void updateExportButton();

    QString m_path;
    Store::ExportList m_list;
    Store::ListTasks::ListMaker m_makeList;
    qint64 m_expected;
    QString m_settingsKey;

    QListWidget *m_columns;
    QLineEdit *m_file;
    QCheckBox *m_bom;
    QCheckBox *m_guard;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_export;
    QPushButton *m_cancel;
    QDialogButtonBox *m_buttons;
    QTimer *m_poll;

    bool m_running = false;
    std::shared_ptr<std::atomic_bool> m_cancelled;
    std::shared_ptr<std::atomic<qint64>> m_rows;
    std::shared_ptr<std::atomic<qint64>> m_total;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
