#include "QuotedInput.h"

#include <QTest>

using namespace cabinet;

class TestQuotedInput : public QObject {
    Q_OBJECT

    // True when `text` holds nothing a terminal acts on or that breaks a line.
    static bool printable(const QString &text)
    {
        if (!text.isValidUtf16())
            return false; // a lone surrogate
        for (const char32_t u : text.toUcs4()) {
            const auto category = QChar::category(u);
            if (u < 0x20 || u == 0x7f || (u >= 0x80 && u <= 0x9f) || category == QChar::Other_Format
                || category == QChar::Separator_Line || category == QChar::Separator_Paragraph)
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void escapes_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("escaped");
        QTest::newRow("plain") << QStringLiteral("log.level") << QStringLiteral("log.level");
        QTest::newRow("ESC") << QStringLiteral("\x1b[31mred") << QStringLiteral("\\x1b[31mred");
        QTest::newRow("NUL") << QString(QChar(0)) + u'x' << QStringLiteral("\\0x");
        QTest::newRow("newline, tab, CR") << QStringLiteral("a\nb\tc\r") << QStringLiteral("a\\nb\\tc\\r");
        QTest::newRow("DEL") << QStringLiteral("a\x7f") << QStringLiteral("a\\x7f");
        QTest::newRow("C1 CSI") << QString(QChar(0x9b)) << QStringLiteral("\\u{009b}");
        QTest::newRow("bidi override") << QString(QChar(0x202e)) + u"txt" << QStringLiteral("\\u{202e}txt");
        QTest::newRow("line separator") << QString(QChar(0x2028)) << QStringLiteral("\\u{2028}");
        QTest::newRow("lone surrogate") << QString(QChar(0xd800)) << QStringLiteral("\\u{d800}");
        QTest::newRow("backslash") << QStringLiteral("C:\\dir") << QStringLiteral("C:\\\\dir");
        QTest::newRow("letters of any script") << QStringLiteral("caf\u00e9 \u65e5\u672c \U0001F600") << QStringLiteral("caf\u00e9 \u65e5\u672c \U0001F600");
        QTest::newRow("tag character (astral format)") << QString::fromUcs4(U"\U000E0041") << QStringLiteral("\\u{e0041}");
    }
    void escapes()
    {
        QFETCH(QString, input);
        QFETCH(QString, escaped);
        QCOMPARE(escapeInput(input), escaped);
        QCOMPARE(quoteInput(input), u'\'' + escaped + u'\'');
        QVERIFY(printable(quoteInput(input)));
    }

    void theQuoteItselfIsEscaped()
    {
        QCOMPARE(quoteInput(u"it's"), QStringLiteral("'it\\'s'"));
        QCOMPARE(quoteInput(u"say \"hi\"", u'"'), QStringLiteral("\"say \\\"hi\\\"\""));
        QCOMPARE(escapeInput(u"it's"), QStringLiteral("it's"));
    }

    void longValuesAreCutAndTheirLengthSaid()
    {
        const QString exact(QuotedInputMaxChars, u'7');
        QCOMPARE(quoteInput(exact), u'\'' + exact + u'\'');

        const QString huge(10 * 1024 * 1024, u'9'); // a 10 MB number
        const QString quoted = quoteInput(huge);
        QCOMPARE(quoted, QStringLiteral("'%1...' (%2 characters in all)").arg(QString(QuotedInputMaxChars, u'9')).arg(huge.size()));

        // Escapes make a character longer, but the cut counts characters of
        // the value: the output stays bounded whatever the value holds.
        const QString controls(100000, QChar(0x1b));
        QVERIFY(quoteInput(controls).size() < QuotedInputMaxChars * 10 + 64);
        QVERIFY(printable(quoteInput(controls)));
    }

    void theCutDoesNotSplitACharacter()
    {
        // Code points, not UTF-16 units: an emoji is one character and is
        // kept whole or dropped whole.
        QString emoji;
        for (qsizetype i = 0; i < QuotedInputMaxChars + 1; ++i)
            emoji += QString::fromUcs4(U"\U0001F600");
        const QString quoted = quoteInput(emoji);
        QVERIFY(quoted.startsWith(u'\'' + emoji.left(2 * QuotedInputMaxChars) + QStringLiteral("...'")));
        QVERIFY(quoted.endsWith(QStringLiteral("(%1 characters in all)").arg(QuotedInputMaxChars + 1)));
        QVERIFY(quoted.isValidUtf16());
    }
};

QTEST_GUILESS_MAIN(TestQuotedInput)
#include "tst_quotedinput.moc"
