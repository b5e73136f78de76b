package sparse.engine.backend.opencl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;

/**
 * A {@code cl_mem} buffer. Transfers go through a native staging segment (a heap array cannot
 * be handed to the driver) and block until the copy is done.
 */
final class OpenClBuffer implements DeviceBuffer {
    /** Large transfers are staged in pieces of this size, so a 1 GB write does not need 1 GB more of host memory. */
    private static final long STAGING_BYTES = 32L << 20;

    final OpenClDevice device;
    private final ElementType type;
    private final long length;
    final MemorySegment mem;
    private volatile boolean closed;

    OpenClBuffer(OpenClDevice device, ElementType type, long length, MemorySegment mem) {
        this.device = device;
        this.type = type;
        this.length = length;
        this.mem = mem;
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public long length() {
        return length;
    }

    boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public void write(Object hostArray, int hostOffset, long deviceOffset, int count) {
        checkTransfer(hostArray, hostOffset, deviceOffset, count);
        ValueLayout layout = layout(type);
        try (Arena arena = Arena.ofConfined()) {
            int piece = (int) Math.min(count, STAGING_BYTES / type.bytes);
            MemorySegment staging = arena.allocate((long) piece * type.bytes, type.bytes);
            for (int done = 0; done < count; done += piece) {
                int n = Math.min(piece, count - done);
                MemorySegment.copy(hostArray, hostOffset + done, staging, layout, 0, n);
                int status = device.cl.enqueueWriteBuffer(device.queue, mem, OpenCl.CL_TRUE, (deviceOffset + done) * type.bytes,
                        (long) n * type.bytes, staging, 0, MemorySegment.NULL, MemorySegment.NULL);
                OpenCl.check(status, "clEnqueueWriteBuffer(" + n + " " + type + " at " + (deviceOffset + done) + " on " + device.id() + ")");
            }
        }
    }

    @Override
    public void read(Object hostArray, int hostOffset, long deviceOffset, int count) {
        checkTransfer(hostArray, hostOffset, deviceOffset, count);
        ValueLayout layout = layout(type);
        try (Arena arena = Arena.ofConfined()) {
            int piece = (int) Math.min(count, STAGING_BYTES / type.bytes);
            MemorySegment staging = arena.allocate((long) piece * type.bytes, type.bytes);
            for (int done = 0; done < count; done += piece) {
                int n = Math.min(piece, count - done);
                int status = device.cl.enqueueReadBuffer(device.queue, mem, OpenCl.CL_TRUE, (deviceOffset + done) * type.bytes,
                        (long) n * type.bytes, staging, 0, MemorySegment.NULL, MemorySegment.NULL);
                OpenCl.check(status, "clEnqueueReadBuffer(" + n + " " + type + " at " + (deviceOffset + done) + " on " + device.id() + ")");
                MemorySegment.copy(staging, layout, 0, hostArray, hostOffset + done, n);
            }
        }
    }

    private void checkTransfer(Object hostArray, int hostOffset, long deviceOffset, int count) {
        if (closed) {
            throw new IllegalStateException("buffer of " + length + " " + type + " on " + device.id() + " is closed");
        }
        if (ElementType.of(hostArray) != type) {
            throw new IllegalArgumentException("a buffer of " + type + " cannot copy to or from a "
                    + hostArray.getClass().getSimpleName());
        }
        int hostLength = ElementType.length(hostArray);
        if (count < 0 || hostOffset < 0 || hostOffset > hostLength - count) {
            throw new IllegalArgumentException("host range [" + hostOffset + ", " + hostOffset + " + " + count
                    + ") is outside the array of " + hostLength);
        }
        if (deviceOffset < 0 || deviceOffset > length - count) {
            throw new IllegalArgumentException("device range [" + deviceOffset + ", " + deviceOffset + " + " + count
                    + ") is outside the buffer of " + length);
        }
    }

    private static ValueLayout layout(ElementType type) {
        return switch (type) {
            case FLOAT -> JAVA_FLOAT;
            case INT -> JAVA_INT;
            case LONG -> JAVA_LONG;
            case SHORT -> JAVA_SHORT;
            case BYTE -> JAVA_BYTE;
        };
    }

    /** Frees the device memory; closing twice, or after the device closed, does nothing. */
    @Override
    public void close() {
        closed = true;
        device.free(this);
    }

    @Override
    public String toString() {
        return length + " " + type + " on " + device.id();
    }
}
