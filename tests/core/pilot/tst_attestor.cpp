// The attestor: a good intent is attested with a signature the attestor's
// key verifies; a forged one, a replayed nonce, an order over the limit,
// over the day's limit, too fast after others, or from nobody enrolled is
// refused with its reason, and a refusal attests nothing.
#include "pilot/Attestor.h"

#include <QTest>

using namespace cabinet::pilot;

namespace {

PilotParams params()
{
    PilotParams p;
    p.participants = 2;
    return p;
}

OrderIntent intent(const Studio &studio, int participant, qint64 units, quint64 nonce, qint64 timeMs)
{
    OrderIntent i;
    i.participant = participant;
    i.items = 3;
    i.amountUnits = units;
    i.nonce = nonce;
    i.timeMs = timeMs;
    studio.sign(i);
    return i;
}

AttestorRefusal refusal(const std::variant<Attestation, AttestorRefusal> &v)
{
    return std::holds_alternative<AttestorRefusal>(v) ? std::get<AttestorRefusal>(v) : AttestorRefusal(-1);
}

} // namespace

class TestAttestor : public QObject {
    Q_OBJECT

    Studio m_studio { params() };

    Attestor attestor()
    {
        Attestor a(params(), 7, KeyPair::generate());
        for (int p = 0; p < m_studio.participants(); ++p)
            a.enroll(p, m_studio.publicKey(p));
        return a;
    }

private slots:
    void attestsAGoodIntentWithItsOwnKey()
    {
        Attestor a = attestor();
        auto got = a.attest(intent(m_studio, 0, 2'000, 1, 1'000), 1'000);
        QVERIFY(std::holds_alternative<Attestation>(got));
        const Attestation &att = std::get<Attestation>(got);
        QCOMPARE(att.amountUnits, 2'000);
        QCOMPARE(att.participant, 0);
        QCOMPARE(quint64(att.orderId >> 64), (IdTag << 32) | 7);
        QVERIFY(verify(a.publicKey(), att.signedBytes(), att.signature));
        QCOMPARE(a.attested(), quint64(1));
    }

    void refusesAForgery()
    {
        Attestor a = attestor();
        OrderIntent altered = intent(m_studio, 0, 2'000, 1, 0);
        altered.amountUnits = 2'500; // after signing
        QCOMPARE(refusal(a.attest(altered, 0)), AttestorRefusal::BadSignature);
        OrderIntent otherKey = intent(m_studio, 1, 2'000, 2, 0);
        otherKey.participant = 0; // participant 1's signature on participant 0's order
        QCOMPARE(refusal(a.attest(otherKey, 0)), AttestorRefusal::BadSignature);
        // A forgery burns no nonce: the real intent with it still passes.
        QVERIFY(std::holds_alternative<Attestation>(a.attest(intent(m_studio, 0, 2'000, 1, 0), 0)));
        QCOMPARE(a.attested(), quint64(1));
    }

    void refusesAReplayedNonce()
    {
        Attestor a = attestor();
        const OrderIntent once = intent(m_studio, 0, 2'000, 42, 0);
        QVERIFY(std::holds_alternative<Attestation>(a.attest(once, 0)));
        QCOMPARE(refusal(a.attest(once, 3'600'000)), AttestorRefusal::ReplayedNonce);
        // The same nonce is another participant's own.
        QVERIFY(std::holds_alternative<Attestation>(a.attest(intent(m_studio, 1, 2'000, 42, 0), 0)));
    }

    void refusesOverTheLimits()
    {
        Attestor a = attestor();
        const PilotParams p = params();
        QCOMPARE(refusal(a.attest(intent(m_studio, 0, p.orderLimitUnits + 1, 1, 0), 0)), AttestorRefusal::OverOrderLimit);
        QCOMPARE(refusal(a.attest(intent(m_studio, 0, 0, 2, 0), 0)), AttestorRefusal::OverOrderLimit);
        QVERIFY(std::holds_alternative<Attestation>(a.attest(intent(m_studio, 0, p.orderLimitUnits, 3, 0), 0)));
        // 8,000 + 8,000 > the day's 15,000, well apart in time.
        QCOMPARE(refusal(a.attest(intent(m_studio, 0, p.orderLimitUnits, 4, 3'600'000), 3'600'000)), AttestorRefusal::OverDayLimit);
        QVERIFY(std::holds_alternative<Attestation>(a.attest(intent(m_studio, 0, p.dayLimitUnits - p.orderLimitUnits, 5, 3'600'000), 3'600'000)));
        QCOMPARE(a.attested(), quint64(2));
    }

    void refusesOrdersTooFast()
    {
        Attestor a = attestor();
        const PilotParams p = params();
        QVERIFY(std::holds_alternative<Attestation>(a.attest(intent(m_studio, 0, 1'000, 1, 0), 0)));
        QVERIFY(std::holds_alternative<Attestation>(a.attest(intent(m_studio, 0, 1'000, 2, 1'000), 1'000)));
        QCOMPARE(refusal(a.attest(intent(m_studio, 0, 1'000, 3, 2'000), 2'000)), AttestorRefusal::Velocity);
        // Once the first has left the window, one more passes.
        QVERIFY(std::holds_alternative<Attestation>(a.attest(intent(m_studio, 0, 1'000, 4, p.velocityWindowMs), p.velocityWindowMs)));
    }

    void refusesSomeoneNotEnrolled()
    {
        Attestor a = attestor();
        OrderIntent stranger = intent(m_studio, 1, 1'000, 1, 0);
        stranger.participant = 5;
        QCOMPARE(refusal(a.attest(stranger, 0)), AttestorRefusal::UnknownParticipant);
        stranger.participant = -1;
        QCOMPARE(refusal(a.attest(stranger, 0)), AttestorRefusal::UnknownParticipant);
    }

    void everyReasonHasAName()
    {
        QSet<QString> names;
        for (AttestorRefusal r : AllAttestorRefusals)
            names.insert(attestorRefusalName(r));
        QCOMPARE(names.size(), qsizetype(std::size(AllAttestorRefusals)));
        QVERIFY(!names.contains(QString()));
    }
};

QTEST_GUILESS_MAIN(TestAttestor)
#include "tst_attestor.moc"
