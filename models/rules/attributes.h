#pragma once

#include "value.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace PromoDesk::Rules {

// One named argument a parameterised attribute accepts: order.items.quantity(sku: "…").
struct Parameter
{
    QString name;
    Type type = Type::String;
    QString description;
};

// The groups the rules editor shows attributes under.
enum class Group { Customer, Order, Items, History, Time };
QString groupName(Group group);

struct Attribute
{
    QString name;        // "customer.country"; "customer.metadata" for the metadata.<key> family
    Type type = Type::String;
    Group group = Group::Customer;
    QString label;       // "Country"
    QString description;
    bool perItem = false;           // item.*: only inside any / every / none item (…)
    bool keyed = false;             // takes a ".<key>" suffix (metadata)
    QList<Parameter> parameters;    // optional named arguments, any subset, each at most once
    QStringList examples;           // typical values, for the editor and the docs
};

// Every attribute a rule can name. One registry for segments, campaign rules,
// tiers and experiment targeting.
class AttributeRegistry
{
public:
    static const AttributeRegistry &instance();

    const QList<Attribute> &all() const { return m_attributes; }
    // Resolves "customer.metadata.pet_type" to the customer.metadata family.
    const Attribute *find(const QString &name) const;
    // The closest known name, when one is close enough to be what was meant.
    QString suggest(const QString &name) const;

private:
    AttributeRegistry();
    QList<Attribute> m_attributes;
};

} // namespace PromoDesk::Rules
