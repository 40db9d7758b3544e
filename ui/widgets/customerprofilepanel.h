#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "store/customerstore.h"

#include <QHash>
#include <QWidget>

#include <optional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTreeWidget;

namespace PromoDesk::Ui {

// The 360° view of one customer: attributes, consents per channel, summary, orders
// with their items, events, segment stays, codes, redemptions, the campaigns they
// qualify for right now (and why not), and privacy (export, erasure, history). The
// profile and consents are edited in place (Edit…), checked field by field as typed.
// Every read and write runs off the UI thread; an answer about a customer the panel
// has moved away from is dropped.
class CustomerProfilePanel : public QWidget
{
    Q_OBJECT

public:
    enum Tab { ProfileTab, OrdersTab, EventsTab, SegmentsTab, CodesTab, RedemptionsTab, CampaignsTab, PrivacyTab };

    explicit CustomerProfilePanel(QWidget *parent = nullptr);

    void setWorkspace(const QString &path, const QString &currency);
    void showCustomer(const QString &customerId);
    QString customerId() const { return m_customerId; }
    bool isLoading() const { return m_loading; }
    bool isQualifying() const { return m_qualifying; }
    bool isEditing() const;
    QTabWidget *tabs() const { return m_tabs; }

    // Edit mode for the profile and consents (what the Edit… button does).
    void startEditing();
    // Writes everything stored about the customer to `file` (JSON) in the background;
    // the Export button asks for the file, then calls this.
    void exportTo(const QString &file);
    // Re-runs the qualification (the Campaigns tab's Check again).
    void requalify();

signals:
    void closeRequested();
    void loaded(const QString &customerId);
    void qualified(const QString &customerId);
    void saveFinished(const QString &customerId, bool ok);
    void exportFinished(const QString &file, bool ok);
    void erased(const QString &customerId);
    // An edit or an erasure changed the customer: lists that show them may reload.
    void customerChanged(const QString &customerId);

private:
    struct FieldEditor
    {
        QWidget *editor = nullptr;
        QLabel *error = nullptr;
    };

    QWidget *buildProfileTab();
    QWidget *buildEditPage();
    QWidget *buildCampaignsTab();
    QWidget *buildPrivacyTab();

    void apply(quint64 request, const Result<Store::Customer360> &result);
    void applyQualification(quint64 request, const Result<Store::QualificationNow> &result);
    void clearForm();
    void addField(const QString &label, const QString &value);
    void addConsentRows(const Store::CustomerProfile &profile);
    void fillOrders(const Store::Customer360 &view);
    void fillSegments(const Store::Customer360 &view);
    void fillCodes(const Store::Customer360 &view);
    void fillRedemptions(const Store::Customer360 &view);
    void fillPrivacy(const Store::Customer360 &view);
    void reload();
    void syncNav();
    void showCampaignDetails();

    // Editing.
    Store::CustomerChanges editedChanges() const;
    void checkEdits();
    void showFieldError(const QString &field, const QString &message);
    void stopEditing();
    void save();
    void updateEraseButton();
    void erase();

    QString m_path;
    QString m_currency;
    QString m_customerId;
    QString m_notice; // shown once the reload after a save arrives
    std::optional<Store::Customer360> m_view;
    BackgroundTasks m_tasks;
    quint64 m_request = 0;
    bool m_loading = false;
    bool m_qualifying = false;
    bool m_saving = false;

    QLabel *m_name;
    QLabel *m_subtitle;
    QLabel *m_consentLine;
    QLabel *m_erasedBanner;
    QLabel *m_status;
    QTabWidget *m_tabs;
    QButtonGroup *m_nav = nullptr;

    // Profile: read-only form and the edit page.
    QStackedWidget *m_profileStack = nullptr;
    QFormLayout *m_form = nullptr;
    QPushButton *m_editButton = nullptr;
    QHash<QString, FieldEditor> m_editors; // by field name (name, email, address.country, …)
    QLineEdit *m_editName = nullptr;
    QLineEdit *m_editEmail = nullptr;
    QLineEdit *m_editPhone = nullptr;
    QLineEdit *m_editBirthdate = nullptr;
    QLineEdit *m_editCity = nullptr;
    QLineEdit *m_editCountry = nullptr;
    QLineEdit *m_editPostalCode = nullptr;
    QComboBox *m_editTier = nullptr;
    QLineEdit *m_editTags = nullptr;
    QPlainTextEdit *m_editMetadata = nullptr;
    QCheckBox *m_editConsent[3] = {nullptr, nullptr, nullptr};
    QPushButton *m_saveButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_editStatus = nullptr;

    QTreeWidget *m_orders;
    QTreeWidget *m_events;
    QTreeWidget *m_segments;
    QTreeWidget *m_codes;
    QTreeWidget *m_redemptions;

    QTreeWidget *m_campaigns = nullptr;
    QLabel *m_campaignsNote = nullptr;
    QLabel *m_campaignDetails = nullptr;
    QPushButton *m_requalifyButton = nullptr;

    QPushButton *m_exportButton = nullptr;
    QPushButton *m_eraseButton = nullptr;
    QGroupBox *m_eraseConfirm = nullptr;
    QLineEdit *m_eraseReason = nullptr;
    QLineEdit *m_eraseTyped = nullptr;
    QPushButton *m_eraseConfirmButton = nullptr;
    QLabel *m_privacyStatus = nullptr;
    QTreeWidget *m_audit = nullptr;
};

} // namespace PromoDesk::Ui
