#pragma once

// Runs promodesk-cli as a user or a script does, for the tests that drive it: the
// including test defines PROMODESK_CLI_PATH (see tests/CMakeLists.txt).

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest/QTest>

namespace PromoDesk::Tests {

using namespace Qt::StringLiterals;

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString failure; // why the process could not be run at all
};

inline Run runCli(const QStringList &arguments, const QByteArray &input = {})
{
    QProcess process;
    process.setProgram(QStringLiteral(PROMODESK_CLI_PATH));
    process.setArguments(arguments);
    process.start();
    process.write(input);
    process.closeWriteChannel();
    Run run;
    if (!process.waitForStarted(30'000) || !process.waitForFinished(120'000)) {
        run.failure = u"promodesk-cli %1: %2"_s.arg(arguments.join(u' '), process.errorString());
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return run;
}

inline QJsonObject parseObject(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = u"not a JSON object (%1): %2"_s.arg(parseError.errorString(), QString::fromUtf8(json));
        return {};
    }
    return document.object();
}

} // namespace PromoDesk::Tests

// Runs the CLI, failing the test if it cannot be run; `run` receives the outcome.
#define RUN_CLI(run, ...)                                                                                      \
    const Run run = runCli(__VA_ARGS__);                                                                       \
    QVERIFY2(run.failure.isEmpty(), qPrintable(run.failure))

// Runs the CLI expecting success and a JSON object on stdout, into `object`.
#define RUN_CLI_JSON(object, ...)                                                                              \
    QJsonObject object;                                                                                        \
    {                                                                                                          \
        RUN_CLI(run_, __VA_ARGS__);                                                                            \
        QVERIFY2(run_.exitCode == 0, run_.err.constData());                                                    \
        QString error_;                                                                                        \
        object = parseObject(run_.out, &error_);                                                               \
        QVERIFY2(error_.isEmpty(), qPrintable(error_));                                                        \
    }
