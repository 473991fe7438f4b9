#include "CabinetProcess.h"
#include "TestSupport.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet::test;

namespace {
// Runs the console binary with only the environment given, plus the basics
// (PATH, HOME, ...) and the sanitizers' options.
Run runConsole(const QStringList &args, const QMap<QString, QString> &env)
{
    QProcessEnvironment environment;
    for (const char *keep : { "PATH", "HOME", "LANG", "XDG_RUNTIME_DIR", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS" }) {
        const QString name = QString::fromLatin1(keep);
        if (qEnvironmentVariableIsSet(keep))
            environment.insert(name, qEnvironmentVariable(keep));
    }
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        environment.insert(it.key(), it.value());
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(cabinetBinary(), args);
    Run run;
    if (!process.waitForStarted() || !process.waitForFinished(90000)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("did not run to the end");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}
} // namespace

// The console as the binary runs it: refusing to start without a display,
// and --screenshot on the offscreen platform.
class TestConsole : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void refusesWithoutDisplay()
    {
        QTemporaryDir tmp;
        const QString dataDir = tmp.filePath(QStringLiteral("data"));
        const Run run = runConsole({ QStringLiteral("--data-dir"), dataDir }, {});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("no display found")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("cabinet --headless")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("xvfb-run -a cabinet")), qPrintable(run.err));
        QVERIFY2(!QDir(dataDir).exists(), "the data directory was touched");
    }

    void takesScreenshot()
    {
        QTemporaryDir tmp;
        const QString dataDir = tmp.filePath(QStringLiteral("data"));
        const QString png = tmp.filePath(QStringLiteral("console.png"));
        const Run run = runConsole({ QStringLiteral("--data-dir"), dataDir, QStringLiteral("--screenshot"), png },
            { { QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen") },
                { QStringLiteral("CABINET_CONSOLE_SETTINGS"), tmp.filePath(QStringLiteral("console.ini")) } });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 760 && image.height() >= 480);
        QVERIFY(QFile::exists(tmp.filePath(QStringLiteral("console.ini"))));

        // The core started and stopped cleanly, on the console's own thread.
        const Run tail = runCabinet({ QStringLiteral("audit"), QStringLiteral("tail"), QStringLiteral("-n"), QStringLiteral("200"), QStringLiteral("--data-dir"), dataDir });
        QVERIFY2(tail.out.contains(QStringLiteral("core.start")) && tail.out.contains(QStringLiteral("core.stop")),
            qPrintable(tail.out));
    }

    void reportsALockedDataDirectory()
    {
        TestCabinet holder; // another process's core, as far as the console can tell
        QVERIFY(holder.open());
        QTemporaryDir tmp;
        const QString png = tmp.filePath(QStringLiteral("console.png"));
        const Run run = runConsole({ QStringLiteral("--data-dir"), holder.dir.path(), QStringLiteral("--screenshot"), png },
            { { QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen") },
                { QStringLiteral("CABINET_CONSOLE_SETTINGS"), tmp.filePath(QStringLiteral("console.ini")) } });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(!run.err.isEmpty(), "no error message");
        QVERIFY(QFile::exists(png)); // the window showed the error instead of crashing
    }
};

QTEST_GUILESS_MAIN(TestConsole)
#include "tst_console.moc"
