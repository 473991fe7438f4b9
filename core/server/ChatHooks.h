#pragma once

#include "Result.h"
#include "approvals/DecisionToken.h"
#include "server/RateLimiter.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace cabinet {
class Cabinet;
class Config;
} // namespace cabinet

namespace cabinet::server {

struct HttpRequest;

// Limits on the chat hooks, each checked before the work it would cost.
// A hook's body, from its Content-Length, before any of it is read: a
// Slack interaction about one of our messages is a few KiB.
inline constexpr qsizetype HookBodyBytesMax = 64 * 1024;
// How far X-Slack-Request-Timestamp may be from the Clock, either way.
inline constexpr qint64 SlackTimestampWindowSecs = 5 * 60;
// Chat users (or phone numbers) mapped to operators, per hook.
inline constexpr int HookOperatorsMax = 256;
// Button replies in one WhatsApp delivery (it batches messages).
inline constexpr int HookRepliesMax = 16;
// The hub.challenge WhatsApp asks us to echo.
inline constexpr qsizetype HookChallengeBytesMax = 256;

// The signature checks (docs/server.md), apart so they are tested apart.
// Each refusal is unauthenticated, its field naming the header at fault.
// Slack: "v0=" hex(HMAC-SHA256(secret, "v0:" timestamp ":" body)), and the
// timestamp within SlackTimestampWindowSecs of nowMs.
Status verifySlackSignature(const QByteArray &secret, const QByteArray &timestamp, const QByteArray &signature, const QByteArray &body,
                            qint64 nowMs);
// WhatsApp (Meta's X-Hub-Signature-256): "sha256=" hex(HMAC-SHA256(secret, body)).
Status verifyHubSignature(const QByteArray &secret, const QByteArray &signature, const QByteArray &body);

// One press of an Approve / Deny button: who pressed it (a Slack user id, a
// WhatsApp phone number) and the button's value, a decision token.
struct ButtonReply {
    QString user;
    QByteArray value;
};
// The press in a Slack interaction (a form body, payload=JSON); nothing for
// an interaction that is not a button press. invalid_argument: not one.
Result<std::optional<ButtonReply>> slackReply(const QByteArray &body);
// The button replies in a WhatsApp Cloud API webhook (entry[].changes[]
// .value.messages[] of type interactive); other messages are passed over.
// invalid_argument: not such a webhook; resource_exhausted: over HookRepliesMax.
Result<std::vector<ButtonReply>> whatsAppReplies(const QByteArray &body);

// POST /hooks/slack and GET / POST /hooks/whatsapp on the server's port
// (docs/server.md): a signed button press becomes the ApprovalService's
// decision, as operator:NAME of the chat user the configuration maps,
// using up the decision token the button carries in the decision's
// transaction (a token decides once). Every refusal by a configured hook
// is audited as server.hook_refused under system:server (subject: the
// client's address), at most as many a minute per address as failed
// authentications are (server.auth_failures_per_minute), so a flood cannot
// fill the trail.
class ChatHooks {
public:
    struct Answer {
        int status = 200;
        QByteArray contentType;
        QByteArray body;
    };

    // The hooks of the configuration (server.hooks.*), their secrets read
    // from the environment variables it names; an error names the key.
    static Result<std::unique_ptr<ChatHooks>> fromConfig(Cabinet &cabinet, int auditsPerMinute);

    // One line for each configured hook that cannot take requests (a
    // secret's variable unset, no operator mapped): logged at start.
    QStringList problems() const;

    // The answer to a request for /hooks/..., `received` being what came
    // after its headers so far; nothing while its body is still short of
    // its Content-Length.
    std::optional<Answer> answer(const HttpRequest &request, const QByteArray &received, const QString &address);

private:
    struct Hook {
        QString name;      // slack, whatsapp
        QString secretEnv; // empty: the hook is off (404)
        QByteArray secret; // empty: its variable is unset (503)
        QString verifyEnv; // WhatsApp's GET handshake
        QByteArray verifyToken;
        QHash<QString, QString> operators; // chat user or phone number -> operator name
    };
    ChatHooks(Cabinet &cabinet, Hook slack, Hook whatsapp, int auditsPerMinute);
    // `secretKey`: the key naming the secret's variable, under server.hooks.<name>.
    static Result<Hook> hookFrom(const Config &config, const QString &name, const QString &secretKey);

    Answer press(const Hook &hook, const HttpRequest &request, const QByteArray &body, const QString &address);
    Answer handshake(const Hook &hook, const HttpRequest &request, const QString &address);
    // The decision a reply makes: {"id", "state", "operator"}.
    Result<QByteArray> decide(const Hook &hook, const ButtonReply &reply);
    // Audits a refusal (while the address is under its limit) and answers it.
    Answer refuse(const Hook &hook, const QString &address, int status, const Error &error, const QString &user = {});

    Cabinet &m_cabinet;
    Hook m_slack, m_whatsapp;
    std::optional<approvals::DecisionTokens> m_tokens; // opened when a hook is on
    RateLimiter m_audits;
};

} // namespace cabinet::server
