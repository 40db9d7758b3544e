#include "experimentspage.h"

#include "dialogs/experimentdialog.h"
#include "rules/syntax.h"
#include "store/connection.h"
#include "store/experimentstore.h"
#include "store/workspace.h"
#include "widgets/emptystate.h"
#include "widgets/experimentformat.h"
#include "widgets/experimentresultspanel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace PromoDesk::Ui {

using Experiments::Experiment;
using Experiments::ExperimentStatus;
namespace Format = ExperimentFormat;

namespace {

// Who the audit log names for changes made from the window.
const QString Actor = QStringLiteral("promodesk");
constexpr int IdRole = Qt::UserRole + 1;

QPushButton *button(const QString &objectName, const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(objectName);
    b->setToolTip(toolTip);
    return b;
}

QColor statusColour(ExperimentStatus status)
{
    switch (status) {
    case ExperimentStatus::Running: return QColor(0x1b, 0x7f, 0x3b);
    case ExperimentStatus::Stopped: return QColor(0x9a, 0x5b, 0x00);
    case ExperimentStatus::Concluded: return QColor(0x1e, 0x3a, 0x5f);
    case ExperimentStatus::Draft: break;
    }
    return QColor(0x5f, 0x63, 0x68);
}

} // namespace

ExperimentsPage::ExperimentsPage(QWidget *parent)
    : Page(parent),
      m_new(button(QStringLiteral("newExperiment"), tr("&New…"), tr("Set up a new experiment (Insert)"), this)),
      m_edit(button(QStringLiteral("editExperiment"), tr("&Edit…"), tr("Open the selected experiment (Enter)"), this)),
      m_duplicate(button(QStringLiteral("duplicateExperiment"), tr("D&uplicate…"),
                         tr("A new draft with the selected experiment's setup"), this)),
      m_delete(button(QStringLiteral("deleteExperiment"), tr("Delete"), tr("Delete the selected draft (Del)"), this)),
      m_start(button(QStringLiteral("startExperiment"), tr("&Start"), tr("Start assigning customers to the variants"), this)),
      m_stop(button(QStringLiteral("stopExperiment"), tr("S&top"),
                    tr("Stop assigning customers and pause its campaigns; it can start again"), this)),
      m_summary(new QLabel(this)), m_busy(new QProgressBar(this)), m_message(new QLabel(this)),
      m_table(new QTableWidget(0, Columns, this)), m_results(new ExperimentResultsPanel(this)),
      m_split(new QSplitter(Qt::Vertical, this)), m_noWorkspace(new EmptyState(this)), m_noExperiments(new EmptyState(this)),
      m_stack(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("experimentsPage"));
    auto *title = new QLabel(tr("Experiments"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    title->setFont(titleFont);

    // Ctrl+N is File ▸ New Workspace in the main window: Insert makes an experiment.
    auto *newKey = new QAction(this);
    newKey->setShortcut(QKeySequence(Qt::Key_Insert));
    newKey->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(newKey, &QAction::triggered, this, [this] { newExperiment(); });
    addAction(newKey);

    connect(m_new, &QPushButton::clicked, this, [this] { newExperiment(); });
    connect(m_edit, &QPushButton::clicked, this, [this] { editExperiment(selectedId()); });
    connect(m_duplicate, &QPushButton::clicked, this, [this] { duplicateExperiment(selectedId()); });
    connect(m_delete, &QPushButton::clicked, this, [this] { removeSelected(true); });
    connect(m_start, &QPushButton::clicked, this, [this] { startSelected(true); });
    connect(m_stop, &QPushButton::clicked, this, [this] { stopSelected(true); });

    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_summary->setObjectName(QStringLiteral("experimentsSummary"));
    m_message->setObjectName(QStringLiteral("experimentsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);

    auto *actions = new QHBoxLayout;
    for (QPushButton *b : {m_new, m_edit, m_duplicate, m_delete})
        actions->addWidget(b);
    actions->addSpacing(16);
    actions->addWidget(m_start);
    actions->addWidget(m_stop);
    actions->addSpacing(16);
    actions->addWidget(m_summary, 1);
    actions->addWidget(m_busy);

    m_table->setObjectName(QStringLiteral("experimentsTable"));
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Status"), tr("Variants"), tr("Audience"), tr("Start (UTC)"), tr("End (UTC)"),
                                        tr("Primary metric"), tr("Winner")});
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QList<int> widths{240, 80, 260, 200, 125, 125, 170, 120};
    for (int c = 0; c < widths.size(); ++c)
        m_table->setColumnWidth(c, widths[c]);
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 3 + 30);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ExperimentsPage::showSelected);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        editExperiment(index.siblingAtColumn(NameColumn).data(IdRole).toString());
    });
    auto *deleteKey = new QAction(m_table);
    deleteKey->setShortcut(QKeySequence::Delete);
    deleteKey->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteKey, &QAction::triggered, this, [this] { removeSelected(true); });
    m_table->addAction(deleteKey);

    connect(m_results, &ExperimentResultsPanel::declared, this, [this](const Experiment &e) {
        m_reselect = e.id;
        reload();
        emit campaignsChanged();
        emit winnerDeclared(e);
    });

    auto *resultsScroll = new QScrollArea(this);
    resultsScroll->setObjectName(QStringLiteral("resultsScroll"));
    resultsScroll->setWidgetResizable(true);
    resultsScroll->setFrameShape(QFrame::NoFrame);
    auto *resultsHost = new QWidget(resultsScroll);
    auto *resultsLayout = new QVBoxLayout(resultsHost);
    resultsLayout->setContentsMargins(0, 8, 8, 8);
    resultsLayout->addWidget(m_results);
    resultsScroll->setWidget(resultsHost);
    m_split->setObjectName(QStringLiteral("experimentsSplit"));
    m_split->setChildrenCollapsible(false);
    m_split->addWidget(m_table);
    m_split->addWidget(resultsScroll);
    m_split->setStretchFactor(0, 1);
    m_split->setStretchFactor(1, 4);
    m_split->setSizes({170, 600});

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_split, 1);

    m_noWorkspace->setHeading(tr("No workspace is open"));
    m_noWorkspace->setText(tr("Open a workspace to set up A/B tests of its campaigns."));
    m_noExperiments->setHeading(tr("No experiments yet"));
    m_noExperiments->setText(tr("An experiment shows which incentive really pays: split an audience between campaigns — say "
                                "$5 off, 10% off and no promotion at all — and compare what each group orders, with sound "
                                "statistics. Run it in a sandbox first if you like; it works the same there."));
    auto *create = new QPushButton(tr("New Experiment…"), m_noExperiments);
    create->setObjectName(QStringLiteral("emptyNewExperiment"));
    connect(create, &QPushButton::clicked, this, [this] { newExperiment(); });
    m_noExperiments->addWidget(create);
    m_stack->addWidget(m_noWorkspace);
    m_stack->addWidget(m_noExperiments);
    m_stack->addWidget(content);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(actions);
    layout->addWidget(m_message);
    layout->addWidget(m_stack, 1);
    setWorkspace(std::nullopt);
}

ExperimentsPage::~ExperimentsPage()
{
    delete m_dialog.data();
    m_tasks.waitForAll();
}

void ExperimentsPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    const bool samePath = workspace && m_workspace && workspace->path == m_workspace->path;
    m_workspace = workspace;
    if (!samePath) {
        m_experiments.clear();
        m_segments.clear();
        m_loaded = false;
        m_reselect.clear();
        m_message->setVisible(false);
        if (m_dialog)
            m_dialog->reject();
        showList();
    } else {
        m_reselect = selectedId(); // F5: the same experiment, read again
    }
    m_results->setWorkspace(workspace ? workspace->path : QString(), workspace ? workspace->currency : QString(),
                            workspace && workspace->kind == Store::WorkspaceKind::Sandbox);
    m_fresh = !isVisible();
    reload();
}

void ExperimentsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    fitColumns();
    // Campaigns or experiments may have changed elsewhere (the CLI, a sandbox run) meanwhile.
    if (m_workspace && !std::exchange(m_fresh, false)) {
        m_reselect = selectedId();
        reload();
    }
}

void ExperimentsPage::reload()
{
    updateStack();
    if (!m_workspace)
        return;
    struct Loaded
    {
        QList<Experiment> experiments;
        QList<Store::Segment> segments;
    };
    const quint64 generation = ++m_generation;
    m_busy->setVisible(true);
    if (!m_loaded)
        m_summary->setText(tr("Loading experiments…"));
    runInBackground(
        this, m_tasks,
        [path = m_workspace->path]() -> Result<Loaded> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            auto experiments = Store::ExperimentStore(*connection.value()).list();
            if (!experiments)
                return experiments.error();
            auto segments = Store::SegmentStore(*connection.value()).list();
            if (!segments)
                return segments.error();
            return Loaded{experiments.value(), segments.value()};
        },
        [this, generation](const Result<Loaded> &result) {
            if (generation != m_generation)
                return;
            m_busy->setVisible(m_actionRunning);
            m_loaded = true;
            if (!result) {
                showMessage(tr("Cannot read the experiments: %1").arg(result.error().toString()), true);
            } else {
                m_experiments = result.value().experiments;
                m_segments = result.value().segments;
            }
            showList();
            emit listLoaded();
        });
}

QString ExperimentsPage::audienceText(const Experiment &e) const
{
    QStringList parts;
    if (!e.segmentId.isEmpty()) {
        QString name = e.segmentId;
        for (const Store::Segment &s : m_segments)
            if (s.id == e.segmentId)
                name = s.name;
        parts << name;
    }
    if (e.rule)
        parts << Rules::print(*e.rule);
    QString text = parts.isEmpty() ? tr("Every customer") : parts.join(tr(" and "));
    if (e.coverage < 1)
        text += tr(" (%1)").arg(Format::percent(e.coverage, 0));
    return text;
}

void ExperimentsPage::showList()
{
    const QString keep = m_reselect.isEmpty() ? selectedId() : m_reselect;
    m_reselect.clear();
    {
        const QSignalBlocker blocker(m_table);
        m_table->clearSelection();
        m_table->setRowCount(int(m_experiments.size()));
        for (int row = 0; row < m_experiments.size(); ++row) {
            const Experiment &e = m_experiments[row];
            QStringList variants;
            for (int i = 0; i < e.variants.size(); ++i)
                variants << (e.variants[i].name.isEmpty() ? e.variants[i].key : e.variants[i].name);
            const int winner = e.indexOf(e.winner);
            const QStringList texts{e.name,
                                    Format::statusLabel(e.status),
                                    variants.join(tr(" vs ")),
                                    audienceText(e),
                                    e.startAt ? Format::utc(*e.startAt).left(10) : tr("on Start"),
                                    e.endAt ? Format::utc(*e.endAt).left(10) : tr("when stopped"),
                                    Experiments::metricLabel(e.primaryMetric),
                                    winner >= 0 ? Format::variantLabel(e, winner) : QString()};
            for (int c = 0; c < Columns; ++c) {
                auto *item = new QTableWidgetItem(texts[c]);
                item->setToolTip(texts[c]);
                m_table->setItem(row, c, item);
            }
            m_table->item(row, NameColumn)->setData(IdRole, e.id);
            if (e.startAt)
                m_table->item(row, StartColumn)->setToolTip(Format::utc(*e.startAt));
            if (e.endAt)
                m_table->item(row, EndColumn)->setToolTip(Format::utc(*e.endAt));
            if (!e.hypothesis.isEmpty())
                m_table->item(row, NameColumn)->setToolTip(QStringLiteral("%1\n%2").arg(e.name, e.hypothesis));
            m_table->item(row, StatusColumn)->setForeground(statusColour(e.status));
            QFont bold = m_table->item(row, StatusColumn)->font();
            bold.setBold(e.status == ExperimentStatus::Running);
            m_table->item(row, StatusColumn)->setFont(bold);
            if (winner >= 0 && !e.decisionNote.isEmpty())
                m_table->item(row, WinnerColumn)->setToolTip(e.decisionNote);
        }
    }
    const QLocale locale = QLocale::system();
    qsizetype running = 0;
    for (const Experiment &e : std::as_const(m_experiments))
        running += e.status == ExperimentStatus::Running ? 1 : 0;
    if (!m_workspace)
        m_summary->clear();
    else if (!m_loaded)
        m_summary->setText(tr("Loading experiments…"));
    else
        m_summary->setText((m_experiments.size() == 1 ? tr("1 experiment") : tr("%1 experiments").arg(locale.toString(m_experiments.size())))
                           + (running > 0 ? tr(", %1 running").arg(locale.toString(running)) : QString()));
    updateStack();
    fitColumns();
    // The selection stays (or the newest experiment is selected), and its results follow.
    int row = -1;
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, NameColumn)->data(IdRole).toString() == keep)
            row = r;
    if (row < 0 && m_table->rowCount() > 0)
        row = 0;
    if (row >= 0)
        m_table->selectRow(row); // emits itemSelectionChanged: the results load
    else
        showSelected();
}

void ExperimentsPage::fitColumns()
{
    // Every column fits without scrolling sideways: the wordy ones give way, their full
    // text in the tooltip. Only on screen, where the table has its real width.
    if (m_table->rowCount() == 0 || !m_table->isVisible())
        return;
    m_table->resizeColumnsToContents();
    int total = 0;
    for (int c = 0; c < Columns; ++c) {
        m_table->setColumnWidth(c, m_table->columnWidth(c) + 12);
        total += m_table->columnWidth(c);
    }
    const int room = m_table->viewport()->width();
    for (int c : {VariantsColumn, AudienceColumn, NameColumn}) {
        if (total <= room)
            break;
        const int width = m_table->columnWidth(c);
        const int narrower = std::max(160, width - (total - room));
        m_table->setColumnWidth(c, narrower);
        total -= width - narrower;
    }
}

void ExperimentsPage::updateStack()
{
    if (!m_workspace)
        m_stack->setCurrentWidget(m_noWorkspace);
    else if (m_loaded && m_experiments.isEmpty())
        m_stack->setCurrentWidget(m_noExperiments);
    else
        m_stack->setCurrentIndex(2);
    updateActions();
}

std::optional<Experiment> ExperimentsPage::selectedExperiment() const
{
    const QString id = selectedId();
    for (const Experiment &e : m_experiments)
        if (e.id == id && !id.isEmpty())
            return e;
    return std::nullopt;
}

QString ExperimentsPage::selectedId() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    for (QTableWidgetItem *item : items)
        if (item->column() == NameColumn)
            return item->data(IdRole).toString();
    return {};
}

void ExperimentsPage::selectExperiment(const QString &id)
{
    for (int r = 0; r < m_table->rowCount(); ++r) {
        if (m_table->item(r, NameColumn)->data(IdRole).toString() == id) {
            m_table->selectRow(r);
            return;
        }
    }
}

void ExperimentsPage::showSelected()
{
    m_results->setExperiment(selectedExperiment());
    updateActions();
}

void ExperimentsPage::updateActions()
{
    const std::optional<Experiment> e = selectedExperiment();
    const bool open = m_workspace.has_value();
    const bool idle = open && !m_actionRunning;
    m_new->setEnabled(open);
    m_edit->setEnabled(open && e.has_value());
    m_duplicate->setEnabled(open && e.has_value());
    m_delete->setEnabled(idle && e && e->status == ExperimentStatus::Draft);
    m_delete->setToolTip(e && e->status != ExperimentStatus::Draft ? tr("Only drafts can be deleted: a started experiment keeps its record")
                                                          : tr("Delete the selected draft (Del)"));
    m_start->setEnabled(idle && e && (e->status == ExperimentStatus::Draft || e->status == ExperimentStatus::Stopped));
    m_start->setText(e && e->status == ExperimentStatus::Stopped ? tr("Re&start") : tr("&Start"));
    m_stop->setEnabled(idle && e && e->status == ExperimentStatus::Running);
}

QString ExperimentsPage::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void ExperimentsPage::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QStringLiteral("color: #1b5e20;"));
    m_message->setVisible(!text.isEmpty());
}

// --- the editor ----------------------------------------------------------------------------

ExperimentDialog *ExperimentsPage::openEditor(const Experiment &experiment)
{
    if (!m_workspace)
        return nullptr;
    if (m_dialog)
        m_dialog->reject();
    auto *dialog = new ExperimentDialog(m_workspace->path, m_workspace->currency, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!experiment.variants.isEmpty())
        dialog->setExperiment(experiment);
    connect(dialog, &ExperimentDialog::saved, this, [this](const Experiment &saved) {
        showMessage(tr("Saved “%1”.").arg(saved.name), false);
        m_reselect = saved.id;
        reload();
    });
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

ExperimentDialog *ExperimentsPage::openDialog() const
{
    return m_dialog.data();
}

ExperimentDialog *ExperimentsPage::newExperiment()
{
    return openEditor(Experiment{});
}

ExperimentDialog *ExperimentsPage::editExperiment(const QString &id)
{
    for (const Experiment &e : std::as_const(m_experiments))
        if (e.id == id && !id.isEmpty())
            return openEditor(e);
    return nullptr;
}

ExperimentDialog *ExperimentsPage::duplicateExperiment(const QString &id)
{
    for (const Experiment &e : std::as_const(m_experiments)) {
        if (e.id != id || id.isEmpty())
            continue;
        // Same setup, a new draft: its own id (and so its own hash seed), nothing decided.
        Experiment copy = e;
        copy.id.clear();
        copy.seed.clear();
        copy.status = ExperimentStatus::Draft;
        copy.name = tr("%1 (copy)").arg(e.name);
        copy.startAt.reset();
        if (copy.endAt && *copy.endAt <= Store::nowMs())
            copy.endAt.reset();
        copy.winner.clear();
        copy.decisionNote.clear();
        copy.decidedAt.reset();
        copy.createdAt = copy.updatedAt = 0;
        return openEditor(copy);
    }
    return nullptr;
}

// --- lifecycle -------------------------------------------------------------------------------

void ExperimentsPage::startSelected(bool confirm)
{
    const std::optional<Experiment> e = selectedExperiment();
    if (!e || !m_start->isEnabled())
        return;
    if (confirm) {
        QString question;
        if (e->status == ExperimentStatus::Draft) {
            question = tr("Start “%1”?\n\nFrom now on the customers of its audience are split between its variants as they come, "
                          "and each gets only their own variant's incentive. Its variants' campaigns that are drafts or paused "
                          "are activated. Its audience, variants and weights can no longer change.")
                           .arg(e->name);
            if (e->startAt && *e->startAt > Store::nowMs())
                question += tr("\n\nIt is planned to start at %1.").arg(Format::utc(*e->startAt));
        } else {
            question = tr("Start “%1” again? Customers are assigned to its variants again, as before, and its variants' "
                          "campaigns are activated again.")
                           .arg(e->name);
        }
        if (QMessageBox::question(this, tr("Start Experiment"), question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Yes)
            return;
    }
    runLifecycle(true);
}

void ExperimentsPage::stopSelected(bool confirm)
{
    const std::optional<Experiment> e = selectedExperiment();
    if (!e || !m_stop->isEnabled())
        return;
    if (confirm
        && QMessageBox::question(this, tr("Stop Experiment"),
                                 tr("Stop “%1”?\n\nNobody is assigned to its variants any more, and its variants' campaigns are "
                                    "paused until you start it again or declare a winner. Its results stay.")
                                     .arg(e->name),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               != QMessageBox::Yes)
        return;
    runLifecycle(false);
}

void ExperimentsPage::runLifecycle(bool start)
{
    const QString id = selectedId();
    if (!m_workspace || id.isEmpty() || m_actionRunning)
        return;
    m_actionRunning = true;
    m_busy->setVisible(true);
    m_message->setVisible(false);
    updateActions();
    runInBackground(
        this, m_tasks,
        [path = m_workspace->path, id, start]() -> Result<Experiment> {
            auto connection = Store::Workspace::openForWriting(path);
            if (!connection)
                return connection.error();
            Store::ExperimentStore store(*connection.value());
            return start ? store.start(id, Store::nowMs(), Actor) : store.stop(id, Store::nowMs(), Actor);
        },
        [this, id, start](const Result<Experiment> &result) {
            m_actionRunning = false;
            if (!result) {
                showMessage((start ? tr("Not started: %1") : tr("Not stopped: %1")).arg(result.error().toString()), true);
            } else {
                showMessage(start ? tr("“%1” is running.").arg(result.value().name)
                                  : tr("“%1” is stopped; its variants' campaigns are paused.").arg(result.value().name),
                            false);
                emit campaignsChanged();
            }
            m_reselect = id;
            reload();
            emit actionFinished(result.ok());
        });
}

void ExperimentsPage::removeSelected(bool confirm)
{
    const std::optional<Experiment> e = selectedExperiment();
    if (!e || !m_workspace || !m_delete->isEnabled())
        return;
    if (confirm
        && QMessageBox::question(this, tr("Delete Experiment"), tr("Delete the draft “%1”? This cannot be undone.").arg(e->name),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               != QMessageBox::Yes)
        return;
    m_actionRunning = true;
    m_busy->setVisible(true);
    updateActions();
    runInBackground(
        this, m_tasks,
        [path = m_workspace->path, id = e->id]() -> Status {
            auto connection = Store::Workspace::openForWriting(path);
            if (!connection)
                return connection.error();
            return Store::ExperimentStore(*connection.value()).remove(id, Actor);
        },
        [this, name = e->name](const Status &status) {
            m_actionRunning = false;
            showMessage(status ? tr("Deleted “%1”.").arg(name) : tr("Not deleted: %1").arg(status.error().toString()), !status);
            reload();
            emit actionFinished(status.ok());
        });
}

} // namespace PromoDesk::Ui
