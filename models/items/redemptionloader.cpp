#include "redemptionloader.h"

namespace PromoDesk::Items {

using namespace PromoDesk::Store;

Result<std::shared_ptr<const RedemptionSnapshot>> RedemptionLoader::snapshot(quint64 generation, const RedemptionFilter &filter,
                                                                             const RedemptionOrder &order)
{
    if (isStale(generation))
        return superseded();
    if (Status s = ensureOpen(); !s)
        return s.error();
    auto taken = RedemptionList(connection()).snapshot(filter, order);
    if (!taken)
        return taken.error();
    return std::make_shared<const RedemptionSnapshot>(std::move(taken).value());
}

Result<QList<RedemptionRow>> RedemptionLoader::rows(quint64 generation, const QList<qint64> &ids)
{
    if (isStale(generation))
        return superseded();
    if (Status s = ensureOpen(); !s)
        return s.error();
    return RedemptionList(connection()).rows(ids);
}

Result<qint64> RedemptionLoader::countNewer(const RedemptionFilter &filter, qint64 afterId)
{
    if (Status s = ensureOpen(); !s)
        return s.error();
    return RedemptionList(connection()).countNewer(filter, afterId);
}

Result<RedemptionFilterChoices> RedemptionLoader::choices()
{
    if (Status s = ensureOpen(); !s)
        return s.error();
    return RedemptionList(connection()).choices();
}

} // namespace PromoDesk::Items
