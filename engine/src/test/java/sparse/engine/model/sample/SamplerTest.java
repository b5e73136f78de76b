package sparse.engine.model.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class SamplerTest {

    private static float[] randomLogits(Random random, int n) {
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (2 * random.nextGaussian());
        }
        return logits;
    }

    @Test
    void greedyPicksTheFirstLargest() {
        assertEquals(2, Sampler.greedy().sample(new float[] {1, 3, 5, 5, -1}));
        assertEquals(0, Sampler.greedy().sample(new float[] {7}));
        assertTrue(Sampler.of(0, 0.9f, 1) instanceof GreedySampler, "temperature 0 is greedy");
    }

    @Test
    void equalSeedsDrawEqualTokens() {
        long seed = System.nanoTime();
        System.out.println("equalSeedsDrawEqualTokens seed " + seed);
        float[] logits = randomLogits(new Random(seed), 50);
        for (float topP : new float[] {1f, 0.9f}) {
            Sampler a = Sampler.of(0.8f, topP, seed);
            Sampler b = Sampler.of(0.8f, topP, seed);
            int[] drawsA = new int[100];
            int[] drawsB = new int[100];
            for (int i = 0; i < 100; i++) {
                drawsA[i] = a.sample(logits.clone());
                drawsB[i] = b.sample(logits.clone());
            }
            assertArrayEquals(drawsA, drawsB);
        }
    }

    /** Frequencies over many draws match softmax(logits / T) (and its nucleus) within sampling noise. */
    @Test
    void drawsFollowTheTemperedDistributionAndItsNucleus() {
        long seed = System.nanoTime();
        System.out.println("drawsFollowTheTemperedDistributionAndItsNucleus seed " + seed);
        float[] logits = randomLogits(new Random(seed), 12);
        float temperature = 1.5f;
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        // nucleus of 0.6: most likely tokens until their mass exceeds 0.6, renormalised
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double[] nucleus = new double[p.length];
        double mass = 0;
        for (int i : order) {
            nucleus[i] = p[i];
            mass += p[i];
            if (mass > 0.6) {
                break;
            }
        }
        for (int i = 0; i < p.length; i++) {
            nucleus[i] /= mass;
        }

        int draws = 40_000;
        for (float topP : new float[] {1f, 0.6f}) {
            double[] expected = topP == 1f ? p : nucleus;
            Sampler s = Sampler.of(temperature, topP, seed);
            int[] counts = new int[p.length];
            for (int i = 0; i < draws; i++) {
                counts[s.sample(logits.clone())]++;
            }
            for (int i = 0; i < p.length; i++) {
                double sigma = Math.sqrt(expected[i] * (1 - expected[i]) / draws);
                double freq = (double) counts[i] / draws;
                assertEquals(expected[i], freq, 5 * sigma + 1e-9, "top-p " + topP + " token " + i);
            }
        }
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(-1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(Float.NaN, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of(1, 1.5f, 0));
    }
}
