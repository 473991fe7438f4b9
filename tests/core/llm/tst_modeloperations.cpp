// models.* through the core's dispatcher: the router is one of the core's
// services, reads llm.* from the configuration (again when it changes),
// runs its deadlines on the core's scheduler and ManualClock, audits
// models.test, publishes llm.call / llm.token, and never shows a key.
#include "TestSupport.h"
#include "store/DataDirectory.h"
#include "api/Dispatcher.h"
#include "audit/AuditLog.h"
#include "config/Config.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "llm/Router.h"
#include "store/DataDirectory.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace cabinet;

namespace {

std::optional<Result<QByteArray>> call(Cabinet &cabinet, const QString &name, const QByteArray &params, int waitMs = 10'000)
{
    auto answer = std::make_shared<std::optional<Result<QByteArray>>>();
    cabinet.api().call(name, test::tester(), params, [answer](Result<QByteArray> result) { *answer = std::move(result); });
    (void)QTest::qWaitFor([&] { return answer->has_value(); }, waitMs);
    return *answer;
}

void set(Cabinet &cabinet, const char *key, const QString &value)
{
    QVERIFY(cabinet.config().set(QLatin1String(key), value, test::tester().toString(), cabinet.database(), cabinet.audit(), cabinet.events()));
    QTest::qWait(0); // the router reads the settings after the commit
    QCoreApplication::processEvents();
}

} // namespace

class TestModelOperations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listShowsTheOfflineDefaults()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        auto answer = call(*c.cabinet, QStringLiteral("models.list"), "{}");
        QVERIFY(answer && answer->ok());
        const QJsonObject list = QJsonDocument::fromJson(answer->value()).object();
        const QJsonArray providers = list.value(QStringLiteral("providers")).toArray();
        QCOMPARE(providers.size(), 1);
        QCOMPARE(providers.first().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("sim"));
        QCOMPARE(providers.first().toObject().value(QStringLiteral("simulated")).toBool(), true);
        QCOMPARE(providers.first().toObject().value(QStringLiteral("breaker")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("closed"));
        QCOMPARE(list.value(QStringLiteral("aliases")).toArray().size(), 5);
        for (const QJsonValue &alias : list.value(QStringLiteral("aliases")).toArray())
            QVERIFY(alias.toObject().value(QStringLiteral("simulated")).toBool());
        QVERIFY(!list.value(QStringLiteral("routing")).toArray().isEmpty());
        QCOMPARE(call(*c.cabinet, QStringLiteral("models.list"), R"({"x":1})")->error().code, ErrorCode::InvalidArgument);
    }

    void routeNamesTheChain()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        auto answer = call(*c.cabinet, QStringLiteral("models.route"), R"({"task_type":"build"})");
        QVERIFY(answer && answer->ok());
        const QJsonObject route = QJsonDocument::fromJson(answer->value()).object();
        QCOMPARE(route.value(QStringLiteral("alias")).toString(), QStringLiteral("cloud/frontier"));
        QCOMPARE(route.value(QStringLiteral("chain")).toArray().size(), 3);
        QCOMPARE(route.value(QStringLiteral("chain")).toArray().at(1).toObject().value(QStringLiteral("model")).toString(), QStringLiteral("cloud-mid"));
        QCOMPARE(call(*c.cabinet, QStringLiteral("models.route"), "{}")->error().code, ErrorCode::InvalidArgument);
        QCOMPARE(call(*c.cabinet, QStringLiteral("models.route"), R"({"alias":"cloud/none"})")->error().code, ErrorCode::NotFound);
        // The routing table follows the configuration.
        set(*c.cabinet, "llm.routing.build", QStringLiteral("local/quality"));
        answer = call(*c.cabinet, QStringLiteral("models.route"), R"({"task_type":"build"})");
        QCOMPARE(QJsonDocument::fromJson(answer->value()).object().value(QStringLiteral("alias")).toString(), QStringLiteral("local/quality"));
    }

    void testIsOneAuditedCallOnTheCoresClock()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        QStringList tokens;
        QList<QJsonObject> calls;
        c->events().subscribe({ events::LlmToken, events::LlmCall }, [&](const Event &event) {
            if (event.type == events::LlmToken)
                tokens << event.payload.value(QStringLiteral("text")).toString();
            else
                calls << event.payload;
        });
        auto answer = std::make_shared<std::optional<Result<QByteArray>>>();
        c->api().call(QStringLiteral("models.test"), test::tester(), R"({"alias":"cloud/mid","prompt":"hello","stream":true})",
                      [answer](Result<QByteArray> r) { *answer = std::move(r); });
        QTest::qWait(50);
        QVERIFY(!answer->has_value()); // the simulated latency is on the ManualClock
        c.clock->advanceMs(300);
        QTRY_VERIFY(!tokens.isEmpty());
        c.clock->advanceMs(60'000);
        QTRY_VERIFY(answer->has_value());
        QVERIFY2((*answer)->ok(), qPrintable((*answer)->ok() ? QString() : (*answer)->error().message));
        const QJsonObject result = QJsonDocument::fromJson((*answer)->value()).object();
        QVERIFY(result.value(QStringLiteral("simulated")).toBool());
        QCOMPARE(result.value(QStringLiteral("reply")).toString(), tokens.join(QString()));
        const QJsonObject trail = result.value(QStringLiteral("trail")).toObject();
        QCOMPARE(trail.value(QStringLiteral("served")).toObject().value(QStringLiteral("alias")).toString(), QStringLiteral("cloud/mid"));
        QCOMPARE(trail.value(QStringLiteral("first_token_ms")).toDouble(), 300.0);
        QVERIFY(trail.value(QStringLiteral("tokens_out")).toInt() > 0);
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.first(), trail);
        auto tail = c->audit().tail(1);
        QVERIFY(tail && tail->size() == 1);
        QCOMPARE(tail->first().action, QStringLiteral("models.test"));
        QCOMPARE(tail->first().actor, test::tester().toString());
        // The call is in models.list's recent calls.
        const QJsonObject list = QJsonDocument::fromJson(call(*c.cabinet, QStringLiteral("models.list"), "{}")->value()).object();
        QCOMPARE(list.value(QStringLiteral("recent_calls")).toArray().size(), 1);
    }

    void unconfiguredProviderAndNoKeyAnywhere()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const QByteArray variable = "CABINET_TEST_MODELOPS_KEY";
        qunsetenv(variable.constData());
        set(*c.cabinet, "llm.providers.remote.base_url", QStringLiteral("http://127.0.0.1:9"));
        set(*c.cabinet, "llm.providers.remote.api_key_env", QString::fromLatin1(variable));
        set(*c.cabinet, "llm.aliases.cloud.mid", QStringLiteral("remote/gpt-x"));
        set(*c.cabinet, "llm.providers.sim.latency_ms", QStringLiteral("0"));
        set(*c.cabinet, "llm.providers.sim.tokens_per_second", QStringLiteral("0"));
        auto answer = call(*c.cabinet, QStringLiteral("models.test"), R"({"alias":"cloud/mid"})");
        QVERIFY(answer && answer->ok());
        const QJsonObject trail = QJsonDocument::fromJson(answer->value()).object().value(QStringLiteral("trail")).toObject();
        const QJsonObject first = trail.value(QStringLiteral("attempts")).toArray().first().toObject();
        QCOMPARE(first.value(QStringLiteral("reason")).toString(), QStringLiteral("unconfigured"));
        QCOMPARE(trail.value(QStringLiteral("served")).toObject().value(QStringLiteral("alias")).toString(), QStringLiteral("cloud/fast"));
        // config.set refuses to write a key into the file...
        auto refused = call(*c.cabinet, QStringLiteral("config.set"), R"({"key":"llm.providers.remote.api_key","value":"sk-live-secret"})");
        QVERIFY(refused && !refused->ok());
        QCOMPARE(refused->error().code, ErrorCode::RefusedByPolicy);
        QVERIFY(!c->config().value(QStringLiteral("llm.providers.remote.api_key")).contains(u"sk-live"));
    }

    void keyWrittenIntoTheFileByHandIsRefusedByTheRouter()
    {
        // ...and one put there by hand is refused by the router, which says
        // where a key goes and never echoes it.
        test::TestCabinet c;
        QFile file(DataDirectory::configPath(c.dir.path()));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("llm:\n  providers:\n    remote:\n      base_url: http://127.0.0.1:9\n      api_key: sk-live-secret\n");
        file.close();
        QVERIFY(c.open());
        const QByteArray list = call(*c.cabinet, QStringLiteral("models.list"), "{}")->value();
        QVERIFY(QJsonDocument::fromJson(list).object().value(QStringLiteral("config_error")).toString().contains(QStringLiteral("api_key_env")));
        QVERIFY(!list.contains("sk-live-secret"));
    }
};

QTEST_GUILESS_MAIN(TestModelOperations)
#include "tst_modeloperations.moc"
