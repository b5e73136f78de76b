package sparse.engine.attention.sketchwalk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.tasks.kernels.blocksparse.BlockSparseReference;

/**
 * Sketch&amp;Walk on every device against the float64 pipeline ({@link SketchWalkReference}):
 * Â and W to fp32 precision, the same kept blocks except where a score lies within rounding
 * of its row's threshold, and the output against float64 attention over the blocks the
 * device kept. Inputs are scaled so that the block scores spread well beyond fp32 rounding.
 */
class SketchWalkAttentionTest {

    /** fp32 arithmetic against float64 on the same fp16 data. */
    static final double BOUND = 1e-5;
    /** A score this close (relative) to its threshold may fall on either side. */
    static final double AMBIGUOUS = 1e-5;

    static List<Device> devices() {
        return MethodTests.devices();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void prefillFollowsTheReferenceLayerByLayer(Device device) {
        SplittableRandom r = MethodTests.random("sketchwalk prefill on " + device.id());
        int hq = 4, hkv = 2, d = 64, tokens = 700, capacity = 720;
        SketchWalkOptions o = SketchWalkOptions.defaults().withSeed(r.nextLong());
        SketchWalkPrefill prefill = new SketchWalkPrefill(device, o);
        double[] carry = null;
        int carrySize = 0;
        for (int layer = 0; layer < 4; layer++) {
            Layer l = Layer.random(r, hq, hkv, d, capacity, tokens);
            SketchWalkPrefill.Result got = prefill.run(layer, l.q, hq, l.cache);
            int blocks = got.blocks();
            assertEquals(11, blocks);
            int[] keep = mask(got.keptBlocks(), blocks);
            if (layer < 2) {
                assertTrue(got.dense(), "layers 0 and 1 are dense");
                assertEquals(1.0, got.density());
            } else {
                SketchWalkReference.Prefill ref = SketchWalkReference.prefill(l.q, hq, l.cache, layer, o, carry, carrySize);
                assertTrue(relativeError(got.blockAttention(), ref.blockAttention()) < BOUND, "Â of layer " + layer);
                assertTrue(relativeError(got.walk(), ref.walk()) < BOUND, "W of layer " + layer);
                int ambiguous = 0;
                for (int i = 0; i < blocks; i++) {
                    for (int j = 0; j <= i; j++) {
                        boolean kept = keep[i * blocks + j] != 0;
                        if (kept != ref.keep()[i * blocks + j]) {
                            double w = ref.walk()[i * blocks + j];
                            assertTrue(Math.abs(w - ref.thresholds()[i]) <= AMBIGUOUS * ref.thresholds()[i],
                                    "layer " + layer + " tile (" + i + ", " + j + ") differs, score " + w
                                            + ", threshold " + ref.thresholds()[i]);
                            ambiguous++;
                        }
                    }
                }
                assertTrue(ambiguous <= 1, ambiguous + " tiles differ");
                for (int i = 0; i < blocks; i++) {
                    assertTrue(keep[i * blocks + i] == 1 && keep[i * blocks] == 1, "diagonal and sink of block " + i);
                }
                for (int i = blocks - o.denseLastQueryBlocks(); i < blocks; i++) {
                    assertEquals(i + 1, got.keptBlocks()[i].length, "the last query blocks are dense");
                }
                assertTrue(got.density() > 0 && got.density() < 1, "density " + got.density());
                System.out.printf("sketchwalk prefill layer %d on %s: T=%d, density %.3f%n", layer, device.id(), tokens,
                        got.density());
                carry = ref.walk();
                carrySize = blocks;
            }
            double[] refOut = BlockSparseReference.prefill(l.q, l.cache.k(), l.cache.v(), hq, hkv, capacity, tokens, d,
                    keep, o.blockSize(), 1 / Math.sqrt(d));
            assertTrue(relativeError(got.output(), refOut) < BOUND, "output of layer " + layer);
        }
    }

    /** Decode after a prefill: the ring holds the prefill's last queries, a_blk starts from Â. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void decodeFollowsTheReferenceAcrossABlockBoundary(Device device) {
        SplittableRandom r = MethodTests.random("sketchwalk decode on " + device.id());
        int hq = 4, hkv = 2, d = 64, tokens = 1212, capacity = 1300, layer = 2, steps = 6;
        SketchWalkOptions o = SketchWalkOptions.defaults().withSeed(r.nextLong());
        Layer l = Layer.random(r, hq, hkv, d, capacity, tokens);
        // the reference's state: recent queries and a_blk, seeded as the method seeds its own
        List<float[]> recent = new ArrayList<>();
        for (int t = tokens - o.decodeQueries(); t < tokens; t++) {
            float[] q = new float[hq * d];
            for (int h = 0; h < hq; h++) {
                System.arraycopy(l.q, (h * tokens + t) * d, q, h * d, d);
            }
            recent.add(q);
        }
        int capBlocks = (capacity + o.blockSize() - 1) / o.blockSize();
        double[] aBlk = new double[capBlocks * capBlocks];
        int[] rowUpdates = new int[capBlocks];
        try (SketchWalkAttention method = new SketchWalkAttention(device, o)) {
            SketchWalkPrefill.Result pre = method.prefill(layer, l.q, hq, l.cache);
            SketchWalkReference.Prefill refPre = SketchWalkReference.prefill(l.q, hq, l.cache, layer, o, null, 0);
            for (int i = 0; i < pre.blocks(); i++) {
                System.arraycopy(refPre.blockAttention(), i * pre.blocks(), aBlk, i * capBlocks, pre.blocks());
                rowUpdates[i] = 1;
            }
            for (int step = 0; step < steps; step++) {
                int visible = tokens + step + 1;
                l.append(r, visible - 1);
                float[] q = query(r, hq, d);
                recent.add(q);
                if (recent.size() > o.decodeQueries()) {
                    recent.removeFirst();
                }
                LayerCache cache = l.cacheOf(visible);
                method.load(layer, cache);
                DecodeResult got = method.decode(q, hq, visible);
                SketchWalkReference.DecodeStep ref = SketchWalkReference.decode(stack(recent, hq, d), hq, recent.size(),
                        cache, visible, aBlk, capBlocks, rowUpdates, layer, o);
                int[] gotBlocks = blocksOf(got.selected()[0], o.blockSize());
                int differ = differences(gotBlocks, ref.keptBlocks(), ref.s(), ref.threshold());
                assertTrue(differ <= 1, differ + " blocks differ at step " + step);
                for (int h = 1; h < hq; h++) {
                    assertArrayEquals(got.selected()[0], got.selected()[h], "heads share the blocks");
                }
                double[] refOut = BlockSparseReference.decode(q, cache.k(), cache.v(), hq, hkv, capacity, d,
                        got.selected(), 1 / Math.sqrt(d));
                assertTrue(relativeError(got.output(), refOut) < BOUND, "output at step " + step);
                System.out.printf("sketchwalk decode on %s: T=%d, %d of %d blocks, density %.3f%n", device.id(),
                        visible, gotBlocks.length, (visible + 63) / 64, got.density(visible));
            }
        }
    }

    /**
     * The prefill's selection alone (what eval runs) leaves decode exactly where the full
     * prefill does: same Â, walk and recent queries, then the same blocks and outputs, over
     * two layers so the walk's carry is included.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void prefillSelectionStartsDecodeLikeTheFullPrefill(Device device) {
        SplittableRandom r = MethodTests.random("sketchwalk prefill selection on " + device.id());
        int hq = 4, hkv = 2, d = 32, tokens = 700, capacity = 720, steps = 3;
        SketchWalkOptions o = SketchWalkOptions.defaults().withDenseLayers(java.util.Set.of()).withSeed(r.nextLong());
        try (SketchWalkAttention full = new SketchWalkAttention(device, o);
             SketchWalkAttention selection = new SketchWalkAttention(device, o)) {
            for (int layer = 0; layer < 2; layer++) {
                Layer l = Layer.random(r, hq, hkv, d, capacity, tokens);
                SketchWalkPrefill.Result a = full.prefill(layer, l.q, hq, l.cache);
                SketchWalkPrefill.Result b = selection.prefillSelection(layer, l.q, hq, l.cache);
                assertEquals(null, b.output());
                assertArrayEquals(a.blockAttention(), b.blockAttention());
                assertArrayEquals(a.walk(), b.walk());
                assertArrayEquals(a.recentSketches(), b.recentSketches());
                assertTrue(Arrays.deepEquals(a.keptBlocks(), b.keptBlocks()));
                for (int step = 0; step < steps; step++) {
                    int visible = tokens + step + 1;
                    l.append(r, visible - 1);
                    float[] q = query(r, hq, d);
                    full.load(layer, l.cacheOf(visible));
                    selection.load(layer, l.cacheOf(visible));
                    DecodeResult x = full.decode(q, hq, visible);
                    DecodeResult y = selection.decode(q, hq, visible);
                    assertArrayEquals(x.selected()[0], y.selected()[0], "layer " + layer + " step " + step);
                    assertArrayEquals(x.output(), y.output(), "layer " + layer + " step " + step);
                }
            }
        }
    }

    /** Without a prefill: the ring fills from the decode queries, a_blk from zeros; dense layers attend all. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void decodeWithoutPrefillAndDenseLayers(Device device) {
        SplittableRandom r = MethodTests.random("sketchwalk cold decode on " + device.id());
        int hq = 8, hkv = 2, d = 128, tokens = 900, capacity = 1000, steps = 3;
        SketchWalkOptions o = SketchWalkOptions.defaults().withSeed(r.nextLong()).withSketchDim(32);
        Layer l = Layer.random(r, hq, hkv, d, capacity, tokens);
        int capBlocks = (capacity + o.blockSize() - 1) / o.blockSize();
        double[] aBlk = new double[capBlocks * capBlocks];
        int[] rowUpdates = new int[capBlocks];
        List<float[]> recent = new ArrayList<>();
        try (SketchWalkAttention method = new SketchWalkAttention(device, o)) {
            for (int step = 0; step < steps; step++) {
                int visible = tokens - steps + step + 1;
                float[] q = query(r, hq, d);
                recent.add(q);
                LayerCache cache = l.cacheOf(tokens);
                method.load(5, cache);
                DecodeResult got = method.decode(q, hq, visible);
                SketchWalkReference.DecodeStep ref = SketchWalkReference.decode(stack(recent, hq, d), hq, recent.size(),
                        cache, visible, aBlk, capBlocks, rowUpdates, 5, o);
                int[] gotBlocks = blocksOf(got.selected()[0], o.blockSize());
                assertTrue(differences(gotBlocks, ref.keptBlocks(), ref.s(), ref.threshold()) <= 1);
                double[] refOut = BlockSparseReference.decode(q, cache.k(), cache.v(), hq, hkv, capacity, d,
                        got.selected(), 1 / Math.sqrt(d));
                assertTrue(relativeError(got.output(), refOut) < BOUND, "output at step " + step);

                method.load(1, cache);
                DecodeResult dense = method.decode(q, hq, visible);
                assertArrayEquals(IntStream.range(0, visible).toArray(), dense.selected()[3]);
                double[] denseRef = BlockSparseReference.decode(q, cache.k(), cache.v(), hq, hkv, capacity, d,
                        dense.selected(), 1 / Math.sqrt(d));
                assertTrue(relativeError(dense.output(), denseRef) < BOUND, "dense layer output at step " + step);
            }
        }
    }

    private static float[] query(SplittableRandom r, int hq, int d) {
        float[] q = new float[hq * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (4 * r.nextGaussian());
        }
        return q;
    }

    /** Blocks listed by the device and the reference differ only where the reference's score is at its threshold. */
    private static int differences(int[] got, int[] ref, double[] s, double threshold) {
        int differ = 0;
        for (int j = 0; j < s.length; j++) {
            boolean inGot = Arrays.binarySearch(got, j) >= 0;
            boolean inRef = Arrays.binarySearch(ref, j) >= 0;
            if (inGot != inRef) {
                assertTrue(Math.abs(s[j] - threshold) <= AMBIGUOUS * threshold,
                        "block " + j + " differs: score " + s[j] + ", threshold " + threshold);
                differ++;
            }
        }
        return differ;
    }

    /** The blocks of an ascending list of positions. */
    static int[] blocksOf(int[] positions, int blockSize) {
        return IntStream.of(positions).map(p -> p / blockSize).distinct().toArray();
    }

    static int[] mask(int[][] kept, int blocks) {
        int[] keep = new int[blocks * blocks];
        for (int i = 0; i < blocks; i++) {
            for (int j : kept[i]) {
                keep[i * blocks + j] = 1;
            }
        }
        return keep;
    }

    /** (hq, rows, d) from a list of (hq, d) queries, oldest first. */
    private static float[] stack(List<float[]> queries, int hq, int d) {
        int rows = queries.size();
        float[] out = new float[hq * rows * d];
        for (int i = 0; i < rows; i++) {
            for (int h = 0; h < hq; h++) {
                System.arraycopy(queries.get(i), h * d, out, (h * rows + i) * d, d);
            }
        }
        return out;
    }

    static double relativeError(float[] out, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            double e = out[i] - ref[i];
            diff += e * e;
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    /**
     * One layer's prefill queries (hq, T, d) and cache. Queries and keys are N(0, 4²): at unit
     * scale the block means' logits, divided by √m and 100, differ by less than fp32 resolves.
     */
    record Layer(float[] q, LayerCache cache) {
        static Layer random(SplittableRandom r, int hq, int hkv, int d, int capacity, int tokens) {
            float[] q = new float[hq * tokens * d];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) (4 * r.nextGaussian());
            }
            short[] k = new short[hkv * capacity * d];
            short[] v = new short[hkv * capacity * d];
            Arrays.fill(k, Float.floatToFloat16(Float.NaN));
            Arrays.fill(v, Float.floatToFloat16(Float.NaN));
            Layer l = new Layer(q, new LayerCache(hkv, d, capacity, tokens, k, v));
            for (int t = 0; t < tokens; t++) {
                l.append(r, t);
            }
            return l;
        }

        /** Random key and value rows at position t of every head. */
        void append(SplittableRandom r, int t) {
            int d = cache.d();
            for (int g = 0; g < cache.hkv(); g++) {
                for (int c = 0; c < d; c++) {
                    cache.k()[(g * cache.capacity() + t) * d + c] = Float.floatToFloat16((float) (4 * r.nextGaussian()));
                    cache.v()[(g * cache.capacity() + t) * d + c] = Float.floatToFloat16((float) r.nextGaussian());
                }
            }
        }

        LayerCache cacheOf(int length) {
            return new LayerCache(cache.hkv(), cache.d(), cache.capacity(), length, cache.k(), cache.v());
        }
    }
}
