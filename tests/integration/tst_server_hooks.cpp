// The chat hooks of the headless server through the real binary
// (docs/server.md), over plain HTTP on 127.0.0.1 with signatures computed
// here: a Slack Approve and a WhatsApp Deny with good signatures decide real
// pending requests as the operators the configuration maps; a replayed, a
// stale, a badly signed and an unsigned request are refused with their HTTP
// status, audited as server.hook_refused, and decide nothing; WhatsApp's
// verification handshake; the Approve button of a message the notifier
// really sent decides; a hook whose secret variable is unset answers 503
// and says so in the log. And SIGTERM closes a WebSocket client with 1001
// and stops cleanly, as the systemd unit stops it.
#include "LoopbackChatServer.h"
#include "PrometheusCheck.h"
#include "ServerClient.h"

#include "Cabinet.h"
#include "approvals/ApprovalService.h"
#include "approvals/DecisionToken.h"

#include <QDateTime>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

namespace {

const QByteArray SlackSecret = "e2e-slack-signing-secret";
const QByteArray AppSecret = "e2e-whatsapp-app-secret";
const QByteArray VerifyToken = "e2e-verify-token";

QByteArray hmacHex(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256).toHex();
}

QByteArray post(quint16 port, const QByteArray &path, const QByteArray &headers, const QByteArray &body)
{
    return httpExchange(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Content-Length: " + QByteArray::number(body.size())
                                      + "\r\n\r\n" + body);
}

QByteArray slackBody(const QString &user, const QByteArray &token)
{
    const QJsonObject payload { { QStringLiteral("type"), QStringLiteral("block_actions") },
                                { QStringLiteral("user"), QJsonObject { { QStringLiteral("id"), user } } },
                                { QStringLiteral("actions"), QJsonArray { QJsonObject { { QStringLiteral("action_id"), QStringLiteral("approve") },
                                                                                       { QStringLiteral("value"), QString::fromLatin1(token) } } } } };
    return "payload=" + QJsonDocument(payload).toJson(QJsonDocument::Compact).toPercentEncoding();
}

QByteArray slackHeaders(qint64 timestamp, const QByteArray &body, const QByteArray &secret = SlackSecret)
{
    const QByteArray ts = QByteArray::number(timestamp);
    return "Content-Type: application/x-www-form-urlencoded\r\nX-Slack-Request-Timestamp: " + ts + "\r\nX-Slack-Signature: v0="
            + hmacHex(secret, "v0:" + ts + ':' + body) + "\r\n";
}

QByteArray whatsAppBody(const QString &from, const QByteArray &token)
{
    const QJsonObject message { { QStringLiteral("from"), from },
                                { QStringLiteral("id"), QStringLiteral("wamid.1") },
                                { QStringLiteral("type"), QStringLiteral("interactive") },
                                { QStringLiteral("interactive"),
                                  QJsonObject { { QStringLiteral("type"), QStringLiteral("button_reply") },
                                                { QStringLiteral("button_reply"),
                                                  QJsonObject { { QStringLiteral("id"), QString::fromLatin1(token) }, { QStringLiteral("title"), QStringLiteral("Deny") } } } } } };
    const QJsonObject hook { { QStringLiteral("object"), QStringLiteral("whatsapp_business_account") },
                             { QStringLiteral("entry"),
                               QJsonArray { QJsonObject { { QStringLiteral("changes"),
                                                            QJsonArray { QJsonObject { { QStringLiteral("field"), QStringLiteral("messages") },
                                                                                       { QStringLiteral("value"), QJsonObject { { QStringLiteral("messages"), QJsonArray { message } } } } } } } } } } };
    return QJsonDocument(hook).toJson(QJsonDocument::Compact);
}

int status(const QByteArray &response)
{
    return response.mid(9, 3).toInt(); // "HTTP/1.1 200 OK"
}

QList<QJsonObject> audited(const QString &dataDir, const QString &action)
{
    const Run exported = runCabinet({ QStringLiteral("--data-dir"), dataDir, QStringLiteral("audit"), QStringLiteral("export") });
    QList<QJsonObject> entries;
    for (const QString &line : exported.out.split(u'\n', Qt::SkipEmptyParts)) {
        const QJsonObject entry = QJsonDocument::fromJson(line.toUtf8()).object();
        if (entry.value(QStringLiteral("action")).toString() == action)
            entries.append(entry);
    }
    return entries;
}

QString stateOf(const QString &dataDir, const QString &id)
{
    const Run shown = runCabinet({ QStringLiteral("--data-dir"), dataDir, QStringLiteral("approvals"), QStringLiteral("show"), id, QStringLiteral("--json") });
    return QJsonDocument::fromJson(shown.out.toUtf8()).object().value(QStringLiteral("state")).toString();
}

struct Seeded {
    QString deploy, spend;
    QByteArray approveDeploy, denySpend, approveSpend;
};

// The hooks' configuration, then two pending requests made in this
// process, and the tokens a notification would carry, signed with the data
// directory's key (the server verifies them with it).
Seeded seed(const QString &dataDir, const QByteArray &extraConfig = {})
{
    Seeded seeded;
    QFile config(dataDir + QStringLiteral("/config.yaml"));
    if (!config.open(QIODevice::WriteOnly))
        return {};
    config.write("server:\n"
                 "  hooks:\n"
                 "    slack:\n"
                 "      signing_secret_env: E2E_SLACK_SIGNING_SECRET\n"
                 "      operators:\n"
                 "        U0ALICE: alice\n"
                 "    whatsapp:\n"
                 "      app_secret_env: E2E_WHATSAPP_APP_SECRET\n"
                 "      verify_token_env: E2E_WHATSAPP_VERIFY_TOKEN\n"
                 "      operators:\n"
                 "        \"+15550001111\": carol\n"
                 + extraConfig);
    config.close();
    {
        Cabinet::Options options;
        options.dataDir = dataDir;
        auto cabinet = Cabinet::open(options);
        if (!cabinet)
            return {};
        auto &approvals = (*cabinet)->service<approvals::ApprovalService>();
        approvals::NewApproval deploy;
        deploy.action.kind = approvals::ActionKind::Deploy;
        deploy.action.agent = QStringLiteral("forge");
        deploy.action.environment = QStringLiteral("production");
        deploy.action.target = QStringLiteral("./deploy.sh");
        approvals::NewApproval spend;
        spend.action.kind = approvals::ActionKind::Spend;
        spend.action.agent = QStringLiteral("rex");
        spend.action.amountMicros = 25'000'000;
        auto a = approvals.request(deploy, Actor::agent(QStringLiteral("forge")));
        auto b = approvals.request(spend, Actor::agent(QStringLiteral("rex")));
        auto tokens = approvals::DecisionTokens::open(dataDir);
        if (!a || !b || !tokens)
            return {};
        seeded.deploy = a->id;
        seeded.spend = b->id;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        approvals::DecisionClaims claims;
        claims.approvalId = a->id;
        claims.approve = true;
        seeded.approveDeploy = tokens->sign(claims, now, 600'000).value();
        claims.approvalId = b->id;
        seeded.approveSpend = tokens->sign(claims, now, 600'000).value();
        claims.approve = false;
        seeded.denySpend = tokens->sign(claims, now, 600'000).value();
    }
    return seeded;
}

void withSecrets(ServerProcess &server, bool slack = true)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (slack)
        env.insert(QStringLiteral("E2E_SLACK_SIGNING_SECRET"), QString::fromLatin1(SlackSecret));
    env.insert(QStringLiteral("E2E_WHATSAPP_APP_SECRET"), QString::fromLatin1(AppSecret));
    env.insert(QStringLiteral("E2E_WHATSAPP_VERIFY_TOKEN"), QString::fromLatin1(VerifyToken));
    server.process.setProcessEnvironment(env);
}

} // namespace

class TestServerHooks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void slackAndWhatsAppRepliesDecide()
    {
        QTemporaryDir dir;
        const Seeded seeded = seed(dir.path());
        QVERIFY(!seeded.deploy.isEmpty());
        ServerProcess server;
        withSecrets(server);
        QVERIFY(server.start(dir.path()));
        const qint64 now = QDateTime::currentSecsSinceEpoch();

        // Refused first, while the request is pending: none of these decides.
        const QByteArray approve = slackBody(QStringLiteral("U0ALICE"), seeded.approveDeploy);
        QCOMPARE(status(post(server.port, "/hooks/slack", slackHeaders(now, approve, "not the secret"), approve)), 401);
        QCOMPARE(status(post(server.port, "/hooks/slack", slackHeaders(now - 400, approve), approve)), 401);
        QCOMPARE(status(post(server.port, "/hooks/slack", "Content-Type: application/x-www-form-urlencoded\r\n", approve)), 401);
        QCOMPARE(stateOf(dir.path(), seeded.deploy), QStringLiteral("pending"));

        // A good press decides, as alice.
        const QByteArray signed_ = slackHeaders(now, approve);
        const QByteArray accepted = post(server.port, "/hooks/slack", signed_, approve);
        QVERIFY2(status(accepted) == 200, accepted.constData());
        QCOMPARE(QJsonDocument::fromJson(httpBody(accepted)).object().value(QStringLiteral("state")).toString(), QStringLiteral("approved"));
        QCOMPARE(stateOf(dir.path(), seeded.deploy), QStringLiteral("approved"));
        // The same request again, in time and well signed: a replay.
        QCOMPARE(status(post(server.port, "/hooks/slack", signed_, approve)), 409);

        // WhatsApp: Meta's handshake, then a bad signature, then a good deny.
        const QByteArray challenge = httpGet(server.port, "/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=" + VerifyToken + "&hub.challenge=8675309");
        QCOMPARE(status(challenge), 200);
        QCOMPARE(httpBody(challenge), QByteArray("8675309"));
        QCOMPARE(status(httpGet(server.port, "/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")), 403);
        const QByteArray deny = whatsAppBody(QStringLiteral("15550001111"), seeded.denySpend);
        QCOMPARE(status(post(server.port, "/hooks/whatsapp", "X-Hub-Signature-256: sha256=" + hmacHex("wrong", deny) + "\r\n", deny)), 401);
        QCOMPARE(status(post(server.port, "/hooks/whatsapp", {}, deny)), 401);
        // A number nobody mapped, with a good signature.
        const QByteArray stranger = whatsAppBody(QStringLiteral("15559999999"), seeded.approveSpend);
        const QByteArray strangerAnswer = post(server.port, "/hooks/whatsapp", "X-Hub-Signature-256: sha256=" + hmacHex(AppSecret, stranger) + "\r\n", stranger);
        QCOMPARE(status(strangerAnswer), 200); // signed: Meta must not deliver it again
        QVERIFY(httpBody(strangerAnswer).contains("\"code\":\"permission_denied\""));
        QCOMPARE(stateOf(dir.path(), seeded.spend), QStringLiteral("pending"));
        const QByteArray hubSigned = "Content-Type: application/json\r\nX-Hub-Signature-256: sha256=" + hmacHex(AppSecret, deny) + "\r\n";
        QCOMPARE(status(post(server.port, "/hooks/whatsapp", hubSigned, deny)), 200);
        QCOMPARE(stateOf(dir.path(), seeded.spend), QStringLiteral("denied"));
        const QByteArray replayed = post(server.port, "/hooks/whatsapp", hubSigned, deny);
        QCOMPARE(status(replayed), 200);
        QVERIFY(httpBody(replayed).contains("\"code\":\"conflict\""));
        // Counted in /metrics by hook and status.
        const QByteArray metrics = httpBody(httpGet(server.port, "/metrics"));
        const QString problem = checkPrometheusText(metrics);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(metrics.contains("cabinet_hook_requests_total{hook=\"slack\",status=\"200\"} 1\n"));
        QVERIFY(metrics.contains("cabinet_hook_requests_total{hook=\"slack\",status=\"401\"} 3\n"));
        QVERIFY(metrics.contains("cabinet_hook_requests_total{hook=\"whatsapp\",status=\"401\"} 2\n"));
        QVERIFY(server.stop());

        // One decision each, under the mapped operator.
        const auto approvedEntries = audited(dir.path(), QStringLiteral("approval.approve"));
        QCOMPARE(approvedEntries.size(), 1);
        QCOMPARE(approvedEntries.first().value(QStringLiteral("actor")).toString(), QStringLiteral("operator:alice"));
        const auto deniedEntries = audited(dir.path(), QStringLiteral("approval.deny"));
        QCOMPARE(deniedEntries.size(), 1);
        QCOMPARE(deniedEntries.first().value(QStringLiteral("actor")).toString(), QStringLiteral("operator:carol"));
        // Every refusal audited under system:server, with its hook and code.
        const auto refused = audited(dir.path(), QStringLiteral("server.hook_refused"));
        QCOMPARE(refused.size(), 9);
        QStringList codes;
        for (const QJsonObject &entry : refused) {
            QCOMPARE(entry.value(QStringLiteral("actor")).toString(), QStringLiteral("system:server"));
            const QJsonObject payload = entry.value(QStringLiteral("payload")).toObject();
            codes << payload.value(QStringLiteral("hook")).toString() + u':' + payload.value(QStringLiteral("code")).toString();
        }
        QCOMPARE(codes, (QStringList { QStringLiteral("slack:unauthenticated"), QStringLiteral("slack:unauthenticated"), QStringLiteral("slack:unauthenticated"),
                                       QStringLiteral("slack:conflict"), QStringLiteral("whatsapp:unauthenticated"), QStringLiteral("whatsapp:unauthenticated"),
                                       QStringLiteral("whatsapp:unauthenticated"), QStringLiteral("whatsapp:permission_denied"),
                                       QStringLiteral("whatsapp:conflict") }));
    }

    // The whole loop: the notifier sends the Slack message with its
    // buttons, and pressing Approve in it decides.
    void theNotificationsButtonDecides()
    {
        LoopbackChatServer slack; // stands in for Slack's incoming webhook
        slack.setHandler([](const LoopbackChatServer::Request &) { return LoopbackChatServer::raw(200, "ok"); });
        QVERIFY(slack.listen());
        QTemporaryDir dir;
        // Requested with no core started: the notification waits in the
        // outbox until the server's core sends it.
        const Seeded seeded = seed(dir.path(), "notify:\n  webhook:\n    ops:\n      url: " + slack.baseUrl().toUtf8() + "/hook\n      format: slack\n");
        QVERIFY(!seeded.deploy.isEmpty());
        ServerProcess server;
        withSecrets(server);
        QVERIFY(server.start(dir.path()));
        QByteArray approveToken;
        QVERIFY(QTest::qWaitFor([&] {
            for (const LoopbackChatServer::Request &sent : slack.requests())
                for (const QJsonValue &block : sent.json().value(QStringLiteral("blocks")).toArray())
                    if (block.toObject().value(QStringLiteral("block_id")).toString() == seeded.deploy)
                        approveToken = block.toObject().value(QStringLiteral("elements")).toArray().first().toObject().value(QStringLiteral("value")).toString().toLatin1();
            return !approveToken.isEmpty();
        }, 20000));
        const QByteArray press = slackBody(QStringLiteral("U0ALICE"), approveToken);
        const QByteArray answer = post(server.port, "/hooks/slack", slackHeaders(QDateTime::currentSecsSinceEpoch(), press), press);
        QVERIFY2(status(answer) == 200, answer.constData());
        QCOMPARE(stateOf(dir.path(), seeded.deploy), QStringLiteral("approved"));
        QVERIFY(server.stop());
    }

    void unsetSecretAnswers503()
    {
        QTemporaryDir dir;
        QVERIFY(!seed(dir.path()).deploy.isEmpty());
        ServerProcess server;
        withSecrets(server, false);
        QVERIFY(server.start(dir.path()));
        QVERIFY2(server.log.contains("E2E_SLACK_SIGNING_SECRET is not set"), server.log.constData());
        const QByteArray body = slackBody(QStringLiteral("U0ALICE"), "x.y");
        QCOMPARE(status(post(server.port, "/hooks/slack", slackHeaders(QDateTime::currentSecsSinceEpoch(), body), body)), 503);
        QVERIFY(server.stop());
    }

    void sigtermClosesClientsWith1001()
    {
        QTemporaryDir dir;
        const QByteArray token = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        QVERIFY(!token.isEmpty());
        ServerProcess server;
        QVERIFY(server.start(dir.path()));
        WsClient client;
        QVERIFY(client.open(server.port, token));
        QVERIFY(client.call(QStringLiteral("mode.get")).contains(QStringLiteral("result")));
        server.process.terminate();
        QVERIFY(client.waitClosed());
        QCOMPARE(client.closeCode, 1001);
        // (It may have exited already while the client waited.)
        QVERIFY(server.process.state() == QProcess::NotRunning || server.process.waitForFinished(15000));
        QCOMPARE(server.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.process.exitCode(), 0);
    }
};

QTEST_MAIN(TestServerHooks)
#include "tst_server_hooks.moc"
