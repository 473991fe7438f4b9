#include "ReferenceLedger.h"

#include <algorithm>
#include <tuple>

namespace cabinet::ledger::test {

namespace {

using A = CreateAccountStatus;
using T = CreateTransferStatus;

bool overflows(u128 a, u128 b) { return b > U128Max - a; }
u128 floorSub(u128 a, u128 b) { return a < b ? 0 : a - b; }
u64 dueAt(const Transfer &p) { return p.timeout == 0 ? 0 : p.timestamp + u64(p.timeout) * 1'000'000'000ull; }
bool flag(u16 flags, u16 bit) { return (flags & bit) == bit; }

// A batch: chains found up front, each run and then put back (accounts
// restored from a copy, added transfers erased) unless every event in it
// was created.
template <typename Event, typename Result, typename Status, typename State, typename Create, typename Orphan>
std::vector<Result> runBatch(const std::vector<Event> &events, u64 nowNs, State &state, u16 importedBit, Create create,
                             Orphan orphan)
{
    const size_t n = events.size();
    std::vector<Result> results(n);
    if (n == 0)
        return results;
    const u64 batch = std::max(nowNs, state.last + n);
    state.last = batch;
    state.added.clear();
    state.statusBefore.clear();
    const bool importedBatch = flag(events[0].flags, importedBit);
    auto slot = [&](size_t i) { return batch - n + i + 1; };

    auto one = [&](State &s, size_t i, u64 &objectTimestamp) -> Status {
        Event e = events[i];
        const bool imported = flag(e.flags, importedBit);
        if (imported != importedBatch)
            return imported ? Status::ImportedEventNotExpected : Status::ImportedEventExpected;
        if (imported) {
            if (e.timestamp == 0 || e.timestamp >= (u64(1) << 63))
                return Status::ImportedEventTimestampOutOfRange;
            if (e.timestamp >= batch)
                return Status::ImportedEventTimestampMustNotAdvance;
        } else {
            if (e.timestamp != 0)
                return Status::TimestampMustBeZero;
            e.timestamp = slot(i);
        }
        return create(s, e, objectTimestamp);
    };

    size_t i = 0;
    while (i < n) {
        size_t end = i; // last event of the chain
        while (flag(events[end].flags, 1) && end + 1 < n)
            ++end;
        const bool open = flag(events[end].flags, 1); // linked up to the batch's last event
        if (end == i && !open) {
            u64 ts = 0;
            const Status status = one(state, i, ts);
            results[i] = Result { u32(i), (status == Status::Created || status == Status::Exists) ? ts : slot(i), status };
            if (status != Status::Created)
                orphan(state, events[i], status);
            ++i;
            continue;
        }
        // Run the chain in place; keep what is needed to put it back.
        const auto accountsBefore = state.accounts;
        const size_t addedBefore = state.added.size();
        const size_t statusesBefore = state.statusBefore.size();
        const size_t runUntil = open ? end : end + 1; // an open chain's last event is not run
        size_t failed = runUntil;
        Status failure = Status::Created;
        u64 failureTimestamp = 0;
        std::vector<u64> timestamps(n);
        for (size_t k = i; k < runUntil; ++k) {
            u64 ts = 0;
            const Status status = one(state, k, ts);
            timestamps[k] = ts;
            if (status != Status::Created) {
                failed = k;
                failure = status;
                failureTimestamp = status == Status::Exists ? ts : slot(k);
                break;
            }
        }
        if (failed == runUntil && !open) {
            for (size_t k = i; k <= end; ++k)
                results[k] = Result { u32(k), timestamps[k], Status::Created };
        } else {
            state.accounts = accountsBefore;
            while (state.added.size() > addedBefore) {
                state.transfers.erase(state.added.back());
                state.added.pop_back();
            }
            while (state.statusBefore.size() > statusesBefore) {
                const auto &[id, before] = state.statusBefore.back();
                if (before)
                    state.status[id] = *before;
                else
                    state.status.erase(id);
                state.statusBefore.pop_back();
            }
            for (size_t k = i; k <= end; ++k)
                results[k] = Result { u32(k), slot(k), Status::LinkedEventFailed };
            if (failed < runUntil) {
                results[failed] = Result { u32(failed), failureTimestamp, failure };
                orphan(state, events[failed], failure);
            }
            if (open)
                results[end] = Result { u32(end), slot(end), Status::LinkedEventChainOpen };
        }
        i = end + 1;
    }
    return results;
}

} // namespace

std::vector<CreateAccountResult> ReferenceLedger::createAccounts(const std::vector<Account> &events, u64 nowNs)
{
    return runBatch<Account, CreateAccountResult, A>(
            events, nowNs, m_s, AccountFlag::Imported,
            [](State &s, const Account &a, u64 &ts) -> A {
                if (a.reserved)
                    return A::ReservedField;
                if (a.flags & 0xFFC0)
                    return A::ReservedFlag;
                if (a.id == 0)
                    return A::IdMustNotBeZero;
                if (a.id == U128Max)
                    return A::IdMustNotBeIntMax;
                if (auto it = s.accounts.find(a.id); it != s.accounts.end()) {
                    const Account &e = it->second;
                    ts = e.timestamp;
                    if (a.flags != e.flags)
                        return A::ExistsWithDifferentFlags;
                    if (a.user_data_128 != e.user_data_128)
                        return A::ExistsWithDifferentUserData128;
                    if (a.user_data_64 != e.user_data_64)
                        return A::ExistsWithDifferentUserData64;
                    if (a.user_data_32 != e.user_data_32)
                        return A::ExistsWithDifferentUserData32;
                    if (a.ledger != e.ledger)
                        return A::ExistsWithDifferentLedger;
                    if (a.code != e.code)
                        return A::ExistsWithDifferentCode;
                    return A::Exists;
                }
                if (flag(a.flags, AccountFlag::DebitsMustNotExceedCredits | AccountFlag::CreditsMustNotExceedDebits))
                    return A::FlagsAreMutuallyExclusive;
                if (a.debits_pending)
                    return A::DebitsPendingMustBeZero;
                if (a.debits_posted)
                    return A::DebitsPostedMustBeZero;
                if (a.credits_pending)
                    return A::CreditsPendingMustBeZero;
                if (a.credits_posted)
                    return A::CreditsPostedMustBeZero;
                if (!a.ledger)
                    return A::LedgerMustNotBeZero;
                if (!a.code)
                    return A::CodeMustNotBeZero;
                if (flag(a.flags, AccountFlag::Imported)) {
                    for (const auto &[id, other] : s.accounts)
                        if (other.timestamp >= a.timestamp)
                            return A::ImportedEventTimestampMustNotRegress;
                    for (const auto &[id, t] : s.transfers)
                        if (t.timestamp == a.timestamp)
                            return A::ImportedEventTimestampMustNotRegress;
                }
                s.accounts[a.id] = a;
                ts = a.timestamp;
                return A::Created;
            },
            [](State &, const Account &, A) {});
}

std::vector<CreateTransferResult> ReferenceLedger::createTransfers(const std::vector<Transfer> &events, u64 nowNs)
{
    return runBatch<Transfer, CreateTransferResult, T>(
            events, nowNs, m_s, TransferFlag::Imported,
            [](State &s, const Transfer &t, u64 &ts) -> T {
                const T status = transfer(s, t);
                if (status == T::Created || status == T::Exists)
                    ts = s.transfers.at(t.id).timestamp;
                return status;
            },
            [](State &s, const Transfer &t, T status) {
                switch (status) {
                case T::DebitAccountNotFound:
                case T::CreditAccountNotFound:
                case T::PendingTransferNotFound:
                case T::ExceedsCredits:
                case T::ExceedsDebits:
                case T::DebitAccountAlreadyClosed:
                case T::CreditAccountAlreadyClosed:
                    s.orphans.insert(t.id);
                    break;
                default:
                    break;
                }
            });
}

CreateTransferStatus ReferenceLedger::same(const State &s, const Transfer &t, const Transfer &e)
{
    if (t.flags != e.flags)
        return T::ExistsWithDifferentFlags;
    if (t.pending_id != e.pending_id)
        return T::ExistsWithDifferentPendingId;
    if (t.timeout != e.timeout)
        return T::ExistsWithDifferentTimeout;
    const bool resolving = flag(t.flags, TransferFlag::PostPendingTransfer) || flag(t.flags, TransferFlag::VoidPendingTransfer);
    if (!resolving) {
        if (t.debit_account_id != e.debit_account_id)
            return T::ExistsWithDifferentDebitAccountId;
        if (t.credit_account_id != e.credit_account_id)
            return T::ExistsWithDifferentCreditAccountId;
        const bool balancing = flag(t.flags, TransferFlag::BalancingDebit) || flag(t.flags, TransferFlag::BalancingCredit);
        if (balancing ? t.amount < e.amount : t.amount != e.amount)
            return T::ExistsWithDifferentAmount;
        if (t.user_data_128 != e.user_data_128)
            return T::ExistsWithDifferentUserData128;
        if (t.user_data_64 != e.user_data_64)
            return T::ExistsWithDifferentUserData64;
        if (t.user_data_32 != e.user_data_32)
            return T::ExistsWithDifferentUserData32;
        if (t.ledger != e.ledger)
            return T::ExistsWithDifferentLedger;
        if (t.code != e.code)
            return T::ExistsWithDifferentCode;
        return T::Exists;
    }
    const Transfer &p = s.transfers.at(t.pending_id);
    if (t.debit_account_id && t.debit_account_id != e.debit_account_id)
        return T::ExistsWithDifferentDebitAccountId;
    if (t.credit_account_id && t.credit_account_id != e.credit_account_id)
        return T::ExistsWithDifferentCreditAccountId;
    const bool fullAmount = flag(t.flags, TransferFlag::VoidPendingTransfer) ? t.amount == 0 : t.amount == AmountMax;
    if ((fullAmount ? p.amount : t.amount) != e.amount)
        return T::ExistsWithDifferentAmount;
    if ((t.user_data_128 ? t.user_data_128 : p.user_data_128) != e.user_data_128)
        return T::ExistsWithDifferentUserData128;
    if ((t.user_data_64 ? t.user_data_64 : p.user_data_64) != e.user_data_64)
        return T::ExistsWithDifferentUserData64;
    if ((t.user_data_32 ? t.user_data_32 : p.user_data_32) != e.user_data_32)
        return T::ExistsWithDifferentUserData32;
    if (t.ledger && t.ledger != e.ledger)
        return T::ExistsWithDifferentLedger;
    if (t.code && t.code != e.code)
        return T::ExistsWithDifferentCode;
    return T::Exists;
}

CreateTransferStatus ReferenceLedger::transfer(State &s, const Transfer &t)
{
    if (t.flags & 0xFE00)
        return T::ReservedFlag;
    if (t.id == 0)
        return T::IdMustNotBeZero;
    if (t.id == U128Max)
        return T::IdMustNotBeIntMax;
    if (auto it = s.transfers.find(t.id); it != s.transfers.end())
        return same(s, t, it->second);
    if (s.orphans.contains(t.id))
        return T::IdAlreadyFailed;
    if (flag(t.flags, TransferFlag::PostPendingTransfer) || flag(t.flags, TransferFlag::VoidPendingTransfer))
        return resolve(s, t);

    if (t.debit_account_id == 0)
        return T::DebitAccountIdMustNotBeZero;
    if (t.debit_account_id == U128Max)
        return T::DebitAccountIdMustNotBeIntMax;
    if (t.credit_account_id == 0)
        return T::CreditAccountIdMustNotBeZero;
    if (t.credit_account_id == U128Max)
        return T::CreditAccountIdMustNotBeIntMax;
    if (t.debit_account_id == t.credit_account_id)
        return T::AccountsMustBeDifferent;
    if (t.pending_id)
        return T::PendingIdMustBeZero;
    const bool pending = flag(t.flags, TransferFlag::Pending);
    if (!pending && t.timeout)
        return T::TimeoutReservedForPendingTransfer;
    if (!pending && (t.flags & (TransferFlag::ClosingDebit | TransferFlag::ClosingCredit)))
        return T::ClosingTransferMustBePending;
    if (!t.ledger)
        return T::LedgerMustNotBeZero;
    if (!t.code)
        return T::CodeMustNotBeZero;
    if (!s.accounts.contains(t.debit_account_id))
        return T::DebitAccountNotFound;
    if (!s.accounts.contains(t.credit_account_id))
        return T::CreditAccountNotFound;
    Account &dr = s.accounts[t.debit_account_id];
    Account &cr = s.accounts[t.credit_account_id];
    if (dr.ledger != cr.ledger)
        return T::AccountsMustHaveTheSameLedger;
    if (t.ledger != dr.ledger)
        return T::TransferMustHaveTheSameLedgerAsAccounts;
    if (flag(t.flags, TransferFlag::Imported)) {
        for (const auto &[id, other] : s.transfers)
            if (other.timestamp >= t.timestamp)
                return T::ImportedEventTimestampMustNotRegress;
        for (const auto &[id, a] : s.accounts)
            if (a.timestamp == t.timestamp)
                return T::ImportedEventTimestampMustNotRegress;
        if (t.timestamp <= dr.timestamp)
            return T::ImportedEventTimestampMustPostdateDebitAccount;
        if (t.timestamp <= cr.timestamp)
            return T::ImportedEventTimestampMustPostdateCreditAccount;
        if (t.timeout)
            return T::ImportedEventTimeoutMustBeZero;
    }
    if (flag(dr.flags, AccountFlag::Closed))
        return T::DebitAccountAlreadyClosed;
    if (flag(cr.flags, AccountFlag::Closed))
        return T::CreditAccountAlreadyClosed;
    u128 amount = t.amount;
    if (flag(t.flags, TransferFlag::BalancingDebit))
        amount = std::min(amount, floorSub(dr.credits_posted, dr.debits_posted + dr.debits_pending));
    if (flag(t.flags, TransferFlag::BalancingCredit))
        amount = std::min(amount, floorSub(cr.debits_posted, cr.credits_posted + cr.credits_pending));
    if (pending && overflows(dr.debits_pending, amount))
        return T::OverflowsDebitsPending;
    if (pending && overflows(cr.credits_pending, amount))
        return T::OverflowsCreditsPending;
    if (overflows(dr.debits_posted, amount))
        return T::OverflowsDebitsPosted;
    if (overflows(cr.credits_posted, amount))
        return T::OverflowsCreditsPosted;
    if (overflows(dr.debits_pending + dr.debits_posted, amount))
        return T::OverflowsDebits;
    if (overflows(cr.credits_pending + cr.credits_posted, amount))
        return T::OverflowsCredits;
    if (t.timeout && t.timestamp + u64(t.timeout) * 1'000'000'000ull >= (u64(1) << 63))
        return T::OverflowsTimeout;
    if (flag(dr.flags, AccountFlag::DebitsMustNotExceedCredits) && dr.debits_pending + dr.debits_posted + amount > dr.credits_posted)
        return T::ExceedsCredits;
    if (flag(cr.flags, AccountFlag::CreditsMustNotExceedDebits) && cr.credits_pending + cr.credits_posted + amount > cr.debits_posted)
        return T::ExceedsDebits;

    Transfer stored = t;
    stored.amount = amount;
    s.transfers[t.id] = stored;
    s.added.push_back(t.id);
    if (pending) {
        s.statusBefore.emplace_back(t.id, std::nullopt);
        s.status[t.id] = PendingStatus::Pending;
        dr.debits_pending += amount;
        cr.credits_pending += amount;
    } else {
        dr.debits_posted += amount;
        cr.credits_posted += amount;
    }
    if (flag(t.flags, TransferFlag::ClosingDebit))
        dr.flags |= AccountFlag::Closed;
    if (flag(t.flags, TransferFlag::ClosingCredit))
        cr.flags |= AccountFlag::Closed;
    return T::Created;
}

CreateTransferStatus ReferenceLedger::resolve(State &s, const Transfer &t)
{
    const bool post = flag(t.flags, TransferFlag::PostPendingTransfer);
    const bool cancel = flag(t.flags, TransferFlag::VoidPendingTransfer);
    if (post && cancel)
        return T::FlagsAreMutuallyExclusive;
    if (t.flags & (TransferFlag::Pending | TransferFlag::BalancingDebit | TransferFlag::BalancingCredit | TransferFlag::ClosingDebit
                   | TransferFlag::ClosingCredit))
        return T::FlagsAreMutuallyExclusive;
    if (t.pending_id == 0)
        return T::PendingIdMustNotBeZero;
    if (t.pending_id == U128Max)
        return T::PendingIdMustNotBeIntMax;
    if (t.pending_id == t.id)
        return T::PendingIdMustBeDifferent;
    if (t.timeout)
        return T::TimeoutReservedForPendingTransfer;
    auto found = s.transfers.find(t.pending_id);
    if (found == s.transfers.end())
        return T::PendingTransferNotFound;
    const Transfer p = found->second;
    if (!flag(p.flags, TransferFlag::Pending))
        return T::PendingTransferNotPending;
    if (t.debit_account_id && t.debit_account_id != p.debit_account_id)
        return T::PendingTransferHasDifferentDebitAccountId;
    if (t.credit_account_id && t.credit_account_id != p.credit_account_id)
        return T::PendingTransferHasDifferentCreditAccountId;
    if (t.ledger && t.ledger != p.ledger)
        return T::PendingTransferHasDifferentLedger;
    if (t.code && t.code != p.code)
        return T::PendingTransferHasDifferentCode;
    u128 amount = t.amount;
    if (cancel && amount == 0)
        amount = p.amount;
    if (post && amount == AmountMax)
        amount = p.amount;
    if (amount > p.amount)
        return T::ExceedsPendingTransferAmount;
    if (cancel && amount != p.amount)
        return T::PendingTransferHasDifferentAmount;
    switch (s.status.at(p.id)) {
    case PendingStatus::Posted:
        return T::PendingTransferAlreadyPosted;
    case PendingStatus::Voided:
        return T::PendingTransferAlreadyVoided;
    case PendingStatus::Expired:
        return T::PendingTransferExpired;
    default:
        break;
    }
    if (p.timeout && dueAt(p) <= t.timestamp)
        return T::PendingTransferExpired;
    if (flag(t.flags, TransferFlag::Imported)) {
        for (const auto &[id, other] : s.transfers)
            if (other.timestamp >= t.timestamp)
                return T::ImportedEventTimestampMustNotRegress;
        for (const auto &[id, a] : s.accounts)
            if (a.timestamp == t.timestamp)
                return T::ImportedEventTimestampMustNotRegress;
    }
    Account &dr = s.accounts.at(p.debit_account_id);
    Account &cr = s.accounts.at(p.credit_account_id);
    if (post && flag(dr.flags, AccountFlag::Closed))
        return T::DebitAccountAlreadyClosed;
    if (post && flag(cr.flags, AccountFlag::Closed))
        return T::CreditAccountAlreadyClosed;

    Transfer stored = t;
    stored.debit_account_id = p.debit_account_id;
    stored.credit_account_id = p.credit_account_id;
    stored.ledger = p.ledger;
    stored.code = p.code;
    stored.amount = amount;
    if (!stored.user_data_128)
        stored.user_data_128 = p.user_data_128;
    if (!stored.user_data_64)
        stored.user_data_64 = p.user_data_64;
    if (!stored.user_data_32)
        stored.user_data_32 = p.user_data_32;
    s.transfers[t.id] = stored;
    s.added.push_back(t.id);
    s.statusBefore.emplace_back(p.id, s.status.at(p.id));
    s.status[p.id] = post ? PendingStatus::Posted : PendingStatus::Voided;
    dr.debits_pending -= p.amount;
    cr.credits_pending -= p.amount;
    if (post) {
        dr.debits_posted += amount;
        cr.credits_posted += amount;
    } else {
        if (flag(p.flags, TransferFlag::ClosingDebit))
            dr.flags &= u16(~AccountFlag::Closed);
        if (flag(p.flags, TransferFlag::ClosingCredit))
            cr.flags &= u16(~AccountFlag::Closed);
    }
    return T::Created;
}

u32 ReferenceLedger::expire(u64 nowNs, u32 limit)
{
    std::vector<std::tuple<u64, u64, u128>> due;
    for (const auto &[id, status] : m_s.status) {
        const Transfer &p = m_s.transfers.at(id);
        if (status == PendingStatus::Pending && p.timeout && dueAt(p) <= nowNs)
            due.emplace_back(dueAt(p), p.timestamp, id);
    }
    std::sort(due.begin(), due.end());
    if (due.size() > limit)
        due.resize(limit);
    if (due.empty())
        return 0;
    const u64 k = due.size();
    m_s.last = std::max(nowNs + k - 1, m_s.last + k);
    for (const auto &[at, timestamp, id] : due) {
        const Transfer &p = m_s.transfers.at(id);
        Account &dr = m_s.accounts.at(p.debit_account_id);
        Account &cr = m_s.accounts.at(p.credit_account_id);
        dr.debits_pending -= p.amount;
        cr.credits_pending -= p.amount;
        if (flag(p.flags, TransferFlag::ClosingDebit))
            dr.flags &= u16(~AccountFlag::Closed);
        if (flag(p.flags, TransferFlag::ClosingCredit))
            cr.flags &= u16(~AccountFlag::Closed);
        m_s.status[id] = PendingStatus::Expired;
    }
    return u32(k);
}

std::vector<u128> ReferenceLedger::openPending() const
{
    std::vector<std::tuple<u64, u64, u128>> open; // never expiring sorts as the largest expiry
    for (const auto &[id, status] : m_s.status) {
        const Transfer &p = m_s.transfers.at(id);
        if (status == PendingStatus::Pending)
            open.emplace_back(p.timeout ? dueAt(p) : ~u64(0), p.timestamp, id);
    }
    std::sort(open.begin(), open.end());
    std::vector<u128> ids;
    for (const auto &[at, timestamp, id] : open)
        ids.push_back(id);
    return ids;
}

} // namespace cabinet::ledger::test
