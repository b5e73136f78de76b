package sparse.tasks.kernels.sketch;

import sparse.tasks.kernels.attention.DecodeAttentionKernels;
import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Sketch&amp;Walk's sketch (ALGORITHMS.md §2): block mean pooling of queries and keys, the
 * subsampled randomized Hadamard transform, and the block attention estimate built from the
 * sketched blocks. {@link SketchReference} is the float64 twin of every kernel here.
 *
 * <p>Layouts: a "row set" is {@code heads} runs of rows of one length each; rows of one head
 * are contiguous and heads are {@code headStride} elements apart, so that a cache with spare
 * capacity can be read in place.
 */
public final class SketchKernels {
    private SketchKernels() {
    }

    /** Largest padded dimension n the Hadamard kernel holds in local memory (2 KB). */
    public static final int MAX_PADDED_DIM = 512;
    /** {@link #decodeBlockLogits}: the largest padded head dimension (so m ≤ 128 too) and query heads per KV head. */
    public static final int DECODE_MAX_DIM = 128;
    public static final int DECODE_MAX_GROUP = 8;
    /** {@link #decodeBlockLogits}: key blocks per work-group of the new query's row. */
    public static final int LOGIT_TILE = 64;
    /** {@link #decodeBlockLogits}: work-items per head summing the tile's statistics, each over LOGIT_TILE / this blocks. */
    static final int STAT_LANES = 8;
    /** {@link #decodeBlockScores}: key blocks per work-group. */
    public static final int SCORE_COLS = 16;
    /** {@link #decodeBlockScores}: the most (query head, recent query) rows, whose statistics it holds locally. */
    public static final int MAX_SCORE_ROWS = 2048;
    /** {@link #decodeBlockScores}: work-items per new query's row combining its tile statistics; the most query heads. */
    static final int TILE_LANES = 8;
    public static final int MAX_SCORE_HEADS = 64;

    /**
     * Block means of fp32 rows: for each head and each block {@code jb} in
     * {@code [firstBlock, firstBlock + blockCount)}, the mean of rows
     * {@code [jb*block, min((jb+1)*block, tokens))} of {@code x}. A last partial block is the
     * mean of the rows it has.
     *
     * @param x          rows of d floats, head h at {@code h*inHeadStride}
     * @param out        block means, block jb of head h at {@code h*outHeadStride + jb*d}
     */
    @Kernel
    public static void poolBlocks(float[] x, int inHeadStride, int heads, int tokens, int d, int block,
                                  int firstBlock, int blockCount, float[] out, int outHeadStride) {
        for (@Parallel int hb = 0; hb < heads * blockCount; hb++) {
            for (@Parallel int c = 0; c < d; c++) {
                int h = hb / blockCount;
                int jb = firstBlock + hb % blockCount;
                int start = jb * block;
                int end = KernelMath.min(start + block, tokens);
                float sum = 0.0f;
                for (int t = start; t < end; t++) {
                    sum += x[h * inHeadStride + t * d + c];
                }
                out[h * outHeadStride + jb * d + c] = sum / (end - start);
            }
        }
    }

    /** {@link #poolBlocks} over fp16 rows (a key cache), summed in fp32. */
    @Kernel
    public static void poolBlocksHalf(short[] x, int inHeadStride, int heads, int tokens, int d, int block,
                                      int firstBlock, int blockCount, float[] out, int outHeadStride) {
        for (@Parallel int hb = 0; hb < heads * blockCount; hb++) {
            for (@Parallel int c = 0; c < d; c++) {
                int h = hb / blockCount;
                int jb = firstBlock + hb % blockCount;
                int start = jb * block;
                int end = KernelMath.min(start + block, tokens);
                float sum = 0.0f;
                for (int t = start; t < end; t++) {
                    sum += KernelMath.halfToFloat(x[h * inHeadStride + t * d + c]);
                }
                out[h * outHeadStride + jb * d + c] = sum / (end - start);
            }
        }
    }

    /**
     * The subsampled randomized Hadamard transform of rows of d floats, one work-group per
     * row: zero-pad to n (a power of two, at most {@link #MAX_PADDED_DIM}), multiply by
     * {@code signs}, an unnormalised fast Walsh–Hadamard transform by butterflies in local
     * memory, then keep coordinates {@code keep[0..m)}, each times {@code scale}.
     * The host folds the normalisation 1/√n and the subsampling factor into {@code scale}.
     *
     * <p>Row r of the launch (r in [0, heads*count)) is row {@code inFirst + r % count} of head
     * {@code r / count} of {@code x} and goes to row {@code outFirst + r % count} of the same
     * head of {@code out}. The grid has exactly {@code heads*count} work-groups.
     *
     * @param x   input rows of d floats, head h at {@code h*inHeadStride}
     * @param out sketched rows of m floats, head h at {@code h*outHeadStride}
     */
    @Kernel
    public static void hadamardSketch(KernelContext ctx, float[] x, int inHeadStride, int inFirst,
                                      int count, int d, int n, float[] signs, int[] keep, int m, float scale,
                                      float[] out, int outHeadStride, int outFirst) {
        float[] buf = ctx.allocateFloatLocalArray(MAX_PADDED_DIM);
        int r = ctx.groupIdx;
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int h = r / count;
        int j = r % count;
        int inBase = h * inHeadStride + (inFirst + j) * d;
        int outBase = h * outHeadStride + (outFirst + j) * m;
        for (int i = lid; i < n; i += size) {
            float value = 0.0f;
            if (i < d) {
                value = x[inBase + i] * signs[i];
            }
            buf[i] = value;
        }
        ctx.localBarrier();
        // butterfly stage with span s: pairs (i, i + s) with i's bit s clear
        for (int s = 1; s < n; s *= 2) {
            for (int p = lid; p < n / 2; p += size) {
                int i = (p / s) * 2 * s + p % s;
                float a = buf[i];
                float b = buf[i + s];
                buf[i] = a + b;
                buf[i + s] = a - b;
            }
            ctx.localBarrier();
        }
        for (int c = lid; c < m; c += size) {
            out[outBase + c] = buf[keep[c]] * scale;
        }
    }

    /**
     * Prefill: per query head and query block i, the maximum and the sum of exponentials of
     * the block logits {@code scale * q̃·k̃} over the key blocks {@code j ≤ i}. Query head h
     * reads key head {@code h / (hq / hkv)}.
     *
     * @param qs    sketched query blocks, block i of head h at {@code h*qHeadStride + i*m}
     * @param ks    sketched key blocks, block j of key head g at {@code g*kHeadStride + j*m}
     * @param stats (hq, rows, 2): maximum, then sum of {@code exp(logit - maximum)}
     */
    @Kernel
    public static void blockLogitStats(float[] qs, int qHeadStride, float[] ks, int kHeadStride, int hq, int hkv,
                                       int rows, int m, float scale, float[] stats) {
        for (@Parallel int h = 0; h < hq; h++) {
            for (@Parallel int i = 0; i < rows; i++) {
                int qBase = h * qHeadStride + i * m;
                int kBase = (h / (hq / hkv)) * kHeadStride;
                float max = -3.0e38f;
                float sum = 0.0f;
                for (int j = 0; j <= i; j++) {
                    float s = scale * dot(qs, qBase, ks, kBase + j * m, m);
                    if (s > max) {
                        sum = sum * KernelMath.exp(max - s) + 1.0f;
                        max = s;
                    } else {
                        sum += KernelMath.exp(s - max);
                    }
                }
                stats[(h * rows + i) * 2] = max;
                stats[(h * rows + i) * 2 + 1] = sum;
            }
        }
    }

    /**
     * Prefill's block attention estimate: {@code out[i][j]} = the mean over query heads of
     * softmax over visible key blocks of row i, for {@code j <= i}; 0 above the diagonal. Each
     * row sums to 1. {@code stats} comes from {@link #blockLogitStats}.
     *
     * @param out (rows, outStride); row i holds columns 0..rows-1
     */
    @Kernel
    public static void blockAttention(float[] qs, int qHeadStride, float[] ks, int kHeadStride, int hq, int hkv,
                                      int rows, int m, float scale, float[] stats, float[] out, int outStride) {
        for (@Parallel int i = 0; i < rows; i++) {
            for (@Parallel int j = 0; j < rows; j++) {
                float acc = 0.0f;
                if (j <= i) {
                    for (int h = 0; h < hq; h++) {
                        int qBase = h * qHeadStride + i * m;
                        int kBase = (h / (hq / hkv)) * kHeadStride + j * m;
                        float s = scale * dot(qs, qBase, ks, kBase, m);
                        acc += KernelMath.exp(s - stats[(h * rows + i) * 2]) / stats[(h * rows + i) * 2 + 1];
                    }
                    acc = acc / hq;
                }
                out[i * outStride + j] = acc;
            }
        }
    }

    /**
     * Decode, first of two (with {@link #decodeBlockScores}): brings the block logits
     * {@code logits[h][r][j] = logitScale · q̃_{h,r}·k̃_{g,j}} of every head h, recent query r
     * (ring slot, {@code r < recentRows}) and key block j up to date, computing only what
     * changed: the new query's row (ring slot {@code slot}) over every block, and every row
     * over the blocks {@code [firstBlock, blockTotal)} whose keys changed. It also keeps each
     * row's softmax statistics over the settled blocks {@code [0, stableEnd)} (blocks whose
     * keys can no longer change), so that the scores need not read whole rows twice:
     * {@code stable[h][r]} = (maximum, sum of exp(logit − maximum)) for the old rows, moved
     * from {@code [0, foldFrom)} to {@code [0, stableEnd)} (or emptied when {@code reset} = 1);
     * the new row's comes per tile in {@code tileStats[h][J]}. Two kinds of work-group, with
     * the same barriers in the same order:
     * <ul>
     * <li>the first {@code hkv · stableTiles}: KV head g, tile J of {@link #LOGIT_TILE} blocks
     * below {@code firstBlock}: sketches the new query of each of g's heads, reads the tile's
     * k̃, writes the new row's logits there and their statistics over the tile's settled
     * blocks;</li>
     * <li>then one per query head h: sketches the new query into ring slot {@code slot},
     * updates the old rows' statistics, and for each changed block b in turn pools it (the
     * mean of its cached keys up to {@code visible}), sketches it and writes the logits of all
     * of h's rows at b. The first head of each KV head also writes k̃_b, and packs the cache
     * rows {@code [packFrom, visible)} of its blocks as fp16 pairs ({@code [hkv][capacity][rowInts(d)]}
     * ints, element 2p low).</li>
     * </ul>
     * Sketches as {@link #hadamardSketch}; d ≤ n ≤ {@link #DECODE_MAX_DIM}, hq/hkv ≤
     * {@link #DECODE_MAX_GROUP}. Grid: {@code (hkv·stableTiles + hq) · L}, work-groups of L.
     *
     * @param k         the key cache, fp16 (hkv, capacity, d); v the values, for packing
     * @param qRing     sketched recent queries, (hq, slots, m)
     * @param kSketch   sketched key blocks, (hkv, capBlocks, m)
     * @param logits    (hq, slots, capBlocks)
     * @param stable    (hq, slots, 2)
     * @param tileStats (hq, tileStride, 2)
     */
    @Kernel
    public static void decodeBlockLogits(KernelContext ctx, float[] q, short[] k, short[] v, int[] kPairs,
                                         int[] vPairs, int capacity, int hq, int hkv, int d, int n, float[] signs,
                                         int[] keep, int m, float sketchScale, int block, int visible, int firstBlock,
                                         int blockTotal, int stableEnd, int foldFrom, int reset, int packFrom,
                                         int capBlocks, int slots, int recentRows, int slot, float logitScale,
                                         int stableTiles, int tileStride, float[] qRing, float[] kSketch,
                                         float[] logits, float[] stable, float[] tileStats) {
        float[] buf = ctx.allocateFloatLocalArray(DECODE_MAX_GROUP * DECODE_MAX_DIM);
        float[] qs = ctx.allocateFloatLocalArray(DECODE_MAX_GROUP * DECODE_MAX_DIM);
        float[] tile = ctx.allocateFloatLocalArray(LOGIT_TILE * (DECODE_MAX_DIM + 1));
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int group = hq / hkv;
        int rowInts = DecodeAttentionKernels.rowInts(d);
        int stableGroups = hkv * stableTiles;
        // the new query's row over a tile of earlier blocks, or one head's rows over the changed blocks
        int perHead = 0;
        if (ctx.groupIdx >= stableGroups) {
            perHead = 1;
        }
        int kv = ctx.groupIdx / KernelMath.max(stableTiles, 1);
        int tileIndex = ctx.groupIdx - kv * stableTiles;
        int firstCol = tileIndex * LOGIT_TILE;
        int cols = KernelMath.min(LOGIT_TILE, firstBlock - firstCol);
        int h = ctx.groupIdx - stableGroups;
        int heads = group;
        int head0 = kv * group;
        int rounds = 1;
        if (perHead == 1) {
            kv = h / group;
            heads = 1;
            head0 = h;
            rounds = blockTotal - firstBlock;
        }
        int kvRows = kv * capacity;

        // the new queries times the signs; the old rows' statistics over the newly settled blocks, in quarters
        for (int i = lid; i < heads * n; i += size) {
            int e = i % n;
            float x = 0.0f;
            if (e < d) {
                x = q[(head0 + i / n) * d + e];
            }
            buf[i] = x * signs[e];
        }
        if (perHead == 1) {
            for (int i = lid; i < recentRows * 4; i += size) {
                int base = (h * slots + i / 4) * capBlocks;
                float max = -3.0e38f;
                float sum = 0.0f;
                if (reset == 0) {
                    for (int j = foldFrom + i % 4; j < stableEnd; j += 4) {
                        float x = logits[base + j];
                        float top = KernelMath.max(max, x);
                        sum = sum * KernelMath.exp(max - top) + KernelMath.exp(x - top);
                        max = top;
                    }
                }
                tile[2 * i] = max;
                tile[2 * i + 1] = sum;
            }
        }
        ctx.localBarrier();
        // unnormalised Walsh–Hadamard transform of each vector, butterflies of span s
        for (int s = 1; s < n; s *= 2) {
            for (int p = lid; p < heads * (n / 2); p += size) {
                int vec = p / (n / 2);
                int pp = p - vec * (n / 2);
                int i = vec * n + (pp / s) * 2 * s + pp % s;
                float a = buf[i];
                float c = buf[i + s];
                buf[i] = a + c;
                buf[i + s] = a - c;
            }
            ctx.localBarrier();
        }
        for (int i = lid; i < heads * m; i += size) {
            int c = i % m;
            float x = buf[(i / m) * n + keep[c]] * sketchScale;
            qs[(i / m) * DECODE_MAX_DIM + c] = x;
            if (perHead == 1) {
                qRing[(h * slots + slot) * m + c] = x;
            }
        }
        if (perHead == 1) {
            for (int r = lid; r < recentRows; r += size) {
                if (r != slot) {
                    int at = (h * slots + r) * 2;
                    float max = -3.0e38f;
                    float sum = 0.0f;
                    if (reset == 0) {
                        max = stable[at];
                        sum = stable[at + 1];
                    }
                    for (int p = 4 * r; p < 4 * r + 4; p++) {
                        float top = KernelMath.max(max, tile[2 * p]);
                        sum = sum * KernelMath.exp(max - top) + tile[2 * p + 1] * KernelMath.exp(tile[2 * p] - top);
                        max = top;
                    }
                    stable[at] = max;
                    stable[at + 1] = sum;
                }
            }
        }
        ctx.localBarrier();

        for (int round = 0; round < rounds; round++) {
            int b = firstBlock + round;
            int start = b * block;
            int end = KernelMath.min(start + block, visible);
            // block b's mean key times the signs (and its new rows packed); or the tile's k̃
            if (perHead == 1) {
                for (int e = lid; e < n; e += size) {
                    float x = 0.0f;
                    if (e < d) {
                        x = meanOfRows(k, (kvRows + start) * d + e, d, end - start) * signs[e];
                    }
                    buf[e] = x;
                }
                if (h % group == 0) {
                    int from = KernelMath.max(start, packFrom);
                    for (int i = lid; i < (end - from) * rowInts; i += size) {
                        int row = kvRows + from + i / rowInts;
                        int word = i % rowInts;
                        kPairs[row * rowInts + word] = DecodeAttentionKernels.packedWord(k, row, d, word);
                        vPairs[row * rowInts + word] = DecodeAttentionKernels.packedWord(v, row, d, word);
                    }
                }
            } else {
                // the tile is cols·m consecutive floats: eight loads in flight per work-item
                int from = (kv * capBlocks + firstCol) * m;
                int count = cols * m;
                for (int i = lid; i < count; i += 8 * size) {
                    float x0 = kSketch[from + i];
                    float x1 = kSketch[from + KernelMath.min(i + size, count - 1)];
                    float x2 = kSketch[from + KernelMath.min(i + 2 * size, count - 1)];
                    float x3 = kSketch[from + KernelMath.min(i + 3 * size, count - 1)];
                    float x4 = kSketch[from + KernelMath.min(i + 4 * size, count - 1)];
                    float x5 = kSketch[from + KernelMath.min(i + 5 * size, count - 1)];
                    float x6 = kSketch[from + KernelMath.min(i + 6 * size, count - 1)];
                    float x7 = kSketch[from + KernelMath.min(i + 7 * size, count - 1)];
                    tile[tileAt(i, m)] = x0;
                    if (i + size < count) {
                        tile[tileAt(i + size, m)] = x1;
                    }
                    if (i + 2 * size < count) {
                        tile[tileAt(i + 2 * size, m)] = x2;
                    }
                    if (i + 3 * size < count) {
                        tile[tileAt(i + 3 * size, m)] = x3;
                    }
                    if (i + 4 * size < count) {
                        tile[tileAt(i + 4 * size, m)] = x4;
                    }
                    if (i + 5 * size < count) {
                        tile[tileAt(i + 5 * size, m)] = x5;
                    }
                    if (i + 6 * size < count) {
                        tile[tileAt(i + 6 * size, m)] = x6;
                    }
                    if (i + 7 * size < count) {
                        tile[tileAt(i + 7 * size, m)] = x7;
                    }
                }
            }
            ctx.localBarrier();
            // unnormalised Walsh–Hadamard transform of each vector, butterflies of span s
            for (int s = 1; s < n; s *= 2) {
                for (int p = lid; p < perHead * (n / 2); p += size) {
                    int vec = p / (n / 2);
                    int pp = p - vec * (n / 2);
                    int i = vec * n + (pp / s) * 2 * s + pp % s;
                    float a = buf[i];
                    float c = buf[i + s];
                    buf[i] = a + c;
                    buf[i + s] = a - c;
                }
                ctx.localBarrier();
            }
            // block b's k̃; or the new row over the tile (kept locally for its statistics)
            if (perHead == 1) {
                for (int c = lid; c < m; c += size) {
                    float x = buf[keep[c]] * sketchScale;
                    qs[DECODE_MAX_DIM + c] = x;
                    if (h % group == 0) {
                        kSketch[(kv * capBlocks + b) * m + c] = x;
                    }
                }
            } else {
                for (int i = lid; i < heads * cols; i += size) {
                    int head = i / cols;
                    int j = i - head * cols;
                    float dot = 0.0f;
                    for (int c = 0; c < m; c++) {
                        dot += qs[head * DECODE_MAX_DIM + c] * tile[j * (DECODE_MAX_DIM + 1) + c];
                    }
                    float logit = dot * logitScale;
                    logits[((head0 + head) * slots + slot) * capBlocks + firstCol + j] = logit;
                    buf[i] = logit;
                }
            }
            ctx.localBarrier();
            // h's rows at block b in quarter dot products; or the tile's statistics over its settled blocks
            if (perHead == 1) {
                for (int i = lid; i < recentRows * 4; i += size) {
                    int r = i / 4;
                    float dot = 0.0f;
                    for (int c = i % 4; c < m; c += 4) {
                        float x = qs[c];
                        if (r != slot) {
                            x = qRing[(h * slots + r) * m + c];
                        }
                        dot += x * qs[DECODE_MAX_DIM + c];
                    }
                    tile[i] = dot;
                }
            } else {
                int settled = KernelMath.max(0, KernelMath.min(cols, stableEnd - firstCol));
                for (int i = lid; i < heads * STAT_LANES; i += size) {
                    int head = i / STAT_LANES;
                    float max = -3.0e38f;
                    for (int j = i % STAT_LANES; j < settled; j += STAT_LANES) {
                        max = KernelMath.max(max, buf[head * cols + j]);
                    }
                    float sum = 0.0f;
                    for (int j = i % STAT_LANES; j < settled; j += STAT_LANES) {
                        sum += KernelMath.exp(buf[head * cols + j] - max);
                    }
                    qs[2 * i] = max;
                    qs[2 * i + 1] = sum;
                }
            }
            ctx.localBarrier();
            // h's logits at block b; or the tile's statistics of each head from its lanes'
            if (perHead == 1) {
                for (int r = lid; r < recentRows; r += size) {
                    float dot = tile[4 * r] + tile[4 * r + 1] + tile[4 * r + 2] + tile[4 * r + 3];
                    logits[(h * slots + r) * capBlocks + b] = dot * logitScale;
                }
            } else {
                for (int head = lid; head < heads; head += size) {
                    float max = -3.0e38f;
                    float sum = 0.0f;
                    for (int l = head * STAT_LANES; l < head * STAT_LANES + STAT_LANES; l++) {
                        float top = KernelMath.max(max, qs[2 * l]);
                        sum = sum * KernelMath.exp(max - top) + qs[2 * l + 1] * KernelMath.exp(qs[2 * l] - top);
                        max = top;
                    }
                    int at = ((head0 + head) * tileStride + tileIndex) * 2;
                    tileStats[at] = max;
                    tileStats[at + 1] = sum;
                }
            }
            ctx.localBarrier();
        }
    }

    /**
     * Decode, second: block j's score {@code r[j]} = the mean over the rows (head h, recent
     * query r) of each row's softmax over the blocks {@code [0, cols)}, for {@code j < cols};
     * and the running block matrix's current row moves towards it:
     * {@code a[row][j] += (r[j] − a[row][j]) · weight} (weight 1/(n+1) keeps the row the mean
     * of its n+1 scores). A row's statistics are its settled ones ({@code stable}, or for the
     * new query's row in ring slot {@code slot} its {@code stableTiles} tile statistics, which
     * the first work-group stores as its settled ones) combined with its logits at the blocks
     * {@code [stableEnd, cols)}; see {@link #decodeBlockLogits}. A work-group per
     * {@link #SCORE_COLS} blocks, its L / SCORE_COLS lanes striding over the rows. Grid:
     * {@code ⌈cols / SCORE_COLS⌉ · L}, work-groups of L (a multiple of SCORE_COLS, at most
     * 1024); hq·recentRows ≤ {@link #MAX_SCORE_ROWS}, hq ≤ {@link #MAX_SCORE_HEADS}.
     */
    @Kernel
    public static void decodeBlockScores(KernelContext ctx, float[] logits, float[] stable, float[] tileStats,
                                         int tileStride, int stableTiles, int stableEnd, int hq, int slots,
                                         int recentRows, int slot, int capBlocks, int cols, float[] a, int aStride,
                                         int row, float weight, float[] r) {
        float[] maxima = ctx.allocateFloatLocalArray(MAX_SCORE_ROWS);
        float[] scales = ctx.allocateFloatLocalArray(MAX_SCORE_ROWS);
        int[] bases = ctx.allocateIntLocalArray(MAX_SCORE_ROWS);
        float[] sums = ctx.allocateFloatLocalArray(1024);
        float[] tileMax = ctx.allocateFloatLocalArray(MAX_SCORE_HEADS * TILE_LANES);
        float[] tileSum = ctx.allocateFloatLocalArray(MAX_SCORE_HEADS * TILE_LANES);
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int rows = hq * recentRows;
        // the new rows' settled statistics: TILE_LANES work-items per head, each over every TILE_LANES-th tile
        for (int i = lid; i < hq * TILE_LANES; i += size) {
            int base = (i / TILE_LANES) * tileStride;
            float max = -3.0e38f;
            float sum = 0.0f;
            for (int t = i % TILE_LANES; t < stableTiles; t += TILE_LANES) {
                float m = tileStats[(base + t) * 2];
                float top = KernelMath.max(max, m);
                sum = sum * KernelMath.exp(max - top) + tileStats[(base + t) * 2 + 1] * KernelMath.exp(m - top);
                max = top;
            }
            tileMax[i] = max;
            tileSum[i] = sum;
        }
        ctx.localBarrier();
        for (int i = lid; i < rows; i += size) {
            int h = i / recentRows;
            int at = h * slots + i % recentRows;
            float max = -3.0e38f;
            float sum = 0.0f;
            if (i % recentRows == slot) {
                for (int l = h * TILE_LANES; l < h * TILE_LANES + TILE_LANES; l++) {
                    float top = KernelMath.max(max, tileMax[l]);
                    sum = sum * KernelMath.exp(max - top) + tileSum[l] * KernelMath.exp(tileMax[l] - top);
                    max = top;
                }
                if (ctx.groupIdx == 0) {
                    stable[at * 2] = max;
                    stable[at * 2 + 1] = sum;
                }
            } else {
                max = stable[at * 2];
                sum = stable[at * 2 + 1];
            }
            for (int j = stableEnd; j < cols; j++) {
                float x = logits[at * capBlocks + j];
                float top = KernelMath.max(max, x);
                sum = sum * KernelMath.exp(max - top) + KernelMath.exp(x - top);
                max = top;
            }
            maxima[i] = max;
            scales[i] = 1.0f / sum;
            bases[i] = at * capBlocks;
        }
        ctx.localBarrier();
        int c = lid % SCORE_COLS;
        int lanes = size / SCORE_COLS;
        int j = ctx.groupIdx * SCORE_COLS + c;
        float acc = 0.0f;
        if (j < cols) {
            // eight rows in flight per work-item
            int i = lid / SCORE_COLS;
            while (i + 7 * lanes < rows) {
                float x0 = logits[bases[i] + j];
                float x1 = logits[bases[i + lanes] + j];
                float x2 = logits[bases[i + 2 * lanes] + j];
                float x3 = logits[bases[i + 3 * lanes] + j];
                float x4 = logits[bases[i + 4 * lanes] + j];
                float x5 = logits[bases[i + 5 * lanes] + j];
                float x6 = logits[bases[i + 6 * lanes] + j];
                float x7 = logits[bases[i + 7 * lanes] + j];
                acc += KernelMath.exp(x0 - maxima[i]) * scales[i]
                        + KernelMath.exp(x1 - maxima[i + lanes]) * scales[i + lanes]
                        + KernelMath.exp(x2 - maxima[i + 2 * lanes]) * scales[i + 2 * lanes]
                        + KernelMath.exp(x3 - maxima[i + 3 * lanes]) * scales[i + 3 * lanes]
                        + KernelMath.exp(x4 - maxima[i + 4 * lanes]) * scales[i + 4 * lanes]
                        + KernelMath.exp(x5 - maxima[i + 5 * lanes]) * scales[i + 5 * lanes]
                        + KernelMath.exp(x6 - maxima[i + 6 * lanes]) * scales[i + 6 * lanes]
                        + KernelMath.exp(x7 - maxima[i + 7 * lanes]) * scales[i + 7 * lanes];
                i += 8 * lanes;
            }
            while (i < rows) {
                acc += KernelMath.exp(logits[bases[i] + j] - maxima[i]) * scales[i];
                i += lanes;
            }
        }
        sums[lid] = acc;
        ctx.localBarrier();
        if (lid < SCORE_COLS && j < cols) {
            float total = 0.0f;
            for (int i = lid; i < size; i += SCORE_COLS) {
                total += sums[i];
            }
            float score = total / rows;
            r[j] = score;
            float old = a[row * aStride + j];
            a[row * aStride + j] = old + (score - old) * weight;
        }
    }

    /** Where element i of a run of rows of m floats goes in a tile whose rows are {@code DECODE_MAX_DIM + 1} apart. */
    private static int tileAt(int i, int m) {
        return i / m * (DECODE_MAX_DIM + 1) + i % m;
    }

    /** The mean of {@code rows} fp16 values {@code stride} apart from {@code at}, eight loads in flight. */
    private static float meanOfRows(short[] x, int at, int stride, int rows) {
        float sum = 0.0f;
        int t = 0;
        while (t + 8 <= rows) {
            int i = at + t * stride;
            sum += KernelMath.halfToFloat(x[i]) + KernelMath.halfToFloat(x[i + stride])
                    + KernelMath.halfToFloat(x[i + 2 * stride]) + KernelMath.halfToFloat(x[i + 3 * stride])
                    + KernelMath.halfToFloat(x[i + 4 * stride]) + KernelMath.halfToFloat(x[i + 5 * stride])
                    + KernelMath.halfToFloat(x[i + 6 * stride]) + KernelMath.halfToFloat(x[i + 7 * stride]);
            t += 8;
        }
        while (t < rows) {
            sum += KernelMath.halfToFloat(x[at + t * stride]);
            t++;
        }
        return sum / rows;
    }

    private static float dot(float[] a, int aBase, float[] b, int bBase, int n) {
        float s = 0.0f;
        for (int c = 0; c < n; c++) {
            s += a[aBase + c] * b[bBase + c];
        }
        return s;
    }
}
