#pragma once

#include "Result.h"
#include "approvals/ApprovalTypes.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace cabinet::approvals {

class DecisionTokens;

// Limits on a webhook body, checked before the work they would cost.
inline constexpr qsizetype TemplateBytesMax = 16 * 1024;
inline constexpr qsizetype NotificationBytesMax = 128 * 1024; // the evidence (64 KiB) and the rest
inline constexpr int TemplatePlaceholdersMax = 64;

// The bodies a webhook may send (docs/approvals.md): a generic JSON one, a
// Slack-compatible one (blocks with Approve / Deny buttons carrying decision
// tokens) and a WhatsApp Cloud API interactive message (reply buttons).
enum class WebhookFormat { Generic, Slack, WhatsApp };
// "generic", "slack", "whatsapp".
QString webhookFormatName(WebhookFormat format);
std::optional<WebhookFormat> webhookFormatFromName(const QString &name);
// The format's shipped template (resources/notify/<name>.json).
QByteArray defaultTemplate(WebhookFormat format);

// What a template may say, each fact a JSON value's text: strings as JSON
// string literals, `approval` as the request's JSON object.
using NotificationFacts = QMap<QString, QByteArray>;

// The facts of `request` as of `what` (requested, reminder, decided,
// expired): id, what, tier, rule, kind, agent, environment, target, amount,
// cost, command, task, deadline (UTC, ISO 8601), state, reason, summary (one
// line), details (a few lines, Markdown-safe), approval (the whole request),
// to (the recipient the webhook names), and approve_token / deny_token:
// decision tokens signed by `tokens`, valid until the deadline (tier 3: the
// longest a token may live), while the request is pending; "" once decided.
Result<NotificationFacts> notificationFacts(const ApprovalRequest &request, const QString &what, const QString &to,
                                            const DecisionTokens &tokens, qint64 nowMs);

// Fills `{{name}}` in a template with the facts' JSON text, so a
// placeholder stands for a whole JSON value (unquoted in the template). An
// unknown placeholder, a template over TemplateBytesMax or with more than
// TemplatePlaceholdersMax placeholders, and a body that is not JSON or is
// over NotificationBytesMax are errors (invalid_argument, naming the
// placeholder or "template").
Result<QByteArray> renderNotification(const QByteArray &templateText, const NotificationFacts &facts);

} // namespace cabinet::approvals
