// The webhook bodies (core/approvals/NotificationTemplate.h): the shipped
// generic, Slack and WhatsApp templates render a pending request into JSON
// whose buttons carry decision tokens that verify with their verdicts; text
// from an agent cannot break the JSON or format the message; a decided
// request's body carries no token; bad templates are clear errors.
#include "approvals/DecisionToken.h"
#include "approvals/NotificationTemplate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::approvals;

namespace {

constexpr qint64 NowMs = 1'800'000'000'000;
constexpr qint64 NsPerMs = 1'000'000;

ApprovalRequest deploy()
{
    ApprovalRequest request;
    request.id = QStringLiteral("01JAPPROVAL0000000000000001");
    request.tier = 2;
    request.rule = QStringLiteral("production-deploy");
    request.action.kind = ActionKind::Deploy;
    request.action.agent = QStringLiteral("forge");
    request.action.environment = QStringLiteral("production");
    request.taskId = QStringLiteral("01JTASK00000000000000000001");
    request.node = QStringLiteral("gate");
    request.requestedBy = QStringLiteral("agent:forge");
    // An agent's text with JSON and markup in it.
    request.evidence = "{\"cost_micros\":1250000,\"command\":\"./deploy.sh \\\"prod\\\" <https://evil|click> *now*\"}";
    request.createdNs = NowMs * NsPerMs;
    request.deadlineNs = (NowMs + 4 * 3'600'000) * NsPerMs;
    return request;
}

QJsonObject render(WebhookFormat format, const ApprovalRequest &request, const DecisionTokens &tokens)
{
    auto facts = notificationFacts(request, QStringLiteral("requested"), QStringLiteral("+15551234567"), tokens, NowMs);
    if (!facts)
        return {};
    auto body = renderNotification(defaultTemplate(format), *facts);
    if (!body) {
        qWarning("%s", qPrintable(body.error().message));
        return {};
    }
    return QJsonDocument::fromJson(*body).object();
}

} // namespace

class TestNotificationTemplate : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void slackHasButtonsWithTokens()
    {
        auto tokens = DecisionTokens::open(m_dir.path());
        QVERIFY(tokens.ok());
        const QJsonObject body = render(WebhookFormat::Slack, deploy(), *tokens);
        QVERIFY(!body.isEmpty());
        QVERIFY(body.value(u"text").toString().contains(QStringLiteral("deploy production by forge")));
        const QJsonArray blocks = body.value(u"blocks").toArray();
        QCOMPARE(blocks.size(), 2);
        const QString details = blocks.at(0).toObject().value(u"text").toObject().value(u"text").toString();
        QVERIFY2(details.contains(QStringLiteral("Cost: $1.25")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("./deploy.sh \"prod\"")), qPrintable(details));
        // No link or bold from the agent's text.
        QVERIFY(!details.contains(u'<') && !details.contains(u'*'));
        const QJsonArray buttons = blocks.at(1).toObject().value(u"elements").toArray();
        QCOMPARE(buttons.size(), 2);
        auto approve = tokens->verify(buttons.at(0).toObject().value(u"value").toString().toLatin1(), NowMs);
        auto deny = tokens->verify(buttons.at(1).toObject().value(u"value").toString().toLatin1(), NowMs);
        QVERIFY(approve.ok() && deny.ok());
        QVERIFY(approve->approve);
        QVERIFY(!deny->approve);
        QCOMPARE(approve->approvalId, deploy().id);
        // Valid until the deadline, not after.
        QCOMPARE(approve->expiresMs, deploy().deadlineNs / NsPerMs);
    }

    void whatsAppIsAnInteractiveMessage()
    {
        auto tokens = DecisionTokens::open(m_dir.path());
        const QJsonObject body = render(WebhookFormat::WhatsApp, deploy(), *tokens);
        QCOMPARE(body.value(u"messaging_product").toString(), QStringLiteral("whatsapp"));
        QCOMPARE(body.value(u"to").toString(), QStringLiteral("+15551234567"));
        const QJsonObject interactive = body.value(u"interactive").toObject();
        QCOMPARE(interactive.value(u"type").toString(), QStringLiteral("button"));
        const QJsonArray buttons = interactive.value(u"action").toObject().value(u"buttons").toArray();
        QCOMPARE(buttons.size(), 2);
        const QString id = buttons.at(0).toObject().value(u"reply").toObject().value(u"id").toString();
        QVERIFY(id.size() <= 256); // WhatsApp's limit on a reply button's id
        QVERIFY(tokens->verify(id.toLatin1(), NowMs).ok());
    }

    void genericCarriesTheRequest()
    {
        auto tokens = DecisionTokens::open(m_dir.path());
        const QJsonObject body = render(WebhookFormat::Generic, deploy(), *tokens);
        QCOMPARE(body.value(u"event").toString(), QStringLiteral("requested"));
        const QJsonObject approval = body.value(u"approval").toObject();
        QCOMPARE(approval.value(u"id").toString(), deploy().id);
        QCOMPARE(approval.value(u"evidence").toObject().value(u"cost_micros").toInteger(), 1250000);
    }

    void aDecidedRequestCarriesNoToken()
    {
        auto tokens = DecisionTokens::open(m_dir.path());
        ApprovalRequest decided = deploy();
        decided.state = ApprovalState::Approved;
        decided.decidedNs = decided.createdNs + 1;
        const QJsonObject body = render(WebhookFormat::Generic, decided, *tokens);
        QCOMPARE(body.value(u"approve_token").toString(), QString());
        QCOMPARE(body.value(u"deny_token").toString(), QString());
    }

    void badTemplatesAreClearErrors()
    {
        auto tokens = DecisionTokens::open(m_dir.path());
        const NotificationFacts facts = notificationFacts(deploy(), QStringLiteral("requested"), {}, *tokens, NowMs).value();
        auto expect = [&facts](const QByteArray &text, const QString &field) {
            auto body = renderNotification(text, facts);
            QVERIFY(!body.ok());
            QCOMPARE(int(body.error().code), int(ErrorCode::InvalidArgument));
            QCOMPARE(body.error().field, field);
        };
        expect(R"({"a": {{nope}}})", QStringLiteral("nope"));
        expect(R"({"a": {{id})", QStringLiteral("template"));
        expect(R"({"a": "x{{id}}"})", QStringLiteral("template")); // a placeholder inside a string
        expect(QByteArray(TemplateBytesMax + 1, ' '), QStringLiteral("template"));
        QByteArray many = "[";
        for (int i = 0; i <= TemplatePlaceholdersMax; ++i)
            many += (i ? "," : "") + QByteArray("{{id}}");
        expect(many + ']', QStringLiteral("template"));
        QVERIFY(renderNotification(R"({"id": {{ id }}})", facts).ok());
        QCOMPARE(webhookFormatFromName(QStringLiteral("slack")), std::optional(WebhookFormat::Slack));
        QVERIFY(!webhookFormatFromName(QStringLiteral("teams")));
    }
};

QTEST_GUILESS_MAIN(TestNotificationTemplate)
#include "tst_notificationtemplate.moc"
