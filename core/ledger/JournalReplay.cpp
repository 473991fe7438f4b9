#include "ledger/JournalReplay.h"

#include "ledger/U128.h"

namespace cabinet::ledger {

namespace {
// Problems beyond this many are counted, not listed.
constexpr qsizetype ProblemsListed = 20;
} // namespace

void JournalReplay::problem(const QString &text)
{
    if (m_problems.size() < ProblemsListed)
        m_problems.append(text);
}

Account *JournalReplay::account(u128 id, u64 timestamp)
{
    auto it = m_accounts.find(id);
    if (it == m_accounts.end()) {
        problem(QStringLiteral("record %1 names account %2, which the journal never created").arg(timestamp).arg(toDecimal(id)));
        return nullptr;
    }
    return &it->second;
}

void JournalReplay::apply(const JournalRecord &record)
{
    ++m_records;
    if (record.timestamp <= m_lastTimestamp)
        problem(QStringLiteral("record %1 is not after record %2").arg(record.timestamp).arg(m_lastTimestamp));
    m_lastTimestamp = record.timestamp;

    auto add = [&](u128 &balance, u128 amount, const char *what) {
        if (sumOverflows(balance, amount))
            problem(QStringLiteral("record %1 overflows %2").arg(record.timestamp).arg(QLatin1StringView(what)));
        balance += amount;
    };
    auto subtract = [&](u128 &balance, u128 amount, const char *what) {
        if (balance < amount)
            problem(QStringLiteral("record %1 takes %2 below zero").arg(record.timestamp).arg(QLatin1StringView(what)));
        balance -= amount;
    };
    auto release = [&](const Reservation &r, bool reopen) {
        Account *dr = account(r.debitAccount, record.timestamp);
        Account *cr = account(r.creditAccount, record.timestamp);
        if (!dr || !cr)
            return;
        subtract(dr->debits_pending, r.amount, "debits_pending");
        subtract(cr->credits_pending, r.amount, "credits_pending");
        if (reopen && (r.flags & TransferFlag::ClosingDebit))
            dr->flags &= u16(~AccountFlag::Closed);
        if (reopen && (r.flags & TransferFlag::ClosingCredit))
            cr->flags &= u16(~AccountFlag::Closed);
    };

    switch (record.kind) {
    case JournalRecord::Kind::AccountCreated: {
        Account created = record.account;
        if (created.debits_pending != 0 || created.debits_posted != 0 || created.credits_pending != 0 || created.credits_posted != 0)
            problem(QStringLiteral("account %1 was created with balances").arg(toDecimal(created.id)));
        if (!m_accounts.emplace(created.id, created).second)
            problem(QStringLiteral("account %1 is created twice").arg(toDecimal(created.id)));
        break;
    }
    case JournalRecord::Kind::Transfer: {
        const Transfer &t = record.transfer;
        if (t.has(TransferFlag::PostPendingTransfer) || t.has(TransferFlag::VoidPendingTransfer)) {
            auto it = m_reserved.find(t.pending_id);
            if (it == m_reserved.end()) {
                problem(QStringLiteral("transfer %1 resolves %2, which is not pending").arg(toDecimal(t.id), toDecimal(t.pending_id)));
                break;
            }
            const Reservation reservation = it->second;
            m_reserved.erase(it);
            const bool post = t.has(TransferFlag::PostPendingTransfer);
            release(reservation, !post);
            if (post) {
                if (t.amount > reservation.amount)
                    problem(QStringLiteral("transfer %1 posts more than was pending").arg(toDecimal(t.id)));
                Account *dr = account(t.debit_account_id, record.timestamp);
                Account *cr = account(t.credit_account_id, record.timestamp);
                if (dr && cr) {
                    add(dr->debits_posted, t.amount, "debits_posted");
                    add(cr->credits_posted, t.amount, "credits_posted");
                }
            }
            break;
        }
        Account *dr = account(t.debit_account_id, record.timestamp);
        Account *cr = account(t.credit_account_id, record.timestamp);
        if (!dr || !cr)
            break;
        if (t.has(TransferFlag::Pending)) {
            add(dr->debits_pending, t.amount, "debits_pending");
            add(cr->credits_pending, t.amount, "credits_pending");
            m_reserved.emplace(t.id, Reservation { t.amount, t.debit_account_id, t.credit_account_id, t.flags });
            if (t.has(TransferFlag::ClosingDebit))
                dr->flags |= AccountFlag::Closed;
            if (t.has(TransferFlag::ClosingCredit))
                cr->flags |= AccountFlag::Closed;
        } else {
            add(dr->debits_posted, t.amount, "debits_posted");
            add(cr->credits_posted, t.amount, "credits_posted");
        }
        break;
    }
    case JournalRecord::Kind::Expiry: {
        auto it = m_reserved.find(record.transfer.id);
        if (it == m_reserved.end()) {
            problem(QStringLiteral("expiry %1 names transfer %2, which is not pending").arg(record.timestamp).arg(toDecimal(record.transfer.id)));
            break;
        }
        const Reservation reservation = it->second;
        m_reserved.erase(it);
        release(reservation, true);
        break;
    }
    }
}

QString JournalReplay::compare(const Account &stored) const
{
    auto it = m_accounts.find(stored.id);
    if (it == m_accounts.end())
        return QStringLiteral("account %1 is stored but never created in the journal").arg(toDecimal(stored.id));
    const Account &replayed = it->second;
    auto field = [&](const char *name, u128 replayedValue, u128 storedValue) -> QString {
        if (replayedValue == storedValue)
            return {};
        return QStringLiteral("account %1: %2 replays to %3, stored %4")
                .arg(toDecimal(stored.id), QLatin1StringView(name), toDecimal(replayedValue), toDecimal(storedValue));
    };
    for (const QString &difference : { field("debits_pending", replayed.debits_pending, stored.debits_pending),
                                       field("debits_posted", replayed.debits_posted, stored.debits_posted),
                                       field("credits_pending", replayed.credits_pending, stored.credits_pending),
                                       field("credits_posted", replayed.credits_posted, stored.credits_posted),
                                       field("flags", replayed.flags, stored.flags),
                                       field("timestamp", replayed.timestamp, stored.timestamp) }) {
        if (!difference.isEmpty())
            return difference;
    }
    return {};
}

} // namespace cabinet::ledger
