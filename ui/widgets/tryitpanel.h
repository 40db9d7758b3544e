#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "engine/campaign.h"
#include "engine/engine.h"
#include "store/campaignstore.h"
#include "store/customerrepository.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSpinBox;
class QSplitter;
class QStandardItemModel;
class QTableWidget;
class QTimer;
class QToolButton;
class QTreeWidget;

namespace PromoDesk::Ui {

class MoneyEdit;

// The campaign editor's "Try it": pick a customer (or a guest), build a cart, and see
// whether the campaign as drafted applies — the discount per line, free items, the
// shipping discount, and the rule engine's explanation for every tier and code that
// does not apply. Nothing is saved. Every read runs on a worker with its own
// read-only connection; the newest request wins and stale answers are dropped.
class TryItPanel : public QWidget
{
    Q_OBJECT

public:
    // Draft: the campaign editor's "Try it" (one campaign as drafted). Workspace: the
    // sandbox's simulator — qualify / validate / redeem against every campaign of the
    // workspace, with the codes and tiers typed, at a clock in a chosen zone.
    enum class Mode { Draft, Workspace };
    enum class Operation { Qualify, Validate, Redeem };

    explicit TryItPanel(QWidget *parent = nullptr);
    ~TryItPanel() override;

    // The workspace file; empty = none (the panel is disabled and says so).
    void setWorkspace(const QString &path);
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    // Workspace mode: what to run, and the codes / tier ids to validate or redeem
    // (separated by commas or spaces; a known tier id is a tier, the rest are codes).
    void setOperation(Operation operation);
    Operation operation() const;
    void setRedeemables(const QString &text);
    // Workspace mode: the clock's zone (IANA id); the campaign's own in Draft mode.
    void setZone(const QString &iana);
    // The request last run, as the JSON of docs/cli.md with its clock, and its operation
    // ("qualify", "validate", "redeem"): what a simulator case saves. Empty before a run.
    QJsonObject lastRequest() const { return m_lastRequest; }
    QString lastOperation() const { return m_lastOperation; }
    // The draft as edited now (saved or not, any status). Re-runs (debounced) when a
    // result is on screen or a run is under way.
    void setCampaign(const Engine::Campaign &draft);
    // A fixed moment to try at (tests; also what "Try at" sets); none = the clock at each run.
    void setNow(std::optional<qint64> utcMs);

    // Like picking one: "cust_42" or the shop's source id; empty = a guest.
    void setCustomer(const QString &idOrSourceId);
    // Replaces the cart: SKU and quantity; a line's price is the catalogue's for a
    // catalogue SKU, else the one given.
    void setCart(const QList<Engine::OrderItem> &items);
    // The cart as it would be sent (a catalogue SKU's price 0 until the catalogue is loaded).
    QList<Engine::OrderItem> cart() const;
    QString customer() const { return m_customer; }

    // Starts a run now, in the background; a run under way is superseded.
    void run();
    // A run is under way or scheduled (a debounced re-run).
    bool isRunning() const;
    // The headline on screen: "Applies: 12.50 off", "Does not apply — customer_rules_violated:
    // Irish members only", "Could not try the campaign: …"; empty before the first result.
    QString verdict() const { return m_verdictText; }
    // Whether the result on screen says the campaign applies.
    bool applies() const { return m_applies; }

signals:
    // A result (or an error) is on screen.
    void finished();
    // Workspace mode: "Save as case…" was pressed (the request last run is in lastRequest()).
    void saveCaseRequested();

private:
    // What the panel knows of the picked customer.
    struct CustomerSummary
    {
        bool found = false;
        QString id;
        QString sourceId;
        QString name;
        QString email;
        QString country;
        QString tier;
    };

    void buildUi();
    void updateEnabled();
    void scheduleRerun();
    void launchRun();
    void applyResult(const Result<Engine::Validation> &result);
    void showError(const QString &message);
    void setStatus(const QString &text);
    void clearResult();

    void loadCatalogue();
    void searchCustomers();
    void launchSearch();
    void showMatches(const QList<Store::CustomerRow> &rows, const QString &text);
    void pickMatch(QListWidgetItem *item);
    void resolveCustomer();
    void showCustomer();

    int addCartRow(const Engine::OrderItem &item);
    void refreshCartRow(int row);
    void refreshCartTotal();
    void cartChanged();

    void showTryAt();
    void showTryAtZone();
    void tryAtEdited();
    qint64 tryAtMs() const;

    // --- inputs ---
    QLabel *m_message;
    QLineEdit *m_search;
    QListWidget *m_matches;
    QLabel *m_customerInfo;
    QTableWidget *m_cart;
    QPushButton *m_addLine;
    QPushButton *m_removeLine;
    MoneyEdit *m_shipping;
    QComboBox *m_channel;
    QLabel *m_cartTotal;
    QDateTimeEdit *m_at;
    QLabel *m_atLabel = nullptr;
    QSplitter *m_split = nullptr;
    QLabel *m_atZone;
    QToolButton *m_nowButton;
    QPushButton *m_tryButton;
    QLabel *m_status;
    // --- results ---
    QLabel *m_verdict;
    QLabel *m_totals;
    QTableWidget *m_lines;
    QTreeWidget *m_explain;
    // --- workspace mode ---
    QWidget *m_simulatorRow;
    QComboBox *m_operation;
    QLineEdit *m_redeemables;
    QComboBox *m_zone;
    QPushButton *m_saveCase;
    Mode m_mode = Mode::Draft;
    QJsonObject m_lastRequest;
    QString m_lastOperation;
    QStringList m_tierIds; // the workspace's promotion tier ids (workspace mode)

    QTimer *m_rerunTimer;
    QTimer *m_searchTimer;
    QStandardItemModel *m_skuModel;

    QString m_path;
    Engine::Campaign m_draft;
    std::optional<qint64> m_fixedNow;
    QString m_customer;
    CustomerSummary m_customerSummary;
    bool m_customerResolved = true;
    QHash<QString, Store::CatalogueSku> m_catalogue;
    bool m_catalogueLoaded = false;

    quint64 m_generation = 0;       // bumped by every run request; older answers are dropped
    bool m_running = false;         // a run is on a worker
    bool m_runPending = false;      // run again when it is in (it is stale)
    bool m_hasResult = false;       // something is on screen to keep up to date
    quint64 m_searchGeneration = 0;
    bool m_searching = false;
    bool m_searchPending = false;
    quint64 m_customerGeneration = 0;
    quint64 m_workspaceGeneration = 0;
    bool m_filling = false;         // the panel, not the user, is changing the widgets
    QString m_verdictText;
    bool m_applies = false;

    BackgroundTasks m_tasks; // last member: waited for before the rest is torn down
};

} // namespace PromoDesk::Ui
