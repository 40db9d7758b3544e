#include "editors/campaigneditor.h"

#include "common/money.h"
#include "dialogs/campaignhistorydialog.h"
#include "editors/campaigndocument.h"
#include "editors/discounteditor.h"
#include "editors/ruleseditor.h"
#include "engine/campaignjson.h"
#include "widgets/codegeneratorpanel.h"
#include "widgets/moneyedit.h"
#include "widgets/schedulepreview.h"
#include "widgets/activitypanel.h"
#include "widgets/tryitpanel.h"

#include <QAction>
#include <QApplication>
#include <QButtonGroup>
#include <QCheckBox>
#include <QCloseEvent>
#include <QKeyEvent>
#include <QComboBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTableWidget>
#include <QTimeEdit>
#include <QTimeZone>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace PromoDesk::Ui {

using namespace Engine;

namespace {

constexpr qint64 HourMs = 3600LL * 1000;
constexpr qint64 DayMs = 24 * HourMs;

QString actor()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("promodesk") : user;
}

QString typeTitle(CampaignType type)
{
    switch (type) {
    case CampaignType::DiscountCoupons: return QObject::tr("Coupons");
    case CampaignType::Promotion: return QObject::tr("Promotion");
    case CampaignType::GiftVouchers: return QObject::tr("Gift cards");
    case CampaignType::Referral: return QObject::tr("Referral programme");
    }
    return {};
}

void setText(QLineEdit *edit, const QString &text)
{
    if (edit->text() != text)
        edit->setText(text);
}

void setSpin(QSpinBox *spin, qint64 value)
{
    const int v = int(std::min<qint64>(value, spin->maximum()));
    if (spin->value() != v)
        spin->setValue(v);
}

void setDouble(QDoubleSpinBox *spin, double value)
{
    if (std::fabs(spin->value() - value) > 1e-9)
        spin->setValue(value);
}

void setData(QComboBox *box, const QVariant &data)
{
    const int i = box->findData(data);
    if (i >= 0 && box->currentIndex() != i)
        box->setCurrentIndex(i);
}

QSpinBox *limitSpin(const QString &name)
{
    auto *spin = new QSpinBox;
    spin->setObjectName(name);
    spin->setRange(0, std::numeric_limits<int>::max());
    spin->setSpecialValueText(QObject::tr("No limit"));
    spin->setGroupSeparatorShown(true);
    spin->setAccelerated(true);
    spin->setMinimumWidth(140);
    return spin;
}

QComboBox *periodBox(const QString &name, bool withTotal)
{
    auto *box = new QComboBox;
    box->setObjectName(name);
    if (withTotal)
        box->addItem(QObject::tr("in all"), int(Period::Total));
    box->addItem(QObject::tr("a day"), int(Period::Day));
    box->addItem(QObject::tr("a week"), int(Period::Week));
    box->addItem(QObject::tr("a month"), int(Period::Month));
    return box;
}

QDoubleSpinBox *durationSpin(const QString &name, const QString &suffix, double maximum)
{
    auto *spin = new QDoubleSpinBox;
    spin->setObjectName(name);
    spin->setRange(0, maximum);
    spin->setDecimals(2);
    spin->setSuffix(suffix);
    spin->setSpecialValueText(QObject::tr("None"));
    spin->setMinimumWidth(140);
    return spin;
}

// Wall-clock time in `zone`, shown as it is (the edit has no zone of its own).
QDateTime wallTime(qint64 ms, const QTimeZone &zone)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms, zone.isValid() ? zone : QTimeZone::utc());
    return QDateTime(at.date(), at.time());
}

qint64 fromWallTime(const QDateTime &wall, const QTimeZone &zone)
{
    return QDateTime(wall.date(), wall.time(), zone.isValid() ? zone : QTimeZone::utc()).toMSecsSinceEpoch();
}

QWidget *scrolled(QWidget *content)
{
    auto *area = new QScrollArea;
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

QLabel *help(const QString &text)
{
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QLabel *heading(const QString &text)
{
    auto *label = new QLabel(text);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    label->setFont(font);
    return label;
}

// Which section a validation path belongs to.
CampaignEditor::Section sectionOf(const QString &where)
{
    static const std::pair<const char *, CampaignEditor::Section> prefixes[] = {
        {"discount", CampaignEditor::DiscountSection},
        {"tiers", CampaignEditor::Tiers},
        {"rules", CampaignEditor::Eligibility},
        {"limits", CampaignEditor::LimitsSection},
        {"start_date", CampaignEditor::ScheduleSection},
        {"expiration_date", CampaignEditor::ScheduleSection},
        {"validity", CampaignEditor::ScheduleSection},
        {"activity_duration", CampaignEditor::ScheduleSection},
        {"code_config", CampaignEditor::Codes},
        {"category", CampaignEditor::Stacking},
        {"priority", CampaignEditor::Stacking},
    };
    for (const auto &[prefix, section] : prefixes)
        if (where.startsWith(QLatin1String(prefix)))
            return section;
    return CampaignEditor::Basics;
}

const char *const SectionNames[] = {"Basics", "Discount", "Tiers", "Eligibility", "Limits & budgets",
                                    "Schedule", "Codes", "Stacking", "Try it", "Analytics"};

} // namespace

CampaignEditor::CampaignEditor(const QString &workspacePath, std::shared_ptr<CampaignDrafts> drafts, QWidget *parent)
    : QMainWindow(parent), m_path(workspacePath),
      m_drafts(drafts ? std::move(drafts) : std::make_shared<CampaignDrafts>(workspacePath)),
      m_document(new CampaignDocument(this)),
      m_loadWatcher(new QFutureWatcher<Result<Store::EditorData>>(this)),
      m_saveWatcher(new QFutureWatcher<Result<Campaign>>(this))
{
    setObjectName(QStringLiteral("campaignEditor"));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1120, 780);

    m_sections = new QListWidget;
    m_sections->setObjectName(QStringLiteral("sections"));
    for (const char *name : SectionNames)
        m_sections->addItem(tr(name));
    m_sections->setFixedWidth(170);
    m_sections->setStyleSheet(QStringLiteral("QListWidget#sections::item { padding: 5px 6px; }"));
    m_sections->setCurrentRow(0);

    m_pages = new QStackedWidget;
    const std::function<QWidget *()> builders[] = {
        [this] { return createBasics(); },   [this] { return createDiscount(); }, [this] { return createTiers(); },
        [this] { return createEligibility(); }, [this] { return createLimits(); }, [this] { return createSchedule(); },
        [this] { return createCodes(); },    [this] { return createStacking(); },
        [this] {
            m_tryIt = new TryItPanel;
            m_tryIt->setObjectName(QStringLiteral("tryIt"));
            m_tryIt->setWorkspace(m_path);
            return m_tryIt;
        },
        [this] {
            m_analytics = new ActivityPanel;
            m_analytics->setObjectName(QStringLiteral("analytics"));
            return m_analytics;
        },
    };
    for (int i = 0; i < SectionCount; ++i) {
        auto *page = new QWidget;
        auto *layout = new QVBoxLayout(page);
        layout->addWidget(heading(tr(SectionNames[i])));
        layout->addWidget(problemLabel(QStringLiteral("problem%1").arg(i)));
        m_pageProblems.insert(i, page->findChild<QLabel *>(QStringLiteral("problem%1").arg(i)));
        QWidget *content = builders[i]();
        layout->addWidget(i == TryIt || i == Tiers ? content : scrolled(content), 1);
        if (i == Analytics)
            content->setMinimumHeight(1100);
        m_pages->addWidget(page);
    }

    m_recoveredBar = new QWidget;
    m_recoveredBar->setObjectName(QStringLiteral("recoveredBar"));
    m_recoveredBar->setAutoFillBackground(true);
    QPalette barPalette = m_recoveredBar->palette();
    barPalette.setColor(QPalette::Window, QColor(0xff, 0xf4, 0xce));
    barPalette.setColor(QPalette::WindowText, QColor(0x3a, 0x2e, 0x00));
    m_recoveredBar->setPalette(barPalette);
    auto *barLayout = new QHBoxLayout(m_recoveredBar);
    m_recoveredText = new QLabel;
    m_recoveredText->setWordWrap(true);
    auto *discard = new QPushButton(tr("Discard recovered changes"));
    discard->setObjectName(QStringLiteral("discardRecovered"));
    barLayout->addWidget(m_recoveredText, 1);
    barLayout->addWidget(discard);
    m_recoveredBar->hide();
    connect(discard, &QPushButton::clicked, this, [this] {
        m_document->discardDraft();
        m_recoveredBar->hide();
        if (m_data.campaign)
            begin(*m_data.campaign, std::nullopt);
        else
            close(); // a new campaign's draft: nothing stored to go back to
        emit recoveredDraftDiscarded();
    });

    m_loading = new QLabel(tr("Loading the campaign…"));
    m_loading->setAlignment(Qt::AlignCenter);

    auto *body = new QWidget;
    auto *bodyLayout = new QHBoxLayout(body);
    bodyLayout->addWidget(m_sections);
    bodyLayout->addWidget(m_pages, 1);
    auto *central = new QWidget;
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->addWidget(m_recoveredBar);
    centralLayout->addWidget(m_loading, 1);
    centralLayout->addWidget(body, 1);
    body->hide();
    setCentralWidget(central);
    connect(this, &CampaignEditor::loaded, body, &QWidget::show);
    connect(this, &CampaignEditor::loaded, m_loading, &QWidget::hide);

    m_problemStatus = new QLabel;
    m_problemStatus->setObjectName(QStringLiteral("problemStatus"));
    m_problemStatus->setTextFormat(Qt::RichText);
    connect(m_problemStatus, &QLabel::linkActivated, this, &CampaignEditor::jumpToProblem);
    m_statusLabel = new QLabel;
    m_statusLabel->setObjectName(QStringLiteral("saveStatus"));
    statusBar()->addWidget(m_problemStatus, 1);
    statusBar()->addPermanentWidget(m_statusLabel);

    createActions();

    connect(m_sections, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    // Analytics reads the statistics only when first shown, for the campaign as saved.
    connect(m_sections, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row != Analytics)
            return;
        const QString id = m_document->campaign().id;
        m_analytics->setFixedCampaign(id.isEmpty() ? QStringLiteral("(not saved yet)") : id);
        m_analytics->setWorkspace(m_path, QString());
    });
    connect(m_document, &CampaignDocument::changed, this, &CampaignEditor::reload);
    connect(m_document, &CampaignDocument::modifiedChanged, this, &CampaignEditor::updateTitle);
    connect(m_loadWatcher, &QFutureWatcherBase::finished, this, &CampaignEditor::onLoaded);
    connect(m_saveWatcher, &QFutureWatcherBase::finished, this, &CampaignEditor::onSaved);
    qApp->installEventFilter(this);
    updateTitle();
}

bool CampaignEditor::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::ShortcutOverride || !watched->isWidgetType()
        || static_cast<QWidget *>(watched)->window() != this)
        return false;
    auto *key = static_cast<QKeyEvent *>(event);
    if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo)) {
        // Not taken by the field: the window's Undo / Redo shortcuts run instead.
        event->ignore();
        return true;
    }
    return false;
}

CampaignEditor::~CampaignEditor()
{
    qApp->removeEventFilter(this);
    m_loadWatcher->disconnect(this);
    m_saveWatcher->disconnect(this);
    m_document->disconnect(this);
    if (m_loaded && !m_closeConfirmed)
        m_document->flushDraft();
}

QLabel *CampaignEditor::problemLabel(const QString &name)
{
    auto *label = new QLabel;
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: bold;"));
    label->hide();
    return label;
}

void CampaignEditor::createActions()
{
    QUndoStack *undo = m_document->undoStack();
    QAction *undoAction = undo->createUndoAction(this, tr("&Undo"));
    undoAction->setShortcuts(QKeySequence::Undo);
    undoAction->setObjectName(QStringLiteral("undoAction"));
    QAction *redoAction = undo->createRedoAction(this, tr("&Redo"));
    redoAction->setShortcuts(QKeySequence::Redo);
    redoAction->setObjectName(QStringLiteral("redoAction"));

    m_saveAction = new QAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setObjectName(QStringLiteral("saveAction"));
    m_saveAction->setToolTip(tr("Save the campaign (Ctrl+S); an active campaign is checked first"));
    connect(m_saveAction, &QAction::triggered, this, &CampaignEditor::save);

    m_activateAction = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Save and &activate"), this);
    m_activateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_activateAction->setObjectName(QStringLiteral("activateAction"));
    m_activateAction->setToolTip(tr("Check, save and activate the campaign (Ctrl+Shift+A)"));
    connect(m_activateAction, &QAction::triggered, this, &CampaignEditor::saveAndActivate);

    m_historyAction = new QAction(tr("&History…"), this);
    m_historyAction->setObjectName(QStringLiteral("historyAction"));
    connect(m_historyAction, &QAction::triggered, this, [this] {
        if (m_document->campaign().id.isEmpty())
            return;
        auto *dialog = new CampaignHistoryDialog(m_path, m_document->campaign().id, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });

    auto *closeAction = new QAction(tr("&Close"), this);
    closeAction->setShortcut(QKeySequence::Close);
    connect(closeAction, &QAction::triggered, this, &QWidget::close);

    QMenu *campaignMenu = menuBar()->addMenu(tr("&Campaign"));
    campaignMenu->addAction(m_saveAction);
    campaignMenu->addAction(m_activateAction);
    campaignMenu->addSeparator();
    campaignMenu->addAction(m_historyAction);
    campaignMenu->addSeparator();
    campaignMenu->addAction(closeAction);
    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    editMenu->addAction(undoAction);
    editMenu->addAction(redoAction);
    QMenu *goMenu = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < SectionCount; ++i) {
        QAction *go = goMenu->addAction(tr(SectionNames[i]));
        go->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
        connect(go, &QAction::triggered, this, [this, i] {
            if (isSectionVisible(Section(i)))
                showSection(Section(i));
        });
    }

    QToolBar *toolbar = addToolBar(tr("Campaign"));
    toolbar->setObjectName(QStringLiteral("editorToolbar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_saveAction);
    toolbar->addAction(m_activateAction);
    toolbar->addSeparator();
    toolbar->addAction(undoAction);
    toolbar->addAction(redoAction);
    toolbar->addSeparator();
    toolbar->addAction(m_historyAction);
}

// --- sections --------------------------------------------------------------------------

QWidget *CampaignEditor::createBasics()
{
    auto *page = new QWidget;
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("e.g. Spring dog food week"));
    m_description = new QLineEdit;
    m_description->setObjectName(QStringLiteral("description"));
    m_description->setPlaceholderText(tr("What it is for, for the team"));
    m_type = new QComboBox;
    m_type->setObjectName(QStringLiteral("campaignType"));
    for (CampaignType t : {CampaignType::DiscountCoupons, CampaignType::Promotion, CampaignType::GiftVouchers,
                           CampaignType::Referral})
        m_type->addItem(typeTitle(t), int(t));
    m_zone = new QComboBox;
    m_zone->setObjectName(QStringLiteral("timezone"));
    m_zone->setEditable(true);
    m_zone->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromUtf8(id));
    m_zone->completer()->setFilterMode(Qt::MatchContains);
    m_zone->completer()->setCaseSensitivity(Qt::CaseInsensitive);

    m_uniqueCodes = new QRadioButton(tr("Unique codes, generated (one per customer)"));
    m_uniqueCodes->setObjectName(QStringLiteral("uniqueCodes"));
    m_sharedCode = new QRadioButton(tr("One shared code everyone types:"));
    m_sharedCode->setObjectName(QStringLiteral("sharedCode"));
    auto *modeGroup = new QButtonGroup(page);
    modeGroup->addButton(m_uniqueCodes);
    modeGroup->addButton(m_sharedCode);
    m_standaloneCode = new QLineEdit;
    m_standaloneCode->setObjectName(QStringLiteral("standaloneCode"));
    m_standaloneCode->setPlaceholderText(tr("e.g. SPRING10"));
    m_codeMode = new QWidget;
    auto *modeLayout = new QVBoxLayout(m_codeMode);
    modeLayout->setContentsMargins(0, 0, 0, 0);
    modeLayout->addWidget(m_uniqueCodes);
    auto *sharedRow = new QHBoxLayout;
    sharedRow->addWidget(m_sharedCode);
    sharedRow->addWidget(m_standaloneCode, 1);
    modeLayout->addLayout(sharedRow);

    m_giftAmount = new MoneyEdit;
    m_giftAmount->setObjectName(QStringLiteral("giftAmount"));
    m_referralReward = new QComboBox;
    m_referralReward->setObjectName(QStringLiteral("referralReward"));

    m_basicsForm = new QFormLayout(page);
    m_basicsForm->addRow(tr("&Name"), m_name);
    m_basicsForm->addRow(tr("&Description"), m_description);
    m_basicsForm->addRow(tr("&Type"), m_type);
    m_basicsForm->addRow(tr("Time &zone"), m_zone);
    m_basicsForm->addRow(QString(), help(tr("Schedules, daily hours and per-day limits follow this zone, "
                                            "daylight saving included.")));
    m_basicsForm->addRow(tr("Codes"), m_codeMode);
    m_basicsForm->addRow(tr("Gift card &balance"), m_giftAmount);
    m_basicsForm->addRow(tr("Referrer's &reward"), m_referralReward);

    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &text) {
        edit(tr("Change name"), QStringLiteral("name"), [text](Campaign &c) { c.name = text; });
    });
    connect(m_description, &QLineEdit::textEdited, this, [this](const QString &text) {
        edit(tr("Change description"), QStringLiteral("description"), [text](Campaign &c) { c.description = text; });
    });
    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        const auto type = CampaignType(m_type->currentData().toInt());
        edit(tr("Change type"), QString(), [type](Campaign &c) {
            c.type = type;
            // What only another type has would not save: take it away (undo brings it back).
            if (type != CampaignType::Promotion)
                c.tiers.clear();
            if (type != CampaignType::DiscountCoupons)
                c.standaloneCode.clear();
            if (type != CampaignType::GiftVouchers)
                c.giftAmount = 0;
            if (type == CampaignType::GiftVouchers || type == CampaignType::Promotion)
                c.discount = Discount();
            if (type != CampaignType::Referral)
                c.referral = ReferralRewards();
        });
    });
    connect(m_zone, &QComboBox::currentTextChanged, this, [this](const QString &zone) {
        edit(tr("Change time zone"), QStringLiteral("timezone"), [zone](Campaign &c) { c.timezone = zone.trimmed(); });
    });
    connect(m_uniqueCodes, &QRadioButton::clicked, this, [this] {
        edit(tr("Use unique codes"), QString(), [](Campaign &c) { c.standaloneCode.clear(); });
    });
    connect(m_sharedCode, &QRadioButton::clicked, this, [this] {
        m_standaloneCode->setFocus();
        const QString code = m_standaloneCode->text().trimmed();
        if (!code.isEmpty())
            edit(tr("Use one shared code"), QString(), [code](Campaign &c) { c.standaloneCode = code; });
    });
    connect(m_standaloneCode, &QLineEdit::textEdited, this, [this](const QString &text) {
        edit(tr("Change the shared code"), QStringLiteral("standalone_code"),
             [code = text.trimmed()](Campaign &c) { c.standaloneCode = code; });
    });
    connect(m_giftAmount, &MoneyEdit::centsChanged, this, [this](qint64 cents) {
        edit(tr("Change gift card balance"), QStringLiteral("gift"), [cents](Campaign &c) { c.giftAmount = cents; });
    });
    connect(m_referralReward, &QComboBox::currentIndexChanged, this, [this] {
        const QString id = m_referralReward->currentData().toString();
        edit(tr("Change the referrer's reward"), QString(), [id](Campaign &c) { c.referral.rewardCampaignId = id; });
    });
    return page;
}

QWidget *CampaignEditor::createDiscount()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    m_discountTitle = help(QString());
    m_discount = new DiscountEditor;
    m_discount->setObjectName(QStringLiteral("campaignDiscount"));
    layout->addWidget(m_discountTitle);
    layout->addWidget(m_discount);
    layout->addStretch();
    connect(m_discount, &DiscountEditor::edited, this, [this](const QString &text, const QString &field) {
        const Discount d = m_discount->discount();
        edit(text, QStringLiteral("discount.") + field, [d](Campaign &c) { c.discount = d; });
    });
    return page;
}

QWidget *CampaignEditor::createTiers()
{
    auto *page = new QWidget;
    m_tiers = new QListWidget;
    m_tiers->setObjectName(QStringLiteral("tiersList"));
    m_addTier = new QPushButton(tr("Add tier"));
    m_addTier->setObjectName(QStringLiteral("addTier"));
    m_removeTier = new QPushButton(tr("Remove"));
    m_removeTier->setObjectName(QStringLiteral("removeTier"));
    m_tierUp = new QPushButton(tr("Up"));
    m_tierUp->setObjectName(QStringLiteral("tierUp"));
    m_tierDown = new QPushButton(tr("Down"));
    m_tierDown->setObjectName(QStringLiteral("tierDown"));
    auto *listSide = new QWidget;
    auto *listLayout = new QVBoxLayout(listSide);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(help(tr("The first tier whose rules the cart meets and that takes the most off applies; "
                                  "two tiers of one promotion never both apply.")));
    listLayout->addWidget(m_tiers, 1);
    auto *buttons = new QGridLayout;
    buttons->addWidget(m_addTier, 0, 0);
    buttons->addWidget(m_removeTier, 0, 1);
    buttons->addWidget(m_tierUp, 1, 0);
    buttons->addWidget(m_tierDown, 1, 1);
    listLayout->addLayout(buttons);

    m_tierName = new QLineEdit;
    m_tierName->setObjectName(QStringLiteral("tierName"));
    m_tierName->setPlaceholderText(tr("e.g. 10% off at 100.00+"));
    m_tierMessage = new QLineEdit;
    m_tierMessage->setObjectName(QStringLiteral("tierMessage"));
    m_tierMessage->setPlaceholderText(tr("Shown when the cart does not qualify, e.g. Spend 100.00 or more"));
    m_tierRules = new RulesEditor;
    m_tierRules->setObjectName(QStringLiteral("tierRules"));
    m_tierDiscount = new DiscountEditor;
    m_tierDiscount->setObjectName(QStringLiteral("tierDiscount"));
    m_tierDetail = new QWidget;
    auto *detailForm = new QFormLayout(m_tierDetail);
    detailForm->addRow(tr("Tier &name"), m_tierName);
    detailForm->addRow(tr("Message"), m_tierMessage);
    auto *rulesBox = new QGroupBox(tr("Who and which carts qualify for this tier"));
    auto *rulesLayout = new QVBoxLayout(rulesBox);
    rulesLayout->addWidget(m_tierRules);
    auto *discountBox = new QGroupBox(tr("What this tier takes off"));
    auto *discountLayout = new QVBoxLayout(discountBox);
    discountLayout->addWidget(m_tierDiscount);
    detailForm->addRow(rulesBox);
    detailForm->addRow(discountBox);

    auto *splitter = new QSplitter;
    splitter->addWidget(listSide);
    splitter->addWidget(scrolled(m_tierDetail));
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({240, 700});
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_tiers, &QListWidget::currentRowChanged, this, [this] {
        if (!m_reloading)
            reloadTiers();
    });
    connect(m_addTier, &QPushButton::clicked, this, [this] {
        Tier tier;
        // Ids are made here, not on save, so that undo, reorder and save keep them apart.
        tier.id = QStringLiteral("promo_tier_%1").arg(QRandomGenerator::global()->generate64() & 0xffffffffffffULL, 12, 16,
                                                       QLatin1Char('0'));
        tier.name = tr("Tier %1").arg(m_document->campaign().tiers.size() + 1);
        tier.discount = percentOff(10);
        edit(tr("Add tier"), QString(), [tier](Campaign &c) { c.tiers.append(tier); });
        m_tiers->setCurrentRow(m_tiers->count() - 1);
        m_tierName->setFocus();
        m_tierName->selectAll();
    });
    connect(m_removeTier, &QPushButton::clicked, this, [this] {
        const int row = currentTier();
        if (row < 0)
            return;
        edit(tr("Remove tier"), QString(), [row](Campaign &c) { c.tiers.removeAt(row); });
    });
    connect(m_tierUp, &QPushButton::clicked, this, [this] { moveTier(-1); });
    connect(m_tierDown, &QPushButton::clicked, this, [this] { moveTier(1); });
    connect(m_tierName, &QLineEdit::textEdited, this, [this](const QString &text) {
        editTier(tr("Rename tier"), QStringLiteral("name"), [text](Tier &t) { t.name = text; });
    });
    connect(m_tierMessage, &QLineEdit::textEdited, this, [this](const QString &text) {
        editTier(tr("Change tier message"), QStringLiteral("message"), [text](Tier &t) { t.eligibility.errorMessage = text; });
    });
    connect(m_tierRules, &RulesEditor::ruleChanged, this, [this] {
        const auto rule = m_tierRules->rule();
        editTier(tr("Change tier rules"), QStringLiteral("rules"), [rule](Tier &t) { t.eligibility.rule = rule; });
    });
    connect(m_tierDiscount, &DiscountEditor::edited, this, [this](const QString &text, const QString &field) {
        const Discount d = m_tierDiscount->discount();
        editTier(text, QStringLiteral("discount.") + field, [d](Tier &t) { t.discount = d; });
    });
    return page;
}

QWidget *CampaignEditor::createEligibility()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(help(tr("Who can use the campaign and on which carts. No rule: everyone, every cart.")));
    m_rules = new RulesEditor;
    m_rules->setObjectName(QStringLiteral("campaignRules"));
    layout->addWidget(m_rules, 1);
    auto *form = new QFormLayout;
    m_rulesMessage = new QLineEdit;
    m_rulesMessage->setObjectName(QStringLiteral("rulesMessage"));
    m_rulesMessage->setPlaceholderText(tr("Shown to the shop when the rule fails, e.g. Only for premium members"));
    form->addRow(tr("Message when it fails"), m_rulesMessage);
    layout->addLayout(form);
    connect(m_rules, &RulesEditor::ruleChanged, this, [this] {
        const auto rule = m_rules->rule();
        edit(tr("Change eligibility rules"), QStringLiteral("rules"), [rule](Campaign &c) { c.eligibility.rule = rule; });
    });
    connect(m_rulesMessage, &QLineEdit::textEdited, this, [this](const QString &text) {
        edit(tr("Change the rule's message"), QStringLiteral("rules.message"),
             [text](Campaign &c) { c.eligibility.errorMessage = text; });
    });
    return page;
}

QWidget *CampaignEditor::createLimits()
{
    auto *page = new QWidget;
    m_perCode = limitSpin(QStringLiteral("perCode"));
    m_perCustomer = limitSpin(QStringLiteral("perCustomer"));
    m_perCustomerPeriod = periodBox(QStringLiteral("perCustomerPeriod"), true);
    m_perCampaign = limitSpin(QStringLiteral("perCampaign"));
    m_perCampaignPeriod = periodBox(QStringLiteral("perCampaignPeriod"), false);
    m_budgetDiscount = new MoneyEdit;
    m_budgetDiscount->setObjectName(QStringLiteral("budgetDiscount"));
    m_budgetDiscount->setSpecialValueText(tr("No budget"));
    m_budgetDiscount->setRange(0, 1e9);
    m_budgetRedemptions = limitSpin(QStringLiteral("budgetRedemptions"));
    m_budgetRedemptions->setSpecialValueText(tr("No budget"));
    m_joinOnce = new QCheckBox(tr("One per customer: a customer joins once (one code, or one redemption without codes)"));
    m_joinOnce->setObjectName(QStringLiteral("joinOnce"));

    const auto row = [](QWidget *a, QWidget *b) {
        auto *w = new QWidget;
        auto *l = new QHBoxLayout(w);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(a);
        l->addWidget(b);
        l->addStretch();
        return w;
    };
    m_limitsForm = new QFormLayout(page);
    m_limitsForm->addRow(tr("Redemptions per code"), m_perCode);
    m_limitsForm->addRow(tr("Per customer"), row(m_perCustomer, m_perCustomerPeriod));
    m_limitsForm->addRow(tr("For the whole campaign"), row(m_perCampaign, m_perCampaignPeriod));
    m_limitsForm->addRow(tr("Discount budget"), m_budgetDiscount);
    m_limitsForm->addRow(tr("Redemption budget"), m_budgetRedemptions);
    m_limitsForm->addRow(QString(), m_joinOnce);
    m_limitsForm->addRow(QString(), help(tr("Only successful redemptions count; a rollback gives them back. "
                                            "Days, weeks (from Monday) and months are the campaign's time zone's.")));

    const auto limit = [this](QSpinBox *spin, const QString &text, const QString &field, qint64 Limits::*member) {
        connect(spin, &QSpinBox::valueChanged, this, [this, text, field, member](int v) {
            edit(text, field, [member, v](Campaign &c) { c.limits.*member = v; });
        });
    };
    limit(m_perCode, tr("Change redemptions per code"), QStringLiteral("limits.redemptions_per_code"), &Limits::perCode);
    limit(m_perCustomer, tr("Change the per-customer limit"), QStringLiteral("limits.redemptions_per_customer"),
          &Limits::perCustomer);
    limit(m_perCampaign, tr("Change the campaign limit"), QStringLiteral("limits.redemptions_per_campaign"),
          &Limits::perCampaign);
    limit(m_budgetRedemptions, tr("Change the redemption budget"), QStringLiteral("limits.budget.redemptions"),
          &Limits::budgetRedemptions);
    connect(m_perCustomerPeriod, &QComboBox::currentIndexChanged, this, [this] {
        const auto p = Period(m_perCustomerPeriod->currentData().toInt());
        edit(tr("Change the per-customer period"), QString(), [p](Campaign &c) { c.limits.perCustomerPeriod = p; });
    });
    connect(m_perCampaignPeriod, &QComboBox::currentIndexChanged, this, [this] {
        const auto p = Period(m_perCampaignPeriod->currentData().toInt());
        edit(tr("Change the campaign limit's period"), QString(), [p](Campaign &c) { c.limits.perCampaignPeriod = p; });
    });
    connect(m_budgetDiscount, &MoneyEdit::centsChanged, this, [this](qint64 cents) {
        edit(tr("Change the discount budget"), QStringLiteral("limits.budget.discount_amount"),
             [cents](Campaign &c) { c.limits.budgetDiscount = cents; });
    });
    connect(m_joinOnce, &QCheckBox::toggled, this, [this](bool on) {
        edit(tr("Change one per customer"), QString(), [on](Campaign &c) { c.limits.joinOnce = on; });
    });
    return page;
}

QWidget *CampaignEditor::createSchedule()
{
    auto *page = new QWidget;
    m_hasStart = new QCheckBox(tr("Starts"));
    m_hasStart->setObjectName(QStringLiteral("hasStart"));
    m_start = new QDateTimeEdit;
    m_start->setObjectName(QStringLiteral("startDate"));
    m_hasEnd = new QCheckBox(tr("Ends"));
    m_hasEnd->setObjectName(QStringLiteral("hasEnd"));
    m_end = new QDateTimeEdit;
    m_end->setObjectName(QStringLiteral("expirationDate"));
    for (QDateTimeEdit *e : {m_start, m_end}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        e->setMinimumWidth(180);
    }
    m_zoneNote = help(QString());

    auto *days = new QWidget;
    auto *daysLayout = new QHBoxLayout(days);
    daysLayout->setContentsMargins(0, 0, 0, 0);
    for (int day = 1; day <= 7; ++day) {
        auto *box = new QCheckBox(QLocale().dayName(day, QLocale::ShortFormat));
        box->setObjectName(QStringLiteral("day%1").arg(day));
        m_days.append(box);
        daysLayout->addWidget(box);
        connect(box, &QCheckBox::toggled, this, [this] {
            QList<int> chosen;
            for (int d = 0; d < m_days.size(); ++d)
                if (m_days[d]->isChecked())
                    chosen.append(d + 1);
            edit(tr("Change days of the week"), QString(), [chosen](Campaign &c) { c.schedule.daysOfWeek = chosen; });
        });
    }
    daysLayout->addStretch();

    m_windows = new QTableWidget(0, 2);
    m_windows->setObjectName(QStringLiteral("dailyHours"));
    m_windows->setHorizontalHeaderLabels({tr("From"), tr("Until")});
    m_windows->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_windows->verticalHeader()->hide();
    m_windows->setMaximumHeight(150);
    auto *addWindow = new QPushButton(tr("Add hours"));
    addWindow->setObjectName(QStringLiteral("addDailyWindow"));
    auto *removeWindow = new QPushButton(tr("Remove"));
    auto *windowButtons = new QHBoxLayout;
    windowButtons->addWidget(addWindow);
    windowButtons->addWidget(removeWindow);
    windowButtons->addStretch();
    auto *windowsBox = new QWidget;
    auto *windowsLayout = new QVBoxLayout(windowsBox);
    windowsLayout->setContentsMargins(0, 0, 0, 0);
    windowsLayout->addWidget(m_windows);
    windowsLayout->addLayout(windowButtons);
    windowsLayout->addWidget(help(tr("No hours: all day. Until earlier than From runs past midnight.")));

    m_timeframeInterval = durationSpin(QStringLiteral("timeframeInterval"), tr(" h"), 24 * 366);
    m_timeframeDuration = durationSpin(QStringLiteral("timeframeDuration"), tr(" h"), 24 * 366);
    m_activityDays = durationSpin(QStringLiteral("activityDays"), tr(" days"), 3660);
    auto *timeframe = new QWidget;
    auto *timeframeLayout = new QHBoxLayout(timeframe);
    timeframeLayout->setContentsMargins(0, 0, 0, 0);
    timeframeLayout->addWidget(new QLabel(tr("active for")));
    timeframeLayout->addWidget(m_timeframeDuration);
    timeframeLayout->addWidget(new QLabel(tr("every")));
    timeframeLayout->addWidget(m_timeframeInterval);
    timeframeLayout->addStretch();

    m_preview = new SchedulePreview;
    m_preview->setObjectName(QStringLiteral("schedulePreview"));

    auto *form = new QFormLayout;
    auto *startRow = new QHBoxLayout;
    startRow->addWidget(m_hasStart);
    startRow->addWidget(m_start);
    startRow->addStretch();
    auto *endRow = new QHBoxLayout;
    endRow->addWidget(m_hasEnd);
    endRow->addWidget(m_end);
    endRow->addStretch();
    form->addRow(tr("Start"), startRow);
    form->addRow(tr("End"), endRow);
    form->addRow(QString(), m_zoneNote);
    form->addRow(tr("Days"), days);
    form->addRow(tr("Daily hours"), windowsBox);
    form->addRow(tr("Timeframe"), timeframe);
    form->addRow(tr("Codes valid for"), m_activityDays);
    form->addRow(QString(), help(tr("…after the code is published to a customer. None: as long as the campaign.")));
    auto *previewBox = new QGroupBox(tr("Next active windows"));
    auto *previewLayout = new QVBoxLayout(previewBox);
    previewLayout->addWidget(m_preview);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(form);
    layout->addWidget(previewBox, 1);

    connect(m_hasStart, &QCheckBox::toggled, this, [this] { setScheduleBound(true); });
    connect(m_start, &QDateTimeEdit::dateTimeChanged, this, [this] { setScheduleBound(true); });
    connect(m_hasEnd, &QCheckBox::toggled, this, [this] { setScheduleBound(false); });
    connect(m_end, &QDateTimeEdit::dateTimeChanged, this, [this] { setScheduleBound(false); });
    connect(addWindow, &QPushButton::clicked, this, [this] {
        edit(tr("Add daily hours"), QString(),
             [](Campaign &c) { c.schedule.dailyHours.append({QTime(9, 0), QTime(17, 0)}); });
    });
    connect(removeWindow, &QPushButton::clicked, this, [this] {
        const int row = m_windows->currentRow() >= 0 ? m_windows->currentRow() : m_windows->rowCount() - 1;
        if (row >= 0)
            edit(tr("Remove daily hours"), QString(), [row](Campaign &c) { c.schedule.dailyHours.removeAt(row); });
    });
    connect(m_timeframeInterval, &QDoubleSpinBox::valueChanged, this, [this](double hours) {
        edit(tr("Change the timeframe"), QStringLiteral("validity_timeframe.interval"),
             [ms = qint64(std::llround(hours * HourMs))](Campaign &c) { c.schedule.timeframeIntervalMs = ms; });
    });
    connect(m_timeframeDuration, &QDoubleSpinBox::valueChanged, this, [this](double hours) {
        edit(tr("Change the timeframe"), QStringLiteral("validity_timeframe.duration"),
             [ms = qint64(std::llround(hours * HourMs))](Campaign &c) { c.schedule.timeframeDurationMs = ms; });
    });
    connect(m_activityDays, &QDoubleSpinBox::valueChanged, this, [this](double days) {
        edit(tr("Change how long codes stay valid"), QStringLiteral("activity_duration_after_publishing"),
             [ms = qint64(std::llround(days * DayMs))](Campaign &c) { c.schedule.activityAfterPublishingMs = ms; });
    });
    return page;
}

void CampaignEditor::setScheduleBound(bool start)
{
    const QTimeZone zone = m_document->campaign().zone();
    QCheckBox *on = start ? m_hasStart : m_hasEnd;
    QDateTimeEdit *at = start ? m_start : m_end;
    at->setEnabled(on->isChecked());
    const std::optional<qint64> value =
        on->isChecked() ? std::optional<qint64>(fromWallTime(at->dateTime(), zone)) : std::nullopt;
    edit(start ? tr("Change the start") : tr("Change the end"), start ? QStringLiteral("start_date") : QStringLiteral("expiration_date"),
         [start, value](Campaign &c) { (start ? c.schedule.startDate : c.schedule.expirationDate) = value; });
}

void CampaignEditor::readDailyWindows()
{
    QList<DailyWindow> windows;
    for (int row = 0; row < m_windows->rowCount(); ++row) {
        auto *from = qobject_cast<QTimeEdit *>(m_windows->cellWidget(row, 0));
        auto *until = qobject_cast<QTimeEdit *>(m_windows->cellWidget(row, 1));
        windows.append({from->time(), until->time()});
    }
    edit(tr("Change daily hours"), QStringLiteral("validity_hours"), [windows](Campaign &c) { c.schedule.dailyHours = windows; });
}

QWidget *CampaignEditor::createCodes()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    m_codesNote = help(QString());
    m_codesNote->setObjectName(QStringLiteral("codesNote"));
    m_codes = new CodeGeneratorPanel;
    m_codes->setObjectName(QStringLiteral("codePanel"));
    layout->addWidget(m_codesNote);
    layout->addWidget(m_codes);
    layout->addStretch();
    connect(m_codes, &CodeGeneratorPanel::configChanged, this, [this] {
        const CodeConfig config = m_codes->config();
        edit(tr("Change code settings"), QStringLiteral("code_config"), [config](Campaign &c) { c.codeConfig = config; });
    });
    return page;
}

QWidget *CampaignEditor::createStacking()
{
    auto *page = new QWidget;
    m_category = new QComboBox;
    m_category->setObjectName(QStringLiteral("category"));
    m_category->setEditable(true);
    m_category->setInsertPolicy(QComboBox::NoInsert);
    m_category->lineEdit()->setPlaceholderText(tr("none"));
    m_priority = new QSpinBox;
    m_priority->setObjectName(QStringLiteral("priority"));
    m_priority->setRange(-1000, 1000);
    auto *form = new QFormLayout(page);
    form->addRow(tr("Category"), m_category);
    form->addRow(QString(), help(tr("The workspace's stacking rules name exclusive categories (one of them per "
                                    "order, with joint ones only) and joint ones (combine with anything).")));
    form->addRow(tr("Priority"), m_priority);
    form->addRow(QString(), help(tr("When several campaigns apply to one order, higher priority applies first; "
                                    "the rest work on what is left.")));
    connect(m_category, &QComboBox::currentTextChanged, this, [this](const QString &text) {
        edit(tr("Change category"), QStringLiteral("category"), [text](Campaign &c) { c.category = text.trimmed(); });
    });
    connect(m_priority, &QSpinBox::valueChanged, this, [this](int p) {
        edit(tr("Change priority"), QStringLiteral("priority"), [p](Campaign &c) { c.priority = p; });
    });
    return page;
}

// --- opening --------------------------------------------------------------------------

void CampaignEditor::openCampaign(const QString &campaignId)
{
    m_campaignId = campaignId;
    startLoad(campaignId);
}

void CampaignEditor::newCampaign(CampaignType type)
{
    m_newType = type;
    startLoad({});
}

void CampaignEditor::openDraft(const CampaignDraft &draft)
{
    m_pendingDraft = draft;
    m_campaignId = draft.campaign.id;
    startLoad(draft.campaign.id);
}

QString CampaignEditor::editKey() const
{
    if (!m_loaded)
        return m_pendingDraft ? m_pendingDraft->key : m_campaignId;
    return m_document->draftKey();
}

void CampaignEditor::startLoad(const QString &campaignId)
{
    m_loadWatcher->setFuture(m_tasks.track(Store::CampaignTasks::editorData(m_path, campaignId)));
}

void CampaignEditor::onLoaded()
{
    const Result<Store::EditorData> result = m_loadWatcher->result();
    if (!result) {
        m_loading->setText(tr("The campaign cannot be opened: %1").arg(result.error().toString()));
        setStatus(result.error().toString(), true);
        return;
    }
    m_data = result.value();
    if (!m_campaignId.isEmpty() && !m_data.campaign && !m_pendingDraft) {
        m_loading->setText(tr("There is no campaign %1 in this workspace.").arg(m_campaignId));
        return;
    }

    {
        const QSignalBlocker b(m_referralReward);
        m_referralReward->clear();
        m_referralReward->addItem(tr("No reward for the referrer"), QString());
        for (const Campaign &c : std::as_const(m_data.campaigns))
            if (c.type == CampaignType::DiscountCoupons && c.id != m_campaignId)
                m_referralReward->addItem(QStringLiteral("%1 (%2)").arg(c.name, c.id), c.id);
    }
    {
        const QSignalBlocker b(m_category);
        m_category->clear();
        m_category->addItem(QString());
        m_category->addItems(m_data.categories);
    }
    m_codes->setCodeCase(m_data.codeCase);

    std::optional<CampaignDraft> draft = m_pendingDraft;
    if (!draft && m_data.campaign)
        draft = m_drafts->find(m_data.campaign->id); // left by a crash
    if (m_data.campaign) {
        begin(*m_data.campaign, draft);
    } else {
        Campaign fresh;
        fresh.type = m_newType.value_or(CampaignType::DiscountCoupons);
        fresh.timezone = QString::fromUtf8(QTimeZone::systemTimeZoneId());
        if (!QTimeZone::isTimeZoneIdAvailable(fresh.timezone.toUtf8()))
            fresh.timezone = QStringLiteral("UTC");
        if (fresh.type == CampaignType::DiscountCoupons || fresh.type == CampaignType::Referral)
            fresh.discount = percentOff(10);
        if (fresh.type == CampaignType::GiftVouchers) {
            fresh.giftAmount = 5000;
            fresh.codeConfig.pattern = QStringLiteral("GIFT-####-####");
        }
        begin(fresh, draft);
    }
    m_loaded = true;
    emit loaded();
    if (m_document->campaign().name.isEmpty())
        m_name->setFocus();
}

void CampaignEditor::begin(const Campaign &campaign, const std::optional<CampaignDraft> &draft)
{
    if (draft) {
        m_document->recover(*draft, m_drafts);
        const QString when = QLocale().toString(QDateTime::fromMSecsSinceEpoch(draft->savedAt), QLocale::ShortFormat);
        QString text = tr("Unsaved changes from %1 were recovered. Save to keep them.").arg(when);
        if (m_data.campaign && m_data.campaign->updatedAt != draft->baseUpdatedAt)
            text += QLatin1Char(' ') + tr("The campaign has been saved elsewhere since; saving will be refused until you "
                                          "discard these changes or copy them over.");
        m_recoveredText->setText(text);
        m_recoveredBar->show();
    } else {
        m_document->load(campaign, m_drafts);
        m_recoveredBar->hide();
    }
    m_document->undoStack()->setUndoLimit(500);
    m_codes->setWorkspace(m_path, m_document->campaign().id);
}

// --- widgets from the document ------------------------------------------------------------

void CampaignEditor::reload()
{
    const Campaign &c = m_document->campaign();
    m_reloading = true;
    setText(m_name, c.name);
    setText(m_description, c.description);
    setData(m_type, int(c.type));
    m_type->setEnabled(c.id.isEmpty());
    m_type->setToolTip(c.id.isEmpty() ? QString() : tr("A saved campaign keeps its type; duplicate it to start another"));
    if (m_zone->currentText() != c.timezone)
        m_zone->setCurrentText(c.timezone);
    // "One shared code" stays chosen while its code is still being typed.
    if (!c.standaloneCode.isEmpty())
        m_sharedCode->setChecked(true);
    else if (!m_sharedCode->isChecked() || !m_standaloneCode->text().trimmed().isEmpty())
        m_uniqueCodes->setChecked(true);
    if (m_standaloneCode->text().trimmed() != c.standaloneCode)
        m_standaloneCode->setText(c.standaloneCode);
    m_giftAmount->setCents(c.giftAmount);
    setData(m_referralReward, c.referral.rewardCampaignId);
    m_basicsForm->setRowVisible(m_codeMode, c.type == CampaignType::DiscountCoupons);
    m_basicsForm->setRowVisible(m_giftAmount, c.type == CampaignType::GiftVouchers);
    m_basicsForm->setRowVisible(m_referralReward, c.type == CampaignType::Referral);

    m_discount->setDiscount(c.discount);
    m_discountTitle->setText(c.type == CampaignType::Referral
                                 ? tr("What the friend who uses a referral code gets. The referrer's reward is set "
                                      "under Basics.")
                                 : tr("What a code of this campaign takes off."));

    if (m_rules->rule() != c.eligibility.rule)
        m_rules->setRule(c.eligibility.rule);
    setText(m_rulesMessage, c.eligibility.errorMessage);

    setSpin(m_perCode, c.limits.perCode);
    setSpin(m_perCustomer, c.limits.perCustomer);
    setData(m_perCustomerPeriod, int(c.limits.perCustomerPeriod));
    setSpin(m_perCampaign, c.limits.perCampaign);
    setData(m_perCampaignPeriod, int(c.limits.perCampaignPeriod));
    if (m_budgetDiscount->cents() != c.limits.budgetDiscount)
        m_budgetDiscount->setCents(c.limits.budgetDiscount);
    setSpin(m_budgetRedemptions, c.limits.budgetRedemptions);
    m_joinOnce->setChecked(c.limits.joinOnce);
    m_limitsForm->setRowVisible(m_perCode, c.hasCodes());

    reloadSchedule();

    m_codes->setConfig(c.codeConfig);
    const bool shared = !c.standaloneCode.isEmpty();
    m_codes->setVisible(!shared);
    m_codesNote->setText(shared ? tr("This campaign uses one shared code, %1; there are no codes to generate.").arg(c.standaloneCode)
                         : c.id.isEmpty() ? tr("These settings are saved with the campaign. Save the campaign to generate codes.")
                                          : tr("These settings are saved with the campaign; generated codes are stored at once."));

    if (m_category->currentText() != c.category)
        m_category->setCurrentText(c.category);
    setSpin(m_priority, c.priority);

    reloadTiers();
    m_reloading = false;

    m_tryIt->setCampaign(c);
    m_historyAction->setEnabled(!c.id.isEmpty());
    updateSections();
    validate();
    updateTitle();
}

void CampaignEditor::reloadTiers()
{
    const bool wasReloading = m_reloading;
    m_reloading = true;
    const Campaign &c = m_document->campaign();
    int row = m_tiers->currentRow();
    if (m_tiers->count() != c.tiers.size()) {
        const QSignalBlocker b(m_tiers);
        m_tiers->clear();
        for (int i = 0; i < c.tiers.size(); ++i)
            m_tiers->addItem(QString());
    }
    for (int i = 0; i < c.tiers.size(); ++i) {
        const Tier &t = c.tiers[i];
        const QString name = t.name.isEmpty() ? tr("(no name)") : t.name;
        m_tiers->item(i)->setText(QStringLiteral("%1. %2\n    %3").arg(i + 1).arg(name, describeDiscount(t.discount)));
    }
    row = std::clamp(row, c.tiers.isEmpty() ? -1 : 0, int(c.tiers.size()) - 1);
    if (m_tiers->currentRow() != row) {
        const QSignalBlocker b(m_tiers);
        m_tiers->setCurrentRow(row);
    }
    const bool has = row >= 0;
    m_tierDetail->setEnabled(has);
    m_removeTier->setEnabled(has);
    m_tierUp->setEnabled(has && row > 0);
    m_tierDown->setEnabled(has && row + 1 < c.tiers.size());
    const Tier tier = has ? c.tiers[row] : Tier();
    setText(m_tierName, tier.name);
    setText(m_tierMessage, tier.eligibility.errorMessage);
    if (m_tierRules->rule() != tier.eligibility.rule || m_tierRules->property("tierId").toString() != tier.id) {
        m_tierRules->setRule(tier.eligibility.rule);
        m_tierRules->setProperty("tierId", tier.id);
    }
    m_tierDiscount->setDiscount(tier.discount);
    m_reloading = wasReloading;
}

void CampaignEditor::reloadSchedule()
{
    const Campaign &c = m_document->campaign();
    const Schedule &s = c.schedule;
    const QTimeZone zone = c.zone();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_hasStart->setChecked(s.startDate.has_value());
    m_start->setEnabled(s.startDate.has_value());
    const QDateTime start = wallTime(s.startDate.value_or(now - now % HourMs + HourMs), zone);
    if (m_start->dateTime() != start && (s.startDate || !m_start->hasFocus()))
        m_start->setDateTime(start);
    m_hasEnd->setChecked(s.expirationDate.has_value());
    m_end->setEnabled(s.expirationDate.has_value());
    const QDateTime end = wallTime(s.expirationDate.value_or(s.startDate.value_or(now) + 30 * DayMs), zone);
    if (m_end->dateTime() != end && (s.expirationDate || !m_end->hasFocus()))
        m_end->setDateTime(end);
    m_zoneNote->setText(zone.isValid() ? tr("Dates and hours are in %1, the campaign's zone.").arg(c.timezone)
                                       : tr("Choose a valid time zone under Basics."));
    for (int d = 0; d < m_days.size(); ++d)
        m_days[d]->setChecked(s.daysOfWeek.contains(d + 1));

    if (m_windows->rowCount() != s.dailyHours.size()) {
        m_windows->setRowCount(0);
        for (int row = 0; row < s.dailyHours.size(); ++row) {
            m_windows->insertRow(row);
            for (int col = 0; col < 2; ++col) {
                auto *time = new QTimeEdit;
                time->setDisplayFormat(QStringLiteral("HH:mm"));
                m_windows->setCellWidget(row, col, time);
                connect(time, &QTimeEdit::timeChanged, this, &CampaignEditor::readDailyWindows);
            }
        }
    }
    for (int row = 0; row < s.dailyHours.size(); ++row) {
        auto *from = qobject_cast<QTimeEdit *>(m_windows->cellWidget(row, 0));
        auto *until = qobject_cast<QTimeEdit *>(m_windows->cellWidget(row, 1));
        if (from->time() != s.dailyHours[row].start)
            from->setTime(s.dailyHours[row].start);
        if (until->time() != s.dailyHours[row].end)
            until->setTime(s.dailyHours[row].end);
    }
    setDouble(m_timeframeInterval, double(s.timeframeIntervalMs) / HourMs);
    setDouble(m_timeframeDuration, double(s.timeframeDurationMs) / HourMs);
    setDouble(m_activityDays, double(s.activityAfterPublishingMs) / DayMs);
    m_activityDays->setEnabled(c.hasCodes());
    m_preview->setSchedule(s, c.timezone);
}

// --- edits --------------------------------------------------------------------------------

void CampaignEditor::edit(const QString &text, const QString &field, const std::function<void(Campaign &)> &change)
{
    if (m_reloading || !m_loaded)
        return;
    m_document->edit(text, field, change);
}

int CampaignEditor::currentTier() const
{
    const int row = m_tiers->currentRow();
    return row >= 0 && row < m_document->campaign().tiers.size() ? row : -1;
}

void CampaignEditor::editTier(const QString &text, const QString &field, const std::function<void(Tier &)> &change)
{
    const int row = currentTier();
    if (row < 0)
        return;
    edit(text, QStringLiteral("tiers[%1].%2").arg(row).arg(field), [row, change](Campaign &c) { change(c.tiers[row]); });
}

void CampaignEditor::moveTier(int delta)
{
    const int row = currentTier();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_document->campaign().tiers.size())
        return;
    edit(delta < 0 ? tr("Move tier up") : tr("Move tier down"), QString(), [row, to](Campaign &c) { c.tiers.move(row, to); });
    m_tiers->setCurrentRow(to);
}

// --- checks -------------------------------------------------------------------------------

void CampaignEditor::validate()
{
    for (QLabel *label : std::as_const(m_pageProblems))
        label->hide();
    m_discount->showProblem({}, {});
    m_tierDiscount->showProblem({}, {});
    for (int i = 0; i < m_sections->count(); ++i)
        m_sections->item(i)->setIcon(QIcon());
    for (int i = 0; i < m_tiers->count(); ++i)
        m_tiers->item(i)->setForeground(QBrush());

    const Campaign &c = m_document->campaign();
    Error problem;
    bool found = false;
    // What is on screen first: a rule text that does not parse is not in the campaign yet.
    if (!m_rules->isValid()) {
        problem = Error{tr("the rule text has an error: %1").arg(m_rules->errorText()), QStringLiteral("rules")};
        found = true;
    } else if (!m_tierRules->isValid() && currentTier() >= 0) {
        problem = Error{tr("the tier's rule text has an error: %1").arg(m_tierRules->errorText()),
                        QStringLiteral("tiers[%1].rules").arg(currentTier())};
        found = true;
    } else if (Status s = validateCampaign(c); !s) {
        problem = s.error();
        found = true;
    }
    m_problemWhere = found ? problem.where : QString();
    if (!found) {
        m_problemText.clear();
        m_problemStatus->setText(QStringLiteral("<span style='color:#1e7b34'>✔ %1</span>")
                                     .arg(c.status == CampaignStatus::Active ? tr("Active; changes apply when saved")
                                                                             : tr("Ready to activate")));
        return;
    }
    const Section section = sectionOf(problem.where);
    const QString sectionName = tr(SectionNames[section]);
    QString where = problem.where;
    static const QRegularExpression tierPath(QStringLiteral("^tiers\\[(\\d+)\\]\\.?(.*)$"));
    const QRegularExpressionMatch tierMatch = tierPath.match(where);
    QString message = problem.message;
    if (section == DiscountSection) {
        m_discount->showProblem(where.mid(int(qstrlen("discount."))), message);
    } else if (tierMatch.hasMatch()) {
        const int tier = tierMatch.captured(1).toInt();
        const QString rest = tierMatch.captured(2);
        message = tr("Tier %1: %2").arg(tier + 1).arg(message);
        if (tier < m_tiers->count())
            m_tiers->item(tier)->setForeground(QColor(0xb3, 0x26, 0x1e));
        if (tier == currentTier() && rest.startsWith(QLatin1String("discount")))
            m_tierDiscount->showProblem(rest.mid(int(qstrlen("discount."))), problem.message);
    }
    QLabel *label = m_pageProblems.value(section);
    label->setText(QStringLiteral("⚠ %1").arg(message));
    label->show();
    m_sections->item(section)->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
    m_problemText = QStringLiteral("%1 › %2").arg(sectionName, message);
    m_problemStatus->setText(QStringLiteral("<span style='color:#b3261e'>⚠ %1 <a href='#'>%2</a></span>")
                                 .arg(tr("Cannot activate yet: %1.").arg(message.toHtmlEscaped()), tr("Show")));
}

void CampaignEditor::jumpToProblem()
{
    if (m_problemWhere.isEmpty())
        return;
    const Section section = sectionOf(m_problemWhere);
    showSection(section);
    static const QRegularExpression tierPath(QStringLiteral("^tiers\\[(\\d+)\\]"));
    if (const auto match = tierPath.match(m_problemWhere); match.hasMatch())
        m_tiers->setCurrentRow(match.captured(1).toInt());
    const QHash<QString, QWidget *> fields = {
        {QStringLiteral("name"), m_name},        {QStringLiteral("timezone"), m_zone},
        {QStringLiteral("gift"), m_giftAmount},  {QStringLiteral("standalone_code"), m_standaloneCode},
        {QStringLiteral("expiration_date"), m_end}, {QStringLiteral("start_date"), m_start},
        {QStringLiteral("limits"), m_perCustomer},
    };
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        if (m_problemWhere.startsWith(it.key()))
            it.value()->setFocus();
    if (m_problemWhere.startsWith(QLatin1String("discount.")))
        m_discount->fieldWidget(m_problemWhere.mid(9))->setFocus();
}

// --- saving -------------------------------------------------------------------------------

void CampaignEditor::save()
{
    startSave(false);
}

void CampaignEditor::saveAndActivate()
{
    startSave(true);
}

void CampaignEditor::startSave(bool activate)
{
    if (!m_loaded || m_saving)
        return;
    const Campaign &c = m_document->campaign();
    // Refused here, where the message can sit by its field; the store checks again.
    const bool mustBeValid = activate || c.status == CampaignStatus::Active;
    const bool textBroken = !m_rules->isValid() || !m_tierRules->isValid();
    if ((mustBeValid && !m_problemText.isEmpty()) || textBroken || c.name.trimmed().isEmpty()) {
        const QString why = !m_problemText.isEmpty() ? m_problemText : tr("Basics › a campaign needs a name");
        const QString message = activate ? tr("Not activated: %1").arg(why) : tr("Not saved: %1").arg(why);
        setStatus(message, true);
        if (m_problemWhere.isEmpty())
            m_problemWhere = QStringLiteral("name");
        jumpToProblem();
        emit saveFailed(message);
        return;
    }
    m_saving = true;
    m_saveAction->setEnabled(false);
    m_activateAction->setEnabled(false);
    setStatus(activate ? tr("Saving and activating…") : tr("Saving…"), false);
    m_saveWatcher->setProperty("activate", activate);
    m_saveWatcher->setFuture(m_tasks.track(
        Store::CampaignTasks::saveEdited(m_path, c, m_document->baseUpdatedAt(), activate, actor())));
}

void CampaignEditor::onSaved()
{
    m_saving = false;
    m_saveAction->setEnabled(true);
    m_activateAction->setEnabled(true);
    const Result<Campaign> result = m_saveWatcher->result();
    if (!result) {
        m_closeAfterSave = false;
        const QString message = tr("Not saved: %1").arg(result.error().toString());
        setStatus(message, true);
        m_document->flushDraft();
        emit saveFailed(message);
        return;
    }
    const Campaign &stored = result.value();
    m_document->markSaved(stored);
    m_recoveredBar->hide();
    m_codes->setWorkspace(m_path, stored.id);
    setStatus(m_saveWatcher->property("activate").toBool() ? tr("Saved and activated at %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
                                                           : tr("Saved at %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))),
              false);
    emit saved(stored);
    if (m_closeAfterSave) {
        m_closeConfirmed = true;
        close();
    }
}

void CampaignEditor::setStatus(const QString &text, bool error)
{
    m_statusText = text;
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet(error ? QStringLiteral("color: #b3261e; font-weight: bold;") : QString());
}

void CampaignEditor::updateTitle()
{
    const Campaign &c = m_document->campaign();
    const QString name = c.name.isEmpty() ? tr("New %1").arg(typeTitle(c.type).toLower()) : c.name;
    setWindowTitle(tr("%1[*] — %2, %3 — PromoDesk").arg(name, typeTitle(c.type), campaignStatusKey(c.status)));
    setWindowModified(m_document->isModified());
}

// --- sections -----------------------------------------------------------------------------

bool CampaignEditor::isSectionVisible(Section section) const
{
    return !m_sections->item(section)->isHidden();
}

CampaignEditor::Section CampaignEditor::currentSection() const
{
    return Section(m_pages->currentIndex());
}

void CampaignEditor::showSection(Section section)
{
    m_sections->setCurrentRow(section);
}

void CampaignEditor::updateSections()
{
    const Campaign &c = m_document->campaign();
    const bool visible[SectionCount] = {
        true,
        c.type == CampaignType::DiscountCoupons || c.type == CampaignType::Referral,
        c.type == CampaignType::Promotion,
        true,
        true,
        true,
        c.hasCodes(),
        true, // stacking
        true, // try it
        true, // analytics
    };
    for (int i = 0; i < SectionCount; ++i)
        m_sections->item(i)->setHidden(!visible[i]);
    m_sections->item(DiscountSection)->setText(c.type == CampaignType::Referral ? tr("Friend's discount") : tr("Discount"));
    if (!visible[m_sections->currentRow()])
        m_sections->setCurrentRow(Basics);
}

// --- closing ------------------------------------------------------------------------------

void CampaignEditor::closeEvent(QCloseEvent *event)
{
    if (m_closeConfirmed || !m_loaded || !m_document->isModified()) {
        if (m_loaded && !m_document->isModified())
            m_document->discardDraft();
        m_closeConfirmed = true;
        event->accept();
        return;
    }
    event->ignore();
    if (m_saving) {
        m_closeAfterSave = true;
        return;
    }
    if (!m_guard) {
        m_guard = new QMessageBox(QMessageBox::Warning, tr("Unsaved changes"), QString(),
                                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
        m_guard->setObjectName(QStringLiteral("unsavedGuard"));
        m_guard->setDefaultButton(QMessageBox::Save);
        connect(m_guard, &QMessageBox::finished, this, [this](int result) {
            if (result == QMessageBox::Save) {
                m_closeAfterSave = true;
                save();
            } else if (result == QMessageBox::Discard) {
                m_document->discardDraft();
                m_closeConfirmed = true;
                close();
            }
        });
    }
    const Campaign &c = m_document->campaign();
    m_guard->setText(tr("Save the changes to “%1” before closing?").arg(c.name.isEmpty() ? tr("the new campaign") : c.name));
    m_guard->setInformativeText(tr("If you don't save, your changes will be lost."));
    m_guard->open();
}

} // namespace PromoDesk::Ui
