package sparse.engine.backend;

/** A backend call that failed; the message names the call and the driver's status. */
public class BackendException extends RuntimeException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
