#pragma once

#include "common/result.h"

#include <QRandomGenerator>
#include <QSet>
#include <QString>

namespace PromoDesk::Engine {

// Voucherify's code_config: a pattern with '#' placeholders (or `length` random
// characters), drawn from `charset`, between `prefix` and `postfix`.
struct CodeConfig
{
    QString pattern;  // e.g. "PET-####-##"; when empty, `length` placeholders
    int length = 8;
    QString charset = QStringLiteral("alphanumeric"); // a named set or the characters themselves
    QString prefix;
    QString postfix;

    bool operator==(const CodeConfig &) const = default;
};

enum class CodeCase { AsIs, Upper, Lower }; // the workspace's code_case setting

// What a request for `count` codes would use of the code space.
struct CodePlan
{
    int randomPositions = 0;
    QString alphabet;       // the distinct characters, after case normalisation
    double space = 0;       // alphabet.size() ^ randomPositions (saturates at ~1e308)
    qint64 count = 0;
    bool warning = false;   // the request takes more than half of the space
    QString message;        // why it warns
};

// Checks a configuration and a request against the code space: an empty charset,
// a pattern without '#', a request larger than the space, are errors; above half
// of the space it warns (later codes become slow to find and easy to guess).
Result<CodePlan> planCodes(const CodeConfig &config, qint64 count, CodeCase codeCase = CodeCase::Upper);

// The characters of a named charset ("alphanumeric", "alphabetic", "numbers",
// "alphabetic_lowercase", "alphabetic_uppercase"), or `charset` itself.
QString charsetCharacters(const QString &charset);

// Draws codes from a plan with the system's cryptographic random source, so that
// knowing some codes says nothing about the others. Unique within one generator;
// the store's UNIQUE index catches clashes with codes already in the workspace.
class CodeGenerator
{
public:
    CodeGenerator(const CodeConfig &config, const CodePlan &plan, CodeCase codeCase);

    // The next code not drawn before by this generator.
    QString next();

private:
    QString draw();
    int randomIndex();

    QString m_template;   // prefix + pattern + postfix, '#' marks a random position
    QString m_alphabet;
    CodeCase m_case;
    QSet<QString> m_drawn;
    QRandomGenerator *m_random;
    QByteArray m_buffer; // random bytes from the system source, consumed from m_used
    qsizetype m_used;
};

QString normaliseCode(const QString &code, CodeCase codeCase);

} // namespace PromoDesk::Engine
