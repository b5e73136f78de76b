package sparse.engine.backend;

import java.util.List;
import sparse.tasks.lang.KernelSpec;

/**
 * One device of one backend: allocates buffers, compiles kernels, launches them in order.
 * Launches are asynchronous on GPUs; {@link #synchronize()} and buffer reads wait.
 */
public interface Device extends AutoCloseable {

    /** The backend's name: {@code cuda}, {@code opencl} or {@code jvm}. */
    String backend();

    /** A stable id to choose this device by: {@code cuda:0}, {@code opencl:0:1}, {@code jvm}. */
    String id();

    /** The device's own name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    String name();

    long globalMemoryBytes();

    /** Free device memory now, as the driver reports it (total where it cannot tell). */
    long freeMemoryBytes();

    int maxWorkGroupSize();

    long localMemoryBytes();

    /**
     * Whether {@code KernelContext.shuffle} exchanges registers here (CUDA's {@code __shfl_sync}),
     * rather than going through local memory between two barriers (OpenCL, the JVM): a method
     * may pick a kernel built on shuffles only where they are cheap.
     */
    default boolean registerShuffles() {
        return false;
    }

    /** Throws {@link OutOfDeviceMemoryException} saying how much was asked and how much is free. */
    DeviceBuffer allocate(ElementType type, long length);

    /** Compiles (or fetches from the cache) the kernel; throws {@link KernelCompileException}. */
    CompiledKernel compile(KernelSpec spec);

    /**
     * Launches {@code kernel} over {@code grid}. {@code args} follow the kernel's declared
     * parameters: a {@link DeviceBuffer} for each array, a boxed number for each scalar (array
     * lengths are appended by the backend). With {@code timed}, waits and returns the
     * kernel's device time in nanoseconds; otherwise returns -1 at once.
     */
    long launch(CompiledKernel kernel, Grid grid, Object[] args, boolean timed);

    /** Waits until every launch and copy issued so far has finished. */
    void synchronize();

    /**
     * Runs {@code parts} in order (each issues work on this device) and returns, per part, the
     * time from its start to its end, in nanoseconds, after waiting for all of them. Here the
     * wall time, the queue drained before each part and after it; CUDA measures on the device,
     * an event between each two parts, with the parts queued before the first event fires (so
     * that no part's time holds a wait for the host's launches).
     */
    default long[] timeSpans(List<Runnable> parts) {
        long[] nanos = new long[parts.size()];
        for (int i = 0; i < nanos.length; i++) {
            synchronize();
            long start = System.nanoTime();
            parts.get(i).run();
            synchronize();
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    @Override
    void close();

    /** A kernel ready to launch on one device. */
    interface CompiledKernel {
        KernelSpec spec();
    }
}
