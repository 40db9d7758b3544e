#include "redemptionspage.h"

#include "common/ids.h"
#include "common/money.h"
#include "dialogs/exportdialog.h"
#include "items/redemptiontablemodel.h"
#include "widgets/emptystate.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

using Items::RedemptionTableModel;
using Store::RedemptionOutcome;

namespace {

// Colours the result column: failures red, rollbacks and rolled-back redemptions grey.
class OutcomeDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QVariant outcome = index.data(RedemptionTableModel::OutcomeRole);
        if (!outcome.isValid())
            return; // not loaded yet
        switch (RedemptionOutcome(outcome.toInt())) {
        case RedemptionOutcome::Failed: option->palette.setColor(QPalette::Text, QColor(0xb3, 0x26, 0x1e)); break;
        case RedemptionOutcome::RolledBack:
        case RedemptionOutcome::Rollbacks: option->palette.setColor(QPalette::Text, QColor(0x6b, 0x72, 0x80)); break;
        case RedemptionOutcome::Succeeded: option->palette.setColor(QPalette::Text, QColor(0x1b, 0x7f, 0x3b)); break;
        case RedemptionOutcome::Any: break;
        }
    }
};

QString zoneLabel(const QTimeZone &zone)
{
    return zone == QTimeZone::utc() ? QStringLiteral("UTC") : QString::fromUtf8(zone.id());
}

} // namespace

RedemptionsPage::RedemptionsPage(QWidget *parent)
    : Page(parent), m_model(new RedemptionTableModel(this)), m_filterDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("redemptionsPage"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 8);

    auto *heading = new QLabel(tr("Redemptions"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.4);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setToolTip(tr("Show redemptions that arrived since the list was loaded (F5)"));
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("exportRedemptions"));
    m_export->setToolTip(tr("Export exactly the rows shown, in this order (Ctrl+E)"));
    auto *top = new QHBoxLayout;
    top->addWidget(heading);
    top->addStretch();
    top->addWidget(m_busy);
    top->addWidget(m_refresh);
    top->addWidget(m_export);
    layout->addLayout(top);

    auto *filters = new QWidget(this);
    buildFilterBar(filters);
    layout->addWidget(filters);

    m_filterError = new QLabel(this);
    m_filterError->setObjectName(QStringLiteral("filterError"));
    m_filterError->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_filterError->setWordWrap(true);
    m_filterError->setVisible(false);
    layout->addWidget(m_filterError);

    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("redemptionTotals"));
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_newer = new QPushButton(this);
    m_newer->setObjectName(QStringLiteral("newerRedemptions"));
    m_newer->setFlat(true);
    m_newer->setStyleSheet(QStringLiteral("color: palette(link); text-decoration: underline;"));
    m_newer->setVisible(false);
    auto *totalsRow = new QHBoxLayout;
    totalsRow->addWidget(m_totals, 1);
    totalsRow->addWidget(m_newer);
    layout->addLayout(totalsRow);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("redemptionTable"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(RedemptionTableModel::Date, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setItemDelegateForColumn(RedemptionTableModel::Outcome, new OutcomeDelegate(m_table));
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(false);
    const int widths[RedemptionTableModel::ColumnCount] = {140, 120, 180, 140, 100, 95, 80, 85, 165, 280, 65, 90};
    for (int c = 0; c < RedemptionTableModel::ColumnCount; ++c)
        header->resizeSection(c, widths[c]);
    layout->addWidget(m_table, 1);

    m_rollBack = new QPushButton(tr("Roll back…"), this);
    m_rollBack->setObjectName(QStringLiteral("rollBackRedemption"));
    m_openCustomer = new QPushButton(tr("Open customer"), this);
    m_openCampaign = new QPushButton(tr("Open campaign"), this);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_rollBack);
    actions->addWidget(m_openCustomer);
    actions->addWidget(m_openCampaign);
    actions->addStretch();
    layout->addLayout(actions);

    m_noWorkspace = new EmptyState(this);
    m_noWorkspace->setHeading(tr("No workspace open"));
    m_noWorkspace->setText(tr("Open or create a workspace (File menu) to see its redemptions."));
    layout->addWidget(m_noWorkspace, 1);

    m_filterDebounce->setSingleShot(true);
    m_filterDebounce->setInterval(400);
    connect(m_filterDebounce, &QTimer::timeout, this, &RedemptionsPage::applyFilter);

    connect(m_model, &RedemptionTableModel::loadingChanged, m_busy, &QWidget::setVisible);
    connect(m_model, &RedemptionTableModel::totalsChanged, this, &RedemptionsPage::updateTotals);
    connect(m_model, &RedemptionTableModel::filterRejected, this, [this](const QString &message, const QString &field) {
        m_filterError->setText(tr("No rows: %1.").arg(message));
        m_filterError->setVisible(true);
        if (field == QLatin1String("customer"))
            m_customer->setStyleSheet(QStringLiteral("border: 1px solid #b3261e;"));
        else if (field == QLatin1String("code"))
            m_code->setStyleSheet(QStringLiteral("border: 1px solid #b3261e;"));
    });
    connect(m_model, &RedemptionTableModel::errorOccurred, this, [this](const QString &message) {
        m_filterError->setText(tr("Cannot read the redemptions: %1").arg(message));
        m_filterError->setVisible(true);
    });
    connect(m_model, &RedemptionTableModel::newerAvailable, this, [this](qint64 count) {
        m_newer->setText(count == 1 ? tr("1 new redemption — show")
                                    : tr("%1 new redemptions — show").arg(QLocale().toString(count)));
        m_newer->setVisible(count > 0);
    });
    connect(m_model, &RedemptionTableModel::choicesLoaded, this, [this](const Store::RedemptionFilterChoices &choices) {
        m_updatingBar = true;
        auto refill = [](QComboBox *box, const QString &anyText, const QList<std::pair<QString, QString>> &items) {
            const QString current = box->currentData().toString();
            box->clear();
            box->addItem(anyText, QString());
            for (const auto &[value, text] : items)
                box->addItem(text, value);
            box->setCurrentIndex(std::max(0, box->findData(current)));
        };
        QList<std::pair<QString, QString>> failures, channels;
        for (const QString &code : choices.failureCodes)
            failures.append({code, code});
        for (const QString &channel : choices.channels)
            channels.append({channel, channel});
        refill(m_campaign, tr("All campaigns"), choices.campaigns);
        refill(m_failure, tr("Any failure key"), failures);
        refill(m_channel, tr("Any channel"), channels);
        m_updatingBar = false;
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &RedemptionsPage::updateActions);
    // A new filter or order starts at the top, as in any list.
    connect(m_model, &QAbstractItemModel::modelReset, m_table, &QTableView::scrollToTop);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &RedemptionsPage::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RedemptionsPage::updateActions);
    connect(m_table, &QWidget::customContextMenuRequested, this, &RedemptionsPage::showContextMenu);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        if (index.column() == RedemptionTableModel::Campaign)
            emit openCampaignRequested(index.data(RedemptionTableModel::CampaignIdRole).toString());
        else if (const QString customer = index.data(RedemptionTableModel::CustomerIdRole).toString(); !customer.isEmpty())
            emit openCustomerRequested(customer);
    });
    connect(m_refresh, &QPushButton::clicked, m_model, &RedemptionTableModel::refresh);
    connect(m_newer, &QPushButton::clicked, m_model, &RedemptionTableModel::refresh);
    connect(m_export, &QPushButton::clicked, this, &RedemptionsPage::exportCsv);
    connect(m_rollBack, &QPushButton::clicked, this, [this] { confirmRollBack(currentRow()); });
    connect(m_openCustomer, &QPushButton::clicked, this, [this] {
        const QString id = m_model->index(currentRow(), 0).data(RedemptionTableModel::CustomerIdRole).toString();
        if (!id.isEmpty())
            emit openCustomerRequested(id);
    });
    connect(m_openCampaign, &QPushButton::clicked, this, [this] {
        const QString id = m_model->index(currentRow(), 0).data(RedemptionTableModel::CampaignIdRole).toString();
        if (!id.isEmpty())
            emit openCampaignRequested(id);
    });

    auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *action = new QAction(this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_E), [this] { exportCsv(); });
    shortcut(QKeySequence(QKeySequence::Refresh), [this] { m_model->refresh(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backspace), [this] { clearFilters(); });

    setWorkspace(std::nullopt);
}

RedemptionsPage::~RedemptionsPage() = default;

void RedemptionsPage::buildFilterBar(QWidget *host)
{
    auto *grid = new QGridLayout(host);
    grid->setContentsMargins(0, 4, 0, 4);
    grid->setHorizontalSpacing(8);

    m_period = new QComboBox(host);
    m_period->setObjectName(QStringLiteral("periodFilter"));
    m_period->addItem(tr("Any time"), int(Period::AnyTime));
    m_period->addItem(tr("Today"), int(Period::Today));
    m_period->addItem(tr("Yesterday"), int(Period::Yesterday));
    m_period->addItem(tr("Last 7 days"), int(Period::Last7Days));
    m_period->addItem(tr("Last 30 days"), int(Period::Last30Days));
    m_period->addItem(tr("Custom range"), int(Period::Custom));
    m_zone = new QComboBox(host);
    m_zone->setObjectName(QStringLiteral("zoneFilter"));
    const QTimeZone local = QTimeZone::systemTimeZone();
    m_zone->addItem(tr("Local time (%1)").arg(zoneLabel(local)), QString::fromUtf8(local.id()));
    m_zone->addItem(tr("UTC"), QStringLiteral("UTC"));
    m_zone->setToolTip(tr("The zone of the dates shown and of the period"));
    m_from = new QDateTimeEdit(host);
    m_to = new QDateTimeEdit(host);
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
        edit->setEnabled(false);
    }
    m_from->setObjectName(QStringLiteral("fromFilter"));
    m_to->setObjectName(QStringLiteral("toFilter"));
    m_from->setToolTip(tr("From this moment (included)"));
    m_to->setToolTip(tr("Up to this moment (not included)"));
    const QDateTime now = QDateTime::currentDateTime();
    m_from->setDateTime(QDateTime(now.date().addDays(-7), QTime(0, 0)));
    m_to->setDateTime(QDateTime(now.date().addDays(1), QTime(0, 0)));

    m_campaign = new QComboBox(host);
    m_campaign->setObjectName(QStringLiteral("campaignFilter"));
    m_campaign->addItem(tr("All campaigns"), QString());
    m_campaign->setMinimumContentsLength(18);
    m_campaign->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_result = new QComboBox(host);
    m_result->setObjectName(QStringLiteral("resultFilter"));
    m_result->addItem(tr("Any result"), int(RedemptionOutcome::Any));
    m_result->addItem(tr("Succeeded"), int(RedemptionOutcome::Succeeded));
    m_result->addItem(tr("Failed"), int(RedemptionOutcome::Failed));
    m_result->addItem(tr("Rolled back"), int(RedemptionOutcome::RolledBack));
    m_result->addItem(tr("Rollbacks"), int(RedemptionOutcome::Rollbacks));
    m_failure = new QComboBox(host);
    m_failure->setObjectName(QStringLiteral("failureFilter"));
    m_failure->addItem(tr("Any failure key"), QString());
    m_channel = new QComboBox(host);
    m_channel->setObjectName(QStringLiteral("channelFilter"));
    m_channel->addItem(tr("Any channel"), QString());
    m_customer = new QLineEdit(host);
    m_customer->setObjectName(QStringLiteral("customerFilter"));
    m_customer->setPlaceholderText(tr("Customer: cust_…, source id or email"));
    m_customer->setClearButtonEnabled(true);
    m_code = new QLineEdit(host);
    m_code->setObjectName(QStringLiteral("codeFilter"));
    m_code->setPlaceholderText(tr("Code"));
    m_code->setClearButtonEnabled(true);
    m_clear = new QPushButton(tr("Clear filters"), host);
    m_clear->setToolTip(tr("Show every redemption (Ctrl+Shift+Backspace)"));

    auto label = [host](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, host);
        l->setBuddy(buddy);
        return l;
    };
    grid->addWidget(label(tr("&Period:"), m_period), 0, 0);
    grid->addWidget(m_period, 0, 1);
    grid->addWidget(m_from, 0, 2);
    grid->addWidget(new QLabel(QStringLiteral("–"), host), 0, 3);
    grid->addWidget(m_to, 0, 4);
    grid->addWidget(label(tr("&Times in:"), m_zone), 0, 5);
    grid->addWidget(m_zone, 0, 6, 1, 2);
    grid->addWidget(m_clear, 0, 8);
    grid->addWidget(label(tr("Ca&mpaign:"), m_campaign), 1, 0);
    grid->addWidget(m_campaign, 1, 1, 1, 2);
    grid->addWidget(m_result, 1, 3, 1, 2);
    grid->addWidget(m_failure, 1, 5, 1, 2);
    grid->addWidget(m_channel, 1, 7);
    grid->addWidget(m_customer, 2, 1, 1, 4);
    grid->addWidget(label(tr("C&ustomer:"), m_customer), 2, 0);
    grid->addWidget(label(tr("C&ode:"), m_code), 2, 5);
    grid->addWidget(m_code, 2, 6, 1, 2);
    grid->setColumnStretch(9, 1);

    for (QComboBox *box : {m_campaign, m_result, m_failure, m_channel})
        connect(box, &QComboBox::currentIndexChanged, this, &RedemptionsPage::scheduleFilter);
    connect(m_period, &QComboBox::currentIndexChanged, this, [this] {
        updatePeriodEdits();
        scheduleFilter();
    });
    connect(m_zone, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setTimeZone(QTimeZone(m_zone->currentData().toString().toUtf8()));
        scheduleFilter();
    });
    for (QDateTimeEdit *edit : {m_from, m_to})
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, &RedemptionsPage::scheduleFilter);
    for (QLineEdit *edit : {m_customer, m_code}) {
        connect(edit, &QLineEdit::textEdited, this, [this, edit] {
            edit->setStyleSheet(QString());
            scheduleFilter();
        });
        connect(edit, &QLineEdit::returnPressed, this, &RedemptionsPage::applyFilter);
    }
    connect(m_clear, &QPushButton::clicked, this, &RedemptionsPage::clearFilters);
}

void RedemptionsPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    const bool has = workspace.has_value();
    for (QWidget *w : findChildren<QWidget *>(Qt::FindDirectChildrenOnly))
        w->setVisible(has ? w != m_noWorkspace && w != m_filterError && w != m_newer && w != m_busy : w == m_noWorkspace);
    m_path = has ? workspace->path : QString();
    m_currency = has ? workspace->currency : QString();
    m_filterError->setVisible(false);
    m_newer->setVisible(false);
    m_model->setTimeZone(QTimeZone(m_zone->currentData().toString().toUtf8()));
    m_model->setWorkspace(m_path, m_currency);
    updateActions();
}

void RedemptionsPage::scheduleFilter()
{
    if (!m_updatingBar)
        m_filterDebounce->start();
}

void RedemptionsPage::updatePeriodEdits()
{
    const bool custom = Period(m_period->currentData().toInt()) == Period::Custom;
    m_from->setEnabled(custom);
    m_to->setEnabled(custom);
}

Store::RedemptionFilter RedemptionsPage::filterFromBar() const
{
    Store::RedemptionFilter filter;
    const QTimeZone zone(m_zone->currentData().toString().toUtf8());
    const QDate today = QDateTime::currentDateTime().toTimeZone(zone).date();
    auto at = [&zone](const QDate &day) { return QDateTime(day, QTime(0, 0), zone).toMSecsSinceEpoch(); };
    switch (Period(m_period->currentData().toInt())) {
    case Period::AnyTime: break;
    case Period::Today: filter.from = at(today); filter.to = at(today.addDays(1)); break;
    case Period::Yesterday: filter.from = at(today.addDays(-1)); filter.to = at(today); break;
    case Period::Last7Days: filter.from = at(today.addDays(-6)); filter.to = at(today.addDays(1)); break;
    case Period::Last30Days: filter.from = at(today.addDays(-29)); filter.to = at(today.addDays(1)); break;
    case Period::Custom: {
        const QDateTime from = m_from->dateTime();
        const QDateTime to = m_to->dateTime();
        filter.from = QDateTime(from.date(), from.time(), zone).toMSecsSinceEpoch();
        filter.to = QDateTime(to.date(), to.time(), zone).toMSecsSinceEpoch();
        break;
    }
    }
    filter.campaignId = m_campaign->currentData().toString();
    filter.outcome = RedemptionOutcome(m_result->currentData().toInt());
    filter.failureCode = m_failure->currentData().toString();
    filter.channel = m_channel->currentData().toString();
    filter.customer = m_customer->text().trimmed();
    filter.code = m_code->text().trimmed();
    return filter;
}

void RedemptionsPage::applyFilter()
{
    m_filterDebounce->stop();
    m_filterError->setVisible(false);
    const Store::RedemptionFilter filter = filterFromBar();
    if (filter.from && filter.to && *filter.to <= *filter.from) {
        m_filterError->setText(tr("The period ends before it starts: choose a “to” after the “from”."));
        m_filterError->setVisible(true);
        return;
    }
    m_model->setFilter(filter);
}

void RedemptionsPage::clearFilters()
{
    m_updatingBar = true;
    m_period->setCurrentIndex(0);
    m_campaign->setCurrentIndex(0);
    m_result->setCurrentIndex(0);
    m_failure->setCurrentIndex(0);
    m_channel->setCurrentIndex(0);
    m_customer->clear();
    m_code->clear();
    m_customer->setStyleSheet(QString());
    m_code->setStyleSheet(QString());
    m_updatingBar = false;
    updatePeriodEdits();
    applyFilter();
}

void RedemptionsPage::updateTotals()
{
    const Store::RedemptionTotals t = m_model->totals();
    const QLocale locale;
    if (!m_model->totalsKnown()) {
        m_totals->setText(tr("<b>%1</b> attempts · counting totals…").arg(locale.toString(t.rows)));
        return;
    }
    QString text = tr("<b>%1</b> attempts · %2 succeeded · %3 failed · %4 rolled back")
                       .arg(locale.toString(t.rows), locale.toString(t.succeeded), locale.toString(t.failed),
                            locale.toString(t.rolledBack));
    if (t.rollbacks > 0)
        text += tr(" · %1 rollbacks").arg(locale.toString(t.rollbacks));
    text += tr(" — discount given <b>%1</b> · order value %2")
                .arg(formatMoney(t.discountGiven, m_currency), formatMoney(t.orderAmount, m_currency));
    m_totals->setText(text);
    m_totals->setToolTip(tr("Discount given counts succeeded redemptions (not rolled-back ones); order value counts "
                            "every attempt's order, rollback entries excluded."));
    m_export->setEnabled(!m_path.isEmpty());
}

int RedemptionsPage::currentRow() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void RedemptionsPage::updateActions()
{
    const int row = currentRow();
    const QModelIndex index = row >= 0 ? m_model->index(row, 0) : QModelIndex();
    const bool loaded = index.isValid() && index.data(RedemptionTableModel::LoadedRole).toBool();
    m_rollBack->setEnabled(loaded && index.data(RedemptionTableModel::CanRollBackRole).toBool());
    m_openCustomer->setEnabled(loaded && !index.data(RedemptionTableModel::CustomerIdRole).toString().isEmpty());
    m_openCampaign->setEnabled(loaded && !index.data(RedemptionTableModel::CampaignIdRole).toString().isEmpty());
    m_export->setEnabled(!m_path.isEmpty());
}

void RedemptionsPage::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_table->indexAt(position);
    if (!index.isValid() || !index.data(RedemptionTableModel::LoadedRole).toBool())
        return;
    m_table->setCurrentIndex(index);
    QMenu menu(this);
    QAction *rollBack = menu.addAction(tr("Roll back…"), this, [this, row = index.row()] { confirmRollBack(row); });
    rollBack->setEnabled(index.data(RedemptionTableModel::CanRollBackRole).toBool());
    const QString customer = index.data(RedemptionTableModel::CustomerIdRole).toString();
    menu.addAction(tr("Open customer"), this, [this, customer] { emit openCustomerRequested(customer); })
        ->setEnabled(!customer.isEmpty());
    const QString campaign = index.data(RedemptionTableModel::CampaignIdRole).toString();
    menu.addAction(tr("Open campaign"), this, [this, campaign] { emit openCampaignRequested(campaign); })
        ->setEnabled(!campaign.isEmpty());
    menu.addSeparator();
    const QString id = index.data(RedemptionTableModel::RedemptionIdRole).toString();
    menu.addAction(tr("Copy ID %1").arg(id), this, [id] { QApplication::clipboard()->setText(id); });
    menu.addAction(tr("Show only this customer"), this, [this, customer] {
        m_customer->setText(customer);
        applyFilter();
    })->setEnabled(!customer.isEmpty());
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

ExportDialog *RedemptionsPage::exportCsv()
{
    if (m_path.isEmpty())
        return nullptr;
    const Store::RedemptionFilter filter = m_model->filter();
    const Store::RedemptionOrder order = m_model->order();
    auto makeList = [filter, order](Store::Connection &connection) {
        return Store::RedemptionList(connection).exportList(filter, order);
    };
    const QString name = QStringLiteral("redemptions-%1.csv").arg(QDate::currentDate().toString(Qt::ISODate));
    auto *dialog = new ExportDialog(m_path, Store::redemptionColumns(), makeList, m_model->total(), name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void RedemptionsPage::confirmRollBack(int row)
{
    const std::optional<Store::RedemptionRow> redemption = m_model->rowAt(row);
    if (!redemption || !redemption->canRollBack())
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Roll back %1").arg(redemption->publicId()));
    auto *form = new QFormLayout(&dialog);
    auto *what = new QLabel(tr("Roll back the redemption of %1 by %2 in “%3” on %4?\n\nThe discount of %5 goes back to "
                               "the campaign's budget and limits, and the code can be used again. The rollback is "
                               "recorded; it cannot be undone.")
                                .arg(redemption->code.isEmpty() ? redemption->tierName : redemption->code,
                                     redemption->customerName.isEmpty() ? tr("a guest") : redemption->customerName,
                                     redemption->campaignName,
                                     m_model->index(row, RedemptionTableModel::Date).data().toString(),
                                     formatMoney(redemption->discountAmount, m_currency)),
                            &dialog);
    what->setWordWrap(true);
    auto *reason = new QLineEdit(&dialog);
    reason->setPlaceholderText(tr("e.g. order cancelled"));
    form->addRow(what);
    form->addRow(tr("&Reason:"), reason);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
    QPushButton *confirm = buttons->addButton(tr("Roll back"), QDialogButtonBox::AcceptRole);
    confirm->setEnabled(false);
    connect(reason, &QLineEdit::textChanged, confirm, [confirm](const QString &text) { confirm->setEnabled(!text.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    dialog.resize(460, dialog.sizeHint().height());
    if (dialog.exec() == QDialog::Accepted)
        rollBack(row, reason->text().trimmed());
}

void RedemptionsPage::rollBack(int row, const QString &reason)
{
    const std::optional<Store::RedemptionRow> redemption = m_model->rowAt(row);
    if (!redemption || !redemption->canRollBack() || m_path.isEmpty())
        return;
    const QString id = redemption->publicId();
    m_rollBack->setEnabled(false);
    auto *watcher = new QFutureWatcher<Result<qint64>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id] {
        watcher->deleteLater();
        const Result<qint64> result = watcher->result();
        if (!result) {
            const QString message = tr("Cannot roll back %1: %2").arg(id, result.error().toString());
            m_filterError->setText(message);
            m_filterError->setVisible(true);
            emit rolledBack(id, false, message);
            updateActions();
            return;
        }
        m_model->refresh();
        emit rolledBack(id, true, tr("Rolled back %1 (%2).").arg(id, Ids::make(Ids::Redemption, result.value())));
    });
    watcher->setFuture(m_tasks.track(Store::RedemptionTasks::rollback(m_path, redemption->id, reason)));
}

} // namespace PromoDesk::Ui
