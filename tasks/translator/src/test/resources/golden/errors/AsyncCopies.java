import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class AsyncCopies {
    static final int BATCHES = 8;

    @Kernel
    static void arguments(KernelContext ctx, int[] in, int n) {
        int[] tile = ctx.allocateIntLocalArray(64);
        ctx.copyToLocalAsync(tile, 6, in, 0); // expect-error: [line 10] its indices must be multiples of 4; 6 is not
        ctx.copyToLocalAsync(tile, 0, in, 4 * n + 2); // only a constant index can be checked
        ctx.awaitCopies(n); // expect-error: [line 12] awaitCopies needs an int constant from 0 to 7
        ctx.awaitCopies(BATCHES); // expect-error: [line 13] awaitCopies needs an int constant from 0 to 7
        ctx.awaitCopies(BATCHES - 1);
        for (int i = 0; i < n; ctx.commitCopies()) { // expect-error: [line 15] commitCopies() must be a statement of its own
            i++;
        }
        for (ctx.localBarrier(); n > 0; n--) { // expect-error: [line 18] localBarrier() must be a statement of its own
            in[n] = 0;
        }
    }
}
