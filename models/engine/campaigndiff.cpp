#include "campaigndiff.h"

#include "campaignjson.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <vector>

namespace PromoDesk::Engine {

namespace {

QJsonObject objectOf(const QByteArray &json)
{
    return json.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(json).object();
}

QStringList linesOf(const QByteArray &json)
{
    QString text = prettyCampaignJson(json);
    if (text.endsWith(u'\n'))
        text.chop(1);
    return text.isEmpty() ? QStringList() : text.split(u'\n');
}

} // namespace

QString prettyCampaignJson(const QByteArray &json)
{
    if (json.isEmpty())
        return {};
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return QString::fromUtf8(json);
    if (document.isObject()) {
        if (auto campaign = campaignFromJson(document.object()))
            return QString::fromUtf8(campaignToJsonText(campaign.value()));
    }
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

QList<DiffLine> diffCampaignJson(const QByteArray &before, const QByteArray &after)
{
    const QStringList a = linesOf(before);
    const QStringList b = linesOf(after);
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]. Campaigns are a
    // few hundred lines at most, so the full table is cheap.
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            lcs[size_t(i)][size_t(j)] = a[i] == b[j]
                ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                : std::max(lcs[size_t(i + 1)][size_t(j)], lcs[size_t(i)][size_t(j + 1)]);
        }
    }
    QList<DiffLine> out;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n && j < m) {
        if (a[i] == b[j]) {
            out.append({DiffLine::Kind::Same, a[i]});
            ++i;
            ++j;
        } else if (lcs[size_t(i + 1)][size_t(j)] >= lcs[size_t(i)][size_t(j + 1)]) {
            out.append({DiffLine::Kind::Removed, a[i++]});
        } else {
            out.append({DiffLine::Kind::Added, b[j++]});
        }
    }
    for (; i < n; ++i)
        out.append({DiffLine::Kind::Removed, a[i]});
    for (; j < m; ++j)
        out.append({DiffLine::Kind::Added, b[j]});
    return out;
}

QStringList changedFields(const QByteArray &before, const QByteArray &after)
{
    const QJsonObject a = objectOf(before);
    const QJsonObject b = objectOf(after);
    QStringList keys = a.keys() + b.keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    QStringList changed;
    for (const QString &key : keys) {
        if (key == u"updated_at")
            continue;
        if (a.value(key) != b.value(key))
            changed << key;
    }
    return changed;
}

} // namespace PromoDesk::Engine
