// The gift-card adapter over the simulated issuer: a lost reply is retried
// under the same idempotency key and yields the card issued the first
// time, never a second; an outage yields no code after every attempt; an
// order asked again gets its one code.
#include "pilot/GiftCardAdapter.h"

#include <QTest>

using namespace cabinet::pilot;

class TestGiftCardAdapter : public QObject {
    Q_OBJECT

private slots:
    void aLostReplyIsRetriedWithoutASecondCard()
    {
        PilotParams p;
        p.issuerFailureRate = 0;
        p.issuerLostReplyRate = 0.5;
        p.issuerAttempts = 30; // 0.5^30: every order gets through
        SimulatedGiftCardIssuer issuer(p);
        GiftCardAdapter adapter(issuer, p.issuerAttempts);
        int retried = 0;
        for (quint64 i = 1; i <= 200; ++i) {
            const auto got = adapter.codeFor(pilotId(1, IdKind::Order, i), 500);
            QVERIFY(got.code);
            retried += got.attempts > 1;
        }
        QVERIFY(retried > 0); // lost replies happened, and were retried
        QCOMPARE(issuer.issued(), qsizetype(200)); // one card an order, all the same
        QCOMPARE(adapter.codes(), qsizetype(200));
        const auto again = adapter.codeFor(pilotId(1, IdKind::Order, 1), 500);
        QCOMPARE(again.attempts, 0);
        QCOMPARE(issuer.issued(), qsizetype(200));
    }

    void anOutageGivesNoCode()
    {
        PilotParams p;
        p.issuerFailureRate = 1.0;
        SimulatedGiftCardIssuer issuer(p);
        GiftCardAdapter adapter(issuer, p.issuerAttempts);
        const auto got = adapter.codeFor(pilotId(1, IdKind::Order, 1), 500);
        QVERIFY(!got.code);
        QCOMPARE(got.attempts, p.issuerAttempts);
        QCOMPARE(issuer.issued(), qsizetype(0));
    }

    void theSimulatedIssuerSaysSo()
    {
        PilotParams p;
        p.issuerFailureRate = 0;
        p.issuerLostReplyRate = 0;
        SimulatedGiftCardIssuer issuer(p);
        const auto reply = issuer.issue(QStringLiteral("k"), 1);
        QVERIFY(reply.code && reply.code->startsWith(QStringLiteral("SIM-")));
        QCOMPARE(issuer.issue(QStringLiteral("k"), 1).code, reply.code);
    }
};

QTEST_GUILESS_MAIN(TestGiftCardAdapter)
#include "tst_giftcardadapter.moc"
