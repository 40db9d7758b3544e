// Opens the main window on a small demo workspace and walks through every page the
// way a person would: sidebar clicks, shortcuts, the customers table, search,
// sorting, the profile panel, a sandbox workspace and a file that is not one.

#include "items/customertablemodel.h"
#include "mainwindow.h"
#include "pages/customerspage.h"
#include "pages/page.h"
#include "store/connection.h"
#include "store/customerrepository.h"
#include "store/demogenerator.h"
#include "store/workspace.h"
#include "widgets/customerprofilepanel.h"

#include <QApplication>
#include <QFileInfo>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace PromoDesk;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void opensOnDemoWorkspace();
    void visitsEveryPageFromTheSidebar();
    void visitsEveryPageByShortcut();
    void customersTableLoadsAndSearches();
    void sortsByHeaderClick();
    void profileOpensOnDoubleClick();
    void sandboxWorkspaceShowsSandboxBadge();
    void refusesAFileThatIsNotAWorkspace();

private:
    void openAndWait(Ui::MainWindow &window, const QString &path);
    Ui::CustomersPage *customersPage(Ui::MainWindow &window);
    // Shows the window on the demo workspace at the customers page.
    Ui::CustomersPage *showCustomers(Ui::MainWindow &window);

    QTemporaryDir m_dir;
    QString m_demo;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Settings (recent workspaces) go to the temporary folder, not the user's.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    QApplication::setOrganizationName(QStringLiteral("PromoDeskTests"));
    m_demo = m_dir.filePath(QStringLiteral("demo.promodesk"));
    Store::DemoOptions options;
    options.size = Store::DemoSize::Small;
    options.seed = 7;
    auto report = Store::generateDemo(m_demo, options);
    QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toString()));
}

void TestMainWindow::openAndWait(Ui::MainWindow &window, const QString &path)
{
    QSignalSpy opened(&window, &Ui::MainWindow::workspaceOpened);
    QSignalSpy overview(&window, &Ui::MainWindow::overviewLoaded);
    window.openWorkspace(path);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(overview.count(), 1, 15000);
}

Ui::CustomersPage *TestMainWindow::customersPage(Ui::MainWindow &window)
{
    return window.findChild<Ui::CustomersPage *>(QStringLiteral("customersPage"));
}

Ui::CustomersPage *TestMainWindow::showCustomers(Ui::MainWindow &window)
{
    window.resize(1300, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return nullptr;
    openAndWait(window, m_demo);
    window.showPage(1);
    return customersPage(window);
}

void TestMainWindow::opensOnDemoWorkspace()
{
    Ui::MainWindow window;
    window.show();
    QCOMPARE(window.badgeText(), QStringLiteral("NO WORKSPACE"));
    openAndWait(window, m_demo);
    QVERIFY(window.workspace().has_value());
    QCOMPARE(window.badgeText(), QStringLiteral("PRODUCTION"));
    QVERIFY(window.windowTitle().contains(QStringLiteral("PRODUCTION")));
    const QString members = QLocale::system().toString(5000);
    QVERIFY2(window.statusText().startsWith(members + QStringLiteral(" customers")), qPrintable(window.statusText()));
}

void TestMainWindow::visitsEveryPageFromTheSidebar()
{
    Ui::MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    openAndWait(window, m_demo);
    auto *sidebar = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    QVERIFY(sidebar);
    QCOMPARE(sidebar->count(), 7);
    const QStringList expected{QStringLiteral("Dashboard"),   QStringLiteral("Customers"),   QStringLiteral("Segments"),
                               QStringLiteral("Campaigns"),   QStringLiteral("Experiments"), QStringLiteral("Redemptions"),
                               QStringLiteral("Sandbox")};
    for (int i = sidebar->count() - 1; i >= 0; --i) {
        QCOMPARE(sidebar->item(i)->text(), expected[i]);
        const QRect rect = sidebar->visualItemRect(sidebar->item(i));
        QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(window.currentPage(), i);
        Ui::Page *page = window.pages().at(i);
        QVERIFY(page->isVisible());
        QCOMPARE(page->title(), expected[i]);
        const QImage image = page->grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 400 && image.height() > 300);
    }
}

void TestMainWindow::visitsEveryPageByShortcut()
{
    Ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (int i = 0; i < window.pages().size(); ++i) {
        QTest::keyClick(&window, Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
        QCOMPARE(window.currentPage(), i);
    }
}

void TestMainWindow::customersTableLoadsAndSearches()
{
    Ui::MainWindow window;
    window.show();
    openAndWait(window, m_demo);
    window.showPage(1);
    Ui::CustomersPage *page = customersPage(window);
    QVERIFY(page);
    Items::CustomerTableModel *model = page->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5000, 15000);
    // The visible rows page in without anyone asking twice.
    QTRY_VERIFY_WITH_TIMEOUT(model->index(0, 0).data(Items::CustomerTableModel::LoadedRole).toBool(), 10000);

    // The independent truth: the repository's count for the same search.
    auto connection = Store::Connection::open(m_demo, Store::Connection::Access::ReadOnly);
    QVERIFY(connection.ok());
    Store::CustomerQuery query;
    query.search = QStringLiteral("smi");
    const auto expected = Store::CustomerRepository(*connection.value()).count(query);
    QVERIFY(expected.ok());
    QVERIFY(expected.value() > 0 && expected.value() < 5000);

    QTest::keyClicks(page->searchBox(), QStringLiteral("smi"));
    QTRY_COMPARE_WITH_TIMEOUT(qint64(model->rowCount()), expected.value(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(model->index(0, 0).data(Items::CustomerTableModel::LoadedRole).toBool(), 10000);
    const QString firstName = model->index(0, Items::CustomerTableModel::Name).data().toString();
    const QString firstEmail = model->index(0, Items::CustomerTableModel::Email).data().toString();
    QVERIFY2(firstName.contains(QStringLiteral("smi"), Qt::CaseInsensitive)
                 || firstEmail.contains(QStringLiteral("smi"), Qt::CaseInsensitive),
             qPrintable(firstName + QLatin1Char(' ') + firstEmail));

    QTest::keyClicks(page->searchBox(), QStringLiteral("zzzzqq"));
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 10000);

    page->searchBox()->clear();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5000, 10000);
}

void TestMainWindow::sortsByHeaderClick()
{
    Ui::MainWindow window;
    Ui::CustomersPage *page = showCustomers(window);
    QVERIFY(page);
    Items::CustomerTableModel *model = page->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5000, 15000);

    QHeaderView *header = page->table()->horizontalHeader();
    const int x = header->sectionViewportPosition(Items::CustomerTableModel::Orders) + 10;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(model->sortColumn(), int(Items::CustomerTableModel::Orders));
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading() && model->index(0, 0).data(Items::CustomerTableModel::LoadedRole).toBool(),
                             10000);
    // Ascending by orders: the first rows have the fewest orders, the column is ordered.
    qint64 previous = -1;
    for (int row = 0; row < 50; ++row) {
        const qint64 orders = model->index(row, Items::CustomerTableModel::Orders).data().toLongLong();
        QVERIFY(orders >= previous);
        previous = orders;
    }
    // A column without an index keeps the previous sort.
    const int email = header->sectionViewportPosition(Items::CustomerTableModel::Email) + 10;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(email, header->height() / 2));
    QCOMPARE(model->sortColumn(), int(Items::CustomerTableModel::Orders));
    QCOMPARE(header->sortIndicatorSection(), int(Items::CustomerTableModel::Orders));
}

void TestMainWindow::profileOpensOnDoubleClick()
{
    Ui::MainWindow window;
    Ui::CustomersPage *page = showCustomers(window);
    QVERIFY(page);
    Items::CustomerTableModel *model = page->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0 && model->index(2, 0).data(Items::CustomerTableModel::LoadedRole).toBool(),
                             15000);
    const QString id = model->index(2, 0).data(Items::CustomerTableModel::CustomerIdRole).toString();
    QVERIFY(id.startsWith(QStringLiteral("cust_")));

    QTableView *table = page->table();
    const QRect cell = table->visualRect(model->index(2, 0));
    QSignalSpy loaded(page->profilePanel(), &Ui::CustomerProfilePanel::loaded);
    // A double-click is a click followed by a double-click event, as a real mouse sends it.
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
    QVERIFY(page->profilePanel()->isVisible());
    QCOMPARE(page->profilePanel()->customerId(), id);
    const QList<QLabel *> labels = page->profilePanel()->findChildren<QLabel *>();
    const bool showsId = std::any_of(labels.begin(), labels.end(), [&](QLabel *l) { return l->text() == id; });
    QVERIFY(showsId);

    QTest::keyClick(page, Qt::Key_Escape);
    QVERIFY(!page->profilePanel()->isVisible());

    // Enter on the selected row opens it too.
    table->setFocus();
    table->setCurrentIndex(model->index(3, 0));
    const QString next = model->index(3, 0).data(Items::CustomerTableModel::CustomerIdRole).toString();
    QTest::keyClick(table, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000);
    QCOMPARE(page->profilePanel()->customerId(), next);
}

void TestMainWindow::sandboxWorkspaceShowsSandboxBadge()
{
    const QString path = m_dir.filePath(QStringLiteral("sandbox.promodesk"));
    auto created = Store::Workspace::create(path, Store::WorkspaceKind::Sandbox, QStringLiteral("Try-outs"));
    QVERIFY(created.ok());
    Ui::MainWindow window;
    window.show();
    openAndWait(window, path);
    QCOMPARE(window.badgeText(), QStringLiteral("SANDBOX"));
    QVERIFY(window.windowTitle().contains(QStringLiteral("SANDBOX")));
    QVERIFY(window.windowTitle().contains(QStringLiteral("Try-outs")));
    window.showPage(1);
    QTRY_COMPARE_WITH_TIMEOUT(customersPage(window)->model()->rowCount(), 0, 5000);
}

void TestMainWindow::refusesAFileThatIsNotAWorkspace()
{
    const QString bogus = m_dir.filePath(QStringLiteral("notes.promodesk"));
    {
        QFile file(bogus);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("just some notes\n");
    }
    Ui::MainWindow window;
    window.show();
    openAndWait(window, m_demo);
    QSignalSpy failed(&window, &Ui::MainWindow::workspaceFailed);
    window.openWorkspace(bogus);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(bogus) && message.contains(QStringLiteral("not a PromoDesk workspace")), qPrintable(message));
    // The open workspace stays open, and the person is told.
    QCOMPARE(window.workspace()->path, QFileInfo(m_demo).absoluteFilePath());
    auto *box = window.findChild<QMessageBox *>(QStringLiteral("errorMessage"));
    QVERIFY(box);
    QVERIFY(box->text().contains(bogus));
    box->accept();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
