package sparse.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.engine.backend.KernelCompileException;
import sparse.tasks.kernels.probe.HoldKernels;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.KernelSpec.Param;

/**
 * A CUDA device: kernels compiled by NVRTC to PTX (cached on disk), loaded by the driver,
 * launched on the device's one stream. Launches return at once; {@link #synchronize()},
 * buffer reads and timed launches wait.
 */
final class CudaDevice implements Device {
    private final CudaContext context;
    private final PtxCache ptxCache;
    /** {@link #timeSpans}'s hold: kernel, its value, iterations per nanosecond, the longest queueing seen. */
    private CompiledKernel holdKernel;
    private DeviceBuffer holdValue;
    private double holdIterationsPerNano;
    private long longestQueueNanos;
    private boolean lateHoldReported;

    CudaDevice(CudaContext context, PtxCache ptxCache) {
        this.context = context;
        this.ptxCache = ptxCache;
    }

    /**
     * A kernel's function in a module loaded into {@code context}, with the argument block that
     * every launch of it fills: the launch copies the values, so one block serves every
     * launch, and a launch allocates nothing (the host's time per launch bounds a decode step).
     */
    record CudaKernel(KernelSpec spec, String what, CudaContext context, MemorySegment function, ArgumentBlock args)
            implements CompiledKernel {
    }

    /**
     * One 8-byte slot per kernel argument (the declared parameters, then each array's length), a
     * pointer to each, and the launch's configuration (cuLaunchKernelEx's, with its attribute).
     */
    record ArgumentBlock(MemorySegment slots, MemorySegment pointers, MemorySegment config) {
        static ArgumentBlock of(int count) {
            Arena arena = Arena.ofAuto();
            MemorySegment slots = arena.allocate(8L * Math.max(1, count), 8);
            MemorySegment pointers = arena.allocate(ADDRESS, Math.max(1, count));
            for (int i = 0; i < count; i++) {
                pointers.setAtIndex(ADDRESS, i, slots.asSlice(8L * i, 8));
            }
            return new ArgumentBlock(slots, pointers, CudaDriver.programmaticLaunchConfig(arena));
        }
    }

    @Override
    public String backend() {
        return "cuda";
    }

    @Override
    public String id() {
        return context.id;
    }

    @Override
    public String name() {
        return context.name;
    }

    @Override
    public long globalMemoryBytes() {
        return context.totalMemory;
    }

    @Override
    public long freeMemoryBytes() {
        context.makeCurrent();
        return context.driver.freeMemory();
    }

    @Override
    public int maxWorkGroupSize() {
        return context.maxThreadsPerBlock;
    }

    @Override
    public long localMemoryBytes() {
        return context.sharedMemoryPerBlock;
    }

    @Override
    public boolean registerShuffles() {
        return true;
    }

    @Override
    public DeviceBuffer allocate(ElementType type, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("a buffer of " + length + " " + type + " elements");
        }
        long bytes = Math.multiplyExact(length, (long) type.bytes);
        if (bytes == 0) {
            return new CudaBuffer(context, type, 0, 0);
        }
        context.makeCurrent();
        return new CudaBuffer(context, type, length, context.driver.memAlloc(bytes, context.id));
    }

    /**
     * Compiles the kernel's class program once per device (NVRTC, or the PTX cache when an
     * earlier run compiled the same text with the same options), then finds the kernel in it.
     */
    @Override
    public CompiledKernel compile(KernelSpec spec) {
        KernelSpec.Source source = spec.cuda();
        if (source == null) {
            throw new IllegalArgumentException("kernel " + spec.kernelClass() + "." + spec.name() + " has no CUDA source");
        }
        String key = PtxCache.key(source.text(), context.nvrtcOptions, context.nvrtcVersion);
        MemorySegment module;
        synchronized (context) {
            module = context.module(key);
            if (module == null) {
                String ptx = ptxCache.read(key).orElseGet(() -> compileToPtx(spec, key));
                context.makeCurrent();
                module = context.driver.moduleLoadData(ptx);
                context.addModule(key, module);
            }
        }
        context.makeCurrent();
        int arrays = (int) spec.params().stream().filter(p -> p.type().isArray()).count();
        return new CudaKernel(spec, spec.kernelClass() + "." + spec.name(), context,
                context.driver.moduleGetFunction(module, spec.entryPoint()), ArgumentBlock.of(spec.params().size() + arrays));
    }

    private String compileToPtx(KernelSpec spec, String key) {
        String programName = spec.kernelClass().substring(spec.kernelClass().lastIndexOf('.') + 1) + ".cu";
        Nvrtc.Output out = context.nvrtc.compile(spec.cuda().text(), programName, context.nvrtcOptions);
        if (!out.compiled()) {
            throw KernelCompileException.of(spec, "CUDA C", spec.cuda(), out.log());
        }
        ptxCache.write(key, out.ptx());
        return out.ptx();
    }

    @Override
    public long launch(CompiledKernel compiled, Grid grid, Object[] args, boolean timed) {
        if (!(compiled instanceof CudaKernel kernel) || kernel.context() != context) {
            throw new IllegalArgumentException("kernel " + compiled.spec().name() + " was not compiled for " + context.id);
        }
        String what = kernel.what();
        int blockX = grid.local()[0];
        int blockY = grid.dimensions() == 2 ? grid.local()[1] : 1;
        if ((long) blockX * blockY > context.maxThreadsPerBlock) {
            throw new IllegalArgumentException("kernel " + what + ": a work-group of " + blockX * blockY
                    + " threads (grid " + grid + ") is over " + context.id + "'s limit of " + context.maxThreadsPerBlock);
        }
        long groupsX = grid.groups(0);
        long groupsY = grid.dimensions() == 2 ? grid.groups(1) : 1;
        if (groupsX > Integer.MAX_VALUE || groupsY > 65535) {
            throw new IllegalArgumentException("kernel " + what + ": grid " + grid + " has more work-groups than CUDA allows ("
                    + Integer.MAX_VALUE + " in x, 65535 in y)");
        }
        // the block is the kernel's own: launches of one kernel from two threads take turns
        synchronized (kernel) {
            fillArguments(kernel, args);
            context.makeCurrent();
            if (!timed && context.programmaticLaunch && kernel.spec().style() == KernelSpec.Style.CONTEXT) {
                context.driver.launchKernelProgrammatic(what, kernel.function(), (int) groupsX, (int) groupsY, blockX,
                        blockY, context.stream, kernel.args().pointers(), kernel.args().config());
                return -1;
            }
            if (!timed) {
                context.driver.launchKernel(what, kernel.function(), (int) groupsX, (int) groupsY, blockX, blockY,
                        context.stream, kernel.args().pointers());
                return -1;
            }
            MemorySegment start = context.driver.eventCreate();
            MemorySegment end = context.driver.eventCreate();
            try {
                context.driver.eventRecord(start, context.stream);
                context.driver.launchKernel(what, kernel.function(), (int) groupsX, (int) groupsY, blockX, blockY,
                        context.stream, kernel.args().pointers());
                context.driver.eventRecord(end, context.stream);
                context.driver.eventSynchronize(end);
                return Math.round(context.driver.eventElapsedTime(start, end) * 1e6);
            } finally {
                context.driver.eventDestroy(start);
                context.driver.eventDestroy(end);
            }
        }
    }

    /**
     * Writes {@code args} into the kernel's argument block in the KernelSpec calling convention:
     * the declared parameters, then each array's length.
     */
    private void fillArguments(CudaKernel kernel, Object[] args) {
        List<Param> params = kernel.spec().params();
        String what = kernel.what();
        if (args.length != params.size()) {
            throw new IllegalArgumentException("kernel " + what + " takes " + params.size() + " arguments "
                    + params.stream().map(Param::name).toList() + ", got " + args.length);
        }
        MemorySegment slots = kernel.args().slots();
        int lengths = params.size();
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            Object arg = args[i];
            long at = 8L * i;
            switch (p.type()) {
                case INT -> slots.set(JAVA_INT, at, scalar(what, p, arg, Integer.class));
                case LONG -> slots.set(JAVA_LONG, at, scalar(what, p, arg, Long.class));
                case FLOAT -> slots.set(JAVA_FLOAT, at, scalar(what, p, arg, Float.class));
                case SHORT -> slots.set(JAVA_SHORT, at, scalar(what, p, arg, Short.class));
                case BYTE -> slots.set(JAVA_BYTE, at, scalar(what, p, arg, Byte.class));
                case INT_ARRAY, LONG_ARRAY, FLOAT_ARRAY, SHORT_ARRAY, BYTE_ARRAY -> {
                    CudaBuffer buffer = buffer(what, p, arg);
                    if (buffer.length() > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("kernel " + what + ": array " + buffer
                                + " is too long for its int length parameter");
                    }
                    slots.set(JAVA_LONG, at, buffer.pointer());
                    slots.set(JAVA_INT, 8L * lengths++, (int) buffer.length());
                }
            }
        }
    }

    private static <T> T scalar(String kernel, Param p, Object arg, Class<T> type) {
        if (!type.isInstance(arg)) {
            throw new IllegalArgumentException("kernel " + kernel + ": parameter '" + p.name() + "' (" + p.type()
                    + ") needs a " + type.getSimpleName() + ", got " + describe(arg));
        }
        return type.cast(arg);
    }

    private CudaBuffer buffer(String kernel, Param p, Object arg) {
        ElementType expected = switch (p.type()) {
            case INT_ARRAY -> ElementType.INT;
            case LONG_ARRAY -> ElementType.LONG;
            case FLOAT_ARRAY -> ElementType.FLOAT;
            case SHORT_ARRAY -> ElementType.SHORT;
            case BYTE_ARRAY -> ElementType.BYTE;
            default -> throw new IllegalStateException(p.type() + " is not an array type");
        };
        if (!(arg instanceof CudaBuffer buffer) || buffer.context != context || buffer.type() != expected) {
            throw new IllegalArgumentException("kernel " + kernel + ": parameter '" + p.name() + "' (" + p.type()
                    + ") needs a " + expected + " buffer on " + context.id + ", got " + describe(arg));
        }
        return buffer;
    }

    private static String describe(Object arg) {
        return arg == null ? "null" : arg instanceof DeviceBuffer ? arg.toString() : arg.getClass().getSimpleName() + " " + arg;
    }

    /**
     * An event on the stream before each part and after the last: the device's own time for
     * each, with the parts queued ahead. A hold kernel ({@link HoldKernels#hold}) runs first,
     * for at least {@link #MIN_HOLD_NANOS} and twice the longest time the host has taken to
     * queue such parts, so that the first event fires once every launch is queued: the spans
     * are the device running the parts back to back, not waiting for the host's launches
     * (nvbench's blocking kernel). Where the hold ended before the host had queued the parts,
     * the spans hold those waits: said once on standard error, and the next hold is longer.
     */
    @Override
    public long[] timeSpans(List<Runnable> parts) {
        context.makeCurrent();
        MemorySegment[] events = new MemorySegment[parts.size() + 1];
        try {
            for (int i = 0; i < events.length; i++) {
                events[i] = context.driver.eventCreate();
            }
            hold(Math.max(MIN_HOLD_NANOS, 2 * longestQueueNanos));
            context.makeCurrent();
            context.driver.eventRecord(events[0], context.stream);
            long queueStart = System.nanoTime();
            for (int i = 0; i < parts.size(); i++) {
                parts.get(i).run();
                context.makeCurrent();
                context.driver.eventRecord(events[i + 1], context.stream);
            }
            long queued = System.nanoTime() - queueStart;
            boolean late = context.driver.eventDone(events[0]);
            longestQueueNanos = Math.max(longestQueueNanos, queued);
            if (late && !lateHoldReported) {
                lateHoldReported = true;
                System.err.printf(Locale.ROOT, "%s: the timing hold ended before %d launches were queued (%.0f us);"
                        + " these spans include waits for the host, later holds last %.0f us%n", context.id, parts.size(),
                        queued / 1e3, 2 * longestQueueNanos / 1e3);
            }
            context.driver.eventSynchronize(events[parts.size()]);
            long[] nanos = new long[parts.size()];
            for (int i = 0; i < nanos.length; i++) {
                nanos[i] = Math.round(context.driver.eventElapsedTime(events[i], events[i + 1]) * 1e6);
            }
            return nanos;
        } finally {
            for (MemorySegment e : events) {
                if (e != null) {
                    context.driver.eventDestroy(e);
                }
            }
        }
    }

    /** The shortest hold before timed parts: longer than queueing a decode step's launches takes. */
    static final long MIN_HOLD_NANOS = 1_000_000;
    /** Iterations of the hold kernel's chain timed once to learn its rate. */
    private static final int HOLD_CALIBRATION = 1 << 20;

    /** Queues the hold kernel for about {@code nanos} of device time. */
    private void hold(long nanos) {
        Grid one = Grid.of(1, 1);
        if (holdKernel == null) {
            holdKernel = compile(KernelSpec.lookup(HoldKernels.class, "hold"));
            holdValue = allocate(ElementType.FLOAT, 1);
            holdValue.write(new float[]{1f});
            long calibration = launch(holdKernel, one, new Object[]{holdValue, HOLD_CALIBRATION}, true);
            holdIterationsPerNano = HOLD_CALIBRATION / (double) Math.max(1, calibration);
        }
        int iterations = (int) Math.min(Integer.MAX_VALUE, Math.ceil(nanos * holdIterationsPerNano));
        launch(holdKernel, one, new Object[]{holdValue, iterations}, false);
    }

    /** Waits for the stream; an error from earlier asynchronous work (a faulting kernel) surfaces here. */
    @Override
    public void synchronize() {
        context.makeCurrent();
        context.driver.streamSynchronize(context.stream);
    }

    /**
     * Waits for the device's work. The context stays: it is opened once per process and shared
     * by every {@link CudaBackend#open} caller; the driver releases it when the process exits.
     */
    @Override
    public void close() {
        context.makeCurrent();
        context.driver.contextSynchronize();
        if (holdValue != null) {
            holdValue.close();
            holdValue = null;
            holdKernel = null;
        }
    }

    @Override
    public String toString() {
        return context.id + " (" + context.name + ")";
    }

    /** The PTX the disk cache holds for {@code spec}'s program on this device, if any. */
    Optional<String> cachedPtx(KernelSpec spec) {
        return ptxCache.read(PtxCache.key(spec.cuda().text(), context.nvrtcOptions, context.nvrtcVersion));
    }
}
