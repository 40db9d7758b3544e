#include "importer.h"

#include "common/csv.h"
#include "connection.h"
#include "segmentstore.h"
#include "workspace.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDriver>
#include <QtConcurrent/QtConcurrentRun>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace PromoDesk::Store {

namespace {

// ---------------------------------------------------------------------------------
// The fields of each kind. The enums index the spec tables below.

namespace C {
enum { SourceId, Name, FirstName, LastName, Email, Phone, Birthdate, City, Country, PostalCode, LoyaltyTier, Tags,
       Metadata, ConsentEmail, ConsentSms, ConsentPush, CreatedAt, Count };
}
namespace P {
enum { ProductSourceId, ProductName, Category, ProductPrice, SkuSourceId, Sku, Price, Metadata, ProductMetadata, Count };
}
namespace O {
enum { OrderSourceId, CustomerSourceId, CreatedAt, Status, Channel, DiscountAmount, SkuSourceId, Sku, Quantity, Price,
       Amount, Metadata, Count };
}
namespace E {
enum { CustomerSourceId, Type, CreatedAt, Metadata, Count };
}

struct Spec
{
    const char *name;
    const char *aliases; // space-separated
    bool required;
    const char *description;
};

constexpr char TimestampFormat[] = "ISO-8601: 2026-03-01T09:05:00Z, 2026-03-01T10:05:00+01:00, 2026-03-01 09:05 or "
                                   "2026-03-01; no offset means UTC";

const std::vector<Spec> &specs(ImportKind kind)
{
    static const std::vector<Spec> customers = {
        {"source_id", "id customer_id customer_source_id external_id", true,
         "The shop's own id of the customer; rows are matched to existing customers by it."},
        {"name", "full_name", false, "Full name (or first_name and last_name, joined with a space)."},
        {"first_name", "firstname given_name", false, "Joined with last_name into name when name is empty."},
        {"last_name", "lastname surname family_name", false, "See first_name."},
        {"email", "email_address e_mail", false, "An email address, checked roughly (name@domain.tld)."},
        {"phone", "phone_number mobile", false, "Any text."},
        {"birthdate", "birthday date_of_birth dob birth_date", false, "A date, YYYY-MM-DD."},
        {"address_city", "city", false, "Any text."},
        {"address_country", "country country_code", false, "A two-letter ISO 3166 code: IE, GB, FR (any case)."},
        {"address_postal_code", "postal_code postcode zip zip_code", false, "Any text."},
        {"loyalty_tier", "tier", false, "Any text (the demo uses bronze, silver, gold)."},
        {"tags", "", false, "Tags separated by ; (dog-owner;vip) or a JSON array of texts; replaces the tags."},
        {"metadata", "", false,
         "A JSON object merged into the metadata (RFC 7396); metadata.<key> columns set one key each, as text, and "
         "an empty cell removes the key."},
        {"consent_email", "email_consent", false, "true/false, yes/no or 1/0; empty = false."},
        {"consent_sms", "sms_consent", false, "true/false, yes/no or 1/0; empty = false."},
        {"consent_push", "push_consent", false, "true/false, yes/no or 1/0; empty = false."},
        {"created_at", "signed_up_at signup_date", false,
         "When the customer signed up, ISO-8601 (no offset = UTC); new customers without it get the time of the "
         "import."},
    };
    static const std::vector<Spec> products = {
        {"product_source_id", "product_id", true, "The shop's id of the product; one product has one row per SKU."},
        {"product_name", "product", false, "The product's name; required for a new product."},
        {"category", "category_name category_id", false,
         "A category's name or id; a category not in the workspace is created."},
        {"product_price", "", false, "The product's list price, a decimal with a dot: 12.50."},
        {"sku_source_id", "sku_id variant_id", true, "The shop's id of the SKU; rows are matched by it."},
        {"sku", "sku_name sku_code", false, "The SKU's name or code (default: its source id)."},
        {"price", "sku_price", false, "The SKU's price, a decimal with a dot: 12.50; required for a new SKU."},
        {"metadata", "", false, "A JSON object merged into the SKU's metadata; also metadata.<key> columns."},
        {"product_metadata", "", false,
         "A JSON object merged into the product's metadata; also product_metadata.<key> columns."},
    };
    static const std::vector<Spec> orders = {
        {"order_source_id", "order_id source_id order_number", true,
         "The shop's id of the order; consecutive rows with the same id are the lines of one order, which "
         "replaces an existing order with that id."},
        {"customer_source_id", "customer_id customer", false,
         "The customer's source_id (in the workspace); empty = a guest order."},
        {"created_at", "order_date ordered_at date", true, TimestampFormat},
        {"status", "order_status", false, "CREATED, PAID, CANCELED or FULFILLED (any case; default PAID)."},
        {"channel", "", false, "Any text (web, store, app)."},
        {"discount_amount", "discount", false, "The order's discount, a decimal with a dot (default 0.00)."},
        {"sku_source_id", "sku_id variant_id", false, "The line's SKU by its source id (or give sku)."},
        {"sku", "sku_code", false, "The line's SKU by its sku text, when there is no sku_source_id."},
        {"quantity", "qty", false, "A whole number, at least 1 (default 1)."},
        {"price", "unit_price", false, "The unit price, a decimal with a dot (default: the SKU's price)."},
        {"amount", "line_amount", false, "The line's amount (default price × quantity)."},
        {"metadata", "", false, "A JSON object merged into the order's metadata; also metadata.<key> columns."},
    };
    static const std::vector<Spec> events = {
        {"customer_source_id", "customer_id customer", true, "The customer's source_id (in the workspace)."},
        {"type", "event event_type event_name", true,
         "The event's name: letters, digits, _ . : - (sign_up, cart_abandoned)."},
        {"created_at", "occurred_at timestamp date", true, TimestampFormat},
        {"metadata", "", false, "A JSON object merged into the event's metadata; also metadata.<key> columns."},
    };
    switch (kind) {
    case ImportKind::Customers: return customers;
    case ImportKind::Products: return products;
    case ImportKind::Orders: return orders;
    case ImportKind::Events: return events;
    }
    return customers;
}

// Columns PromoDesk keeps itself: a clearer word than "unknown".
QString keptColumnMessage(ImportKind kind, const QString &normalized)
{
    if (kind == ImportKind::Customers
        && (normalized == QLatin1String("orders_count") || normalized == QLatin1String("total_spent")
            || normalized == QLatin1String("last_order_at")))
        return QStringLiteral("is computed from the customer's orders; import the orders instead");
    if (normalized == QLatin1String("updated_at") || normalized == QLatin1String("consents_updated_at"))
        return QStringLiteral("is set by PromoDesk when a row changes");
    if (kind == ImportKind::Orders && normalized == QLatin1String("items_count"))
        return QStringLiteral("is the number of the order's lines");
    return {};
}

QString normalizeHeader(const QString &header)
{
    QString out = header.trimmed().toLower();
    for (QChar &c : out) {
        if (c == u' ' || c == u'-')
            c = u'_';
    }
    return out;
}

int editDistance(const QString &a, const QString &b)
{
    std::vector<int> row(size_t(b.size()) + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[size_t(j)] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[size_t(j)];
            row[size_t(j)] = std::min({above + 1, row[size_t(j - 1)] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[size_t(b.size())];
}

QString quote(QByteArrayView value)
{
    QString text = QString::fromUtf8(value);
    if (text.size() > 60)
        text = text.left(57) + QStringLiteral("…");
    return u'"' + text + u'"';
}

QByteArrayView trimmed(QByteArrayView v)
{
    qsizetype b = 0, e = v.size();
    while (b < e && (v[b] == ' ' || v[b] == '\t'))
        ++b;
    while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t'))
        --e;
    return v.sliced(b, e - b);
}

// ---------------------------------------------------------------------------------
// The header

struct MetadataColumn
{
    QByteArray key;
    int column;
};

struct Mapping
{
    QStringList headers;
    std::vector<int> fieldColumn; // per field: the column, or -1
    std::vector<MetadataColumn> metadata;
    std::vector<MetadataColumn> productMetadata;
    QList<ImportColumn> columns;
    QStringList missing;
    QList<ImportError> errors;
    QStringList warnings;
};

Mapping mapHeader(ImportKind kind, const QStringList &headers, const QString &file, bool ignoreUnknown)
{
    Mapping m;
    m.headers = headers;
    const std::vector<Spec> &fields = specs(kind);
    m.fieldColumn.assign(fields.size(), -1);
    const auto headerError = [&](const QString &column, const QString &message) {
        m.errors.append({file, 1, column, message});
    };

    for (int c = 0; c < headers.size(); ++c) {
        const QString &header = headers[c];
        const QString key = normalizeHeader(header);
        ImportColumn column{header, {}, {}};
        const auto takeMetadata = [&](const QString &prefix, std::vector<MetadataColumn> &into) {
            const QString name = header.trimmed().mid(prefix.size()).trimmed();
            if (name.isEmpty()) {
                headerError(header, QStringLiteral("names no metadata key (%1<key>)").arg(prefix));
                return;
            }
            for (const MetadataColumn &other : into) {
                if (other.key == name.toUtf8()) {
                    headerError(header, QStringLiteral("sets the same key as column \"%1\"").arg(headers[other.column]));
                    return;
                }
            }
            into.push_back({name.toUtf8(), c});
            column.field = prefix + name;
        };
        if (key.startsWith(QLatin1String("metadata."))) {
            takeMetadata(QStringLiteral("metadata."), m.metadata);
        } else if (kind == ImportKind::Products && key.startsWith(QLatin1String("product_metadata."))) {
            takeMetadata(QStringLiteral("product_metadata."), m.productMetadata);
        } else {
            int found = -1;
            for (size_t f = 0; f < fields.size() && found < 0; ++f) {
                if (key == QLatin1String(fields[f].name))
                    found = int(f);
                for (const QString &alias : QString::fromLatin1(fields[f].aliases).split(u' ', Qt::SkipEmptyParts)) {
                    if (key == alias && found < 0)
                        found = int(f);
                }
            }
            if (found >= 0) {
                column.field = QLatin1String(fields[size_t(found)].name);
                if (m.fieldColumn[size_t(found)] >= 0)
                    headerError(header, QStringLiteral("fills %1, like column \"%2\"")
                                            .arg(column.field, headers[m.fieldColumn[size_t(found)]]));
                else
                    m.fieldColumn[size_t(found)] = c;
            } else {
                // Unknown: a hint when it is a column of another kind, else the closest name.
                QStringList others;
                for (ImportKind other : {ImportKind::Customers, ImportKind::Products, ImportKind::Orders,
                                         ImportKind::Events}) {
                    for (const Spec &spec : specs(other)) {
                        if (other != kind && key == QLatin1String(spec.name))
                            others << importKindName(other);
                    }
                }
                int best = 1 << 30;
                for (const Spec &spec : key.isEmpty() ? std::vector<Spec>() : fields) {
                    QStringList names{QLatin1String(spec.name)};
                    names += QString::fromLatin1(spec.aliases).split(u' ', Qt::SkipEmptyParts);
                    for (const QString &name : std::as_const(names)) {
                        const int d = editDistance(key, name);
                        if (others.isEmpty() && d < best && d <= std::max<qsizetype>(2, key.size() / 3)) {
                            best = d;
                            column.suggestion = QLatin1String(spec.name);
                        }
                    }
                }
                QString message = keptColumnMessage(kind, key);
                if (message.isEmpty()) {
                    message = QStringLiteral("unknown column");
                    if (!others.isEmpty())
                        message += QStringLiteral(" (a column of %1 files: is this a %2 file?)")
                                       .arg(others.join(QStringLiteral(" and ")), others.constFirst());
                    else if (!column.suggestion.isEmpty())
                        message += QStringLiteral(" (did you mean \"%1\"?)").arg(column.suggestion);
                }
                // A column without a name has no name to quote: say which one it is.
                const QString where = key.isEmpty() ? QString() : header;
                if (key.isEmpty())
                    message = QStringLiteral("column %1 has no name").arg(c + 1);
                if (ignoreUnknown)
                    m.warnings << ImportError{file, 1, where, message + QStringLiteral(" — ignored")}.toString();
                else
                    headerError(where, message);
            }
        }
        m.columns.append(column);
    }
    for (size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].required && m.fieldColumn[f] < 0)
            m.missing << QLatin1String(fields[f].name);
    }
    if (kind == ImportKind::Orders && m.fieldColumn[O::SkuSourceId] < 0 && m.fieldColumn[O::Sku] < 0)
        m.missing << QStringLiteral("sku_source_id (or sku)");
    for (const QString &name : std::as_const(m.missing))
        m.errors.append({file, 1, {}, QStringLiteral("the required column \"%1\" is missing").arg(name)});
    return m;
}

// ---------------------------------------------------------------------------------
// SQLite, directly: QSqlQuery's per-row overhead would be most of the cost of a
// million rows (see CodeRepository). Text is bound without a copy (SQLITE_STATIC):
// the bytes must live until the statement has stepped.

class Statement
{
public:
    Statement() = default;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    bool prepare(sqlite3 *db, const QByteArray &sql)
    {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        return sqlite3_prepare_v3(db, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr)
               == SQLITE_OK;
    }
    bool valid() const { return m_stmt; }
    void text(int i, QByteArrayView v) { sqlite3_bind_text(m_stmt, i, v.isEmpty() ? "" : v.data(), int(v.size()), SQLITE_STATIC); }
    void textOrNull(int i, QByteArrayView v)
    {
        if (v.isEmpty())
            sqlite3_bind_null(m_stmt, i);
        else
            text(i, v);
    }
    void integer(int i, qint64 v) { sqlite3_bind_int64(m_stmt, i, v); }
    void null(int i) { sqlite3_bind_null(m_stmt, i); }
    int step() { return sqlite3_step(m_stmt); }
    void reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    bool isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    qint64 int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    QByteArray bytes(int column) const
    {
        return QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column)),
                          sqlite3_column_bytes(m_stmt, column));
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

void appendJsonString(QByteArray &out, QByteArrayView text)
{
    out.append('"');
    qsizetype from = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const uchar c = uchar(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(text.sliced(from, i - from));
        from = i + 1;
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default: {
            static const char hex[] = "0123456789abcdef";
            const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(escape, 6);
        }
        }
    }
    out.append(text.sliced(from));
    out.append('"');
}

bool looksLikeEmail(QByteArrayView v)
{
    if (v.size() < 3 || v.size() > 254)
        return false;
    const qsizetype at = v.lastIndexOf('@');
    if (at < 1 || at > 64 || at == v.size() - 1)
        return false;
    const QByteArrayView domain = v.sliced(at + 1);
    const qsizetype dot = domain.lastIndexOf('.');
    if (dot < 1 || dot == domain.size() - 1 || domain.startsWith('.') || domain.contains(".."))
        return false;
    for (qsizetype i = 0; i < v.size(); ++i) {
        const uchar c = uchar(v[i]);
        if (c <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']'
            || c == '\\' || c == '"' || (c == '@' && i != at))
            return false;
    }
    return true;
}

// ISO 3166-1 alpha-2 codes Qt knows (not the groupings EU, EZ, UN, QO).
bool isCountryCode(char a, char b)
{
    static const std::array<bool, 26 * 26> known = [] {
        std::array<bool, 26 * 26> table{};
        for (char x = 'A'; x <= 'Z'; ++x) {
            for (char y = 'A'; y <= 'Z'; ++y) {
                const char code[] = {x, y};
                const QString text = QString::fromLatin1(code, 2);
                table[size_t((x - 'A') * 26 + (y - 'A'))] =
                    QLocale::codeToTerritory(text) != QLocale::AnyTerritory
                    && !QStringList{QStringLiteral("EU"), QStringLiteral("EZ"), QStringLiteral("UN"), QStringLiteral("QO")}.contains(text);
            }
        }
        return table;
    }();
    return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' && known[size_t((a - 'A') * 26 + (b - 'A'))];
}

bool isEventType(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 64)
        return false;
    for (char c : v) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
              || c == ':' || c == '-'))
            return false;
    }
    return true;
}

QByteArray slug(const QString &name)
{
    QByteArray out;
    for (QChar c : name.normalized(QString::NormalizationForm_D).toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')) {
            out.append(char(c.unicode()));
        } else if ((c.isSpace() || c == u'-' || c == u'_' || c == u'&' || c == u'/') && !out.isEmpty()
                   && !out.endsWith('_')) {
            out.append('_');
        }
    }
    while (out.endsWith('_'))
        out.chop(1);
    return out.isEmpty() ? QByteArray("category") : out;
}

// ---------------------------------------------------------------------------------
// One import.

class Run
{
public:
    Run(Connection &connection, const ImportOptions &options, ImportReport &report)
        : m_connection(connection), m_options(options), m_report(report), m_file(report.file),
          m_now(options.now > 0 ? options.now : nowMs())
    {
    }

    void execute(QIODevice &device, qint64 size);

private:
    // Errors --------------------------------------------------------------------
    bool failed() const { return !m_report.errors.isEmpty(); }
    bool full() const { return m_report.moreErrors; }
    void error(qint64 line, const QString &column, const QString &message)
    {
        if (int(m_report.errors.size()) >= m_options.maxErrors) {
            m_report.moreErrors = true;
            return;
        }
        m_report.errors.append({m_file, line, column, message});
    }
    void fieldError(int field, const QString &message) { error(m_line, header(field), message); }
    void sqlError(const QString &what)
    {
        m_fatal = true;
        if (m_options.cancel && m_options.cancel->load()) {
            m_report.cancelled = true; // interrupted by the progress handler: not an error
            return;
        }
        error(m_line, {}, QStringLiteral("the workspace refused %1: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(m_db))));
    }
    QString header(int field) const
    {
        const int column = m_map.fieldColumn[size_t(field)];
        return column >= 0 ? m_map.headers[column] : QLatin1String(specs(m_options.kind)[size_t(field)].name);
    }

    // Cells ---------------------------------------------------------------------
    bool has(int field) const { return m_map.fieldColumn[size_t(field)] >= 0; }
    QByteArrayView value(int field) const
    {
        const int column = m_map.fieldColumn[size_t(field)];
        return column >= 0 ? trimmed(m_reader->field(column)) : QByteArrayView();
    }
    QByteArrayView required(int field)
    {
        const QByteArrayView v = value(field);
        if (v.isEmpty())
            fieldError(field, QStringLiteral("a value is required"));
        return v;
    }
    std::optional<qint64> money(int field, bool mayBeNegative = false)
    {
        const QByteArrayView v = value(field);
        if (v.isEmpty())
            return std::nullopt;
        const auto cents = Csv::parseMoney(v);
        if (!cents) {
            fieldError(field, v.contains(',') && !v.contains('.')
                                  ? QStringLiteral("%1 is not an amount (use a dot for the cents: 12.50)").arg(quote(v))
                                  : QStringLiteral("%1 is not an amount (like 12.50)").arg(quote(v)));
        } else if (*cents < 0 && !mayBeNegative) {
            fieldError(field, QStringLiteral("%1 is negative").arg(quote(v)));
            return std::nullopt;
        }
        return cents;
    }
    std::optional<qint64> timestamp(int field)
    {
        const QByteArrayView v = value(field);
        if (v.isEmpty())
            return std::nullopt;
        const auto at = Csv::parseTimestamp(v);
        if (!at)
            fieldError(field, QStringLiteral("%1 is not a date-time").arg(quote(v)));
        return at;
    }
    // 0 or 1, or -1 for an empty cell.
    int boolean(int field)
    {
        const QByteArrayView v = value(field);
        if (v.isEmpty())
            return -1;
        const auto b = Csv::parseBool(v);
        if (!b) {
            fieldError(field, QStringLiteral("%1 is not true or false (true/false, yes/no, 1/0)").arg(quote(v)));
            return -1;
        }
        return *b ? 1 : 0;
    }
    // A JSON object for json_patch() from the metadata column and metadata.* columns;
    // empty cells become null (which removes the key). Empty when the file has none.
    // `forInsert`: without the nulls (nothing to remove), so it can be stored as it is.
    bool buildMetadata(int jsonField, const std::vector<MetadataColumn> &columns, QByteArray &out,
                       bool forInsert = false);
    bool buildTags(QByteArray &out);

    // Kinds ---------------------------------------------------------------------
    // A checked customer row, its values in m_arena: statement slots 1-11 (text; length
    // -1 = NULL) and 12, the metadata patch for an update.
    struct CustomerValues
    {
        qint64 line = 0;
        qsizetype offset[13] = {};
        int length[13] = {};
        int consent[3] = {};
        std::optional<qint64> createdAt;
    };
    static constexpr int BatchRows = 64;
    bool prepareCustomers();
    void customerRow();
    void bindCustomer(Statement &s, const CustomerValues &v, int base);
    void writeCustomer(const CustomerValues &v);
    // `evenAfterErrors`: at the first bad row, the rows before it are still written.
    void flushCustomers(bool evenAfterErrors = false);
    bool prepareProducts();
    void productRow();
    bool prepareOrders();
    void orderRow();
    void flushOrder();
    bool recountCustomers();
    bool prepareEvents();
    void eventRow();
    std::optional<qint64> customerBySource(int field);

    bool prepare(Statement &statement, const QByteArray &sql)
    {
        if (!statement.prepare(m_db, sql)) {
            error(0, {}, QStringLiteral("cannot prepare the import: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_db))));
            return false;
        }
        return true;
    }
    bool exec(const char *sql)
    {
        char *message = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            error(0, {}, QString::fromUtf8(message ? message : "unknown error"));
            sqlite3_free(message);
            return false;
        }
        return true;
    }
    std::optional<qint64> scalar(const char *sql)
    {
        Statement s;
        if (!prepare(s, sql))
            return std::nullopt;
        if (s.step() != SQLITE_ROW)
            return std::nullopt;
        return s.int64(0);
    }
    bool audit();
    void considerDroppingIndexes(qint64 bytesRead, qint64 size);
    bool rebuildIndexes();

    Connection &m_connection;
    const ImportOptions &m_options;
    ImportReport &m_report;
    QString m_file;
    qint64 m_now;
    sqlite3 *m_db = nullptr;
    Csv::Reader *m_reader = nullptr;
    Mapping m_map;
    qint64 m_line = 0;
    bool m_fatal = false;
    // Customer indexes dropped for a big import and built again (sorted) before the commit.
    bool m_indexesDecided = false;
    std::vector<QByteArray> m_droppedIndexes; // their CREATE INDEX statements
    QSet<QByteArray> m_varyingColumns;        // customer columns the file sets, row by row
    bool m_lookupFirst = false;               // most recent rows were updates
    bool m_batching = true;                   // most recent rows were all new: insert BatchRows at a time
    QByteArray m_arena;
    std::vector<CustomerValues> m_pending;
    Statement m_insertBatch;
    qint64 m_blockInserted = 0, m_blockUpdated = 0;

    // Rows touched: customers for the segment refresh (and their summaries after orders).
    std::vector<qint64> m_touchedCustomers;

    // Matching rows to earlier rows of the same file: keys at or above m_firstNewId were
    // inserted by this import (their lines in m_insertedLines), updated keys are remembered.
    qint64 m_firstNewId = 0;
    std::vector<qint64> m_insertedLines;
    std::unordered_map<qint64, qint64> m_updatedLines;
    // Returns the earlier line of `id` in this file, or 0; remembers an update.
    qint64 seenBefore(qint64 id, bool updating)
    {
        if (id >= m_firstNewId) {
            const size_t index = size_t(id - m_firstNewId);
            return index < m_insertedLines.size() ? m_insertedLines[index] : -1;
        }
        if (!updating)
            return 0;
        const auto [it, fresh] = m_updatedLines.emplace(id, m_line);
        return fresh ? 0 : it->second;
    }
    void inserted(qint64 id)
    {
        // INTEGER PRIMARY KEYs grow by one from the largest: this import's rows are contiguous.
        if (id == m_firstNewId + qint64(m_insertedLines.size()))
            m_insertedLines.push_back(m_line);
    }

    Statement m_find, m_insert, m_update, m_extra, m_findCustomer;
    QByteArray m_scratchName, m_scratchCountry, m_scratchTags, m_scratchMeta, m_scratchMeta2;

    // Products
    struct SkuInfo
    {
        QByteArray id, productId;
        qint64 price;
    };
    QHash<QByteArray, QByteArray> m_categoryByKey;     // lower-case name or id -> id
    QSet<QByteArray> m_categoryIds;
    QHash<QByteArray, QByteArray> m_productBySource;   // source id -> id
    QSet<QByteArray> m_productIds;
    struct ProductSeen
    {
        qint64 line;
        QByteArray name, category, price;
    };
    QHash<QByteArray, ProductSeen> m_productSeen;      // products met in this file
    QHash<QByteArray, QByteArray> m_skuBySource;       // source id -> id
    QSet<QByteArray> m_skuIds;
    QHash<QByteArray, qint64> m_skuSeen;               // SKU source ids met in this file -> line
    qint64 m_nextProductNumber = 1;
    Statement m_insertProduct, m_updateProduct, m_insertCategory;

    // Orders
    std::vector<SkuInfo> m_skus;
    QHash<QByteArray, int> m_skuIndexBySource;
    QHash<QByteArray, int> m_skuIndexBySku; // -1: more than one SKU has this text
    struct Line
    {
        int sku;
        qint64 quantity, price, amount, line;
    };
    struct PendingOrder
    {
        bool active = false;
        bool bad = false;
        qint64 line = 0;
        QByteArray sourceId;
        // The order's own cells on its first row, raw (for later rows to agree with).
        std::vector<QByteArray> first;
        std::optional<qint64> customer; // nullopt = guest
        qint64 createdAt = 0;
        QByteArray status;
        qint64 discount = 0;
        QByteArray channel;
        QByteArray metadata;
        std::vector<Line> lines;
    } m_order;
    bool m_eventMetadata = false;
    Statement m_deleteItems, m_insertItem;
    QByteArray m_lastCustomerSource;
    std::optional<qint64> m_lastCustomer;
};

// json_patch() drops null members, nested ones too: an inserted object must not keep them.
QJsonObject withoutNulls(QJsonObject object)
{
    for (auto it = object.begin(); it != object.end();) {
        if (it->isNull()) {
            it = object.erase(it);
        } else {
            if (it->isObject())
                *it = withoutNulls(it->toObject());
            ++it;
        }
    }
    return object;
}

bool Run::buildMetadata(int jsonField, const std::vector<MetadataColumn> &columns, QByteArray &out, bool forInsert)
{
    out.clear();
    const bool hasJson = jsonField >= 0 && has(jsonField);
    if (!hasJson && columns.empty())
        return true;
    const QByteArrayView json = hasJson ? value(jsonField) : QByteArrayView();
    if (!json.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            fieldError(jsonField, QStringLiteral("%1 is not a JSON object").arg(quote(json)));
            return false;
        }
        QJsonObject object = document.object();
        for (const MetadataColumn &column : columns) {
            const QByteArrayView v = trimmed(m_reader->field(column.column));
            object.insert(QString::fromUtf8(column.key), v.isEmpty() ? QJsonValue() : QJsonValue(QString::fromUtf8(v)));
        }
        out = QJsonDocument(forInsert ? withoutNulls(object) : object).toJson(QJsonDocument::Compact);
        return true;
    }
    out.append('{');
    for (const MetadataColumn &column : columns) {
        const QByteArrayView v = trimmed(m_reader->field(column.column));
        if (v.isEmpty() && forInsert)
            continue;
        if (out.size() > 1)
            out.append(',');
        appendJsonString(out, column.key);
        out.append(':');
        if (v.isEmpty())
            out.append("null");
        else
            appendJsonString(out, v);
    }
    out.append('}');
    return true;
}

bool Run::buildTags(QByteArray &out)
{
    const QByteArrayView v = value(C::Tags);
    out = "[";
    if (v.startsWith('[')) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(v.toByteArray(), &parseError);
        bool texts = parseError.error == QJsonParseError::NoError && document.isArray();
        for (const QJsonValue &tag : document.array())
            texts = texts && tag.isString();
        if (!texts) {
            fieldError(C::Tags, QStringLiteral("%1 is not a JSON array of texts").arg(quote(v)));
            return false;
        }
        out = QJsonDocument(document.array()).toJson(QJsonDocument::Compact);
        return true;
    }
    std::vector<QByteArrayView> seen;
    qsizetype from = 0;
    while (from <= v.size()) {
        qsizetype end = v.indexOf(';', from);
        if (end < 0)
            end = v.size();
        const QByteArrayView tag = trimmed(v.sliced(from, end - from));
        if (!tag.isEmpty() && std::find(seen.begin(), seen.end(), tag) == seen.end()) {
            if (!seen.empty())
                out.append(',');
            appendJsonString(out, tag);
            seen.push_back(tag);
        }
        from = end + 1;
    }
    out.append(']');
    return true;
}

std::optional<qint64> Run::customerBySource(int field)
{
    const QByteArrayView source = value(field);
    if (source.isEmpty())
        return std::nullopt;
    if (m_lastCustomer && source == m_lastCustomerSource)
        return m_lastCustomer;
    m_findCustomer.text(1, source);
    const int rc = m_findCustomer.step();
    std::optional<qint64> id;
    if (rc == SQLITE_ROW)
        id = m_findCustomer.int64(0);
    m_findCustomer.reset();
    if (!id) {
        fieldError(field, QStringLiteral("no customer has the source_id %1").arg(quote(source)));
        return std::nullopt;
    }
    m_lastCustomerSource = source.toByteArray();
    m_lastCustomer = id;
    return id;
}

// ---------------------------------------------------------------------------------
// Customers. Parameters ?1..?17 are the same in the insert and the update:
// 1 source_id, 2-14 the columns below, 15 created_at, 16 now, 17 id.

constexpr const char *CustomerColumns[] = {nullptr,         nullptr,          "name",         "email",
                                           "phone",         "birthdate",      "address_city", "address_country",
                                           "address_postal_code", "loyalty_tier", "tags",     "metadata",
                                           "consent_email", "consent_sms",    "consent_push"};

bool Run::prepareCustomers()
{
    const bool present[15] = {false,
                              false,
                              has(C::Name) || has(C::FirstName) || has(C::LastName),
                              has(C::Email),
                              has(C::Phone),
                              has(C::Birthdate),
                              has(C::City),
                              has(C::Country),
                              has(C::PostalCode),
                              has(C::LoyaltyTier),
                              has(C::Tags),
                              has(C::Metadata) || !m_map.metadata.empty(),
                              has(C::ConsentEmail),
                              has(C::ConsentSms),
                              has(C::ConsentPush)};
    const bool consents = present[12] || present[13] || present[14];
    QByteArray columns = "source_id", set;
    QByteArray consentChanged;
    // The VALUES tuple of the k-th row of a batch: its parameters are ?(16k + slot).
    const auto tuple = [&](int k) {
        const auto p = [k](int slot) { return "?" + QByteArray::number(16 * k + slot); };
        QByteArray values = "(" + p(1);
        for (int slot = 2; slot <= 14; ++slot) {
            if (present[slot])
                values += ", " + p(slot); // metadata (11) is built without nulls for an insert
        }
        values += ", ifnull(" + p(15) + ", " + p(16) + "), " + p(16);
        if (present[12] || present[13] || present[14])
            values += ", " + p(16);
        return values + ")";
    };
    for (int slot = 2; slot <= 14; ++slot) {
        if (!present[slot])
            continue;
        const QByteArray column(CustomerColumns[slot]);
        const QByteArray parameter = "?" + QByteArray::number(slot);
        columns += ", " + column;
        if (slot == 11)
            set += "metadata = json_patch(metadata, " + parameter + "), ";
        else
            set += column + " = " + parameter + ", ";
        if (slot >= 12)
            consentChanged += QByteArray(consentChanged.isEmpty() ? "" : " OR ") + column + " IS NOT " + parameter;
        m_varyingColumns.insert(column);
    }
    if (has(C::CreatedAt))
        m_varyingColumns.insert("created_at");
    columns += ", created_at, updated_at";
    if (has(C::CreatedAt))
        set += "created_at = ifnull(?15, created_at), ";
    set += "updated_at = ?16";
    if (consents) {
        columns += ", consents_updated_at";
        set += ", consents_updated_at = CASE WHEN " + consentChanged + " THEN ?16 ELSE consents_updated_at END";
    }
    const auto firstNew = scalar("SELECT ifnull(max(id), 0) + 1 FROM customers");
    if (!firstNew)
        return false;
    m_firstNewId = *firstNew;
    // A new customer is inserted at once; a clash on source_id (an existing one) does
    // nothing and is then looked up and updated: one index seek less for every new row.
    return prepare(m_find, "SELECT id FROM customers WHERE source_id = ?1")
           && prepare(m_insert, "INSERT INTO customers(" + columns + ") VALUES " + tuple(0)
                                    + " ON CONFLICT(source_id) DO NOTHING")
           && prepare(m_insertBatch, [&] {
                  // No ON CONFLICT: a clash fails the whole statement, and its rows go one by one.
                  QByteArray sql = "INSERT INTO customers(" + columns + ") VALUES " + tuple(0);
                  for (int k = 1; k < BatchRows; ++k)
                      sql += ", " + tuple(k);
                  return sql;
              }())
           && prepare(m_update, "UPDATE customers SET " + set + " WHERE id = ?17");
}

void Run::customerRow()
{
    const qsizetype errorsBefore = m_report.errors.size();
    const QByteArrayView source = required(C::SourceId);

    QByteArrayView name = value(C::Name);
    if (name.isEmpty() && (has(C::FirstName) || has(C::LastName))) {
        const QByteArrayView first = value(C::FirstName), last = value(C::LastName);
        m_scratchName = first.toByteArray();
        if (!first.isEmpty() && !last.isEmpty())
            m_scratchName.append(' ');
        m_scratchName.append(last);
        name = m_scratchName;
    }
    const QByteArrayView email = value(C::Email);
    if (!email.isEmpty() && !looksLikeEmail(email))
        fieldError(C::Email, QStringLiteral("%1 is not an email address").arg(quote(email)));
    const QByteArrayView birthdate = value(C::Birthdate);
    if (!birthdate.isEmpty() && !Csv::parseDate(birthdate))
        fieldError(C::Birthdate, QStringLiteral("%1 is not a date").arg(quote(birthdate)));
    QByteArrayView country = value(C::Country);
    if (!country.isEmpty()) {
        const auto upper = [](char c) { return char(c >= 'a' && c <= 'z' ? c - 32 : c); };
        if (country.size() == 2 && isCountryCode(upper(country[0]), upper(country[1]))) {
            m_scratchCountry = country.toByteArray().toUpper();
            country = m_scratchCountry;
        } else {
            fieldError(C::Country, QStringLiteral("%1 is not a two-letter country code (like IE or GB)").arg(quote(country)));
        }
    }
    if (has(C::Tags))
        buildTags(m_scratchTags);
    buildMetadata(C::Metadata, m_map.metadata, m_scratchMeta, true);
    const int consent[3] = {boolean(C::ConsentEmail), boolean(C::ConsentSms), boolean(C::ConsentPush)};
    const auto createdAt = timestamp(C::CreatedAt);
    if (m_report.errors.size() != errorsBefore) {
        // The first bad row: write the rows waiting for a batch, so that a repeat
        // among them is still found; nothing is written after it.
        if (errorsBefore == 0)
            flushCustomers(true);
        return;
    }
    if (failed())
        return; // nothing more is written once a row is bad: the import will roll back

    // The values are copied out of the reader's buffer (which moves on) so that the
    // row can wait for a batch.
    CustomerValues v;
    v.line = m_line;
    const auto put = [&](int slot, QByteArrayView bytes, bool nullWhenEmpty) {
        v.offset[slot] = m_arena.size();
        v.length[slot] = bytes.isEmpty() && nullWhenEmpty ? -1 : int(bytes.size());
        m_arena.append(bytes);
    };
    put(1, source, false);
    put(2, name, false);
    put(3, email, true);
    put(4, value(C::Phone), true);
    put(5, birthdate, true);
    put(6, value(C::City), true);
    put(7, country, true);
    put(8, value(C::PostalCode), true);
    put(9, value(C::LoyaltyTier), true);
    put(10, value(C::Tags).isEmpty() ? QByteArrayView("[]") : QByteArrayView(m_scratchTags), false);
    put(11, m_scratchMeta, true);
    if (!m_scratchMeta.isEmpty()) {
        buildMetadata(C::Metadata, m_map.metadata, m_scratchMeta2); // with nulls: an empty cell removes its key
        put(12, m_scratchMeta2, true);
    } else {
        v.length[12] = -1;
    }
    for (int i = 0; i < 3; ++i)
        v.consent[i] = consent[i] < 0 ? 0 : consent[i];
    v.createdAt = createdAt;
    if (m_batching) {
        m_pending.push_back(v);
        if (int(m_pending.size()) == BatchRows)
            flushCustomers();
    } else {
        writeCustomer(v);
        m_arena.clear();
    }
}

void Run::bindCustomer(Statement &s, const CustomerValues &v, int base)
{
    for (int slot = 1; slot <= 11; ++slot) {
        if (v.length[slot] < 0)
            s.null(base + slot);
        else
            s.text(base + slot, QByteArrayView(m_arena.constData() + v.offset[slot], v.length[slot]));
    }
    for (int i = 0; i < 3; ++i)
        s.integer(base + 12 + i, v.consent[i]);
    if (v.createdAt)
        s.integer(base + 15, *v.createdAt);
    else
        s.null(base + 15);
    s.integer(base + 16, m_now);
}

// Writes the waiting rows: BatchRows of them in one multi-row INSERT (a statement per
// row costs more than the row), else, and when the batch clashes with a customer
// already there (the statement then changes nothing), one by one.
void Run::flushCustomers(bool evenAfterErrors)
{
    if (m_pending.empty())
        return;
    const qint64 line = m_line;
    if (int(m_pending.size()) == BatchRows && !m_fatal) {
        for (int k = 0; k < BatchRows; ++k)
            bindCustomer(m_insertBatch, m_pending[size_t(k)], k * 16);
        const int rc = m_insertBatch.step();
        m_insertBatch.reset();
        if (rc == SQLITE_DONE) {
            // One statement inserts its rows in order, each key one above the last.
            const qint64 first = sqlite3_last_insert_rowid(m_db) - BatchRows + 1;
            for (int k = 0; k < BatchRows; ++k) {
                m_line = m_pending[size_t(k)].line;
                inserted(first + k);
                m_touchedCustomers.push_back(first + k);
            }
            m_report.inserted += BatchRows;
            m_pending.clear();
            m_arena.clear();
            m_line = line;
            return;
        }
        if ((rc & 0xff) != SQLITE_CONSTRAINT) {
            m_line = m_pending.front().line;
            sqlError(QStringLiteral("the customers"));
            m_pending.clear();
            m_arena.clear();
            m_line = line;
            return;
        }
    }
    for (const CustomerValues &v : m_pending) {
        if (m_fatal || (failed() && !evenAfterErrors))
            break; // as row by row: nothing is written after the first error
        writeCustomer(v);
    }
    m_pending.clear();
    m_arena.clear();
    m_line = line;
}

void Run::writeCustomer(const CustomerValues &v)
{
    m_line = v.line;
    const QByteArrayView source(m_arena.constData() + v.offset[1], v.length[1]);
    // Mostly new customers: insert at once, and look up only on a clash. Mostly
    // existing ones (a re-import): look up first, which spares a failed insert.
    qint64 existing = 0;
    if (m_lookupFirst) {
        m_find.text(1, source);
        const int found = m_find.step();
        existing = found == SQLITE_ROW ? m_find.int64(0) : 0;
        m_find.reset();
        if (found != SQLITE_ROW && found != SQLITE_DONE)
            return sqlError(QStringLiteral("the lookup"));
    }
    int rc = SQLITE_DONE;
    if (!existing) {
        bindCustomer(m_insert, v, 0);
        rc = m_insert.step();
        m_insert.reset();
        if (rc != SQLITE_DONE)
            return sqlError(QStringLiteral("the customer"));
        if (sqlite3_changes(m_db) == 1) {
            const qint64 id = sqlite3_last_insert_rowid(m_db);
            inserted(id);
            ++m_report.inserted;
            m_touchedCustomers.push_back(id);
            return;
        }
        // The source_id is taken: update that customer, unless this file has already.
        m_find.text(1, source);
        const int found = m_find.step();
        existing = found == SQLITE_ROW ? m_find.int64(0) : 0;
        m_find.reset();
        if (found != SQLITE_ROW)
            return sqlError(QStringLiteral("the lookup"));
    }
    if (const qint64 earlier = seenBefore(existing, true)) {
        fieldError(C::SourceId, QStringLiteral("%1 is also on line %2 (one row per customer)").arg(quote(source)).arg(earlier));
        return;
    }
    bindCustomer(m_update, v, 0);
    if (v.length[12] >= 0) // the metadata patch with its nulls
        m_update.text(11, QByteArrayView(m_arena.constData() + v.offset[12], v.length[12]));
    m_update.integer(17, existing);
    rc = m_update.step();
    m_update.reset();
    if (rc != SQLITE_DONE)
        return sqlError(QStringLiteral("the customer"));
    ++m_report.updated;
    m_touchedCustomers.push_back(existing);
}

// ---------------------------------------------------------------------------------
// Products and SKUs

bool Run::prepareProducts()
{
    {
        Statement s;
        if (!prepare(s, "SELECT id, name FROM categories"))
            return false;
        while (s.step() == SQLITE_ROW) {
            const QByteArray id = s.bytes(0);
            m_categoryIds.insert(id);
            m_categoryByKey.insert(id.toLower(), id);
            m_categoryByKey.insert(QString::fromUtf8(s.bytes(1)).toLower().toUtf8(), id);
        }
    }
    {
        Statement s;
        if (!prepare(s, "SELECT id, source_id FROM products"))
            return false;
        while (s.step() == SQLITE_ROW) {
            const QByteArray id = s.bytes(0);
            m_productIds.insert(id);
            if (!s.isNull(1))
                m_productBySource.insert(s.bytes(1), id);
            if (id.startsWith("prod_")) {
                bool ok = false;
                const qint64 n = id.mid(5).toLongLong(&ok);
                if (ok && n >= m_nextProductNumber)
                    m_nextProductNumber = n + 1;
            }
        }
    }
    {
        Statement s;
        if (!prepare(s, "SELECT id, source_id FROM skus"))
            return false;
        while (s.step() == SQLITE_ROW) {
            m_skuIds.insert(s.bytes(0));
            if (!s.isNull(1))
                m_skuBySource.insert(s.bytes(1), s.bytes(0));
        }
    }
    // ?1 id, ?2 source_id, ?3 name, ?4 category_id, ?5 price, ?6 metadata, ?7 now
    QByteArray set = "source_id = ?2";
    if (has(P::ProductName))
        set += ", name = ifnull(?3, name)";
    if (has(P::Category))
        set += ", category_id = ?4";
    if (has(P::ProductPrice))
        set += ", price = ?5";
    if (has(P::ProductMetadata) || !m_map.productMetadata.empty())
        set += ", metadata = json_patch(metadata, ?6)";
    QByteArray skuSet = "source_id = ?2, product_id = ?3";
    if (has(P::Sku))
        skuSet += ", sku = ifnull(?4, sku)";
    if (has(P::Price))
        skuSet += ", price = ifnull(?5, price)";
    if (has(P::Metadata) || !m_map.metadata.empty())
        skuSet += ", metadata = json_patch(metadata, ?6)";
    return prepare(m_insertCategory, "INSERT INTO categories(id, name) VALUES (?1, ?2)")
           && prepare(m_insertProduct, "INSERT INTO products(id, source_id, name, category_id, price, metadata, created_at) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5, json_patch('{}', ifnull(?6, '{}')), ?7)")
           && prepare(m_updateProduct, "UPDATE products SET " + set + " WHERE id = ?1")
           && prepare(m_insert, "INSERT INTO skus(id, source_id, product_id, sku, price, metadata, created_at) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, json_patch('{}', ifnull(?6, '{}')), ?7)")
           && prepare(m_update, "UPDATE skus SET " + skuSet + " WHERE id = ?1");
}

void Run::productRow()
{
    const qsizetype errorsBefore = m_report.errors.size();
    const QByteArrayView productSource = required(P::ProductSourceId);
    const QByteArrayView skuSource = required(P::SkuSourceId);
    const QByteArrayView productName = value(P::ProductName);
    const QByteArrayView category = value(P::Category);
    const QByteArrayView productPriceText = value(P::ProductPrice);
    const auto productPrice = money(P::ProductPrice);
    const auto price = money(P::Price);
    buildMetadata(P::Metadata, m_map.metadata, m_scratchMeta);
    buildMetadata(P::ProductMetadata, m_map.productMetadata, m_scratchMeta2);
    if (productSource.isEmpty() || skuSource.isEmpty() || m_report.errors.size() != errorsBefore)
        return;

    // The product: met earlier in the file (its cells must agree), in the workspace, or new.
    const QByteArray productKey = productSource.toByteArray();
    const auto seen = m_productSeen.constFind(productKey);
    if (seen != m_productSeen.constEnd()) {
        const auto agree = [&](int field, QByteArrayView v, const QByteArray &first) {
            if (!v.isEmpty() && !first.isEmpty() && v != first)
                fieldError(field, QStringLiteral("%1 differs from this product's first row (line %2: %3)")
                                      .arg(quote(v))
                                      .arg(seen->line)
                                      .arg(quote(first)));
        };
        agree(P::ProductName, productName, seen->name);
        agree(P::Category, category, seen->category);
        agree(P::ProductPrice, productPriceText, seen->price);
    } else if (!m_productBySource.contains(productKey) && productName.isEmpty()) {
        fieldError(P::ProductName, QStringLiteral("a new product needs a name"));
    }
    const QByteArray skuKey = skuSource.toByteArray();
    if (const auto skuSeen = m_skuSeen.constFind(skuKey); skuSeen != m_skuSeen.constEnd()) {
        fieldError(P::SkuSourceId, QStringLiteral("%1 is also on line %2 (one row per SKU)").arg(quote(skuSource)).arg(*skuSeen));
    }
    if (!m_skuBySource.contains(skuKey) && !price)
        fieldError(P::Price, QStringLiteral("a new SKU needs a price"));
    m_skuSeen.insert(skuKey, m_line);
    if (m_report.errors.size() != errorsBefore || failed()) {
        if (seen == m_productSeen.constEnd())
            m_productSeen.insert(productKey, {m_line, productName.toByteArray(), category.toByteArray(),
                                              productPriceText.toByteArray()});
        return;
    }

    QByteArray categoryId;
    if (!category.isEmpty()) {
        const QByteArray key = QString::fromUtf8(category).toLower().toUtf8();
        categoryId = m_categoryByKey.value(key);
        if (categoryId.isEmpty()) {
            const QByteArray base = "cat_" + slug(QString::fromUtf8(category));
            categoryId = base;
            for (int n = 2; m_categoryIds.contains(categoryId); ++n)
                categoryId = base + '_' + QByteArray::number(n);
            m_insertCategory.text(1, categoryId);
            m_insertCategory.text(2, category);
            const int rc = m_insertCategory.step();
            m_insertCategory.reset();
            if (rc != SQLITE_DONE)
                return sqlError(QStringLiteral("the category"));
            m_categoryIds.insert(categoryId);
            m_categoryByKey.insert(key, categoryId);
            ++m_report.categoriesInserted;
        }
    }

    QByteArray productId = m_productBySource.value(productKey);
    if (seen == m_productSeen.constEnd()) {
        m_productSeen.insert(productKey, {m_line, productName.toByteArray(), category.toByteArray(),
                                          productPriceText.toByteArray()});
        const bool existing = !productId.isEmpty();
        if (!existing) {
            do {
                productId = QByteArray("prod_") + QByteArray::number(m_nextProductNumber++).rightJustified(5, '0');
            } while (m_productIds.contains(productId));
        }
        Statement &s = existing ? m_updateProduct : m_insertProduct;
        s.text(1, productId);
        s.text(2, productSource);
        s.textOrNull(3, productName);
        s.textOrNull(4, categoryId);
        if (productPrice)
            s.integer(5, *productPrice);
        if (!m_scratchMeta2.isEmpty())
            s.text(6, m_scratchMeta2);
        s.integer(7, m_now);
        const int rc = s.step();
        s.reset();
        if (rc != SQLITE_DONE)
            return sqlError(QStringLiteral("the product"));
        if (existing) {
            ++m_report.productsUpdated;
        } else {
            ++m_report.productsInserted;
            m_productIds.insert(productId);
            m_productBySource.insert(productKey, productId);
        }
    }

    QByteArray skuId = m_skuBySource.value(skuKey);
    const bool existing = !skuId.isEmpty();
    if (!existing) {
        const QByteArray stem = "sku_" + (productId.startsWith("prod_") ? productId.mid(5) : productId) + '_';
        int n = 1;
        do {
            skuId = stem + QByteArray::number(n++);
        } while (m_skuIds.contains(skuId));
    }
    Statement &s = existing ? m_update : m_insert;
    s.text(1, skuId);
    s.text(2, skuSource);
    s.text(3, productId);
    const QByteArrayView sku = value(P::Sku);
    if (existing)
        s.textOrNull(4, sku);
    else
        s.text(4, sku.isEmpty() ? skuSource : sku);
    if (price)
        s.integer(5, *price);
    if (!m_scratchMeta.isEmpty())
        s.text(6, m_scratchMeta);
    s.integer(7, m_now);
    const int rc = s.step();
    s.reset();
    if (rc != SQLITE_DONE)
        return sqlError(QStringLiteral("the SKU"));
    if (existing) {
        ++m_report.updated;
    } else {
        ++m_report.inserted;
        m_skuIds.insert(skuId);
        m_skuBySource.insert(skuKey, skuId);
    }
}

// ---------------------------------------------------------------------------------
// Orders: consecutive rows with one order_source_id are one order, written when the
// next order starts. An order already in the workspace is replaced (its lines too).

// The order's own columns: on later rows of an order they must be empty or agree.
constexpr int OrderLevelFields[] = {O::CustomerSourceId, O::CreatedAt, O::Status, O::Channel, O::DiscountAmount,
                                    O::Metadata};

bool Run::prepareOrders()
{
    {
        Statement s;
        if (!prepare(s, "SELECT id, source_id, sku, product_id, price FROM skus ORDER BY id"))
            return false;
        while (s.step() == SQLITE_ROW) {
            const int index = int(m_skus.size());
            m_skus.push_back({s.bytes(0), s.bytes(3), s.int64(4)});
            if (!s.isNull(1))
                m_skuIndexBySource.insert(s.bytes(1), index);
            const QByteArray sku = s.bytes(2);
            m_skuIndexBySku.insert(sku, m_skuIndexBySku.contains(sku) ? -1 : index);
        }
    }
    const auto firstNew = scalar("SELECT ifnull(max(id), 0) + 1 FROM orders");
    if (!firstNew)
        return false;
    m_firstNewId = *firstNew;
    // ?1 source_id, ?2 customer_id, ?3 status, ?4 amount, ?5 discount_amount, ?6 items_count,
    // ?7 channel, ?8 metadata, ?9 created_at, ?10 id
    QByteArray set = "amount = ?4, items_count = ?6, created_at = ?9";
    if (has(O::CustomerSourceId))
        set += ", customer_id = ?2";
    if (has(O::Status))
        set += ", status = ifnull(?3, status)";
    if (has(O::DiscountAmount))
        set += ", discount_amount = ifnull(?5, 0)";
    if (has(O::Channel))
        set += ", channel = ?7";
    if (has(O::Metadata) || !m_map.metadata.empty())
        set += ", metadata = json_patch(metadata, ?8)";
    return prepare(m_findCustomer, "SELECT id FROM customers WHERE source_id = ?1")
           && prepare(m_find, "SELECT id, customer_id FROM orders WHERE source_id = ?1")
           && prepare(m_insert, "INSERT INTO orders(source_id, customer_id, status, amount, discount_amount, items_count, "
                                "channel, metadata, created_at) VALUES (?1, ?2, ifnull(?3, 'PAID'), ?4, ifnull(?5, 0), ?6, "
                                "?7, json_patch('{}', ifnull(?8, '{}')), ?9)")
           && prepare(m_update, "UPDATE orders SET " + set + " WHERE id = ?10")
           && prepare(m_deleteItems, "DELETE FROM order_items WHERE order_id = ?1")
           && prepare(m_insertItem, "INSERT INTO order_items(order_id, line_no, sku_id, product_id, quantity, price, amount) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
}

void Run::orderRow()
{
    const qsizetype errorsBefore = m_report.errors.size();
    const QByteArrayView source = required(O::OrderSourceId);
    if (source.isEmpty())
        return;
    if (!m_order.active || source != m_order.sourceId) {
        flushOrder();
        PendingOrder &o = m_order;
        o = PendingOrder{};
        o.active = true;
        o.line = m_line;
        o.sourceId = source.toByteArray();
        for (int field : OrderLevelFields)
            o.first.push_back(value(field).toByteArray());
        for (const MetadataColumn &column : m_map.metadata)
            o.first.push_back(trimmed(m_reader->field(column.column)).toByteArray());
        if (has(O::CustomerSourceId))
            o.customer = customerBySource(O::CustomerSourceId);
        const auto createdAt = timestamp(O::CreatedAt);
        if (!createdAt && !value(O::CreatedAt).isEmpty())
            o.bad = true;
        else if (!createdAt)
            required(O::CreatedAt);
        o.createdAt = createdAt.value_or(0);
        const QByteArrayView status = value(O::Status);
        if (!status.isEmpty()) {
            o.status = status.toByteArray().toUpper();
            if (o.status == "CANCELLED")
                o.status = "CANCELED";
            if (o.status != "CREATED" && o.status != "PAID" && o.status != "CANCELED" && o.status != "FULFILLED")
                fieldError(O::Status,
                           QStringLiteral("%1 is not an order status (CREATED, PAID, CANCELED, FULFILLED)").arg(quote(status)));
        }
        o.channel = value(O::Channel).toByteArray();
        o.discount = money(O::DiscountAmount).value_or(0);
        buildMetadata(O::Metadata, m_map.metadata, o.metadata);
    } else {
        // A later line of the same order: its order cells are empty or the same.
        size_t k = 0;
        const auto agree = [&](QByteArrayView v, const QString &column) {
            const QByteArray &first = m_order.first[k++];
            if (!v.isEmpty() && v != first)
                error(m_line, column, QStringLiteral("%1 differs from this order's first line (line %2: %3)")
                                          .arg(quote(v))
                                          .arg(m_order.line)
                                          .arg(quote(first)));
        };
        for (int field : OrderLevelFields)
            agree(value(field), header(field));
        for (const MetadataColumn &column : m_map.metadata)
            agree(trimmed(m_reader->field(column.column)), m_map.headers[column.column]);
    }

    // The line.
    int sku = -1;
    const QByteArrayView skuSource = value(O::SkuSourceId);
    const QByteArrayView skuText = value(O::Sku);
    if (!skuSource.isEmpty()) {
        sku = m_skuIndexBySource.value(skuSource.toByteArray(), -1);
        if (sku < 0)
            fieldError(O::SkuSourceId, QStringLiteral("no SKU has the source_id %1").arg(quote(skuSource)));
    } else if (!skuText.isEmpty()) {
        const auto it = m_skuIndexBySku.constFind(skuText.toByteArray());
        if (it == m_skuIndexBySku.constEnd())
            fieldError(O::Sku, QStringLiteral("no SKU is %1").arg(quote(skuText)));
        else if (*it < 0)
            fieldError(O::Sku, QStringLiteral("more than one SKU is %1; use sku_source_id").arg(quote(skuText)));
        else
            sku = *it;
    } else {
        fieldError(has(O::SkuSourceId) ? O::SkuSourceId : O::Sku, QStringLiteral("a value is required"));
    }
    qint64 quantity = 1;
    if (const QByteArrayView q = value(O::Quantity); !q.isEmpty()) {
        const auto n = Csv::parseInteger(q);
        if (!n)
            fieldError(O::Quantity, QStringLiteral("%1 is not a whole number").arg(quote(q)));
        else if (*n < 1 || *n > 1'000'000)
            fieldError(O::Quantity, QStringLiteral("%1 is not a quantity from 1 to 1000000").arg(quote(q)));
        else
            quantity = *n;
    }
    const auto price = money(O::Price);
    const auto amount = money(O::Amount);
    if (m_report.errors.size() != errorsBefore || sku < 0) {
        m_order.bad = true;
        return;
    }
    const qint64 unit = price.value_or(m_skus[size_t(sku)].price);
    m_order.lines.push_back({sku, quantity, unit, amount.value_or(unit * quantity), m_line});
}

void Run::flushOrder()
{
    if (!m_order.active)
        return;
    m_order.active = false;
    if (m_order.bad || failed() || m_fatal)
        return;
    const qint64 line = m_line;
    m_line = m_order.line; // errors name the order's first line
    const auto restoreLine = qScopeGuard([&] { m_line = line; });
    PendingOrder &o = m_order;
    qint64 amount = 0;
    for (const Line &l : o.lines)
        amount += l.amount;

    m_find.text(1, o.sourceId);
    const int found = m_find.step();
    const qint64 existing = found == SQLITE_ROW ? m_find.int64(0) : 0;
    const std::optional<qint64> previousCustomer =
        found == SQLITE_ROW && !m_find.isNull(1) ? std::optional<qint64>(m_find.int64(1)) : std::nullopt;
    m_find.reset();
    if (found != SQLITE_ROW && found != SQLITE_DONE)
        return sqlError(QStringLiteral("the lookup"));
    if (existing) {
        if (const qint64 earlier = seenBefore(existing, true)) {
            fieldError(O::OrderSourceId, QStringLiteral("%1 is also on line %2 (the lines of an order must be "
                                                        "consecutive rows)")
                                             .arg(quote(o.sourceId))
                                             .arg(earlier));
            return;
        }
    }
    Statement &s = existing ? m_update : m_insert;
    s.text(1, o.sourceId);
    if (o.customer)
        s.integer(2, *o.customer);
    if (!o.status.isEmpty())
        s.text(3, o.status);
    s.integer(4, amount);
    if (has(O::DiscountAmount) && !o.first[4].isEmpty())
        s.integer(5, o.discount);
    s.integer(6, qint64(o.lines.size()));
    s.textOrNull(7, o.channel);
    if (!o.metadata.isEmpty())
        s.text(8, o.metadata);
    s.integer(9, o.createdAt);
    if (existing)
        s.integer(10, existing);
    int rc = s.step();
    s.reset();
    if (rc != SQLITE_DONE)
        return sqlError(QStringLiteral("the order"));
    qint64 id = existing;
    if (existing) {
        ++m_report.updated;
        m_deleteItems.integer(1, existing);
        rc = m_deleteItems.step();
        m_deleteItems.reset();
        if (rc != SQLITE_DONE)
            return sqlError(QStringLiteral("the order's old lines"));
        if (previousCustomer && previousCustomer != o.customer && has(O::CustomerSourceId))
            m_touchedCustomers.push_back(*previousCustomer);
        if (!has(O::CustomerSourceId) && previousCustomer)
            m_touchedCustomers.push_back(*previousCustomer);
    } else {
        id = sqlite3_last_insert_rowid(m_db);
        inserted(id);
        ++m_report.inserted;
    }
    if (o.customer)
        m_touchedCustomers.push_back(*o.customer);
    for (size_t i = 0; i < o.lines.size(); ++i) {
        const Line &l = o.lines[i];
        const SkuInfo &sku = m_skus[size_t(l.sku)];
        m_insertItem.integer(1, id);
        m_insertItem.integer(2, qint64(i) + 1);
        m_insertItem.text(3, sku.id);
        m_insertItem.text(4, sku.productId);
        m_insertItem.integer(5, l.quantity);
        m_insertItem.integer(6, l.price);
        m_insertItem.integer(7, l.amount);
        rc = m_insertItem.step();
        m_insertItem.reset();
        if (rc != SQLITE_DONE) {
            m_line = l.line;
            return sqlError(QStringLiteral("the order line"));
        }
        ++m_report.orderItems;
    }
}

// The summary the demo generator writes and tst_demogenerator recounts: every order
// of the customer counts, whatever its status.
bool Run::recountCustomers()
{
    std::sort(m_touchedCustomers.begin(), m_touchedCustomers.end());
    m_touchedCustomers.erase(std::unique(m_touchedCustomers.begin(), m_touchedCustomers.end()), m_touchedCustomers.end());
    Statement s;
    if (!prepare(s, "UPDATE customers SET (orders_count, total_spent, last_order_at) = "
                    "(SELECT count(*), ifnull(sum(amount), 0), max(created_at) FROM orders WHERE customer_id = ?1) "
                    "WHERE id = ?1"))
        return false;
    for (qint64 id : m_touchedCustomers) {
        s.integer(1, id);
        const int rc = s.step();
        s.reset();
        if (rc != SQLITE_DONE) {
            m_line = 0;
            sqlError(QStringLiteral("the customer summaries"));
            return false;
        }
        ++m_report.customersRecounted;
    }
    return true;
}

// ---------------------------------------------------------------------------------
// Events: matched by (customer, type, created_at) — the table has no source id — so
// importing the same file twice updates instead of doubling.

bool Run::prepareEvents()
{
    const auto firstNew = scalar("SELECT ifnull(max(id), 0) + 1 FROM customer_events");
    if (!firstNew)
        return false;
    m_firstNewId = *firstNew;
    m_eventMetadata = has(E::Metadata) || !m_map.metadata.empty();
    return prepare(m_findCustomer, "SELECT id FROM customers WHERE source_id = ?1")
           && prepare(m_find, "SELECT id FROM customer_events WHERE customer_id = ?1 AND created_at = ?2 AND type = ?3")
           && prepare(m_insert, "INSERT INTO customer_events(customer_id, type, created_at, metadata) "
                                "VALUES (?1, ?3, ?2, json_patch('{}', ifnull(?4, '{}')))")
           && prepare(m_update, "UPDATE customer_events SET metadata = json_patch(metadata, ?4) WHERE id = ?5");
}

void Run::eventRow()
{
    const qsizetype errorsBefore = m_report.errors.size();
    required(E::CustomerSourceId);
    const auto customer = customerBySource(E::CustomerSourceId);
    const QByteArrayView type = required(E::Type);
    if (!type.isEmpty() && !isEventType(type))
        fieldError(E::Type, QStringLiteral("%1 is not an event type (letters, digits, _ . : -)").arg(quote(type)));
    const auto createdAt = timestamp(E::CreatedAt);
    if (!createdAt && value(E::CreatedAt).isEmpty())
        required(E::CreatedAt);
    buildMetadata(E::Metadata, m_map.metadata, m_scratchMeta);
    if (m_report.errors.size() != errorsBefore || failed() || !customer || !createdAt)
        return;

    m_find.integer(1, *customer);
    m_find.integer(2, *createdAt);
    m_find.text(3, type);
    const int found = m_find.step();
    const qint64 existing = found == SQLITE_ROW ? m_find.int64(0) : 0;
    m_find.reset();
    if (found != SQLITE_ROW && found != SQLITE_DONE)
        return sqlError(QStringLiteral("the lookup"));
    if (existing) {
        if (const qint64 earlier = seenBefore(existing, true)) {
            error(m_line, {}, QStringLiteral("the same event (customer, type and created_at) is also on line %1").arg(earlier));
            return;
        }
    }
    if (!existing || m_eventMetadata) {
        Statement &s = existing ? m_update : m_insert;
        s.integer(1, *customer);
        s.integer(2, *createdAt);
        s.text(3, type);
        if (!m_scratchMeta.isEmpty())
            s.text(4, m_scratchMeta);
        if (existing)
            s.integer(5, existing);
        const int rc = s.step();
        s.reset();
        if (rc != SQLITE_DONE)
            return sqlError(QStringLiteral("the event"));
    }
    if (existing) {
        ++m_report.updated;
    } else {
        inserted(sqlite3_last_insert_rowid(m_db));
        ++m_report.inserted;
    }
    m_touchedCustomers.push_back(*customer);
}

// ---------------------------------------------------------------------------------

bool Run::audit()
{
    QJsonObject after{{QStringLiteral("file"), QFileInfo(m_file).fileName()},
                      {QStringLiteral("path"), QFileInfo(m_file).absoluteFilePath()},
                      {QStringLiteral("kind"), importKindName(m_options.kind)},
                      {QStringLiteral("rows"), m_report.rows},
                      {QStringLiteral("inserted"), m_report.inserted},
                      {QStringLiteral("updated"), m_report.updated}};
    if (m_options.kind == ImportKind::Products) {
        after.insert(QStringLiteral("products_inserted"), m_report.productsInserted);
        after.insert(QStringLiteral("products_updated"), m_report.productsUpdated);
        after.insert(QStringLiteral("categories_inserted"), m_report.categoriesInserted);
    }
    if (m_options.kind == ImportKind::Orders) {
        after.insert(QStringLiteral("order_items"), m_report.orderItems);
        after.insert(QStringLiteral("customers_recounted"), m_report.customersRecounted);
    }
    const QByteArray json = QJsonDocument(after).toJson(QJsonDocument::Compact);
    const QByteArray actor = m_options.actor.toUtf8();
    const QByteArray entity = importKindName(m_options.kind).toUtf8();
    Statement s;
    if (!prepare(s, "INSERT INTO audit_log(at, actor, entity_type, entity_id, action, before, after) "
                    "VALUES (?1, ?2, 'import', ?3, 'import', NULL, ?4)"))
        return false;
    s.integer(1, m_now);
    s.text(2, actor);
    s.text(3, entity);
    s.text(4, json);
    if (s.step() != SQLITE_DONE) {
        m_line = 0;
        sqlError(QStringLiteral("the audit entry"));
        return false;
    }
    return true;
}

// A big import into a smaller table: drop the secondary indexes on the columns the
// file sets (never the unique source_id) inside the transaction and build them again
// at the end. A sorted build beats inserting a million random keys into six b-trees
// (measurements in docs/import.md); a rollback brings the old indexes back.
void Run::considerDroppingIndexes(qint64 bytesRead, qint64 size)
{
    m_indexesDecided = true;
    if (bytesRead <= 0 || m_report.rows == 0)
        return;
    // Worth it when the file rewrites a good part of the table: inserting or updating
    // a row moves its entries in every index on a column the file sets.
    const qint64 projectedRows = qint64(double(size) * double(m_report.rows) / double(bytesRead));
    const qint64 projectedWrites = projectedRows * (m_report.inserted + m_report.updated) / m_report.rows;
    if (projectedWrites < 20'000 || projectedWrites < (m_firstNewId - 1) / 2)
        return;
    std::vector<QByteArray> names;
    {
        Statement s;
        if (!prepare(s, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'customers' "
                        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"))
            return;
        while (s.step() == SQLITE_ROW) {
            // Only indexes on a column the file sets: on the others (the order summary,
            // updated_at) every new row has the same key, so its entry goes at the end.
            const QByteArray sql = s.bytes(1);
            const qsizetype open = sql.indexOf('(');
            bool varies = false;
            QByteArray word;
            for (qsizetype i = open < 0 ? sql.size() : open; i <= sql.size() && !varies; ++i) {
                const char c = i < sql.size() ? sql[i] : ' ';
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                    word.append(c);
                } else {
                    varies = m_varyingColumns.contains(word.toLower());
                    word.clear();
                }
            }
            if (varies) {
                names.push_back(s.bytes(0));
                m_droppedIndexes.push_back(sql);
            }
        }
    }
    for (const QByteArray &name : names) {
        // The name comes from sqlite_schema, never from input; quoted as an identifier.
        QByteArray quoted = name;
        quoted.replace('"', "\"\"");
        if (!exec(QByteArray("DROP INDEX \"" + quoted + '"').constData())) {
            m_fatal = true;
            return;
        }
    }
}

bool Run::rebuildIndexes()
{
    for (const QByteArray &sql : m_droppedIndexes) {
        if (!exec(sql.constData())) {
            m_fatal = true;
            if (m_options.cancel && m_options.cancel->load()) {
                m_report.errors.removeLast();
                m_report.cancelled = true;
            }
            return false;
        }
    }
    m_droppedIndexes.clear();
    return true;
}

int interruptWhenCancelled(void *flag)
{
    return static_cast<const std::atomic_bool *>(flag)->load() ? 1 : 0;
}

void Run::execute(QIODevice &device, qint64 size)
{
    Csv::Reader reader(&device, m_options.delimiter, m_file);
    m_reader = &reader;
    const auto readerError = [&] {
        const int field = reader.errorField();
        const QString column = field >= 0 && field < m_map.headers.size() ? m_map.headers[field]
                               : field >= 0                               ? QStringLiteral("#%1").arg(field + 1)
                                                                          : QString();
        error(reader.error().line, column, reader.error().message);
    };
    if (!reader.next()) {
        if (reader.hasError())
            readerError();
        else
            error(0, {}, QStringLiteral("the file is empty (a header line names the columns)"));
        return;
    }
    m_map = mapHeader(m_options.kind, reader.record(), m_file, m_options.ignoreUnknownColumns);
    m_report.warnings = m_map.warnings;
    for (const ImportError &e : std::as_const(m_map.errors))
        error(e.line, e.column, e.message);
    if (failed())
        return;

    const QVariant handle = m_connection.database().driver()->handle();
    m_db = handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0 ? *static_cast<sqlite3 *const *>(handle.data())
                                                                          : nullptr;
    if (!m_db) {
        error(0, {}, QStringLiteral("the workspace is not an SQLite connection"));
        return;
    }
    if (Status s = m_connection.begin(); !s) {
        error(0, {}, QStringLiteral("cannot start the import: %1").arg(s.error().message));
        return;
    }
    // A larger page cache for the transaction: a million rows touch every index page,
    // and pages that stay in memory are written once, at commit.
    const auto oldCache = scalar("PRAGMA cache_size");
    exec("PRAGMA cache_size = -262144");
    // A cancel also interrupts a long statement (an index build, the segment refresh).
    if (m_options.cancel)
        sqlite3_progress_handler(m_db, 50'000, interruptWhenCancelled,
                                 const_cast<void *>(static_cast<const void *>(m_options.cancel)));
    const auto restore = [&] {
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
        if (oldCache)
            exec(QByteArray("PRAGMA cache_size = " + QByteArray::number(*oldCache)).constData());
    };

    bool prepared = false;
    switch (m_options.kind) {
    case ImportKind::Customers: prepared = prepareCustomers(); break;
    case ImportKind::Products: prepared = prepareProducts(); break;
    case ImportKind::Orders: prepared = prepareOrders(); break;
    case ImportKind::Events: prepared = prepareEvents(); break;
    }

    const int columns = int(m_map.headers.size());
    int lastPercent = -1;
    while (prepared && !full() && !m_fatal && reader.next()) {
        m_line = reader.line();
        bool blank = true;
        for (int i = 0; i < reader.fieldCount() && blank; ++i)
            blank = trimmed(reader.field(i)).isEmpty();
        if (blank)
            continue;
        ++m_report.rows;
        if (reader.fieldCount() != columns) {
            error(m_line, {}, QStringLiteral("%1 values where the header has %2 columns").arg(reader.fieldCount()).arg(columns));
            if (m_options.kind == ImportKind::Orders)
                m_order.bad = m_order.bad || m_order.active;
        } else {
            switch (m_options.kind) {
            case ImportKind::Customers: customerRow(); break;
            case ImportKind::Products: productRow(); break;
            case ImportKind::Orders: orderRow(); break;
            case ImportKind::Events: eventRow(); break;
            }
        }
        if ((m_report.rows & 1023) == 0) {
            if (m_options.cancel && m_options.cancel->load()) {
                m_report.cancelled = true;
                break;
            }
            const qint64 read = reader.bytesConsumed();
            if (m_options.kind == ImportKind::Customers) {
                flushCustomers();
                // The last block's rows say how to write the next: all new -> in batches;
                // mostly existing -> look up first.
                const qint64 blockUpdates = m_report.updated - m_blockUpdated;
                m_lookupFirst = blockUpdates > m_report.inserted - m_blockInserted;
                m_batching = blockUpdates == 0;
                m_blockInserted = m_report.inserted;
                m_blockUpdated = m_report.updated;
            }
            if (!m_indexesDecided && m_options.kind == ImportKind::Customers && m_report.rows >= 2048 && !failed())
                considerDroppingIndexes(read, size);
            const int percent = size > 0 ? int(read * 95 / size) : 0;
            if (m_options.progress && percent != lastPercent) {
                lastPercent = percent;
                m_options.progress({m_report.rows, read, size, percent});
            }
        }
    }
    if (m_options.kind == ImportKind::Customers && !m_report.cancelled)
        flushCustomers();
    if (reader.hasError())
        readerError();
    if (m_options.kind == ImportKind::Orders && !m_report.cancelled)
        flushOrder();
    // Rows written in batches report a repeat when the batch is written: in line order.
    std::stable_sort(m_report.errors.begin(), m_report.errors.end(),
                     [](const ImportError &a, const ImportError &b) { return a.line < b.line; });

    if (m_options.progress && !failed() && !m_report.cancelled)
        m_options.progress({m_report.rows, size, size, 95});
    bool ok = prepared && !failed() && !m_report.cancelled && !m_fatal;
    if (ok && m_options.kind == ImportKind::Orders)
        ok = recountCustomers();
    if (ok && !m_droppedIndexes.empty() && !m_options.dryRun) // a dry run rolls back: the old ones return
        ok = rebuildIndexes();
    if (ok && !m_options.dryRun && m_options.kind != ImportKind::Products && !m_touchedCustomers.empty()) {
        std::sort(m_touchedCustomers.begin(), m_touchedCustomers.end());
        m_touchedCustomers.erase(std::unique(m_touchedCustomers.begin(), m_touchedCustomers.end()),
                                 m_touchedCustomers.end());
        const QList<qint64> ids(m_touchedCustomers.begin(), m_touchedCustomers.end());
        if (Status s = refreshSegmentsForCustomers(m_connection, ids, m_now); !s) {
            if (m_options.cancel && m_options.cancel->load())
                m_report.cancelled = true;
            else
                error(0, {}, QStringLiteral("refreshing the auto-update segments: %1").arg(s.error().message));
            ok = false;
        }
    }
    if (ok)
        ok = audit();
    // From here on nothing is interrupted: the outcome is decided.
    restore();
    if (ok && m_options.cancel && m_options.cancel->load()) {
        m_report.cancelled = true;
        ok = false;
    }
    if (!ok || m_options.dryRun) {
        m_connection.rollback();
    } else if (Status s = m_connection.commit(); !s) {
        error(0, {}, QStringLiteral("cannot commit the import: %1").arg(s.error().message));
        m_connection.rollback();
        ok = false;
    }
    if (m_options.progress && ok)
        m_options.progress({m_report.rows, size, size, 100});
}

} // namespace

QString importKindName(ImportKind kind)
{
    switch (kind) {
    case ImportKind::Customers: return QStringLiteral("customers");
    case ImportKind::Products: return QStringLiteral("products");
    case ImportKind::Orders: return QStringLiteral("orders");
    case ImportKind::Events: return QStringLiteral("events");
    }
    return {};
}

std::optional<ImportKind> importKindFromName(const QString &name)
{
    for (ImportKind kind : {ImportKind::Customers, ImportKind::Products, ImportKind::Orders, ImportKind::Events}) {
        if (name == importKindName(kind))
            return kind;
    }
    return std::nullopt;
}

QString ImportError::toString() const
{
    QString out = file;
    if (line > 0)
        out += (out.isEmpty() ? QString() : QStringLiteral(", ")) + QStringLiteral("line %1").arg(line);
    if (!column.isEmpty())
        out += (out.isEmpty() ? QString() : QStringLiteral(", ")) + QStringLiteral("column \"%1\"").arg(column);
    return out.isEmpty() ? message : out + QStringLiteral(": ") + message;
}

QString ImportReport::summary() const
{
    const QLocale locale;
    const QString what = kind == ImportKind::Products ? QStringLiteral("SKUs") : importKindName(kind);
    QString text = QStringLiteral("%1 rows: %2 %3 inserted, %4 updated")
                       .arg(locale.toString(rows), locale.toString(inserted), what, locale.toString(updated));
    if (kind == ImportKind::Products)
        text += QStringLiteral("; products: %1 inserted, %2 updated; %3 new categories")
                    .arg(locale.toString(productsInserted), locale.toString(productsUpdated),
                         locale.toString(categoriesInserted));
    if (kind == ImportKind::Orders)
        text += QStringLiteral("; %1 order lines; %2 customer summaries recomputed")
                    .arg(locale.toString(orderItems), locale.toString(customersRecounted));
    return text;
}

Importer::Importer(Connection &connection) : m_connection(connection) {}

ImportReport Importer::run(const QString &file, const ImportOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    ImportReport report;
    report.kind = options.kind;
    report.file = file;
    report.dryRun = options.dryRun;
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly)) {
        report.errors.append({file, 0, {}, QStringLiteral("cannot read the file: %1").arg(input.errorString())});
        return report;
    }
    Run(m_connection, options, report).execute(input, input.size());
    report.milliseconds = timer.elapsed();
    return report;
}

ImportPreview Importer::preview(const QString &file, ImportKind kind, char delimiter, int rows)
{
    ImportPreview preview;
    preview.kind = kind;
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly)) {
        preview.errors.append({file, 0, {}, QStringLiteral("cannot read the file: %1").arg(input.errorString())});
        return preview;
    }
    Csv::Reader reader(&input, delimiter, file);
    if (!reader.next()) {
        preview.errors.append(reader.hasError()
                                  ? ImportError{file, reader.error().line, {}, reader.error().message}
                                  : ImportError{file, 0, {}, QStringLiteral("the file is empty (a header line names the columns)")});
        return preview;
    }
    preview.delimiter = reader.delimiter();
    const Mapping mapping = mapHeader(kind, reader.record(), file, false);
    preview.columns = mapping.columns;
    preview.missing = mapping.missing;
    preview.errors = mapping.errors;
    while (preview.rows.size() < rows && reader.next()) {
        preview.rows.append(reader.record());
        preview.lines.append(reader.line());
    }
    if (reader.hasError()) {
        const int field = reader.errorField();
        preview.errors.append({file, reader.error().line, field >= 0 ? mapping.headers.value(field) : QString(),
                               reader.error().message});
    }
    return preview;
}

QList<ImportField> Importer::fields(ImportKind kind)
{
    QList<ImportField> out;
    for (const Spec &spec : specs(kind))
        out.append({QLatin1String(spec.name), QString::fromLatin1(spec.aliases).split(u' ', Qt::SkipEmptyParts),
                    spec.required, QString::fromUtf8(spec.description)});
    return out;
}

namespace ImportTasks {

QFuture<ImportReport> run(const QString &workspacePath, const QString &file, ImportOptions options,
                          std::shared_ptr<std::atomic_bool> cancel)
{
    return QtConcurrent::run([=]() mutable {
        if (cancel)
            options.cancel = cancel.get();
        auto connection = Workspace::openForWriting(workspacePath);
        if (!connection) {
            ImportReport report;
            report.kind = options.kind;
            report.file = file;
            report.errors.append({file, 0, {}, connection.error().toString()});
            return report;
        }
        return Importer(*connection.value()).run(file, options);
    });
}

QFuture<ImportPreview> preview(const QString &file, ImportKind kind, char delimiter, int rows)
{
    return QtConcurrent::run([=] { return Importer::preview(file, kind, delimiter, rows); });
}

} // namespace ImportTasks
} // namespace PromoDesk::Store
