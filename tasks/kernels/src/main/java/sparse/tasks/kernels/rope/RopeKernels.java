package sparse.tasks.kernels.rope;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Rotary position embedding, adjacent-pair style (llama.cpp's "normal" RoPE, which GGUF Llama
 * files are written for): each head's pairs {@code (x[2j], x[2j+1])} rotate by the angle
 * {@code pos · inverseFrequency[j]}, with {@code inverseFrequency[j] = base^(-2j / headSize)}
 * computed once on the host.
 */
public final class RopeKernels {
    private RopeKernels() {
    }

    /** {@code x} is {@code [heads][headSize]}; one work-item per pair. */
    @Kernel
    public static void ropeAdjacentPairs(float[] x, float[] inverseFrequency, int heads, int headSize, int pos) {
        for (@Parallel int p = 0; p < heads * (headSize / 2); p++) {
            int j = p % (headSize / 2);
            int i = (p / (headSize / 2)) * headSize + 2 * j;
            float angle = pos * inverseFrequency[j];
            float c = KernelMath.cos(angle);
            float s = KernelMath.sin(angle);
            float x0 = x[i];
            float x1 = x[i + 1];
            x[i] = x0 * c - x1 * s;
            x[i + 1] = x0 * s + x1 * c;
        }
    }
}
