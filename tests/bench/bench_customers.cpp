// bench_customers WORKSPACE
//
// Times the customer list's queries (CustomerRepository, one read-only connection, as
// the table model's loader uses them) for every sort and direction, and prints a table.
// Prints figures only; it never fails on time.

#include "store/connection.h"
#include "store/customerrepository.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

#include <cstdio>
#include <functional>
#include <optional>

using namespace PromoDesk;
using namespace PromoDesk::Store;

namespace {

constexpr int PageSize = 200; // CustomerTableModel::PageSize
constexpr qint64 WalkRows = 20'000;

struct Timing
{
    double ms = 0;
    bool ok = true;
};

// Runs `fn` once and returns its wall time in milliseconds; a failure is printed.
Timing timed(const char *what, const std::function<Status()> &fn)
{
    QElapsedTimer timer;
    timer.start();
    const Status status = fn();
    Timing timing{double(timer.nsecsElapsed()) / 1e6, status.ok()};
    if (!status)
        std::fprintf(stderr, "bench_customers: %s: %s\n", what, status.error().toString().toLocal8Bit().constData());
    return timing;
}

CustomerQuery makeQuery(CustomerSort sort, bool descending, const QString &search = {})
{
    CustomerQuery query;
    query.sort = sort;
    query.descending = descending;
    query.search = search;
    return query;
}

// The page starting at `position`: the key just before it, then one seek.
Status pageAt(CustomerRepository &repository, const CustomerQuery &query, qint64 position)
{
    std::optional<CustomerKey> after;
    if (position > 0) {
        auto key = repository.keyAt(query, position - 1);
        if (!key)
            return key.error();
        after = key.value();
    }
    auto rows = repository.pageAfter(query, after, PageSize);
    if (!rows)
        return rows.error();
    return {};
}

QString cell(const Timing &timing, int width = 10)
{
    return (timing.ok ? QString::number(timing.ms, 'f', 2) : QStringLiteral("error")).rightJustified(width);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.size() != 1 || arguments.constFirst() == QLatin1String("--help")) {
        std::fputs("usage: bench_customers WORKSPACE\n", arguments.size() == 1 ? stdout : stderr);
        return arguments.size() == 1 ? 0 : 2;
    }
    const QString path = arguments.constFirst();
    auto opened = Connection::open(path, Connection::Access::ReadOnly);
    if (!opened) {
        std::fprintf(stderr, "bench_customers: %s\n", opened.error().toString().toLocal8Bit().constData());
        return 1;
    }
    Connection &connection = *opened.value();
    CustomerRepository repository(connection);

    qint64 total = 0;
    const Timing firstCount = timed("count", [&] {
        auto count = repository.count(CustomerQuery{});
        if (!count)
            return Status(count.error());
        total = count.value();
        return Status();
    });
    if (!firstCount.ok)
        return 1;

    std::printf("bench_customers: %s\n", path.toLocal8Bit().constData());
    std::printf("  %lld customers, %.1f MB, %d cores, pages of %d rows; times in ms (first count, cold: %.2f)\n\n",
                static_cast<long long>(total), double(QFileInfo(path).size()) / (1024.0 * 1024.0),
                QThread::idealThreadCount(), PageSize, firstCount.ms);
    std::printf("  %-20s %10s %10s %10s %10s %12s %10s %8s\n", "sort", "count(*)", "first pg", "50% pg", "last pg",
                "walk rows/s", "'smi' cnt", "matches");

    const QList<std::pair<const char *, CustomerSort>> sorts = {{"name", CustomerSort::Name},
                                                                {"created_at", CustomerSort::CreatedAt},
                                                                {"orders_count", CustomerSort::OrdersCount},
                                                                {"total_spent", CustomerSort::TotalSpent},
                                                                {"last_order_at", CustomerSort::LastOrderAt}};
    for (const auto &[name, sort] : sorts) {
        for (const bool descending : {false, true}) {
            const CustomerQuery query = makeQuery(sort, descending);
            const Timing count = timed("count", [&] {
                auto c = repository.count(query);
                return c ? Status() : Status(c.error());
            });
            const Timing first = timed("first page", [&] { return pageAt(repository, query, 0); });
            const Timing middle = timed("50% page", [&] { return pageAt(repository, query, total / 2); });
            const Timing last = timed("last page",
                                      [&] { return pageAt(repository, query, std::max<qint64>(0, total - PageSize)); });

            qint64 walked = 0;
            const Timing walk = timed("walk", [&] {
                std::optional<CustomerKey> after;
                while (walked < WalkRows) {
                    auto rows = repository.pageAfter(query, after, PageSize);
                    if (!rows)
                        return Status(rows.error());
                    walked += rows.value().size();
                    if (rows.value().size() < PageSize)
                        break;
                    after = rows.value().constLast().key();
                }
                return Status();
            });
            const double rowsPerSecond = walk.ms > 0 ? double(walked) * 1000.0 / walk.ms : 0;

            qint64 matches = 0;
            const Timing search = timed("search", [&] {
                auto c = repository.count(makeQuery(sort, descending, QStringLiteral("smi")));
                if (!c)
                    return Status(c.error());
                matches = c.value();
                return Status();
            });

            const QString label = QString::fromLatin1(name) + (descending ? QStringLiteral(" desc") : QStringLiteral(" asc"));
            std::printf("  %-20s %s %s %s %s %12s %s %8lld\n", label.toLocal8Bit().constData(),
                        qPrintable(cell(count)), qPrintable(cell(first)), qPrintable(cell(middle)),
                        qPrintable(cell(last)),
                        walk.ok ? qPrintable(QString::number(qint64(rowsPerSecond))) : "error",
                        qPrintable(cell(search)), static_cast<long long>(matches));
        }
    }
    return 0;
}
