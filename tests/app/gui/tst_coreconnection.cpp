#include "GuiTestSupport.h"
#include "TestSupport.h"
#include "events/EventBus.h"

#include <QJsonDocument>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {
// Publishes ephemeral events of these types on the core, in order.
bool publish(RunningCore &core, const QStringList &types)
{
    const auto done = core.call([types](Cabinet &cabinet) {
        for (const QString &type : types)
            cabinet.events().publishEphemeral(type, {});
        return true;
    });
    return done && *done;
}

// Calls an operation and waits for its answer.
std::optional<Result<QByteArray>> callAndWait(CoreConnection &connection, const QString &name, const QByteArray &params)
{
    std::optional<Result<QByteArray>> answer;
    QObject receiver;
    connection.call(&receiver, name, params, [&answer](Result<QByteArray> reply) { answer = std::move(reply); });
    (void)QTest::qWaitFor([&answer] { return answer.has_value(); });
    return answer;
}

const QStringList Probes { QStringLiteral("job.started"), QStringLiteral("job.progress"), QStringLiteral("jobs.other"),
                           QStringLiteral("ledger.x") };
} // namespace

// CoreConnection as transport: events routed by type to those who asked
// for them, operations through the catalogue as the person at the terminal.
class TestCoreConnection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void subscribersGetOnlyTheTypesTheyAskedFor()
    {
        RunningCore core;
        QVERIFY(core.start());
        QObject exact, group, two, every;
        QStringList gotExact, gotGroup, gotTwo, gotEvery;
        core.connection.subscribe({ QStringLiteral("job.started") }, &exact, [&](const Event &e) { gotExact << e.type; });
        core.connection.subscribe({ QStringLiteral("job.") }, &group, [&](const Event &e) { gotGroup << e.type; });
        core.connection.subscribe({ QStringLiteral("ledger."), QStringLiteral("jobs.other") }, &two,
                                  [&](const Event &e) { gotTwo << e.type; });
        core.connection.subscribe({}, &every, [&](const Event &e) {
            if (Probes.contains(e.type))
                gotEvery << e.type;
        });
        QVERIFY(publish(core, Probes));
        QTRY_COMPARE(gotEvery, Probes);
        QCOMPARE(gotExact, QStringList { QStringLiteral("job.started") });
        QCOMPARE(gotGroup, (QStringList { QStringLiteral("job.started"), QStringLiteral("job.progress") }));
        QCOMPARE(gotTwo, (QStringList { QStringLiteral("jobs.other"), QStringLiteral("ledger.x") }));
    }

    void unsubscribedOrDestroyedReceiversGetNothing()
    {
        RunningCore core;
        QVERIFY(core.start());
        QObject kept, dropped;
        auto destroyed = std::make_unique<QObject>();
        int keptCount = 0, droppedCount = 0, destroyedCount = 0;
        core.connection.subscribe({ QStringLiteral("tick") }, &kept, [&](const Event &) { ++keptCount; });
        const int id = core.connection.subscribe({ QStringLiteral("tick") }, &dropped, [&](const Event &) { ++droppedCount; });
        core.connection.subscribe({ QStringLiteral("tick") }, destroyed.get(), [&](const Event &) { ++destroyedCount; });
        QVERIFY(publish(core, { QStringLiteral("tick") }));
        QTRY_COMPARE(keptCount, 1);
        QCOMPARE(droppedCount, 1);
        QCOMPARE(destroyedCount, 1);

        core.connection.unsubscribe(id);
        destroyed.reset();
        QVERIFY(publish(core, { QStringLiteral("tick") }));
        QTRY_COMPARE(keptCount, 2);
        QCOMPARE(droppedCount, 1);
        QCOMPARE(destroyedCount, 1);
    }

    void handlerMayUnsubscribeItself()
    {
        RunningCore core;
        QVERIFY(core.start());
        QObject receiver, sentinel;
        int once = 0, all = 0;
        int id = 0;
        id = core.connection.subscribe({ QStringLiteral("tick") }, &receiver, [&](const Event &) {
            ++once;
            core.connection.unsubscribe(id);
        });
        core.connection.subscribe({ QStringLiteral("tick") }, &sentinel, [&](const Event &) { ++all; });
        QVERIFY(publish(core, { QStringLiteral("tick"), QStringLiteral("tick") }));
        QTRY_COMPARE(all, 2);
        QCOMPARE(once, 1);
    }

    void callsGoThroughTheCatalogueAsThePersonAtTheTerminal()
    {
        qputenv("CABINET_OPERATOR", "alice");
        RunningCore core;
        QVERIFY(core.start());
        QCOMPARE(CoreConnection::actor().toString(), QStringLiteral("operator:alice"));

        auto set = callAndWait(core.connection, QStringLiteral("config.set"), R"({"key": "mode", "value": "manual"})");
        QVERIFY(set);
        QVERIFY2(set->ok(), set->ok() ? "" : qPrintable(set->error().message));
        QCOMPARE(QJsonDocument::fromJson(**set).object().value(u"value").toString(), QStringLiteral("manual"));
        // Audited under the console's actor, by the operation.
        const auto newest = core.call([](Cabinet &cabinet) { return cabinet.audit().tail(1); });
        QVERIFY(newest && newest->ok() && (*newest)->size() == 1);
        QCOMPARE((*newest)->first().actor, QStringLiteral("operator:alice"));
        QCOMPARE((*newest)->first().action, QStringLiteral("config.set"));

        // The catalogue's own errors come back as they are.
        auto unknown = callAndWait(core.connection, QStringLiteral("no.such_thing"), "{}");
        QVERIFY(unknown && !unknown->ok());
        QCOMPARE(unknown->error().code, ErrorCode::NotFound);
        auto notObject = callAndWait(core.connection, QStringLiteral("core.status"), "[1]");
        QVERIFY(notObject && !notObject->ok());
        QCOMPARE(notObject->error().code, ErrorCode::InvalidArgument);
        qunsetenv("CABINET_OPERATOR");
    }

    void callWithoutACoreIsUnavailable()
    {
        TestCabinet holder; // holds the data directory's lock
        QVERIFY(holder.open());
        CoreConnection connection;
        Cabinet::Options options;
        options.dataDir = holder.dir.path();
        connection.open(options);
        QTRY_COMPARE(connection.state(), CoreConnection::Failed);
        auto answer = callAndWait(connection, QStringLiteral("core.status"), "{}");
        QVERIFY(answer && !answer->ok());
        QCOMPARE(answer->error().code, ErrorCode::Unavailable);
    }

    void answerIsDroppedWhenTheReceiverIsGone()
    {
        RunningCore core;
        QVERIFY(core.start());
        bool answered = false;
        auto receiver = std::make_unique<QObject>();
        core.connection.call(receiver.get(), QStringLiteral("core.status"), "{}", [&answered](Result<QByteArray>) { answered = true; });
        receiver.reset();
        // A later answer to a live receiver shows the first had its turn.
        QVERIFY(callAndWait(core.connection, QStringLiteral("core.status"), "{}"));
        QVERIFY(!answered);
    }
};

QTEST_GUILESS_MAIN(TestCoreConnection)
#include "tst_coreconnection.moc"
