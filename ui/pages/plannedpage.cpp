#include "plannedpage.h"

#include "widgets/emptystate.h"

#include <QVBoxLayout>

namespace PromoDesk::Ui {

PlannedPage::PlannedPage(QString title, QString heading, QString explanation, QWidget *parent)
    : Page(parent), m_title(std::move(title)), m_explanation(std::move(explanation)), m_state(new EmptyState(this))
{
    setObjectName(m_title.toLower() + QStringLiteral("Page"));
    m_state->setHeading(heading);
    m_state->setText(m_explanation);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
}

void PlannedPage::setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace)
{
    m_state->setText(workspace ? m_explanation
                               : tr("Open or create a workspace first (File ▸ Open Workspace… or File ▸ New Workspace…)."));
}

} // namespace PromoDesk::Ui
