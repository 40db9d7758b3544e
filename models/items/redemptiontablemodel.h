#pragma once

#include "items/pagecache.h"
#include "items/readloader.h"
#include "store/redemptionlist.h"

#include <QAbstractTableModel>
#include <QSet>
#include <QTimeZone>
#include <QTimer>

#include <atomic>
#include <memory>

namespace PromoDesk::Items {

class RedemptionLoader;

// Every redemption attempt matching a filter, in a chosen order. A RedemptionLoader on
// its own thread takes a snapshot of the matching ids (with the totals) and then reads
// the rows of whichever pages the view shows; data() never touches the database. The
// model watches for newer redemptions and says how many arrived (refresh() shows them).
class RedemptionTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Date, Code, Campaign, Customer, Order, OrderAmount, Discount, Outcome, FailureCode, Message, Channel, Id, ColumnCount };
    enum Role {
        RedemptionIdRole = Qt::UserRole + 1, // red_N
        CustomerIdRole,                      // cust_N, or empty
        CampaignIdRole,
        CanRollBackRole, // a succeeded redemption that is not rolled back
        OutcomeRole,     // Store::RedemptionOutcome, as an int
        LoadedRole,
    };

    static constexpr int PageSize = 200;
    static constexpr int MaxCachedPages = 60;
    static constexpr int WatchIntervalMs = 2000;

    explicit RedemptionTableModel(QObject *parent = nullptr);
    ~RedemptionTableModel() override;

    void setWorkspace(const QString &path, const QString &currency);
    void setFilter(const Store::RedemptionFilter &filter);
    // Dates are shown in this zone (the filter's times are UTC either way).
    void setTimeZone(const QTimeZone &zone);
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    // Takes a new snapshot with the same filter and order (new and changed rows show).
    void refresh();

    Store::RedemptionFilter filter() const { return m_filter; }
    Store::RedemptionOrder order() const { return m_order; }
    QTimeZone timeZone() const { return m_zone; }
    QString currency() const { return m_currency; }
    static std::optional<Store::RedemptionSort> sortForColumn(int column);
    bool isLoading() const { return m_loading; }
    qint64 total() const { return qint64(m_ids.size()); }
    Store::RedemptionTotals totals() const { return m_totals; }
    // The totals are counted after the rows arrive; until then only `rows` is known.
    bool totalsKnown() const { return m_totalsKnown; }
    // The row if its page is loaded.
    std::optional<Store::RedemptionRow> rowAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // A new snapshot is in (its row count), or its totals are (totalsKnown()).
    void totalsChanged(const Store::RedemptionTotals &totals);
    void loadingChanged(bool loading);
    // The filter cannot run (an unknown customer or code…): what and which field.
    void filterRejected(const QString &message, const QString &field);
    void errorOccurred(const QString &message);
    // Redemptions matching the filter that arrived after the snapshot (0 after a refresh).
    void newerAvailable(qint64 count);
    // The failure codes, channels and campaigns the workspace has, for the filter bar.
    void choicesLoaded(const Store::RedemptionFilterChoices &choices);

private:
    void restart();
    void onSnapshot(quint64 generation, const Result<std::shared_ptr<const Store::RedemptionSnapshot>> &result);
    void onTotals(quint64 generation, const Result<Store::RedemptionTotals> &result);
    void flushRequests();
    void onPageLoaded(quint64 generation, int page, const Result<QList<Store::RedemptionRow>> &result);
    void watch();
    void updateLoading();
    void stopThread();
    const Store::RedemptionRow *loadedRow(int row) const;
    QString timeText(qint64 ms) const;

    QString m_path;
    QString m_currency;
    QTimeZone m_zone = QTimeZone::utc();
    Store::RedemptionFilter m_filter;
    Store::RedemptionOrder m_order;
    std::vector<qint64> m_ids; // of the snapshot on screen
    Store::RedemptionTotals m_totals;
    qint64 m_maxId = 0;
    bool m_snapshotting = false;
    bool m_totalsKnown = false;
    bool m_loading = false;
    bool m_watching = false;
    qint64 m_newer = 0;

    std::shared_ptr<std::atomic<quint64>> m_generation;
    LoaderThread<RedemptionLoader> m_loaderThread{QStringLiteral("redemption-loader"), m_generation};
    RedemptionLoader *m_loader = nullptr;

    mutable PageCache<Store::RedemptionRow> m_pages{PageSize, MaxCachedPages, 12};
    QSet<int> m_inFlight;
    mutable QTimer m_flushTimer;
    QTimer m_watchTimer;
};

} // namespace PromoDesk::Items
