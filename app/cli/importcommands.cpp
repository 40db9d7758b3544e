// promodesk-cli import customers|products|orders|events FILE: CSV into a workspace,
// all or nothing (docs/import.md).

#include "cliutil.h"
#include "commands.h"

#include "store/connection.h"
#include "store/importer.h"
#include "store/workspace.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace PromoDesk::Cli {

int runImport(const QStringList &arguments)
{
    using namespace PromoDesk::Store;
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption delimiter(QStringLiteral("delimiter"),
                                       QStringLiteral("The field delimiter: , or ; or tab (default: detected from the "
                                                      "header line)."),
                                       QStringLiteral("CHAR"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"),
                                    QStringLiteral("Check every row (references too) and print what would change; "
                                                   "write nothing."));
    const QCommandLineOption ignoreUnknown(QStringLiteral("ignore-unknown-columns"),
                                           QStringLiteral("Skip columns PromoDesk does not know (a warning each) "
                                                          "instead of refusing the file."));
    const QCommandLineOption progress(QStringLiteral("progress"), QStringLiteral("Show the progress on stderr."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOptions({workspace, delimiter, dryRun, ignoreUnknown, progress, help});
    parser.addPositionalArgument(QStringLiteral("kind"), QStringLiteral("customers, products, orders or events."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The CSV file (UTF-8, with a header line)."));
    parser.setApplicationDescription(
        QStringLiteral("Import a CSV file into the workspace, all or nothing: one transaction, and any bad row refuses "
                       "the whole file with the file, line, column and why (the first 100 errors, on stderr). Rows "
                       "are matched to existing ones by their source id and updated. Prints a JSON summary. The "
                       "columns of each kind are in docs/import.md."));
    if (!parser.parse(arguments))
        return fail(QStringLiteral("import: ") + parser.errorText(), 2);
    if (parser.isSet(help)) {
        std::fputs(parser.helpText().toLocal8Bit().constData(), stdout);
        std::fputs("\nColumns (required ones marked *):\n", stdout);
        for (ImportKind kind : {ImportKind::Customers, ImportKind::Products, ImportKind::Orders, ImportKind::Events}) {
            QStringList names;
            for (const ImportField &field : Importer::fields(kind))
                names << field.name + (field.required ? QStringLiteral("*") : QString());
            std::fprintf(stdout, "  %-10s %s, metadata.<key>%s\n", importKindName(kind).toLocal8Bit().constData(),
                         names.join(QStringLiteral(", ")).toLocal8Bit().constData(),
                         kind == ImportKind::Orders ? " (and sku_source_id or sku)" : "");
        }
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return fail(QStringLiteral("import: say what and which file: import customers|products|orders|events FILE "
                                   "--workspace WS"),
                    2);
    const auto kind = importKindFromName(positional[0]);
    if (!kind)
        return fail(QStringLiteral("import: \"%1\" is not something to import (customers, products, orders or events)")
                        .arg(positional[0]),
                    2);
    const QString file = positional[1];
    if (!QFileInfo(file).isFile())
        return fail(QStringLiteral("import: %1: no such file").arg(file), 2);

    ImportOptions options;
    options.kind = *kind;
    options.dryRun = parser.isSet(dryRun);
    options.ignoreUnknownColumns = parser.isSet(ignoreUnknown);
    options.actor = QStringLiteral("cli");
    if (parser.isSet(delimiter)) {
        const QString d = parser.value(delimiter);
        if (d == QLatin1String(",") || d == QLatin1String("comma"))
            options.delimiter = ',';
        else if (d == QLatin1String(";") || d == QLatin1String("semicolon"))
            options.delimiter = ';';
        else if (d == QLatin1String("tab") || d == QLatin1String("\t"))
            options.delimiter = '\t';
        else
            return fail(QStringLiteral("import: --delimiter must be , or ; or tab, not \"%1\"").arg(d), 2);
    }
    if (parser.isSet(progress)) {
        options.progress = [](const ImportProgress &p) {
            std::fprintf(stderr, "\rimporting… %3d%% (%lld rows)", p.percent, static_cast<long long>(p.rows));
            std::fflush(stderr);
        };
    }

    const QString path = parser.value(workspace);
    if (path.isEmpty())
        return fail(QStringLiteral("import: --workspace FILE is required"), 2);
    if (auto info = Workspace::open(path); !info)
        return fail(QStringLiteral("import: ") + info.error().toString(), 2);
    auto connection = Workspace::openForWriting(path);
    if (!connection)
        return fail(QStringLiteral("import: ") + connection.error().toString(), 2);

    const ImportReport report = Importer(*connection.value()).run(file, options);
    if (parser.isSet(progress))
        std::fputs("\n", stderr);
    for (const QString &warning : report.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.toLocal8Bit().constData());
    if (!report.ok()) {
        for (const ImportError &error : report.errors)
            std::fprintf(stderr, "%s\n", error.toString().toLocal8Bit().constData());
        if (report.cancelled)
            return fail(QStringLiteral("import: cancelled, nothing imported"));
        return fail(QStringLiteral("import: %1 refused: %2%3, nothing imported")
                        .arg(file)
                        .arg(report.errors.size() == 1 ? QStringLiteral("1 error")
                                                       : QStringLiteral("%1 errors").arg(report.errors.size()))
                        .arg(report.moreErrors ? QStringLiteral(" (the first ones; the rest was not checked)")
                                               : QString()));
    }
    QJsonObject out{{QStringLiteral("kind"), importKindName(report.kind)},
                    {QStringLiteral("file"), file},
                    {QStringLiteral("rows"), report.rows},
                    {QStringLiteral("inserted"), report.inserted},
                    {QStringLiteral("updated"), report.updated},
                    {QStringLiteral("milliseconds"), report.milliseconds}};
    if (report.kind == ImportKind::Products) {
        out.insert(QStringLiteral("products_inserted"), report.productsInserted);
        out.insert(QStringLiteral("products_updated"), report.productsUpdated);
        out.insert(QStringLiteral("categories_inserted"), report.categoriesInserted);
    }
    if (report.kind == ImportKind::Orders) {
        out.insert(QStringLiteral("order_items"), report.orderItems);
        out.insert(QStringLiteral("customers_recounted"), report.customersRecounted);
    }
    if (report.dryRun)
        out.insert(QStringLiteral("dry_run"), true);
    if (!report.warnings.isEmpty())
        out.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(report.warnings));
    printJson(out);
    return 0;
}

} // namespace PromoDesk::Cli
