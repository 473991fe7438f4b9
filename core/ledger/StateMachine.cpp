#include "ledger/StateMachine.h"

#include "Assert.h"
#include "ledger/U128.h"

#include <algorithm>

namespace cabinet::ledger {

using AS = CreateAccountStatus;
using TS = CreateTransferStatus;

void StateMachine::reset(HotState state)
{
    CABINET_ASSERT(!m_batchOpen);
    m_state = std::move(state);
}

u64 StateMachine::batchTimestamp(u64 nowNs, u32 eventCount) const
{
    const u64 timestamp = std::max(nowNs, m_state.lastTimestamp + eventCount);
    CABINET_ASSERT_MSG(timestamp > m_state.lastTimestamp || eventCount == 0, "timestamp %llu, last %llu, %u events",
                       timestamp, m_state.lastTimestamp, eventCount);
    CABINET_ASSERT_MSG(timestamp <= TimestampMax, "timestamp %llu", timestamp);
    return timestamp;
}

void StateMachine::beginBatch(u64 batchTimestamp)
{
    CABINET_ASSERT(!m_batchOpen);
    CABINET_ASSERT(m_accountUndo.empty() && m_pendingUndo.empty() && m_orphanUndo.empty());
    CABINET_ASSERT_MSG(batchTimestamp >= m_state.lastTimestamp, "batch timestamp %llu, last %llu", batchTimestamp,
                       m_state.lastTimestamp);
    m_batchOpen = true;
    m_batchMark = mark();
    m_batchTimestamp = batchTimestamp;
    m_state.lastTimestamp = batchTimestamp;
}

void StateMachine::commitBatch()
{
    CABINET_ASSERT(m_batchOpen);
    m_accountUndo.clear();
    m_pendingUndo.clear();
    m_orphanUndo.clear();
    m_postings.clear();
    m_batchOpen = false;
}

void StateMachine::abortBatch()
{
    CABINET_ASSERT(m_batchOpen);
    undoTo(m_batchMark);
    CABINET_ASSERT(m_accountUndo.empty() && m_pendingUndo.empty() && m_orphanUndo.empty() && m_postings.empty());
    m_batchOpen = false;
}

StateMachine::Mark StateMachine::mark() const
{
    return Mark { m_accountUndo.size(),   m_pendingUndo.size(),         m_orphanUndo.size(),
                  m_postings.size(),      m_state.lastTimestamp,        m_state.maxAccountTimestamp,
                  m_state.maxTransferTimestamp, m_state.transferCount };
}

void StateMachine::undoTo(const Mark &mark)
{
    while (m_accountUndo.size() > mark.accountUndo) {
        AccountUndo &undo = m_accountUndo.back();
        if (undo.prior) {
            *undo.slot = *undo.prior;
        } else {
            m_state.accountIdByTimestamp.erase(undo.slot->timestamp);
            m_state.accounts.erase(undo.slot->id); // invalidates undo.slot, which goes next
        }
        m_accountUndo.pop_back();
    }
    while (m_pendingUndo.size() > mark.pendingUndo) {
        auto &[id, prior] = m_pendingUndo.back();
        if (auto it = m_state.pending.find(id); it != m_state.pending.end()) {
            if (it->second.expiresAtNs != 0)
                m_state.expiries.erase(ExpiryKey { it->second.expiresAtNs, it->second.transfer.timestamp, id });
            m_state.pending.erase(it);
        }
        if (prior) {
            m_state.pending.emplace(id, *prior);
            if (prior->expiresAtNs != 0)
                m_state.expiries.insert(ExpiryKey { prior->expiresAtNs, prior->transfer.timestamp, id });
        }
        m_pendingUndo.pop_back();
    }
    while (m_orphanUndo.size() > mark.orphanUndo) {
        m_state.orphans.erase(m_orphanUndo.back());
        m_orphanUndo.pop_back();
    }
    CABINET_ASSERT_MSG(m_postings.size() >= mark.postings, "%zu postings, mark at %zu", m_postings.size(), mark.postings);
    m_postings.resize(mark.postings);
    m_state.lastTimestamp = mark.lastTimestamp;
    m_state.maxAccountTimestamp = mark.maxAccountTimestamp;
    m_state.maxTransferTimestamp = mark.maxTransferTimestamp;
    m_state.transferCount = mark.transferCount;
}

std::vector<u128> StateMachine::finishBatchWrites()
{
    CABINET_ASSERT(m_batchOpen);
    // Each changed account once, in id order, straight from its entry.
    std::vector<const Account *> changed;
    changed.reserve(m_accountUndo.size());
    for (const AccountUndo &entry : m_accountUndo)
        changed.push_back(entry.slot);
    std::sort(changed.begin(), changed.end(), [](const Account *a, const Account *b) { return a->id < b->id; });
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    std::vector<u128> touched;
    touched.reserve(changed.size());
    std::vector<const Account *> existing;
    existing.reserve(changed.size());
    for (const Account *account : changed) {
        touched.push_back(account->id);
        // Accounts created in this batch were inserted whole.
        if (account->timestamp <= m_batchMark.maxAccountTimestamp)
            existing.push_back(account);
    }
    m_storage.updateAccounts(existing);

    // Transfers were stored in timestamp order, so within one account the
    // order is already right: a stable sort by (epoch, account) keeps it.
    std::stable_sort(m_postings.begin(), m_postings.end(), [](const Posting &a, const Posting &b) {
        return a.epoch != b.epoch ? a.epoch < b.epoch : a.account < b.account;
    });
    m_storage.appendPostings(m_postings);
    m_storage.setMarks(m_state.lastTimestamp, m_state.transferCount);
    return touched;
}

// --- logged mutations -------------------------------------------------------

void StateMachine::addAccount(const Account &account)
{
    auto [it, inserted] = m_state.accounts.emplace(account.id, account);
    CABINET_ASSERT(inserted);
    m_state.accountIdByTimestamp.emplace(account.timestamp, account.id);
    m_accountUndo.push_back(AccountUndo { &it->second, std::nullopt });
}

void StateMachine::setAccount(Account &slot, const Account &value)
{
    CABINET_ASSERT(slot.id == value.id && slot.timestamp == value.timestamp);
    m_accountUndo.push_back(AccountUndo { &slot, slot });
    slot = value;
}

void StateMachine::addPending(const Transfer &transfer)
{
    CABINET_ASSERT(transfer.has(TransferFlag::Pending));
    CABINET_ASSERT(!m_state.pending.contains(transfer.id));
    const u64 expiresAtNs = transfer.timeout == 0 ? 0 : transfer.timestamp + transfer.timeoutNs();
    m_pendingUndo.emplace_back(transfer.id, std::nullopt);
    m_state.pending.emplace(transfer.id, PendingEntry { transfer, expiresAtNs });
    if (expiresAtNs != 0)
        m_state.expiries.insert(ExpiryKey { expiresAtNs, transfer.timestamp, transfer.id });
    m_storage.setPendingStatus(transfer.timestamp, PendingStatus::Pending, expiresAtNs);
}

void StateMachine::removePending(u128 id)
{
    auto it = m_state.pending.find(id);
    CABINET_ASSERT(it != m_state.pending.end());
    m_pendingUndo.emplace_back(id, it->second);
    if (it->second.expiresAtNs != 0)
        m_state.expiries.erase(ExpiryKey { it->second.expiresAtNs, it->second.transfer.timestamp, id });
    m_state.pending.erase(it);
}

void StateMachine::addOrphan(u128 id)
{
    if (m_state.orphans.insert(id).second) {
        m_orphanUndo.push_back(id);
        m_storage.insertOrphan(id);
    }
}

bool StateMachine::storeTransfer(const Transfer &transfer, const Account &debit, const Account &credit)
{
    CABINET_ASSERT_MSG(transfer.timestamp > m_state.maxTransferTimestamp, "transfer timestamp %llu, newest transfer %llu",
                       transfer.timestamp, m_state.maxTransferTimestamp);
    CABINET_ASSERT_MSG(transfer.timestamp > debit.timestamp && transfer.timestamp > credit.timestamp,
                       "transfer timestamp %llu, debit account %llu, credit account %llu", transfer.timestamp,
                       debit.timestamp, credit.timestamp);
    const u64 epoch = m_state.transferCount >> 16;
    if (!m_storage.insertTransfer(transfer, debit.timestamp, credit.timestamp, epoch))
        return false;
    if ((m_state.transferCount & 0xFFFF) == 0)
        m_storage.startEpoch(epoch, transfer.timestamp);
    m_postings.push_back(Posting { epoch, debit.timestamp, transfer.timestamp, false });
    m_postings.push_back(Posting { epoch, credit.timestamp, transfer.timestamp, true });
    ++m_state.transferCount;
    m_state.maxTransferTimestamp = transfer.timestamp;
    return true;
}

void StateMachine::recordBalances(u64 timestamp, const Account &debit, const Account &credit)
{
    const bool debitHistory = debit.has(AccountFlag::History);
    const bool creditHistory = credit.has(AccountFlag::History);
    if (debitHistory || creditHistory)
        m_storage.insertBalances(timestamp, debitHistory ? &debit : nullptr, creditHistory ? &credit : nullptr);
}

// --- batches (execute_create) -----------------------------------------------

template <typename Result, typename Event, typename Apply, typename OnFailure>
std::vector<Result> StateMachine::executeCreate(std::span<const Event> events, u16 importedFlag, Apply apply,
                                                OnFailure onFailure)
{
    using Status = decltype(Result::status);
    CABINET_ASSERT(m_batchOpen);
    CABINET_ASSERT_MSG(events.size() <= BatchMax, "%zu events", events.size());
    const u32 count = u32(events.size());
    const u64 batchTimestamp = m_batchTimestamp;
    CABINET_ASSERT_MSG(batchTimestamp >= count, "batch timestamp %llu, %u events", batchTimestamp, count);
    auto slot = [&](u32 index) { return batchTimestamp - count + index + 1; };

    std::vector<Result> results(count);
    // The first event decides whether the whole batch is imported.
    const bool batchImported = count > 0 && (events[0].flags & importedFlag) != 0;
    bool inChain = false;
    u32 chainStart = 0;
    bool chainBroken = false;
    Mark chainMark;

    for (u32 index = 0; index < count; ++index) {
        const Event &event = events[index];
        const bool linked = (event.flags & 1) != 0; // bit 0 is `linked` for both kinds
        const bool imported = (event.flags & importedFlag) != 0;
        u64 objectTimestamp = 0;
        Status status;
        if (linked && !inChain) {
            CABINET_ASSERT(!chainBroken);
            inChain = true;
            chainStart = index;
            chainMark = mark();
            m_storage.beginChain();
        }
        if (linked && index == count - 1) {
            status = Status::LinkedEventChainOpen; // before "already broken": it fails the whole chain
        } else if (chainBroken) {
            status = Status::LinkedEventFailed;
        } else if (imported != batchImported) {
            status = imported ? Status::ImportedEventNotExpected : Status::ImportedEventExpected;
        } else if (imported) {
            if (event.timestamp == 0 || event.timestamp > TimestampMax)
                status = Status::ImportedEventTimestampOutOfRange;
            else if (event.timestamp >= batchTimestamp)
                status = Status::ImportedEventTimestampMustNotAdvance;
            else
                status = apply(event, objectTimestamp);
        } else if (event.timestamp != 0) {
            status = Status::TimestampMustBeZero;
        } else {
            Event stamped = event;
            stamped.timestamp = slot(index);
            status = apply(stamped, objectTimestamp);
        }

        const bool hasObject = status == Status::Created || status == Status::Exists;
        CABINET_ASSERT(!hasObject || objectTimestamp != 0 || m_storage.failed());
        results[index] = Result { index, hasObject ? objectTimestamp : slot(index), status };

        if (status != Status::Created) {
            if (inChain) {
                if (!chainBroken) {
                    chainBroken = true;
                    undoTo(chainMark);
                    m_storage.rollbackChain();
                    for (u32 earlier = chainStart; earlier < index; ++earlier) {
                        CABINET_ASSERT(results[earlier].status == Status::Created);
                        results[earlier] = Result { earlier, slot(earlier), Status::LinkedEventFailed };
                    }
                } else {
                    CABINET_ASSERT(status == Status::LinkedEventFailed || status == Status::LinkedEventChainOpen);
                }
            }
            // After the rollback: a transient failure is remembered even in a broken chain.
            onFailure(event, status);
        }
        if (inChain && (!linked || status == Status::LinkedEventChainOpen)) {
            if (!chainBroken)
                m_storage.releaseChain();
            inChain = false;
            chainBroken = false;
        }
        if (m_storage.failed())
            break; // the backend aborts the batch; nothing decided here survives
    }
    CABINET_ASSERT(m_storage.failed() || (!inChain && !chainBroken));
    return results;
}

std::vector<CreateAccountResult> StateMachine::createAccounts(std::span<const Account> events)
{
    return executeCreate<CreateAccountResult>(
            events, AccountFlag::Imported,
            [this](const Account &a, u64 &objectTimestamp) { return createAccount(a, objectTimestamp); },
            [](const Account &, CreateAccountStatus) {});
}

std::vector<CreateTransferResult> StateMachine::createTransfers(std::span<const Transfer> events)
{
    return executeCreate<CreateTransferResult>(
            events, TransferFlag::Imported,
            [this](const Transfer &t, u64 &objectTimestamp) { return createTransfer(t, objectTimestamp); },
            [this](const Transfer &t, CreateTransferStatus status) {
                if (isTransient(status))
                    addOrphan(t.id);
            });
}

// --- accounts (create_account) ----------------------------------------------

CreateAccountStatus StateMachine::createAccount(const Account &a, u64 &objectTimestamp)
{
    if (a.reserved != 0)
        return AS::ReservedField;
    if ((a.flags & ~AccountFlag::Known) != 0)
        return AS::ReservedFlag;
    if (a.id == 0)
        return AS::IdMustNotBeZero;
    if (a.id == U128Max)
        return AS::IdMustNotBeIntMax;

    if (auto it = m_state.accounts.find(a.id); it != m_state.accounts.end()) {
        objectTimestamp = it->second.timestamp;
        return createAccountExists(a, it->second);
    }

    if (a.has(AccountFlag::DebitsMustNotExceedCredits) && a.has(AccountFlag::CreditsMustNotExceedDebits))
        return AS::FlagsAreMutuallyExclusive;
    if (a.debits_pending != 0)
        return AS::DebitsPendingMustBeZero;
    if (a.debits_posted != 0)
        return AS::DebitsPostedMustBeZero;
    if (a.credits_pending != 0)
        return AS::CreditsPendingMustBeZero;
    if (a.credits_posted != 0)
        return AS::CreditsPostedMustBeZero;
    if (a.ledger == 0)
        return AS::LedgerMustNotBeZero;
    if (a.code == 0)
        return AS::CodeMustNotBeZero;

    if (a.has(AccountFlag::Imported)) {
        // After the idempotency checks, so an import can be retried and read `exists`.
        if (a.timestamp <= m_state.maxAccountTimestamp)
            return AS::ImportedEventTimestampMustNotRegress;
        if (m_storage.transferExistsAt(a.timestamp))
            return AS::ImportedEventTimestampMustNotRegress;
    }
    CABINET_ASSERT_MSG(a.timestamp > m_state.maxAccountTimestamp, "account timestamp %llu, newest account %llu", a.timestamp,
                       m_state.maxAccountTimestamp);

    addAccount(a);
    m_storage.insertAccount(a);
    m_state.maxAccountTimestamp = a.timestamp;
    objectTimestamp = a.timestamp;
    return AS::Created;
}

CreateAccountStatus StateMachine::createAccountExists(const Account &a, const Account &e)
{
    CABINET_ASSERT(a.id == e.id);
    if (a.flags != e.flags)
        return AS::ExistsWithDifferentFlags;
    if (a.user_data_128 != e.user_data_128)
        return AS::ExistsWithDifferentUserData128;
    if (a.user_data_64 != e.user_data_64)
        return AS::ExistsWithDifferentUserData64;
    if (a.user_data_32 != e.user_data_32)
        return AS::ExistsWithDifferentUserData32;
    CABINET_ASSERT(a.reserved == 0 && e.reserved == 0);
    if (a.ledger != e.ledger)
        return AS::ExistsWithDifferentLedger;
    if (a.code != e.code)
        return AS::ExistsWithDifferentCode;
    return AS::Exists;
}

// --- transfers (create_transfer) --------------------------------------------

CreateTransferStatus StateMachine::createTransfer(const Transfer &t, u64 &objectTimestamp)
{
    if ((t.flags & ~TransferFlag::Known) != 0)
        return TS::ReservedFlag;
    if (t.id == 0)
        return TS::IdMustNotBeZero;
    if (t.id == U128Max)
        return TS::IdMustNotBeIntMax;
    // An orphaned id is never stored (a stored id only ever gets exists_*),
    // so id_already_failed needs no look at the stored transfers.
    if (m_state.orphans.contains(t.id))
        return TS::IdAlreadyFailed;

    const bool resolving = t.has(TransferFlag::PostPendingTransfer) || t.has(TransferFlag::VoidPendingTransfer);
    const CreateTransferStatus status = resolving ? postOrVoidPendingTransfer(t) : createNewTransfer(t);
    if (status == TS::Created) {
        objectTimestamp = t.timestamp;
        return status;
    }
    // Idempotency comes before every rule after the id checks. Looking only
    // now gives the same answer, because a rule that passes writes nothing
    // until the insert, which refuses a stored id (status Exists from
    // storeTransfer), and a rule that fails wrote nothing at all; a new
    // transfer, the common case, costs no extra read.
    if (auto e = m_storage.transfer(t.id)) {
        objectTimestamp = e->timestamp;
        return createTransferExists(t, *e);
    }
    CABINET_ASSERT(status != TS::Exists || m_storage.failed());
    return status == TS::Exists ? TS::IdAlreadyFailed : status; // only when storage failed; the batch is void
}

// A new transfer, single-phase or pending (the other branch posts or voids).
CreateTransferStatus StateMachine::createNewTransfer(const Transfer &t)
{
    if (t.debit_account_id == 0)
        return TS::DebitAccountIdMustNotBeZero;
    if (t.debit_account_id == U128Max)
        return TS::DebitAccountIdMustNotBeIntMax;
    if (t.credit_account_id == 0)
        return TS::CreditAccountIdMustNotBeZero;
    if (t.credit_account_id == U128Max)
        return TS::CreditAccountIdMustNotBeIntMax;
    if (t.credit_account_id == t.debit_account_id)
        return TS::AccountsMustBeDifferent;

    if (t.pending_id != 0)
        return TS::PendingIdMustBeZero;
    if (!t.has(TransferFlag::Pending)) {
        if (t.timeout != 0)
            return TS::TimeoutReservedForPendingTransfer;
        if (t.has(TransferFlag::ClosingDebit) || t.has(TransferFlag::ClosingCredit))
            return TS::ClosingTransferMustBePending;
    }
    if (t.ledger == 0)
        return TS::LedgerMustNotBeZero;
    if (t.code == 0)
        return TS::CodeMustNotBeZero;

    const auto drIt = m_state.accounts.find(t.debit_account_id);
    if (drIt == m_state.accounts.end())
        return TS::DebitAccountNotFound;
    const auto crIt = m_state.accounts.find(t.credit_account_id);
    if (crIt == m_state.accounts.end())
        return TS::CreditAccountNotFound;
    const Account dr = drIt->second;
    const Account cr = crIt->second;

    if (dr.ledger != cr.ledger)
        return TS::AccountsMustHaveTheSameLedger;
    if (t.ledger != dr.ledger)
        return TS::TransferMustHaveTheSameLedgerAsAccounts;

    if (t.has(TransferFlag::Imported)) {
        if (t.timestamp <= m_state.maxTransferTimestamp)
            return TS::ImportedEventTimestampMustNotRegress;
        if (m_state.accountIdByTimestamp.contains(t.timestamp))
            return TS::ImportedEventTimestampMustNotRegress;
        if (t.timestamp <= dr.timestamp)
            return TS::ImportedEventTimestampMustPostdateDebitAccount;
        if (t.timestamp <= cr.timestamp)
            return TS::ImportedEventTimestampMustPostdateCreditAccount;
        if (t.timeout != 0)
            return TS::ImportedEventTimeoutMustBeZero;
    }
    CABINET_ASSERT_MSG(t.timestamp > dr.timestamp && t.timestamp > cr.timestamp,
                       "transfer timestamp %llu, debit account %llu, credit account %llu", t.timestamp, dr.timestamp, cr.timestamp);

    if (dr.has(AccountFlag::Closed))
        return TS::DebitAccountAlreadyClosed;
    if (cr.has(AccountFlag::Closed))
        return TS::CreditAccountAlreadyClosed;

    // Balancing: `amount` is a ceiling, clamped even without a limit flag.
    u128 amount = t.amount;
    if (t.has(TransferFlag::BalancingDebit))
        amount = std::min(amount, subSaturating(dr.credits_posted, dr.debits_posted + dr.debits_pending));
    if (t.has(TransferFlag::BalancingCredit))
        amount = std::min(amount, subSaturating(cr.debits_posted, cr.credits_posted + cr.credits_pending));

    // pending + posted never overflows (checked below for every transfer).
    CABINET_ASSERT_MSG(!sumOverflows(dr.debits_pending, dr.debits_posted), "debit account: debits_pending %s, debits_posted %s",
                       decimalDigits(dr.debits_pending).text, decimalDigits(dr.debits_posted).text);
    CABINET_ASSERT_MSG(!sumOverflows(cr.credits_pending, cr.credits_posted), "credit account: credits_pending %s, credits_posted %s",
                       decimalDigits(cr.credits_pending).text, decimalDigits(cr.credits_posted).text);
    if (t.has(TransferFlag::Pending)) {
        if (sumOverflows(amount, dr.debits_pending))
            return TS::OverflowsDebitsPending;
        if (sumOverflows(amount, cr.credits_pending))
            return TS::OverflowsCreditsPending;
    }
    if (sumOverflows(amount, dr.debits_posted))
        return TS::OverflowsDebitsPosted;
    if (sumOverflows(amount, cr.credits_posted))
        return TS::OverflowsCreditsPosted;
    if (sumOverflows(amount, dr.debits_pending + dr.debits_posted))
        return TS::OverflowsDebits;
    if (sumOverflows(amount, cr.credits_pending + cr.credits_posted))
        return TS::OverflowsCredits;
    // timestamp < 2^63 and timeout_ns < 2^63, so the sum cannot wrap a u64.
    if (t.timestamp + t.timeoutNs() > TimestampMax)
        return TS::OverflowsTimeout;

    if (dr.debitsExceedCredits(amount))
        return TS::ExceedsCredits;
    if (cr.creditsExceedDebits(amount))
        return TS::ExceedsDebits;

    // From here on the transfer succeeds, unless its id turns out to be stored.
    Transfer stored = t;
    stored.amount = amount;
    if (!storeTransfer(stored, dr, cr))
        return TS::Exists;

    Account drNew = dr;
    Account crNew = cr;
    if (stored.has(TransferFlag::Pending)) {
        addPending(stored);
        drNew.debits_pending += amount;
        crNew.credits_pending += amount;
    } else {
        drNew.debits_posted += amount;
        crNew.credits_posted += amount;
    }
    if (stored.has(TransferFlag::ClosingDebit))
        drNew.flags |= AccountFlag::Closed;
    if (stored.has(TransferFlag::ClosingCredit))
        crNew.flags |= AccountFlag::Closed;
    setAccount(drIt->second, drNew);
    setAccount(crIt->second, crNew);
    recordBalances(stored.timestamp, drNew, crNew);

    return TS::Created;
}

CreateTransferStatus StateMachine::postOrVoidPendingTransfer(const Transfer &t)
{
    const bool post = t.has(TransferFlag::PostPendingTransfer);
    const bool voiding = t.has(TransferFlag::VoidPendingTransfer);
    CABINET_ASSERT(post || voiding);
    if (post && voiding)
        return TS::FlagsAreMutuallyExclusive;
    for (u16 flag : { TransferFlag::Pending, TransferFlag::BalancingDebit, TransferFlag::BalancingCredit,
                      TransferFlag::ClosingDebit, TransferFlag::ClosingCredit }) {
        if (t.has(flag))
            return TS::FlagsAreMutuallyExclusive;
    }
    if (t.pending_id == 0)
        return TS::PendingIdMustNotBeZero;
    if (t.pending_id == U128Max)
        return TS::PendingIdMustNotBeIntMax;
    if (t.pending_id == t.id)
        return TS::PendingIdMustBeDifferent;
    if (t.timeout != 0)
        return TS::TimeoutReservedForPendingTransfer;

    // Still-pending transfers are in memory; resolved ones only in storage.
    Transfer p;
    PendingStatus pendingStatus = PendingStatus::Pending;
    if (auto hot = m_state.pending.find(t.pending_id); hot != m_state.pending.end()) {
        p = hot->second.transfer;
    } else {
        auto stored = m_storage.transfer(t.pending_id);
        if (!stored)
            return TS::PendingTransferNotFound;
        p = *stored;
        if (!p.has(TransferFlag::Pending))
            return TS::PendingTransferNotPending;
        pendingStatus = m_storage.pendingStatus(p.timestamp);
        CABINET_ASSERT(pendingStatus != PendingStatus::Pending || m_storage.failed()); // pending ones are hot
    }
    CABINET_ASSERT(p.has(TransferFlag::Pending));
    CABINET_ASSERT_MSG(p.timestamp < t.timestamp || t.has(TransferFlag::Imported), "pending transfer at %llu, resolved at %llu",
                       p.timestamp, t.timestamp);

    const auto drIt = m_state.accounts.find(p.debit_account_id);
    const auto crIt = m_state.accounts.find(p.credit_account_id);
    CABINET_ASSERT(drIt != m_state.accounts.end() && crIt != m_state.accounts.end());
    const Account dr = drIt->second;
    const Account cr = crIt->second;

    if (t.debit_account_id != 0 && t.debit_account_id != p.debit_account_id)
        return TS::PendingTransferHasDifferentDebitAccountId;
    if (t.credit_account_id != 0 && t.credit_account_id != p.credit_account_id)
        return TS::PendingTransferHasDifferentCreditAccountId;
    // user_data may differ between the pending transfer and its post or void.
    if (t.ledger != 0 && t.ledger != p.ledger)
        return TS::PendingTransferHasDifferentLedger;
    if (t.code != 0 && t.code != p.code)
        return TS::PendingTransferHasDifferentCode;

    const u128 amount = voiding ? (t.amount > 0 ? t.amount : p.amount) : (t.amount == AmountMax ? p.amount : t.amount);
    if (amount > p.amount)
        return TS::ExceedsPendingTransferAmount;
    if (voiding && amount < p.amount)
        return TS::PendingTransferHasDifferentAmount;

    switch (pendingStatus) {
    case PendingStatus::Pending:
        break;
    case PendingStatus::Posted:
        return TS::PendingTransferAlreadyPosted;
    case PendingStatus::Voided:
        return TS::PendingTransferAlreadyVoided;
    case PendingStatus::Expired:
        CABINET_ASSERT(p.timeout > 0);
        return TS::PendingTransferExpired;
    case PendingStatus::None:
        CABINET_ASSERT(m_storage.failed());
        return TS::PendingTransferNotFound;
    }

    u64 expiresAtNs = 0;
    if (p.timeout > 0) {
        CABINET_ASSERT(!p.has(TransferFlag::Imported));
        expiresAtNs = p.timestamp + p.timeoutNs();
        // Due but not swept yet: expired all the same.
        if (expiresAtNs <= t.timestamp)
            return TS::PendingTransferExpired;
    }

    if (t.has(TransferFlag::Imported)) {
        if (t.timestamp <= m_state.maxTransferTimestamp)
            return TS::ImportedEventTimestampMustNotRegress;
        if (m_state.accountIdByTimestamp.contains(t.timestamp))
            return TS::ImportedEventTimestampMustNotRegress;
    }
    CABINET_ASSERT_MSG(t.timestamp > dr.timestamp && t.timestamp > cr.timestamp,
                       "transfer timestamp %llu, debit account %llu, credit account %llu", t.timestamp, dr.timestamp, cr.timestamp);

    // The only movement a closed account allows is voiding a pending transfer.
    if (!voiding) {
        if (dr.has(AccountFlag::Closed))
            return TS::DebitAccountAlreadyClosed;
        if (cr.has(AccountFlag::Closed))
            return TS::CreditAccountAlreadyClosed;
    }

    // From here on the post or void succeeds.
    Transfer stored;
    stored.id = t.id;
    stored.debit_account_id = p.debit_account_id;
    stored.credit_account_id = p.credit_account_id;
    stored.amount = amount;
    stored.pending_id = t.pending_id;
    stored.user_data_128 = t.user_data_128 != 0 ? t.user_data_128 : p.user_data_128;
    stored.user_data_64 = t.user_data_64 != 0 ? t.user_data_64 : p.user_data_64;
    stored.user_data_32 = t.user_data_32 != 0 ? t.user_data_32 : p.user_data_32;
    stored.timeout = 0;
    stored.ledger = p.ledger;
    stored.code = p.code;
    stored.flags = t.flags;
    stored.timestamp = t.timestamp;
    if (!storeTransfer(stored, dr, cr))
        return TS::Exists;

    removePending(p.id);
    m_storage.setPendingStatus(p.timestamp, post ? PendingStatus::Posted : PendingStatus::Voided, expiresAtNs);

    Account drNew = dr;
    Account crNew = cr;
    CABINET_ASSERT_MSG(drNew.debits_pending >= p.amount && crNew.credits_pending >= p.amount,
                       "pending amount %s, debit account's debits_pending %s, credit account's credits_pending %s",
                       decimalDigits(p.amount).text, decimalDigits(drNew.debits_pending).text,
                       decimalDigits(crNew.credits_pending).text);
    drNew.debits_pending -= p.amount;
    crNew.credits_pending -= p.amount;
    if (post) {
        CABINET_ASSERT(!p.has(TransferFlag::ClosingDebit) && !p.has(TransferFlag::ClosingCredit));
        CABINET_ASSERT_MSG(amount <= p.amount, "posted %s of a pending %s", decimalDigits(amount).text, decimalDigits(p.amount).text);
        drNew.debits_posted += amount;
        crNew.credits_posted += amount;
    } else {
        // Voiding a closing transfer re-opens the account.
        if (p.has(TransferFlag::ClosingDebit)) {
            CABINET_ASSERT(drNew.has(AccountFlag::Closed));
            drNew.flags &= u16(~AccountFlag::Closed);
        }
        if (p.has(TransferFlag::ClosingCredit)) {
            CABINET_ASSERT(crNew.has(AccountFlag::Closed));
            crNew.flags &= u16(~AccountFlag::Closed);
        }
    }
    setAccount(drIt->second, drNew);
    setAccount(crIt->second, crNew);
    recordBalances(stored.timestamp, drNew, crNew);
    return TS::Created;
}

CreateTransferStatus StateMachine::createTransferExists(const Transfer &t, const Transfer &e)
{
    CABINET_ASSERT(t.id == e.id);
    // The flags change the meaning of the other fields, so they come first.
    if (t.flags != e.flags)
        return TS::ExistsWithDifferentFlags;
    if (t.pending_id != e.pending_id)
        return TS::ExistsWithDifferentPendingId;
    if (t.timeout != e.timeout)
        return TS::ExistsWithDifferentTimeout;

    if (t.has(TransferFlag::PostPendingTransfer) || t.has(TransferFlag::VoidPendingTransfer)) {
        // e resolved its pending transfer, so that one is in storage, not in memory.
        const auto p = m_storage.transfer(t.pending_id);
        if (!p) {
            CABINET_ASSERT(m_storage.failed());
            return TS::PendingTransferNotFound;
        }
        return postOrVoidPendingTransferExists(t, e, *p);
    }

    if (t.debit_account_id != e.debit_account_id)
        return TS::ExistsWithDifferentDebitAccountId;
    if (t.credit_account_id != e.credit_account_id)
        return TS::ExistsWithDifferentCreditAccountId;
    // A balancing transfer's amount is a ceiling: a resubmission that allows
    // at least what was moved is the same transfer.
    if (t.has(TransferFlag::BalancingDebit) || t.has(TransferFlag::BalancingCredit)) {
        if (t.amount < e.amount)
            return TS::ExistsWithDifferentAmount;
    } else if (t.amount != e.amount) {
        return TS::ExistsWithDifferentAmount;
    }
    if (t.user_data_128 != e.user_data_128)
        return TS::ExistsWithDifferentUserData128;
    if (t.user_data_64 != e.user_data_64)
        return TS::ExistsWithDifferentUserData64;
    if (t.user_data_32 != e.user_data_32)
        return TS::ExistsWithDifferentUserData32;
    if (t.ledger != e.ledger)
        return TS::ExistsWithDifferentLedger;
    if (t.code != e.code)
        return TS::ExistsWithDifferentCode;
    return TS::Exists;
}

CreateTransferStatus StateMachine::postOrVoidPendingTransferExists(const Transfer &t, const Transfer &e, const Transfer &p)
{
    CABINET_ASSERT(t.id == e.id && t.id != p.id);
    CABINET_ASSERT(t.flags == e.flags && t.pending_id == e.pending_id && t.pending_id == p.id);
    CABINET_ASSERT(p.has(TransferFlag::Pending));
    CABINET_ASSERT(e.debit_account_id == p.debit_account_id && e.credit_account_id == p.credit_account_id);
    CABINET_ASSERT(e.ledger == p.ledger && e.code == p.code);

    // Zero request fields mean "as the pending transfer", so they compare through it.
    if (t.debit_account_id != 0 && t.debit_account_id != e.debit_account_id)
        return TS::ExistsWithDifferentDebitAccountId;
    if (t.credit_account_id != 0 && t.credit_account_id != e.credit_account_id)
        return TS::ExistsWithDifferentCreditAccountId;
    if (t.has(TransferFlag::VoidPendingTransfer)) {
        if (t.amount == 0 ? e.amount != p.amount : t.amount != e.amount)
            return TS::ExistsWithDifferentAmount;
    } else {
        CABINET_ASSERT_MSG(e.amount <= p.amount, "posted %s of a pending %s", decimalDigits(e.amount).text, decimalDigits(p.amount).text);
        if (t.amount == AmountMax ? e.amount != p.amount : t.amount != e.amount)
            return TS::ExistsWithDifferentAmount;
    }
    if (t.user_data_128 == 0 ? e.user_data_128 != p.user_data_128 : t.user_data_128 != e.user_data_128)
        return TS::ExistsWithDifferentUserData128;
    if (t.user_data_64 == 0 ? e.user_data_64 != p.user_data_64 : t.user_data_64 != e.user_data_64)
        return TS::ExistsWithDifferentUserData64;
    if (t.user_data_32 == 0 ? e.user_data_32 != p.user_data_32 : t.user_data_32 != e.user_data_32)
        return TS::ExistsWithDifferentUserData32;
    if (t.ledger != 0 && t.ledger != e.ledger)
        return TS::ExistsWithDifferentLedger;
    if (t.code != 0 && t.code != e.code)
        return TS::ExistsWithDifferentCode;
    return TS::Exists;
}

// --- expiry (execute_expire_pending_transfers) ------------------------------

std::vector<ExpiryKey> StateMachine::dueExpiries(u64 nowNs, u32 limit) const
{
    std::vector<ExpiryKey> due;
    for (const ExpiryKey &key : m_state.expiries) {
        if (key.expiresAtNs > nowNs || due.size() >= limit)
            break;
        due.push_back(key);
    }
    return due;
}

u32 StateMachine::expire(std::span<const ExpiryKey> due)
{
    CABINET_ASSERT(m_batchOpen);
    const u32 count = u32(due.size());
    for (u32 index = 0; index < count; ++index) {
        const ExpiryKey &key = due[index];
        const u64 timestamp = m_batchTimestamp - count + index + 1;
        CABINET_ASSERT_MSG(key.expiresAtNs <= timestamp, "expires at %llu, expired at %llu", key.expiresAtNs, timestamp);

        const auto it = m_state.pending.find(key.id);
        CABINET_ASSERT(it != m_state.pending.end());
        const Transfer p = it->second.transfer;
        CABINET_ASSERT_MSG(p.timeout > 0 && it->second.expiresAtNs == key.expiresAtNs, "timeout %u, expires at %llu, key %llu",
                           p.timeout, it->second.expiresAtNs, key.expiresAtNs);

        Account &drSlot = m_state.accounts.at(p.debit_account_id);
        Account &crSlot = m_state.accounts.at(p.credit_account_id);
        Account dr = drSlot;
        Account cr = crSlot;
        CABINET_ASSERT_MSG(dr.debits_pending >= p.amount && cr.credits_pending >= p.amount,
                           "pending amount %s, debit account's debits_pending %s, credit account's credits_pending %s",
                           decimalDigits(p.amount).text, decimalDigits(dr.debits_pending).text,
                           decimalDigits(cr.credits_pending).text);
        dr.debits_pending -= p.amount;
        cr.credits_pending -= p.amount;
        // An expired closing transfer re-opens its account, as a void does.
        if (p.has(TransferFlag::ClosingDebit)) {
            CABINET_ASSERT(dr.has(AccountFlag::Closed));
            dr.flags &= u16(~AccountFlag::Closed);
        }
        if (p.has(TransferFlag::ClosingCredit)) {
            CABINET_ASSERT(cr.has(AccountFlag::Closed));
            cr.flags &= u16(~AccountFlag::Closed);
        }
        setAccount(drSlot, dr);
        setAccount(crSlot, cr);
        removePending(p.id);
        m_storage.setPendingStatus(p.timestamp, PendingStatus::Expired, key.expiresAtNs);
        m_storage.insertExpiry(timestamp, p.timestamp);
        if (m_storage.failed())
            break;
    }
    return count;
}

} // namespace cabinet::ledger
