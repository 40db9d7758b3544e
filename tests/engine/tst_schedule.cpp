// Schedules: start and expiry, days of week, daily hours (overnight, DST gaps and repeated
// hours), timeframes and activity after publishing, read in the campaign's zone; the preview
// windows agree with the check; calendar periods for limits.

#include "engine/schedule.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <limits>

using namespace PromoDesk::Engine;

Q_DECLARE_METATYPE(PromoDesk::Engine::Schedule)

namespace {

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

const QString kDublin = u"Europe/Dublin"_qs;
const QString kNewYork = u"America/New_York"_qs;
const QString kUtc = u"UTC"_qs;

QTimeZone zoneNamed(const QString &id)
{
    return QTimeZone(id.toUtf8());
}

// A wall-clock reading in a zone ("2027-03-17T00:30"), which must exist there.
qint64 at(const QString &zone, const QString &reading)
{
    const QDateTime naive = QDateTime::fromString(reading, Qt::ISODate);
    const QDateTime local(naive.date(), naive.time(), zoneNamed(zone));
    if (!naive.isValid() || !local.isValid())
        qFatal("bad test reading %s in %s", qPrintable(reading), qPrintable(zone));
    return local.toMSecsSinceEpoch();
}

// A UTC instant ("2026-03-29T01:00:00Z").
qint64 utc(const QString &iso)
{
    const QDateTime instant = QDateTime::fromString(iso, Qt::ISODate);
    if (!instant.isValid())
        qFatal("bad test instant %s", qPrintable(iso));
    return instant.toMSecsSinceEpoch();
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

DailyWindow hours(const QString &start, const QString &end)
{
    return {QTime::fromString(start, u"HH:mm"_qs), QTime::fromString(end, u"HH:mm"_qs)};
}

Schedule weekly(const QList<int> &days, const QList<DailyWindow> &daily = {})
{
    Schedule schedule;
    schedule.daysOfWeek = days;
    schedule.dailyHours = daily;
    return schedule;
}

Schedule timeframe(std::optional<qint64> start, qint64 interval, qint64 duration, const QList<DailyWindow> &daily = {})
{
    Schedule schedule;
    schedule.startDate = start;
    schedule.timeframeIntervalMs = interval;
    schedule.timeframeDurationMs = duration;
    schedule.dailyHours = daily;
    return schedule;
}

Schedule stPatricksDay()
{
    Schedule schedule;
    schedule.startDate = at(kDublin, u"2027-03-17T00:00"_qs);
    schedule.expirationDate = at(kDublin, u"2027-03-18T00:00"_qs);
    return schedule;
}

QString stateName(ScheduleCheck::State state)
{
    switch (state) {
    case ScheduleCheck::State::Active: return u"active"_qs;
    case ScheduleCheck::State::NotStarted: return u"not started"_qs;
    case ScheduleCheck::State::Expired: return u"expired"_qs;
    case ScheduleCheck::State::OutsideWindow: return u"outside window"_qs;
    }
    return u"?"_qs;
}

// "start/end" in UTC, " dst" when the window crosses an offset change.
QStringList windowsText(const QList<ActiveWindow> &windows)
{
    QStringList text;
    for (const ActiveWindow &window : windows) {
        text.append(QDateTime::fromMSecsSinceEpoch(window.start, Qt::UTC).toString(Qt::ISODate) + u"/"_qs
                    + QDateTime::fromMSecsSinceEpoch(window.end, Qt::UTC).toString(Qt::ISODate)
                    + (window.crossesDstChange ? u" dst"_qs : QString()));
    }
    return text;
}

QString scheduleText(const Schedule &schedule, const QString &zone, qint64 from)
{
    QStringList days;
    for (int day : schedule.daysOfWeek)
        days.append(QString::number(day));
    QStringList daily;
    for (const DailyWindow &window : schedule.dailyHours)
        daily.append(window.start.toString(u"HH:mm"_qs) + u"-"_qs + window.end.toString(u"HH:mm"_qs));
    return u"zone %1 from %2 start %3 expiration %4 days [%5] hours [%6] timeframe %7/%8"_qs.arg(
        zone, isoUtc(from), schedule.startDate ? isoUtc(*schedule.startDate) : u"-"_qs,
        schedule.expirationDate ? isoUtc(*schedule.expirationDate) : u"-"_qs, days.join(u","_qs), daily.join(u","_qs),
        QString::number(schedule.timeframeDurationMs), QString::number(schedule.timeframeIntervalMs));
}

bool insideAny(const QList<ActiveWindow> &windows, qint64 t)
{
    const auto it = std::upper_bound(windows.begin(), windows.end(), t,
                                     [](qint64 value, const ActiveWindow &window) { return value < window.end; });
    return it != windows.end() && it->start <= t;
}

const QStringList kRandomZones = {
    u"UTC"_qs, u"Europe/Dublin"_qs, u"America/New_York"_qs, u"Pacific/Auckland"_qs, u"America/Los_Angeles"_qs,
    u"Asia/Kolkata"_qs, u"Australia/Lord_Howe"_qs, u"America/Santiago"_qs,
};

QTime randomTime(QRandomGenerator &random)
{
    // Half on a half-hour grid, so windows often start or end inside DST gaps and repeats.
    if (random.bounded(2) == 0)
        return QTime::fromMSecsSinceStartOfDay(int(random.bounded(48) * 30 * kMinute));
    return QTime::fromMSecsSinceStartOfDay(int(random.bounded(24 * 60) * kMinute));
}

Schedule randomSchedule(QRandomGenerator &random, qint64 from)
{
    Schedule schedule;
    if (random.bounded(2) == 0)
        schedule.startDate = from + (random.bounded(120) - 60) * kDay + random.bounded(kDay);
    if (random.bounded(2) == 0)
        schedule.expirationDate = schedule.startDate.value_or(from) + random.bounded(1, 400) * kHour * 24
                                  + random.bounded(kDay);
    if (random.bounded(2) == 0) {
        for (int day = 1; day <= 7; ++day) {
            if (random.bounded(2) == 0)
                schedule.daysOfWeek.append(day);
        }
    }
    if (random.bounded(2) == 0) {
        const int count = random.bounded(1, 4);
        for (int i = 0; i < count; ++i)
            schedule.dailyHours.append({randomTime(random), randomTime(random)});
    }
    if (random.bounded(3) == 0) {
        const QList<qint64> intervals = {kHour, 2 * kHour, 6 * kHour, kDay, 7 * kDay, random.bounded(kHour, 3 * kDay)};
        schedule.timeframeIntervalMs = intervals[random.bounded(int(intervals.size()))];
        schedule.timeframeDurationMs = random.bounded(qint64(1), schedule.timeframeIntervalMs + kHour);
    }
    return schedule;
}

} // namespace

class TestSchedule : public QObject
{
    Q_OBJECT

private slots:
    void stPatricksDayInDublin_data()
    {
        QTest::addColumn<qint64>("now");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("message");
        QTest::newRow("the evening before") << at(kDublin, u"2027-03-16T23:59:59"_qs) << u"not started"_qs
                                            << u"starts 2027-03-17 00:00 (Europe/Dublin)"_qs;
        QTest::newRow("midnight") << at(kDublin, u"2027-03-17T00:00"_qs) << u"active"_qs << QString();
        QTest::newRow("00:30") << at(kDublin, u"2027-03-17T00:30"_qs) << u"active"_qs << QString();
        QTest::newRow("last millisecond") << at(kDublin, u"2027-03-18T00:00"_qs) - 1 << u"active"_qs << QString();
        QTest::newRow("the 18th") << at(kDublin, u"2027-03-18T00:00"_qs) << u"expired"_qs
                                  << u"ended 2027-03-18 00:00 (Europe/Dublin)"_qs;
    }

    void stPatricksDayInDublin()
    {
        QFETCH(qint64, now);
        QFETCH(QString, state);
        QFETCH(QString, message);
        // Ireland is on winter time (UTC+0) on St Patrick's Day.
        QCOMPARE(at(kDublin, u"2027-03-17T00:30"_qs), utc(u"2027-03-17T00:30:00Z"_qs));
        const ScheduleCheck check = checkSchedule(stPatricksDay(), zoneNamed(kDublin), now);
        QCOMPARE(stateName(check.state), state);
        QCOMPARE(check.message, message);
    }

    void check_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<Schedule>("schedule");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("publishedAt");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("message");

        const auto row = [](const char *name, const QString &zone, const Schedule &schedule, qint64 now,
                            const QString &state, const QString &message = QString(), qint64 publishedAt = 0) {
            QTest::newRow(name) << zone << schedule << now << publishedAt << state << message;
        };
        const QString active = u"active"_qs;
        const QString outside = u"outside window"_qs;
        const QString expired = u"expired"_qs;

        // Weekends in New York, across the spring-forward Sunday.
        const Schedule weekend = weekly({Qt::Saturday, Qt::Sunday});
        row("weekend: Friday night", kNewYork, weekend, at(kNewYork, u"2026-03-06T23:59"_qs), outside,
            u"runs Saturday, Sunday (America/New_York); now is Friday 23:59"_qs);
        row("weekend: Saturday midnight", kNewYork, weekend, at(kNewYork, u"2026-03-07T00:00"_qs), active);
        row("weekend: Sunday after spring forward", kNewYork, weekend, at(kNewYork, u"2026-03-08T03:30"_qs), active);
        row("weekend: Sunday last minute", kNewYork, weekend, at(kNewYork, u"2026-03-08T23:59:59"_qs), active);
        row("weekend: Monday midnight", kNewYork, weekend, at(kNewYork, u"2026-03-09T00:00"_qs), outside,
            u"runs Saturday, Sunday (America/New_York); now is Monday 00:00"_qs);

        // Business hours follow the local clock in winter (UTC+0) and summer (UTC+1).
        const Schedule business = weekly({1, 2, 3, 4, 5}, {hours(u"09:00"_qs, u"17:00"_qs)});
        const QString businessText = u"runs Monday, Tuesday, Wednesday, Thursday, Friday 09:00–17:00 (Europe/Dublin)"_qs;
        row("business: winter 08:59", kDublin, business, utc(u"2026-01-14T08:59:00Z"_qs), outside,
            businessText + u"; now is Wednesday 08:59"_qs);
        row("business: winter 09:00", kDublin, business, utc(u"2026-01-14T09:00:00Z"_qs), active);
        row("business: winter 16:59:59", kDublin, business, utc(u"2026-01-14T16:59:59Z"_qs), active);
        row("business: winter 17:00", kDublin, business, utc(u"2026-01-14T17:00:00Z"_qs), outside,
            businessText + u"; now is Wednesday 17:00"_qs);
        row("business: summer 09:00", kDublin, business, utc(u"2026-07-15T08:00:00Z"_qs), active);
        row("business: summer 08:59", kDublin, business, utc(u"2026-07-15T07:59:59Z"_qs), outside,
            businessText + u"; now is Wednesday 08:59"_qs);
        row("business: summer 16:30", kDublin, business, utc(u"2026-07-15T15:30:00Z"_qs), active);
        row("business: summer 17:00", kDublin, business, utc(u"2026-07-15T16:00:00Z"_qs), outside,
            businessText + u"; now is Wednesday 17:00"_qs);
        row("business: Saturday", kDublin, business, at(kDublin, u"2026-07-18T10:00"_qs), outside,
            businessText + u"; now is Saturday 10:00"_qs);
        row("business: New York winter", kNewYork, business, utc(u"2026-01-14T14:00:00Z"_qs), active);
        row("business: New York summer", kNewYork, business, utc(u"2026-07-15T13:00:00Z"_qs), active);
        row("business: New York summer early", kNewYork, business, utc(u"2026-07-15T12:59:00Z"_qs), outside,
            u"runs Monday, Tuesday, Wednesday, Thursday, Friday 09:00–17:00 (America/New_York); now is Wednesday 08:59"_qs);
        row("Mondays and Fridays on a Sunday", kDublin, weekly({Qt::Monday, Qt::Friday}, {hours(u"09:00"_qs, u"17:00"_qs)}),
            at(kDublin, u"2026-03-15T10:15"_qs), outside,
            u"runs Monday, Friday 09:00–17:00 (Europe/Dublin); now is Sunday 10:15"_qs);

        // Overnight: the hours after midnight belong to the day the window started.
        const Schedule fridayNight = weekly({Qt::Friday}, {hours(u"22:00"_qs, u"02:00"_qs)});
        const QString fridayText = u"runs Friday 22:00–02:00 (Europe/Dublin)"_qs;
        row("Friday night: 21:59", kDublin, fridayNight, at(kDublin, u"2026-03-13T21:59"_qs), outside,
            fridayText + u"; now is Friday 21:59"_qs);
        row("Friday night: 22:00", kDublin, fridayNight, at(kDublin, u"2026-03-13T22:00"_qs), active);
        row("Friday night: Saturday 01:00", kDublin, fridayNight, at(kDublin, u"2026-03-14T01:00"_qs), active);
        row("Friday night: Saturday 01:59:59", kDublin, fridayNight, at(kDublin, u"2026-03-14T01:59:59"_qs), active);
        row("Friday night: Saturday 02:00", kDublin, fridayNight, at(kDublin, u"2026-03-14T02:00"_qs), outside,
            fridayText + u"; now is Saturday 02:00"_qs);
        row("Friday night: Saturday 22:30", kDublin, fridayNight, at(kDublin, u"2026-03-14T22:30"_qs), outside,
            fridayText + u"; now is Saturday 22:30"_qs);
        row("Friday night: Friday 01:00 is Thursday's night", kDublin, fridayNight,
            at(kDublin, u"2026-03-13T01:00"_qs), outside, fridayText + u"; now is Friday 01:00"_qs);
        const Schedule nights = weekly({}, {hours(u"22:00"_qs, u"06:00"_qs)});
        row("every night: 03:00", kDublin, nights, at(kDublin, u"2026-03-17T03:00"_qs), active);
        row("every night: noon", kDublin, nights, at(kDublin, u"2026-03-17T12:00"_qs), outside,
            u"runs daily 22:00–06:00 (Europe/Dublin); now is Tuesday 12:00"_qs);
        // Saturday night over the fall-back: both passes of 01:xx are inside.
        const Schedule saturdayNight = weekly({Qt::Saturday}, {hours(u"22:00"_qs, u"02:00"_qs)});
        row("fall-back night: first 01:30", kDublin, saturdayNight, utc(u"2026-10-25T00:30:00Z"_qs), active);
        row("fall-back night: second 01:30", kDublin, saturdayNight, utc(u"2026-10-25T01:30:00Z"_qs), active);
        row("fall-back night: 02:00", kDublin, saturdayNight, utc(u"2026-10-25T02:00:00Z"_qs), outside,
            u"runs Saturday 22:00–02:00 (Europe/Dublin); now is Sunday 02:00"_qs);
        // ... and over the spring-forward: 01:59 jumps to 03:00, past the window's end.
        row("spring night: 00:59", kDublin, saturdayNight, utc(u"2026-03-29T00:59:59Z"_qs), active);
        row("spring night: 03:00", kDublin, saturdayNight, utc(u"2026-03-29T01:00:00Z"_qs), outside,
            u"runs Saturday 22:00–02:00 (Europe/Dublin); now is Sunday 02:00"_qs);
        // start == end is a whole day from the start.
        const Schedule mondayDay = weekly({Qt::Monday}, {hours(u"09:00"_qs, u"09:00"_qs)});
        row("24 h window: Monday 08:59", kUtc, mondayDay, utc(u"2026-01-05T08:59:00Z"_qs), outside,
            u"runs Monday 09:00–09:00 (UTC); now is Monday 08:59"_qs);
        row("24 h window: Monday 09:00", kUtc, mondayDay, utc(u"2026-01-05T09:00:00Z"_qs), active);
        row("24 h window: Tuesday 08:59", kUtc, mondayDay, utc(u"2026-01-06T08:59:00Z"_qs), active);
        row("24 h window: Tuesday 09:00", kUtc, mondayDay, utc(u"2026-01-06T09:00:00Z"_qs), outside,
            u"runs Monday 09:00–09:00 (UTC); now is Tuesday 09:00"_qs);

        // A window starting in the skipped hour opens at the first instant after it.
        const Schedule gapDublin = weekly({}, {hours(u"01:30"_qs, u"03:00"_qs)});
        row("Dublin gap: 00:59 GMT", kDublin, gapDublin, utc(u"2026-03-29T00:59:00Z"_qs), outside,
            u"runs daily 01:30–03:00 (Europe/Dublin); now is Sunday 00:59"_qs);
        row("Dublin gap: 02:00 IST", kDublin, gapDublin, utc(u"2026-03-29T01:00:00Z"_qs), active);
        row("Dublin gap: 02:59 IST", kDublin, gapDublin, utc(u"2026-03-29T01:59:59Z"_qs), active);
        row("Dublin gap: 03:00 IST", kDublin, gapDublin, utc(u"2026-03-29T02:00:00Z"_qs), outside,
            u"runs daily 01:30–03:00 (Europe/Dublin); now is Sunday 03:00"_qs);
        const Schedule gapNewYork = weekly({}, {hours(u"02:30"_qs, u"04:00"_qs)});
        row("New York gap: 01:59 EST", kNewYork, gapNewYork, utc(u"2026-03-08T06:59:00Z"_qs), outside,
            u"runs daily 02:30–04:00 (America/New_York); now is Sunday 01:59"_qs);
        row("New York gap: 03:00 EDT", kNewYork, gapNewYork, utc(u"2026-03-08T07:00:00Z"_qs), active);
        row("New York gap: 04:00 EDT", kNewYork, gapNewYork, utc(u"2026-03-08T08:00:00Z"_qs), outside,
            u"runs daily 02:30–04:00 (America/New_York); now is Sunday 04:00"_qs);
        // A window in the repeated hour is open on both passes of the clock.
        const Schedule repeated = weekly({}, {hours(u"01:15"_qs, u"01:45"_qs)});
        row("Dublin repeat: first 01:15", kDublin, repeated, utc(u"2026-10-25T00:15:00Z"_qs), active);
        row("Dublin repeat: first 01:45", kDublin, repeated, utc(u"2026-10-25T00:45:00Z"_qs), outside,
            u"runs daily 01:15–01:45 (Europe/Dublin); now is Sunday 01:45"_qs);
        row("Dublin repeat: second 01:00", kDublin, repeated, utc(u"2026-10-25T01:00:00Z"_qs), outside,
            u"runs daily 01:15–01:45 (Europe/Dublin); now is Sunday 01:00"_qs);
        row("Dublin repeat: second 01:15", kDublin, repeated, utc(u"2026-10-25T01:15:00Z"_qs), active);
        row("Dublin repeat: second 01:45", kDublin, repeated, utc(u"2026-10-25T01:45:00Z"_qs), outside,
            u"runs daily 01:15–01:45 (Europe/Dublin); now is Sunday 01:45"_qs);
        row("New York repeat: 01:15 EDT", kNewYork, repeated, utc(u"2026-11-01T05:15:00Z"_qs), active);
        row("New York repeat: 01:50 EDT", kNewYork, repeated, utc(u"2026-11-01T05:50:00Z"_qs), outside,
            u"runs daily 01:15–01:45 (America/New_York); now is Sunday 01:50"_qs);
        row("New York repeat: 01:15 EST", kNewYork, repeated, utc(u"2026-11-01T06:15:00Z"_qs), active);
        row("New York repeat: 01:45 EST", kNewYork, repeated, utc(u"2026-11-01T06:45:00Z"_qs), outside,
            u"runs daily 01:15–01:45 (America/New_York); now is Sunday 01:45"_qs);

        // Timeframes count elapsed time from the start: 2 hours every day from 10:00 GMT,
        // which is 11:00–13:00 once Ireland is on summer time.
        const Schedule twoHours = timeframe(at(kDublin, u"2027-03-01T10:00"_qs), kDay, 2 * kHour);
        const QString twoHoursText = u"runs for 2 hours every day from 2027-03-01 10:00 (Europe/Dublin)"_qs;
        row("timeframe: start", kDublin, twoHours, at(kDublin, u"2027-03-01T10:00"_qs), active);
        row("timeframe: last second", kDublin, twoHours, at(kDublin, u"2027-03-01T11:59:59"_qs), active);
        row("timeframe: 12:00", kDublin, twoHours, at(kDublin, u"2027-03-01T12:00"_qs), outside,
            twoHoursText + u"; now is Monday 12:00"_qs);
        row("timeframe: Friday 10:30", kDublin, twoHours, at(kDublin, u"2027-03-05T10:30"_qs), active);
        row("timeframe: Friday 09:59", kDublin, twoHours, at(kDublin, u"2027-03-05T09:59"_qs), outside,
            twoHoursText + u"; now is Friday 09:59"_qs);
        row("timeframe: summer 11:30", kDublin, twoHours, at(kDublin, u"2027-04-01T11:30"_qs), active);
        row("timeframe: summer 10:30", kDublin, twoHours, at(kDublin, u"2027-04-01T10:30"_qs), outside,
            twoHoursText + u"; now is Thursday 10:30"_qs);
        // Without a start date, counted from 1970-01-01 00:00 in the zone.
        const Schedule firstHour = timeframe(std::nullopt, kDay, kHour);
        row("epoch timeframe: Tokyo 00:30", u"Asia/Tokyo"_qs, firstHour, at(u"Asia/Tokyo"_qs, u"2026-05-05T00:30"_qs),
            active);
        row("epoch timeframe: Tokyo 01:00", u"Asia/Tokyo"_qs, firstHour, at(u"Asia/Tokyo"_qs, u"2026-05-05T01:00"_qs),
            outside, u"runs for 1 hour every day (Asia/Tokyo); now is Tuesday 01:00"_qs);
        row("epoch timeframe: Tokyo 23:59", u"Asia/Tokyo"_qs, firstHour, at(u"Asia/Tokyo"_qs, u"2026-05-05T23:59"_qs),
            outside, u"runs for 1 hour every day (Asia/Tokyo); now is Tuesday 23:59"_qs);
        const Schedule halfHours = timeframe(utc(u"2026-01-05T09:00:00Z"_qs), 2 * kHour, 30 * kMinute,
                                             {hours(u"09:00"_qs, u"17:00"_qs)});
        const QString halfHoursText = u"runs daily 09:00–17:00, for 30 minutes every 2 hours from 2026-01-05 09:00 (UTC)"_qs;
        row("timeframe in hours: 09:15", kUtc, halfHours, utc(u"2026-01-05T09:15:00Z"_qs), active);
        row("timeframe in hours: 09:45", kUtc, halfHours, utc(u"2026-01-05T09:45:00Z"_qs), outside,
            halfHoursText + u"; now is Monday 09:45"_qs);
        row("timeframe in hours: 11:10", kUtc, halfHours, utc(u"2026-01-05T11:10:00Z"_qs), active);
        row("timeframe in hours: 19:10", kUtc, halfHours, utc(u"2026-01-05T19:10:00Z"_qs), outside,
            halfHoursText + u"; now is Monday 19:10"_qs);
        row("timeframe duration fills interval", kUtc, timeframe(std::nullopt, kHour, kHour),
            utc(u"2026-01-05T19:10:00Z"_qs), active);

        // Activity after publishing: 30 days from 10:00 GMT ends at 11:00 summer time.
        Schedule thirtyDays;
        thirtyDays.activityAfterPublishingMs = 30 * kDay;
        const qint64 published = utc(u"2026-03-18T10:00:00Z"_qs);
        row("published: last millisecond", kDublin, thirtyDays, published + 30 * kDay - 1, active, QString(), published);
        row("published: 30 days on", kDublin, thirtyDays, published + 30 * kDay, expired,
            u"the code was valid for 30 days after it was published, until 2026-04-17 11:00 (Europe/Dublin)"_qs,
            published);
        row("published: not a code", kDublin, thirtyDays, published + 300 * kDay, active);
        Schedule thirtyDaysTillMay = thirtyDays;
        thirtyDaysTillMay.expirationDate = at(kDublin, u"2026-05-01T00:00"_qs);
        row("published: expiration first", kDublin, thirtyDaysTillMay, published + 60 * kDay, expired,
            u"ended 2026-05-01 00:00 (Europe/Dublin)"_qs, published);

        // Start and expiration in a repeated hour and in other zones, and an unknown zone read as UTC.
        Schedule fallBackStart;
        fallBackStart.startDate = utc(u"2026-11-01T06:30:00Z"_qs);
        row("start in the repeated hour", kNewYork, fallBackStart, utc(u"2026-11-01T05:30:00Z"_qs), u"not started"_qs,
            u"starts 2026-11-01 01:30 (America/New_York)"_qs);
        Schedule auckland;
        auckland.expirationDate = utc(u"2026-01-31T11:00:00Z"_qs);
        row("expired in Auckland", u"Pacific/Auckland"_qs, auckland, utc(u"2026-02-01T00:00:00Z"_qs), expired,
            u"ended 2026-02-01 00:00 (Pacific/Auckland)"_qs);
        row("unknown zone", u"Nowhere/Atlantis"_qs, stPatricksDay(), utc(u"2027-03-01T00:00:00Z"_qs), u"not started"_qs,
            u"starts 2027-03-17 00:00 (UTC)"_qs);
    }

    void check()
    {
        QFETCH(QString, zone);
        QFETCH(Schedule, schedule);
        QFETCH(qint64, now);
        QFETCH(qint64, publishedAt);
        QFETCH(QString, state);
        QFETCH(QString, message);
        const ScheduleCheck result = checkSchedule(schedule, zoneNamed(zone), now, publishedAt);
        QCOMPARE(stateName(result.state), state);
        QCOMPARE(result.message, message);
        QCOMPARE(result.active(), state == u"active"_qs);
    }

    void everyFailureNamesItsZone()
    {
        Schedule schedule = weekly({Qt::Tuesday});
        schedule.startDate = utc(u"2026-01-01T00:00:00Z"_qs);
        schedule.expirationDate = utc(u"2027-01-01T00:00:00Z"_qs);
        schedule.activityAfterPublishingMs = kDay;
        struct Moment
        {
            qint64 now;
            qint64 publishedAt;
            ScheduleCheck::State state;
        };
        // Tuesday 2026-06-02 12:00 UTC is a Tuesday in all four zones.
        const QList<Moment> moments = {
            {utc(u"2025-06-01T00:00:00Z"_qs), 0, ScheduleCheck::State::NotStarted},
            {utc(u"2027-06-01T00:00:00Z"_qs), 0, ScheduleCheck::State::Expired},
            {utc(u"2026-06-02T12:00:00Z"_qs), utc(u"2026-05-01T00:00:00Z"_qs), ScheduleCheck::State::Expired},
            {utc(u"2026-06-03T12:00:00Z"_qs), 0, ScheduleCheck::State::OutsideWindow},
        };
        for (const QString &zone : {kDublin, kNewYork, u"Pacific/Auckland"_qs, u"America/Los_Angeles"_qs}) {
            for (const Moment &moment : moments) {
                const ScheduleCheck check = checkSchedule(schedule, zoneNamed(zone), moment.now, moment.publishedAt);
                QCOMPARE(stateName(check.state), stateName(moment.state));
                QVERIFY2(check.message.contains(u"("_qs + zone + u")"_qs), qPrintable(check.message));
            }
        }
    }

    void nextWindows_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<Schedule>("schedule");
        QTest::addColumn<qint64>("from");
        QTest::addColumn<int>("count");
        QTest::addColumn<QStringList>("expected");

        const Schedule business = weekly({1, 2, 3, 4, 5}, {hours(u"09:00"_qs, u"17:00"_qs)});
        QTest::newRow("business hours after the spring forward")
            << kDublin << business << utc(u"2026-03-28T12:00:00Z"_qs) << 3
            << QStringList{u"2026-03-30T08:00:00Z/2026-03-30T16:00:00Z"_qs, u"2026-03-31T08:00:00Z/2026-03-31T16:00:00Z"_qs,
                           u"2026-04-01T08:00:00Z/2026-04-01T16:00:00Z"_qs};
        QTest::newRow("an open window is clipped to from")
            << kDublin << business << utc(u"2026-01-14T12:00:00Z"_qs) << 2
            << QStringList{u"2026-01-14T12:00:00Z/2026-01-14T17:00:00Z"_qs, u"2026-01-15T09:00:00Z/2026-01-15T17:00:00Z"_qs};
        QTest::newRow("a window over the spring forward")
            << kDublin << weekly({}, {hours(u"00:30"_qs, u"03:00"_qs)}) << utc(u"2026-03-28T12:00:00Z"_qs) << 2
            << QStringList{u"2026-03-29T00:30:00Z/2026-03-29T02:00:00Z dst"_qs, u"2026-03-29T23:30:00Z/2026-03-30T02:00:00Z"_qs};
        QTest::newRow("a window starting in the gap")
            << kDublin << weekly({}, {hours(u"01:30"_qs, u"03:00"_qs)}) << utc(u"2026-03-28T12:00:00Z"_qs) << 2
            << QStringList{u"2026-03-29T01:00:00Z/2026-03-29T02:00:00Z"_qs, u"2026-03-30T00:30:00Z/2026-03-30T02:00:00Z"_qs};
        QTest::newRow("New York window starting in the gap")
            << kNewYork << weekly({}, {hours(u"02:30"_qs, u"04:00"_qs)}) << utc(u"2026-03-07T12:00:00Z"_qs) << 2
            << QStringList{u"2026-03-08T07:00:00Z/2026-03-08T08:00:00Z"_qs, u"2026-03-09T06:30:00Z/2026-03-09T08:00:00Z"_qs};
        QTest::newRow("the repeated hour, twice")
            << kDublin << weekly({}, {hours(u"01:15"_qs, u"01:45"_qs)}) << utc(u"2026-10-24T12:00:00Z"_qs) << 3
            << QStringList{u"2026-10-25T00:15:00Z/2026-10-25T00:45:00Z"_qs, u"2026-10-25T01:15:00Z/2026-10-25T01:45:00Z"_qs,
                           u"2026-10-26T01:15:00Z/2026-10-26T01:45:00Z"_qs};
        QTest::newRow("New York repeated hour, twice")
            << kNewYork << weekly({}, {hours(u"01:15"_qs, u"01:45"_qs)}) << utc(u"2026-10-31T12:00:00Z"_qs) << 2
            << QStringList{u"2026-11-01T05:15:00Z/2026-11-01T05:45:00Z"_qs, u"2026-11-01T06:15:00Z/2026-11-01T06:45:00Z"_qs};
        QTest::newRow("a night over the fall-back")
            << kDublin << weekly({Qt::Saturday}, {hours(u"22:00"_qs, u"02:00"_qs)}) << utc(u"2026-10-20T00:00:00Z"_qs) << 2
            << QStringList{u"2026-10-24T21:00:00Z/2026-10-25T02:00:00Z dst"_qs, u"2026-10-31T22:00:00Z/2026-11-01T02:00:00Z"_qs};
        QTest::newRow("touching windows merge")
            << kUtc << weekly({}, {hours(u"12:00"_qs, u"17:00"_qs), hours(u"09:00"_qs, u"12:00"_qs)})
            << utc(u"2026-01-05T00:00:00Z"_qs) << 2
            << QStringList{u"2026-01-05T09:00:00Z/2026-01-05T17:00:00Z"_qs, u"2026-01-06T09:00:00Z/2026-01-06T17:00:00Z"_qs};
        QTest::newRow("overlapping nights merge")
            << kUtc << weekly({}, {hours(u"22:00"_qs, u"02:00"_qs), hours(u"01:00"_qs, u"03:00"_qs)})
            << utc(u"2026-01-05T12:00:00Z"_qs) << 2
            << QStringList{u"2026-01-05T22:00:00Z/2026-01-06T03:00:00Z"_qs, u"2026-01-06T22:00:00Z/2026-01-07T03:00:00Z"_qs};
        QTest::newRow("24 h windows on consecutive days merge")
            << kUtc << weekly({Qt::Friday, Qt::Saturday}, {hours(u"22:00"_qs, u"22:00"_qs)})
            << utc(u"2026-01-05T00:00:00Z"_qs) << 1 << QStringList{u"2026-01-09T22:00:00Z/2026-01-11T22:00:00Z"_qs};
        QTest::newRow("weekends")
            << kUtc << weekly({Qt::Saturday, Qt::Sunday}) << utc(u"2026-01-07T00:00:00Z"_qs) << 2
            << QStringList{u"2026-01-10T00:00:00Z/2026-01-12T00:00:00Z"_qs, u"2026-01-17T00:00:00Z/2026-01-19T00:00:00Z"_qs};
        QTest::newRow("a New York weekend over the spring forward")
            << kNewYork << weekly({Qt::Saturday, Qt::Sunday}) << utc(u"2026-03-04T00:00:00Z"_qs) << 1
            << QStringList{u"2026-03-07T05:00:00Z/2026-03-09T04:00:00Z dst"_qs};
        QTest::newRow("St Patrick's day")
            << kDublin << stPatricksDay() << utc(u"2027-01-01T00:00:00Z"_qs) << 5
            << QStringList{u"2027-03-17T00:00:00Z/2027-03-18T00:00:00Z"_qs};
        QTest::newRow("after expiration") << kDublin << stPatricksDay() << utc(u"2027-03-18T00:00:00Z"_qs) << 5
                                          << QStringList();
        QTest::newRow("no rules: two years") << kDublin << Schedule() << utc(u"2026-01-01T00:00:00Z"_qs) << 5
                                             << QStringList{u"2026-01-01T00:00:00Z/2028-01-01T00:00:00Z dst"_qs};
        QTest::newRow("timeframe: 2 hours every day")
            << kDublin << timeframe(at(kDublin, u"2027-03-01T10:00"_qs), kDay, 2 * kHour) << utc(u"2027-02-01T00:00:00Z"_qs)
            << 3
            << QStringList{u"2027-03-01T10:00:00Z/2027-03-01T12:00:00Z"_qs, u"2027-03-02T10:00:00Z/2027-03-02T12:00:00Z"_qs,
                           u"2027-03-03T10:00:00Z/2027-03-03T12:00:00Z"_qs};
        QTest::newRow("timeframe inside daily hours")
            << kUtc
            << timeframe(utc(u"2026-01-05T09:00:00Z"_qs), 2 * kHour, 30 * kMinute, {hours(u"09:00"_qs, u"17:00"_qs)})
            << utc(u"2026-01-05T00:00:00Z"_qs) << 5
            << QStringList{u"2026-01-05T09:00:00Z/2026-01-05T09:30:00Z"_qs, u"2026-01-05T11:00:00Z/2026-01-05T11:30:00Z"_qs,
                           u"2026-01-05T13:00:00Z/2026-01-05T13:30:00Z"_qs, u"2026-01-05T15:00:00Z/2026-01-05T15:30:00Z"_qs,
                           u"2026-01-06T09:00:00Z/2026-01-06T09:30:00Z"_qs};
        QTest::newRow("timeframe clipped by daily hours")
            << kUtc << timeframe(utc(u"2026-01-05T08:30:00Z"_qs), 90 * kMinute, kHour, {hours(u"09:00"_qs, u"10:00"_qs)})
            << utc(u"2026-01-05T00:00:00Z"_qs) << 2
            << QStringList{u"2026-01-05T09:00:00Z/2026-01-05T09:30:00Z"_qs, u"2026-01-06T09:00:00Z/2026-01-06T09:30:00Z"_qs};
        QTest::newRow("count 0") << kUtc << Schedule() << utc(u"2026-01-05T00:00:00Z"_qs) << 0 << QStringList();
    }

    void nextWindows()
    {
        QFETCH(QString, zone);
        QFETCH(Schedule, schedule);
        QFETCH(qint64, from);
        QFETCH(int, count);
        QFETCH(QStringList, expected);
        const QList<ActiveWindow> windows = PromoDesk::Engine::nextWindows(schedule, zoneNamed(zone), from, count);
        QCOMPARE(windowsText(windows), expected);
    }

    void nextWindowsStopAfterTwoYears()
    {
        const Schedule hourly = weekly({}, {hours(u"09:00"_qs, u"10:00"_qs)});
        const QList<ActiveWindow> windows =
            PromoDesk::Engine::nextWindows(hourly, zoneNamed(kUtc), utc(u"2026-01-01T09:30:00Z"_qs), 1000);
        // The first and the last are clipped: 09:30 on the first day, two years on at 09:30.
        QCOMPARE(windows.size(), 731);
        QCOMPARE(windowsText({windows.first()}), QStringList{u"2026-01-01T09:30:00Z/2026-01-01T10:00:00Z"_qs});
        QCOMPARE(windowsText({windows.last()}), QStringList{u"2028-01-01T09:00:00Z/2028-01-01T09:30:00Z"_qs});
    }

    void nextWindowsCountsAndOrders()
    {
        const Schedule business = weekly({1, 2, 3, 4, 5}, {hours(u"09:00"_qs, u"17:00"_qs)});
        const QList<ActiveWindow> windows =
            PromoDesk::Engine::nextWindows(business, zoneNamed(kDublin), utc(u"2026-01-01T00:00:00Z"_qs), 10);
        QCOMPARE(windows.size(), 10);
        for (qsizetype i = 1; i < windows.size(); ++i)
            QVERIFY(windows[i - 1].end < windows[i].start);
        // 2026-01-01 is a Thursday: Thursday, Friday, then the next week from Monday.
        QCOMPARE(isoUtc(windows[2].start), u"2026-01-05T09:00:00.000Z"_qs);
        QCOMPARE(isoUtc(windows[9].start), u"2026-01-14T09:00:00.000Z"_qs);
    }

    // The preview and the check are two readings of one schedule: they must agree everywhere.
    void checkAgreesWithNextWindows()
    {
        QRandomGenerator random(20270317);
        const qint64 base = utc(u"2025-06-01T00:00:00Z"_qs);
        const int windowLimit = 3000;
        int instants = 0;
        int activeInstants = 0;
        for (int round = 0; round < 300; ++round) {
            const QString zoneId = kRandomZones[random.bounded(int(kRandomZones.size()))];
            const QTimeZone zone = zoneNamed(zoneId);
            qint64 from = base + random.bounded(2 * 365 * kDay);
            // Half the rounds start just before a DST change, where mistakes hide.
            if (random.bounded(2) == 0 && zone.hasTransitions()) {
                const QTimeZone::OffsetData next = zone.nextTransition(QDateTime::fromMSecsSinceEpoch(from, Qt::UTC));
                if (next.atUtc.isValid())
                    from = next.atUtc.toMSecsSinceEpoch() - random.bounded(3 * kDay);
            }
            const Schedule schedule = randomSchedule(random, from);
            const QList<ActiveWindow> windows = PromoDesk::Engine::nextWindows(schedule, zone, from, windowLimit);
            const QString context = scheduleText(schedule, zoneId, from);

            const qint64 horizon = QDateTime::fromMSecsSinceEpoch(from, Qt::UTC).addYears(2).toMSecsSinceEpoch();
            for (qsizetype i = 0; i < windows.size(); ++i) {
                QVERIFY2(windows[i].start < windows[i].end, qPrintable(context));
                QVERIFY2(i == 0 || windows[i - 1].end < windows[i].start, qPrintable(context));
                QVERIFY2(windows[i].start >= from && windows[i].end <= horizon, qPrintable(context));
            }
            // Past the last window only when the list is complete.
            const qint64 known = windows.size() == windowLimit ? windows.last().end : horizon;

            QList<qint64> probes;
            for (int i = 0; i < 40; ++i)
                probes.append(from + random.bounded(std::min(known - from, 40 * kDay)));
            for (qsizetype i = 0; i < std::min<qsizetype>(windows.size(), 20); ++i)
                probes << windows[i].start - 1 << windows[i].start << windows[i].end - 1 << windows[i].end;
            if (schedule.startDate)
                probes << *schedule.startDate - 1 << *schedule.startDate;
            if (schedule.expirationDate)
                probes << *schedule.expirationDate - 1 << *schedule.expirationDate;
            for (qint64 t : std::as_const(probes)) {
                if (t < from || t >= known)
                    continue;
                const ScheduleCheck check = checkSchedule(schedule, zone, t);
                const bool inside = insideAny(windows, t);
                QVERIFY2(check.active() == inside,
                         qPrintable(u"at %1: check says %2 (%3), windows say %4; %5"_qs.arg(
                             isoUtc(t), stateName(check.state), check.message,
                             inside ? u"inside"_qs : u"outside"_qs, context)));
                ++instants;
                activeInstants += inside ? 1 : 0;
            }
        }
        // The random schedules must exercise both answers, or the property proves nothing.
        QVERIFY(activeInstants > instants / 10);
        QVERIFY(activeInstants < instants * 9 / 10);
    }

    void periodContaining_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<int>("period");
        QTest::addColumn<qint64>("at");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("end");
        QTest::addColumn<int>("lengthHours");
        const auto row = [](const char *name, const QString &zone, Period period, qint64 at, const char16_t *start,
                            const char16_t *end, int lengthHours) {
            QTest::newRow(name) << zone << int(period) << at << QString::fromUtf16(start) << QString::fromUtf16(end)
                                << lengthHours;
        };
        const QString auckland = u"Pacific/Auckland"_qs;
        const QString losAngeles = u"America/Los_Angeles"_qs;

        row("Dublin spring-forward day", kDublin, Period::Day, at(kDublin, u"2026-03-29T12:00"_qs),
            u"2026-03-29T00:00:00Z", u"2026-03-29T23:00:00Z", 23);
        row("Dublin fall-back day", kDublin, Period::Day, at(kDublin, u"2026-10-25T12:00"_qs), u"2026-10-24T23:00:00Z",
            u"2026-10-26T00:00:00Z", 25);
        row("Dublin summer day", kDublin, Period::Day, at(kDublin, u"2026-06-10T08:00"_qs), u"2026-06-09T23:00:00Z",
            u"2026-06-10T23:00:00Z", 24);
        row("Dublin day at midnight", kDublin, Period::Day, at(kDublin, u"2026-06-10T00:00"_qs), u"2026-06-09T23:00:00Z",
            u"2026-06-10T23:00:00Z", 24);
        row("Dublin day just before midnight", kDublin, Period::Day, at(kDublin, u"2026-06-10T00:00"_qs) - 1,
            u"2026-06-08T23:00:00Z", u"2026-06-09T23:00:00Z", 24);
        row("Dublin week with the spring forward", kDublin, Period::Week, at(kDublin, u"2026-03-29T12:00"_qs),
            u"2026-03-23T00:00:00Z", u"2026-03-29T23:00:00Z", 167);
        row("Dublin week from Monday midnight", kDublin, Period::Week, at(kDublin, u"2026-03-30T00:00"_qs),
            u"2026-03-29T23:00:00Z", u"2026-04-05T23:00:00Z", 168);
        row("Dublin week on Sunday night", kDublin, Period::Week, at(kDublin, u"2026-04-05T23:59:59"_qs),
            u"2026-03-29T23:00:00Z", u"2026-04-05T23:00:00Z", 168);
        row("Dublin March", kDublin, Period::Month, at(kDublin, u"2026-03-15T12:00"_qs), u"2026-03-01T00:00:00Z",
            u"2026-03-31T23:00:00Z", 743);
        row("Dublin April starts at 23:00 UTC", kDublin, Period::Month, utc(u"2026-03-31T23:30:00Z"_qs),
            u"2026-03-31T23:00:00Z", u"2026-04-30T23:00:00Z", 720);
        row("New York spring-forward day", kNewYork, Period::Day, at(kNewYork, u"2026-03-08T12:00"_qs),
            u"2026-03-08T05:00:00Z", u"2026-03-09T04:00:00Z", 23);
        row("New York fall-back day", kNewYork, Period::Day, at(kNewYork, u"2026-11-01T12:00"_qs),
            u"2026-11-01T04:00:00Z", u"2026-11-02T05:00:00Z", 25);
        row("Auckland February from UTC January", auckland, Period::Month, utc(u"2026-01-31T12:00:00Z"_qs),
            u"2026-01-31T11:00:00Z", u"2026-02-28T11:00:00Z", 672);
        row("Auckland fall-back day", auckland, Period::Day, at(auckland, u"2026-04-05T12:00"_qs),
            u"2026-04-04T11:00:00Z", u"2026-04-05T12:00:00Z", 25);
        row("Auckland week ahead of UTC", auckland, Period::Week, utc(u"2026-03-01T10:00:00Z"_qs),
            u"2026-02-22T11:00:00Z", u"2026-03-01T11:00:00Z", 168);
        row("Auckland next week", auckland, Period::Week, utc(u"2026-03-01T11:00:00Z"_qs), u"2026-03-01T11:00:00Z",
            u"2026-03-08T11:00:00Z", 168);
        row("Los Angeles February on UTC's 1 March", losAngeles, Period::Month, utc(u"2026-03-01T07:59:00Z"_qs),
            u"2026-02-01T08:00:00Z", u"2026-03-01T08:00:00Z", 672);
        row("Los Angeles week with the spring forward", losAngeles, Period::Week, at(losAngeles, u"2026-03-08T12:00"_qs),
            u"2026-03-02T08:00:00Z", u"2026-03-09T07:00:00Z", 167);
    }

    void periodContaining()
    {
        QFETCH(QString, zone);
        QFETCH(int, period);
        QFETCH(qint64, at);
        QFETCH(QString, start);
        QFETCH(QString, end);
        QFETCH(int, lengthHours);
        const PeriodRange range = PromoDesk::Engine::periodContaining(Period(period), zoneNamed(zone), at);
        QCOMPARE(isoUtc(range.start), isoUtc(utc(start)));
        QCOMPARE(isoUtc(range.end), isoUtc(utc(end)));
        QCOMPARE((range.end - range.start) / kHour, qint64(lengthHours));
    }

    void periodTotalIsAllTime()
    {
        const PeriodRange range = PromoDesk::Engine::periodContaining(Period::Total, zoneNamed(kDublin), 12345);
        QCOMPARE(range.start, std::numeric_limits<qint64>::min());
        QCOMPARE(range.end, std::numeric_limits<qint64>::max());
    }

    // Periods tile time: each contains its instant, and the next one starts where it ends,
    // including in zones whose clocks jump at midnight.
    void periodsTileTime()
    {
        QRandomGenerator random(4242);
        const QStringList zones = {kDublin, kNewYork, u"Pacific/Auckland"_qs, u"America/Santiago"_qs,
                                   u"America/Havana"_qs, u"Asia/Beirut"_qs, u"Australia/Lord_Howe"_qs};
        const qint64 base = utc(u"2025-01-01T00:00:00Z"_qs);
        for (const QString &zoneId : zones) {
            const QTimeZone zone = zoneNamed(zoneId);
            for (Period period : {Period::Day, Period::Week, Period::Month}) {
                for (int i = 0; i < 200; ++i) {
                    const qint64 t = base + random.bounded(3 * 365 * kDay);
                    const PeriodRange range = PromoDesk::Engine::periodContaining(period, zone, t);
                    const QString context = u"%1 at %2 (period %3)"_qs.arg(zoneId, isoUtc(t)).arg(int(period));
                    QVERIFY2(range.start <= t && t < range.end, qPrintable(context));
                    QVERIFY2(PromoDesk::Engine::periodContaining(period, zone, range.end).start == range.end,
                             qPrintable(context));
                    QVERIFY2(PromoDesk::Engine::periodContaining(period, zone, range.start - 1).end == range.start,
                             qPrintable(context));
                    // Every period starts at a local midnight, or where the clock jumped past one.
                    const QDateTime local = QDateTime::fromMSecsSinceEpoch(range.start, zone);
                    QVERIFY2(local.time() <= QTime(1, 0), qPrintable(context + u" starts "_qs + local.toString(Qt::ISODate)));
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSchedule)
#include "tst_schedule.moc"
