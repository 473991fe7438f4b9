// Budgets through the ledger: reserve, post, void and expire; 16 threads on
// one small envelope; the daily refill at its boundary (a skipped day
// included); alerts and velocity; pricing gaps; the report against the
// ledger; and the edge cases of docs/costs.md.
#include "Assert.h"
#include "TestSupport.h"
#include "costs/Budgets.h"
#include "costs/CostReport.h"
#include "costs/SpendQueries.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"
#include "store/Database.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <atomic>
#include <future>
#include <thread>

using namespace cabinet;
using namespace cabinet::costs;
using Query = llm::BudgetCheck::Query;
using Settlement = llm::BudgetCheck::Settlement;

namespace {

// sim/cloud-mid costs 3 USD per million in, 15 out: 1,000 in and 1,000 out
// at most reserve 3,000 + 15,000 micro-USD.
constexpr qint64 WorstMid = 18'000;

Query mid(const QString &agent, qint64 prompt = 1'000, qint64 maxTokens = 1'000)
{
    Query q;
    q.alias = QStringLiteral("cloud/mid");
    q.provider = QStringLiteral("sim");
    q.model = QStringLiteral("cloud-mid");
    q.promptTokensEstimate = prompt;
    q.maxTokens = maxTokens;
    q.timeLimitMs = 30'000;
    q.agent = agent;
    q.task = QStringLiteral("task-1");
    return q;
}

Settlement served(qint64 in, qint64 out)
{
    Settlement s;
    s.served = true;
    s.usage.promptTokens = in;
    s.usage.completionTokens = out;
    s.servedModel = QStringLiteral("cloud-mid");
    s.latencyNs = 1'000'000;
    return s;
}

struct Books : test::TestCabinet {
    explicit Books(const QByteArray &config = {})
    {
        if (!config.isEmpty()) {
            QFile file(dir.path() + QStringLiteral("/config.yaml"));
            CABINET_ASSERT(file.open(QIODevice::WriteOnly));
            file.write(config);
        }
    }
    Budgets &budgets() const { return cabinet->service<Budgets>(); }
    ledger::Ledger &ledger() const { return cabinet->service<ledger::Ledger>(); }
    ledger::Account envelope(const QString &agent) const
    {
        auto found = ledger().lookupAccounts(std::vector<ledger::u128> { envelopeAccount(agent) });
        CABINET_ASSERT(found && found->size() == 1);
        return found->front();
    }
    qint64 available(const QString &agent) const
    {
        const ledger::Account a = envelope(agent);
        return qint64(a.credits_posted) - qint64(a.debits_posted) - qint64(a.debits_pending);
    }
    QString outcome(llm::BudgetCheck::Handle handle, const char *column = "outcome") const
    {
        auto &q = cabinet->database().statement(std::string("SELECT ") + column + " FROM spend_records WHERE id = ?1");
        q.bind(1, qint64(handle));
        auto row = q.step();
        const QString value = row && *row ? q.text(0) : QStringLiteral("<none>");
        q.reset();
        return value;
    }
    int events(const QString &type) const
    {
        auto &q = cabinet->database().statement("SELECT count(*) FROM events WHERE type = ?1");
        q.bind(1, type);
        auto row = q.step();
        const int n = row && *row ? int(q.int64(0)) : -1;
        q.reset();
        return n;
    }
    QJsonObject report(const QString &by = QStringLiteral("agent")) const
    {
        ReportQuery query;
        query.by = by;
        auto r = costReport(cabinet->database(), ledger(), budgets(), query);
        CABINET_ASSERT(r.ok());
        return *r;
    }
};

} // namespace

class TestBudgets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reservePostVoid()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        QCOMPARE(b.available(QStringLiteral("rex")), 1'000'000);

        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle && *handle);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), WorstMid);
        QCOMPARE(b.outcome(*handle), QStringLiteral("pending"));
        b.budgets().settle(*handle, served(500, 200)); // 1,500 + 3,000
        const ledger::Account after = b.envelope(QStringLiteral("rex"));
        QCOMPARE(qint64(after.debits_pending), 0);
        QCOMPARE(qint64(after.debits_posted), 4'500);
        QCOMPARE(b.outcome(*handle), QStringLiteral("posted"));
        QCOMPARE(b.outcome(*handle, "cost_micros"), QStringLiteral("4500"));
        QCOMPARE(b.outcome(*handle, "model_served"), QStringLiteral("cloud-mid"));

        auto failed = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(failed);
        Settlement error;
        error.error = Error { ErrorCode::Unavailable, QStringLiteral("down") };
        error.usage.completionTokens = 0;
        b.budgets().settle(*failed, error);
        QCOMPARE(b.outcome(*failed), QStringLiteral("voided"));
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), 0);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_posted), 4'500);
        QCOMPARE(b.budgets().openReservations(), 0);
        QVERIFY(b.events(events::CostsSpent) >= 2);
    }

    void refusalsAreBudgetRefusalsAndARetryGetsANewId()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), WorstMid + WorstMid / 2, std::nullopt } }));
        auto first = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(first);
        auto second = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::BudgetExhausted);
        QCOMPARE(b.events(events::CostsBudgetRefused), 1);
        // Nothing of the refused one is held.
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), WorstMid);
        b.budgets().settle(*first, served(0, 0));
        auto retry = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(retry);
        QVERIFY(b.outcome(*retry, "reserve_id") != b.outcome(*first, "reserve_id"));
        b.budgets().settle(*retry, served(0, 0));
        auto &q = b.cabinet->database().statement("SELECT count(*), count(DISTINCT reserve_id) FROM spend_records WHERE agent = 'rex'");
        QVERIFY(q.step().value());
        QCOMPARE(q.int64(0), 3);
        QCOMPARE(q.int64(1), 3); // the refused one had its own id, never used again
        q.reset();
        // Unknown agents, and the per-call cap, refuse before the ledger.
        QCOMPARE(b.budgets().reserve(mid(QStringLiteral("nobody"))).error().code, ErrorCode::BudgetExhausted);
        QVERIFY(b.budgets().setCaps({ QStringLiteral("rex"), 1'000'000, WorstMid - 1 }, test::tester()));
        QCOMPARE(b.budgets().reserve(mid(QStringLiteral("rex"))).error().code, ErrorCode::BudgetExhausted);
        QVERIFY(b.budgets().reserve(mid(QStringLiteral("rex"), 1'000, 999)).ok());
    }

    void anExpiredReservationIsReleasedAndItsLateCostRecorded()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        // Within the call's limit (30 s) plus the margin it holds, however
        // long the stream; past it the ledger expires it.
        b.clock->advanceMs(30'000 + Budgets::ReservationMarginSeconds * 1'000 - 1'000);
        QCOMPARE(b.ledger().expirePending(test::tester()).value(), 0u);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), WorstMid);
        b.clock->advanceMs(2'000);
        QCOMPARE(b.ledger().expirePending(test::tester()).value(), 1u);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), 0);
        b.budgets().settle(*handle, served(500, 200));
        QCOMPARE(b.outcome(*handle), QStringLiteral("expired"));
        QCOMPARE(b.outcome(*handle, "overrun_micros"), QStringLiteral("4500"));
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_posted), 0);
    }

    void moreTokensThanReservedPostsTheReservationAndRecordsTheOverrun()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        b.budgets().settle(*handle, served(1'000, 2'000)); // 3,000 + 30,000
        QCOMPARE(b.outcome(*handle), QStringLiteral("posted"));
        QCOMPARE(b.outcome(*handle, "cost_micros"), QStringLiteral("33000"));
        QCOMPARE(b.outcome(*handle, "overrun_micros"), QString::number(33'000 - WorstMid));
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_posted), WorstMid);
        QVERIFY(b.report().value(QStringLiteral("reconciliation")).toObject().value(QStringLiteral("matches")).toBool());
    }

    void tokensNotReportedAreChargedTheWorstCase()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        Settlement silent = served(0, 0);
        silent.usage = {}; // the answer said nothing of its tokens
        b.budgets().settle(*handle, silent);
        QCOMPARE(b.outcome(*handle), QStringLiteral("posted"));
        QCOMPARE(b.outcome(*handle, "cost_micros"), QString::number(WorstMid));
        QCOMPARE(b.outcome(*handle, "overrun_micros"), QStringLiteral("0"));
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_posted), WorstMid);
    }

    void theReportGroupsByMinuteInUtcAndShowNamesTheAccounts()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        for (int minute = 0; minute < 2; ++minute) {
            auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
            QVERIFY(handle);
            b.budgets().settle(*handle, served(500, 200)); // 4,500
            b.clock->advanceMs(60'000);
        }
        ReportQuery query;
        query.by = QStringLiteral("minute");
        query.nowNs = b.clock->nowNs();
        auto report = costReport(b.cabinet->database(), b.ledger(), b.budgets(), query);
        QVERIFY(report);
        QCOMPARE(report->value(QStringLiteral("as_of_ns")).toString(), QString::number(query.nowNs));
        const QJsonArray groups = report->value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 2);
        const qint64 firstMs = (b.clock->nowNs() - 120'000'000'000LL) / 1'000'000;
        QCOMPARE(groups[0].toObject().value(QStringLiteral("minute")).toString(),
                 QDateTime::fromMSecsSinceEpoch(firstMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm")) + u'Z');
        QCOMPARE(groups[1].toObject().value(QStringLiteral("cost_micros")).toString(), QStringLiteral("4500"));

        // The costs' accounts by name: ids are derived and cannot be read back.
        auto shown = b.budgets().show();
        QVERIFY(shown);
        QMap<QString, QString> names;
        for (const QJsonValue &a : shown->value(QStringLiteral("accounts")).toArray())
            names.insert(a[QStringLiteral("id")].toString(), a[QStringLiteral("name")].toString());
        QCOMPARE(names.value(ledger::toDecimal(treasuryAccount())), QStringLiteral("treasury"));
        QCOMPARE(names.value(ledger::toDecimal(fundingAccount())), QStringLiteral("funding"));
        QCOMPARE(names.value(ledger::toDecimal(envelopeAccount(QStringLiteral("rex")))), QStringLiteral("envelope rex"));
        QCOMPARE(names.value(ledger::toDecimal(providerAccount(QStringLiteral("sim")))), QStringLiteral("provider sim"));
    }

    void sixteenThreadsNeverOverspendOneEnvelope()
    {
        Books b;
        QVERIFY(b.open());
        constexpr int Allowed = 37;
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), Allowed * WorstMid + WorstMid - 1, std::nullopt } }));
        constexpr int Threads = 16, Each = 10;
        std::atomic<int> answered = 0, granted = 0, refused = 0, other = 0;
        std::vector<llm::BudgetCheck::Handle> handles;
        std::mutex handlesMutex;
        std::vector<std::thread> threads;
        for (int t = 0; t < Threads; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < Each; ++i)
                    b.budgets().reserve(mid(QStringLiteral("rex")), [&](Result<llm::BudgetCheck::Handle> r) {
                        if (r) {
                            ++granted;
                            std::lock_guard lock(handlesMutex);
                            handles.push_back(*r);
                        } else if (r.error().code == ErrorCode::BudgetExhausted) {
                            ++refused;
                        } else {
                            ++other;
                        }
                        ++answered;
                    });
            });
        for (auto &t : threads)
            t.join();
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), Threads * Each, 30'000);
        QCOMPARE(other.load(), 0);
        QCOMPARE(granted.load(), Allowed);
        QCOMPARE(refused.load(), Threads * Each - Allowed);
        const ledger::Account a = b.envelope(QStringLiteral("rex"));
        QVERIFY(a.debits_pending + a.debits_posted <= a.credits_posted);
        QCOMPARE(qint64(a.debits_pending), Allowed * WorstMid);
        // Group commit: far fewer batches than requests.
        QVERIFY2(b.budgets().batchesCommitted() < quint64(Threads * Each), qPrintable(QString::number(b.budgets().batchesCommitted())));
        // Settled from the threads too, each for what it used.
        std::atomic<int> settled = 0;
        threads.clear();
        for (int t = 0; t < Threads; ++t)
            threads.emplace_back([&, t] {
                for (size_t i = t; i < handles.size(); i += Threads)
                    b.budgets().settle(handles[i], served(100, 100), [&](Status s) {
                        QVERIFY(s.ok());
                        ++settled;
                    });
            });
        for (auto &t : threads)
            t.join();
        QTRY_COMPARE_WITH_TIMEOUT(settled.load(), Allowed, 30'000);
        const ledger::Account done = b.envelope(QStringLiteral("rex"));
        QCOMPARE(qint64(done.debits_pending), 0);
        QCOMPARE(qint64(done.debits_posted), Allowed * 1'800); // 300 + 1,500 each
        const QJsonObject rec = b.report().value(QStringLiteral("reconciliation")).toObject();
        QCOMPARE(rec.value(QStringLiteral("records_posted_micros")).toString(), QString::number(Allowed * 1'800));
        QVERIFY(rec.value(QStringLiteral("matches")).toBool());
    }

    void theDailyRefillRunsAtTheBoundaryInTheZoneOnceForSkippedDays()
    {
        Books b("costs:\n  time_zone: Europe/Paris\n  refill_at: \"06:00\"\n");
        // 2026-12-07 04:30 UTC is 05:30 in Paris: half an hour before the boundary.
        b.clock->setNs(QDateTime(QDate(2026, 12, 7), QTime(4, 30), QTimeZone::utc()).toMSecsSinceEpoch() * 1'000'000);
        QVERIFY(b.open());
        Budgets &budgets = b.budgets();
        QCOMPARE(budgets.periodOf(b.clock->nowNs()), QStringLiteral("2026-12-06"));
        QVERIFY(budgets.setEnvelopes({ { QStringLiteral("rex"), 100'000, std::nullopt } }));
        auto handle = budgets.reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        budgets.settle(*handle, served(1'000, 1'000)); // 18,000
        QCOMPARE(b.available(QStringLiteral("rex")), 82'000);
        const qint64 boundary = QDateTime(QDate(2026, 12, 7), QTime(5, 0), QTimeZone::utc()).toMSecsSinceEpoch() * 1'000'000;
        QCOMPARE(*budgets.nextDeadlineNs() <= boundary, true);
        b.clock->setNs(boundary - 1);
        budgets.runDue(b.clock->nowNs());
        QCOMPARE(b.available(QStringLiteral("rex")), 82'000);
        b.clock->setNs(boundary);
        budgets.runDue(b.clock->nowNs());
        QCOMPARE(budgets.periodOf(b.clock->nowNs()), QStringLiteral("2026-12-07"));
        QCOMPARE(b.available(QStringLiteral("rex")), 100'000);
        const int refills = b.events(events::CostsRefilled);

        // Down for three days: one refill on the way back, to the cap, not three caps.
        handle = budgets.reserve(mid(QStringLiteral("rex")));
        budgets.settle(*handle, served(1'000, 1'000));
        b.clock->advanceMs(3LL * 24 * 3600 * 1'000 + 60'000);
        QVERIFY(b.open());
        QVERIFY(b.budgets().ready());
        QCOMPARE(b.available(QStringLiteral("rex")), 100'000);
        QCOMPARE(b.events(events::CostsRefilled), refills + 1);
        b.budgets().runDue(b.clock->nowNs());
        QCOMPARE(b.events(events::CostsRefilled), refills + 1);
    }

    void eachAlertFiresOncePerPeriod()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 45'000, std::nullopt } }));
        auto spend = [&](qint64 out) {
            auto h = b.budgets().reserve(mid(QStringLiteral("rex"), 0, out));
            QVERIFY(h);
            b.budgets().settle(*h, served(0, out)); // 15 micro-USD a token out
        };
        spend(1'000); // 15,000: 33 %
        QCOMPARE(b.events(events::CostsAlert), 0);
        spend(600); // 24,000: 53 %
        QCOMPARE(b.events(events::CostsAlert), 1);
        spend(1); // still 53 %: not again
        QCOMPARE(b.events(events::CostsAlert), 1);
        spend(1'000); // 39,015: 86 %
        QCOMPARE(b.events(events::CostsAlert), 2);
        spend(399); // 45,000: 100 %, the envelope spent to the last micro-dollar
        auto alerts = b.budgets().alerts(10);
        QVERIFY(alerts);
        QList<int> percents;
        for (const QJsonValue &a : *alerts)
            percents << a.toObject().value(QStringLiteral("percent")).toInt();
        std::sort(percents.begin(), percents.end());
        QCOMPARE(percents, QList<int>({ 50, 80, 95, 100 }));
        QCOMPARE(b.events(events::CostsAlert), 4);
    }

    void velocityPausesAnAgentUntilAnOperatorResumesIt()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000'000, std::nullopt } }));
        auto spend = [&](qint64 out) {
            auto h = b.budgets().reserve(mid(QStringLiteral("rex"), 0, 20'000));
            QVERIFY(h);
            b.budgets().settle(*h, served(0, out));
        };
        // A normal pace: 15,000 micro-USD every ten minutes for two hours.
        for (int i = 0; i < 12; ++i) {
            spend(1'000);
            b.clock->advanceMs(10 * 60'000);
        }
        QCOMPARE(b.events(events::CostsAgentPaused), 0);
        // Then a burst: paused once the window's spend passes 3x the normal.
        int burst = 0;
        while (b.events(events::CostsAgentPaused) == 0 && burst < 20) {
            spend(1'000);
            ++burst;
        }
        QCOMPARE(b.events(events::CostsAgentPaused), 1);
        QVERIFY(burst >= 3); // not on the first call over the floor alone
        auto refused = b.budgets().reserve(mid(QStringLiteral("rex")));
        QCOMPARE(refused.error().code, ErrorCode::BudgetExhausted);
        QVERIFY(b.budgets().resume(QStringLiteral("rex"), Actor::person(QStringLiteral("alice"))));
        QCOMPARE(b.events(events::CostsAgentResumed), 1);
        QVERIFY(b.budgets().reserve(mid(QStringLiteral("rex"))).ok());
    }

    void aModelWithoutAPriceIsAPricingGapNeverFree()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        Query q = mid(QStringLiteral("rex"));
        q.model = QStringLiteral("unpriced-model");
        auto handle = b.budgets().reserve(q);
        QVERIFY(handle && *handle);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), 0);
        b.budgets().settle(*handle, served(700, 300));
        QCOMPARE(b.outcome(*handle), QStringLiteral("unpriced"));
        QCOMPARE(b.outcome(*handle, "pricing_gap"), QStringLiteral("1"));
        QCOMPARE(b.outcome(*handle, "tokens_out"), QStringLiteral("300"));
        QVERIFY(b.outcome(*handle, "cost_micros").isEmpty()); // NULL: not 0
        const QJsonObject total = b.report().value(QStringLiteral("total")).toObject();
        QCOMPARE(total.value(QStringLiteral("pricing_gaps")).toInt(), 1);
        QCOMPARE(total.value(QStringLiteral("pricing_gap_tokens")).toInt(), 1'000);
    }

    void theReportReconcilesWithTheLedger()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt }, { QStringLiteral("hawk"), 1'000'000, std::nullopt } }));
        qint64 expected = 0;
        for (int i = 0; i < 9; ++i) {
            const QString agent = i % 3 ? QStringLiteral("rex") : QStringLiteral("hawk");
            Query q = mid(agent);
            if (i % 2)
                q.model = QStringLiteral("cloud-fast"); // 0.15 / 0.60
            auto h = b.budgets().reserve(q);
            QVERIFY(h);
            const qint64 in = 100 + i * 37, out = 50 + i * 11;
            b.budgets().settle(*h, served(in, out));
            expected += i % 2 ? (in * 150'000 + out * 600'000 + 999'999) / 1'000'000 : (in * 3'000'000 + out * 15'000'000 + 999'999) / 1'000'000;
        }
        const QJsonObject report = b.report(QStringLiteral("model"));
        const QJsonObject rec = report.value(QStringLiteral("reconciliation")).toObject();
        QCOMPARE(report.value(QStringLiteral("total")).toObject().value(QStringLiteral("cost_micros")).toString(), QString::number(expected));
        QCOMPARE(rec.value(QStringLiteral("ledger_posted_micros")).toString(), QString::number(expected));
        QCOMPARE(rec.value(QStringLiteral("records_posted_micros")).toString(), QString::number(expected));
        qint64 groups = 0;
        for (const QJsonValue &g : report.value(QStringLiteral("groups")).toArray())
            groups += g.toObject().value(QStringLiteral("cost_micros")).toString().toLongLong();
        QCOMPARE(groups, expected);
        const ledger::Account rex = b.envelope(QStringLiteral("rex")), hawk = b.envelope(QStringLiteral("hawk"));
        QCOMPARE(qint64(rex.debits_posted + hawk.debits_posted), expected);
        QCOMPARE(b.report(QStringLiteral("day")).value(QStringLiteral("groups")).toArray().size(), 1);
    }

    void aCrashMidCallLeavesTheOutcomeUnknownAndTheReservationToExpire()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        QVERIFY(b.open()); // the process is gone before the post
        QVERIFY(b.budgets().ready());
        QCOMPARE(b.outcome(*handle), QStringLiteral("unknown"));
        QCOMPARE(b.events(events::CostsUnknown), 1);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), WorstMid); // still held, until it expires
        const QJsonObject rec = b.report().value(QStringLiteral("reconciliation")).toObject();
        QCOMPARE(rec.value(QStringLiteral("unknown_outcomes")).toInt(), 1);
        QCOMPARE(rec.value(QStringLiteral("unknown")).toArray().first().toObject().value(QStringLiteral("record")).toInt(), int(*handle));
        b.clock->advanceMs(30'000 + Budgets::ReservationMarginSeconds * 1'000 + 1'000);
        QCOMPARE(b.ledger().expirePending(test::tester()).value(), 1u);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_pending), 0);
    }

    void aPriceChangeMidCallKeepsTheReservationsVersionAndABadTableKeepsTheOld()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        const QString shipped = b.budgets().prices().version();
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        QFile file(b.dir.path() + QStringLiteral("/prices.yaml"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("version: doubled\neffective: 2026-12-02\nmodels:\n  sim/cloud-mid: { input: 6, output: 30 }\n");
        file.close();
        b.clock->advanceNs(Budgets::PriceCheckIntervalNs);
        b.budgets().runDue(b.clock->nowNs());
        QCOMPARE(b.budgets().prices().version(), QStringLiteral("doubled"));
        b.budgets().settle(*handle, served(500, 200));
        QCOMPARE(b.outcome(*handle, "price_version"), shipped);
        QCOMPARE(b.outcome(*handle, "cost_micros"), QStringLiteral("4500")); // the old prices
        auto next = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(next);
        QCOMPARE(b.outcome(*next, "reserved_micros"), QString::number(2 * WorstMid));

        // A table that does not read: the one in force stays, and why is shown.
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("version: broken\neffective: 2026-12-03\nmodels:\n  sim/cloud-mid: { input: 6 }\n");
        QVERIFY(file.setFileTime(QDateTime::currentDateTime().addSecs(10), QFileDevice::FileModificationTime));
        file.close();
        b.clock->advanceNs(Budgets::PriceCheckIntervalNs);
        b.budgets().runDue(b.clock->nowNs());
        QCOMPARE(b.budgets().prices().version(), QStringLiteral("doubled"));
        QVERIFY(b.budgets().pricesError());
        QCOMPARE(b.budgets().pricesError()->field, file.fileName() + QStringLiteral(":4"));
        const QJsonObject shown = b.budgets().show().value();
        QCOMPARE(shown.value(QStringLiteral("prices")).toObject().value(QStringLiteral("error")).toObject().value(QStringLiteral("where")).toString(),
                 file.fileName() + QStringLiteral(":4"));
    }

    // Issue 12, fix 1: a new envelope is funded alone; the others keep
    // what they have left of the period, however often the core restarts.
    void addingAnAgentOrRestartingNeverRefillsAnEnvelopeMidPeriod()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        b.budgets().settle(*handle, served(1'000, 1'000)); // 18,000
        QCOMPARE(b.available(QStringLiteral("rex")), 82'000);
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000, std::nullopt }, { QStringLiteral("hawk"), 50'000, std::nullopt } }));
        QCOMPARE(b.available(QStringLiteral("rex")), 82'000);
        QCOMPARE(b.available(QStringLiteral("hawk")), 50'000);
        const int refills = b.events(events::CostsRefilled);

        // A restart (the core sets the agents' envelopes at every start),
        // then an agents.reload that brings a third agent.
        b.clock->advanceMs(60'000);
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000, std::nullopt }, { QStringLiteral("hawk"), 50'000, std::nullopt } }));
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000, std::nullopt }, { QStringLiteral("hawk"), 50'000, std::nullopt },
                                           { QStringLiteral("owl"), 20'000, std::nullopt } }));
        QCOMPARE(b.available(QStringLiteral("rex")), 82'000);
        QCOMPARE(b.available(QStringLiteral("owl")), 20'000);
        QCOMPARE(b.events(events::CostsRefilled), refills);
    }

    // Issue 12, fix 1: an envelope's row and its first funding are one
    // ledger batch, so a start that dies while creating it leaves neither,
    // and the next start creates and funds it (never an envelope at 0).
    void aCrashWhileCreatingAnEnvelopeLeavesNothingHalfDone()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().ready());
        // The funding transfer cannot be written: the batch dies as a killed
        // process's would, after the envelope's account was created.
        QVERIFY(b.cabinet->database().statement("CREATE TEMP TRIGGER die BEFORE INSERT ON main.ledger_transfers "
                                                "BEGIN SELECT RAISE(ABORT, 'killed'); END").exec());
        QVERIFY(!b.budgets().setEnvelopes({ { QStringLiteral("planner"), 100'000, std::nullopt } }));
        auto &rows = b.cabinet->database().statement("SELECT count(*) FROM cost_envelopes WHERE agent = 'planner'");
        QVERIFY(rows.step().value());
        QCOMPARE(rows.int64(0), 0);
        rows.reset();
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("planner"), 100'000, std::nullopt } }));
        QCOMPARE(b.available(QStringLiteral("planner")), 100'000);
    }

    // Issue 12, fix 2: the per-agent-per-time sums of the alerts and the
    // velocity check, and the per-task sum, read an index, not the table.
    void theSpendQueriesUseTheirIndexes()
    {
        Books b;
        QVERIFY(b.open());
        const auto plan = [&](const char *sql) {
            auto &q = b.cabinet->database().statement(std::string("EXPLAIN QUERY PLAN ") + sql);
            QStringList steps;
            for (auto row = q.step(); row && *row; row = q.step())
                steps << q.text(3);
            q.reset();
            return steps.join(u'|');
        };
        QVERIFY2(plan(sql::AgentSpentSince).contains(QStringLiteral("spend_records_agent_created (agent=? AND created_ns>?)")), qPrintable(plan(sql::AgentSpentSince)));
        QVERIFY2(plan(sql::VelocityWindow).contains(QStringLiteral("spend_records_agent_created (agent=? AND created_ns>?)")), qPrintable(plan(sql::VelocityWindow)));
        QVERIFY2(plan(sql::VelocityTrailing).contains(QStringLiteral("spend_records_agent_created (agent=? AND created_ns>?)")), qPrintable(plan(sql::VelocityTrailing)));
        QVERIFY2(plan(sql::TaskSpent).contains(QStringLiteral("spend_records_task (task=?)")), qPrintable(plan(sql::TaskSpent)));
    }

    // Issue 12, fix 3: after a restart the global and per-task sums count
    // an expired call at what it cost and a call whose outcome is unknown
    // at what was reserved for it.
    void theBudgetSumsAfterARestartCountExpiredAndUnknownCalls()
    {
        Books b("costs:\n  per_task_usd: \"0.040000\"\n");
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto late = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(late);
        b.clock->advanceMs(30'000 + Budgets::ReservationMarginSeconds * 1'000 + 1'000);
        QCOMPARE(b.ledger().expirePending(test::tester()).value(), 1u);
        b.budgets().settle(*late, served(500, 200)); // 4,500, after its reservation expired
        QCOMPARE(b.outcome(*late), QStringLiteral("expired"));
        auto lost = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(lost);
        QVERIFY(b.open()); // the process is gone before the post
        QVERIFY(b.budgets().ready());
        QCOMPARE(b.outcome(*lost), QStringLiteral("unknown"));
        const QJsonObject shown = b.budgets().show().value();
        QCOMPARE(shown.value(QStringLiteral("committed_today_micros")).toString(), QString::number(4'500 + WorstMid));
        QCOMPARE(shown.value(QStringLiteral("committed_month_micros")).toString(), QString::number(4'500 + WorstMid));
        // task-1 holds 22,500 of its 40,000: another worst case of 18,000 does not fit.
        auto over = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(!over);
        QCOMPARE(over.error().code, ErrorCode::BudgetExhausted);
        QVERIFY(b.budgets().reserve(mid(QStringLiteral("rex"), 1'000, 500)).ok()); // 10,500 fits
    }

    // Issue 12, fix 4: a treasury whose start died between its creation and
    // its seed is seeded at the next start (the ledger's own state says
    // whether it was: a treasury never credited).
    void aTreasuryCreatedButNeverSeededIsSeededAtTheNextStart()
    {
        Books b;
        QVERIFY(b.open());
        ledger::Account treasury;
        treasury.id = treasuryAccount();
        treasury.ledger = UsdLedger;
        treasury.code = AccountCode::Treasury;
        treasury.flags = ledger::AccountFlag::DebitsMustNotExceedCredits;
        const ledger::Account accounts[] = { treasury };
        auto created = b.ledger().createAccounts(accounts, test::tester());
        QVERIFY(created && (created->empty() || created->front().status == ledger::CreateAccountStatus::Created));
        QVERIFY(b.open());
        QVERIFY(b.budgets().ready());
        const qint64 seed = b.budgets().settings().treasurySeedMicros;
        QVERIFY(seed > 0);
        // The system envelope took its daily cap from it.
        const QJsonObject shown = b.budgets().show().value();
        QCOMPARE(shown.value(QStringLiteral("treasury_micros")).toString(), QString::number(seed - b.budgets().settings().systemDailyMicros));
        // Seeded once: a later start does not seed again.
        QVERIFY(b.open());
        QVERIFY(b.budgets().ready());
        QCOMPARE(b.budgets().show().value().value(QStringLiteral("treasury_micros")).toString(),
                 QString::number(seed - b.budgets().settings().systemDailyMicros));
    }

    // Issue 12, fix 5: an envelope's creation and a velocity pause are
    // decisions of the costs subsystem, audited under system:costs with
    // their events.
    void envelopeCreationAndVelocityPausesAreAudited()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000'000, std::nullopt } }));
        const auto audited = [&](const char *action) {
            auto &q = b.cabinet->database().statement("SELECT count(*) FROM audit_log WHERE actor = 'system:costs' AND action = ?1 AND subject = 'rex'");
            q.bind(1, QString::fromLatin1(action));
            auto row = q.step();
            const int n = row && *row ? int(q.int64(0)) : -1;
            q.reset();
            return n;
        };
        QCOMPARE(audited("budget.create"), 1);
        for (int i = 0; i < 12; ++i) {
            auto h = b.budgets().reserve(mid(QStringLiteral("rex"), 0, 20'000));
            QVERIFY(h);
            b.budgets().settle(*h, served(0, 1'000));
            b.clock->advanceMs(10 * 60'000);
        }
        for (int burst = 0; burst < 20 && b.events(events::CostsAgentPaused) == 0; ++burst) {
            auto h = b.budgets().reserve(mid(QStringLiteral("rex"), 0, 20'000));
            QVERIFY(h);
            b.budgets().settle(*h, served(0, 1'000));
        }
        QCOMPARE(b.events(events::CostsAgentPaused), 1);
        QCOMPARE(audited("budget.pause"), 1);
    }

    // Issue 12, fix 7: a post the ledger refuses because its reservation
    // expired writes the record's outcome once, in the batch's own
    // transaction, and the event says what happened.
    void anExpiredPostIsWrittenOnceAsExpiredWithItsEvent()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        // Not swept yet: the post itself finds the reservation past its time.
        b.clock->advanceMs(30'000 + Budgets::ReservationMarginSeconds * 1'000 + 1'000);
        Database &db = b.cabinet->database();
        QVERIFY(db.statement("CREATE TEMP TABLE outcomes_seen(outcome TEXT)").exec());
        QVERIFY(db.statement("CREATE TEMP TRIGGER watch AFTER UPDATE OF outcome ON main.spend_records "
                             "BEGIN INSERT INTO outcomes_seen VALUES (new.outcome); END").exec());
        b.budgets().settle(*handle, served(500, 200));
        QCOMPARE(b.outcome(*handle), QStringLiteral("expired"));
        QCOMPARE(b.outcome(*handle, "overrun_micros"), QStringLiteral("4500"));
        QVERIFY(b.outcome(*handle, "settle_id").isEmpty());
        auto &seen = db.statement("SELECT group_concat(outcome, ',') FROM outcomes_seen");
        QVERIFY(seen.step().value());
        QCOMPARE(seen.text(0), QStringLiteral("expired"));
        seen.reset();
        auto &event = db.statement("SELECT payload FROM events WHERE type = 'costs.spent' ORDER BY seq DESC LIMIT 1");
        QVERIFY(event.step().value());
        const QJsonObject call = QJsonDocument::fromJson(event.text(0).toUtf8()).object().value(QStringLiteral("calls")).toArray().first().toObject();
        event.reset();
        QCOMPARE(call.value(QStringLiteral("outcome")).toString(), QStringLiteral("expired"));
        QCOMPARE(call.value(QStringLiteral("overrun_micros")).toString(), QStringLiteral("4500"));
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_posted), 0);
        QCOMPARE(b.budgets().openReservations(), 0);
    }

    // Issue 12, fix 7: a refusal the clock does not explain (the ledger's
    // time ran ahead of it) settles nothing: the record stays pending and
    // the reservation open, and a later settle records what happened.
    void aRefusedPostTheClockDoesNotExplainLeavesTheReservationOpen()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        const QByteArray id = b.outcome(*handle, "reserve_id").toLatin1();
        auto reservation = b.ledger().lookupTransfers(std::vector<ledger::u128> { *ledger::parseDecimal(id.toStdString()) });
        QVERIFY(reservation && reservation->size() == 1);
        const qint64 expiresAt = qint64(reservation->front().timestamp + reservation->front().timeoutNs());
        // One nanosecond before its expiry by the clock, another batch takes
        // the ledger's time to there, so the post's own time is the expiry.
        b.clock->setNs(expiresAt - 1);
        QVERIFY(b.budgets().reserve(mid(QStringLiteral("rex"))));
        b.budgets().settle(*handle, served(500, 200));
        QCOMPARE(b.outcome(*handle), QStringLiteral("pending"));
        QCOMPARE(b.budgets().openReservations(), 2);
        b.clock->advanceMs(1'000);
        b.budgets().settle(*handle, served(500, 200));
        QCOMPARE(b.outcome(*handle), QStringLiteral("expired"));
        QCOMPARE(b.budgets().openReservations(), 1);
    }

    // Issue 12, fix 8: a settle that could not be written is tried again on
    // the scheduler (a served call is charged), and the settles waiting are
    // bounded.
    void aFailedSettleIsRetriedOnTheScheduler()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
        auto handle = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(handle);
        Database &db = b.cabinet->database();
        QVERIFY(db.statement("CREATE TEMP TRIGGER full_disk BEFORE UPDATE ON main.spend_records BEGIN SELECT RAISE(ABORT, 'disk full'); END").exec());
        b.budgets().settle(*handle, served(500, 200));
        QCOMPARE(b.outcome(*handle), QStringLiteral("pending"));
        QCOMPARE(b.budgets().settlesToRetry(), 1);
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_posted), 0);
        // Still failing at the first retry: it waits for the next.
        QVERIFY(*b.budgets().nextDeadlineNs() <= b.clock->nowNs() + Budgets::SettleRetryIntervalNs);
        b.clock->advanceNs(Budgets::SettleRetryIntervalNs);
        b.budgets().runDue(b.clock->nowNs());
        QCOMPARE(b.budgets().settlesToRetry(), 1);
        QVERIFY(db.statement("DROP TRIGGER temp.full_disk").exec());
        b.clock->advanceNs(Budgets::SettleRetryIntervalNs);
        b.budgets().runDue(b.clock->nowNs());
        QCOMPARE(b.budgets().settlesToRetry(), 0);
        QCOMPARE(b.outcome(*handle), QStringLiteral("posted"));
        QCOMPARE(qint64(b.envelope(QStringLiteral("rex")).debits_posted), 4'500);
        QCOMPARE(b.budgets().openReservations(), 0);
    }

    void theSettlesWaitingForARetryAreBounded()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000'000, std::nullopt } }));
        // Reserved through the inbox: a few batches, not one each.
        constexpr int Calls = Budgets::SettleRetriesMax + 1;
        std::vector<llm::BudgetCheck::Handle> handles;
        for (int i = 0; i < Calls; ++i)
            b.budgets().reserve(mid(QStringLiteral("rex"), 10, 10), [&](Result<llm::BudgetCheck::Handle> r) { handles.push_back(r.value()); });
        QTRY_COMPARE_WITH_TIMEOUT(int(handles.size()), Calls, 30'000);
        QVERIFY(b.cabinet->database().statement("CREATE TEMP TRIGGER full_disk BEFORE UPDATE ON main.spend_records BEGIN SELECT RAISE(ABORT, 'disk full'); END").exec());
        for (auto h : handles)
            b.budgets().settle(h, served(10, 10));
        QCOMPARE(b.budgets().settlesToRetry(), Budgets::SettleRetriesMax);
        QCOMPARE(b.budgets().openReservations(), Calls); // the one left out expires
    }

    // Issue 12, fix 9: a reservation made before the refill and settled
    // after it is the new period's spend; what it releases never lifts the
    // envelope over its cap.
    void aReservationAcrossTheRefillNeverLiftsTheNewDayOverItsCap()
    {
        Books b;
        b.clock->setNs(QDateTime(QDate(2026, 12, 7), QTime(23, 59, 30), QTimeZone::utc()).toMSecsSinceEpoch() * 1'000'000);
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 100'000, std::nullopt } }));
        auto failed = b.budgets().reserve(mid(QStringLiteral("rex")));
        auto served_ = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(failed && served_);
        QCOMPARE(b.available(QStringLiteral("rex")), 100'000 - 2 * WorstMid);
        b.clock->setNs(QDateTime(QDate(2026, 12, 8), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() * 1'000'000);
        b.budgets().runDue(b.clock->nowNs());
        QCOMPARE(b.budgets().periodOf(b.clock->nowNs()), QStringLiteral("2026-12-08"));
        // Topped up to the cap less what the calls in flight hold.
        QCOMPARE(b.available(QStringLiteral("rex")), 100'000 - 2 * WorstMid);
        Settlement error;
        error.error = Error { ErrorCode::Unavailable, QStringLiteral("down") };
        error.usage.completionTokens = 0;
        b.budgets().settle(*failed, error);
        QCOMPARE(b.available(QStringLiteral("rex")), 100'000 - WorstMid);
        b.budgets().settle(*served_, served(500, 200)); // 4,500
        QCOMPARE(b.available(QStringLiteral("rex")), 100'000 - 4'500);
        const ledger::Account a = b.envelope(QStringLiteral("rex"));
        QCOMPARE(qint64(a.credits_posted - a.debits_posted), 100'000 - 4'500);

        // A cap lowered under what calls in flight hold: the trim takes what
        // they do not hold, and what they release goes at the next refill.
        auto held = b.budgets().reserve(mid(QStringLiteral("rex")));
        QVERIFY(held);
        QVERIFY(b.budgets().setCaps({ QStringLiteral("rex"), 10'000, std::nullopt }, test::tester()));
        QVERIFY(b.budgets().refill(test::tester()));
        QCOMPARE(b.available(QStringLiteral("rex")), 0);
        b.budgets().settle(*held, error);
        QCOMPARE(b.available(QStringLiteral("rex")), WorstMid);
        QVERIFY(b.budgets().refill(test::tester()));
        QCOMPARE(b.available(QStringLiteral("rex")), 10'000);
    }

    void badCapsChangeNothing()
    {
        Books b;
        QVERIFY(b.open());
        QVERIFY(b.budgets().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, 5'000 } }));
        QCOMPARE(b.budgets().setCaps({ QStringLiteral("nobody"), 1, std::nullopt }, test::tester()).error().code, ErrorCode::NotFound);
        QCOMPARE(b.budgets().setCaps({ QStringLiteral("rex"), -1, std::nullopt }, test::tester()).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(b.budgets().fundTreasury(0, test::tester()).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(b.budgets().perCallCap(QStringLiteral("rex")), std::optional<qint64>(5'000));
        QCOMPARE(b.events(events::CostsBudgetSet), 2); // system's and rex's envelopes, nothing since
    }
};

QTEST_GUILESS_MAIN(TestBudgets)
#include "tst_budgets.moc"
