#include "store/DataDirectory.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

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
        QVERIFY2(second.error().message.contains(QString::number(QCoreApplication::applicationPid())),
                 qPrintable(second.error().message));
        first->reset();
        QVERIFY(DataDirectory::acquire(dir.path()));
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
