// The Experiments page (issue 10) over the small campaign demo (its history ending
// today): the empty state; an experiment "$5 off vs 10% off vs no promo" for a segment
// set up through the editor (errors named in red, the dialog staying open), with the
// planner's figures; started (its draft campaigns activated), stopped and restarted; its
// frozen fields read-only in the editor; traffic through the campaign engine (qualify
// exposes, checkouts redeem the variant's tier and are stored as orders); F5 re-reads the
// results, whose tables equal Experiments::analyze called directly; no SRM banner; the
// CSV export read back; Declare winner → the winner's campaign active, the other paused,
// the experiment concluded; a duplicated draft deleted; a sandbox of the workspace with a
// week of simulated traffic shows its (Bayesian) results the same way. With PROMODESK_SCREENSHOTS=DIR
// set, a second experiment with two weeks of traffic goes through the screenshot pass.

#include "common/csv.h"
#include "common/money.h"
#include "dialogs/experimentdialog.h"
#include "dialogs/experimentwinnerdialog.h"
#include "editors/ruleseditor.h"
#include "engine/democampaigns.h"
#include "engine/engine.h"
#include "experimentscreenshots.h"
#include "experiments/analysis.h"
#include "mainwindow.h"
#include "pages/experimentspage.h"
#include "rules/syntax.h"
#include "sandbox/sandbox.h"
#include "sandbox/simulator.h"
#include "rules/typecheck.h"
#include "store/campaignstore.h"
#include "store/connection.h"
#include "store/experimentstore.h"
#include "store/segmentstore.h"
#include "store/workspace.h"
#include "testsupport.h"
#include "widgets/experimentformat.h"
#include "widgets/experimentplanner.h"
#include "widgets/experimentresultspanel.h"
#include "widgets/liftbardelegate.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace PromoDesk;
using namespace Qt::StringLiterals;
using Experiments::ExperimentStatus;
using Experiments::Metric;

namespace {

constexpr int Timeout = 60000;
constexpr qint64 DayMs = 86'400'000;

// A promotion with one tier that applies to every cart.
Engine::Campaign promotion(const QString &id, const QString &name, const QString &tierId, const Engine::Discount &discount)
{
    Engine::Campaign c;
    c.id = id;
    c.name = name;
    c.type = Engine::CampaignType::Promotion;
    c.status = Engine::CampaignStatus::Draft;
    Engine::Tier tier;
    tier.id = tierId;
    tier.name = name;
    tier.discount = discount;
    c.tiers << tier;
    return c;
}

Engine::Discount amountOff(qint64 cents)
{
    Engine::Discount d;
    d.type = Engine::DiscountType::Amount;
    d.amountOff = cents;
    return d;
}

Engine::Discount percentOff(double percent)
{
    Engine::Discount d;
    d.type = Engine::DiscountType::Percent;
    d.percentOff = percent;
    return d;
}

struct TrafficCounts
{
    qint64 exposed = 0;
    qint64 redeemed = 0;
    qint64 orders = 0;
    QString error;
};

// Shoppers through the engine: each customer visits once at `visitAt(i)` (qualify, which
// exposes them), checks out with a chance that grows with their variant's incentive
// (`checkout[variant]`) `checkoutAfterMs` later, redeems their variant's tier at checkout and the order is stored.
template <typename VisitAt>
TrafficCounts drive(const QString &path, const QString &experimentId, const QList<qint64> &customers, const QList<double> &checkout,
                    const QList<QPair<QString, qint64>> &skus, VisitAt visitAt, qint64 checkoutAfterMs, quint32 seed)
{
    TrafficCounts counts;
    auto db = Tests::openConnection(path, Store::Connection::Access::ReadWrite, &counts.error);
    if (!db)
        return counts;
    auto experiment = Store::ExperimentStore(*db).find(experimentId);
    if (!experiment || !experiment.value()) {
        counts.error = u"no experiment"_s;
        return counts;
    }
    Engine::CampaignEngine engine(*db);
    QRandomGenerator random(seed);
    for (int i = 0; i < customers.size(); ++i) {
        const qint64 at = visitAt(i);
        Engine::Request request;
        request.customer = u"cust_%1"_s.arg(customers[i]);
        request.now = at;
        qint64 amount = 0;
        const int lines = 1 + int(random.bounded(3));
        for (int l = 0; l < lines; ++l) {
            const auto &[sku, price] = skus[int(random.bounded(int(skus.size())))];
            Engine::OrderItem item;
            item.sku = sku;
            item.quantity = 1 + random.bounded(2);
            request.order.items << item;
            amount += price * item.quantity;
        }
        auto qualified = engine.qualify(request);
        if (!qualified) {
            counts.error = qualified.error().toString();
            return counts;
        }
        int variant = -1;
        for (const Engine::ExperimentAssignment &a : qualified.value().experiments)
            if (a.experimentId == experimentId)
                variant = a.variant;
        if (variant < 0)
            continue;
        ++counts.exposed;
        if (random.generateDouble() >= checkout.value(variant))
            continue;
        const Experiments::Variant &v = experiment.value()->variants[variant];
        qint64 discount = 0;
        if (!v.holdout) {
            Engine::Request redeem = request;
            redeem.now = at + checkoutAfterMs;
            redeem.redeemables << Engine::Redeemable{Engine::Redeemable::Object::PromotionTier, v.tierId, std::nullopt};
            auto redeemed = engine.redeem(redeem);
            if (!redeemed) {
                counts.error = redeemed.error().toString();
                return counts;
            }
            if (redeemed.value().valid) {
                ++counts.redeemed;
                discount = redeemed.value().totalDiscount();
            }
        }
        if (Status s = Tests::execute(*db,
                                      u"INSERT INTO orders(customer_id, status, amount, discount_amount, items_count, channel, created_at) "
                                      "VALUES (?, 'PAID', ?, ?, ?, 'web', ?)"_s,
                                      {customers[i], amount, discount, lines, at + checkoutAfterMs});
            !s) {
            counts.error = s.error().toString();
            return counts;
        }
        ++counts.orders;
    }
    return counts;
}

} // namespace

class TestExperimentsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void emptyState();
    void setUpThroughTheDialog();
    void startFreezesTheSetup();
    void resultsEqualTheAnalysis();
    void exportReadsBack();
    void declareWinnerRollsOut();
    void duplicateAndDeleteADraft();
    void sandboxWorksTheSame();
    void screenshots();

private:
    Store::WorkspaceInfo info() const;
    void openPage(Ui::ExperimentsPage &page);
    QString campaignStatus(const QString &id) const;
    std::optional<Experiments::Experiment> stored(const QString &id) const;

    QTemporaryDir m_dir;
    QString m_path;
    QString m_segment;
    QString m_experimentId;
    QList<QPair<QString, qint64>> m_skus;
    QList<qint64> m_members;
};

void TestExperimentsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"experiments.promodesk"_s);
    // The demo's history ends today, so the planner has recent traffic to plan from.
    Store::DemoOptions options;
    options.size = Store::DemoSize::Small;
    options.seed = 23;
    options.asOf = QDateTime::currentDateTimeUtc().date();
    PD_VERIFY_OK(Engine::generateDemoWorkspace(m_path, options));
    PD_VERIFY_OK(Store::Workspace::open(m_path));

    auto db = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    Store::CampaignStore campaigns(*db);
    PD_VERIFY_OK(campaigns.saveCampaign(promotion(u"camp_exp_5off"_s, u"$5 off"_s, u"promo_exp_5off"_s, amountOff(500)), u"test"_s));
    PD_VERIFY_OK(campaigns.saveCampaign(promotion(u"camp_exp_10pct"_s, u"10% off"_s, u"promo_exp_10pct"_s, percentOff(10)), u"test"_s));
    Store::Segment segment;
    segment.name = u"Returning customers"_s;
    segment.type = Store::SegmentType::AutoUpdate;
    auto rule = Rules::parse(u"customer.orders_count >= 2"_s);
    PD_VERIFY_OK(rule);
    auto checked = Rules::check(rule.value());
    PD_VERIFY_OK(checked);
    segment.rule = checked.value();
    auto saved = Store::SegmentStore(*db).save(segment, u"test"_s, Store::nowMs());
    PD_VERIFY_OK(saved);
    m_segment = saved.value().id;
    auto members = Store::SegmentStore(*db).memberKeys(m_segment, 0, 100000);
    PD_VERIFY_OK(members);
    m_members = members.value();
    QVERIFY2(m_members.size() > 600, qPrintable(u"%1 members"_s.arg(m_members.size())));
    auto skus = Tests::select(*db, u"SELECT id, price FROM skus WHERE price BETWEEN 1500 AND 6000 ORDER BY id LIMIT 20"_s);
    PD_VERIFY_OK(skus);
    for (const QVariantList &row : skus.value())
        m_skus << QPair<QString, qint64>(row[0].toString(), row[1].toLongLong());
    QVERIFY(m_skus.size() >= 5);
}

Store::WorkspaceInfo TestExperimentsPage::info() const
{
    auto inspected = Store::Workspace::inspect(m_path);
    return inspected ? inspected.value() : Store::WorkspaceInfo{};
}

void TestExperimentsPage::openPage(Ui::ExperimentsPage &page)
{
    page.resize(1300, 900);
    page.show();
    page.setWorkspace(info());
    QVERIFY(QTest::qWaitFor([&] { return page.isLoaded() && !page.results()->isLoading(); }, Timeout));
}

QString TestExperimentsPage::campaignStatus(const QString &id) const
{
    auto db = Tests::openConnection(m_path);
    auto status = db ? Tests::scalar(*db, u"SELECT status FROM campaigns WHERE id = ?"_s, {id}) : Result<QVariant>(Error{});
    return status ? status.value().toString() : QString();
}

std::optional<Experiments::Experiment> TestExperimentsPage::stored(const QString &id) const
{
    auto db = Tests::openConnection(m_path);
    auto found = db ? Store::ExperimentStore(*db).find(id) : Result<std::optional<Experiments::Experiment>>(Error{});
    return found ? found.value() : std::nullopt;
}

void TestExperimentsPage::emptyState()
{
    Ui::ExperimentsPage page;
    page.resize(1000, 700);
    page.show();
    page.setWorkspace(std::nullopt);
    auto *empty = page.findChild<QPushButton *>(u"emptyNewExperiment"_s);
    QVERIFY(empty);
    QVERIFY(!empty->isVisible()); // no workspace: the other empty state
    QVERIFY(!page.findChild<QPushButton *>(u"newExperiment"_s)->isEnabled());
    page.setWorkspace(info());
    QVERIFY(QTest::qWaitFor([&] { return page.isLoaded(); }, Timeout));
    QVERIFY(page.experiments().isEmpty());
    QVERIFY(empty->isVisible());
    QVERIFY(!page.table()->isVisible());
}

void TestExperimentsPage::setUpThroughTheDialog()
{
    Ui::ExperimentsPage page;
    openPage(page);
    QPushButton *newButton = page.findChild<QPushButton *>(u"newExperiment"_s);
    QVERIFY(newButton->isEnabled());
    QTest::mouseClick(newButton, Qt::LeftButton);
    Ui::ExperimentDialog *dialog = page.openDialog();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitFor([&] { return dialog->isLoaded(); }, Timeout));
    QVERIFY(dialog->isVisible());

    // The default: control, B and a holdout, equal weights.
    QCOMPARE(dialog->variantCount(), 3);
    QCOMPARE(dialog->variant(0).key, u"control"_s);
    QCOMPARE(dialog->variant(1).key, u"b"_s);
    QVERIFY(dialog->variant(2).holdout);
    double total = 0;
    for (int r = 0; r < 3; ++r)
        total += dialog->variant(r).weight;
    QVERIFY(std::abs(total - 1) < 1e-9);

    // No campaign chosen: refused in red, naming the field; the dialog stays open.
    QTest::keyClicks(dialog->nameEdit(), u"$5 off vs 10% off vs no promo"_s);
    QPushButton *save = dialog->findChild<QPushButton *>(u"saveExperiment"_s);
    QVERIFY(save);
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(dialog->errorText().contains(u"Variant 1 (control), campaign"_s));
    QCOMPARE(dialog->tabs()->currentIndex(), int(Ui::ExperimentDialog::VariantsTab));
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->savedExperiment());

    // The audience: the segment, everyone in it.
    QComboBox *segment = dialog->segmentBox();
    const int segmentRow = segment->findData(m_segment);
    QVERIFY(segmentRow > 0);
    segment->setCurrentIndex(segmentRow);
    dialog->hypothesisEdit()->setPlainText(u"A percentage off lifts net revenue more than a fixed amount."_s);

    // The variants: $5 off (its tier) as the control, 10% off, and the holdout.
    QComboBox *control = dialog->campaignBox(0);
    control->setCurrentIndex(control->findData(u"camp_exp_5off"_s));
    QVERIFY(dialog->tierBox(0)->isEnabled());
    dialog->tierBox(0)->setCurrentIndex(dialog->tierBox(0)->findData(u"promo_exp_5off"_s));
    QComboBox *b = dialog->campaignBox(1);
    b->setCurrentIndex(b->findData(u"camp_exp_10pct"_s));
    dialog->tierBox(1)->setCurrentIndex(dialog->tierBox(1)->findData(u"promo_exp_10pct"_s));
    QCOMPARE(dialog->variant(0).name, u"$5 off"_s); // named after the campaign
    QCOMPARE(dialog->variant(1).name, u"10% off"_s);
    QVERIFY(!dialog->campaignBox(2)->isEnabled()); // the holdout names no campaign

    // A fourth variant makes the weights equal again; removing it too.
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"addVariant"_s), Qt::LeftButton);
    QCOMPARE(dialog->variantCount(), 4);
    QCOMPARE(dialog->variant(2).key, u"c"_s); // before the holdout
    QCOMPARE(dialog->variant(3).weight, 0.25);
    dialog->removeVariant(2);
    QCOMPARE(dialog->variantCount(), 3);

    // Weights that do not add up are refused too.
    auto *weight = qobject_cast<QDoubleSpinBox *>(dialog->variantsTable()->cellWidget(0, Ui::ExperimentDialog::WeightColumn));
    QVERIFY(weight);
    weight->setValue(50);
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains(u"weights add up"_s), qPrintable(dialog->errorText()));
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"equalWeights"_s), Qt::LeftButton);
    QCOMPARE(dialog->variant(0).weight + dialog->variant(1).weight + dialog->variant(2).weight, 1.0);

    // Metrics and statistics.
    dialog->primaryBox()->setCurrentIndex(dialog->primaryBox()->findData(int(Metric::NetRevenuePerCustomer)));
    QCOMPARE(dialog->experiment().primaryMetric, Metric::NetRevenuePerCustomer);
    QVERIFY(dialog->experiment().guardrailMetrics.contains(Metric::Conversion));

    // The planner, from the segment's last 28 days: sample size ↔ minimum effect.
    Ui::ExperimentPlanner *planner = dialog->planner();
    QVERIFY(QTest::qWaitFor([&] { return !planner->isLoading() && planner->baseline().has_value(); }, Timeout));
    QVERIFY2(planner->errorText().isEmpty(), qPrintable(planner->errorText()));
    QCOMPARE(planner->baseline()->audience, qint64(m_members.size()));
    planner->setPower(0.8);
    planner->setMinimumEffect(0.10);
    QVERIFY2(planner->plan().error.isEmpty(), qPrintable(planner->resultText()));
    QVERIFY(planner->plan().unitsPerArm > 0);
    QCOMPARE(planner->plan().unitsPerArm, Stats::sampleSize(planner->planInput()).unitsPerArm);
    QVERIFY(planner->plan().totalUnits >= 3 * planner->plan().unitsPerArm);
    QVERIFY(planner->plan().days.has_value());
    const qint64 perArm = planner->plan().unitsPerArm;
    planner->setUnitsPerArm(perArm);
    QCOMPARE(planner->solving(), Ui::ExperimentPlanner::Solve::MinimumEffect);
    QVERIFY2(std::abs(planner->plan().mde - 0.10) < 0.005, qPrintable(QString::number(planner->plan().mde)));

    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return !page.openDialog() || !page.openDialog()->errorText().isEmpty(); }, Timeout));
    QVERIFY2(!page.openDialog(), qPrintable(page.openDialog() ? page.openDialog()->errorText() : QString()));
    QVERIFY(QTest::qWaitFor([&] { return page.experiments().size() == 1 && !page.selectedId().isEmpty(); }, Timeout));
    const Experiments::Experiment e = page.experiments().constFirst();
    QCOMPARE(e.name, u"$5 off vs 10% off vs no promo"_s);
    QCOMPARE(e.status, ExperimentStatus::Draft);
    QCOMPARE(e.segmentId, m_segment);
    QCOMPARE(e.variants.size(), 3);
    QCOMPARE(e.variants[0].campaignId, u"camp_exp_5off"_s);
    QCOMPARE(e.variants[1].tierId, u"promo_exp_10pct"_s);
    QVERIFY(e.variants[2].holdout);
    QCOMPARE(page.selectedId(), e.id);
    m_experimentId = e.id;
    QVERIFY(page.table()->item(0, Ui::ExperimentsPage::VariantsColumn)->text().contains(u"$5 off vs 10% off vs Holdout"_s));
    QCOMPARE(page.table()->item(0, Ui::ExperimentsPage::AudienceColumn)->text(), u"Returning customers"_s);
    QVERIFY(page.results()->exposureChart()->isHidden() || !page.results()->analysis());
}

void TestExperimentsPage::startFreezesTheSetup()
{
    QVERIFY(!m_experimentId.isEmpty());
    Ui::ExperimentsPage page;
    openPage(page);
    page.selectExperiment(m_experimentId);
    QVERIFY(page.findChild<QPushButton *>(u"startExperiment"_s)->isEnabled());
    QVERIFY(page.findChild<QPushButton *>(u"deleteExperiment"_s)->isEnabled());
    QSignalSpy finished(&page, &Ui::ExperimentsPage::actionFinished);
    QSignalSpy campaigns(&page, &Ui::ExperimentsPage::campaignsChanged);
    page.startSelected(false);
    QVERIFY(finished.wait(Timeout));
    QVERIFY2(finished.constFirst().constFirst().toBool(), qPrintable(page.messageText()));
    QCOMPARE(campaigns.size(), 1);
    QVERIFY(QTest::qWaitFor([&] { return page.selectedExperiment() && page.selectedExperiment()->status == ExperimentStatus::Running; },
                            Timeout));
    // Its draft campaigns are activated; the experiment decides who gets them.
    QCOMPARE(campaignStatus(u"camp_exp_5off"_s), u"active"_s);
    QCOMPARE(campaignStatus(u"camp_exp_10pct"_s), u"active"_s);
    QVERIFY(!page.findChild<QPushButton *>(u"deleteExperiment"_s)->isEnabled());
    QVERIFY(page.findChild<QPushButton *>(u"stopExperiment"_s)->isEnabled());

    // Stopped, its campaigns pause; started again, they are back (and the start time stays).
    const qint64 startedAt = stored(m_experimentId)->startAt.value_or(0);
    page.stopSelected(false);
    QVERIFY(finished.wait(Timeout));
    QVERIFY2(finished.constLast().constFirst().toBool(), qPrintable(page.messageText()));
    QVERIFY(QTest::qWaitFor([&] { return page.selectedExperiment() && page.selectedExperiment()->status == ExperimentStatus::Stopped; },
                            Timeout));
    QCOMPARE(campaignStatus(u"camp_exp_5off"_s), u"paused"_s);
    QCOMPARE(page.findChild<QPushButton *>(u"startExperiment"_s)->text(), u"Re&start"_s);
    page.startSelected(false);
    QVERIFY(finished.wait(Timeout));
    QVERIFY(QTest::qWaitFor([&] { return page.selectedExperiment() && page.selectedExperiment()->status == ExperimentStatus::Running; },
                            Timeout));
    QCOMPARE(campaignStatus(u"camp_exp_5off"_s), u"active"_s);
    QCOMPARE(stored(m_experimentId)->startAt.value_or(-1), startedAt);
    QCOMPARE(campaigns.size(), 3);

    // Enter opens the editor: what would move customers between variants is read-only.
    page.table()->setFocus();
    page.table()->setCurrentCell(0, 0);
    QTest::keyClick(page.table(), Qt::Key_Return);
    Ui::ExperimentDialog *dialog = page.openDialog();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitFor([&] { return dialog->isLoaded(); }, Timeout));
    QVERIFY(dialog->isFrozen());
    QVERIFY(dialog->findChild<QLabel *>(u"frozenNote"_s)->isVisible());
    QVERIFY(!dialog->segmentBox()->isEnabled());
    QVERIFY(!dialog->coverageBox()->isEnabled());
    QVERIFY(!dialog->campaignBox(0)->isEnabled());
    QVERIFY(!dialog->findChild<QPushButton *>(u"addVariant"_s)->isEnabled());
    QCOMPARE(dialog->variant(0).campaignId, u"camp_exp_5off"_s);
    // The hypothesis still changes, and saves.
    dialog->hypothesisEdit()->setPlainText(u"10% off lifts net revenue per customer more than $5 off."_s);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"saveExperiment"_s), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return !page.openDialog() || !page.openDialog()->errorText().isEmpty(); }, Timeout));
    QVERIFY2(!page.openDialog(), qPrintable(page.openDialog() ? page.openDialog()->errorText() : QString()));
    QVERIFY(QTest::qWaitFor([&] { return stored(m_experimentId) && stored(m_experimentId)->hypothesis.startsWith(u"10% off"_s); }, Timeout));
    QCOMPARE(stored(m_experimentId)->status, ExperimentStatus::Running);
}

void TestExperimentsPage::resultsEqualTheAnalysis()
{
    QVERIFY(!m_experimentId.isEmpty());
    // Shoppers of the segment visit over the next seconds; a bigger incentive converts more.
    const qint64 start = stored(m_experimentId)->startAt.value_or(Store::nowMs());
    QVERIFY(QTest::qWaitFor([&] { return Store::nowMs() > start; }, 1000));
    const qint64 from = Store::nowMs();
    const TrafficCounts traffic = drive(m_path, m_experimentId, m_members, {0.55, 0.62, 0.45}, m_skus,
                                        [from](int i) { return from + i; }, 1, 7);
    QVERIFY2(traffic.error.isEmpty(), qPrintable(traffic.error));
    QCOMPARE(traffic.exposed, qint64(m_members.size()));
    QVERIFY(traffic.redeemed > 100);
    // Every visit and checkout is in the past before the page reads "as of now".
    QVERIFY(QTest::qWaitFor([&] { return Store::nowMs() > from + m_members.size() + 2; }, 5000));

    Ui::ExperimentsPage page;
    openPage(page);
    page.selectExperiment(m_experimentId);
    Ui::ExperimentResultsPanel *results = page.results();
    // F5: the window hands the page its workspace again; the results are read again.
    QSignalSpy loaded(results, &Ui::ExperimentResultsPanel::loaded);
    page.setWorkspace(info());
    QVERIFY(loaded.wait(Timeout));
    QVERIFY(QTest::qWaitFor([&] { return !results->isLoading() && results->analysis(); }, Timeout));
    QVERIFY2(results->errorText().isEmpty(), qPrintable(results->errorText()));
    QCOMPARE(page.selectedId(), m_experimentId);

    auto db = Tests::openConnection(m_path);
    QVERIFY(db);
    const Experiments::Experiment e = *results->experiment();
    auto direct = Experiments::analyze(*db, e, Store::nowMs());
    PD_VERIFY_OK(direct);
    const Experiments::Analysis &a = direct.value();
    const Experiments::Analysis &shown = *results->analysis();
    QCOMPARE(shown.exposed, a.exposed);
    qint64 exposed = 0;
    for (qint64 n : a.exposed)
        exposed += n;
    QCOMPARE(exposed, qint64(m_members.size()));

    // Every goal metric has its table, primary first, with the analysis's figures.
    const QList<QTableWidget *> tables = results->metricTables();
    QCOMPARE(tables.size(), a.metrics.size());
    QCOMPARE(a.metrics.constFirst().metric, Metric::NetRevenuePerCustomer);
    const QString currency = info().currency;
    const QLocale locale = QLocale::system();
    namespace Format = Ui::ExperimentFormat;
    for (int m = 0; m < a.metrics.size(); ++m) {
        const Experiments::MetricResult &r = a.metrics[m];
        QTableWidget *table = tables[m];
        QCOMPARE(table->objectName(), u"results_%1"_s.arg(Experiments::metricKey(r.metric)));
        QCOMPARE(table->rowCount(), int(e.variants.size()));
        for (int v = 0; v < e.variants.size(); ++v) {
            const QString what = u"%1, %2"_s.arg(Experiments::metricKey(r.metric), e.variants[v].key);
            QVERIFY2(table->item(v, Ui::ExperimentResultsPanel::ValueColumn)->text() == Format::value(r.metric, r.values[v], currency),
                     qPrintable(what));
            if (Experiments::metricType(r.metric) != Stats::MetricType::Ratio)
                QCOMPARE(table->item(v, Ui::ExperimentResultsPanel::DenominatorColumn)->text(), locale.toString(r.stats[v].n));
            const auto &c = r.comparisons[v];
            QTableWidgetItem *lift = table->item(v, Ui::ExperimentResultsPanel::LiftColumn);
            QTableWidgetItem *bar = table->item(v, Ui::ExperimentResultsPanel::IntervalColumn);
            if (!c) {
                QCOMPARE(v, e.controlIndex());
                QCOMPARE(lift->text(), u"baseline"_s);
                QVERIFY(!bar->data(Ui::LiftBarDelegate::EffectRole).isValid());
                continue;
            }
            if (!c->error.isEmpty())
                continue;
            QVERIFY2(lift->text() == Format::lift(c->effect), qPrintable(what));
            QCOMPARE(bar->data(Ui::LiftBarDelegate::EffectRole).toDouble(), c->effect);
            QCOMPARE(bar->data(Ui::LiftBarDelegate::LowRole).toDouble(), c->ciLow);
            QCOMPARE(bar->data(Ui::LiftBarDelegate::HighRole).toDouble(), c->ciHigh);
            QCOMPARE(bar->data(Ui::LiftBarDelegate::VerdictRole).toInt(), r.verdicts[v]);
            if (r.adjustedPValues.value(v))
                QCOMPARE(table->item(v, Ui::ExperimentResultsPanel::TestColumn)->text(), Format::pValue(*r.adjustedPValues[v]));
        }
    }
    // The money columns: the net revenue of the control, in the workspace's currency.
    const Experiments::MetricResult &net = a.metrics.constFirst();
    QCOMPARE(tables.constFirst()->item(0, Ui::ExperimentResultsPanel::NumeratorColumn)->text(),
             formatMoney(qint64(std::llround(net.stats[0].sum)), currency));

    // The weights are honoured: no sample ratio mismatch, and no banner for one.
    QVERIFY(!a.srm.mismatch);
    QVERIFY(results->srmBanner()->isHidden());
    QVERIFY(!results->asOfLabel()->text().isEmpty());
    QCOMPARE(results->sampleBanner()->isHidden(), shown.enoughUnits);
    QCOMPARE(results->winnerBanner()->isHidden(), shown.suggestedWinner.isEmpty());
    // The charts: a point per day for each variant's exposures.
    QVERIFY(results->exposureChart()->isVisible());
    QCOMPARE(results->exposureChart()->chart()->series().size(), e.variants.size());
    QVERIFY(results->liftChart()->chart()->series().size() >= 3); // zero, and a line (and band) per compared variant
}

void TestExperimentsPage::exportReadsBack()
{
    Ui::ExperimentsPage page;
    openPage(page);
    page.selectExperiment(m_experimentId);
    Ui::ExperimentResultsPanel *results = page.results();
    QVERIFY(QTest::qWaitFor([&] { return !results->isLoading() && results->analysis(); }, Timeout));
    QVERIFY(results->exportButton()->isEnabled());
    const QString file = m_dir.filePath(u"results.csv"_s);
    PD_VERIFY_OK(results->exportCsv(file));
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    Csv::Reader reader(&in, 0, file);
    QList<QStringList> read;
    while (reader.next())
        read << reader.record();
    QVERIFY2(!reader.hasError(), qPrintable(reader.hasError() ? reader.error().toString() : QString()));
    const QList<QStringList> rows = Experiments::resultRows(*results->experiment(), *results->analysis());
    QCOMPARE(read, rows);
    QCOMPARE(read.constFirst().value(0), u"metric"_s);
    // One row per goal metric and variant, besides the header.
    const int goals = int(results->experiment()->goals().size());
    QCOMPARE(read.size(), 1 + goals * int(results->experiment()->variants.size()));
}

void TestExperimentsPage::declareWinnerRollsOut()
{
    Ui::ExperimentsPage page;
    openPage(page);
    page.selectExperiment(m_experimentId);
    Ui::ExperimentResultsPanel *results = page.results();
    QVERIFY(QTest::qWaitFor([&] { return !results->isLoading() && results->analysis(); }, Timeout));
    QVERIFY(results->declareButton()->isEnabled());
    QSignalSpy declared(&page, &Ui::ExperimentsPage::winnerDeclared);
    QTest::mouseClick(results->declareButton(), Qt::LeftButton);
    auto *dialog = results->findChild<Ui::ExperimentWinnerDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    dialog->setVariantKey(u"b"_s);
    // It says exactly what will happen, before anything does.
    const QString consequences = dialog->consequences();
    QVERIFY(consequences.contains(u"“10% off”"_s));
    QVERIFY(consequences.contains(u"active for every customer"_s));
    QVERIFY(consequences.contains(u"paused</b>: “$5 off”"_s));
    QVERIFY(consequences.contains(u"concluded"_s));
    QCOMPARE(campaignStatus(u"camp_exp_5off"_s), u"active"_s);
    dialog->setNote(u"Net revenue per customer up; conversion held."_s);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"confirmWinner"_s), Qt::LeftButton);
    QVERIFY(declared.wait(Timeout));

    QCOMPARE(campaignStatus(u"camp_exp_10pct"_s), u"active"_s);
    QCOMPARE(campaignStatus(u"camp_exp_5off"_s), u"paused"_s);
    const std::optional<Experiments::Experiment> e = stored(m_experimentId);
    QVERIFY(e);
    QCOMPARE(e->status, ExperimentStatus::Concluded);
    QCOMPARE(e->winner, u"b"_s);
    QCOMPARE(e->decisionNote, u"Net revenue per customer up; conversion held."_s);
    QVERIFY(e->decidedAt.has_value());
    // The page follows: the list says so, the results show the decision.
    QVERIFY(QTest::qWaitFor([&] { return page.selectedExperiment() && page.selectedExperiment()->status == ExperimentStatus::Concluded
                                         && !results->isLoading(); },
                            Timeout));
    QCOMPARE(page.table()->item(0, Ui::ExperimentsPage::StatusColumn)->text(), u"Concluded"_s);
    QCOMPARE(page.table()->item(0, Ui::ExperimentsPage::WinnerColumn)->text(), u"10% off"_s);
    QVERIFY(results->decisionBanner()->isVisible());
    QVERIFY(!results->declareButton()->isEnabled());
}

void TestExperimentsPage::duplicateAndDeleteADraft()
{
    Ui::ExperimentsPage page;
    openPage(page);
    page.selectExperiment(m_experimentId);
    Ui::ExperimentDialog *dialog = page.duplicateExperiment(m_experimentId);
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitFor([&] { return dialog->isLoaded(); }, Timeout));
    QVERIFY(!dialog->isFrozen());
    QCOMPARE(dialog->nameEdit()->text(), u"$5 off vs 10% off vs no promo (copy)"_s);
    QVERIFY(dialog->experiment().id.isEmpty());
    dialog->accept();
    QVERIFY(QTest::qWaitFor([&] { return !page.openDialog() || !page.openDialog()->errorText().isEmpty(); }, Timeout));
    QVERIFY2(!page.openDialog(), qPrintable(page.openDialog() ? page.openDialog()->errorText() : QString()));
    QVERIFY(QTest::qWaitFor([&] { return page.experiments().size() == 2; }, Timeout));
    const QString copy = page.selectedId();
    QVERIFY(copy != m_experimentId);
    QCOMPARE(page.selectedExperiment()->status, ExperimentStatus::Draft);
    QSignalSpy finished(&page, &Ui::ExperimentsPage::actionFinished);
    page.removeSelected(false);
    QVERIFY(finished.wait(Timeout));
    QVERIFY(QTest::qWaitFor([&] { return page.experiments().size() == 1; }, Timeout));
    QVERIFY(!stored(copy));
}

// In a sandbox sampled from the workspace: an experiment started from the page, a week
// of simulated traffic (ahead of the clock) with checkouts stored as orders; the results
// read everything recorded and equal the analysis of it.
void TestExperimentsPage::sandboxWorksTheSame()
{
    const QString sandbox = m_dir.filePath(u"sandbox.promodesk"_s);
    Sandbox::SandboxOptions options;
    options.seeding = Sandbox::SandboxOptions::Seeding::SampleOfProduction;
    options.productionPath = m_path;
    options.sampleCustomers = 1500;
    options.seed = 5;
    auto created = Sandbox::createSandbox(sandbox, options);
    PD_VERIFY_OK(created);
    QCOMPARE(created.value().kind, Store::WorkspaceKind::Sandbox);
    QString id;
    {
        auto db = Tests::openConnection(sandbox, Store::Connection::Access::ReadWrite);
        QVERIFY(db);
        Store::CampaignStore campaigns(*db);
        PD_VERIFY_OK(campaigns.saveCampaign(promotion(u"camp_sbx_5off"_s, u"$5 off (sandbox)"_s, u"promo_sbx_5off"_s, amountOff(500)), u"test"_s));
        PD_VERIFY_OK(campaigns.saveCampaign(promotion(u"camp_sbx_10pct"_s, u"10% off (sandbox)"_s, u"promo_sbx_10pct"_s, percentOff(10)), u"test"_s));
        Experiments::Experiment e;
        e.name = u"Sandbox: $5 off vs 10% off vs no promo"_s;
        e.engine = Stats::Engine::Bayesian; // the results say chance to win
        e.variants = {Experiments::Variant{u"control"_s, u"$5 off"_s, u"camp_sbx_5off"_s, u"promo_sbx_5off"_s, 1.0 / 3, false},
                      Experiments::Variant{u"b"_s, u"10% off"_s, u"camp_sbx_10pct"_s, u"promo_sbx_10pct"_s, 1.0 / 3, false},
                      Experiments::Variant{u"holdout"_s, u"Holdout"_s, {}, {}, 1.0 / 3, true}};
        auto saved = Store::ExperimentStore(*db).save(e, u"test"_s);
        PD_VERIFY_OK(saved);
        id = saved.value().id;
    }
    Ui::ExperimentsPage page;
    page.resize(1300, 900);
    page.show();
    auto inspected = Store::Workspace::inspect(sandbox);
    PD_VERIFY_OK(inspected);
    page.setWorkspace(inspected.value());
    QVERIFY(QTest::qWaitFor([&] { return page.isLoaded() && page.experiments().size() == 1; }, Timeout));
    page.selectExperiment(id);
    QSignalSpy finished(&page, &Ui::ExperimentsPage::actionFinished);
    page.startSelected(false);
    QVERIFY(finished.wait(Timeout));
    QVERIFY2(finished.constFirst().constFirst().toBool(), qPrintable(page.messageText()));

    Sandbox::TrafficSummary summary;
    {
        auto db = Tests::openConnection(sandbox, Store::Connection::Access::ReadWrite);
        QVERIFY(db);
        Sandbox::TrafficOptions traffic;
        traffic.sessions = 3000;
        traffic.from = Store::nowMs() + 1000;
        traffic.to = traffic.from + 7 * DayMs;
        traffic.memberShare = 1.0;
        traffic.campaignIds = {u"camp_sbx_5off"_s, u"camp_sbx_10pct"_s};
        traffic.recordOrders = true;
        traffic.checkoutRate = 0.5;
        traffic.discountElasticity = 3;
        traffic.seed = 9;
        auto ran = Sandbox::simulateTraffic(*db, traffic);
        PD_VERIFY_OK(ran);
        summary = ran.value();
    }
    QVERIFY(summary.orders > 0);

    Ui::ExperimentResultsPanel *results = page.results();
    QSignalSpy loaded(results, &Ui::ExperimentResultsPanel::loaded);
    page.setWorkspace(inspected.value()); // F5
    QVERIFY(loaded.wait(Timeout));
    QVERIFY(QTest::qWaitFor([&] { return !results->isLoading() && results->analysis(); }, Timeout));
    auto db = Tests::openConnection(sandbox);
    auto direct = Experiments::analyze(*db, *results->experiment(), 0);
    PD_VERIFY_OK(direct);
    qint64 exposed = 0;
    for (qint64 n : direct.value().exposed)
        exposed += n;
    QVERIFY(exposed > 100);
    QCOMPARE(results->analysis()->exposed, direct.value().exposed);
    QCOMPARE(results->analysis()->asOf, direct.value().asOf);
    QVERIFY(results->analysis()->asOf > Store::nowMs()); // the simulated week runs ahead of the clock
    QVERIFY(results->asOfLabel()->text().contains(u"simulated"_s));
    const Experiments::MetricResult &primary = direct.value().metrics.constFirst();
    QTableWidget *table = results->metricTables().constFirst();
    QCOMPARE(table->horizontalHeaderItem(Ui::ExperimentResultsPanel::TestColumn)->text(), u"Chance to win"_s);
    QVERIFY(table->horizontalHeaderItem(Ui::ExperimentResultsPanel::IntervalColumn)->text().contains(u"credible"_s));
    for (int v = 0; v < primary.values.size(); ++v) {
        QCOMPARE(table->item(v, Ui::ExperimentResultsPanel::ValueColumn)->text(),
                 Ui::ExperimentFormat::value(primary.metric, primary.values[v], inspected.value().currency));
        const auto &c = primary.comparisons[v];
        if (c && c->error.isEmpty() && c->chanceToWin)
            QCOMPARE(table->item(v, Ui::ExperimentResultsPanel::TestColumn)->text(), Ui::ExperimentFormat::percent(*c->chanceToWin));
    }
}

// PROMODESK_SCREENSHOTS=DIR: a second experiment with two weeks of traffic (half the
// workspace, 10% off vs $10 off vs no promo), and a draft, through the screenshot pass.
void TestExperimentsPage::screenshots()
{
    const QString dir = qEnvironmentVariable("PROMODESK_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("set PROMODESK_SCREENSHOTS=DIR to render the Experiments page");
    auto db = Tests::openConnection(m_path, Store::Connection::Access::ReadWrite);
    QVERIFY(db);
    PD_VERIFY_OK(Store::CampaignStore(*db).saveCampaign(
        promotion(u"camp_exp_10off"_s, u"$10 off"_s, u"promo_exp_10off"_s, amountOff(1000)), u"test"_s));
    PD_VERIFY_OK(Store::CampaignStore(*db).saveCampaign(
        promotion(u"camp_exp_15pct"_s, u"15% off"_s, u"promo_exp_15pct"_s, percentOff(15)), u"test"_s));
    Store::ExperimentStore store(*db);
    Experiments::Experiment e;
    e.name = u"$10 off vs 15% off vs no promo — autumn"_s;
    e.hypothesis = u"15% off lifts net revenue per customer more than $10 off, without hurting conversion."_s;
    e.coverage = 0.5;
    e.secondaryMetrics = {Metric::RedemptionRate, Metric::AverageOrderValue, Metric::DiscountPerCustomer};
    e.guardrailMetrics = {Metric::Conversion};
    e.variants = {Experiments::Variant{u"control"_s, u"$10 off"_s, u"camp_exp_10off"_s, u"promo_exp_10off"_s, 0.4, false},
                  Experiments::Variant{u"b"_s, u"15% off"_s, u"camp_exp_15pct"_s, u"promo_exp_15pct"_s, 0.4, false},
                  Experiments::Variant{u"holdout"_s, u"Holdout"_s, {}, {}, 0.2, true}};
    auto saved = store.save(e, u"test"_s);
    PD_VERIFY_OK(saved);
    const qint64 now = Store::nowMs();
    const qint64 start = now - 14 * DayMs;
    PD_VERIFY_OK(store.start(saved.value().id, start, u"test"_s));
    Experiments::Experiment draft = e;
    draft.name = u"Spend tiers vs free shipping"_s;
    draft.hypothesis.clear();
    draft.coverage = 1;
    draft.variants = {Experiments::Variant{u"control"_s, u"Spend tiers"_s, u"camp_spend_tiers"_s, {}, 0.5, false},
                      Experiments::Variant{u"b"_s, u"$5 off"_s, u"camp_exp_5off"_s, {}, 0.5, false}};
    PD_VERIFY_OK(store.save(draft, u"test"_s));
    db.reset();

    auto all = Tests::openConnection(m_path);
    auto customers = Tests::select(*all, u"SELECT id FROM customers ORDER BY id"_s);
    PD_VERIFY_OK(customers);
    all.reset();
    QList<qint64> everyone;
    for (const QVariantList &row : customers.value())
        everyone << row[0].toLongLong();
    // Visits spread over the two weeks, more of them early on.
    const TrafficCounts traffic = drive(m_path, saved.value().id, everyone, {0.50, 0.60, 0.42}, m_skus,
                                        [&](int i) {
                                            const double x = double(i) / double(everyone.size());
                                            return start + qint64(std::sqrt(x) * double(now - start - 2 * 3'600'000));
                                        },
                                        60'000, 11);
    QVERIFY2(traffic.error.isEmpty(), qPrintable(traffic.error));

    Ui::MainWindow window;
    window.resize(1360, 840);
    window.show();
    QSignalSpy opened(&window, &Ui::MainWindow::workspaceOpened);
    window.openWorkspace(m_path);
    QVERIFY(opened.wait(Timeout));
    auto *page = window.findChild<Ui::ExperimentsPage *>();
    QVERIFY(page);
    QVERIFY(QTest::qWaitFor([&] { return page->isLoaded() && page->experiments().size() == 3; }, Timeout));
    page->selectExperiment(saved.value().id);
    Ui::screenshotExperiments(window, dir);
    for (const char *name : {"experiments-list.png", "experiments-results.png", "experiment-editor.png", "experiment-planner.png"})
        QVERIFY2(QFile::exists(QDir(dir).filePath(QString::fromLatin1(name))), name);
}

QTEST_MAIN(TestExperimentsPage)
#include "tst_experimentspage.moc"
