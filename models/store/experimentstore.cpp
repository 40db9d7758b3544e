#include "store/experimentstore.h"

#include "rules/sqlcompiler.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/sqlutil.h"
#include "store/workspace.h"

#include <QJsonDocument>
#include <QSet>
#include <QUuid>

#include <algorithm>
#include <functional>
#include <limits>

namespace PromoDesk::Store {

using Experiments::Experiment;
using Experiments::Metric;

namespace {

constexpr qint64 kDayMs = 86400000;

QByteArray definitionOf(const Experiment &e)
{
    return QJsonDocument(Experiments::toJson(e)).toJson(QJsonDocument::Compact);
}

Result<Experiment> parseRow(const QSqlQuery &q)
{
    const QJsonDocument doc = QJsonDocument::fromJson(q.value(0).toByteArray());
    auto parsed = Experiments::fromJson(doc.object());
    if (!parsed) {
        Error error = parsed.error();
        error.message = QStringLiteral("experiment %1 is damaged: %2").arg(q.value(1).toString(), error.toString());
        error.where = QStringLiteral("experiments");
        return error;
    }
    return parsed;
}

Result<QList<Experiment>> select(Connection &connection, const QString &where, const QVariantList &values)
{
    auto q = runQuery(connection,
                      QStringLiteral("SELECT definition, id FROM experiments ") + where
                          + QStringLiteral(" ORDER BY created_at DESC, id"),
                      values);
    if (!q)
        return q.error();
    QList<Experiment> out;
    while (q.value().next()) {
        auto e = parseRow(q.value());
        if (!e)
            return e.error();
        out << std::move(e).value();
    }
    return out;
}

QString placeholders(qsizetype n)
{
    QStringList marks;
    for (qsizetype i = 0; i < n; ++i)
        marks << QStringLiteral("?");
    return marks.join(QStringLiteral(", "));
}

// What defines who gets what: frozen once an experiment has started.
bool sameAssignment(const Experiment &a, const Experiment &b)
{
    return a.variants == b.variants && a.seed == b.seed && a.segmentId == b.segmentId && a.rule == b.rule
           && a.coverage == b.coverage;
}

// The audience as a WHERE over customers AS c, every value bound.
Result<Rules::CompiledRule> audienceWhere(const Experiment &e, qint64 now)
{
    Rules::CompiledRule out{QStringLiteral("1"), {}};
    if (!e.segmentId.isEmpty()) {
        out.where = QStringLiteral("c.id IN (SELECT customer_id FROM segment_members WHERE segment_id = ? AND left_at IS NULL)");
        out.bindings << e.segmentId;
    }
    if (e.rule) {
        auto compiled = Rules::compileCustomerRule(*e.rule, now);
        if (!compiled) {
            Error error = compiled.error();
            error.where = QStringLiteral("audience.expression");
            return error;
        }
        out.where += QStringLiteral(" AND (") + compiled.value().where + QStringLiteral(")");
        out.bindings += compiled.value().bindings;
    }
    return out;
}

// One customer's outcome so far.
struct Outcome
{
    qint64 orders = 0;
    qint64 revenue = 0;
    qint64 redemptions = 0;
    qint64 discount = 0;

    Outcome &operator+=(const Outcome &o)
    {
        orders += o.orders;
        revenue += o.revenue;
        redemptions += o.redemptions;
        discount += o.discount;
        return *this;
    }
};

void add(Stats::VariantStats &s, double x)
{
    ++s.n;
    s.sum += x;
    s.sumSquares += x * x;
}

void addRatio(Stats::VariantStats &s, double x, double y)
{
    add(s, x);
    s.denominatorSum += y;
    s.denominatorSumSquares += y * y;
    s.sumProduct += x * y;
}

// One customer's outcome as a unit of `metric`.
void addUnit(Stats::VariantStats &s, Metric metric, const Outcome &o)
{
    switch (metric) {
    case Metric::RedemptionRate: add(s, o.redemptions > 0 ? 1 : 0); break;
    case Metric::Conversion: add(s, o.orders > 0 ? 1 : 0); break;
    case Metric::RevenuePerCustomer: add(s, double(o.revenue)); break;
    case Metric::AverageOrderValue: addRatio(s, double(o.revenue), double(o.orders)); break;
    case Metric::DiscountPerCustomer: add(s, double(o.discount)); break;
    case Metric::NetRevenuePerCustomer: add(s, double(o.revenue - o.discount)); break;
    }
}

void addOutcome(QHash<int, QList<Stats::VariantStats>> &metrics, int variant, const Outcome &o)
{
    for (Metric m : Experiments::allMetrics())
        addUnit(metrics[int(m)][variant], m, o);
}

} // namespace

ExperimentStore::ExperimentStore(Connection &connection) : m_connection(connection) {}

Result<QList<Experiment>> ExperimentStore::list()
{
    return select(m_connection, {}, {});
}

Result<std::optional<Experiment>> ExperimentStore::find(const QString &id)
{
    auto found = select(m_connection, QStringLiteral("WHERE id = ?"), {id});
    if (!found)
        return found.error();
    if (found.value().isEmpty())
        return std::optional<Experiment>();
    return std::optional<Experiment>(found.value().constFirst());
}

Result<Experiment> ExperimentStore::existing(const QString &id)
{
    auto found = find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return Error{QStringLiteral("there is no experiment %1").arg(id), QStringLiteral("id")};
    return *found.value();
}

Result<QList<Experiment>> ExperimentStore::running()
{
    return select(m_connection, QStringLiteral("WHERE status = 'running'"), {});
}

Result<Experiment> ExperimentStore::save(Experiment e, const QString &actor)
{
    e.name = e.name.trimmed();
    if (Status s = Experiments::check(e); !s)
        return s.error();
    return writing<Experiment>(m_connection, [&]() -> Result<Experiment> {
        const qint64 now = nowMs();
        QByteArray before;
        if (!e.id.isEmpty()) {
            auto existing = find(e.id);
            if (!existing)
                return existing.error();
            if (existing.value()) {
                const Experiment &old = *existing.value();
                if (old.status != Experiments::ExperimentStatus::Draft && !sameAssignment(old, e))
                    return Error{QStringLiteral("\"%1\" has started: its variants, weights, audience, coverage and seed "
                                                "are fixed, or customers would change variant. Duplicate it to try another split.")
                                     .arg(old.name),
                                 QStringLiteral("variants")};
                // The lifecycle and the decision are changed by start/stop/declareWinner only.
                e.status = old.status;
                e.winner = old.winner;
                e.decisionNote = old.decisionNote;
                e.decidedAt = old.decidedAt;
                e.createdAt = old.createdAt;
                before = definitionOf(old);
            }
        } else {
            e.id = QStringLiteral("exp_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
        }
        if (before.isEmpty()) {
            // A new experiment is a draft, whatever the JSON says: only start() starts it.
            e.status = Experiments::ExperimentStatus::Draft;
            e.winner.clear();
            e.decisionNote.clear();
            e.decidedAt.reset();
        }
        if (!e.createdAt)
            e.createdAt = now;
        e.updatedAt = now;
        auto clash = runQuery(m_connection, QStringLiteral("SELECT id FROM experiments WHERE name = ? AND id <> ?"), {e.name, e.id});
        if (!clash)
            return clash.error();
        if (clash.value().next())
            return Error{QStringLiteral("another experiment is already called \"%1\"").arg(e.name), QStringLiteral("name")};
        if (!e.segmentId.isEmpty()) {
            auto segment = runQuery(m_connection, QStringLiteral("SELECT 1 FROM segments WHERE id = ?"), {e.segmentId});
            if (!segment)
                return segment.error();
            if (!segment.value().next())
                return Error{QStringLiteral("there is no segment %1").arg(e.segmentId), QStringLiteral("audience.segment_id")};
        }
        if (auto where = audienceWhere(e, now); !where)
            return where.error();
        CampaignStore campaigns(m_connection);
        for (int i = 0; i < e.variants.size(); ++i) {
            const Experiments::Variant &v = e.variants[i];
            if (v.holdout)
                continue;
            auto campaign = campaigns.loadCampaign(v.campaignId);
            if (!campaign)
                return campaign.error();
            if (!campaign.value())
                return Error{QStringLiteral("there is no campaign %1").arg(v.campaignId),
                             QStringLiteral("variants[%1].campaign_id").arg(i)};
            if (!v.tierId.isEmpty()) {
                const auto &tiers = campaign.value()->tiers;
                if (std::none_of(tiers.begin(), tiers.end(), [&](const Engine::Tier &t) { return t.id == v.tierId; }))
                    return Error{QStringLiteral("%1 has no promotion tier %2").arg(campaign.value()->name, v.tierId),
                                 QStringLiteral("variants[%1].tier_id").arg(i)};
            }
        }
        const QByteArray after = definitionOf(e);
        auto q = runQuery(m_connection,
                          QStringLiteral("INSERT INTO experiments(id, name, status, definition, created_at, updated_at) "
                                         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                                         "definition = excluded.definition, updated_at = excluded.updated_at"),
                          {e.id, e.name, Experiments::statusKey(e.status), QString::fromUtf8(after), e.createdAt, e.updatedAt});
        if (!q)
            return q.error();
        if (Status s = campaigns.audit(QStringLiteral("experiment"), e.id, before.isEmpty() ? QStringLiteral("create")
                                                                                            : QStringLiteral("update"),
                                       actor, before, after);
            !s)
            return s.error();
        if (Status s = campaigns.bumpCampaignsVersion(); !s)
            return s.error();
        return e;
    });
}

Status ExperimentStore::remove(const QString &id, const QString &actor)
{
    auto removed = writing<bool>(m_connection, [&]() -> Result<bool> {
        auto found = existing(id);
        if (!found)
            return found.error();
        if (found.value().status != Experiments::ExperimentStatus::Draft)
            return Error{QStringLiteral("\"%1\" has started; its record and exposures stay. Stop it instead.")
                             .arg(found.value().name),
                         QStringLiteral("status")};
        auto q = runQuery(m_connection, QStringLiteral("DELETE FROM experiments WHERE id = ?"), {id});
        if (!q)
            return q.error();
        CampaignStore campaigns(m_connection);
        if (Status s = campaigns.audit(QStringLiteral("experiment"), id, QStringLiteral("delete"), actor,
                                       definitionOf(found.value()), {});
            !s)
            return s.error();
        if (Status s = campaigns.bumpCampaignsVersion(); !s)
            return s.error();
        return true;
    });
    if (!removed)
        return removed.error();
    return {};
}

namespace {

// Writes a changed experiment (status and definition), audited, in the caller's transaction.
Status store(Connection &connection, CampaignStore &campaigns, const Experiment &old, const Experiment &e,
             const QString &action, const QString &actor)
{
    const QByteArray after = definitionOf(e);
    auto q = runQuery(connection, QStringLiteral("UPDATE experiments SET status = ?, definition = ?, updated_at = ? WHERE id = ?"),
                      {Experiments::statusKey(e.status), QString::fromUtf8(after), e.updatedAt, e.id});
    if (!q)
        return q.error();
    if (Status s = campaigns.audit(QStringLiteral("experiment"), e.id, action, actor, definitionOf(old), after); !s)
        return s;
    return campaigns.bumpCampaignsVersion();
}

// Calls fn(variant, its campaign) for each variant but the holdout. A campaign that is
// gone is refused in words when `required`, else skipped.
Status eachVariantCampaign(CampaignStore &campaigns, const Experiment &e, bool required,
                           const std::function<Status(const Experiments::Variant &, const Engine::Campaign &)> &fn)
{
    for (const Experiments::Variant &v : e.variants) {
        if (v.holdout)
            continue;
        auto campaign = campaigns.loadCampaign(v.campaignId);
        if (!campaign)
            return campaign.error();
        if (!campaign.value()) {
            if (required)
                return Error{QStringLiteral("there is no campaign %1 (variant \"%2\")").arg(v.campaignId, v.key),
                             QStringLiteral("variants")};
            continue;
        }
        if (Status s = fn(v, *campaign.value()); !s)
            return s;
    }
    return {};
}

Status changeStatus(CampaignStore &campaigns, const QString &campaignId, Engine::CampaignStatus status, const QString &actor)
{
    auto changed = campaigns.setStatus(campaignId, status, actor);
    if (!changed)
        return changed.error();
    return {};
}

} // namespace

Result<Experiment> ExperimentStore::start(const QString &id, qint64 now, const QString &actor)
{
    return writing<Experiment>(m_connection, [&]() -> Result<Experiment> {
        auto found = existing(id);
        if (!found)
            return found.error();
        const Experiment old = found.value();
        if (old.status == Experiments::ExperimentStatus::Running || old.status == Experiments::ExperimentStatus::Concluded)
            return Error{QStringLiteral("\"%1\" is %2 and cannot start").arg(old.name, Experiments::statusKey(old.status)),
                         QStringLiteral("status")};
        if (old.endAt && *old.endAt <= now)
            return Error{QStringLiteral("\"%1\" ended on its end date; move the end to start it").arg(old.name),
                         QStringLiteral("end_at")};
        // Another running experiment may not hand out the same incentive.
        auto live = running();
        if (!live)
            return live.error();
        for (const Experiment &other : live.value()) {
            for (const Experiments::Variant &a : other.variants) {
                for (const Experiments::Variant &b : old.variants) {
                    if (!a.holdout && !b.holdout && a.campaignId == b.campaignId
                        && (a.tierId.isEmpty() || b.tierId.isEmpty() || a.tierId == b.tierId))
                        return Error{QStringLiteral("%1 is already tested by the running experiment \"%2\"")
                                         .arg(b.campaignId, other.name),
                                     QStringLiteral("variants")};
                }
            }
        }
        Experiment e = old;
        e.status = Experiments::ExperimentStatus::Running;
        if (!e.startAt || old.status == Experiments::ExperimentStatus::Draft)
            e.startAt = std::max(now, e.startAt.value_or(now));
        e.updatedAt = now;
        CampaignStore campaigns(m_connection);
        // The experiment decides who gets a variant; its campaign must be live for them.
        const Status activated = eachVariantCampaign(campaigns, e, true, [&](const Experiments::Variant &v,
                                                                             const Engine::Campaign &c) -> Status {
            if (c.status == Engine::CampaignStatus::Draft || c.status == Engine::CampaignStatus::Paused)
                return changeStatus(campaigns, v.campaignId, Engine::CampaignStatus::Active, actor);
            if (c.status != Engine::CampaignStatus::Active)
                return Error{QStringLiteral("%1 is %2; an experiment needs its campaigns active")
                                 .arg(c.name, Engine::campaignStatusKey(c.status)),
                             QStringLiteral("variants")};
            return {};
        });
        if (!activated)
            return activated.error();
        if (Status s = store(m_connection, campaigns, old, e, QStringLiteral("start"), actor); !s)
            return s.error();
        return e;
    });
}

Result<Experiment> ExperimentStore::stop(const QString &id, qint64 now, const QString &actor)
{
    return writing<Experiment>(m_connection, [&]() -> Result<Experiment> {
        auto found = existing(id);
        if (!found)
            return found.error();
        const Experiment old = found.value();
        if (old.status != Experiments::ExperimentStatus::Running)
            return Error{QStringLiteral("\"%1\" is not running").arg(old.name), QStringLiteral("status")};
        Experiment e = old;
        e.status = Experiments::ExperimentStatus::Stopped;
        e.updatedAt = now;
        CampaignStore campaigns(m_connection);
        // Stopped: nobody is restricted any more, so the variants' campaigns pause until a
        // decision, rather than reach everyone.
        const Status paused = eachVariantCampaign(campaigns, e, false, [&](const Experiments::Variant &v,
                                                                           const Engine::Campaign &c) -> Status {
            return c.status == Engine::CampaignStatus::Active
                       ? changeStatus(campaigns, v.campaignId, Engine::CampaignStatus::Paused, actor)
                       : Status();
        });
        if (!paused)
            return paused.error();
        if (Status s = store(m_connection, campaigns, old, e, QStringLiteral("stop"), actor); !s)
            return s.error();
        return e;
    });
}

Result<Experiment> ExperimentStore::declareWinner(const QString &id, const QString &variantKey, const QString &note,
                                                 qint64 now, const QString &actor)
{
    return writing<Experiment>(m_connection, [&]() -> Result<Experiment> {
        auto found = existing(id);
        if (!found)
            return found.error();
        const Experiment old = found.value();
        if (old.status != Experiments::ExperimentStatus::Running && old.status != Experiments::ExperimentStatus::Stopped)
            return Error{QStringLiteral("\"%1\" is %2: only a running or stopped experiment can be decided")
                             .arg(old.name, Experiments::statusKey(old.status)),
                         QStringLiteral("status")};
        const int winner = old.indexOf(variantKey);
        if (winner < 0)
            return Error{QStringLiteral("\"%1\" has no variant \"%2\"").arg(old.name, variantKey), QStringLiteral("winner")};
        CampaignStore campaigns(m_connection);
        QSet<QString> winning;
        if (!old.variants[winner].holdout)
            winning.insert(old.variants[winner].campaignId);
        // A losing tier of the campaign that stays active leaves it, so that only the
        // winning incentive reaches everyone (audited as a campaign update).
        const QString winnerKey = old.variants[winner].key;
        const Status trimmed = eachVariantCampaign(campaigns, old, false, [&](const Experiments::Variant &v,
                                                                              const Engine::Campaign &c) -> Status {
            if (v.key == winnerKey || v.tierId.isEmpty() || !winning.contains(v.campaignId))
                return {};
            Engine::Campaign changed = c;
            changed.tiers.erase(std::remove_if(changed.tiers.begin(), changed.tiers.end(),
                                               [&](const Engine::Tier &t) { return t.id == v.tierId; }),
                                changed.tiers.end());
            if (changed.tiers.size() == c.tiers.size())
                return {};
            auto saved = campaigns.saveCampaign(changed, actor);
            if (!saved)
                return saved.error();
            return {};
        });
        if (!trimmed)
            return trimmed.error();
        const Status decided = eachVariantCampaign(campaigns, old, false, [&](const Experiments::Variant &v,
                                                                              const Engine::Campaign &c) -> Status {
            const Engine::CampaignStatus wanted = winning.contains(v.campaignId) ? Engine::CampaignStatus::Active
                                                                                   : Engine::CampaignStatus::Paused;
            if (c.status == wanted || !Engine::canChangeStatus(c.status, wanted))
                return {};
            return changeStatus(campaigns, v.campaignId, wanted, actor);
        });
        if (!decided)
            return decided.error();
        Experiment e = old;
        e.status = Experiments::ExperimentStatus::Concluded;
        e.winner = variantKey;
        e.decisionNote = note.trimmed();
        e.decidedAt = now;
        // The results stay as they were decided on: the experiment ends now, or after the
        // last thing recorded of its customers (a sandbox's simulated traffic runs ahead of
        // the clock).
        auto latest = runQuery(m_connection,
                               QStringLiteral("SELECT max(m) FROM (SELECT max(x.exposed_at) AS m FROM experiment_exposures x "
                                              "WHERE x.experiment_id = ? UNION ALL SELECT max(o.created_at) FROM "
                                              "experiment_exposures x JOIN orders o ON o.customer_id = x.customer_id AND "
                                              "o.created_at >= x.exposed_at WHERE x.experiment_id = ?)"),
                               {id, id});
        if (!latest)
            return latest.error();
        qint64 last = now;
        if (latest.value().next() && !latest.value().value(0).isNull())
            last = std::max(now, latest.value().value(0).toLongLong() + 1);
        if (e.startAt && last <= *e.startAt) // decided before its planned start
            last = *e.startAt + 1;
        if (!e.endAt || *e.endAt > last)
            e.endAt = last;
        e.updatedAt = now;
        if (Status s = store(m_connection, campaigns, old, e, QStringLiteral("declare_winner"), actor); !s)
            return s.error();
        return e;
    });
}

Status ExperimentStore::recordExposures(const QList<Exposure> &exposures)
{
    QSqlQuery q(m_connection.database());
    if (!q.prepare(QStringLiteral("INSERT OR IGNORE INTO experiment_exposures(experiment_id, customer_id, variant, exposed_at) "
                                  "VALUES (?, ?, ?, ?)")))
        return Error{q.lastError().text(), m_connection.path()};
    for (const Exposure &e : exposures) {
        q.addBindValue(e.experimentId);
        q.addBindValue(e.customerId);
        q.addBindValue(e.variant);
        q.addBindValue(e.exposedAt);
        if (!q.exec())
            return Error{q.lastError().text(), m_connection.path()};
    }
    return {};
}

Result<std::optional<int>> ExperimentStore::exposure(const QString &experimentId, qint64 customerId)
{
    auto q = runQuery(m_connection,
                      QStringLiteral("SELECT variant FROM experiment_exposures WHERE experiment_id = ? AND customer_id = ?"),
                      {experimentId, customerId});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<int>();
    return std::optional<int>(q.value().value(0).toInt());
}

Result<ExperimentData> ExperimentStore::data(const Experiment &e, qint64 asOf)
{
    return reading<ExperimentData>(m_connection, [&]() -> Result<ExperimentData> {
        const int variants = int(e.variants.size());
        // asOf 0: everything recorded (a sandbox's simulated time runs ahead of the clock).
        qint64 end = asOf > 0 ? asOf : std::numeric_limits<qint64>::max() / 2;
        if (e.endAt)
            end = std::min(end, *e.endAt);
        ExperimentData out;
        out.asOf = end;
        out.exposed = QList<qint64>(variants, 0);
        for (Metric m : Experiments::allMetrics())
            out.metrics[int(m)] = QList<Stats::VariantStats>(variants);

        // Who was exposed, to which variant, when.
        struct Unit
        {
            int variant = 0;
            qint64 exposedAt = 0;
            QList<QPair<qint64, Outcome>> events; // (time, what it adds)
        };
        QHash<qint64, Unit> units;
        auto exposures = runQuery(m_connection,
                                  QStringLiteral("SELECT customer_id, variant, exposed_at FROM experiment_exposures "
                                                 "WHERE experiment_id = ? AND exposed_at < ?"),
                                  {e.id, end});
        if (!exposures)
            return exposures.error();
        while (exposures.value().next()) {
            const int variant = exposures.value().value(1).toInt();
            if (variant < 0 || variant >= variants)
                continue;
            units.insert(exposures.value().value(0).toLongLong(), {variant, exposures.value().value(2).toLongLong(), {}});
        }
        // Their orders from exposure to the end (cancelled ones do not count).
        auto orders = runQuery(m_connection,
                               QStringLiteral("SELECT o.customer_id, o.created_at, o.amount FROM experiment_exposures x "
                                              "JOIN orders o ON o.customer_id = x.customer_id AND o.created_at >= x.exposed_at "
                                              "AND o.created_at < ? AND o.status <> 'CANCELED' "
                                              "WHERE x.experiment_id = ? AND x.exposed_at < ?"),
                               {end, e.id, end});
        if (!orders)
            return orders.error();
        while (orders.value().next()) {
            auto it = units.find(orders.value().value(0).toLongLong());
            if (it == units.end())
                continue;
            Outcome o;
            o.orders = 1;
            o.revenue = orders.value().value(2).toLongLong();
            it->events.append({orders.value().value(1).toLongLong(), o});
        }
        // Their successful redemptions of their own variant's incentive.
        QStringList campaignIds;
        for (const Experiments::Variant &v : e.variants) {
            if (!v.holdout && !campaignIds.contains(v.campaignId))
                campaignIds << v.campaignId;
        }
        if (!campaignIds.isEmpty()) {
            QVariantList values{end, e.id, end};
            for (const QString &id : campaignIds)
                values << id;
            auto redemptions = runQuery(
                m_connection,
                QStringLiteral("SELECT r.customer_id, r.created_at, r.discount_amount, r.campaign_id, COALESCE(r.tier_id, '') "
                               "FROM experiment_exposures x JOIN redemptions r ON r.customer_id = x.customer_id "
                               "AND r.created_at >= x.exposed_at AND r.created_at < ? AND r.result = 'SUCCESS' "
                               "AND r.object = 'redemption' "
                               "WHERE x.experiment_id = ? AND x.exposed_at < ? AND r.campaign_id IN (")
                    + placeholders(campaignIds.size()) + QStringLiteral(")"),
                values);
            if (!redemptions)
                return redemptions.error();
            while (redemptions.value().next()) {
                auto it = units.find(redemptions.value().value(0).toLongLong());
                if (it == units.end())
                    continue;
                const Experiments::Variant &own = e.variants[it->variant];
                if (own.holdout || own.campaignId != redemptions.value().value(3).toString()
                    || (!own.tierId.isEmpty() && own.tierId != redemptions.value().value(4).toString()))
                    continue;
                Outcome o;
                o.redemptions = 1;
                o.discount = redemptions.value().value(2).toLongLong();
                it->events.append({redemptions.value().value(1).toLongLong(), o});
            }
        }

        // Totals.
        qint64 first = end;
        qint64 latest = 0;
        for (auto it = units.begin(); it != units.end(); ++it) {
            Outcome total;
            for (const auto &event : std::as_const(it->events))
                total += event.second;
            ++out.exposed[it->variant];
            addOutcome(out.metrics, it->variant, total);
            first = std::min(first, it->exposedAt);
            latest = std::max(latest, it->exposedAt);
            for (const auto &event : std::as_const(it->events))
                latest = std::max(latest, event.first);
            std::sort(it->events.begin(), it->events.end(),
                      [](const auto &a, const auto &b) { return a.first < b.first; });
        }
        if (units.isEmpty())
            return out;
        if (asOf <= 0 && !e.endAt) {
            end = latest + 1;
            out.asOf = end;
        }

        // Daily series: as of each UTC day's end, the units exposed so far and their
        // outcomes so far (at most 366 days, the last ones).
        const qint64 firstDay = first - first % kDayMs;
        qint64 lastDay = (end - 1) - (end - 1) % kDayMs;
        qint64 day = std::max(firstDay, lastDay - 365 * kDayMs);
        struct Cursor
        {
            const Unit *unit;
            int next = 0;
            Outcome sofar;
        };
        QList<Cursor> cursors;
        cursors.reserve(units.size());
        for (const Unit &u : std::as_const(units))
            cursors.append({&u, 0, {}});
        for (; day <= lastDay; day += kDayMs) {
            const qint64 dayEnd = std::min(day + kDayMs, end);
            ExperimentData::Day point;
            point.day = day;
            point.exposed = QList<qint64>(variants, 0);
            point.primary = QList<Stats::VariantStats>(variants);
            for (Cursor &c : cursors) {
                if (c.unit->exposedAt >= dayEnd)
                    continue;
                if (c.unit->exposedAt >= day)
                    ++point.exposed[c.unit->variant];
                while (c.next < c.unit->events.size() && c.unit->events[c.next].first < dayEnd)
                    c.sofar += c.unit->events[c.next++].second;
                // Only the primary metric is charted day by day.
                addUnit(point.primary[c.unit->variant], e.primaryMetric, c.sofar);
            }
            out.days.append(point);
        }
        return out;
    });
}

Result<ExperimentStore::Baseline> ExperimentStore::baseline(const Experiment &e, qint64 now, int days)
{
    return reading<Baseline>(m_connection, [&]() -> Result<Baseline> {
        Baseline out;
        auto where = audienceWhere(e, now);
        if (!where)
            return where.error();
        auto audience = runQuery(m_connection, QStringLiteral("SELECT count(*) FROM customers c WHERE ") + where.value().where,
                                 where.value().bindings);
        if (!audience)
            return audience.error();
        if (audience.value().next())
            out.audience = audience.value().value(0).toLongLong();
        const qint64 from = now - qint64(days) * kDayMs;
        // Per audience customer who ordered in the period: orders, revenue and discount.
        QVariantList values{from, now};
        values += where.value().bindings;
        auto orders = runQuery(m_connection,
                               QStringLiteral("SELECT o.customer_id, count(*), sum(o.amount), sum(o.discount_amount) "
                                              "FROM orders o JOIN customers c ON c.id = o.customer_id "
                                              "WHERE o.created_at >= ? AND o.created_at < ? AND o.status <> 'CANCELED' AND ")
                                   + where.value().where + QStringLiteral(" GROUP BY o.customer_id"),
                               values);
        if (!orders)
            return orders.error();
        QList<Outcome> outcomes;
        while (orders.value().next()) {
            Outcome o;
            o.orders = orders.value().value(1).toLongLong();
            o.revenue = orders.value().value(2).toLongLong();
            o.discount = orders.value().value(3).toLongLong();
            o.redemptions = o.discount > 0 ? 1 : 0;
            outcomes << o;
        }
        out.periodCustomers = outcomes.size();
        auto daily = runQuery(m_connection,
                              QStringLiteral("SELECT count(*) FROM (SELECT DISTINCT o.customer_id, o.created_at / 86400000 "
                                             "FROM orders o JOIN customers c ON c.id = o.customer_id "
                                             "WHERE o.created_at >= ? AND o.created_at < ? AND o.status <> 'CANCELED' AND ")
                                  + where.value().where + QStringLiteral(")"),
                              values);
        if (!daily)
            return daily.error();
        if (daily.value().next())
            out.dailyCustomers = daily.value().value(0).toDouble() / std::max(1, days);
        // As if the whole audience had been exposed on the period's first day: those who
        // did not order are units with zeros.
        QHash<int, QList<Stats::VariantStats>> metrics;
        for (Metric m : Experiments::allMetrics())
            metrics[int(m)] = QList<Stats::VariantStats>(1);
        for (const Outcome &o : std::as_const(outcomes))
            addOutcome(metrics, 0, o);
        const qint64 idle = std::max<qint64>(0, out.audience - outcomes.size());
        for (Metric m : Experiments::allMetrics()) {
            Stats::VariantStats s = metrics[int(m)][0];
            s.n += idle;
            out.metrics.insert(int(m), s);
        }
        return out;
    });
}

} // namespace PromoDesk::Store
