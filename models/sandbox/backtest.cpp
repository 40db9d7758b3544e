#include "backtest.h"

#include "common/ids.h"
#include "engine/campaignjson.h"
#include "engine/engine.h"
#include "engine/schedule.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/schema.h"
#include "store/simulationdata.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QThread>
#include <QTimeZone>

#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace PromoDesk::Sandbox {

namespace {

constexpr qint64 DayMs = 24 * 3600 * 1000;
// Orders a worker takes at a time: small enough to balance two cores, large enough that
// taking one costs nothing.
constexpr int ChunkSize = 256;

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

qint64 dayOf(qint64 at)
{
    return (at >= 0 ? at / DayMs : (at - DayMs + 1) / DayMs) * DayMs;
}

// What the draft would do with one order on its own (no limits, no budget).
struct Outcome
{
    bool applicable = false;
    qint64 discount = 0; // discount plus gift credits: what a budget counts
    qint64 amount = 0;
    QString failureKey;
};

// A count in the current calendar period (the replay runs in time order, so a new
// period simply restarts the count).
struct PeriodCount
{
    qint64 periodStart = std::numeric_limits<qint64>::min();
    qint64 count = 0;

    qint64 &at(Engine::Period period, const QTimeZone &zone, qint64 now)
    {
        const qint64 start = period == Engine::Period::Total ? 0 : Engine::periodContaining(period, zone, now).start;
        if (start != periodStart) {
            periodStart = start;
            count = 0;
        }
        return count;
    }
};

} // namespace

QJsonObject BacktestResult::toJson() const
{
    QJsonObject failureCounts;
    for (auto it = failures.cbegin(); it != failures.cend(); ++it)
        failureCounts.insert(it.key(), it.value());
    QJsonObject overlapCounts;
    for (auto it = overlap.cbegin(); it != overlap.cend(); ++it)
        overlapCounts.insert(it.key(), it.value());
    QJsonArray days;
    for (const BacktestDay &d : daily)
        days.append(QJsonObject{{QStringLiteral("date"), QDateTime::fromMSecsSinceEpoch(d.dayStart, QTimeZone::utc())
                                                              .date()
                                                              .toString(Qt::ISODate)},
                                {QStringLiteral("orders"), d.orders},
                                {QStringLiteral("redemptions"), d.redemptions},
                                {QStringLiteral("discount_amount"), d.discount}});
    return {{QStringLiteral("from"), isoUtc(from)},
            {QStringLiteral("until"), isoUtc(until)},
            {QStringLiteral("orders"), orders},
            {QStringLiteral("redemptions"), redemptions},
            {QStringLiteral("customers"), customers},
            {QStringLiteral("discount_amount"), discount},
            {QStringLiteral("order_amount"), orderAmount},
            {QStringLiteral("budget_exhausted_at"), budgetExhaustedAt ? QJsonValue(isoUtc(*budgetExhaustedAt)) : QJsonValue()},
            {QStringLiteral("failures"), failureCounts},
            {QStringLiteral("overlap"), overlapCounts},
            {QStringLiteral("daily"), days},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("cancelled"), cancelled}};
}

Result<BacktestResult> backtest(const QString &workspacePath, const Engine::Campaign &draft, const BacktestOptions &options,
                                const std::function<bool(qint64 done, qint64 total)> &progress)
{
    QElapsedTimer timer;
    timer.start();
    if (options.days < 1)
        return Error{QStringLiteral("a backtest replays at least one day (%1)").arg(options.days), QStringLiteral("days")};
    if (options.threads < 0)
        return Error{QStringLiteral("the number of threads cannot be negative (%1)").arg(options.threads),
                     QStringLiteral("threads")};
    if (Status valid = Engine::validateCampaign(draft); !valid)
        return Error{QStringLiteral("the draft cannot be tried: %1").arg(valid.error().message), valid.error().where};

    // Read only, never migrated: an older file is refused rather than upgraded.
    auto info = Store::Workspace::inspect(workspacePath);
    if (!info)
        return info.error();
    if (info.value().schemaVersion < Store::Schema::currentVersion())
        return Error{QStringLiteral("the workspace has schema %1, older than this build's %2; open it once in PromoDesk "
                                    "to upgrade it, then backtest")
                         .arg(info.value().schemaVersion)
                         .arg(Store::Schema::currentVersion()),
                     workspacePath};
    auto opened = Store::Connection::open(workspacePath, Store::Connection::Access::ReadOnly);
    if (!opened)
        return opened.error();
    Store::Connection &main = *opened.value();
    Store::SimulationData data(main);

    qint64 until = options.until;
    if (until == 0) {
        auto newest = data.newestOrderTime();
        if (!newest)
            return newest.error();
        if (!newest.value())
            return Error{QStringLiteral("the workspace has no orders to replay"), workspacePath};
        until = *newest.value() + 1;
    }
    const qint64 from = until - qint64(options.days) * DayMs;
    auto loaded = data.ordersBetween(from, until);
    if (!loaded)
        return loaded.error();
    const QList<Store::ReplayOrder> orders = std::move(loaded).value();
    // Redemptions are stamped at their order's time; a day either side catches a shop
    // that redeems just before or after storing the order.
    auto linked = data.redeemedCampaigns(from - DayMs, until + DayMs);
    if (!linked)
        return linked.error();
    QHash<qint64, QStringList> redeemedBy;
    for (const auto &[order, campaign] : linked.value())
        redeemedBy[order].append(campaign);

    // A shared code's own redemption limit, as stored.
    qint64 sharedCodeLimit = draft.limits.perCode;
    if (!draft.standaloneCode.isEmpty()) {
        Store::CampaignStore store(main);
        auto code = store.findCode(draft.standaloneCode);
        if (!code)
            return code.error();
        if (code.value() && code.value()->campaignId == draft.id && code.value()->redemptionQuantity > 0)
            sharedCodeLimit = code.value()->redemptionQuantity;
    }

    // Each order is tried alone, without limits and without stored usage (a fresh code, no
    // counters): the limits and budgets are applied below, in order time, in memory.
    Engine::Campaign trial = draft;
    trial.limits = Engine::Limits();
    trial.standaloneCode.clear();

    const qint64 total = orders.size();
    const int chunks = int((total + ChunkSize - 1) / ChunkSize);
    int threads = options.threads > 0 ? options.threads : std::max(1, QThread::idealThreadCount());
    threads = std::max(1, std::min(threads, chunks));
    std::vector<Outcome> outcomes(static_cast<size_t>(total));
    std::unique_ptr<std::atomic<bool>[]> chunkDone(new std::atomic<bool>[size_t(std::max(chunks, 1))]);
    for (int c = 0; c < chunks; ++c)
        chunkDone[size_t(c)] = false;
    std::atomic<int> nextChunk{0};
    std::atomic<qint64> doneOrders{0};
    std::atomic<bool> stop{false};
    std::mutex errorLock;
    std::optional<Error> firstError;
    auto report = [&](const Error &error) {
        std::lock_guard lock(errorLock);
        if (!firstError)
            firstError = error;
        stop = true;
    };

    auto work = [&]() {
        // SQL connections belong to the thread that opened them.
        auto connection = Store::Connection::open(workspacePath, Store::Connection::Access::ReadOnly);
        if (!connection) {
            report(connection.error());
            return;
        }
        Engine::CampaignEngine engine(*connection.value());
        Store::SimulationData reader(*connection.value());
        while (!stop) {
            const int chunk = nextChunk++;
            if (chunk >= chunks)
                return;
            const qint64 end = std::min(total, qint64(chunk + 1) * ChunkSize);
            for (qint64 i = qint64(chunk) * ChunkSize; i < end; ++i) {
                const Store::ReplayOrder &order = orders[i];
                auto items = reader.orderItems(order.id);
                if (!items) {
                    report(items.error());
                    return;
                }
                Engine::Request request;
                if (order.customerId)
                    request.customer = Ids::make(Ids::Customer, order.customerId);
                request.order.channel = order.channel;
                request.order.items = std::move(items).value();
                request.now = order.createdAt;
                auto tried = engine.tryCampaign(trial, request);
                if (!tried) {
                    report(tried.error());
                    return;
                }
                const Engine::Validation &v = tried.value();
                Outcome &out = outcomes[size_t(i)];
                out.amount = v.amount();
                out.applicable = !v.applicable.isEmpty();
                for (const Engine::RedeemableResult &r : v.applicable)
                    out.discount += r.applied.total + r.giftCredits;
                if (!out.applicable) {
                    const QList<Engine::RedeemableResult> &refused = v.inapplicable.isEmpty() ? v.skipped : v.inapplicable;
                    out.failureKey = refused.isEmpty() ? QStringLiteral("order_rules_violated") : refused.constFirst().failureKey;
                }
            }
            doneOrders += end - qint64(chunk) * ChunkSize;
            chunkDone[size_t(chunk)] = true;
        }
    };

    BacktestResult result;
    result.from = from;
    result.until = until;
    // Workers (even a single one) run off the caller's thread, which reports progress
    // and passes on a cancel.
    std::vector<std::unique_ptr<QThread>> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back(QThread::create(work));
        workers.back()->start();
    }
    for (;;) {
        bool running = false;
        for (const auto &worker : workers)
            running = running || !worker->isFinished();
        if (!running)
            break;
        workers.front()->wait(QDeadlineTimer(100));
        if (progress && !stop && !progress(doneOrders.load(), total)) {
            result.cancelled = true;
            stop = true;
        }
    }
    for (const auto &worker : workers)
        worker->wait();
    if (firstError)
        return *firstError;
    // A cancelled replay keeps the orders before the first chunk not tried.
    qint64 replayed = total;
    if (result.cancelled) {
        int c = 0;
        while (c < chunks && chunkDone[size_t(c)])
            ++c;
        replayed = std::min(total, qint64(c) * ChunkSize);
    }

    // The merge: the draft's limits and budgets, in order time.
    const Engine::Limits &limits = draft.limits;
    const QTimeZone zone = draft.zone();
    const bool oncePerCustomer = limits.joinOnce
                                 && (draft.type == Engine::CampaignType::Promotion || !draft.standaloneCode.isEmpty());
    const qint64 customerLimit = oncePerCustomer ? 1 : limits.perCustomer;
    const Engine::Period customerPeriod = oncePerCustomer ? Engine::Period::Total : limits.perCustomerPeriod;
    const bool sharedCode = draft.hasCodes() && !draft.standaloneCode.isEmpty();
    const bool uniqueCodes = draft.hasCodes() && draft.standaloneCode.isEmpty();
    QHash<qint64, PeriodCount> perCustomer;
    QHash<qint64, qint64> perCustomerCode; // unique codes: each member holds one, reused
    PeriodCount perCampaign;
    qint64 sharedCodeUses = 0;
    qint64 budgetRedemptions = 0;
    qint64 budgetDiscount = 0;
    QSet<qint64> customers;

    const qint64 firstDay = dayOf(from);
    const qint64 lastDay = dayOf(until - 1);
    for (qint64 day = firstDay; day <= lastDay; day += DayMs)
        result.daily.append(BacktestDay{day, 0, 0, 0});
    auto exhausted = [&result](qint64 at) {
        if (!result.budgetExhaustedAt)
            result.budgetExhaustedAt = at;
    };

    for (qint64 i = 0; i < replayed; ++i) {
        const Store::ReplayOrder &order = orders[i];
        const Outcome &out = outcomes[size_t(i)];
        BacktestDay &day = result.daily[int((dayOf(order.createdAt) - firstDay) / DayMs)];
        ++result.orders;
        ++day.orders;
        if (!out.applicable) {
            ++result.failures[out.failureKey];
            continue;
        }
        const qint64 at = order.createdAt;
        // The engine's order of checks: the code's own limit, a known customer, per
        // customer, per campaign, then the budgets.
        QString refusal;
        const qint64 codeLimit = sharedCode ? sharedCodeLimit : limits.perCode;
        if (sharedCode && codeLimit > 0 && sharedCodeUses >= codeLimit)
            refusal = QStringLiteral("quantity_exceeded");
        else if (uniqueCodes && codeLimit > 0 && order.customerId && perCustomerCode.value(order.customerId) >= codeLimit)
            refusal = QStringLiteral("quantity_exceeded");
        else if (customerLimit > 0 && !order.customerId)
            refusal = QStringLiteral("missing_customer");
        else if (customerLimit > 0 && perCustomer[order.customerId].at(customerPeriod, zone, at) >= customerLimit)
            refusal = QStringLiteral("redemption_rules_violated");
        else if (limits.perCampaign > 0 && perCampaign.at(limits.perCampaignPeriod, zone, at) >= limits.perCampaign)
            refusal = QStringLiteral("redemption_rules_violated");
        else if (limits.budgetRedemptions > 0 && budgetRedemptions >= limits.budgetRedemptions) {
            refusal = QStringLiteral("redemption_rules_violated");
            exhausted(at);
        } else if (limits.budgetDiscount > 0
                   && (budgetDiscount >= limits.budgetDiscount || out.discount > limits.budgetDiscount - budgetDiscount)) {
            // An order that would overrun the budget is refused, not trimmed (as the engine does).
            refusal = QStringLiteral("redemption_rules_violated");
            exhausted(at);
        }
        if (!refusal.isEmpty()) {
            ++result.failures[refusal];
            continue;
        }
        if (sharedCode)
            ++sharedCodeUses;
        if (uniqueCodes && order.customerId)
            ++perCustomerCode[order.customerId];
        if (customerLimit > 0)
            ++perCustomer[order.customerId].at(customerPeriod, zone, at);
        if (limits.perCampaign > 0)
            ++perCampaign.at(limits.perCampaignPeriod, zone, at);
        ++budgetRedemptions;
        budgetDiscount += out.discount;
        if ((limits.budgetRedemptions > 0 && budgetRedemptions >= limits.budgetRedemptions)
            || (limits.budgetDiscount > 0 && budgetDiscount >= limits.budgetDiscount))
            exhausted(at); // this order took the last of it

        ++result.redemptions;
        result.discount += out.discount;
        result.orderAmount += out.amount;
        ++day.redemptions;
        day.discount += out.discount;
        if (order.customerId)
            customers.insert(order.customerId);
        const auto other = redeemedBy.constFind(order.id);
        if (other != redeemedBy.constEnd()) {
            for (const QString &campaign : *other) {
                if (campaign != draft.id)
                    ++result.overlap[campaign];
            }
        }
    }
    result.customers = customers.size();
    if (progress && !result.cancelled)
        progress(total, total);
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

} // namespace PromoDesk::Sandbox
