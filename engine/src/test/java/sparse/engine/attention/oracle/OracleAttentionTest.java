package sparse.engine.attention.oracle;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.Budget;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.attention.TokenBudget;
import sparse.engine.backend.Device;
import sparse.tasks.kernels.attention.DecodeAttentionReference;

class OracleAttentionTest {

    static List<Device> devices() {
        return MethodTests.devices();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void topMMatchesTheReference(Device device) {
        SplittableRandom r = MethodTests.random("oracle on " + device.id());
        run(device, r, 8, 2, 64, 1000, OracleOptions.defaults().budget().withDensity(0.2));
        run(device, r, 8, 2, 64, 1000, TokenBudget.ofHeavy(100).withSink(0).withWindow(16));
        run(device, r, 32, 8, 128, 4096, OracleOptions.defaults().budget().withDensity(0.1));
    }

    static void run(Device device, SplittableRandom r, int hq, int hkv, int d, int visible, TokenBudget budget) {
        OracleOptions o = new OracleOptions(budget);
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, visible + 8, visible);
        try (OracleAttention method = new OracleAttention(device, o)) {
            method.load(0, c.cache(visible));
            DecodeResult result = method.decode(c.q(), hq, visible);
            OracleReference.Result ref = OracleReference.decode(o, c.q(), c.k(), c.v(), hq, hkv, d, c.capacity(), visible);
            Budget b = budget.resolve(visible);
            int differ = 0;
            double[][] own = new double[hq][];
            for (int h = 0; h < hq; h++) {
                differ += MethodTests.assertTopMAgrees(result.selected()[h], ref.lists()[h], ref.scores()[h], b.sink(),
                        b.window(), 1e-5, "oracle head " + h);
                own[h] = DecodeAttentionReference.decode(c.q(), c.k(), c.v(), h, hq, hkv, d, c.capacity(),
                        result.selected()[h], null);
            }
            double worst = MethodTests.assertOutputs(result.output(), own, 1e-5, "oracle over its own list");
            System.out.println("  " + budget + " over " + visible + ": " + b + ", keys differing at the boundary "
                    + differ + ", worst relative error " + worst);
            if (differ == 0) {
                MethodTests.assertOutputs(result.output(), ref.output(), 1e-5, "oracle");
            }
        }
    }
}
