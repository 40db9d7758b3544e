#include "schedule.h"

#include <QDate>
#include <QDateTime>
#include <QStringList>

#include <algorithm>
#include <array>
#include <limits>

// How a schedule reads the clock:
//  - Wall-clock rules (days of week, daily hours) are read on the local clock of the
//    campaign's zone, so 09:00 is 09:00 local in winter and in summer. A moment is inside
//    a window when its local reading is; so a window that starts in a skipped hour opens
//    at the first instant after the gap, and a window in a repeated hour is open during
//    both passes of the clock.
//  - A window whose end is not after its start crosses midnight and belongs to the day
//    it starts on: Friday 22:00–02:00 with days [Friday] is open Saturday 01:00, and not
//    Friday 01:00. start == end is a 24-hour window.
//  - Timeframes count elapsed time, not the clock: `duration` every `interval` from
//    start_date, or without one from 1970-01-01 00:00 local time in the zone.
//  - Calendar periods (limits) start where the local clock first reaches their first
//    midnight, or at the first instant after it when midnight is skipped.
//  - An invalid zone is read as UTC.
namespace PromoDesk::Engine {

namespace {

constexpr qint64 kDay = 24 * 3600 * 1000;
constexpr qint64 kHour = 3600 * 1000;
constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kEpochJulianDay = 2440588; // 1970-01-01
constexpr qint64 kNever = std::numeric_limits<qint64>::max();
constexpr qint64 kAlways = std::numeric_limits<qint64>::min();

qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

qint64 floorMod(qint64 a, qint64 b)
{
    return a - floorDiv(a, b) * b;
}

// Local readings are handled as "local ms": the wall-clock reading counted as if it were UTC.
qint64 localMidnight(QDate date)
{
    return (date.toJulianDay() - kEpochJulianDay) * kDay;
}

QDate localDate(qint64 localMs)
{
    return QDate::fromJulianDay(floorDiv(localMs, kDay) + kEpochJulianDay);
}

QTime localTime(qint64 localMs)
{
    return QTime::fromMSecsSinceStartOfDay(int(floorMod(localMs, kDay)));
}

QTimeZone effectiveZone(const QTimeZone &zone)
{
    return zone.isValid() ? zone : QTimeZone::utc();
}

// A stretch of time [start, end) (UTC ms) over which the zone's offset does not change.
struct Stretch
{
    qint64 start = 0;
    qint64 end = 0;
    qint64 offset = 0; // ms
};

// The zone's offsets, remembering the last stretch: stepping through days mostly stays in it.
class ZoneClock
{
public:
    explicit ZoneClock(const QTimeZone &zone)
        : m_zone(effectiveZone(zone))
        , m_hasTransitions(m_zone.hasTransitions())
    {
    }

    QString zoneId() const { return QString::fromUtf8(m_zone.id()); }

    Stretch stretchAt(qint64 t)
    {
        if (m_cached.start <= t && t < m_cached.end)
            return m_cached;
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc());
        Stretch stretch{kAlways, kNever, qint64(m_zone.offsetFromUtc(at)) * 1000};
        if (m_hasTransitions) {
            const QTimeZone::OffsetData previous = m_zone.previousTransition(at.addMSecs(1));
            if (previous.atUtc.isValid())
                stretch.start = previous.atUtc.toMSecsSinceEpoch();
            const QTimeZone::OffsetData next = m_zone.nextTransition(at);
            if (next.atUtc.isValid())
                stretch.end = next.atUtc.toMSecsSinceEpoch();
        }
        m_cached = stretch;
        return stretch;
    }

    qint64 toLocal(qint64 t) { return t + stretchAt(t).offset; }
    qint64 offsetAt(qint64 t) { return stretchAt(t).offset; }

    // Whether the offset inside [start, end) differs anywhere from the offset at start.
    bool offsetChanges(qint64 start, qint64 end)
    {
        const qint64 offset = offsetAt(start);
        for (qint64 t = stretchAt(start).end; t < end; t = stretchAt(t).end) {
            if (offsetAt(t) != offset)
                return true;
        }
        return false;
    }

    // The first instant at which the local clock reads `localMs` or later.
    qint64 firstReaching(qint64 localMs)
    {
        qint64 u = localMs - kDay; // no zone is a day ahead of UTC, so the clock is still before
        for (int guard = 0; guard < 16; ++guard) {
            const Stretch s = stretchAt(u);
            const qint64 t = std::max(u, localMs - s.offset);
            if (t < s.end)
                return t;
            u = s.end;
        }
        return localMs - offsetAt(localMs);
    }

    // Every instant whose local reading lies in [localStart, localEnd), in order; two
    // pieces when the range covers a repeated hour.
    template<typename Sink>
    void instantsReading(qint64 localStart, qint64 localEnd, Sink &&sink)
    {
        qint64 u = localStart - kDay;
        const qint64 last = localEnd + kDay;
        while (u < last) {
            const Stretch s = stretchAt(u);
            const qint64 start = std::max(u, localStart - s.offset);
            const qint64 end = std::min(s.end, localEnd - s.offset);
            if (start < end)
                sink(start, end);
            if (s.end >= last)
                break;
            u = s.end;
        }
    }

private:
    QTimeZone m_zone;
    bool m_hasTransitions = false;
    Stretch m_cached{0, 0, 0};
};

QString dayName(int day)
{
    static const std::array<QString, 7> names = {
        QStringLiteral("Monday"), QStringLiteral("Tuesday"), QStringLiteral("Wednesday"), QStringLiteral("Thursday"),
        QStringLiteral("Friday"), QStringLiteral("Saturday"), QStringLiteral("Sunday"),
    };
    return day >= 1 && day <= 7 ? names[std::size_t(day - 1)] : QString::number(day);
}

QString clockText(QTime time)
{
    return time.toString(time.second() != 0 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
}

QString localText(ZoneClock &clock, qint64 t)
{
    const qint64 local = clock.toLocal(t);
    return localDate(local).toString(QStringLiteral("yyyy-MM-dd")) + QLatin1Char(' ') + clockText(localTime(local));
}

QString durationText(qint64 ms)
{
    const auto amount = [](qint64 n, const QString &one, const QString &many) {
        return n == 1 ? QStringLiteral("1 ") + one : QString::number(n) + QLatin1Char(' ') + many;
    };
    if (ms % kDay == 0)
        return amount(ms / kDay, QStringLiteral("day"), QStringLiteral("days"));
    if (ms % kHour == 0)
        return amount(ms / kHour, QStringLiteral("hour"), QStringLiteral("hours"));
    if (ms % kMinute == 0)
        return amount(ms / kMinute, QStringLiteral("minute"), QStringLiteral("minutes"));
    if (ms % 1000 == 0)
        return amount(ms / 1000, QStringLiteral("second"), QStringLiteral("seconds"));
    return amount(ms, QStringLiteral("millisecond"), QStringLiteral("milliseconds"));
}

QString everyText(qint64 ms)
{
    const QString text = durationText(ms);
    return text.startsWith(QStringLiteral("1 ")) ? QStringLiteral("every ") + text.mid(2) : QStringLiteral("every ") + text;
}

// What a schedule's wall-clock rules and timeframe need, worked out once per call.
struct ScheduleRules
{
    struct Window
    {
        qint64 start = 0;  // ms after the owning day's midnight
        qint64 length = 0; // at most a day
    };

    ScheduleRules(const Schedule &schedule, ZoneClock &clock)
    {
        for (int day : schedule.daysOfWeek) {
            if (day >= 1 && day <= 7)
                days[std::size_t(day)] = true;
        }
        hasDays = !schedule.daysOfWeek.isEmpty();
        for (const DailyWindow &daily : schedule.dailyHours) {
            const qint64 start = daily.start.msecsSinceStartOfDay();
            const qint64 end = daily.end.msecsSinceStartOfDay();
            windows.append({start, end > start ? end - start : end - start + kDay});
        }
        std::sort(windows.begin(), windows.end(), [](const Window &a, const Window &b) { return a.start < b.start; });
        hasHours = !windows.isEmpty();
        if (!hasHours)
            windows.append({0, kDay});
        // A duration that fills the interval never closes, so it restricts nothing.
        hasTimeframe = schedule.timeframeIntervalMs > 0 && schedule.timeframeDurationMs > 0
                       && schedule.timeframeDurationMs < schedule.timeframeIntervalMs;
        interval = schedule.timeframeIntervalMs;
        duration = schedule.timeframeDurationMs;
        if (hasTimeframe)
            anchor = schedule.startDate ? *schedule.startDate : clock.firstReaching(0);
    }

    bool hasWallClock() const { return hasDays || hasHours; }
    bool dayAllowed(QDate date) const { return !hasDays || days[std::size_t(date.dayOfWeek())]; }

    bool insideWallClock(qint64 local) const
    {
        if (!hasWallClock())
            return true;
        const QDate today = localDate(local);
        // A window lasts at most a day, so only today's and yesterday's can be open.
        for (const QDate owner : {today.addDays(-1), today}) {
            if (!dayAllowed(owner))
                continue;
            const qint64 midnight = localMidnight(owner);
            for (const Window &window : windows) {
                const qint64 start = midnight + window.start;
                if (local >= start && local < start + window.length)
                    return true;
            }
        }
        return false;
    }

    bool insideTimeframe(qint64 t) const { return !hasTimeframe || floorMod(t - anchor, interval) < duration; }

    std::array<bool, 8> days{};
    bool hasDays = false;
    bool hasHours = false;
    QList<Window> windows;
    bool hasTimeframe = false;
    qint64 interval = 0;
    qint64 duration = 0;
    qint64 anchor = 0;
};

QString describe(const Schedule &schedule, const ScheduleRules &rules, ZoneClock &clock)
{
    QStringList days;
    for (int day = 1; day <= 7; ++day) {
        if (rules.hasDays && rules.days[std::size_t(day)])
            days.append(dayName(day));
    }
    QStringList hours;
    for (const DailyWindow &window : schedule.dailyHours)
        hours.append(clockText(window.start) + QStringLiteral("–") + clockText(window.end));

    QStringList parts;
    if (rules.hasDays)
        parts.append(days.isEmpty() ? QStringLiteral("on no day of the week") : days.join(QStringLiteral(", ")));
    else if (rules.hasHours)
        parts.append(QStringLiteral("daily"));
    if (rules.hasHours)
        parts.append(hours.join(QStringLiteral(", ")));
    const QString wallClock = parts.join(QLatin1Char(' '));
    QString timeframe;
    if (rules.hasTimeframe) {
        timeframe = QStringLiteral("for ") + durationText(rules.duration) + QLatin1Char(' ') + everyText(rules.interval);
        if (schedule.startDate)
            timeframe += QStringLiteral(" from ") + localText(clock, *schedule.startDate);
    }
    if (wallClock.isEmpty() || timeframe.isEmpty())
        return QStringLiteral("runs ") + wallClock + timeframe;
    return QStringLiteral("runs ") + wallClock + QStringLiteral(", ") + timeframe;
}

} // namespace

ScheduleCheck checkSchedule(const Schedule &schedule, const QTimeZone &zone, qint64 now, qint64 publishedAt)
{
    ZoneClock clock(zone);
    const QString inZone = QStringLiteral(" (") + clock.zoneId() + QLatin1Char(')');
    if (schedule.startDate && now < *schedule.startDate)
        return {ScheduleCheck::State::NotStarted, QStringLiteral("starts ") + localText(clock, *schedule.startDate) + inZone};
    if (schedule.expirationDate && now >= *schedule.expirationDate)
        return {ScheduleCheck::State::Expired, QStringLiteral("ended ") + localText(clock, *schedule.expirationDate) + inZone};
    if (schedule.activityAfterPublishingMs > 0 && publishedAt > 0
        && now >= publishedAt + schedule.activityAfterPublishingMs) {
        return {ScheduleCheck::State::Expired,
                QStringLiteral("the code was valid for %1 after it was published, until %2%3")
                    .arg(durationText(schedule.activityAfterPublishingMs),
                         localText(clock, publishedAt + schedule.activityAfterPublishingMs), inZone)};
    }

    const ScheduleRules rules(schedule, clock);
    const qint64 local = clock.toLocal(now);
    if (rules.insideWallClock(local) && rules.insideTimeframe(now))
        return {};
    return {ScheduleCheck::State::OutsideWindow,
            describe(schedule, rules, clock) + inZone + QStringLiteral("; now is ")
                + dayName(localDate(local).dayOfWeek()) + QLatin1Char(' ') + localTime(local).toString(QStringLiteral("HH:mm"))};
}

QList<ActiveWindow> nextWindows(const Schedule &schedule, const QTimeZone &zone, qint64 from, int count)
{
    QList<ActiveWindow> result;
    if (count <= 0)
        return result;
    ZoneClock clock(zone);
    const ScheduleRules rules(schedule, clock);

    const qint64 horizon = QDateTime::fromMSecsSinceEpoch(from, QTimeZone::utc()).addYears(2).toMSecsSinceEpoch();
    const qint64 lo = schedule.startDate ? std::max(from, *schedule.startDate) : from;
    const qint64 hi = schedule.expirationDate ? std::min(horizon, *schedule.expirationDate) : horizon;
    if (lo >= hi)
        return result;

    // Returns false once enough windows are found. Pieces arrive in order, apart and not touching.
    const auto output = [&](qint64 start, qint64 end) {
        result.append({start, end, clock.offsetChanges(start, end)});
        return result.size() < count;
    };
    const auto outputTimeframed = [&](qint64 start, qint64 end) {
        if (!rules.hasTimeframe)
            return output(start, end);
        for (qint64 open = rules.anchor + floorDiv(start - rules.anchor, rules.interval) * rules.interval; open < end;
             open += rules.interval) {
            const qint64 pieceStart = std::max(start, open);
            const qint64 pieceEnd = std::min(end, open + rules.duration);
            if (pieceStart < pieceEnd && !output(pieceStart, pieceEnd))
                return false;
        }
        return true;
    };

    if (!rules.hasWallClock()) {
        outputTimeframed(lo, hi);
        return result;
    }

    // Day by day: each allowed day's windows, as instants, merged into `pending`; a pending
    // window is final once no later day can reach back to it (offsets stay within a day).
    QList<std::pair<qint64, qint64>> pending;
    const auto add = [&](qint64 start, qint64 end) {
        start = std::max(start, lo);
        end = std::min(end, hi);
        if (start >= end)
            return;
        auto it = std::lower_bound(pending.begin(), pending.end(), start,
                                   [](const std::pair<qint64, qint64> &w, qint64 s) { return w.second < s; });
        qsizetype index = it - pending.begin();
        while (index < pending.size() && pending[index].first <= end) {
            start = std::min(start, pending[index].first);
            end = std::max(end, pending[index].second);
            pending.removeAt(index);
        }
        pending.insert(index, {start, end});
    };

    for (QDate day = localDate(clock.toLocal(lo)).addDays(-2);; day = day.addDays(1)) {
        const qint64 midnight = localMidnight(day);
        if (midnight - kDay >= hi)
            break;
        if (rules.dayAllowed(day)) {
            for (const ScheduleRules::Window &window : rules.windows)
                clock.instantsReading(midnight + window.start, midnight + window.start + window.length, add);
        }
        // Later days' windows start after today's midnight: no offset reaches a whole day.
        while (!pending.isEmpty() && pending.first().second < midnight) {
            const auto [start, end] = pending.takeFirst();
            if (!outputTimeframed(start, end))
                return result;
        }
    }
    for (const auto &[start, end] : std::as_const(pending)) {
        if (!outputTimeframed(start, end))
            break;
    }
    return result;
}

PeriodRange periodContaining(Period period, const QTimeZone &zone, qint64 at)
{
    if (period == Period::Total)
        return {kAlways, kNever};
    const auto periodStart = [period](QDate date) {
        switch (period) {
        case Period::Day: return date;
        case Period::Week: return date.addDays(1 - date.dayOfWeek());
        case Period::Month: return QDate(date.year(), date.month(), 1);
        case Period::Total: break;
        }
        return date;
    };
    const auto nextStart = [period](QDate start) {
        switch (period) {
        case Period::Day: return start.addDays(1);
        case Period::Week: return start.addDays(7);
        case Period::Month: return start.addMonths(1);
        case Period::Total: break;
        }
        return start;
    };

    ZoneClock clock(zone);
    QDate first = periodStart(localDate(clock.toLocal(at)));
    qint64 start = clock.firstReaching(localMidnight(first));
    // Where the clock jumps back across midnight, a reading can fall in the neighbouring period.
    while (at < start) {
        first = periodStart(first.addDays(-1));
        start = clock.firstReaching(localMidnight(first));
    }
    qint64 end = clock.firstReaching(localMidnight(nextStart(first)));
    while (at >= end) {
        first = nextStart(first);
        start = end;
        end = clock.firstReaching(localMidnight(nextStart(first)));
    }
    return {start, end};
}

} // namespace PromoDesk::Engine
