import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.Parallel;
import sparse.tasks.lang.KernelMath;

class Bf16 {
    @Kernel
    static void roundTrip(short[] bf, float[] out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out[i] = KernelMath.bf16ToFloat(bf[i]);
            bf[i] = KernelMath.floatToBf16(out[i] + 1.0f);
        }
    }
}
