package sparse.engine.backend.jvm;

import java.util.List;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.Device;

/** Placeholder until the jvm backend lands. */
public final class JvmBackend {
    private JvmBackend() {
    }

    public static List<Device> open() {
        throw new BackendUnavailableException("the jvm backend is not built yet");
    }
}
