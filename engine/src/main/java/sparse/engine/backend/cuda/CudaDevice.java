package sparse.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.engine.backend.KernelCompileException;
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

    CudaDevice(CudaContext context, PtxCache ptxCache) {
        this.context = context;
        this.ptxCache = ptxCache;
    }

    /** A kernel's function in a module loaded into {@code context}. */
    record CudaKernel(KernelSpec spec, CudaContext context, MemorySegment function) implements CompiledKernel {
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
        return new CudaKernel(spec, context, context.driver.moduleGetFunction(module, spec.entryPoint()));
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
        KernelSpec spec = kernel.spec();
        String what = spec.kernelClass() + "." + spec.name();
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = kernelParams(arena, what, spec.params(), args);
            context.makeCurrent();
            if (!timed) {
                context.driver.launchKernel(what, kernel.function(), (int) groupsX, (int) groupsY, blockX, blockY,
                        context.stream, params);
                return -1;
            }
            MemorySegment start = context.driver.eventCreate();
            MemorySegment end = context.driver.eventCreate();
            try {
                context.driver.eventRecord(start, context.stream);
                context.driver.launchKernel(what, kernel.function(), (int) groupsX, (int) groupsY, blockX, blockY,
                        context.stream, params);
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
     * The {@code kernelParams} array of cuLaunchKernel, one pointer to each argument's value, in
     * the KernelSpec calling convention: the declared parameters, then each array's length.
     */
    private MemorySegment kernelParams(Arena arena, String kernel, List<Param> params, Object[] args) {
        if (args.length != params.size()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + params.size() + " arguments "
                    + params.stream().map(Param::name).toList() + ", got " + args.length);
        }
        List<MemorySegment> values = new ArrayList<>();
        List<CudaBuffer> arrays = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            Object arg = args[i];
            values.add(switch (p.type()) {
                case INT -> arena.allocateFrom(JAVA_INT, scalar(kernel, p, arg, Integer.class));
                case LONG -> arena.allocateFrom(JAVA_LONG, scalar(kernel, p, arg, Long.class));
                case FLOAT -> arena.allocateFrom(JAVA_FLOAT, scalar(kernel, p, arg, Float.class));
                case SHORT -> arena.allocateFrom(JAVA_SHORT, scalar(kernel, p, arg, Short.class));
                case BYTE -> arena.allocateFrom(JAVA_BYTE, scalar(kernel, p, arg, Byte.class));
                case INT_ARRAY, LONG_ARRAY, FLOAT_ARRAY, SHORT_ARRAY, BYTE_ARRAY -> {
                    CudaBuffer buffer = buffer(kernel, p, arg);
                    arrays.add(buffer);
                    yield arena.allocateFrom(JAVA_LONG, buffer.pointer());
                }
            });
        }
        for (int i = 0; i < arrays.size(); i++) {
            long length = arrays.get(i).length();
            if (length > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("kernel " + kernel + ": array " + arrays.get(i)
                        + " is too long for its int length parameter");
            }
            values.add(arena.allocateFrom(JAVA_INT, (int) length));
        }
        MemorySegment pointers = arena.allocate(ADDRESS, Math.max(1, values.size()));
        for (int i = 0; i < values.size(); i++) {
            pointers.setAtIndex(ADDRESS, i, values.get(i));
        }
        return pointers;
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

    /** An event on the stream before each part and after the last: the device's own time for each. */
    @Override
    public long[] timeSpans(List<Runnable> parts) {
        context.makeCurrent();
        MemorySegment[] events = new MemorySegment[parts.size() + 1];
        try {
            for (int i = 0; i < events.length; i++) {
                events[i] = context.driver.eventCreate();
            }
            context.driver.eventRecord(events[0], context.stream);
            for (int i = 0; i < parts.size(); i++) {
                parts.get(i).run();
                context.makeCurrent();
                context.driver.eventRecord(events[i + 1], context.stream);
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
