package sparse.engine.graph;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.Parallel;

/** Kernels for the task-graph tests, translated by the build like the project's own. */
final class GraphKernels {
    private GraphKernels() {
    }

    /** y = a * x over the first n elements. */
    @Kernel
    static void scale(float[] x, float[] y, float a, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            y[i] = a * x[i];
        }
    }

    /** out = a + b over out's length. */
    @Kernel
    static void add(float[] a, float[] b, float[] out) {
        for (@Parallel int i = 0; i < out.length; i++) {
            out[i] = a[i] + b[i];
        }
    }

    /** out[i][j] = a[i] * b[j] for i < n, j < m: two nested parallel loops, a 2-D grid. */
    @Kernel
    static void outer(float[] a, float[] b, float[] out, int n, int m) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < m; j++) {
                out[i * m + j] = a[i] * b[j];
            }
        }
    }

    /** sums[j] = the sum of column j over the first {@code rows} rows of a row-major cache. */
    @Kernel
    static void columnSums(KernelContext ctx, float[] cache, float[] sums, int rows) {
        int j = ctx.globalIdx;
        if (j < sums.length) {
            float s = 0.0f;
            for (int r = 0; r < rows; r++) {
                s += cache[r * sums.length + j];
            }
            sums[j] = s;
        }
    }

    /** sums[g] = the sum of x[0, n) over work-group g's slice of 128: a tree in local memory. */
    @Kernel
    static void blockSums(KernelContext ctx, float[] x, float[] sums, int n) {
        float[] partial = ctx.allocateFloatLocalArray(128);
        int lid = ctx.localIdx;
        int i = ctx.globalIdx;
        partial[lid] = i < n ? x[i] : 0.0f;
        for (int stride = 64; stride > 0; stride /= 2) {
            ctx.localBarrier();
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
        }
        if (lid == 0) {
            sums[ctx.groupIdx] = partial[0];
        }
    }

    /**
     * One link of a chain of dependent launches: {@code out[i] = in[i · stride mod n] + 1}, a
     * work-item per element, written after {@code spin} dependent multiply-adds (x ← x/2 + 1
     * from 1, exactly 2 after 24 of them; spin ≥ 24). With {@code stride} prime to n, each work-group reads
     * elements that many work-groups of the launch before wrote, late: a launch that began before
     * its predecessor ended and did not wait for it would read stale values.
     */
    @Kernel
    static void chainLink(KernelContext ctx, int[] in, int[] out, int stride, int spin) {
        int i = ctx.globalIdx;
        int n = out.length;
        float x = 1.0f;
        for (int k = 0; k < spin; k++) {
            x = x * 0.5f + 1.0f;
        }
        if (i < n) {
            out[i] = in[(int) ((long) i * stride % n)] + (int) x - 1;
        }
    }

    /** Not a kernel: what a task given it must say. */
    static void notAKernel(float[] x) {
    }
}
