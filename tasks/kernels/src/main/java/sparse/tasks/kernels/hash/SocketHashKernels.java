package sparse.tasks.kernels.hash;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * SOCKET hashing (ALGORITHMS.md §1): hard codes and value norms for keys on append, and the
 * query's bucket probabilities as a table per list row and hash table.
 *
 * <p>Shapes: planes {@code [tables][bits][d]}; keys and values fp16 {@code [hkv][capacity][d]};
 * value norms {@code [hkv][capacity]}. Codes are big-endian (bit p of table l has weight
 * {@code 2^(bits-1-p)}) and packed into 32-bit words, {@link #codesPerWord} consecutive tokens
 * of one table per word, the first token in the lowest bits: {@code [hkv][tables][wordsPerRow]}
 * with {@code wordsPerRow = ⌈capacity / codesPerWord⌉}. A byte per code up to 8 bits, two
 * above; scoring reads a word for several tokens at once.
 *
 * <p>Bucket tables {@code [rows][tables][2^bits]}: row r holds the query heads
 * {@code [r·g, (r+1)·g)}, {@code g = hq / rows} (one head per row, or a KV-head group summed for
 * the shared list), and entry {@code c} the sum over those heads of the probability of bucket
 * c, built from the product form: {@code Π_p σ(±y_p)}, {@code y_p = scale · tanh(⟨q, w_p⟩)},
 * {@code scale = 2 / (√d · tau)}, + where bit p of c is set. No key ever loops over buckets:
 * each step builds the table once, and a key's score is one look-up per table.
 */
public final class SocketHashKernels {
    private SocketHashKernels() {
    }

    /** Work-items per group of {@link #bucketTables}. */
    public static final int TABLE_GROUP = 256;
    /** Work-items that sum one projection of {@link #bucketTables} together. */
    static final int DOT_LANES = 8;
    /** The most (head, bit) pairs of one row and table that {@link #bucketTables} holds on chip. */
    public static final int MAX_ROW_BITS = 1024;
    /**
     * Split tables ({@link #bucketTables} with {@code split = 1}): per head and table, the high
     * half's {@code HALF_SIZE} entries, then the low half's; halves of at most 5 bits, so at
     * most {@link #MAX_SPLIT_BITS} bits a table.
     */
    public static final int HALF_SIZE = 32;
    public static final int SPLIT_ENTRIES = 2 * HALF_SIZE;
    public static final int MAX_SPLIT_BITS = 10;

    /** Codes per 32-bit word: four bytes up to 8 bits, two shorts above (up to 16). */
    public static int codesPerWord(int bits) {
        return bits <= 8 ? 4 : 2;
    }

    /** Words per row of one KV head and table. */
    public static int wordsPerRow(int capacity, int bits) {
        return (capacity + codesPerWord(bits) - 1) / codesPerWord(bits);
    }

    /**
     * Codes of tokens {@code [from, from + count)} of every KV head: one work-item per word that
     * holds any of them and per (KV head, table), which rewrites the word with the tokens it
     * holds outside the range kept as they were.
     */
    @Kernel
    public static void keyCodes(short[] k, float[] planes, int[] codeWords, int hkv, int capacity, int d, int tables,
                                int bits, int from, int count) {
        int perWord = codesPerWord(bits);
        int width = 32 / perWord;
        int codeMask = (1 << width) - 1;
        int wordsPerRow = wordsPerRow(capacity, bits);
        int firstWord = from / perWord;
        int words = (from + count + perWord - 1) / perWord - firstWord;
        for (@Parallel int i = 0; i < words; i++) {
            for (@Parallel int hl = 0; hl < hkv * tables; hl++) {
                int h = hl / tables;
                int l = hl - h * tables;
                int at = hl * wordsPerRow + firstWord + i;
                int word = codeWords[at];
                for (int s = 0; s < perWord; s++) {
                    int t = (firstWord + i) * perWord + s;
                    if (t >= from && t < from + count) {
                        int c = code(k, (h * capacity + t) * d, planes, l * bits * d, bits, d);
                        word = (word & ~(codeMask << (s * width))) | (c << (s * width));
                    }
                }
                codeWords[at] = word;
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
     * The bucket tables of one step (see the class comment): a work-group of
     * {@link #TABLE_GROUP} per (row, table), {@code groupIdx = row · tables + table}. Its
     * work-items first put {@code σ(y)} and {@code σ(−y)} of each of the row's heads and bits
     * on chip (at most {@link #MAX_ROW_BITS} pairs), each projection summed by
     * {@link #DOT_LANES} work-items over interleaved channels (a dot product per work-item was
     * a chain of d dependent loads, the step's slowest part); then each fills buckets, a
     * product over the bits per head.
     *
     * <p>With {@code split = 1} (one head per row, at most {@link #MAX_SPLIT_BITS} bits) it
     * writes the product form split at the code's low {@code bits / 2} bits instead,
     * {@code [rows][tables][SPLIT_ENTRIES]}: entry {@code a} of the high half is the product
     * over the high bits, entry {@code b} of the low half over the low bits, each half
     * repeating every {@code 2^width} entries, so that
     * {@code Prob(c) = high[c >> (bits/2)] · low[c & (2^(bits/2) − 1)]} and a look-up may leave
     * higher bits in its index modulo HALF_SIZE (ScoreKernels.splitTableScores does).
     */
    @Kernel
    public static void bucketTables(KernelContext ctx, float[] q, float[] planes, float[] bucketTables, int hq, int rows,
                                    int d, int tables, int bits, float scale, int split) {
        float[] up = ctx.allocateFloatLocalArray(MAX_ROW_BITS);
        float[] down = ctx.allocateFloatLocalArray(MAX_ROW_BITS);
        float[] partial = ctx.allocateFloatLocalArray(TABLE_GROUP);
        int row = ctx.groupIdx / tables;
        int l = ctx.groupIdx - row * tables;
        int heads = hq / rows;
        int t = ctx.localIdx;
        int lane = t % DOT_LANES;
        int dotsPerRound = TABLE_GROUP / DOT_LANES;
        for (int first = 0; first < heads * bits; first += dotsPerRound) {
            int i = first + t / DOT_LANES;
            float z = 0f;
            if (i < heads * bits) {
                int h = row * heads + i / bits;
                int wBase = (l * bits + i - (i / bits) * bits) * d;
                for (int c = lane; c < d; c += DOT_LANES) {
                    z += q[h * d + c] * planes[wBase + c];
                }
            }
            partial[t] = z;
            ctx.localBarrier();
            if (lane == 0 && i < heads * bits) {
                float dot = 0f;
                for (int k = 0; k < DOT_LANES; k++) {
                    dot += partial[t + k];
                }
                float y = scale * KernelMath.tanh(dot);
                up[i] = 1f / (1f + KernelMath.exp(-y));
                down[i] = 1f / (1f + KernelMath.exp(y));
            }
            ctx.localBarrier();
        }
        if (split == 1) {
            int lowBits = bits / 2;
            int highBits = bits - lowBits;
            for (int c = t; c < SPLIT_ENTRIES; c += TABLE_GROUP) {
                int half = c / HALF_SIZE;
                int e = c - half * HALF_SIZE;
                int width = lowBits;
                int firstBit = highBits;
                if (half == 0) {
                    width = highBits;
                    firstBit = 0;
                }
                // the half repeats every 2^width entries
                int entry = e & ((1 << width) - 1);
                float product = 1f;
                for (int p = 0; p < width; p++) {
                    if (((entry >> (width - 1 - p)) & 1) == 1) {
                        product *= up[firstBit + p];
                    } else {
                        product *= down[firstBit + p];
                    }
                }
                bucketTables[(row * tables + l) * SPLIT_ENTRIES + c] = product;
            }
        } else {
            int buckets = 1 << bits;
            for (int c = t; c < buckets; c += TABLE_GROUP) {
                float sum = 0f;
                for (int h = 0; h < heads; h++) {
                    float product = 1f;
                    for (int p = 0; p < bits; p++) {
                        if (((c >> (bits - 1 - p)) & 1) == 1) {
                            product *= up[h * bits + p];
                        } else {
                            product *= down[h * bits + p];
                        }
                    }
                    sum += product;
                }
                bucketTables[(row * tables + l) * buckets + c] = sum;
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
}
