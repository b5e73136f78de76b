import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Calls {
    @Kernel
    static void calls(KernelContext ctx, float[] a, int[] b) {
        a[0] = (float) Math.sqrt(a[1]); // expect-error: [line 7] calls to java.lang.Math are not supported; use KernelMath
        b[0] = Math.max(b[1], b[2]); // expect-error: [line 8] calls to java.lang.Math are not supported; use KernelMath
        b[1] = Integer.bitCount(b[2]); // expect-error: [line 9] calls to java.lang.Integer.bitCount are not supported in kernels (only KernelMath, KernelContext and static methods compiled from source with Calls)
        b[2] = Other.twice(b[3]); // another class's helper is translated, and checked, like the kernel class's own
        new Calls().instance(); // expect-error: [line 11] instance methods are not supported in kernels: make instance static
        b[3] = ctx.hashCode(); // expect-error: [line 12] calls to java.lang.Object.hashCode are not supported in kernels
        ctx.allocateIntLocalArray(4); // expect-error: [line 13] allocateIntLocalArray must initialise an array variable
        other(ctx); // expect-error: [line 14] a kernel cannot call another kernel (other); move the shared code into a helper method
    }

    @Kernel
    static void other(KernelContext ctx) {
    }

    void instance() {
    }
}

class Other {
    static int twice(int x) {
        return (int) Math.floor(2.0f * x); // expect-error: [line 27] calls to java.lang.Math are not supported; use KernelMath
    }
}
