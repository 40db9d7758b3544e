#include "customerspage.h"

#include "dialogs/exportdialog.h"
#include "dialogs/importdialog.h"
#include "items/customertablemodel.h"
#include "widgets/customerprofilepanel.h"
#include "widgets/emptystate.h"
#include "store/listexport.h"

#include <QAction>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedLayout>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

using Items::CustomerTableModel;

CustomersPage::CustomersPage(QWidget *parent)
    : Page(parent), m_model(new CustomerTableModel(this)), m_search(new QLineEdit(this)),
      m_searchDebounce(new QTimer(this)), m_summary(new QLabel(this)), m_import(new QPushButton(tr("Import CSV…"), this)),
      m_error(new QLabel(this)),
      m_busy(new QProgressBar(this)), m_table(new QTableView(this)), m_splitter(new QSplitter(this)),
      m_profile(new CustomerProfilePanel(this)), m_noWorkspace(new EmptyState(this))
{
    setObjectName(QStringLiteral("customersPage"));

    setUpSearch(m_search, QStringLiteral("customerSearch"), tr("Search by name, email, customer id or source id…"), 320);

    // Filter as you type, but query once typing pauses.
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, m_searchDebounce, qOverload<>(&QTimer::start));
    connect(m_searchDebounce, &QTimer::timeout, this, [this] { m_model->setSearch(m_search->text().trimmed()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDebounce->stop();
        m_model->setSearch(m_search->text().trimmed());
    });

    m_busy->setRange(0, 0); // an animated busy bar while a query runs
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_error->setVisible(false);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3261e;"));

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_search, 2);
    toolbar->addSpacing(12);
    toolbar->addWidget(m_summary, 1);
    toolbar->addWidget(m_busy);
    m_import->setObjectName(QStringLiteral("importCsv"));
    m_import->setToolTip(tr("Import customers, products, orders or events from a CSV file"));
    connect(m_import, &QPushButton::clicked, this, &CustomersPage::importCsv);
    toolbar->addWidget(m_import);
    auto *exportCsv = new QPushButton(tr("Export CSV…"), this);
    exportCsv->setObjectName(QStringLiteral("exportCustomers"));
    exportCsv->setToolTip(tr("Export the customers listed (the search and order shown) to CSV"));
    connect(exportCsv, &QPushButton::clicked, this, &CustomersPage::exportCsv);
    toolbar->addWidget(exportCsv);

    m_table->setObjectName(QStringLiteral("customersTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CustomerTableModel::Name, Qt::AscendingOrder);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    // Fixed row heights: the view never measures rows, so millions of rows cost nothing.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setHighlightSections(false);
    const QList<int> widths{180, 240, 64, 120, 116, 64, 100, 120, 90};
    for (int c = 0; c < widths.size(); ++c)
        m_table->setColumnWidth(c, widths[c]);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Columns without an index cannot be sorted: put the indicator back.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this](int column, Qt::SortOrder) {
        if (!CustomerTableModel::isSortable(column)) {
            const QSignalBlocker blocker(m_table->horizontalHeader());
            m_table->horizontalHeader()->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
        }
    });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) { openProfile(index.row()); });

    m_profile->setVisible(false);
    // An edit or an erasure changes the row: reload the list (the profile stays open).
    connect(m_profile, &CustomerProfilePanel::customerChanged, this, [this] {
        if (!m_path.isEmpty())
            m_model->setWorkspace(m_path, m_currency);
    });
    connect(m_profile, &CustomerProfilePanel::closeRequested, this, [this] {
        m_profile->setVisible(false);
        m_table->setFocus();
    });
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_profile);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);

    connect(m_model, &CustomerTableModel::totalChanged, this, &CustomersPage::updateSummary);
    // A new search or sort starts at the top, as in any list.
    connect(m_model, &QAbstractItemModel::modelReset, m_table, &QTableView::scrollToTop);
    connect(m_model, &CustomerTableModel::loadingChanged, this, [this](bool loading) {
        m_busy->setVisible(loading);
        if (loading)
            m_error->setVisible(false);
    });
    connect(m_model, &CustomerTableModel::errorOccurred, this, [this](const QString &message) {
        m_error->setText(tr("Could not load customers: %1").arg(message));
        m_error->setVisible(true);
    });

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(16, 12, 16, 12);
    contentLayout->addLayout(toolbar);
    contentLayout->addWidget(m_error);
    contentLayout->addWidget(m_splitter, 1);

    m_noWorkspace->setHeading(tr("No workspace open"));
    m_noWorkspace->setText(tr("Open or create a workspace to see its customers."));

    auto *stack = new QStackedLayout(this);
    stack->addWidget(m_noWorkspace);
    stack->addWidget(content);
    setWorkspace(std::nullopt);
}

void CustomersPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    m_hasWorkspace = workspace.has_value();
    static_cast<QStackedLayout *>(layout())->setCurrentIndex(m_hasWorkspace ? 1 : 0);
    m_search->clear();
    m_searchDebounce->stop();
    m_profile->setVisible(false);
    m_error->setVisible(false);
    const QString path = workspace ? workspace->path : QString();
    const QString currency = workspace ? workspace->currency : QString();
    m_path = path;
    m_currency = currency;
    m_profile->setWorkspace(path, currency);
    m_model->setSearch(QString());
    m_model->setWorkspace(path, currency);
    updateSummary();
}

void CustomersPage::updateSummary()
{
    const QLocale locale = QLocale::system();
    const qint64 total = m_model->total();
    if (m_model->search().isEmpty())
        m_summary->setText(total == 1 ? tr("1 member") : tr("%1 members").arg(locale.toString(total)));
    else
        m_summary->setText(tr("%1 matching “%2”").arg(locale.toString(total), m_model->search()));
}

void CustomersPage::openProfile(int row)
{
    const QString id = m_model->index(row, 0).data(CustomerTableModel::CustomerIdRole).toString();
    if (id.isEmpty())
        return; // the row has not loaded yet
    openCustomer(id);
}

void CustomersPage::openCustomer(const QString &customerId)
{
    if (customerId.isEmpty() || m_path.isEmpty())
        return;
    m_profile->setVisible(true);
    m_profile->showCustomer(customerId);
}

void CustomersPage::importCsv()
{
    if (m_path.isEmpty())
        return;
    auto *dialog = new ImportDialog(m_path, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::imported, this, [this] {
        m_model->setWorkspace(m_path, m_currency); // reload: counts and rows changed
        emit dataImported();
    });
    dialog->open();
}

void CustomersPage::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape && m_profile->isVisible()) {
        m_profile->setVisible(false);
        m_table->setFocus();
        return;
    }
    Page::keyPressEvent(event);
}

ExportDialog *CustomersPage::exportCsv()
{
    if (m_path.isEmpty())
        return nullptr;
    const Store::CustomerQuery query = m_model->query();
    const Store::ExportList list = Store::Lists::customers(query.search, int(query.sort), query.descending);
    auto makeList = [list](Store::Connection &) -> Result<Store::ExportList> { return list; };
    auto *dialog = new ExportDialog(m_path, list, makeList, m_model->total(), QStringLiteral("customers.csv"), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

} // namespace PromoDesk::Ui
