#pragma once

#include "engine/campaign.h"
#include "experiments/experiment.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace PromoDesk::Ui {

// Declare winner…: the variant that won, a note for the record, and in words exactly
// what happens when it is confirmed — the winner's campaign active for everyone, the
// other variants' campaigns paused, the experiment concluded — before anything does.
class ExperimentWinnerDialog : public QDialog
{
    Q_OBJECT

public:
    // `campaigns`: the workspace's campaigns (for names and statuses); `suggested`: the
    // analysis's suggested winner (a variant key), preselected.
    ExperimentWinnerDialog(const Experiments::Experiment &experiment, const QList<Engine::Campaign> &campaigns,
                           const QString &suggested, QWidget *parent = nullptr);

    QString variantKey() const;
    void setVariantKey(const QString &key);
    QString note() const;
    void setNote(const QString &note);
    // What the dialog says will happen, for the chosen variant.
    QString consequences() const;

private:
    void updateConsequences();
    QString campaignLabel(const QString &campaignId) const;

    Experiments::Experiment m_experiment;
    QList<Engine::Campaign> m_campaigns;
    QComboBox *m_variant;
    QPlainTextEdit *m_note;
    QLabel *m_consequences;
};

} // namespace PromoDesk::Ui
