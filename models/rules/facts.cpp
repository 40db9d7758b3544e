#include "facts.h"

#include "attributes.h"
#include "syntax.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

namespace PromoDesk::Rules {

namespace {

Result<qint64> parseTime(const QJsonValue &json, const QString &field)
{
    const std::optional<qint64> when = json.isString() ? parseDateTime(json.toString()) : std::nullopt;
    if (!when)
        return Error{QStringLiteral("expected an ISO-8601 date or date-time, e.g. \"2026-11-24T12:00:00Z\""), field};
    return *when;
}

Result<qint64> parseCents(const QJsonValue &json, const QString &field)
{
    if (!json.isDouble() || std::floor(json.toDouble()) != json.toDouble())
        return Error{QStringLiteral("expected money as a whole number of cents, e.g. 4599"), field};
    return json.toInteger();
}

Result<Value> typed(const QJsonValue &json, Type type, const QString &field)
{
    if (json.isNull())
        return Value();
    switch (type) {
    case Type::String:
        if (!json.isString())
            return Error{QStringLiteral("expected a string"), field};
        return Value::string(json.toString());
    case Type::Number:
        if (!json.isDouble())
            return Error{QStringLiteral("expected a number"), field};
        return Value::number(json.toDouble());
    case Type::Money: {
        auto cents = parseCents(json, field);
        if (!cents)
            return cents.error();
        return Value::money(cents.value());
    }
    case Type::DateTime: {
        auto ms = parseTime(json, field);
        if (!ms)
            return ms.error();
        return Value::dateTime(ms.value());
    }
    case Type::Bool:
        if (!json.isBool())
            return Error{QStringLiteral("expected true or false"), field};
        return Value::boolean(json.toBool());
    case Type::List: {
        if (!json.isArray())
            return Error{QStringLiteral("expected a list of strings"), field};
        QStringList items;
        for (const QJsonValue &v : json.toArray())
            items << v.toString();
        return Value::list(items);
    }
    }
    return Value();
}

Status readMetadata(const QJsonObject &metadata, const QString &prefix, Facts &facts)
{
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        const QJsonValue v = it.value();
        // Metadata is compared as text: numbers and booleans keep their JSON spelling.
        const QString text = v.isString() ? v.toString()
                             : v.isBool() ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                          : v.toVariant().toString();
        facts.attributes.insert(prefix + it.key(), Value::string(text));
    }
    return {};
}

// A plain attribute given as "<entity>.<key>", typed by the registry.
Status readField(const QString &entity, const QString &key, const QJsonValue &json, Facts &facts)
{
    const QString field = entity + QLatin1Char('.') + key;
    const Attribute *attribute = AttributeRegistry::instance().find(field);
    if (!attribute || attribute->keyed || !attribute->parameters.isEmpty())
        return Error{QStringLiteral("unknown %1 field \"%2\"").arg(entity, key), field};
    auto v = typed(json, attribute->type, field);
    if (!v)
        return v.error();
    facts.attributes.insert(field, v.value());
    return {};
}

} // namespace

Result<Facts> factsFromJson(const QJsonObject &object)
{
    Facts facts;
    if (object.contains(QLatin1String("now"))) {
        auto now = parseTime(object.value(QLatin1String("now")), QStringLiteral("now"));
        if (!now)
            return now.error();
        facts.now = now.value();
    } else {
        facts.now = QDateTime::currentMSecsSinceEpoch();
    }
    if (object.contains(QLatin1String("timezone"))) {
        facts.zone = QTimeZone(object.value(QLatin1String("timezone")).toString().toUtf8());
        if (!facts.zone.isValid())
            return Error{QStringLiteral("unknown time zone \"%1\"").arg(object.value(QLatin1String("timezone")).toString()),
                         QStringLiteral("timezone")};
    }

    const QJsonObject customer = object.value(QLatin1String("customer")).toObject();
    for (auto it = customer.begin(); it != customer.end(); ++it) {
        const QString key = it.key();
        const QString field = QStringLiteral("customer.") + key;
        if (key == QLatin1String("metadata")) {
            readMetadata(it.value().toObject(), QStringLiteral("customer.metadata."), facts);
        } else if (key == QLatin1String("consents")) {
            const QJsonObject consents = it.value().toObject();
            for (auto c = consents.begin(); c != consents.end(); ++c) {
                auto v = typed(c.value(), Type::Bool, field + QLatin1Char('.') + c.key());
                if (!v)
                    return v.error();
                facts.attributes.insert(field + QLatin1Char('.') + c.key(), v.value());
            }
        } else if (key == QLatin1String("events") || key == QLatin1String("redemptions")) {
            const QJsonArray list = it.value().toArray();
            for (int i = 0; i < list.size(); ++i) {
                const QJsonObject entry = list[i].toObject();
                auto at = parseTime(entry.value(QLatin1String("at")), QStringLiteral("%1[%2].at").arg(field).arg(i));
                if (!at)
                    return at.error();
                if (key == QLatin1String("events"))
                    facts.events.append({entry.value(QLatin1String("type")).toString(), at.value()});
                else
                    facts.redemptions.append({entry.value(QLatin1String("campaign")).toString(), at.value()});
            }
        } else if (Status s = readField(QStringLiteral("customer"), key, it.value(), facts); !s) {
            return s.error();
        }
    }

    const QJsonObject order = object.value(QLatin1String("order")).toObject();
    for (auto it = order.begin(); it != order.end(); ++it) {
        const QString key = it.key();
        const QString field = QStringLiteral("order.") + key;
        if (key == QLatin1String("metadata")) {
            readMetadata(it.value().toObject(), QStringLiteral("order.metadata."), facts);
        } else if (key == QLatin1String("items")) {
            const QJsonArray items = it.value().toArray();
            for (int i = 0; i < items.size(); ++i) {
                const QJsonObject line = items[i].toObject();
                const QString where = QStringLiteral("order.items[%1]").arg(i);
                auto price = parseCents(line.value(QLatin1String("price")), where + QStringLiteral(".price"));
                if (!price)
                    return price.error();
                const QJsonValue quantity = line.value(QLatin1String("quantity"));
                if (!quantity.isUndefined() && (!quantity.isDouble() || quantity.toDouble() < 0
                                                || std::floor(quantity.toDouble()) != quantity.toDouble()))
                    return Error{QStringLiteral("expected a whole number of units"), where + QStringLiteral(".quantity")};
                facts.items.append({line.value(QLatin1String("sku")).toString(), line.value(QLatin1String("product")).toString(),
                                    line.value(QLatin1String("category")).toString(), quantity.toInteger(1), price.value()});
            }
        } else if (Status s = readField(QStringLiteral("order"), key, it.value(), facts); !s) {
            return s.error();
        }
    }
    return facts;
}

} // namespace PromoDesk::Rules
