#pragma once

#include "rules/ast.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QToolButton;
class QTreeView;

namespace PromoDesk::Ui {

class RuleTreeModel;

// The rules editor shared by the campaign editor and the segment builder: a
// "Visual" tab (a tree of all of / any of / not groups and conditions, with a panel
// that edits the selected row) and a "Text" tab with the rule syntax, kept in sync.
// A visual edit rewrites the text in its normal form; a valid text rebuilds the
// tree; an invalid text keeps the last valid rule and shows the error at its spot.
// An empty rule means "everyone".
class RulesEditor : public QWidget
{
    Q_OBJECT

public:
    explicit RulesEditor(QWidget *parent = nullptr);

    void setRule(const std::optional<Rules::Node> &rule);
    // The last valid rule, checked (typed literals); empty means everyone.
    std::optional<Rules::Node> rule() const { return m_rule; }
    // False while what is on screen does not parse or type-check.
    bool isValid() const { return m_valid; }
    // "line 1, column 1: unknown attribute …", or empty.
    QString errorText() const { return m_errorText; }

    RuleTreeModel *model() const { return m_model; }

signals:
    void ruleChanged();

private:
    QWidget *createVisualTab();
    QWidget *createConditionPanel();

    void onTreeEdited();
    void onTextEdited();
    void validateText(bool rebuildTree);
    void showError(const QString &message, int line, int column);
    void setTextSilently(const QString &text);

    void addCondition();
    void addGroup(Rules::Node::Kind kind);
    void negate();
    void deleteSelected();
    void moveSelected(int delta);
    void updateButtons();

    // The panel that edits the selected row.
    void loadPanel();
    void onAttributeChosen();
    void onOperatorChosen();
    void rebuildValueEditors(const QList<Rules::Value> &operands);
    void rebuildParameterEditors(const QList<Rules::Argument> &arguments);
    void commitCondition();
    Rules::Condition conditionFromPanel() const;

    RuleTreeModel *m_model = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTreeView *m_tree = nullptr;
    QComboBox *m_rootKind = nullptr;
    QPushButton *m_addCondition = nullptr;
    QToolButton *m_addGroup = nullptr;
    QPushButton *m_negate = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_up = nullptr;
    QPushButton *m_down = nullptr;

    QStackedWidget *m_panel = nullptr;
    QComboBox *m_groupKind = nullptr;
    QComboBox *m_attribute = nullptr;
    QLabel *m_attributeHelp = nullptr;
    QLineEdit *m_key = nullptr;
    QLabel *m_keyLabel = nullptr;
    QWidget *m_parameters = nullptr;
    QFormLayout *m_parameterLayout = nullptr;
    QComboBox *m_operator = nullptr;
    QWidget *m_values = nullptr;
    QList<QWidget *> m_valueEditors;
    QList<QWidget *> m_parameterEditors;

    QPlainTextEdit *m_text = nullptr;
    QLabel *m_message = nullptr;
    QTimer *m_debounce = nullptr;

    std::optional<Rules::Node> m_rule;
    bool m_valid = true;
    QString m_errorText;
    bool m_loadingPanel = false;
    bool m_settingText = false;
    bool m_rebuildingTree = false;
};

} // namespace PromoDesk::Ui
