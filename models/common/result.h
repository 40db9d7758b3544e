#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace PromoDesk {

// An error as a value: what went wrong and where (file, line, column, field...).
struct Error
{
    QString message;
    QString where;   // a file, a table, a field…
    int line = 0;    // 1-based position in a text (rules, CSV), 0 if none
    int column = 0;

    QString toString() const
    {
        QString at = where;
        if (line > 0)
            at += (at.isEmpty() ? QString() : QStringLiteral(", ")) + QStringLiteral("line %1, column %2").arg(line).arg(column);
        return at.isEmpty() ? message : at + QStringLiteral(": ") + message;
    }
};

template <typename T>
class Result
{
public:
    // An empty result is an error, so that a Result can live in a QFuture.
    Result() : m_data(Error{QStringLiteral("no result"), {}}) {}
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// For operations that return nothing but can fail.
class Status
{
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace PromoDesk
