// The CPU batch kernel built for the generic instruction set (flags in gpu/CMakeLists.txt).
#define CABINET_CPU_KERNEL_NAME simulateBatchGeneric
#define CABINET_CPU_PHILOX_NAME philoxBatchGeneric
#include "CpuBatchKernel.inc"
