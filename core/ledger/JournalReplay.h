#pragma once

#include "ledger/HotState.h"
#include "ledger/LedgerBackend.h"

#include <QString>
#include <QStringList>

#include <unordered_map>

namespace cabinet::ledger {

// Recomputes every account's balances and `closed` flag from the journal
// alone, record by record from the start, without the rules: only the
// effects of what was committed. Any record that could not have been
// committed (an unknown account, a post of nothing pending, an underflow)
// is reported as a problem.
class JournalReplay {
public:
    void apply(const JournalRecord &record);

    const std::unordered_map<u128, Account, U128Hash> &accounts() const { return m_accounts; }
    qint64 records() const { return m_records; }
    u64 lastTimestamp() const { return m_lastTimestamp; }
    const QStringList &problems() const { return m_problems; }

    // Compares with the stored account; empty when they agree exactly.
    QString compare(const Account &stored) const;

private:
    void problem(const QString &text);
    Account *account(u128 id, u64 timestamp);

    struct Reservation {
        u128 amount = 0;
        u128 debitAccount = 0;
        u128 creditAccount = 0;
        u16 flags = 0;
    };
    std::unordered_map<u128, Account, U128Hash> m_accounts;
    std::unordered_map<u128, Reservation, U128Hash> m_reserved; // pending transfers not yet resolved
    qint64 m_records = 0;
    u64 m_lastTimestamp = 0;
    QStringList m_problems;
};

} // namespace cabinet::ledger
