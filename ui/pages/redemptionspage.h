#pragma once

#include "backgroundtasks.h"
#include "page.h"
#include "store/redemptionlist.h"

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTimer;

namespace PromoDesk::Items {
class RedemptionTableModel;
}

namespace PromoDesk::Ui {

class EmptyState;
class ExportDialog;

// Every redemption attempt of the workspace: filters (period in a chosen zone, campaign,
// result, failure key, channel, customer, code), sort by any column, totals of the
// filtered set, CSV export of exactly what is shown, and per-row actions: roll back,
// open the customer, open the campaign. Lazily loaded: smooth on millions of rows.
class RedemptionsPage : public Page
{
    Q_OBJECT

public:
    enum class Period { AnyTime, Today, Yesterday, Last7Days, Last30Days, Custom };

    explicit RedemptionsPage(QWidget *parent = nullptr);
    ~RedemptionsPage() override;

    QString title() const override { return tr("Redemptions"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;

    Items::RedemptionTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *periodBox() const { return m_period; }
    QComboBox *zoneBox() const { return m_zone; }
    QDateTimeEdit *fromEdit() const { return m_from; }
    QDateTimeEdit *toEdit() const { return m_to; }
    QComboBox *campaignBox() const { return m_campaign; }
    QComboBox *resultBox() const { return m_result; }
    QComboBox *failureBox() const { return m_failure; }
    QComboBox *channelBox() const { return m_channel; }
    QLineEdit *customerEdit() const { return m_customer; }
    QLineEdit *codeEdit() const { return m_code; }
    QLabel *totalsLabel() const { return m_totals; }
    QLabel *filterErrorLabel() const { return m_filterError; }
    QPushButton *newerButton() const { return m_newer; }
    QPushButton *exportButton() const { return m_export; }
    QPushButton *rollBackButton() const { return m_rollBack; }

    // The filter the bar describes now (what the table shows once loaded).
    Store::RedemptionFilter filterFromBar() const;
    void clearFilters();
    // Applies the bar's filter now (the bar does it by itself after a short pause).
    void applyFilter();
    // Opens the export dialog for what the table shows (Ctrl+E).
    ExportDialog *exportCsv();
    // Asks for a reason and a confirmation, then rolls the row's redemption back.
    void confirmRollBack(int row);
    void rollBack(int row, const QString &reason);

signals:
    void openCustomerRequested(const QString &customerId);
    void openCampaignRequested(const QString &campaignId);
    void rolledBack(const QString &redemptionId, bool ok, const QString &message);

private:
    void buildFilterBar(QWidget *host);
    void scheduleFilter();
    void updatePeriodEdits();
    void updateTotals();
    void updateActions();
    void showContextMenu(const QPoint &position);
    int currentRow() const;

    Items::RedemptionTableModel *m_model;
    QComboBox *m_period;
    QComboBox *m_zone;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QComboBox *m_campaign;
    QComboBox *m_result;
    QComboBox *m_failure;
    QComboBox *m_channel;
    QLineEdit *m_customer;
    QLineEdit *m_code;
    QPushButton *m_clear;
    QLabel *m_filterError;
    QLabel *m_totals;
    QPushButton *m_newer;
    QPushButton *m_refresh;
    QPushButton *m_export;
    QPushButton *m_rollBack;
    QPushButton *m_openCustomer;
    QPushButton *m_openCampaign;
    QProgressBar *m_busy;
    QTableView *m_table;
    EmptyState *m_noWorkspace;
    QTimer *m_filterDebounce;
    QString m_path;
    QString m_currency;
    bool m_updatingBar = false;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
