#pragma once

#include "store/demogenerator.h"

#include <QDialog>

#include <optional>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace PromoDesk::Ui {

// Asks where to create a workspace, whether it is production or sandbox, and
// whether to fill it with demo data.
class NewWorkspaceDialog : public QDialog
{
    Q_OBJECT

public:
    explicit NewWorkspaceDialog(const QString &folder, QWidget *parent = nullptr);

    QString path() const;
    Store::WorkspaceKind kind() const;
    std::optional<Store::DemoSize> demoSize() const;

private:
    void browse();
    void validate();

    QLineEdit *m_path;
    QButtonGroup *m_kind;
    QComboBox *m_demo;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace PromoDesk::Ui
