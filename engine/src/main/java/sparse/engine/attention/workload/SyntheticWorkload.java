package sparse.engine.attention.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded synthetic workload with the features real decode attention has, so that methods can
 * be compared without a model. Per layer and key/value head, before RoPE:
 * <pre>
 *   key   k̂_n = mean + outliers + (0.8·c_n + 0.6·noise)                    (the last part: content)
 *   value v_n = (vmean + 0.5·c_n + 0.87·noise) · lognormal(0.3)     (never rotated)
 *   query q̂_m = a_h·noise + b_h·c_m + aligned outliers
 * </pre>
 * where {@code c_n} is a context varying slowly over positions (AR(1), correlation length
 * {@code localSpan}) that a query shares with the keys just before it: local attention, made
 * sharper by RoPE turning the fast channels apart. {@code b_h} gives the local score, the noise
 * {@code a_h} the spread of random keys' scores. Keys and queries are then rotated by RoPE at
 * their positions. Planted after rotation:
 * <ul>
 * <li>attention sinks: long keys at the first {@code sinkTokens} positions along a direction
 *     every query of the group carries;</li>
 * <li>needles: per query head, {@code needles} passages of {@code needleSpan} consecutive
 *     tokens whose keys match that head's needle direction by angle, not by length: each
 *     token's content is turned towards the direction and keeps its norm, so a needle key is
 *     as long as any other (real retrieval matches a passage by direction; a method that
 *     estimates angles must be able to find it). The decode queries and the question
 *     queries before them carry the direction; other queries do not. Optionally
 *     ({@code sharedNeedles}) passages every head of the layer seeks, each group along its
 *     own direction: the answer to a question is one passage for every head.</li>
 * </ul>
 * Sink values are short, as in real models. See {@link SyntheticParams} for the knobs.
 *
 * <p>The queries of earlier positions ({@link SyntheticParams#prefillQueries}) follow the same
 * law from their own random stream, so turning them on leaves the rest unchanged.
 *
 * <p>Measured at the defaults (seed 1, one layer, 4 decode steps; docs/BENCHMARKS.md): the top
 * 5 % of keys hold 0.946 of the softmax mass at T = 16K (p10 0.874) and 0.932 at 32K, sink and
 * window alone 0.29, the oracle at density 0.05 0.939 and 0.927. With single-token needles
 * ({@code needleSpan} 1) the oracle holds 0.856 at 16K.
 */
public final class SyntheticWorkload {

    /** A key's content spread along the shared context; the rest of its unit spread is noise. */
    private static final double KEY_CONTEXT = 0.8;
    private static final double VALUE_CONTEXT = 0.5;
    private static final double KEY_MEAN_SPREAD = 0.3;
    /** Planted sink keys are long (3√d) and the queries' matching part short. */
    private static final double SINK_KEY_NORM = 3;
    private static final double VALUE_MEAN_SPREAD = 0.5;
    private static final double VALUE_NORM_SPREAD = 0.3;

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

    /** Per query head, how its queries are made. */
    private record Head(double noiseAmp, double contextAmp, double sinkAmp, double needleAmp,
                        double[] needleDir, double[] sharedDir, double[] mean) {
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
        // per key/value head, the direction of the passages every head seeks, in its group's
        // key space (none drawn when there are none, so the other knobs' workload stays the same)
        double[][] sharedDir = new double[hkv][];
        for (int g = 0; g < hkv && p.sharedNeedles() > 0; g++) {
            sharedDir[g] = orthogonalUnit(rng, d, sinkDir[g]);
        }
        // a key's mean square per channel, RoPE spreading the mean and outliers over each pair
        double keyVariance = 1 + KEY_MEAN_SPREAD * KEY_MEAN_SPREAD
                + (double) p.outlierChannels() * p.outlierScale() * p.outlierScale() / d;

        // per query head: how strongly it looks at sinks, recent keys, its needles, and how
        // much noise it adds so that the scores of random keys spread by its sharpness
        Head[] heads = new Head[hq];
        for (int h = 0; h < hq; h++) {
            int g = h / group;
            double sharpness = p.sharpnessMin() + (p.sharpnessMax() - p.sharpnessMin()) * rng.nextDouble();
            double sinkAmp = p.sinkTokens() == 0 ? 0 : jitter(rng) * p.sinkLogit() * sqrtD / sinkKeyAmp;
            double contextAmp = jitter(rng) * p.localLogit() / (KEY_CONTEXT * sqrtD);
            // a needle key's content (norm about √d) makes cosine needleAlignment with the
            // direction, so a query part of needleLogit/needleAlignment along it scores needleLogit
            double needleAmp = p.needles() + p.sharedNeedles() == 0 ? 0
                    : jitter(rng) * p.needleLogit() / p.needleAlignment();
            // orthogonal to the sink (and shared needle) direction, so that setting the query's
            // needle part leaves its sink part, which the long sink keys amplify, as it is
            double[] needleDir = sharedDir[g] == null ? orthogonalUnit(rng, d, sinkDir[g])
                    : orthogonalUnit(rng, d, sinkDir[g], sharedDir[g]);
            // aligned with the key outliers: a score bonus that RoPE turns away with distance
            double[] mean = new double[d];
            double meanSquare = 0;
            for (int ch : outliers[g]) {
                double perChannel = p.outlierScale() == 0 ? 0
                        : p.outlierLogit() * sqrtD / (outliers[g].length * p.outlierScale());
                mean[ch] = Math.signum(keyMean[g][ch]) * perChannel;
                meanSquare += perChannel * perChannel / d;
            }
            // every part of the query meets random keys; the noise makes up the rest (if any)
            double needleParts = sharedDir[g] == null ? 1 : 2;
            double planted = contextAmp * contextAmp + meanSquare
                    + (sinkAmp * sinkAmp + needleParts * needleAmp * needleAmp) / d;
            double noiseAmp = Math.sqrt(Math.max(0, sharpness * sharpness / keyVariance - planted));
            heads[h] = new Head(noiseAmp, contextAmp, sinkAmp, needleAmp, needleDir, sharedDir[g], mean);
        }

        // needle passages: per key/value head, which query head's needle each position holds
        // (-1: none, hq: a shared passage) and how closely it is turned towards that direction;
        // a position two passages would share keeps the first
        int[][] needleHead = new int[hkv][t];
        double[][] needleCos = new double[hkv][t];
        for (int[] row : needleHead) {
            Arrays.fill(row, -1);
        }
        int lo = Math.min(t - 1, Math.max(p.sinkTokens(), t / 8));
        int hi = Math.max(lo + 1, t - t / 8);
        int span = Math.min(p.needleSpan(), hi - lo);
        for (int i = 0; i < p.sharedNeedles(); i++) {
            int first = lo + rng.nextInt(hi - lo - span + 1);
            for (int g = 0; g < hkv; g++) {
                for (int n = first; n < first + span; n++) {
                    if (needleHead[g][n] < 0) {
                        needleHead[g][n] = hq;
                        needleCos[g][n] = p.needleAlignment() * (0.7 + 0.3 * rng.nextDouble());
                    }
                }
            }
        }
        for (int h = 0; h < hq; h++) {
            int g = h / group;
            for (int i = 0; i < p.needles(); i++) {
                int first = lo + rng.nextInt(hi - lo - span + 1);
                for (int n = first; n < first + span; n++) {
                    double cos = p.needleAlignment() * (0.7 + 0.3 * rng.nextDouble());
                    if (needleHead[g][n] < 0) {
                        needleHead[g][n] = h;
                        needleCos[g][n] = cos;
                    }
                }
            }
        }

        // keys, values and queries position by position, the context advancing as an AR(1)
        // process; each kind of query from its own stream
        SplittableRandom decodeRng = rng.split();
        SplittableRandom prefillRng = rng.split();
        short[] k = new short[hkv * t * d];
        short[] v = new short[hkv * t * d];
        float[] q = new float[tq * hq * d];
        int prefix = t - tq;
        float[] prefillQ = p.prefillQueries() && prefix > 0 ? new float[hq * prefix * d] : null;
        int question = Math.max(0, prefix - p.questionTokens());
        double[][] context = new double[hkv][d];
        for (double[] c : context) {
            gaussians(rng, c);
        }
        double rho = Math.exp(-1 / p.localSpan());
        double innovation = Math.sqrt(1 - rho * rho);
        double keyNoise = Math.sqrt(1 - KEY_CONTEXT * KEY_CONTEXT);
        double valueNoise = Math.sqrt(1 - VALUE_CONTEXT * VALUE_CONTEXT);
        double[] cos = new double[d / 2];
        double[] sin = new double[d / 2];
        double[] key = new double[d];
        double[] content = new double[d];
        double[] query = new double[d];
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
                    key[i] = keyMean[g][i];
                    content[i] = KEY_CONTEXT * c[i] + keyNoise * rng.nextGaussian();
                }
                rotate(key, cos, sin);
                rotate(content, cos, sin);
                int owner = needleHead[g][n];
                if (owner >= 0) {
                    turnTowards(content, owner == hq ? sharedDir[g] : heads[owner].needleDir, needleCos[g][n]);
                }
                axpy(1, content, key);
                if (n < p.sinkTokens()) {
                    axpy(sinkKeyAmp, sinkDir[g], key);
                }
                double scale = Math.exp(VALUE_NORM_SPREAD * rng.nextGaussian())
                        * (n < p.sinkTokens() ? p.sinkValueScale() : 1);
                int row = (g * t + n) * d;
                for (int i = 0; i < d; i++) {
                    k[row + i] = Float.floatToFloat16((float) key[i]);
                    double value = valueMean[g][i] + VALUE_CONTEXT * c[i] + valueNoise * rng.nextGaussian();
                    v[row + i] = Float.floatToFloat16((float) (scale * value));
                }
                // the queries of this position that the workload keeps
                for (int h = g * group; h < (g + 1) * group; h++) {
                    if (n >= prefix) {
                        query(heads[h], c, sinkDir[g], true, cos, sin, decodeRng, query);
                        copy(query, q, ((n - prefix) * hq + h) * d);
                    } else if (prefillQ != null) {
                        query(heads[h], c, sinkDir[g], n >= question, cos, sin, prefillRng, query);
                        copy(query, prefillQ, (h * prefix + n) * d);
                    }
                }
            }
        }
        return new WorkloadLayer(hq, hkv, d, t, tq, k, v, q, prefillQ);
    }

    /**
     * The query of head {@code head} at a position whose context is {@code c} and RoPE angles
     * {@code cos, sin}: noise, context and outlier parts, rotated, then its sink part and, when
     * it seeks the needles, its needle part set exactly.
     */
    private static void query(Head head, double[] c, double[] sinkDir, boolean seeksNeedles, double[] cos,
                              double[] sin, SplittableRandom rng, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = head.noiseAmp * rng.nextGaussian() + head.contextAmp * c[i] + head.mean[i];
        }
        rotate(out, cos, sin);
        // the long sink keys would amplify any stray query part along them
        axpy(head.sinkAmp - dot(out, sinkDir), sinkDir, out);
        if (seeksNeedles) {
            axpy(head.needleAmp - dot(out, head.needleDir), head.needleDir, out);
            if (head.sharedDir != null) {
                axpy(head.needleAmp - dot(out, head.sharedDir), head.sharedDir, out);
            }
        }
    }

    /** Turns {@code x} to cosine {@code cos} with the unit vector {@code u}, keeping its norm. */
    private static void turnTowards(double[] x, double[] u, double cos) {
        double norm = Math.sqrt(dot(x, x));
        double along = dot(x, u);
        axpy(-along, u, x);
        double rest = Math.sqrt(dot(x, x));
        double sin = Math.sqrt(1 - cos * cos);
        for (int i = 0; i < x.length; i++) {
            x[i] = norm * (cos * u[i] + (rest > 0 ? sin * x[i] / rest : 0));
        }
    }

    private static void copy(double[] x, float[] to, int at) {
        for (int i = 0; i < x.length; i++) {
            to[at + i] = (float) x[i];
        }
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

    private static void scale(double a, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
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

    /** A random unit vector orthogonal to the given unit vectors, which are orthogonal to each other. */
    private static double[] orthogonalUnit(SplittableRandom rng, int d, double[]... others) {
        double[] x = unit(rng, d);
        for (double[] o : others) {
            axpy(-dot(x, o), o, x);
        }
        scale(1 / Math.sqrt(dot(x, x)), x);
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
