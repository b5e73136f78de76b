package sparse.engine.model.llama;

import java.util.Arrays;

import sparse.engine.model.sample.Sampler;
import sparse.engine.model.tokenizer.Tokenizer;

/** The generation loop: run the prompt through the model, then sample token after token. */
public final class Generator {

    /**
     * @param tokens       prompt tokens (BOS first when the tokenizer asks for it) then generated ones
     * @param promptLength how many of {@code tokens} are the prompt
     * @param text         {@code tokens} decoded
     */
    public record Result(int[] tokens, int promptLength, String text) {

        public int[] generated() {
            return Arrays.copyOfRange(tokens, promptLength, tokens.length);
        }
    }

    private Generator() {
    }

    /** Generates up to {@code maxNewTokens} tokens after {@code prompt}, stopping early at EOS. */
    public static Result generate(Llama model, Tokenizer tokenizer, Sampler sampler, String prompt, int maxNewTokens) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        int[] promptTokens = tokenizer.encode(prompt, tokenizer.addsBos());
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("empty prompt and no BOS token to start from");
        }
        if (promptTokens.length > model.config().contextLength()) {
            throw new IllegalArgumentException("prompt of " + promptTokens.length + " tokens exceeds the context length "
                    + model.config().contextLength());
        }
        int total = promptTokens.length + maxNewTokens;
        LlamaState state = model.newState(Math.min(total, model.config().contextLength()));
        int[] tokens = Arrays.copyOf(promptTokens, Math.min(total, state.capacity()));

        int n = promptTokens.length;
        float[] logits = null;
        for (int pos = 0; pos < promptTokens.length; pos++) {
            logits = model.forward(state, promptTokens[pos], pos);
        }
        while (n < tokens.length) {
            int next = sampler.sample(logits);
            tokens[n++] = next;
            if (next == tokenizer.eos() || n == tokens.length) {
                break;
            }
            logits = model.forward(state, next, n - 1);
        }
        int[] all = Arrays.copyOf(tokens, n);
        return new Result(all, promptTokens.length, tokenizer.decode(all));
    }
}
