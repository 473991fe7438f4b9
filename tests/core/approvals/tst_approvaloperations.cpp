// The approvals.* and policy.check operations (core/api/ops/
// ApprovalOperations.cpp): the lists by state, paged; a decision's params
// read strictly, every bad one a clear error with nothing changed; an agent
// refused; policy.check naming tier and rule.
#include "TestSupport.h"
#include "Assert.h"
#include "api/Dispatcher.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"

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
