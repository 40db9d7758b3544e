#include "widgets/moneyedit.h"

#include <cmath>

namespace PromoDesk::Ui {

MoneyEdit::MoneyEdit(QWidget *parent)
    : QDoubleSpinBox(parent)
{
    setDecimals(2);
    setRange(0, 10'000'000);
    setSingleStep(1);
    setGroupSeparatorShown(true);
    setAccelerated(true);
    setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    connect(this, &QDoubleSpinBox::valueChanged, this, [this] { emit centsChanged(cents()); });
}

qint64 MoneyEdit::cents() const
{
    return qint64(std::llround(value() * 100.0));
}

void MoneyEdit::setCents(qint64 cents)
{
    setValue(double(cents) / 100.0);
}

} // namespace PromoDesk::Ui
