#pragma once

#include "common/result.h"
#include "engine/codegenerator.h"

#include <functional>

namespace PromoDesk::Store {

class Connection;

struct GeneratedCodes
{
    qint64 inserted = 0;
    qint64 clashes = 0; // drawn codes already in the workspace, replaced by new draws
};

// Codes (vouchers) of a campaign.
class CodeRepository
{
public:
    explicit CodeRepository(Connection &connection);

    // Generates and stores `count` new codes for a campaign in one transaction:
    // all of them or none. Progress in [0, 100]; returning false cancels (rolled back).
    Result<GeneratedCodes> generate(const QString &campaignId, Engine::CodeGenerator &generator, qint64 count,
                                    const std::function<bool(int)> &progress = {});

    Result<qint64> count(const QString &campaignId);

private:
    Connection &m_connection;
};

} // namespace PromoDesk::Store
