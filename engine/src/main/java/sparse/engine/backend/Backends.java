package sparse.engine.backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import sparse.config.EngineConfig;
import sparse.engine.backend.cuda.CudaBackend;
import sparse.engine.backend.jvm.JvmBackend;
import sparse.engine.backend.opencl.OpenClBackend;

/** Finds every backend's devices, and for each backend that cannot run here, why not. */
public final class Backends {
    private Backends() {
    }

    /** One backend's outcome: its devices, or the reason it has none. */
    public record Status(String backend, List<Device> devices, String unavailableReason) {
        public boolean available() {
            return unavailableReason == null;
        }
    }

    /**
     * Probes the backends in the given order ({@code cuda}, {@code opencl}, {@code jvm});
     * {@code cacheDir} holds compiled device code.
     */
    public static List<Status> probe(List<String> order, Path cacheDir) {
        List<Status> out = new ArrayList<>();
        for (String name : order) {
            Supplier<List<Device>> opener = switch (name) {
                case "cuda" -> () -> CudaBackend.open(cacheDir.resolve("ptx"));
                case "opencl" -> OpenClBackend::open;
                case "jvm" -> JvmBackend::open;
                default -> throw new IllegalArgumentException("unknown backend '" + name + "' (known: cuda, opencl, jvm)");
            };
            try {
                out.add(new Status(name, List.copyOf(opener.get()), null));
            } catch (BackendUnavailableException e) {
                out.add(new Status(name, List.of(), e.getMessage()));
            }
        }
        return out;
    }

    /**
     * The device the configuration names, or for {@code auto} the first device of the first
     * backend in the configured order that runs here. Never substitutes another device: a
     * named device that is missing is an error saying why.
     */
    public static Device select(EngineConfig config) {
        String wanted = config.device();
        if (wanted.equals("auto")) {
            for (Status s : probe(config.backendOrder(), config.cacheDir())) {
                if (!s.devices().isEmpty()) {
                    return s.devices().get(0);
                }
            }
            throw new BackendUnavailableException("no backend runs here (tried " + String.join(", ", config.backendOrder()) + ")");
        }
        String backend = wanted.substring(0, wanted.indexOf(':') < 0 ? wanted.length() : wanted.indexOf(':'));
        Status s = probe(List.of(backend), config.cacheDir()).get(0);
        if (!s.available()) {
            throw new BackendUnavailableException("device " + wanted + " is not available: " + s.unavailableReason());
        }
        for (Device d : s.devices()) {
            if (d.id().equals(wanted)) {
                return d;
            }
        }
        List<String> ids = s.devices().stream().map(Device::id).toList();
        throw new BackendUnavailableException("no device " + wanted + " (the " + backend + " backend has " + ids + ")");
    }

    /**
     * Every device of every backend that runs here, in backend order cuda, opencl, jvm, with
     * the configured cache folder (defaults and environment).
     */
    public static List<Device> devices() {
        List<Device> all = new ArrayList<>();
        for (Status s : probe(EngineConfig.BACKENDS, EngineConfig.load(Map.of()).cacheDir())) {
            all.addAll(s.devices());
        }
        return all;
    }
}
