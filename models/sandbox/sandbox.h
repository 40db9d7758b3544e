#pragma once

#include "common/result.h"
#include "store/workspace.h"

#include <QString>

#include <atomic>
#include <functional>

// Sandbox workspaces (issue 9): a workspace of kind "sandbox" beside production, seeded
// with demo data or with a sampled, anonymised copy of production's customers and
// orders. Production is only ever read, through a read-only connection. docs/sandbox.md.
namespace PromoDesk::Sandbox {

struct SandboxOptions
{
    enum class Seeding { Demo, SampleOfProduction };
    Seeding seeding = Seeding::Demo;
    // The production workspace: recorded in the sandbox's workspace_meta
    // ("production_path", absolute) so that promotion knows where to go; for
    // SampleOfProduction also the source of customers, orders, catalogue, segments and
    // campaigns. May be empty for a Demo sandbox.
    QString productionPath;
    qint64 sampleCustomers = 10'000; // SampleOfProduction: at most this many, with all their orders and events
    quint32 seed = 1;                // which customers are sampled; the demo's seed
    QString demoSize = QStringLiteral("small"); // Demo: small / medium / large
    QString name;                    // shown in the title bar; default "<production name> sandbox"
};

// progress(done, total) returns false to cancel. Called from the worker thread.
using Progress = std::function<bool(qint64 done, qint64 total)>;

// Creates the sandbox at `path`, whole or not at all (built as "<path>.part", renamed at
// the end; a cancel or an error leaves nothing). Refuses an existing file, a production
// path that is itself a sandbox, and a missing production for SampleOfProduction.
//
// Demo: the demo generator's workspace with its campaigns and history (what
// `init --demo SIZE --sandbox` makes), recording production_path when one is given.
//
// SampleOfProduction copies, in one transaction over production attached read-only
// (production's file is never written, not even a checkpoint): the catalogue, segment
// definitions, campaigns (definitions and status as they are), the stacking rules and
// code case; at most `sampleCustomers` customers chosen by a hash of (seed, customer
// id) — the same seed picks the same customers — with ALL their orders, order items,
// events and segment stays; the codes published to them plus up to 1 000 unpublished
// codes per campaign. No redemptions, validations, usage counters, size history or
// audit rows: the sandbox starts with a clean history (codes unredeemed, gift cards
// full). Ids are kept, so every reference stays valid. Segment sizes are recounted.
// Anonymised: names become "Customer N", emails "customer-N@example.invalid" (none stays
// none), phones are dropped, postal codes keep their district (the part before the
// space, else the first three characters), source_ids become "sbx-N" (N the customer
// id); countries, cities, dates, tags, metadata, consents and order history are kept,
// so rules still mean something. Production must be at schema 5 or later.
Result<Store::WorkspaceInfo> createSandbox(const QString &path, const SandboxOptions &options, const Progress &progress = {});

// The production workspace a sandbox was made beside (workspace_meta
// "production_path"), empty when none was recorded or `connection` is production.
Result<QString> productionOf(Store::Connection &connection);

} // namespace PromoDesk::Sandbox
