// Issue 9 through the real binary: a WAL left by another data directory's
// killed core is refused; the signed checkpoints are exported and checked.
#include "CabinetProcess.h"
#include "RawSqlite.h"
#include "audit/AuditCheckpoints.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sodium.h>

using namespace cabinet;
using namespace cabinet::test;

class TestIdentityCli : public QObject {
    Q_OBJECT

    static Run cabinet(const QString &dir, const QStringList &args) { return runCabinet(QStringList { QStringLiteral("--data-dir"), dir } + args); }

    static QMap<QString, QByteArray> snapshot(const QString &dir)
    {
        QMap<QString, QByteArray> files;
        for (const QString &name : QDir(dir).entryList(QDir::Files)) {
            if (name != QLatin1String("cabinet.lock") && !name.endsWith(QLatin1String("-shm")))
                files.insert(name, fileDigest(dir + u'/' + name));
        }
        return files;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        QVERIFY(sodium_init() >= 0);
    }

    void walOfAnotherDataDirectoryIsRefused()
    {
        QTemporaryDir mine, theirs;
        QCOMPARE(cabinet(mine.path(), { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("test.owner"), QStringLiteral("mine") })
                         .exitCode,
                 0);
        QVERIFY(!QFile::exists(mine.filePath(QStringLiteral("cabinet.db-wal"))));
        QProcess killed;
        QVERIFY(startHeadless(killed, theirs.path()));
        ::kill(pid_t(killed.processId()), SIGKILL);
        QVERIFY(killed.waitForFinished(15000));
        QVERIFY(QFile::exists(theirs.filePath(QStringLiteral("cabinet.db-wal"))));
        QVERIFY(QFile::copy(theirs.filePath(QStringLiteral("cabinet.db-wal")), mine.filePath(QStringLiteral("cabinet.db-wal"))));

        const auto before = snapshot(mine.path());
        for (const QStringList &command : { QStringList { QStringLiteral("audit"), QStringLiteral("tail") },
                                            QStringList { QStringLiteral("audit"), QStringLiteral("verify") },
                                            QStringList { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("1") } }) {
            const Run run = cabinet(mine.path(), command);
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains(mine.filePath(QStringLiteral("cabinet.db-wal")) + QStringLiteral(" was not written for")), qPrintable(run.err));
            QVERIFY2(!run.out.contains(QStringLiteral("core.start")), qPrintable(run.out)); // none of their entries shown
        }
        QCOMPARE(snapshot(mine.path()), before);
    }

    void checkpointIsExportedForAWitness()
    {
        QTemporaryDir dir;
        QProcess core;
        QVERIFY(startHeadless(core, dir.path()));
        core.terminate(); // the stop signs the head
        QVERIFY(core.waitForFinished(15000));
        QCOMPARE(core.exitCode(), 0);

        const Run exported = cabinet(dir.path(), { QStringLiteral("audit"), QStringLiteral("checkpoint"), QStringLiteral("--export") });
        QCOMPARE(exported.exitCode, 0);
        const QStringList lines = exported.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        auto checkpoint = SignedCheckpoint::fromJson(lines.first().toUtf8());
        QVERIFY2(checkpoint, checkpoint ? "" : qPrintable(checkpoint.error().message));
        // What a witness can check with nothing but the line itself.
        const QByteArray message = checkpoint->signedMessage();
        QCOMPARE(crypto_sign_verify_detached(reinterpret_cast<const uchar *>(checkpoint->signature.constData()),
                                             reinterpret_cast<const uchar *>(message.constData()), quint64(message.size()),
                                             reinterpret_cast<const uchar *>(checkpoint->publicKey.constData())),
                 0);
        QFile id(dir.filePath(QStringLiteral("cabinet.id")));
        QVERIFY(id.open(QIODevice::ReadOnly));
        QCOMPARE(checkpoint->directoryId, QString::fromLatin1(id.readAll().trimmed()));
        const Run tail = cabinet(dir.path(), { QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("1") });
        QCOMPARE(tail.exitCode, 0);
        QVERIFY2(tail.out.startsWith(QString::number(checkpoint->seq) + u'\t') && tail.out.contains(QStringLiteral("core.stop")),
                 qPrintable(tail.out));

        const Run verified = cabinet(dir.path(), { QStringLiteral("audit"), QStringLiteral("verify") });
        QCOMPARE(verified.exitCode, 0);
        QVERIFY2(verified.out.contains(QStringLiteral("newest signed checkpoint: entry %1").arg(checkpoint->seq)), qPrintable(verified.out));

        // Signing on demand: a new entry, then its head.
        QCOMPARE(cabinet(dir.path(), { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("test.more"), QStringLiteral("1") }).exitCode, 0);
        const Run signedNow = cabinet(dir.path(), { QStringLiteral("audit"), QStringLiteral("checkpoint") });
        QCOMPARE(signedNow.exitCode, 0);
        auto newer = SignedCheckpoint::fromJson(signedNow.out.trimmed().toUtf8());
        QVERIFY(newer);
        QVERIFY(newer->seq > checkpoint->seq);

        // The trail cut below it, events and all: verify names the checkpoint.
        const QByteArray cut = "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > " + QByteArray::number(checkpoint->seq)
                + "; DELETE FROM events WHERE type = 'audit.appended' AND json_extract(payload, '$.seq') > "
                + QByteArray::number(checkpoint->seq) + ';';
        QVERIFY(rawExec(dir.filePath(QStringLiteral("cabinet.db")), cut.constData()));
        const Run broken = cabinet(dir.path(), { QStringLiteral("audit"), QStringLiteral("verify") });
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.out.contains(QStringLiteral("BROKEN")) && broken.out.contains(QStringLiteral("checkpoint")), qPrintable(broken.out));
    }

    void exportWithoutACheckpointSaysHowToMakeOne()
    {
        QTemporaryDir dir;
        QCOMPARE(cabinet(dir.path(), { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("1") }).exitCode, 0);
        const Run run = cabinet(dir.path(), { QStringLiteral("audit"), QStringLiteral("checkpoint"), QStringLiteral("--export") });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("no signed checkpoint yet")), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestIdentityCli)
#include "tst_identity_cli.moc"
