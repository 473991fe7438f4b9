// The board's tally (docs/board.md): weight x confidence per side,
// abstentions out of the denominator, the threshold, ties, and the
// strongest dissent.
#include "board/Consensus.h"

#include <QTest>

using namespace cabinet::board;

Q_DECLARE_METATYPE(cabinet::board::Verdict)

namespace {

Ballot ballot(const char *who, double weight, Vote vote, double confidence)
{
    return { QLatin1String(who), weight, vote, confidence };
}

} // namespace

class TestConsensus : public QObject {
    Q_OBJECT

private slots:
    void tally_data()
    {
        QTest::addColumn<QList<Ballot>>("ballots");
        QTest::addColumn<double>("support");
        QTest::addColumn<double>("opposition");
        QTest::addColumn<Verdict>("verdict");
        const auto A = Vote::Approve, R = Vote::Reject, N = Vote::Abstain;
        QTest::newRow("nobody") << QList<Ballot> {} << 0.0 << 0.0 << Verdict::NoConsensus;
        QTest::newRow("all abstain") << QList<Ballot> { ballot("a", 1, N, 0.9), ballot("b", 2, N, 0.5) } << 0.0 << 0.0 << Verdict::NoConsensus;
        // 1.5 x 0.8 = 1.2 for, 1 x 0.3 = 0.3 against: share 0.8 >= 2/3
        QTest::newRow("approve") << QList<Ballot> { ballot("ceo", 1.5, A, 0.8), ballot("cfo", 1, R, 0.3) } << 1.2 << 0.3 << Verdict::Approve;
        // the abstention weighs nothing: 0.6 / (0.6 + 0.2) = 0.75
        QTest::newRow("abstention out of the denominator")
                << QList<Ballot> { ballot("a", 1, A, 0.6), ballot("b", 1, R, 0.2), ballot("c", 5, N, 1) } << 0.6 << 0.2 << Verdict::Approve;
        // 0.5 / (0.5 + 0.5): a tie
        QTest::newRow("tie") << QList<Ballot> { ballot("a", 1, A, 0.5), ballot("b", 0.5, R, 1) } << 0.5 << 0.5 << Verdict::NoConsensus;
        // 0.6 / 1.0 = 0.6: a majority below the threshold
        QTest::newRow("majority short of the threshold") << QList<Ballot> { ballot("a", 1, A, 0.6), ballot("b", 1, R, 0.4) } << 0.6 << 0.4
                                                         << Verdict::NoConsensus;
        // 0.2 / 1.0 = 0.2 <= 1/3
        QTest::newRow("reject") << QList<Ballot> { ballot("a", 1, A, 0.2), ballot("b", 2, R, 0.4) } << 0.2 << 0.8 << Verdict::Reject;
        // exactly 2/3: 2 / 3
        QTest::newRow("at the threshold") << QList<Ballot> { ballot("a", 2, A, 1), ballot("b", 1, R, 1) } << 2.0 << 1.0 << Verdict::Approve;
        QTest::newRow("unanimous with zero confidence") << QList<Ballot> { ballot("a", 1, A, 0) } << 0.0 << 0.0 << Verdict::NoConsensus;
    }
    void tally()
    {
        QFETCH(QList<Ballot>, ballots);
        QFETCH(double, support);
        QFETCH(double, opposition);
        QFETCH(Verdict, verdict);
        const Tally t = cabinet::board::tally(ballots);
        QVERIFY(qAbs(t.support - support) < 1e-12);
        QVERIFY(qAbs(t.opposition - opposition) < 1e-12);
        QCOMPARE(t.verdict, verdict);
        if (support + opposition > 0)
            QVERIFY(qAbs(t.approveShare - support / (support + opposition)) < 1e-12);
    }

    void strongestDissent()
    {
        const QList<Ballot> ballots = { ballot("ceo", 1.5, Vote::Approve, 0.9), ballot("cfo", 1.25, Vote::Reject, 0.4),
                                        ballot("clo", 1, Vote::Reject, 0.5), ballot("cmo", 1, Vote::Abstain, 1),
                                        ballot("cso", 1, Vote::Reject, 0.5) };
        QCOMPARE(leadingSide(ballots), std::optional<Vote>(Vote::Reject)); // 1.35 + 0.5 ... = 1.5 against 1.35
        // Against approval: 1.25 x 0.4 = 0.5 (cfo), 0.5 (clo), 0.5 (cso): the first of equals.
        QCOMPARE(cabinet::board::strongestDissent(ballots, Vote::Approve), std::optional<qsizetype>(1));
        QCOMPARE(cabinet::board::strongestDissent(ballots, Vote::Reject), std::optional<qsizetype>(0));
        QCOMPARE(cabinet::board::strongestDissent({ ballot("a", 1, Vote::Approve, 1) }, Vote::Approve), std::nullopt);
        QCOMPARE(leadingSide({ ballot("a", 1, Vote::Approve, 0.5), ballot("b", 1, Vote::Reject, 0.5) }), std::nullopt);
    }

    void names()
    {
        QCOMPARE(voteName(Vote::Abstain), QStringLiteral("abstain"));
        QCOMPARE(verdictName(Verdict::NoConsensus), QStringLiteral("no_consensus"));
    }
};

QTEST_GUILESS_MAIN(TestConsensus)
#include "tst_consensus.moc"
