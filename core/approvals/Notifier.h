#pragma once

#include "Clock.h"
#include "Result.h"
#include "approvals/ApprovalTypes.h"
#include "approvals/DecisionToken.h"
#include "approvals/NotificationTemplate.h"
#include "approvals/WebhookClient.h"
#include "service/Service.h"

#include <QSet>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace cabinet {
class Config;
class Database;
class EventBus;
class Transaction;
} // namespace cabinet

namespace cabinet::approvals {

// Limits and the retry schedule of webhook deliveries (docs/approvals.md).
inline constexpr int WebhooksMax = 16;
inline constexpr qsizetype WebhookNameLengthMax = 64; // [a-z0-9_-]
inline constexpr qsizetype WebhookUrlBytesMax = 2'048;
inline constexpr int DeliveryAttemptsMax = 5;
// Before try n (n >= 2): DeliveryBackoffBaseMs * 2^(n-2), at most DeliveryBackoffMaxMs.
inline constexpr qint64 DeliveryBackoffBaseMs = 30'000;
inline constexpr qint64 DeliveryBackoffMaxMs = 15 * 60'000;
inline constexpr qint64 DeliveryTimeoutMsDefault = 10'000; // one try, connecting included
inline constexpr int DeliveriesInFlightMax = 32;
inline constexpr qsizetype DeliveryErrorBytesMax = 512;
inline constexpr int DeliveriesListMax = 1'000;

// One webhook of the configuration: notify.webhook.<name>.url (http or
// https), .format (generic, slack, whatsapp; generic when absent), .to (the
// recipient its template names; optional) and .template (a template file,
// relative to the data directory; the format's shipped one when absent).
struct Webhook {
    QString name;
    QByteArray url;
    WebhookFormat format = WebhookFormat::Generic;
    QString to;
    QByteArray templateText; // empty: defaultTemplate(format)
};

enum class DeliveryState { Queued, Sent, Failed };
QString deliveryStateName(DeliveryState state);
std::optional<DeliveryState> deliveryStateFromName(const QString &name);

struct Delivery {
    qint64 id = 0;
    QString approvalId, what, channel;
    DeliveryState state = DeliveryState::Queued;
    int attempts = 0;
    qint64 nextNs = 0;
    QString lastError;
    qint64 createdNs = 0, updatedNs = 0;
};
QJsonObject deliveryJson(const Delivery &delivery); // no URL: a webhook's URL is often its secret

// Sends the approvals' notifications to the configured webhooks. queue() is
// the ApprovalService's outbox: inside the transaction of each request,
// reminder, decision and expiry it renders one body per webhook into
// approval_deliveries, so a notification is kept durably with what it tells
// of. As a Service it sends what is due over WebhookClient and records each
// try (approval.delivery events): a 2xx is sent; no answer, a 5xx, 408 or
// 429 is tried again after a backoff, up to DeliveryAttemptsMax tries; any
// other answer fails at once. A decision never waits for any of it. A
// delivery in flight when the process stops is sent again at the next start
// (at least once).
class Notifier : public Service {
public:
    struct Options {
        std::vector<Webhook> webhooks;
        QString dataDir; // for the decision tokens' key
        qint64 timeoutMs = DeliveryTimeoutMsDefault;
        std::optional<Error> webhooksError; // the configuration's webhooks did not read: start() refuses
    };
    // The webhooks of the configuration, template files read from
    // `dataDir`; an error names the key at fault.
    static Result<std::vector<Webhook>> webhooksFrom(const Config &config, const QString &dataDir);

    Notifier(Database &db, EventBus &events, const Clock &clock, Options options);
    ~Notifier() override;

    Status queue(Transaction &tx, const ApprovalRequest &request, const QString &what);
    // By state, oldest first after the id `after` (0: from the start), or
    // with `newest` newest first before it (0: from the newest).
    Result<std::vector<Delivery>> list(DeliveryState state, qint64 after, int limit, bool newest = false) const;

    QString name() const override { return QStringLiteral("notifier"); }
    // Refuses a configuration whose webhooks did not read; sends from here on.
    Status start() override;
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

private:
    void finished(const Delivery &delivery, const WebhookClient::Outcome &outcome);
    Status record(Transaction &tx, const Delivery &delivery);
    // The decision tokens' key, opened at the first notification (a core
    // that is not started, as a command-line decision's, queues too).
    Result<const DecisionTokens *> tokens();

    Database &m_db;
    EventBus &m_events;
    const Clock &m_clock;
    Options m_options;
    std::optional<DecisionTokens> m_tokens;
    std::unique_ptr<WebhookClient> m_client;
    QSet<qint64> m_inFlight;
};

// The Notifier of the configuration's webhooks (Cabinet's service list).
std::unique_ptr<Notifier> makeNotifier(const Config &config, const QString &dataDir, Database &db, EventBus &events, const Clock &clock);

} // namespace cabinet::approvals
