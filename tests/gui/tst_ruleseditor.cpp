// The rules editor: its tree model under QAbstractItemModelTester, a rule built by
// choosing in the widgets and read back as text, a rule typed as text and read back
// as a tree, an invalid text that keeps the last valid rule, and every campaign
// scenario rule of docs/rules.md through setRule → text → rule().

#include "editors/ruleseditor.h"
#include "editors/ruletreemodel.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace PromoDesk;
using Kind = Rules::Node::Kind;

namespace {

Rules::Node checkedRule(const QString &text)
{
    auto parsed = Rules::parse(text);
    if (!parsed)
        qFatal("%s", qPrintable(parsed.error().toString()));
    auto checked = Rules::check(parsed.value());
    if (!checked)
        qFatal("%s", qPrintable(checked.error().toString()));
    return checked.value();
}

QString printed(const std::optional<Rules::Node> &rule)
{
    return rule ? Rules::print(*rule) : QString();
}

template <typename T>
T *child(const QWidget &editor, const char *name)
{
    auto *w = editor.findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

// The campaign scenarios' rules (docs/rules.md, "Worked rules for the campaign scenarios").
const char *const ScenarioRules[] = {
    R"(customer.events.last_at(type: "cart_abandoned") within last 2 days and customer.redemptions.count(campaign: "camp_abandoned_cart") is 0)",
    R"(order.amount >= 50.00)",
    R"(order.amount >= 100.00)",
    R"(any item (item.product is "prod_A") and any item (item.product is "prod_B"))",
    R"(customer.redemptions.count(this_month: true) >= 1 or customer.referrals_count >= 1)",
    R"(any item (item.sku is "sku_headphones") and (order.amount >= 60.00 or any item (item.sku is "sku_keyboard")))",
    R"(customer.created_at within last 7 days)",
    R"(order.amount > 100.00 and customer.last_order_at more than 90 days ago)",
    R"(order.amount > 250.00 and customer.loyalty_tier is "gold")",
    R"(customer.created_at same day of year and customer.created_at more than 360 days ago)",
    R"(customer.birthdate same day of year)",
    R"(customer.country is "IE" and time.now between 2027-03-17 and 2027-03-17T23:59:59Z)",
};

} // namespace

class TestRulesEditor : public QObject
{
    Q_OBJECT

private slots:
    void modelFollowsEdits();
    void visualToText();
    void listPasteAndTypedEditors();
    void buttonsEditTheTree();
    void textToVisual();
    void invalidTextKeepsLastValidRule();
    void scenarioRoundTrip_data();
    void scenarioRoundTrip();
    void screenshot();
};

void TestRulesEditor::modelFollowsEdits()
{
    Ui::RuleTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy edited(&model, &Ui::RuleTreeModel::ruleEdited);

    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.rule());

    model.setRule(checkedRule(QStringLiteral(
        R"(customer.country is "IE" and (order.amount >= 10.00 or not customer.tags contains "staff"))")));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rootKind(), Kind::And);
    const QModelIndex group = model.index(1, 0);
    QCOMPARE(model.kind(group), Kind::Or);
    QCOMPARE(model.rowCount(group), 2);
    QCOMPARE(model.index(1, 0, group).data().toString(), QStringLiteral("Not"));
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Country"));
    QCOMPARE(model.index(0, Ui::RuleTreeModel::OperatorColumn).data().toString(), QStringLiteral("is"));
    QCOMPARE(model.index(0, Ui::RuleTreeModel::ValueColumn).data().toString(), QStringLiteral("\"IE\""));
    QCOMPARE(edited.count(), 0);

    // Insert a default condition into the group, then remove it.
    QVERIFY(model.insertRows(2, 1, group));
    QCOMPARE(model.rowCount(group), 3);
    QCOMPARE(printed(model.rule()),
             QStringLiteral(R"(customer.country is "IE" and (order.amount >= 10.00 or not customer.tags contains "staff" or customer.country is ""))"));
    QVERIFY(model.removeRows(2, 1, group));
    QCOMPARE(model.rowCount(group), 2);

    // Move down and up within the root, and out of the group to the root.
    QVERIFY(model.moveRows({}, 0, 1, {}, 2));
    QCOMPARE(printed(model.rule()),
             QStringLiteral(R"((order.amount >= 10.00 or not customer.tags contains "staff") and customer.country is "IE")"));
    QVERIFY(model.moveRows({}, 1, 1, {}, 0));
    QVERIFY(model.moveRows(model.index(1, 0), 0, 1, {}, 0));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(printed(model.rule()),
             QStringLiteral(R"(order.amount >= 10.00 and customer.country is "IE" and not customer.tags contains "staff")"));
    // A group cannot move into itself.
    QVERIFY(!model.moveRows({}, 2, 1, model.index(2, 0), 0));

    // Negate twice, change a kind, edit a condition.
    QModelIndex negated = model.toggleNot(model.index(1, 0));
    QCOMPARE(model.kind(negated), Kind::Not);
    QCOMPARE(printed(model.rule()),
             QStringLiteral(R"(order.amount >= 10.00 and not customer.country is "IE" and not customer.tags contains "staff")"));
    negated = model.toggleNot(negated);
    QCOMPARE(model.kind(negated), Kind::Condition);
    model.setRootKind(Kind::Or);
    QCOMPARE(printed(model.rule()),
             QStringLiteral(R"(order.amount >= 10.00 or customer.country is "IE" or not customer.tags contains "staff")"));
    Rules::Condition c = model.index(1, 0).data(Ui::RuleTreeModel::ConditionRole).value<Rules::Condition>();
    c.op = Rules::Operator::In;
    c.operands = {Rules::Value::string(QStringLiteral("IE")), Rules::Value::string(QStringLiteral("GB"))};
    QVERIFY(model.setData(model.index(1, 0), QVariant::fromValue(c), Ui::RuleTreeModel::ConditionRole));
    QCOMPARE(model.index(1, Ui::RuleTreeModel::ValueColumn).data().toString(), QStringLiteral("\"IE\", \"GB\""));
    QVERIFY(!model.setData(model.index(1, 0), int(Kind::And), Ui::RuleTreeModel::KindRole)); // not a group

    // A subtree, then everything removed: everyone.
    const QModelIndex any = model.insertNode(
        0, {}, checkedRule(QStringLiteral(R"(any item (item.category is "Dog Food" and item.quantity >= 2))")));
    QCOMPARE(model.rowCount(any), 2);
    QVERIFY(model.setData(any, int(Kind::NoItem), Ui::RuleTreeModel::KindRole));
    QVERIFY(printed(model.rule()).startsWith(QStringLiteral(R"(none item (item.category is "Dog Food" and item.quantity >= 2) or)")));
    QVERIFY(model.removeRows(0, model.rowCount()));
    QVERIFY(!model.rule());
    QVERIFY(edited.count() > 8);
}

void TestRulesEditor::visualToText()
{
    Ui::RulesEditor editor;
    editor.resize(900, 500);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QSignalSpy changed(&editor, &Ui::RulesEditor::ruleChanged);

    auto *attribute = child<QComboBox>(editor, "attribute");
    auto *op = child<QComboBox>(editor, "operator");
    QTest::mouseClick(child<QPushButton>(editor, "addCondition"), Qt::LeftButton);
    attribute->setCurrentIndex(attribute->findData(QStringLiteral("customer.country")));
    op->setCurrentIndex(op->findText(QStringLiteral("in")));
    auto *list = child<QPlainTextEdit>(editor, "value0");
    QTest::keyClicks(list, QStringLiteral("IE, GB"));

    QTest::mouseClick(child<QPushButton>(editor, "addCondition"), Qt::LeftButton);
    attribute->setCurrentIndex(attribute->findData(QStringLiteral("order.amount")));
    QCOMPARE(op->currentText(), QStringLiteral("is")); // the operators of money
    QVERIFY(op->findText(QStringLiteral("contains")) < 0);
    op->setCurrentIndex(op->findText(QStringLiteral(">=")));
    auto *amount = child<QDoubleSpinBox>(editor, "value0");
    amount->selectAll();
    QTest::keyClicks(amount, QStringLiteral("100"));

    const QString expected = QStringLiteral(R"(customer.country in ["IE", "GB"] and order.amount >= 100.00)");
    QCOMPARE(child<QPlainTextEdit>(editor, "ruleText")->toPlainText(), expected);
    QVERIFY(editor.isValid());
    QCOMPARE(printed(editor.rule()), expected);
    QCOMPARE(editor.rule(), std::optional(checkedRule(expected)));
    QVERIFY(changed.count() > 0);
}

void TestRulesEditor::listPasteAndTypedEditors()
{
    Ui::RulesEditor editor;
    editor.show();
    auto *attribute = child<QComboBox>(editor, "attribute");
    auto *op = child<QComboBox>(editor, "operator");
    auto *text = child<QPlainTextEdit>(editor, "ruleText");

    // A pasted column of values.
    QTest::mouseClick(child<QPushButton>(editor, "addCondition"), Qt::LeftButton);
    attribute->setCurrentIndex(attribute->findData(QStringLiteral("customer.postal_code")));
    op->setCurrentIndex(op->findText(QStringLiteral("not in")));
    child<QPlainTextEdit>(editor, "value0")->insertPlainText(QStringLiteral("D02 X285\nD04, K2\n\nT12 1AB\n"));
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(customer.postal_code not in ["D02 X285", "D04, K2", "T12 1AB"])"));

    // Days, a keyed attribute, a parameter, a between of dates.
    attribute->setCurrentIndex(attribute->findData(QStringLiteral("customer.last_order_at")));
    op->setCurrentIndex(op->findData(int(Rules::Operator::WithinLastDays)));
    QCOMPARE(text->toPlainText(), QStringLiteral("customer.last_order_at within last 30 days"));
    op->setCurrentIndex(op->findData(int(Rules::Operator::Between)));
    QVERIFY(text->toPlainText().startsWith(QStringLiteral("customer.last_order_at between ")));

    attribute->setCurrentIndex(attribute->findData(QStringLiteral("customer.metadata")));
    QTest::keyClicks(child<QLineEdit>(editor, "key"), QStringLiteral("pet_type"));
    QTest::keyClicks(child<QLineEdit>(editor, "value0"), QStringLiteral("dog"));
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(customer.metadata.pet_type is "dog")"));

    attribute->setCurrentIndex(attribute->findData(QStringLiteral("order.items.quantity")));
    QTest::keyClicks(child<QLineEdit>(editor, "parameter_sku"), QStringLiteral("sku_1"));
    op->setCurrentIndex(op->findText(QStringLiteral(">=")));
    auto *number = child<QLineEdit>(editor, "value0");
    number->selectAll();
    QTest::keyClicks(number, QStringLiteral("2"));
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(order.items.quantity(sku: "sku_1") >= 2)"));
    QVERIFY(editor.isValid());
}

void TestRulesEditor::buttonsEditTheTree()
{
    Ui::RulesEditor editor;
    editor.show();
    auto *tree = child<QTreeView>(editor, "ruleTree");
    auto *text = child<QPlainTextEdit>(editor, "ruleText");
    editor.setRule(checkedRule(QStringLiteral(R"(customer.country is "IE" and order.amount >= 10.00)")));

    tree->setCurrentIndex(editor.model()->index(1, 0));
    QTest::mouseClick(child<QPushButton>(editor, "moveUp"), Qt::LeftButton);
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(order.amount >= 10.00 and customer.country is "IE")"));
    QTest::mouseClick(child<QPushButton>(editor, "negate"), Qt::LeftButton);
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(not order.amount >= 10.00 and customer.country is "IE")"));
    QTest::mouseClick(child<QPushButton>(editor, "negate"), Qt::LeftButton);
    QTest::mouseClick(child<QPushButton>(editor, "moveDown"), Qt::LeftButton);
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(customer.country is "IE" and order.amount >= 10.00)"));

    // An "any of" group after the selected condition, holding a new condition.
    child<QToolButton>(editor, "addGroup")->menu()->actions().at(1)->trigger();
    QCOMPARE(editor.model()->kind(tree->currentIndex().parent()), Kind::Or);
    QTest::mouseClick(child<QPushButton>(editor, "addCondition"), Qt::LeftButton);
    QCOMPARE(text->toPlainText(),
             QStringLiteral(R"(customer.country is "IE" and order.amount >= 10.00 and (customer.country is "" or customer.country is ""))"));
    QTest::mouseClick(child<QPushButton>(editor, "delete"), Qt::LeftButton);
    QTest::mouseClick(child<QPushButton>(editor, "delete"), Qt::LeftButton);
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(customer.country is "IE" and order.amount >= 10.00)"));

    auto *root = child<QComboBox>(editor, "rootKind");
    root->setCurrentIndex(root->findData(int(Kind::Or)));
    QCOMPARE(text->toPlainText(), QStringLiteral(R"(customer.country is "IE" or order.amount >= 10.00)"));
    QCOMPARE(printed(editor.rule()), text->toPlainText());
}

void TestRulesEditor::textToVisual()
{
    Ui::RulesEditor editor;
    editor.show();
    auto *text = child<QPlainTextEdit>(editor, "ruleText");
    child<QTabWidget>(editor, "")->setCurrentIndex(1);
    text->setFocus();
    QSignalSpy changed(&editor, &Ui::RulesEditor::ruleChanged);
    QTest::keyClicks(text, QStringLiteral(R"(customer.loyalty_tier is "gold" or order.amount > 250.00)"));
    QCOMPARE(editor.model()->rowCount(), 0); // debounced: nothing yet
    QTRY_COMPARE(editor.model()->rowCount(), 2);
    QCOMPARE(editor.model()->rootKind(), Kind::Or);
    QCOMPARE(editor.model()->index(0, 0).data().toString(), QStringLiteral("Loyalty tier"));
    QCOMPARE(editor.model()->index(0, 2).data().toString(), QStringLiteral("\"gold\""));
    QCOMPARE(editor.model()->index(1, 0).data().toString(), QStringLiteral("Order amount"));
    QCOMPARE(editor.model()->index(1, 1).data().toString(), QStringLiteral(">"));
    QCOMPARE(editor.model()->index(1, 2).data().toString(), QStringLiteral("250.00"));
    QCOMPARE(child<QComboBox>(editor, "rootKind")->currentData().toInt(), int(Kind::Or));
    QVERIFY(editor.isValid());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(editor.rule(), std::optional(checkedRule(text->toPlainText())));

    // Clearing the text is "everyone".
    text->selectAll();
    QTest::keyClick(text, Qt::Key_Delete);
    QTRY_COMPARE(editor.model()->rowCount(), 0);
    QVERIFY(editor.isValid());
    QVERIFY(!editor.rule());
}

void TestRulesEditor::invalidTextKeepsLastValidRule()
{
    Ui::RulesEditor editor;
    editor.show();
    const Rules::Node valid = checkedRule(QStringLiteral(R"(customer.country is "GB")"));
    editor.setRule(valid);
    auto *text = child<QPlainTextEdit>(editor, "ruleText");
    text->selectAll();
    QTest::keyClicks(text, QStringLiteral(R"(customer.countyr is "IE")"));
    QTRY_VERIFY(!editor.isValid());
    QVERIFY2(editor.errorText().contains(QStringLiteral("line 1")), qPrintable(editor.errorText()));
    QVERIFY2(editor.errorText().contains(QStringLiteral("did you mean customer.country")), qPrintable(editor.errorText()));
    QCOMPARE(child<QLabel>(editor, "ruleMessage")->text(), editor.errorText());
    QCOMPARE(editor.rule(), std::optional(valid));
    QCOMPARE(editor.model()->rowCount(), 1);
    QCOMPARE(editor.model()->index(0, 2).data().toString(), QStringLiteral("\"GB\""));
    // The unknown attribute is underlined where it stands.
    const QList<QTextEdit::ExtraSelection> marks = text->extraSelections();
    QCOMPARE(marks.size(), 1);
    QCOMPARE(marks.front().cursor.selectionStart(), 0);
    QCOMPARE(marks.front().cursor.selectedText(), QStringLiteral("customer.countyr"));

    // A type error on line 2 is marked on line 2; fixing it makes the rule valid again.
    text->setPlainText(QStringLiteral("customer.country is \"IE\"\nand order.amount >= \"x\""));
    QTRY_VERIFY(editor.errorText().startsWith(QStringLiteral("line 2, column 5")));
    QCOMPARE(text->extraSelections().front().cursor.selectedText(), QStringLiteral("order.amount"));
    text->setPlainText(QStringLiteral("customer.country is \"IE\"\nand order.amount >= 5"));
    QTRY_VERIFY(editor.isValid());
    QCOMPARE(printed(editor.rule()), QStringLiteral(R"(customer.country is "IE" and order.amount >= 5.00)"));
    QVERIFY(text->extraSelections().isEmpty());
    QCOMPARE(editor.model()->rowCount(), 2);
}

void TestRulesEditor::scenarioRoundTrip_data()
{
    QTest::addColumn<QString>("text");
    int n = 0;
    for (const char *rule : ScenarioRules)
        QTest::addRow("%d", ++n) << QString::fromUtf8(rule);
}

void TestRulesEditor::scenarioRoundTrip()
{
    QFETCH(QString, text);
    const Rules::Node rule = checkedRule(text);
    Ui::RulesEditor editor;
    QAbstractItemModelTester tester(editor.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    editor.setRule(rule);
    auto *textEdit = child<QPlainTextEdit>(editor, "ruleText");
    QCOMPARE(textEdit->toPlainText(), Rules::print(rule));
    QVERIFY(editor.isValid());
    QCOMPARE(editor.rule(), std::optional(rule));
    QCOMPARE(editor.model()->rule(), std::optional(rule));

    // And back: the text typed anew rebuilds the same tree.
    editor.setRule(std::nullopt);
    QCOMPARE(editor.model()->rowCount(), 0);
    textEdit->setPlainText(text);
    QTRY_VERIFY(editor.model()->rowCount() > 0);
    QCOMPARE(editor.model()->rule(), std::optional(rule));
    QCOMPARE(editor.rule(), std::optional(rule));
}

void TestRulesEditor::screenshot()
{
    Ui::RulesEditor editor;
    editor.resize(900, 500);
    editor.setRule(checkedRule(QString::fromUtf8(ScenarioRules[5])));
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    auto *tree = child<QTreeView>(editor, "ruleTree");
    const QModelIndex group = editor.model()->index(1, 0);
    tree->setCurrentIndex(editor.model()->index(0, 0, group));
    QCOMPARE(child<QDoubleSpinBox>(editor, "value0")->value(), 60.0);
    QTest::qWait(50);
    QVERIFY(editor.grab().save(QStringLiteral("/tmp/ruleseditor.png")));

    child<QTabWidget>(editor, "")->setCurrentIndex(1);
    child<QPlainTextEdit>(editor, "ruleText")->setPlainText(
        QStringLiteral("customer.countyr is \"IE\"\nand order.amount >= 100.00"));
    QTRY_VERIFY(!editor.isValid());
    QVERIFY(editor.grab().save(QStringLiteral("/tmp/ruleseditor-text.png")));
}

QTEST_MAIN(TestRulesEditor)
#include "tst_ruleseditor.moc"
