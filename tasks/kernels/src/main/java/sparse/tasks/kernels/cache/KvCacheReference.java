package sparse.tasks.kernels.cache;

/** Reference of {@link KvCacheKernels}: exact, as fp16 rounding is (to nearest, ties to even). */
public final class KvCacheReference {
    private KvCacheReference() {
    }

    /** Writes {@code row} ({@code [hkv][d]}) as position {@code pos} of {@code cache} ({@code [hkv][capacity][d]}). */
    public static void appendRow(float[] row, short[] cache, int hkv, int capacity, int d, int pos) {
        for (int h = 0; h < hkv; h++) {
            for (int i = 0; i < d; i++) {
                cache[(h * capacity + pos) * d + i] = Float.floatToFloat16(row[h * d + i]);
            }
        }
    }
}
