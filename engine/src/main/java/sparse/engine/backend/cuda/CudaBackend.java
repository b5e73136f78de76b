package sparse.engine.backend.cuda;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.Device;

/**
 * The CUDA backend: the driver API (libcuda.so.1) and NVRTC through java.lang.foreign.
 * Devices are {@code cuda:0}, {@code cuda:1}, ...; each is opened once per process (its
 * primary context and one stream) and shared by every caller.
 */
public final class CudaBackend {
    /** Every device's native state, or null before the first open. */
    private static List<CudaContext> contexts;
    /** Why the backend cannot run here, once an open failed. */
    private static String unavailableReason;
    /** The devices handed out, per PTX cache folder. */
    private static final Map<Path, List<Device>> devices = new HashMap<>();

    private CudaBackend() {
    }

    /** {@code ${user.home}/.cache/sparse/ptx}. */
    public static Path defaultPtxCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "sparse", "ptx");
    }

    /** The CUDA devices, caching PTX in {@link #defaultPtxCacheDir()}. */
    public static List<Device> open() {
        return open(defaultPtxCacheDir());
    }

    /**
     * The CUDA devices, caching compiled PTX in {@code ptxCacheDir}; throws
     * {@link BackendUnavailableException} with the reason when there is no usable driver,
     * device or NVRTC.
     */
    public static synchronized List<Device> open(Path ptxCacheDir) {
        if (unavailableReason != null) {
            throw new BackendUnavailableException(unavailableReason);
        }
        if (contexts == null) {
            try {
                contexts = openContexts();
            } catch (BackendException e) {
                // Any driver failure while opening means the backend cannot run here.
                unavailableReason = e.getMessage();
                throw e instanceof BackendUnavailableException u ? u : new BackendUnavailableException(unavailableReason);
            }
        }
        Path dir = ptxCacheDir.toAbsolutePath().normalize();
        return devices.computeIfAbsent(dir, d -> {
            PtxCache cache = new PtxCache(d);
            return contexts.stream().<Device>map(c -> new CudaDevice(c, cache)).toList();
        });
    }

    private static List<CudaContext> openContexts() {
        CudaDriver driver = CudaDriver.load();
        driver.init();
        int count = driver.deviceCount();
        if (count == 0) {
            throw new BackendUnavailableException("no CUDA device (cuDeviceGetCount found 0)");
        }
        Nvrtc nvrtc = Nvrtc.load();
        List<CudaContext> opened = new ArrayList<>();
        for (int ordinal = 0; ordinal < count; ordinal++) {
            opened.add(new CudaContext(driver, nvrtc, ordinal));
        }
        return List.copyOf(opened);
    }
}
