// The Models panel's aliases and routing table against a running core: each
// alias with its target, fallback chain and the task types routed to it,
// read again when an llm.* setting changes.
#include "ModelFixtures.h"
#include "gui/ModelAliasesModel.h"

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

QVariant value(const ModelAliasesModel &model, const QString &alias, int role)
{
    return rowValue(model, ModelAliasesModel::AliasRole, alias, role);
}

} // namespace

class TestModelAliasesModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aliasesWithRoutesAndFallbacks()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core));
        ModelAliasesModel aliases;
        QVERIFY(follow(aliases, core));
        QCOMPARE(aliases.count(), 5);
        QCOMPARE(value(aliases, QStringLiteral("cloud/frontier"), ModelAliasesModel::ProviderRole).toString(), QStringLiteral("flaky"));
        QCOMPARE(value(aliases, QStringLiteral("cloud/frontier"), ModelAliasesModel::ModelRole).toString(), QStringLiteral("frontier"));
        QVERIFY(value(aliases, QStringLiteral("cloud/frontier"), ModelAliasesModel::SimulatedRole).toBool());
        QCOMPARE(value(aliases, QStringLiteral("cloud/frontier"), ModelAliasesModel::FallbacksRole).toStringList(),
                 QStringList({ QStringLiteral("cloud/mid"), QStringLiteral("local/quality") }));
        QCOMPARE(value(aliases, QStringLiteral("cloud/frontier"), ModelAliasesModel::TaskTypesRole).toStringList(),
                 QStringList({ QStringLiteral("build"), QStringLiteral("plan") }));
        QCOMPARE(value(aliases, QStringLiteral("local/quality"), ModelAliasesModel::TaskTypesRole).toStringList(), QStringList({ QStringLiteral("default") }));
        QCOMPARE(value(aliases, QStringLiteral("local/fast"), ModelAliasesModel::FallbacksRole).toStringList(), QStringList());

        // The routing table follows the configuration.
        QVERIFY(setConfig(core, QStringLiteral("llm.routing.summarize"), QStringLiteral("cloud/mid")));
        QTRY_VERIFY(value(aliases, QStringLiteral("cloud/mid"), ModelAliasesModel::TaskTypesRole).toStringList().contains(u"summarize"));
        QCOMPARE(value(aliases, QStringLiteral("local/fast"), ModelAliasesModel::TaskTypesRole).toStringList(), QStringList());
        QCOMPARE(aliases.count(), 5);

        // A task type routed to a provider/model directly: a row of its own.
        QVERIFY(setConfig(core, QStringLiteral("llm.routing.deploy"), QStringLiteral("sim/deploy-model")));
        QTRY_COMPARE(aliases.count(), 6);
        QCOMPARE(value(aliases, QStringLiteral("sim/deploy-model"), ModelAliasesModel::ProviderRole).toString(), QStringLiteral("sim"));
        QCOMPARE(value(aliases, QStringLiteral("sim/deploy-model"), ModelAliasesModel::ModelRole).toString(), QStringLiteral("deploy-model"));
        QVERIFY(value(aliases, QStringLiteral("sim/deploy-model"), ModelAliasesModel::SimulatedRole).toBool());
        QCOMPARE(value(aliases, QStringLiteral("sim/deploy-model"), ModelAliasesModel::TaskTypesRole).toStringList(), QStringList({ QStringLiteral("deploy") }));
    }
};

QTEST_MAIN(TestModelAliasesModel)
#include "tst_modelaliasesmodel.moc"
