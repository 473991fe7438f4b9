#pragma once
// The CPU backend: every hardware thread, struct-of-arrays batches of 32 (AVX-512) or 16
// scenarios that the compiler vectorises (CpuBatchKernel.inc), the widest
// instruction set the processor has (AVX-512, AVX2 or the x86-64 baseline).

#include "../ScenarioEngine.h"

namespace cabinet::gpu::cpu {

class CpuEngine final : public ScenarioEngine {
public:
    std::string_view name() const override { return "cpu"; }
    std::string device() const override;
    Expected<ScenarioResult> run(const ScenarioParams& params, const RunOptions& options) override;

private:
    Expected<ScenarioResult> runUnguarded(const ScenarioParams& params, const RunOptions& options);
};

} // namespace cabinet::gpu::cpu
