// The Models panel's providers against a running core: read from
// models.list, rows replaced in place by llm.provider_state as flaky's
// breaker opens (with the time it half-opens on the GUI's clock) and
// half-opens on the core's clock; an unconfigured provider says why.
#include "ModelFixtures.h"
#include "gui/ModelProvidersModel.h"

#include <QDateTime>
#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

QVariant value(const ModelProvidersModel &model, const QString &name, int role)
{
    return rowValue(model, ModelProvidersModel::NameRole, name, role);
}

} // namespace

class TestModelProvidersModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void breakerMovesByEvents()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core));
        ModelProvidersModel providers;
        QVERIFY(follow(providers, core));
        QCOMPARE(providers.count(), 2);
        QCOMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::KindRole).toString(), QStringLiteral("sim"));
        QVERIFY(value(providers, QStringLiteral("flaky"), ModelProvidersModel::SimulatedRole).toBool());
        QVERIFY(value(providers, QStringLiteral("flaky"), ModelProvidersModel::ConfiguredRole).toBool());
        QCOMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::BreakerRole).toString(), QStringLiteral("closed"));
        QCOMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::FailuresToOpenRole).toInt(), 2);
        QCOMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::HalfOpensAtRole).toDouble(), 0.0);
        QCOMPARE(value(providers, QStringLiteral("sim"), ModelProvidersModel::HeadroomRole).toString(), QStringLiteral("no limit"));
        QCOMPARE(value(providers, QStringLiteral("sim"), ModelProvidersModel::InFlightRole).toInt(), 0);

        QSignalSpy resets(&providers, &QAbstractItemModel::modelReset);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        // Two failures in a row open flaky's breaker; each call is served
        // by its fallback.
        for (int i = 0; i < 2; ++i)
            QCOMPARE(modelsTest(core, QStringLiteral("cloud/frontier")).value(u"trail").toObject().value(u"served").toObject().value(u"alias").toString(),
                     QStringLiteral("cloud/mid"));
        QTRY_COMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::BreakerRole).toString(), QStringLiteral("open"));
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        const double halfOpensAt = value(providers, QStringLiteral("flaky"), ModelProvidersModel::HalfOpensAtRole).toDouble();
        QVERIFY2(halfOpensAt >= double(before + FlakyCooldownMs) - 1 && halfOpensAt <= double(after + FlakyCooldownMs) + 1,
                 qPrintable(QString::number(halfOpensAt - double(before))));
        QCOMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::FailuresRole).toInt(), 2);

        // The cool-down is a deadline on the core's clock.
        core.clock->advanceMs(FlakyCooldownMs);
        QTRY_COMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::BreakerRole).toString(), QStringLiteral("half_open"));
        QCOMPARE(value(providers, QStringLiteral("flaky"), ModelProvidersModel::HalfOpensAtRole).toDouble(), 0.0);
        QCOMPARE(resets.count(), 0); // rows changed in place
        QCOMPARE(providers.count(), 2);
    }

    void unconfiguredProviderSaysWhy()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core));
        ModelProvidersModel providers;
        QVERIFY(follow(providers, core));
        qunsetenv("CABINET_TEST_PROVIDERS_KEY");
        // A provider added by a setting: the list is read again and placed.
        QVERIFY(setConfig(core, QStringLiteral("llm.providers.remote.base_url"), QStringLiteral("http://127.0.0.1:9")));
        QVERIFY(setConfig(core, QStringLiteral("llm.providers.remote.api_key_env"), QStringLiteral("CABINET_TEST_PROVIDERS_KEY")));
        QTRY_COMPARE(providers.count(), 3);
        QVERIFY(!value(providers, QStringLiteral("remote"), ModelProvidersModel::ConfiguredRole).toBool());
        QVERIFY(!value(providers, QStringLiteral("remote"), ModelProvidersModel::SimulatedRole).toBool());
        QVERIFY(value(providers, QStringLiteral("remote"), ModelProvidersModel::WhyRole).toString().contains(u"CABINET_TEST_PROVIDERS_KEY"));
        QCOMPARE(value(providers, QStringLiteral("remote"), ModelProvidersModel::ApiKeyEnvRole).toString(), QStringLiteral("CABINET_TEST_PROVIDERS_KEY"));
        QCOMPARE(value(providers, QStringLiteral("remote"), ModelProvidersModel::BaseUrlRole).toString(), QStringLiteral("http://127.0.0.1:9"));
    }

    void headroomFollowsCalls()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core));
        ModelProvidersModel providers;
        QVERIFY(follow(providers, core));
        QVERIFY(setConfig(core, QStringLiteral("llm.providers.sim.requests_per_minute"), QStringLiteral("60")));
        QTRY_COMPARE(value(providers, QStringLiteral("sim"), ModelProvidersModel::HeadroomRole).toString(), QStringLiteral("60 / 60 requests a minute"));
        // A call uses headroom without an event of its own: its llm.call
        // has the list read again.
        QVERIFY(!modelsTest(core, QStringLiteral("cloud/mid")).isEmpty());
        QTRY_COMPARE(value(providers, QStringLiteral("sim"), ModelProvidersModel::HeadroomRole).toString(), QStringLiteral("59 / 60 requests a minute"));
    }

    void badSettingShowsConfigError()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core));
        ModelProvidersModel providers;
        QVERIFY(follow(providers, core));
        QVERIFY(providers.configError().isEmpty());
        // A chance above 1: the router keeps its settings and says why.
        QVERIFY(setConfig(core, QStringLiteral("llm.providers.flaky.server_error_chance"), QStringLiteral("3")));
        QTRY_VERIFY(!providers.configError().isEmpty());
        QCOMPARE(providers.count(), 2);
    }
};

QTEST_MAIN(TestModelProvidersModel)
#include "tst_modelprovidersmodel.moc"
