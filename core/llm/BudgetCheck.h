#pragma once

#include "Result.h"
#include "llm/ChatTypes.h"

#include <QString>

#include <optional>

namespace cabinet::llm {

// Asked by the Router before each model is tried: reserve what this call
// may spend on this model. A refusal (budget_exhausted, with a message)
// sends the call to the next alias of its fallback chain, and the trail
// says why. Once the model answered (or failed), the Router settles the
// reservation with what the call really used. The costs subsystem
// (core/costs/Budgets) implements it with the price table and the budget
// envelopes in the ledger; without it every call is allowed and nothing is
// counted.
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
        qint64 timeLimitMs = 0; // the provider's time limit for the call
        // Who the call is for (empty: the system's own, e.g. models.test).
        QString agent, task, node;
        int attempt = 0;
    };
    struct Settlement {
        bool served = false;        // false: the call failed or was cancelled
        Usage usage;                // tokens as the provider counted them
        qint64 cachedInputTokens = 0;
        QString servedModel;
        qint64 latencyNs = 0;
        qint64 firstTokenNs = -1;
        std::optional<Error> error;
    };
    // A call that states no max_tokens is reserved as if it asked for this,
    // and the Router sends it with this bound (docs/costs.md).
    static constexpr qint64 UnboundedOutputTokens = 4'096;
    // A reservation's handle; 0 is "nothing reserved, nothing to settle".
    using Handle = quint64;

    virtual ~BudgetCheck() = default;
    virtual Result<Handle> reserve(const Query &query) = 0;
    virtual void settle(Handle handle, const Settlement &settlement) = 0;
};

class AllowAllBudget final : public BudgetCheck {
public:
    Result<Handle> reserve(const Query &) override { return Handle(0); }
    void settle(Handle, const Settlement &) override { }
};

} // namespace cabinet::llm
