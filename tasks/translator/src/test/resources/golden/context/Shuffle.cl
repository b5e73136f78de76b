// Shuffle (Shuffle.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

float sparse_shuffle(__local float* exchange, float value, int lane) {
    int id = (int)(get_local_id(1) * get_local_size(0) + get_local_id(0));
    exchange[id] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    float result = exchange[(id & ~31) + (lane & 31)];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

float Shuffle_subGroupSum(float v, __local float* sparse_exchange) {
    int lane = (int)get_local_id(1) * (int)get_local_size(0) + (int)get_local_id(0) & 31;
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += sparse_shuffle(sparse_exchange, v, lane ^ offset);
    }
    return v;
}

float Shuffle_subGroupMean(float v, __local float* sparse_exchange) {
    return Shuffle_subGroupSum(v, sparse_exchange) / 32.0f;
}

__kernel void Shuffle_rotateAndSum(__global float* in, __global float* rotated, __global float* means, int in_length, int rotated_length, int means_length) {
    __local float sparse_exchange[1024] __attribute__((aligned(16)));
    int i = (int)get_global_id(0);
    float v = in[i];
    rotated[i] = sparse_shuffle(sparse_exchange, v, (int)get_local_id(0) + 1);
    means[i] = Shuffle_subGroupMean(v, sparse_exchange);
}

__kernel void Shuffle_broadcast(__global int* in, __global float* out, int in_length, int out_length) {
    __local float scratch[64] __attribute__((aligned(16)));
    __local float sparse_exchange[1024] __attribute__((aligned(16)));
    int lid = (int)get_local_id(0);
    scratch[lid & 63] = sparse_shuffle(sparse_exchange, (float)in[(int)get_global_id(0)], 0);
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    out[(int)get_global_id(0)] = scratch[lid & 63];
}

__kernel void Shuffle_plain(__global float* a, int a_length) {
    a[(int)get_global_id(0)] = 1.0f;
}
