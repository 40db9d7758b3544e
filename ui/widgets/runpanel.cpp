#include "widgets/runpanel.h"

#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "widgets/kpitile.h"
#include "widgets/trafficpanel.h" // describeFailureKey

#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QShortcut>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>

namespace PromoDesk::Ui {

namespace {

constexpr int TileWidth = 200;

} // namespace

RunPanel::RunPanel(QWidget *parent)
    : QWidget(parent)
    , m_message(new QLabel(this))
{
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; color: #6b3d00; border: 1px solid #f0c27a;"
                                            " border-radius: 3px; padding: 6px; }"));
}

RunPanel::~RunPanel()
{
    stopWork();
}

void RunPanel::stopWork()
{
    if (m_runProgress)
        m_runProgress->cancelled.store(true);
    m_tasks.waitForAll();
}

void RunPanel::createRunWidgets(const RunTexts &texts)
{
    m_run = new QPushButton(texts.run, this);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_progress = new QProgressBar(this);
    m_status = new QLabel(this);
    m_form = new QWidget(this);
    m_resultBox = new QWidget(this);
    m_heading = new QLabel(this);
    m_tilesLayout = new QGridLayout;
    m_cancelling = texts.cancelling;

    m_run->setObjectName(QStringLiteral("run"));
    m_run->setToolTip(texts.runTip);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(texts.cancelTip);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setTextVisible(false);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_run->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    m_cancel->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);

    m_heading->setObjectName(QStringLiteral("heading"));
    m_heading->setWordWrap(true);
    QFont headline = m_heading->font();
    headline.setBold(true);
    headline.setPointSizeF(headline.pointSizeF() * 1.2);
    m_heading->setFont(headline);
    m_tilesLayout->setSpacing(8);
}

QVBoxLayout *RunPanel::layOutResult()
{
    auto *layout = new QVBoxLayout(m_resultBox);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_heading);
    layout->addLayout(m_tilesLayout);
    return layout;
}

KpiTile *RunPanel::addTile(const QString &title, const QString &objectName)
{
    auto *tile = new KpiTile(title, m_resultBox);
    tile->setObjectName(objectName);
    m_tiles.append(tile);
    return tile;
}

void RunPanel::finishPage()
{
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_progress, 1);
    runRow->addStretch(0);

    // Everything scrolls together.
    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(m_message);
    contentLayout->addWidget(m_form);
    contentLayout->addLayout(runRow);
    contentLayout->addWidget(m_status);
    contentLayout->addWidget(m_resultBox);
    contentLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    reflowTiles();

    connect(m_run, &QPushButton::clicked, this, &RunPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &RunPanel::cancel);
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &RunPanel::run);
    }
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &RunPanel::cancel);
}

void RunPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    reflowTiles();
}

void RunPanel::reflowTiles()
{
    const int count = std::max(1, int(m_tiles.size()));
    const int fit = std::clamp(width() / TileWidth, 1, count);
    int columns = fit;
    if (m_tileFlow == TileFlow::EvenRows) {
        while (count % columns != 0)
            --columns;
    }
    if (columns == m_tileColumns)
        return;
    m_tileColumns = columns;
    for (KpiTile *tile : std::as_const(m_tiles))
        m_tilesLayout->removeWidget(tile);
    for (int i = 0; i < m_tiles.size(); ++i)
        m_tilesLayout->addWidget(m_tiles[i], i / columns, i % columns);
}

void RunPanel::restart()
{
    if (m_running) {
        // The run goes on to its end; its answer is dropped.
        cancel();
        m_runProgress.reset();
        m_running = false;
    }
    m_campaignsLoaded = false;
    m_currency.clear();
    ++m_loadGeneration;
    setStatus(QString());
}

void RunPanel::loadCampaignsFrom(const QString &path)
{
    Ui::runInBackground(this, m_tasks, [path] { return readWorkspaceCampaigns(path); },
                        [this, generation = m_loadGeneration](const Result<WorkspaceCampaigns> &loaded) {
                            if (generation != m_loadGeneration)
                                return; // another workspace since
                            showCampaigns(loaded);
                            emit campaignsReady();
                        });
}

void RunPanel::showState(bool usable, bool runnable, bool keepProgress, bool hasResult)
{
    m_message->setVisible(!m_message->text().isEmpty());
    m_form->setEnabled(usable && !m_running);
    m_run->setEnabled(usable && runnable && !m_running);
    m_cancel->setEnabled(m_running);
    m_progress->setVisible(m_running || keepProgress);
    m_resultBox->setVisible(usable && hasResult);
}

RunPanel::ProgressReport RunPanel::beginRun(qint64 total)
{
    m_running = true;
    auto progress = std::make_shared<Progress>();
    progress->total.store(total);
    m_runProgress = progress;
    // Progress reaches the UI thread as one queued call at a time; the figures are read
    // from the shared state when it runs, so none is lost and the queue never floods.
    // The panel waits for its workers before it is destroyed, so `panel` outlives them,
    // and a call still queued when the panel goes is dropped with it.
    return [progress, panel = this](qint64 done, qint64 total) -> bool {
        progress->done.store(done);
        progress->total.store(total);
        if (!progress->posted.exchange(true)) {
            QMetaObject::invokeMethod(panel, [panel, progress] {
                progress->posted.store(false);
                if (panel->m_runProgress == progress)
                    panel->showProgress();
            }, Qt::QueuedConnection);
        }
        return !progress->cancelled.load();
    };
}

void RunPanel::showProgress()
{
    if (!m_runProgress || !m_running)
        return;
    const qint64 done = m_runProgress->done.load();
    const qint64 total = m_runProgress->total.load();
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::min<qint64>(1000, done * 1000 / total)));
        if (!m_runProgress->cancelled.load())
            setStatus(progressText(done, total));
    }
    emit progressed(done, total);
}

void RunPanel::cancel()
{
    if (!m_running || !m_runProgress)
        return;
    m_runProgress->cancelled.store(true);
    m_cancel->setEnabled(false);
    setStatus(m_cancelling);
}

QString RunPanel::status() const
{
    return m_status->text();
}

void RunPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? badStyle() : QString());
    m_status->setVisible(!text.isEmpty());
}

void RunPanel::setHeading(const QString &text, bool cancelled)
{
    m_heading->setText(text);
    m_heading->setStyleSheet(cancelled ? QStringLiteral("color: #6b3d00;") : QString());
}

void RunPanel::clearHeadingAndTiles()
{
    m_heading->clear();
    for (KpiTile *tile : std::as_const(m_tiles))
        tile->setValue(QStringLiteral("—"));
}

// --- helpers ---

QString RunPanel::badStyle()
{
    return QStringLiteral("color: #b00020;");
}

QDate RunPanel::utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date();
}

QString RunPanel::campaignLabel(const QString &id, const QString &name, Engine::CampaignStatus status)
{
    return QStringLiteral("%1 — %2").arg(name.isEmpty() ? id : name, Engine::campaignStatusKey(status));
}

Result<RunPanel::WorkspaceCampaigns> RunPanel::readWorkspaceCampaigns(const QString &path)
{
    auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
    if (!connection)
        return connection.error();
    auto info = Store::Workspace::readInfo(*connection.value());
    if (!info)
        return info.error();
    auto campaigns = Store::CampaignStore(*connection.value()).loadCampaigns();
    if (!campaigns)
        return campaigns.error();
    return WorkspaceCampaigns{campaigns.value(), info.value().currency, info.value().kind == Store::WorkspaceKind::Sandbox};
}

QTableWidgetItem *RunPanel::numberItem(qint64 n)
{
    auto *item = new QTableWidgetItem(QLocale().toString(n));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget *RunPanel::resultTable(const QString &name, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return table;
}

void RunPanel::fitRows(QTableWidget *table, int minRows, int maxRows)
{
    const int rows = std::clamp(table->rowCount(), minRows, maxRows);
    const int height = table->horizontalHeader()->sizeHint().height() + rows * table->verticalHeader()->defaultSectionSize()
                       + 2 * table->frameWidth() + 2;
    table->setMinimumHeight(height);
    table->setMaximumHeight(height);
}

void RunPanel::clearTable(QTableWidget *table, int minRows, int maxRows)
{
    table->clearSpans();
    table->setRowCount(0);
    fitRows(table, minRows, maxRows);
}

void RunPanel::noneRow(QTableWidget *table, const QString &text)
{
    table->setRowCount(1);
    auto *none = new QTableWidgetItem(text);
    none->setForeground(QColor(0x70, 0x70, 0x70));
    table->setItem(0, 0, none);
    table->setSpan(0, 0, 1, table->columnCount());
}

bool RunPanel::fillFailures(QTableWidget *table, const QMap<QString, qint64> &failures)
{
    QList<QString> keys = failures.keys();
    std::stable_sort(keys.begin(), keys.end(), [&failures](const QString &a, const QString &b) {
        return failures[a] != failures[b] ? failures[a] > failures[b] : a < b;
    });
    table->setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        table->setItem(row, 0, new QTableWidgetItem(keys[row]));
        table->setItem(row, 1, new QTableWidgetItem(describeFailureKey(keys[row])));
        table->setItem(row, 2, numberItem(failures[keys[row]]));
    }
    return !keys.isEmpty();
}

QLabel *RunPanel::boldLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

void RunPanel::addButtonRow(QVBoxLayout *layout, QPushButton *button)
{
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(button);
    layout->addLayout(row);
}

} // namespace PromoDesk::Ui
