#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace cabinet {
class Database;
}

// A workflow run's checkpoints in the store (resources/sql/0008_workflow_runs.sql):
// the run with the definition it started on, and each node visit.
namespace cabinet::orchestrator {

enum class RunState { Running, Done, Failed };
enum class VisitState { Pending, Running, Done, Failed, Interrupted };
QString runStateName(RunState state);
QString visitStateName(VisitState state);

struct Run {
    QString taskId;
    QString workflow;
    QString source;
    QByteArray definition; // the workflow file's text as the run started
    RunState state = RunState::Running;
    QString hold;          // '': none; HoldStep: after the next node; else before that node
    QString error;
    qint64 createdNs = 0;
    qint64 updatedNs = 0;
};
inline const QString HoldStep = QStringLiteral("*");

struct Visit {
    QString taskId;
    int seq = 0;
    QString node;
    int visit = 1;
    QString fromNode;
    int edge = -1;
    VisitState state = VisitState::Pending;
    QString outcome;   // "", "pass", "fail"
    QByteArray output; // JSON text, once done
    QString error;
    QString idempotencyKey;
    qint64 pgid = 0;
    QString approvalId;
    int runs = 0;
    qint64 startedNs = 0;
    qint64 finishedNs = 0;
};

// One key per run, node and visit.
QString visitKey(const QString &taskId, const QString &node, int visit);

// Rows in and out; every write runs in the caller's transaction.
class RunStore {
public:
    explicit RunStore(Database &db) : m_db(db) { }

    Result<std::optional<Run>> run(const QString &taskId) const;
    Status insert(const Run &run);
    Status update(const Run &run);

    // In run order.
    Result<std::vector<Visit>> visits(const QString &taskId) const;
    Status insert(const Visit &visit);
    Status update(const Visit &visit);
    // Runs with a tool process group recorded (a crash may have left them running).
    Result<std::vector<Visit>> visitsWithProcessGroup() const;

    // What the model calls of one visit cost so far (the spend records name
    // task, node and visit as their attempt), micro-USD.
    Result<qint64> costMicros(const QString &taskId, const QString &node, int visit) const;

private:
    Database &m_db;
};

} // namespace cabinet::orchestrator
