// Input bounds through the real binary: each limit at its bound and one past
// it, with each run's own CPU time and peak memory (wait4's rusage) kept
// small: an input past a limit is refused before the work it would cost.
// Generous guards against blow-ups, not timings (the unbounded figures are
// in docs/performance.md).
#include "CabinetProcess.h"
#include "ResourceUsage.h"
#include "ScenarioEngine.h"
#include "ledger/ExactJson.h"
#include "ledger/LedgerTypes.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

namespace {

constexpr double ChildCpuSecondsMax = 5.0;
// A ledger command reading 16 MiB peaks at about 45 MiB; a million events
// parsed whole peaked at 325 MiB, a million full transfers at 1.6 GB.
constexpr double LedgerPeakMiBMax = 128;
// simulate at kMaxSamplePathDays peaks at about 200 MiB; unbounded, 13 GB.
constexpr double SimulatePeakMiBMax = 600;

// The documented bound on `simulate --json` at kMaxSamplePathDays
// (docs/scenario-engine.md, "Limits").
constexpr qsizetype SimulateJsonBytesMax = 40 * 1024 * 1024;

QByteArray arrayOf(qsizetype count, const QByteArray &item)
{
    QByteArray out = "[";
    for (qsizetype i = 0; i < count; ++i)
        out += (i > 0 ? "," : "") + item;
    return out + ']';
}

} // namespace

class TestLimitsCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    // Runs the binary; a run that costs more than the bounds fails the test.
    Run costly(const QStringList &args, const QByteArray &input = {}, double peakMiBMax = LedgerPeakMiBMax)
    {
        const MeasuredRun measured = runMeasured(cabinetBinary(), args, input);
        const QString what = args.mid(2).join(u' ').left(60);
        qInfo("%s: %.2f s of CPU, peak %.0f MiB, exit %d", qPrintable(what), measured.usage.cpuSeconds, measured.usage.peakMiB,
            measured.exitCode);
        if (measured.timedOut || measured.usage.cpuSeconds >= ChildCpuSecondsMax || measured.usage.peakMiB >= peakMiBMax)
            QTest::qFail(qPrintable(QStringLiteral("%1: %2 s of CPU, peak %3 MiB%4")
                                        .arg(what)
                                        .arg(measured.usage.cpuSeconds)
                                        .arg(measured.usage.peakMiB)
                                        .arg(measured.timedOut ? QStringLiteral(", timed out") : QString())),
                __FILE__, __LINE__);
        Run run;
        run.exitCode = measured.exitCode;
        run.out = QString::fromUtf8(measured.out);
        run.err = QString::fromUtf8(measured.err);
        return run;
    }
    QStringList ledger(const char *command, const QStringList &args = {}) const
    {
        return QStringList { QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("ledger"), QString::fromLatin1(command) }
        + args;
    }
    QString writeFile(const char *name, const QByteArray &content)
    {
        QFile file(m_dir.filePath(QString::fromLatin1(name)));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(content);
        return file.fileName();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        const Run created = runCabinet(ledger("create-accounts"), R"([{"id": 1, "ledger": 1, "code": 1}])");
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    }

    void ledgerInputBytesAtTheBoundAndOnePast()
    {
        using ledger::JsonBytesMax;
        QByteArray filter = R"({"limit": 1})";
        filter += QByteArray(JsonBytesMax - filter.size(), ' ');
        const QString atBound = writeFile("at-bound.json", filter);
        Run run = costly(ledger("query-accounts", { atBound }));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        run = costly(ledger("query-accounts", { QStringLiteral("-") }), filter);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));

        const QString past = writeFile("past.json", filter + ' ');
        run = costly(ledger("query-accounts", { past }));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("holds more than 16777216 bytes")), qPrintable(run.err));
        run = costly(ledger("create-transfers"), filter + ' ');
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("standard input holds more than 16777216 bytes")), qPrintable(run.err));

        // 64 MiB on one line (a gigabyte aborted with std::bad_alloc): only
        // the first 16 MiB and a byte are read.
        run = costly(ledger("create-transfers"), "[" + QByteArray(64 * 1024 * 1024, ' '));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("more than 16777216 bytes")), qPrintable(run.err));
    }

    void ledgerBatchAtTheBoundAndOnePast()
    {
        // 8,189 events of id 0: read whole and submitted (each refused by
        // the ledger: exit 1), not refused as input (exit 2).
        Run run = costly(ledger("create-accounts"), arrayOf(ledger::BatchMax, "{}"));
        QVERIFY2(run.exitCode == 1, qPrintable(run.err));
        QCOMPARE(QJsonDocument::fromJson(run.out.toUtf8()).array().size(), qsizetype(ledger::BatchMax));

        run = costly(ledger("create-accounts"), arrayOf(ledger::BatchMax + 1, "{}"));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("a batch holds at most 8189 accounts")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("nothing was applied")), qPrintable(run.err));

        // Reading stops there: what follows event 8,189 is never read.
        run = costly(ledger("create-accounts"), arrayOf(ledger::BatchMax + 1, "{}").chopped(1) + ", {\"id\": nonsense");
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("a batch holds at most 8189 accounts")), qPrintable(run.err));

        // A million events in 9 MB, under the byte limit: parsed whole
        // before the count was checked, they took 325 MiB.
        QByteArray million = arrayOf(1'000'000, R"({"id":1})");
        QVERIFY(million.size() < ledger::JsonBytesMax);
        run = costly(ledger("create-transfers"), million);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("a batch holds at most 8189 transfers")), qPrintable(run.err));
        // A million full transfers (88 MB, the report's case: 11 s and 1.6 GB).
        million = "[";
        for (int i = 1; i <= 1'000'000; ++i)
            million += (i > 1 ? "," : "") + QByteArray(R"({"id":)") + QByteArray::number(i)
                + R"(,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":1})";
        million += ']';
        run = costly(ledger("create-transfers"), million);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("standard input holds more than 16777216 bytes")), qPrintable(run.err));
    }

    void ledgerObjectKeysAtTheBoundAndOnePast()
    {
        auto object = [](qsizetype keys) -> QByteArray {
            QByteArray out = "{";
            for (qsizetype i = 0; i < keys; ++i)
                out += (i > 0 ? ",\"k" : "\"k") + QByteArray::number(i) + "\":0";
            return out + '}';
        };
        // Within the cap the reader goes on to the unknown field.
        Run run = costly(ledger("query-accounts", { QStringLiteral("-") }), object(ledger::JsonKeysPerObjectMax));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("unknown field \"k0\"")), qPrintable(run.err));
        run = costly(ledger("query-accounts", { QStringLiteral("-") }), object(ledger::JsonKeysPerObjectMax + 1));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("an object holds at most 256 keys")), qPrintable(run.err));
        // 100,000 keys (1 MB): 25 s before.
        run = costly(ledger("query-accounts", { QStringLiteral("-") }), object(100'000));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("an object holds at most 256 keys")), qPrintable(run.err));
    }

    void simulatePathDaysAtTheBoundAndOnePast()
    {
        auto simulate = [](int paths, int horizon) {
            return QStringList { QStringLiteral("simulate"), QStringLiteral("--json"), QStringLiteral("--backend"),
                QStringLiteral("cpu"), QStringLiteral("--scenarios"), QStringLiteral("1000"), QStringLiteral("--horizon"),
                QString::number(horizon), QStringLiteral("--paths"), QString::number(paths) };
        };
        static_assert(gpu::kMaxSamplePathDays == 500'000);
        Run run = costly(simulate(1000, 500), {}, SimulatePeakMiBMax);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const qsizetype printed = run.out.toUtf8().size();
        qInfo("simulate --json at the bound prints %lld bytes", qint64(printed));
        QVERIFY2(printed < SimulateJsonBytesMax, qPrintable(QString::number(printed)));
        const QJsonArray paths
            = QJsonDocument::fromJson(run.out.toUtf8()).object().value(QStringLiteral("sample_paths")).toArray();
        QCOMPARE(paths.size(), 1000);
        QCOMPARE(paths.last().toObject().value(QStringLiteral("value")).toArray().size(), 501);

        run = costly(simulate(1000, 501));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("sample_paths x horizon_days must be at most 500000")), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
        // Every value inside its own limit: 13 GB, 2 GB printed, before.
        run = costly(simulate(1000, 36500));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("1000 x 36500 = 36500000")), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestLimitsCli)
#include "tst_limits_cli.moc"
