#include "engine/campaigndrafts.h"

#include "engine/campaignjson.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

namespace PromoDesk::Engine {

namespace {

constexpr int DraftFormat = 1;

// Keys become file names: only what cannot escape the folder.
bool safeKey(const QString &key)
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9_-]{1,80}$"));
    return allowed.match(key).hasMatch();
}

std::optional<CampaignDraft> readDraft(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (o.value(QLatin1String("format")).toInt() != DraftFormat || !o.value(QLatin1String("campaign")).isObject())
        return std::nullopt;
    CampaignDraft draft;
    draft.key = QFileInfo(file).completeBaseName();
    draft.campaign = campaignFromDraftJson(o.value(QLatin1String("campaign")).toObject());
    draft.savedAt = qint64(o.value(QLatin1String("saved_at")).toDouble());
    draft.baseUpdatedAt = qint64(o.value(QLatin1String("base_updated_at")).toDouble());
    return draft;
}

} // namespace

CampaignDrafts::CampaignDrafts(const QString &workspacePath, const QString &root)
    : m_workspace(QFileInfo(workspacePath).absoluteFilePath())
{
    const QString base = root.isEmpty()
                             ? QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/drafts")
                             : root;
    const QByteArray hash = QCryptographicHash::hash(m_workspace.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    m_directory = base + QLatin1Char('/') + QString::fromLatin1(hash);
}

QString CampaignDrafts::newKey()
{
    return QStringLiteral("new_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
}

QString CampaignDrafts::fileOf(const QString &key) const
{
    return m_directory + QLatin1Char('/') + key + QStringLiteral(".json");
}

Status CampaignDrafts::save(const CampaignDraft &draft) const
{
    if (!safeKey(draft.key))
        return Error{QStringLiteral("%1 cannot name a draft").arg(draft.key), QStringLiteral("draft")};
    if (!QDir().mkpath(m_directory))
        return Error{QStringLiteral("cannot create the drafts folder"), m_directory};
    QJsonObject o;
    o.insert(QStringLiteral("format"), DraftFormat);
    o.insert(QStringLiteral("workspace"), m_workspace);
    o.insert(QStringLiteral("saved_at"), double(draft.savedAt ? draft.savedAt : QDateTime::currentMSecsSinceEpoch()));
    o.insert(QStringLiteral("base_updated_at"), double(draft.baseUpdatedAt));
    o.insert(QStringLiteral("campaign"), campaignToJson(draft.campaign));
    QSaveFile file(fileOf(draft.key));
    if (!file.open(QIODevice::WriteOnly))
        return Error{file.errorString(), file.fileName()};
    file.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Error{file.errorString(), file.fileName()};
    return {};
}

QList<CampaignDraft> CampaignDrafts::list() const
{
    QList<CampaignDraft> drafts;
    const QFileInfoList files = QDir(m_directory).entryInfoList({QStringLiteral("*.json")}, QDir::Files);
    for (const QFileInfo &info : files) {
        if (auto draft = readDraft(info.absoluteFilePath()))
            drafts.append(*draft);
    }
    std::sort(drafts.begin(), drafts.end(), [](const CampaignDraft &a, const CampaignDraft &b) {
        return a.savedAt != b.savedAt ? a.savedAt > b.savedAt : a.key < b.key;
    });
    return drafts;
}

std::optional<CampaignDraft> CampaignDrafts::find(const QString &key) const
{
    if (!safeKey(key))
        return std::nullopt;
    return readDraft(fileOf(key));
}

void CampaignDrafts::remove(const QString &key) const
{
    if (safeKey(key))
        QFile::remove(fileOf(key));
}

} // namespace PromoDesk::Engine
