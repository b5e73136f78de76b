package sparse.tasks.kernels.attention;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Flash-decode of one query token over an index list of cached keys: each work-group takes
 * one chunk of a list and leaves an online-softmax partial {@code (m, l, acc)} per query head;
 * a merge combines a head's chunks by log-sum-exp. Dense attention is the same kernel over the
 * list of every position.
 *
 * <p>Shapes: q {@code [hq][d]}; K, V fp16 {@code [hkv][capacity][d]}, which the attention reads
 * as packed pairs {@code [hkv][capacity][rowInts(d)]} ({@link #packHalfPairs}; query head h reads
 * KV head {@code h / (hq / hkv)}); lists {@code [rows][listStride]} with {@code counts[rows]},
 * query head h reading row {@code h / headsPerList} (1: a list per head; hq / hkv: one per
 * group; hq: one list for all); partials {@code [hq][chunks]} and {@code [hq][chunks][d]};
 * output {@code [hq][d]}. Accumulation in fp32; d ≤ 2·{@link #PAIRS}.
 *
 * <p>The attention, {@link #decodeGroupOverIndexList}: a work-group serves every query head (up
 * to {@link #GROUP_HEADS}) that shares a KV head and a list, so that each K and V row is read
 * once for all of them. The merge, {@link #mergeChunkPartials}: a work-group per head and
 * channel slice.
 */
public final class DecodeAttentionKernels {
    private DecodeAttentionKernels() {
    }

    /** The running maximum before any key: finite, so that exp(NO_SCORE − m) is 0, never NaN. */
    static final float NO_SCORE = -3.0e38f;

    /**
     * {@link #decodeGroupOverIndexList}: query heads per work-group, keys per tile, and a
     * work-item per (head, key) of a tile. Small work-groups: the kernel needs about 96 registers
     * per work-item, and 128-item groups fill an SM's registers best (5 groups).
     */
    public static final int GROUP_HEADS = 4;
    public static final int TILE_KEYS = 32;
    public static final int GROUP_SIZE = GROUP_HEADS * TILE_KEYS;
    /** A cached row as words of two fp16 (element 2p low, 2p + 1 high): d ≤ 2·PAIRS. */
    public static final int PAIRS = 64;
    /** Values: work-item t takes word {@code t % PAIRS} of rows {@code t / PAIRS + LANES·i}, 16 rows. */
    public static final int LANES = GROUP_SIZE / PAIRS;
    /** Dot products: work-item t takes keys {@code t % HALF_TILE} and {@code + HALF_TILE}, words {@code t / HALF_TILE + SLICES·i} (in a lane-dependent order). */
    public static final int HALF_TILE = TILE_KEYS / 2;
    public static final int SLICES = GROUP_SIZE / HALF_TILE;
    /**
     * Staged key rows are padded by 16 bytes (copies land on 16-byte boundaries) so that, with
     * the slices' word order, the 32 work-items of a warp reading their keys' words hit 32 banks.
     */
    public static final int KEY_ROW = PAIRS + 4;
    /** Copies: work-item t takes the four words from {@code 4 · (t % QUADS)} of rows {@code t / QUADS + COPY_ROWS·i}. */
    public static final int QUADS = PAIRS / 4;
    public static final int COPY_ROWS = GROUP_SIZE / QUADS;
    /** {@link #mergeChunkPartials}: output channels per work-group, and the largest work-group. */
    public static final int MERGE_CHANNELS = 32;
    public static final int MERGE_GROUP = 1024;

    /**
     * Flash-decode in which one work-group serves up to {@link #GROUP_HEADS} query heads that
     * share a KV head and a list, so that each K and V row is read once for all of them.
     * Grid: {@code chunks × GROUP_SIZE} by {@link #headBlocks}{@code (hq, hkv, headsPerList)},
     * work-groups of {@code GROUP_SIZE × 1}; chunk c covers list slots
     * {@code [c · chunk, (c + 1) · chunk)} ({@code chunk} a multiple of {@link #TILE_KEYS}).
     * K and V come as packed fp16 pairs ({@link #packHalfPairs}): {@code [hkv][capacity][rowInts(d)]}
     * ints. With {@code withLogWeights} set, {@code logWeights} (laid out like the lists) is
     * added to each key's logit; with {@code allPositions} set, the lists are every position
     * below {@code listStride} and {@code indices}, {@code counts} are not read. Shapes as in the
     * class comment.
     *
     * <p>Per tile of {@link #TILE_KEYS} keys: while the work-group computes on one tile in local
     * memory, the next tile's K and V rows are copying into a second pair of buffers, each
     * work-item four words at a time ({@link KernelContext#copyToLocalAsync}: on CUDA no
     * registers hold them on the way). On the tile: each work-item forms the dot products of
     * two keys with every head over a slice of the pairs; the slices are summed per (head, key)
     * and the tile's maximum per head found by an atomic max over the few scores that beat the
     * running one; then each work-item accumulates one pair of output channels of every head
     * over every LANES-th key.
     */
    @Kernel
    public static void decodeGroupOverIndexList(KernelContext ctx, float[] q, int[] k, int[] v, int[] indices,
                                                int[] counts, float[] logWeights, float[] partialMax,
                                                float[] partialSum, float[] partialAcc, int hq, int hkv, int d,
                                                int capacity, int listStride, int headsPerList, int chunks,
                                                int chunk, int withLogWeights, int allPositions) {
        int[] keyTiles = ctx.allocateIntLocalArray(2 * TILE_KEYS * KEY_ROW);
        int[] valueTiles = ctx.allocateIntLocalArray(2 * TILE_KEYS * PAIRS);
        float[] qs = ctx.allocateFloatLocalArray(GROUP_HEADS * 2 * PAIRS);
        float[] weights = ctx.allocateFloatLocalArray(GROUP_HEADS * TILE_KEYS);
        float[] corrections = ctx.allocateFloatLocalArray(GROUP_HEADS);
        int[] rows = ctx.allocateIntLocalArray(2 * TILE_KEYS);
        int[] tileMax = ctx.allocateIntLocalArray(GROUP_HEADS);
        int t = ctx.localIdx;
        int c = ctx.groupIdx;
        // the heads of this work-group: a block of those sharing both the KV head and the list
        int group = hq / hkv;
        int sharing = KernelMath.min(group, headsPerList);
        int blocks = (sharing + GROUP_HEADS - 1) / GROUP_HEADS;
        int set = ctx.groupIdy / blocks;
        int h0 = set * sharing + (ctx.groupIdy - set * blocks) * GROUP_HEADS;
        int heads = KernelMath.min(GROUP_HEADS, (set + 1) * sharing - h0);
        int kvBase = h0 / group * capacity;
        int list = h0 / headsPerList;
        int listBase = list * listStride;
        int count = listStride;
        if (allPositions == 0) {
            count = counts[list];
        }
        int begin = c * chunk;
        int end = KernelMath.min(begin + chunk, count);
        int rowInts = rowInts(d);
        // this work-item's roles: four words from word 4·quad of rows copyRow + COPY_ROWS·i (copies);
        // word p of rows lane + LANES·i (values); head g and key j (scores)
        int quad = 4 * (t % QUADS);
        int copyRow = t / QUADS;
        int p = t % PAIRS;
        int lane = t / PAIRS;
        int g = t / TILE_KEYS;
        int j = t % TILE_KEYS;
        stageQueries(q, qs, h0, heads, d, t);
        // rows of tile m in rows[(m % 2) · TILE_KEYS ...]: the first two now, then each two tiles ahead
        int nextRow = -1;
        if (t < TILE_KEYS) {
            rows[t] = rowOf(indices, listBase, kvBase, begin + t, end, allPositions);
            rows[TILE_KEYS + t] = rowOf(indices, listBase, kvBase, begin + TILE_KEYS + t, end, allPositions);
            nextRow = rowOf(indices, listBase, kvBase, begin + 2 * TILE_KEYS + t, end, allPositions);
        }
        if (t < GROUP_HEADS) {
            tileMax[t] = orderKey(NO_SCORE);
        }
        ctx.localBarrier();

        float runningMax = NO_SCORE;  // of head g
        float runningSum = 0f;        // of head g, over this work-item's keys j
        float acc0 = 0f;              // head 0, channel 2p; acc1 channel 2p + 1; acc2, acc3 head 1...
        float acc1 = 0f;
        float acc2 = 0f;
        float acc3 = 0f;
        float acc4 = 0f;
        float acc5 = 0f;
        float acc6 = 0f;
        float acc7 = 0f;
        // Round m copies tile m + 1 into one pair of buffers while it computes tile m in the other;
        // round -1 copies tile 0 and computes an empty tile (so that every barrier is met by every
        // work-item in every round).
        for (int tile = begin - TILE_KEYS; tile < end; tile += TILE_KEYS) {
            int m = (tile - begin) / TILE_KEYS;
            int keys = 0;
            if (m >= 0) {
                keys = KernelMath.min(TILE_KEYS, end - tile);
            }
            int keyBase = (m + 2) % 2 * TILE_KEYS * KEY_ROW;
            int valueBase = (m + 2) % 2 * TILE_KEYS * PAIRS;
            ctx.localBarrier();  // tile m − 1 is done with: its buffers take tile m + 1
            int next = (m + 1) % 2;
            for (int r = copyRow; r < TILE_KEYS; r += COPY_ROWS) {
                int row = rows[next * TILE_KEYS + r];
                if (row >= 0 && quad < rowInts) {
                    ctx.copyToLocalAsync(keyTiles, (next * TILE_KEYS + r) * KEY_ROW + quad, k, row * rowInts + quad);
                    ctx.copyToLocalAsync(valueTiles, (next * TILE_KEYS + r) * PAIRS + quad, v, row * rowInts + quad);
                }
            }
            ctx.commitCopies();
            // tile m's rows were read when its copies started: tile m + 2's go in their place
            if (t < TILE_KEYS && m >= 0) {
                rows[m % 2 * TILE_KEYS + t] = nextRow;
                nextRow = rowOf(indices, listBase, kvBase, tile + 3 * TILE_KEYS + t, end, allPositions);
            }
            ctx.awaitCopies(1);  // this work-item's copies of tile m
            ctx.localBarrier();  // everyone's
            // the dot products of the tile's keys with every head, summed per key in the key tile
            tileDotProducts(ctx, keyTiles, qs, keyBase, rowInts, t);

            // the logit of head g and key j; a new maximum goes to tileMax[g]
            boolean valid = j < keys && g < heads;
            float s = NO_SCORE;
            if (valid) {
                s = tileLogit(keyTiles, keyBase, g, j);
                if (withLogWeights != 0) {
                    s += logWeights[listBase + tile + j];
                }
                if (s > runningMax) {
                    ctx.atomicMax(tileMax, g, orderKey(s));
                }
            }
            ctx.localBarrier();
            float newMax = KernelMath.max(runningMax, fromOrderKey(tileMax[g]));
            runningSum = tileWeights(weights, corrections, s, valid, runningMax, newMax, runningSum, g, j);
            runningMax = newMax;
            ctx.localBarrier();

            // output channels 2p and 2p + 1 of every head, over keys lane, lane + LANES, ...
            if (t < GROUP_HEADS) {
                tileMax[t] = orderKey(NO_SCORE);  // read above, before the barrier
            }
            float c0 = corrections[0];
            float c1 = corrections[1];
            float c2 = corrections[2];
            float c3 = corrections[3];
            acc0 *= c0;
            acc1 *= c0;
            acc2 *= c1;
            acc3 *= c1;
            acc4 *= c2;
            acc5 *= c2;
            acc6 *= c3;
            acc7 *= c3;
            for (int r = lane; r < keys; r += LANES) {
                int x = valueTiles[valueBase + r * PAIRS + p];
                float lo = lowHalf(x);
                float hi = highHalf(x);
                float w0 = weights[r * GROUP_HEADS];
                float w1 = weights[r * GROUP_HEADS + 1];
                float w2 = weights[r * GROUP_HEADS + 2];
                float w3 = weights[r * GROUP_HEADS + 3];
                acc0 += w0 * lo;
                acc1 += w0 * hi;
                acc2 += w1 * lo;
                acc3 += w1 * hi;
                acc4 += w2 * lo;
                acc5 += w2 * hi;
                acc6 += w3 * lo;
                acc7 += w3 * hi;
            }
        }
        writePartials(ctx, weights, valueTiles, partialMax, partialSum, partialAcc, runningMax, runningSum,
                acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7, h0, heads, chunks, c, d, t);
    }

    /**
     * K and V rows {@code [from, from + count)} of every KV head as packed fp16 pairs for
     * {@link #decodeGroupOverIndexList}: word p of a row holds element 2p in its low half and
     * 2p + 1 in its high half (0 past d). Pairs {@code [hkv][capacity][rowInts(d)]}.
     */
    @Kernel
    public static void packHalfPairs(short[] k, short[] v, int[] kPairs, int[] vPairs, int hkv, int capacity, int d,
                                     int from, int count) {
        int rowInts = rowInts(d);
        for (@Parallel int i = 0; i < count * rowInts; i++) {
            for (@Parallel int h = 0; h < hkv; h++) {
                int r = i / rowInts;
                int word = i - r * rowInts;
                int row = h * capacity + from + r;
                kPairs[row * rowInts + word] = packedWord(k, row, d, word);
                vPairs[row * rowInts + word] = packedWord(v, row, d, word);
            }
        }
    }

    /** Word {@code word} of fp16 row {@code row} ({@code [rows][d]}) as a packed pair; 0 past d. */
    public static int packedWord(short[] a, int row, int d, int word) {
        int e = row * d + 2 * word;
        int packed = 0;
        if (2 * word < d) {
            packed = a[e] & 0xFFFF;
        }
        if (2 * word + 1 < d) {
            packed |= a[e + 1] << 16;
        }
        return packed;
    }

    /** Ints per packed K or V row: ⌈d/2⌉ rounded up to a multiple of 4, so that rows start on 16-byte boundaries. */
    public static int rowInts(int d) {
        return (d + 7) / 8 * 4;
    }

    /**
     * Merges each head's chunk partials (of {@link #decodeGroupOverIndexList}, or of Sketch&amp;Walk's
     * {@code BlockSparseKernels.decodeGroupOverBlocks}):
     * {@code out[h] = Σ_c e^(m_c − M) acc_c / Σ_c e^(m_c − M) l_c}, M the largest m_c; 0 for an
     * empty list. Grid: {@code ⌈d / MERGE_CHANNELS⌉ · L} by {@code hq}, work-groups of
     * {@code L × 1}, L a multiple of {@link #MERGE_CHANNELS} up to {@link #MERGE_GROUP}: each
     * work-group takes MERGE_CHANNELS channels of one head, its L / MERGE_CHANNELS lanes striding
     * over the chunks in one pass, each lane merging its chunks online, four at a time (so that
     * no load waits on the one before), then the lanes merged in local memory.
     */
    @Kernel
    public static void mergeChunkPartials(KernelContext ctx, float[] partialMax, float[] partialSum,
                                          float[] partialAcc, float[] out, int hq, int d, int chunks) {
        float[] accs = ctx.allocateFloatLocalArray(MERGE_GROUP);
        float[] laneMax = ctx.allocateFloatLocalArray(MERGE_GROUP / MERGE_CHANNELS);
        float[] laneSum = ctx.allocateFloatLocalArray(MERGE_GROUP / MERGE_CHANNELS);
        int t = ctx.localIdx;
        int h = ctx.groupIdy;
        int lanes = ctx.localGroupSizeX / MERGE_CHANNELS;
        int lane = t / MERGE_CHANNELS;
        int channel = t - lane * MERGE_CHANNELS;
        int e = ctx.groupIdx * MERGE_CHANNELS + channel;
        // channel e clamped for the loads, its sum dropped past d
        int ec = KernelMath.min(e, d - 1);
        float m = NO_SCORE;
        float sum = 0f;
        float acc = 0f;
        int c = lane;
        while (c + 3 * lanes < chunks) {
            int i = h * chunks + c;
            float m0 = partialMax[i];
            float m1 = partialMax[i + lanes];
            float m2 = partialMax[i + 2 * lanes];
            float m3 = partialMax[i + 3 * lanes];
            float s0 = partialSum[i];
            float s1 = partialSum[i + lanes];
            float s2 = partialSum[i + 2 * lanes];
            float s3 = partialSum[i + 3 * lanes];
            float a0 = partialAcc[i * d + ec];
            float a1 = partialAcc[(i + lanes) * d + ec];
            float a2 = partialAcc[(i + 2 * lanes) * d + ec];
            float a3 = partialAcc[(i + 3 * lanes) * d + ec];
            float top = KernelMath.max(KernelMath.max(m, KernelMath.max(m0, m1)), KernelMath.max(m2, m3));
            float scale = KernelMath.exp(m - top);
            float w0 = KernelMath.exp(m0 - top);
            float w1 = KernelMath.exp(m1 - top);
            float w2 = KernelMath.exp(m2 - top);
            float w3 = KernelMath.exp(m3 - top);
            sum = sum * scale + w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3;
            acc = acc * scale + w0 * a0 + w1 * a1 + w2 * a2 + w3 * a3;
            m = top;
            c += 4 * lanes;
        }
        while (c < chunks) {
            int i = h * chunks + c;
            float mc = partialMax[i];
            float top = KernelMath.max(m, mc);
            float scale = KernelMath.exp(m - top);
            float w = KernelMath.exp(mc - top);
            sum = sum * scale + w * partialSum[i];
            acc = acc * scale + w * partialAcc[i * d + ec];
            m = top;
            c += lanes;
        }
        // the lanes' partials rescaled to the largest maximum of them all, then added
        if (channel == 0) {
            laneMax[lane] = m;
        }
        ctx.localBarrier();
        float top = NO_SCORE;
        for (int i = 0; i < lanes; i++) {
            top = KernelMath.max(top, laneMax[i]);
        }
        float scale = KernelMath.exp(m - top);
        accs[t] = acc * scale;
        if (channel == 0) {
            laneSum[lane] = sum * scale;
        }
        ctx.localBarrier();
        if (lane == 0 && e < d) {
            float a = 0f;
            float s = 0f;
            for (int i = 0; i < lanes; i++) {
                a += accs[i * MERGE_CHANNELS + channel];
                s += laneSum[i];
            }
            float o = 0f;
            if (s > 0f) {
                o = a / s;
            }
            out[h * d + e] = o;
        }
    }

    /** Work-groups along y of {@link #decodeGroupOverIndexList}: blocks of up to GROUP_HEADS heads sharing a KV head and a list. */
    public static int headBlocks(int hq, int hkv, int headsPerList) {
        int sharing = KernelMath.min(hq / hkv, headsPerList);
        return hq / sharing * ((sharing + GROUP_HEADS - 1) / GROUP_HEADS);
    }

    /** The cache row of list slot {@code slot}; -1 past the end. */
    static int rowOf(int[] indices, int listBase, int kvBase, int slot, int end, int allPositions) {
        int row = -1;
        if (slot < end) {
            row = kvBase + slot;
            if (allPositions == 0) {
                row = kvBase + indices[listBase + slot];
            }
        }
        return row;
    }

    // The work of decodeGroupOverIndexList and BlockSparseKernels.decodeGroupOverBlocks on the local
    // arrays, which differ only in how they find a tile's rows. The tile loop and its copies stay
    // in the kernels (asynchronous copies must); the eight accumulators of the values too, as
    // registers of the kernel (a helper returns one value).

    /**
     * q of heads {@code h0 .. h0 + heads − 1}, scaled by 1/√d, into {@code qs} as
     * {@code [pair][head][2]} (0 past d and past the heads): the eight values a pair of channels
     * needs for every head sit together, so that the compiler can load them as two 16-byte words
     * (and the weights, {@code [key][head]}, as one). Work-item t of GROUP_SIZE.
     */
    public static void stageQueries(float[] q, float[] qs, int h0, int heads, int d, int t) {
        float scale = KernelMath.rsqrt((float) d);
        for (int i = t; i < GROUP_HEADS * 2 * PAIRS; i += GROUP_SIZE) {
            int pair = i / (2 * GROUP_HEADS);
            int head = (i - pair * 2 * GROUP_HEADS) / 2;
            int e = 2 * pair + (i & 1);
            float x = 0f;
            if (head < heads && e < d) {
                x = q[(h0 + head) * d + e] * scale;
            }
            qs[i] = x;
        }
    }

    /**
     * The dot products of the tile's keys (rows of {@code KEY_ROW} words from {@code keyBase} in
     * {@code keyTiles}, {@code rowInts} of them copied) with every head's staged q: work-item t
     * takes keys kk and kk + HALF_TILE over a slice of the pairs; the slices' sums then replace
     * the keys, {@code [slice][head][key]} as float bits, behind a barrier on each side.
     */
    public static void tileDotProducts(KernelContext ctx, int[] keyTiles, float[] qs, int keyBase, int rowInts, int t) {
        int kk = t % HALF_TILE;
        int slice = t / HALF_TILE;
        // the slice's words: keys kk and kk + 8 of a warp take words two apart, so that its 32
        // work-items read 32 banks of the padded rows
        int firstWord = slice ^ ((kk & 8) >> 2);
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        float b0 = 0f;
        float b1 = 0f;
        float b2 = 0f;
        float b3 = 0f;
        // (words past the row were not copied: skipped)
        for (int i = firstWord; i < PAIRS; i += SLICES) {
            int x = 0;
            int y = 0;
            if (i < rowInts) {
                x = keyTiles[keyBase + kk * KEY_ROW + i];
                y = keyTiles[keyBase + (kk + HALF_TILE) * KEY_ROW + i];
            }
            float xl = lowHalf(x);
            float xh = highHalf(x);
            float yl = lowHalf(y);
            float yh = highHalf(y);
            int at = i * 2 * GROUP_HEADS;
            float ql = qs[at];
            float qh = qs[at + 1];
            a0 += ql * xl + qh * xh;
            b0 += ql * yl + qh * yh;
            ql = qs[at + 2];
            qh = qs[at + 3];
            a1 += ql * xl + qh * xh;
            b1 += ql * yl + qh * yh;
            ql = qs[at + 4];
            qh = qs[at + 5];
            a2 += ql * xl + qh * xh;
            b2 += ql * yl + qh * yh;
            ql = qs[at + 6];
            qh = qs[at + 7];
            a3 += ql * xl + qh * xh;
            b3 += ql * yl + qh * yh;
        }
        ctx.localBarrier();
        // the key tile is read: it holds the slices' sums now
        int base = keyBase + slice * GROUP_HEADS * TILE_KEYS + kk;
        keyTiles[base] = KernelMath.floatToIntBits(a0);
        keyTiles[base + HALF_TILE] = KernelMath.floatToIntBits(b0);
        keyTiles[base + TILE_KEYS] = KernelMath.floatToIntBits(a1);
        keyTiles[base + TILE_KEYS + HALF_TILE] = KernelMath.floatToIntBits(b1);
        keyTiles[base + 2 * TILE_KEYS] = KernelMath.floatToIntBits(a2);
        keyTiles[base + 2 * TILE_KEYS + HALF_TILE] = KernelMath.floatToIntBits(b2);
        keyTiles[base + 3 * TILE_KEYS] = KernelMath.floatToIntBits(a3);
        keyTiles[base + 3 * TILE_KEYS + HALF_TILE] = KernelMath.floatToIntBits(b3);
        ctx.localBarrier();
    }

    /** The logit of head g and key j: the sum of its slices in the key tile that {@link #tileDotProducts} left. */
    public static float tileLogit(int[] keyTiles, int keyBase, int g, int j) {
        float s = 0f;
        for (int i = 0; i < SLICES; i++) {
            s += KernelMath.intBitsToFloat(keyTiles[keyBase + (i * GROUP_HEADS + g) * TILE_KEYS + j]);
        }
        return s;
    }

    /**
     * The online softmax of head g at key j, once the tile's maximum is known: the key's weight
     * {@code e^(s − newMax)} (0 where not {@code valid}) into {@code weights[j][g]}, the head's
     * correction {@code e^(runningMax − newMax)} into {@code corrections[g]}; returns the running
     * sum, corrected and with the weight added.
     */
    public static float tileWeights(float[] weights, float[] corrections, float s, boolean valid, float runningMax,
                                     float newMax, float runningSum, int g, int j) {
        float correction = KernelMath.exp(runningMax - newMax);
        float w = 0f;
        if (valid) {
            w = KernelMath.exp(s - newMax);
        }
        weights[j * GROUP_HEADS + g] = w;
        float sum = runningSum * correction + w;
        if (j == 0) {
            corrections[g] = correction;
        }
        return sum;
    }

    /**
     * The chunk's partials, after a barrier: each head's running maximum, its sum over the
     * work-items of the head and its accumulators over the lanes (through {@code weights} and
     * {@code valueTiles}), into slot {@code (h0 + g) · chunks + c} of the partials.
     */
    public static void writePartials(KernelContext ctx, float[] weights, int[] valueTiles, float[] partialMax,
                                     float[] partialSum, float[] partialAcc, float runningMax, float runningSum,
                                     float acc0, float acc1, float acc2, float acc3, float acc4, float acc5,
                                     float acc6, float acc7, int h0, int heads, int chunks, int c, int d, int t) {
        int p = t % PAIRS;
        int lane = t / PAIRS;
        int g = t / TILE_KEYS;
        int j = t % TILE_KEYS;
        ctx.localBarrier();
        weights[j * GROUP_HEADS + g] = runningSum;
        int base = lane * GROUP_HEADS * 2 * PAIRS + p;
        valueTiles[base] = KernelMath.floatToIntBits(acc0);
        valueTiles[base + PAIRS] = KernelMath.floatToIntBits(acc1);
        valueTiles[base + 2 * PAIRS] = KernelMath.floatToIntBits(acc2);
        valueTiles[base + 3 * PAIRS] = KernelMath.floatToIntBits(acc3);
        valueTiles[base + 4 * PAIRS] = KernelMath.floatToIntBits(acc4);
        valueTiles[base + 5 * PAIRS] = KernelMath.floatToIntBits(acc5);
        valueTiles[base + 6 * PAIRS] = KernelMath.floatToIntBits(acc6);
        valueTiles[base + 7 * PAIRS] = KernelMath.floatToIntBits(acc7);
        ctx.localBarrier();
        if (g < heads) {
            int partial = (h0 + g) * chunks + c;
            if (j == 0) {
                float sum = 0f;
                for (int i = 0; i < TILE_KEYS; i++) {
                    sum += weights[i * GROUP_HEADS + g];
                }
                partialMax[partial] = runningMax;
                partialSum[partial] = sum;
            }
            for (int word = j; word < PAIRS; word += TILE_KEYS) {
                float lo = 0f;
                float hi = 0f;
                for (int i = 0; i < LANES; i++) {
                    int at = (i * GROUP_HEADS + g) * 2 * PAIRS + word;
                    lo += KernelMath.intBitsToFloat(valueTiles[at]);
                    hi += KernelMath.intBitsToFloat(valueTiles[at + PAIRS]);
                }
                if (2 * word < d) {
                    partialAcc[partial * d + 2 * word] = lo;
                }
                if (2 * word + 1 < d) {
                    partialAcc[partial * d + 2 * word + 1] = hi;
                }
            }
        }
    }

    // The helpers below are public too: BlockSparseKernels' kernels call them.

    public static float lowHalf(int packed) {
        return KernelMath.halfToFloat((short) (packed & 0xFFFF));
    }

    public static float highHalf(int packed) {
        return KernelMath.halfToFloat((short) (packed >>> 16));
    }

    /** Float bits as an int whose signed order is the float order (no NaN expected). */
    public static int orderKey(float x) {
        int bits = KernelMath.floatToIntBits(x);
        if (bits < 0) {
            bits = bits ^ 0x7FFFFFFF;
        }
        return bits;
    }

    public static float fromOrderKey(int key) {
        int bits = key;
        if (bits < 0) {
            bits = bits ^ 0x7FFFFFFF;
        }
        return KernelMath.intBitsToFloat(bits);
    }
}
