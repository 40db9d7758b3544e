#pragma once

#include "items/pagecache.h"
#include "items/readloader.h"
#include "store/customerrepository.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <memory>

namespace PromoDesk::Items {

class CustomerLoader;

// All members of a workspace, loaded lazily in pages by a CustomerLoader on its own
// thread. data() never touches the database: a row not loaded yet shows a
// placeholder and asks for its page; answers for an old sort or search are dropped.
class CustomerTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Email, Country, City, SignedUp, Orders, TotalSpent, LastOrder, Id, ColumnCount };
    enum Role { CustomerIdRole = Qt::UserRole + 1, LoadedRole };

    static constexpr int PageSize = 200;
    static constexpr int MaxCachedPages = 60;

    explicit CustomerTableModel(QObject *parent = nullptr);
    ~CustomerTableModel() override;

    void setWorkspace(const QString &path, const QString &currency);
    void setSearch(const QString &text);
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static bool isSortable(int column);
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_query.descending ? Qt::DescendingOrder : Qt::AscendingOrder; }
    QString search() const { return m_query.search; }
    Store::CustomerQuery query() const { return m_query; }
    bool isLoading() const { return m_loading; }
    qint64 total() const { return m_total; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // The list now holds `total` rows (for the current search, if any).
    void totalChanged(qint64 total);
    void loadingChanged(bool loading);
    void errorOccurred(const QString &message);

private:
    void restart();
    void requestPage(int page) const;
    void flushRequests();
    void onCounted(quint64 generation, const Result<qint64> &result);
    void onPageLoaded(quint64 generation, int page, const Result<QList<Store::CustomerRow>> &result);
    void setLoading(bool loading);
    void updateLoading();
    const Store::CustomerRow *rowAt(int row) const;
    void stopThread();

    QString m_currency;
    Store::CustomerQuery m_query;
    int m_sortColumn = Name;
    qint64 m_total = 0;
    bool m_loading = false;
    bool m_counting = false;
    QString m_path;

    std::shared_ptr<std::atomic<quint64>> m_generation;
    LoaderThread<CustomerLoader> m_loaderThread{QStringLiteral("customer-loader"), m_generation};
    CustomerLoader *m_loader = nullptr;

    mutable PageCache<Store::CustomerRow> m_pages{PageSize, MaxCachedPages, 12};
    QSet<int> m_inFlight;
    mutable QTimer m_flushTimer;
};

} // namespace PromoDesk::Items
