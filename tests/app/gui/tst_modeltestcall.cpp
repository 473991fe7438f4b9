// The Models panel's test call against a running core: a streamed
// models.test whose tokens appear as the sim provider paces them on the
// core's ManualClock, then the whole reply with who served it; a refusal
// shows the core's error and leaves no text. Against an OpenAI-compatible
// server on 127.0.0.1, the streamed tokens are the server's.
#include "LoopbackChatServer.h"
#include "ModelFixtures.h"
#include "gui/ModelTestCall.h"

#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

class TestModelTestCall : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tokensAppearAsTheyArrive()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core, 100, 10));
        ModelTestCall test;
        test.setConnection(&core.connection);
        QSignalSpy finished(&test, &ModelTestCall::finished);
        test.start(QStringLiteral("cloud/mid"), QStringLiteral("How should we cache the build?"));
        QVERIFY(test.running());
        QTRY_VERIFY(test.call() > 0); // llm.test_started named the router's call
        test.start(QStringLiteral("cloud/fast"), {}); // one at a time
        QCOMPARE(test.text(), QString());

        core.clock->advanceMs(100);
        QTRY_VERIFY(!test.text().isEmpty());
        const QString first = test.text();
        QVERIFY(test.running());
        core.clock->advanceMs(200);
        QTRY_VERIFY(test.text().size() > first.size());
        QVERIFY(test.text().startsWith(first));
        QVERIFY(test.running());
        QCOMPARE(finished.count(), 0);

        // A second at a time, as the clock would move.
        for (int s = 0; s < 60 && finished.isEmpty(); ++s) {
            core.clock->advanceMs(1'000);
            QTest::qWait(20);
        }
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!test.running());
        QCOMPARE(test.error(), QString());
        QVERIFY(test.simulated());
        QVERIFY(test.text().startsWith(QStringLiteral("[simulated]")));
        QCOMPARE(test.served(), QStringLiteral("cloud/mid → sim/cloud-mid"));
    }

    void servedByAnOpenAiCompatibleServer()
    {
        LoopbackChatServer server;
        QVERIFY(server.listen());
        server.setHandler([](const LoopbackChatServer::Request &) {
            return LoopbackChatServer::stream({ QStringLiteral("Hel"), QStringLiteral("lo from"), QStringLiteral(" loopback") });
        });
        RunningCore core;
        QFile file(DataDirectory::configPath(core.dir.path()));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("llm:\n  providers:\n    loop:\n      base_url: " + server.baseUrl().toUtf8()
                   + "\n  aliases:\n    cloud:\n      mid: loop/test-model\n");
        file.close();
        QVERIFY(core.start());
        ModelTestCall test;
        test.setConnection(&core.connection);
        QSignalSpy finished(&test, &ModelTestCall::finished);
        test.start(QStringLiteral("cloud/mid"), QStringLiteral("hello"));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(test.error(), QString());
        QCOMPARE(test.text(), QStringLiteral("Hello from loopback"));
        QVERIFY(!test.simulated());
        QCOMPARE(test.served(), QStringLiteral("cloud/mid → test-model")); // the model as the server named it
        QCOMPARE(server.requests().size(), 1);
        QVERIFY(server.requests().first().json().value(QStringLiteral("stream")).toBool());
    }

    void refusalShowsTheCoresError()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core));
        ModelTestCall test;
        test.setConnection(&core.connection);
        QSignalSpy finished(&test, &ModelTestCall::finished);
        test.start(QStringLiteral("cloud/none"), QStringLiteral("hello"));
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!test.running());
        QVERIFY(!test.error().isEmpty());
        QCOMPARE(test.text(), QString());
        QCOMPARE(test.served(), QString());
    }
};

QTEST_MAIN(TestModelTestCall)
#include "tst_modeltestcall.moc"
