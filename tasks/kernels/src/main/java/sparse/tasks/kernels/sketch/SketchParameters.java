package sparse.tasks.kernels.sketch;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The fixed randomness of one layer's subsampled randomized Hadamard transform: random signs
 * over the padded dimension and a random subset of kept coordinates, shared by queries, keys
 * and all heads of the layer (ALGORITHMS.md §2).
 *
 * <p>The transform is {@code x ↦ scale · (H · diag(signs) · pad(x))[keep]} with H the
 * unnormalised Walsh–Hadamard matrix and {@code scale = (1/√n) · 1/√(n/m)}: the orthonormal
 * Hadamard transform (so that m = n is an exact rotation), then the spec's subsampling
 * factor 1/√(n/m).
 *
 * @param d     head dimension
 * @param n     padded dimension, the smallest power of two ≥ d
 * @param m     kept coordinates, 1 ≤ m ≤ n
 * @param signs ±1 per padded coordinate, length n
 * @param keep  kept coordinates in ascending order, length m
 * @param scale the factor applied after the unnormalised transform
 */
public record SketchParameters(int d, int n, int m, float[] signs, int[] keep, float scale) {

    public SketchParameters {
        if (signs.length != n || keep.length != m) {
            throw new IllegalArgumentException("signs must have n = " + n + " entries and keep m = " + m);
        }
    }

    /** The smallest power of two ≥ d. */
    public static int paddedDim(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("head dimension must be ≥ 1, not " + d);
        }
        int n = 1;
        while (n < d) {
            n *= 2;
        }
        return n;
    }

    /**
     * The parameters of layer {@code layer} for a run seeded with {@code seed}; m = 0 means
     * m = n (the exact rotation).
     */
    public static SketchParameters of(int d, int m, long seed, int layer) {
        int n = paddedDim(d);
        int kept = m == 0 ? n : m;
        if (kept < 1 || kept > n) {
            throw new IllegalArgumentException("sketchDim m = " + m + " must be in [1, " + n
                    + "] (the head dimension " + d + " padded to a power of two), or 0 for " + n);
        }
        if (n > SketchKernels.MAX_PADDED_DIM) {
            throw new IllegalArgumentException("head dimension " + d + " pads to " + n
                    + ", above the sketch kernel's limit of " + SketchKernels.MAX_PADDED_DIM);
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + layer);
        float[] signs = new float[n];
        for (int i = 0; i < n; i++) {
            signs[i] = random.nextBoolean() ? 1.0f : -1.0f;
        }
        // a random m-subset: the first m of a Fisher–Yates shuffle, sorted
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = 0; i < kept; i++) {
            int swap = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[swap];
            order[swap] = t;
        }
        int[] keep = Arrays.copyOf(order, kept);
        Arrays.sort(keep);
        float scale = (float) (1.0 / Math.sqrt(n) / Math.sqrt((double) n / kept));
        return new SketchParameters(d, n, kept, signs, keep, scale);
    }
}
