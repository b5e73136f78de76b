package sparse.tasks.kernels.ffn;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/** The SwiGLU gate of a Llama feed-forward block: {@code silu(gate) · up}. */
public final class SwigluKernels {
    private SwigluKernels() {
    }

    /** {@code gate[i] = gate[i] / (1 + e^-gate[i]) · up[i]}, in place; one work-item per element. */
    @Kernel
    public static void swiglu(float[] gate, float[] up, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + KernelMath.exp(-g)) * up[i];
        }
    }
}
