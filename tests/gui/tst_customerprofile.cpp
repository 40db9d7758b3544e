// The customer 360° profile panel through its widgets, offscreen: a customer's tabs
// fill with what SQL counts (orders with items, events, segment stays, codes,
// redemptions, the campaigns they qualify for now); consents are edited with the
// check boxes, checked as typed, stored and audited; a stale answer is dropped when
// the user moves on quickly; the privacy export writes a file; erasure asks for the
// typed id and a reason, and the profile then shows as erased. Each tab is rendered
// to /tmp/promodesk-customerprofile-*.png to be looked at.

#include "engine/democampaigns.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/customerstore.h"
#include "store/segmentstore.h"
#include "store/workspace.h"
#include "testsupport.h"
#include "widgets/customerprofilepanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace PromoDesk;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

class TestCustomerProfile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void tabsFillAsSqlCounts();
    void editConsentsThroughTheWidgets();
    void staleAnswerIsDropped();
    void exportWritesTheFile();
    void eraseAsksForTheTypedId();

private:
    qint64 count(const QString &sql, const QVariantList &values = {});
    bool openCustomer(Ui::CustomerProfilePanel &panel, const QString &id, bool waitForCampaigns = true);
    void render(Ui::CustomerProfilePanel &panel, int tab, const QString &name);

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store::Connection> m_db;
    qint64 m_rich = 0;
};

void TestCustomerProfile::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"profile.promodesk"_s);
    Store::DemoOptions options;
    options.size = Store::DemoSize::Small;
    options.seed = 11;
    PD_VERIFY_OK(Engine::generateDemoWorkspace(m_path, options));
    {
        auto db = Store::Workspace::openForWriting(m_path);
        PD_VERIFY_OK(db);
        Store::Segment big;
        big.name = u"Regulars"_s;
        big.type = Store::SegmentType::AutoUpdate;
        big.rule = Rules::check(Rules::parse(u"customer.orders_count >= 2"_s).value()).value();
        PD_VERIFY_OK(Store::SegmentStore(*db.value()).save(big, u"test"_s, Store::nowMs()));
    }
    m_db = openConnection(m_path);
    QVERIFY(m_db);
    m_rich = count(u"SELECT r.customer_id FROM redemptions r "
                   "WHERE r.customer_id IN (SELECT customer_id FROM codes WHERE customer_id IS NOT NULL) "
                   "AND r.customer_id IN (SELECT customer_id FROM customer_events) "
                   "AND r.customer_id IN (SELECT customer_id FROM segment_members) "
                   "GROUP BY r.customer_id ORDER BY count(*) DESC, r.customer_id LIMIT 1"_s);
    QVERIFY(m_rich > 0);
}

qint64 TestCustomerProfile::count(const QString &sql, const QVariantList &values)
{
    auto v = scalar(*m_db, sql, values);
    return v ? v.value().toLongLong() : -1;
}

bool TestCustomerProfile::openCustomer(Ui::CustomerProfilePanel &panel, const QString &id, bool waitForCampaigns)
{
    QSignalSpy loaded(&panel, &Ui::CustomerProfilePanel::loaded);
    QSignalSpy qualified(&panel, &Ui::CustomerProfilePanel::qualified);
    panel.showCustomer(id);
    if (!loaded.wait(15000))
        return false;
    if (waitForCampaigns && panel.isQualifying() && !qualified.wait(15000))
        return false;
    return panel.customerId() == id;
}

void TestCustomerProfile::render(Ui::CustomerProfilePanel &panel, int tab, const QString &name)
{
    panel.tabs()->setCurrentIndex(tab);
    QTest::qWait(50); // layouts settle
    const QString file = QDir::temp().filePath(u"promodesk-customerprofile-%1.png"_s.arg(name));
    QVERIFY(panel.grab().save(file));
}

void TestCustomerProfile::tabsFillAsSqlCounts()
{
    Ui::CustomerProfilePanel panel;
    panel.resize(640, 780);
    panel.setWorkspace(m_path, u"EUR"_s);
    panel.show();
    const QString id = u"cust_%1"_s.arg(m_rich);
    QVERIFY(openCustomer(panel, id));
    QVERIFY(!panel.isLoading());

    auto tree = [&](const char *name) { return panel.findChild<QTreeWidget *>(QLatin1String(name)); };
    const qint64 orders = count(u"SELECT count(*) FROM orders WHERE customer_id = ?"_s, {m_rich});
    QCOMPARE(qint64(tree("ordersTree")->topLevelItemCount()), std::min<qint64>(orders, Store::CustomerStore::ListLimit));
    // Each order's items under it.
    QTreeWidgetItem *first = tree("ordersTree")->topLevelItem(0);
    const qint64 firstKey = first->text(0).mid(4).toLongLong();
    QCOMPARE(qint64(first->childCount()), count(u"SELECT count(*) FROM order_items WHERE order_id = ?"_s, {firstKey}));
    QCOMPARE(qint64(tree("eventsTree")->topLevelItemCount()),
             std::min<qint64>(count(u"SELECT count(*) FROM customer_events WHERE customer_id = ?"_s, {m_rich}), 200));
    QCOMPARE(qint64(tree("segmentsTree")->topLevelItemCount()),
             count(u"SELECT count(*) FROM segment_members WHERE customer_id = ?"_s, {m_rich}));
    const qint64 codes = count(u"SELECT count(*) FROM codes WHERE customer_id = ?"_s, {m_rich});
    QVERIFY(codes > 0);
    QCOMPARE(qint64(tree("codesTree")->topLevelItemCount()), std::min<qint64>(codes, 200));
    const qint64 redemptions = count(u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {m_rich});
    QVERIFY(redemptions > 0);
    QCOMPARE(qint64(tree("redemptionsTree")->topLevelItemCount()), std::min<qint64>(redemptions, 200));
    QVERIFY(panel.tabs()->tabText(Ui::CustomerProfilePanel::RedemptionsTab).contains(QString::number(redemptions)));
    QVERIFY(panel.tabs()->tabText(Ui::CustomerProfilePanel::CodesTab).contains(QString::number(codes)));

    // Every active campaign is answered for, with a verdict and a reason.
    QTreeWidget *campaigns = tree("campaignsTree");
    QVERIFY(campaigns->topLevelItemCount() >= count(u"SELECT count(*) FROM campaigns WHERE status = 'active'"_s));
    QSet<QString> answered;
    bool cart = false;
    for (int i = 0; i < campaigns->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = campaigns->topLevelItem(i);
        answered.insert(item->data(0, Qt::UserRole).toString());
        QVERIFY(!item->text(1).isEmpty());
        QVERIFY2(!item->text(2).isEmpty(), qPrintable(item->text(0)));
        cart = cart || item->text(2).startsWith(u"needs a cart: order.amount"_s);
    }
    QCOMPARE(qint64(answered.size()), count(u"SELECT count(*) FROM campaigns WHERE status = 'active'"_s));
    QVERIFY(cart);

    // Consents per channel, not-consented ones marked.
    const QLabel *email = panel.findChild<QLabel *>(u"consent_email"_s);
    QVERIFY(email);
    const bool emailGranted = count(u"SELECT consent_email FROM customers WHERE id = ?"_s, {m_rich}) != 0;
    QCOMPARE(email->text().contains(u"not consented"_s), !emailGranted);

    render(panel, Ui::CustomerProfilePanel::ProfileTab, u"profile"_s);
    render(panel, Ui::CustomerProfilePanel::OrdersTab, u"orders"_s);
    render(panel, Ui::CustomerProfilePanel::SegmentsTab, u"segments"_s);
    render(panel, Ui::CustomerProfilePanel::CodesTab, u"codes"_s);
    render(panel, Ui::CustomerProfilePanel::RedemptionsTab, u"redemptions"_s);
    // The campaigns with the first failing one opened to its trace.
    for (int i = 0; i < campaigns->topLevelItemCount(); ++i) {
        if (campaigns->topLevelItem(i)->childCount() > 0) {
            campaigns->topLevelItem(i)->setExpanded(true);
            break;
        }
    }
    render(panel, Ui::CustomerProfilePanel::CampaignsTab, u"campaigns"_s);
    render(panel, Ui::CustomerProfilePanel::PrivacyTab, u"privacy"_s);
    // As narrow as the Customers page's splitter lets it be: every section still in reach.
    panel.resize(panel.minimumSizeHint().width(), 700);
    render(panel, Ui::CustomerProfilePanel::RedemptionsTab, u"narrow"_s);
    QVERIFY2(panel.minimumSizeHint().width() <= 520, qPrintable(QString::number(panel.minimumSizeHint().width())));
}

void TestCustomerProfile::editConsentsThroughTheWidgets()
{
    Ui::CustomerProfilePanel panel;
    panel.resize(640, 780);
    panel.setWorkspace(m_path, u"EUR"_s);
    panel.show();
    const qint64 key = m_rich + 1;
    const QString id = u"cust_%1"_s.arg(key);
    QVERIFY(openCustomer(panel, id, false));
    const bool sms = count(u"SELECT consent_sms FROM customers WHERE id = ?"_s, {key}) != 0;
    const bool push = count(u"SELECT consent_push FROM customers WHERE id = ?"_s, {key}) != 0;

    auto *edit = panel.findChild<QPushButton *>(u"editButton"_s);
    QVERIFY(edit && edit->isEnabled());
    QTest::mouseClick(edit, Qt::LeftButton);
    QVERIFY(panel.isEditing());
    auto *save = panel.findChild<QPushButton *>(u"saveButton"_s);
    QVERIFY(!save->isEnabled()); // nothing changed yet

    // A bad email is marked next to its field, and Save waits for it.
    auto *emailEdit = panel.findChild<QLineEdit *>(u"edit_email"_s);
    const QString emailWas = emailEdit->text();
    emailEdit->selectAll();
    QTest::keyClicks(emailEdit, u"not-an-address"_s);
    auto *emailError = panel.findChild<QLabel *>(u"error_email"_s);
    QVERIFY(emailError->isVisibleTo(&panel));
    QVERIFY2(emailError->text().contains(u"not an email address"_s), qPrintable(emailError->text()));
    QVERIFY(!save->isEnabled());
    auto *countryEdit = panel.findChild<QLineEdit *>(u"edit_address_country"_s);
    const QString countryWas = countryEdit->text();
    countryEdit->selectAll();
    QTest::keyClicks(countryEdit, u"Ireland"_s);
    QVERIFY(panel.findChild<QLabel *>(u"error_address_country"_s)->isVisibleTo(&panel));
    render(panel, Ui::CustomerProfilePanel::ProfileTab, u"edit-errors"_s);
    // Put them back; flip two consents with the mouse.
    emailEdit->setText(emailWas);
    countryEdit->setText(countryWas);
    QVERIFY(!emailError->isVisibleTo(&panel));
    auto *smsBox = panel.findChild<QCheckBox *>(u"edit_consent_sms"_s);
    auto *pushBox = panel.findChild<QCheckBox *>(u"edit_consent_push"_s);
    QCOMPARE(smsBox->isChecked(), sms);
    smsBox->click();
    pushBox->click();
    QVERIFY(save->isEnabled());
    render(panel, Ui::CustomerProfilePanel::ProfileTab, u"edit"_s);

    QSignalSpy saved(&panel, &Ui::CustomerProfilePanel::saveFinished);
    QSignalSpy changed(&panel, &Ui::CustomerProfilePanel::customerChanged);
    QSignalSpy loaded(&panel, &Ui::CustomerProfilePanel::loaded);
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(saved.wait(15000));
    QCOMPARE(saved.at(0).at(1).toBool(), true);
    QCOMPARE(changed.count(), 1);
    QVERIFY(!panel.isEditing());
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 15000);

    // Stored, with the time, and audited with just those two fields.
    QCOMPARE(count(u"SELECT consent_sms FROM customers WHERE id = ?"_s, {key}) != 0, !sms);
    QCOMPARE(count(u"SELECT consent_push FROM customers WHERE id = ?"_s, {key}) != 0, !push);
    QVERIFY(count(u"SELECT consents_updated_at FROM customers WHERE id = ?"_s, {key}) > Store::nowMs() - 60000);
    auto audit = select(*m_db, u"SELECT after FROM audit_log WHERE entity_type = 'customer' AND entity_id = ? AND action = 'update'"_s,
                        {id});
    PD_VERIFY_OK(audit);
    QCOMPARE(audit.value().size(), 1);
    const QJsonObject after = QJsonDocument::fromJson(audit.value()[0][0].toByteArray()).object();
    QCOMPARE(after.keys(), (QStringList{u"consents.push"_s, u"consents.sms"_s}));
    // The panel shows the new state, and what was saved.
    QCOMPARE(panel.findChild<QLabel *>(u"consent_sms"_s)->text().contains(u"not consented"_s), sms);
    QVERIFY(panel.findChildren<QLabel *>().size() > 0);
    const auto labels = panel.findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel *l) { return l->text().startsWith(u"Saved: consents."_s); }));
    // The history lists the change.
    QCOMPARE(panel.findChild<QTreeWidget *>(u"auditTree"_s)->topLevelItemCount(), 1);
}

void TestCustomerProfile::staleAnswerIsDropped()
{
    Ui::CustomerProfilePanel panel;
    panel.resize(640, 780);
    panel.setWorkspace(m_path, u"EUR"_s);
    panel.show();
    QSignalSpy loaded(&panel, &Ui::CustomerProfilePanel::loaded);
    QSignalSpy qualified(&panel, &Ui::CustomerProfilePanel::qualified);
    // Quick moves through a list: only the last customer's answers are shown.
    panel.showCustomer(u"cust_%1"_s.arg(m_rich));
    panel.showCustomer(u"cust_10"_s);
    panel.showCustomer(u"cust_11"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isLoading() && !panel.isQualifying(), 15000);
    QTest::qWait(300); // any stale answer still on its way arrives and is dropped
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toString(), u"cust_11"_s);
    QCOMPARE(qualified.count(), 1);
    const QString name = scalar(*m_db, u"SELECT name FROM customers WHERE id = 11"_s).value().toString();
    QCOMPARE(panel.findChild<QLabel *>(u"customerName"_s)->text(), name);
    QCOMPARE(qint64(panel.findChild<QTreeWidget *>(u"codesTree"_s)->topLevelItemCount()),
             count(u"SELECT count(*) FROM codes WHERE customer_id = 11"_s));
}

void TestCustomerProfile::exportWritesTheFile()
{
    Ui::CustomerProfilePanel panel;
    panel.setWorkspace(m_path, u"EUR"_s);
    panel.show();
    const QString id = u"cust_%1"_s.arg(m_rich);
    QVERIFY(openCustomer(panel, id, false));
    const QString file = m_dir.filePath(u"export.json"_s);
    QSignalSpy exported(&panel, &Ui::CustomerProfilePanel::exportFinished);
    panel.exportTo(file);
    QVERIFY(exported.wait(15000));
    QCOMPARE(exported.at(0).at(1).toBool(), true);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject data = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(data.value(u"customer"_s).toObject().value(u"id"_s).toString(), id);
    QVERIFY(panel.findChild<QLabel *>(u"privacyStatus"_s)->text().contains(u"export.json"_s));
    QCOMPARE(count(u"SELECT count(*) FROM audit_log WHERE entity_id = ? AND action = 'export'"_s, {id}), 1);
}

void TestCustomerProfile::eraseAsksForTheTypedId()
{
    Ui::CustomerProfilePanel panel;
    panel.resize(640, 780);
    panel.setWorkspace(m_path, u"EUR"_s);
    panel.show();
    const qint64 key = count(u"SELECT min(customer_id) FROM codes WHERE customer_id IS NOT NULL AND customer_id <> ?"_s, {m_rich});
    QVERIFY(key > 0);
    const QString id = u"cust_%1"_s.arg(key);
    QVERIFY(openCustomer(panel, id, false));
    const qint64 redemptions = count(u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key});
    panel.tabs()->setCurrentIndex(Ui::CustomerProfilePanel::PrivacyTab);

    auto *erase = panel.findChild<QPushButton *>(u"eraseButton"_s);
    auto *confirmBox = panel.findChild<QGroupBox *>(u"eraseConfirm"_s);
    auto *reason = panel.findChild<QLineEdit *>(u"eraseReason"_s);
    auto *typed = panel.findChild<QLineEdit *>(u"eraseTyped"_s);
    auto *confirm = panel.findChild<QPushButton *>(u"eraseConfirmButton"_s);
    QVERIFY(!confirmBox->isVisible());
    QTest::mouseClick(erase, Qt::LeftButton);
    QVERIFY(confirmBox->isVisible());
    QVERIFY(!confirm->isEnabled());
    QTest::keyClicks(reason, u"erasure request, ticket 4411"_s);
    QVERIFY(!confirm->isEnabled());
    QTest::keyClicks(typed, u"cust_1"_s); // someone else's id
    QVERIFY(!confirm->isEnabled() || id == u"cust_1"_s);
    typed->clear();
    QTest::keyClicks(typed, id);
    QVERIFY(confirm->isEnabled());
    render(panel, Ui::CustomerProfilePanel::PrivacyTab, u"erase-confirm"_s);

    QSignalSpy erased(&panel, &Ui::CustomerProfilePanel::erased);
    QSignalSpy loaded(&panel, &Ui::CustomerProfilePanel::loaded);
    QTest::mouseClick(confirm, Qt::LeftButton);
    QVERIFY(erased.wait(15000));
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 15000);
    QCOMPARE(panel.findChild<QLabel *>(u"customerName"_s)->text(), QLatin1String(Store::ErasedName));
    QVERIFY(panel.findChild<QLabel *>(u"erasedBanner"_s)->isVisible());
    QVERIFY(!panel.findChild<QPushButton *>(u"editButton"_s)->isEnabled());
    QVERIFY(!erase->isEnabled());
    QVERIFY(!confirmBox->isVisible());
    QVERIFY(panel.findChild<QLabel *>(u"privacyStatus"_s)->text().contains(u"erased"_s));
    QCOMPARE(scalar(*m_db, u"SELECT name FROM customers WHERE id = ?"_s, {key}).value().toString(), QLatin1String(Store::ErasedName));
    QCOMPARE(count(u"SELECT count(*) FROM redemptions WHERE customer_id = ?"_s, {key}), redemptions);
    QCOMPARE(count(u"SELECT count(*) FROM audit_log WHERE entity_id = ? AND action = 'erase'"_s, {id}), 1);
    render(panel, Ui::CustomerProfilePanel::PrivacyTab, u"erased"_s);
    render(panel, Ui::CustomerProfilePanel::ProfileTab, u"erased-profile"_s);
}

QTEST_MAIN(TestCustomerProfile)
#include "tst_customerprofile.moc"
