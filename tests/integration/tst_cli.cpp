#include "CabinetProcess.h"
#include "RawSqlite.h"
#include "approvals/ApprovalTypes.h"
#include "ledger/LedgerTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <algorithm>
#include <limits>

using namespace cabinet::test;

namespace {

// No byte a terminal acts on (ESC, NUL, BEL, C1, DEL) nor a carriage return:
// newlines end the lines cabinet writes, nothing else may reach the terminal raw.
bool noRawControls(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n') || u == 0x7f || (u >= 0x80 && u <= 0x9f))
            return false;
    }
    return true;
}

// Every command with one argument more than it takes. `path` is the command,
// for the check that no command listed by --help is missing here.
struct ExtraArguments {
    QStringList path;
    QStringList args;
};

QList<ExtraArguments> extraArgumentCases()
{
    const QString x = QStringLiteral("extra");
    const QString filter = QStringLiteral("{\"account_id\": 1}");
    QStringList tooManyIds;
    for (cabinet::ledger::u32 i = 0; i <= cabinet::ledger::BatchMax; ++i)
        tooManyIds << QString::number(i + 1);
    // One more request than a decision may name.
    QStringList tooManyApprovals;
    for (int i = 0; i <= cabinet::approvals::BulkMax; ++i)
        tooManyApprovals << QStringLiteral("01J%1").arg(i, 23, 10, QLatin1Char('0'));
    const auto words = [](const char *text) { return QString::fromLatin1(text).split(u' '); };
    return {
        { words("agents list"), { x } },
        { words("agents show"), { QStringLiteral("rex"), x } },
        { words("agents check"), { QStringLiteral("/nonexistent/agent.md"), x } },
        { words("api list"), { x } },
        { words("approvals list"), { x } },
        { words("approvals deliveries"), { x } },
        { words("approvals show"), { QStringLiteral("01J0000000000000000000000A"), x } },
        { words("approve"), tooManyApprovals },
        { words("deny"), tooManyApprovals },
        { words("policy check"), { QStringLiteral(R"({"kind":"deploy"})"), x } },
        { words("audit verify"), { x } },
        { words("audit export"), { x } },
        { words("audit tail"), { x } },
        { words("audit checkpoint"), { x } },
        { words("board deliberate"), { x } },
        { words("board show"), { QStringLiteral("1"), x } },
        { words("board list"), { x } },
        { words("board whatif"), { QStringLiteral("1"), x, QStringLiteral("--assume"), QStringLiteral("horizon_days=10") } },
        { words("pilot gate"), { QStringLiteral("1"), x } },
        { words("pilot run"), { x } },
        { words("pilot status"), { x } },
        { words("config get"), { QStringLiteral("k.v"), x } },
        { words("config set"), { QStringLiteral("k.v"), QStringLiteral("1"), x } },
        { words("config list"), { x } },
        { words("costs report"), { x } },
        { words("budget show"), { x } },
        { words("budget set"), { QStringLiteral("rex"), x, QStringLiteral("--daily"), QStringLiteral("1") } },
        { words("budget resume"), { QStringLiteral("rex"), x } },
        { words("treasury fund"), { QStringLiteral("1"), x } },
        { words("mode get"), { x } },
        { words("mode set"), { QStringLiteral("paused"), x } },
        { words("ledger create-accounts"), { QStringLiteral("-"), x } },
        { words("ledger create-transfers"), { QStringLiteral("-"), x } },
        { words("ledger lookup-accounts"), tooManyIds },
        { words("ledger lookup-transfers"), tooManyIds },
        { words("ledger account-transfers"), { filter, x } },
        { words("ledger account-balances"), { filter, x } },
        { words("ledger query-accounts"), { QStringLiteral("{}"), x } },
        { words("ledger query-transfers"), { QStringLiteral("{}"), x } },
        { words("ledger expire"), { x } },
        { words("ledger replay-check"), { x } },
        { words("ledger journal"), { x } },
        { words("models list"), { x } },
        { words("models test"), { QStringLiteral("cloud/mid"), x } },
        { words("models route"), { QStringLiteral("review"), x } },
        { words("simulate"), { x } },
        { words("task submit"), { x } },
        { words("task list"), { x } },
        { words("task show"), { QStringLiteral("01J0000000000000000000000A"), x } },
        { words("task pause"), { QStringLiteral("01J0000000000000000000000A"), x } },
        { words("task resume"), { QStringLiteral("01J0000000000000000000000A"), x } },
        { words("task cancel"), { QStringLiteral("01J0000000000000000000000A"), x } },
        { words("task retry"), { QStringLiteral("01J0000000000000000000000A"), x } },
        { words("task step"), { QStringLiteral("01J0000000000000000000000A"), x } },
        { words("task until"), { QStringLiteral("01J0000000000000000000000A"), QStringLiteral("build"), x } },
        { words("tokens create"), { x, QStringLiteral("--name"), QStringLiteral("a"), QStringLiteral("--role"), QStringLiteral("viewer") } },
        { words("tokens list"), { x } },
        { words("tokens revoke"), { QStringLiteral("a"), x } },
        { words("work"), { x } },
        { words("workflows list"), { x } },
        { words("workflows show"), { QStringLiteral("default"), x } },
        { words("workflows check"), { QStringLiteral("/nonexistent/flow.yaml"), x } },
    };
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList withDir(const QStringList &args) const { return QStringList { QStringLiteral("--data-dir"), m_dir.path() } + args; }
    // A data directory of its own, with a database, for commands that open one.
    QTemporaryDir m_other;
    QStringList withOther(const QStringList &args) const { return QStringList { QStringLiteral("--data-dir"), m_other.path() } + args; }

private Q_SLOTS:
    void apiListPrintsTheCatalogue()
    {
        const Run run = runCabinet({ QStringLiteral("api"), QStringLiteral("list"), QStringLiteral("--json") });
        QCOMPARE(run.exitCode, 0);
        const QJsonArray operations = QJsonDocument::fromJson(run.out.toUtf8()).array();
        QVERIFY(operations.size() > 10);
        bool sawWrite = false;
        QString previous;
        for (const QJsonValue &value : operations) {
            const QJsonObject op = value.toObject();
            const QString name = op.value(QStringLiteral("name")).toString();
            QVERIFY2(name > previous, qPrintable(name)); // sorted, each once
            previous = name;
            QVERIFY(!op.value(QStringLiteral("errors")).toArray().isEmpty());
            if (name == u"ledger.create_transfers") {
                sawWrite = true;
                QVERIFY(op.value(QStringLiteral("mutating")).toBool());
                QCOMPARE(op.value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
            }
        }
        QVERIFY(sawWrite);
    }

    void verifyJsonIsTheOperationsResult()
    {
        QTemporaryDir dir;
        QCOMPARE(runCabinet({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("1"),
                              QStringLiteral("--data-dir"), dir.path() })
                         .exitCode,
                 0);
        const Run run = runCabinet({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--json"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(run.exitCode, 0);
        const QJsonObject result = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(result.value(QStringLiteral("intact")).toBool(), true);
        QVERIFY(result.value(QStringLiteral("entries")).toInteger() >= 1);
    }

    // The gates in order through the real binary, then a whole day that
    // runs them itself and waits for the day's end.
    void pilotGatesThenADay()
    {
        QTemporaryDir dir;
        const auto pilot = [&](QStringList args) { return runCabinet(QStringList { QStringLiteral("pilot") } + args + QStringList { QStringLiteral("--data-dir"), dir.path() }); };
        Run run = pilot({ QStringLiteral("gate"), QStringLiteral("2") });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("gate 1")), qPrintable(run.err));
        QCOMPARE(pilot({ QStringLiteral("gate"), QStringLiteral("4") }).exitCode, 2);
        run = pilot({ QStringLiteral("gate"), QStringLiteral("1"), QStringLiteral("--json") });
        QCOMPARE(run.exitCode, 0);
        const QJsonObject one = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(one.value(QStringLiteral("gate")).toInteger(), 1);
        QVERIFY(one.value(QStringLiteral("passed")).toBool());
        QCOMPARE(one.value(QStringLiteral("checks")).toArray().size(), 5);
        run = pilot({ QStringLiteral("gate"), QStringLiteral("2") });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(QStringLiteral("gate 2: PASSED")), qPrintable(run.out));
        run = pilot({ QStringLiteral("gate"), QStringLiteral("3"), QStringLiteral("--json") });
        QCOMPARE(run.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(run.out.toUtf8()).object().value(QStringLiteral("dry_run")).toInteger() > 0);

        run = pilot({ QStringLiteral("run"), QStringLiteral("--participants"), QStringLiteral("20"), QStringLiteral("--hours"), QStringLiteral("1"),
                      QStringLiteral("--json") });
        QCOMPARE(run.exitCode, 0);
        const QJsonObject day = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(day.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        QVERIFY(day.value(QStringLiteral("report")).toObject().value(QStringLiteral("credits")).toObject().value(QStringLiteral("balanced")).toBool());
        run = pilot({ QStringLiteral("status") });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("delivery rate")), qPrintable(run.out));
    }

    void configSetRefusesAnApiKey()
    {
        QTemporaryDir dir;
        const Run run = runCabinet({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("llm.providers.openai.api_key"),
                                     QStringLiteral("sk-live-1234"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(run.exitCode, 1);
        QVERIFY(!run.out.contains(QStringLiteral("sk-live")) && !run.err.contains(QStringLiteral("sk-live")));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("config.yaml"))));
        // The variable's name is what belongs in the file.
        QCOMPARE(runCabinet({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("llm.providers.openai.api_key_env"),
                              QStringLiteral("OPENAI_API_KEY"), QStringLiteral("--data-dir"), dir.path() })
                     .exitCode,
                 0);
    }

    void initTestCase()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        QCOMPARE(runCabinet(withOther({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("k.v"), QStringLiteral("1") })).exitCode, 0);
    }

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
        QTest::newRow("bad count") << QStringList { QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("-3") } << QStringLiteral("-n needs a whole number from 1 to");
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

    void groupsListTheirCommands_data()
    {
        QTest::addColumn<QString>("group");
        for (const char *group : { "audit", "config", "ledger" })
            QTest::newRow(group) << QString::fromLatin1(group);
    }
    void groupsListTheirCommands()
    {
        QFETCH(QString, group);
        // The group's lines of 'cabinet --help', spaces aside.
        const Run help = runCabinet({ QStringLiteral("--help") });
        QStringList expected;
        for (const QString &line : help.out.split(u'\n'))
            if (line.startsWith(QStringLiteral("  ") + group + u' '))
                expected << line.simplified();
        QVERIFY(expected.size() >= 3);
        const auto lists = [&](const QString &text) {
            QStringList lines;
            for (const QString &line : text.split(u'\n'))
                lines << line.simplified();
            for (const QString &line : expected)
                if (!lines.contains(line))
                    return false;
            return true;
        };

        const Run asked = runCabinet(withDir({ group, QStringLiteral("--help") }));
        QCOMPARE(asked.exitCode, 0);
        QVERIFY2(lists(asked.out), qPrintable(asked.out + asked.err));
        const Run shortAsked = runCabinet(withDir({ group, QStringLiteral("-h") }));
        QCOMPARE(shortAsked.exitCode, 0);
        QVERIFY2(lists(shortAsked.out), qPrintable(shortAsked.out + shortAsked.err));

        const Run bare = runCabinet(withDir({ group }));
        QCOMPARE(bare.exitCode, 2);
        QVERIFY(bare.out.isEmpty());
        QVERIFY2(lists(bare.err), qPrintable(bare.err));

        const Run unknown = runCabinet(withDir({ group, QStringLiteral("frob") }));
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(lists(unknown.err), qPrintable(unknown.err));
    }

    void everyCommandRefusesExtraArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        for (const ExtraArguments &command : extraArgumentCases())
            QTest::newRow(qPrintable(command.path.join(u' '))) << command.path + command.args;
    }
    void everyCommandRefusesExtraArguments()
    {
        QFETCH(QStringList, args);
        const QByteArray before = fileDigest(m_other.filePath(QStringLiteral("cabinet.db")));
        const Run run = runCabinet(withOther(args));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.out.isEmpty(), qPrintable(run.out));
        QCOMPARE(fileDigest(m_other.filePath(QStringLiteral("cabinet.db"))), before);
    }

    void everyCommandHasAnExtraArgumentsCase()
    {
        const Run help = runCabinet({ QStringLiteral("--help") });
        const QString commands = help.out.mid(help.out.indexOf(QStringLiteral("\nCommands:\n")));
        QVERIFY(!commands.isEmpty());
        const QList<ExtraArguments> cases = extraArgumentCases();
        int listed = 0;
        for (const QString &line : commands.split(u'\n').mid(2)) {
            if (line.trimmed().isEmpty())
                continue;
            ++listed;
            const QString entry = line.trimmed() + u' ';
            const bool covered = std::any_of(cases.cbegin(), cases.cend(),
                                             [&](const ExtraArguments &c) { return entry.startsWith(c.path.join(u' ') + u' '); });
            QVERIFY2(covered, qPrintable(QStringLiteral("no extra-arguments case for: ") + line));
        }
        QVERIFY(listed >= 10); // the list was found and read
    }

    void numbersOutOfRangeSayTheMaximum_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("maximum");
        QTest::newRow("journal --limit") << QStringList { QStringLiteral("ledger"), QStringLiteral("journal"), QStringLiteral("--limit"), QStringLiteral("99999999999") }
                                         << QString::number(std::numeric_limits<cabinet::ledger::u32>::max());
        QTest::newRow("journal --after") << QStringList { QStringLiteral("ledger"), QStringLiteral("journal"), QStringLiteral("--after"), QStringLiteral("99999999999999999999") }
                                         << QString::number(cabinet::ledger::TimestampMax);
        QTest::newRow("audit tail -n") << QStringList { QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("99999999999") }
                                       << QString::number(std::numeric_limits<int>::max());
        QTest::newRow("simulate --bins") << QStringList { QStringLiteral("simulate"), QStringLiteral("--bins"), QStringLiteral("99999999999") }
                                         << QStringLiteral("from 1 to 10000");
        QTest::newRow("simulate --paths") << QStringList { QStringLiteral("simulate"), QStringLiteral("--paths"), QStringLiteral("99999999999") }
                                          << QStringLiteral("from 0 to 1000");
    }
    void numbersOutOfRangeSayTheMaximum()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, maximum);
        const Run run = runCabinet(withOther(args));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(maximum), qPrintable(run.err));
    }

    void echoedInputIsEscapedAndBounded_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("exitCode");
        // Clear the screen, retitle the terminal, ring the bell. (The JSON
        // rows are plain literals: moc 6.4 loses the class after a raw
        // string holding \u0000.)
        const QString esc = QStringLiteral("\x1b[2J\x1b]0;owned\x07\x7f\u009b");
        const QString longArg(100 * 1024, u'9'); // about the most one argument may be
        const auto words = [](const char *text) { return QString::fromLatin1(text).split(u' '); };
        QTest::newRow("unknown command") << QStringList { esc } << QByteArray() << 2;
        QTest::newRow("unknown subcommand") << QStringList { QStringLiteral("audit"), esc } << QByteArray() << 2;
        QTest::newRow("a long unknown command") << QStringList { longArg } << QByteArray() << 2;
        QTest::newRow("unknown global option") << QStringList { QStringLiteral("--") + esc } << QByteArray() << 2;
        QTest::newRow("unknown command option") << words("audit tail") + QStringList { QStringLiteral("--") + esc } << QByteArray() << 2;
        QTest::newRow("a long unknown command option") << words("audit tail") + QStringList { QStringLiteral("--") + longArg } << QByteArray() << 2;
        QTest::newRow("--set without =") << QStringList { QStringLiteral("--set"), esc, QStringLiteral("audit"), QStringLiteral("verify") } << QByteArray() << 2;
        QTest::newRow("--set with a bad key") << QStringList { QStringLiteral("--set"), esc + u'=', QStringLiteral("audit"), QStringLiteral("verify") } << QByteArray() << 2;
        QTest::newRow("--headless with a command") << QStringList { QStringLiteral("--headless"), esc } << QByteArray() << 2;
        QTest::newRow("extra argument") << words("audit verify") + QStringList { esc } << QByteArray() << 2;
        QTest::newRow("tail -n") << words("audit tail -n") + QStringList { esc } << QByteArray() << 2;
        QTest::newRow("export --format") << words("audit export --format") + QStringList { esc } << QByteArray() << 2;
        QTest::newRow("config get") << words("config get") + QStringList { esc } << QByteArray() << 1;
        QTest::newRow("config set key") << words("config set") + QStringList { esc, QStringLiteral("v") } << QByteArray() << 2;
        QTest::newRow("journal --limit") << words("ledger journal --limit") + QStringList { esc } << QByteArray() << 2;
        QTest::newRow("journal --after") << words("ledger journal --after") + QStringList { esc } << QByteArray() << 2;
        QTest::newRow("ledger id") << words("ledger lookup-accounts") + QStringList { u'1' + esc } << QByteArray() << 2;
        QTest::newRow("a 100 KB ledger id") << words("ledger lookup-accounts") + QStringList { longArg } << QByteArray() << 2;
        QTest::newRow("JSON field name") << words("ledger create-accounts")
                                         << QByteArray("[{\"id\": 1, \"\\u001b[2Jcolour\\u0000\\u009b\": 1}]") << 2;
        QTest::newRow("JSON flag") << words("ledger create-accounts") << QByteArray("[{\"id\": 1, \"flags\": [\"\\u001b[2J\\u0007\"]}]") << 2;
        QTest::newRow("JSON duplicate key") << words("ledger create-accounts") << QByteArray("[{\"id\": 1, \"\\u001b\": 1, \"\\u001b\": 2}]") << 2;
        QTest::newRow("JSON text that is not a number") << words("ledger create-accounts") << QByteArray("[{\"id\": \"1\\u001b[2J\"}]") << 2;
        QTest::newRow("scenario JSON field name") << words("simulate --params -") << QByteArray("{\"\\u001b[2Jvolatility\": 1}") << 2;
        QTest::newRow("a 10 MB JSON number") << words("ledger create-accounts")
                                             << "[{\"id\": " + QByteArray(10 * 1024 * 1024, '9') + "}]" << 2;
    }
    void echoedInputIsEscapedAndBounded()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(int, exitCode);
        const Run run = runCabinet(withOther(args), input);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(noRawControls(run.err), run.err.toUtf8().toPercentEncoding(" '\"(),.:;=-_/").constData());
        QVERIFY2(run.err.size() < 1024 + m_other.path().size(), qPrintable(QString::number(run.err.size())));
        QVERIFY(run.out.isEmpty());
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
