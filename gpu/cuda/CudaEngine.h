#pragma once
// The CUDA backend (built only when CABINET_CUDA is on; CABINET_HAVE_CUDA is
// then defined for users of cabinet_gpu).
//
// One fused kernel generates the random numbers, steps each scenario through
// the horizon (one thread per scenario, the step shared with the CPU backend
// through ScenarioKernel.h) and reduces the moments per block; outcomes stay
// on the device, where CUB sorts them for the percentiles, the expected
// shortfall and the histogram. Paths are computed only when asked, by a
// second small kernel. The CUDA context is created once per process, by the
// first engine that runs.

#include "../ScenarioEngine.h"

namespace cabinet::gpu::cuda {

// Devices the driver reports; 0 when there is no driver, no device or any
// other error. Never aborts.
int deviceCount();

// Fails with BackendUnavailable when no device can be used.
Expected<std::unique_ptr<ScenarioEngine>> makeCudaEngine();

} // namespace cabinet::gpu::cuda
