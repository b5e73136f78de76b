package sparse.engine.model.gguf;

/**
 * A metadata array.
 *
 * @param elementType the type of every element
 * @param values      long[] for integer element types (unsigned zero-extended), float[],
 *                    double[], boolean[], String[], or GgufArray[] for nested arrays
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public int length() {
        return java.lang.reflect.Array.getLength(values);
    }
}
