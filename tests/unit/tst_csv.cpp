// The CSV reader and writer (models/common/csv.h): RFC 4180 with the files people
// actually have — BOMs, semicolons, CRLF, line breaks inside quotes, emoji — and exact
// line/column errors for the ones that are broken; the writer's quoting, formula guard
// and value formats, and writer -> reader round trips.

#include "common/csv.h"

#include <QBuffer>
#include <QTimeZone>
#include <QtTest/QtTest>

using namespace PromoDesk;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(QList<QStringList>)

namespace {

struct ReadAll
{
    QList<QStringList> records;
    QList<qint64> lines;
    char delimiter = 0;
    bool bom = false;
    std::optional<Error> error;
    int errorField = -1;
};

ReadAll readAll(const QByteArray &bytes, char delimiter = 0)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    Csv::Reader reader(&buffer, delimiter, u"test.csv"_s);
    ReadAll out;
    while (reader.next()) {
        out.records << reader.record();
        out.lines << reader.line();
    }
    out.delimiter = reader.delimiter();
    out.bom = reader.hadByteOrderMark();
    if (reader.hasError()) {
        out.error = reader.error();
        out.errorField = reader.errorField();
    }
    return out;
}

// A device that hands out at most `chunk` bytes per read, to cross every boundary.
class TrickleDevice : public QIODevice
{
public:
    TrickleDevice(QByteArray data, qint64 chunk) : m_data(std::move(data)), m_chunk(chunk) { open(ReadOnly); }
    bool isSequential() const override { return true; }
    bool atEnd() const override { return m_at >= m_data.size() && QIODevice::atEnd(); }
    qint64 bytesAvailable() const override { return m_data.size() - m_at + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 max) override
    {
        const qint64 n = qMin(qMin(max, m_chunk), qint64(m_data.size()) - m_at);
        std::memcpy(data, m_data.constData() + m_at, size_t(n));
        m_at += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_chunk;
    qint64 m_at = 0;
};

QByteArray write(const std::function<void(Csv::Writer &)> &fill, Csv::Writer::Options options = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        Csv::Writer writer(&buffer, options);
        fill(writer);
        if (!writer.finish().ok())
            return "<write failed>";
    }
    return buffer.data();
}

} // namespace

class TestCsv : public QObject
{
    Q_OBJECT

private slots:
    void readsRecords_data();
    void readsRecords();
    void tracksPhysicalLines();
    void detectsTheDelimiter_data();
    void detectsTheDelimiter();
    void readsAcrossTinyChunks();
    void readsLongRecordsAndFields();
    void malformedInputSaysLineAndColumn_data();
    void malformedInputSaysLineAndColumn();
    void fieldsAreUtf8Bytes();
    void utf8Validation_data();
    void utf8Validation();

    void writerQuotesOnlyWhenNeeded_data();
    void writerQuotesOnlyWhenNeeded();
    void formulaGuard_data();
    void formulaGuard();
    void writerValueFormats();
    void writerByteOrderMarkAndEmptyRows();
    void roundTrip();

    void parsesValues();
};

void TestCsv::readsRecords_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QStringList>>("expected");

    const QList<QStringList> abc{{u"a"_s, u"b"_s, u"c"_s}, {u"1"_s, u"2"_s, u"3"_s}};
    QTest::newRow("LF") << QByteArray("a,b,c\n1,2,3\n") << abc;
    QTest::newRow("CRLF") << QByteArray("a,b,c\r\n1,2,3\r\n") << abc;
    QTest::newRow("lone CR") << QByteArray("a,b,c\r1,2,3\r") << abc;
    QTest::newRow("no final line break") << QByteArray("a,b,c\n1,2,3") << abc;
    QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF" "a,b,c\r\n1,2,3\r\n") << abc;
    QTest::newRow("semicolons") << QByteArray("a;b;c\n1;2;3\n") << abc;
    QTest::newRow("empty lines are skipped") << QByteArray("\na,b,c\n\n\r\n1,2,3\n\n") << abc;
    QTest::newRow("empty fields") << QByteArray("a,,\n,,\n")
                                  << QList<QStringList>{{u"a"_s, u""_s, u""_s}, {u""_s, u""_s, u""_s}};
    QTest::newRow("trailing delimiter at the end")
        << QByteArray("a,b,\n1,2,") << QList<QStringList>{{u"a"_s, u"b"_s, u""_s}, {u"1"_s, u"2"_s, u""_s}};
    QTest::newRow("quoted") << QByteArray("\"a\",\"b\",\"c\"\n\"1\",2,\"3\"\n") << abc;
    QTest::newRow("quoted comma") << QByteArray("name,city\n\"Murphy, Aoife\",Cork\n")
                                  << QList<QStringList>{{u"name"_s, u"city"_s}, {u"Murphy, Aoife"_s, u"Cork"_s}};
    QTest::newRow("quoted semicolon in a semicolon file")
        << QByteArray("name;tags\nAoife;\"dog-owner;vip\"\n")
        << QList<QStringList>{{u"name"_s, u"tags"_s}, {u"Aoife"_s, u"dog-owner;vip"_s}};
    QTest::newRow("doubled quotes") << QByteArray("q\n\"She said \"\"hi\"\"\"\n\"\"\"\"\n\"\"\n")
                                    << QList<QStringList>{{u"q"_s}, {u"She said \"hi\""_s}, {u"\""_s}, {u""_s}};
    QTest::newRow("embedded LF, CRLF and CR")
        << QByteArray("a,b\n\"line 1\nline 2\",x\r\n\"one\r\ntwo\rthree\",y\n")
        << QList<QStringList>{{u"a"_s, u"b"_s}, {u"line 1\nline 2"_s, u"x"_s}, {u"one\r\ntwo\rthree"_s, u"y"_s}};
    QTest::newRow("emoji and accents") << QByteArray("name,pet\nSéan Ó Brien,🐶 Bó\n")
                                       << QList<QStringList>{{u"name"_s, u"pet"_s}, {u"Séan Ó Brien"_s, u"🐶 Bó"_s}};
    QTest::newRow("spaces are kept") << QByteArray(" a , b \n")
                                     << QList<QStringList>{{u" a "_s, u" b "_s}};
    QTest::newRow("empty input") << QByteArray() << QList<QStringList>{};
    QTest::newRow("only a BOM") << QByteArray("\xEF\xBB\xBF") << QList<QStringList>{};
    QTest::newRow("a lone quoted empty field is a record") << QByteArray("x\n\"\"\n")
                                                           << QList<QStringList>{{u"x"_s}, {u""_s}};
}

void TestCsv::readsRecords()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<QStringList>, expected);
    const ReadAll read = readAll(input);
    QVERIFY2(!read.error, read.error ? qPrintable(read.error->toString()) : "");
    QCOMPARE(read.records, expected);
}

void TestCsv::tracksPhysicalLines()
{
    const ReadAll read = readAll("h1,h2\n"                  // 1
                                 "a,\"two\nlines\"\n"      // 2-3
                                 "\n"                      // 4 (empty)
                                 "b,\"three\r\nline\rs\"\r\n" // 5-7
                                 "c,d\n");                 // 8
    QVERIFY(!read.error);
    QCOMPARE(read.lines, (QList<qint64>{1, 2, 5, 8}));
}

void TestCsv::detectsTheDelimiter_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<char>("expected");
    QTest::newRow("comma") << QByteArray("a,b;c,d\n") << ',';
    QTest::newRow("semicolon") << QByteArray("a;b;c,d\n1;2;3\n") << ';';
    QTest::newRow("tab") << QByteArray("a\tb\tc\n") << '\t';
    QTest::newRow("quoted delimiters do not count") << QByteArray("\"a;b;c\",d,e\n") << ',';
    QTest::newRow("single column") << QByteArray("email\nx@y.ie\n") << ',';
    QTest::newRow("tie goes to the comma") << QByteArray("a,b;c\n") << ',';
    QTest::newRow("BOM then semicolons") << QByteArray("\xEF\xBB\xBF" "a;b\n") << ';';
}

void TestCsv::detectsTheDelimiter()
{
    QFETCH(QByteArray, input);
    QFETCH(char, expected);
    QCOMPARE(readAll(input).delimiter, expected);
    // A delimiter given is used as it is.
    const ReadAll forced = readAll("a;b,c\n", ',');
    QCOMPARE(forced.records, (QList<QStringList>{{u"a;b"_s, u"c"_s}}));
}

void TestCsv::readsAcrossTinyChunks()
{
    const QByteArray input("\xEF\xBB\xBF" "id;note\r\n1;\"multi\r\nline \"\"quoted\"\"\"\r\n2;plain\r\n\r\n3;\"🐶\"\r");
    const ReadAll whole = readAll(input);
    QVERIFY(!whole.error);
    QCOMPARE(whole.records.size(), 4);
    for (qint64 chunk : {1, 2, 3, 7}) {
        TrickleDevice device(input, chunk);
        Csv::Reader reader(&device);
        QList<QStringList> records;
        QList<qint64> lines;
        while (reader.next()) {
            records << reader.record();
            lines << reader.line();
        }
        QVERIFY2(!reader.hasError(), reader.hasError() ? qPrintable(reader.error().toString()) : "");
        QCOMPARE(records, whole.records);
        QCOMPARE(lines, whole.lines);
        QCOMPARE(reader.delimiter(), ';');
        QCOMPARE(reader.bytesConsumed(), qint64(input.size()));
    }
}

void TestCsv::readsLongRecordsAndFields()
{
    // Fields and records larger than the reader's 1 MiB chunk.
    const QByteArray big(3 * 1024 * 1024 + 17, 'x');
    QByteArray quotedBig = big;
    quotedBig.replace(1000, 1, "\"\"");
    const QByteArray input = "a,b\n" + big + ",\"" + quotedBig + "\"\nend,1\n";
    const ReadAll read = readAll(input);
    QVERIFY(!read.error);
    QCOMPARE(read.records.size(), 3);
    QCOMPARE(read.records[1][0].size(), big.size());
    QString expected = QString::fromLatin1(big);
    expected[1000] = u'"';
    QCOMPARE(read.records[1][1], expected);
    QCOMPARE(read.records[2], (QStringList{u"end"_s, u"1"_s}));
    QCOMPARE(read.lines, (QList<qint64>{1, 2, 3}));
}

void TestCsv::malformedInputSaysLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("records"); // read before the error
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("field");
    QTest::addColumn<QString>("message");

    QTest::newRow("unterminated quote") << QByteArray("a,b\n1,2\n3,\"never closed\n4,5\n") << 2 << 3 << 3 << 1
                                        << u"the quote that opens this field is never closed"_s;
    QTest::newRow("stray quote in an unquoted field")
        << QByteArray("a,b,c\nx,5\" screen,y\n") << 1 << 2 << 4 << 1
        << u"a quote inside a field that does not start with one (quote the whole field and double the quotes in it)"_s;
    QTest::newRow("text after the closing quote")
        << QByteArray("a,b\n\"ok\",\"bad\"x\n") << 1 << 2 << 11 << 1
        << u"text after the closing quote of a quoted field (a quote inside a quoted field must be doubled: \"\")"_s;
    QTest::newRow("column counts characters, not bytes")
        << QByteArray("a,b\n\"é🐶\",ü\"\n") << 1 << 2 << 7 << 1
        << u"a quote inside a field that does not start with one (quote the whole field and double the quotes in it)"_s;
    QTest::newRow("stray quote after an embedded line break")
        << QByteArray("a,b\n\"x\ny\",z\"z\n") << 1 << 3 << 5 << 1
        << u"a quote inside a field that does not start with one (quote the whole field and double the quotes in it)"_s;
    QTest::newRow("Latin-1 byte") << QByteArray("name,city\nS\xE9" "an,Cork\n") << 1 << 2 << 2 << 0
                                  << u"not UTF-8 (byte 0xE9); save the file as UTF-8"_s;
    QTest::newRow("truncated UTF-8 at the end") << QByteArray("a\nok\n\xF0\x9F\x90") << 2 << 3 << 1 << 0
                                                << u"not UTF-8 (byte 0xF0); save the file as UTF-8"_s;
    QTest::newRow("UTF-16") << QByteArray("\xFF\xFE" "a\0,\0b\0", 8) << 0 << 0 << 0 << -1
                            << u"the file is UTF-16; save it as UTF-8"_s;
}

void TestCsv::malformedInputSaysLineAndColumn()
{
    QFETCH(QByteArray, input);
    QFETCH(int, records);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(int, field);
    QFETCH(QString, message);
    const ReadAll read = readAll(input);
    QVERIFY(read.error);
    QCOMPARE(read.records.size(), records);
    QCOMPARE(read.error->message, message);
    QCOMPARE(read.error->where, u"test.csv"_s);
    QCOMPARE(read.error->line, line);
    QCOMPARE(read.error->column, column);
    QCOMPARE(read.errorField, field);
    if (line > 0)
        QVERIFY(read.error->toString().startsWith(u"test.csv, line %1, column %2: "_s.arg(line).arg(column)));
}

void TestCsv::fieldsAreUtf8Bytes()
{
    QBuffer buffer;
    buffer.setData("\"a \"\"b\"\"\",🐶\n");
    buffer.open(QIODevice::ReadOnly);
    Csv::Reader reader(&buffer);
    QVERIFY(reader.next());
    QCOMPARE(reader.fieldCount(), 2);
    QCOMPARE(reader.field(0), QByteArrayView("a \"b\""));
    QCOMPARE(reader.field(1), QByteArrayView("\xF0\x9F\x90\xB6"));
    QVERIFY(!reader.next());
    QVERIFY(!reader.hasError());
}

void TestCsv::utf8Validation_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("at");
    QTest::newRow("ascii") << QByteArray("hello, world; 0123456789") << -1;
    QTest::newRow("all planes") << QByteArray("é€🐶\xF4\x8F\xBF\xBF") << -1;
    QTest::newRow("lone continuation") << QByteArray("abc\x80") << 3;
    QTest::newRow("overlong slash") << QByteArray("0123456789\xC0\xAF") << 10;
    QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << 0;
    QTest::newRow("above U+10FFFF") << QByteArray("ab\xF4\x90\x80\x80") << 2;
    QTest::newRow("cut short") << QByteArray("abcdefgh\xE2\x82") << 8;
    QTest::newRow("bad continuation") << QByteArray("\xE2(\xA1") << 0;
    QTest::newRow("0xFF") << QByteArray("x\xFF") << 1;
}

void TestCsv::utf8Validation()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, at);
    QCOMPARE(Csv::invalidUtf8At(bytes), qsizetype(at));
}

void TestCsv::writerQuotesOnlyWhenNeeded_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("cell");
    QTest::newRow("plain") << u"Aoife"_s << QByteArray("Aoife");
    QTest::newRow("comma") << u"Murphy, Aoife"_s << QByteArray("\"Murphy, Aoife\"");
    QTest::newRow("quote") << u"5\" screen"_s << QByteArray("\"5\"\" screen\"");
    QTest::newRow("LF") << u"a\nb"_s << QByteArray("\"a\nb\"");
    QTest::newRow("CR") << u"a\rb"_s << QByteArray("\"a\rb\"");
    QTest::newRow("semicolon is not special") << u"a;b"_s << QByteArray("a;b");
    QTest::newRow("emoji") << u"🐶 Bó"_s << QByteArray("🐶 Bó");
    QTest::newRow("empty") << QString() << QByteArray();
}

void TestCsv::writerQuotesOnlyWhenNeeded()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, cell);
    QCOMPARE(write([&](Csv::Writer &w) { w.text(u"x"_s).text(text).endRow(); }), "x," + cell + "\r\n");
}

void TestCsv::formulaGuard_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("guarded");
    QTest::newRow("=") << u"=SUM(A1:A9)"_s << QByteArray("'=SUM(A1:A9)");
    QTest::newRow("+") << u"+353 1 234"_s << QByteArray("'+353 1 234");
    QTest::newRow("-") << u"-2+3"_s << QByteArray("'-2+3");
    QTest::newRow("@") << u"@cmd"_s << QByteArray("'@cmd");
    QTest::newRow("tab") << u"\t=1"_s << QByteArray("'\t=1");
    QTest::newRow("CR") << u"\r=1"_s << QByteArray("\"'\r=1\"");
    QTest::newRow("quoted and guarded") << u"=HYPERLINK(\"x\",\"y\")"_s
                                        << QByteArray("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    QTest::newRow("inside is fine") << u"a=b"_s << QByteArray("a=b");
}

void TestCsv::formulaGuard()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, guarded);
    QCOMPARE(write([&](Csv::Writer &w) { w.text(text).endRow(); }), guarded + "\r\n");
    QCOMPARE(write([&](Csv::Writer &w) { w.utf8(text.toUtf8()).endRow(); }), guarded + "\r\n");
    // Switched off, the text goes out as it is (quoted if it must be).
    const QByteArray plain = write([&](Csv::Writer &w) { w.text(text).endRow(); }, {.formulaGuard = false});
    const ReadAll read = readAll(plain, ',');
    QCOMPARE(read.records.value(0).value(0), text);
    QVERIFY(!plain.startsWith('\'') && !plain.startsWith("\"'"));
}

void TestCsv::writerValueFormats()
{
    const QByteArray out = write([](Csv::Writer &w) {
        w.number(-42).money(1250).money(-5).money(0).money(123456789).endRow();
        w.timestamp(0).timestamp(1'772'355'900'123).boolean(true).boolean(false).empty().endRow();
        w.timestamp(1'772'355'900'000, QTimeZone("Europe/Dublin")).timestamp(1'782'355'900'000, QTimeZone("Europe/Dublin"))
            .timestamp(-1).date(QDate(2026, 3, 1)).date(QDate()).endRow();
        w.timestamp(0, QTimeZone("America/St_Johns")).timestamp(0, QTimeZone("Asia/Kolkata")).endRow();
    });
    QCOMPARE(out, QByteArray("-42,12.50,-0.05,0.00,1234567.89\r\n"
                             "1970-01-01T00:00:00.000+00:00,2026-03-01T09:05:00.123+00:00,true,false,\r\n"
                             "2026-03-01T09:05:00.000+00:00,2026-06-25T03:51:40.000+01:00,"
                             "1969-12-31T23:59:59.999+00:00,2026-03-01,\r\n"
                             "1969-12-31T20:30:00.000-03:30,1970-01-01T05:30:00.000+05:30\r\n"));
    // Numbers are never guarded, though they start with '-'.
    QVERIFY(!out.contains('\''));
    // What the writer writes, the value parsers read back.
    QCOMPARE(Csv::parseMoney(Csv::moneyText(-5)), qint64(-5));
    QCOMPARE(Csv::parseTimestamp(Csv::timestampText(1'782'355'900'000, QTimeZone("Europe/Dublin"))),
             qint64(1'782'355'900'000));
    QCOMPARE(Csv::parseTimestamp(Csv::timestampText(-1)), qint64(-1));
}

void TestCsv::writerByteOrderMarkAndEmptyRows()
{
    const QByteArray out = write([](Csv::Writer &w) { w.header({u"only"_s}).empty().endRow().text(u"x"_s).endRow(); },
                                 {.byteOrderMark = true});
    QCOMPARE(out, QByteArray("\xEF\xBB\xBF" "only\r\n\"\"\r\nx\r\n"));
    // The lone empty cell survives the reader (which skips empty lines).
    QCOMPARE(readAll(out).records, (QList<QStringList>{{u"only"_s}, {u""_s}, {u"x"_s}}));
    QVERIFY(readAll(out).bom);
    QCOMPARE(write([](Csv::Writer &w) { w.empty().endRow(); }), QByteArray("\"\"\r\n"));
    QCOMPARE(write([](Csv::Writer &w) { w.empty().empty().endRow(); }), QByteArray(",\r\n"));
}

void TestCsv::roundTrip()
{
    const QList<QStringList> rows{
        {u"source_id"_s, u"name"_s, u"note"_s, u"empty"_s},
        {u"C-1"_s, u"Murphy, Aoife"_s, u"said \"hi\"\r\nthen left"_s, QString()},
        {u"C-2"_s, u"Séan 🐶"_s, u"a;b\nc\rd"_s, QString()},
        {u"C-3"_s, u"\"\""_s, u","_s, u" "_s},
    };
    for (bool bom : {false, true}) {
        const QByteArray out = write(
            [&](Csv::Writer &w) {
                for (const QStringList &row : rows) {
                    for (const QString &cell : row)
                        w.text(cell);
                    w.endRow();
                }
            },
            {.byteOrderMark = bom});
        const ReadAll read = readAll(out);
        QVERIFY(!read.error);
        QCOMPARE(read.delimiter, ',');
        QCOMPARE(read.bom, bom);
        QCOMPARE(read.records, rows);
        QCOMPARE(read.lines, (QList<qint64>{1, 2, 4, 7}));
    }
}

void TestCsv::parsesValues()
{
    QCOMPARE(Csv::parseMoney("12.50"), qint64(1250));
    QCOMPARE(Csv::parseMoney("12.5"), qint64(1250));
    QCOMPARE(Csv::parseMoney("12"), qint64(1200));
    QCOMPARE(Csv::parseMoney("-0.05"), qint64(-5));
    QCOMPARE(Csv::parseMoney("0.99"), qint64(99));
    for (const char *bad : {"12,50", "€12.50", "12.505", "12.", ".5", "", "-", "1e3", "12.5x", " 12", "1234567890123456"})
        QVERIFY2(!Csv::parseMoney(bad), bad);

    QCOMPARE(Csv::parseInteger("42"), qint64(42));
    QCOMPARE(Csv::parseInteger("-7"), qint64(-7));
    for (const char *bad : {"", "-", "1.5", "4 2", "x", "1234567890123456789"})
        QVERIFY2(!Csv::parseInteger(bad), bad);

    QCOMPARE(Csv::parseDate("2024-02-29"), QDate(2024, 2, 29));
    for (const char *bad : {"2023-02-29", "31/02/1990", "1990-02-31", "1990-13-01", "0000-01-01", "1990-1-01",
                            "1990-01-01T00:00", ""})
        QVERIFY2(!Csv::parseDate(bad), bad);

    const qint64 base = QDateTime(QDate(2026, 3, 1), QTime(9, 5), QTimeZone::utc()).toMSecsSinceEpoch();
    QCOMPARE(Csv::parseTimestamp("2026-03-01"), base - (9 * 60 + 5) * 60'000);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T09:05"), base);
    QCOMPARE(Csv::parseTimestamp("2026-03-01 09:05:00"), base);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T09:05:00Z"), base);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T09:05:00.250Z"), base + 250);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T09:05:00.123456789Z"), base + 123);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T10:05:00+01:00"), base);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T10:05:00+0100"), base);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T06:35:00-02:30"), base);
    QCOMPARE(Csv::parseTimestamp("2026-03-01T10:05+01"), base);
    for (const char *bad : {"2026-03-01T25:00", "2026-03-01T09:60", "2026-03-01T09", "2026-03-01X09:05",
                            "2026-03-01T09:05:00+1", "2026-03-01T09:05:00 ", "2026-02-30T00:00", "yesterday",
                            "2026-03-01T09:05:00.Z", "1772355900000"})
        QVERIFY2(!Csv::parseTimestamp(bad), bad);

    for (const char *yes : {"true", "TRUE", "Yes", "1"})
        QCOMPARE(Csv::parseBool(yes), true);
    for (const char *no : {"false", "No", "0"})
        QCOMPARE(Csv::parseBool(no), false);
    for (const char *bad : {"", "y", "2", "truee", "on"})
        QVERIFY2(!Csv::parseBool(bad), bad);
}

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
