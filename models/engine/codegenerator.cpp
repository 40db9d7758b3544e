#include "codegenerator.h"

#include <algorithm>

#include <cmath>

namespace PromoDesk::Engine {

QString charsetCharacters(const QString &charset)
{
    const QString digits = QStringLiteral("0123456789");
    const QString lower = QStringLiteral("abcdefghijklmnopqrstuvwxyz");
    const QString upper = lower.toUpper();
    const QString name = charset.trimmed().toLower().replace(QLatin1Char(' '), QLatin1Char('_'));
    if (name == QLatin1String("alphanumeric"))
        return digits + lower + upper;
    if (name == QLatin1String("alphabetic"))
        return lower + upper;
    if (name == QLatin1String("numbers"))
        return digits;
    if (name == QLatin1String("alphabetic_lowercase"))
        return lower;
    if (name == QLatin1String("alphabetic_uppercase"))
        return upper;
    return charset;
}

QString normaliseCode(const QString &code, CodeCase codeCase)
{
    switch (codeCase) {
    case CodeCase::Upper: return code.toUpper();
    case CodeCase::Lower: return code.toLower();
    case CodeCase::AsIs: return code;
    }
    return code;
}

namespace {

QString templateOf(const CodeConfig &config)
{
    const QString body = config.pattern.isEmpty() ? QString(config.length, QLatin1Char('#')) : config.pattern;
    return config.prefix + body + config.postfix;
}

} // namespace

Result<CodePlan> planCodes(const CodeConfig &config, qint64 count, CodeCase codeCase)
{
    CodePlan plan;
    plan.count = count;
    if (count < 0)
        return Error{QStringLiteral("the number of codes cannot be negative"), QStringLiteral("count")};
    if (config.pattern.isEmpty() && (config.length < 1 || config.length > 64))
        return Error{QStringLiteral("length must be between 1 and 64, not %1").arg(config.length),
                     QStringLiteral("code_config.length")};
    // Normalising the case can merge characters ("aA" is one character in upper case).
    const QString characters = normaliseCode(charsetCharacters(config.charset), codeCase);
    for (QChar c : characters) {
        if (c == QLatin1Char('#'))
            return Error{QStringLiteral("the charset cannot contain '#', which marks a random position"),
                         QStringLiteral("code_config.charset")};
        if (!c.isPrint() || c.isSpace())
            return Error{QStringLiteral("the charset may only contain visible characters"), QStringLiteral("code_config.charset")};
        if (!plan.alphabet.contains(c))
            plan.alphabet += c;
    }
    if (plan.alphabet.isEmpty())
        return Error{QStringLiteral("the charset is empty"), QStringLiteral("code_config.charset")};
    plan.randomPositions = int(templateOf(config).count(QLatin1Char('#')));
    if (plan.randomPositions == 0)
        return Error{QStringLiteral("the pattern has no '#' placeholder, so every code would be the same"),
                     QStringLiteral("code_config.pattern")};
    plan.space = std::pow(double(plan.alphabet.size()), double(plan.randomPositions));
    if (double(count) > plan.space)
        return Error{QStringLiteral("%1 codes were asked for, but the pattern allows only %2 (%3 characters, %4 random "
                                    "positions); lengthen the pattern or widen the charset")
                         .arg(count)
                         .arg(qint64(plan.space))
                         .arg(plan.alphabet.size())
                         .arg(plan.randomPositions),
                     QStringLiteral("count")};
    if (double(count) > plan.space / 2) {
        plan.warning = true;
        plan.message = QStringLiteral("%1 codes use %2 % of the %3 possible: codes become easy to guess")
                           .arg(count)
                           .arg(int(std::round(100.0 * double(count) / plan.space)))
                           .arg(qint64(plan.space));
    }
    return plan;
}

CodeGenerator::CodeGenerator(const CodeConfig &config, const CodePlan &plan, CodeCase codeCase)
    : m_template(normaliseCode(config.prefix, codeCase) + (config.pattern.isEmpty() ? QString(config.length, QLatin1Char('#'))
                                                                                     : normaliseCode(config.pattern, codeCase))
                 + normaliseCode(config.postfix, codeCase)),
      m_alphabet(plan.alphabet), m_case(codeCase), m_random(QRandomGenerator::system()),
      // About what the planned codes need (twice over, for skipped bytes), at most 64 KiB:
      // the system source can cost microseconds per word, so one code must not pay for 64 KiB.
      m_buffer(qsizetype(std::clamp<double>(double(plan.count) * plan.randomPositions * 2.0, 64.0, 65536.0)) & ~qsizetype(3), '\0'),
      m_used(m_buffer.size())
{
}

// One unbiased index into the alphabet from the buffered system randomness: bytes
// at or above the largest multiple of the alphabet's size are skipped.
int CodeGenerator::randomIndex()
{
    const int size = int(m_alphabet.size());
    const int limit = size > 256 ? 0 : 256 - 256 % size;
    while (true) {
        if (m_used == m_buffer.size()) {
            // One call to the system's cryptographic source per buffer, not per character.
            m_random->fillRange(reinterpret_cast<quint32 *>(m_buffer.data()), m_buffer.size() / 4);
            m_used = 0;
        }
        if (size > 256) { // a very wide charset: two bytes per draw
            if (m_used + 2 > m_buffer.size()) {
                m_used = m_buffer.size();
                continue;
            }
            const int value = (quint8(m_buffer[m_used]) << 8) | quint8(m_buffer[m_used + 1]);
            m_used += 2;
            if (value < 65536 - 65536 % size)
                return value % size;
            continue;
        }
        const int value = quint8(m_buffer[m_used++]);
        if (value < limit)
            return value % size;
    }
}

QString CodeGenerator::draw()
{
    QString code = m_template;
    for (QChar &c : code) {
        if (c == QLatin1Char('#'))
            c = m_alphabet[randomIndex()];
    }
    return code;
}

QString CodeGenerator::next()
{
    // Rejection sampling: at most half of the space is taken without a warning, so
    // a draw succeeds with probability >= 1/2.
    while (true) {
        QString code = draw();
        if (!m_drawn.contains(code)) {
            m_drawn.insert(code);
            return code;
        }
    }
}

} // namespace PromoDesk::Engine
