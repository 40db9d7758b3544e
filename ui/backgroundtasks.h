#pragma once

#include <QFuture>
#include <QList>

namespace PromoDesk::Ui {

// The background work a widget started. Its owner waits for it on destruction, so
// no task is still reading a workspace while the window (or the application) that
// asked for it is being torn down.
class BackgroundTasks
{
public:
    BackgroundTasks() = default;
    BackgroundTasks(const BackgroundTasks &) = delete;
    BackgroundTasks &operator=(const BackgroundTasks &) = delete;
    ~BackgroundTasks() { waitForAll(); }

    template <typename T>
    QFuture<T> track(QFuture<T> future)
    {
        m_running.removeIf([](const QFuture<void> &f) { return f.isFinished(); });
        m_running.append(QFuture<void>(future));
        return future;
    }

    void waitForAll()
    {
        for (QFuture<void> &f : m_running)
            f.waitForFinished();
        m_running.clear();
    }

private:
    QList<QFuture<void>> m_running;
};

} // namespace PromoDesk::Ui
