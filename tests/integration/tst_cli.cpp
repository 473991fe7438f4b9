#include "CabinetProcess.h"
#include "RawSqlite.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace cabinet::test;

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList withDir(const QStringList &args) const { return QStringList { QStringLiteral("--data-dir"), m_dir.path() } + args; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(!cabinetBinary().isEmpty()); }

    void versionAndHelp()
    {
        const Run version = runCabinet({ QStringLiteral("--version") });
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith(QStringLiteral("cabinet ")));

        const Run help = runCabinet({ QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        for (const char *command : { "audit verify", "audit export", "audit tail", "config set" })
            QVERIFY2(help.out.contains(QLatin1String(command)), command);
    }

    void everySubcommandHasItsOwnHelp_data()
    {
        QTest::addColumn<QStringList>("words");
        QTest::newRow("audit verify") << QStringList { QStringLiteral("audit"), QStringLiteral("verify") };
        QTest::newRow("audit export") << QStringList { QStringLiteral("audit"), QStringLiteral("export") };
        QTest::newRow("audit tail") << QStringList { QStringLiteral("audit"), QStringLiteral("tail") };
        QTest::newRow("config set") << QStringList { QStringLiteral("config"), QStringLiteral("set") };
    }
    void everySubcommandHasItsOwnHelp()
    {
        QFETCH(QStringList, words);
        const Run run = runCabinet(words + QStringList { QStringLiteral("--help") });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(QStringLiteral("Usage: cabinet ") + words.join(u' ')), qPrintable(run.out));
    }

    void badInvocationsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown command") << QStringList { QStringLiteral("frobnicate") } << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("unknown subcommand") << QStringList { QStringLiteral("audit"), QStringLiteral("frob") } << QStringLiteral("unknown command 'audit frob'");
        QTest::newRow("unknown global option") << QStringList { QStringLiteral("--frob") } << QStringLiteral("unknown option '--frob'");
        QTest::newRow("unknown command option") << QStringList { QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("--frob") } << QStringLiteral("frob");
        QTest::newRow("bad count") << QStringList { QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("-3") } << QStringLiteral("-n needs a positive number");
        QTest::newRow("bad format") << QStringList { QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("xml") } << QStringLiteral("unknown export format 'xml'");
        QTest::newRow("missing value") << QStringList { QStringLiteral("--data-dir") } << QStringLiteral("--data-dir needs a value");
        QTest::newRow("bad --set") << QStringList { QStringLiteral("--set"), QStringLiteral("novalue"), QStringLiteral("config"), QStringLiteral("list") } << QStringLiteral("--set needs KEY=VALUE");
        QTest::newRow("empty data dir") << QStringList { QStringLiteral("--data-dir="), QStringLiteral("audit"), QStringLiteral("tail") } << QStringLiteral("--data-dir needs a non-empty folder");
        QTest::newRow("headless with a command") << QStringList { QStringLiteral("--headless"), QStringLiteral("audit"), QStringLiteral("verify") } << QStringLiteral("--headless runs the server and takes no command");
        QTest::newRow("config set arity") << QStringList { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b") } << QStringLiteral("KEY VALUE");
    }
    void badInvocationsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run run = runCabinet(withDir(args));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
    }

    void auditRoundTrip()
    {
        for (int i = 0; i < 3; ++i) {
            const Run set = runCabinet(withDir({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("test.value"), QString::number(i) }));
            QCOMPARE(set.exitCode, 0);
        }
        const Run get = runCabinet(withDir({ QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("test.value") }));
        QCOMPARE(get.out.trimmed(), QStringLiteral("2"));

        const Run verify = runCabinet(withDir({ QStringLiteral("audit"), QStringLiteral("verify") }));
        QCOMPARE(verify.exitCode, 0);
        QVERIFY2(verify.out.contains(QStringLiteral("intact: 3 entries")), qPrintable(verify.out));

        const Run exported = runCabinet(withDir({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("jsonl") }));
        QCOMPARE(exported.exitCode, 0);
        const QStringList lines = exported.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        for (int i = 0; i < lines.size(); ++i) {
            const QJsonObject entry = QJsonDocument::fromJson(lines[i].toUtf8()).object();
            QCOMPARE(entry.value(QStringLiteral("seq")).toInt(), i + 1);
            QCOMPARE(entry.value(QStringLiteral("action")).toString(), QStringLiteral("config.set"));
            QCOMPARE(entry.value(QStringLiteral("hash")).toString().size(), 64);
        }

        const Run tail = runCabinet(withDir({ QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("1") }));
        QCOMPARE(tail.exitCode, 0);
        QCOMPARE(tail.out.count(u'\n'), 1);
        QVERIFY(tail.out.startsWith(QStringLiteral("3\t")));
    }

    void verifyNamesTheFirstBrokenEntry()
    {
        QTemporaryDir dir;
        for (int i = 0; i < 4; ++i)
            QCOMPARE(runCabinet({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QString::number(i),
                                  QStringLiteral("--data-dir"), dir.path() })
                             .exitCode,
                     0);
        QVERIFY(rawExec(dir.filePath(QStringLiteral("cabinet.db")),
                        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'operator:mallory' WHERE seq = 2;"));
        const Run verify = runCabinet({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(verify.exitCode, 1);
        QVERIFY2(verify.out.contains(QStringLiteral("BROKEN at entry 2")), qPrintable(verify.out));
    }

    void doubleDashEndsGlobalOptions()
    {
        const Run run = runCabinet({ QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("--"), QStringLiteral("audit"), QStringLiteral("verify") });
        QCOMPARE(run.exitCode, 0);
    }

    void exportToAnUnwritablePlaceFails()
    {
        const Run run = runCabinet(withDir({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("-o"),
                                             m_dir.filePath(QStringLiteral("no/such/folder/audit.jsonl")) }));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("cannot write")), qPrintable(run.err));
    }

    void failedExportWriteFails()
    {
        struct stat info = {};
        if (::stat("/dev/full", &info) != 0 || !S_ISCHR(info.st_mode))
            QSKIP("no /dev/full device here to make a write fail");
        const Run run = runCabinet(withDir({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("-o"), QStringLiteral("/dev/full") }));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("failed")), qPrintable(run.err));
    }

    void readOnlyCommandsNeedAnExistingDataDirectory()
    {
        const QString missing = m_dir.filePath(QStringLiteral("does-not-exist"));
        const Run run = runCabinet({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--data-dir"), missing });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("no data directory")), qPrintable(run.err));
        QVERIFY(!QFile::exists(missing));
    }

    void foreignDatabaseIsRefusedAndKept()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("cabinet.db"));
        QVERIFY(rawExec(db, "CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES ('keep me');"));
        const QByteArray before = fileDigest(db);
        const Run run = runCabinet({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("c"),
                                     QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("not a Cabinet database")), qPrintable(run.err));
        QCOMPARE(fileDigest(db), before);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
