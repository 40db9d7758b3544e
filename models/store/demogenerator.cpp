#include "demogenerator.h"

#include "common/civildate.h"

#include "schema.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace PromoDesk::Store {

std::optional<DemoSize> demoSizeFromName(const QString &name)
{
    if (name == QLatin1String("small"))
        return DemoSize::Small;
    if (name == QLatin1String("medium"))
        return DemoSize::Medium;
    if (name == QLatin1String("large"))
        return DemoSize::Large;
    return std::nullopt;
}

qint64 demoMemberCount(DemoSize size)
{
    switch (size) {
    case DemoSize::Small: return 5'000;
    case DemoSize::Medium: return 100'000;
    case DemoSize::Large: return 1'400'000;
    }
    return 0;
}

namespace {

constexpr qint64 DayMs = 86'400'000;

// xoshiro256** seeded by splitmix64: fast, and the same sequence on every platform
// (std:: distributions are not portable, so the helpers below are our own).
class Random
{
public:
    explicit Random(quint64 seed)
    {
        for (auto &word : m_state) {
            seed += 0x9E3779B97F4A7C15ull;
            quint64 z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            word = z ^ (z >> 31);
        }
    }
    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    qint64 below(qint64 n) { return n <= 0 ? 0 : qint64(next() % quint64(n)); }
    qint64 between(qint64 lo, qint64 hi) { return lo + below(hi - lo + 1); }
    bool chance(double p) { return uniform() < p; }
    double normal()
    {
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    }
    qint64 poisson(double lambda)
    {
        if (lambda <= 0)
            return 0;
        if (lambda > 30)
            return std::max<qint64>(0, qint64(std::llround(lambda + std::sqrt(lambda) * normal())));
        const double limit = std::exp(-lambda);
        qint64 k = 0;
        double p = uniform();
        while (p > limit) {
            ++k;
            p *= uniform();
        }
        return k;
    }
    template <typename T>
    const T &pick(const std::vector<T> &items) { return items[size_t(below(qint64(items.size())))]; }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_state[4];
};

// Cumulative weights for picking by weight.
class Weighted
{
public:
    void add(double weight) { m_cumulative.push_back((m_cumulative.empty() ? 0 : m_cumulative.back()) + weight); }
    size_t pick(Random &random) const
    {
        const double x = random.uniform() * m_cumulative.back();
        return size_t(std::upper_bound(m_cumulative.begin(), m_cumulative.end(), x) - m_cumulative.begin());
    }

private:
    std::vector<double> m_cumulative;
};

struct City
{
    std::string name;
    std::string postalPrefix;
};

struct Country
{
    std::string code;
    std::string phonePrefix;
    std::vector<City> cities;
    Weighted cityWeights;
};

struct Sku
{
    std::string id;
    std::string productId;
    std::string productName;
    std::string skuName;
    qint64 price = 0;
    size_t category = 0;
};

struct Vocabulary
{
    std::vector<std::string> firstNames, lastNames, firstAscii, lastAscii;
    std::vector<Country> countries;
    Weighted countryWeights;
    std::vector<std::string> emailDomains, petNames;
    std::vector<std::string> categoryIds, categoryNames, categoryPets;
    std::vector<Sku> skus;
    std::vector<std::vector<size_t>> skusByCategory;
};

std::string utf8(const QJsonValue &value)
{
    return value.toString().toStdString();
}

std::string emailSafe(const QString &text)
{
    std::string out;
    for (QChar c : text.normalized(QString::NormalizationForm_D)) {
        if (c.isLetter() && c.unicode() < 128)
            out.push_back(char(c.toLower().unicode()));
    }
    return out;
}

std::vector<std::string> strings(const QJsonArray &array)
{
    std::vector<std::string> out;
    for (const QJsonValue &v : array)
        out.push_back(utf8(v));
    return out;
}

Result<Vocabulary> loadVocabulary(Random &random)
{
    QFile file(QStringLiteral(":/promodesk/demo/vocab.json"));
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("the demo vocabulary resource is missing"), file.fileName()};
    QJsonParseError parseError;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return Error{parseError.errorString(), file.fileName()};

    Vocabulary v;
    for (const QJsonValue &name : root.value(QLatin1String("first_names")).toArray()) {
        v.firstNames.push_back(utf8(name));
        v.firstAscii.push_back(emailSafe(name.toString()));
    }
    for (const QJsonValue &name : root.value(QLatin1String("last_names")).toArray()) {
        v.lastNames.push_back(utf8(name));
        v.lastAscii.push_back(emailSafe(name.toString()));
    }
    for (const QJsonValue &entry : root.value(QLatin1String("countries")).toArray()) {
        const QJsonObject o = entry.toObject();
        Country country;
        country.code = utf8(o.value(QLatin1String("code")));
        country.phonePrefix = utf8(o.value(QLatin1String("phone")));
        for (const QJsonValue &c : o.value(QLatin1String("cities")).toArray()) {
            const QJsonArray city = c.toArray();
            country.cities.push_back({utf8(city.at(0)), utf8(city.at(2))});
            country.cityWeights.add(city.at(1).toDouble());
        }
        v.countryWeights.add(o.value(QLatin1String("weight")).toDouble());
        v.countries.push_back(std::move(country));
    }
    v.emailDomains = strings(root.value(QLatin1String("email_domains")).toArray());
    v.petNames = strings(root.value(QLatin1String("pet_names")).toArray());

    // The catalogue: brand x product x size, priced within the category's range.
    const std::vector<std::string> brands = strings(root.value(QLatin1String("brands")).toArray());
    const QJsonArray sizes = root.value(QLatin1String("sizes")).toArray();
    int productNumber = 0;
    for (const QJsonValue &entry : root.value(QLatin1String("categories")).toArray()) {
        const QJsonObject o = entry.toObject();
        const size_t categoryIndex = v.categoryIds.size();
        v.categoryIds.push_back(utf8(o.value(QLatin1String("id"))));
        v.categoryNames.push_back(utf8(o.value(QLatin1String("name"))));
        v.categoryPets.push_back(utf8(o.value(QLatin1String("pet"))));
        v.skusByCategory.emplace_back();
        const QJsonArray priceRange = o.value(QLatin1String("price")).toArray();
        const qint64 low = priceRange.at(0).toInteger(), high = priceRange.at(1).toInteger();
        for (const QJsonValue &product : o.value(QLatin1String("products")).toArray()) {
            // Two brands carry each product line.
            for (int b = 0; b < 2; ++b) {
                ++productNumber;
                char productId[32];
                std::snprintf(productId, sizeof productId, "prod_%05d", productNumber);
                const qint64 base = random.between(low, std::max(low, high / 2));
                const int sizeCount = int(random.between(1, qint64(sizes.size())));
                for (int s = 0; s < sizeCount; ++s) {
                    char skuId[40];
                    std::snprintf(skuId, sizeof skuId, "sku_%05d_%d", productNumber, s + 1);
                    const qint64 price = std::min(high, base * sizes.at(s).toArray().at(1).toInteger() / 100);
                    // Prices end in 9 like shelf prices do.
                    const std::string productName = brands[size_t(productNumber * 7 + b) % brands.size()] + " "
                                                    + utf8(product);
                    const std::string skuName = productName + " (" + utf8(sizes.at(s).toArray().at(0)) + ")";
                    v.skus.push_back({skuId, productId, productName, skuName, std::max<qint64>(99, price / 10 * 10 + 9),
                                      categoryIndex});
                    v.skusByCategory.back().push_back(v.skus.size() - 1);
                }
            }
        }
    }
    return v;
}


// Relative demand by month (Christmas and Black Friday peaks, a summer dip) and weekday.
double seasonality(qint64 ms)
{
    static constexpr double monthWeight[12] = {0.85, 0.8, 0.9, 0.95, 1.0, 0.9, 0.85, 0.85, 0.95, 1.05, 1.35, 1.6};
    static constexpr double weekdayWeight[7] = {1.25, 0.9, 0.9, 0.95, 1.0, 1.1, 1.3}; // Thu..Wed from epoch
    const qint64 days = ms / DayMs;
    int y, m, d;
    CivilDate::civilFromDays(days, y, m, d);
    return monthWeight[m - 1] * weekdayWeight[days % 7];
}

// A thin RAII wrapper over one prepared statement of the bulk loader.
class Statement
{
public:
    Statement(sqlite3 *db, const char *sql) : m_db(db) { sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr); }
    ~Statement() { sqlite3_finalize(m_stmt); }
    bool valid() const { return m_stmt != nullptr; }
    void text(int i, const std::string &value) { sqlite3_bind_text(m_stmt, i, value.data(), int(value.size()), SQLITE_STATIC); }
    void text(int i, std::string &&) = delete; // bound without a copy: the string must outlive step()
    void text(int i, const char *value) { sqlite3_bind_text(m_stmt, i, value, -1, SQLITE_STATIC); }
    void integer(int i, qint64 value) { sqlite3_bind_int64(m_stmt, i, value); }
    void null(int i) { sqlite3_bind_null(m_stmt, i); }
    bool step()
    {
        const int rc = sqlite3_step(m_stmt);
        sqlite3_reset(m_stmt);
        return rc == SQLITE_DONE;
    }
    QString error() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
};

struct PlannedOrder
{
    qint64 at = 0;
    qint64 amount = 0;
    int firstItem = 0;
    int itemCount = 0;
    int channel = 0;
};

struct PlannedItem
{
    size_t sku = 0;
    int quantity = 1;
};

class Loader
{
public:
    Loader(sqlite3 *db, const DemoOptions &options, Vocabulary vocabulary, Random random)
        : m_db(db), m_options(options), m_v(std::move(vocabulary)), m_random(std::move(random))
    {
        m_end = QDateTime(options.asOf, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        m_start = m_end - 3 * 365 * DayMs - DayMs;
    }

    Status exec(const char *sql)
    {
        char *message = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            const QString text = QString::fromUtf8(message ? message : "unknown error");
            sqlite3_free(message);
            return Error{text, QString::fromUtf8(sql).left(60)};
        }
        return {};
    }

    Status loadCatalogue()
    {
        Statement category(m_db, "INSERT INTO categories(id, name) VALUES (?, ?)");
        Statement product(m_db, "INSERT INTO products(id, source_id, name, category_id, price, metadata, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)");
        Statement sku(m_db, "INSERT INTO skus(id, source_id, product_id, sku, price, metadata, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)");
        for (size_t c = 0; c < m_v.categoryIds.size(); ++c) {
            category.text(1, m_v.categoryIds[c]);
            category.text(2, m_v.categoryNames[c]);
            if (!category.step())
                return Error{category.error(), QStringLiteral("categories")};
        }
        std::string lastProduct;
        for (const Sku &s : m_v.skus) {
            if (s.productId != lastProduct) {
                lastProduct = s.productId;
                ++m_report.products;
                const std::string source = "P-" + s.productId.substr(5);
                const std::string metadata = "{\"pet\":\"" + m_v.categoryPets[s.category] + "\"}";
                product.text(1, s.productId);
                product.text(2, source);
                product.text(3, s.productName);
                product.text(4, m_v.categoryIds[s.category]);
                product.integer(5, s.price);
                product.text(6, metadata);
                product.integer(7, m_start);
                if (!product.step())
                    return Error{product.error(), QStringLiteral("products")};
            }
            ++m_report.skus;
            const std::string source = "S-" + s.id.substr(4);
            sku.text(1, s.id);
            sku.text(2, source);
            sku.text(3, s.productId);
            sku.text(4, source);
            sku.integer(5, s.price);
            const std::string skuMetadata = "{\"name\":\"" + s.skuName + "\"}";
            sku.text(6, skuMetadata);
            sku.integer(7, m_start);
            if (!sku.step())
                return Error{sku.error(), QStringLiteral("skus")};
        }
        return {};
    }

    Status loadCustomers(const DemoProgress &progress)
    {
        Statement customer(m_db,
            "INSERT INTO customers(id, source_id, name, email, phone, birthdate, address_city, address_country, "
            "address_postal_code, loyalty_tier, tags, metadata, consent_email, consent_sms, consent_push, "
            "consents_updated_at, created_at, updated_at, orders_count, total_spent, last_order_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18, ?19, ?20)");
        Statement order(m_db,
            "INSERT INTO orders(id, source_id, customer_id, status, amount, discount_amount, items_count, channel, "
            "metadata, created_at) VALUES (?, ?, ?, 'PAID', ?, 0, ?, ?, '{}', ?)");
        Statement item(m_db,
            "INSERT INTO order_items(order_id, line_no, sku_id, product_id, quantity, price, amount) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)");
        Statement event(m_db, "INSERT INTO customer_events(customer_id, type, created_at, metadata) VALUES (?, ?, ?, ?)");
        if (!customer.valid() || !order.valid() || !item.valid() || !event.valid())
            return Error{QString::fromUtf8(sqlite3_errmsg(m_db)), QStringLiteral("prepare")};

        static const char *channels[] = {"web", "store", "app"};
        static const char *petTypes[] = {"dog", "cat", "dog", "cat", "dog", "small", "bird", "fish"};
        const qint64 members = demoMemberCount(m_options.size);
        const qint64 span = m_end - m_start;
        std::vector<PlannedOrder> orders;
        std::vector<PlannedItem> items;
        std::vector<qint64> times;
        int lastPercent = -1;
        char buffer[7][160];

        for (qint64 n = 1; n <= members; ++n) {
            // Sign-up: half uniform over three years, half skewed to recent growth.
            const double u = m_random.uniform();
            const double position = m_random.chance(0.5) ? u : std::sqrt(u);
            const qint64 createdAt = m_start + qint64(position * double(span - DayMs));

            const Country &country = m_v.countries[m_v.countryWeights.pick(m_random)];
            const City &city = country.cities[country.cityWeights.pick(m_random)];
            const size_t first = size_t(m_random.below(qint64(m_v.firstNames.size())));
            const size_t last = size_t(m_random.below(qint64(m_v.lastNames.size())));
            const char *pet = petTypes[m_random.below(8)];

            // Long-tailed purchase rate (orders per year); some members never buy.
            const bool buyer = m_random.chance(0.86);
            const double rate = buyer ? std::exp(0.78 + 1.0 * m_random.normal()) : 0.0;
            const double years = double(m_end - createdAt) / double(365 * DayMs);
            const qint64 orderCount = std::min<qint64>(400, m_random.poisson(rate * years));

            // Home category for this member's pet: repeat buyers restock it.
            size_t home = 0;
            for (size_t c = 0; c < m_v.categoryPets.size(); ++c)
                if (m_v.categoryPets[c] == pet) { home = c; break; }

            orders.clear();
            items.clear();
            times.clear();
            while (qint64(times.size()) < orderCount) {
                const qint64 t = createdAt + m_random.below(m_end - createdAt);
                // A time of day by trading hours; never before the member signed up.
                if (m_random.uniform() * 2.1 < seasonality(t))
                    times.push_back(std::max(createdAt, t - t % DayMs + hourOfDayMs()));
            }
            std::sort(times.begin(), times.end());
            const size_t favourite = m_v.skusByCategory[home][size_t(m_random.below(qint64(m_v.skusByCategory[home].size())))];
            qint64 totalSpent = 0;
            for (qint64 t : times) {
                PlannedOrder o;
                o.at = std::min(t, m_end - 1);
                o.firstItem = int(items.size());
                o.channel = int(m_random.chance(0.55) ? 0 : (m_random.chance(0.78) ? 1 : 2));
                int lines = 1;
                while (lines < 8 && m_random.chance(0.45))
                    ++lines;
                for (int l = 0; l < lines; ++l) {
                    PlannedItem it;
                    if (l == 0 && m_random.chance(0.6)) {
                        it.sku = favourite;
                    } else {
                        const size_t category = m_random.chance(0.5) ? home : size_t(m_random.below(qint64(m_v.categoryIds.size())));
                        const auto &pool = m_v.skusByCategory[category];
                        it.sku = pool[size_t(m_random.below(qint64(pool.size())))];
                    }
                    it.quantity = m_random.chance(0.8) ? 1 : (m_random.chance(0.75) ? 2 : 3);
                    o.amount += m_v.skus[it.sku].price * it.quantity;
                    items.push_back(it);
                }
                o.itemCount = lines;
                totalSpent += o.amount;
                orders.push_back(o);
            }

            // customers
            std::snprintf(buffer[1], sizeof buffer[1], "PS%08lld", static_cast<long long>(n * 7 + 1000));
            const std::string name = m_v.firstNames[first] + " " + m_v.lastNames[last];
            std::snprintf(buffer[2], sizeof buffer[2], "%s.%s%lld@%s", m_v.firstAscii[first].c_str(),
                          m_v.lastAscii[last].c_str(), static_cast<long long>(n % 997),
                          m_v.emailDomains[size_t(m_random.below(qint64(m_v.emailDomains.size())))].c_str());
            std::snprintf(buffer[3], sizeof buffer[3], "%s%07lld", country.phonePrefix.c_str(),
                          static_cast<long long>(m_random.below(10'000'000)));
            const bool knownBirthdate = m_random.chance(0.85);
            {
                int y, m, d;
                CivilDate::civilFromDays(m_end / DayMs - 365 * m_random.between(18, 80) - m_random.below(365), y, m, d);
                std::snprintf(buffer[4], sizeof buffer[4], "%04d-%02d-%02d", y, m, d);
            }
            std::snprintf(buffer[5], sizeof buffer[5], "%s %lld", city.postalPrefix.c_str(),
                          static_cast<long long>(m_random.between(1, 99)));
            const char *tier = totalSpent >= 100'000 ? "gold" : totalSpent >= 30'000 ? "silver" : "bronze";
            std::string tags = std::string("[\"") + pet + "-owner\"";
            if (m_random.chance(0.005))
                tags += ",\"staff\"";
            if (m_random.chance(0.08))
                tags += ",\"newsletter\"";
            tags += "]";
            std::snprintf(buffer[6], sizeof buffer[6], "{\"pet_type\":\"%s\",\"pet_name\":\"%s\",\"signup_channel\":\"%s\"}",
                          pet, m_v.petNames[size_t(m_random.below(qint64(m_v.petNames.size())))].c_str(),
                          channels[m_random.below(3)]);
            const bool email = m_random.chance(0.62), sms = m_random.chance(0.27), push = m_random.chance(0.35);

            customer.integer(1, n);
            customer.text(2, buffer[1]);
            customer.text(3, name);
            customer.text(4, buffer[2]);
            customer.text(5, buffer[3]);
            if (knownBirthdate) customer.text(6, buffer[4]); else customer.null(6);
            customer.text(7, city.name);
            customer.text(8, country.code);
            customer.text(9, buffer[5]);
            customer.text(10, tier);
            customer.text(11, tags);
            customer.text(12, buffer[6]);
            customer.integer(13, email);
            customer.integer(14, sms);
            customer.integer(15, push);
            customer.integer(16, createdAt + m_random.below(30) * DayMs);
            customer.integer(17, createdAt);
            customer.integer(18, qint64(orders.size()));
            customer.integer(19, totalSpent);
            if (orders.empty()) customer.null(20); else customer.integer(20, orders.back().at);
            if (!customer.step())
                return Error{customer.error(), QStringLiteral("customers")};
            ++m_report.customers;

            event.integer(1, n);
            event.text(2, "sign_up");
            event.integer(3, createdAt);
            const std::string signupMetadata = std::string("{\"channel\":\"") + channels[m_random.below(3)] + "\"}";
            event.text(4, signupMetadata);
            if (!event.step())
                return Error{event.error(), QStringLiteral("customer_events")};
            ++m_report.events;

            for (const PlannedOrder &o : orders) {
                ++m_report.orders;
                std::snprintf(buffer[5], sizeof buffer[5], "SO%09lld", static_cast<long long>(m_report.orders * 3 + 17));
                order.integer(1, m_report.orders);
                order.text(2, buffer[5]);
                order.integer(3, n);
                order.integer(4, o.amount);
                order.integer(5, o.itemCount);
                order.text(6, channels[o.channel]);
                order.integer(7, o.at);
                if (!order.step())
                    return Error{order.error(), QStringLiteral("orders")};
                for (int l = 0; l < o.itemCount; ++l) {
                    const PlannedItem &it = items[size_t(o.firstItem + l)];
                    const Sku &s = m_v.skus[it.sku];
                    item.integer(1, m_report.orders);
                    item.integer(2, l + 1);
                    item.text(3, s.id);
                    item.text(4, s.productId);
                    item.integer(5, it.quantity);
                    item.integer(6, s.price);
                    item.integer(7, s.price * it.quantity);
                    if (!item.step())
                        return Error{item.error(), QStringLiteral("order_items")};
                    ++m_report.orderItems;
                }
            }

            // Abandoned carts: a third of members leave one now and then.
            if (m_random.chance(0.33)) {
                const qint64 count = m_random.between(1, 3);
                for (qint64 k = 0; k < count; ++k) {
                    const qint64 at = createdAt + m_random.below(m_end - createdAt);
                    std::snprintf(buffer[6], sizeof buffer[6], "{\"amount\":%lld,\"items_count\":%lld}",
                                  static_cast<long long>(m_random.between(500, 15000)),
                                  static_cast<long long>(m_random.between(1, 5)));
                    event.integer(1, n);
                    event.text(2, "cart_abandoned");
                    event.integer(3, at);
                    event.text(4, buffer[6]);
                    if (!event.step())
                        return Error{event.error(), QStringLiteral("customer_events")};
                    ++m_report.events;
                }
            }

            const int percent = int(n * 90 / members);
            if (percent != lastPercent) {
                lastPercent = percent;
                if (progress && !progress(percent))
                    return Error{QStringLiteral("cancelled"), {}};
            }
        }
        return {};
    }

    const DemoReport &report() const { return m_report; }

private:
    qint64 hourOfDayMs()
    {
        static constexpr double weights[24] = {0.1, 0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.5, 0.8, 1.0, 1.1, 1.2,
                                               1.3, 1.2, 1.1, 1.1, 1.2, 1.3, 1.5, 1.6, 1.5, 1.1, 0.6, 0.3};
        static const Weighted hours = [] {
            Weighted w;
            for (double x : weights) w.add(x);
            return w;
        }();
        return qint64(hours.pick(m_random)) * 3'600'000 + m_random.below(3'600'000);
    }

    sqlite3 *m_db;
    DemoOptions m_options;
    Vocabulary m_v;
    Random m_random;
    qint64 m_start = 0;
    qint64 m_end = 0;
    DemoReport m_report;
};

struct SqliteHandle
{
    sqlite3 *db = nullptr;
    ~SqliteHandle() { if (db) sqlite3_close_v2(db); }
};

Result<DemoReport> fill(const QString &file, const DemoOptions &options, const DemoProgress &progress)
{
    Random random(options.seed);
    auto vocabulary = loadVocabulary(random);
    if (!vocabulary)
        return vocabulary.error();

    SqliteHandle handle;
    // One thread owns this handle: no mutexes needed.
    if (sqlite3_open_v2(file.toUtf8().constData(), &handle.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr)
        != SQLITE_OK)
        return Error{QString::fromUtf8(sqlite3_errmsg(handle.db)), file};

    QElapsedTimer timer;
    timer.start();
    Loader loader(handle.db, options, std::move(vocabulary).value(), random);
    // The file is private until renamed, so the load needs no journal; indexes are
    // dropped during the load and rebuilt after it (a sorted build beats row-by-row).
    for (const char *pragma : {"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA locking_mode = EXCLUSIVE",
                               "PRAGMA cache_size = -1048576", "PRAGMA temp_store = MEMORY",
                               "PRAGMA threads = 2",
                               // The generator's rows are valid by construction, and the
                               // determinism test runs integrity_check (which checks every
                               // CHECK constraint) over a generated file.
                               "PRAGMA ignore_check_constraints = ON"}) {
        if (Status s = loader.exec(pragma); !s)
            return s.error();
    }
    std::vector<std::string> indexSql;
    {
        sqlite3_stmt *stmt = nullptr;
        sqlite3_prepare_v2(handle.db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
                           -1, &stmt, nullptr);
        std::vector<std::string> names;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            names.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
            indexSql.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1)));
        }
        sqlite3_finalize(stmt);
        for (const std::string &name : names) {
            if (Status s = loader.exec(("DROP INDEX \"" + name + "\"").c_str()); !s)
                return s.error();
        }
    }
    if (Status s = loader.exec("BEGIN"); !s)
        return s.error();
    if (Status s = loader.loadCatalogue(); !s)
        return s.error();
    if (Status s = loader.loadCustomers(progress); !s)
        return s.error();
    if (Status s = loader.exec("COMMIT"); !s)
        return s.error();
    DemoReport report = loader.report();
    report.loadMs = timer.elapsed();

    for (size_t i = 0; i < indexSql.size(); ++i) {
        if (Status s = loader.exec(indexSql[i].c_str()); !s)
            return s.error();
        if (progress && !progress(90 + int((i + 1) * 9 / indexSql.size())))
            return Error{QStringLiteral("cancelled"), {}};
    }
    // Statistics for the planner from a sample of each index: seconds saved on large.
    if (Status s = loader.exec("PRAGMA analysis_limit = 2000; ANALYZE"); !s)
        return s.error();
    report.indexMs = timer.elapsed() - report.loadMs;
    if (progress)
        progress(100); // done: nothing left to cancel
    for (const char *pragma : {"PRAGMA locking_mode = NORMAL", "PRAGMA journal_mode = WAL"}) {
        if (Status s = loader.exec(pragma); !s)
            return s.error();
    }
    return report;
}

} // namespace

Result<DemoReport> generateDemo(const QString &path, const DemoOptions &options, const DemoProgress &progress)
{
    QElapsedTimer timer;
    timer.start();
    if (QFileInfo::exists(path))
        return Error{QStringLiteral("a file already exists there; choose another name or remove it first"), path};
    const QString side = path + QStringLiteral(".generating");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(side + suffix);

    const QString name = options.name.isEmpty() ? QStringLiteral("Pawsome Pets loyalty club (demo)") : options.name;
    auto created = Workspace::create(side, options.kind, name);
    if (!created)
        return Error{created.error().message, path};

    // With a populate stage the data takes the first 60 % of the progress.
    const DemoProgress loadProgress = !options.populate || !progress
                                          ? progress
                                          : DemoProgress([&progress](int percent) { return progress(percent * 6 / 10); });
    auto filled = fill(side, options, loadProgress);
    if (filled && options.populate) {
        const DemoProgress populateProgress = !progress ? progress : DemoProgress([&progress](int percent) {
            return progress(60 + percent * 4 / 10);
        });
        if (Status s = options.populate(side, populateProgress, filled.value()); !s)
            filled = s.error();
    }
    if (filled) {
        // Meta rows the dashboard shows: where the demo came from.
        SqliteHandle handle;
        if (sqlite3_open_v2(side.toUtf8().constData(), &handle.db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
            Statement meta(handle.db, "INSERT OR REPLACE INTO workspace_meta(key, value) VALUES (?, ?)");
            const std::string seed = std::to_string(options.seed);
            const std::string asOf = options.asOf.toString(Qt::ISODate).toStdString();
            for (const auto &[key, value] : {std::pair{"demo_seed", seed}, std::pair{"demo_as_of", asOf}}) {
                meta.text(1, key);
                meta.text(2, value);
                meta.step();
            }
            sqlite3_exec(handle.db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
        }
    }
    if (!filled) {
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(side + suffix);
        return Error{filled.error().message, path};
    }
    QFile::remove(side + QStringLiteral("-wal"));
    QFile::remove(side + QStringLiteral("-shm"));
    if (!QFile::rename(side, path)) {
        QFile::remove(side);
        return Error{QStringLiteral("cannot move the generated workspace into place"), path};
    }
    DemoReport report = filled.value();
    report.totalMs = timer.elapsed();
    return report;
}

} // namespace PromoDesk::Store
