// Randomized, model-based: thousands of seeded random batches against the
// SQLite backend and against ReferenceLedger (an independent, naive
// implementation in this folder). Every result (status and timestamp) and
// every account must agree after every batch, and the invariants must hold:
// sum(debits_posted) = sum(credits_posted), sum(debits_pending) =
// sum(credits_pending), and no limit ever breached. Deterministic: a failure
// names its seed and batch.
#include "LedgerTestSupport.h"
#include "ReferenceLedger.h"
#include "ledger/JournalReplay.h"

#include <QTest>

#include <random>

using namespace cabinet;
using namespace cabinet::ledger;
using namespace cabinet::ledger::test;

namespace {

QString describe(const Transfer &t)
{
    return QStringLiteral("transfer{id %1 dr %2 cr %3 amount %4 pending_id %5 flags 0x%6 timeout %7 ledger %8 code %9}")
            .arg(toDecimal(t.id), toDecimal(t.debit_account_id), toDecimal(t.credit_account_id), toDecimal(t.amount),
                 toDecimal(t.pending_id), QString::number(t.flags, 16))
            .arg(t.timeout)
            .arg(t.ledger)
            .arg(t.code);
}

QString describe(const Account &a)
{
    return QStringLiteral("account{id %1 dp %2 dpo %3 cp %4 cpo %5 flags 0x%6 ts %7}")
            .arg(toDecimal(a.id), toDecimal(a.debits_pending), toDecimal(a.debits_posted), toDecimal(a.credits_pending),
                 toDecimal(a.credits_posted), QString::number(a.flags, 16))
            .arg(a.timestamp);
}

// Random workloads biased towards events that pass most checks, so the
// interesting rules (limits, two-phase, chains, expiry) are reached often.
class Workload {
public:
    explicit Workload(u64 seed) : m_rng(seed) { }

    u64 below(u64 n) { return n == 0 ? 0 : m_rng() % n; }
    bool chance(int percent) { return int(below(100)) < percent; }
    template <typename T>
    const T &pick(const std::vector<T> &from) { return from[below(from.size())]; }

    std::vector<Account> accounts(int count)
    {
        std::vector<Account> batch;
        for (int i = 0; i < count; ++i) {
            Account a = account(++m_nextAccount, 0, chance(85) ? 1 : 2, u16(1 + below(3)));
            if (chance(25))
                a.flags |= AccountFlag::DebitsMustNotExceedCredits;
            else if (chance(20))
                a.flags |= AccountFlag::CreditsMustNotExceedDebits;
            if (chance(30))
                a.flags |= AccountFlag::History;
            if (chance(3))
                a.flags |= AccountFlag::Closed;
            if (chance(10))
                a.flags |= AccountFlag::Linked;
            if (chance(3))
                a.id = chance(50) ? 0 : pick(m_accounts); // failures and exists
            a.user_data_32 = u32(below(3));
            batch.push_back(a);
            m_accounts.push_back(a.id == 0 ? m_nextAccount : a.id);
        }
        return batch;
    }

    std::vector<Transfer> transfers(int count)
    {
        std::vector<Transfer> batch;
        for (int i = 0; i < count; ++i) {
            Transfer t = next();
            if (chance(18))
                t.flags |= TransferFlag::Linked;
            batch.push_back(t);
            if (m_history.size() < 4000)
                m_history.push_back(t);
            else
                m_history[below(m_history.size())] = t;
            if (t.has(TransferFlag::Pending))
                m_pending.push_back(t.id);
        }
        return batch;
    }

private:
    u128 amount()
    {
        const u64 roll = below(100);
        if (roll < 3)
            return U128Max - below(3); // overflow territory
        if (roll < 5)
            return 0;
        return 1 + below(roll < 80 ? 100 : 5000);
    }

    Transfer next()
    {
        const u64 kind = below(100);
        if (kind < 8 && !m_history.empty()) {
            Transfer t = pick(m_history); // a retry: exists, or a different field
            t.flags &= u16(~TransferFlag::Linked);
            if (chance(40)) {
                switch (below(6)) {
                case 0: t.amount += 1; break;
                case 1: t.user_data_64 = 1 + below(5); break;
                case 2: t.code = u16(1 + below(3)); break;
                case 3: t.debit_account_id = 0; break;
                case 4: t.flags ^= TransferFlag::Pending; break;
                default: t.timeout = u32(below(3)); break;
                }
            }
            return t;
        }
        Transfer t;
        t.id = chance(2) ? (chance(50) ? u128(0) : U128Max) : ++m_nextTransfer;
        t.ledger = chance(97) ? 1 : 2;
        t.code = u16(1 + below(3));
        t.user_data_128 = below(4);
        if (chance(1))
            t.flags |= u16(1u << (9 + below(7))); // reserved
        if (kind < 48 || m_pending.empty()) {
            t.debit_account_id = chance(3) ? u128(9999) : pick(m_accounts);
            t.credit_account_id = chance(3) ? u128(9998) : pick(m_accounts);
            t.amount = amount();
            if (chance(35)) {
                t.flags |= TransferFlag::Pending;
                if (chance(60))
                    t.timeout = u32(1 + below(3));
                if (chance(4))
                    t.flags |= chance(50) ? TransferFlag::ClosingDebit : TransferFlag::ClosingCredit;
            }
            if (chance(7))
                t.flags |= TransferFlag::BalancingDebit;
            if (chance(7))
                t.flags |= TransferFlag::BalancingCredit;
            if (chance(2))
                t.timeout = 1; // without pending
            if (chance(2))
                t.pending_id = 5;
            return t;
        }
        // Post or void a recent pending transfer.
        const bool post = chance(60);
        t.flags |= post ? TransferFlag::PostPendingTransfer : TransferFlag::VoidPendingTransfer;
        t.pending_id = m_pending[m_pending.size() - 1 - below(std::min<size_t>(m_pending.size(), 30))];
        t.ledger = chance(80) ? 0 : t.ledger;
        t.code = chance(80) ? 0 : t.code;
        const u64 roll = below(100);
        t.amount = roll < 40 ? (post ? AmountMax : 0) : roll < 90 ? u128(below(120)) : amount();
        if (chance(5))
            t.debit_account_id = pick(m_accounts);
        if (chance(3))
            t.flags |= TransferFlag::Pending;
        if (chance(3))
            t.pending_id = chance(50) ? t.id : u128(777777);
        return t;
    }

    std::mt19937_64 m_rng;
    u128 m_nextAccount = 0;
    u128 m_nextTransfer = 1'000'000;
    std::vector<u128> m_accounts;
    std::vector<u128> m_pending;
    std::vector<Transfer> m_history;
};

} // namespace

class TestLedgerModel : public QObject {
    Q_OBJECT

    // Everything the backend stores about the model's accounts must match.
    static QString compareAccounts(LedgerUnderTest &l, const ReferenceLedger &model)
    {
        std::vector<u128> ids;
        for (const auto &[id, account] : model.accounts())
            ids.push_back(id);
        auto stored = l->lookupAccounts(ids);
        if (!stored)
            return stored.error().message;
        if (stored->size() != ids.size())
            return QStringLiteral("%1 accounts stored, the model has %2").arg(stored->size()).arg(ids.size());
        u128 debitsPending = 0, creditsPending = 0, debitsPosted = 0, creditsPosted = 0;
        for (const Account &a : *stored) {
            const Account &expected = model.accounts().at(a.id);
            if (!(a == expected))
                return QStringLiteral("stored %1, model %2").arg(describe(a), describe(expected));
            // Sums wrap like u128 does, so they are compared modulo 2^128.
            debitsPending += a.debits_pending;
            creditsPending += a.credits_pending;
            debitsPosted += a.debits_posted;
            creditsPosted += a.credits_posted;
            if (a.has(AccountFlag::DebitsMustNotExceedCredits) && a.debits_pending + a.debits_posted > a.credits_posted)
                return QStringLiteral("limit breached: %1").arg(describe(a));
            if (a.has(AccountFlag::CreditsMustNotExceedDebits) && a.credits_pending + a.credits_posted > a.debits_posted)
                return QStringLiteral("limit breached: %1").arg(describe(a));
        }
        if (debitsPending != creditsPending || debitsPosted != creditsPosted)
            return QStringLiteral("sums differ: pending %1/%2, posted %3/%4")
                    .arg(toDecimal(debitsPending), toDecimal(creditsPending), toDecimal(debitsPosted), toDecimal(creditsPosted));
        return {};
    }

    static QString compareTransfers(LedgerUnderTest &l, const ReferenceLedger &model)
    {
        std::vector<u128> ids;
        for (const auto &[id, transfer] : model.transfers())
            ids.push_back(id);
        for (size_t from = 0; from < ids.size(); from += BatchMax) {
            const auto chunk = std::span(ids).subspan(from, std::min<size_t>(BatchMax, ids.size() - from));
            auto stored = l->lookupTransfers(chunk);
            if (!stored)
                return stored.error().message;
            if (stored->size() != chunk.size())
                return QStringLiteral("%1 transfers found, the model has %2").arg(stored->size()).arg(chunk.size());
            for (const Transfer &t : *stored) {
                if (!(t == model.transfers().at(t.id)))
                    return QStringLiteral("stored %1, model %2").arg(describe(t), describe(model.transfers().at(t.id)));
            }
        }
        return {};
    }

    // The open pending transfers, their order, expiries and total, as the model has them.
    static QString compareOpenPending(LedgerUnderTest &l, const ReferenceLedger &model)
    {
        auto reply = l->openPendingTransfers(BatchMax);
        if (!reply)
            return reply.error().message;
        std::vector<u128> expected = model.openPending();
        if (reply->total != expected.size())
            return QStringLiteral("%1 pending transfers open, the model has %2").arg(reply->total).arg(expected.size());
        expected.resize(std::min<size_t>(expected.size(), BatchMax));
        if (reply->transfers.size() != expected.size())
            return QStringLiteral("%1 open pending transfers listed, expected %2").arg(reply->transfers.size()).arg(expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const OpenPendingTransfer &open = reply->transfers[i];
            const Transfer &pending = model.transfers().at(expected[i]);
            if (!(open.transfer == pending))
                return QStringLiteral("open pending %1: listed %2, model %3").arg(i).arg(describe(open.transfer), describe(pending));
            const u64 expiresAtNs = pending.timeout ? pending.timestamp + pending.timeoutNs() : 0;
            if (open.expiresAtNs != expiresAtNs)
                return QStringLiteral("open pending %1 expires at %2, expected %3").arg(describe(pending)).arg(open.expiresAtNs).arg(expiresAtNs);
        }
        return {};
    }

private Q_SLOTS:
    void randomBatchesAgreeWithTheModel_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<int>("batches");
        QTest::newRow("seed 1") << quint64(1) << 1500;
        QTest::newRow("seed 2") << quint64(2) << 1000;
        QTest::newRow("seed 3") << quint64(0xC0FFEE) << 1000;
    }

    void randomBatchesAgreeWithTheModel()
    {
        QFETCH(quint64, seed);
        QFETCH(int, batches);
        auto l = makeSqliteLedger();
        QVERIFY2(l->backend, qPrintable(l->error));
        // What this test checks is the logic, not the disk: skip the fsyncs.
        QVERIFY(l->db->execScript(QStringLiteral("PRAGMA synchronous=OFF")));
        ReferenceLedger model;
        Workload work(seed);
        auto now = [&] { return u64(l->clock->nowNs()); };

        for (int round = 0; round < 3; ++round) {
            const auto events = work.accounts(12);
            const auto expected = model.createAccounts(events, now());
            auto got = l->backend->createAccounts(events);
            QVERIFY2(got, got ? "" : qPrintable(got.error().message));
            QCOMPARE(names(*got), names(expected));
            QVERIFY(*got == expected);
        }

        std::map<QString, int> seen; // statuses reached, to check the workload covers the rules
        for (int batch = 0; batch < batches; ++batch) {
            if (work.chance(8)) {
                const auto events = work.accounts(1 + int(work.below(3)));
                const auto expected = model.createAccounts(events, now());
                auto got = l->backend->createAccounts(events);
                QVERIFY(got && *got == expected);
            }
            const int size = work.chance(5) ? 100 + int(work.below(300)) : 1 + int(work.below(30));
            const auto events = work.transfers(size);
            const auto expected = model.createTransfers(events, now());
            auto got = l->backend->createTransfers(events);
            QVERIFY2(got, got ? "" : qPrintable(got.error().message));
            for (size_t i = 0; i < events.size(); ++i) {
                const auto &g = (*got)[i];
                const auto &e = expected[i];
                QVERIFY2(g == e, qPrintable(QStringLiteral("seed %1 batch %2 event %3 %4: got %5 @%6, model %7 @%8")
                                                    .arg(seed)
                                                    .arg(batch)
                                                    .arg(i)
                                                    .arg(describe(events[i]), QString(statusName(g.status)))
                                                    .arg(g.timestamp)
                                                    .arg(QString(statusName(e.status)))
                                                    .arg(e.timestamp)));
                ++seen[QString(statusName(g.status))];
            }
            const QString accounts = compareAccounts(*l, model);
            QVERIFY2(accounts.isEmpty(), qPrintable(QStringLiteral("seed %1 batch %2: %3").arg(seed).arg(batch).arg(accounts)));

            l->clock->advanceMs(qint64(work.below(work.chance(10) ? 4000 : 600)));
            if (work.chance(15)) {
                const u32 expired = model.expire(now());
                auto swept = l->backend->expirePending();
                QVERIFY(swept);
                QCOMPARE(swept->expired, expired);
            }
            if (batch % 250 == 249) {
                const QString transfers = compareTransfers(*l, model);
                QVERIFY2(transfers.isEmpty(), qPrintable(transfers));
                const QString open = compareOpenPending(*l, model);
                QVERIFY2(open.isEmpty(), qPrintable(QStringLiteral("seed %1 batch %2: %3").arg(seed).arg(batch).arg(open)));
            }
        }
        QCOMPARE(compareTransfers(*l, model), QString());
        QCOMPARE(compareOpenPending(*l, model), QString());

        // The workload reaches the rules that matter.
        for (const char *status : { "created", "exists", "linked_event_failed", "linked_event_chain_open", "exceeds_credits",
                                    "exceeds_debits", "pending_transfer_expired", "pending_transfer_already_posted",
                                    "pending_transfer_already_voided", "id_already_failed", "overflows_debits_posted",
                                    "debit_account_already_closed", "exists_with_different_amount", "exceeds_pending_transfer_amount" })
            QVERIFY2(seen[QString::fromLatin1(status)] > 0, status);

        // Memory mirrors the file; the journal replays to the stored balances.
        auto *sqlite = static_cast<SqliteLedgerBackend *>(l->backend.get());
        auto verified = sqlite->verifyHotState();
        QVERIFY2(verified, verified ? "" : qPrintable(verified.error().message));
        JournalReplay replay;
        for (u64 after = 0;;) {
            auto page = l->backend->journal(after, BatchMax);
            QVERIFY(page);
            for (const JournalRecord &record : *page)
                replay.apply(record);
            if (page->size() < BatchMax)
                break;
            after = page->back().timestamp;
        }
        QVERIFY2(replay.problems().isEmpty(), qPrintable(replay.problems().join(u'\n')));
        for (const auto &[id, account] : model.accounts())
            QCOMPARE(replay.compare(account), QString());

        // A fresh backend on the same file picks up exactly where this one stopped.
        l->backend = std::make_unique<SqliteLedgerBackend>(*l->db, *l->clock);
        QCOMPARE(compareAccounts(*l, model), QString());
        QCOMPARE(compareOpenPending(*l, model), QString());
        for (int batch = 0; batch < 50; ++batch) {
            const auto events = work.transfers(1 + int(work.below(30)));
            const auto expected = model.createTransfers(events, now());
            auto got = l->backend->createTransfers(events);
            QVERIFY(got);
            QVERIFY2(*got == expected, qPrintable(QStringLiteral("after reopening, batch %1").arg(batch)));
            l->clock->advanceMs(qint64(work.below(900)));
        }
        QCOMPARE(compareAccounts(*l, model), QString());
        QCOMPARE(compareOpenPending(*l, model), QString());
    }
};

QTEST_GUILESS_MAIN(TestLedgerModel)
#include "tst_ledgermodel.moc"
