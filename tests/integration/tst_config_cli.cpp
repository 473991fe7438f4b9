// config.yaml through the real binary: a broken or hostile file does not
// block the read-only commands, and the commands that need it say where it
// is broken.
#include "CabinetProcess.h"
#include "config/Config.h"
#include "store/DataDirectory.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

namespace {

void writeFile(const QString &path, const QByteArray &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(text), text.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// No byte a terminal acts on (ESC, NUL, BEL, C1, DEL), nor a carriage
// return; newlines end the lines cabinet writes.
bool noRawControls(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n') || u == 0x7f || (u >= 0x80 && u <= 0x9f))
            return false;
    }
    return true;
}

// "billion laughs" in 693 bytes: seven mappings of ten aliases of the one before.
QByteArray nestedAliases()
{
    QByteArray text;
    for (int level = 0; level < 7; ++level) {
        text += "a" + QByteArray::number(level) + ": &a" + QByteArray::number(level) + " {";
        for (int i = 0; i < 10; ++i)
            text += (i > 0 ? ", k" : "k") + QByteArray::number(i) + ": " + (level == 0 ? QByteArray("lol") : "*a" + QByteArray::number(level - 1));
        text += "}\n";
    }
    return text;
}

QByteArray nestedMappings(int depth)
{
    QByteArray text;
    for (int level = 1; level < depth; ++level)
        text += QByteArray(2 * (level - 1), ' ') + "k" + QByteArray::number(level) + ":\n";
    return text + QByteArray(2 * (depth - 1), ' ') + "leaf: v\n";
}

} // namespace

class TestConfigCli : public QObject {
    Q_OBJECT

    QStringList in(const QTemporaryDir &dir, const QStringList &args) const
    {
        return QStringList { QStringLiteral("--data-dir"), dir.path() } + args;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(!cabinetBinary().isEmpty()); }

    void brokenConfigLeavesReadOnlyCommandsWorking_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line"); // where the file is broken
        QTest::newRow("unclosed list") << QByteArray("log:\n  level: info\nui: [dark\n") << 4; // yaml-cpp finds it unclosed at the end
        QTest::newRow("a key given twice") << QByteArray("mode: manual\nmode: paused\n") << 2;
        QTest::newRow("nested aliases (693 bytes)") << nestedAliases() << 5;
        QTest::newRow("nested too deep") << nestedMappings(500) << ConfigDepthMax + 1;
    }
    void brokenConfigLeavesReadOnlyCommandsWorking()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QTemporaryDir dir;
        for (int i = 0; i < 2; ++i)
            QCOMPARE(runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QString::number(i) })).exitCode, 0);
        const QString path = DataDirectory::configPath(dir.path());
        writeFile(path, text);

        // The trail can still be checked and taken away before the file is mended.
        const Run verify = runCabinet(in(dir, { QStringLiteral("audit"), QStringLiteral("verify") }));
        QCOMPARE(verify.exitCode, 0);
        QVERIFY2(verify.out.contains(QStringLiteral("intact: 2 entries")), qPrintable(verify.out + verify.err));
        QVERIFY2(verify.err.contains(path + u':' + QString::number(line) + u':'), qPrintable(verify.err)); // a warning says why
        const Run exported = runCabinet(in(dir, { QStringLiteral("audit"), QStringLiteral("export") }));
        QCOMPARE(exported.exitCode, 0);
        const QStringList lines = exported.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        for (const QString &entry : lines)
            QCOMPARE(QJsonDocument::fromJson(entry.toUtf8()).object().value(QStringLiteral("action")).toString(), QStringLiteral("config.set"));
        const Run tail = runCabinet(in(dir, { QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("1") }));
        QCOMPARE(tail.exitCode, 0);
        QVERIFY(tail.out.startsWith(QStringLiteral("2\t")));

        // The commands that read or write settings refuse, naming file and line.
        for (const QStringList &args : { QStringList { QStringLiteral("config"), QStringLiteral("list") },
                                         QStringList { QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("k.v") },
                                         QStringList { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QStringLiteral("9") } }) {
            const Run run = runCabinet(in(dir, args));
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.startsWith(QStringLiteral("cabinet: ") + path + u':' + QString::number(line) + u':'), qPrintable(run.err));
        }
        QCOMPARE(readFile(path), text);
        const Run verified = runCabinet(in(dir, { QStringLiteral("audit"), QStringLiteral("verify") }));
        QCOMPARE(verified.exitCode, 0);
        QVERIFY2(verified.out.startsWith(QStringLiteral("audit trail intact: 2 entries\n")), qPrintable(verified.out));
    }

    void oversizedConfigIsRefusedUnread()
    {
        QTemporaryDir dir;
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QStringLiteral("1") })).exitCode, 0);
        const QString path = DataDirectory::configPath(dir.path());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        if (!file.resize(qint64(4) << 30))
            QSKIP("this file system cannot hold a sparse 4 GiB file");
        file.close();
        const Run list = runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("list") }), {}, 20000);
        QCOMPARE(list.exitCode, 1);
        QVERIFY2(list.err.startsWith(QStringLiteral("cabinet: ") + path + u':'), qPrintable(list.err));
        QVERIFY2(list.err.contains(QString::number(ConfigFileMaxBytes)), qPrintable(list.err));
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("audit"), QStringLiteral("verify") }), {}, 20000).exitCode, 0);
    }

    void tooDeepSaysSoAndNamesTheLimit()
    {
        // yaml-cpp alone said "config.yaml:499: bad file".
        QTemporaryDir dir;
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QStringLiteral("1") })).exitCode, 0);
        const QString path = DataDirectory::configPath(dir.path());
        writeFile(path, nestedMappings(500));
        const Run run = runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("k.v") }));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.startsWith(QStringLiteral("cabinet: %1:%2:").arg(path).arg(ConfigDepthMax + 1)), qPrintable(run.err));
        QVERIFY2(run.err.contains(QString::number(ConfigDepthMax)), qPrintable(run.err));
    }

    void listShowsEachValueOnOneLineEscaped()
    {
        QTemporaryDir dir;
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QStringLiteral("1") })).exitCode, 0);
        writeFile(DataDirectory::configPath(dir.path()), "a: \"line one\\nline two\\e[2J\\0\"\nb: |\n  block\n  text\nk:\n  v: 1\n");
        const Run run = runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("list") }));
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.count(u'\n'), 3); // a, b, k.v
        QVERIFY2(noRawControls(run.out), qPrintable(run.out));
    }

    void setOverrideKeysAreChecked_data()
    {
        QTest::addColumn<QString>("pair");
        QTest::newRow("a space") << QStringLiteral("BAD KEY=1");
        QTest::newRow("upper case") << QStringLiteral("Log.Level=debug");
        QTest::newRow("empty part") << QStringLiteral("log..level=debug");
        QTest::newRow("an escape") << QStringLiteral("log\x1b[2J=1");
    }
    void setOverrideKeysAreChecked()
    {
        QFETCH(QString, pair);
        QTemporaryDir dir;
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QStringLiteral("1") })).exitCode, 0);
        const Run run = runCabinet(in(dir, { QStringLiteral("--set"), pair, QStringLiteral("audit"), QStringLiteral("verify") }));
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(noRawControls(run.err), qPrintable(run.err));
        // A valid one still overrides.
        const Run good = runCabinet(in(dir, { QStringLiteral("--set"), QStringLiteral("k.v=7"), QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("k.v") }));
        QCOMPARE(good.exitCode, 0);
        QCOMPARE(good.out.trimmed(), QStringLiteral("7"));
    }

    void echoedFileContentIsEscapedAndBounded_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("escape and NUL in a key given twice") << QByteArray("\"k\\e[2J\\0\": 1\n\"k\\e[2J\\0\": 2\n");
        // An explicit key ("? ..."): YAML limits an implicit one to 1024 characters.
        const QByteArray key = "? '" + QByteArray(100 * 1024, 'x') + "'\n";
        QTest::newRow("a 100 KB key given twice") << key + ": 1\n" + key + ": 2\n";
    }
    void echoedFileContentIsEscapedAndBounded()
    {
        QFETCH(QByteArray, text);
        QTemporaryDir dir;
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QStringLiteral("1") })).exitCode, 0);
        const QString path = DataDirectory::configPath(dir.path());
        QVERIFY(text.size() <= ConfigFileMaxBytes); // refused for what it says, not for its size
        writeFile(path, text);
        const Run run = runCabinet(in(dir, { QStringLiteral("config"), QStringLiteral("list") }));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(noRawControls(run.err), qPrintable(run.err));
        QVERIFY2(run.err.size() < 1024 + path.size(), qPrintable(QString::number(run.err.size())));
    }
};

QTEST_GUILESS_MAIN(TestConfigCli)
#include "tst_config_cli.moc"
