import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Reserved {
    // Java names that C, C++ or OpenCL reserve get a trailing underscore
    @Kernel
    static void names(KernelContext ctx, float[] half, int half_length, float[] global, int uint) {
        int i = ctx.globalIdx;
        float exp = half[i];
        float float4 = 1.0f;
        int signed = uint + half_length + half.length;
        int __x = 1;
        global[i] = exp * float4 + signed + __x + min(i);
    }

    // helper names carry the class prefix, so a helper may share a builtin's name
    static int min(int a) {
        return a;
    }
}
