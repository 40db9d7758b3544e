#include "importdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

using Store::ImportKind;

namespace {

QString errorStyle()
{
    return QStringLiteral("color: #b3261e;");
}

QString actor()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("promodesk") : user;
}

QString kindHelp(ImportKind kind)
{
    QStringList required;
    for (const Store::ImportField &field : Store::Importer::fields(kind)) {
        if (field.required)
            required << field.name;
    }
    if (kind == ImportKind::Orders)
        required << QObject::tr("sku_source_id or sku");
    QString what;
    switch (kind) {
    case ImportKind::Customers:
        what = QObject::tr("One row per customer, matched by source_id: existing customers are updated.");
        break;
    case ImportKind::Products:
        what = QObject::tr("One row per SKU with its product's columns; new categories are created.");
        break;
    case ImportKind::Orders:
        what = QObject::tr("One row per order line; consecutive rows with one order_source_id are one order. "
                           "Customers' order summaries are recomputed.");
        break;
    case ImportKind::Events:
        what = QObject::tr("One row per customer event (customer_source_id, type, created_at).");
        break;
    }
    return QObject::tr("%1 Required columns: %2. Dates YYYY-MM-DD, times ISO-8601 (no offset = UTC), money 12.50.")
        .arg(what, required.join(QStringLiteral(", ")));
}

} // namespace

ImportDialog::ImportDialog(const QString &workspacePath, QWidget *parent)
    : QDialog(parent), m_workspace(workspacePath), m_kind(new QComboBox(this)), m_file(new QLineEdit(this)),
      m_delimiter(new QComboBox(this)), m_ignoreUnknown(new QCheckBox(this)), m_help(new QLabel(this)),
      m_mapping(new QLabel(this)), m_preview(new QTableWidget(this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)), m_errors(new QListWidget(this)), m_copyErrors(new QPushButton(tr("&Copy Errors"), this)),
      m_importButton(new QPushButton(tr("&Import"), this)), m_cancelButton(new QPushButton(tr("Cancel"), this)),
      m_closeButton(new QPushButton(tr("Close"), this)), m_progressPoll(new QTimer(this)),
      m_watcher(new QFutureWatcher<Store::ImportReport>(this))
{
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(tr("Import CSV"));
    setMinimumSize(820, 600);

    m_kind->setObjectName(QStringLiteral("kind"));
    m_kind->addItem(tr("Customers"), int(ImportKind::Customers));
    m_kind->addItem(tr("Products and SKUs"), int(ImportKind::Products));
    m_kind->addItem(tr("Orders (a row per order line)"), int(ImportKind::Orders));
    m_kind->addItem(tr("Customer events"), int(ImportKind::Events));
    m_file->setObjectName(QStringLiteral("file"));
    m_file->setPlaceholderText(tr("A CSV file (UTF-8) with a header line"));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    browse->setObjectName(QStringLiteral("browse"));
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);
    m_delimiter->setObjectName(QStringLiteral("delimiter"));
    m_delimiter->addItem(tr("Detect from the header line"), 0);
    m_delimiter->addItem(tr("Comma ( , )"), int(','));
    m_delimiter->addItem(tr("Semicolon ( ; )"), int(';'));
    m_delimiter->addItem(tr("Tab"), int('\t'));
    m_ignoreUnknown->setObjectName(QStringLiteral("ignoreUnknown"));
    m_ignoreUnknown->setText(tr("Skip columns PromoDesk does not know (instead of refusing the file)"));
    m_help->setObjectName(QStringLiteral("help"));
    m_help->setWordWrap(true);
    m_help->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));

    auto *form = new QFormLayout;
    form->addRow(tr("I&mport:"), m_kind);
    auto *fileLabel = new QLabel(tr("&File:"), this);
    fileLabel->setBuddy(m_file);
    form->addRow(fileLabel, fileRow);
    form->addRow(tr("&Delimiter:"), m_delimiter);
    form->addRow(QString(), m_ignoreUnknown);

    m_mapping->setObjectName(QStringLiteral("mapping"));
    m_mapping->setWordWrap(true);
    m_mapping->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview->setObjectName(QStringLiteral("preview"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    m_preview->setWordWrap(false);
    m_preview->verticalHeader()->setDefaultSectionSize(m_preview->fontMetrics().height() + 8);
    auto *previewBox = new QGroupBox(tr("Columns and first rows"), this);
    auto *previewLayout = new QVBoxLayout(previewBox);
    previewLayout->addWidget(m_mapping);
    previewLayout->addWidget(m_preview, 1);

    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 100);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errors->setObjectName(QStringLiteral("errors"));
    m_errors->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_errors->setWordWrap(true);
    m_errors->setStyleSheet(QStringLiteral("QListWidget { color: #b3261e; }"));
    m_copyErrors->setObjectName(QStringLiteral("copyErrors"));

    m_importButton->setObjectName(QStringLiteral("import"));
    m_importButton->setDefault(true);
    m_cancelButton->setObjectName(QStringLiteral("cancel"));
    m_closeButton->setObjectName(QStringLiteral("close"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_copyErrors);
    buttons->addStretch(1);
    buttons->addWidget(m_importButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_closeButton);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_help); // outside the form: a wrapped label there gets too tall a row
    layout->addWidget(previewBox, 3);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_errors, 2);
    layout->addLayout(buttons);

    connect(browse, &QPushButton::clicked, this, &ImportDialog::browse);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        updateHelp();
        reloadPreview();
    });
    connect(m_delimiter, &QComboBox::currentIndexChanged, this, &ImportDialog::reloadPreview);
    connect(m_file, &QLineEdit::textChanged, this, &ImportDialog::reloadPreview);
    connect(m_ignoreUnknown, &QCheckBox::toggled, this, &ImportDialog::updateButtons);
    connect(m_importButton, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(m_cancelButton, &QPushButton::clicked, this, &ImportDialog::cancelImport);
    connect(m_closeButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_copyErrors, &QPushButton::clicked, this, &ImportDialog::copyErrors);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &ImportDialog::finishImport);
    connect(m_progressPoll, &QTimer::timeout, this, [this] {
        if (m_percent)
            m_progress->setValue(m_percent->load());
    });

    m_progress->setVisible(false);
    m_errors->setVisible(false);
    m_copyErrors->setVisible(false);
    updateHelp();
    reloadPreview();
}

ImportDialog::~ImportDialog()
{
    // The import rolls back at its next check; wait so that it never outlives the dialog.
    m_watcher->disconnect(this);
    if (m_cancel)
        m_cancel->store(true);
    m_tasks.waitForAll();
}

void ImportDialog::setKind(ImportKind kind)
{
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
}

ImportKind ImportDialog::kind() const
{
    return ImportKind(m_kind->currentData().toInt());
}

void ImportDialog::setFile(const QString &file)
{
    m_file->setText(file);
}

QString ImportDialog::file() const
{
    return m_file->text().trimmed();
}

char ImportDialog::delimiter() const
{
    return char(m_delimiter->currentData().toInt());
}

QString ImportDialog::statusText() const
{
    return m_status->text();
}

QStringList ImportDialog::errorTexts() const
{
    QStringList out;
    for (int i = 0; i < m_errors->count(); ++i)
        out << m_errors->item(i)->text();
    return out;
}

void ImportDialog::browse()
{
    const QString chosen = QFileDialog::getOpenFileName(this, tr("Import CSV"), file(),
                                                        tr("CSV files (*.csv *.txt);;All files (*)"));
    if (!chosen.isEmpty())
        setFile(chosen);
}

void ImportDialog::updateHelp()
{
    m_help->setText(kindHelp(kind()));
    QStringList known;
    for (const Store::ImportField &field : Store::Importer::fields(kind()))
        known << QStringLiteral("%1%2 — %3").arg(field.name, field.required ? QStringLiteral(" *") : QString(),
                                                 field.description);
    m_help->setToolTip(known.join(u'\n'));
}

// The preview reads the file on the thread pool (it may be large, or slow to reach);
// only the answer to the latest request is shown.
void ImportDialog::reloadPreview()
{
    const quint64 generation = ++m_previewGeneration;
    m_previewUsable = false;
    if (file().isEmpty()) {
        m_previewLoading = false;
        m_preview->clear();
        m_preview->setRowCount(0);
        m_preview->setColumnCount(0);
        m_mapping->setText(tr("Choose a file to see how its columns are read."));
        m_mapping->setStyleSheet(QString());
        updateButtons();
        return;
    }
    m_previewLoading = true;
    updateButtons();
    auto *watcher = new QFutureWatcher<Store::ImportPreview>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_previewGeneration)
            return; // a newer request is on its way
        m_previewLoading = false;
        showPreview(watcher->result());
        emit previewLoaded();
    });
    watcher->setFuture(m_tasks.track(Store::ImportTasks::preview(file(), kind(), delimiter(), 20)));
}

void ImportDialog::showPreview(const Store::ImportPreview &preview)
{
    m_preview->clear();
    m_preview->setColumnCount(int(preview.columns.size()));
    m_preview->setRowCount(int(preview.rows.size()));
    int known = 0;
    QStringList unknown;
    const QList<Store::ImportField> fields = Store::Importer::fields(preview.kind);
    for (int c = 0; c < preview.columns.size(); ++c) {
        const Store::ImportColumn &column = preview.columns[c];
        auto *item = new QTableWidgetItem;
        if (!column.field.isEmpty()) {
            ++known;
            item->setText(column.header.trimmed() == column.field ? column.field
                                                                  : QStringLiteral("%1\n→ %2").arg(column.header, column.field));
            for (const Store::ImportField &field : fields) {
                if (field.name == column.field)
                    item->setToolTip(field.description);
            }
            if (column.field.contains(u'.'))
                item->setToolTip(tr("A metadata key, stored as text."));
        } else {
            unknown << (column.suggestion.isEmpty()
                            ? QStringLiteral("“%1”").arg(column.header)
                            : tr("“%1” (did you mean %2?)").arg(column.header, column.suggestion));
            item->setText(tr("%1\n✖ unknown").arg(column.header));
            item->setForeground(QColor(0xb3, 0x26, 0x1e));
            item->setToolTip(column.suggestion.isEmpty() ? tr("PromoDesk does not know this column.")
                                                         : tr("Did you mean %1?").arg(column.suggestion));
        }
        m_preview->setHorizontalHeaderItem(c, item);
    }
    for (int r = 0; r < preview.rows.size(); ++r) {
        // Rows are labelled with their line in the file, as errors name them.
        auto *line = new QTableWidgetItem(QString::number(preview.lines.value(r)));
        line->setToolTip(tr("Line %1 of the file").arg(preview.lines.value(r)));
        m_preview->setVerticalHeaderItem(r, line);
        for (int c = 0; c < preview.rows[r].size() && c < preview.columns.size(); ++c) {
            QString text = preview.rows[r][c];
            text.replace(u'\n', QStringLiteral(" ⏎ "));
            m_preview->setItem(r, c, new QTableWidgetItem(text));
        }
    }
    m_preview->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_preview->resizeColumnsToContents();
    for (int c = 0; c < m_preview->columnCount(); ++c)
        m_preview->setColumnWidth(c, std::min(m_preview->columnWidth(c), 240));

    QStringList lines;
    if (!preview.columns.isEmpty()) {
        lines << tr("%1 columns (delimiter “%2”): %3 read, %4 unknown.")
                     .arg(preview.columns.size())
                     .arg(preview.delimiter == '\t' ? tr("tab") : QString(QLatin1Char(preview.delimiter)))
                     .arg(known)
                     .arg(unknown.size());
    }
    if (!unknown.isEmpty())
        lines << tr("Unknown: %1.").arg(unknown.join(QStringLiteral(", ")));
    if (!preview.missing.isEmpty())
        lines << tr("Missing required columns: %1.").arg(preview.missing.join(QStringLiteral(", ")));
    for (const Store::ImportError &error : preview.errors) {
        // Unknown and missing columns are said above; the rest (a file that cannot be read,
        // a broken row among the first ones) here.
        if (error.line == 1 && (error.message.startsWith(QLatin1String("unknown column"))
                                || error.message.contains(QLatin1String("is missing"))))
            continue;
        lines << error.toString();
    }
    m_mapping->setText(lines.join(u'\n'));
    const bool problems = !unknown.isEmpty() || !preview.missing.isEmpty() || !preview.errors.isEmpty();
    m_mapping->setStyleSheet(problems ? errorStyle() : QString());
    m_previewUsable = !preview.columns.isEmpty() && preview.missing.isEmpty();
    updateButtons();
}

void ImportDialog::updateButtons()
{
    m_importButton->setEnabled(!m_running && !m_previewLoading && m_previewUsable && !m_workspace.isEmpty());
    m_cancelButton->setVisible(m_running);
    m_closeButton->setEnabled(!m_running);
    m_progress->setVisible(m_running || (m_report && m_report->ok()));
    for (QWidget *w : {static_cast<QWidget *>(m_kind), static_cast<QWidget *>(m_file),
                       static_cast<QWidget *>(m_delimiter), static_cast<QWidget *>(m_ignoreUnknown)})
        w->setEnabled(!m_running);
}

void ImportDialog::startImport()
{
    if (m_running || !m_importButton->isEnabled())
        return;
    Store::ImportOptions options;
    options.kind = kind();
    options.delimiter = delimiter();
    options.ignoreUnknownColumns = m_ignoreUnknown->isChecked();
    options.actor = actor();
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_percent = std::make_shared<std::atomic_int>(0);
    options.progress = [percent = m_percent](const Store::ImportProgress &p) { percent->store(p.percent); };

    m_report.reset();
    m_errors->clear();
    m_errors->setVisible(false);
    m_copyErrors->setVisible(false);
    m_progress->setValue(0);
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Importing %1…").arg(QFileInfo(file()).fileName()));
    m_running = true;
    m_watcher->setFuture(m_tasks.track(Store::ImportTasks::run(m_workspace, file(), options, m_cancel)));
    m_progressPoll->start(100);
    updateButtons();
}

void ImportDialog::cancelImport()
{
    if (!m_running)
        return;
    if (m_cancel)
        m_cancel->store(true);
    m_status->setText(tr("Cancelling…"));
}

void ImportDialog::reject()
{
    if (m_running) {
        cancelImport();
        return;
    }
    QDialog::reject();
}

void ImportDialog::finishImport()
{
    m_progressPoll->stop();
    m_running = false;
    m_report = m_watcher->result();
    const Store::ImportReport &report = *m_report;
    if (report.cancelled) {
        m_status->setText(tr("Cancelled — nothing was imported."));
        m_status->setStyleSheet(QString());
    } else if (!report.ok()) {
        m_status->setText(report.moreErrors
                              ? tr("The file was refused — nothing was imported. The first %1 errors (the rest of the "
                                   "file was not checked):")
                                    .arg(report.errors.size())
                              : report.errors.size() == 1
                                    ? tr("The file was refused — nothing was imported. 1 error:")
                                    : tr("The file was refused — nothing was imported. %1 errors:").arg(report.errors.size()));
        m_status->setStyleSheet(errorStyle());
        showErrors(report.errors, report.moreErrors);
    } else {
        m_progress->setValue(100);
        m_status->setText(tr("Imported %1 in %2 s.")
                              .arg(report.summary(), QLocale().toString(double(report.milliseconds) / 1000.0, 'f', 1)));
        m_status->setStyleSheet(QString());
        if (!report.warnings.isEmpty())
            showErrors({}, false);
    }
    if (!report.warnings.isEmpty()) {
        for (const QString &warning : report.warnings)
            m_errors->addItem(tr("warning: %1").arg(warning));
        m_errors->setVisible(true);
        m_copyErrors->setVisible(true);
    }
    updateButtons();
    emit importFinished(report.ok());
    if (report.ok())
        emit imported(report);
}

void ImportDialog::showErrors(const QList<Store::ImportError> &errors, bool more)
{
    m_errors->clear();
    for (const Store::ImportError &error : errors)
        m_errors->addItem(error.toString());
    if (more)
        m_errors->addItem(tr("… stopped after %1 errors.").arg(errors.size()));
    m_errors->setVisible(!errors.isEmpty());
    m_copyErrors->setVisible(!errors.isEmpty());
}

void ImportDialog::copyErrors()
{
    QApplication::clipboard()->setText(errorTexts().join(u'\n'));
}

} // namespace PromoDesk::Ui
