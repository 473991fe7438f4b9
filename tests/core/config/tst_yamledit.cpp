#include "config/YamlEdit.h"

#include <QTest>

using namespace cabinet;

Q_DECLARE_METATYPE(std::vector<std::string>)

class TestYamlEdit : public QObject {
    Q_OBJECT

    static std::vector<std::string> path(const char *dotted)
    {
        std::vector<std::string> parts;
        for (const QString &part : QString::fromLatin1(dotted).split(u'.'))
            parts.push_back(part.toStdString());
        return parts;
    }

private Q_SLOTS:
    void editsInPlace_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<std::vector<std::string>>("key");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("plain value, comments around it kept")
            << QByteArray("# Cabinet\nlog:\n  # how much\n  level: info  # the default\nui:\n  theme: light\n")
            << path("log.level") << QByteArray("debug")
            << QByteArray("# Cabinet\nlog:\n  # how much\n  level: debug  # the default\nui:\n  theme: light\n");
        QTest::newRow("double-quoted value with an escaped quote")
            << QByteArray("a: \"x \\\" y\" # note\n") << path("a") << QByteArray("z")
            << QByteArray("a: z # note\n");
        QTest::newRow("single-quoted value with a doubled quote")
            << QByteArray("a: 'it''s'\nb: 2\n") << path("a") << QByteArray("plain")
            << QByteArray("a: plain\nb: 2\n");
        QTest::newRow("a value that would read as a comment is quoted")
            << QByteArray("a: x\n") << path("a") << QByteArray("#1") << QByteArray("a: \"#1\"\n");
        QTest::newRow("a value with ': ' is quoted")
            << QByteArray("a: x\n") << path("a") << QByteArray("k: v") << QByteArray("a: \"k: v\"\n");
        QTest::newRow("a value with a newline stays on one line")
            << QByteArray("a: x\n") << path("a") << QByteArray("1\n2") << QByteArray("a: \"1\\n2\"\n");
        QTest::newRow("new key after the section's last entry, before the next comment")
            << QByteArray("log:\n  level: info\n\n# the console\nui:\n  theme: dark\n") << path("log.format")
            << QByteArray("json")
            << QByteArray("log:\n  level: info\n  format: json\n\n# the console\nui:\n  theme: dark\n");
        QTest::newRow("new nested keys at the section's indentation")
            << QByteArray("log:\n    level: info\n") << path("log.file.path") << QByteArray("/var/log/c")
            << QByteArray("log:\n    level: info\n    file:\n      path: /var/log/c\n");
        QTest::newRow("new key after a nested list")
            << QByteArray("a:\n  b:\n    c: 1\n  d:\n    - x\n    - y\n# end\n") << path("a.e") << QByteArray("3")
            << QByteArray("a:\n  b:\n    c: 1\n  d:\n    - x\n    - y\n  e: 3\n# end\n");
        QTest::newRow("new top-level section, text without a final newline")
            << QByteArray("a: 1") << path("b.c") << QByteArray("2") << QByteArray("a: 1\nb:\n  c: 2\n");
        QTest::newRow("empty text") << QByteArray() << path("a") << QByteArray("1") << QByteArray("a: 1\n");
        QTest::newRow("only comments")
            << QByteArray("# nothing yet\n") << path("a") << QByteArray("1") << QByteArray("# nothing yet\na: 1\n");
        QTest::newRow("CRLF line ends are kept")
            << QByteArray("a:\r\n  b: 1\r\n") << path("a.c") << QByteArray("2")
            << QByteArray("a:\r\n  b: 1\r\n  c: 2\r\n");
        QTest::newRow("empty value")
            << QByteArray("a:\nb: 1\n") << path("a") << QByteArray("x") << QByteArray("a: x\nb: 1\n");
        QTest::newRow("empty value with a comment after it")
            << QByteArray("a:   # later\n") << path("a") << QByteArray("x") << QByteArray("a: x   # later\n");
        QTest::newRow("explicit null") << QByteArray("a: ~ # c\n") << path("a") << QByteArray("x") << QByteArray("a: x # c\n");
        QTest::newRow("null word") << QByteArray("a: null\n") << path("a") << QByteArray("x") << QByteArray("a: x\n");
        QTest::newRow("quoted key, empty value")
            << QByteArray("\"a\":\n") << path("a") << QByteArray("x") << QByteArray("\"a\": x\n");
        QTest::newRow("section whose entries are commented out")
            << QByteArray("log:\n  # level: info\nui: x\n") << path("log.level") << QByteArray("debug")
            << QByteArray("log:\n  level: debug\n  # level: info\nui: x\n");
        QTest::newRow("null section") << QByteArray("log: ~\n") << path("log.file.path") << QByteArray("/x")
                                      << QByteArray("log:\n  file:\n    path: /x\n");
        QTest::newRow("byte order mark kept, columns right")
            << QByteArray("\xEF\xBB\xBF" "a: 1 # c\n") << path("a") << QByteArray("2") << QByteArray("\xEF\xBB\xBF" "a: 2 # c\n");
        QTest::newRow("CRLF without a final line end")
            << QByteArray("a: 1\r\nb: 2") << path("c") << QByteArray("3") << QByteArray("a: 1\r\nb: 2\r\nc: 3\r\n");
        QTest::newRow("a new key YAML would read as null is quoted")
            << QByteArray("a: 1\n") << path("null") << QByteArray("3") << QByteArray("a: 1\n\"null\": 3\n");
        QTest::newRow("CRLF value replaced before the CR")
            << QByteArray("a: 1\r\nb: 2\r\n") << path("a") << QByteArray("3") << QByteArray("a: 3\r\nb: 2\r\n");
    }

    void editsInPlace()
    {
        QFETCH(QByteArray, text);
        QFETCH(std::vector<std::string>, key);
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, expected);
        const auto edited = yamledit::setScalar(text.toStdString(), key, value.toStdString());
        QVERIFY(edited.has_value());
        QCOMPARE(QByteArray::fromStdString(*edited), expected);
    }

    void declinesWhatItCannotEditSafely_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<std::vector<std::string>>("key");

        QTest::newRow("block scalar") << QByteArray("a: |\n  x\n") << path("a");
        QTest::newRow("folded scalar") << QByteArray("a: >\n  x\n") << path("a");
        QTest::newRow("something else after the colon of an empty key") << QByteArray("a: !!null\n") << path("a");
        QTest::newRow("anchored value") << QByteArray("a: &x 1\nb: *x\n") << path("a");
        QTest::newRow("alias") << QByteArray("a: &x 1\nb: *x\n") << path("b");
        QTest::newRow("tagged value") << QByteArray("a: !!str 1\n") << path("a");
        QTest::newRow("unclosed quote spans lines") << QByteArray("a: \"x\n  y\"\n") << path("a");
        QTest::newRow("a list") << QByteArray("a: [1, 2]\n") << path("a");
        QTest::newRow("a list at the top") << QByteArray("- 1\n") << path("a");
        QTest::newRow("not YAML") << QByteArray("a: [unclosed\n") << path("a");
        QTest::newRow("empty flow mapping section") << QByteArray("a: {}\n") << path("a.b");
    }

    void declinesWhatItCannotEditSafely()
    {
        QFETCH(QByteArray, text);
        QFETCH(std::vector<std::string>, key);
        QVERIFY(!yamledit::setScalar(text.toStdString(), key, "v").has_value());
    }
};

QTEST_GUILESS_MAIN(TestYamlEdit)
#include "tst_yamledit.moc"
