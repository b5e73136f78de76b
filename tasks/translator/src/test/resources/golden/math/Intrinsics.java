import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;

class Intrinsics {
    @Kernel
    static void math(KernelContext ctx, float[] f, int[] n) {
        int i = ctx.globalIdx;
        float x = f[i];
        f[0] = KernelMath.exp(x) + KernelMath.log(x) + KernelMath.sqrt(x) + KernelMath.rsqrt(x);
        f[1] = KernelMath.tanh(x) + KernelMath.sin(x) + KernelMath.cos(x) + KernelMath.pow(x, 2.0f);
        f[2] = KernelMath.floor(x) + KernelMath.min(x, 1.0f) + KernelMath.max(x, -1.0f) + KernelMath.abs(x);
        f[3] = KernelMath.fma(x, x, 1.0f);
        f[4] = KernelMath.intBitsToFloat(KernelMath.floatToIntBits(x) & 0x7fffffff);
        n[0] = KernelMath.min(n[1], n[2]) + KernelMath.max(n[1], n[2]) - KernelMath.abs(n[3]);
        n[4] = KernelMath.popcount(n[5]);
    }
}
