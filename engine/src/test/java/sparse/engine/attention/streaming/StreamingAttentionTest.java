package sparse.engine.attention.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.Budget;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.attention.TokenBudget;
import sparse.engine.backend.Device;

class StreamingAttentionTest {

    static List<Device> devices() {
        return MethodTests.devices();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void sinkAndWindowMatchTheReference(Device device) {
        SplittableRandom r = MethodTests.random("streaming on " + device.id());
        int hq = 8, hkv = 2, d = 64, capacity = 1024;
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, capacity, 1000);
        for (StreamingOptions o : List.of(new StreamingOptions(TokenBudget.ofDensity(0.2)),
                new StreamingOptions(TokenBudget.ofHeavy(0).withSink(4).withWindow(64)))) {
            try (StreamingAttention method = new StreamingAttention(device, o)) {
                method.load(0, c.cache(1000));
                DecodeResult result = method.decode(c.q(), hq, 900);
                StreamingReference.Result ref = StreamingReference.decode(o, c.q(), c.k(), c.v(), hq, hkv, d, capacity, 900);
                for (int[] list : result.selected()) {
                    assertArrayEquals(ref.list(), list);
                }
                double worst = MethodTests.assertOutputs(result.output(), ref.output(), 1e-5, "streaming");
                System.out.println("  " + o + ": " + ref.list().length + " keys, worst relative error " + worst);
            }
        }
    }

    @Test
    void theHeavyBudgetGoesToTheWindow() {
        // density 0.05 of 8192: 410 keys = sink 102 (a quarter of the budget) + window 308
        assertEquals(new Budget(102, 308, 0), StreamingAttention.sinkAndWindow(StreamingOptions.defaults(), 8192));
        // 0.2 of 1000 = 200 = sink 50 + window 150
        assertEquals(new Budget(50, 150, 0), StreamingAttention.sinkAndWindow(
                new StreamingOptions(TokenBudget.ofDensity(0.2)), 1000));
    }
}
