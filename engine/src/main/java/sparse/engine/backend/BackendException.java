package sparse.engine.backend;

/** A backend call that failed; the message names the call and the driver's status. */
public class BackendException extends RuntimeException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code e} with the task, the device and the grid it failed in put before its message. */
    public static BackendException inTask(String task, String device, Grid grid, BackendException e) {
        return new BackendException(task + " on " + device + " over grid " + grid + ": " + e.getMessage(), e);
    }
}
