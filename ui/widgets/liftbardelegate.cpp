#include "liftbardelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace PromoDesk::Ui {

LiftBarDelegate::LiftBarDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

double LiftBarDelegate::niceRange(const QList<double> &ends)
{
    double top = 0;
    for (double e : ends)
        if (std::isfinite(e))
            top = std::max(top, std::abs(e));
    // Steps of 1, 2, 2.5 and 5 per decade, never below ±5 % nor above ±1000 %.
    top = std::clamp(top * 1.05, 0.05, 10.0);
    const double decade = std::pow(10.0, std::floor(std::log10(top)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (step * decade >= top)
            return step * decade;
    return 10 * decade;
}

QColor LiftBarDelegate::colour(int verdict)
{
    if (verdict > 0)
        return QColor(0x1b, 0x7f, 0x3b);
    if (verdict < 0)
        return QColor(0xb3, 0x26, 0x1e);
    return QColor(0x8a, 0x8f, 0x98);
}

void LiftBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background and selection

    const QRectF area = QRectF(option.rect).adjusted(10, 5, -10, -5);
    if (area.width() < 20 || area.height() < 4)
        return;
    auto xOf = [&](double v) {
        const double clamped = std::clamp(v, -m_range, m_range);
        return area.left() + (clamped + m_range) / (2 * m_range) * area.width();
    };
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    // The axis, and zero (no difference) as a dashed upright line.
    QColor axis = option.palette.color(QPalette::Text);
    axis.setAlpha(70);
    painter->setPen(QPen(axis, 1));
    painter->drawLine(QPointF(area.left(), area.center().y()), QPointF(area.right(), area.center().y()));
    QColor zero = option.palette.color(QPalette::Text);
    zero.setAlpha(160);
    painter->setPen(QPen(zero, 1, Qt::DashLine));
    painter->drawLine(QPointF(xOf(0), area.top() - 3), QPointF(xOf(0), area.bottom() + 3));

    const QVariant effect = index.data(EffectRole);
    if (effect.isValid()) {
        const double low = index.data(LowRole).toDouble();
        const double high = index.data(HighRole).toDouble();
        const double estimate = effect.toDouble();
        QColor c = colour(index.data(VerdictRole).toInt());
        const double barHeight = std::min(10.0, area.height());
        const QRectF bar(QPointF(xOf(low), area.center().y() - barHeight / 2), QPointF(xOf(high), area.center().y() + barHeight / 2));
        QColor fill = c;
        fill.setAlpha(150);
        painter->setPen(Qt::NoPen);
        painter->setBrush(fill);
        painter->drawRoundedRect(bar, 2, 2);
        // Arrows where the interval runs off the scale.
        painter->setBrush(c);
        auto arrow = [&](double x, double direction) {
            QPainterPath path;
            const double y = area.center().y();
            path.moveTo(x + direction * 6, y);
            path.lineTo(x, y - barHeight / 2 - 2);
            path.lineTo(x, y + barHeight / 2 + 2);
            path.closeSubpath();
            painter->drawPath(path);
        };
        if (!(low > -m_range))
            arrow(area.left(), -1);
        if (!(high < m_range))
            arrow(area.right(), 1);
        // The estimate: a diamond on the bar.
        const double x = xOf(estimate);
        const double y = area.center().y();
        const double r = std::min(6.0, area.height() / 2 + 1);
        QPainterPath diamond;
        diamond.moveTo(x, y - r);
        diamond.lineTo(x + r, y);
        diamond.lineTo(x, y + r);
        diamond.lineTo(x - r, y);
        diamond.closeSubpath();
        painter->setPen(QPen(option.palette.color(QPalette::Base), 1));
        painter->setBrush(c.darker(140));
        painter->drawPath(diamond);
    }
    painter->restore();
}

QSize LiftBarDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    return QSize(std::max(base.width(), 220), std::max(base.height(), option.fontMetrics.height() + 10));
}

} // namespace PromoDesk::Ui
