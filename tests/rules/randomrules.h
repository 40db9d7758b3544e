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

    Node rule(int depth = 3);
    Value valueOf(Type type);
    QString randomString();

private:
    Node condition(bool inItem);
    int below(int n) { return int(m_random.bounded(n)); }

    QRandomGenerator m_random;
};

} // namespace PromoDesk::Rules::Testing
