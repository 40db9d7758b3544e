#pragma once

#include "engine/campaign.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace PromoDesk::Items {

// The campaign list as the page shows it: filtered by status and type, searched by
// name (case-insensitive substring), sorted by the column's value with the name and
// then the id breaking ties, so equal values always come out in one order.
class CampaignFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit CampaignFilterModel(QObject *parent = nullptr);

    void setStatusFilter(std::optional<Engine::CampaignStatus> status);
    void setTypeFilter(std::optional<Engine::CampaignType> type);
    void setSearch(const QString &text);

    std::optional<Engine::CampaignStatus> statusFilter() const { return m_status; }
    std::optional<Engine::CampaignType> typeFilter() const { return m_type; }
    QString search() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    std::optional<Engine::CampaignStatus> m_status;
    std::optional<Engine::CampaignType> m_type;
    QString m_search;
};

} // namespace PromoDesk::Items
