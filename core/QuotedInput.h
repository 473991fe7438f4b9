#pragma once

#include <QString>
#include <QStringView>

namespace cabinet {

// How much of a value an error message quotes back, in characters (code
// points) of the value. Enough to recognise what was typed; a 10 MB number
// or a pasted file is cut here instead of being printed whole to stderr.
inline constexpr qsizetype QuotedInputMaxChars = 64;

// Text a user gave (a command-line argument, a config.yaml key or value, a
// JSON field or value), made safe to print: control characters (ESC, NUL,
// newlines, DEL, C1), Unicode format characters (bidi overrides, zero
// widths), line and paragraph separators and lone surrogates are written as
// escapes (\n, \t, \r, \0, \x1b, \u{202e}), and a backslash as \\, so a
// terminal shows exactly what was there and nothing reaches it as a command.
// Nothing is cut: for output that is the answer (config list), not an error.
QString escapeInput(QStringView text);

// `text` escaped as above and quoted with `quote` for an error message, cut
// after QuotedInputMaxChars characters with the whole length said:
//   'abc'    'aaaa...' (10485760 characters in all)
// A `quote` inside the text is escaped too, so the quoted part is
// unambiguous. The one helper every error message uses for user input.
QString quoteInput(QStringView text, QChar quote = u'\'');

} // namespace cabinet
