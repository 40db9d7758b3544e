#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "engine/campaign.h"
#include "engine/campaigndrafts.h"
#include "store/campaignsummaries.h"

#include <QFutureWatcher>
#include <QMainWindow>

#include <memory>
#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QMessageBox;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace PromoDesk::Ui {

class CampaignDocument;
class CodeGeneratorPanel;
class DiscountEditor;
class MoneyEdit;
class RulesEditor;
class SchedulePreview;
class TryItPanel;
class ActivityPanel;

// The campaign editor: one window per campaign, with a section for everything the
// engine can do — basics, discount, tiers, eligibility rules, limits and budgets,
// schedule, codes, stacking — and a Try it panel. Every edit is undoable, problems
// that stop activation are shown next to their fields as they arise, closing with
// unsaved changes asks first, and unsaved changes survive a crash as a draft.
// Loading and saving run in the background; the window never waits on the workspace.
class CampaignEditor : public QMainWindow
{
    Q_OBJECT

public:
    enum Section { Basics, DiscountSection, Tiers, Eligibility, LimitsSection, ScheduleSection, Codes, Stacking, TryIt, Analytics, SectionCount };

    // `drafts` empty: the drafts of `workspacePath` in the usual place.
    explicit CampaignEditor(const QString &workspacePath, std::shared_ptr<Engine::CampaignDrafts> drafts = {},
                            QWidget *parent = nullptr);
    ~CampaignEditor() override;

    // What to edit (call one, once): a stored campaign (a draft left for it by a crash
    // is recovered, with a bar to discard it), a new campaign, or a recovered draft.
    void openCampaign(const QString &campaignId);
    void newCampaign(Engine::CampaignType type);
    void openDraft(const Engine::CampaignDraft &draft);

    bool isLoaded() const { return m_loaded; }
    bool isSaving() const { return m_saving; }
    CampaignDocument *document() const { return m_document; }
    // The key of what this window edits: the campaign id, or the draft key of a new one.
    QString editKey() const;
    // What stops activation now ("" = nothing), as "Section › message".
    QString problemText() const { return m_problemText; }
    // The last message of the status bar (saved, refused, …).
    QString statusText() const { return m_statusText; }
    Section currentSection() const;
    void showSection(Section section);
    bool isSectionVisible(Section section) const;

    // For tests: the widgets by name are reachable with findChild; these are the composite ones.
    DiscountEditor *discountEditor() const { return m_discount; }
    DiscountEditor *tierDiscountEditor() const { return m_tierDiscount; }
    RulesEditor *rulesEditor() const { return m_rules; }
    RulesEditor *tierRulesEditor() const { return m_tierRules; }
    SchedulePreview *schedulePreview() const { return m_preview; }
    CodeGeneratorPanel *codePanel() const { return m_codes; }
    TryItPanel *tryItPanel() const { return m_tryIt; }
    // The campaign's own activity (the dashboard's charts for this campaign), loaded when shown.
    ActivityPanel *analyticsPanel() const { return m_analytics; }
    QMessageBox *unsavedGuard() const { return m_guard; }

public slots:
    void save();
    void saveAndActivate();

signals:
    void loaded();
    void saved(const Engine::Campaign &campaign);
    // A save or activation was refused; the message is in the status bar and by the field.
    void saveFailed(const QString &message);
    void recoveredDraftDiscarded();

protected:
    void closeEvent(QCloseEvent *event) override;
    // Undo and redo are the campaign's in every field: a line edit's own undo would
    // otherwise take Ctrl+Z while it has the focus.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *createBasics();
    QWidget *createDiscount();
    QWidget *createTiers();
    QWidget *createEligibility();
    QWidget *createLimits();
    QWidget *createSchedule();
    QWidget *createCodes();
    QWidget *createStacking();
    void createActions();
    QLabel *problemLabel(const QString &name);

    void startLoad(const QString &campaignId);
    void onLoaded();
    void begin(const Engine::Campaign &campaign, const std::optional<Engine::CampaignDraft> &draft);
    void reload();
    void reloadTiers();
    void reloadSchedule();
    void validate();
    void startSave(bool activate);
    void onSaved();
    void setStatus(const QString &text, bool error);
    void updateTitle();
    void updateSections();
    void jumpToProblem();

    // One undoable edit of the document (nothing while widgets are being reloaded).
    void edit(const QString &text, const QString &field, const std::function<void(Engine::Campaign &)> &change);
    int currentTier() const;
    void editTier(const QString &text, const QString &field, const std::function<void(Engine::Tier &)> &change);
    void moveTier(int delta);
    void setScheduleBound(bool start);
    void readDailyWindows();

    QString m_path;
    std::shared_ptr<Engine::CampaignDrafts> m_drafts;
    CampaignDocument *m_document;
    Store::EditorData m_data;
    QString m_campaignId;                          // asked for by openCampaign
    std::optional<Engine::CampaignDraft> m_pendingDraft; // openDraft
    std::optional<Engine::CampaignType> m_newType;
    bool m_loaded = false;
    bool m_reloading = false;
    bool m_saving = false;
    bool m_closeAfterSave = false;
    bool m_closeConfirmed = false;
    QString m_problemText;
    QString m_problemWhere;
    QString m_statusText;

    QListWidget *m_sections = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_loading = nullptr;
    QWidget *m_recoveredBar = nullptr;
    QLabel *m_recoveredText = nullptr;
    QLabel *m_problemStatus = nullptr;
    QLabel *m_statusLabel = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_activateAction = nullptr;
    QAction *m_historyAction = nullptr;
    QMessageBox *m_guard = nullptr;
    QHash<int, QLabel *> m_pageProblems;

    // Basics
    QFormLayout *m_basicsForm = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QComboBox *m_type = nullptr;
    QComboBox *m_zone = nullptr;
    QWidget *m_codeMode = nullptr;
    QRadioButton *m_uniqueCodes = nullptr;
    QRadioButton *m_sharedCode = nullptr;
    QLineEdit *m_standaloneCode = nullptr;
    MoneyEdit *m_giftAmount = nullptr;
    QComboBox *m_referralReward = nullptr;
    // Discount
    DiscountEditor *m_discount = nullptr;
    QLabel *m_discountTitle = nullptr;
    // Tiers
    QListWidget *m_tiers = nullptr;
    QPushButton *m_addTier = nullptr;
    QPushButton *m_removeTier = nullptr;
    QPushButton *m_tierUp = nullptr;
    QPushButton *m_tierDown = nullptr;
    QWidget *m_tierDetail = nullptr;
    QLineEdit *m_tierName = nullptr;
    QLineEdit *m_tierMessage = nullptr;
    RulesEditor *m_tierRules = nullptr;
    DiscountEditor *m_tierDiscount = nullptr;
    // Eligibility
    RulesEditor *m_rules = nullptr;
    QLineEdit *m_rulesMessage = nullptr;
    // Limits
    QFormLayout *m_limitsForm = nullptr;
    QSpinBox *m_perCode = nullptr;
    QSpinBox *m_perCustomer = nullptr;
    QComboBox *m_perCustomerPeriod = nullptr;
    QSpinBox *m_perCampaign = nullptr;
    QComboBox *m_perCampaignPeriod = nullptr;
    MoneyEdit *m_budgetDiscount = nullptr;
    QSpinBox *m_budgetRedemptions = nullptr;
    QCheckBox *m_joinOnce = nullptr;
    // Schedule
    QCheckBox *m_hasStart = nullptr;
    QDateTimeEdit *m_start = nullptr;
    QCheckBox *m_hasEnd = nullptr;
    QDateTimeEdit *m_end = nullptr;
    QLabel *m_zoneNote = nullptr;
    QList<QCheckBox *> m_days;
    QTableWidget *m_windows = nullptr;
    QDoubleSpinBox *m_timeframeInterval = nullptr;
    QDoubleSpinBox *m_timeframeDuration = nullptr;
    QDoubleSpinBox *m_activityDays = nullptr;
    SchedulePreview *m_preview = nullptr;
    // Codes
    QLabel *m_codesNote = nullptr;
    CodeGeneratorPanel *m_codes = nullptr;
    // Stacking
    QComboBox *m_category = nullptr;
    QSpinBox *m_priority = nullptr;
    // Try it
    TryItPanel *m_tryIt = nullptr;
    ActivityPanel *m_analytics = nullptr;

    QFutureWatcher<Result<Store::EditorData>> *m_loadWatcher;
    QFutureWatcher<Result<Engine::Campaign>> *m_saveWatcher;
    BackgroundTasks m_tasks; // last: waited for before the rest is torn down
};

} // namespace PromoDesk::Ui
