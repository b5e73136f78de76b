import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Fields {
    static int counter;
    static final int[] TABLE = {1, 2};
    static final String NAME = "x";
    static final char LETTER = 'a';

    @Kernel
    static void fields(KernelContext ctx, int[] a) {
        a[0] = counter; // expect-error: [line 12] field access is not supported in kernels: Fields.counter (only static final primitive constants)
        a[1] = TABLE[0]; // expect-error: [line 13] only array parameters and local arrays can be used as arrays in kernels: TABLE
        a[2] = NAME.length(); // expect-error: [line 14] calls to java.lang.String.length are not supported in kernels
        a[3] = LETTER; // expect-error: [line 15] char is not supported in kernels; use int or short
        a[4] = Fields.counter; // expect-error: [line 16] field access is not supported in kernels: Fields.counter
        a[5] = TABLE.length; // expect-error: [line 17] only array parameters and local arrays can be used as arrays in kernels: TABLE
        a[6] = ctx.globalIdx;
    }
}
