// A whole pilot day on a real ledger: the same seed gives the same report
// in another run; every credit is accounted for after every ledger batch;
// an issuer outage voids every order it touches and loses no credit, and
// no order gets two cards; every refusal is audited under its service.
#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "ledger/Ledger.h"
#include "pilot/PilotDay.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace cabinet;
using namespace cabinet::pilot;

namespace {

PilotParams small(quint64 seed)
{
    PilotParams p;
    p.participants = 300;
    p.seed = seed;
    p.ordersPerParticipant = 3;
    p.hours = 4;
    return p;
}

qint64 count(const QJsonObject &object, const char *name) { return object.value(QLatin1String(name)).toInteger(); }

} // namespace

class TestPilotDay : public QObject {
    Q_OBJECT

private slots:
    void theSameSeedGivesTheSameReport()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        auto first = PilotDay(c->service<ledger::Ledger>(), c->audit(), 1, small(9)).run();
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        auto second = PilotDay(c->service<ledger::Ledger>(), c->audit(), 2, small(9)).run();
        QVERIFY2(second, second ? "" : qPrintable(second.error().message));
        QCOMPARE(QJsonDocument(second->report).toJson(), QJsonDocument(first->report).toJson());
        auto other = PilotDay(c->service<ledger::Ledger>(), c->audit(), 3, small(10)).run();
        QVERIFY(other);
        QVERIFY(other->report != first->report);

        const QJsonObject r = first->report;
        QVERIFY(r.value(QStringLiteral("simulated")).toString().contains(QStringLiteral("simulated fulfilment")));
        QVERIFY(r.value(QStringLiteral("simulated")).toString().contains(QStringLiteral("simulated gift-card issuer")));
        QVERIFY(r.value(QStringLiteral("delivery_rate")).toDouble() >= DeliveryRateTarget);
        const QJsonObject credits = r.value(QStringLiteral("credits")).toObject();
        QVERIFY(credits.value(QStringLiteral("balanced")).toBool());
        QCOMPARE(count(credits, "issued"), 300 * small(9).grantUnits);
        QCOMPARE(count(credits, "in_escrow"), 0); // every hold posted or voided by the day's end
        const QJsonObject orders = r.value(QStringLiteral("orders")).toObject();
        QCOMPARE(count(orders, "delivered") + count(orders, "partial") + count(orders, "fulfilment_failed") + count(orders, "timed_out")
                         + count(orders, "issuer_failed"),
                 count(r, "orders_held"));
        QVERIFY(count(orders, "refused_by_attestor") > 0);
        const QJsonObject cards = r.value(QStringLiteral("gift_cards")).toObject();
        QCOMPARE(count(cards, "issued"), count(orders, "delivered") + count(orders, "partial"));
        QCOMPARE(count(cards, "value_units"), count(credits, "fulfilled")); // a card for every unit paid out, none twice
        QVERIFY(r.value(QStringLiteral("forecast")).toObject().value(QStringLiteral("mean")).toDouble() > 0.5);
        QVERIFY(first->performance.value(QStringLiteral("orders_per_second")).toDouble() > 0);
    }

    void creditsAddUpAfterEveryStep()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        PilotDay day(c->service<ledger::Ledger>(), c->audit(), 1, small(3));
        int steps = 0;
        bool inFlight = false;
        day.setStepCheck([&](const QJsonObject &credits) {
            ++steps;
            QVERIFY(credits.value(QStringLiteral("balanced")).toBool());
            QCOMPARE(count(credits, "issued"), count(credits, "held") + count(credits, "in_escrow") + count(credits, "fulfilled"));
            inFlight = inFlight || count(credits, "in_escrow") > 0;
        });
        auto done = day.run();
        QVERIFY(done);
        QVERIFY(steps > 10);
        QVERIFY(inFlight); // the counts were taken while holds were open, too
        QCOMPARE(count(done->report.value(QStringLiteral("credits")).toObject(), "checks"), steps);
    }

    void anIssuerOutageVoidsAndLosesNothing()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        PilotParams p = small(5);
        p.issuerFailureRate = 1.0;
        auto done = PilotDay(c->service<ledger::Ledger>(), c->audit(), 1, p).run();
        QVERIFY(done);
        const QJsonObject r = done->report;
        const QJsonObject orders = r.value(QStringLiteral("orders")).toObject();
        QCOMPARE(count(orders, "delivered") + count(orders, "partial"), 0);
        QVERIFY(count(orders, "issuer_failed") > 0);
        const QJsonObject credits = r.value(QStringLiteral("credits")).toObject();
        QCOMPARE(count(credits, "fulfilled"), 0);
        QCOMPARE(count(credits, "in_escrow"), 0);
        QCOMPARE(count(credits, "held"), count(credits, "issued")); // every credit back with its participant
        QCOMPARE(count(r.value(QStringLiteral("gift_cards")).toObject(), "issued"), 0);
        QCOMPARE(r.value(QStringLiteral("delivery_rate")).toDouble(), 0.0);
        QVERIFY(!r.value(QStringLiteral("target_met")).toBool());
    }

    void everyRefusalIsAudited()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const qint64 before = c->audit().tail(1)->isEmpty() ? 0 : c->audit().tail(1)->last().seq;
        auto done = PilotDay(c->service<ledger::Ledger>(), c->audit(), 1, small(11)).run();
        QVERIFY(done);
        auto entries = c->audit().entriesAfter(before, 100'000);
        QVERIFY(entries);
        QMap<QString, int> byReason;
        for (const AuditEntry &e : *entries)
            if (e.action == QLatin1String("pilot.attestation_refused") || e.action == QLatin1String("pilot.terminal_refused"))
                ++byReason[e.actor + QLatin1Char(' ') + QJsonDocument::fromJson(e.payloadJson).object().value(QStringLiteral("reason")).toString()];
        const QJsonObject refusals = done->report.value(QStringLiteral("refusals")).toObject();
        int total = 0;
        for (const QString &service : { QStringLiteral("attestor"), QStringLiteral("terminal") }) {
            const QJsonObject reasons = refusals.value(service).toObject();
            for (auto it = reasons.begin(); it != reasons.end(); ++it) {
                QCOMPARE(byReason.value(QStringLiteral("system:pilot-") + service + QLatin1Char(' ') + it.key()), it.value().toInt());
                total += it.value().toInt();
            }
        }
        QVERIFY(total > 0);
    }
};

QTEST_GUILESS_MAIN(TestPilotDay)
#include "tst_pilotday.moc"
