package sparse.engine.model.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Temperature and nucleus (top-p) sampling, as llama2.c: softmax(logits / temperature), keep
 * the most likely tokens until their probability reaches {@code topP}, draw one of them in
 * proportion to its probability.
 */
public final class TopPSampler implements Sampler {

    private final float temperature;
    private final float topP;
    private final SplittableRandom random;

    /**
     * @param temperature &gt; 0; below 1 sharpens, above 1 flattens
     * @param topP        in (0, 1]; 1 samples from every token
     * @param seed        seeds the random source
     */
    public TopPSampler(float temperature, float topP, long seed) {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int sample(float[] logits) {
        double[] probs = softmax(logits, temperature);
        double coin = random.nextDouble();
        return topP < 1 ? sampleTopP(probs, topP, coin) : sampleAll(probs, coin);
    }

    private static double[] softmax(float[] logits, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Index where the cumulative probability first passes {@code coin}. */
    private static int sampleAll(double[] probs, double coin) {
        double cdf = 0;
        for (int i = 0; i < probs.length; i++) {
            cdf += probs[i];
            if (coin < cdf) {
                return i;
            }
        }
        return probs.length - 1; // rounding left the sum just under 1
    }

    private static int sampleTopP(double[] probs, float topP, double coin) {
        // Tokens below (1 - topP) / (n - 1) cannot be in the nucleus (llama2.c's cut-off):
        // dropping them first keeps the sort short.
        double cutoff = (1.0 - topP) / Math.max(1, probs.length - 1);
        Integer[] candidates = new Integer[probs.length];
        int n = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] >= cutoff) {
                candidates[n++] = i;
            }
        }
        Integer[] sorted = Arrays.copyOf(candidates, n);
        Arrays.sort(sorted, (a, b) -> Double.compare(probs[b], probs[a]));

        // The nucleus: the shortest prefix whose probability exceeds topP.
        double mass = 0;
        int last = n - 1;
        for (int i = 0; i < n; i++) {
            mass += probs[sorted[i]];
            if (mass > topP) {
                last = i;
                break;
            }
        }
        double r = coin * mass;
        double cdf = 0;
        for (int i = 0; i <= last; i++) {
            cdf += probs[sorted[i]];
            if (r < cdf) {
                return sorted[i];
            }
        }
        return sorted[last];
    }
}
