// One customer on the command line: the 360° view, the privacy export and erasure,
// and consents per channel (docs/customers.md).

#include "customercommands.h"

#include "cliutil.h"

#include "common/ids.h"
#include "store/connection.h"
#include "store/customerstore.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimeZone>

#include <cstdio>

namespace PromoDesk::Cli {

namespace {

using namespace PromoDesk::Store;

const QString Usage = QStringLiteral(
    "Usage: promodesk-cli customer <subcommand> --workspace FILE --customer ID …\n"
    "  show    --customer ID [--now ISO] [--no-campaigns]\n"
    "          the 360° view as JSON: profile, consents, summary, orders with items, events,\n"
    "          segment stays, codes, redemptions, and the campaigns they qualify for now\n"
    "  export  --customer ID [--output FILE]\n"
    "          everything stored about the customer (privacy export, JSON; audited)\n"
    "  erase   --customer ID --reason TEXT --yes\n"
    "          anonymise the customer for good (redemptions and orders kept for accounting; audited)\n"
    "  consent --customer ID [--email on|off] [--sms on|off] [--push on|off]\n"
    "          set consents per channel (audited)\n"
    "ID is cust_N or the shop's source id.\n");

QString actor()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("promodesk-cli") : QStringLiteral("promodesk-cli (%1)").arg(user);
}

std::optional<bool> onOff(const QString &value)
{
    const QString v = value.trimmed().toLower();
    if (v == QLatin1String("on") || v == QLatin1String("yes") || v == QLatin1String("true") || v == QLatin1String("1"))
        return true;
    if (v == QLatin1String("off") || v == QLatin1String("no") || v == QLatin1String("false") || v == QLatin1String("0"))
        return false;
    return std::nullopt;
}

} // namespace

int runCustomer(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    const QString command = QStringLiteral("customer ") + sub;
    const QStringList known{QStringLiteral("show"), QStringLiteral("export"), QStringLiteral("erase"), QStringLiteral("consent")};
    if (!known.contains(sub)) {
        if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
            std::fputs(qPrintable(Usage), sub.isEmpty() ? stderr : stdout);
            return sub.isEmpty() ? 2 : 0;
        }
        return fail(QStringLiteral("customer: unknown subcommand \"%1\" (show, export, erase, consent)").arg(sub), 2);
    }

    QCommandLineParser parser;
    const QCommandLineOption workspace = workspaceOption();
    const QCommandLineOption customer(QStringLiteral("customer"), QStringLiteral("The customer: cust_N or the shop's source id."),
                                      QStringLiteral("ID"));
    const QCommandLineOption now(QStringLiteral("now"), QStringLiteral("show: qualify at this moment (ISO-8601), not now."),
                                 QStringLiteral("ISO"));
    const QCommandLineOption noCampaigns(QStringLiteral("no-campaigns"), QStringLiteral("show: leave out the qualification."));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("export: write to FILE (whole or not at all)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("erase: why (the request it answers); audited."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("erase: yes, erase for good."));
    const QCommandLineOption email(QStringLiteral("email"), QStringLiteral("consent: email on or off."), QStringLiteral("on|off"));
    const QCommandLineOption sms(QStringLiteral("sms"), QStringLiteral("consent: SMS on or off."), QStringLiteral("on|off"));
    const QCommandLineOption push(QStringLiteral("push"), QStringLiteral("consent: push on or off."), QStringLiteral("on|off"));
    parser.addOptions({workspace, customer, now, noCampaigns, output, reason, yes, email, sms, push});
    int exitCode = 0;
    if (!parse(parser, arguments.mid(1), Usage, exitCode))
        return exitCode;
    if (parser.value(workspace).isEmpty())
        return fail(command + QStringLiteral(": --workspace FILE is required"), 2);
    if (!parser.isSet(customer))
        return fail(command + QStringLiteral(": --customer ID is required"), 2);

    // Check the command line before touching the workspace.
    std::optional<qint64> at;
    CustomerChanges consents;
    if (sub == QLatin1String("show") && parser.isSet(now)) {
        const QDateTime parsed = QDateTime::fromString(parser.value(now), Qt::ISODateWithMs);
        if (!parsed.isValid())
            return fail(command + QStringLiteral(": --now \"%1\" is not an ISO-8601 time").arg(parser.value(now)), 2);
        at = parsed.toMSecsSinceEpoch();
    }
    if (sub == QLatin1String("erase")) {
        if (parser.value(reason).trimmed().isEmpty())
            return fail(command + QStringLiteral(": --reason TEXT is required (why the customer is erased)"), 2);
        if (!parser.isSet(yes))
            return fail(command + QStringLiteral(": erasing %1 cannot be undone; add --yes to do it").arg(parser.value(customer)), 2);
    }
    if (sub == QLatin1String("consent")) {
        const std::pair<const QCommandLineOption *, Channel> channels[] = {
            {&email, Channel::Email}, {&sms, Channel::Sms}, {&push, Channel::Push}};
        for (const auto &[option, channel] : channels) {
            if (!parser.isSet(*option))
                continue;
            const auto granted = onOff(parser.value(*option));
            if (!granted)
                return fail(command + QStringLiteral(": --%1 must be on or off, not \"%2\"").arg(channelKey(channel), parser.value(*option)), 2);
            consents.setConsent(channel, *granted);
        }
        if (consents.isEmpty())
            return fail(command + QStringLiteral(": say which consent to set (--email, --sms, --push on|off)"), 2);
    }

    const bool writes = sub != QLatin1String("show");
    const QString path = parser.value(workspace);
    auto info = writes ? Workspace::open(path) : Workspace::inspect(path);
    if (!info)
        return fail(command + QStringLiteral(": ") + info.error().toString());
    auto connection = writes ? Workspace::openForWriting(path) : Connection::open(path, Connection::Access::ReadOnly);
    if (!connection)
        return fail(command + QStringLiteral(": ") + connection.error().toString());
    Connection &db = *connection.value();
    CustomerStore store(db);
    auto key = store.customerKey(parser.value(customer));
    if (!key)
        return fail(command + QStringLiteral(": ") + key.error().toString());

    if (sub == QLatin1String("show")) {
        auto view = store.load(key.value());
        if (!view)
            return fail(command + QStringLiteral(": ") + view.error().toString());
        QJsonObject out = customer360ToJson(view.value());
        if (!parser.isSet(noCampaigns)) {
            auto qualification = qualifyNow(db, key.value(), at.value_or(nowMs()));
            if (!qualification)
                return fail(command + QStringLiteral(": qualifying: ") + qualification.error().toString());
            out.insert(QStringLiteral("campaigns"), qualificationToJson(qualification.value()));
        }
        printJson(out);
        return 0;
    }
    if (sub == QLatin1String("consent")) {
        auto updated = store.updateCustomer(key.value(), consents, actor(), nowMs());
        if (!updated)
            return fail(command + QStringLiteral(": ") + updated.error().toString());
        auto view = store.load(key.value());
        if (!view)
            return fail(command + QStringLiteral(": ") + view.error().toString());
        const QJsonObject customerJson = customerToJson(view.value().profile, view.value().erasedAt);
        printJson({{QStringLiteral("id"), updated.value().customerId},
                   {QStringLiteral("changed"), QJsonArray::fromStringList(updated.value().changed)},
                   {QStringLiteral("consents"), customerJson.value(QStringLiteral("consents"))}});
        return 0;
    }
    if (sub == QLatin1String("erase")) {
        auto erased = store.eraseCustomer(key.value(), actor(), parser.value(reason), nowMs());
        if (!erased)
            return fail(command + QStringLiteral(": ") + erased.error().toString());
        printJson(erasureToJson(erased.value()));
        return 0;
    }

    // export: the audit entry commits only once the file is complete.
    if (Status s = db.begin(); !s)
        return fail(command + QStringLiteral(": ") + s.error().toString());
    auto data = store.exportCustomer(key.value(), actor(), nowMs());
    if (!data) {
        db.rollback();
        return fail(command + QStringLiteral(": ") + data.error().toString());
    }
    const QByteArray bytes = QJsonDocument(data.value()).toJson(QJsonDocument::Indented);
    if (parser.isSet(output)) {
        QSaveFile out(parser.value(output));
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
            db.rollback();
            return fail(command + QStringLiteral(": %1: %2").arg(out.fileName(), out.errorString()));
        }
    } else {
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
        std::fflush(stdout);
    }
    if (Status s = db.commit(); !s)
        return fail(command + QStringLiteral(": ") + s.error().toString());
    if (parser.isSet(output))
        std::fprintf(stderr, "%s exported to %s (%lld bytes)\n", qPrintable(Ids::make(Ids::Customer, key.value())),
                     qPrintable(parser.value(output)), qint64(bytes.size()));
    return 0;
}

} // namespace PromoDesk::Cli
