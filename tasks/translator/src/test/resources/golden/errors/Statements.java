import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Statements {
    @Kernel
    static void statements(KernelContext ctx, int[] a, int n) {
        try { // expect-error: [line 7] try/catch is not supported in kernels
            a[0] = 1;
        } catch (RuntimeException e) {
            a[0] = 2;
        }
        for (int x : a) { // expect-error: [line 12] for-each loops are not supported in kernels; use an index loop
            n += x;
        }
        outer: // expect-error: [line 15] labels are not supported in kernels
        for (int i = 0; i < n; i++) {
            break outer;
        }
        if (n < 0) {
            throw new IllegalStateException(); // expect-error: [line 20] throw is not supported in kernels
        }
        synchronized (Statements.class) { // expect-error: [line 22] synchronized is not supported in kernels
            a[1] = 1;
        }
        assert n > 0; // expect-error: [line 25] assert is not supported in kernels
        int y = switch (n) { case 1 -> 2; default -> 3; }; // expect-error: [line 26] switch expressions are not supported in kernels; use a switch statement
        Runnable r = () -> { }; // expect-error: [line 27] lambdas and method references are not supported in kernels
        class Local { } // expect-error: [line 28] local classes are not supported in kernels
        n += 0.5f; // expect-error: [line 29] compound assignment of a float to an integer is not supported in kernels
        a = null; // expect-error: [line 30] arrays cannot be assigned in kernels
        KernelContext c2 = ctx; // expect-error: [line 31] a KernelContext cannot be stored in a variable
        a[n] >>>= a[n++]; // expect-error: [line 32] >>>= needs a target and value without side effects here
        a[a[0]++] >>>= 1; // expect-error: [line 33] >>>= needs a target and value without side effects here
        switch (r) { // expect-error: [line 34] switch on java.lang.Runnable is not supported in kernels (only on int, short and byte)
            default -> n++;
        }
        int q = ctx.globalIdx;
        for (int i = 0; i < n; i++) {
            continue;
        }
    }
}
