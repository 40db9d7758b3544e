#include "simulatorcasespanel.h"

#include "store/connection.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

namespace {

enum Column { NameColumn, OperationColumn, SavedColumn, OutcomeColumn, DifferenceColumn, Columns };

QColor passColour() { return QColor(0x1b, 0x7f, 0x3b); }
QColor failColour() { return QColor(0xb3, 0x26, 0x1e); }

} // namespace

SimulatorCasesPanel::SimulatorCasesPanel(QWidget *parent)
    : QWidget(parent), m_table(new QTableWidget(0, Columns, this)), m_summary(new QLabel(this)),
      m_runAll(new QPushButton(tr("Run &all cases"), this)), m_remove(new QPushButton(tr("&Delete case"), this))
{
    setObjectName(QStringLiteral("simulatorCases"));
    auto *heading = new QLabel(tr("<b>Saved cases</b> — re-run them after you change a campaign"), this);
    m_table->setObjectName(QStringLiteral("casesTable"));
    m_table->setHorizontalHeaderLabels({tr("Case"), tr("Runs"), tr("Saved (UTC)"), tr("Result"), tr("What changed")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(DifferenceColumn, QHeaderView::Stretch);
    m_table->setToolTip(tr("Double-click a case to load it into the simulator"));
    m_runAll->setObjectName(QStringLiteral("runAllCases"));
    m_runAll->setToolTip(tr("Run every saved case again (Ctrl+Shift+R)"));
    m_remove->setObjectName(QStringLiteral("deleteCase"));
    m_summary->setObjectName(QStringLiteral("casesSummary"));
    m_summary->setWordWrap(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_runAll);
    buttons->addWidget(m_remove);
    buttons->addSpacing(12);
    buttons->addWidget(m_summary, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(heading);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    connect(m_runAll, &QPushButton::clicked, this, &SimulatorCasesPanel::runAll);
    connect(m_remove, &QPushButton::clicked, this, &SimulatorCasesPanel::removeSelected);
    // Not F5: that is the window's Refresh, and two owners of one key would fire neither.
    auto *refresh = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this, this, &SimulatorCasesPanel::runAll,
                                  Qt::WidgetWithChildrenShortcut);
    auto *remove = new QShortcut(QKeySequence::Delete, m_table, this, &SimulatorCasesPanel::removeSelected, Qt::WidgetShortcut);
    Q_UNUSED(refresh)
    Q_UNUSED(remove)
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        if (row >= 0 && row < m_cases.size())
            emit openCase(m_cases[row].operation, m_cases[row].request);
    });
    setBusy(false);
}

SimulatorCasesPanel::~SimulatorCasesPanel() = default;

void SimulatorCasesPanel::setWorkspace(const QString &path)
{
    m_path = path;
    ++m_generation;
    m_cases.clear();
    m_runs.clear();
    m_table->setRowCount(0);
    m_summary->clear();
    if (!path.isEmpty())
        reload();
    setBusy(false);
}

void SimulatorCasesPanel::setBusy(bool busy, const QString &status)
{
    m_busy = busy;
    m_runAll->setEnabled(!busy && !m_path.isEmpty() && !m_cases.isEmpty());
    m_remove->setEnabled(!busy && !m_cases.isEmpty());
    if (!status.isEmpty()) {
        m_summary->setStyleSheet(QString());
        m_summary->setText(status);
    }
}

void SimulatorCasesPanel::reload()
{
    const quint64 generation = ++m_generation;
    setBusy(true, tr("Reading the cases…"));
    runInBackground(
        this, m_tasks,
        [path = m_path]() -> Result<QList<Sandbox::SimulatorCase>> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            return Sandbox::SimulatorCases(*connection.value()).list();
        },
        [this, generation](const Result<QList<Sandbox::SimulatorCase>> &result) {
            if (generation != m_generation)
                return;
            if (!result) {
                setBusy(false);
                m_summary->setText(tr("Cannot read the cases: %1").arg(result.error().toString()));
                emit failed(result.error().toString());
                return;
            }
            show(result.value());
            setBusy(false, m_cases.isEmpty() ? tr("No cases yet: run the simulator, then “Save as case…”.")
                                             : tr("%n case(s)", nullptr, int(m_cases.size())));
            emit changed();
        });
}

void SimulatorCasesPanel::show(const QList<Sandbox::SimulatorCase> &cases)
{
    m_cases = cases;
    m_runs.clear();
    m_table->setRowCount(int(cases.size()));
    for (int row = 0; row < cases.size(); ++row) {
        const Sandbox::SimulatorCase &c = cases[row];
        m_table->setItem(row, NameColumn, new QTableWidgetItem(c.name));
        m_table->setItem(row, OperationColumn, new QTableWidgetItem(c.operation));
        m_table->setItem(row, SavedColumn, new QTableWidgetItem(QDateTime::fromMSecsSinceEpoch(c.savedAt, QTimeZone::utc())
                                                                .toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        m_table->setItem(row, OutcomeColumn, new QTableWidgetItem(tr("not run")));
        m_table->setItem(row, DifferenceColumn, new QTableWidgetItem(QString()));
        m_table->item(row, NameColumn)->setToolTip(QString::fromUtf8(QJsonDocument(c.request).toJson(QJsonDocument::Indented)));
    }
}

void SimulatorCasesPanel::saveCase(const QString &name, const QString &operation, const QJsonObject &request)
{
    if (m_path.isEmpty())
        return;
    // A name already in the list is replaced (its id kept).
    Sandbox::SimulatorCase c;
    c.name = name.trimmed();
    c.operation = operation;
    c.request = request;
    for (const Sandbox::SimulatorCase &existing : std::as_const(m_cases)) {
        if (existing.name.compare(c.name, Qt::CaseInsensitive) == 0)
            c.id = existing.id;
    }
    setBusy(true, tr("Saving “%1”…").arg(c.name));
    runInBackground(
        this, m_tasks,
        [path = m_path, c]() -> Result<Sandbox::SimulatorCase> {
            auto connection = Store::Workspace::openForWriting(path);
            if (!connection)
                return connection.error();
            return Sandbox::SimulatorCases(*connection.value()).save(c);
        },
        [this](const Result<Sandbox::SimulatorCase> &result) {
            if (!result) {
                setBusy(false);
                m_summary->setStyleSheet(QStringLiteral("color: #b3261e;"));
                m_summary->setText(tr("Not saved: %1").arg(result.error().toString()));
                emit failed(result.error().toString());
                return;
            }
            reload();
        });
}

void SimulatorCasesPanel::removeSelected()
{
    const int row = m_table->currentRow();
    if (m_busy || row < 0 || row >= m_cases.size())
        return;
    const qint64 id = m_cases[row].id;
    setBusy(true, tr("Deleting…"));
    runInBackground(
        this, m_tasks,
        [path = m_path, id]() -> Status {
            auto connection = Store::Workspace::openForWriting(path);
            if (!connection)
                return connection.error();
            return Sandbox::SimulatorCases(*connection.value()).remove(id);
        },
        [this](const Status &status) {
            if (!status) {
                setBusy(false);
                m_summary->setText(tr("Not deleted: %1").arg(status.error().toString()));
                return;
            }
            reload();
        });
}

void SimulatorCasesPanel::runAll()
{
    if (m_busy || m_path.isEmpty() || m_cases.isEmpty())
        return;
    const quint64 generation = ++m_generation;
    setBusy(true, tr("Running %n case(s)…", nullptr, int(m_cases.size())));
    runInBackground(
        this, m_tasks,
        [path = m_path]() -> Result<QList<Sandbox::CaseRun>> {
            auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
            if (!connection)
                return connection.error();
            return Sandbox::SimulatorCases(*connection.value()).run();
        },
        [this, generation](const Result<QList<Sandbox::CaseRun>> &result) {
            if (generation != m_generation)
                return;
            if (!result) {
                setBusy(false);
                m_summary->setText(tr("Could not run the cases: %1").arg(result.error().toString()));
                emit failed(result.error().toString());
                return;
            }
            QList<Sandbox::SimulatorCase> cases;
            for (const Sandbox::CaseRun &run : result.value())
                cases.append(run.simulatorCase);
            show(cases);
            m_runs = result.value();
            int passed = 0;
            for (int row = 0; row < m_runs.size(); ++row) {
                const Sandbox::CaseRun &run = m_runs[row];
                passed += run.passed ? 1 : 0;
                auto *verdict = m_table->item(row, OutcomeColumn);
                verdict->setText(run.passed ? tr("✓ passed") : tr("✗ failed"));
                verdict->setForeground(run.passed ? passColour() : failColour());
                m_table->item(row, DifferenceColumn)->setText(run.difference);
                m_table->item(row, DifferenceColumn)->setToolTip(run.difference);
            }
            setBusy(false);
            const bool allPassed = passed == m_runs.size();
            m_summary->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg((allPassed ? passColour() : failColour()).name()));
            m_summary->setText(tr("%1 of %2 cases passed").arg(passed).arg(m_runs.size()));
            emit ran();
        });
}

} // namespace PromoDesk::Ui
