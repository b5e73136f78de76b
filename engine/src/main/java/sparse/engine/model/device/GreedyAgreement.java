package sparse.engine.model.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.backend.Device;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.llama.LlamaWeights;
import sparse.engine.model.sample.Sampler;
import sparse.engine.model.tokenizer.Tokenizer;

/**
 * How closely greedy decoding with an attention method follows greedy decoding with dense
 * attention on the same device and prompt.
 *
 * <p>Dense first decodes {@code steps} tokens greedily (the reference; EOS does not stop it,
 * so every method is compared over the same number of positions). Each method is then run
 * twice:
 * <ul>
 * <li>teacher-forced: fed the prompt, then dense's tokens; at each of the {@code steps}
 *     positions its argmax is compared with dense's token there. Agreement is the fraction of
 *     positions that match. Each position is judged on the same history, so one miss does not
 *     spoil the positions after it.</li>
 * <li>free-running: decodes its own tokens greedily; the identical prefix is how many tokens
 *     it produces before the first that differs from dense's (all {@code steps} if none).</li>
 * </ul>
 * The measured density is the teacher-forced run's attended keys over visible keys, summed over
 * every head, layer and position, the prompt's included.
 */
public final class GreedyAgreement {

    /**
     * One method's comparison with dense.
     *
     * @param method            the method's command-line name
     * @param requestedDensity  the density asked for; NaN where the method has none (dense, hardlsh)
     * @param measuredDensity   attended keys over visible keys in the teacher-forced run
     * @param matches           teacher-forced positions whose argmax is dense's token
     * @param steps             positions compared
     * @param identicalPrefix   free-running tokens equal to dense's before the first that differs
     */
    public record Row(String method, double requestedDensity, double measuredDensity, int matches, int steps,
                      int identicalPrefix) {

        /** Teacher-forced agreement: {@code matches / steps}, in [0, 1]. */
        public double agreement() {
            return (double) matches / steps;
        }
    }

    /** A method at one density (NaN: the method has no density); checked when measured. */
    public record Run(String method, double density) {
    }

    /**
     * @param promptLength prompt tokens (BOS included where the tokenizer adds it)
     * @param dense        dense's {@code steps} generated tokens
     * @param denseText    the prompt and dense's tokens, decoded
     * @param device       {@code backend id (name)} of the device that ran it
     * @param rows         one per run, in the order asked
     */
    public record Report(int promptLength, int[] dense, String denseText, String device, List<Row> rows) {
    }

    private GreedyAgreement() {
    }

    /**
     * Decodes {@code steps} tokens after {@code prompt} with dense attention on {@code device},
     * then measures each run against them, handing each row to {@code onRow} as it completes.
     * Every run's options are checked before anything is decoded.
     */
    public static Report measure(GgufFile file, Device device, String prompt, int steps, List<Run> runs,
                                 MethodSettings settings, Consumer<Row> onRow) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        for (Run r : runs) {
            checkRun(r, settings);
        }
        LlamaConfig config = LlamaConfig.fromGguf(file);
        Tokenizer tokenizer = Tokenizer.fromGguf(file);
        int[] promptTokens = tokenizer.encode(prompt, tokenizer.addsBos());
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("empty prompt and no BOS token to start from");
        }
        // The last compared token comes from the forward at position prompt + steps - 2.
        int capacity = promptTokens.length + steps - 1;
        if (capacity > config.contextLength()) {
            throw new IllegalArgumentException("prompt of " + promptTokens.length + " tokens and " + steps
                    + " steps exceed the context length " + config.contextLength());
        }
        DeviceWeights weights = DeviceWeights.read(file.path(), LlamaWeights.fromGguf(file, config));

        int[] dense;
        String deviceName;
        try (DeviceLlama model = new DeviceLlama(config, weights, device, capacity, null)) {
            dense = freeRun(model, promptTokens, steps, null);
            Device d = model.device();
            deviceName = d.backend() + " " + d.id() + " (" + d.name() + ")";
        }
        List<Row> rows = new ArrayList<>();
        for (Run r : runs) {
            int matches;
            double measured;
            try (DeviceLlama model = new DeviceLlama(config, weights, device, capacity, open(r, settings, device))) {
                matches = teacherForced(model, promptTokens, dense);
                measured = model.density();
            }
            int prefix;
            try (DeviceLlama model = new DeviceLlama(config, weights, device, capacity, open(r, settings, device))) {
                int[] own = freeRun(model, promptTokens, steps, dense);
                prefix = own.length;
            }
            Row row = new Row(r.method(), r.density(), measured, matches, steps, prefix);
            rows.add(row);
            onRow.accept(row);
        }
        int[] all = new int[promptTokens.length + steps];
        System.arraycopy(promptTokens, 0, all, 0, promptTokens.length);
        System.arraycopy(dense, 0, all, promptTokens.length, steps);
        return new Report(promptTokens.length, dense, tokenizer.decode(all), deviceName, List.copyOf(rows));
    }

    /** Throws a one-line IllegalArgumentException if {@code run} names no method or a density it cannot take. */
    public static void checkRun(Run run, MethodSettings settings) {
        MethodSettings.checkName(run.method());
        boolean hasDensity = !run.method().equals("dense") && !run.method().equals("hardlsh");
        if (!hasDensity) {
            if (!Double.isNaN(run.density())) {
                throw new IllegalArgumentException(run.method() + " has no density (asked for " + run.density() + ")");
            }
            return;
        }
        if (!(run.density() > 0 && run.density() <= 1)) {
            throw new IllegalArgumentException("density of " + run.method() + " must be in (0, 1], got " + run.density());
        }
        settings.options(run.method(), run.density());  // throws where the method cannot reach the density
    }

    /** The method of {@code run}; null for dense, which then runs in the graph like the reference. */
    private static AttentionMethod open(Run run, MethodSettings settings, Device device) {
        return run.method().equals("dense") ? null
                : Methods.open(run.method(), Double.isNaN(run.density()) ? 1 : run.density(), settings, device);
    }

    /**
     * Greedy tokens after the prompt: {@code steps} of them, or, when {@code reference} is given,
     * those up to (not including) the first that differs from it.
     */
    private static int[] freeRun(DeviceLlama model, int[] prompt, int steps, int[] reference) {
        Sampler greedy = Sampler.greedy();
        float[] logits = prefill(model, prompt);
        int[] tokens = new int[steps];
        for (int i = 0; i < steps; i++) {
            int next = greedy.sample(logits);
            if (reference != null && next != reference[i]) {
                return Arrays.copyOf(tokens, i);
            }
            tokens[i] = next;
            if (i + 1 < steps) {
                logits = model.forward(next, prompt.length + i);
            }
        }
        return tokens;
    }

    /** Positions where the argmax after the prompt and {@code reference}'s earlier tokens is {@code reference}'s token. */
    private static int teacherForced(DeviceLlama model, int[] prompt, int[] reference) {
        Sampler greedy = Sampler.greedy();
        float[] logits = prefill(model, prompt);
        int matches = 0;
        for (int i = 0; i < reference.length; i++) {
            if (greedy.sample(logits) == reference[i]) {
                matches++;
            }
            if (i + 1 < reference.length) {
                logits = model.forward(reference[i], prompt.length + i);
            }
        }
        return matches;
    }

    private static float[] prefill(DeviceLlama model, int[] prompt) {
        float[] logits = null;
        for (int pos = 0; pos < prompt.length; pos++) {
            logits = model.forward(prompt[pos], pos);
        }
        return logits;
    }
}
