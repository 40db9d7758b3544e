// The campaign editor's schedule preview (next windows, both zones, DST warning) and
// code generator panel (live sample, code space, background generation with Cancel).

#include "engine/campaign.h"
#include "engine/codegenerator.h"
#include "store/campaignstore.h"
#include "store/coderepository.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "widgets/codegeneratorpanel.h"
#include "widgets/schedulepreview.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Ui::CodeGeneratorPanel;
using Ui::SchedulePreview;

namespace {

const QTimeZone Dublin("Europe/Dublin");

qint64 dublinMs(int year, int month, int day, int hour, int minute = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute), Dublin).toMSecsSinceEpoch();
}

QString saveCampaign(const QString &path, const QString &id)
{
    auto connection = Store::Workspace::openForWriting(path);
    if (!connection)
        return connection.error().toString();
    Store::CampaignStore store(*connection.value());
    Engine::Campaign c;
    c.id = id;
    c.name = u"Campaign "_s + id;
    c.type = Engine::CampaignType::DiscountCoupons;
    c.status = Engine::CampaignStatus::Active;
    c.discount = Engine::percentOff(10);
    c.codeConfig.pattern = u"GEN-########"_s;
    auto saved = store.saveCampaign(c, u"test"_s);
    return saved ? QString() : saved.error().toString();
}

qint64 storedCodes(const QString &path, const QString &campaignId)
{
    auto connection = Store::Connection::open(path, Store::Connection::Access::ReadOnly);
    if (!connection)
        return -1;
    auto count = Store::CodeRepository(*connection.value()).count(campaignId);
    return count ? count.value() : -1;
}

} // namespace

class TestScheduleWidgets : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void weekdayHoursShowTenWindows();
    void windowAcrossDstChangeWarns();
    void expiredScheduleShowsNoWindows();
    void invalidZoneShowsMessage();
    void typingPatternUpdatesSampleAndSpace();
    void tooSmallSpaceShowsErrorAndDisablesGenerate();
    void generatesCodesInBackground();
    void cancelStoresNothing();
    void destructionCancelsRunningJob();

private:
    QTemporaryDir m_dir;
    QString m_path;
};

void TestScheduleWidgets::initTestCase()
{
    QVERIFY(Dublin.isValid());
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"codes.promodesk"_s);
    QVERIFY(Store::Workspace::create(m_path, Store::WorkspaceKind::Production));
    for (const QString &id : {u"camp_gen"_s, u"camp_cancel"_s, u"camp_destroy"_s})
        QCOMPARE(saveCampaign(m_path, id), QString());
}

void TestScheduleWidgets::weekdayHoursShowTenWindows()
{
    Engine::Schedule schedule;
    schedule.daysOfWeek = {1, 2, 3, 4, 5};
    schedule.dailyHours = {{QTime(9, 0), QTime(17, 0)}};

    SchedulePreview preview;
    preview.setNow(dublinMs(2026, 11, 26, 2)); // a Thursday, before opening time
    preview.setSchedule(schedule, u"Europe/Dublin"_s);

    auto *table = preview.findChild<QTableWidget *>(u"windows"_s);
    QVERIFY(table);
    QCOMPARE(table->rowCount(), 10);
    QCOMPARE(table->horizontalHeaderItem(0)->text(), u"Europe/Dublin"_s);
    QVERIFY(table->horizontalHeaderItem(1)->text().startsWith(u"Local ("_s));
    QCOMPARE(table->item(0, 0)->data(Qt::UserRole).toLongLong(), dublinMs(2026, 11, 26, 9));
    QCOMPARE(table->item(0, 0)->data(Qt::UserRole + 1).toLongLong(), dublinMs(2026, 11, 26, 17));
    QVERIFY(table->item(0, 0)->text().contains(u"2026-11-26 09:00"_s));
    // Friday, then Monday: the weekend is skipped.
    QCOMPARE(table->item(2, 0)->data(Qt::UserRole).toLongLong(), dublinMs(2026, 11, 30, 9));
    for (int row = 0; row < table->rowCount(); ++row)
        QVERIFY(table->item(row, 2)->text().isEmpty());
    QVERIFY(!preview.findChild<QLabel *>(u"dstWarning"_s)->isVisibleTo(&preview));
}

void TestScheduleWidgets::windowAcrossDstChangeWarns()
{
    // Dublin leaves summer time at 02:00 on 25 October 2026: that night's window is an hour longer.
    Engine::Schedule schedule;
    schedule.startDate = dublinMs(2026, 10, 24, 0);
    schedule.expirationDate = dublinMs(2026, 10, 27, 0);
    schedule.dailyHours = {{QTime(0, 0), QTime(5, 0)}};

    SchedulePreview preview;
    preview.setNow(dublinMs(2026, 10, 20, 12));
    preview.setSchedule(schedule, u"Europe/Dublin"_s);

    auto *table = preview.findChild<QTableWidget *>(u"windows"_s);
    QCOMPARE(table->rowCount(), 3);
    QVERIFY(table->item(0, 2)->text().isEmpty());
    QCOMPARE(table->item(1, 2)->text(), u"⚠ crosses a daylight-saving change"_s);
    QVERIFY(table->item(2, 2)->text().isEmpty());
    QVERIFY(preview.findChild<QLabel *>(u"dstWarning"_s)->isVisibleTo(&preview));

    preview.resize(1000, 300);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    QVERIFY(preview.grab().save(u"/tmp/schedulepreview.png"_s));
}

void TestScheduleWidgets::expiredScheduleShowsNoWindows()
{
    Engine::Schedule schedule;
    schedule.expirationDate = dublinMs(2026, 1, 1, 0);
    SchedulePreview preview;
    preview.setNow(dublinMs(2026, 11, 26, 12));
    preview.setSchedule(schedule, u"Europe/Dublin"_s);
    QCOMPARE(preview.message(), u"No upcoming windows"_s);
    QVERIFY(!preview.findChild<QTableWidget *>(u"windows"_s)->isVisibleTo(&preview));
}

void TestScheduleWidgets::invalidZoneShowsMessage()
{
    SchedulePreview preview;
    preview.setNow(dublinMs(2026, 11, 26, 12));
    preview.setSchedule(Engine::Schedule(), u"Europe/Dublinn"_s);
    QVERIFY2(preview.message().contains(u"Unknown time zone “Europe/Dublinn”"_s), qPrintable(preview.message()));
    QVERIFY(!preview.findChild<QTableWidget *>(u"windows"_s)->isVisibleTo(&preview));
}

void TestScheduleWidgets::typingPatternUpdatesSampleAndSpace()
{
    CodeGeneratorPanel panel;
    QCOMPARE(panel.spaceText(), u"36^8 = 2.8 × 10^12 possible"_s);
    QTest::keyClicks(panel.findChild<QLineEdit *>(u"pattern"_s), u"PET-####-##"_s);
    const QStringList sample = panel.sample();
    QCOMPARE(sample.size(), 5);
    const QRegularExpression shape(u"^PET-[A-Z0-9]{4}-[A-Z0-9]{2}$"_s);
    for (const QString &code : sample)
        QVERIFY2(shape.match(code).hasMatch(), qPrintable(code));
    QCOMPARE(panel.spaceText(), u"36^6 = 2.2 × 10^9 possible"_s);
    QVERIFY(panel.planMessage().isEmpty());

    QTest::keyClicks(panel.findChild<QLineEdit *>(u"prefix"_s), u"X"_s);
    for (const QString &code : panel.sample())
        QVERIFY2(code.startsWith(u"XPET-"_s), qPrintable(code));

    panel.resize(640, 420);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.grab().save(u"/tmp/codegenerator.png"_s));
}

void TestScheduleWidgets::tooSmallSpaceShowsErrorAndDisablesGenerate()
{
    CodeGeneratorPanel panel;
    panel.setWorkspace(m_path, u"camp_gen"_s);
    auto *generate = panel.findChild<QPushButton *>(u"generate"_s);
    QVERIFY(generate->isEnabled());

    auto *charset = panel.findChild<QComboBox *>(u"charset"_s);
    charset->setCurrentIndex(charset->findData(u"numbers"_s));
    QTest::keyClicks(panel.findChild<QLineEdit *>(u"pattern"_s), u"A-##"_s);
    panel.findChild<QSpinBox *>(u"count"_s)->setValue(1000);

    const auto expected = Engine::planCodes(panel.config(), 1000);
    QVERIFY(!expected);
    QVERIFY2(panel.planMessage().contains(expected.error().message), qPrintable(panel.planMessage()));
    QVERIFY(!generate->isEnabled());
    QCOMPARE(panel.spaceText(), u"10^2 = 100 possible"_s);

    // 60 of 100 codes: allowed, with planCodes' warning.
    panel.findChild<QSpinBox *>(u"count"_s)->setValue(60);
    const auto warned = Engine::planCodes(panel.config(), 60);
    QVERIFY(warned && warned.value().warning);
    QVERIFY(panel.planMessage().contains(warned.value().message));
    QVERIFY(generate->isEnabled());
}

void TestScheduleWidgets::generatesCodesInBackground()
{
    CodeGeneratorPanel panel;
    panel.setWorkspace(m_path, u"camp_gen"_s);
    QTest::keyClicks(panel.findChild<QLineEdit *>(u"pattern"_s), u"GEN-########"_s);
    panel.findChild<QSpinBox *>(u"count"_s)->setValue(20'000);
    QSignalSpy generated(&panel, &CodeGeneratorPanel::generated);

    QTest::mouseClick(panel.findChild<QPushButton *>(u"generate"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 120'000);
    QCOMPARE(generated.at(0).at(0).toLongLong(), 20'000);
    QVERIFY(!panel.isGenerating());
    QCOMPARE(storedCodes(m_path, u"camp_gen"_s), 20'000);
}

void TestScheduleWidgets::cancelStoresNothing()
{
    CodeGeneratorPanel panel;
    panel.setWorkspace(m_path, u"camp_cancel"_s);
    panel.findChild<QSpinBox *>(u"count"_s)->setValue(2'000'000);
    QSignalSpy generated(&panel, &CodeGeneratorPanel::generated);

    QTest::mouseClick(panel.findChild<QPushButton *>(u"generate"_s), Qt::LeftButton);
    QVERIFY(panel.isGenerating());
    auto *cancel = panel.findChild<QPushButton *>(u"cancel"_s);
    QVERIFY(cancel->isVisibleTo(&panel));
    panel.resize(640, 420);
    QVERIFY(panel.grab().save(u"/tmp/codegenerator-running.png"_s));
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isGenerating(), 120'000);
    QCOMPARE(panel.statusMessage(), u"Cancelled — no codes were stored"_s);
    QCOMPARE(generated.count(), 0);
    QCOMPARE(storedCodes(m_path, u"camp_cancel"_s), 0);
    QVERIFY(panel.findChild<QPushButton *>(u"generate"_s)->isEnabled());
}

void TestScheduleWidgets::destructionCancelsRunningJob()
{
    {
        CodeGeneratorPanel panel;
        panel.setWorkspace(m_path, u"camp_destroy"_s);
        panel.findChild<QSpinBox *>(u"count"_s)->setValue(2'000'000);
        panel.generate();
        QVERIFY(panel.isGenerating());
    } // the destructor cancels and waits
    QCOMPARE(storedCodes(m_path, u"camp_destroy"_s), 0);
}

QTEST_MAIN(TestScheduleWidgets)
#include "tst_schedulewidgets.moc"
