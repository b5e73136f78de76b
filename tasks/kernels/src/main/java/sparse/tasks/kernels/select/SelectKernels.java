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

    /** Work-items per group of the context kernels, and radix buckets per pass (8-bit digits) of {@link #selectTopM}. */
    public static final int GROUP = 256;
    static final int SIGN = 0x80000000;
    /**
     * {@link #radixSelectPass}: the order key's digits, most significant first (11, 11 and 10
     * bits), one histogram of {@code BINS} counters per digit and row; state per row of
     * {@code (prefix, need)} after each digit.
     */
    public static final int RADIX_DIGITS = 3;
    public static final int BINS = 2048;
    public static final int STATE_PER_ROW = 2 * (RADIX_DIGITS + 1);
    /** Bins of the histogram that each work-item sums when looking for the bin of the need-th key. */
    static final int BINS_PER_ITEM = BINS / GROUP;
    /**
     * Candidates per work-item per round of {@link #radixSelectPass} and {@link #radixScatter}:
     * their loads are issued together, so that the passes over scores in L2 do not wait on one
     * load at a time; the scatter's scans cover this many times fewer tiles. The kernels spell
     * the four out.
     */
    static final int LOADS = 4;

    /**
     * Sink and window only (StreamingLLM); with {@code sink = n, window = 0}, every position
     * (dense). Needs {@code sink + window ≥ 1}: the first slot's work-items write the counts.
     */
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

    /**
     * One pass of the top-M select that {@link #radixScatter} finishes, spread over many
     * work-groups: grid {@code chunks × GROUP} by rows, chunk c of a row covering candidates
     * {@code [sink + c · chunk, sink + (c + 1) · chunk)} below {@code n − window}. Passes run in
     * order 0 to {@link #RADIX_DIGITS}, each a launch: pass p &lt; RADIX_DIGITS adds the
     * histogram of digit p, over the candidates whose earlier digits match, into
     * {@code histograms[row][p]}; every pass p &gt; 0 first finds, in each work-group, the bin of
     * digit p − 1 that holds the need-th largest key (work-group 0 records it in {@code state});
     * the last pass then counts each chunk's keys above and equal to the M-th largest into
     * {@code chunkCounts[row][c]}. Each histogram is zeroed two passes after it was filled,
     * ready for the next step: histograms must hold zeros before the first.
     *
     * <p>Shapes: scores {@code [rows][scoreStride]}, histograms {@code [rows][RADIX_DIGITS][BINS]},
     * state {@code [rows][STATE_PER_ROW]}, chunkCounts {@code [rows][chunks][2]}.
     */
    @Kernel
    public static void radixSelectPass(KernelContext ctx, float[] scores, int[] histograms, int[] state,
                                       int[] chunkCounts, int scoreStride, int n, int sink, int window, int heavy,
                                       int chunk, int chunks, int pass) {
        int[] table = ctx.allocateIntLocalArray(BINS);
        int[] sums = ctx.allocateIntLocalArray(GROUP);
        int[] found = ctx.allocateIntLocalArray(2);
        int t = ctx.localIdx;
        int c = ctx.groupIdx;
        int row = ctx.groupIdy;
        int end = n - window;
        int take = KernelMath.min(heavy, end - sink);
        boolean search = take > 0 && take < end - sink;
        int from = sink + c * chunk;
        int to = KernelMath.min(from + chunk, end);
        int scoreBase = row * scoreStride;
        int rowHistograms = row * RADIX_DIGITS * BINS;
        int rowState = row * STATE_PER_ROW;

        // the digits found so far, and how many keys the rest of the search must still take
        int prefix = 0;
        int need = take;
        if (pass >= 2) {
            prefix = state[rowState + 2 * (pass - 1)];
            need = state[rowState + 2 * (pass - 1) + 1];
        }
        if (pass >= 1 && search) {
            // the bin of digit pass - 1 holding the need-th largest key: the histogram copied to
            // local memory with each work-item's sum of its bins, a suffix scan of the sums, then
            // one work-item walks its own bins there (a walk through global memory is a chain of
            // dependent loads)
            int histogram = rowHistograms + (pass - 1) * BINS;
            int first = t * BINS_PER_ITEM;
            int own = 0;
            for (int b = first; b < first + BINS_PER_ITEM; b++) {
                int count = histograms[histogram + b];
                table[b] = count;
                own += count;
            }
            sums[t] = own;
            ctx.localBarrier();
            for (int offset = 1; offset < GROUP; offset *= 2) {
                int add = 0;
                if (t + offset < GROUP) {
                    add = sums[t + offset];
                }
                ctx.localBarrier();
                sums[t] += add;
                ctx.localBarrier();
            }
            int above = sums[t] - own;
            if (above < need && above + own >= need) {
                int b = first + BINS_PER_ITEM - 1;
                while (above + table[b] < need) {
                    above += table[b];
                    b--;
                }
                found[0] = b;
                found[1] = need - above;
            }
            ctx.localBarrier();
            prefix = prefix | (found[0] << digitShift(pass - 1));
            need = found[1];
            if (c == 0 && t == 0) {
                state[rowState + 2 * pass] = prefix;
                state[rowState + 2 * pass + 1] = need;
            }
            ctx.localBarrier();
        }
        if (pass >= 2) {
            // the histogram that pass - 1 read: zero for the next step
            int zeroed = rowHistograms + (pass - 2) * BINS;
            for (int b = c * GROUP + t; b < BINS; b += chunks * GROUP) {
                histograms[zeroed + b] = 0;
            }
        }

        if (pass < RADIX_DIGITS) {
            if (search) {
                for (int b = t; b < BINS; b += GROUP) {
                    table[b] = 0;
                }
                ctx.localBarrier();
                int shift = digitShift(pass);
                int mask = matchedMask(pass);
                int digitMask = (1 << digitBits(pass)) - 1;
                // four scores loaded before their atomics, so that four loads are in flight
                for (int j = from + t; j < to; j += LOADS * GROUP) {
                    int u0 = orderKey(scores[scoreBase + j]) ^ SIGN;
                    int u1 = orderKey(scoreOrZero(scores, scoreBase, j + GROUP, to)) ^ SIGN;
                    int u2 = orderKey(scoreOrZero(scores, scoreBase, j + 2 * GROUP, to)) ^ SIGN;
                    int u3 = orderKey(scoreOrZero(scores, scoreBase, j + 3 * GROUP, to)) ^ SIGN;
                    if ((u0 & mask) == prefix) {
                        ctx.atomicAdd(table, (u0 >>> shift) & digitMask, 1);
                    }
                    if (j + GROUP < to && (u1 & mask) == prefix) {
                        ctx.atomicAdd(table, (u1 >>> shift) & digitMask, 1);
                    }
                    if (j + 2 * GROUP < to && (u2 & mask) == prefix) {
                        ctx.atomicAdd(table, (u2 >>> shift) & digitMask, 1);
                    }
                    if (j + 3 * GROUP < to && (u3 & mask) == prefix) {
                        ctx.atomicAdd(table, (u3 >>> shift) & digitMask, 1);
                    }
                }
                ctx.localBarrier();
                int histogram = rowHistograms + pass * BINS;
                for (int b = t; b < BINS; b += GROUP) {
                    int count = table[b];
                    if (count != 0) {
                        ctx.atomicAdd(histograms, histogram + b, count);
                    }
                }
            }
        } else {
            // the M-th largest key is prefix (all digits found); count this chunk's larger and tied keys
            int threshold = prefix ^ SIGN;
            int larger = 0;
            int tied = 0;
            int takeAll = 0;
            if (take == end - sink) {
                takeAll = 1;
            }
            for (int j = from + t; j < to; j += LOADS * GROUP) {
                int f0 = keepFlags(scores, scoreBase, j, to, takeAll, take, threshold);
                int f1 = keepFlags(scores, scoreBase, j + GROUP, to, takeAll, take, threshold);
                int f2 = keepFlags(scores, scoreBase, j + 2 * GROUP, to, takeAll, take, threshold);
                int f3 = keepFlags(scores, scoreBase, j + 3 * GROUP, to, takeAll, take, threshold);
                int flags = f0 + f1 + f2 + f3;
                larger += flags >> 16;
                tied += flags & 0xFFFF;
            }
            if (t < 2) {
                found[t] = 0;
            }
            ctx.localBarrier();
            ctx.atomicAdd(found, 0, larger);
            ctx.atomicAdd(found, 1, tied);
            ctx.localBarrier();
            if (t < 2) {
                chunkCounts[(row * chunks + c) * 2 + t] = found[t];
            }
        }
    }

    /**
     * The last launch of the multi-work-group top-M select ({@link #radixSelectPass} passes 0
     * to {@link #RADIX_DIGITS} before it), same grid and arguments: each chunk writes its kept
     * candidates in position order at the offset its earlier chunks' counts give; work-group 0
     * of a row writes its sink, window and count. Output as {@link #selectTopM}.
     */
    @Kernel
    public static void radixScatter(KernelContext ctx, float[] scores, int[] indices, int[] counts, int[] histograms,
                                    int[] state, int[] chunkCounts, int scoreStride, int listStride, int n, int sink,
                                    int window, int heavy, int chunk, int chunks) {
        int[] table = ctx.allocateIntLocalArray(GROUP);
        int[] before = ctx.allocateIntLocalArray(2);
        int t = ctx.localIdx;
        int c = ctx.groupIdx;
        int row = ctx.groupIdy;
        int end = n - window;
        int take = KernelMath.min(heavy, end - sink);
        boolean takeAll = take == end - sink;
        int from = sink + c * chunk;
        int to = KernelMath.min(from + chunk, end);
        int scoreBase = row * scoreStride;
        int listBase = row * listStride;
        int rowState = row * STATE_PER_ROW;
        int threshold = 0;
        int tiesKept = 0;
        if (!takeAll && take > 0) {
            threshold = state[rowState + 2 * RADIX_DIGITS] ^ SIGN;
            tiesKept = state[rowState + 2 * RADIX_DIGITS + 1];
        }
        // the last histogram, read by the last pass: zero for the next step
        int zeroed = (row * RADIX_DIGITS + RADIX_DIGITS - 1) * BINS;
        for (int b = c * GROUP + t; b < BINS; b += chunks * GROUP) {
            histograms[zeroed + b] = 0;
        }
        // larger and tied keys of the earlier chunks
        if (t < 2) {
            before[t] = 0;
        }
        ctx.localBarrier();
        int larger = 0;
        int tied = 0;
        for (int e = t; e < c; e += GROUP) {
            larger += chunkCounts[(row * chunks + e) * 2];
            tied += chunkCounts[(row * chunks + e) * 2 + 1];
        }
        ctx.atomicAdd(before, 0, larger);
        ctx.atomicAdd(before, 1, tied);
        ctx.localBarrier();
        int tiesBefore = before[1];
        int written = before[0] + KernelMath.min(before[1], tiesKept);

        // ordered compaction, one tile of LOADS · GROUP candidates at a time, LOADS consecutive
        // ones per work-item: a scan of the work-items' (larger, tied) flag sums gives each kept
        // candidate its output slot
        int all = 0;
        if (takeAll) {
            all = 1;
        }
        for (int tile = from; tile < to; tile += LOADS * GROUP) {
            int j = tile + LOADS * t;
            int f0 = keepFlags(scores, scoreBase, j, to, all, take, threshold);
            int f1 = keepFlags(scores, scoreBase, j + 1, to, all, take, threshold);
            int f2 = keepFlags(scores, scoreBase, j + 2, to, all, take, threshold);
            int f3 = keepFlags(scores, scoreBase, j + 3, to, all, take, threshold);
            int mine = f0 + f1 + f2 + f3;
            table[t] = mine;
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
            int total = table[GROUP - 1];
            int tiesLeft = KernelMath.max(0, tiesKept - tiesBefore);
            int slot = listBase + sink + written;
            // this work-item's earlier flags, then each of its four in position order
            int flagsBefore = table[t] - mine;
            flagsBefore = writeKept(indices, slot, flagsBefore, f0, j, tiesLeft);
            flagsBefore = writeKept(indices, slot, flagsBefore, f1, j + 1, tiesLeft);
            flagsBefore = writeKept(indices, slot, flagsBefore, f2, j + 2, tiesLeft);
            writeKept(indices, slot, flagsBefore, f3, j + 3, tiesLeft);
            written += (total >> 16) + KernelMath.min(total & 0xFFFF, tiesLeft);
            tiesBefore += total & 0xFFFF;
            ctx.localBarrier();
        }

        if (c == 0) {
            for (int s = t; s < sink; s += GROUP) {
                indices[listBase + s] = s;
            }
            for (int w = t; w < window; w += GROUP) {
                indices[listBase + sink + take + w] = end + w;
            }
            if (t == 0) {
                counts[row] = sink + take + window;
            }
        }
    }

    /** The score at {@code j}, or 0 past {@code to} (a load in flight whose value is not used). */
    static float scoreOrZero(float[] scores, int base, int j, int to) {
        float score = 0.0f;
        if (j < to) {
            score = scores[base + j];
        }
        return score;
    }

    /**
     * Whether candidate {@code j} (below {@code to}) scores above the M-th largest key,
     * {@code 1 << 16}, or equal to it, 1; else 0. Flags of many candidates add up to their
     * counts in the two halves.
     */
    static int keepFlags(float[] scores, int base, int j, int to, int takeAll, int take, int threshold) {
        int flags = 0;
        if (j < to) {
            if (takeAll == 1) {
                flags = 1 << 16;
            } else if (take > 0) {
                int key = orderKey(scores[base + j]);
                if (key > threshold) {
                    flags = 1 << 16;
                } else if (key == threshold) {
                    flags = 1;
                }
            }
        }
        return flags;
    }

    /**
     * Writes candidate {@code j} with keep flags {@code flags} to its slot, if kept: after the
     * {@code before} flags of earlier candidates in the tile (their sums), of whose ties only
     * {@code tiesLeft} are kept. Returns the flags so far, this candidate's added.
     */
    static int writeKept(int[] indices, int slot, int before, int flags, int j, int tiesLeft) {
        int largerBefore = before >> 16;
        int tiedBefore = before & 0xFFFF;
        if (flags == 1 << 16 || (flags == 1 && tiedBefore < tiesLeft)) {
            indices[slot + largerBefore + KernelMath.min(tiedBefore, tiesLeft)] = j;
        }
        return before + flags;
    }

    /** Chunks of {@code chunk} candidates that cover the {@code n − sink − window} of a row; at least 1. */
    public static int radixChunks(int n, int sink, int window, int chunk) {
        return KernelMath.max(1, (n - sink - window + chunk - 1) / chunk);
    }

    /** Lowest bit of digit {@code d} of the order key: 21, 10, 0. */
    static int digitShift(int d) {
        int shift = 0;
        if (d == 0) {
            shift = 21;
        } else if (d == 1) {
            shift = 10;
        }
        return shift;
    }

    static int digitBits(int d) {
        int bits = 11;
        if (d == 2) {
            bits = 10;
        }
        return bits;
    }

    /** The bits of the digits before digit {@code d}. */
    static int matchedMask(int d) {
        int mask = 0;
        if (d == 1) {
            mask = 0xFFE00000;
        } else if (d == 2) {
            mask = 0xFFFFFC00;
        }
        return mask;
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
