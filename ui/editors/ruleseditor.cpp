#include "ruleseditor.h"

#include "ruletreemodel.h"

#include "rules/attributes.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTextBlock>
#include <QTimeZone>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <cmath>

namespace PromoDesk::Ui {

using Kind = Rules::Node::Kind;
using Rules::Operator;
using Rules::Type;
using Rules::Value;

namespace {

// Which editor a value slot gets; stored on the editor as a property.
enum class Slot { String, Number, Money, DateTime, Bool, Days, List };
constexpr const char *SlotProperty = "promodeskSlot";
constexpr const char *TypeProperty = "promodeskType";

const Rules::Attribute *attributeNamed(const QString &name)
{
    for (const Rules::Attribute &a : Rules::AttributeRegistry::instance().all())
        if (a.name == name)
            return &a;
    return nullptr;
}

QString operatorLabel(Operator op)
{
    switch (op) {
    case Operator::WithinLastDays: return RulesEditor::tr("within last N days");
    case Operator::MoreThanDaysAgo: return RulesEditor::tr("more than N days ago");
    default: return Rules::operatorText(op);
    }
}

Slot slotFor(Type type)
{
    switch (type) {
    case Type::String: return Slot::String;
    case Type::Number: return Slot::Number;
    case Type::Money: return Slot::Money;
    case Type::DateTime: return Slot::DateTime;
    case Type::Bool: return Slot::Bool;
    case Type::List: return Slot::String;
    }
    return Slot::String;
}

qint64 todayUtc()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return QDateTime(now.date(), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

// A list element as the person typed it, in the attribute's type; nothing if it is not one.
std::optional<Value> listElement(QString text, Type type)
{
    text = text.trimmed();
    if (text.size() >= 2 && text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"')))
        text = text.mid(1, text.size() - 2);
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    switch (type) {
    case Type::Number: {
        const double n = QLocale::c().toDouble(text, &ok);
        return ok ? std::optional(Value::number(n)) : std::nullopt;
    }
    case Type::Money: {
        const double n = QLocale::c().toDouble(text, &ok);
        return ok ? std::optional(Value::money(qRound64(n * 100.0))) : std::nullopt;
    }
    case Type::DateTime:
        if (auto ms = Rules::parseDateTime(text))
            return Value::dateTime(*ms);
        return std::nullopt;
    default:
        return Value::string(text);
    }
}

QString listElementText(const Value &v)
{
    if (v.type() == Type::String && !v.isUnknown())
        return v.asString();
    return Rules::printValue(v);
}

} // namespace

RulesEditor::RulesEditor(QWidget *parent)
    : QWidget(parent), m_model(new RuleTreeModel(this)), m_debounce(new QTimer(this))
{
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, [this] { validateText(true); });

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(createVisualTab(), tr("Visual"));

    m_text = new QPlainTextEdit;
    m_text->setObjectName(QStringLiteral("ruleText"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(
        tr("Empty: the rule applies to everyone.\nExample: customer.country in [\"IE\", \"GB\"] and order.amount >= 100.00"));
    connect(m_text, &QPlainTextEdit::textChanged, this, &RulesEditor::onTextEdited);
    m_tabs->addTab(m_text, tr("Text"));

    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("ruleMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_message);
    m_message->setContentsMargins(6, 2, 6, 4);

    connect(m_model, &RuleTreeModel::ruleEdited, this, &RulesEditor::onTreeEdited);
    setRule(std::nullopt);
}

QWidget *RulesEditor::createVisualTab()
{
    auto *tab = new QWidget;

    m_rootKind = new QComboBox;
    m_rootKind->setObjectName(QStringLiteral("rootKind"));
    m_rootKind->addItem(tr("all of the conditions below"), int(Kind::And));
    m_rootKind->addItem(tr("any of the conditions below"), int(Kind::Or));
    connect(m_rootKind, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_loadingPanel)
            m_model->setRootKind(Kind(m_rootKind->currentData().toInt()));
    });
    auto *matchRow = new QHBoxLayout;
    matchRow->addWidget(new QLabel(tr("Match")));
    matchRow->addWidget(m_rootKind);
    matchRow->addStretch(1);

    m_tree = new QTreeView;
    m_tree->setObjectName(QStringLiteral("ruleTree"));
    m_tree->setModel(m_model);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setStretchLastSection(true);
    // Narrow enough that the value column shows without scrolling in a half-width editor.
    m_tree->setColumnWidth(RuleTreeModel::LabelColumn, 170);
    m_tree->setColumnWidth(RuleTreeModel::OperatorColumn, 90);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        loadPanel();
        updateButtons();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, m_tree, [this](const QModelIndex &parent, int first, int last) {
        m_tree->expand(parent);
        for (int row = first; row <= last; ++row)
            m_tree->expandRecursively(m_model->index(row, 0, parent));
    });
    connect(m_model, &QAbstractItemModel::modelReset, m_tree, &QTreeView::expandAll);

    m_addCondition = new QPushButton(tr("Add condition"));
    m_addCondition->setObjectName(QStringLiteral("addCondition"));
    connect(m_addCondition, &QPushButton::clicked, this, &RulesEditor::addCondition);

    m_addGroup = new QToolButton;
    m_addGroup->setObjectName(QStringLiteral("addGroup"));
    m_addGroup->setText(tr("Add group"));
    m_addGroup->setPopupMode(QToolButton::InstantPopup);
    m_addGroup->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *groupMenu = new QMenu(m_addGroup);
    const std::pair<Kind, QString> groups[] = {
        {Kind::And, tr("All of (and)")},
        {Kind::Or, tr("Any of (or)")},
        {Kind::AnyItem, tr("Any item matches")},
        {Kind::EveryItem, tr("Every item matches")},
        {Kind::NoItem, tr("No item matches")},
    };
    for (const auto &[kind, text] : groups) {
        QAction *action = groupMenu->addAction(text);
        connect(action, &QAction::triggered, this, [this, k = kind] { addGroup(k); });
    }
    m_addGroup->setMenu(groupMenu);

    m_negate = new QPushButton(tr("Negate (not)"));
    m_negate->setObjectName(QStringLiteral("negate"));
    connect(m_negate, &QPushButton::clicked, this, &RulesEditor::negate);
    m_delete = new QPushButton(tr("Delete"));
    m_delete->setObjectName(QStringLiteral("delete"));
    connect(m_delete, &QPushButton::clicked, this, &RulesEditor::deleteSelected);
    m_up = new QPushButton(tr("Move up"));
    m_up->setObjectName(QStringLiteral("moveUp"));
    connect(m_up, &QPushButton::clicked, this, [this] { moveSelected(-1); });
    m_down = new QPushButton(tr("Move down"));
    m_down->setObjectName(QStringLiteral("moveDown"));
    connect(m_down, &QPushButton::clicked, this, [this] { moveSelected(+1); });

    auto *buttons = new QHBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(m_addCondition), static_cast<QWidget *>(m_addGroup),
                       static_cast<QWidget *>(m_negate), static_cast<QWidget *>(m_delete),
                       static_cast<QWidget *>(m_up), static_cast<QWidget *>(m_down)})
        buttons->addWidget(w);
    buttons->addStretch(1);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(matchRow);
    leftLayout->addWidget(m_tree, 1);

    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(left);
    splitter->addWidget(createConditionPanel());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);
    return tab;
}

QWidget *RulesEditor::createConditionPanel()
{
    m_panel = new QStackedWidget;
    m_panel->setMinimumWidth(320);

    auto *hint = new QLabel(tr("Select a condition or a group to edit it, or add one.\n"
                               "A rule without conditions applies to everyone."));
    hint->setWordWrap(true);
    hint->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_panel->addWidget(hint);

    // Condition page.
    auto *conditionPage = new QWidget;
    auto *form = new QFormLayout(conditionPage);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_attribute = new QComboBox;
    m_attribute->setObjectName(QStringLiteral("attribute"));
    m_attribute->setMaxVisibleItems(20);
    auto *attributes = new QStandardItemModel(m_attribute);
    for (Rules::Group group : {Rules::Group::Customer, Rules::Group::Order, Rules::Group::Items,
                               Rules::Group::History, Rules::Group::Time}) {
        auto *heading = new QStandardItem(Rules::groupName(group));
        QFont bold = heading->font();
        bold.setBold(true);
        heading->setFont(bold);
        heading->setFlags(Qt::NoItemFlags);
        attributes->appendRow(heading);
        for (const Rules::Attribute &a : Rules::AttributeRegistry::instance().all()) {
            if (a.group != group)
                continue;
            auto *item = new QStandardItem(a.label);
            item->setData(a.name, Qt::UserRole);
            item->setToolTip(QStringLiteral("%1 (%2): %3").arg(a.name, Rules::typeName(a.type), a.description));
            attributes->appendRow(item);
        }
    }
    m_attribute->setModel(attributes);
    connect(m_attribute, &QComboBox::currentIndexChanged, this, &RulesEditor::onAttributeChosen);
    form->addRow(tr("Attribute"), m_attribute);

    m_attributeHelp = new QLabel;
    m_attributeHelp->setWordWrap(true);
    QPalette muted = m_attributeHelp->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_attributeHelp->setPalette(muted);
    form->addRow(QString(), m_attributeHelp);

    m_key = new QLineEdit;
    m_key->setObjectName(QStringLiteral("key"));
    m_key->setPlaceholderText(tr("metadata key, e.g. pet_type"));
    m_key->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")), m_key));
    connect(m_key, &QLineEdit::textChanged, this, &RulesEditor::commitCondition);
    form->addRow(tr("Key"), m_key);

    m_parameters = new QWidget;
    m_parameterLayout = new QFormLayout(m_parameters);
    m_parameterLayout->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Only"), m_parameters);

    m_operator = new QComboBox;
    m_operator->setObjectName(QStringLiteral("operator"));
    connect(m_operator, &QComboBox::currentIndexChanged, this, &RulesEditor::onOperatorChosen);
    form->addRow(tr("Operator"), m_operator);

    m_values = new QWidget;
    auto *valuesLayout = new QHBoxLayout(m_values);
    valuesLayout->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Value"), m_values);
    m_panel->addWidget(conditionPage);

    // Group page.
    auto *groupPage = new QWidget;
    auto *groupForm = new QFormLayout(groupPage);
    m_groupKind = new QComboBox;
    m_groupKind->setObjectName(QStringLiteral("groupKind"));
    m_groupKind->addItem(tr("All of (and)"), int(Kind::And));
    m_groupKind->addItem(tr("Any of (or)"), int(Kind::Or));
    m_groupKind->addItem(tr("Not"), int(Kind::Not));
    m_groupKind->addItem(tr("Any item matches"), int(Kind::AnyItem));
    m_groupKind->addItem(tr("Every item matches"), int(Kind::EveryItem));
    m_groupKind->addItem(tr("No item matches"), int(Kind::NoItem));
    connect(m_groupKind, &QComboBox::currentIndexChanged, this, [this] {
        if (m_loadingPanel)
            return;
        const QModelIndex current = m_tree->currentIndex();
        if (current.isValid())
            m_model->setData(current.siblingAtColumn(0), m_groupKind->currentData(), RuleTreeModel::KindRole);
    });
    groupForm->addRow(tr("Group"), m_groupKind);
    auto *groupHint = new QLabel(tr("Item groups (any / every / no item) look at each line of the cart; "
                                    "use item attributes inside them."));
    groupHint->setWordWrap(true);
    groupForm->addRow(groupHint);
    m_panel->addWidget(groupPage);

    auto *box = new QWidget;
    auto *boxLayout = new QVBoxLayout(box);
    boxLayout->setContentsMargins(0, 0, 0, 0);
    boxLayout->addWidget(m_panel);
    boxLayout->addStretch(1);
    return box;
}

// ------------------------------------------------------------------ the rule

void RulesEditor::setRule(const std::optional<Rules::Node> &rule)
{
    m_debounce->stop();
    m_rebuildingTree = true;
    m_model->setRule(rule);
    m_rebuildingTree = false;
    {
        const QSignalBlocker blocker(m_rootKind);
        m_rootKind->setCurrentIndex(m_rootKind->findData(int(m_model->rootKind())));
    }
    setTextSilently(rule ? Rules::print(*rule) : QString());
    validateText(false);
    loadPanel();
    updateButtons();
}

void RulesEditor::onTreeEdited()
{
    if (m_rebuildingTree)
        return;
    m_debounce->stop();
    const std::optional<Rules::Node> node = m_model->rule();
    setTextSilently(node ? Rules::print(*node) : QString());
    validateText(false);
    updateButtons();
}

void RulesEditor::onTextEdited()
{
    if (!m_settingText)
        m_debounce->start();
}

void RulesEditor::setTextSilently(const QString &text)
{
    if (m_text->toPlainText() == text)
        return;
    m_settingText = true;
    m_text->setPlainText(text);
    m_settingText = false;
}

void RulesEditor::validateText(bool rebuildTree)
{
    const QString text = m_text->toPlainText();
    const bool wasValid = m_valid;
    const std::optional<Rules::Node> previous = m_rule;

    std::optional<Rules::Node> checked;
    if (!text.trimmed().isEmpty()) {
        auto parsed = Rules::parse(text);
        if (!parsed) {
            showError(parsed.error().toString(), parsed.error().line, parsed.error().column);
        } else if (auto typed = Rules::check(parsed.value()); !typed) {
            showError(typed.error().toString(), typed.error().line, typed.error().column);
        } else {
            checked = std::move(typed).value();
        }
        if (!checked) {
            m_valid = false;
            if (wasValid)
                emit ruleChanged();
            return;
        }
    }

    m_valid = true;
    m_errorText.clear();
    m_rule = checked;
    m_text->setExtraSelections({});
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, this->palette().color(QPalette::WindowText));
    m_message->setPalette(palette);
    m_message->setText(m_rule ? tr("The rule is valid.") : tr("No conditions: the rule applies to everyone."));

    if (rebuildTree) {
        m_rebuildingTree = true;
        m_model->setRule(m_rule);
        m_rebuildingTree = false;
        const QSignalBlocker blocker(m_rootKind);
        m_rootKind->setCurrentIndex(m_rootKind->findData(int(m_model->rootKind())));
        loadPanel();
        updateButtons();
    }
    if (!wasValid || previous != m_rule)
        emit ruleChanged();
}

void RulesEditor::showError(const QString &message, int line, int column)
{
    m_errorText = message;
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, QColor(0xb0, 0x00, 0x20));
    m_message->setPalette(palette);
    m_message->setText(message);

    QList<QTextEdit::ExtraSelection> selections;
    const QTextBlock block = m_text->document()->findBlockByNumber(std::max(line, 1) - 1);
    if (block.isValid()) {
        const QString blockText = block.text();
        int start = std::clamp(column - 1, 0, int(blockText.size()));
        int end = start;
        while (end < blockText.size() && !blockText.at(end).isSpace())
            ++end;
        if (end == start && start > 0) // at the end of the line: mark the last character
            --start;
        QTextCursor cursor(block);
        cursor.setPosition(block.position() + start);
        cursor.setPosition(block.position() + std::max(end, start + 1), QTextCursor::KeepAnchor);
        QTextEdit::ExtraSelection selection;
        selection.cursor = cursor;
        selection.format.setUnderlineStyle(QTextCharFormat::SpellCheckUnderline);
        selection.format.setUnderlineColor(QColor(0xd0, 0x10, 0x30));
        selection.format.setBackground(QColor(0xff, 0xd8, 0xdc));
        selection.format.setToolTip(message);
        selections << selection;
    }
    m_text->setExtraSelections(selections);
}

// ------------------------------------------------------------------ tree edits

void RulesEditor::addCondition()
{
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    QModelIndex parent;
    int row = m_model->rowCount();
    if (current.isValid() && m_model->isGroup(current)) {
        parent = current;
        row = m_model->rowCount(current);
    } else if (current.isValid()) {
        parent = current.parent();
        row = current.row() + 1;
    }
    if (!m_model->insertRows(row, 1, parent))
        return;
    m_tree->expand(parent);
    m_tree->setCurrentIndex(m_model->index(row, 0, parent));
}

void RulesEditor::addGroup(Kind kind)
{
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    QModelIndex parent;
    int row = m_model->rowCount();
    if (current.isValid() && m_model->isGroup(current)) {
        parent = current;
        row = m_model->rowCount(current);
    } else if (current.isValid()) {
        parent = current.parent();
        row = current.row() + 1;
    }
    Rules::Condition first = RuleTreeModel::defaultCondition();
    if (kind == Kind::AnyItem || kind == Kind::EveryItem || kind == Kind::NoItem)
        first.attribute = QStringLiteral("item.category");
    const QModelIndex group =
        m_model->insertNode(row, parent, Rules::Node::makeGroup(kind, {Rules::Node::makeCondition(first)}));
    if (!group.isValid())
        return;
    m_tree->expand(group);
    m_tree->setCurrentIndex(m_model->index(0, 0, group));
}

void RulesEditor::negate()
{
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    if (!current.isValid())
        return;
    const QModelIndex replaced = m_model->toggleNot(current);
    m_tree->expandRecursively(replaced);
    m_tree->setCurrentIndex(replaced);
}

void RulesEditor::deleteSelected()
{
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    if (!current.isValid())
        return;
    const QModelIndex parent = current.parent();
    const int row = current.row();
    m_model->removeRows(row, 1, parent);
    const int rows = m_model->rowCount(parent);
    m_tree->setCurrentIndex(rows > 0 ? m_model->index(std::min(row, rows - 1), 0, parent) : parent);
    loadPanel();
    updateButtons();
}

void RulesEditor::moveSelected(int delta)
{
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    if (!current.isValid())
        return;
    const QModelIndex parent = current.parent();
    const int row = current.row();
    const int target = row + delta;
    if (target < 0 || target >= m_model->rowCount(parent))
        return;
    if (m_model->moveRows(parent, row, 1, parent, delta > 0 ? row + 2 : row - 1))
        m_tree->setCurrentIndex(m_model->index(target, 0, parent));
    updateButtons();
}

void RulesEditor::updateButtons()
{
    const QModelIndex current = m_tree->currentIndex();
    const bool selected = current.isValid();
    m_negate->setEnabled(selected);
    m_delete->setEnabled(selected);
    m_up->setEnabled(selected && current.row() > 0);
    m_down->setEnabled(selected && current.row() + 1 < m_model->rowCount(current.parent()));
}

// ------------------------------------------------------------------ the panel

void RulesEditor::loadPanel()
{
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    m_loadingPanel = true;
    if (!current.isValid()) {
        m_panel->setCurrentIndex(0);
    } else if (m_model->isGroup(current)) {
        m_groupKind->setCurrentIndex(m_groupKind->findData(int(m_model->kind(current))));
        m_panel->setCurrentIndex(2);
    } else {
        const auto condition = current.data(RuleTreeModel::ConditionRole).value<Rules::Condition>();
        const Rules::Attribute *attribute = Rules::AttributeRegistry::instance().find(condition.attribute);
        m_attribute->setCurrentIndex(attribute ? m_attribute->findData(attribute->name) : -1);
        m_key->setText(attribute && attribute->keyed ? condition.attribute.mid(attribute->name.size() + 1) : QString());
        rebuildParameterEditors(condition.arguments);
        m_operator->clear();
        if (attribute) {
            for (Operator op : Rules::operatorsFor(attribute->type))
                m_operator->addItem(operatorLabel(op), int(op));
        }
        m_operator->setCurrentIndex(m_operator->findData(int(condition.op)));
        rebuildValueEditors(condition.operands);
        m_panel->setCurrentIndex(1);
    }
    m_loadingPanel = false;
}

void RulesEditor::onAttributeChosen()
{
    const Rules::Attribute *attribute = attributeNamed(m_attribute->currentData().toString());
    auto *form = qobject_cast<QFormLayout *>(m_attribute->parentWidget()->layout());
    form->setRowVisible(m_key, attribute && attribute->keyed);
    m_attributeHelp->setText(attribute ? QStringLiteral("%1 · %2 — %3")
                                             .arg(attribute->name, Rules::typeName(attribute->type), attribute->description)
                                       : QString());
    if (m_loadingPanel || !attribute)
        return;

    // The operator stays when it applies to the new type; the values stay when the type does.
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    const auto before = current.data(RuleTreeModel::ConditionRole).value<Rules::Condition>();
    const Rules::Attribute *previous = Rules::AttributeRegistry::instance().find(before.attribute);
    const bool sameType = previous && previous->type == attribute->type;
    m_loadingPanel = true;
    rebuildParameterEditors({});
    const QVariant op = m_operator->currentData();
    m_operator->clear();
    for (Operator o : Rules::operatorsFor(attribute->type))
        m_operator->addItem(operatorLabel(o), int(o));
    m_operator->setCurrentIndex(std::max(0, m_operator->findData(op)));
    rebuildValueEditors(sameType ? before.operands : QList<Value>{});
    m_loadingPanel = false;
    commitCondition();
}

void RulesEditor::onOperatorChosen()
{
    if (m_loadingPanel)
        return;
    const QList<Value> operands = conditionFromPanel().operands;
    m_loadingPanel = true;
    rebuildValueEditors(operands);
    m_loadingPanel = false;
    commitCondition();
}

void RulesEditor::rebuildParameterEditors(const QList<Rules::Argument> &arguments)
{
    while (m_parameterLayout->rowCount() > 0)
        m_parameterLayout->removeRow(0);
    m_parameterEditors.clear();
    const Rules::Attribute *attribute = attributeNamed(m_attribute->currentData().toString());
    auto *form = qobject_cast<QFormLayout *>(m_attribute->parentWidget()->layout());
    form->setRowVisible(m_parameters, attribute && !attribute->parameters.isEmpty());
    if (!attribute)
        return;
    for (const Rules::Parameter &parameter : attribute->parameters) {
        const Value *given = nullptr;
        for (const Rules::Argument &a : arguments)
            if (a.name == parameter.name)
                given = &a.value;
        QWidget *editor = nullptr;
        switch (parameter.type) {
        case Type::Number: {
            auto *spin = new QSpinBox;
            spin->setRange(-1, 100000);
            spin->setSpecialValueText(tr("any"));
            spin->setValue(given && given->type() == Type::Number ? int(given->asNumber()) : -1);
            connect(spin, &QSpinBox::valueChanged, this, &RulesEditor::commitCondition);
            editor = spin;
            break;
        }
        case Type::Bool: {
            auto *combo = new QComboBox;
            combo->addItem(tr("any"), QString());
            combo->addItem(tr("yes"), QStringLiteral("true"));
            combo->addItem(tr("no"), QStringLiteral("false"));
            if (given && given->type() == Type::Bool)
                combo->setCurrentIndex(given->asBool() ? 1 : 2);
            connect(combo, &QComboBox::currentIndexChanged, this, &RulesEditor::commitCondition);
            editor = combo;
            break;
        }
        default: {
            auto *line = new QLineEdit;
            line->setPlaceholderText(tr("any"));
            if (given && given->type() == Type::String)
                line->setText(given->asString());
            connect(line, &QLineEdit::textChanged, this, &RulesEditor::commitCondition);
            editor = line;
            break;
        }
        }
        editor->setObjectName(QStringLiteral("parameter_") + parameter.name);
        editor->setToolTip(parameter.description);
        editor->setProperty(TypeProperty, int(parameter.type));
        m_parameterEditors << editor;
        m_parameterLayout->addRow(parameter.name, editor);
    }
}

void RulesEditor::rebuildValueEditors(const QList<Value> &operands)
{
    for (QWidget *w : m_values->findChildren<QWidget *>(Qt::FindDirectChildrenOnly))
        delete w;
    m_valueEditors.clear();
    auto *layout = static_cast<QHBoxLayout *>(m_values->layout());

    const Rules::Attribute *attribute = attributeNamed(m_attribute->currentData().toString());
    if (!attribute || m_operator->currentIndex() < 0)
        return;
    const auto op = Operator(m_operator->currentData().toInt());
    const Type type = attribute->type;

    auto make = [&](Slot slot, const Value *given) -> QWidget * {
        QWidget *editor = nullptr;
        switch (slot) {
        case Slot::String: {
            auto *line = new QLineEdit;
            if (given && given->type() == Type::String && !given->isUnknown())
                line->setText(given->asString());
            if (!attribute->examples.isEmpty())
                line->setPlaceholderText(tr("e.g. %1").arg(attribute->examples.join(QStringLiteral(", "))));
            connect(line, &QLineEdit::textChanged, this, &RulesEditor::commitCondition);
            editor = line;
            break;
        }
        case Slot::Number: {
            auto *line = new QLineEdit;
            line->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("-?[0-9]+(\\.[0-9]*)?")), line));
            line->setText(given && given->type() == Type::Number && !given->isUnknown() ? Rules::printValue(*given)
                                                                                          : QStringLiteral("0"));
            connect(line, &QLineEdit::textChanged, this, &RulesEditor::commitCondition);
            editor = line;
            break;
        }
        case Slot::Money: {
            auto *spin = new QDoubleSpinBox;
            spin->setDecimals(2);
            spin->setRange(-1'000'000'000.0, 1'000'000'000.0);
            spin->setValue(given && given->type() == Type::Money && !given->isUnknown()
                               ? double(given->asInteger()) / 100.0
                               : 0.0);
            connect(spin, &QDoubleSpinBox::valueChanged, this, &RulesEditor::commitCondition);
            editor = spin;
            break;
        }
        case Slot::DateTime: {
            auto *edit = new QDateTimeEdit;
            edit->setTimeSpec(Qt::UTC);
            edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
            edit->setCalendarPopup(true);
            const qint64 ms = given && given->type() == Type::DateTime && !given->isUnknown() ? given->asInteger()
                                                                                                : todayUtc();
            edit->setDateTime(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()));
            connect(edit, &QDateTimeEdit::dateTimeChanged, this, &RulesEditor::commitCondition);
            editor = edit;
            break;
        }
        case Slot::Bool: {
            auto *combo = new QComboBox;
            combo->addItem(tr("true"), true);
            combo->addItem(tr("false"), false);
            if (given && given->type() == Type::Bool && !given->isUnknown())
                combo->setCurrentIndex(given->asBool() ? 0 : 1);
            connect(combo, &QComboBox::currentIndexChanged, this, &RulesEditor::commitCondition);
            editor = combo;
            break;
        }
        case Slot::Days: {
            auto *spin = new QSpinBox;
            spin->setRange(0, 100000);
            spin->setSuffix(op == Operator::MoreThanDaysAgo ? tr(" days ago") : tr(" days"));
            spin->setValue(given && given->type() == Type::Number && !given->isUnknown() ? int(given->asNumber()) : 30);
            connect(spin, &QSpinBox::valueChanged, this, &RulesEditor::commitCondition);
            editor = spin;
            break;
        }
        case Slot::List: {
            auto *list = new QPlainTextEdit;
            list->setPlaceholderText(tr("One value per line, or separated by commas"));
            list->setTabChangesFocus(true);
            list->setMaximumHeight(110);
            QStringList lines;
            for (const Value &v : operands)
                lines << listElementText(v);
            list->setPlainText(lines.join(QLatin1Char('\n')));
            connect(list, &QPlainTextEdit::textChanged, this, &RulesEditor::commitCondition);
            editor = list;
            break;
        }
        }
        editor->setProperty(SlotProperty, int(slot));
        editor->setProperty(TypeProperty, int(type));
        editor->setObjectName(QStringLiteral("value%1").arg(m_valueEditors.size()));
        m_valueEditors << editor;
        layout->addWidget(editor, 1);
        return editor;
    };

    const Value *first = operands.isEmpty() ? nullptr : &operands[0];
    switch (op) {
    case Operator::HasValue:
    case Operator::IsUnknown:
    case Operator::SameDayOfYear:
        layout->addWidget(new QLabel(tr("(no value needed)")));
        break;
    case Operator::WithinLastDays:
    case Operator::MoreThanDaysAgo:
        make(Slot::Days, first);
        break;
    case Operator::In:
    case Operator::NotIn:
        make(Slot::List, nullptr);
        break;
    case Operator::Between:
        make(slotFor(type), first);
        layout->addWidget(new QLabel(tr("and")));
        make(slotFor(type), operands.size() > 1 ? &operands[1] : nullptr);
        break;
    default:
        make(slotFor(type), first);
        break;
    }
}

void RulesEditor::commitCondition()
{
    if (m_loadingPanel)
        return;
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    if (!current.isValid() || m_model->isGroup(current))
        return;
    m_model->setData(current, QVariant::fromValue(conditionFromPanel()), RuleTreeModel::ConditionRole);
}

Rules::Condition RulesEditor::conditionFromPanel() const
{
    Rules::Condition c;
    const Rules::Attribute *attribute = attributeNamed(m_attribute->currentData().toString());
    if (!attribute)
        return c;
    c.attribute = attribute->name;
    if (attribute->keyed && !m_key->text().isEmpty())
        c.attribute += QLatin1Char('.') + m_key->text();

    for (QWidget *editor : m_parameterEditors) {
        const QString name = editor->objectName().mid(int(qstrlen("parameter_")));
        if (auto *spin = qobject_cast<QSpinBox *>(editor)) {
            if (spin->value() >= 0)
                c.arguments.append({name, Value::number(spin->value())});
        } else if (auto *combo = qobject_cast<QComboBox *>(editor)) {
            if (!combo->currentData().toString().isEmpty())
                c.arguments.append({name, Value::boolean(combo->currentData().toString() == QLatin1String("true"))});
        } else if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            if (!line->text().isEmpty())
                c.arguments.append({name, Value::string(line->text())});
        }
    }

    c.op = m_operator->currentIndex() >= 0 ? Operator(m_operator->currentData().toInt()) : Operator::Is;
    for (QWidget *editor : m_valueEditors) {
        const auto slot = Slot(editor->property(SlotProperty).toInt());
        switch (slot) {
        case Slot::String:
            c.operands << Value::string(static_cast<QLineEdit *>(editor)->text());
            break;
        case Slot::Number:
            c.operands << Value::number(QLocale::c().toDouble(static_cast<QLineEdit *>(editor)->text()));
            break;
        case Slot::Money:
            c.operands << Value::money(qRound64(static_cast<QDoubleSpinBox *>(editor)->value() * 100.0));
            break;
        case Slot::DateTime:
            c.operands << Value::dateTime(static_cast<QDateTimeEdit *>(editor)->dateTime().toMSecsSinceEpoch());
            break;
        case Slot::Bool:
            c.operands << Value::boolean(static_cast<QComboBox *>(editor)->currentData().toBool());
            break;
        case Slot::Days:
            c.operands << Value::number(static_cast<QSpinBox *>(editor)->value());
            break;
        case Slot::List: {
            const QString text = static_cast<QPlainTextEdit *>(editor)->toPlainText();
            // Lines when there are several, otherwise commas: "IE, GB" or a pasted column.
            const QStringList parts = text.contains(QLatin1Char('\n')) ? text.split(QLatin1Char('\n'))
                                                                       : text.split(QLatin1Char(','));
            for (const QString &part : parts)
                if (auto v = listElement(part, attribute->type))
                    c.operands << *v;
            break;
        }
        }
    }
    return c;
}

} // namespace PromoDesk::Ui
