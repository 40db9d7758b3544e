#include "ruletreemodel.h"

#include "rules/attributes.h"
#include "rules/syntax.h"

#include <algorithm>

namespace PromoDesk::Ui {

using Kind = Rules::Node::Kind;

struct RuleTreeModel::Item
{
    Kind kind = Kind::Condition;
    Rules::Condition condition;
    std::vector<std::unique_ptr<Item>> children;
    Item *parent = nullptr;

    int row() const
    {
        if (!parent)
            return 0;
        const auto it = std::find_if(parent->children.begin(), parent->children.end(),
                                     [this](const std::unique_ptr<Item> &c) { return c.get() == this; });
        return int(it - parent->children.begin());
    }
};

namespace {

bool isGroupKind(int kind)
{
    return kind >= int(Kind::And) && kind <= int(Kind::NoItem);
}

} // namespace

RuleTreeModel::RuleTreeModel(QObject *parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Item>())
{
    m_root->kind = Kind::And;
}

RuleTreeModel::~RuleTreeModel() = default;

Rules::Condition RuleTreeModel::defaultCondition()
{
    Rules::Condition c;
    c.attribute = QStringLiteral("customer.country");
    c.op = Rules::Operator::Is;
    c.operands = {Rules::Value::string(QString())};
    return c;
}

std::unique_ptr<RuleTreeModel::Item> RuleTreeModel::build(const Rules::Node &node, Item *parent)
{
    auto item = std::make_unique<Item>();
    item->kind = node.kind;
    item->parent = parent;
    switch (node.kind) {
    case Kind::Condition:
        item->condition = node.condition;
        break;
    case Kind::And:
    case Kind::Or:
        for (const Rules::Node &child : node.children)
            item->children.push_back(build(child, item.get()));
        break;
    case Kind::Not:
    case Kind::AnyItem:
    case Kind::EveryItem:
    case Kind::NoItem: {
        // not / any item (a and b) shows a and b as its members; rule() puts the "and" back.
        const Rules::Node &only = node.children.front();
        if (only.kind == Kind::And) {
            for (const Rules::Node &child : only.children)
                item->children.push_back(build(child, item.get()));
        } else {
            item->children.push_back(build(only, item.get()));
        }
        break;
    }
    }
    return item;
}

void RuleTreeModel::setRule(const std::optional<Rules::Node> &rule)
{
    beginResetModel();
    m_root = std::make_unique<Item>();
    m_rootKind = Kind::And;
    if (rule) {
        if (rule->kind == Kind::And || rule->kind == Kind::Or) {
            m_rootKind = rule->kind;
            for (const Rules::Node &child : rule->children)
                m_root->children.push_back(build(child, m_root.get()));
        } else {
            m_root->children.push_back(build(*rule, m_root.get()));
        }
    }
    m_root->kind = m_rootKind;
    endResetModel();
}

std::optional<Rules::Node> RuleTreeModel::combine(Kind kind, const Item &item)
{
    std::vector<Rules::Node> members;
    for (const auto &child : item.children)
        if (auto node = toNode(*child))
            members.push_back(std::move(*node));
    if (members.empty())
        return std::nullopt;
    if (members.size() == 1)
        return std::move(members.front());
    return Rules::Node::makeGroup(kind, std::move(members));
}

std::optional<Rules::Node> RuleTreeModel::toNode(const Item &item)
{
    switch (item.kind) {
    case Kind::Condition:
        return Rules::Node::makeCondition(item.condition);
    case Kind::And:
    case Kind::Or:
        return combine(item.kind, item);
    case Kind::Not:
    case Kind::AnyItem:
    case Kind::EveryItem:
    case Kind::NoItem: {
        auto inner = combine(Kind::And, item);
        if (!inner)
            return std::nullopt;
        return Rules::Node::makeGroup(item.kind, {std::move(*inner)});
    }
    }
    return std::nullopt;
}

std::optional<Rules::Node> RuleTreeModel::rule() const
{
    return combine(m_rootKind, *m_root);
}

void RuleTreeModel::setRootKind(Kind kind)
{
    if (kind != Kind::And && kind != Kind::Or)
        return;
    if (kind == m_rootKind)
        return;
    m_rootKind = kind;
    m_root->kind = kind;
    emit ruleEdited();
}

RuleTreeModel::Item *RuleTreeModel::itemAt(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Item *>(index.internalPointer()) : m_root.get();
}

QModelIndex RuleTreeModel::indexOf(const Item *item, int column) const
{
    if (!item || item == m_root.get())
        return {};
    return createIndex(item->row(), column, const_cast<Item *>(item));
}

Kind RuleTreeModel::kind(const QModelIndex &index) const
{
    return index.isValid() ? itemAt(index)->kind : m_rootKind;
}

QModelIndex RuleTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const Item *p = itemAt(parent);
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex RuleTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(itemAt(child)->parent);
}

int RuleTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(itemAt(parent)->children.size());
}

int RuleTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QString RuleTreeModel::label(const Item &item) const
{
    switch (item.kind) {
    case Kind::And: return tr("All of");
    case Kind::Or: return tr("Any of");
    case Kind::Not: return item.children.size() > 1 ? tr("Not all of") : tr("Not");
    case Kind::AnyItem: return tr("Any item matches");
    case Kind::EveryItem: return tr("Every item matches");
    case Kind::NoItem: return tr("No item matches");
    case Kind::Condition: break;
    }
    const Rules::Condition &c = item.condition;
    const Rules::Attribute *attribute = Rules::AttributeRegistry::instance().find(c.attribute);
    if (!attribute)
        return c.attribute;
    QString text = attribute->label;
    if (attribute->keyed)
        text += QLatin1Char(' ') + c.attribute.mid(attribute->name.size() + 1);
    if (!c.arguments.isEmpty()) {
        QStringList args;
        for (const Rules::Argument &a : c.arguments)
            args << a.name + QStringLiteral(": ") + Rules::printValue(a.value);
        text += QStringLiteral(" (") + args.join(QStringLiteral(", ")) + QLatin1Char(')');
    }
    return text;
}

QString RuleTreeModel::valueText(const Rules::Condition &c) const
{
    QStringList values;
    for (const Rules::Value &v : c.operands)
        values << Rules::printValue(v);
    switch (c.op) {
    case Rules::Operator::Between:
        return values.join(tr(" and "));
    case Rules::Operator::WithinLastDays:
        return tr("%1 days").arg(values.value(0));
    case Rules::Operator::MoreThanDaysAgo:
        return tr("%1 days ago").arg(values.value(0));
    default:
        return values.join(QStringLiteral(", "));
    }
}

QVariant RuleTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Item &item = *itemAt(index);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == LabelColumn)
            return label(item);
        if (item.kind != Kind::Condition)
            return {};
        if (index.column() == OperatorColumn)
            return Rules::operatorText(item.condition.op);
        return valueText(item.condition);
    case Qt::ToolTipRole:
        if (item.kind == Kind::Condition)
            return Rules::print(Rules::Node::makeCondition(item.condition));
        return {};
    case KindRole:
        return int(item.kind);
    case ConditionRole:
        if (item.kind == Kind::Condition)
            return QVariant::fromValue(item.condition);
        return {};
    default:
        return {};
    }
}

bool RuleTreeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    Item &item = *itemAt(index);
    if (role == KindRole && item.kind != Kind::Condition && isGroupKind(value.toInt())) {
        item.kind = Kind(value.toInt());
    } else if (role == ConditionRole && item.kind == Kind::Condition && value.canConvert<Rules::Condition>()) {
        item.condition = value.value<Rules::Condition>();
    } else {
        return false;
    }
    emit dataChanged(indexOf(&item, 0), indexOf(&item, ColumnCount - 1), {Qt::DisplayRole, Qt::ToolTipRole, role});
    emit ruleEdited();
    return true;
}

QVariant RuleTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case LabelColumn: return tr("Condition");
    case OperatorColumn: return tr("Operator");
    case ValueColumn: return tr("Value");
    default: return {};
    }
}

Qt::ItemFlags RuleTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    if (itemAt(index)->kind == Kind::Condition)
        f |= Qt::ItemNeverHasChildren;
    return f;
}

bool RuleTreeModel::insertRows(int row, int count, const QModelIndex &parent)
{
    Item *p = itemAt(parent);
    if (count < 1 || row < 0 || row > int(p->children.size()) || p->kind == Kind::Condition
        || (parent.isValid() && parent.column() != 0))
        return false;
    beginInsertRows(parent, row, row + count - 1);
    for (int i = 0; i < count; ++i) {
        auto item = std::make_unique<Item>();
        item->condition = defaultCondition();
        item->parent = p;
        p->children.insert(p->children.begin() + row + i, std::move(item));
    }
    endInsertRows();
    emit ruleEdited();
    return true;
}

QModelIndex RuleTreeModel::insertNode(int row, const QModelIndex &parent, const Rules::Node &node)
{
    Item *p = itemAt(parent);
    if (row < 0 || row > int(p->children.size()) || p->kind == Kind::Condition)
        return {};
    beginInsertRows(parent, row, row);
    p->children.insert(p->children.begin() + row, build(node, p));
    endInsertRows();
    emit ruleEdited();
    return index(row, 0, parent);
}

bool RuleTreeModel::removeRows(int row, int count, const QModelIndex &parent)
{
    Item *p = itemAt(parent);
    if (count < 1 || row < 0 || row + count > int(p->children.size()))
        return false;
    beginRemoveRows(parent, row, row + count - 1);
    p->children.erase(p->children.begin() + row, p->children.begin() + row + count);
    endRemoveRows();
    emit ruleEdited();
    return true;
}

bool RuleTreeModel::moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                             const QModelIndex &destinationParent, int destinationChild)
{
    Item *from = itemAt(sourceParent);
    Item *to = itemAt(destinationParent);
    if (count < 1 || sourceRow < 0 || sourceRow + count > int(from->children.size()) || destinationChild < 0
        || destinationChild > int(to->children.size()) || to->kind == Kind::Condition)
        return false;
    // A group cannot move into itself or one of its members.
    for (const Item *a = to; a; a = a->parent)
        if (a->parent == from && a->row() >= sourceRow && a->row() < sourceRow + count)
            return false;
    if (!beginMoveRows(sourceParent, sourceRow, sourceRow + count - 1, destinationParent, destinationChild))
        return false;
    std::vector<std::unique_ptr<Item>> moving;
    for (int i = 0; i < count; ++i)
        moving.push_back(std::move(from->children[size_t(sourceRow + i)]));
    from->children.erase(from->children.begin() + sourceRow, from->children.begin() + sourceRow + count);
    int at = destinationChild;
    if (from == to && destinationChild > sourceRow)
        at -= count;
    for (auto &item : moving) {
        item->parent = to;
        to->children.insert(to->children.begin() + at++, std::move(item));
    }
    endMoveRows();
    emit ruleEdited();
    return true;
}

QModelIndex RuleTreeModel::toggleNot(const QModelIndex &index)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    Item *item = itemAt(index);
    Item *p = item->parent;
    const QModelIndex parentIndex = indexOf(p);
    const int row = item->row();

    beginRemoveRows(parentIndex, row, row);
    std::unique_ptr<Item> owned = std::move(p->children[size_t(row)]);
    p->children.erase(p->children.begin() + row);
    endRemoveRows();

    std::unique_ptr<Item> replacement;
    if (owned->kind == Kind::Not && owned->children.size() == 1) {
        replacement = std::move(owned->children.front());
    } else if (owned->kind == Kind::Not) {
        owned->kind = Kind::And; // not (a and b) → a and b
        replacement = std::move(owned);
    } else {
        replacement = std::make_unique<Item>();
        replacement->kind = Kind::Not;
        owned->parent = replacement.get();
        replacement->children.push_back(std::move(owned));
    }
    replacement->parent = p;

    beginInsertRows(parentIndex, row, row);
    p->children.insert(p->children.begin() + row, std::move(replacement));
    endInsertRows();
    emit ruleEdited();
    return this->index(row, 0, parentIndex);
}

} // namespace PromoDesk::Ui
