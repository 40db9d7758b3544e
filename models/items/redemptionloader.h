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
    Result<std::shared_ptr<const Store::RedemptionSnapshot>> snapshot(quint64 generation, const Store::RedemptionFilter &filter,
                                                                      const Store::RedemptionOrder &order);
    Result<QList<Store::RedemptionRow>> rows(quint64 generation, const QList<qint64> &ids);
    Result<qint64> countNewer(const Store::RedemptionFilter &filter, qint64 afterId);
    // The filter bar's choices.
    Result<Store::RedemptionFilterChoices> choices();
};

} // namespace PromoDesk::Items
