#include "customerprofilepanel.h"

#include "common/ids.h"
#include "common/money.h"
#include "store/workspace.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabBar>
#include <QTabWidget>
#include <QTimeZone>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

namespace {

const QString Green = QStringLiteral("#1b7f3b");
const QString Red = QStringLiteral("#b3261e");
const QString Amber = QStringLiteral("#8a5a00");
const QString Grey = QStringLiteral("#6b6b6b");

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString actor()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("promodesk") : user;
}

// Tags as "a, b"; metadata as one "key: value" line per key, so long values wrap.
QString prettyJson(const QString &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (doc.isNull())
        return json;
    QStringList parts;
    if (doc.isArray()) {
        for (const QJsonValue &value : doc.array())
            parts << value.toVariant().toString();
        return parts.isEmpty() ? QObject::tr("none") : parts.join(QStringLiteral(", "));
    }
    const QJsonObject object = doc.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QJsonValue value = it.value();
        QString text = value.toVariant().toString();
        if (value.isObject())
            text = QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        else if (value.isArray())
            text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        parts << it.key() + QStringLiteral(": ") + text;
    }
    return parts.isEmpty() ? QObject::tr("none") : parts.join(QLatin1Char('\n'));
}

QStringList tagList(const QString &json)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        out << v.toString();
    return out;
}

QStringList splitTags(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','))) {
        const QString tag = part.trimmed();
        if (!tag.isEmpty() && !out.contains(tag))
            out << tag;
    }
    return out;
}

QTreeWidget *makeTree(const QString &name, const QStringList &headers, QWidget *parent, bool nested = false)
{
    auto *tree = new QTreeWidget(parent);
    tree->setObjectName(name);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(nested);
    tree->setUniformRowHeights(true);
    tree->setAlternatingRowColors(true);
    tree->header()->setStretchLastSection(true);
    tree->setTextElideMode(Qt::ElideRight);
    return tree;
}

void fitColumns(QTreeWidget *tree)
{
    for (int c = 0; c + 1 < tree->columnCount(); ++c) {
        tree->resizeColumnToContents(c);
        tree->setColumnWidth(c, std::min(tree->columnWidth(c), 220));
    }
}

void alignRight(QTreeWidgetItem *item, std::initializer_list<int> columns)
{
    for (int c : columns)
        item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
}

void colour(QTreeWidgetItem *item, const QString &colour)
{
    for (int c = 0; c < item->columnCount(); ++c)
        item->setForeground(c, QColor(colour));
}

QString channelTitle(Store::Channel channel)
{
    switch (channel) {
    case Store::Channel::Email: return QObject::tr("Email");
    case Store::Channel::Sms: return QObject::tr("SMS");
    case Store::Channel::Push: return QObject::tr("Push");
    }
    return {};
}

bool consentOf(const Store::CustomerProfile &p, Store::Channel channel)
{
    switch (channel) {
    case Store::Channel::Email: return p.consentEmail;
    case Store::Channel::Sms: return p.consentSms;
    case Store::Channel::Push: return p.consentPush;
    }
    return false;
}

constexpr Store::Channel Channels[] = {Store::Channel::Email, Store::Channel::Sms, Store::Channel::Push};

} // namespace

CustomerProfilePanel::CustomerProfilePanel(QWidget *parent)
    : QWidget(parent), m_name(new QLabel(this)), m_subtitle(new QLabel(this)), m_consentLine(new QLabel(this)),
      m_erasedBanner(new QLabel(this)), m_status(new QLabel(this)), m_tabs(new QTabWidget(this)),
      m_orders(makeTree(QStringLiteral("ordersTree"), {tr("Order / item"), tr("Date (UTC)"), tr("Qty"), tr("Amount"), tr("Channel")},
                        this, true)),
      m_events(makeTree(QStringLiteral("eventsTree"), {tr("Event"), tr("Date (UTC)"), tr("Details")}, this)),
      m_segments(makeTree(QStringLiteral("segmentsTree"), {tr("Segment"), tr("Kind"), tr("Entered (UTC)"), tr("Left (UTC)")}, this)),
      m_codes(makeTree(QStringLiteral("codesTree"),
                       {tr("Code"), tr("Campaign"), tr("Status"), tr("Redeemed"), tr("Balance"), tr("Published (UTC)")}, this)),
      m_redemptions(makeTree(QStringLiteral("redemptionsTree"),
                             {tr("Date (UTC)"), tr("Result"), tr("Discount"), tr("Campaign"), tr("Code / tier"), tr("Order / reason")},
                             this))
{
    setObjectName(QStringLiteral("customerProfilePanel"));
    setMinimumWidth(420);
    QFont nameFont = m_name->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.4);
    nameFont.setBold(true);
    m_name->setFont(nameFont);
    m_name->setObjectName(QStringLiteral("customerName"));
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_consentLine->setObjectName(QStringLiteral("consentLine"));
    m_consentLine->setTextFormat(Qt::RichText);
    m_erasedBanner->setObjectName(QStringLiteral("erasedBanner"));
    m_erasedBanner->setWordWrap(true);
    m_erasedBanner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: %1; padding: 6px; border-radius: 4px; }").arg(Red));
    m_erasedBanner->setVisible(false);
    m_status->setWordWrap(true);
    m_tabs->setObjectName(QStringLiteral("profileTabs"));
    m_tabs->setUsesScrollButtons(true);
    m_tabs->setDocumentMode(true);

    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Close the profile (Esc)"));
    close->setAutoRaise(true);
    connect(close, &QToolButton::clicked, this, &CustomerProfilePanel::closeRequested);

    auto *titleRow = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->addWidget(m_name);
    titles->addWidget(m_subtitle);
    titles->addWidget(m_consentLine);
    titleRow->addLayout(titles, 1);
    titleRow->addWidget(close, 0, Qt::AlignTop);

    m_tabs->addTab(buildProfileTab(), tr("Profile"));
    m_tabs->addTab(m_orders, tr("Orders"));
    m_tabs->addTab(m_events, tr("Events"));
    m_tabs->addTab(m_segments, tr("Segments"));
    m_tabs->addTab(m_codes, tr("Codes"));
    m_tabs->addTab(m_redemptions, tr("Redemptions"));
    m_tabs->addTab(buildCampaignsTab(), tr("Campaigns now"));
    m_tabs->addTab(buildPrivacyTab(), tr("Privacy"));
    m_tabs->setTabToolTip(CampaignsTab, tr("The active campaigns this customer qualifies for right now, with an empty cart, and why not"));

    // Eight sections do not fit one row of tabs in a side panel: a 4 × 2 grid of
    // buttons drives the tab widget instead (its own bar hidden), all always visible.
    auto *nav = new QWidget(this);
    nav->setObjectName(QStringLiteral("profileNav"));
    auto *grid = new QGridLayout(nav);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(3);
    m_nav = new QButtonGroup(this);
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *button = new QToolButton(nav);
        button->setObjectName(QStringLiteral("nav%1").arg(i));
        button->setCheckable(true);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        grid->addWidget(button, i / 4, i % 4);
        m_nav->addButton(button, i);
    }
    m_tabs->tabBar()->hide();
    connect(m_nav, &QButtonGroup::idClicked, m_tabs, &QTabWidget::setCurrentIndex);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (QAbstractButton *button = m_nav->button(index))
            button->setChecked(true);
    });
    syncNav();
    m_nav->button(ProfileTab)->setChecked(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(titleRow);
    layout->addWidget(m_erasedBanner);
    layout->addWidget(m_status);
    layout->addWidget(nav);
    layout->addWidget(m_tabs, 1);
}

void CustomerProfilePanel::syncNav()
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (QAbstractButton *button = m_nav ? m_nav->button(i) : nullptr) {
            button->setText(m_tabs->tabText(i));
            button->setToolTip(m_tabs->tabToolTip(i));
        }
    }
}

// --- building -------------------------------------------------------------------------

QWidget *CustomerProfilePanel::buildProfileTab()
{
    m_profileStack = new QStackedWidget(this);
    m_profileStack->setObjectName(QStringLiteral("profileStack"));

    auto *view = new QWidget;
    auto *viewLayout = new QVBoxLayout(view);
    viewLayout->setContentsMargins(0, 6, 0, 0);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    m_editButton = new QPushButton(tr("Edit…"), view);
    m_editButton->setObjectName(QStringLiteral("editButton"));
    m_editButton->setToolTip(tr("Edit the profile and consents (audited)"));
    m_editButton->setEnabled(false);
    connect(m_editButton, &QPushButton::clicked, this, &CustomerProfilePanel::startEditing);
    actions->addWidget(m_editButton);
    viewLayout->addLayout(actions);

    auto *formHost = new QWidget;
    m_form = new QFormLayout(formHost);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    auto *scroll = new QScrollArea;
    scroll->setWidget(formHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    viewLayout->addWidget(scroll, 1);

    m_profileStack->addWidget(view);
    m_profileStack->addWidget(buildEditPage());
    return m_profileStack;
}

QWidget *CustomerProfilePanel::buildEditPage()
{
    auto *page = new QWidget;
    auto *outer = new QVBoxLayout(page);
    outer->setContentsMargins(0, 6, 0, 0);
    auto *host = new QWidget;
    auto *form = new QFormLayout(host);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);

    // Each editor with its own error line under it.
    auto addEditor = [&](const QString &field, const QString &label, QWidget *editor) {
        editor->setObjectName(QStringLiteral("edit_") + QString(field).replace(QLatin1Char('.'), QLatin1Char('_')));
        auto *error = new QLabel;
        error->setObjectName(QStringLiteral("error_") + QString(field).replace(QLatin1Char('.'), QLatin1Char('_')));
        error->setWordWrap(true);
        error->setStyleSheet(QStringLiteral("color: %1;").arg(Red));
        error->setVisible(false);
        auto *cell = new QWidget;
        auto *cellLayout = new QVBoxLayout(cell);
        cellLayout->setContentsMargins(0, 0, 0, 0);
        cellLayout->setSpacing(2);
        cellLayout->addWidget(editor);
        cellLayout->addWidget(error);
        form->addRow(label, cell);
        m_editors.insert(field, {editor, error});
    };
    auto line = [this](const QString &placeholder) {
        auto *edit = new QLineEdit;
        edit->setPlaceholderText(placeholder);
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::textChanged, this, &CustomerProfilePanel::checkEdits);
        return edit;
    };
    m_editName = line(tr("Full name"));
    m_editEmail = line(tr("name@domain.tld"));
    m_editPhone = line(tr("+353 1 234 5678"));
    m_editBirthdate = line(tr("YYYY-MM-DD"));
    m_editCity = line(QString());
    m_editCountry = line(tr("IE, GB, FR…"));
    m_editCountry->setMaxLength(8);
    m_editPostalCode = line(QString());
    m_editTier = new QComboBox;
    m_editTier->setEditable(true);
    m_editTier->addItems({QString(), QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")});
    connect(m_editTier, &QComboBox::currentTextChanged, this, &CustomerProfilePanel::checkEdits);
    m_editTags = line(tr("comma separated: vip, staff"));
    m_editMetadata = new QPlainTextEdit;
    m_editMetadata->setPlaceholderText(tr("{\"key\": \"value\"}"));
    m_editMetadata->setTabChangesFocus(true);
    m_editMetadata->setFixedHeight(m_editMetadata->fontMetrics().lineSpacing() * 5 + 12);
    connect(m_editMetadata, &QPlainTextEdit::textChanged, this, &CustomerProfilePanel::checkEdits);

    addEditor(QStringLiteral("name"), tr("Name"), m_editName);
    addEditor(QStringLiteral("email"), tr("Email"), m_editEmail);
    addEditor(QStringLiteral("phone"), tr("Phone"), m_editPhone);
    addEditor(QStringLiteral("birthdate"), tr("Birthdate"), m_editBirthdate);
    addEditor(QStringLiteral("address.city"), tr("City"), m_editCity);
    addEditor(QStringLiteral("address.country"), tr("Country"), m_editCountry);
    addEditor(QStringLiteral("address.postal_code"), tr("Postal code"), m_editPostalCode);
    addEditor(QStringLiteral("loyalty_tier"), tr("Loyalty tier"), m_editTier);
    addEditor(QStringLiteral("tags"), tr("Tags"), m_editTags);
    addEditor(QStringLiteral("metadata"), tr("Metadata (JSON)"), m_editMetadata);

    auto *consents = new QWidget;
    auto *consentLayout = new QHBoxLayout(consents);
    consentLayout->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < 3; ++i) {
        m_editConsent[i] = new QCheckBox(channelTitle(Channels[i]));
        m_editConsent[i]->setObjectName(QStringLiteral("edit_consent_") + Store::channelKey(Channels[i]));
        connect(m_editConsent[i], &QCheckBox::toggled, this, &CustomerProfilePanel::checkEdits);
        consentLayout->addWidget(m_editConsent[i]);
    }
    consentLayout->addStretch(1);
    form->addRow(tr("Consents"), consents);
    auto *consentNote = new QLabel(tr("Marketing messages go only to consented channels. Changing one records the time."));
    consentNote->setWordWrap(true);
    consentNote->setStyleSheet(QStringLiteral("color: %1;").arg(Grey));
    form->addRow(QString(), consentNote);

    // Rows keep their natural height; the space left goes below them.
    auto *holder = new QWidget;
    auto *holderLayout = new QVBoxLayout(holder);
    holderLayout->setContentsMargins(0, 0, 0, 0);
    holderLayout->addWidget(host);
    holderLayout->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(holder);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll, 1);

    m_editStatus = new QLabel;
    m_editStatus->setObjectName(QStringLiteral("editStatus"));
    m_editStatus->setWordWrap(true);
    m_saveButton = new QPushButton(tr("Save"));
    m_saveButton->setObjectName(QStringLiteral("saveButton"));
    m_saveButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"));
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    connect(m_saveButton, &QPushButton::clicked, this, &CustomerProfilePanel::save);
    connect(m_cancelButton, &QPushButton::clicked, this, &CustomerProfilePanel::stopEditing);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_editStatus, 1);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_saveButton);
    outer->addLayout(buttons);
    return page;
}

QWidget *CustomerProfilePanel::buildCampaignsTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 6, 0, 0);
    m_campaignsNote = new QLabel(page);
    m_campaignsNote->setObjectName(QStringLiteral("campaignsNote"));
    m_campaignsNote->setWordWrap(true);
    m_requalifyButton = new QPushButton(tr("Check again"), page);
    m_requalifyButton->setObjectName(QStringLiteral("requalifyButton"));
    m_requalifyButton->setToolTip(tr("Qualify again at the current time"));
    connect(m_requalifyButton, &QPushButton::clicked, this, &CustomerProfilePanel::requalify);
    auto *top = new QHBoxLayout;
    top->addWidget(m_campaignsNote, 1);
    top->addWidget(m_requalifyButton, 0, Qt::AlignTop);
    layout->addLayout(top);
    m_campaigns = makeTree(QStringLiteral("campaignsTree"), {tr("Campaign · tier or code"), tr("Now"), tr("Why")}, page, true);
    connect(m_campaigns, &QTreeWidget::currentItemChanged, this, &CustomerProfilePanel::showCampaignDetails);
    // The whole answer for the selected row, wrapped: a side panel is too narrow for it in a row.
    m_campaignDetails = new QLabel;
    m_campaignDetails->setObjectName(QStringLiteral("campaignDetails"));
    m_campaignDetails->setTextFormat(Qt::RichText);
    m_campaignDetails->setWordWrap(true);
    m_campaignDetails->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_campaignDetails->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_campaignDetails->setMargin(6);
    auto *detailsScroll = new QScrollArea;
    detailsScroll->setWidget(m_campaignDetails);
    detailsScroll->setWidgetResizable(true);
    auto *split = new QSplitter(Qt::Vertical, page);
    split->addWidget(m_campaigns);
    split->addWidget(detailsScroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({330, 220});
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    return page;
}

void CustomerProfilePanel::showCampaignDetails()
{
    QTreeWidgetItem *item = m_campaigns->currentItem();
    while (item && item->parent())
        item = item->parent();
    m_campaignDetails->setText(item ? item->data(0, Qt::UserRole + 1).toString()
                                    : tr("Select a campaign to see why it applies or not."));
}

QWidget *CustomerProfilePanel::buildPrivacyTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 6, 0, 0);
    auto *text = new QLabel(tr("Export everything stored about this customer as JSON, or erase them on request: the profile "
                               "is anonymised, events deleted, codes disabled; orders and redemptions stay for accounting "
                               "without personal data. Both are recorded in the history below."),
                            page);
    text->setWordWrap(true);
    layout->addWidget(text);

    m_exportButton = new QPushButton(tr("Export data (JSON)…"), page);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setEnabled(false);
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        const QString suggested = QDir::home().filePath(m_customerId + QStringLiteral(".json"));
        const QString file = QFileDialog::getSaveFileName(this, tr("Export customer data"), suggested, tr("JSON (*.json)"));
        if (!file.isEmpty())
            exportTo(file);
    });
    m_eraseButton = new QPushButton(tr("Erase customer…"), page);
    m_eraseButton->setObjectName(QStringLiteral("eraseButton"));
    m_eraseButton->setEnabled(false);
    connect(m_eraseButton, &QPushButton::clicked, this, [this] {
        m_eraseReason->clear();
        m_eraseTyped->clear();
        m_eraseConfirm->setVisible(true);
        m_eraseReason->setFocus();
        updateEraseButton();
    });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_exportButton);
    buttons->addWidget(m_eraseButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_eraseConfirm = new QGroupBox(tr("Erase this customer for good"), page);
    m_eraseConfirm->setObjectName(QStringLiteral("eraseConfirm"));
    m_eraseConfirm->setVisible(false);
    auto *confirm = new QFormLayout(m_eraseConfirm);
    m_eraseReason = new QLineEdit(m_eraseConfirm);
    m_eraseReason->setObjectName(QStringLiteral("eraseReason"));
    m_eraseReason->setPlaceholderText(tr("e.g. erasure request of 2026-11-02, ticket 4411"));
    m_eraseTyped = new QLineEdit(m_eraseConfirm);
    m_eraseTyped->setObjectName(QStringLiteral("eraseTyped"));
    connect(m_eraseReason, &QLineEdit::textChanged, this, &CustomerProfilePanel::updateEraseButton);
    connect(m_eraseTyped, &QLineEdit::textChanged, this, &CustomerProfilePanel::updateEraseButton);
    auto *warning = new QLabel(tr("This cannot be undone. Type the customer id or ERASE to confirm."), m_eraseConfirm);
    warning->setWordWrap(true);
    warning->setStyleSheet(QStringLiteral("color: %1;").arg(Red));
    confirm->addRow(warning);
    confirm->addRow(tr("Reason"), m_eraseReason);
    confirm->addRow(tr("Confirm"), m_eraseTyped);
    m_eraseConfirmButton = new QPushButton(tr("Erase"), m_eraseConfirm);
    m_eraseConfirmButton->setObjectName(QStringLiteral("eraseConfirmButton"));
    m_eraseConfirmButton->setEnabled(false);
    auto *cancel = new QPushButton(tr("Cancel"), m_eraseConfirm);
    cancel->setObjectName(QStringLiteral("eraseCancelButton"));
    connect(cancel, &QPushButton::clicked, this, [this] { m_eraseConfirm->setVisible(false); });
    connect(m_eraseConfirmButton, &QPushButton::clicked, this, &CustomerProfilePanel::erase);
    auto *confirmButtons = new QHBoxLayout;
    confirmButtons->addStretch(1);
    confirmButtons->addWidget(cancel);
    confirmButtons->addWidget(m_eraseConfirmButton);
    confirm->addRow(confirmButtons);
    layout->addWidget(m_eraseConfirm);

    m_privacyStatus = new QLabel(page);
    m_privacyStatus->setObjectName(QStringLiteral("privacyStatus"));
    m_privacyStatus->setWordWrap(true);
    m_privacyStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_privacyStatus);

    auto *history = new QLabel(tr("History (audit log)"), page);
    QFont bold = history->font();
    bold.setBold(true);
    history->setFont(bold);
    layout->addWidget(history);
    m_audit = makeTree(QStringLiteral("auditTree"), {tr("When (UTC)"), tr("Who"), tr("What"), tr("Fields")}, page);
    layout->addWidget(m_audit, 1);
    return page;
}

// --- loading --------------------------------------------------------------------------

void CustomerProfilePanel::setWorkspace(const QString &path, const QString &currency)
{
    m_path = path;
    m_currency = currency;
    m_customerId.clear();
    m_view.reset();
    ++m_request;
    m_loading = m_qualifying = false;
    stopEditing();
    clearForm();
}

void CustomerProfilePanel::clearForm()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    for (QTreeWidget *tree : {m_orders, m_events, m_segments, m_codes, m_redemptions, m_audit})
        tree->clear();
    m_name->clear();
    m_subtitle->clear();
    m_consentLine->clear();
    m_erasedBanner->setVisible(false);
    m_editButton->setEnabled(false);
    m_exportButton->setEnabled(false);
    m_eraseButton->setEnabled(false);
    m_tabs->setTabText(OrdersTab, tr("Orders"));
    m_tabs->setTabText(EventsTab, tr("Events"));
    m_tabs->setTabText(SegmentsTab, tr("Segments"));
    m_tabs->setTabText(CodesTab, tr("Codes"));
    m_tabs->setTabText(RedemptionsTab, tr("Redemptions"));
    syncNav();
}

void CustomerProfilePanel::showCustomer(const QString &customerId)
{
    if (m_path.isEmpty() || customerId.isEmpty())
        return;
    if (customerId != m_customerId) {
        m_notice.clear();
        stopEditing();
        m_eraseConfirm->setVisible(false);
        m_privacyStatus->clear();
    }
    m_customerId = customerId;
    const quint64 request = ++m_request;
    m_loading = true;
    m_status->setText(tr("Loading %1…").arg(customerId));
    m_status->setVisible(true);

    auto *watcher = new QFutureWatcher<Result<Store::Customer360>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, request] {
        apply(request, watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(m_tasks.track(Store::CustomerTasks::load(m_path, customerId)));
    requalify();
}

void CustomerProfilePanel::reload()
{
    if (!m_customerId.isEmpty())
        showCustomer(m_customerId);
}

void CustomerProfilePanel::requalify()
{
    if (m_path.isEmpty() || m_customerId.isEmpty())
        return;
    const quint64 request = m_request;
    m_qualifying = true;
    m_requalifyButton->setEnabled(false);
    m_campaignsNote->setText(tr("Checking the active campaigns for %1…").arg(m_customerId));
    auto *watcher = new QFutureWatcher<Result<Store::QualificationNow>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, request] {
        applyQualification(request, watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(m_tasks.track(Store::CustomerTasks::qualify(m_path, m_customerId, Store::nowMs())));
}

void CustomerProfilePanel::addField(const QString &label, const QString &value)
{
    auto *field = new QLabel(value.isEmpty() ? tr("unknown") : value);
    field->setWordWrap(true);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse);
    field->setTextFormat(Qt::PlainText);
    if (value.isEmpty())
        field->setStyleSheet(QStringLiteral("color: %1;").arg(Grey));
    m_form->addRow(label, field);
}

void CustomerProfilePanel::addConsentRows(const Store::CustomerProfile &p)
{
    QStringList chips;
    for (Store::Channel channel : Channels) {
        const bool granted = consentOf(p, channel);
        const bool reachable = Store::mayContact(p, channel);
        auto *field = new QLabel;
        field->setObjectName(QStringLiteral("consent_") + Store::channelKey(channel));
        field->setTextFormat(Qt::RichText);
        field->setWordWrap(true);
        QString text;
        if (!granted)
            text = tr("<span style='color:%1'><b>✘ not consented</b> — no messages on this channel</span>").arg(Red);
        else if (!reachable)
            text = tr("<span style='color:%1'><b>✔ consented</b>, but no address on file</span>").arg(Amber);
        else
            text = tr("<span style='color:%1'><b>✔ consented</b></span>").arg(Green);
        field->setText(text);
        m_form->addRow(tr("%1 consent").arg(channelTitle(channel)), field);
        chips << QStringLiteral("<span style='color:%1'>%2 %3</span>")
                     .arg(granted ? Green : Red, channelTitle(channel), granted ? QStringLiteral("✔") : QStringLiteral("✘"));
    }
    addField(tr("Consents last changed (UTC)"), p.consentsUpdatedAt ? timeText(*p.consentsUpdatedAt) : tr("never"));
    m_consentLine->setText(tr("Consents: %1").arg(chips.join(QStringLiteral(" · "))));
}

void CustomerProfilePanel::apply(quint64 request, const Result<Store::Customer360> &result)
{
    if (request != m_request)
        return; // a newer customer (or a reload) was asked for meanwhile
    m_loading = false;
    clearForm();
    if (!result) {
        m_view.reset();
        m_status->setText(tr("Could not load the customer: %1").arg(result.error().toString()));
        emit loaded(m_customerId);
        return;
    }
    // A note about what was just done (saved) outlives the reload it caused.
    m_status->setText(m_notice);
    m_status->setVisible(!m_notice.isEmpty());
    m_notice.clear();
    m_view = result.value();
    const Store::Customer360 &v = *m_view;
    const Store::CustomerProfile &p = v.profile;
    const Store::CustomerRow &r = p.row;
    const QLocale locale = QLocale::system();
    m_name->setText(r.name.isEmpty() ? r.id : r.name);
    m_subtitle->setText(r.email.isEmpty() ? r.id : QStringLiteral("%1 · %2").arg(r.id, r.email));
    if (v.erasedAt) {
        m_erasedBanner->setText(tr("Erased on %1 UTC: personal data removed; orders and redemptions kept for accounting.")
                                    .arg(timeText(*v.erasedAt)));
        m_erasedBanner->setVisible(true);
    }
    m_editButton->setEnabled(!v.erasedAt && !m_saving);
    m_exportButton->setEnabled(true);
    m_eraseButton->setEnabled(!v.erasedAt);
    m_eraseButton->setToolTip(v.erasedAt ? tr("Already erased") : QString());

    addField(tr("Customer id"), r.id);
    addField(tr("Source id"), r.sourceId);
    addField(tr("Email"), r.email);
    addField(tr("Phone"), p.phone);
    addField(tr("Birthdate"), p.birthdate);
    QStringList address;
    for (const QString &part : {p.postalCode, r.city, r.country})
        if (!part.isEmpty())
            address << part;
    addField(tr("Address"), address.join(QStringLiteral(", ")));
    addField(tr("Signed up (UTC)"), timeText(r.createdAt));
    addField(tr("Loyalty tier"), p.loyaltyTier);
    addField(tr("Tags"), prettyJson(p.tags));
    addField(tr("Metadata"), prettyJson(p.metadata));
    addConsentRows(p);
    addField(tr("Orders"), locale.toString(r.ordersCount));
    addField(tr("Total spent"), formatMoney(r.totalSpent, m_currency));
    addField(tr("Average order value"),
             r.ordersCount ? formatMoney((r.totalSpent + r.ordersCount / 2) / r.ordersCount, m_currency) : QString());
    addField(tr("Last order (UTC)"), r.lastOrderAt ? timeText(*r.lastOrderAt) : tr("no orders yet"));

    fillOrders(v);
    for (const Store::CustomerEvent &event : p.events)
        new QTreeWidgetItem(m_events, {event.type, timeText(event.createdAt), prettyJson(event.metadata)});
    fitColumns(m_events);
    m_tabs->setTabText(EventsTab, tr("Events (%1)").arg(p.eventsCount));
    fillSegments(v);
    fillCodes(v);
    fillRedemptions(v);
    fillPrivacy(v);
    syncNav();
    emit loaded(m_customerId);
}

void CustomerProfilePanel::fillOrders(const Store::Customer360 &v)
{
    const QLocale locale = QLocale::system();
    const Store::CustomerProfile &p = v.profile;
    for (const Store::OrderSummary &order : p.orders) {
        qint64 units = 0;
        for (const Store::OrderItemLine &line : order.items)
            units += line.quantity;
        auto *item = new QTreeWidgetItem(m_orders, {order.id, timeText(order.createdAt), locale.toString(units),
                                                    formatMoney(order.amount, m_currency), order.channel});
        item->setToolTip(0, tr("%1 · %2 · source id %3").arg(order.id, order.status, order.sourceId));
        alignRight(item, {2, 3});
        for (const Store::OrderItemLine &line : order.items) {
            auto *child = new QTreeWidgetItem(item, {line.productName + QStringLiteral(" (") + line.skuId + QLatin1Char(')'),
                                                     QString(), locale.toString(line.quantity),
                                                     formatMoney(line.amount, m_currency), QString()});
            child->setToolTip(0, child->text(0));
            child->setToolTip(3, tr("%1 × %2").arg(line.quantity).arg(formatMoney(line.price, m_currency)));
            alignRight(child, {2, 3});
        }
    }
    if (m_orders->topLevelItemCount() > 0)
        m_orders->topLevelItem(0)->setExpanded(true);
    fitColumns(m_orders);
    const qint64 total = std::max<qint64>(p.row.ordersCount, p.orders.size());
    m_tabs->setTabText(OrdersTab, total > p.orders.size() ? tr("Orders (%1 of %2)").arg(p.orders.size()).arg(total)
                                                          : tr("Orders (%1)").arg(p.orders.size()));
}

void CustomerProfilePanel::fillSegments(const Store::Customer360 &v)
{
    int current = 0;
    for (const Store::Membership &m : v.memberships) {
        auto *item = new QTreeWidgetItem(m_segments, {m.segmentName, Store::segmentTypeKey(m.type), timeText(m.enteredAt),
                                                      m.leftAt ? timeText(*m.leftAt) : tr("in it now")});
        item->setToolTip(0, m.segmentId);
        if (!m.leftAt) {
            ++current;
            QFont bold = item->font(0);
            bold.setBold(true);
            item->setFont(0, bold);
            item->setForeground(3, QColor(Green));
        } else {
            colour(item, Grey);
        }
    }
    fitColumns(m_segments);
    m_tabs->setTabText(SegmentsTab, tr("Segments (%1)").arg(current));
    m_tabs->setTabToolTip(SegmentsTab, tr("In %1 segments now; %2 stays in all").arg(current).arg(v.memberships.size()));
}

void CustomerProfilePanel::fillCodes(const Store::Customer360 &v)
{
    const QLocale locale = QLocale::system();
    for (const Store::PublishedCode &c : v.codes.rows) {
        const QString redeemed = c.redemptionQuantity ? tr("%1 of %2").arg(c.redeemedQuantity).arg(c.redemptionQuantity)
                                                      : locale.toString(c.redeemedQuantity);
        auto *item = new QTreeWidgetItem(m_codes, {c.code, c.campaignName, c.status, redeemed,
                                                   c.giftBalance ? formatMoney(*c.giftBalance, m_currency) : QString(),
                                                   c.publishedAt ? timeText(*c.publishedAt) : QString()});
        item->setToolTip(1, QStringLiteral("%1 (%2)").arg(c.campaignName, c.campaignId));
        alignRight(item, {3, 4});
        if (c.status != QLatin1String("active"))
            colour(item, Grey);
    }
    fitColumns(m_codes);
    m_tabs->setTabText(CodesTab, v.codes.isComplete() ? tr("Codes (%1)").arg(v.codes.total)
                                                      : tr("Codes (%1 of %2)").arg(v.codes.rows.size()).arg(v.codes.total));
}

void CustomerProfilePanel::fillRedemptions(const Store::Customer360 &v)
{
    for (const Store::CustomerRedemption &r : v.redemptions.rows) {
        const bool rollback = r.object == QLatin1String("redemption_rollback");
        QString result;
        QString colourName;
        if (rollback) {
            result = tr("↩ rollback of %1").arg(Ids::make(Ids::Redemption, r.rollbackOf));
            colourName = Amber;
        } else if (r.result == QLatin1String("SUCCESS")) {
            result = tr("✔ success");
        } else if (r.result == QLatin1String("ROLLED_BACK")) {
            result = tr("↺ rolled back");
            colourName = Grey;
        } else {
            result = tr("✘ %1").arg(r.failureCode);
            colourName = Red;
        }
        const qint64 amount = r.discountAmount + r.giftAmount;
        const QString money = r.result == QLatin1String("FAILURE") ? QString()
                              : rollback                          ? QStringLiteral("−") + formatMoney(amount, m_currency)
                                                                  : formatMoney(amount, m_currency);
        const QString detail = rollback ? r.reason : r.orderSourceId;
        auto *item = new QTreeWidgetItem(m_redemptions, {timeText(r.createdAt), result, money, r.campaignName,
                                                         r.code.isEmpty() ? r.tierId : r.code, detail});
        alignRight(item, {2});
        if (!colourName.isEmpty())
            item->setForeground(1, QColor(colourName));
        QString tip = Ids::make(Ids::Redemption, r.id);
        if (!r.failureMessage.isEmpty())
            tip += QStringLiteral(": ") + r.failureMessage;
        if (!r.reason.isEmpty())
            tip += QStringLiteral(" — ") + r.reason;
        for (int c = 0; c < item->columnCount(); ++c)
            item->setToolTip(c, tip);
    }
    fitColumns(m_redemptions);
    m_tabs->setTabText(RedemptionsTab, v.redemptions.isComplete()
                                           ? tr("Redemptions (%1)").arg(v.redemptions.total)
                                           : tr("Redemptions (%1 of %2)").arg(v.redemptions.rows.size()).arg(v.redemptions.total));
}

void CustomerProfilePanel::fillPrivacy(const Store::Customer360 &v)
{
    for (const Store::CustomerAuditEntry &e : v.audit) {
        const QJsonObject after = QJsonDocument::fromJson(e.after.toUtf8()).object();
        QString what;
        if (e.action == QLatin1String("erase"))
            what = tr("reason: %1").arg(after.value(QStringLiteral("reason")).toString());
        else if (e.action == QLatin1String("export"))
            what = tr("%1 orders, %2 redemptions")
                       .arg(after.value(QStringLiteral("orders")).toInteger())
                       .arg(after.value(QStringLiteral("redemptions")).toInteger());
        else
            what = after.keys().join(QStringLiteral(", "));
        auto *item = new QTreeWidgetItem(m_audit, {timeText(e.at), e.actor, e.action, what});
        item->setToolTip(3, QStringLiteral("%1\n→ %2").arg(e.before, e.after));
    }
    fitColumns(m_audit);
}

void CustomerProfilePanel::applyQualification(quint64 request, const Result<Store::QualificationNow> &result)
{
    if (request != m_request)
        return; // about a customer the panel has left
    m_qualifying = false;
    m_requalifyButton->setEnabled(true);
    m_campaigns->clear();
    if (!result) {
        m_campaignsNote->setText(tr("Could not qualify: %1").arg(result.error().toString()));
        emit qualified(m_customerId);
        return;
    }
    const Store::QualificationNow &q = result.value();
    int applies = 0;
    for (const Store::CampaignNow &row : q.rows) {
        const Engine::RedeemableResult &r = row.result;
        QString title = r.campaignName;
        if (!r.tierName.isEmpty())
            title += QStringLiteral(" · ") + r.tierName;
        else if (row.held && !r.requested.id.isEmpty() && r.requested.object == Engine::Redeemable::Object::Voucher)
            title += QStringLiteral(" · ") + r.requested.id;
        QString verdict;
        QString why = r.message;
        QString colourName;
        if (r.outcome == Engine::Outcome::Applicable) {
            ++applies;
            verdict = tr("✔ applies");
            why = r.applied.total ? tr("takes %1 off").arg(formatMoney(r.applied.total, m_currency))
                                  : tr("applies; what it takes off depends on the cart");
            colourName = Green;
        } else if (r.outcome == Engine::Outcome::Skipped) {
            verdict = tr("◐ held back");
            why = tr("would apply, but: %1").arg(r.message);
            colourName = Amber;
        } else if (!row.held) {
            verdict = tr("– no code");
            colourName = Grey;
        } else if (!row.cartNeeds.isEmpty()) {
            verdict = tr("✘ needs a cart");
            why = tr("needs a cart: %1").arg(row.cartNeeds.join(QStringLiteral("; ")));
            if (!row.failsForCustomer.isEmpty())
                why += tr(" — and even then: %1 fails for this customer").arg(row.failsForCustomer.join(QStringLiteral("; ")));
            colourName = Amber;
        } else {
            verdict = tr("✘ does not apply");
            colourName = Red;
        }
        if (!r.failureKey.isEmpty() && r.outcome != Engine::Outcome::Applicable)
            why += QStringLiteral(" [%1]").arg(r.failureKey);
        auto *item = new QTreeWidgetItem(m_campaigns, {title, verdict, why});
        item->setForeground(1, QColor(colourName));
        item->setToolTip(0, QStringLiteral("%1 (%2)").arg(r.campaignName, r.campaignId));
        item->setToolTip(2, why);
        item->setData(0, Qt::UserRole, r.campaignId);
        // The rule engine's trace, one line per condition, indented by depth.
        QString trace;
        for (const Rules::TraceLine &line : r.trace) {
            const QString condition = QString(line.depth * 2, QLatin1Char(' ')) + line.text;
            const QString seen = ((line.passed ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + line.actual).trimmed();
            auto *child = new QTreeWidgetItem(item, {condition, seen, line.hint});
            child->setForeground(1, QColor(line.passed ? Green : Red));
            child->setToolTip(0, line.text);
            trace += QStringLiteral("<tr><td style='padding-left:%1px; color:%2'>%3</td><td>%4</td><td style='color:%5'>%6</td></tr>")
                         .arg(line.depth * 14)
                         .arg(line.passed ? Green : Red, (line.passed ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + line.text.toHtmlEscaped(),
                              line.actual.isEmpty() ? QString() : tr("seen: %1").arg(line.actual.toHtmlEscaped()), Grey,
                              line.hint.toHtmlEscaped());
        }
        QString details = QStringLiteral("<b>%1</b><br><span style='color:%2'><b>%3</b></span> — %4")
                              .arg(title.toHtmlEscaped(), colourName, verdict.toHtmlEscaped(), why.toHtmlEscaped());
        if (!r.message.isEmpty() && !why.contains(r.message))
            details += QStringLiteral("<br>") + tr("The campaign says: %1").arg(r.message.toHtmlEscaped());
        if (!trace.isEmpty())
            details += QStringLiteral("<p>%1</p><table cellspacing='2'>%2</table>").arg(tr("The rule, condition by condition:"), trace);
        details += QStringLiteral("<p style='color:%1'>%2 · %3</p>").arg(Grey, r.campaignId, Engine::campaignTypeKey(r.campaignType));
        item->setData(0, Qt::UserRole + 1, details);
    }
    m_campaigns->resizeColumnToContents(0);
    m_campaigns->setColumnWidth(0, std::min(m_campaigns->columnWidth(0), 300));
    m_campaigns->resizeColumnToContents(1);
    if (m_campaigns->topLevelItemCount() > 0)
        m_campaigns->setCurrentItem(m_campaigns->topLevelItem(0));
    showCampaignDetails();
    m_campaignsNote->setText(tr("%1 of %2 active campaigns apply now (%3 UTC), with an empty cart. Rules on the order say "
                                "what a cart would need; expand a row for the rule's trace.")
                                 .arg(applies)
                                 .arg(q.activeCampaigns)
                                 .arg(timeText(q.now)));
    emit qualified(m_customerId);
}

// --- editing --------------------------------------------------------------------------

bool CustomerProfilePanel::isEditing() const
{
    return m_profileStack->currentIndex() == 1;
}

void CustomerProfilePanel::startEditing()
{
    if (!m_view || m_view->erasedAt)
        return;
    const Store::CustomerProfile &p = m_view->profile;
    const QSignalBlocker blocks[] = {QSignalBlocker(m_editName), QSignalBlocker(m_editEmail), QSignalBlocker(m_editPhone),
                                     QSignalBlocker(m_editBirthdate), QSignalBlocker(m_editCity), QSignalBlocker(m_editCountry),
                                     QSignalBlocker(m_editPostalCode), QSignalBlocker(m_editTier), QSignalBlocker(m_editTags),
                                     QSignalBlocker(m_editMetadata)};
    m_editName->setText(p.row.name);
    m_editEmail->setText(p.row.email);
    m_editPhone->setText(p.phone);
    m_editBirthdate->setText(p.birthdate);
    m_editCity->setText(p.row.city);
    m_editCountry->setText(p.row.country);
    m_editPostalCode->setText(p.postalCode);
    m_editTier->setCurrentText(p.loyaltyTier);
    m_editTags->setText(tagList(p.tags).join(QStringLiteral(", ")));
    const QJsonObject metadata = QJsonDocument::fromJson(p.metadata.toUtf8()).object();
    m_editMetadata->setPlainText(metadata.isEmpty() ? QString()
                                                    : QString::fromUtf8(QJsonDocument(metadata).toJson(QJsonDocument::Indented)).trimmed());
    for (int i = 0; i < 3; ++i) {
        const QSignalBlocker block(m_editConsent[i]);
        m_editConsent[i]->setChecked(consentOf(p, Channels[i]));
    }
    m_profileStack->setCurrentIndex(1);
    m_tabs->setCurrentIndex(ProfileTab);
    m_editName->setFocus();
    checkEdits();
}

void CustomerProfilePanel::stopEditing()
{
    if (!m_profileStack)
        return;
    m_profileStack->setCurrentIndex(0);
    m_editStatus->clear();
}

Store::CustomerChanges CustomerProfilePanel::editedChanges() const
{
    Store::CustomerChanges c;
    if (!m_view)
        return c;
    const Store::CustomerProfile &p = m_view->profile;
    auto differs = [](QLineEdit *edit, const QString &stored, std::optional<QString> &into) {
        const QString value = edit->text().trimmed();
        if (value != stored)
            into = value;
    };
    differs(m_editName, p.row.name, c.name);
    differs(m_editEmail, p.row.email, c.email);
    differs(m_editPhone, p.phone, c.phone);
    differs(m_editBirthdate, p.birthdate, c.birthdate);
    differs(m_editCity, p.row.city, c.city);
    if (m_editCountry->text().trimmed().toUpper() != p.row.country)
        c.country = m_editCountry->text().trimmed();
    differs(m_editPostalCode, p.postalCode, c.postalCode);
    if (m_editTier->currentText().trimmed() != p.loyaltyTier)
        c.loyaltyTier = m_editTier->currentText().trimmed();
    const QStringList tags = splitTags(m_editTags->text());
    if (tags != tagList(p.tags))
        c.tags = tags;
    const QString metadataText = m_editMetadata->toPlainText().trimmed();
    const QJsonDocument metadata = QJsonDocument::fromJson(metadataText.toUtf8());
    const QJsonObject wanted = metadataText.isEmpty() ? QJsonObject() : metadata.object();
    if ((metadataText.isEmpty() || metadata.isObject()) && wanted != QJsonDocument::fromJson(p.metadata.toUtf8()).object())
        c.metadata = wanted;
    for (int i = 0; i < 3; ++i) {
        if (m_editConsent[i]->isChecked() != consentOf(p, Channels[i]))
            c.setConsent(Channels[i], m_editConsent[i]->isChecked());
    }
    return c;
}

void CustomerProfilePanel::showFieldError(const QString &field, const QString &message)
{
    const auto it = m_editors.constFind(field);
    if (it == m_editors.constEnd()) {
        m_editStatus->setText(QStringLiteral("<span style='color:%1'>%2</span>").arg(Red, message.toHtmlEscaped()));
        return;
    }
    it->error->setText(message);
    it->error->setVisible(!message.isEmpty());
}

void CustomerProfilePanel::checkEdits()
{
    if (!isEditing())
        return;
    for (const FieldEditor &f : std::as_const(m_editors)) {
        f.error->clear();
        f.error->setVisible(false);
    }
    bool bad = false;
    const QString metadataText = m_editMetadata->toPlainText().trimmed();
    if (!metadataText.isEmpty()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(metadataText.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError) {
            showFieldError(QStringLiteral("metadata"), tr("not JSON: %1 at character %2").arg(error.errorString()).arg(error.offset));
            bad = true;
        } else if (!doc.isObject()) {
            showFieldError(QStringLiteral("metadata"), tr("metadata is a JSON object: {\"key\": \"value\"}"));
            bad = true;
        }
    }
    const Store::CustomerChanges changes = editedChanges();
    for (const Error &e : Store::checkCustomerChanges(changes)) {
        showFieldError(e.where, e.message);
        bad = true;
    }
    m_saveButton->setEnabled(!bad && !changes.isEmpty() && !m_saving);
    if (m_saving)
        m_editStatus->setText(tr("Saving…"));
    else if (bad)
        m_editStatus->setText(QStringLiteral("<span style='color:%1'>%2</span>").arg(Red, tr("Fix the marked fields to save.")));
    else
        m_editStatus->setText(changes.isEmpty() ? tr("No changes yet.") : tr("Changed: not saved yet."));
}

void CustomerProfilePanel::save()
{
    if (m_saving || !m_view)
        return;
    const Store::CustomerChanges changes = editedChanges();
    if (changes.isEmpty() || !Store::checkCustomerChanges(changes).isEmpty())
        return;
    m_saving = true;
    m_saveButton->setEnabled(false);
    m_editStatus->setText(tr("Saving…"));
    const QString id = m_customerId;
    auto *watcher = new QFutureWatcher<Result<Store::CustomerUpdate>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id] {
        watcher->deleteLater();
        m_saving = false;
        const Result<Store::CustomerUpdate> result = watcher->result();
        if (result)
            emit customerChanged(id);
        if (id != m_customerId) {
            emit saveFinished(id, result.ok());
            return; // the panel shows someone else now
        }
        if (!result) {
            showFieldError(result.error().where, result.error().message);
            if (m_editors.contains(result.error().where))
                m_editStatus->setText(QStringLiteral("<span style='color:%1'>%2</span>").arg(Red, tr("Not saved.")));
            m_saveButton->setEnabled(true);
            emit saveFinished(id, false);
            return;
        }
        stopEditing();
        m_notice = result.value().changed.isEmpty() ? tr("Nothing to save.")
                                                    : tr("Saved: %1.").arg(result.value().changed.join(QStringLiteral(", ")));
        reload();
        emit saveFinished(id, true);
    });
    watcher->setFuture(m_tasks.track(Store::CustomerTasks::update(m_path, id, changes, actor())));
}

// --- privacy --------------------------------------------------------------------------

void CustomerProfilePanel::exportTo(const QString &file)
{
    if (m_path.isEmpty() || m_customerId.isEmpty())
        return;
    const QString id = m_customerId;
    m_exportButton->setEnabled(false);
    m_privacyStatus->setText(tr("Exporting %1…").arg(id));
    auto *watcher = new QFutureWatcher<Result<qint64>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id, file] {
        watcher->deleteLater();
        const Result<qint64> result = watcher->result();
        if (id == m_customerId) {
            m_exportButton->setEnabled(true);
            m_privacyStatus->setText(result ? tr("Exported %1 to %2 (%3).")
                                                  .arg(id, QDir::toNativeSeparators(file), QLocale::system().formattedDataSize(result.value()))
                                            : QStringLiteral("<span style='color:%1'>%2</span>")
                                                  .arg(Red, tr("Export failed: %1").arg(result.error().toString()).toHtmlEscaped()));
            if (result)
                reload(); // the history lists the export
        }
        emit exportFinished(file, result.ok());
    });
    watcher->setFuture(m_tasks.track(Store::CustomerTasks::exportToFile(m_path, id, file, actor())));
}

void CustomerProfilePanel::updateEraseButton()
{
    const QString typed = m_eraseTyped->text().trimmed();
    const bool confirmed = typed == m_customerId || typed == QLatin1String("ERASE");
    m_eraseConfirmButton->setEnabled(confirmed && !m_eraseReason->text().trimmed().isEmpty() && m_view && !m_view->erasedAt);
}

void CustomerProfilePanel::erase()
{
    if (!m_eraseConfirmButton->isEnabled())
        return;
    const QString id = m_customerId;
    const QString reason = m_eraseReason->text().trimmed();
    m_eraseConfirmButton->setEnabled(false);
    m_eraseButton->setEnabled(false);
    m_privacyStatus->setText(tr("Erasing %1…").arg(id));
    auto *watcher = new QFutureWatcher<Result<Store::Erasure>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id] {
        watcher->deleteLater();
        const Result<Store::Erasure> result = watcher->result();
        if (result) {
            emit customerChanged(id);
            emit erased(id);
        }
        if (id != m_customerId)
            return;
        if (!result) {
            m_privacyStatus->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                                         .arg(Red, tr("Not erased: %1").arg(result.error().toString()).toHtmlEscaped()));
            updateEraseButton();
            m_eraseButton->setEnabled(true);
            return;
        }
        const Store::Erasure &e = result.value();
        m_eraseConfirm->setVisible(false);
        m_privacyStatus->setText(tr("%1 erased. Events deleted: %2; segment stays closed: %3; codes disabled: %4. Kept for "
                                    "accounting: %5 orders, %6 redemptions.")
                                     .arg(id)
                                     .arg(e.eventsDeleted)
                                     .arg(e.staysClosed)
                                     .arg(e.codesDisabled)
                                     .arg(e.ordersKept)
                                     .arg(e.redemptionsKept));
        reload();
    });
    watcher->setFuture(m_tasks.track(Store::CustomerTasks::erase(m_path, id, actor(), reason)));
}

} // namespace PromoDesk::Ui
