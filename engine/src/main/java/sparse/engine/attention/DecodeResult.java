package sparse.engine.attention;

/**
 * What one decode step attended and produced.
 *
 * @param selected per query head, the attended key positions in ascending order (every
 *                 position once; block methods list every position of their blocks)
 * @param output   attention output, (hq, d)
 */
public record DecodeResult(int[][] selected, float[] output) {

    /** Attended positions over visible positions, averaged over heads. */
    public double density(int visibleTokens) {
        long sum = 0;
        for (int[] s : selected) {
            sum += s.length;
        }
        return (double) sum / ((long) selected.length * visibleTokens);
    }
}
