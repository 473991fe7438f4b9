// Crash and resume through the real binary (docs/workflows.md): `cabinet
// work` is killed with SIGKILL at seeded random moments, at least
// CrashesMin times, and started again each time. At the end every run has
// finished, the tool's side effect (its key appended to a file unless it is
// there already, an honouring tool) is present exactly once per task, no
// node that completed was started again, and the audit trail verifies.
#include "CabinetProcess.h"
#include "orchestrator/TaskTypes.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sqlite3.h>

using namespace cabinet::test;

namespace {

constexpr int CrashesMin = 200;
constexpr int Tasks = 100;
constexpr quint32 Seed = 20261207;

const QByteArray Config = "llm:\n  providers:\n    sim:\n      latency_ms: 0\n      tokens_per_second: 0\n"
                          "orchestrator:\n  workers: 4\n";

// Small on purpose: two offline model calls around a tool that records its
// key once (and every time it runs, to count the runs).
const QByteArray Workflow = R"(name: crash
nodes:
  - id: plan
    kind: llm
    agent: planner
    prompt: "Plan {{input.goal}}"
    next:
      - to: act
  - id: act
    kind: tool
    timeout_s: 60
    command: |
      echo "$CABINET_IDEMPOTENCY_KEY" >> ../../tool_runs.txt
      sleep 0.2
      grep -qx "$CABINET_IDEMPOTENCY_KEY" ../../effects.txt 2>/dev/null || echo "$CABINET_IDEMPOTENCY_KEY" >> ../../effects.txt
    next:
      - to: report
  - id: report
    kind: llm
    agent: reporter
    prompt: "Report on {{nodes.act.output.exit_code}} for {{input.goal}}"
)";

// Agents of the test's own, with budgets that hundreds of runs and the
// reservations each kill leaves open stay far inside.
QByteArray agent(const char *name, const char *role)
{
    return QByteArray("---\nname: ") + name + "\nrole: " + role
            + "\nmodel: cloud/mid\ntemperature: 0\nbudget:\n  daily_usd: \"20.00\"\n  per_call_usd: \"0.25\"\n---\n"
              "You are a test agent; your replies are simulated.\n";
}

bool writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QStringList lines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

// One number from the store, read after every process has ended.
qint64 count(const QString &dataDir, const char *sql)
{
    sqlite3 *db = nullptr;
    qint64 value = -1;
    if (sqlite3_open_v2(QString(dataDir + QStringLiteral("/cabinet.db")).toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
            value = sqlite3_column_int64(stmt, 0);
        else
            qWarning("%s: %s", sql, sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return value;
}

} // namespace

class TestCrashResume : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killedWorkersLoseNothingAndRepeatNothing()
    {
        QTemporaryDir dir;
        const QString dd = dir.path() + QStringLiteral("/data");
        QVERIFY(writeFile(dd + QStringLiteral("/config.yaml"), Config));
        QVERIFY(writeFile(dd + QStringLiteral("/agents/planner.md"), agent("planner", "research")));
        QVERIFY(writeFile(dd + QStringLiteral("/agents/reporter.md"), agent("reporter", "deploy")));
        QVERIFY(writeFile(dd + QStringLiteral("/workflows/crash.yaml"), Workflow));
        const QStringList data { QStringLiteral("--data-dir"), dd };
        for (int i = 0; i < Tasks; ++i) {
            const Run submitted = runCabinet(data + QStringList { QStringLiteral("task"), QStringLiteral("submit"), QStringLiteral("--workflow"),
                                                                  QStringLiteral("crash"), QStringLiteral("--title"), QStringLiteral("task %1").arg(i),
                                                                  QStringLiteral("--input"), QStringLiteral("{\"goal\":\"goal %1\"}").arg(i) });
            QVERIFY2(submitted.exitCode == 0, qPrintable(submitted.err));
        }

        QRandomGenerator random(Seed);
        int crashes = 0;
        int withWorkLeft = 0;
        for (; crashes < CrashesMin; ++crashes) {
            QProcess work;
            work.start(cabinetBinary(), data + QStringList { QStringLiteral("work") });
            QVERIFY(work.waitForStarted());
            // Mostly soon after the start (in the open, the reclaim, the
            // first nodes), now and then later, so runs make progress.
            const int delayMs = crashes % 16 == 15 ? 150 + int(random.bounded(450)) : int(random.bounded(150));
            QTest::qWait(delayMs);
            if (work.state() != QProcess::Running)
                QFAIL(qPrintable(QStringLiteral("cabinet work ended by itself after %1 kills (exit %2, status %3): %4")
                                         .arg(crashes)
                                         .arg(work.exitCode())
                                         .arg(int(work.exitStatus()))
                                         .arg(QString::fromUtf8(work.readAllStandardError()))));
            ::kill(pid_t(work.processId()), SIGKILL);
            QVERIFY(work.waitForFinished(10'000));
            if (count(dd, "SELECT COUNT(*) FROM tasks WHERE state <> 'done'") > 0)
                ++withWorkLeft;
        }
        qInfo("%d SIGKILLs, %d of them with tasks left unfinished", crashes, withWorkLeft);
        // The kills must have hit work in flight, not only an idle queue.
        QVERIFY2(withWorkLeft >= CrashesMin / 4, qPrintable(QString::number(withWorkLeft)));

        // A last worker that is left alone finishes what is left.
        const Run last = runCabinet(data + QStringList { QStringLiteral("work"), QStringLiteral("--until-idle") }, {}, 120'000);
        QVERIFY2(last.exitCode == 0, qPrintable(last.err));

        // The oldest tasks are claimed first after every start, so some lose
        // their lease LeaseLossesMax times and fail, as a task that kills its
        // worker must (docs/orchestrator.md). That is the only failure
        // allowed: the operator retries them and their runs resume where
        // they stopped, without doing a completed node again (checked below).
        const Run failed = runCabinet(data + QStringList { QStringLiteral("task"), QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("failed"), QStringLiteral("--json") });
        QVERIFY2(failed.exitCode == 0, qPrintable(failed.err));
        const QJsonArray failedTasks = QJsonDocument::fromJson(failed.out.toUtf8()).object().value(QStringLiteral("tasks")).toArray();
        for (const QJsonValue &task : failedTasks) {
            QVERIFY2(task[QStringLiteral("lease_losses")].toInt() == cabinet::orchestrator::LeaseLossesMax, qPrintable(task[QStringLiteral("last_error")].toString()));
            const Run retried = runCabinet(data + QStringList { QStringLiteral("task"), QStringLiteral("retry"), task[QStringLiteral("id")].toString() });
            QVERIFY2(retried.exitCode == 0, qPrintable(retried.err));
        }
        qInfo("%lld task(s) failed after losing their lease %d times and were retried", qint64(failedTasks.size()), cabinet::orchestrator::LeaseLossesMax);
        if (!failedTasks.isEmpty()) {
            const Run again = runCabinet(data + QStringList { QStringLiteral("work"), QStringLiteral("--until-idle") }, {}, 120'000);
            QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        }

        if (count(dd, "SELECT COUNT(*) FROM tasks WHERE state <> 'done'") > 0)
            qWarning("not done: %s", qPrintable(runCabinet(data + QStringList { QStringLiteral("task"), QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("failed"), QStringLiteral("--json") }).out.left(1500)));
        QCOMPARE(count(dd, "SELECT COUNT(*) FROM tasks WHERE state = 'done'"), qint64(Tasks));
        QCOMPARE(count(dd, "SELECT COUNT(*) FROM workflow_runs WHERE state = 'done'"), qint64(Tasks));
        // Every side effect exactly once: one line per task, each its act key.
        const QStringList effects = lines(dd + QStringLiteral("/effects.txt"));
        QCOMPARE(effects.size(), Tasks);
        QCOMPARE(QSet<QString>(effects.begin(), effects.end()).size(), Tasks);
        for (const QString &key : effects)
            QVERIFY2(key.endsWith(QLatin1StringView("/act/1")), qPrintable(key));
        // No completed node was started again: no node_started of a visit
        // after that visit's node_finished with state done.
        QCOMPARE(count(dd, "SELECT COUNT(*) FROM events s JOIN events f"
                           " ON json_extract(s.payload, '$.task_id') = json_extract(f.payload, '$.task_id')"
                           " AND json_extract(s.payload, '$.seq') = json_extract(f.payload, '$.seq')"
                           " WHERE s.type = 'workflow.node_started' AND f.type = 'workflow.node_finished'"
                           " AND json_extract(f.payload, '$.state') = 'done' AND s.seq > f.seq"),
                 qint64(0));
        // Every node of every run done once: three visits a run, none failed.
        QCOMPARE(count(dd, "SELECT COUNT(*) FROM workflow_visits WHERE state = 'done'"), qint64(3 * Tasks));
        QCOMPARE(count(dd, "SELECT COUNT(*) FROM workflow_visits"), qint64(3 * Tasks));
        // Nodes started again after a kill: counted, for the record.
        const qint64 reruns = count(dd, "SELECT SUM(runs) - COUNT(*) FROM workflow_visits");
        const int toolRuns = int(lines(dd + QStringLiteral("/tool_runs.txt")).size());
        qInfo("%lld node starts repeated after a kill; the tool ran %d times for %d tasks", reruns, toolRuns, Tasks);
        QVERIFY(toolRuns >= Tasks);

        const Run verify = runCabinet(data + QStringList { QStringLiteral("audit"), QStringLiteral("verify") });
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
    }

    void workBesideAnOwnerSaysSoAndEnds()
    {
        QTemporaryDir dir;
        QProcess owner;
        QVERIFY(startHeadless(owner, dir.path()));
        const Run work = runCabinet({ QStringLiteral("--data-dir"), dir.path(), QStringLiteral("work"), QStringLiteral("--until-idle") });
        QCOMPARE(work.exitCode, 1);
        QVERIFY2(work.err.contains(QStringLiteral("already runs the queue")), qPrintable(work.err));
        owner.terminate();
        QVERIFY(owner.waitForFinished(30'000));
    }

    void workRefusesABadWorkerCount()
    {
        QTemporaryDir dir;
        const Run work = runCabinet({ QStringLiteral("--data-dir"), dir.path(), QStringLiteral("work"), QStringLiteral("--workers"), QStringLiteral("0") });
        QCOMPARE(work.exitCode, 2);
        QVERIFY(work.err.contains(QStringLiteral("--workers")));
    }
};

QTEST_GUILESS_MAIN(TestCrashResume)
#include "tst_crashresume.moc"
