#include "campaignlistmodel.h"

#include "common/money.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QLocale>
#include <QTimeZone>

#include <limits>

namespace PromoDesk::Items {

using Engine::Campaign;
using Engine::CampaignStatus;
using Engine::CampaignType;

namespace {

// Lifecycle order, so that sorting by status reads draft → active → … → archived.
int statusOrder(CampaignStatus status)
{
    return int(status);
}

QString dateTimeText(qint64 ms, const QTimeZone &zone)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms, zone);
    return at.time() == QTime(0, 0) ? at.date().toString(Qt::ISODate)
                                    : at.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

CampaignListModel::CampaignListModel(QObject *parent) : QAbstractTableModel(parent) {}

CampaignListModel::~CampaignListModel()
{
    // No read outlives the model that asked for it.
    m_future.waitForFinished();
}

void CampaignListModel::setWorkspace(const QString &path, const QString &currency)
{
    beginResetModel();
    m_rows.clear();
    m_path = path;
    m_currency = currency;
    m_loaded = false;
    endResetModel();
    if (m_path.isEmpty()) {
        ++m_generation; // drop whatever is still running
        m_pending = false;
        return;
    }
    reload();
}

void CampaignListModel::reload()
{
    ++m_generation;
    if (m_path.isEmpty())
        return;
    if (m_running) {
        m_pending = true; // the running answer is stale; ask again when it is in
        return;
    }
    launch();
}

void CampaignListModel::launch()
{
    const quint64 generation = m_generation;
    m_running = true;
    emit loadingChanged(true);
    m_future = Store::CampaignTasks::summaries(m_path);
    // A watcher always reports through the event loop, even for a load that is done
    // before this line: onLoaded never runs inside launch().
    auto *watcher = new QFutureWatcher<Result<QList<Store::CampaignSummary>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        onLoaded(generation, watcher->result());
    });
    watcher->setFuture(m_future);
}

void CampaignListModel::onLoaded(quint64 generation, const Result<QList<Store::CampaignSummary>> &result)
{
    m_running = false;
    if (m_pending) {
        m_pending = false;
        if (!m_path.isEmpty()) {
            launch();
            return;
        }
    }
    emit loadingChanged(false);
    if (generation != m_generation)
        return;
    if (!result) {
        emit errorOccurred(result.error().toString());
        return;
    }
    const QList<Store::CampaignSummary> &rows = result.value();
    bool sameCampaigns = rows.size() == m_rows.size() && !rows.isEmpty();
    for (int i = 0; sameCampaigns && i < rows.size(); ++i)
        sameCampaigns = rows[i].campaign.id == m_rows[i].campaign.id;
    m_loaded = true;
    if (sameCampaigns) {
        // The same campaigns (a status change, new redemptions): keep rows, selection and sort.
        m_rows = rows;
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }
    emit loaded();
}

void CampaignListModel::applyCampaigns(const QList<Engine::Campaign> &campaigns)
{
    for (const Engine::Campaign &campaign : campaigns) {
        const int row = rowOf(campaign.id);
        if (row < 0)
            continue;
        m_rows[row].campaign = campaign;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

const Store::CampaignSummary *CampaignListModel::summaryAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int CampaignListModel::rowOf(const QString &campaignId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].campaign.id == campaignId)
            return i;
    }
    return -1;
}

int CampaignListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CampaignListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString CampaignListModel::typeLabel(CampaignType type)
{
    switch (type) {
    case CampaignType::DiscountCoupons: return tr("Coupons");
    case CampaignType::Promotion: return tr("Promotion");
    case CampaignType::GiftVouchers: return tr("Gift cards");
    case CampaignType::Referral: return tr("Referral");
    }
    return {};
}

QString CampaignListModel::statusLabel(CampaignStatus status)
{
    switch (status) {
    case CampaignStatus::Draft: return tr("Draft");
    case CampaignStatus::Active: return tr("Active");
    case CampaignStatus::Paused: return tr("Paused");
    case CampaignStatus::Ended: return tr("Ended");
    case CampaignStatus::Archived: return tr("Archived");
    }
    return {};
}

QString CampaignListModel::scheduleText(const Campaign &campaign)
{
    const QTimeZone zone = campaign.zone();
    const auto &schedule = campaign.schedule;
    QString range;
    if (schedule.startDate && schedule.expirationDate)
        range = tr("%1 – %2").arg(dateTimeText(*schedule.startDate, zone), dateTimeText(*schedule.expirationDate, zone));
    else if (schedule.startDate)
        range = tr("from %1").arg(dateTimeText(*schedule.startDate, zone));
    else if (schedule.expirationDate)
        range = tr("until %1").arg(dateTimeText(*schedule.expirationDate, zone));
    else
        range = tr("always");
    QStringList hours;
    for (const Engine::DailyWindow &window : schedule.dailyHours)
        hours << QStringLiteral("%1–%2").arg(window.start.toString(QStringLiteral("HH:mm")),
                                             window.end.toString(QStringLiteral("HH:mm")));
    if (!hours.isEmpty())
        range += QStringLiteral(", ") + hours.join(QStringLiteral(", "));
    return tr("%1 (%2)").arg(range, campaign.timezone);
}

QString CampaignListModel::budgetText(const Store::CampaignSummary &summary) const
{
    const Engine::Limits &limits = summary.campaign.limits;
    QStringList parts;
    if (limits.budgetDiscount > 0)
        parts << tr("%1 of %2").arg(formatMoney(summary.discount, m_currency), formatMoney(limits.budgetDiscount, m_currency));
    if (limits.budgetRedemptions > 0) {
        const QLocale locale = QLocale::system();
        parts << tr("%1 of %2 redemptions")
                     .arg(locale.toString(summary.redemptions), locale.toString(limits.budgetRedemptions));
    }
    return parts.isEmpty() ? tr("—") : parts.join(QStringLiteral("; "));
}

QVariant CampaignListModel::display(const Store::CampaignSummary &summary, int column) const
{
    const Campaign &c = summary.campaign;
    switch (column) {
    case Name: return c.name;
    case Type: return typeLabel(c.type);
    case Status: {
        // An active campaign outside its dates says so: active, yet nothing applies.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (c.status == CampaignStatus::Active && c.schedule.expirationDate && *c.schedule.expirationDate <= now)
            return tr("Active · expired");
        if (c.status == CampaignStatus::Active && c.schedule.startDate && *c.schedule.startDate > now)
            return tr("Active · scheduled");
        return statusLabel(c.status);
    }
    case Schedule: return scheduleText(c);
    case Redemptions: return QLocale::system().toString(summary.redemptions);
    case Discount:
        // A gift card gives credits, not a discount: show what its cards paid.
        return formatMoney(c.type == CampaignType::GiftVouchers ? summary.giftCredits : summary.discount, m_currency);
    case Budget: return budgetText(summary);
    case Category: return c.category;
    }
    return {};
}

QVariant CampaignListModel::sortValue(const Store::CampaignSummary &summary, int column) const
{
    const Campaign &c = summary.campaign;
    switch (column) {
    case Name: return c.name;
    case Type: return typeLabel(c.type);
    case Status: return statusOrder(c.status);
    case Schedule: return c.schedule.startDate.value_or(std::numeric_limits<qint64>::min());
    case Redemptions: return summary.redemptions;
    case Discount: return c.type == CampaignType::GiftVouchers ? summary.giftCredits : summary.discount;
    case Budget:
        if (c.limits.budgetDiscount > 0)
            return double(summary.discount) / double(c.limits.budgetDiscount);
        if (c.limits.budgetRedemptions > 0)
            return double(summary.redemptions) / double(c.limits.budgetRedemptions);
        return -1.0;
    case Category: return c.category;
    }
    return {};
}

QVariant CampaignListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Store::CampaignSummary &summary = m_rows[index.row()];
    const Campaign &c = summary.campaign;
    switch (role) {
    case Qt::DisplayRole: return display(summary, index.column());
    case SortRole: return sortValue(summary, index.column());
    case CampaignIdRole: return c.id;
    case StatusRole: return int(c.status);
    case TypeRole: return int(c.type);
    case Qt::TextAlignmentRole:
        if (index.column() == Redemptions || index.column() == Discount || index.column() == Budget)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Name: return c.description.isEmpty() ? c.id : QStringLiteral("%1\n%2").arg(c.id, c.description);
        case Type: return Engine::campaignTypeKey(c.type);
        case Schedule: {
            QStringList lines{scheduleText(c), tr("Times in the campaign's zone, %1.").arg(c.timezone)};
            if (c.schedule.startDate)
                lines << tr("Starts %1 (your time: %2)")
                             .arg(QDateTime::fromMSecsSinceEpoch(*c.schedule.startDate, c.zone()).toString(Qt::ISODate),
                                  QDateTime::fromMSecsSinceEpoch(*c.schedule.startDate).toString(QStringLiteral("yyyy-MM-dd HH:mm")));
            if (c.schedule.expirationDate)
                lines << tr("Ends %1 (your time: %2)")
                             .arg(QDateTime::fromMSecsSinceEpoch(*c.schedule.expirationDate, c.zone()).toString(Qt::ISODate),
                                  QDateTime::fromMSecsSinceEpoch(*c.schedule.expirationDate).toString(QStringLiteral("yyyy-MM-dd HH:mm")));
            return lines.join(QLatin1Char('\n'));
        }
        case Redemptions: return tr("Successful redemptions, not counting rolled-back ones");
        case Discount:
            return c.type == CampaignType::GiftVouchers ? tr("Gift card credits spent") : tr("Discount given");
        default: return {};
        }
    default: return {};
    }
}

QVariant CampaignListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return (section == Redemptions || section == Discount || section == Budget)
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case Type: return tr("Type");
    case Status: return tr("Status");
    case Schedule: return tr("Schedule");
    case Redemptions: return tr("Redemptions");
    case Discount: return tr("Discount given");
    case Budget: return tr("Budget used");
    case Category: return tr("Category");
    }
    return {};
}

} // namespace PromoDesk::Items
