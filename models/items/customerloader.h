#pragma once

#include "items/readloader.h"
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
class CustomerLoader : public ReadLoader
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

    using ReadLoader::ReadLoader;

    // These run in the loader's thread.
    Result<qint64> count(quint64 generation, const Store::CustomerQuery &query);
    Result<QList<Store::CustomerRow>> loadPage(const PageRequest &request);

private:
    Result<QList<Store::CustomerRow>> loadPlannedPage(Store::CustomerRepository &repository, const PageRequest &request);

    std::optional<qint64> m_tableSize;
    QString m_scanSearch; // the search whose matches are rare enough to scan for
};

} // namespace PromoDesk::Items
