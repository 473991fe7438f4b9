#pragma once

#include "ledger/LedgerTypes.h"

#include <set>
#include <unordered_map>
#include <unordered_set>

namespace cabinet::ledger {

struct U128Hash {
    std::size_t operator()(u128 value) const noexcept
    {
        // splitmix64's finaliser over both halves: ids are often sequential.
        u64 x = u64(value) ^ (u64(value >> 64) * 0x9E3779B97F4A7C15ull);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return std::size_t(x ^ (x >> 31));
    }
};

struct PendingEntry {
    Transfer transfer;
    u64 expiresAtNs = 0; // 0: never
    friend bool operator==(const PendingEntry &, const PendingEntry &) = default;
};

// Expiry order: by expiry time, ties by the transfer's own timestamp.
struct ExpiryKey {
    u64 expiresAtNs = 0;
    u64 timestamp = 0;
    u128 id = 0;
    friend auto operator<=>(const ExpiryKey &a, const ExpiryKey &b)
    {
        if (auto order = a.expiresAtNs <=> b.expiresAtNs; order != 0)
            return order;
        return a.timestamp <=> b.timestamp;
    }
    friend bool operator==(const ExpiryKey &a, const ExpiryKey &b)
    {
        return a.expiresAtNs == b.expiresAtNs && a.timestamp == b.timestamp;
    }
};

// The ledger's hot state, the source of truth while the ledger runs and a
// mirror of what SQLite holds after every commit: all accounts, the pending
// transfers that are still pending, the orphaned ids and the clock marks.
// Everything else (resolved transfers) lives only in storage.
struct HotState {
    std::unordered_map<u128, Account, U128Hash> accounts;
    std::unordered_map<u64, u128> accountIdByTimestamp;
    std::unordered_map<u128, PendingEntry, U128Hash> pending;
    std::set<ExpiryKey> expiries; // pending transfers with a timeout
    std::unordered_set<u128, U128Hash> orphans;
    u64 lastTimestamp = 0;        // newest timestamp handed out, failed slots included
    u64 maxAccountTimestamp = 0;
    u64 maxTransferTimestamp = 0;
    u64 transferCount = 0;

    bool operator==(const HotState &other) const = default;
};

} // namespace cabinet::ledger
