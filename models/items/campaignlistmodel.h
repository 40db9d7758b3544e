#pragma once

#include "store/campaignsummaries.h"

#include <QAbstractTableModel>
#include <QFuture>
#include <QList>
#include <QString>

namespace PromoDesk::Items {

// Every campaign of a workspace with its redemptions, discount and budget use.
// Loaded off the UI thread (Store::CampaignTasks::summaries, its own read-only
// connection); data() never touches the database. The newest request wins: a
// reload asked for while one runs is queued (at most one), and an answer for an
// older request or another workspace is dropped by its generation.
class CampaignListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Type, Status, Schedule, Redemptions, Discount, Budget, Category, ColumnCount };
    enum Role {
        CampaignIdRole = Qt::UserRole + 1,
        StatusRole, // int(Engine::CampaignStatus)
        TypeRole,   // int(Engine::CampaignType)
        SortRole,   // the column's value for sorting (numbers as numbers)
    };

    explicit CampaignListModel(QObject *parent = nullptr);
    ~CampaignListModel() override;

    void setWorkspace(const QString &path, const QString &currency);
    QString workspacePath() const { return m_path; }
    void reload();
    // Shows campaigns a change has just saved (their new status) at once; the counts
    // follow with the next load.
    void applyCampaigns(const QList<Engine::Campaign> &campaigns);

    bool isLoading() const { return m_running; }
    // Whether the current workspace's list has arrived at least once.
    bool hasLoaded() const { return m_loaded; }
    const Store::CampaignSummary *summaryAt(int row) const;
    int rowOf(const QString &campaignId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString typeLabel(Engine::CampaignType type);
    static QString statusLabel(Engine::CampaignStatus status);
    // "2025-11-01 – 2027-01-01 (Europe/Dublin)", in the campaign's zone.
    static QString scheduleText(const Engine::Campaign &campaign);
    QString budgetText(const Store::CampaignSummary &summary) const;

signals:
    void loaded();
    void loadingChanged(bool loading);
    void errorOccurred(const QString &message);

private:
    void launch();
    void onLoaded(quint64 generation, const Result<QList<Store::CampaignSummary>> &result);
    QVariant display(const Store::CampaignSummary &summary, int column) const;
    QVariant sortValue(const Store::CampaignSummary &summary, int column) const;

    QString m_path;
    QString m_currency;
    QList<Store::CampaignSummary> m_rows;
    quint64 m_generation = 0;
    bool m_running = false;
    bool m_pending = false;
    bool m_loaded = false;
    QFuture<Result<QList<Store::CampaignSummary>>> m_future;
};

} // namespace PromoDesk::Items
