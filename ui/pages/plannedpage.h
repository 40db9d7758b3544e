#pragma once

#include "page.h"

namespace PromoDesk::Ui {

class EmptyState;

// A page whose feature is not built yet. It says so plainly and shows what the
// workspace already holds for it: never made-up numbers.
class PlannedPage : public Page
{
    Q_OBJECT

public:
    PlannedPage(QString title, QString heading, QString explanation, QWidget *parent = nullptr);

    QString title() const override { return m_title; }
    void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) override;

private:
    QString m_title;
    QString m_explanation;
    EmptyState *m_state;
};

} // namespace PromoDesk::Ui
