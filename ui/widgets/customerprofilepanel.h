#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "store/customerrepository.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QTabWidget;
class QTreeWidget;

namespace PromoDesk::Ui {

// Read-only 360° view of one customer: attributes, consents, summary, orders with
// their items, and events. Loads off the UI thread; a newer request wins.
class CustomerProfilePanel : public QWidget
{
    Q_OBJECT

public:
    explicit CustomerProfilePanel(QWidget *parent = nullptr);

    void setWorkspace(const QString &path, const QString &currency);
    void showCustomer(const QString &customerId);
    QString customerId() const { return m_customerId; }
    bool isLoading() const { return m_loading; }

signals:
    void closeRequested();
    void loaded(const QString &customerId);

private:
    void apply(quint64 request, const Result<Store::CustomerProfile> &result);
    void clearForm();
    void addField(const QString &label, const QString &value);

    QString m_path;
    QString m_currency;
    QString m_customerId;
    BackgroundTasks m_tasks;
    quint64 m_request = 0;
    bool m_loading = false;

    QLabel *m_name;
    QLabel *m_subtitle;
    QLabel *m_status;
    QTabWidget *m_tabs;
    QFormLayout *m_form;
    QTreeWidget *m_orders;
    QTreeWidget *m_events;
};

} // namespace PromoDesk::Ui
