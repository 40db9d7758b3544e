#include "editors/discounteditor.h"

#include "engine/discount.h"
#include "widgets/moneyedit.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

using namespace Engine;

namespace {

enum TargetColumn { ObjectColumn, IdColumn, EffectColumn, PerLineColumn, TotalColumn, TargetColumns };

QComboBox *comboOf(QTableWidget *table, int row, int column)
{
    return qobject_cast<QComboBox *>(table->cellWidget(row, column));
}

QSpinBox *spinOf(QTableWidget *table, int row, int column)
{
    return qobject_cast<QSpinBox *>(table->cellWidget(row, column));
}

QLineEdit *lineOf(QTableWidget *table, int row, int column)
{
    return qobject_cast<QLineEdit *>(table->cellWidget(row, column));
}

} // namespace

DiscountEditor::DiscountEditor(QWidget *parent)
    : QWidget(parent)
{
    m_type = new QComboBox;
    m_type->setObjectName(QStringLiteral("discountType"));
    m_type->addItem(tr("Amount off"), int(DiscountType::Amount));
    m_type->addItem(tr("Percent off"), int(DiscountType::Percent));
    m_type->addItem(tr("Fixed price"), int(DiscountType::Fixed));
    m_type->addItem(tr("Free units of a SKU"), int(DiscountType::Unit));
    m_type->addItem(tr("Free shipping"), int(DiscountType::Shipping));

    m_effect = new QComboBox;
    m_effect->setObjectName(QStringLiteral("discountEffect"));

    m_amount = new MoneyEdit;
    m_amount->setObjectName(QStringLiteral("amountOff"));
    m_percent = new QDoubleSpinBox;
    m_percent->setObjectName(QStringLiteral("percentOff"));
    m_percent->setRange(0, 100);
    m_percent->setDecimals(2);
    m_percent->setSuffix(QStringLiteral(" %"));
    m_percent->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_cap = new MoneyEdit;
    m_cap->setObjectName(QStringLiteral("amountLimit"));
    m_cap->setSpecialValueText(tr("No cap"));
    m_fixed = new MoneyEdit;
    m_fixed->setObjectName(QStringLiteral("fixedAmount"));
    m_units = new QSpinBox;
    m_units->setObjectName(QStringLiteral("unitOff"));
    m_units->setRange(0, 1000);
    m_unitSku = new QLineEdit;
    m_unitSku->setObjectName(QStringLiteral("unitType"));
    m_unitSku->setPlaceholderText(tr("the SKU given free, e.g. sku_00012_1"));
    m_freeShipping = new QCheckBox(tr("Also take the shipping cost off"));
    m_freeShipping->setObjectName(QStringLiteral("freeShipping"));

    m_targets = new QTableWidget(0, TargetColumns);
    m_targets->setObjectName(QStringLiteral("applicableTo"));
    m_targets->setHorizontalHeaderLabels({tr("Match by"), tr("SKU, product or category"), tr("Which units"),
                                          tr("Units per line"), tr("Units in all")});
    m_targets->horizontalHeader()->setSectionResizeMode(IdColumn, QHeaderView::Stretch);
    m_targets->verticalHeader()->hide();
    m_targets->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_targets->setMinimumHeight(120);
    m_addTarget = new QPushButton(tr("Add target"));
    m_addTarget->setObjectName(QStringLiteral("addTarget"));
    m_removeTarget = new QPushButton(tr("Remove"));
    auto *targetButtons = new QHBoxLayout;
    targetButtons->addWidget(m_addTarget);
    targetButtons->addWidget(m_removeTarget);
    targetButtons->addStretch();
    auto *targetHelp = new QLabel(tr("The lines the discount applies to. No target: every line. "
                                     "0 units means no limit."));
    targetHelp->setWordWrap(true);
    targetHelp->setForegroundRole(QPalette::PlaceholderText);
    m_targetsBox = new QWidget;
    auto *targetLayout = new QVBoxLayout(m_targetsBox);
    targetLayout->setContentsMargins(0, 0, 0, 0);
    targetLayout->addWidget(targetHelp);
    targetLayout->addWidget(m_targets);
    targetLayout->addLayout(targetButtons);

    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("discountSummary"));
    m_summary->setWordWrap(true);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("discountProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_problem->hide();

    m_form = new QFormLayout;
    m_form->addRow(tr("Discount"), m_type);
    m_form->addRow(tr("Applies to"), m_effect);
    m_form->addRow(tr("Amount off"), m_amount);
    m_form->addRow(tr("Percent off"), m_percent);
    m_form->addRow(tr("At most"), m_cap);
    m_form->addRow(tr("New price"), m_fixed);
    m_form->addRow(tr("Free units"), m_units);
    m_form->addRow(tr("Free SKU"), m_unitSku);
    m_form->addRow(QString(), m_freeShipping);
    m_form->addRow(tr("Items"), m_targetsBox);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_problem);
    layout->addLayout(m_form);

    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        const auto type = DiscountType(m_type->currentData().toInt());
        Discount d;
        d.type = type;
        // Keep what still fits the new type: free shipping and the targets.
        d.freeShipping = type != DiscountType::Shipping && m_discount.freeShipping;
        d.applicableTo = m_discount.applicableTo;
        if (type == DiscountType::Unit)
            d.effect = DiscountEffect::AddMissingItems;
        else if (type != DiscountType::Shipping && !d.applicableTo.isEmpty())
            d.effect = DiscountEffect::ApplyToItems;
        if (type == DiscountType::Shipping)
            d.applicableTo.clear();
        m_discount = d;
        commit(tr("Change discount type"), QStringLiteral("type"));
    });
    connect(m_effect, &QComboBox::currentIndexChanged, this, [this] {
        m_discount.effect = DiscountEffect(m_effect->currentData().toInt());
        commit(tr("Change what the discount applies to"), QStringLiteral("effect"));
    });
    connect(m_amount, &MoneyEdit::centsChanged, this, [this](qint64 cents) {
        m_discount.amountOff = cents;
        commit(tr("Change amount off"), QStringLiteral("amount_off"));
    });
    connect(m_percent, &QDoubleSpinBox::valueChanged, this, [this](double p) {
        m_discount.percentOff = p;
        commit(tr("Change percent off"), QStringLiteral("percent_off"));
    });
    connect(m_cap, &MoneyEdit::centsChanged, this, [this](qint64 cents) {
        m_discount.amountLimit = cents;
        commit(tr("Change the cap"), QStringLiteral("amount_limit"));
    });
    connect(m_fixed, &MoneyEdit::centsChanged, this, [this](qint64 cents) {
        m_discount.fixedAmount = cents;
        commit(tr("Change the new price"), QStringLiteral("fixed_amount"));
    });
    connect(m_units, &QSpinBox::valueChanged, this, [this](int n) {
        m_discount.unitOff = n;
        commit(tr("Change free units"), QStringLiteral("unit_off"));
    });
    connect(m_unitSku, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_discount.unitSku = text.trimmed();
        commit(tr("Change the free SKU"), QStringLiteral("unit_type"));
    });
    connect(m_freeShipping, &QCheckBox::toggled, this, [this](bool on) {
        m_discount.freeShipping = on;
        commit(tr("Change free shipping"), QStringLiteral("free_shipping"));
    });
    connect(m_addTarget, &QPushButton::clicked, this, [this] {
        m_discount.applicableTo.append(ItemTarget{});
        if (m_discount.effect == DiscountEffect::ApplyToOrder)
            m_discount.effect = DiscountEffect::ApplyToItems;
        commit(tr("Add an item target"), QString());
        if (QLineEdit *id = lineOf(m_targets, m_targets->rowCount() - 1, IdColumn))
            id->setFocus();
    });
    connect(m_removeTarget, &QPushButton::clicked, this, [this] {
        const int row = m_targets->currentRow();
        if (row < 0 || row >= m_discount.applicableTo.size())
            return;
        m_discount.applicableTo.removeAt(row);
        commit(tr("Remove an item target"), QString());
    });
    connect(m_targets, &QTableWidget::currentCellChanged, this,
            [this] { m_removeTarget->setEnabled(m_targets->currentRow() >= 0); });

    refresh();
}

void DiscountEditor::setDiscount(const Discount &discount)
{
    if (discount == m_discount && !m_loading)
        return;
    m_discount = discount;
    refresh();
}

void DiscountEditor::commit(const QString &text, const QString &field)
{
    if (m_loading)
        return;
    refresh();
    emit edited(text, field);
}

void DiscountEditor::refresh()
{
    m_loading = true;
    const Discount &d = m_discount;
    {
        const QSignalBlocker b(m_type);
        m_type->setCurrentIndex(m_type->findData(int(d.type)));
    }
    {
        const QSignalBlocker b(m_effect);
        m_effect->clear();
        if (d.type == DiscountType::Unit) {
            m_effect->addItem(tr("Discount units already in the cart, add the missing ones"), int(DiscountEffect::AddMissingItems));
            m_effect->addItem(tr("Always add the free units as a new line"), int(DiscountEffect::AddNewItems));
        } else {
            m_effect->addItem(tr("The whole order"), int(DiscountEffect::ApplyToOrder));
            m_effect->addItem(tr("Matching items only"), int(DiscountEffect::ApplyToItems));
        }
        m_effect->setCurrentIndex(std::max(0, m_effect->findData(int(d.effect))));
    }
    const auto setIfDifferent = [](auto *edit, auto value, auto current) {
        if (current != value) {
            const QSignalBlocker b(edit);
            edit->setValue(value);
        }
    };
    setIfDifferent(m_amount, double(d.amountOff) / 100.0, m_amount->value());
    setIfDifferent(m_percent, d.percentOff, m_percent->value());
    setIfDifferent(m_cap, double(d.amountLimit) / 100.0, m_cap->value());
    setIfDifferent(m_fixed, double(d.fixedAmount) / 100.0, m_fixed->value());
    setIfDifferent(m_units, int(d.unitOff), m_units->value());
    if (m_unitSku->text().trimmed() != d.unitSku) {
        const QSignalBlocker b(m_unitSku);
        m_unitSku->setText(d.unitSku);
    }
    {
        const QSignalBlocker b(m_freeShipping);
        m_freeShipping->setChecked(d.freeShipping);
    }

    // Rebuild the target rows only when their number changed; otherwise update in place,
    // so the cell being typed in keeps its cursor.
    if (m_targets->rowCount() != d.applicableTo.size()) {
        m_targets->setRowCount(0);
        for (const ItemTarget &t : d.applicableTo)
            addTargetRow(t);
    } else {
        for (int row = 0; row < d.applicableTo.size(); ++row) {
            const ItemTarget &t = d.applicableTo[row];
            QComboBox *object = comboOf(m_targets, row, ObjectColumn);
            QComboBox *effect = comboOf(m_targets, row, EffectColumn);
            QLineEdit *id = lineOf(m_targets, row, IdColumn);
            QSpinBox *perLine = spinOf(m_targets, row, PerLineColumn);
            QSpinBox *total = spinOf(m_targets, row, TotalColumn);
            const QSignalBlocker b1(object), b2(effect), b3(id), b4(perLine), b5(total);
            object->setCurrentIndex(object->findData(int(t.object)));
            effect->setCurrentIndex(effect->findData(int(t.effect)));
            if (id->text().trimmed() != t.id)
                id->setText(t.id);
            perLine->setValue(int(t.quantityLimit));
            total->setValue(int(t.aggregatedQuantityLimit));
        }
    }
    m_removeTarget->setEnabled(m_targets->currentRow() >= 0);
    m_summary->setText(d == Discount() ? tr("No discount yet") : describeDiscount(d));
    updateVisibility();
    m_loading = false;
}

void DiscountEditor::addTargetRow(const ItemTarget &target)
{
    const int row = m_targets->rowCount();
    m_targets->insertRow(row);
    auto *object = new QComboBox;
    object->addItem(tr("SKU"), int(ItemTarget::Object::Sku));
    object->addItem(tr("Product"), int(ItemTarget::Object::Product));
    object->addItem(tr("Category"), int(ItemTarget::Object::Category));
    object->setCurrentIndex(object->findData(int(target.object)));
    auto *id = new QLineEdit(target.id);
    id->setPlaceholderText(tr("e.g. Dog Food"));
    auto *effect = new QComboBox;
    effect->addItem(tr("Every unit"), int(ItemEffect::Every));
    effect->addItem(tr("The cheapest"), int(ItemEffect::Cheapest));
    effect->addItem(tr("The most expensive"), int(ItemEffect::MostExpensive));
    effect->setCurrentIndex(effect->findData(int(target.effect)));
    auto *perLine = new QSpinBox;
    perLine->setRange(0, 100000);
    perLine->setSpecialValueText(tr("all"));
    perLine->setValue(int(target.quantityLimit));
    auto *total = new QSpinBox;
    total->setRange(0, 100000);
    total->setSpecialValueText(tr("all"));
    total->setValue(int(target.aggregatedQuantityLimit));
    m_targets->setCellWidget(row, ObjectColumn, object);
    m_targets->setCellWidget(row, IdColumn, id);
    m_targets->setCellWidget(row, EffectColumn, effect);
    m_targets->setCellWidget(row, PerLineColumn, perLine);
    m_targets->setCellWidget(row, TotalColumn, total);
    const QString field = QStringLiteral("applicable_to[%1]").arg(row);
    const auto changed = [this, field](const QString &text) {
        if (m_loading)
            return;
        readTargets();
        commit(text, field);
    };
    connect(object, &QComboBox::currentIndexChanged, this, [changed] { changed(tr("Change what a target matches")); });
    connect(id, &QLineEdit::textEdited, this, [changed] { changed(tr("Change a target")); });
    connect(effect, &QComboBox::currentIndexChanged, this, [changed] { changed(tr("Change which units a target takes")); });
    connect(perLine, &QSpinBox::valueChanged, this, [changed] { changed(tr("Change a target's unit limit")); });
    connect(total, &QSpinBox::valueChanged, this, [changed] { changed(tr("Change a target's unit limit")); });
    m_targets->resizeColumnToContents(EffectColumn);
}

void DiscountEditor::readTargets()
{
    QList<ItemTarget> targets;
    for (int row = 0; row < m_targets->rowCount(); ++row) {
        ItemTarget t;
        t.object = ItemTarget::Object(comboOf(m_targets, row, ObjectColumn)->currentData().toInt());
        t.id = lineOf(m_targets, row, IdColumn)->text().trimmed();
        t.effect = ItemEffect(comboOf(m_targets, row, EffectColumn)->currentData().toInt());
        t.quantityLimit = spinOf(m_targets, row, PerLineColumn)->value();
        t.aggregatedQuantityLimit = spinOf(m_targets, row, TotalColumn)->value();
        targets.append(t);
    }
    m_discount.applicableTo = targets;
}

void DiscountEditor::updateVisibility()
{
    const DiscountType type = m_discount.type;
    m_form->setRowVisible(m_effect, type != DiscountType::Shipping);
    m_form->setRowVisible(m_amount, type == DiscountType::Amount);
    m_form->setRowVisible(m_percent, type == DiscountType::Percent);
    m_form->setRowVisible(m_cap, type == DiscountType::Percent);
    m_form->setRowVisible(m_fixed, type == DiscountType::Fixed);
    m_form->setRowVisible(m_units, type == DiscountType::Unit);
    m_form->setRowVisible(m_unitSku, type == DiscountType::Unit);
    m_form->setRowVisible(m_freeShipping, type != DiscountType::Shipping);
    m_form->setRowVisible(m_targetsBox, m_discount.effect == DiscountEffect::ApplyToItems);
}

QWidget *DiscountEditor::fieldWidget(const QString &field) const
{
    if (field.startsWith(QLatin1String("percent_off")))
        return m_percent;
    if (field.startsWith(QLatin1String("amount_off")))
        return m_amount;
    if (field.startsWith(QLatin1String("amount_limit")))
        return m_cap;
    if (field.startsWith(QLatin1String("fixed_amount")))
        return m_fixed;
    if (field.startsWith(QLatin1String("unit_off")))
        return m_units;
    if (field.startsWith(QLatin1String("unit_type")))
        return m_unitSku;
    if (field.startsWith(QLatin1String("applicable_to")))
        return m_targets;
    if (field.startsWith(QLatin1String("effect")))
        return m_effect;
    return m_type;
}

void DiscountEditor::showProblem(const QString &field, const QString &message)
{
    m_problem->setVisible(!message.isEmpty());
    m_problem->setText(message);
    m_problem->setBuddy(message.isEmpty() ? nullptr : fieldWidget(field));
}

} // namespace PromoDesk::Ui
