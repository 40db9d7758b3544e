#pragma once

#include "rules/ast.h"

#include <QRandomGenerator>

namespace PromoDesk::Rules::Testing {

// Random, well-typed rules over the whole attribute registry, for round-trip and
// (later) differential tests. Deterministic for a given seed.
class RandomRules
{
public:
    explicit RandomRules(quint32 seed) : m_random(seed) {}

    // Rules a segment can use (customer, history and time attributes only), with
    // values drawn near the differential test's data (small counts, amounts up to
    // 500.00, dates within 400 days of `now`).
    void setSegmentMode(qint64 now)
    {
        m_segmentMode = true;
        m_now = now;
    }

    Node rule(int depth = 3);
    Value valueOf(Type type);
    QString randomString();

private:
    Node condition(bool inItem);
    int below(int n) { return int(m_random.bounded(n)); }

    QRandomGenerator m_random;
    bool m_segmentMode = false;
    qint64 m_now = 0;
};

} // namespace PromoDesk::Rules::Testing
