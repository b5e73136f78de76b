package sparse.engine.backend.jvm;

import java.util.List;
import sparse.engine.backend.Device;

/**
 * The backend that runs the kernels' Java bodies on this JVM, with the work-group and barrier
 * semantics of a device. Always available; the reference the other backends are tested against.
 */
public final class JvmBackend {
    private JvmBackend() {
    }

    /** The one JVM device, shared by the whole process. */
    public static List<Device> open() {
        return List.of(Holder.DEVICE);
    }

    private static final class Holder {
        static final JvmDevice DEVICE = new JvmDevice();
    }
}
