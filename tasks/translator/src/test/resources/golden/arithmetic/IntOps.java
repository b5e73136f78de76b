import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class IntOps {
    @Kernel
    static void ops(KernelContext ctx, int[] a, int[] out, int s) {
        int i = ctx.globalIdx;
        int x = a[i];
        int y = out[i];
        out[0] = x + y - x * y / (y | 1) % 7;
        out[1] = x << 3;
        out[2] = x << 35;
        out[3] = x << s;
        out[4] = x >> s + 1;
        out[5] = x >>> 28;
        out[6] = x >>> s;
        out[7] = x & y | x ^ ~y;
        out[8] = -x + +y;
        out[9] = -(-x);
        out[10] = x - -1;
        out[11] = (x + y) * (x - y);
        out[12] = x - (y - 1);
        out[13] = x / 3 % 2;
        // compound assignments, ++ and --
        x += 1;
        x -= y;
        x *= 3;
        x /= 2;
        x %= 5;
        x &= 0xff;
        x |= 0x100;
        x ^= y;
        x <<= 2;
        x >>= s;
        x >>>= s;
        a[i] >>>= 1;
        out[14] = x++ + ++y - x-- - --y;
        out[i]++;
        --out[i];
        a[out[15]++] += 2;
    }

    // byte and short operands promote to int, as in C
    @Kernel
    static void narrow(KernelContext ctx, byte[] b, short[] s) {
        int i = ctx.globalIdx;
        b[i] = (byte) (b[i] + 1);
        s[i] = (short) (s[i] * b[i]);
        b[i] += 3;
        s[i] >>= 1;
        int u = b[i] >>> 4;
        s[i] = (short) u;
    }
}
