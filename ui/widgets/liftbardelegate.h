#pragma once

#include <QStyledItemDelegate>

namespace PromoDesk::Ui {

// Draws a lift and its interval as a horizontal bar around a zero line: the interval
// from its low to its high end, a diamond at the estimate, an arrow where an end runs off
// the scale (or is unbounded, as a one-sided interval is). Green only when the result is
// significant and good, red when significant and bad, grey otherwise. The cell's data:
// EffectRole, LowRole, HighRole (doubles, relative: 0.05 = +5 %), VerdictRole (+1, 0, -1);
// a cell without EffectRole (the control) draws only the zero line. Every row of a view
// shares one scale (setRange), so bars compare across variants.
class LiftBarDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    enum Role { EffectRole = Qt::UserRole + 40, LowRole, HighRole, VerdictRole };

    explicit LiftBarDelegate(QObject *parent = nullptr);

    // The scale runs from -range to +range (a relative lift; 0.2 = ±20 %).
    void setRange(double range) { m_range = range > 0 ? range : 0.1; }
    double range() const { return m_range; }
    // A range that holds every finite end among the values, rounded up to a nice step.
    static double niceRange(const QList<double> &ends);

    static QColor colour(int verdict);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    double m_range = 0.1;
};

} // namespace PromoDesk::Ui
