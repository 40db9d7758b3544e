#include "experimentwinnerdialog.h"

#include "widgets/experimentformat.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace PromoDesk::Ui {

ExperimentWinnerDialog::ExperimentWinnerDialog(const Experiments::Experiment &experiment, const QList<Engine::Campaign> &campaigns,
                                               const QString &suggested, QWidget *parent)
    : QDialog(parent), m_experiment(experiment), m_campaigns(campaigns), m_variant(new QComboBox(this)),
      m_note(new QPlainTextEdit(this)), m_consequences(new QLabel(this))
{
    setObjectName(QStringLiteral("experimentWinnerDialog"));
    setWindowTitle(tr("Declare Winner — %1").arg(experiment.name));
    resize(640, 400);
    m_variant->setObjectName(QStringLiteral("winnerVariant"));
    for (int i = 0; i < experiment.variants.size(); ++i) {
        QString label = ExperimentFormat::variantLabel(experiment, i);
        if (experiment.variants[i].key == suggested)
            label += tr(" — suggested by the results");
        m_variant->addItem(label, experiment.variants[i].key);
    }
    m_variant->setCurrentIndex(std::max(0, m_variant->findData(suggested)));
    m_note->setObjectName(QStringLiteral("winnerNote"));
    m_note->setPlaceholderText(tr("Why this variant: the figures you relied on, anything you noticed. Kept with the decision."));
    m_note->setTabChangesFocus(true);
    m_note->setFixedHeight(m_note->fontMetrics().lineSpacing() * 5 + 14);
    m_consequences->setObjectName(QStringLiteral("winnerConsequences"));
    m_consequences->setWordWrap(true);
    m_consequences->setTextFormat(Qt::RichText);
    m_consequences->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; border: 1px solid #f0c27b; border-radius: 4px; padding: 8px 10px; }"));
    connect(m_variant, &QComboBox::currentIndexChanged, this, &ExperimentWinnerDialog::updateConsequences);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *declare = buttons->addButton(tr("&Declare Winner"), QDialogButtonBox::AcceptRole);
    declare->setObjectName(QStringLiteral("confirmWinner"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Winner:"), m_variant);
    form->addRow(tr("&Note:"), m_note);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_consequences);
    layout->addStretch(1);
    layout->addWidget(buttons);
    updateConsequences();
    declare->setDefault(false);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
}

QString ExperimentWinnerDialog::variantKey() const
{
    return m_variant->currentData().toString();
}

void ExperimentWinnerDialog::setVariantKey(const QString &key)
{
    m_variant->setCurrentIndex(std::max(0, m_variant->findData(key)));
}

QString ExperimentWinnerDialog::note() const
{
    return m_note->toPlainText().trimmed();
}

void ExperimentWinnerDialog::setNote(const QString &note)
{
    m_note->setPlainText(note);
}

QString ExperimentWinnerDialog::consequences() const
{
    return m_consequences->text();
}

QString ExperimentWinnerDialog::campaignLabel(const QString &campaignId) const
{
    for (const Engine::Campaign &c : m_campaigns)
        if (c.id == campaignId)
            return tr("“%1” (%2, now %3)").arg(c.name.toHtmlEscaped(), c.id.toHtmlEscaped(), Engine::campaignStatusKey(c.status));
    return tr("%1 (not in the workspace)").arg(campaignId.toHtmlEscaped());
}

void ExperimentWinnerDialog::updateConsequences()
{
    const int index = m_experiment.indexOf(variantKey());
    if (index < 0) {
        m_consequences->clear();
        return;
    }
    const Experiments::Variant &winner = m_experiment.variants[index];
    QStringList others;
    for (const Experiments::Variant &v : std::as_const(m_experiment.variants)) {
        if (v.holdout || v.campaignId.isEmpty() || (!winner.holdout && v.campaignId == winner.campaignId))
            continue;
        const QString label = campaignLabel(v.campaignId);
        if (!others.contains(label))
            others << label;
    }
    QString text = tr("<b>What happens when you confirm</b>, in one step:<ul style='margin-left: -20px'>");
    if (winner.holdout) {
        text += tr("<li>No promotion won: every variant's campaign is <b>paused</b>: %1.</li>")
                    .arg(others.isEmpty() ? tr("none") : others.join(QStringLiteral(", ")));
    } else {
        const Engine::Campaign *c = nullptr;
        for (const Engine::Campaign &candidate : std::as_const(m_campaigns))
            if (candidate.id == winner.campaignId)
                c = &candidate;
        QString what = campaignLabel(winner.campaignId);
        if (!winner.tierId.isEmpty() && c) {
            for (const Engine::Tier &t : c->tiers)
                if (t.id == winner.tierId)
                    what += tr(", whose tier “%1” was tested,").arg(t.name.toHtmlEscaped());
        }
        text += tr("<li>%1 becomes <b>active for every customer</b>: the experiment no longer decides who gets it.</li>").arg(what);
        text += others.isEmpty() ? tr("<li>No other campaign is touched.</li>")
                                 : tr("<li>The other variants' campaigns are <b>paused</b>: %1.</li>").arg(others.join(QStringLiteral(", ")));
    }
    text += tr("<li>The experiment is <b>concluded</b>: it assigns nobody any more, its results stay, and the decision — "
               "the winner, your note and the time — is recorded in the audit log.</li></ul>This cannot be undone here; "
               "campaigns can be activated or paused again on the Campaigns page.");
    m_consequences->setText(text);
}

} // namespace PromoDesk::Ui
