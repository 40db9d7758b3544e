#include "attributes.h"

#include <algorithm>
#include <vector>

namespace PromoDesk::Rules {

QString typeName(Type type)
{
    switch (type) {
    case Type::String: return QStringLiteral("string");
    case Type::Number: return QStringLiteral("number");
    case Type::Money: return QStringLiteral("money");
    case Type::DateTime: return QStringLiteral("date-time");
    case Type::Bool: return QStringLiteral("bool");
    case Type::List: return QStringLiteral("list");
    }
    return {};
}

QString groupName(Group group)
{
    switch (group) {
    case Group::Customer: return QStringLiteral("Customer");
    case Group::Order: return QStringLiteral("Order");
    case Group::Items: return QStringLiteral("Items");
    case Group::History: return QStringLiteral("History");
    case Group::Time: return QStringLiteral("Time");
    }
    return {};
}

namespace {

Attribute attr(const char *name, Type type, Group group, const char *label, const char *description,
               QStringList examples = {})
{
    Attribute a;
    a.name = QString::fromUtf8(name);
    a.type = type;
    a.group = group;
    a.label = QString::fromUtf8(label);
    a.description = QString::fromUtf8(description);
    a.examples = std::move(examples);
    return a;
}

QList<Parameter> itemFilters()
{
    return {{QStringLiteral("sku"), Type::String, QStringLiteral("only lines of this SKU id")},
            {QStringLiteral("product"), Type::String, QStringLiteral("only lines of this product id")},
            {QStringLiteral("category"), Type::String, QStringLiteral("only lines in this category (name or id)")}};
}

// Levenshtein distance, for "did you mean".
int distance(const QString &a, const QString &b)
{
    std::vector<int> row(size_t(b.size()) + 1);
    for (size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int above = row[size_t(j)];
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[size_t(j)] = std::min({row[size_t(j)] + 1, row[size_t(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row.back();
}

} // namespace

AttributeRegistry::AttributeRegistry()
{
    using G = Group;
    using T = Type;
    m_attributes = {
        attr("customer.id", T::String, G::Customer, "Customer id", "PromoDesk's id of the customer (cust_…)."),
        attr("customer.source_id", T::String, G::Customer, "Source id", "The shop's own id of the customer."),
        attr("customer.name", T::String, G::Customer, "Name", "Full name."),
        attr("customer.email", T::String, G::Customer, "Email", "Email address."),
        attr("customer.phone", T::String, G::Customer, "Phone", "Phone number."),
        attr("customer.country", T::String, G::Customer, "Country", "Country of the address, ISO 3166 alpha-2.",
             {QStringLiteral("IE"), QStringLiteral("GB")}),
        attr("customer.city", T::String, G::Customer, "City", "City of the address."),
        attr("customer.postal_code", T::String, G::Customer, "Postal code", "Postal code of the address."),
        attr("customer.birthdate", T::DateTime, G::Customer, "Birthdate", "Date of birth (midnight UTC of that day)."),
        attr("customer.created_at", T::DateTime, G::Customer, "Signed up", "When the customer joined the programme."),
        attr("customer.loyalty_tier", T::String, G::Customer, "Loyalty tier", "Tier in the loyalty programme.",
             {QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")}),
        attr("customer.tags", T::List, G::Customer, "Tags", "Labels on the customer, e.g. staff.",
             {QStringLiteral("staff"), QStringLiteral("dog-owner")}),
        attr("customer.consents.email", T::Bool, G::Customer, "Email consent", "Agreed to marketing by email."),
        attr("customer.consents.sms", T::Bool, G::Customer, "SMS consent", "Agreed to marketing by SMS."),
        attr("customer.consents.push", T::Bool, G::Customer, "Push consent", "Agreed to push notifications."),
        attr("customer.orders_count", T::Number, G::Customer, "Orders", "Orders placed (maintained summary)."),
        attr("customer.total_spent", T::Money, G::Customer, "Total spent", "Sum of the customer's orders."),
        attr("customer.average_order_value", T::Money, G::Customer, "Average order value",
             "Total spent / orders, rounded half-up to the cent; unknown without orders."),
        attr("customer.last_order_at", T::DateTime, G::Customer, "Last order", "When the customer last ordered."),
        attr("customer.segments", T::List, G::Customer, "Segments", "Ids of the segments the customer is in now."),
        attr("customer.referrals_count", T::Number, G::History, "Referrals made",
             "Customers who redeemed this customer's referral codes."),

        attr("order.amount", T::Money, G::Order, "Order amount", "Order total before discounts."),
        attr("order.items_count", T::Number, G::Order, "Items in order", "Sum of the quantities of all lines."),
        attr("order.channel", T::String, G::Order, "Channel", "Where the order is placed.",
             {QStringLiteral("web"), QStringLiteral("store"), QStringLiteral("app")}),

        attr("item.sku", T::String, G::Items, "SKU", "The line's SKU id."),
        attr("item.product", T::String, G::Items, "Product", "The line's product id."),
        attr("item.category", T::String, G::Items, "Category", "The line's category name.",
             {QStringLiteral("Dog Food"), QStringLiteral("Cat Food")}),
        attr("item.quantity", T::Number, G::Items, "Quantity", "Units on the line."),
        attr("item.price", T::Money, G::Items, "Unit price", "Price of one unit."),
        attr("item.amount", T::Money, G::Items, "Line amount", "Quantity × unit price."),

        attr("order.items.quantity", T::Number, G::Items, "Quantity of…", "Units in the cart matching the filters."),
        attr("order.items.amount", T::Money, G::Items, "Amount of…", "Amount of the cart lines matching the filters."),

        attr("customer.events.last_at", T::DateTime, G::History, "Last event",
             "When the customer last had an event of the given type (e.g. cart_abandoned, sign_up)."),
        attr("customer.events.count", T::Number, G::History, "Event count",
             "How many events of the given type, optionally in the last N days."),
        attr("customer.redemptions.count", T::Number, G::History, "Redemptions",
             "Successful redemptions by the customer, optionally in one campaign, in the last N days or this "
             "calendar month."),

        attr("time.now", T::DateTime, G::Time, "Now", "The time of the evaluation."),
        attr("time.day_of_week", T::String, G::Time, "Day of week",
             "monday … sunday, in the campaign's time zone.", {QStringLiteral("saturday"), QStringLiteral("sunday")}),
        attr("time.hour", T::Number, G::Time, "Hour of day", "0–23, in the campaign's time zone."),
    };

    Attribute customerMetadata = attr("customer.metadata", T::String, G::Customer, "Customer metadata",
                                      "A key of the customer's metadata: customer.metadata.<key>.");
    customerMetadata.keyed = true;
    Attribute orderMetadata = attr("order.metadata", T::String, G::Order, "Order metadata",
                                   "A key of the order's metadata: order.metadata.<key>.");
    orderMetadata.keyed = true;
    m_attributes << customerMetadata << orderMetadata;

    for (Attribute &a : m_attributes) {
        if (a.name.startsWith(QLatin1String("item.")))
            a.perItem = true;
        if (a.name == QLatin1String("order.items.quantity") || a.name == QLatin1String("order.items.amount"))
            a.parameters = itemFilters();
        if (a.name == QLatin1String("customer.events.last_at"))
            a.parameters = {{QStringLiteral("type"), Type::String, QStringLiteral("the event type")}};
        if (a.name == QLatin1String("customer.events.count"))
            a.parameters = {{QStringLiteral("type"), Type::String, QStringLiteral("the event type")},
                            {QStringLiteral("days"), Type::Number, QStringLiteral("only the last N days")}};
        if (a.name == QLatin1String("customer.redemptions.count"))
            a.parameters = {{QStringLiteral("campaign"), Type::String, QStringLiteral("only this campaign's")},
                            {QStringLiteral("days"), Type::Number, QStringLiteral("only the last N days")},
                            {QStringLiteral("this_month"), Type::Bool, QStringLiteral("only this calendar month")}};
    }
}

const AttributeRegistry &AttributeRegistry::instance()
{
    static const AttributeRegistry registry;
    return registry;
}

const Attribute *AttributeRegistry::find(const QString &name) const
{
    for (const Attribute &a : m_attributes) {
        if (a.keyed ? name.startsWith(a.name + QLatin1Char('.')) && name.size() > a.name.size() + 1 : a.name == name)
            return &a;
    }
    return nullptr;
}

QString AttributeRegistry::suggest(const QString &name) const
{
    QString best;
    int bestDistance = std::max(3, int(name.size()) / 3) + 1;
    for (const Attribute &a : m_attributes) {
        // "country" alone suggests customer.country.
        const QString tail = a.name.section(QLatin1Char('.'), -1);
        const int d = std::min(distance(name, a.name), tail == name ? 0 : distance(name, tail) + 1);
        if (d < bestDistance) {
            bestDistance = d;
            best = a.keyed ? a.name + QStringLiteral(".<key>") : a.name;
        }
    }
    return best;
}

} // namespace PromoDesk::Rules
