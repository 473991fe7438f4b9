#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "config/Config.h"
#include "store/DataDirectory.h"

#include <QFile>
#include <QFileInfo>

#include <sys/resource.h>

using namespace cabinet;
using namespace cabinet::test;

namespace {

// CPU seconds and peak memory (MiB) of this process, from getrusage: a guard
// against blow-ups, bounded generously, never a timing test.
struct Spent {
    double cpuSeconds;
    double peakMiB;
    static Spent now()
    {
        rusage usage {};
        getrusage(RUSAGE_SELF, &usage);
        auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
        return { seconds(usage.ru_utime) + seconds(usage.ru_stime), double(usage.ru_maxrss) / 1024.0 }; // KiB on Linux
    }
};

// "Billion laughs": `levels` mappings, each holding `width` aliases of the
// one before, so the last repeats the first width^levels times.
QByteArray nestedAliases(int levels, int width, bool lists = false)
{
    QByteArray text;
    for (int level = 0; level < levels; ++level) {
        text += "a" + QByteArray::number(level) + ": &a" + QByteArray::number(level) + (lists ? " [" : " {");
        for (int i = 0; i < width; ++i) {
            if (i > 0)
                text += ", ";
            if (!lists)
                text += "k" + QByteArray::number(i) + ": ";
            text += level == 0 ? QByteArray("lol") : "*a" + QByteArray::number(level - 1);
        }
        text += lists ? "]\n" : "}\n";
    }
    return text;
}

// Mappings nested `depth` deep counting the root (k1: k2: ... v), one a line.
QByteArray nestedMappings(int depth)
{
    QByteArray text;
    for (int level = 1; level < depth; ++level)
        text += QByteArray(2 * (level - 1), ' ') + "k" + QByteArray::number(level) + ":\n";
    text += QByteArray(2 * (depth - 1), ' ') + "leaf: v\n";
    return text;
}

} // namespace

class TestConfig : public QObject {
    Q_OBJECT

    static void writeFile(const QString &path, const QByteArray &text)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
    }

private Q_SLOTS:
    void fileEnvironmentAndCommandLineInOrder()
    {
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        writeFile(path, "log:\n  level: warning\nbudget:\n  daily_usd: 50\nmode: manual\n");
        Config config(path, { { QStringLiteral("mode"), QStringLiteral("paused") } });
        QVERIFY(config.load());
        QCOMPARE(config.value(QStringLiteral("log.level")), QStringLiteral("warning"));
        QCOMPARE(config.value(QStringLiteral("budget.daily_usd")), QStringLiteral("50"));
        QCOMPARE(config.value(QStringLiteral("missing"), QStringLiteral("fallback")), QStringLiteral("fallback"));
        QCOMPARE(config.value(QStringLiteral("mode")), QStringLiteral("paused"));

        QCOMPARE(Config::environmentName(QStringLiteral("log.level")), QStringLiteral("CABINET_LOG_LEVEL"));
        qputenv("CABINET_LOG_LEVEL", "debug");
        QCOMPARE(config.value(QStringLiteral("log.level")), QStringLiteral("debug"));
        qunsetenv("CABINET_LOG_LEVEL");
    }

    void malformedFileNamesTheLine()
    {
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        writeFile(path, "a: 1\nb: [unclosed\nc: 3\n");
        Config config(path, {});
        auto loaded = config.load();
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        // yaml-cpp finds the list unclosed at the end of the file.
        QVERIFY2(loaded.error().message.startsWith(path + QStringLiteral(":3:")), qPrintable(loaded.error().message));
        QVERIFY(config.loadError());

        writeFile(path, "- just\n- a list\n");
        QVERIFY(!config.load());
    }

    void setPersistsAndIsAudited()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(c->config().set(QStringLiteral("ui.theme"), QStringLiteral("dark"), QStringLiteral("operator:alice"),
                                c->database(), c->audit(), c->events()));
        auto tail = c->audit().tail(1);
        QCOMPARE(tail->at(0).action, QStringLiteral("config.set"));
        QCOMPARE(tail->at(0).actor, QStringLiteral("operator:alice"));
        QVERIFY(tail->at(0).payloadJson.contains("\"new\":\"dark\""));

        QVERIFY(c.open());
        QCOMPARE(c->config().value(QStringLiteral("ui.theme")), QStringLiteral("dark"));
    }

    void setKeepsWhatCabinetDoesNotModel()
    {
        TestCabinet c;
        writeFile(DataDirectory::configPath(c.dir.path()),
                  "llm:\n  alias: cloud/fast\n  fallbacks: [gpt-4o, sim/small]\nprices:\n  - model: gpt-4o\n    usd_per_mtok: 5\nempty: ~\n");
        QVERIFY(c.open());
        QVERIFY(c->config().set(QStringLiteral("log.level"), QStringLiteral("debug"), QStringLiteral("system"), c->database(),
                                c->audit(), c->events()));
        QFile file(DataDirectory::configPath(c.dir.path()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        for (const char *kept : { "gpt-4o", "sim/small", "usd_per_mtok", "cloud/fast", "empty", "level: debug" })
            QVERIFY2(text.contains(kept), text.constData());
        QCOMPARE(c->config().value(QStringLiteral("log.level")), QStringLiteral("debug"));
        auto list = c->config().set(QStringLiteral("llm.fallbacks"), QStringLiteral("x"), QStringLiteral("system"), c->database(),
                                    c->audit(), c->events());
        QVERIFY(!list);
        QVERIFY2(list.error().message.contains(QStringLiteral("list or mapping")), qPrintable(list.error().message));
    }

    void setKeepsCommentsAndLayout()
    {
        TestCabinet c;
        const QString path = DataDirectory::configPath(c.dir.path());
        writeFile(path, "# Cabinet on the build server\nlog:\n  # info in production\n  level: info   # see docs\n\n"
                        "# the console\nui:\n  theme: light\n");
        QVERIFY(c.open());
        for (const auto &[key, value] : { std::pair { "log.level", "debug" }, { "log.format", "json" }, { "budget.daily_usd", "50" } })
            QVERIFY(c->config().set(QString::fromLatin1(key), QString::fromLatin1(value), QStringLiteral("system"),
                                    c->database(), c->audit(), c->events()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(),
                 QByteArray("# Cabinet on the build server\nlog:\n  # info in production\n  level: debug   # see docs\n"
                            "  format: json\n\n# the console\nui:\n  theme: light\nbudget:\n  daily_usd: 50\n"));
    }

    void setRewritesFormsItCannotEditInPlace()
    {
        // Flow style: the value still lands, the rest of the file's values too.
        TestCabinet c;
        const QString path = DataDirectory::configPath(c.dir.path());
        writeFile(path, "log: {level: info, format: text}\nui: {theme: dark}\n");
        QVERIFY(c.open());
        QVERIFY(c->config().set(QStringLiteral("log.level"), QStringLiteral("debug"), QStringLiteral("system"), c->database(),
                                c->audit(), c->events()));
        Config reread(path, {});
        QVERIFY(reread.load());
        QCOMPARE(reread.value(QStringLiteral("log.level")), QStringLiteral("debug"));
        QCOMPARE(reread.value(QStringLiteral("log.format")), QStringLiteral("text"));
        QCOMPARE(reread.value(QStringLiteral("ui.theme")), QStringLiteral("dark"));
    }

    void setRefusesWhatWouldLoseOrSpreadAndChangesNothing_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("reason");
        QTest::newRow("comments in a flow-style file")
            << QByteArray("# keep me\nlog: {level: info}\n") << QStringLiteral("log.level") << QStringLiteral("comments");
        QTest::newRow("a key reached through an alias")
            << QByteArray("base: &b\n  level: info\nprod: *b\n") << QStringLiteral("prod.level") << QStringLiteral("alias");
        QTest::newRow("a key given twice")
            << QByteArray("log:\n  level: info\nlog:\n  level: warning\n") << QStringLiteral("log.level") << QStringLiteral("twice");
        QTest::newRow("an alias whose anchor follows a tag")
            << QByteArray("a: !!map &x\n  b: 1\nc: *x\n") << QStringLiteral("c.b") << QStringLiteral("'a.b' would change too");
        QTest::newRow("an aliased scalar")
            << QByteArray("a: !!str &x 1\nc: *x\n") << QStringLiteral("c") << QStringLiteral("'a' would change too");
        QTest::newRow("a dotted key that would hide the new one")
            << QByteArray("a:\n  c: 2\na.b: 1\n") << QStringLiteral("a.b") << QStringLiteral("twice");
    }

    void setRefusesWhatWouldLoseOrSpreadAndChangesNothing()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, key);
        QFETCH(QString, reason);
        TestCabinet c;
        const QString path = DataDirectory::configPath(c.dir.path());
        QVERIFY(c.open()); // before the file exists: a file given twice a key does not load
        writeFile(path, text);
        const qint64 entries = c->audit().verify()->entries;
        auto status = c->config().set(key, QStringLiteral("debug"), QStringLiteral("system"), c->database(), c->audit(), c->events());
        QVERIFY(!status);
        QVERIFY2(status.error().message.contains(reason), qPrintable(status.error().message));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), text);
        QCOMPARE(c->audit().verify()->entries, entries);
    }

    void setRefusesSecretsAndWritesNothing_data()
    {
        QTest::addColumn<QString>("key");
        for (const char *key : { "llm.providers.openai.api_key", "llm.providers.openai.key", "llm.providers.openai.token",
                                 "llm.providers.openai.password", "llm.providers.openai.headers.authorization",
                                 "llm.providers.openai.headers.x_api_key", "github.access_token", "smtp.client_secret",
                                 "deploy.private_key", "a.apikey" })
            QTest::newRow(key) << QString::fromLatin1(key);
    }

    void setRefusesSecretsAndWritesNothing()
    {
        QFETCH(QString, key);
        TestCabinet c;
        QVERIFY(c.open());
        const QString path = DataDirectory::configPath(c.dir.path());
        writeFile(path, "log:\n  level: info\n");
        QVERIFY(c->config().load());
        const qint64 entries = c->audit().verify()->entries;
        auto status = c->config().set(key, QStringLiteral("sk-live-1234"), QStringLiteral("operator:alice"), c->database(), c->audit(),
                                      c->events());
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::RefusedByPolicy);
        QCOMPARE(status.error().field, QStringLiteral("key"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("log:\n  level: info\n"));
        QCOMPARE(c->audit().verify()->entries, entries);
        QVERIFY(c->config().value(key).isEmpty());
    }

    void setAllowsKeysThatOnlyNameASecret_data()
    {
        QTest::addColumn<QString>("key");
        // The variable's name, and keys whose words merely resemble a secret's.
        for (const char *key : { "llm.providers.openai.api_key_env", "llm.providers.openai.token_env", "llm.providers.openai.tokens_per_minute",
                                 "llm.providers.openai.max_tokens", "ui.keyboard", "ledger.key_count" })
            QTest::newRow(key) << QString::fromLatin1(key);
    }

    void setAllowsKeysThatOnlyNameASecret()
    {
        QFETCH(QString, key);
        TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(c->config().set(key, QStringLiteral("OPENAI_API_KEY"), QStringLiteral("system"), c->database(), c->audit(), c->events()));
        QCOMPARE(c->config().value(key), QStringLiteral("OPENAI_API_KEY"));
    }

    void ambiguousFilesDoNotLoad_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("a key given twice") << QByteArray("log:\n  level: info\nui:\n  theme: dark\n  theme: light\n")
                                           << QStringLiteral(":5: 'ui.theme' is given twice (first on line 4)");
        QTest::newRow("nested and dotted") << QByteArray("a:\n  b: 1\na.b: 2\n")
                                           << QStringLiteral(":3: 'a.b' is given twice (first on line 2)");
        QTest::newRow("a null key") << QByteArray("null: 1\n") << QStringLiteral(":1: a key must be a name, not null (quote it: \"null\")");
        QTest::newRow("an alias inside its own mapping") << QByteArray("a: &x\n  b: *x\n")
                                                         << QStringLiteral(":2: an alias refers to the mapping that holds it");
        QTest::newRow("two documents") << QByteArray("a: 1\n---\nb: 2\n") << QStringLiteral(":2: holds 2 YAML documents (the second starts here); the configuration is one");
        QTest::newRow("a list inside itself") << QByteArray("a: 1\nb: &x [1, *x]\n") << QStringLiteral(":2: an alias refers to the list that holds it");
    }

    void ambiguousFilesDoNotLoad()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        writeFile(path, text);
        Config config(path, {});
        auto loaded = config.load();
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        // The place and the problem; then how to mend it.
        QVERIFY2(loaded.error().message.startsWith(path + message), qPrintable(loaded.error().message));
    }

    void setBesideASelfReferencingListIsRefusedNotACrash()
    {
        // A list that holds itself repeats without end: adding a key beside
        // it walked it until the stack overflowed. It is refused like a
        // mapping inside itself, and the file is kept.
        TestCabinet c;
        QVERIFY(c.open());
        const QString path = DataDirectory::configPath(c.dir.path());
        const QByteArray text = "a:\n  l: &x [1, *x]\n";
        writeFile(path, text);
        auto status = c->config().set(QStringLiteral("a.m"), QStringLiteral("2"), QStringLiteral("system"), c->database(), c->audit(), c->events());
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(status.error().message.startsWith(path + QStringLiteral(":2:")), qPrintable(status.error().message));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), text);
    }

    void nestedAliasesAreRefusedCheaply_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("bytes");
        QTest::addColumn<int>("line"); // where the expansion first passes ConfigNodesMax
        // 10^7 keys: 28 s and 3.3 GB before the limit.
        QTest::newRow("693 bytes, 7 levels of 10") << nestedAliases(7, 10) << 693 << 5;
        // 10^9 keys: 7.7 GB and more before the limit.
        QTest::newRow("891 bytes, 9 levels of 10") << nestedAliases(9, 10) << 891 << 5;
        // Lists are walked too (config set's YamlEdit walks them).
        QTest::newRow("lists, 9 levels of 10") << nestedAliases(9, 10, true) << int(nestedAliases(9, 10, true).size()) << 5;
    }
    void nestedAliasesAreRefusedCheaply()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, bytes);
        QFETCH(int, line);
        QCOMPARE(text.size(), bytes);
        TestCabinet c;
        QVERIFY(c.open());
        const QString path = DataDirectory::configPath(c.dir.path());
        writeFile(path, text);

        const Spent before = Spent::now();
        Config config(path, {});
        auto loaded = config.load();
        auto set = c->config().set(QStringLiteral("a0.k0"), QStringLiteral("x"), QStringLiteral("system"), c->database(), c->audit(), c->events());
        const Spent after = Spent::now();

        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(loaded.error().message.startsWith(path + u':' + QString::number(line) + u':'), qPrintable(loaded.error().message));
        QVERIFY2(loaded.error().message.contains(QString::number(ConfigNodesMax)), qPrintable(loaded.error().message));
        QVERIFY(!set);
        QCOMPARE(set.error().code, ErrorCode::InvalidArgument);
        // Generous bounds: refusing costs milliseconds and a few MiB; the
        // walk it prevents costs tens of seconds and gigabytes.
        QVERIFY2(after.cpuSeconds - before.cpuSeconds < 5, qPrintable(QString::number(after.cpuSeconds - before.cpuSeconds)));
        QVERIFY2(after.peakMiB - before.peakMiB < 256, qPrintable(QString::number(after.peakMiB - before.peakMiB)));
    }

    void expansionUpToTheNodeLimitLoads()
    {
        // "l: [1, 1, ...]": the root, the key, the list and its items.
        const auto list = [](qint64 nodes) -> QByteArray {
            QByteArray text = "l: [";
            for (qint64 i = 0; i < nodes - 3; ++i)
                text += i == 0 ? "1" : ", 1";
            return text + "]\n";
        };
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        Config config(path, {});
        writeFile(path, list(ConfigNodesMax));
        QVERIFY2(config.load(), qPrintable(config.loadError() ? config.loadError()->message : QString()));
        writeFile(path, list(ConfigNodesMax + 1));
        auto loaded = config.load();
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(loaded.error().message.startsWith(path + QStringLiteral(":1:")), qPrintable(loaded.error().message));
    }

    void aliasesUpToTheirLimitLoad()
    {
        const auto aliases = [](qint64 count) -> QByteArray {
            QByteArray text = "a: &a 1\nl: [";
            for (qint64 i = 0; i < count; ++i)
                text += i == 0 ? "*a" : ", *a";
            return text + "]\n";
        };
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        Config config(path, {});
        writeFile(path, aliases(ConfigAliasesMax));
        QVERIFY2(config.load(), qPrintable(config.loadError() ? config.loadError()->message : QString()));
        writeFile(path, aliases(ConfigAliasesMax + 1));
        auto loaded = config.load();
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(loaded.error().message.startsWith(path + QStringLiteral(":2:")), qPrintable(loaded.error().message));
        QVERIFY2(loaded.error().message.contains(QString::number(ConfigAliasesMax)), qPrintable(loaded.error().message));
    }

    void fileSizeUpToTheLimitLoads()
    {
        // A key and a comment that fills the file to exactly `bytes`.
        const auto padded = [](qint64 bytes) -> QByteArray {
            QByteArray text = "a: 1\n# ";
            text += QByteArray(bytes - text.size() - 1, 'x');
            return text + '\n';
        };
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        Config config(path, {});
        writeFile(path, padded(ConfigFileMaxBytes));
        QCOMPARE(QFileInfo(path).size(), ConfigFileMaxBytes);
        QVERIFY2(config.load(), qPrintable(config.loadError() ? config.loadError()->message : QString()));
        QCOMPARE(config.value(QStringLiteral("a")), QStringLiteral("1"));

        writeFile(path, padded(ConfigFileMaxBytes + 1));
        auto loaded = config.load();
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(loaded.error().message.startsWith(path + u':'), qPrintable(loaded.error().message));
        QVERIFY2(loaded.error().message.contains(QString::number(ConfigFileMaxBytes)), qPrintable(loaded.error().message));
        QVERIFY(config.value(QStringLiteral("a")).isNull()); // nothing from a file that was refused
    }

    void anOversizedFileIsNotRead()
    {
        // 8 GiB of holes: reading it would cost seconds and gigabytes; its
        // size is checked first.
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        if (!file.resize(qint64(8) << 30))
            QSKIP("this file system cannot hold a sparse 8 GiB file");
        file.close();
        const Spent before = Spent::now();
        Config config(path, {});
        auto loaded = config.load();
        const Spent after = Spent::now();
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(after.cpuSeconds - before.cpuSeconds < 2, qPrintable(QString::number(after.cpuSeconds - before.cpuSeconds)));
        QVERIFY2(after.peakMiB - before.peakMiB < 64, qPrintable(QString::number(after.peakMiB - before.peakMiB)));
    }

    void nestingUpToTheDepthLimitLoads()
    {
        QTemporaryDir dir;
        const QString path = DataDirectory::configPath(dir.path());
        Config config(path, {});
        writeFile(path, nestedMappings(ConfigDepthMax));
        QVERIFY2(config.load(), qPrintable(config.loadError() ? config.loadError()->message : QString()));
        QStringList leaf;
        for (int level = 1; level < ConfigDepthMax; ++level)
            leaf << u'k' + QString::number(level);
        QCOMPARE(config.value((leaf << QStringLiteral("leaf")).join(u'.')), QStringLiteral("v"));

        // One deeper: refused on the line that opens the mapping too many.
        writeFile(path, nestedMappings(ConfigDepthMax + 1));
        auto loaded = config.load();
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(loaded.error().message.startsWith(path + u':' + QString::number(ConfigDepthMax + 1) + u':'), qPrintable(loaded.error().message));
        QVERIFY2(loaded.error().message.contains(QString::number(ConfigDepthMax)), qPrintable(loaded.error().message));

        // ~500 deep, where yaml-cpp itself gives up with "bad file" at the
        // end: refused where it passes the limit, naming it.
        writeFile(path, nestedMappings(500));
        loaded = config.load();
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().message.startsWith(path + u':' + QString::number(ConfigDepthMax + 1) + u':'), qPrintable(loaded.error().message));
        QVERIFY2(loaded.error().message.contains(QString::number(ConfigDepthMax)), qPrintable(loaded.error().message));

        // Through an alias: each part is shallow, together they are too deep.
        QByteArray throughAlias = "d: &d\n" + nestedMappings(ConfigDepthMax - 1).replace("\n", "\n  ").prepend("  ").chopped(2);
        throughAlias += "x:\n  y: *d\n";
        writeFile(path, throughAlias);
        loaded = config.load();
        QVERIFY(!loaded);
        const int aliasLine = int(throughAlias.count('\n'));
        QVERIFY2(loaded.error().message.startsWith(path + u':' + QString::number(aliasLine) + u':'), qPrintable(loaded.error().message + u'\n' + QString::fromUtf8(throughAlias)));
    }

    void badKeysAreRefusedAndNothingIsAudited()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(c->config().set(QStringLiteral("ui.theme"), QStringLiteral("dark"), QStringLiteral("system"), c->database(),
                                c->audit(), c->events()));
        for (const QString &key : { QStringLiteral("Bad Key"), QStringLiteral("ui..x"), QStringLiteral("ui.theme.sub"), QStringLiteral("ui") }) {
            auto status = c->config().set(key, QStringLiteral("v"), QStringLiteral("system"), c->database(), c->audit(), c->events());
            QVERIFY2(!status, qPrintable(key));
        }
        QCOMPARE(c->audit().tail(10)->size(), 1);
        QCOMPARE(c->config().value(QStringLiteral("ui.theme")), QStringLiteral("dark"));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
