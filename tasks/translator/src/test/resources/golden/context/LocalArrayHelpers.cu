// LocalArrayHelpers (LocalArrayHelpers.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ __forceinline__ float LocalArrayHelpers_sum(float* x, int upTo, int x_length) {
    float s = 0.0f;
    for (int i = 0; i <= upTo; i++) {
        s += x[i];
    }
    return s;
}

__device__ __forceinline__ float LocalArrayHelpers_dotOf(float* x, float* y, int upTo, int x_length, int y_length) {
    float s = 0.0f;
    for (int i = 0; i <= upTo && i < x_length; i++) {
        s += x[i] * y[i];
    }
    return s / LocalArrayHelpers_sum(x, upTo, x_length);
}

__device__ __forceinline__ void LocalArrayHelpers_offer(int* top, float value, int top_length) {
    atomicMax(&top[0], __float2int_rz(value));
    __syncthreads();
}

extern "C" __global__ void LocalArrayHelpers_tileDot(float* a, float* b, float* out, int* best, int a_length, int b_length, int out_length, int best_length) {
    __shared__ __align__(16) float as[64];
    __shared__ __align__(16) float bs[64];
    __shared__ __align__(16) int top[1];
    sparse_await_previous_kernel();
    int lid = (int)threadIdx.x;
    as[lid] = a[(int)(blockIdx.x * blockDim.x + threadIdx.x)];
    bs[lid] = b[(int)(blockIdx.x * blockDim.x + threadIdx.x)];
    if (lid == 0) {
        top[0] = 0;
    }
    __syncthreads();
    float dot = LocalArrayHelpers_dotOf(as, bs, lid, 64, 64);
    LocalArrayHelpers_offer(top, dot, 1);
    if (lid == 0) {
        out[(int)blockIdx.x] = dot;
        best[(int)blockIdx.x] = top[0];
    }
}

extern "C" __global__ void LocalArrayHelpers_sums(float* a, float* out, int a_length, int out_length) {
    __shared__ __align__(16) float partial[64];
    sparse_await_previous_kernel();
    partial[(int)threadIdx.x] = LocalArrayHelpers_sum(a, (int)threadIdx.x, a_length);
    __syncthreads();
    out[(int)(blockIdx.x * blockDim.x + threadIdx.x)] = LocalArrayHelpers_sum(partial, (int)threadIdx.x, 64) + LocalArrayHelpers_dotOf(partial, a, (int)threadIdx.x, 64, a_length);
}
