package sparse.tasks.kernels.blocksparse;

import static sparse.tasks.kernels.attention.DecodeAttentionKernels.COPY_ROWS;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.KEY_ROW;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.LANES;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.QUADS;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.fromOrderKey;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.highHalf;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.lowHalf;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.orderKey;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.stageQueries;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.tileDotProducts;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.tileLogit;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.tileWeights;
import static sparse.tasks.kernels.attention.DecodeAttentionKernels.writePartials;

import sparse.tasks.kernels.attention.DecodeAttentionKernels;
import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;

/**
 * Block-sparse attention: exact softmax attention restricted to kept blocks of keys, fp16
 * keys and values, fp32 accumulation with an online softmax (running maximum m, running sum
 * l, unnormalised output acc). {@link BlockSparseReference} is the float64 dense-with-a-mask
 * twin.
 *
 * <p>{@link #prefill} runs one work-group per query row (any size up to the device's limit)
 * and walks the row's keys in tiles of {@link #TILE}: scores of the tile into local memory,
 * the tile's maximum, its exponentials, then each work-item updates its own output channels.
 * Key/value head g serves query heads {@code g*(hq/hkv) .. (g+1)*(hq/hkv) - 1}; k and v are
 * (hkv, capacity, d) caches, heads {@code kvHeadStride} elements apart.
 *
 * <p>{@link #decodeGroupOverBlocks} is the fast decode over one block list shared by every
 * query head (Sketch&amp;Walk's): a work-group serves the query heads of a KV head, so each
 * kept K and V row is read once per KV head, from a packed copy of the cache. Its helpers and
 * its merge ({@link DecodeAttentionKernels#mergeChunkPartials}) are the index-list decode's.
 */
public final class BlockSparseKernels {
    private BlockSparseKernels() {
    }

    /** Keys scored per step of the online softmax. */
    public static final int TILE = 64;
    /** Largest head dimension (the query row and the output accumulator live in local memory). */
    public static final int MAX_HEAD_DIM = 256;
    /** Stands for −∞ without producing NaN in {@code exp(m - m')}. */
    private static final float NEG = -3.0e38f;

    /**
     * {@link #decodeGroupOverBlocks}: query heads per work-group, keys per tile, and a work-item
     * per (head, key) of a tile; d ≤ 2·PAIRS. The kernel shares the tile layout and pipelining of
     * the index-list flash-decode ({@link DecodeAttentionKernels#decodeGroupOverIndexList}), so
     * these and the layout's other constants (LANES, HALF_TILE, SLICES, KEY_ROW, QUADS, COPY_ROWS)
     * are that kernel's.
     */
    public static final int GROUP_HEADS = DecodeAttentionKernels.GROUP_HEADS;
    public static final int TILE_KEYS = DecodeAttentionKernels.TILE_KEYS;
    public static final int GROUP_SIZE = DecodeAttentionKernels.GROUP_SIZE;
    public static final int PAIRS = DecodeAttentionKernels.PAIRS;

    /**
     * Prefill: query t of head h (q is (hq, tokens, d)) attends the keys of every kept tile
     * {@code keep[(t/block)*blocks + jb] != 0}, {@code jb ≤ t/block}, causally: keys ≤ t only,
     * which matters inside the diagonal tile. Work-group {@code h*tokens + t}.
     *
     * @param keep (blocks, blocks) ints, blocks = ⌈tokens/block⌉, shared by all heads
     * @param out  (hq, tokens, d)
     */
    @Kernel
    public static void prefill(KernelContext ctx, float[] q, short[] k, short[] v, int kvHeadStride, int[] keep,
                               int hq, int hkv, int tokens, int d, int block, float scale, float[] out) {
        float[] qv = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] acc = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] p = ctx.allocateFloatLocalArray(TILE);
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int h = ctx.groupIdx / tokens;
        int t = ctx.groupIdx % tokens;
        int blocks = (tokens + block - 1) / block;
        int qb = t / block;
        int kvBase = (h / (hq / hkv)) * kvHeadStride;
        for (int c = lid; c < d; c += size) {
            qv[c] = q[(h * tokens + t) * d + c];
            acc[c] = 0.0f;
        }
        ctx.localBarrier();
        float m = NEG;
        float l = 0.0f;
        for (int jb = 0; jb <= qb; jb++) {
            if (keep[qb * blocks + jb] != 0) {
                int keyEnd = KernelMath.min(jb * block + block, t + 1);
                for (int ts = jb * block; ts < keyEnd; ts += TILE) {
                    int n = KernelMath.min(TILE, keyEnd - ts);
                    // scores of the tile
                    for (int j = lid; j < n; j += size) {
                        float s = 0.0f;
                        for (int c = 0; c < d; c++) {
                            s += qv[c] * KernelMath.halfToFloat(k[kvBase + (ts + j) * d + c]);
                        }
                        p[j] = s * scale;
                    }
                    ctx.localBarrier();
                    float tileMax = NEG;
                    for (int j = 0; j < n; j++) {
                        tileMax = KernelMath.max(tileMax, p[j]);
                    }
                    float newM = KernelMath.max(m, tileMax);
                    ctx.localBarrier();
                    for (int j = lid; j < n; j += size) {
                        p[j] = KernelMath.exp(p[j] - newM);
                    }
                    ctx.localBarrier();
                    float correction = KernelMath.exp(m - newM);
                    float tileSum = 0.0f;
                    for (int j = 0; j < n; j++) {
                        tileSum += p[j];
                    }
                    l = l * correction + tileSum;
                    m = newM;
                    for (int c = lid; c < d; c += size) {
                        float a = acc[c] * correction;
                        for (int j = 0; j < n; j++) {
                            a += p[j] * KernelMath.halfToFloat(v[kvBase + (ts + j) * d + c]);
                        }
                        acc[c] = a;
                    }
                    ctx.localBarrier();
                }
            }
        }
        for (int c = lid; c < d; c += size) {
            out[(h * tokens + t) * d + c] = acc[c] / l;
        }
    }

    /**
     * Decode flash-decode over a list of key blocks shared by every query head, one work-group
     * per (chunk, block of up to {@link #GROUP_HEADS} query heads of one KV head), so that each
     * listed K and V row is read once per KV head. The list, ascending: the blocks
     * {@code [0, rangeEnd0)}, then {@code blocks[0 .. counts[0])} if {@code listed} = 1 (a
     * length known only on the device), then {@code [rangeStart1, rangeEnd1)}; block b covers
     * keys {@code [b·block, min((b+1)·block, visible))}, and only the list's last block may be
     * cut by {@code visible}. The listed keys are split evenly into {@code chunks} chunks of
     * whole tiles (the grid's groups per head block), so any list length fills the grid;
     * chunk c of head h leaves its online-softmax partial in slot {@code h·chunks + c} of the
     * partials (merged by {@link DecodeAttentionKernels#mergeChunkPartials}; an empty chunk leaves
     * m = −3e38, l = 0, acc = 0).
     *
     * <p>Grid: {@code chunks × GROUP_SIZE} by {@code hkv · ⌈(hq/hkv) / GROUP_HEADS⌉}, work-groups
     * of {@code GROUP_SIZE × 1}. K and V are packed fp16 pairs {@code [hkv][capacity][rowInts(d)]}
     * ints ({@link DecodeAttentionKernels#rowInts}, d ≤ 2·{@link #PAIRS}); the logit scale is 1/√d.
     * Per tile of {@link #TILE_KEYS} keys, while the work-group computes on one tile in local
     * memory, the next tile's K and V rows are copying into a second pair of buffers
     * ({@link KernelContext#copyToLocalAsync}); each work-item forms two keys' dot products
     * with every head over a slice of the pairs, the slices are summed per (head, key), the
     * tile's maximum per head found by an atomic max over the scores that beat the running one,
     * then each work-item accumulates one pair of output channels of every head.
     */
    @Kernel
    public static void decodeGroupOverBlocks(KernelContext ctx, float[] q, int[] k, int[] v, int capacity,
                                             int[] blocks, int[] counts, int listed, int rangeEnd0, int rangeStart1,
                                             int rangeEnd1, int block, int visible, int hq, int hkv, int d, int chunks,
                                             float[] partialMax, float[] partialSum, float[] partialAcc) {
        int[] keyTiles = ctx.allocateIntLocalArray(2 * TILE_KEYS * KEY_ROW);
        int[] valueTiles = ctx.allocateIntLocalArray(2 * TILE_KEYS * PAIRS);
        float[] qs = ctx.allocateFloatLocalArray(GROUP_HEADS * 2 * PAIRS);
        float[] weights = ctx.allocateFloatLocalArray(GROUP_HEADS * TILE_KEYS);
        float[] corrections = ctx.allocateFloatLocalArray(GROUP_HEADS);
        int[] rows = ctx.allocateIntLocalArray(2 * TILE_KEYS);
        int[] tileMax = ctx.allocateIntLocalArray(GROUP_HEADS);
        int t = ctx.localIdx;
        int c = ctx.groupIdx;
        // the heads of this work-group: a block of those sharing KV head kv
        int group = hq / hkv;
        int headBlocks = (group + GROUP_HEADS - 1) / GROUP_HEADS;
        int kv = ctx.groupIdy / headBlocks;
        int h0 = kv * group + (ctx.groupIdy - kv * headBlocks) * GROUP_HEADS;
        int heads = KernelMath.min(GROUP_HEADS, (kv + 1) * group - h0);
        int kvBase = kv * capacity;
        // the list's keys: whole blocks, the last one cut at visible
        int count = 0;
        if (listed != 0) {
            count = counts[0];
        }
        int listBlocks = rangeEnd0 + count + rangeEnd1 - rangeStart1;
        int total = 0;
        if (listBlocks > 0) {
            int lastBlock = blockAt(blocks, count, rangeEnd0, rangeStart1, listBlocks - 1);
            total = (listBlocks - 1) * block + KernelMath.min(block, visible - lastBlock * block);
        }
        int chunk = (total + chunks - 1) / chunks;
        chunk = (chunk + TILE_KEYS - 1) / TILE_KEYS * TILE_KEYS;
        int begin = c * chunk;
        int end = KernelMath.min(begin + chunk, total);
        int rowInts = DecodeAttentionKernels.rowInts(d);
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
            rows[t] = listRow(blocks, count, rangeEnd0, rangeStart1, block, kvBase, begin + t, end);
            rows[TILE_KEYS + t] = listRow(blocks, count, rangeEnd0, rangeStart1, block, kvBase,
                    begin + TILE_KEYS + t, end);
            nextRow = listRow(blocks, count, rangeEnd0, rangeStart1, block, kvBase, begin + 2 * TILE_KEYS + t, end);
        }
        if (t < GROUP_HEADS) {
            tileMax[t] = orderKey(NEG);
        }
        ctx.localBarrier();

        float runningMax = NEG;  // of head g
        float runningSum = 0f;   // of head g, over this work-item's keys j
        float acc0 = 0f;         // head 0, channel 2p; acc1 channel 2p + 1; acc2, acc3 head 1...
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
                nextRow = listRow(blocks, count, rangeEnd0, rangeStart1, block, kvBase, tile + 3 * TILE_KEYS + t, end);
            }
            ctx.awaitCopies(1);  // this work-item's copies of tile m
            ctx.localBarrier();  // everyone's
            // the dot products of the tile's keys with every head, summed per key in the key tile
            tileDotProducts(ctx, keyTiles, qs, keyBase, rowInts, t);

            // the logit of head g and key j; a new maximum goes to tileMax[g]
            boolean valid = j < keys && g < heads;
            float s = NEG;
            if (valid) {
                s = tileLogit(keyTiles, keyBase, g, j);
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
                tileMax[t] = orderKey(NEG);  // read above, before the barrier
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

    /** Block i of the list {@code [0, rangeEnd0)}, {@code blocks[0 .. count)}, {@code [rangeStart1, ...)}. */
    static int blockAt(int[] blocks, int count, int rangeEnd0, int rangeStart1, int i) {
        int b = i;
        if (i >= rangeEnd0 + count) {
            b = rangeStart1 + i - rangeEnd0 - count;
        } else if (i >= rangeEnd0) {
            b = blocks[i - rangeEnd0];
        }
        return b;
    }

    /** The cache row of the list's key x (KV head at row kvBase); -1 from {@code end} on. */
    static int listRow(int[] blocks, int count, int rangeEnd0, int rangeStart1, int block, int kvBase, int x,
                       int end) {
        int row = -1;
        if (x < end) {
            int i = x / block;
            row = kvBase + blockAt(blocks, count, rangeEnd0, rangeStart1, i) * block + x - i * block;
        }
        return row;
    }
}
