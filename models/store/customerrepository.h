#pragma once

#include "common/result.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariant>

class QSqlQuery;

#include <optional>

namespace PromoDesk::Store {

class Connection;

enum class CustomerSort { Name, CreatedAt, OrdersCount, TotalSpent, LastOrderAt };

struct CustomerQuery
{
    CustomerSort sort = CustomerSort::Name;
    bool descending = false;
    QString search; // substring of name or email, or an exact id / source_id
    // Planner hint for a search that matches few rows: scan the table and sort the
    // matches, instead of walking the sort index and testing every row on the way.
    bool fullScan = false;

    bool operator==(const CustomerQuery &) const = default;
};

// A position in a sorted customer list: the sort key and the rowid tie-break.
struct CustomerKey
{
    QVariant sortKey;
    qint64 rowid = 0;
};

struct CustomerRow
{
    qint64 rowid = 0;
    QString id;
    QString sourceId;
    QString name;
    QString email;
    QString country;
    QString city;
    qint64 createdAt = 0;
    qint64 ordersCount = 0;
    qint64 totalSpent = 0;
    std::optional<qint64> lastOrderAt;
    QVariant sortKey;

    CustomerKey key() const { return {sortKey, rowid}; }
};

struct OrderItemLine
{
    int lineNo = 0;
    QString skuId;
    QString productName;
    qint64 quantity = 0;
    qint64 price = 0;
    qint64 amount = 0;
};

struct OrderSummary
{
    QString id;
    QString sourceId;
    qint64 createdAt = 0;
    QString status;
    QString channel;
    qint64 amount = 0;
    qint64 discountAmount = 0;
    QList<OrderItemLine> items;
};

struct CustomerEvent
{
    QString type;
    qint64 createdAt = 0;
    QString metadata;
};

struct CustomerProfile
{
    CustomerRow row;
    QString phone;
    QString birthdate;
    QString postalCode;
    QString loyaltyTier;
    QString tags;     // JSON array
    QString metadata; // JSON object
    bool consentEmail = false;
    bool consentSms = false;
    bool consentPush = false;
    std::optional<qint64> consentsUpdatedAt;
    QList<OrderSummary> orders; // newest first, at most profileOrderLimit
    QList<CustomerEvent> events; // newest first, at most profileEventLimit
    qint64 eventsCount = 0;
};

// The customer list as SQL over the customers table (column names unqualified): the search as a condition (empty for
// none) with its bound values, and the ORDER BY of the list (sort key, then id).
struct CustomerListSql
{
    QString where;
    QVariantList values;
    QString orderBy;
};
CustomerListSql customerListSql(const CustomerQuery &query);

// A CustomerRow from a query whose columns are, in order: id, source_id, name, email,
// address_country, address_city, created_at, orders_count, total_spent, last_order_at
// and the sort key.
CustomerRow customerRowFrom(const QSqlQuery &query);

// Reads over the customers table. Pages by key (sort key, rowid), never by OFFSET
// scans of rows; only a jump to an arbitrary position asks the index for its key.
class CustomerRepository
{
public:
    static constexpr int ProfileOrderLimit = 200;
    static constexpr int ProfileEventLimit = 200;

    explicit CustomerRepository(Connection &connection);

    Result<qint64> count(const CustomerQuery &query);
    // Rows strictly after `after` (or from the start) in the query's order.
    Result<QList<CustomerRow>> pageAfter(const CustomerQuery &query, const std::optional<CustomerKey> &after, int limit);
    // Rows strictly before `before`, returned in the query's order.
    Result<QList<CustomerRow>> pageBefore(const CustomerQuery &query, const CustomerKey &before, int limit);
    // The key of the row at `position` (0-based), for jumps into the middle of the list.
    Result<std::optional<CustomerKey>> keyAt(const CustomerQuery &query, qint64 position);

    Result<CustomerProfile> profile(const QString &customerId);

    // Customers matching a compiled rule (Rules::compileCustomerRule: a WHERE over
    // `customers AS c` and its bound values).
    Result<qint64> countWhere(const QString &where, const QVariantList &bindings);
    Result<QStringList> idsWhere(const QString &where, const QVariantList &bindings);

private:
    Connection &m_connection;
};

} // namespace PromoDesk::Store

Q_DECLARE_METATYPE(PromoDesk::Store::CustomerRow)
Q_DECLARE_METATYPE(PromoDesk::Store::CustomerQuery)
