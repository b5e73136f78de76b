package sparse.tasks.kernels.select;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Index lists of the keys to attend, one row per query head (or per KV head when a group
 * shares its list): ascending positions, each once, as {@code sink [0, S)}, then the selected
 * candidates of {@code [S, n − W)}, then {@code window [n − W, n)}. {@code counts[row]} is the
 * row's length; rows are {@code listStride} apart.
 *
 * <p>The context kernels run one work-group of {@link #GROUP} work-items per row.
 */
public final class SelectKernels {
    private SelectKernels() {
    }

    /** Work-items per group of the context kernels, and radix buckets per pass (8-bit digits). */
    public static final int GROUP = 256;
    static final int SIGN = 0x80000000;

    /** Sink and window only (StreamingLLM); with {@code sink = n, window = 0}, every position (dense). */
    @Kernel
    public static void sinkAndWindow(int[] indices, int[] counts, int rows, int listStride, int n, int sink,
                                     int window) {
        for (@Parallel int slot = 0; slot < sink + window; slot++) {
            for (@Parallel int row = 0; row < rows; row++) {
                int position = slot;
                if (slot >= sink) {
                    position = n - window + slot - sink;
                }
                indices[row * listStride + slot] = position;
                if (slot == 0) {
                    counts[row] = sink + window;
                }
            }
        }
    }

    /**
     * Sink, window and the exact top {@code heavy} scores of the candidates between them
     * (ties broken by the lower position), by a radix select over the scores' bits: four
     * passes of an 8-bit histogram in local memory find the M-th largest score, then one
     * ordered pass keeps every larger score and the first tied ones. Not a sort: each pass
     * reads the row once. Scores are {@code [rows][scoreStride]}.
     */
    @Kernel
    public static void selectTopM(KernelContext ctx, float[] scores, int[] indices, int[] counts, int scoreStride,
                                  int listStride, int n, int sink, int window, int heavy) {
        int[] table = ctx.allocateIntLocalArray(GROUP);
        int[] found = ctx.allocateIntLocalArray(2);
        int t = ctx.localIdx;
        int scoreBase = ctx.groupIdx * scoreStride;
        int listBase = ctx.groupIdx * listStride;
        int begin = sink;
        int end = n - window;
        int take = KernelMath.min(heavy, end - begin);
        boolean takeAll = take == end - begin;

        // The take-th largest order key, and how many scores equal to it are kept.
        int threshold = 0;
        int tiesKept = 0;
        if (!takeAll && take > 0) {
            int prefix = 0;
            int mask = 0;
            int need = take;
            for (int shift = 24; shift >= 0; shift -= 8) {
                table[t] = 0;
                ctx.localBarrier();
                for (int j = begin + t; j < end; j += GROUP) {
                    int u = orderKey(scores[scoreBase + j]) ^ SIGN;
                    if ((u & mask) == prefix) {
                        ctx.atomicAdd(table, (u >> shift) & 0xFF, 1);
                    }
                }
                ctx.localBarrier();
                if (t == 0) {
                    // walk the buckets from the largest digit down to the one holding the need-th key
                    int above = 0;
                    int bucket = -1;
                    for (int b = GROUP - 1; b >= 0; b--) {
                        if (bucket < 0) {
                            if (above + table[b] >= need) {
                                bucket = b;
                            } else {
                                above += table[b];
                            }
                        }
                    }
                    found[0] = bucket;
                    found[1] = need - above;
                }
                ctx.localBarrier();
                prefix = prefix | (found[0] << shift);
                mask = mask | (0xFF << shift);
                need = found[1];
                ctx.localBarrier();
            }
            threshold = prefix ^ SIGN;
            tiesKept = need;
        }

        // Ordered compaction, one tile of GROUP candidates at a time: a scan of (larger, tied)
        // flag pairs gives each kept candidate its output slot.
        int tiesBefore = 0;
        int written = 0;
        for (int tile = begin; tile < end; tile += GROUP) {
            int j = tile + t;
            int larger = 0;
            int tied = 0;
            if (j < end) {
                if (takeAll) {
                    larger = 1;
                } else if (take > 0) {
                    int key = orderKey(scores[scoreBase + j]);
                    if (key > threshold) {
                        larger = 1;
                    } else if (key == threshold) {
                        tied = 1;
                    }
                }
            }
            table[t] = (larger << 16) | tied;
            ctx.localBarrier();
            for (int offset = 1; offset < GROUP; offset *= 2) {
                int add = 0;
                if (t >= offset) {
                    add = table[t - offset];
                }
                ctx.localBarrier();
                table[t] += add;
                ctx.localBarrier();
            }
            int inclusive = table[t];
            int total = table[GROUP - 1];
            int tiesLeft = KernelMath.max(0, tiesKept - tiesBefore);
            int largerBeforeMe = (inclusive >> 16) - larger;
            int tiedBeforeMe = (inclusive & 0xFFFF) - tied;
            if (larger == 1 || (tied == 1 && tiedBeforeMe < tiesLeft)) {
                indices[listBase + sink + written + largerBeforeMe + KernelMath.min(tiedBeforeMe, tiesLeft)] = j;
            }
            written += (total >> 16) + KernelMath.min(total & 0xFFFF, tiesLeft);
            tiesBefore += total & 0xFFFF;
            ctx.localBarrier();
        }

        for (int s = t; s < sink; s += GROUP) {
            indices[listBase + s] = s;
        }
        for (int w = t; w < window; w += GROUP) {
            indices[listBase + sink + take + w] = end + w;
        }
        if (t == 0) {
            counts[ctx.groupIdx] = sink + take + window;
        }
    }

    /**
     * Sink, window and every candidate whose code equals the query's in at least one table
     * (MagicPIG-style hard LSH). One row per query head; codes as in SimHashKernels
     * ({@code keyCodes [hkv][tables][capacity]}, {@code queryCodes [hq][tables]}).
     */
    @Kernel
    public static void selectColliding(KernelContext ctx, short[] keyCodes, short[] queryCodes, int[] indices,
                                       int[] counts, int hq, int hkv, int capacity, int tables, int listStride, int n,
                                       int sink, int window) {
        int[] table = ctx.allocateIntLocalArray(GROUP);
        int t = ctx.localIdx;
        int h = ctx.groupIdx;
        int kv = h / (hq / hkv);
        int listBase = h * listStride;
        int end = n - window;
        int written = 0;
        for (int tile = sink; tile < end; tile += GROUP) {
            int j = tile + t;
            int hit = 0;
            if (j < end) {
                for (int l = 0; l < tables; l++) {
                    if (keyCodes[(kv * tables + l) * capacity + j] == queryCodes[h * tables + l]) {
                        hit = 1;
                    }
                }
            }
            table[t] = hit;
            ctx.localBarrier();
            for (int offset = 1; offset < GROUP; offset *= 2) {
                int add = 0;
                if (t >= offset) {
                    add = table[t - offset];
                }
                ctx.localBarrier();
                table[t] += add;
                ctx.localBarrier();
            }
            if (hit == 1) {
                indices[listBase + sink + written + table[t] - 1] = j;
            }
            written += table[GROUP - 1];
            ctx.localBarrier();
        }

        for (int s = t; s < sink; s += GROUP) {
            indices[listBase + s] = s;
        }
        for (int w = t; w < window; w += GROUP) {
            indices[listBase + sink + written + w] = end + w;
        }
        if (t == 0) {
            counts[h] = sink + written + window;
        }
    }

    /** Float bits as an int whose signed order is the float order (−0 below +0; no NaN expected). */
    static int orderKey(float x) {
        int bits = KernelMath.floatToIntBits(x);
        if (bits < 0) {
            bits = bits ^ 0x7FFFFFFF;
        }
        return bits;
    }
}
