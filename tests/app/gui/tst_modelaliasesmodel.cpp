// The Models panel's aliases and routing table against a running core: each
// alias with its target, fallback chain and the task types routed to it,
// read again when an llm.* setting changes.
#include "ModelFixtures.h"
#include "config/Config.h"
#include "gui/ModelAliasesModel.h"

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

QVariant value(const ModelAliasesModel &model, const QString &alias, int role)
{
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.index(row, 0).data(ModelAliasesModel::AliasRole).toString() == alias)
            return model.index(row, 0).data(role);
    return {};
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
        attachTester(&aliases);
        aliases.setConnection(&core.connection);
        QTRY_VERIFY(aliases.loaded());
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
        const auto set = core.call([](Cabinet &cabinet) {
            return cabinet.config().set(QStringLiteral("llm.routing.summarize"), QStringLiteral("cloud/mid"), tester().toString(), cabinet.database(),
                                        cabinet.audit(), cabinet.events()).ok();
        });
        QVERIFY(set && *set);
        QTRY_VERIFY(value(aliases, QStringLiteral("cloud/mid"), ModelAliasesModel::TaskTypesRole).toStringList().contains(u"summarize"));
        QCOMPARE(value(aliases, QStringLiteral("local/fast"), ModelAliasesModel::TaskTypesRole).toStringList(), QStringList());
        QCOMPARE(aliases.count(), 5);
    }
};

QTEST_MAIN(TestModelAliasesModel)
#include "tst_modelaliasesmodel.moc"
