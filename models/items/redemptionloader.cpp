#include "redemptionloader.h"

#include "store/connection.h"

namespace PromoDesk::Items {

using namespace PromoDesk::Store;

Result<std::shared_ptr<const RedemptionSnapshot>> RedemptionLoader::snapshot(quint64 generation, const RedemptionFilter &filter,
                                                                             const RedemptionOrder &order)
{
    if (Status s = ready(generation); !s)
        return s.error();
    if (connection().inTransaction())
        connection().rollback(); // a snapshot whose totals were superseded
    if (Status s = connection().exec(QStringLiteral("BEGIN")); !s)
        return s.error();
    auto taken = RedemptionList(connection()).snapshot(filter, order);
    if (!taken) {
        connection().rollback();
        return taken.error();
    }
    return std::make_shared<const RedemptionSnapshot>(std::move(taken).value());
}

Result<RedemptionTotals> RedemptionLoader::totals(quint64 generation, const RedemptionFilter &filter)
{
    if (Status s = ensureOpen(); !s)
        return s.error();
    Result<RedemptionTotals> totals = isStale(generation) ? Result<RedemptionTotals>(superseded())
                                                          : RedemptionList(connection()).totals(filter);
    if (connection().inTransaction())
        connection().rollback();
    return totals;
}

Result<QList<RedemptionRow>> RedemptionLoader::rows(quint64 generation, const QList<qint64> &ids)
{
    if (Status s = ready(generation); !s)
        return s.error();
    return RedemptionList(connection()).rows(ids);
}

Result<qint64> RedemptionLoader::countNewer(const RedemptionFilter &filter, qint64 afterId)
{
    if (Status s = ensureOpen(); !s)
        return s.error();
    return RedemptionList(connection()).countNewer(filter, afterId);
}

} // namespace PromoDesk::Items
