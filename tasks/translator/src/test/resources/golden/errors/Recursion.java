import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Recursion {
    @Kernel
    static void kernel(KernelContext ctx, int[] a) {
        a[0] = factorial(5) + even(4);
    }

    static int factorial(int n) {
        return n <= 1 ? 1 : n * factorial(n - 1); // expect-error: [line 11] recursion is not supported in kernels: this call of factorial from factorial closes a cycle
    }

    static int even(int n) {
        return n == 0 ? 1 : odd(n - 1);
    }

    static int odd(int n) {
        return n == 0 ? 0 : even(n - 1); // expect-error: [line 19] recursion is not supported in kernels: this call of even from odd closes a cycle
    }
}
