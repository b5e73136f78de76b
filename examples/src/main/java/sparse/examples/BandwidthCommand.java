package sparse.examples;

import java.util.Arrays;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.kernels.probe.BandwidthKernelsTranslated;
import sparse.tasks.lang.KernelSpec;

/** {@code sparse bandwidth}: a vector add written as a Java kernel, timed with device events. */
@Command(name = "bandwidth", mixinStandardHelpOptions = true,
        description = "Measure memory bandwidth with a Java vector-add kernel (c = a + b, 12 bytes per element).")
final class BandwidthCommand implements Runnable {
    @Mixin
    DeviceOptions options;

    @Option(names = "--elements", defaultValue = "16777216", description = "floats per vector (default ${DEFAULT-VALUE})")
    int elements;

    @Option(names = "--repeats", defaultValue = "50", description = "timed launches; the median is reported (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--local", defaultValue = "256", description = "work-group size (default ${DEFAULT-VALUE})")
    int local;

    @Override
    public void run() {
        if (elements < 1 || repeats < 1 || local < 1) {
            throw new IllegalArgumentException("--elements, --repeats and --local must be positive");
        }
        Device device = Backends.select(options.config());
        KernelSpec add = BandwidthKernelsTranslated.vectorAdd;
        float[] a = new float[elements];
        float[] b = new float[elements];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < elements; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
            b[i] = (float) random.nextDouble(-1, 1);
        }
        try (DeviceBuffer da = device.allocate(ElementType.FLOAT, elements);
             DeviceBuffer db = device.allocate(ElementType.FLOAT, elements);
             DeviceBuffer dc = device.allocate(ElementType.FLOAT, elements)) {
            da.write(a);
            db.write(b);
            Device.CompiledKernel kernel = device.compile(add);
            Grid grid = Grid.covering(elements, local);
            Object[] args = {da, db, dc, elements};
            for (int i = 0; i < 3; i++) {
                device.launch(kernel, grid, args, true);
            }
            long[] nanos = new long[repeats];
            for (int i = 0; i < repeats; i++) {
                nanos[i] = device.launch(kernel, grid, args, true);
            }
            float[] c = new float[elements];
            dc.read(c);
            for (int i = 0; i < elements; i++) {
                if (c[i] != a[i] + b[i]) {
                    throw new IllegalStateException("wrong sum at " + i + " on " + device.id() + ": " + c[i] + " != " + (a[i] + b[i]));
                }
            }
            Arrays.sort(nanos);
            long median = nanos[repeats / 2];
            double bytes = 12.0 * elements;
            System.out.printf("%-8s %-14s %-36s %10.1f us %8.3f TB/s  (%d floats x 3, grid %s, median of %d)%n",
                    device.backend(), device.id(), device.name(), median / 1e3, bytes / median / 1e3, elements, grid, repeats);
        }
    }
}
