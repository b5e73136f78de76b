package sparse.engine.backend.cuda;

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
 * Device memory from cuMemAlloc. Transfers go through an off-heap staging copy (the driver
 * cannot read the Java heap) with the synchronous cuMemcpy calls, which the device's stream
 * is ordered with, so a read sees every launch issued before it.
 */
final class CudaBuffer implements DeviceBuffer {
    final CudaContext context;
    private final ElementType type;
    private final long length;
    /** The {@code CUdeviceptr}; 0 for an empty buffer, which owns no memory. */
    private final long pointer;
    private boolean closed;

    CudaBuffer(CudaContext context, ElementType type, long length, long pointer) {
        this.context = context;
        this.type = type;
        this.length = length;
        this.pointer = pointer;
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public long length() {
        return length;
    }

    synchronized long pointer() {
        if (closed) {
            throw new IllegalStateException("a " + type + " buffer of " + length + " on " + context.id + " was used after close()");
        }
        return pointer;
    }

    @Override
    public void write(Object hostArray, int hostOffset, long deviceOffset, int count) {
        checkRange("write", hostArray, hostOffset, deviceOffset, count);
        if (count == 0) {
            return;
        }
        long bytes = (long) count * type.bytes;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes, Long.BYTES);
            MemorySegment.copy(hostArray, hostOffset, staging, layout(type), 0, count);
            context.makeCurrent();
            context.driver.memcpyHtoD(pointer() + deviceOffset * type.bytes, staging, bytes);
        }
    }

    @Override
    public void read(Object hostArray, int hostOffset, long deviceOffset, int count) {
        checkRange("read", hostArray, hostOffset, deviceOffset, count);
        if (count == 0) {
            return;
        }
        long bytes = (long) count * type.bytes;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes, Long.BYTES);
            context.makeCurrent();
            context.driver.memcpyDtoH(staging, pointer() + deviceOffset * type.bytes, bytes);
            MemorySegment.copy(staging, layout(type), 0, hostArray, hostOffset, count);
        }
    }

    private void checkRange(String what, Object hostArray, int hostOffset, long deviceOffset, int count) {
        if (ElementType.of(hostArray) != type) {
            throw new IllegalArgumentException(what + ": a " + type + " buffer cannot take a "
                    + hostArray.getClass().getSimpleName());
        }
        int hostLength = ElementType.length(hostArray);
        if (count < 0 || hostOffset < 0 || hostOffset > hostLength - count) {
            throw new IllegalArgumentException(what + ": host range [" + hostOffset + ", +" + count
                    + ") is outside the array of " + hostLength);
        }
        if (deviceOffset < 0 || deviceOffset > length - count) {
            throw new IllegalArgumentException(what + ": device range [" + deviceOffset + ", +" + count
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pointer != 0) {
            context.makeCurrent();
            context.driver.memFree(pointer);
        }
    }

    @Override
    public String toString() {
        return "cuda buffer of " + length + " " + type + " on " + context.id;
    }
}
