// Workspace files: creation, recognition, forward migration, and refusing anything
// that is not a (readable, current-or-older) workspace without touching it.

#include "testsupport.h"

#include "store/connection.h"
#include "store/schema.h"
#include "store/workspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(PromoDesk::Store::WorkspaceKind)

namespace {

// Writes `bytes` into a new file.
bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// Overwrites `length` bytes from `offset` with a fixed garbage pattern.
bool scribble(const QString &path, qint64 offset, int length)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(offset))
        return false;
    QByteArray garbage(length, '\0');
    for (int i = 0; i < length; ++i)
        garbage[i] = char(0xA5 ^ ((i * 37) & 0xFF));
    return file.write(garbage) == length;
}

QStringList sideFiles(const QString &path)
{
    QStringList present;
    for (const QString &suffix : {u"-wal"_s, u"-shm"_s, u"-journal"_s, u".part"_s}) {
        if (QFileInfo::exists(path + suffix))
            present << path + suffix;
    }
    return present;
}

} // namespace

class TestWorkspace : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();

    void createWritesACurrentWorkspace_data();
    void createWritesACurrentWorkspace();
    void createRefusesAnExistingPath();
    void createRefusesAMissingFolder();

    void openMigratesOlderVersions_data();
    void openMigratesOlderVersions();

    void refusesBadFilesUntouched_data();
    void refusesBadFilesUntouched();

private:
    // The file is at the current schema version and in WAL mode.
    void verifyCurrentAndWal(Connection &connection);
    // Builds the file a test case names; returns an empty string on success, else why not.
    QString makeBadFile(const QString &kind, const QString &path);
    // Builds a workspace file at schema `version` holding one customer.
    QString makeWorkspaceAtVersion(int version, const QString &path);

    QTemporaryDir m_dir;
};

void TestWorkspace::verifyCurrentAndWal(Connection &connection)
{
    const auto version = scalar(connection, u"PRAGMA user_version"_s);
    PD_VERIFY_OK(version);
    QCOMPARE(version.value().toInt(), Schema::currentVersion());
    const auto journal = scalar(connection, u"PRAGMA journal_mode"_s);
    PD_VERIFY_OK(journal);
    QCOMPARE(journal.value().toString(), u"wal"_s);
}

void TestWorkspace::cleanup()
{
    // Every Connection a test or the code under test opened must be gone again.
    QVERIFY2(QSqlDatabase::connectionNames().isEmpty(),
             qPrintable(QSqlDatabase::connectionNames().join(u", ")));
}

void TestWorkspace::createWritesACurrentWorkspace_data()
{
    QTest::addColumn<WorkspaceKind>("kind");
    QTest::addColumn<QString>("kindName");
    QTest::newRow("production") << WorkspaceKind::Production << u"production"_s;
    QTest::newRow("sandbox") << WorkspaceKind::Sandbox << u"sandbox"_s;
}

void TestWorkspace::createWritesACurrentWorkspace()
{
    QFETCH(WorkspaceKind, kind);
    QFETCH(QString, kindName);
    const QString path = m_dir.filePath(u"create-%1.promodesk"_s.arg(kindName));

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const auto created = Workspace::create(path, kind, u"Shop ünïcode"_s, u"GBP"_s);
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    PD_VERIFY_OK(created);
    QCOMPARE(created.value().path, path);
    QCOMPARE(created.value().kind, kind);
    QCOMPARE(created.value().schemaVersion, Schema::currentVersion());
    QCOMPARE(created.value().name, u"Shop ünïcode"_s);
    QCOMPARE(created.value().currency, u"GBP"_s);
    QVERIFY(created.value().createdAt >= before && created.value().createdAt <= after);
    QVERIFY(QFileInfo(path).isFile());
    QCOMPARE(sideFiles(path), QStringList());

    {
        QString error;
        auto connection = openConnection(path, Connection::Access::ReadOnly, &error);
        QVERIFY2(connection, qPrintable(error));
        verifyCurrentAndWal(*connection);
        if (QTest::currentTestFailed())
            return;
        const auto applicationId = scalar(*connection, u"PRAGMA application_id"_s);
        PD_VERIFY_OK(applicationId);
        QCOMPARE(applicationId.value().toInt(), Schema::ApplicationId);
        const auto kindRow = scalar(*connection, u"SELECT value FROM workspace_meta WHERE key = ?"_s, {u"kind"_s});
        PD_VERIFY_OK(kindRow);
        QCOMPARE(kindRow.value().toString(), kindName);
    }

    const auto inspected = Workspace::inspect(path);
    PD_VERIFY_OK(inspected);
    QCOMPARE(inspected.value().kind, kind);
    QCOMPARE(Store::kindName(inspected.value().kind), kindName);
    QCOMPARE(inspected.value().schemaVersion, Schema::currentVersion());
    QCOMPARE(inspected.value().createdAt, created.value().createdAt);

    const auto opened = Workspace::open(path);
    PD_VERIFY_OK(opened);
    QCOMPARE(opened.value().kind, kind);
}

void TestWorkspace::createRefusesAnExistingPath()
{
    const QString path = m_dir.filePath(u"existing.promodesk"_s);
    QVERIFY(writeFile(path, "precious notes\n"));
    const QByteArray checksum = fileChecksum(path);

    const auto created = Workspace::create(path, WorkspaceKind::Production);
    QVERIFY(!created);
    QVERIFY2(created.error().toString().contains(path), qPrintable(created.error().toString()));
    QVERIFY2(created.error().message.contains(u"exists"_s), qPrintable(created.error().message));
    QCOMPARE(fileChecksum(path), checksum);
    QCOMPARE(sideFiles(path), QStringList());

    // An existing workspace is not replaced either.
    const QString workspace = m_dir.filePath(u"existing-workspace.promodesk"_s);
    PD_VERIFY_OK(Workspace::create(workspace, WorkspaceKind::Sandbox));
    const QByteArray workspaceChecksum = fileChecksum(workspace);
    QVERIFY(!Workspace::create(workspace, WorkspaceKind::Production));
    QCOMPARE(fileChecksum(workspace), workspaceChecksum);
    const auto inspected = Workspace::inspect(workspace);
    PD_VERIFY_OK(inspected);
    QCOMPARE(inspected.value().kind, WorkspaceKind::Sandbox);
}

void TestWorkspace::createRefusesAMissingFolder()
{
    const QString path = m_dir.filePath(u"no/such/folder/new.promodesk"_s);
    const auto created = Workspace::create(path, WorkspaceKind::Production);
    QVERIFY(!created);
    QVERIFY2(created.error().toString().contains(path), qPrintable(created.error().toString()));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(u"no"_s)));
}

QString TestWorkspace::makeWorkspaceAtVersion(int version, const QString &path)
{
    if (!writeFile(path, {}))
        return u"cannot create %1"_s.arg(path);
    QString error;
    auto connection = openConnection(path, Connection::Access::ReadWrite, &error);
    if (!connection)
        return error;
    if (Status s = Schema::migrate(*connection, version); !s)
        return s.error().toString();
    const QList<std::pair<QString, QString>> meta = {{u"kind"_s, u"sandbox"_s},
                                                     {u"name"_s, u"Old shop"_s},
                                                     {u"currency"_s, u"GBP"_s},
                                                     {u"created_at"_s, u"1600000000000"_s}};
    for (const auto &[key, value] : meta) {
        if (Status s = execute(*connection, u"INSERT INTO workspace_meta(key, value) VALUES (?, ?)"_s, {key, value}); !s)
            return s.error().toString();
    }
    // Only columns that exist since version 1.
    const Status inserted = execute(*connection,
                                    u"INSERT INTO customers(id, source_id, name, email, address_country, created_at, "
                                    u"updated_at, orders_count, total_spent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                                    {42, u"SRC-42"_s, u"Saoirse O'Brien"_s, u"saoirse@example.ie"_s, u"IE"_s,
                                     qint64(1600000000000), qint64(1600000000001), 3, qint64(12345)});
    if (!inserted)
        return inserted.error().toString();
    return {};
}

void TestWorkspace::openMigratesOlderVersions_data()
{
    QTest::addColumn<int>("version");
    for (int version = 1; version < Schema::currentVersion(); ++version)
        QTest::addRow("from v%d", version) << version;
}

void TestWorkspace::openMigratesOlderVersions()
{
    QFETCH(int, version);
    const QString path = m_dir.filePath(u"v%1.promodesk"_s.arg(version));
    const QString problem = makeWorkspaceAtVersion(version, path);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const auto before = Workspace::inspect(path);
    PD_VERIFY_OK(before);
    QCOMPARE(before.value().schemaVersion, version);

    const auto opened = Workspace::open(path);
    PD_VERIFY_OK(opened);
    QCOMPARE(opened.value().schemaVersion, Schema::currentVersion());
    QCOMPARE(opened.value().kind, WorkspaceKind::Sandbox);
    QCOMPARE(opened.value().name, u"Old shop"_s);
    QCOMPARE(opened.value().currency, u"GBP"_s);
    QCOMPARE(opened.value().createdAt, qint64(1600000000000));

    QString error;
    auto connection = openConnection(path, Connection::Access::ReadOnly, &error);
    QVERIFY2(connection, qPrintable(error));
    verifyCurrentAndWal(*connection);
    if (QTest::currentTestFailed())
        return;

    const auto tables = select(*connection, u"SELECT name FROM sqlite_schema WHERE type = ?"_s, {u"table"_s});
    PD_VERIFY_OK(tables);
    QStringList present;
    for (const QVariantList &row : tables.value())
        present << row.at(0).toString();
    for (const QString &table : Schema::tables())
        QVERIFY2(present.contains(table), qPrintable(u"table %1 missing after the upgrade"_s.arg(table)));

    const auto customer = select(*connection,
                                 u"SELECT source_id, name, email, address_country, created_at, orders_count, total_spent "
                                 u"FROM customers WHERE id = ?"_s,
                                 {42});
    PD_VERIFY_OK(customer);
    QCOMPARE(customer.value().size(), 1);
    const QVariantList row = customer.value().constFirst();
    QCOMPARE(row.at(0).toString(), u"SRC-42"_s);
    QCOMPARE(row.at(1).toString(), u"Saoirse O'Brien"_s);
    QCOMPARE(row.at(2).toString(), u"saoirse@example.ie"_s);
    QCOMPARE(row.at(3).toString(), u"IE"_s);
    QCOMPARE(row.at(4).toLongLong(), qint64(1600000000000));
    QCOMPARE(row.at(5).toLongLong(), qint64(3));
    QCOMPARE(row.at(6).toLongLong(), qint64(12345));

    const auto integrity = scalar(*connection, u"PRAGMA integrity_check"_s);
    PD_VERIFY_OK(integrity);
    QCOMPARE(integrity.value().toString(), u"ok"_s);
}

QString TestWorkspace::makeBadFile(const QString &kind, const QString &path)
{
    if (kind == u"text file")
        return QFile::copy(QStringLiteral(PROMODESK_TEST_DATA_DIR "/not-a-workspace.txt"), path)
                   ? QString()
                   : u"cannot copy the text fixture"_s;
    if (kind == u"empty file")
        return writeFile(path, {}) ? QString() : u"cannot create %1"_s.arg(path);
    if (kind == u"missing file")
        return {};
    if (kind == u"other application") {
        if (!writeFile(path, {}))
            return u"cannot create %1"_s.arg(path);
        QString error;
        auto connection = openConnection(path, Connection::Access::ReadWrite, &error);
        if (!connection)
            return error;
        for (const QString &sql : {u"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"_s,
                                   u"PRAGMA user_version = 1"_s}) {
            if (Status s = connection->exec(sql); !s)
                return s.error().toString();
        }
        if (Status s = execute(*connection, u"INSERT INTO notes(body) VALUES (?)"_s, {u"hello"_s}); !s)
            return s.error().toString();
        return {};
    }
    if (kind == u"newer version" || kind == u"corrupt") {
        if (auto created = Workspace::create(path, WorkspaceKind::Production); !created)
            return created.error().toString();
        if (kind == u"corrupt")
            return scribble(path, 100, 2000) ? QString() : u"cannot damage %1"_s.arg(path);
        QString error;
        auto connection = openConnection(path, Connection::Access::ReadWrite, &error);
        if (!connection)
            return error;
        // PRAGMAs take no bound parameters; the value is an integer.
        if (Status s = connection->exec(u"PRAGMA user_version = %1"_s.arg(Schema::currentVersion() + 1)); !s)
            return s.error().toString();
        return {};
    }
    return u"unknown kind of bad file: %1"_s.arg(kind);
}

void TestWorkspace::refusesBadFilesUntouched_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("viaOpen"); // Workspace::open, else Workspace::inspect
    QTest::addColumn<QString>("expected"); // a fragment of the message

    const QList<std::pair<QString, QString>> cases = {
        {u"text file"_s, u"not a PromoDesk workspace"_s},
        {u"empty file"_s, u"empty"_s},
        {u"other application"_s, u"another application"_s},
        {u"newer version"_s, u"newer"_s},
        {u"corrupt"_s, u"damaged"_s},
        {u"missing file"_s, u"no such file"_s},
    };
    for (const auto &[kind, expected] : cases) {
        QTest::addRow("%s, inspect", qPrintable(kind)) << kind << false << expected;
        QTest::addRow("%s, open", qPrintable(kind)) << kind << true << expected;
    }
}

void TestWorkspace::refusesBadFilesUntouched()
{
    QFETCH(QString, kind);
    QFETCH(bool, viaOpen);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(u"bad-%1-%2.promodesk"_s.arg(QString(kind).replace(u' ', u'-'))
                                            .arg(viaOpen ? u"open"_s : u"inspect"_s));
    const QString problem = makeBadFile(kind, path);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(sideFiles(path), QStringList());
    const bool existed = QFileInfo::exists(path);
    const QByteArray checksum = fileChecksum(path);

    const auto result = viaOpen ? Workspace::open(path) : Workspace::inspect(path);
    QVERIFY2(!result, "a bad file was accepted as a workspace");
    const QString message = result.error().toString();
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(expected, Qt::CaseInsensitive), qPrintable(message));

    QCOMPARE(QFileInfo::exists(path), existed);
    QCOMPARE(fileChecksum(path), checksum);
    QCOMPARE(sideFiles(path), QStringList());
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
