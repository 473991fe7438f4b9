// bench_approvals: the approval gates at 10,000 pending requests, every
// change durable (SQLite WAL, synchronous=FULL: an fsync per commit). Not
// run by ctest; figures go to docs/performance.md ("Approvals").
//
//   bench_approvals [--pending N] [--decisions N] [--dir DIR]
//
// Prints the disk's fsync time first (the floor under every commit), then:
// - one decision's commit (approvals.decide's work: the vote, the state,
//   the approval.decided event and the audit entry in one transaction),
//   timed per call with N requests pending;
// - the Approvals panel's fill: the pending list read from the store (on
//   the core's thread), the rows made and sorted (ApprovalRows, on the
//   core's thread too) and merged into an empty ApprovalListModel (the GUI
//   thread's only share).
#include "Clock.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "gui/ApprovalListModel.h"
#include "gui/ApprovalRows.h"
#include "store/Database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace cabinet;
using namespace cabinet::approvals;

namespace {

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_approvals: %s\n", qPrintable(message));
    std::exit(1);
}

struct Percentiles {
    double p50 = 0, p99 = 0, max = 0;
};

Percentiles percentiles(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    if (samples.empty())
        return {};
    auto at = [&](double q) { return samples[std::min(samples.size() - 1, size_t(q * double(samples.size())))]; };
    return { at(0.50), at(0.99), samples.back() };
}

double microsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

// What one commit costs the disk here: write 4 KiB at the end of a file
// and fdatasync it, as a WAL commit does.
Percentiles fsyncMicros(const QString &dir, int rounds)
{
    const QByteArray path = QDir(dir).filePath(QStringLiteral("fsync-probe")).toLocal8Bit();
    const int fd = ::open(path.constData(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0)
        die(QStringLiteral("cannot create %1").arg(QString::fromLocal8Bit(path)));
    std::vector<double> samples;
    char block[4096] = {};
    for (int i = 0; i < rounds; ++i) {
        const auto start = std::chrono::steady_clock::now();
        if (::write(fd, block, sizeof block) != sizeof block || ::fdatasync(fd) != 0)
            die(QStringLiteral("fsync probe failed"));
        samples.push_back(microsSince(start));
    }
    ::close(fd);
    ::unlink(path.constData());
    return percentiles(samples);
}

// A production deploy as a gate asks for it, with a cost and a command.
NewApproval deployRequest(int n)
{
    NewApproval asked;
    asked.action.kind = ActionKind::Deploy;
    asked.action.agent = QStringLiteral("forge");
    asked.action.environment = QStringLiteral("production");
    asked.action.target = QStringLiteral("./deploy.sh");
    asked.node = QStringLiteral("gate");
    asked.evidence = QStringLiteral(R"({"cost_micros":%1,"command":"./deploy.sh --tag v%2"})").arg(1'000'000 + n).arg(n).toUtf8();
    return asked;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Approval decisions and the Approvals panel's fill, every change durable."));
    parser.addHelpOption();
    parser.addOptions({
            { QStringLiteral("pending"), QStringLiteral("Requests pending while deciding."), QStringLiteral("N"), QStringLiteral("10000") },
            { QStringLiteral("decisions"), QStringLiteral("Decisions timed."), QStringLiteral("N"), QStringLiteral("1000") },
            { QStringLiteral("dir"), QStringLiteral("Folder for the database (default: a temporary one)."), QStringLiteral("DIR") },
    });
    parser.process(app);
    const int pendingCount = std::clamp(parser.value(QStringLiteral("pending")).toInt(), 1, int(PendingMax) - 1);
    const int decisions = std::clamp(parser.value(QStringLiteral("decisions")).toInt(), 1, int(PendingMax) - pendingCount);

    QTemporaryDir temporary;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : temporary.path();
    QDir().mkpath(dir);
    const Percentiles fsync = fsyncMicros(dir, 300);
    std::printf("disk: 4 KiB write + fdatasync p50 %.0f us, p99 %.0f us, max %.0f us (%s)\n", fsync.p50, fsync.p99, fsync.max, qPrintable(dir));

    auto opened = Database::open(QDir(dir).filePath(QStringLiteral("bench.db")));
    if (!opened)
        die(opened.error().message);
    Database &db = **opened;
    SystemClock clock;
    EventBus events(db, clock);
    AuditLog audit(db, events, clock);
    ApprovalService service(db, events, audit, clock, {});
    const Actor forge = Actor::agent(QStringLiteral("forge"));
    const Actor alice = Actor::person(QStringLiteral("alice"));

    // The requests to decide, then the ones that stay pending: deciding the
    // first leaves `pending` waiting throughout the last decision.
    std::vector<QString> toDecide;
    for (int i = 0; i < pendingCount + decisions; ++i) {
        auto made = service.request(deployRequest(i), forge);
        if (!made)
            die(made.error().message);
        if (i < decisions)
            toDecide.push_back(made->id);
    }

    std::vector<double> decideMicros;
    for (const QString &id : toDecide) {
        Decision decision;
        decision.ids = { id };
        decision.approve = decideMicros.size() % 2 == 0;
        decision.operatorName = alice.id();
        decision.reason = QStringLiteral("benchmark");
        const auto start = std::chrono::steady_clock::now();
        auto decided = service.decide(decision, alice);
        decideMicros.push_back(microsSince(start));
        if (!decided)
            die(decided.error().message);
    }
    const Percentiles decide = percentiles(decideMicros);
    std::printf("decision commit (vote, state, event, audit; durable), %d pending: p50 %.0f us, p99 %.0f us, max %.0f us over %d\n",
                pendingCount, decide.p50, decide.p99, decide.max, decisions);

    // The panel's fill, a few times over.
    std::vector<double> readMicros, rowsMicros, mergeMicros;
    for (int round = 0; round < 5; ++round) {
        auto start = std::chrono::steady_clock::now();
        std::vector<ApprovalRequest> requests;
        QString after;
        do {
            auto page = service.list(ApprovalFilter::Pending, after, ListLimitMax);
            if (!page)
                die(page.error().message);
            std::move(page->requests.begin(), page->requests.end(), std::back_inserter(requests));
            after = page->next;
        } while (!after.isEmpty());
        readMicros.push_back(microsSince(start));
        if (int(requests.size()) != pendingCount)
            die(QStringLiteral("read %1 pending requests, expected %2").arg(requests.size()).arg(pendingCount));
        // Reversed first: the sort must do its work, not meet sorted input.
        std::reverse(requests.begin(), requests.end());
        start = std::chrono::steady_clock::now();
        std::vector<gui::ApprovalRow> rows = gui::approvalRows(requests, gui::ApprovalOrder::ByDeadline);
        rowsMicros.push_back(microsSince(start));
        gui::ApprovalListModel model;
        start = std::chrono::steady_clock::now();
        model.merge(std::move(rows));
        mergeMicros.push_back(microsSince(start));
        if (model.rowCount() != pendingCount)
            die(QStringLiteral("the model holds %1 rows").arg(model.rowCount()));
    }
    const Percentiles read = percentiles(readMicros), made = percentiles(rowsMicros), merged = percentiles(mergeMicros);
    std::printf("panel fill, %d pending: store read p50 %.1f ms (max %.1f); rows made and sorted p50 %.1f ms (max %.1f); "
                "merged into the model (GUI thread) p50 %.1f ms (max %.1f); 5 rounds\n",
                pendingCount, read.p50 / 1000, read.max / 1000, made.p50 / 1000, made.max / 1000, merged.p50 / 1000, merged.max / 1000);
    return 0;
}
