#pragma once

#include "store/workspace.h"

#include <QAction>
#include <QKeySequence>
#include <QLineEdit>
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

protected:
    // A page's search box: placeholder, clear button, and Ctrl+F to reach it.
    void setUpSearch(QLineEdit *search, const QString &objectName, const QString &placeholder, int minimumWidth)
    {
        search->setObjectName(objectName);
        search->setPlaceholderText(placeholder);
        search->setClearButtonEnabled(true);
        search->setMinimumWidth(minimumWidth);
        auto *focusSearch = new QAction(this);
        focusSearch->setShortcut(QKeySequence::Find);
        connect(focusSearch, &QAction::triggered, search, [search] {
            search->setFocus();
            search->selectAll();
        });
        addAction(focusSearch);
    }
};

} // namespace PromoDesk::Ui
