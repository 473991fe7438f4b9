#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "config/Config.h"
#include "store/DataDirectory.h"

#include <QFile>

using namespace cabinet;
using namespace cabinet::test;

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
        QVERIFY2(loaded.error().message.contains(path + QStringLiteral(":")), qPrintable(loaded.error().message));

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
        QTest::newRow("two documents") << QByteArray("a: 1\n---\nb: 2\n") << QStringLiteral(": holds 2 YAML documents; the configuration is one");
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
        QCOMPARE(loaded.error().message, path + message);
    }

    void setBesideASelfReferencingList()
    {
        // Lists are not keys: one that holds itself through an alias loads,
        // and a change beside it is made in place.
        TestCabinet c;
        const QString path = DataDirectory::configPath(c.dir.path());
        writeFile(path, "a: &x [1, *x]\nc: 1\n");
        QVERIFY(c.open());
        QVERIFY(c->config().set(QStringLiteral("c"), QStringLiteral("2"), QStringLiteral("system"), c->database(), c->audit(), c->events()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("a: &x [1, *x]\nc: 2\n"));
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
