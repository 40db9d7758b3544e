#include "customerprofilepanel.h"

#include "common/money.h"
#include "store/tasks.h"

#include <QDateTime>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QScrollArea>
#include <QTabWidget>
#include <QTimeZone>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

namespace {

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString yesNo(bool granted)
{
    return granted ? QObject::tr("✔ granted") : QObject::tr("✘ not granted");
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

QTreeWidget *makeTree(const QStringList &headers, QWidget *parent)
{
    auto *tree = new QTreeWidget(parent);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(true);
    tree->setUniformRowHeights(true);
    tree->setAlternatingRowColors(true);
    tree->header()->setStretchLastSection(true);
    return tree;
}

} // namespace

CustomerProfilePanel::CustomerProfilePanel(QWidget *parent)
    : QWidget(parent), m_name(new QLabel(this)), m_subtitle(new QLabel(this)), m_status(new QLabel(this)),
      m_tabs(new QTabWidget(this)), m_form(new QFormLayout),
      m_orders(makeTree({tr("Order / item"), tr("Date (UTC)"), tr("Qty"), tr("Amount"), tr("Channel")}, this)),
      m_events(makeTree({tr("Event"), tr("Date (UTC)"), tr("Details")}, this))
{
    setObjectName(QStringLiteral("customerProfilePanel"));
    setMinimumWidth(380);
    QFont nameFont = m_name->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.4);
    nameFont.setBold(true);
    m_name->setFont(nameFont);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Close the profile (Esc)"));
    close->setAutoRaise(true);
    connect(close, &QToolButton::clicked, this, &CustomerProfilePanel::closeRequested);

    auto *titleRow = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->addWidget(m_name);
    titles->addWidget(m_subtitle);
    titleRow->addLayout(titles, 1);
    titleRow->addWidget(close, 0, Qt::AlignTop);

    auto *formHost = new QWidget;
    formHost->setLayout(m_form);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(formHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_tabs->addTab(scroll, tr("Profile"));
    m_tabs->addTab(m_orders, tr("Orders"));
    m_tabs->addTab(m_events, tr("Events"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(titleRow);
    layout->addWidget(m_status);
    layout->addWidget(m_tabs, 1);
}

void CustomerProfilePanel::setWorkspace(const QString &path, const QString &currency)
{
    m_path = path;
    m_currency = currency;
    m_customerId.clear();
    ++m_request;
    clearForm();
}

void CustomerProfilePanel::clearForm()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_orders->clear();
    m_events->clear();
    m_name->clear();
    m_subtitle->clear();
    m_tabs->setTabText(1, tr("Orders"));
    m_tabs->setTabText(2, tr("Events"));
}

void CustomerProfilePanel::showCustomer(const QString &customerId)
{
    if (m_path.isEmpty() || customerId.isEmpty())
        return;
    m_customerId = customerId;
    const quint64 request = ++m_request;
    m_loading = true;
    m_status->setText(tr("Loading %1…").arg(customerId));
    m_status->setVisible(true);

    auto *watcher = new QFutureWatcher<Result<Store::CustomerProfile>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, request] {
        apply(request, watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(m_tasks.track(Store::Tasks::customerProfile(m_path, customerId)));
}

void CustomerProfilePanel::addField(const QString &label, const QString &value)
{
    auto *field = new QLabel(value.isEmpty() ? tr("unknown") : value);
    field->setWordWrap(true);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse);
    field->setTextFormat(Qt::PlainText);
    m_form->addRow(label, field);
}

void CustomerProfilePanel::apply(quint64 request, const Result<Store::CustomerProfile> &result)
{
    if (request != m_request)
        return; // a newer customer was asked for meanwhile
    m_loading = false;
    clearForm();
    if (!result) {
        m_status->setText(tr("Could not load the customer: %1").arg(result.error().toString()));
        emit loaded(m_customerId);
        return;
    }
    m_status->setVisible(false);
    const Store::CustomerProfile &p = result.value();
    const Store::CustomerRow &r = p.row;
    const QLocale locale = QLocale::system();
    m_name->setText(r.name.isEmpty() ? r.id : r.name);
    m_subtitle->setText(QStringLiteral("%1 · %2").arg(r.id, r.email));

    addField(tr("Customer id"), r.id);
    addField(tr("Source id"), r.sourceId);
    addField(tr("Email"), r.email);
    addField(tr("Phone"), p.phone);
    addField(tr("Birthdate"), p.birthdate);
    addField(tr("Address"), QStringList{p.postalCode, r.city, r.country}.join(QStringLiteral(", ")));
    addField(tr("Signed up (UTC)"), timeText(r.createdAt));
    addField(tr("Loyalty tier"), p.loyaltyTier);
    addField(tr("Tags"), prettyJson(p.tags));
    addField(tr("Metadata"), prettyJson(p.metadata));
    addField(tr("Email consent"), yesNo(p.consentEmail));
    addField(tr("SMS consent"), yesNo(p.consentSms));
    addField(tr("Push consent"), yesNo(p.consentPush));
    addField(tr("Consents updated (UTC)"), p.consentsUpdatedAt ? timeText(*p.consentsUpdatedAt) : QString());
    addField(tr("Orders"), locale.toString(r.ordersCount));
    addField(tr("Total spent"), formatMoney(r.totalSpent, m_currency));
    addField(tr("Average order value"),
             r.ordersCount ? formatMoney((r.totalSpent + r.ordersCount / 2) / r.ordersCount, m_currency) : QString());
    addField(tr("Last order (UTC)"), r.lastOrderAt ? timeText(*r.lastOrderAt) : tr("no orders yet"));

    for (const Store::OrderSummary &order : p.orders) {
        auto *item = new QTreeWidgetItem(m_orders, {order.id, timeText(order.createdAt),
                                                    locale.toString(order.items.size()),
                                                    formatMoney(order.amount, m_currency), order.channel});
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        for (const Store::OrderItemLine &line : order.items) {
            auto *child = new QTreeWidgetItem(item, {line.productName + QStringLiteral(" (") + line.skuId + QLatin1Char(')'),
                                                     QString(), locale.toString(line.quantity),
                                                     formatMoney(line.amount, m_currency), QString()});
            child->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
            child->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    m_orders->resizeColumnToContents(0);
    const QString ordersTab = r.ordersCount > p.orders.size()
                                  ? tr("Orders (latest %1 of %2)").arg(p.orders.size()).arg(r.ordersCount)
                                  : tr("Orders (%1)").arg(p.orders.size());
    m_tabs->setTabText(1, ordersTab);

    for (const Store::CustomerEvent &event : p.events)
        new QTreeWidgetItem(m_events, {event.type, timeText(event.createdAt), prettyJson(event.metadata)});
    m_events->resizeColumnToContents(0);
    m_tabs->setTabText(2, tr("Events (%1)").arg(p.eventsCount));
    emit loaded(m_customerId);
}

} // namespace PromoDesk::Ui
