package sparse.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import sparse.config.EngineConfig;

/** The configuration flags every subcommand shares; each overrides its SPARSE_* variable. */
public final class DeviceOptions {
    @Option(names = "--device", paramLabel = "ID", description = "auto, jvm, cuda:N or opencl:P:D (SPARSE_DEVICE)")
    String device;

    @Option(names = "--backend-order", paramLabel = "LIST", description = "backends auto tries, e.g. cuda,opencl,jvm (SPARSE_BACKEND_ORDER)")
    String backendOrder;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "compiled-kernel cache (SPARSE_CACHE_DIR)")
    String cacheDir;

    @Option(names = "--grid", paramLabel = "GRAPH.TASK=G/L", description = "launch grid of one task (SPARSE_GRID)")
    List<String> grids;

    public EngineConfig config() {
        Map<String, String> flags = new LinkedHashMap<>();
        if (device != null) {
            flags.put("device", device);
        }
        if (backendOrder != null) {
            flags.put("backend.order", backendOrder);
        }
        if (cacheDir != null) {
            flags.put("cache.dir", cacheDir);
        }
        if (grids != null) {
            flags.put("grid", String.join(",", grids));
        }
        return EngineConfig.load(flags);
    }
}
