#include "pilot/PilotAccounts.h"

#include "Assert.h"
#include "ledger/Ledger.h"
#include "ledger/LedgerFilters.h"
#include "ledger/U128.h"

#include <vector>

namespace cabinet::pilot {

using namespace cabinet::ledger;

QJsonObject CreditCount::json() const
{
    return { { QStringLiteral("issued"), issued },   { QStringLiteral("held"), held },
             { QStringLiteral("in_escrow"), inEscrow }, { QStringLiteral("fulfilled"), fulfilled },
             { QStringLiteral("balanced"), balanced() } };
}

PilotAccounts::PilotAccounts(Ledger &ledger, quint32 run, int participants) : m_ledger(ledger), m_run(run), m_participants(participants) { }

Status PilotAccounts::open(qint64 grantUnits)
{
    for (;;) {
        auto done = openSome(grantUnits, BatchMax);
        if (!done)
            return done.error();
        if (*done)
            return {};
    }
}

Result<bool> PilotAccounts::openSome(qint64 grantUnits, size_t max)
{
    CABINET_ASSERT(max > 0 && max <= BatchMax);
    const size_t total = accounts();
    if (m_opened < total) {
        auto account = [](u128 id, u16 code, u16 flags) {
            Account a;
            a.id = id;
            a.ledger = PilotLedger;
            a.code = code;
            a.flags = flags;
            return a;
        };
        std::vector<Account> batch;
        for (size_t i = m_opened; i < std::min(total, m_opened + max); ++i) {
            if (i == 0)
                batch.push_back(account(issuer(), PilotCode::Issuer, 0));
            else if (i == 1) // the escrow pays out only what a post put there
                batch.push_back(account(escrow(), PilotCode::Escrow, AccountFlag::DebitsMustNotExceedCredits));
            else if (i == 2)
                batch.push_back(account(fulfilled(), PilotCode::Fulfilled, 0));
            else
                batch.push_back(account(participant(int(i - 3)), PilotCode::Participant, AccountFlag::DebitsMustNotExceedCredits));
        }
        auto results = m_ledger.createAccounts(batch, m_actor);
        if (!results)
            return results.error();
        for (const CreateAccountResult &r : *results)
            if (!isSuccess(r.status))
                return Error { ErrorCode::Internal, QStringLiteral("the ledger refused pilot account %1: %2")
                                       .arg(toDecimal(batch[r.index].id), QLatin1StringView(statusName(r.status))) };
        m_opened += batch.size();
        return false;
    }
    const size_t granted = m_opened - total;
    if (granted >= size_t(m_participants))
        return true;
    std::vector<Transfer> grants;
    for (size_t i = granted; i < std::min(size_t(m_participants), granted + max); ++i) {
        Transfer t;
        t.id = pilotId(m_run, IdKind::IssueTransfer, quint64(i));
        t.debit_account_id = issuer();
        t.credit_account_id = participant(int(i));
        t.amount = u128(grantUnits);
        t.ledger = PilotLedger;
        t.code = PilotCode::Issue;
        grants.push_back(t);
    }
    auto results = m_ledger.createTransfers(grants, m_actor);
    if (!results)
        return results.error();
    for (const CreateTransferResult &r : *results)
        if (!isSuccess(r.status))
            return Error { ErrorCode::Internal, QStringLiteral("the ledger refused a pilot grant: %1").arg(QLatin1StringView(statusName(r.status))) };
    m_opened += grants.size();
    return m_opened - total >= size_t(m_participants);
}

Result<CreditCount> PilotAccounts::count()
{
    CreditCount count;
    size_t from = 0;
    for (;;) {
        auto done = countSome(count, from, BatchMax);
        if (!done)
            return done.error();
        if (*done)
            return count;
    }
}

namespace {

void add(CreditCount &count, const Account &a)
{
    // Pilot balances stay far below 2^63 units (ParticipantsMax x the grant).
    const auto s = [](u128 v) { return qint64(v); };
    switch (a.code) {
    case PilotCode::Issuer: count.issued = s(a.debits_posted) - s(a.credits_posted); break;
    case PilotCode::Escrow: count.inEscrow = s(a.credits_pending) + s(a.credits_posted) - s(a.debits_posted); break;
    case PilotCode::Fulfilled: count.fulfilled = s(a.credits_posted) - s(a.debits_posted); break;
    default: count.held += s(a.credits_posted) - s(a.debits_posted) - s(a.debits_pending); break;
    }
}

} // namespace

Result<bool> PilotAccounts::countSome(CreditCount &count, size_t &from, size_t max)
{
    CABINET_ASSERT(max > 0 && max <= BatchMax);
    const auto missing = [&](size_t found) {
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("%1 of pilot run %2's %3 accounts are missing").arg(accounts() - found).arg(m_run).arg(accounts()) };
    };
    if (m_lastTimestamp != 0) {
        if (from == 0)
            m_scanFrom = m_firstTimestamp;
        QueryFilter range;
        range.ledger = PilotLedger;
        range.timestamp_min = m_scanFrom;
        range.timestamp_max = m_lastTimestamp;
        range.limit = u32(max);
        auto found = m_ledger.queryAccounts(range);
        if (!found)
            return found.error();
        const u128 runTag = issuer() >> 64;
        for (const Account &a : *found) {
            m_scanFrom = a.timestamp + 1;
            if (a.id >> 64 != runTag)
                continue;
            add(count, a);
            ++from;
        }
        if (found->size() == max && m_scanFrom <= m_lastTimestamp)
            return false;
        if (from != accounts())
            return missing(from);
        return true;
    }
    std::vector<u128> ids;
    for (size_t i = from; i < std::min(accounts(), from + max); ++i)
        ids.push_back(account(i));
    auto found = m_ledger.lookupAccounts(ids);
    if (!found)
        return found.error();
    if (found->size() != ids.size())
        return missing(from + found->size());
    if (from == 0)
        m_seenFirst = m_seenLast = found->front().timestamp;
    for (const Account &a : *found) {
        add(count, a);
        m_seenFirst = std::min(m_seenFirst, a.timestamp);
        m_seenLast = std::max(m_seenLast, a.timestamp);
    }
    from += ids.size();
    if (from < accounts())
        return false;
    m_firstTimestamp = m_seenFirst;
    m_lastTimestamp = m_seenLast;
    return true;
}

} // namespace cabinet::pilot
