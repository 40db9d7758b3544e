#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace PromoDesk::Engine {

// One line of a line diff between two campaign versions.
struct DiffLine
{
    enum class Kind { Same, Added, Removed };
    Kind kind = Kind::Same;
    QString text;
};

// The campaign JSON of an audit row (compact or pretty) as campaignToJsonText's stable,
// pretty form, or indented JSON if it does not read as a campaign. Empty input gives "".
QString prettyCampaignJson(const QByteArray &json);

// A line diff (longest common subsequence) of the two versions' pretty text; an empty
// `before` (a create) gives every line as added.
QList<DiffLine> diffCampaignJson(const QByteArray &before, const QByteArray &after);

// The top-level keys whose values differ ("status", "discount", "limits", …), in
// alphabetical order, for a "what changed" column. updated_at is left out: every
// save changes it.
QStringList changedFields(const QByteArray &before, const QByteArray &after);

} // namespace PromoDesk::Engine
