#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>

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

// Runs `job` on the thread pool (tracked by `tasks`) and hands its result to `done` on
// `context`'s thread, through the event loop; nothing is delivered once `context` is gone.
template <typename Job, typename Done>
void runInBackground(QObject *context, BackgroundTasks &tasks, Job job, Done done)
{
    using R = std::invoke_result_t<Job>;
    auto *watcher = new QFutureWatcher<R>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(tasks.track(QtConcurrent::run(std::move(job))));
}

} // namespace PromoDesk::Ui
