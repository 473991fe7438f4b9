// `cabinet task ...` through the real binary: submit prints exactly the
// operation's result, list / show / pause / resume / cancel / retry, bad
// input refused with exit 2, and two processes submitting the same
// idempotency key at the same moment, alone and beside a running owner:
// one task, never two.
#include "CabinetProcess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace cabinet::test;

namespace {

QStringList in(const QTemporaryDir &dir, QStringList args)
{
    return QStringList { QStringLiteral("--data-dir"), dir.path(), QStringLiteral("task") } + args;
}

QJsonObject object(const QString &json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

struct Pair {
    Run first, second;
};

// Two `task submit` processes started together with the same key.
Pair submitTwiceAtOnce(const QTemporaryDir &dir, const QString &key)
{
    const QStringList args = in(dir, { QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("default"), QStringLiteral("--title"),
                                       QStringLiteral("deploy"), QStringLiteral("--idempotency-key"), key });
    QProcess a, b;
    a.start(cabinetBinary(), args);
    b.start(cabinetBinary(), args);
    a.waitForFinished(60000);
    b.waitForFinished(60000);
    auto collect = [](QProcess &p) {
        Run run;
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        run.out = QString::fromUtf8(p.readAllStandardOutput());
        run.err = QString::fromUtf8(p.readAllStandardError());
        return run;
    };
    return { collect(a), collect(b) };
}

int tasksWithKey(const QTemporaryDir &dir, const QString &key)
{
    const Run list = runCabinet(in(dir, { QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--limit"), QStringLiteral("1000") }));
    int n = 0;
    for (const QJsonValue &task : object(list.out).value(QStringLiteral("tasks")).toArray())
        n += task.toObject().value(QStringLiteral("idempotency_key")).toString() == key;
    return n;
}

} // namespace

class TestTaskCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        qputenv("CABINET_OPERATOR", "tester");
    }

    void submitListShowAndAct()
    {
        QTemporaryDir dir;
        const Run submitted = runCabinet(in(dir, { QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("default"),
                                                   QStringLiteral("--title"), QStringLiteral("Build the release"), QStringLiteral("--input"),
                                                   QStringLiteral(R"({"version": 12345678901234567890})") }));
        QCOMPARE(submitted.exitCode, 0);
        // Exactly the operation's result: compact JSON, the input's digits kept.
        QVERIFY2(submitted.out.startsWith(QStringLiteral("{\"id\":\"")), qPrintable(submitted.out));
        QVERIFY2(submitted.out.contains(QStringLiteral("\"input\":{\"version\":12345678901234567890}")), qPrintable(submitted.out));
        QVERIFY(submitted.out.trimmed().endsWith(QStringLiteral(",\"created\":true}")));
        const QJsonObject task = object(submitted.out);
        const QString id = task.value(QStringLiteral("id")).toString();
        QCOMPARE(task.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QCOMPARE(task.value(QStringLiteral("submitted_by")).toString(), QStringLiteral("operator:tester"));

        const Run list = runCabinet(in(dir, { QStringLiteral("list") }));
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains(id) && list.out.contains(QStringLiteral("Build the release")), qPrintable(list.out));
        QVERIFY(list.out.contains(QStringLiteral("pending 1,")));
        const Run show = runCabinet(in(dir, { QStringLiteral("show"), id }));
        QCOMPARE(show.exitCode, 0);
        QVERIFY2(show.out.contains(QStringLiteral("{\"version\":12345678901234567890}")), qPrintable(show.out));
        const Run showJson = runCabinet(in(dir, { QStringLiteral("show"), id, QStringLiteral("--json") }));
        QCOMPARE(object(showJson.out).value(QStringLiteral("id")).toString(), id);

        const Run paused = runCabinet(in(dir, { QStringLiteral("pause"), id }));
        QCOMPARE(paused.exitCode, 0);
        QVERIFY2(paused.out.contains(QStringLiteral("pending (paused)")), qPrintable(paused.out));
        QVERIFY(runCabinet(in(dir, { QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("pending") })).out.contains(QStringLiteral("(paused)")));
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("resume"), id })).exitCode, 0);
        const Run cancelled = runCabinet(in(dir, { QStringLiteral("cancel"), id, QStringLiteral("--reason"), QStringLiteral("not now"), QStringLiteral("--json") }));
        QCOMPARE(cancelled.exitCode, 0);
        QCOMPARE(object(cancelled.out).value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        // Illegal: exit 1, naming both states.
        const Run again = runCabinet(in(dir, { QStringLiteral("cancel"), id }));
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QStringLiteral("'cancelled' → 'cancelled'")), qPrintable(again.err));
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("retry"), id })).exitCode, 0);
        QCOMPARE(object(runCabinet(in(dir, { QStringLiteral("show"), id, QStringLiteral("--json") })).out).value(QStringLiteral("state")).toString(),
                 QStringLiteral("pending"));

        // Operator actions are in the audit trail, which verifies.
        const Run tail = runCabinet({ QStringLiteral("--data-dir"), dir.path(), QStringLiteral("audit"), QStringLiteral("tail") });
        for (const char *action : { "task.submit", "task.pause", "task.resume", "task.cancel", "task.retry" })
            QVERIFY2(tail.out.contains(QLatin1StringView(action)), action);
        QCOMPARE(runCabinet({ QStringLiteral("--data-dir"), dir.path(), QStringLiteral("audit"), QStringLiteral("verify") }).exitCode, 0);
    }

    void badInputIsRefusedWithExit2()
    {
        QTemporaryDir dir;
        auto code = [&](QStringList args) { return runCabinet(in(dir, std::move(args))).exitCode; };
        QCOMPARE(code({ QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("default") }), 2);
        QCOMPARE(code({ QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("default"), QStringLiteral("--title"), QStringLiteral("x"),
                        QStringLiteral("--input"), QStringLiteral("[1]") }),
                 2);
        QCOMPARE(code({ QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("default"), QStringLiteral("--title"), QStringLiteral("x"),
                        QStringLiteral("--input"), QStringLiteral("{\"a\":") }),
                 2);
        QCOMPARE(code({ QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("Not A Name"), QStringLiteral("--title"), QStringLiteral("x") }), 2);
        QCOMPARE(code({ QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("default"), QStringLiteral("--title"),
                        QString(600, u't') }),
                 2);
        QCOMPARE(code({ QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("sleeping") }), 2);
        QCOMPARE(code({ QStringLiteral("show"), QStringLiteral("not-an-id") }), 2);
        QCOMPARE(code({ QStringLiteral("show"), QStringLiteral("01ARZ3NDEKTSV4RRFFQ69G5FAV") }), 1); // not found
        QCOMPARE(code({ QStringLiteral("show") }), 2);
        const Run list = runCabinet(in(dir, { QStringLiteral("list"), QStringLiteral("--json") }));
        QCOMPARE(object(list.out).value(QStringLiteral("tasks")).toArray().size(), 0);
    }

    // No owner: the two processes race for the data directory. Each either
    // submits (the same task) or is told the directory is busy; never two tasks.
    void twoProcessesSameKeyAtOnce()
    {
        QTemporaryDir dir;
        // The data directory exists (a read-only list needs it).
        QCOMPARE(runCabinet(in(dir, { QStringLiteral("submit"), QStringLiteral("--workflow"), QStringLiteral("default"), QStringLiteral("--title"),
                                      QStringLiteral("first") }))
                         .exitCode,
                 0);
        for (int round = 0; round < 5; ++round) {
            const QString key = QStringLiteral("release-%1").arg(round);
            const Pair pair = submitTwiceAtOnce(dir, key);
            QStringList ids;
            for (const Run *run : { &pair.first, &pair.second }) {
                if (run->exitCode == 0)
                    ids << object(run->out).value(QStringLiteral("id")).toString();
                else
                    QVERIFY2(run->exitCode == 1 && run->err.contains(QStringLiteral("pid")), qPrintable(run->err));
            }
            QVERIFY2(!ids.isEmpty(), qPrintable(pair.first.err + pair.second.err));
            if (ids.size() == 2)
                QCOMPARE(ids[0], ids[1]);
            QCOMPARE(tasksWithKey(dir, key), 1);
        }
    }

    // Beside a running owner both go to its socket: both succeed, one task.
    void twoProcessesSameKeyBesideAnOwner()
    {
        QTemporaryDir dir;
        QProcess owner;
        QVERIFY(startHeadless(owner, dir.path()));
        for (int round = 0; round < 5; ++round) {
            const QString key = QStringLiteral("owned-%1").arg(round);
            const Pair pair = submitTwiceAtOnce(dir, key);
            QVERIFY2(pair.first.exitCode == 0 && pair.second.exitCode == 0, qPrintable(pair.first.err + pair.second.err));
            const QJsonObject a = object(pair.first.out), b = object(pair.second.out);
            QCOMPARE(a.value(QStringLiteral("id")).toString(), b.value(QStringLiteral("id")).toString());
            QVERIFY(a.value(QStringLiteral("created")).toBool() != b.value(QStringLiteral("created")).toBool());
            QCOMPARE(tasksWithKey(dir, key), 1); // read-only, beside the owner
        }
        ::kill(pid_t(owner.processId()), SIGTERM);
        QVERIFY(owner.waitForFinished(15000));
        QCOMPARE(owner.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTaskCli)
#include "tst_task_cli.moc"
