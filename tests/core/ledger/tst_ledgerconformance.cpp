// The conformance suite: the ledger's rules (docs/ledger.md), case by case,
// run against every LedgerBackend. It follows the walk of TigerBeetle's
// state machine test "create_transfers/lookup_transfers": each status in
// precedence order, each case breaking its own rule *and* the next one, so
// the earlier rule must win. Written from the spec, not from TigerBeetle's
// code.
#include "LedgerTestSupport.h"

#include <QTest>

using namespace cabinet;
using namespace cabinet::ledger;
using namespace cabinet::ledger::test;

namespace {

struct AccountCase {
    Account event;
    const char *status;
};
struct TransferCase {
    Transfer event;
    const char *status;
};

constexpr u16 Linked = TransferFlag::Linked;

template <typename... Names>
QStringList S(Names... names)
{
    return QStringList { QString::fromLatin1(names)... };
}

// Runs the cases and stops the test function at the first that differs.
#define WALK(Case, ...)                                                                                                \
    do {                                                                                                               \
        walkCases<Case>(__VA_ARGS__);                                                                                  \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)
constexpr u64 Second = NsPerSecond;

} // namespace

class TestLedgerConformance : public QObject {
    Q_OBJECT
public:
    TestLedgerConformance(QString backendName, LedgerFactory factory)
        : m_backendName(std::move(backendName)), m_factory(std::move(factory))
    {
    }

private:
    QString m_backendName;
    LedgerFactory m_factory;
    std::unique_ptr<LedgerUnderTest> m_l;

    // Runs one single-event batch per case, in order; names the first case that differs.
    template <typename Case>
    void walkCases(const std::vector<Case> &cases)
    {
        for (size_t i = 0; i < cases.size(); ++i) {
            QStringList got;
            if constexpr (std::is_same_v<Case, AccountCase>)
                got = m_l->accounts({ cases[i].event });
            else
                got = m_l->transfers({ cases[i].event });
            const QString expected = QString::fromLatin1(cases[i].status);
            QVERIFY2(got == QStringList { expected },
                     qPrintable(QStringLiteral("case %1: expected %2, got %3").arg(i).arg(expected, got.join(u','))));
        }
    }

    void fund(u128 id, u128 debit, u128 credit, u128 amount)
    {
        QCOMPARE(m_l->transfers({ transfer(id, debit, credit, amount) }), QStringList { QStringLiteral("created") });
    }

private Q_SLOTS:
    void initTestCase() { qInfo("backend: %s", qPrintable(m_backendName)); }

    void init()
    {
        m_l = m_factory();
        QVERIFY2(m_l->backend, qPrintable(m_l->error));
    }
    void cleanup() { m_l.reset(); }

    // --- create_accounts --------------------------------------------------

    void accountStatusesInPrecedenceOrder()
    {
        auto with = [](auto change) {
            Account a = account(1);
            change(a);
            return a;
        };
        WALK(AccountCase, {
                { with([](Account &a) { a.timestamp = 5; a.reserved = 1; }), "timestamp_must_be_zero" },
                { with([](Account &a) { a.reserved = 1; a.flags = 1 << 6; }), "reserved_field" },
                { with([](Account &a) { a.flags = 1 << 15; a.id = 0; }), "reserved_flag" },
                { with([](Account &a) { a.id = 0; a.ledger = 0; }), "id_must_not_be_zero" },
                { with([](Account &a) { a.id = U128Max; a.ledger = 0; }), "id_must_not_be_int_max" },
                { with([](Account &a) {
                      a.flags = AccountFlag::DebitsMustNotExceedCredits | AccountFlag::CreditsMustNotExceedDebits;
                      a.debits_pending = 1;
                  }),
                  "flags_are_mutually_exclusive" },
                { with([](Account &a) { a.debits_pending = 1; a.debits_posted = 1; }), "debits_pending_must_be_zero" },
                { with([](Account &a) { a.debits_posted = 1; a.credits_pending = 1; }), "debits_posted_must_be_zero" },
                { with([](Account &a) { a.credits_pending = 1; a.credits_posted = 1; }), "credits_pending_must_be_zero" },
                { with([](Account &a) { a.credits_posted = 1; a.ledger = 0; }), "credits_posted_must_be_zero" },
                { with([](Account &a) { a.ledger = 0; a.code = 0; }), "ledger_must_not_be_zero" },
                { with([](Account &a) { a.code = 0; }), "code_must_not_be_zero" },
                { with([](Account &a) { a.user_data_128 = 7; }), "created" },
                // Idempotency comes before every field rule below the id checks.
                { with([](Account &a) { a.flags = AccountFlag::History; a.user_data_128 = 8; }), "exists_with_different_flags" },
                { with([](Account &a) { a.flags = AccountFlag::DebitsMustNotExceedCredits | AccountFlag::CreditsMustNotExceedDebits; }),
                  "exists_with_different_flags" },
                { with([](Account &a) { a.user_data_128 = 8; a.user_data_64 = 1; }), "exists_with_different_user_data_128" },
                { with([](Account &a) { a.user_data_128 = 7; a.user_data_64 = 1; a.user_data_32 = 1; }),
                  "exists_with_different_user_data_64" },
                { with([](Account &a) { a.user_data_128 = 7; a.user_data_32 = 1; a.ledger = 2; }),
                  "exists_with_different_user_data_32" },
                { with([](Account &a) { a.user_data_128 = 7; a.ledger = 2; a.code = 11; }), "exists_with_different_ledger" },
                { with([](Account &a) { a.user_data_128 = 7; a.ledger = 0; }), "exists_with_different_ledger" },
                { with([](Account &a) { a.user_data_128 = 7; a.code = 11; }), "exists_with_different_code" },
                { with([](Account &a) { a.user_data_128 = 7; a.debits_posted = 5; }), "exists" },
                { with([](Account &a) { a.user_data_128 = 7; }), "exists" },
        });
        QCOMPARE(m_l->lookup(1).user_data_128, u128(7));
        QCOMPARE(m_l->lookup(1).debits_posted, u128(0));
    }

    void accountResultTimestamps()
    {
        const u64 now = u64(m_l->clock->nowNs());
        std::vector<CreateAccountResult> results;
        QCOMPARE(m_l->accounts({ account(1), account(0), account(2) }, &results),
                 S("created", "id_must_not_be_zero", "created"));
        // Event i of n gets T - n + i + 1; the failed one keeps its slot.
        QCOMPARE(results[0].timestamp, now - 2);
        QCOMPARE(results[1].timestamp, now - 1);
        QCOMPARE(results[2].timestamp, now);
        QCOMPARE(results[1].index, 1u);
        QCOMPARE(m_l->lookup(1).timestamp, now - 2);
        QCOMPARE(m_l->lookup(2).timestamp, now);

        // The clock has not moved: the next batch still comes strictly after.
        QCOMPARE(m_l->accounts({ account(3), account(1) }, &results), S("created", "exists"));
        QCOMPARE(results[0].timestamp, now + 1);
        QCOMPARE(results[1].timestamp, now - 2); // exists carries the object's timestamp
        QCOMPARE(m_l->lookup(3).timestamp, now + 1);

        // A batch in which everything failed still consumed its slots.
        QCOMPARE(m_l->accounts({ account(0) }, &results), S("id_must_not_be_zero"));
        QCOMPARE(results[0].timestamp, now + 3);
        QCOMPARE(m_l->accounts({ account(4) }, &results), S("created"));
        QCOMPARE(results[0].timestamp, now + 4);

        m_l->clock->advanceMs(1000);
        QCOMPARE(m_l->accounts({ account(5) }, &results), S("created"));
        QCOMPARE(results[0].timestamp, u64(m_l->clock->nowNs()));
    }

    void accountLinkedChains()
    {
        const u16 linked = AccountFlag::Linked;
        QCOMPARE(m_l->accounts({ account(10, linked), account(11, linked), account(12) }),
                 S("created", "created", "created"));
        QVERIFY(m_l->lookup(10).has(AccountFlag::Linked)); // the flag is stored, the grouping is not

        QCOMPARE(m_l->accounts({ account(20, linked), account(0, linked), account(21) }),
                 S("linked_event_failed", "id_must_not_be_zero", "linked_event_failed"));
        QCOMPARE(m_l->lookup(20).id, u128(0));
        QCOMPARE(m_l->lookup(21).id, u128(0));

        // `exists` breaks a chain too.
        QCOMPARE(m_l->accounts({ account(30, linked), account(12) }), S("linked_event_failed", "exists"));
        QCOMPARE(m_l->lookup(30).id, u128(0));

        // `linked` on the last event: the chain is open and fails whole.
        QCOMPARE(m_l->accounts({ account(40), account(41, linked), account(42, linked) }),
                 S("created", "linked_event_failed", "linked_event_chain_open"));
        QCOMPARE(m_l->lookup(41).id, u128(0));
        QCOMPARE(m_l->accounts({ account(43, linked) }), S("linked_event_chain_open"));
        // The open-chain check runs before the "already broken" one.
        QCOMPARE(m_l->accounts({ account(50, linked), account(0, linked), account(51, linked) }),
                 S("linked_event_failed", "id_must_not_be_zero", "linked_event_chain_open"));

        // Two chains: one failing does not touch the other.
        QCOMPARE(m_l->accounts({ account(60, linked), account(61), account(62, linked), account(0), account(63) }),
                 S("created", "created", "linked_event_failed", "id_must_not_be_zero", "created"));
        QCOMPARE(m_l->lookup(61).id, u128(61));
        QCOMPARE(m_l->lookup(62).id, u128(0));

        // The ids of a rolled-back chain are free again.
        QCOMPARE(m_l->accounts({ account(20), account(30), account(41) }), S("created", "created", "created"));
        QCOMPARE(m_l->accounts({ account(10) }), S("exists_with_different_flags"));
    }

    void importedAccounts()
    {
        const u16 imported = AccountFlag::Imported;
        auto at = [&](u128 id, u64 timestamp, u16 flags = AccountFlag::Imported) {
            Account a = account(id, flags);
            a.timestamp = timestamp;
            return a;
        };
        std::vector<CreateAccountResult> results;
        QCOMPARE(m_l->accounts({ at(1, 1000) }, &results), S("created"));
        QCOMPARE(results[0].timestamp, u64(1000));
        QCOMPARE(m_l->lookup(1).timestamp, u64(1000));

        WALK(AccountCase, {
                { at(2, 0), "imported_event_timestamp_out_of_range" },
                { at(2, u64(1) << 63), "imported_event_timestamp_out_of_range" },
                { at(2, u64(m_l->clock->nowNs()) + 10 * Second), "imported_event_timestamp_must_not_advance" },
                { at(2, 1000), "imported_event_timestamp_must_not_regress" },
                { at(2, 999), "imported_event_timestamp_must_not_regress" },
                { at(1, 5), "exists" }, // idempotency before the regress check
                { at(2, 1001), "created" },
        });
        // The first event decides whether the batch is imported.
        QCOMPARE(m_l->accounts({ at(3, 2000), account(4), at(5, 2001) }),
                 S("created", "imported_event_expected", "created"));
        // Unique within the batch too, and out of range wins over the other rules.
        QCOMPARE(m_l->accounts({ at(8, 1ull << 60), at(9, 1ull << 60), at(0, 0, imported) }),
                 S("created", "imported_event_timestamp_must_not_regress", "imported_event_timestamp_out_of_range"));
        QCOMPARE(m_l->accounts({ account(6), at(7, 3000) }), S("created", "imported_event_not_expected"));
        QVERIFY(m_l->lookup(6).timestamp > (1ull << 60));
        // Once the clock has stamped an account, older imports regress.
        QCOMPARE(m_l->accounts({ at(10, (1ull << 60) + 1) }), S("imported_event_timestamp_must_not_regress"));
    }

    // --- create_transfers ---------------------------------------------------

    void transferStatusesInPrecedenceOrder()
    {
        Account limitedDebits = account(4, AccountFlag::DebitsMustNotExceedCredits);
        Account limitedCredits = account(5, AccountFlag::CreditsMustNotExceedDebits);
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3, 0, 2), limitedDebits, limitedCredits,
                                 account(6, AccountFlag::Closed) }),
                 S("created", "created", "created", "created", "created", "created"));
        auto with = [](u128 id, auto change) {
            Transfer t = transfer(id, 1, 2, 10);
            change(t);
            return t;
        };
        WALK(TransferCase, {
                { with(100, [](Transfer &t) { t.timestamp = 1; t.flags = 1 << 9; }), "timestamp_must_be_zero" },
                { with(100, [](Transfer &t) { t.flags = 1 << 9; t.id = 0; }), "reserved_flag" },
                { with(0, [](Transfer &t) { t.debit_account_id = 0; }), "id_must_not_be_zero" },
                { with(U128Max, [](Transfer &t) { t.debit_account_id = 0; }), "id_must_not_be_int_max" },
                { with(101, [](Transfer &t) { t.debit_account_id = 0; t.credit_account_id = 0; }), "debit_account_id_must_not_be_zero" },
                { with(102, [](Transfer &t) { t.debit_account_id = U128Max; t.credit_account_id = 0; }),
                  "debit_account_id_must_not_be_int_max" },
                { with(103, [](Transfer &t) { t.credit_account_id = 0; t.pending_id = 1; }), "credit_account_id_must_not_be_zero" },
                { with(104, [](Transfer &t) { t.credit_account_id = U128Max; }), "credit_account_id_must_not_be_int_max" },
                { with(105, [](Transfer &t) { t.credit_account_id = 1; t.pending_id = 1; }), "accounts_must_be_different" },
                { with(106, [](Transfer &t) { t.pending_id = 1; t.timeout = 1; }), "pending_id_must_be_zero" },
                { with(107, [](Transfer &t) { t.timeout = 1; t.flags = TransferFlag::ClosingDebit; }),
                  "timeout_reserved_for_pending_transfer" },
                { with(108, [](Transfer &t) { t.flags = TransferFlag::ClosingCredit; t.ledger = 0; }),
                  "closing_transfer_must_be_pending" },
                { with(109, [](Transfer &t) { t.ledger = 0; t.code = 0; }), "ledger_must_not_be_zero" },
                { with(110, [](Transfer &t) { t.code = 0; t.debit_account_id = 99; }), "code_must_not_be_zero" },
                { with(111, [](Transfer &t) { t.debit_account_id = 98; t.credit_account_id = 99; }), "debit_account_not_found" },
                { with(112, [](Transfer &t) { t.credit_account_id = 99; }), "credit_account_not_found" },
                { with(113, [](Transfer &t) { t.credit_account_id = 3; t.ledger = 9; }), "accounts_must_have_the_same_ledger" },
                { with(114, [](Transfer &t) { t.ledger = 2; }), "transfer_must_have_the_same_ledger_as_accounts" },
                { with(115, [](Transfer &t) { t.debit_account_id = 6; t.credit_account_id = 4; }), "debit_account_already_closed" },
                { with(116, [](Transfer &t) { t.credit_account_id = 6; t.debit_account_id = 4; }), "credit_account_already_closed" },
                { with(117, [](Transfer &t) { t.debit_account_id = 4; t.credit_account_id = 5; }), "exceeds_credits" },
                { with(118, [](Transfer &t) { t.credit_account_id = 5; }), "exceeds_debits" },
                { with(119, [](Transfer &t) { t.amount = 0; }), "created" }, // 0 is allowed since 0.16
        });
    }

    void transferIdempotencyInOrder()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3) }), S("created", "created", "created"));
        Transfer original = transfer(100, 1, 2, 10);
        original.user_data_128 = 1;
        original.user_data_64 = 2;
        original.user_data_32 = 3;
        std::vector<CreateTransferResult> results;
        QCOMPARE(m_l->transfers({ original }, &results), S("created"));
        const u64 createdAt = results[0].timestamp;
        auto with = [&](auto change) {
            Transfer t = original;
            change(t);
            return t;
        };
        WALK(TransferCase, {
                { with([](Transfer &t) { t.flags = TransferFlag::Pending; t.user_data_128 = 9; }), "exists_with_different_flags" },
                { with([](Transfer &t) { t.flags = TransferFlag::BalancingDebit; }), "exists_with_different_flags" },
                // Every field rule of a new transfer would fail these; existence is checked first.
                { with([](Transfer &t) { t.pending_id = 7; t.timeout = 1; }), "exists_with_different_pending_id" },
                { with([](Transfer &t) { t.timeout = 1; t.debit_account_id = 3; }), "exists_with_different_timeout" },
                { with([](Transfer &t) { t.debit_account_id = 0; t.credit_account_id = 3; }), "exists_with_different_debit_account_id" },
                { with([](Transfer &t) { t.credit_account_id = 1; t.amount = 11; }), "exists_with_different_credit_account_id" },
                { with([](Transfer &t) { t.amount = 11; t.user_data_128 = 9; }), "exists_with_different_amount" },
                { with([](Transfer &t) { t.user_data_128 = 9; t.user_data_64 = 9; }), "exists_with_different_user_data_128" },
                { with([](Transfer &t) { t.user_data_64 = 9; t.user_data_32 = 9; }), "exists_with_different_user_data_64" },
                { with([](Transfer &t) { t.user_data_32 = 9; t.ledger = 0; }), "exists_with_different_user_data_32" },
                { with([](Transfer &t) { t.ledger = 0; t.code = 0; }), "exists_with_different_ledger" },
                { with([](Transfer &t) { t.code = 11; }), "exists_with_different_code" },
                { original, "exists" },
                { with([](Transfer &t) { t.flags = 1 << 12; }), "reserved_flag" }, // before idempotency
        });
        QCOMPARE(m_l->transfers({ original }, &results), S("exists"));
        QCOMPARE(results[0].timestamp, createdAt);
        QCOMPARE(m_l->balances(1), QStringLiteral("0/10/0/0"));
    }

    void postVoidStatusesInPrecedenceOrder()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3), account(4, 0, 2) }),
                 S("created", "created", "created", "created"));
        QCOMPARE(m_l->transfers({ pending(10, 1, 2, 100), transfer(11, 1, 2, 5), pending(12, 1, 2, 100) }),
                 S("created", "created", "created"));
        auto with = [](u128 id, u16 flags, auto change) {
            Transfer t;
            t.id = id;
            t.pending_id = 10;
            t.flags = flags;
            change(t);
            return t;
        };
        const u16 P = TransferFlag::PostPendingTransfer;
        const u16 V = TransferFlag::VoidPendingTransfer;
        WALK(TransferCase, {
                { with(200, P | V, [](Transfer &t) { t.pending_id = 0; }), "flags_are_mutually_exclusive" },
                { with(201, P | TransferFlag::Pending, [](Transfer &) {}), "flags_are_mutually_exclusive" },
                { with(202, P | TransferFlag::BalancingDebit, [](Transfer &) {}), "flags_are_mutually_exclusive" },
                { with(203, V | TransferFlag::BalancingCredit, [](Transfer &) {}), "flags_are_mutually_exclusive" },
                { with(204, P | TransferFlag::ClosingDebit, [](Transfer &) {}), "flags_are_mutually_exclusive" },
                { with(205, V | TransferFlag::ClosingCredit, [](Transfer &) {}), "flags_are_mutually_exclusive" },
                { with(206, P, [](Transfer &t) { t.pending_id = 0; t.timeout = 1; }), "pending_id_must_not_be_zero" },
                { with(207, P, [](Transfer &t) { t.pending_id = U128Max; t.timeout = 1; }), "pending_id_must_not_be_int_max" },
                { with(208, P, [](Transfer &t) { t.pending_id = 208; t.timeout = 1; }), "pending_id_must_be_different" },
                { with(209, P, [](Transfer &t) { t.timeout = 1; t.pending_id = 999; }), "timeout_reserved_for_pending_transfer" },
                { with(210, P, [](Transfer &t) { t.pending_id = 999; }), "pending_transfer_not_found" },
                { with(211, V, [](Transfer &t) { t.pending_id = 11; t.debit_account_id = 3; }), "pending_transfer_not_pending" },
                { with(212, P, [](Transfer &t) { t.debit_account_id = 3; t.credit_account_id = 3; }),
                  "pending_transfer_has_different_debit_account_id" },
                { with(213, P, [](Transfer &t) { t.credit_account_id = 3; t.ledger = 2; }),
                  "pending_transfer_has_different_credit_account_id" },
                { with(214, P, [](Transfer &t) { t.ledger = 2; t.code = 99; }), "pending_transfer_has_different_ledger" },
                { with(215, P, [](Transfer &t) { t.code = 99; t.amount = 101; }), "pending_transfer_has_different_code" },
                { with(216, P, [](Transfer &t) { t.amount = 101; }), "exceeds_pending_transfer_amount" },
                { with(217, V, [](Transfer &t) { t.amount = 101; }), "exceeds_pending_transfer_amount" },
                { with(218, V, [](Transfer &t) { t.amount = 99; }), "pending_transfer_has_different_amount" },
                // Non-zero accounts, ledger and code that match are fine; user_data may differ.
                { with(219, P, [](Transfer &t) {
                      t.amount = 60;
                      t.debit_account_id = 1;
                      t.credit_account_id = 2;
                      t.ledger = 1;
                      t.code = 10;
                      t.user_data_64 = 42;
                  }),
                  "created" },
                { with(220, P, [](Transfer &t) { t.amount = 101; }), "exceeds_pending_transfer_amount" }, // before already_posted
                { with(221, V, [](Transfer &) {}), "pending_transfer_already_posted" },
                { with(222, P, [](Transfer &t) { t.amount = 1; }), "pending_transfer_already_posted" },
                { with(223, V, [](Transfer &t) { t.pending_id = 12; }), "created" },
                { with(224, P, [](Transfer &t) { t.pending_id = 12; }), "pending_transfer_already_voided" },
        });
        QCOMPARE(m_l->balances(1), QStringLiteral("0/65/0/0"));
        QCOMPARE(m_l->balances(2), QStringLiteral("0/0/0/65"));
        const auto posted = m_l->lookupTransfer(219);
        QVERIFY(posted);
        QCOMPARE(posted->user_data_64, u64(42));
        QCOMPARE(posted->timeout, 0u);
    }

    void twoPhaseAmountsAndInheritance()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2) }), S("created", "created"));
        Transfer p = pending(10, 1, 2, 100);
        p.user_data_128 = 7;
        p.user_data_64 = 8;
        p.user_data_32 = 9;
        p.code = 33;
        QCOMPARE(m_l->transfers({ p }), S("created"));
        QCOMPARE(m_l->balances(1), QStringLiteral("100/0/0/0"));
        QCOMPARE(m_l->balances(2), QStringLiteral("0/0/100/0"));

        // Partial post: the remainder is released.
        Transfer partial = post(11, 10, 60);
        partial.user_data_64 = 5;
        QCOMPARE(m_l->transfers({ partial }), S("created"));
        QCOMPARE(m_l->balances(1), QStringLiteral("0/60/0/0"));
        QCOMPARE(m_l->balances(2), QStringLiteral("0/0/0/60"));
        const auto stored = m_l->lookupTransfer(11);
        QVERIFY(stored);
        QCOMPARE(stored->debit_account_id, u128(1));
        QCOMPARE(stored->credit_account_id, u128(2));
        QCOMPARE(stored->amount, u128(60));
        QCOMPARE(stored->ledger, 1u);
        QCOMPARE(stored->code, u16(33));
        QCOMPARE(stored->user_data_128, u128(7)); // inherited
        QCOMPARE(stored->user_data_64, u64(5));   // its own
        QCOMPARE(stored->user_data_32, 9u);
        QCOMPARE(stored->pending_id, u128(10));

        // AMOUNT_MAX posts the full pending amount.
        QCOMPARE(m_l->transfers({ pending(20, 1, 2, 100), post(21, 20) }), S("created", "created"));
        QCOMPARE(m_l->lookupTransfer(21)->amount, u128(100));
        // A post of 0 releases everything and still counts as a post.
        QCOMPARE(m_l->transfers({ pending(30, 1, 2, 100), post(31, 30, 0) }), S("created", "created"));
        QCOMPARE(m_l->lookupTransfer(31)->amount, u128(0));
        QCOMPARE(m_l->transfers({ voiding(32, 30) }), S("pending_transfer_already_posted"));
        // Void with 0 or with exactly the pending amount; the stored amount is the pending one.
        QCOMPARE(m_l->transfers({ pending(40, 1, 2, 100), voiding(41, 40) }), S("created", "created"));
        QCOMPARE(m_l->lookupTransfer(41)->amount, u128(100));
        QCOMPARE(m_l->transfers({ pending(50, 1, 2, 100), voiding(51, 50, 100) }), S("created", "created"));
        QCOMPARE(m_l->balances(1), QStringLiteral("0/160/0/0"));
        QCOMPARE(m_l->balances(2), QStringLiteral("0/0/0/160"));

        // Idempotency of posts and voids: zero fields compare through the pending transfer.
        auto again = [](Transfer t, auto change) {
            change(t);
            return t;
        };
        WALK(TransferCase, {
                { partial, "exists" },
                { again(partial, [](Transfer &t) { t.debit_account_id = 1; t.credit_account_id = 2; t.ledger = 1; t.code = 33; }),
                  "exists" },
                { again(partial, [](Transfer &t) { t.debit_account_id = 2; }), "exists_with_different_debit_account_id" },
                { again(partial, [](Transfer &t) { t.credit_account_id = 1; }), "exists_with_different_credit_account_id" },
                { again(partial, [](Transfer &t) { t.amount = AmountMax; }), "exists_with_different_amount" },
                { again(partial, [](Transfer &t) { t.user_data_128 = 6; }), "exists_with_different_user_data_128" },
                { again(partial, [](Transfer &t) { t.user_data_128 = 7; }), "exists" },
                { again(partial, [](Transfer &t) { t.user_data_64 = 0; }), "exists_with_different_user_data_64" },
                { again(partial, [](Transfer &t) { t.user_data_32 = 8; }), "exists_with_different_user_data_32" },
                { again(partial, [](Transfer &t) { t.ledger = 2; }), "exists_with_different_ledger" },
                { again(partial, [](Transfer &t) { t.code = 34; }), "exists_with_different_code" },
                { again(partial, [](Transfer &t) { t.pending_id = 20; }), "exists_with_different_pending_id" },
                { post(21, 20), "exists" },
                { post(21, 20, 100), "exists" },
                { post(21, 20, 99), "exists_with_different_amount" },
                { voiding(41, 40), "exists" },
                { voiding(41, 40, 100), "exists" },
                { voiding(51, 50), "exists" },
        });
    }

    void expiryFollowsTheClock()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3) }), S("created", "created", "created"));
        m_l->clock->advanceMs(1000);
        const u64 t0 = u64(m_l->clock->nowNs());
        std::vector<CreateTransferResult> results;
        // A at t0 with 2 s and B at t0+1 s with 1 s tie at t0+2 s: A goes first (its own timestamp).
        QCOMPARE(m_l->transfers({ pending(10, 1, 2, 100, 2) }, &results), S("created"));
        QCOMPARE(results[0].timestamp, t0);
        QCOMPARE(m_l->transfers({ pending(13, 1, 3, 1) }), S("created")); // never expires
        m_l->clock->advanceMs(1000);
        QCOMPARE(m_l->transfers({ pending(11, 1, 2, 5, 1) }, &results), S("created"));
        QCOMPARE(results[0].timestamp, t0 + Second);
        QCOMPARE(m_l->backend->nextExpiryNs().value(), t0 + 2 * Second);

        m_l->clock->advanceMs(999);
        QCOMPARE(m_l->backend->expirePending()->expired, 0u);
        QCOMPARE(m_l->balances(1), QStringLiteral("106/0/0/0"));
        m_l->clock->advanceMs(2);
        // Due but not swept: a post or void is refused already.
        QCOMPARE(m_l->transfers({ post(20, 10) }), S("pending_transfer_expired"));
        QCOMPARE(m_l->transfers({ voiding(21, 11) }), S("pending_transfer_expired"));
        QCOMPARE(m_l->balances(1), QStringLiteral("106/0/0/0"));

        const u64 beforeSweep = u64(m_l->clock->nowNs());
        auto swept = m_l->backend->expirePending();
        QVERIFY2(swept, swept ? "" : qPrintable(swept.error().message));
        QCOMPARE(swept->expired, 2u);
        QVERIFY(swept->timestampMin > beforeSweep - 1 && swept->timestampMax == swept->timestampMin + 1);
        QCOMPARE(m_l->balances(1), QStringLiteral("1/0/0/0"));
        QCOMPARE(m_l->balances(2), QStringLiteral("0/0/0/0"));
        QCOMPARE(m_l->backend->expirePending()->expired, 0u); // once only
        QCOMPARE(m_l->backend->nextExpiryNs().value(), u64(0));

        // The journal holds the expiries in expiry order and no transfer record.
        auto journal = m_l->backend->journal(0, 100);
        QVERIFY(journal);
        std::vector<u128> expired;
        for (const JournalRecord &record : *journal) {
            if (record.kind == JournalRecord::Kind::Expiry) {
                expired.push_back(record.transfer.id);
                QVERIFY(record.timestamp >= record.transfer.timestamp + record.transfer.timeoutNs());
            }
        }
        QCOMPARE(expired, (std::vector<u128> { 10, 11 }));
        QCOMPARE(m_l->backend->lookupTransfers(std::vector<u128> { 10, 11, 20, 21 })->size(), size_t(2));

        // Expired for good; and the expiries consumed timestamps.
        QCOMPARE(m_l->transfers({ post(22, 10), voiding(23, 11), voiding(24, 13) }, &results),
                 S("pending_transfer_expired", "pending_transfer_expired", "created"));
        QVERIFY(results[0].timestamp > swept->timestampMax);
    }

    void expiryBoundaryIsInclusive()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2) }), S("created", "created"));
        m_l->clock->advanceMs(1000);
        const u64 t0 = u64(m_l->clock->nowNs());
        QCOMPARE(m_l->transfers({ pending(10, 1, 2, 7, 1), pending(11, 1, 2, 8, 1) }), S("created", "created"));
        const u64 expires10 = m_l->lookupTransfer(10)->timestamp + Second;
        QCOMPARE(m_l->lookupTransfer(11)->timestamp, t0); // the second of the batch gets T
        // One nanosecond before its expiry a pending transfer can still be posted ...
        m_l->clock->setNs(qint64(expires10 - 1));
        std::vector<CreateTransferResult> results;
        QCOMPARE(m_l->transfers({ post(20, 10) }, &results), S("created"));
        QCOMPARE(results[0].timestamp, expires10 - 1);
        // ... at exactly its expiry it cannot (expires_at <= now), swept or not.
        m_l->clock->setNs(qint64(t0 + Second));
        QCOMPARE(m_l->transfers({ post(21, 11) }, &results), S("pending_transfer_expired"));
        QCOMPARE(results[0].timestamp, t0 + Second);
        QCOMPARE(m_l->backend->expirePending()->expired, 1u);
        QCOMPARE(m_l->balances(1), QStringLiteral("0/7/0/0"));
    }

    // Not a TigerBeetle request, but every backend answers it (a cluster
    // from the CDC feed): the pending transfers still open, in expiry order.
    void openPendingTransfers()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2) }), S("created", "created"));
        auto open = [&](u32 limit) {
            auto reply = m_l->backend->openPendingTransfers(limit);
            return reply ? *reply : OpenPendingTransfers { {}, ~u64(0) };
        };
        auto ids = [](const OpenPendingTransfers &reply) {
            std::vector<int> list;
            for (const OpenPendingTransfer &p : reply.transfers)
                list.push_back(int(p.transfer.id));
            return list;
        };
        using V = std::vector<int>;
        QCOMPARE(open(BatchMax).total, u64(0));
        QVERIFY(open(BatchMax).transfers.empty());

        m_l->clock->advanceMs(1000);
        const u64 t0 = u64(m_l->clock->nowNs());
        // 10 is the batch's last event, so it gets t0 and expires at t0 + 2 s;
        // 11, a second later with 1 s, ties with it and goes after it (its own
        // timestamp); 12, one event earlier, expires a nanosecond before both.
        QCOMPARE(m_l->transfers({ pending(20, 1, 2, 1), transfer(30, 1, 2, 1), pending(21, 2, 1, 2), pending(10, 1, 2, 3, 2) }),
                 S("created", "created", "created", "created"));
        m_l->clock->advanceMs(1000);
        QCOMPARE(m_l->transfers({ pending(12, 1, 2, 4, 1), pending(11, 2, 1, 5, 1) }), S("created", "created"));
        // A pending transfer in a chain that fails is not open.
        QCOMPARE(m_l->transfers({ pending(13, 1, 2, 6, 5, TransferFlag::Linked), transfer(31, 1, 99, 1) }),
                 S("linked_event_failed", "credit_account_not_found"));

        OpenPendingTransfers all = open(BatchMax);
        QCOMPARE(all.total, u64(5));
        // Soonest expiry first, ties by timestamp; those that never expire last, oldest first.
        QCOMPARE(ids(all), V({ 12, 10, 11, 20, 21 }));
        const std::vector<u64> expiries { t0 + 2 * Second - 1, t0 + 2 * Second, t0 + 2 * Second, 0, 0 };
        for (size_t i = 0; i < all.transfers.size(); ++i) {
            const OpenPendingTransfer &p = all.transfers[i];
            QCOMPARE(p.expiresAtNs, expiries[i]);
            // The transfer as stored, every field.
            QVERIFY(p.transfer == m_l->lookupTransfer(p.transfer.id).value());
        }

        // At most `limit`, and the total all the same; 0 gives only the total.
        OpenPendingTransfers two = open(2);
        QCOMPARE(ids(two), V({ 12, 10 }));
        QCOMPARE(two.total, u64(5));
        QCOMPARE(ids(open(4)), V({ 12, 10, 11, 20 }));
        QVERIFY(open(0).transfers.empty());
        QCOMPARE(open(0).total, u64(5));

        // Posted (partly) and voided ones are no longer open; a new one takes its place.
        QCOMPARE(m_l->transfers({ post(40, 12, 1), voiding(41, 20), pending(22, 1, 2, 7) }), S("created", "created", "created"));
        QCOMPARE(ids(open(BatchMax)), V({ 10, 11, 21, 22 }));
        QCOMPARE(open(BatchMax).total, u64(4));

        // Due by the clock but not swept: still open (the reservation is
        // held), and its expiry time says it is due.
        m_l->clock->setNs(qint64(t0 + 2 * Second));
        all = open(BatchMax);
        QCOMPARE(ids(all), V({ 10, 11, 21, 22 }));
        QVERIFY(all.transfers.front().expiresAtNs <= u64(m_l->clock->nowNs()));
        QCOMPARE(m_l->backend->expirePending()->expired, 2u);
        QCOMPARE(ids(open(BatchMax)), V({ 21, 22 }));
        QCOMPARE(open(BatchMax).total, u64(2));

        QCOMPARE(m_l->transfers({ post(42, 21), voiding(43, 22) }), S("created", "created"));
        QCOMPARE(open(BatchMax).total, u64(0));
        QVERIFY(open(BatchMax).transfers.empty());
    }

    void closingTransfers()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3), account(4, AccountFlag::Closed) }),
                 S("created", "created", "created", "created"));
        QCOMPARE(m_l->transfers({ pending(5, 3, 1, 10) }), S("created")); // before the close
        QCOMPARE(m_l->transfers({ pending(10, 1, 2, 0, 0, TransferFlag::ClosingDebit) }), S("created"));
        QVERIFY(m_l->lookup(1).has(AccountFlag::Closed));
        QVERIFY(!m_l->lookup(2).has(AccountFlag::Closed));
        WALK(TransferCase, {
                { transfer(11, 1, 3, 1), "debit_account_already_closed" },
                { transfer(12, 3, 1, 1), "credit_account_already_closed" },
                { pending(13, 3, 1, 1), "credit_account_already_closed" },
                { transfer(14, 4, 3, 1), "debit_account_already_closed" }, // closed at creation
                { post(15, 10), "debit_account_already_closed" },          // a closing transfer can't be posted
                { post(16, 5), "credit_account_already_closed" },
                { voiding(17, 5), "created" }, // voids are allowed on closed accounts
                { voiding(18, 10), "created" }, // and re-open it
                { transfer(19, 1, 3, 1), "created" },
        });
        QVERIFY(!m_l->lookup(1).has(AccountFlag::Closed));
        QCOMPARE(m_l->accounts({ account(4) }), S("exists_with_different_flags"));

        QCOMPARE(m_l->transfers({ pending(20, 1, 2, 0, 1, TransferFlag::ClosingCredit | TransferFlag::ClosingDebit) }),
                 S("created"));
        QVERIFY(m_l->lookup(1).has(AccountFlag::Closed) && m_l->lookup(2).has(AccountFlag::Closed));
        QCOMPARE(m_l->accounts({ account(2) }), S("exists_with_different_flags")); // closed now
        m_l->clock->advanceMs(1500);
        QCOMPARE(m_l->backend->expirePending()->expired, 1u); // an expired closing transfer re-opens both
        QVERIFY(!m_l->lookup(1).has(AccountFlag::Closed) && !m_l->lookup(2).has(AccountFlag::Closed));
    }

    void balancingTransfers()
    {
        QCOMPARE(m_l->accounts({ account(1, AccountFlag::DebitsMustNotExceedCredits), account(2), account(3),
                                 account(4, AccountFlag::CreditsMustNotExceedDebits), account(5) }),
                 S("created", "created", "created", "created", "created"));
        fund(100, 2, 1, 100);
        const u16 BD = TransferFlag::BalancingDebit;
        const u16 BC = TransferFlag::BalancingCredit;
        QCOMPARE(m_l->transfers({ transfer(101, 1, 3, AmountMax, BD) }), S("created"));
        QCOMPARE(m_l->lookupTransfer(101)->amount, u128(100));
        QCOMPARE(m_l->transfers({ transfer(102, 1, 3, AmountMax, BD) }), S("created"));
        QCOMPARE(m_l->lookupTransfer(102)->amount, u128(0));
        // Pending debits count against what can be balanced.
        fund(103, 2, 1, 50);
        QCOMPARE(m_l->transfers({ pending(104, 1, 3, 20), transfer(105, 1, 3, AmountMax, BD) }), S("created", "created"));
        QCOMPARE(m_l->lookupTransfer(105)->amount, u128(30));
        // A ceiling below what is available is the amount.
        fund(106, 2, 1, 50);
        QCOMPARE(m_l->transfers({ transfer(107, 1, 3, 10, BD) }), S("created"));
        QCOMPARE(m_l->lookupTransfer(107)->amount, u128(10));
        // balancing_credit, on the credit account's side.
        fund(108, 4, 2, 40);
        QCOMPARE(m_l->transfers({ transfer(109, 3, 4, AmountMax, BC) }), S("created"));
        QCOMPARE(m_l->lookupTransfer(109)->amount, u128(40));
        // The clamp applies without any limit flag: account 5 has nothing.
        QCOMPARE(m_l->transfers({ transfer(110, 5, 3, 1000, BD) }), S("created"));
        QCOMPARE(m_l->lookupTransfer(110)->amount, u128(0));
        fund(111, 3, 5, 70);
        fund(112, 5, 2, 20); // 5: debits 20, credits 70
        // Both flags: the smaller of the two clamps (debit side 50, credit side 2.debits - 2.credits).
        fund(113, 2, 3, 500);
        QCOMPARE(m_l->transfers({ transfer(114, 5, 2, AmountMax, BD | BC) }), S("created"));
        QCOMPARE(m_l->lookupTransfer(114)->amount, u128(50));
        // Pending balancing transfers reserve the clamped amount.
        fund(115, 3, 5, 5);
        QCOMPARE(m_l->transfers({ transfer(116, 5, 3, AmountMax, BD | TransferFlag::Pending) }), S("created"));
        QCOMPARE(m_l->lookupTransfer(116)->amount, u128(5));
        QCOMPARE(m_l->lookup(5).debits_pending, u128(5));
        // Idempotency: a ceiling at least what moved is the same transfer.
        WALK(TransferCase, {
                { transfer(107, 1, 3, 10, BD), "exists" },
                { transfer(107, 1, 3, 11, BD), "exists" },
                { transfer(107, 1, 3, 9, BD), "exists_with_different_amount" },
                { transfer(101, 1, 3, 100, BD), "exists" },
        });
    }

    void overflowAtAmountMax()
    {
        std::vector<Account> accounts;
        for (u128 id = 1; id <= 9; ++id)
            accounts.push_back(account(id));
        accounts.push_back(account(10, AccountFlag::CreditsMustNotExceedDebits));
        QCOMPARE(m_l->accounts(accounts).count(QStringLiteral("created")), 10);
        // On a plain transfer AMOUNT_MAX is a literal amount.
        fund(100, 1, 2, AmountMax);
        QCOMPARE(m_l->lookup(1).debits_posted, U128Max);
        WALK(TransferCase, {
                { transfer(101, 1, 3, 1), "overflows_debits_posted" },
                { transfer(102, 3, 2, 1), "overflows_credits_posted" },
                { pending(103, 3, 4, AmountMax), "created" },
                { pending(104, 3, 5, 1), "overflows_debits_pending" },
                { pending(105, 5, 4, 1), "overflows_credits_pending" },
                { transfer(106, 3, 5, 1), "overflows_debits" }, // posted has room, pending + posted has not
        });
        // pending + posted + amount over the top.
        fund(107, 6, 7, AmountMax - 1);
        QCOMPARE(m_l->transfers({ pending(108, 6, 8, 1) }), S("created"));
        WALK(TransferCase, {
                { pending(109, 6, 9, 1), "overflows_debits" },
                { transfer(110, 6, 9, 1), "overflows_debits" },
        });
        QCOMPARE(m_l->transfers({ pending(111, 9, 7, 1) }), S("created"));
        QCOMPARE(m_l->transfers({ pending(112, 8, 7, 1) }), S("overflows_credits"));
        // Overflow is checked before limits.
        fund(113, 10, 9, AmountMax - 5);
        fund(114, 9, 10, AmountMax - 5);
        QCOMPARE(m_l->transfers({ transfer(115, 8, 10, 10) }), S("overflows_credits_posted"));
        QCOMPARE(m_l->transfers({ transfer(116, 8, 10, 1) }), S("exceeds_debits"));
        QCOMPARE(m_l->lookup(1).debits_posted, U128Max);
        QCOMPARE(m_l->lookup(3).debits_pending, U128Max);
    }

    void overflowsTimeout()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3, AccountFlag::DebitsMustNotExceedCredits) }),
                 S("created", "created", "created"));
        m_l->clock->setNs(qint64(TimestampMax - 5 * Second));
        WALK(TransferCase, {
                { pending(10, 1, 2, 1, 10), "overflows_timeout" },
                { pending(11, 3, 2, 1, 10), "overflows_timeout" }, // before exceeds_credits
                { pending(12, 3, 2, 1, 1), "exceeds_credits" },
                { pending(13, 1, 2, 1, 1), "created" },
                { pending(14, 1, 2, 1, u32(-1)), "overflows_timeout" },
        });
    }

    void idAlreadyFailed()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3, AccountFlag::DebitsMustNotExceedCredits) }),
                 S("created", "created", "created"));
        WALK(TransferCase, {
                { transfer(50, 1, 99, 1), "credit_account_not_found" },
                { transfer(50, 1, 2, 1), "id_already_failed" },
                { transfer(51, 3, 2, 1), "exceeds_credits" },
                { transfer(51, 1, 2, 1), "id_already_failed" },
                { post(52, 999), "pending_transfer_not_found" },
                { transfer(52, 1, 2, 1), "id_already_failed" },
                { transfer(53, 1, 2, 1, 0, 0), "ledger_must_not_be_zero" }, // not transient
                { transfer(53, 1, 2, 1), "created" },
                { transfer(50, 1, 2, 1, 1 << 13), "reserved_flag" }, // the id checks come first
        });
        QVERIFY(!m_l->lookupTransfer(50)); // orphaned ids are never found
        // In a chain: the transient id is remembered after the rollback, the others stay free.
        QCOMPARE(m_l->transfers({ transfer(60, 1, 2, 1, Linked), transfer(61, 1, 98, 1) }),
                 S("linked_event_failed", "credit_account_not_found"));
        QCOMPARE(m_l->transfers({ transfer(60, 1, 2, 1), transfer(61, 1, 2, 1) }), S("created", "id_already_failed"));
        // Within one batch.
        QCOMPARE(m_l->transfers({ transfer(62, 97, 2, 1), transfer(62, 1, 2, 1) }),
                 S("debit_account_not_found", "id_already_failed"));
        QCOMPARE(m_l->balances(1), QStringLiteral("0/2/0/0"));
    }

    void linkedTransferChains()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2) }), S("created", "created"));
        // Later events in a chain see the earlier ones.
        QCOMPARE(m_l->transfers({ pending(10, 1, 2, 10, 0, Linked), post(11, 10) }), S("created", "created"));
        QCOMPARE(m_l->balances(1), QStringLiteral("0/10/0/0"));

        // A broken chain leaves no trace in balances, pending state or lookups.
        QCOMPARE(m_l->transfers({ transfer(20, 1, 2, 5, Linked), pending(21, 1, 2, 7, 0, Linked), post(22, 10) }),
                 S("linked_event_failed", "linked_event_failed", "pending_transfer_already_posted"));
        QCOMPARE(m_l->balances(1), QStringLiteral("0/10/0/0"));
        QVERIFY(!m_l->lookupTransfer(20) && !m_l->lookupTransfer(21));
        QCOMPARE(m_l->transfers({ post(23, 21) }), S("pending_transfer_not_found"));

        // A rolled-back post leaves its pending transfer pending.
        QCOMPARE(m_l->transfers({ pending(30, 1, 2, 3) }), S("created"));
        QCOMPARE(m_l->transfers({ post(31, 30, 2), transfer(0, 1, 2, 1) }),
                 S("created", "id_must_not_be_zero")); // not linked: independent
        QCOMPARE(m_l->transfers({ pending(32, 1, 2, 3) }), S("created"));
        Transfer linkedPost = post(33, 32);
        linkedPost.flags |= Linked;
        QCOMPARE(m_l->transfers({ linkedPost, transfer(0, 1, 2, 1) }), S("linked_event_failed", "id_must_not_be_zero"));
        QCOMPARE(m_l->balances(1), QStringLiteral("3/12/0/0"));
        QCOMPARE(m_l->transfers({ post(34, 32) }), S("created"));

        // `exists` breaks a chain; an open chain at the end fails whole.
        QCOMPARE(m_l->transfers({ transfer(40, 1, 2, 1, Linked), transfer(34, 1, 2, 1) }),
                 S("linked_event_failed", "exists_with_different_flags"));
        QCOMPARE(m_l->transfers({ transfer(41, 1, 2, 1, Linked), post(34, 32) }), S("linked_event_failed", "exists"));
        QCOMPARE(m_l->transfers({ transfer(42, 1, 2, 1), transfer(43, 1, 2, 1, Linked) }),
                 S("created", "linked_event_chain_open"));
        QCOMPARE(m_l->transfers({ transfer(44, 1, 96, 1, Linked), transfer(45, 1, 2, 1, Linked) }),
                 S("credit_account_not_found", "linked_event_chain_open"));
        QVERIFY(!m_l->lookupTransfer(40) && !m_l->lookupTransfer(41) && !m_l->lookupTransfer(43));
        QCOMPARE(m_l->transfers({ transfer(40, 1, 2, 1), transfer(43, 1, 2, 1), transfer(44, 1, 2, 1) }),
                 S("created", "created", "id_already_failed"));
        QCOMPARE(m_l->balances(1), QStringLiteral("0/18/0/0"));
    }

    void importedTransfers()
    {
        auto at = [](Account a, u64 timestamp) {
            a.flags |= AccountFlag::Imported;
            a.timestamp = timestamp;
            return a;
        };
        auto imported = [](Transfer t, u64 timestamp) {
            t.flags |= TransferFlag::Imported;
            t.timestamp = timestamp;
            return t;
        };
        QCOMPARE(m_l->accounts({ at(account(1), 10), at(account(2), 11) }), S("created", "created"));
        std::vector<CreateTransferResult> results;
        QCOMPARE(m_l->transfers({ imported(transfer(100, 1, 2, 5), 20) }, &results), S("created"));
        QCOMPARE(results[0].timestamp, u64(20));
        QCOMPARE(m_l->lookupTransfer(100)->timestamp, u64(20));
        // An account may not take a transfer's timestamp, nor the reverse.
        QCOMPARE(m_l->accounts({ at(account(3), 20) }), S("imported_event_timestamp_must_not_regress"));
        QCOMPARE(m_l->accounts({ at(account(3), 21), at(account(4), 40) }), S("created", "created"));
        WALK(TransferCase, {
                { imported(transfer(101, 1, 2, 1), 20), "imported_event_timestamp_must_not_regress" },
                { imported(transfer(101, 1, 2, 1), 15), "imported_event_timestamp_must_not_regress" },
                { imported(transfer(101, 1, 2, 1), 21), "imported_event_timestamp_must_not_regress" }, // account 3's
                { imported(transfer(101, 4, 1, 1), 30), "imported_event_timestamp_must_postdate_debit_account" },
                { imported(transfer(101, 1, 4, 1), 30), "imported_event_timestamp_must_postdate_credit_account" },
                { imported(pending(101, 1, 2, 1, 5), 30), "imported_event_timeout_must_be_zero" },
                { imported(pending(101, 1, 2, 9), 30), "created" },
                { imported(post(102, 101), 30), "imported_event_timestamp_must_not_regress" },
                { imported(post(102, 101), 31), "created" },
                { imported(transfer(100, 1, 2, 5), 1), "exists" }, // idempotency first
                { imported(transfer(103, 1, 2, 1), 0), "imported_event_timestamp_out_of_range" },
                { imported(transfer(103, 1, 2, 1), u64(1) << 63), "imported_event_timestamp_out_of_range" },
                { imported(transfer(103, 1, 2, 1), u64(m_l->clock->nowNs()) + Second), "imported_event_timestamp_must_not_advance" },
        });
        QCOMPARE(m_l->transfers({ imported(transfer(104, 1, 2, 1), 50), transfer(105, 1, 2, 1) }),
                 S("created", "imported_event_expected"));
        QCOMPARE(m_l->transfers({ transfer(106, 1, 2, 1), imported(transfer(107, 1, 2, 1), 60) }),
                 S("created", "imported_event_not_expected"));
        Transfer stamped = transfer(108, 1, 2, 1);
        stamped.timestamp = 70;
        QCOMPARE(m_l->transfers({ stamped }), S("timestamp_must_be_zero"));
        QCOMPARE(m_l->balances(1), QStringLiteral("0/16/0/0"));
        QCOMPARE(m_l->lookupTransfer(102)->timestamp, u64(31));
    }

    void batchLimits()
    {
        std::vector<Account> tooMany(BatchMax + 1, account(1));
        auto refused = m_l->backend->createAccounts(tooMany);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(QStringLiteral("8189")));
        QVERIFY(m_l->backend->createAccounts({})->empty());
        QVERIFY(m_l->backend->createTransfers({})->empty());
        std::vector<Account> full;
        for (u128 id = 1; id <= BatchMax; ++id)
            full.push_back(account(id));
        QCOMPARE(m_l->accounts(full).count(QStringLiteral("created")), qsizetype(BatchMax));
    }

    // --- lookups and queries ----------------------------------------------

    void lookups()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3) }), S("created", "created", "created"));
        fund(10, 1, 2, 5);
        fund(11, 2, 3, 6);
        QCOMPARE(m_l->transfers({ transfer(12, 1, 99, 1) }), S("credit_account_not_found"));
        auto accounts = m_l->backend->lookupAccounts(std::vector<u128> { 3, 42, 1, 0, U128Max, 3 });
        QVERIFY(accounts);
        QCOMPARE(accounts->size(), size_t(3)); // in request order, missing ones left out
        QCOMPARE((*accounts)[0].id, u128(3));
        QCOMPARE((*accounts)[1].id, u128(1));
        QCOMPARE((*accounts)[2].id, u128(3));
        QCOMPARE((*accounts)[1].debits_posted, u128(5));
        auto transfers = m_l->backend->lookupTransfers(std::vector<u128> { 11, 12, 10 });
        QVERIFY(transfers);
        QCOMPARE(transfers->size(), size_t(2));
        QCOMPARE((*transfers)[0].id, u128(11));
        QCOMPARE((*transfers)[0].debit_account_id, u128(2));
        QCOMPARE((*transfers)[0].credit_account_id, u128(3));
        QCOMPARE((*transfers)[1].amount, u128(5));
        // More ids than a batch holds is refused, as a create batch is.
        const std::vector<u128> tooMany(BatchMax + 1, 1);
        QVERIFY(!m_l->backend->lookupAccounts(tooMany));
        QVERIFY(!m_l->backend->lookupTransfers(tooMany));
        QCOMPARE(m_l->backend->lookupAccounts(std::span(tooMany).first(BatchMax))->size(), size_t(BatchMax));
    }

    void getAccountTransfers()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2), account(3) }), S("created", "created", "created"));
        auto with = [](Transfer t, auto change) {
            change(t);
            return t;
        };
        QCOMPARE(m_l->transfers({ transfer(1, 1, 2, 1), transfer(2, 2, 1, 1), with(transfer(3, 1, 3, 1), [](Transfer &t) { t.code = 20; }),
                                  transfer(4, 3, 2, 1), with(transfer(5, 1, 2, 1), [](Transfer &t) { t.user_data_128 = 5; }),
                                  with(transfer(6, 1, 2, 1), [](Transfer &t) { t.user_data_64 = 6; }),
                                  with(transfer(7, 3, 1, 1), [](Transfer &t) { t.user_data_32 = 7; }) })
                         .count(QStringLiteral("created")),
                 7);
        auto ids = [&](AccountFilter filter) {
            std::vector<int> list;
            auto found = m_l->backend->getAccountTransfers(filter);
            if (!found)
                return std::vector<int> { -1 };
            for (const Transfer &t : *found)
                list.push_back(int(t.id));
            return list;
        };
        auto filter = [](u32 flags, u32 limit = 100) {
            AccountFilter f;
            f.account_id = 1;
            f.flags = flags;
            f.limit = limit;
            return f;
        };
        using V = std::vector<int>;
        const u32 D = AccountFilterFlag::Debits, C = AccountFilterFlag::Credits, R = AccountFilterFlag::Reversed;
        QCOMPARE(ids(filter(D)), V({ 1, 3, 5, 6 }));
        QCOMPARE(ids(filter(C)), V({ 2, 7 }));
        QCOMPARE(ids(filter(D | C)), V({ 1, 2, 3, 5, 6, 7 }));
        QCOMPARE(ids(filter(D | C | R)), V({ 7, 6, 5, 3, 2, 1 }));
        QCOMPARE(ids(filter(D | C, 2)), V({ 1, 2 }));
        QCOMPARE(ids(filter(D | C | R, 2)), V({ 7, 6 }));

        const u64 t2 = m_l->lookupTransfer(2)->timestamp;
        const u64 t5 = m_l->lookupTransfer(5)->timestamp;
        AccountFilter range = filter(D | C);
        range.timestamp_min = t2;
        range.timestamp_max = t5;
        QCOMPARE(ids(range), V({ 2, 3, 5 }));
        range.timestamp_max = 0; // 0 = unbounded
        QCOMPARE(ids(range), V({ 2, 3, 5, 6, 7 }));
        range.timestamp_min = 0;
        range.timestamp_max = t2;
        QCOMPARE(ids(range), V({ 1, 2 }));
        // Pagination by timestamp.
        AccountFilter page = filter(D | C, 4);
        QCOMPARE(ids(page), V({ 1, 2, 3, 5 }));
        page.timestamp_min = m_l->lookupTransfer(5)->timestamp + 1;
        QCOMPARE(ids(page), V({ 6, 7 }));

        AccountFilter by = filter(D | C);
        by.user_data_128 = 5;
        QCOMPARE(ids(by), V({ 5 }));
        by = filter(D | C);
        by.user_data_64 = 6;
        QCOMPARE(ids(by), V({ 6 }));
        by = filter(D | C);
        by.user_data_32 = 7;
        QCOMPARE(ids(by), V({ 7 }));
        by = filter(D | C);
        by.code = 20;
        QCOMPARE(ids(by), V({ 3 }));
        by.code = 10;
        by.user_data_64 = 6;
        QCOMPARE(ids(by), V({ 6 }));
        by.account_id = 42;
        QCOMPARE(ids(by), V({})); // unknown account

        // Invalid filters: empty, never an error.
        auto invalid = [&](auto change) {
            AccountFilter f = filter(D | C);
            change(f);
            return ids(f);
        };
        QCOMPARE(invalid([](AccountFilter &f) { f.account_id = 0; }), V({}));
        QCOMPARE(invalid([](AccountFilter &f) { f.account_id = U128Max; }), V({}));
        QCOMPARE(invalid([](AccountFilter &f) { f.limit = 0; }), V({}));
        QCOMPARE(invalid([](AccountFilter &f) { f.flags = AccountFilterFlag::Reversed; }), V({}));
        QCOMPARE(invalid([](AccountFilter &f) { f.flags |= 1 << 3; }), V({}));
        QCOMPARE(invalid([](AccountFilter &f) { f.reserved[57] = 1; }), V({}));
        QCOMPARE(invalid([&](AccountFilter &f) { f.timestamp_min = t5; f.timestamp_max = t2; }), V({}));
        QCOMPARE(invalid([](AccountFilter &f) { f.timestamp_min = u64(1) << 63; }), V({}));
        QCOMPARE(invalid([](AccountFilter &f) { f.timestamp_max = ~u64(0); }), V({}));
    }

    void getAccountBalances()
    {
        QCOMPARE(m_l->accounts({ account(1, AccountFlag::History), account(2), account(3) }),
                 S("created", "created", "created"));
        Transfer coded = transfer(4, 2, 1, 7);
        coded.code = 20;
        QCOMPARE(m_l->transfers({ transfer(1, 2, 1, 100), pending(2, 1, 3, 30, 1), transfer(3, 2, 3, 1), coded, post(5, 2, 10) }).count(QStringLiteral("created")),
                 5);
        QCOMPARE(m_l->transfers({ pending(6, 1, 3, 4, 1) }), S("created"));
        m_l->clock->advanceMs(2000);
        QCOMPARE(m_l->backend->expirePending()->expired, 1u); // expiries leave no balance record
        AccountFilter filter;
        filter.account_id = 1;
        filter.flags = AccountFilterFlag::Debits | AccountFilterFlag::Credits;
        filter.limit = 10;
        auto balances = m_l->backend->getAccountBalances(filter);
        QVERIFY(balances);
        QCOMPARE(balances->size(), size_t(5));
        auto text = [](const AccountBalance &b) {
            return QStringLiteral("%1/%2/%3/%4").arg(toDecimal(b.debits_pending), toDecimal(b.debits_posted),
                                                      toDecimal(b.credits_pending), toDecimal(b.credits_posted));
        };
        QCOMPARE(text((*balances)[0]), QStringLiteral("0/0/0/100"));
        QCOMPARE(text((*balances)[1]), QStringLiteral("30/0/0/100"));
        QCOMPARE(text((*balances)[2]), QStringLiteral("30/0/0/107"));
        QCOMPARE(text((*balances)[3]), QStringLiteral("0/10/0/107"));
        QCOMPARE(text((*balances)[4]), QStringLiteral("4/10/0/107"));
        QCOMPARE((*balances)[3].timestamp, m_l->lookupTransfer(5)->timestamp);
        QCOMPARE(m_l->balances(1), QStringLiteral("0/10/0/107"));

        filter.code = 20;
        QCOMPARE(m_l->backend->getAccountBalances(filter)->size(), size_t(1));
        filter.code = 0;
        filter.flags |= AccountFilterFlag::Reversed;
        filter.limit = 2;
        balances = m_l->backend->getAccountBalances(filter);
        QCOMPARE(balances->size(), size_t(2));
        QCOMPARE(text((*balances)[0]), QStringLiteral("4/10/0/107"));
        filter.account_id = 2; // no history
        QVERIFY(m_l->backend->getAccountBalances(filter)->empty());
        filter.account_id = 1;
        filter.limit = 0;
        QVERIFY(m_l->backend->getAccountBalances(filter)->empty());
    }

    void queryAccountsAndTransfers()
    {
        auto with = [](auto object, auto change) {
            change(object);
            return object;
        };
        QCOMPARE(m_l->accounts({ with(account(1), [](Account &a) { a.user_data_128 = 5; }),
                                 with(account(2), [](Account &a) { a.user_data_64 = 6; a.user_data_128 = 5; }),
                                 with(account(3, 0, 2, 30), [](Account &a) { a.user_data_32 = 7; }), account(4, 0, 2) })
                         .count(QStringLiteral("created")),
                 4);
        auto accountIds = [&](QueryFilter f) {
            std::vector<int> list;
            const auto found = m_l->backend->queryAccounts(f);
            for (const Account &a : found.value())
                list.push_back(int(a.id));
            return list;
        };
        using V = std::vector<int>;
        QueryFilter f;
        f.limit = 10;
        QCOMPARE(accountIds(f), V({ 1, 2, 3, 4 }));
        f.flags = QueryFilterFlag::Reversed;
        QCOMPARE(accountIds(f), V({ 4, 3, 2, 1 }));
        f.limit = 1;
        QCOMPARE(accountIds(f), V({ 4 }));
        f = QueryFilter {};
        f.limit = 10;
        f.user_data_128 = 5;
        QCOMPARE(accountIds(f), V({ 1, 2 }));
        f.user_data_64 = 6;
        QCOMPARE(accountIds(f), V({ 2 }));
        f = QueryFilter {};
        f.limit = 10;
        f.ledger = 2;
        QCOMPARE(accountIds(f), V({ 3, 4 }));
        f.code = 30;
        QCOMPARE(accountIds(f), V({ 3 }));
        f.user_data_32 = 7;
        QCOMPARE(accountIds(f), V({ 3 }));
        f.user_data_32 = 8;
        QCOMPARE(accountIds(f), V({}));
        f = QueryFilter {};
        f.limit = 10;
        f.timestamp_min = m_l->lookup(2).timestamp;
        f.timestamp_max = m_l->lookup(3).timestamp;
        QCOMPARE(accountIds(f), V({ 2, 3 }));
        f.timestamp_max = f.timestamp_min - 1;
        QCOMPARE(accountIds(f), V({}));
        f = QueryFilter {};
        f.limit = 10;
        f.reserved[5] = 1;
        QCOMPARE(accountIds(f), V({}));
        f = QueryFilter {};
        f.limit = 10;
        f.flags = 2;
        QCOMPARE(accountIds(f), V({}));
        f = QueryFilter {};
        QCOMPARE(accountIds(f), V({})); // limit 0

        QCOMPARE(m_l->transfers({ with(transfer(1, 1, 2, 1), [](Transfer &t) { t.user_data_128 = 9; }),
                                  with(transfer(2, 3, 4, 1, 0, 2), [](Transfer &t) { t.code = 40; t.user_data_64 = 8; }),
                                  with(transfer(3, 2, 1, 1), [](Transfer &t) { t.user_data_128 = 9; t.user_data_32 = 3; }),
                                  transfer(4, 4, 3, 1, 0, 2) })
                         .count(QStringLiteral("created")),
                 4);
        auto transferIds = [&](QueryFilter q) {
            std::vector<int> list;
            const auto found = m_l->backend->queryTransfers(q);
            for (const Transfer &t : found.value())
                list.push_back(int(t.id));
            return list;
        };
        QueryFilter q;
        q.limit = 10;
        QCOMPARE(transferIds(q), V({ 1, 2, 3, 4 }));
        q.flags = QueryFilterFlag::Reversed;
        QCOMPARE(transferIds(q), V({ 4, 3, 2, 1 }));
        q.user_data_128 = 9;
        QCOMPARE(transferIds(q), V({ 3, 1 }));
        q.user_data_32 = 3;
        QCOMPARE(transferIds(q), V({ 3 }));
        q = QueryFilter {};
        q.limit = 10;
        q.ledger = 2;
        QCOMPARE(transferIds(q), V({ 2, 4 }));
        q.code = 40;
        QCOMPARE(transferIds(q), V({ 2 }));
        q.code = 0;
        q.user_data_64 = 8;
        QCOMPARE(transferIds(q), V({ 2 }));
        q = QueryFilter {};
        q.limit = 2;
        q.timestamp_min = m_l->lookupTransfer(2)->timestamp;
        QCOMPARE(transferIds(q), V({ 2, 3 }));
        q.timestamp_min = u64(1) << 63;
        QCOMPARE(transferIds(q), V({}));
    }

    void limitsAboveBatchMaxAreClamped()
    {
        QCOMPARE(m_l->accounts({ account(1), account(2) }), S("created", "created"));
        // Pending ones that never expire, so that the open pending transfers
        // are clamped too (and come oldest first).
        std::vector<Transfer> batch;
        for (u128 id = 1; id <= BatchMax; ++id)
            batch.push_back(pending(id, 1, 2, 1));
        QCOMPARE(m_l->transfers(batch).count(QStringLiteral("created")), qsizetype(BatchMax));
        QCOMPARE(m_l->transfers({ pending(BatchMax + 1, 1, 2, 1) }), S("created"));
        AccountFilter filter;
        filter.account_id = 1;
        filter.flags = AccountFilterFlag::Debits;
        filter.limit = 100000;
        QCOMPARE(m_l->backend->getAccountTransfers(filter)->size(), size_t(BatchMax));
        QueryFilter q;
        q.limit = ~0u;
        QCOMPARE(m_l->backend->queryTransfers(q)->size(), size_t(BatchMax));
        const auto open = m_l->backend->openPendingTransfers(~0u);
        QVERIFY(open);
        QCOMPARE(open->transfers.size(), size_t(BatchMax));
        QCOMPARE(open->total, u64(BatchMax + 1));
        QCOMPARE(open->transfers.front().transfer.id, u128(1));
        QCOMPARE(open->transfers.back().transfer.id, u128(BatchMax));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const std::vector<std::pair<QString, LedgerFactory>> backends = {
        { QStringLiteral("sqlite"), makeSqliteLedger },
    };
    int failures = 0;
    for (const auto &[name, factory] : backends) {
        TestLedgerConformance suite(name, factory);
        failures += QTest::qExec(&suite, argc, argv);
    }
    return failures;
}

#include "tst_ledgerconformance.moc"
