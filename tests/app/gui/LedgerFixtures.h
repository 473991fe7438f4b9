#pragma once

// Ledger objects for the console's ledger view-model tests, written through
// the core's Ledger on its own thread, as a service or the command line would.
#include "GuiTestSupport.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"

#include <QAbstractItemModelTester>

#include <algorithm>
#include <vector>

namespace cabinet::test {

using ledger::u128;

inline ledger::Account account(u128 id, ledger::u32 ledgerId = 1, ledger::u16 code = 10, ledger::u16 flags = 0)
{
    ledger::Account a;
    a.id = id;
    a.ledger = ledgerId;
    a.code = code;
    a.flags = flags;
    return a;
}

inline ledger::Transfer transfer(u128 id, u128 debit, u128 credit, u128 amount, ledger::u32 ledgerId = 1)
{
    ledger::Transfer t;
    t.id = id;
    t.debit_account_id = debit;
    t.credit_account_id = credit;
    t.amount = amount;
    t.ledger = ledgerId;
    t.code = 10;
    return t;
}

inline ledger::Transfer pending(u128 id, u128 debit, u128 credit, u128 amount, ledger::u32 timeoutSeconds)
{
    ledger::Transfer t = transfer(id, debit, credit, amount);
    t.flags = ledger::TransferFlag::Pending;
    t.timeout = timeoutSeconds;
    return t;
}

// Posts (or voids) the whole pending amount.
inline ledger::Transfer resolve(u128 id, u128 pendingId, bool post)
{
    ledger::Transfer t;
    t.id = id;
    t.pending_id = pendingId;
    t.amount = post ? ledger::AmountMax : 0;
    t.flags = post ? ledger::TransferFlag::PostPendingTransfer : ledger::TransferFlag::VoidPendingTransfer;
    return t;
}

// True when every account (transfer) was created.
inline bool create(RunningCore &core, std::vector<ledger::Account> accounts)
{
    const auto created = core.call([accounts = std::move(accounts)](Cabinet &cabinet) {
        const auto results = cabinet.service<cabinet::ledger::Ledger>().createAccounts(accounts, cabinet::test::tester());
        return results && std::all_of(results->begin(), results->end(), [](const auto &r) { return ledger::isSuccess(r.status); });
    });
    return created && *created;
}

inline bool create(RunningCore &core, std::vector<ledger::Transfer> transfers)
{
    const auto created = core.call([transfers = std::move(transfers)](Cabinet &cabinet) {
        const auto results = cabinet.service<cabinet::ledger::Ledger>().createTransfers(transfers, cabinet::test::tester());
        return results && std::all_of(results->begin(), results->end(), [](const auto &r) { return ledger::isSuccess(r.status); });
    });
    return created && *created;
}

inline void attachTester(QAbstractItemModel *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}

} // namespace cabinet::test
