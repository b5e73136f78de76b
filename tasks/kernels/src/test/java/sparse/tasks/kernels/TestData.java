package sparse.tasks.kernels;

import java.util.SplittableRandom;

/** Random inputs and error measures for kernel tests. */
public final class TestData {
    private TestData() {
    }

    /** A fresh seed, printed so that a failure can be replayed. */
    public static long seed(String test) {
        long seed = System.nanoTime();
        System.out.println(test + ": seed " + seed);
        return seed;
    }

    /** N(0, scale²) values rounded to fp16 bits. */
    public static short[] halfs(SplittableRandom r, int n, double scale) {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.floatToFloat16((float) (r.nextGaussian() * scale));
        }
        return a;
    }

    public static float[] floats(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    public static float[] poisonedFloats(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, Float.NaN);
        return a;
    }

    public static int[] poisonedInts(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 0xDEADBEEF);
        return a;
    }

    /** ‖out − ref‖ / ‖ref‖ over {@code n} elements from the given offsets; NaN anywhere gives NaN. */
    public static double relativeError(float[] out, int outOffset, double[] ref, int refOffset, int n) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double e = out[outOffset + i] - ref[refOffset + i];
            diff += e * e;
            norm += ref[refOffset + i] * ref[refOffset + i];
        }
        return Math.sqrt(diff / norm);
    }

    public static double relativeError(float[] out, double[] ref) {
        if (out.length != ref.length) {
            throw new IllegalArgumentException(out.length + " outputs for " + ref.length + " reference values");
        }
        return relativeError(out, 0, ref, 0, ref.length);
    }
}
