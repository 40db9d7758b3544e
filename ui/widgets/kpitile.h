#pragma once

#include <QFrame>

class QLabel;

namespace PromoDesk::Ui {

// One headline figure with its caption.
class KpiTile : public QFrame
{
    Q_OBJECT

public:
    explicit KpiTile(const QString &caption, QWidget *parent = nullptr);

    void setValue(const QString &value, const QString &detail = {});
    QString value() const;

private:
    QLabel *m_value;
    QLabel *m_caption;
    QLabel *m_detail;
};

} // namespace PromoDesk::Ui
