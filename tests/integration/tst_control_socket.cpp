// The owner's control socket through the real binary (docs/api.md): while
// `cabinet --headless` owns a data directory the command line's writes go to
// it and come back exactly as they do with no owner, audited by the owner
// under the person who ran them; a socket left by a killed owner is no
// obstacle; and a raw client speaks JSON-RPC 2.0 to the owner.
#include "CabinetProcess.h"
#include "api/ControlServer.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace cabinet;
using namespace cabinet::test;

namespace {

const QString Login = QStringLiteral("socket-tester");

// Starts `cabinet --headless` on `dataDir` and waits for its "running" line.
bool startOwner(QProcess &process, const QString &dataDir)
{
    return startHeadless(process, dataDir) && QFileInfo::exists(api::ControlServer::socketPath(dataDir));
}

void stopOwner(QProcess &process)
{
    process.terminate();
    QVERIFY(process.waitForFinished(15000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

Run cli(const QString &dataDir, const QStringList &args, const QByteArray &input = {})
{
    return runCabinet(QStringList { QStringLiteral("--data-dir"), dataDir } + args, input);
}

// What may differ between two data directories: their paths and the
// ledger's timestamps (the clock moved).
QString normalized(QString text, const QString &dataDir)
{
    static const QRegularExpression timestamp(QStringLiteral("\"timestamp\":\"\\d+\""));
    return text.replace(dataDir, QStringLiteral("DIR")).replace(timestamp, QStringLiteral("\"timestamp\":\"T\""));
}

// Every audit entry of a data directory (read-only: works beside an owner).
QList<QJsonObject> auditEntries(const QString &dataDir)
{
    const Run exported = cli(dataDir, { QStringLiteral("audit"), QStringLiteral("export") });
    QList<QJsonObject> entries;
    for (const QString &line : exported.out.split(u'\n', Qt::SkipEmptyParts))
        entries.append(QJsonDocument::fromJson(line.toUtf8()).object());
    return entries;
}

QMap<QString, QStringList> actorsByAction(const QList<QJsonObject> &entries)
{
    QMap<QString, QStringList> result;
    for (const QJsonObject &entry : entries)
        result[entry.value(QStringLiteral("action")).toString()].append(entry.value(QStringLiteral("actor")).toString());
    return result;
}

// A client of the owner's socket that speaks the protocol by hand.
class RawClient {
public:
    bool connectTo(const QString &dataDir)
    {
        m_socket.connectToServer(api::ControlServer::socketPath(dataDir));
        return m_socket.waitForConnected(5000);
    }
    void send(const QByteArray &line)
    {
        m_socket.write(line + '\n');
        m_socket.waitForBytesWritten(5000);
    }
    // The next line the owner sends, or nothing within the time.
    QByteArray receive(int timeoutMs = 10000)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!m_socket.canReadLine()) {
            if (deadline.hasExpired() || !m_socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
                return {};
        }
        return m_socket.readLine().trimmed();
    }
    QJsonObject request(const QByteArray &line)
    {
        send(line);
        return QJsonDocument::fromJson(receive()).object();
    }

private:
    QLocalSocket m_socket;
};

int errorCode(const QJsonObject &response)
{
    return response.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt();
}

const QByteArray Accounts = R"([{"id": 1, "ledger": 1, "code": 10}, {"id": 2, "ledger": 1, "code": 10}, {"id": 3, "ledger": 1, "code": 10}])";
const QByteArray Transfer = R"([{"id": 10, "debit_account_id": 1, "credit_account_id": 2, "amount": 5, "ledger": 1, "code": 1}])";
const QByteArray PartlyFailing = R"([{"id": 11, "debit_account_id": 2, "credit_account_id": 3, "amount": 1, "ledger": 1, "code": 1},
                                     {"id": 12, "debit_account_id": 1, "credit_account_id": 77, "amount": 1, "ledger": 1, "code": 1}])";
// The config.yaml both directories start with: a comment and a flow
// mapping, which config set cannot change without losing the comment.
const QByteArray ConfigYaml = "# kept\nflow: {x: 1}\n";

struct Step {
    const char *name;
    QStringList args;
    QByteArray input;
    int exitCode;
};

QList<Step> steps()
{
    const auto S = [](std::initializer_list<const char *> words) {
        QStringList list;
        for (const char *word : words)
            list.append(QString::fromUtf8(word));
        return list;
    };
    return {
        { "create accounts", S({ "ledger", "create-accounts", "-" }), Accounts, 0 },
        { "create a transfer", S({ "ledger", "create-transfers", "-" }), Transfer, 0 },
        { "a batch with a failed event", S({ "ledger", "create-transfers", "-" }), PartlyFailing, 1 },
        { "the same transfer again", S({ "ledger", "create-transfers", "-" }), Transfer, 0 },
        { "malformed batch", S({ "ledger", "create-transfers", "-" }), R"([{"id": 13, "debit_account_id": 1,)", 2 },
        { "out of range", S({ "ledger", "create-transfers", "-" }),
          R"([{"id": 14, "debit_account_id": 1, "credit_account_id": 2, "amount": 1, "ledger": 1, "code": 70000}])", 2 },
        { "unknown field", S({ "ledger", "create-accounts", "-" }), R"([{"id": 15, "ledger": 1, "code": 10, "colour": "red"}])", 2 },
        { "config set", S({ "config", "set", "a.b", "1" }), {}, 0 },
        { "config set, refused by the operation (invalid_argument)", S({ "config", "set", "a.b.c", "1" }), {}, 2 },
        { "config set, refused by the operation (failed_precondition)", S({ "config", "set", "flow.y", "2" }), {}, 1 },
        { "config set, a bad key", S({ "config", "set", "Not A Key", "1" }), {}, 2 },
        { "expire", S({ "ledger", "expire" }), {}, 0 },
    };
}

} // namespace

class TestControlSocket : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cabinetBinary().isEmpty());
        qputenv("CABINET_OPERATOR", Login.toUtf8());
    }

    void writesThroughTheOwnerAnswerAsWithoutOne()
    {
        QTemporaryDir owned;
        QTemporaryDir alone;
        for (const QTemporaryDir *dir : { &owned, &alone }) {
            QFile file(dir->filePath(QStringLiteral("config.yaml")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(ConfigYaml);
        }
        QProcess owner;
        QVERIFY(startOwner(owner, owned.path()));
        const QList<QJsonObject> auditBefore = auditEntries(owned.path());

        for (const Step &step : steps()) {
            const Run there = cli(owned.path(), step.args, step.input);
            const Run here = cli(alone.path(), step.args, step.input);
            const QString what = QString::fromUtf8(step.name);
            QVERIFY2(here.exitCode == step.exitCode,
                     qPrintable(QStringLiteral("%1: exit %2 without an owner: %3").arg(what).arg(here.exitCode).arg(here.err)));
            QVERIFY2(there.exitCode == step.exitCode,
                     qPrintable(QStringLiteral("%1: exit %2 through the owner: %3").arg(what).arg(there.exitCode).arg(there.err)));
            QCOMPARE(normalized(there.out, owned.path()), normalized(here.out, alone.path()));
            QCOMPARE(normalized(there.err, owned.path()), normalized(here.err, alone.path()));
        }

        // Refused input applied nothing, there as here.
        for (const QString &dir : { owned.path(), alone.path() }) {
            const Run found = cli(dir, { QStringLiteral("ledger"), QStringLiteral("lookup-transfers"), QStringLiteral("10"),
                                         QStringLiteral("11"), QStringLiteral("12"), QStringLiteral("13"), QStringLiteral("14") });
            QCOMPARE(found.exitCode, 0);
            QStringList ids;
            for (const QJsonValue &transfer : QJsonDocument::fromJson(found.out.toUtf8()).array())
                ids.append(transfer.toObject().value(QStringLiteral("id")).toString());
            QCOMPARE(ids, (QStringList { QStringLiteral("10"), QStringLiteral("11") }));
            const Run account = cli(dir, { QStringLiteral("ledger"), QStringLiteral("lookup-accounts"), QStringLiteral("15") });
            QCOMPARE(account.out.trimmed(), QStringLiteral("[]"));
        }

        // The owner audited each write under the person who ran it, once.
        const QList<QJsonObject> all = auditEntries(owned.path());
        const QMap<QString, QStringList> audited = actorsByAction(all.mid(auditBefore.size()));
        const QString person = QStringLiteral("operator:") + Login;
        QCOMPARE(audited.value(QStringLiteral("ledger.create_accounts")), QStringList { person });
        QCOMPARE(audited.value(QStringLiteral("ledger.create_transfers")), (QStringList { person, person, person }));
        QCOMPARE(audited.value(QStringLiteral("config.set")), QStringList { person });
        // And the same entries were written without an owner.
        const QMap<QString, QStringList> local = actorsByAction(auditEntries(alone.path()));
        for (const char *action : { "ledger.create_accounts", "ledger.create_transfers", "config.set" })
            QCOMPARE(local.value(QString::fromLatin1(action)), audited.value(QString::fromLatin1(action)));

        // The owner did the work: its own configuration has the new value.
        RawClient client;
        QVERIFY(client.connectTo(owned.path()));
        QVERIFY(client.request(R"({"jsonrpc":"2.0","id":1,"method":"session.identify","params":{"actor":"operator:check"}})")
                        .contains(QStringLiteral("result")));
        const QJsonObject value = client.request(R"({"jsonrpc":"2.0","id":2,"method":"config.get","params":{"key":"a.b"}})");
        QCOMPARE(value.value(QStringLiteral("result")).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("1"));
        stopOwner(owner);
    }

    void staleSocketOfAKilledOwnerIsNoObstacle()
    {
        QTemporaryDir dir;
        const QString socket = api::ControlServer::socketPath(dir.path());
        QProcess owner;
        QVERIFY(startOwner(owner, dir.path()));
        ::kill(pid_t(owner.processId()), SIGKILL);
        QVERIFY(owner.waitForFinished(15000));
        QVERIFY2(QFileInfo::exists(socket), "a killed owner leaves its socket file: the case under test");

        // The next write finds nobody there and opens the directory itself, at once.
        QElapsedTimer took;
        took.start();
        const Run write = cli(dir.path(), { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("2") });
        QVERIFY2(write.exitCode == 0, qPrintable(write.err));
        QVERIFY2(took.elapsed() < 20000, "waited on a dead socket");
        QCOMPARE(cli(dir.path(), { QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("a.b") }).out.trimmed(), QStringLiteral("2"));
        QCOMPARE(actorsByAction(auditEntries(dir.path())).value(QStringLiteral("config.set")),
                 QStringList { QStringLiteral("operator:") + Login });

        // A new owner replaces the socket and answers on it.
        QProcess second;
        QVERIFY(startOwner(second, dir.path()));
        RawClient client;
        QVERIFY(client.connectTo(dir.path()));
        QVERIFY(client.request(R"({"jsonrpc":"2.0","id":1,"method":"session.identify","params":{"actor":"operator:check"}})")
                        .contains(QStringLiteral("result")));
        const QJsonObject status = client.request(R"({"jsonrpc":"2.0","id":2,"method":"core.status"})");
        QCOMPARE(status.value(QStringLiteral("result")).toObject().value(QStringLiteral("pid")).toInteger(), second.processId());
        const Run through = cli(dir.path(), { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("3") });
        QVERIFY2(through.exitCode == 0, qPrintable(through.err));
        const QJsonObject value = client.request(R"({"jsonrpc":"2.0","id":3,"method":"config.get","params":{"key":"a.b"}})");
        QCOMPARE(value.value(QStringLiteral("result")).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("3"));
        stopOwner(second);
        QVERIFY2(!QFileInfo::exists(socket), "a clean stop removes the socket");
    }

    void secondOwnerIsRefusedAndTheFirstKeepsItsSocket()
    {
        QTemporaryDir dir;
        QProcess owner;
        QVERIFY(startOwner(owner, dir.path()));
        const Run second = runCabinet({ QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains(QStringLiteral("pid %1").arg(owner.processId())), qPrintable(second.err));
        // The refused one did not take the socket away.
        QVERIFY(QFileInfo::exists(api::ControlServer::socketPath(dir.path())));
        const Run write = cli(dir.path(), { QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a.b"), QStringLiteral("1") });
        QVERIFY2(write.exitCode == 0, qPrintable(write.err));
        RawClient client;
        QVERIFY(client.connectTo(dir.path()));
        QVERIFY(client.request(R"({"jsonrpc":"2.0","id":1,"method":"session.identify","params":{"actor":"operator:check"}})")
                        .contains(QStringLiteral("result")));
        const QJsonObject status = client.request(R"({"jsonrpc":"2.0","id":2,"method":"core.status"})");
        QCOMPARE(status.value(QStringLiteral("result")).toObject().value(QStringLiteral("pid")).toInteger(), owner.processId());
        stopOwner(owner);
    }

    void rawJsonRpcClient()
    {
        QTemporaryDir dir;
        QProcess owner;
        QVERIFY(startOwner(owner, dir.path()));
        RawClient client;
        QVERIFY(client.connectTo(dir.path()));

        // Nothing before identifying.
        const QJsonObject early = client.request(R"({"jsonrpc":"2.0","id":1,"method":"api.list"})");
        QCOMPARE(errorCode(early), -32008);
        QCOMPARE(early.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("unauthenticated"));

        // Agents act inside the core: not on a bare claim over the socket.
        const QJsonObject agent =
                client.request(R"({"jsonrpc":"2.0","id":"agent","method":"session.identify","params":{"actor":"agent:raw"}})");
        QCOMPARE(agent.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("permission_denied"));
        const QJsonObject identified =
                client.request(R"({"jsonrpc":"2.0","id":"who","method":"session.identify","params":{"actor":"operator:raw"}})");
        QCOMPARE(identified.value(QStringLiteral("id")).toString(), QStringLiteral("who"));
        QCOMPARE(identified.value(QStringLiteral("result")).toObject().value(QStringLiteral("actor")).toString(), QStringLiteral("operator:raw"));

        const QJsonObject listed = client.request(R"({"jsonrpc":"2.0","id":2,"method":"api.list"})");
        QVERIFY(listed.value(QStringLiteral("result")).toArray().size() > 5);

        // A write over the socket is audited under the actor that identified.
        const QJsonObject set = client.request(R"({"jsonrpc":"2.0","id":3,"method":"config.set","params":{"key":"raw.setting","value":"v"}})");
        QVERIFY2(set.contains(QStringLiteral("result")), QJsonDocument(set).toJson().constData());
        QCOMPARE(actorsByAction(auditEntries(dir.path())).value(QStringLiteral("config.set")), QStringList { QStringLiteral("operator:raw") });

        // A notification gets no line back: the next line answers the next request.
        client.send(R"({"jsonrpc":"2.0","method":"core.status"})");
        QCOMPARE(client.request(R"({"jsonrpc":"2.0","id":4,"method":"core.status"})").value(QStringLiteral("id")).toInt(), 4);

        // A batch: one line back, an array with a response per request.
        client.send(R"([{"jsonrpc":"2.0","id":5,"method":"core.status"},)"
                    R"({"jsonrpc":"2.0","id":6,"method":"config.get","params":{"key":"not.set"}},)"
                    R"({"jsonrpc":"2.0","method":"api.list"}])");
        const QJsonArray batch = QJsonDocument::fromJson(client.receive()).array();
        QCOMPARE(batch.size(), 2);
        QCOMPARE(batch[0].toObject().value(QStringLiteral("id")).toInt(), 5);
        QVERIFY(batch[0].toObject().contains(QStringLiteral("result")));
        QCOMPARE(batch[1].toObject().value(QStringLiteral("id")).toInt(), 6);
        QCOMPARE(errorCode(batch[1].toObject()), -32001);
        // Only notifications: nothing at all comes back.
        client.send(R"([{"jsonrpc":"2.0","method":"core.status"},{"jsonrpc":"2.0","method":"api.list"}])");
        QCOMPARE(client.request(R"({"jsonrpc":"2.0","id":7,"method":"core.status"})").value(QStringLiteral("id")).toInt(), 7);

        // A line that is not JSON: a parse error, and the connection goes on.
        const QJsonObject garbage = client.request("{not json");
        QCOMPARE(errorCode(garbage), -32700);
        QVERIFY(garbage.value(QStringLiteral("id")).isNull());
        QCOMPARE(client.request(R"({"jsonrpc":"2.0","id":8,"method":"core.status"})").value(QStringLiteral("id")).toInt(), 8);

        // Several requests in one write, answered line by line in order.
        client.send(R"({"jsonrpc":"2.0","id":9,"method":"core.status"})" "\n" R"({"jsonrpc":"2.0","id":10,"method":"core.status"})");
        QCOMPARE(QJsonDocument::fromJson(client.receive()).object().value(QStringLiteral("id")).toInt(), 9);
        QCOMPARE(QJsonDocument::fromJson(client.receive()).object().value(QStringLiteral("id")).toInt(), 10);
        stopOwner(owner);
    }
};

QTEST_GUILESS_MAIN(TestControlSocket)
#include "tst_control_socket.moc"
