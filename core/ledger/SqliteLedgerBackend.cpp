#include "ledger/SqliteLedgerBackend.h"

#include "Assert.h"
#include "ledger/U128.h"
#include "store/Database.h"

#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcLedger, "cabinet.ledger")

namespace cabinet::ledger {

namespace {

Error tooManyEvents(size_t count)
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("a ledger batch holds at most %1 events, got %2").arg(BatchMax).arg(count) };
}

template <typename Results>
u32 createdCount(const Results &results)
{
    u32 count = 0;
    for (const auto &result : results)
        count += result.status == decltype(result.status)::Created ? 1 : 0;
    return count;
}

} // namespace

SqliteLedgerBackend::SqliteLedgerBackend(Database &db, const Clock &clock)
    : m_db(db), m_clock(clock), m_store(db), m_machine(m_store)
{
}

Status SqliteLedgerBackend::load()
{
    if (m_loaded)
        return {};
    auto state = m_store.loadHotState();
    if (!state)
        return state.error();
    // A batch touches the tail of the transfers table and of four indexes,
    // and every account it moves: SQLite's default 2 MB page cache makes it
    // re-read those pages from the OS on every batch; 64 MB (a ceiling, not
    // an allocation) keeps them. And a batch of 8189 transfers writes ~1,500
    // pages, so the default checkpoint every 1,000 pages copied them into
    // the database (and fsynced it) after every batch; every 8,192 pages
    // (a 32 MB WAL) the hot pages are copied once for several batches.
    // Both are settings of the connection, shared with the rest of Cabinet
    // (docs/performance.md, "Ledger").
    if (auto tuned = m_db.execScript(QStringLiteral("PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 8192;")); !tuned)
        qCWarning(lcLedger).noquote() << "cannot tune the page cache:" << tuned.error().message;
    qCInfo(lcLedger) << "ledger loaded:" << state->accounts.size() << "accounts," << state->pending.size()
                     << "pending transfers," << state->transferCount << "transfers";
    m_machine.reset(std::move(*state));
    m_loaded = true;
    return {};
}

template <typename Execute>
Status SqliteLedgerBackend::runBatch(BatchSummary::Kind kind, u32 eventCount, u64 batchTimestamp, Execute execute)
{
    CABINET_ASSERT_MSG(m_loaded && eventCount > 0, "loaded %d, %u events", int(m_loaded), eventCount);
    auto tx = m_db.begin();
    if (!tx)
        return Error { ErrorCode::Internal, QStringLiteral("the ledger batch was not applied: ") + tx.error().message };
    m_machine.beginBatch(batchTimestamp);
    // First of the commit callbacks: the batch is final in memory before
    // anyone hears of it (events are published by later callbacks).
    tx->onCommit([this] { m_machine.commitBatch(); });

    const u32 created = execute();
    std::vector<u128> touched = m_machine.finishBatchWrites();

    QString error = m_store.takeError();
    if (error.isEmpty() && m_commitHook) {
        const BatchSummary summary { kind, eventCount, created, batchTimestamp - eventCount + 1, batchTimestamp,
                                     std::move(touched) };
        if (auto hooked = m_commitHook(*tx, summary); !hooked)
            error = hooked.error().message;
    }
    if (error.isEmpty()) {
        if (auto committed = tx->commit(); !committed)
            error = committed.error().message;
    }
    if (!error.isEmpty()) {
        tx->rollback();
        m_machine.abortBatch();
        qCWarning(lcLedger).noquote() << "batch rolled back:" << error;
        return Error { ErrorCode::Internal, QStringLiteral("the ledger batch was not applied: ") + error };
    }
    CABINET_ASSERT(!m_machine.batchOpen());
    return {};
}

template <typename Result_, typename Event, typename Apply>
Result<std::vector<Result_>> SqliteLedgerBackend::createBatch(BatchSummary::Kind kind, std::span<const Event> events, Apply apply)
{
    if (events.size() > BatchMax)
        return tooManyEvents(events.size());
    std::vector<Result_> results;
    if (events.empty())
        return results;
    if (auto loaded = load(); !loaded)
        return loaded.error();
    const u32 count = u32(events.size());
    const u64 timestamp = m_machine.batchTimestamp(u64(std::max<qint64>(m_clock.nowNs(), 0)), count);
    auto status = runBatch(kind, count, timestamp, [&] {
        results = apply(events);
        return createdCount(results);
    });
    if (!status)
        return status.error();
    return results;
}

Result<std::vector<CreateAccountResult>> SqliteLedgerBackend::createAccounts(std::span<const Account> events)
{
    return createBatch<CreateAccountResult>(BatchSummary::Kind::Accounts, events,
                                            [this](std::span<const Account> e) { return m_machine.createAccounts(e); });
}

Result<std::vector<CreateTransferResult>> SqliteLedgerBackend::createTransfers(std::span<const Transfer> events)
{
    return createBatch<CreateTransferResult>(BatchSummary::Kind::Transfers, events,
                                             [this](std::span<const Transfer> e) { return m_machine.createTransfers(e); });
}

Result<ExpiryResult> SqliteLedgerBackend::expirePending()
{
    if (auto loaded = load(); !loaded)
        return loaded.error();
    const u64 nowNs = u64(std::max<qint64>(m_clock.nowNs(), 0));
    const std::vector<ExpiryKey> due = m_machine.dueExpiries(nowNs, BatchMax);
    if (due.empty())
        return ExpiryResult {};
    const u32 count = u32(due.size());
    // Every expiry's timestamp is at or after the moment it fell due: the
    // first slot is no earlier than now.
    const u64 timestamp = m_machine.batchTimestamp(nowNs + count - 1, count);
    auto status = runBatch(BatchSummary::Kind::Expiry, count, timestamp, [&] { return m_machine.expire(due); });
    if (!status)
        return status.error();
    return ExpiryResult { count, timestamp - count + 1, timestamp };
}

Result<u64> SqliteLedgerBackend::nextExpiryNs()
{
    if (auto loaded = load(); !loaded)
        return loaded.error();
    const auto &expiries = m_machine.state().expiries;
    return expiries.empty() ? u64(0) : expiries.begin()->expiresAtNs;
}

Result<OpenPendingTransfers> SqliteLedgerBackend::openPendingTransfers(u32 limit)
{
    if (auto loaded = load(); !loaded)
        return loaded.error();
    const HotState &state = m_machine.state();
    OpenPendingTransfers reply;
    reply.total = state.pending.size();
    const std::size_t wanted = std::min<std::size_t>(std::min(limit, BatchMax), state.pending.size());
    reply.transfers.reserve(wanted);
    // Those with a timeout come first, and the sweep's own index already
    // holds them in expiry order: a reply costs what it returns.
    for (auto it = state.expiries.begin(); it != state.expiries.end() && reply.transfers.size() < wanted; ++it)
        reply.transfers.push_back(OpenPendingTransfer { state.pending.at(it->id).transfer, it->expiresAtNs });
    if (reply.transfers.size() == wanted)
        return reply;

    // Those that never expire have no index (nothing else needs one), so
    // only a reply that gets past every expiring one walks them all.
    std::vector<const Transfer *> never;
    never.reserve(state.pending.size() - state.expiries.size());
    for (const auto &[id, entry] : state.pending) {
        if (entry.expiresAtNs == 0)
            never.push_back(&entry.transfer);
    }
    const auto take = std::ptrdiff_t(std::min(wanted - reply.transfers.size(), never.size()));
    std::partial_sort(never.begin(), never.begin() + take, never.end(),
                      [](const Transfer *a, const Transfer *b) { return a->timestamp < b->timestamp; });
    for (auto it = never.begin(); it != never.begin() + take; ++it)
        reply.transfers.push_back(OpenPendingTransfer { **it, 0 });
    return reply;
}

Result<std::vector<Account>> SqliteLedgerBackend::lookupAccounts(std::span<const u128> ids)
{
    return m_store.lookupAccounts(ids);
}

Result<std::vector<Transfer>> SqliteLedgerBackend::lookupTransfers(std::span<const u128> ids)
{
    return m_store.lookupTransfers(ids);
}

Result<std::vector<Transfer>> SqliteLedgerBackend::getAccountTransfers(const AccountFilter &filter)
{
    return m_store.accountTransfers(filter);
}

Result<std::vector<AccountBalance>> SqliteLedgerBackend::getAccountBalances(const AccountFilter &filter)
{
    return m_store.accountBalances(filter);
}

Result<std::vector<Account>> SqliteLedgerBackend::queryAccounts(const QueryFilter &filter)
{
    return m_store.queryAccounts(filter);
}

Result<std::vector<Transfer>> SqliteLedgerBackend::queryTransfers(const QueryFilter &filter)
{
    return m_store.queryTransfers(filter);
}

Result<std::vector<JournalRecord>> SqliteLedgerBackend::journal(u64 afterTimestamp, u32 limit)
{
    return m_store.journal(afterTimestamp, limit);
}

Status SqliteLedgerBackend::verifyHotState()
{
    if (auto loaded = load(); !loaded)
        return loaded.error();
    auto fresh = m_store.loadHotState();
    if (!fresh)
        return fresh.error();
    const HotState &memory = m_machine.state();
    auto differs = [](const QString &what) { return Error { ErrorCode::Internal, QStringLiteral("memory and database differ: ") + what }; };

    if (memory.accounts.size() != fresh->accounts.size())
        return differs(QStringLiteral("%1 accounts in memory, %2 stored").arg(memory.accounts.size()).arg(fresh->accounts.size()));
    for (const auto &[id, account] : memory.accounts) {
        auto it = fresh->accounts.find(id);
        if (it == fresh->accounts.end())
            return differs(QStringLiteral("account %1 is not stored").arg(toDecimal(id)));
        if (!(it->second == account))
            return differs(QStringLiteral("account %1 has other balances or flags").arg(toDecimal(id)));
    }
    if (memory.pending != fresh->pending || memory.expiries != fresh->expiries)
        return differs(QStringLiteral("%1 pending transfers in memory, %2 stored (or they differ)")
                               .arg(memory.pending.size())
                               .arg(fresh->pending.size()));
    if (memory.orphans != fresh->orphans)
        return differs(QStringLiteral("failed transfer ids"));
    if (memory.accountIdByTimestamp != fresh->accountIdByTimestamp)
        return differs(QStringLiteral("account timestamps"));
    if (memory.lastTimestamp != fresh->lastTimestamp || memory.maxAccountTimestamp != fresh->maxAccountTimestamp
        || memory.maxTransferTimestamp != fresh->maxTransferTimestamp || memory.transferCount != fresh->transferCount)
        return differs(QStringLiteral("clock marks (last %1/%2, transfers %3/%4)")
                               .arg(memory.lastTimestamp)
                               .arg(fresh->lastTimestamp)
                               .arg(memory.transferCount)
                               .arg(fresh->transferCount));
    CABINET_ASSERT(memory == *fresh); // the checks above name every field HotState compares
    return {};
}

} // namespace cabinet::ledger
