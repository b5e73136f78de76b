import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.Parallel;

class ParallelForms {
    @Kernel
    static void lessOrEqual(float[] x, int n) {
        for (@Parallel int i = 0; i <= n; i++) { // expect-error: [line 7] a @Parallel loop must have the form for (@Parallel int i = start; i < end; i++)
            x[i] = 0;
        }
    }

    @Kernel
    static void stepTwo(float[] x, int n) {
        for (@Parallel int i = 0; i < n; i += 2) { // expect-error: [line 14] a @Parallel loop must have the form
            x[i] = 0;
        }
    }

    @Kernel
    static void reversed(float[] x, int n) {
        for (@Parallel int i = 0; n > i; i++) { // expect-error: [line 21] a @Parallel loop must have the form
            x[i] = 0;
        }
    }

    @Kernel
    static void longIndex(float[] x, int n) {
        for (@Parallel long i = 0; i < n; i++) { // expect-error: [line 28] the index of a @Parallel loop must be an int
            x[(int) i] = 0;
        }
    }

    @Kernel
    static void notALoop(float[] x, int n) {
        @Parallel int i = 0; // expect-error: [line 35] @Parallel marks the index of a for loop
        for (@Parallel int j = 0; j < n; j++) {
            x[j] = j;
        }
    }
}
