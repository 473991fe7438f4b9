#pragma once

#include "Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <array>
#include <map>

namespace cabinet {
class Cabinet;
}

namespace cabinet::server {

// Request latencies, in the buckets Prometheus' clients use by default
// (seconds), counted on the Clock.
class LatencyHistogram {
public:
    static constexpr std::array<double, 11> BoundsSeconds { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
    // Well under a millisecond matters here (a read call), so two more below.
    static constexpr std::array<double, 2> FineBoundsSeconds { 0.0005, 0.001 };

    void observe(qint64 ns);
    quint64 count() const { return m_count; }
    // The cumulative count of each bound, fine bounds first, then +Inf.
    QList<QPair<QByteArray, quint64>> buckets() const;
    double sumSeconds() const { return double(m_sumNs) / 1e9; }

private:
    std::array<quint64, FineBoundsSeconds.size() + BoundsSeconds.size()> m_counts {};
    quint64 m_count = 0;
    qint64 m_sumNs = 0;
};

// The Prometheus text exposition format (version 0.0.4): each family's
// HELP and TYPE once, before its samples; label values escaped.
class PrometheusText {
public:
    using Labels = QList<QPair<QByteArray, QString>>;

    void family(const QByteArray &name, const QByteArray &type, const QByteArray &help);
    void sample(const QByteArray &name, const Labels &labels, const QByteArray &value);
    void sample(const QByteArray &name, const Labels &labels, qint64 value) { sample(name, labels, QByteArray::number(value)); }
    void histogram(const QByteArray &name, const Labels &labels, const LatencyHistogram &histogram);
    const QByteArray &text() const { return m_text; }

    // A label value escaped as the format asks (\\, \", \n).
    static QByteArray escape(const QString &value);
    // Integer micro-USD as exact decimal USD text ("1.25", "0.000001").
    static QByteArray microsAsUsd(qint64 micros);

private:
    QByteArray m_text;
};

// What the server itself counts, for /metrics.
struct ServerCounters {
    int clients = 0;
    quint64 connections = 0;           // accepted since start
    std::map<QString, quint64> dropped; // clients the server closed, by reason
    quint64 authFailures = 0;
    std::map<QString, LatencyHistogram> latency; // per method
    std::map<std::pair<QString, int>, quint64> hookRequests; // by hook (slack, whatsapp) and HTTP status
};

// /metrics: the core's figures from the store (tasks by state, model calls,
// tokens and cost by model and agent from the spend records, approvals
// pending and the oldest one's age, ledger transfers), the event counter
// and the server's own (docs/server.md lists every family).
Result<QByteArray> metricsText(const Cabinet &cabinet, const ServerCounters &counters);

// /health: {"status": "ok"|"unavailable", "running", "database_writable",
// "queue_depth", "versions": {...}}; healthy is false for a 503.
struct Health {
    bool healthy = false;
    QByteArray json;
};
Health health(const Cabinet &cabinet);

} // namespace cabinet::server
