// promodesk-cli as a user (or a script) runs it: exit codes, JSON on stdout, and one
// line on stderr that says what was wrong.

#include "clirunner.h"
#include "common/ids.h"
#include "testsupport.h"

#include "store/schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QDateTime>
#include <QSqlQuery>
#include "store/connection.h"
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace PromoDesk;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;




class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void killedInitLeavesNoWorkspace();
    void rulesCheckPrintsTheNormalFormAndJson();
    void rulesCheckErrorsGiveLineAndColumn();
    void rulesExplainTracesEveryCondition();
    void segmentCountMatchesAPlainQuery();
    void segmentsCreateExportAndAdd();
    void initTestCase();

    void helpPrintsUsage_data();
    void helpPrintsUsage();
    void initWithDemoPrintsItsRows();
    void infoPrintsKindVersionAndCounts();
    void initSandboxMakesASandbox();
    void checkReportsAHealthyWorkspace();
    void errorsAreOneLineOnStderr_data();
    void errorsAreOneLineOnStderr();
    void readingCommandsLeaveNoSideFiles_data();
    void readingCommandsLeaveNoSideFiles();
    void forceReplacesOnlyAWorkspace();
    void badOptionsWithForceKeepTheOldWorkspace_data();
    void badOptionsWithForceKeepTheOldWorkspace();
    void campaignsImportAndExportRoundTrip();
    void campaignsImportIsAllOrNothing();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QString m_demo;   // made by initWithDemoPrintsItsRows
    QString m_text;   // a text file
};

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(PROMODESK_CLI_PATH)).isExecutable(), PROMODESK_CLI_PATH);
    m_demo = path(u"demo.promodesk"_s);
    m_text = path(u"notes.txt"_s);
    QVERIFY(QFile::copy(QStringLiteral(PROMODESK_TEST_DATA_DIR "/not-a-workspace.txt"), m_text));
}

void TestCli::helpPrintsUsage_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("--help") << QStringList{u"--help"_s} << u"init"_s;
    QTest::newRow("help") << QStringList{u"help"_s} << u"check"_s;
    QTest::newRow("init --help") << QStringList{u"init"_s, u"--help"_s} << u"--demo"_s;
    QTest::newRow("info --help") << QStringList{u"info"_s, u"--help"_s} << u"--workspace"_s;
    QTest::newRow("check --help") << QStringList{u"check"_s, u"-h"_s} << u"--workspace"_s;
    QTest::newRow("usage lists redeem") << QStringList{u"--help"_s} << u"redeem"_s;
    QTest::newRow("qualify --help") << QStringList{u"qualify"_s, u"--help"_s} << u"--explain"_s;
    QTest::newRow("validate --help") << QStringList{u"validate"_s, u"--help"_s} << u"--now"_s;
    QTest::newRow("redeem --help") << QStringList{u"redeem"_s, u"--help"_s} << u"--request"_s;
    QTest::newRow("rollback --help") << QStringList{u"rollback"_s, u"--help"_s} << u"redemption_id"_s;
    QTest::newRow("campaigns --help") << QStringList{u"campaigns"_s, u"--help"_s} << u"import"_s;
    QTest::newRow("campaigns import --help") << QStringList{u"campaigns"_s, u"import"_s, u"--help"_s} << u"all or none"_s;
    QTest::newRow("campaigns export --help") << QStringList{u"campaigns"_s, u"export"_s, u"--help"_s} << u"--output"_s;
    QTest::newRow("campaigns status --help") << QStringList{u"campaigns"_s, u"status"_s, u"--help"_s} << u"--status"_s;
    QTest::newRow("codes generate --help") << QStringList{u"codes"_s, u"generate"_s, u"--help"_s} << u"--count"_s;
    QTest::newRow("codes publish --help") << QStringList{u"codes"_s, u"publish"_s, u"--help"_s} << u"--customer"_s;
}

void TestCli::helpPrintsUsage()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    RUN_CLI(run, arguments);
    QCOMPARE(run.exitCode, 0);
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(out.contains(u"Usage:"_s), qPrintable(out));
    QVERIFY2(out.contains(mentions), qPrintable(out));
    QCOMPARE(run.err, QByteArray());
}

void TestCli::initWithDemoPrintsItsRows()
{
    RUN_CLI(run, {u"init"_s, u"--workspace"_s, m_demo, u"--demo"_s, u"small"_s, u"--seed"_s, u"3"_s, u"--quiet"_s});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(run.err, QByteArray()); // --quiet: no progress
    QString error;
    const QJsonObject out = parseObject(run.out, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(out.value(u"workspace").toString(), m_demo);
    QCOMPARE(out.value(u"kind").toString(), u"production"_s);
    QCOMPARE(out.value(u"seed").toString(), u"3"_s);
    const QJsonObject rows = out.value(u"rows").toObject();
    QCOMPARE(rows.value(u"customers").toInteger(), qint64(5000));
    QVERIFY(rows.value(u"orders").toInteger() > 5000);
    QVERIFY(rows.value(u"order_items").toInteger() >= rows.value(u"orders").toInteger());
    QVERIFY(QFileInfo(m_demo).isFile());
}

void TestCli::infoPrintsKindVersionAndCounts()
{
    QVERIFY2(QFileInfo::exists(m_demo), "needs initWithDemoPrintsItsRows");
    RUN_CLI_JSON(info, {u"info"_s, u"--workspace"_s, m_demo});
    QCOMPARE(info.value(u"schema_version").toInt(), Store::Schema::currentVersion());
    QCOMPARE(info.value(u"kind").toString(), u"production"_s);
    const QJsonObject tables = info.value(u"tables").toObject();
    QCOMPARE(tables.value(u"customers").toInteger(), qint64(5000));
    for (const QString &table : Store::Schema::tables())
        QVERIFY2(tables.contains(table), qPrintable(table));
    QVERIFY(tables.value(u"orders").toInteger() > 5000);
}

void TestCli::initSandboxMakesASandbox()
{
    const QString sandbox = path(u"sandbox.promodesk"_s);
    RUN_CLI_JSON(created, {u"init"_s, u"--workspace"_s, sandbox, u"--sandbox"_s, u"--name"_s, u"Try-outs"_s});
    QCOMPARE(created.value(u"kind").toString(), u"sandbox"_s);
    QCOMPARE(created.value(u"schema_version").toInt(), Store::Schema::currentVersion());

    RUN_CLI_JSON(info, {u"info"_s, u"-w"_s, sandbox});
    QCOMPARE(info.value(u"kind").toString(), u"sandbox"_s);
    QCOMPARE(info.value(u"name").toString(), u"Try-outs"_s);
    QCOMPARE(info.value(u"tables").toObject().value(u"customers").toInteger(), qint64(0));
}

void TestCli::checkReportsAHealthyWorkspace()
{
    QVERIFY2(QFileInfo::exists(m_demo), "needs initWithDemoPrintsItsRows");
    RUN_CLI_JSON(check, {u"check"_s, u"--workspace"_s, m_demo});
    QCOMPARE(check.value(u"ok").toBool(), true);
    QVERIFY(check.value(u"problems").toArray().isEmpty());
}

void TestCli::errorsAreOneLineOnStderr_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions");
    const QString fresh = path(u"never-created.promodesk"_s);
    QTest::newRow("no command") << QStringList() << QStringList{u"Usage"_s};
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << QStringList{u"frobnicate"_s};
    QTest::newRow("unknown option") << QStringList{u"info"_s, u"--frob"_s} << QStringList{u"frob"_s};
    QTest::newRow("stray argument") << QStringList{u"info"_s, u"--workspace"_s, m_demo, u"extra"_s}
                                    << QStringList{u"extra"_s};
    QTest::newRow("init without --workspace") << QStringList{u"init"_s, u"--demo"_s, u"small"_s}
                                              << QStringList{u"--workspace"_s};
    QTest::newRow("info without --workspace") << QStringList{u"info"_s} << QStringList{u"--workspace"_s};
    QTest::newRow("check without --workspace") << QStringList{u"check"_s} << QStringList{u"--workspace"_s};
    QTest::newRow("bad --demo") << QStringList{u"init"_s, u"--workspace"_s, fresh, u"--demo"_s, u"huge"_s}
                                << QStringList{u"--demo"_s, u"huge"_s};
    QTest::newRow("bad --seed") << QStringList{u"init"_s, u"-w"_s, fresh, u"--demo"_s, u"small"_s, u"--seed"_s, u"-4"_s}
                                << QStringList{u"--seed"_s, u"-4"_s};
    QTest::newRow("bad --as-of") << QStringList{u"init"_s, u"-w"_s, fresh, u"--demo"_s, u"small"_s, u"--as-of"_s,
                                                u"2026-13-40"_s}
                                 << QStringList{u"--as-of"_s, u"2026-13-40"_s};
    QTest::newRow("existing target") << QStringList{u"init"_s, u"--workspace"_s, m_text}
                                     << QStringList{m_text, u"--force"_s};
    QTest::newRow("info on a text file") << QStringList{u"info"_s, u"--workspace"_s, m_text}
                                         << QStringList{m_text, u"not a PromoDesk workspace"_s};
    QTest::newRow("info on a missing file") << QStringList{u"info"_s, u"--workspace"_s, fresh}
                                            << QStringList{fresh};
    QTest::newRow("check on a text file") << QStringList{u"check"_s, u"--workspace"_s, m_text}
                                          << QStringList{m_text};
    QTest::newRow("force over a text file") << QStringList{u"init"_s, u"--workspace"_s, m_text, u"--force"_s}
                                            << QStringList{m_text, u"refusing"_s};
}

void TestCli::errorsAreOneLineOnStderr()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);
    const QByteArray textBefore = fileChecksum(m_text);
    RUN_CLI(run, arguments);
    QVERIFY(run.exitCode != 0);
    const QString err = QString::fromLocal8Bit(run.err);
    if (!arguments.isEmpty()) { // without a command the usage goes to stderr, as it should
        QVERIFY2(err.endsWith(u'\n') && err.count(u'\n') == 1, qPrintable(err));
        QVERIFY2(err.startsWith(u"promodesk-cli:"_s), qPrintable(err));
        QCOMPARE(run.out, QByteArray());
    }
    for (const QString &mention : mentions)
        QVERIFY2(err.contains(mention), qPrintable(u"\"%1\" not in: %2"_s.arg(mention, err)));
    QVERIFY(!QFileInfo::exists(path(u"never-created.promodesk"_s)));
    QCOMPARE(fileChecksum(m_text), textBefore);
}

void TestCli::readingCommandsLeaveNoSideFiles_data()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("info") << u"info"_s;
    QTest::newRow("check") << u"check"_s;
}

void TestCli::readingCommandsLeaveNoSideFiles()
{
    QFETCH(QString, command);
    const QString target = path(u"side-files-%1.promodesk"_s.arg(command));
    RUN_CLI_JSON(created, {u"init"_s, u"-w"_s, target});
    const QByteArray before = fileChecksum(target);

    RUN_CLI_JSON(out, {command, u"-w"_s, target});
    QCOMPARE(fileChecksum(target), before);
    QCOMPARE(entriesIn(m_dir.path()).filter(u"side-files-%1"_s.arg(command)),
             QStringList{u"side-files-%1.promodesk"_s.arg(command)});
}

void TestCli::forceReplacesOnlyAWorkspace()
{
    const QString target = path(u"replace-me.promodesk"_s);
    RUN_CLI_JSON(first, {u"init"_s, u"-w"_s, target, u"--sandbox"_s});
    QCOMPARE(first.value(u"kind").toString(), u"sandbox"_s);
    RUN_CLI_JSON(second, {u"init"_s, u"-w"_s, target, u"--force"_s});
    QCOMPARE(second.value(u"kind").toString(), u"production"_s);
    RUN_CLI_JSON(info, {u"info"_s, u"-w"_s, target});
    QCOMPARE(info.value(u"kind").toString(), u"production"_s);
}

void TestCli::badOptionsWithForceKeepTheOldWorkspace_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::newRow("bad --demo") << QStringList{u"--demo"_s, u"huge"_s};
    QTest::newRow("bad --seed") << QStringList{u"--demo"_s, u"small"_s, u"--seed"_s, u"x"_s};
    QTest::newRow("bad --as-of") << QStringList{u"--demo"_s, u"small"_s, u"--as-of"_s, u"soon"_s};
}

void TestCli::badOptionsWithForceKeepTheOldWorkspace()
{
    QFETCH(QStringList, options);
    const QString target = path(u"keep-me-%1.promodesk"_s.arg(QLatin1String(QTest::currentDataTag())).replace(u' ', u'-'));
    RUN_CLI_JSON(created, {u"init"_s, u"-w"_s, target, u"--sandbox"_s});
    const QByteArray before = fileChecksum(target);

    RUN_CLI(run, QStringList{u"init"_s, u"-w"_s, target, u"--force"_s} + options);
    QVERIFY(run.exitCode != 0);
    QVERIFY2(run.err.startsWith("promodesk-cli:"), run.err.constData());
    // A usage error must not cost the user the workspace that --force would have replaced.
    QVERIFY(QFileInfo::exists(target));
    QCOMPARE(fileChecksum(target), before);
}

void TestCli::rulesCheckPrintsTheNormalFormAndJson()
{
    RUN_CLI(run, {u"rules"_s, u"check"_s}, QByteArrayLiteral("customer.country = \"IE\"   and\n order.amount >= 50"));
    QCOMPARE(run.exitCode, 0);
    QString error;
    const QJsonObject out = parseObject(run.out, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(out.value(u"normal_form").toString(), u"customer.country is \"IE\" and order.amount >= 50.00"_s);
    const QJsonArray parts = out.value(u"rule").toObject().value(u"and").toArray();
    QCOMPARE(parts.size(), 2);
    QCOMPARE(parts[1].toObject().value(u"values").toArray().at(0).toInteger(), 5000);
}

void TestCli::rulesCheckErrorsGiveLineAndColumn()
{
    RUN_CLI(run, {u"rules"_s, u"check"_s}, QByteArrayLiteral("customer.country is \"IE\" and\n  order.amount >= \"x\""));
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY2(run.err.contains("line 2, column 3") && run.err.contains("order.amount is money"), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

void TestCli::rulesExplainTracesEveryCondition()
{
    const QByteArray request = R"({"rule": "customer.country in [\"IE\"] and order.amount >= 100.00",
        "customer": {"country": "IE"},
        "order": {"items": [{"sku": "sku_1", "category": "Dog Food", "quantity": 2, "price": 4380}]},
        "now": "2026-11-24T12:00:00Z"})";
    RUN_CLI(run, {u"rules"_s, u"explain"_s}, request);
    QCOMPARE(run.exitCode, 0);
    QString error;
    const QJsonObject out = parseObject(run.out, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(out.value(u"result").toBool(true), false);
    const QJsonArray trace = out.value(u"trace").toArray();
    QCOMPARE(trace.size(), 3);
    QCOMPARE(trace[1].toObject().value(u"passed").toBool(), true);
    QCOMPARE(trace[2].toObject().value(u"actual").toString(), u"87.60"_s);
    QCOMPARE(trace[2].toObject().value(u"hint").toString(), u"add 12.40"_s);

    RUN_CLI(bad, {u"rules"_s, u"explain"_s}, QByteArrayLiteral(R"({"rule": "order.amount > 1", "customer": {"total_spent": "lots"}})"));
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("customer.total_spent"), bad.err.constData());
}

void TestCli::segmentCountMatchesAPlainQuery()
{
    const QString workspace = path(u"segment-count.promodesk"_s);
    RUN_CLI_JSON(created, {u"init"_s, u"-w"_s, workspace, u"--demo"_s, u"small"_s, u"--quiet"_s});
    RUN_CLI_JSON(out, {u"segment"_s, u"count"_s, u"-w"_s, workspace, u"--now"_s, u"2026-11-01T00:00:00Z"_s, u"--rule"_s,
                       u"customer.country is \"IE\" and customer.total_spent >= 200.00 and customer.last_order_at within last 90 days"_s});
    // The same question asked in plain SQL, independently of the compiler.
    auto db = Store::Connection::open(workspace, Store::Connection::Access::ReadOnly);
    QVERIFY(db.ok());
    QSqlQuery q(db.value()->database());
    q.prepare(u"SELECT count(*) FROM customers WHERE address_country = 'IE' AND total_spent >= 20000 "
              "AND last_order_at BETWEEN ? AND ?"_s);
    const qint64 now = QDateTime::fromString(u"2026-11-01T00:00:00Z"_s, Qt::ISODate).toMSecsSinceEpoch();
    q.addBindValue(now - 90LL * 86'400'000);
    q.addBindValue(now);
    QVERIFY(q.exec() && q.next());
    QVERIFY(q.value(0).toLongLong() > 0);
    QCOMPARE(out.value(u"count").toInteger(), q.value(0).toLongLong());

    RUN_CLI(cart, {u"segment"_s, u"count"_s, u"-w"_s, workspace, u"--rule"_s, u"order.amount > 5.00"_s});
    QCOMPARE(cart.exitCode, 2);
    QVERIFY2(cart.err.contains("describes a cart"), cart.err.constData());
}

// Segments from the command line: create (auto-update and static), add members from a
// file of ids (an unknown one refuses the whole file), and export — read back by Python's
// csv module, cell by cell against the database, formula guard included.
void TestCli::segmentsCreateExportAndAdd()
{
    const QString workspace = path(u"segments.promodesk"_s);
    RUN_CLI_JSON(created, {u"init"_s, u"-w"_s, workspace, u"--demo"_s, u"small"_s, u"--quiet"_s});
    RUN_CLI_JSON(irish, {u"segment"_s, u"create"_s, u"-w"_s, workspace, u"--name"_s, u"Ireland"_s, u"--rule"_s,
                         u"customer.country is \"IE\""_s});
    QCOMPARE(irish.value(u"type").toString(), u"auto-update"_s);
    auto db = Store::Connection::open(workspace, Store::Connection::Access::ReadOnly);
    QVERIFY(db.ok());
    QSqlQuery q(db.value()->database());
    QVERIFY(q.exec(u"SELECT count(*) FROM customers WHERE address_country = 'IE'"_s) && q.next());
    const qint64 irishCount = q.value(0).toLongLong();
    QVERIFY(irishCount > 0);
    QCOMPARE(irish.value(u"size").toInteger(), irishCount);

    RUN_CLI_JSON(vip, {u"segment"_s, u"create"_s, u"-w"_s, workspace, u"--name"_s, u"VIP"_s, u"--type"_s, u"static"_s});
    QFile ids(path(u"vip-ids.txt"_s));
    QVERIFY(ids.open(QIODevice::WriteOnly));
    ids.write("id\ncust_1\ncust_2\nno-such-customer\n");
    ids.close();
    RUN_CLI(refused, {u"segment"_s, u"add"_s, u"-w"_s, workspace, u"--segment"_s, u"VIP"_s, u"--ids"_s, ids.fileName()});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("line 4: no-such-customer is not a customer"), refused.err.constData());
    QVERIFY(ids.open(QIODevice::WriteOnly));
    ids.write("cust_1\ncust_2\n");
    ids.close();
    RUN_CLI_JSON(added, {u"segment"_s, u"add"_s, u"-w"_s, workspace, u"--segment"_s, u"vip"_s, u"--ids"_s, ids.fileName()});
    QCOMPARE(added.value(u"size").toInt(), 2);

    // Export, then read it back independently.
    const QString csv = path(u"ireland.csv"_s);
    RUN_CLI(exported, {u"segment"_s, u"export"_s, u"-w"_s, workspace, u"--segment"_s, u"Ireland"_s, u"--output"_s, csv});
    QCOMPARE(exported.exitCode, 0);
    QProcess python;
    python.start(u"python3"_s, {u"-c"_s, u"import csv,sys\n"
                                          "rows=list(csv.reader(open(sys.argv[1],newline='',encoding='utf-8')))\n"
                                          "print(len(rows)-1)\n"
                                          "h=rows[0]\n"
                                          "r=rows[1]\n"
                                          "print(r[h.index('id')]); print(r[h.index('total_spent')]); print(r[h.index('phone')])\n"_s,
                                 csv});
    QVERIFY(python.waitForFinished(30000));
    const QStringList lines = QString::fromUtf8(python.readAllStandardOutput()).split(u'\n');
    QVERIFY2(lines.size() >= 4, qPrintable(QString::fromUtf8(python.readAllStandardError())));
    QCOMPARE(lines[0].toLongLong(), irishCount);
    const qint64 key = Ids::parse(Ids::Customer, lines[1]).value_or(-1);
    QVERIFY(q.prepare(u"SELECT total_spent, phone FROM customers WHERE id = ?"_s));
    q.addBindValue(key);
    QVERIFY(q.exec() && q.next());
    QCOMPARE(lines[2], u"%1.%2"_s.arg(q.value(0).toLongLong() / 100).arg(q.value(0).toLongLong() % 100, 2, 10, QLatin1Char('0')));
    const QString phone = q.value(1).toString();
    // A phone number starting with + is text a spreadsheet would run as a formula: guarded.
    QCOMPARE(lines[3], phone.startsWith(u'+') ? u"'"_s + phone : phone);
    RUN_CLI(raw, {u"segment"_s, u"export"_s, u"-w"_s, workspace, u"--segment"_s, u"Ireland"_s, u"--no-formula-guard"_s});
    QCOMPARE(raw.exitCode, 0);
    QVERIFY(raw.out.startsWith("id,source_id,name"));
    QVERIFY(raw.out.contains("\r\n"));
    QCOMPARE(raw.out.count("\r\n"), irishCount + 1);
    if (phone.startsWith(u'+'))
        QVERIFY(raw.out.contains("," + phone.toUtf8() + ","));
}

// Kill the process for real in the middle of generating demo data: no file appears
// under the target name, and a killed --force run leaves the old workspace as it was.
void TestCli::killedInitLeavesNoWorkspace()
{
    const QString target = path(u"killed.promodesk"_s);
    auto killMidway = [&](const QStringList &arguments) {
        QProcess process;
        process.setProgram(QStringLiteral(PROMODESK_CLI_PATH));
        process.setArguments(arguments);
        process.start();
        QVERIFY(process.waitForStarted(30'000));
        // Progress goes to stderr as "generating demo data…  NN%"; kill past 20 %.
        QByteArray progress;
        while (!progress.contains(" 2") && !progress.contains(" 3") && process.state() == QProcess::Running) {
            process.waitForReadyRead(100);
            progress += process.readAllStandardError();
        }
        QCOMPARE(process.state(), QProcess::Running); // still working when killed
        process.kill();
        QVERIFY(process.waitForFinished(30'000));
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);
    };
    killMidway({u"init"_s, u"-w"_s, target, u"--demo"_s, u"medium"_s});
    QVERIFY(!QFileInfo::exists(target));

    // A new init afterwards is not confused by what the killed one left behind.
    RUN_CLI_JSON(created, {u"init"_s, u"-w"_s, target, u"--sandbox"_s});
    const QByteArray before = fileChecksum(target);
    killMidway({u"init"_s, u"-w"_s, target, u"--force"_s, u"--demo"_s, u"medium"_s});
    QCOMPARE(fileChecksum(target), before);
    RUN_CLI_JSON(info, {u"info"_s, u"-w"_s, target});
    QCOMPARE(info.value(u"kind").toString(), u"sandbox"_s);
    RUN_CLI_JSON(check, {u"check"_s, u"-w"_s, target});
    QCOMPARE(check.value(u"ok").toBool(), true);
}

namespace {

// The golden campaign files of the engine tests.
QDir campaignExamples()
{
    return QDir(QFileInfo(QString::fromUtf8(__FILE__)).dir().filePath(u"../engine/data/campaigns"_s));
}

QJsonObject withoutTimes(QJsonObject campaign)
{
    campaign.remove(u"created_at"_s);
    campaign.remove(u"updated_at"_s);
    return campaign;
}

} // namespace

// Campaign files go in and come out the same (times aside), one file per campaign.
void TestCli::campaignsImportAndExportRoundTrip()
{
    const QString workspace = path(u"campaigns.promodesk"_s);
    RUN_CLI_JSON(created, {u"init"_s, u"-w"_s, workspace});
    const QDir examples = campaignExamples();
    QStringList files;
    for (const QString &name : examples.entryList({u"*.json"_s}, QDir::Files, QDir::Name))
        files << examples.filePath(name);
    QVERIFY2(files.size() >= 5, qPrintable(examples.path()));
    RUN_CLI_JSON(imported, QStringList{u"campaigns"_s, u"import"_s, u"-w"_s, workspace} + files);
    QCOMPARE(imported.value(u"imported").toArray().size(), files.size());

    const QString out = path(u"exported"_s);
    RUN_CLI_JSON(exported, {u"campaigns"_s, u"export"_s, u"-w"_s, workspace, u"--output"_s, out});
    QCOMPARE(exported.value(u"exported").toArray().size(), files.size());
    for (const QString &file : files) {
        QFile original(file);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QJsonObject expected = QJsonDocument::fromJson(original.readAll()).object();
        QFile written(QDir(out).filePath(expected.value(u"id").toString() + u".json"_s));
        QVERIFY2(written.open(QIODevice::ReadOnly), qPrintable(written.fileName()));
        const QByteArray text = written.readAll();
        QVERIFY2(text.endsWith('\n'), qPrintable(written.fileName()));
        QCOMPARE(withoutTimes(QJsonDocument::fromJson(text).object()), withoutTimes(expected));
    }
    RUN_CLI_JSON(list, {u"campaigns"_s, u"list"_s, u"-w"_s, workspace});
    QCOMPARE(list.value(u"campaigns").toArray().size(), files.size());
}

// One bad file among good ones: nothing is imported, and the error names the file
// and the field.
void TestCli::campaignsImportIsAllOrNothing()
{
    const QString workspace = path(u"all-or-nothing.promodesk"_s);
    RUN_CLI_JSON(created, {u"init"_s, u"-w"_s, workspace});
    const QString bad = path(u"bad-campaign.json"_s);
    {
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"name": "Broken", "campaign_type": "DISCOUNT_COUPONS", "status": "draft",
                      "discount": {"type": "PERCENT", "percent_off": 150}})");
    }
    const QString good = campaignExamples().filePath(u"coupon.json"_s);
    RUN_CLI(run, {u"campaigns"_s, u"import"_s, u"-w"_s, workspace, good, bad});
    QCOMPARE(run.exitCode, 2);
    const QString error = QString::fromUtf8(run.err).trimmed();
    QVERIFY2(error.contains(u"bad-campaign.json"_s) && error.contains(u"discount.percent_off"_s), qPrintable(error));
    QCOMPARE(error.count(u'\n'), 0);
    RUN_CLI_JSON(list, {u"campaigns"_s, u"list"_s, u"-w"_s, workspace});
    QCOMPARE(list.value(u"campaigns").toArray().size(), 0);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
