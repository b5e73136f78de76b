package sparse.engine.bench;

import java.util.Arrays;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.kernels.probe.BandwidthKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * What a timed launch of a kernel that does nothing costs on a device: the median device-event
 * time of the bandwidth probe over one element. Each task time of a profiled step holds some of
 * it, since the start event is taken while the launch is still on its way; not all of it (on an
 * H100: 19 µs here, while the dense attend kernel's event time exceeded its Nsight Compute time
 * by about 6 µs), so it bounds what launches add to a step rather than measuring it.
 *
 * @param medianNanos median event time of the empty launch
 */
public record LaunchTime(long medianNanos) {

    private static final int REPEATS = 50;

    public static LaunchTime measure(Device device) {
        KernelSpec add = KernelSpec.lookup(BandwidthKernels.class, "vectorAdd");
        try (DeviceBuffer a = device.allocate(ElementType.FLOAT, 1);
             DeviceBuffer b = device.allocate(ElementType.FLOAT, 1);
             DeviceBuffer c = device.allocate(ElementType.FLOAT, 1)) {
            a.write(new float[]{1f});
            b.write(new float[]{2f});
            Device.CompiledKernel kernel = device.compile(add);
            Grid grid = Grid.of(1, 1);
            Object[] args = {a, b, c, 1};
            long[] nanos = new long[REPEATS];
            for (int i = 0; i < REPEATS; i++) {
                nanos[i] = device.launch(kernel, grid, args, true);
            }
            Arrays.sort(nanos);
            return new LaunchTime(nanos[REPEATS / 2]);
        }
    }

    public double micros() {
        return medianNanos / 1e3;
    }
}
