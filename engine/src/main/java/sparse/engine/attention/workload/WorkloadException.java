package sparse.engine.attention.workload;

/** A workload that cannot be read or built; the message is one line naming the file and the fault. */
public class WorkloadException extends RuntimeException {
    public WorkloadException(String message) {
        super(message);
    }

    public WorkloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
