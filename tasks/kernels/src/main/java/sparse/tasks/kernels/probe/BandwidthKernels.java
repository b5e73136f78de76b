package sparse.tasks.kernels.probe;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.Parallel;

/** Memory-bound kernels that measure how fast a backend moves bytes. */
public final class BandwidthKernels {
    private BandwidthKernels() {
    }

    /** c = a + b: reads 8 bytes and writes 4 per element. */
    @Kernel
    public static void vectorAdd(float[] a, float[] b, float[] c, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            c[i] = a[i] + b[i];
        }
    }
}
