package sparse.tasks.lang;

import java.util.List;

/**
 * One translated kernel, as the translator generates it: its parameters, its source in each
 * device dialect and how to run its Java body. Generated into {@code <KernelClass>Translated}.
 *
 * <p>Device calling convention: the declared parameters in order (arrays as global pointers,
 * a {@link KernelContext} parameter dropped), then one {@code int} length per array parameter,
 * in declaration order, named {@code <array>_length}.
 *
 * @param kernelClass    the Java class that declares the kernel (binary name)
 * @param name           the Java method name
 * @param entryPoint     the device function name, unique within the class's program
 * @param style          context-style or parallel-loop style
 * @param params         the declared parameters except a leading {@code KernelContext}
 * @param parallelBounds for parallel-loop style, per dimension the loop's upper bound as
 *                       written ({@code "n"} a scalar parameter, {@code "a.length"}, or an
 *                       integer literal); null where the bound is another expression
 * @param usesBarrier    whether the kernel (or a helper it calls) calls {@code localBarrier} or {@code shuffle}
 * @param usesShuffle    whether the kernel (or a helper it calls) calls {@code shuffle}: its work-groups
 *                       must then hold a multiple of 32 work-items, at most {@link #MAX_SHUFFLE_GROUP}
 * @param javaFile       the source file name, for error messages
 * @param opencl         the whole class's program in OpenCL C
 * @param cuda           the whole class's program in CUDA C
 * @param invoker        runs the Java method
 */
public record KernelSpec(String kernelClass, String name, String entryPoint, Style style,
                         List<Param> params, List<String> parallelBounds, boolean usesBarrier, boolean usesShuffle,
                         String javaFile, Source opencl, Source cuda, Invoker invoker) {

    /** The largest work-group of a kernel that shuffles (OpenCL's exchange array; CUDA's block limit). */
    public static final int MAX_SHUFFLE_GROUP = 1024;

    public enum Style { CONTEXT, PARALLEL }

    /** A parameter's element or scalar type. */
    public enum Type {
        INT, LONG, FLOAT, SHORT, BYTE,
        INT_ARRAY, LONG_ARRAY, FLOAT_ARRAY, SHORT_ARRAY, BYTE_ARRAY;

        public boolean isArray() {
            return ordinal() >= INT_ARRAY.ordinal();
        }
    }

    public record Param(String name, Type type) {
    }

    /**
     * Generated program text; {@code javaLines[i]} is the Java line that generated line
     * {@code i + 1} came from (0 where none did).
     */
    public record Source(String text, int[] javaLines) {
        public int javaLine(int generatedLine) {
            return generatedLine >= 1 && generatedLine <= javaLines.length ? javaLines[generatedLine - 1] : 0;
        }
    }

    /** Calls the Java method; {@code context} is null for parallel-loop kernels. */
    @FunctionalInterface
    public interface Invoker {
        void invoke(KernelContext context, Object[] args);
    }

    /** The generated holder class of a kernel class: {@code com.x.Foo} → {@code com.x.FooTranslated}. */
    public static String holderClassName(String kernelClass) {
        return kernelClass + "Translated";
    }

    /**
     * The translated kernel {@code name} of {@code kernelClass}, or an error that says why not
     * (the class was not processed by the translator, or has no such kernel).
     */
    public static KernelSpec lookup(Class<?> kernelClass, String name) {
        String holder = holderClassName(kernelClass.getName());
        try {
            Class<?> c = Class.forName(holder, true, kernelClass.getClassLoader());
            Object value = c.getField(name).get(null);
            return (KernelSpec) value;
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(kernelClass.getName() + " has no translated kernels ("
                    + holder + " is missing: is the translator on the annotation processor path?)");
        } catch (NoSuchFieldException e) {
            throw new IllegalArgumentException(kernelClass.getName() + "." + name + " is not a @Kernel method");
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
