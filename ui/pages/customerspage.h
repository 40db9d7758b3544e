#pragma once

#include "page.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QProgressBar;
class QSplitter;
class QTableView;
class QTimer;

namespace PromoDesk::Items {
class CustomerTableModel;
}

namespace PromoDesk::Ui {

class CustomerProfilePanel;
class ExportDialog;
class EmptyState;

// Every member of the workspace in a lazily loaded, sortable table with a search
// box that filters as you type; double-click (or Enter) opens the profile.
class CustomersPage : public Page
{
    Q_OBJECT

public:
    explicit CustomersPage(QWidget *parent = nullptr);

    QString title() const override { return tr("Customers"); }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;

    QTableView *table() const { return m_table; }
    QLineEdit *searchBox() const { return m_search; }
    CustomerProfilePanel *profilePanel() const { return m_profile; }
    Items::CustomerTableModel *model() const { return m_model; }

    void openProfile(int row);
    // Opens a customer's profile by id (cust_42), e.g. from another page.
    void openCustomer(const QString &customerId);
    // Opens the Import CSV dialog for the open workspace (customers, products, orders, events).
    void importCsv();
    // Opens the CSV export dialog for the customers listed (search and order as shown).
    ExportDialog *exportCsv();
    QPushButton *importButton() const { return m_import; }

signals:
    // An import committed: the page has reloaded; the rest of the window may want to.
    void dataImported();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void updateSummary();

    Items::CustomerTableModel *m_model;
    QLineEdit *m_search;
    QTimer *m_searchDebounce;
    QLabel *m_summary;
    QPushButton *m_import;
    QLabel *m_error;
    QProgressBar *m_busy;
    QTableView *m_table;
    QSplitter *m_splitter;
    CustomerProfilePanel *m_profile;
    EmptyState *m_noWorkspace;
    bool m_hasWorkspace = false;
    QString m_path, m_currency;
};

} // namespace PromoDesk::Ui
