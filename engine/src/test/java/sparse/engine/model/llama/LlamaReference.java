package sparse.engine.model.llama;

/**
 * The Llama forward pass in float64, written independently of {@link Llama} from the same
 * weights, with keys and values stored as fp16 like the engine's cache (the one rounding the
 * network itself specifies).
 */
final class LlamaReference {

    private final TinyLlama m;
    private final int kvDim = TinyLlama.KV_HEADS * TinyLlama.HEAD_SIZE;
    private final double[][][] keys;   // (layer, position, kvDim), post-RoPE, fp16-rounded
    private final double[][][] values; // (layer, position, kvDim), fp16-rounded

    LlamaReference(TinyLlama model) {
        this.m = model;
        keys = new double[TinyLlama.LAYERS][TinyLlama.CONTEXT][];
        values = new double[TinyLlama.LAYERS][TinyLlama.CONTEXT][];
    }

    /** Post-RoPE key of {@code layer} at {@code pos}, as stored. */
    double[] key(int layer, int pos) {
        return keys[layer][pos];
    }

    double[] forward(int token, int pos) {
        int dim = TinyLlama.DIM;
        int hs = TinyLlama.HEAD_SIZE;
        double[] x = new double[dim];
        for (int i = 0; i < dim; i++) {
            x[i] = m.tokenEmbedding[token * dim + i];
        }
        for (int l = 0; l < TinyLlama.LAYERS; l++) {
            double[] h = rmsnorm(x, m.attentionNorm[l]);
            double[] q = matvec(m.wq[l], h, TinyLlama.HEADS * hs);
            double[] k = matvec(m.wk[l], h, kvDim);
            double[] v = matvec(m.wv[l], h, kvDim);
            rotate(q, pos);
            rotate(k, pos);
            keys[l][pos] = toFp16(k);
            values[l][pos] = toFp16(v);

            double[] att = new double[TinyLlama.HEADS * hs];
            int group = TinyLlama.HEADS / TinyLlama.KV_HEADS;
            for (int head = 0; head < TinyLlama.HEADS; head++) {
                int kvOff = (head / group) * hs;
                double[] w = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= pos; t++) {
                    double s = 0;
                    for (int i = 0; i < hs; i++) {
                        s += q[head * hs + i] * keys[l][t][kvOff + i];
                    }
                    w[t] = s / Math.sqrt(hs);
                    max = Math.max(max, w[t]);
                }
                double sum = 0;
                for (int t = 0; t <= pos; t++) {
                    w[t] = Math.exp(w[t] - max);
                    sum += w[t];
                }
                for (int t = 0; t <= pos; t++) {
                    for (int i = 0; i < hs; i++) {
                        att[head * hs + i] += w[t] / sum * values[l][t][kvOff + i];
                    }
                }
            }
            double[] o = matvec(m.wo[l], att, dim);
            for (int i = 0; i < dim; i++) {
                x[i] += o[i];
            }

            h = rmsnorm(x, m.ffnNorm[l]);
            double[] gate = matvec(m.ffnGate[l], h, TinyLlama.HIDDEN);
            double[] up = matvec(m.ffnUp[l], h, TinyLlama.HIDDEN);
            for (int i = 0; i < gate.length; i++) {
                gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
            }
            double[] down = matvec(m.ffnDown[l], gate, dim);
            for (int i = 0; i < dim; i++) {
                x[i] += down[i];
            }
        }
        return matvec(m.output, rmsnorm(x, m.outputNorm), m.vocabularySize());
    }

    private static double[] rmsnorm(double[] x, float[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + TinyLlama.RMS_EPS);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * w[i];
        }
        return out;
    }

    /** (rows, x.length) matrix times x. */
    private static double[] matvec(float[] w, double[] x, int rows) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < x.length; c++) {
                out[r] += w[r * x.length + c] * x[c];
            }
        }
        return out;
    }

    /** Interleaved-pair RoPE per head: (2j, 2j+1) by pos * base^(-2j/headSize). */
    private static void rotate(double[] v, int pos) {
        int hs = TinyLlama.HEAD_SIZE;
        for (int head = 0; head < v.length / hs; head++) {
            for (int j = 0; j < hs / 2; j++) {
                double angle = pos / Math.pow(TinyLlama.ROPE_BASE, 2.0 * j / hs);
                int i = head * hs + 2 * j;
                double a = v[i];
                double b = v[i + 1];
                v[i] = a * Math.cos(angle) - b * Math.sin(angle);
                v[i + 1] = a * Math.sin(angle) + b * Math.cos(angle);
            }
        }
    }

    private static double[] toFp16(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.float16ToFloat(Float.floatToFloat16((float) v[i]));
        }
        return out;
    }
}
