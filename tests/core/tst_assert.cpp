// Death tests for CABINET_ASSERT (core/Assert.h). The invariants stay on in
// every build, so a broken one stops the process and says where and why.
// Each case runs in a child process (this binary with --die CASE [DIR]): the
// parent checks that the child died of SIGABRT and that stderr names the
// file, the line, the condition and the values.
#include "Assert.h"
#include "ledger/StateMachine.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <cstdio>
#include <cstring>

using namespace cabinet;

namespace {

// The child says on stdout which line of this file is about to fail, so the
// parent checks the reported line without hard-coding it.
void expectFailureAt(int line)
{
    std::printf("line %d\n", line);
    std::fflush(stdout);
}

int assertWithValues()
{
    const qint64 balance = qEnvironmentVariableIntValue("CABINET_TEST_BALANCE"); // 7, from the parent
    const qint64 limit = 5;
    expectFailureAt(__LINE__ + 1);
    CABINET_ASSERT_MSG(balance <= limit, "balance %lld, limit %lld", balance, limit);
    return 0;
}

int assertWithoutMessage()
{
    const int count = qEnvironmentVariableIntValue("CABINET_TEST_BALANCE");
    expectFailureAt(__LINE__ + 1);
    CABINET_ASSERT(count == 3);
    return 0;
}

// What Q_ASSERT would have let through: in a QT_NO_DEBUG build the same
// condition passes Q_ASSERT and stops at CABINET_ASSERT.
int qAssertCompiledOut()
{
    const int open = qEnvironmentVariableIntValue("CABINET_TEST_BALANCE");
    Q_ASSERT(open == 0);
    std::printf("passed Q_ASSERT\n");
    expectFailureAt(__LINE__ + 1);
    CABINET_ASSERT(open == 0);
    return 0;
}

// Storage that accepts every write and holds nothing: enough for the state
// machine to run its rules over a hot state built by hand.
class NoStorage final : public ledger::LedgerStorage {
public:
    bool failed() const override { return false; }
    std::optional<ledger::Transfer> transfer(ledger::u128) override { return std::nullopt; }
    ledger::PendingStatus pendingStatus(ledger::u64) override { return ledger::PendingStatus::None; }
    bool transferExistsAt(ledger::u64) override { return false; }
    void insertAccount(const ledger::Account &) override { }
    void updateAccounts(std::span<const ledger::Account *const>) override { }
    bool insertTransfer(const ledger::Transfer &, ledger::u64, ledger::u64, ledger::u64) override { return true; }
    void startEpoch(ledger::u64, ledger::u64) override { }
    void setPendingStatus(ledger::u64, ledger::PendingStatus, ledger::u64) override { }
    void insertBalances(ledger::u64, const ledger::Account *, const ledger::Account *) override { }
    void insertExpiry(ledger::u64, ledger::u64) override { }
    void insertOrphan(ledger::u128) override { }
    void appendPostings(std::span<const ledger::Posting>) override { }
    void setMarks(ledger::u64, ledger::u64) override { }
    void beginChain() override { }
    void releaseChain() override { }
    void rollbackChain() override { }
};

// A pending transfer of 10 whose reservation the accounts do not hold (as if
// a bug had lost it): posting it must stop at the balance check, not drive
// debits_pending below zero.
int ledgerLostReservation()
{
    using namespace ledger;
    HotState state;
    for (u64 i = 1; i <= 2; ++i) {
        Account account;
        account.id = i;
        account.ledger = 1;
        account.code = 1;
        account.timestamp = i;
        state.accounts.emplace(account.id, account);
        state.accountIdByTimestamp.emplace(account.timestamp, account.id);
    }
    Transfer pending;
    pending.id = 10;
    pending.debit_account_id = 1;
    pending.credit_account_id = 2;
    pending.amount = 10;
    pending.ledger = 1;
    pending.code = 1;
    pending.flags = TransferFlag::Pending;
    pending.timestamp = 3;
    state.pending.emplace(pending.id, PendingEntry { pending, 0 });
    state.lastTimestamp = 3;
    state.maxAccountTimestamp = 2;
    state.maxTransferTimestamp = 3;
    state.transferCount = 1;

    NoStorage storage;
    StateMachine machine(storage);
    machine.reset(std::move(state));
    machine.beginBatch(machine.batchTimestamp(4, 1));
    Transfer post;
    post.id = 11;
    post.pending_id = 10;
    post.amount = AmountMax;
    post.flags = TransferFlag::PostPendingTransfer;
    const auto results = machine.createTransfers(std::span(&post, 1));
    std::printf("not stopped: status %u\n", unsigned(results.at(0).status));
    return 0;
}

int databaseFromAnotherThread(const QString &dir)
{
    auto db = Database::open(dir + QStringLiteral("/thread.db"));
    if (!db)
        return 2;
    QThread *intruder = QThread::create([&db] { (void)(*db)->statement("SELECT 1"); });
    intruder->setObjectName(QStringLiteral("intruder"));
    intruder->start();
    intruder->wait();
    return 0;
}

int nestedTransaction(const QString &dir)
{
    auto db = Database::open(dir + QStringLiteral("/nested.db"));
    if (!db)
        return 2;
    auto outer = (*db)->begin();
    if (!outer)
        return 2;
    auto inner = (*db)->begin();
    return 0;
}

int die(const char *name, const QString &dir)
{
    if (!std::strcmp(name, "values"))
        return assertWithValues();
    if (!std::strcmp(name, "plain"))
        return assertWithoutMessage();
    if (!std::strcmp(name, "q-assert"))
        return qAssertCompiledOut();
    if (!std::strcmp(name, "ledger"))
        return ledgerLostReservation();
    if (!std::strcmp(name, "database-thread"))
        return databaseFromAnotherThread(dir);
    if (!std::strcmp(name, "nested-transaction"))
        return nestedTransaction(dir);
    std::fprintf(stderr, "unknown case %s\n", name);
    return 3;
}

struct Death {
    QProcess::ExitStatus status = QProcess::NormalExit;
    int code = 0;     // the signal on a crash (Qt reports WTERMSIG there on Unix)
    QString out;
    QString err;
    int line = 0;     // the line the child announced
};

} // namespace

class TestAssert : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    Death run(const char *name)
    {
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("CABINET_TEST_BALANCE"), QStringLiteral("7"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), { QStringLiteral("--die"), QLatin1String(name), m_dir.path() });
        Death death;
        if (!child.waitForFinished(120'000)) {
            child.kill();
            child.waitForFinished();
        }
        death.status = child.exitStatus();
        death.code = child.exitCode();
        death.out = QString::fromLocal8Bit(child.readAllStandardOutput());
        death.err = QString::fromLocal8Bit(child.readAllStandardError());
        for (const QString &row : death.out.split(u'\n')) {
            if (row.startsWith(QLatin1String("line ")))
                death.line = row.mid(5).toInt();
        }
        return death;
    }

    // Died of abort(), with the one line CABINET_ASSERT writes, naming `where`
    // and `condition`; returns that line for more checks.
    static QString verifyAborted(const Death &death, const QString &where, const QString &condition)
    {
        const QString context = QStringLiteral("stdout: %1\nstderr: %2").arg(death.out, death.err);
        if (death.status != QProcess::CrashExit || death.code != SIGABRT) {
            QTest::qFail(qPrintable(QStringLiteral("the child did not abort (status %1, code %2)\n%3")
                                            .arg(int(death.status))
                                            .arg(death.code)
                                            .arg(context)),
                         __FILE__, __LINE__);
            return {};
        }
        const QString prefix = QStringLiteral("cabinet: invariant failed at ");
        const qsizetype start = death.err.indexOf(prefix);
        const QString message = start < 0 ? QString() : death.err.mid(start).section(u'\n', 0, 0);
        if (message.isEmpty() || !message.contains(where) || !message.contains(condition)) {
            QTest::qFail(qPrintable(QStringLiteral("expected \"%1\" and \"%2\" in the message\n%3").arg(where, condition, context)),
                         __FILE__, __LINE__);
            return {};
        }
        return message;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void stopsWithFileLineConditionAndValues()
    {
        const Death death = run("values");
        QVERIFY2(death.line > 0, qPrintable(death.out));
        const QString message = verifyAborted(death, QStringLiteral("tst_assert.cpp:%1: ").arg(death.line),
                                              QStringLiteral("balance <= limit"));
        QVERIFY(!message.isEmpty());
        QVERIFY2(message.endsWith(QLatin1String("balance <= limit (balance 7, limit 5)")), qPrintable(message));
    }

    void stopsWithoutAMessageToo()
    {
        const Death death = run("plain");
        const QString message = verifyAborted(death, QStringLiteral("tst_assert.cpp:%1: ").arg(death.line),
                                              QStringLiteral("count == 3"));
        QVERIFY(!message.isEmpty());
        QVERIFY2(message.endsWith(QLatin1String("count == 3")), qPrintable(message));
    }

    // The reason CABINET_ASSERT exists: a build type that defines
    // QT_NO_DEBUG (every one but Debug) drops Q_ASSERT and keeps ours.
    void firesWhereQAssertIsCompiledOut()
    {
        const QByteArray buildType = CABINET_TEST_BUILD_TYPE;
#ifdef QT_NO_DEBUG
        QVERIFY2(buildType != "Debug", "QT_NO_DEBUG in a Debug build");
        const Death death = run("q-assert");
        QVERIFY2(death.out.contains(QLatin1String("passed Q_ASSERT")), qPrintable(death.out + death.err));
        QVERIFY(!verifyAborted(death, QStringLiteral("tst_assert.cpp:%1: ").arg(death.line), QStringLiteral("open == 0"))
                         .isEmpty());
#else
        QVERIFY2(buildType == "Debug", "a " CABINET_TEST_BUILD_TYPE " build without QT_NO_DEBUG");
        QSKIP("Debug build: Q_ASSERT is on here, so there is nothing it would let through");
#endif
    }

    void ledgerBalanceCheckNamesTheAmounts()
    {
        const Death death = run("ledger");
        const QString message = verifyAborted(death, QStringLiteral("StateMachine.cpp:"),
                                              QStringLiteral("drNew.debits_pending >= p.amount"));
        QVERIFY(!message.isEmpty());
        QVERIFY2(message.contains(QLatin1String("pending amount 10, debit account's debits_pending 0, "
                                                "credit account's credits_pending 0")),
                 qPrintable(message));
    }

    void databaseRefusesASecondThread()
    {
        const Death death = run("database-thread");
        const QString message = verifyAborted(death, QStringLiteral("Database.cpp:"),
                                              QStringLiteral("QThread::currentThreadId() == m_ownerThread"));
        QVERIFY(!message.isEmpty());
        QVERIFY2(message.contains(QLatin1String("a statement on ")) && message.contains(QLatin1String("thread.db"))
                         && message.contains(QLatin1String("(\"intruder\")")) && message.contains(QLatin1String("which opened it")),
                 qPrintable(message));
    }

    // The other side of the check above: the console opens its core on the
    // core thread and uses it only there.
    void databaseServesTheThreadThatOpenedIt()
    {
        bool ok = false;
        QString error;
        QThread *core = QThread::create([&] {
            auto db = Database::open(m_dir.filePath(QStringLiteral("own.db")));
            if (!db) {
                error = db.error().message;
                return;
            }
            auto tx = (*db)->begin();
            ok = tx && (*db)->statement("SELECT 1").exec() && tx->commit();
        });
        core->start();
        QVERIFY(core->wait(60'000));
        delete core;
        QVERIFY2(ok, qPrintable(error));
    }

    void transactionsDoNotNest()
    {
        const Death death = run("nested-transaction");
        const QString message = verifyAborted(death, QStringLiteral("Database.cpp:"), QStringLiteral("!m_inTransaction"));
        QVERIFY(!message.isEmpty());
        QVERIFY2(message.contains(QLatin1String("nested.db: transactions do not nest")), qPrintable(message));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc >= 3 && !std::strcmp(argv[1], "--die"))
        return die(argv[2], argc > 3 ? QString::fromLocal8Bit(argv[3]) : QString());
    TestAssert test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_assert.moc"
