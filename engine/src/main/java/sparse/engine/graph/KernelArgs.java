package sparse.engine.graph;

import sparse.engine.backend.ElementType;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.KernelSpec.Param;
import sparse.tasks.lang.KernelSpec.Type;

/** The arguments a task may pass to a kernel parameter, and their value at launch. */
final class KernelArgs {
    private KernelArgs() {
    }

    /**
     * Checks {@code arg} against {@code param} and returns what the task keeps: the array, the
     * {@link Scalar}, or the number boxed as the parameter's type.
     */
    static Object check(String taskId, Param param, Object arg) {
        String where = taskId + ": parameter '" + param.name() + "' (" + javaName(param.type()) + ")";
        if (arg == null) {
            throw new IllegalArgumentException(where + " is given null");
        }
        if (param.type().isArray()) {
            if (arg.getClass() != arrayClass(param.type())) {
                throw new IllegalArgumentException(where + " is given " + describe(arg));
            }
            return arg;
        }
        if (arg instanceof Scalar s) {
            boolean fits = s.type() == param.type()
                    || s.type() == Type.INT && param.type() == Type.LONG;
            if (!fits) {
                throw new IllegalArgumentException(where + " is given a Scalar of " + javaName(s.type()));
            }
            return s;
        }
        Object boxed = arg instanceof Number n ? box(param.type(), n) : null;
        if (boxed == null) {
            String hint = param.type() == Type.FLOAT && arg instanceof Number ? " (write a float literal, e.g. 0.5f)" : "";
            throw new IllegalArgumentException(where + " is given " + describe(arg) + hint);
        }
        return boxed;
    }

    /** The value to launch with: a kept number, or a {@link Scalar}'s current value boxed as the parameter's type. */
    static Object launchValue(Param param, Object kept) {
        return kept instanceof Scalar s ? box(param.type(), s.value()) : kept;
    }

    /**
     * {@code n} boxed as {@code type}, or null where it does not fit: integral types take
     * integral numbers in range, float takes a Float.
     */
    private static Object box(Type type, Number n) {
        if (type == Type.FLOAT) {
            return n instanceof Float ? n : null;
        }
        if (!(n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte)) {
            return null;
        }
        long v = n.longValue();
        return switch (type) {
            case INT -> (int) v == v ? (Object) (int) v : null;
            case LONG -> v;
            case SHORT -> (short) v == v ? (Object) (short) v : null;
            case BYTE -> (byte) v == v ? (Object) (byte) v : null;
            default -> null;
        };
    }

    static Class<?> arrayClass(Type type) {
        return elementType(type).arrayClass;
    }

    static ElementType elementType(Type type) {
        return switch (type) {
            case INT_ARRAY -> ElementType.INT;
            case LONG_ARRAY -> ElementType.LONG;
            case FLOAT_ARRAY -> ElementType.FLOAT;
            case SHORT_ARRAY -> ElementType.SHORT;
            case BYTE_ARRAY -> ElementType.BYTE;
            default -> throw new IllegalArgumentException(type + " is not an array type");
        };
    }

    static String javaName(Type type) {
        return type.isArray() ? arrayClass(type).getSimpleName() : type.name().toLowerCase();
    }

    static String describe(Object arg) {
        if (arg.getClass().isArray()) {
            return "a " + arg.getClass().getSimpleName() + " of length " + java.lang.reflect.Array.getLength(arg);
        }
        return "a " + arg.getClass().getSimpleName() + " (" + arg + ")";
    }

    /** How a kernel is named in messages: {@code Attention.score}. */
    static String kernelName(KernelSpec spec) {
        String cls = spec.kernelClass();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + spec.name();
    }
}
