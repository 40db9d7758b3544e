#pragma once

#include "common/result.h"
#include "workspace.h"

#include <QDate>
#include <QString>

#include <functional>
#include <optional>

namespace PromoDesk::Store {

enum class DemoSize { Small, Medium, Large };

std::optional<DemoSize> demoSizeFromName(const QString &name); // "small" / "medium" / "large"
qint64 demoMemberCount(DemoSize size);

struct DemoReport;
// Progress in [0, 100]; return false to cancel (the target file is then never created).
using DemoProgress = std::function<bool(int percent)>;

struct DemoOptions
{
    DemoSize size = DemoSize::Small;
    quint64 seed = 1;
    // The demo history ends here. Fixed by default so that the same seed gives the
    // same bytes of data on any day; pass another date to move the history.
    QDate asOf = QDate(2026, 11, 1);
    WorkspaceKind kind = WorkspaceKind::Production;
    QString name;
    // A later stage run on the finished side file before it is renamed into place (the
    // campaign engine's demo campaigns and redemption history: Engine::generateDemoWorkspace).
    // It gets the second part of the progress range; an error or a cancel discards the file.
    std::function<Status(const QString &file, const DemoProgress &progress, DemoReport &report)> populate;
};

struct DemoReport
{
    qint64 customers = 0;
    qint64 orders = 0;
    qint64 orderItems = 0;
    qint64 events = 0;
    qint64 products = 0;
    qint64 skus = 0;
    qint64 loadMs = 0;   // generating and inserting rows
    qint64 indexMs = 0;  // building indexes after the load
    qint64 totalMs = 0;
    qint64 campaigns = 0;          // filled by DemoOptions::populate
    qint64 codes = 0;
    qint64 redemptionAttempts = 0; // successes, failures and rollbacks
    qint64 historyMs = 0;

    qint64 rows() const { return customers + orders + orderItems + events + products + skus; }
};

// Builds a deterministic pet-store loyalty programme into a new workspace file.
// Rows are bulk-inserted in one transaction into a side file which is renamed
// onto `path` only when complete: a killed run leaves no workspace behind.
Result<DemoReport> generateDemo(const QString &path, const DemoOptions &options, const DemoProgress &progress = {});

} // namespace PromoDesk::Store
