package sparse.tasks.kernels.walk;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Sketch&amp;Walk's walk and block selection (ALGORITHMS.md §2). Block matrices are square,
 * row-major, lower-triangular (causal: query block i sees key blocks j ≤ i). {@link WalkReference}
 * is the float64 twin of every kernel here.
 *
 * <p>Selection rule for query block i, shared by prefill and decode: sink blocks
 * {@code j < sinkBlocks}, window blocks {@code i - windowBlocks ≤ j < i} and the diagonal
 * {@code j = i} are always kept; the candidates {@code sinkBlocks ≤ j < i - windowBlocks} are
 * kept when their walk score is at least the row's threshold, the {@code quantile} of the
 * candidates' scores with linear interpolation between order statistics (numpy's default).
 */
public final class WalkKernels {
    private WalkKernels() {
    }

    /** Largest work-group of the context-style kernels here (their local arrays are this long). */
    public static final int MAX_GROUP = 256;
    /** Threshold of a row without candidates: nothing reaches it. */
    public static final float NO_CANDIDATES = 3.0e38f;
    /** {@link #walkHop}: rows (a slab) and columns of the block matrix per work-group's tile, and its work-items. */
    public static final int HOP_ROWS = 128;
    public static final int HOP_COLS = 64;
    public static final int HOP_GROUP = 512;
    static final int HOP_LANES = HOP_GROUP / HOP_COLS;  // 8: each work-item takes HOP_ROWS / HOP_LANES = 16 rows
    static final int PART_LANES = HOP_GROUP / HOP_ROWS;  // 4 work-items per row sum the previous hop's parts
    /** {@link #selectKeptBlocks}: the most candidate blocks it holds in local memory, and its largest work-group. */
    public static final int MAX_SELECT = 4096;
    public static final int SELECT_GROUP = 1024;
    static final int SELECT_BINS = 256;     // its radix select's 8-bit digits
    static final int BINS_PER_GROUP = 16;   // bins that one work-item sums when looking for a rank's bin
    static final int BIN_GROUPS = SELECT_BINS / BINS_PER_GROUP;  // 16 a rank: 32 work-items for both

    /**
     * The walk's start from the previous sparse layer's walk: {@code prev} (prevSize × prevSize)
     * in the top-left corner, the identity elsewhere (ALGORITHMS.md: "identity-padded if sizes
     * differ"); a larger {@code prev} is cut to size.
     */
    @Kernel
    public static void padCarry(float[] prev, int prevSize, int size, float[] out) {
        for (@Parallel int i = 0; i < size; i++) {
            for (@Parallel int j = 0; j < size; j++) {
                float value = 0.0f;
                if (i < prevSize && j < prevSize) {
                    value = prev[i * prevSize + j];
                } else if (i == j) {
                    value = 1.0f;
                }
                out[i * size + j] = value;
            }
        }
    }

    /**
     * One step of the walk: {@code out = (1 − β)·a + β·prev·a} (size × size). Both inputs are
     * lower-triangular, so {@code (prev·a)[i][j]} sums over {@code j ≤ k ≤ i} only.
     */
    @Kernel
    public static void walkStep(float[] a, float[] prev, int size, float beta, float[] out) {
        for (@Parallel int i = 0; i < size; i++) {
            for (@Parallel int j = 0; j < size; j++) {
                float value = 0.0f;
                if (j <= i) {
                    float hop = 0.0f;
                    for (int k = j; k <= i; k++) {
                        hop += prev[i * size + k] * a[k * size + j];
                    }
                    value = (1.0f - beta) * a[i * size + j] + beta * hop;
                }
                out[i * size + j] = value;
            }
        }
    }

    /**
     * The selection threshold of each row, one work-group per row (at most {@link #MAX_GROUP}
     * work-items): row r of {@code w} (rows {@code stride} apart) belongs to query block
     * {@code firstRow + r}; its threshold is the {@code quantile} of its candidates' scores,
     * or {@link #NO_CANDIDATES}. The two order statistics are found by bisection over the
     * floats' order-preserving integer keys, 32 halvings of the int range.
     */
    @Kernel
    public static void rowQuantiles(KernelContext ctx, float[] w, int stride, int firstRow, int sinkBlocks,
                                    int windowBlocks, float quantile, float[] thresholds) {
        int[] counts = ctx.allocateIntLocalArray(2 * MAX_GROUP);
        int r = ctx.groupIdx;
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int lo = sinkBlocks;
        int hi = firstRow + r - windowBlocks;
        int n = hi - lo;
        float threshold = NO_CANDIDATES;
        if (n > 0) {
            float pos = quantile * (n - 1);
            int kLow = (int) KernelMath.floor(pos);
            int kHigh = KernelMath.min(kLow + 1, n - 1);
            float frac = pos - kLow;
            // smallest key with at least k+1 keys ≤ it is the k-th smallest (0-based)
            long aLo = -2147483648L;
            long aHi = 2147483647L;
            long bLo = -2147483648L;
            long bHi = 2147483647L;
            for (int it = 0; it < 32; it++) {
                long aMid = aLo + (aHi - aLo) / 2;
                long bMid = bLo + (bHi - bLo) / 2;
                int ca = 0;
                int cb = 0;
                for (int j = lo + lid; j < hi; j += size) {
                    int key = sortKey(w[r * stride + j]);
                    if (key <= aMid) {
                        ca++;
                    }
                    if (key <= bMid) {
                        cb++;
                    }
                }
                counts[lid] = ca;
                counts[MAX_GROUP + lid] = cb;
                ctx.localBarrier();
                int ta = 0;
                int tb = 0;
                for (int p = 0; p < size; p++) {
                    ta += counts[p];
                    tb += counts[MAX_GROUP + p];
                }
                ctx.localBarrier();
                if (ta >= kLow + 1) {
                    aHi = aMid;
                } else {
                    aLo = aMid + 1;
                }
                if (tb >= kHigh + 1) {
                    bHi = bMid;
                } else {
                    bLo = bMid + 1;
                }
            }
            float low = fromSortKey((int) aLo);
            float high = fromSortKey((int) bLo);
            // rounding must not lift the threshold above the upper order statistic
            threshold = KernelMath.min(low + frac * (high - low), high);
        }
        if (lid == 0) {
            thresholds[r] = threshold;
        }
    }

    /**
     * Prefill's block mask, (rows, rows) ints, 1 = the tile (query block i, key block j) is
     * attended. Query blocks from {@code denseFromRow} on keep every causal block.
     */
    @Kernel
    public static void selectBlocks(float[] w, int rows, float[] thresholds, int sinkBlocks, int windowBlocks,
                                    int denseFromRow, int[] keep) {
        for (@Parallel int i = 0; i < rows; i++) {
            for (@Parallel int j = 0; j < rows; j++) {
                int kept = 0;
                if (j <= i) {
                    if (i >= denseFromRow) {
                        kept = 1;
                    } else {
                        kept = keeps(i, j, w[i * rows + j], thresholds[i], sinkBlocks, windowBlocks);
                    }
                }
                keep[i * rows + j] = kept;
            }
        }
    }

    /**
     * Decode's walk, one hop, over the block matrix a ({@code size} blocks, rows {@code aStride}
     * apart, lower-triangular) in tiles of {@link #HOP_ROWS} rows (a slab) by {@link #HOP_COLS}
     * columns: the work-group of tile (I, J) writes {@code parts[I·partStride + j] = Σ s[i]·a[i][j]}
     * over the rows i of slab I with {@code j ≤ i < size}, for the columns j of tile J; the tiles
     * are those that reach the lower triangle, {@code J ≤ 2I + 1}. The walk s the hop multiplies
     * is r at the first hop ({@code first} = 1), else the previous hop's
     * {@code (1 − β)·r[i] + β·Σ_{I' ≥ i / HOP_ROWS} prev[I'·partStride + i]} (its parts summed):
     * so that hop t's parts give {@code s_t = (1 − β)·r + β·s_{t−1}·a}. Grid:
     * {@link #hopGroups}{@code (size) · HOP_GROUP}, work-groups of HOP_GROUP.
     */
    @Kernel
    public static void walkHop(KernelContext ctx, float[] r, float[] prev, int first, float beta, float[] a,
                               int aStride, int size, float[] parts, int partStride) {
        float[] walk = ctx.allocateFloatLocalArray(HOP_ROWS);
        float[] sums = ctx.allocateFloatLocalArray(HOP_GROUP);
        int lid = ctx.localIdx;
        int slabs = (size + HOP_ROWS - 1) / HOP_ROWS;
        int colTiles = (size + HOP_COLS - 1) / HOP_COLS;
        // tile (I, J), numbered slab by slab
        int slab = 0;
        int before = 0;
        while (before + KernelMath.min(2 * slab + 2, colTiles) <= ctx.groupIdx) {
            before += KernelMath.min(2 * slab + 2, colTiles);
            slab++;
        }
        int tileCol = ctx.groupIdx - before;
        // the walk at the slab's rows: PART_LANES work-items per row, each over every PART_LANES-th slab of parts
        int partLane = lid / HOP_ROWS;
        int i = slab * HOP_ROWS + lid % HOP_ROWS;
        float part = 0.0f;
        if (i < size && first == 0) {
            part = sumParts(prev, partStride, i, slab + partLane, slabs, PART_LANES);
        }
        sums[lid] = part;
        ctx.localBarrier();
        if (partLane == 0) {
            float value = 0.0f;
            if (i < size) {
                value = r[i];
                if (first == 0) {
                    float hop = 0.0f;
                    for (int l = 0; l < PART_LANES; l++) {
                        hop += sums[lid + l * HOP_ROWS];
                    }
                    value = (1.0f - beta) * value + beta * hop;
                }
            }
            walk[lid] = value;
        }
        ctx.localBarrier();
        // column j over the rows lane, lane + HOP_LANES, ... of the slab: all sixteen loads in flight
        int lane = lid / HOP_COLS;
        int c = lid % HOP_COLS;
        int j = tileCol * HOP_COLS + c;
        float acc = 0.0f;
        if (j < size) {
            int top = slab * HOP_ROWS + lane;
            float w0 = entry(a, aStride, size, top, j);
            float w1 = entry(a, aStride, size, top + HOP_LANES, j);
            float w2 = entry(a, aStride, size, top + 2 * HOP_LANES, j);
            float w3 = entry(a, aStride, size, top + 3 * HOP_LANES, j);
            float w4 = entry(a, aStride, size, top + 4 * HOP_LANES, j);
            float w5 = entry(a, aStride, size, top + 5 * HOP_LANES, j);
            float w6 = entry(a, aStride, size, top + 6 * HOP_LANES, j);
            float w7 = entry(a, aStride, size, top + 7 * HOP_LANES, j);
            float w8 = entry(a, aStride, size, top + 8 * HOP_LANES, j);
            float w9 = entry(a, aStride, size, top + 9 * HOP_LANES, j);
            float w10 = entry(a, aStride, size, top + 10 * HOP_LANES, j);
            float w11 = entry(a, aStride, size, top + 11 * HOP_LANES, j);
            float w12 = entry(a, aStride, size, top + 12 * HOP_LANES, j);
            float w13 = entry(a, aStride, size, top + 13 * HOP_LANES, j);
            float w14 = entry(a, aStride, size, top + 14 * HOP_LANES, j);
            float w15 = entry(a, aStride, size, top + 15 * HOP_LANES, j);
            acc = walk[lane] * w0 + walk[lane + HOP_LANES] * w1 + walk[lane + 2 * HOP_LANES] * w2
                    + walk[lane + 3 * HOP_LANES] * w3 + walk[lane + 4 * HOP_LANES] * w4
                    + walk[lane + 5 * HOP_LANES] * w5 + walk[lane + 6 * HOP_LANES] * w6
                    + walk[lane + 7 * HOP_LANES] * w7 + walk[lane + 8 * HOP_LANES] * w8
                    + walk[lane + 9 * HOP_LANES] * w9 + walk[lane + 10 * HOP_LANES] * w10
                    + walk[lane + 11 * HOP_LANES] * w11 + walk[lane + 12 * HOP_LANES] * w12
                    + walk[lane + 13 * HOP_LANES] * w13 + walk[lane + 14 * HOP_LANES] * w14
                    + walk[lane + 15 * HOP_LANES] * w15;
        }
        ctx.localBarrier();  // the sums above are read: they take the lanes' now
        sums[lid] = acc;
        ctx.localBarrier();
        if (lane == 0 && j < size) {
            float total = 0.0f;
            for (int l = 0; l < HOP_LANES; l++) {
                total += sums[l * HOP_COLS + c];
            }
            parts[slab * partStride + j] = total;
        }
    }

    /** Work-groups of {@link #walkHop} over {@code size} blocks: the tiles (I, J) with J ≤ 2I + 1. */
    public static long hopGroups(int size) {
        int slabs = (size + HOP_ROWS - 1) / HOP_ROWS;
        int colTiles = (size + HOP_COLS - 1) / HOP_COLS;
        long groups = 0;
        for (int slab = 0; slab < slabs; slab++) {
            groups += KernelMath.min(2 * slab + 2, colTiles);
        }
        return groups;
    }

    /**
     * Decode's selection, one work-group (at most {@link #SELECT_GROUP} work-items): the walk
     * {@code s = (1 − β)·r + β·Σ_I parts[I·partStride + j]} of the last {@link #walkHop} at the
     * candidates {@code sinkBlocks ≤ j < size − 1 − windowBlocks} (query block size − 1), the
     * threshold as {@link #rowQuantiles} (none kept for a quantile above 1), and the candidates at
     * or above it, ascending, in {@code blocks[0 .. counts[0])}. Sink, window and current block
     * are not listed (the caller attends them anyway). At most {@link #MAX_SELECT} candidates.
     *
     * <p>The two order statistics come from a radix select over the candidates' order-preserving
     * keys in local memory, both ranks at once: 8-bit digits, each counted in a histogram with
     * local atomics, then the bin holding each rank found by 32 work-items. The digits start below
     * the bits that every key shares (those of the smallest and the largest key): from the top, a
     * float's sign and exponent would queue most keys' atomics on one or two bins. Three barriers
     * a digit, at most four digits.
     */
    @Kernel
    public static void selectKeptBlocks(KernelContext ctx, float[] r, float[] parts, int partStride, float beta,
                                        int size, int sinkBlocks, int windowBlocks, float quantile, int[] blocks,
                                        int[] counts) {
        int[] keys = ctx.allocateIntLocalArray(MAX_SELECT);
        // [digit parity][rank low, rank high][bin]: a digit clears the other parity's bins for the next
        int[] bins = ctx.allocateIntLocalArray(4 * SELECT_BINS);
        int[] binGroups = ctx.allocateIntLocalArray(2 * BIN_GROUPS);  // [rank][group]: its keys
        int[] found = ctx.allocateIntLocalArray(4);  // per rank: its bin, its rank among the bin's keys
        // per work-item its smallest and largest key, later its count of kept candidates; per chunk
        // of 32 work-items the same, later the kept ones in the chunks before it
        int[] perItem = ctx.allocateIntLocalArray(2 * SELECT_GROUP);
        int[] perChunk = ctx.allocateIntLocalArray(64);
        int lid = ctx.localIdx;
        int groupSize = ctx.localGroupSizeX;
        int slabs = (size + HOP_ROWS - 1) / HOP_ROWS;
        int lo = sinkBlocks;
        int n = KernelMath.max(size - 1 - windowBlocks - lo, 0);
        int smallest = Integer.MAX_VALUE;
        int largest = Integer.MIN_VALUE;
        for (int i = lid; i < n; i += groupSize) {
            int j = lo + i;
            float hop = sumParts(parts, partStride, j, j / HOP_ROWS, slabs, 1);
            // r[j] read after the sum, not before: CUDA then contracts the same product into an fma
            // as it always has here, so that the keys keep their last bits
            int key = sortKey((1.0f - beta) * r[j] + beta * hop);
            keys[i] = key;
            smallest = KernelMath.min(smallest, key);
            largest = KernelMath.max(largest, key);
        }
        perItem[lid] = smallest;
        perItem[SELECT_GROUP + lid] = largest;
        for (int b = lid; b < 2 * SELECT_BINS; b += groupSize) {
            bins[b] = 0;
        }
        ctx.localBarrier();
        float threshold = NO_CANDIDATES;
        if (n > 0 && quantile <= 1.0f) {
            float pos = quantile * (n - 1);
            int rankLow = (int) KernelMath.floor(pos);
            int rankHigh = KernelMath.min(rankLow + 1, n - 1);
            // the smallest and largest key: 32 work-items over every 32nd work-item's (side by side
            // in the banks), then one over theirs
            for (int l = lid; l < 32; l += groupSize) {
                int least = Integer.MAX_VALUE;
                int most = Integer.MIN_VALUE;
                for (int q = 0; q < 32; q++) {
                    if (l + 32 * q < groupSize) {
                        least = KernelMath.min(least, perItem[l + 32 * q]);
                        most = KernelMath.max(most, perItem[SELECT_GROUP + l + 32 * q]);
                    }
                }
                perChunk[l] = least;
                perChunk[32 + l] = most;
            }
            ctx.localBarrier();
            if (lid == 0) {
                int least = perChunk[0];
                int most = perChunk[32];
                for (int q = 1; q < 32; q++) {
                    least = KernelMath.min(least, perChunk[q]);
                    most = KernelMath.max(most, perChunk[32 + q]);
                }
                perChunk[0] = least;
                perChunk[32] = most;
            }
            ctx.localBarrier();
            smallest = perChunk[0];
            largest = perChunk[32];
            // keys as unsigned ints (sign flipped): the bits from `open` up are the ones every key
            // shares, the smallest's; each digit fixes the next bits below for each rank
            int differ = smallest ^ largest;
            int open = 0;
            while (open < 32 && (differ >>> open) != 0) {
                open++;
            }
            int prefixLow = smallest ^ Integer.MIN_VALUE;
            int prefixHigh = prefixLow;
            int needLow = rankLow;  // the rank among the keys with the prefix
            int needHigh = rankHigh;
            int parity = 0;
            while (open > 0) {
                int shift = KernelMath.max(open - 8, 0);
                int width = open - shift;
                int mask = (1 << width) - 1;
                int base = parity * 2 * SELECT_BINS;
                // while the ranks share their prefix, as neighbours mostly do, one histogram serves both
                int highBase = prefixHigh == prefixLow ? base : base + SELECT_BINS;
                for (int i = lid; i < n; i += groupSize) {
                    int u = keys[i] ^ Integer.MIN_VALUE;
                    if ((((u ^ prefixLow) >>> shift) >>> width) == 0) {
                        ctx.atomicAdd(bins, base + ((u >>> shift) & mask), 1);
                    }
                    if (highBase != base && (((u ^ prefixHigh) >>> shift) >>> width) == 0) {
                        ctx.atomicAdd(bins, highBase + ((u >>> shift) & mask), 1);
                    }
                }
                ctx.localBarrier();
                // each group's keys, one work-item a group (each starting at another bank)
                for (int l = lid; l < 2 * BIN_GROUPS; l += groupSize) {
                    int first = (l < BIN_GROUPS ? base : highBase) + l % BIN_GROUPS * BINS_PER_GROUP;
                    int sum = 0;
                    for (int q = 0; q < BINS_PER_GROUP; q++) {
                        sum += bins[first + (q + l / 2) % BINS_PER_GROUP];
                    }
                    binGroups[l] = sum;
                }
                for (int b = lid; b < 2 * SELECT_BINS; b += groupSize) {
                    bins[2 * SELECT_BINS - base + b] = 0;  // the other parity's
                }
                ctx.localBarrier();
                // the group holding each rank (the keys before it at most the rank, with it more), then
                // the bin within it, by the same rule
                for (int l = lid; l < 2 * BIN_GROUPS; l += groupSize) {
                    int rank = l / BIN_GROUPS;  // 0 low, 1 high
                    int group = l % BIN_GROUPS;
                    int need = rank == 0 ? needLow : needHigh;
                    int before = 0;
                    for (int g = 0; g < BIN_GROUPS; g++) {
                        if (g < group) {
                            before += binGroups[l - group + g];
                        }
                    }
                    if (before <= need && need < before + binGroups[l]) {
                        int first = (rank == 0 ? base : highBase) + group * BINS_PER_GROUP;
                        for (int q = 0; q < BINS_PER_GROUP; q++) {
                            int count = bins[first + q];
                            if (before <= need && need < before + count) {
                                found[2 * rank] = group * BINS_PER_GROUP + q;
                                found[2 * rank + 1] = need - before;
                            }
                            before += count;
                        }
                    }
                }
                ctx.localBarrier();
                prefixLow = (prefixLow & ~(mask << shift)) | (found[0] << shift);
                needLow = found[1];
                prefixHigh = (prefixHigh & ~(mask << shift)) | (found[2] << shift);
                needHigh = found[3];
                open = shift;
                parity = 1 - parity;
            }
            float low = fromSortKey(prefixLow ^ Integer.MIN_VALUE);
            float high = fromSortKey(prefixHigh ^ Integer.MIN_VALUE);
            // rounding must not lift the threshold above the upper order statistic
            threshold = KernelMath.min(low + (pos - rankLow) * (high - low), high);
        }
        int bar = sortKey(threshold);
        // the kept candidates in order: each work-item lists a contiguous segment after the kept
        // ones of the work-items before it. The counts go in transposed, work-item 32c + q at
        // 33q + c, so that work-item c sums chunk c of 32 work-items down a column with the other
        // columns in other banks; then it sums the chunks before c.
        int segment = (n + groupSize - 1) / groupSize;
        int start = KernelMath.min(lid * segment, n);
        int end = KernelMath.min(start + segment, n);
        int mine = 0;
        for (int i = start; i < end; i++) {
            if (keys[i] >= bar) {
                mine++;
            }
        }
        perItem[lid % 32 * 33 + lid / 32] = mine;
        ctx.localBarrier();
        for (int c = lid; c < 32; c += groupSize) {
            int sum = 0;
            for (int q = 0; q < 32; q++) {
                if (32 * c + q < groupSize) {
                    int count = perItem[33 * q + c];
                    perItem[33 * q + c] = sum;  // the kept ones before it in its chunk
                    sum += count;
                }
            }
            perChunk[c] = sum;
        }
        ctx.localBarrier();
        for (int c = lid; c < 32; c += groupSize) {
            int sum = 0;
            for (int p = 0; p < 32; p++) {
                if (p < c) {
                    sum += perChunk[p];
                }
            }
            perChunk[32 + c] = sum;
        }
        ctx.localBarrier();
        int before = perChunk[32 + lid / 32] + perItem[lid % 32 * 33 + lid / 32];
        for (int i = start; i < end; i++) {
            if (keys[i] >= bar) {
                blocks[before] = lo + i;
                before++;
            }
        }
        if (lid == 0) {
            counts[0] = perChunk[63] + perChunk[31];
        }
    }

    /** {@code parts[s·stride + j]} for a slab s below {@code slabs}, else 0 without a load. */
    private static float partAt(float[] parts, int stride, int j, int s, int slabs) {
        float p = 0.0f;
        if (s < slabs) {
            p = parts[s * stride + j];
        }
        return p;
    }

    /** a[i][j] of the block matrix where i < size and j ≤ i; 0 elsewhere (a valid entry is read anyway, so the loads need no branch). */
    private static float entry(float[] a, int aStride, int size, int i, int j) {
        float w = a[KernelMath.min(i, size - 1) * aStride + j];
        if (i >= size || i < j) {
            w = 0.0f;
        }
        return w;
    }

    /** {@code Σ parts[s·stride + j]} over s = from, from + step, ... below {@code slabs}, eight loads in flight. */
    private static float sumParts(float[] parts, int stride, int j, int from, int slabs, int step) {
        float sum = 0.0f;
        for (int s = from; s < slabs; s += 8 * step) {
            // a round's eight loads, past the last slab too, issued before its adds
            float p0 = partAt(parts, stride, j, s, slabs);
            float p1 = partAt(parts, stride, j, s + step, slabs);
            float p2 = partAt(parts, stride, j, s + 2 * step, slabs);
            float p3 = partAt(parts, stride, j, s + 3 * step, slabs);
            float p4 = partAt(parts, stride, j, s + 4 * step, slabs);
            float p5 = partAt(parts, stride, j, s + 5 * step, slabs);
            float p6 = partAt(parts, stride, j, s + 6 * step, slabs);
            float p7 = partAt(parts, stride, j, s + 7 * step, slabs);
            if (s + 7 * step < slabs) {
                sum += p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7;
            } else {
                // the last round one by one, as the sums have always been added
                sum += p0;
                if (s + step < slabs) {
                    sum += p1;
                }
                if (s + 2 * step < slabs) {
                    sum += p2;
                }
                if (s + 3 * step < slabs) {
                    sum += p3;
                }
                if (s + 4 * step < slabs) {
                    sum += p4;
                }
                if (s + 5 * step < slabs) {
                    sum += p5;
                }
                if (s + 6 * step < slabs) {
                    sum += p6;
                }
            }
        }
        return sum;
    }

    /** 1 if key block j (≤ i) of query block i is kept, by the rule in the class comment. */
    private static int keeps(int i, int j, float score, float threshold, int sinkBlocks, int windowBlocks) {
        int kept = 0;
        if (j < sinkBlocks || j >= i - windowBlocks) {
            kept = 1;
        } else if (score >= threshold) {
            kept = 1;
        }
        return kept;
    }

    /** An int whose signed order is the float's order (for non-NaN floats). */
    private static int sortKey(float f) {
        int bits = KernelMath.floatToIntBits(f);
        if (bits < 0) {
            bits = bits ^ 2147483647;
        }
        return bits;
    }

    private static float fromSortKey(int key) {
        int bits = key;
        if (bits < 0) {
            bits = bits ^ 2147483647;
        }
        return KernelMath.intBitsToFloat(bits);
    }
}
