package sparse.engine.backend.jvm;

import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;

/**
 * A buffer of the JVM device: a Java array of its own, separate from the host's, so that a
 * forgotten transfer shows here exactly as it would on a GPU.
 */
final class JvmBuffer implements DeviceBuffer {
    private final ElementType type;
    private final int length;
    private Object array;   // null once closed

    JvmBuffer(ElementType type, Object array) {
        this.type = type;
        this.array = array;
        this.length = ElementType.length(array);
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void write(Object hostArray, int hostOffset, long deviceOffset, int count) {
        Object device = array();
        checkRange(hostArray, hostOffset, deviceOffset, count);
        System.arraycopy(hostArray, hostOffset, device, (int) deviceOffset, count);
    }

    @Override
    public void read(Object hostArray, int hostOffset, long deviceOffset, int count) {
        Object device = array();
        checkRange(hostArray, hostOffset, deviceOffset, count);
        System.arraycopy(device, (int) deviceOffset, hostArray, hostOffset, count);
    }

    @Override
    public void close() {
        array = null;
    }

    /** The device-side array, which kernels receive. */
    Object array() {
        Object a = array;
        if (a == null) {
            throw new IllegalStateException("jvm buffer of " + length + " " + type + " used after close");
        }
        return a;
    }

    private void checkRange(Object hostArray, int hostOffset, long deviceOffset, int count) {
        if (!type.arrayClass.isInstance(hostArray)) {
            throw new IllegalArgumentException("a " + type + " buffer copies to and from a "
                    + type.arrayClass.getSimpleName() + ", not "
                    + (hostArray == null ? "null" : hostArray.getClass().getSimpleName()));
        }
        int hostLength = ElementType.length(hostArray);
        if (count < 0 || hostOffset < 0 || hostOffset > hostLength - count
                || deviceOffset < 0 || deviceOffset > length - count) {
            throw new IndexOutOfBoundsException("copy of " + count + " elements: host [" + hostOffset + ", +"
                    + count + ") of " + hostLength + ", device [" + deviceOffset + ", +" + count + ") of " + length);
        }
    }
}
