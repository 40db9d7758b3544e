#pragma once

// Small helpers shared by the unit tests: read-only SQL with bound values, content
// hashes of tables and files, and a demo workspace to test against.

#include "common/result.h"
#include "store/connection.h"
#include "store/customerrepository.h"
#include "store/demogenerator.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QtTest/QTest>

#include <memory>

// QVERIFY that a Result or Status holds no error, and print the error if it does.
// The expression is evaluated once (it is often the call under test).
#define PD_VERIFY_OK(result)                                                                                   \
    do {                                                                                                       \
        const auto &pdVerifyOk_ = (result);                                                                    \
        QVERIFY2(pdVerifyOk_.ok(), pdVerifyOk_.ok() ? "" : qPrintable(pdVerifyOk_.error().toString()));       \
    } while (false)

namespace PromoDesk::Tests {

using Rows = QList<QVariantList>;

// Every row of a query, its values bound in order.
Result<Rows> select(Store::Connection &connection, const QString &sql, const QVariantList &values = {});

// The first column of the first row (an error if there is no row).
Result<QVariant> scalar(Store::Connection &connection, const QString &sql, const QVariantList &values = {});

// Runs one statement with bound values (for the few writes the tests make).
Status execute(Store::Connection &connection, const QString &sql, const QVariantList &values = {});

// SHA-256 over a table's full content (SELECT * in primary-key order), values typed.
Result<QByteArray> tableHash(Store::Connection &connection, const QString &table);

// SHA-256 of a file's bytes, or an empty array if it cannot be read.
QByteArray fileChecksum(const QString &path);

// The names of the entries in a folder (files and folders, hidden ones too).
QStringList entriesIn(const QString &folder);

// Opens a connection; the connection closes when the returned pointer dies.
std::unique_ptr<Store::Connection> openConnection(const QString &path,
                                                  Store::Connection::Access access = Store::Connection::Access::ReadOnly,
                                                  QString *error = nullptr);

// A customer query, its fields set by name (so that new fields keep their defaults).
Store::CustomerQuery customerQuery(Store::CustomerSort sort = Store::CustomerSort::Name, bool descending = false,
                                   const QString &search = {});

// A small demo workspace (5 000 members) at `path`.
Result<Store::DemoReport> generateSmallDemo(const QString &path, quint64 seed,
                                            Store::WorkspaceKind kind = Store::WorkspaceKind::Production);

// The small demo with its campaigns, codes and a year of redemption history (what
// `init --demo small` creates).
Result<Store::DemoReport> generateSmallCampaignDemo(const QString &path, quint64 seed);

} // namespace PromoDesk::Tests
