#include "ledger/LedgerStatus.h"

#include <array>
#include <utility>

namespace cabinet::ledger {

namespace {

template <typename Status>
struct Named {
    Status status;
    const char *name;
};

constexpr Named<CreateAccountStatus> AccountNames[] = {
    { CreateAccountStatus::Created, "created" },
    { CreateAccountStatus::DeprecatedOk, "deprecated_ok" },
    { CreateAccountStatus::LinkedEventFailed, "linked_event_failed" },
    { CreateAccountStatus::LinkedEventChainOpen, "linked_event_chain_open" },
    { CreateAccountStatus::TimestampMustBeZero, "timestamp_must_be_zero" },
    { CreateAccountStatus::ReservedField, "reserved_field" },
    { CreateAccountStatus::ReservedFlag, "reserved_flag" },
    { CreateAccountStatus::IdMustNotBeZero, "id_must_not_be_zero" },
    { CreateAccountStatus::IdMustNotBeIntMax, "id_must_not_be_int_max" },
    { CreateAccountStatus::FlagsAreMutuallyExclusive, "flags_are_mutually_exclusive" },
    { CreateAccountStatus::DebitsPendingMustBeZero, "debits_pending_must_be_zero" },
    { CreateAccountStatus::DebitsPostedMustBeZero, "debits_posted_must_be_zero" },
    { CreateAccountStatus::CreditsPendingMustBeZero, "credits_pending_must_be_zero" },
    { CreateAccountStatus::CreditsPostedMustBeZero, "credits_posted_must_be_zero" },
    { CreateAccountStatus::LedgerMustNotBeZero, "ledger_must_not_be_zero" },
    { CreateAccountStatus::CodeMustNotBeZero, "code_must_not_be_zero" },
    { CreateAccountStatus::ExistsWithDifferentFlags, "exists_with_different_flags" },
    { CreateAccountStatus::ExistsWithDifferentUserData128, "exists_with_different_user_data_128" },
    { CreateAccountStatus::ExistsWithDifferentUserData64, "exists_with_different_user_data_64" },
    { CreateAccountStatus::ExistsWithDifferentUserData32, "exists_with_different_user_data_32" },
    { CreateAccountStatus::ExistsWithDifferentLedger, "exists_with_different_ledger" },
    { CreateAccountStatus::ExistsWithDifferentCode, "exists_with_different_code" },
    { CreateAccountStatus::Exists, "exists" },
    { CreateAccountStatus::ImportedEventExpected, "imported_event_expected" },
    { CreateAccountStatus::ImportedEventNotExpected, "imported_event_not_expected" },
    { CreateAccountStatus::ImportedEventTimestampOutOfRange, "imported_event_timestamp_out_of_range" },
    { CreateAccountStatus::ImportedEventTimestampMustNotAdvance, "imported_event_timestamp_must_not_advance" },
    { CreateAccountStatus::ImportedEventTimestampMustNotRegress, "imported_event_timestamp_must_not_regress" },
};

constexpr Named<CreateTransferStatus> TransferNames[] = {
    { CreateTransferStatus::Created, "created" },
    { CreateTransferStatus::LinkedEventFailed, "linked_event_failed" },
    { CreateTransferStatus::LinkedEventChainOpen, "linked_event_chain_open" },
    { CreateTransferStatus::TimestampMustBeZero, "timestamp_must_be_zero" },
    { CreateTransferStatus::ReservedFlag, "reserved_flag" },
    { CreateTransferStatus::IdMustNotBeZero, "id_must_not_be_zero" },
    { CreateTransferStatus::IdMustNotBeIntMax, "id_must_not_be_int_max" },
    { CreateTransferStatus::FlagsAreMutuallyExclusive, "flags_are_mutually_exclusive" },
    { CreateTransferStatus::DebitAccountIdMustNotBeZero, "debit_account_id_must_not_be_zero" },
    { CreateTransferStatus::DebitAccountIdMustNotBeIntMax, "debit_account_id_must_not_be_int_max" },
    { CreateTransferStatus::CreditAccountIdMustNotBeZero, "credit_account_id_must_not_be_zero" },
    { CreateTransferStatus::CreditAccountIdMustNotBeIntMax, "credit_account_id_must_not_be_int_max" },
    { CreateTransferStatus::AccountsMustBeDifferent, "accounts_must_be_different" },
    { CreateTransferStatus::PendingIdMustBeZero, "pending_id_must_be_zero" },
    { CreateTransferStatus::PendingIdMustNotBeZero, "pending_id_must_not_be_zero" },
    { CreateTransferStatus::PendingIdMustNotBeIntMax, "pending_id_must_not_be_int_max" },
    { CreateTransferStatus::PendingIdMustBeDifferent, "pending_id_must_be_different" },
    { CreateTransferStatus::TimeoutReservedForPendingTransfer, "timeout_reserved_for_pending_transfer" },
    { CreateTransferStatus::AmountMustNotBeZero, "amount_must_not_be_zero" },
    { CreateTransferStatus::LedgerMustNotBeZero, "ledger_must_not_be_zero" },
    { CreateTransferStatus::CodeMustNotBeZero, "code_must_not_be_zero" },
    { CreateTransferStatus::DebitAccountNotFound, "debit_account_not_found" },
    { CreateTransferStatus::CreditAccountNotFound, "credit_account_not_found" },
    { CreateTransferStatus::AccountsMustHaveTheSameLedger, "accounts_must_have_the_same_ledger" },
    { CreateTransferStatus::TransferMustHaveTheSameLedgerAsAccounts, "transfer_must_have_the_same_ledger_as_accounts" },
    { CreateTransferStatus::PendingTransferNotFound, "pending_transfer_not_found" },
    { CreateTransferStatus::PendingTransferNotPending, "pending_transfer_not_pending" },
    { CreateTransferStatus::PendingTransferHasDifferentDebitAccountId, "pending_transfer_has_different_debit_account_id" },
    { CreateTransferStatus::PendingTransferHasDifferentCreditAccountId, "pending_transfer_has_different_credit_account_id" },
    { CreateTransferStatus::PendingTransferHasDifferentLedger, "pending_transfer_has_different_ledger" },
    { CreateTransferStatus::PendingTransferHasDifferentCode, "pending_transfer_has_different_code" },
    { CreateTransferStatus::ExceedsPendingTransferAmount, "exceeds_pending_transfer_amount" },
    { CreateTransferStatus::PendingTransferHasDifferentAmount, "pending_transfer_has_different_amount" },
    { CreateTransferStatus::PendingTransferAlreadyPosted, "pending_transfer_already_posted" },
    { CreateTransferStatus::PendingTransferAlreadyVoided, "pending_transfer_already_voided" },
    { CreateTransferStatus::PendingTransferExpired, "pending_transfer_expired" },
    { CreateTransferStatus::ExistsWithDifferentFlags, "exists_with_different_flags" },
    { CreateTransferStatus::ExistsWithDifferentDebitAccountId, "exists_with_different_debit_account_id" },
    { CreateTransferStatus::ExistsWithDifferentCreditAccountId, "exists_with_different_credit_account_id" },
    { CreateTransferStatus::ExistsWithDifferentAmount, "exists_with_different_amount" },
    { CreateTransferStatus::ExistsWithDifferentPendingId, "exists_with_different_pending_id" },
    { CreateTransferStatus::ExistsWithDifferentUserData128, "exists_with_different_user_data_128" },
    { CreateTransferStatus::ExistsWithDifferentUserData64, "exists_with_different_user_data_64" },
    { CreateTransferStatus::ExistsWithDifferentUserData32, "exists_with_different_user_data_32" },
    { CreateTransferStatus::ExistsWithDifferentTimeout, "exists_with_different_timeout" },
    { CreateTransferStatus::ExistsWithDifferentCode, "exists_with_different_code" },
    { CreateTransferStatus::Exists, "exists" },
    { CreateTransferStatus::OverflowsDebitsPending, "overflows_debits_pending" },
    { CreateTransferStatus::OverflowsCreditsPending, "overflows_credits_pending" },
    { CreateTransferStatus::OverflowsDebitsPosted, "overflows_debits_posted" },
    { CreateTransferStatus::OverflowsCreditsPosted, "overflows_credits_posted" },
    { CreateTransferStatus::OverflowsDebits, "overflows_debits" },
    { CreateTransferStatus::OverflowsCredits, "overflows_credits" },
    { CreateTransferStatus::OverflowsTimeout, "overflows_timeout" },
    { CreateTransferStatus::ExceedsCredits, "exceeds_credits" },
    { CreateTransferStatus::ExceedsDebits, "exceeds_debits" },
    { CreateTransferStatus::ImportedEventExpected, "imported_event_expected" },
    { CreateTransferStatus::ImportedEventNotExpected, "imported_event_not_expected" },
    { CreateTransferStatus::ImportedEventTimestampOutOfRange, "imported_event_timestamp_out_of_range" },
    { CreateTransferStatus::ImportedEventTimestampMustNotAdvance, "imported_event_timestamp_must_not_advance" },
    { CreateTransferStatus::ImportedEventTimestampMustNotRegress, "imported_event_timestamp_must_not_regress" },
    { CreateTransferStatus::ImportedEventTimestampMustPostdateDebitAccount, "imported_event_timestamp_must_postdate_debit_account" },
    { CreateTransferStatus::ImportedEventTimestampMustPostdateCreditAccount, "imported_event_timestamp_must_postdate_credit_account" },
    { CreateTransferStatus::ImportedEventTimeoutMustBeZero, "imported_event_timeout_must_be_zero" },
    { CreateTransferStatus::ClosingTransferMustBePending, "closing_transfer_must_be_pending" },
    { CreateTransferStatus::DebitAccountAlreadyClosed, "debit_account_already_closed" },
    { CreateTransferStatus::CreditAccountAlreadyClosed, "credit_account_already_closed" },
    { CreateTransferStatus::ExistsWithDifferentLedger, "exists_with_different_ledger" },
    { CreateTransferStatus::IdAlreadyFailed, "id_already_failed" },
};

template <typename Status, std::size_t N>
QLatin1StringView nameOf(const Named<Status> (&table)[N], Status status)
{
    for (const auto &entry : table) {
        if (entry.status == status)
            return QLatin1StringView(entry.name);
    }
    return {};
}

template <typename Status, std::size_t N>
std::optional<Status> fromName(const Named<Status> (&table)[N], QLatin1StringView name)
{
    for (const auto &entry : table) {
        if (name == QLatin1StringView(entry.name))
            return entry.status;
    }
    return std::nullopt;
}

constexpr const char *AccountFlagNames[] = { "linked", "debits_must_not_exceed_credits", "credits_must_not_exceed_debits",
                                             "history", "imported", "closed" };
constexpr const char *TransferFlagNames[] = { "linked", "pending", "post_pending_transfer", "void_pending_transfer",
                                              "balancing_debit", "balancing_credit", "closing_debit", "closing_credit",
                                              "imported" };
constexpr const char *AccountFilterFlagNames[] = { "debits", "credits", "reversed" };
constexpr const char *QueryFilterFlagNames[] = { "reversed" };

template <std::size_t N>
QLatin1StringView flagName(const char *const (&names)[N], int bit)
{
    return bit >= 0 && std::size_t(bit) < N ? QLatin1StringView(names[bit]) : QLatin1StringView();
}

} // namespace

QLatin1StringView statusName(CreateAccountStatus status) { return nameOf(AccountNames, status); }
QLatin1StringView statusName(CreateTransferStatus status) { return nameOf(TransferNames, status); }

std::optional<CreateAccountStatus> createAccountStatusFromName(QLatin1StringView name) { return fromName(AccountNames, name); }
std::optional<CreateTransferStatus> createTransferStatusFromName(QLatin1StringView name) { return fromName(TransferNames, name); }

bool isTransient(CreateTransferStatus status)
{
    switch (status) {
    case CreateTransferStatus::DebitAccountNotFound:
    case CreateTransferStatus::CreditAccountNotFound:
    case CreateTransferStatus::PendingTransferNotFound:
    case CreateTransferStatus::ExceedsCredits:
    case CreateTransferStatus::ExceedsDebits:
    case CreateTransferStatus::DebitAccountAlreadyClosed:
    case CreateTransferStatus::CreditAccountAlreadyClosed:
        return true;
    default:
        return false;
    }
}

QLatin1StringView accountFlagName(int bit) { return flagName(AccountFlagNames, bit); }
QLatin1StringView transferFlagName(int bit) { return flagName(TransferFlagNames, bit); }
QLatin1StringView accountFilterFlagName(int bit) { return flagName(AccountFilterFlagNames, bit); }
QLatin1StringView queryFilterFlagName(int bit) { return flagName(QueryFilterFlagNames, bit); }

} // namespace cabinet::ledger
