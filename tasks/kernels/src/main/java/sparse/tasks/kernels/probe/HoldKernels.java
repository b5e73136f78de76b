package sparse.tasks.kernels.probe;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.Parallel;

/**
 * Keeps a device's queue busy while the host queues the work that a benchmark times, so that
 * the timing events see the device run that work back to back instead of waiting for the
 * host's launches (nvbench's "blocking kernel"; torch.cuda._sleep does the same for PyTorch).
 */
public final class HoldKernels {
    private HoldKernels() {
    }

    /**
     * One work-item runs a chain of {@code iterations} dependent multiply-adds on
     * {@code value[0]}, {@code x ← x / 2 + 1}: exact in fp32 (it halves the distance to 2), so
     * that every backend leaves the same value.
     */
    @Kernel
    public static void hold(float[] value, int iterations) {
        for (@Parallel int i = 0; i < 1; i++) {
            float x = value[0];
            for (int k = 0; k < iterations; k++) {
                x = x * 0.5f + 1.0f;
            }
            value[0] = x;
        }
    }
}
