#pragma once

// The ledger's wire types, laid out byte for byte as TigerBeetle 0.17's
// (docs/ledger.md, Layout), so a batch can be handed to a real
// cluster unchanged. All integers are little-endian, as on every machine we
// build for.
#include <QtGlobal>

#include <cstddef>
#include <cstdint>
#include <limits>

namespace cabinet::ledger {

using u128 = unsigned __int128;
using u64 = quint64;
using u32 = quint32;
using u16 = quint16;

inline constexpr u128 U128Max = ~u128(0);
// On a balancing transfer "as much as possible"; on a post "the full pending amount".
inline constexpr u128 AmountMax = U128Max;
// Timestamps are nanoseconds since the epoch and stay below 2^63.
inline constexpr u64 TimestampMax = (u64(1) << 63) - 1;
inline constexpr u64 NsPerSecond = 1'000'000'000;
// The most events in one create batch, ids in one lookup, results in one query.
inline constexpr u32 BatchMax = 8189;

namespace AccountFlag {
enum : u16 {
    Linked = 1 << 0,
    DebitsMustNotExceedCredits = 1 << 1,
    CreditsMustNotExceedDebits = 1 << 2,
    History = 1 << 3,
    Imported = 1 << 4,
    Closed = 1 << 5,
};
inline constexpr u16 Known = 0x3F; // bits 6..15 are reserved
} // namespace AccountFlag

namespace TransferFlag {
enum : u16 {
    Linked = 1 << 0,
    Pending = 1 << 1,
    PostPendingTransfer = 1 << 2,
    VoidPendingTransfer = 1 << 3,
    BalancingDebit = 1 << 4,
    BalancingCredit = 1 << 5,
    ClosingDebit = 1 << 6,
    ClosingCredit = 1 << 7,
    Imported = 1 << 8,
};
inline constexpr u16 Known = 0x1FF; // bits 9..15 are reserved
} // namespace TransferFlag

namespace AccountFilterFlag {
enum : u32 { Debits = 1 << 0, Credits = 1 << 1, Reversed = 1 << 2 };
inline constexpr u32 Known = 0x7;
} // namespace AccountFilterFlag

namespace QueryFilterFlag {
enum : u32 { Reversed = 1 << 0 };
inline constexpr u32 Known = 0x1;
} // namespace QueryFilterFlag

struct alignas(16) Account {
    u128 id = 0;
    u128 debits_pending = 0;
    u128 debits_posted = 0;
    u128 credits_pending = 0;
    u128 credits_posted = 0;
    u128 user_data_128 = 0;
    u64 user_data_64 = 0;
    u32 user_data_32 = 0;
    u32 reserved = 0;
    u32 ledger = 0;
    u16 code = 0;
    u16 flags = 0;
    u64 timestamp = 0;

    bool has(u16 flag) const { return (flags & flag) != 0; }
    // The limits the two balance flags set, with the transfer's amount.
    bool debitsExceedCredits(u128 amount) const
    {
        return has(AccountFlag::DebitsMustNotExceedCredits) && debits_pending + debits_posted + amount > credits_posted;
    }
    bool creditsExceedDebits(u128 amount) const
    {
        return has(AccountFlag::CreditsMustNotExceedDebits) && credits_pending + credits_posted + amount > debits_posted;
    }
    friend bool operator==(const Account &, const Account &) = default;
};

struct alignas(16) Transfer {
    u128 id = 0;
    u128 debit_account_id = 0;
    u128 credit_account_id = 0;
    u128 amount = 0;
    u128 pending_id = 0;
    u128 user_data_128 = 0;
    u64 user_data_64 = 0;
    u32 user_data_32 = 0;
    u32 timeout = 0; // seconds
    u32 ledger = 0;
    u16 code = 0;
    u16 flags = 0;
    u64 timestamp = 0;

    bool has(u16 flag) const { return (flags & flag) != 0; }
    u64 timeoutNs() const { return u64(timeout) * NsPerSecond; }
    friend bool operator==(const Transfer &, const Transfer &) = default;
};

struct alignas(16) AccountFilter {
    u128 account_id = 0;
    u128 user_data_128 = 0;
    u64 user_data_64 = 0;
    u32 user_data_32 = 0;
    u16 code = 0;
    quint8 reserved[58] = {};
    u64 timestamp_min = 0;
    u64 timestamp_max = 0;
    u32 limit = 0;
    u32 flags = 0;
};

struct alignas(16) QueryFilter {
    u128 user_data_128 = 0;
    u64 user_data_64 = 0;
    u32 user_data_32 = 0;
    u32 ledger = 0;
    u16 code = 0;
    quint8 reserved[6] = {};
    u64 timestamp_min = 0;
    u64 timestamp_max = 0;
    u32 limit = 0;
    u32 flags = 0;
};

struct alignas(16) AccountBalance {
    u128 debits_pending = 0;
    u128 debits_posted = 0;
    u128 credits_pending = 0;
    u128 credits_posted = 0;
    u64 timestamp = 0;
    quint8 reserved[56] = {};
};

// TigerBeetle's TransferPendingStatus.
enum class PendingStatus : quint8 { None = 0, Pending = 1, Posted = 2, Voided = 3, Expired = 4 };

// The wire layout is the contract with a cluster: any drift is a compile error.
static_assert(sizeof(Account) == 128 && alignof(Account) == 16);
static_assert(offsetof(Account, debits_pending) == 16 && offsetof(Account, debits_posted) == 32);
static_assert(offsetof(Account, credits_pending) == 48 && offsetof(Account, credits_posted) == 64);
static_assert(offsetof(Account, user_data_128) == 80 && offsetof(Account, user_data_64) == 96);
static_assert(offsetof(Account, user_data_32) == 104 && offsetof(Account, reserved) == 108);
static_assert(offsetof(Account, ledger) == 112 && offsetof(Account, code) == 116);
static_assert(offsetof(Account, flags) == 118 && offsetof(Account, timestamp) == 120);

static_assert(sizeof(Transfer) == 128 && alignof(Transfer) == 16);
static_assert(offsetof(Transfer, debit_account_id) == 16 && offsetof(Transfer, credit_account_id) == 32);
static_assert(offsetof(Transfer, amount) == 48 && offsetof(Transfer, pending_id) == 64);
static_assert(offsetof(Transfer, user_data_128) == 80 && offsetof(Transfer, user_data_64) == 96);
static_assert(offsetof(Transfer, user_data_32) == 104 && offsetof(Transfer, timeout) == 108);
static_assert(offsetof(Transfer, ledger) == 112 && offsetof(Transfer, code) == 116);
static_assert(offsetof(Transfer, flags) == 118 && offsetof(Transfer, timestamp) == 120);

static_assert(sizeof(AccountFilter) == 128 && alignof(AccountFilter) == 16);
static_assert(offsetof(AccountFilter, user_data_128) == 16 && offsetof(AccountFilter, user_data_64) == 32);
static_assert(offsetof(AccountFilter, user_data_32) == 40 && offsetof(AccountFilter, code) == 44);
static_assert(offsetof(AccountFilter, reserved) == 46 && offsetof(AccountFilter, timestamp_min) == 104);
static_assert(offsetof(AccountFilter, timestamp_max) == 112 && offsetof(AccountFilter, limit) == 120);
static_assert(offsetof(AccountFilter, flags) == 124);

static_assert(sizeof(QueryFilter) == 64 && alignof(QueryFilter) == 16);
static_assert(offsetof(QueryFilter, user_data_64) == 16 && offsetof(QueryFilter, user_data_32) == 24);
static_assert(offsetof(QueryFilter, ledger) == 28 && offsetof(QueryFilter, code) == 32);
static_assert(offsetof(QueryFilter, reserved) == 34 && offsetof(QueryFilter, timestamp_min) == 40);
static_assert(offsetof(QueryFilter, timestamp_max) == 48 && offsetof(QueryFilter, limit) == 56);
static_assert(offsetof(QueryFilter, flags) == 60);

static_assert(sizeof(AccountBalance) == 128 && alignof(AccountBalance) == 16);
static_assert(offsetof(AccountBalance, timestamp) == 64 && offsetof(AccountBalance, reserved) == 72);

} // namespace cabinet::ledger
