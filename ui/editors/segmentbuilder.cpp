#include "editors/segmentbuilder.h"

#include "common/money.h"
#include "editors/ruleseditor.h"

#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

using Store::SegmentType;

SegmentBuilder::SegmentBuilder(QWidget *parent)
    : QWidget(parent), m_name(new QLineEdit), m_description(new QLineEdit), m_type(new QComboBox), m_zone(new QComboBox),
      m_kindHelp(new QLabel), m_rules(new RulesEditor), m_countLabel(new QLabel), m_preview(new QTableWidget(0, 5)),
      m_sql(new QPlainTextEdit), m_debounce(new QTimer(this)),
      m_watcher(new QFutureWatcher<Result<Store::SegmentTasks::LiveCount>>(this))
{
    setObjectName(QStringLiteral("segmentBuilder"));
    m_name->setObjectName(QStringLiteral("segmentName"));
    m_name->setPlaceholderText(tr("e.g. Abandoned cart, last 2 days"));
    m_description->setObjectName(QStringLiteral("segmentDescription"));
    m_description->setPlaceholderText(tr("What the segment is for"));
    m_type->setObjectName(QStringLiteral("segmentType"));
    m_type->addItem(tr("Auto-update — kept current as customers change"), int(SegmentType::AutoUpdate));
    m_type->addItem(tr("Static — a fixed list"), int(SegmentType::Static));
    m_type->addItem(tr("Passive — evaluated when used"), int(SegmentType::Passive));
    m_zone->setObjectName(QStringLiteral("segmentZone"));
    m_zone->setEditable(true);
    m_zone->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromUtf8(id));
    m_zone->completer()->setFilterMode(Qt::MatchContains);
    m_zone->setCurrentText(QStringLiteral("UTC"));
    m_kindHelp->setWordWrap(true);
    m_kindHelp->setForegroundRole(QPalette::PlaceholderText);
    m_rules->setObjectName(QStringLiteral("segmentRules"));

    m_countLabel->setObjectName(QStringLiteral("liveCount"));
    QFont big = m_countLabel->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_countLabel->setFont(big);
    m_countLabel->setWordWrap(true);
    m_preview->setObjectName(QStringLiteral("segmentPreview"));
    m_preview->setHorizontalHeaderLabels({tr("Customer"), tr("Name"), tr("Country"), tr("Orders"), tr("Spent")});
    m_preview->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_preview->verticalHeader()->hide();
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_preview->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_preview->verticalHeader()->setDefaultSectionSize(m_preview->fontMetrics().height() + 6);
    m_preview->setMinimumHeight(m_preview->fontMetrics().height() * 8);
    m_sql->setObjectName(QStringLiteral("segmentSql"));
    m_sql->setReadOnly(true);
    m_sql->setMaximumHeight(m_sql->fontMetrics().height() * 3 + 12);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_sql->setFont(mono);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Description"), m_description);
    form->addRow(tr("&Kind"), m_type);
    form->addRow(QString(), m_kindHelp);
    form->addRow(tr("Time &zone"), m_zone);

    auto *rulesBox = new QGroupBox(tr("Who is in it"));
    auto *rulesLayout = new QVBoxLayout(rulesBox);
    rulesLayout->addWidget(m_rules);

    auto *resultBox = new QGroupBox(tr("Members now"));
    auto *resultLayout = new QVBoxLayout(resultBox);
    resultLayout->addWidget(m_countLabel);
    resultLayout->addWidget(m_preview, 1);
    auto *sqlLabel = new QLabel(tr("The rule as SQL over the customer table (values bound):"));
    sqlLabel->setForegroundRole(QPalette::PlaceholderText);
    resultLayout->addWidget(sqlLabel);
    resultLayout->addWidget(m_sql);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(rulesBox);
    splitter->addWidget(resultBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({330, 420});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(splitter, 1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(DebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &SegmentBuilder::recount);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &SegmentBuilder::onCounted);
    connect(m_rules, &RulesEditor::ruleChanged, this, [this] {
        scheduleCount();
        emit edited();
    });
    connect(m_zone, &QComboBox::currentTextChanged, this, [this] {
        scheduleCount();
        emit edited();
    });
    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        updateKind();
        emit edited();
    });
    connect(m_name, &QLineEdit::textEdited, this, &SegmentBuilder::edited);
    connect(m_description, &QLineEdit::textEdited, this, &SegmentBuilder::edited);
    updateKind();
}

SegmentBuilder::~SegmentBuilder()
{
    m_watcher->disconnect(this);
}

void SegmentBuilder::setWorkspace(const QString &path)
{
    m_path = path;
    m_count.reset();
    scheduleCount();
}

void SegmentBuilder::setNow(std::optional<qint64> now)
{
    m_now = now;
    scheduleCount();
}

void SegmentBuilder::setSegment(const Store::Segment &segment)
{
    m_id = segment.id;
    m_name->setText(segment.name);
    m_description->setText(segment.description);
    {
        const QSignalBlocker b(m_type);
        m_type->setCurrentIndex(m_type->findData(int(segment.type)));
    }
    {
        const QSignalBlocker b(m_zone);
        m_zone->setCurrentText(segment.timezone);
    }
    m_rules->setRule(segment.rule);
    updateKind();
    m_count.reset();
    recount();
}

Store::Segment SegmentBuilder::segment() const
{
    Store::Segment s;
    s.id = m_id;
    s.name = m_name->text().trimmed();
    s.description = m_description->text().trimmed();
    s.type = SegmentType(m_type->currentData().toInt());
    s.rule = m_rules->rule();
    s.timezone = m_zone->currentText().trimmed();
    return s;
}

void SegmentBuilder::updateKind()
{
    switch (SegmentType(m_type->currentData().toInt())) {
    case SegmentType::AutoUpdate:
        m_kindHelp->setText(tr("Members enter and leave as their data changes (imports, orders, events), each with a "
                               "timestamp campaigns and experiments can use."));
        break;
    case SegmentType::Static:
        m_kindHelp->setText(tr("A fixed list: add customers from a CSV of ids or the Customers page, or freeze the "
                               "rule's matches now with Refresh. The rule is optional."));
        break;
    case SegmentType::Passive:
        m_kindHelp->setText(tr("No stored members: the rule is evaluated whenever the segment is counted or exported."));
        break;
    }
}

void SegmentBuilder::scheduleCount()
{
    m_pending = true;
    m_debounce->start();
}

void SegmentBuilder::recount()
{
    m_debounce->stop();
    m_pending = false;
    const quint64 generation = ++m_generation;
    if (m_path.isEmpty()) {
        m_countLabel->setText(tr("Open a workspace to count members."));
        return;
    }
    if (!m_rules->isValid()) {
        m_countLabel->setText(tr("Fix the rule to count its members."));
        m_shownGeneration = generation;
        emit counted();
        return;
    }
    const std::optional<Rules::Node> rule = m_rules->rule();
    if (!rule) {
        m_count.reset();
        m_countLabel->setText(SegmentType(m_type->currentData().toInt()) == SegmentType::Static
                                  ? tr("A static segment without a rule: its members are the ones added to it.")
                                  : tr("Add a condition to count who matches."));
        m_preview->setRowCount(0);
        m_sql->clear();
        m_shownGeneration = generation;
        emit counted();
        return;
    }
    m_counting = true;
    m_countLabel->setText(tr("Counting…"));
    m_watcher->setProperty("generation", generation);
    m_watcher->setFuture(m_tasks.track(Store::SegmentTasks::liveCount(
        m_path, *rule, m_now.value_or(QDateTime::currentMSecsSinceEpoch()), m_zone->currentText().trimmed(), PreviewRows)));
}

void SegmentBuilder::onCounted()
{
    const quint64 generation = m_watcher->property("generation").toULongLong();
    if (generation != m_generation)
        return; // the rule changed since: a newer count is on its way
    m_counting = false;
    m_shownGeneration = generation;
    const auto result = m_watcher->result();
    if (!result) {
        m_count.reset();
        m_countLabel->setText(tr("Cannot count: %1").arg(result.error().toString()));
        m_preview->setRowCount(0);
        emit counted();
        return;
    }
    const Store::SegmentTasks::LiveCount &live = result.value();
    const QLocale locale;
    m_count = live.count;
    m_countLabel->setText((live.count == 1 ? tr("1 customer matches") : tr("%1 customers match").arg(locale.toString(live.count)))
                          + QStringLiteral("  ·  ") + tr("counted in %1 ms").arg(locale.toString(live.milliseconds, 'f', 0)));
    m_preview->setRowCount(int(live.preview.size()));
    for (int row = 0; row < live.preview.size(); ++row) {
        const Store::CustomerRow &c = live.preview[row];
        const QStringList cells = {c.id, c.name, c.country, locale.toString(c.ordersCount), formatMoney(c.totalSpent)};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            if (col >= 3)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_preview->setItem(row, col, item);
        }
    }
    m_preview->resizeColumnToContents(0);
    m_sql->setPlainText(QStringLiteral("SELECT … FROM customers AS c WHERE ") + live.sql);
    emit counted();
}

QString SegmentBuilder::countText() const
{
    return m_countLabel->text();
}

QString SegmentBuilder::sqlText() const
{
    return m_sql->toPlainText();
}

} // namespace PromoDesk::Ui
