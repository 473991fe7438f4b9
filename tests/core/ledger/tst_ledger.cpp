// The Ledger as Cabinet owns it: one event per batch, audit entries for an
// operator's batches, journal replay, persistence across reopening, a batch
// that fails to commit, and the expiry sweep on the core's timer.
#include "LedgerTestSupport.h"
#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "ledger/Ledger.h"
#include "service/Scheduler.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace cabinet;
using namespace cabinet::ledger;
using namespace cabinet::ledger::test;

namespace {

QStringList statuses(const Result<std::vector<CreateTransferResult>> &results)
{
    return results ? names(*results) : QStringList { QStringLiteral("error: ") + results.error().message };
}
QStringList statuses(const Result<std::vector<CreateAccountResult>> &results)
{
    return results ? names(*results) : QStringList { QStringLiteral("error: ") + results.error().message };
}

template <typename... Names>
QStringList S(Names... names)
{
    return QStringList { QString::fromLatin1(names)... };
}

QList<Event> ledgerEvents(EventBus &bus)
{
    QList<Event> found;
    auto all = bus.replay(0, 100000);
    if (all) {
        for (const Event &event : *all) {
            if (event.type.startsWith(QLatin1StringView("ledger.")))
                found.append(event);
        }
    }
    return found;
}

} // namespace

class TestLedger : public QObject {
    Q_OBJECT

    std::unique_ptr<cabinet::test::TestCabinet> m_c;
    Ledger &ledger() { return (*m_c)->service<cabinet::ledger::Ledger>(); }
    SqliteLedgerBackend &sqlite() { return static_cast<SqliteLedgerBackend &>(ledger().backend()); }
    Account lookup(u128 id)
    {
        auto found = ledger().lookupAccounts(std::span(&id, 1));
        return found && found->size() == 1 ? found->front() : Account {};
    }

private Q_SLOTS:
    void init()
    {
        m_c = std::make_unique<cabinet::test::TestCabinet>();
        QVERIFY(m_c->open());
    }
    void cleanup() { m_c.reset(); }

    void oneEventPerCommittedBatch()
    {
        EventBus &bus = (*m_c)->events();
        QSignalSpy published(&bus, &EventBus::published);
        QCOMPARE(statuses(ledger().createAccounts(std::vector { account(1), account(2), account(0) }, cabinet::test::tester())),
                 S("created", "created", "id_must_not_be_zero"));
        std::vector<Transfer> batch;
        for (u128 id = 1; id <= 100; ++id)
            batch.push_back(id % 10 == 0 ? transfer(id, 1, 99, 1) : transfer(id, 1, 2, 1));
        auto results = ledger().createTransfers(batch, cabinet::test::tester());
        QVERIFY(results);
        // Everything failed: nothing for a view to show, no event.
        QCOMPARE(statuses(ledger().createTransfers(std::vector { transfer(500, 1, 98, 1) }, cabinet::test::tester())), S("credit_account_not_found"));

        const QList<Event> recorded = ledgerEvents(bus);
        QCOMPARE(recorded.size(), 2);
        QCOMPARE(recorded[0].type, cabinet::events::LedgerAccountsCreated);
        QCOMPARE(recorded[0].payload.value(QStringLiteral("events")).toInt(), 3);
        QCOMPARE(recorded[0].payload.value(QStringLiteral("created")).toInt(), 2);
        QCOMPARE(recorded[0].payload.value(QStringLiteral("accounts")).toArray(), QJsonArray({ QStringLiteral("1"), QStringLiteral("2") }));
        QCOMPARE(recorded[1].type, cabinet::events::LedgerTransfersCreated);
        QCOMPARE(recorded[1].payload.value(QStringLiteral("events")).toInt(), 100);
        QCOMPARE(recorded[1].payload.value(QStringLiteral("created")).toInt(), 90);
        QCOMPARE(recorded[1].payload.value(QStringLiteral("failed")).toInt(), 10);
        QCOMPARE(recorded[1].payload.value(QStringLiteral("timestamp_min")).toString(), QString::number(results->front().timestamp));
        QCOMPARE(recorded[1].payload.value(QStringLiteral("timestamp_max")).toString(), QString::number(results->back().timestamp));
        QCOMPARE(recorded[1].payload.value(QStringLiteral("accounts_truncated")).toBool(), false);
        // Published once each, after the commit.
        int ledgerPublished = 0;
        for (const auto &args : published)
            ledgerPublished += args.at(0).value<Event>().type.startsWith(QLatin1StringView("ledger.")) ? 1 : 0;
        QCOMPARE(ledgerPublished, 2);

        // Touched accounts are listed up to a cap.
        std::vector<Account> many;
        for (u128 id = 1000; id < 1300; ++id)
            many.push_back(account(id));
        QVERIFY(ledger().createAccounts(many, cabinet::test::tester()));
        const Event big = ledgerEvents(bus).back();
        QCOMPARE(big.payload.value(QStringLiteral("accounts")).toArray().size(), Ledger::TouchedAccountsListed);
        QCOMPARE(big.payload.value(QStringLiteral("accounts_truncated")).toBool(), true);

        // Expiries: one event per sweep.
        QCOMPARE(statuses(ledger().createTransfers(std::vector { pending(600, 1, 2, 5, 1), pending(601, 2, 1, 5, 1) }, cabinet::test::tester())),
                 S("created", "created"));
        m_c->clock->advanceMs(1500);
        QCOMPARE(ledger().expirePending(cabinet::test::tester()).value(), 2u);
        const Event expired = ledgerEvents(bus).back();
        QCOMPARE(expired.type, cabinet::events::LedgerTransfersExpired);
        QCOMPARE(expired.payload.value(QStringLiteral("expired")).toInt(), 2);
        QCOMPARE(expired.payload.value(QStringLiteral("accounts")).toArray(), QJsonArray({ QStringLiteral("1"), QStringLiteral("2") }));
    }

    void everyBatchIsAuditedUnderItsActor()
    {
        AuditLog &audit = (*m_c)->audit();
        const qint64 before = audit.tail(1000)->size();
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2) }, Actor::person(QStringLiteral("alice"))));
        QVERIFY(ledger().createTransfers(std::vector { transfer(1, 1, 2, 5) }, Actor::system(QStringLiteral("costs")))); // a service's batch
        QVERIFY(ledger().createTransfers(std::vector { transfer(2, 1, 2, 5), transfer(3, 1, 9, 5) }, Actor::person(QStringLiteral("alice"))));
        QVERIFY(ledger().createTransfers(std::vector { transfer(4, 1, 9, 5) }, Actor::person(QStringLiteral("bob")))); // all failed: still audited
        const auto entries = audit.tail(1000).value();
        QCOMPARE(entries.size() - before, 4);
        QCOMPARE(entries[entries.size() - 3].actor, QStringLiteral("system:costs"));
        const AuditEntry &transfers = entries[entries.size() - 2];
        QCOMPARE(transfers.actor, QStringLiteral("operator:alice"));
        QCOMPARE(transfers.action, QStringLiteral("ledger.create_transfers"));
        QVERIFY(transfers.payloadJson.contains("\"created\":1"));
        QVERIFY(transfers.payloadJson.contains("\"failed\":1"));
        QCOMPARE(entries.back().actor, QStringLiteral("operator:bob"));
        QVERIFY(audit.verify()->intact);
    }

    void journalReplaysToTheStoredBalances()
    {
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2, AccountFlag::DebitsMustNotExceedCredits),
                                                      account(3, AccountFlag::History), account(4) }, cabinet::test::tester()));
        QVERIFY(ledger().createTransfers(std::vector {
                transfer(1, 1, 2, 100), pending(2, 2, 3, 40, 1), pending(3, 1, 3, 7), post(4, 3, 5),
                pending(5, 4, 1, 1, 0, TransferFlag::ClosingDebit), transfer(6, 2, 3, 10, TransferFlag::BalancingDebit),
                pending(7, 3, 1, 2), voiding(8, 7) }, cabinet::test::tester()));
        m_c->clock->advanceMs(2000);
        QCOMPARE(ledger().expirePending(cabinet::test::tester()).value(), 1u);
        QVERIFY(lookup(4).has(AccountFlag::Closed));

        auto report = ledger().replayJournal();
        QVERIFY2(report, report ? "" : qPrintable(report.error().message));
        QVERIFY2(report->matches(), qPrintable(report->mismatches.join(u'\n')));
        QCOMPARE(report->accounts, 4);
        QCOMPARE(report->records, 4 + 8 + 1);

        // A balance changed behind the ledger's back is caught, by name.
        QVERIFY((*m_c)->database().execScript(
                QStringLiteral("UPDATE ledger_account_state SET balances = x'%1' WHERE timestamp ="
                               " (SELECT timestamp FROM ledger_accounts WHERE id = x'00000000000000000000000000000002')")
                        .arg(QStringLiteral("%1%2%1%3").arg(QString(32, u'0'), QStringLiteral("%1").arg(10, 32, 16, QLatin1Char('0')),
                                                              QStringLiteral("%1").arg(99, 32, 16, QLatin1Char('0'))))));
        report = ledger().replayJournal();
        QVERIFY(report);
        QVERIFY(!report->matches());
        QVERIFY2(report->mismatches.first().contains(QStringLiteral("account 2: credits_posted replays to 100, stored 99")),
                 qPrintable(report->mismatches.first()));
    }

    void journalCanBeTailed()
    {
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2) }, cabinet::test::tester()));
        QVERIFY(ledger().createTransfers(std::vector { transfer(1, 1, 2, 1), pending(2, 1, 2, 1, 1), transfer(3, 2, 1, 1) }, cabinet::test::tester()));
        m_c->clock->advanceMs(1500);
        QVERIFY(ledger().expirePending(cabinet::test::tester()));
        QVERIFY(ledger().createTransfers(std::vector { transfer(4, 1, 2, 1) }, cabinet::test::tester()));
        std::vector<JournalRecord::Kind> kinds;
        u64 after = 0;
        for (;;) {
            auto page = ledger().journal(after, 2);
            QVERIFY(page);
            for (const JournalRecord &record : *page) {
                QVERIFY(record.timestamp > after);
                after = record.timestamp;
                kinds.push_back(record.kind);
            }
            if (page->empty())
                break;
        }
        using K = JournalRecord::Kind;
        QCOMPARE(kinds, (std::vector<K> { K::AccountCreated, K::AccountCreated, K::Transfer, K::Transfer, K::Transfer, K::Expiry,
                                          K::Transfer }));
    }

    void persistsAcrossReopening()
    {
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2) }, cabinet::test::tester()));
        auto results = ledger().createTransfers(std::vector { transfer(10, 1, 2, 5), pending(11, 1, 2, 7, 60), transfer(12, 1, 9, 1) }, cabinet::test::tester());
        QCOMPARE(statuses(results), S("created", "created", "credit_account_not_found"));
        // A batch that failed whole still consumed its timestamps.
        QCOMPARE(statuses(ledger().createTransfers(std::vector { transfer(13, 1, 8, 1) }, cabinet::test::tester())), S("credit_account_not_found"));
        const u64 lastSlot = u64(m_c->clock->nowNs()) + 4; // slots: accounts ..now, transfers ..now+3, then now+4

        const auto pendingBefore = ledger().lookupTransfers(std::vector<u128> { 11 });
        QVERIFY(pendingBefore && pendingBefore->size() == 1);

        QVERIFY(m_c->open()); // the clock has not moved
        QCOMPARE(lookup(1).debits_posted, u128(5));
        QCOMPARE(lookup(1).debits_pending, u128(7));
        // The open pending transfer comes back with the hot state, expiry and all.
        auto open = ledger().openPendingTransfers(BatchMax);
        QVERIFY2(open, open ? "" : qPrintable(open.error().message));
        QCOMPARE(open->total, u64(1));
        QCOMPARE(open->transfers.size(), size_t(1));
        QVERIFY(open->transfers.front().transfer == pendingBefore->front());
        QCOMPARE(open->transfers.front().expiresAtNs, pendingBefore->front().timestamp + 60 * NsPerSecond);
        QCOMPARE(statuses(ledger().createTransfers(std::vector { transfer(12, 1, 2, 1), post(14, 11) }, cabinet::test::tester())), S("id_already_failed", "created"));
        auto after = ledger().lookupTransfers(std::vector<u128> { 14 });
        QVERIFY(after && after->size() == 1);
        QVERIFY2(after->front().timestamp > lastSlot, "timestamps go on after the last one handed out, failed slots included");
        QCOMPARE(lookup(2).credits_posted, u128(12));
        QCOMPARE(ledger().openPendingTransfers(BatchMax)->total, u64(0));
        QVERIFY(sqlite().verifyHotState());
    }

    void batchThatFailsToCommitLeavesNothing()
    {
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2), account(3) }, cabinet::test::tester()));
        QVERIFY(ledger().createTransfers(std::vector { transfer(1, 1, 2, 10), pending(2, 1, 3, 4, 30) }, cabinet::test::tester()));
        QVERIFY(sqlite().verifyHotState());
        const QList<Event> eventsBefore = ledgerEvents((*m_c)->events());

        // A real failure half-way through writing the batch: SQLite refuses one row.
        Database &db = (*m_c)->database();
        QVERIFY(db.execScript(QStringLiteral("CREATE TEMP TRIGGER poison BEFORE INSERT ON ledger_transfers"
                                             " WHEN NEW.id = x'00000000000000000000000000000066'"
                                             " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")));
        const std::vector batch { transfer(100, 1, 2, 1), post(101, 2), transfer(0x66, 2, 3, 1), transfer(103, 1, 7, 1),
                                  pending(104, 3, 1, 1, 0, TransferFlag::ClosingDebit) };
        auto failed = ledger().createTransfers(batch, Actor::person(QStringLiteral("alice")));
        QVERIFY(!failed);
        QVERIFY2(failed.error().message.contains(QStringLiteral("disk on fire")), qPrintable(failed.error().message));

        // Nothing applied: not in the file, not in memory, no event, no audit entry.
        QVERIFY(ledger().lookupTransfers(std::vector<u128> { 100, 101, 0x66, 103 })->empty());
        auto open = ledger().openPendingTransfers(BatchMax);
        QVERIFY(open && open->total == 1 && open->transfers.front().transfer.id == 2); // not posted, 104 not created
        QCOMPARE(lookup(1).debits_posted, u128(10));
        QCOMPARE(lookup(1).debits_pending, u128(4));
        auto verified = sqlite().verifyHotState();
        QVERIFY2(verified, verified ? "" : qPrintable(verified.error().message));
        QCOMPARE(ledgerEvents((*m_c)->events()).size(), eventsBefore.size());
        // 103 failed transiently inside the rolled-back batch: not remembered either.
        QVERIFY(db.execScript(QStringLiteral("DROP TRIGGER poison")));
        QCOMPARE(statuses(ledger().createTransfers(batch, cabinet::test::tester())),
                 S("created", "created", "created", "credit_account_not_found", "created"));
        QCOMPARE(lookup(1).debits_posted, u128(15));
        QVERIFY(lookup(3).has(AccountFlag::Closed));

        // A failure at the very end (writing the touched accounts back) is undone as well.
        QVERIFY(db.execScript(QStringLiteral("CREATE TEMP TRIGGER poison BEFORE UPDATE ON ledger_account_state"
                                             " BEGIN SELECT RAISE(ABORT, 'late failure'); END")));
        QVERIFY(!ledger().createTransfers(std::vector { transfer(200, 1, 2, 1), voiding(201, 104) }, cabinet::test::tester()));
        QVERIFY(db.execScript(QStringLiteral("DROP TRIGGER poison")));
        verified = sqlite().verifyHotState();
        QVERIFY2(verified, verified ? "" : qPrintable(verified.error().message));
        QVERIFY(lookup(3).has(AccountFlag::Closed));
        QCOMPARE(statuses(ledger().createTransfers(std::vector { transfer(200, 1, 2, 1), voiding(201, 104) }, cabinet::test::tester())), S("created", "created"));
        QVERIFY(!lookup(3).has(AccountFlag::Closed));
        QVERIFY(ledger().replayJournal()->matches());

        // An error that makes SQLite roll the whole transaction back (disk
        // full does): the writes after it must not commit one by one.
        QVERIFY(db.execScript(QStringLiteral("CREATE TEMP TRIGGER poison BEFORE INSERT ON ledger_transfers"
                                             " WHEN NEW.id = x'00000000000000000000000000000131'"
                                             " BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END")));
        const Account before = lookup(1);
        QVERIFY(!ledger().createTransfers(std::vector { transfer(300, 1, 2, 7), transfer(0x131, 1, 2, 8), transfer(302, 1, 2, 9) }, cabinet::test::tester()));
        QVERIFY(db.execScript(QStringLiteral("DROP TRIGGER poison")));
        QVERIFY(ledger().lookupTransfers(std::vector<u128> { 300, 302 })->empty());
        QCOMPARE(lookup(1).debits_posted, before.debits_posted);
        verified = sqlite().verifyHotState();
        QVERIFY2(verified, verified ? "" : qPrintable(verified.error().message));
        QVERIFY(ledger().replayJournal()->matches());
    }

    void batchesThatMoveManyAccountsWriteThemAllBack()
    {
        // More accounts than one multi-row write-back statement holds (128), and not a multiple of it.
        std::vector<Account> accounts;
        for (u128 id = 1; id <= 301; ++id)
            accounts.push_back(account(id, id % 3 == 0 ? AccountFlag::History : 0));
        QVERIFY(ledger().createAccounts(accounts, cabinet::test::tester()));
        std::vector<Transfer> batch;
        for (u128 id = 1; id <= 301; ++id)
            batch.push_back(id % 7 == 0 ? pending(id, id, id % 301 + 1, id) : transfer(id, id, id % 301 + 1, id));
        QCOMPARE(ledger().createTransfers(batch, cabinet::test::tester())->size(), size_t(301));
        QVERIFY(sqlite().verifyHotState());
        QCOMPARE(lookup(300).debits_posted, u128(300));
        QCOMPARE(lookup(301).credits_posted, u128(300));
        QCOMPARE(lookup(1).credits_pending, u128(301)); // 301 is a pending one
        QCOMPARE(lookup(2).credits_posted, u128(1));
        QCOMPARE(lookup(8).credits_pending, u128(7));
        QVERIFY(m_c->open());
        QCOMPARE(lookup(300).debits_posted, u128(300));
        QVERIFY(ledger().replayJournal()->matches());
    }

    void queriesWalkAcrossEpochs()
    {
        // Per-account lists and the user_data_128 index are kept per epoch of
        // 65,536 transfers: queries must stitch epochs together in order.
        QVERIFY((*m_c)->database().execScript(QStringLiteral("PRAGMA synchronous=OFF"))); // speed, not the point here
        QVERIFY(ledger().createAccounts(std::vector { account(1, AccountFlag::History), account(2), account(3) }, cabinet::test::tester()));
        const u128 total = 70'000;
        std::vector<u128> ofAccount1, tagged;
        std::vector<Transfer> batch;
        for (u128 id = 1; id <= total; ++id) {
            const int kind = int(id % 3);
            Transfer t = kind == 0 ? transfer(id, 1, 2, 1) : kind == 1 ? transfer(id, 2, 3, 1) : transfer(id, 3, 1, 2);
            if (id % 997 == 0)
                t.user_data_128 = 42;
            if (kind != 1)
                ofAccount1.push_back(id);
            if (t.user_data_128 == 42)
                tagged.push_back(id);
            batch.push_back(t);
            if (batch.size() == BatchMax || id == total) {
                auto results = ledger().createTransfers(batch, cabinet::test::tester());
                QVERIFY(results);
                QCOMPARE(qsizetype(std::count_if(results->begin(), results->end(),
                                                 [](const auto &r) { return r.status == CreateTransferStatus::Created; })),
                         qsizetype(batch.size()));
                batch.clear();
                m_c->clock->advanceMs(10);
            }
        }
        auto epochs = [&] {
            auto &count = (*m_c)->database().statement("SELECT count(*) FROM ledger_epochs");
            const bool read = *count.step();
            const qint64 n = read ? count.int64(0) : -1;
            count.reset();
            return n;
        };
        QCOMPARE(epochs(), 2);

        // Page through account 1, oldest first and newest first.
        auto pages = [&](u32 flags) {
            std::vector<u128> ids;
            AccountFilter filter;
            filter.account_id = 1;
            filter.flags = AccountFilterFlag::Debits | AccountFilterFlag::Credits | flags;
            filter.limit = 5000;
            for (;;) {
                auto page = ledger().getAccountTransfers(filter);
                if (!page || page->empty())
                    break;
                for (const Transfer &t : *page)
                    ids.push_back(t.id);
                if (flags & AccountFilterFlag::Reversed)
                    filter.timestamp_max = page->back().timestamp - 1;
                else
                    filter.timestamp_min = page->back().timestamp + 1;
            }
            return ids;
        };
        QCOMPARE(pages(0), ofAccount1);
        std::vector<u128> newestFirst(ofAccount1.rbegin(), ofAccount1.rend());
        QCOMPARE(pages(AccountFilterFlag::Reversed), newestFirst);

        // A time window across the boundary, one side only.
        const u64 lo = ledger().lookupTransfers(std::vector<u128> { 65'000 })->front().timestamp;
        const u64 hi = ledger().lookupTransfers(std::vector<u128> { 66'100 })->front().timestamp;
        AccountFilter window;
        window.account_id = 1;
        window.flags = AccountFilterFlag::Credits;
        window.timestamp_min = lo;
        window.timestamp_max = hi;
        window.limit = BatchMax;
        std::vector<u128> expected;
        for (u128 id = 65'000; id <= 66'100; ++id) {
            if (id % 3 == 2)
                expected.push_back(id);
        }
        std::vector<u128> got;
        const auto inWindow = ledger().getAccountTransfers(window); // (a Result temporary would not outlive the loop)
        for (const Transfer &t : inWindow.value())
            got.push_back(t.id);
        QCOMPARE(got, expected);

        // user_data_128 through its per-epoch index, both ways.
        QueryFilter byTag;
        byTag.user_data_128 = 42;
        byTag.limit = BatchMax;
        got.clear();
        const auto allTagged = ledger().queryTransfers(byTag);
        for (const Transfer &t : allTagged.value())
            got.push_back(t.id);
        QCOMPARE(got, tagged);
        byTag.flags = QueryFilterFlag::Reversed;
        byTag.limit = 3;
        got.clear();
        const auto newestTagged = ledger().queryTransfers(byTag);
        for (const Transfer &t : newestTagged.value())
            got.push_back(t.id);
        QCOMPARE(got, (std::vector<u128> { tagged.end()[-1], tagged.end()[-2], tagged.end()[-3] }));

        // Balance history follows the same lists; the last one is the account now.
        AccountFilter history;
        history.account_id = 1;
        history.flags = AccountFilterFlag::Debits | AccountFilterFlag::Credits | AccountFilterFlag::Reversed;
        history.limit = 1;
        const auto last = ledger().getAccountBalances(history).value();
        QCOMPARE(last.size(), size_t(1));
        QCOMPARE(last[0].credits_posted, lookup(1).credits_posted);
        QCOMPARE(last[0].debits_posted, lookup(1).debits_posted);

        // The count of transfers (which decides epochs) survives reopening.
        QVERIFY(m_c->open());
        QVERIFY(sqlite().verifyHotState());
        std::vector<Transfer> more;
        for (u128 id = total + 1; id <= total + 70'000 - 65'536 + 1; ++id)
            more.push_back(transfer(id, 1, 2, 1));
        QVERIFY(ledger().createTransfers(more, cabinet::test::tester()));
        QCOMPARE(epochs(), 2); // 140,001 transfers would be the third; 74,465 are not
        QCOMPARE(pages(0).size(), ofAccount1.size() + more.size());
    }

    void expirySweepRunsOnTheCoreTimer()
    {
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2) }, cabinet::test::tester()));
        QVERIFY(ledger().createTransfers(std::vector { pending(1, 1, 2, 5, 1) }, cabinet::test::tester()));
        QVERIFY((*m_c)->start());
        m_c->clock->advanceMs(1500);
        QTRY_COMPARE_WITH_TIMEOUT(lookup(1).debits_pending, u128(0), 5000);
        QCOMPARE(statuses(ledger().createTransfers(std::vector { post(2, 1) }, cabinet::test::tester())), S("pending_transfer_expired"));
        (*m_c)->stop();
    }

    // On the scheduler with a ManualClock: a pending transfer with a timeout
    // expires the moment the clock passes its expiry (no waiting, no event
    // loop), audited under the ledger's expiry.
    void pendingTransferExpiresTheMomentTheClockPassesItsExpiry()
    {
        QVERIFY((*m_c)->start());
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2) }, cabinet::test::tester()));
        QCOMPARE(ledger().nextDeadlineNs(), std::nullopt);
        auto created = ledger().createTransfers(std::vector { pending(1, 1, 2, 5, 10), pending(2, 1, 2, 7, 20) }, cabinet::test::tester());
        QCOMPARE(statuses(created), S("created", "created"));
        const qint64 first = qint64(created->at(0).timestamp + 10 * NsPerSecond);
        const qint64 second = qint64(created->at(1).timestamp + 20 * NsPerSecond);
        QCOMPARE(ledger().nextDeadlineNs(), std::optional<qint64>(first));
        QVERIFY((*m_c)->scheduler().nextDeadlineNs().value_or(first + 1) <= first);
        AuditLog &audit = (*m_c)->audit();
        const qint64 auditBefore = audit.tail(1)->first().seq;
        const auto expiries = [&] {
            QList<AuditEntry> found;
            for (const AuditEntry &entry : audit.entriesAfter(auditBefore, 1000).value()) {
                if (entry.action.startsWith(u"ledger."))
                    found.append(entry);
            }
            return found;
        };

        m_c->clock->setNs(first - 1);
        QCOMPARE(lookup(1).debits_pending, u128(12));
        QVERIFY(expiries().isEmpty());
        m_c->clock->advanceNs(1);
        QCOMPARE(lookup(1).debits_pending, u128(7)); // at once: no QTRY
        QCOMPARE(lookup(2).credits_pending, u128(7));
        QCOMPARE(expiries().size(), 1);
        QCOMPARE(expiries().first().actor, QStringLiteral("system:ledger.expiry"));
        QCOMPARE(expiries().first().action, QStringLiteral("ledger.expire"));
        QCOMPARE(ledger().nextDeadlineNs(), std::optional<qint64>(second));

        // Far past the second: it goes too, in one sweep, and nothing is left.
        m_c->clock->setNs(second + 3600 * qint64(NsPerSecond));
        QCOMPARE(lookup(1).debits_pending, u128(0));
        QCOMPARE(expiries().size(), 2);
        QCOMPARE(expiries().last().actor, QStringLiteral("system:ledger.expiry"));
        QCOMPARE(ledger().nextDeadlineNs(), std::nullopt);
        QCOMPARE(statuses(ledger().createTransfers(std::vector { post(3, 1) }, cabinet::test::tester())), S("pending_transfer_expired"));
        (*m_c)->stop();

        // A stopped core sweeps nothing: the clock passing an expiry leaves it pending.
        QVERIFY(ledger().createTransfers(std::vector { pending(4, 1, 2, 1, 1) }, cabinet::test::tester()));
        m_c->clock->advanceMs(5000);
        QCOMPARE(lookup(1).debits_pending, u128(1));
    }

    void readOnlyCabinetReadsButDoesNotWrite()
    {
        QVERIFY(ledger().createAccounts(std::vector { account(1), account(2) }, cabinet::test::tester()));
        QVERIFY(ledger().createTransfers(std::vector { transfer(1, 1, 2, 3), pending(3, 2, 1, 1) }, cabinet::test::tester()));
        Cabinet::Options options;
        options.dataDir = m_c->dir.path();
        options.readOnly = true;
        auto reader = Cabinet::open(options);
        QVERIFY2(reader, reader ? "" : qPrintable(reader.error().message));
        auto found = (*reader)->service<Ledger>().lookupAccounts(std::vector<u128> { 2 });
        QVERIFY(found && found->size() == 1);
        QCOMPARE(found->front().credits_posted, u128(3));
        // Listing the open pending transfers loads the hot state, a read.
        auto open = (*reader)->service<Ledger>().openPendingTransfers(BatchMax);
        QVERIFY2(open, open ? "" : qPrintable(open.error().message));
        QCOMPARE(open->total, u64(1));
        QCOMPARE(open->transfers.front().transfer.id, u128(3));
        auto refused = (*reader)->service<Ledger>().createTransfers(std::vector { transfer(2, 1, 2, 3) }, cabinet::test::tester());
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("read-only")), qPrintable(refused.error().message));
    }
};

QTEST_GUILESS_MAIN(TestLedger)
#include "tst_ledger.moc"
