#pragma once

#include <QSettings>
#include <QString>
#include <QVariant>

namespace PromoDesk::Ui {

// A typed setting declared where it is used (after Tiled's Preference<T>).
template <typename T>
class Preference
{
public:
    Preference(QString key, T defaultValue = T()) : m_key(std::move(key)), m_default(std::move(defaultValue)) {}

    T get() const { return QSettings().value(m_key, QVariant::fromValue(m_default)).template value<T>(); }
    void set(const T &value) const { QSettings().setValue(m_key, QVariant::fromValue(value)); }

private:
    QString m_key;
    T m_default;
};

} // namespace PromoDesk::Ui
