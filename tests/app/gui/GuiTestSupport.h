#pragma once

// Helpers for the view-model tests: a core running on its own thread, as in
// the console, on a fresh data directory with a manual clock.
#include "TestActor.h"
#include "audit/AuditLog.h"
#include "gui/CoreConnection.h"

#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

namespace cabinet::test {

struct RunningCore {
    QTemporaryDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    gui::CoreConnection connection;
    // The audit entries the start wrote: core.start and the services' own
    // bookkeeping (the costs' ledger accounts and first refill).
    qint64 startedEntries = 0;

    // Runs work on the core thread and waits for its result (none when the
    // core did not answer in time).
    template <typename Work> auto call(Work work)
    {
        using Value = decltype(work(std::declval<Cabinet &>()));
        std::optional<Value> result;
        QObject receiver;
        connection.request(&receiver, std::move(work), [&result](Value value) { result = std::move(value); });
        (void)QTest::qWaitFor([&result] { return result.has_value(); });
        return result;
    }

    // Opens the core and waits until it runs.
    bool start()
    {
        Cabinet::Options options;
        options.dataDir = dir.path();
        options.clock = clock;
        // The view-models are tested on a queue nobody works: tasks stay
        // where a test puts them (the runner has tst_workflowrunner).
        options.config.insert(QStringLiteral("orchestrator.workers"), QStringLiteral("0"));
        connection.open(options);
        if (!QTest::qWaitFor([this] { return connection.state() != gui::CoreConnection::Starting; })
            || connection.state() != gui::CoreConnection::Ready)
            return false;
        const auto head = call([](Cabinet &cabinet) {
            const auto tail = cabinet.audit().tail(1);
            return tail && !tail->isEmpty() ? tail->last().seq : qint64(0);
        });
        startedEntries = head.value_or(0);
        return startedEntries > 0;
    }

    // Appends an audit entry through the core, as a service would.
    bool record(const QString &actor, const QString &action, const QString &subject, const QJsonObject &payload = {})
    {
        const auto recorded
            = call([=](Cabinet &cabinet) { return cabinet.audit().record(actor, action, subject, payload).ok(); });
        return recorded && *recorded;
    }
};

} // namespace cabinet::test
