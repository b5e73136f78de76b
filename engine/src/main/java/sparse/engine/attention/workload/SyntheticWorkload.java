package sparse.engine.attention.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded synthetic workload with the features real decode attention has, so that methods can
 * be compared without a model. Per layer and key/value head, before RoPE:
 * <pre>
 *   key   k̂_n = mean + outliers + 0.8·c_n + 0.6·noise
 *   value v_n = (vmean + 0.5·c_n + 0.87·noise) · lognormal(0.3)     (never rotated)
 *   query q̂_m = a_h·noise + b_h·c_m + aligned outliers
 * </pre>
 * where {@code c_n} is a context varying slowly over positions (AR(1), correlation length
 * {@code localSpan}) that a query shares with the keys just before it: local attention, made
 * sharper by RoPE turning the fast channels apart. {@code b_h} gives the local score, the noise
 * {@code a_h} the spread of random keys' scores. Keys and queries are then rotated by RoPE at
 * their positions. Planted after rotation: attention-sink keys at the first
 * {@code sinkTokens} positions along a direction every query of the group carries, and per
 * query head {@code needles} keys along a direction only that head's queries carry (queries
 * have no other part along those directions). Sink values are short, as in real models.
 * See {@link SyntheticParams} for the knobs.
 *
 * <p>Measured at the defaults, T = 16K (seeds 1 and 2, 512 head-steps): the top 5 % of keys
 * hold 0.89–0.91 of the softmax mass on average (p10 ≈ 0.75), sink and window alone 0.46–0.54
 * (p10 ≈ 0.07, p90 ≈ 0.95: some heads are sink-bound, others not), the oracle at density 0.05
 * 0.87–0.90.
 */
public final class SyntheticWorkload {

    /** A key's spread along the shared context; the rest of its unit spread is noise. */
    private static final double KEY_CONTEXT = 0.8;
    private static final double VALUE_CONTEXT = 0.5;
    private static final double KEY_MEAN_SPREAD = 0.3;
    /**
     * Planted sink and needle keys are long (3√d and 2√d) and the queries' matching parts
     * short, so the plants add little spread to the scores of other keys.
     */
    private static final double SINK_KEY_NORM = 3;
    private static final double NEEDLE_KEY_NORM = 2;
    private static final double VALUE_MEAN_SPREAD = 0.5;
    private static final double VALUE_NORM_SPREAD = 0.3;

    /** A key planted at {@code position} along query head {@code head}'s needle direction. */
    private record Needle(int position, int head, double amplitude) {
    }

    private SyntheticWorkload() {
    }

    public static Workload generate(SyntheticParams p) {
        SplittableRandom root = new SplittableRandom(p.seed());
        List<WorkloadLayer> layers = new ArrayList<>();
        for (int l = 0; l < p.layers(); l++) {
            layers.add(layer(p, root.split()));
        }
        String source = "synthetic(seed=" + p.seed() + ", T=" + p.context() + ", Tq=" + p.queries() + ", layers="
                + p.layers() + ", hq=" + p.hq() + ", hkv=" + p.hkv() + ", d=" + p.d() + ")";
        return new Workload(source, layers);
    }

    private static WorkloadLayer layer(SyntheticParams p, SplittableRandom rng) {
        int hq = p.hq();
        int hkv = p.hkv();
        int d = p.d();
        int t = p.context();
        int tq = p.queries();
        int group = hq / hkv;
        double sqrtD = Math.sqrt(d);

        // per key/value head: key and value means, outlier channels, sink direction
        double[][] keyMean = new double[hkv][d];
        double[][] valueMean = new double[hkv][d];
        int[][] outliers = new int[hkv][p.outlierChannels()];
        double[][] sinkDir = new double[hkv][];
        for (int g = 0; g < hkv; g++) {
            for (int i = 0; i < d; i++) {
                keyMean[g][i] = KEY_MEAN_SPREAD * rng.nextGaussian();
                valueMean[g][i] = VALUE_MEAN_SPREAD * rng.nextGaussian();
            }
            // distinct channels of the low-frequency half [d/2, d), each with a signed offset
            int[] pool = shuffled(rng, d / 2);
            for (int o = 0; o < outliers[g].length; o++) {
                int ch = d / 2 + pool[o];
                outliers[g][o] = ch;
                keyMean[g][ch] = (rng.nextBoolean() ? 1 : -1) * p.outlierScale();
            }
            sinkDir[g] = unit(rng, d);
        }
        double sinkKeyAmp = SINK_KEY_NORM * sqrtD;
        double needleKeyAmp = NEEDLE_KEY_NORM * sqrtD;
        // a key's mean square per channel, RoPE spreading the mean and outliers over each pair
        double keyVariance = 1 + KEY_MEAN_SPREAD * KEY_MEAN_SPREAD
                + (double) p.outlierChannels() * p.outlierScale() * p.outlierScale() / d;

        // per query head: how strongly it looks at sinks, recent keys, its needles, and how
        // much noise it adds so that the scores of random keys spread by its sharpness
        double[] noiseAmp = new double[hq];
        double[] sinkQueryAmp = new double[hq];
        double[] contextAmp = new double[hq];
        double[] needleQueryAmp = new double[hq];
        double[][] needleDir = new double[hq][];
        double[][] queryMean = new double[hq][d];
        for (int h = 0; h < hq; h++) {
            int g = h / group;
            double sharpness = p.sharpnessMin() + (p.sharpnessMax() - p.sharpnessMin()) * rng.nextDouble();
            sinkQueryAmp[h] = p.sinkTokens() == 0 ? 0 : jitter(rng) * p.sinkLogit() * sqrtD / sinkKeyAmp;
            contextAmp[h] = jitter(rng) * p.localLogit() / (KEY_CONTEXT * sqrtD);
            needleQueryAmp[h] = p.needles() == 0 ? 0 : jitter(rng) * p.needleLogit() * sqrtD / needleKeyAmp;
            needleDir[h] = unit(rng, d);
            // aligned with the key outliers: a score bonus that RoPE turns away with distance
            double meanSquare = 0;
            for (int ch : outliers[g]) {
                double perChannel = p.outlierScale() == 0 ? 0
                        : p.outlierLogit() * sqrtD / (outliers[g].length * p.outlierScale());
                queryMean[h][ch] = Math.signum(keyMean[g][ch]) * perChannel;
                meanSquare += perChannel * perChannel / d;
            }
            // every part of the query meets random keys; the noise makes up the rest (if any)
            double planted = contextAmp[h] * contextAmp[h] + meanSquare
                    + (sinkQueryAmp[h] * sinkQueryAmp[h] + needleQueryAmp[h] * needleQueryAmp[h]) / d;
            noiseAmp[h] = Math.sqrt(Math.max(0, sharpness * sharpness / keyVariance - planted));
        }

        // needles, per key/value head
        List<List<Needle>> needles = new ArrayList<>();
        int lo = Math.max(p.sinkTokens(), t / 8);
        int hi = Math.max(lo + 1, t - t / 8);
        for (int g = 0; g < hkv; g++) {
            needles.add(new ArrayList<>());
        }
        for (int h = 0; h < hq; h++) {
            for (int i = 0; i < p.needles(); i++) {
                int position = Math.min(t - 1, lo + rng.nextInt(hi - lo));
                needles.get(h / group).add(new Needle(position, h, needleKeyAmp * (0.7 + 0.3 * rng.nextDouble())));
            }
        }

        // keys and values position by position, the context advancing as an AR(1) process
        short[] k = new short[hkv * t * d];
        short[] v = new short[hkv * t * d];
        double[][] context = new double[hkv][d];
        for (double[] c : context) {
            gaussians(rng, c);
        }
        double[][][] queryContext = new double[tq][hkv][];
        double rho = Math.exp(-1 / p.localSpan());
        double innovation = Math.sqrt(1 - rho * rho);
        double keyNoise = Math.sqrt(1 - KEY_CONTEXT * KEY_CONTEXT);
        double valueNoise = Math.sqrt(1 - VALUE_CONTEXT * VALUE_CONTEXT);
        double[] cos = new double[d / 2];
        double[] sin = new double[d / 2];
        double[] key = new double[d];
        for (int n = 0; n < t; n++) {
            rope(p.ropeBase(), n, cos, sin);
            for (int g = 0; g < hkv; g++) {
                double[] c = context[g];
                if (n > 0) {
                    for (int i = 0; i < d; i++) {
                        c[i] = rho * c[i] + innovation * rng.nextGaussian();
                    }
                }
                for (int i = 0; i < d; i++) {
                    key[i] = keyMean[g][i] + KEY_CONTEXT * c[i] + keyNoise * rng.nextGaussian();
                }
                rotate(key, cos, sin);
                if (n < p.sinkTokens()) {
                    axpy(sinkKeyAmp, sinkDir[g], key);
                }
                for (Needle needle : needles.get(g)) {
                    if (needle.position == n) {
                        axpy(needle.amplitude, needleDir[needle.head], key);
                    }
                }
                double scale = Math.exp(VALUE_NORM_SPREAD * rng.nextGaussian())
                        * (n < p.sinkTokens() ? p.sinkValueScale() : 1);
                int row = (g * t + n) * d;
                for (int i = 0; i < d; i++) {
                    k[row + i] = Float.floatToFloat16((float) key[i]);
                    double value = valueMean[g][i] + VALUE_CONTEXT * c[i] + valueNoise * rng.nextGaussian();
                    v[row + i] = Float.floatToFloat16((float) (scale * value));
                }
                if (n >= t - tq) {
                    queryContext[n - (t - tq)][g] = c.clone();
                }
            }
        }

        // queries at the last tq positions
        float[] q = new float[tq * hq * d];
        double[] query = new double[d];
        for (int s = 0; s < tq; s++) {
            rope(p.ropeBase(), t - tq + s, cos, sin);
            for (int h = 0; h < hq; h++) {
                int g = h / group;
                for (int i = 0; i < d; i++) {
                    query[i] = noiseAmp[h] * rng.nextGaussian() + contextAmp[h] * queryContext[s][g][i]
                            + queryMean[h][i];
                }
                rotate(query, cos, sin);
                // the long sink and needle keys would amplify any stray query part along them
                axpy(sinkQueryAmp[h] - dot(query, sinkDir[g]), sinkDir[g], query);
                axpy(needleQueryAmp[h] - dot(query, needleDir[h]), needleDir[h], query);
                for (int i = 0; i < d; i++) {
                    q[(s * hq + h) * d + i] = (float) query[i];
                }
            }
        }
        return new WorkloadLayer(hq, hkv, d, t, tq, k, v, q);
    }

    /** cos and sin of each pair's angle at {@code position}: pair i turns at base^(−2i/d). */
    private static void rope(double base, int position, double[] cos, double[] sin) {
        int pairs = cos.length;
        for (int i = 0; i < pairs; i++) {
            double angle = position * Math.pow(base, -2.0 * i / (2 * pairs));
            cos[i] = Math.cos(angle);
            sin[i] = Math.sin(angle);
        }
    }

    /** Rotates each pair (2i, 2i+1) of {@code x} by its angle. */
    private static void rotate(double[] x, double[] cos, double[] sin) {
        for (int i = 0; i < cos.length; i++) {
            double a = x[2 * i];
            double b = x[2 * i + 1];
            x[2 * i] = a * cos[i] - b * sin[i];
            x[2 * i + 1] = a * sin[i] + b * cos[i];
        }
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static double jitter(SplittableRandom rng) {
        return 0.7 + 0.6 * rng.nextDouble();
    }

    private static void gaussians(SplittableRandom rng, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
    }

    private static double[] unit(SplittableRandom rng, int d) {
        double[] x = new double[d];
        gaussians(rng, x);
        double norm = 0;
        for (double e : x) {
            norm += e * e;
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < d; i++) {
            x[i] /= norm;
        }
        return x;
    }

    private static int[] shuffled(SplittableRandom rng, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }
}
