#include "QuotedInput.h"

namespace cabinet {

namespace {

bool needsEscape(char32_t c)
{
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
        return true; // C0, DEL, C1: what a terminal acts on
    if (c >= 0xd800 && c <= 0xdfff)
        return true; // a lone surrogate (a pair arrives here as one code point)
    switch (QChar::category(c)) {
    case QChar::Other_Format:       // U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, ...
    case QChar::Separator_Line:     // U+2028
    case QChar::Separator_Paragraph: // U+2029
        return true;
    default:
        return false;
    }
}

void appendEscaped(QString &out, char32_t c, QChar quote)
{
    switch (c) {
    case U'\\': out += QLatin1String("\\\\"); return;
    case U'\n': out += QLatin1String("\\n"); return;
    case U'\r': out += QLatin1String("\\r"); return;
    case U'\t': out += QLatin1String("\\t"); return;
    case U'\0': out += QLatin1String("\\0"); return;
    default: break;
    }
    if (!quote.isNull() && c == quote.unicode()) {
        out += u'\\';
        out += quote;
        return;
    }
    if (!needsEscape(c)) {
        out += QString::fromUcs4(&c, 1);
        return;
    }
    if (c < 0x80)
        out += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
    else
        out += QStringLiteral("\\u{%1}").arg(uint(c), 4, 16, QLatin1Char('0'));
}

// Escapes the code points of `text`, at most `limit` of them (negative: all);
// returns how many code points `text` holds in all.
qsizetype escapeInto(QString &out, QStringView text, QChar quote, qsizetype limit)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i, ++count) {
        char32_t c = text[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < text.size() && QChar::isLowSurrogate(text[i + 1].unicode())) {
            c = QChar::surrogateToUcs4(text[i], text[i + 1]);
            ++i;
        }
        if (limit < 0 || count < limit)
            appendEscaped(out, c, quote);
    }
    return count;
}

} // namespace

QString escapeInput(QStringView text)
{
    QString out;
    out.reserve(text.size());
    escapeInto(out, text, QChar(), -1);
    return out;
}

QString quoteInput(QStringView text, QChar quote)
{
    QString out;
    out += quote;
    // Counting the rest is linear and prints nothing: the length said is the
    // value's real one.
    const qsizetype count = escapeInto(out, text, quote, QuotedInputMaxChars);
    if (count > QuotedInputMaxChars)
        out += QLatin1String("...");
    out += quote;
    if (count > QuotedInputMaxChars)
        out += QStringLiteral(" (%1 characters in all)").arg(count);
    return out;
}

} // namespace cabinet
