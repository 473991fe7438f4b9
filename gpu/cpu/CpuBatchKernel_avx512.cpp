// The CPU batch kernel built for the avx512 instruction set (flags in gpu/CMakeLists.txt).
#define CABINET_CPU_KERNEL_NAME simulateBatchAvx512
#define CABINET_CPU_PHILOX_NAME philoxBatchAvx512
#include "CpuBatchKernel.inc"
