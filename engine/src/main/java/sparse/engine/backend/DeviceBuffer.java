package sparse.engine.backend;

/**
 * Memory on a device. Transfers are explicit and may cover a sub-range, so that appending
 * rows to a cache sends only the new rows. Writes and reads block until the copy is done.
 */
public interface DeviceBuffer extends AutoCloseable {

    ElementType type();

    /** Length in elements. */
    long length();

    /** Copies {@code count} elements of {@code hostArray} from {@code hostOffset} to {@code deviceOffset}. */
    void write(Object hostArray, int hostOffset, long deviceOffset, int count);

    /** Copies {@code count} elements from {@code deviceOffset} into {@code hostArray} at {@code hostOffset}. */
    void read(Object hostArray, int hostOffset, long deviceOffset, int count);

    default void write(Object hostArray) {
        write(hostArray, 0, 0, ElementType.length(hostArray));
    }

    default void read(Object hostArray) {
        read(hostArray, 0, 0, ElementType.length(hostArray));
    }

    /** Frees the memory; further use is an error. */
    @Override
    void close();
}
