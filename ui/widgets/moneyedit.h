#pragma once

#include <QDoubleSpinBox>

namespace PromoDesk::Ui {

// An amount of money typed as a decimal ("12.50") and held in cents, the unit of
// every amount in the models. Up to 10 million in the currency's major unit.
class MoneyEdit : public QDoubleSpinBox
{
    Q_OBJECT

public:
    explicit MoneyEdit(QWidget *parent = nullptr);

    qint64 cents() const;
    void setCents(qint64 cents);

signals:
    void centsChanged(qint64 cents);
};

} // namespace PromoDesk::Ui
