#include "ledger/SqliteLedgerStore.h"

#include "ledger/SqliteLedgerRows.h"
#include "store/Database.h"

#include <sqlite3.h>

namespace cabinet::ledger {

using namespace rows;

SqliteLedgerStore::SqliteLedgerStore(Database &db) : m_db(db) { }

QString SqliteLedgerStore::takeError()
{
    return std::exchange(m_error, QString());
}

Statement &SqliteLedgerStore::hot(Hot which)
{
    static const char *const sqlOf[HotCount] = {
        sql::SelectTransferById,
        sql::SelectTransferAt,
        sql::InsertTransfer,
        sql::UpdateAccountState,
        sql::upsertAccountStates(),
        sql::appendPostings(1),
        sql::appendPostings(sql::PostingRowsPerUpsert),
        "INSERT INTO ledger_pending(timestamp, status, expires_at) VALUES (?1, ?2, ?3)"
        " ON CONFLICT(timestamp) DO UPDATE SET status = excluded.status",
        "INSERT INTO ledger_balances(timestamp, debit_balance, credit_balance) VALUES (?1, ?2, ?3)",
    };
    // Database keeps its statements for its lifetime, at stable addresses.
    if (!m_hot[which])
        m_hot[which] = &m_db.statement(sqlOf[which]);
    m_hot[which]->reset(); // as Database::statement() hands them out
    return *m_hot[which];
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

    auto &accounts = m_db.statement(sql::AccountSelect);
    for (;;) {
        auto row = accounts.step();
        if (!row) {
            accounts.reset();
            return Error { ErrorCode::DataLoss, QStringLiteral("cannot load ledger accounts: ") + row.error().message };
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
            return Error { ErrorCode::DataLoss, QStringLiteral("cannot load pending transfers: ") + row.error().message };
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
            return Error { ErrorCode::DataLoss, QStringLiteral("cannot load failed transfer ids: ") + row.error().message };
        }
        if (!*row)
            break;
        state.orphans.insert(readU128(orphans, 0));
    }
    orphans.reset();

    auto &marks = m_db.statement("SELECT (SELECT value FROM ledger_meta WHERE key = 'last_timestamp'),"
                                 " (SELECT coalesce(max(timestamp), 0) FROM ledger_transfers),"
                                 " (SELECT coalesce(max(timestamp), 0) FROM ledger_expiries),"
                                 " (SELECT value FROM ledger_meta WHERE key = 'transfer_count')");
    auto row = marks.step();
    if (!row || !*row) {
        const QString message = row ? QStringLiteral("no ledger_meta row") : row.error().message;
        marks.reset();
        return Error { ErrorCode::DataLoss, QStringLiteral("cannot load the ledger's clock: ") + message };
    }
    const u64 lastTimestamp = u64(marks.int64(0));
    state.maxTransferTimestamp = u64(marks.int64(1));
    const u64 maxExpiryTimestamp = u64(marks.int64(2));
    state.transferCount = u64(marks.int64(3));
    marks.reset();
    state.lastTimestamp = std::max({ lastTimestamp, state.maxAccountTimestamp, state.maxTransferTimestamp, maxExpiryTimestamp });
    return state;
}

// --- a batch's reads ----------------------------------------------------------

std::optional<Transfer> SqliteLedgerStore::transfer(u128 id)
{
    auto &select = hot(SelectTransfer);
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

namespace {

// Binds bytes that outlive the statement's step: no copy (SQLITE_STATIC).
void bindStatic(Statement &statement, int index, const void *data, int size)
{
    sqlite3_bind_blob(statement.handle(), index, data, size, SQLITE_STATIC);
}

} // namespace

void SqliteLedgerStore::insertAccount(const Account &a)
{
    auto &insert = m_db.statement(sql::InsertAccount);
    insert.bind(1, qint64(a.timestamp));
    bindU128(insert, 2, a.id);
    bindU128(insert, 3, a.user_data_128);
    insert.bind(4, qint64(a.user_data_64));
    insert.bind(5, qint64(a.user_data_32));
    insert.bind(6, qint64(a.reserved));
    insert.bind(7, qint64(a.ledger));
    insert.bind(8, qint64(a.code));
    insert.bind(9, qint64(a.flags));
    exec(insert, "store an account");
    auto &state = m_db.statement(sql::InsertAccountState);
    const BalanceBytes balances = encodeBalance(a);
    state.bind(1, qint64(a.timestamp));
    state.bindBlob(2, balances.data(), int(balances.size()));
    state.bind(3, qint64(a.flags));
    exec(state, "store an account");
}

void SqliteLedgerStore::updateAccounts(std::span<const Account *const> accounts)
{
    std::vector<BalanceBytes> balances(std::min<size_t>(accounts.size(), sql::AccountsPerUpsert));
    while (!accounts.empty()) {
        const bool whole = accounts.size() >= size_t(sql::AccountsPerUpsert);
        const size_t count = whole ? size_t(sql::AccountsPerUpsert) : 1;
        auto &statement = hot(whole ? UpdateAccounts : UpdateAccount);
        for (size_t i = 0; i < count; ++i) {
            const Account &a = *accounts[i];
            balances[i] = encodeBalance(a);
            const int first = whole ? int(3 * i) + 1 : 1;
            statement.bind(first, qint64(a.timestamp));
            bindStatic(statement, first + 1, balances[i].data(), int(balances[i].size()));
            statement.bind(first + 2, qint64(a.flags));
        }
        exec(statement, "update accounts");
        accounts = accounts.subspan(count);
    }
}

bool SqliteLedgerStore::insertTransfer(const Transfer &t, u64 debitAccountTimestamp, u64 creditAccountTimestamp, u64 epoch)
{
    auto &insert = hot(InsertTransfer);
    const U128Bytes id = toBigEndian(t.id);
    const U128Bytes amount = toBigEndian(t.amount);
    const U128Bytes pendingId = toBigEndian(t.pending_id);
    const U128Bytes userData128 = toBigEndian(t.user_data_128);
    auto bindValue = [&](int index, u128 value, const U128Bytes &bytes) {
        if (value == 0)
            insert.bindNull(index); // as rows::bindU128 does
        else
            bindStatic(insert, index, bytes.data(), 16);
    };
    insert.bind(1, qint64(t.timestamp));
    bindStatic(insert, 2, id.data(), 16);
    insert.bind(3, qint64(debitAccountTimestamp));
    insert.bind(4, qint64(creditAccountTimestamp));
    bindValue(5, t.amount, amount);
    bindValue(6, t.pending_id, pendingId);
    bindValue(7, t.user_data_128, userData128);
    insert.bind(8, qint64(t.user_data_64));
    insert.bind(9, qint64(t.user_data_32));
    insert.bind(10, qint64(t.timeout));
    insert.bind(11, qint64(t.ledger));
    insert.bind(12, qint64(t.code));
    insert.bind(13, qint64(t.flags));
    insert.bind(14, qint64(epoch));
    // The unique index on id answers "does it exist?" as part of the insert.
    const int rc = sqlite3_step(insert.handle());
    // (Database turns extended result codes on; the check works either way.)
    const bool duplicate = (rc & 0xFF) == SQLITE_CONSTRAINT && sqlite3_extended_errcode(m_db.handle()) == SQLITE_CONSTRAINT_UNIQUE;
    if (rc != SQLITE_DONE && !duplicate)
        record(QStringLiteral("cannot store a transfer: ") + m_db.lastError());
    sqlite3_reset(insert.handle()); // before the bound bytes go out of scope; every parameter is bound anew
    return rc == SQLITE_DONE;
}

void SqliteLedgerStore::startEpoch(u64 epoch, u64 firstTimestamp)
{
    auto &insert = m_db.statement("INSERT INTO ledger_epochs(epoch, timestamp_first) VALUES (?1, ?2)");
    insert.bind(1, qint64(epoch)).bind(2, qint64(firstTimestamp));
    exec(insert, "start a transfer epoch");
}

void SqliteLedgerStore::setPendingStatus(u64 pendingTimestamp, PendingStatus status, u64 expiresAtNs)
{
    auto &upsert = hot(UpsertPending);
    upsert.bind(1, qint64(pendingTimestamp)).bind(2, qint64(status)).bind(3, qint64(expiresAtNs));
    exec(upsert, "store a pending transfer's status");
}

void SqliteLedgerStore::insertBalances(u64 timestamp, const Account *debit, const Account *credit)
{
    auto &insert = hot(InsertBalances);
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

void SqliteLedgerStore::setMarks(u64 lastTimestamp, u64 transferCount)
{
    auto &update = m_db.statement("UPDATE ledger_meta SET value = CASE key WHEN 'last_timestamp' THEN ?1 ELSE ?2 END"
                                  " WHERE key IN ('last_timestamp', 'transfer_count')");
    update.bind(1, qint64(lastTimestamp)).bind(2, qint64(transferCount));
    exec(update, "store the ledger's clock");
}

void SqliteLedgerStore::appendPostings(std::span<const Posting> postings)
{
    // One row per (epoch, account): its new debit and credit timestamps.
    struct Row {
        u64 epoch = 0;
        u64 account = 0;
        std::vector<quint8> debits, credits;
    };
    std::vector<Row> rows;
    for (const Posting &posting : postings) {
        if (rows.empty() || rows.back().epoch != posting.epoch || rows.back().account != posting.account)
            rows.push_back(Row { posting.epoch, posting.account, {}, {} });
        auto &list = posting.credit ? rows.back().credits : rows.back().debits;
        for (int shift = 56; shift >= 0; shift -= 8)
            list.push_back(quint8(posting.timestamp >> shift));
    }
    std::span<const Row> left(rows);
    while (!left.empty()) {
        const bool whole = left.size() >= size_t(sql::PostingRowsPerUpsert);
        const size_t count = whole ? size_t(sql::PostingRowsPerUpsert) : 1;
        auto &statement = hot(whole ? AppendPostings : AppendPosting);
        for (size_t i = 0; i < count; ++i) {
            const Row &row = left[i];
            const int first = int(4 * i) + 1;
            statement.bind(first, qint64(row.epoch));
            statement.bind(first + 1, qint64(row.account));
            // An empty list must be a zero-length blob, not NULL (NOT NULL columns).
            static const quint8 none = 0;
            bindStatic(statement, first + 2, row.debits.empty() ? &none : row.debits.data(), int(row.debits.size()));
            bindStatic(statement, first + 3, row.credits.empty() ? &none : row.credits.data(), int(row.credits.size()));
        }
        exec(statement, "store the accounts' transfer lists");
        left = left.subspan(count);
    }
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
