#include "newsandboxdialog.h"

#include "sandbox/sandbox.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

NewSandboxDialog::NewSandboxDialog(const QString &production, QWidget *parent)
    : QDialog(parent), m_production(production), m_path(new QLineEdit(this)), m_name(new QLineEdit(this)),
      m_fromProduction(new QRadioButton(tr("A sample of production's customers and orders, anonymised"), this)),
      m_fromDemo(new QRadioButton(tr("Demo customers, products and orders"), this)), m_customers(new QSpinBox(this)),
      m_seed(new QSpinBox(this)), m_demoSize(new QComboBox(this)), m_progress(new QProgressBar(this)), m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("newSandboxDialog"));
    setWindowTitle(tr("New Sandbox"));
    const QFileInfo source(production);
    m_path->setObjectName(QStringLiteral("sandboxPath"));
    m_path->setText(production.isEmpty() ? QDir::home().filePath(QStringLiteral("sandbox.promodesk"))
                                         : source.dir().filePath(source.completeBaseName() + QStringLiteral("-sandbox.promodesk")));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    m_name->setPlaceholderText(production.isEmpty() ? tr("Sandbox") : tr("%1 sandbox").arg(source.completeBaseName()));
    m_fromProduction->setObjectName(QStringLiteral("fromProduction"));
    m_fromDemo->setObjectName(QStringLiteral("fromDemo"));
    m_customers->setObjectName(QStringLiteral("sampleCustomers"));
    m_customers->setRange(100, 2'000'000);
    m_customers->setSingleStep(1000);
    m_customers->setValue(10'000);
    m_customers->setGroupSeparatorShown(true);
    m_customers->setSuffix(tr(" customers"));
    m_seed->setRange(1, 999'999);
    m_seed->setToolTip(tr("The same seed picks the same customers"));
    m_demoSize->addItem(tr("Small (10 000 members)"), QStringLiteral("small"));
    m_demoSize->addItem(tr("Medium (100 000 members)"), QStringLiteral("medium"));
    m_fromProduction->setEnabled(!production.isEmpty());
    (production.isEmpty() ? m_fromDemo : m_fromProduction)->setChecked(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&File:"), pathRow);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("Seeded with:"), m_fromProduction);
    form->addRow(QString(), m_customers);
    form->addRow(QString(), m_fromDemo);
    form->addRow(QString(), m_demoSize);
    form->addRow(tr("S&eed:"), m_seed);
    auto *about = new QLabel(production.isEmpty()
                                 ? tr("A sandbox is a workspace of its own: nothing done in it touches production.")
                                 : tr("Beside <b>%1</b>, read only. Names, emails, phones and street lines are replaced; "
                                      "countries, dates, tags and order history are kept so that rules still mean something. "
                                      "Campaigns, segments and the catalogue are copied; no redemptions.")
                                       .arg(QDir::toNativeSeparators(production).toHtmlEscaped()),
                             this);
    about->setWordWrap(true);
    m_progress->setObjectName(QStringLiteral("sandboxProgress"));
    m_progress->setVisible(false);
    m_error->setObjectName(QStringLiteral("sandboxError"));
    m_error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create Sandbox"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(about);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(620, sizeHint().height());

    auto updateEnabled = [this] {
        m_customers->setEnabled(m_fromProduction->isChecked() && !m_running);
        m_demoSize->setEnabled(m_fromDemo->isChecked() && !m_running);
    };
    connect(m_fromProduction, &QRadioButton::toggled, this, updateEnabled);
    updateEnabled();
    connect(browse, &QPushButton::clicked, this, &NewSandboxDialog::browse);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewSandboxDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &NewSandboxDialog::reject);
}

NewSandboxDialog::~NewSandboxDialog()
{
    if (m_cancel)
        m_cancel->store(true);
}

void NewSandboxDialog::setPath(const QString &path)
{
    m_path->setText(path);
}

void NewSandboxDialog::setSample(bool sample, qint64 customers, quint32 seed)
{
    (sample ? m_fromProduction : m_fromDemo)->setChecked(true);
    m_customers->setValue(int(customers));
    m_seed->setValue(int(seed));
}

QString NewSandboxDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void NewSandboxDialog::browse()
{
    const QString file = QFileDialog::getSaveFileName(this, tr("New Sandbox"), m_path->text(), tr("PromoDesk workspaces (*.promodesk)"));
    if (!file.isEmpty())
        m_path->setText(file.endsWith(QLatin1String(".promodesk")) ? file : file + QStringLiteral(".promodesk"));
}

void NewSandboxDialog::accept()
{
    if (m_running)
        return;
    const QString path = m_path->text().trimmed();
    m_error->setVisible(false);
    if (path.isEmpty()) {
        m_error->setText(tr("Choose where to save the sandbox."));
        m_error->setVisible(true);
        return;
    }
    Sandbox::SandboxOptions options;
    options.seeding = m_fromProduction->isChecked() ? Sandbox::SandboxOptions::Seeding::SampleOfProduction
                                                    : Sandbox::SandboxOptions::Seeding::Demo;
    options.productionPath = m_production;
    options.sampleCustomers = m_customers->value();
    options.seed = quint32(m_seed->value());
    options.demoSize = m_demoSize->currentData().toString();
    options.name = m_name->text().trimmed();
    m_running = true;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_progress->setRange(0, 0);
    m_progress->setVisible(true);
    for (QWidget *w : std::initializer_list<QWidget *>{m_path, m_name, m_fromProduction, m_fromDemo, m_customers, m_seed, m_demoSize})
        w->setEnabled(false);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    QPointer<QProgressBar> bar = m_progress;
    auto progress = [bar, cancel = m_cancel](qint64 done, qint64 total) {
        QMetaObject::invokeMethod(
            bar, [bar, done, total] {
                if (!bar)
                    return;
                bar->setRange(0, 1000);
                bar->setValue(total > 0 ? int(done * 1000 / total) : 0);
            },
            Qt::QueuedConnection);
        return !cancel->load();
    };
    runInBackground(
        this, m_tasks, [path, options, progress] { return Sandbox::createSandbox(path, options, progress); },
        [this, path](const Result<Store::WorkspaceInfo> &result) {
            m_running = false;
            m_progress->setVisible(false);
            if (!result) {
                const bool cancelled = m_cancel->load();
                m_error->setText(cancelled ? tr("Cancelled: no sandbox was created.")
                                           : tr("The sandbox was not created: %1").arg(result.error().toString()));
                m_error->setVisible(true);
                for (QWidget *w : std::initializer_list<QWidget *>{m_path, m_name, m_fromProduction, m_fromDemo, m_seed})
                    w->setEnabled(true);
                m_customers->setEnabled(m_fromProduction->isChecked());
                m_demoSize->setEnabled(m_fromDemo->isChecked());
                m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
                if (cancelled)
                    QDialog::reject();
                return;
            }
            m_created = path;
            QDialog::accept();
        });
}

void NewSandboxDialog::reject()
{
    if (m_running) {
        m_cancel->store(true); // the worker stops at its next step and removes its file
        return;
    }
    QDialog::reject();
}

} // namespace PromoDesk::Ui
