// ApprovalDeliveriesModel against a running core whose one webhook has a
// template that does not render: each request's notification fails at once
// and shows with its channel and error; a webhook that works adds nothing.
#include "GuiTestSupport.h"
#include "approvals/ApprovalService.h"
#include "gui/ApprovalDeliveriesModel.h"
#include "store/DataDirectory.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

bool writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QString requestDeploy(RunningCore &core)
{
    const auto id = core.call([](Cabinet &cabinet) {
        approvals::NewApproval asked;
        asked.action.kind = approvals::ActionKind::Deploy;
        asked.action.agent = QStringLiteral("forge");
        asked.action.environment = QStringLiteral("production");
        asked.action.target = QStringLiteral("./deploy.sh");
        auto made = cabinet.service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("forge")));
        return made ? made->id : QString();
    });
    return id.value_or(QString());
}

} // namespace

class TestApprovalDeliveriesModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void failedNotificationsAreListed()
    {
        RunningCore core;
        QVERIFY(writeFile(core.dir.path() + QStringLiteral("/notify/broken.json"), R"({"text": {{no_such_fact}}})"));
        QVERIFY(writeFile(DataDirectory::configPath(core.dir.path()),
                          "notify:\n  webhook:\n    pager:\n      url: http://127.0.0.1:9/hook\n      template: notify/broken.json\n"));
        QVERIFY(core.start());
        ApprovalDeliveriesModel model;
        new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QCOMPARE(model.count(), 0);

        const QString id = requestDeploy(core);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(model.count(), 1);
        const QModelIndex row = model.index(0, 0);
        QCOMPARE(row.data(ApprovalDeliveriesModel::ApprovalIdRole).toString(), id);
        QCOMPARE(row.data(ApprovalDeliveriesModel::ChannelRole).toString(), QStringLiteral("pager"));
        QCOMPARE(row.data(ApprovalDeliveriesModel::WhatRole).toString(), QStringLiteral("requested"));
        QVERIFY(row.data(ApprovalDeliveriesModel::ErrorRole).toString().contains(QStringLiteral("no_such_fact")));
        QVERIFY(row.data(ApprovalDeliveriesModel::UpdatedRole).toDateTime().isValid());

        QVERIFY(!requestDeploy(core).isEmpty());
        QTRY_COMPARE(model.count(), 2);
        QCOMPARE(model.errorMessage(), QString());
    }
};

QTEST_MAIN(TestApprovalDeliveriesModel)
#include "tst_approvaldeliveriesmodel.moc"
