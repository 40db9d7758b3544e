// promodesk-cli export and the exporter behind it, as an analyst's tools read the
// files: every redemption column round-trips through Python's csv module cell by cell
// against values computed here from the database (hostile names, codes and messages:
// commas, quotes, CR/LF, emoji, leading = + - @ tab CR); the formula guard on and off;
// CRLF, header and BOM; each filter and sort equal to a hand-written query; the other
// lists; errors with their exit codes and no file; a SIGKILLed and a cancelled export
// leave no file; and memory stays flat over 200 000 rows.

#include "clirunner.h"
#include "testsupport.h"

#include "store/connection.h"
#include "store/listexport.h"
#include "store/redemptionlist.h"
#include "store/segmentstore.h"
#include "store/workspace.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest/QtTest>

#include <algorithm>
#include <atomic>

#include <malloc.h>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

// Every redemption column, in the list's order.
const QStringList RedemptionColumns = {
    u"id"_s,           u"object"_s,          u"date"_s,         u"campaign_id"_s,        u"campaign_name"_s,
    u"voucher_code"_s, u"promotion_tier_id"_s, u"promotion_tier_name"_s, u"customer_id"_s, u"customer_source_id"_s,
    u"customer_name"_s, u"customer_email"_s, u"order_source_id"_s, u"order_amount"_s,  u"discount_amount"_s,
    u"gift_amount"_s,  u"currency"_s,        u"result"_s,       u"status"_s,             u"failure_code"_s,
    u"failure_message"_s, u"channel"_s,      u"redemption"_s,   u"reason"_s,
};

// Text a spreadsheet or a CSV reader might take for something else.
const QStringList Hostile = {
    u"Smith, John"_s,
    u"O\"Brien \"the boss\""_s,
    u"two\r\nlines"_s,
    u"lone\rCR"_s,
    u"lone\nLF"_s,
    u"🐶 Émilie Dupré 中文"_s,
    u"=HYPERLINK(\"http://example.com\",\"click\")"_s,
    u"+353 1 234 5678"_s,
    u"-2+3"_s,
    u"@SUM(A1:A2)"_s,
    u"\tTabbed"_s,
    u"\rCR first"_s,
    u"'already quoted"_s,
    u" spaced "_s,
    u"a,\"b\",\r\nc"_s,
};

const QString HostileCampaign = u"=cmd|' /C calc'!A0, \"summer\"\r\nsale"_s;
const QString HostileTier = u"-5% off, \"at\" 50.00+"_s;
const QStringList HostileCodes = {u"=1+2"_s, u"-10OFF"_s, u"A,B"_s, u"Q\"T"_s, u"@AT"_s, u"+PLUS"_s};

qint64 utc(int y, int m, int d, int h = 0, int min = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min), QTimeZone::utc()).toMSecsSinceEpoch();
}

// The formats docs/export.md promises, written here without the exporter's code.
QString money(qint64 cents)
{
    const qint64 magnitude = cents < 0 ? -cents : cents;
    return (cents < 0 ? u"-"_s : QString()) + QString::number(magnitude / 100) + u'.'
           + QString::number(magnitude % 100).rightJustified(2, u'0');
}
QString timestamp(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s) + u"+00:00"_s;
}
QString guarded(const QString &text, bool guard)
{
    static const QString starts = u"=+-@\t\r"_s;
    return guard && !text.isEmpty() && starts.contains(text.front()) ? u'\'' + text : text;
}

// A device that counts and forgets what it is given.
class NullDevice : public QIODevice
{
public:
    qint64 bytes = 0;

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 size) override
    {
        bytes += size;
        return size;
    }
};

qint64 statusKiB(const char *field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Record ends outside quotes: every one must be CRLF. Returns the number of records,
// or -1 (with `why`) if a bare CR or LF ends one.
int crlfRecords(const QByteArray &bytes, QString *why)
{
    int records = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '"') {
            quoted = !quoted; // a doubled quote toggles twice
        } else if (!quoted && c == '\r') {
            if (i + 1 >= bytes.size() || bytes[i + 1] != '\n') {
                *why = u"a CR without LF at byte %1"_s.arg(i);
                return -1;
            }
            ++records;
            ++i;
        } else if (!quoted && c == '\n') {
            *why = u"a LF without CR at byte %1"_s.arg(i);
            return -1;
        }
    }
    return records;
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listColumnsNeedsNoWorkspace();
    void everyRedemptionColumnRoundTrips_data();
    void everyRedemptionColumnRoundTrips();
    void byteOrderMarkOnlyWhenAsked();
    void filtersMatchHandWrittenSql_data();
    void filtersMatchHandWrittenSql();
    void sortsMatchHandWrittenSql_data();
    void sortsMatchHandWrittenSql();
    void customersList();
    void segmentMembersList();
    void codesList();
    void campaignsListCountsEqualARecount();
    void errors_data();
    void errors();
    void anErrorKeepsTheOlderFile();
    void killedExportLeavesNoFile_data();
    void killedExportLeavesNoFile();
    void cancelledExportLeavesNoFile();
    void memoryStaysFlat();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    // The CSV file read by Python's csv module (strict), one list per record.
    QList<QStringList> readWithPython(const QString &file, QString *error);
    QList<QStringList> exportRows(const QStringList &arguments, QString *error);
    QStringList exportIds(const QStringList &arguments, QString *error);
    QStringList sqlIds(const QString &sql, const QVariantList &values = {});
    QString freshFile(const QString &name) { return path(u"%1-%2"_s.arg(++m_files).arg(name)); }
    bool makeBigWorkspace();

    QTemporaryDir m_dir;
    QString m_ws;       // the small demo plus the hostile rows
    QString m_big;      // m_ws plus 200 000 redemption rows
    QString m_python;   // the csv-to-JSON script
    QList<qint64> m_hostileCustomers;
    QString m_segmentName;
    int m_files = 0;
};

void TestExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(PROMODESK_CLI_PATH)).isExecutable(), PROMODESK_CLI_PATH);
    m_python = path(u"csv2json.py"_s);
    {
        QFile script(m_python);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("import csv, json, sys\n"
                     "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
                     "    json.dump([row for row in csv.reader(f, strict=True)], sys.stdout)\n");
    }
    m_ws = path(u"shop.promodesk"_s);
    RUN_CLI(init, {u"init"_s, u"--demo"_s, u"small"_s, u"-w"_s, m_ws, u"--quiet"_s});
    QVERIFY2(init.exitCode == 0, init.err.constData());

    auto db = openConnection(m_ws, Connection::Access::ReadWrite);
    QVERIFY(db);
    PD_VERIFY_OK(db->begin());
    const qint64 now = utc(2026, 11, 1, 9);
    // Customers named, addressed and identified with hostile text.
    for (int i = 0; i < Hostile.size(); ++i) {
        QSqlQuery q(db->database());
        q.prepare(u"INSERT INTO customers(source_id, name, email, phone, address_city, created_at, updated_at, "
                  "total_spent, orders_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
        q.addBindValue(i % 2 ? u"=SRC-%1"_s.arg(i) : u"H-%1, \"src\""_s.arg(i));
        q.addBindValue(Hostile[i]);
        q.addBindValue(u"-hostile%1@example.com"_s.arg(i));
        q.addBindValue(u"+353 87 000 %1"_s.arg(QString::number(i).rightJustified(4, u'0')));
        q.addBindValue(Hostile[(i + 1) % Hostile.size()]);
        q.addBindValue(now - qint64(i) * 86'400'000);
        q.addBindValue(now);
        q.addBindValue(i % 3 ? qint64(i) * 1234 : qint64(-150));
        q.addBindValue(i);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        m_hostileCustomers << q.lastInsertId().toLongLong();
    }
    // A campaign and a promotion tier with hostile names (the stored definition agrees).
    PD_VERIFY_OK(execute(*db, u"UPDATE campaigns SET name = ?, definition = json_set(definition, '$.name', ?) "
                              "WHERE id = 'camp_summer'"_s,
                         {HostileCampaign, HostileCampaign}));
    PD_VERIFY_OK(execute(*db, u"UPDATE campaigns SET definition = json_set(definition, '$.tiers[0].name', ?) "
                              "WHERE id = 'camp_spend_tiers'"_s,
                         {HostileTier}));
    // Codes of the hostile campaign, held by hostile customers.
    QList<qint64> codes;
    for (int i = 0; i < HostileCodes.size(); ++i) {
        QSqlQuery q(db->database());
        q.prepare(u"INSERT INTO codes(code, campaign_id, customer_id, status, redemption_quantity, redeemed_quantity, "
                  "gift_balance, created_at, published_at) VALUES (?, 'camp_summer', ?, ?, ?, ?, ?, ?, ?)"_s);
        q.addBindValue(HostileCodes[i]);
        q.addBindValue(i == 0 ? QVariant() : QVariant(m_hostileCustomers[i]));
        q.addBindValue(i == 1 ? u"disabled"_s : u"active"_s);
        q.addBindValue(i % 2 ? QVariant(qint64(3)) : QVariant());
        q.addBindValue(i);
        q.addBindValue(i == 2 ? QVariant(qint64(-250)) : QVariant());
        q.addBindValue(now);
        q.addBindValue(i == 0 ? QVariant() : QVariant(now + i));
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        codes << q.lastInsertId().toLongLong();
    }
    // Redemption attempts with hostile text everywhere, NULLs, negative money, a time
    // before 1970 and two at the same moment.
    qint64 firstHostile = 0;
    for (int i = 0; i < Hostile.size(); ++i) {
        const bool tier = i % 4 == 3;
        const bool rollback = i == 9;
        QSqlQuery q(db->database());
        q.prepare(u"INSERT INTO redemptions(created_at, campaign_id, code_id, tier_id, customer_id, order_source_id, "
                  "order_amount, discount_amount, gift_amount, result, failure_code, failure_message, channel, object, "
                  "reason, rollback_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
        q.addBindValue(i == 5 ? qint64(-1) : i == 6 ? utc(2026, 6, 15, 12) : utc(2026, 6, 15, 12) + qint64(i) * 3'600'000);
        q.addBindValue(i == 4 ? QVariant() : tier ? QVariant(u"camp_spend_tiers"_s) : QVariant(u"camp_summer"_s));
        q.addBindValue(tier || i == 4 ? QVariant() : QVariant(codes[i % codes.size()]));
        q.addBindValue(!tier ? QVariant() : i == 7 ? QVariant(u"promo_spend_50"_s) : QVariant(u"no_such_tier"_s));
        q.addBindValue(i == 2 ? QVariant() : QVariant(m_hostileCustomers[i]));
        q.addBindValue(Hostile[(i + 2) % Hostile.size()]);
        q.addBindValue(i == 3 ? QVariant() : QVariant(i == 8 ? qint64(-150) : qint64(i) * 1001 + 5));
        q.addBindValue(i == 8 ? qint64(-150) : qint64(i) * 7);
        q.addBindValue(i == 10 ? qint64(500) : qint64(0));
        q.addBindValue(rollback ? u"SUCCESS"_s : i % 3 == 0 ? u"FAILURE"_s : u"SUCCESS"_s);
        q.addBindValue(!rollback && i % 3 == 0 ? QVariant(i == 0 ? u"=bad_code"_s : u"voucher_expired"_s) : QVariant());
        q.addBindValue(!rollback && i % 3 == 0 ? QVariant(Hostile[(i + 3) % Hostile.size()]) : QVariant());
        q.addBindValue(i % 2 ? u"-web"_s : Hostile[(i + 4) % Hostile.size()]);
        q.addBindValue(rollback ? u"redemption_rollback"_s : u"redemption"_s);
        q.addBindValue(rollback ? QVariant(Hostile[(i + 5) % Hostile.size()]) : QVariant());
        q.addBindValue(rollback ? QVariant(firstHostile + 1) : QVariant());
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        if (i == 0)
            firstHostile = q.lastInsertId().toLongLong();
    }
    PD_VERIFY_OK(execute(*db, u"UPDATE redemptions SET result = 'ROLLED_BACK' WHERE id = ?"_s, {firstHostile + 1}));
    PD_VERIFY_OK(db->commit());

    // A static segment of the hostile customers.
    auto writer = Workspace::openForWriting(m_ws);
    PD_VERIFY_OK(writer);
    SegmentStore segments(*writer.value());
    Segment s;
    m_segmentName = u"Hostile, \"people\""_s;
    s.name = m_segmentName;
    s.type = SegmentType::Static;
    auto saved = segments.save(s, u"tst_export"_s, now);
    PD_VERIFY_OK(saved);
    PD_VERIFY_OK(segments.addMembers(saved.value().id, m_hostileCustomers, now));
}

QList<QStringList> TestExport::readWithPython(const QString &file, QString *error)
{
    QProcess python;
    python.start(u"python3"_s, {m_python, file});
    if (!python.waitForFinished(60'000) || python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0) {
        *error = u"python3 could not read %1: %2"_s.arg(file, QString::fromUtf8(python.readAllStandardError()));
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(python.readAllStandardOutput(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = parseError.errorString();
        return {};
    }
    QList<QStringList> rows;
    for (const QJsonValue &row : json.array()) {
        QStringList cells;
        for (const QJsonValue &cell : row.toArray())
            cells << cell.toString();
        rows << cells;
    }
    return rows;
}

// Runs `export …` into a fresh file and reads it back with Python.
QList<QStringList> TestExport::exportRows(const QStringList &arguments, QString *error)
{
    const QString file = freshFile(u"out.csv"_s);
    const Run run = runCli(QStringList{u"export"_s} + arguments + QStringList{u"--output"_s, file});
    if (!run.failure.isEmpty() || run.exitCode != 0) {
        *error = u"export %1: exit %2: %3%4"_s.arg(arguments.join(u' ')).arg(run.exitCode).arg(run.failure,
                                                                                               QString::fromUtf8(run.err));
        return {};
    }
    return readWithPython(file, error);
}

QStringList TestExport::exportIds(const QStringList &arguments, QString *error)
{
    const QList<QStringList> rows = exportRows(arguments + QStringList{u"--columns"_s, u"id"_s}, error);
    QStringList ids;
    for (qsizetype i = 1; i < rows.size(); ++i)
        ids << rows[i].value(0);
    return ids;
}

QStringList TestExport::sqlIds(const QString &sql, const QVariantList &values)
{
    auto db = openConnection(m_ws);
    QStringList ids;
    if (!db)
        return ids;
    auto rows = select(*db, sql, values);
    if (!rows)
        qWarning("%s", qPrintable(rows.error().toString()));
    for (const QVariantList &row : rows.value())
        ids << u"red_%1"_s.arg(row.value(0).toLongLong());
    return ids;
}

void TestExport::listColumnsNeedsNoWorkspace()
{
    RUN_CLI(run, {u"export"_s, u"redemptions"_s, u"--list-columns"_s});
    QCOMPARE(run.exitCode, 0);
    const QStringList lines = QString::fromUtf8(run.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0).simplified(), u"column default description"_s);
    QStringList names;
    QStringList defaults;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QStringList parts = lines[i].split(u' ', Qt::SkipEmptyParts);
        names << parts.value(0);
        if (parts.value(1) == u"yes")
            defaults << parts.value(0);
        else
            QCOMPARE(parts.value(1), u"no"_s);
        QVERIFY2(parts.size() > 2, qPrintable(u"no description: "_s + lines[i]));
    }
    QCOMPARE(names, RedemptionColumns);
    QCOMPARE(defaults, redemptionColumns().defaultColumns());

    RUN_CLI(members, {u"export"_s, u"segment-members"_s, u"--list-columns"_s});
    QCOMPARE(members.exitCode, 0);
    QVERIFY(members.out.contains("\nentered_at "));
    QVERIFY(members.out.contains("\ntotal_spent "));
    for (const QString &list : {u"customers"_s, u"codes"_s, u"campaigns"_s}) {
        RUN_CLI(other, {u"export"_s, list, u"--list-columns"_s});
        QCOMPARE(other.exitCode, 0);
        QVERIFY(other.out.startsWith("column "));
        QVERIFY(other.out.count('\n') > 5);
    }
}

void TestExport::everyRedemptionColumnRoundTrips_data()
{
    QTest::addColumn<bool>("guard");
    QTest::newRow("formula guard (default)") << true;
    QTest::newRow("--no-formula-guard") << false;
}

void TestExport::everyRedemptionColumnRoundTrips()
{
    QFETCH(bool, guard);
    const QString file = freshFile(u"all.csv"_s);
    QStringList arguments{u"export"_s, u"redemptions"_s, u"-w"_s, m_ws, u"--columns"_s, RedemptionColumns.join(u',')};
    if (!guard)
        arguments << u"--no-formula-guard"_s;
    RUN_CLI(run, arguments + QStringList{u"--output"_s, file});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    RUN_CLI(toStdout, arguments);
    QVERIFY2(toStdout.exitCode == 0, toStdout.err.constData());

    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QCOMPARE(toStdout.out, bytes); // stdout and the file get the same bytes
    QVERIFY(bytes.startsWith(RedemptionColumns.join(u',').toUtf8() + "\r\n"));
    QVERIFY(!bytes.startsWith("\xEF\xBB\xBF"));
    QString why;
    const int records = crlfRecords(bytes, &why);
    QVERIFY2(records > 0, qPrintable(why));
    QVERIFY(bytes.endsWith("\r\n"));

    QString error;
    const QList<QStringList> rows = readWithPython(file, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows.size(), records);
    QCOMPARE(rows.value(0), RedemptionColumns);

    // The same values straight from the tables, formatted and ordered here.
    auto db = openConnection(m_ws);
    QVERIFY(db);
    auto currency = scalar(*db, u"SELECT value FROM workspace_meta WHERE key = 'currency'"_s);
    PD_VERIFY_OK(currency);
    auto raw = select(*db, u"SELECT r.id, r.object, r.created_at, r.campaign_id, c.name, k.code, r.tier_id, c.definition, "
                           "r.customer_id, cu.source_id, cu.name, cu.email, r.order_source_id, r.order_amount, "
                           "r.discount_amount, r.gift_amount, r.result, r.failure_code, r.failure_message, r.channel, "
                           "r.rollback_of, r.reason FROM redemptions r LEFT JOIN campaigns c ON c.id = r.campaign_id "
                           "LEFT JOIN codes k ON k.id = r.code_id LEFT JOIN customers cu ON cu.id = r.customer_id"_s);
    PD_VERIFY_OK(raw);
    Rows expected = raw.value();
    std::sort(expected.begin(), expected.end(), [](const QVariantList &a, const QVariantList &b) {
        const qint64 ta = a[2].toLongLong(), tb = b[2].toLongLong();
        return ta != tb ? ta > tb : a[0].toLongLong() > b[0].toLongLong();
    });
    QCOMPARE(rows.size() - 1, expected.size());

    auto text = [&](const QVariant &v) { return v.isNull() ? QString() : guarded(v.toString(), guard); };
    auto cents = [](const QVariant &v) { return v.isNull() ? QString() : money(v.toLongLong()); };
    auto id = [](const char *prefix, const QVariant &v) {
        return v.isNull() ? QString() : QLatin1String(prefix) + QString::number(v.toLongLong());
    };
    // The hostile texts a spreadsheet would run.
    QStringList formulas;
    for (const QString &t : Hostile + HostileCodes + QStringList{HostileCampaign, HostileTier, u"=bad_code"_s, u"-web"_s})
        if (guarded(t, true) != t)
            formulas << t;
    int hostileSeen = 0, guardedSeen = 0;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const QVariantList &e = expected[i];
        QString tierName;
        if (!e[6].isNull()) {
            const QJsonArray tiers = QJsonDocument::fromJson(e[7].toByteArray()).object().value(u"tiers").toArray();
            for (const QJsonValue &t : tiers)
                if (t[u"id"].toString() == e[6].toString())
                    tierName = guarded(t[u"name"].toString(), guard);
        }
        const bool isRollback = e[1].toString() == u"redemption_rollback";
        const QString result = e[16].toString();
        const QString status = isRollback ? u"Rollback"_s
                               : result == u"SUCCESS" ? u"Succeeded"_s
                               : result == u"FAILURE" ? u"Failed"_s
                                                      : u"Rolled back"_s;
        const QStringList want = {
            id("red_", e[0]),  text(e[1]),   timestamp(e[2].toLongLong()), text(e[3]),   text(e[4]),
            text(e[5]),        text(e[6]),   tierName,                     id("cust_", e[8]), text(e[9]),
            text(e[10]),       text(e[11]),  text(e[12]),                  cents(e[13]), cents(e[14]),
            cents(e[15]),      text(currency.value()), text(e[16]),       status,       text(e[17]),
            text(e[18]),       text(e[19]),  id("red_", e[20]),            text(e[21]),
        };
        const QStringList &got = rows[i + 1];
        QCOMPARE(got.size(), want.size());
        for (qsizetype c = 0; c < want.size(); ++c) {
            QVERIFY2(got[c] == want[c], qPrintable(u"row %1 (%2), column %3: got \"%4\", expected \"%5\""_s.arg(i + 1)
                                                     .arg(want[0], RedemptionColumns[c], got[c], want[c])));
            if (Hostile.contains(got[c]) || Hostile.contains(got[c].mid(1)))
                ++hostileSeen;
            if (got[c].startsWith(u'\'') && formulas.contains(got[c].mid(1)))
                ++guardedSeen;
        }
    }
    QVERIFY(hostileSeen > 20); // the hostile rows were really in the export
    QCOMPARE(guardedSeen > 10, guard);

    // Money is never guarded: the negative amounts are there as numbers.
    QVERIFY(bytes.contains(",-1.50,"));
    QVERIFY(!bytes.contains("'-1.50"));
    // A time before 1970 and the tie at 12:00 (ordered by id, newest first).
    QVERIFY(bytes.contains(",1969-12-31T23:59:59.999+00:00,"));
}

void TestExport::byteOrderMarkOnlyWhenAsked()
{
    for (const QString &list : {u"redemptions"_s, u"customers"_s, u"codes"_s, u"campaigns"_s}) {
        const QString with = freshFile(u"bom.csv"_s), without = freshFile(u"nobom.csv"_s);
        RUN_CLI(a, {u"export"_s, list, u"-w"_s, m_ws, u"--bom"_s, u"-o"_s, with});
        QVERIFY2(a.exitCode == 0, a.err.constData());
        RUN_CLI(b, {u"export"_s, list, u"-w"_s, m_ws, u"-o"_s, without});
        QVERIFY2(b.exitCode == 0, b.err.constData());
        QFile fa(with), fb(without);
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        const QByteArray bytesA = fa.readAll(), bytesB = fb.readAll();
        QVERIFY(bytesA.startsWith("\xEF\xBB\xBF"));
        QCOMPARE(bytesA.mid(3), bytesB);
        QVERIFY(!bytesB.startsWith("\xEF\xBB\xBF"));
        // Python with utf-8-sig would drop it; plain utf-8 shows it in the first header cell.
        QString error;
        QVERIFY(readWithPython(with, &error).value(0).value(0).startsWith(QChar(0xFEFF)));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // The summary on stdout counts the data rows.
        QString jsonError;
        const QJsonObject summary = parseObject(b.out, &jsonError);
        QVERIFY2(jsonError.isEmpty(), qPrintable(jsonError));
        QCOMPARE(summary.value(u"rows").toInteger() + 1, readWithPython(without, &error).size());
    }
}

void TestExport::filtersMatchHandWrittenSql_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QVariantList>("values");
    const qint64 first = m_hostileCustomers.value(0), sixth = m_hostileCustomers.value(5);
    QTest::newRow("campaign by id") << QStringList{u"--campaign"_s, u"camp_spend_tiers"_s}
                                    << u"r.campaign_id = 'camp_spend_tiers'"_s << QVariantList{};
    QTest::newRow("campaign by a hostile name") << QStringList{u"--campaign"_s, HostileCampaign}
                                                << u"r.campaign_id = 'camp_summer'"_s << QVariantList{};
    QTest::newRow("from and to (a date, an offset)")
        << QStringList{u"--from"_s, u"2026-03-01"_s, u"--to"_s, u"2026-04-01T02:00:00+02:00"_s}
        << u"r.created_at >= ? AND r.created_at < ?"_s << QVariantList{utc(2026, 3, 1), utc(2026, 4, 1)};
    QTest::newRow("from only") << QStringList{u"--from"_s, u"2026-10-01T12:30:00Z"_s} << u"r.created_at >= ?"_s
                               << QVariantList{utc(2026, 10, 1, 12, 30)};
    QTest::newRow("to only, exclusive, west of UTC")
        << QStringList{u"--to"_s, u"2026-06-15T07:00-05:00"_s} << u"r.created_at < ?"_s
        << QVariantList{utc(2026, 6, 15, 12)}; // the hostile row at 12:00 exactly is left out
    QTest::newRow("result succeeded") << QStringList{u"--result"_s, u"succeeded"_s}
                                      << u"r.result = 'SUCCESS' AND r.object = 'redemption'"_s << QVariantList{};
    QTest::newRow("result failed") << QStringList{u"--result"_s, u"failed"_s} << u"r.result = 'FAILURE'"_s
                                   << QVariantList{};
    QTest::newRow("result rolled-back") << QStringList{u"--result"_s, u"rolled-back"_s} << u"r.result = 'ROLLED_BACK'"_s
                                        << QVariantList{};
    QTest::newRow("result rollbacks") << QStringList{u"--result"_s, u"rollbacks"_s}
                                      << u"r.object = 'redemption_rollback'"_s << QVariantList{};
    QTest::newRow("failure code") << QStringList{u"--failure-code"_s, u"customer_rules_violated"_s}
                                  << u"r.failure_code = 'customer_rules_violated'"_s << QVariantList{};
    QTest::newRow("hostile failure code") << QStringList{u"--failure-code"_s, u"=bad_code"_s}
                                          << u"r.failure_code = '=bad_code'"_s << QVariantList{};
    QTest::newRow("customer by id") << QStringList{u"--customer"_s, u"cust_%1"_s.arg(sixth)} << u"r.customer_id = ?"_s
                                    << QVariantList{sixth};
    QTest::newRow("customer by source id") << QStringList{u"--customer"_s, u"H-0, \"src\""_s} << u"r.customer_id = ?"_s
                                           << QVariantList{first};
    QTest::newRow("customer by email, any case")
        << QStringList{u"--customer"_s, u"-HOSTILE0@Example.com"_s} << u"r.customer_id = ?"_s << QVariantList{first};
    QTest::newRow("demo customer") << QStringList{u"--customer"_s, u"cust_36"_s} << u"r.customer_id = 36"_s
                                   << QVariantList{};
    QTest::newRow("code, any case") << QStringList{u"--code"_s, u"comeback10"_s}
                                    << u"r.code_id = (SELECT id FROM codes WHERE code = 'COMEBACK10')"_s << QVariantList{};
    QTest::newRow("hostile code") << QStringList{u"--code"_s, u"=1+2"_s}
                                  << u"r.code_id = (SELECT id FROM codes WHERE code = '=1+2')"_s << QVariantList{};
    QTest::newRow("channel") << QStringList{u"--channel"_s, u"store"_s} << u"r.channel = 'store'"_s << QVariantList{};
    QTest::newRow("hostile channel") << QStringList{u"--channel"_s, u"-web"_s} << u"r.channel = '-web'"_s
                                     << QVariantList{};
    QTest::newRow("campaign, result and from")
        << QStringList{u"--campaign"_s, u"Free shipping"_s, u"--result"_s, u"failed"_s, u"--from"_s, u"2026-05-01"_s}
        << u"r.campaign_id = 'camp_free_shipping' AND r.result = 'FAILURE' AND r.created_at >= ?"_s
        << QVariantList{utc(2026, 5, 1)};
}

void TestExport::filtersMatchHandWrittenSql()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, where);
    QFETCH(QVariantList, values);
    QString error;
    const QStringList got = exportIds(QStringList{u"redemptions"_s, u"-w"_s, m_ws} + arguments, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QStringList want =
        sqlIds(u"SELECT r.id FROM redemptions r WHERE %1 ORDER BY r.created_at DESC, r.id DESC"_s.arg(where), values);
    QVERIFY(!want.isEmpty()); // every filter keeps something…
    QVERIFY(want.size() < sqlIds(u"SELECT id FROM redemptions"_s).size()); // …and leaves something out
    QCOMPARE(got, want);
}

void TestExport::sortsMatchHandWrittenSql_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expression");
    const QList<std::pair<QString, QString>> sorts = {
        {u"date"_s, u"r.created_at"_s},
        {u"code"_s, u"coalesce(k.code, r.tier_id)"_s},
        {u"campaign"_s, u"c.name"_s},
        {u"customer"_s, u"cu.name"_s},
        {u"order"_s, u"r.order_source_id"_s},
        {u"order-amount"_s, u"r.order_amount"_s},
        {u"discount"_s, u"r.discount_amount"_s},
        {u"result"_s, u"CASE WHEN r.object = 'redemption_rollback' THEN 'Rollback' WHEN r.result = 'SUCCESS' "
                      "THEN 'Succeeded' WHEN r.result = 'FAILURE' THEN 'Failed' ELSE 'Rolled back' END"_s},
        {u"failure-code"_s, u"r.failure_code"_s},
        {u"channel"_s, u"r.channel"_s},
        {u"id"_s, QString()},
    };
    for (const auto &[key, expression] : sorts)
        QTest::newRow(qPrintable(key)) << key << expression;
}

void TestExport::sortsMatchHandWrittenSql()
{
    QFETCH(QString, key);
    QFETCH(QString, expression);
    for (const bool ascending : {false, true}) {
        QStringList arguments{u"redemptions"_s, u"-w"_s, m_ws, u"--sort"_s, key};
        if (ascending)
            arguments << u"--ascending"_s;
        QString error;
        const QStringList got = exportIds(arguments, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString direction = ascending ? QString() : u" DESC"_s;
        const QString order = expression.isEmpty() ? u"r.id"_s + direction
                                                   : expression + direction + u", r.id"_s + direction;
        const QStringList want = sqlIds(u"SELECT r.id FROM redemptions r LEFT JOIN campaigns c ON c.id = r.campaign_id "
                                        "LEFT JOIN codes k ON k.id = r.code_id LEFT JOIN customers cu ON cu.id = "
                                        "r.customer_id ORDER BY %1"_s.arg(order));
        QCOMPARE(got.size(), want.size());
        QVERIFY2(got == want, qPrintable(u"--sort %1%2: the order differs"_s.arg(key, ascending ? u" --ascending"_s
                                                                                               : QString())));
    }
}

void TestExport::customersList()
{
    QString error;
    const QList<QStringList> rows =
        exportRows({u"customers"_s, u"-w"_s, m_ws, u"--search"_s, u"smith"_s, u"--no-formula-guard"_s}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows.value(0), Lists::customers().defaultColumns());
    auto db = openConnection(m_ws);
    QVERIFY(db);
    auto want = select(*db, u"SELECT id, name FROM customers WHERE name LIKE '%smith%' OR email LIKE '%smith%' "
                            "OR source_id = 'smith' ORDER BY name, id"_s);
    PD_VERIFY_OK(want);
    QVERIFY(want.value().size() > 5);
    QCOMPARE(rows.size() - 1, want.value().size());
    const qsizetype nameColumn = rows[0].indexOf(u"name"_s);
    bool hostile = false;
    for (qsizetype i = 0; i < want.value().size(); ++i) {
        QCOMPARE(rows[i + 1].value(0), u"cust_%1"_s.arg(want.value()[i][0].toLongLong()));
        QCOMPARE(rows[i + 1].value(nameColumn), want.value()[i][1].toString());
        hostile = hostile || rows[i + 1].value(nameColumn) == u"Smith, John";
    }
    QVERIFY(hostile);

    // By total spent, largest first: the negative total of a hostile customer stays a number.
    const QList<QStringList> bySpent = exportRows({u"customers"_s, u"-w"_s, m_ws, u"--sort"_s, u"spent"_s,
                                                   u"--descending"_s, u"--columns"_s, u"id,total_spent,phone"_s},
                                                  &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto spent = select(*db, u"SELECT id, total_spent FROM customers ORDER BY total_spent DESC, id DESC"_s);
    PD_VERIFY_OK(spent);
    QCOMPARE(bySpent.size() - 1, spent.value().size());
    for (qsizetype i = 0; i < spent.value().size(); ++i) {
        QCOMPARE(bySpent[i + 1].value(0), u"cust_%1"_s.arg(spent.value()[i][0].toLongLong()));
        QCOMPARE(bySpent[i + 1].value(1), money(spent.value()[i][1].toLongLong()));
    }
    QCOMPARE(bySpent.constLast().value(1), u"-1.50"_s);
    QVERIFY(bySpent[1].value(2).startsWith(u"'+"_s)); // a phone number is text: guarded
}

void TestExport::segmentMembersList()
{
    QString error;
    // By name in another case, as `segment export` takes it.
    const QList<QStringList> rows =
        exportRows({u"segment-members"_s, u"-w"_s, m_ws, u"--segment"_s, m_segmentName.toUpper()}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows.value(0), Lists::customers().defaultColumns() + QStringList{u"entered_at"_s});
    QCOMPARE(rows.size() - 1, m_hostileCustomers.size());
    const qsizetype name = rows[0].indexOf(u"name"_s), source = rows[0].indexOf(u"source_id"_s);
    for (qsizetype i = 0; i < m_hostileCustomers.size(); ++i) {
        QCOMPARE(rows[i + 1].value(0), u"cust_%1"_s.arg(m_hostileCustomers[i]));
        QCOMPARE(rows[i + 1].value(name), guarded(Hostile[i], true));
        QCOMPARE(rows[i + 1].value(source), guarded(i % 2 ? u"=SRC-%1"_s.arg(i) : u"H-%1, \"src\""_s.arg(i), true));
        QCOMPARE(rows[i + 1].constLast(), timestamp(utc(2026, 11, 1, 9)));
    }
}

void TestExport::codesList()
{
    auto db = openConnection(m_ws);
    QVERIFY(db);
    QString error;
    const QStringList columns{u"code"_s, u"campaign"_s, u"status"_s, u"holder_id"_s, u"holder_name"_s, u"gift_balance"_s};
    const QList<QStringList> rows = exportRows({u"codes"_s, u"-w"_s, m_ws, u"--campaign"_s, u"camp_summer"_s,
                                                u"--status"_s, u"active"_s, u"--columns"_s, columns.join(u',')},
                                               &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows.value(0), columns);
    auto want = select(*db, u"SELECT k.code, h.id, h.name, k.gift_balance FROM codes k LEFT JOIN customers h "
                            "ON h.id = k.customer_id WHERE k.campaign_id = 'camp_summer' AND k.status = 'active' "
                            "ORDER BY k.id"_s);
    PD_VERIFY_OK(want);
    QCOMPARE(rows.size() - 1, want.value().size());
    for (qsizetype i = 0; i < want.value().size(); ++i) {
        const QVariantList &w = want.value()[i];
        const QStringList &got = rows[i + 1];
        QCOMPARE(got[0], guarded(w[0].toString(), true));
        QCOMPARE(got[1], guarded(HostileCampaign, true));
        QCOMPARE(got[2], u"active"_s);
        QCOMPARE(got[3], w[1].isNull() ? QString() : u"cust_%1"_s.arg(w[1].toLongLong()));
        QCOMPARE(got[4], w[2].isNull() ? QString() : guarded(w[2].toString(), true));
        QCOMPARE(got[5], w[3].isNull() ? QString() : money(w[3].toLongLong()));
    }
    QVERIFY(rows.contains(QStringList{u"'=1+2"_s, u"'"_s + HostileCampaign, u"active"_s, QString(), QString(), QString()}));
    QVERIFY(std::any_of(rows.begin(), rows.end(), [](const QStringList &r) { return r.value(5) == u"-2.50"; }));

    // The campaign by name; the one disabled code alone.
    const QList<QStringList> disabled = exportRows({u"codes"_s, u"-w"_s, m_ws, u"--campaign"_s, HostileCampaign,
                                                    u"--status"_s, u"disabled"_s, u"--no-formula-guard"_s},
                                                   &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(disabled.size(), 2);
    QCOMPARE(disabled[1].value(0), u"-10OFF"_s);
    QCOMPARE(disabled[1].value(disabled[0].indexOf(u"holder_name"_s)), Hostile[1]);

    // Every code of every campaign.
    const QList<QStringList> all = exportRows({u"codes"_s, u"-w"_s, m_ws}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto count = scalar(*db, u"SELECT count(*) FROM codes"_s);
    PD_VERIFY_OK(count);
    QCOMPARE(all.size() - 1, count.value().toLongLong());
}

void TestExport::campaignsListCountsEqualARecount()
{
    QString error;
    const QList<QStringList> rows = exportRows({u"campaigns"_s, u"-w"_s, m_ws, u"--no-formula-guard"_s}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QStringList header = rows.value(0);
    QCOMPARE(header, Lists::campaigns().defaultColumns());
    auto db = openConnection(m_ws);
    QVERIFY(db);
    auto campaigns = select(*db, u"SELECT id, name FROM campaigns ORDER BY name"_s);
    PD_VERIFY_OK(campaigns);
    QCOMPARE(rows.size() - 1, campaigns.value().size());
    const QStringList counted = {u"codes"_s, u"codes_published"_s, u"redemptions_succeeded"_s, u"redemptions_failed"_s,
                                 u"redemptions_rolled_back"_s};
    const QStringList summed = {u"discount_given"_s, u"rolled_back_discount"_s, u"order_amount"_s};
    qint64 redemptions = 0;
    for (qsizetype i = 0; i < campaigns.value().size(); ++i) {
        const QString id = campaigns.value()[i][0].toString();
        const QStringList &got = rows[i + 1];
        QCOMPARE(got.value(header.indexOf(u"id"_s)), id);
        QCOMPARE(got.value(header.indexOf(u"name"_s)), campaigns.value()[i][1].toString());
        auto recount = select(
            *db,
            u"SELECT (SELECT count(*) FROM codes WHERE campaign_id = ?), "
            "(SELECT count(*) FROM codes WHERE campaign_id = ? AND customer_id IS NOT NULL), "
            "(SELECT count(*) FROM redemptions WHERE campaign_id = ? AND result = 'SUCCESS' AND object = 'redemption'), "
            "(SELECT count(*) FROM redemptions WHERE campaign_id = ? AND result = 'FAILURE'), "
            "(SELECT count(*) FROM redemptions WHERE campaign_id = ? AND result = 'ROLLED_BACK'), "
            "(SELECT total(discount_amount) FROM redemptions WHERE campaign_id = ? AND result = 'SUCCESS' "
            "AND object = 'redemption'), "
            "(SELECT total(discount_amount) FROM redemptions WHERE campaign_id = ? AND result = 'ROLLED_BACK'), "
            "(SELECT total(order_amount) FROM redemptions WHERE campaign_id = ? AND result = 'SUCCESS' "
            "AND object = 'redemption')"_s,
            QVariantList(8, id));
        PD_VERIFY_OK(recount);
        const QVariantList &r = recount.value().value(0);
        for (qsizetype c = 0; c < counted.size(); ++c)
            QCOMPARE(got.value(header.indexOf(counted[c])), QString::number(r[c].toLongLong()));
        for (qsizetype c = 0; c < summed.size(); ++c)
            QCOMPARE(got.value(header.indexOf(summed[c])), money(qint64(r[counted.size() + c].toDouble())));
        redemptions += r[2].toLongLong() + r[3].toLongLong() + r[4].toLongLong();
    }
    QVERIFY(redemptions > 3000);
}

void TestExport::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("mentions");
    const QString ws = u"WS"_s; // replaced by the workspace
    QTest::newRow("unknown column") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--columns"_s, u"id,bogus"_s} << 2
                                    << QStringList{u"--columns"_s, u"\"bogus\""_s, u"voucher_code"_s, u"failure_message"_s};
    QTest::newRow("unknown list") << QStringList{u"refunds"_s, u"-w"_s, ws} << 2 << QStringList{u"\"refunds\""_s};
    QTest::newRow("no list") << QStringList{u"-w"_s, ws} << 2 << QStringList{u"redemptions"_s};
    QTest::newRow("unknown campaign") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--campaign"_s, u"Winter"_s} << 1
                                      << QStringList{u"--campaign"_s, u"\"Winter\""_s};
    QTest::newRow("unknown campaign of codes") << QStringList{u"codes"_s, u"-w"_s, ws, u"--campaign"_s, u"Winter"_s}
                                               << 1 << QStringList{u"--campaign"_s, u"\"Winter\""_s};
    QTest::newRow("unknown customer") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--customer"_s, u"cust_999999"_s}
                                      << 1 << QStringList{u"--customer"_s, u"\"cust_999999\""_s};
    QTest::newRow("unknown code") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--code"_s, u"NOPE"_s} << 1
                                  << QStringList{u"--code"_s, u"\"NOPE\""_s};
    QTest::newRow("unknown segment") << QStringList{u"segment-members"_s, u"-w"_s, ws, u"--segment"_s, u"VIPs"_s} << 1
                                     << QStringList{u"--segment"_s, u"\"VIPs\""_s};
    QTest::newRow("bad --from") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--from"_s, u"yesterday"_s} << 2
                                << QStringList{u"--from"_s, u"\"yesterday\""_s};
    QTest::newRow("impossible --to") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--to"_s, u"2026-02-30"_s} << 2
                                     << QStringList{u"--to"_s, u"\"2026-02-30\""_s};
    QTest::newRow("--to before --from")
        << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--from"_s, u"2026-05-01"_s, u"--to"_s, u"2026-04-01"_s} << 2
        << QStringList{u"--to"_s, u"\"2026-04-01\""_s, u"--from"_s};
    QTest::newRow("bad --result") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--result"_s, u"won"_s} << 2
                                  << QStringList{u"--result"_s, u"\"won\""_s};
    QTest::newRow("bad --sort") << QStringList{u"customers"_s, u"-w"_s, ws, u"--sort"_s, u"age"_s} << 2
                                << QStringList{u"--sort"_s, u"\"age\""_s};
    QTest::newRow("bad --status") << QStringList{u"codes"_s, u"-w"_s, ws, u"--status"_s, u"used"_s} << 2
                                  << QStringList{u"--status"_s, u"\"used\""_s};
    QTest::newRow("filter of another list") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--search"_s, u"x"_s} << 2
                                            << QStringList{u"--search"_s};
    QTest::newRow("unknown option") << QStringList{u"redemptions"_s, u"-w"_s, ws, u"--colour"_s} << 2
                                    << QStringList{u"colour"_s};
    QTest::newRow("no --segment") << QStringList{u"segment-members"_s, u"-w"_s, ws} << 2 << QStringList{u"--segment"_s};
    QTest::newRow("no workspace") << QStringList{u"campaigns"_s} << 2 << QStringList{u"--workspace"_s};
    QTest::newRow("missing workspace") << QStringList{u"campaigns"_s, u"-w"_s, u"MISSING"_s} << 1
                                       << QStringList{u"missing.promodesk"_s};
}

void TestExport::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QStringList, mentions);
    arguments.replaceInStrings(QRegularExpression(u"^WS$"_s), m_ws);
    arguments.replaceInStrings(QRegularExpression(u"^MISSING$"_s), path(u"missing.promodesk"_s));
    const QString target = freshFile(u"error.csv"_s);
    RUN_CLI(run, QStringList{u"export"_s} + arguments + QStringList{u"--output"_s, target});
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY(run.out.isEmpty());
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.startsWith(u"promodesk-cli: export"_s) && err.count(u'\n') == 1, qPrintable(err));
    for (const QString &word : mentions)
        QVERIFY2(err.contains(word), qPrintable(u"\"%1\" not in: %2"_s.arg(word, err)));
    QVERIFY(!QFileInfo::exists(target));
}

void TestExport::anErrorKeepsTheOlderFile()
{
    const QString target = freshFile(u"older.csv"_s);
    QFile old(target);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("yesterday's export\r\n");
    old.close();
    const QByteArray before = fileChecksum(target);
    const QStringList entries = entriesIn(m_dir.path());
    RUN_CLI(run, {u"export"_s, u"redemptions"_s, u"-w"_s, m_ws, u"--customer"_s, u"nobody@example.com"_s, u"-o"_s, target});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(fileChecksum(target), before);
    QCOMPARE(entriesIn(m_dir.path()), entries);
}

// 200 000 more redemption rows, written with SQL in one transaction.
bool TestExport::makeBigWorkspace()
{
    if (!m_big.isEmpty())
        return true;
    const QString big = path(u"big.promodesk"_s);
    if (!QFile::copy(m_ws, big))
        return false;
    auto db = openConnection(big, Connection::Access::ReadWrite);
    if (!db || !db->begin())
        return false;
    const Status inserted = execute(
        *db, u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
             "INSERT INTO redemptions(created_at, campaign_id, code_id, tier_id, customer_id, order_source_id, order_amount, "
             "discount_amount, result, failure_code, failure_message, channel) "
             "SELECT 1700000000000 + i * 60000, CASE i % 3 WHEN 0 THEN 'camp_spend_tiers' ELSE 'camp_free_shipping' END, "
             "NULL, CASE i % 3 WHEN 0 THEN 'promo_spend_50' END, 1 + i % 5000, 'BULK-' || i, 1000 + i % 9000, i % 700, "
             "CASE i % 4 WHEN 0 THEN 'FAILURE' ELSE 'SUCCESS' END, "
             "CASE i % 4 WHEN 0 THEN 'order_rules_violated' END, "
             "CASE i % 4 WHEN 0 THEN 'Spend 50.00 or more, \"please\", then come back' END, "
             "CASE i % 2 WHEN 0 THEN 'web' ELSE 'store' END FROM n"_s);
    if (!inserted || !db->commit())
        return false;
    m_big = big;
    return true;
}

void TestExport::killedExportLeavesNoFile_data()
{
    QTest::addColumn<bool>("olderFile");
    QTest::newRow("new file") << false;
    QTest::newRow("over an older file") << true;
}

// A real SIGKILL while the rows are being written: no file, or the older one intact.
void TestExport::killedExportLeavesNoFile()
{
    QFETCH(bool, olderFile);
    QVERIFY(makeBigWorkspace());
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString target = out.filePath(u"redemptions.csv"_s);
    if (olderFile) {
        QFile old(target);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("id,date\r\nred_1,2026-01-01T00:00:00.000+00:00\r\n");
    }
    const QByteArray before = fileChecksum(target);
    const QStringList entries = entriesIn(out.path());

    QProcess process;
    process.setProgram(QStringLiteral(PROMODESK_CLI_PATH));
    process.setArguments({u"export"_s, u"redemptions"_s, u"-w"_s, m_big, u"--columns"_s, RedemptionColumns.join(u','),
                          u"--progress"_s, u"-o"_s, target});
    process.start();
    QVERIFY(process.waitForStarted(30'000));
    // "exporting…  NN% (R of T rows)" on stderr: kill once rows are being written.
    const QRegularExpression progress(u"\\((\\d+) of (\\d+) rows\\)"_s);
    QByteArray err;
    qint64 rows = 0;
    while (rows == 0 && process.state() == QProcess::Running) {
        process.waitForReadyRead(5);
        err += process.readAllStandardError();
        auto matches = progress.globalMatch(QString::fromUtf8(err));
        while (matches.hasNext())
            rows = matches.next().captured(1).toLongLong();
    }
    QVERIFY2(process.state() == QProcess::Running, "the export finished before it could be killed");
    process.kill();
    QVERIFY(process.waitForFinished(30'000));
    QCOMPARE(process.exitStatus(), QProcess::CrashExit);
    QVERIFY2(rows > 0 && rows < 200'000, qPrintable(QString::number(rows)));

    QCOMPARE(fileChecksum(target), before); // empty when there was no file: it still is not there
    QCOMPARE(QFileInfo::exists(target), olderFile);
    QCOMPARE(entriesIn(out.path()), entries); // no temporary file left behind either
}

// In process: a cancel from the progress callback throws the file away, for a long
// list (mid-way) and a short one (the cancel comes with the last rows).
void TestExport::cancelledExportLeavesNoFile()
{
    QVERIFY(makeBigWorkspace());
    auto db = openConnection(m_big);
    QVERIFY(db);
    QTemporaryDir out;
    QVERIFY(out.isValid());

    auto list = RedemptionList(*db).exportList({}, {});
    PD_VERIFY_OK(list);
    struct Case
    {
        const char *what;
        ExportList list;
        bool olderFile;
    };
    const QList<Case> cases = {
        {"redemptions, new file", list.value(), false},
        {"redemptions, over an older file", list.value(), true},
        {"campaigns (fewer rows than a progress step)", Lists::campaigns(), false},
    };
    for (const Case &c : cases) {
        const QString target = out.filePath(u"cancelled.csv"_s);
        QFile::remove(target);
        if (c.olderFile) {
            QFile old(target);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("older\r\n");
        }
        const QByteArray before = fileChecksum(target);
        std::atomic_bool cancelled = false;
        qint64 calls = 0, lastRows = 0;
        ExportProgress report;
        report.cancelled = &cancelled;
        report.progress = [&](qint64 rows, qint64) {
            ++calls;
            lastRows = rows;
            cancelled = true;
        };
        auto written = exportListToFile(*db, c.list, {}, target, CsvExportOptions{}, report);
        QVERIFY2(!written, c.what);
        QCOMPARE(written.error().message, u"cancelled"_s);
        QCOMPARE(calls, 1);
        QVERIFY(lastRows > 0);
        QCOMPARE(fileChecksum(target), before);
        QCOMPARE(QFileInfo::exists(target), c.olderFile);
        QCOMPARE(entriesIn(out.path()), c.olderFile ? QStringList{u"cancelled.csv"_s} : QStringList{});
    }
    // The connection is usable afterwards: no transaction was left open.
    QVERIFY(!db->inTransaction());
    NullDevice sink;
    QVERIFY(sink.open(QIODevice::WriteOnly));
    auto again = exportList(*db, Lists::campaigns(), {}, &sink, CsvExportOptions{});
    PD_VERIFY_OK(again);
    QVERIFY(again.value() > 10);
}

// Every column of 200 000 rows into a device that forgets them: the exporter holds a
// row and a 64 KiB buffer, not the file. (SQLite's page cache is set small here so
// that what is measured is the exporter.) The same export into a QBuffer, which does
// hold the file, shows that the measurement would see it.
void TestExport::memoryStaysFlat()
{
    QVERIFY(makeBigWorkspace());
    auto db = openConnection(m_big);
    QVERIFY(db);
    PD_VERIFY_OK(db->exec(u"PRAGMA cache_size = -4096"_s));
    auto list = RedemptionList(*db).exportList({}, {});
    PD_VERIFY_OK(list);

    // Peak RSS growth over one export, in KiB; freed heap is handed back to the system
    // first so that reusing it cannot hide an allocation.
    auto growth = [&](QIODevice *device, qint64 *rows) -> qint64 {
        malloc_trim(0);
        QFile refs(u"/proc/self/clear_refs"_s);
        const bool reset = refs.open(QIODevice::WriteOnly) && refs.write("5") == 1; // VmHWM := VmRSS
        refs.close();
        if (!reset)
            return -1;
        const qint64 base = statusKiB("VmRSS:");
        auto written = exportList(*db, list.value(), RedemptionColumns, device, CsvExportOptions{});
        *rows = written ? written.value() : -1;
        return statusKiB("VmHWM:") - base;
    };
    NullDevice sink;
    QVERIFY(sink.open(QIODevice::WriteOnly));
    qint64 rows = 0;
    const qint64 flat = growth(&sink, &rows);
    if (flat < 0)
        QSKIP("/proc/self/clear_refs cannot reset the peak RSS here");
    QVERIFY(rows > 200'000);
    qInfo("%lld rows, %.1f MB written, peak RSS grew by %.1f MiB", static_cast<long long>(rows), sink.bytes / 1e6,
          flat / 1024.0);
    QVERIFY2(flat < 16 * 1024, qPrintable(u"peak RSS grew by %1 KiB"_s.arg(flat)));

    QByteArray held;
    {
        QBuffer buffer(&held);
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        const qint64 holding = growth(&buffer, &rows);
        qInfo("into a QBuffer: peak RSS grew by %.1f MiB", holding / 1024.0);
        QCOMPARE(held.size(), sink.bytes);
        QVERIFY2(holding > sink.bytes / 1024 * 3 / 4, "the measurement does not see a buffer holding the file");
    }
}

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
