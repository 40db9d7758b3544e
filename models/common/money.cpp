#include "money.h"

#include <QLocale>

namespace PromoDesk {

QString currencySymbol(const QString &currency)
{
    if (currency == QLatin1String("EUR"))
        return QStringLiteral("€");
    if (currency == QLatin1String("GBP"))
        return QStringLiteral("£");
    if (currency == QLatin1String("USD"))
        return QStringLiteral("$");
    return currency.isEmpty() ? QString() : currency + QLatin1Char(' ');
}

QString formatMoney(qint64 cents, const QString &currency)
{
    const bool negative = cents < 0;
    const quint64 magnitude = negative ? quint64(0) - quint64(cents) : quint64(cents);
    QString units = QString::number(magnitude / 100);
    for (int i = units.size() - 3; i > 0; i -= 3)
        units.insert(i, QLatin1Char(','));
    const QString fraction = QStringLiteral("%1").arg(magnitude % 100, 2, 10, QLatin1Char('0'));
    return (negative ? QStringLiteral("-") : QString()) + currencySymbol(currency) + units + QLatin1Char('.') + fraction;
}

} // namespace PromoDesk
