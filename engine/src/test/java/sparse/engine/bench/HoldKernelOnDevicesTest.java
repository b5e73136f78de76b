package sparse.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.kernels.probe.HoldKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * The hold kernel that timed steps queue behind (CudaDevice.timeSpans), as translated, on every
 * device: its chain against float64 (each step halves the distance to 2, exactly in fp32 until
 * the distance is below fp32's resolution at 2: 1e-6 relative).
 */
class HoldKernelOnDevicesTest {

    static Stream<Device> devices() {
        return MethodTests.devices().stream();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void holdRunsItsChain(Device device) {
        SplittableRandom r = MethodTests.random("hold on " + device.id());
        int iterations = 1 + r.nextInt(40);
        float start = (float) (2 + r.nextDouble());
        float[] value = {start};
        try (DeviceBuffer buffer = device.allocate(ElementType.FLOAT, 1)) {
            buffer.write(value);
            device.launch(device.compile(KernelSpec.lookup(HoldKernels.class, "hold")), Grid.of(1, 1),
                    new Object[]{buffer, iterations}, false);
            buffer.read(value);
        }
        double x = start;
        for (int k = 0; k < iterations; k++) {
            x = x / 2 + 1;
        }
        assertEquals(x, value[0], 1e-6 * x, iterations + " iterations from " + start);
    }
}
