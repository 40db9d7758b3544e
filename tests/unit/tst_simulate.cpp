#include <QTest>

class Placeholder : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("being written"); }
};

QTEST_GUILESS_MAIN(Placeholder)
#include "tst_simulate.moc"
