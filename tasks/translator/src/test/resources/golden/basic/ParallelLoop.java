import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.Parallel;

class ParallelLoop {
    // bound a.length; the loop starts at 1
    @Kernel
    static void shift(float[] a, float[] out) {
        for (@Parallel int i = 1; i < a.length; i++) {
            out[i] = a[i - 1];
        }
    }

    // bound a scalar parameter, update written i += 1, code before the loop
    @Kernel
    static void scale(float[] a, int n, float s) {
        float twice = s * 2.0f;
        for (@Parallel int i = 0; i < n; i += 1) {
            a[i] = a[i] * twice;
        }
    }

    // a bound that is neither a parameter, a.length nor a literal
    @Kernel
    static void half(float[] a, int n) {
        for (@Parallel int i = 0; i < n / 2; ++i) {
            a[i] = 0.5f;
        }
    }
}
