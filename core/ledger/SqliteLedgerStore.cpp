#include "ledger/SqliteLedgerStore.h"

#include "ledger/SqliteLedgerRows.h"
#include "store/Database.h"

namespace cabinet::ledger {

using namespace rows;

SqliteLedgerStore::SqliteLedgerStore(Database &db) : m_db(db) { }

QString SqliteLedgerStore::takeError()
{
    return std::exchange(m_error, QString());
}

void SqliteLedgerStore::record(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

void SqliteLedgerStore::exec(Statement &statement, const char *what)
{
    if (auto status = statement.exec(); !status)
        record(QStringLiteral("cannot %1: %2").arg(QLatin1StringView(what), status.error().message));
}

// --- loading the hot state --------------------------------------------------

Result<HotState> SqliteLedgerStore::loadHotState()
{
    HotState state;

    auto &accounts = m_db.statement(sql::SelectAccounts);
    for (;;) {
        auto row = accounts.step();
        if (!row) {
            accounts.reset();
            return Error { QStringLiteral("cannot load ledger accounts: ") + row.error().message };
        }
        if (!*row)
            break;
        const Account account = readAccount(accounts, 0);
        state.accountIdByTimestamp.emplace(account.timestamp, account.id);
        state.maxAccountTimestamp = std::max(state.maxAccountTimestamp, account.timestamp);
        state.accounts.emplace(account.id, account);
    }
    accounts.reset();

    auto &pending = m_db.statement(sql::SelectOpenPending);
    for (;;) {
        auto row = pending.step();
        if (!row) {
            pending.reset();
            return Error { QStringLiteral("cannot load pending transfers: ") + row.error().message };
        }
        if (!*row)
            break;
        const Transfer transfer = readTransfer(pending, 0);
        const u64 expiresAtNs = u64(pending.int64(TransferColumnCount));
        state.pending.emplace(transfer.id, PendingEntry { transfer, expiresAtNs });
        if (expiresAtNs != 0)
            state.expiries.insert(ExpiryKey { expiresAtNs, transfer.timestamp, transfer.id });
    }
    pending.reset();

    auto &orphans = m_db.statement("SELECT id FROM ledger_orphans");
    for (;;) {
        auto row = orphans.step();
        if (!row) {
            orphans.reset();
            return Error { QStringLiteral("cannot load failed transfer ids: ") + row.error().message };
        }
        if (!*row)
            break;
        state.orphans.insert(readU128(orphans, 0));
    }
    orphans.reset();

    auto &marks = m_db.statement("SELECT (SELECT value FROM ledger_meta WHERE key = 'last_timestamp'),"
                                 " (SELECT coalesce(max(timestamp), 0) FROM ledger_transfers),"
                                 " (SELECT coalesce(max(timestamp), 0) FROM ledger_expiries),"
                                 " (SELECT coalesce(max(epoch), -1) FROM ledger_epochs)");
    auto row = marks.step();
    if (!row || !*row) {
        const QString message = row ? QStringLiteral("no ledger_meta row") : row.error().message;
        marks.reset();
        return Error { QStringLiteral("cannot load the ledger's clock: ") + message };
    }
    const u64 lastTimestamp = u64(marks.int64(0));
    state.maxTransferTimestamp = u64(marks.int64(1));
    const u64 maxExpiryTimestamp = u64(marks.int64(2));
    const qint64 lastEpoch = marks.int64(3);
    marks.reset();
    state.lastTimestamp = std::max({ lastTimestamp, state.maxAccountTimestamp, state.maxTransferTimestamp, maxExpiryTimestamp });

    if (lastEpoch >= 0) {
        auto &count = m_db.statement("SELECT count(*) FROM ledger_transfers WHERE epoch = ?1");
        count.bind(1, lastEpoch);
        auto counted = count.step();
        if (!counted || !*counted) {
            count.reset();
            return Error { QStringLiteral("cannot count ledger transfers") };
        }
        state.transferCount = (u64(lastEpoch) << 16) + u64(count.int64(0));
        count.reset();
    }
    return state;
}

// --- a batch's reads ----------------------------------------------------------

std::optional<Transfer> SqliteLedgerStore::transfer(u128 id)
{
    auto &select = m_db.statement(sql::SelectTransferById);
    bindU128(select, 1, id);
    auto row = select.step();
    std::optional<Transfer> result;
    if (!row)
        record(QStringLiteral("cannot read a transfer: ") + row.error().message);
    else if (*row)
        result = readTransfer(select, 0);
    select.reset();
    return result;
}

PendingStatus SqliteLedgerStore::pendingStatus(u64 pendingTimestamp)
{
    auto &select = m_db.statement("SELECT status FROM ledger_pending WHERE timestamp = ?1");
    select.bind(1, qint64(pendingTimestamp));
    auto row = select.step();
    PendingStatus status = PendingStatus::None;
    if (!row)
        record(QStringLiteral("cannot read a pending transfer's status: ") + row.error().message);
    else if (*row)
        status = PendingStatus(select.int64(0));
    select.reset();
    return status;
}

bool SqliteLedgerStore::transferExistsAt(u64 timestamp)
{
    auto &select = m_db.statement("SELECT 1 FROM ledger_transfers WHERE timestamp = ?1");
    select.bind(1, qint64(timestamp));
    auto row = select.step();
    if (!row)
        record(QStringLiteral("cannot read a transfer: ") + row.error().message);
    const bool exists = row && *row;
    select.reset();
    return exists;
}

// --- a batch's writes ---------------------------------------------------------

void SqliteLedgerStore::insertAccount(const Account &a)
{
    auto &insert = m_db.statement(sql::InsertAccount);
    insert.bind(1, qint64(a.timestamp));
    bindU128(insert, 2, a.id);
    bindU128(insert, 3, a.debits_pending);
    bindU128(insert, 4, a.debits_posted);
    bindU128(insert, 5, a.credits_pending);
    bindU128(insert, 6, a.credits_posted);
    bindU128(insert, 7, a.user_data_128);
    insert.bind(8, qint64(a.user_data_64));
    insert.bind(9, qint64(a.user_data_32));
    insert.bind(10, qint64(a.reserved));
    insert.bind(11, qint64(a.ledger));
    insert.bind(12, qint64(a.code));
    insert.bind(13, qint64(a.flags));
    exec(insert, "store an account");
}

void SqliteLedgerStore::updateAccount(const Account &a)
{
    auto &update = m_db.statement(sql::UpdateAccount);
    update.bind(1, qint64(a.timestamp));
    bindU128(update, 2, a.debits_pending);
    bindU128(update, 3, a.debits_posted);
    bindU128(update, 4, a.credits_pending);
    bindU128(update, 5, a.credits_posted);
    update.bind(6, qint64(a.flags));
    exec(update, "update an account");
}

void SqliteLedgerStore::insertTransfer(const Transfer &t, u64 debitAccountTimestamp, u64 creditAccountTimestamp, u64 epoch)
{
    auto &insert = m_db.statement(sql::InsertTransfer);
    insert.bind(1, qint64(t.timestamp));
    bindU128(insert, 2, t.id);
    insert.bind(3, qint64(debitAccountTimestamp));
    insert.bind(4, qint64(creditAccountTimestamp));
    bindU128(insert, 5, t.amount);
    bindU128(insert, 6, t.pending_id);
    bindU128(insert, 7, t.user_data_128);
    insert.bind(8, qint64(t.user_data_64));
    insert.bind(9, qint64(t.user_data_32));
    insert.bind(10, qint64(t.timeout));
    insert.bind(11, qint64(t.ledger));
    insert.bind(12, qint64(t.code));
    insert.bind(13, qint64(t.flags));
    insert.bind(14, qint64(epoch));
    exec(insert, "store a transfer");
}

void SqliteLedgerStore::startEpoch(u64 epoch, u64 firstTimestamp)
{
    auto &insert = m_db.statement("INSERT INTO ledger_epochs(epoch, timestamp_first) VALUES (?1, ?2)");
    insert.bind(1, qint64(epoch)).bind(2, qint64(firstTimestamp));
    exec(insert, "start a transfer epoch");
}

void SqliteLedgerStore::setPendingStatus(u64 pendingTimestamp, PendingStatus status, u64 expiresAtNs)
{
    auto &upsert = m_db.statement("INSERT INTO ledger_pending(timestamp, status, expires_at) VALUES (?1, ?2, ?3)"
                                  " ON CONFLICT(timestamp) DO UPDATE SET status = excluded.status");
    upsert.bind(1, qint64(pendingTimestamp)).bind(2, qint64(status)).bind(3, qint64(expiresAtNs));
    exec(upsert, "store a pending transfer's status");
}

void SqliteLedgerStore::insertBalances(u64 timestamp, const Account *debit, const Account *credit)
{
    auto &insert = m_db.statement("INSERT INTO ledger_balances(timestamp, debit_balance, credit_balance) VALUES (?1, ?2, ?3)");
    insert.bind(1, qint64(timestamp));
    int column = 2;
    for (const Account *side : { debit, credit }) {
        if (side) {
            const BalanceBytes bytes = encodeBalance(*side);
            insert.bindBlob(column, bytes.data(), int(bytes.size()));
        } else {
            insert.bindNull(column);
        }
        ++column;
    }
    exec(insert, "store account history");
}

void SqliteLedgerStore::insertExpiry(u64 timestamp, u64 pendingTimestamp)
{
    auto &insert = m_db.statement("INSERT INTO ledger_expiries(timestamp, pending_timestamp) VALUES (?1, ?2)");
    insert.bind(1, qint64(timestamp)).bind(2, qint64(pendingTimestamp));
    exec(insert, "store an expiry");
}

void SqliteLedgerStore::insertOrphan(u128 id)
{
    auto &insert = m_db.statement("INSERT INTO ledger_orphans(id) VALUES (?1)");
    bindU128(insert, 1, id);
    exec(insert, "remember a failed transfer id");
}

void SqliteLedgerStore::setLastTimestamp(u64 timestamp)
{
    auto &update = m_db.statement("UPDATE ledger_meta SET value = ?1 WHERE key = 'last_timestamp'");
    update.bind(1, qint64(timestamp));
    exec(update, "store the ledger's clock");
}

void SqliteLedgerStore::beginChain()
{
    exec(m_db.statement("SAVEPOINT ledger_chain"), "open a linked chain");
}

void SqliteLedgerStore::releaseChain()
{
    exec(m_db.statement("RELEASE ledger_chain"), "close a linked chain");
}

void SqliteLedgerStore::rollbackChain()
{
    exec(m_db.statement("ROLLBACK TO ledger_chain"), "roll back a linked chain");
    exec(m_db.statement("RELEASE ledger_chain"), "close a linked chain");
}

} // namespace cabinet::ledger
