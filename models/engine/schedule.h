#pragma once

#include "engine/campaign.h"

#include <QList>
#include <QString>
#include <QTimeZone>

namespace PromoDesk::Engine {

// Whether a campaign's schedule lets it run at a moment, and if not, why.
struct ScheduleCheck
{
    enum class State {
        Active,
        NotStarted,     // before start_date                      → voucher_not_active
        Expired,        // at or after expiration_date, or the code's activity after publishing ran out
                        //                                         → voucher_expired
        OutsideWindow,  // a day of week, daily hours or timeframe excludes this moment
                        //                                         → voucher_not_active_now
    };
    State state = State::Active;
    QString message; // for people, with times in the campaign's zone: "runs Mondays and Fridays 09:00–17:00 (Europe/Dublin)"

    bool active() const { return state == State::Active; }
};

// Evaluates the schedule at `now` (UTC ms) in `zone` — days of week, daily hours and
// timeframes are wall-clock times of that zone, so they follow DST. `publishedAt` (UTC ms,
// 0 = not published / not a code) starts activity_duration_after_publishing.
ScheduleCheck checkSchedule(const Schedule &schedule, const QTimeZone &zone, qint64 now, qint64 publishedAt = 0);

// A period when the campaign runs: [start, end) in UTC ms.
struct ActiveWindow
{
    qint64 start = 0;
    qint64 end = 0;
    bool crossesDstChange = false; // the zone's offset changes inside the window (the editor warns)
    bool operator==(const ActiveWindow &) const = default;
};

// The next `count` windows at or after `from` (a window already open at `from` starts at
// `from`), merged where they touch, within 2 years from `from`. For the editor's preview.
QList<ActiveWindow> nextWindows(const Schedule &schedule, const QTimeZone &zone, qint64 from, int count);

// The calendar period containing `at` in `zone`, for limits: [start, end) in UTC ms.
// Day = local midnight to midnight, Week = Monday 00:00 to the next Monday, Month = the
// 1st 00:00 to the next 1st; Total = all time (start = INT64_MIN … end = INT64_MAX).
struct PeriodRange
{
    qint64 start = 0;
    qint64 end = 0;
};
PeriodRange periodContaining(Period period, const QTimeZone &zone, qint64 at);

} // namespace PromoDesk::Engine
