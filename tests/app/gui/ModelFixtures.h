#pragma once

// The Models panel's view-model tests: a core whose sim provider answers at
// once, with a second sim provider, `flaky`, that always fails (a 503), on
// cloud/frontier, so every frontier call falls back to cloud/mid and two of
// them open flaky's breaker (docs/models.md). `sim` may be paced on the
// core's ManualClock instead: its first token after latencyMs, then
// tokensPerSecond.
#include "GuiTestSupport.h"
#include "config/Config.h"
#include "store/DataDirectory.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonDocument>

namespace cabinet::test {

inline constexpr qint64 FlakyCooldownMs = 20'000;

inline bool startWithFlakyModels(RunningCore &core, int latencyMs = 0, int tokensPerSecond = 0)
{
    QFile file(DataDirectory::configPath(core.dir.path()));
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write("llm:\n"
               "  providers:\n"
               "    sim:\n"
               "      latency_ms: " + QByteArray::number(latencyMs) + "\n"
               "      tokens_per_second: " + QByteArray::number(tokensPerSecond) + "\n"
               "    flaky:\n"
               "      kind: sim\n"
               "      latency_ms: 0\n"
               "      tokens_per_second: 0\n"
               "      server_error_chance: 1\n"
               "      breaker_failures: 2\n"
               "      breaker_cooldown_ms: " + QByteArray::number(FlakyCooldownMs) + "\n"
               "  aliases:\n"
               "    cloud:\n"
               "      frontier: flaky/frontier\n");
    file.close();
    return core.start();
}

// Sets a configuration key through the core, as config.set does (the
// router reads llm.* again after the commit).
inline bool setConfig(RunningCore &core, const QString &key, const QString &value)
{
    const auto set = core.call([key, value](Cabinet &cabinet) {
        return cabinet.config().set(key, value, tester().toString(), cabinet.database(), cabinet.audit(), cabinet.events()).ok();
    });
    return set && *set;
}

// models.test through the connection, as the console calls it; the answer's
// JSON (empty when it failed or did not come).
inline QJsonObject modelsTest(RunningCore &core, const QString &alias, bool stream = false, const QString &tag = {})
{
    QJsonObject params { { QStringLiteral("alias"), alias }, { QStringLiteral("stream"), stream } };
    if (!tag.isEmpty())
        params.insert(QStringLiteral("tag"), tag);
    std::optional<Result<QByteArray>> answer;
    QObject receiver;
    core.connection.call(&receiver, QStringLiteral("models.test"), QJsonDocument(params).toJson(QJsonDocument::Compact),
                         [&answer](Result<QByteArray> reply) { answer = std::move(reply); });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }) || !answer->ok())
        return {};
    return QJsonDocument::fromJson(answer->value()).object();
}

inline void attachTester(QAbstractItemModel *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}

// The model under the tester, following the core until its first list is in.
template <typename Model> bool follow(Model &model, RunningCore &core)
{
    attachTester(&model);
    model.setConnection(&core.connection);
    return QTest::qWaitFor([&model] { return model.loaded(); });
}

// `role` of the row whose `keyRole` is `key` (invalid when none is).
inline QVariant rowValue(const QAbstractItemModel &model, int keyRole, const QString &key, int role)
{
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.index(row, 0).data(keyRole).toString() == key)
            return model.index(row, 0).data(role);
    return {};
}

} // namespace cabinet::test
