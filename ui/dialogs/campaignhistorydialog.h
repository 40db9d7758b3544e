#pragma once

#include "backgroundtasks.h"
#include "store/campaignhistory.h"

#include <QDialog>

class QLabel;
class QTableWidget;
class QTextEdit;

namespace PromoDesk::Ui {

// The audit log of one campaign: a table of versions (when, who, action, what
// changed) and a line diff below it. One selected row diffs that step's before →
// after; two or more diff the oldest selected version's after → the newest's after.
// The log is read on a worker with its own read-only connection.
class CampaignHistoryDialog : public QDialog
{
    Q_OBJECT

public:
    CampaignHistoryDialog(const QString &workspacePath, const QString &campaignId, QWidget *parent = nullptr);
    ~CampaignHistoryDialog() override;

    QTableWidget *table() const { return m_table; }
    QTextEdit *diffView() const { return m_diff; }
    QString stateText() const;
    bool hasLoaded() const { return m_loaded; }
    const QList<Store::CampaignVersion> &versions() const { return m_versions; }

signals:
    void loaded();

private:
    void showVersions(const Result<QList<Store::CampaignVersion>> &result);
    void showDiff();

    QLabel *m_state;
    QTableWidget *m_table;
    QTextEdit *m_diff;
    QList<Store::CampaignVersion> m_versions;
    bool m_loaded = false;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
