#pragma once

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace PromoDesk::Store {
class Connection;
}

// Saved simulator cases (issue 9): a named request (customer, cart, clock, redeemables)
// and the outcome it had when saved; re-run as a regression suite after a campaign
// changes. Stored in the workspace (table simulator_cases, schema 9). docs/sandbox.md.
namespace PromoDesk::Sandbox {

struct SimulatorCase
{
    qint64 id = 0;
    QString name;
    QString operation = QStringLiteral("qualify"); // qualify / validate / redeem (redeem re-runs as validate)
    QJsonObject request;   // the request JSON of docs/cli.md, "now" included
    QJsonObject expected;  // outcomeOf() when saved
    qint64 savedAt = 0;
};

struct CaseRun
{
    SimulatorCase simulatorCase;
    QJsonObject actual;
    bool passed = false;
    QString difference; // for people: "camp_x: applicable -> inapplicable (customer_rules_violated)"
};

// The part of a response a case compares: per redeemable (campaign, tier, code) its
// outcome, failure key and discount; the total discount.
QJsonObject outcomeOf(const QJsonObject &validationResponse);

class SimulatorCases
{
public:
    explicit SimulatorCases(Store::Connection &connection);
    Result<QList<SimulatorCase>> list();
    Result<SimulatorCase> save(SimulatorCase simulatorCase); // insert (id 0) or replace
    Status remove(qint64 id);
    // Runs every case (or the given ids) again through the engine, reads only.
    Result<QList<CaseRun>> run(const QList<qint64> &ids = {});

private:
    Store::Connection &m_connection;
};

} // namespace PromoDesk::Sandbox
