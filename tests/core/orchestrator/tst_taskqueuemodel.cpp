// Randomized, model-based: seeded random work (submits with and without
// idempotency keys, claims, every worker report with right and stale lease
// tokens, heartbeats, every operator action, pauses, time passing so
// leases expire and backoffs end) against the real TaskQueue and against
// ReferenceQueue (a naive implementation in this folder). Every answer
// (error code, state, attempts, lease) must agree, and every task and the
// counts per state after every few steps; some steps go through the
// asynchronous door several at a time so they share a batch. Deterministic:
// a failure names its seed and step.
#include "ReferenceQueue.h"
#include "TaskQueueSupport.h"

#include <QTest>

#include <random>

using namespace cabinet;
using namespace cabinet::orchestrator;
using namespace cabinet::orchestrator::test;

namespace {

QString describe(const Task &t)
{
    return QStringLiteral("%1 %2%3 attempts %4/%5 losses %6 claims %7 not_before %8 lease %9")
            .arg(t.id, stateText(t.state), t.paused ? QStringLiteral(" paused") : QString())
            .arg(t.attempts)
            .arg(t.maxAttempts)
            .arg(t.leaseLosses)
            .arg(t.claims)
            .arg(t.notBeforeNs)
            .arg(t.leaseExpiresNs);
}

QString describe(const RefTask &t)
{
    return QStringLiteral("%1 %2%3 attempts %4/%5 losses %6 claims %7 not_before %8 lease %9")
            .arg(t.id, stateText(t.state), t.paused ? QStringLiteral(" paused") : QString())
            .arg(t.attempts)
            .arg(t.maxAttempts)
            .arg(t.leaseLosses)
            .arg(t.claims)
            .arg(t.notBeforeNs)
            .arg(t.leaseExpiresNs);
}

bool same(const Task &t, const RefTask &r)
{
    return t.id == r.id && t.state == r.state && t.paused == r.paused && t.attempts == r.attempts && t.maxAttempts == r.maxAttempts
            && t.leaseLosses == r.leaseLosses && t.claims == r.claims && t.notBeforeNs == r.notBeforeNs && t.leaseExpiresNs == r.leaseExpiresNs
            && t.idempotencyKey == r.key;
}

QString codeName(const std::optional<ErrorCode> &code)
{
    return code ? errorCodeName(*code) : QStringLiteral("ok");
}

} // namespace

class TestTaskQueueModel : public QObject {
    Q_OBJECT

    static TaskLimits smallLimits()
    {
        TaskLimits limits;
        limits.depthMax = { 40, 10, 8, 5, 5, -1, -1, -1 };
        return limits;
    }

private Q_SLOTS:
    void randomWorkAgreesWithTheModel_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<int>("steps");
        QTest::newRow("seed 1") << quint64(1) << 5000;
        QTest::newRow("seed 2") << quint64(2) << 4000;
        QTest::newRow("seed 3") << quint64(0xC0FFEE) << 4000;
    }

    void randomWorkAgreesWithTheModel()
    {
        QFETCH(quint64, seed);
        QFETCH(int, steps);
        auto jitter = [](qint64 span) { return span * 3 / 7; };
        TaskQueue::Options options;
        options.limits = smallLimits();
        options.jitter = jitter;
        QueueFixture q;
        QVERIFY2(q.open(options), qPrintable(q.error));
        // The logic is under test here, not the disk.
        QVERIFY(q.db->execScript(QStringLiteral("PRAGMA synchronous=OFF")));
        ReferenceQueue model(smallLimits(), jitter);
        std::mt19937_64 rng(seed);
        auto below = [&](quint64 n) { return n == 0 ? quint64(0) : rng() % n; };
        auto chance = [&](int percent) { return int(below(100)) < percent; };
        auto now = [&] { return q.clock->nowNs(); };
        std::map<std::string, int> seen; // what happened, to check the work reaches the rules
        const QString where = QStringLiteral("seed %1 step %2: ").arg(seed);

        auto compareAll = [&](int step) -> QString {
            for (const RefTask &r : model.tasks) {
                auto t = q->get(r.id);
                if (!t)
                    return t.error().message;
                if (!same(*t, r))
                    return QStringLiteral("step %1: stored %2, model %3").arg(step).arg(describe(*t), describe(r));
            }
            auto counts = q->counts();
            for (TaskState s : AllTaskStates) {
                if ((*counts)[size_t(s)] != model.count(s))
                    return QStringLiteral("step %1: %2 counted %3, model %4").arg(step).arg(stateText(s)).arg((*counts)[size_t(s)]).arg(model.count(s));
            }
            return {};
        };
        auto pickTask = [&]() -> std::optional<size_t> {
            if (model.tasks.empty())
                return std::nullopt;
            return below(model.tasks.size());
        };
        const TaskAction workerActions[] = { TaskAction::Start, TaskAction::Release, TaskAction::AwaitApproval, TaskAction::SubmitForReview,
                                             TaskAction::Complete, TaskAction::Fail };
        const TaskAction operatorActions[] = { TaskAction::Cancel, TaskAction::Retry, TaskAction::Approve, TaskAction::Deny,
                                               TaskAction::Accept, TaskAction::Reject };

        for (int step = 0; step < steps; ++step) {
            const QString at = where.arg(step);
            const int kind = int(below(100));
            if (kind < 22) {
                // Submits, sometimes several in one batch.
                const int n = chance(30) ? 2 + int(below(4)) : 1;
                std::vector<SubmitRequest> requests;
                std::vector<ReferenceQueue::Outcome> expected;
                for (int i = 0; i < n; ++i) {
                    SubmitRequest r = work(QStringLiteral("task %1.%2").arg(step).arg(i), 1 + int(below(4)));
                    r.backoffBaseMs = qint64(below(3)) * 1000;
                    if (chance(30))
                        r.idempotencyKey = QStringLiteral("key-%1").arg(below(25));
                    requests.push_back(r);
                    expected.push_back(model.submit(r.idempotencyKey, r.maxAttempts, r.backoffBaseMs, now()));
                }
                std::vector<Result<Submitted>> got;
                for (const SubmitRequest &r : requests)
                    q->submit(r, operatorActor(), [&](Result<Submitted> s) { got.push_back(std::move(s)); });
                QVERIFY(q->counts()); // a read; the batch runs with the next call
                (void)q->heartbeat(Lease { QStringLiteral("01ARZ3NDEKTSV4RRFFQ69G5FAV"), 1 }); // runs the batch
                QCOMPARE(got.size(), requests.size());
                for (int i = 0; i < n; ++i) {
                    QCOMPARE(codeName(got[size_t(i)] ? std::nullopt : std::optional(got[size_t(i)].error().code)), codeName(expected[size_t(i)].error));
                    if (!got[size_t(i)])
                        continue;
                    QVERIFY2(got[size_t(i)]->created == expected[size_t(i)].created, qPrintable(at + QStringLiteral("created")));
                    RefTask &r = model.tasks[expected[size_t(i)].index];
                    if (expected[size_t(i)].created)
                        r.id = got[size_t(i)]->task.id;
                    QCOMPARE(got[size_t(i)]->task.id, r.id);
                    ++seen[got[size_t(i)]->created ? "submitted" : "idempotent"];
                }
            } else if (kind < 38) {
                const int max = 1 + int(below(chance(20) ? 12 : 3));
                const qint64 leaseMs = 1000 * (1 + qint64(below(20)));
                std::optional<ErrorCode> error;
                const auto expected = model.claim(max, leaseMs, now(), &error);
                auto got = q->claim(claimBy(QStringLiteral("w%1").arg(below(3)), max, leaseMs));
                QCOMPARE(codeName(got ? std::nullopt : std::optional(got.error().code)), codeName(error));
                if (got) {
                    QVERIFY2(got->size() == expected.size(), qPrintable(at + QStringLiteral("claimed %1, model %2").arg(got->size()).arg(expected.size())));
                    for (size_t i = 0; i < expected.size(); ++i)
                        QCOMPARE((*got)[i].id, model.tasks[expected[i]].id);
                    seen[got->empty() ? "claim_empty" : "claimed"]++;
                } else {
                    ++seen["claim_full"];
                }
            } else if (kind < 68) {
                // Mostly tasks a worker holds, so reports get past the table often.
                std::vector<size_t> held;
                for (size_t t = 0; t < model.tasks.size(); ++t) {
                    if (model.tasks[t].state == TaskState::Claimed || model.tasks[t].state == TaskState::Running)
                        held.push_back(t);
                }
                auto i = !held.empty() && chance(70) ? std::optional<size_t>(held[below(held.size())]) : pickTask();
                if (!i)
                    continue;
                const TaskAction action = workerActions[below(std::size(workerActions))];
                const int token = chance(90) ? model.tasks[*i].claims : model.tasks[*i].claims - 1;
                const bool retryable = chance(85);
                const auto expected = model.report(*i, action, token, retryable, now());
                WorkerReport report;
                report.lease = Lease { model.tasks[*i].id, token };
                report.action = action;
                report.retryable = retryable;
                report.error = QStringLiteral("failure at step %1").arg(step);
                if (chance(30))
                    report.result = QByteArray("{\"step\":") + QByteArray::number(step) + '}';
                auto got = q->report(report);
                QVERIFY2(codeName(got ? std::nullopt : std::optional(got.error().code)) == codeName(expected),
                         qPrintable(at + QLatin1StringView(actionName(action)) + QStringLiteral(": got ")
                                    + (got ? stateText(got->state) : got.error().message) + QStringLiteral(", model ") + codeName(expected)));
                ++seen[QStringLiteral("%1 %2").arg(QLatin1StringView(actionName(action)), codeName(expected)).toStdString()];
            } else if (kind < 82) {
                // Mostly tasks waiting for a person (approval, review) or finished.
                std::vector<size_t> waiting;
                for (size_t t = 0; t < model.tasks.size(); ++t) {
                    const TaskState s = model.tasks[t].state;
                    if (s == TaskState::AwaitingApproval || s == TaskState::Review || s == TaskState::Failed || s == TaskState::Cancelled)
                        waiting.push_back(t);
                }
                auto i = !waiting.empty() && chance(60) ? std::optional<size_t>(waiting[below(waiting.size())]) : pickTask();
                if (!i)
                    continue;
                const TaskAction action = operatorActions[below(std::size(operatorActions))];
                const auto expected = model.act(*i, action, now());
                auto got = q->act(OperatorAction { model.tasks[*i].id, action, QStringLiteral("step %1").arg(step) }, operatorActor());
                QVERIFY2(codeName(got ? std::nullopt : std::optional(got.error().code)) == codeName(expected),
                         qPrintable(at + QLatin1StringView(actionName(action)) + QStringLiteral(": ") + (got ? stateText(got->state) : got.error().message)));
                ++seen[QStringLiteral("%1 %2").arg(QLatin1StringView(actionName(action)), codeName(expected)).toStdString()];
            } else if (kind < 88) {
                auto i = pickTask();
                if (!i)
                    continue;
                const bool paused = chance(50);
                const auto expected = model.setPaused(*i, paused);
                auto got = q->setPaused(model.tasks[*i].id, paused, operatorActor());
                QCOMPARE(codeName(got ? std::nullopt : std::optional(got.error().code)), codeName(expected));
                ++seen[paused ? "pause" : "resume"];
            } else if (kind < 92) {
                auto i = pickTask();
                if (!i)
                    continue;
                const int token = chance(80) ? model.tasks[*i].claims : model.tasks[*i].claims + 1;
                const qint64 leaseMs = 1000 * (1 + qint64(below(30)));
                const auto expected = model.heartbeat(*i, token, leaseMs, now());
                auto got = q->heartbeat(Lease { model.tasks[*i].id, token }, leaseMs);
                QCOMPARE(codeName(got ? std::nullopt : std::optional(got.error().code)), codeName(expected));
                ++seen[expected ? "heartbeat_refused" : "heartbeat"];
            } else {
                // Time passes: the scheduler takes expired leases back, backoffs end.
                q.clock->advanceMs(qint64(below(chance(20) ? 40'000 : 3'000)));
                model.expire(now());
            }
            if (step % 25 == 24) {
                const QString difference = compareAll(step);
                QVERIFY2(difference.isEmpty(), qPrintable(where.arg(step) + difference));
            }
        }
        QCOMPARE(compareAll(steps), QString());
        for (const char *reached : { "submitted", "idempotent", "claimed", "claim_empty", "start ok", "complete ok", "fail ok", "release ok",
                                     "await_approval ok", "submit_for_review ok", "approve ok", "deny ok", "accept ok", "reject ok", "cancel ok",
                                     "retry ok", "start conflict", "complete conflict", "retry conflict", "heartbeat", "heartbeat_refused" })
            QVERIFY2(seen[reached] > 0, reached);
        // Leases were lost and tasks failed, through time alone.
        qint64 lost = 0, failed = 0;
        for (const RefTask &r : model.tasks) {
            lost += r.leaseLosses;
            failed += r.state == TaskState::Failed;
        }
        QVERIFY(lost > 0);
        QVERIFY(failed > 0);
        QVERIFY(q.audit->verify()->intact);
        // A queue opened again on the same file agrees too.
        QVERIFY(q.open(options));
        QCOMPARE(compareAll(steps), QString());
    }
};

QTEST_GUILESS_MAIN(TestTaskQueueModel)
#include "tst_taskqueuemodel.moc"
