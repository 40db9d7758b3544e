#include <QTest>

class TestExport : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QVERIFY(true); }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
