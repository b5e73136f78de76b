package sparse.engine.model.device;

import java.util.Arrays;
import java.util.function.Consumer;

import sparse.engine.attention.AttentionMethod;
import sparse.engine.backend.Device;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.llama.LlamaWeights;
import sparse.engine.model.sample.Sampler;
import sparse.engine.model.tokenizer.Tokenizer;

/**
 * The generation loop on a device: the prompt through {@link DeviceLlama} token by token
 * (prefill), then sample token after token (decode), handing the text to a listener as it
 * becomes printable, and timing both phases.
 */
public final class DeviceGenerator {

    /**
     * @param tokens         prompt tokens (BOS first when the tokenizer asks for it), then generated ones
     * @param promptLength   how many of {@code tokens} are the prompt
     * @param text           {@code tokens} decoded
     * @param prefillNanos   time of the prompt's forward passes
     * @param decodeForwards forward passes after the prompt's (one fewer than the tokens generated)
     * @param decodeNanos    time from the end of prefill to the last token sampled
     * @param device         {@code backend id (name)} of the device that ran it
     * @param attention      the attention method's name
     * @param attentionPath  where attention ran: in the step graph or on the host between graphs
     * @param density        keys attended over keys visible, over every head, layer and position
     */
    public record Result(int[] tokens, int promptLength, String text, long prefillNanos, int decodeForwards,
                         long decodeNanos, String device, String attention, DeviceLlama.AttentionPath attentionPath,
                         double density) {

        public int[] generated() {
            return Arrays.copyOfRange(tokens, promptLength, tokens.length);
        }

        public double prefillTokensPerSecond() {
            return promptLength / (prefillNanos / 1e9);
        }

        /** NaN when nothing was decoded after the first token. */
        public double decodeTokensPerSecond() {
            return decodeForwards == 0 ? Double.NaN : decodeForwards / (decodeNanos / 1e9);
        }
    }

    private DeviceGenerator() {
    }

    /**
     * Loads the model in {@code file} onto {@code device} with room for the prompt and
     * {@code steps} new tokens (at most the context length), attention by {@code method}
     * (null: the model's own dense attention; the model closes it), and generates.
     */
    public static Result generate(GgufFile file, Device device, AttentionMethod method, Sampler sampler, String prompt,
                                  int steps, Consumer<String> onText) {
        LlamaConfig config;
        DeviceWeights weights;
        int capacity;
        try {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
            config = LlamaConfig.fromGguf(file);
            int[] promptTokens = encode(Tokenizer.fromGguf(file), prompt, config);
            capacity = (int) Math.min((long) promptTokens.length + steps, config.contextLength());
            weights = DeviceWeights.read(file.path(), LlamaWeights.fromGguf(file, config));
        } catch (RuntimeException e) {
            if (method != null) {
                method.close();
            }
            throw e;
        }
        try (DeviceLlama model = new DeviceLlama(config, weights, device, capacity, method)) {
            return generate(model, Tokenizer.fromGguf(file), sampler, prompt, steps, onText);
        }
    }

    /** Generates up to {@code steps} tokens after {@code prompt} on a fresh {@code model}, stopping early at EOS or a full cache. */
    public static Result generate(DeviceLlama model, Tokenizer tokenizer, Sampler sampler, String prompt, int steps,
                                  Consumer<String> onText) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        int[] promptTokens = encode(tokenizer, prompt, model.config());
        if (promptTokens.length > model.capacity()) {
            throw new IllegalArgumentException("prompt of " + promptTokens.length + " tokens exceeds the model's cache of "
                    + model.capacity());
        }
        int[] tokens = Arrays.copyOf(promptTokens, (int) Math.min((long) promptTokens.length + steps, model.capacity()));
        TextStream text = new TextStream(tokenizer, onText);
        text.emit(tokens, promptTokens.length);

        long start = System.nanoTime();
        float[] logits = null;
        for (int pos = 0; pos < promptTokens.length; pos++) {
            logits = model.forward(promptTokens[pos], pos);
        }
        long prefillEnd = System.nanoTime();
        int n = promptTokens.length;
        int forwards = 0;
        while (n < tokens.length) {
            int next = sampler.sample(logits);
            tokens[n++] = next;
            text.emit(tokens, n);
            if (next == tokenizer.eos() || n == tokens.length) {
                break;
            }
            logits = model.forward(next, n - 1);
            forwards++;
        }
        long end = System.nanoTime();
        int[] all = Arrays.copyOf(tokens, n);
        text.finish(all);
        Device d = model.device();
        return new Result(all, promptTokens.length, tokenizer.decode(all), prefillEnd - start, forwards, end - prefillEnd,
                d.backend() + " " + d.id() + " (" + d.name() + ")", model.attention(), model.attentionPath(),
                model.density());
    }

    private static int[] encode(Tokenizer tokenizer, String prompt, LlamaConfig config) {
        int[] promptTokens = tokenizer.encode(prompt, tokenizer.addsBos());
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("empty prompt and no BOS token to start from");
        }
        if (promptTokens.length > config.contextLength()) {
            throw new IllegalArgumentException("prompt of " + promptTokens.length + " tokens exceeds the context length "
                    + config.contextLength());
        }
        return promptTokens;
    }

    /**
     * Hands on the text of a growing token list as it becomes final: decoding is stable except
     * for a trailing incomplete UTF-8 sequence (shown as U+FFFD), which is held back until
     * its bytes are complete.
     */
    private static final class TextStream {
        private final Tokenizer tokenizer;
        private final Consumer<String> onText;
        private int emitted;

        TextStream(Tokenizer tokenizer, Consumer<String> onText) {
            this.tokenizer = tokenizer;
            this.onText = onText;
        }

        void emit(int[] tokens, int n) {
            String text = tokenizer.decode(Arrays.copyOf(tokens, n));
            int stable = text.length();
            while (stable > emitted && text.charAt(stable - 1) == '\uFFFD') {
                stable--;
            }
            send(text, stable);
        }

        void finish(int[] tokens) {
            String text = tokenizer.decode(tokens);
            send(text, text.length());
        }

        private void send(String text, int end) {
            if (end > emitted) {
                onText.accept(text.substring(emitted, end));
                emitted = end;
            }
        }
    }
}
