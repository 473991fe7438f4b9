// `cabinet models list | route | test` through the real binary: the text an
// operator reads, a call served by an OpenAI-compatible server on 127.0.0.1
// after a fallback (tokens printed as they stream, the trail with the
// server's own message), an unconfigured provider skipped without a call,
// and the API key found in no file of the data directory and in no output.
#include "CabinetProcess.h"
#include "LoopbackChatServer.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet::test;

namespace {

constexpr char KeyVariable[] = "CABINET_TEST_MODELS_KEY";
constexpr char Key[] = "sk-test-7f3a9c-never-written-down";
constexpr int CallMs = 60'000;

} // namespace

class TestModelsCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    LoopbackChatServer m_server;

    QStringList loopConfig() const
    {
        const auto set = [](const QString &kv) { return QStringList { QStringLiteral("--set"), kv }; };
        return set(QStringLiteral("llm.providers.loop.base_url=") + m_server.baseUrl())
                + set(QStringLiteral("llm.providers.loop.api_key_env=") + QLatin1String(KeyVariable))
                + set(QStringLiteral("llm.aliases.cloud.frontier=loop/broken")) + set(QStringLiteral("llm.aliases.cloud.mid=loop/test-model"));
    }

    // The binary runs while this thread's event loop serves its calls.
    Run runServed(const QStringList &args, bool withKey)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (withKey)
            env.insert(QLatin1String(KeyVariable), QLatin1String(Key));
        else
            env.remove(QLatin1String(KeyVariable));
        process.setProcessEnvironment(env);
        process.start(cabinetBinary(), QStringList { QStringLiteral("--data-dir"), m_dir.path() } + loopConfig() + args);
        Run run;
        if (!process.waitForStarted())
            return run;
        if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, CallMs)) {
            process.kill();
            process.waitForFinished();
            run.err = QStringLiteral("timed out");
            return run;
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_server.listen());
        m_server.setHandler([](const LoopbackChatServer::Request &request) {
            if (request.headers.value("authorization") != QByteArray("Bearer ") + Key)
                return LoopbackChatServer::error(401, "no such key");
            if (request.json().value(QStringLiteral("model")).toString() == QLatin1String("broken"))
                return LoopbackChatServer::error(400, "the model broken is retired");
            if (request.json().value(QStringLiteral("stream")).toBool())
                return LoopbackChatServer::stream({ QStringLiteral("Hel"), QStringLiteral("lo from"), QStringLiteral(" loopback") });
            return LoopbackChatServer::whole(QStringLiteral("Hello from loopback"));
        });
    }

    void listRouteAndTestOnTheOfflineProvider()
    {
        QTemporaryDir dir;
        const QStringList base { QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--set"), QStringLiteral("llm.providers.sim.latency_ms=0") };
        // The first call creates the data directory; the reads need one.
        const Run test = runCabinet(base + QStringList { QStringLiteral("models"), QStringLiteral("test"), QStringLiteral("cloud/mid"),
                                                         QStringLiteral("--prompt"), QStringLiteral("hello") });
        QCOMPARE(test.exitCode, 0);
        QVERIFY2(test.out.contains(QStringLiteral("served by cloud/mid (sim/cloud-mid) - simulated")), qPrintable(test.out));
        QVERIFY(test.out.contains(QStringLiteral("no model was called")));
        QVERIFY(test.out.contains(QStringLiteral("trail")));
        const Run list = runCabinet(base + QStringList { QStringLiteral("models"), QStringLiteral("list") });
        QCOMPARE(list.exitCode, 0);
        for (const char *seen : { "sim", "(simulated)", "cloud/frontier", "local/fast", "routing", "review" })
            QVERIFY2(list.out.contains(QLatin1String(seen)), seen);

        const Run listJson = runCabinet(base + QStringList { QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--json") });
        QCOMPARE(listJson.exitCode, 0);
        const QJsonObject models = QJsonDocument::fromJson(listJson.out.toUtf8()).object();
        QStringList aliases;
        for (const QJsonValue &a : models.value(QStringLiteral("aliases")).toArray())
            aliases << a.toObject().value(QStringLiteral("alias")).toString();
        for (const char *alias : { "local/fast", "local/quality", "cloud/fast", "cloud/mid", "cloud/frontier" })
            QVERIFY2(aliases.contains(QLatin1String(alias)), alias);

        const Run route = runCabinet(base + QStringList { QStringLiteral("models"), QStringLiteral("route"), QStringLiteral("review") });
        QCOMPARE(route.exitCode, 0);
        QVERIFY2(route.out.contains(QStringLiteral("task review -> cloud/mid")), qPrintable(route.out));
        QVERIFY(route.out.contains(QStringLiteral("cloud/fast")));
    }

    void servedByTheLoopbackServerAfterAFallback()
    {
        const qsizetype before = m_server.requests().size();
        const Run run = runServed({ QStringLiteral("models"), QStringLiteral("test"), QStringLiteral("cloud/frontier"), QStringLiteral("--stream") }, true);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        // The tokens, as they came, then the trail: the retired model first,
        // with the server's own words, then the fallback that served.
        QVERIFY2(run.out.startsWith(QStringLiteral("Hello from loopback\n")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("the model broken is retired")), qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("served by cloud/mid (loop/test-model)")));
        QVERIFY(!run.out.contains(QStringLiteral("simulated")));
        QCOMPARE(m_server.requests().size(), before + 2); // a 4xx is not retried

        const Run json = runServed({ QStringLiteral("models"), QStringLiteral("test"), QStringLiteral("cloud/frontier"), QStringLiteral("--json") }, true);
        QCOMPARE(json.exitCode, 0);
        const QJsonObject trail = QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("trail")).toObject();
        const QJsonArray attempts = trail.value(QStringLiteral("attempts")).toArray();
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0].toObject().value(QStringLiteral("alias")).toString(), QStringLiteral("cloud/frontier"));
        QCOMPARE(attempts[0].toObject().value(QStringLiteral("reason")).toString(), QStringLiteral("invalid_argument"));
        QCOMPARE(attempts[1].toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("served"));
        QCOMPARE(trail.value(QStringLiteral("served")).toObject().value(QStringLiteral("model")).toString(), QStringLiteral("test-model"));
        QCOMPARE(trail.value(QStringLiteral("tokens_in")).toInt(), 7);
        QCOMPARE(trail.value(QStringLiteral("tokens_out")).toInt(), 3);
        for (const Run &r : { run, json })
            QVERIFY(!r.out.contains(QLatin1String(Key)) && !r.err.contains(QLatin1String(Key)));
    }

    void unconfiguredProviderIsSkippedWithoutACall()
    {
        const qsizetype before = m_server.requests().size();
        const Run run = runServed({ QStringLiteral("models"), QStringLiteral("test"), QStringLiteral("cloud/mid"), QStringLiteral("--json") }, false);
        QCOMPARE(run.exitCode, 0);
        const QJsonObject trail = QJsonDocument::fromJson(run.out.toUtf8()).object().value(QStringLiteral("trail")).toObject();
        const QJsonObject first = trail.value(QStringLiteral("attempts")).toArray().first().toObject();
        QCOMPARE(first.value(QStringLiteral("reason")).toString(), QStringLiteral("unconfigured"));
        QVERIFY(trail.value(QStringLiteral("simulated")).toBool()); // cloud/fast, the offline provider
        QCOMPARE(m_server.requests().size(), before);
    }

    void theKeyIsInNoFileOfTheDataDirectory()
    {
        // After the calls above: the database, its WAL, the audit trail's
        // checkpoints, the logs.
        int files = 0;
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
            QVERIFY2(!file.readAll().contains(Key), qPrintable(file.fileName()));
            ++files;
        }
        QVERIFY(files > 0);
        const Run audit = runCabinet({ QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("audit"), QStringLiteral("export") });
        QCOMPARE(audit.exitCode, 0);
        QVERIFY(audit.out.contains(QStringLiteral("models.test")));
        QVERIFY(!audit.out.contains(QLatin1String(Key)));
    }
};

QTEST_GUILESS_MAIN(TestModelsCli)
#include "tst_models_cli.moc"
