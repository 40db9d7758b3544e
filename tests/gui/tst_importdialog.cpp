// The Import CSV dialog, driven by its widgets offscreen: the column preview, a
// successful import with its counts, a refused file whose errors are listed (and
// copyable) while every table stays as it was, Cancel leaving nothing behind, and the
// Customers page opening the dialog and reloading after an import. Renders the
// dialog to PNG in its success and error states.

#include "dialogs/importdialog.h"
#include "items/customertablemodel.h"
#include "pages/customerspage.h"
#include "store/connection.h"
#include "store/schema.h"
#include "store/workspace.h"
#include "testsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMap>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;
using namespace PromoDesk::Store;
using namespace PromoDesk::Tests;
using namespace Qt::StringLiterals;

namespace {

const QByteArray Customers = "source_id,first_name,last_name,email,country,tags,metadata.pet,consent_email\n"
                             "C-1,Aoife,Murphy,aoife@example.ie,IE,dog-owner;vip,Rex,yes\n"
                             "C-2,Liam,Kelly,liam@example.ie,GB,,,no\n"
                             "C-3,Seán,Ó Brien,sean@example.ie,FR,cat-owner,Tom,1\n";

} // namespace

class TestImportDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void previewShowsHowColumnsAreRead();
    void importSucceedsAndShowsTheCounts();
    void badFileShowsErrorsAndChangesNothing();
    void unknownColumnsRefuseUnlessSkipped();
    void cancelLeavesNothingBehind();
    void customersPageOpensTheDialogAndReloads();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString writeFile(const QString &name, const QByteArray &content);
    QString freshWorkspace(const QString &name);
    QMap<QString, QByteArray> hashes(const QString &workspace);
    static void waitForPreview(Ui::ImportDialog &dialog);
    static void runImport(Ui::ImportDialog &dialog);
    static void render(QWidget &widget, const QString &name);

    QTemporaryDir m_dir;
    QString m_empty;
};

void TestImportDialog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_empty = path(u"empty.promodesk"_s);
    PD_VERIFY_OK(Workspace::create(m_empty, WorkspaceKind::Production, u"Import dialog"_s));
}

QString TestImportDialog::writeFile(const QString &name, const QByteArray &content)
{
    QFile f(path(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return {};
    return f.fileName();
}

QString TestImportDialog::freshWorkspace(const QString &name)
{
    const QString target = path(name + u".promodesk"_s);
    QFile::remove(target);
    return QFile::copy(m_empty, target) ? target : QString();
}

QMap<QString, QByteArray> TestImportDialog::hashes(const QString &workspace)
{
    QMap<QString, QByteArray> out;
    auto connection = openConnection(workspace, Connection::Access::ReadWrite);
    for (const QString &table : Schema::tables()) {
        auto hash = connection ? tableHash(*connection, table) : Result<QByteArray>();
        out.insert(table, hash ? hash.value() : QByteArray("error"));
    }
    return out;
}

void TestImportDialog::waitForPreview(Ui::ImportDialog &dialog)
{
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isPreviewLoading(), 10'000);
}

void TestImportDialog::runImport(Ui::ImportDialog &dialog)
{
    QVERIFY(dialog.importButton()->isEnabled());
    QSignalSpy finished(&dialog, &Ui::ImportDialog::importFinished);
    QTest::mouseClick(dialog.importButton(), Qt::LeftButton);
    QVERIFY(dialog.isImporting());
    QVERIFY(finished.wait(60'000));
    QVERIFY(!dialog.isImporting());
}

// Offscreen PNGs of what a person sees (in the temporary folder's parent, kept).
void TestImportDialog::render(QWidget &widget, const QString &name)
{
    const QString file = QDir::temp().filePath(u"promodesk-importdialog-%1.png"_s.arg(name));
    QVERIFY(widget.grab().save(file));
}

void TestImportDialog::previewShowsHowColumnsAreRead()
{
    const QString file = writeFile(u"preview.csv"_s, "\xEF\xBB\xBF" "Customer ID;Emial;metadata.pet\nC-1;a@b.ie;Rex\nC-2;c@d.ie;\n");
    Ui::ImportDialog dialog(freshWorkspace(u"preview"_s));
    dialog.setFile(file);
    waitForPreview(dialog);
    QTableWidget *table = dialog.previewTable();
    QCOMPARE(table->columnCount(), 3);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->horizontalHeaderItem(0)->text(), u"Customer ID\n→ source_id"_s);
    QCOMPARE(table->horizontalHeaderItem(1)->text(), u"Emial\n✖ unknown"_s);
    QCOMPARE(table->horizontalHeaderItem(2)->text(), u"metadata.pet"_s);
    QCOMPARE(table->item(0, 2)->text(), u"Rex"_s);
    QCOMPARE(table->verticalHeaderItem(1)->text(), u"3"_s); // the line in the file
    const QString mapping = dialog.findChild<QLabel *>(u"mapping"_s)->text();
    QVERIFY2(mapping.contains(u"3 columns (delimiter “;”): 2 read, 1 unknown."_s), qPrintable(mapping));
    QVERIFY2(mapping.contains(u"“Emial” (did you mean email?)"_s), qPrintable(mapping));

    // An orders file needs columns this one lacks: nothing to import.
    dialog.setKind(ImportKind::Orders);
    waitForPreview(dialog);
    QVERIFY(!dialog.importButton()->isEnabled());
    QVERIFY(dialog.findChild<QLabel *>(u"mapping"_s)->text().contains(u"Missing required columns: order_source_id, created_at, sku_source_id (or sku)."_s));
}

void TestImportDialog::importSucceedsAndShowsTheCounts()
{
    const QString ws = freshWorkspace(u"success"_s);
    Ui::ImportDialog dialog(ws);
    dialog.resize(900, 640);
    dialog.show();
    QSignalSpy imported(&dialog, &Ui::ImportDialog::imported);
    dialog.setKind(ImportKind::Customers);
    dialog.setFile(writeFile(u"customers.csv"_s, Customers));
    waitForPreview(dialog);
    runImport(dialog);
    QCOMPARE(imported.size(), 1);
    QVERIFY(dialog.lastReport()->ok());
    QVERIFY2(dialog.statusText().startsWith(u"Imported 3 rows: 3 customers inserted, 0 updated in "_s),
             qPrintable(dialog.statusText()));
    QCOMPARE(dialog.progressBar()->value(), 100);
    QVERIFY(dialog.errorTexts().isEmpty());
    auto db = openConnection(ws);
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toInt(), 3);
    QCOMPARE(scalar(*db, u"SELECT actor FROM audit_log WHERE entity_type = 'import'"_s).value().toString().isEmpty(), false);
    render(dialog, u"success"_s);

    // Again: every row is an update, none new.
    runImport(dialog);
    QVERIFY2(dialog.statusText().startsWith(u"Imported 3 rows: 0 customers inserted, 3 updated in "_s),
             qPrintable(dialog.statusText()));
    QCOMPARE(scalar(*db, u"SELECT count(*) FROM customers"_s).value().toInt(), 3);
}

void TestImportDialog::badFileShowsErrorsAndChangesNothing()
{
    const QString ws = freshWorkspace(u"refused"_s);
    Ui::ImportDialog dialog(ws);
    dialog.resize(900, 640);
    dialog.show();
    dialog.setFile(writeFile(u"customers.csv"_s, Customers));
    waitForPreview(dialog);
    runImport(dialog);
    const QMap<QString, QByteArray> before = hashes(ws);

    QByteArray bad = "source_id,name,email,birthdate,country\n";
    for (int i = 1; i <= 1200; ++i) {
        const bool broken = i >= 1041;
        bad += "B-" + QByteArray::number(i) + ",Member " + QByteArray::number(i) + ','
               + (i == 1100 ? "not-an-email" : "m@example.com") + ',' + (broken ? "31/02/1990" : "1990-02-28") + ','
               + (i == 1045 ? "Ireland" : "IE") + '\n';
    }
    const QString file = writeFile(u"bad.csv"_s, bad);
    dialog.setFile(file);
    waitForPreview(dialog);
    QSignalSpy imported(&dialog, &Ui::ImportDialog::imported);
    runImport(dialog);
    QCOMPARE(imported.size(), 0);
    QVERIFY(!dialog.lastReport()->ok());
    const QStringList errors = dialog.errorTexts();
    QCOMPARE(errors.size(), 101); // the first 100, and a line saying it stopped
    QCOMPARE(errors[0], file + u", line 1042, column \"birthdate\": \"31/02/1990\" is not a date"_s);
    QCOMPARE(errors[5], file + u", line 1046, column \"country\": \"Ireland\" is not a two-letter country code (like IE or GB)"_s);
    QCOMPARE(errors[100], u"… stopped after 100 errors."_s);
    QVERIFY2(dialog.statusText().startsWith(u"The file was refused — nothing was imported."_s), qPrintable(dialog.statusText()));
    QCOMPARE(hashes(ws), before);
    render(dialog, u"errors"_s);

    // The list can be copied as text.
    QPushButton *copy = dialog.findChild<QPushButton *>(u"copyErrors"_s);
    QVERIFY(copy->isVisible());
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text().split(u'\n').size(), 101);
    QVERIFY(QApplication::clipboard()->text().startsWith(errors[0]));
}

void TestImportDialog::unknownColumnsRefuseUnlessSkipped()
{
    const QString ws = freshWorkspace(u"unknown"_s);
    Ui::ImportDialog dialog(ws);
    dialog.setFile(writeFile(u"unknown.csv"_s, "source_id,name,favourite_colour\nC-1,Aoife,green\n"));
    waitForPreview(dialog);
    runImport(dialog);
    QCOMPARE(dialog.errorTexts().size(), 1);
    QVERIFY(dialog.errorTexts()[0].endsWith(u"line 1, column \"favourite_colour\": unknown column"_s));

    dialog.findChild<QCheckBox *>(u"ignoreUnknown"_s)->setChecked(true);
    runImport(dialog);
    QVERIFY(dialog.lastReport()->ok());
    QCOMPARE(dialog.errorTexts().size(), 1);
    QVERIFY(dialog.errorTexts()[0].startsWith(u"warning: "_s));
    auto db = openConnection(ws);
    QCOMPARE(scalar(*db, u"SELECT name FROM customers"_s).value().toString(), u"Aoife"_s);
}

void TestImportDialog::cancelLeavesNothingBehind()
{
    const QString ws = freshWorkspace(u"cancel"_s);
    QByteArray big = "source_id,name,email,country,created_at\n";
    for (int i = 0; i < 400'000; ++i)
        big += "K-" + QByteArray::number(i) + ",Kim " + QByteArray::number(i) + ",k" + QByteArray::number(i)
               + "@example.com,IE,2025-01-01T10:00:00Z\n";
    const QString file = writeFile(u"big.csv"_s, big);
    const QMap<QString, QByteArray> before = hashes(ws);
    Ui::ImportDialog dialog(ws);
    dialog.show();
    dialog.setFile(file);
    waitForPreview(dialog);
    QSignalSpy finished(&dialog, &Ui::ImportDialog::importFinished);
    QTest::mouseClick(dialog.importButton(), Qt::LeftButton);
    QVERIFY(dialog.cancelButton()->isVisible());
    QVERIFY(!dialog.findChild<QPushButton *>(u"close"_s)->isEnabled());
    // Cancel once the rows are going in.
    QTRY_VERIFY_WITH_TIMEOUT(dialog.progressBar()->value() >= 5 || !dialog.isImporting(), 30'000);
    QVERIFY(dialog.isImporting());
    QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
    QCOMPARE(dialog.statusText(), u"Cancelling…"_s);
    QVERIFY(finished.wait(60'000));
    QCOMPARE(finished.constFirst().constFirst().toBool(), false);
    QVERIFY(dialog.lastReport()->cancelled);
    QCOMPARE(dialog.statusText(), u"Cancelled — nothing was imported."_s);
    QCOMPARE(hashes(ws), before);
    QVERIFY(dialog.findChild<QPushButton *>(u"close"_s)->isEnabled());
}

void TestImportDialog::customersPageOpensTheDialogAndReloads()
{
    const QString ws = freshWorkspace(u"page"_s);
    auto info = Workspace::inspect(ws);
    PD_VERIFY_OK(info);
    Ui::CustomersPage page;
    page.resize(1100, 700);
    page.show();
    page.setWorkspace(info.value());
    QTRY_COMPARE(page.model()->total(), 0);
    QSignalSpy reloaded(&page, &Ui::CustomersPage::dataImported);
    QTest::mouseClick(page.importButton(), Qt::LeftButton);
    auto *dialog = page.findChild<Ui::ImportDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    dialog->setFile(writeFile(u"page.csv"_s, Customers));
    waitForPreview(*dialog);
    runImport(*dialog);
    QCOMPARE(reloaded.size(), 1);
    QTRY_COMPARE(page.model()->total(), 3);
    render(page, u"customers-page"_s);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"close"_s), Qt::LeftButton);
    QTRY_VERIFY(!page.findChild<Ui::ImportDialog *>()); // closed and deleted
}

QTEST_MAIN(TestImportDialog)
#include "tst_importdialog.moc"
