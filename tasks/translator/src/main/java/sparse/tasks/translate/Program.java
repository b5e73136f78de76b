package sparse.tasks.translate;

import java.util.List;
import sparse.tasks.lang.KernelSpec;

/**
 * One kernel class's program: its helper functions, callees before callers, then its kernels
 * in source order.
 *
 * @param javaClass  binary name of the kernel class
 * @param simpleName the class's simple name, the prefix of every function's C name
 * @param javaFile   the source file's name
 */
record Program(String javaClass, String canonicalName, String simpleName, String javaFile, List<Function> functions) {

    /**
     * A kernel or a helper. {@code style} is null for helpers. The checker fills in
     * {@code usesBarrier} and {@code usesShuffle} (both through the helpers called; a shuffle
     * counts as a barrier), for parallel-loop kernels {@code parallelBounds} (see
     * {@link KernelSpec#parallelBounds()}), and {@code arraySpaces}: each combination of address
     * spaces its array parameters are called with, in parameter order (a kernel's: one, every
     * array global; a helper's: global or a kernel's local array, through its callers).
     */
    record Function(String javaName, KernelSpec.Style style, Ty.Prim returnType, List<Param> params,
                    Stmt.Block body, boolean usesBarrier, boolean usesShuffle, List<String> parallelBounds,
                    List<List<Ty.Space>> arraySpaces, Pos pos) {

        boolean isKernel() {
            return style != null;
        }

        /** Whether some call passes it a local array. */
        boolean takesLocalArrays() {
            return arraySpaces.stream().anyMatch(c -> c.contains(Ty.Space.LOCAL));
        }
    }

    /** A parameter: its Java name, its C name (they differ where the Java name is reserved in C) and type. */
    record Param(String javaName, Expr.Local variable) {
    }
}
