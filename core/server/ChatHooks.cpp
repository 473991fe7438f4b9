#include "server/ChatHooks.h"

#include "Actor.h"
#include "Assert.h"
#include "Cabinet.h"
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "config/Config.h"
#include "server/HttpRequest.h"
#include "server/ServerLimits.h"
#include "store/Database.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QUrlQuery>

#include <sodium.h>

#include <tuple>

Q_LOGGING_CATEGORY(lcHooks, "cabinet.server.hooks")

namespace cabinet::server {

namespace {

const QString Prefix = QStringLiteral("server.hooks.");
constexpr qsizetype ChatUserBytesMax = 64;

Error notSigned(const QString &message, const char *header)
{
    return Error { ErrorCode::Unauthenticated, message, QString::fromLatin1(header) };
}

Error invalid(const QString &message, const QString &field)
{
    return Error { ErrorCode::InvalidArgument, message, field };
}

// `given` ("<prefix><64 hex digits>") against the digest we computed, in
// constant time: a timing difference would let a forger learn it byte by byte.
bool digestMatches(const QByteArray &given, const char *prefix, const QByteArray &expected)
{
    const QByteArray hex = given.mid(qsizetype(qstrlen(prefix)));
    if (!given.startsWith(prefix) || hex.size() != expected.size() * 2
        || !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
        return false;
    const QByteArray bytes = QByteArray::fromHex(hex);
    return sodium_memcmp(bytes.constData(), expected.constData(), size_t(expected.size())) == 0;
}

// Two secrets of any lengths compared in constant time (through their hashes,
// so not even the length shows).
bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    const QByteArray x = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray y = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    return sodium_memcmp(x.constData(), y.constData(), size_t(x.size())) == 0;
}

QByteArray errorJson(const Error &error)
{
    QJsonObject object { { QStringLiteral("code"), errorCodeName(error.code) }, { QStringLiteral("message"), error.message } };
    if (!error.field.isEmpty())
        object.insert(QStringLiteral("field"), error.field);
    return api::compact(QJsonObject { { QStringLiteral("error"), object } });
}

ChatHooks::Answer json(int status, const QByteArray &body)
{
    return { status, "application/json", body };
}

// The HTTP status of a decision's refusal.
int statusOf(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return 400;
    case ErrorCode::Unauthenticated: return 401;
    case ErrorCode::PermissionDenied: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Conflict: return 409;           // used already, decided already
    case ErrorCode::FailedPrecondition: return 410; // the token or the request expired
    case ErrorCode::ResourceExhausted: return 413;
    case ErrorCode::Unavailable: return 503;
    default: return 500;
    }
}

bool validEnvironmentName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,127}$"));
    return pattern.match(name).hasMatch();
}

} // namespace

Status verifySlackSignature(const QByteArray &secret, const QByteArray &timestamp, const QByteArray &signature, const QByteArray &body,
                            qint64 nowMs)
{
    if (timestamp.isEmpty())
        return notSigned(QStringLiteral("the request has no X-Slack-Request-Timestamp"), "x-slack-request-timestamp");
    if (signature.isEmpty())
        return notSigned(QStringLiteral("the request is not signed (no X-Slack-Signature)"), "x-slack-signature");
    bool ok = false;
    const qint64 seconds = timestamp.toLongLong(&ok);
    if (!ok)
        return notSigned(QStringLiteral("X-Slack-Request-Timestamp is not a number of seconds"), "x-slack-request-timestamp");
    const QByteArray expected = QMessageAuthenticationCode::hash("v0:" + timestamp + ':' + body, secret, QCryptographicHash::Sha256);
    if (!digestMatches(signature, "v0=", expected))
        return notSigned(QStringLiteral("X-Slack-Signature does not match the body signed with the signing secret"), "x-slack-signature");
    // Checked after the signature, so a refusal here is a genuine request
    // replayed late, not noise.
    const qint64 now = nowMs / 1000;
    if (seconds < now - SlackTimestampWindowSecs || seconds > now + SlackTimestampWindowSecs)
        return notSigned(QStringLiteral("the request was signed more than %1 seconds from now (a replay, or a clock far off)").arg(SlackTimestampWindowSecs),
                         "x-slack-request-timestamp");
    return {};
}

Status verifyHubSignature(const QByteArray &secret, const QByteArray &signature, const QByteArray &body)
{
    if (signature.isEmpty())
        return notSigned(QStringLiteral("the request is not signed (no X-Hub-Signature-256)"), "x-hub-signature-256");
    if (!digestMatches(signature, "sha256=", QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256)))
        return notSigned(QStringLiteral("X-Hub-Signature-256 does not match the body signed with the app secret"), "x-hub-signature-256");
    return {};
}

Result<std::optional<ButtonReply>> slackReply(const QByteArray &body)
{
    QByteArray encoded;
    for (const QByteArray &pair : body.split('&'))
        if (pair.startsWith("payload="))
            encoded = pair.mid(8);
    if (encoded.isEmpty())
        return invalid(QStringLiteral("a Slack interaction is a form with payload=JSON"), QStringLiteral("payload"));
    encoded.replace('+', ' '); // the form encoding's space
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromPercentEncoding(encoded));
    if (!document.isObject())
        return invalid(QStringLiteral("the payload is not a JSON object"), QStringLiteral("payload"));
    const QJsonObject payload = document.object();
    // Shortcuts, modals and the like come to the same URL; only presses decide.
    if (payload.value(u"type").toString() != QLatin1StringView("block_actions"))
        return std::optional<ButtonReply>();
    const QJsonArray actions = payload.value(u"actions").toArray();
    if (actions.size() != 1)
        return invalid(QStringLiteral("a button press carries one action, got %1").arg(actions.size()), QStringLiteral("actions"));
    ButtonReply reply { payload.value(u"user").toObject().value(u"id").toString(), actions.first().toObject().value(u"value").toString().toUtf8() };
    if (reply.user.isEmpty() || reply.value.isEmpty())
        return invalid(QStringLiteral("the press names no user.id or its button no value"), QStringLiteral("actions"));
    return std::optional<ButtonReply>(std::move(reply));
}

Result<std::vector<ButtonReply>> whatsAppReplies(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject() || !document.object().value(u"entry").isArray())
        return invalid(QStringLiteral("a WhatsApp webhook is a JSON object with an entry array"), QStringLiteral("entry"));
    std::vector<ButtonReply> replies;
    for (const QJsonValue &entry : document.object().value(u"entry").toArray()) {
        for (const QJsonValue &change : entry.toObject().value(u"changes").toArray()) {
            // Statuses (sent, delivered, read) and other messages come here too.
            for (const QJsonValue &item : change.toObject().value(u"value").toObject().value(u"messages").toArray()) {
                const QJsonObject message = item.toObject();
                const QJsonObject interactive = message.value(u"interactive").toObject();
                if (message.value(u"type").toString() != QLatin1StringView("interactive")
                    || interactive.value(u"type").toString() != QLatin1StringView("button_reply"))
                    continue;
                if (replies.size() >= size_t(HookRepliesMax))
                    return Error { ErrorCode::ResourceExhausted, QStringLiteral("more than %1 button replies in one webhook").arg(HookRepliesMax),
                                   QStringLiteral("messages") };
                ButtonReply reply { message.value(u"from").toString(), interactive.value(u"button_reply").toObject().value(u"id").toString().toUtf8() };
                if (reply.user.isEmpty() || reply.value.isEmpty())
                    return invalid(QStringLiteral("a button reply names no sender (from) or no button_reply.id"), QStringLiteral("messages"));
                replies.push_back(std::move(reply));
            }
        }
    }
    return replies;
}

ChatHooks::ChatHooks(Cabinet &cabinet, Hook slack, Hook whatsapp, int auditsPerMinute)
    : m_cabinet(cabinet), m_slack(std::move(slack)), m_whatsapp(std::move(whatsapp)), m_audits(auditsPerMinute, auditsPerMinute / 60.0, ServerLimits::RateKeysMax)
{
}

Result<ChatHooks::Hook> ChatHooks::hookFrom(const Config &config, const QString &name, const QString &secretKey)
{
    Hook hook;
    hook.name = name;
    const QString prefix = Prefix + name + u'.';
    const QString operators = prefix + QStringLiteral("operators.");
    for (const Config::Item &item : config.items()) {
        if (!item.key.startsWith(operators))
            continue;
        QString user = item.key.mid(operators.size());
        if (name == QLatin1StringView("whatsapp") && user.startsWith(u'+'))
            user.remove(0, 1); // WhatsApp writes the sender's number without it
        if (hook.operators.size() >= HookOperatorsMax)
            return invalid(QStringLiteral("%1 maps more than %2 users").arg(operators.chopped(1)).arg(HookOperatorsMax), item.key);
        if (user.isEmpty() || user.toUtf8().size() > ChatUserBytesMax)
            return invalid(QStringLiteral("a chat user is 1..%1 bytes").arg(ChatUserBytesMax), item.key);
        if (!Actor::parse(QStringLiteral("operator:") + item.value))
            return invalid(QStringLiteral("%1 must be an operator's name (1..%2 printable characters without spaces), got %3")
                                   .arg(item.key)
                                   .arg(Actor::IdLengthMax)
                                   .arg(quoteInput(item.value)),
                           item.key);
        hook.operators.insert(user, item.value);
    }
    // The secret's variable, and the verify token's (WhatsApp's alone:
    // fromConfig refuses the key for Slack, so it reads empty there).
    using Variable = std::tuple<QString, QString *, QByteArray *>; // QString: not a QStringBuilder of temporaries
    for (const auto &[key, variable, value] : { Variable { prefix + secretKey, &hook.secretEnv, &hook.secret },
                                                 Variable { prefix + QStringLiteral("verify_token_env"), &hook.verifyEnv, &hook.verifyToken } }) {
        *variable = config.value(key);
        if (!variable->isEmpty() && !validEnvironmentName(*variable))
            return invalid(QStringLiteral("%1 names an environment variable (letters, digits, _), got %2").arg(key, quoteInput(*variable)), key);
        *value = variable->isEmpty() ? QByteArray() : qgetenv(variable->toLatin1().constData());
    }
    if (hook.secretEnv.isEmpty() && !hook.operators.isEmpty())
        return invalid(QStringLiteral("%1 maps operators but names no %2 to verify requests with").arg(prefix.chopped(1), prefix + secretKey),
                       prefix + secretKey);
    return hook;
}

Result<std::unique_ptr<ChatHooks>> ChatHooks::fromConfig(Cabinet &cabinet, int auditsPerMinute)
{
    // A key mistyped would leave a hook open or shut without a word.
    static const QRegularExpression known(QStringLiteral("^server\\.hooks\\.(slack\\.(signing_secret_env|operators\\..+)|"
                                                         "whatsapp\\.(app_secret_env|verify_token_env|operators\\..+))$"));
    for (const Config::Item &item : cabinet.config().items())
        if (item.key.startsWith(Prefix) && !known.match(item.key).hasMatch())
            return invalid(QStringLiteral("unknown setting %1 (server.hooks takes slack.signing_secret_env, whatsapp.app_secret_env, "
                                          "whatsapp.verify_token_env and <hook>.operators.<user>)")
                                   .arg(quoteInput(item.key)),
                           item.key);
    auto slack = hookFrom(cabinet.config(), QStringLiteral("slack"), QStringLiteral("signing_secret_env"));
    if (!slack)
        return slack.error();
    auto whatsapp = hookFrom(cabinet.config(), QStringLiteral("whatsapp"), QStringLiteral("app_secret_env"));
    if (!whatsapp)
        return whatsapp.error();
    std::unique_ptr<ChatHooks> hooks(new ChatHooks(cabinet, std::move(*slack), std::move(*whatsapp), auditsPerMinute));
    if (!hooks->m_slack.secretEnv.isEmpty() || !hooks->m_whatsapp.secretEnv.isEmpty()) {
        auto tokens = approvals::DecisionTokens::open(cabinet.dataDir());
        if (!tokens)
            return tokens.error();
        hooks->m_tokens = std::move(*tokens);
    }
    return hooks;
}

QStringList ChatHooks::problems() const
{
    QStringList lines;
    for (const Hook *hook : { &m_slack, &m_whatsapp }) {
        if (hook->secretEnv.isEmpty())
            continue;
        if (hook->secret.isEmpty())
            lines << QStringLiteral("the %1 hook cannot verify requests: the environment variable %2 is not set (it answers 503)").arg(hook->name, hook->secretEnv);
        if (hook->operators.isEmpty())
            lines << QStringLiteral("the %1 hook maps no operators (server.hooks.%1.operators): every press is refused").arg(hook->name);
    }
    if (!m_whatsapp.secretEnv.isEmpty() && m_whatsapp.verifyToken.isEmpty())
        lines << QStringLiteral("the whatsapp hook cannot be verified by Meta: %1 is not set (GET answers 503)")
                         .arg(m_whatsapp.verifyEnv.isEmpty() ? QStringLiteral("server.hooks.whatsapp.verify_token_env") : m_whatsapp.verifyEnv);
    return lines;
}

ChatHooks::Answer ChatHooks::refuse(const Hook &hook, const QString &address, int status, const Error &error, const QString &user)
{
    if (m_audits.take(address, m_cabinet.clock().nowNs())) {
        QJsonObject payload { { QStringLiteral("hook"), hook.name }, { QStringLiteral("status"), status },
                              { QStringLiteral("code"), errorCodeName(error.code) }, { QStringLiteral("field"), error.field },
                              { QStringLiteral("reason"), error.message } };
        if (!user.isEmpty())
            payload.insert(QStringLiteral("user"), user.left(ChatUserBytesMax));
        if (auto entry = m_cabinet.audit().record(QStringLiteral("system:server"), QStringLiteral("server.hook_refused"), address, payload); !entry)
            qCWarning(lcHooks).noquote() << "cannot audit a refused hook request:" << entry.error().message;
    }
    return json(status, errorJson(error));
}

std::optional<ChatHooks::Answer> ChatHooks::answer(const HttpRequest &request, const QByteArray &received, const QString &address)
{
    const bool slack = request.path == "/hooks/slack";
    if (!slack && request.path != "/hooks/whatsapp")
        return json(404, errorJson({ ErrorCode::NotFound, QStringLiteral("the hooks are /hooks/slack and /hooks/whatsapp") }));
    const Hook &hook = slack ? m_slack : m_whatsapp;
    const QString secretKey = Prefix + hook.name + (slack ? QStringLiteral(".signing_secret_env") : QStringLiteral(".app_secret_env"));
    // Off or unusable: refused before anything is read, never taken unsigned.
    if (hook.secretEnv.isEmpty())
        return json(404, errorJson({ ErrorCode::NotFound, QStringLiteral("the %1 hook is off (%2 is not set)").arg(hook.name, secretKey) }));
    if (hook.secret.isEmpty())
        return json(503, errorJson({ ErrorCode::Unavailable, QStringLiteral("the %1 hook's secret variable %2 is not set").arg(hook.name, hook.secretEnv) }));
    if (!slack && request.method == "GET")
        return handshake(hook, request, address);
    if (request.method != "POST")
        return json(405, errorJson({ ErrorCode::InvalidArgument, slack ? QStringLiteral("POST only") : QStringLiteral("GET or POST only") }));

    // The length is checked before the body is read.
    const QByteArray lengthText = request.header("content-length");
    bool ok = false;
    const qint64 length = lengthText.toLongLong(&ok);
    if (!request.header("transfer-encoding").isEmpty() || lengthText.isEmpty())
        return refuse(hook, address, 411, invalid(QStringLiteral("a hook's request gives its Content-Length"), QStringLiteral("content-length")));
    if (!ok || length < 0)
        return refuse(hook, address, 400, invalid(QStringLiteral("Content-Length is not a number"), QStringLiteral("content-length")));
    if (length > HookBodyBytesMax)
        return refuse(hook, address, 413,
                      { ErrorCode::ResourceExhausted, QStringLiteral("the body is over %1 bytes").arg(HookBodyBytesMax), QStringLiteral("content-length") });
    if (received.size() < length)
        return std::nullopt;
    return press(hook, request, received.left(length), address);
}

ChatHooks::Answer ChatHooks::handshake(const Hook &hook, const HttpRequest &request, const QString &address)
{
    if (hook.verifyToken.isEmpty())
        return json(503, errorJson({ ErrorCode::Unavailable, QStringLiteral("the whatsapp hook's verify token (server.hooks.whatsapp.verify_token_env) is not set") }));
    const QUrlQuery query(QString::fromLatin1(request.query));
    const QString challenge = query.queryItemValue(QStringLiteral("hub.challenge"), QUrl::FullyDecoded);
    if (query.queryItemValue(QStringLiteral("hub.mode"), QUrl::FullyDecoded) != QLatin1StringView("subscribe"))
        return refuse(hook, address, 400, invalid(QStringLiteral("hub.mode must be subscribe"), QStringLiteral("hub.mode")));
    if (!sameSecret(query.queryItemValue(QStringLiteral("hub.verify_token"), QUrl::FullyDecoded).toUtf8(), hook.verifyToken))
        return refuse(hook, address, 403,
                      { ErrorCode::Unauthenticated, QStringLiteral("hub.verify_token is not the hook's verify token"), QStringLiteral("hub.verify_token") });
    const bool printable = std::all_of(challenge.begin(), challenge.end(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
    if (challenge.isEmpty() || challenge.size() > HookChallengeBytesMax || !printable)
        return refuse(hook, address, 400,
                      invalid(QStringLiteral("hub.challenge must be 1..%1 printable ASCII characters").arg(HookChallengeBytesMax), QStringLiteral("hub.challenge")));
    return { 200, "text/plain; charset=utf-8", challenge.toLatin1() };
}

ChatHooks::Answer ChatHooks::press(const Hook &hook, const HttpRequest &request, const QByteArray &body, const QString &address)
{
    if (&hook == &m_slack) {
        if (auto verified = verifySlackSignature(hook.secret, request.header("x-slack-request-timestamp"), request.header("x-slack-signature"), body,
                                                 m_cabinet.clock().nowMs());
            !verified)
            return refuse(hook, address, 401, verified.error());
        auto reply = slackReply(body);
        if (!reply)
            return refuse(hook, address, 400, reply.error());
        if (!*reply)
            return json(200, "{\"ignored\":\"not a button press\"}");
        auto decided = decide(hook, **reply);
        if (!decided)
            return refuse(hook, address, statusOf(decided.error().code), decided.error(), (*reply)->user);
        return json(200, *decided);
    }
    if (auto verified = verifyHubSignature(hook.secret, request.header("x-hub-signature-256"), body); !verified)
        return refuse(hook, address, 401, verified.error());
    auto replies = whatsAppReplies(body);
    if (!replies)
        return refuse(hook, address, statusOf(replies.error().code), replies.error());
    // Signed and read: 200 whatever became of each reply (each refusal is
    // audited, and its error is in the answer). Meta delivers a whole
    // webhook again on anything else, and a reply that can never pass (an
    // unmapped number, a used token) would be refused for days.
    QByteArray results;
    for (const ButtonReply &reply : *replies) {
        auto decided = decide(hook, reply);
        if (!decided)
            refuse(hook, address, statusOf(decided.error().code), decided.error(), reply.user);
        results += (results.isEmpty() ? "" : ",") + (decided ? *decided : errorJson(decided.error()));
    }
    return json(200, "{\"replies\":[" + results + "]}");
}

Result<QByteArray> ChatHooks::decide(const Hook &hook, const ButtonReply &reply)
{
    // The chat user first: someone unknown learns nothing about the token.
    const QString operatorName = hook.operators.value(reply.user);
    if (operatorName.isEmpty())
        return Error { ErrorCode::PermissionDenied,
                       QStringLiteral("%1 user %2 is not mapped to an operator (server.hooks.%1.operators)").arg(hook.name, quoteInput(reply.user.left(ChatUserBytesMax))),
                       QStringLiteral("user") };
    CABINET_ASSERT(m_tokens);
    auto claims = m_tokens->verify(reply.value, m_cabinet.clock().nowMs());
    if (!claims)
        return claims.error();
    if (!claims->operatorName.isEmpty() && claims->operatorName != operatorName)
        return Error { ErrorCode::PermissionDenied,
                       QStringLiteral("the button was sent to %1, not to %2").arg(claims->operatorName, operatorName), QStringLiteral("user") };
    approvals::Decision decision;
    decision.ids = QStringList { claims->approvalId };
    decision.approve = claims->approve;
    decision.operatorName = operatorName;
    decision.reason = QStringLiteral("%1 button (%2)").arg(hook.name, reply.user);
    const qint64 nowNs = m_cabinet.clock().nowNs();
    decision.alongside = [this, &claims, nowNs](Transaction &tx) { return approvals::DecisionTokens::consume(m_cabinet.database(), tx, *claims, nowNs); };
    auto decided = m_cabinet.service<approvals::ApprovalService>().decide(decision, Actor::person(operatorName));
    if (!decided)
        return decided.error();
    const approvals::ApprovalRequest &request = decided->front();
    return api::compact(QJsonObject { { QStringLiteral("id"), request.id },
                                      { QStringLiteral("state"), approvals::approvalStateName(request.state) },
                                      { QStringLiteral("operator"), operatorName } });
}

} // namespace cabinet::server
