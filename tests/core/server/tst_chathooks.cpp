// The chat hooks (core/server/ChatHooks.h): the Slack and WhatsApp
// signature checks (good, bad, stale, missing, malformed), the payloads read
// from each, and in process on a ManualClock a signed press deciding a real
// pending request as operator:NAME with one audit entry, while a replay, a
// token used by someone else, an unknown user, a bad signature or a body
// past its limit is refused, audited as server.hook_refused, and decides
// nothing; the configuration's mistakes stop the start naming the key.
#include "TestSupport.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "server/ChatHooks.h"
#include "server/HttpRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>
#include <QUrl>

using namespace cabinet;
using namespace cabinet::server;
using namespace cabinet::test;

namespace {

const QByteArray SlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const QByteArray AppSecret = "whatsapp-app-secret";
const QByteArray VerifyToken = "meta-verify-me";
constexpr qint64 NowMs = 1'700'000'000'000;

QByteArray hmacHex(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256).toHex();
}

QByteArray slackSignature(const QByteArray &timestamp, const QByteArray &body, const QByteArray &secret = SlackSecret)
{
    return "v0=" + hmacHex(secret, "v0:" + timestamp + ':' + body);
}

// A Slack block_actions interaction, form-encoded as Slack sends it.
QByteArray slackBody(const QString &user, const QByteArray &value)
{
    const QJsonObject payload { { QStringLiteral("type"), QStringLiteral("block_actions") },
                                { QStringLiteral("user"), QJsonObject { { QStringLiteral("id"), user }, { QStringLiteral("name"), QStringLiteral("a person") } } },
                                { QStringLiteral("actions"), QJsonArray { QJsonObject { { QStringLiteral("action_id"), QStringLiteral("approve") },
                                                                                       { QStringLiteral("value"), QString::fromLatin1(value) } } } } };
    QByteArray encoded = QJsonDocument(payload).toJson(QJsonDocument::Compact).toPercentEncoding(" ");
    encoded.replace(' ', '+');
    return "payload=" + encoded;
}

QByteArray whatsAppBody(const QList<std::pair<QString, QByteArray>> &replies)
{
    QJsonArray messages;
    for (const auto &[from, id] : replies)
        messages.append(QJsonObject { { QStringLiteral("from"), from },
                                      { QStringLiteral("type"), QStringLiteral("interactive") },
                                      { QStringLiteral("interactive"),
                                        QJsonObject { { QStringLiteral("type"), QStringLiteral("button_reply") },
                                                      { QStringLiteral("button_reply"), QJsonObject { { QStringLiteral("id"), QString::fromLatin1(id) },
                                                                                                      { QStringLiteral("title"), QStringLiteral("Approve") } } } } } });
    messages.append(QJsonObject { { QStringLiteral("from"), QStringLiteral("15550001111") }, { QStringLiteral("type"), QStringLiteral("text") } });
    const QJsonObject change { { QStringLiteral("field"), QStringLiteral("messages") },
                               { QStringLiteral("value"), QJsonObject { { QStringLiteral("messages"), messages },
                                                                        { QStringLiteral("statuses"), QJsonArray { QJsonObject { { QStringLiteral("status"), QStringLiteral("read") } } } } } } };
    const QJsonObject hook { { QStringLiteral("object"), QStringLiteral("whatsapp_business_account") },
                             { QStringLiteral("entry"), QJsonArray { QJsonObject { { QStringLiteral("changes"), QJsonArray { change } } } } } };
    return QJsonDocument(hook).toJson(QJsonDocument::Compact);
}

HttpRequest request(const QByteArray &method, const QByteArray &target, const QList<std::pair<QByteArray, QByteArray>> &headers, qsizetype length = -1)
{
    QByteArray text = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &[name, value] : headers)
        text += name + ": " + value + "\r\n";
    if (length >= 0)
        text += "Content-Length: " + QByteArray::number(length) + "\r\n";
    auto parsed = parseHttpRequest(text + "\r\n", 16 * 1024);
    return parsed && *parsed ? **parsed : HttpRequest {};
}

QString errorField(const ChatHooks::Answer &answer)
{
    return QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString();
}

QString errorCode(const ChatHooks::Answer &answer)
{
    return QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

template <typename T> void expect(const Result<T> &result, ErrorCode code, const char *field)
{
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, code);
    QCOMPARE(result.error().field, QString::fromLatin1(field));
}

// A started core with both hooks on, alice and bob mapped on Slack, carol
// on WhatsApp, and two pending requests: a production deploy (tier 2) and
// a switch to autonomous mode (tier 3, two operators).
struct Fixture {
    QTemporaryDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(NowMs * 1'000'000);
    std::unique_ptr<Cabinet> cabinet;
    std::unique_ptr<ChatHooks> hooks;
    std::optional<approvals::DecisionTokens> tokens;
    QString deploy, tier3;

    bool open(QMap<QString, QString> config = {})
    {
        qputenv("TST_HOOKS_SLACK", SlackSecret);
        qputenv("TST_HOOKS_WHATSAPP", AppSecret);
        qputenv("TST_HOOKS_VERIFY", VerifyToken);
        config.insert(QStringLiteral("orchestrator.workers"), QStringLiteral("0"));
        Cabinet::Options options;
        options.dataDir = dir.path();
        options.clock = clock;
        options.config = config;
        auto opened = Cabinet::open(options);
        if (!opened || !(*opened)->start())
            return false;
        cabinet = std::move(*opened);
        auto made = ChatHooks::fromConfig(*cabinet, 1000);
        if (!made) {
            qWarning("%s", qPrintable(made.error().message));
            return false;
        }
        hooks = std::move(*made);
        auto opened_tokens = approvals::DecisionTokens::open(dir.path());
        if (!opened_tokens)
            return false;
        tokens = std::move(*opened_tokens);
        auto &approvals = cabinet->service<approvals::ApprovalService>();
        approvals::NewApproval a;
        a.action.kind = approvals::ActionKind::Deploy;
        a.action.agent = QStringLiteral("forge");
        a.action.environment = QStringLiteral("production");
        a.action.target = QStringLiteral("./deploy.sh");
        approvals::NewApproval b;
        b.action.kind = approvals::ActionKind::ModeChange;
        b.action.agent = QStringLiteral("kev");
        b.action.target = QStringLiteral("autonomous");
        auto first = approvals.request(a, Actor::agent(QStringLiteral("forge")));
        auto second = approvals.request(b, Actor::agent(QStringLiteral("kev")));
        if (!first || !second || first->tier != 2 || second->tier != 3)
            return false;
        deploy = first->id;
        tier3 = second->id;
        return true;
    }
    static QMap<QString, QString> bothHooks()
    {
        return { { QStringLiteral("server.hooks.slack.signing_secret_env"), QStringLiteral("TST_HOOKS_SLACK") },
                 { QStringLiteral("server.hooks.slack.operators.U0ALICE"), QStringLiteral("alice") },
                 { QStringLiteral("server.hooks.slack.operators.U0BOB"), QStringLiteral("bob") },
                 { QStringLiteral("server.hooks.whatsapp.app_secret_env"), QStringLiteral("TST_HOOKS_WHATSAPP") },
                 { QStringLiteral("server.hooks.whatsapp.verify_token_env"), QStringLiteral("TST_HOOKS_VERIFY") },
                 { QStringLiteral("server.hooks.whatsapp.operators.+15550001111"), QStringLiteral("carol") } };
    }
    QByteArray token(const QString &id, bool approve, const QString &to = {}) const
    {
        approvals::DecisionClaims claims;
        claims.approvalId = id;
        claims.approve = approve;
        claims.operatorName = to;
        return tokens->sign(claims, clock->nowMs(), 3'600'000).value();
    }
    std::optional<ChatHooks::Answer> slack(const QByteArray &body, std::optional<QByteArray> signature = {}, qint64 skewSecs = 0)
    {
        const QByteArray timestamp = QByteArray::number(clock->nowMs() / 1000 + skewSecs);
        return hooks->answer(request("POST", "/hooks/slack",
                                     { { "X-Slack-Request-Timestamp", timestamp }, { "X-Slack-Signature", signature.value_or(slackSignature(timestamp, body)) } },
                                     body.size()),
                             body, QStringLiteral("127.0.0.1"));
    }
    std::optional<ChatHooks::Answer> whatsapp(const QByteArray &body, std::optional<QByteArray> signature = {})
    {
        return hooks->answer(request("POST", "/hooks/whatsapp", { { "X-Hub-Signature-256", signature.value_or("sha256=" + hmacHex(AppSecret, body)) } },
                                     body.size()),
                             body, QStringLiteral("127.0.0.1"));
    }
    approvals::ApprovalState state(const QString &id) const { return cabinet->service<approvals::ApprovalService>().get(id).value().state; }
    static QJsonObject payload(const AuditEntry &entry) { return QJsonDocument::fromJson(entry.payloadJson).object(); }
    QList<AuditEntry> audited(const QString &action) const
    {
        QList<AuditEntry> found;
        for (const AuditEntry &entry : cabinet->audit().tail(1000).value())
            if (entry.action == action)
                found.append(entry);
        return found;
    }
};

} // namespace

class TestChatHooks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void slackSignatures()
    {
        const QByteArray body = "payload=%7B%7D";
        const QByteArray ts = QByteArray::number(NowMs / 1000);
        QVERIFY(verifySlackSignature(SlackSecret, ts, slackSignature(ts, body), body, NowMs).ok());
        // Uppercase hex is the same digest.
        QVERIFY(verifySlackSignature(SlackSecret, ts, "v0=" + slackSignature(ts, body).mid(3).toUpper(), body, NowMs).ok());
        expect(verifySlackSignature(SlackSecret, ts, slackSignature(ts, body + "x"), body, NowMs), ErrorCode::Unauthenticated, "x-slack-signature");
        expect(verifySlackSignature(SlackSecret, ts, slackSignature(ts, body, "another secret"), body, NowMs), ErrorCode::Unauthenticated,
               "x-slack-signature");
        expect(verifySlackSignature(SlackSecret, ts, "v1=" + slackSignature(ts, body).mid(3), body, NowMs), ErrorCode::Unauthenticated, "x-slack-signature");
        expect(verifySlackSignature(SlackSecret, ts, "v0=zz", body, NowMs), ErrorCode::Unauthenticated, "x-slack-signature");
        expect(verifySlackSignature(SlackSecret, ts, {}, body, NowMs), ErrorCode::Unauthenticated, "x-slack-signature");
        expect(verifySlackSignature(SlackSecret, {}, slackSignature(ts, body), body, NowMs), ErrorCode::Unauthenticated, "x-slack-request-timestamp");
        expect(verifySlackSignature(SlackSecret, "soon", slackSignature("soon", body), body, NowMs), ErrorCode::Unauthenticated,
               "x-slack-request-timestamp");
        // The window: five minutes either way, and not a second more.
        for (qint64 skew : { -SlackTimestampWindowSecs, SlackTimestampWindowSecs }) {
            const QByteArray edge = QByteArray::number(NowMs / 1000 + skew);
            QVERIFY(verifySlackSignature(SlackSecret, edge, slackSignature(edge, body), body, NowMs).ok());
        }
        for (qint64 skew : { -SlackTimestampWindowSecs - 1, SlackTimestampWindowSecs + 1 }) {
            const QByteArray stale = QByteArray::number(NowMs / 1000 + skew);
            expect(verifySlackSignature(SlackSecret, stale, slackSignature(stale, body), body, NowMs), ErrorCode::Unauthenticated,
                   "x-slack-request-timestamp");
        }
        const QByteArray ancient = "-9223372036854775808";
        expect(verifySlackSignature(SlackSecret, ancient, slackSignature(ancient, body), body, NowMs), ErrorCode::Unauthenticated,
               "x-slack-request-timestamp");
    }

    void hubSignatures()
    {
        const QByteArray body = "{\"entry\":[]}";
        QVERIFY(verifyHubSignature(AppSecret, "sha256=" + hmacHex(AppSecret, body), body).ok());
        expect(verifyHubSignature(AppSecret, "sha256=" + hmacHex(AppSecret, body + ' '), body), ErrorCode::Unauthenticated, "x-hub-signature-256");
        expect(verifyHubSignature(AppSecret, "sha256=" + hmacHex("other", body), body), ErrorCode::Unauthenticated, "x-hub-signature-256");
        expect(verifyHubSignature(AppSecret, "sha1=" + hmacHex(AppSecret, body), body), ErrorCode::Unauthenticated, "x-hub-signature-256");
        expect(verifyHubSignature(AppSecret, "sha256=" + hmacHex(AppSecret, body).left(63), body), ErrorCode::Unauthenticated, "x-hub-signature-256");
        expect(verifyHubSignature(AppSecret, {}, body), ErrorCode::Unauthenticated, "x-hub-signature-256");
    }

    void payloads()
    {
        auto press = slackReply(slackBody(QStringLiteral("U0ALICE"), "tok.en"));
        QVERIFY(press.ok() && press->has_value());
        QCOMPARE((*press)->user, QStringLiteral("U0ALICE"));
        QCOMPARE((*press)->value, QByteArray("tok.en"));
        auto shortcut = slackReply("payload=" + QByteArray("{\"type\":\"shortcut\"}").toPercentEncoding());
        QVERIFY(shortcut.ok() && !shortcut->has_value());
        expect(slackReply("token=abc"), ErrorCode::InvalidArgument, "payload");
        expect(slackReply("payload=%7Bnot"), ErrorCode::InvalidArgument, "payload");
        expect(slackReply("payload=" + QByteArray("{\"type\":\"block_actions\",\"actions\":[]}").toPercentEncoding()), ErrorCode::InvalidArgument,
               "actions");

        auto replies = whatsAppReplies(whatsAppBody({ { QStringLiteral("15550001111"), "a.b" }, { QStringLiteral("15550002222"), "c.d" } }));
        QVERIFY(replies.ok());
        QCOMPARE(replies->size(), size_t(2)); // the text message and the status are passed over
        QCOMPARE(replies->at(1).user, QStringLiteral("15550002222"));
        QCOMPARE(replies->at(1).value, QByteArray("c.d"));
        QList<std::pair<QString, QByteArray>> many;
        for (int i = 0; i <= HookRepliesMax; ++i)
            many.append({ QStringLiteral("1555000%1").arg(i), "x.y" });
        expect(whatsAppReplies(whatsAppBody(many)), ErrorCode::ResourceExhausted, "messages");
        expect(whatsAppReplies("[1]"), ErrorCode::InvalidArgument, "entry");
    }

    void slackPressDecidesOnce()
    {
        Fixture f;
        QVERIFY(f.open(Fixture::bothHooks()));
        QVERIFY(f.hooks->problems().isEmpty());
        const QByteArray body = slackBody(QStringLiteral("U0ALICE"), f.token(f.deploy, true));
        auto answer = f.slack(body);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        const QJsonObject decided = QJsonDocument::fromJson(answer->body).object();
        QCOMPARE(decided.value(QStringLiteral("state")).toString(), QStringLiteral("approved"));
        QCOMPARE(f.state(f.deploy), approvals::ApprovalState::Approved);
        const auto approved = f.audited(QStringLiteral("approval.approve"));
        QCOMPARE(approved.size(), 1);
        QCOMPARE(approved.first().actor, QStringLiteral("operator:alice"));
        QCOMPARE(Fixture::payload(approved.first()).value(QStringLiteral("operator")).toString(), QStringLiteral("alice"));

        // The same request again, signed and in time: refused and audited.
        auto replay = f.slack(body);
        QCOMPARE(replay->status, 409);
        QCOMPARE(errorCode(*replay), QStringLiteral("conflict"));
        QCOMPARE(f.audited(QStringLiteral("approval.approve")).size(), 1);
        const auto refused = f.audited(QStringLiteral("server.hook_refused"));
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused.first().actor, QStringLiteral("system:server"));
        QCOMPARE(refused.first().subject, QStringLiteral("127.0.0.1"));
        QCOMPARE(Fixture::payload(refused.first()).value(QStringLiteral("hook")).toString(), QStringLiteral("slack"));
        QCOMPARE(Fixture::payload(refused.first()).value(QStringLiteral("code")).toString(), QStringLiteral("conflict"));
        QCOMPARE(Fixture::payload(refused.first()).value(QStringLiteral("user")).toString(), QStringLiteral("U0ALICE"));
    }

    void tier3TokenIsSingleUse()
    {
        Fixture f;
        QVERIFY(f.open(Fixture::bothHooks()));
        const QByteArray approve = f.token(f.tier3, true);
        QCOMPARE(f.slack(slackBody(QStringLiteral("U0ALICE"), approve))->status, 200);
        QCOMPARE(f.state(f.tier3), approvals::ApprovalState::Pending); // one vote of two
        // Bob presses the same button: the token was used, though the request waits.
        auto again = f.slack(slackBody(QStringLiteral("U0BOB"), approve));
        QCOMPARE(again->status, 409);
        QCOMPARE(errorCode(*again), QStringLiteral("conflict"));
        QCOMPARE(f.state(f.tier3), approvals::ApprovalState::Pending);
        QCOMPARE(f.cabinet->service<approvals::ApprovalService>().get(f.tier3).value().votes.size(), size_t(1));
        // A fresh token decides; one sent to alice does not take bob.
        QCOMPARE(f.slack(slackBody(QStringLiteral("U0BOB"), f.token(f.tier3, true, QStringLiteral("alice"))))->status, 403);
        QCOMPARE(f.slack(slackBody(QStringLiteral("U0BOB"), f.token(f.tier3, true)))->status, 200);
        QCOMPARE(f.state(f.tier3), approvals::ApprovalState::Approved);
    }

    void slackRefusals()
    {
        Fixture f;
        QVERIFY(f.open(Fixture::bothHooks()));
        const QByteArray body = slackBody(QStringLiteral("U0ALICE"), f.token(f.deploy, true));
        QCOMPARE(f.slack(body, QByteArray("v0=" + QByteArray(64, '0')))->status, 401);
        auto stale = f.slack(body, {}, -SlackTimestampWindowSecs - 1);
        QCOMPARE(stale->status, 401);
        QCOMPARE(errorField(*stale), QStringLiteral("x-slack-request-timestamp"));
        auto unsigned_ = f.hooks->answer(request("POST", "/hooks/slack", {}, body.size()), body, QStringLiteral("127.0.0.1"));
        QCOMPARE(unsigned_->status, 401);
        QCOMPARE(errorField(*unsigned_), QStringLiteral("x-slack-request-timestamp"));
        auto stranger = f.slack(slackBody(QStringLiteral("U0EVE"), f.token(f.deploy, true)));
        QCOMPARE(stranger->status, 403);
        QCOMPARE(errorField(*stranger), QStringLiteral("user"));
        QCOMPARE(f.slack(slackBody(QStringLiteral("U0ALICE"), "not-a-token"))->status, 400);
        // A token of another data directory.
        QTemporaryDir other;
        auto foreign = approvals::DecisionTokens::open(other.path());
        approvals::DecisionClaims claims;
        claims.approvalId = f.deploy;
        claims.approve = true;
        QCOMPARE(f.slack(slackBody(QStringLiteral("U0ALICE"), foreign->sign(claims, f.clock->nowMs(), 60'000).value()))->status, 401);
        // An expired one.
        const QByteArray shortLived = f.tokens->sign(claims, f.clock->nowMs(), 1'000).value();
        f.clock->advanceMs(1'000);
        QCOMPARE(f.slack(slackBody(QStringLiteral("U0ALICE"), shortLived))->status, 410);
        QCOMPARE(f.state(f.deploy), approvals::ApprovalState::Pending);
        QCOMPARE(f.audited(QStringLiteral("approval.approve")).size(), 0);
        QCOMPARE(f.audited(QStringLiteral("server.hook_refused")).size(), 7);
        // Not a button press: taken, nothing decided, nothing refused.
        const QByteArray shortcut = "payload=" + QByteArray("{\"type\":\"shortcut\"}").toPercentEncoding();
        QCOMPARE(f.slack(shortcut)->status, 200);
        QCOMPARE(f.audited(QStringLiteral("server.hook_refused")).size(), 7);
    }

    void bodyLimits()
    {
        Fixture f;
        QVERIFY(f.open(Fixture::bothHooks()));
        const QByteArray body = slackBody(QStringLiteral("U0ALICE"), f.token(f.deploy, true));
        // Short of its Content-Length: wait for the rest.
        QVERIFY(!f.hooks->answer(request("POST", "/hooks/slack", {}, body.size()), body.left(10), QStringLiteral("127.0.0.1")));
        QCOMPARE(f.hooks->answer(request("POST", "/hooks/slack", {}), body, QStringLiteral("127.0.0.1"))->status, 411);
        QCOMPARE(f.hooks->answer(request("POST", "/hooks/slack", { { "Transfer-Encoding", "chunked" } }), body, QStringLiteral("127.0.0.1"))->status, 411);
        QCOMPARE(f.hooks->answer(request("POST", "/hooks/slack", { { "Content-Length", "lots" } }), body, QStringLiteral("127.0.0.1"))->status, 400);
        // Refused from the header alone, before a byte of the body came.
        QCOMPARE(f.hooks->answer(request("POST", "/hooks/slack", {}, HookBodyBytesMax + 1), {}, QStringLiteral("127.0.0.1"))->status, 413);
        QCOMPARE(f.hooks->answer(request("GET", "/hooks/slack", {}), {}, QStringLiteral("127.0.0.1"))->status, 405);
        QCOMPARE(f.hooks->answer(request("POST", "/hooks/teams", {}, 0), {}, QStringLiteral("127.0.0.1"))->status, 404);
        QCOMPARE(f.audited(QStringLiteral("server.hook_refused")).size(), 4);
        QCOMPARE(f.state(f.deploy), approvals::ApprovalState::Pending);
    }

    void whatsAppReplyDecides()
    {
        Fixture f;
        QVERIFY(f.open(Fixture::bothHooks()));
        // Meta's verification handshake.
        auto verified = f.hooks->answer(request("GET", "/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=meta-verify-me&hub.challenge=1158201444", {}), {},
                                        QStringLiteral("127.0.0.1"));
        QCOMPARE(verified->status, 200);
        QCOMPARE(verified->body, QByteArray("1158201444"));
        QCOMPARE(f.hooks->answer(request("GET", "/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", {}), {}, QStringLiteral("127.0.0.1"))
                         ->status,
                 403);
        QCOMPARE(f.hooks->answer(request("GET", "/hooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=meta-verify-me&hub.challenge=1", {}), {},
                                 QStringLiteral("127.0.0.1"))
                         ->status,
                 400);
        QCOMPARE(f.audited(QStringLiteral("server.hook_refused")).size(), 2);

        const QByteArray deny = whatsAppBody({ { QStringLiteral("15550001111"), f.token(f.deploy, false) } });
        QCOMPARE(f.whatsapp(deny, QByteArray("sha256=" + hmacHex("wrong", deny)))->status, 401);
        QCOMPARE(f.whatsapp(deny, QByteArray())->status, 401);
        QCOMPARE(f.state(f.deploy), approvals::ApprovalState::Pending);
        auto answer = f.whatsapp(deny);
        QCOMPARE(answer->status, 200);
        QCOMPARE(f.state(f.deploy), approvals::ApprovalState::Denied);
        const auto denied = f.audited(QStringLiteral("approval.deny"));
        QCOMPARE(denied.size(), 1);
        QCOMPARE(denied.first().actor, QStringLiteral("operator:carol"));
        // Delivered again (Meta retries): refused, and so is an unknown
        // number; each in the answer, which is still a 200 (anything else
        // has Meta deliver the whole webhook again).
        auto again = f.whatsapp(deny);
        QCOMPARE(again->status, 200);
        QVERIFY(again->body.contains("\"code\":\"conflict\""));
        auto stranger = f.whatsapp(whatsAppBody({ { QStringLiteral("15559999999"), f.token(f.tier3, true) } }));
        QCOMPARE(stranger->status, 200);
        QVERIFY(stranger->body.contains("\"code\":\"permission_denied\""));
        QCOMPARE(f.audited(QStringLiteral("server.hook_refused")).size(), 6);
        QCOMPARE(f.audited(QStringLiteral("approval.deny")).size(), 1);
        // Statuses alone (no button): taken, nothing decided.
        QCOMPARE(f.whatsapp(whatsAppBody({}))->status, 200);
    }

    void offOrUnset()
    {
        Fixture off;
        QVERIFY(off.open());
        QCOMPARE(off.hooks->answer(request("POST", "/hooks/slack", {}, 0), {}, QStringLiteral("127.0.0.1"))->status, 404);
        QCOMPARE(off.hooks->answer(request("POST", "/hooks/whatsapp", {}, 0), {}, QStringLiteral("127.0.0.1"))->status, 404);
        QVERIFY(off.hooks->problems().isEmpty());

        Fixture unset;
        QMap<QString, QString> config = Fixture::bothHooks();
        config.insert(QStringLiteral("server.hooks.slack.signing_secret_env"), QStringLiteral("TST_HOOKS_NOT_SET"));
        QVERIFY(unset.open(config));
        QCOMPARE(unset.hooks->answer(request("POST", "/hooks/slack", {}, 0), {}, QStringLiteral("127.0.0.1"))->status, 503);
        QCOMPARE(unset.hooks->problems().size(), 1);
        QCOMPARE(unset.audited(QStringLiteral("server.hook_refused")).size(), 0);
    }

    void configurationMistakes_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("unknown key") << QStringLiteral("server.hooks.slack.signing_secret") << QStringLiteral("x");
        QTest::newRow("unknown hook") << QStringLiteral("server.hooks.teams.secret_env") << QStringLiteral("X");
        QTest::newRow("not a variable name") << QStringLiteral("server.hooks.slack.signing_secret_env") << QStringLiteral("$SECRET");
        QTest::newRow("operator with a space") << QStringLiteral("server.hooks.slack.operators.U0ALICE") << QStringLiteral("alice smith");
        QTest::newRow("operators without a secret") << QStringLiteral("server.hooks.whatsapp.app_secret_env") << QString();
    }
    void configurationMistakes()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QMap<QString, QString> config = Fixture::bothHooks();
        config.insert(key, value);
        Fixture f;
        QVERIFY(!f.open(config));
        auto refused = ChatHooks::fromConfig(*f.cabinet, 10);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(refused.error().field, key);
    }

    void tooManyOperators()
    {
        QMap<QString, QString> config = Fixture::bothHooks();
        for (int i = 0; i < HookOperatorsMax; ++i)
            config.insert(QStringLiteral("server.hooks.slack.operators.U%1").arg(i), QStringLiteral("op%1").arg(i));
        Fixture f;
        QVERIFY(!f.open(config));
        auto refused = ChatHooks::fromConfig(*f.cabinet, 10);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY(refused.error().field.startsWith(QStringLiteral("server.hooks.slack.operators.")));
    }
};

QTEST_GUILESS_MAIN(TestChatHooks)
#include "tst_chathooks.moc"
