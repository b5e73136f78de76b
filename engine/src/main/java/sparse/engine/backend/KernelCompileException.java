package sparse.engine.backend;

/**
 * A kernel the device's compiler rejected. The message holds the driver's log, and for each
 * generated line the log names, that line's text and the Java file and line it came from.
 */
public final class KernelCompileException extends BackendException {
    public KernelCompileException(String message) {
        super(message);
    }
}
