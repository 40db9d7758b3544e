// promodesk-cli export LIST: any list PromoDesk shows, as CSV (docs/export.md). The
// lists and their columns live in models/store (listexport.h, redemptionlist.h); this
// file only turns the command line into a filter and picks where the bytes go.

#include "exportcommands.h"

#include "cliutil.h"

#include "common/csv.h"
#include "engine/campaign.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/customerrepository.h"
#include "store/listexport.h"
#include "store/redemptionlist.h"
#include "store/segmentstore.h"
#include "store/workspace.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonObject>

#include <array>
#include <cstdio>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Store;

enum class ListKind { Redemptions, Customers, SegmentMembers, Codes, Campaigns };

struct ListName
{
    const char *name;
    ListKind kind;
};

constexpr ListName ListNames[] = {
    {"redemptions", ListKind::Redemptions},
    {"customers", ListKind::Customers},
    {"segment-members", ListKind::SegmentMembers},
    {"codes", ListKind::Codes},
    {"campaigns", ListKind::Campaigns},
};

const QString Description = QStringLiteral(
    "Usage: promodesk-cli export LIST --workspace FILE [--output FILE|-] [--columns a,b,c] [--bom]\n"
    "                            [--no-formula-guard] [--progress] [filters]\n"
    "       promodesk-cli export LIST --list-columns\n"
    "\n"
    "Writes a list as CSV (RFC 4180, UTF-8, CRLF; money as 12.50 beside a currency column;\n"
    "times ISO-8601 with offset; NULL as an empty cell) to standard output, or to --output\n"
    "through a temporary file renamed onto it only when complete. Text cells starting with\n"
    "= + - @ tab or CR get a leading ' (a spreadsheet would run them); --no-formula-guard\n"
    "writes them as they are. Columns and formats: docs/export.md.\n"
    "\n"
    "Lists and their filters:\n"
    "  redemptions      --campaign ID|NAME  --from T  --to T  --customer ID|SOURCE_ID|EMAIL\n"
    "                   --result succeeded|failed|rolled-back|rollbacks  --failure-code KEY\n"
    "                   --code CODE  --channel CHANNEL\n"
    "                   --sort date|code|campaign|customer|order|order-amount|discount|result|\n"
    "                          failure-code|channel|id  --ascending   (default: newest first)\n"
    "                   T is ISO-8601 (2026-03-01, 2026-03-01T09:05:00+01:00; no offset = UTC);\n"
    "                   --from is inclusive, --to exclusive.\n"
    "  customers        --search TEXT  --sort name|created|orders|spent|last-order  --descending\n"
    "  segment-members  --segment ID|NAME (required)\n"
    "  codes            --campaign ID|NAME  --status active|disabled\n"
    "  campaigns        (no filters)\n"
    "\n"
    "Exit status: 0 written, 1 the export failed (unknown campaign, customer, code or segment,\n"
    "unreadable workspace, unwritable file), 2 the command line was wrong.");

const QStringList RedemptionSortKeys = {
    QStringLiteral("date"),         QStringLiteral("code"),    QStringLiteral("campaign"),
    QStringLiteral("customer"),     QStringLiteral("order"),   QStringLiteral("order-amount"),
    QStringLiteral("discount"),     QStringLiteral("result"),  QStringLiteral("failure-code"),
    QStringLiteral("channel"),      QStringLiteral("id"),
};
// In RedemptionSort's order.
const QStringList CustomerSortKeys = {QStringLiteral("name"), QStringLiteral("created"), QStringLiteral("orders"),
                                      QStringLiteral("spent"), QStringLiteral("last-order")};
// In CustomerSort's order.
const QStringList ResultKeys = {QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("rolled-back"),
                                QStringLiteral("rollbacks")};
const QStringList CodeStatuses = {QStringLiteral("active"), QStringLiteral("disabled")};

QString quotedList(const QStringList &values)
{
    return values.join(QStringLiteral(", "));
}

// The list's columns without a workspace (for --list-columns and to check --columns
// early). Segment members: the customer columns and entered_at (stored segments).
ExportList columnsOnly(ListKind kind)
{
    switch (kind) {
    case ListKind::Redemptions: return redemptionColumns();
    case ListKind::Customers: return Lists::customers();
    case ListKind::Codes: return Lists::codes();
    case ListKind::Campaigns: return Lists::campaigns();
    case ListKind::SegmentMembers: {
        ExportList list;
        list.name = QStringLiteral("segment members");
        list.columns = Lists::customerColumns();
        list.columns << ExportColumn{QStringLiteral("entered_at"), QString(), CellKind::Timestamp,
                                     QStringLiteral("joined the segment (static and auto-update segments only)"), true,
                                     nullptr};
        return list;
    }
    }
    return {};
}

void printColumns(const ExportList &list)
{
    qsizetype width = 6;
    for (const ExportColumn &c : list.columns)
        width = qMax(width, c.name.size());
    const QByteArray format = "%-" + QByteArray::number(width + 2) + "s%-9s%s\n";
    std::printf(format.constData(), "column", "default", "description");
    for (const ExportColumn &c : list.columns)
        std::printf(format.constData(), c.name.toUtf8().constData(), c.byDefault ? "yes" : "no",
                    c.description.toUtf8().constData());
}

Result<std::unique_ptr<Connection>> openReadOnly(const QString &path)
{
    auto info = Workspace::inspect(path);
    if (!info)
        return info.error();
    return Connection::open(path, Connection::Access::ReadOnly);
}

// A campaign by id, or else by its exact name (as the redemption filter takes it).
Result<QString> findCampaign(Connection &connection, const QString &idOrName)
{
    auto campaigns = CampaignStore(connection).loadCampaigns();
    if (!campaigns)
        return campaigns.error();
    for (const Engine::Campaign &c : campaigns.value())
        if (c.id == idOrName)
            return c.id;
    for (const Engine::Campaign &c : campaigns.value())
        if (c.name == idOrName)
            return c.id;
    return Error{QStringLiteral("no campaign \"%1\" (by id or name)").arg(idOrName), QStringLiteral("--campaign")};
}

// A segment by id, or else by name in any case (as `segment export` takes it).
Result<Segment> findSegment(Connection &connection, const QString &idOrName)
{
    auto all = SegmentStore(connection).list();
    if (!all)
        return all.error();
    for (const Segment &s : all.value())
        if (s.id == idOrName)
            return s;
    for (const Segment &s : all.value())
        if (s.name.compare(idOrName, Qt::CaseInsensitive) == 0)
            return s;
    return Error{QStringLiteral("no segment \"%1\" (by id or name)").arg(idOrName), QStringLiteral("--segment")};
}

} // namespace

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(Description);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Write to FILE (through a temporary file, renamed when complete); "
                                                   "- or none: standard output."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption columns(QStringLiteral("columns"),
                                     QStringLiteral("The columns, in this order, separated by commas (default: the "
                                                    "list's default columns; see --list-columns)."),
                                     QStringLiteral("a,b,c"));
    const QCommandLineOption listColumns(QStringLiteral("list-columns"),
                                         QStringLiteral("Print the list's columns: name, whether it is a default "
                                                        "column, what it holds. Needs no workspace."));
    const QCommandLineOption bom(QStringLiteral("bom"), QStringLiteral("Start with a UTF-8 byte order mark (for Excel)."));
    const QCommandLineOption noGuard(QStringLiteral("no-formula-guard"),
                                     QStringLiteral("Write text cells starting with = + - @ tab CR as they are (for "
                                                    "programs, not spreadsheets)."));
    const QCommandLineOption progress(QStringLiteral("progress"), QStringLiteral("Show the progress on stderr."));
    const QCommandLineOption campaign(QStringLiteral("campaign"), QStringLiteral("redemptions, codes: one campaign."),
                                      QStringLiteral("ID|NAME"));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("redemptions: at or after T (ISO-8601)."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("redemptions: before T (ISO-8601; exclusive)."),
                                QStringLiteral("T"));
    const QCommandLineOption result(QStringLiteral("result"),
                                    QStringLiteral("redemptions: succeeded, failed, rolled-back or rollbacks."),
                                    QStringLiteral("RESULT"));
    const QCommandLineOption failureCode(QStringLiteral("failure-code"),
                                         QStringLiteral("redemptions: failed with this key (e.g. voucher_expired)."),
                                         QStringLiteral("KEY"));
    const QCommandLineOption customer(QStringLiteral("customer"),
                                      QStringLiteral("redemptions: one customer (cust_N, the shop's id or the email)."),
                                      QStringLiteral("C"));
    const QCommandLineOption code(QStringLiteral("code"), QStringLiteral("redemptions: one code."), QStringLiteral("CODE"));
    const QCommandLineOption channel(QStringLiteral("channel"), QStringLiteral("redemptions: one channel (web, store, app…)."),
                                     QStringLiteral("CHANNEL"));
    const QCommandLineOption sort(QStringLiteral("sort"),
                                  QStringLiteral("redemptions: date (default), code, campaign, customer, order, "
                                                 "order-amount, discount, result, failure-code, channel, id; "
                                                 "customers: name (default), created, orders, spent, last-order."),
                                  QStringLiteral("KEY"));
    const QCommandLineOption ascending(QStringLiteral("ascending"),
                                       QStringLiteral("redemptions: oldest / smallest first (default: newest first)."));
    const QCommandLineOption descending(QStringLiteral("descending"),
                                        QStringLiteral("customers: largest / last first (default: ascending)."));
    const QCommandLineOption search(QStringLiteral("search"),
                                    QStringLiteral("customers: name or email containing TEXT, or an exact id or "
                                                   "source id."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption segment(QStringLiteral("segment"), QStringLiteral("segment-members: the segment's id or name."),
                                     QStringLiteral("ID|NAME"));
    const QCommandLineOption status(QStringLiteral("status"), QStringLiteral("codes: active or disabled."),
                                    QStringLiteral("STATUS"));
    parser.addOptions({help, workspace, output, columns, listColumns, bom, noGuard, progress, campaign, from, to, result,
                       failureCode, customer, code, channel, sort, ascending, descending, search, segment, status});
    parser.addPositionalArgument(QStringLiteral("list"),
                                 QStringLiteral("redemptions, customers, segment-members, codes or campaigns."));

    // arguments[0] is "export", where the parser expects a program name.
    if (!parser.parse(arguments))
        return fail(QStringLiteral("export: ") + parser.errorText(), 2);
    if (parser.isSet(help)) {
        // Qt's own first line ("Usage: <path> [options] list") says less than ours.
        const QString text = parser.helpText();
        std::fputs(text.mid(text.indexOf(QLatin1Char('\n')) + 1).toUtf8().constData(), stdout);
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return fail(QStringLiteral("export: say which list: redemptions, customers, segment-members, codes or campaigns "
                                   "(promodesk-cli export --help)"),
                    2);
    if (positional.size() > 1)
        return fail(QStringLiteral("export: unexpected argument \"%1\" (one list at a time)").arg(positional.at(1)), 2);
    std::optional<ListKind> kind;
    for (const ListName &l : ListNames)
        if (positional.constFirst() == QLatin1String(l.name))
            kind = l.kind;
    if (!kind)
        return fail(QStringLiteral("export: \"%1\" is not a list (redemptions, customers, segment-members, codes or "
                                   "campaigns)")
                        .arg(positional.constFirst()),
                    2);
    const QString command = QStringLiteral("export ") + positional.constFirst();
    auto usage = [&](const QString &message) { return fail(command + QStringLiteral(": ") + message, 2); };

    // Filters that do not belong to the list are refused rather than ignored: a
    // filter silently dropped would export rows the person did not ask for.
    struct Applies
    {
        const QCommandLineOption *option;
        QList<ListKind> lists;
    };
    const Applies applies[] = {
        {&campaign, {ListKind::Redemptions, ListKind::Codes}},
        {&from, {ListKind::Redemptions}},
        {&to, {ListKind::Redemptions}},
        {&result, {ListKind::Redemptions}},
        {&failureCode, {ListKind::Redemptions}},
        {&customer, {ListKind::Redemptions}},
        {&code, {ListKind::Redemptions}},
        {&channel, {ListKind::Redemptions}},
        {&sort, {ListKind::Redemptions, ListKind::Customers}},
        {&ascending, {ListKind::Redemptions}},
        {&descending, {ListKind::Customers}},
        {&search, {ListKind::Customers}},
        {&segment, {ListKind::SegmentMembers}},
        {&status, {ListKind::Codes}},
    };
    for (const Applies &a : applies) {
        if (parser.isSet(*a.option) && !a.lists.contains(*kind)) {
            const QString name = a.option->names().constLast();
            return usage(QStringLiteral("--%1 does not apply to this list (see promodesk-cli export --help)").arg(name));
        }
    }

    // Values, all checked before the workspace is opened.
    RedemptionFilter filter;
    RedemptionOrder order;
    int customerSort = 0;
    auto timeOption = [&](const QCommandLineOption &option, std::optional<qint64> &into) -> bool {
        if (!parser.isSet(option))
            return true;
        const QString value = parser.value(option);
        const auto parsed = Csv::parseTimestamp(value.trimmed().toUtf8());
        if (!parsed)
            return false;
        into = *parsed;
        return true;
    };
    if (!timeOption(from, filter.from))
        return usage(QStringLiteral("--from \"%1\" is not a time (ISO-8601: 2026-03-01 or 2026-03-01T09:05:00+01:00)")
                         .arg(parser.value(from)));
    if (!timeOption(to, filter.to))
        return usage(QStringLiteral("--to \"%1\" is not a time (ISO-8601: 2026-03-01 or 2026-03-01T09:05:00+01:00)")
                         .arg(parser.value(to)));
    if (filter.from && filter.to && *filter.to <= *filter.from)
        return usage(QStringLiteral("--to \"%1\" is not after --from \"%2\" (--to is exclusive)")
                         .arg(parser.value(to), parser.value(from)));
    if (parser.isSet(result)) {
        const qsizetype i = ResultKeys.indexOf(parser.value(result).trimmed().toLower());
        if (i < 0)
            return usage(QStringLiteral("--result must be %1, not \"%2\"").arg(quotedList(ResultKeys), parser.value(result)));
        filter.outcome = std::array{RedemptionOutcome::Succeeded, RedemptionOutcome::Failed, RedemptionOutcome::RolledBack,
                                    RedemptionOutcome::Rollbacks}[size_t(i)];
    }
    if (parser.isSet(sort)) {
        const QString key = parser.value(sort).trimmed().toLower();
        const QStringList &keys = *kind == ListKind::Redemptions ? RedemptionSortKeys : CustomerSortKeys;
        const qsizetype i = keys.indexOf(key);
        if (i < 0)
            return usage(QStringLiteral("--sort must be one of %1, not \"%2\"").arg(quotedList(keys), parser.value(sort)));
        if (*kind == ListKind::Redemptions)
            order.column = RedemptionSort(i);
        else
            customerSort = int(i);
    }
    order.descending = !parser.isSet(ascending);
    QString codeStatus;
    if (parser.isSet(status)) {
        codeStatus = parser.value(status).trimmed().toLower();
        if (!CodeStatuses.contains(codeStatus))
            return usage(QStringLiteral("--status must be active or disabled, not \"%1\"").arg(parser.value(status)));
    }
    for (const QCommandLineOption *option : {&campaign, &failureCode, &customer, &code, &channel, &segment}) {
        if (parser.isSet(*option) && parser.value(*option).trimmed().isEmpty())
            return usage(QStringLiteral("--%1 needs a value").arg(option->names().constLast()));
    }
    filter.campaignId = parser.value(campaign).trimmed();
    filter.failureCode = parser.value(failureCode).trimmed();
    filter.customer = parser.value(customer).trimmed();
    filter.code = parser.value(code).trimmed();
    filter.channel = parser.value(channel).trimmed();

    // The columns can be checked without a workspace (a passive segment, which has
    // no entered_at, is checked again below).
    const ExportList columnsList = columnsOnly(*kind);
    if (parser.isSet(listColumns)) {
        printColumns(columnsList);
        return 0;
    }
    const QStringList chosenColumns = parser.values(columns);
    if (auto chosen = chooseColumns(columnsList, chosenColumns); !chosen)
        return usage(chosen.error().toString());
    if (*kind == ListKind::SegmentMembers && !parser.isSet(segment))
        return usage(QStringLiteral("--segment ID|NAME is required"));

    const QString path = parser.value(workspace);
    if (path.isEmpty())
        return usage(QStringLiteral("--workspace FILE is required"));
    const QString target = parser.isSet(output) ? parser.value(output) : QStringLiteral("-");
    if (target.isEmpty())
        return usage(QStringLiteral("--output needs a file name (or - for standard output)"));
    if (target != QLatin1String("-")) {
        const QFileInfo out(target);
        if (out.isDir())
            return usage(QStringLiteral("--output \"%1\" is a folder").arg(target));
        // QSaveFile would replace the workspace with the CSV.
        if (out.exists() && out.canonicalFilePath() == QFileInfo(path).canonicalFilePath())
            return usage(QStringLiteral("--output \"%1\" is the workspace itself").arg(target));
    }

    auto connection = openReadOnly(path);
    if (!connection)
        return fail(command + QStringLiteral(": ") + connection.error().toString());
    Connection &db = *connection.value();

    Result<ExportList> list = Error{QStringLiteral("no list"), command};
    switch (*kind) {
    case ListKind::Redemptions: {
        list = RedemptionList(db).exportList(filter, order);
        if (!list) {
            Error e = list.error();
            // The filter names its field; the command line calls it an option.
            if (QStringList{QStringLiteral("campaign"), QStringLiteral("customer"), QStringLiteral("code"),
                            QStringLiteral("from"), QStringLiteral("to")}
                    .contains(e.where))
                e.where = QStringLiteral("--") + e.where;
            return fail(command + QStringLiteral(": ") + e.toString());
        }
        break;
    }
    case ListKind::Customers:
        list = Lists::customers(parser.value(search), customerSort, parser.isSet(descending));
        break;
    case ListKind::Codes: {
        QString campaignId;
        if (!filter.campaignId.isEmpty()) {
            auto found = findCampaign(db, filter.campaignId);
            if (!found)
                return fail(command + QStringLiteral(": ") + found.error().toString());
            campaignId = found.value();
        }
        list = Lists::codes(campaignId, codeStatus);
        break;
    }
    case ListKind::Campaigns:
        list = Lists::campaigns();
        break;
    case ListKind::SegmentMembers: {
        auto found = findSegment(db, parser.value(segment).trimmed());
        if (!found)
            return fail(command + QStringLiteral(": ") + found.error().toString());
        list = segmentMemberList(found.value(), nowMs());
        if (!list)
            return fail(command + QStringLiteral(": ") + list.error().toString());
        if (auto chosen = chooseColumns(list.value(), chosenColumns); !chosen)
            return usage(chosen.error().toString() + (found.value().type == SegmentType::Passive
                                                          ? QStringLiteral(" (a passive segment stores no members)")
                                                          : QString()));
        break;
    }
    }

    ExportProgress report;
    if (parser.isSet(progress)) {
        report.progress = [last = -1](qint64 rows, qint64 total) mutable {
            const int percent = total > 0 ? int(rows * 100 / total) : 100;
            if (percent == last && rows != total)
                return;
            last = percent;
            std::fprintf(stderr, "\rexporting… %3d%% (%lld of %lld rows)", percent, static_cast<long long>(rows),
                         static_cast<long long>(total));
            std::fflush(stderr);
        };
    }
    const CsvExportOptions options{parser.isSet(bom), !parser.isSet(noGuard)};
    QElapsedTimer timer;
    timer.start();
    auto written = exportListToFile(db, list.value(), chosenColumns, target, options, report);
    if (parser.isSet(progress))
        std::fputs("\n", stderr);
    if (!written)
        return fail(command + QStringLiteral(": ") + written.error().toString());
    if (target != QLatin1String("-")) {
        printJson({{QStringLiteral("list"), positional.constFirst()},
                   {QStringLiteral("file"), target},
                   {QStringLiteral("rows"), written.value()},
                   {QStringLiteral("milliseconds"), timer.elapsed()}});
    }
    return 0;
}

} // namespace PromoDesk::Cli
