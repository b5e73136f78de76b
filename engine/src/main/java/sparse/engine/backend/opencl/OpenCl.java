package sparse.engine.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.BackendUnavailableException;

/**
 * The libOpenCL functions this backend calls, one Java method per C function with the C
 * parameter order. Handles ({@code cl_platform_id}, {@code cl_mem}, ...) are
 * {@link MemorySegment} addresses; {@code size_t} and {@code cl_ulong} are {@code long},
 * {@code cl_uint}, {@code cl_int} and {@code cl_bool} are {@code int}. Every status goes
 * through {@link #check} or {@link #error}.
 */
final class OpenCl {
    // Constants from CL/cl.h.
    static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    static final int CL_PLATFORM_NAME = 0x0902;
    static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    static final int CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
    static final int CL_DEVICE_NAME = 0x102B;
    static final long CL_QUEUE_PROFILING_ENABLE = 1L << 1;
    static final long CL_MEM_READ_WRITE = 1L;
    static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    static final int CL_PROFILING_COMMAND_START = 0x1282;
    static final int CL_PROFILING_COMMAND_END = 0x1283;
    static final int CL_TRUE = 1;
    static final long CL_CONTEXT_PLATFORM = 0x1084;

    static final int CL_SUCCESS = 0;
    static final int CL_DEVICE_NOT_FOUND = -1;
    static final int CL_MEM_OBJECT_ALLOCATION_FAILURE = -4;
    static final int CL_OUT_OF_RESOURCES = -5;
    static final int CL_BUILD_PROGRAM_FAILURE = -11;
    static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;

    private static final Map<Integer, String> STATUS_NAMES = Map.ofEntries(
            Map.entry(0, "CL_SUCCESS"),
            Map.entry(-1, "CL_DEVICE_NOT_FOUND"),
            Map.entry(-2, "CL_DEVICE_NOT_AVAILABLE"),
            Map.entry(-3, "CL_COMPILER_NOT_AVAILABLE"),
            Map.entry(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE"),
            Map.entry(-5, "CL_OUT_OF_RESOURCES"),
            Map.entry(-6, "CL_OUT_OF_HOST_MEMORY"),
            Map.entry(-7, "CL_PROFILING_INFO_NOT_AVAILABLE"),
            Map.entry(-8, "CL_MEM_COPY_OVERLAP"),
            Map.entry(-9, "CL_IMAGE_FORMAT_MISMATCH"),
            Map.entry(-10, "CL_IMAGE_FORMAT_NOT_SUPPORTED"),
            Map.entry(-11, "CL_BUILD_PROGRAM_FAILURE"),
            Map.entry(-12, "CL_MAP_FAILURE"),
            Map.entry(-13, "CL_MISALIGNED_SUB_BUFFER_OFFSET"),
            Map.entry(-14, "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST"),
            Map.entry(-15, "CL_COMPILE_PROGRAM_FAILURE"),
            Map.entry(-16, "CL_LINKER_NOT_AVAILABLE"),
            Map.entry(-17, "CL_LINK_PROGRAM_FAILURE"),
            Map.entry(-18, "CL_DEVICE_PARTITION_FAILED"),
            Map.entry(-19, "CL_KERNEL_ARG_INFO_NOT_AVAILABLE"),
            Map.entry(-30, "CL_INVALID_VALUE"),
            Map.entry(-31, "CL_INVALID_DEVICE_TYPE"),
            Map.entry(-32, "CL_INVALID_PLATFORM"),
            Map.entry(-33, "CL_INVALID_DEVICE"),
            Map.entry(-34, "CL_INVALID_CONTEXT"),
            Map.entry(-35, "CL_INVALID_QUEUE_PROPERTIES"),
            Map.entry(-36, "CL_INVALID_COMMAND_QUEUE"),
            Map.entry(-37, "CL_INVALID_HOST_PTR"),
            Map.entry(-38, "CL_INVALID_MEM_OBJECT"),
            Map.entry(-39, "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR"),
            Map.entry(-40, "CL_INVALID_IMAGE_SIZE"),
            Map.entry(-41, "CL_INVALID_SAMPLER"),
            Map.entry(-42, "CL_INVALID_BINARY"),
            Map.entry(-43, "CL_INVALID_BUILD_OPTIONS"),
            Map.entry(-44, "CL_INVALID_PROGRAM"),
            Map.entry(-45, "CL_INVALID_PROGRAM_EXECUTABLE"),
            Map.entry(-46, "CL_INVALID_KERNEL_NAME"),
            Map.entry(-47, "CL_INVALID_KERNEL_DEFINITION"),
            Map.entry(-48, "CL_INVALID_KERNEL"),
            Map.entry(-49, "CL_INVALID_ARG_INDEX"),
            Map.entry(-50, "CL_INVALID_ARG_VALUE"),
            Map.entry(-51, "CL_INVALID_ARG_SIZE"),
            Map.entry(-52, "CL_INVALID_KERNEL_ARGS"),
            Map.entry(-53, "CL_INVALID_WORK_DIMENSION"),
            Map.entry(-54, "CL_INVALID_WORK_GROUP_SIZE"),
            Map.entry(-55, "CL_INVALID_WORK_ITEM_SIZE"),
            Map.entry(-56, "CL_INVALID_GLOBAL_OFFSET"),
            Map.entry(-57, "CL_INVALID_EVENT_WAIT_LIST"),
            Map.entry(-58, "CL_INVALID_EVENT"),
            Map.entry(-59, "CL_INVALID_OPERATION"),
            Map.entry(-60, "CL_INVALID_GL_OBJECT"),
            Map.entry(-61, "CL_INVALID_BUFFER_SIZE"),
            Map.entry(-62, "CL_INVALID_MIP_LEVEL"),
            Map.entry(-63, "CL_INVALID_GLOBAL_WORK_SIZE"),
            Map.entry(-64, "CL_INVALID_PROPERTY"),
            Map.entry(-65, "CL_INVALID_IMAGE_DESCRIPTOR"),
            Map.entry(-66, "CL_INVALID_COMPILER_OPTIONS"),
            Map.entry(-67, "CL_INVALID_LINKER_OPTIONS"),
            Map.entry(-68, "CL_INVALID_DEVICE_PARTITION_COUNT"),
            Map.entry(-69, "CL_INVALID_PIPE_SIZE"),
            Map.entry(-70, "CL_INVALID_DEVICE_QUEUE"),
            Map.entry(-71, "CL_INVALID_SPEC_ID"),
            Map.entry(-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED"),
            Map.entry(-1001, "CL_PLATFORM_NOT_FOUND_KHR"));

    /** The name of an OpenCL status code, e.g. {@code CL_OUT_OF_RESOURCES}. */
    static String statusName(int status) {
        return STATUS_NAMES.getOrDefault(status, "unknown OpenCL status");
    }

    /** The exception for a failed call: the call, the status name and its number. */
    static BackendException error(int status, String call) {
        return new BackendException(call + " failed: " + statusName(status) + " (" + status + ")");
    }

    static void check(int status, String call) {
        if (status != CL_SUCCESS) {
            throw error(status, call);
        }
    }

    private final MethodHandle clGetPlatformIDs;
    private final MethodHandle clGetPlatformInfo;
    private final MethodHandle clGetDeviceIDs;
    private final MethodHandle clGetDeviceInfo;
    private final MethodHandle clCreateContext;
    private final MethodHandle clCreateCommandQueue;
    private final MethodHandle clCreateBuffer;
    private final MethodHandle clEnqueueWriteBuffer;
    private final MethodHandle clEnqueueReadBuffer;
    private final MethodHandle clCreateProgramWithSource;
    private final MethodHandle clBuildProgram;
    private final MethodHandle clGetProgramBuildInfo;
    private final MethodHandle clCreateKernel;
    private final MethodHandle clSetKernelArg;
    private final MethodHandle clEnqueueNDRangeKernel;
    private final MethodHandle clFinish;
    private final MethodHandle clWaitForEvents;
    private final MethodHandle clGetEventProfilingInfo;
    private final MethodHandle clReleaseEvent;
    private final MethodHandle clReleaseMemObject;
    private final MethodHandle clReleaseKernel;
    private final MethodHandle clReleaseProgram;
    private final MethodHandle clReleaseCommandQueue;
    private final MethodHandle clReleaseContext;

    private OpenCl(SymbolLookup lib) {
        clGetPlatformIDs = bind(lib, "clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        clGetPlatformInfo = bind(lib, "clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clGetDeviceIDs = bind(lib, "clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        clGetDeviceInfo = bind(lib, "clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clCreateContext = bind(lib, "clCreateContext", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        // Deprecated in OpenCL 2.0 but kept by every 3.0 driver, and the only choice on 1.2 ones.
        clCreateCommandQueue = bind(lib, "clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        clCreateBuffer = bind(lib, "clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
        clEnqueueWriteBuffer = bind(lib, "clEnqueueWriteBuffer", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        clEnqueueReadBuffer = bind(lib, "clEnqueueReadBuffer", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        clCreateProgramWithSource = bind(lib, "clCreateProgramWithSource", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        clBuildProgram = bind(lib, "clBuildProgram", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        clGetProgramBuildInfo = bind(lib, "clGetProgramBuildInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clCreateKernel = bind(lib, "clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        clSetKernelArg = bind(lib, "clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
        clEnqueueNDRangeKernel = bind(lib, "clEnqueueNDRangeKernel", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        clFinish = bind(lib, "clFinish", JAVA_INT, ADDRESS);
        clWaitForEvents = bind(lib, "clWaitForEvents", JAVA_INT, JAVA_INT, ADDRESS);
        clGetEventProfilingInfo = bind(lib, "clGetEventProfilingInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clReleaseEvent = bind(lib, "clReleaseEvent", JAVA_INT, ADDRESS);
        clReleaseMemObject = bind(lib, "clReleaseMemObject", JAVA_INT, ADDRESS);
        clReleaseKernel = bind(lib, "clReleaseKernel", JAVA_INT, ADDRESS);
        clReleaseProgram = bind(lib, "clReleaseProgram", JAVA_INT, ADDRESS);
        clReleaseCommandQueue = bind(lib, "clReleaseCommandQueue", JAVA_INT, ADDRESS);
        clReleaseContext = bind(lib, "clReleaseContext", JAVA_INT, ADDRESS);
    }

    /**
     * Loads the ICD loader (libOpenCL.so.1, or the unversioned name some installs have) for the
     * life of the process; throws {@link BackendUnavailableException} when there is none.
     */
    static OpenCl load() {
        if (ADDRESS.byteSize() != 8) {
            throw new BackendUnavailableException("the opencl backend needs a 64-bit JVM (size_t is bound as a long)");
        }
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup("libOpenCL.so.1", Arena.global());
        } catch (IllegalArgumentException notFound) {
            try {
                lib = SymbolLookup.libraryLookup("libOpenCL.so", Arena.global());
            } catch (IllegalArgumentException alsoNotFound) {
                throw new BackendUnavailableException("no libOpenCL.so.1 on the library path (install ocl-icd-libopencl1)");
            }
        }
        return new OpenCl(lib);
    }

    private static MethodHandle bind(SymbolLookup lib, String name, MemoryLayout result, MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new BackendUnavailableException(
                "the OpenCL library has no " + name + " (an ICD loader older than OpenCL 1.2?)"));
        return Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(result, args));
    }

    /** A Throwable from invokeExact: the handles' types are fixed, so only errors and runtime exceptions arrive. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException("checked exception from a native call", t);
    }

    /** A string property of a platform, e.g. {@link #CL_PLATFORM_NAME}. */
    String platformString(MemorySegment platform, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            check(getPlatformInfo(platform, param, 0, MemorySegment.NULL, size), "clGetPlatformInfo");
            MemorySegment value = arena.allocate(size.get(JAVA_LONG, 0) + 1);
            check(getPlatformInfo(platform, param, value.byteSize() - 1, value, MemorySegment.NULL), "clGetPlatformInfo");
            return value.getString(0).strip();
        }
    }

    /** A string property of a device, e.g. {@link #CL_DEVICE_NAME}. */
    String deviceString(MemorySegment device, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            check(getDeviceInfo(device, param, 0, MemorySegment.NULL, size), "clGetDeviceInfo");
            MemorySegment value = arena.allocate(size.get(JAVA_LONG, 0) + 1);
            check(getDeviceInfo(device, param, value.byteSize() - 1, value, MemorySegment.NULL), "clGetDeviceInfo");
            return value.getString(0).strip();
        }
    }

    /** A {@code cl_ulong} or {@code size_t} property of a device (both 8 bytes here). */
    long deviceLong(MemorySegment device, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            check(getDeviceInfo(device, param, JAVA_LONG.byteSize(), value, MemorySegment.NULL), "clGetDeviceInfo");
            return value.get(JAVA_LONG, 0);
        }
    }

    int getPlatformIDs(int numEntries, MemorySegment platforms, MemorySegment numPlatforms) {
        try {
            return (int) clGetPlatformIDs.invokeExact(numEntries, platforms, numPlatforms);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int getPlatformInfo(MemorySegment platform, int param, long size, MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetPlatformInfo.invokeExact(platform, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int getDeviceIDs(MemorySegment platform, long type, int numEntries, MemorySegment devices, MemorySegment numDevices) {
        try {
            return (int) clGetDeviceIDs.invokeExact(platform, type, numEntries, devices, numDevices);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int getDeviceInfo(MemorySegment device, int param, long size, MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetDeviceInfo.invokeExact(device, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createContext(MemorySegment properties, int numDevices, MemorySegment devices,
                                MemorySegment notify, MemorySegment userData, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateContext.invokeExact(properties, numDevices, devices, notify, userData, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createCommandQueue(MemorySegment context, MemorySegment device, long properties, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateCommandQueue.invokeExact(context, device, properties, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createBuffer(MemorySegment context, long flags, long size, MemorySegment hostPtr, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateBuffer.invokeExact(context, flags, size, hostPtr, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int enqueueWriteBuffer(MemorySegment queue, MemorySegment buffer, int blocking, long offset, long size,
                           MemorySegment ptr, int numEvents, MemorySegment waitList, MemorySegment event) {
        try {
            return (int) clEnqueueWriteBuffer.invokeExact(queue, buffer, blocking, offset, size, ptr, numEvents, waitList, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int enqueueReadBuffer(MemorySegment queue, MemorySegment buffer, int blocking, long offset, long size,
                          MemorySegment ptr, int numEvents, MemorySegment waitList, MemorySegment event) {
        try {
            return (int) clEnqueueReadBuffer.invokeExact(queue, buffer, blocking, offset, size, ptr, numEvents, waitList, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createProgramWithSource(MemorySegment context, int count, MemorySegment strings,
                                          MemorySegment lengths, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateProgramWithSource.invokeExact(context, count, strings, lengths, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int buildProgram(MemorySegment program, int numDevices, MemorySegment devices, MemorySegment options,
                     MemorySegment notify, MemorySegment userData) {
        try {
            return (int) clBuildProgram.invokeExact(program, numDevices, devices, options, notify, userData);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int getProgramBuildInfo(MemorySegment program, MemorySegment device, int param, long size,
                            MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetProgramBuildInfo.invokeExact(program, device, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createKernel(MemorySegment program, MemorySegment name, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateKernel.invokeExact(program, name, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int setKernelArg(MemorySegment kernel, int index, long size, MemorySegment value) {
        try {
            return (int) clSetKernelArg.invokeExact(kernel, index, size, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int enqueueNDRangeKernel(MemorySegment queue, MemorySegment kernel, int workDim, MemorySegment globalOffset,
                             MemorySegment globalSize, MemorySegment localSize, int numEvents,
                             MemorySegment waitList, MemorySegment event) {
        try {
            return (int) clEnqueueNDRangeKernel.invokeExact(queue, kernel, workDim, globalOffset, globalSize, localSize,
                    numEvents, waitList, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int finish(MemorySegment queue) {
        try {
            return (int) clFinish.invokeExact(queue);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int waitForEvents(int numEvents, MemorySegment events) {
        try {
            return (int) clWaitForEvents.invokeExact(numEvents, events);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int getEventProfilingInfo(MemorySegment event, int param, long size, MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetEventProfilingInfo.invokeExact(event, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int releaseEvent(MemorySegment event) {
        return release(clReleaseEvent, event);
    }

    int releaseMemObject(MemorySegment mem) {
        return release(clReleaseMemObject, mem);
    }

    int releaseKernel(MemorySegment kernel) {
        return release(clReleaseKernel, kernel);
    }

    int releaseProgram(MemorySegment program) {
        return release(clReleaseProgram, program);
    }

    int releaseCommandQueue(MemorySegment queue) {
        return release(clReleaseCommandQueue, queue);
    }

    int releaseContext(MemorySegment context) {
        return release(clReleaseContext, context);
    }

    private static int release(MethodHandle handle, MemorySegment object) {
        try {
            return (int) handle.invokeExact(object);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
