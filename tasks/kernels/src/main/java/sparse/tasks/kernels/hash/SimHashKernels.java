package sparse.tasks.kernels.hash;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Hard SimHash codes for MagicPIG-style LSH sampling (ALGORITHMS.md §3): keys are centred by
 * the mean key of their head before hashing; queries are hashed as they are.
 *
 * <p>Shapes: planes {@code [tables][bits][d]}; keys fp16 {@code [hkv][capacity][d]}; mean
 * {@code [hkv][d]}; key codes {@code [hkv][tables][capacity]}, query codes {@code [hq][tables]},
 * one short per table (bits ≤ 16), big-endian as in SOCKET.
 */
public final class SimHashKernels {
    private SimHashKernels() {
    }

    /**
     * The mean of the first {@code n} keys of every KV head. With {@code n = 0} the mean is left
     * as it is: it is taken once, over the context cached when hashing starts, and keys
     * appended later are centred by that same mean (as MagicPIG does).
     */
    @Kernel
    public static void keyMean(short[] k, float[] mean, int hkv, int capacity, int d, int n) {
        for (@Parallel int i = 0; i < hkv * d; i++) {
            if (n > 0) {
                int h = i / d;
                int c = i - h * d;
                float sum = 0f;
                for (int t = 0; t < n; t++) {
                    sum += KernelMath.halfToFloat(k[(h * capacity + t) * d + c]);
                }
                mean[i] = sum / n;
            }
        }
    }

    /** Codes of the centred keys {@code k - mean} of tokens {@code [from, from + count)} of every KV head. */
    @Kernel
    public static void centredKeyCodes(short[] k, float[] mean, float[] planes, short[] codes, int hkv, int capacity,
                                       int d, int tables, int bits, int from, int count) {
        for (@Parallel int i = 0; i < count; i++) {
            for (@Parallel int hl = 0; hl < hkv * tables; hl++) {
                int h = hl / tables;
                int l = hl - h * tables;
                int kBase = (h * capacity + from + i) * d;
                int c = 0;
                for (int p = 0; p < bits; p++) {
                    int wBase = (l * bits + p) * d;
                    float z = 0f;
                    for (int e = 0; e < d; e++) {
                        z += (KernelMath.halfToFloat(k[kBase + e]) - mean[h * d + e]) * planes[wBase + e];
                    }
                    c = c * 2;
                    if (z >= 0f) {
                        c = c + 1;
                    }
                }
                codes[hl * capacity + from + i] = (short) c;
            }
        }
    }

    /** Codes of every query head in every table. */
    @Kernel
    public static void queryCodes(float[] q, float[] planes, short[] codes, int hq, int d, int tables, int bits) {
        for (@Parallel int i = 0; i < hq * tables; i++) {
            int h = i / tables;
            int l = i - h * tables;
            int c = 0;
            for (int p = 0; p < bits; p++) {
                int wBase = (l * bits + p) * d;
                float z = 0f;
                for (int e = 0; e < d; e++) {
                    z += q[h * d + e] * planes[wBase + e];
                }
                c = c * 2;
                if (z >= 0f) {
                    c = c + 1;
                }
            }
            codes[i] = (short) c;
        }
    }
}
