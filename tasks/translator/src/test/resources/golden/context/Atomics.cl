// Atomics (Atomics.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Atomics_histogram(__global int* values, __global int* bins, __global int* stats, int values_length, int bins_length, int stats_length) {
    __local int local_[64] __attribute__((aligned(16)));
    int lid = (int)get_local_id(0);
    if (lid < 64) {
        local_[lid] = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    int v = values[(int)get_global_id(0)];
    atomic_add(&local_[v & 63], 1);
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lid < 64) {
        int old = atomic_add(&bins[lid], local_[lid]);
    }
    atomic_max(&stats[0], v);
    atomic_min(&stats[1], v);
    int seen = atomic_cmpxchg(&stats[2], 0, v);
    if (seen == 0) {
        atomic_add(&stats[3], 1);
    }
}
