package sparse.engine.model.llama;

import sparse.engine.attention.LayerCache;

/** Attention over every cached token, in plain Java (float32, fp16 cache read as float). */
public final class DenseAttention implements Attention {

    @Override
    public void attend(int layer, float[] q, int heads, LayerCache cache, float[] out) {
        int d = cache.d();
        int length = cache.length();
        int group = heads / cache.hkv(); // query heads sharing one key/value head
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] scores = new float[length];
        for (int h = 0; h < heads; h++) {
            int qBase = h * d;
            int kvBase = (h / group) * cache.capacity() * d;
            // scores over positions: q · k / sqrt(d)
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < length; t++) {
                float s = 0;
                for (int i = 0; i < d; i++) {
                    s += q[qBase + i] * Float.float16ToFloat(cache.k()[kvBase + t * d + i]);
                }
                scores[t] = s * scale;
                max = Math.max(max, scores[t]);
            }
            // softmax
            float sum = 0;
            for (int t = 0; t < length; t++) {
                scores[t] = (float) Math.exp(scores[t] - max);
                sum += scores[t];
            }
            // weighted sum of values
            for (int i = 0; i < d; i++) {
                out[qBase + i] = 0;
            }
            for (int t = 0; t < length; t++) {
                float a = scores[t] / sum;
                for (int i = 0; i < d; i++) {
                    out[qBase + i] += a * Float.float16ToFloat(cache.v()[kvBase + t * d + i]);
                }
            }
        }
    }
}
