#pragma once

// The pilot's accounts on ledger 2 (and only there): a credit issuer, one
// account per participant (its debits never exceed its credits), the
// anchor's escrow, and the fulfilled account; each created idempotently
// with ids from the run's number. Also the day's grant to each participant
// and the count that proves every credit is accounted for.
#include "Actor.h"
#include "Result.h"
#include "pilot/PilotIds.h"

#include <QJsonObject>

namespace cabinet::ledger {
class Ledger;
}

namespace cabinet::pilot {

// Every credit unit, to the unit. issued == held + inEscrow + fulfilled
// whenever the ledger is consistent.
struct CreditCount {
    qint64 issued = 0;   // granted by the issuer
    qint64 held = 0;     // on participants' accounts, free to spend
    qint64 inEscrow = 0; // held for orders in flight (pending)
    qint64 fulfilled = 0; // paid out for delivered orders
    bool balanced() const { return issued == held + inEscrow + fulfilled; }
    QJsonObject json() const;
};

class PilotAccounts {
public:
    PilotAccounts(ledger::Ledger &ledger, quint32 run, int participants);

    u128 issuer() const { return pilotId(m_run, IdKind::IssuerAccount); }
    u128 escrow() const { return pilotId(m_run, IdKind::EscrowAccount); }
    u128 fulfilled() const { return pilotId(m_run, IdKind::FulfilledAccount); }
    u128 participant(int index) const { return pilotId(m_run, IdKind::ParticipantAccount, quint64(index)); }

    // Creates the accounts, then grants each participant `grantUnits`;
    // again (after a crash) it creates only what is missing. An account or
    // grant the ledger refuses for any reason but "exists" is the error.
    Status open(qint64 grantUnits);
    // The same a piece at a time, for a day run in steps: one ledger batch
    // of at most `max` accounts or grants a call; true once all are there.
    Result<bool> openSome(qint64 grantUnits, size_t max);
    // Reads every pilot account and counts the credits.
    Result<CreditCount> count();
    // The same a piece at a time: adds the next at most `max` accounts to
    // `count`, `from` the accounts counted so far (0 to start); true once all
    // are counted. The first whole count looks every account up by id and
    // notes the range of ledger timestamps they lie in; later counts read
    // that range in timestamp order (one query, the accounts table's own
    // order), skipping accounts of others in it: the same accounts, read
    // four times faster than a lookup each.
    Result<bool> countSome(CreditCount &count, size_t &from, size_t max);
    // The run's accounts by index: the issuer, the escrow, the fulfilled
    // account, then the participants.
    size_t accounts() const { return size_t(m_participants) + 3; }
    u128 account(size_t index) const { return index == 0 ? issuer() : index == 1 ? escrow() : index == 2 ? fulfilled() : participant(int(index - 3)); }

private:
    ledger::Ledger &m_ledger;
    quint32 m_run;
    int m_participants;
    size_t m_opened = 0; // of accounts() then of the grants, by openSome
    // The run's accounts' ledger timestamps, once a count has seen them all.
    ledger::u64 m_firstTimestamp = 0, m_lastTimestamp = 0;
    ledger::u64 m_seenFirst = 0, m_seenLast = 0; // of the count by id in progress
    ledger::u64 m_scanFrom = 0; // of the count by timestamp in progress
    const Actor m_actor = Actor::system(QStringLiteral("pilot-accounts"));
};

} // namespace cabinet::pilot
