#include "syntax.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

#include <charconv>
#include <cmath>

namespace PromoDesk::Rules {

// ---------------------------------------------------------------- operators

QString operatorText(Operator op)
{
    switch (op) {
    case Operator::Is: return QStringLiteral("is");
    case Operator::IsNot: return QStringLiteral("is not");
    case Operator::In: return QStringLiteral("in");
    case Operator::NotIn: return QStringLiteral("not in");
    case Operator::Less: return QStringLiteral("<");
    case Operator::LessOrEqual: return QStringLiteral("<=");
    case Operator::Greater: return QStringLiteral(">");
    case Operator::GreaterOrEqual: return QStringLiteral(">=");
    case Operator::Between: return QStringLiteral("between");
    case Operator::Contains: return QStringLiteral("contains");
    case Operator::StartsWith: return QStringLiteral("starts with");
    case Operator::EndsWith: return QStringLiteral("ends with");
    case Operator::HasValue: return QStringLiteral("has value");
    case Operator::IsUnknown: return QStringLiteral("is unknown");
    case Operator::Before: return QStringLiteral("before");
    case Operator::After: return QStringLiteral("after");
    case Operator::WithinLastDays: return QStringLiteral("within last");
    case Operator::MoreThanDaysAgo: return QStringLiteral("more than");
    case Operator::SameDayOfYear: return QStringLiteral("same day of year");
    }
    return {};
}

QString operatorKey(Operator op)
{
    switch (op) {
    case Operator::Is: return QStringLiteral("is");
    case Operator::IsNot: return QStringLiteral("is_not");
    case Operator::In: return QStringLiteral("in");
    case Operator::NotIn: return QStringLiteral("not_in");
    case Operator::Less: return QStringLiteral("less_than");
    case Operator::LessOrEqual: return QStringLiteral("less_than_or_equal");
    case Operator::Greater: return QStringLiteral("more_than");
    case Operator::GreaterOrEqual: return QStringLiteral("more_than_or_equal");
    case Operator::Between: return QStringLiteral("between");
    case Operator::Contains: return QStringLiteral("contains");
    case Operator::StartsWith: return QStringLiteral("starts_with");
    case Operator::EndsWith: return QStringLiteral("ends_with");
    case Operator::HasValue: return QStringLiteral("has_value");
    case Operator::IsUnknown: return QStringLiteral("is_unknown");
    case Operator::Before: return QStringLiteral("before");
    case Operator::After: return QStringLiteral("after");
    case Operator::WithinLastDays: return QStringLiteral("within_last_days");
    case Operator::MoreThanDaysAgo: return QStringLiteral("more_than_days_ago");
    case Operator::SameDayOfYear: return QStringLiteral("same_day_of_year");
    }
    return {};
}

int operandCount(Operator op)
{
    switch (op) {
    case Operator::HasValue:
    case Operator::IsUnknown:
    case Operator::SameDayOfYear:
        return 0;
    case Operator::Between:
        return 2;
    case Operator::In:
    case Operator::NotIn:
        return -1; // any number, a list
    default:
        return 1;
    }
}

Node Node::makeCondition(Condition c, Position p)
{
    Node n;
    n.kind = Kind::Condition;
    n.condition = std::move(c);
    n.position = p;
    return n;
}

Node Node::makeGroup(Kind kind, std::vector<Node> children, Position p)
{
    Node n;
    n.kind = kind;
    n.children = std::move(children);
    n.position = p;
    return n;
}

namespace {

// ---------------------------------------------------------------- lexer

struct Token
{
    enum class Kind { End, Word, String, Number, Date, Symbol };
    Kind kind = Kind::End;
    QString text;   // the word, the symbol, the string's value, the number's spelling
    Value value;    // Number / Date / String
    Position position;
};

QString describe(const Token &t)
{
    switch (t.kind) {
    case Token::Kind::End: return QStringLiteral("the end of the rule");
    case Token::Kind::String: return QStringLiteral("the string \"%1\"").arg(t.text);
    default: return QStringLiteral("\"%1\"").arg(t.text);
    }
}

class Lexer
{
public:
    explicit Lexer(const QString &text) : m_text(text) {}

    Result<QList<Token>> run()
    {
        QList<Token> tokens;
        while (true) {
            skipSpace();
            Token t;
            t.position = {m_line, m_column};
            if (m_at >= m_text.size()) {
                tokens.append(t);
                return tokens;
            }
            const QChar c = m_text[m_at];
            if (c == QLatin1Char('"')) {
                auto s = readString(t.position);
                if (!s)
                    return s.error();
                t.kind = Token::Kind::String;
                t.text = s.value();
                t.value = Value::string(s.value());
            } else if (c.isDigit() || (c == QLatin1Char('-') && peek(1).isDigit())) {
                if (Status s = readNumberOrDate(t); !s)
                    return s.error();
            } else if (c.isLetter() || c == QLatin1Char('_')) {
                t.kind = Token::Kind::Word;
                const int start = m_at;
                while (m_at < m_text.size() && (m_text[m_at].isLetterOrNumber() || m_text[m_at] == QLatin1Char('_')
                                                || (m_text[m_at] == QLatin1Char('.') && peek(1).isLetterOrNumber())
                                                || (m_text[m_at] == QLatin1Char('.') && peek(1) == QLatin1Char('_'))))
                    advance();
                t.text = m_text.mid(start, m_at - start);
            } else {
                t.kind = Token::Kind::Symbol;
                for (const char *symbol : {"<=", ">=", "!=", "(", ")", "[", "]", ",", ":", "<", ">", "="}) {
                    const QLatin1String s(symbol);
                    if (QStringView(m_text).mid(m_at).startsWith(s)) {
                        t.text = s;
                        for (int i = 0; i < s.size(); ++i)
                            advance();
                        break;
                    }
                }
                if (t.text.isEmpty())
                    return error(t.position, QStringLiteral("unexpected character \"%1\"").arg(c));
            }
            tokens.append(t);
        }
    }

private:
    QChar peek(int ahead) const
    {
        return m_at + ahead < m_text.size() ? m_text[m_at + ahead] : QChar();
    }
    void advance()
    {
        if (m_text[m_at] == QLatin1Char('\n')) {
            ++m_line;
            m_column = 1;
        } else {
            ++m_column;
        }
        ++m_at;
    }
    void skipSpace()
    {
        while (m_at < m_text.size()) {
            if (m_text[m_at].isSpace()) {
                advance();
            } else if (m_text[m_at] == QLatin1Char('#')) { // a comment to the end of the line
                while (m_at < m_text.size() && m_text[m_at] != QLatin1Char('\n'))
                    advance();
            } else {
                break;
            }
        }
    }
    static Error error(Position p, const QString &message) { return Error{message, {}, p.line, p.column}; }

    Result<QString> readString(Position start)
    {
        advance(); // "
        QString out;
        while (m_at < m_text.size()) {
            const QChar c = m_text[m_at];
            if (c == QLatin1Char('"')) {
                advance();
                return out;
            }
            if (c == QLatin1Char('\n'))
                break;
            if (c == QLatin1Char('\\')) {
                const Position escape{m_line, m_column};
                advance();
                if (m_at >= m_text.size())
                    break;
                const QChar e = m_text[m_at];
                advance();
                if (e == QLatin1Char('"') || e == QLatin1Char('\\'))
                    out += e;
                else if (e == QLatin1Char('n'))
                    out += QLatin1Char('\n');
                else if (e == QLatin1Char('t'))
                    out += QLatin1Char('\t');
                else
                    return error(escape, QStringLiteral("unknown escape \"\\%1\" in a string (use \\\" \\\\ \\n or \\t)").arg(e));
                continue;
            }
            out += c;
            advance();
        }
        return error(start, QStringLiteral("a string is not closed (expected \" before the end of the line)"));
    }

    Status readNumberOrDate(Token &t)
    {
        static const QRegularExpression date(QStringLiteral(
            R"(\G\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?)"));
        static const QRegularExpression number(QStringLiteral(R"(\G-?\d+(\.\d+)?)"));
        const QRegularExpressionMatch d = date.match(m_text, m_at);
        if (d.hasMatch()) {
            const QString spelling = d.captured(0);
            const std::optional<qint64> when = parseDateTime(spelling);
            if (!when)
                return error(t.position, QStringLiteral("\"%1\" is not a valid date").arg(spelling));
            t.kind = Token::Kind::Date;
            t.text = spelling;
            t.value = Value::dateTime(*when);
            for (int i = 0; i < spelling.size(); ++i)
                advance();
            return {};
        }
        const QRegularExpressionMatch n = number.match(m_text, m_at);
        const QString spelling = n.captured(0);
        bool ok = false;
        const double value = spelling.toDouble(&ok);
        if (!ok || !std::isfinite(value))
            return error(t.position, QStringLiteral("\"%1\" is not a number").arg(spelling));
        t.kind = Token::Kind::Number;
        t.text = spelling;
        t.value = Value::number(value);
        for (int i = 0; i < spelling.size(); ++i)
            advance();
        if (m_at < m_text.size() && (m_text[m_at].isLetter() || m_text[m_at] == QLatin1Char('_')))
            return error(Position{m_line, m_column}, QStringLiteral("expected a space after the number %1").arg(spelling));
        return {};
    }

    const QString &m_text;
    int m_at = 0;
    int m_line = 1;
    int m_column = 1;
};

// ---------------------------------------------------------------- parser

constexpr int MaxDepth = 200; // nesting deeper than any person writes; keeps the stack safe
constexpr int MaxDays = 100'000; // 270 years: any real window, and no overflow in milliseconds

class Parser
{
public:
    explicit Parser(QList<Token> tokens) : m_tokens(std::move(tokens)) {}

    Result<Node> run()
    {
        auto node = parseOr(0);
        if (!node)
            return node;
        if (current().kind != Token::Kind::End)
            return expected(QStringLiteral("\"and\", \"or\" or the end of the rule"));
        return node;
    }

private:
    const Token &current() const { return m_tokens[m_at]; }
    const Token &ahead(int n) const { return m_tokens[std::min(m_at + n, int(m_tokens.size()) - 1)]; }
    bool isWord(const char *word, int n = 0) const
    {
        const Token &t = ahead(n);
        return t.kind == Token::Kind::Word && t.text == QLatin1String(word);
    }
    bool isSymbol(const char *symbol) const
    {
        return current().kind == Token::Kind::Symbol && current().text == QLatin1String(symbol);
    }
    Error expected(const QString &what) const
    {
        const Token &t = current();
        return Error{QStringLiteral("expected %1, found %2").arg(what, describe(t)), {}, t.position.line, t.position.column};
    }
    Status expectWord(const char *word)
    {
        if (!isWord(word))
            return expected(QStringLiteral("\"%1\"").arg(QLatin1String(word)));
        ++m_at;
        return {};
    }
    Status expectSymbol(const char *symbol)
    {
        if (!isSymbol(symbol))
            return expected(QStringLiteral("\"%1\"").arg(QLatin1String(symbol)));
        ++m_at;
        return {};
    }

    Result<Node> parseOr(int depth)
    {
        const Position start = current().position;
        auto first = parseAnd(depth);
        if (!first)
            return first;
        std::vector<Node> parts{std::move(first).value()};
        while (isWord("or")) {
            ++m_at;
            auto next = parseAnd(depth);
            if (!next)
                return next;
            parts.push_back(std::move(next).value());
        }
        return parts.size() == 1 ? std::move(parts.front()) : Node::makeGroup(Node::Kind::Or, std::move(parts), start);
    }

    Result<Node> parseAnd(int depth)
    {
        const Position start = current().position;
        auto first = parseUnary(depth);
        if (!first)
            return first;
        std::vector<Node> parts{std::move(first).value()};
        while (isWord("and")) {
            ++m_at;
            auto next = parseUnary(depth);
            if (!next)
                return next;
            parts.push_back(std::move(next).value());
        }
        return parts.size() == 1 ? std::move(parts.front()) : Node::makeGroup(Node::Kind::And, std::move(parts), start);
    }

    Result<Node> parseUnary(int depth)
    {
        if (depth > MaxDepth)
            return Error{QStringLiteral("the rule is nested too deeply (more than %1 levels)").arg(MaxDepth), {},
                         current().position.line, current().position.column};
        const Position start = current().position;
        if (isWord("not")) {
            ++m_at;
            auto inner = parseUnary(depth + 1);
            if (!inner)
                return inner;
            return Node::makeGroup(Node::Kind::Not, {std::move(inner).value()}, start);
        }
        if (isSymbol("(")) {
            ++m_at;
            auto inner = parseOr(depth + 1);
            if (!inner)
                return inner;
            if (Status s = expectSymbol(")"); !s)
                return s.error();
            return inner;
        }
        if ((isWord("any") || isWord("every") || isWord("none")) && isWord("item", 1)) {
            const Node::Kind kind = isWord("any") ? Node::Kind::AnyItem
                                   : isWord("every") ? Node::Kind::EveryItem
                                                     : Node::Kind::NoItem;
            m_at += 2;
            if (Status s = expectSymbol("("); !s)
                return s.error();
            auto inner = parseOr(depth + 1);
            if (!inner)
                return inner;
            if (Status s = expectSymbol(")"); !s)
                return s.error();
            return Node::makeGroup(kind, {std::move(inner).value()}, start);
        }
        return parseCondition();
    }

    Result<Value> parseLiteral()
    {
        const Token &t = current();
        switch (t.kind) {
        case Token::Kind::String:
        case Token::Kind::Number:
        case Token::Kind::Date:
            ++m_at;
            return t.value;
        case Token::Kind::Word:
            if (t.text == QLatin1String("true") || t.text == QLatin1String("false")) {
                ++m_at;
                return Value::boolean(t.text == QLatin1String("true"));
            }
            break;
        default:
            break;
        }
        return expected(QStringLiteral("a value (a \"string\", a number, a date YYYY-MM-DD, true or false)"));
    }

    Result<QList<Value>> parseList()
    {
        if (Status s = expectSymbol("["); !s)
            return s.error();
        QList<Value> values;
        if (isSymbol("]")) {
            ++m_at;
            return values;
        }
        while (true) {
            auto v = parseLiteral();
            if (!v)
                return v.error();
            values.append(v.value());
            if (isSymbol(",")) {
                ++m_at;
                continue;
            }
            if (Status s = expectSymbol("]"); !s)
                return Error{expected(QStringLiteral("\",\" or \"]\"")).message, {}, current().position.line,
                             current().position.column};
            return values;
        }
    }

    Result<qint64> parseDays()
    {
        const Token &t = current();
        if (t.kind != Token::Kind::Number || t.value.asNumber() < 0 || std::floor(t.value.asNumber()) != t.value.asNumber())
            return expected(QStringLiteral("a whole number of days"));
        if (t.value.asNumber() > MaxDays)
            return expected(QStringLiteral("at most %1 days").arg(MaxDays));
        ++m_at;
        return qint64(t.value.asNumber());
    }

    Result<Node> parseCondition()
    {
        const Token &attribute = current();
        if (attribute.kind != Token::Kind::Word || isWord("and") || isWord("or"))
            return expected(QStringLiteral("a condition (an attribute such as customer.country), \"not\" or \"(\""));
        ++m_at;
        Condition c;
        c.attribute = attribute.text;
        if (isSymbol("(")) {
            ++m_at;
            while (true) {
                const Token &name = current();
                if (name.kind != Token::Kind::Word)
                    return expected(QStringLiteral("an argument name (e.g. sku, category, days)"));
                ++m_at;
                if (Status s = expectSymbol(":"); !s)
                    return s.error();
                auto v = parseLiteral();
                if (!v)
                    return v.error();
                c.arguments.append({name.text, v.value()});
                if (isSymbol(",")) {
                    ++m_at;
                    continue;
                }
                if (Status s = expectSymbol(")"); !s)
                    return s.error();
                break;
            }
        }
        if (Status s = parsePredicate(c); !s)
            return s.error();
        return Node::makeCondition(std::move(c), attribute.position);
    }

    Status single(Condition &c, Operator op)
    {
        c.op = op;
        auto v = parseLiteral();
        if (!v)
            return v.error();
        c.operands = {v.value()};
        return {};
    }

    Status parsePredicate(Condition &c)
    {
        if (isWord("is")) {
            ++m_at;
            if (isWord("unknown")) {
                ++m_at;
                c.op = Operator::IsUnknown;
                return {};
            }
            if (isWord("not")) {
                ++m_at;
                return single(c, Operator::IsNot);
            }
            return single(c, Operator::Is);
        }
        if (isSymbol("="))
            return ++m_at, single(c, Operator::Is);
        if (isSymbol("!="))
            return ++m_at, single(c, Operator::IsNot);
        if (isSymbol("<"))
            return ++m_at, single(c, Operator::Less);
        if (isSymbol("<="))
            return ++m_at, single(c, Operator::LessOrEqual);
        if (isSymbol(">"))
            return ++m_at, single(c, Operator::Greater);
        if (isSymbol(">="))
            return ++m_at, single(c, Operator::GreaterOrEqual);
        if (isWord("in") || (isWord("not") && isWord("in", 1))) {
            c.op = isWord("in") ? Operator::In : Operator::NotIn;
            m_at += c.op == Operator::In ? 1 : 2;
            auto list = parseList();
            if (!list)
                return list.error();
            c.operands = list.value();
            return {};
        }
        if (isWord("has") && isWord("value", 1)) {
            m_at += 2;
            c.op = Operator::HasValue;
            return {};
        }
        if (isWord("between")) {
            ++m_at;
            c.op = Operator::Between;
            auto low = parseLiteral();
            if (!low)
                return low.error();
            if (Status s = expectWord("and"); !s)
                return s;
            auto high = parseLiteral();
            if (!high)
                return high.error();
            c.operands = {low.value(), high.value()};
            return {};
        }
        if (isWord("contains"))
            return ++m_at, single(c, Operator::Contains);
        if ((isWord("starts") || isWord("ends")) && isWord("with", 1)) {
            const Operator op = isWord("starts") ? Operator::StartsWith : Operator::EndsWith;
            m_at += 2;
            return single(c, op);
        }
        if (isWord("before"))
            return ++m_at, single(c, Operator::Before);
        if (isWord("after"))
            return ++m_at, single(c, Operator::After);
        if (isWord("within")) {
            ++m_at;
            if (Status s = expectWord("last"); !s)
                return s;
            auto days = parseDays();
            if (!days)
                return days.error();
            if (Status s = expectWord("days"); !s)
                return s;
            c.op = Operator::WithinLastDays;
            c.operands = {Value::number(double(days.value()))};
            return {};
        }
        if (isWord("more") && isWord("than", 1)) {
            m_at += 2;
            auto days = parseDays();
            if (!days)
                return days.error();
            if (Status s = expectWord("days"); !s)
                return s;
            if (Status s = expectWord("ago"); !s)
                return s;
            c.op = Operator::MoreThanDaysAgo;
            c.operands = {Value::number(double(days.value()))};
            return {};
        }
        if (isWord("same") && isWord("day", 1)) {
            m_at += 2;
            if (Status s = expectWord("of"); !s)
                return s;
            if (Status s = expectWord("year"); !s)
                return s;
            c.op = Operator::SameDayOfYear;
            return {};
        }
        return expected(QStringLiteral("an operator after %1 (is, is not, in, not in, <, <=, >, >=, between, contains, "
                                       "starts with, ends with, has value, is unknown, before, after, within last N "
                                       "days, more than N days ago, same day of year)")
                            .arg(c.attribute));
    }

    QList<Token> m_tokens;
    int m_at = 0;
};

// ---------------------------------------------------------------- printer

// The shortest text that reads back as the same double, in plain notation (the
// syntax has no exponents): 0.1, 12, 6666666666666667000000000000000000.
QString printNumber(double value)
{
    char buffer[400];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    return QString::fromLatin1(buffer, int(result.ptr - buffer));
}

QString quote(const QString &s)
{
    QString out = QStringLiteral("\"");
    for (QChar c : s) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\') + c;
        else if (c == QLatin1Char('\n'))
            out += QStringLiteral("\\n");
        else if (c == QLatin1Char('\t'))
            out += QStringLiteral("\\t");
        else
            out += c;
    }
    return out + QLatin1Char('"');
}

int precedence(Node::Kind kind)
{
    switch (kind) {
    case Node::Kind::Or: return 1;
    case Node::Kind::And: return 2;
    default: return 3;
    }
}

QString printNode(const Node &node, int parentPrecedence)
{
    QString out;
    switch (node.kind) {
    case Node::Kind::Condition: {
        const Condition &c = node.condition;
        out = c.attribute;
        if (!c.arguments.isEmpty()) {
            QStringList args;
            for (const Argument &a : c.arguments)
                args << a.name + QStringLiteral(": ") + printValue(a.value);
            out += QLatin1Char('(') + args.join(QStringLiteral(", ")) + QLatin1Char(')');
        }
        out += QLatin1Char(' ') + operatorText(c.op);
        if (c.op == Operator::In || c.op == Operator::NotIn) {
            QStringList items;
            for (const Value &v : c.operands)
                items << printValue(v);
            out += QStringLiteral(" [") + items.join(QStringLiteral(", ")) + QLatin1Char(']');
        } else if (c.op == Operator::Between && c.operands.size() == 2) {
            out += QLatin1Char(' ') + printValue(c.operands[0]) + QStringLiteral(" and ") + printValue(c.operands[1]);
        } else if (c.op == Operator::WithinLastDays && c.operands.size() == 1) {
            out += QLatin1Char(' ') + printValue(c.operands[0]) + QStringLiteral(" days");
        } else if (c.op == Operator::MoreThanDaysAgo && c.operands.size() == 1) {
            out += QLatin1Char(' ') + printValue(c.operands[0]) + QStringLiteral(" days ago");
        } else {
            for (const Value &v : c.operands)
                out += QLatin1Char(' ') + printValue(v);
        }
        return out;
    }
    case Node::Kind::Not:
        return QStringLiteral("not ") + printNode(node.children.front(), 3);
    case Node::Kind::AnyItem:
    case Node::Kind::EveryItem:
    case Node::Kind::NoItem: {
        const QString word = node.kind == Node::Kind::AnyItem ? QStringLiteral("any")
                             : node.kind == Node::Kind::EveryItem ? QStringLiteral("every")
                                                                   : QStringLiteral("none");
        return word + QStringLiteral(" item (") + printNode(node.children.front(), 0) + QLatin1Char(')');
    }
    case Node::Kind::And:
    case Node::Kind::Or: {
        const int mine = precedence(node.kind);
        QStringList parts;
        for (const Node &child : node.children)
            // A nested group of the same kind keeps its parentheses so the tree survives a round trip.
            parts << printNode(child, child.kind == node.kind ? mine + 1 : mine);
        out = parts.join(node.kind == Node::Kind::And ? QStringLiteral(" and ") : QStringLiteral(" or "));
        return mine < parentPrecedence ? QLatin1Char('(') + out + QLatin1Char(')') : out;
    }
    }
    return out;
}

} // namespace

std::optional<qint64> parseDateTime(const QString &text)
{
    const QDateTime when = text.size() == 10 ? QDateTime(QDate::fromString(text, Qt::ISODate), QTime(0, 0), QTimeZone::utc())
                                             : QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!when.isValid())
        return std::nullopt;
    return when.toMSecsSinceEpoch();
}

QString formatDateTime(qint64 ms)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    return when.toString(when.time().msec() ? QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")
                                            : QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

QString printValue(const Value &value)
{
    if (value.isUnknown() || !value.type())
        return QStringLiteral("unknown");
    switch (*value.type()) {
    case Type::String: return quote(value.asString());
    case Type::Number: return printNumber(value.asNumber());
    case Type::Money: {
        const qint64 cents = value.asInteger();
        const quint64 magnitude = cents < 0 ? quint64(0) - quint64(cents) : quint64(cents);
        return QStringLiteral("%1%2.%3")
            .arg(cents < 0 ? QStringLiteral("-") : QString())
            .arg(magnitude / 100)
            .arg(magnitude % 100, 2, 10, QLatin1Char('0'));
    }
    case Type::DateTime: {
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(value.asInteger(), QTimeZone::utc());
        if (when.time() == QTime(0, 0))
            return when.date().toString(Qt::ISODate);
        return formatDateTime(value.asInteger());
    }
    case Type::Bool: return value.asBool() ? QStringLiteral("true") : QStringLiteral("false");
    case Type::List: {
        QStringList items;
        for (const QString &s : value.asList())
            items << quote(s);
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    }
    return {};
}

Result<Node> parse(const QString &text)
{
    auto tokens = Lexer(text).run();
    if (!tokens)
        return tokens.error();
    return Parser(std::move(tokens).value()).run();
}

QString print(const Node &node)
{
    return printNode(node, 0);
}

} // namespace PromoDesk::Rules
