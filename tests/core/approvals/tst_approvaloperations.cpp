// The approvals.* and policy.check operations (core/api/ops/
// ApprovalOperations.cpp): the lists by state, paged; a decision's params
// read strictly, every bad one a clear error with nothing changed; an agent
// refused; policy.check naming tier and rule.
#include "TestSupport.h"
#include "Assert.h"
#include "api/Dispatcher.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"

#include <QFile>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace cabinet;
using namespace cabinet::test;

namespace {

const Actor Alice = Actor::person(QStringLiteral("alice"));

// Every operation here answers at once.
Result<QByteArray> call(Cabinet &cabinet, const QString &name, const QByteArray &params, const Actor &actor = Alice)
{
    std::optional<Result<QByteArray>> answer;
    cabinet.api().call(name, actor, params, [&answer](Result<QByteArray> result) { answer = std::move(result); });
    CABINET_ASSERT(answer.has_value());
    return std::move(*answer);
}

QJsonObject object(const Result<QByteArray> &answer)
{
    return QJsonDocument::fromJson(answer.value()).object();
}

QStringList idsOf(const QJsonObject &page)
{
    QStringList ids;
    for (const QJsonValue &value : page.value(QStringLiteral("approvals")).toArray())
        ids << value.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

QString requestDeploy(Cabinet &cabinet)
{
    approvals::NewApproval asked;
    asked.action.kind = approvals::ActionKind::Deploy;
    asked.action.environment = QStringLiteral("production");
    auto made = cabinet.service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("forge")));
    return made ? made->id : QString();
}

qint64 auditHead(Cabinet &cabinet)
{
    auto tail = cabinet.audit().tail(1);
    return tail.value().isEmpty() ? 0 : tail.value().first().seq;
}

QString modeOf(Cabinet &cabinet)
{
    return object(call(cabinet, QStringLiteral("mode.get"), "{}")).value(QStringLiteral("mode")).toString();
}

QByteArray decision(const QString &id, const char *verdict)
{
    return "{\"ids\":[\"" + id.toLatin1() + "\"],\"verdict\":\"" + verdict + "\"}";
}

// Switching to manual is tier 2 with a 30-minute deadline.
const QByteArray ManualNeedsApproval = R"(rules:
  - name: rollback
    kind: rollback
    tier: 0
  - name: manual-mode
    kind: mode_change
    target: manual
    tier: 2
    deadline: 30m
  - name: default
    tier: 1
)";

} // namespace

class TestApprovalOperations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listsByStateAndPages()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const QString a = requestDeploy(*c.cabinet), b = requestDeploy(*c.cabinet), d = requestDeploy(*c.cabinet);
        QVERIFY(call(*c.cabinet, QStringLiteral("approvals.decide"), "{\"ids\":[\"" + d.toLatin1() + "\"],\"verdict\":\"deny\"}").ok());

        const QJsonObject pending = object(call(*c.cabinet, QStringLiteral("approvals.list"), R"({"state":"pending","limit":1})"));
        QCOMPARE(idsOf(pending), QStringList { a });
        QCOMPARE(pending.value(QStringLiteral("pending")).toInteger(), 2);
        QCOMPARE(pending.value(QStringLiteral("next")).toString(), a);
        const QJsonObject rest = object(call(*c.cabinet, QStringLiteral("approvals.list"), "{\"state\":\"pending\",\"after\":\"" + a.toLatin1() + "\"}"));
        QCOMPARE(idsOf(rest), QStringList { b });
        QVERIFY(rest.value(QStringLiteral("next")).isNull());
        QCOMPARE(idsOf(object(call(*c.cabinet, QStringLiteral("approvals.list"), R"({"state":"decided"})"))), QStringList { d });
        QCOMPARE(idsOf(object(call(*c.cabinet, QStringLiteral("approvals.list"), "{}"))), (QStringList { d, b, a }));
        QCOMPARE(object(call(*c.cabinet, QStringLiteral("approvals.get"), "{\"id\":\"" + d.toLatin1() + "\"}")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("denied"));
    }

    void badParamsAreClearErrors_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QString>("field");
        QTest::newRow("list: unknown state") << QStringLiteral("approvals.list") << QByteArray(R"({"state":"open"})") << QStringLiteral("state");
        QTest::newRow("list: state not text") << QStringLiteral("approvals.list") << QByteArray(R"({"state":1})") << QStringLiteral("state");
        QTest::newRow("list: limit 0") << QStringLiteral("approvals.list") << QByteArray(R"({"limit":0})") << QStringLiteral("limit");
        QTest::newRow("list: limit 1.5") << QStringLiteral("approvals.list") << QByteArray(R"({"limit":1.5})") << QStringLiteral("limit");
        QTest::newRow("list: unknown member") << QStringLiteral("approvals.list") << QByteArray(R"({"pending":true})") << QStringLiteral("pending");
        QTest::newRow("get: no id") << QStringLiteral("approvals.get") << QByteArray("{}") << QStringLiteral("id");
        QTest::newRow("decide: ids not a list") << QStringLiteral("approvals.decide") << QByteArray(R"({"ids":"x","verdict":"approve"})") << QStringLiteral("ids");
        QTest::newRow("decide: no ids") << QStringLiteral("approvals.decide") << QByteArray(R"({"ids":[],"verdict":"approve"})") << QStringLiteral("ids");
        QTest::newRow("decide: id not text") << QStringLiteral("approvals.decide") << QByteArray(R"({"ids":[7],"verdict":"approve"})") << QStringLiteral("ids[0]");
        QTest::newRow("decide: verdict") << QStringLiteral("approvals.decide") << QByteArray(R"({"ids":["x"],"verdict":"maybe"})") << QStringLiteral("verdict");
        QTest::newRow("decide: reason not text") << QStringLiteral("approvals.decide") << QByteArray(R"({"ids":["x"],"verdict":"deny","reason":1})") << QStringLiteral("reason");
        QTest::newRow("decide: reason too long") << QStringLiteral("approvals.decide")
                                                 << QByteArray("{\"ids\":[\"x\"],\"verdict\":\"deny\",\"reason\":\"" + QByteArray(approvals::ReasonBytesMax + 1, 'r') + "\"}")
                                                 << QStringLiteral("reason");
        QTest::newRow("decide: operator with a space") << QStringLiteral("approvals.decide")
                                                       << QByteArray(R"({"ids":["x"],"verdict":"deny","operator":"a b"})") << QStringLiteral("operator");
        QTest::newRow("deliveries: unknown state") << QStringLiteral("approvals.deliveries") << QByteArray(R"({"state":"lost"})") << QStringLiteral("state");
        QTest::newRow("deliveries: order") << QStringLiteral("approvals.deliveries") << QByteArray(R"({"order":"sideways"})") << QStringLiteral("order");
        QTest::newRow("deliveries: after -1") << QStringLiteral("approvals.deliveries") << QByteArray(R"({"after":-1})") << QStringLiteral("after");
        QTest::newRow("deliveries: limit 0") << QStringLiteral("approvals.deliveries") << QByteArray(R"({"limit":0})") << QStringLiteral("limit");
        QTest::newRow("check: no action") << QStringLiteral("policy.check") << QByteArray("{}") << QStringLiteral("action");
        QTest::newRow("check: unknown kind") << QStringLiteral("policy.check") << QByteArray(R"({"action":{"kind":"launch"}})") << QStringLiteral("kind");
    }
    void badParamsAreClearErrors()
    {
        QFETCH(QString, operation);
        QFETCH(QByteArray, params);
        QFETCH(QString, field);
        TestCabinet c;
        QVERIFY(c.open());
        const qint64 before = auditHead(*c.cabinet);
        auto answer = call(*c.cabinet, operation, params);
        QVERIFY(!answer.ok());
        QCOMPARE(int(answer.error().code), int(ErrorCode::InvalidArgument));
        QCOMPARE(answer.error().field, field);
        QCOMPARE(auditHead(*c.cabinet), before);
    }

    void tooManyIdsAreRefusedBeforeAnyIsRead()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QByteArray ids;
        for (int i = 0; i <= approvals::BulkMax; ++i)
            ids += (i ? "," : "") + QByteArray("\"x\"");
        auto answer = call(*c.cabinet, QStringLiteral("approvals.decide"), "{\"ids\":[" + ids + "],\"verdict\":\"approve\"}");
        QVERIFY(!answer.ok());
        QCOMPARE(int(answer.error().code), int(ErrorCode::InvalidArgument));
        QCOMPARE(answer.error().field, QStringLiteral("ids"));
    }

    void anAgentCannotDecide()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const QString id = requestDeploy(*c.cabinet);
        const qint64 before = auditHead(*c.cabinet);
        auto answer = call(*c.cabinet, QStringLiteral("approvals.decide"), "{\"ids\":[\"" + id.toLatin1() + "\"],\"verdict\":\"approve\"}",
                           Actor::agent(QStringLiteral("forge")));
        QVERIFY(!answer.ok());
        QCOMPARE(int(answer.error().code), int(ErrorCode::PermissionDenied));
        QCOMPARE(auditHead(*c.cabinet), before);
        QCOMPARE(c->service<approvals::ApprovalService>().get(id)->state, approvals::ApprovalState::Pending);
    }

    // Switching to autonomous is tier 3: mode.set asks, and only the second
    // different operator's approval switches, in that decision.
    void modeSetToAutonomousWaitsForTwoOperators()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const qint64 before = auditHead(*c.cabinet);
        auto asked = call(*c.cabinet, QStringLiteral("mode.set"), R"({"mode":"autonomous"})");
        QVERIFY(asked.ok());
        const QJsonObject waiting = object(asked);
        QCOMPARE(waiting.value(QStringLiteral("changed")).toBool(), false);
        QCOMPARE(waiting.value(QStringLiteral("from")).toString(), QStringLiteral("supervised"));
        QCOMPARE(waiting.value(QStringLiteral("to")).toString(), QStringLiteral("autonomous"));
        QCOMPARE(waiting.value(QStringLiteral("tier")).toInt(), 3);
        QCOMPARE(waiting.value(QStringLiteral("rule")).toString(), QStringLiteral("autonomous-mode"));
        const QString id = waiting.value(QStringLiteral("approval_id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("supervised"));
        // One audit entry under the caller: the request.
        QCOMPARE(auditHead(*c.cabinet), before + 1);
        QCOMPARE(c->audit().tail(1).value().first().action, QStringLiteral("approval.request"));
        QCOMPARE(c->audit().tail(1).value().first().actor, Alice.toString());
        auto request = c->service<approvals::ApprovalService>().get(id);
        QCOMPARE(request->requestedBy, Alice.toString());
        QCOMPARE(request->action.kind, approvals::ActionKind::ModeChange);
        QCOMPARE(request->action.agent, QStringLiteral("alice"));

        QVERIFY(call(*c.cabinet, QStringLiteral("approvals.decide"), decision(id, "approve")).ok());
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("supervised"));
        QVERIFY(call(*c.cabinet, QStringLiteral("approvals.decide"), decision(id, "approve"), Actor::person(QStringLiteral("bob"))).ok());
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("autonomous"));
        auto changes = c->events().replay(0, EventBus::ReplayLimitMax).value();
        changes.removeIf([](const Event &e) { return e.type != events::ModeChanged; });
        QCOMPARE(changes.last().payload.value(QStringLiteral("approval_id")).toString(), id);
        QCOMPARE(changes.last().payload.value(QStringLiteral("by")).toString(), QStringLiteral("operator:bob"));
        QCOMPARE(changes.last().payload.value(QStringLiteral("from")).toString(), QStringLiteral("supervised"));
        // Staying where it is asks no one.
        const QJsonObject stay = object(call(*c.cabinet, QStringLiteral("mode.set"), R"({"mode":"autonomous"})"));
        QCOMPARE(stay.value(QStringLiteral("changed")).toBool(), false);
        QVERIFY(!stay.contains(QStringLiteral("approval_id")));
    }

    void modeSetDeniedSwitchesNothing()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const QString id = object(call(*c.cabinet, QStringLiteral("mode.set"), R"({"mode":"autonomous"})")).value(QStringLiteral("approval_id")).toString();
        QVERIFY(call(*c.cabinet, QStringLiteral("approvals.decide"), decision(id, "approve")).ok());
        QVERIFY(call(*c.cabinet, QStringLiteral("approvals.decide"), decision(id, "deny"), Actor::person(QStringLiteral("bob"))).ok());
        QCOMPARE(c->service<approvals::ApprovalService>().get(id)->state, approvals::ApprovalState::Denied);
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("supervised"));
    }

    // Tier 0 and 1 switch at once: the default rules keep manual at tier 1.
    void modeSetBelowTierTwoSwitchesNow()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const QJsonObject change = object(call(*c.cabinet, QStringLiteral("mode.set"), R"({"mode":"manual"})"));
        QCOMPARE(change.value(QStringLiteral("changed")).toBool(), true);
        QVERIFY(!change.contains(QStringLiteral("approval_id")));
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("manual"));
        QCOMPARE(object(call(*c.cabinet, QStringLiteral("approvals.list"), "{}")).value(QStringLiteral("approvals")).toArray().size(), 0);
    }

    // A tier-2 switch (a rule of the data directory's tiers.yaml): one
    // approval switches; an expired request switches nothing, and an
    // approval after its deadline is refused.
    void modeSetAtTierTwoApprovesOrExpires()
    {
        TestCabinet c;
        QFile rules(c.dir.filePath(QStringLiteral("tiers.yaml")));
        QVERIFY(rules.open(QIODevice::WriteOnly));
        rules.write(ManualNeedsApproval);
        rules.close();
        QVERIFY(c.open());
        const QJsonObject first = object(call(*c.cabinet, QStringLiteral("mode.set"), R"({"mode":"manual"})"));
        QCOMPARE(first.value(QStringLiteral("tier")).toInt(), 2);
        const QString approved = first.value(QStringLiteral("approval_id")).toString();
        QVERIFY(call(*c.cabinet, QStringLiteral("approvals.decide"), decision(approved, "approve")).ok());
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("manual"));

        QVERIFY(call(*c.cabinet, QStringLiteral("mode.set"), R"({"mode":"supervised"})").ok()); // tier 1: now
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("supervised"));
        const QString expiring = object(call(*c.cabinet, QStringLiteral("mode.set"), R"({"mode":"manual"})")).value(QStringLiteral("approval_id")).toString();
        c.clock->advanceMs(30 * 60'000);
        // Past the deadline, before the sweep (this core is not started):
        // expired already.
        auto late = call(*c.cabinet, QStringLiteral("approvals.decide"), decision(expiring, "approve"));
        QVERIFY(!late.ok());
        QCOMPARE(int(late.error().code), int(ErrorCode::FailedPrecondition));
        QCOMPARE(c->service<approvals::ApprovalService>().sweep(c.clock->nowNs()).value(), 1);
        QCOMPARE(c->service<approvals::ApprovalService>().get(expiring)->state, approvals::ApprovalState::Expired);
        auto after = call(*c.cabinet, QStringLiteral("approvals.decide"), decision(expiring, "approve"));
        QVERIFY(!after.ok());
        QCOMPARE(int(after.error().code), int(ErrorCode::Conflict));
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("supervised"));
    }

    void modeSetRefusesABadModeAndChangesNothing()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const qint64 before = auditHead(*c.cabinet);
        for (const QByteArray &params : { QByteArray(R"({"mode":"turbo"})"), QByteArray(R"({"mode":1})"), QByteArray(R"({"to":"manual"})") }) {
            auto answer = call(*c.cabinet, QStringLiteral("mode.set"), params);
            QVERIFY(!answer.ok());
            QCOMPARE(int(answer.error().code), int(ErrorCode::InvalidArgument));
        }
        QCOMPARE(auditHead(*c.cabinet), before);
        QCOMPARE(modeOf(*c.cabinet), QStringLiteral("supervised"));
        // A mode change asked for directly must name a mode.
        approvals::NewApproval asked;
        asked.action.kind = approvals::ActionKind::ModeChange;
        asked.action.target = QStringLiteral("turbo");
        auto request = c->service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("kev")));
        QVERIFY(!request.ok());
        QCOMPARE(int(request.error().code), int(ErrorCode::InvalidArgument));
        QCOMPARE(request.error().field, QStringLiteral("action.target"));
        QCOMPARE(auditHead(*c.cabinet), before);
    }

    void policyCheckNamesTierAndRule()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const QJsonObject deploy = object(call(*c.cabinet, QStringLiteral("policy.check"), R"({"action":{"kind":"deploy","environment":"production"}})"));
        QCOMPARE(deploy.value(QStringLiteral("tier")).toInt(), 2);
        QCOMPARE(deploy.value(QStringLiteral("rule")).toString(), QStringLiteral("production-deploy"));
        QCOMPARE(deploy.value(QStringLiteral("deadline_ms")).toInteger(), approvals::DeadlineMsDefault);
        QCOMPARE(deploy.value(QStringLiteral("mode")).toString(), QStringLiteral("supervised"));
        const QJsonObject rollback = object(call(*c.cabinet, QStringLiteral("policy.check"), R"({"action":{"kind":"rollback"}})"));
        QCOMPARE(rollback.value(QStringLiteral("tier")).toInt(), 0);
        QVERIFY(rollback.value(QStringLiteral("deadline_ms")).isNull());
    }
};

QTEST_GUILESS_MAIN(TestApprovalOperations)
#include "tst_approvaloperations.moc"
