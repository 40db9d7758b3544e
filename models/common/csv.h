#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDate>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>
#include <vector>

class QIODevice;
class QTimeZone;

// CSV as PromoDesk reads and writes it (RFC 4180, UTF-8). The reader streams: it
// works on the file's UTF-8 bytes in chunks and hands out fields as byte views, so
// a million-row import never builds a QString per cell unless it asks for one.
namespace PromoDesk::Csv {

// Reads records from a device. Fields may be quoted ("…"), a quote inside a quoted
// field is doubled (""), and a quoted field may hold delimiters and line breaks.
// Lines end in CRLF, LF or a lone CR. A UTF-8 byte order mark is skipped; the
// bytes must be UTF-8. Empty lines are skipped (they are not records).
//
//     Csv::Reader reader(&file, 0, file.fileName());
//     while (reader.next()) { … reader.field(i) … }
//     if (reader.hasError()) … reader.error() …
class Reader
{
public:
    // `delimiter` is ',', ';' or '\t', or 0 to detect it from the first record
    // (the header): the one of the three that occurs most often outside quotes,
    // ',' when none does. `where` names the source in errors (usually the file).
    explicit Reader(QIODevice *device, char delimiter = 0, const QString &where = {});
    Reader(const Reader &) = delete;
    Reader &operator=(const Reader &) = delete;

    // Reads the next record. False at the end of the input, or on an error after
    // which the record boundaries are lost (see error()).
    bool next();

    bool hasError() const { return m_error.has_value(); }
    // What and where: `where`, the physical line and column (1-based, counted in
    // characters), and errorField() the 0-based field it is in. The messages:
    // a quoted field never closed, a quote inside an unquoted field, text after a
    // closing quote, bytes that are not UTF-8, a record over 64 MiB.
    const Error &error() const { return *m_error; }
    int errorField() const { return m_errorField; }

    // The delimiter in use (detected once the first record is read).
    char delimiter() const { return m_delimiter; }
    bool hadByteOrderMark() const { return m_hadBom; }

    // The current record: the physical line it starts on (1-based), its fields as
    // UTF-8 bytes without quotes (valid until the next call to next()).
    qint64 line() const { return m_recordLine; }
    int fieldCount() const { return int(m_fields.size()); }
    QByteArrayView field(int index) const
    {
        const Span &s = m_fields[size_t(index)];
        return QByteArrayView(m_buffer.constData() + s.begin, s.end - s.begin);
    }
    QString text(int index) const { return QString::fromUtf8(field(index)); }
    QStringList record() const;

    // Bytes of the device consumed so far (through the current record), for progress.
    qint64 bytesConsumed() const { return m_bufferOffset + m_pos; }

private:
    struct Span
    {
        qsizetype begin;
        qsizetype end;
        bool doubledQuotes = false; // needs unescaping ("" -> ")
    };
    enum class Parse { Complete, NeedMore, Failed };

    bool fill();
    bool startOfInput();
    Parse detectDelimiter();
    Parse parseRecord(qsizetype &recordEnd, qint64 &linesInRecord);
    void fail(qsizetype at, int field, const QString &message);
    void failFatal(const QString &message);

    QIODevice *m_device;
    QString m_where;
    QByteArray m_buffer;
    qsizetype m_pos = 0;  // start of the unread bytes in m_buffer
    qsizetype m_size = 0; // bytes of m_buffer holding data
    qint64 m_bufferOffset = 0;
    bool m_eof = false;
    bool m_started = false;
    bool m_hadBom = false;
    char m_delimiter = 0;
    qint64 m_line = 1; // the line the next record starts on
    qint64 m_recordLine = 0;
    std::vector<Span> m_fields;
    bool m_special[256] = {}; // bytes that end an unquoted field: the delimiter, CR, LF, quote
    std::optional<Error> m_error;
    int m_errorField = -1;
};

// Writes RFC 4180 CSV: comma, CRLF after every row, a field quoted when it holds a
// comma, a quote, CR or LF (quotes doubled), UTF-8 with an optional byte order mark
// (Excel needs one to read UTF-8). Text cells are guarded against formula injection:
// a text starting with = + - @ TAB or CR gets a leading ' (on by default). Numbers,
// money and times go through their own methods and are never guarded.
//
//     Csv::Writer csv(&saveFile, {.byteOrderMark = true});
//     csv.header({u"source_id"_s, u"total_spent"_s});
//     csv.text(sourceId).money(totalSpent).endRow();
//     if (Status s = csv.finish(); !s) …
class Writer
{
public:
    struct Options
    {
        bool byteOrderMark = false;
        bool formulaGuard = true;
    };

    explicit Writer(QIODevice *device);
    Writer(QIODevice *device, Options options);
    ~Writer(); // flushes what finish() has not
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;

    Writer &header(const QStringList &names); // one row of column names
    Writer &text(QStringView value);
    Writer &text(const QString &value) { return text(QStringView(value)); }
    Writer &utf8(QByteArrayView value); // text already in UTF-8
    Writer &number(qint64 value);
    Writer &numeric(QByteArrayView formatted);        // a number already formatted ("-0.0353"): never guarded
    Writer &money(qint64 cents);                      // 1250 -> 12.50, -5 -> -0.05
    Writer &timestamp(qint64 epochMs);                // 2026-03-01T09:05:00.000+00:00
    Writer &timestamp(qint64 epochMs, const QTimeZone &zone); // with that zone's offset
    Writer &date(const QDate &date);                  // 2026-03-01; invalid -> empty
    Writer &boolean(bool value);                      // true / false
    Writer &empty();                                  // an empty cell (no value)
    Writer &endRow();

    // Flushes to the device; an error says why a write failed.
    Status finish();
    qint64 rows() const { return m_rows; }

private:
    void separate();
    void raw(QByteArrayView bytes);
    void quoted(QByteArrayView bytes, bool guard);
    void flushIfFull();

    QIODevice *m_device;
    Options m_options;
    QByteArray m_out;
    bool m_rowStarted = false;
    bool m_failed = false;
    qint64 m_rows = 0;
    QString m_error;
};

// The value formats of PromoDesk's CSV files, read from UTF-8 bytes (surrounding
// spaces are the caller's business). Each returns nothing when the text is not one.

// 12.50, 12.5, 12, -3.99 -> cents. A comma, a currency sign or a third decimal is refused.
std::optional<qint64> parseMoney(QByteArrayView text);
// 42, -7 (at most 18 digits).
std::optional<qint64> parseInteger(QByteArrayView text);
// YYYY-MM-DD, a real day of the Gregorian calendar (years 0001-9999).
std::optional<QDate> parseDate(QByteArrayView text);
// ISO-8601: YYYY-MM-DD, or YYYY-MM-DD(T| )HH:MM[:SS[.fff]] with Z, ±HH:MM, ±HHMM or
// ±HH; no offset means UTC. -> UTC epoch milliseconds.
std::optional<qint64> parseTimestamp(QByteArrayView text);
// true/false, yes/no, 1/0 (any case).
std::optional<bool> parseBool(QByteArrayView text);

// The text forms the writer uses.
QByteArray moneyText(qint64 cents);
QByteArray timestampText(qint64 epochMs); // UTC, "+00:00"
QByteArray timestampText(qint64 epochMs, const QTimeZone &zone);

// The offset of the first byte that is not part of valid UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or -1.
qsizetype invalidUtf8At(QByteArrayView bytes);

} // namespace PromoDesk::Csv
