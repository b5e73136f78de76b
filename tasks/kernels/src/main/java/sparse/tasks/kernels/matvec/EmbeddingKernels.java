package sparse.tasks.kernels.matvec;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Token embedding: {@code out = table[token]}, one row of a {@code [vocabulary][dim]} weight
 * matrix laid out as {@link MatvecKernels} takes it (so a tied output head shares the table).
 * One kernel per element type; one work-item per element.
 */
public final class EmbeddingKernels {
    private EmbeddingKernels() {
    }

    @Kernel
    public static void embedF32(float[] table, float[] out, int token, int dim) {
        for (@Parallel int i = 0; i < dim; i++) {
            out[i] = table[token * dim + i];
        }
    }

    /** fp16 two to an int, as {@link MatvecKernels#matvecF16} takes it. */
    @Kernel
    public static void embedF16(int[] table, float[] out, int token, int dim) {
        for (@Parallel int i = 0; i < dim; i++) {
            int e = token * dim + i;
            out[i] = KernelMath.halfToFloat((short) (table[e / 2] >> (16 * (e % 2))));
        }
    }

    /** bfloat16 two to an int, as {@link MatvecKernels#matvecBf16} takes it. */
    @Kernel
    public static void embedBf16(int[] table, float[] out, int token, int dim) {
        for (@Parallel int i = 0; i < dim; i++) {
            int e = token * dim + i;
            out[i] = KernelMath.intBitsToFloat((table[e / 2] >> (16 * (e % 2))) << 16);
        }
    }

    /** Q8_0 split into scales and packed quants as {@link MatvecKernels#matvecQ8} takes it. */
    @Kernel
    public static void embedQ8(short[] scales, int[] quants, float[] out, int token, int dim) {
        for (@Parallel int i = 0; i < dim; i++) {
            int e = token * dim + i;
            int q = (quants[e / 4] << (24 - 8 * (e % 4))) >> 24;
            out[i] = KernelMath.halfToFloat(scales[e / MatvecKernels.Q8_BLOCK]) * q;
        }
    }
}
