package sparse.engine.backend;

/** A backend that cannot run here, with the reason (no libcuda, no OpenCL platform, ...). */
public final class BackendUnavailableException extends BackendException {
    public BackendUnavailableException(String reason) {
        super(reason);
    }
}
