#include "server/Metrics.h"

#include "Cabinet.h"
#include "events/EventBus.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <sqlite3.h>
#include <unistd.h>

namespace cabinet::server {

void LatencyHistogram::observe(qint64 ns)
{
    const double seconds = double(ns) / 1e9;
    size_t i = 0;
    for (double bound : FineBoundsSeconds)
        m_counts[i++] += seconds <= bound ? 1 : 0;
    for (double bound : BoundsSeconds)
        m_counts[i++] += seconds <= bound ? 1 : 0;
    ++m_count;
    m_sumNs += ns;
}

QList<QPair<QByteArray, quint64>> LatencyHistogram::buckets() const
{
    QList<QPair<QByteArray, quint64>> out;
    size_t i = 0;
    for (double bound : FineBoundsSeconds)
        out.append({ QByteArray::number(bound), m_counts[i++] });
    for (double bound : BoundsSeconds)
        out.append({ QByteArray::number(bound), m_counts[i++] });
    out.append({ QByteArrayLiteral("+Inf"), m_count });
    return out;
}

void PrometheusText::family(const QByteArray &name, const QByteArray &type, const QByteArray &help)
{
    m_text += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

QByteArray PrometheusText::escape(const QString &value)
{
    QByteArray out;
    for (char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray PrometheusText::microsAsUsd(qint64 micros)
{
    const bool negative = micros < 0;
    const quint64 magnitude = negative ? quint64(0) - quint64(micros) : quint64(micros);
    QByteArray fraction = QByteArray::number(magnitude % 1'000'000).rightJustified(6, '0');
    while (fraction.endsWith('0'))
        fraction.chop(1);
    return (negative ? "-" : "") + QByteArray::number(magnitude / 1'000'000) + (fraction.isEmpty() ? QByteArray() : '.' + fraction);
}

void PrometheusText::sample(const QByteArray &name, const Labels &labels, const QByteArray &value)
{
    m_text += name;
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i)
            m_text += (i ? "," : "") + labels[i].first + "=\"" + escape(labels[i].second) + '"';
        m_text += '}';
    }
    m_text += ' ' + value + '\n';
}

void PrometheusText::histogram(const QByteArray &name, const Labels &labels, const LatencyHistogram &histogram)
{
    for (const auto &[bound, count] : histogram.buckets()) {
        Labels withBound = labels;
        withBound.append({ QByteArrayLiteral("le"), QString::fromLatin1(bound) });
        sample(name + "_bucket", withBound, qint64(count));
    }
    sample(name + "_sum", labels, QByteArray::number(histogram.sumSeconds(), 'g', 12));
    sample(name + "_count", labels, qint64(histogram.count()));
}

namespace {

// Runs `sql` and hands each row to `row`.
template <typename Row> Status eachRow(Database &db, std::string_view sql, Row row)
{
    auto &q = db.statement(sql);
    while (true) {
        auto stepped = q.step();
        if (!stepped) {
            q.reset();
            return stepped.error();
        }
        if (!*stepped)
            break;
        row(q);
    }
    q.reset();
    return {};
}

} // namespace

Result<QByteArray> metricsText(const Cabinet &cabinet, const ServerCounters &counters)
{
    Database &db = cabinet.database();
    PrometheusText out;

    out.family("cabinet_tasks", "gauge", "Tasks in each state.");
    if (auto s = eachRow(db, "SELECT state, count FROM task_counts ORDER BY state",
                         [&](Statement &q) { out.sample("cabinet_tasks", { { "state", q.text(0) } }, q.int64(1)); });
        !s)
        return s.error();

    // One pass over the spend records, grouped by the model that served the
    // call (the one asked for while it is pending) and the agent.
    struct Spend {
        QString model, agent;
        qint64 calls, tokensIn, tokensOut, costMicros;
    };
    QList<Spend> spend;
    if (auto s = eachRow(db,
                         "SELECT coalesce(model_served, model_asked), agent, count(*), coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0), "
                         "coalesce(sum(cost_micros), 0) FROM spend_records GROUP BY 1, 2 ORDER BY 1, 2",
                         [&](Statement &q) { spend.append({ q.text(0), q.text(1), q.int64(2), q.int64(3), q.int64(4), q.int64(5) }); });
        !s)
        return s.error();
    out.family("cabinet_model_calls_total", "counter", "Model calls, by the model that served them and the agent.");
    for (const Spend &s : spend)
        out.sample("cabinet_model_calls_total", { { "model", s.model }, { "agent", s.agent } }, s.calls);
    out.family("cabinet_model_tokens_total", "counter", "Model tokens, by model, agent and direction (in: prompt, out: completion).");
    for (const Spend &s : spend) {
        out.sample("cabinet_model_tokens_total", { { "model", s.model }, { "agent", s.agent }, { "direction", QStringLiteral("in") } }, s.tokensIn);
        out.sample("cabinet_model_tokens_total", { { "model", s.model }, { "agent", s.agent }, { "direction", QStringLiteral("out") } }, s.tokensOut);
    }
    out.family("cabinet_model_cost_usd_total", "counter", "Settled model cost in USD (exact from integer micro-USD), by model and agent.");
    for (const Spend &s : spend)
        out.sample("cabinet_model_cost_usd_total", { { "model", s.model }, { "agent", s.agent } }, PrometheusText::microsAsUsd(s.costMicros));

    qint64 pending = 0, oldestNs = 0;
    if (auto s = eachRow(db, "SELECT count(*), coalesce(min(created_ns), 0) FROM approvals WHERE state = 'pending'",
                         [&](Statement &q) {
                             pending = q.int64(0);
                             oldestNs = q.int64(1);
                         });
        !s)
        return s.error();
    out.family("cabinet_approvals_pending", "gauge", "Approval requests waiting for a decision.");
    out.sample("cabinet_approvals_pending", {}, pending);
    out.family("cabinet_approvals_oldest_pending_age_seconds", "gauge", "How long the oldest pending approval has waited (0: none).");
    out.sample("cabinet_approvals_oldest_pending_age_seconds", {},
               QByteArray::number(pending ? double(std::max<qint64>(0, cabinet.clock().nowNs() - oldestNs)) / 1e9 : 0.0, 'f', 3));

    qint64 transfers = 0;
    if (auto s = eachRow(db, "SELECT count(*) FROM ledger_transfers", [&](Statement &q) { transfers = q.int64(0); }); !s)
        return s.error();
    out.family("cabinet_ledger_transfers_total", "counter", "Transfers the ledger holds.");
    out.sample("cabinet_ledger_transfers_total", {}, transfers);

    out.family("cabinet_events_published_total", "counter", "Events published since the core started, stored and ephemeral (rate() gives the event rate).");
    out.sample("cabinet_events_published_total", {}, qint64(cabinet.events().publishedCount()));
    out.family("cabinet_events_last_sequence", "gauge", "The newest stored event's sequence number.");
    out.sample("cabinet_events_last_sequence", {}, cabinet.events().lastSequence());

    out.family("cabinet_websocket_clients", "gauge", "WebSocket clients connected now.");
    out.sample("cabinet_websocket_clients", {}, counters.clients);
    out.family("cabinet_websocket_connections_total", "counter", "WebSocket connections accepted since start.");
    out.sample("cabinet_websocket_connections_total", {}, qint64(counters.connections));
    out.family("cabinet_websocket_clients_dropped_total", "counter", "WebSocket clients the server closed, by reason.");
    for (const auto &[reason, count] : counters.dropped)
        out.sample("cabinet_websocket_clients_dropped_total", { { "reason", reason } }, qint64(count));
    out.family("cabinet_auth_failures_total", "counter", "Failed authentications (wrong, revoked or expired tokens; none in time).");
    out.sample("cabinet_auth_failures_total", {}, qint64(counters.authFailures));
    out.family("cabinet_hook_requests_total", "counter", "Requests to the chat hooks, by hook and the HTTP status they were answered with.");
    for (const auto &[key, count] : counters.hookRequests)
        out.sample("cabinet_hook_requests_total", { { "hook", key.first }, { "status", QString::number(key.second) } }, qint64(count));
    out.family("cabinet_rpc_request_duration_seconds", "histogram", "Time from a JSON-RPC call's arrival to its answer, by method.");
    for (const auto &[method, histogram] : counters.latency)
        out.histogram("cabinet_rpc_request_duration_seconds", { { "method", method } }, histogram);
    return out.text();
}

Health health(const Cabinet &cabinet)
{
    Database &db = cabinet.database();
    // Writable: the directory and the file take writes, and the write lock
    // can be taken (another writer holding it past the busy timeout is not
    // healthy either).
    bool writable = !cabinet.readOnly() && ::access(QFile::encodeName(cabinet.dataDir()).constData(), W_OK) == 0
            && ::access(QFile::encodeName(db.path()).constData(), W_OK) == 0;
    if (writable && !db.inTransaction()) {
        auto tx = db.begin(); // rolled back when it goes
        writable = bool(tx);
    }
    qint64 queued = 0;
    auto &q = db.statement("SELECT count FROM task_counts WHERE state = 'pending'");
    if (auto row = q.step(); row && *row)
        queued = q.int64(0);
    q.reset();
    Health out;
    out.healthy = cabinet.running() && writable;
    const QJsonObject versions { { QStringLiteral("cabinet"), QCoreApplication::applicationVersion() },
                                 { QStringLiteral("qt"), QString::fromLatin1(qVersion()) },
                                 { QStringLiteral("sqlite"), QString::fromLatin1(sqlite3_libversion()) },
                                 { QStringLiteral("schema"), db.schemaVersion() } };
    const QJsonObject body { { QStringLiteral("status"), out.healthy ? QStringLiteral("ok") : QStringLiteral("unavailable") },
                             { QStringLiteral("running"), cabinet.running() },
                             { QStringLiteral("database_writable"), writable },
                             { QStringLiteral("queue_depth"), queued },
                             { QStringLiteral("versions"), versions } };
    out.json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return out;
}

} // namespace cabinet::server
