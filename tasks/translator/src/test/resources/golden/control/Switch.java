import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Switch {
    static final int TWO = 2;

    @Kernel
    static void classic(KernelContext ctx, int[] a) {
        int i = ctx.globalIdx;
        int r = 0;
        switch (a[i]) {
            case 0:
                r = 10;
                break;
            case 1:
            case TWO:
                r = 20;
                // falls through
            case -3: {
                int t = r + 1;
                r = t;
                break;
            }
            default:
                r = -1;
        }
        a[i] = r;
    }

    @Kernel
    static void arrows(KernelContext ctx, int[] a, short[] s) {
        int i = ctx.globalIdx;
        switch (s[i]) {
            case 1, 2 -> a[i] = 1;
            case 3 -> {
                a[i] = 3;
                a[i] += 1;
            }
            default -> a[i] = 0;
        }
    }
}
