// The campaign editor through its widgets: every demo campaign (the campaign-engine
// scenarios) built by typing and clicking and compared with what the workspace stores;
// undo / redo; validation next to the fields and activation refused with a clear message;
// the unsaved-changes guard; two editors of one campaign; and a draft that survives a
// real crash (a child process that aborts).

#include "editors/campaigndocument.h"
#include "editors/campaigneditor.h"
#include "editors/discounteditor.h"
#include "editors/ruleseditor.h"
#include "engine/campaigndrafts.h"
#include "engine/campaignjson.h"
#include "engine/democampaigns.h"
#include "items/campaignlistmodel.h"
#include "pages/campaignspage.h"
#include "rules/syntax.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"
#include "testsupport.h"
#include "widgets/codegeneratorpanel.h"
#include "widgets/moneyedit.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeEdit>
#include <QTimeZone>
#include <QUndoStack>

using namespace PromoDesk;
using namespace PromoDesk::Engine;
using namespace Qt::StringLiterals;
using Ui::CampaignEditor;

namespace {

const char *const CrashChildVariable = "PROMODESK_EDITOR_CRASH_CHILD";

template <typename T>
T *child(QObject *parent, const QString &name)
{
    T *found = parent->findChild<T *>(name);
    if (!found)
        qFatal("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return found;
}

// Types into a line edit the way a person does: select what is there, type over it.
void typeInto(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    if (text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Delete);
    else if (std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; }))
        QTest::keyClicks(edit, text);
    else
        edit->insert(text); // typed as one (QTest types Latin-1 only); emits textEdited like typing
}

void choose(QComboBox *box, const QVariant &data)
{
    const int index = box->findData(data);
    if (index < 0)
        qFatal("%s has no item %s", qPrintable(box->objectName()), qPrintable(data.toString()));
    box->setCurrentIndex(index);
}

// Writes the rule in the rules editor's Text tab and waits for it to be taken.
bool typeRule(Ui::RulesEditor *editor, const std::optional<Rules::Node> &rule)
{
    auto *text = child<QPlainTextEdit>(editor, u"ruleText"_s);
    text->setPlainText(rule ? Rules::print(*rule) : QString());
    return QTest::qWaitFor([&] { return editor->isValid() && editor->rule() == rule; }, 5000);
}

bool fillDiscount(Ui::DiscountEditor *editor, const Discount &d)
{
    choose(editor->typeBox(), int(d.type));
    if (d.type != DiscountType::Shipping && !d.applicableTo.isEmpty()) {
        QTableWidget *table = editor->targetsTable();
        for (int i = 0; i < d.applicableTo.size(); ++i) {
            editor->addTargetButton()->click();
            const ItemTarget &t = d.applicableTo[i];
            choose(qobject_cast<QComboBox *>(table->cellWidget(i, 0)), int(t.object));
            typeInto(qobject_cast<QLineEdit *>(table->cellWidget(i, 1)), t.id);
            choose(qobject_cast<QComboBox *>(table->cellWidget(i, 2)), int(t.effect));
            qobject_cast<QSpinBox *>(table->cellWidget(i, 3))->setValue(int(t.quantityLimit));
            qobject_cast<QSpinBox *>(table->cellWidget(i, 4))->setValue(int(t.aggregatedQuantityLimit));
        }
    }
    if (d.type != DiscountType::Shipping)
        choose(editor->effectBox(), int(d.effect));
    editor->amountEdit()->setCents(d.amountOff);
    editor->percentEdit()->setValue(d.percentOff);
    editor->capEdit()->setCents(d.amountLimit);
    editor->fixedEdit()->setCents(d.fixedAmount);
    editor->unitsEdit()->setValue(int(d.unitOff));
    if (!d.unitSku.isEmpty())
        typeInto(editor->unitSkuEdit(), d.unitSku);
    if (d.type != DiscountType::Shipping)
        editor->freeShippingBox()->setChecked(d.freeShipping);
    return editor->discount() == d;
}

QDateTime wall(qint64 ms, const QString &zone)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone(zone.toUtf8()));
    return QDateTime(at.date(), at.time());
}

// Builds `target` in a new campaign's editor by its widgets, section by section.
// Returns what did not take, or "".
QString build(CampaignEditor &editor, const Campaign &target)
{
    choose(child<QComboBox>(&editor, u"campaignType"_s), int(target.type));
    typeInto(child<QLineEdit>(&editor, u"name"_s), target.name);
    typeInto(child<QLineEdit>(&editor, u"description"_s), target.description);
    child<QComboBox>(&editor, u"timezone"_s)->setCurrentText(target.timezone);
    if (target.type == CampaignType::DiscountCoupons && !target.standaloneCode.isEmpty()) {
        child<QRadioButton>(&editor, u"sharedCode"_s)->click();
        typeInto(child<QLineEdit>(&editor, u"standaloneCode"_s), target.standaloneCode);
    }
    if (target.type == CampaignType::GiftVouchers)
        child<Ui::MoneyEdit>(&editor, u"giftAmount"_s)->setCents(target.giftAmount);
    if (target.type == CampaignType::Referral)
        choose(child<QComboBox>(&editor, u"referralReward"_s), target.referral.rewardCampaignId);

    if (target.type == CampaignType::DiscountCoupons || target.type == CampaignType::Referral) {
        editor.showSection(CampaignEditor::DiscountSection);
        if (!fillDiscount(editor.discountEditor(), target.discount))
            return u"the discount did not take"_s;
    }
    if (target.type == CampaignType::Promotion) {
        editor.showSection(CampaignEditor::Tiers);
        auto *list = child<QListWidget>(&editor, u"tiersList"_s);
        for (int i = 0; i < target.tiers.size(); ++i) {
            const Tier &t = target.tiers[i];
            child<QPushButton>(&editor, u"addTier"_s)->click();
            if (list->currentRow() != i)
                return u"the new tier %1 is not selected"_s.arg(i + 1);
            typeInto(child<QLineEdit>(&editor, u"tierName"_s), t.name);
            typeInto(child<QLineEdit>(&editor, u"tierMessage"_s), t.eligibility.errorMessage);
            if (!typeRule(editor.tierRulesEditor(), t.eligibility.rule))
                return u"tier %1's rule did not take: %2"_s.arg(i + 1).arg(editor.tierRulesEditor()->errorText());
            if (!fillDiscount(editor.tierDiscountEditor(), t.discount))
                return u"tier %1's discount did not take"_s.arg(i + 1);
        }
    }

    editor.showSection(CampaignEditor::Eligibility);
    if (!typeRule(editor.rulesEditor(), target.eligibility.rule))
        return u"the rule did not take: "_s + editor.rulesEditor()->errorText();
    typeInto(child<QLineEdit>(&editor, u"rulesMessage"_s), target.eligibility.errorMessage);

    editor.showSection(CampaignEditor::LimitsSection);
    const Limits &l = target.limits;
    child<QSpinBox>(&editor, u"perCode"_s)->setValue(int(l.perCode));
    child<QSpinBox>(&editor, u"perCustomer"_s)->setValue(int(l.perCustomer));
    choose(child<QComboBox>(&editor, u"perCustomerPeriod"_s), int(l.perCustomerPeriod));
    child<QSpinBox>(&editor, u"perCampaign"_s)->setValue(int(l.perCampaign));
    choose(child<QComboBox>(&editor, u"perCampaignPeriod"_s), int(l.perCampaignPeriod));
    child<Ui::MoneyEdit>(&editor, u"budgetDiscount"_s)->setCents(l.budgetDiscount);
    child<QSpinBox>(&editor, u"budgetRedemptions"_s)->setValue(int(l.budgetRedemptions));
    child<QCheckBox>(&editor, u"joinOnce"_s)->setChecked(l.joinOnce);

    editor.showSection(CampaignEditor::ScheduleSection);
    const Schedule &s = target.schedule;
    if (s.startDate) {
        child<QCheckBox>(&editor, u"hasStart"_s)->setChecked(true);
        child<QDateTimeEdit>(&editor, u"startDate"_s)->setDateTime(wall(*s.startDate, target.timezone));
    }
    if (s.expirationDate) {
        child<QCheckBox>(&editor, u"hasEnd"_s)->setChecked(true);
        child<QDateTimeEdit>(&editor, u"expirationDate"_s)->setDateTime(wall(*s.expirationDate, target.timezone));
    }
    for (int day : s.daysOfWeek)
        child<QCheckBox>(&editor, u"day%1"_s.arg(day))->setChecked(true);
    auto *windows = child<QTableWidget>(&editor, u"dailyHours"_s);
    for (int i = 0; i < s.dailyHours.size(); ++i) {
        child<QPushButton>(&editor, u"addDailyWindow"_s)->click();
        qobject_cast<QTimeEdit *>(windows->cellWidget(i, 0))->setTime(s.dailyHours[i].start);
        qobject_cast<QTimeEdit *>(windows->cellWidget(i, 1))->setTime(s.dailyHours[i].end);
    }
    child<QDoubleSpinBox>(&editor, u"timeframeInterval"_s)->setValue(double(s.timeframeIntervalMs) / 3600000.0);
    child<QDoubleSpinBox>(&editor, u"timeframeDuration"_s)->setValue(double(s.timeframeDurationMs) / 3600000.0);
    child<QDoubleSpinBox>(&editor, u"activityDays"_s)->setValue(double(s.activityAfterPublishingMs) / 86400000.0);

    if (target.hasCodes() && target.standaloneCode.isEmpty()) {
        editor.showSection(CampaignEditor::Codes);
        const CodeConfig &cfg = target.codeConfig;
        Ui::CodeGeneratorPanel *codes = editor.codePanel();
        typeInto(child<QLineEdit>(codes, u"pattern"_s), cfg.pattern);
        if (cfg.pattern.isEmpty())
            child<QSpinBox>(codes, u"length"_s)->setValue(cfg.length);
        auto *charset = child<QComboBox>(codes, u"charset"_s);
        if (charset->findData(cfg.charset) >= 0) {
            choose(charset, cfg.charset);
        } else {
            charset->setCurrentIndex(charset->count() - 1);
            typeInto(child<QLineEdit>(codes, u"customCharset"_s), cfg.charset);
        }
        typeInto(child<QLineEdit>(codes, u"prefix"_s), cfg.prefix);
        typeInto(child<QLineEdit>(codes, u"postfix"_s), cfg.postfix);
    }

    editor.showSection(CampaignEditor::Stacking);
    child<QComboBox>(&editor, u"category"_s)->setCurrentText(target.category);
    child<QSpinBox>(&editor, u"priority"_s)->setValue(target.priority);
    return {};
}

// The campaign as the editor cannot set it: identity, lifecycle and metadata aside.
QJsonObject comparable(Campaign c)
{
    c.id.clear();
    c.status = CampaignStatus::Draft;
    c.createdAt = 0;
    c.updatedAt = 0;
    c.metadata = {};
    for (Tier &t : c.tiers)
        t.id.clear();
    QJsonObject o = campaignToJson(c);
    return o;
}

QString diff(const QJsonObject &got, const QJsonObject &want)
{
    QStringList out;
    QStringList keys = got.keys() + want.keys();
    keys.removeDuplicates();
    for (const QString &key : keys)
        if (got.value(key) != want.value(key))
            out << u"%1: got %2, want %3"_s.arg(key, QString::fromUtf8(QJsonDocument(QJsonObject{{key, got.value(key)}}).toJson(QJsonDocument::Compact)),
                                               QString::fromUtf8(QJsonDocument(QJsonObject{{key, want.value(key)}}).toJson(QJsonDocument::Compact)));
    return out.join(u"\n"_s);
}

} // namespace

class TestCampaignEditor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void everyScenarioCampaignByClicking();
    void undoAndRedo();
    void activationRefusedNextToTheField_data();
    void activationRefusedNextToTheField();
    void unsavedChangesGuard();
    void twoEditorsOfOneCampaign();
    void draftSurvivesACrash();
    void pageOpensEditorsAndDrafts();

private:
    std::unique_ptr<CampaignEditor> openEditor(const QString &campaignId = {}, CampaignType type = CampaignType::DiscountCoupons);
    std::optional<Campaign> stored(const QString &id);
    std::shared_ptr<CampaignDrafts> drafts() const { return std::make_shared<CampaignDrafts>(m_path, m_draftRoot); }

    QTemporaryDir m_dir;
    QString m_path;
    QString m_draftRoot;
};

void TestCampaignEditor::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"editor.promodesk"_s);
    m_draftRoot = m_dir.filePath(u"drafts"_s);
    auto created = Store::Workspace::create(m_path, Store::WorkspaceKind::Production, u"Editor test"_s);
    PD_VERIFY_OK(created);
}

void TestCampaignEditor::init()
{
    // Every test starts without drafts.
    for (const CampaignDraft &d : drafts()->list())
        drafts()->remove(d.key);
}

std::unique_ptr<CampaignEditor> TestCampaignEditor::openEditor(const QString &campaignId, CampaignType type)
{
    auto editor = std::make_unique<CampaignEditor>(m_path, drafts());
    editor->setAttribute(Qt::WA_DeleteOnClose, false);
    if (campaignId.isEmpty())
        editor->newCampaign(type);
    else
        editor->openCampaign(campaignId);
    editor->show();
    if (!QTest::qWaitFor([&] { return editor->isLoaded(); }, 10000))
        return nullptr;
    return editor;
}

std::optional<Campaign> TestCampaignEditor::stored(const QString &id)
{
    auto db = Tests::openConnection(m_path);
    Store::CampaignStore store(*db);
    auto c = store.loadCampaign(id);
    return c ? c.value() : std::nullopt;
}

void TestCampaignEditor::everyScenarioCampaignByClicking()
{
    const QList<Campaign> demo = demoCampaigns(QDate(2026, 11, 1));
    QSet<CampaignType> types;
    QHash<QString, QString> savedIds; // demo id → stored id
    for (Campaign target : demo) {
        // The referrer's reward is picked from the stored campaigns, by the id it got here.
        if (!target.referral.rewardCampaignId.isEmpty())
            target.referral.rewardCampaignId = savedIds.value(target.referral.rewardCampaignId);
        auto editor = openEditor({}, target.type);
        QVERIFY2(editor, qPrintable(target.id));
        const QString problem = build(*editor, target);
        QVERIFY2(problem.isEmpty(), qPrintable(target.id + u": "_s + problem));
        QVERIFY2(editor->problemText().isEmpty(), qPrintable(target.id + u": "_s + editor->problemText()));
        QSignalSpy saved(editor.get(), &CampaignEditor::saved);
        QSignalSpy failed(editor.get(), &CampaignEditor::saveFailed);
        QTest::keyClick(editor.get(), Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier); // Save and activate
        QTRY_VERIFY2_WITH_TIMEOUT(saved.size() + failed.size() == 1, qPrintable(target.id), 10000);
        QVERIFY2(failed.isEmpty(), qPrintable(target.id + u": "_s + (failed.isEmpty() ? QString() : failed[0][0].toString())));
        const Campaign result = saved[0][0].value<Campaign>();
        savedIds.insert(target.id, result.id);
        auto back = stored(result.id);
        QVERIFY(back);
        QCOMPARE(back->status, CampaignStatus::Active);
        const QString difference = diff(comparable(*back), comparable(target));
        QVERIFY2(difference.isEmpty(), qPrintable(target.id + u":\n"_s + difference));
        if (target.type == CampaignType::Referral)
            QCOMPARE(back->referral.rewardCampaignId, target.referral.rewardCampaignId);
        QVERIFY(!editor->document()->isModified());
        types.insert(target.type);
    }
    QCOMPARE(types.size(), 4); // coupons, promotions, gift cards and referrals were all built
}

void TestCampaignEditor::undoAndRedo()
{
    auto editor = openEditor({}, CampaignType::Promotion);
    QVERIFY(editor);
    QUndoStack *undo = editor->document()->undoStack();
    QCOMPARE(undo->count(), 0);
    typeInto(child<QLineEdit>(editor.get(), u"name"_s), u"Spend more"_s);
    QCOMPARE(undo->count(), 1); // typing a word is one step
    editor->showSection(CampaignEditor::Tiers);
    child<QPushButton>(editor.get(), u"addTier"_s)->click();
    child<QPushButton>(editor.get(), u"addTier"_s)->click();
    QCOMPARE(editor->document()->campaign().tiers.size(), 2);
    editor->tierDiscountEditor()->percentEdit()->setValue(25);
    QCOMPARE(editor->document()->campaign().tiers[1].discount.percentOff, 25.0);
    child<QPushButton>(editor.get(), u"tierUp"_s)->click();
    QCOMPARE(editor->document()->campaign().tiers[0].discount.percentOff, 25.0);
    const QString movedId = editor->document()->campaign().tiers[0].id;

    // Undo with the keyboard, step by step: the widgets follow.
    QTest::keyClick(editor.get(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editor->document()->campaign().tiers[1].id, movedId);
    QTest::keyClick(editor.get(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editor->document()->campaign().tiers[1].discount.percentOff, 10.0);
    QCOMPARE(child<QListWidget>(editor.get(), u"tiersList"_s)->count(), 2);
    QTest::keyClick(editor.get(), Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(editor.get(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editor->document()->campaign().tiers.size(), 0);
    QCOMPARE(child<QListWidget>(editor.get(), u"tiersList"_s)->count(), 0);
    QTest::keyClick(editor.get(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(child<QLineEdit>(editor.get(), u"name"_s)->text(), QString());
    QVERIFY(!editor->document()->isModified());

    // Redo all the way: the same campaign as before.
    for (int i = 0; i < 5; ++i)
        QTest::keyClick(editor.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(child<QLineEdit>(editor.get(), u"name"_s)->text(), u"Spend more"_s);
    QCOMPARE(editor->document()->campaign().tiers.size(), 2);
    QCOMPARE(editor->document()->campaign().tiers[0].id, movedId);
    QCOMPARE(editor->document()->campaign().tiers[0].discount.percentOff, 25.0);

    // Undo past a save keeps the campaign's identity: saving again updates it.
    QSignalSpy saved(editor.get(), &CampaignEditor::saved);
    editor->save();
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    const QString id = editor->document()->campaign().id;
    QVERIFY(!id.isEmpty());
    undo->undo();
    QCOMPARE(editor->document()->campaign().id, id);
    QVERIFY(editor->document()->isModified());
    editor->save();
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 2, 10000);
    QCOMPARE(saved[1][0].value<Campaign>().id, id);
    QCOMPARE(stored(id)->tiers.size(), 2);
    QCOMPARE(stored(id)->tiers[1].id, movedId); // the undone move, saved
}

void TestCampaignEditor::activationRefusedNextToTheField_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("breakIt");
    QTest::addColumn<int>("section");
    QTest::addColumn<QString>("message");
    QTest::newRow("promotion without tiers") << int(CampaignType::Promotion) << u"nothing"_s << int(CampaignEditor::Tiers)
                                             << u"a promotion needs at least one tier"_s;
    QTest::newRow("ends before it starts") << int(CampaignType::DiscountCoupons) << u"dates"_s
                                           << int(CampaignEditor::ScheduleSection) << u"before it starts"_s;
    QTest::newRow("no discount") << int(CampaignType::DiscountCoupons) << u"zero percent"_s
                                 << int(CampaignEditor::DiscountSection) << u"more than 0 and at most 100 percent"_s;
    QTest::newRow("gift card without balance") << int(CampaignType::GiftVouchers) << u"zero balance"_s
                                               << int(CampaignEditor::Basics) << u"balance of more than 0"_s;
    QTest::newRow("tier without a name") << int(CampaignType::Promotion) << u"tier name"_s << int(CampaignEditor::Tiers)
                                         << u"a tier needs a name"_s;
    QTest::newRow("unknown zone") << int(CampaignType::DiscountCoupons) << u"zone"_s << int(CampaignEditor::Basics)
                                  << u"not a known IANA time zone"_s;
}

void TestCampaignEditor::activationRefusedNextToTheField()
{
    QFETCH(int, type);
    QFETCH(QString, breakIt);
    QFETCH(int, section);
    QFETCH(QString, message);
    auto editor = openEditor({}, CampaignType(type));
    QVERIFY(editor);
    typeInto(child<QLineEdit>(editor.get(), u"name"_s), u"Refused "_s + breakIt);
    if (breakIt == u"dates"_s) {
        child<QCheckBox>(editor.get(), u"hasStart"_s)->setChecked(true);
        child<QDateTimeEdit>(editor.get(), u"startDate"_s)->setDateTime(QDateTime(QDate(2026, 12, 10), QTime(9, 0)));
        child<QCheckBox>(editor.get(), u"hasEnd"_s)->setChecked(true);
        child<QDateTimeEdit>(editor.get(), u"expirationDate"_s)->setDateTime(QDateTime(QDate(2026, 12, 1), QTime(9, 0)));
    } else if (breakIt == u"zero percent"_s) {
        editor->discountEditor()->percentEdit()->setValue(0);
    } else if (breakIt == u"zero balance"_s) {
        child<Ui::MoneyEdit>(editor.get(), u"giftAmount"_s)->setCents(0);
    } else if (breakIt == u"tier name"_s) {
        child<QPushButton>(editor.get(), u"addTier"_s)->click();
        typeInto(child<QLineEdit>(editor.get(), u"tierName"_s), QString());
    } else if (breakIt == u"zone"_s) {
        child<QComboBox>(editor.get(), u"timezone"_s)->setCurrentText(u"Europe/Atlantis"_s);
    }
    // The problem is shown as it arises, on its section, before anything is tried.
    QVERIFY2(editor->problemText().contains(message), qPrintable(editor->problemText()));
    auto *label = child<QLabel>(editor.get(), u"problem%1"_s.arg(section));
    QVERIFY(!label->isHidden());
    QVERIFY2(label->text().contains(message), qPrintable(label->text()));

    // Activation is refused with that message and takes the marketer to the field.
    editor->showSection(CampaignEditor::Stacking);
    QSignalSpy failed(editor.get(), &CampaignEditor::saveFailed);
    QSignalSpy saved(editor.get(), &CampaignEditor::saved);
    editor->saveAndActivate();
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed[0][0].toString().contains(message), qPrintable(failed[0][0].toString()));
    QVERIFY(failed[0][0].toString().startsWith(u"Not activated"_s));
    QCOMPARE(int(editor->currentSection()), section);
    QVERIFY(editor->statusText().contains(message));

    // As a draft it saves (work in progress is kept), but stays a draft.
    if (breakIt != u"zone"_s) {
        editor->save();
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
        QCOMPARE(stored(saved[0][0].value<Campaign>().id)->status, CampaignStatus::Draft);
    }
}

void TestCampaignEditor::unsavedChangesGuard()
{
    auto editor = openEditor();
    QVERIFY(editor);
    typeInto(child<QLineEdit>(editor.get(), u"name"_s), u"Guarded"_s);
    QVERIFY(editor->isWindowModified());

    // Cancel: still open, still modified.
    QVERIFY(!editor->close());
    QVERIFY(editor->unsavedGuard() && editor->unsavedGuard()->isVisible());
    QVERIFY(editor->unsavedGuard()->text().contains(u"Guarded"_s));
    editor->unsavedGuard()->button(QMessageBox::Cancel)->click();
    QVERIFY(editor->isVisible());
    QVERIFY(editor->document()->isModified());

    // Save: saved, then closed.
    QSignalSpy saved(editor.get(), &CampaignEditor::saved);
    QVERIFY(!editor->close());
    editor->unsavedGuard()->button(QMessageBox::Save)->click();
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    QTRY_VERIFY(!editor->isVisible());
    const QString id = saved[0][0].value<Campaign>().id;
    QCOMPARE(stored(id)->name, u"Guarded"_s);

    // Discard: closed, the stored campaign unchanged, no draft left.
    auto again = openEditor(id);
    QVERIFY(again);
    typeInto(child<QLineEdit>(again.get(), u"name"_s), u"Not kept"_s);
    again->document()->flushDraft();
    QVERIFY(drafts()->find(id));
    QVERIFY(!again->close());
    again->unsavedGuard()->button(QMessageBox::Discard)->click();
    QTRY_VERIFY(!again->isVisible());
    QCOMPARE(stored(id)->name, u"Guarded"_s);
    QVERIFY(!drafts()->find(id));
}

void TestCampaignEditor::twoEditorsOfOneCampaign()
{
    auto first = openEditor();
    QVERIFY(first);
    typeInto(child<QLineEdit>(first.get(), u"name"_s), u"Shared"_s);
    QSignalSpy saved(first.get(), &CampaignEditor::saved);
    first->save();
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    const QString id = saved[0][0].value<Campaign>().id;

    auto a = openEditor(id);
    auto b = openEditor(id);
    QVERIFY(a && b);
    typeInto(child<QLineEdit>(a.get(), u"name"_s), u"Shared by A"_s);
    typeInto(child<QLineEdit>(b.get(), u"name"_s), u"Shared by B"_s);
    QSignalSpy savedA(a.get(), &CampaignEditor::saved);
    a->save();
    QTRY_COMPARE_WITH_TIMEOUT(savedA.size(), 1, 10000);
    QSignalSpy failedB(b.get(), &CampaignEditor::saveFailed);
    b->save();
    QTRY_COMPARE_WITH_TIMEOUT(failedB.size(), 1, 10000);
    QVERIFY2(failedB[0][0].toString().contains(u"changed elsewhere"_s), qPrintable(failedB[0][0].toString()));
    QCOMPARE(stored(id)->name, u"Shared by A"_s);
    // B's edits are not lost: they are its draft.
    QVERIFY(drafts()->find(id));
    QCOMPARE(drafts()->find(id)->campaign.name, u"Shared by B"_s);
}

void TestCampaignEditor::draftSurvivesACrash()
{
    // A child process edits a new campaign and a stored one, then aborts: no clean exit.
    auto first = openEditor();
    QVERIFY(first);
    typeInto(child<QLineEdit>(first.get(), u"name"_s), u"Before the crash"_s);
    QSignalSpy saved(first.get(), &CampaignEditor::saved);
    first->save();
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    const QString id = saved[0][0].value<Campaign>().id;
    first.reset();

    QProcess childProcess;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(CrashChildVariable), id);
    env.insert(u"PROMODESK_EDITOR_WORKSPACE"_s, m_path);
    env.insert(u"PROMODESK_EDITOR_DRAFTS"_s, m_draftRoot);
    childProcess.setProcessEnvironment(env);
    childProcess.start(QCoreApplication::applicationFilePath(), {u"-silent"_s});
    QVERIFY(childProcess.waitForFinished(60000));
    QVERIFY2(childProcess.exitStatus() == QProcess::CrashExit,
             qPrintable(u"the child did not crash: "_s + QString::fromUtf8(childProcess.readAllStandardError())));

    // Both drafts are there.
    const QList<CampaignDraft> left = drafts()->list();
    QCOMPARE(left.size(), 2);
    // The stored campaign's editor recovers its draft, says so, and keeps it modified.
    auto editor = openEditor(id);
    QVERIFY(editor);
    QCOMPARE(child<QLineEdit>(editor.get(), u"name"_s)->text(), u"Edited, then crashed"_s);
    QCOMPARE(editor->discountEditor()->percentEdit()->value(), 35.0);
    QVERIFY(!child<QWidget>(editor.get(), u"recoveredBar"_s)->isHidden());
    QVERIFY(editor->document()->isModified());
    QCOMPARE(stored(id)->name, u"Before the crash"_s); // nothing was saved behind the marketer's back
    // Discarding the recovered changes goes back to the stored campaign.
    child<QPushButton>(editor.get(), u"discardRecovered"_s)->click();
    QCOMPARE(child<QLineEdit>(editor.get(), u"name"_s)->text(), u"Before the crash"_s);
    QVERIFY(!drafts()->find(id));

    // The new campaign's draft opens with a tier that could not be saved yet.
    const auto fresh = std::find_if(left.begin(), left.end(), [](const CampaignDraft &d) { return d.key.startsWith(u"new_"_s); });
    QVERIFY(fresh != left.end());
    auto recovered = std::make_unique<CampaignEditor>(m_path, drafts());
    recovered->setAttribute(Qt::WA_DeleteOnClose, false);
    recovered->openDraft(*fresh);
    QTRY_VERIFY_WITH_TIMEOUT(recovered->isLoaded(), 10000);
    QCOMPARE(recovered->document()->campaign().type, CampaignType::Promotion);
    QCOMPARE(recovered->document()->campaign().name, u"Unsaved promotion"_s);
    QCOMPARE(recovered->document()->campaign().tiers.size(), 1);
    QCOMPARE(recovered->document()->campaign().tiers[0].name, QString());
    QVERIFY(recovered->problemText().contains(u"a tier needs a name"_s));
    QSignalSpy savedRecovered(recovered.get(), &CampaignEditor::saved);
    typeInto(child<QLineEdit>(recovered.get(), u"tierName"_s), u"Only tier"_s);
    recovered->save();
    QTRY_COMPARE_WITH_TIMEOUT(savedRecovered.size(), 1, 10000);
    QVERIFY(!drafts()->find(fresh->key));
}

void TestCampaignEditor::pageOpensEditorsAndDrafts()
{
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"page.promodesk"_s);
    PD_VERIFY_OK(Store::Workspace::create(path, Store::WorkspaceKind::Production, u"Page"_s));
    // A draft an earlier session left behind (in the page's usual drafts folder).
    CampaignDrafts pageDrafts(path);
    CampaignDraft left;
    left.key = CampaignDrafts::newKey();
    left.campaign.name = u"Left behind"_s;
    left.campaign.discount = amountOff(500);
    PD_VERIFY_OK(pageDrafts.save(left));

    Ui::CampaignsPage page;
    page.resize(1200, 700);
    page.show();
    page.setWorkspace(Store::Workspace::inspect(path).value());
    QVERIFY2(page.draftsText().contains(u"Left behind"_s), qPrintable(page.draftsText()));
    const QList<CampaignEditor *> opened = page.openDrafts();
    QCOMPARE(opened.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(opened[0]->isLoaded(), 10000);
    QCOMPARE(opened[0]->document()->campaign().name, u"Left behind"_s);
    QVERIFY(page.draftsText().isEmpty());
    QSignalSpy saved(opened[0], &CampaignEditor::saved);
    opened[0]->save();
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    const QString id = saved[0][0].value<Campaign>().id;
    // The list shows it, and asking to edit it again raises the same window.
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowCount() == 1, 10000);
    QCOMPARE(page.editCampaign(id), opened[0]);
    QVERIFY(pageDrafts.list().isEmpty());
    // New opens a fresh editor of the chosen type.
    CampaignEditor *gift = page.newCampaign(CampaignType::GiftVouchers);
    QTRY_VERIFY_WITH_TIMEOUT(gift->isLoaded(), 10000);
    QCOMPARE(gift->document()->campaign().type, CampaignType::GiftVouchers);
    QVERIFY(!gift->isSectionVisible(CampaignEditor::DiscountSection));
    QVERIFY(gift->isSectionVisible(CampaignEditor::Codes));
    QCOMPARE(page.openEditors().size(), 2);
    for (CampaignEditor *e : page.openEditors())
        e->close();
}

// The crash child: edits, lets the drafts be written, and aborts.
static int crashChild(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QString id = qEnvironmentVariable(CrashChildVariable);
    const QString path = qEnvironmentVariable("PROMODESK_EDITOR_WORKSPACE");
    auto drafts = std::make_shared<CampaignDrafts>(path, qEnvironmentVariable("PROMODESK_EDITOR_DRAFTS"));
    auto *stored = new CampaignEditor(path, drafts);
    stored->openCampaign(id);
    auto *fresh = new CampaignEditor(path, drafts);
    fresh->newCampaign(CampaignType::Promotion);
    if (!QTest::qWaitFor([&] { return stored->isLoaded() && fresh->isLoaded(); }, 20000))
        return 3;
    typeInto(child<QLineEdit>(stored, u"name"_s), u"Edited, then crashed"_s);
    stored->discountEditor()->percentEdit()->setValue(35);
    typeInto(child<QLineEdit>(fresh, u"name"_s), u"Unsaved promotion"_s);
    child<QPushButton>(fresh, u"addTier"_s)->click();
    typeInto(child<QLineEdit>(fresh, u"tierName"_s), QString());
    // The drafts are written a moment after the last edit, by the event loop.
    QTest::qWait(Ui::CampaignDocument::DraftDelayMs * 3);
    std::abort();
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet(CrashChildVariable))
        return crashChild(argc, argv);
    QApplication app(argc, argv);
    TestCampaignEditor test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_campaigneditor.moc"
