#pragma once

#include "common/result.h"

#include <QList>
#include <QString>

// The simulator's saved cases (table simulator_cases, schema 9); Sandbox::SimulatorCases
// gives them meaning.
namespace PromoDesk::Store {

class Connection;

struct SimulatorCaseRow
{
    qint64 id = 0;
    QString name;
    QString operation;
    QByteArray request;  // JSON
    QByteArray expected; // JSON
    qint64 savedAt = 0;
};

// By name.
Result<QList<SimulatorCaseRow>> simulatorCases(Connection &connection);
// Inserts (id 0) or replaces by id; a name used by another case is refused in words.
Result<qint64> saveSimulatorCase(Connection &connection, const SimulatorCaseRow &row);
Status removeSimulatorCase(Connection &connection, qint64 id);

} // namespace PromoDesk::Store
