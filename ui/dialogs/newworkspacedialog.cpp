#include "newworkspacedialog.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>

namespace PromoDesk::Ui {

NewWorkspaceDialog::NewWorkspaceDialog(const QString &folder, QWidget *parent)
    : QDialog(parent), m_path(new QLineEdit(this)), m_kind(new QButtonGroup(this)), m_demo(new QComboBox(this)),
      m_problem(new QLabel(this)), m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New Workspace"));
    setMinimumWidth(520);

    m_path->setText(QDir(folder).filePath(QStringLiteral("workspace.promodesk")));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &NewWorkspaceDialog::browse);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);

    auto *production = new QRadioButton(tr("Production — the real programme"), this);
    auto *sandbox = new QRadioButton(tr("Sandbox — for trying campaigns safely"), this);
    production->setChecked(true);
    m_kind->addButton(production, int(Store::WorkspaceKind::Production));
    m_kind->addButton(sandbox, int(Store::WorkspaceKind::Sandbox));
    auto *kindColumn = new QVBoxLayout;
    kindColumn->addWidget(production);
    kindColumn->addWidget(sandbox);

    m_demo->addItem(tr("Empty"));
    m_demo->addItem(tr("Demo data — small (5 000 members)"), int(Store::DemoSize::Small));
    m_demo->addItem(tr("Demo data — medium (100 000 members)"), int(Store::DemoSize::Medium));
    m_demo->addItem(tr("Demo data — large (1 400 000 members, a year of redemptions; about 5 minutes)"),
                    int(Store::DemoSize::Large));

    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_problem->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("File:"), pathRow);
    form->addRow(tr("Kind:"), kindColumn);
    form->addRow(tr("Contents:"), m_demo);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_path, &QLineEdit::textChanged, this, &NewWorkspaceDialog::validate);
    validate();
}

void NewWorkspaceDialog::browse()
{
    const QString chosen = QFileDialog::getSaveFileName(this, tr("New Workspace"), m_path->text(),
                                                        tr("PromoDesk workspaces (*.promodesk)"));
    if (!chosen.isEmpty())
        m_path->setText(chosen.endsWith(QLatin1String(".promodesk")) ? chosen : chosen + QStringLiteral(".promodesk"));
}

void NewWorkspaceDialog::validate()
{
    const QFileInfo info(path());
    QString problem;
    if (m_path->text().trimmed().isEmpty())
        problem = tr("Choose a file name.");
    else if (info.exists())
        problem = tr("%1 already exists. Choose another name.").arg(info.fileName());
    else if (!info.absoluteDir().exists())
        problem = tr("The folder %1 does not exist.").arg(info.absolutePath());
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

QString NewWorkspaceDialog::path() const
{
    QString text = m_path->text().trimmed();
    if (!text.isEmpty() && !text.endsWith(QLatin1String(".promodesk")))
        text += QStringLiteral(".promodesk");
    return QFileInfo(text).absoluteFilePath();
}

Store::WorkspaceKind NewWorkspaceDialog::kind() const
{
    return Store::WorkspaceKind(m_kind->checkedId());
}

std::optional<Store::DemoSize> NewWorkspaceDialog::demoSize() const
{
    const QVariant data = m_demo->currentData();
    if (!data.isValid())
        return std::nullopt;
    return Store::DemoSize(data.toInt());
}

} // namespace PromoDesk::Ui
