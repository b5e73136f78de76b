package sparse.engine.backend.opencl;

import java.util.List;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.Device;

/** Placeholder until the opencl backend lands. */
public final class OpenClBackend {
    private OpenClBackend() {
    }

    public static List<Device> open() {
        throw new BackendUnavailableException("the opencl backend is not built yet");
    }
}
