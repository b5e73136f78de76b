package sparse.engine.model.sample;

/** Picks the next token from the logits of one forward pass. */
public interface Sampler {

    /** The chosen token; may overwrite {@code logits}. */
    int sample(float[] logits);

    /** Always the most likely token. */
    static Sampler greedy() {
        return new GreedySampler();
    }

    /**
     * Greedy when {@code temperature} is 0; otherwise sampling from softmax(logits / temperature),
     * restricted to the smallest set of tokens whose probability reaches {@code topP} (1: off).
     *
     * @param seed seeds the random source, so equal seeds give equal tokens
     */
    static Sampler of(float temperature, float topP, long seed) {
        if (temperature == 0) {
            return greedy();
        }
        return new TopPSampler(temperature, topP, seed);
    }
}
