package sparse.engine.attention.workload;

/**
 * The knobs of {@link SyntheticWorkload}. Strengths are in logits, i.e. in units of
 * {@code q·k/√d}, the softmax's input. Every per-head strength is jittered by a factor drawn
 * uniformly from [0.7, 1.3] per query head, so heads differ as they do in real models.
 *
 * @param seed            everything random derives from it
 * @param layers          layers (default 2)
 * @param hq              query heads (default 32)
 * @param hkv             key/value heads (default 8)
 * @param d               head dimension, even (default 128)
 * @param context         cached tokens T (default 16384)
 * @param queries         decode queries Tq, at the last Tq positions (default 8)
 * @param ropeBase        RoPE base; keys and queries are rotated at their positions, pairs
 *                        {@code (2i, 2i+1)} at frequency {@code base^(−2i/d)} (default 10000)
 * @param sharpnessMin    per query head, the spread (std, in logits) of the scores of random
 *                        keys is drawn from [sharpnessMin, sharpnessMax]: larger is a more
 *                        concentrated softmax. The query's noise is sized to reach it; a strong
 *                        local signal alone can exceed a small sharpness (default 1.5)
 * @param sharpnessMax    (default 2.5)
 * @param sinkTokens      the first tokens, attention sinks that every query matches; 0 is off
 *                        (default 4)
 * @param sinkLogit       a sink key's score above a random key's (default 10)
 * @param localSpan       correlation length in tokens of the context that queries share with
 *                        recent keys (default 16)
 * @param localLogit      score of the key at the query's own position above a random key,
 *                        fading with distance over about localSpan tokens; 0 is off (default 8)
 * @param outlierChannels channels (in the low-frequency half, where RoPE turns slowly) whose
 *                        key value has a large constant offset; 0 is off (default 4)
 * @param outlierScale    that offset, in units of a key channel's spread (default 4)
 * @param outlierLogit    the score queries get from the outlier channels at distance 0,
 *                        falling off as RoPE turns those channels apart (default 1)
 * @param needles         per query head, planted keys in the middle of the context
 *                        [T/8, 7T/8) that this head's queries strongly match; 0 is off (default 8)
 * @param needleLogit     a needle's score above a random key, times U(0.7, 1) per needle (default 9)
 * @param sinkValueScale  sink tokens' value rows are this much shorter than others (default 0.2)
 */
public record SyntheticParams(long seed, int layers, int hq, int hkv, int d, int context, int queries,
                              double ropeBase, double sharpnessMin, double sharpnessMax,
                              int sinkTokens, double sinkLogit, double localSpan, double localLogit,
                              int outlierChannels, double outlierScale, double outlierLogit,
                              int needles, double needleLogit, double sinkValueScale) {

    public SyntheticParams {
        require(layers >= 1, "layers", layers, "at least 1");
        require(hq >= 1 && hkv >= 1 && hq % hkv == 0, "query heads", hq, "a positive multiple of key/value heads " + hkv);
        require(d >= 2 && d % 2 == 0, "head dim", d, "even and at least 2");
        require(context >= 1, "context", context, "at least 1");
        require(queries >= 1 && queries <= context, "queries", queries, "in [1, context " + context + "]");
        require(ropeBase > 1, "RoPE base", ropeBase, "greater than 1");
        require(sharpnessMin >= 0 && sharpnessMax >= sharpnessMin, "sharpness range", sharpnessMin + ".." + sharpnessMax,
                "0 ≤ min ≤ max");
        require(sinkTokens >= 0 && sinkTokens <= context, "sink tokens", sinkTokens, "in [0, context]");
        require(localSpan > 0, "local span", localSpan, "positive");
        require(outlierChannels >= 0 && outlierChannels <= d / 2, "outlier channels", outlierChannels, "in [0, d/2]");
        require(needles >= 0, "needles", needles, "non-negative");
        require(sinkLogit >= 0, "sink logit", sinkLogit, "non-negative");
        require(localLogit >= 0, "local logit", localLogit, "non-negative");
        require(outlierScale >= 0, "outlier scale", outlierScale, "non-negative");
        require(outlierLogit >= 0, "outlier logit", outlierLogit, "non-negative");
        require(needleLogit >= 0, "needle logit", needleLogit, "non-negative");
        require(sinkValueScale >= 0, "sink value scale", sinkValueScale, "non-negative");
    }

    /** The defaults above with the given seed: GQA 32 query heads over 8 key/value heads, d = 128, 16K context. */
    public static SyntheticParams defaults(long seed) {
        return new SyntheticParams(seed, 2, 32, 8, 128, 16384, 8, 10000, 1.5, 2.5,
                4, 10, 16, 8, 4, 4, 1, 8, 9, 0.2);
    }

    public SyntheticParams withContext(int context) {
        return new SyntheticParams(seed, layers, hq, hkv, d, context, queries, ropeBase, sharpnessMin, sharpnessMax,
                sinkTokens, sinkLogit, localSpan, localLogit, outlierChannels, outlierScale, outlierLogit, needles,
                needleLogit, sinkValueScale);
    }

    public SyntheticParams withQueries(int queries) {
        return new SyntheticParams(seed, layers, hq, hkv, d, context, queries, ropeBase, sharpnessMin, sharpnessMax,
                sinkTokens, sinkLogit, localSpan, localLogit, outlierChannels, outlierScale, outlierLogit, needles,
                needleLogit, sinkValueScale);
    }

    public SyntheticParams withLayers(int layers) {
        return new SyntheticParams(seed, layers, hq, hkv, d, context, queries, ropeBase, sharpnessMin, sharpnessMax,
                sinkTokens, sinkLogit, localSpan, localLogit, outlierChannels, outlierScale, outlierLogit, needles,
                needleLogit, sinkValueScale);
    }

    public SyntheticParams withHeads(int hq, int hkv, int d) {
        return new SyntheticParams(seed, layers, hq, hkv, d, context, queries, ropeBase, sharpnessMin, sharpnessMax,
                sinkTokens, sinkLogit, localSpan, localLogit, outlierChannels, outlierScale, outlierLogit, needles,
                needleLogit, sinkValueScale);
    }

    private static void require(boolean ok, String what, Object value, String want) {
        if (!ok) {
            throw new IllegalArgumentException("synthetic workload: " + what + " " + value + " must be " + want);
        }
    }
}
