#pragma once

#include <QString>

#include <optional>

namespace PromoDesk::Ids {

// Public ids of integer-keyed entities: the key behind a type prefix ("cust_42").
inline constexpr auto Customer = "cust_";
inline constexpr auto Order = "ord_";
inline constexpr auto Redemption = "red_";
inline constexpr auto Code = "v_";

inline QString make(const char *prefix, qint64 key)
{
    return QLatin1String(prefix) + QString::number(key);
}

// The integer key of a public id with the given prefix, if it is one.
inline std::optional<qint64> parse(const char *prefix, const QString &id)
{
    const QLatin1String p(prefix);
    if (!id.startsWith(p))
        return std::nullopt;
    bool ok = false;
    const qint64 key = QStringView(id).mid(p.size()).toLongLong(&ok);
    if (!ok || key <= 0)
        return std::nullopt;
    return key;
}

} // namespace PromoDesk::Ids
