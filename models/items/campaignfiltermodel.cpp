#include "campaignfiltermodel.h"

#include "campaignlistmodel.h"

namespace PromoDesk::Items {

CampaignFilterModel::CampaignFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(CampaignListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void CampaignFilterModel::setStatusFilter(std::optional<Engine::CampaignStatus> status)
{
    if (status == m_status)
        return;
    m_status = status;
    invalidateRowsFilter();
}

void CampaignFilterModel::setTypeFilter(std::optional<Engine::CampaignType> type)
{
    if (type == m_type)
        return;
    m_type = type;
    invalidateRowsFilter();
}

void CampaignFilterModel::setSearch(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    invalidateRowsFilter();
}

bool CampaignFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, CampaignListModel::Name, sourceParent);
    if (m_status && index.data(CampaignListModel::StatusRole).toInt() != int(*m_status))
        return false;
    if (m_type && index.data(CampaignListModel::TypeRole).toInt() != int(*m_type))
        return false;
    if (!m_search.isEmpty() && !index.data(Qt::DisplayRole).toString().contains(m_search, Qt::CaseInsensitive))
        return false;
    return true;
}

bool CampaignFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    int order = 0;
    if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString) {
        order = QString::compare(l.toString(), r.toString(), sortCaseSensitivity());
    } else {
        const QPartialOrdering o = QVariant::compare(l, r);
        order = o == QPartialOrdering::Less ? -1 : o == QPartialOrdering::Greater ? 1 : 0;
    }
    if (order != 0)
        return order < 0;
    // Ties: by name, then by id (unique), whatever the sort column.
    const QModelIndex leftName = left.siblingAtColumn(CampaignListModel::Name);
    const QModelIndex rightName = right.siblingAtColumn(CampaignListModel::Name);
    order = QString::compare(leftName.data(Qt::DisplayRole).toString(), rightName.data(Qt::DisplayRole).toString(),
                             Qt::CaseInsensitive);
    if (order != 0)
        return order < 0;
    return leftName.data(CampaignListModel::CampaignIdRole).toString()
           < rightName.data(CampaignListModel::CampaignIdRole).toString();
}

} // namespace PromoDesk::Items
