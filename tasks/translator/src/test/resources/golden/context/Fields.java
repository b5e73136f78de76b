import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Fields {
    @Kernel
    static void fields(KernelContext ctx, int[] out) {
        int base = (ctx.globalIdy * ctx.globalGroupSizeX + ctx.globalIdx) * 8;
        out[base] = ctx.localIdx;
        out[base + 1] = ctx.localIdy;
        out[base + 2] = ctx.groupIdx;
        out[base + 3] = ctx.groupIdy;
        out[base + 4] = ctx.globalGroupSizeY;
        out[base + 5] = ctx.localGroupSizeX;
        out[base + 6] = ctx.localGroupSizeY;
        out[base + 7] = ctx.globalIdx;
    }
}
