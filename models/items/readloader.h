#pragma once

#include "common/result.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QString>

#include <atomic>
#include <memory>

namespace PromoDesk::Store {
class Connection;
}

namespace PromoDesk::Items {

// The base of the list loaders: a QObject that lives in its own thread with its own
// read-only connection to the workspace. Requests carry a generation; one that is no
// longer the latest is skipped, and interrupt() (thread-safe) aborts the SQLite
// statement running in the loader's thread.
class ReadLoader : public QObject
{
    Q_OBJECT

public:
    ReadLoader(QString path, std::shared_ptr<std::atomic<quint64>> latestGeneration);
    ~ReadLoader() override;

    void interrupt();
    bool isStale(quint64 generation) const { return generation != m_latest->load(); }

protected:
    // Opens the connection on first use, in the loader's thread.
    Status ensureOpen();
    Store::Connection &connection() { return *m_connection; }
    Error superseded() const { return Error{QStringLiteral("superseded"), {}}; }
    // Ready to run a request of `generation`: the error "superseded" when it is no longer
    // the latest, or why the connection cannot open.
    Status ready(quint64 generation)
    {
        if (isStale(generation))
            return superseded();
        return ensureOpen();
    }

private:
    QString m_path;
    std::shared_ptr<std::atomic<quint64>> m_latest;
    std::unique_ptr<Store::Connection> m_connection;
    std::atomic<void *> m_handle{nullptr};
};

// Owns a loader and the thread it lives in: start() (re)creates both for a workspace,
// stop() supersedes the work in flight (bumps the generation, interrupts SQLite), ends
// the thread and lets the loader close its connection there.
template <typename Loader>
class LoaderThread
{
public:
    LoaderThread(QString name, std::shared_ptr<std::atomic<quint64>> generation)
        : m_name(std::move(name)), m_generation(std::move(generation))
    {
    }
    ~LoaderThread() { stop(); }
    LoaderThread(const LoaderThread &) = delete;
    LoaderThread &operator=(const LoaderThread &) = delete;

    Loader *start(const QString &path)
    {
        stop();
        m_thread = new QThread;
        m_thread->setObjectName(m_name);
        m_loader = new Loader(path, m_generation);
        m_loader->moveToThread(m_thread);
        QObject::connect(m_thread, &QThread::finished, m_loader, &QObject::deleteLater);
        m_thread->start();
        return m_loader;
    }

    void stop()
    {
        if (!m_thread)
            return;
        m_generation->fetch_add(1);
        m_loader->interrupt();
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        m_loader = nullptr;
    }

    Loader *loader() const { return m_loader; }

private:
    QString m_name;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    QThread *m_thread = nullptr;
    Loader *m_loader = nullptr;
};

// Runs `work(loader)` in the loader's thread, then `done(result)` in the receiver's
// thread if the receiver still exists. The models' one way of talking to their loader.
template <typename Loader, typename Receiver, typename Work, typename Done>
void runInLoader(Loader *loader, Receiver *receiver, Work work, Done done)
{
    QPointer<Receiver> self(receiver);
    QMetaObject::invokeMethod(
        loader,
        [self, loader, work = std::move(work), done = std::move(done)] {
            auto result = work(loader);
            QMetaObject::invokeMethod(
                self.data(), [self, done, result = std::move(result)] { if (self) done(result); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace PromoDesk::Items
