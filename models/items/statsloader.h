#pragma once

#include "items/readloader.h"
#include "store/statsstore.h"

#include <optional>

namespace PromoDesk::Items {

// Reads campaign statistics for the dashboard on its own thread and connection (see
// ReadLoader), and answers the dashboard's twice-a-second "has anything changed?" with
// one PRAGMA: only when another connection committed does it read the new buckets.
class StatsLoader : public ReadLoader
{
    Q_OBJECT

public:
    using ReadLoader::ReadLoader;

    // These run in the loader's thread.
    Result<Store::ActivitySnapshot> load(quint64 generation, const Store::StatsQuery &query);
    // Nothing when the file has not changed since `seenVersion`; else the hours from
    // `tailFromHour` on, and the per-campaign and failure sums of the whole query.
    Result<std::optional<Store::ActivitySnapshot>> poll(quint64 generation, const Store::StatsQuery &query,
                                                        qint64 tailFromHour, qint64 seenVersion);
};

} // namespace PromoDesk::Items
