// Limits and budgets under concurrent redeemers (DESIGN.md, "Limits and budgets are
// enforced atomically"): threads with their own connections, separate promodesk-cli
// processes, and a redeemer killed mid-run. No assertion here depends on timing.
//
// The test binary doubles as the killed redeemer: `tst_concurrency --redeem-loop FILE`
// redeems in a loop and prints "ack red_N" after each committed redemption.

#include "testsupport.h"

#include "common/ids.h"
#include "engine/engine.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QTimeZone>
#include <QtTest/QtTest>

#include <cstdio>
#include <functional>
#include <memory>

using namespace PromoDesk;
using namespace PromoDesk::Engine;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

const qint64 T0 = QDateTime(QDate(2026, 3, 10), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();

constexpr int LimitK = 25;             // redemptions of LIMITED
constexpr qint64 BudgetB = 10000;      // discount budget of BUDGET's campaign, cents
constexpr qint64 BudgetDiscount = 700; // what each BUDGET redemption takes off: 14 fit, the 15th does not
constexpr int Customers = 8;

const QString Limited = u"LIMITED"_s;
const QString Budget = u"BUDGET"_s;
const QString Loop = u"LOOP"_s;

Campaign coupon(const QString &id, const QString &code, qint64 amountOff)
{
    Campaign c;
    c.id = id;
    c.name = u"Campaign "_s + id;
    c.type = CampaignType::DiscountCoupons;
    c.status = CampaignStatus::Active;
    c.discount.type = DiscountType::Amount;
    c.discount.amountOff = amountOff;
    c.standaloneCode = code;
    return c;
}

// A fresh workspace with the three campaigns and a few customers; "" or what failed.
QString createWorkspace(const QString &path)
{
    auto created = Store::Workspace::create(path, Store::WorkspaceKind::Production);
    if (!created)
        return created.error().toString();
    auto opened = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    if (!opened)
        return opened.error().toString();
    Store::Connection &connection = *opened.value();
    if (Status s = Store::Workspace::configureForWriting(connection); !s)
        return s.error().toString();
    QSqlQuery q(connection.database());
    q.prepare(u"INSERT INTO customers(source_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)"_s);
    for (int i = 1; i <= Customers; ++i) {
        q.addBindValue(u"member-%1"_s.arg(i));
        q.addBindValue(u"Member %1"_s.arg(i));
        q.addBindValue(T0 - 100LL * 24 * 3600 * 1000);
        q.addBindValue(T0 - 100LL * 24 * 3600 * 1000);
        if (!q.exec())
            return q.lastError().text();
    }
    // The catalogue knows the SKU every order here holds.
    for (const auto &[sql, values] :
         {std::pair<QString, QVariantList>{u"INSERT INTO categories(id, name) VALUES (?, ?)"_s, {u"cat_1"_s, u"Toys"_s}},
          {u"INSERT INTO products(id, name, category_id, price, created_at) VALUES (?, ?, ?, ?, ?)"_s,
           {u"prod_1"_s, u"Rope tug"_s, u"cat_1"_s, 2500, T0}},
          {u"INSERT INTO skus(id, product_id, sku, price, created_at) VALUES (?, ?, ?, ?, ?)"_s,
           {u"sku_1"_s, u"prod_1"_s, u"TUG-1"_s, 2500, T0}}}) {
        if (Status s = execute(connection, sql, values); !s)
            return s.error().toString();
    }
    Campaign limited = coupon(u"camp_limited"_s, Limited, 500);
    limited.limits.perCode = LimitK;
    Campaign budget = coupon(u"camp_budget"_s, Budget, BudgetDiscount);
    budget.limits.budgetDiscount = BudgetB;
    // The killed loop: every redemption moves the code counter and the campaign counters.
    Campaign loop = coupon(u"camp_loop"_s, Loop, 100);
    loop.limits.perCode = 1'000'000;
    loop.limits.budgetDiscount = 1'000'000'000;
    Store::CampaignStore store(connection);
    for (const Campaign &c : {limited, budget, loop}) {
        auto saved = store.saveCampaign(c, u"test"_s);
        if (!saved)
            return saved.error().toString();
    }
    return {};
}

Request redeemRequest(const QString &code, int customer, qint64 now)
{
    Request r;
    r.customer = u"member-%1"_s.arg(customer);
    r.order.sourceId = u"order-%1-%2"_s.arg(customer).arg(now);
    r.order.items = {{u"sku_1"_s, u"prod_1"_s, u"Toys"_s, 2, 2500}};
    r.redeemables = {{Redeemable::Object::Voucher, code, std::nullopt}};
    r.now = now;
    return r;
}

QByteArray redeemJson(const QString &code, int customer, int attempt)
{
    const QJsonObject request{
        {u"customer"_s, QJsonObject{{u"source_id"_s, u"member-%1"_s.arg(customer)}}},
        {u"order"_s, QJsonObject{{u"source_id"_s, u"cli-%1-%2"_s.arg(customer).arg(attempt)},
                                 {u"items"_s, QJsonArray{QJsonObject{{u"sku_id"_s, u"sku_1"_s},
                                                                     {u"quantity"_s, 2},
                                                                     {u"price"_s, 2500}}}}}},
        {u"redeemables"_s, QJsonArray{QJsonObject{{u"object"_s, u"voucher"_s}, {u"id"_s, code}}}},
        {u"now"_s, u"2026-03-10T12:00:00Z"_s}};
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

// The helper mode: redeem LOOP until killed, acknowledging each committed redemption.
int redeemLoop(const QString &path)
{
    auto opened = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
    if (!opened) {
        std::fprintf(stderr, "open: %s\n", qPrintable(opened.error().toString()));
        return 2;
    }
    if (Status s = Store::Workspace::configureForWriting(*opened.value()); !s) {
        std::fprintf(stderr, "configure: %s\n", qPrintable(s.error().toString()));
        return 2;
    }
    CampaignEngine engine(*opened.value());
    for (int i = 0; i < 1'000'000; ++i) {
        auto result = engine.redeem(redeemRequest(Loop, 1 + i % Customers, T0 + i));
        if (!result) {
            std::fprintf(stderr, "redeem: %s\n", qPrintable(result.error().toString()));
            return 3;
        }
        if (!result.value().valid || result.value().applicable.isEmpty()) {
            std::fprintf(stderr, "refused at %d\n", i);
            return 4;
        }
        std::printf("ack %s\n", qPrintable(Ids::make(Ids::Redemption, result.value().applicable[0].redemptionId)));
        std::fflush(stdout);
    }
    return 0;
}

struct Tally
{
    int attempts = 0;
    int successes = 0;
    int failures = 0;
    int errors = 0;
    int limitedSuccesses = 0;
    int budgetSuccesses = 0;
    qint64 budgetDiscount = 0;
    QStringList errorMessages;

    void add(const Tally &o)
    {
        attempts += o.attempts;
        successes += o.successes;
        failures += o.failures;
        errors += o.errors;
        limitedSuccesses += o.limitedSuccesses;
        budgetSuccesses += o.budgetSuccesses;
        budgetDiscount += o.budgetDiscount;
        errorMessages += o.errorMessages;
    }
    QString figures() const
    {
        return u"%1 attempts: %2 successes (%3 LIMITED, %4 BUDGET = %5 cents), %6 refused, %7 errors%8"_s.arg(attempts)
            .arg(successes)
            .arg(limitedSuccesses)
            .arg(budgetSuccesses)
            .arg(budgetDiscount)
            .arg(failures)
            .arg(errors)
            .arg(errorMessages.isEmpty() ? QString() : u" — first: "_s + errorMessages.constFirst());
    }
};

} // namespace

class TestConcurrency : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void threads();
    void processes();
    void killedRedeemer();

private:
    qint64 number(const QString &sql, const QVariantList &values = {});
    // The checks every scenario ends with; "" or what is wrong.
    void verifyLimitsAndBudget(const Tally &tally);
    void verifyIntegrity();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<Store::Connection> m_connection;
};

void TestConcurrency::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(u"concurrency.promodesk"_s);
    const QString created = createWorkspace(m_path);
    QVERIFY2(created.isEmpty(), qPrintable(created));
    auto opened = Store::Connection::open(m_path, Store::Connection::Access::ReadWrite);
    PD_VERIFY_OK(opened);
    m_connection = std::move(opened).value();
}

void TestConcurrency::cleanup()
{
    m_connection.reset();
    m_dir.reset();
}

qint64 TestConcurrency::number(const QString &sql, const QVariantList &values)
{
    auto value = scalar(*m_connection, sql, values);
    if (!value) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(value.error().toString()));
        return -1;
    }
    return value.value().toLongLong();
}

void TestConcurrency::verifyLimitsAndBudget(const Tally &tally)
{
    const QString figures = tally.figures();
    // No attempt ended in an error (a busy database would show here).
    QVERIFY2(tally.errors == 0, qPrintable(figures));
    QCOMPARE(tally.successes + tally.failures, tally.attempts);

    // Exactly K successes of the limited code, in the table and in the counter.
    QVERIFY2(tally.limitedSuccesses == LimitK, qPrintable(figures));
    QCOMPARE(number(u"SELECT count(*) FROM redemptions r JOIN codes c ON c.id = r.code_id "
                    "WHERE c.code = ? AND r.result = 'SUCCESS'"_s,
                    {Limited}),
             qint64(LimitK));
    QCOMPARE(number(u"SELECT redeemed_quantity FROM codes WHERE code = ?"_s, {Limited}), qint64(LimitK));

    // The budget holds and its counter agrees with the redemptions.
    const qint64 spent = number(u"SELECT ifnull(sum(discount_amount), 0) FROM redemptions "
                                "WHERE campaign_id = 'camp_budget' AND result = 'SUCCESS'"_s);
    QVERIFY2(spent <= BudgetB, qPrintable(u"%1 cents given from a budget of %2; %3"_s.arg(spent).arg(BudgetB).arg(figures)));
    QCOMPARE(spent, tally.budgetDiscount);
    QCOMPARE(spent, (BudgetB / BudgetDiscount) * BudgetDiscount); // it was used up, not merely respected
    QCOMPARE(number(u"SELECT discount FROM campaign_usage WHERE campaign_id = 'camp_budget' AND day = ''"_s), spent);
    QCOMPARE(number(u"SELECT redemptions FROM campaign_usage WHERE campaign_id = 'camp_budget' AND day = ''"_s),
             qint64(tally.budgetSuccesses));
    QCOMPARE(number(u"SELECT redeemed_quantity FROM codes WHERE code = ?"_s, {Budget}), qint64(tally.budgetSuccesses));

    // Every attempt is on record, once.
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE object = 'redemption'"_s), qint64(tally.attempts));
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE result = 'SUCCESS'"_s), qint64(tally.successes));
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE result = 'FAILURE'"_s), qint64(tally.failures));
    QCOMPARE(number(u"SELECT count(*) FROM redemptions WHERE result = 'FAILURE' AND (failure_code IS NULL "
                    "OR failure_message IS NULL)"_s),
             0);
    verifyIntegrity();
}

void TestConcurrency::verifyIntegrity()
{
    auto check = select(*m_connection, u"PRAGMA integrity_check"_s);
    PD_VERIFY_OK(check);
    QCOMPARE(check.value().size(), 1);
    QCOMPARE(check.value()[0][0].toString(), u"ok"_s);
    auto keys = select(*m_connection, u"PRAGMA foreign_key_check"_s);
    PD_VERIFY_OK(keys);
    QCOMPARE(keys.value().size(), 0);
}

void TestConcurrency::threads()
{
    constexpr int Threads = 8;
    constexpr int AttemptsPerThread = 40;
    QList<Tally> tallies(Threads);
    QSemaphore ready;
    QSemaphore go;
    QList<QThread *> workers;
    for (int t = 0; t < Threads; ++t) {
        Tally *tally = &tallies[t];
        const QString path = m_path;
        workers << QThread::create([tally, path, t, &ready, &go] {
            // Each thread has its own connection and engine on the same file.
            auto opened = Store::Connection::open(path, Store::Connection::Access::ReadWrite);
            std::unique_ptr<CampaignEngine> engine;
            if (opened) {
                if (Status s = Store::Workspace::configureForWriting(*opened.value()); !s)
                    tally->errorMessages << s.error().toString();
                engine = std::make_unique<CampaignEngine>(*opened.value());
            } else {
                tally->errorMessages << opened.error().toString();
            }
            ready.release();
            go.acquire();
            for (int i = 0; i < AttemptsPerThread; ++i) {
                ++tally->attempts;
                if (!engine) {
                    ++tally->errors;
                    continue;
                }
                const QString code = i % 2 ? Budget : Limited;
                auto result = engine->redeem(redeemRequest(code, 1 + t % Customers, T0 + i));
                if (!result) {
                    ++tally->errors;
                    tally->errorMessages << result.error().toString();
                } else if (result.value().valid) {
                    ++tally->successes;
                    if (code == Limited) {
                        ++tally->limitedSuccesses;
                    } else {
                        ++tally->budgetSuccesses;
                        tally->budgetDiscount += result.value().totalDiscount();
                    }
                } else {
                    ++tally->failures;
                }
            }
        });
    }
    for (QThread *worker : workers)
        worker->start();
    ready.acquire(Threads);
    go.release(Threads); // all start redeeming together
    for (QThread *worker : workers) {
        worker->wait();
        delete worker;
    }

    Tally total;
    for (const Tally &tally : tallies)
        total.add(tally);
    qInfo("threads: %d x %d: %s", Threads, AttemptsPerThread, qPrintable(total.figures()));
    QCOMPARE(total.attempts, Threads * AttemptsPerThread);
    verifyLimitsAndBudget(total);
}

void TestConcurrency::processes()
{
    QVERIFY2(QFileInfo(QStringLiteral(PROMODESK_CLI_PATH)).isExecutable(), PROMODESK_CLI_PATH);
    constexpr int Processes = 6;
    constexpr int RunsEach = 15;
    Tally total;

    QEventLoop loop;
    int running = Processes; // chains of runs not finished yet
    QList<int> runsDone(Processes, 0);
    QList<QProcess *> processes;
    std::function<void(int)> startRun = [&](int p) {
        QProcess *process = processes[p];
        const int run = runsDone[p];
        const QString code = run % 2 ? Budget : Limited;
        process->setProperty("code", code);
        process->setProgram(QStringLiteral(PROMODESK_CLI_PATH));
        process->setArguments({u"redeem"_s, u"--workspace"_s, m_path});
        process->start();
        process->write(redeemJson(code, 1 + p, run));
        process->closeWriteChannel();
    };
    for (int p = 0; p < Processes; ++p) {
        auto *process = new QProcess(this);
        processes << process;
        connect(process, &QProcess::finished, this, [&, p, process](int exitCode, QProcess::ExitStatus status) {
            ++total.attempts;
            const QString code = process->property("code").toString();
            const QByteArray out = process->readAllStandardOutput();
            const QByteArray err = process->readAllStandardError();
            const QJsonObject json = QJsonDocument::fromJson(out).object();
            const QString result = json.value(u"result"_s).toString();
            if (status == QProcess::NormalExit && exitCode == 0 && result == u"SUCCESS") {
                ++total.successes;
                if (code == Limited) {
                    ++total.limitedSuccesses;
                } else {
                    ++total.budgetSuccesses;
                    total.budgetDiscount +=
                        json.value(u"order"_s).toObject().value(u"total_discount_amount"_s).toInteger();
                }
            } else if (status == QProcess::NormalExit && exitCode == 1 && result == u"FAILURE") {
                ++total.failures;
            } else {
                ++total.errors;
                total.errorMessages << u"exit %1: %2"_s.arg(exitCode).arg(QString::fromUtf8(err).trimmed());
            }
            if (++runsDone[p] < RunsEach)
                QTimer::singleShot(0, this, [&startRun, p] { startRun(p); }); // not from inside finished()
            else if (--running == 0)
                loop.quit();
        });
        connect(process, &QProcess::errorOccurred, this, [&, p](QProcess::ProcessError error) {
            if (error != QProcess::FailedToStart)
                return;
            ++total.attempts;
            ++total.errors;
            total.errorMessages << u"could not start promodesk-cli"_s;
            runsDone[p] = RunsEach;
            if (--running == 0)
                loop.quit();
        });
    }
    for (int p = 0; p < Processes; ++p)
        startRun(p);
    loop.exec();
    qDeleteAll(processes);

    qInfo("processes: %d x %d runs of promodesk-cli redeem: %s", Processes, RunsEach, qPrintable(total.figures()));
    QCOMPARE(total.attempts, Processes * RunsEach);
    verifyLimitsAndBudget(total);
}

void TestConcurrency::killedRedeemer()
{
    m_connection.reset(); // the child is the only one writing
    QProcess child;
    child.setProgram(QCoreApplication::applicationFilePath());
    child.setArguments({u"--redeem-loop"_s, m_path});
    child.start();
    QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));

    // Let it run for about a second and at least a few dozen redemptions, then kill it.
    QByteArray out;
    QTest::qWait(1000);
    while (out.count('\n') < 50 && child.state() == QProcess::Running) {
        child.waitForReadyRead(1000);
        out += child.readAllStandardOutput();
    }
    QVERIFY2(child.state() == QProcess::Running,
             qPrintable(u"the redeemer stopped by itself: %1"_s.arg(QString::fromUtf8(child.readAllStandardError()))));
    child.kill(); // SIGKILL
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    out += child.readAllStandardOutput();

    QList<qint64> acknowledged;
    for (const QByteArray &line : out.split('\n')) {
        if (line.isEmpty())
            continue;
        QVERIFY2(line.startsWith("ack red_"), line.constData());
        acknowledged << line.mid(8).toLongLong();
    }
    QVERIFY(acknowledged.size() >= 50);

    // A new connection recovers the workspace: consistent, and every acknowledged
    // redemption is on disk.
    auto opened = Store::Connection::open(m_path, Store::Connection::Access::ReadWrite);
    PD_VERIFY_OK(opened);
    m_connection = std::move(opened).value();
    verifyIntegrity();
    const qint64 successes = number(u"SELECT count(*) FROM redemptions WHERE result = 'SUCCESS' AND campaign_id = 'camp_loop'"_s);
    const qint64 rows = number(u"SELECT count(*) FROM redemptions"_s);
    qInfo("killed redeemer: %lld acknowledged, %lld on disk", qint64(acknowledged.size()), successes);
    QCOMPARE(rows, successes); // the loop never fails, so no other row
    QCOMPARE(number(u"SELECT redeemed_quantity FROM codes WHERE code = ?"_s, {Loop}), successes);
    QCOMPARE(number(u"SELECT redemptions FROM campaign_usage WHERE campaign_id = 'camp_loop' AND day = ''"_s), successes);
    QCOMPARE(number(u"SELECT discount FROM campaign_usage WHERE campaign_id = 'camp_loop' AND day = ''"_s),
             successes * 100);
    QVERIFY2(successes >= acknowledged.size(), qPrintable(u"%1 acknowledged, %2 on disk"_s.arg(acknowledged.size()).arg(successes)));
    QVERIFY2(successes <= acknowledged.size() + 1, // at most the one committed while being killed
             qPrintable(u"%1 acknowledged, %2 on disk"_s.arg(acknowledged.size()).arg(successes)));
    for (qint64 id : std::as_const(acknowledged)) {
        QVERIFY2(number(u"SELECT count(*) FROM redemptions WHERE id = ? AND result = 'SUCCESS'"_s, {id}) == 1,
                 qPrintable(u"acknowledged %1 is not on disk"_s.arg(Ids::make(Ids::Redemption, id))));
    }

    // The workspace is usable afterwards.
    CampaignEngine engine(*m_connection);
    auto after = engine.redeem(redeemRequest(Loop, 1, T0 + 10'000'000));
    PD_VERIFY_OK(after);
    QVERIFY(after.value().valid);
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc >= 3 && qstrcmp(argv[1], "--redeem-loop") == 0)
        return redeemLoop(QString::fromLocal8Bit(argv[2]));
    TestConcurrency test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_concurrency.moc"
