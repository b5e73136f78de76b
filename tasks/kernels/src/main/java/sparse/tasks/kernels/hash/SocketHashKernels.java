package sparse.tasks.kernels.hash;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * SOCKET hashing (ALGORITHMS.md §1): hard codes and value norms for keys on append, and the
 * query's bucket probabilities as two factor tables per hash table.
 *
 * <p>Shapes: planes {@code [tables][bits][d]}; keys and values fp16 {@code [hkv][capacity][d]};
 * codes {@code [hkv][tables][capacity]} (table-major, so that scoring reads consecutive
 * tokens); value norms {@code [hkv][capacity]}. Codes are big-endian: bit p of table l has
 * weight {@code 2^(bits-1-p)}.
 *
 * <p>Probability tables: the P bits split into a high part of {@code bits - bits/2} bits and a
 * low part of {@code bits/2} bits; {@code high[h][l][code >> lowBits] * low[h][l][code & lowMask]}
 * is the query's probability of bucket {@code code} in table l.
 */
public final class SocketHashKernels {
    private SocketHashKernels() {
    }

    /** Codes of tokens {@code [from, from + count)} of every KV head, one byte per table (bits ≤ 8). */
    @Kernel
    public static void keyCodesAsBytes(short[] k, float[] planes, byte[] codes, int hkv, int capacity, int d,
                                       int tables, int bits, int from, int count) {
        for (@Parallel int i = 0; i < count; i++) {
            for (@Parallel int hl = 0; hl < hkv * tables; hl++) {
                int h = hl / tables;
                int l = hl - h * tables;
                int t = from + i;
                codes[hl * capacity + t] = (byte) code(k, (h * capacity + t) * d, planes, l * bits * d, bits, d);
            }
        }
    }

    /** Codes of tokens {@code [from, from + count)} of every KV head, one short per table (bits ≤ 16). */
    @Kernel
    public static void keyCodesAsShorts(short[] k, float[] planes, short[] codes, int hkv, int capacity, int d,
                                        int tables, int bits, int from, int count) {
        for (@Parallel int i = 0; i < count; i++) {
            for (@Parallel int hl = 0; hl < hkv * tables; hl++) {
                int h = hl / tables;
                int l = hl - h * tables;
                int t = from + i;
                codes[hl * capacity + t] = (short) code(k, (h * capacity + t) * d, planes, l * bits * d, bits, d);
            }
        }
    }

    /** {@code ‖v‖₂} of tokens {@code [from, from + count)} of every KV head. */
    @Kernel
    public static void valueNorms(short[] v, float[] norms, int hkv, int capacity, int d, int from, int count) {
        for (@Parallel int i = 0; i < count; i++) {
            for (@Parallel int h = 0; h < hkv; h++) {
                int row = h * capacity + from + i;
                float sum = 0f;
                for (int c = 0; c < d; c++) {
                    float x = KernelMath.halfToFloat(v[row * d + c]);
                    sum += x * x;
                }
                norms[row] = KernelMath.sqrt(sum);
            }
        }
    }

    /**
     * Per query head, table and bit: {@code y = scale · tanh(⟨q, w⟩)}, with
     * {@code scale = 2 / (√d · tau)}, so that a bucket's factor for that bit is {@code σ(±y)}.
     * Output {@code [hq][tables][bits]}.
     */
    @Kernel
    public static void queryProjections(float[] q, float[] planes, float[] projections, int hq, int d, int tables,
                                        int bits, float scale) {
        for (@Parallel int i = 0; i < hq * tables * bits; i++) {
            int h = i / (tables * bits);
            int lp = i - h * tables * bits;
            float z = 0f;
            for (int c = 0; c < d; c++) {
                z += q[h * d + c] * planes[lp * d + c];
            }
            projections[i] = scale * KernelMath.tanh(z);
        }
    }

    /**
     * The factor tables from the projections: {@code high [hq][tables][2^(bits - bits/2)]},
     * {@code low [hq][tables][2^(bits/2)]}; each entry the product of {@code σ(c_p · y_p)} over
     * its bits, {@code c_p = +1} where the entry's bit is set, −1 where not.
     */
    @Kernel
    public static void queryTables(float[] projections, float[] high, float[] low, int hq, int tables, int bits) {
        int lowBits = bits / 2;
        int highBits = bits - lowBits;
        int highSize = 1 << highBits;
        int lowSize = 1 << lowBits;
        for (@Parallel int i = 0; i < hq * tables * (highSize + lowSize); i++) {
            int hl = i / (highSize + lowSize);
            int e = i - hl * (highSize + lowSize);
            int y = hl * bits;
            if (e < highSize) {
                high[hl * highSize + e] = cornerProbability(projections, y, e, highBits);
            } else {
                low[hl * lowSize + e - highSize] = cornerProbability(projections, y + highBits, e - highSize, lowBits);
            }
        }
    }

    /** Big-endian code of one key row in one table: one dot product per bit. */
    static int code(short[] k, int kBase, float[] planes, int wBase, int bits, int d) {
        int c = 0;
        for (int p = 0; p < bits; p++) {
            float z = 0f;
            for (int i = 0; i < d; i++) {
                z += KernelMath.halfToFloat(k[kBase + i]) * planes[wBase + p * d + i];
            }
            c = c * 2;
            if (z >= 0f) {
                c = c + 1;
            }
        }
        return c;
    }

    /** Π over the {@code count} bits starting at {@code projections[first]} of σ(±y), signs from {@code corner}'s bits (big-endian). */
    static float cornerProbability(float[] projections, int first, int corner, int count) {
        float product = 1f;
        for (int p = 0; p < count; p++) {
            float y = projections[first + p];
            if (((corner >> (count - 1 - p)) & 1) == 0) {
                y = -y;
            }
            product *= 1f / (1f + KernelMath.exp(-y));
        }
        return product;
    }
}
