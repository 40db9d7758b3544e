#pragma once

#include "store/customerrepository.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace PromoDesk::Store {
class Connection;
}

namespace PromoDesk::Items {

// Runs customer-list queries on its own thread and its own read-only connection.
// Calls are queued into its thread; answers are handed to callbacks that the
// caller queues back to its own thread. A request whose generation is no longer
// the latest is skipped, and interrupt() aborts a running SQLite statement.
class CustomerLoader : public QObject
{
    Q_OBJECT

public:
    struct PageRequest
    {
        quint64 generation = 0;
        Store::CustomerQuery query;
        int page = 0;
        int pageSize = 0;
        std::optional<Store::CustomerKey> after;  // last key of the page before, if known
        std::optional<Store::CustomerKey> before; // first key of the page after, if known
    };

    CustomerLoader(QString path, std::shared_ptr<std::atomic<quint64>> latestGeneration);
    ~CustomerLoader() override;

    // Thread-safe: aborts the statement running in the loader's thread, if any.
    void interrupt();

    // These run in the loader's thread.
    Result<qint64> count(quint64 generation, const Store::CustomerQuery &query);
    Result<QList<Store::CustomerRow>> loadPage(const PageRequest &request);

    bool isStale(quint64 generation) const { return generation != m_latest->load(); }

private:
    Status ensureOpen();
    Result<QList<Store::CustomerRow>> loadPlannedPage(Store::CustomerRepository &repository, const PageRequest &request);

    QString m_path;
    std::optional<qint64> m_tableSize;
    QString m_scanSearch; // the search whose matches are rare enough to scan for
    std::shared_ptr<std::atomic<quint64>> m_latest;
    std::unique_ptr<Store::Connection> m_connection;
    std::atomic<void *> m_handle{nullptr};
};

} // namespace PromoDesk::Items
