// The data directory's lock through the real binary: a process killed
// (SIGKILL) at any point of its start never locks anyone out, nor does any
// file it or an older Cabinet left behind (docs: core/store/DataDirectory.h).
#include "CabinetProcess.h"
#include "store/DataDirectory.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <csignal>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using namespace cabinet;
using namespace cabinet::test;

class TestDataDirLock : public QObject {
    Q_OBJECT

    static QString lockPath(const QString &dir) { return dir + QStringLiteral("/cabinet.lock"); }

    static QStringList configSet(const QString &dir)
    {
        return { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("1"),
            QStringLiteral("--data-dir"), dir };
    }

    // Waits until the lock file names `process` as its owner.
    static bool namedInLockFile(const QString &dir, const QProcess &process)
    {
        const QByteArray pid = QByteArray::number(process.processId()) + '\n';
        const QDeadlineTimer deadline(20000);
        while (!deadline.hasExpired()) {
            QFile file(lockPath(dir));
            if (file.open(QIODevice::ReadOnly) && file.readAll().startsWith(pid))
                return true;
            QThread::usleep(200);
        }
        return false;
    }

    static void writeFile(const QString &path, const QByteArray &content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(content), content.size());
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(!cabinetBinary().isEmpty()); }

    // 200 starts of `cabinet --headless`, each killed with SIGKILL at a random
    // moment of the start, most of them around the moment the lock file
    // appears (between creating it and writing the pid into it is where a
    // kill locked everyone out for good). After each kill a writer (the real
    // binary) must get in at once.
    void killedAnywhereInItsStartLocksNobodyOut()
    {
        QTemporaryDir dir;
        QCOMPARE(runCabinet(configSet(dir.path())).exitCode, 0); // the database exists: each start is a restart
        const QString lockFile = lockPath(dir.path());

        bool seedGiven = false;
        const uint seed = qEnvironmentVariable("CABINET_TEST_SEED").toUInt(&seedGiven);
        std::mt19937 random(seedGiven ? seed : 20261121u);
        qInfo("seed %u (set CABINET_TEST_SEED to repeat another)", seedGiven ? seed : 20261121u);

        // How long a start takes to name itself in the lock file, so that the
        // random kills cover it.
        QProcess probe;
        QElapsedTimer clock;
        QVERIFY(QFile::remove(lockFile) || !QFileInfo::exists(lockFile));
        clock.start();
        probe.start(cabinetBinary(), { QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path() });
        QVERIFY(probe.waitForStarted());
        const QDeadlineTimer appears(20000);
        while (!QFileInfo::exists(lockFile) && !appears.hasExpired())
            ;
        const qint64 appearsUs = clock.nsecsElapsed() / 1000;
        QVERIFY2(namedInLockFile(dir.path(), probe), "the headless start never wrote its pid into the lock file");
        const qint64 startUs = clock.nsecsElapsed() / 1000;
        ::kill(pid_t(probe.processId()), SIGKILL);
        QVERIFY(probe.waitForFinished(10000));
        qInfo("a start creates the lock file after %lld us and names itself in it after %lld us", appearsUs, startUs);

        QElapsedTimer all;
        all.start();
        int killedBeforeTheFile = 0, killedWithTheFileEmpty = 0, killedWithAPid = 0;
        constexpr int Kills = 200;
        for (int round = 0; round < Kills; ++round) {
            // Nobody runs now: removing it is safe, and lets us see it appear.
            QFile::remove(lockFile);
            QProcess process;
            process.start(cabinetBinary(), { QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path() });
            QVERIFY(process.waitForStarted());
            // A third anywhere in the start, a third around the moment the
            // lock file appears, a third just as it is seen to appear.
            if (round % 3 == 0) {
                QThread::usleep(std::uniform_int_distribution<qint64>(0, startUs * 3 / 2)(random));
            } else if (round % 3 == 1) {
                QThread::usleep(std::uniform_int_distribution<qint64>(appearsUs * 8 / 10, appearsUs * 12 / 10)(random));
            } else {
                const QDeadlineTimer appears(20000);
                while (!QFileInfo::exists(lockFile) && !appears.hasExpired())
                    ;
                const QDeadlineTimer extra(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 30)(random)));
                while (!extra.hasExpired())
                    ;
            }
            ::kill(pid_t(process.processId()), SIGKILL);
            QVERIFY(process.waitForFinished(10000));
            QCOMPARE(process.exitStatus(), QProcess::CrashExit);

            QFile file(lockFile);
            if (!file.open(QIODevice::ReadOnly))
                ++killedBeforeTheFile;
            else if (file.size() == 0)
                ++killedWithTheFileEmpty;
            else
                ++killedWithAPid;

            // Free at once, whatever the kill left: the real binary writes.
            QElapsedTimer took;
            took.start();
            const Run writer = runCabinet(configSet(dir.path()));
            QVERIFY2(writer.exitCode == 0, qPrintable(QStringLiteral("after kill %1: %2").arg(round).arg(writer.err)));
            QVERIFY2(took.elapsed() < 10000, qPrintable(QString::number(took.elapsed())));
        }
        qInfo("%d kills in %lld ms: before the lock file existed %d, with it empty %d, with a pid in it %d", Kills, all.elapsed(),
            killedBeforeTheFile, killedWithTheFileEmpty, killedWithAPid);
        // And in process, as the console takes it.
        QVERIFY(DataDirectory::acquire(dir.path()));
    }

    // What a crash, an editor or an older Cabinet (QLockFile) may leave: none
    // of it blocks the real binary, and none of it costs a wait.
    void leftoverFilesBlockNoWriter_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        pid_t dead = ::fork();
        if (dead == 0)
            ::_exit(0);
        ::waitpid(dead, nullptr, 0);
        const QByteArray deadPid = QByteArray::number(dead);
        QTest::newRow("empty") << QStringLiteral("cabinet.lock") << QByteArray();
        QTest::newRow("garbled") << QStringLiteral("cabinet.lock") << QByteArray("\xff\xfe not a pid\n\0\n", 15);
        QTest::newRow("dead pid") << QStringLiteral("cabinet.lock")
                                  << deadPid + "\ncabinet\n" + QSysInfo::machineHostName().toUtf8() + '\n';
        QTest::newRow("live pid, not locked") << QStringLiteral(
            "cabinet.lock") << QByteArray::number(::getpid()) + "\ncabinet\n" + QSysInfo::machineHostName().toUtf8() + '\n';
        QTest::newRow("QLockFile's .rmlock")
            << QStringLiteral("cabinet.lock.rmlock") << deadPid + "\ncabinet\n" + QSysInfo::machineHostName().toUtf8() + '\n';
        QTest::newRow("empty .rmlock beside a dead owner's lock file")
            << QStringLiteral("both") << deadPid + "\ncabinet\n" + QSysInfo::machineHostName().toUtf8() + '\n';
    }
    void leftoverFilesBlockNoWriter()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        QCOMPARE(runCabinet(configSet(dir.path())).exitCode, 0);
        // "both": what QLockFile leaves when it dies while removing a dead
        // owner's lock: the lock naming the dead owner, its .rmlock still empty.
        if (name == QLatin1String("both")) {
            writeFile(dir.filePath(QStringLiteral("cabinet.lock")), content);
            writeFile(dir.filePath(QStringLiteral("cabinet.lock.rmlock")), {});
        } else {
            writeFile(dir.filePath(name), content);
        }
        QElapsedTimer took;
        took.start();
        const Run writer = runCabinet(configSet(dir.path()));
        QVERIFY2(writer.exitCode == 0, qPrintable(writer.err));
        QVERIFY2(took.elapsed() < 10000, qPrintable(QString::number(took.elapsed()))); // a leftover .rmlock cost 30 s
    }

    // A live owner is still refused, by pid; after it is killed, nobody is.
    void aLiveOwnerIsNamedAndItsDeathFreesTheDirectory()
    {
        QTemporaryDir dir;
        // The database exists first: this is about the lock, not about a
        // kill during the database's creation.
        QCOMPARE(runCabinet(configSet(dir.path())).exitCode, 0);
        QProcess owner;
        owner.start(cabinetBinary(), { QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path() });
        QVERIFY(owner.waitForStarted());
        const QByteArray pid = QByteArray::number(owner.processId());
        QVERIFY(namedInLockFile(dir.path(), owner));
        // A second owner is refused (a writing command would go to this one
        // through its control socket instead).
        const Run refused = runCabinet({ QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("in use by another Cabinet process (pid ") + QString::fromLatin1(pid)),
            qPrintable(refused.err));
        auto inProcess = DataDirectory::acquire(dir.path());
        QVERIFY(!inProcess);
        QCOMPARE(inProcess.error().code, ErrorCode::Unavailable);
        QVERIFY2(inProcess.error().message.contains(QStringLiteral("(pid ") + QString::fromLatin1(pid)),
            qPrintable(inProcess.error().message));

        ::kill(pid_t(owner.processId()), SIGKILL);
        QVERIFY(owner.waitForFinished(10000));
        const Run writer = runCabinet(configSet(dir.path()));
        QVERIFY2(writer.exitCode == 0, qPrintable(writer.err));
    }
};

QTEST_GUILESS_MAIN(TestDataDirLock)
#include "tst_datadir_lock.moc"
