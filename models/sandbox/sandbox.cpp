#include "sandbox.h"

#include "engine/democampaigns.h"
#include "store/connection.h"
#include "store/demogenerator.h"
#include "store/sandboxstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <utility>
#include <vector>

namespace PromoDesk::Sandbox {

namespace {

using namespace PromoDesk::Store;

// Enough unpublished codes of each campaign to try its codes in the sandbox; a
// million-code campaign would otherwise dwarf the sample.
constexpr qint64 UnpublishedCodesPerCampaign = 1000;
// Customers copied per step: the granularity of progress and cancel.
constexpr size_t CustomersPerStep = 1000;
constexpr int MinimumProductionSchema = 5;

// splitmix64's finaliser: a well-mixed 64-bit hash of a 64-bit value.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// The `count` customers whose hash under `seed` is smallest, ascending by id. A hash
// rather than a shuffle: who is picked depends only on the seed and the customer's id,
// not on how many customers come before it or on the platform's random engines.
std::vector<qint64> sampleIds(std::vector<qint64> ids, qint64 count, quint32 seed)
{
    if (count < 0)
        count = 0;
    if (size_t(count) >= ids.size())
        return ids;
    const quint64 salt = mix(quint64(seed) ^ 0x5344424f58ULL); // "SDBOX"
    std::vector<std::pair<quint64, qint64>> keyed;
    keyed.reserve(ids.size());
    for (qint64 id : ids)
        keyed.emplace_back(mix(salt ^ quint64(id)), id);
    const auto nth = keyed.begin() + count;
    std::nth_element(keyed.begin(), nth, keyed.end());
    std::vector<qint64> chosen;
    chosen.reserve(size_t(count));
    for (auto it = keyed.begin(); it != nth; ++it)
        chosen.push_back(it->second);
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

void removeWorkspaceFiles(const QString &file)
{
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
        QFile::remove(file + suffix);
}

Error cancelled(const QString &path)
{
    return Error{QStringLiteral("cancelled; no sandbox was created"), path};
}

// Checks the production workspace a sandbox is made beside, read-only.
Result<WorkspaceInfo> checkProduction(const QString &productionPath)
{
    if (!QFileInfo::exists(productionPath))
        return Error{QStringLiteral("no such file (the production workspace)"), productionPath};
    auto info = Workspace::inspect(productionPath);
    if (!info)
        return info.error();
    if (info.value().kind == WorkspaceKind::Sandbox)
        return Error{QStringLiteral("this is a sandbox, not a production workspace; a sandbox is made beside production"),
                     productionPath};
    // What the copy reads exists from schema 5 on (segments' description, zone, size);
    // an older production would have to be upgraded, and a sandbox never writes to it.
    if (info.value().schemaVersion < MinimumProductionSchema)
        return Error{QStringLiteral("production is at schema version %1 (a sandbox needs %2 or later); open it in "
                                    "PromoDesk once to upgrade it — making a sandbox never writes to production")
                         .arg(info.value().schemaVersion)
                         .arg(MinimumProductionSchema),
                     productionPath};
    return info;
}

// Folds the WAL of a finished side file back into it, closes it and renames it onto
// `path` (which must not exist).
Status finishFile(std::unique_ptr<Connection> connection, const QString &part, const QString &path)
{
    // The log is removed below only once its pages are in the file.
    if (Status folded = Store::checkpoint(*connection); !folded) {
        connection.reset();
        removeWorkspaceFiles(part);
        return folded;
    }
    connection.reset();
    QFile::remove(part + QStringLiteral("-wal"));
    QFile::remove(part + QStringLiteral("-shm"));
    if (QFileInfo::exists(path)) {
        removeWorkspaceFiles(part);
        return Error{QStringLiteral("a file appeared there while the sandbox was being made; nothing was replaced"), path};
    }
    if (!QFile::rename(part, path)) {
        removeWorkspaceFiles(part);
        return Error{QStringLiteral("cannot move the new sandbox into place"), path};
    }
    return {};
}

Status recordProduction(Connection &connection, const QString &productionPath)
{
    if (productionPath.isEmpty())
        return {};
    if (Status s = connection.begin(); !s)
        return s;
    if (Status s = setMetaValue(connection, QStringLiteral("production_path"), productionPath); !s) {
        connection.rollback();
        return s;
    }
    return connection.commit();
}

Result<WorkspaceInfo> createDemo(const QString &path, const QString &part, const SandboxOptions &options,
                                 const QString &productionPath, const QString &name, const Progress &progress)
{
    const auto size = demoSizeFromName(options.demoSize);
    if (!size)
        return Error{QStringLiteral("the demo size must be small, medium or large, not \"%1\"").arg(options.demoSize),
                     path};
    DemoOptions demo;
    demo.size = *size;
    demo.seed = options.seed;
    demo.kind = WorkspaceKind::Sandbox;
    demo.name = name;
    bool stopped = false;
    const auto percent = [&](int done) {
        if (progress && !progress(done, 100))
            stopped = true;
        return !stopped;
    };
    auto report = Engine::generateDemoWorkspace(part, demo, percent);
    if (stopped) {
        removeWorkspaceFiles(part);
        return cancelled(path);
    }
    if (!report) {
        removeWorkspaceFiles(part);
        return Error{report.error().message, path};
    }
    auto connection = Workspace::openForWriting(part);
    if (!connection) {
        removeWorkspaceFiles(part);
        return Error{connection.error().message, path};
    }
    if (Status s = recordProduction(*connection.value(), productionPath); !s) {
        connection.value().reset();
        removeWorkspaceFiles(part);
        return Error{s.error().message, path};
    }
    if (Status s = finishFile(std::move(connection).value(), part, path); !s)
        return s.error();
    return Workspace::inspect(path);
}

Status copyProduction(Connection &connection, const SandboxOptions &options, const QString &productionPath,
                      const Progress &progress, bool &stopped)
{
    SandboxCopy copy(connection);
    if (Status s = copy.attachProduction(productionPath); !s)
        return s;
    if (Status s = copy.begin(); !s)
        return s;
    auto ids = copy.productionCustomerIds();
    if (!ids)
        return ids.error();
    const std::vector<qint64> sample = sampleIds(std::move(ids).value(), options.sampleCustomers, options.seed);
    // Steps: the definitions, the customers in steps, the unpublished codes, the commit.
    const qint64 total = qint64(sample.size()) + 3;
    qint64 done = 0;
    const auto step = [&](qint64 advance) {
        done += advance;
        if (progress && !progress(done, total))
            stopped = true;
        return !stopped;
    };
    if (progress && !progress(0, total)) {
        stopped = true;
        return {};
    }
    if (Status s = copy.setSample(sample); !s)
        return s;
    if (Status s = copy.copySettings(); !s)
        return s;
    if (Status s = copy.copyDefinitions(); !s)
        return s;
    if (!step(1))
        return {};
    for (size_t from = 0; from < sample.size(); from += CustomersPerStep) {
        const size_t to = std::min(from + CustomersPerStep, sample.size()) - 1;
        if (Status s = copy.copyCustomers(sample[from], sample[to]); !s)
            return s;
        if (!step(qint64(to - from + 1)))
            return {};
    }
    if (Status s = copy.copyUnpublishedCodes(UnpublishedCodesPerCampaign); !s)
        return s;
    if (Status s = copy.recountSegments(); !s)
        return s;
    if (Status s = setMetaValue(connection, QStringLiteral("production_path"), productionPath); !s)
        return s;
    if (Status s = setMetaValue(connection, QStringLiteral("sandbox_seed"), QString::number(options.seed)); !s)
        return s;
    if (!step(1))
        return {};
    if (Status s = copy.commit(); !s)
        return s;
    step(1);
    return {};
}

Result<WorkspaceInfo> createSample(const QString &path, const QString &part, const SandboxOptions &options,
                                   const QString &productionPath, const WorkspaceInfo &production, const QString &name,
                                   const Progress &progress)
{
    auto created = Workspace::create(part, WorkspaceKind::Sandbox, name, production.currency);
    if (!created)
        return Error{created.error().message, path};
    auto connection = Workspace::openForWriting(part);
    if (!connection) {
        removeWorkspaceFiles(part);
        return Error{connection.error().message, path};
    }
    bool stopped = false;
    const Status copied = copyProduction(*connection.value(), options, productionPath, progress, stopped);
    if (!copied || stopped) {
        connection.value().reset();
        removeWorkspaceFiles(part);
        if (stopped)
            return cancelled(path);
        return Error{copied.error().message, copied.error().where.isEmpty() ? path : copied.error().where};
    }
    if (Status s = finishFile(std::move(connection).value(), part, path); !s)
        return s.error();
    return Workspace::inspect(path);
}

} // namespace

Result<WorkspaceInfo> createSandbox(const QString &path, const SandboxOptions &options, const Progress &progress)
{
    if (path.isEmpty())
        return Error{QStringLiteral("the sandbox needs a file name"), {}};
    if (QFileInfo::exists(path))
        return Error{QStringLiteral("a file already exists there; choose another name or remove it first"), path};
    const QFileInfo target(path);
    if (!target.absoluteDir().exists())
        return Error{QStringLiteral("the folder %1 does not exist").arg(target.absolutePath()), path};

    const bool sampled = options.seeding == SandboxOptions::Seeding::SampleOfProduction;
    if (sampled && options.productionPath.isEmpty())
        return Error{QStringLiteral("a sandbox sampled from production needs the production workspace"), path};
    if (sampled && options.sampleCustomers < 1)
        return Error{QStringLiteral("the sample needs at least one customer, not %1").arg(options.sampleCustomers), path};
    QString productionPath;
    WorkspaceInfo production;
    if (!options.productionPath.isEmpty()) {
        productionPath = QFileInfo(options.productionPath).absoluteFilePath();
        auto checked = checkProduction(productionPath);
        if (!checked)
            return checked.error();
        production = checked.value();
    }
    QString name = options.name;
    if (name.isEmpty())
        name = productionPath.isEmpty() ? QStringLiteral("Demo sandbox")
                                        : QStringLiteral("%1 sandbox").arg(production.name);

    // A side file left by a killed run is ours to replace.
    const QString part = path + QStringLiteral(".part");
    removeWorkspaceFiles(part);
    if (sampled)
        return createSample(path, part, options, productionPath, production, name, progress);
    return createDemo(path, part, options, productionPath, name, progress);
}

Result<QString> productionOf(Connection &connection)
{
    auto info = Workspace::readInfo(connection);
    if (!info)
        return info.error();
    if (info.value().kind != WorkspaceKind::Sandbox)
        return QString();
    return metaValue(connection, QStringLiteral("production_path"));
}

} // namespace PromoDesk::Sandbox
