package sparse.engine.attention.dense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.backend.Device;
import sparse.engine.backend.jvm.JvmBackend;

class DenseAttentionTest {

    /** fp32 accumulation over the fp16 cache, against float64 over the same values. */
    static final double BOUND = 1e-5;

    static java.util.List<Device> devices() {
        return MethodTests.devices();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void matchesTheReferenceAsTheCacheGrows(Device device) {
        SplittableRandom r = MethodTests.random("dense on " + device.id());
        int hq = 8, hkv = 2, d = 64, capacity = 1024;
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, capacity, 600);
        try (DenseAttention dense = new DenseAttention(device)) {
            // a first step over part of the cache, then rows appended and a step over more
            dense.load(0, c.cache(600));
            check(dense.decode(c.q(), hq, 550), c, 550);
            c.fill(r, 600, 1000);
            c.newQuery(r);
            dense.load(0, c.cache(1000));
            check(dense.decode(c.q(), hq, 1000), c, 1000);
        }
    }

    /**
     * One step over a full cache: hq, hkv, d, capacity, layer, visible. Llama-3.1-8B's grouped
     * shape; d = 20, ten words of K and V a row padded to twelve so that rows start on 16-byte
     * boundaries; and stories260K's, d = 8 (a row is four words: one 16-byte copy).
     */
    static final int[][] SHAPES = {{32, 8, 128, 4096, 3, 4096}, {6, 2, 20, 300, 1, 277}, {8, 4, 8, 512, 0, 300}};

    static Stream<Arguments> shapes() {
        return MethodTests.onEveryDevice(SHAPES);
    }

    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("shapes")
    void matchesTheReferenceAtShape(Device device, int[] shape) {
        int hq = shape[0], hkv = shape[1], d = shape[2], capacity = shape[3], layer = shape[4], visible = shape[5];
        SplittableRandom r = MethodTests.random("dense " + Arrays.toString(shape) + " on " + device.id());
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, capacity, capacity);
        try (DenseAttention dense = new DenseAttention(device)) {
            dense.load(layer, c.cache(capacity));
            check(dense.decode(c.q(), hq, visible), c, visible);
        }
    }

    @Test
    void rejectsBadShapesInOneLine() {
        Device jvm = JvmBackend.open().getFirst();
        try (DenseAttention dense = new DenseAttention(jvm)) {
            assertEquals("dense: decode before any load",
                    assertThrows(IllegalStateException.class, () -> dense.decode(new float[64], 1, 1)).getMessage());
            LayerCache cache = new LayerCache(2, 64, 16, 10, new short[2 * 16 * 64], new short[2 * 16 * 64]);
            dense.load(0, cache);
            assertEquals("query heads 3 must be a positive multiple of the cache's 2 key/value heads",
                    assertThrows(IllegalArgumentException.class, () -> dense.decode(new float[3 * 64], 3, 5)).getMessage());
            assertEquals("visible tokens 11 outside [1, 10] (the cached length)",
                    assertThrows(IllegalArgumentException.class, () -> dense.decode(new float[2 * 64], 2, 11)).getMessage());
            LayerCache wide = new LayerCache(1, 256, 4, 4, new short[1024], new short[1024]);
            assertEquals("head dimension 256 exceeds 128, the largest the flash-decode kernel takes",
                    assertThrows(IllegalArgumentException.class, () -> dense.load(1, wide)).getMessage());
        }
    }

    static void check(DecodeResult result, MethodTests.Case c, int visible) {
        int[] all = IntStream.range(0, visible).toArray();
        for (int[] list : result.selected()) {
            assertArrayEquals(all, list);
        }
        double[][] ref = DenseReference.decode(c.q(), c.k(), c.v(), c.hq(), c.hkv(), c.d(), c.capacity(), visible);
        double worst = MethodTests.assertOutputs(result.output(), ref, BOUND, "dense");
        System.out.println("  visible " + visible + ": worst relative error " + worst);
    }
}
