// `cabinet ledger replay-check` beside a process that commits batches: the
// check reads the journal and the balances from one state, so a batch
// committed while it runs is never a mismatch (it was, in 6 of 28 runs).
#include "CabinetProcess.h"
#include "Clock.h"
#include "ledger/SqliteLedgerBackend.h"
#include "store/DataDirectory.h"
#include "store/Database.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::ledger;
using namespace cabinet::test;

class TestLedgerReplayCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void replayCheckBesideAWriterRaisesNoFalseAlarm()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        QTemporaryDir dir;
        constexpr int Accounts = 8;
        QByteArray accounts = "[";
        for (int i = 1; i <= Accounts; ++i)
            accounts += (i > 1 ? "," : "") + QByteArray(R"({"id": )") + QByteArray::number(i) + R"(, "ledger": 1, "code": 1})";
        accounts += "]";
        const Run created = runCabinet(
            { QStringLiteral("--data-dir"), dir.path(), QStringLiteral("ledger"), QStringLiteral("create-accounts") }, accounts);
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));

        // The writer: this process owns the directory, as a console would,
        // and commits small batches for as long as each check runs.
        auto owner = DataDirectory::acquire(dir.path());
        QVERIFY2(owner, owner ? "" : qPrintable(owner.error().message));
        auto db = Database::open(DataDirectory::databasePath(dir.path()));
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        SystemClock clock;
        SqliteLedgerBackend writer(**db, clock);

        u128 nextId = 1;
        qint64 batches = 0;
        auto commitOne = [&] {
            std::vector<Transfer> batch(20);
            for (size_t i = 0; i < batch.size(); ++i) {
                Transfer &t = batch[i];
                t.id = nextId++;
                t.debit_account_id = 1 + u128(t.id % Accounts);
                t.credit_account_id = 1 + u128((t.id + 1 + t.id / Accounts % (Accounts - 1)) % Accounts);
                t.amount = 1 + u128(t.id % 7);
                t.ledger = 1;
                t.code = 1;
            }
            auto results = writer.createTransfers(batch);
            QVERIFY2(results, results ? "" : qPrintable(results.error().message));
            ++batches;
        };

        constexpr int Runs = 100;
        int duringACheck = 0; // checks that saw at least one commit while they ran
        QElapsedTimer all;
        all.start();
        for (int run = 0; run < Runs; ++run) {
            QProcess check;
            check.start(cabinetBinary(),
                { QStringLiteral("--data-dir"), dir.path(), QStringLiteral("ledger"), QStringLiteral("replay-check") });
            QVERIFY(check.waitForStarted());
            const qint64 before = batches;
            while (!check.waitForFinished(0)) {
                commitOne();
                if (QTest::currentTestFailed())
                    return;
            }
            duringACheck += batches - before > 1 ? 1 : 0;
            const QString out = QString::fromUtf8(check.readAllStandardOutput());
            QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0,
                qPrintable(QStringLiteral("run %1 after %2 batches: %3%4")
                               .arg(run)
                               .arg(batches)
                               .arg(out, QString::fromUtf8(check.readAllStandardError()))));
            QVERIFY2(out.contains(QStringLiteral("journal replay matches")), qPrintable(out));
        }
        qInfo("%d checks in %lld ms beside %lld committed batches; %d of them saw commits while they ran", Runs, all.elapsed(),
            batches, duringACheck);
        // The test means something only if the writer really ran beside the checks.
        QVERIFY2(duringACheck >= Runs / 2, qPrintable(QString::number(duringACheck)));
    }
};

QTEST_GUILESS_MAIN(TestLedgerReplayCli)
#include "tst_ledger_replay_cli.moc"
