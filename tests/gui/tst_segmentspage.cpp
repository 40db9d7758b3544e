// The Segments page through its widgets: the seed segments of the issue built by
// clicking in the rules editor (abandoned cart in the last 2 days, signed up this week,
// inactive 3+ months, premium tier, Ireland), each with its live count equal to a
// recount, the preview and the SQL; stale counts dropped while the rule changes; save,
// refresh and delete; a rule a segment cannot use refused with its message.

#include "editors/ruleseditor.h"
#include "editors/segmentbuilder.h"
#include "pages/segmentspage.h"
#include "rules/sqlcompiler.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"
#include "store/customerrepository.h"
#include "store/segmentstore.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace Qt::StringLiterals;

namespace {

Rules::Node checked(const QString &text)
{
    return Rules::check(Rules::parse(text).value()).value();
}

} // namespace

class TestSegmentsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void seedSegmentsByClicking();
    void staleCountsAreDropped();
    void cartRulesAreRefused();
    void exportCancelAndAddFromFile();
    void staleSegmentsRefreshOnOpen();
    void refreshAndDelete();

private:
    bool open(Ui::SegmentsPage &page);
    qint64 recount(const QString &rule);

    QTemporaryDir m_dir;
    QString m_path;
    qint64 m_now = 0;
};

void TestSegmentsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"segments.promodesk"_s);
    PD_VERIFY_OK(Tests::generateSmallDemo(m_path, 21));
    m_now = Store::nowMs();
}

bool TestSegmentsPage::open(Ui::SegmentsPage &page)
{
    auto info = Store::Workspace::inspect(m_path);
    if (!info)
        return false;
    QSignalSpy loaded(&page, &Ui::SegmentsPage::listLoaded);
    page.setWorkspace(info.value());
    page.builder()->setNow(m_now);
    return loaded.wait(10000);
}

qint64 TestSegmentsPage::recount(const QString &rule)
{
    auto db = Tests::openConnection(m_path);
    const auto compiled = Rules::compileCustomerRule(checked(rule), m_now, QTimeZone::utc()).value();
    return Store::CustomerRepository(*db).countWhere(compiled.where, compiled.bindings).value();
}

void TestSegmentsPage::seedSegmentsByClicking()
{
    Ui::SegmentsPage page;
    page.resize(1300, 800);
    page.show();
    QVERIFY(open(page));
    QCOMPARE(page.table()->rowCount(), 0);

    // Each seed segment: a name typed, the rule typed in the rules editor's text tab
    // (the visual tree follows; tst_ruleseditor covers building it condition by condition).
    const QList<std::pair<QString, QString>> seeds = {
        {u"Abandoned cart, last 2 days"_s, u"customer.events.last_at(type: \"cart_abandoned\") within last 2 days"_s},
        {u"Signed up this week"_s, u"customer.created_at within last 7 days"_s},
        {u"Inactive 3+ months"_s, u"customer.last_order_at more than 90 days ago"_s},
        {u"Premium tier"_s, u"customer.loyalty_tier is \"gold\""_s},
        {u"Ireland"_s, u"customer.country is \"IE\""_s},
    };
    Ui::SegmentBuilder *builder = page.builder();
    for (const auto &[name, rule] : seeds) {
        QTest::mouseClick(page.findChild<QPushButton *>(u"newSegment"_s), Qt::LeftButton);
        QTest::keyClicks(builder->nameEdit(), name);
        QSignalSpy counted(builder, &Ui::SegmentBuilder::counted);
        builder->rulesEditor()->findChild<QPlainTextEdit *>(u"ruleText"_s)->setPlainText(rule);
        QTRY_VERIFY_WITH_TIMEOUT(!builder->isCounting() && builder->count().has_value(), 10000);
        const qint64 expected = recount(rule);
        QCOMPARE(*builder->count(), expected);
        QVERIFY2(builder->countText().contains(QLocale().toString(expected)), qPrintable(builder->countText()));
        QCOMPARE(builder->previewTable()->rowCount(), int(std::min<qint64>(expected, Ui::SegmentBuilder::PreviewRows)));
        QVERIFY(builder->sqlText().contains(u"WHERE"_s));

        QSignalSpy finished(&page, &Ui::SegmentsPage::actionFinished);
        QTest::keyClick(&page, Qt::Key_S, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY2(finished[0][0].toBool(), qPrintable(page.messageText()));
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 10000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(page.table()->rowCount(), int(seeds.size()), 10000);
    // Stored with their members (auto-update is the default kind).
    auto db = Tests::openConnection(m_path);
    Store::SegmentStore store(*db);
    const auto stored = store.list().value();
    QCOMPARE(stored.size(), seeds.size());
    for (const Store::Segment &s : stored) {
        QCOMPARE(s.type, Store::SegmentType::AutoUpdate);
        QCOMPARE(s.size, recount(Rules::print(*s.rule)));
    }
    // Not a vacuous comparison: most seeds match someone on the demo.
    QVERIFY(std::count_if(stored.begin(), stored.end(), [](const Store::Segment &s) { return s.size > 0; }) >= 3);
}

void TestSegmentsPage::staleCountsAreDropped()
{
    Ui::SegmentBuilder builder;
    builder.setWorkspace(m_path);
    builder.setNow(m_now);
    auto *text = builder.rulesEditor()->findChild<QPlainTextEdit *>(u"ruleText"_s);
    // A burst of rule changes, each counted at once: only the last rule's count shows.
    const QStringList rules = {u"customer.country is \"IE\""_s, u"customer.country is \"GB\""_s,
                               u"customer.orders_count >= 3"_s, u"customer.total_spent >= 100.00"_s};
    for (const QString &rule : rules) {
        text->setPlainText(rule);
        QTRY_VERIFY(builder.rulesEditor()->rule() == checked(rule));
        builder.recount();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!builder.isCounting() && builder.count().has_value(), 10000);
    QCOMPARE(*builder.count(), recount(rules.last()));
}

void TestSegmentsPage::cartRulesAreRefused()
{
    Ui::SegmentsPage page;
    page.show();
    QVERIFY(open(page));
    Ui::SegmentBuilder *builder = page.builder();
    QTest::keyClicks(builder->nameEdit(), u"Big carts"_s);
    builder->rulesEditor()->findChild<QPlainTextEdit *>(u"ruleText"_s)->setPlainText(u"order.amount > 100.00"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!builder->isCounting() && builder->countText().startsWith(u"Cannot count"_s), 10000);
    QVERIFY2(builder->countText().contains(u"segment"_s), qPrintable(builder->countText()));
    QSignalSpy finished(&page, &Ui::SegmentsPage::actionFinished);
    page.saveSegment();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY(!finished[0][0].toBool());
    QVERIFY2(page.messageText().startsWith(u"Not saved"_s), qPrintable(page.messageText()));
}

void TestSegmentsPage::exportCancelAndAddFromFile()
{
    Ui::SegmentsPage page;
    page.show();
    QVERIFY(open(page));
    QString irish;
    qint64 size = 0;
    for (const Store::Segment &s : page.segments())
        if (s.name == u"Ireland"_s) {
            irish = s.id;
            size = s.size;
        }
    QVERIFY(!irish.isEmpty() && size > 1024);
    page.selectSegment(irish);
    QSignalSpy finished(&page, &Ui::SegmentsPage::actionFinished);

    // Cancelled at once: no file under the name, and the page says so.
    const QString cancelled = m_dir.filePath(u"cancelled.csv"_s);
    page.exportSelected(cancelled);
    QVERIFY(page.isExporting());
    QVERIFY(page.findChild<QWidget *>(u"exportProgress"_s)->isVisible());
    page.cancelExport();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY(!finished[0][0].toBool());
    QVERIFY2(page.messageText().contains(u"cancelled"_s), qPrintable(page.messageText()));
    QVERIFY(!QFileInfo::exists(cancelled));
    QVERIFY(QDir(m_dir.path()).entryList({u"cancelled*"_s}).isEmpty()); // no temporary left either

    // Whole: a header and one row per member.
    const QString file = m_dir.filePath(u"ireland.csv"_s);
    page.exportSelected(file);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
    QVERIFY2(finished[1][0].toBool(), qPrintable(page.messageText()));
    QFile csv(file);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QByteArray bytes = csv.readAll();
    QCOMPARE(bytes.count("\r\n"), size + 1);

    // A static segment filled from a file of ids: an unknown id refuses the file.
    {
        auto db = Store::Workspace::openForWriting(m_path);
        Store::Segment vip;
        vip.name = u"VIP"_s;
        vip.type = Store::SegmentType::Static;
        PD_VERIFY_OK(Store::SegmentStore(*db.value()).save(vip, u"test"_s, m_now));
    }
    QVERIFY(open(page));
    QString vipId;
    for (const Store::Segment &s : page.segments())
        if (s.name == u"VIP"_s)
            vipId = s.id;
    page.selectSegment(vipId);
    QVERIFY(page.findChild<QPushButton *>(u"addMembersFromFile"_s)->isEnabled());
    const QString ids = m_dir.filePath(u"ids.txt"_s);
    QFile list(ids);
    QVERIFY(list.open(QIODevice::WriteOnly));
    list.write("source_id\ncust_3\nmissing-one\n");
    list.close();
    page.addMembersFromFile(ids);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 10000);
    QVERIFY(!finished[2][0].toBool());
    QVERIFY2(page.messageText().contains(u"ids.txt, line 3: missing-one is not a customer"_s), qPrintable(page.messageText()));
    QVERIFY(list.open(QIODevice::WriteOnly));
    list.write("cust_3\ncust_4\n");
    list.close();
    page.addMembersFromFile(ids);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 4, 10000);
    QVERIFY2(finished[3][0].toBool(), qPrintable(page.messageText()));
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(page.segments().begin(), page.segments().end(),
                                         [](const Store::Segment &s) { return s.name == u"VIP"_s && s.size == 2; }),
                             10000);
}

void TestSegmentsPage::staleSegmentsRefreshOnOpen()
{
    // A segment last evaluated a week ago is brought up to date when the page opens.
    {
        auto db = Store::Workspace::openForWriting(m_path);
        PD_VERIFY_OK(Tests::execute(*db.value(), u"UPDATE segments SET refreshed_at = ? WHERE name = 'Ireland'"_s,
                                    {m_now - 7LL * 86400000}));
    }
    Ui::SegmentsPage page;
    page.show();
    QVERIFY(open(page));
    QTRY_VERIFY_WITH_TIMEOUT(page.messageText().contains(u"brought up to date"_s), 10000);
    auto db = Tests::openConnection(m_path);
    auto refreshed = Tests::scalar(*db, u"SELECT refreshed_at FROM segments WHERE name = 'Ireland'"_s);
    QVERIFY(refreshed.value().toLongLong() >= m_now);
}

void TestSegmentsPage::refreshAndDelete()
{
    Ui::SegmentsPage page;
    page.show();
    QVERIFY(open(page));
    QVERIFY(page.table()->rowCount() > 0);
    const QString id = page.segments().first().id;
    QSignalSpy history(&page, &Ui::SegmentsPage::historyLoaded);
    page.selectSegment(id);
    QCOMPARE(page.builder()->segment().id, id);
    // Its size over time: one point from the save so far, drawn on the chart.
    QTRY_VERIFY_WITH_TIMEOUT(history.size() >= 1, 10000);
    const qsizetype pointsBefore = page.sizeHistory().size();
    QVERIFY(pointsBefore >= 1);
    QCOMPARE(page.sizeHistory().last().size, page.segments().first().size);
    QSignalSpy finished(&page, &Ui::SegmentsPage::actionFinished);
    page.refreshSelected();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY2(finished[0][0].toBool(), qPrintable(page.messageText()));
    QVERIFY(page.messageText().startsWith(u"Refreshed"_s));
    // The refresh is a new point on the chart once the list comes back selected.
    QTRY_VERIFY_WITH_TIMEOUT(page.sizeHistory().size() == pointsBefore + 1, 10000);
    const int before = page.table()->rowCount();
    QTRY_VERIFY(!page.isBusy());
    page.selectSegment(id);
    page.deleteSelected(false);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(page.table()->rowCount(), before - 1, 10000);
}

QTEST_MAIN(TestSegmentsPage)
#include "tst_segmentspage.moc"
