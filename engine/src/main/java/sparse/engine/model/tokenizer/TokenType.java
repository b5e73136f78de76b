package sparse.engine.model.tokenizer;

/** Token kinds as {@code tokenizer.ggml.token_type} numbers them (llama.cpp's llama_token_type). */
public enum TokenType {
    UNDEFINED,
    /** Ordinary text; takes part in merges. */
    NORMAL,
    /** {@code <unk>}. */
    UNKNOWN,
    /** {@code <s>}, {@code </s>} and other markers that never come from text. */
    CONTROL,
    /** Added text pieces; take part in merges like normal ones. */
    USER_DEFINED,
    UNUSED,
    /** {@code <0xXX>}: one raw byte, for text no other token covers. */
    BYTE;

    static TokenType of(long id) {
        return id >= 0 && id < values().length ? values()[(int) id] : null;
    }
}
