package sparse.engine.attention.metrics;

import java.util.Arrays;

/**
 * Mean and spread of one metric over samples (heads × layers × steps). Percentiles
 * interpolate linearly between order statistics. A NaN sample makes every field NaN, so a
 * broken method cannot hide behind an average.
 */
public record Summary(double mean, double std, double min, double p10, double p90, double max, int count) {

    public static Summary of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples to summarise");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        if (Double.isNaN(s[n - 1])) {
            return new Summary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, n);
        }
        double mean = 0;
        for (double x : s) {
            mean += x;
        }
        mean /= n;
        double var = 0;
        for (double x : s) {
            var += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(var / n);
        return new Summary(mean, std, s[0], percentile(s, 0.1), percentile(s, 0.9), s[n - 1], n);
    }

    private static double percentile(double[] sorted, double p) {
        double at = p * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }
}
