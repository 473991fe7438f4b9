#include "approvals/NotificationTemplate.h"

#include "api/JsonText.h"
#include "approvals/DecisionToken.h"
#include "ledger/ExactJson.h"

#include <QDateTime>
#include <QFile>

namespace cabinet::approvals {

namespace {

const char *const FormatNames[] = { "generic", "slack", "whatsapp" };
constexpr qint64 NsPerMs = 1'000'000;

Error invalid(const QString &message, const QString &field = QStringLiteral("template"))
{
    return Error { ErrorCode::InvalidArgument, message, field };
}

QString dollars(qint64 micros)
{
    return QStringLiteral("$%1.%2").arg(micros / 1'000'000).arg(micros % 1'000'000 / 10'000, 2, 10, QLatin1Char('0'));
}

// Slack's mrkdwn and WhatsApp treat these as markup; an agent's text must
// not format (or link) what an operator reads.
QString plain(const QString &text)
{
    QString out = text.left(512);
    for (const QChar c : { u'*', u'_', u'~', u'`', u'<', u'>', u'&' })
        out.replace(c, u' ');
    return out;
}

} // namespace

QString webhookFormatName(WebhookFormat format)
{
    return QString::fromLatin1(FormatNames[int(format)]);
}

std::optional<WebhookFormat> webhookFormatFromName(const QString &name)
{
    for (int i = 0; i < 3; ++i)
        if (name == QLatin1StringView(FormatNames[i]))
            return WebhookFormat(i);
    return std::nullopt;
}

QByteArray defaultTemplate(WebhookFormat format)
{
    QFile file(QStringLiteral(":/notify/%1.json").arg(webhookFormatName(format)));
    // Compiled in (core/approvals/CMakeLists.txt): always there.
    const bool opened = file.open(QIODevice::ReadOnly);
    return opened ? file.read(TemplateBytesMax) : QByteArray();
}

Result<NotificationFacts> notificationFacts(const ApprovalRequest &request, const QString &what, const QString &to,
                                            const DecisionTokens &tokens, qint64 nowMs)
{
    auto text = [](const QString &value) { return api::jsonString(value); };
    const auto evidence = ledger::parseExactJson(request.evidence.isEmpty() ? QByteArrayLiteral("{}") : request.evidence);
    auto evidenceText = [&evidence](const char *name) {
        const api::JsonValue *value = evidence ? api::member(*evidence, QString::fromLatin1(name)) : nullptr;
        return value && value->type == api::JsonValue::Type::String ? value->text : QString();
    };
    const api::JsonValue *cost = evidence ? api::member(*evidence, QStringLiteral("cost_micros")) : nullptr;
    const QString costText = cost && cost->type == api::JsonValue::Type::Number ? dollars(cost->text.toLongLong()) : QString();
    QString command = evidenceText("command");
    if (command.isEmpty())
        command = evidenceText("diff");
    const QString deadline = request.deadlineNs
                                     ? QDateTime::fromMSecsSinceEpoch(request.deadlineNs / NsPerMs, Qt::UTC).toString(Qt::ISODate)
                                     : QString();

    QStringList headline { actionKindName(request.action.kind) };
    for (const QString &part : { request.action.environment, request.action.agent.isEmpty() ? QString() : QStringLiteral("by ") + request.action.agent })
        if (!part.isEmpty())
            headline << part;
    const QString summary = QStringLiteral("Tier %1 approval %2: %3").arg(request.tier).arg(what, plain(headline.join(u' ')));
    QStringList details { summary, QStringLiteral("Rule: %1").arg(plain(request.rule)) };
    if (!costText.isEmpty())
        details << QStringLiteral("Cost: %1").arg(costText);
    if (!command.isEmpty())
        details << QStringLiteral("Command: %1").arg(plain(command));
    if (!request.taskId.isEmpty())
        details << QStringLiteral("Task: %1 at %2").arg(request.taskId, plain(request.node));
    details << (deadline.isEmpty() ? QStringLiteral("Needs %1 different operators").arg(Tier3ApprovalsNeeded)
                                   : QStringLiteral("Denied as expired at %1").arg(deadline));

    QByteArray approveToken = "\"\"", denyToken = "\"\"";
    if (request.state == ApprovalState::Pending) {
        const qint64 ttl = request.deadlineNs ? std::clamp(request.deadlineNs / NsPerMs - nowMs, qint64(1), DecisionTokenTtlMsMax) : DecisionTokenTtlMsMax;
        DecisionClaims claims;
        claims.approvalId = request.id;
        claims.approve = true;
        auto approve = tokens.sign(claims, nowMs, ttl);
        claims.approve = false;
        auto deny = tokens.sign(claims, nowMs, ttl);
        if (!approve)
            return approve.error();
        if (!deny)
            return deny.error();
        approveToken = text(QString::fromLatin1(*approve));
        denyToken = text(QString::fromLatin1(*deny));
    }
    return NotificationFacts { { QStringLiteral("id"), text(request.id) },
                               { QStringLiteral("what"), text(what) },
                               { QStringLiteral("tier"), QByteArray::number(request.tier) },
                               { QStringLiteral("rule"), text(request.rule) },
                               { QStringLiteral("kind"), text(actionKindName(request.action.kind)) },
                               { QStringLiteral("agent"), text(request.action.agent) },
                               { QStringLiteral("environment"), text(request.action.environment) },
                               { QStringLiteral("target"), text(request.action.target) },
                               { QStringLiteral("amount"), text(request.action.amountMicros ? dollars(request.action.amountMicros) : QString()) },
                               { QStringLiteral("cost"), text(costText) },
                               { QStringLiteral("command"), text(command) },
                               { QStringLiteral("task"), text(request.taskId) },
                               { QStringLiteral("deadline"), text(deadline) },
                               { QStringLiteral("state"), text(approvalStateName(request.state)) },
                               { QStringLiteral("reason"), text(request.reason) },
                               { QStringLiteral("summary"), text(summary) },
                               { QStringLiteral("details"), text(details.join(u'\n')) },
                               { QStringLiteral("approval"), approvalJson(request) },
                               { QStringLiteral("to"), text(to) },
                               { QStringLiteral("approve_token"), approveToken },
                               { QStringLiteral("deny_token"), denyToken } };
}

Result<QByteArray> renderNotification(const QByteArray &templateText, const NotificationFacts &facts)
{
    if (templateText.size() > TemplateBytesMax)
        return invalid(QStringLiteral("the template is larger than %1 bytes").arg(TemplateBytesMax));
    QByteArray body;
    int placeholders = 0;
    qsizetype from = 0;
    while (true) {
        const qsizetype open = templateText.indexOf("{{", from);
        if (open < 0)
            break;
        const qsizetype close = templateText.indexOf("}}", open + 2);
        if (close < 0)
            return invalid(QStringLiteral("a '{{' in the template is never closed"));
        if (++placeholders > TemplatePlaceholdersMax)
            return invalid(QStringLiteral("the template has more than %1 placeholders").arg(TemplatePlaceholdersMax));
        const QString name = QString::fromUtf8(templateText.mid(open + 2, close - open - 2)).trimmed();
        const auto fact = facts.constFind(name);
        if (fact == facts.constEnd())
            return invalid(QStringLiteral("the template names no fact '%1'").arg(name.left(64)), name.left(64));
        body += templateText.mid(from, open - from);
        body += *fact;
        if (body.size() > NotificationBytesMax)
            return invalid(QStringLiteral("the notification is larger than %1 bytes").arg(NotificationBytesMax));
        from = close + 2;
    }
    body += templateText.mid(from);
    if (body.size() > NotificationBytesMax)
        return invalid(QStringLiteral("the notification is larger than %1 bytes").arg(NotificationBytesMax));
    // Compact and checked: whatever the template's layout, one JSON value goes out.
    auto parsed = ledger::parseExactJson(body);
    if (!parsed)
        return invalid(QStringLiteral("the template does not make JSON (a placeholder stands for a whole value, unquoted)"));
    return api::writeJson(*parsed);
}

} // namespace cabinet::approvals
