#pragma once

#include "backgroundtasks.h"

#include <QDialog>

#include <atomic>
#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QRadioButton;
class QSpinBox;

namespace PromoDesk::Ui {

// File ▸ New Sandbox…: a sandbox workspace beside a production one, seeded with a
// sampled, anonymised copy of production's customers and orders (and its catalogue,
// segments and campaigns), or with demo data. Created on a worker with a progress bar
// and Cancel; whole or not at all.
class NewSandboxDialog : public QDialog
{
    Q_OBJECT

public:
    // `production`: the production workspace it is made beside (may be empty: demo only).
    explicit NewSandboxDialog(const QString &production, QWidget *parent = nullptr);
    ~NewSandboxDialog() override;

    // Filled in for tests; accept() then creates.
    void setPath(const QString &path);
    void setSample(bool sample, qint64 customers = 10'000, quint32 seed = 1);
    // The sandbox created, once accepted.
    QString createdPath() const { return m_created; }
    QString errorText() const;

    void accept() override;
    void reject() override;

private:
    void browse();

    QString m_production;
    QLineEdit *m_path;
    QLineEdit *m_name;
    QRadioButton *m_fromProduction;
    QRadioButton *m_fromDemo;
    QSpinBox *m_customers;
    QSpinBox *m_seed;
    QComboBox *m_demoSize;
    QProgressBar *m_progress;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QString m_created;
    bool m_running = false;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    BackgroundTasks m_tasks;
};

} // namespace PromoDesk::Ui
