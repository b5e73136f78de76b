// Reserved (Reserved.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ int Reserved_min(int a) {
    return a;
}

extern "C" __global__ void Reserved_names(float* half_, int half_length, float* global_, int uint_, int half__length, int global__length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    float exp_ = half_[i];
    float float4_ = 1.0f;
    int signed_ = uint_ + half_length + half__length;
    int __x_ = 1;
    global_[i] = exp_ * float4_ + signed_ + __x_ + Reserved_min(i);
}
