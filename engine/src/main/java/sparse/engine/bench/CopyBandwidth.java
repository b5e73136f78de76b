package sparse.engine.bench;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.kernels.probe.BandwidthKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * The device's copy bandwidth as the benchmarks' ceiling: the bandwidth probe's vector add
 * ({@link BandwidthKernels#vectorAdd}, 8 bytes read and 4 written per element) over vectors
 * far larger than any cache, the median of launches timed as the benchmarks' steps are, bytes
 * read plus bytes written.
 *
 * @param bytesPerSecond bytes moved per second
 * @param elements       floats per vector
 * @param medianNanos    median device time of one launch
 */
public record CopyBandwidth(double bytesPerSecond, int elements, long medianNanos) {

    /** 64 Mi floats a vector: 768 MiB moved per launch. */
    public static final int ELEMENTS = 1 << 26;
    private static final int LOCAL = 256;
    private static final int WARMUP = 3;
    private static final int REPEATS = 20;

    /** Measures {@code device}, with smaller vectors where its free memory asks for it. */
    public static CopyBandwidth measure(Device device) {
        long fit = device.freeMemoryBytes() / (4L * 3 * Float.BYTES);
        int elements = (int) Math.max(1 << 16, Math.min(ELEMENTS, fit));
        float[] a = new float[elements];
        float[] b = new float[elements];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < elements; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        KernelSpec add = KernelSpec.lookup(BandwidthKernels.class, "vectorAdd");
        try (DeviceBuffer da = device.allocate(ElementType.FLOAT, elements);
             DeviceBuffer db = device.allocate(ElementType.FLOAT, elements);
             DeviceBuffer dc = device.allocate(ElementType.FLOAT, elements)) {
            da.write(a);
            db.write(b);
            Device.CompiledKernel kernel = device.compile(add);
            Grid grid = Grid.covering(elements, Math.min(LOCAL, device.maxWorkGroupSize()));
            Object[] args = {da, db, dc, elements};
            for (int i = 0; i < WARMUP; i++) {
                device.launch(kernel, grid, args, true);
            }
            // timed as the decode steps are (Device.timeSpans): on CUDA queued before the first event
            long[] nanos = new long[REPEATS];
            for (int i = 0; i < REPEATS; i++) {
                nanos[i] = device.timeSpans(List.of(() -> device.launch(kernel, grid, args, false)))[0];
            }
            float[] c = new float[elements];
            dc.read(c);
            for (int i = 0; i < elements; i++) {
                if (c[i] != a[i] + b[i]) {
                    throw new IllegalStateException("bandwidth probe: wrong sum at " + i + " on " + device.id());
                }
            }
            Arrays.sort(nanos);
            long median = nanos[REPEATS / 2];
            return new CopyBandwidth(3.0 * Float.BYTES * elements / (median * 1e-9), elements, median);
        }
    }
}
