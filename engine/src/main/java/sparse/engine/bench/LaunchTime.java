package sparse.engine.bench;

import java.util.Arrays;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.kernels.probe.BandwidthKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * What launching a kernel that does nothing (the bandwidth probe over one element) costs on a
 * device: the median device-event time of one launch timed alone (its start event is taken
 * while the launch is still on its way), and the host's time per launch when many are issued
 * back to back without waiting, which is the floor of a step's launches wherever its kernels
 * are shorter.
 *
 * @param medianNanos        median event time of the empty launch timed alone
 * @param hostNanosPerLaunch host time per launch issued back to back
 */
public record LaunchTime(long medianNanos, long hostNanosPerLaunch) {

    private static final int REPEATS = 50;
    private static final int BACK_TO_BACK = 1000;
    private static final int WARM_UP = 5000;

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
            // warm the launch path first: measured cold, the JIT's interpreted downcalls cost 2-4x more
            for (int i = 0; i < WARM_UP; i++) {
                device.launch(kernel, grid, args, false);
            }
            device.synchronize();
            long start = System.nanoTime();
            for (int i = 0; i < BACK_TO_BACK; i++) {
                device.launch(kernel, grid, args, false);
            }
            long host = (System.nanoTime() - start) / BACK_TO_BACK;
            device.synchronize();
            return new LaunchTime(nanos[REPEATS / 2], host);
        }
    }

    public double micros() {
        return medianNanos / 1e3;
    }

    public double hostMicros() {
        return hostNanosPerLaunch / 1e3;
    }
}
