package sparse.engine.backend;

/** What a device buffer holds, and the Java array type that mirrors it on the host. */
public enum ElementType {
    FLOAT(4, float[].class), INT(4, int[].class), LONG(8, long[].class), SHORT(2, short[].class), BYTE(1, byte[].class);

    public final int bytes;
    public final Class<?> arrayClass;

    ElementType(int bytes, Class<?> arrayClass) {
        this.bytes = bytes;
        this.arrayClass = arrayClass;
    }

    /** The element type of a primitive Java array, or an error naming the unsupported type. */
    public static ElementType of(Object array) {
        for (ElementType t : values()) {
            if (t.arrayClass.isInstance(array)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a supported kernel array: "
                + (array == null ? "null" : array.getClass().getSimpleName()));
    }

    public static int length(Object array) {
        return java.lang.reflect.Array.getLength(array);
    }
}
