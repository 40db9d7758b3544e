// Code generation: the code space is checked before anything is drawn, codes follow
// the pattern, are unique, case-normalised, and stored all-or-nothing.

#include "engine/codegenerator.h"
#include "store/coderepository.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace PromoDesk::Engine;

class TestCodeGenerator : public QObject
{
    Q_OBJECT

private slots:
    void planRefusesWhatTheSpaceCannotHold_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("charset");
        QTest::addColumn<qint64>("count");
        QTest::addColumn<QString>("message");
        QTest::newRow("too many") << u"##"_qs << u"numbers"_qs << qint64(101) << u"allows only 100"_qs;
        QTest::newRow("no placeholder") << u"SUMMER"_qs << u"numbers"_qs << qint64(1) << u"no '#'"_qs;
        QTest::newRow("empty charset") << u"###"_qs << QString() << qint64(1) << u"charset is empty"_qs;
        QTest::newRow("hash in charset") << u"###"_qs << u"ab#"_qs << qint64(1) << u"cannot contain '#'"_qs;
        // "aA" is one character once codes are upper case: 1 character, 2 positions.
        QTest::newRow("case merges") << u"##"_qs << u"aA"_qs << qint64(2) << u"allows only 1"_qs;
    }

    void planRefusesWhatTheSpaceCannotHold()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, charset);
        QFETCH(qint64, count);
        QFETCH(QString, message);
        CodeConfig config;
        config.pattern = pattern;
        config.charset = charset;
        auto plan = planCodes(config, count);
        QVERIFY(!plan.ok());
        QVERIFY2(plan.error().message.contains(message), qPrintable(plan.error().message));
    }

    void planWarnsAboveHalfTheSpace()
    {
        CodeConfig config;
        config.pattern = QStringLiteral("###");
        config.charset = QStringLiteral("numbers");
        QVERIFY(!planCodes(config, 500).value().warning);
        const CodePlan plan = planCodes(config, 501).value();
        QVERIFY(plan.warning);
        QVERIFY(plan.message.contains(QStringLiteral("50 %")));
        QCOMPARE(plan.space, 1000.0);
    }

    void codesFollowThePatternAndAreUnique()
    {
        CodeConfig config;
        config.pattern = QStringLiteral("pet-####-##");
        config.charset = QStringLiteral("abc123");
        config.prefix = QStringLiteral("x");
        config.postfix = QStringLiteral("-2026");
        const CodePlan plan = planCodes(config, 5000).value();
        QCOMPARE(plan.alphabet, QStringLiteral("ABC123"));
        CodeGenerator generator(config, plan, CodeCase::Upper);
        const QRegularExpression shape(QStringLiteral("^XPET-[ABC123]{4}-[ABC123]{2}-2026$"));
        QSet<QString> seen;
        for (int i = 0; i < 5000; ++i) {
            const QString code = generator.next();
            QVERIFY2(shape.match(code).hasMatch(), qPrintable(code));
            seen.insert(code);
        }
        QCOMPARE(seen.size(), 5000);
        // Every character of the alphabet turns up in every random position.
        for (int position : {5, 6, 7, 8, 10, 11}) {
            QSet<QChar> used;
            for (const QString &code : std::as_const(seen))
                used.insert(code[position]);
            QCOMPARE(used.size(), 6);
        }
    }

    void aSmallSpaceCanBeFilledCompletely()
    {
        CodeConfig config;
        config.pattern = QStringLiteral("##");
        config.charset = QStringLiteral("numbers");
        const CodePlan plan = planCodes(config, 100).value();
        QVERIFY(plan.warning);
        CodeGenerator generator(config, plan, CodeCase::Upper);
        QSet<QString> all;
        for (int i = 0; i < 100; ++i)
            all.insert(generator.next());
        QCOMPARE(all.size(), 100);
    }

    void storedAllOrNothingAndClashesAreRedrawn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("codes.promodesk"));
        QVERIFY(Store::Workspace::create(path, Store::WorkspaceKind::Sandbox).ok());
        auto connection = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
        QVERIFY(connection.ok());
        QSqlQuery q(connection.value()->database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO campaigns(id, name, campaign_type, created_at, updated_at) "
                                      "VALUES ('camp_1', 'Welcome', 'DISCOUNT_COUPONS', 0, 0)")));
        Store::CodeRepository codes(*connection.value());

        CodeConfig config;
        config.pattern = QStringLiteral("###");
        config.charset = QStringLiteral("numbers");
        {
            const CodePlan plan = planCodes(config, 400).value();
            CodeGenerator generator(config, plan, CodeCase::Upper);
            auto first = codes.generate(QStringLiteral("camp_1"), generator, 400);
            QVERIFY(first.ok());
            QCOMPARE(first.value().inserted, 400);
        }
        {
            // A second batch from a fresh generator meets the first batch's codes in
            // the workspace and draws again instead of failing or duplicating.
            const CodePlan plan = planCodes(config, 400).value();
            CodeGenerator generator(config, plan, CodeCase::Upper);
            auto second = codes.generate(QStringLiteral("camp_1"), generator, 400);
            QVERIFY(second.ok());
            QCOMPARE(second.value().inserted, 400);
            QVERIFY(second.value().clashes > 0);
        }
        QCOMPARE(codes.count(QStringLiteral("camp_1")).value(), 800);
        QVERIFY(q.exec(QStringLiteral("SELECT count(DISTINCT code) FROM codes")) && q.next());
        QCOMPARE(q.value(0).toInt(), 800);

        // Cancelled half way: nothing of that batch is stored.
        const CodePlan plan = planCodes(config, 100).value();
        CodeGenerator generator(config, plan, CodeCase::Upper);
        auto cancelled = codes.generate(QStringLiteral("camp_1"), generator, 100, [](int percent) { return percent < 50; });
        QVERIFY(!cancelled.ok());
        QCOMPARE(codes.count(QStringLiteral("camp_1")).value(), 800);

        auto missing = codes.generate(QStringLiteral("camp_nope"), generator, 1);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(QStringLiteral("camp_nope")));
    }
};

QTEST_GUILESS_MAIN(TestCodeGenerator)
#include "tst_codegenerator.moc"
