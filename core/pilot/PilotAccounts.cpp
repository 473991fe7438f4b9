#include "pilot/PilotAccounts.h"

#include "ledger/Ledger.h"
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
    auto account = [](u128 id, u16 code, u16 flags) {
        Account a;
        a.id = id;
        a.ledger = PilotLedger;
        a.code = code;
        a.flags = flags;
        return a;
    };
    std::vector<Account> accounts { account(issuer(), PilotCode::Issuer, 0),
                                    // The escrow pays out only what a post put there.
                                    account(escrow(), PilotCode::Escrow, AccountFlag::DebitsMustNotExceedCredits),
                                    account(fulfilled(), PilotCode::Fulfilled, 0) };
    for (int i = 0; i < m_participants; ++i)
        accounts.push_back(account(participant(i), PilotCode::Participant, AccountFlag::DebitsMustNotExceedCredits));
    for (size_t from = 0; from < accounts.size(); from += BatchMax) {
        const std::span<const Account> batch(accounts.data() + from, std::min<size_t>(BatchMax, accounts.size() - from));
        auto results = m_ledger.createAccounts(batch, m_actor);
        if (!results)
            return results.error();
        for (const CreateAccountResult &r : *results)
            if (!isSuccess(r.status))
                return Error { ErrorCode::Internal, QStringLiteral("the ledger refused pilot account %1: %2")
                                       .arg(toDecimal(batch[r.index].id), QLatin1StringView(statusName(r.status))) };
    }

    std::vector<Transfer> grants;
    grants.reserve(size_t(m_participants));
    for (int i = 0; i < m_participants; ++i) {
        Transfer t;
        t.id = pilotId(m_run, IdKind::IssueTransfer, quint64(i));
        t.debit_account_id = issuer();
        t.credit_account_id = participant(i);
        t.amount = u128(grantUnits);
        t.ledger = PilotLedger;
        t.code = PilotCode::Issue;
        grants.push_back(t);
    }
    for (size_t from = 0; from < grants.size(); from += BatchMax) {
        const std::span<const Transfer> batch(grants.data() + from, std::min<size_t>(BatchMax, grants.size() - from));
        auto results = m_ledger.createTransfers(batch, m_actor);
        if (!results)
            return results.error();
        for (const CreateTransferResult &r : *results)
            if (!isSuccess(r.status))
                return Error { ErrorCode::Internal, QStringLiteral("the ledger refused a pilot grant: %1").arg(QLatin1StringView(statusName(r.status))) };
    }
    return {};
}

Result<CreditCount> PilotAccounts::count()
{
    std::vector<u128> ids { issuer(), escrow(), fulfilled() };
    for (int i = 0; i < m_participants; ++i)
        ids.push_back(participant(i));
    CreditCount count;
    size_t found = 0;
    for (size_t from = 0; from < ids.size(); from += BatchMax) {
        auto accounts = m_ledger.lookupAccounts(std::span<const u128>(ids.data() + from, std::min<size_t>(BatchMax, ids.size() - from)));
        if (!accounts)
            return accounts.error();
        found += accounts->size();
        for (const Account &a : *accounts) {
            // Pilot balances stay far below 2^63 units (ParticipantsMax x the grant).
            const auto s = [](u128 v) { return qint64(v); };
            switch (a.code) {
            case PilotCode::Issuer: count.issued = s(a.debits_posted) - s(a.credits_posted); break;
            case PilotCode::Escrow: count.inEscrow = s(a.credits_pending) + s(a.credits_posted) - s(a.debits_posted); break;
            case PilotCode::Fulfilled: count.fulfilled = s(a.credits_posted) - s(a.debits_posted); break;
            default: count.held += s(a.credits_posted) - s(a.debits_posted) - s(a.debits_pending); break;
            }
        }
    }
    if (found != ids.size())
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("%1 of the run's %2 pilot accounts are missing").arg(ids.size() - found).arg(ids.size()) };
    return count;
}

} // namespace cabinet::pilot
