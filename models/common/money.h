#pragma once

#include <QString>

namespace PromoDesk {

// Money is integer minor units (cents). Formatting never goes through double.
QString formatMoney(qint64 cents, const QString &currency = {});
QString currencySymbol(const QString &currency);

} // namespace PromoDesk
