#include "simulatorcasestore.h"

#include "sqlutil.h"

namespace PromoDesk::Store {

Result<QList<SimulatorCaseRow>> simulatorCases(Connection &connection)
{
    auto q = runQuery(connection, QStringLiteral("SELECT id, name, operation, request, expected, saved_at FROM simulator_cases "
                                                 "ORDER BY name, id"));
    if (!q)
        return q.error();
    QList<SimulatorCaseRow> rows;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        rows.append({r.value(0).toLongLong(), r.value(1).toString(), r.value(2).toString(), r.value(3).toByteArray(),
                     r.value(4).toByteArray(), r.value(5).toLongLong()});
    }
    return rows;
}

Result<qint64> saveSimulatorCase(Connection &connection, const SimulatorCaseRow &row)
{
    if (row.name.trimmed().isEmpty())
        return Error{QStringLiteral("a case needs a name"), QStringLiteral("name")};
    return writing<qint64>(connection, [&]() -> Result<qint64> {
        auto clash = runQuery(connection, QStringLiteral("SELECT id FROM simulator_cases WHERE name = ? AND id <> ?"),
                              {row.name.trimmed(), row.id});
        if (!clash)
            return clash.error();
        if (clash.value().next())
            return Error{QStringLiteral("another case is already called \"%1\"").arg(row.name.trimmed()), QStringLiteral("name")};
        const QVariantList values{row.name.trimmed(), row.operation, QString::fromUtf8(row.request), QString::fromUtf8(row.expected),
                                  row.savedAt};
        if (row.id == 0) {
            auto q = runQuery(connection, QStringLiteral("INSERT INTO simulator_cases(name, operation, request, expected, saved_at) "
                                                         "VALUES (?, ?, ?, ?, ?)"),
                              values);
            if (!q)
                return q.error();
            return q.value().lastInsertId().toLongLong();
        }
        auto q = runQuery(connection, QStringLiteral("UPDATE simulator_cases SET name = ?, operation = ?, request = ?, expected = ?, "
                                                     "saved_at = ? WHERE id = ?"),
                          QVariantList(values) << row.id);
        if (!q)
            return q.error();
        if (q.value().numRowsAffected() != 1)
            return Error{QStringLiteral("no simulator case %1").arg(row.id), QStringLiteral("id")};
        return row.id;
    });
}

Status removeSimulatorCase(Connection &connection, qint64 id)
{
    auto q = runQuery(connection, QStringLiteral("DELETE FROM simulator_cases WHERE id = ?"), {id});
    if (!q)
        return q.error();
    return {};
}

} // namespace PromoDesk::Store
