#pragma once

#include "common/result.h"
#include "rules/ast.h"
#include "store/customerrepository.h"
#include "store/listexport.h"

#include <QFuture>
#include <QIODevice>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace PromoDesk::Store {

class Connection;

// Segment kinds (Voucherify's): a fixed list, a rule kept current, a rule evaluated
// when asked.
enum class SegmentType { Static, AutoUpdate, Passive };
QString segmentTypeKey(SegmentType type); // "static", "auto-update", "passive"
std::optional<SegmentType> segmentTypeFromKey(const QString &key);

struct Segment
{
    QString id;                        // "seg_…"
    QString name;
    QString description;
    SegmentType type = SegmentType::AutoUpdate;
    std::optional<Rules::Node> rule;   // checked; a static segment may have none
    QString timezone = QStringLiteral("UTC"); // fixes time.* and "days ago" in the rule
    qint64 size = 0;                   // current members (passive: the last count)
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    std::optional<qint64> refreshedAt; // last full evaluation of the rule

    QTimeZone zone() const { return QTimeZone(timezone.toUtf8()); }
};

// What a refresh or a membership change did.
struct SegmentChange
{
    qint64 entered = 0;
    qint64 left = 0;
    qint64 size = 0;
};

// One stay of a customer in a segment: `entered` and `left` are the segment's
// membership events (left empty while the customer is in it).
struct Membership
{
    QString segmentId;
    QString segmentName;
    SegmentType type = SegmentType::AutoUpdate;
    qint64 enteredAt = 0;
    std::optional<qint64> leftAt;
};

struct SegmentSizePoint
{
    qint64 at = 0;
    qint64 size = 0;
    qint64 entered = 0;
    qint64 left = 0;
};

// Segments and their memberships. Static and auto-update segments keep members in
// segment_members, one row per stay (entered_at, left_at): the entered / left events
// triggers and experiments read. Every write runs in the caller's transaction when one
// is open, else in its own (BEGIN IMMEDIATE): all or nothing. Rules are compiled to SQL
// (Rules::compileCustomerRule); every value is bound.
class SegmentStore
{
public:
    explicit SegmentStore(Connection &connection);

    Result<QList<Segment>> list();
    Result<std::optional<Segment>> load(const QString &id);

    // Inserts (assigning "seg_…") or updates, audited with the JSON before and after.
    // An auto-update segment is evaluated at once; a static one keeps its members (see
    // freeze / addMembers); a passive one stores its last count.
    Result<Segment> save(Segment segment, const QString &actor, qint64 now);
    Status remove(const QString &id, const QString &actor);

    // Auto-update: re-evaluates the rule over every customer; those who now match
    // enter, those who no longer do leave. Static: a frozen snapshot of the rule now.
    // Passive: counts. Records a size point.
    Result<SegmentChange> refresh(const QString &id, qint64 now);
    // Static segments: members added / removed by hand, a CSV of ids, a selection.
    Result<SegmentChange> addMembers(const QString &id, const QList<qint64> &customerIds, qint64 now);
    Result<SegmentChange> removeMembers(const QString &id, const QList<qint64> &customerIds, qint64 now);

    // Current members' customer keys (cust_N's N) after `afterId`, in id order, at most `limit`.
    Result<QList<qint64>> memberKeys(const QString &id, qint64 afterId, int limit);
    Result<QList<Membership>> membershipsOf(qint64 customerKey);
    Result<QList<SegmentSizePoint>> sizeHistory(const QString &id);
    // A customer's key from "cust_N" or the shop's source id; an error names the unknown one.
    Result<qint64> customerKey(const QString &idOrSourceId);

    // Re-evaluates an auto-update segment for these customers only, in the caller's
    // transaction (refreshSegmentsForCustomers runs it for every auto-update segment).
    Result<SegmentChange> refreshCustomers(const Segment &segment, const QList<qint64> &customerKeys, qint64 now)
    {
        return evaluate(segment, &customerKeys, now);
    }

private:
    Result<SegmentChange> evaluate(const Segment &segment, const QList<qint64> *onlyCustomers, qint64 now);
    Result<SegmentChange> changeMembers(const QString &id, const QList<qint64> &customerIds, bool add, qint64 now);
    Status recordSize(const QString &id, const SegmentChange &change, qint64 now);

    Connection &m_connection;
};

// Refreshes every auto-update segment last evaluated before `staleBefore` (all of them
// when it is `now`): rules with time in them ("within last 7 days") move with the clock
// even when no data changes. Each segment in its own transaction. Returns how many.
Result<int> refreshStaleSegments(Connection &connection, qint64 now, qint64 staleBefore);

// Re-evaluates every auto-update segment for these customers only (after an import of
// customers, orders or events, or new orders), in the caller's transaction.
Status refreshSegmentsForCustomers(Connection &connection, const QList<qint64> &customerKeys, qint64 now);

// The segment builder's live view of a rule: the count, and the first members.
Result<qint64> countMatching(Connection &connection, const Rules::Node &checkedRule, qint64 now, const QTimeZone &zone);
Result<QList<CustomerRow>> firstMatching(Connection &connection, const Rules::Node &checkedRule, qint64 now,
                                         const QTimeZone &zone, int limit);

// The members of a segment (passive: whoever its rule matches now) as an export list
// (listexport.h), one row per customer in id order: the customer columns, and
// entered_at for stored segments.
Result<ExportList> segmentMemberList(const Segment &segment, qint64 now);
// The same for the segment with this id, as stored now.
Result<ExportList> segmentMemberList(Connection &connection, const QString &id, qint64 now);
// Writes them to CSV (docs/import.md: RFC 4180, money with a dot, ISO-8601 times) with
// the default columns. Streams: memory stays flat. `progress` gets rows written;
// `cancelled` stops it (the caller throws the file away).
Result<qint64> exportSegmentMembers(Connection &connection, const Segment &segment, QIODevice *device,
                                    const CsvExportOptions &options, qint64 now, const ExportProgress &report = {});

// Background versions for the UI, each on its own connection.
namespace SegmentTasks {
struct LiveCount
{
    qint64 count = 0;
    QList<CustomerRow> preview;
    QString sql;           // the compiled WHERE, for people
    double milliseconds = 0;
};
QFuture<Result<LiveCount>> liveCount(const QString &path, const Rules::Node &checkedRule, qint64 now,
                                     const QString &timezone, int previewLimit);
QFuture<Result<QList<Segment>>> list(const QString &path);
QFuture<Result<Segment>> save(const QString &path, const Segment &segment, const QString &actor);
QFuture<Result<SegmentChange>> refresh(const QString &path, const QString &id);
QFuture<Status> remove(const QString &path, const QString &id, const QString &actor);
QFuture<Result<QList<SegmentSizePoint>>> sizeHistory(const QString &path, const QString &id);
// refreshStaleSegments for auto-update segments not refreshed in the last `maxAgeMs`.
QFuture<Result<int>> refreshStale(const QString &path, qint64 maxAgeMs);
// Adds the customers listed in `file` (one id or source id per line; a first line
// "id" or "source_id" is a header) to a static segment: all or none; an unknown one is
// named with its line.
QFuture<Result<SegmentChange>> addMembersFromFile(const QString &path, const QString &id, const QString &file);
// Writes the members to `file` through a QSaveFile: the file appears whole, or not at
// all (an error, or `cancelled`). `rows` is updated as it goes (for a progress bar).
QFuture<Result<qint64>> exportMembers(const QString &path, const QString &id, const QString &file,
                                      const CsvExportOptions &options, std::shared_ptr<std::atomic_bool> cancelled,
                                      std::shared_ptr<std::atomic<qint64>> rows);
} // namespace SegmentTasks

} // namespace PromoDesk::Store
