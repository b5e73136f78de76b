// Nested$Inner (Nested.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

extern "C" __global__ void Inner_copy(int* from, int* to, int from_length, int to_length) {
    to[(int)(blockIdx.x * blockDim.x + threadIdx.x)] = from[(int)(blockIdx.x * blockDim.x + threadIdx.x)];
}
