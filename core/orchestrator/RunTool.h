#pragma once

#include "Result.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>

#include <atomic>
#include <optional>

// A workflow's tool nodes (docs/workflows.md): a shell command in its own
// process group, or an HTTP request.
namespace cabinet::orchestrator {

// What a tool gave back: its exit code (or HTTP status) and its output, cut
// at nothing (a tool past its output limit fails instead).
struct ToolResult {
    int code = 0; // the exit code; HTTP: the status
    QByteArray output;
    bool passed = false; // exit code 0; HTTP: a 2xx status
};

// `sh -c command` in `workDir`, in a session (and so a process group) of its
// own, so the whole group can be ended at once: on a time-out, past the
// output limit, at a stop (SIGTERM, then SIGKILL), and after a crash by the
// next start, from the group id recorded with the node. Runs on the owner's
// event loop; the owner runs the time limit on the Clock.
class ToolProcess : public QObject {
    Q_OBJECT
public:
    ToolProcess(QString command, QString workDir, QProcessEnvironment environment, qint64 outputBytesMax, QObject *parent = nullptr);
    ~ToolProcess() override;

    void start();
    // The process group (the leader's pid); 0 before it started or after it ended.
    qint64 processGroup() const { return m_group; }
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    // Sends `signal` to the whole group.
    void signalGroup(int signal);
    // Ends the group with SIGKILL and fails with `why` (a time-out).
    void abort(const QString &why);
    // Blocks up to `ms` for the leader to exit (a stop's grace period).
    bool waitForFinished(int ms) { return m_process.waitForFinished(ms); }

Q_SIGNALS:
    // From inside start(), before the command runs: record the group here.
    void started(qint64 processGroup);
    void finished(cabinet::Result<cabinet::orchestrator::ToolResult> result);

private:
    void onOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);

    QProcess m_process;
    qint64 m_outputMax;
    qint64 m_group = 0;
    QByteArray m_output;
    std::optional<Error> m_failure;
    bool m_done = false;
};

// Kills a process group a dead worker left running (SIGKILL; a group that
// is gone already is fine).
void killProcessGroup(qint64 group);

struct HttpToolRequest {
    QString method;
    QByteArray url;
    QList<std::pair<QByteArray, QByteArray>> headers; // Idempotency-Key among them
    QByteArray body;
    qint64 timeoutMs = 0;
    qint64 outputBytesMax = 0;
};
// Runs the request to its end (blocking: call it off the core's thread).
// A 2xx status passes. `cancel` set from another thread aborts it.
Result<ToolResult> runHttpTool(const HttpToolRequest &request, const std::atomic<bool> &cancel);

} // namespace cabinet::orchestrator
