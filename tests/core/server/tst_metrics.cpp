// /metrics and /health (core/server/Metrics.h): the histogram's buckets are
// cumulative; label values are escaped; cost is exact decimal USD from
// integer micro-USD; the whole text passes a strict check of the format and
// Prometheus' naming conventions; /health reports what it says it does.
#include "PrometheusCheck.h"
#include "TestSupport.h"
#include "server/Metrics.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace cabinet;
using namespace cabinet::server;
using namespace cabinet::test;

class TestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void histogramIsCumulative()
    {
        LatencyHistogram h;
        h.observe(200'000);         // 0.2 ms
        h.observe(3'000'000);       // 3 ms
        h.observe(20'000'000'000);  // 20 s: only +Inf
        const auto buckets = h.buckets();
        QCOMPARE(buckets.first().first, QByteArray("0.0005"));
        QCOMPARE(buckets.first().second, quint64(1));
        QCOMPARE(buckets[2].first, QByteArray("0.005"));
        QCOMPARE(buckets[2].second, quint64(2));
        QCOMPARE(buckets.last().first, QByteArray("+Inf"));
        QCOMPARE(buckets.last().second, quint64(3));
        QCOMPARE(buckets[buckets.size() - 2].second, quint64(2));
        QCOMPARE(h.count(), quint64(3));
    }

    void escapesAndExactMoney()
    {
        QCOMPARE(PrometheusText::escape(QStringLiteral("a\"b\\c\nd")), QByteArray("a\\\"b\\\\c\\nd"));
        QCOMPARE(PrometheusText::microsAsUsd(0), QByteArray("0"));
        QCOMPARE(PrometheusText::microsAsUsd(1), QByteArray("0.000001"));
        QCOMPARE(PrometheusText::microsAsUsd(1'250'000), QByteArray("1.25"));
        QCOMPARE(PrometheusText::microsAsUsd(-3'000'000), QByteArray("-3"));
        QCOMPARE(PrometheusText::microsAsUsd(std::numeric_limits<qint64>::max()), QByteArray("9223372036854.775807"));
    }

    void formatChecked()
    {
        PrometheusText out;
        out.family("x_total", "counter", "A counter.");
        out.sample("x_total", { { "label", QStringLiteral("a\"b") } }, 3);
        QVERIFY2(checkPrometheusText(out.text()).isEmpty(), qPrintable(checkPrometheusText(out.text())));
        // The check itself refuses what breaks the conventions.
        QVERIFY(!checkPrometheusText("# HELP x a\n# TYPE x counter\nx 1\n").isEmpty());
        QVERIFY(!checkPrometheusText("# HELP x_ms a\n# TYPE x_ms gauge\nx_ms 1\n").isEmpty());
        QVERIFY(!checkPrometheusText("# HELP x a\n# TYPE x gauge\nx{a=\"b} 1\n").isEmpty());
        QVERIFY(!checkPrometheusText("# HELP x a\n# TYPE x gauge\nx one\n").isEmpty());
        QVERIFY(!checkPrometheusText("# HELP x a\n# TYPE x gauge\nx 1\nx 2\n").isEmpty());
        QVERIFY(!checkPrometheusText("# HELP h a\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n").isEmpty());
        QVERIFY(!checkPrometheusText("# HELP x a\n# TYPE x gauge\nx 1").isEmpty());
    }

    void metricsOfACore()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(c->start().ok());
        ServerCounters counters;
        counters.clients = 2;
        counters.connections = 5;
        counters.dropped[QStringLiteral("queue_overflow")] = 1;
        counters.latency[QStringLiteral("tasks.list")].observe(1'000'000);
        auto text = metricsText(*c.cabinet, counters);
        QVERIFY(text.ok());
        QVERIFY2(checkPrometheusText(*text).isEmpty(), qPrintable(checkPrometheusText(*text)));
        for (const char *line : { "cabinet_tasks{state=\"pending\"} 0", "cabinet_approvals_pending 0", "cabinet_websocket_clients 2",
                                  "cabinet_websocket_connections_total 5", "cabinet_websocket_clients_dropped_total{reason=\"queue_overflow\"} 1",
                                  "cabinet_rpc_request_duration_seconds_count{method=\"tasks.list\"} 1", "cabinet_ledger_transfers_total " })
            QVERIFY2(text->contains(line), line);
        QVERIFY(text->contains("# TYPE cabinet_model_cost_usd_total counter"));
    }

    void healthOfACore()
    {
        TestCabinet c;
        QVERIFY(c.open());
        Health before = health(*c.cabinet);
        QVERIFY(!before.healthy); // not started
        QVERIFY(c->start().ok());
        const Health report = health(*c.cabinet);
        QVERIFY(report.healthy);
        const QJsonObject json = QJsonDocument::fromJson(report.json).object();
        QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QVERIFY(json.value(QStringLiteral("running")).toBool());
        QVERIFY(json.value(QStringLiteral("database_writable")).toBool());
        QCOMPARE(json.value(QStringLiteral("queue_depth")).toInteger(), 0);
        const QJsonObject versions = json.value(QStringLiteral("versions")).toObject();
        for (const char *key : { "cabinet", "qt", "sqlite", "schema" })
            QVERIFY2(versions.contains(QLatin1String(key)), key);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
