import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class MethodRules {
    @Kernel
    static int returnsValue(KernelContext ctx) { // expect-error: [line 6] kernels must return void
        return 1;
    }

    @Kernel
    private static void hidden(KernelContext ctx) { // expect-error: [line 11] kernels must not be private
    }

    @Kernel
    void instance(KernelContext ctx) { // expect-error: [line 15] instance methods are not supported in kernels: make instance static
    }

    @Kernel
    static void twice(KernelContext ctx) { // expect-error: [line 19] overloaded kernels are not supported: rename one of the twice methods
    }

    static void twice(KernelContext ctx, int x) {
    }

    @Kernel
    static void flag(KernelContext ctx, boolean b) { // expect-error: [line 26] boolean kernel parameters are not supported; use int
    }

    @Kernel
    static void late(int n, KernelContext ctx) { // expect-error: [line 30] a KernelContext must be a kernel's first parameter
    }

    @Kernel
    static <T> void generic(KernelContext ctx) { // expect-error: [line 34] generic methods are not supported in kernels
    }

    @Kernel
    static void grid(KernelContext ctx, int[][] g) { // expect-error: [line 38] arrays of arrays are not supported in kernels; use a flat array
    }

    @Kernel
    static void flags(KernelContext ctx, boolean[] g) { // expect-error: [line 42] boolean arrays are not supported in kernels; use byte
    }

    @Kernel
    static void object(KernelContext ctx, String s) { // expect-error: [line 46] objects are not supported in kernels: java.lang.String
    }

    @Kernel
    static void usesHelper(KernelContext ctx, int[] a) {
        a[0] = overloaded(1);
        a[1] = takesDouble(1f);
    }

    static int overloaded(int x) { // expect-error: [line 55] overloaded helper methods are not supported: rename one of the overloaded methods
        return x;
    }

    static int overloaded(int x, int y) {
        return x + y;
    }

    static int takesDouble(double d) { // expect-error: [line 63] double is not supported on devices; use float
        return 0;
    }
}
