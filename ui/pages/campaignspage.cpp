#include "campaignspage.h"

#include "dialogs/campaignhistorydialog.h"
#include "dialogs/exportdialog.h"
#include "editors/campaigndocument.h"
#include "editors/campaigneditor.h"
#include "engine/campaigndrafts.h"
#include "items/campaignfiltermodel.h"
#include "items/campaignlistmodel.h"
#include "store/campaignsummaries.h"
#include "store/listexport.h"
#include "widgets/emptystate.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedLayout>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace PromoDesk::Ui {

using Engine::CampaignStatus;
using Engine::CampaignType;
using Items::CampaignFilterModel;
using Items::CampaignListModel;

namespace {

// Who the audit log names for changes made from the window.
const QString Actor = QStringLiteral("promodesk");

QPushButton *button(const QString &objectName, const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(objectName);
    b->setToolTip(toolTip);
    return b;
}

} // namespace

CampaignsPage::CampaignsPage(QWidget *parent)
    : Page(parent), m_model(new CampaignListModel(this)), m_filter(new CampaignFilterModel(this)),
      m_new(button(QStringLiteral("newCampaign"), tr("New"), tr("Create a campaign (Ctrl+N)"), this)),
      m_duplicate(button(QStringLiteral("duplicateCampaign"), tr("Duplicate"),
                         tr("Copy the selected campaign as a draft"), this)),
      m_activate(button(QStringLiteral("activateCampaign"), tr("Activate"),
                        tr("Start the selected campaigns (checked first)"), this)),
      m_pause(button(QStringLiteral("pauseCampaign"), tr("Pause"), tr("Pause the selected campaigns"), this)),
      m_archive(button(QStringLiteral("archiveCampaign"), tr("Archive"), tr("Archive the selected campaigns (Del)"), this)),
      m_export(button(QStringLiteral("exportCampaigns"), tr("Export JSON…"),
                      tr("Write one JSON file per selected campaign into a folder"), this)),
      m_import(button(QStringLiteral("importCampaigns"), tr("Import JSON…"),
                      tr("Add or update campaigns from JSON files, all or none"), this)),
      m_search(new QLineEdit(this)), m_statusFilter(new QComboBox(this)), m_typeFilter(new QComboBox(this)),
      m_summary(new QLabel(this)), m_busy(new QProgressBar(this)), m_message(new QLabel(this)),
      m_table(new QTableView(this)), m_noWorkspace(new EmptyState(this)), m_noCampaigns(new EmptyState(this)),
      m_content(new QWidget(this))
{
    setObjectName(QStringLiteral("campaignsPage"));
    m_filter->setSourceModel(m_model);

    auto *newMenu = new QMenu(m_new);
    for (CampaignType t : {CampaignType::DiscountCoupons, CampaignType::Promotion, CampaignType::GiftVouchers,
                           CampaignType::Referral}) {
        QAction *create = newMenu->addAction(CampaignListModel::typeLabel(t), this, [this, t] { newCampaign(t); });
        create->setObjectName(QStringLiteral("new_%1").arg(campaignTypeKey(t)));
        if (t == CampaignType::DiscountCoupons)
            create->setShortcut(QKeySequence::New);
    }
    addActions(newMenu->actions());
    m_new->setMenu(newMenu);
    m_edit = button(QStringLiteral("editCampaign"), tr("Edit…"), tr("Open the selected campaign in the editor (Enter)"), this);
    connect(m_edit, &QPushButton::clicked, this, [this] {
        const QStringList ids = selectedIds();
        if (ids.size() == 1)
            editCampaign(ids.first());
    });

    m_drafts = new QLabel(this);
    m_drafts->setObjectName(QStringLiteral("draftsBanner"));
    m_drafts->setWordWrap(true);
    m_drafts->setVisible(false);
    connect(m_drafts, &QLabel::linkActivated, this, [this] { openDrafts(); });

    auto *actions = new QHBoxLayout;
    for (QPushButton *b : {m_new, m_edit, m_duplicate, m_activate, m_pause, m_archive})
        actions->addWidget(b);
    actions->addSpacing(16);
    actions->addWidget(m_export);
    actions->addWidget(m_import);
    m_history = button(QStringLiteral("campaignHistoryButton"), tr("History…"),
                       tr("Who changed the selected campaign, when, and what"), this);
    actions->addWidget(m_history);
    // CSV for analysts: the summary of every campaign, the codes of the selected one.
    auto *csv = button(QStringLiteral("campaignsCsv"), tr("CSV"), tr("Export the campaign summary or codes to CSV"), this);
    auto *csvMenu = new QMenu(csv);
    QAction *summaryCsv = csvMenu->addAction(tr("Campaign summary…"), this, [this] {
        if (m_workspace)
            openCsvExport(Store::Lists::campaigns(), QStringLiteral("campaigns.csv"));
    });
    summaryCsv->setObjectName(QStringLiteral("exportCampaignSummary"));
    QAction *codesCsv = csvMenu->addAction(tr("Codes of the selected campaign…"), this, [this] {
        const QStringList ids = selectedIds();
        if (m_workspace && ids.size() == 1)
            openCsvExport(Store::Lists::codes(ids.first()), ids.first() + QStringLiteral("-codes.csv"));
    });
    codesCsv->setObjectName(QStringLiteral("exportCampaignCodes"));
    connect(csvMenu, &QMenu::aboutToShow, this, [this, codesCsv] { codesCsv->setEnabled(selectedIds().size() == 1); });
    csv->setMenu(csvMenu);
    actions->addWidget(csv);
    actions->addStretch(1);
    actions->addWidget(m_busy);

    setUpSearch(m_search, QStringLiteral("campaignSearch"), tr("Search by name…"), 260);
    // Few rows, all in memory: filter as you type.
    connect(m_search, &QLineEdit::textChanged, m_filter, &CampaignFilterModel::setSearch);

    m_statusFilter->setObjectName(QStringLiteral("campaignStatusFilter"));
    m_statusFilter->addItem(tr("All statuses"), -1);
    for (CampaignStatus s : {CampaignStatus::Draft, CampaignStatus::Active, CampaignStatus::Paused, CampaignStatus::Ended,
                             CampaignStatus::Archived})
        m_statusFilter->addItem(CampaignListModel::statusLabel(s), int(s));
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int value = m_statusFilter->currentData().toInt();
        m_filter->setStatusFilter(value < 0 ? std::nullopt : std::optional<CampaignStatus>(CampaignStatus(value)));
    });
    m_typeFilter->setObjectName(QStringLiteral("campaignTypeFilter"));
    m_typeFilter->addItem(tr("All types"), -1);
    for (CampaignType t : {CampaignType::DiscountCoupons, CampaignType::Promotion, CampaignType::GiftVouchers,
                           CampaignType::Referral})
        m_typeFilter->addItem(CampaignListModel::typeLabel(t), int(t));
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int value = m_typeFilter->currentData().toInt();
        m_filter->setTypeFilter(value < 0 ? std::nullopt : std::optional<CampaignType>(CampaignType(value)));
    });

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 2);
    filters->addWidget(m_statusFilter);
    filters->addWidget(m_typeFilter);
    filters->addSpacing(12);
    filters->addWidget(m_summary, 1);

    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_message->setObjectName(QStringLiteral("campaignMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);

    m_table->setObjectName(QStringLiteral("campaignsTable"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CampaignListModel::Name, Qt::AscendingOrder);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QList<int> widths{240, 90, 80, 280, 100, 120, 200, 90};
    for (int c = 0; c < widths.size(); ++c)
        m_table->setColumnWidth(c, widths[c]);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CampaignsPage::updateActions);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        const QString id = index.siblingAtColumn(CampaignListModel::Name).data(CampaignListModel::CampaignIdRole).toString();
        if (!id.isEmpty())
            editCampaign(id);
    });

    // Del archives the selection (after asking) when the table has the focus.
    auto *archiveKey = new QAction(m_table);
    archiveKey->setShortcut(QKeySequence::Delete);
    archiveKey->setShortcutContext(Qt::WidgetShortcut);
    connect(archiveKey, &QAction::triggered, this, [this] { archiveSelected(true); });
    m_table->addAction(archiveKey);

    connect(m_duplicate, &QPushButton::clicked, this, &CampaignsPage::duplicateSelected);
    connect(m_activate, &QPushButton::clicked, this, [this] { changeStatus(CampaignStatus::Active); });
    connect(m_pause, &QPushButton::clicked, this, [this] { changeStatus(CampaignStatus::Paused); });
    connect(m_archive, &QPushButton::clicked, this, [this] { archiveSelected(true); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export campaigns to folder"));
        if (!folder.isEmpty())
            exportSelected(folder);
    });
    auto pickImportFiles = [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Import campaigns"), QString(),
                                                                tr("Campaign files (*.json);;All files (*)"));
        if (!files.isEmpty())
            importFiles(files);
    };
    connect(m_import, &QPushButton::clicked, this, pickImportFiles);
    connect(m_history, &QPushButton::clicked, this, [this] {
        const QStringList ids = selectedIds();
        if (!m_workspace || ids.size() != 1)
            return;
        auto *dialog = new CampaignHistoryDialog(m_workspace->path, ids.first(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });

    connect(m_model, &CampaignListModel::loadingChanged, this, [this](bool loading) {
        m_busy->setVisible(loading || m_actionRunning);
    });
    connect(m_model, &CampaignListModel::errorOccurred, this,
            [this](const QString &message) { showMessage(tr("Could not load campaigns: %1").arg(message), true); });
    connect(m_model, &CampaignListModel::loaded, this, [this] {
        if (!m_reselect.isEmpty()) {
            selectCampaigns(m_reselect);
            m_reselect.clear();
        }
        updateStack();
        fitColumns();
        updateSummary();
        updateActions();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &CampaignsPage::updateSummary);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &CampaignsPage::updateSummary);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &CampaignsPage::updateSummary);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &CampaignsPage::updateActions);
    connect(m_filter, &QAbstractItemModel::dataChanged, this, &CampaignsPage::updateActions);

    auto *contentLayout = new QVBoxLayout(m_content);
    contentLayout->setContentsMargins(16, 12, 16, 12);
    contentLayout->addWidget(m_drafts);
    contentLayout->addLayout(actions);
    contentLayout->addLayout(filters);
    contentLayout->addWidget(m_table, 1);

    m_noWorkspace->setHeading(tr("No workspace open"));
    m_noWorkspace->setText(tr("Open or create a workspace to see its campaigns."));
    m_noCampaigns->setObjectName(QStringLiteral("noCampaigns"));
    m_noCampaigns->setHeading(tr("No campaigns yet"));
    m_noCampaigns->setText(tr("Coupons, cart promotions, gift cards and referral programmes appear here. Create one "
                              "with New (Ctrl+N), or import campaign JSON files (docs/campaigns.md)."));
    auto *importHere = new QPushButton(tr("Import JSON…"), m_noCampaigns);
    importHere->setObjectName(QStringLiteral("importCampaignsEmpty"));
    connect(importHere, &QPushButton::clicked, this, pickImportFiles);
    m_noCampaigns->addWidget(importHere);

    // The message sits above whatever the page shows, so an import refused on the
    // empty page is read there too.
    auto *messageRow = new QHBoxLayout;
    messageRow->setContentsMargins(16, 8, 16, 0);
    messageRow->addWidget(m_message);
    auto *stackHost = new QWidget(this);
    m_stack = new QStackedLayout(stackHost);
    m_stack->addWidget(m_noWorkspace);
    m_stack->addWidget(m_noCampaigns);
    m_stack->addWidget(m_content);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    outer->addLayout(messageRow);
    outer->addWidget(stackHost, 1);
    setWorkspace(std::nullopt);
}

CampaignsPage::~CampaignsPage()
{
    // Editors go first, while the page they report to is whole (each keeps its draft).
    for (const QPointer<CampaignEditor> &editor : std::as_const(m_editors)) {
        if (editor) {
            editor->disconnect(this);
            delete editor.data();
        }
    }
    m_tasks.waitForAll();
}

void CampaignsPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    m_workspace = workspace;
    m_reselect.clear();
    m_sizedColumns = false;
    m_message->setVisible(false);
    m_search->clear();
    m_statusFilter->setCurrentIndex(0);
    m_typeFilter->setCurrentIndex(0);
    m_model->setWorkspace(workspace ? workspace->path : QString(), workspace ? workspace->currency : QString());
    checkDrafts();
    updateStack();
    updateSummary();
    updateActions();
}

void CampaignsPage::fitColumns()
{
    // Once per workspace, while the table is on screen (a hidden page has no real
    // width); the user's widths stand after that.
    if (m_sizedColumns || m_model->rowCount() == 0 || !m_table->isVisible())
        return;
    m_sizedColumns = true;
    m_table->resizeColumnsToContents();
    for (int c = 0; c < CampaignListModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, m_table->columnWidth(c) + 8);
    // Caps for the wordy columns (the full text is in the tooltip).
    m_table->setColumnWidth(CampaignListModel::Schedule, std::min(m_table->columnWidth(CampaignListModel::Schedule), 290));
    m_table->setColumnWidth(CampaignListModel::Redemptions, std::min(m_table->columnWidth(CampaignListModel::Redemptions), 92));
    // The name gives way first, so that every column fits without scrolling sideways.
    int others = 0;
    for (int c = 0; c < CampaignListModel::ColumnCount; ++c)
        others += c == CampaignListModel::Name ? 0 : m_table->columnWidth(c);
    const int wanted = std::min(m_table->columnWidth(CampaignListModel::Name), 320);
    const int room = m_table->viewport()->width() - others;
    m_table->setColumnWidth(CampaignListModel::Name, std::min(wanted, std::max(room, 180)));
}

void CampaignsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    fitColumns();
}

void CampaignsPage::updateStack()
{
    if (!m_workspace)
        m_stack->setCurrentWidget(m_noWorkspace);
    else if (m_model->hasLoaded() && m_model->rowCount() == 0)
        m_stack->setCurrentWidget(m_noCampaigns);
    else
        m_stack->setCurrentWidget(m_content);
}

void CampaignsPage::updateSummary()
{
    const QLocale locale = QLocale::system();
    const int total = m_model->rowCount();
    const int shown = m_filter->rowCount();
    if (!m_model->hasLoaded())
        m_summary->setText(m_workspace ? tr("Loading campaigns…") : QString());
    else if (shown == total)
        m_summary->setText(total == 1 ? tr("1 campaign") : tr("%1 campaigns").arg(locale.toString(total)));
    else
        m_summary->setText(tr("%1 of %2 campaigns").arg(locale.toString(shown), locale.toString(total)));
}

QString CampaignsPage::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void CampaignsPage::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QStringLiteral("color: #1b5e20;"));
    m_message->setVisible(!text.isEmpty());
}

QStringList CampaignsPage::selectedIds() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows(CampaignListModel::Name);
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList ids;
    for (const QModelIndex &index : rows)
        ids << index.data(CampaignListModel::CampaignIdRole).toString();
    return ids;
}

void CampaignsPage::selectCampaigns(const QStringList &ids)
{
    QItemSelection selection;
    for (const QString &id : ids) {
        const int sourceRow = m_model->rowOf(id);
        if (sourceRow < 0)
            continue;
        const QModelIndex index = m_filter->mapFromSource(m_model->index(sourceRow, 0));
        if (index.isValid())
            selection.select(index, index.siblingAtColumn(CampaignListModel::ColumnCount - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (!selection.isEmpty())
        m_table->selectionModel()->setCurrentIndex(selection.first().topLeft(), QItemSelectionModel::NoUpdate);
    updateActions();
}

void CampaignsPage::updateActions()
{
    QList<CampaignStatus> statuses;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows(CampaignListModel::Name))
        statuses << CampaignStatus(index.data(CampaignListModel::StatusRole).toInt());
    const bool idle = m_workspace.has_value() && !m_actionRunning;
    auto allCan = [&statuses](CampaignStatus to) {
        return !statuses.isEmpty() && std::all_of(statuses.begin(), statuses.end(), [to](CampaignStatus from) {
            return from != to && Engine::canChangeStatus(from, to);
        });
    };
    m_new->setEnabled(m_workspace.has_value());
    m_edit->setEnabled(m_workspace.has_value() && statuses.size() == 1);
    m_duplicate->setEnabled(idle && statuses.size() == 1);
    m_activate->setEnabled(idle && allCan(CampaignStatus::Active));
    m_pause->setEnabled(idle && allCan(CampaignStatus::Paused));
    m_archive->setEnabled(idle && allCan(CampaignStatus::Archived));
    m_export->setEnabled(idle && !statuses.isEmpty());
    m_import->setEnabled(idle);
    m_history->setEnabled(m_workspace.has_value() && statuses.size() == 1);
}

void CampaignsPage::startAction()
{
    m_actionRunning = true;
    m_busy->setVisible(true);
    m_message->setVisible(false);
    updateActions();
}

void CampaignsPage::finishAction(bool ok, const QString &message, const QStringList &reselect)
{
    m_actionRunning = false;
    m_busy->setVisible(m_model->isLoading());
    showMessage(message, !ok);
    m_reselect = reselect;
    m_model->reload();
    updateActions();
    emit actionFinished(ok);
}

void CampaignsPage::changeStatus(CampaignStatus status)
{
    const QStringList ids = selectedIds();
    if (!m_workspace || ids.isEmpty() || m_actionRunning)
        return;
    startAction();
    const QString label = CampaignListModel::statusLabel(status).toLower();
    m_tasks.track(Store::CampaignTasks::setStatuses(m_workspace->path, ids, status, Actor))
        .then(this, [this, ids, label](const Result<QList<Engine::Campaign>> &result) {
            if (!result) {
                finishAction(false, tr("Nothing changed. %1").arg(result.error().toString()), ids);
                return;
            }
            const QList<Engine::Campaign> &changed = result.value();
            m_model->applyCampaigns(changed);
            const QString what = changed.size() == 1 ? tr("“%1” is now %2.").arg(changed.first().name, label)
                                                     : tr("%1 campaigns are now %2.").arg(changed.size()).arg(label);
            finishAction(true, what, ids);
        });
}

void CampaignsPage::archiveSelected(bool confirm)
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty() || !m_archive->isEnabled())
        return;
    if (confirm) {
        const QString question =
            ids.size() == 1
                ? tr("Archive “%1”? An archived campaign redeems nothing and cannot be brought back.")
                      .arg(m_table->selectionModel()->selectedRows(CampaignListModel::Name).first().data().toString())
                : tr("Archive %1 campaigns? Archived campaigns redeem nothing and cannot be brought back.").arg(ids.size());
        if (QMessageBox::question(this, tr("Archive campaigns"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                  QMessageBox::Cancel)
            != QMessageBox::Yes)
            return;
    }
    changeStatus(CampaignStatus::Archived);
}

void CampaignsPage::duplicateSelected()
{
    const QStringList ids = selectedIds();
    if (!m_workspace || ids.size() != 1 || m_actionRunning)
        return;
    startAction();
    m_tasks.track(Store::CampaignTasks::duplicate(m_workspace->path, ids.first(), Actor))
        .then(this, [this, ids](const Result<Engine::Campaign> &result) {
            if (!result)
                finishAction(false, tr("Could not duplicate: %1").arg(result.error().toString()), ids);
            else
                finishAction(true, tr("Created the draft “%1”.").arg(result.value().name), {result.value().id});
        });
}

void CampaignsPage::exportSelected(const QString &folder)
{
    const QStringList ids = selectedIds();
    if (!m_workspace || ids.isEmpty() || m_actionRunning)
        return;
    startAction();
    m_tasks.track(Store::CampaignTasks::exportFiles(m_workspace->path, ids, folder))
        .then(this, [this, ids, folder](const Result<QStringList> &result) {
            if (!result)
                finishAction(false, tr("Export failed: %1").arg(result.error().toString()), ids);
            else
                finishAction(true,
                             result.value().size() == 1 ? tr("Exported 1 campaign to %1.").arg(folder)
                                                        : tr("Exported %1 campaigns to %2.").arg(result.value().size()).arg(folder),
                             ids);
        });
}

void CampaignsPage::importFiles(const QStringList &files)
{
    if (!m_workspace || files.isEmpty() || m_actionRunning)
        return;
    startAction();
    m_tasks.track(Store::CampaignTasks::importFiles(m_workspace->path, files, Actor))
        .then(this, [this](const Result<QList<Engine::Campaign>> &result) {
            if (!result) {
                finishAction(false, tr("Nothing imported. %1").arg(result.error().toString()), selectedIds());
                return;
            }
            QStringList ids;
            for (const Engine::Campaign &c : result.value())
                ids << c.id;
            finishAction(true,
                         ids.size() == 1 ? tr("Imported “%1”.").arg(result.value().first().name)
                                         : tr("Imported %1 campaigns.").arg(ids.size()),
                         ids);
        });
}

// --- the editor -------------------------------------------------------------------------

CampaignEditor *CampaignsPage::track(CampaignEditor *editor)
{
    editor->setWindowFlag(Qt::Window);
    connect(editor, &CampaignEditor::saved, this, [this, editor](const Engine::Campaign &campaign) {
        // A new campaign is known by its id from now on.
        for (auto it = m_editors.begin(); it != m_editors.end();) {
            if (it.value() == editor)
                it = m_editors.erase(it);
            else
                ++it;
        }
        m_editors.insert(campaign.id, editor);
        m_reselect = {campaign.id};
        m_model->reload();
        checkDrafts();
    });
    connect(editor, &QObject::destroyed, this, [this] { checkDrafts(); });
    editor->show();
    editor->raise();
    editor->activateWindow();
    return editor;
}

CampaignEditor *CampaignsPage::editCampaign(const QString &campaignId)
{
    if (!m_workspace)
        return nullptr;
    if (CampaignEditor *open = m_editors.value(campaignId)) {
        open->show();
        open->raise();
        open->activateWindow();
        return open;
    }
    auto *editor = new CampaignEditor(m_workspace->path, {}, this);
    m_editors.insert(campaignId, editor);
    editor->openCampaign(campaignId);
    return track(editor);
}

CampaignEditor *CampaignsPage::newCampaign(CampaignType type)
{
    if (!m_workspace)
        return nullptr;
    auto *editor = new CampaignEditor(m_workspace->path, {}, this);
    editor->newCampaign(type);
    connect(editor, &CampaignEditor::loaded, this, [this, editor] { m_editors.insert(editor->editKey(), editor); });
    return track(editor);
}

QList<CampaignEditor *> CampaignsPage::openDrafts()
{
    QList<CampaignEditor *> opened;
    if (!m_workspace)
        return opened;
    const Engine::CampaignDrafts drafts(m_workspace->path);
    for (const Engine::CampaignDraft &draft : drafts.list()) {
        if (m_editors.value(draft.key))
            continue;
        auto *editor = new CampaignEditor(m_workspace->path, {}, this);
        m_editors.insert(draft.key, editor);
        // A stored campaign's draft is recovered by opening the campaign.
        if (draft.key.startsWith(QLatin1String("new_")))
            editor->openDraft(draft);
        else
            editor->openCampaign(draft.key);
        opened.append(track(editor));
    }
    m_drafts->setVisible(false);
    return opened;
}

QList<CampaignEditor *> CampaignsPage::openEditors() const
{
    QList<CampaignEditor *> open;
    for (const QPointer<CampaignEditor> &editor : m_editors)
        if (editor)
            open.append(editor);
    return open;
}

void CampaignsPage::checkDrafts()
{
    int waiting = 0;
    QStringList names;
    if (m_workspace) {
        // A few small files: read here, as a settings file would be.
        for (const Engine::CampaignDraft &draft : Engine::CampaignDrafts(m_workspace->path).list()) {
            if (m_editors.value(draft.key))
                continue;
            ++waiting;
            names << (draft.campaign.name.isEmpty() ? tr("a new campaign") : QStringLiteral("“%1”").arg(draft.campaign.name));
        }
    }
    m_drafts->setVisible(waiting > 0);
    m_drafts->setText(tr("⚠ %n campaign(s) with unsaved changes from an earlier session (%1). <a href='#'>Open them</a>",
                         nullptr, waiting)
                          .arg(names.mid(0, 3).join(QStringLiteral(", ")) + (names.size() > 3 ? QStringLiteral(", …") : QString())));
}

QString CampaignsPage::draftsText() const
{
    return m_drafts->isVisible() ? m_drafts->text() : QString();
}

ExportDialog *CampaignsPage::openCsvExport(const Store::ExportList &list, const QString &suggestedFile)
{
    if (!m_workspace)
        return nullptr;
    auto makeList = [list](Store::Connection &) -> Result<Store::ExportList> { return list; };
    auto *dialog = new ExportDialog(m_workspace->path, list, makeList, -1, suggestedFile, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

} // namespace PromoDesk::Ui
