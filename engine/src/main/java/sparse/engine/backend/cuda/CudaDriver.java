package sparse.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.OutOfDeviceMemoryException;

/**
 * The CUDA driver API functions this backend calls (libcuda.so.1), one Java method per C
 * function. Handles ({@code CUcontext}, {@code CUmodule}, {@code CUfunction}, {@code CUstream},
 * {@code CUevent}) are {@link MemorySegment} addresses; {@code CUdevice} is an {@code int},
 * {@code CUdeviceptr} and {@code size_t} are {@code long}. Every status goes through
 * {@link #check}, which names the call and the status ({@code cuGetErrorName}).
 */
final class CudaDriver {
    // Constants from cuda.h.
    static final int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
    static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    private static final int CUDA_SUCCESS = 0;
    private static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    private static final int CUDA_ERROR_NOT_READY = 600;
    private static final int CU_JIT_ERROR_LOG_BUFFER = 5;
    private static final int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    private static final int JIT_LOG_BYTES = 16 * 1024;
    /**
     * {@code CUlaunchConfig}: grid and block sizes and the dynamic shared memory, seven unsigned
     * ints; then the stream at 32, the attribute array at 40 and its length at 48. One
     * {@code CUlaunchAttribute} follows it in the same block: its id, padding, a 64-byte value.
     */
    private static final long LAUNCH_CONFIG_BYTES = 56;
    private static final long LAUNCH_ATTRIBUTE_BYTES = 72;
    private static final int CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION = 6;

    private final MethodHandle cuGetErrorName;
    private final MethodHandle cuInit;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemGetInfo;
    private final MethodHandle cuMemcpyHtoD;
    private final MethodHandle cuMemcpyDtoH;
    private final MethodHandle cuModuleLoadDataEx;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuLaunchKernelEx;
    private final MethodHandle cuStreamCreate;
    private final MethodHandle cuStreamSynchronize;
    private final MethodHandle cuEventCreate;
    private final MethodHandle cuEventRecord;
    private final MethodHandle cuEventSynchronize;
    private final MethodHandle cuEventQuery;
    private final MethodHandle cuEventElapsedTime;
    private final MethodHandle cuEventDestroy;

    private CudaDriver(SymbolLookup lib) {
        cuGetErrorName = bind(lib, "cuGetErrorName", JAVA_INT, ADDRESS);
        cuInit = bind(lib, "cuInit", JAVA_INT);
        cuDeviceGetCount = bind(lib, "cuDeviceGetCount", ADDRESS);
        cuDeviceGet = bind(lib, "cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = bind(lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceTotalMem = bind(lib, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        cuDeviceGetAttribute = bind(lib, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        // The primary context avoids cuCtxCreate, which CUDA 13 versions with a params struct.
        cuDevicePrimaryCtxRetain = bind(lib, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuCtxSetCurrent = bind(lib, "cuCtxSetCurrent", ADDRESS);
        cuCtxSynchronize = bind(lib, "cuCtxSynchronize");
        cuMemAlloc = bind(lib, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = bind(lib, "cuMemFree_v2", JAVA_LONG);
        cuMemGetInfo = bind(lib, "cuMemGetInfo_v2", ADDRESS, ADDRESS);
        cuMemcpyHtoD = bind(lib, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        cuMemcpyDtoH = bind(lib, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        cuModuleLoadDataEx = bind(lib, "cuModuleLoadDataEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        cuModuleGetFunction = bind(lib, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        cuLaunchKernel = bind(lib, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuLaunchKernelEx = bind(lib, "cuLaunchKernelEx", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        cuStreamCreate = bind(lib, "cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamSynchronize = bind(lib, "cuStreamSynchronize", ADDRESS);
        cuEventCreate = bind(lib, "cuEventCreate", ADDRESS, JAVA_INT);
        cuEventRecord = bind(lib, "cuEventRecord", ADDRESS, ADDRESS);
        cuEventSynchronize = bind(lib, "cuEventSynchronize", ADDRESS);
        cuEventQuery = bind(lib, "cuEventQuery", ADDRESS);
        cuEventElapsedTime = bind(lib, "cuEventElapsedTime", ADDRESS, ADDRESS, ADDRESS);
        cuEventDestroy = bind(lib, "cuEventDestroy_v2", ADDRESS);
    }

    /** Loads libcuda.so.1 for the life of the process; throws {@link BackendUnavailableException} when there is none. */
    static CudaDriver load() {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        } catch (IllegalArgumentException notFound) {
            throw new BackendUnavailableException("no libcuda.so.1 (no NVIDIA driver on this machine)");
        }
        return new CudaDriver(lib);
    }

    /** Every function returns a {@code CUresult}. */
    private static MethodHandle bind(SymbolLookup lib, String name, MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new BackendUnavailableException(
                "libcuda.so.1 has no " + name + " (a driver older than CUDA 12?)"));
        return Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args));
    }

    /** One native call returning a {@code CUresult}; the handles' types are fixed, so only errors arrive as throwables. */
    @FunctionalInterface
    private interface Call {
        int invoke() throws Throwable;
    }

    private static int status(Call call) {
        try {
            return call.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("unexpected checked exception from a native call", t);
        }
    }

    /** The status's name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    String errorName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            int s = status(() -> (int) cuGetErrorName.invokeExact(status, name));
            if (s != CUDA_SUCCESS) {
                return "unknown CUresult";
            }
            return name.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE).getString(0);
        }
    }

    /** Throws a {@link BackendException} naming {@code call} and the status when the status is not success. */
    void check(String call, int status) {
        if (status != CUDA_SUCCESS) {
            throw new BackendException(call + " failed: " + errorName(status) + " (" + status + ")");
        }
    }

    private void run(String name, Call call) {
        check(name, status(call));
    }

    void init() {
        run("cuInit", () -> (int) cuInit.invokeExact(0));
    }

    int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            run("cuDeviceGetCount", () -> (int) cuDeviceGetCount.invokeExact(count));
            return count.get(JAVA_INT, 0);
        }
    }

    int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(JAVA_INT);
            run("cuDeviceGet", () -> (int) cuDeviceGet.invokeExact(device, ordinal));
            return device.get(JAVA_INT, 0);
        }
    }

    String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            int size = 256;
            MemorySegment name = arena.allocate(size);
            run("cuDeviceGetName", () -> (int) cuDeviceGetName.invokeExact(name, size, device));
            return name.getString(0);
        }
    }

    long deviceTotalMem(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            run("cuDeviceTotalMem_v2", () -> (int) cuDeviceTotalMem.invokeExact(bytes, device));
            return bytes.get(JAVA_LONG, 0);
        }
    }

    int deviceAttribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            run("cuDeviceGetAttribute(" + attribute + ")",
                    () -> (int) cuDeviceGetAttribute.invokeExact(value, attribute, device));
            return value.get(JAVA_INT, 0);
        }
    }

    MemorySegment primaryContextRetain(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment context = arena.allocate(ADDRESS);
            run("cuDevicePrimaryCtxRetain", () -> (int) cuDevicePrimaryCtxRetain.invokeExact(context, device));
            return context.get(ADDRESS, 0);
        }
    }

    void setCurrent(MemorySegment context) {
        run("cuCtxSetCurrent", () -> (int) cuCtxSetCurrent.invokeExact(context));
    }

    void contextSynchronize() {
        run("cuCtxSynchronize", () -> (int) cuCtxSynchronize.invokeExact());
    }

    /** Device memory of {@code bytes}; when the device has too little, says how much is free. */
    long memAlloc(long bytes, String deviceId) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(JAVA_LONG);
            int status = status(() -> (int) cuMemAlloc.invokeExact(pointer, bytes));
            if (status == CUDA_ERROR_OUT_OF_MEMORY) {
                throw new OutOfDeviceMemoryException(deviceId, bytes, freeMemory());
            }
            check("cuMemAlloc_v2(" + bytes + " bytes)", status);
            return pointer.get(JAVA_LONG, 0);
        }
    }

    void memFree(long pointer) {
        run("cuMemFree_v2", () -> (int) cuMemFree.invokeExact(pointer));
    }

    /** Free memory of the current context's device. */
    long freeMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            run("cuMemGetInfo_v2", () -> (int) cuMemGetInfo.invokeExact(free, total));
            return free.get(JAVA_LONG, 0);
        }
    }

    void memcpyHtoD(long destination, MemorySegment source, long bytes) {
        run("cuMemcpyHtoD_v2", () -> (int) cuMemcpyHtoD.invokeExact(destination, source, bytes));
    }

    void memcpyDtoH(MemorySegment destination, long source, long bytes) {
        run("cuMemcpyDtoH_v2", () -> (int) cuMemcpyDtoH.invokeExact(destination, source, bytes));
    }

    /** Loads a PTX module (the driver JIT-compiles it); a failure carries the JIT's error log. */
    MemorySegment moduleLoadData(String ptx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = arena.allocate(ADDRESS);
            MemorySegment image = arena.allocateFrom(ptx);
            MemorySegment log = arena.allocate(JIT_LOG_BYTES);
            MemorySegment options = arena.allocateFrom(JAVA_INT, CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment values = arena.allocate(ADDRESS, 2);
            values.setAtIndex(ADDRESS, 0, log);
            // An integer option value travels in the pointer slot itself.
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(JIT_LOG_BYTES));
            int status = status(() -> (int) cuModuleLoadDataEx.invokeExact(module, image, 2, options, values));
            if (status != CUDA_SUCCESS) {
                throw new BackendException("cuModuleLoadDataEx failed: " + errorName(status) + " (" + status
                        + "); JIT log:\n" + log.getString(0));
            }
            return module.get(ADDRESS, 0);
        }
    }

    MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment function = arena.allocate(ADDRESS);
            MemorySegment cName = arena.allocateFrom(name);
            run("cuModuleGetFunction(" + name + ")",
                    () -> (int) cuModuleGetFunction.invokeExact(function, module, cName));
            return function.get(ADDRESS, 0);
        }
    }

    /** {@code kernelParams} is an array of pointers, one to each argument's value. */
    void launchKernel(String what, MemorySegment function, int gridX, int gridY, int blockX, int blockY,
                      MemorySegment stream, MemorySegment kernelParams) {
        int status = status(() -> (int) cuLaunchKernel.invokeExact(function, gridX, gridY, 1,
                blockX, blockY, 1, 0, stream, kernelParams, MemorySegment.NULL));
        if (status != CUDA_SUCCESS) {
            check("cuLaunchKernel(" + what + ")", status);
        }
    }

    /**
     * A launch configuration for {@link #launchKernelProgrammatic}: LAUNCH_CONFIG_BYTES, then
     * LAUNCH_ATTRIBUTE_BYTES, with what never changes between launches written once (depth 1, no
     * dynamic shared memory, the one attribute: programmatic stream serialization).
     */
    static MemorySegment programmaticLaunchConfig(Arena arena) {
        MemorySegment config = arena.allocate(LAUNCH_CONFIG_BYTES + LAUNCH_ATTRIBUTE_BYTES, 8);
        config.set(JAVA_INT, 8, 1);
        config.set(JAVA_INT, 20, 1);
        config.set(JAVA_INT, 24, 0);
        MemorySegment attribute = config.asSlice(LAUNCH_CONFIG_BYTES, LAUNCH_ATTRIBUTE_BYTES);
        attribute.set(JAVA_INT, 0, CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
        attribute.set(JAVA_INT, 8, 1);
        config.set(ADDRESS, 40, attribute);
        config.set(JAVA_INT, 48, 1);
        return config;
    }

    /**
     * As {@link #launchKernel}, but the launch may begin while the kernel before it in the stream
     * still runs (programmatic stream serialization, sm_90 on): the kernel must wait for that one
     * first (the translator's {@code griddepcontrol.wait}). {@code config} comes from
     * {@link #programmaticLaunchConfig}; the grid, block and stream are written into it.
     */
    void launchKernelProgrammatic(String what, MemorySegment function, int gridX, int gridY, int blockX, int blockY,
                                  MemorySegment stream, MemorySegment kernelParams, MemorySegment config) {
        config.set(JAVA_INT, 0, gridX);
        config.set(JAVA_INT, 4, gridY);
        config.set(JAVA_INT, 12, blockX);
        config.set(JAVA_INT, 16, blockY);
        config.set(ADDRESS, 32, stream);
        int status = status(() -> (int) cuLaunchKernelEx.invokeExact(config, function, kernelParams,
                MemorySegment.NULL));
        if (status != CUDA_SUCCESS) {
            check("cuLaunchKernelEx(" + what + ")", status);
        }
    }

    /** A stream that orders itself after the legacy default stream, so synchronous copies stay in order with launches. */
    MemorySegment streamCreate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stream = arena.allocate(ADDRESS);
            run("cuStreamCreate", () -> (int) cuStreamCreate.invokeExact(stream, 0));
            return stream.get(ADDRESS, 0);
        }
    }

    void streamSynchronize(MemorySegment stream) {
        run("cuStreamSynchronize", () -> (int) cuStreamSynchronize.invokeExact(stream));
    }

    MemorySegment eventCreate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            run("cuEventCreate", () -> (int) cuEventCreate.invokeExact(event, 0));
            return event.get(ADDRESS, 0);
        }
    }

    void eventRecord(MemorySegment event, MemorySegment stream) {
        run("cuEventRecord", () -> (int) cuEventRecord.invokeExact(event, stream));
    }

    void eventSynchronize(MemorySegment event) {
        run("cuEventSynchronize", () -> (int) cuEventSynchronize.invokeExact(event));
    }

    /** Whether the event has completed (the work before it in its stream is done). */
    boolean eventDone(MemorySegment event) {
        int status = status(() -> (int) cuEventQuery.invokeExact(event));
        if (status == CUDA_ERROR_NOT_READY) {
            return false;
        }
        check("cuEventQuery", status);
        return true;
    }

    /** Milliseconds between two completed events (about half a microsecond resolution). */
    float eventElapsedTime(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ms = arena.allocate(JAVA_FLOAT);
            run("cuEventElapsedTime", () -> (int) cuEventElapsedTime.invokeExact(ms, start, end));
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    void eventDestroy(MemorySegment event) {
        run("cuEventDestroy_v2", () -> (int) cuEventDestroy.invokeExact(event));
    }
}
