// The CPU batch kernel built for the avx2 instruction set (flags in gpu/CMakeLists.txt).
#define CABINET_CPU_KERNEL_NAME simulateBatchAvx2
#define CABINET_CPU_PHILOX_NAME philoxBatchAvx2
#include "CpuBatchKernel.inc"
