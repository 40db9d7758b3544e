#include "pages/segmentspage.h"

#include "dialogs/exportdialog.h"
#include "editors/segmentbuilder.h"

#include <QCheckBox>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>
#include <QDateTime>
#include <QFileDialog>
#include <QProgressBar>
#include <QTimer>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QGridLayout>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

using Store::Segment;
using Store::SegmentType;

namespace {

const QString Actor = qEnvironmentVariable("USER").isEmpty() ? QStringLiteral("promodesk") : qEnvironmentVariable("USER");

QString kindLabel(SegmentType type)
{
    switch (type) {
    case SegmentType::AutoUpdate: return QObject::tr("Auto-update");
    case SegmentType::Static: return QObject::tr("Static");
    case SegmentType::Passive: return QObject::tr("Passive");
    }
    return {};
}

// Runs a background change and reports it on the page when it is back.
template <typename T, typename Done>
void whenDone(QObject *context, BackgroundTasks &tasks, QFuture<T> future, Done done)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(tasks.track(future));
}

} // namespace

SegmentsPage::SegmentsPage(QWidget *parent)
    : Page(parent), m_table(new QTableWidget(0, 4)), m_builder(new SegmentBuilder),
      m_new(new QPushButton(tr("New segment"))), m_save(new QPushButton(tr("Save"))),
      m_refresh(new QPushButton(tr("Refresh members"))), m_delete(new QPushButton(tr("Delete"))),
      m_export(new QPushButton(tr("Export CSV…"))), m_addFromFile(new QPushButton(tr("Add from file…"))),
      m_cancelExport(new QPushButton(tr("Cancel"))), m_exportProgress(new QProgressBar), m_exportPoll(new QTimer(this)),
      m_message(new QLabel),
      m_listWatcher(new QFutureWatcher<Result<QList<Segment>>>(this))
{
    setObjectName(QStringLiteral("segmentsPage"));
    m_table->setObjectName(QStringLiteral("segmentsTable"));
    m_table->setHorizontalHeaderLabels({tr("Segment"), tr("Kind"), tr("Members"), tr("Refreshed")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_new->setObjectName(QStringLiteral("newSegment"));
    m_new->setShortcut(QKeySequence::New);
    m_new->setToolTip(tr("Start a new segment (Ctrl+N)"));
    m_save->setObjectName(QStringLiteral("saveSegment"));
    m_save->setShortcut(QKeySequence::Save);
    m_save->setToolTip(tr("Save the segment (Ctrl+S); an auto-update segment is evaluated at once"));
    m_refresh->setObjectName(QStringLiteral("refreshSegment"));
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_refresh->setToolTip(tr("Re-evaluate the rule now (F5); for a static segment, freeze its matches as the members"));
    m_delete->setObjectName(QStringLiteral("deleteSegment"));
    m_export->setObjectName(QStringLiteral("exportSegment"));
    m_export->setToolTip(tr("Write the members to a CSV file (RFC 4180, UTF-8; text cells guarded against formulas)"));
    m_addFromFile->setObjectName(QStringLiteral("addMembersFromFile"));
    m_addFromFile->setToolTip(tr("Static segments: add the customers listed in a file, one id or source id per line"));
    m_cancelExport->setObjectName(QStringLiteral("cancelExport"));
    m_cancelExport->hide();
    m_exportProgress->setObjectName(QStringLiteral("exportProgress"));
    m_exportProgress->setMaximumWidth(220);
    m_exportProgress->hide();
    m_exportPoll->setInterval(100);
    connect(m_exportPoll, &QTimer::timeout, this, [this] {
        if (m_exportRows)
            m_exportProgress->setValue(int(std::min<qint64>(m_exportRows->load(), m_exportProgress->maximum())));
    });
    m_message->setObjectName(QStringLiteral("segmentMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *listSide = new QWidget;
    auto *listLayout = new QVBoxLayout(listSide);
    listLayout->setContentsMargins(0, 0, 0, 0);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_new);
    listButtons->addWidget(m_delete);
    listButtons->addStretch();
    listLayout->addLayout(listButtons);
    listLayout->addWidget(m_table, 1);
    auto *chart = new QChart;
    chart->setTitle(tr("Members over time"));
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart = new QChartView(chart);
    m_chart->setObjectName(QStringLiteral("segmentSizeChart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(200);
    m_historyNote = new QLabel;
    m_historyNote->setObjectName(QStringLiteral("segmentHistoryNote"));
    m_historyNote->setForegroundRole(QPalette::PlaceholderText);
    m_historyNote->setWordWrap(true);
    listLayout->addWidget(m_chart);
    listLayout->addWidget(m_historyNote);

    auto *builderSide = new QWidget;
    auto *builderLayout = new QVBoxLayout(builderSide);
    builderLayout->setContentsMargins(0, 0, 0, 0);
    builderLayout->addWidget(m_builder, 1);
    auto *builderButtons = new QHBoxLayout;
    builderButtons->addWidget(m_export);
    builderButtons->addWidget(m_exportProgress);
    builderButtons->addWidget(m_cancelExport);
    builderButtons->addWidget(m_addFromFile);
    builderButtons->addStretch();
    builderButtons->addWidget(m_refresh);
    builderButtons->addWidget(m_save);
    builderLayout->addLayout(builderButtons);

    auto *splitter = new QSplitter;
    splitter->addWidget(listSide);
    splitter->addWidget(builderSide);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({380, 900});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_listWatcher, &QFutureWatcherBase::finished, this, [this] {
        const auto result = m_listWatcher->result();
        if (!result) {
            showMessage(tr("Could not load segments: %1").arg(result.error().toString()), true);
            return;
        }
        m_segments = result.value();
        showSegments();
        emit listLoaded();
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const QString id = selectedId();
        for (const Segment &s : std::as_const(m_segments))
            if (s.id == id && m_builder->segment().id != id)
                m_builder->setSegment(s);
        m_delete->setEnabled(!id.isEmpty() && !m_busy);
        m_refresh->setEnabled(!id.isEmpty() && !m_busy);
        m_export->setEnabled(!id.isEmpty() && !m_exportCancel);
        loadHistory(id);
        m_addFromFile->setEnabled(!id.isEmpty() && !m_busy && m_builder->segment().type == SegmentType::Static);
    });
    connect(m_new, &QPushButton::clicked, this, &SegmentsPage::newSegment);
    connect(m_save, &QPushButton::clicked, this, &SegmentsPage::saveSegment);
    connect(m_refresh, &QPushButton::clicked, this, &SegmentsPage::refreshSelected);
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteSelected(true); });
    connect(m_cancelExport, &QPushButton::clicked, this, &SegmentsPage::cancelExport);
    connect(m_export, &QPushButton::clicked, this, &SegmentsPage::openExportDialog);
    connect(m_addFromFile, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Add customers from a file"), QString(),
                                                          tr("Lists of ids (*.csv *.txt);;All files (*)"));
        if (!file.isEmpty())
            addMembersFromFile(file);
    });
    setWorkspace(std::nullopt);
}

SegmentsPage::~SegmentsPage()
{
    m_listWatcher->disconnect(this);
    m_tasks.waitForAll();
}

void SegmentsPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    m_workspace = workspace;
    m_segments.clear();
    m_table->setRowCount(0);
    m_message->hide();
    m_builder->setWorkspace(workspace ? workspace->path : QString());
    m_builder->setSegment(Segment());
    for (QPushButton *b : {m_new, m_save})
        b->setEnabled(workspace.has_value());
    m_refresh->setEnabled(false);
    m_delete->setEnabled(false);
    m_export->setEnabled(false);
    m_addFromFile->setEnabled(false);
    if (!workspace)
        return;
    reload();
    // Rules with time in them move with the clock: bring old auto-update segments along.
    const QString path = workspace->path;
    whenDone(this, m_tasks, Store::SegmentTasks::refreshStale(path, StaleAfterMs), [this, path](const Result<int> &refreshed) {
        if (!m_workspace || m_workspace->path != path)
            return;
        if (!refreshed) {
            showMessage(tr("Auto-update segments could not be brought up to date: %1").arg(refreshed.error().toString()), true);
            return;
        }
        if (refreshed.value() > 0) {
            showMessage(tr("%n auto-update segment(s) brought up to date.", nullptr, refreshed.value()), false);
            reload();
        }
    });
}

void SegmentsPage::reload()
{
    if (!m_workspace)
        return;
    m_listWatcher->setFuture(m_tasks.track(Store::SegmentTasks::list(m_workspace->path)));
}

void SegmentsPage::showSegments()
{
    const QSignalBlocker blocker(m_table);
    m_table->setRowCount(int(m_segments.size()));
    const QLocale locale;
    for (int row = 0; row < m_segments.size(); ++row) {
        const Segment &s = m_segments[row];
        auto *name = new QTableWidgetItem(s.name);
        name->setData(Qt::UserRole, s.id);
        name->setToolTip(s.description);
        m_table->setItem(row, 0, name);
        m_table->setItem(row, 1, new QTableWidgetItem(kindLabel(s.type)));
        auto *size = new QTableWidgetItem(locale.toString(s.size));
        size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, 2, size);
        m_table->setItem(row, 3, new QTableWidgetItem(
                                     s.refreshedAt ? locale.toString(QDateTime::fromMSecsSinceEpoch(*s.refreshedAt), QLocale::ShortFormat)
                                                   : tr("—")));
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    // Select what the builder shows, never load another segment over it: the list may
    // come back after the marketer has moved on to a new segment.
    const QString shown = m_builder->segment().id;
    m_table->clearSelection();
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (!shown.isEmpty() && m_table->item(row, 0)->data(Qt::UserRole).toString() == shown)
            m_table->selectRow(row);
    loadHistory(selectedId()); // the selection signal is blocked while the rows are rebuilt
    const bool selected = !selectedId().isEmpty();
    m_delete->setEnabled(selected && !m_busy);
    m_refresh->setEnabled(selected && !m_busy);
    m_export->setEnabled(selected && !m_exportCancel);
    m_addFromFile->setEnabled(selected && !m_busy && m_builder->segment().type == SegmentType::Static);
}

void SegmentsPage::selectSegment(const QString &id)
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, 0)->data(Qt::UserRole).toString() == id) {
            m_table->selectRow(row);
            for (const Segment &s : std::as_const(m_segments))
                if (s.id == id)
                    m_builder->setSegment(s);
            return;
        }
    }
}

QString SegmentsPage::selectedId() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_table->item(rows.first().row(), 0)->data(Qt::UserRole).toString();
}

void SegmentsPage::newSegment()
{
    m_table->clearSelection();
    m_builder->setSegment(Segment());
    m_builder->nameEdit()->setFocus();
}

void SegmentsPage::setBusy(bool busy)
{
    m_busy = busy;
    m_save->setEnabled(!busy && m_workspace);
    const bool selected = !selectedId().isEmpty();
    m_refresh->setEnabled(!busy && selected);
    m_delete->setEnabled(!busy && selected);
    m_addFromFile->setEnabled(!busy && selected && m_builder->segment().type == SegmentType::Static);
}

void SegmentsPage::saveSegment()
{
    if (!m_workspace || m_busy)
        return;
    const Segment s = m_builder->segment();
    if (s.name.isEmpty()) {
        showMessage(tr("Not saved: a segment needs a name."), true);
        m_builder->nameEdit()->setFocus();
        emit actionFinished(false);
        return;
    }
    setBusy(true);
    showMessage(s.type == SegmentType::AutoUpdate ? tr("Saving and evaluating “%1”…").arg(s.name) : tr("Saving “%1”…").arg(s.name), false);
    whenDone(this, m_tasks, Store::SegmentTasks::save(m_workspace->path, s, Actor), [this, s](const Result<Segment> &saved) {
        setBusy(false);
        // Still on screen (not replaced by New or another segment meanwhile): it is that segment now.
        if (saved && m_builder->segment().id == s.id && m_builder->segment().name == s.name)
            m_builder->adoptId(saved.value().id);
        if (!saved) {
            showMessage(tr("Not saved: %1").arg(saved.error().toString()), true);
            emit actionFinished(false);
            return;
        }
        showMessage(tr("Saved “%1”: %2 members.").arg(saved.value().name, QLocale().toString(saved.value().size)), false);
        reload();
        emit actionFinished(true);
    });
}

void SegmentsPage::refreshSelected()
{
    const QString id = selectedId();
    if (!m_workspace || m_busy || id.isEmpty())
        return;
    setBusy(true);
    showMessage(tr("Refreshing…"), false);
    whenDone(this, m_tasks, Store::SegmentTasks::refresh(m_workspace->path, id), [this, id](const Result<Store::SegmentChange> &change) {
        setBusy(false);
        if (!change) {
            showMessage(tr("Not refreshed: %1").arg(change.error().toString()), true);
            emit actionFinished(false);
            return;
        }
        const QLocale locale;
        showMessage(tr("Refreshed: %1 members (%2 entered, %3 left).")
                        .arg(locale.toString(change.value().size), locale.toString(change.value().entered),
                             locale.toString(change.value().left)),
                    false);
        reload();
        emit actionFinished(true);
    });
}

void SegmentsPage::deleteSelected(bool confirm)
{
    const QString id = selectedId();
    if (!m_workspace || m_busy || id.isEmpty())
        return;
    if (confirm) {
        const auto answer = QMessageBox::question(this, tr("Delete segment"),
                                                  tr("Delete “%1” and its membership history? Campaign rules that use "
                                                     "it will no longer match anyone.")
                                                      .arg(m_builder->segment().name));
        if (answer != QMessageBox::Yes)
            return;
    }
    setBusy(true);
    whenDone(this, m_tasks, Store::SegmentTasks::remove(m_workspace->path, id, Actor), [this](const Status &removed) {
        setBusy(false);
        if (!removed) {
            showMessage(tr("Not deleted: %1").arg(removed.error().toString()), true);
            emit actionFinished(false);
            return;
        }
        showMessage(tr("Deleted."), false);
        m_builder->setSegment(Segment());
        reload();
        emit actionFinished(true);
    });
}

void SegmentsPage::exportSelected(const QString &file, const Store::CsvExportOptions &options)
{
    const QString id = selectedId();
    if (!m_workspace || id.isEmpty() || m_exportCancel)
        return;
    qint64 expected = 0;
    for (const Segment &s : std::as_const(m_segments))
        if (s.id == id)
            expected = s.size;
    m_exportCancel = std::make_shared<std::atomic_bool>(false);
    m_exportRows = std::make_shared<std::atomic<qint64>>(0);
    m_exportProgress->setRange(0, int(std::clamp<qint64>(expected, 1, INT_MAX)));
    m_exportProgress->setValue(0);
    m_exportProgress->show();
    m_cancelExport->show();
    m_export->setEnabled(false);
    m_exportPoll->start();
    showMessage(tr("Exporting to %1…").arg(file), false);
    whenDone(this, m_tasks, Store::SegmentTasks::exportMembers(m_workspace->path, id, file, options, m_exportCancel, m_exportRows),
             [this, file](const Result<qint64> &written) {
                 const bool cancelled = m_exportCancel && m_exportCancel->load();
                 m_exportCancel.reset();
                 m_exportPoll->stop();
                 m_exportProgress->hide();
                 m_cancelExport->hide();
                 m_export->setEnabled(!selectedId().isEmpty());
                 if (!written) {
                     showMessage(cancelled ? tr("Export cancelled; no file was written.")
                                           : tr("Not exported: %1").arg(written.error().toString()),
                                 !cancelled);
                     emit actionFinished(false);
                     return;
                 }
                 showMessage(tr("Exported %1 members to %2.").arg(QLocale().toString(written.value()), file), false);
                 emit actionFinished(true);
             });
}

void SegmentsPage::loadHistory(const QString &id)
{
    const quint64 request = ++m_historyRequest;
    QChart *chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes())
        chart->removeAxis(axis);
    m_history.clear();
    if (!m_workspace || id.isEmpty()) {
        m_historyNote->setText(tr("Select a segment to see its size over time."));
        return;
    }
    m_historyNote->setText(tr("Loading…"));
    whenDone(this, m_tasks, Store::SegmentTasks::sizeHistory(m_workspace->path, id),
             [this, request](const Result<QList<Store::SegmentSizePoint>> &points) {
                 if (request != m_historyRequest)
                     return; // another segment was selected since
                 if (!points) {
                     m_historyNote->setText(tr("No history: %1").arg(points.error().toString()));
                     return;
                 }
                 m_history = points.value();
                 QChart *chart = m_chart->chart();
                 auto *series = new QLineSeries;
                 qint64 top = 1;
                 for (const Store::SegmentSizePoint &p : m_history) {
                     series->append(double(p.at), double(p.size));
                     top = std::max(top, p.size);
                 }
                 // One point draws nothing: extend it to now so a flat line shows.
                 if (m_history.size() == 1)
                     series->append(double(QDateTime::currentMSecsSinceEpoch()), double(m_history.first().size));
                 chart->addSeries(series);
                 auto *x = new QDateTimeAxis;
                 x->setFormat(QStringLiteral("dd MMM HH:mm"));
                 x->setTickCount(3);
                 auto *y = new QValueAxis;
                 y->setRange(0, double(top) * 1.1);
                 y->setLabelFormat(QStringLiteral("%.0f"));
                 chart->addAxis(x, Qt::AlignBottom);
                 chart->addAxis(y, Qt::AlignLeft);
                 series->attachAxis(x);
                 series->attachAxis(y);
                 qint64 entered = 0;
                 qint64 left = 0;
                 for (const Store::SegmentSizePoint &p : m_history) {
                     entered += p.entered;
                     left += p.left;
                 }
                 const QLocale locale;
                 m_historyNote->setText(m_history.isEmpty()
                                            ? tr("Not evaluated yet.")
                                            : tr("%1 changes recorded: %2 entered, %3 left in all.")
                                                  .arg(locale.toString(m_history.size()), locale.toString(entered),
                                                       locale.toString(left)));
                 emit historyLoaded();
             });
}

void SegmentsPage::cancelExport()
{
    if (m_exportCancel)
        m_exportCancel->store(true);
}

void SegmentsPage::addMembersFromFile(const QString &file)
{
    const QString id = selectedId();
    if (!m_workspace || m_busy || id.isEmpty())
        return;
    setBusy(true);
    whenDone(this, m_tasks, Store::SegmentTasks::addMembersFromFile(m_workspace->path, id, file),
             [this, id](const Result<Store::SegmentChange> &change) {
                 setBusy(false);
                 if (!change) {
                     showMessage(tr("Nobody added: %1").arg(change.error().toString()), true);
                     emit actionFinished(false);
                     return;
                 }
                 const QLocale locale;
                 showMessage(tr("Added %1 customers; %2 members now.")
                                 .arg(locale.toString(change.value().entered), locale.toString(change.value().size)),
                             false);
                 reload();
                 emit actionFinished(true);
             });
}

void SegmentsPage::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e; font-weight: bold;") : QString());
    m_message->setVisible(!text.isEmpty());
}

QString SegmentsPage::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

ExportDialog *SegmentsPage::openExportDialog()
{
    const QString id = selectedId();
    if (!m_workspace || id.isEmpty())
        return nullptr;
    const auto segment = std::find_if(m_segments.cbegin(), m_segments.cend(), [&id](const Segment &s) { return s.id == id; });
    if (segment == m_segments.cend())
        return nullptr;
    const qint64 now = Store::nowMs();
    auto columns = Store::segmentMemberList(*segment, now); // the columns this kind of segment has
    if (!columns) {
        showMessage(tr("Not exported: %1").arg(columns.error().toString()), true);
        return nullptr;
    }
    auto makeList = [id, now](Store::Connection &connection) { return Store::segmentMemberList(connection, id, now); };
    auto *dialog = new ExportDialog(m_workspace->path, columns.value(), makeList,
                                    segment->type == Store::SegmentType::Passive ? -1 : segment->size,
                                    segment->name + QStringLiteral(".csv"), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exported, this, [this](const QString &file, qint64 rows) {
        showMessage(tr("Exported %1 members to %2.").arg(QLocale().toString(rows), file), false);
    });
    dialog->show();
    return dialog;
}

} // namespace PromoDesk::Ui
