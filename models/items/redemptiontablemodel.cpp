#include "redemptiontablemodel.h"

#include "common/ids.h"
#include "common/money.h"
#include "redemptionloader.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QPointer>

namespace PromoDesk::Items {

using namespace PromoDesk::Store;

namespace {
constexpr int MaxInFlight = 2;
} // namespace

RedemptionTableModel::RedemptionTableModel(QObject *parent)
    : QAbstractTableModel(parent), m_generation(std::make_shared<std::atomic<quint64>>(0))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &RedemptionTableModel::flushRequests);
    m_watchTimer.setInterval(WatchIntervalMs);
    connect(&m_watchTimer, &QTimer::timeout, this, &RedemptionTableModel::watch);
}

RedemptionTableModel::~RedemptionTableModel()
{
    stopThread();
}

void RedemptionTableModel::stopThread()
{
    m_watchTimer.stop();
    // Queued requests see the new generation and return at once; the loader closes its
    // connection in its own thread as that thread ends.
    m_loaderThread.stop();
    m_loader = nullptr;
}

std::optional<RedemptionSort> RedemptionTableModel::sortForColumn(int column)
{
    switch (column) {
    case Date: return RedemptionSort::Date;
    case Code: return RedemptionSort::Code;
    case Campaign: return RedemptionSort::Campaign;
    case Customer: return RedemptionSort::Customer;
    case Order: return RedemptionSort::Order;
    case OrderAmount: return RedemptionSort::OrderAmount;
    case Discount: return RedemptionSort::Discount;
    case Outcome: return RedemptionSort::Result;
    case FailureCode: return RedemptionSort::FailureCode;
    case Channel: return RedemptionSort::Channel;
    case Id: return RedemptionSort::Id;
    default: return std::nullopt;
    }
}

void RedemptionTableModel::setWorkspace(const QString &path, const QString &currency)
{
    stopThread();
    m_path = path;
    m_currency = currency;
    if (!path.isEmpty()) {
        m_loader = m_loaderThread.start(path);
        m_watchTimer.start();
    }
    restart();
    // The filter bar's choices, on their own connection: the loader's queue stays free
    // for the rows (two passes over the table: ~0.5 s on a million attempts).
    if (!path.isEmpty()) {
        auto *watcher = new QFutureWatcher<Result<RedemptionFilterChoices>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
            watcher->deleteLater();
            const auto choices = watcher->result();
            if (choices && path == m_path)
                emit choicesLoaded(choices.value());
        });
        watcher->setFuture(RedemptionTasks::choices(path));
    }
}

void RedemptionTableModel::setFilter(const RedemptionFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    restart();
}

void RedemptionTableModel::setTimeZone(const QTimeZone &zone)
{
    if (zone == m_zone)
        return;
    m_zone = zone;
    emit headerDataChanged(Qt::Horizontal, Date, Date);
    if (!m_ids.empty())
        emit dataChanged(index(0, Date), index(rowCount() - 1, Date), {Qt::DisplayRole});
}

void RedemptionTableModel::sort(int column, Qt::SortOrder order)
{
    const auto sort = sortForColumn(column);
    if (!sort)
        return;
    const RedemptionOrder wanted{*sort, order == Qt::DescendingOrder};
    if (wanted == m_order)
        return;
    m_order = wanted;
    restart();
}

void RedemptionTableModel::refresh()
{
    restart();
}

// A new snapshot: bump the generation (stale answers are dropped), then page. The old
// rows stay on screen until the new snapshot is in: no flash of emptiness.
void RedemptionTableModel::restart()
{
    const quint64 generation = m_generation->fetch_add(1) + 1;
    m_inFlight.clear();
    m_pages.clearWanted();
    if (!m_loader) {
        beginResetModel();
        m_pages.clear();
        m_ids.clear();
        m_totals = {};
        endResetModel();
        m_snapshotting = false;
        m_totalsKnown = true;
        emit totalsChanged(m_totals);
        updateLoading();
        return;
    }
    m_loader->interrupt();
    m_snapshotting = true;
    updateLoading();
    const RedemptionFilter filter = m_filter;
    const RedemptionOrder order = m_order;
    m_totalsKnown = false;
    runInLoader(
        m_loader, this, [generation, filter, order](RedemptionLoader *loader) { return loader->snapshot(generation, filter, order); },
        [this, generation](const Result<std::shared_ptr<const RedemptionSnapshot>> &ids) { onSnapshot(generation, ids); });
}

void RedemptionTableModel::onSnapshot(quint64 generation, const Result<std::shared_ptr<const RedemptionSnapshot>> &result)
{
    if (generation != m_generation->load())
        return;
    m_snapshotting = false;
    beginResetModel();
    m_pages.clear();
    m_totals = {};
    if (result) {
        m_ids = result.value()->ids;
        m_totals.rows = qint64(m_ids.size());
        m_maxId = result.value()->maxId;
    } else {
        m_ids.clear();
        m_totalsKnown = true; // nothing to count
    }
    endResetModel();
    updateLoading();
    if (!result) {
        const Error &e = result.error();
        static const QStringList filterFields = {QStringLiteral("campaign"), QStringLiteral("customer"), QStringLiteral("code"),
                                                 QStringLiteral("to")};
        if (filterFields.contains(e.where))
            emit filterRejected(e.message, e.where);
        else
            emit errorOccurred(e.toString());
    }
    emit totalsChanged(m_totals);
    m_newer = 0;
    emit newerAvailable(0);
    if (!result)
        return;
    // The first page, then the totals: the loader runs them in this order, in the
    // snapshot's read transaction, so the rows show before the totals are counted.
    if (!m_ids.empty()) {
        m_pages.want(0);
        flushRequests();
    }
    const RedemptionFilter filter = m_filter;
    runInLoader(
        m_loader, this, [generation, filter](RedemptionLoader *loader) { return loader->totals(generation, filter); },
        [this, generation](const Result<RedemptionTotals> &totals) { onTotals(generation, totals); });
}

void RedemptionTableModel::onTotals(quint64 generation, const Result<RedemptionTotals> &result)
{
    if (generation != m_generation->load() || m_totalsKnown)
        return;
    m_totalsKnown = true;
    if (result)
        m_totals = result.value();
    else
        emit errorOccurred(result.error().toString());
    updateLoading();
    emit totalsChanged(m_totals);
}

const RedemptionRow *RedemptionTableModel::loadedRow(int row) const
{
    const RedemptionRow *found = m_pages.row(row);
    if (!found && !m_flushTimer.isActive())
        m_flushTimer.start();
    return found;
}

std::optional<RedemptionRow> RedemptionTableModel::rowAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return std::nullopt;
    if (const RedemptionRow *found = loadedRow(row))
        return *found;
    return std::nullopt;
}

void RedemptionTableModel::flushRequests()
{
    if (!m_loader || m_snapshotting)
        return;
    const quint64 generation = m_generation->load();
    while (m_inFlight.size() < MaxInFlight && m_pages.hasWanted()) {
        const int page = m_pages.takeWanted();
        if (m_pages.contains(page) || m_inFlight.contains(page))
            continue;
        const qsizetype first = qsizetype(page) * PageSize;
        if (first >= qsizetype(m_ids.size()))
            continue;
        const qsizetype last = std::min<qsizetype>(first + PageSize, qsizetype(m_ids.size()));
        const QList<qint64> ids(m_ids.begin() + first, m_ids.begin() + last);
        m_inFlight.insert(page);
        runInLoader(
            m_loader, this, [generation, ids](RedemptionLoader *loader) { return loader->rows(generation, ids); },
            [this, generation, page](const Result<QList<RedemptionRow>> &rows) { onPageLoaded(generation, page, rows); });
    }
    updateLoading();
}

void RedemptionTableModel::onPageLoaded(quint64 generation, int page, const Result<QList<RedemptionRow>> &result)
{
    if (generation != m_generation->load())
        return;
    m_inFlight.remove(page);
    if (!result) {
        emit errorOccurred(result.error().toString());
    } else {
        // A row deleted since the snapshot would shift the page: keep the rows aligned with the ids.
        QList<RedemptionRow> rows = result.value();
        const qsizetype first = qsizetype(page) * PageSize;
        const qsizetype count = std::min<qsizetype>(PageSize, qsizetype(m_ids.size()) - first);
        if (rows.size() != count) {
            QHash<qint64, RedemptionRow> byId;
            for (const RedemptionRow &row : rows)
                byId.insert(row.id, row);
            rows.clear();
            for (qsizetype i = 0; i < count; ++i) {
                RedemptionRow row = byId.value(m_ids[size_t(first + i)]);
                if (row.id == 0) {
                    row.id = m_ids[size_t(first + i)];
                    row.failureMessage = tr("(deleted since the list was loaded)");
                }
                rows.append(row);
            }
        }
        m_pages.insert(page, rows);
        if (count > 0)
            emit dataChanged(index(int(first), 0), index(int(first + count - 1), ColumnCount - 1));
    }
    flushRequests();
}

void RedemptionTableModel::watch()
{
    if (!m_loader || m_snapshotting || m_watching)
        return;
    m_watching = true;
    const RedemptionFilter filter = m_filter;
    const qint64 after = m_maxId;
    const quint64 generation = m_generation->load();
    runInLoader(
        m_loader, this, [filter, after](RedemptionLoader *loader) { return loader->countNewer(filter, after); },
        [this, generation](const Result<qint64> &newer) {
            m_watching = false;
            if (generation != m_generation->load() || !newer || newer.value() == m_newer)
                return;
            m_newer = newer.value();
            emit newerAvailable(m_newer);
        });
}

void RedemptionTableModel::updateLoading()
{
    const bool loading = m_snapshotting || !m_totalsKnown || !m_inFlight.isEmpty();
    if (loading == m_loading)
        return;
    m_loading = loading;
    emit loadingChanged(loading);
}

int RedemptionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int RedemptionTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RedemptionTableModel::timeText(qint64 ms) const
{
    return QDateTime::fromMSecsSinceEpoch(ms, m_zone).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QVariant RedemptionTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int column = index.column();
    if (role == Qt::TextAlignmentRole) {
        if (column == OrderAmount || column == Discount)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role < RedemptionIdRole)
        return {};
    const RedemptionRow *row = loadedRow(index.row());
    if (role == LoadedRole)
        return row != nullptr;
    if (!row)
        return role == Qt::DisplayRole && column == Date ? QVariant(QStringLiteral("…")) : QVariant();
    switch (role) {
    case RedemptionIdRole: return row->publicId();
    case CustomerIdRole: return row->customerKey ? Ids::make(Ids::Customer, *row->customerKey) : QString();
    case CampaignIdRole: return row->campaignId;
    case CanRollBackRole: return row->canRollBack();
    case OutcomeRole: return int(row->outcome());
    default: break;
    }
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Date: return tip ? QDateTime::fromMSecsSinceEpoch(row->createdAt, QTimeZone::utc()).toString(Qt::ISODateWithMs)
                          : timeText(row->createdAt);
    case Code:
        if (!row->code.isEmpty())
            return row->code;
        if (!row->tierId.isEmpty())
            return tip ? tr("Promotion tier %1").arg(row->tierId) : (row->tierName.isEmpty() ? row->tierId : row->tierName);
        return QVariant();
    case Campaign: return tip ? row->campaignId : row->campaignName;
    case Customer:
        if (!row->customerKey)
            return tip ? tr("No customer in the request") : tr("Guest");
        if (tip)
            return tr("%1 · source id %2").arg(Ids::make(Ids::Customer, *row->customerKey), row->customerSourceId);
        return row->customerName.isEmpty() ? Ids::make(Ids::Customer, *row->customerKey) : row->customerName;
    case Order: return row->orderSourceId;
    case OrderAmount: return row->orderAmount ? formatMoney(*row->orderAmount, m_currency) : QString();
    case Discount:
        if (row->isRollback)
            return tip ? tr("Discount returned by this rollback") : formatMoney(-row->discountAmount, m_currency);
        return row->result == QLatin1String("FAILURE") && !tip ? QString() : formatMoney(row->discountAmount, m_currency);
    case Outcome:
        if (tip && row->isRollback && row->rollbackOf)
            return tr("Rolls back %1").arg(Ids::make(Ids::Redemption, *row->rollbackOf));
        return row->outcomeLabel();
    case FailureCode: return row->failureCode;
    case Message: return row->failureMessage.isEmpty() ? row->reason : row->failureMessage;
    case Channel: return row->channel;
    case Id: return row->publicId();
    default: return {};
    }
}

QVariant RedemptionTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole)
        return sortForColumn(section) ? tr("Click to sort") : tr("This column cannot be sorted");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Date: return tr("Date (%1)").arg(m_zone == QTimeZone::utc() ? QStringLiteral("UTC") : QString::fromUtf8(m_zone.id()));
    case Code: return tr("Code / tier");
    case Campaign: return tr("Campaign");
    case Customer: return tr("Customer");
    case Order: return tr("Order");
    case OrderAmount: return tr("Order amount");
    case Discount: return tr("Discount");
    case Outcome: return tr("Result");
    case FailureCode: return tr("Failure key");
    case Message: return tr("Message / reason");
    case Channel: return tr("Channel");
    case Id: return tr("ID");
    default: return {};
    }
}

} // namespace PromoDesk::Items
