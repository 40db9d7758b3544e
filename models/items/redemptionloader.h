#pragma once

#include "items/readloader.h"
#include "store/redemptionlist.h"

#include <memory>

namespace PromoDesk::Items {

// Runs the redemption list's queries in its own thread (see ReadLoader).
class RedemptionLoader : public ReadLoader
{
    Q_OBJECT

public:
    using ReadLoader::ReadLoader;

    // These run in the loader's thread.
    // The ordered ids. The read transaction they were read in stays open, so that the
    // first pages and then totals() (which ends it) see the same state of the file.
    Result<std::shared_ptr<const Store::RedemptionSnapshot>> snapshot(quint64 generation, const Store::RedemptionFilter &filter,
                                                                      const Store::RedemptionOrder &order);
    // The totals of the snapshot's rows; ends the snapshot's read transaction.
    Result<Store::RedemptionTotals> totals(quint64 generation, const Store::RedemptionFilter &filter);
    Result<QList<Store::RedemptionRow>> rows(quint64 generation, const QList<qint64> &ids);
    Result<qint64> countNewer(const Store::RedemptionFilter &filter, qint64 afterId);
};

} // namespace PromoDesk::Items
