#pragma once

// A naive task queue: a vector of tasks and the rules written out again,
// one action at a time, without the transition table, the store or
// batches. tst_taskqueuemodel runs seeded random work against it and the
// real TaskQueue and compares every answer and every task.
#include "orchestrator/TaskTypes.h"

#include <QString>

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace cabinet::orchestrator::test {

struct RefTask {
    QString id;
    QString key;
    TaskState state = TaskState::Pending;
    bool paused = false;
    int attempts = 0;
    int maxAttempts = 3;
    qint64 backoffMs = 0;
    int leaseLosses = 0;
    int claims = 0;
    qint64 notBeforeNs = 0;
    qint64 leaseExpiresNs = 0;
};

class ReferenceQueue {
public:
    struct Outcome {
        std::optional<ErrorCode> error;
        size_t index = 0;
        bool created = false;
    };

    ReferenceQueue(TaskLimits limits, std::function<qint64(qint64)> jitter) : m_limits(limits), m_jitter(std::move(jitter)) { }

    std::vector<RefTask> tasks;

    qint64 count(TaskState state) const
    {
        qint64 n = 0;
        for (const RefTask &t : tasks)
            n += t.state == state;
        return n;
    }
    bool full(TaskState state) const
    {
        const qint64 limit = m_limits.depthFor(state);
        return limit >= 0 && count(state) >= limit;
    }

    // The id comes from the real queue (ULIDs are not predicted); the rest is the model's.
    Outcome submit(const QString &key, int maxAttempts, qint64 backoffMs, qint64 nowNs)
    {
        if (!key.isEmpty()) {
            if (auto it = m_byKey.find(key); it != m_byKey.end())
                return { std::nullopt, it->second, false };
        }
        if (full(TaskState::Pending))
            return { ErrorCode::ResourceExhausted };
        RefTask t;
        t.key = key;
        t.maxAttempts = maxAttempts;
        t.backoffMs = backoffMs;
        t.notBeforeNs = nowNs;
        tasks.push_back(t);
        if (!key.isEmpty())
            m_byKey[key] = tasks.size() - 1;
        return { std::nullopt, tasks.size() - 1, true };
    }

    std::vector<size_t> claim(int max, qint64 leaseMs, qint64 nowNs, std::optional<ErrorCode> *error)
    {
        *error = std::nullopt;
        std::vector<size_t> ready;
        for (size_t i = 0; i < tasks.size(); ++i) {
            if (tasks[i].state == TaskState::Pending && !tasks[i].paused && tasks[i].notBeforeNs <= nowNs)
                ready.push_back(i);
        }
        std::stable_sort(ready.begin(), ready.end(), [&](size_t a, size_t b) { return tasks[a].notBeforeNs < tasks[b].notBeforeNs; });
        const qint64 room = m_limits.depthFor(TaskState::Claimed) - count(TaskState::Claimed);
        if (room <= 0) {
            *error = ErrorCode::ResourceExhausted;
            return {};
        }
        ready.resize(std::min<size_t>(ready.size(), std::min<size_t>(size_t(max), size_t(room))));
        for (size_t i : ready) {
            RefTask &t = tasks[i];
            t.state = TaskState::Claimed;
            ++t.claims;
            t.leaseExpiresNs = nowNs + leaseMs * 1'000'000;
        }
        return ready;
    }

    // A worker's report with `token`; nullopt error: done.
    std::optional<ErrorCode> report(size_t i, TaskAction action, int token, bool retryable, qint64 nowNs)
    {
        RefTask &t = tasks[i];
        bool legal = false;
        switch (action) {
        case TaskAction::Start: legal = t.state == TaskState::Claimed; break;
        case TaskAction::Release: legal = t.state == TaskState::Claimed || t.state == TaskState::Running; break;
        default: legal = t.state == TaskState::Running; break;
        }
        if (!legal)
            return ErrorCode::Conflict;
        if (token != t.claims)
            return ErrorCode::Conflict;
        const TaskState into = action == TaskAction::Start ? TaskState::Running
                : action == TaskAction::AwaitApproval     ? TaskState::AwaitingApproval
                : action == TaskAction::SubmitForReview   ? TaskState::Review
                                                          : TaskState::Done;
        if ((action == TaskAction::Start || action == TaskAction::AwaitApproval || action == TaskAction::SubmitForReview) && full(into))
            return ErrorCode::ResourceExhausted;
        switch (action) {
        case TaskAction::Start: t.state = TaskState::Running; break;
        case TaskAction::Release: toPending(t, nowNs, 0); break;
        case TaskAction::AwaitApproval: unlease(t, TaskState::AwaitingApproval); break;
        case TaskAction::SubmitForReview: unlease(t, TaskState::Review); break;
        case TaskAction::Complete: unlease(t, TaskState::Done); break;
        case TaskAction::Fail: failOnce(t, retryable, nowNs); break;
        default: break;
        }
        return std::nullopt;
    }

    std::optional<ErrorCode> heartbeat(size_t i, int token, qint64 leaseMs, qint64 nowNs)
    {
        RefTask &t = tasks[i];
        if (t.leaseExpiresNs == 0 || token != t.claims)
            return ErrorCode::Conflict;
        t.leaseExpiresNs = nowNs + leaseMs * 1'000'000;
        return std::nullopt;
    }

    std::optional<ErrorCode> act(size_t i, TaskAction action, qint64 nowNs)
    {
        RefTask &t = tasks[i];
        const bool finished = t.state == TaskState::Done || t.state == TaskState::Failed || t.state == TaskState::Cancelled;
        switch (action) {
        case TaskAction::Cancel:
            if (finished)
                return ErrorCode::Conflict;
            unlease(t, TaskState::Cancelled);
            return std::nullopt;
        case TaskAction::Retry:
            if (t.state != TaskState::Failed && t.state != TaskState::Cancelled)
                return ErrorCode::Conflict;
            if (full(TaskState::Pending))
                return ErrorCode::ResourceExhausted;
            t.attempts = 0;
            t.leaseLosses = 0;
            toPending(t, nowNs, 0);
            return std::nullopt;
        case TaskAction::Approve:
        case TaskAction::Deny:
            if (t.state != TaskState::AwaitingApproval)
                return ErrorCode::Conflict;
            if (action == TaskAction::Approve)
                toPending(t, nowNs, 0);
            else
                t.state = TaskState::Failed;
            return std::nullopt;
        case TaskAction::Accept:
        case TaskAction::Reject:
            if (t.state != TaskState::Review)
                return ErrorCode::Conflict;
            if (action == TaskAction::Accept)
                t.state = TaskState::Done;
            else
                failOnce(t, true, nowNs);
            return std::nullopt;
        default:
            return ErrorCode::InvalidArgument;
        }
    }

    std::optional<ErrorCode> setPaused(size_t i, bool paused)
    {
        RefTask &t = tasks[i];
        if (t.paused == paused)
            return std::nullopt;
        if (paused && (t.state == TaskState::Done || t.state == TaskState::Failed || t.state == TaskState::Cancelled))
            return ErrorCode::Conflict;
        t.paused = paused;
        return std::nullopt;
    }

    void expire(qint64 nowNs)
    {
        for (RefTask &t : tasks) {
            if (t.leaseExpiresNs != 0 && t.leaseExpiresNs <= nowNs) {
                ++t.leaseLosses;
                if (t.leaseLosses >= LeaseLossesMax)
                    unlease(t, TaskState::Failed);
                else
                    toPending(t, nowNs, 0);
            }
        }
    }

private:
    static void unlease(RefTask &t, TaskState state)
    {
        t.state = state;
        t.leaseExpiresNs = 0;
    }
    static void toPending(RefTask &t, qint64 nowNs, qint64 delayNs)
    {
        unlease(t, TaskState::Pending);
        t.notBeforeNs = nowNs + delayNs;
    }
    void failOnce(RefTask &t, bool retryable, qint64 nowNs)
    {
        ++t.attempts;
        if (!retryable || t.attempts >= t.maxAttempts) {
            unlease(t, TaskState::Failed);
            return;
        }
        qint64 ceiling = t.backoffMs;
        for (int i = 1; i < t.attempts; ++i)
            ceiling = std::min<qint64>(ceiling * 2, BackoffDelayMsMax);
        ceiling = std::min<qint64>(ceiling, BackoffDelayMsMax);
        const qint64 span = ceiling - ceiling / 2;
        toPending(t, nowNs, (ceiling / 2 + m_jitter(span)) * 1'000'000);
    }

    TaskLimits m_limits;
    std::function<qint64(qint64)> m_jitter;
    std::map<QString, size_t> m_byKey;
};

} // namespace cabinet::orchestrator::test
