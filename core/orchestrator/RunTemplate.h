#pragma once

#include "orchestrator/WorkflowDefinition.h"

#include <QJsonValue>
#include <QMap>
#include <QString>

// Filling a node's templates and testing its edges (docs/workflows.md).
namespace cabinet::orchestrator {

// What a template may name: the task's input and the outputs of the nodes
// done so far (each node's latest visit).
struct RunValues {
    QJsonValue input;                  // the task's input object
    QMap<QString, QJsonValue> outputs; // by node id
};

// The value at a dotted path ("a.b") under `root`; undefined when absent.
QJsonValue valueAt(const QJsonValue &root, QStringView path);
// Text for a value spliced into a template: a string as it is, anything
// else as compact JSON, an absent value as nothing.
QString valueText(const QJsonValue &value);
// {{input...}} and {{nodes.<id>.output...}} replaced by their values. The
// parser checked every placeholder, so each names one of the two.
QString fillTemplate(const Template &text, const RunValues &values);

// Whether an edge's `on` and field test hold for a node that ended with
// `outcome` and `output`. Its visit bound is the runner's business.
bool edgeHolds(const Edge &edge, Outcome outcome, const QJsonValue &output);

} // namespace cabinet::orchestrator
