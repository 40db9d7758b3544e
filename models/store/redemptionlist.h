#pragma once

#include "common/result.h"
#include "store/listexport.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>
#include <vector>

// The redemption list: every redemption attempt (Voucherify's redemptions and
// redemption rollbacks), filtered and sorted, for the Redemptions page and its CSV
// export. The page reads it as an ordered list of ids (a snapshot) plus the rows of
// whichever window is on screen, so a million attempts scroll smoothly.
namespace PromoDesk::Store {

class Connection;

enum class RedemptionOutcome {
    Any,
    Succeeded,  // a redemption that succeeded and was not rolled back
    Failed,     // a redemption refused (failure_code says why)
    RolledBack, // a redemption that succeeded and was later rolled back
    Rollbacks,  // the rollback entries themselves (object "redemption_rollback")
};

// What the list shows. Text fields are as the person typed them.
struct RedemptionFilter
{
    std::optional<qint64> from; // UTC epoch ms, inclusive
    std::optional<qint64> to;   // UTC epoch ms, exclusive
    QString campaignId;         // campaigns.id, or a campaign's exact name
    RedemptionOutcome outcome = RedemptionOutcome::Any;
    QString failureCode;        // e.g. customer_rules_violated
    QString customer;           // cust_42, the shop's source id, or an exact email
    QString code;               // a code (any case when codes are upper case)
    QString channel;            // web, store, app…

    bool operator==(const RedemptionFilter &) const = default;
    bool isEmpty() const { return *this == RedemptionFilter{}; }
};

// The sortable columns (each sorts by one SQL expression, then by id).
enum class RedemptionSort { Date, Code, Campaign, Customer, Order, OrderAmount, Discount, Result, FailureCode, Channel, Id };

struct RedemptionOrder
{
    RedemptionSort column = RedemptionSort::Date;
    bool descending = true;
    bool operator==(const RedemptionOrder &) const = default;
};

struct RedemptionRow
{
    qint64 id = 0;
    qint64 createdAt = 0;
    bool isRollback = false;         // a redemption_rollback entry
    QString result;                  // SUCCESS, FAILURE, ROLLED_BACK
    QString campaignId;
    QString campaignName;
    QString code;                    // the code redeemed, if any
    QString tierId;                  // the promotion tier, if any
    QString tierName;
    std::optional<qint64> customerKey;
    QString customerSourceId;
    QString customerName;
    QString orderSourceId;
    std::optional<qint64> orderAmount;
    qint64 discountAmount = 0;
    qint64 giftAmount = 0;
    QString failureCode;
    QString failureMessage;
    QString channel;
    std::optional<qint64> rollbackOf; // for a rollback: the redemption it undid
    QString reason;                   // for a rollback: why

    QString publicId() const;
    RedemptionOutcome outcome() const; // never Any
    QString outcomeLabel() const; // Succeeded, Failed, Rolled back, Rollback
    bool canRollBack() const { return !isRollback && result == QLatin1String("SUCCESS"); }
};

struct RedemptionTotals
{
    qint64 rows = 0;
    qint64 succeeded = 0;
    qint64 failed = 0;
    qint64 rolledBack = 0;
    qint64 rollbacks = 0;
    qint64 discountGiven = 0; // discount of succeeded redemptions (rolled back ones are not)
    qint64 orderAmount = 0;   // order value of every redemption attempt (not of rollback entries)
    bool operator==(const RedemptionTotals &) const = default;
};

// The ordered ids of every matching row as of one moment.
struct RedemptionSnapshot
{
    std::vector<qint64> ids;
    qint64 maxId = 0; // the newest redemption in the workspace when it was taken
};

struct RedemptionFilterChoices
{
    QStringList failureCodes;
    QStringList channels;
    QList<std::pair<QString, QString>> campaigns; // id, name; by name
};

class RedemptionList
{
public:
    explicit RedemptionList(Connection &connection);

    // The ids of the matching rows in order (read from the index alone where one serves
    // the filter and the order). The customer and code of the filter must exist (an error
    // names the one that does not). `cancelled` stops it early (error "cancelled").
    Result<RedemptionSnapshot> snapshot(const RedemptionFilter &filter, const RedemptionOrder &order,
                                        const std::atomic_bool *cancelled = nullptr);
    // The totals of the matching rows (one aggregate pass). Run it in the snapshot's read
    // transaction for totals that agree with the ids.
    Result<RedemptionTotals> totals(const RedemptionFilter &filter);
    // The rows with these ids, in the order given (ids that no longer exist are skipped).
    Result<QList<RedemptionRow>> rows(const QList<qint64> &ids);
    // How many matching rows have arrived after `afterId`.
    Result<qint64> countNewer(const RedemptionFilter &filter, qint64 afterId);

    // The choices of the filter bar: failure codes and channels seen, campaigns by name.
    Result<RedemptionFilterChoices> choices();

    // The same rows, same order, as a CSV export list (see listexport.h).
    Result<ExportList> exportList(const RedemptionFilter &filter, const RedemptionOrder &order);

private:
    struct Sql;
    Result<Sql> compile(const RedemptionFilter &filter, const RedemptionOrder *order);

    Connection &m_connection;
};

// Background versions for the UI.
namespace RedemptionTasks {
// Rolls back a successful redemption through the campaign engine (limits, budgets and
// gift balance are restored), on its own read-write connection. Returns the rollback's id.
QFuture<Result<qint64>> rollback(const QString &path, qint64 redemptionId, const QString &reason);
// The filter bar's choices, on a read-only connection of its own.
QFuture<Result<RedemptionFilterChoices>> choices(const QString &path);
} // namespace RedemptionTasks

// The redemption columns a CSV export can have (names, SQL and descriptions), for
// --list-columns and the column chooser, without a workspace.
ExportList redemptionColumns();

} // namespace PromoDesk::Store

Q_DECLARE_METATYPE(PromoDesk::Store::RedemptionRow)
