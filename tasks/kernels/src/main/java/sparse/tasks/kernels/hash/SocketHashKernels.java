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
     * The query's bucket probabilities as two factor tables per head and table:
     * {@code high [hq][tables][2^(bits - bits/2)]}, {@code low [hq][tables][2^(bits/2)]}; each
     * entry the product of {@code σ(c_p · y_p)} over its bits, {@code c_p = +1} where the
     * entry's bit is set, −1 where not, and {@code y_p = scale · tanh(⟨q, w_p⟩)} with
     * {@code scale = 2 / (√d · tau)}. Each entry computes the few projections it needs.
     */
    @Kernel
    public static void queryTables(float[] q, float[] planes, float[] high, float[] low, int hq, int d, int tables,
                                   int bits, float scale) {
        int lowBits = bits / 2;
        int highBits = bits - lowBits;
        int highSize = 1 << highBits;
        int lowSize = 1 << lowBits;
        for (@Parallel int i = 0; i < hq * tables * (highSize + lowSize); i++) {
            int hl = i / (highSize + lowSize);
            int e = i - hl * (highSize + lowSize);
            int h = hl / tables;
            int firstPlane = (hl - h * tables) * bits;
            if (e < highSize) {
                high[hl * highSize + e] = cornerProbability(q, h * d, planes, firstPlane, e, highBits, d, scale);
            } else {
                low[hl * lowSize + e - highSize] = cornerProbability(q, h * d, planes, firstPlane + highBits, e - highSize,
                        lowBits, d, scale);
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

    /**
     * Π over the {@code count} bits whose planes start at {@code firstPlane} of σ(±y),
     * {@code y = scale · tanh(⟨q, w⟩)}, signs from {@code corner}'s bits (big-endian).
     */
    static float cornerProbability(float[] q, int qBase, float[] planes, int firstPlane, int corner, int count, int d,
                                   float scale) {
        float product = 1f;
        for (int p = 0; p < count; p++) {
            int wBase = (firstPlane + p) * d;
            float z = 0f;
            for (int i = 0; i < d; i++) {
                z += q[qBase + i] * planes[wBase + i];
            }
            float y = scale * KernelMath.tanh(z);
            if (((corner >> (count - 1 - p)) & 1) == 0) {
                y = -y;
            }
            product *= 1f / (1f + KernelMath.exp(-y));
        }
        return product;
    }
}
