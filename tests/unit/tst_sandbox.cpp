// Sandbox workspaces (issue 9): a sampled, anonymised copy of production that leaves
// production's file byte for byte as it was, and promotion of a campaign back to
// production, refused with the reasons when production lacks what it references.

#include "clirunner.h"
#include "testsupport.h"

#include "engine/campaign.h"
#include "engine/campaignjson.h"
#include "sandbox/promotion.h"
#include "sandbox/sandbox.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/workspace.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace PromoDesk::Tests;
using Store::Connection;

class TestSandbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void isolation();
    void sampledContents();
    void anonymised();
    void sampleFollowsSeed();
    void cancelLeavesNothing();
    void refusals();
    void demoSeeding();
    void promoteNewCampaign();
    void promoteReplacesPausedCopy();
    void promoteRefusedMissingSegment();
    void promoteRefusedMissingCatalogue();
    void promoteRefusedActiveInProduction();
    void cliSandboxCreate();
    void cliPromote();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    // A sampled sandbox made for one test (the shared one stays as the isolation test made it).
    Result<Store::WorkspaceInfo> sampled(const QString &path, qint64 customers, quint32 seed,
                                         const Sandbox::Progress &progress = {});
    static QSet<qint64> customerIds(const QString &path);
    // A coupon campaign with a shared code and `rule` (text syntax), saved as active in `path`.
    static Status saveCoupon(const QString &path, const QString &id, const QString &name, const QString &code,
                             const QString &rule, const QList<Engine::ItemTarget> &targets = {});

    QTemporaryDir m_dir;
    QString m_production;
    QString m_sandbox;            // sampled from production, 500 customers, seed 1
    QByteArray m_productionSum;   // before any sandbox was made
};

void TestSandbox::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_production = file(QStringLiteral("production.promodesk"));
    m_sandbox = file(QStringLiteral("sandbox.promodesk"));
    PD_VERIFY_OK(generateSmallCampaignDemo(m_production, 7));

    // A segment with members, so that definitions and memberships have something to copy.
    auto db = openConnection(m_production, Connection::Access::ReadWrite);
    QVERIFY(db);
    PD_VERIFY_OK(execute(*db, u"INSERT INTO segments(id, name, type, rule, created_at, updated_at) "
                              u"VALUES ('seg_big_spenders', 'Big spenders', 'static', NULL, 1, 1)"_s));
    PD_VERIFY_OK(execute(*db, u"INSERT INTO segment_members(segment_id, customer_id, entered_at) "
                              u"SELECT 'seg_big_spenders', id, 1 FROM customers WHERE id % 3 = 0"_s));
    PD_VERIFY_OK(execute(*db, u"UPDATE segments SET size = (SELECT count(*) FROM segment_members) "
                              u"WHERE id = 'seg_big_spenders'"_s));
    // Every page in the main file, so that its checksum is the whole workspace.
    PD_VERIFY_OK(execute(*db, u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
    db.reset();
    m_productionSum = fileChecksum(m_production);
    QVERIFY(!m_productionSum.isEmpty());
}

Result<Store::WorkspaceInfo> TestSandbox::sampled(const QString &path, qint64 customers, quint32 seed,
                                                  const Sandbox::Progress &progress)
{
    Sandbox::SandboxOptions options;
    options.seeding = Sandbox::SandboxOptions::Seeding::SampleOfProduction;
    options.productionPath = m_production;
    options.sampleCustomers = customers;
    options.seed = seed;
    return Sandbox::createSandbox(path, options, progress);
}

QSet<qint64> TestSandbox::customerIds(const QString &path)
{
    QSet<qint64> ids;
    auto db = openConnection(path);
    if (!db)
        return ids;
    auto rows = select(*db, u"SELECT id FROM customers"_s);
    if (rows) {
        for (const QVariantList &row : rows.value())
            ids.insert(row.value(0).toLongLong());
    }
    return ids;
}

Status TestSandbox::saveCoupon(const QString &path, const QString &id, const QString &name, const QString &code,
                               const QString &rule, const QList<Engine::ItemTarget> &targets)
{
    Engine::Campaign c;
    c.id = id;
    c.name = name;
    c.type = Engine::CampaignType::DiscountCoupons;
    c.status = Engine::CampaignStatus::Active;
    c.standaloneCode = code;
    c.discount = Engine::amountOff(500);
    if (!targets.isEmpty()) {
        c.discount.effect = Engine::DiscountEffect::ApplyToItems;
        c.discount.applicableTo = targets;
    }
    if (!rule.isEmpty()) {
        auto eligibility = Engine::eligibilityFromText(rule, u"Not for you"_s);
        if (!eligibility)
            return eligibility.error();
        c.eligibility = eligibility.value();
    }
    auto db = openConnection(path, Connection::Access::ReadWrite);
    if (!db)
        return Error{u"cannot open"_s, path};
    Store::CampaignStore store(*db);
    auto saved = store.saveCampaign(c, u"test"_s);
    if (!saved)
        return saved.error();
    return {};
}

void TestSandbox::isolation()
{
    qint64 calls = 0;
    qint64 lastTotal = 0;
    auto created = sampled(m_sandbox, 500, 1, [&](qint64 done, qint64 total) {
        ++calls;
        lastTotal = total;
        return done <= total;
    });
    PD_VERIFY_OK(created);
    QCOMPARE(created.value().kind, Store::WorkspaceKind::Sandbox);
    QVERIFY(calls > 2);
    QVERIFY(lastTotal >= 500);
    // Not one byte of production changed, and no side file is left beside the sandbox.
    QCOMPARE(fileChecksum(m_production), m_productionSum);
    QVERIFY(!QFileInfo::exists(m_sandbox + u".part"_s));
}

void TestSandbox::sampledContents()
{
    auto db = openConnection(m_sandbox);
    QVERIFY(db);
    auto info = Store::Workspace::readInfo(*db);
    PD_VERIFY_OK(info);
    QCOMPARE(info.value().kind, Store::WorkspaceKind::Sandbox);
    auto production = Sandbox::productionOf(*db);
    PD_VERIFY_OK(production);
    QCOMPARE(production.value(), QFileInfo(m_production).absoluteFilePath());

    const auto count = [&](Connection &c, const QString &sql) {
        auto v = scalar(c, sql);
        return v ? v.value().toLongLong() : -1;
    };
    QCOMPARE(count(*db, u"SELECT count(*) FROM customers"_s), 500);
    // Everything copied belongs to a sampled customer (or is an unpublished code).
    QCOMPARE(count(*db, u"SELECT count(*) FROM orders WHERE customer_id IS NULL OR customer_id NOT IN (SELECT id FROM customers)"_s), 0);
    QCOMPARE(count(*db, u"SELECT count(*) FROM customer_events WHERE customer_id NOT IN (SELECT id FROM customers)"_s), 0);
    QCOMPARE(count(*db, u"SELECT count(*) FROM segment_members WHERE customer_id NOT IN (SELECT id FROM customers)"_s), 0);
    QCOMPARE(count(*db, u"SELECT count(*) FROM codes WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT id FROM customers)"_s), 0);
    QVERIFY(count(*db, u"SELECT max(n) FROM (SELECT count(*) AS n FROM codes WHERE customer_id IS NULL GROUP BY campaign_id)"_s) <= 1000);
    // A clean history: no redemptions, usage, validations; nothing redeemed on any code.
    QCOMPARE(count(*db, u"SELECT count(*) FROM redemptions"_s), 0);
    QCOMPARE(count(*db, u"SELECT count(*) FROM campaign_usage"_s), 0);
    QCOMPARE(count(*db, u"SELECT count(*) FROM validations"_s), 0);
    QCOMPARE(count(*db, u"SELECT count(*) FROM codes WHERE redeemed_quantity <> 0"_s), 0);
    QVERIFY(count(*db, u"SELECT count(*) FROM codes"_s) > 0);
    auto dangling = select(*db, u"PRAGMA foreign_key_check"_s);
    PD_VERIFY_OK(dangling);
    QCOMPARE(dangling.value().size(), 0);
    QCOMPARE(scalar(*db, u"PRAGMA integrity_check"_s).value().toString(), u"ok"_s);

    // ALL the sampled customers' orders, items and events, and production's definitions.
    auto prod = openConnection(m_production);
    QVERIFY(prod);
    const QSet<qint64> ids = customerIds(m_sandbox);
    QStringList marks;
    QVariantList values;
    for (qint64 id : ids) {
        marks << u"?"_s;
        values << id;
    }
    const QString in = marks.join(u',');
    for (const auto &[table, sql] :
         {std::pair{u"orders"_s, u"SELECT count(*) FROM orders WHERE customer_id IN (%1)"_s},
          std::pair{u"order_items"_s,
                    u"SELECT count(*) FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE customer_id IN (%1))"_s},
          std::pair{u"customer_events"_s, u"SELECT count(*) FROM customer_events WHERE customer_id IN (%1)"_s},
          std::pair{u"segment_members"_s, u"SELECT count(*) FROM segment_members WHERE customer_id IN (%1)"_s}}) {
        auto inProduction = scalar(*prod, sql.arg(in), values);
        PD_VERIFY_OK(inProduction);
        QVERIFY2(inProduction.value().toLongLong() > 0, qPrintable(table));
        QCOMPARE(count(*db, u"SELECT count(*) FROM "_s + table), inProduction.value().toLongLong());
    }
    for (const QString &table : {u"campaigns"_s, u"segments"_s, u"products"_s, u"skus"_s, u"categories"_s})
        QCOMPARE(count(*db, u"SELECT count(*) FROM "_s + table), count(*prod, u"SELECT count(*) FROM "_s + table));
    QCOMPARE(count(*db, u"SELECT size FROM segments WHERE id = 'seg_big_spenders'"_s),
             count(*db, u"SELECT count(*) FROM segment_members WHERE segment_id = 'seg_big_spenders'"_s));
    // Campaign statuses as they are in production.
    QCOMPARE(scalar(*db, u"SELECT status FROM campaigns WHERE id = 'camp_black_friday'"_s).value().toString(), u"paused"_s);
}

void TestSandbox::anonymised()
{
    auto prod = openConnection(m_production);
    auto db = openConnection(m_sandbox);
    QVERIFY(prod && db);
    QSet<QString> personal;
    auto production = select(*prod, u"SELECT name, email, phone FROM customers"_s);
    PD_VERIFY_OK(production);
    for (const QVariantList &row : production.value()) {
        for (const QVariant &v : row) {
            if (!v.isNull() && !v.toString().isEmpty())
                personal.insert(v.toString().toLower());
        }
    }
    QVERIFY(personal.size() > 1000);
    auto rows = select(*db, u"SELECT id, name, email, phone, source_id FROM customers"_s);
    PD_VERIFY_OK(rows);
    for (const QVariantList &row : rows.value()) {
        const qint64 id = row[0].toLongLong();
        QVERIFY2(!personal.contains(row[1].toString().toLower()), qPrintable(row[1].toString()));
        QVERIFY2(!personal.contains(row[2].toString().toLower()), qPrintable(row[2].toString()));
        QCOMPARE(row[1].toString(), u"Customer %1"_s.arg(id));
        QVERIFY(row[2].isNull() || row[2].toString() == u"customer-%1@example.invalid"_s.arg(id));
        QVERIFY(row[3].isNull());
        QCOMPARE(row[4].toString(), u"sbx-%1"_s.arg(id));
    }
    // What rules look at is kept: countries and total spent match production's.
    auto kept = select(*db, u"SELECT id, address_country, total_spent, created_at FROM customers ORDER BY id LIMIT 20"_s);
    PD_VERIFY_OK(kept);
    for (const QVariantList &row : kept.value()) {
        auto original = select(*prod, u"SELECT id, address_country, total_spent, created_at FROM customers WHERE id = ?"_s,
                                {row[0]});
        PD_VERIFY_OK(original);
        QCOMPARE(original.value().value(0), row);
    }
}

void TestSandbox::sampleFollowsSeed()
{
    const QString twin = file(u"twin.promodesk"_s);
    const QString other = file(u"other.promodesk"_s);
    PD_VERIFY_OK(sampled(twin, 500, 1));
    PD_VERIFY_OK(sampled(other, 500, 2));
    const QSet<qint64> first = customerIds(m_sandbox);
    QCOMPARE(first.size(), 500);
    QCOMPARE(customerIds(twin), first);
    const QSet<qint64> second = customerIds(other);
    QCOMPARE(second.size(), 500);
    QVERIFY(second != first);
    // Two independent draws of 500 out of 5 000 share about 50 customers, not most of them.
    QVERIFY(QSet<qint64>(first).intersect(second).size() < 250);
    QCOMPARE(fileChecksum(m_production), m_productionSum);
}

void TestSandbox::cancelLeavesNothing()
{
    const QString path = file(u"cancelled.promodesk"_s);
    for (const qint64 stopAfter : {qint64(0), qint64(1), qint64(300)}) {
        auto created = sampled(path, 800, 1, [&](qint64 done, qint64) { return done < stopAfter; });
        QVERIFY(!created);
        QVERIFY2(created.error().message.contains(u"cancel"_s), qPrintable(created.error().toString()));
        for (const QString &entry : entriesIn(m_dir.path()))
            QVERIFY2(!entry.startsWith(u"cancelled"_s), qPrintable(entry));
    }
    // A demo sandbox cancelled part way leaves nothing either.
    Sandbox::SandboxOptions demo;
    auto created = Sandbox::createSandbox(path, demo, [](qint64 done, qint64) { return done < 5; });
    QVERIFY(!created);
    for (const QString &entry : entriesIn(m_dir.path()))
        QVERIFY2(!entry.startsWith(u"cancelled"_s), qPrintable(entry));
    QCOMPARE(fileChecksum(m_production), m_productionSum);
}

void TestSandbox::refusals()
{
    // An existing target is refused and left alone.
    const QByteArray before = fileChecksum(m_sandbox);
    auto existing = sampled(m_sandbox, 10, 1);
    QVERIFY(!existing);
    QCOMPARE(existing.error().where, m_sandbox);
    QVERIFY2(existing.error().message.contains(u"already exists"_s), qPrintable(existing.error().toString()));
    QCOMPARE(fileChecksum(m_sandbox), before);

    // A sandbox is not production.
    Sandbox::SandboxOptions options;
    options.seeding = Sandbox::SandboxOptions::Seeding::SampleOfProduction;
    options.productionPath = m_sandbox;
    const QString target = file(u"refused.promodesk"_s);
    auto fromSandbox = Sandbox::createSandbox(target, options);
    QVERIFY(!fromSandbox);
    QVERIFY2(fromSandbox.error().where == QFileInfo(m_sandbox).absoluteFilePath(), qPrintable(fromSandbox.error().toString()));
    QVERIFY2(fromSandbox.error().message.contains(u"sandbox"_s), qPrintable(fromSandbox.error().toString()));

    // Production must exist.
    options.productionPath = file(u"nowhere.promodesk"_s);
    auto missing = Sandbox::createSandbox(target, options);
    QVERIFY(!missing);
    QVERIFY2(missing.error().toString().contains(u"nowhere.promodesk"_s), qPrintable(missing.error().toString()));
    options.productionPath.clear();
    auto none = Sandbox::createSandbox(target, options);
    QVERIFY(!none);
    QVERIFY2(none.error().message.contains(u"production"_s), qPrintable(none.error().toString()));
    QVERIFY(!QFileInfo::exists(target));
    QVERIFY(!QFileInfo::exists(target + u".part"_s));
}

void TestSandbox::demoSeeding()
{
    const QString path = file(u"demo-sandbox.promodesk"_s);
    Sandbox::SandboxOptions options;
    options.seeding = Sandbox::SandboxOptions::Seeding::Demo;
    options.productionPath = m_production;
    options.demoSize = u"small"_s;
    options.seed = 3;
    auto created = Sandbox::createSandbox(path, options);
    PD_VERIFY_OK(created);
    QCOMPARE(created.value().kind, Store::WorkspaceKind::Sandbox);
    auto db = openConnection(path);
    QVERIFY(db);
    QCOMPARE(Sandbox::productionOf(*db).value(), QFileInfo(m_production).absoluteFilePath());
    QVERIFY(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toLongLong() > 1000);
    QVERIFY(!QFileInfo::exists(path + u".part"_s));
    // Production's own record says nothing of a sandbox.
    auto prod = openConnection(m_production);
    QCOMPARE(Sandbox::productionOf(*prod).value(), QString());
    QCOMPARE(fileChecksum(m_production), m_productionSum);
}

void TestSandbox::promoteNewCampaign()
{
    const QString sandboxPath = file(u"promote-new.promodesk"_s);
    PD_VERIFY_OK(sampled(sandboxPath, 200, 4));
    // A new coupon campaign in the sandbox, with unique codes of its own.
    {
        auto db = openConnection(sandboxPath, Connection::Access::ReadWrite);
        QVERIFY(db);
        Store::CampaignStore store(*db);
        auto summer = store.loadCampaign(u"camp_summer"_s);
        PD_VERIFY_OK(summer);
        QVERIFY(summer.value().has_value());
        Engine::Campaign trial = *summer.value();
        trial.id = u"camp_sandbox_trial"_s;
        trial.name = u"Summer trial (sandbox)"_s;
        trial.status = Engine::CampaignStatus::Active;
        PD_VERIFY_OK(store.saveCampaign(trial, u"tester"_s));
        PD_VERIFY_OK(store.insertCode(u"camp_sandbox_trial"_s, u"TRIAL-0001"_s, 0, std::nullopt, 1));
        PD_VERIFY_OK(store.insertCode(u"camp_sandbox_trial"_s, u"TRIAL-0002"_s, 0, std::nullopt, 1));
    }
    auto sandbox = openConnection(sandboxPath, Connection::Access::ReadWrite);
    auto production = openConnection(m_production, Connection::Access::ReadWrite);
    QVERIFY(sandbox && production);

    auto checked = Sandbox::checkPromotion(*sandbox, u"camp_sandbox_trial"_s, *production);
    PD_VERIFY_OK(checked);
    QVERIFY2(checked.value().ok(), qPrintable(checked.value().problems.join(u'\n')));

    auto promoted = Sandbox::promoteCampaign(*sandbox, u"camp_sandbox_trial"_s, *production, u"tester"_s);
    PD_VERIFY_OK(promoted);
    QVERIFY(promoted.value().created);
    QCOMPARE(promoted.value().campaignId, u"camp_sandbox_trial"_s);

    // In production as a draft, with the sandbox's definition and none of its codes.
    QCOMPARE(scalar(*production, u"SELECT status FROM campaigns WHERE id = 'camp_sandbox_trial'"_s).value().toString(),
             u"draft"_s);
    QCOMPARE(scalar(*production, u"SELECT name FROM campaigns WHERE id = 'camp_sandbox_trial'"_s).value().toString(),
             u"Summer trial (sandbox)"_s);
    QCOMPARE(scalar(*production, u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_sandbox_trial'"_s).value().toLongLong(), 0);
    QCOMPARE(scalar(*production, u"SELECT count(*) FROM redemptions WHERE campaign_id = 'camp_sandbox_trial'"_s).value().toLongLong(), 0);
    // Audited in both, each naming the other file.
    auto productionAudit = select(*production,
                                  u"SELECT action, after FROM audit_log WHERE entity_type = 'campaign_promotion' AND entity_id = ?"_s,
                                  {u"camp_sandbox_trial"_s});
    PD_VERIFY_OK(productionAudit);
    QCOMPARE(productionAudit.value().size(), 1);
    QCOMPARE(productionAudit.value()[0][0].toString(), u"promoted_from_sandbox"_s);
    QVERIFY(productionAudit.value()[0][1].toString().contains(QFileInfo(sandboxPath).fileName()));
    QCOMPARE(scalar(*production, u"SELECT count(*) FROM audit_log WHERE entity_type = 'campaign' AND entity_id = 'camp_sandbox_trial' AND action = 'create'"_s)
                 .value().toLongLong(), 1);
    auto sandboxAudit = select(*sandbox,
                               u"SELECT action, after FROM audit_log WHERE entity_type = 'campaign_promotion' AND entity_id = ?"_s,
                               {u"camp_sandbox_trial"_s});
    PD_VERIFY_OK(sandboxAudit);
    QCOMPARE(sandboxAudit.value().size(), 1);
    QCOMPARE(sandboxAudit.value()[0][0].toString(), u"promoted_to_production"_s);
    QVERIFY(sandboxAudit.value()[0][1].toString().contains(QFileInfo(m_production).fileName()));
    // The sandbox's campaign is as it was.
    QCOMPARE(scalar(*sandbox, u"SELECT status FROM campaigns WHERE id = 'camp_sandbox_trial'"_s).value().toString(), u"active"_s);

    // Promoting again replaces production's draft, keeping it a draft.
    auto again = Sandbox::promoteCampaign(*sandbox, u"camp_sandbox_trial"_s, *production, u"tester"_s);
    PD_VERIFY_OK(again);
    QVERIFY(!again.value().created);
    QVERIFY(!again.value().warnings.isEmpty());
    QCOMPARE(scalar(*production, u"SELECT status FROM campaigns WHERE id = 'camp_sandbox_trial'"_s).value().toString(),
             u"draft"_s);
    // Later tests compare against production as it now is.
    production.reset();
    sandbox.reset();
    auto fold = openConnection(m_production, Connection::Access::ReadWrite);
    PD_VERIFY_OK(execute(*fold, u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
    fold.reset();
    m_productionSum = fileChecksum(m_production);
}

void TestSandbox::promoteReplacesPausedCopy()
{
    auto sandbox = openConnection(m_sandbox, Connection::Access::ReadWrite);
    auto production = openConnection(m_production, Connection::Access::ReadWrite);
    QVERIFY(sandbox && production);
    {
        Store::CampaignStore store(*sandbox);
        auto preview = store.loadCampaign(u"camp_black_friday"_s);
        PD_VERIFY_OK(preview);
        Engine::Campaign edited = *preview.value();
        edited.description = u"Reworked in the sandbox"_s;
        PD_VERIFY_OK(store.saveCampaign(edited, u"tester"_s));
    }
    const qint64 codesBefore =
        scalar(*production, u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_black_friday'"_s).value().toLongLong();
    auto promoted = Sandbox::promoteCampaign(*sandbox, u"camp_black_friday"_s, *production, u"tester"_s);
    PD_VERIFY_OK(promoted);
    QVERIFY(!promoted.value().created);
    Store::CampaignStore store(*production);
    auto stored = store.loadCampaign(u"camp_black_friday"_s);
    PD_VERIFY_OK(stored);
    QCOMPARE(stored.value()->description, u"Reworked in the sandbox"_s);
    QCOMPARE(stored.value()->status, Engine::CampaignStatus::Paused);
    QCOMPARE(scalar(*production, u"SELECT count(*) FROM codes WHERE campaign_id = 'camp_black_friday'"_s).value().toLongLong(),
             codesBefore);
}

void TestSandbox::promoteRefusedMissingSegment()
{
    auto sandbox = openConnection(m_sandbox, Connection::Access::ReadWrite);
    QVERIFY(sandbox);
    PD_VERIFY_OK(execute(*sandbox, u"INSERT INTO segments(id, name, type, created_at, updated_at) "
                                   u"VALUES ('seg_sandbox_only', 'Only here', 'static', 1, 1)"_s));
    sandbox.reset();
    PD_VERIFY_OK(saveCoupon(m_sandbox, u"camp_seg_only"_s, u"Segment trial"_s, u"SEGTRIAL"_s,
                            u"customer.segments contains \"seg_sandbox_only\" or customer.segments contains \"seg_big_spenders\""_s));
    sandbox = openConnection(m_sandbox, Connection::Access::ReadWrite);
    auto production = openConnection(m_production, Connection::Access::ReadWrite);
    QVERIFY(sandbox && production);
    auto campaignsBefore = tableHash(*production, u"campaigns"_s);
    PD_VERIFY_OK(campaignsBefore);

    auto checked = Sandbox::checkPromotion(*sandbox, u"camp_seg_only"_s, *production);
    PD_VERIFY_OK(checked);
    QCOMPARE(checked.value().problems.size(), 1);
    const QString problem = checked.value().problems.first();
    QVERIFY2(problem.contains(u"segment seg_sandbox_only is not in production"_s), qPrintable(problem));
    QVERIFY2(problem.startsWith(u"rules"_s), qPrintable(problem));

    auto promoted = Sandbox::promoteCampaign(*sandbox, u"camp_seg_only"_s, *production, u"tester"_s);
    QVERIFY(!promoted);
    QVERIFY2(promoted.error().message.contains(u"seg_sandbox_only"_s), qPrintable(promoted.error().toString()));
    QCOMPARE(tableHash(*production, u"campaigns"_s).value(), campaignsBefore.value());
    QCOMPARE(scalar(*production, u"SELECT count(*) FROM audit_log WHERE entity_id = 'camp_seg_only'"_s).value().toLongLong(), 0);
    QCOMPARE(scalar(*sandbox, u"SELECT count(*) FROM audit_log WHERE entity_type = 'campaign_promotion' AND entity_id = 'camp_seg_only'"_s)
                 .value().toLongLong(), 0);
}

void TestSandbox::promoteRefusedMissingCatalogue()
{
    auto sandbox = openConnection(m_sandbox, Connection::Access::ReadWrite);
    QVERIFY(sandbox);
    PD_VERIFY_OK(execute(*sandbox, u"INSERT INTO products(id, name, price, created_at) VALUES ('prod_sandbox', 'Trial toy', 999, 1)"_s));
    PD_VERIFY_OK(execute(*sandbox, u"INSERT INTO skus(id, product_id, sku, price, created_at) "
                                   u"VALUES ('sku_sandbox_1', 'prod_sandbox', 'TOY-1', 999, 1)"_s));
    sandbox.reset();
    Engine::ItemTarget target;
    target.object = Engine::ItemTarget::Object::Sku;
    target.id = u"sku_sandbox_1"_s;
    PD_VERIFY_OK(saveCoupon(m_sandbox, u"camp_toy_trial"_s, u"Toy trial"_s, u"TOYTRIAL"_s,
                            u"order.items.quantity(product: \"prod_sandbox\") >= 1"_s, {target}));
    sandbox = openConnection(m_sandbox, Connection::Access::ReadWrite);
    auto production = openConnection(m_production, Connection::Access::ReadWrite);
    QVERIFY(sandbox && production);
    auto checked = Sandbox::checkPromotion(*sandbox, u"camp_toy_trial"_s, *production);
    PD_VERIFY_OK(checked);
    const QString problems = checked.value().problems.join(u'\n');
    QCOMPARE(checked.value().problems.size(), 2);
    QVERIFY2(problems.contains(u"discount.applicable_to[0]: SKU sku_sandbox_1 is not in production"_s), qPrintable(problems));
    QVERIFY2(problems.contains(u"product prod_sandbox is not in production"_s), qPrintable(problems));
    auto promoted = Sandbox::promoteCampaign(*sandbox, u"camp_toy_trial"_s, *production, u"tester"_s);
    QVERIFY(!promoted);
    QVERIFY(promoted.error().message.contains(u"sku_sandbox_1"_s));
    QCOMPARE(scalar(*production, u"SELECT count(*) FROM campaigns WHERE id = 'camp_toy_trial'"_s).value().toLongLong(), 0);
}

void TestSandbox::promoteRefusedActiveInProduction()
{
    auto sandbox = openConnection(m_sandbox, Connection::Access::ReadWrite);
    auto production = openConnection(m_production, Connection::Access::ReadWrite);
    QVERIFY(sandbox && production);
    QCOMPARE(scalar(*production, u"SELECT status FROM campaigns WHERE id = 'camp_spend_tiers'"_s).value().toString(), u"active"_s);
    auto checked = Sandbox::checkPromotion(*sandbox, u"camp_spend_tiers"_s, *production);
    PD_VERIFY_OK(checked);
    QCOMPARE(checked.value().problems.size(), 1);
    QVERIFY2(checked.value().problems.first().contains(u"pause it in production first"_s),
             qPrintable(checked.value().problems.first()));
    auto promoted = Sandbox::promoteCampaign(*sandbox, u"camp_spend_tiers"_s, *production, u"tester"_s);
    QVERIFY(!promoted);
    QVERIFY(promoted.error().message.contains(u"pause it in production first"_s));

    // The wrong way round is refused too: production is not a sandbox.
    auto reversed = Sandbox::checkPromotion(*production, u"camp_spend_tiers"_s, *sandbox);
    PD_VERIFY_OK(reversed);
    QVERIFY(!reversed.value().ok());
}

void TestSandbox::cliSandboxCreate()
{
    const QString path = file(u"cli-sandbox.promodesk"_s);
    RUN_CLI_JSON(out, {u"sandbox"_s, u"create"_s, u"--workspace"_s, path, u"--from"_s, m_production, u"--sample"_s,
                       u"150"_s, u"--seed"_s, u"9"_s, u"--quiet"_s});
    QCOMPARE(out.value(u"kind"_s).toString(), u"sandbox"_s);
    QCOMPARE(out.value(u"production_path"_s).toString(), QFileInfo(m_production).absoluteFilePath());
    QCOMPARE(out.value(u"customers"_s).toInteger(), 150);
    QVERIFY(out.value(u"orders"_s).toInteger() > 0);

    // Usage errors exit 2; an existing target exits 1 with one line.
    {
        RUN_CLI(run, {u"sandbox"_s, u"create"_s, u"--workspace"_s, file(u"x.promodesk"_s)});
        QCOMPARE(run.exitCode, 2);
    }
    {
        RUN_CLI(run, {u"sandbox"_s, u"create"_s, u"--workspace"_s, path, u"--from"_s, m_production, u"--quiet"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("already exists"), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }
    {
        RUN_CLI(run, {u"sandbox"_s, u"create"_s, u"--help"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("--from"));
    }
}

void TestSandbox::cliPromote()
{
    const QString path = file(u"cli-sandbox.promodesk"_s);
    QVERIFY(QFileInfo::exists(path));
    // --check changes nothing and says what it found.
    {
        RUN_CLI(run, {u"promote"_s, u"--workspace"_s, path, u"--campaign"_s, u"camp_spend_tiers"_s, u"--check"_s});
        QCOMPARE(run.exitCode, 1);
        QString error;
        const QJsonObject out = parseObject(run.out, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(out.value(u"ok"_s).toBool(), false);
        QVERIFY(out.value(u"problems"_s).toArray().first().toString().contains(u"pause it in production first"_s));
    }
    // Refused: exit 1, the first line says so, then the problem.
    {
        RUN_CLI(run, {u"promote"_s, u"--workspace"_s, path, u"--campaign"_s, u"camp_spend_tiers"_s});
        QCOMPARE(run.exitCode, 1);
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QVERIFY2(lines.size() >= 2, run.err.constData());
        QVERIFY2(lines.first().contains("promote: refused"), run.err.constData());
        QVERIFY2(run.err.contains("pause it in production first"), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }
    // Promoted to the production the sandbox records: the paused preview keeps its status.
    RUN_CLI_JSON(out, {u"promote"_s, u"--workspace"_s, path, u"--campaign"_s, u"camp_black_friday"_s});
    QCOMPARE(out.value(u"promoted"_s).toBool(), true);
    QCOMPARE(out.value(u"created"_s).toBool(), false);
    QCOMPARE(out.value(u"production"_s).toString(), QFileInfo(m_production).absoluteFilePath());
    auto production = openConnection(m_production);
    QVERIFY(production);
    QCOMPARE(scalar(*production, u"SELECT status FROM campaigns WHERE id = 'camp_black_friday'"_s).value().toString(),
             u"paused"_s);
    QCOMPARE(scalar(*production, u"SELECT count(*) FROM audit_log WHERE entity_type = 'campaign_promotion' "
                                 u"AND entity_id = 'camp_black_friday' AND after LIKE '%cli-sandbox.promodesk%'"_s)
                 .value().toLongLong(), 1);
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
