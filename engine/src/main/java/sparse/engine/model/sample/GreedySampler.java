package sparse.engine.model.sample;

/** The token with the largest logit (the first of equal ones). */
public final class GreedySampler implements Sampler {

    @Override
    public int sample(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
