#include "CabinetProcess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace cabinet::test;

class TestHeadless : public QObject {
    Q_OBJECT

    static void stopsCleanlyOn(int signal)
    {
        QTemporaryDir dir;
        QProcess process;
        QVERIFY(startHeadless(process, dir.path()));
        ::kill(pid_t(process.processId()), signal);
        QVERIFY(process.waitForFinished(15000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);

        const QByteArray log = process.readAllStandardError();
        QVERIFY2(log.contains("stopped cleanly"), log.constData());
        // Every agent's envelope is created (and audited) at the first start.
        const Run tail = runCabinet({ QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("200"), QStringLiteral("--data-dir"), dir.path() });
        QVERIFY2(tail.out.contains(QStringLiteral("core.start")) && tail.out.contains(QStringLiteral("core.stop")), qPrintable(tail.out));
        QCOMPARE(runCabinet({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
    }

private Q_SLOTS:
    void stopsCleanlyOnSigterm() { stopsCleanlyOn(SIGTERM); }
    void stopsCleanlyOnSigint() { stopsCleanlyOn(SIGINT); }

    void logsJsonLines()
    {
        QTemporaryDir dir;
        QProcess process;
        QVERIFY(startHeadless(process, dir.path()));
        process.terminate();
        QVERIFY(process.waitForFinished(15000));
        QCOMPARE(process.exitCode(), 0);
        // All output after the start line is still buffered in the process.
        QProcess again;
        QVERIFY(startHeadless(again, dir.path()));
        again.terminate();
        QVERIFY(again.waitForFinished(15000));
        const QList<QByteArray> lines = again.readAllStandardError().split('\n');
        int parsed = 0;
        for (const QByteArray &line : lines) {
            if (line.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            QVERIFY(object.contains(QStringLiteral("time")) && object.contains(QStringLiteral("level")));
            ++parsed;
        }
        QVERIFY(parsed >= 1);
    }

    void oneOwnerWhileReadersWorkAlongside()
    {
        QTemporaryDir dir;
        QProcess owner;
        QVERIFY(startHeadless(owner, dir.path()));
        const QString pid = QString::number(owner.processId());

        const Run second = runCabinet({ QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains(QStringLiteral("pid ") + pid), qPrintable(second.err));

        // A writing command goes to the owner through its control socket
        // (docs/api.md): it succeeds, and the owner audits it under the
        // person who ran it.
        const Run writer = runCabinet({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("1"),
                                        QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(writer.exitCode, 0);
        const Run value = runCabinet({ QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("a.b"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(value.out.trimmed(), QStringLiteral("1"));
        // Every agent's envelope is created (and audited) at the first start.
        const Run tail = runCabinet({ QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("200"), QStringLiteral("--data-dir"), dir.path() });
        QVERIFY2(tail.out.contains(QStringLiteral("operator:")) && tail.out.contains(QStringLiteral("config.set")), qPrintable(tail.out));

        const Run verify = runCabinet({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(verify.exitCode, 0);
        const Run exported = runCabinet({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(exported.exitCode, 0);
        QVERIFY(exported.out.contains(QStringLiteral("core.start")));

        owner.terminate();
        QVERIFY(owner.waitForFinished(15000));
        QCOMPARE(owner.exitCode(), 0);
        // The lock went with its owner.
        QCOMPARE(runCabinet({ QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("1"),
                              QStringLiteral("--data-dir"), dir.path() })
                         .exitCode,
                 0);
    }
};

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
