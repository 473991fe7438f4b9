#pragma once

// Runs the real cabinet binary (its path comes from ctest's CABINET_BINARY).
#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace cabinet::test {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

inline QString cabinetBinary()
{
    return qEnvironmentVariable("CABINET_BINARY");
}

// Starts `cabinet --headless` on `dataDir` and waits for its "running" log line.
inline bool startHeadless(QProcess &process, const QString &dataDir)
{
    process.start(cabinetBinary(), { QStringLiteral("--headless"), QStringLiteral("--data-dir"), dataDir });
    if (!process.waitForStarted())
        return false;
    QByteArray seen;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 30000) {
        process.waitForReadyRead(200);
        seen += process.readAllStandardError();
        if (seen.contains("headless core running"))
            return true;
        if (process.state() == QProcess::NotRunning)
            break;
    }
    qWarning("headless did not start: %s", seen.constData());
    return false;
}

inline Run runCabinet(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 60000)
{
    QProcess process;
    process.start(cabinetBinary(), args);
    Run run;
    if (!process.waitForStarted()) {
        run.err = QStringLiteral("could not start ") + cabinetBinary();
        return run;
    }
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("timed out");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace cabinet::test
