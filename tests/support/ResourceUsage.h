#pragma once

// CPU time and peak memory, from getrusage: for guards against blow-ups in
// tests of limits (an input past a limit must be refused before it costs
// seconds or gigabytes), bounded generously, never as a timing test.
//
//   const Usage before = Usage::self();
//   ... work ...
//   const Usage spent = Usage::self() - before;  // cpuSeconds: spent; peakMiB: the peak so far
//
// For the real binary, runMeasured() below gives one run's own figures
// (wait4). Usage::children() is every child this process has waited for,
// CPU summed, the peak of the largest: a high-water mark, not a difference.
#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace cabinet::test {

// AddressSanitizer (the sanitizer pass, HACKING.md) adds its shadow memory,
// redzones and a 256 MB quarantine of freed blocks to a process's peak, and
// slows instrumented code several times: a bound meant for a normal build is
// scaled with these there, so that it still catches a blow-up and nothing else.
#if defined(__SANITIZE_ADDRESS__)
constexpr double boundMiB(double mib) { return 2 * mib + 256; }
constexpr double boundCpuSeconds(double seconds) { return 5 * seconds; }
#else
constexpr double boundMiB(double mib) { return mib; }
constexpr double boundCpuSeconds(double seconds) { return seconds; }
#endif

struct Usage {
    double cpuSeconds = 0;
    double peakMiB = 0;

    static Usage of(int who)
    {
        rusage usage {};
        getrusage(who, &usage);
        auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
        // Linux reports ru_maxrss in KiB.
        return Usage { seconds(usage.ru_utime) + seconds(usage.ru_stime), double(usage.ru_maxrss) / 1024.0 };
    }
    static Usage self() { return of(RUSAGE_SELF); }
    static Usage children() { return of(RUSAGE_CHILDREN); }

    // CPU spent since `before`; the peak stays the later one's.
    Usage operator-(const Usage &before) const { return Usage { cpuSeconds - before.cpuSeconds, peakMiB }; }
};

// One run of a program with what it cost on its own. CPU time is wait4()'s
// rusage of that child. Its peak memory is VmHWM in /proc/PID/status, read
// every 2 ms while it runs: ru_maxrss will not do, as the kernel keeps in it
// the high-water mark from before exec, when the forked child was a copy of
// this test process and its input buffers. A sampled high-water mark misses
// at most the last 2 ms of growth, far less than any blow-up takes.
struct MeasuredRun {
    int exitCode = -1; // -1: killed by a signal, or timed out
    QByteArray out;
    QByteArray err;
    Usage usage;
    bool timedOut = false;
};

inline MeasuredRun runMeasured(
    const QString &program, const QStringList &args, const QByteArray &input = {}, int timeoutMs = 120000)
{
    MeasuredRun run;
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        return run;
    std::vector<QByteArray> argv { QFile::encodeName(program) };
    for (const QString &arg : args)
        argv.push_back(arg.toLocal8Bit());
    std::vector<char *> pointers;
    for (QByteArray &arg : argv)
        pointers.push_back(arg.data());
    pointers.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execv(pointers[0], pointers.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    // The child may stop reading early (it refuses input past a limit):
    // writing on then must fail, not kill this process.
    const auto previousPipe = ::signal(SIGPIPE, SIG_IGN);
    ::fcntl(in[1], F_SETFL, O_NONBLOCK);
    qsizetype written = 0;
    int writeFd = in[1];
    if (input.isEmpty()) {
        ::close(writeFd);
        writeFd = -1;
    }
    const QByteArray statusPath = "/proc/" + QByteArray::number(pid) + "/status";
    // The kernel's name of the process once exec has run (15 characters).
    const QByteArray execName = "Name:\t" + QFile::encodeName(program).split('/').last().left(15) + '\n';
    double peakMiB = 0;
    auto sample = [&] {
        QFile status(QString::fromLocal8Bit(statusPath));
        if (!status.open(QIODevice::ReadOnly))
            return;
        const QByteArray text = status.readAll();
        if (!text.startsWith(execName))
            return; // not exec'd yet: the figures are this process's copy
        const qsizetype at = text.indexOf("VmHWM:");
        if (at < 0)
            return;
        const QByteArray kib = text.mid(at + 6, text.indexOf('\n', at) - at - 6).trimmed().split(' ').first();
        peakMiB = std::max(peakMiB, kib.toDouble() / 1024.0);
    };
    QElapsedTimer clock;
    clock.start();
    int open = 2;
    while (open > 0) {
        sample();
        if (clock.elapsed() > timeoutMs) {
            ::kill(pid, SIGKILL);
            run.timedOut = true;
            break;
        }
        pollfd fds[3] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 }, { writeFd, POLLOUT, 0 } };
        if (::poll(fds, writeFd >= 0 ? 3 : 2, 2) < 0)
            continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buffer[65536];
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) {
                (i == 0 ? run.out : run.err).append(buffer, got);
            } else if (got == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                (i == 0 ? out[0] : err[0]) = -1;
                --open;
            }
        }
        if (writeFd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const ssize_t put = ::write(writeFd, input.constData() + written, size_t(input.size() - written));
            if (put > 0)
                written += put;
            if ((put < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
                ::close(writeFd);
                writeFd = -1;
            }
        }
    }
    for (int fd : { out[0], err[0], writeFd }) {
        if (fd >= 0)
            ::close(fd);
    }
    ::signal(SIGPIPE, previousPipe);
    int status = 0;
    rusage usage {};
    ::wait4(pid, &status, 0, &usage);
    if (WIFEXITED(status) && !run.timedOut)
        run.exitCode = WEXITSTATUS(status);
    auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    run.usage = Usage { seconds(usage.ru_utime) + seconds(usage.ru_stime), peakMiB };
    return run;
}

} // namespace cabinet::test
