package sparse.tasks.kernels.cache;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * The key/value cache of one layer: fp16 bits in {@code [hkv][capacity][d]}, the layout the
 * attention kernels and {@code LayerCache} use.
 */
public final class KvCacheKernels {
    private KvCacheKernels() {
    }

    /**
     * Stores the current token's key and value ({@code [hkv][d]}, float32) as row {@code pos}
     * of every head, rounded to fp16 (to nearest, ties to even); one work-item per element.
     */
    @Kernel
    public static void appendRow(float[] k, float[] v, short[] keyCache, short[] valueCache, int hkv, int capacity,
                                 int d, int pos) {
        for (@Parallel int i = 0; i < hkv * d; i++) {
            int h = i / d;
            int dst = (h * capacity + pos) * d + (i - h * d);
            keyCache[dst] = KernelMath.floatToHalf(k[i]);
            valueCache[dst] = KernelMath.floatToHalf(v[i]);
        }
    }
}
