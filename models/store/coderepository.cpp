#include "coderepository.h"

#include "connection.h"
#include "workspace.h"

#include <QScopeGuard>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

#include <algorithm>

#include <sqlite3.h>

namespace PromoDesk::Store {

CodeRepository::CodeRepository(Connection &connection) : m_connection(connection) {}

Result<GeneratedCodes> CodeRepository::generate(const QString &campaignId, Engine::CodeGenerator &generator, qint64 count,
                                                const std::function<bool(int)> &progress)
{
    GeneratedCodes out;
    {
        QSqlQuery campaign(m_connection.database());
        campaign.prepare(QStringLiteral("SELECT 1 FROM campaigns WHERE id = ?"));
        campaign.addBindValue(campaignId);
        if (!campaign.exec() || !campaign.next())
            return Error{QStringLiteral("no campaign with id %1").arg(campaignId), QStringLiteral("campaign")};
    }
    if (Status s = m_connection.begin(); !s)
        return s.error();
    // A bulk insert through SQLite's C API on this connection's handle: QSqlQuery's
    // per-row overhead (7 µs) would be most of the cost of a million codes.
    const QVariant handle = m_connection.database().driver()->handle();
    sqlite3 *db = handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0
                      ? *static_cast<sqlite3 *const *>(handle.data())
                      : nullptr;
    sqlite3_stmt *insert = nullptr;
    // OR IGNORE: a code that already exists in the workspace is skipped and redrawn.
    if (!db || sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO codes(code, campaign_id, created_at) VALUES (?, ?, ?)", -1,
                                  &insert, nullptr) != SQLITE_OK) {
        m_connection.rollback();
        return Error{db ? QString::fromUtf8(sqlite3_errmsg(db)) : QStringLiteral("not an SQLite connection"),
                     m_connection.path()};
    }
    const auto finalize = qScopeGuard([insert] { sqlite3_finalize(insert); });
    const QByteArray campaign = campaignId.toUtf8();
    const qint64 now = nowMs();
    int lastPercent = -1;
    // Codes are drawn a batch at a time and inserted in sorted order, so the UNIQUE
    // index grows at its end instead of at a random place for every code.
    while (out.inserted < count) {
        QStringList batch;
        const qint64 wanted = std::min<qint64>(count - out.inserted, 250'000);
        batch.reserve(wanted);
        for (qint64 i = 0; i < wanted; ++i)
            batch.append(generator.next());
        batch.sort();
        for (const QString &code : std::as_const(batch)) {
            const QByteArray text = code.toUtf8();
            sqlite3_bind_text(insert, 1, text.constData(), int(text.size()), SQLITE_STATIC);
            sqlite3_bind_text(insert, 2, campaign.constData(), int(campaign.size()), SQLITE_STATIC);
            sqlite3_bind_int64(insert, 3, now);
            const int rc = sqlite3_step(insert);
            sqlite3_reset(insert);
            if (rc != SQLITE_DONE) {
                const QString message = QString::fromUtf8(sqlite3_errmsg(db));
                m_connection.rollback();
                return Error{message, m_connection.path()};
            }
            if (sqlite3_changes(db) == 1)
                ++out.inserted;
            else
                ++out.clashes; // already in the workspace: the next batch draws a replacement
            const int percent = int(out.inserted * 100 / std::max<qint64>(1, count));
            if (percent != lastPercent) {
                lastPercent = percent;
                if (progress && !progress(percent)) {
                    m_connection.rollback();
                    return Error{QStringLiteral("cancelled; no code was stored"), campaignId};
                }
            }
        }
    }
    if (Status s = m_connection.commit(); !s)
        return s.error();
    return out;
}

Result<qint64> CodeRepository::count(const QString &campaignId)
{
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("SELECT count(*) FROM codes WHERE campaign_id = ?"));
    q.addBindValue(campaignId);
    if (!q.exec() || !q.next())
        return Error{q.lastError().text(), m_connection.path()};
    return q.value(0).toLongLong();
}

} // namespace PromoDesk::Store
