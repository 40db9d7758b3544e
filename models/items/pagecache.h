#pragma once

#include <QHash>
#include <QList>

#include <algorithm>
#include <optional>

namespace PromoDesk::Items {

// The pages of a lazily loaded table that are in memory: at most `maxPages`, the least
// recently used thrown out first, plus the pages the view asked for and does not have
// (most recent first, at most `maxWanted`: a fast scroll forgets the pages it flew past).
template <typename Row>
class PageCache
{
public:
    PageCache(int pageSize, int maxPages, int maxWanted) : m_pageSize(pageSize), m_maxPages(maxPages), m_maxWanted(maxWanted) {}

    int pageSize() const { return m_pageSize; }

    // The row, or nullptr when its page is not loaded (the page is then wanted).
    const Row *row(int row)
    {
        const int page = row / m_pageSize;
        auto it = m_pages.find(page);
        if (it == m_pages.end()) {
            want(page);
            return nullptr;
        }
        it->lastUsed = ++m_clock;
        const int offset = row % m_pageSize;
        return offset < it->rows.size() ? &it->rows[offset] : nullptr;
    }

    const QList<Row> *page(int page) const
    {
        auto it = m_pages.constFind(page);
        return it == m_pages.cend() ? nullptr : &it->rows;
    }
    bool contains(int page) const { return m_pages.contains(page); }

    void insert(int page, QList<Row> rows)
    {
        m_pages.insert(page, Page{std::move(rows), ++m_clock});
        while (m_pages.size() > m_maxPages) {
            auto oldest = std::min_element(m_pages.begin(), m_pages.end(),
                                           [](const Page &a, const Page &b) { return a.lastUsed < b.lastUsed; });
            m_pages.erase(oldest);
        }
    }

    void want(int page)
    {
        m_wanted.removeAll(page);
        m_wanted.prepend(page);
        while (m_wanted.size() > m_maxWanted)
            m_wanted.removeLast();
    }
    bool hasWanted() const { return !m_wanted.isEmpty(); }
    int takeWanted() { return m_wanted.takeFirst(); }

    void clear()
    {
        m_pages.clear();
        m_wanted.clear();
    }
    void clearWanted() { m_wanted.clear(); }

private:
    struct Page
    {
        QList<Row> rows;
        quint64 lastUsed = 0;
    };

    int m_pageSize;
    int m_maxPages;
    int m_maxWanted;
    QHash<int, Page> m_pages;
    quint64 m_clock = 0;
    QList<int> m_wanted;
};

} // namespace PromoDesk::Items
