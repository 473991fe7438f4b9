#pragma once

#include "orchestrator/WorkflowCatalog.h"

#include <QJsonObject>

// Workflows as the operations answer them (docs/workflows.md).
namespace cabinet::orchestrator {

// {"source", "line", "node", "field", "message"}
QJsonObject problemJson(const WorkflowProblem &problem);
// The whole graph: {"name", "description", "source", "start", "max_attempts"?, "nodes": [...]}
QJsonObject workflowJson(const WorkflowDefinition &workflow);
// A catalogue entry in a list: {"name", "loaded", "overridden", "source"?, "description"?, "nodes"?, "problem"?}
QJsonObject entrySummaryJson(const WorkflowCatalog::Entry &entry);

} // namespace cabinet::orchestrator
