#include "widgets/schedulepreview.h"

#include "engine/schedule.h"

#include <QColor>
#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

namespace {

enum Column { CampaignZoneColumn, LocalZoneColumn, NoteColumn, ColumnCount };

// "Sun 2026-10-25 00:00 IST → 05:00 GMT"; the end repeats the date only when it differs.
QString formatWindow(qint64 start, qint64 end, const QTimeZone &zone)
{
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(start, zone);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(end, zone);
    const QString endFormat = from.date() == to.date() ? QStringLiteral("HH:mm") : QStringLiteral("ddd yyyy-MM-dd HH:mm");
    return QStringLiteral("%1 %2 → %3 %4")
        .arg(from.toString(QStringLiteral("ddd yyyy-MM-dd HH:mm")), from.timeZoneAbbreviation(),
             to.toString(endFormat), to.timeZoneAbbreviation());
}

} // namespace

SchedulePreview::SchedulePreview(QWidget *parent)
    : QWidget(parent)
    , m_message(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_dstWarning(new QLabel(this))
{
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("windows"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_dstWarning->setObjectName(QStringLiteral("dstWarning"));
    m_dstWarning->setWordWrap(true);
    m_dstWarning->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_dstWarning);
    refresh();
}

void SchedulePreview::setSchedule(const Engine::Schedule &schedule, const QString &ianaZone)
{
    m_schedule = schedule;
    m_zone = ianaZone;
    refresh();
}

void SchedulePreview::setNow(qint64 ms)
{
    m_now = ms;
    refresh();
}

QString SchedulePreview::message() const
{
    return m_message->text();
}

void SchedulePreview::refresh()
{
    m_table->setRowCount(0);
    m_dstWarning->hide();

    const QTimeZone zone(m_zone.toUtf8());
    if (!zone.isValid()) {
        m_message->setText(m_zone.isEmpty() ? tr("No time zone set: choose one to preview the schedule.")
                                            : tr("Unknown time zone “%1”: choose a valid IANA zone (e.g. Europe/Dublin) "
                                                 "to preview the schedule.").arg(m_zone));
        m_table->hide();
        return;
    }

    const QTimeZone local = QTimeZone::systemTimeZone();
    const QString localName = QString::fromUtf8(QTimeZone::systemTimeZoneId());
    m_table->setHorizontalHeaderLabels({m_zone, tr("Local (%1)").arg(localName), tr("Note")});

    // Cheap (well under a millisecond for ten windows), so it runs here on the UI thread.
    const qint64 now = m_now.value_or(QDateTime::currentMSecsSinceEpoch());
    const QList<Engine::ActiveWindow> windows = Engine::nextWindows(m_schedule, zone, now, WindowCount);
    if (windows.isEmpty()) {
        m_message->setText(tr("No upcoming windows"));
        m_table->hide();
        return;
    }

    m_message->setText(tr("Next %n active window(s), from now:", nullptr, int(windows.size())));
    m_table->setRowCount(int(windows.size()));
    bool anyDst = false;
    for (int row = 0; row < windows.size(); ++row) {
        const Engine::ActiveWindow &w = windows.at(row);
        auto *inZone = new QTableWidgetItem(formatWindow(w.start, w.end, zone));
        inZone->setData(Qt::UserRole, w.start);
        inZone->setData(Qt::UserRole + 1, w.end);
        m_table->setItem(row, CampaignZoneColumn, inZone);
        m_table->setItem(row, LocalZoneColumn, new QTableWidgetItem(formatWindow(w.start, w.end, local)));
        auto *note = new QTableWidgetItem(w.crossesDstChange ? tr("⚠ crosses a daylight-saving change") : QString());
        if (w.crossesDstChange)
            note->setForeground(QColor(0xB0, 0x5A, 0x00));
        m_table->setItem(row, NoteColumn, note);
        anyDst = anyDst || w.crossesDstChange;
    }
    m_table->resizeColumnsToContents();
    m_table->show();
    if (anyDst) {
        m_dstWarning->setText(tr("⚠ Some windows cross a daylight-saving change: they are shorter or longer "
                                 "than usual in wall-clock time."));
        m_dstWarning->show();
    }
}

} // namespace PromoDesk::Ui
