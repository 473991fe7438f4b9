// `cabinet costs report | budget show | budget set | mode get | mode set`
// through the real binary: a budget set in decimal USD reads back in
// micro-USD, sim calls (`models test`) move the books, and the report's
// totals equal the ledger's balances to the micro-dollar. Bad input is
// refused (exit 2) with nothing changed.
#include "CabinetProcess.h"
#include "costs/CostAccounts.h"
#include "ledger/U128.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

namespace {

constexpr int SimCalls = 6;

QByteArray fileDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestCostsCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList cli(const QStringList &args) const
    {
        // The sim answers at once: the test is about the books, not the wait.
        return QStringList { QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("--set"), QStringLiteral("llm.providers.sim.latency_ms=0") }
                + args;
    }
    QJsonObject json(const QStringList &args)
    {
        const Run run = runCabinet(cli(args + QStringList { QStringLiteral("--json") }));
        if (run.exitCode != 0)
            qWarning("%s", qPrintable(run.err));
        return QJsonDocument::fromJson(run.out.toUtf8()).object();
    }
    QJsonObject account(ledger::u128 id)
    {
        const Run run = runCabinet(cli({ QStringLiteral("ledger"), QStringLiteral("lookup-accounts"), ledger::toDecimal(id) }));
        if (run.exitCode != 0)
            qWarning("%s", qPrintable(run.err));
        return QJsonDocument::fromJson(run.out.toUtf8()).array().first().toObject();
    }
    QJsonObject envelope(const QString &agent)
    {
        for (const QJsonValue &e : json({ QStringLiteral("budget"), QStringLiteral("show") }).value(QStringLiteral("envelopes")).toArray())
            if (e.toObject().value(QStringLiteral("agent")).toString() == agent)
                return e.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        qputenv("CABINET_OPERATOR", "tester");
    }

    void budgetSetTakesDecimalUsdAndShowsMicros()
    {
        // `system` pays for calls made for no agent (models test); the
        // agents' own envelopes come with the agent registry.
        const QJsonObject set = json({ QStringLiteral("budget"), QStringLiteral("set"), QStringLiteral("system"), QStringLiteral("--daily"),
                                       QStringLiteral("2.5"), QStringLiteral("--per-call"), QStringLiteral("0.5") });
        QCOMPARE(set.value(QStringLiteral("agent")).toString(), QStringLiteral("system"));
        QCOMPARE(set.value(QStringLiteral("daily_cap_micros")).toString(), QStringLiteral("2500000"));
        QCOMPARE(set.value(QStringLiteral("per_call_cap_micros")).toString(), QStringLiteral("500000"));
        const QJsonObject system = envelope(QStringLiteral("system"));
        QCOMPARE(system.value(QStringLiteral("daily_cap_micros")).toString(), QStringLiteral("2500000"));
        QCOMPARE(system.value(QStringLiteral("per_call_cap_micros")).toString(), QStringLiteral("500000"));

        // For people: decimal USD, never micro-dollars or floats.
        const Run shown = runCabinet(cli({ QStringLiteral("budget"), QStringLiteral("show") }));
        QCOMPARE(shown.exitCode, 0);
        QVERIFY2(shown.out.contains(QStringLiteral("daily 2.500000  per call 0.500000")), qPrintable(shown.out));
        // An agent without an envelope is named in the refusal.
        const Run unknown = runCabinet(cli({ QStringLiteral("budget"), QStringLiteral("set"), QStringLiteral("nobody"), QStringLiteral("--daily"),
                                             QStringLiteral("1") }));
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains(QStringLiteral("nobody")));
    }

    void badAmountsAreRefusedAndChangeNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        const auto set = [](const char *daily) {
            return QStringList { QStringLiteral("budget"), QStringLiteral("set"), QStringLiteral("rex"), QStringLiteral("--daily"), QString::fromLatin1(daily) };
        };
        QTest::newRow("negative") << set("-1");
        QTest::newRow("empty") << set("");
        QTest::newRow("seven decimals") << set("0.0000001");
        QTest::newRow("exponent") << set("1e3");
        QTest::newRow("over a billion") << set("1000000001");
        QTest::newRow("no --daily") << QStringList { QStringLiteral("budget"), QStringLiteral("set"), QStringLiteral("rex") };
        QTest::newRow("bad --per-call") << set("1") + QStringList { QStringLiteral("--per-call"), QStringLiteral("x") };
        QTest::newRow("bad --by") << QStringList { QStringLiteral("costs"), QStringLiteral("report"), QStringLiteral("--by"), QStringLiteral("week") };
        QTest::newRow("bad --since") << QStringList { QStringLiteral("costs"), QStringLiteral("report"), QStringLiteral("--since"), QStringLiteral("2026-13-01") };
        QTest::newRow("--since past 2200") << QStringList { QStringLiteral("costs"), QStringLiteral("report"), QStringLiteral("--since"), QStringLiteral("2999-01-01") };
        QTest::newRow("bad mode") << QStringList { QStringLiteral("mode"), QStringLiteral("set"), QStringLiteral("sleepy") };
    }
    void badAmountsAreRefusedAndChangeNothing()
    {
        QFETCH(QStringList, args);
        // The directory exists from the test before.
        const QByteArray before = fileDigest(m_dir.filePath(QStringLiteral("cabinet.db")));
        QVERIFY(!before.isEmpty());
        const Run run = runCabinet(cli(args));
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY(!run.err.isEmpty());
        QCOMPARE(fileDigest(m_dir.filePath(QStringLiteral("cabinet.db"))), before);
    }

    void reportEqualsTheLedgerToTheMicroDollar()
    {
        for (int i = 0; i < SimCalls; ++i) {
            const Run call = runCabinet(cli({ QStringLiteral("models"), QStringLiteral("test"), QStringLiteral("cloud/mid"), QStringLiteral("--prompt"),
                                              QStringLiteral("What does call %1 cost?").arg(i), QStringLiteral("--json") }));
            QVERIFY2(call.exitCode == 0, qPrintable(call.err));
        }
        const QJsonObject report = json({ QStringLiteral("costs"), QStringLiteral("report"), QStringLiteral("--by"), QStringLiteral("model") });
        const QJsonObject total = report.value(QStringLiteral("total")).toObject();
        QCOMPARE(total.value(QStringLiteral("calls")).toInteger(), SimCalls);
        const QString spent = total.value(QStringLiteral("cost_micros")).toString();
        QVERIFY(spent.toLongLong() > 0);

        // The same money, as the ledger holds it: what the provider was
        // credited and the system envelope (calls for no agent) debited.
        const QJsonObject provider = account(costs::providerAccount(QStringLiteral("sim")));
        QCOMPARE(provider.value(QStringLiteral("credits_posted")).toString(), spent);
        QCOMPARE(provider.value(QStringLiteral("credits_pending")).toString(), QStringLiteral("0"));
        const QJsonObject system = account(costs::envelopeAccount(QStringLiteral("system")));
        QCOMPARE(system.value(QStringLiteral("debits_posted")).toString(), spent);
        const QJsonObject reconciliation = report.value(QStringLiteral("reconciliation")).toObject();
        QCOMPARE(reconciliation.value(QStringLiteral("ledger_posted_micros")).toString(), spent);
        QCOMPARE(reconciliation.value(QStringLiteral("records_posted_micros")).toString(), spent);
        QVERIFY(reconciliation.value(QStringLiteral("matches")).toBool());

        // Every grouping adds up to the same total.
        for (const char *by : { "agent", "model", "day" }) {
            const QJsonObject grouped = json({ QStringLiteral("costs"), QStringLiteral("report"), QStringLiteral("--by"), QString::fromLatin1(by) });
            qint64 sum = 0;
            for (const QJsonValue &g : grouped.value(QStringLiteral("groups")).toArray())
                sum += g.toObject().value(QStringLiteral("cost_micros")).toString().toLongLong();
            QCOMPARE(QString::number(sum), spent);
        }
        // A day after today holds none of it.
        const QJsonObject later = json({ QStringLiteral("costs"), QStringLiteral("report"), QStringLiteral("--since"), QStringLiteral("2200-01-01") });
        QCOMPARE(later.value(QStringLiteral("total")).toObject().value(QStringLiteral("calls")).toInteger(), 0);

        // For people: the total in decimal USD and the ledger's word.
        const Run text = runCabinet(cli({ QStringLiteral("costs"), QStringLiteral("report") }));
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("(they match)")), qPrintable(text.out));
        const qint64 micros = spent.toLongLong();
        const QString usd = QStringLiteral("%1.%2").arg(micros / 1'000'000).arg(micros % 1'000'000, 6, 10, QLatin1Char('0'));
        QVERIFY2(text.out.contains(usd), qPrintable(text.out));
    }

    void aCapTooSmallRefusesTheCallAndChargesNothing()
    {
        const QString before = json({ QStringLiteral("costs"), QStringLiteral("report") }).value(QStringLiteral("total")).toObject().value(QStringLiteral("cost_micros")).toString();
        QCOMPARE(json({ QStringLiteral("budget"), QStringLiteral("set"), QStringLiteral("system"), QStringLiteral("--daily"), QStringLiteral("2.5"),
                        QStringLiteral("--per-call"), QStringLiteral("0.000001") })
                         .value(QStringLiteral("per_call_cap_micros"))
                         .toString(),
                 QStringLiteral("1"));
        const Run call = runCabinet(cli({ QStringLiteral("models"), QStringLiteral("test"), QStringLiteral("cloud/mid"), QStringLiteral("--prompt"),
                                          QStringLiteral("Too dear?") }));
        QVERIFY2(call.exitCode != 0, qPrintable(call.out));
        QVERIFY2(call.err.contains(QStringLiteral("budget")), qPrintable(call.err));
        const QJsonObject report = json({ QStringLiteral("costs"), QStringLiteral("report") });
        QCOMPARE(report.value(QStringLiteral("total")).toObject().value(QStringLiteral("cost_micros")).toString(), before);
        QVERIFY(report.value(QStringLiteral("reconciliation")).toObject().value(QStringLiteral("matches")).toBool());
    }

    void treasuryFundAndResume()
    {
        const QString before = json({ QStringLiteral("budget"), QStringLiteral("show") }).value(QStringLiteral("treasury_micros")).toString();
        const QJsonObject funded = json({ QStringLiteral("treasury"), QStringLiteral("fund"), QStringLiteral("12.5") });
        QCOMPARE(funded.value(QStringLiteral("amount_micros")).toString(), QStringLiteral("12500000"));
        QCOMPARE(funded.value(QStringLiteral("treasury_micros")).toString(), QString::number(before.toLongLong() + 12'500'000));
        const Run bad = runCabinet(cli({ QStringLiteral("treasury"), QStringLiteral("fund"), QStringLiteral("-5") }));
        QCOMPARE(bad.exitCode, 2);
        QCOMPARE(json({ QStringLiteral("budget"), QStringLiteral("show") }).value(QStringLiteral("treasury_micros")).toString(),
                 funded.value(QStringLiteral("treasury_micros")).toString());
        // An agent that is not paused resumes as a no-op; one without an envelope is named.
        const QJsonObject resumed = json({ QStringLiteral("budget"), QStringLiteral("resume"), QStringLiteral("system") });
        QCOMPARE(resumed.value(QStringLiteral("paused")).toBool(true), false);
        const Run nobody = runCabinet(cli({ QStringLiteral("budget"), QStringLiteral("resume"), QStringLiteral("nobody") }));
        QVERIFY(nobody.exitCode != 0);
        QVERIFY(nobody.err.contains(QStringLiteral("nobody")));
    }

    void modeGetAndSet()
    {
        const QString before = json({ QStringLiteral("mode"), QStringLiteral("get") }).value(QStringLiteral("mode")).toString();
        QVERIFY(!before.isEmpty());
        const QJsonObject change = json({ QStringLiteral("mode"), QStringLiteral("set"), QStringLiteral("paused") });
        QCOMPARE(change.value(QStringLiteral("from")).toString(), before);
        QCOMPARE(change.value(QStringLiteral("to")).toString(), QStringLiteral("paused"));
        const Run get = runCabinet(cli({ QStringLiteral("mode"), QStringLiteral("get") }));
        QCOMPARE(get.exitCode, 0);
        QCOMPARE(get.out, QStringLiteral("paused\n"));
        const Run again = runCabinet(cli({ QStringLiteral("mode"), QStringLiteral("set"), QStringLiteral("paused") }));
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, QStringLiteral("mode already paused\n"));
        // To autonomous is tier 3: it waits for two operators' approvals.
        const Run asked = runCabinet(cli({ QStringLiteral("mode"), QStringLiteral("set"), QStringLiteral("autonomous") }));
        QCOMPARE(asked.exitCode, 0);
        QVERIFY2(asked.out.startsWith(QStringLiteral("mode paused -> autonomous waits for approval ")) && asked.out.endsWith(QStringLiteral("(tier 3)\n")),
                 qPrintable(asked.out));
        QCOMPARE(runCabinet(cli({ QStringLiteral("mode"), QStringLiteral("get") })).out, QStringLiteral("paused\n"));
    }
};

QTEST_GUILESS_MAIN(TestCostsCli)
#include "tst_costs_cli.moc"
