package sparse.engine.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.engine.backend.KernelCompileException;
import sparse.engine.backend.OutOfDeviceMemoryException;
import sparse.tasks.lang.KernelSpec;

/** One OpenCL device: a context and one in-order queue with profiling enabled. */
final class OpenClDevice implements Device {
    /** OpenCL C 1.2 everywhere (PoCL and NVIDIA alike); no fast-math, so results match the JVM reference. */
    private static final String BUILD_OPTIONS = "-cl-std=CL1.2";

    final OpenCl cl;
    private final String id;
    private final MemorySegment platform;
    private final String platformName;
    private final MemorySegment deviceId;
    private final String name;
    private final long globalMemoryBytes;
    private final long maxAllocationBytes;
    private final int maxWorkGroupSize;
    private final long localMemoryBytes;
    private final MemorySegment context;
    final MemorySegment queue;

    // Guarded by this.
    private long allocatedBytes;
    private final Set<OpenClBuffer> buffers = new LinkedHashSet<>();
    private final Map<String, Program> programs = new HashMap<>();
    private final Map<String, OpenClKernel> kernels = new HashMap<>();
    private volatile boolean closed;

    /** A built program: one per kernel class, holding all its kernels. */
    private record Program(String text, MemorySegment handle) {
    }

    OpenClDevice(OpenCl cl, String id, MemorySegment platform, String platformName, MemorySegment deviceId) {
        this.cl = cl;
        this.id = id;
        this.platform = platform;
        this.platformName = platformName;
        this.deviceId = deviceId;
        this.name = cl.deviceString(deviceId, OpenCl.CL_DEVICE_NAME) + " (" + platformName + ")";
        this.globalMemoryBytes = cl.deviceLong(deviceId, OpenCl.CL_DEVICE_GLOBAL_MEM_SIZE);
        this.maxAllocationBytes = cl.deviceLong(deviceId, OpenCl.CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.maxWorkGroupSize = (int) Math.min(Integer.MAX_VALUE, cl.deviceLong(deviceId, OpenCl.CL_DEVICE_MAX_WORK_GROUP_SIZE));
        this.localMemoryBytes = cl.deviceLong(deviceId, OpenCl.CL_DEVICE_LOCAL_MEM_SIZE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(JAVA_INT);
            // Naming the platform lets the ICD loader dispatch when several platforms are installed.
            MemorySegment properties = arena.allocateFrom(JAVA_LONG, OpenCl.CL_CONTEXT_PLATFORM, platform.address(), 0L);
            this.context = cl.createContext(properties, 1, arena.allocateFrom(ADDRESS, deviceId),
                    MemorySegment.NULL, MemorySegment.NULL, error);
            OpenCl.check(error.get(JAVA_INT, 0), "clCreateContext(" + name + ")");
            this.queue = cl.createCommandQueue(context, deviceId, OpenCl.CL_QUEUE_PROFILING_ENABLE, error);
            int status = error.get(JAVA_INT, 0);
            if (status != OpenCl.CL_SUCCESS) {
                cl.releaseContext(context);
                throw OpenCl.error(status, "clCreateCommandQueue(" + name + ")");
            }
        }
    }

    /** The same device, opened anew after its user closed this one. */
    OpenClDevice reopen() {
        return new OpenClDevice(cl, id, platform, platformName, deviceId);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String backend() {
        return "opencl";
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long globalMemoryBytes() {
        return globalMemoryBytes;
    }

    /** OpenCL cannot say what is free; this is the global memory less what this device object allocated. */
    @Override
    public synchronized long freeMemoryBytes() {
        return globalMemoryBytes - allocatedBytes;
    }

    @Override
    public int maxWorkGroupSize() {
        return maxWorkGroupSize;
    }

    @Override
    public long localMemoryBytes() {
        return localMemoryBytes;
    }

    @Override
    public synchronized DeviceBuffer allocate(ElementType type, long length) {
        checkOpen();
        if (length < 0) {
            throw new IllegalArgumentException("negative buffer length " + length);
        }
        long bytes = Math.multiplyExact(length, (long) type.bytes);
        long free = globalMemoryBytes - allocatedBytes;
        if (bytes > maxAllocationBytes) {
            throw new OutOfDeviceMemoryException(id + " (" + name + "; one buffer holds at most " + maxAllocationBytes + " bytes)",
                    bytes, free);
        }
        if (bytes > free) {
            throw new OutOfDeviceMemoryException(id + " (" + name + ")", bytes, free);
        }
        MemorySegment mem;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(JAVA_INT);
            // OpenCL has no empty buffers; a zero-length one takes one byte that nothing reads.
            mem = cl.createBuffer(context, OpenCl.CL_MEM_READ_WRITE, Math.max(1, bytes), MemorySegment.NULL, error);
            int status = error.get(JAVA_INT, 0);
            if (isOutOfMemory(status)) {
                throw new OutOfDeviceMemoryException(id + " (" + name + "; clCreateBuffer: " + OpenCl.statusName(status) + ")",
                        bytes, free);
            }
            OpenCl.check(status, "clCreateBuffer(" + bytes + " bytes on " + id + ")");
            // Drivers allocate on first use; touch one byte now so that running out shows here, not in a later launch.
            status = cl.enqueueWriteBuffer(queue, mem, OpenCl.CL_TRUE, 0, 1, arena.allocate(1), 0, MemorySegment.NULL,
                    MemorySegment.NULL);
            if (status != OpenCl.CL_SUCCESS) {
                cl.releaseMemObject(mem);
                if (isOutOfMemory(status)) {
                    throw new OutOfDeviceMemoryException(id + " (" + name + "; first use: " + OpenCl.statusName(status) + ")",
                            bytes, free);
                }
                throw OpenCl.error(status, "clEnqueueWriteBuffer(first use of a new " + bytes + "-byte buffer on " + id + ")");
            }
        }
        OpenClBuffer buffer = new OpenClBuffer(this, type, length, mem);
        allocatedBytes += bytes;
        buffers.add(buffer);
        return buffer;
    }

    private static boolean isOutOfMemory(int status) {
        return status == OpenCl.CL_MEM_OBJECT_ALLOCATION_FAILURE || status == OpenCl.CL_OUT_OF_RESOURCES;
    }

    /** Called by {@link OpenClBuffer#close()}. */
    synchronized void free(OpenClBuffer buffer) {
        if (buffers.remove(buffer)) {
            allocatedBytes -= buffer.length() * buffer.type().bytes;
            OpenCl.check(cl.releaseMemObject(buffer.mem), "clReleaseMemObject");
        }
    }

    @Override
    public synchronized CompiledKernel compile(KernelSpec spec) {
        checkOpen();
        if (spec.opencl() == null) {
            throw new IllegalArgumentException(spec.kernelClass() + "." + spec.name() + " has no OpenCL C source");
        }
        Program program = program(spec);
        String key = spec.kernelClass() + "#" + spec.entryPoint();
        OpenClKernel kernel = kernels.get(key);
        if (kernel == null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment error = arena.allocate(JAVA_INT);
                MemorySegment handle = cl.createKernel(program.handle(), arena.allocateFrom(spec.entryPoint()), error);
                OpenCl.check(error.get(JAVA_INT, 0), "clCreateKernel(\"" + spec.entryPoint() + "\") of " + spec.kernelClass());
                kernel = new OpenClKernel(this, spec, handle);
            }
            kernels.put(key, kernel);
        }
        return kernel;
    }

    /** The built program of the spec's class, built on first use. */
    private Program program(KernelSpec spec) {
        String text = spec.opencl().text();
        Program program = programs.get(spec.kernelClass());
        if (program != null) {
            if (!program.text().equals(text)) {
                throw new IllegalArgumentException("two different OpenCL programs for kernel class " + spec.kernelClass());
            }
            return program;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(JAVA_INT);
            MemorySegment strings = arena.allocateFrom(ADDRESS, arena.allocateFrom(text));
            MemorySegment handle = cl.createProgramWithSource(context, 1, strings, MemorySegment.NULL, error);
            OpenCl.check(error.get(JAVA_INT, 0), "clCreateProgramWithSource(" + spec.kernelClass() + ")");
            int status = cl.buildProgram(handle, 1, arena.allocateFrom(ADDRESS, deviceId), arena.allocateFrom(BUILD_OPTIONS),
                    MemorySegment.NULL, MemorySegment.NULL);
            if (status != OpenCl.CL_SUCCESS) {
                String log = buildLog(handle);
                cl.releaseProgram(handle);
                if (status == OpenCl.CL_BUILD_PROGRAM_FAILURE) {
                    throw KernelCompileException.of(spec, "OpenCL C", spec.opencl(), log);
                }
                throw OpenCl.error(status, "clBuildProgram(" + spec.kernelClass() + ", " + BUILD_OPTIONS + ") on " + name
                        + (log.isBlank() ? "" : "; build log:\n" + log));
            }
            program = new Program(text, handle);
        }
        programs.put(spec.kernelClass(), program);
        return program;
    }

    private String buildLog(MemorySegment program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            OpenCl.check(cl.getProgramBuildInfo(program, deviceId, OpenCl.CL_PROGRAM_BUILD_LOG, 0, MemorySegment.NULL, size),
                    "clGetProgramBuildInfo");
            MemorySegment log = arena.allocate(size.get(JAVA_LONG, 0) + 1);
            OpenCl.check(cl.getProgramBuildInfo(program, deviceId, OpenCl.CL_PROGRAM_BUILD_LOG, log.byteSize() - 1, log,
                    MemorySegment.NULL), "clGetProgramBuildInfo");
            return log.getString(0).strip();
        }
    }

    @Override
    public long launch(CompiledKernel compiled, Grid grid, Object[] args, boolean timed) {
        checkOpen();
        if (!(compiled instanceof OpenClKernel kernel) || kernel.device != this) {
            throw new IllegalArgumentException("kernel " + compiled.spec().kernelClass() + "." + compiled.spec().name()
                    + " was not compiled for " + id);
        }
        KernelSpec spec = kernel.spec();
        String where = spec.kernelClass() + "." + spec.name();
        List<KernelSpec.Param> params = spec.params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(where + " takes " + params.size() + " arguments " + signature(params)
                    + ", got " + args.length);
        }
        // clSetKernelArg on one kernel object is not thread-safe; arguments and enqueue go together.
        synchronized (kernel) {
            try (Arena arena = Arena.ofConfined()) {
                List<OpenClBuffer> arrays = new ArrayList<>();
                int index = 0;
                for (int i = 0; i < params.size(); i++) {
                    KernelSpec.Param param = params.get(i);
                    MemorySegment value;
                    if (param.type().isArray()) {
                        OpenClBuffer buffer = bufferArgument(where, param, args[i]);
                        arrays.add(buffer);
                        value = arena.allocateFrom(ADDRESS, buffer.mem);
                    } else {
                        value = scalarArgument(arena, where, param, args[i]);
                    }
                    setArgument(kernel, index++, value, where, param.name());
                }
                for (int i = 0; i < arrays.size(); i++) {
                    OpenClBuffer buffer = arrays.get(i);
                    if (buffer.length() > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException(where + ": an array of " + buffer.length()
                                + " elements is longer than its int length parameter can say");
                    }
                    setArgument(kernel, index++, arena.allocateFrom(JAVA_INT, (int) buffer.length()), where, "an array length");
                }

                int dims = grid.dimensions();
                MemorySegment global = arena.allocateFrom(JAVA_LONG, grid.global());
                MemorySegment local = arena.allocate(JAVA_LONG, dims);
                for (int d = 0; d < dims; d++) {
                    local.setAtIndex(JAVA_LONG, d, grid.local()[d]);
                }
                MemorySegment event = timed ? arena.allocate(ADDRESS) : MemorySegment.NULL;
                int status = cl.enqueueNDRangeKernel(queue, kernel.handle, dims, MemorySegment.NULL, global, local,
                        0, MemorySegment.NULL, event);
                if (status != OpenCl.CL_SUCCESS) {
                    throw OpenCl.error(status, "clEnqueueNDRangeKernel(" + where + ", grid " + grid + ", on " + id + ")");
                }
                return timed ? elapsedNanos(arena, event.get(ADDRESS, 0), where) : -1;
            }
        }
    }

    private OpenClBuffer bufferArgument(String where, KernelSpec.Param param, Object arg) {
        ElementType expected = elementType(param.type());
        if (!(arg instanceof DeviceBuffer given)) {
            throw new IllegalArgumentException(where + ": parameter " + param.name() + " takes a DeviceBuffer of "
                    + expected + ", got " + describe(arg));
        }
        if (!(given instanceof OpenClBuffer buffer) || buffer.device != this) {
            throw new IllegalArgumentException(where + ": parameter " + param.name() + " got a buffer of another device (this is "
                    + id + ")");
        }
        if (buffer.isClosed()) {
            throw new IllegalArgumentException(where + ": parameter " + param.name() + " got a closed buffer");
        }
        if (buffer.type() != expected) {
            throw new IllegalArgumentException(where + ": parameter " + param.name() + " takes a buffer of " + expected
                    + ", got one of " + buffer.type());
        }
        return buffer;
    }

    private static MemorySegment scalarArgument(Arena arena, String where, KernelSpec.Param param, Object arg) {
        MemorySegment value = switch (param.type()) {
            case INT -> arg instanceof Integer v ? arena.allocateFrom(JAVA_INT, v) : null;
            case LONG -> arg instanceof Long v ? arena.allocateFrom(JAVA_LONG, v) : null;
            case FLOAT -> arg instanceof Float v ? arena.allocateFrom(JAVA_FLOAT, v) : null;
            case SHORT -> arg instanceof Short v ? arena.allocateFrom(JAVA_SHORT, v) : null;
            case BYTE -> arg instanceof Byte v ? arena.allocateFrom(JAVA_BYTE, v) : null;
            default -> throw new IllegalStateException("not a scalar type: " + param.type());
        };
        if (value == null) {
            throw new IllegalArgumentException(where + ": parameter " + param.name() + " takes a "
                    + param.type().name().toLowerCase() + ", got " + describe(arg));
        }
        return value;
    }

    private void setArgument(OpenClKernel kernel, int index, MemorySegment value, String where, String what) {
        int status = cl.setKernelArg(kernel.handle, index, value.byteSize(), value);
        if (status != OpenCl.CL_SUCCESS) {
            throw OpenCl.error(status, "clSetKernelArg(" + where + ", argument " + index + ": " + what + ")");
        }
    }

    /** Waits for a launch and reads its device time from the profiling counters; releases the event. */
    private long elapsedNanos(Arena arena, MemorySegment event, String where) {
        try {
            OpenCl.check(cl.waitForEvents(1, arena.allocateFrom(ADDRESS, event)), "clWaitForEvents(" + where + ")");
            MemorySegment time = arena.allocate(JAVA_LONG);
            OpenCl.check(cl.getEventProfilingInfo(event, OpenCl.CL_PROFILING_COMMAND_START, 8, time, MemorySegment.NULL),
                    "clGetEventProfilingInfo(START)");
            long start = time.get(JAVA_LONG, 0);
            OpenCl.check(cl.getEventProfilingInfo(event, OpenCl.CL_PROFILING_COMMAND_END, 8, time, MemorySegment.NULL),
                    "clGetEventProfilingInfo(END)");
            return time.get(JAVA_LONG, 0) - start;
        } finally {
            cl.releaseEvent(event);
        }
    }

    static ElementType elementType(KernelSpec.Type type) {
        return switch (type) {
            case FLOAT_ARRAY -> ElementType.FLOAT;
            case INT_ARRAY -> ElementType.INT;
            case LONG_ARRAY -> ElementType.LONG;
            case SHORT_ARRAY -> ElementType.SHORT;
            case BYTE_ARRAY -> ElementType.BYTE;
            default -> throw new IllegalStateException("not an array type: " + type);
        };
    }

    private static String signature(List<KernelSpec.Param> params) {
        StringBuilder b = new StringBuilder("(");
        for (KernelSpec.Param p : params) {
            b.append(b.length() == 1 ? "" : ", ").append(p.type().name().toLowerCase()).append(' ').append(p.name());
        }
        return b.append(')').toString();
    }

    private static String describe(Object arg) {
        return arg == null ? "null" : arg.getClass().getSimpleName();
    }

    @Override
    public void synchronize() {
        checkOpen();
        OpenCl.check(cl.finish(queue), "clFinish(" + id + ")");
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device " + id + " is closed");
        }
    }

    /**
     * Waits for the queue, then releases every buffer, kernel and program, the queue and the
     * context. Release statuses are not checked: a failed release leaves nothing to undo, and
     * the queue's own failure is reported after everything was released.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        int finish = cl.finish(queue);
        for (OpenClBuffer buffer : List.copyOf(buffers)) {
            buffer.markClosed();
            cl.releaseMemObject(buffer.mem);
        }
        buffers.clear();
        allocatedBytes = 0;
        for (OpenClKernel kernel : kernels.values()) {
            cl.releaseKernel(kernel.handle);
        }
        kernels.clear();
        for (Program program : programs.values()) {
            cl.releaseProgram(program.handle());
        }
        programs.clear();
        cl.releaseCommandQueue(queue);
        cl.releaseContext(context);
        OpenCl.check(finish, "clFinish(" + id + ") while closing");
    }

    @Override
    public String toString() {
        return id + " " + name;
    }
}
