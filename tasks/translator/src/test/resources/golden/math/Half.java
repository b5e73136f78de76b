import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.Parallel;
import sparse.tasks.lang.KernelMath;

class Half {
    // fp16 storage: the prelude converts with vload_half / vstore_half_rte and PTX cvt
    @Kernel
    static void roundTrip(short[] half, float[] out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float x = KernelMath.halfToFloat(half[i]);
            out[i] = x;
            half[i] = KernelMath.floatToHalf(x * 2.0f);
        }
    }
}
