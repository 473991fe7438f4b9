#pragma once

// What the pilot's service tests share: waiting for an answer that comes
// from the event loop (a gate, a day in the background), passing the gates.
#include "TestSupport.h"
#include "pilot/PilotService.h"

#include <QTest>

#include <memory>
#include <optional>

namespace cabinet::pilot::support {

// Spins the event loop until `answer` is set (60 s at most).
template <typename T> std::optional<T> waitFor(const std::shared_ptr<std::optional<T>> &answer)
{
    QDeadlineTimer deadline(60'000);
    while (!answer->has_value() && !deadline.hasExpired())
        QTest::qWait(5);
    return *answer;
}

inline std::optional<Result<QJsonObject>> gate(cabinet::test::TestCabinet &c, int n, const Actor &actor)
{
    auto answer = std::make_shared<std::optional<Result<QJsonObject>>>();
    c->service<PilotService>().gate(n, actor, [answer](Result<QJsonObject> r) { *answer = std::move(r); });
    return waitFor(answer);
}

// Gates 1 to 3, each passed; false (with a warning) otherwise.
inline bool passGates(cabinet::test::TestCabinet &c, const Actor &actor)
{
    for (int n = 1; n <= GatesCount; ++n) {
        auto result = gate(c, n, actor);
        if (!result || !*result || !(*result)->value(QStringLiteral("passed")).toBool()) {
            qWarning("gate %d: %s", n,
                     !result ? "no answer" : !*result ? qPrintable(result->error().message) : qPrintable((*result)->value(QStringLiteral("reason")).toString()));
            return false;
        }
    }
    return true;
}

} // namespace cabinet::pilot::support
