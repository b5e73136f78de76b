package sparse.tasks.translate;

/** The type of a kernel value: a primitive, an array in global or local memory, or the context. */
sealed interface Ty {

    enum Prim implements Ty {
        VOID, BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT;

        boolean isIntegral() {
            return this == BYTE || this == SHORT || this == INT || this == LONG;
        }
    }

    enum Space { GLOBAL, LOCAL }

    /** An array; {@code length} is the constant length of a local array, -1 for a global one. */
    record Array(Prim element, Space space, int length) implements Ty {
    }

    /** The {@code KernelContext} parameter: it has no device value (its fields are builtins). */
    record Context() implements Ty {
    }
}
