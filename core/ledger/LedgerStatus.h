#pragma once

// Result codes with TigerBeetle's numbers and names (docs/ledger.md), so
// results compare one to one with a cluster's. The precedence order is
// the order the rules run in, not the numeric order.
#include "ledger/LedgerTypes.h"

#include <QLatin1StringView>

#include <optional>

namespace cabinet::ledger {

enum class CreateAccountStatus : u32 {
    Created = 0xFFFFFFFF,
    DeprecatedOk = 0,
    LinkedEventFailed = 1,
    LinkedEventChainOpen = 2,
    TimestampMustBeZero = 3,
    ReservedField = 4,
    ReservedFlag = 5,
    IdMustNotBeZero = 6,
    IdMustNotBeIntMax = 7,
    FlagsAreMutuallyExclusive = 8,
    DebitsPendingMustBeZero = 9,
    DebitsPostedMustBeZero = 10,
    CreditsPendingMustBeZero = 11,
    CreditsPostedMustBeZero = 12,
    LedgerMustNotBeZero = 13,
    CodeMustNotBeZero = 14,
    ExistsWithDifferentFlags = 15,
    ExistsWithDifferentUserData128 = 16,
    ExistsWithDifferentUserData64 = 17,
    ExistsWithDifferentUserData32 = 18,
    ExistsWithDifferentLedger = 19,
    ExistsWithDifferentCode = 20,
    Exists = 21,
    ImportedEventExpected = 22,
    ImportedEventNotExpected = 23,
    ImportedEventTimestampOutOfRange = 24,
    ImportedEventTimestampMustNotAdvance = 25,
    ImportedEventTimestampMustNotRegress = 26,
};

enum class CreateTransferStatus : u32 {
    Created = 0xFFFFFFFF,
    LinkedEventFailed = 1,
    LinkedEventChainOpen = 2,
    TimestampMustBeZero = 3,
    ReservedFlag = 4,
    IdMustNotBeZero = 5,
    IdMustNotBeIntMax = 6,
    FlagsAreMutuallyExclusive = 7,
    DebitAccountIdMustNotBeZero = 8,
    DebitAccountIdMustNotBeIntMax = 9,
    CreditAccountIdMustNotBeZero = 10,
    CreditAccountIdMustNotBeIntMax = 11,
    AccountsMustBeDifferent = 12,
    PendingIdMustBeZero = 13,
    PendingIdMustNotBeZero = 14,
    PendingIdMustNotBeIntMax = 15,
    PendingIdMustBeDifferent = 16,
    TimeoutReservedForPendingTransfer = 17,
    AmountMustNotBeZero = 18, // deprecated: never returned since 0.16
    LedgerMustNotBeZero = 19,
    CodeMustNotBeZero = 20,
    DebitAccountNotFound = 21,
    CreditAccountNotFound = 22,
    AccountsMustHaveTheSameLedger = 23,
    TransferMustHaveTheSameLedgerAsAccounts = 24,
    PendingTransferNotFound = 25,
    PendingTransferNotPending = 26,
    PendingTransferHasDifferentDebitAccountId = 27,
    PendingTransferHasDifferentCreditAccountId = 28,
    PendingTransferHasDifferentLedger = 29,
    PendingTransferHasDifferentCode = 30,
    ExceedsPendingTransferAmount = 31,
    PendingTransferHasDifferentAmount = 32,
    PendingTransferAlreadyPosted = 33,
    PendingTransferAlreadyVoided = 34,
    PendingTransferExpired = 35,
    ExistsWithDifferentFlags = 36,
    ExistsWithDifferentDebitAccountId = 37,
    ExistsWithDifferentCreditAccountId = 38,
    ExistsWithDifferentAmount = 39,
    ExistsWithDifferentPendingId = 40,
    ExistsWithDifferentUserData128 = 41,
    ExistsWithDifferentUserData64 = 42,
    ExistsWithDifferentUserData32 = 43,
    ExistsWithDifferentTimeout = 44,
    ExistsWithDifferentCode = 45,
    Exists = 46,
    OverflowsDebitsPending = 47,
    OverflowsCreditsPending = 48,
    OverflowsDebitsPosted = 49,
    OverflowsCreditsPosted = 50,
    OverflowsDebits = 51,
    OverflowsCredits = 52,
    OverflowsTimeout = 53,
    ExceedsCredits = 54,
    ExceedsDebits = 55,
    ImportedEventExpected = 56,
    ImportedEventNotExpected = 57,
    ImportedEventTimestampOutOfRange = 58,
    ImportedEventTimestampMustNotAdvance = 59,
    ImportedEventTimestampMustNotRegress = 60,
    ImportedEventTimestampMustPostdateDebitAccount = 61,
    ImportedEventTimestampMustPostdateCreditAccount = 62,
    ImportedEventTimeoutMustBeZero = 63,
    ClosingTransferMustBePending = 64,
    DebitAccountAlreadyClosed = 65,
    CreditAccountAlreadyClosed = 66,
    ExistsWithDifferentLedger = 67,
    IdAlreadyFailed = 68,
};

// One result per event, in event order. `timestamp` is the object's for
// created and exists, otherwise the slot the event consumed.
struct CreateAccountResult {
    u32 index = 0;
    u64 timestamp = 0;
    CreateAccountStatus status = CreateAccountStatus::Created;
    friend bool operator==(const CreateAccountResult &, const CreateAccountResult &) = default;
};

struct CreateTransferResult {
    u32 index = 0;
    u64 timestamp = 0;
    CreateTransferStatus status = CreateTransferStatus::Created;
    friend bool operator==(const CreateTransferResult &, const CreateTransferResult &) = default;
};

// snake_case names exactly as TigerBeetle spells them; empty for an unknown value.
QLatin1StringView statusName(CreateAccountStatus status);
QLatin1StringView statusName(CreateTransferStatus status);
std::optional<CreateAccountStatus> createAccountStatusFromName(QLatin1StringView name);
std::optional<CreateTransferStatus> createTransferStatusFromName(QLatin1StringView name);

// A transient error depends on the state of the ledger, not on the event: the
// id is remembered so a retry can never succeed later (id_already_failed).
bool isTransient(CreateTransferStatus status);

// Succeeded, as applications should read it: exists is treated like created.
inline bool isSuccess(CreateAccountStatus s) { return s == CreateAccountStatus::Created || s == CreateAccountStatus::Exists; }
inline bool isSuccess(CreateTransferStatus s) { return s == CreateTransferStatus::Created || s == CreateTransferStatus::Exists; }

// Flag names as TigerBeetle's clients spell them, in bit order.
QLatin1StringView accountFlagName(int bit);
QLatin1StringView transferFlagName(int bit);
QLatin1StringView accountFilterFlagName(int bit);
QLatin1StringView queryFilterFlagName(int bit);

} // namespace cabinet::ledger
