package sparse.engine.attention.sketchwalk;

import sparse.engine.attention.LayerCache;
import sparse.tasks.kernels.sketch.SketchParameters;
import sparse.tasks.kernels.sketch.SketchReference;
import sparse.tasks.kernels.walk.WalkReference;

/**
 * Float64 reference of Sketch&amp;Walk's selection, prefill and decode, composed from the kernel
 * references (ALGORITHMS.md §2). The attention over the selection is
 * {@link sparse.tasks.kernels.blocksparse.BlockSparseReference}'s.
 */
public final class SketchWalkReference {
    private SketchWalkReference() {
    }

    /**
     * One sparse layer's prefill selection.
     *
     * @param blocks         ⌈T/b⌉
     * @param blockAttention Â, (blocks, blocks)
     * @param walk           W, (blocks, blocks)
     * @param thresholds     per query block, the quantile of its candidates' W
     * @param keep           (blocks, blocks), the kept tiles
     */
    public record Prefill(int blocks, double[] blockAttention, double[] walk, double[] thresholds, boolean[] keep) {
    }

    /**
     * One decode step's selection.
     *
     * @param r          block scores of the recent queries
     * @param s          r walked over a_blk
     * @param threshold  the quantile of the candidates' s
     * @param keptBlocks ascending
     */
    public record DecodeStep(double[] r, double[] s, double threshold, int[] keptBlocks) {
    }

    /**
     * Prefill selection of sparse layer {@code layer} over all of {@code cache}, for queries
     * (hq, T, d), walking from {@code carry} (carrySize²; null at the first sparse layer).
     */
    public static Prefill prefill(float[] q, int hq, LayerCache cache, int layer, SketchWalkOptions o, double[] carry,
                                  int carrySize) {
        int tokens = cache.length();
        int d = cache.d();
        int b = o.blockSize();
        int blocks = (tokens + b - 1) / b;
        SketchParameters sp = SketchParameters.of(d, o.sketchDim(), o.seed(), layer);
        double[] qs = SketchReference.sketch(SketchReference.poolBlocks(q, hq, tokens, d, b), hq * blocks, sp);
        double[] ks = SketchReference.sketch(
                SketchReference.poolBlocksHalf(cache.k(), cache.hkv(), cache.capacity(), tokens, d, b),
                cache.hkv() * blocks, sp);
        double[] aHat = SketchReference.blockAttention(qs, ks, hq, cache.hkv(), blocks, sp.m(), logitScale(sp, o));
        double[] start = carry == null ? aHat : WalkReference.padCarry(carry, carrySize, blocks);
        double[] walk = WalkReference.walk(aHat, start, blocks, o.beta(), o.hops());
        int sink = o.sinkBlocks(tokens);
        int window = o.windowBlocks(tokens);
        double[] thresholds = new double[blocks];
        for (int i = 0; i < blocks; i++) {
            thresholds[i] = WalkReference.threshold(walk, i * blocks, i, sink, window, o.prefillQuantile());
        }
        boolean[] keep = WalkReference.selectBlocks(walk, blocks, thresholds, sink, window,
                blocks - o.denseLastQueryBlocks());
        return new Prefill(blocks, aHat, walk, thresholds, keep);
    }

    /**
     * One decode step over the first {@code visible} tokens of {@code cache}, for the
     * {@code rows} recent queries (hq, rows, d) of sparse layer {@code layer}. Updates the
     * running block matrix {@code aBlk} (rows {@code aStride} apart) and its per-row counts
     * {@code rowUpdates} as the method does.
     */
    public static DecodeStep decode(float[] recent, int hq, int rows, LayerCache cache, int visible, double[] aBlk,
                                    int aStride, int[] rowUpdates, int layer, SketchWalkOptions o) {
        int d = cache.d();
        int b = o.blockSize();
        int tb = (visible + b - 1) / b;
        SketchParameters sp = SketchParameters.of(d, o.sketchDim(), o.seed(), layer);
        double[] ks = SketchReference.sketch(
                SketchReference.poolBlocksHalf(cache.k(), cache.hkv(), cache.capacity(), visible, d, b),
                cache.hkv() * tb, sp);
        double[] qs = SketchReference.sketch(SketchReference.widen(recent), hq * rows, sp);
        double[] r = SketchReference.queryBlockScores(qs, ks, hq, cache.hkv(), rows, tb, sp.m(), logitScale(sp, o));
        int row = tb - 1;
        double weight = 1.0 / (rowUpdates[row] + 1);
        rowUpdates[row]++;
        for (int j = 0; j < tb; j++) {
            aBlk[row * aStride + j] += (r[j] - aBlk[row * aStride + j]) * weight;
        }
        double[] s = WalkReference.walkVector(r, aBlk, aStride, tb, o.beta(), o.hops());
        int sink = o.sinkBlocks(visible);
        int window = o.windowBlocks(visible);
        double threshold = WalkReference.threshold(s, 0, row, sink, window, o.decodeQuantile(visible));
        return new DecodeStep(r, s, threshold, WalkReference.keptBlocks(s, row, threshold, sink, window));
    }

    private static double logitScale(SketchParameters sp, SketchWalkOptions o) {
        return 1 / Math.sqrt(sp.m()) / o.temperature();
    }
}
