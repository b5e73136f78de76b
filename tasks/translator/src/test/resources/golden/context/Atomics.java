import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Atomics {
    @Kernel
    static void histogram(KernelContext ctx, int[] values, int[] bins, int[] stats) {
        int[] local = ctx.allocateIntLocalArray(64);
        int lid = ctx.localIdx;
        if (lid < 64) {
            local[lid] = 0;
        }
        ctx.localBarrier();
        int v = values[ctx.globalIdx];
        // atomics on local memory, then on global memory
        ctx.atomicAdd(local, v & 63, 1);
        ctx.localBarrier();
        if (lid < 64) {
            int old = ctx.atomicAdd(bins, lid, local[lid]);
        }
        ctx.atomicMax(stats, 0, v);
        ctx.atomicMin(stats, 1, v);
        int seen = ctx.atomicCompareAndSwap(stats, 2, 0, v);
        if (seen == 0) {
            ctx.atomicAdd(stats, 3, 1);
        }
    }
}
