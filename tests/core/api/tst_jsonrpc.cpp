// api::Session: the JSON-RPC 2.0 framing of the catalogue, checked against
// the specification (https://www.jsonrpc.org/specification): its error
// codes and ids, batches, notifications, and the session's identify step.
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "api/JsonRpc.h"
#include "ledger/ExactJson.h"
#include "scenario/ScenarioRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <set>

using namespace cabinet;
using namespace cabinet::api;
using namespace cabinet::test;

namespace {

const QByteArray Identify = R"({"jsonrpc":"2.0","id":0,"method":"session.identify","params":{"actor":"operator:rpc-tester"}})";

// A response object as the specification has it: jsonrpc "2.0", an id, and
// exactly one of result and error; nothing else.
bool wellFormed(const QJsonObject &response, QString *why)
{
    for (const QString &key : response.keys()) {
        if (key != u"jsonrpc" && key != u"id" && key != u"result" && key != u"error") {
            *why = QStringLiteral("unexpected member ") + key;
            return false;
        }
    }
    if (response.value(QStringLiteral("jsonrpc")) != QJsonValue(QStringLiteral("2.0"))) {
        *why = QStringLiteral("jsonrpc is not \"2.0\"");
        return false;
    }
    if (!response.contains(QStringLiteral("id"))) {
        *why = QStringLiteral("no id");
        return false;
    }
    if (response.contains(QStringLiteral("result")) == response.contains(QStringLiteral("error"))) {
        *why = QStringLiteral("not exactly one of result and error");
        return false;
    }
    if (response.contains(QStringLiteral("error"))) {
        const QJsonObject error = response.value(QStringLiteral("error")).toObject();
        if (!error.value(QStringLiteral("code")).isDouble() || !error.value(QStringLiteral("message")).isString()) {
            *why = QStringLiteral("error without an integer code and a message");
            return false;
        }
    }
    return true;
}

} // namespace

class TestJsonRpc : public QObject {
    Q_OBJECT

    TestCabinet m_cabinet;
    QList<QByteArray> m_sent;
    std::unique_ptr<Session> m_session;

    // A fresh session (nobody identified on it).
    void newSession()
    {
        m_sent.clear();
        m_session = std::make_unique<Session>(m_cabinet->api(), [this](const QByteArray &message) { m_sent.append(message); });
    }
    void identify()
    {
        m_session->handle(Identify);
        m_sent.clear();
    }
    // Every message sent back for one message in.
    QList<QByteArray> exchange(const QByteArray &message)
    {
        m_sent.clear();
        m_session->handle(message);
        return m_sent;
    }
    // The one response object sent back for `message`; fails the test when
    // there is not exactly one, or it is not well formed.
    QJsonObject single(const QByteArray &message)
    {
        const QList<QByteArray> replies = exchange(message);
        if (replies.size() != 1) {
            qWarning("%lld replies to %s", qlonglong(replies.size()), message.constData());
            return {};
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(replies.first(), &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            qWarning("not one JSON object: %s", replies.first().constData());
            return {};
        }
        QString why;
        if (!wellFormed(document.object(), &why)) {
            qWarning("%s: %s", qPrintable(why), replies.first().constData());
            return {};
        }
        return document.object();
    }
    static int codeOf(const QJsonObject &response)
    {
        return response.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(0);
    }
    static QJsonObject dataOf(const QJsonObject &response)
    {
        return response.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_cabinet.open()); }
    void init() { newSession(); }

    void parseErrorHasIdNull()
    {
        for (const QByteArray &broken : { QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":1)"), QByteArray("{"),
                                          QByteArray("not json"), QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":1}x)"),
                                          // The specification's invalid batch: one parse error, not an array.
                                          QByteArray(R"([{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method"])") }) {
            const QJsonObject response = single(broken);
            QVERIFY2(!response.isEmpty(), broken.constData());
            QCOMPARE(codeOf(response), jsonrpc::ParseError);
            QCOMPARE(response.value(QStringLiteral("id")), QJsonValue(QJsonValue::Null));
        }
    }

    void invalidRequest_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QJsonValue>("id"); // the id the error must carry
        const QJsonValue null(QJsonValue::Null);
        QTest::newRow("number") << QByteArray("1") << null;
        QTest::newRow("string") << QByteArray(R"("api.list")") << null;
        QTest::newRow("true") << QByteArray("true") << null;
        QTest::newRow("null") << QByteArray("null") << null;
        QTest::newRow("no jsonrpc") << QByteArray(R"({"method":"api.list","id":1})") << QJsonValue(1);
        QTest::newRow("jsonrpc 1.0") << QByteArray(R"({"jsonrpc":"1.0","method":"api.list","id":1})") << QJsonValue(1);
        QTest::newRow("jsonrpc number") << QByteArray(R"({"jsonrpc":2.0,"method":"api.list","id":1})") << QJsonValue(1);
        QTest::newRow("no method") << QByteArray(R"({"jsonrpc":"2.0","id":1})") << QJsonValue(1);
        QTest::newRow("method number") << QByteArray(R"({"jsonrpc":"2.0","method":1,"params":"bar","id":"a"})") << QJsonValue(QStringLiteral("a"));
        QTest::newRow("method null") << QByteArray(R"({"jsonrpc":"2.0","method":null,"id":2})") << QJsonValue(2);
        QTest::newRow("id true") << QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":true})") << null;
        QTest::newRow("id object") << QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":{"a":1}})") << null;
        QTest::newRow("id array") << QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":[1]})") << null;
        QTest::newRow("unknown member") << QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":3,"extra":1})") << QJsonValue(3);
        QTest::newRow("params string") << QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":4,"params":"x"})") << QJsonValue(4);
        QTest::newRow("params number") << QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":5,"params":5})") << QJsonValue(5);
        // The specification's own example: no id, yet answered (id null).
        QTest::newRow("spec example") << QByteArray(R"({"jsonrpc": "2.0", "method": 1, "params": "bar"})") << null;
        QTest::newRow("no jsonrpc, no id") << QByteArray(R"({"method":"api.list"})") << null;
    }
    void invalidRequest()
    {
        QFETCH(QByteArray, request);
        QFETCH(QJsonValue, id);
        identify();
        const QJsonObject response = single(request);
        QVERIFY(!response.isEmpty());
        QCOMPARE(codeOf(response), jsonrpc::InvalidRequest);
        QCOMPARE(response.value(QStringLiteral("id")), id);
    }

    void methodNotFound()
    {
        identify();
        const QJsonObject response = single(R"({"jsonrpc":"2.0","method":"no.such_thing","id":7})");
        QCOMPARE(codeOf(response), jsonrpc::MethodNotFound);
        QCOMPARE(response.value(QStringLiteral("id")).toInt(), 7);
        // Also before anyone identified: what does not exist is not there for anyone.
        newSession();
        QCOMPARE(codeOf(single(R"({"jsonrpc":"2.0","method":"rpc.discover","id":8})")), jsonrpc::MethodNotFound);
    }

    void paramsByPositionAreInvalidParams()
    {
        identify();
        const QJsonObject response = single(R"({"jsonrpc":"2.0","method":"config.get","params":["mode"],"id":"p"})");
        QCOMPARE(codeOf(response), jsonrpc::InvalidParams);
        QCOMPARE(response.value(QStringLiteral("id")).toString(), QStringLiteral("p"));
        // An empty array is by-position all the same.
        QCOMPARE(codeOf(single(R"({"jsonrpc":"2.0","method":"api.list","params":[],"id":1})")), jsonrpc::InvalidParams);
    }

    void callsWithAndWithoutParams()
    {
        identify();
        const QJsonObject without = single(R"({"jsonrpc":"2.0","method":"api.list","id":1})");
        QVERIFY(without.value(QStringLiteral("result")).isArray());
        QVERIFY(!without.value(QStringLiteral("result")).toArray().isEmpty());
        const QJsonObject with = single(R"({"jsonrpc":"2.0","method":"core.status","params":{},"id":2})");
        QCOMPARE(with.value(QStringLiteral("result")).toObject().value(QStringLiteral("data_dir")).toString(), m_cabinet.dir.path());
    }

    void idsEchoedExactly_data()
    {
        QTest::addColumn<QByteArray>("id");
        QTest::newRow("string") << QByteArray(R"("req-1")");
        // Not a raw string: Qt 6.4's moc misreads R"(...)" holding \" and drops the class.
        QTest::newRow("string with escapes") << QByteArray("\"a\\\"b\\\\c\\u00e9\"");
        QTest::newRow("empty string") << QByteArray(R"("")");
        QTest::newRow("zero") << QByteArray("0");
        QTest::newRow("integer") << QByteArray("42");
        QTest::newRow("negative") << QByteArray("-7");
        QTest::newRow("2^53 + 1") << QByteArray("9007199254740993");
        QTest::newRow("big integer") << QByteArray("340282366920938463463374607431768211455123");
        QTest::newRow("fraction") << QByteArray("1.5");
        QTest::newRow("null") << QByteArray("null");
    }
    void idsEchoedExactly()
    {
        QFETCH(QByteArray, id);
        identify();
        for (const QByteArray &method : { QByteArray("api.list"), QByteArray("no.such_thing") }) {
            const QList<QByteArray> replies = exchange(R"({"jsonrpc":"2.0","method":")" + method + R"(","id":)" + id + '}');
            QCOMPARE(replies.size(), 1);
            // Read exactly: a double would round the big ones.
            auto response = ledger::parseExactJson(replies.first());
            QVERIFY2(response && response->isObject(), replies.first().constData());
            const qsizetype at = response->keys.indexOf(QStringLiteral("id"));
            QVERIFY(at >= 0);
            const ledger::JsonValue &echoed = response->items[size_t(at)];
            auto sent = ledger::parseExactJson("[" + id + "]");
            QVERIFY(sent);
            const ledger::JsonValue &original = sent->items.front();
            QCOMPARE(int(echoed.type), int(original.type));
            QCOMPARE(echoed.text, original.text);
        }
    }

    void notificationsGetNoReply()
    {
        identify();
        QVERIFY(exchange(R"({"jsonrpc":"2.0","method":"api.list"})").isEmpty());
        QVERIFY(exchange(R"({"jsonrpc":"2.0","method":"api.list","params":{}})").isEmpty());
        // Not even an error: unknown method, bad params, a failing call.
        QVERIFY(exchange(R"({"jsonrpc":"2.0","method":"no.such_thing"})").isEmpty());
        QVERIFY(exchange(R"({"jsonrpc":"2.0","method":"api.list","params":[1]})").isEmpty());
        QVERIFY(exchange(R"({"jsonrpc":"2.0","method":"config.get","params":{"key":"not.set.anywhere"}})").isEmpty());
        QVERIFY(exchange(R"({"jsonrpc":"2.0","method":"config.get","params":{"bogus":1}})").isEmpty());
        // A notification still acts: one that identifies names the caller.
        newSession();
        QVERIFY(exchange(R"({"jsonrpc":"2.0","method":"session.identify","params":{"actor":"agent:quiet"}})").isEmpty());
        QVERIFY(m_session->actor());
        QCOMPARE(m_session->actor()->toString(), QStringLiteral("agent:quiet"));
        // A request with "id": null is not a notification: it is answered.
        const QJsonObject answered = single(R"({"jsonrpc":"2.0","method":"api.list","id":null})");
        QVERIFY(answered.contains(QStringLiteral("result")));
        QCOMPARE(answered.value(QStringLiteral("id")), QJsonValue(QJsonValue::Null));
    }

    void batches()
    {
        identify();
        // The specification's example, with this catalogue's methods.
        const QList<QByteArray> replies = exchange(R"([
            {"jsonrpc": "2.0", "method": "core.status", "params": {}, "id": "1"},
            {"jsonrpc": "2.0", "method": "api.list", "params": {}},
            {"jsonrpc": "2.0", "method": "config.get", "params": ["mode"], "id": "2"},
            {"foo": "boo"},
            {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
            {"jsonrpc": "2.0", "method": "api.list", "id": "9"}
        ])");
        QCOMPARE(replies.size(), 1);
        const QJsonDocument document = QJsonDocument::fromJson(replies.first());
        QVERIFY2(document.isArray(), replies.first().constData());
        const QJsonArray responses = document.array();
        QCOMPARE(responses.size(), 5); // the notification has none
        QMap<QString, int> codeById;
        int nullIds = 0;
        for (const QJsonValue &value : responses) {
            QString why;
            QVERIFY2(wellFormed(value.toObject(), &why), qPrintable(why));
            const QJsonObject response = value.toObject();
            if (response.value(QStringLiteral("id")).isNull()) {
                ++nullIds;
                QCOMPARE(codeOf(response), jsonrpc::InvalidRequest);
                continue;
            }
            codeById.insert(response.value(QStringLiteral("id")).toString(), codeOf(response));
        }
        QCOMPARE(nullIds, 1);
        QCOMPARE(codeById, (QMap<QString, int> { { QStringLiteral("1"), 0 }, { QStringLiteral("2"), jsonrpc::InvalidParams },
                                                 { QStringLiteral("5"), jsonrpc::MethodNotFound }, { QStringLiteral("9"), 0 } }));

        // [1]: one invalid request, in an array; [1,2,3]: three.
        QCOMPARE(QJsonDocument::fromJson(exchange("[1]").value(0)).array().size(), 1);
        const QJsonArray three = QJsonDocument::fromJson(exchange("[1,2,3]").value(0)).array();
        QCOMPARE(three.size(), 3);
        for (const QJsonValue &response : three) {
            QCOMPARE(codeOf(response.toObject()), jsonrpc::InvalidRequest);
            QCOMPARE(response.toObject().value(QStringLiteral("id")), QJsonValue(QJsonValue::Null));
        }
    }

    void batchOfNotificationsOnlyGetsNoReplyAtAll()
    {
        identify();
        QVERIFY(exchange(R"([{"jsonrpc":"2.0","method":"api.list"},{"jsonrpc":"2.0","method":"core.status","params":{}},
                              {"jsonrpc":"2.0","method":"no.such_thing"}])")
                        .isEmpty());
    }

    void emptyBatchIsOneInvalidRequest()
    {
        const QJsonObject response = single("[]");
        QCOMPARE(codeOf(response), jsonrpc::InvalidRequest);
        QCOMPARE(response.value(QStringLiteral("id")), QJsonValue(QJsonValue::Null));
        QCOMPARE(codeOf(single(" [ ] ")), jsonrpc::InvalidRequest);
    }

    void batchOverTheLimitIsOneInvalidRequest()
    {
        identify();
        QByteArray batch = "[";
        for (int i = 0; i <= jsonrpc::BatchMax; ++i)
            batch += (i ? "," : "") + QByteArray(R"({"jsonrpc":"2.0","method":"api.list","id":)") + QByteArray::number(i) + '}';
        const QJsonObject response = single(batch + ']');
        QCOMPARE(codeOf(response), jsonrpc::InvalidRequest);
        // At the limit it is served.
        batch = "[";
        for (int i = 0; i < jsonrpc::BatchMax; ++i)
            batch += (i ? "," : "") + QByteArray(R"({"jsonrpc":"2.0","method":"core.status","id":)") + QByteArray::number(i) + '}';
        QCOMPARE(QJsonDocument::fromJson(exchange(batch + ']').value(0)).array().size(), jsonrpc::BatchMax);
    }

    void unauthenticatedBeforeIdentify()
    {
        for (const QByteArray &method : { QByteArray("api.list"), QByteArray("core.status"), QByteArray("config.set") }) {
            const QJsonObject response = single(R"({"jsonrpc":"2.0","method":")" + method + R"(","params":{},"id":1})");
            QCOMPARE(codeOf(response), jsonRpcCode(ErrorCode::Unauthenticated));
            QCOMPARE(dataOf(response).value(QStringLiteral("code")).toString(), QStringLiteral("unauthenticated"));
        }
        QVERIFY(!m_session->actor());

        // A bad actor is refused and leaves the session unidentified.
        for (const QByteArray &params : { QByteArray(R"({"actor":"nobody"})"), QByteArray(R"({"actor":"operator:"})"),
                                          QByteArray(R"({"actor":"operator:a b"})"), QByteArray(R"({"actor":7})"), QByteArray("{}") }) {
            const QJsonObject refused = single(R"({"jsonrpc":"2.0","method":"session.identify","params":)" + params + R"(,"id":2})");
            QCOMPARE(codeOf(refused), jsonrpc::InvalidParams);
            QCOMPARE(dataOf(refused).value(QStringLiteral("code")).toString(), QStringLiteral("invalid_argument"));
            QCOMPARE(dataOf(refused).value(QStringLiteral("field")).toString(), QStringLiteral("actor"));
            QVERIFY(!m_session->actor());
        }

        const QJsonObject identified = single(Identify);
        QCOMPARE(identified.value(QStringLiteral("result")).toObject().value(QStringLiteral("actor")).toString(),
                 QStringLiteral("operator:rpc-tester"));
        QCOMPARE(m_session->actor()->toString(), QStringLiteral("operator:rpc-tester"));
        QVERIFY(single(R"({"jsonrpc":"2.0","method":"api.list","id":3})").contains(QStringLiteral("result")));
        // Another session on the same core is a caller of its own.
        Session other(m_cabinet->api(), [this](const QByteArray &message) { m_sent.append(message); });
        m_sent.clear();
        other.handle(R"({"jsonrpc":"2.0","method":"api.list","id":4})");
        QCOMPARE(m_sent.size(), 1);
        QCOMPARE(codeOf(QJsonDocument::fromJson(m_sent.first()).object()), jsonRpcCode(ErrorCode::Unauthenticated));
    }

    void identifyInABatchAppliesToTheRest()
    {
        const QList<QByteArray> replies = exchange(QByteArray("[") + Identify + R"(,{"jsonrpc":"2.0","method":"api.list","id":1}])");
        QCOMPARE(replies.size(), 1);
        const QJsonArray responses = QJsonDocument::fromJson(replies.first()).array();
        QCOMPARE(responses.size(), 2);
        QVERIFY(responses[1].toObject().contains(QStringLiteral("result")));
    }

    void errorDataCarriesCodeAndField()
    {
        identify();
        const QJsonObject missing = single(R"({"jsonrpc":"2.0","method":"config.get","params":{"key":"not.set.anywhere"},"id":1})");
        QCOMPARE(codeOf(missing), jsonRpcCode(ErrorCode::NotFound));
        QCOMPARE(dataOf(missing), (QJsonObject { { QStringLiteral("code"), QStringLiteral("not_found") },
                                                 { QStringLiteral("field"), QStringLiteral("key") } }));
        const QJsonObject unknown = single(R"({"jsonrpc":"2.0","method":"config.get","params":{"kee":"mode"},"id":2})");
        QCOMPARE(codeOf(unknown), jsonRpcCode(ErrorCode::InvalidArgument));
        QCOMPARE(dataOf(unknown).value(QStringLiteral("code")).toString(), QStringLiteral("invalid_argument"));
        QCOMPARE(dataOf(unknown).value(QStringLiteral("field")).toString(), QStringLiteral("kee"));
        // An error with no field has no "field".
        const QJsonObject unauthenticated = [&] {
            newSession();
            return single(R"({"jsonrpc":"2.0","method":"api.list","id":3})");
        }();
        QVERIFY(!dataOf(unauthenticated).contains(QStringLiteral("field")));
    }

    void everyErrorCodeHasItsJsonRpcCode()
    {
        std::set<int> seen;
        for (ErrorCode code : AllErrorCodes) {
            const int rpc = jsonRpcCode(code);
            if (code == ErrorCode::InvalidArgument)
                QCOMPARE(rpc, jsonrpc::InvalidParams);
            else if (code == ErrorCode::Internal)
                QCOMPARE(rpc, jsonrpc::InternalError);
            else
                QVERIFY2(rpc <= -32000 && rpc >= -32099, qPrintable(errorCodeName(code))); // the server range
            QVERIFY2(seen.insert(rpc).second, qPrintable(errorCodeName(code) + QStringLiteral(" shares its code")));

            // There and back: what a client reads is the code and field sent.
            const Error error { code, QStringLiteral("because"), QStringLiteral("the_field") };
            const QJsonObject response = QJsonDocument::fromJson(errorResponse("17", error)).object();
            QString why;
            QVERIFY2(wellFormed(response, &why), qPrintable(why));
            QCOMPARE(codeOf(response), rpc);
            QCOMPARE(dataOf(response).value(QStringLiteral("code")).toString(), errorCodeName(code));
            const Error back = errorFromResponse(QJsonDocument(response.value(QStringLiteral("error")).toObject()).toJson());
            QCOMPARE(int(back.code), int(code));
            QCOMPARE(back.field, QStringLiteral("the_field"));
        }
        // The framing's own codes, read by a client without data.
        QCOMPARE(int(errorFromResponse(R"({"code":-32700,"message":"x"})").code), int(ErrorCode::InvalidArgument));
        QCOMPARE(int(errorFromResponse(R"({"code":-32600,"message":"x"})").code), int(ErrorCode::InvalidArgument));
        QCOMPARE(int(errorFromResponse(R"({"code":-32601,"message":"x"})").code), int(ErrorCode::NotFound));
    }

    void lateAnswerAfterTheSessionWentIsDropped()
    {
        // A long job (scenarios.run) answers after its session is gone:
        // nothing is sent, nothing crashes.
        identify();
        bool sentAfter = false;
        {
            Session doomed(m_cabinet->api(), [&sentAfter](const QByteArray &) { sentAfter = true; });
            doomed.handle(Identify);
            sentAfter = false;
            doomed.handle(R"({"jsonrpc":"2.0","method":"scenarios.run","params":{"params":{"scenarios":2000,"horizon_days":10},"backend":"cpu"},"id":1})");
            QVERIFY(!sentAfter); // still running
        }
        // Wait for the runner to finish, seen through a second run being accepted.
        const QByteArray again = R"({"jsonrpc":"2.0","method":"scenarios.run","params":{"params":{"scenarios":2000,"horizon_days":10},"backend":"cpu"},"id":2})";
        QTRY_VERIFY_WITH_TIMEOUT(!m_cabinet->service<ScenarioRunner>().busy(), 30000);
        QVERIFY(!sentAfter);
        m_session->handle(again);
        QTRY_VERIFY_WITH_TIMEOUT(!m_sent.isEmpty(), 30000);
        const QJsonObject response = QJsonDocument::fromJson(m_sent.last()).object();
        QVERIFY2(response.contains(QStringLiteral("result")), m_sent.last().constData());
        QCOMPARE(response.value(QStringLiteral("id")).toInt(), 2);
    }
};

QTEST_GUILESS_MAIN(TestJsonRpc)
#include "tst_jsonrpc.moc"
