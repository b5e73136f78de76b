import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class AsyncCopyPlacement {
    @Kernel
    static void arrays(KernelContext ctx, int[] in) {
        int[] tile = ctx.allocateIntLocalArray(64);
        ctx.copyToLocalAsync(in, 0, in, 4); // expect-error: [line 8] copyToLocalAsync copies to a local array of the kernel
        ctx.copyToLocalAsync(tile, 0, tile, 4); // expect-error: [line 9] copyToLocalAsync copies from an int[] parameter of the kernel
        commit(ctx);
    }

    static void commit(KernelContext ctx) {
        ctx.commitCopies(); // expect-error: [line 14] commitCopies must be called in the @Kernel method itself, not in a helper
    }
}
