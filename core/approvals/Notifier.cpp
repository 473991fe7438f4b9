#include "approvals/Notifier.h"

#include "Assert.h"
#include "config/Config.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "store/Database.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QUrl>

#include <sqlite3.h>

Q_DECLARE_LOGGING_CATEGORY(lcApprovals) // ApprovalService.cpp

namespace cabinet::approvals {

namespace {

constexpr qint64 NsPerMs = 1'000'000;
const QString WebhookPrefix = QStringLiteral("notify.webhook.");
// A try in flight holds its row this much past its time-out, so the due
// query does not pick it again (after a crash it is tried again then).
constexpr qint64 InFlightSlackMs = 5'000;

QString cut(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.size() <= DeliveryErrorBytesMax)
        return text;
    return QString::fromUtf8(utf8.left(DeliveryErrorBytesMax - 3)) + QStringLiteral("...");
}

Error readError(const Error &error)
{
    return Error { error.code, QStringLiteral("cannot read the deliveries: ") + error.message };
}

Delivery readDelivery(const Statement &row)
{
    Delivery d;
    d.id = row.int64(0);
    d.approvalId = row.text(1);
    d.what = row.text(2);
    d.channel = row.text(3);
    d.state = deliveryStateFromName(row.text(4)).value_or(DeliveryState::Failed);
    d.attempts = int(row.int64(5));
    d.nextNs = row.int64(6);
    d.lastError = row.text(7);
    d.createdNs = row.int64(8);
    d.updatedNs = row.int64(9);
    return d;
}

#define DELIVERY_COLUMNS "id, approval_id, what, channel, state, attempts, next_ns, last_error, created_ns, updated_ns"

// Whether another try may help: no answer, a server error, a time-out, too many requests.
bool retryable(long status)
{
    return status == 0 || status >= 500 || status == 408 || status == 429;
}

} // namespace

QString deliveryStateName(DeliveryState state)
{
    switch (state) {
    case DeliveryState::Queued: return QStringLiteral("queued");
    case DeliveryState::Sent: return QStringLiteral("sent");
    case DeliveryState::Failed: return QStringLiteral("failed");
    }
    return {};
}

std::optional<DeliveryState> deliveryStateFromName(const QString &name)
{
    for (DeliveryState state : { DeliveryState::Queued, DeliveryState::Sent, DeliveryState::Failed })
        if (deliveryStateName(state) == name)
            return state;
    return std::nullopt;
}

QJsonObject deliveryJson(const Delivery &d)
{
    return { { QStringLiteral("id"), d.id },
             { QStringLiteral("approval_id"), d.approvalId },
             { QStringLiteral("what"), d.what },
             { QStringLiteral("channel"), d.channel },
             { QStringLiteral("state"), deliveryStateName(d.state) },
             { QStringLiteral("attempts"), d.attempts },
             { QStringLiteral("next_ms"), d.state == DeliveryState::Queued ? QJsonValue(d.nextNs / NsPerMs) : QJsonValue(QJsonValue::Null) },
             { QStringLiteral("last_error"), d.lastError },
             { QStringLiteral("created_ms"), d.createdNs / NsPerMs },
             { QStringLiteral("updated_ms"), d.updatedNs / NsPerMs } };
}

Result<std::vector<Webhook>> Notifier::webhooksFrom(const Config &config, const QString &dataDir)
{
    static const QRegularExpression nameRule(QStringLiteral("^[a-z0-9_-]{1,%1}$").arg(WebhookNameLengthMax));
    std::map<QString, Webhook> found;
    for (const Config::Item &item : config.items()) {
        if (!item.key.startsWith(WebhookPrefix))
            continue;
        const QString rest = item.key.mid(WebhookPrefix.size());
        const qsizetype dot = rest.indexOf(u'.');
        const QString name = rest.left(dot);
        const QString member = dot < 0 ? QString() : rest.mid(dot + 1);
        if (!nameRule.match(name).hasMatch())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("a webhook's name is 1..%1 of a-z 0-9 _ -").arg(WebhookNameLengthMax), item.key };
        Webhook &webhook = found[name];
        webhook.name = name;
        if (member == u"url") {
            const QUrl url(item.value, QUrl::StrictMode);
            if (item.value.toUtf8().size() > WebhookUrlBytesMax || !url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")
                || url.host().isEmpty())
                return Error { ErrorCode::InvalidArgument, QStringLiteral("a webhook's url is an http or https URL of at most %1 bytes").arg(WebhookUrlBytesMax),
                               item.key };
            webhook.url = item.value.toUtf8();
        } else if (member == u"format") {
            const auto format = webhookFormatFromName(item.value);
            if (!format)
                return Error { ErrorCode::InvalidArgument, QStringLiteral("a webhook's format is generic, slack or whatsapp"), item.key };
            webhook.format = *format;
        } else if (member == u"to") {
            webhook.to = item.value;
        } else if (member == u"template") {
            // Its placeholders are checked when a body is rendered: one that
            // does not render fails that delivery with the placeholder named.
            QFile file(QDir(dataDir).absoluteFilePath(item.value));
            if (!file.open(QIODevice::ReadOnly))
                return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot read the template %1: %2").arg(file.fileName(), file.errorString()), item.key };
            if (file.size() > TemplateBytesMax)
                return Error { ErrorCode::InvalidArgument, QStringLiteral("a template is at most %1 bytes").arg(TemplateBytesMax), item.key };
            webhook.templateText = file.read(TemplateBytesMax + 1);
            if (webhook.templateText.size() > TemplateBytesMax || webhook.templateText.isEmpty())
                return Error { ErrorCode::InvalidArgument, QStringLiteral("a template is 1..%1 bytes").arg(TemplateBytesMax), item.key };
        } else {
            return Error { ErrorCode::InvalidArgument, QStringLiteral("a webhook has url, format, to and template"), item.key };
        }
    }
    if (int(found.size()) > WebhooksMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("at most %1 webhooks").arg(WebhooksMax), QStringLiteral("notify.webhook") };
    std::vector<Webhook> webhooks;
    for (auto &[name, webhook] : found) {
        if (webhook.url.isEmpty())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("the webhook %1 has no url").arg(name), WebhookPrefix + name + QStringLiteral(".url") };
        webhooks.push_back(std::move(webhook));
    }
    return webhooks;
}

Notifier::Notifier(Database &db, EventBus &events, const Clock &clock, Options options)
    : m_db(db), m_events(events), m_clock(clock), m_options(std::move(options))
{
}

Notifier::~Notifier() = default;

std::unique_ptr<Notifier> makeNotifier(const Config &config, const QString &dataDir, Database &db, EventBus &events, const Clock &clock)
{
    Notifier::Options options;
    options.dataDir = dataDir;
    auto webhooks = Notifier::webhooksFrom(config, dataDir);
    if (webhooks)
        options.webhooks = std::move(*webhooks);
    else
        options.webhooksError = webhooks.error();
    return std::make_unique<Notifier>(db, events, clock, std::move(options));
}

Status Notifier::start()
{
    // A webhook configuration that does not read stops the start, naming
    // the key: notifications an operator counts on must not go quietly.
    if (m_options.webhooksError)
        return *m_options.webhooksError;
    if (!m_options.webhooks.empty())
        m_client = std::make_unique<WebhookClient>(m_options.timeoutMs);
    return {};
}

Result<const DecisionTokens *> Notifier::tokens()
{
    if (!m_tokens) {
        auto opened = DecisionTokens::open(m_options.dataDir);
        if (!opened)
            return opened.error();
        m_tokens = std::move(*opened);
    }
    return &*m_tokens;
}

Status Notifier::record(Transaction &tx, const Delivery &d)
{
    QJsonObject event { { QStringLiteral("id"), d.id },           { QStringLiteral("approval_id"), d.approvalId },
                        { QStringLiteral("channel"), d.channel }, { QStringLiteral("state"), deliveryStateName(d.state) },
                        { QStringLiteral("attempts"), d.attempts }, { QStringLiteral("error"), d.lastError } };
    if (auto appended = m_events.append(tx, events::ApprovalDelivery, event); !appended)
        return appended.error();
    return {};
}

Status Notifier::queue(Transaction &tx, const ApprovalRequest &request, const QString &what)
{
    if (m_options.webhooks.empty())
        return {};
    const qint64 now = m_clock.nowNs();
    auto signer = tokens();
    for (const Webhook &webhook : m_options.webhooks) {
        Delivery d;
        d.approvalId = request.id;
        d.what = what;
        d.channel = webhook.name;
        d.createdNs = d.updatedNs = d.nextNs = now;
        QByteArray body;
        // A body that does not render fails this delivery, never the
        // request or decision it tells of.
        auto facts = signer ? notificationFacts(request, what, webhook.to, **signer, now / NsPerMs) : Result<NotificationFacts>(signer.error());
        auto rendered = facts ? renderNotification(webhook.templateText.isEmpty() ? defaultTemplate(webhook.format) : webhook.templateText, *facts)
                              : Result<QByteArray>(facts.error());
        if (rendered) {
            body = *rendered;
        } else {
            d.state = DeliveryState::Failed;
            d.lastError = cut(rendered.error().message);
        }
        auto &insert = m_db.statement("INSERT INTO approval_deliveries (approval_id, what, channel, url, body, state, attempts, next_ns, last_error, "
                                      "created_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)");
        insert.bind(1, d.approvalId)
                .bind(2, d.what)
                .bind(3, d.channel)
                .bindBlob(4, webhook.url)
                .bindBlob(5, body)
                .bind(6, deliveryStateName(d.state))
                .bind(7, d.nextNs)
                .bind(8, d.lastError)
                .bind(9, d.createdNs)
                .bind(10, d.updatedNs);
        if (auto done = insert.exec(); !done)
            return done.error();
        d.id = sqlite3_last_insert_rowid(m_db.handle());
        if (auto recorded = record(tx, d); !recorded)
            return recorded;
    }
    tx.onCommit([this] { wake(); });
    return {};
}

Result<std::vector<Delivery>> Notifier::list(DeliveryState state, qint64 after, int limit, bool newest) const
{
    if (limit < 1 || limit > DeliveriesListMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be 1..%1, got %2").arg(DeliveriesListMax).arg(limit), QStringLiteral("limit") };
    auto &select = newest ? m_db.statement("SELECT " DELIVERY_COLUMNS " FROM approval_deliveries WHERE state = ?1 AND (?2 = 0 OR id < ?2) "
                                           "ORDER BY id DESC LIMIT ?3")
                          : m_db.statement("SELECT " DELIVERY_COLUMNS " FROM approval_deliveries WHERE state = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
    select.bind(1, deliveryStateName(state)).bind(2, after).bind(3, limit);
    std::vector<Delivery> rows;
    while (true) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError(row.error());
        }
        if (!*row)
            break;
        rows.push_back(readDelivery(select));
    }
    select.reset();
    return rows;
}

std::optional<qint64> Notifier::nextDeadlineNs()
{
    if (!m_client || m_inFlight.size() >= DeliveriesInFlightMax)
        return std::nullopt;
    auto &select = m_db.statement("SELECT min(next_ns) FROM approval_deliveries WHERE state = 'queued'");
    auto row = select.step();
    std::optional<qint64> due;
    if (!row)
        qCWarning(lcApprovals).noquote() << readError(row.error()).message;
    else if (!select.isNull(0))
        due = select.int64(0);
    select.reset();
    return due;
}

void Notifier::runDue(qint64 nowNs)
{
    if (!m_client)
        return;
    const int room = DeliveriesInFlightMax - int(m_inFlight.size());
    if (room <= 0)
        return;
    auto &select = m_db.statement("SELECT " DELIVERY_COLUMNS ", url, body FROM approval_deliveries WHERE state = 'queued' AND next_ns <= ? "
                                  "ORDER BY next_ns, id LIMIT ?");
    select.bind(1, nowNs).bind(2, room);
    struct Due {
        Delivery delivery;
        QByteArray url, body;
    };
    std::vector<Due> due;
    while (true) {
        auto row = select.step();
        if (!row) {
            qCWarning(lcApprovals).noquote() << readError(row.error()).message;
            break;
        }
        if (!*row)
            break;
        due.push_back({ readDelivery(select), select.blob(10), select.blob(11) });
    }
    select.reset();
    if (due.empty())
        return;
    // Held while in flight: the due query does not pick them again.
    auto tx = m_db.begin();
    if (!tx) {
        qCWarning(lcApprovals).noquote() << "deliveries not sent; tried again at the next pass:" << tx.error().message;
        return;
    }
    auto &hold = m_db.statement("UPDATE approval_deliveries SET next_ns = ? WHERE id = ?");
    for (const Due &d : due)
        if (auto held = hold.bind(1, nowNs + (m_options.timeoutMs + InFlightSlackMs) * NsPerMs).bind(2, d.delivery.id).exec(); !held) {
            qCWarning(lcApprovals).noquote() << "deliveries not sent; tried again at the next pass:" << held.error().message;
            return;
        }
    if (auto committed = tx->commit(); !committed) {
        qCWarning(lcApprovals).noquote() << "deliveries not sent; tried again at the next pass:" << committed.error().message;
        return;
    }
    for (const Due &d : due) {
        m_inFlight.insert(d.delivery.id);
        m_client->post(d.url, d.body, [this, delivery = d.delivery](WebhookClient::Outcome outcome) { finished(delivery, outcome); });
    }
}

void Notifier::finished(const Delivery &sent, const WebhookClient::Outcome &outcome)
{
    m_inFlight.remove(sent.id);
    Delivery d = sent;
    const qint64 now = m_clock.nowNs();
    ++d.attempts;
    d.updatedNs = now;
    d.lastError = cut(outcome.error);
    if (outcome.error.isEmpty()) {
        d.state = DeliveryState::Sent;
    } else if (!retryable(outcome.status) || d.attempts >= DeliveryAttemptsMax) {
        d.state = DeliveryState::Failed;
    } else {
        d.state = DeliveryState::Queued;
        const qint64 backoffMs = std::min(DeliveryBackoffMaxMs, DeliveryBackoffBaseMs << std::min(d.attempts - 1, 20));
        d.nextNs = now + backoffMs * NsPerMs;
    }
    auto tx = m_db.begin();
    Status stored = tx ? Status() : Status(tx.error());
    if (stored) {
        auto &update = m_db.statement("UPDATE approval_deliveries SET state = ?, attempts = ?, next_ns = ?, last_error = ?, updated_ns = ? WHERE id = ?");
        stored = update.bind(1, deliveryStateName(d.state)).bind(2, d.attempts).bind(3, d.nextNs).bind(4, d.lastError).bind(5, d.updatedNs).bind(6, d.id).exec();
    }
    if (stored)
        stored = record(*tx, d);
    if (stored)
        stored = tx->commit();
    // Unrecorded, the row stays queued and is tried again once its hold ends.
    if (!stored)
        qCWarning(lcApprovals).noquote() << "delivery" << d.id << "not recorded:" << stored.error().message;
    wake();
}

} // namespace cabinet::approvals
