#pragma once

#include "Result.h"

#include <QString>

namespace cabinet::llm {

// Asked by the Router before each model is tried: may this call spend on
// this model? A refusal (budget_exhausted, with a message) sends the call to
// the next alias of its fallback chain, and the trail says why. The costs
// subsystem implements it with the price table and the budget envelopes;
// until then every call is allowed.
class BudgetCheck {
public:
    struct Query {
        QString alias;
        QString provider;
        QString model;
        QString taskType;
        qint64 promptTokensEstimate = 0;
        qint64 maxTokens = -1; // -1: not bounded by the request
        bool simulated = false;
    };
    virtual ~BudgetCheck() = default;
    virtual Status allow(const Query &query) = 0;
};

class AllowAllBudget final : public BudgetCheck {
public:
    Status allow(const Query &) override { return {}; }
};

} // namespace cabinet::llm
