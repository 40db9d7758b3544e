#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "engine/codegenerator.h"
#include "store/coderepository.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace PromoDesk::Ui {

// Code generator settings of a campaign with a live sample and the code-space size,
// and the generation of many codes in the background (all or nothing, cancellable).
class CodeGeneratorPanel : public QWidget
{
    Q_OBJECT

public:
    explicit CodeGeneratorPanel(QWidget *parent = nullptr);
    ~CodeGeneratorPanel() override;

    void setWorkspace(const QString &path, const QString &campaignId);
    void setCodeCase(Engine::CodeCase codeCase); // the workspace's code_case (default Upper)
    void setConfig(const Engine::CodeConfig &config);
    Engine::CodeConfig config() const;
    qint64 count() const;

    bool isGenerating() const;
    QStringList sample() const;
    QString spaceText() const;
    QString planMessage() const;
    QString statusMessage() const;

    // "36^8 = 2.8 × 10^12 possible"
    static QString describeSpace(const Engine::CodePlan &plan);

signals:
    void generated(qint64 count);
    // The user changed a setting of the code config (not the count); setConfig() is silent.
    void configChanged();

public slots:
    void generate();
    void cancel();

private:
    void updatePreview();
    void updateButtons();
    void finishGeneration();

    QLineEdit *m_pattern;
    QSpinBox *m_length;
    QComboBox *m_charset;
    QLineEdit *m_customCharset;
    QLineEdit *m_prefix;
    QLineEdit *m_postfix;
    QSpinBox *m_count;
    QLabel *m_sample;
    QLabel *m_space;
    QLabel *m_planMessage;
    QPushButton *m_generateButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_progressBar;
    QLabel *m_status;
    QTimer *m_progressPoll;

    QString m_path;
    QString m_campaignId;
    Engine::CodeCase m_codeCase = Engine::CodeCase::Upper;
    bool m_planOk = false;
    // Until the result is applied here: the future itself finishes a little earlier, on the worker.
    bool m_running = false;

    std::shared_ptr<std::atomic_bool> m_cancelled;
    std::shared_ptr<std::atomic_int> m_progress;
    QFutureWatcher<Result<Store::GeneratedCodes>> *m_watcher;
    BackgroundTasks m_tasks; // last member: waited for before the rest is torn down
};

} // namespace PromoDesk::Ui
