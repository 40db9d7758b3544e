#include "statsloader.h"

#include <QDateTime>

namespace PromoDesk::Items {

using namespace PromoDesk::Store;

Result<ActivitySnapshot> StatsLoader::load(quint64 generation, const StatsQuery &query)
{
    if (Status s = ready(generation); !s)
        return s.error();
    return StatsStore(connection()).activity(query, std::nullopt, QDateTime::currentMSecsSinceEpoch());
}

Result<std::optional<ActivitySnapshot>> StatsLoader::poll(quint64 generation, const StatsQuery &query, qint64 tailFromHour,
                                                          qint64 seenVersion)
{
    if (Status s = ready(generation); !s)
        return s.error();
    StatsStore stats(connection());
    auto version = stats.dataVersion();
    if (!version)
        return version.error();
    if (version.value() == seenVersion)
        return std::optional<ActivitySnapshot>();
    auto tail = stats.activity(query, tailFromHour);
    if (!tail)
        return tail.error();
    return std::optional<ActivitySnapshot>(tail.value());
}

} // namespace PromoDesk::Items
