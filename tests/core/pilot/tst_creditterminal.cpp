// The credit terminal: an attestation turns into one pending transfer
// participant -> escrow on ledger 2 with the order id in user_data_128 and
// a timeout; the same attestation a second time, a stale one, or one the
// attestor did not sign (altered, or of another run) is refused.
#include "pilot/CreditTerminal.h"

#include <QTest>

using namespace cabinet::pilot;
using namespace cabinet::ledger;

class TestCreditTerminal : public QObject {
    Q_OBJECT

    // Room for every attestation these cases ask for.
    PilotParams m_params = [] {
        PilotParams p;
        p.velocityOrders = 100;
        p.dayLimitUnits = 1'000'000;
        return p;
    }();
    Studio m_studio { m_params };
    Attestor m_attestor { m_params, 3, KeyPair::generate() };

    Attestation attest(quint64 nonce)
    {
        OrderIntent i;
        i.participant = 1;
        i.items = 2;
        i.amountUnits = 1'234;
        i.nonce = nonce;
        m_studio.sign(i);
        auto got = m_attestor.attest(i, 0);
        return std::get<Attestation>(got);
    }

    static TerminalRefusal refusal(const std::variant<Transfer, TerminalRefusal> &v)
    {
        return std::holds_alternative<TerminalRefusal>(v) ? std::get<TerminalRefusal>(v) : TerminalRefusal(-1);
    }

private slots:
    void init()
    {
        for (int p = 0; p < m_studio.participants(); ++p)
            m_attestor.enroll(p, m_studio.publicKey(p));
    }

    void holdsTheCreditsOnceOnly()
    {
        CreditTerminal terminal(m_params, 3, m_attestor.publicKey());
        const Attestation a = attest(1);
        auto first = terminal.present(a, 1'000);
        QVERIFY(std::holds_alternative<Transfer>(first));
        const Transfer &hold = std::get<Transfer>(first);
        QCOMPARE(hold.ledger, PilotLedger);
        QCOMPARE(hold.debit_account_id, pilotId(3, IdKind::ParticipantAccount, 1));
        QCOMPARE(hold.credit_account_id, pilotId(3, IdKind::EscrowAccount));
        QVERIFY(hold.amount == u128(1'234));
        QVERIFY(hold.user_data_128 == a.orderId);
        QVERIFY(hold.has(TransferFlag::Pending));
        QVERIFY(hold.timeout > 0);
        QCOMPARE(refusal(terminal.present(a, 2'000)), TerminalRefusal::AlreadyUsed);
    }

    void refusesAStaleAttestation()
    {
        CreditTerminal terminal(m_params, 3, m_attestor.publicKey());
        const Attestation a = attest(2);
        QCOMPARE(refusal(terminal.present(a, m_params.attestationFreshMs + 1)), TerminalRefusal::Stale);
        QCOMPARE(refusal(terminal.present(a, -1)), TerminalRefusal::Stale); // before it was issued
        QVERIFY(std::holds_alternative<Transfer>(terminal.present(a, m_params.attestationFreshMs)));
    }

    void refusesWhatTheAttestorDidNotSign()
    {
        CreditTerminal terminal(m_params, 3, m_attestor.publicKey());
        Attestation altered = attest(3);
        altered.amountUnits *= 10;
        QCOMPARE(refusal(terminal.present(altered, 0)), TerminalRefusal::BadAttestation);
        // Signed by another key: a forged attestor.
        Attestation forged = attest(4);
        forged.signature = KeyPair::generate().sign(forged.signedBytes());
        QCOMPARE(refusal(terminal.present(forged, 0)), TerminalRefusal::BadAttestation);
        // Another run's terminal does not take this run's attestation.
        CreditTerminal otherRun(m_params, 4, m_attestor.publicKey());
        QCOMPARE(refusal(otherRun.present(attest(5), 0)), TerminalRefusal::BadAttestation);
    }
};

QTEST_GUILESS_MAIN(TestCreditTerminal)
#include "tst_creditterminal.moc"
