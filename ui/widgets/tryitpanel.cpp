#include "widgets/tryitpanel.h"
#include "engine/requestjson.h"

#include "common/money.h"
#include "engine/discount.h"
#include "rules/syntax.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "widgets/moneyedit.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QRegularExpression>
#include <QSet>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace PromoDesk::Ui {

namespace {

constexpr int RerunDelayMs = 300;
constexpr int SearchDelayMs = 250;
constexpr int MatchLimit = 20;
constexpr int SkuLimit = 50'000;
// Up to this many characters a search matches many customers: walking the name index
// finds the first MatchLimit at once. Longer ones match few, and a scan of the table is
// then far cheaper than walking the index and fetching every row from it.
constexpr int ShortSearch = 3;

constexpr int SkuRole = Qt::UserRole + 1;
constexpr int CustomerIdRole = Qt::UserRole + 1;

// The cart's columns.
enum CartColumn { CartSku, CartProduct, CartQuantity, CartPrice, CartTotal, CartColumns };
// The result's per-line columns.
enum LineColumn { LineSku, LineQuantity, LineAmount, LineDiscount, LineAfter, LineColumns };

const QString Separator = QStringLiteral(" — ");

QColor goodColour()
{
    return QColor(0x1b, 0x7f, 0x3b);
}

QColor badColour()
{
    return QColor(0xb0, 0x00, 0x20);
}

QColor mutedColour()
{
    return QColor(0x70, 0x70, 0x70);
}

QString colourStyle(const QColor &colour)
{
    return QStringLiteral("color: %1;").arg(colour.name());
}

// A SKU picked from the completer reads "sku_1 — Product (Category)"; the line names the id.
QString skuOf(const QString &text)
{
    const qsizetype cut = text.indexOf(Separator);
    return (cut < 0 ? text : text.left(cut)).trimmed();
}

QTableWidgetItem *moneyItem(qint64 cents)
{
    auto *item = new QTableWidgetItem(formatMoney(cents));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidgetItem *numberItem(qint64 n)
{
    auto *item = new QTableWidgetItem(QString::number(n));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidgetItem *textItem(const QString &text)
{
    return new QTableWidgetItem(text);
}

} // namespace

TryItPanel::TryItPanel(QWidget *parent)
    : QWidget(parent)
    , m_message(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_matches(new QListWidget(this))
    , m_customerInfo(new QLabel(this))
    , m_cart(new QTableWidget(0, CartColumns, this))
    , m_addLine(new QPushButton(tr("&Add line"), this))
    , m_removeLine(new QPushButton(tr("&Remove line"), this))
    , m_shipping(new MoneyEdit(this))
    , m_channel(new QComboBox(this))
    , m_cartTotal(new QLabel(this))
    , m_at(new QDateTimeEdit(this))
    , m_atZone(new QLabel(this))
    , m_nowButton(new QToolButton(this))
    , m_tryButton(new QPushButton(tr("&Try"), this))
    , m_status(new QLabel(this))
    , m_verdict(new QLabel(this))
    , m_totals(new QLabel(this))
    , m_lines(new QTableWidget(0, LineColumns, this))
    , m_explain(new QTreeWidget(this))
    , m_simulatorRow(new QWidget(this))
    , m_operation(new QComboBox(this))
    , m_redeemables(new QLineEdit(this))
    , m_zone(new QComboBox(this))
    , m_saveCase(new QPushButton(tr("Save as &case…"), this))
    , m_rerunTimer(new QTimer(this))
    , m_searchTimer(new QTimer(this))
    , m_skuModel(new QStandardItemModel(this))
{
    buildUi();
    showMatches({}, QString());
    showTryAt();
    showCustomer();
    refreshCartTotal();
    clearResult();
    updateEnabled();
}

TryItPanel::~TryItPanel() = default;

void TryItPanel::buildUi()
{
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; color: #6b3d00; border: 1px solid #f0c27a;"
                                            " border-radius: 3px; padding: 6px; }"));

    // --- customer ---
    m_search->setObjectName(QStringLiteral("customerSearch"));
    m_search->setPlaceholderText(tr("Search customers by name, email, id or source id…"));
    m_search->setClearButtonEnabled(true);
    m_matches->setObjectName(QStringLiteral("customerMatches"));
    m_matches->setUniformItemSizes(true);
    m_matches->setAlternatingRowColors(true);
    m_matches->setMinimumHeight(m_matches->fontMetrics().height() * 4);
    m_matches->setMaximumHeight(m_matches->fontMetrics().height() * 7);
    m_customerInfo->setObjectName(QStringLiteral("customerInfo"));
    // Two short lines, not word-wrapped: a wrapped label's height depends on its width,
    // which the column's minimum size does not account for (the cart was squeezed).
    m_customerInfo->setTextFormat(Qt::RichText);
    m_customerInfo->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_customerInfo->setMinimumHeight(m_customerInfo->fontMetrics().lineSpacing() * 2 + 2);
    m_customerInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *customerBox = new QGroupBox(tr("Customer"), this);
    auto *customerLayout = new QVBoxLayout(customerBox);
    customerLayout->addWidget(m_search);
    customerLayout->addWidget(m_matches);
    customerLayout->addWidget(m_customerInfo);

    // --- cart ---
    m_cart->setObjectName(QStringLiteral("cart"));
    m_cart->setHorizontalHeaderLabels({tr("SKU"), tr("Product"), tr("Qty"), tr("Unit price"), tr("Line total")});
    m_cart->verticalHeader()->hide();
    m_cart->verticalHeader()->setDefaultSectionSize(m_cart->fontMetrics().height() + 14);
    m_cart->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_cart->setSelectionMode(QAbstractItemView::SingleSelection);
    m_cart->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QHeaderView *cartHeader = m_cart->horizontalHeader();
    cartHeader->setSectionResizeMode(CartSku, QHeaderView::Interactive);
    cartHeader->setSectionResizeMode(CartProduct, QHeaderView::Stretch);
    cartHeader->setSectionResizeMode(CartQuantity, QHeaderView::Interactive);
    cartHeader->setSectionResizeMode(CartPrice, QHeaderView::Interactive);
    cartHeader->setSectionResizeMode(CartTotal, QHeaderView::ResizeToContents);
    const int digit = m_cart->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_cart->setColumnWidth(CartSku, digit * 14);
    m_cart->setColumnWidth(CartQuantity, digit * 8);
    m_cart->setColumnWidth(CartPrice, digit * 11);
    m_cart->setMinimumHeight(m_cart->verticalHeader()->defaultSectionSize() * 4);
    m_addLine->setObjectName(QStringLiteral("addLine"));
    m_removeLine->setObjectName(QStringLiteral("removeLine"));
    m_shipping->setObjectName(QStringLiteral("shipping"));
    m_shipping->setToolTip(tr("The order's shipping cost, which a free-shipping discount takes off"));
    m_channel->setObjectName(QStringLiteral("channel"));
    m_channel->setEditable(true);
    m_channel->addItems({QString(), QStringLiteral("web"), QStringLiteral("store"), QStringLiteral("app")});
    m_channel->lineEdit()->setPlaceholderText(tr("any"));
    m_channel->setToolTip(tr("order.channel, for rules that ask for it; empty = not given"));
    m_cartTotal->setObjectName(QStringLiteral("cartTotal"));
    m_cartTotal->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto *cartBox = new QGroupBox(tr("Cart"), this);
    auto *cartLayout = new QVBoxLayout(cartBox);
    cartLayout->addWidget(m_cart, 1);
    auto *cartButtons = new QHBoxLayout;
    cartButtons->addWidget(m_addLine);
    cartButtons->addWidget(m_removeLine);
    cartButtons->addStretch(1);
    cartButtons->addWidget(m_cartTotal);
    cartLayout->addLayout(cartButtons);
    auto *orderRow = new QHBoxLayout;
    auto *shippingLabel = new QLabel(tr("S&hipping:"), cartBox);
    shippingLabel->setBuddy(m_shipping);
    auto *channelLabel = new QLabel(tr("Cha&nnel:"), cartBox);
    channelLabel->setBuddy(m_channel);
    orderRow->addWidget(shippingLabel);
    orderRow->addWidget(m_shipping);
    orderRow->addSpacing(12);
    orderRow->addWidget(channelLabel);
    orderRow->addWidget(m_channel, 1);
    cartLayout->addLayout(orderRow);

    // --- when, and the button ---
    m_at->setObjectName(QStringLiteral("tryAt"));
    m_at->setTimeSpec(Qt::UTC); // holds the wall-clock time of the campaign's zone (see showTryAt)
    m_at->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_at->setCalendarPopup(true);
    m_at->setToolTip(tr("The moment to try the campaign at, in the campaign's time zone"));
    m_at->setMinimumWidth(m_at->sizeHint().width()); // its minimum hint cuts the minutes off
    m_atZone->setObjectName(QStringLiteral("tryAtZone"));
    m_nowButton->setObjectName(QStringLiteral("now"));
    m_nowButton->setText(tr("Now"));
    m_nowButton->setToolTip(tr("Try at the current time, whenever the campaign is tried"));
    m_tryButton->setObjectName(QStringLiteral("try"));
    m_tryButton->setDefault(false);
    m_tryButton->setToolTip(tr("Try the campaign as drafted (Ctrl+Return)"));

    auto *whenRow = new QHBoxLayout;
    m_atLabel = new QLabel(tr("Try a&t:"), this);
    m_atLabel->setBuddy(m_at);
    QLabel *atLabel = m_atLabel;
    whenRow->addWidget(atLabel);
    whenRow->addWidget(m_at);
    whenRow->addWidget(m_atZone);
    whenRow->addWidget(m_nowButton);
    whenRow->addWidget(m_zone);
    whenRow->addStretch(1);
    whenRow->addWidget(m_saveCase);
    whenRow->addWidget(m_tryButton);

    // --- workspace mode: what to run, and with which codes and tiers ---
    m_operation->setObjectName(QStringLiteral("operation"));
    m_operation->addItem(tr("Qualify: everything the cart qualifies for"), int(Operation::Qualify));
    m_operation->addItem(tr("Validate the codes and tiers below"), int(Operation::Validate));
    m_operation->addItem(tr("Redeem the codes and tiers below"), int(Operation::Redeem));
    m_redeemables->setObjectName(QStringLiteral("redeemables"));
    m_redeemables->setPlaceholderText(tr("codes or tier ids, e.g. SPRING-7QX2 promo_spend_50"));
    m_redeemables->setClearButtonEnabled(true);
    m_zone->setObjectName(QStringLiteral("zone"));
    m_zone->setToolTip(tr("The time zone the clock is set in"));
    QStringList zones{QStringLiteral("UTC"), QString::fromUtf8(QTimeZone::systemTimeZoneId()), QStringLiteral("Europe/Dublin"),
                      QStringLiteral("Europe/London"), QStringLiteral("Europe/Berlin"), QStringLiteral("America/New_York"),
                      QStringLiteral("America/Los_Angeles"), QStringLiteral("Asia/Tokyo"), QStringLiteral("Australia/Sydney")};
    zones.removeDuplicates();
    m_zone->addItems(zones);
    m_zone->setVisible(false);
    m_saveCase->setObjectName(QStringLiteral("saveCase"));
    m_saveCase->setToolTip(tr("Keep this request and its outcome, to run again after campaigns change"));
    m_saveCase->setVisible(false);
    m_saveCase->setEnabled(false);
    auto *simulatorLayout = new QHBoxLayout(m_simulatorRow);
    simulatorLayout->setContentsMargins(0, 0, 0, 0);
    auto *operationLabel = new QLabel(tr("R&un:"), m_simulatorRow);
    operationLabel->setBuddy(m_operation);
    auto *redeemablesLabel = new QLabel(tr("Co&des and tiers:"), m_simulatorRow);
    redeemablesLabel->setBuddy(m_redeemables);
    simulatorLayout->addWidget(operationLabel);
    simulatorLayout->addWidget(m_operation);
    simulatorLayout->addSpacing(12);
    simulatorLayout->addWidget(redeemablesLabel);
    simulatorLayout->addWidget(m_redeemables, 1);
    m_simulatorRow->setVisible(false);
    connect(m_operation, &QComboBox::currentIndexChanged, this, [this] {
        m_redeemables->setEnabled(operation() != Operation::Qualify);
        scheduleRerun();
    });
    m_redeemables->setEnabled(false);
    connect(m_redeemables, &QLineEdit::returnPressed, this, &TryItPanel::run);
    connect(m_zone, &QComboBox::currentTextChanged, this, [this](const QString &zone) {
        if (m_mode != Mode::Workspace)
            return;
        const qint64 at = tryAtMs(); // the moment shown, before the zone changes
        m_draft.timezone = zone;
        if (m_fixedNow)
            m_fixedNow = at;
        showTryAt();
    });
    connect(m_saveCase, &QPushButton::clicked, this, &TryItPanel::saveCaseRequested);

    auto *inputs = new QWidget(this);
    auto *inputsLayout = new QVBoxLayout(inputs);
    inputsLayout->setContentsMargins(0, 0, 0, 0);
    inputsLayout->addWidget(customerBox);
    inputsLayout->addWidget(cartBox, 1);
    inputsLayout->addWidget(m_simulatorRow);
    inputsLayout->addLayout(whenRow);
    inputs->setMinimumWidth(digit * 54); // the cart's columns, with room for the product's name

    // --- result ---
    m_verdict->setObjectName(QStringLiteral("verdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont headline = m_verdict->font();
    headline.setBold(true);
    headline.setPointSizeF(headline.pointSizeF() * 1.25);
    m_verdict->setFont(headline);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setStyleSheet(colourStyle(mutedColour()));
    m_totals->setObjectName(QStringLiteral("totals"));
    m_totals->setWordWrap(true);

    m_lines->setObjectName(QStringLiteral("resultLines"));
    m_lines->setHorizontalHeaderLabels({tr("SKU"), tr("Qty"), tr("Amount"), tr("Discount"), tr("After")});
    m_lines->verticalHeader()->hide();
    m_lines->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_lines->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_lines->setAlternatingRowColors(true);
    m_lines->horizontalHeader()->setSectionResizeMode(LineSku, QHeaderView::Stretch);
    for (int c = LineQuantity; c < LineColumns; ++c)
        m_lines->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_lines->setMinimumHeight(m_lines->verticalHeader()->defaultSectionSize() * 4);

    m_explain->setObjectName(QStringLiteral("explain"));
    m_explain->setHeaderLabels({tr("Why"), tr("Seen"), tr("Would pass with")});
    m_explain->setUniformRowHeights(true);
    m_explain->setAlternatingRowColors(true);
    m_explain->header()->setStretchLastSection(false);
    m_explain->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_explain->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_explain->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_explain->setMinimumHeight(m_explain->fontMetrics().height() * 6);

    auto *resultSplit = new QSplitter(Qt::Vertical, this);
    resultSplit->setChildrenCollapsible(false);
    resultSplit->addWidget(m_lines);
    resultSplit->addWidget(m_explain);
    resultSplit->setStretchFactor(0, 2);
    resultSplit->setStretchFactor(1, 3);

    auto *resultBox = new QGroupBox(tr("Result"), this);
    auto *resultLayout = new QVBoxLayout(resultBox);
    resultLayout->addWidget(m_verdict);
    resultLayout->addWidget(m_status);
    resultLayout->addWidget(m_totals);
    resultLayout->addWidget(resultSplit, 1);
    resultBox->setMinimumWidth(digit * 40);

    auto *split = new QSplitter(Qt::Horizontal, this);
    m_split = split;
    split->setChildrenCollapsible(false);
    split->addWidget(inputs);
    split->addWidget(resultBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    // --- behaviour ---
    m_rerunTimer->setSingleShot(true);
    m_rerunTimer->setInterval(RerunDelayMs);
    connect(m_rerunTimer, &QTimer::timeout, this, &TryItPanel::run);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(SearchDelayMs);
    connect(m_searchTimer, &QTimer::timeout, this, &TryItPanel::searchCustomers);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer->start(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        // Enter picks the only (or first) match.
        m_searchTimer->stop();
        for (int i = 0; i < m_matches->count(); ++i) {
            QListWidgetItem *item = m_matches->item(i);
            if ((item->flags() & Qt::ItemIsEnabled) && !item->data(CustomerIdRole).toString().isEmpty()) {
                pickMatch(item);
                return;
            }
        }
    });
    connect(m_matches, &QListWidget::itemClicked, this, &TryItPanel::pickMatch);
    connect(m_matches, &QListWidget::itemActivated, this, &TryItPanel::pickMatch);
    connect(m_addLine, &QPushButton::clicked, this, [this] {
        const int row = addCartRow(Engine::OrderItem{{}, {}, {}, 1, 0});
        if (QWidget *sku = m_cart->cellWidget(row, CartSku))
            sku->setFocus();
        cartChanged();
    });
    connect(m_removeLine, &QPushButton::clicked, this, [this] {
        if (m_cart->rowCount() == 0)
            return;
        // The line being edited (a cell widget has the focus), else the selected one, else the last.
        int row = -1;
        const QWidget *focus = QApplication::focusWidget();
        for (int r = 0; r < m_cart->rowCount() && row < 0 && focus; ++r) {
            for (int c = 0; c < CartColumns; ++c) {
                const QWidget *cell = m_cart->cellWidget(r, c);
                if (cell && (cell == focus || cell->isAncestorOf(focus))) {
                    row = r;
                    break;
                }
            }
        }
        if (row < 0)
            row = m_cart->currentRow();
        if (row < 0 || row >= m_cart->rowCount())
            row = m_cart->rowCount() - 1;
        m_cart->removeRow(row);
        cartChanged();
    });
    connect(m_shipping, &MoneyEdit::centsChanged, this, &TryItPanel::cartChanged);
    connect(m_channel, &QComboBox::currentTextChanged, this, &TryItPanel::cartChanged);
    connect(m_at, &QDateTimeEdit::dateTimeChanged, this, &TryItPanel::tryAtEdited);
    connect(m_nowButton, &QToolButton::clicked, this, [this] { setNow(std::nullopt); });
    connect(m_tryButton, &QPushButton::clicked, this, &TryItPanel::run);
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &TryItPanel::run);
    }
}

// --- public API -----------------------------------------------------------------------

void TryItPanel::setMode(Mode mode)
{
    m_mode = mode;
    const bool workspace = mode == Mode::Workspace;
    m_simulatorRow->setVisible(workspace);
    m_zone->setVisible(workspace);
    m_saveCase->setVisible(workspace);
    m_tryButton->setText(workspace ? tr("&Run") : tr("&Try"));
    m_atLabel->setText(workspace ? tr("Cl&ock:") : tr("Try a&t:"));
    // Every campaign's explanation needs room: the result gets more of the width.
    m_split->setStretchFactor(0, workspace ? 2 : 1);
    m_split->setStretchFactor(1, workspace ? 3 : 1);
    m_tryButton->setToolTip(workspace ? tr("Run against every campaign of the workspace (Ctrl+Return)")
                                      : tr("Try the campaign as drafted (Ctrl+Return)"));
    if (workspace) {
        m_draft = Engine::Campaign{};
        m_draft.timezone = m_zone->currentText();
        m_at->setToolTip(tr("The moment to run at, in the zone beside it"));
    }
    clearResult();
    showTryAt();
}

TryItPanel::Operation TryItPanel::operation() const
{
    return Operation(m_operation->currentData().toInt());
}

void TryItPanel::setOperation(Operation operation)
{
    m_operation->setCurrentIndex(std::max(0, m_operation->findData(int(operation))));
}

void TryItPanel::setRedeemables(const QString &text)
{
    m_redeemables->setText(text);
}

void TryItPanel::setZone(const QString &iana)
{
    if (m_zone->findText(iana) < 0)
        m_zone->addItem(iana);
    m_zone->setCurrentText(iana);
}

void TryItPanel::setWorkspace(const QString &path)
{
    m_path = path;
    // Nothing asked of the old workspace is wanted now.
    ++m_generation;
    ++m_workspaceGeneration;
    ++m_searchGeneration;
    ++m_customerGeneration;
    m_runPending = false;
    m_searchPending = false;
    m_rerunTimer->stop();
    m_hasResult = false;
    m_catalogue.clear();
    m_catalogueLoaded = false;
    m_skuModel->clear();
    clearResult();
    m_message->clear();
    if (m_path.isEmpty())
        m_message->setText(tr("No workspace is open. Open or create one to try campaigns against its customers "
                              "and catalogue."));
    m_message->setVisible(!m_message->text().isEmpty());
    updateEnabled();
    for (int row = 0; row < m_cart->rowCount(); ++row)
        refreshCartRow(row);
    refreshCartTotal();
    if (m_path.isEmpty())
        return;
    loadCatalogue();
    resolveCustomer();
    if (!m_search->text().trimmed().isEmpty())
        m_searchTimer->start();
}

void TryItPanel::setCampaign(const Engine::Campaign &draft)
{
    m_draft = draft;
    showTryAt();
    scheduleRerun();
}

void TryItPanel::setNow(std::optional<qint64> utcMs)
{
    m_fixedNow = utcMs;
    showTryAt();
    scheduleRerun();
}

void TryItPanel::setCustomer(const QString &idOrSourceId)
{
    const QString customer = idOrSourceId.trimmed();
    if (customer == m_customer && m_customerResolved)
        return;
    m_customer = customer;
    m_customerSummary = {};
    resolveCustomer();
    scheduleRerun();
}

void TryItPanel::setCart(const QList<Engine::OrderItem> &items)
{
    m_filling = true;
    m_cart->setRowCount(0);
    for (const Engine::OrderItem &item : items)
        addCartRow(item);
    m_filling = false;
    cartChanged();
}

QList<Engine::OrderItem> TryItPanel::cart() const
{
    QList<Engine::OrderItem> items;
    for (int row = 0; row < m_cart->rowCount(); ++row) {
        const auto *sku = qobject_cast<const QLineEdit *>(m_cart->cellWidget(row, CartSku));
        const auto *quantity = qobject_cast<const QSpinBox *>(m_cart->cellWidget(row, CartQuantity));
        const auto *price = qobject_cast<const MoneyEdit *>(m_cart->cellWidget(row, CartPrice));
        if (!sku || !quantity || !price)
            continue;
        Engine::OrderItem item;
        item.sku = skuOf(sku->text());
        if (item.sku.isEmpty())
            continue;
        item.quantity = quantity->value();
        const auto known = m_catalogue.constFind(item.sku);
        item.price = known != m_catalogue.constEnd() ? known->price : price->cents();
        items.append(item);
    }
    return items;
}

void TryItPanel::run()
{
    m_rerunTimer->stop();
    ++m_generation;
    if (m_path.isEmpty()) {
        m_runPending = false;
        showError(tr("No workspace is open: there are no customers or catalogue to try the campaign against."));
        emit finished();
        return;
    }
    if (m_running) {
        m_runPending = true; // the answer under way is stale; ask again when it is in
        setStatus(tr("Trying…"));
        return;
    }
    launchRun();
}

bool TryItPanel::isRunning() const
{
    return m_running || m_runPending || m_rerunTimer->isActive();
}

// --- running ----------------------------------------------------------------------------

void TryItPanel::scheduleRerun()
{
    if (m_filling)
        return;
    // Only keep up a result the marketer has asked for; the first run is theirs to start.
    if (!m_hasResult && !m_running && !m_runPending)
        return;
    // The simulator re-runs a qualification by itself; a validation (logged) or a
    // redemption (written) only when asked.
    if (m_mode == Mode::Workspace && operation() != Operation::Qualify) {
        setStatus(tr("Changed: press Run to run again"));
        return;
    }
    ++m_generation; // what is under way now answers an older question
    m_rerunTimer->start();
    setStatus(tr("Updating…"));
}

void TryItPanel::launchRun()
{
    const quint64 generation = m_generation;
    Engine::Request request;
    request.customer = m_customer;
    request.order.items = cart();
    request.order.shipping = m_shipping->cents();
    request.order.channel = m_channel->currentText().trimmed();
    request.now = m_fixedNow ? *m_fixedNow : Store::nowMs();
    if (!m_fixedNow)
        showTryAt();
    request.explain = true;

    m_running = true;
    setStatus(tr("Trying…"));
    updateEnabled();
    // Its own connection: a SQLite connection belongs to the thread that uses it.
    const bool workspace = m_mode == Mode::Workspace;
    const Operation op = operation();
    const QStringList tokens = m_redeemables->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    auto sent = std::make_shared<Engine::Request>(request);
    auto job = [path = m_path, draft = m_draft, request, workspace, op, tokens, sent]() -> Result<Engine::Validation> {
        // A redemption is written, a validation logged; a qualification reads only.
        const bool writes = workspace && op != Operation::Qualify;
        auto connection = writes ? Store::Workspace::openForWriting(path)
                                 : Store::Connection::open(path, Store::Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        Engine::CampaignEngine engine(*connection.value());
        if (!workspace)
            return engine.tryCampaign(draft, request);
        // A typed id that names a promotion tier of the workspace is that tier; the rest are codes.
        Engine::Request r = request;
        if (op != Operation::Qualify) {
            auto campaigns = engine.store().loadCampaigns();
            if (!campaigns)
                return campaigns.error();
            QSet<QString> tiers;
            for (const Engine::Campaign &c : campaigns.value()) {
                for (const Engine::Tier &t : c.tiers)
                    tiers.insert(t.id);
            }
            for (const QString &token : tokens) {
                Engine::Redeemable redeemable;
                redeemable.object = tiers.contains(token) ? Engine::Redeemable::Object::PromotionTier : Engine::Redeemable::Object::Voucher;
                redeemable.id = token;
                r.redeemables.append(redeemable);
            }
            if (r.redeemables.isEmpty())
                return Error{QStringLiteral("type the codes or tier ids to %1").arg(op == Operation::Redeem ? QStringLiteral("redeem")
                                                                                                          : QStringLiteral("validate")),
                             QStringLiteral("codes and tiers")};
        }
        // A read-only look (the cart being edited) exposes nobody to an experiment.
        r.recordExposure = writes;
        *sent = r;
        return op == Operation::Qualify ? engine.qualify(r) : op == Operation::Validate ? engine.validate(r) : engine.redeem(r);
    };
    // A watcher reports through the event loop, even for a run done before this line.
    auto *watcher = new QFutureWatcher<Result<Engine::Validation>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, sent, op] {
        watcher->deleteLater();
        m_running = false;
        if (m_runPending) {
            m_runPending = false;
            launchRun();
            return;
        }
        updateEnabled();
        if (generation != m_generation)
            return; // a newer run is asked for (a debounced one is waiting)
        if (m_mode == Mode::Workspace && watcher->result()) {
            Engine::Request r = *sent;
            r.explain = false; // a case asks for the outcome; the trace is shown anyway
            m_lastRequest = Engine::requestToJson(r);
            m_lastOperation = QStringList{QStringLiteral("qualify"), QStringLiteral("validate"), QStringLiteral("redeem")}.value(int(op));
            m_saveCase->setEnabled(true);
        }
        applyResult(watcher->result());
        emit finished();
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
}

void TryItPanel::clearResult()
{
    m_verdictText.clear();
    m_applies = false;
    m_verdict->setText(m_mode == Mode::Workspace
                           ? tr("Pick a customer, fill the cart and press Run to see what every campaign does with it.")
                           : tr("Pick a customer, fill the cart and press Try to see whether this campaign applies."));
    m_verdict->setStyleSheet(colourStyle(mutedColour()));
    setStatus(QString());
    m_totals->clear();
    m_totals->hide();
    m_lines->setRowCount(0);
    m_explain->clear();
}

void TryItPanel::setStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void TryItPanel::showError(const QString &message)
{
    clearResult();
    m_verdictText = message;
    m_verdict->setText(message);
    m_verdict->setStyleSheet(colourStyle(badColour()));
    m_hasResult = !m_path.isEmpty();
}

void TryItPanel::applyResult(const Result<Engine::Validation> &result)
{
    if (!result) {
        showError(m_mode == Mode::Workspace ? tr("Could not run: %1").arg(result.error().toString())
                                            : tr("Could not try the campaign: %1").arg(result.error().toString()));
        return;
    }
    clearResult();
    m_hasResult = true;
    const Engine::Validation &v = result.value();
    using Engine::Outcome;
    using Engine::RedeemableResult;

    // Every candidate in the draft's order: its tiers, then the code.
    QList<const RedeemableResult *> all;
    for (const QList<RedeemableResult> *list : {&v.applicable, &v.skipped, &v.inapplicable}) {
        for (const RedeemableResult &r : *list)
            all.append(&r);
    }
    QList<bool> tierTaken(m_draft.tiers.size(), false);
    QHash<const RedeemableResult *, int> place;
    for (const RedeemableResult *r : all) {
        int at = int(m_draft.tiers.size()); // the code
        if (r->requested.object == Engine::Redeemable::Object::PromotionTier) {
            for (int i = 0; i < m_draft.tiers.size(); ++i) {
                if (!tierTaken[i] && m_draft.tiers[i].id == r->tierId) {
                    tierTaken[i] = true;
                    at = i;
                    break;
                }
            }
        }
        place.insert(r, at);
    }
    std::stable_sort(all.begin(), all.end(),
                     [&place](const RedeemableResult *a, const RedeemableResult *b) { return place[a] < place[b]; });

    // --- the headline ---
    const bool gift = m_draft.type == Engine::CampaignType::GiftVouchers;
    if (m_mode == Mode::Workspace) {
        m_applies = !v.applicable.isEmpty();
        const Engine::RedeemableResult *why = v.inapplicable.isEmpty() ? nullptr : &v.inapplicable.first();
        if (m_applies) {
            QStringList names;
            for (const RedeemableResult &r : v.applicable)
                names << (r.tierName.isEmpty() ? r.campaignName : r.tierName);
            m_verdictText = tr("%n applies: %1 off (%2)", nullptr, int(v.applicable.size()))
                                .arg(formatMoney(v.totalDiscount()), names.join(QStringLiteral(", ")));
            if (v.giftCredits > 0)
                m_verdictText += tr(", %1 of gift credit").arg(formatMoney(v.giftCredits));
            if (lastOperation() == QLatin1String("redeem"))
                m_verdictText = tr("Redeemed — ") + m_verdictText;
            if (!v.valid && why && lastOperation() != QLatin1String("qualify"))
                m_verdictText += tr(" — but %1 does not apply (%2)").arg(why->code.isEmpty() ? why->requested.id : why->code, why->failureKey);
        } else if (why) {
            m_verdictText = tr("Nothing applies — %1: %2").arg(why->failureKey, why->message);
        } else {
            m_verdictText = tr("Nothing applies: no running campaign offers anything for this cart");
        }
    } else if (!v.applicable.isEmpty()) {
        const RedeemableResult &best = v.applicable.first();
        m_applies = true;
        m_verdictText = gift ? tr("Applies: %1 of gift credit").arg(formatMoney(v.giftCredits))
                             : tr("Applies: %1 off").arg(formatMoney(v.totalDiscount()));
        if (!best.tierId.isEmpty())
            m_verdictText += tr(" — tier “%1”").arg(best.tierName.isEmpty() ? best.tierId : best.tierName);
        if (!v.addedItems.isEmpty()) {
            qint64 units = 0;
            for (const Engine::OrderItem &item : v.addedItems)
                units += item.quantity;
            m_verdictText += units == 1 ? tr(" (1 free item added)") : tr(" (%1 free items added)").arg(units);
        }
    } else {
        const RedeemableResult *why = nullptr;
        for (const RedeemableResult *r : all) {
            if (r->outcome == Outcome::Inapplicable) {
                why = r;
                break;
            }
        }
        if (!why && !all.isEmpty())
            why = all.first();
        m_verdictText = why ? tr("Does not apply — %1: %2").arg(why->failureKey, why->message)
                            : tr("Does not apply — there is nothing to try: a promotion needs at least one tier");
    }
    m_verdict->setText(m_verdictText);
    m_verdict->setStyleSheet(colourStyle(m_applies ? goodColour() : badColour()));

    // --- the lines ---
    const int requested = int(v.order.items.size() - v.addedItems.size());
    for (int i = 0; i < v.order.items.size(); ++i) {
        const Engine::OrderItem &item = v.order.items[i];
        const qint64 discount = v.lineDiscounts.value(i);
        const bool added = i >= requested;
        const int row = m_lines->rowCount();
        m_lines->insertRow(row);
        QString name = item.sku.isEmpty() ? item.product : item.sku;
        if (added)
            name = tr("+ %1 (free, added)").arg(name);
        auto *sku = textItem(name);
        const auto known = m_catalogue.constFind(item.sku);
        if (known != m_catalogue.constEnd())
            sku->setToolTip(known->productName);
        if (added)
            sku->setForeground(goodColour());
        m_lines->setItem(row, LineSku, sku);
        m_lines->setItem(row, LineQuantity, numberItem(item.quantity));
        m_lines->setItem(row, LineAmount, moneyItem(item.amount()));
        auto *off = moneyItem(discount);
        if (discount > 0)
            off->setForeground(goodColour());
        m_lines->setItem(row, LineDiscount, off);
        m_lines->setItem(row, LineAfter, moneyItem(item.amount() - discount));
    }
    if (v.order.shipping > 0 || v.shippingDiscount > 0) {
        const int row = m_lines->rowCount();
        m_lines->insertRow(row);
        m_lines->setItem(row, LineSku, textItem(tr("Shipping")));
        m_lines->setItem(row, LineQuantity, textItem(QString()));
        m_lines->setItem(row, LineAmount, moneyItem(v.order.shipping));
        auto *off = moneyItem(v.shippingDiscount);
        if (v.shippingDiscount > 0)
            off->setForeground(goodColour());
        m_lines->setItem(row, LineDiscount, off);
        m_lines->setItem(row, LineAfter, moneyItem(v.order.shipping - v.shippingDiscount));
    }
    if (v.order.items.isEmpty()) {
        m_lines->insertRow(0);
        auto *empty = textItem(tr("The cart is empty"));
        empty->setForeground(mutedColour());
        m_lines->setItem(0, LineSku, empty);
    }

    QStringList totals;
    totals << tr("Cart %1").arg(formatMoney(v.amount()));
    if (v.order.shipping > 0)
        totals << tr("shipping %1").arg(formatMoney(v.order.shipping));
    totals << tr("discount %1").arg(formatMoney(v.itemsDiscount));
    if (v.shippingDiscount > 0)
        totals << tr("shipping discount %1").arg(formatMoney(v.shippingDiscount));
    if (v.giftCredits > 0)
        totals << tr("gift credit %1").arg(formatMoney(v.giftCredits));
    totals << tr("to pay <b>%1</b>").arg(formatMoney(v.totalAmount()));
    QString who = v.customerKey ? m_customerSummary.name.toHtmlEscaped() : tr("a guest");
    if (v.customerKey && who.isEmpty())
        who = m_customer.toHtmlEscaped();
    m_totals->setText(totals.join(QStringLiteral(" · ")) + QStringLiteral("<br>")
                      + tr("<span style='color:%1'>For %2, at %3 (%4)</span>")
                            .arg(mutedColour().name(), who,
                                 QDateTime::fromMSecsSinceEpoch(v.now, m_draft.zone().isValid() ? m_draft.zone()
                                                                                                  : QTimeZone::utc())
                                     .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                 m_draft.zone().isValid() ? m_draft.timezone : QStringLiteral("UTC")));
    m_totals->show();

    // --- the explanation ---
    const QString ruleText = m_draft.eligibility.rule ? Rules::print(*m_draft.eligibility.rule) : QString();
    bool anyHint = false;
    for (const RedeemableResult *r : all) {
        const int at = place.value(r);
        const Engine::Tier *tier = at < m_draft.tiers.size() ? &m_draft.tiers[at] : nullptr;
        QString what;
        if (m_mode == Mode::Workspace) {
            const QString campaign = r->campaignName.isEmpty() ? r->requested.id : r->campaignName;
            if (!r->tierId.isEmpty())
                what = tr("“%1”, tier “%2”").arg(campaign, r->tierName.isEmpty() ? r->tierId : r->tierName);
            else if (!r->code.isEmpty() || !r->requested.id.isEmpty())
                what = tr("“%1”, code %2").arg(campaign, r->code.isEmpty() ? r->requested.id : r->code);
            else
                what = tr("“%1”").arg(campaign);
        } else if (tier)
            what = tr("Tier %1 “%2”").arg(at + 1).arg(tier->name.isEmpty() ? tier->id : tier->name);
        else
            what = r->code.isEmpty() ? tr("Code") : tr("Code %1").arg(r->code);
        QString text;
        QColor colour;
        switch (r->outcome) {
        case Outcome::Applicable:
            colour = goodColour();
            text = r->giftCredits > 0 ? tr("✓ %1 applies: %2 of gift credit").arg(what, formatMoney(r->giftCredits))
                                      : tr("✓ %1 applies: %2 off (%3)")
                                            .arg(what, formatMoney(r->applied.total), Engine::describeDiscount(r->discount));
            break;
        case Outcome::Skipped:
            colour = mutedColour();
            text = tr("– %1 is left out").arg(what);
            break;
        case Outcome::Inapplicable:
            colour = badColour();
            text = tr("✗ %1 does not apply").arg(what);
            break;
        }
        auto *top = new QTreeWidgetItem(m_explain, {text});
        top->setForeground(0, colour);
        top->setToolTip(0, text);
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        top->setFirstColumnSpanned(true);
        if (r->outcome != Outcome::Applicable) {
            // Why, in Voucherify's key and the campaign's own words, on a line of its own
            // so that a long message is not cut short by the headline.
            const QString reason = QStringLiteral("%1: %2").arg(r->failureKey, r->message);
            auto *item = new QTreeWidgetItem(top, {reason});
            item->setFirstColumnSpanned(true);
            item->setToolTip(0, reason);
            item->setForeground(0, colour);
            QFont italic = item->font(0);
            italic.setItalic(true);
            item->setFont(0, italic);
        }

        if (!r->trace.isEmpty()) {
            // The trace is flat with depths; nest it.
            QList<QTreeWidgetItem *> parents{top};
            for (const Rules::TraceLine &line : r->trace) {
                const int depth = std::max(0, line.depth);
                while (parents.size() > depth + 1)
                    parents.removeLast();
                QTreeWidgetItem *parent = parents.last();
                auto *item = new QTreeWidgetItem(parent, {(line.passed ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + line.text,
                                                          line.actual, line.hint});
                item->setForeground(0, line.passed ? goodColour() : badColour());
                item->setToolTip(0, line.text);
                item->setToolTip(1, line.actual);
                item->setToolTip(2, line.hint);
                anyHint = anyHint || !line.hint.isEmpty();
                parents.append(item);
            }
        } else if (r->outcome != Outcome::Inapplicable && m_mode == Mode::Draft) {
            // The engine explains failures; a rule that held is shown as written.
            QStringList held;
            if (!ruleText.isEmpty())
                held << ruleText;
            if (tier && tier->eligibility.rule)
                held << Rules::print(*tier->eligibility.rule);
            if (held.isEmpty()) {
                auto *item = new QTreeWidgetItem(top, {tr("No rules: every customer and cart qualifies")});
                item->setForeground(0, mutedColour());
            }
            for (const QString &rule : held) {
                auto *item = new QTreeWidgetItem(top, {tr("✓ %1").arg(rule), tr("holds")});
                item->setForeground(0, goodColour());
                item->setToolTip(0, rule);
            }
        }
    }
    if (all.isEmpty()) {
        auto *item = new QTreeWidgetItem(m_explain, {m_mode == Mode::Workspace ? tr("No campaign had anything to say about this cart")
                                                                               : tr("Nothing to try: add a tier to the promotion")});
        item->setFirstColumnSpanned(true);
    }
    m_explain->setColumnHidden(2, !anyHint);
    m_explain->expandAll();
}

void TryItPanel::updateEnabled()
{
    const bool open = !m_path.isEmpty();
    for (QWidget *w : {static_cast<QWidget *>(m_search), static_cast<QWidget *>(m_matches),
                       static_cast<QWidget *>(m_cart), static_cast<QWidget *>(m_addLine),
                       static_cast<QWidget *>(m_removeLine), static_cast<QWidget *>(m_shipping),
                       static_cast<QWidget *>(m_channel), static_cast<QWidget *>(m_at),
                       static_cast<QWidget *>(m_tryButton)})
        w->setEnabled(open);
    m_nowButton->setEnabled(open && m_fixedNow.has_value());
}

// --- the catalogue ------------------------------------------------------------------------

void TryItPanel::loadCatalogue()
{
    const quint64 generation = m_workspaceGeneration;
    auto job = [path = m_path]() -> Result<QList<Store::CatalogueSku>> {
        // Refuses a file that is not a workspace, with a message that says so.
        if (auto info = Store::Workspace::inspect(path); !info)
            return info.error();
        auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        return Store::catalogueSkus(*connection.value(), SkuLimit);
    };
    auto *watcher = new QFutureWatcher<Result<QList<Store::CatalogueSku>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_workspaceGeneration)
            return;
        const Result<QList<Store::CatalogueSku>> result = watcher->result();
        if (!result) {
            m_message->setText(tr("Cannot read the workspace: %1").arg(result.error().toString()));
            m_message->show();
            return;
        }
        m_catalogue.clear();
        m_skuModel->clear();
        for (const Store::CatalogueSku &sku : result.value()) {
            m_catalogue.insert(sku.sku, sku);
            QString text = sku.sku + Separator + sku.productName;
            if (!sku.category.isEmpty())
                text += QStringLiteral(" (%1)").arg(sku.category);
            auto *item = new QStandardItem(text);
            item->setData(sku.sku, SkuRole);
            item->setToolTip(formatMoney(sku.price));
            m_skuModel->appendRow(item);
        }
        m_catalogueLoaded = true;
        for (int row = 0; row < m_cart->rowCount(); ++row)
            refreshCartRow(row);
        refreshCartTotal();
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
}

// --- the customer -----------------------------------------------------------------------

void TryItPanel::searchCustomers()
{
    ++m_searchGeneration;
    const QString text = m_search->text().trimmed();
    if (text.isEmpty() || m_path.isEmpty()) {
        m_searchPending = false;
        showMatches({}, QString());
        return;
    }
    if (m_searching) {
        m_searchPending = true;
        return;
    }
    launchSearch();
}

void TryItPanel::launchSearch()
{
    const quint64 generation = m_searchGeneration;
    const QString text = m_search->text().trimmed();
    m_searching = true;
    auto job = [path = m_path, text]() -> Result<QList<Store::CustomerRow>> {
        auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        Store::CustomerRepository customers(*connection.value());
        Store::CustomerQuery query;
        query.search = text;
        query.fullScan = text.size() > ShortSearch;
        return customers.pageAfter(query, std::nullopt, MatchLimit);
    };
    auto *watcher = new QFutureWatcher<Result<QList<Store::CustomerRow>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, text] {
        watcher->deleteLater();
        m_searching = false;
        if (m_searchPending) {
            m_searchPending = false;
            launchSearch();
            return;
        }
        if (generation != m_searchGeneration)
            return;
        const Result<QList<Store::CustomerRow>> result = watcher->result();
        if (!result) {
            showMatches({}, text);
            auto *item = new QListWidgetItem(tr("Search failed: %1").arg(result.error().toString()), m_matches);
            item->setFlags(Qt::NoItemFlags);
            item->setForeground(badColour());
            return;
        }
        showMatches(result.value(), text);
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
}

void TryItPanel::showMatches(const QList<Store::CustomerRow> &rows, const QString &text)
{
    m_matches->clear();
    auto *guest = new QListWidgetItem(tr("Guest (no customer)"), m_matches);
    guest->setData(CustomerIdRole, QString());
    guest->setToolTip(tr("An anonymous shopper: rules about the customer see nothing"));
    for (const Store::CustomerRow &row : rows) {
        QStringList parts{row.name.isEmpty() ? row.id : row.name};
        if (!row.email.isEmpty())
            parts << row.email;
        if (!row.country.isEmpty())
            parts << row.country;
        parts << row.id;
        auto *item = new QListWidgetItem(parts.join(QStringLiteral(" · ")), m_matches);
        item->setData(CustomerIdRole, row.id);
        item->setToolTip(row.sourceId.isEmpty() ? row.id : tr("%1, source id %2").arg(row.id, row.sourceId));
    }
    if (!text.isEmpty() && rows.isEmpty()) {
        auto *none = new QListWidgetItem(tr("No customer matches “%1”").arg(text), m_matches);
        none->setFlags(Qt::NoItemFlags);
    } else if (rows.size() >= MatchLimit) {
        auto *more = new QListWidgetItem(tr("Showing the first %1 — type more to narrow the search").arg(MatchLimit),
                                         m_matches);
        more->setFlags(Qt::NoItemFlags);
    }
}

void TryItPanel::pickMatch(QListWidgetItem *item)
{
    if (!item || !(item->flags() & Qt::ItemIsEnabled))
        return;
    setCustomer(item->data(CustomerIdRole).toString());
}

void TryItPanel::resolveCustomer()
{
    const quint64 generation = ++m_customerGeneration;
    m_customerSummary = {};
    if (m_customer.isEmpty() || m_path.isEmpty()) {
        m_customerResolved = true;
        showCustomer();
        return;
    }
    m_customerResolved = false;
    showCustomer();
    auto job = [path = m_path, customer = m_customer]() -> Result<CustomerSummary> {
        auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
        if (!connection)
            return connection.error();
        Store::CampaignStore store(*connection.value());
        auto found = store.findCustomer(customer);
        if (!found)
            return found.error();
        CustomerSummary summary;
        if (!found.value())
            return summary;
        auto facts = store.customerFacts(*found.value());
        if (!facts)
            return facts.error();
        const QHash<QString, Rules::Value> &a = facts.value().facts.attributes;
        auto text = [&a](const char *key) {
            const Rules::Value value = a.value(QLatin1String(key));
            return !value.isUnknown() && value.type() == Rules::Type::String ? value.asString() : QString();
        };
        summary.found = true;
        summary.id = text("customer.id");
        summary.sourceId = text("customer.source_id");
        summary.name = text("customer.name");
        summary.email = text("customer.email");
        summary.country = text("customer.country");
        summary.tier = text("customer.loyalty_tier");
        return summary;
    };
    auto *watcher = new QFutureWatcher<Result<CustomerSummary>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_customerGeneration)
            return;
        m_customerResolved = true;
        const Result<CustomerSummary> result = watcher->result();
        if (!result) {
            const QString error = result.error().toString().toHtmlEscaped();
            m_customerInfo->setText(QStringLiteral("<span style='color:%1'>%2<br>%3</span>")
                                        .arg(badColour().name(),
                                             tr("Cannot look up “%1”:").arg(m_customer.toHtmlEscaped()), error));
            m_customerInfo->setToolTip(error);
            return;
        }
        m_customerSummary = result.value();
        showCustomer();
    });
    watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
}

void TryItPanel::showCustomer()
{
    m_customerInfo->setToolTip(QString());
    if (m_customer.isEmpty()) {
        m_customerInfo->setText(tr("<b>Guest</b> (no customer)<br>Rules about the customer see nothing."));
        return;
    }
    if (!m_customerResolved) {
        m_customerInfo->setText(tr("Looking up “%1”…").arg(m_customer.toHtmlEscaped()));
        return;
    }
    const CustomerSummary &c = m_customerSummary;
    if (!c.found) {
        m_customerInfo->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                                    .arg(badColour().name(),
                                         tr("No customer “%1” in this workspace:<br>it is tried as a guest.")
                                             .arg(m_customer.toHtmlEscaped())));
        return;
    }
    QStringList ids{c.id};
    if (!c.sourceId.isEmpty())
        ids << tr("source id %1").arg(c.sourceId);
    QStringList details;
    if (!c.email.isEmpty())
        details << c.email.toHtmlEscaped();
    details << tr("country %1").arg(c.country.isEmpty() ? tr("unknown") : c.country.toHtmlEscaped());
    details << tr("tier %1").arg(c.tier.isEmpty() ? tr("none") : c.tier.toHtmlEscaped());
    m_customerInfo->setText(QStringLiteral("<b>%1</b> · %2<br>%3")
                                .arg((c.name.isEmpty() ? c.id : c.name).toHtmlEscaped(),
                                     ids.join(QStringLiteral(" · ")).toHtmlEscaped(), details.join(QStringLiteral(" · "))));
    m_customerInfo->setToolTip(m_customerInfo->text()); // in case a long email is cut off
}

// --- the cart -------------------------------------------------------------------------------

int TryItPanel::addCartRow(const Engine::OrderItem &item)
{
    const int row = m_cart->rowCount();
    m_cart->insertRow(row);

    auto *sku = new QLineEdit(m_cart);
    sku->setObjectName(QStringLiteral("sku"));
    sku->setPlaceholderText(tr("SKU id"));
    sku->setFrame(false);
    auto *completer = new QCompleter(m_skuModel, sku);
    completer->setCompletionRole(Qt::DisplayRole);
    completer->setFilterMode(Qt::MatchContains);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setMaxVisibleItems(12);
    sku->setCompleter(completer);
    // The line edit takes the whole "sku — product" text (its connection is older than
    // this one, so it runs first); keep only the id.
    connect(completer, qOverload<const QString &>(&QCompleter::activated), sku,
            [sku](const QString &text) { sku->setText(skuOf(text)); });
    connect(sku, &QLineEdit::editingFinished, sku, [sku] {
        const QString id = skuOf(sku->text());
        if (id != sku->text())
            sku->setText(id);
    });

    auto *quantity = new QSpinBox(m_cart);
    quantity->setObjectName(QStringLiteral("quantity"));
    quantity->setRange(1, 9999);
    quantity->setFrame(false);
    quantity->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    quantity->setValue(int(std::clamp<qint64>(item.quantity, 1, 9999)));

    auto *price = new MoneyEdit(m_cart);
    price->setObjectName(QStringLiteral("price"));
    price->setFrame(false);
    price->setCents(item.price);

    m_cart->setCellWidget(row, CartSku, sku);
    m_cart->setCellWidget(row, CartQuantity, quantity);
    m_cart->setCellWidget(row, CartPrice, price);
    m_cart->setItem(row, CartProduct, textItem(QString()));
    m_cart->setItem(row, CartTotal, moneyItem(0));

    {
        const QSignalBlocker block(sku);
        sku->setText(item.sku);
    }

    // Signals find their row when they fire: rows above may have been removed since.
    auto rowOf = [this](const QWidget *cell, int column) {
        for (int r = 0; r < m_cart->rowCount(); ++r) {
            if (m_cart->cellWidget(r, column) == cell)
                return r;
        }
        return -1;
    };
    connect(sku, &QLineEdit::textChanged, this, [this, sku, rowOf] {
        if (const int r = rowOf(sku, CartSku); r >= 0)
            refreshCartRow(r);
        cartChanged();
    });
    connect(quantity, &QSpinBox::valueChanged, this, [this, quantity, rowOf] {
        if (const int r = rowOf(quantity, CartQuantity); r >= 0)
            refreshCartRow(r);
        cartChanged();
    });
    connect(price, &MoneyEdit::centsChanged, this, [this, price, rowOf] {
        if (m_filling)
            return;
        if (const int r = rowOf(price, CartPrice); r >= 0)
            refreshCartRow(r);
        cartChanged();
    });
    refreshCartRow(row);
    return row;
}

void TryItPanel::refreshCartRow(int row)
{
    auto *sku = qobject_cast<QLineEdit *>(m_cart->cellWidget(row, CartSku));
    auto *quantity = qobject_cast<QSpinBox *>(m_cart->cellWidget(row, CartQuantity));
    auto *price = qobject_cast<MoneyEdit *>(m_cart->cellWidget(row, CartPrice));
    QTableWidgetItem *product = m_cart->item(row, CartProduct);
    QTableWidgetItem *total = m_cart->item(row, CartTotal);
    if (!sku || !quantity || !price || !product || !total)
        return;
    const QString id = skuOf(sku->text());
    const auto known = m_catalogue.constFind(id);
    const bool filling = m_filling;
    m_filling = true;
    if (known != m_catalogue.constEnd()) {
        price->setCents(known->price);
        price->setEnabled(false);
        price->setToolTip(tr("The catalogue's price"));
        product->setText(known->productName);
        product->setToolTip(known->category.isEmpty() ? known->productName
                                                      : QStringLiteral("%1 (%2)").arg(known->productName, known->category));
        product->setForeground(palette().color(QPalette::Text));
        QFont font = product->font();
        font.setItalic(false);
        product->setFont(font);
    } else {
        price->setEnabled(!m_path.isEmpty());
        price->setToolTip(tr("Not in the catalogue: type the unit price"));
        product->setText(id.isEmpty() ? QString() : m_catalogueLoaded ? tr("not in the catalogue") : tr("…"));
        product->setToolTip(QString());
        product->setForeground(mutedColour());
        QFont font = product->font();
        font.setItalic(true);
        product->setFont(font);
    }
    m_filling = filling;
    const bool priceKnown = known != m_catalogue.constEnd() || price->cents() > 0 || m_catalogueLoaded;
    total->setText(priceKnown ? formatMoney(quantity->value() * price->cents()) : tr("…"));
}

void TryItPanel::refreshCartTotal()
{
    qint64 units = 0;
    qint64 amount = 0;
    bool pricesKnown = true;
    for (const Engine::OrderItem &item : cart()) {
        units += item.quantity;
        amount += item.amount();
        if (item.price == 0 && !m_catalogueLoaded)
            pricesKnown = false;
    }
    const QString count = units == 1 ? tr("1 item") : tr("%1 items").arg(units);
    m_cartTotal->setText(units == 0    ? tr("The cart is empty")
                         : pricesKnown ? tr("%1: <b>%2</b>").arg(count, formatMoney(amount))
                                       : tr("%1: prices from the catalogue…").arg(count));
}

void TryItPanel::cartChanged()
{
    if (m_filling)
        return;
    refreshCartTotal();
    scheduleRerun();
}

// --- when -----------------------------------------------------------------------------------

void TryItPanel::showTryAt()
{
    const QTimeZone zone = m_draft.zone();
    const QTimeZone shown = zone.isValid() ? zone : QTimeZone::utc();
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(m_fixedNow.value_or(Store::nowMs()), shown);
    {
        const QSignalBlocker block(m_at);
        m_at->setDateTime(QDateTime(local.date(), local.time(), QTimeZone::utc()));
    }
    showTryAtZone();
}

void TryItPanel::showTryAtZone()
{
    const QTimeZone zone = m_draft.zone();
    QString zoneText = zone.isValid() ? m_draft.timezone : tr("UTC (“%1” is not a known time zone)").arg(m_draft.timezone);
    if (!m_fixedNow)
        zoneText += tr(" · now");
    m_atZone->setText(zoneText);
    m_nowButton->setEnabled(!m_path.isEmpty() && m_fixedNow.has_value());
}

void TryItPanel::tryAtEdited()
{
    // The editor keeps what is being typed; only the label follows.
    m_fixedNow = tryAtMs();
    showTryAtZone();
    scheduleRerun();
}

qint64 TryItPanel::tryAtMs() const
{
    const QTimeZone zone = m_draft.zone().isValid() ? m_draft.zone() : QTimeZone::utc();
    const QDateTime wall = m_at->dateTime();
    return QDateTime(wall.date(), wall.time(), zone).toMSecsSinceEpoch();
}

} // namespace PromoDesk::Ui
