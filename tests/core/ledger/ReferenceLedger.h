#pragma once

// A second, deliberately naive implementation of the ledger (docs/ledger.md)
// for the randomized test: everything in std::maps, chains found up front and put
// back wholesale when they fail, no storage. It shares only the wire
// types and status numbers with core/ledger, never its logic.
#include "ledger/LedgerStatus.h"
#include "ledger/LedgerTypes.h"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace cabinet::ledger::test {

class ReferenceLedger {
public:
    std::vector<CreateAccountResult> createAccounts(const std::vector<Account> &events, u64 nowNs);
    std::vector<CreateTransferResult> createTransfers(const std::vector<Transfer> &events, u64 nowNs);
    // Expires what is due by nowNs, at most `limit`; returns how many.
    u32 expire(u64 nowNs, u32 limit = BatchMax);

    const std::map<u128, Account> &accounts() const { return m_s.accounts; }
    const std::map<u128, Transfer> &transfers() const { return m_s.transfers; }
    bool isOrphan(u128 id) const { return m_s.orphans.contains(id); }
    // Ids of the pending transfers still pending, soonest expiry first (ties
    // by timestamp), those without a timeout last, oldest first.
    std::vector<u128> openPending() const;

private:
    struct State {
        std::map<u128, Account> accounts;
        std::map<u128, Transfer> transfers;
        std::map<u128, PendingStatus> status; // by pending transfer id
        std::set<u128> orphans;
        u64 last = 0;
        // What a linked chain must undo: transfers added, statuses before.
        std::vector<u128> added;
        std::vector<std::pair<u128, std::optional<PendingStatus>>> statusBefore;
    };
    static CreateTransferStatus transfer(State &s, const Transfer &t);
    static CreateTransferStatus resolve(State &s, const Transfer &t);
    static CreateTransferStatus same(const State &s, const Transfer &t, const Transfer &e);

    State m_s;
};

} // namespace cabinet::ledger::test
