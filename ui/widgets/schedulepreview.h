#pragma once

#include "engine/campaign.h"

#include <QWidget>

#include <optional>

class QLabel;
class QTableWidget;

namespace PromoDesk::Ui {

// The next active windows of a schedule, in the campaign's zone and in local time,
// with a warning on windows that cross a daylight-saving change. For the campaign editor.
class SchedulePreview : public QWidget
{
    Q_OBJECT

public:
    static constexpr int WindowCount = 10;

    explicit SchedulePreview(QWidget *parent = nullptr);

    void setSchedule(const Engine::Schedule &schedule, const QString &ianaZone);
    // Fixes "now" (UTC ms), for tests; by default the preview starts at the current time.
    void setNow(qint64 ms);

    QString message() const; // the line above the table ("No upcoming windows", an invalid zone…)

private:
    void refresh();

    Engine::Schedule m_schedule;
    QString m_zone;
    std::optional<qint64> m_now;
    QLabel *m_message;
    QTableWidget *m_table;
    QLabel *m_dstWarning;
};

} // namespace PromoDesk::Ui
