#include "kpitile.h"

#include <QLabel>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

KpiTile::KpiTile(const QString &caption, QWidget *parent)
    : QFrame(parent), m_value(new QLabel(QStringLiteral("—"), this)), m_caption(new QLabel(caption, this)),
      m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("kpiTile"));
    setFrameShape(QFrame::StyledPanel);
    setMinimumWidth(170);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.8);
    valueFont.setBold(true);
    m_value->setFont(valueFont);
    QPalette muted = m_caption->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_caption->setPalette(muted);
    m_detail->setPalette(muted);
    m_detail->setVisible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
}

void KpiTile::setValue(const QString &value, const QString &detail)
{
    m_value->setText(value);
    m_detail->setText(detail);
    m_detail->setVisible(!detail.isEmpty());
}

QString KpiTile::value() const
{
    return m_value->text();
}

} // namespace PromoDesk::Ui
