#include "exportdialog.h"

#include "preference.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

namespace {
const Preference<QString> lastFolder(QStringLiteral("export/folder"));
const Preference<bool> byteOrderMark(QStringLiteral("export/byteOrderMark"), false);
} // namespace

ExportDialog::ExportDialog(const QString &workspacePath, const Store::ExportList &columns, Store::ListTasks::ListMaker makeList,
                           qint64 expectedRows, const QString &suggestedFile, QWidget *parent)
    : QDialog(parent), m_path(workspacePath), m_list(columns), m_makeList(std::move(makeList)), m_expected(expectedRows),
      m_settingsKey(QStringLiteral("export/columns/") + columns.name)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export %1 to CSV").arg(columns.name));
    auto *layout = new QVBoxLayout(this);

    auto *summary = new QLabel(this);
    summary->setWordWrap(true);
    summary->setText(expectedRows >= 0 ? tr("%1 %2: exactly the rows the page shows, in its order.")
                                             .arg(QLocale().toString(expectedRows),
                                                  expectedRows == 1 ? tr("row") : tr("rows"))
                                       : tr("Every row of the list."));
    layout->addWidget(summary);

    auto *columnsLabel = new QLabel(tr("&Columns (drag to reorder):"), this);
    m_columns = new QListWidget(this);
    m_columns->setObjectName(QStringLiteral("exportColumns"));
    m_columns->setDragDropMode(QAbstractItemView::InternalMove);
    m_columns->setMinimumHeight(220);
    columnsLabel->setBuddy(m_columns);
    for (const Store::ExportColumn &c : m_list.columns) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  —  %2").arg(c.name, c.description), m_columns);
        item->setToolTip(c.description);
        item->setData(Qt::UserRole, c.name);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(c.byDefault ? Qt::Checked : Qt::Unchecked);
    }
    connect(m_columns, &QListWidget::itemChanged, this, &ExportDialog::updateExportButton);
    auto *columnButtons = new QHBoxLayout;
    auto *all = new QPushButton(tr("Select &all"), this);
    auto *defaults = new QPushButton(tr("&Defaults"), this);
    connect(all, &QPushButton::clicked, this, [this] {
        for (int i = 0; i < m_columns->count(); ++i)
            m_columns->item(i)->setCheckState(Qt::Checked);
    });
    connect(defaults, &QPushButton::clicked, this, [this] { setChosenColumns(m_list.defaultColumns()); });
    columnButtons->addWidget(all);
    columnButtons->addWidget(defaults);
    columnButtons->addStretch();
    layout->addWidget(columnsLabel);
    layout->addWidget(m_columns, 1);
    layout->addLayout(columnButtons);

    auto *fileRow = new QHBoxLayout;
    auto *fileLabel = new QLabel(tr("&File:"), this);
    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("exportFile"));
    fileLabel->setBuddy(m_file);
    QString folder = lastFolder.get();
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    m_file->setText(QDir(folder).filePath(suggestedFile));
    connect(m_file, &QLineEdit::textChanged, this, &ExportDialog::updateExportButton);
    auto *browseButton = new QPushButton(tr("&Browse…"), this);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    fileRow->addWidget(fileLabel);
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browseButton);
    layout->addLayout(fileRow);

    m_bom = new QCheckBox(tr("For &Excel (UTF-8 byte order mark)"), this);
    m_bom->setChecked(byteOrderMark.get());
    m_guard = new QCheckBox(tr("&Guard against spreadsheet formulas (recommended)"), this);
    m_guard->setChecked(true);
    m_guard->setToolTip(tr("Text starting with = + - @ or a tab gets a leading ' so that a spreadsheet shows it "
                           "instead of running it. Numbers are never changed. Turn off for programs that read the file."));
    layout->addWidget(m_bom);
    layout->addWidget(m_guard);

    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("exportStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);

    m_buttons = new QDialogButtonBox(this);
    m_export = m_buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    m_export->setDefault(true);
    m_cancel = m_buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &ExportDialog::reject);
    layout->addWidget(m_buttons);

    m_poll = new QTimer(this);
    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, &ExportDialog::pollProgress);
    resize(560, 600);
    // The columns chosen last time for this list, in their order.
    if (const QStringList remembered = Preference<QStringList>(m_settingsKey).get(); !remembered.isEmpty())
        setChosenColumns(remembered);
    updateExportButton();
}

ExportDialog::~ExportDialog()
{
    if (m_cancelled)
        m_cancelled->store(true);
    m_tasks.waitForAll();
}

QStringList ExportDialog::chosenColumns() const
{
    QStringList names;
    for (int i = 0; i < m_columns->count(); ++i) {
        if (m_columns->item(i)->checkState() == Qt::Checked)
            names << m_columns->item(i)->data(Qt::UserRole).toString();
    }
    return names;
}

void ExportDialog::setChosenColumns(const QStringList &names)
{
    // The chosen ones first, in the given order, then the others.
    QList<QListWidgetItem *> items;
    while (m_columns->count() > 0)
        items << m_columns->takeItem(0);
    int position = 0;
    for (const QString &name : names) {
        for (QListWidgetItem *item : items) {
            if (item->data(Qt::UserRole).toString() == name && item->listWidget() == nullptr) {
                m_columns->insertItem(position++, item);
                item->setCheckState(Qt::Checked);
            }
        }
    }
    for (QListWidgetItem *item : items) {
        if (item->listWidget() == nullptr) {
            m_columns->addItem(item);
            item->setCheckState(Qt::Unchecked);
        }
    }
    updateExportButton();
}

void ExportDialog::setFile(const QString &file)
{
    m_file->setText(file);
}

QString ExportDialog::file() const
{
    return m_file->text().trimmed();
}

void ExportDialog::browse()
{
    const QString chosen = QFileDialog::getSaveFileName(this, windowTitle(), file(), tr("CSV files (*.csv);;All files (*)"));
    if (!chosen.isEmpty())
        m_file->setText(chosen);
}

void ExportDialog::updateExportButton()
{
    const bool ready = !m_running && !chosenColumns().isEmpty() && !file().isEmpty();
    m_export->setEnabled(ready);
    if (!m_running) {
        if (chosenColumns().isEmpty())
            m_status->setText(tr("Choose at least one column."));
        else if (file().isEmpty())
            m_status->setText(tr("Choose a file."));
        else if (m_status->property("transient").toBool())
            m_status->clear();
        m_status->setProperty("transient", chosenColumns().isEmpty() || file().isEmpty());
    }
}

void ExportDialog::setRunning(bool running)
{
    m_running = running;
    m_columns->setEnabled(!running);
    m_file->setEnabled(!running);
    m_bom->setEnabled(!running);
    m_guard->setEnabled(!running);
    m_progress->setVisible(running);
    m_cancel->setText(running ? tr("Cancel export") : tr("Close"));
    updateExportButton();
    if (running)
        m_poll->start();
    else
        m_poll->stop();
}

void ExportDialog::start()
{
    if (m_running)
        return;
    const QString target = file();
    const QStringList columns = chosenColumns();
    if (columns.isEmpty() || target.isEmpty())
        return;
    if (QFileInfo(target).isDir()) {
        m_status->setText(tr("“%1” is a folder; choose a file name.").arg(QDir::toNativeSeparators(target)));
        return;
    }
    Preference<QStringList>(m_settingsKey).set(columns);
    lastFolder.set(QFileInfo(target).absolutePath());
    byteOrderMark.set(m_bom->isChecked());

    m_cancelled = std::make_shared<std::atomic_bool>(false);
    m_rows = std::make_shared<std::atomic<qint64>>(0);
    m_total = std::make_shared<std::atomic<qint64>>(m_expected);
    m_progress->setRange(0, 0);
    m_status->setText(tr("Exporting…"));
    setRunning(true);
    const Store::CsvExportOptions options{m_bom->isChecked(), m_guard->isChecked()};
    auto *watcher = new QFutureWatcher<Result<qint64>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, target] {
        watcher->deleteLater();
        const Result<qint64> result = watcher->result();
        const bool cancelled = m_cancelled && m_cancelled->load();
        setRunning(false);
        if (result) {
            m_progress->setVisible(false);
            m_status->setText(tr("Exported %1 rows to %2.")
                                  .arg(QLocale().toString(result.value()), QDir::toNativeSeparators(target)));
            emit exported(target, result.value());
            return;
        }
        const QString message = cancelled ? tr("Export cancelled; no file was written.")
                                          : tr("Export failed: %1").arg(result.error().toString());
        m_status->setText(message);
        emit failed(message);
    });
    watcher->setFuture(m_tasks.track(
        Store::ListTasks::exportToFile(m_path, m_makeList, columns, target, options, m_cancelled, m_rows, m_total)));
}

void ExportDialog::pollProgress()
{
    if (!m_rows)
        return;
    const qint64 total = m_total ? m_total->load() : -1;
    const qint64 done = m_rows->load();
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::min<qint64>(1000, done * 1000 / total)));
        m_status->setText(tr("Exporting… %1 of %2 rows").arg(QLocale().toString(done), QLocale().toString(total)));
    }
}

void ExportDialog::cancel()
{
    if (m_cancelled)
        m_cancelled->store(true);
}

void ExportDialog::reject()
{
    if (m_running) {
        cancel();
        return;
    }
    QDialog::reject();
}

} // namespace PromoDesk::Ui
