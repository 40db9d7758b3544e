#include "widgets/codegeneratorpanel.h"

#include "store/connection.h"
#include "store/workspace.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace PromoDesk::Ui {

namespace {

constexpr int SampleSize = 5;

const char *const NamedCharsets[] = {"alphanumeric", "alphabetic", "alphabetic_uppercase", "alphabetic_lowercase", "numbers"};

QString errorStyle()
{
    return QStringLiteral("color: #b00020;");
}

QString warningStyle()
{
    return QStringLiteral("color: #b05a00;");
}

} // namespace

CodeGeneratorPanel::CodeGeneratorPanel(QWidget *parent)
    : QWidget(parent)
    , m_pattern(new QLineEdit(this))
    , m_length(new QSpinBox(this))
    , m_charset(new QComboBox(this))
    , m_customCharset(new QLineEdit(this))
    , m_prefix(new QLineEdit(this))
    , m_postfix(new QLineEdit(this))
    , m_count(new QSpinBox(this))
    , m_sample(new QLabel(this))
    , m_space(new QLabel(this))
    , m_planMessage(new QLabel(this))
    , m_generateButton(new QPushButton(tr("Generate"), this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
    , m_progressBar(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_progressPoll(new QTimer(this))
    , m_watcher(new QFutureWatcher<Result<Store::GeneratedCodes>>(this))
{
    m_pattern->setObjectName(QStringLiteral("pattern"));
    m_pattern->setPlaceholderText(tr("e.g. PET-####-##; empty = Length random characters"));
    m_length->setObjectName(QStringLiteral("length"));
    m_length->setRange(1, 64);
    m_length->setValue(8);
    m_charset->setObjectName(QStringLiteral("charset"));
    for (const char *name : NamedCharsets) {
        const QString key = QString::fromLatin1(name);
        m_charset->addItem(key, key);
        m_charset->setItemData(m_charset->count() - 1, Engine::charsetCharacters(key), Qt::ToolTipRole);
    }
    m_charset->addItem(tr("Custom…"), QString());
    m_customCharset->setObjectName(QStringLiteral("customCharset"));
    m_customCharset->setPlaceholderText(tr("the characters to draw from, e.g. ABCDEFGHJKMNPQRSTUVWXYZ23456789"));
    m_prefix->setObjectName(QStringLiteral("prefix"));
    m_postfix->setObjectName(QStringLiteral("postfix"));
    m_count->setObjectName(QStringLiteral("count"));
    m_count->setRange(1, 10'000'000);
    m_count->setGroupSeparatorShown(true);
    m_count->setValue(1000);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_sample->setObjectName(QStringLiteral("sample"));
    m_sample->setFont(fixed);
    m_sample->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_space->setObjectName(QStringLiteral("space"));
    m_planMessage->setObjectName(QStringLiteral("planMessage"));
    m_planMessage->setWordWrap(true);
    m_generateButton->setObjectName(QStringLiteral("generate"));
    m_cancelButton->setObjectName(QStringLiteral("cancel"));
    m_progressBar->setObjectName(QStringLiteral("progress"));
    m_progressBar->setRange(0, 100);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&Pattern:"), m_pattern);
    form->addRow(tr("&Length:"), m_length);
    auto *charsetRow = new QHBoxLayout;
    charsetRow->addWidget(m_charset);
    charsetRow->addWidget(m_customCharset, 1);
    auto *charsetLabel = new QLabel(tr("C&haracters:"), this);
    charsetLabel->setBuddy(m_charset); // a row holding a layout gets no buddy of its own
    form->addRow(charsetLabel, charsetRow);
    form->addRow(tr("P&refix:"), m_prefix);
    form->addRow(tr("P&ostfix:"), m_postfix);
    form->addRow(tr("&Number of codes:"), m_count);
    form->addRow(QString(), m_planMessage);
    form->addRow(tr("Sample:"), m_sample);
    form->addRow(tr("Code space:"), m_space);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_generateButton);
    actions->addWidget(m_progressBar, 1);
    actions->addWidget(m_cancelButton);
    actions->addStretch(); // keeps Generate at its size while the progress bar is hidden

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    layout->addStretch(1);

    connect(m_pattern, &QLineEdit::textChanged, this, &CodeGeneratorPanel::updatePreview);
    connect(m_length, &QSpinBox::valueChanged, this, &CodeGeneratorPanel::updatePreview);
    connect(m_charset, &QComboBox::currentIndexChanged, this, &CodeGeneratorPanel::updatePreview);
    connect(m_customCharset, &QLineEdit::textChanged, this, &CodeGeneratorPanel::updatePreview);
    connect(m_prefix, &QLineEdit::textChanged, this, &CodeGeneratorPanel::updatePreview);
    connect(m_postfix, &QLineEdit::textChanged, this, &CodeGeneratorPanel::updatePreview);
    connect(m_count, &QSpinBox::valueChanged, this, &CodeGeneratorPanel::updatePreview);
    for (QLineEdit *edit : {m_pattern, m_customCharset, m_prefix, m_postfix})
        connect(edit, &QLineEdit::textChanged, this, &CodeGeneratorPanel::configChanged);
    connect(m_length, &QSpinBox::valueChanged, this, &CodeGeneratorPanel::configChanged);
    connect(m_charset, &QComboBox::currentIndexChanged, this, &CodeGeneratorPanel::configChanged);
    connect(m_generateButton, &QPushButton::clicked, this, &CodeGeneratorPanel::generate);
    connect(m_cancelButton, &QPushButton::clicked, this, &CodeGeneratorPanel::cancel);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &CodeGeneratorPanel::finishGeneration);
    connect(m_progressPoll, &QTimer::timeout, this, [this] {
        if (m_progress)
            m_progressBar->setValue(m_progress->load());
    });

    m_progressBar->hide();
    m_cancelButton->hide();
    updatePreview();
}

CodeGeneratorPanel::~CodeGeneratorPanel()
{
    // The job rolls back at its next progress check; wait so that it never outlives the widget.
    m_watcher->disconnect(this);
    if (m_cancelled)
        m_cancelled->store(true);
    m_tasks.waitForAll();
}

void CodeGeneratorPanel::setWorkspace(const QString &path, const QString &campaignId)
{
    m_path = path;
    m_campaignId = campaignId;
    updateButtons();
}

void CodeGeneratorPanel::setCodeCase(Engine::CodeCase codeCase)
{
    m_codeCase = codeCase;
    updatePreview();
}

void CodeGeneratorPanel::setConfig(const Engine::CodeConfig &config)
{
    const QSignalBlocker blockers[] = {QSignalBlocker(m_pattern), QSignalBlocker(m_length), QSignalBlocker(m_charset),
                                       QSignalBlocker(m_customCharset), QSignalBlocker(m_prefix),
                                       QSignalBlocker(m_postfix)};
    m_pattern->setText(config.pattern);
    m_length->setValue(config.length);
    const int named = m_charset->findData(config.charset);
    if (named >= 0 && !config.charset.isEmpty()) {
        m_charset->setCurrentIndex(named);
        m_customCharset->clear();
    } else {
        m_charset->setCurrentIndex(m_charset->count() - 1);
        m_customCharset->setText(config.charset);
    }
    m_prefix->setText(config.prefix);
    m_postfix->setText(config.postfix);
    updatePreview();
}

Engine::CodeConfig CodeGeneratorPanel::config() const
{
    Engine::CodeConfig config;
    config.pattern = m_pattern->text();
    config.length = m_length->value();
    const QString named = m_charset->currentData().toString();
    config.charset = named.isEmpty() ? m_customCharset->text() : named;
    config.prefix = m_prefix->text();
    config.postfix = m_postfix->text();
    return config;
}

qint64 CodeGeneratorPanel::count() const
{
    return m_count->value();
}

bool CodeGeneratorPanel::isGenerating() const
{
    return m_running;
}

QStringList CodeGeneratorPanel::sample() const
{
    return m_sample->text().split(u'\n', Qt::SkipEmptyParts);
}

QString CodeGeneratorPanel::spaceText() const
{
    return m_space->text();
}

QString CodeGeneratorPanel::planMessage() const
{
    return m_planMessage->text();
}

QString CodeGeneratorPanel::statusMessage() const
{
    return m_status->text();
}

QString CodeGeneratorPanel::describeSpace(const Engine::CodePlan &plan)
{
    const QString power = QStringLiteral("%1^%2").arg(plan.alphabet.size()).arg(plan.randomPositions);
    if (plan.space < 1e6)
        return tr("%1 = %2 possible").arg(power, QLocale().toString(qint64(std::llround(plan.space))));
    const int exponent = int(std::floor(std::log10(plan.space)));
    double mantissa = plan.space / std::pow(10.0, exponent);
    return tr("%1 = %2 × 10^%3 possible").arg(power, QLocale().toString(mantissa, 'f', 1)).arg(exponent);
}

void CodeGeneratorPanel::updatePreview()
{
    const bool custom = m_charset->currentData().toString().isEmpty();
    m_customCharset->setVisible(custom);
    m_length->setEnabled(m_pattern->text().isEmpty()); // a pattern fixes the length

    const Engine::CodeConfig cfg = config();
    const Result<Engine::CodePlan> plan = Engine::planCodes(cfg, count(), m_codeCase);
    // The space and a sample are still worth showing when only the count is too large.
    const Result<Engine::CodePlan> one = plan ? plan : Engine::planCodes(cfg, 1, m_codeCase);
    m_planOk = plan.ok();

    if (!plan) {
        m_planMessage->setText(tr("✖ %1").arg(plan.error().message));
        m_planMessage->setStyleSheet(errorStyle());
    } else if (plan.value().warning) {
        m_planMessage->setText(tr("⚠ %1").arg(plan.value().message));
        m_planMessage->setStyleSheet(warningStyle());
    } else {
        m_planMessage->clear();
        m_planMessage->setStyleSheet(QString());
    }
    m_planMessage->setVisible(!m_planMessage->text().isEmpty());

    if (one) {
        m_space->setText(describeSpace(one.value()));
        Engine::CodeGenerator generator(cfg, one.value(), m_codeCase);
        // Never ask for more distinct codes than exist: next() would search forever.
        const int n = int(std::min<double>(SampleSize, one.value().space));
        QStringList codes;
        for (int i = 0; i < n; ++i)
            codes << generator.next();
        m_sample->setText(codes.join(u'\n'));
    } else {
        m_space->setText(tr("—"));
        m_sample->setText(tr("—"));
    }
    updateButtons();
}

void CodeGeneratorPanel::updateButtons()
{
    const bool running = isGenerating();
    m_generateButton->setEnabled(!running && m_planOk && !m_path.isEmpty() && !m_campaignId.isEmpty());
    m_generateButton->setToolTip(m_path.isEmpty() ? tr("Save the campaign first") : QString());
    m_cancelButton->setVisible(running);
    m_progressBar->setVisible(running);
    for (QWidget *field : {static_cast<QWidget *>(m_pattern), static_cast<QWidget *>(m_charset),
                           static_cast<QWidget *>(m_customCharset), static_cast<QWidget *>(m_prefix),
                           static_cast<QWidget *>(m_postfix), static_cast<QWidget *>(m_count)})
        field->setEnabled(!running);
    if (running)
        m_length->setEnabled(false);
    else
        m_length->setEnabled(m_pattern->text().isEmpty());
}

void CodeGeneratorPanel::generate()
{
    if (isGenerating() || m_path.isEmpty() || m_campaignId.isEmpty())
        return;
    const Engine::CodeConfig cfg = config();
    const qint64 n = count();
    const Result<Engine::CodePlan> plan = Engine::planCodes(cfg, n, m_codeCase);
    if (!plan)
        return;

    m_cancelled = std::make_shared<std::atomic_bool>(false);
    m_progress = std::make_shared<std::atomic_int>(0);
    m_progressBar->setValue(0);
    m_status->setText(tr("Generating %1 codes…").arg(QLocale().toString(n)));
    m_status->setStyleSheet(QString());

    // Its own connection: a SQLite connection belongs to the thread that uses it.
    auto job = [path = m_path, campaignId = m_campaignId, cfg, plan = plan.value(), codeCase = m_codeCase, n,
                cancelled = m_cancelled, progress = m_progress]() -> Result<Store::GeneratedCodes> {
        auto connection = Store::Workspace::openForWriting(path);
        if (!connection)
            return connection.error();
        Engine::CodeGenerator generator(cfg, plan, codeCase);
        Store::CodeRepository codes(*connection.value());
        return codes.generate(campaignId, generator, n, [&](int percent) {
            progress->store(percent);
            return !cancelled->load();
        });
    };
    m_running = true;
    m_watcher->setFuture(m_tasks.track(QtConcurrent::run(job)));
    m_progressPoll->start(100);
    updateButtons();
}

void CodeGeneratorPanel::cancel()
{
    if (m_cancelled)
        m_cancelled->store(true);
    if (isGenerating())
        m_status->setText(tr("Cancelling…"));
}

void CodeGeneratorPanel::finishGeneration()
{
    m_progressPoll->stop();
    m_running = false;
    const Result<Store::GeneratedCodes> result = m_watcher->result();
    const bool cancelled = m_cancelled && m_cancelled->load();
    updateButtons();
    if (!result) {
        // A cancel that arrives after the commit changes nothing: the codes are there.
        if (cancelled)
            m_status->setText(tr("Cancelled — no codes were stored"));
        else
            m_status->setText(tr("Could not generate codes: %1 — no codes were stored").arg(result.error().toString()));
        m_status->setStyleSheet(cancelled ? warningStyle() : errorStyle());
        return;
    }
    m_progressBar->setValue(100);
    const qint64 inserted = result.value().inserted;
    m_status->setText(tr("Generated %1 codes.").arg(QLocale().toString(inserted)));
    m_status->setStyleSheet(QString());
    emit generated(inserted);
}

} // namespace PromoDesk::Ui
