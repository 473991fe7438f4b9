// The tier policy: every default rule, the operating modes, and rule files
// that do not validate (refused with file and line, the policy in force
// kept).
#include "approvals/TierPolicy.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::approvals;

namespace {

Action action(ActionKind kind, const QString &environment = {}, qint64 amount = 0, const QString &target = {})
{
    Action a;
    a.kind = kind;
    a.agent = QStringLiteral("forge");
    a.environment = environment;
    a.amountMicros = amount;
    a.target = target;
    return a;
}

} // namespace

class TestTierPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultRules_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<QString>("target");
        QTest::addColumn<int>("tier");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<qint64>("deadlineMs");
        QTest::newRow("production deploy") << int(ActionKind::Deploy) << "production" << qint64(0) << "" << 2 << "production-deploy"
                                           << DeadlineMsDefault;
        QTest::newRow("staging deploy") << int(ActionKind::Deploy) << "staging" << qint64(0) << "" << 1 << "default" << qint64(0);
        QTest::newRow("spend $20.000001") << int(ActionKind::Spend) << "" << qint64(20'000'001) << "" << 2 << "spend-over-20-usd"
                                          << DeadlineMsDefault;
        QTest::newRow("spend exactly $20") << int(ActionKind::Spend) << "" << qint64(20'000'000) << "" << 0 << "spend" << qint64(0);
        QTest::newRow("rollback in production") << int(ActionKind::Rollback) << "production" << qint64(0) << "" << 0 << "rollback" << qint64(0);
        QTest::newRow("to autonomous") << int(ActionKind::ModeChange) << "" << qint64(0) << "autonomous" << 3 << "autonomous-mode" << qint64(0);
        QTest::newRow("to manual") << int(ActionKind::ModeChange) << "" << qint64(0) << "manual" << 1 << "default" << qint64(0);
        QTest::newRow("tool run") << int(ActionKind::ToolRun) << "" << qint64(0) << "git status" << 0 << "tool-run" << qint64(0);
        QTest::newRow("budget change") << int(ActionKind::BudgetChange) << "" << qint64(5'000'000) << "" << 1 << "default" << qint64(0);
        QTest::newRow("bounty payout") << int(ActionKind::BountyPayout) << "" << qint64(50'000'000) << "" << 1 << "default" << qint64(0);
    }
    void defaultRules()
    {
        QFETCH(int, kind);
        QFETCH(QString, environment);
        QFETCH(qint64, amount);
        QFETCH(QString, target);
        auto decision = TierPolicy::defaults().classify(action(ActionKind(kind), environment, amount, target), Mode::Supervised);
        QVERIFY(decision.ok());
        QTEST(decision->tier, "tier");
        QTEST(decision->rule, "rule");
        QTEST(decision->deadlineMs, "deadlineMs");
        QVERIFY(!decision->raisedByMode);
        // Autonomous mode classifies by the rules alone too.
        auto autonomous = TierPolicy::defaults().classify(action(ActionKind(kind), environment, amount, target), Mode::Autonomous);
        QVERIFY(autonomous.ok());
        QCOMPARE(autonomous->tier, decision->tier);
    }

    void manualMode_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<int>("tier");
        QTest::addColumn<bool>("raised");
        QTest::newRow("tool run") << int(ActionKind::ToolRun) << qint64(0) << qint64(-1) << 2 << true;
        QTest::newRow("staging deploy") << int(ActionKind::Deploy) << qint64(0) << qint64(-1) << 2 << true;
        QTest::newRow("budget change") << int(ActionKind::BudgetChange) << qint64(0) << qint64(-1) << 2 << true;
        QTest::newRow("bounty payout") << int(ActionKind::BountyPayout) << qint64(1) << qint64(-1) << 2 << true;
        QTest::newRow("spend above the cap") << int(ActionKind::Spend) << qint64(600'000) << qint64(500'000) << 2 << true;
        QTest::newRow("spend at the cap") << int(ActionKind::Spend) << qint64(500'000) << qint64(500'000) << 0 << false;
        QTest::newRow("spend, no cap known") << int(ActionKind::Spend) << qint64(1) << qint64(-1) << 2 << true;
        QTest::newRow("rollback") << int(ActionKind::Rollback) << qint64(0) << qint64(-1) << 0 << false;
        QTest::newRow("to autonomous stays 3") << int(ActionKind::ModeChange) << qint64(0) << qint64(-1) << 3 << false;
    }
    void manualMode()
    {
        QFETCH(int, kind);
        QFETCH(qint64, amount);
        QFETCH(qint64, cap);
        Action a = action(ActionKind(kind), QString(), amount, ActionKind(kind) == ActionKind::ModeChange ? QStringLiteral("autonomous") : QString());
        if (cap >= 0)
            a.perCallCapMicros = cap;
        auto decision = TierPolicy::defaults().classify(a, Mode::Manual);
        QVERIFY(decision.ok());
        QTEST(decision->tier, "tier");
        QTEST(decision->raisedByMode, "raised");
        if (decision->raisedByMode)
            QCOMPARE(decision->deadlineMs, DeadlineMsDefault);
    }

    void pausedMode()
    {
        for (ActionKind kind : { ActionKind::ToolRun, ActionKind::Deploy, ActionKind::Spend, ActionKind::BudgetChange, ActionKind::BountyPayout }) {
            auto decision = TierPolicy::defaults().classify(action(kind), Mode::Paused);
            QVERIFY(!decision.ok());
            QCOMPARE(decision.error().code, ErrorCode::RefusedByPolicy);
        }
        // Leaving the paused mode and undoing harm still go.
        auto rollback = TierPolicy::defaults().classify(action(ActionKind::Rollback), Mode::Paused);
        QVERIFY(rollback.ok());
        QCOMPARE(rollback->tier, 0);
        auto resume = TierPolicy::defaults().classify(action(ActionKind::ModeChange, {}, 0, QStringLiteral("supervised")), Mode::Paused);
        QVERIFY(resume.ok());
        QCOMPARE(resume->rule, QStringLiteral("default"));
    }

    void firstMatchWinsAndPatterns()
    {
        auto policy = TierPolicy::parse("rules:\n"
                                        "  - name: rex-rm\n    agent: rex\n    target: 'rm *'\n    tier: 3\n"
                                        "  - name: big\n    kind: [spend, bounty_payout]\n    amount_over: 100\n    tier: 2\n    deadline: 30m\n"
                                        "  - name: prod\n    environment: 'prod*'\n    tier: 2\n"
                                        "  - name: rest\n    tier: 0\n",
                                        QStringLiteral("t.yaml"));
        QVERIFY2(policy.ok(), policy.ok() ? "" : qPrintable(policy.error().message));
        Action a = action(ActionKind::ToolRun, QStringLiteral("production-eu"), 101, QStringLiteral("rm -rf /tmp/x"));
        a.agent = QStringLiteral("rex");
        QCOMPARE(policy->classify(a, Mode::Supervised)->rule, QStringLiteral("rex-rm"));
        a.agent = QStringLiteral("rexx");
        QCOMPARE(policy->classify(a, Mode::Supervised)->rule, QStringLiteral("prod"));
        a.kind = ActionKind::BountyPayout;
        auto big = policy->classify(a, Mode::Supervised);
        QCOMPARE(big->rule, QStringLiteral("big"));
        QCOMPARE(big->deadlineMs, qint64(30 * 60'000));
        a.environment = QStringLiteral("staging");
        a.amountMicros = 100;
        QCOMPARE(policy->classify(a, Mode::Supervised)->rule, QStringLiteral("rest"));
    }

    // A rule asks for a Shadow Board deliberation on the requests it
    // classifies; the shipped rules ask for one on deploys, big spends and
    // every other request (a gate's), not on rules that never make one.
    void deliberatePerRule()
    {
        auto policy = TierPolicy::parse("rules:\n  - name: prod\n    kind: deploy\n    tier: 2\n    deliberate: true\n"
                                        "  - name: rest\n    tier: 1\n    deliberate: false\n",
                                        QStringLiteral("t.yaml"));
        QVERIFY2(policy.ok(), policy.ok() ? "" : qPrintable(policy.error().message));
        QVERIFY(policy->rule(QStringLiteral("prod"))->deliberate);
        QVERIFY(!policy->rule(QStringLiteral("rest"))->deliberate);
        QCOMPARE(policy->rule(QStringLiteral("absent")), nullptr);
        const TierPolicy &shipped = TierPolicy::defaults();
        QVERIFY(shipped.rule(QStringLiteral("production-deploy"))->deliberate);
        QVERIFY(shipped.rule(QStringLiteral("spend-over-20-usd"))->deliberate);
        QVERIFY(shipped.rule(QStringLiteral("default"))->deliberate);
        QVERIFY(!shipped.rule(QStringLiteral("rollback"))->deliberate);
    }

    void globs()
    {
        QVERIFY(globMatch(u"*", u""));
        QVERIFY(globMatch(u"rm *", u"rm -rf /"));
        QVERIFY(globMatch(u"a?c", u"abc"));
        QVERIFY(!globMatch(u"a?c", u"ac"));
        QVERIFY(globMatch(u"*.sql", u"db/0008_x.sql"));
        QVERIFY(!globMatch(u"*.sql", u"db/0008_x.sqlite"));
        QVERIFY(globMatch(u"a*b*c", u"aXXbYYc"));
        QVERIFY(!globMatch(u"a*b*c", u"aXXbYY"));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        const QByteArray last = "  - name: rest\n    tier: 1\n";
        QTest::newRow("not yaml") << QByteArray("rules:\n  - name: a\n    tier: [1\n") << 4;
        QTest::newRow("no rules") << QByteArray("other: 1\n") << 1;
        QTest::newRow("unknown top key") << QByteArray("rules:\n" + last + "extra: 1\n") << 4;
        QTest::newRow("tier out of range") << QByteArray("rules:\n  - name: a\n    tier: 4\n" + last) << 3;
        QTest::newRow("no tier") << QByteArray("rules:\n  - name: a\n    kind: deploy\n" + last) << 2;
        QTest::newRow("no name") << QByteArray("rules:\n  - tier: 1\n    kind: deploy\n" + last) << 2;
        QTest::newRow("bad name") << QByteArray("rules:\n  - name: Big Rule\n    tier: 1\n" + last) << 2;
        QTest::newRow("unknown kind") << QByteArray("rules:\n  - name: a\n    kind: launch\n    tier: 1\n" + last) << 3;
        QTest::newRow("unknown key") << QByteArray("rules:\n  - name: a\n    tier: 1\n    colour: red\n" + last) << 4;
        QTest::newRow("bad deadline") << QByteArray("rules:\n  - name: a\n    tier: 2\n    deadline: soon\n" + last) << 4;
        QTest::newRow("deadline on tier 3") << QByteArray("rules:\n  - name: a\n    tier: 3\n    deadline: 1h\n" + last) << 2;
        QTest::newRow("deliberate not a flag") << QByteArray("rules:\n  - name: a\n    tier: 2\n    deliberate: maybe\n" + last) << 4;
        QTest::newRow("rollback above 0") << QByteArray("rules:\n  - name: a\n    kind: rollback\n    tier: 2\n" + last) << 2;
        QTest::newRow("negative amount") << QByteArray("rules:\n  - name: a\n    amount_over: -1\n    tier: 2\n" + last) << 3;
        QTest::newRow("name twice") << QByteArray("rules:\n  - name: rest\n    kind: spend\n    tier: 1\n" + last) << 5;
        QTest::newRow("no catch-all last") << QByteArray("rules:\n  - name: a\n    kind: spend\n    tier: 1\n") << 2;
        QTest::newRow("alias") << QByteArray("rules:\n  - &r\n    name: a\n    tier: 1\n  - *r\n") << 5;
        QTest::newRow("too large") << QByteArray("rules:\n" + last + "#" + QByteArray(PolicyFileBytesMax, 'x') + "\n") << 1;
    }
    void badFiles()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        auto policy = TierPolicy::parse(text, QStringLiteral("/data/tiers.yaml"));
        QVERIFY(!policy.ok());
        QCOMPARE(policy.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(policy.error().field, QStringLiteral("/data/tiers.yaml:%1").arg(line));
    }

    // A data directory's file replaces the defaults; one that does not
    // validate is an error and the caller's policy stays as it was.
    void loadFromFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tiers.yaml"));
        auto absent = TierPolicy::load(path);
        QVERIFY(absent.ok());
        QCOMPARE(absent->source(), QStringLiteral(":/policy/tiers.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("rules:\n  - name: everything-held\n    tier: 2\n    deadline: 10m\n");
        file.close();
        auto custom = TierPolicy::load(path);
        QVERIFY(custom.ok());
        QCOMPARE(custom->classify(action(ActionKind::ToolRun), Mode::Supervised)->rule, QStringLiteral("everything-held"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("rules:\n  - name: x\n    tier: nine\n");
        file.close();
        TierPolicy inForce = *custom;
        auto broken = TierPolicy::load(path);
        QVERIFY(!broken.ok());
        QCOMPARE(broken.error().field, path + QStringLiteral(":3"));
        QCOMPARE(inForce.rules().front().name, QStringLiteral("everything-held"));
    }

    void actionJsonStrict()
    {
        auto object = [](const char *json) { return QJsonDocument::fromJson(json).object(); };
        auto read = actionFromJson(object(R"({"kind":"spend","agent":"rex","amount":25000000,"per_call_cap":1000000})"));
        QVERIFY(read.ok());
        QCOMPARE(read->amountMicros, qint64(25'000'000));
        QCOMPARE(*read->perCallCapMicros, qint64(1'000'000));
        QCOMPARE(actionFromJson(actionJson(*read))->amountMicros, qint64(25'000'000));
        const std::pair<const char *, const char *> bad[] = {
            { R"({"kind":"launch"})", "kind" },          { R"({"agent":"rex"})", "kind" },
            { R"({"kind":"spend","amount":1.5})", "amount" }, { R"({"kind":"spend","amount":-1})", "amount" },
            { R"({"kind":"spend","colour":"red"})", "colour" }, { R"({"kind":"spend","agent":3})", "agent" },
        };
        for (const auto &[json, field] : bad) {
            auto refused = actionFromJson(object(json));
            QVERIFY(!refused.ok());
            QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
            QCOMPARE(refused.error().field, QString::fromLatin1(field));
        }
    }
};

QTEST_GUILESS_MAIN(TestTierPolicy)
#include "tst_tierpolicy.moc"
