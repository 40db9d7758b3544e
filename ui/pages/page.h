#pragma once

#include "store/workspace.h"

#include <QWidget>

#include <optional>

namespace PromoDesk::Ui {

// A sidebar destination. The main window hands every page the open workspace
// (or none); pages load their own data off the UI thread.
class Page : public QWidget
{
    Q_OBJECT

public:
    using QWidget::QWidget;

    virtual QString title() const = 0;
    virtual void setWorkspace(const std::optional<Store::WorkspaceInfo> &workspace) = 0;
};

} // namespace PromoDesk::Ui
