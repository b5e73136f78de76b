package sparse.engine.backend;

/** An allocation the device could not satisfy. */
public final class OutOfDeviceMemoryException extends BackendException {
    public final long requestedBytes;
    public final long freeBytes;

    public OutOfDeviceMemoryException(String device, long requestedBytes, long freeBytes) {
        super("out of device memory on " + device + ": asked for " + requestedBytes + " bytes ("
                + mib(requestedBytes) + "), " + freeBytes + " bytes free (" + mib(freeBytes) + ")");
        this.requestedBytes = requestedBytes;
        this.freeBytes = freeBytes;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
