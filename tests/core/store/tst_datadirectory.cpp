#include "store/DataDirectory.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/wait.h>
#include <unistd.h>

using namespace cabinet;

class TestDataDirectory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resolveOrder()
    {
        qunsetenv("CABINET_DATA_DIR");
        QCOMPARE(DataDirectory::resolve({}), DataDirectory::defaultPath());
        QVERIFY(DataDirectory::defaultPath().endsWith(QStringLiteral("/cabinet")));
        qputenv("CABINET_DATA_DIR", "/tmp/from-env");
        QCOMPARE(DataDirectory::resolve({}), QStringLiteral("/tmp/from-env"));
        QCOMPARE(DataDirectory::resolve(QStringLiteral("/tmp/x/../from-cli")), QStringLiteral("/tmp/from-cli"));
        qunsetenv("CABINET_DATA_DIR");
    }

    void secondOwnerIsRefusedWithThePid()
    {
        QTemporaryDir dir;
        auto first = DataDirectory::acquire(dir.path());
        QVERIFY(first);
        auto second = DataDirectory::acquire(dir.path());
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::Unavailable);
        QVERIFY2(second.error().message.contains(QStringLiteral("pid %1 on ").arg(QCoreApplication::applicationPid())),
                 qPrintable(second.error().message));
        // The refusal closed only its own descriptor: the first still holds the lock.
        QVERIFY(!DataDirectory::acquire(dir.path()));
        first->reset();
        QVERIFY(DataDirectory::acquire(dir.path()));
    }

    // The file only names the owner; the kernel lock is what owns. Whatever
    // is in it without a lock held is taken over at once, and then names us.
    void leftoverLockFilesAreTakenOver_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        const pid_t dead = ::fork();
        if (dead == 0)
            ::_exit(0);
        ::waitpid(dead, nullptr, 0);
        const QByteArray host = QSysInfo::machineHostName().toUtf8();
        QTest::newRow("empty") << QStringLiteral("cabinet.lock") << QByteArray();
        QTest::newRow("garbled") << QStringLiteral("cabinet.lock") << QByteArray("\xff\xfe not a pid\n\0\n", 15);
        QTest::newRow("pid 0") << QStringLiteral("cabinet.lock") << QByteArray("0\ncabinet\n") + host + '\n';
        QTest::newRow("dead pid") << QStringLiteral("cabinet.lock") << QByteArray::number(dead) + "\ncabinet\n" + host + '\n';
        // What QLockFile left when it died removing a dead owner's lock: the
        // lock naming that owner, its .rmlock still empty (blocked 30 s).
        QTest::newRow("empty .rmlock beside a dead owner's lock") << QStringLiteral("both") << QByteArray::number(dead) + "\ncabinet\n" + host + '\n';
    }
    void leftoverLockFilesAreTakenOver()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        QFile file(dir.filePath(name == QLatin1String("both") ? QStringLiteral("cabinet.lock") : name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        if (name == QLatin1String("both")) {
            QFile rmlock(dir.filePath(QStringLiteral("cabinet.lock.rmlock")));
            QVERIFY(rmlock.open(QIODevice::WriteOnly));
        }
        QElapsedTimer took;
        took.start();
        auto owner = DataDirectory::acquire(dir.path());
        QVERIFY2(owner, owner ? "" : qPrintable(owner.error().message));
        QVERIFY2(took.elapsed() < 1000, qPrintable(QString::number(took.elapsed())));
        QFile lock(dir.filePath(QStringLiteral("cabinet.lock")));
        QVERIFY(lock.open(QIODevice::ReadOnly));
        QVERIFY(lock.readAll().startsWith(QByteArray::number(QCoreApplication::applicationPid()).append('\n')));
        lock.close();
        owner->reset();
        QCOMPARE(QFileInfo(dir.filePath(QStringLiteral("cabinet.lock"))).size(), 0); // nobody owns it: it names nobody
    }

    void aFileIsNotADataDirectory()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("plain"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        auto acquired = DataDirectory::acquire(file);
        QVERIFY(!acquired);
        QVERIFY(acquired.error().message.contains(QStringLiteral("not a folder")));
        QVERIFY(!DataDirectory::existing(dir.filePath(QStringLiteral("nope"))));
    }
};

QTEST_GUILESS_MAIN(TestDataDirectory)
#include "tst_datadirectory.moc"
