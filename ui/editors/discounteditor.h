#pragma once

#include "engine/campaign.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace PromoDesk::Ui {

class MoneyEdit;

// Edits one discount (a coupon's, a referral's or a promotion tier's): every discount
// type and target of the engine — amount, percent with a cap, fixed price, free units,
// free shipping; on the order or on matching items (SKU, product or category; every,
// cheapest or most expensive unit; per-line and total unit limits). The fields that
// do not belong to the chosen type are hidden, and a line describes the result in words.
class DiscountEditor : public QWidget
{
    Q_OBJECT

public:
    explicit DiscountEditor(QWidget *parent = nullptr);

    // Shows `discount` without emitting edited().
    void setDiscount(const Engine::Discount &discount);
    Engine::Discount discount() const { return m_discount; }

    // A validation message for a field, by its JSON key under the discount
    // ("percent_off", "applicable_to[0].id"); empty clears it.
    void showProblem(const QString &field, const QString &message);

    // For tests and the editor's focus-on-error.
    QComboBox *typeBox() const { return m_type; }
    QComboBox *effectBox() const { return m_effect; }
    MoneyEdit *amountEdit() const { return m_amount; }
    QDoubleSpinBox *percentEdit() const { return m_percent; }
    MoneyEdit *capEdit() const { return m_cap; }
    MoneyEdit *fixedEdit() const { return m_fixed; }
    QSpinBox *unitsEdit() const { return m_units; }
    QLineEdit *unitSkuEdit() const { return m_unitSku; }
    QCheckBox *freeShippingBox() const { return m_freeShipping; }
    QTableWidget *targetsTable() const { return m_targets; }
    QPushButton *addTargetButton() const { return m_addTarget; }
    QWidget *fieldWidget(const QString &field) const;

signals:
    // The user changed something: `text` for the undo menu, `field` the JSON key.
    void edited(const QString &text, const QString &field);

private:
    void commit(const QString &text, const QString &field);
    void refresh();
    void addTargetRow(const Engine::ItemTarget &target);
    void readTargets();
    void updateVisibility();

    Engine::Discount m_discount;
    bool m_loading = false;

    QFormLayout *m_form;
    QComboBox *m_type;
    QComboBox *m_effect;
    MoneyEdit *m_amount;
    QDoubleSpinBox *m_percent;
    MoneyEdit *m_cap;
    MoneyEdit *m_fixed;
    QSpinBox *m_units;
    QLineEdit *m_unitSku;
    QCheckBox *m_freeShipping;
    QWidget *m_targetsBox;
    QTableWidget *m_targets;
    QPushButton *m_addTarget;
    QPushButton *m_removeTarget;
    QLabel *m_summary;
    QLabel *m_problem;
};

} // namespace PromoDesk::Ui
