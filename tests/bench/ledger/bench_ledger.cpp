// bench_ledger: the ledger's throughput, committed durably (SQLite WAL,
// synchronous=FULL), on one thread. Not run by ctest; figures go to
// docs/performance.md ("Ledger") and docs/ledger.md.
//
//   bench_ledger [--transfers N] [--accounts N] [--batch N] [--ids sequential|random]
//                [--pending PERCENT] [--dir DIR] [--window N]
//
// Creates the accounts, then N transfers in batches of --batch between random
// accounts, printing the rate per window of transfers and overall (wall
// clock and CPU), then lookups per second and query latencies on what was
// written. Every batch goes through Ledger (one event per batch, as in the
// product), in its own transaction with its fsyncs.
#include "Clock.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "ledger/Ledger.h"
#include "ledger/SqliteLedgerBackend.h"
#include "store/Database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace cabinet;
using namespace cabinet::ledger;

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

qint64 scalar(Database &db, const char *sql)
{
    auto &statement = db.statement(sql);
    auto row = statement.step();
    const qint64 value = (row && *row) ? statement.int64(0) : -1;
    statement.reset();
    return value;
}

QString text(Database &db, const char *sql)
{
    auto &statement = db.statement(sql);
    auto row = statement.step();
    const QString value = (row && *row) ? statement.text(0) : QString();
    statement.reset();
    return value;
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

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_ledger: %s\n", qPrintable(message));
    std::exit(1);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Ledger throughput, committed durably."));
    parser.addHelpOption();
    parser.addOptions({
            { QStringLiteral("transfers"), QStringLiteral("Transfers to create (default 1000000)."), QStringLiteral("n"), QStringLiteral("1000000") },
            { QStringLiteral("accounts"), QStringLiteral("Accounts (default 10000)."), QStringLiteral("n"), QStringLiteral("10000") },
            { QStringLiteral("batch"), QStringLiteral("Events per batch (default 8189)."), QStringLiteral("n"), QStringLiteral("8189") },
            { QStringLiteral("ids"), QStringLiteral("Transfer ids: sequential (time-ordered, like ULIDs; default) or random."),
              QStringLiteral("order"), QStringLiteral("sequential") },
            { QStringLiteral("pending"), QStringLiteral("Percent of transfers that are two-phase: pending, then posted in a later batch (default 0)."),
              QStringLiteral("percent"), QStringLiteral("0") },
            { QStringLiteral("dir"), QStringLiteral("Folder for the database (default: a temporary folder, removed after)."), QStringLiteral("dir") },
            { QStringLiteral("window"), QStringLiteral("Print the rate every this many transfers (default 1000000)."), QStringLiteral("n"),
              QStringLiteral("1000000") },
            { QStringLiteral("no-reads"), QStringLiteral("Skip the lookup and query measurements (for profiling the writes).") },
    });
    parser.process(app);
    const qint64 transferCount = parser.value(QStringLiteral("transfers")).toLongLong();
    const u32 accountCount = parser.value(QStringLiteral("accounts")).toUInt();
    const u32 batchSize = std::min<u32>(parser.value(QStringLiteral("batch")).toUInt(), BatchMax);
    const bool randomIds = parser.value(QStringLiteral("ids")) == QLatin1String("random");
    const int pendingPercent = parser.value(QStringLiteral("pending")).toInt();
    const qint64 window = std::max<qint64>(batchSize, parser.value(QStringLiteral("window")).toLongLong());
    if (transferCount <= 0 || accountCount < 2 || batchSize == 0)
        die(QStringLiteral("bad arguments"));

    QTemporaryDir temporary;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : temporary.path();
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(QStringLiteral("bench-ledger.db"));
    for (const char *suffix : { "", "-wal", "-shm" })
        QFile::remove(path + QLatin1StringView(suffix));

    auto opened = Database::open(path);
    if (!opened)
        die(opened.error().message);
    Database &db = **opened;
    SystemClock clock;
    EventBus events(db, clock);
    AuditLog audit(db, events, clock);
    Ledger ledger(std::make_unique<SqliteLedgerBackend>(db, clock), events, audit);

    std::printf("bench_ledger: %lld transfers in batches of %u over %u accounts, %s ids, %d%% two-phase\n",
                (long long)transferCount, batchSize, accountCount, randomIds ? "random" : "sequential", pendingPercent);

    // Accounts.
    std::vector<Account> accounts;
    for (u32 i = 0; i < accountCount; ++i) {
        Account a;
        a.id = 1 + i;
        a.ledger = 1;
        a.code = 1;
        accounts.push_back(a);
    }
    for (size_t from = 0; from < accounts.size(); from += BatchMax) {
        auto created = ledger.createAccounts(std::span(accounts).subspan(from, std::min<size_t>(BatchMax, accounts.size() - from)), cabinet::test::tester());
        if (!created)
            die(created.error().message);
    }

    // After the first batch: the ledger tunes the connection when it loads.
    std::printf("database %s: journal_mode=%s synchronous=%lld (2 = FULL) page_size=%lld cache_size=%lld wal_autocheckpoint=%lld\n",
                qPrintable(path), qPrintable(text(db, "PRAGMA journal_mode")), scalar(db, "PRAGMA synchronous"),
                scalar(db, "PRAGMA page_size"), scalar(db, "PRAGMA cache_size"), scalar(db, "PRAGMA wal_autocheckpoint"));

    // Transfers.
    std::mt19937_64 rng(42);
    const u128 idBase = u128(u64(clock.nowNs())) << 64; // time-ordered, like a ULID
    std::vector<u128> pendingToPost;
    std::vector<Transfer> batch;
    batch.reserve(batchSize);
    qint64 created = 0, failed = 0, submitted = 0, nextWindow = window;
    QElapsedTimer wall;
    wall.start();
    const double cpuStart = cpuSeconds();
    double windowWall = 0, windowCpu = cpuStart;
    qint64 windowStart = 0;
    std::vector<double> batchMs;
    while (submitted < transferCount) {
        batch.clear();
        // Posts of the previous batches' pending transfers come first.
        while (!pendingToPost.empty() && batch.size() < batchSize && submitted + qint64(batch.size()) < transferCount) {
            Transfer post;
            post.id = randomIds ? ((u128(rng()) << 64) | rng()) : idBase + u128(submitted + qint64(batch.size()) + 1);
            post.pending_id = pendingToPost.back();
            post.amount = AmountMax;
            post.flags = TransferFlag::PostPendingTransfer;
            pendingToPost.pop_back();
            batch.push_back(post);
        }
        while (batch.size() < batchSize && submitted + qint64(batch.size()) < transferCount) {
            Transfer t;
            const qint64 n = submitted + qint64(batch.size()) + 1;
            t.id = randomIds ? ((u128(rng()) << 64) | rng()) : idBase + u128(n);
            const u32 debit = u32(rng() % accountCount);
            u32 credit = u32(rng() % accountCount);
            if (credit == debit)
                credit = (credit + 1) % accountCount;
            t.debit_account_id = 1 + debit;
            t.credit_account_id = 1 + credit;
            t.amount = 1 + rng() % 1000;
            t.user_data_128 = 1 + u128(n / 4); // e.g. the task a cost belongs to
            t.ledger = 1;
            t.code = 1;
            if (int(rng() % 100) < pendingPercent) {
                t.flags = TransferFlag::Pending;
                t.timeout = 3600;
                pendingToPost.push_back(t.id);
            }
            batch.push_back(t);
        }
        QElapsedTimer one;
        one.start();
        auto results = ledger.createTransfers(batch, cabinet::test::tester());
        batchMs.push_back(double(one.nsecsElapsed()) / 1e6);
        if (!results)
            die(results.error().message);
        for (const auto &result : *results)
            (result.status == CreateTransferStatus::Created ? created : failed) += 1;
        submitted += qint64(batch.size());
        if (submitted >= nextWindow || submitted >= transferCount) {
            const double nowWall = double(wall.nsecsElapsed()) / 1e9;
            const double nowCpu = cpuSeconds();
            const double rate = double(submitted - windowStart) / (nowWall - windowWall);
            std::printf("  %10lld transfers stored: %9.0f transfers/s in the last window (CPU %.0f%% of one core)\n",
                        (long long)submitted, rate, 100.0 * (nowCpu - windowCpu) / (nowWall - windowWall));
            std::fflush(stdout);
            windowStart = submitted;
            windowWall = nowWall;
            windowCpu = nowCpu;
            nextWindow += window;
        }
    }
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds() - cpuStart;
    const Percentiles batchLatency = percentiles(batchMs);
    std::printf("createTransfers: %lld transfers (%lld created, %lld failed) in %.2f s: %.0f transfers/s wall, %.0f per CPU-second\n",
                (long long)submitted, (long long)created, (long long)failed, seconds, double(submitted) / seconds, double(submitted) / cpu);
    std::printf("  batch commit latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", batchLatency.p50, batchLatency.p99, batchLatency.max);
    if (failed != 0)
        die(QStringLiteral("%1 transfers failed; the benchmark expects all to be created").arg(failed));

    if (parser.isSet(QStringLiteral("no-reads")))
        return 0;

    // Lookups.
    std::vector<u128> ids(BatchMax);
    QElapsedTimer timer;
    qint64 found = 0;
    timer.start();
    for (int round = 0; round < 20; ++round) {
        for (u128 &id : ids)
            id = 1 + rng() % accountCount;
        found += qint64(ledger.lookupAccounts(ids)->size());
    }
    std::printf("lookupAccounts: %.0f accounts/s (batches of %u)\n", double(found) / (double(timer.nsecsElapsed()) / 1e9), BatchMax);
    found = 0;
    timer.restart();
    for (int round = 0; round < 20; ++round) {
        for (u128 &id : ids)
            id = randomIds ? u128(0) : idBase + 1 + u128(rng() % u64(submitted));
        found += qint64(ledger.lookupTransfers(ids)->size());
    }
    if (!randomIds)
        std::printf("lookupTransfers: %.0f transfers/s (batches of %u, random existing ids)\n",
                    double(found) / (double(timer.nsecsElapsed()) / 1e9), BatchMax);

    // Query latency: the newest 10 / 100 transfers of a random account, and a user_data_128 query.
    for (u32 limit : { 10u, 100u, 8189u }) {
        std::vector<double> samples;
        size_t rows = 0;
        for (int i = 0; i < (limit > 100 ? 50 : 500); ++i) {
            AccountFilter filter;
            filter.account_id = 1 + rng() % accountCount;
            filter.flags = AccountFilterFlag::Debits | AccountFilterFlag::Credits | AccountFilterFlag::Reversed;
            filter.limit = limit;
            timer.restart();
            auto result = ledger.getAccountTransfers(filter);
            samples.push_back(double(timer.nsecsElapsed()) / 1e6);
            rows += result ? result->size() : 0;
        }
        const Percentiles p = percentiles(samples);
        std::printf("getAccountTransfers (newest %u of an account, %zu rows on average): p50 %.3f ms, p99 %.3f ms\n", limit,
                    rows / samples.size(), p.p50, p.p99);
    }
    {
        std::vector<double> samples;
        for (int i = 0; i < 500; ++i) {
            QueryFilter filter;
            filter.user_data_128 = 1 + u128(rng() % u64(submitted / 4));
            filter.limit = 10;
            timer.restart();
            (void)ledger.queryTransfers(filter);
            samples.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
        const Percentiles p = percentiles(samples);
        std::printf("queryTransfers (user_data_128 =, limit 10): p50 %.3f ms, p99 %.3f ms\n", p.p50, p.p99);
    }
    std::printf("database size: %.0f MB (+ WAL %.0f MB)\n", double(QFileInfo(path).size()) / 1e6,
                double(QFileInfo(path + QStringLiteral("-wal")).size()) / 1e6);
    return 0;
}
