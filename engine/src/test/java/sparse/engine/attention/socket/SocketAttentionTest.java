package sparse.engine.attention.socket;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.Budget;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.attention.oracle.OracleOptions;
import sparse.engine.attention.oracle.OracleReference;
import sparse.engine.backend.Device;
import sparse.tasks.kernels.attention.DecodeAttentionReference;
import sparse.tasks.kernels.hash.Hyperplanes;

class SocketAttentionTest {

    /** fp32 soft-collision sums against float64: keys may trade places only this close (relative) to the M-th score. */
    static final double SCORE_TOLERANCE = 1e-5;
    /** ...or where one of their bits has a projection this close to 0 (relative to ‖k‖‖w‖), which fp32 may round either way. */
    static final double BIT_MARGIN = 1e-5;
    static final double OUTPUT_BOUND = 1e-5;

    static List<Device> devices() {
        return MethodTests.devices();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void perHeadListsMatchTheReference(Device device) {
        SplittableRandom r = MethodTests.random("socket per head on " + device.id());
        SocketOptions o = SocketOptions.defaults().withDensity(0.2);
        MethodTests.Case c = MethodTests.Case.random(r, 8, 2, 64, 1024, 1000);
        try (SocketAttention method = new SocketAttention(device, o)) {
            method.load(0, c.cache(1000));
            check(o, method.decode(c.q(), 8, 1000), c, 1000);
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void byteCodesSharedListsAndNoNormsMatchTheReference(Device device) {
        SplittableRandom r = MethodTests.random("socket P=8 shared, no norms on " + device.id());
        SocketOptions o = SocketOptions.defaults().withBits(8).withTables(30).withSharedPerGroup(true)
                .withValueNorms(false).withHeavy(100).withSink(8).withWindow(32).withSeed(7);
        MethodTests.Case c = MethodTests.Case.random(r, 8, 2, 64, 1024, 1000);
        try (SocketAttention method = new SocketAttention(device, o)) {
            method.load(0, c.cache(1000));
            check(o, method.decode(c.q(), 8, 1000), c, 1000);
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void appendedRowsAreHashedOnTheNextStep(Device device) {
        SplittableRandom r = MethodTests.random("socket append on " + device.id());
        SocketOptions o = SocketOptions.defaults().withDensity(0.25);
        MethodTests.Case c = MethodTests.Case.random(r, 4, 2, 64, 1024, 600);
        try (SocketAttention method = new SocketAttention(device, o)) {
            method.load(2, c.cache(600));
            check(o, method.decode(c.q(), 4, 600), c, 600);
            c.fill(r, 600, 1000);
            c.newQuery(r);
            method.load(2, c.cache(1000));
            check(o, method.decode(c.q(), 4, 1000), c, 1000);
            check(o, method.decode(c.q(), 4, 800), c, 800);
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void groupedQueryAttentionAtLlamaShape(Device device) {
        SplittableRandom r = MethodTests.random("socket GQA on " + device.id());
        SocketOptions o = SocketOptions.defaults().withDensity(0.1);
        MethodTests.Case c = MethodTests.Case.random(r, 32, 8, 128, 4096, 4096);
        try (SocketAttention method = new SocketAttention(device, o)) {
            method.load(0, c.cache(4096));
            check(o, method.decode(c.q(), 32, 4096), c, 4096);
        }
    }

    /**
     * Recall against oracle top-k on random keys with planted needles: keys along the query
     * (logit about 6 where random keys have about N(0, 1)), which any useful selector must find.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void findsPlantedNeedles(Device device) {
        SplittableRandom r = MethodTests.random("socket needles on " + device.id());
        int hq = 4, hkv = 4, d = 128, visible = 4096, needles = 16;
        double density = 0.1;
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, visible, visible);
        Budget b = Budget.of(density, visible);
        int[][] planted = new int[hq][];
        for (int h = 0; h < hq; h++) {
            planted[h] = r.ints(b.sink(), visible - b.window()).distinct().limit(needles).sorted().toArray();
            int base = h * d;
            double norm = Math.sqrt(IntStream.range(base, base + d).mapToDouble(i -> c.q()[i] * c.q()[i]).sum());
            for (int j : planted[h]) {
                for (int i = 0; i < d; i++) {
                    c.k()[(h * visible + j) * d + i] = Float.floatToFloat16((float) (6 * Math.sqrt(d) * c.q()[h * d + i] / norm));
                }
            }
        }
        SocketOptions o = SocketOptions.defaults().withDensity(density);
        try (SocketAttention method = new SocketAttention(device, o)) {
            method.load(0, c.cache(visible));
            DecodeResult result = method.decode(c.q(), hq, visible);
            OracleReference.Result oracle = OracleReference.decode(new OracleOptions(o.budget()), c.q(), c.k(), c.v(),
                    hq, hkv, d, visible, visible);
            double topk = 0, found = 0;
            for (int h = 0; h < hq; h++) {
                int[] heavy = Arrays.copyOfRange(oracle.lists()[h], b.sink(), b.sink() + b.heavy());
                topk += MethodTests.recall(result.selected()[h], heavy) / hq;
                found += MethodTests.recall(result.selected()[h], planted[h]) / hq;
            }
            System.out.printf("  %s at density %.2f over %d keys (M = %d): top-k recall vs oracle %.3f, needles found %.3f%n",
                    device.id(), density, visible, b.heavy(), topk, found);
            assertTrue(found >= 0.9, "SOCKET found " + found + " of the planted needles");
        }
    }

    static void check(SocketOptions o, DecodeResult result, MethodTests.Case c, int visible) {
        int hq = c.hq();
        SocketReference.Result ref = SocketReference.decode(o, c.q(), c.k(), c.v(), hq, c.hkv(), c.d(), c.capacity(), visible);
        Budget b = o.budget().resolve(visible);
        int rows = ref.scores().length;
        int differ = 0;
        double[][] own = new double[hq][];
        float[] planes = Hyperplanes.gaussian(o.seed(), o.tables(), o.bits(), c.d());
        for (int h = 0; h < hq; h++) {
            int kv = h / (hq / c.hkv());
            differ += MethodTests.assertTopMAgrees(result.selected()[h], ref.lists()[h], ref.scores()[h / (hq / rows)],
                    b.sink(), b.window(), SCORE_TOLERANCE,
                    j -> SocketReference.hasNearZeroBit(o, planes, c.k(), kv, j, c.capacity(), c.d(), BIT_MARGIN),
                    "socket head " + h);
            own[h] = DecodeAttentionReference.decode(c.q(), c.k(), c.v(), h, hq, c.hkv(), c.d(), c.capacity(),
                    result.selected()[h], null);
        }
        double worst = MethodTests.assertOutputs(result.output(), own, OUTPUT_BOUND, "socket over its own list");
        if (differ == 0) {
            MethodTests.assertOutputs(result.output(), ref.output(), OUTPUT_BOUND, "socket");
        }
        System.out.println("  visible " + visible + ", " + b + ": keys differing at the boundary " + differ
                + ", worst relative error " + worst);
    }
}
