package sparse.engine.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.Device;

/**
 * The OpenCL backend: every device of every platform the ICD loader finds (PoCL on a CPU,
 * the NVIDIA driver on a GPU), through libOpenCL and java.lang.foreign.
 */
public final class OpenClBackend {
    private static List<OpenClDevice> devices;
    private static String unavailableReason;

    private OpenClBackend() {
    }

    /**
     * The devices, ids {@code opencl:<platform>:<device>}, opened on the first call and the
     * same objects afterwards (a device its user closed is opened afresh). Throws
     * {@link BackendUnavailableException} when there is no OpenCL library, platform or device.
     */
    public static synchronized List<Device> open() {
        if (unavailableReason != null) {
            throw new BackendUnavailableException(unavailableReason);
        }
        if (devices == null) {
            try {
                devices = discover();
            } catch (BackendUnavailableException e) {
                unavailableReason = e.getMessage();
                throw e;
            }
        }
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i).isClosed()) {
                devices.set(i, devices.get(i).reopen());
            }
        }
        return List.copyOf(devices);
    }

    private static List<OpenClDevice> discover() {
        OpenCl cl = OpenCl.load();
        List<OpenClDevice> found = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int status = cl.getPlatformIDs(0, MemorySegment.NULL, count);
            if (status == OpenCl.CL_PLATFORM_NOT_FOUND_KHR || (status == OpenCl.CL_SUCCESS && count.get(JAVA_INT, 0) == 0)) {
                throw new BackendUnavailableException(
                        "no OpenCL platform: the ICD loader found none (install pocl-opencl-icd, or an NVIDIA driver)");
            }
            OpenCl.check(status, "clGetPlatformIDs");
            int platformCount = count.get(JAVA_INT, 0);
            MemorySegment platforms = arena.allocate(ADDRESS, platformCount);
            OpenCl.check(cl.getPlatformIDs(platformCount, platforms, MemorySegment.NULL), "clGetPlatformIDs");

            for (int p = 0; p < platformCount; p++) {
                MemorySegment platform = platforms.getAtIndex(ADDRESS, p);
                String platformName = cl.platformString(platform, OpenCl.CL_PLATFORM_NAME);
                status = cl.getDeviceIDs(platform, OpenCl.CL_DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
                if (status == OpenCl.CL_DEVICE_NOT_FOUND) {
                    continue;
                }
                OpenCl.check(status, "clGetDeviceIDs(" + platformName + ")");
                int deviceCount = count.get(JAVA_INT, 0);
                MemorySegment deviceIds = arena.allocate(ADDRESS, deviceCount);
                OpenCl.check(cl.getDeviceIDs(platform, OpenCl.CL_DEVICE_TYPE_ALL, deviceCount, deviceIds, MemorySegment.NULL),
                        "clGetDeviceIDs(" + platformName + ")");
                for (int d = 0; d < deviceCount; d++) {
                    String id = "opencl:" + p + ":" + d;
                    try {
                        found.add(new OpenClDevice(cl, id, platform, platformName, deviceIds.getAtIndex(ADDRESS, d)));
                    } catch (BackendException e) {
                        found.forEach(OpenClDevice::close);
                        throw new BackendUnavailableException("cannot open OpenCL device " + id + " of " + platformName
                                + ": " + e.getMessage());
                    }
                }
            }
        }
        if (found.isEmpty()) {
            throw new BackendUnavailableException("no OpenCL device: the platforms found report none");
        }
        return found;
    }
}
