import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class AsyncCopy {
    static final int TILE = 256;
    static final int IN_FLIGHT = 1;

    // double buffering: tile t + 1 is copied while tile t is read; 64 work-items copy 4 ints each
    @Kernel
    static void tileSums(KernelContext ctx, int[] in, int[] out, int tiles) {
        int lid = ctx.localIdx;
        int[] tile = ctx.allocateIntLocalArray(2 * TILE);
        ctx.copyToLocalAsync(tile, 4 * lid, in, 4 * lid);
        ctx.commitCopies();
        int sum = 0;
        for (int t = 0; t < tiles; t++) {
            if (t + 1 < tiles) {
                ctx.copyToLocalAsync(tile, (t + 1) % 2 * TILE + 4 * lid, in, (t + 1) * TILE + 4 * lid);
            }
            ctx.commitCopies();
            ctx.awaitCopies(IN_FLIGHT);
            ctx.localBarrier();
            sum += tile[t % 2 * TILE + lid];
            ctx.localBarrier();
        }
        ctx.awaitCopies(0);
        out[ctx.globalIdx] = sum;
    }

    // index forms: 0 is the array itself, a shift keeps its parentheses; a case's statement
    @Kernel
    static void forms(KernelContext ctx, int[] in, int mode) {
        int[] tile = ctx.allocateIntLocalArray(8);
        ctx.copyToLocalAsync(tile, 0, in, ctx.localIdx << 2);
        switch (mode) {
            case 0 -> ctx.commitCopies();
            default -> ctx.awaitCopies(IN_FLIGHT - 1);
        }
        in[ctx.globalIdx] = tile[4];
    }
}
