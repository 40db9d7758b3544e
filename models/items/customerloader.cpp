#include "customerloader.h"

namespace PromoDesk::Items {

using namespace PromoDesk::Store;

Result<qint64> CustomerLoader::count(quint64 generation, const CustomerQuery &query)
{
    if (Status s = ready(generation); !s)
        return s.error();
    CustomerRepository repository(connection());
    auto matches = repository.count(query);
    if (!matches || query.search.trimmed().isEmpty())
        return matches;
    // Choose how later pages of this search are read: rare matches (under 2% of
    // members) are found faster by one scan than by walking the sort index.
    if (!m_tableSize) {
        auto all = repository.count(CustomerQuery{});
        if (!all)
            return all;
        m_tableSize = all.value();
    }
    m_scanSearch = matches.value() * 50 < *m_tableSize ? query.search : QString();
    return matches;
}

Result<QList<CustomerRow>> CustomerLoader::loadPage(const PageRequest &request)
{
    if (Status s = ready(request.generation); !s)
        return s.error();
    CustomerRepository repository(connection());
    PageRequest planned = request;
    planned.query.fullScan = !request.query.search.isEmpty() && request.query.search == m_scanSearch;
    return loadPlannedPage(repository, planned);
}

Result<QList<CustomerRow>> CustomerLoader::loadPlannedPage(CustomerRepository &repository, const PageRequest &request)
{
    if (request.page == 0)
        return repository.pageAfter(request.query, std::nullopt, request.pageSize);
    if (request.after)
        return repository.pageAfter(request.query, request.after, request.pageSize);
    if (request.before)
        return repository.pageBefore(request.query, *request.before, request.pageSize);
    // A jump: ask the index for the key just before the page, then page by key.
    auto anchor = repository.keyAt(request.query, qint64(request.page) * request.pageSize - 1);
    if (!anchor)
        return anchor.error();
    if (!anchor.value())
        return QList<CustomerRow>();
    return repository.pageAfter(request.query, anchor.value(), request.pageSize);
}

} // namespace PromoDesk::Items
