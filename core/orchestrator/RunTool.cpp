#include "orchestrator/RunTool.h"

#include <QMetaType>

#include <curl/curl.h>
#include <signal.h>
#include <unistd.h>

namespace cabinet::orchestrator {

ToolProcess::ToolProcess(QString command, QString workDir, QProcessEnvironment environment, qint64 outputBytesMax, QObject *parent)
    : QObject(parent), m_outputMax(outputBytesMax)
{
    // The command waits at a gate on its stdin until the owner has recorded
    // its process group (see start()); when the gate closes unopened (the
    // owner died first) it ends without running, so no tool runs that a
    // later start could not find and end. Then its stdin is /dev/null.
    m_process.setProgram(QStringLiteral("/bin/sh"));
    m_process.setArguments({ QStringLiteral("-c"), QStringLiteral("read -r _ || exit 127\nexec </dev/null\n") + command });
    m_process.setWorkingDirectory(workDir);
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // A session of its own: the group id is the pid, and ending the group
    // ends what the command started in the background too.
    m_process.setChildProcessModifier([] { ::setsid(); });
    connect(&m_process, &QProcess::readyRead, this, &ToolProcess::onOutput);
    connect(&m_process, &QProcess::finished, this, &ToolProcess::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &ToolProcess::onError);
}

ToolProcess::~ToolProcess()
{
    if (running()) {
        signalGroup(SIGKILL);
        m_process.waitForFinished(1'000);
    }
}

void ToolProcess::start()
{
    m_process.start();
    if (m_process.processId() <= 0)
        return; // errorOccurred reports it
    m_group = m_process.processId();
    // The owner records the group (a direct connection), then the gate opens.
    Q_EMIT started(m_group);
    m_process.write("\n");
    m_process.closeWriteChannel();
}

void ToolProcess::signalGroup(int signal)
{
    if (m_group > 0)
        ::kill(-pid_t(m_group), signal);
}

void ToolProcess::abort(const QString &why)
{
    if (!m_failure)
        m_failure = Error { ErrorCode::Timeout, why };
    signalGroup(SIGKILL);
}

void ToolProcess::onOutput()
{
    m_output += m_process.readAll();
    if (m_output.size() > m_outputMax && !m_failure) {
        m_failure = Error { ErrorCode::ResourceExhausted,
                            QStringLiteral("the tool wrote more than its output limit of %1 bytes (output_max_bytes)").arg(m_outputMax) };
        signalGroup(SIGKILL);
    }
}

void ToolProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_done)
        return;
    m_done = true;
    onOutput();
    // What the command left running in its group ends with it.
    signalGroup(SIGKILL);
    m_group = 0;
    if (m_failure)
        return Q_EMIT finished(*m_failure);
    if (status == QProcess::CrashExit)
        return Q_EMIT finished(Error { ErrorCode::Internal, QStringLiteral("the tool was ended by a signal") });
    Q_EMIT finished(ToolResult { exitCode, m_output, exitCode == 0 });
}

void ToolProcess::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || m_done)
        return;
    m_done = true;
    Q_EMIT finished(Error { ErrorCode::Internal, QStringLiteral("the tool did not start: %1").arg(m_process.errorString()) });
}

void killProcessGroup(qint64 group)
{
    if (group > 0)
        ::kill(-pid_t(group), SIGKILL);
}

namespace {

struct HttpState {
    QByteArray output;
    qint64 outputMax = 0;
    bool overLimit = false;
    const std::atomic<bool> *cancel = nullptr;
};

size_t onHttpWrite(char *data, size_t size, size_t count, void *user)
{
    auto *state = static_cast<HttpState *>(user);
    const size_t bytes = size * count;
    if (state->output.size() + qint64(bytes) > state->outputMax) {
        state->overLimit = true;
        return 0; // curl ends the transfer with CURLE_WRITE_ERROR
    }
    state->output.append(data, qsizetype(bytes));
    return bytes;
}

int onHttpProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<HttpState *>(user)->cancel->load() ? 1 : 0;
}

} // namespace

Result<ToolResult> runHttpTool(const HttpToolRequest &request, const std::atomic<bool> &cancel)
{
    CURL *easy = curl_easy_init();
    if (!easy)
        return Error { ErrorCode::Internal, QStringLiteral("cannot make an HTTP handle") };
    HttpState state;
    state.outputMax = request.outputBytesMax;
    state.cancel = &cancel;
    curl_slist *headers = nullptr;
    for (const auto &[name, value] : request.headers)
        headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    const QByteArray method = request.method.toLatin1();
    curl_easy_setopt(easy, CURLOPT_URL, request.url.constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.constData());
    if (!request.body.isEmpty()) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, long(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.constData());
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(request.timeoutMs));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &onHttpWrite);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &onHttpProgress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &state);
    const CURLcode code = curl_easy_perform(easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
    if (state.overLimit)
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("the response is longer than the output limit of %1 bytes (output_max_bytes)").arg(request.outputBytesMax) };
    if (code == CURLE_OPERATION_TIMEDOUT)
        return Error { ErrorCode::Timeout, QStringLiteral("the request took longer than %1 ms (timeout_s)").arg(request.timeoutMs) };
    if (code != CURLE_OK)
        return Error { ErrorCode::Unavailable, QStringLiteral("the request failed: %1").arg(QString::fromUtf8(curl_easy_strerror(code))) };
    return ToolResult { int(status), state.output, status >= 200 && status < 300 };
}

} // namespace cabinet::orchestrator
