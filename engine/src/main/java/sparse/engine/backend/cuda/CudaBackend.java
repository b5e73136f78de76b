package sparse.engine.backend.cuda;

import java.util.List;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.Device;

/** Placeholder until the cuda backend lands. */
public final class CudaBackend {
    private CudaBackend() {
    }

    public static List<Device> open() {
        throw new BackendUnavailableException("the cuda backend is not built yet");
    }
}
