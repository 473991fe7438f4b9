// `cabinet ledger ...` through the real binary: JSON in and out, separate
// invocations on one ledger, read-only lookups beside a running console, and
// bad input refused whole (exit 2, the field named, nothing applied).
#include "CabinetProcess.h"
#include "RawSqlite.h"
#include "store/DataDirectory.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace cabinet;
using namespace cabinet::test;

namespace {

const QString AmountMax = QStringLiteral("340282366920938463463374607431768211455");

QStringList statusesOf(const QString &json)
{
    QStringList list;
    for (const QJsonValue &result : QJsonDocument::fromJson(json.toUtf8()).array())
        list.append(result.toObject().value(QStringLiteral("status")).toString());
    return list;
}

template <typename... Names>
QStringList S(Names... names)
{
    return QStringList { QString::fromLatin1(names)... };
}

} // namespace

class TestLedgerCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList ledger(const char *command, const QStringList &args = {}) const
    {
        return QStringList { QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("ledger"), QString::fromLatin1(command) } + args;
    }
    QJsonArray lookup(const char *what, const QStringList &ids)
    {
        const Run run = runCabinet(ledger(what, ids));
        if (run.exitCode != 0)
            qWarning("%s", qPrintable(run.err));
        return QJsonDocument::fromJson(run.out.toUtf8()).array();
    }
    QString writeFile(const char *name, const QByteArray &content)
    {
        QFile file(m_dir.filePath(QString::fromLatin1(name)));
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(content);
        return file.fileName();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        qputenv("CABINET_OPERATOR", "tester");
        const Run accounts = runCabinet(ledger("create-accounts"),
                                        R"([{"id": 1, "ledger": 1, "code": 10},
                                            {"id": "2", "ledger": 1, "code": 10, "flags": ["history"]},
                                            {"id": 3, "ledger": 1, "code": 10, "flags": 2, "user_data_64": "18446744073709551615"}])");
        QCOMPARE(accounts.exitCode, 0);
        QCOMPARE(statusesOf(accounts.out), S("created", "created", "created"));
        QVERIFY2(accounts.out.startsWith(QStringLiteral("[{\"index\":0,\"timestamp\":\"")), qPrintable(accounts.out));
    }

    void separateInvocationsShareOneLedger()
    {
        const QString file = writeFile("transfers.json", QByteArray(R"([
            {"id": 100, "debit_account_id": 1, "credit_account_id": 2, "amount": )") + AmountMax.toLatin1() + R"(, "ledger": 1, "code": 1},
            {"id": 101, "debit_account_id": 2, "credit_account_id": 1, "amount": "7", "ledger": 1, "code": 1,
             "flags": ["pending"], "timeout": 3600, "user_data_128": "123456789012345678901234567890"}
        ])");
        const Run created = runCabinet(ledger("create-transfers", { file }));
        QCOMPARE(created.exitCode, 0);
        QCOMPARE(statusesOf(created.out), S("created", "created"));

        const QJsonArray accounts = lookup("lookup-accounts", { QStringLiteral("2"), QStringLiteral("99"), QStringLiteral("1") });
        QCOMPARE(accounts.size(), 2); // 99 does not exist and is left out
        QCOMPARE(accounts[0][QStringLiteral("id")].toString(), QStringLiteral("2"));
        QCOMPARE(accounts[0][QStringLiteral("credits_posted")].toString(), AmountMax); // exact to the last digit
        QCOMPARE(accounts[0][QStringLiteral("debits_pending")].toString(), QStringLiteral("7"));
        QCOMPARE(accounts[0][QStringLiteral("flags")].toArray(), QJsonArray { QStringLiteral("history") });
        QCOMPARE(accounts[1][QStringLiteral("debits_posted")].toString(), AmountMax);

        const QJsonArray transfers = lookup("lookup-transfers", { QStringLiteral("101") });
        QCOMPARE(transfers.size(), 1);
        QCOMPARE(transfers[0][QStringLiteral("user_data_128")].toString(), QStringLiteral("123456789012345678901234567890"));
        QCOMPARE(transfers[0][QStringLiteral("timeout")].toInt(), 3600);
        QCOMPARE(transfers[0][QStringLiteral("flags")].toArray(), QJsonArray { QStringLiteral("pending") });

        // Retrying the same batch is safe: exists is success.
        const Run again = runCabinet(ledger("create-transfers", { file }));
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(statusesOf(again.out), S("exists", "exists"));
        const QJsonArray u64 = lookup("lookup-accounts", { QStringLiteral("3") });
        QCOMPARE(u64[0][QStringLiteral("user_data_64")].toString(), QStringLiteral("18446744073709551615"));
    }

    void failedEventsExitOneAndTheRestApply()
    {
        const Run run = runCabinet(ledger("create-transfers", { QStringLiteral("-") }),
                                   R"([{"id": 200, "debit_account_id": 3, "credit_account_id": 1, "amount": 5, "ledger": 1, "code": 1},
                                       {"id": 201, "debit_account_id": 1, "credit_account_id": 3, "amount": 5, "ledger": 1, "code": 1},
                                       {"id": 202, "debit_account_id": 1, "credit_account_id": 77, "amount": 5, "ledger": 1, "code": 1}])");
        QCOMPARE(run.exitCode, 1);
        // Account 1 is at AMOUNT_MAX already: 201 overflows.
        QCOMPARE(statusesOf(run.out), S("exceeds_credits", "overflows_debits_posted", "credit_account_not_found"));
        const Run retry = runCabinet(ledger("create-transfers"),
                                     R"([{"id": 202, "debit_account_id": 2, "credit_account_id": 3, "amount": 5, "ledger": 1, "code": 1},
                                         {"id": 203, "debit_account_id": 2, "credit_account_id": 3, "amount": 5, "ledger": 1, "code": 1}])");
        QCOMPARE(statusesOf(retry.out), S("id_already_failed", "created"));
        QCOMPARE(lookup("lookup-accounts", { QStringLiteral("3") })[0][QStringLiteral("credits_posted")].toString(), QStringLiteral("5"));
    }

    void badInputExitsTwoAndAppliesNothing_data()
    {
        QTest::addColumn<QByteArray>("batch");
        QTest::addColumn<QString>("message");
        const QByteArray valid = R"({"id": 900, "debit_account_id": 2, "credit_account_id": 3, "amount": 1, "ledger": 1, "code": 1})";
        auto after = [&](const char *bad) -> QByteArray { return "[" + valid + ",\n" + QByteArray(bad) + "]"; };
        QTest::newRow("malformed") << after(R"({"id": 901,)") << QStringLiteral("malformed JSON at line 2");
        QTest::newRow("unknown field") << after(R"({"id": 901, "colour": "red"})") << QStringLiteral("event 1: unknown field \"colour\"");
        QTest::newRow("2^128") << after(R"({"id": 901, "amount": 340282366920938463463374607431768211456})")
                               << QStringLiteral("event 1: field \"amount\" is out of range");
        QTest::newRow("2^128 as text") << after(R"({"id": "340282366920938463463374607431768211456"})")
                                       << QStringLiteral("event 1: field \"id\" is out of range");
        QTest::newRow("negative") << after(R"({"id": 901, "amount": -5})") << QStringLiteral("event 1: field \"amount\" must not be negative");
        QTest::newRow("fraction") << after(R"({"id": 901, "amount": 1.5})") << QStringLiteral("event 1: field \"amount\" must be a whole number");
        QTest::newRow("ledger > u32") << after(R"({"id": 901, "ledger": 4294967296})")
                                      << QStringLiteral("event 1: field \"ledger\" is out of range");
        QTest::newRow("code > u16") << after(R"({"id": 901, "code": 65536})") << QStringLiteral("event 1: field \"code\" is out of range");
        QTest::newRow("unknown flag") << after(R"({"id": 901, "flags": ["pending", "pendng"]})")
                                      << QStringLiteral("event 1: field \"flags\" has an unknown flag \"pendng\"");
        QTest::newRow("flags > u16") << after(R"({"id": 901, "flags": 65536})") << QStringLiteral("event 1: field \"flags\" is out of range");
        QTest::newRow("not a number") << after(R"({"id": "12a"})") << QStringLiteral("event 1: field \"id\" is not a decimal number");
        QTest::newRow("wrong type") << after(R"({"id": true})") << QStringLiteral("event 1: field \"id\" must be a number or a decimal string");
        QTest::newRow("not an object") << after("42") << QStringLiteral("event 1: expected an object");
        QTest::newRow("not an array") << QByteArray(R"({"id": 901})") << QStringLiteral("expected a JSON array of transfers");
    }
    void badInputExitsTwoAndAppliesNothing()
    {
        QFETCH(QByteArray, batch);
        QFETCH(QString, message);
        const Run run = runCabinet(ledger("create-transfers"), batch);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("nothing was applied")), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
        QCOMPARE(lookup("lookup-transfers", { QStringLiteral("900") }), QJsonArray {});
    }

    void badAccountsAreRefusedToo()
    {
        const Run run = runCabinet(ledger("create-accounts"), R"([{"id": 50, "ledger": 1, "code": 1}, {"id": 51, "flags": ["closed", "histroy"]}])");
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("event 1: field \"flags\" has an unknown flag \"histroy\"")), qPrintable(run.err));
        QCOMPARE(lookup("lookup-accounts", { QStringLiteral("50") }), QJsonArray {});
        const Run ids = runCabinet(ledger("lookup-accounts", { QStringLiteral("1"), QStringLiteral("4x") }));
        QCOMPARE(ids.exitCode, 2);
        QVERIFY2(ids.err.contains(QStringLiteral("id \"4x\" is not a decimal number")), qPrintable(ids.err));
    }

    void queriesTakeTheFilterInlineFromAFileOrStdin()
    {
        const QByteArray filter = R"({"account_id": 2, "flags": ["debits", "credits"], "limit": 10})";
        const Run inlined = runCabinet(ledger("account-transfers", { QString::fromUtf8(filter) }));
        QCOMPARE(inlined.exitCode, 0);
        const QJsonArray transfers = QJsonDocument::fromJson(inlined.out.toUtf8()).array();
        QVERIFY(transfers.size() >= 2);
        QCOMPARE(transfers[0][QStringLiteral("id")].toString(), QStringLiteral("100"));
        const Run fromFile = runCabinet(ledger("account-transfers", { writeFile("filter.json", filter) }));
        QCOMPARE(fromFile.out, inlined.out);
        const Run fromStdin = runCabinet(ledger("account-transfers", { QStringLiteral("-") }), filter);
        QCOMPARE(fromStdin.out, inlined.out);

        const Run balances = runCabinet(ledger("account-balances"), filter);
        QCOMPARE(balances.exitCode, 0);
        const QJsonArray history = QJsonDocument::fromJson(balances.out.toUtf8()).array();
        QCOMPARE(history.size(), transfers.size());
        QCOMPARE(history[0][QStringLiteral("credits_posted")].toString(), AmountMax);

        const Run byUserData = runCabinet(ledger("query-transfers", { QStringLiteral(R"({"user_data_128": "123456789012345678901234567890", "limit": 5})") }));
        QCOMPARE(QJsonDocument::fromJson(byUserData.out.toUtf8()).array().size(), 1);
        const Run reversed = runCabinet(ledger("query-accounts", { QStringLiteral(R"({"limit": 1, "flags": ["reversed"]})") }));
        QCOMPARE(QJsonDocument::fromJson(reversed.out.toUtf8()).array()[0][QStringLiteral("id")].toString(), QStringLiteral("3"));

        // An invalid filter (limit 0) matches nothing; a malformed one is refused.
        const Run empty = runCabinet(ledger("query-accounts", { QStringLiteral(R"({"limit": 0})") }));
        QCOMPARE(empty.exitCode, 0);
        QCOMPARE(empty.out.trimmed(), QStringLiteral("[]"));
        const Run bad = runCabinet(ledger("query-accounts", { QStringLiteral(R"({"limit": 1, "ledgr": 1})") }));
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(QStringLiteral("unknown field \"ledgr\"")), qPrintable(bad.err));
    }

    void lookupsWorkBesideARunningConsole()
    {
        // Hold the data directory's lock as a running console would.
        auto held = DataDirectory::acquire(m_dir.path());
        QVERIFY(held);
        QCOMPARE(lookup("lookup-accounts", { QStringLiteral("1") }).size(), 1);
        const Run query = runCabinet(ledger("query-transfers", { QStringLiteral(R"({"limit": 1})") }));
        QCOMPARE(query.exitCode, 0);
        const Run write = runCabinet(ledger("create-accounts"), R"([{"id": 60, "ledger": 1, "code": 1}])");
        QCOMPARE(write.exitCode, 1);
        QVERIFY2(write.err.contains(QStringLiteral("is in use by another Cabinet process")), qPrintable(write.err));
    }

    void expireReplayCheckAndAudit()
    {
        const Run pending = runCabinet(ledger("create-transfers"),
                                       R"([{"id": 300, "debit_account_id": 2, "credit_account_id": 3, "amount": 4, "ledger": 1,
                                            "code": 1, "flags": ["pending"], "timeout": 1}])");
        QCOMPARE(statusesOf(pending.out), S("created"));
        QThread::msleep(1100);
        const Run expired = runCabinet(ledger("expire"));
        QCOMPARE(expired.exitCode, 0);
        QCOMPARE(expired.out.trimmed(), QStringLiteral("{\"expired\":1}"));
        const Run post = runCabinet(ledger("create-transfers"),
                                    R"([{"id": 301, "pending_id": 300, "flags": ["post_pending_transfer"], "amount": ")" + AmountMax.toLatin1() + R"("}])");
        QCOMPARE(post.exitCode, 1);
        QCOMPARE(statusesOf(post.out), S("pending_transfer_expired"));

        const Run journal = runCabinet(ledger("journal", { QStringLiteral("--limit"), QStringLiteral("100") }));
        QCOMPARE(journal.exitCode, 0);
        QVERIFY(journal.out.contains(QStringLiteral("\"kind\":\"expiry\"")));

        const Run replay = runCabinet(ledger("replay-check"));
        QCOMPARE(replay.exitCode, 0);
        QVERIFY2(replay.out.contains(QStringLiteral("journal replay matches")), qPrintable(replay.out));

        const Run audit = runCabinet({ QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("audit"), QStringLiteral("tail"),
                                       QStringLiteral("-n"), QStringLiteral("100") });
        QVERIFY(audit.out.contains(QStringLiteral("operator:tester\tledger.create_transfers")));
        QVERIFY(audit.out.contains(QStringLiteral("operator:tester\tledger.expire")));
        QVERIFY(!audit.out.contains(QStringLiteral("ledger.create_accounts\tbatch of 2"))); // the refused batch of two

        // Change a balance behind the ledger's back: the check fails and says where.
#define ZERO "00000000000000000000000000000000"
#define ONE "00000000000000000000000000000001"
#define FIVE "00000000000000000000000000000005"
        QVERIFY(rawExec(DataDirectory::databasePath(m_dir.path()),
                        "UPDATE ledger_account_state SET balances = x'" ZERO ONE ZERO FIVE "' WHERE timestamp ="
                        " (SELECT timestamp FROM ledger_accounts WHERE id = x'00000000000000000000000000000003')"));
        const Run broken = runCabinet(ledger("replay-check"));
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.out.contains(QStringLiteral("account 3: debits_posted replays to 0, stored 1")), qPrintable(broken.out));
    }

    void everyLedgerCommandHasHelp()
    {
        for (const char *command : { "create-accounts", "create-transfers", "lookup-accounts", "lookup-transfers", "account-transfers",
                                     "account-balances", "query-accounts", "query-transfers", "expire", "replay-check", "journal" }) {
            const Run run = runCabinet(ledger(command, { QStringLiteral("--help") }));
            QCOMPARE(run.exitCode, 0);
            QVERIFY2(run.out.startsWith(QStringLiteral("Usage: cabinet ledger ") + QString::fromLatin1(command)), command);
        }
    }
};

QTEST_GUILESS_MAIN(TestLedgerCli)
#include "tst_ledger_cli.moc"
