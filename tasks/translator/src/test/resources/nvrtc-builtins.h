// What NVRTC declares built in, for a clang -fsyntax-only check of the generated CUDA C (ClangCheckTest).
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __forceinline__ __attribute__((always_inline))
#define __align__(n) __attribute__((aligned(n)))
#include <__clang_cuda_builtin_vars.h>
__device__ float expf(float); __device__ float logf(float); __device__ float sqrtf(float);
__device__ float rsqrtf(float); __device__ float tanhf(float); __device__ float sinf(float);
__device__ float cosf(float); __device__ float powf(float, float); __device__ float floorf(float);
__device__ float fminf(float, float); __device__ float fmaxf(float, float); __device__ float fabsf(float);
__device__ float fmaf(float, float, float); __device__ float fmodf(float, float);
__device__ int min(int, int); __device__ int max(int, int); __device__ int abs(int);
__device__ int __float_as_int(float); __device__ float __int_as_float(int);
__device__ unsigned int __float_as_uint(float); __device__ float __uint_as_float(unsigned int);
__device__ int __popc(unsigned int); __device__ int __float2int_rz(float); __device__ long long __float2ll_rz(float);
__device__ void __syncthreads();
__device__ float __shfl_sync(unsigned int mask, float var, int srcLane, int width = 32);
__device__ int atomicAdd(int*, int); __device__ int atomicMax(int*, int); __device__ int atomicMin(int*, int);
__device__ int atomicCAS(int*, int, int);
struct __align__(16) int4 { int x, y, z, w; };
__device__ __SIZE_TYPE__ __cvta_generic_to_shared(const void*);
