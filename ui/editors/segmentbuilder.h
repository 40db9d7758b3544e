#pragma once

#include "backgroundtasks.h"
#include "common/result.h"
#include "store/segmentstore.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTimer;

namespace PromoDesk::Ui {

class RulesEditor;

// Builds one segment: name, kind (auto-update, static, passive), time zone and the
// rule in the shared rules editor, with a live member count and the first members as
// the rule changes — debounced, counted off the UI thread, answers to older rules
// dropped — and the SQL the rule compiles to.
class SegmentBuilder : public QWidget
{
    Q_OBJECT

public:
    static constexpr int DebounceMs = 300;
    static constexpr int PreviewRows = 25;

    explicit SegmentBuilder(QWidget *parent = nullptr);
    ~SegmentBuilder() override;

    void setWorkspace(const QString &path);
    // Shows `segment` (a stored one, or a new one with an empty id) and counts it.
    void setSegment(const Store::Segment &segment);
    // What is on screen, as a segment to save (the id of the one shown).
    Store::Segment segment() const;
    // The segment on screen was saved as `id` (a new one gets its id; nothing else changes).
    void adoptId(const QString &id) { m_id = id; }
    // Fixes "now" for the rule's time arithmetic (tests); default: the current time.
    void setNow(std::optional<qint64> now);

    bool isCounting() const { return m_counting || m_pending; }
    // "1,234 customers match" / "Counting…" / the error.
    QString countText() const;
    std::optional<qint64> count() const { return m_count; }
    QTableWidget *previewTable() const { return m_preview; }
    RulesEditor *rulesEditor() const { return m_rules; }
    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *typeBox() const { return m_type; }
    QString sqlText() const;

    // Counts now (skips the debounce).
    void recount();

signals:
    // A count (or an error) for the rule on screen arrived.
    void counted();
    void edited();

private:
    void scheduleCount();
    void onCounted();
    void updateKind();

    QString m_path;
    QString m_id;
    std::optional<qint64> m_now;
    std::optional<qint64> m_count;
    bool m_counting = false;
    bool m_pending = false;
    quint64 m_generation = 0;
    quint64 m_shownGeneration = 0;

    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_type;
    QComboBox *m_zone;
    QLabel *m_kindHelp;
    RulesEditor *m_rules;
    QLabel *m_countLabel;
    QTableWidget *m_preview;
    QPlainTextEdit *m_sql;
    QTimer *m_debounce;
    QFutureWatcher<Result<Store::SegmentTasks::LiveCount>> *m_watcher;
    BackgroundTasks m_tasks; // last
};

} // namespace PromoDesk::Ui
