#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace PromoDesk::Rules {

// The types of the rule language. Money is integer cents, DateTime is UTC epoch
// milliseconds; List is a list of strings (tags, segment ids).
enum class Type { String, Number, Money, DateTime, Bool, List };

QString typeName(Type type); // "string", "number", "money", "date-time", "bool", "list"

// A typed value, or "unknown" (no value: a missing birthdate, no last order).
class Value
{
public:
    Value() = default; // unknown
    static Value string(QString s) { return Value(Type::String, std::move(s)); }
    static Value number(double n) { return Value(Type::Number, n); }
    static Value money(qint64 cents) { return Value(Type::Money, cents); }
    static Value dateTime(qint64 ms) { return Value(Type::DateTime, ms); }
    static Value boolean(bool b) { return Value(Type::Bool, b); }
    static Value list(QStringList items) { return Value(Type::List, std::move(items)); }
    static Value unknown(Type type) { Value v; v.m_type = type; return v; }

    bool isUnknown() const { return std::holds_alternative<std::monostate>(m_data); }
    std::optional<Type> type() const { return m_type; }

    const QString &asString() const { return std::get<QString>(m_data); }
    double asNumber() const { return std::get<double>(m_data); }
    qint64 asInteger() const { return std::get<qint64>(m_data); } // money or date-time
    bool asBool() const { return std::get<bool>(m_data); }
    const QStringList &asList() const { return std::get<QStringList>(m_data); }

    bool operator==(const Value &other) const { return m_type == other.m_type && m_data == other.m_data; }

private:
    template <typename T>
    Value(Type type, T data) : m_type(type), m_data(std::move(data)) {}

    std::optional<Type> m_type;
    std::variant<std::monostate, QString, double, qint64, bool, QStringList> m_data;
};

} // namespace PromoDesk::Rules
