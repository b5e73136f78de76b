package sparse.engine.backend.jvm;

import java.lang.reflect.Array;
import java.util.List;
import java.util.stream.IntStream;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.engine.backend.KernelCompileException;
import sparse.engine.backend.OutOfDeviceMemoryException;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelSpec;

/**
 * Runs kernels as Java: a parallel-loop kernel is one call whose loops run as written; a
 * context-style kernel runs work-group by work-group (groups in parallel on the common
 * fork-join pool), each work-item with its own {@link KernelContext}. Launches are synchronous.
 */
final class JvmDevice implements Device {
    /** As on most GPUs; the JVM itself has no limit, but kernels must run everywhere. */
    static final int MAX_WORK_GROUP_SIZE = 1024;
    /** CUDA's static shared-memory limit per block, enforced so that kernels fit on a GPU. */
    static final long LOCAL_MEMORY_BYTES = 48 * 1024;
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private final String name = "JVM (" + Runtime.getRuntime().availableProcessors() + " cores)";

    @Override
    public String backend() {
        return "jvm";
    }

    @Override
    public String id() {
        return "jvm";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long globalMemoryBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    @Override
    public long freeMemoryBytes() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    @Override
    public int maxWorkGroupSize() {
        return MAX_WORK_GROUP_SIZE;
    }

    @Override
    public long localMemoryBytes() {
        return LOCAL_MEMORY_BYTES;
    }

    @Override
    public DeviceBuffer allocate(ElementType type, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative buffer length " + length);
        }
        long bytes = length * type.bytes;
        if (length > MAX_ARRAY_LENGTH) {
            throw new BackendException("a jvm buffer is one Java array of at most " + MAX_ARRAY_LENGTH
                    + " elements; asked for " + length + " " + type);
        }
        try {
            return new JvmBuffer(type, Array.newInstance(type.arrayClass.getComponentType(), (int) length));
        } catch (OutOfMemoryError e) {
            throw new OutOfDeviceMemoryException(id(), bytes, freeMemoryBytes());
        }
    }

    @Override
    public CompiledKernel compile(KernelSpec spec) {
        if (spec.invoker() == null) {
            throw new KernelCompileException(kernelName(spec) + " has no Java invoker to run on the jvm backend");
        }
        return new JvmKernel(spec);
    }

    @Override
    public long launch(CompiledKernel kernel, Grid grid, Object[] args, boolean timed) {
        if (!(kernel instanceof JvmKernel(KernelSpec spec))) {
            throw new IllegalArgumentException("kernel " + kernel.spec().name() + " was compiled for another device, not jvm");
        }
        long start = System.nanoTime();
        String kernelName = kernelName(spec);
        checkGrid(kernelName, grid);
        Object[] javaArgs = javaArgs(kernelName, spec, args);
        if (spec.style() == KernelSpec.Style.PARALLEL) {
            // the loops run every iteration as written; the grid only had to be valid
            try {
                spec.invoker().invoke(null, javaArgs);
            } catch (RuntimeException | Error e) {
                throw new BackendException(kernelName + " failed: " + e, e);
            }
        } else {
            runGroups(kernelName, spec, grid, javaArgs);
        }
        return timed ? System.nanoTime() - start : -1;
    }

    @Override
    public void synchronize() {
        // launches and copies are synchronous here
    }

    /** Nothing to release: the device is shared by the process and stays usable. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "jvm: " + name;
    }

    private record JvmKernel(KernelSpec spec) implements CompiledKernel {
    }

    private static String kernelName(KernelSpec spec) {
        String cls = spec.kernelClass();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + spec.name();
    }

    private static void checkGrid(String kernelName, Grid grid) {
        long items = 1;
        for (int d = 0; d < grid.dimensions(); d++) {
            items *= grid.local()[d];
            if (grid.global()[d] > Integer.MAX_VALUE) {
                throw new BackendException(kernelName + ": global size " + grid.global()[d] + " in dimension " + d
                        + " exceeds the int range of work-item ids");
            }
        }
        if (items > MAX_WORK_GROUP_SIZE) {
            throw new BackendException(kernelName + ": work-group of " + items + " work-items (grid " + grid
                    + ") exceeds the maximum of " + MAX_WORK_GROUP_SIZE);
        }
    }

    /** Device buffers become their Java arrays, numbers the box of the parameter's type. */
    private static Object[] javaArgs(String kernelName, KernelSpec spec, Object[] args) {
        List<KernelSpec.Param> params = spec.params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(kernelName + " takes " + params.size() + " arguments, given " + args.length);
        }
        Object[] out = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            KernelSpec.Param p = params.get(i);
            Object a = args[i];
            if (p.type().isArray()) {
                if (!(a instanceof JvmBuffer buffer)) {
                    throw new IllegalArgumentException(kernelName + " parameter " + p.name() + " (" + p.type()
                            + ") needs a jvm device buffer, not " + describe(a));
                }
                if (buffer.type() != elementType(p.type())) {
                    throw new IllegalArgumentException(kernelName + " parameter " + p.name() + " (" + p.type()
                            + ") given a " + buffer.type() + " buffer");
                }
                out[i] = buffer.array();
            } else {
                out[i] = scalar(kernelName, p, a);
            }
        }
        return out;
    }

    private static Object scalar(String kernelName, KernelSpec.Param p, Object a) {
        if (p.type() == KernelSpec.Type.FLOAT && a instanceof Number n) {
            return n.floatValue();
        }
        if (a instanceof Long || a instanceof Integer || a instanceof Short || a instanceof Byte) {
            long v = ((Number) a).longValue();
            Object boxed = switch (p.type()) {
                case INT -> (int) v == v ? (Object) (int) v : null;
                case LONG -> v;
                case SHORT -> (short) v == v ? (Object) (short) v : null;
                case BYTE -> (byte) v == v ? (Object) (byte) v : null;
                default -> null;
            };
            if (boxed != null) {
                return boxed;
            }
        }
        throw new IllegalArgumentException(kernelName + " parameter " + p.name() + " (" + p.type()
                + ") cannot take " + describe(a));
    }

    private static ElementType elementType(KernelSpec.Type type) {
        return switch (type) {
            case INT_ARRAY -> ElementType.INT;
            case LONG_ARRAY -> ElementType.LONG;
            case FLOAT_ARRAY -> ElementType.FLOAT;
            case SHORT_ARRAY -> ElementType.SHORT;
            case BYTE_ARRAY -> ElementType.BYTE;
            default -> throw new IllegalArgumentException(type + " is not an array type");
        };
    }

    private static String describe(Object a) {
        return a == null ? "null" : a.getClass().getSimpleName() + " " + a;
    }

    /**
     * Runs every work-group. After a failure no further group starts; of the groups that
     * failed, the lowest-numbered one is reported.
     */
    private static void runGroups(String kernelName, KernelSpec spec, Grid grid, Object[] args) {
        boolean twoD = grid.dimensions() == 2;
        int localX = grid.local()[0];
        int localY = twoD ? grid.local()[1] : 1;
        int groupsX = (int) grid.groups(0);
        int groupsY = twoD ? (int) grid.groups(1) : 1;
        long groups = (long) groupsX * groupsY;
        if (groups > Integer.MAX_VALUE) {
            throw new BackendException(kernelName + ": " + groups + " work-groups (grid " + grid + ") are too many");
        }
        FirstFailure failure = new FirstFailure();
        IntStream.range(0, (int) groups).parallel().forEach(g -> {
            if (failure.seen()) {
                return;
            }
            var group = new JvmWorkGroup(kernelName, spec, args, g % groupsX, g / groupsX, localX, localY,
                    groupsX, groupsY, twoD);
            try {
                group.run();
            } catch (BackendException e) {
                failure.record(g, e);
            }
        });
        failure.rethrow();
    }

    private static final class FirstFailure {
        private volatile boolean seen;
        private int group = Integer.MAX_VALUE;
        private BackendException error;

        boolean seen() {
            return seen;
        }

        synchronized void record(int group, BackendException e) {
            seen = true;
            if (group < this.group) {
                this.group = group;
                this.error = e;
            }
        }

        synchronized void rethrow() {
            if (error != null) {
                throw error;
            }
        }
    }
}
