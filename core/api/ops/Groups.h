#pragma once

#include "api/Operation.h"

#include <vector>

// Each group of operations, one file each under core/api/ops/; the
// catalogue (core/api/Catalogue.cpp) joins them.
namespace cabinet::api::ops {

std::vector<Operation> agentOperations();
std::vector<Operation> apiOperations();
std::vector<Operation> approvalOperations();
std::vector<Operation> auditOperations();
std::vector<Operation> boardOperations();
std::vector<Operation> configOperations();
std::vector<Operation> costOperations();
std::vector<Operation> coreOperations();
std::vector<Operation> eventOperations();
std::vector<Operation> ledgerOperations();
std::vector<Operation> modelOperations();
std::vector<Operation> modeOperations();
std::vector<Operation> pilotOperations();
std::vector<Operation> runOperations();
std::vector<Operation> scenarioOperations();
std::vector<Operation> taskOperations();
std::vector<Operation> tokenOperations();
std::vector<Operation> workflowOperations();

// A handler for an operation that answers at once.
template <typename Run> Handler now(Run run)
{
    return [run](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
        reply(run(cabinet, actor, params));
    };
}

} // namespace cabinet::api::ops
