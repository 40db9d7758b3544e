#include "emptystate.h"

#include <QLabel>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

EmptyState::EmptyState(QWidget *parent)
    : QWidget(parent), m_heading(new QLabel(this)), m_text(new QLabel(this)), m_extra(new QVBoxLayout)
{
    m_heading->setObjectName(QStringLiteral("emptyStateHeading"));
    m_heading->setAlignment(Qt::AlignHCenter);
    QFont font = m_heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    m_heading->setFont(font);

    m_text->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_text->setWordWrap(true);
    // A word-wrapped label needs a definite width to compute its height.
    m_text->setFixedWidth(520);
    m_text->setTextFormat(Qt::PlainText);
    QPalette palette = m_text->palette();
    palette.setColor(QPalette::WindowText, palette.color(QPalette::PlaceholderText));
    m_text->setPalette(palette);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_heading, 0, Qt::AlignHCenter);
    layout->addSpacing(8);
    auto *textRow = new QHBoxLayout;
    textRow->addStretch();
    textRow->addWidget(m_text);
    textRow->addStretch();
    layout->addLayout(textRow);
    layout->addSpacing(16);
    layout->addLayout(m_extra);
    layout->addStretch(3);
}

void EmptyState::setHeading(const QString &text)
{
    m_heading->setText(text);
}

void EmptyState::setText(const QString &text)
{
    m_text->setText(text);
    m_text->setMinimumHeight(m_text->heightForWidth(m_text->width()));
}

void EmptyState::addWidget(QWidget *widget)
{
    m_extra->addWidget(widget, 0, Qt::AlignHCenter);
}

} // namespace PromoDesk::Ui
