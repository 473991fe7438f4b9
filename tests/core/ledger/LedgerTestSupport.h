#pragma once

// Builders and a fixture for the ledger tests: a backend on a fresh
// database with a manual clock, and statuses as names so a failing
// comparison reads like the spec.
#include "Clock.h"
#include "ledger/LedgerBackend.h"
#include "ledger/SqliteLedgerBackend.h"
#include "ledger/U128.h"
#include "store/Database.h"

#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

namespace cabinet::ledger::test {

inline Account account(u128 id, u16 flags = 0, u32 ledger = 1, u16 code = 10)
{
    Account a;
    a.id = id;
    a.flags = flags;
    a.ledger = ledger;
    a.code = code;
    return a;
}

inline Transfer transfer(u128 id, u128 debit, u128 credit, u128 amount, u16 flags = 0, u32 ledger = 1, u16 code = 10)
{
    Transfer t;
    t.id = id;
    t.debit_account_id = debit;
    t.credit_account_id = credit;
    t.amount = amount;
    t.flags = flags;
    t.ledger = ledger;
    t.code = code;
    return t;
}

inline Transfer pending(u128 id, u128 debit, u128 credit, u128 amount, u32 timeoutSeconds = 0, u16 extraFlags = 0)
{
    Transfer t = transfer(id, debit, credit, amount, TransferFlag::Pending | extraFlags);
    t.timeout = timeoutSeconds;
    return t;
}

inline Transfer post(u128 id, u128 pendingId, u128 amount = AmountMax)
{
    Transfer t;
    t.id = id;
    t.pending_id = pendingId;
    t.amount = amount;
    t.flags = TransferFlag::PostPendingTransfer;
    return t;
}

inline Transfer voiding(u128 id, u128 pendingId, u128 amount = 0)
{
    Transfer t;
    t.id = id;
    t.pending_id = pendingId;
    t.amount = amount;
    t.flags = TransferFlag::VoidPendingTransfer;
    return t;
}

template <typename Results>
QStringList names(const Results &results)
{
    QStringList list;
    for (const auto &result : results)
        list.append(QString(statusName(result.status)));
    return list;
}

// One backend under test on its own database and clock.
struct LedgerUnderTest {
    QTemporaryDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    std::unique_ptr<Database> db;
    std::unique_ptr<LedgerBackend> backend;
    QString error; // why it could not be set up

    LedgerBackend *operator->() const { return backend.get(); }

    // Statuses of a batch, or {"error: <message>"} when it failed as a whole.
    QStringList accounts(std::vector<Account> events, std::vector<CreateAccountResult> *results = nullptr)
    {
        auto created = backend->createAccounts(events);
        if (!created)
            return { QStringLiteral("error: ") + created.error().message };
        if (results)
            *results = *created;
        return names(*created);
    }
    QStringList transfers(std::vector<Transfer> events, std::vector<CreateTransferResult> *results = nullptr)
    {
        auto created = backend->createTransfers(events);
        if (!created)
            return { QStringLiteral("error: ") + created.error().message };
        if (results)
            *results = *created;
        return names(*created);
    }
    // The account as stored (all zero with id 0 when missing).
    Account lookup(u128 id)
    {
        auto found = backend->lookupAccounts(std::span(&id, 1));
        return found && found->size() == 1 ? found->front() : Account {};
    }
    std::optional<Transfer> lookupTransfer(u128 id)
    {
        auto found = backend->lookupTransfers(std::span(&id, 1));
        if (!found || found->empty())
            return std::nullopt;
        return found->front();
    }
    // "dp/dpo/cp/cpo" of an account, as decimal text.
    QString balances(u128 id)
    {
        const Account a = lookup(id);
        return QStringLiteral("%1/%2/%3/%4").arg(toDecimal(a.debits_pending), toDecimal(a.debits_posted),
                                                  toDecimal(a.credits_pending), toDecimal(a.credits_posted));
    }
};

using LedgerFactory = std::function<std::unique_ptr<LedgerUnderTest>()>;

inline std::unique_ptr<LedgerUnderTest> makeSqliteLedger()
{
    auto fixture = std::make_unique<LedgerUnderTest>();
    auto db = Database::open(fixture->dir.filePath(QStringLiteral("cabinet.db")));
    if (!db) {
        fixture->error = db.error().message;
        return fixture;
    }
    fixture->db = std::move(*db);
    fixture->backend = std::make_unique<SqliteLedgerBackend>(*fixture->db, *fixture->clock);
    return fixture;
}

} // namespace cabinet::ledger::test

// QTest prints 128-bit values as decimal text.
namespace QTest {
template <>
inline char *toString(const unsigned __int128 &value)
{
    return qstrdup(cabinet::ledger::toDecimal(value).toLatin1().constData());
}
} // namespace QTest
