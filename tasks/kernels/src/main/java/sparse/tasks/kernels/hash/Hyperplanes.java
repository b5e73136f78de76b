package sparse.tasks.kernels.hash;

import java.util.SplittableRandom;

/** The random hyperplanes of SOCKET and SimHash: {@code [tables][bits][d]}, i.i.d. N(0, 1), seeded. */
public final class Hyperplanes {
    private Hyperplanes() {
    }

    public static float[] gaussian(long seed, int tables, int bits, int d) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] w = new float[tables * bits * d];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        return w;
    }
}
