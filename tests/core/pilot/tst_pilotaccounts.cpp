// The pilot's accounts: all on ledger 2, opened idempotently, the grant
// counted to the unit; a transfer from a pilot account to a ledger-1 (USD)
// account is refused by the ledger, and nothing moves.
#include "TestSupport.h"
#include "ledger/Ledger.h"
#include "pilot/PilotAccounts.h"

using namespace cabinet;
using namespace cabinet::ledger;
using namespace cabinet::pilot;

class TestPilotAccounts : public QObject {
    Q_OBJECT

private slots:
    // Opened in pieces with others' ledger-2 accounts between them: the
    // count by timestamp range (after the first, by id) skips those and
    // gives the same credits.
    void aCountByRangeSkipsOthersAccounts()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        Ledger &ledger = c->service<Ledger>();
        PilotAccounts accounts(ledger, 1, 5);
        auto first = accounts.openSome(20'000, 2);
        QVERIFY(first && !*first);
        // Not the run's, yet coded as an issuer: counted, it would replace the issued credits.
        Account other;
        other.id = 99;
        other.ledger = PilotLedger;
        other.code = PilotCode::Issuer;
        Account another = other;
        another.id = 98;
        QVERIFY(ledger.createAccounts(std::vector { other, another }, Actor::system(QStringLiteral("test"))));
        Transfer t;
        t.id = 97;
        t.debit_account_id = 99;
        t.credit_account_id = 98;
        t.amount = 555;
        t.ledger = PilotLedger;
        t.code = 1;
        QVERIFY(ledger.createTransfers(std::vector { t }, Actor::system(QStringLiteral("test"))));
        for (;;) {
            auto done = accounts.openSome(20'000, 2);
            QVERIFY(done);
            if (*done)
                break;
        }
        CreditCount byId, byRange;
        for (CreditCount *count : { &byId, &byRange }) {
            size_t from = 0;
            for (;;) {
                auto done = accounts.countSome(*count, from, 3);
                QVERIFY(done);
                if (*done)
                    break;
            }
            QCOMPARE(from, accounts.accounts());
        }
        QCOMPARE(byRange.json(), byId.json());
        QCOMPARE(byRange.issued, 100'000);
        QVERIFY(byRange.balanced());
    }

    void opensIdempotentlyOnLedgerTwoOnly()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        Ledger &ledger = c->service<Ledger>();
        PilotAccounts accounts(ledger, 1, 10);
        QVERIFY(accounts.open(20'000));
        QVERIFY(accounts.open(20'000)); // again: creates nothing, grants nothing twice
        auto count = accounts.count();
        QVERIFY(count);
        QCOMPARE(count->issued, 200'000);
        QCOMPARE(count->held, 200'000);
        QCOMPARE(count->inEscrow, 0);
        QCOMPARE(count->fulfilled, 0);
        QVERIFY(count->balanced());

        QueryFilter all;
        all.limit = BatchMax;
        auto every = ledger.queryAccounts(all);
        QVERIFY(every);
        int pilot = 0;
        for (const Account &a : *every) {
            if (quint64(a.id >> 96) != IdTag)
                continue;
            ++pilot;
            QCOMPARE(a.ledger, PilotLedger);
        }
        QCOMPARE(pilot, 13);
        auto participant = ledger.lookupAccounts(std::vector<u128> { accounts.participant(3) });
        QVERIFY(participant && participant->size() == 1);
        QVERIFY(participant->front().has(AccountFlag::DebitsMustNotExceedCredits));
    }

    void runsNeverShareAnAccount()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        PilotAccounts first(c->service<Ledger>(), 1, 2);
        PilotAccounts second(c->service<Ledger>(), 2, 2);
        QVERIFY(first.participant(0) != second.participant(0));
        QVERIFY(first.escrow() != second.escrow());
        QVERIFY(first.open(100));
        QVERIFY(second.open(100));
        QCOMPARE(first.count()->issued, 200);
        QCOMPARE(second.count()->issued, 200);
    }

    void aCrossLedgerTransferIsRefused()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        Ledger &ledger = c->service<Ledger>();
        PilotAccounts accounts(ledger, 1, 1);
        QVERIFY(accounts.open(1'000));
        Account usd;
        usd.id = 77;
        usd.ledger = 1;
        usd.code = 1;
        const Actor actor = Actor::system(QStringLiteral("test"));
        QVERIFY(ledger.createAccounts(std::vector<Account> { usd }, actor));
        Transfer out;
        out.id = 78;
        out.debit_account_id = accounts.participant(0);
        out.credit_account_id = usd.id;
        out.amount = 100;
        out.ledger = PilotLedger;
        out.code = 1;
        auto results = ledger.createTransfers(std::vector<Transfer> { out }, actor);
        QVERIFY(results);
        QCOMPARE(results->front().status, CreateTransferStatus::AccountsMustHaveTheSameLedger);
        out.ledger = 1;
        results = ledger.createTransfers(std::vector<Transfer> { out }, actor);
        QVERIFY(results);
        QVERIFY(!isSuccess(results->front().status));
        QCOMPARE(accounts.count()->held, 1'000);
    }
};

QTEST_GUILESS_MAIN(TestPilotAccounts)
#include "tst_pilotaccounts.moc"
