// LocalReduce (LocalReduce.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void LocalReduce_sum(__global float* in, __global float* out, int n, int in_length, int out_length) {
    __local float partial[256] __attribute__((aligned(16)));
    __local int counts[16] __attribute__((aligned(16)));
    int gid = (int)get_global_id(0);
    int lid = (int)get_local_id(0);
    partial[lid] = gid < n ? in[gid] : 0.0f;
    if (lid < 16) {
        counts[lid] = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    for (int stride = 256 / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    }
    if (lid == 0) {
        out[(int)get_group_id(0)] = partial[0];
    }
}
