package sparse.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.backend.Device;

/**
 * The bench's batch: B sequences in one step as the layer with B times the heads. Each head's
 * output is checked by the bench itself against float64 attention over its own KV head and
 * list (the result's check error), so a head that read another sequence's cache would fail it.
 */
class DecodeBenchmarkBatchTest {
    private static final LayerShape SHAPE = new LayerShape(4, 2, 16);
    private static final int CONTEXT = 256;

    static Stream<Device> devices() {
        return MethodTests.devices().stream();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void aBatchIsOneStepOverEverySequencesHeads(Device device) {
        long seed = MethodTests.random("bench batch on " + device.id()).nextLong();
        DecodeBenchmark one = new DecodeBenchmark(device, SHAPE, 1, MethodSettings.defaults(), 1, 0);
        DecodeBenchmark three = new DecodeBenchmark(device, SHAPE, 3, MethodSettings.defaults(), 1, 0);
        BenchInputs inputs = three.inputs(CONTEXT, seed);
        assertEquals(SHAPE.hkv() * 3, inputs.caches()[0].hkv(), "three sequences' KV heads in each cache");
        for (String method : new String[]{"dense", DecodeBenchmark.SOCKET_SHARED, "quest"}) {
            BenchResult r = three.run(method, 0.25, inputs, 1e9);
            assertEquals(3, r.batch(), method);
            // float64 attention over each head's own list: fp32 kernels on fp16 inputs stay well within 1e-5
            assertTrue(r.checkError() < 1e-5, method + ": check error " + r.checkError());
            if (method.equals("dense")) {
                BenchResult single = one.run(method, 1, one.inputs(CONTEXT, seed), 1e9);
                assertEquals(3 * single.bytes(), r.bytes(), "dense reads every sequence's K and V once");
            }
        }
    }

    @Test
    void sketchWalkRefusesABatchInOneLine() {
        DecodeBenchmark bench = new DecodeBenchmark(MethodTests.devices().getFirst(), SHAPE, 2,
                MethodSettings.defaults(), 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bench.check("sketchwalk", 0.2));
        assertTrue(e.getMessage().contains("batch 1 only") && !e.getMessage().contains("\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SHAPE.batched(0));
    }
}
