#pragma once

#include "common/result.h"

#include <QObject>
#include <QPointer>
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

private:
    QString m_path;
    std::shared_ptr<std::atomic<quint64>> m_latest;
    std::unique_ptr<Store::Connection> m_connection;
    std::atomic<void *> m_handle{nullptr};
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
