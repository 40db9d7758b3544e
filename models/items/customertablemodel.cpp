#include "customertablemodel.h"

#include "common/ids.h"
#include "common/money.h"
#include "customerloader.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>

namespace PromoDesk::Items {

using namespace PromoDesk::Store;

namespace {

constexpr int MaxInFlight = 2;

QString dateText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate);
}

std::optional<CustomerSort> sortForColumn(int column)
{
    switch (column) {
    case CustomerTableModel::Name: return CustomerSort::Name;
    case CustomerTableModel::SignedUp: return CustomerSort::CreatedAt;
    case CustomerTableModel::Orders: return CustomerSort::OrdersCount;
    case CustomerTableModel::TotalSpent: return CustomerSort::TotalSpent;
    case CustomerTableModel::LastOrder: return CustomerSort::LastOrderAt;
    default: return std::nullopt;
    }
}

} // namespace

CustomerTableModel::CustomerTableModel(QObject *parent)
    : QAbstractTableModel(parent), m_generation(std::make_shared<std::atomic<quint64>>(0))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &CustomerTableModel::flushRequests);
}

CustomerTableModel::~CustomerTableModel()
{
    stopThread();
}

void CustomerTableModel::stopThread()
{
    // Queued requests see the new generation and return at once; the loader closes its
    // connection in its own thread as that thread ends.
    m_loaderThread.stop();
    m_loader = nullptr;
}

bool CustomerTableModel::isSortable(int column)
{
    return sortForColumn(column).has_value();
}

void CustomerTableModel::setWorkspace(const QString &path, const QString &currency)
{
    stopThread();
    m_path = path;
    m_currency = currency;
    if (!path.isEmpty()) {
        m_loader = m_loaderThread.start(path);
    }
    restart();
}

void CustomerTableModel::setSearch(const QString &text)
{
    if (text == m_query.search)
        return;
    m_query.search = text;
    restart();
}

void CustomerTableModel::sort(int column, Qt::SortOrder order)
{
    const auto sort = sortForColumn(column);
    if (!sort)
        return;
    const bool descending = order == Qt::DescendingOrder;
    if (*sort == m_query.sort && descending == m_query.descending)
        return;
    m_sortColumn = column;
    m_query.sort = *sort;
    m_query.descending = descending;
    // Same rows in another order: the count stands, only the pages go. While a
    // count is still on its way (a search just typed), recount with the new order.
    if (m_loader && m_total > 0 && !m_counting) {
        m_generation->fetch_add(1);
        m_loader->interrupt();
        m_inFlight.clear();
        beginResetModel();
        m_pages.clear();
        endResetModel();
        requestPage(0);
        return;
    }
    restart();
}

// A new query: bump the generation (stale answers are dropped), count, then page.
void CustomerTableModel::restart()
{
    const quint64 generation = m_generation->fetch_add(1) + 1;
    if (m_loader)
        m_loader->interrupt();
    m_inFlight.clear();
    m_pages.clearWanted();
    if (!m_loader) {
        beginResetModel();
        m_pages.clear();
        m_total = 0;
        endResetModel();
        emit totalChanged(0);
        m_counting = false;
        updateLoading();
        return;
    }
    m_counting = true;
    updateLoading();
    const CustomerQuery query = m_query;
    runInLoader(
        m_loader, this, [generation, query](CustomerLoader *loader) { return loader->count(generation, query); },
        [this, generation](const Result<qint64> &result) { onCounted(generation, result); });
}

void CustomerTableModel::onCounted(quint64 generation, const Result<qint64> &result)
{
    if (generation != m_generation->load())
        return;
    m_counting = false;
    if (!result) {
        updateLoading();
        emit errorOccurred(result.error().toString());
        return;
    }
    // The old rows stay on screen until the new query has its count: no flash of emptiness.
    beginResetModel();
    m_pages.clear();
    m_total = result.value();
    endResetModel();
    emit totalChanged(m_total);
    updateLoading();
    if (m_total > 0)
        requestPage(0);
}

const CustomerRow *CustomerTableModel::rowAt(int row) const
{
    const CustomerRow *found = m_pages.row(row);
    if (!found && !m_flushTimer.isActive())
        m_flushTimer.start();
    return found;
}

void CustomerTableModel::requestPage(int page) const
{
    m_pages.want(page);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void CustomerTableModel::flushRequests()
{
    // Until a new search has its count, cached pages belong to the old query: their
    // keys must not seed pages of the new one. The count's reset asks again.
    if (!m_loader || m_counting)
        return;
    const quint64 generation = m_generation->load();
    while (m_inFlight.size() < MaxInFlight && m_pages.hasWanted()) {
        const int page = m_pages.takeWanted();
        if (m_pages.contains(page) || m_inFlight.contains(page))
            continue;
        CustomerLoader::PageRequest request;
        request.generation = generation;
        request.query = m_query;
        request.page = page;
        request.pageSize = PageSize;
        // Neighbouring pages give a key to seek from, so paging never scans by offset.
        if (const auto *before = m_pages.page(page - 1); before && before->size() == PageSize)
            request.after = before->constLast().key();
        else if (const auto *after = m_pages.page(page + 1); after && !after->isEmpty())
            request.before = after->constFirst().key();
        m_inFlight.insert(page);
        runInLoader(
            m_loader, this, [request](CustomerLoader *loader) { return loader->loadPage(request); },
            [this, request](const Result<QList<CustomerRow>> &result) { onPageLoaded(request.generation, request.page, result); });
    }
    updateLoading();
}

void CustomerTableModel::onPageLoaded(quint64 generation, int page, const Result<QList<CustomerRow>> &result)
{
    if (generation != m_generation->load())
        return;
    m_inFlight.remove(page);
    if (!result) {
        emit errorOccurred(result.error().toString());
    } else {
        m_pages.insert(page, result.value());
        const int first = page * PageSize;
        const int last = int(std::min<qint64>(m_total, qint64(first) + PageSize)) - 1;
        if (last >= first)
            emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
    }
    flushRequests();
}

// Loading means exactly: a count or a page is on its way.
void CustomerTableModel::updateLoading()
{
    setLoading(m_counting || !m_inFlight.isEmpty());
}

void CustomerTableModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    emit loadingChanged(loading);
}

int CustomerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_total);
}

int CustomerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CustomerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == Qt::TextAlignmentRole) {
        const int c = index.column();
        if (c == Orders || c == TotalSpent)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != CustomerIdRole && role != LoadedRole)
        return {};
    const CustomerRow *row = rowAt(index.row());
    if (role == LoadedRole)
        return row != nullptr;
    if (!row)
        return role == Qt::DisplayRole && index.column() == Name ? QVariant(QStringLiteral("…")) : QVariant();
    if (role == CustomerIdRole)
        return Ids::make(Ids::Customer, row->rowid);
    switch (index.column()) {
    case Name: return row->name;
    case Email: return row->email;
    case Country: return row->country;
    case City: return row->city;
    case SignedUp: return dateText(row->createdAt);
    case Orders: return row->ordersCount;
    case TotalSpent: return formatMoney(row->totalSpent, m_currency);
    case LastOrder: return row->lastOrderAt ? dateText(*row->lastOrderAt) : (role == Qt::ToolTipRole ? tr("No orders yet") : QString());
    case Id: return Ids::make(Ids::Customer, row->rowid);
    default: return {};
    }
}

QVariant CustomerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole)
        return isSortable(section) ? tr("Click to sort") : tr("This column cannot be sorted");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Name");
    case Email: return tr("Email");
    case Country: return tr("Country");
    case City: return tr("City");
    case SignedUp: return tr("Signed up (UTC)");
    case Orders: return tr("Orders");
    case TotalSpent: return tr("Total spent");
    case LastOrder: return tr("Last order (UTC)");
    case Id: return tr("ID");
    default: return {};
    }
}

} // namespace PromoDesk::Items
