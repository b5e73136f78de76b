package sparse.engine.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One CUDA device's native state, opened once per process: its primary context, the one
 * stream all its work goes to (so launches run in the order they were issued), and the
 * modules loaded into it. The {@link CudaDevice}s over it differ only in their PTX cache folder.
 */
final class CudaContext {
    final CudaDriver driver;
    final Nvrtc nvrtc;
    final String id;
    final String name;
    final long totalMemory;
    final int maxThreadsPerBlock;
    final long sharedMemoryPerBlock;
    /** NVRTC options: the device's own virtual architecture, and no fast math, so results match the JVM's. */
    final List<String> nvrtcOptions;
    final String nvrtcVersion;
    /**
     * Context-style kernels are launched so that their blocks may be placed while the kernel
     * before them ends (programmatic dependent launch, compute capability 9.0 on; they wait for
     * it first): a decode step's small kernels then start about 1.1 µs sooner each on the H100.
     * {@code @Parallel} kernels are launched plainly and do not wait: element-wise, often over
     * many short blocks, where the wait in every block costs more (the bandwidth probe's vector
     * add ran 2.5–7 % slower with it).
     */
    final boolean programmaticLaunch;
    final MemorySegment stream;
    private final MemorySegment context;
    /** Loaded modules by PTX cache key; guarded by this. */
    private final Map<String, MemorySegment> modules = new HashMap<>();

    CudaContext(CudaDriver driver, Nvrtc nvrtc, int ordinal) {
        this.driver = driver;
        this.nvrtc = nvrtc;
        int device = driver.device(ordinal);
        this.id = "cuda:" + ordinal;
        this.name = driver.deviceName(device);
        this.totalMemory = driver.deviceTotalMem(device);
        this.maxThreadsPerBlock = driver.deviceAttribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, device);
        this.sharedMemoryPerBlock = driver.deviceAttribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, device);
        int major = driver.deviceAttribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        int minor = driver.deviceAttribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        this.nvrtcOptions = List.of("--gpu-architecture=compute_" + major + minor);
        this.programmaticLaunch = major >= 9;
        this.nvrtcVersion = nvrtc.version();
        this.context = driver.primaryContextRetain(device);
        driver.setCurrent(context);
        this.stream = driver.streamCreate();
    }

    /** The driver's current context is per thread: every call that touches the device sets it first. */
    void makeCurrent() {
        driver.setCurrent(context);
    }

    synchronized MemorySegment module(String key) {
        return modules.get(key);
    }

    synchronized void addModule(String key, MemorySegment module) {
        modules.put(key, module);
    }
}
