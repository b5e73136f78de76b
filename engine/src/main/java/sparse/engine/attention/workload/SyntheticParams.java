package sparse.engine.attention.workload;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The knobs of {@link SyntheticWorkload}. Strengths are in logits, i.e. in units of
 * {@code q·k/√d}, the softmax's input. Every per-head strength is jittered by a factor drawn
 * uniformly from [0.7, 1.3] per query head, so heads differ as they do in real models. Each
 * knob can be set by name with {@link #with(String, String)} ({@code sparse eval --synthetic
 * needleSpan=24}).
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
 *                        concentrated softmax. The query's noise is sized to reach it; strong
 *                        planted parts alone can exceed a small sharpness (default 1.5)
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
 * @param needles         per query head, passages in the middle of the context [T/8, 7T/8)
 *                        that this head's queries seek; 0 is off (default 8)
 * @param sharedNeedles   passages that every query head of the layer seeks, on top of its own
 *                        needles (each key/value group along its own direction): the passage
 *                        that answers a question is the same for every head that retrieves it.
 *                        Off by default: per-head needles alone are the harder case for a
 *                        selection shared by heads, and the one measured so far (default 0)
 * @param needleSpan      tokens per needle passage, consecutive: a real needle is a sentence
 *                        of some 10–30 tokens (default 16)
 * @param needleLogit     each needle token's score above a random key, times U(0.7, 1) per
 *                        token (default 9)
 * @param needleAlignment a needle key's content (its part beyond the head's key mean) is
 *                        turned towards the head's needle direction up to this cosine, times
 *                        U(0.7, 1) per token; its norm is kept. The query's part along that
 *                        direction is sized to reach needleLogit (default 0.8)
 * @param questionTokens  the last this many positions before the decode queries (the question
 *                        of a retrieval prompt) also seek the needles, like the decode queries;
 *                        only the queries of earlier positions, which only a prefill sees, are
 *                        told apart by it (default 16)
 * @param sinkValueScale  sink tokens' value rows are this much shorter than others (default 0.2)
 * @param prefillQueries  also make the queries of every position before the decode queries,
 *                        for methods that prefill ({@link WorkloadLayer#prefillQ}); off by
 *                        default, since at T = 32K they take 0.5 GB per layer
 */
public record SyntheticParams(long seed, int layers, int hq, int hkv, int d, int context, int queries,
                              double ropeBase, double sharpnessMin, double sharpnessMax,
                              int sinkTokens, double sinkLogit, double localSpan, double localLogit,
                              int outlierChannels, double outlierScale, double outlierLogit,
                              int needles, int sharedNeedles, int needleSpan, double needleLogit, double needleAlignment,
                              int questionTokens, double sinkValueScale, boolean prefillQueries) {

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
        require(sharedNeedles >= 0, "shared needles", sharedNeedles, "non-negative");
        require(needleSpan >= 1, "needle span", needleSpan, "at least 1");
        require(sinkLogit >= 0, "sink logit", sinkLogit, "non-negative");
        require(localLogit >= 0, "local logit", localLogit, "non-negative");
        require(outlierScale >= 0, "outlier scale", outlierScale, "non-negative");
        require(outlierLogit >= 0, "outlier logit", outlierLogit, "non-negative");
        require(needleLogit >= 0, "needle logit", needleLogit, "non-negative");
        require(needleAlignment > 0 && needleAlignment <= 1, "needle alignment", needleAlignment, "in (0, 1]");
        require(questionTokens >= 0, "question tokens", questionTokens, "non-negative");
        require(sinkValueScale >= 0, "sink value scale", sinkValueScale, "non-negative");
    }

    /** The defaults above with the given seed: GQA 32 query heads over 8 key/value heads, d = 128, 16K context. */
    public static SyntheticParams defaults(long seed) {
        return new SyntheticParams(seed, 2, 32, 8, 128, 16384, 8, 10000, 1.5, 2.5,
                4, 10, 16, 8, 4, 4, 1, 8, 0, 16, 9, 0.8, 16, 0.2, false);
    }

    public SyntheticParams withContext(int context) {
        return with("context", Integer.toString(context));
    }

    public SyntheticParams withQueries(int queries) {
        return with("queries", Integer.toString(queries));
    }

    public SyntheticParams withLayers(int layers) {
        return with("layers", Integer.toString(layers));
    }

    public SyntheticParams withHeads(int hq, int hkv, int d) {
        return new SyntheticParams(seed, layers, hq, hkv, d, context, queries, ropeBase, sharpnessMin, sharpnessMax,
                sinkTokens, sinkLogit, localSpan, localLogit, outlierChannels, outlierScale, outlierLogit, needles,
                sharedNeedles, needleSpan, needleLogit, needleAlignment, questionTokens, sinkValueScale, prefillQueries);
    }

    public SyntheticParams withPrefillQueries(boolean on) {
        return with("prefillQueries", Boolean.toString(on));
    }

    /**
     * These knobs with the one named {@code name} (a component of this record, e.g.
     * {@code needleSpan}) set to {@code value}.
     *
     * @throws IllegalArgumentException one line, for an unknown name, a value that does not
     *                                  parse, or a knob out of its range
     */
    public SyntheticParams with(String name, String value) {
        RecordComponent[] components = SyntheticParams.class.getRecordComponents();
        Object[] args = new Object[components.length];
        boolean found = false;
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            if (c.getName().equals(name)) {
                args[i] = parse(c.getType(), name, value);
                found = true;
            } else {
                try {
                    args[i] = c.getAccessor().invoke(this);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (!found) {
            throw new IllegalArgumentException("synthetic workload: unknown knob '" + name + "' (known: "
                    + Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.joining(", ")) + ")");
        }
        try {
            return SyntheticParams.class.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new)).newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw bad;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object parse(Class<?> type, String name, String value) {
        try {
            if (type == int.class) {
                return Integer.parseInt(value.trim());
            }
            if (type == long.class) {
                return Long.parseLong(value.trim());
            }
            if (type == double.class) {
                return Double.parseDouble(value.trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("synthetic workload: " + name + " '" + value + "' is not a " + type + " number");
        }
        if (type == boolean.class && (value.equals("true") || value.equals("false"))) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("synthetic workload: " + name + " '" + value + "' must be true or false");
    }

    private static void require(boolean ok, String what, Object value, String want) {
        if (!ok) {
            throw new IllegalArgumentException("synthetic workload: " + what + " " + value + " must be " + want);
        }
    }
}
