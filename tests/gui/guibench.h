#pragma once

// Shared by the GUI benchmarks: a watchdog for UI-thread stalls and event-loop waits.
// Figures only; nothing here asserts on time.

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <vector>

namespace PromoDesk::Bench {

// Longest gap between 5 ms ticks, minus the tick: how long the UI thread was busy.
class Watchdog : public QObject
{
public:
    Watchdog()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last > 0)
                m_worst = std::max(m_worst, now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    void reset()
    {
        m_worst = 0;
        m_last = 0;
    }
    double worstStallMs() const { return std::max(0.0, double(m_worst) / 1e6 - 5.0); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

// Runs the event loop until `done` holds; returns the milliseconds it took.
inline double waitUntil(const std::function<bool()> &done, int timeoutMs = 60000)
{
    QElapsedTimer timer;
    timer.start();
    // Blocks until an event arrives (the watchdog ticks every 5 ms): no busy spinning
    // that would steal a core from the loader threads being measured.
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return double(timer.nsecsElapsed()) / 1e6;
}

// Whether the first and last visible rows of the table have loaded (`loadedRole` true).
inline bool visibleRowsLoaded(QTableView *table, int loadedRole)
{
    const int top = table->rowAt(0);
    const int bottom = table->rowAt(table->viewport()->height() - 1);
    if (top < 0)
        return table->model()->rowCount() == 0;
    for (int row : {top, bottom < 0 ? top : bottom}) {
        if (!table->model()->index(row, 0).data(loadedRole).toBool())
            return false;
    }
    return true;
}

inline double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace PromoDesk::Bench
