#pragma once

#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace PromoDesk::Ui {

// A centred heading + explanation, shown where a page has nothing to show yet.
class EmptyState : public QWidget
{
    Q_OBJECT

public:
    explicit EmptyState(QWidget *parent = nullptr);

    void setHeading(const QString &text);
    void setText(const QString &text);
    // Extra widgets (e.g. buttons) under the text.
    void addWidget(QWidget *widget);

private:
    QLabel *m_heading;
    QLabel *m_text;
    QVBoxLayout *m_extra;
};

} // namespace PromoDesk::Ui
