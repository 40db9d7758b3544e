#pragma once

#include "common/result.h"
#include "customerrepository.h"
#include "workspace.h"

#include <QFuture>

namespace PromoDesk::Store {

// Headline figures of a workspace, for the dashboard's overview.
struct WorkspaceOverview
{
    qint64 customers = 0;
    qint64 orders = 0;
    qint64 revenue = 0; // sum of order amounts, cents
    qint64 products = 0;
    qint64 campaigns = 0;
    qint64 activeCampaigns = 0;
    qint64 redemptions = 0;
    std::optional<qint64> lastOrderAt;
};

Result<WorkspaceOverview> overview(Connection &connection);

// Work the UI must never wait on: each task runs on the global thread pool with its
// own connection and hands its result back through the future.
namespace Tasks {

QFuture<Result<WorkspaceInfo>> open(const QString &path);
QFuture<Result<QList<TableCount>>> counts(const QString &path);
QFuture<Result<WorkspaceOverview>> overview(const QString &path);
QFuture<Result<CustomerProfile>> customerProfile(const QString &path, const QString &customerId);

} // namespace Tasks
} // namespace PromoDesk::Store
