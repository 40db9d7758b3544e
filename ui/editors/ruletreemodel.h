#pragma once

#include "rules/ast.h"

#include <QAbstractItemModel>

#include <memory>
#include <optional>
#include <vector>

Q_DECLARE_METATYPE(PromoDesk::Rules::Condition)

namespace PromoDesk::Ui {

// The tree of a rule for the visual rules editor: and / or / not groups, item
// quantifiers and conditions. Top-level rows are the members of an implicit root
// group whose kind (all of / any of) is rootKind(). Every edit goes through the
// model (setData, insertRows, removeRows, moveRows, insertNode, wrapInNot) so
// every view follows. Only QtCore: it could live in models/items.
class RuleTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { LabelColumn, OperatorColumn, ValueColumn, ColumnCount };
    enum Role {
        KindRole = Qt::UserRole + 1, // int(Rules::Node::Kind); editable on groups
        ConditionRole,               // Rules::Condition; editable on conditions
    };

    explicit RuleTreeModel(QObject *parent = nullptr);
    ~RuleTreeModel() override;

    // Replaces the whole tree (a model reset). An empty rule is "everyone".
    void setRule(const std::optional<Rules::Node> &rule);
    // The rule the tree describes: empty groups are dropped, a group of one is its member.
    std::optional<Rules::Node> rule() const;

    Rules::Node::Kind rootKind() const { return m_rootKind; }
    void setRootKind(Rules::Node::Kind kind); // And or Or

    Rules::Node::Kind kind(const QModelIndex &index) const;
    bool isGroup(const QModelIndex &index) const { return kind(index) != Rules::Node::Kind::Condition; }
    // Inserts a subtree (a condition or a group with its members) at row of parent.
    QModelIndex insertNode(int row, const QModelIndex &parent, const Rules::Node &node);
    // not (x), or x again when index is already a not of one member.
    QModelIndex toggleNot(const QModelIndex &index);

    // A new condition, as "add condition" inserts it.
    static Rules::Condition defaultCondition();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Inserts default conditions.
    bool insertRows(int row, int count, const QModelIndex &parent = {}) override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;
    bool moveRows(const QModelIndex &sourceParent, int sourceRow, int count, const QModelIndex &destinationParent,
                  int destinationChild) override;

signals:
    // Any edit of the rule (rows, data or the root kind), but not setRule().
    void ruleEdited();

private:
    struct Item;
    Item *itemAt(const QModelIndex &index) const;
    QModelIndex indexOf(const Item *item, int column = 0) const;
    static std::unique_ptr<Item> build(const Rules::Node &node, Item *parent);
    static std::optional<Rules::Node> toNode(const Item &item);
    static std::optional<Rules::Node> combine(Rules::Node::Kind kind, const Item &item);
    QString label(const Item &item) const;
    QString valueText(const Rules::Condition &condition) const;

    std::unique_ptr<Item> m_root;
    Rules::Node::Kind m_rootKind = Rules::Node::Kind::And;
};

} // namespace PromoDesk::Ui
