package sparse.engine.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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

    /** Probes the backends in the given order ({@code cuda}, {@code opencl}, {@code jvm}). */
    public static List<Status> probe(List<String> order) {
        List<Status> out = new ArrayList<>();
        for (String name : order) {
            Supplier<List<Device>> opener = switch (name) {
                case "cuda" -> CudaBackend::open;
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

    /** Every device of every backend that runs here, in backend order cuda, opencl, jvm. */
    public static List<Device> devices() {
        List<Device> all = new ArrayList<>();
        for (Status s : probe(List.of("cuda", "opencl", "jvm"))) {
            all.addAll(s.devices());
        }
        return all;
    }
}
