import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.Parallel;

class ParallelRules {
    @Kernel
    static void twoLoops(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            x[i] = 0;
        }
        for (@Parallel int j = 0; j < n; j++) { // expect-error: [line 11] a kernel may have one @Parallel loop nest; split it into several kernels
            x[j] = 1;
        }
    }

    @Kernel
    static void insideIf(float[] x, int n) {
        if (n > 0) {
            for (@Parallel int i = 0; i < n; i++) { // expect-error: [line 19] the outer @Parallel loop must be a statement of the kernel's body itself
                x[i] = 0;
            }
        }
    }

    @Kernel
    static void threeDimensions(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < n; j++) {
                for (@Parallel int k = 0; k < n; k++) { // expect-error: [line 29] at most two nested @Parallel loops are supported
                    x[i + j + k] = 0;
                }
            }
        }
    }

    @Kernel
    static void innerInLoop(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                for (@Parallel int j = 0; j < n; j++) { // expect-error: [line 40] the inner @Parallel loop must be a statement of the outer @Parallel loop's body itself
                    x[i + j] = k;
                }
            }
        }
    }

    @Kernel
    static void returns(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            if (x[i] < 0) {
                return; // expect-error: [line 51] return inside a @Parallel loop is not supported; use continue
            }
            x[i] = 1;
        }
    }

    @Kernel
    static void breaks(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            if (x[i] < 0) {
                break; // expect-error: [line 61] break out of a @Parallel loop is not supported
            }
            for (int k = 0; k < 3; k++) {
                if (k == i) {
                    break;
                }
            }
            switch (i) {
                case 1:
                    break;
                default:
                    x[i] = 2;
            }
        }
    }

    @Kernel
    static void writesOutside(float[] x, int n) {
        x[0] = 1; // expect-error: [line 79] in a @Parallel kernel, arrays may only be written inside the @Parallel loop
        for (@Parallel int i = 0; i < n; i++) {
            x[i] = 0;
        }
    }

    @Kernel
    static void assignsIndex(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            x[i] = 0;
            i += 1; // expect-error: [line 89] the index of a @Parallel loop must not be assigned in its body
        }
    }

    @Kernel
    static void neither(float[] x) { // expect-error: [line 94] a @Kernel method needs a KernelContext first parameter or a @Parallel loop
        int y = x.length;
    }

    @Kernel
    static void inContextKernel(KernelContext ctx, float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) { // expect-error: [line 100] @Parallel loops are not supported in KernelContext kernels
            x[i] = 0;
        }
    }

    @Kernel
    static void callsLoopHelper(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            loop(x, n);
        }
    }

    static void loop(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i++) { // expect-error: [line 113] @Parallel loops must be in the @Kernel method itself, not in helpers
            x[i] = 0;
        }
    }
}
