#include "csv.h"

#include "common/civildate.h"

#include <QDateTime>
#include <QIODevice>
#include <QTimeZone>

#include <cstring>

namespace PromoDesk::Csv {

namespace {

constexpr qsizetype ChunkSize = 1 << 20;         // bytes read from the device at a time
constexpr qsizetype MaxRecordSize = 64 << 20;    // a record longer than this is refused
constexpr qint64 DayMs = 86'400'000;

bool isContinuation(char c)
{
    return (uchar(c) & 0xC0) == 0x80;
}


int daysInMonth(int year, int month)
{
    static constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

// `count` decimal digits at `at`, or -1.
int digits(QByteArrayView text, qsizetype at, int count)
{
    if (at + count > text.size())
        return -1;
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

// YYYY-MM-DD at the start of `text` -> days since the epoch.
std::optional<qint64> datePart(QByteArrayView text, int *y = nullptr, int *m = nullptr, int *d = nullptr)
{
    if (text.size() < 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
        return std::nullopt;
    if (y) {
        *y = year;
        *m = month;
        *d = day;
    }
    return CivilDate::daysFromCivil(year, month, day);
}

void appendPadded(QByteArray &out, qint64 value, int width)
{
    char buffer[24];
    int n = 0;
    do {
        buffer[n++] = char('0' + value % 10);
        value /= 10;
    } while (value > 0 || n < width);
    while (n > 0)
        out.append(buffer[--n]);
}

QByteArray formatLocal(qint64 localMs, int offsetSeconds)
{
    const qint64 days = localMs >= 0 ? localMs / DayMs : -((-localMs + DayMs - 1) / DayMs);
    qint64 rest = localMs - days * DayMs;
    int y, m, d;
    CivilDate::civilFromDays(days, y, m, d);
    QByteArray out;
    out.reserve(29);
    appendPadded(out, y, 4);
    out.append('-');
    appendPadded(out, m, 2);
    out.append('-');
    appendPadded(out, d, 2);
    out.append('T');
    appendPadded(out, rest / 3'600'000, 2);
    rest %= 3'600'000;
    out.append(':');
    appendPadded(out, rest / 60'000, 2);
    rest %= 60'000;
    out.append(':');
    appendPadded(out, rest / 1000, 2);
    out.append('.');
    appendPadded(out, rest % 1000, 3);
    out.append(offsetSeconds < 0 ? '-' : '+');
    const int offset = offsetSeconds < 0 ? -offsetSeconds : offsetSeconds;
    appendPadded(out, offset / 3600, 2);
    out.append(':');
    appendPadded(out, offset % 3600 / 60, 2);
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------
// Reader

Reader::Reader(QIODevice *device, char delimiter, const QString &where)
    : m_device(device), m_where(where), m_delimiter(delimiter)
{
    m_buffer.resize(ChunkSize);
}

QStringList Reader::record() const
{
    QStringList out;
    out.reserve(fieldCount());
    for (int i = 0; i < fieldCount(); ++i)
        out << text(i);
    return out;
}

void Reader::failFatal(const QString &message)
{
    if (!m_error)
        m_error = Error{message, m_where, 0, 0};
}

// An error at byte `at` of the record that starts at m_pos: its physical line and
// its column in characters.
void Reader::fail(qsizetype at, int field, const QString &message)
{
    const char *data = m_buffer.constData();
    qint64 line = m_line;
    qsizetype lineStart = m_pos;
    for (qsizetype i = m_pos; i < at; ++i) {
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= m_size || data[i + 1] != '\n'))) {
            ++line;
            lineStart = i + 1;
        }
    }
    int column = 1;
    for (qsizetype i = lineStart; i < at; ++i)
        column += isContinuation(data[i]) ? 0 : 1;
    m_error = Error{message, m_where, int(qMin<qint64>(line, INT_MAX)), column};
    m_errorField = field;
    m_recordLine = line;
}

// Reads more bytes behind the unread ones (moving them to the front first). False
// when nothing more can be read: the end of the input, or an error (see m_error).
bool Reader::fill()
{
    if (m_eof)
        return false;
    if (m_pos > 0) {
        std::memmove(m_buffer.data(), m_buffer.constData() + m_pos, size_t(m_size - m_pos));
        m_bufferOffset += m_pos;
        m_size -= m_pos;
        m_pos = 0;
    }
    if (m_size == m_buffer.size()) {
        if (m_buffer.size() >= MaxRecordSize) {
            fail(0, 0, QStringLiteral("a record longer than 64 MiB (is a closing quote missing?)"));
            return false;
        }
        m_buffer.resize(m_buffer.size() * 2);
    }
    for (;;) {
        const qint64 n = m_device->read(m_buffer.data() + m_size, m_buffer.size() - m_size);
        if (n < 0) {
            failFatal(QStringLiteral("cannot read: %1").arg(m_device->errorString()));
            m_eof = true;
            return false;
        }
        if (n > 0) {
            m_size += n;
            return true;
        }
        if (!m_device->isSequential() || m_device->atEnd() || !m_device->waitForReadyRead(-1)) {
            m_eof = true;
            return false;
        }
    }
}

// The byte order mark; a UTF-16 file is refused at once.
bool Reader::startOfInput()
{
    while (m_size - m_pos < 3 && fill()) {
    }
    if (m_error)
        return false;
    const QByteArrayView head(m_buffer.constData() + m_pos, qMin<qsizetype>(3, m_size - m_pos));
    if (head.startsWith("\xEF\xBB\xBF")) {
        m_pos += 3;
        m_hadBom = true;
    } else if (head.startsWith("\xFF\xFE") || head.startsWith("\xFE\xFF")) {
        failFatal(QStringLiteral("the file is UTF-16; save it as UTF-8"));
        return false;
    }
    return true;
}

// The first record's most frequent delimiter outside quotes (ties go to the comma).
Reader::Parse Reader::detectDelimiter()
{
    const char *data = m_buffer.constData();
    qsizetype counts[3] = {0, 0, 0}; // , ; TAB
    bool quoted = false;
    qsizetype i = m_pos;
    for (; i < m_size; ++i) {
        const char c = data[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\n' || c == '\r')
            break;
        else if (c == ',')
            ++counts[0];
        else if (c == ';')
            ++counts[1];
        else if (c == '\t')
            ++counts[2];
    }
    if (i == m_size && !m_eof)
        return Parse::NeedMore;
    m_delimiter = counts[1] > counts[0] && counts[1] >= counts[2] ? ';' : counts[2] > counts[0] ? '\t' : ',';
    return Parse::Complete;
}

Reader::Parse Reader::parseRecord(qsizetype &recordEnd, qint64 &lines)
{
    m_fields.clear();
    const char *data = m_buffer.constData();
    const qsizetype size = m_size;
    qsizetype p = m_pos;
    lines = 0;
    // Where a line break at `at` ends the record: CRLF, LF or a lone CR.
    const auto endAt = [&](qsizetype at) -> Parse {
        if (data[at] == '\r') {
            if (at + 1 == size && !m_eof)
                return Parse::NeedMore;
            recordEnd = at + 1 < size && data[at + 1] == '\n' ? at + 2 : at + 1;
        } else {
            recordEnd = at + 1;
        }
        return Parse::Complete;
    };
    for (;;) {
        // At the start of a field.
        if (p == size) {
            if (!m_eof)
                return Parse::NeedMore;
            m_fields.push_back({p, p});
            recordEnd = p;
            return Parse::Complete;
        }
        if (data[p] == '"') {
            const qsizetype open = p;
            qsizetype q = p + 1;
            bool doubled = false;
            for (;;) {
                const void *hit = std::memchr(data + q, '"', size_t(size - q));
                if (!hit) {
                    if (!m_eof)
                        return Parse::NeedMore;
                    fail(open, int(m_fields.size()),
                         QStringLiteral("the quote that opens this field is never closed"));
                    return Parse::Failed;
                }
                const qsizetype r = static_cast<const char *>(hit) - data;
                if (r + 1 == size && !m_eof)
                    return Parse::NeedMore; // a doubled quote or the closing one?
                if (r + 1 < size && data[r + 1] == '"') {
                    doubled = true;
                    q = r + 2;
                    continue;
                }
                for (qsizetype k = open + 1; k < r; ++k) {
                    if (data[k] == '\n' || (data[k] == '\r' && data[k + 1] != '\n'))
                        ++lines;
                }
                m_fields.push_back({open + 1, r, doubled});
                p = r + 1;
                break;
            }
            if (p == size) {
                if (!m_eof)
                    return Parse::NeedMore;
                recordEnd = p;
                return Parse::Complete;
            }
            const char c = data[p];
            if (c == m_delimiter) {
                ++p;
                continue;
            }
            if (c == '\n' || c == '\r')
                return endAt(p);
            fail(p, int(m_fields.size()) - 1,
                 QStringLiteral("text after the closing quote of a quoted field (a quote inside a quoted field "
                                "must be doubled: \"\")"));
            return Parse::Failed;
        }
        qsizetype q = p;
        while (q < size && !m_special[uchar(data[q])])
            ++q;
        if (q == size) {
            if (!m_eof)
                return Parse::NeedMore;
            m_fields.push_back({p, q});
            recordEnd = q;
            return Parse::Complete;
        }
        m_fields.push_back({p, q});
        const char c = data[q];
        if (c == m_delimiter) {
            p = q + 1;
            continue;
        }
        if (c == '\n' || c == '\r')
            return endAt(q);
        fail(q, int(m_fields.size()) - 1,
             QStringLiteral("a quote inside a field that does not start with one (quote the whole field and "
                            "double the quotes in it)"));
        return Parse::Failed;
    }
}

bool Reader::next()
{
    if (m_error)
        return false;
    if (!m_started) {
        m_started = true;
        if (!startOfInput())
            return false;
        while (m_delimiter == 0) {
            if (detectDelimiter() == Parse::NeedMore && !fill() && m_error)
                return false;
        }
        for (char c : {m_delimiter, '\n', '\r', '"'})
            m_special[uchar(c)] = true;
    }
    for (;;) {
        if (m_pos == m_size && !fill())
            return false; // the end (or a read error)
        const char first = m_buffer.at(m_pos);
        if (first == '\n' || first == '\r') {
            // An empty line is not a record.
            if (first == '\r' && m_pos + 1 == m_size && !m_eof) {
                if (!fill() && m_error)
                    return false;
                continue;
            }
            m_pos += first == '\r' && m_pos + 1 < m_size && m_buffer.at(m_pos + 1) == '\n' ? 2 : 1;
            ++m_line;
            continue;
        }
        qsizetype recordEnd = 0;
        qint64 lines = 0;
        const Parse parsed = parseRecord(recordEnd, lines);
        if (parsed == Parse::Failed)
            return false;
        if (parsed == Parse::NeedMore) {
            if (!fill() && m_error)
                return false;
            continue;
        }
        const qsizetype bad = invalidUtf8At(QByteArrayView(m_buffer.constData() + m_pos, recordEnd - m_pos));
        if (bad >= 0) {
            const qsizetype at = m_pos + bad;
            int field = 0;
            for (size_t i = 0; i < m_fields.size(); ++i) {
                if (m_fields[i].begin <= at)
                    field = int(i);
            }
            fail(at, field,
                 QStringLiteral("not UTF-8 (byte 0x%1); save the file as UTF-8")
                     .arg(QString::number(uchar(m_buffer.at(at)), 16).toUpper()));
            return false;
        }
        // Unescape "" -> " in place: the record is complete, nothing re-reads it.
        char *data = m_buffer.data();
        for (Span &span : m_fields) {
            if (!span.doubledQuotes)
                continue;
            qsizetype out = span.begin;
            for (qsizetype in = span.begin; in < span.end; ++in, ++out) {
                data[out] = data[in];
                if (data[in] == '"')
                    ++in; // skip the second quote of the pair
            }
            span.end = out;
        }
        m_recordLine = m_line;
        m_line += 1 + lines;
        m_pos = recordEnd;
        return true;
    }
}

// ---------------------------------------------------------------------------------
// Writer

Writer::Writer(QIODevice *device) : Writer(device, Options{}) {}

Writer::Writer(QIODevice *device, Options options) : m_device(device), m_options(options)
{
    m_out.reserve(1 << 16);
    if (m_options.byteOrderMark)
        m_out.append("\xEF\xBB\xBF");
}

Writer::~Writer()
{
    if (!m_out.isEmpty() && !m_failed)
        m_device->write(m_out);
}

void Writer::separate()
{
    if (m_rowStarted)
        m_out.append(',');
    m_rowStarted = true;
}

void Writer::flushIfFull()
{
    if (m_out.size() < (1 << 16) || m_failed)
        return;
    if (m_device->write(m_out) != m_out.size()) {
        m_failed = true;
        m_error = m_device->errorString();
    }
    m_out.clear();
}

void Writer::raw(QByteArrayView bytes)
{
    separate();
    m_out.append(bytes);
}

void Writer::quoted(QByteArrayView bytes, bool guard)
{
    separate();
    const bool guarded = guard && !bytes.isEmpty()
                         && (bytes[0] == '=' || bytes[0] == '+' || bytes[0] == '-' || bytes[0] == '@' || bytes[0] == '\t'
                             || bytes[0] == '\r');
    bool quote = false;
    for (char c : bytes) {
        if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        if (guarded)
            m_out.append('\'');
        m_out.append(bytes);
        return;
    }
    m_out.append('"');
    if (guarded)
        m_out.append('\'');
    qsizetype from = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '"') {
            m_out.append(bytes.sliced(from, i - from + 1));
            m_out.append('"');
            from = i + 1;
        }
    }
    m_out.append(bytes.sliced(from));
    m_out.append('"');
}

Writer &Writer::header(const QStringList &names)
{
    for (const QString &name : names)
        text(name);
    return endRow();
}

Writer &Writer::text(QStringView value)
{
    quoted(value.toUtf8(), m_options.formulaGuard);
    return *this;
}

Writer &Writer::utf8(QByteArrayView value)
{
    quoted(value, m_options.formulaGuard);
    return *this;
}

Writer &Writer::number(qint64 value)
{
    raw(QByteArray::number(value));
    return *this;
}

Writer &Writer::numeric(QByteArrayView formatted)
{
    raw(formatted);
    return *this;
}

Writer &Writer::money(qint64 cents)
{
    raw(moneyText(cents));
    return *this;
}

Writer &Writer::timestamp(qint64 epochMs)
{
    raw(timestampText(epochMs));
    return *this;
}

Writer &Writer::timestamp(qint64 epochMs, const QTimeZone &zone)
{
    raw(timestampText(epochMs, zone));
    return *this;
}

Writer &Writer::date(const QDate &date)
{
    raw(date.isValid() ? date.toString(Qt::ISODate).toLatin1() : QByteArray());
    return *this;
}

Writer &Writer::boolean(bool value)
{
    raw(value ? QByteArrayView("true") : QByteArrayView("false"));
    return *this;
}

Writer &Writer::empty()
{
    raw({});
    return *this;
}

Writer &Writer::endRow()
{
    // A row of one empty cell would be an empty line, which readers skip: quote it.
    if (m_rowStarted && (m_out.isEmpty() || m_out.endsWith("\r\n") || (m_options.byteOrderMark && m_out == "\xEF\xBB\xBF")))
        m_out.append("\"\"");
    m_out.append("\r\n");
    m_rowStarted = false;
    ++m_rows;
    flushIfFull();
    return *this;
}

Status Writer::finish()
{
    if (!m_failed && !m_out.isEmpty()) {
        if (m_device->write(m_out) != m_out.size()) {
            m_failed = true;
            m_error = m_device->errorString();
        }
        m_out.clear();
    }
    if (m_failed)
        return Error{QStringLiteral("cannot write: %1").arg(m_error), {}};
    return {};
}

// ---------------------------------------------------------------------------------
// Values

std::optional<qint64> parseMoney(QByteArrayView text)
{
    qsizetype i = 0;
    const bool negative = !text.isEmpty() && text[0] == '-';
    if (negative)
        ++i;
    qint64 units = 0;
    int integerDigits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++integerDigits)
        units = units * 10 + (text[i] - '0');
    if (integerDigits == 0 || integerDigits > 15)
        return std::nullopt;
    qint64 cents = units * 100;
    if (i < text.size()) {
        if (text[i] != '.')
            return std::nullopt;
        ++i;
        const qsizetype decimals = text.size() - i;
        if (decimals < 1 || decimals > 2)
            return std::nullopt;
        const int value = digits(text, i, int(decimals));
        if (value < 0)
            return std::nullopt;
        cents += decimals == 1 ? value * 10 : value;
    }
    return negative ? -cents : cents;
}

std::optional<qint64> parseInteger(QByteArrayView text)
{
    qsizetype i = !text.isEmpty() && text[0] == '-' ? 1 : 0;
    const qsizetype count = text.size() - i;
    if (count < 1 || count > 18)
        return std::nullopt;
    qint64 value = 0;
    for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return text[0] == '-' ? -value : value;
}

std::optional<QDate> parseDate(QByteArrayView text)
{
    int y, m, d;
    if (text.size() != 10 || !datePart(text, &y, &m, &d))
        return std::nullopt;
    return QDate(y, m, d);
}

std::optional<qint64> parseTimestamp(QByteArrayView text)
{
    const auto days = datePart(text);
    if (!days)
        return std::nullopt;
    if (text.size() == 10)
        return *days * DayMs;
    if (text.size() < 16 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':')
        return std::nullopt;
    const int hour = digits(text, 11, 2), minute = digits(text, 14, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59)
        return std::nullopt;
    qsizetype i = 16;
    int second = 0, millis = 0;
    if (i < text.size() && text[i] == ':') {
        second = digits(text, i + 1, 2);
        if (second < 0 || second > 59)
            return std::nullopt;
        i += 3;
        if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
            ++i;
            int count = 0;
            for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++count) {
                if (count < 3)
                    millis = millis * 10 + (text[i] - '0');
            }
            if (count == 0 || count > 9)
                return std::nullopt;
            for (int k = count; k < 3; ++k)
                millis *= 10;
        }
    }
    int offsetMinutes = 0;
    if (i < text.size()) {
        const char sign = text[i];
        if (sign == 'Z' || sign == 'z') {
            if (i + 1 != text.size())
                return std::nullopt;
        } else if (sign == '+' || sign == '-') {
            const qsizetype rest = text.size() - i - 1;
            const int oh = digits(text, i + 1, 2);
            int om = 0;
            if (rest == 5 && text[i + 3] == ':')
                om = digits(text, i + 4, 2);
            else if (rest == 4)
                om = digits(text, i + 3, 2);
            else if (rest != 2)
                return std::nullopt;
            if (oh < 0 || oh > 18 || om < 0 || om > 59)
                return std::nullopt;
            offsetMinutes = (oh * 60 + om) * (sign == '-' ? -1 : 1);
        } else {
            return std::nullopt;
        }
    }
    return *days * DayMs + ((hour * 60 + minute - offsetMinutes) * 60 + second) * qint64(1000) + millis;
}

std::optional<bool> parseBool(QByteArrayView text)
{
    if (text.size() > 5)
        return std::nullopt;
    char lower[6] = {};
    for (qsizetype i = 0; i < text.size(); ++i)
        lower[i] = char(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 : text[i]);
    const QByteArrayView word(lower, text.size());
    if (word == "true" || word == "yes" || word == "1")
        return true;
    if (word == "false" || word == "no" || word == "0")
        return false;
    return std::nullopt;
}

QByteArray moneyText(qint64 cents)
{
    QByteArray out;
    quint64 magnitude = cents < 0 ? quint64(0) - quint64(cents) : quint64(cents);
    if (cents < 0)
        out.append('-');
    out.append(QByteArray::number(magnitude / 100));
    out.append('.');
    const int rest = int(magnitude % 100);
    out.append(char('0' + rest / 10));
    out.append(char('0' + rest % 10));
    return out;
}

QByteArray timestampText(qint64 epochMs)
{
    return formatLocal(epochMs, 0);
}

QByteArray timestampText(qint64 epochMs, const QTimeZone &zone)
{
    const int offset = zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc()));
    return formatLocal(epochMs + qint64(offset) * 1000, offset);
}

qsizetype invalidUtf8At(QByteArrayView bytes)
{
    const auto *s = reinterpret_cast<const uchar *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        // ASCII runs eight bytes at a time.
        while (i + 8 <= n) {
            quint64 word;
            std::memcpy(&word, s + i, 8);
            if (word & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const uchar c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int length;
        uint min;
        uint cp;
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            min = 0x80;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            min = 0x800;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            min = 0x10000;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + length > n)
            return i;
        for (int k = 1; k < length; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += length;
    }
    return -1;
}

} // namespace PromoDesk::Csv
