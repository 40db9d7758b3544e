#include "campaignhistorydialog.h"

#include "engine/campaigndiff.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableWidget>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextEdit>
#include <QVBoxLayout>

#include <algorithm>

namespace PromoDesk::Ui {

namespace {

enum Column { When, Who, Action, Changed, ColumnCount };

} // namespace

CampaignHistoryDialog::CampaignHistoryDialog(const QString &workspacePath, const QString &campaignId, QWidget *parent)
    : QDialog(parent), m_state(new QLabel(this)), m_table(new QTableWidget(0, ColumnCount, this)),
      m_diff(new QTextEdit(this))
{
    setObjectName(QStringLiteral("campaignHistoryDialog"));
    setWindowTitle(tr("History of %1").arg(campaignId));

    m_state->setObjectName(QStringLiteral("historyState"));
    m_state->setText(tr("Loading…"));

    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setHorizontalHeaderLabels({tr("When (UTC)"), tr("Who"), tr("Action"), tr("What changed")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->setColumnWidth(When, 170);
    m_table->setColumnWidth(Who, 110);
    m_table->setColumnWidth(Action, 80);
    m_table->setVisible(false);

    m_diff->setObjectName(QStringLiteral("historyDiff"));
    m_diff->setReadOnly(true);
    m_diff->setLineWrapMode(QTextEdit::NoWrap);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setPlaceholderText(tr("Select a change to see it, or two to compare them."));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_diff);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
    layout->addWidget(splitter, 1);
    layout->addWidget(buttons);
    resize(820, 640);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &CampaignHistoryDialog::showDiff);

    auto *watcher = new QFutureWatcher<Result<QList<Store::CampaignVersion>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        showVersions(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(m_tasks.track(Store::CampaignHistoryTasks::load(workspacePath, campaignId)));
}

CampaignHistoryDialog::~CampaignHistoryDialog() = default;

QString CampaignHistoryDialog::stateText() const
{
    return m_state->text();
}

void CampaignHistoryDialog::showVersions(const Result<QList<Store::CampaignVersion>> &result)
{
    m_loaded = true;
    if (!result) {
        m_state->setText(tr("Could not read the history: %1").arg(result.error().toString()));
        emit loaded();
        return;
    }
    m_versions = result.value();
    if (m_versions.isEmpty()) {
        m_state->setText(tr("No changes recorded"));
        emit loaded();
        return;
    }
    m_state->setText(tr("%n change(s), newest first", nullptr, int(m_versions.size())));
    m_table->setRowCount(int(m_versions.size()));
    for (int row = 0; row < m_versions.size(); ++row) {
        const Store::CampaignVersion &v = m_versions[row];
        const QString when = QDateTime::fromMSecsSinceEpoch(v.at, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        const bool created = v.action == u"create";
        QString changed;
        if (created) {
            changed = tr("created");
        } else {
            const QStringList fields = Engine::changedFields(v.before, v.after);
            changed = fields.isEmpty() ? tr("no change") : fields.join(QStringLiteral(", "));
        }
        m_table->setItem(row, When, new QTableWidgetItem(when));
        m_table->setItem(row, Who, new QTableWidgetItem(v.actor));
        m_table->setItem(row, Action, new QTableWidgetItem(created ? tr("Created") : tr("Updated")));
        auto *changedItem = new QTableWidgetItem(changed);
        changedItem->setToolTip(changed);
        m_table->setItem(row, Changed, changedItem);
    }
    m_table->setVisible(true);
    m_table->selectRow(0);
    emit loaded();
}

void CampaignHistoryDialog::showDiff()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    m_diff->clear();
    if (rows.isEmpty())
        return;
    QByteArray from;
    QByteArray to;
    if (rows.size() == 1) {
        from = m_versions[rows.first()].before;
        to = m_versions[rows.first()].after;
    } else {
        // Rows are newest first: the last selected row is the oldest version.
        from = m_versions[rows.last()].after;
        to = m_versions[rows.first()].after;
    }
    QTextCharFormat same;
    QTextCharFormat removed;
    removed.setForeground(QColor(0xb0, 0x10, 0x10));
    removed.setBackground(QColor(0xff, 0xe8, 0xe8));
    QTextCharFormat added;
    added.setForeground(QColor(0x10, 0x70, 0x20));
    added.setBackground(QColor(0xe6, 0xff, 0xe6));
    QTextCursor cursor(m_diff->document());
    bool first = true;
    for (const Engine::DiffLine &line : Engine::diffCampaignJson(from, to)) {
        if (!first)
            cursor.insertBlock();
        first = false;
        switch (line.kind) {
        case Engine::DiffLine::Kind::Same:
            cursor.insertText(QStringLiteral(" ") + line.text, same);
            break;
        case Engine::DiffLine::Kind::Removed:
            cursor.insertText(QStringLiteral("-") + line.text, removed);
            break;
        case Engine::DiffLine::Kind::Added:
            cursor.insertText(QStringLiteral("+") + line.text, added);
            break;
        }
    }
    // Start at the first change, not at the top of a long campaign.
    const int firstChange = m_diff->toPlainText().indexOf(QRegularExpression(QStringLiteral("^[-+]"),
                                                                             QRegularExpression::MultilineOption));
    QTextCursor at(m_diff->document());
    at.setPosition(std::max(firstChange, 0));
    m_diff->setTextCursor(at);
    m_diff->ensureCursorVisible();
}

} // namespace PromoDesk::Ui
