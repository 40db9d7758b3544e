#include "readloader.h"

#include "store/connection.h"
#include "store/rawstatement.h"

#include <sqlite3.h>

namespace PromoDesk::Items {

using namespace PromoDesk::Store;

ReadLoader::ReadLoader(QString path, std::shared_ptr<std::atomic<quint64>> latestGeneration)
    : m_path(std::move(path)), m_latest(std::move(latestGeneration))
{
}

ReadLoader::~ReadLoader() = default;

void ReadLoader::interrupt()
{
    if (void *handle = m_handle.load())
        sqlite3_interrupt(static_cast<sqlite3 *>(handle));
}

Status ReadLoader::ensureOpen()
{
    if (m_connection)
        return {};
    auto opened = Connection::open(m_path, Connection::Access::ReadOnly);
    if (!opened)
        return opened.error();
    m_connection = std::move(opened).value();
    m_handle.store(rawHandle(*m_connection));
    return {};
}

} // namespace PromoDesk::Items
