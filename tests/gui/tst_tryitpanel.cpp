// The campaign editor's "Try it" panel over a small workspace (an Irish and a French
// member, a three-SKU catalogue): an unsaved coupon that only the Irish member gets, a
// two-tier promotion showing the tier the cart reaches, free items and free shipping,
// a guest, stale answers dropped, the customer search and the cart editor driven by
// their widgets, "Try at" against a schedule, and errors shown in the panel. Rendered
// to PNG.

#include "engine/campaign.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "testsupport.h"
#include "widgets/moneyedit.h"
#include "widgets/tryitpanel.h"

#include <QApplication>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QTreeWidget>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Ui::TryItPanel;

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000LL;
// 2026-07-01 11:00 UTC, 12:00 in Dublin (summer time).
const qint64 T0 = QDateTime(QDate(2026, 7, 1), QTime(11, 0), QTimeZone::utc()).toMSecsSinceEpoch();

// Waits for the panel's answer to the run just asked for: exactly one `finished`, and
// nothing left running or scheduled.
#define RUN_AND_WAIT(panel)                                                                                      \
    do {                                                                                                        \
        QSignalSpy finishedSpy(&(panel), &TryItPanel::finished);                                                \
        (panel).run();                                                                                          \
        QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 30000);                                               \
        QVERIFY(!(panel).isRunning());                                                                          \
    } while (false)

Engine::OrderItem line(const QString &sku, qint64 quantity, qint64 price = 0)
{
    Engine::OrderItem item;
    item.sku = sku;
    item.quantity = quantity;
    item.price = price;
    return item;
}

Engine::Eligibility rule(const QString &text, const QString &message)
{
    auto eligibility = Engine::eligibilityFromText(text, message);
    if (!eligibility)
        qFatal("bad rule %s: %s", qPrintable(text), qPrintable(eligibility.error().toString()));
    return eligibility.value();
}

// An unsaved coupon draft: 10% off for Irish members.
Engine::Campaign irishCoupon()
{
    Engine::Campaign c;
    c.name = u"Irish 10%"_s;
    c.type = Engine::CampaignType::DiscountCoupons;
    c.status = Engine::CampaignStatus::Draft;
    c.timezone = u"Europe/Dublin"_s;
    c.eligibility = rule(u"customer.country is \"IE\""_s, u"Irish members only"_s);
    c.discount = Engine::percentOff(10);
    return c;
}

Engine::Campaign fiveOff()
{
    Engine::Campaign c;
    c.name = u"5 off"_s;
    c.type = Engine::CampaignType::DiscountCoupons;
    c.discount = Engine::amountOff(500);
    return c;
}

Engine::Campaign twoTiers()
{
    Engine::Campaign c;
    c.id = u"camp_tiers"_s;
    c.name = u"Summer tiers"_s;
    c.type = Engine::CampaignType::Promotion;
    c.status = Engine::CampaignStatus::Draft;
    Engine::Tier small;
    small.id = u"promo_tier_small"_s;
    small.name = u"5% at 50+"_s;
    small.eligibility = rule(u"order.amount >= 50.00"_s, u"spend 50.00 or more"_s);
    small.discount = Engine::percentOff(5);
    Engine::Tier big;
    big.id = u"promo_tier_big"_s;
    big.name = u"10% at 200+"_s;
    big.eligibility = rule(u"order.amount >= 200.00"_s, u"spend 200.00 or more"_s);
    big.discount = Engine::percentOff(10);
    c.tiers = {small, big};
    return c;
}

template <typename T>
T *child(const QWidget &parent, const char *name)
{
    T *found = parent.findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no child %s", name);
    return found;
}

// The result's per-line table as text: one "sku|qty|amount|discount|after" per row.
QStringList resultLines(const TryItPanel &panel)
{
    const auto *table = child<QTableWidget>(panel, "resultLines");
    QStringList rows;
    for (int r = 0; r < table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < table->columnCount(); ++c)
            cells << (table->item(r, c) ? table->item(r, c)->text() : QString());
        rows << cells.join(u'|');
    }
    return rows;
}

// The explanation as indented text, one line per item.
QStringList explainLines(const TryItPanel &panel)
{
    const auto *tree = child<QTreeWidget>(panel, "explain");
    QStringList out;
    std::function<void(const QTreeWidgetItem *, int)> walk = [&](const QTreeWidgetItem *item, int depth) {
        QString text = QString(depth * 2, u' ') + item->text(0);
        if (!item->text(1).isEmpty())
            text += u" [seen: "_s + item->text(1) + u']';
        out << text;
        for (int i = 0; i < item->childCount(); ++i)
            walk(item->child(i), depth + 1);
    };
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        walk(tree->topLevelItem(i), 0);
    return out;
}

} // namespace

class TestTryItPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void couponAppliesOnlyForTheIrishMember();
    void promotionShowsTheTierTheCartReaches();
    void freeItemsAndFreeShipping();
    void guestIsTriedWithoutCustomerFacts();
    void staleResultsAreDropped();
    void editsRerunAResultOnScreen();
    void tryAtFollowsTheCampaignZone();
    void customerSearchPicksACustomer();
    void cartEditorUsesTheCatalogue();
    void errorsAreShownInThePanel();
    void renderToPng();

private:
    std::unique_ptr<TryItPanel> makePanel();

    QTemporaryDir m_dir;
    QString m_path;
};

void TestTryItPanel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"tryit.promodesk"_s);
    auto created = Store::Workspace::create(m_path, Store::WorkspaceKind::Sandbox, u"Try it"_s);
    PD_VERIFY_OK(created);
    auto connection = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(connection);
    PD_VERIFY_OK(Store::Workspace::configureForWriting(*connection));

    const QList<QVariantList> categories = {{u"cat_food"_s, u"Dog Food"_s}, {u"cat_toys"_s, u"Toys"_s}};
    for (const QVariantList &c : categories)
        PD_VERIFY_OK(Tests::execute(*connection, u"INSERT INTO categories(id, name) VALUES (?, ?)"_s, c));
    const QList<QVariantList> products = {
        {u"prod_food"_s, u"Kibble 12 kg"_s, u"cat_food"_s, 4000},
        {u"prod_ball"_s, u"Squeaky ball"_s, u"cat_toys"_s, 1000},
        {u"prod_rope"_s, u"Rope toy"_s, u"cat_toys"_s, 750},
    };
    for (QVariantList p : products) {
        p << T0 - 100 * DayMs;
        PD_VERIFY_OK(Tests::execute(
            *connection, u"INSERT INTO products(id, name, category_id, price, created_at) VALUES (?, ?, ?, ?, ?)"_s, p));
    }
    const QList<QVariantList> skus = {
        {u"sku_food"_s, u"prod_food"_s, u"KIB-12"_s, 4000},
        {u"sku_ball"_s, u"prod_ball"_s, u"BALL"_s, 1000},
        {u"sku_rope"_s, u"prod_rope"_s, u"ROPE"_s, 750},
    };
    for (QVariantList s : skus) {
        s << T0 - 100 * DayMs;
        PD_VERIFY_OK(Tests::execute(
            *connection, u"INSERT INTO skus(id, product_id, sku, price, created_at) VALUES (?, ?, ?, ?, ?)"_s, s));
    }
    const QList<QVariantList> customers = {
        {u"src-ie"_s, u"Aoife Byrne"_s, u"aoife@example.ie"_s, u"IE"_s, u"gold"_s},
        {u"src-fr"_s, u"Jean Martin"_s, u"jean@example.fr"_s, u"FR"_s, QVariant()},
        {u"src-ie2"_s, u"Aoibheann Kelly"_s, u"aoibheann@example.ie"_s, u"IE"_s, u"silver"_s},
    };
    for (QVariantList c : customers) {
        c << T0 - 200 * DayMs << T0 - 200 * DayMs;
        PD_VERIFY_OK(Tests::execute(*connection,
                                    u"INSERT INTO customers(source_id, name, email, address_country, loyalty_tier, "
                                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
                                    c));
    }
}

std::unique_ptr<TryItPanel> TestTryItPanel::makePanel()
{
    auto panel = std::make_unique<TryItPanel>();
    panel->setWorkspace(m_path);
    panel->setNow(T0);
    return panel;
}

void TestTryItPanel::couponAppliesOnlyForTheIrishMember()
{
    auto panel = makePanel();
    panel->setCampaign(irishCoupon());
    panel->setCustomer(u"cust_1"_s); // Aoife, IE
    // 2 × 40.00 + 1 × 10.00 = 90.00; prices come from the catalogue.
    panel->setCart({line(u"sku_food"_s, 2), line(u"sku_ball"_s, 1)});
    QVERIFY(panel->verdict().isEmpty());
    RUN_AND_WAIT(*panel);

    QCOMPARE(panel->verdict(), u"Applies: 9.00 off"_s);
    QVERIFY(panel->applies());
    // 10% per line, rounded half-up to the cent.
    QCOMPARE(resultLines(*panel),
             (QStringList{u"sku_food|2|80.00|8.00|72.00"_s, u"sku_ball|1|10.00|1.00|9.00"_s}));
    const QStringList applied = explainLines(*panel);
    QVERIFY2(applied.value(0).startsWith(u"✓ Code (a new code) applies: 9.00 off"_s), qPrintable(applied.join(u'\n')));
    QVERIFY2(applied.contains(u"  ✓ customer.country is \"IE\" [seen: holds]"_s), qPrintable(applied.join(u'\n')));
    QVERIFY(child<QLabel>(*panel, "totals")->text().contains(u"to pay <b>81.00</b>"_s));

    // Jean (FR), by source id: the rule's message, and the trace shows what it saw.
    panel->setCustomer(u"src-fr"_s);
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Does not apply — customer_rules_violated: Irish members only"_s);
    QVERIFY(!panel->applies());
    QCOMPARE(resultLines(*panel),
             (QStringList{u"sku_food|2|80.00|0.00|80.00"_s, u"sku_ball|1|10.00|0.00|10.00"_s}));
    const QStringList refused = explainLines(*panel);
    QVERIFY2(refused.size() >= 3, qPrintable(refused.join(u'\n')));
    QCOMPARE(refused[0], u"✗ Code (a new code) does not apply"_s);
    QCOMPARE(refused[1], u"  customer_rules_violated: Irish members only"_s);
    bool sawCountry = false;
    for (const QString &l : refused)
        sawCountry = sawCountry || (l.contains(u"✗ customer.country is \"IE\""_s) && l.contains(u"[seen: \"FR\"]"_s));
    QVERIFY2(sawCountry, qPrintable(refused.join(u'\n')));
    // The verdict is red, the applied one was green.
    QVERIFY(child<QLabel>(*panel, "verdict")->styleSheet().contains(u"#b00020"_s));
}

void TestTryItPanel::promotionShowsTheTierTheCartReaches()
{
    auto panel = makePanel();
    panel->setCampaign(twoTiers());
    panel->setCustomer(u"cust_2"_s);
    panel->setCart({line(u"sku_food"_s, 2), line(u"sku_ball"_s, 1)}); // 90.00
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Applies: 4.50 off — tier “5% at 50+”"_s);
    QCOMPARE(resultLines(*panel),
             (QStringList{u"sku_food|2|80.00|4.00|76.00"_s, u"sku_ball|1|10.00|0.50|9.50"_s}));
    QStringList why = explainLines(*panel);
    // Every tier in the draft's order: the one that applies, and why the other does not.
    QVERIFY2(why.value(0).startsWith(u"✓ Tier 1 “5% at 50+” applies: 4.50 off"_s), qPrintable(why.join(u'\n')));
    const qsizetype second = why.indexOf(u"✗ Tier 2 “10% at 200+” does not apply"_s);
    QVERIFY2(second > 0, qPrintable(why.join(u'\n')));
    QCOMPARE(why.value(second + 1), u"  order_rules_violated: spend 200.00 or more"_s);
    QCOMPARE(why.value(second + 2), u"  ✗ order.amount >= 200.00 [seen: 90.00]"_s);
    // What would change the outcome.
    QCOMPARE(child<QTreeWidget>(*panel, "explain")->topLevelItem(1)->child(1)->text(2), u"add 110.00"_s);
    QVERIFY(!child<QTreeWidget>(*panel, "explain")->isColumnHidden(2));

    // 5 × 40.00 = 200.00 reaches the big tier; the small one is left out.
    panel->setCart({line(u"sku_food"_s, 5)});
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Applies: 20.00 off — tier “10% at 200+”"_s);
    QCOMPARE(resultLines(*panel), QStringList{u"sku_food|5|200.00|20.00|180.00"_s});
    why = explainLines(*panel);
    QCOMPARE(why.value(0), u"– Tier 1 “5% at 50+” is left out"_s);
    QVERIFY2(why.value(1).startsWith(u"  promotion_tier_not_best: "_s), qPrintable(why.join(u'\n')));
    QVERIFY2(why.contains(u"✓ Tier 2 “10% at 200+” applies: 20.00 off (10% off)"_s), qPrintable(why.join(u'\n')));

    // Below both: the first tier's message.
    panel->setCart({line(u"sku_rope"_s, 2)});
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Does not apply — order_rules_violated: spend 50.00 or more"_s);
}

void TestTryItPanel::freeItemsAndFreeShipping()
{
    auto panel = makePanel();
    Engine::Campaign c = fiveOff();
    c.discount = {};
    c.discount.type = Engine::DiscountType::Unit;
    c.discount.effect = Engine::DiscountEffect::AddNewItems;
    c.discount.unitOff = 1;
    c.discount.unitSku = u"sku_rope"_s;
    c.discount.freeShipping = true;
    panel->setCampaign(c);
    panel->setCart({line(u"sku_food"_s, 1)});
    child<Ui::MoneyEdit>(*panel, "shipping")->setCents(495);
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Applies: 12.45 off (1 free item added)"_s);
    QCOMPARE(resultLines(*panel), (QStringList{u"sku_food|1|40.00|0.00|40.00"_s,
                                               u"+ sku_rope (free, added)|1|7.50|7.50|0.00"_s,
                                               u"Shipping||4.95|4.95|0.00"_s}));
    QVERIFY(child<QLabel>(*panel, "totals")->text().contains(u"shipping discount 4.95"_s));
    QVERIFY(child<QLabel>(*panel, "totals")->text().contains(u"to pay <b>40.00</b>"_s));
}

void TestTryItPanel::guestIsTriedWithoutCustomerFacts()
{
    auto panel = makePanel();
    panel->setCampaign(fiveOff());
    panel->setCustomer(QString());
    panel->setCart({line(u"sku_ball"_s, 3)});
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Applies: 5.00 off"_s);
    QVERIFY(child<QLabel>(*panel, "customerInfo")->text().contains(u"Guest"_s));
    QVERIFY(child<QLabel>(*panel, "totals")->text().contains(u"a guest"_s));

    // A rule about the customer fails for a guest, who has no country.
    panel->setCampaign(irishCoupon());
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Does not apply — customer_rules_violated: Irish members only"_s);
    QVERIFY(explainLines(*panel).join(u'\n').contains(u"[seen: unknown]"_s));

    // An id the workspace does not know is tried as a guest, and the panel says so.
    panel->setCustomer(u"cust_999"_s);
    QTRY_VERIFY(child<QLabel>(*panel, "customerInfo")->text().contains(u"tried as a guest"_s));
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Does not apply — customer_rules_violated: Irish members only"_s);
}

void TestTryItPanel::staleResultsAreDropped()
{
    auto panel = makePanel();
    panel->setCustomer(u"cust_1"_s);
    panel->setCart({line(u"sku_food"_s, 1)});
    panel->setCampaign(irishCoupon());

    QStringList shown;
    connect(panel.get(), &TryItPanel::finished, panel.get(), [&] { shown << panel->verdict(); });
    // The draft changes while its run is under way: only the newer draft's answer shows.
    panel->run();
    QVERIFY(panel->isRunning());
    panel->setCampaign(fiveOff());
    QVERIFY(panel->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 30000);
    QCOMPARE(shown, QStringList{u"Applies: 5.00 off"_s});

    // A burst of runs with edits between them: one answer, the last one's.
    shown.clear();
    Engine::Campaign seven = fiveOff();
    seven.discount = Engine::amountOff(700);
    panel->run();
    panel->setCampaign(irishCoupon());
    panel->run();
    panel->setCampaign(seven);
    panel->run();
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 30000);
    QCOMPARE(shown, QStringList{u"Applies: 7.00 off"_s});
    QCOMPARE(panel->verdict(), u"Applies: 7.00 off"_s);
}

void TestTryItPanel::editsRerunAResultOnScreen()
{
    auto panel = makePanel();
    panel->setCustomer(u"cust_1"_s);
    panel->setCart({line(u"sku_food"_s, 1)});
    // Before a first result, edits start nothing.
    panel->setCampaign(irishCoupon());
    QVERIFY(!panel->isRunning());
    RUN_AND_WAIT(*panel);
    QCOMPARE(panel->verdict(), u"Applies: 4.00 off"_s);

    // With a result on screen, the editor's changes re-run it by themselves (debounced).
    QSignalSpy finishedSpy(panel.get(), &TryItPanel::finished);
    panel->setCampaign(fiveOff());
    QVERIFY(panel->isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 30000);
    QCOMPARE(panel->verdict(), u"Applies: 5.00 off"_s);

    // So do the customer and the cart.
    panel->setCampaign(irishCoupon());
    panel->setCustomer(u"cust_2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 2, 30000);
    QCOMPARE(panel->verdict(), u"Does not apply — customer_rules_violated: Irish members only"_s);
    panel->setCustomer(u"cust_3"_s);
    panel->setCart({line(u"sku_food"_s, 2)});
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 3, 30000);
    QCOMPARE(panel->verdict(), u"Applies: 8.00 off"_s);
    QVERIFY(!panel->isRunning());
}

void TestTryItPanel::tryAtFollowsTheCampaignZone()
{
    auto panel = makePanel();
    Engine::Campaign c = fiveOff();
    c.timezone = u"Europe/Dublin"_s;
    c.schedule.expirationDate = T0 - DayMs; // ended yesterday
    panel->setCampaign(c);
    panel->setCart({line(u"sku_ball"_s, 1)});
    auto *at = child<QDateTimeEdit>(*panel, "tryAt");
    // 11:00 UTC is 12:00 in Dublin in July; the zone is named.
    QCOMPARE(at->dateTime().date(), QDate(2026, 7, 1));
    QCOMPARE(at->dateTime().time(), QTime(12, 0));
    QCOMPARE(child<QLabel>(*panel, "tryAtZone")->text(), u"Europe/Dublin"_s);
    RUN_AND_WAIT(*panel);
    QVERIFY2(panel->verdict().startsWith(u"Does not apply — voucher_expired"_s), qPrintable(panel->verdict()));

    // Two days earlier through the date-time edit: the result on screen follows.
    QSignalSpy finishedSpy(panel.get(), &TryItPanel::finished);
    at->setDateTime(QDateTime(QDate(2026, 6, 29), QTime(12, 0), QTimeZone::utc()));
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 30000);
    QCOMPARE(panel->verdict(), u"Applies: 5.00 off"_s);
    QVERIFY(child<QLabel>(*panel, "totals")->text().contains(u"2026-06-29 12:00 (Europe/Dublin)"_s));

    // "Now" goes back to the clock.
    auto *now = child<QAbstractButton>(*panel, "now");
    QVERIFY(now->isEnabled());
    now->click();
    QVERIFY(child<QLabel>(*panel, "tryAtZone")->text().endsWith(u"now"_s));
    QVERIFY(!now->isEnabled());
}

void TestTryItPanel::customerSearchPicksACustomer()
{
    auto panel = makePanel();
    panel->resize(1100, 700);
    panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(panel.get()));
    auto *search = child<QLineEdit>(*panel, "customerSearch");
    auto *matches = child<QListWidget>(*panel, "customerMatches");
    QCOMPARE(matches->count(), 1); // a guest can always be picked
    QCOMPARE(panel->customer(), QString());
    QTest::keyClicks(search, u"aoi"_s);
    // Guest first, then the two Irish members by name.
    QTRY_COMPARE_WITH_TIMEOUT(matches->count(), 3, 30000);
    QCOMPARE(matches->item(0)->text(), u"Guest (no customer)"_s);
    QCOMPARE(matches->item(1)->text(), u"Aoibheann Kelly · aoibheann@example.ie · IE · cust_3"_s);
    QCOMPARE(matches->item(2)->text(), u"Aoife Byrne · aoife@example.ie · IE · cust_1"_s);

    QTest::mouseClick(matches->viewport(), Qt::LeftButton, {}, matches->visualItemRect(matches->item(2)).center());
    QCOMPARE(panel->customer(), u"cust_1"_s);
    auto *info = child<QLabel>(*panel, "customerInfo");
    QTRY_VERIFY_WITH_TIMEOUT(info->text().contains(u"tier gold"_s), 30000);
    QVERIFY(info->text().contains(u"Aoife Byrne"_s));
    QVERIFY(info->text().contains(u"country IE"_s));
    QVERIFY(info->text().contains(u"source id src-ie"_s));

    // By email, then nothing; Enter picks the first match.
    search->clear();
    QTest::keyClicks(search, u"jean@example"_s);
    QTRY_COMPARE_WITH_TIMEOUT(matches->count(), 2, 30000);
    QTRY_COMPARE(matches->item(1)->data(Qt::UserRole + 1).toString(), u"cust_2"_s);
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(panel->customer(), u"cust_2"_s);
    QTRY_VERIFY_WITH_TIMEOUT(info->text().contains(u"country FR"_s), 30000);
    search->clear();
    QTest::keyClicks(search, u"zzz"_s);
    QTRY_VERIFY_WITH_TIMEOUT(matches->count() == 2 && matches->item(1)->text().contains(u"No customer matches"_s), 30000);

    // The guest entry.
    QTest::mouseClick(matches->viewport(), Qt::LeftButton, {}, matches->visualItemRect(matches->item(0)).center());
    QCOMPARE(panel->customer(), QString());
    QVERIFY(info->text().contains(u"Guest"_s));
}

void TestTryItPanel::cartEditorUsesTheCatalogue()
{
    auto panel = makePanel();
    panel->resize(1100, 700);
    panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(panel.get()));
    auto *cart = child<QTableWidget>(*panel, "cart");
    QTest::mouseClick(child<QPushButton>(*panel, "addLine"), Qt::LeftButton);
    QCOMPARE(cart->rowCount(), 1);
    auto *sku = qobject_cast<QLineEdit *>(cart->cellWidget(0, 0));
    auto *quantity = qobject_cast<QSpinBox *>(cart->cellWidget(0, 2));
    auto *price = qobject_cast<Ui::MoneyEdit *>(cart->cellWidget(0, 3));
    QVERIFY(sku && quantity && price);
    // Once the catalogue is in, a catalogue SKU takes its price, which cannot be edited.
    QTest::keyClicks(sku, u"sku_food"_s);
    QTRY_COMPARE_WITH_TIMEOUT(price->cents(), 4000, 30000);
    QVERIFY(!price->isEnabled());
    QCOMPARE(cart->item(0, 1)->text(), u"Kibble 12 kg"_s);
    quantity->setValue(3);
    QCOMPARE(cart->item(0, 4)->text(), u"120.00"_s);
    QVERIFY(child<QLabel>(*panel, "cartTotal")->text().contains(u"120.00"_s));

    // A SKU the catalogue does not know: its price is typed.
    QTest::mouseClick(child<QPushButton>(*panel, "addLine"), Qt::LeftButton);
    QCOMPARE(cart->rowCount(), 2);
    auto *mystery = qobject_cast<QLineEdit *>(cart->cellWidget(1, 0));
    auto *mysteryPrice = qobject_cast<Ui::MoneyEdit *>(cart->cellWidget(1, 3));
    QTest::keyClicks(mystery, u"sku_mystery"_s);
    QVERIFY(mysteryPrice->isEnabled());
    QCOMPARE(cart->item(1, 1)->text(), u"not in the catalogue"_s);
    mysteryPrice->setCents(250);
    QCOMPARE(panel->cart(), (QList<Engine::OrderItem>{line(u"sku_food"_s, 3, 4000), line(u"sku_mystery"_s, 1, 250)}));
    QVERIFY(child<QLabel>(*panel, "cartTotal")->text().contains(u"122.50"_s));

    // The Try button runs it: the unknown line is taken as typed.
    panel->setCampaign(fiveOff());
    QSignalSpy finishedSpy(panel.get(), &TryItPanel::finished);
    QTest::mouseClick(child<QPushButton>(*panel, "try"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 30000);
    QCOMPARE(panel->verdict(), u"Applies: 5.00 off"_s);
    QCOMPARE(resultLines(*panel).value(1), u"sku_mystery|1|2.50|0.10|2.40"_s);

    // An edit re-runs the result on screen; 5.00 spread over 40.00 and 2.50.
    quantity->setValue(1);
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 2, 30000);
    QCOMPARE(resultLines(*panel).value(0), u"sku_food|1|40.00|4.71|35.29"_s);
    // Ctrl+Return tries again from anywhere in the panel (nothing else would run it now).
    QVERIFY(!panel->isRunning());
    panel->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(panel.get()));
    sku->setFocus();
    QTest::keyClick(sku, Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(panel->isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 3, 30000);

    // Remove line takes the line being edited.
    mystery->setFocus();
    QTest::mouseClick(child<QPushButton>(*panel, "removeLine"), Qt::LeftButton);
    QCOMPARE(cart->rowCount(), 1);
    QCOMPARE(panel->cart(), QList<Engine::OrderItem>{line(u"sku_food"_s, 1, 4000)});
}

void TestTryItPanel::errorsAreShownInThePanel()
{
    TryItPanel panel;
    // No workspace: disabled, with a message; a run says why it cannot.
    panel.setWorkspace(QString());
    QVERIFY(!child<QPushButton>(panel, "try")->isEnabled());
    QVERIFY(child<QLabel>(panel, "message")->text().contains(u"No workspace is open"_s));
    panel.setCampaign(fiveOff());
    RUN_AND_WAIT(panel);
    QVERIFY2(panel.verdict().startsWith(u"No workspace is open"_s), qPrintable(panel.verdict()));

    // A file that is not there.
    panel.setWorkspace(m_dir.filePath(u"missing.promodesk"_s));
    QVERIFY(child<QPushButton>(panel, "try")->isEnabled());
    RUN_AND_WAIT(panel);
    QVERIFY2(panel.verdict().startsWith(u"Could not try the campaign: "_s), qPrintable(panel.verdict()));
    QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(panel, "message")->text().startsWith(u"Cannot read the workspace"_s), 30000);

    // A zone the draft cannot have.
    panel.setWorkspace(m_path);
    panel.setNow(T0);
    QVERIFY(!child<QLabel>(panel, "message")->isVisibleTo(&panel));
    Engine::Campaign badZone = fiveOff();
    badZone.timezone = u"Mars/Olympus"_s;
    panel.setCampaign(badZone);
    panel.setCart({line(u"sku_ball"_s, 1)});
    RUN_AND_WAIT(panel);
    QVERIFY2(panel.verdict().contains(u"Mars/Olympus is not a known IANA time zone"_s), qPrintable(panel.verdict()));
    QVERIFY(child<QLabel>(panel, "tryAtZone")->text().contains(u"not a known time zone"_s));

    // Fixing it re-runs by itself: an error on screen is kept up to date too.
    QSignalSpy finishedSpy(&panel, &TryItPanel::finished);
    panel.setCampaign(fiveOff());
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 30000);
    QCOMPARE(panel.verdict(), u"Applies: 5.00 off"_s);
}

void TestTryItPanel::renderToPng()
{
    for (const auto &[customer, file] : {std::pair{u"cust_2"_s, u"/tmp/tryit.png"_s}, std::pair{u"cust_1"_s, u"/tmp/tryit-promo.png"_s}}) {
        auto panel = makePanel();
        panel->resize(1180, 720);
        panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel.get()));
        if (customer == u"cust_2"_s) {
            Engine::Campaign c = irishCoupon();
            c.eligibility = rule(u"customer.country is \"IE\" and (customer.loyalty_tier in [\"gold\", \"silver\"] or order.amount >= 50.00)"_s,
                                 u"Irish members only"_s);
            panel->setCampaign(c);
        } else {
            panel->setCampaign(twoTiers());
        }
        panel->setCustomer(customer);
        panel->setCart({line(u"sku_food"_s, 2), line(u"sku_ball"_s, 1), line(u"sku_rope"_s, 3)});
        child<Ui::MoneyEdit>(*panel, "shipping")->setCents(495);
        // The catalogue and the customer are in before the picture is taken.
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(*panel, "customerInfo")->text().contains(u"country"_s), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(child<QTableWidget>(*panel, "cart")->item(0, 1)->text() == u"Kibble 12 kg"_s, 30000);
        RUN_AND_WAIT(*panel);
        QVERIFY(!panel->verdict().isEmpty());
        const QImage image = panel->grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(file));
        if (customer == u"cust_2"_s) {
            // At its smallest, nothing overlaps (look at the picture).
            const QSize smallest = panel->minimumSizeHint();
            QVERIFY2(smallest.width() <= 840 && smallest.height() <= 600,
                     qPrintable(u"%1×%2"_s.arg(smallest.width()).arg(smallest.height())));
            panel->resize(smallest);
            QVERIFY(panel->grab().save(u"/tmp/tryit-small.png"_s));
        }
    }
}

QTEST_MAIN(TestTryItPanel)
#include "tst_tryitpanel.moc"
